"""Gather/scatter-style indexing operators: gather, scatter (+add, +reduce), index_select/add/copy/fill,
masked_fill/scatter/select, take, take_along_dim, nonzero/argwhere and where(condition).

Each kernel is a registry op; the public function checks index bounds on the host first (PyTorch
raises for an out-of-range index, where JAX would clamp silently)."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from .._engine.methods import inplace_method, install
from .._engine.grad_name import GradName
from .. import _dtype as D
from .._tensor import Tensor
from .indexing import _check_bounds, _host_minmax, put
from .._engine.op import N, OPS, TS, T, check_broadcast, op, traced
from .shape import wrap_dim
from .creation import zeros

__all__ = ["argwhere", "gather", "index_add", "index_copy", "index_fill", "index_select", "masked_fill",
           "masked_scatter", "masked_select", "nonzero", "scatter", "scatter_add", "scatter_reduce", "take",
           "take_along_dim", "where"]


def _given_name(base0, base1):
    """grad_name by whether the value operand is a Python scalar (PyTorch's Backward1 form) or a tensor."""
    return GradName.scalars(lambda _given, **_: base1 if _given.get("value", _given.get("src")) == "s" else base0)


def _coords(index, dim):
    """Advanced-index coordinates addressing `index`'s own positions, with `index` along dim."""
    grids = list(jnp.indices(index.shape, sparse=True)) if index.ndim else []
    if not grids:
        return (index,)
    grids[dim] = index
    return tuple(grids)


def _check_index_dtype(index, what):
    if not jnp.issubdtype(index.dtype, jnp.integer):
        raise RuntimeError(f"{what}(): Expected dtype int32/int64 for index")


def _size(shape, d):
    """PyTorch's ensure_nonempty_size: a 0-d tensor reads as one element along dim 0."""
    return shape[d] if shape else 1


def _check_gather_shapes(input, index, dim):
    """PyTorch's gather shape rule, checked before any index value is read."""
    if max(index.ndim, 1) != max(input.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for d in range(max(input.ndim, 1)):
        if d != dim and _size(index.shape, d) > _size(input.shape, d):
            raise RuntimeError(f"Size does not match at dimension {d} expected index {list(index.shape)} to be no "
                               f"larger than self {list(input.shape)} apart from dimension {dim}")


def _check_scatter_shapes(input, index, src, dim):
    """PyTorch's scatter shape rule (src None for a scalar value), checked before any index value is read."""
    if not math.prod(index.shape):
        return
    nd = max(input.ndim, 1)
    if max(index.ndim, 1) != nd:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    wrong = any(d != dim and _size(index.shape, d) > _size(input.shape, d) for d in range(nd))
    if not wrong and src is not None:
        if max(src.ndim, 1) != nd:
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        wrong = any(_size(index.shape, d) > _size(src.shape, d) for d in range(nd))
    if wrong:
        tail = f" and to be no larger size than src {list(src.shape)}" if src is not None else ""
        raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} apart "
                           f"from dimension {dim}{tail}")


_BOOL_METHODS = {"add": "max", "multiply": "min"}  # bool arithmetic is logical: sum is or, product is and


def _at(x, at, method, vals):
    """x.at[at].<method>(vals), with PyTorch's logical reading of add/multiply on bool."""
    if x.dtype == jnp.bool_:
        method = _BOOL_METHODS.get(method, method)
    return getattr(x.at[at], method)(vals)


def _src_part(src, index):
    return src[tuple(slice(0, n) for n in index.shape)] if src.ndim else src


# ----- gather / scatter -----
@op(name="gather", method=False, function=False, linear=True)
def _gather(input: T, dim, index: T, *, sparse_grad=False, out=None):
    _check_index_dtype(index, "gather")
    if index.size:
        _check_gather_shapes(input, index, dim)
    return input[_coords(index, dim)] if input.ndim else input.reshape(index.shape)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """Mirrors `torch.gather`."""
    d = wrap_dim(dim, input.ndim)
    if isinstance(index, Tensor) and index.dtype.category == D.INT:
        if index.numel():
            _check_gather_shapes(input, index, d)
        _check_bounds(index._data, max(input.shape[d] if input.ndim else 1, 1), d, RuntimeError, negative=False)
    return _gather(input, d, index, out=out)


