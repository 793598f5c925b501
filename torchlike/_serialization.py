"""save/load in PyTorch's zip checkpoint format, without PyTorch.

Mirrors `torch.save` / `torch.load`. The archive holds `<name>/data.pkl` (protocol-2 pickle in which
tensors reduce to `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
OrderedDict())` and storages are persistent ids `('storage', torch.FloatStorage, key, 'cpu', numel)`),
raw little-endian bytes under `<name>/data/<key>` (64-byte aligned), and the small version records
PyTorch writes. Views keep sharing their base's storage in both directions. Loading maps PyTorch's
globals to torchlike's; `weights_only=True` (the default) allows only plain data, tensors, dtypes,
`torch.Size`, devices and OrderedDicts.
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import struct
import sys
import zipfile
from typing import ClassVar

import jax
import numpy as np

from . import _dtype as D
from ._device import device as _device_cls
from ._tensor import Size, Tensor
from ._views import contiguous_strides, reinterprets, strides_of

__all__ = ["DEFAULT_PROTOCOL", "add_safe_globals", "clear_safe_globals", "get_safe_globals", "load", "save"]

DEFAULT_PROTOCOL = 2
_ALIGN = 64


# ----------------------------------------------------------------------------------------------------------------
# saving
class _Global:
    """A `module.name` written as a pickle GLOBAL without importing it (PyTorch need not be installed)."""

    _cache: ClassVar[dict] = {}

    def __new__(cls, module: str, name: str):
        key = (module, name)
        g = cls._cache.get(key)
        if g is None:
            g = cls._cache[key] = object.__new__(cls)
            g.module, g.name = module, name
        return g

    def __call__(self, *args):  # pickle wants the reduce function to be callable; it is only ever named
        raise TypeError(f"{self.module}.{self.name} is a name in a checkpoint, not a function")


class _StorageRef:
    """What a tensor's persistent id names: one base storage of the archive."""

    __slots__ = ("array", "dtype", "key", "location")

    def __init__(self, array, dtype: D.dtype, key: str, location: str):
        self.array, self.dtype, self.key, self.location = array, dtype, key, location


def _location(t: Tensor) -> str:
    d = t.device
    return "cpu" if d.type == "cpu" else f"{d.type}:{d.index or 0}"


def _view_layout(t: Tensor):
    """(offset, strides) of a view over its base's storage, or None when the view is not strided."""
    if t._storage.data.dtype != t._data.dtype or reinterprets(t._chain):  # (a conj view's values are not its memory's)
        return None
    strides, offset = strides_of(t)
    index = np.asarray(t._chain_index(t._storage.data))
    expect = np.full(index.shape, offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(index.shape, strides)):
        expect = expect + (np.arange(n, dtype=np.int64) * s).reshape((-1,) + (1,) * (index.ndim - d - 1))
    return (offset, strides) if np.array_equal(index, expect) else None


class _Pickler(pickle._Pickler):
    """Protocol-2 pickler writing tensors, dtypes, Size and devices as PyTorch does."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages: dict = {}  # id(_Storage) or id(tensor) -> _StorageRef
        self.refs: list = []      # keep the keyed objects alive while pickling

    def _write_global(self, g: _Global) -> None:
        if self.proto >= 4:
            self.save(g.module)
            self.save(g.name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f"{g.module}\n{g.name}\n".encode())
        self.memoize(g)

    dispatch[_Global] = _write_global

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", _Global("torch", obj.dtype.legacy + "Storage"), obj.key, obj.location,
                    int(obj.array.size))
        return None

    def _storage_for(self, t: Tensor):
        """The storage ref, offset and strides of t: its base's storage when t is a strided view."""
        box = t._storage
        layout = (0, contiguous_strides(t.shape)) if t._chain is None else _view_layout(t)
        owner = box if layout is not None else t
        ref = self.storages.get(id(owner))
        if ref is None:
            array = box.data if layout is not None else t._data
            ref = self.storages[id(owner)] = _StorageRef(array, t.dtype, str(len(self.storages)), _location(t))
            self.refs.append(owner)
        if layout is None:
            layout = (0, contiguous_strides(t.shape))
        return ref, layout[0], layout[1]

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from .nn.parameter import Parameter
            if isinstance(obj, Parameter):
                inner = obj.detach()
                return (_Global("torch._utils", "_rebuild_parameter"),
                        (inner, obj.requires_grad, collections.OrderedDict()))
            ref, offset, strides = self._storage_for(obj)
            return (_Global("torch._utils", "_rebuild_tensor_v2"),
                    (ref, offset, tuple(obj.shape), strides, obj.requires_grad, collections.OrderedDict()))
        if isinstance(obj, Size):
            return (_Global("torch", "Size"), (tuple(obj),))
        if isinstance(obj, _device_cls):
            args = (obj.type,) if obj.index is None else (obj.type, obj.index)
            return (_Global("torch", "device"), args)
        return NotImplemented

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, D.dtype):  # PyTorch pickles a dtype as the bare global torch.<name>
            x = self.memo.get(id(obj))
            if x is not None:
                self.write(self.get(x[0]))
                return
            self.write(pickle.GLOBAL + f"torch\n{obj.name}\n".encode())
            self.memoize(obj)
            return
        super().save(obj, save_persistent_id)


def _aligned_writestr(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Store a record whose data starts on a 64-byte boundary (padding in a 'FB' extra field, as PyTorch)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    header = 30 + len(name.encode("utf-8")) + 4 + (20 if len(data) > zipfile.ZIP64_LIMIT else 0)
    pad = (-(zf.start_dir + header)) % _ALIGN
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    zf.writestr(info, data)


def _array_bytes(array) -> bytes:
    a = np.asarray(jax.device_get(array))
    if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
        a = a.byteswap()
    return a.tobytes()


def save(obj, f, pickle_module=pickle, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Mirrors `torch.save` (the zip format; the legacy pre-1.6 format is not written)."""
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("torchlike.save: the legacy (non-zip) serialization format is not supported")
    buf = io.BytesIO()
    pickler = _Pickler(buf, pickle_protocol)
    pickler.dump(obj)
    is_path = isinstance(f, (str, os.PathLike))
    name = os.path.splitext(os.path.basename(os.fspath(f)))[0] if is_path else "archive"
    fh = open(f, "wb") if is_path else f  # noqa: SIM115 - closed below
    try:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
            _aligned_writestr(zf, f"{name}/data.pkl", buf.getvalue())
            _aligned_writestr(zf, f"{name}/.format_version", b"1")
            _aligned_writestr(zf, f"{name}/.storage_alignment", str(_ALIGN).encode())
            if not _disable_byteorder_record:
                _aligned_writestr(zf, f"{name}/byteorder", b"little")
            for ref in pickler.storages.values():
                _aligned_writestr(zf, f"{name}/data/{ref.key}", _array_bytes(ref.array))
            _aligned_writestr(zf, f"{name}/version", b"3\n")
            sid = "".join(str(b % 10) for b in os.urandom(40))
            _aligned_writestr(zf, f"{name}/.data/serialization_id", sid.encode())
    finally:
        if is_path:
            fh.close()


from ._serialization_load import add_safe_globals, clear_safe_globals, get_safe_globals, load
