"""Everyday shape and misc ops: meshgrid, atleast_*d, h/v/dsplit, cartesian_prod, combinations,
block_diag, diagflat, cdist, dist, cov, corrcoef, trapezoid, renorm, the *_scatter and *_copy ops."""
from __future__ import annotations

import functools
import itertools
import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .._engine.grad_name import GradName, not_differentiable
from .. import _dtype as D
from .._tensor import Tensor
from .._dtype import C_NAMES
from .._engine.op import OPS, TL, T, TO, TS, op
from .shape import broadcast_shapes, chunk, expand, reshape, split, tensor_split, unbind, wrap_dim
from .._autograd import no_grad
from .creation import empty, ones_like
from .linalg_decomp import _vector_norm

__all__ = ["meshgrid", "atleast_1d", "atleast_2d", "atleast_3d", "hsplit", "vsplit", "dsplit", "split_with_sizes",
           "unsafe_split", "unsafe_chunk", "cartesian_prod", "combinations", "block_diag",
           "cov", "corrcoef", "trapezoid", "trapz", "cumulative_trapezoid", "fill", "cdist", "vander"]


def _tensors_arg(tensors):
    """PyTorch's `*tensors` parameters also take one list or tuple of tensors."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(tensors[0])
    return tuple(tensors)


# ----- meshgrid, cartesian_prod, combinations -----
def meshgrid(*tensors, indexing: str | None = None):
    """Mirrors `torch.meshgrid`: each output is an expanded view of its input."""
    ts = _tensors_arg(tensors)
    if not ts:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in ts:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    for t in ts[1:]:
        if t.dtype != ts[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
        if t.device != ts[0].device:
            raise RuntimeError("meshgrid expects all tensors to have the same device")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    swap = indexing == "xy" and len(ts) >= 2
    order = (1, 0) + tuple(range(2, len(ts))) if swap else tuple(range(len(ts)))
    grid = [ts[i] for i in order]
    shape = tuple(t.numel() for t in grid)
    outs = []
    for i, t in enumerate(grid):
        view_shape = [1] * len(grid)
        view_shape[i] = -1
        outs.append(expand(reshape(t, tuple(view_shape)), shape))
    if swap:
        outs[0], outs[1] = outs[1], outs[0]
    return tuple(outs)


def cartesian_prod(*tensors):
    """Mirrors `torch.cartesian_prod`."""
    ts = _tensors_arg(tensors)
    for t in ts:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*ts, indexing="ij")
    return OPS["stack"]([g.flatten() for g in grids], 1)


def combinations(input, r: int = 2, with_replacement: bool = False):
    """Mirrors `torch.combinations`: the index tuples are made on the host, then gathered."""
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    return _combinations(input, int(r), bool(with_replacement))


@op(name="_combinations", method=False, function=False, linear=True, grad_name="IndexBackward0")
def _combinations(input: T, r, with_replacement):
    # The index tuples depend only on the length: made on the host while the kernel is traced.
    make = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(make(range(input.shape[0]), r)), dtype=np.int64)
    idx = idx.reshape(-1, r) if r else np.zeros((0,), np.int64)
    if input.shape[0] == 0:  # (nothing to gather from; jnp.take would drop the index's shape)
        return jnp.zeros(idx.shape, input.dtype)
    return jnp.take(input, jnp.asarray(idx), axis=0)


# ----- atleast_*d -----
def _atleast(n, tensors):
    def one(t):
        if t.ndim >= n:
            return t
        if n == 3 and t.ndim == 2:
            return t.unsqueeze(-1)
        if n == 3 and t.ndim == 1:
            return t.unsqueeze(0).unsqueeze(-1)
        return reshape(t, (1,) * (n - t.ndim) + tuple(t.shape))
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return one(tensors[0])
    return tuple(one(t) for t in _tensors_arg(tensors))


def atleast_1d(*tensors):
    """Mirrors `torch.atleast_1d`."""
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    """Mirrors `torch.atleast_2d`."""
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    """Mirrors `torch.atleast_3d`."""
    return _atleast(3, tensors)


# ----- hsplit, vsplit, dsplit and the split aliases: views -----
def _dir_split(name, min_dim, dim, input, sections):
    if input.ndim < min_dim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, but got a tensor "
                           f"with {input.ndim} dimensions!")
    if isinstance(sections, int):
        n = input.shape[dim]
        if sections == 0 or n % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {n} is not divisible by the split_size {sections}!")
    elif isinstance(sections, (list, tuple)) and all(isinstance(v, numbers.Integral) for v in sections):
        sections = [int(v) for v in sections]
    else:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, "
                        f"{type(sections).__name__})")
    return tensor_split(input, sections, dim)


def hsplit(input, indices_or_sections):
    """Mirrors `torch.hsplit`."""
    return _dir_split("hsplit", 1, 1 if input.ndim > 1 else 0, input, indices_or_sections)


def vsplit(input, indices_or_sections):
    """Mirrors `torch.vsplit`."""
    return _dir_split("vsplit", 2, 0, input, indices_or_sections)


def dsplit(input, indices_or_sections):
    """Mirrors `torch.dsplit`."""
    return _dir_split("dsplit", 3, 2, input, indices_or_sections)


def split_with_sizes(input, split_sizes, dim: int = 0):
    """Mirrors `torch.split_with_sizes`."""
    return split(input, [int(s) for s in split_sizes], dim)


def _unsafe(outs):
    # PyTorch does not track these outputs as views of a multi-output op: in-place writes are allowed.
    for o in outs:
        o._multi_view = False
    return outs


def unsafe_split(input, split_size, dim: int = 0):
    """Mirrors `torch.unsafe_split`."""
    return _unsafe(split(input, split_size, dim))


def unsafe_chunk(input, chunks: int, dim: int = 0):
    """Mirrors `torch.unsafe_chunk`."""
    return _unsafe(chunk(input, chunks, dim))


# ----- block_diag, diagflat -----
@op(name="_block_diag", promote="same", linear=True, method=False, function=False, grad_name="BlockDiagBackward0")
def _block_diag(tensors: TL):
    mats = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
        mats.append(t.reshape(1, 1) if t.ndim == 0 else t.reshape(1, -1) if t.ndim == 1 else t)
    rows, cols = sum(m.shape[0] for m in mats), sum(m.shape[1] for m in mats)
    out = jnp.zeros((rows, cols), mats[0].dtype)
    r = c = 0
    for m in mats:
        out = out.at[r:r + m.shape[0], c:c + m.shape[1]].set(m)
        r, c = r + m.shape[0], c + m.shape[1]
    return out


def block_diag(*tensors):
    """Mirrors `torch.block_diag`."""
    if not tensors:
        return empty(1, 0)
    return _block_diag(list(tensors))


@op(linear=True, grad_name="DiagEmbedBackward0")
def diagflat(input: T, offset=0):
    return jnp.diagflat(input.ravel(), offset)


# ----- distances -----
def _pair_diff(x1, x2):
    return x1[..., :, None, :] - x2[..., None, :, :]


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _cdist(x1, x2, p):
    a = jnp.abs(_pair_diff(x1, x2))
    if p == 0:
        return jnp.sum((a != 0).astype(a.dtype), -1)
    if p == math.inf:
        return jnp.max(a, -1, initial=0.0) if a.shape[-1] else jnp.zeros(a.shape[:-1], a.dtype)
    if p == 1:
        return jnp.sum(a, -1)
    if p == 2:
        return jnp.sqrt(jnp.sum(a * a, -1))
    return jnp.sum(a ** p, -1) ** (1 / p)


def _cdist_fwd(x1, x2, p):
    out = _cdist(x1, x2, p)
    return out, (x1, x2, out)


def _cdist_bwd(p, res, g):
    """PyTorch's _cdist_backward: the gradient is 0 where the distance is 0 (and, for p < 1, where
    a coordinate difference is 0); for p = inf every coordinate reaching the max gets it."""
    x1, x2, dist = res
    diff = _pair_diff(x1, x2)
    a, sgn = jnp.abs(diff), jnp.sign(diff)
    d, gg = dist[..., None], g[..., None]
    zero = jnp.zeros((), diff.dtype)
    if p == 0:
        w = jnp.zeros_like(diff)
    elif p == 1:
        w = sgn * gg
    elif p == math.inf:
        w = sgn * (a == d).astype(diff.dtype) * gg
    elif p == 2:
        w = jnp.where(d == 0, zero, diff * gg / jnp.where(d == 0, 1, d))
    elif p < 2:
        safe = (d == 0) | ((diff == 0) & (p < 1))
        w = jnp.where(safe, zero, sgn * jnp.where(safe, 1, a) ** (p - 1) * gg / jnp.where(d == 0, 1, d) ** (p - 1))
    else:
        w = jnp.where(d == 0, zero, diff * a ** (p - 2) * gg / jnp.where(d == 0, 1, d) ** (p - 1))
    g1, g2 = jnp.sum(w, -2), -jnp.sum(w, -3)
    return _unbroadcast(g1, x1.shape), _unbroadcast(g2, x2.shape)


def _unbroadcast(g, shape):
    lead = g.ndim - len(shape)
    g = jnp.sum(g, tuple(range(lead))) if lead else g
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return jnp.sum(g, axes, keepdims=True) if axes else g


_cdist.defvjp(_cdist_fwd, _cdist_bwd)


@op(name="_cdist", method=False, function=False,
    grad_name=GradName("CdistBackward0", no_double=not_differentiable("_cdist_backward")))
def _cdist_op(x1: T, x2: T, p):
    batch = jnp.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    x1 = jnp.broadcast_to(x1, batch + x1.shape[-2:])
    x2 = jnp.broadcast_to(x2, batch + x2.shape[-2:])
    return _cdist(x1, x2, p)


def cdist(x1, x2, p: float = 2.0, compute_mode=None):
    """Mirrors `torch.cdist` (pairwise p-norm distances between the rows of x1 and x2)."""
    for name, x in (("X1", x1), ("X2", x2)):
        if x.dtype.category != D.FLOAT:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {x.dtype.legacy}")
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{1 if x1.ndim < 2 else 2} got: "
                           f"{min(x1.ndim, x2.ndim)}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"expected scalar type {x1.dtype.legacy} but found {x2.dtype.legacy}")
    if compute_mode not in (None, "use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                            "donot_use_mm_for_euclid_dist"):
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))  # (PyTorch's error for unmatched batches)
    return _cdist_op(x1, x2, float(p))


@op(promote="same", grad_name="DistBackward0")
def dist(input: T, other: T, p=2):
    x = input - other
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{D.from_numpy_dtype(x.dtype).legacy}")
    return _vector_norm(x, float(p), None, False)


# ----- cov, corrcoef -----
def _check_weights(input, w, name, integral):
    if w is None:
        return
    if w.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with {w.ndim} "
                           "dimensions")
    if integral and w.dtype.category != D.INT:
        raise RuntimeError(f"cov(): expected {name} to have integral dtype but got {name} with {w.dtype.legacy} "
                           "dtype")
    if not integral and w.dtype.category != D.FLOAT:
        raise RuntimeError(f"cov(): expected {name} to have floating point dtype but got {name} with "
                           f"{w.dtype.legacy} dtype")
    n = input.shape[-1] if input.ndim else 1
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the input "
                           f"but got {w.numel()} != {n}")
    with no_grad():
        if w.numel() and bool((w < 0).any()):
            raise RuntimeError(f"cov(): {name} cannot be negative")


@op(name="_cov", method=False, function=False, grad_name="DivBackward0")
def _cov(input: T, correction, dtype, fweights: TO = None, aweights: TO = None):
    dt = dtype.np
    x = (input if input.ndim == 2 else input.reshape(1, -1)).astype(dt)
    n = x.shape[1]
    # The weights and their sums stay in the weights' own dtype, as PyTorch computes them.
    w, aw = fweights, aweights
    if aw is not None:
        w = aw if w is None else w.astype(aw.dtype) * aw
    if w is None:
        avg = jnp.mean(x, 1)
        norm = jnp.asarray(n - correction, dt)
    else:
        w_sum = jnp.sum(w)
        avg = jnp.sum(x * w.astype(dt), 1) / w_sum.astype(dt)
        if correction == 0:
            norm = w_sum
        elif aw is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * jnp.sum(w * aw) / w_sum
        w = w.astype(dt)
    norm = jnp.where(norm <= 0, jnp.zeros((), norm.dtype), norm).astype(dt)
    xm = x - avg[:, None]
    c = xm @ jnp.conj(xm * w if w is not None else xm).T
    return jnp.squeeze(c / norm)


def cov(input, *, correction: int = 1, fweights=None, aweights=None):
    """Mirrors `torch.cov`."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    _check_weights(input, fweights, "fweights", True)
    _check_weights(input, aweights, "aweights", False)
    dt = input.dtype if input.dtype.category >= D.FLOAT else D.get_default_dtype()
    if aweights is not None:
        dt = D.promote_types(dt, aweights.dtype)
    return _cov(input, int(correction), dt, fweights, aweights)


