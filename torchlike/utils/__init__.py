"""torch.utils (numpy level: importable inside DataLoader workers without JAX)."""
from . import data  # noqa: F401
