"""Reductions: sum, mean, std/var, max/min, argmax, all/any, logsumexp, cumulative ops, ... with
PyTorch's dim/keepdim/dtype arguments. Functions that return PyTorch's named tuples are thin Python
wrappers around a registered op (see torchlike/return_types.py)."""
from __future__ import annotations

import builtins
import functools
import math

import jax
import jax.numpy as jnp

from .._engine.methods import install
from .._engine.grad_name import GradName
from .. import _dtype as D
from .. import return_types as RT
from .._tensor import Tensor
from .._engine.op import OPS, TO, T, op

__all__ = ["aminmax", "cummax", "cummin", "max", "min"]


# ----- helpers shared with sorting.py and linalg.py -----
def legacy(x) -> str:
    return D.from_numpy_dtype(x.dtype).legacy


def is_float(x) -> bool:
    return jnp.issubdtype(x.dtype, jnp.inexact)


def _dims(dim, ndim):
    """The reduced dims, wrapped (None: all). PyTorch keeps a dim list as a 64-bit mask."""
    if dim is None or dim == ():
        return None
    if ndim > 64:
        raise RuntimeError("only tensors with up to 64 dims are supported")
    axis = _wrap_dims(dim, ndim)
    if not isinstance(dim, int):
        seen = set()
        for d in dim:
            d %= builtins.max(ndim, 1)
            if d in seen:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
            seen.add(d)
    return axis


def _wrap_dims(dim, ndim):
    if dim is None or dim == ():
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    n = builtins.max(ndim, 1)
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return tuple(d % n for d in dims) if ndim else None


def one_dim(dim, ndim) -> int | None:
    """A single dim wrapped; None for a 0-d input (whose only 'dim' is the tensor itself)."""
    d = _wrap_dims(dim, ndim)
    return d[0] if d is not None else None


