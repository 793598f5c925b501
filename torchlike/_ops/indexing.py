"""Tensor.__getitem__/__setitem__ with PyTorch's rules: ints, slices, None, Ellipsis give views;
integer tensors, lists and bool masks index advanced-style (numpy's placement rules, as PyTorch).
Value-dependent checks (index bounds) read the indices on the host before the kernel runs."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from .registry import TL, TS, T, op

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


_basic_name.static_args = True


@op(name="_basic_index", method=False, view=True, linear=True, grad_name=_basic_name)
def _basic_index(input: T, template, name="SliceBackward0"):
    return input[template]


@op(name="_advanced_index", method=False, linear=True, grad_name="IndexBackward0")
def _advanced_index(input: T, indices: TL, template):
    return input[_build(template, indices)]


def _fit_value(value, target):
    """Broadcast a setitem value to the indexed shape; leading size-1 dims of the value are dropped first."""
    while value.ndim > len(target) and value.shape[0] == 1:
        value = value[0]
    try:
        return jnp.broadcast_to(value, target)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}") from None


@op(name="_index_put", method=False, linear=True, grad_name=_basic_name)
def _index_put(input: T, value: TS, indices: TL, template, accumulate=False, name="IndexPutBackward0"):
    idx = _build(template, indices)
    target = jax.eval_shape(lambda a: a[idx], jax.ShapeDtypeStruct(input.shape, input.dtype)).shape
    value = _fit_value(value.astype(input.dtype), target)
    return input.at[idx].add(value) if accumulate else input.at[idx].set(value)


# ----- index normalization -----
def _host_minmax(a):
    """(min, max) of an index array on the host, or None when it cannot be read (traced, empty)."""
    if isinstance(a, jax.core.Tracer) or a.size == 0:
        return None
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
    """Return (template, index arrays, is_basic, grad name), checking ranges and index dtypes as PyTorch does."""
    idx = _expand_index(self, idx)
    if sum(1 for x in idx if x is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = sum(_dims_consumed(x) for x in idx)
    if consumed > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    template, tensors, dim, names, advanced = [], [], 0, [], False
    shape = self.shape
    for x in idx:
        if x is Ellipsis:
            template.append(Ellipsis)
            dim += self.ndim - consumed
        elif x is None:
            template.append(None)
            names.append("UnsqueezeBackward0")
        elif isinstance(x, slice):
            s = slice(*(None if v is None else int(v) for v in (x.start, x.stop, x.step)))
            if s.step is not None and s.step <= 0:
                raise ValueError("step must be greater than zero")
            template.append(s)
            if s != slice(None) and s != slice(None, None, 1) or len(idx) == 1:
                names.append("SliceBackward0")
            dim += 1
        elif isinstance(x, (bool, np.bool_)):
            template.append(bool(x))
            advanced = True
        elif isinstance(x, (int, np.integer)):
            n = shape[dim]
            if not -n <= int(x) < n:
                raise IndexError(f"index {int(x)} is out of bounds for dimension {dim} with size {n}")
            template.append(int(x) % n)
            names.append("SelectBackward0")
            dim += 1
        else:
            dim = _tensor_index(self, x, dim, template, tensors)
            advanced = True
    name = names[-1] if names else "AliasBackward0"
    return tuple(template), tensors, not advanced, name


def _tensor_index(self, x, dim, template, tensors) -> int:
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
        return dim + m.ndim
    if t.dtype.category != D.INT:
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    n = shape[dim]
    a = t._data
    _check_bounds(a, n, dim)
    tensors.append(jnp.where(a < 0, a + n, a))
    template.append(_Slot(len(tensors) - 1))
    return dim + 1


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
    from .creation import tensor
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


def getitem(self: Tensor, idx):
    template, arrays, basic, name = _normalize(self, idx)
    if basic:
        return _basic_index(self, template, name)
    return _advanced_index(self, _index_tensors(arrays), template)


def _setitem_value(self, value):
    if isinstance(value, Tensor):
        return value.to(self.dtype) if value.dtype is not self.dtype else value
    if isinstance(value, (list, tuple, np.ndarray)):
        from .creation import tensor
        return tensor(value, dtype=self.dtype)
    if isinstance(value, float) and self.dtype.category < D.FLOAT and self.dtype is not D.bool_:
        return int(value)
    return value


def setitem(self: Tensor, idx, value) -> None:
    from ._attach import assign, check_inplace
    template, arrays, basic, _ = _normalize(self, idx)
    if basic and any(isinstance(x, (int, slice)) or x is None for x in template):
        _check_leaf_view(self)  # PyTorch writes through a slice of self: the view-of-a-leaf refusal
    check_inplace(self)
    name = "CopySlices" if basic and template != (Ellipsis,) else "IndexPutBackward0"
    assign(self, _index_put(self, _setitem_value(self, value), _index_tensors(arrays), template, False, name))


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
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {input.dtype.legacy} "
                           f"for the destination and {values.dtype.legacy} for the source.")
    return _index_put(input, values, _index_tensors(arrays), template, bool(accumulate))


def index_put_(self, indices, values, accumulate=False):
    from ._attach import assign, check_inplace
    check_inplace(self)
    return assign(self, index_put(self, indices, values, accumulate))


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem
Tensor.index_put = index_put
Tensor.index_put_ = index_put_

from .indexing_ops import *

__all__ = ["argwhere", "gather", "index_add", "index_copy", "index_fill", "index_put", "index_select", "masked_fill",
           "masked_scatter", "masked_select", "nonzero", "scatter", "scatter_add", "scatter_reduce", "take",
           "take_along_dim", "where"]