def _check_scatter_index(input, dim, index, src, what):
    """Index dtype and shapes first, then the index values, in PyTorch's order."""
    if index.dtype.category != D.INT:
        raise RuntimeError(f"{what}(): Expected dtype int32/int64 for index")
    _check_scatter_shapes(input, index, src, dim)
    _check_bounds(index._data, max(input.shape[dim] if input.ndim else 1, 1), dim, RuntimeError, negative=False)


_SCATTER_OPS = {None: "set", "add": "add", "multiply": "multiply"}


@op(name="scatter", method=False, function=False, linear=True, grad_name=_given_name("ScatterBackward0", "ScatterBackward1"))
def _scatter(input: T, dim, index: T, src: TS, reduce=None, *, out=None):
    _check_index_dtype(index, "scatter")
    tensor_src = src.ndim > 0 or src.shape != ()
    if reduce not in _SCATTER_OPS:
        raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
    _check_scatter_shapes(input, index, src if tensor_src else None, dim)
    if not index.size:
        return input
    vals = jnp.broadcast_to(_src_part(src, index).astype(input.dtype), index.shape)
    if reduce is None:
        return put(input, _coords(index, dim), vals)
    return _at(input, _coords(index, dim), _SCATTER_OPS[reduce], vals)


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """Mirrors `torch.scatter` (src tensor or value scalar; reduce='add'/'multiply')."""
    src = value if src is None else src
    if isinstance(src, Tensor) and src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    d = wrap_dim(dim, input.ndim)
    _check_scatter_index(input, d, index, src if isinstance(src, Tensor) else None, "scatter")
    return _scatter(input, d, index, src, reduce, out=out)


@op(name="scatter_add", method=False, function=False, linear=True)
def _scatter_add(input: T, dim, index: T, src: T, *, out=None):
    _check_index_dtype(index, "scatter")
    _check_scatter_shapes(input, index, src, dim)
    if not index.size:
        return input
    return _at(input, _coords(index, dim), "add", _src_part(src, index).astype(input.dtype))


def scatter_add(input, dim, index, src, *, out=None):
    """Mirrors `torch.scatter_add`."""
    d = wrap_dim(dim, input.ndim)
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_scatter_index(input, d, index, src, "scatter")
    return _scatter_add(input, d, index, src, out=out)


def _identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype == jnp.bool_:
        return reduce == "amin"
    info = jnp.finfo(dtype) if jnp.issubdtype(dtype, jnp.inexact) else jnp.iinfo(dtype)
    big = jnp.inf if jnp.issubdtype(dtype, jnp.inexact) else info.max
    return -big if reduce == "amax" else big


@jax.custom_vjp
def _scatter_prod(base, at, vals):
    """base.at[at].multiply(vals) with PyTorch's gradient, which JAX lacks for repeated positions: each factor
    gets the product of the others, computed without dividing by a zero factor."""
    return _at(base, at, "multiply", vals)


def _scatter_prod_fwd(base, at, vals):
    result = _scatter_prod(base, at, vals)
    return result, (base, at, vals, result)


def _scatter_prod_bwd(res, g):
    base, at, vals, result = res
    one = jnp.ones((), base.dtype)
    # self: a zero entry's gradient is the product of the others (the result with that entry read as 1)
    masked_base = jnp.where(base == 0, one, base)
    grad_base = g * _scatter_prod(masked_base, at, vals) / masked_base
    # src: likewise for the one zero of a group; with two or more zeros every factor's gradient is 0
    zero = vals == 0
    zeros_in_group = jnp.zeros(base.shape, base.dtype).at[at].add(zero.astype(base.dtype))[at]
    lone_zero = zero & (zeros_in_group == 1)
    others = _scatter_prod(base, at, jnp.where(lone_zero, one, vals))
    grad_vals = jnp.where(lone_zero, (g * others)[at], (g * result)[at] / jnp.where(zero, one, vals))
    return grad_base, None, grad_vals