@op(name="_corrcoef_scale", method=False, function=False, grad_name="ClampBackward1")
def _corrcoef_scale(c: T):
    if c.ndim == 0:
        return c / c
    d = jnp.diagonal(c)
    s = jnp.sqrt(jnp.real(d)) if jnp.iscomplexobj(c) else jnp.sqrt(d)
    c = c / s[:, None] / s[None, :]

    def clip(v):  # (inclusive bounds: PyTorch's clamp passes the gradient at -1 and 1)
        return jnp.where(v < -1, -jnp.ones((), v.dtype), jnp.where(v > 1, jnp.ones((), v.dtype), v))
    if jnp.iscomplexobj(c):
        return jax.lax.complex(clip(jnp.real(c)), clip(jnp.imag(c)))
    return clip(c)


def corrcoef(input):
    """Mirrors `torch.corrcoef`."""
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    return _corrcoef_scale(cov(input))


# ----- trapezoid rules -----
def _trap_parts(y, x, dx, dim):
    d = wrap_dim(dim, y.ndim)
    n = y.shape[d]
    left = jax.lax.slice_in_dim(y, 0, max(n - 1, 0), axis=d)
    right = jax.lax.slice_in_dim(y, min(1, n), n, axis=d)
    if x is None:
        return left, right, jnp.asarray(1.0 if dx is None else dx, y.dtype), d
    if x.ndim == 1:
        if x.shape[0] != n:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        step = jnp.diff(x).reshape((1,) * d + (-1,) + (1,) * (y.ndim - d - 1))
    else:
        step = jnp.diff(x, axis=wrap_dim(dim, x.ndim))
    return left, right, step, d


