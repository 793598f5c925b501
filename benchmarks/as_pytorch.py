"""Run a script written against torchlike on real PyTorch instead: the reverse of
`python -m torchlike run`. `torchlike` imports resolve to `torch`, `torchlike.vision` to
`torchvision`, so the same file (examples/mnist.py, say) can be timed on both.

    python benchmarks/as_pytorch.py examples/mnist.py --device cuda --epochs 1
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import runpy
import sys

_PREFIXES = (("torchlike.vision", "torchvision"), ("torchlike", "torch"))


def _target(fullname: str):
    for alias, real in _PREFIXES:
        if fullname == alias or fullname.startswith(alias + "."):
            return real + fullname[len(alias):]
    return None


class _Loader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        real = _target(fullname)
        return None if real is None else importlib.util.spec_from_loader(fullname, _Loader(real))


def install() -> None:
    """Resolve `torchlike` imports to `torch` from now on in this process."""
    sys.meta_path.insert(0, _Finder())


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    install()
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
