"""torchlike.load: read PyTorch's zip checkpoints (written by PyTorch or torchlike) without PyTorch."""

from __future__ import annotations

import _codecs
import _compat_pickle
import builtins
import collections
import importlib
import io
import math
import operator
import os
import pickle
import pickletools
import warnings
import zipfile
import zlib

import jax
import jax.numpy as jnp
import numpy as np

from . import _dtype as D
from ._device import device as _device_cls
from ._device import to_jax as _device_to_jax
from ._tensor import Size, Tensor
from ._views import contiguous_strides

__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "load"]

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_ALIGN = 64
_INT64_LIMIT = 2 ** 63
# An overlapping (e.g. expanded) record is materialised; past this size that would be a memory bomb.
_MAX_EXPANDED_BYTES = 1 << 30
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
    """Mirrors `torch.serialization.add_safe_globals`: allow these classes/functions with weights_only=True.

    An entry is the object itself (matched by its module and qualified name) or `(object, "module.name")`
    for an object pickled under another name."""
    _SAFE_EXTRA.extend(safe_globals)


def _allowed_extra(module: str, name: str):
    """The user-allowed object a weights-only checkpoint names as `module.name`, or None."""
    full = f"{module}.{name}"
    for entry in _SAFE_EXTRA:
        if isinstance(entry, tuple) and len(entry) == 2 and entry[1] == full:
            return entry[0]
        if getattr(entry, "__module__", None) == module and getattr(entry, "__qualname__", None) == name:
            return entry
    return None


def get_safe_globals() -> list:
    return list(_SAFE_EXTRA)


def clear_safe_globals() -> None:
    _SAFE_EXTRA.clear()


class _StorageType:
    """What `torch.FloatStorage` etc. unpickle to: the element dtype of a stored buffer."""

    def __init__(self, dtype: D.dtype):
        self.dtype = dtype


class _Storage:
    """A loaded storage: the flat buffer of one `data/<key>` record and the device it goes to.

    The record is read into a 64-byte aligned numpy buffer, which `jax.device_put` adopts without a copy on
    the CPU, so a checkpoint costs about its own size in memory."""

    def __init__(self, array: np.ndarray, dtype: D.dtype, key: str, location: str):
        self.array, self.dtype, self.key, self.location = array, dtype, key, location
        self.device = None  # chosen from map_location when loading
        self.users: list = []  # (tensor, offset, size, stride) of every tensor rebuilt on it
        self._flat = None

    def size(self) -> int:
        return int(self.array.size)

    def cpu(self):
        return self

    def flat(self) -> Tensor:
        """The whole storage as one 1-D tensor: the hidden base of tensors that cover only part of it."""
        if self._flat is None:
            self._flat = Tensor._wrap(_place(self.array, self.device))
        return self._flat


def _place(array: np.ndarray, device):
    if device is None:
        return jax.device_put(array) if array.ctypes.data % _ALIGN == 0 else jnp.asarray(array)
    return jax.device_put(array, _device_to_jax(device))


def _as_index(x, what: str) -> int:
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError(f"set_() received an invalid combination of arguments - got a {type(x).__name__} "
                        f"{what}, but expected ints for the storage offset, size and stride") from None