def _trap_check(y, x, name):
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, {type(x).__name__})")
    if y.dtype is D.bool_:
        raise RuntimeError(f"{name}: received a bool input for `y`, but bool is not supported")
    if y.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")


@op(name="_trapezoid", promote="float", method=False, function=False, grad_name="SumBackward1")
def _trapezoid(y: T, x: TO = None, *, dx=None, dim=-1):
    left, right, step, d = _trap_parts(y, x, dx, dim)
    if x is None and y.shape[d] > 0:
        # PyTorch's form for even spacing, (sum - (first + last) / 2) * dx: inf - inf makes NaN where
        # the pairwise sum would give inf.
        ends = jnp.take(y, 0, axis=d) + jnp.take(y, -1, axis=d)
        return (jnp.sum(y, d) - ends * jnp.asarray(0.5, y.dtype)) * step
    return jnp.sum(step * (left + right), d) / 2


@op(name="_cumulative_trapezoid", promote="float", method=False, function=False, grad_name="CumsumBackward0")
def _cumulative_trapezoid(y: T, x: TO = None, *, dx=None, dim=-1):
    left, right, step, d = _trap_parts(y, x, dx, dim)
    return jnp.cumsum(step * (left + right) / 2, d)


def trapezoid(y, x=None, *, dx=None, dim: int = -1):
    """Mirrors `torch.trapezoid`."""
    _trap_check(y, x, "trapezoid")
    dx = dx.item() if isinstance(dx, Tensor) else dx
    if x is not None and x.dtype is D.bool_:
        raise RuntimeError("trapezoid: received a bool input for `x` or `y`, but bool is not supported")
    return _trapezoid(y, x, dx=dx, dim=dim)


