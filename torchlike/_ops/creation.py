"""Creation functions: tensor, as_tensor, from_numpy, zeros/ones/full/empty (+ _like), arange,
linspace, logspace, eye. Mirrors PyTorch's dtype inference, defaults and errors."""
from __future__ import annotations

import math
import numbers

import jax
import numpy as np

from .._engine.methods import install
from .. import _dtype as D
from .._device import default_device, to_jax
from .._tensor import Size, Tensor

_PY_SCALARS = (bool, int, float, complex)


# ----- torch.tensor: nested data -----

def _infer_dtype(data) -> D.dtype:
    """PyTorch's inference for (nested) data: the promotion of every element's type, where Python
    bool/int/float/complex count as bool, int64, the default float and the default complex."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.ndarray, np.generic, jax.Array)):
        return D.from_numpy_dtype(data.dtype)
    if isinstance(data, (*_PY_SCALARS, numbers.Number)):
        return D.scalar_dtype(data if isinstance(data, _PY_SCALARS) else complex(data))
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, (list, tuple)):
        best = None
        for x in data:
            d = _infer_dtype(x)
            best = d if best is None else D.promote_types(best, d)
        return best if best is not None else D.get_default_dtype()
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _is_sequence(x) -> bool:
    return isinstance(x, (list, tuple, Tensor)) or isinstance(x, np.ndarray) and x.ndim > 0


def _sizes(data) -> list:
    """The shape, read from the first element at each level (tensors inside lists are scalars here)."""
    sizes, x = [], data
    while isinstance(x, (list, tuple)) or isinstance(x, np.ndarray) and x.ndim > 0:
        if isinstance(x, np.ndarray):
            return sizes + list(x.shape)
        sizes.append(len(x))
        if not x:
            break
        x = x[0]
    if isinstance(x, str) and sizes:
        raise ValueError(f"too many dimensions '{type(x).__name__}'")
    return sizes


def _scalar_type_error(x, d: D.dtype) -> TypeError:
    name = type(x).__name__
    if d.category == D.INT:
        return TypeError(f"'{name}' object cannot be interpreted as an integer")
    return TypeError(f"must be real number, not {name}")


def _flatten(x, dim: int, sizes: list, out: list, d: D.dtype) -> None:
    """Append the scalars of x (at nesting depth `dim`) to out, checking it has the shape `sizes`."""
    if dim == len(sizes):
        if isinstance(x, (list, tuple)):
            raise _scalar_type_error(x, d)
        if isinstance(x, Tensor):
            if x.numel() != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
            x = x.item()
        elif isinstance(x, np.ndarray):
            x = x.item()
        elif isinstance(x, str):
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        elif x is None or not isinstance(x, (numbers.Number, np.generic)):
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
        if isinstance(x, complex) and d.category < D.COMPLEX:
            raise _scalar_type_error(x, d)
        out.append(x)
        return
    if not _is_sequence(x):
        raise TypeError("not a sequence")
    n = len(x)
    if n != sizes[dim]:
        raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {n})")
    if isinstance(x, (np.ndarray, Tensor)) and tuple(x.shape) == tuple(sizes[dim:]):
        out.extend(np.asarray(x._data if isinstance(x, Tensor) else x).reshape(-1).tolist())
    elif dim + 1 == len(sizes) and all(type(v) in _PY_SCALARS for v in x):
        if d.category < D.COMPLEX and any(type(v) is complex for v in x):
            raise _scalar_type_error(1j, d)
        out.extend(x)
    else:
        for v in x:
            _flatten(v, dim + 1, sizes, out, d)


def _to_numpy(data, d: D.dtype) -> np.ndarray:
    if isinstance(data, Tensor):
        return np.asarray(data._data).astype(d.np)
    if isinstance(data, (np.ndarray, jax.Array)):
        return np.asarray(data).astype(d.np)
    sizes = _sizes(data)
    flat: list = []
    _flatten(data, 0, sizes, flat, d)
    try:
        return np.array(flat, dtype=d.np).reshape(sizes)
    except OverflowError:
        if d is D.int64:
            raise ValueError("Overflow when unpacking long long") from None
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow") from None
    except ValueError:  # numpy refuses NaN for an integer dtype; PyTorch calls it an overflow
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow") from None


def place(array, device=None) -> Tensor:
    """A tensor holding a copy of a host array on `device` (default: the CPU)."""
    dev = to_jax(device if device is not None else "cpu")
    if type(array) is np.ndarray and dev == default_device() and array.size:
        # A jitted identity copies a host array in several times faster than jax.device_put does
        # (it runs in jit's C++ fast path) and puts it where unplaced arrays go, so only for that
        # device; its result is a fresh buffer, not a view of the host's.
        return Tensor._wrap(_host_to_device(array))
    return Tensor._wrap(jax.device_put(array, dev))


_host_to_device = jax.jit(lambda a: a)


def _finish(t: Tensor, requires_grad: bool, out: Tensor | None = None) -> Tensor:
    """Apply requires_grad (refused for non-float dtypes, as factories do) and out=."""
    if requires_grad:
        if t.dtype.category < D.FLOAT:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    if out is not None:
        out._replace_data(t._data.astype(out._data.dtype) if out.dtype is not t.dtype else t._data)
        return out
    return t


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Mirrors `torch.tensor`: always copies; infers dtype as PyTorch does."""
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if data is None:
        raise RuntimeError("Could not infer dtype of NoneType")
    if isinstance(data, (list, tuple)):
        _sizes(data)  # a string where a sequence starts is reported before any dtype question
    d = D.to_dtype(dtype) if dtype is not None else _infer_dtype(data)
    if device is None and isinstance(data, Tensor):
        device = data.device
    return _finish(place(_to_numpy(data, d), device), requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Mirrors `torch.as_tensor`: returns `data` itself when it already fits."""
    if isinstance(data, Tensor):
        if (dtype is None or data.dtype is D.to_dtype(dtype)) and (device is None or data.device == device):
            return data
        return data.to(dtype=dtype, device=device)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """Mirrors `torch.from_numpy`. JAX copies host memory, so later writes to `array` are not seen."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    D.from_numpy_dtype(array.dtype)
    return place(np.ascontiguousarray(array).reshape(array.shape))  # (ascontiguousarray makes 0-d arrays 1-d)


# ----- shapes and filled tensors -----

def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) or \
        isinstance(v, Tensor) and v.ndim == 0 and v.dtype.category == D.INT


