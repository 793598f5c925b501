"""`torch.UntypedStorage` and `torch.TypedStorage` as views of a tensor's storage.

Libraries read storages to tell tensors apart and to find shared ones (safetensors refuses to save
two tensors sharing memory, then reads each tensor's bytes from its `data_ptr()`), so addresses are
real: a storage's is the address of its array's bytes on the host (JAX keeps the host copy of an
array with the array, so the address stays valid and the same while the storage holds that array).
Tensors on one storage share it, a view's `data_ptr()` is that address plus its offset in bytes, and
an empty storage's is 0, as in PyTorch. Two differences: an in-place write gives the storage a new
array and so a new address, and the memory is read-only (writing through the pointer is not a way to
change a tensor).
"""
import warnings

import numpy as np

from ._engine import methods as _methods
from . import _dtype as D


def _address(storage) -> int:
    a = storage.data
    return 0 if a.size == 0 else int(np.asarray(a).ctypes.data)


def _base_array(tensor):
    return tensor._storage.data


class UntypedStorage:
    """The bytes of a tensor's storage (`Tensor.untyped_storage()`)."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("torchlike: standalone storages (torch.UntypedStorage(...)) are not "
                                  "supported; storages exist only as tensor.untyped_storage()")

    @classmethod
    def from_file(cls, filename, shared=False, nbytes=0):
        raise NotImplementedError("torchlike: UntypedStorage.from_file (storages read from or mapped to a file; "
                                  "safetensors' load_file uses it) is not supported")

    @classmethod
    def _of(cls, tensor) -> "UntypedStorage":
        s = object.__new__(cls)
        s._tensor = tensor
        return s

    def nbytes(self) -> int:
        a = _base_array(self._tensor)
        return int(a.size) * a.dtype.itemsize

    def size(self) -> int:
        return self.nbytes()

    __len__ = size

    def element_size(self) -> int:
        return 1

    def data_ptr(self) -> int:
        return _address(self._tensor._storage)

    @property
    def device(self):
        return self._tensor.device

    @property
    def dtype(self):
        return D.uint8

    def tolist(self) -> list:
        return list(np.asarray(_base_array(self._tensor)).reshape(-1).view(np.uint8))

    def __eq__(self, other):
        return isinstance(other, UntypedStorage) and other._tensor._storage is self._tensor._storage

    def __hash__(self):
        return id(self._tensor._storage)

    def __repr__(self):
        return f" {' '.join(str(b) for b in self.tolist()[:20])}\n[torch.storage.UntypedStorage(device={self.device}) " \
               f"of size {self.nbytes()}]"


class TypedStorage:
    """A storage seen as elements of the tensor's dtype (`Tensor.storage()`, deprecated in PyTorch)."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("torchlike: standalone storages (torch.TypedStorage(...)) are not "
                                  "supported; storages exist only as tensor.storage()")

    @classmethod
    def _of(cls, tensor) -> "TypedStorage":
        s = object.__new__(cls)
        s._untyped = UntypedStorage._of(tensor)
        s.dtype = tensor.dtype
        return s

    def untyped(self) -> UntypedStorage:
        return self._untyped

    def size(self) -> int:
        return int(_base_array(self._untyped._tensor).size)

    __len__ = size

    def nbytes(self) -> int:
        return self._untyped.nbytes()

    def element_size(self) -> int:
        return self.dtype.itemsize

    def data_ptr(self) -> int:
        return self._untyped.data_ptr()

    @property
    def device(self):
        return self._untyped.device

    def tolist(self) -> list:
        return np.asarray(_base_array(self._untyped._tensor)).reshape(-1).tolist()

    def __getitem__(self, i):
        return self.tolist()[i]

    def __repr__(self):
        body = "\n".join(f" {v}" for v in self.tolist())
        return f"{body}\n[torch.storage.TypedStorage(dtype={self.dtype}, device={self.device}) of size {self.size()}]"


_warned = [False]


def _storage(self) -> TypedStorage:
    """Mirrors `Tensor.storage` (with PyTorch's one-time deprecation warning)."""
    if not _warned[0]:
        _warned[0] = True
        warnings.warn("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the "
                      "only storage class. This should only matter to you if you are using storages directly.  To "
                      "access UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()",
                      UserWarning, stacklevel=2)
    return TypedStorage._of(self)


def _untyped_storage(self) -> UntypedStorage:
    """Mirrors `Tensor.untyped_storage`."""
    return UntypedStorage._of(self)


def _data_ptr(self) -> int:
    """Mirrors `Tensor.data_ptr`: the storage's (made-up) address plus this tensor's offset in bytes."""
    base = UntypedStorage._of(self).data_ptr()
    return base + self.storage_offset() * self.element_size() if base else 0


def install(tensor_cls) -> None:
    for name, fn in (("storage", _storage), ("untyped_storage", _untyped_storage), ("data_ptr", _data_ptr)):
        _methods.install(name, fn)
