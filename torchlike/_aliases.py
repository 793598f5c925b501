"""The import swap: `torch.X` resolves to `torchlike.X`, `torchvision.X` to `torchlike.vision.X`.

numpy level (no JAX import here): DataLoader workers install it too.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

_PREFIXES = (("torchvision", "torchlike.vision"), ("torch", "torchlike"))


def _target(fullname: str) -> str | None:
    for alias, real in _PREFIXES:
        if fullname == alias or fullname.startswith(alias + "."):
            return real + fullname[len(alias):]
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, fullname: str, target: str):
        self.fullname, self.target = fullname, target

    def create_module(self, spec):
        try:
            module = importlib.import_module(self.target)
        except ModuleNotFoundError as e:
            if e.name is not None and (e.name == self.target or self.target.startswith(e.name + ".")):
                raise ModuleNotFoundError(f"torchlike has no {self.fullname} (needed by this script)",
                                          name=self.fullname) from None
            raise
        self._spec = module.__spec__
        return module

    def exec_module(self, module):
        module.__spec__ = self._spec  # the import system stamped the alias's spec on the shared module


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """A meta path finder aliasing `torch`/`torchvision` and their submodules to torchlike's."""

    def find_spec(self, fullname, path, target=None):
        real = _target(fullname)
        if real is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(fullname, real))


def installed() -> bool:
    return any(isinstance(f, TorchAliasFinder) for f in sys.meta_path)


def install_as_torch() -> None:
    """Make `import torch` / `import torchvision` (and their submodules) give torchlike's modules.

    For notebooks: call before the first `import torch`. Modules already imported under those
    names (a real PyTorch) are replaced.
    """
    if not installed():
        sys.meta_path.insert(0, TorchAliasFinder())
    for name in [n for n in sys.modules if _target(n) is not None]:
        if not getattr(sys.modules[name], "__name__", "").startswith("torchlike"):
            del sys.modules[name]