_scatter_prod.defvjp(_scatter_prod_fwd, _scatter_prod_bwd)


@op(name="scatter_reduce", method=False, function=False)
def _scatter_reduce(input: T, dim, index: T, src: T, reduce, *, include_self=True, out=None):
    _check_index_dtype(index, "scatter")
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if reduce == "mean" and input.dtype == jnp.bool_:
        raise RuntimeError('"scatter_gather_tensor_cpu_reduce_mean" not implemented for \'Bool\'')
    _check_scatter_shapes(input, index, src, dim)
    if not index.size:
        return input
    at, vals = _coords(index, dim), _src_part(src, index).astype(input.dtype)
    base = input if include_self else input.at[at].set(jnp.asarray(_identity(reduce, input.dtype), input.dtype))
    method = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "max", "amin": "min"}[reduce]
    out = _scatter_prod(base, at, vals) if method == "multiply" and input.dtype != jnp.bool_ else \
        _at(base, at, method, vals)
    if reduce != "mean":
        return out
    count = jnp.zeros(input.shape, input.dtype).at[at].add(jnp.ones(index.shape, input.dtype))
    count = count + (1 if include_self else 0)
    safe = jnp.where(count == 0, jnp.ones((), input.dtype), count)
    mean = out / safe if jnp.issubdtype(input.dtype, jnp.inexact) else out // safe
    return jnp.where(count == 0, input, mean)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """Mirrors `torch.scatter_reduce`."""
    d = wrap_dim(dim, input.ndim)
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter_reduce(): Expected self.dtype to be equal to src.dtype")
    _check_scatter_index(input, d, index, src, "scatter")
    return _scatter_reduce(input, d, index, src, reduce, include_self=include_self, out=out)


# ----- index_select / index_add / index_copy / index_fill -----
def _check_index_vector(index, what):
    if index.ndim > 1:
        raise IndexError(f"{what}(): Index is supposed to be a vector")


def _along(dim, index):
    return (slice(None),) * dim + (index.reshape(-1),)


@op(name="index_select", method=False, function=False, linear=True)
def _index_select(input: T, dim, index: T, *, out=None):
    if not jnp.issubdtype(index.dtype, jnp.integer):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    _check_index_vector(index, "index_select")
    return jnp.take(input, index.reshape(-1), axis=dim) if input.ndim else input.reshape(-1)[index.reshape(-1)][0]


def index_select(input, dim, index, *, out=None):
    """Mirrors `torch.index_select`."""
    d = wrap_dim(dim, input.ndim)
    if d == 1 and input.ndim >= 2:
        _check_dim1_bounds(index._data, input.shape[1])
    _check_bounds(index._data, input.shape[d] if input.ndim else 1, d, IndexError, "index out of range in self",
                  negative=False)
    return _index_select(input, d, index, out=out)


def _check_dim1_bounds(index, n: int) -> None:
    """PyTorch's CPU kernel for dim 1 names the first index out of range, in a RuntimeError."""
    mm = _host_minmax(index)
    if mm is not None and (mm[0] < 0 or mm[1] >= n):
        flat = jnp.ravel(index)
        bad = int(flat[jnp.argmax((flat < 0) | (flat >= n))])
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")


def _check_source(input, dim, index, source, what):
    if index.ndim > 1:
        raise IndexError(f"{what}(): Index is supposed to be a vector")
    n = index.size
    if source.ndim and source.shape[dim] != n:
        raise IndexError(f"{what}(): Number of indices ({n}) should be equal to source.size(dim) "
                         f"({source.shape[dim]})")


