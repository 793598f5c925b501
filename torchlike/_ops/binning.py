"""Binning and search: histc, histogram, bincount, bucketize, searchsorted, isin, unravel_index.

None of these is differentiable in PyTorch. Output sizes that depend on values (bincount's length,
histogram ranges taken from the data) and PyTorch's value checks are read on the host."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .. import _dtype as D
from .. import return_types as RT
from .._autograd import Node, edge_of, is_grad_enabled
from .._device import to_jax
from .._tensor import Tensor, concrete
from .._dtype import C_NAMES
from .._engine.op import T, TL, TO, TS, op

__all__ = ["bincount", "bucketize", "histc", "histogram", "histogramdd", "isin", "searchsorted", "unravel_index"]


def _result_type(name: str, fields: str):
    """A named result type kept in torchlike.return_types, as PyTorch's torch.return_types.<name>."""
    if not hasattr(RT, name):
        setattr(RT, name, RT._make(name, fields))
        setattr(RT, name + "_out", RT._make(name + "_out", fields))
    return getattr(RT, name)


_result_type("histogram", "hist bin_edges")
_result_type("histogramdd", "hist bin_edges")


def _not_implemented(kernel: str, d: D.dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{d.legacy}\'')


def _shape_str(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _g(v: float) -> str:
    """A double as C++'s ostream prints it (what PyTorch's messages show)."""
    return "%g" % v


def _host(t: Tensor) -> np.ndarray:
    return np.asarray(t._data)


def _beside(a, t: Tensor) -> Tensor:
    """A host-made array as a tensor on t's device."""
    return Tensor._wrap(jax.device_put(np.asarray(a), to_jax(t.device)))


class _NoDerivative(Node):
    """The node PyTorch gives the floating outputs of an op it defines no derivative for: the outputs
    require grad, and a backward through them fails."""

    def __init__(self, aten: str, inputs, n_outputs: int):
        super().__init__("torch::autograd::NotImplemented", [edge_of(t) for t in inputs], False, n_outputs)
        self.aten = aten

    def apply(self, grads, create_graph):
        raise RuntimeError(f"derivative for aten::{self.aten} is not implemented")


def _no_derivative(aten: str, inputs, outputs) -> None:
    inputs = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    if not inputs or not is_grad_enabled():
        return
    node = _NoDerivative(aten, inputs, len(outputs))
    for nr, t in enumerate(outputs):
        t._requires_grad, t.grad_fn, t._output_nr = True, node, nr


# ----- binary search with PyTorch's comparisons -----
def _search(seq, vals, right: bool, sorter=None):
    """For each value, the insertion point in the last dim of seq (1-D, or matching vals' leading dims).

    PyTorch bisects with `!(mid >= v)` (left) or `!(mid > v)` (right) steering to the upper half, so a
    NaN value, or a NaN in the sequence, moves the search right; the same loop keeps that exactly."""
    n = seq.shape[-1]
    lo = jnp.zeros(vals.shape, jnp.int64)
    hi = jnp.full(vals.shape, n, jnp.int64)
    for _ in range(n.bit_length()):
        mid = (lo + hi) // 2
        j = jnp.minimum(mid, n - 1)
        if sorter is not None:
            j = sorter[j] if sorter.ndim == 1 else jnp.take_along_axis(sorter, j, axis=-1)
        mv = seq[j] if seq.ndim == 1 else jnp.take_along_axis(seq, j, axis=-1)
        up = ~(mv > vals) if right else ~(mv >= vals)
        active = lo < hi
        lo = jnp.where(active & up, mid + 1, lo)
        hi = jnp.where(active & ~up, mid, hi)
    return lo


@op(name="_searchsorted", method=False, function=False, differentiable=False)
def _searchsorted(sorted_sequence: T, input: TS, sorter: TO = None, right=False, out_int32=False, ct=None, *,
                  out=None):
    seq, vals = sorted_sequence.astype(ct), input.astype(ct)
    if seq.ndim > 1 and vals.ndim == 0:
        vals = vals.reshape((1,) * seq.ndim)
    idx = _search(seq, vals, right, sorter)
    return idx.astype(jnp.int32 if out_int32 else jnp.int64).reshape(input.shape)


def _compare_dtype(a, b, name: str) -> D.dtype:
    ct = D.result_dtype([a, b])
    if ct is D.bool_:
        raise _not_implemented(name, ct)
    return ct


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """Mirrors `torch.searchsorted`."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if side == "left" and right:
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    if sorter is not None:
        if sorter.dtype is not D.int64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                               f"{sorter.dtype.legacy}")
        if tuple(sorter.shape) != tuple(sorted_sequence.shape):
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {_shape_str(sorted_sequence.shape)}and got sorter tensor "
                               f"{_shape_str(sorter.shape)}")
    bd = sorted_sequence
    if bd.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    scalar = not isinstance(input, Tensor)
    if bd.ndim > 1:
        if scalar:
            raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({bd.ndim}) and input value's "
                               f"dim(0) numel(1)")
        if input.ndim != bd.ndim or tuple(input.shape[:-1]) != tuple(bd.shape[:-1]):
            raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               f"dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {_shape_str(bd.shape)} and input value tensor "
                               f"{_shape_str(input.shape)}")
    if sorter is not None and sorter.numel() and concrete(sorter):
        s = _host(sorter)
        if s.min() < 0 or s.max() >= bd.shape[-1]:
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
    ct = _compare_dtype(bd, input, "searchsorted_out_cpu")
    return _searchsorted(bd, input, sorter, bool(right), bool(out_int32), ct.np.name, out=out)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """Mirrors `torch.bucketize`: searchsorted with the arguments swapped and 1-D boundaries."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    ct = _compare_dtype(boundaries, input, "searchsorted_out_cpu")
    return _searchsorted(boundaries, input, None, bool(right), bool(out_int32), ct.np.name, out=out)


# ----- bincount -----
@op(name="_bincount", method=False, function=False, differentiable=False)
def _bincount(input: T, weights: TO = None, length=0, wdt=None):
    if weights is None:
        return jnp.zeros(length, jnp.int64).at[input].add(1)
    return jnp.zeros(length, wdt).at[input].add(weights.astype(wdt))


def bincount(input, weights=None, minlength=0):
    """Mirrors `torch.bincount`: float32 weights give float32 counts, other weights float64."""
    if input.dtype.category != D.INT:
        raise _not_implemented("bincount_cpu", input.dtype)
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.ndim == 1 and input.numel() == 0:
        return _bincount(input, None, int(minlength))
    one_d = "bincount only supports 1-d non-negative integral inputs."
    if input.ndim != 1:
        raise RuntimeError(one_d)
    a = _host(input)
    if a.min() < 0:
        raise RuntimeError(one_d)
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    length = max(int(a.max()) + 1, int(minlength))
    wdt = None if weights is None else ("float32" if weights.dtype is D.float32 else "float64")
    res = _bincount(input, weights, length, wdt)
    _no_derivative("bincount", [weights], [res])
    return res


# ----- histograms -----
def _two_prod(a, b):
    """a * b as an unevaluated sum p + e, exactly (Dekker's product; numpy does not fuse operations)."""
    p = a * b

    def split(x):
        t = 134217729.0 * x  # 2**27 + 1
        hi = t - (t - x)
        return hi, x - hi
    (a1, a2), (b1, b2) = split(a), split(b)
    return p, ((a1 * b1 - p) + a1 * b2 + a2 * b1) + a2 * b2


def _fma(a, b, c, nd):
    """a * b + c rounded once to nd, as a fused multiply-add computes it."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    if nd == np.float32:  # a product of a float32 and an int below 2**29 is exact in float64
        return (a * b + c).astype(nd)
    p, e = _two_prod(a, b)
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)
    return (s + (t + e)).astype(nd)


def _edges(lo: float, hi: float, n: int, nd) -> np.ndarray:
    """n + 1 edges from lo to hi, as PyTorch's CPU linspace makes them: the first half counted up from lo
    and the second half down from hi, each as one fused multiply-add of the step."""
    lo, hi = nd(lo), nd(hi)
    step = nd((hi - lo) / nd(n))
    k = np.arange(n + 1)
    first = k < (n + 1) // 2
    return _fma(np.where(first, step, -step), np.where(first, k, n - k), np.where(first, lo, hi), nd)


def _accumulate(pos, keep, weight, n: int, dtype):
    w = jnp.ones(pos.shape, dtype) if weight is None else weight.reshape(-1).astype(dtype)
    return jnp.zeros(n, dtype).at[jnp.where(keep, pos, 0)].add(jnp.where(keep, w, jnp.zeros((), dtype)))


@op(name="_histc", method=False, function=False, differentiable=False)
def _histc(input: T, lo: T, hi: T, bins=100, *, out=None):
    x, dt = input.reshape(-1), input.dtype
    nb = jnp.asarray(bins, dt)
    # histc places a value by linear interpolation over [lo, hi] (no search among the edges).
    # (XLA would turn the division by a broadcast scalar into a product with its reciprocal, which
    # rounds differently on the edges: the barrier keeps PyTorch's exact operations.)
    num, den = jax.lax.optimization_barrier(((x - lo) * nb, jnp.broadcast_to(hi - lo, x.shape)))
    pos = jnp.where(jnp.isfinite(x), num / den, 0).astype(jnp.int64)
    pos = jnp.where(pos == bins, bins - 1, pos)
    return _accumulate(pos, (x >= lo) & (x <= hi), None, bins, dt)


def _float_only(input, kernel):
    if input.dtype is D.bool_:
        raise _not_implemented("linspace_cpu", input.dtype)
    if input.dtype.category != D.FLOAT:
        raise _not_implemented(kernel, input.dtype)


def _check_bins(n) -> None:
    if n <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {n} for dimension 0")


def _data_range(input, default):
    """The input's (min, max) as Python floats (NaN when it holds one), or default when it is empty."""
    if input.numel() == 0:
        return default
    a = _host(input)
    if np.isnan(a).any():
        return float("nan"), float("nan")
    return float(a.min()), float(a.max())


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Mirrors `torch.histc`: min == max takes the data's range, widened by 1 each way if it is one value."""
    if not isinstance(bins, int) or isinstance(bins, bool):
        raise TypeError(f"histc(): argument 'bins' (position 2) must be int, not {type(bins).__name__}")
    _float_only(input, "histogram_cpu")
    _check_bins(bins)
    lo, hi = float(min), float(max)
    if lo == hi:
        lo, hi = _data_range(input, (lo, hi))
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_g(lo)}, {_g(hi)}] is not finite")
    if lo >= hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    dt = input.dtype.np
    return _histc(input, _beside(dt.type(lo), input), _beside(dt.type(hi), input), bins, out=out)