def _check_layout(storage: _Storage, storage_offset, size, stride) -> tuple:
    """Validate (offset, size, stride) against the storage before any memory is touched, as PyTorch's
    `set_` does: a record may never read past its storage."""
    offset = _as_index(storage_offset, "storage offset")
    size = tuple(_as_index(s, "size") for s in size)
    stride = tuple(_as_index(s, "stride") for s in stride)
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if len(size) != len(stride):
        raise RuntimeError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
    numel = math.prod(size)
    if any(n < 0 for n in size) or numel >= _INT64_LIMIT:
        raise RuntimeError("numel: integer multiplication overflow")
    if numel == 0:
        if math.prod(max(n, 1) for n in size) * storage.array.itemsize >= _INT64_LIMIT:
            raise NotImplementedError(f"torchlike.load: an empty tensor of size {list(size)} has an extent XLA "
                                      "cannot represent (its nonzero sizes overflow a 64-bit byte count)")
        return offset, size, stride
    extent = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if any(s < 0 for s in stride) or extent * storage.array.itemsize >= _INT64_LIMIT:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    if extent > storage.array.size:
        raise RuntimeError("Trying to resize storage that is not resizable")
    dense = numel * storage.array.itemsize
    if dense > max(storage.array.nbytes, _MAX_EXPANDED_BYTES):
        raise NotImplementedError(
            f"torchlike.load: a tensor of size {list(size)} with strides {list(stride)} reads its "
            f"{storage.array.size}-element storage repeatedly; torchlike has no strided views and would "
            f"materialise {dense} bytes, so it refuses views larger than their storage beyond "
            f"{_MAX_EXPANDED_BYTES} bytes")
    return offset, size, stride


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    """Mirrors `torch._utils._rebuild_tensor_v2`: a tensor reading storage at (offset, size, stride).

    A tensor covering its whole storage in order adopts the buffer; any other layout (a slice, a transposed
    or expanded view) is a view of the whole storage, so an expanded tensor never passes through numpy."""
    if not isinstance(storage, _Storage):
        raise NotImplementedError(f"torchlike.load: tensors over {type(storage).__name__} are not supported")
    offset, size, stride = _check_layout(storage, storage_offset, size, stride)
    if math.prod(size) == 0:
        # From numpy: jnp.zeros of a shape like (2**26, 3, 0) makes XLA allocate for the nonzero dims.
        t = Tensor._wrap(jax.device_put(np.zeros(size, dtype=storage.array.dtype),
                                        None if storage.device is None else _device_to_jax(storage.device)))
    elif offset == 0 and stride == contiguous_strides(size) and math.prod(size) == storage.array.size:
        t = Tensor._wrap(_place(storage.array.reshape(size), storage.device))
    else:
        from ._ops.shape import as_strided
        t = as_strided(storage.flat(), size, stride, offset)
    if requires_grad:
        t.requires_grad_(True)
    storage.users.append((t, offset, size, stride))
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


def default_safe_globals() -> dict:
    """{(module, name): object} of the PyTorch globals a weights-only load accepts without add_safe_globals."""
    if not _GLOBALS:
        _GLOBALS.update(_torch_globals())
    return _GLOBALS


class _Unpickler(pickle.Unpickler):
    """Maps PyTorch's globals to torchlike's; with weights_only, anything else is refused."""

    def __init__(self, file, zf: zipfile.ZipFile, prefix: str, weights_only: bool, map_location, big_endian: bool):
        super().__init__(file, encoding="utf-8")
        self.zf, self.prefix, self.weights_only = zf, prefix, weights_only
        self.map_location, self.big_endian = map_location, big_endian
        self.loaded: dict = {}
        self.archive_len = 0

    def find_class(self, module, name):
        if (module, name) in _compat_pickle.NAME_MAPPING:  # protocol-2 files name Python 2 modules
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        hit = default_safe_globals().get((module, name))
        if hit is not None:
            return hit
        if self.weights_only:
            allowed = _allowed_extra(module, name)
            if allowed is not None:
                return allowed
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
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"Unknown persistent id {pid!r}")
        _, storage_type, key, location, numel = pid
        if not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"Unknown storage type {storage_type!r}")
        if not isinstance(key, str) or not isinstance(location, str) or type(numel) is not int:
            raise pickle.UnpicklingError(f"Malformed storage record {pid!r}")
        st = self.loaded.get(key)
        if st is None:
            arr = _read_record(self.zf, self.archive_len, f"{self.prefix}data/{key}", f"data/{key}",
                               storage_type.dtype, numel,
                               self.big_endian)
            st = self.loaded[key] = _Storage(arr, storage_type.dtype, key, location)
            st.device = _target_device(st, location, self.map_location)
        elif st.dtype != storage_type.dtype or st.array.size != numel:
            raise RuntimeError(f"storage data/{key} is named twice with different types or sizes")
        return st


# Errors that a damaged zip archive raises from the standard library; reported as PyTorch's reader does.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OverflowError, NotImplementedError,
               UnicodeDecodeError, KeyError, OSError)
_CHUNK = 1 << 24


