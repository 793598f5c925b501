"""torch.utils.dlpack, and torchlike's bridge to JAX: tensors in and out without copies where possible.

A Tensor holds a jax array, so `Tensor.jax()` and `from_jax()` pass that array through untouched, and
DLPack exchange is JAX's own (`Tensor.__dlpack__` exports the array's buffer). Copies happen where
JAX makes them: importing a buffer JAX cannot alias (a numpy array not aligned to 64 bytes, for
example) copies it. Because JAX arrays are immutable, no import from another library shares *writes*
(one from a torchlike tensor shares its storage, as in PyTorch): an in-place operator on the torchlike
tensor swaps in a new array, so the source object never sees it; writing into the source's memory
afterwards (a numpy or PyTorch array that was aliased) is undefined behaviour, as JAX documents for
`jax.dlpack.from_dlpack`. (`torch.from_numpy` copies for the same reason.)
"""
from __future__ import annotations

import ctypes

import jax

from .. import _dtype as D
from .._tensor import Tensor

_capsule_name = ctypes.PYFUNCTYPE(ctypes.c_char_p, ctypes.py_object)(("PyCapsule_GetName", ctypes.pythonapi))
_capsule_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", ctypes.pythonapi))
_capsule_type = type(jax.numpy.zeros(()).__dlpack__())

# Where the DLDevice sits in the capsule's struct: DLManagedTensor starts with its DLTensor (data pointer,
# then device); DLManagedTensorVersioned has a version, manager context, deleter and flags first.
_DEVICE_OFFSET = {b"dltensor": 8, b"dltensor_versioned": 40}


def from_jax(array) -> Tensor:
    """A Tensor holding `array` itself (no copy): `from_jax(a).jax() is a`. Works on tracers too, so
    torchlike code can run inside jax.jit / jax.grad on arrays a JAX program passes it."""
    if not isinstance(array, (jax.Array, jax.core.Tracer)):
        raise TypeError(f"from_jax expects a jax.Array, got {type(array).__name__}")
    D.from_numpy_dtype(array.dtype)  # refuse dtypes PyTorch has no name for, before wrapping
    return Tensor._wrap(array)


def to_dlpack(tensor: Tensor):
    """Mirrors `torch.utils.dlpack.to_dlpack`: a DLPack capsule of the tensor's buffer (no copy)."""
    return tensor.__dlpack__()


def from_dlpack(ext_tensor) -> Tensor:
    """Mirrors `torch.utils.dlpack.from_dlpack` / `torch.from_dlpack`: any object with `__dlpack__`
    (numpy arrays, PyTorch tensors, jax arrays, torchlike tensors) or a DLPack capsule. Shares the buffer
    when JAX can alias it, copies otherwise (see the module docstring)."""
    if isinstance(ext_tensor, Tensor):
        if ext_tensor.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        return ext_tensor.detach()  # shares the storage: writes through either are seen by both, as in PyTorch
    if isinstance(ext_tensor, _capsule_type):
        ext_tensor = _Capsule(ext_tensor)
    elif not hasattr(ext_tensor, "__dlpack__"):
        raise TypeError(f"from_dlpack expects an object with __dlpack__ or a DLPack capsule, got "
                        f"{type(ext_tensor).__name__}")
    return Tensor._wrap(jax.dlpack.from_dlpack(ext_tensor))


class _Capsule:
    """A bare capsule dressed as a `__dlpack__` producer (JAX accepts only those)."""

    def __init__(self, capsule):
        name = _capsule_name(capsule)
        if name not in _DEVICE_OFFSET:
            raise RuntimeError("from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed "
                               "only once, so you might have already constructed a tensor from it once.")
        self.capsule = capsule
        struct = _capsule_pointer(capsule, name)
        device = (ctypes.c_int32 * 2).from_address(struct + _DEVICE_OFFSET[name])
        self.device = (int(device[0]), int(device[1]))

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return self.device