def trapz(y, x=None, *, dx=None, dim: int = -1):
    """Mirrors `torch.trapz`."""
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(f"trapz() received an invalid combination of arguments - got (Tensor, {type(x).__name__})")
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim: int = -1):
    """Mirrors `torch.cumulative_trapezoid`."""
    _trap_check(y, x, "cumulative_trapezoid")
    dx = dx.item() if isinstance(dx, Tensor) else dx
    return _cumulative_trapezoid(y, x, dx=dx, dim=dim)


# ----- renorm, sum_to_size, fill -----
@op(inplace=True)
def renorm(input: T, p, dim, maxnorm):
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if not jnp.issubdtype(input.dtype, jnp.inexact):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{D.from_numpy_dtype(input.dtype).legacy}")
    d = wrap_dim(dim, input.ndim)
    axes = tuple(i for i in range(input.ndim) if i != d)
    norm = _vector_norm(input, float(p), axes, True)
    mx = jnp.asarray(maxnorm, norm.dtype)
    # PyTorch scales by maxnorm / (norm + 1e-7) and differentiates through the norm, as this does.
    factor = jnp.where(norm > mx, mx / (norm + jnp.asarray(1e-7, norm.dtype)), jnp.ones((), norm.dtype))
    return input * factor.astype(input.dtype)