@op(name="_histogramdd", method=False, function=False, differentiable=False)
def _histogramdd(input: T, edges: TL, weight: TO = None, density=False, *, out=None):
    dims, dt = len(edges), input.dtype
    x = input.reshape(-1, dims)
    n = tuple(e.shape[0] - 1 for e in edges)
    flat = jnp.zeros(x.shape[0], jnp.int64)
    keep = jnp.ones(x.shape[0], bool)
    for d, e in enumerate(edges):
        col = x[:, d]
        # The bin is the last edge <= the value; a value on the last edge goes in the last bin.
        pos = _search(e, col, True) - 1
        pos = jnp.where(pos == n[d], n[d] - 1, pos)
        keep = keep & (col >= e[0]) & (col <= e[-1])
        flat = flat * n[d] + jnp.clip(pos, 0, n[d] - 1)
    size = int(np.prod(n, dtype=np.int64))
    hist = _accumulate(flat, keep, weight, size, dt).reshape(n)
    if density:
        hist = hist / jnp.sum(hist)
        for d, e in enumerate(edges):
            hist = hist / (e[1:] - e[:-1]).reshape((-1,) + (1,) * (dims - d - 1))
    return (hist, *edges)


_PRE = "torch.histogramdd: "


def _check_weight(input, weight, shown) -> None:
    """weight must have input's shape without its innermost dimension; `shown` is the input's shape
    as PyTorch names it (histogram sees its input as a column)."""
    if weight is None:
        return
    if tuple(weight.shape) != tuple(shown[:-1]):
        raise RuntimeError(f"{_PRE}if weight tensor is provided it should have the same shape as the input tensor "
                           f"excluding its innermost dimension, but got input with shape {_shape_str(shown)} "
                           f"and weight with shape {_shape_str(weight.shape)}")
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"{_PRE}if weight tensor is provided, input tensor and weight tensor should have the "
                           f"same dtype, but got input({C_NAMES[input.dtype.legacy]}), and "
                           f"weight({C_NAMES[weight.dtype.legacy]})")


