"""Tensor.__getitem__/__setitem__ with PyTorch's rules: ints, slices, None, Ellipsis give views;
integer tensors, lists and bool masks index advanced-style (numpy's placement rules, as PyTorch)."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from .registry import T, TL, TS, op


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


@op(name="_basic_index", method=False, view=True, linear=True, grad_name="SliceBackward0")
def _basic_index(input: T, template):
    return input[template]


@op(name="_advanced_index", method=False, linear=True, grad_name="IndexBackward0")
def _advanced_index(input: T, indices: TL, template):
    return input[_build(template, indices)]


@op(name="_index_put", method=False, linear=True, grad_name="CopySlices")
def _index_put(input: T, value: TS, indices: TL, template):
    idx = _build(template, indices)
    target = jnp.zeros(input.shape, jnp.bool_)[idx].shape
    try:
        value = jnp.broadcast_to(value.astype(input.dtype), target)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(target)}") from None
    return input.at[idx].set(value)


def _normalize(self: Tensor, idx):
    """Return (template, index tensors, is_basic), checking ranges and index dtypes as PyTorch does."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    n_ell = sum(1 for x in idx if x is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = sum(_dims_consumed(x) for x in idx)
    if consumed > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    template, tensors, dim = [], [], 0
    shape = self.shape
    for x in idx:
        if x is Ellipsis:
            template.append(Ellipsis)
            dim += self.ndim - consumed
        elif x is None:
            template.append(None)
        elif isinstance(x, slice):
            template.append(slice(*(None if v is None else int(v) for v in (x.start, x.stop, x.step))))
            if x.step is not None and int(x.step) <= 0:
                raise ValueError("step must be greater than zero")
            dim += 1
        elif isinstance(x, (bool, np.bool_)):
            if not x:
                raise NotImplementedError("torchlike does not support indexing with the Python scalar False")
            template.append(None)
        elif isinstance(x, (int, np.integer)):
            n = shape[dim]
            if not -n <= int(x) < n:
                raise IndexError(f"index {int(x)} is out of bounds for dimension {dim} with size {n}")
            template.append(int(x) % n)
            dim += 1
        else:
            t = x if isinstance(x, Tensor) else _as_index_tensor(x)
            if t.dtype is D.bool_ or t.dtype is D.uint8:
                m = np.asarray(t._data).astype(bool)
                for j in range(m.ndim):
                    if dim + j >= self.ndim or m.shape[j] != shape[dim + j]:
                        raise IndexError(f"The shape of the mask {list(m.shape)} at index {j} does not match the "
                                         f"shape of the indexed tensor {list(shape)} at index {dim + j}")
                for nz in np.nonzero(m):
                    tensors.append(jnp.asarray(nz, dtype=jnp.int64))
                    template.append(_Slot(len(tensors) - 1))
                if m.ndim == 0:
                    template.append(None)
                dim += m.ndim
                continue
            if t.dtype.category != D.INT:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            n = shape[dim]
            a = t._data
            if a.size:
                lo, hi = int(jnp.min(a)), int(jnp.max(a))
                bad = hi if hi >= n else lo if lo < -n else None
                if bad is not None:
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {n}")
            tensors.append(jnp.where(a < 0, a + n, a))
            template.append(_Slot(len(tensors) - 1))
            dim += 1
    basic = not tensors and not any(isinstance(x, _Slot) for x in template)
    return tuple(template), tensors, basic


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
        except TypeError:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             "valid indices (got list)") from None
    if isinstance(x, np.ndarray):
        return tensor(x)
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                     f"indices (got {type(x).__name__})")


def _index_tensors(arrays):
    return [Tensor._wrap(a) for a in arrays]


def getitem(self: Tensor, idx):
    template, arrays, basic = _normalize(self, idx)
    if basic:
        return _basic_index(self, template)
    return _advanced_index(self, _index_tensors(arrays), template)


def setitem(self: Tensor, idx, value) -> None:
    from ._attach import assign, check_inplace
    check_inplace(self)
    template, arrays, _ = _normalize(self, idx)
    if isinstance(value, Tensor) and value.dtype is not self.dtype:
        value = value.to(self.dtype)
    elif not isinstance(value, Tensor):
        if isinstance(value, (list, tuple, np.ndarray)):
            from .creation import tensor
            value = tensor(value, dtype=self.dtype)
        elif isinstance(value, float) and self.dtype.category < D.FLOAT and not float(value).is_integer():
            value = int(value)
    assign(self, _index_put(self, value, _index_tensors(arrays), template))


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem
