"""torchlike.load: read PyTorch's zip checkpoints (written by PyTorch or torchlike) without PyTorch."""

from __future__ import annotations

import _codecs
import _compat_pickle
import builtins
import collections
import importlib
import io
import os
import pickle
import zipfile

import jax
import jax.numpy as jnp
import numpy as np

from . import _dtype as D
from ._device import device as _device_cls
from ._device import to_jax as _device_to_jax
from ._tensor import Size, Tensor

__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "load"]

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_SAFE_EXTRA: list = []

_WEIGHTS_ONLY_MSG = (
    "Weights only load failed. This file can still be loaded, to do so you have two options, do those steps only if "
    "you trust the source of the checkpoint. \n\t(1) In PyTorch 2.6, we changed the default value of the "
    "`weights_only` argument in `torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set "
    "to `False` will likely succeed, but it can result in arbitrary code execution. Do it only if you got the file "
    "from a trusted source.\n\t(2) Alternatively, to load with `weights_only=True` please check the recommended steps "
    "in the following error message.\n\tWeightsUnpickler error: Unsupported global: GLOBAL {g} was not an allowed "
    "global by default. Please use `torch.serialization.add_safe_globals([{n}])` or the "
    "`torch.serialization.safe_globals([{n}])` context manager to allowlist this global if you trust this "
    "class/function.\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
    "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def add_safe_globals(safe_globals: list) -> None:
    """Mirrors `torch.serialization.add_safe_globals`: allow these classes/functions with weights_only=True."""
    _SAFE_EXTRA.extend(safe_globals)


def get_safe_globals() -> list:
    return list(_SAFE_EXTRA)


def clear_safe_globals() -> None:
    _SAFE_EXTRA.clear()


class _StorageType:
    """What `torch.FloatStorage` etc. unpickle to: the element dtype of a stored buffer."""

    def __init__(self, dtype: D.dtype):
        self.dtype = dtype


class _Storage:
    """A loaded storage: the flat numpy buffer of one `data/<key>` record and the device it goes to."""

    def __init__(self, array: np.ndarray, dtype: D.dtype, key: str, location: str):
        self.array, self.dtype, self.key, self.location = array, dtype, key, location
        self.device = None  # chosen from map_location when loading
        self.users: list = []  # (tensor, offset, size, stride) of every tensor rebuilt on it

    def size(self) -> int:
        return int(self.array.size)

    def cpu(self):
        return self


def _place(array: np.ndarray, device):
    arr = jnp.asarray(array)
    return arr if device is None else jax.device_put(arr, _device_to_jax(device))


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    """Mirrors `torch._utils._rebuild_tensor_v2`: a tensor reading storage at (offset, size, stride)."""
    if not isinstance(storage, _Storage):
        raise NotImplementedError(f"torchlike.load: tensors over {type(storage).__name__} are not supported")
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    item = storage.array.itemsize
    if storage.array.size == 0 or 0 in size:
        arr = np.zeros(size, dtype=storage.array.dtype)
    elif not size:
        arr = np.array(storage.array[int(storage_offset)])
    else:
        view = np.lib.stride_tricks.as_strided(storage.array[int(storage_offset):], size, [s * item for s in stride])
        arr = np.ascontiguousarray(view)
    t = Tensor._wrap(_place(arr, storage.device))
    if requires_grad:
        t.requires_grad_(True)
    storage.users.append((t, int(storage_offset), size, stride))
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad)
    for k, v in (state or {}).items():
        setattr(p, k, v)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    """Mirrors `torch._tensor._rebuild_from_type_v2`: tensors saved through a subclass's reduce."""
    ret = func(*args)
    if new_type is not Tensor and isinstance(new_type, type) and not isinstance(ret, new_type):
        ret = new_type(ret) if issubclass(new_type, Tensor) else ret
    if isinstance(state, tuple):
        state = state[0] if state else None
    for k, v in (state or {}).items():
        setattr(ret, k, v)
    return ret


def _unsupported(what):
    def fail(*args, **kwargs):
        raise NotImplementedError(f"torchlike.load: {what} are not supported")
    return fail


def _torch_globals() -> dict:
    from .nn.parameter import Parameter
    g = {("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
         ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
         ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
         ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
         ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
         ("torch._utils", "_rebuild_qtensor"): _unsupported("quantized tensors"),
         ("torch._utils", "_rebuild_sparse_tensor"): _unsupported("sparse tensors"),
         ("torch._utils", "_rebuild_wrapper_subclass"): _unsupported("tensor wrapper subclasses"),
         ("torch._utils", "_rebuild_meta_tensor_no_storage"): _unsupported("meta tensors"),
         ("torch._utils", "_rebuild_nested_tensor"): _unsupported("nested tensors"),
         ("torch", "Size"): Size, ("torch", "device"): _device_cls, ("torch", "Tensor"): Tensor,
         ("torch._tensor", "Tensor"): Tensor, ("torch.nn.parameter", "Parameter"): Parameter,
         ("collections", "OrderedDict"): collections.OrderedDict, ("collections", "Counter"): collections.Counter,
         ("_codecs", "encode"): _codecs.encode}
    for name in ("set", "frozenset", "bytearray", "complex", "slice"):
        g[("builtins", name)] = getattr(builtins, name)
    for name, st in _STORAGE_DTYPES.items():
        g[("torch", name)] = _StorageType(st)
    for d in D.ALL:
        g[("torch", d.name)] = d
    for alias, d in D.ALIASES.items():
        g.setdefault(("torch", alias), d)
    return g


_STORAGE_DTYPES = {d.legacy + "Storage": d for d in D.ALL}
_STORAGE_DTYPES.update(UntypedStorage=D.uint8, ByteStorage=D.uint8)
_GLOBALS: dict = {}


class _Unpickler(pickle.Unpickler):
    """Maps PyTorch's globals to torchlike's; with weights_only, anything else is refused."""

    def __init__(self, file, zf: zipfile.ZipFile, prefix: str, weights_only: bool, map_location, big_endian: bool):
        super().__init__(file, encoding="utf-8")
        self.zf, self.prefix, self.weights_only = zf, prefix, weights_only
        self.map_location, self.big_endian = map_location, big_endian
        self.loaded: dict = {}

    def find_class(self, module, name):
        if (module, name) in _compat_pickle.NAME_MAPPING:  # protocol-2 files name Python 2 modules
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        if not _GLOBALS:
            _GLOBALS.update(_torch_globals())
        hit = _GLOBALS.get((module, name))
        if hit is not None:
            return hit
        if self.weights_only:
            for obj in _SAFE_EXTRA:
                if getattr(obj, "__module__", None) == module and getattr(obj, "__qualname__", None) == name:
                    return obj
            raise pickle.UnpicklingError(_WEIGHTS_ONLY_MSG.format(g=f"{module}.{name}", n=f"{module}.{name}"))
        if module == "torch" or module.startswith("torch."):
            mapped = "torchlike" + module[len("torch"):]
            try:
                obj = importlib.import_module(mapped)
                for part in name.split("."):
                    obj = getattr(obj, part)
                return obj
            except (ImportError, AttributeError):
                raise NotImplementedError(f"torchlike.load: {module}.{name} has no torchlike equivalent") from None
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"Unknown persistent id {pid!r}")
        _, storage_type, key, location, _numel = pid
        if not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"Unknown storage type {storage_type!r}")
        st = self.loaded.get(key)
        if st is None:
            raw = self.zf.read(f"{self.prefix}data/{key}")
            arr = np.frombuffer(raw, dtype=storage_type.dtype.np.newbyteorder(">" if self.big_endian else "<"))
            arr = arr.astype(storage_type.dtype.np) if self.big_endian else arr
            st = self.loaded[key] = _Storage(arr, storage_type.dtype, key, location)
            st.device = _target_device(st, location, self.map_location)
        return st


def _target_device(storage, location: str, map_location):
    """Where a storage saved at `location` goes (None: the default CPU device)."""
    if callable(map_location) and not isinstance(map_location, (str, _device_cls)):
        result = map_location(storage, location)
        if result is None or result is storage:
            return _target_device(storage, location, None)
        return _target_device(storage, location, result if not isinstance(result, _Storage) else None)
    if isinstance(map_location, dict):
        return _target_device(storage, map_location.get(location, location), None)
    target = location if map_location is None else map_location
    dev = target if isinstance(target, _device_cls) else _device_cls(str(target))
    if dev.type == "cpu":
        return None
    if dev.type == "cuda":
        from ._device import gpu_devices
        if not gpu_devices():
            raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                               "False. If you are running on a CPU-only machine, please use torch.load with "
                               "map_location=torch.device('cpu') to map your storages to the CPU.")
    return dev


def _relink_views(storages) -> None:
    """Tensors that shared a storage when saved share one again: views of the tensor covering it, or of a
    hidden base holding the whole storage."""
    from ._ops.shape import as_strided
    for st in storages:
        if len(st.users) < 2:
            continue
        n = st.array.size
        base = next((t for t, off, size, stride in st.users
                     if off == 0 and int(np.prod(size, dtype=np.int64)) == n and stride == _contig(size)), None)
        flat = base.reshape(-1) if base is not None else Tensor._wrap(_place(np.array(st.array), st.device))
        for t, off, size, stride in st.users:
            if t is base:
                continue
            v = as_strided(flat, size, stride, off)
            t._storage, t._chain, t._base = v._storage, v._chain, v._base
            t._cache, t._cache_ver = v._cache, v._cache_ver


def _contig(size) -> tuple:
    out, acc = [0] * len(size), 1
    for i in range(len(size) - 1, -1, -1):
        out[i] = acc
        acc *= max(size[i], 1)
    return tuple(out)


def _open(f):
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return io.BytesIO(fh.read()), os.fspath(f)
    if hasattr(f, "seekable") and not f.seekable():
        return io.BytesIO(f.read()), repr(f)
    return f, repr(f)


def _check_archive(fh, name: str) -> None:
    start = fh.tell()
    head = fh.read(16)
    fh.seek(start)
    if head[:2] == b"PK":
        return
    if head[:3] == b"\x80\x02\x8a" and int.from_bytes(head[4:4 + head[3]], "little") == _LEGACY_MAGIC:
        raise RuntimeError(f"torchlike.load: {name} is in PyTorch's legacy (pre-1.6, non-zip) format, which torchlike "
                           "does not read; re-save it with torch.save() in the default zip format")
    raise RuntimeError(f"torchlike.load: {name} is not a PyTorch checkpoint (expected a zip archive, as torch.save "
                       "writes)")


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = None, mmap: bool | None = None,
         **pickle_load_args):
    """Mirrors `torch.load` for zip checkpoints (weights_only=True by default; mmap reads the file fully)."""
    weights_only = True if weights_only is None else weights_only
    fh, name = _open(f)
    _check_archive(fh, name)
    with zipfile.ZipFile(fh) as zf:
        names = zf.namelist()
        pkl = next((n for n in names if n.endswith("data.pkl") and n.count("/") == 1), None)
        if pkl is None:
            if any(n.endswith("constants.pkl") for n in names):
                raise RuntimeError(f"torchlike.load: {name} is a TorchScript archive (torch.jit.save); torchlike "
                                   "does not load TorchScript")
            raise RuntimeError(f"torchlike.load: {name} has no data.pkl record; not a torch.save checkpoint")
        prefix = pkl[: -len("data.pkl")]
        order = f"{prefix}byteorder"
        big = order in names and zf.read(order).strip() == b"big"
        up = _Unpickler(io.BytesIO(zf.read(pkl)), zf, prefix, weights_only, map_location, big)
        result = up.load()
    _relink_views(up.loaded.values())
    return result
