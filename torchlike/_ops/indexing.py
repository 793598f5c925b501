"""Tensor.__getitem__/__setitem__ with PyTorch's rules: ints, slices, None, Ellipsis give views;
integer tensors, lists and bool masks index advanced-style (numpy's placement rules, as PyTorch).
Value-dependent checks (index bounds) read the indices on the host before the kernel runs."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import assign, check_inplace, has_internal_overlap, install
from .._engine.grad_name import GradName
from .. import _dtype as D
from .._tensor import Tensor
from .._engine.op import TL, TS, T, op
from .creation import check_scalar_fits, tensor

_INVALID = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
            "(got {})")


class _Slot:
    """Where the i-th index tensor goes in the index template."""
    __slots__ = ("i",)

    def __init__(self, i):
        self.i = i

    def __eq__(self, o):
        return isinstance(o, _Slot) and o.i == self.i

    def __hash__(self):
        return hash(("slot", self.i))


def _build(template, arrays):
    return tuple(arrays[x.i] if isinstance(x, _Slot) else x for x in template)


def _basic_name(name="SliceBackward0", **_):
    return name


_basic_name = GradName.static(_basic_name)


@op(name="_basic_index", method=False, view=True, linear=True, grad_name=_basic_name)
def _basic_index(input: T, template, name="SliceBackward0"):
    return input[template]


# An int index runs op by op in JAX: its indexing passes the int to dynamic_slice as an operand, so a loop
# over x[i] compiles nothing per i (a jitted kernel per i would compile one program each, ~50 ms).
_basic_index.eager_forward = lambda template, **_: any(x.__class__ is int for x in template)


def _apply(x, template, indices):
    """Index x with a basic template, or a (basic, advanced) pair applied one after the other."""
    if len(template) == 2 and isinstance(template[0], tuple) and isinstance(template[1], tuple):
        return x[template[0]][_build(template[1], indices)]
    return x[template]


@op(name="_advanced_index", method=False, linear=True, grad_name="IndexBackward0")
def _advanced_index(input: T, indices: TL, template):
    return _apply(input, template, indices)


@jax.custom_vjp
def put(x, at, vals):
    """x.at[at].set(vals) whose gradient is PyTorch's: vals get the output gradient at their positions even
    when positions repeat (JAX would give it only to the update that won)."""
    return x.at[at].set(vals)


def _put_fwd(x, at, vals):
    return put(x, at, vals), at


def _put_bwd(at, g):
    return g.at[at].set(0), None, g[at]


put.defvjp(_put_fwd, _put_bwd)


def _fit_value(value, target, basic):
    """Broadcast a setitem value to the indexed shape; leading size-1 dims of the value are dropped first."""
    while value.ndim > len(target) and value.shape[0] == 1:
        value = value[0]
    try:
        return jnp.broadcast_to(value, target)
    except ValueError:
        if basic:
            raise RuntimeError(f"The expanded size of the tensor ({target[-1] if target else 1}) must match the "
                               f"existing size ({value.shape[-1]}) at non-singleton dimension {len(target) - 1}.  "
                               f"Target sizes: {list(target)}.  Tensor sizes: {list(value.shape)}") from None
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}") from None


@op(name="_index_put", method=False, linear=True, grad_name=_basic_name)
def _index_put(input: T, value: TS, indices: TL, template, accumulate=False, name="IndexPutBackward0"):
    if _plain_basic(template) and not indices and not accumulate:
        # ints and slices address distinct elements: a plain scatter, with no index map of the whole input
        target = input[template]
        return input.at[template].set(_fit_value(value.astype(input.dtype), target.shape, name == "CopySlices"))
    flat = _apply(jnp.arange(input.size, dtype=jnp.int64).reshape(input.shape), template, indices)
    value = _fit_value(value.astype(input.dtype), flat.shape, name == "CopySlices").reshape(-1)
    x, at = input.reshape(-1), flat.reshape(-1)
    if not accumulate:
        return put(x, at, value).reshape(input.shape)
    # accumulating into bool is a logical or, as in PyTorch
    return (x.at[at].max(value) if x.dtype == jnp.bool_ else x.at[at].add(value)).reshape(input.shape)


def _plain_basic(template) -> bool:
    """A basic template of ints, slices and Ellipsis only (no None, no index tensors)."""
    return (isinstance(template, tuple) and not (len(template) == 2 and isinstance(template[0], tuple))
            and all(x.__class__ in (int, slice) or x is Ellipsis for x in template))


_index_put.eager_forward = lambda template, accumulate=False, **_: (
    not accumulate and _plain_basic(template) and any(x.__class__ is int for x in template))


# ----- index normalization -----
def _host_minmax(a):
    """(min, max) of an index array on the host, or None when it cannot be read (traced, empty)."""
    if isinstance(a, jax.core.Tracer) or a.size == 0:
        return None
    if next(iter(a.devices())).platform == "cpu":  # numpy reads a CPU array in place: no dispatch
        h = np.asarray(a)
        return int(h.min()), int(h.max())
    lo, hi = _minmax(a)
    return int(lo), int(hi)


@jax.jit
def _minmax(a):
    return jnp.min(a), jnp.max(a)


def _check_bounds(a, n, dim, exc=IndexError, fmt="index {} is out of bounds for dimension {} with size {}",
                  negative=True):
    mm = _host_minmax(a)
    if mm is not None:
        lo, hi = mm
        if hi >= n or lo < (-n if negative else 0):
            raise exc(fmt.format(hi if hi >= n else lo, dim, n))
    return mm


def _sequence_as_tuple(idx) -> bool:
    """PyTorch's rule: a list holding a slice, Ellipsis, None or a sequence/tensor is a tuple of indices."""
    if not isinstance(idx, list) or len(idx) >= 32:
        return False
    return any(x is None or x is Ellipsis or isinstance(x, (slice, list, tuple, Tensor)) for x in idx)


