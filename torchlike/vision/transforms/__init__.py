"""torchvision.transforms. Mirrors `torchvision.transforms` (numpy level: usable inside DataLoader workers)."""
from . import functional  # noqa: F401
from .transforms import *
from .transforms import __all__  # noqa: F401