def _read_record(zf: zipfile.ZipFile, archive_len: int, name: str, short: str, dtype: D.dtype, numel: int,
                 big_endian: bool):
    """One storage record as a 64-byte aligned array, its declared size checked against the pickle's element
    count and the archive's real length before anything is allocated."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise RuntimeError(f"PytorchStreamReader failed locating file {short}: file not found") from None
    item = dtype.np.itemsize
    if info.file_size != numel * item:
        raise RuntimeError(f"record size ({info.file_size} bytes) does not match expected size "
                           f"({numel * item} bytes = {numel * item} elements * 1 bytes/element) for dtype Byte")
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size or \
            info.header_offset + info.compress_size > archive_len or info.file_size > 1032 * info.compress_size + 64:
        raise RuntimeError(f"PytorchStreamReader failed reading file {short}: the record is larger than the archive")
    raw = np.empty(info.file_size + _ALIGN, dtype=np.uint8)
    start = (-raw.ctypes.data) % _ALIGN
    buf = raw[start:start + info.file_size]
    view = memoryview(buf)
    try:
        with zf.open(info) as src:
            pos = 0
            while pos < info.file_size:
                got = src.readinto(view[pos:pos + _CHUNK])
                if not got:
                    raise EOFError("the record ends early")
                pos += got
            src.read(1)  # reaching the end makes zipfile check the CRC
    except _ZIP_ERRORS as e:
        raise RuntimeError(f"PytorchStreamReader failed reading file {short}: {e}") from None
    arr = buf.view(dtype.np.newbyteorder(">" if big_endian else "<"))
    if big_endian:
        arr = arr.astype(dtype.np)
    if dtype == D.bool_:  # any nonzero byte reads as True, as in PyTorch; numpy would keep the raw byte
        arr = arr.view(np.uint8) != 0
    return arr


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
    """Tensors that shared a storage when saved share one again. Partial views were built over the
    storage's hidden whole; when one loaded tensor covers the storage itself, the others become its views."""
    from ._ops.shape import as_strided
    for st in storages:
        base = next((t for t, off, size, stride in st.users
                     if off == 0 and math.prod(size) == st.array.size and stride == contiguous_strides(size)), None)
        if base is None or len(st.users) < 2:
            continue
        flat = base.reshape(-1)
        for t, off, size, stride in st.users:
            if t is base or math.prod(size) == 0:
                continue
            v = as_strided(flat, size, stride, off)
            t._storage, t._chain, t._base = v._storage, v._chain, v._base
            t._cache, t._cache_ver = v._cache, v._cache_ver


def _open(f):
    """A seekable binary file for f and a name for messages; a path is opened, not read into memory."""
    if isinstance(f, (str, os.PathLike)):
        return open(f, "rb"), os.fspath(f)  # noqa: SIM115 - closed by load
    if hasattr(f, "seekable") and not f.seekable():
        return io.BytesIO(f.read()), repr(f)
    return f, repr(f)


# The pickle opcodes PyTorch's weights-only unpickler executes (protocol 2 without the string forms);
# with weights_only=True any other opcode is refused, as PyTorch refuses it.
_WEIGHTS_ONLY_OPCODES = frozenset(
    "GLOBAL NEWOBJ REDUCE BUILD APPEND APPENDS SETITEM SETITEMS MARK TUPLE TUPLE1 TUPLE2 TUPLE3 NONE NEWFALSE "
    "NEWTRUE EMPTY_TUPLE EMPTY_LIST EMPTY_DICT EMPTY_SET BININT BININT1 BININT2 BINFLOAT BINUNICODE "
    "SHORT_BINSTRING BINPERSID BINGET LONG_BINGET BINPUT LONG_BINPUT LONG1 PROTO STOP".split())