def _expand_index(self, idx):
    if _sequence_as_tuple(idx):
        idx = tuple(idx)
    if not isinstance(idx, tuple):
        idx = (idx,)
    out = []
    for x in idx:
        if isinstance(x, range):  # a sequence index, as a list of its integers
            x = list(x)
        if isinstance(x, Tensor) and x.ndim == 0 and x.dtype is D.bool_:
            x = bool(x.item())
        elif isinstance(x, Tensor) and x.ndim == 0 and x.dtype.category == D.INT and x.dtype is not D.uint8:
            x = int(x.item())
        out.append(x)
    if self.ndim == 0 and any(isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
                              for x in out):
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                         "C++ to convert a 0-dim tensor to a number")
    return out


def _normalize(self: Tensor, idx):
    """Return (template, index arrays, is_basic, grad name), checking ranges and index dtypes as PyTorch does.

    As in PyTorch, ints, slices and None act first (select/slice/unsqueeze) and the index tensors then index
    the result, so an advanced template is a pair: (basic part, advanced part over the basic result)."""
    idx = _expand_index(self, idx)
    if sum(1 for x in idx if x is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if self.ndim == 0 and any(isinstance(x, slice) for x in idx):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    consumed = sum(_dims_consumed(x) for x in idx)
    if consumed > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    basic, adv, tensors, dim, names = [], [], [], 0, []
    shape = self.shape
    for x in idx:
        if x is Ellipsis:
            basic.append(Ellipsis)
            adv.append(Ellipsis)
            dim += self.ndim - consumed
        elif x is None:
            basic.append(None)
            adv.append(slice(None))
            names.append("UnsqueezeBackward0")
        elif isinstance(x, slice):
            s = slice(*(None if v is None else int(v) for v in (x.start, x.stop, x.step)))
            if s.step == 0:  # Python's own slice rule comes first
                raise ValueError("slice step cannot be zero")
            if s.step is not None and s.step < 0:
                raise ValueError("step must be greater than zero")
            basic.append(s)
            adv.append(slice(None))
            if s != slice(None) and s != slice(None, None, 1) or len(idx) == 1:
                names.append("SliceBackward0")
            dim += 1
        elif isinstance(x, (bool, np.bool_)):  # a new dim of size 1, kept (True) or emptied (False)
            basic.append(None)
            tensors.append(jnp.zeros((1 if x else 0,), jnp.int64))
            adv.append(_Slot(len(tensors) - 1))
        elif isinstance(x, (int, np.integer)):
            n = shape[dim]
            if not -n <= int(x) < n:
                raise IndexError(f"index {int(x)} is out of bounds for dimension {dim} with size {n}")
            basic.append(int(x) % n)
            names.append("SelectBackward0")
            dim += 1
        else:
            used = _tensor_index(self, x, dim, adv, tensors)
            basic.extend([slice(None)] * used)
            dim += used
    if not tensors:
        return tuple(basic), [], True, names[-1] if names else "AliasBackward0"
    return (tuple(basic), tuple(adv)), tensors, False, "IndexBackward0"


def _tensor_index(self, x, dim, template, tensors) -> int:
    """Append the slots of an index tensor (or list, or mask) at dim; return how many dims it consumes."""
    if isinstance(x, str):
        raise TypeError("new(): invalid data type 'str'")
    t = x if isinstance(x, Tensor) else _as_index_tensor(x)
    shape = self.shape
    if t.dtype is D.bool_ or t.dtype is D.uint8:
        m = np.asarray(t._data).astype(bool)
        for j in range(m.ndim):
            if dim + j >= self.ndim or m.shape[j] != shape[dim + j]:
                raise IndexError(f"The shape of the mask {list(m.shape)} at index {j} does not match the shape of "
                                 f"the indexed tensor {list(shape)} at index {dim + j}")
        for nz in np.nonzero(m):
            tensors.append(jnp.asarray(nz, dtype=jnp.int64))
            template.append(_Slot(len(tensors) - 1))
        return m.ndim
    if t.dtype.category != D.INT:
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    n = shape[dim]
    a = t._data
    mm = _check_bounds(a, n, dim)
    if mm is None or mm[0] < 0:  # (non-negative indices need no wrapping)
        a = jnp.where(a < 0, a + n, a)
    tensors.append(a)
    template.append(_Slot(len(tensors) - 1))
    return 1


def _dims_consumed(x) -> int:
    if x is None or x is Ellipsis or isinstance(x, (bool, np.bool_)):
        return 0
    if isinstance(x, Tensor) and x.dtype in (D.bool_, D.uint8):
        return x.ndim
    if isinstance(x, (list, tuple)):
        try:
            a = np.asarray(x)
            return a.ndim if a.dtype == bool else 1
        except ValueError:
            return 1
    return 1


def _as_index_tensor(x) -> Tensor:
    if isinstance(x, (list, tuple)):
        try:
            return tensor(x) if len(x) else tensor([], dtype=D.int64)
        except (TypeError, ValueError):
            raise IndexError(_INVALID.format("list")) from None
    if isinstance(x, np.ndarray):
        return tensor(x)
    raise IndexError(_INVALID.format(type(x).__name__))


def _index_tensors(arrays):
    return [Tensor._wrap(a) for a in arrays]


def _check_index_shapes(arrays) -> None:
    """PyTorch's IndexError for index tensors that don't broadcast together (JAX would raise ValueError)."""
    shapes = [tuple(a.shape) for a in arrays]
    try:
        jnp.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(s)) for s in shapes)) from None