def sum_to_size(self, *size):
    """Mirrors `Tensor.sum_to_size`: sums the dims that `size` broadcasts over."""
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    if lead < 0 or any(s != n and s != 1 for s, n in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    if not size:  # (PyTorch sums to a 0-d tensor even from a 0-d input)
        return OPS["sum"](self)
    if size == shape:
        return self
    keep = tuple(lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1)
    out = self
    if keep:
        out = OPS["sum"](out, keep, True)
    if lead:
        out = OPS["sum"](out, tuple(range(lead)))
    return reshape(out, size)


@op(name="_fill", method=False, function=False, grad_name="FillBackward1")
def _fill(input: T, value: TS):
    return jnp.broadcast_to(value.astype(input.dtype), input.shape)


def fill(input, value):
    """Mirrors `torch.fill`: a new tensor like input holding value (a number or 0-d tensor)."""
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                           "dimensions.")
    if isinstance(value, complex) and not input.dtype.is_complex:
        raise RuntimeError(f"value cannot be converted to type {C_NAMES.get(input.dtype.legacy, input.dtype.legacy)} "
                           "without overflow")
    return _fill(input, value)


# ----- scatters: the input with one view's elements replaced by src -----
def _check_src(src, part):
    if tuple(src.shape) != tuple(part.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(part.shape)}")


def _scatter_at(input, src, where):
    """input with input[where] = src, where indexes an arange of input's shape (a view's index map)."""
    idx = where(jnp.arange(input.size, dtype=jnp.int64).reshape(input.shape))
    _check_src(src, idx)
    return input.ravel().at[idx.ravel()].set(src.astype(input.dtype).ravel()).reshape(input.shape)


@op(linear=True)
def select_scatter(input: T, src: T, dim, index):
    return _scatter_at(input, src, lambda a: OPS["select"].fn(a, dim, index))


@op(linear=True)
def slice_scatter(input: T, src: T, dim=0, start=None, end=None, step=1):
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = wrap_dim(dim, input.ndim)
    return _scatter_at(input, src, lambda a: a[(slice(None),) * d + (slice(start, end, step),)])


@op(linear=True)
def diagonal_scatter(input: T, src: T, offset=0, dim1=0, dim2=1):
    return _scatter_at(input, src, lambda a: OPS["diagonal"].fn(a, offset, dim1, dim2))


# ----- *_copy: the view ops' values in a fresh tensor -----
def _clone(x):
    return OPS["clone"](x)


def _copy_op(view_fn, name):
    def fn(input, *args, **kwargs):
        out = view_fn(input, *args, **kwargs)
        return tuple(_clone(o) for o in out) if isinstance(out, tuple) else _clone(out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Mirrors `torch.{name}`."
    return fn


_COPIES = {"t_copy": lambda x: x.t(), "transpose_copy": lambda x, dim0, dim1: x.transpose(dim0, dim1),
           "permute_copy": lambda x, dims: x.permute(dims), "squeeze_copy": lambda x, dim=None: x.squeeze(dim),
           "unsqueeze_copy": lambda x, dim: x.unsqueeze(dim),
           "expand_copy": lambda x, size, *, implicit=False: x.expand(size),
           "diagonal_copy": lambda x, offset=0, dim1=0, dim2=1: x.diagonal(offset, dim1, dim2),
           "unfold_copy": lambda x, dimension, size, step: x.unfold(dimension, size, step),
           "unbind_copy": lambda x, dim=0: unbind(x, dim),
           "split_with_sizes_copy": lambda x, split_sizes, dim=0: split_with_sizes(x, split_sizes, dim),
           "alias_copy": lambda x: x, "view_copy": lambda x, *size: x.view(*size),
           "as_strided_copy": lambda x, size, stride, storage_offset=None: x.as_strided(size, stride, storage_offset)}
for _name, _fn in _COPIES.items():
    globals()[_name] = _copy_op(_fn, _name)
    __all__.append(_name)


def narrow_copy(input, dim: int, start: int, length: int):
    """Mirrors `torch.narrow_copy` (whose checks word some errors unlike narrow's)."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if dim >= input.ndim:
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.")
    n = input.shape[wrap_dim(dim, input.ndim)]
    if length < 0 and -n <= start <= n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _clone(input.narrow(dim, start, length))


__all__.append("narrow_copy")


def _install():
    for name, fn in {"hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit, "split_with_sizes": split_with_sizes,
                     "unsafe_split": unsafe_split, "unsafe_chunk": unsafe_chunk, "cov": cov, "corrcoef": corrcoef,
                     "sum_to_size": sum_to_size, "narrow_copy": narrow_copy}.items():
        install(name, fn)


_install()


def vander(x, N=None, increasing=False):
    """Mirrors `torch.vander`: columns x**(N-1), ..., x**0 (or increasing powers), as running products;
    integer and bool inputs give int64."""
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        x = x.to(D.int64)
    ones = ones_like(x).unsqueeze(1)
    powers = OPS["cat"]([ones, x.unsqueeze(1).expand(x.shape[0], max(n - 1, 0))], 1).cumprod(1)[:, :n]
    return powers if increasing else powers.flip(1)
