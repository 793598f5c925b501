"""Masked reductions and normalizations: `torch.masked.sum(input, dim, *, keepdim, dtype, mask)` and
the rest of PyTorch's masked operators, for strided tensors.

Each operator replaces the masked-out elements of its input by the identity of the reduction it runs
(0 for sum, 1 for prod, -inf for amax and logsumexp, NaN for median, ...), then runs the ordinary
torchlike operator. Everything is composed from registry ops (`where`, the reductions, casts), so
gradients, double backward and the dtype rules are those ops' own. A slice whose elements are all
masked out comes out as the identity itself where one exists (sum 0, amax -inf), and NaN where the
operator has none (mean, var, std, softmax, median of floats).
"""
from __future__ import annotations

import math

import torchlike as _t

from .. import _dtype as D
from .._engine.op import OPS as _OPS
from .maskedtensor import is_masked_tensor

__all__ = ["amax", "amin", "argmax", "argmin", "cumprod", "cumsum", "log_softmax", "logaddexp", "logsumexp",
           "mean", "median", "norm", "normalize", "prod", "softmax", "softmin", "std", "sum", "var"]

# Input dtypes whose sums and products PyTorch widens to int64 when no dtype is given.
_WIDENED = ("bool", "uint8", "int8", "int16", "int32")


def _op(name):
    return _OPS[name]


# ----- dims, masks and identities -----
def _canonical_dim(dim, ndim: int) -> tuple:
    """The reduced dims, sorted and wrapped: all dims for None or () (as PyTorch's masked ops read an
    empty dim list), with PyTorch's errors for a repeated or out-of-range dim."""
    if dim == () or dim is None:
        return tuple(range(ndim))
    n = max(ndim, 1)
    dims: list = []
    for d in ((dim,) if isinstance(dim, int) else dim):
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        dims.append(d % n)
    return tuple(sorted(dims))


def _single_dim(dim, ndim: int) -> int:
    dims = _canonical_dim(dim, ndim)
    if not dims:  # (a 0-d input without a dim: PyTorch indexes an empty tuple)
        raise IndexError("tuple index out of range")
    return dims[0]


def _strided(input, name: str) -> None:
    layout = getattr(input, "layout", None)
    if layout is not None and str(layout) != "torch.strided":
        raise NotImplementedError(f"torchlike.masked.{name} supports strided tensors only (got {layout} tensor)")


def _input_mask(input, mask):
    """mask as a bool tensor of input's shape: broadcast (never to more dims than input has), then cast."""
    if mask.shape != input.shape:
        if mask.ndim > input.ndim:
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher than of the "
                             "input)")
        mask = _t.broadcast_to(mask, input.shape)
    return mask.to(dtype=D.bool_)


def _identity(name: str, input, *args):
    """The value a masked-out element takes in the reduction `name`: one that leaves the result as it is."""
    t = input.dtype
    if name in ("sum", "cumsum"):
        return 0
    if name in ("prod", "cumprod"):
        return 1
    if name in ("amax", "argmax", "logaddexp", "logsumexp"):
        if t.is_floating_point:
            return -math.inf
        if t.is_complex and name == "logsumexp":
            return complex(-math.inf, 0.0)
        if t.is_signed or t is D.uint8:
            return D.iinfo(t).min
    elif name in ("amin", "argmin"):
        if t.is_floating_point:
            return math.inf
        if t.is_signed or t is D.uint8:
            return D.iinfo(t).max
    elif name == "norm":
        if (args[0] if args else 2) == -math.inf:
            if not t.is_floating_point:
                raise AssertionError(f"input must be floating point, got {t}")
            return math.inf
        return 0
    elif name == "median":
        return math.nan
    raise NotImplementedError(f"identity of {name} on {t} input")


def _combine(name: str, input, mask, *args):
    """input with its masked-out elements replaced by the identity of `name` (input itself without a mask).
    A MaskedTensor brings its own mask, which wins over mask= as in PyTorch."""
    if is_masked_tensor(input):
        input, mask = input._masked_data, input._masked_mask
    if mask is None:
        return input
    keep = _input_mask(input, mask)
    fill = _t.full((), _identity(name, input, *args), dtype=input.dtype, device=input.device)
    return _op("where")(keep, input, fill)


def _count(input, dim, keepdim: bool, mask):
    """How many elements each reduced slice keeps (int64)."""
    if mask is None:
        ones = _t.ones(tuple(input.shape), dtype=D.int64, device=input.device)
        return sum(ones, dim, keepdim=keepdim)
    return _input_mask(input, mask).sum(dim=dim, keepdim=bool(keepdim))


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype
    return D.int64 if input.dtype.name in _WIDENED else input.dtype