def _tensor_edges(input, bins, d: int):
    if bins.ndim != 1:
        raise RuntimeError(f"{_PRE}bins tensor should have one dimension, but got {bins.ndim} dimensions in the "
                           f"bins tensor for dimension {d}")
    if bins.numel() - 1 <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins.numel() - 1} for dimension {d}")
    if bins.dtype is not input.dtype:
        raise RuntimeError(f"{_PRE}input tensor and bins tensors should have the same dtype, but got input with "
                           f"dtype {C_NAMES[input.dtype.legacy]} and bins for dimension {d} with dtype "
                           f"{C_NAMES[bins.dtype.legacy]}")
    return bins


def _int_edges(input, cols, bins: int, rng, d: int):
    """Equal-width edges for dimension d over rng, or over the data's range (NaN in it is an error)."""
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension {d}")
    if rng is not None:
        lo, hi = float(rng[0]), float(rng[1])
    elif cols is None or cols.shape[0] == 0:
        lo, hi = 0.0, 1.0
    elif np.isnan(cols[:, d]).any():
        lo = hi = float("nan")
    else:
        lo, hi = float(cols[:, d].min()), float(cols[:, d].max())
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"{_PRE}dimension {d}'s range [{_g(lo)}, {_g(hi)}] is not finite")
    if lo > hi:
        raise RuntimeError(f"{_PRE}min should not exceed max, but got min {_g(lo)} max {_g(hi)} for dimension {d}")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    return _beside(_edges(lo, hi, bins, input.dtype.np.type), input)