def _size(size, name: str = "empty", varargs: bool = True) -> tuple:
    """A size given as ints or one sequence of ints, checked as PyTorch's argument parser does."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    elif not varargs or len(size) == 1 and not _is_int(size[0]):
        what = size[0] if len(size) == 1 else size
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {type(what).__name__}")
    for i, s in enumerate(size):
        if not _is_int(s):
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, but found element of "
                            f"type {type(s).__name__} at pos {i}")
    size = tuple(int(s) for s in size)
    if any(s < 0 for s in size):
        if name == "zeros":
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    return size


# PyTorch's C names in its "without overflow" message, and the largest finite value of each float type.
_OVERFLOW_NAMES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int", "float16": "c10::Half",
                   "bfloat16": "c10::BFloat16", "float32": "float"}
_FLOAT_MAX = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38, "float32": 3.4028234663852886e38}


def check_scalar_fits(value, d: D.dtype) -> None:
    """PyTorch's overflow check of a Python number written into every element of a tensor of dtype d
    (full, fill_): out of range raises; uint8 also takes negatives down to -255, which wrap."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if d is D.int64 and isinstance(value, int) and not -2**63 <= value < 2**63:
        raise OverflowError("int too big to convert")
    name = _OVERFLOW_NAMES.get(d.name)
    if name is None:
        return
    if d.name in _FLOAT_MAX:
        bad = math.isfinite(value) and abs(value) > _FLOAT_MAX[d.name]
    elif isinstance(value, float) and not math.isfinite(value):
        bad = True
    else:
        info = np.iinfo(d.np)
        bad = value > info.max or value < (-info.max if d is D.uint8 else info.min)
    if bad:
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")


def _filled(size, value, dtype, device, requires_grad, out=None) -> Tensor:
    d = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    check_scalar_fits(value, d)
    if d is D.uint8 and isinstance(value, int) and value < 0:
        value %= 256  # PyTorch wraps the negatives it lets through
    check_extent(size, d)
    return _finish(place(np.full(size, value, dtype=d.np), device), requires_grad, out)


