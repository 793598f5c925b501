"""The layer classes of torch.nn, one file per family as in PyTorch."""
from .module import Module  # noqa: F401