def _check_add_source(input, dim, index, source):
    """PyTorch's index_add rules: one index per source slice along dim, and source and self agree on every
    other dim."""
    if index.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: {index.ndim} with type: "
                         f"{D.from_numpy_dtype(index.dtype).legacy} and size: "
                         f"{list(index.shape)}")
    if not jnp.issubdtype(index.dtype, jnp.integer):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                           f"{D.from_numpy_dtype(index.dtype).legacy}")
    if source.ndim:
        if dim >= source.ndim:
            raise RuntimeError(f"index_add_(): Indexing dim {dim} is out of bounds of the source tensor with dim "
                               f"{source.ndim}")
        if source.shape[dim] != index.size:
            raise RuntimeError(f"index_add_(): Number of indices ({index.size}) should be equal to source.size(dim): "
                               f"({source.shape[dim]}), for dim: {dim}")
    rest = (lambda s: s[:dim] + s[dim + 1:]) if input.ndim and source.ndim else (lambda s: s)
    if rest(input.shape) != rest(source.shape):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")


def _as_1d(fn):
    """Run a kernel on a 0-d input as on its 1-element vector (index 0 addresses the one element)."""
    def run(input, dim, index, value, **kw):
        if input.ndim:
            return fn(input, dim, index, value, **kw)
        return fn(input.reshape(1), 0, index, value.reshape(-1) if value.ndim else value, **kw).reshape(())
    return run


@op(name="index_add", method=False, function=False, linear=True)
def _index_add(input: T, dim, index: T, source: T, *, alpha: N = 1, out=None):
    _check_add_source(input, dim, index, source)
    return _as_1d(_add_along)(input, dim, index, source.astype(input.dtype), alpha=alpha)


def _add_along(input, dim, index, vals, alpha=1):
    scale = traced(alpha) or alpha != 1
    return _at(input, _along(dim, index), "add", vals * jnp.asarray(alpha, input.dtype) if scale else vals)


@op(name="index_copy", method=False, function=False, linear=True)
def _index_copy(input: T, dim, index: T, source: T, *, out=None):
    _check_source(input, dim, index, source, "index_copy_")
    if not input.ndim:
        return source.astype(input.dtype).reshape(())
    src = jnp.broadcast_to(source.astype(input.dtype), input.shape[:dim] + (index.size,) + input.shape[dim + 1:])
    moved = put(jnp.moveaxis(input, dim, 0), index.reshape(-1), jnp.moveaxis(src, dim, 0))
    return jnp.moveaxis(moved, 0, dim)


@op(name="index_fill", method=False, function=False, linear=True, grad_name=_given_name("IndexFillBackward1", "IndexFillBackward0"))
def _index_fill(input: T, dim, index: T, value: TS):
    if value.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    return _as_1d(_fill_along)(input, dim, index, value.astype(input.dtype))


def _fill_along(input, dim, index, value):
    return input.at[_along(dim, index)].set(value)


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """Mirrors `torch.index_add`."""
    d = wrap_dim(dim, input.ndim)
    if isinstance(index, Tensor) and isinstance(source, Tensor):  # shapes before index values, as PyTorch
        _check_add_source(input._data, d, index._data, source._data)
    if input.ndim <= 1:  # PyTorch's 1-D path reports through its element indexing
        mm = _host_minmax(index._data)
        if mm is not None and (mm[0] < 0 or mm[1] >= (input.shape[0] if input.ndim else 1)):
            raise IndexError("index out of range in self")
    _check_bounds(index._data, input.shape[d] if input.ndim else 1, d, RuntimeError, negative=False)
    return _index_add(input, d, index, source, alpha=alpha, out=out)


def index_copy(input, dim, index, source, *, out=None):
    """Mirrors `torch.index_copy`."""
    d = wrap_dim(dim, input.ndim)
    _check_bounds(index._data, input.shape[d] if input.ndim else 1, d, IndexError,
                  "index_copy_(): index {} is out of bounds for dimension {} with size {}", negative=False)
    return _index_copy(input, d, index, source, out=out)


def index_fill(input, dim, index, value):
    """Mirrors `torch.index_fill`."""
    d = wrap_dim(dim, input.ndim)
    _check_bounds(index._data, input.shape[d] if input.ndim else 1, d)
    return _index_fill(input, d, index, value)