_WEIGHTS_ONLY_FAILED = (
    "Weights only load failed. In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely "
    "succeed, but it can result in arbitrary code execution. Do it only if you got the file from a trusted source."
    "\nPlease file an issue with the following so that we can make `weights_only=True` compatible with your use "
    "case: WeightsUnpickler error: \n\n{}\n\nCheck the documentation of torch.load to learn more about types "
    "accepted by default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def _check_weights_only_opcodes(data: bytes) -> None:
    """Refuse, in order, the first opcode outside the weights-only set; a pickle too damaged to read further
    is left to the unpickler, which reports the damage."""
    stream = io.BytesIO(data)
    while code := stream.read(1):
        op = pickletools.code2op.get(code.decode("latin-1"))
        if op is None or op.name not in _WEIGHTS_ONLY_OPCODES:
            raise pickle.UnpicklingError(_WEIGHTS_ONLY_FAILED.format(f"Unsupported operand {code[0]}"))
        try:
            arg = op.arg.reader(stream) if op.arg is not None else None
        except ValueError:
            return
        if op.name == "PROTO" and arg != 2:
            warnings.warn(f"Detected pickle protocol {arg} in the checkpoint, which was not the default pickle "
                          "protocol used by `torch.load` (2). The weights_only Unpickler might not support all "
                          "instructions implemented by this protocol, please file an issue for adding support "
                          "if you encounter this.", stacklevel=4)
        if op.name == "STOP":
            return


def _load_non_zip(fh, name: str, weights_only: bool, map_location):
    """What PyTorch does with a file that is not a zip archive: unpickle the legacy format's magic number."""
    if weights_only:  # opcodes are checked before any runs, as PyTorch's unpickler refuses them in order
        start = fh.tell()
        _check_weights_only_opcodes(fh.read(1 << 16))
        fh.seek(start)
    magic = _Unpickler(fh, None, "", weights_only, map_location, False).load()
    if magic != _LEGACY_MAGIC or type(magic) is not int:
        raise RuntimeError("Invalid magic number; corrupt file?")
    raise NotImplementedError(f"torchlike.load: {name} is in PyTorch's legacy (pre-1.6, non-zip) format, which "
                              "torchlike does not read; re-save it with torch.save() in the default zip format")


def _find_data_pkl(zf: zipfile.ZipFile, name: str) -> str:
    names = zf.namelist()
    if not any(n.count("/") == 1 and n.split("/", 1)[1] in ("version", ".data/version") or
               n.endswith("/.data/version") and n.count("/") == 2 for n in names):
        raise RuntimeError('Expected hasRecord("version") to be true, but got false.  (Could this error message be '
                           "improved?  If so, please report an enhancement request to PyTorch.)")
    pkl = next((n for n in names if n.endswith("/data.pkl") and n.count("/") == 1), None)
    if pkl is None:
        if any(n.endswith("constants.pkl") for n in names):
            raise NotImplementedError(f"torchlike.load: {name} is a TorchScript archive (torch.jit.save); "
                                      "torchlike does not load TorchScript")
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
    return pkl


def _read_small(zf: zipfile.ZipFile, member: str) -> bytes:
    try:
        return zf.read(member)
    except _ZIP_ERRORS as e:
        raise RuntimeError(f"PytorchStreamReader failed reading file {member.split('/', 1)[-1]}: {e}") from None


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = None, mmap: bool | None = None,
         **pickle_load_args):
    """Mirrors `torch.load` for zip checkpoints (weights_only=True by default; mmap reads the file fully).

    Every storage record is checked against the pickle's declared sizes and the archive's real length, and
    every tensor's offset, size and stride against its storage, before memory is allocated or read."""
    weights_only = True if weights_only is None else weights_only
    fh, name = _open(f)
    try:
        start = fh.tell()
        if fh.read(4) != b"PK\x03\x04":
            fh.seek(start)
            return _load_non_zip(fh, name, weights_only, map_location)
        archive_len = fh.seek(0, io.SEEK_END) - start
        fh.seek(start)
        try:
            zf = zipfile.ZipFile(fh)
        except _ZIP_ERRORS as e:
            raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {e}") from None
        with zf:
            pkl = _find_data_pkl(zf, name)
            prefix = pkl[: -len("data.pkl")]
            big = f"{prefix}byteorder" in zf.namelist() and _read_small(zf, f"{prefix}byteorder").strip() == b"big"
            data = _read_small(zf, pkl)
            if weights_only:
                _check_weights_only_opcodes(data)
            up = _Unpickler(io.BytesIO(data), zf, prefix, weights_only, map_location, big)
            up.archive_len = archive_len
            result = up.load()
    finally:
        if fh is not f and isinstance(f, (str, os.PathLike)):
            fh.close()
    _relink_views(up.loaded.values())
    return result