def _all_edges(input, dims: int, bins, range):
    """One edges tensor per innermost dimension of input (seen as rows of `dims` values)."""
    if isinstance(bins, (list, tuple)) and bins and all(isinstance(b, Tensor) for b in bins):
        if len(bins) != dims:
            raise RuntimeError(f"{_PRE}expected {dims} sequences of bin edges for a {dims}-dimensional histogram "
                               f"but got {len(bins)}")
        return [_tensor_edges(input, b, d) for d, b in enumerate(bins)]
    counts = [bins] * dims if isinstance(bins, int) else list(bins)
    if len(counts) != dims:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    if range is not None and len(range) != 2 * dims:
        raise RuntimeError(f"{_PRE}for a {dims}-dimensional histogram range should have {2 * dims} elements, but "
                           f"got {len(range)}")
    cols = _host(input).reshape(-1, dims) if range is None and input.numel() else None
    return [_int_edges(input, cols, int(b), None if range is None else range[2 * d:2 * d + 2], d)
            for d, b in enumerate(counts)]


_BAD_COMBINATION = ("histogram() received an invalid combination of arguments - got (Tensor, Tensor, range=tuple), "
                    "but expected one of:\n * (Tensor input, Tensor bins, *, Tensor weight = None, bool density = "
                    "False, tuple of Tensors out = None)\n * (Tensor input, int bins = 100, *, tuple of floats range "
                    "= None, Tensor weight = None, bool density = False, tuple of Tensors out = None)")


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """Mirrors `torch.histogram`: (hist, bin_edges) over bins equal-width bins or the given edges."""
    _float_only(input, "histogramdd")
    if isinstance(bins, Tensor):
        if range is not None:
            raise TypeError(_BAD_COMBINATION)
        bins = [bins]
    elif not isinstance(bins, int) or isinstance(bins, bool):
        raise TypeError(f"histogram(): argument 'bins' must be int or Tensor, not {type(bins).__name__}")
    flat = input.reshape(-1, 1)
    if weight is not None and weight.numel() != input.numel():
        _check_weight(input, weight, tuple(flat.shape))
    _check_weight(input, None if weight is None else weight.reshape(-1), tuple(flat.shape))
    edges = _all_edges(flat, 1, bins, range)
    res = _histogramdd(flat, edges, weight, bool(density), out=out)
    if out is None:
        _no_derivative("histogram", [input, weight, *edges], res)
    return (_result_type("histogram_out", "hist bin_edges") if out is not None else RT.histogram)(*res)


