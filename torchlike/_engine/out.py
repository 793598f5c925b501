"""out= arguments: PyTorch's overlap and dtype checks of a user-given output, and the write into it."""
from __future__ import annotations

import math

from .. import _dtype as D
from .._dtype import C_NAMES
from .._autograd import is_grad_enabled
from .._tensor import Tensor
from .._views import contiguous_strides, strides_of


# Ops whose out= PyTorch checks against their inputs: "any" refuses an out sharing memory with an input
# (assert_no_overlap), "partial" only one overlapping it without being it (assert_no_partial_overlap).
OUT_OVERLAP = {
    "cat": "any", "stack": "any", "index_select": "any", "gather": "any", "masked_select": "any", "take": "any",
    "kthvalue": "any", "kron": "any", "outer": "any", "sort": "partial",
}
_INTERNAL_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single "
                     "memory location. Please clone() the tensor before performing the operation.")
_INPUT_OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
                  "single memory location. Please clone() the tensor before performing the operation.")


def check_out_overlap(name: str, out, inputs) -> None:
    """PyTorch's memory-overlap checks of an out= argument: an out whose elements alias each other (an
    expanded view) is refused by every op, one aliasing an input by those OUT_OVERLAP names."""
    rule = OUT_OVERLAP.get(name)
    for o in out if isinstance(out, (tuple, list)) else (out,):
        if not isinstance(o, Tensor):
            continue
        if o._chain is not None and o.numel() > 1:
            strides, _ = _layout(o)
            if any(st == 0 and n > 1 for st, n in zip(strides, o.shape)):
                raise RuntimeError(_INTERNAL_OVERLAP)
        if rule is not None:
            for t in inputs:
                status = _overlap(o, t) if t is not None else None
                if status == "partial" or status == "full" and rule == "any":
                    raise RuntimeError(_INPUT_OVERLAP)


# Ops whose out= PyTorch does not cast into: "exact" needs the result's dtype, "input" the input's.
OUT_DTYPE = {"aminmax": "exact", "sort": "exact", "argmax": "exact", "argmin": "exact", "mm": "exact",
             "tril": "exact", "triu": "exact", "gather": "exact", "amax": "input", "amin": "input"}


def check_out_dtype(name: str, out, result, inputs) -> None:
    rule = OUT_DTYPE.get(name)
    if rule is None:
        return
    pairs = zip(out, result) if isinstance(result, tuple) else ((out, result),)
    for o, r in pairs:
        if rule == "input" and inputs and inputs[0] is not None and o.dtype != inputs[0].dtype:
            raise RuntimeError(f"Expected the dtype for input and out to match, but got {inputs[0].dtype.legacy} "
                               f"for input's dtype and {o.dtype.legacy} for out's dtype.")
        if rule == "exact" and o.dtype != r.dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {C_NAMES.get(r.dtype.legacy, r.dtype.legacy)}, "
                               f"but got {C_NAMES.get(o.dtype.legacy, o.dtype.legacy)} instead")


def _layout(t):
    """(strides, storage offset) of t over its base's storage."""
    if t._chain is None:
        return contiguous_strides(t.shape), 0
    return strides_of(t)


def _dense(shape, strides) -> bool:
    """PyTorch's is_non_overlapping_and_dense: some order of the dims lays them out row-major."""
    expected = 1
    for st, n in sorted((st, n) for st, n in zip(strides, shape) if n != 1):
        if st != expected:
            return False
        expected *= n
    return True


def check_resized_out_overlap(name: str, out, result, inputs) -> None:
    """PyTorch resizes an out= of another shape before its overlap checks: an out view that grows
    into an input's memory is refused although it did not overlap it as given."""
    rule = OUT_OVERLAP.get(name)
    if rule is None or not isinstance(out, Tensor) or isinstance(result, tuple) or out._chain is None:
        return
    if tuple(out.shape) == tuple(result.shape):
        return
    grown = (result.shape, (contiguous_strides(result.shape), _layout(out)[1]))
    for t in inputs:
        status = _overlap(out, t, grown) if t is not None else None
        if status == "partial" or status == "full" and rule == "any":
            raise RuntimeError(_INPUT_OVERLAP)


def _overlap(a, b, a_as=None):
    """PyTorch's get_overlap_status of two tensors: "full", "partial", or None (none, or too hard to tell).
    a_as: (shape, (strides, offset)) to use for a instead of its own."""
    if a is b and a_as is None:
        return "full"
    shape_a, (sa, oa) = a_as if a_as is not None else (a.shape, _layout(a))
    numel_a = math.prod(shape_a)
    if a._storage is not b._storage or numel_a == 0 or b.numel() == 0:
        return None
    sb, ob = _layout(b)
    if not _dense(shape_a, sa) or not _dense(b.shape, sb):
        return None
    ea, eb = oa + numel_a, ob + b.numel()
    if oa == ob and ea == eb:
        return "full" if tuple(sa) == tuple(sb) else "partial"
    return "partial" if oa < eb and ob < ea else None


def _write_out(out, result):
    """Copy a result into a user-given out= tensor (resizing it as PyTorch does)."""
    if isinstance(result, tuple):
        for o, r in zip(out, result):
            _write_out(o, r)
        return out
    if not D.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {result.dtype.legacy} can't be cast to the desired output type {out.dtype.legacy}")
    if out.requires_grad and is_grad_enabled():
        raise RuntimeError("out=... arguments don't support automatic differentiation, but one of the arguments "
                           "requires grad.")
    out._replace_data(result._data.astype(out.dtype.np))
    return out