def nonempty_dim(name, x, d) -> None:
    if d is not None and x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def needs_dim(name, x, kind=RuntimeError, tail=" Specify the reduction dim with the 'dim' argument.") -> None:
    if x.size == 0:
        raise kind(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.{tail}")


def _sum_dtype(x, dtype):
    if dtype is not None:
        return dtype.np
    return jnp.int64 if jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_ else x.dtype


def mirrors(fn, name: str, detail: str = ""):
    """fn named and documented as PyTorch's torch.<name>, with `detail` added to the docstring."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Mirrors `torch.{name}`: {detail}" if detail else f"Mirrors `torch.{name}`."
    return fn


def named(o, rtype: str, name: str | None = None):
    """A Python function calling op o and returning its tuple as torch.return_types.<rtype>."""
    def fn(*args, **kwargs):
        return RT.wrap(rtype, o(*args, **kwargs), kwargs.get("out"))
    return mirrors(fn, name or rtype)


def whole_or_along(rtype: str, o, input, dim, keepdim, out):
    """op o over the whole tensor when dim is None, else its (values, indices) along dim as
    torch.return_types.<rtype>: the two forms of max, min, median, nanmedian."""
    if dim is None:
        return o(input, out=out)
    return RT.wrap(rtype, o(input, dim, keepdim, out=out), out)


def take(x, idx, axis, keepdim):
    """x at indices idx (reduced along axis, kept as size 1): the gradient goes to those entries only."""
    v = jnp.take_along_axis(x, idx, axis=axis)
    return v if keepdim else jnp.squeeze(v, axis)


# ----- sums and means -----
@op(linear=True)
def sum(input: T, dim=None, keepdim=False, *, dtype=None, out=None):
    return jnp.sum(input.astype(_sum_dtype(input, dtype)), axis=_dims(dim, input.ndim), keepdims=keepdim)


@op(linear=True)
def mean(input: T, dim=None, keepdim=False, *, dtype=None, out=None):
    if dtype is None and not jnp.issubdtype(input.dtype, jnp.inexact):
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {D.from_numpy_dtype(input.dtype).legacy}")
    if dtype is not None and dtype.category < D.FLOAT:
        raise RuntimeError(f"mean(): could not infer output dtype. Optional dtype must be either a floating point or "
                           f"complex dtype. Got: {dtype.legacy}")
    return jnp.mean(input.astype(dtype.np) if dtype else input, axis=_dims(dim, input.ndim), keepdims=keepdim)


def _no_nan(x):
    return jnp.where(jnp.isnan(x), jnp.zeros((), x.dtype), x) if is_float(x) else x


@op()
def nansum(input: T, dim=None, keepdim=False, *, dtype=None, out=None):
    x = _no_nan(input)
    return jnp.sum(x.astype(_sum_dtype(input, dtype)), axis=_dims(dim, input.ndim), keepdims=keepdim)


@op()
def nanmean(input: T, dim=None, keepdim=False, *, dtype=None, out=None):
    if not is_float(input) and dtype is None:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{legacy(input)}")
    x = input.astype(dtype.np) if dtype is not None else input
    axis = _dims(dim, input.ndim)
    count = jnp.sum((~jnp.isnan(x)).astype(x.dtype), axis=axis, keepdims=keepdim)
    return jnp.sum(_no_nan(x), axis=axis, keepdims=keepdim) / count


@op()
def prod(input: T, dim=None, keepdim=False, *, dtype=None, out=None):
    if isinstance(dim, (tuple, list)):
        raise TypeError("prod() received an invalid combination of arguments - got (Tensor, tuple), but expected "
                        "one of:\n * (Tensor input, *, dtype dtype = None)\n * (Tensor input, int dim, bool keepdim = "
                        "False, *, dtype dtype = None)")
    x = input.astype(_sum_dtype(input, dtype))
    if not is_float(x) or jnp.iscomplexobj(x):
        return jnp.prod(x, axis=_dims(dim, input.ndim), keepdims=keepdim)
    return _prod(x, _dims(dim, input.ndim), keepdim)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2))
def _prod(x, axis, keepdim):
    return jnp.prod(x, axis=axis, keepdims=keepdim)


@_prod.defjvp
def _prod_jvp(axis, keepdim, primals, tangents):
    # PyTorch's derivative: prod / x when the tensor has no zero (NaN at an infinite x, where JAX
    # multiplies the others), else the product of the other elements of the slice (over the whole
    # tensor: only for a lone zero, 0 for several).
    (x,), (t,) = primals, tangents
    if x.size == 0 or axis == () or x.ndim == 0:  # (nothing to multiply: the derivative is 0, or 1 for no axes)
        return _prod(x, axis, keepdim), jnp.sum(t, axis=axis, keepdims=keepdim)
    flat = axis is None
    v = x.reshape(-1) if flat else x
    ax = 0 if flat else axis[0] if isinstance(axis, tuple) else axis
    ones = jnp.ones_like(jax.lax.slice_in_dim(v, 0, 1, axis=ax))
    left = jnp.cumprod(jnp.concatenate([ones, jax.lax.slice_in_dim(v, 0, v.shape[ax] - 1, axis=ax)], ax), ax)
    tail = jnp.concatenate([jax.lax.slice_in_dim(v, 1, v.shape[ax], axis=ax), ones], ax)
    right = jnp.flip(jnp.cumprod(jnp.flip(tail, ax), ax), ax)
    others = (left * right).reshape(x.shape)
    zeros = jnp.sum(x == 0)
    if flat:
        others = jnp.where(zeros == 1, others, jnp.zeros((), x.dtype))
    y = jnp.prod(x, axis=axis, keepdims=True)
    w = jnp.where(zeros == 0, y / jnp.where(x == 0, jnp.ones((), x.dtype), x), others)
    return _prod(x, axis, keepdim), jnp.sum(t * w, axis=axis, keepdims=keepdim)


# ----- variance and standard deviation -----
def _correction(dim, unbiased, correction):
    if isinstance(dim, bool):  # the legacy form std(input, unbiased)
        dim, unbiased = None, dim
    if correction is None:
        return dim, 1 if unbiased is None or unbiased else 0
    if unbiased is not None:
        raise RuntimeError("Cannot specify both unbiased and correction")
    return dim, correction


def _var(name, x, dim, unbiased, keepdim, correction):
    if not is_float(x):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dim, corr = _correction(dim, unbiased, correction)
    axis = _dims(dim, x.ndim)
    n = math.prod(x.shape[a] for a in axis) if axis is not None else x.size
    m = jnp.mean(x, axis=axis, keepdims=True)
    if jnp.iscomplexobj(x):
        s = jnp.sum(jnp.square(jnp.abs(x - m)), axis=axis, keepdims=keepdim)
        v = s / jnp.asarray(builtins.max(0, n - corr), s.dtype)
    else:
        v = _sq_dev(x, axis, keepdim, float(builtins.max(0, n - corr)))
    return v, (m if keepdim else jnp.squeeze(m, axis))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2, 3))
def _sq_dev(x, axis, keepdim, denom):
    m = jnp.mean(x, axis=axis, keepdims=True)
    return jnp.sum(jnp.square(x - m), axis=axis, keepdims=keepdim) / jnp.asarray(denom, x.dtype)


@_sq_dev.defjvp
def _sq_dev_jvp(axis, keepdim, denom, primals, tangents):
    # PyTorch's var'(x) = 2 (x - mean) / (n - correction), without the mean's own term (zero in exact
    # arithmetic, NaN through inf - inf when an element is infinite).
    (x,), (t,) = primals, tangents
    m = jnp.mean(x, axis=axis, keepdims=True)
    dv = jnp.sum(jnp.asarray(2, x.dtype) * (x - m) * t, axis=axis, keepdims=keepdim) / jnp.asarray(denom, x.dtype)
    return _sq_dev(x, axis, keepdim, denom), dv


@op()
def var(input: T, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var("var", input, dim, unbiased, keepdim, correction)[0]


@op()
def std(input: T, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return jnp.sqrt(_var("std", input, dim, unbiased, keepdim, correction)[0])


@op(method=False)
def var_mean(input: T, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    return _var("var_mean", input, dim, unbiased, keepdim, correction)


@op(method=False)
def std_mean(input: T, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    v, m = _var("std_mean", input, dim, unbiased, keepdim, correction)
    return jnp.sqrt(v), m


# ----- max / min -----
def _extreme_name(kind):
    return GradName.static(lambda dim=None, keepdim=False: f"{kind}Backward1" if dim is None else f"{kind}Backward0")


def _extreme(name, x, dim, keepdim, largest):
    if dim is None:
        needs_dim(name, x)
        if not is_float(x) or jnp.iscomplexobj(x):
            return jnp.max(x) if largest else jnp.min(x)
        return _spread_extreme(x, None, False, largest, True)
    d = one_dim(dim, x.ndim)
    if d is None:
        return x, jnp.zeros((), jnp.int64)
    nonempty_dim(name, x, d)
    idx = (jnp.argmax if largest else jnp.argmin)(x, axis=d, keepdims=True).astype(jnp.int64)
    return take(x, idx, d, keepdim), (idx if keepdim else jnp.squeeze(idx, d))


@op(name="_max", method=False, function=False, grad_name=_extreme_name("Max"))
def _max(input: T, dim=None, keepdim=False, *, out=None):
    return _extreme("max", input, dim, keepdim, True)


@op(name="_min", method=False, function=False, grad_name=_extreme_name("Min"))
def _min(input: T, dim=None, keepdim=False, *, out=None):
    return _extreme("min", input, dim, keepdim, False)


def _max_min(kind, o, binary):
    def fn(input, dim=None, keepdim=False, *, other=None, out=None):
        if isinstance(dim, Tensor) or other is not None:
            return OPS[binary](input, other if other is not None else dim, out=out)
        return whole_or_along(kind, o, input, dim, keepdim, out)
    return mirrors(fn, kind, f"the whole-tensor value, (values, indices) along dim, or {binary}.")


max = _max_min("max", _max, "maximum")
min = _max_min("min", _min, "minimum")


def _amax_amin(name, x, dim, keepdim, largest):
    axis = _dims(dim, x.ndim)
    if axis is None:
        if x.size == 0:
            needs_dim(name, x)
    else:
        for d in axis:
            nonempty_dim(name, x, d)
    if not is_float(x) or jnp.iscomplexobj(x):
        return (jnp.max if largest else jnp.min)(x, axis=axis, keepdims=keepdim)
    return _spread_extreme(x, axis, keepdim, largest, False)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2, 3, 4))
def _spread_extreme(x, axis, keepdim, largest, nan_ties):
    return (jnp.max if largest else jnp.min)(x, axis=axis, keepdims=keepdim)


@_spread_extreme.defjvp
def _spread_extreme_jvp(axis, keepdim, largest, nan_ties, primals, tangents):
    # PyTorch splits the gradient evenly among the elements equal to the extreme. A NaN extreme equals
    # nothing: amax/amin then give 0 / 0 = NaN to the whole slice, while max()/min() over the whole
    # tensor (nan_ties) split it among the NaNs.
    (x,), (t,) = primals, tangents
    y = (jnp.max if largest else jnp.min)(x, axis=axis, keepdims=True)
    hit = jnp.where(jnp.isnan(y), jnp.isnan(x), x == y) if nan_ties else x == y
    count = jnp.sum(hit, axis=axis, keepdims=True).astype(x.dtype)
    # Per-element weights, NaN written out: XLA folds t * (0/0-scaled mask) into a select that gives 0.
    w = jnp.where(count == 0, jnp.asarray(jnp.nan, x.dtype), jnp.where(hit, 1 / count, jnp.zeros((), x.dtype)))
    dy = jnp.sum(t * w, axis=axis, keepdims=keepdim)
    return _spread_extreme(x, axis, keepdim, largest, nan_ties), dy


@op()
def amax(input: T, dim=(), keepdim=False, *, out=None):
    return _amax_amin("amax", input, dim, keepdim, True)


@op()
def amin(input: T, dim=(), keepdim=False, *, out=None):
    return _amax_amin("amin", input, dim, keepdim, False)


@op(name="aminmax")
def _aminmax(input: T, *, dim=None, keepdim=False, out=None):
    if dim is None and input.size == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    if dim is None and keepdim:
        shape = (1,) * input.ndim
        return jnp.min(input).reshape(shape), jnp.max(input).reshape(shape)
    return (_amax_amin("aminmax", input, dim if dim is not None else (), keepdim, False),
            _amax_amin("aminmax", input, dim if dim is not None else (), keepdim, True))


aminmax = named(_aminmax, "aminmax")


def _arg(name, x, dim, keepdim, largest):
    f = jnp.argmax if largest else jnp.argmin
    if x.dtype == jnp.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        needs_dim(name, x, IndexError, "")
        i = f(x.reshape(-1)).astype(jnp.int64)
        return i.reshape((1,) * x.ndim) if keepdim else i
    d = one_dim(dim, x.ndim)
    if d is None:
        return jnp.zeros((), jnp.int64)
    nonempty_dim(name, x, d)
    return f(x, axis=d, keepdims=keepdim).astype(jnp.int64)


@op(differentiable=False)
def argmax(input: T, dim=None, keepdim=False, *, out=None):
    return _arg("argmax", input, dim, keepdim, True)


@op(differentiable=False)
def argmin(input: T, dim=None, keepdim=False, *, out=None):
    return _arg("argmin", input, dim, keepdim, False)


# ----- logical and counting -----
def _truth_reduce(f, x, dim, keepdim):
    r = f(x != jnp.zeros((), x.dtype), axis=_dims(dim, x.ndim), keepdims=keepdim)
    return r.astype(jnp.uint8) if x.dtype == jnp.uint8 else r


@op(differentiable=False)
def all(input: T, dim=None, keepdim=False, *, out=None):
    return _truth_reduce(jnp.all, input, dim, keepdim)


@op(differentiable=False)
def any(input: T, dim=None, keepdim=False, *, out=None):
    return _truth_reduce(jnp.any, input, dim, keepdim)


@op(differentiable=False)
def count_nonzero(input: T, dim=None):
    return jnp.sum((input != jnp.zeros((), input.dtype)).astype(jnp.int64), axis=_dims(dim, input.ndim))


@op(promote="float")
def logsumexp(input: T, dim, keepdim=False, *, out=None):
    return jax.nn.logsumexp(input, axis=_dims(dim, input.ndim), keepdims=keepdim)


# ----- cumulative -----
def _cum(f, x, dim, dtype):
    d = one_dim(dim, x.ndim)
    x = x.astype(_sum_dtype(x, dtype))
    return x if d is None else f(x, axis=d)


@op(linear=True, inplace=True)
def cumsum(input: T, dim, *, dtype=None, out=None):
    return _cum(jnp.cumsum, input, dim, dtype)


@op(inplace=True)
def cumprod(input: T, dim, *, dtype=None, out=None):
    return _cum(jnp.cumprod, input, dim, dtype)


@op()
def logcumsumexp(input: T, dim, *, out=None):
    if not is_float(input):
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{legacy(input)}'")
    d = one_dim(dim, input.ndim)
    if d is None or input.shape[d] == 0:
        return input
    return jax.lax.cumlogsumexp(input, axis=d) if jnp.iscomplexobj(input) else _logcumsumexp(input, d)


def _lcse_value(x, axis):
    # As PyTorch's CPU kernel: accumulated in double, rounded once to x's dtype.
    return jax.lax.cumlogsumexp(x.astype(jnp.float64), axis=axis).astype(x.dtype)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1,))
def _logcumsumexp(x, axis):
    return _lcse_value(x, axis)


def _logcumsumexp_fwd(x, axis):
    r = _logcumsumexp(x, axis)
    return r, (x, r)


def _logcumsumexp_bwd(axis, res, g):
    """PyTorch's logcumsumexp_backward: the positive and negative parts of grad, each as a reversed
    logcumsumexp in log space. Written out so that gradients (and their gradients) round as PyTorch's do."""
    x, r = res
    lowest = jnp.asarray(jnp.finfo(g.dtype).min, g.dtype)
    log_abs = jnp.log(jnp.abs(g))
    parts = []
    for keep in (g > 0, g < 0):
        v = jnp.where(keep, log_abs, lowest) - r
        rev = jnp.flip(_logcumsumexp(jnp.flip(v, axis), axis), axis)
        parts.append(jnp.exp(rev + x))
    return (parts[0] - parts[1],)


_logcumsumexp.defvjp(_logcumsumexp_fwd, _logcumsumexp_bwd)


def _cum_extreme(x, dim, largest):
    d = one_dim(dim, x.ndim)
    if d is None:
        return x, jnp.zeros((), jnp.int64)
    if x.shape[d] == 0:
        return x, jnp.zeros(x.shape, jnp.int64)
    shape = [1] * x.ndim
    shape[d] = x.shape[d]
    pos = jnp.broadcast_to(jnp.arange(x.shape[d], dtype=jnp.int64).reshape(shape), x.shape)
    key = jax.lax.stop_gradient(x)

    def pick(a, b):
        # The later element wins ties (PyTorch reports the last position of the running extreme); NaN beats all.
        (va, ia), (vb, ib) = a, b
        later = (vb >= va) if largest else (vb <= va)
        if is_float(x):
            later = (later & ~jnp.isnan(va)) | jnp.isnan(vb)
        return jnp.where(later, vb, va), jnp.where(later, ib, ia)
    _, idx = jax.lax.associative_scan(pick, (key, pos), axis=d)
    return jnp.take_along_axis(x, idx, axis=d), idx


@op(name="cummax")
def _cummax(input: T, dim, *, out=None):
    return _cum_extreme(input, dim, True)


@op(name="cummin")
def _cummin(input: T, dim, *, out=None):
    return _cum_extreme(input, dim, False)


cummax = named(_cummax, "cummax")
cummin = named(_cummin, "cummin")


@op()
def diff(input: T, n=1, dim=-1, prepend: TO = None, append: TO = None, *, out=None):
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = one_dim(dim, input.ndim)
    parts = [p.astype(input.dtype) for p in (prepend, input, append) if p is not None]
    x = jnp.concatenate(parts, axis=d) if len(parts) > 1 else input
    for _ in range(n):
        if x.shape[d] == 0:
            break
        a, b = jax.lax.slice_in_dim(x, 1, None, axis=d), jax.lax.slice_in_dim(x, 0, -1, axis=d)
        x = jnp.logical_xor(a, b) if x.dtype == jnp.bool_ else a - b
    return x


def _install():
    for name, fn in {"max": max, "min": min, "aminmax": aminmax, "cummax": cummax, "cummin": cummin}.items():
        install(name, fn)


_install()