# ----- masked ops -----
def _check_mask(mask, what):
    if mask.dtype != jnp.bool_:
        raise RuntimeError(f"{what} only supports boolean masks, but got mask with dtype "
                           f"{D.from_numpy_dtype(mask.dtype).name}")


@op(name="masked_fill", method=False, function=False, linear=True,
    grad_name=_given_name("MaskedFillBackward1", "MaskedFillBackward0"))
def _masked_fill(input: T, mask: T, value: TS):
    _check_mask(mask, "masked_fill_")
    check_broadcast([mask.shape, input.shape])  # PyTorch's message, not JAX's
    if value.ndim:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    return jnp.where(mask, value.astype(input.dtype), input)


_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
            "float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _overflows(v, dtype) -> bool:
    """c10's rule for converting a fill scalar to dtype: a value out of the type's range (or an imaginary part
    for a real type) is refused; unsigned types accept negatives down to -max (they wrap), floats accept inf/nan."""
    if dtype is D.bool_:
        return False
    if isinstance(v, complex):
        if not dtype.is_complex and v.imag:
            return True
        if dtype.is_complex:
            return _overflows(v.real, dtype.to_real()) or _overflows(v.imag, dtype.to_real())
        v = v.real
    if dtype.is_complex:
        dtype = dtype.to_real()
    if dtype.category == D.FLOAT:
        info = jnp.finfo(dtype.np)
        return not (math.isinf(v) or math.isnan(v)) and not float(info.min) <= v <= float(info.max)
    info = jnp.iinfo(dtype.np)
    if isinstance(v, float):
        return math.isnan(v) or not info.min <= v <= info.max
    if info.min == 0 and v < 0:
        return -v > info.max
    return not info.min <= v <= info.max


def _check_fill_value(value, dtype):
    if isinstance(value, Tensor):
        if value.ndim or isinstance(value._data, jax.core.Tracer):
            return
        value = value.item()
    if isinstance(value, (bool, int, float, complex)) and _overflows(value, dtype):
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dtype.name]} without overflow")


def masked_fill(input, mask, value):
    """Mirrors `torch.masked_fill`: value is a scalar or a 0-d tensor; the mask broadcasts."""
    _check_fill_value(value, input.dtype)
    if isinstance(value, float) and input.dtype.category < D.FLOAT and input.dtype is not D.bool_:
        value = int(value)
    return _masked_fill(input, mask, value)


@op(name="masked_scatter", method=False, function=False, linear=True)
def _masked_scatter(input: T, mask: T, source: T):
    _check_mask(mask, "masked_scatter_")
    shape = jnp.broadcast_shapes(input.shape, mask.shape)
    m = jnp.broadcast_to(mask, shape).reshape(-1)
    pos = jnp.clip(jnp.cumsum(m.astype(jnp.int64)) - 1, 0, max(source.size - 1, 0))
    vals = source.reshape(-1).astype(input.dtype)[pos] if source.size else jnp.zeros(m.shape, input.dtype)
    return jnp.where(m, vals, jnp.broadcast_to(input, shape).reshape(-1)).reshape(shape)


def masked_scatter(input, mask, source):
    """Mirrors `torch.masked_scatter`."""
    if mask.dtype is D.bool_ and int(OPS["sum"](mask.expand_as(input) if mask.ndim <= input.ndim else mask)) > \
            source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return _masked_scatter(input, mask, source)


@op(name="masked_select", method=False, function=False, linear=True)
def _masked_select(input: T, mask: T, size, *, out=None):
    _check_mask(mask, "masked_select")
    shape = jnp.broadcast_shapes(input.shape, mask.shape)
    where = jnp.nonzero(jnp.broadcast_to(mask, shape).reshape(-1), size=size)[0]
    return jnp.broadcast_to(input, shape).reshape(-1)[where]


