"""The import swap: `torch.X` resolves to `torchlike.X`, `torchvision.X` to `torchlike.vision.X`.

numpy level (no JAX import here): DataLoader workers install it too.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import re
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


# The PyTorch release whose API torchlike implements (torchlike.version.__version__); repeated here
# because this module stays importable without JAX.
TORCH_API_VERSION = "2.13.0"


def _real_torch_importable() -> bool:
    """Whether a finder other than the alias would import a real `torch`."""
    for finder in sys.meta_path:
        if isinstance(finder, TorchAliasFinder) or not hasattr(finder, "find_spec"):
            continue
        try:
            if finder.find_spec("torch", None) is not None:
                return True
        except ImportError:  # a finder that refuses torch
            return False
    return False


def _torch_distribution():
    """The installed-package metadata a script sees for `torch`: Name torch, the API version."""
    import importlib.metadata as md

    class TorchlikeAsTorch(md.Distribution):
        _FILES = {"METADATA": f"Metadata-Version: 2.1\nName: torch\nVersion: {TORCH_API_VERSION}\n"
                              "Summary: the PyTorch API on JAX (torchlike)\n",
                  "top_level.txt": "torch\n"}

        def read_text(self, filename):
            return self._FILES.get("METADATA" if filename == "PKG-INFO" else filename)

        def locate_file(self, path):
            import pathlib
            return pathlib.Path(__file__).parent / path

    return TorchlikeAsTorch()


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """A meta path finder aliasing `torch`/`torchvision` and their submodules to torchlike's.

    It also answers `importlib.metadata` queries for the `torch` distribution (`version("torch")`
    is the PyTorch API version torchlike implements) when no real PyTorch is importable, so
    libraries that check the installed torch version find one."""

    def find_spec(self, fullname, path, target=None):
        real = _target(fullname)
        if real is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(fullname, real))

    def find_distributions(self, context=None):
        name = getattr(context, "name", None)
        if name is not None and re.sub(r"[-_.]+", "-", name).lower() != "torch":
            return iter(())
        if _real_torch_importable():
            return iter(())
        return iter((_torch_distribution(),))


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
