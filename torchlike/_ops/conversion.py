"""dtype and device conversion: Tensor.to, .float()/.double()/..., clone, contiguous, copy_."""
from __future__ import annotations

import jax

from .._engine.methods import install
from .._views import view_is_contiguous
from .. import _autograd
from .. import _dtype as D
from .._device import device as Device
from .._device import to_jax
from .._tensor import Tensor
from .._engine.op import T, op
from .._engine.methods import assign, check_inplace
from .shape import expand


@op(name="_to_copy", method=False, grad_name="ToCopyBackward0", linear=True)
def to_dtype(input: T, dtype):
    return input.astype(dtype.np)


@op(method=True, linear=True)
def clone(input: T, *, memory_format=None):
    D.check_memory_format(memory_format, input.ndim, "clone")
    return input + 0 if input.dtype != bool else input


def _parse_to(args, kwargs):
    """PyTorch's three forms: to(device=None, dtype=None, non_blocking=False, copy=False),
    to(dtype, non_blocking=False, copy=False), to(tensor, non_blocking=False, copy=False)."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    flags = [kwargs.pop("non_blocking", False), kwargs.pop("copy", False)]
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got {list(kwargs)}")
    args = list(args)
    if args and isinstance(args[0], Tensor):
        dtype, device = args[0].dtype, args[0].device
        args.pop(0)
    else:
        if args and not isinstance(args[0], bool) and isinstance(args[0], (str, Device, int)):
            device = args.pop(0)
        if args and (isinstance(args[0], D.dtype) or args[0] in (float, int, bool, complex)):
            dtype = args.pop(0)
    if len(args) > 2 or not all(isinstance(a, bool) for a in args):
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(f"to() received an invalid combination of arguments - got ({got})")
    flags[:len(args)] = args
    return (D.to_dtype(dtype) if dtype is not None else None), device, bool(flags[1])


def to(self: Tensor, *args, **kwargs) -> Tensor:
    """Mirrors `Tensor.to(dtype)`, `.to(device)`, `.to(device, dtype)`, `.to(other)`: returns self when
    nothing changes, as PyTorch does."""
    D.check_memory_format(kwargs.get("memory_format"), self.ndim, "to")
    dtype, device, copy = _parse_to(args, kwargs)
    t = self
    if device is not None:
        target = to_jax(device)
        if next(iter(t._data.devices())) != target:
            t = _move(t, target)
    if dtype is not None and dtype is not t.dtype:
        t = to_dtype(t, dtype)
    if copy and t is self:
        t = clone(self)
    return t


class _MoveBackward(_autograd.Node):
    def __init__(self, src: Tensor, source_device):
        super().__init__("ToCopyBackward0", [_autograd.edge_of(src)], saves=False)
        self.source_device = source_device

    def apply(self, grads, create_graph):
        return [Tensor._wrap(jax.device_put(grads[0]._data, self.source_device))]


def _move(t: Tensor, target) -> Tensor:
    out = Tensor._wrap(jax.device_put(t._data, target))
    if t.requires_grad and _autograd.is_grad_enabled():
        out._requires_grad, out.grad_fn = True, _MoveBackward(t, next(iter(t._data.devices())))
    return out


def _caster(d: D.dtype):
    def cast(self, memory_format=None):
        return self.to(d, memory_format=memory_format)
    cast.__name__ = d.name
    return cast


for _name, _d in {"float": D.float32, "double": D.float64, "half": D.float16, "bfloat16": D.bfloat16,
                  "long": D.int64, "int": D.int32, "short": D.int16, "char": D.int8, "byte": D.uint8,
                  "bool": D.bool_, "cfloat": D.complex64, "cdouble": D.complex128}.items():
    install(_name, _caster(_d))


def is_contiguous(self: Tensor, memory_format=None) -> bool:
    """A view made by transpose/permute/expand/slicing with a step is not contiguous in PyTorch."""
    return view_is_contiguous(self)


def copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    """Mirrors `Tensor.copy_`: broadcasts src, casts to self's dtype, differentiable."""
    check_inplace(self)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(src).__name__}")
    src = expand(src, self.shape) if tuple(src.shape) != tuple(self.shape) else src
    if src.dtype is not self.dtype:
        src = to_dtype(src, self.dtype)
    if src.device != self.device:
        src = _move(src, next(iter(self._data.devices())))
    return assign(self, clone(src) if src.requires_grad else src)


install("to", to)
install("is_contiguous", is_contiguous)
install("copy_", copy_)