def getitem(self: Tensor, idx):
    template, arrays, basic, name = _normalize(self, idx)
    if basic:
        return _basic_index(self, template, name)
    _check_index_shapes(arrays)
    return _advanced_index(self, _index_tensors(arrays), template)


def _setitem_value(self, value):
    if not isinstance(value, (Tensor, list, tuple, np.ndarray, np.generic, jax.Array, bool, int, float, complex)):
        raise TypeError(f"can't assign a {type(value).__name__} to a torch.{self.dtype.legacy}Tensor")
    if isinstance(value, Tensor):
        return value.to(self.dtype) if value.dtype is not self.dtype else value
    if isinstance(value, (list, tuple, np.ndarray)):
        return tensor(value, dtype=self.dtype)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_setitem_scalar(value, self.dtype)
    if isinstance(value, float) and self.dtype.category < D.FLOAT and self.dtype is not D.bool_:
        return int(value)
    return value


def _check_setitem_scalar(value, dtype) -> None:
    """PyTorch refuses a number the dtype cannot hold, except that half and bfloat16 take it as inf, and a
    complex64 refuses what float32 would."""
    if dtype in (D.float16, D.bfloat16):
        return
    if dtype is D.complex64 and math.isfinite(value) and abs(value) > float(np.finfo(np.float32).max):
        raise RuntimeError("value cannot be converted to type c10::complex<float> without overflow")
    try:
        check_scalar_fits(value, dtype)
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None