def check_extent(size, d: D.dtype) -> None:
    """An empty shape whose nonzero sizes overflow a 64-bit byte count: PyTorch holds it (no storage is
    needed), but XLA aborts the process on it, so it is refused here."""
    if math.prod(max(int(n), 1) for n in size) * np.dtype(d.np).itemsize >= 2 ** 63:
        if math.prod(max(int(n), 1) for n in size[1:]) >= 2 ** 63:  # PyTorch computes strides first
            raise RuntimeError("Stride calculation overflowed")
        if math.prod(size) != 0:
            raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)}")
        raise NotImplementedError(f"torchlike: an empty tensor of size {list(size)} has an extent XLA cannot "
                                  "represent (its nonzero sizes overflow a 64-bit byte count)")


def _factory_size(size, kw_size, name):
    return _size((kw_size,) if kw_size is not None else size, name)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          **kw) -> Tensor:
    """Mirrors `torch.zeros`."""
    return _filled(_factory_size(size, kw.get("size"), "zeros"), 0, dtype, device, requires_grad, out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
         **kw) -> Tensor:
    """Mirrors `torch.ones`."""
    return _filled(_factory_size(size, kw.get("size"), "ones"), 1, dtype, device, requires_grad, out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None, **kw) -> Tensor:
    """Mirrors `torch.empty`. The values are zeros (XLA has no uninitialised memory)."""
    return _filled(_factory_size(size, kw.get("size"), "empty"), 0, dtype, device, requires_grad, out)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """Mirrors `torch.full`: the dtype follows fill_value (bool, int64, default float or complex)."""
    _check_number("full", fill_value)
    if isinstance(fill_value, Tensor):
        dtype, fill_value = dtype if dtype is not None else fill_value.dtype, fill_value.item()
    elif dtype is None:
        dtype = D.scalar_dtype(fill_value if isinstance(fill_value, _PY_SCALARS) else fill_value.item())
    return _filled(_size((size,), "full", varargs=False), fill_value, dtype, device, requires_grad, out)


def _check_number(name, value):
    if not isinstance(value, _PY_SCALARS) and not hasattr(value, "item"):  # tensors, numpy/jax scalars pass
        raise TypeError(f"{name}(): argument 'fill_value' (position 2) must be Number, not {type(value).__name__}")


