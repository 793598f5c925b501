"""Creation functions: tensor, as_tensor, from_numpy, zeros/ones/full/empty (+ _like), arange,
linspace, logspace, eye. Mirrors PyTorch's dtype inference and defaults."""
from __future__ import annotations

import math
import numbers

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._device import to_jax
from .._tensor import Tensor


def _infer_dtype(data) -> D.dtype:
    """PyTorch's inference for nested Python data: bool < int64 < default float < default complex."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        return D.from_numpy_dtype(data.dtype)
    if isinstance(data, jax.Array):
        return D.from_numpy_dtype(data.dtype)
    if isinstance(data, bool):
        return D.bool_
    if isinstance(data, numbers.Integral):
        return D.int64
    if isinstance(data, numbers.Real):
        return D.get_default_dtype()
    if isinstance(data, numbers.Complex):
        return D.default_complex()
    if isinstance(data, (list, tuple)):
        best = None
        for x in data:
            d = _infer_dtype(x)
            if isinstance(x, (Tensor, np.ndarray)) and d.is_floating_point:
                d = D.get_default_dtype() if not isinstance(x, np.ndarray) or d is D.float64 else d
            best = d if best is None else D.promote_types(best, d) if best.category != d.category or \
                isinstance(x, (Tensor, np.ndarray)) else best
        return best if best is not None else D.get_default_dtype()
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _to_numpy(data, d: D.dtype):
    if isinstance(data, Tensor):
        return np.asarray(data._data).astype(d.np)
    if isinstance(data, (list, tuple)):
        _check_ragged(data)
        data = [_to_numpy(x, d) if isinstance(x, (Tensor, list, tuple)) else x for x in data]
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    try:
        return np.array(data, dtype=d.np)
    except OverflowError:
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow") from None


def _check_ragged(data) -> None:
    lens = {len(x) if isinstance(x, (list, tuple)) else -1 for x in data}
    if len(lens) > 1:
        first = data[0]
        n = len(first) if isinstance(first, (list, tuple)) else 0
        raise ValueError(f"expected sequence of length {n} at dim 1 (got {[l for l in lens if l != n][0]})")


def place(array, device=None) -> Tensor:
    return Tensor._wrap(jax.device_put(array, to_jax(device if device is not None else "cpu")))


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Mirrors `torch.tensor`: always copies; infers dtype as PyTorch does."""
    d = D.to_dtype(dtype) if dtype is not None else _infer_dtype(data)
    t = place(_to_numpy(data, d), device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Mirrors `torch.as_tensor`: returns `data` itself when it already fits."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype is D.to_dtype(dtype)) and device is None:
        return data
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """Mirrors `torch.from_numpy`. JAX copies host memory, so later writes to `array` are not seen."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    D.from_numpy_dtype(array.dtype)
    return place(np.ascontiguousarray(array))


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    size = tuple(int(s) for s in size)
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    return size


def _filled(size, value, dtype, device, requires_grad) -> Tensor:
    d = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    t = place(np.full(size, value, dtype=d.np), device)
    return t.requires_grad_(True) if requires_grad else t


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    return _filled(_size(size), 0, dtype, device, requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    return _filled(_size(size), 1, dtype, device, requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None) -> Tensor:
    return _filled(_size(size), 0, dtype, device, requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    if dtype is None:
        dtype = D.scalar_dtype(fill_value) if not isinstance(fill_value, Tensor) else fill_value.dtype
    return _filled(_size((size,)), fill_value.item() if isinstance(fill_value, Tensor) else fill_value, dtype,
                   device, requires_grad)


def _like(input, dtype, device):
    return input.shape, (dtype if dtype is not None else input.dtype), (device if device is not None else input.device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    s, d, dev = _like(input, dtype, device)
    return _filled(s, 0, d, dev, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    s, d, dev = _like(input, dtype, device)
    return _filled(s, 1, d, dev, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    s, d, dev = _like(input, dtype, device)
    return _filled(s, 0, d, dev, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    s, d, dev = _like(input, dtype, device)
    return _filled(s, fill_value, d, dev, requires_grad)


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """Mirrors `torch.arange`: int64 when every bound is an integer, else the default float dtype."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    start, end, step = vals
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dtype = D.int64 if all(isinstance(v, numbers.Integral) for v in vals) else D.get_default_dtype()
    d = D.to_dtype(dtype)
    n = max(int(math.ceil((end - start) / step)), 0)
    values = start + np.arange(n, dtype=np.float64 if d.category >= D.FLOAT else np.int64) * step
    return _filled_from(values.astype(d.np), device, requires_grad)


def _filled_from(values, device, requires_grad):
    t = place(values, device)
    return t.requires_grad_(True) if requires_grad else t


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    d = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    step = (end - start) / (steps - 1) if steps > 1 else 0
    # PyTorch fills the first half from start and the second half from end.
    i = np.arange(steps, dtype=np.float64)
    half = steps // 2
    vals = np.where(i < half, start + step * i, end - step * (steps - 1 - i))
    return _filled_from(vals.astype(d.np), device, requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    d = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    lin = np.asarray(linspace(start, end, steps, dtype=D.float64)._data)
    return _filled_from(np.power(base, lin).astype(d.np), device, requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    d = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    return _filled_from(np.eye(n, m if m is not None else n, dtype=d.np), device, requires_grad)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    return tensor(s, dtype=dtype or D.get_default_dtype(), device=device, requires_grad=requires_grad)


def legacy_new(cls, default: D.dtype, *args, **kwargs):
    """`torch.Tensor(...)`, `torch.FloatTensor(...)`: sizes give an uninitialised tensor, data copies."""
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments - got {list(kwargs)}")
    if len(args) == 1 and not isinstance(args[0], int):
        data = args[0]
        if isinstance(data, Tensor):
            t = data.to(default)
        else:
            t = tensor(data, dtype=default, device=device)
    else:
        t = _filled(_size(args), 0, default, device, False)
    if cls is not Tensor:
        return cls(t)
    return t


class _LegacyMeta(type):
    def __instancecheck__(cls, inst):
        return isinstance(inst, Tensor) and inst.dtype is cls._dtype


LEGACY = {}
for _d in D.ALL:
    LEGACY[f"{_d.legacy}Tensor"] = _LegacyMeta(f"{_d.legacy}Tensor", (), {
        "_dtype": _d, "__new__": (lambda d: lambda cls, *a, **k: legacy_new(Tensor, d, *a, **k))(_d)})
