"""A DataLoader worker's first code, loaded by path (not as part of the package) so that nothing imports JAX.

torchlike is entered as a lazy package: its numpy-level parts (utils.data, vision) import as
usual, and the first use of anything else (`torch.tensor`, `torch.nn`, ...) completes the real
import, which brings in JAX. Workers are spawned, never forked, so that late import is safe.
JAX in a worker is limited to the CPU: tensors built there are CPU tensors, as in PyTorch, and a
worker must not claim accelerator memory the training process needs.
"""
import importlib.abc
import importlib.util
import os
import sys

_LIGHT = ("torchlike.utils", "torchlike.vision", "torchlike._aliases")


def _complete():
    mod = sys.modules["torchlike"]
    if mod.__dict__.get("_tl_complete"):
        return
    mod._tl_complete = True
    mod.__dict__.pop("__getattr__", None)
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _CompleteFinder)]
    with open(mod.__file__) as f:
        code = compile(f.read(), mod.__file__, "exec")
    exec(code, mod.__dict__)  # noqa: S102 - completing the package's own import
    from torchlike.utils.data import get_worker_info
    info = get_worker_info()
    if info is not None and hasattr(mod, "manual_seed"):
        mod.manual_seed(info.seed)


class _CompleteFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.startswith("torchlike.") and not any(name == p or name.startswith(p + ".") for p in _LIGHT):
            _complete()
            done = sys.modules.get(name)
            if done is not None:
                # Completing imported it, and the import system will load the module's own spec again
                # (it does not look at sys.modules once a finder has run): make that load hand the
                # module over instead of running it a second time.
                done.__spec__.loader = _Imported(done, done.__spec__.loader)
                return done.__spec__


class _Imported(importlib.abc.Loader):
    """A loader for a module that is imported already: loading returns it as it is, once."""

    def __init__(self, module, loader):
        self.module, self.loader = module, loader

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        module.__spec__.loader = self.loader


def _module_getattr(name):
    if name.startswith("__"):
        raise AttributeError(name)
    _complete()
    return getattr(sys.modules["torchlike"], name)


def install_lazy_torchlike(pkg_dir: str) -> None:
    init = os.path.join(pkg_dir, "__init__.py")
    spec = importlib.util.spec_from_file_location("torchlike", init, submodule_search_locations=[pkg_dir])
    mod = importlib.util.module_from_spec(spec)
    mod.__getattr__ = _module_getattr
    sys.modules["torchlike"] = mod
    sys.meta_path.insert(0, _CompleteFinder())


def main(args: dict) -> None:
    os.environ["JAX_PLATFORMS"] = "cpu"
    if "torchlike" not in sys.modules:
        install_lazy_torchlike(args.pop("pkg_dir"))
    if args.pop("alias"):
        from torchlike._aliases import install_as_torch
        install_as_torch()
    from torchlike.utils.data._worker import worker_loop
    worker_loop(**args)
