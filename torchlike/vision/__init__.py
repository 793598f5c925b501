"""torchlike.vision: the torchvision subset (datasets, transforms, utils). `import torchlike.vision as torchvision`.

numpy level: datasets and transforms run inside DataLoader workers without JAX.
"""
from . import datasets, transforms, utils  # noqa: F401

__version__ = "0.29.0"

_LAZY_SUBMODULES = frozenset({"models", "ops", "io"})


def __getattr__(name):
    # (submodules that need JAX load on first use, so this package stays importable in DataLoader
    # workers without it)
    if name in _LAZY_SUBMODULES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