def setitem(self: Tensor, idx, value) -> None:
    template, arrays, basic, _ = _normalize(self, idx)
    if basic and any(isinstance(x, (int, slice)) or x is None for x in template):
        _check_leaf_view(self)  # PyTorch writes through a slice of self: the view-of-a-leaf refusal
    check_inplace(self, overlap_ok=True)
    if basic and has_internal_overlap(self):
        # Write through the indexed view, as PyTorch does: rewriting all of an expanded tensor would
        # store every alias of a location, the unchanged ones last.
        value = _setitem_value(self, value)
        if not isinstance(value, Tensor):
            value = tensor(value, dtype=self.dtype)
        self[idx].copy_(value)
        return
    if not basic:
        _check_index_shapes(arrays)
    if not basic and isinstance(value, Tensor) and value.dtype is not self.dtype and (value.ndim or not _has_mask(idx)):
        _dtype_mismatch(self, value)  # PyTorch's index_put_ (a 0-d value under a mask goes through masked_fill_)
    name = "CopySlices" if basic and template != (Ellipsis,) else "IndexPutBackward0"
    assign(self, _index_put(self, _setitem_value(self, value), _index_tensors(arrays), template, False, name))


def _has_mask(idx) -> bool:
    idx = idx if isinstance(idx, tuple) else (idx,)
    return any((isinstance(x, Tensor) and x.dtype in (D.bool_, D.uint8) or isinstance(x, np.ndarray) and x.dtype == bool)
               and x.ndim for x in idx)


def _check_leaf_view(self):
    from .. import _autograd
    if _autograd.is_grad_enabled() and self.requires_grad and self.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")


def index_put(input, indices, values, accumulate=False):
    """Mirrors `torch.index_put`: indices is a tuple of index tensors (or None for a full slice)."""
    idx = tuple(slice(None) if i is None else i for i in indices)
    template, arrays, _, _ = _normalize(input, idx)
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    if values.dtype is not input.dtype:
        _dtype_mismatch(input, values)
    return _index_put(input, values, _index_tensors(arrays), template, bool(accumulate))


def _dtype_mismatch(dst, src):
    raise RuntimeError(f"Index put requires the source and destination dtypes match, got {dst.dtype.legacy} for the "
                       f"destination and {src.dtype.legacy} for the source.")


def index_put_(self, indices, values, accumulate=False):
    check_inplace(self)
    return assign(self, index_put(self, indices, values, accumulate))


install("__getitem__", getitem)
install("__setitem__", setitem)
install("index_put", index_put)
install("index_put_", index_put_)

from .indexing_ops import *

__all__ = ["argwhere", "gather", "index_add", "index_copy", "index_fill", "index_put", "index_select", "masked_fill",
           "masked_scatter", "masked_select", "nonzero", "scatter", "scatter_add", "scatter_reduce", "take",
           "take_along_dim", "where"]
