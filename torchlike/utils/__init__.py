"""torch.utils (numpy level: importable inside DataLoader workers without JAX)."""
from . import data  # noqa: F401

_LAZY_SUBMODULES = frozenset({"checkpoint", "hooks", "_pytree", "debug", "dlpack"})


def __getattr__(name):
    # (submodules that need JAX load on first use, so this package stays importable in DataLoader
    # workers without it)
    if name in _LAZY_SUBMODULES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
