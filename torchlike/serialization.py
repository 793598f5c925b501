"""Mirrors `torch.serialization`: save/load plus the allowlist that `load(weights_only=True)` consults.

The checkpoint format and the loader live in `_serialization.py` / `_serialization_load.py`; this module is
the public face scripts import (`torch.serialization.add_safe_globals([...])`, `safe_globals(...)`).
"""
from __future__ import annotations

import _compat_pickle
import io
import pickletools
import zipfile

from . import _serialization_load as _load_mod
from ._serialization import DEFAULT_PROTOCOL, _location, load, save
from ._serialization_load import add_safe_globals, clear_safe_globals, get_safe_globals
from ._tensor import Tensor

__all__ = [
    "DEFAULT_PROTOCOL",
    "SourceChangeWarning",
    "add_safe_globals",
    "clear_safe_globals",
    "default_restore_location",
    "get_safe_globals",
    "get_unsafe_globals_in_checkpoint",
    "load",
    "location_tag",
    "register_package",
    "safe_globals",
    "save",
]


class SourceChangeWarning(Warning):
    """Mirrors `torch.serialization.SourceChangeWarning` (PyTorch warns with it when a pickled module's
    source changed; torchlike never compares sources, so it is only importable and catchable)."""


class safe_globals:
    """Mirrors `torch.serialization.safe_globals`: a context manager allowing `safe_globals` for the
    weights-only loads inside it, and only those."""

    def __init__(self, safe_globals: list):
        self.safe_globals = safe_globals

    def __enter__(self):
        self._before = len(_load_mod._SAFE_EXTRA)
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc_info):
        del _load_mod._SAFE_EXTRA[self._before:]
        return False


def _pickle_bytes(f) -> bytes:
    """The data.pkl record of a zip checkpoint (a path or a binary file)."""
    fh, _ = _load_mod._open(f)
    start = fh.tell()
    try:
        with zipfile.ZipFile(fh) as zf:
            return zf.read(_load_mod._find_data_pkl(zf, repr(f)))
    finally:
        if fh is not f:
            fh.close()
        else:
            fh.seek(start)


def get_unsafe_globals_in_checkpoint(f) -> list:
    """Mirrors `torch.serialization.get_unsafe_globals_in_checkpoint`: the `module.name` globals a checkpoint
    uses that `load(weights_only=True)` would refuse (neither allowed by default nor by add_safe_globals)."""
    defaults = _load_mod.default_safe_globals()
    unsafe = []
    for op, arg, _ in pickletools.genops(io.BytesIO(_pickle_bytes(f))):
        if op.name != "GLOBAL":
            continue
        module, name = arg.split(" ", 1)
        module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full = f"{module}.{name}"
        if (module, name) in defaults or _load_mod._allowed_extra(module, name) is not None or full in unsafe:
            continue
        unsafe.append(full)
    return unsafe


def location_tag(storage) -> str:
    """Mirrors `torch.serialization.location_tag`: the location string a checkpoint records ('cpu',
    'cuda:0') for a tensor, or for a storage read by torchlike.load."""
    if isinstance(storage, Tensor):
        return _location(storage)
    if isinstance(storage, _load_mod._Storage):
        return "cpu" if storage.device is None else str(storage.device)
    raise RuntimeError(f"don't know how to determine data location of {type(storage).__module__}."
                       f"{type(storage).__name__}")


def default_restore_location(storage, location: str):
    """Mirrors `torch.serialization.default_restore_location`: place a storage being loaded at `location`
    ('cpu', 'cuda:N'); raises as torch.load does for a CUDA location without a GPU."""
    if not isinstance(storage, _load_mod._Storage):
        raise RuntimeError(f"don't know how to restore data location of {type(storage).__module__}."
                           f"{type(storage).__name__} (tagged with {location})")
    storage.device = _load_mod._target_device(storage, str(location), None)
    return storage


def register_package(priority: int, tagger, deserializer) -> None:
    """`torch.serialization.register_package` adds a storage location backend (a custom device) to save
    and load. torchlike's devices are JAX's CPU and GPUs only, so no other backend can be plugged in."""
    raise NotImplementedError("torchlike.serialization.register_package: custom storage location backends "
                              "(tagger/deserializer packages for other device types) are not supported")