# ----- reductions -----
def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.sum`: masked-out elements count as 0."""
    _strided(input, "sum")
    dtype = _sum_dtype(input, dtype)
    dims = _canonical_dim(dim, input.ndim)
    return _op("sum")(_combine("sum", input, mask), dims, bool(keepdim), dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.prod`: masked-out elements count as 1. Dims are reduced one at a time, last
    first, as PyTorch does (its prod takes one dim), which also fixes the gradient at zeros."""
    _strided(input, "prod")
    dtype = _sum_dtype(input, dtype)
    dims = _canonical_dim(dim, input.ndim)
    out = _combine("prod", input, mask).to(dtype=dtype)
    for d in reversed(dims):
        # (A 0-d tensor's product is itself; PyTorch's backward passes the gradient straight through,
        # so a create_graph gradient does not depend on the input.)
        out = _op("prod")(out, d, bool(keepdim)) if out.ndim else out.clone()
    return out


def cumsum(input, dim, *, dtype=None, mask=None):
    """Mirrors `torch.masked.cumsum`: the dtype stays the input's unless one is given."""
    _strided(input, "cumsum")
    dtype = dtype or input.dtype
    d = _single_dim(dim, input.ndim)
    return _op("cumsum")(_combine("sum", input, mask), d, dtype=dtype).to(dtype=dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    """Mirrors `torch.masked.cumprod`."""
    _strided(input, "cumprod")
    dtype = dtype or input.dtype
    d = _single_dim(dim, input.ndim)
    return _op("cumprod")(_combine("prod", input, mask), d, dtype=dtype).to(dtype=dtype)


def _extreme(name, input, dim, keepdim, dtype, mask):
    _strided(input, name)
    dtype = dtype or input.dtype
    x = _combine(name, input, mask)
    return _op(name)(x, _canonical_dim(dim, x.ndim), bool(keepdim)).to(dtype=dtype)


def amax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.amax`: masked-out elements count as -inf (the dtype's minimum for integers)."""
    return _extreme("amax", input, dim, keepdim, dtype, mask)


def amin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.amin`: masked-out elements count as +inf (the dtype's maximum for integers)."""
    return _extreme("amin", input, dim, keepdim, dtype, mask)


def _arg_extreme(name, input, dim, keepdim, dtype, mask):
    _strided(input, name)
    dtype = dtype or input.dtype
    # PyTorch casts the indices to the input's dtype when no dtype is given.
    return _op(name)(_combine(name, input, mask), dim, bool(keepdim)).to(dtype=dtype)


def argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.argmax` (indices in the input's dtype unless dtype says otherwise)."""
    return _arg_extreme("argmax", input, dim, keepdim, dtype, mask)


def argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.argmin` (indices in the input's dtype unless dtype says otherwise)."""
    return _arg_extreme("argmin", input, dim, keepdim, dtype, mask)


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.mean`: the sum of the kept elements over their count (NaN where none is kept)."""
    _strided(input, "mean")
    source = "Optional"
    if dtype is None:
        dtype, source = input.dtype, "Input"
    if not (dtype.is_floating_point or dtype.is_complex):
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either a floating point or "
                         f"complex dtype. Got: {dtype}")
    if mask is not None:
        mask = _input_mask(input, mask)
    count = _count(input, dim, keepdim, mask)
    total = sum(input, dim, keepdim=keepdim, dtype=dtype, mask=mask)
    return total / count


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.median` (nanmedian over the kept elements; NaN for a fully masked float slice)."""
    _strided(input, "median")
    dtype = dtype or input.dtype
    d = _single_dim(dim, input.ndim)
    floating = input.dtype.is_floating_point
    if not floating:
        input = input.to(dtype=D.float32)
    out = _t.nanmedian(_combine("median", input, mask), d, bool(keepdim)).values
    if floating:
        return out
    if bool(_op("isnan")(out).any()):
        raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")
    return out.to(dtype=dtype)


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.logsumexp`: masked-out elements count as -inf; the result is cast to dtype
    (the input's by default, so an integer input gives an integer result)."""
    _strided(input, "logsumexp")
    dtype = dtype or input.dtype
    dims = _canonical_dim(dim, input.ndim)
    return _op("logsumexp")(_combine("logsumexp", input, mask), dims, keepdim=keepdim).to(dtype=dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """Mirrors `torch.masked.logaddexp`: each operand's masked-out elements count as -inf."""
    _strided(input, "logaddexp")
    _strided(other, "logaddexp")
    dtype = dtype or input.dtype
    a = _combine("logaddexp", input, input_mask)
    b = _combine("logaddexp", other, other_mask)
    return _LogAddExp.apply(a, b).to(dtype=dtype)


class _LogAddExp(_t.autograd.Function):
    """logaddexp whose backward is PyTorch's formula, grad / (1 + exp(other - input)), written in
    differentiable ops: at a masked-out (-inf) operand its second derivative is NaN, as in PyTorch,
    where the registry op's gives 0. Masking makes -inf operands common, so the difference shows."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _op("logaddexp")(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = grad / (1 + _op("exp")(b - a))
        gb = grad / (1 + _op("exp")(a - b))
        return (ga.sum_to_size(tuple(a.shape)).to(dtype=a.dtype), gb.sum_to_size(tuple(b.shape)).to(dtype=b.dtype))


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.norm`: a vector norm with masked-out elements counted as 0 (as +inf for
    ord=-inf)."""
    _strided(input, "norm")
    dtype = dtype or input.dtype
    x = _combine("norm", input, mask, ord)
    dims = _canonical_dim(dim, input.ndim)
    return _t.linalg.vector_norm(x, ord, dims, bool(keepdim), dtype=dtype)


def _std_var(name, input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt):
    _strided(input, name)
    if unbiased is not None and correction is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    corr = 1.0
    if unbiased is not None:
        corr = 1.0 if unbiased else 0.0
    if correction is not None:
        corr = float(correction)
    if dtype is None:
        dtype = input.dtype
        if not (dtype.is_floating_point or dtype.is_complex):
            dtype = D.float32
    compute = dtype if dtype.is_floating_point or dtype.is_complex else D.float32
    if mask is not None:
        mask = _input_mask(input, mask)
    count = _count(input, dim, True, mask)
    # A MaskedTensor's own mask picks the elements summed; the count follows mask= (all elements
    # without one), as PyTorch computes it.
    data, own = (input._masked_data, input._masked_mask) if is_masked_tensor(input) else (input, mask)
    centered = data - sum(input, dim, keepdim=True, dtype=dtype, mask=mask) / count
    total = sum(centered * centered.conj(), dim, keepdim=keepdim, dtype=compute, mask=own)
    if not keepdim:
        count = count.reshape(tuple(total.shape))
    if corr != 0:
        count = count.to(dtype=compute.to_real()) - corr
        count = _op("maximum")(count, _t.zeros((), dtype=count.dtype, device=count.device))
    out = (total / count).to(dtype=dtype)
    return _op("sqrt")(out) if take_sqrt else out


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.var` (NaN for a fully masked slice; float32 for integer inputs)."""
    return _std_var("var", input, dim, unbiased, correction, keepdim, dtype, mask, False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """Mirrors `torch.masked.std` (NaN for a fully masked slice; float32 for integer inputs)."""
    return _std_var("std", input, dim, unbiased, correction, keepdim, dtype, mask, True)


# ----- normalizations -----
def _softmax_like(name, fill, input, dim, dtype, mask):
    _strided(input, name)
    dtype = dtype or input.dtype
    d = _single_dim(dim, input.ndim)
    return getattr(_t.nn.functional, name)(_combine(fill, input, mask), d, dtype=dtype)


def softmax(input, dim, *, dtype=None, mask=None):
    """Mirrors `torch.masked.softmax`: masked-out elements get 0 (a fully masked slice NaN)."""
    return _softmax_like("softmax", "amax", input, dim, dtype, mask)


def log_softmax(input, dim, *, dtype=None, mask=None):
    """Mirrors `torch.masked.log_softmax`: masked-out elements get -inf (a fully masked slice NaN)."""
    return _softmax_like("log_softmax", "amax", input, dim, dtype, mask)


def softmin(input, dim, *, dtype=None, mask=None):
    """Mirrors `torch.masked.softmin`: masked-out elements get 0 (a fully masked slice NaN)."""
    return _softmax_like("softmin", "amin", input, dim, dtype, mask)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    """Mirrors `torch.masked.normalize`: the kept elements over their ord-norm (at least eps); masked-out
    elements become 0."""
    _strided(input, "normalize")
    dtype = dtype or input.dtype
    x = _combine("sum", input, mask)
    nrm = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    denom = _op("maximum")(nrm, nrm.new_full([], eps))
    return _op("div")(x, denom)