def histogramdd(input, bins=10, *, range=None, weight=None, density=False):
    """Mirrors `torch.histogramdd`: a histogram over the rows of input's innermost dimension."""
    _float_only(input, "histogramdd")
    if input.ndim < 2:
        raise RuntimeError(f"{_PRE}input tensor should have at least 2 dimensions")
    dims = input.shape[-1]
    _check_weight(input, weight, tuple(input.shape))
    edges = _all_edges(input, dims, bins, range)
    if dims == 0:
        return RT.histogramdd(_beside(np.zeros((), input.dtype.np), input), ())
    given = isinstance(edges[0], Tensor) and edges[0] is (bins[0] if isinstance(bins, (list, tuple)) else None)
    hist, *edges = _histogramdd(input, edges, weight, bool(density))
    if given:  # edges given as tensors: only the counts take the node, and the edges are returned as given
        _no_derivative("_histogramdd_from_bin_tensors", [input, weight, *bins], [hist])
        return RT.histogramdd(hist, tuple(bins))
    _no_derivative("_histogramdd_from_bin_cts", [input, weight], [hist, *edges])
    return RT.histogramdd(hist, tuple(edges))


# ----- isin -----
@op(name="_isin", method=False, function=False, differentiable=False)
def _isin(elements: TS, test_elements: TS, invert=False, ct=None, *, out=None):
    x, t = elements.astype(ct), test_elements.astype(ct).reshape(-1)
    if jnp.issubdtype(ct, jnp.floating):  # -0.0 and 0.0 are equal: one key for both in the sorted table
        x, t = x + jnp.zeros((), ct), t + jnp.zeros((), ct)
    if t.shape[0] == 0:
        found = jnp.zeros(x.shape, bool)
    else:
        table = jnp.sort(t)
        i = jnp.clip(jnp.searchsorted(table, x), 0, t.shape[0] - 1)
        found = table[i] == x
    return ~found if invert else found


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """Mirrors `torch.isin`; either side may be a Python number."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got ({type(elements).__name__}, "
                        f"{type(test_elements).__name__}), but expected one of:\n * (Tensor elements, Tensor "
                        f"test_elements, *, bool assume_unique = False, bool invert = False, Tensor out = None)\n * "
                        f"(Number element, Tensor test_elements, *, bool assume_unique = False, bool invert = False, "
                        f"Tensor out = None)\n * (Tensor elements, Number test_element, *, bool assume_unique = "
                        f"False, bool invert = False, Tensor out = None)\n")
    for v in (elements, test_elements):
        if (v.dtype if isinstance(v, Tensor) else D.scalar_dtype(v)) is D.bool_:
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    ct = D.result_dtype([elements, test_elements])
    return _isin(elements, test_elements, bool(invert), ct.np.name, out=out)


# ----- unravel_index -----
@op(name="_unravel_index", method=False, function=False, differentiable=False)
def _unravel_index(indices: T, coefs=(), dims=()):
    i = indices.astype(jnp.int64)
    return tuple(jnp.floor_divide(i, c) % d for c, d in zip(coefs, dims))


def unravel_index(indices, shape):
    """Mirrors `torch.unravel_index`: a tuple of int64 index tensors, one per dimension of shape
    (floor division and modulo, so out-of-range and negative indices wrap as in PyTorch)."""
    if not isinstance(indices, Tensor):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'is_complex'")
    if indices.dtype.category != D.INT:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    elif not isinstance(shape, (tuple, list)):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    for d in shape:
        if not isinstance(d, int):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(d)}")
    shape = tuple(int(d) for d in shape)
    if any(d < 0 for d in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    coefs, acc = [], 1
    for d in reversed(shape):
        coefs.append(acc)
        acc *= d
    coefs.reverse()
    if any(c >= 2 ** 63 for c in coefs):
        raise RuntimeError("Overflow when unpacking long")
    if 0 in shape and indices.numel() > 0:
        raise RuntimeError("ZeroDivisionError")
    if not shape:
        return ()
    return _unravel_index(indices, tuple(coefs), shape)


def _install():
    install("bincount", lambda self, weights=None, minlength=0: bincount(self, weights, minlength))
    install("histc", lambda self, bins=100, min=0, max=0, *, out=None: histc(self, bins, min, max, out=out))
    install("histogram", lambda self, bins=100, **kw: histogram(self, bins, **kw))
    for name in ("bincount", "histc", "histogram"):
        getattr(Tensor, name).__name__ = name
        getattr(Tensor, name).__doc__ = f"Mirrors `torch.Tensor.{name}`."


_install()