def _like(input, dtype, device, name="zeros_like"):
    if not isinstance(input, Tensor):  # PyTorch's argument parser, before anything else
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input.shape, (dtype if dtype is not None else input.dtype), (device if device is not None else input.device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Mirrors `torch.zeros_like`."""
    s, d, dev = _like(input, dtype, device)
    return _filled(s, 0, d, dev, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Mirrors `torch.ones_like`."""
    s, d, dev = _like(input, dtype, device, "ones_like")
    return _filled(s, 1, d, dev, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Mirrors `torch.empty_like`. The values are zeros."""
    s, d, dev = _like(input, dtype, device, "empty_like")
    return _filled(s, 0, d, dev, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None) -> Tensor:
    """Mirrors `torch.full_like`: keeps input's dtype (a float fill is truncated for integer inputs)."""
    s, d, dev = _like(input, dtype, device, "full_like")
    _check_number("full_like", fill_value)
    return _filled(s, fill_value, d, dev, requires_grad)


# ----- ranges -----

def _num(v):
    return v.item() if isinstance(v, Tensor) else v


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _arange_values(start, end, step, d: D.dtype) -> np.ndarray:
    """arange's values. Integer results step in int64 from truncated bounds; for int64 the length
    comes from those too, for narrower ints from the original bounds (as PyTorch does)."""
    if d.category == D.INT:
        xs, xe, xst = int(start), int(end), int(step)
        if xst == 0:
            raise ValueError("step must be nonzero")
        _check_arange_sign(xs, xe, xst)
        if d is D.int64:
            n = _trunc_div(xe - xs + xst - (1 if xst > 0 else -1), xst)
        else:
            n = math.ceil((float(end) - float(start)) / float(step))
        return (xs + np.arange(max(n, 0), dtype=np.int64) * xst).astype(d.np)
    _check_arange_sign(start, end, step)
    n = math.ceil((float(end) - float(start)) / float(step))
    return (float(start) + np.arange(n, dtype=np.float64) * float(step)).astype(d.np)


def _check_arange_sign(start, end, step) -> None:
    if not (step > 0 and end >= start or step < 0 and end <= start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """Mirrors `torch.arange`: int64 when every bound is an integer, else the default float dtype.
    Float values are start + i * step rounded once from float64 (PyTorch's vectorised CPU kernel
    can differ from that by an ulp)."""
    if end is None:
        start, end = 0, start
    start, end, step = _num(start), _num(end), _num(step)
    for v in (start, end):
        if isinstance(v, float) and not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None and out is not None:  # (out='s dtype is the result's: its bounds are cast to it)
        dtype = out.dtype
    if dtype is None:
        dtype = D.int64 if all(isinstance(v, numbers.Integral) for v in (start, end, step)) else \
            D.get_default_dtype()
    d = D.to_dtype(dtype)
    if d is D.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    return _finish(place(_arange_values(start, end, step, d), device), requires_grad, out)


def _linspace_values(start, end, steps: int, d: D.dtype) -> np.ndarray:
    """PyTorch fills the first half from start and the second half from end; float32 and narrower
    compute in float32, everything else in float64/complex128."""
    wide = d.is_complex or d is D.float64 or d.category == D.INT
    ct = (np.complex128 if d.is_complex else np.float64) if wide else np.float32
    s, e = np.asarray(start, ct), np.asarray(end, ct)
    if steps == 1:
        return np.asarray([s]).astype(d.np)
    i = np.arange(steps).astype(ct)
    step = (e - s) / ct(steps - 1)
    vals = np.where(i < steps // 2, s + step * i, e - step * (ct(steps - 1) - i))
    return vals.astype(d.np)


def _range_args(name, start, end, steps, dtype):
    for what, v in (("start", start), ("end", end)):
        if isinstance(v, Tensor) and v.ndim != 0:
            raise RuntimeError(f"{name} only supports 0-dimensional start and end tensors, but got {what} with "
                               f"{v.ndim} dimension(s).")
    start, end, steps = _num(start), _num(end), _num(steps)
    if not _is_int(steps):
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({type(start).__name__}, "
                        f"{type(end).__name__}, {type(steps).__name__})")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    inferred = D.default_complex() if any(isinstance(v, complex) for v in (start, end)) else D.get_default_dtype()
    d = D.to_dtype(dtype) if dtype is not None else inferred
    if inferred.is_complex and not d.is_complex:
        raise RuntimeError(f"torch.{name}(): inferred dtype {inferred.name} can't be safely cast to passed dtype "
                           f"{d.legacy}")
    return start, end, int(steps), d


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """Mirrors `torch.linspace`."""
    start, end, steps, d = _range_args("linspace", start, end, steps, dtype)
    return _finish(place(_linspace_values(start, end, steps, d), device), requires_grad, out)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    """Mirrors `torch.logspace`: base ** linspace(start, end, steps)."""
    start, end, steps, d = _range_args("logspace", start, end, steps, dtype)
    wide = D.complex128 if d.is_complex else D.float64
    exps = _linspace_values(start, end, steps, wide)
    with np.errstate(all="ignore"):
        vals = np.power(np.asarray(base, wide.np), exps)
    if not d.is_complex:
        vals = vals.real
    return _finish(place(vals.astype(d.np), device), requires_grad, out)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """Mirrors `torch.eye`."""
    for what, v in (("n", n), ("m", m)):
        if v is not None and not _is_int(v):
            raise TypeError(f"eye(): argument '{what}' (position 1) must be int, not {type(v).__name__}")
        if v is not None and v < 0:
            raise RuntimeError(f"{what} must be greater or equal to 0, got {v}")
    d = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    return _finish(place(np.eye(int(n), int(m) if m is not None else int(n), dtype=d.np), device), requires_grad, out)


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    """Mirrors `torch.scalar_tensor`: a 0-d tensor of the default dtype unless told otherwise."""
    return tensor(_num(s), dtype=dtype or D.get_default_dtype(), device=device, requires_grad=requires_grad)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False) -> Tensor:
    """Mirrors `torch.asarray`: shares a tensor that already fits unless copy=True; otherwise like
    `torch.tensor` (numpy arrays keep their dtype)."""
    if isinstance(obj, Tensor) and not copy:
        t = as_tensor(obj, dtype=dtype, device=device)
        if t is not obj:
            t = t.detach()
    else:
        t = tensor(obj.detach() if isinstance(obj, Tensor) else obj, dtype=dtype, device=device)
    return t.requires_grad_(True) if requires_grad else t


def range_(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
          requires_grad=False) -> Tensor:
    """Mirrors the deprecated `torch.range`: like arange but includes `end`, default float dtype."""
    import warnings
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    start, end, step = _num(start), _num(end), _num(step)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    _check_arange_sign(start, end, step)
    d = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    n = math.floor((float(end) - float(start)) / float(step)) + 1
    values = (float(start) + np.arange(n, dtype=np.float64) * float(step)).astype(d.np)
    return _finish(place(values, device), requires_grad, out)


def _tri_indices(np_fn, row, col, offset, dtype, device) -> Tensor:
    d = D.to_dtype(dtype) if dtype is not None else D.int64
    r, c = np_fn(int(row), int(offset), int(col))
    return place(np.stack([r, c]).astype(d.np).reshape(2, -1), device)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None) -> Tensor:
    """Mirrors `torch.tril_indices`: the 2 x N (row, column) indices of the lower triangle, row-major."""
    return _tri_indices(np.tril_indices, row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None) -> Tensor:
    """Mirrors `torch.triu_indices`."""
    return _tri_indices(np.triu_indices, row, col, offset, dtype, device)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False) -> Tensor:
    """Mirrors `torch.empty_strided`. Strides are not modelled (XLA arrays have none): a zero tensor."""
    return _filled(_size((size,), "empty_strided", varargs=False), 0, dtype, device, requires_grad)


# ----- Tensor.new_* -----

def _new_args(self: Tensor, dtype, device):
    return (D.to_dtype(dtype) if dtype is not None else self.dtype), (device if device is not None else self.device)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """Mirrors `Tensor.new_tensor`: self's dtype and device unless given (the data's type is not inferred)."""
    d, dev = _new_args(self, dtype, device)
    return tensor(data, dtype=d, device=dev, requires_grad=requires_grad)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """Mirrors `Tensor.new_zeros`."""
    d, dev = _new_args(self, dtype, device)
    return _filled(_size(size, "new_zeros"), 0, d, dev, requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """Mirrors `Tensor.new_ones`."""
    d, dev = _new_args(self, dtype, device)
    return _filled(_size(size, "new_ones"), 1, d, dev, requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """Mirrors `Tensor.new_empty`. The values are zeros."""
    d, dev = _new_args(self, dtype, device)
    return _filled(_size(size, "new_empty"), 0, d, dev, requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    """Mirrors `Tensor.new_full`."""
    d, dev = _new_args(self, dtype, device)
    return _filled(_size((size,), "new_full", varargs=False), _num(fill_value), d, dev, requires_grad)


for _fn in (new_tensor, new_zeros, new_ones, new_empty, new_full):
    install(_fn.__name__, _fn)


# ----- torch.Tensor(...) and the legacy typed constructors -----

def legacy_new(cls, default: D.dtype, *args, **kwargs):
    """`torch.Tensor(...)`, `torch.FloatTensor(...)`: sizes give an uninitialised tensor, data copies."""
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments - got {list(kwargs)}")
    if not args:
        t = _filled((0,), 0, default, device, False)
    elif len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray, Tensor)) and not isinstance(args[0], Size):
        data = args[0]
        t = data.to(default) if isinstance(data, Tensor) else tensor(data, dtype=default, device=device)
    else:
        t = _filled(_size(args), 0, default, device, False)
    if cls is not Tensor:
        return cls(t)
    return t


def _tensor_new(cls, *args, **kwargs):
    """`torch.Tensor(...)`: the legacy constructor, in the default dtype."""
    return legacy_new(cls, D.get_default_dtype(), *args, **kwargs)


install("__new__", staticmethod(_tensor_new))


class _LegacyMeta(type):
    def __instancecheck__(cls, inst):
        return isinstance(inst, Tensor) and inst.dtype is cls._dtype


def _legacy_class(d: D.dtype) -> type:
    def new(cls, *args, **kwargs):
        return legacy_new(Tensor, d, *args, **kwargs)
    return _LegacyMeta(f"{d.legacy}Tensor", (), {"_dtype": d, "__new__": new})


LEGACY = {f"{_d.legacy}Tensor": _legacy_class(_d) for _d in D.ALL}