def masked_select(input, mask, *, out=None):
    """Mirrors `torch.masked_select`: the output length is the mask's count, read on the host."""
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    check_broadcast([tuple(input.shape), tuple(mask.shape)])
    shape = jnp.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    size = int(jnp.count_nonzero(jnp.broadcast_to(mask._data, shape)))
    return _masked_select(input, mask, size, out=out)


# ----- take, take_along_dim -----
@op(name="take", method=False, function=False, linear=True)
def _take(input: T, index: T, *, out=None):
    n = input.size
    flat = input.reshape(-1)
    return flat[jnp.where(index < 0, index + n, index)] if n else jnp.zeros(index.shape, input.dtype)


def take(input, index, *, out=None):
    """Mirrors `torch.take`."""
    if index.dtype.category != D.INT:
        raise RuntimeError("take(): Expected a long tensor for index, but got " + index.dtype.name.capitalize())
    n = input.numel()
    _check_bounds(index._data, n, 0, IndexError, "out of range: tried to access index {0} on a tensor of {2} elements.")
    return _take(input, index, out=out)


@op(name="take_along_dim", method=False, function=False, linear=True, grad_name="GatherBackward0")
def _take_along_dim(input: T, indices: T, dim=None, *, out=None):
    if not jnp.issubdtype(indices.dtype, jnp.integer):
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got " + str(indices.dtype))
    if dim is None:
        return input.reshape(-1)[indices.reshape(-1)]
    if input.ndim != indices.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    shape_i = list(jnp.broadcast_shapes(tuple(s for i, s in enumerate(input.shape) if i != dim),
                                        tuple(s for i, s in enumerate(indices.shape) if i != dim)))
    xs, ids = list(shape_i), list(shape_i)
    xs.insert(dim, input.shape[dim])
    ids.insert(dim, indices.shape[dim])
    return jnp.take_along_axis(jnp.broadcast_to(input, xs), jnp.broadcast_to(indices, ids), axis=dim)


def take_along_dim(input, indices, dim=None, *, out=None):
    """Mirrors `torch.take_along_dim`."""
    n = input.numel() if dim is None else input.shape[wrap_dim(dim, input.ndim)]
    d = None if dim is None else wrap_dim(dim, input.ndim)
    _check_bounds(indices._data, n, 0 if d is None else d, RuntimeError, negative=False)
    return _take_along_dim(input, indices, d, out=out)


# ----- nonzero, argwhere, where(condition) -----
@op(name="nonzero", method=False, function=False, differentiable=False)
def _nonzero(input: T, size, *, out=None):
    if input.ndim == 0:
        return jnp.zeros((size, 0), jnp.int64)
    return jnp.stack(jnp.nonzero(input, size=size), axis=1).astype(jnp.int64)


def nonzero(input, *, out=None, as_tuple=False):
    """Mirrors `torch.nonzero`: the output length is read on the host."""
    size = int(jnp.count_nonzero(input._data))
    res = _nonzero(input, size, out=out)
    if not as_tuple:
        return res
    if input.ndim == 0:
        return (zeros(size, dtype=D.int64),)
    return tuple(res[:, i] for i in range(input.ndim))


def argwhere(input):
    """Mirrors `torch.argwhere`."""
    return nonzero(input)


def where(condition, input=None, other=None, *, out=None):
    """Mirrors `torch.where`; the one-argument form is nonzero(condition, as_tuple=True)."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if "where" not in OPS:
        raise NotImplementedError("torchlike: torch.where(condition, input, other)")
    return OPS["where"](condition, input, other, **({"out": out} if out is not None else {}))


# ----- methods and in-place variants -----
def _install():
    for fn in (gather, scatter, scatter_add, scatter_reduce, index_select, index_add, index_copy, index_fill,
               masked_fill, masked_scatter, masked_select, take, take_along_dim, nonzero, argwhere):
        install(fn.__name__, fn)
    for fn in (scatter, scatter_add, scatter_reduce, index_add, index_copy, index_fill, masked_fill, masked_scatter):
        install(fn.__name__ + "_", inplace_method(fn))


_install()
