"""Operators on sparse COO tensors, and the dispatch from the dense operator registry.

A registry op that meets a `SparseTensor` lands in `dispatch` (the registry's `sparse_hook`): it
runs the sparse kernel registered here under the op's name, or raises PyTorch's
NotImplementedError for an operator with no sparse kernel ("Could not run 'aten::exp' with
arguments from the 'SparseCPU' backend").
"""
from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._autograd import no_grad
from .._tensor import Tensor, _wrap_dim
from . import _grad
from ._coo import SparseTensor, coalesce_plan, linear_keys

IMPLS: dict = {}
# Registry names whose aten kernel PyTorch names differently in its message.
_ATEN_NAMES = {"softmax": "_softmax", "log_softmax": "_log_softmax", "mean": "mean.dim", "eq": "eq.Tensor"}


def sparse_kernel(*names):
    def register(fn):
        for n in names:
            IMPLS[n] = fn
        return fn
    return register


def dispatch(op, args, kwargs):
    """The registry's hook: run `op` on arguments that include a sparse COO tensor."""
    impl = IMPLS.get(op.name)
    if impl is None:
        aten = _ATEN_NAMES.get(op.name, op.name.lstrip("_"))
        raise NotImplementedError(
            f"Could not run 'aten::{aten}' with arguments from the 'SparseCPU' backend. "
            "This could be because the operator doesn't exist for this backend, or was omitted during the "
            "selective/custom build process (if using custom build).")
    return impl(*args, **kwargs)


def _is_sparse(x) -> bool:
    return isinstance(x, SparseTensor)


def _no_grad_through(name: str, *tensors) -> None:
    """Refuse to record an op whose sparse backward is not implemented (rather than drop the gradient)."""
    from .._autograd import is_grad_enabled
    if is_grad_enabled() and any(isinstance(t, Tensor) and t.requires_grad for t in tensors):
        raise NotImplementedError(f"torchlike: autograd through sparse '{name}' is not supported")


def _values_tensor(t: SparseTensor) -> Tensor:
    return Tensor._wrap(t._vals)


def _map_values(t: SparseTensor, fn, name: str, coalesce: bool, jax_fn=None) -> SparseTensor:
    """A sparse tensor whose values are fn(values) (fn a torchlike function of a dense tensor that maps
    zero to zero, or `jax_fn` of the values array); the gradient goes through it at t's entries. PyTorch
    coalesces first for a function that does not distribute over sums of duplicates (sin), not for a
    linear one (neg, x * 2)."""
    src = t.coalesce().detach() if coalesce else t
    if jax_fn is not None:
        vals = jax_fn(src._vals)
    else:
        with no_grad():
            vals = fn(_values_tensor(src))._data
    out = SparseTensor._make(src._idx, vals, t._size, src._coalesced)

    def grad(g):
        uniq, inverse = coalesce_plan(t)
        at = jax.ops.segment_sum(t._vals, jnp.asarray(inverse), num_segments=uniq.shape[1])
        cot = _grad.gather(g, uniq).astype(vals.dtype)
        if jax_fn is not None:
            gx = jax.vjp(jax_fn, at)[1](cot)[0]
        else:
            from .._autograd import enable_grad
            from ..autograd import grad as autograd_grad
            x = Tensor._wrap(at).requires_grad_()
            with enable_grad():
                y = fn(x)
            gx = autograd_grad(y, x, Tensor._wrap(cot))[0]._data
        return SparseTensor._make(jnp.asarray(uniq), gx.astype(t._vals.dtype), t._size)
    return _grad.attach(out, name, [t], [grad])


# ----- matrix products -----

def _check_mm(s: SparseTensor, d: Tensor, name: str, dense_first: bool = False) -> None:
    """PyTorch's checks of sparse @ dense (or dense @ sparse): a 2-D sparse matrix, matching inner sizes
    and one dtype."""
    if s.sparse_dim() != 2 or s.dense_dim() != 0:
        raise NotImplementedError(f"torchlike: sparse {name} needs a 2-D sparse matrix with no dense dims")
    if d.ndim != 2:
        raise RuntimeError(f"{name}: expected 2D matrix, got {d.ndim}D tensor")  # (PyTorch's gist)
    inner, given = (s._size[0], d.shape[1]) if dense_first else (s._size[1], d.shape[0])
    if inner != given:  # (PyTorch runs dense @ sparse as (sparse^T @ dense^T)^T: the same message)
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {inner}, got {given}")
    if s.dtype is not d.dtype:
        raise RuntimeError(f"expected scalar type {s.dtype.legacy} but found {d.dtype.legacy}")


def _spmm_array(idx, vals, n_rows: int, dense):
    """sparse [n_rows, k] @ dense [k, m] with the sparse entries (rows, cols, vals): a segment sum."""
    rows, cols = idx[0], idx[1]
    return jax.ops.segment_sum(vals[:, None] * dense[cols], rows, num_segments=n_rows)


def sparse_dense_mm(s: SparseTensor, d: Tensor, sparse_grad: bool, name: str) -> Tensor:
    """sparse @ dense -> dense. The sparse operand's gradient is sparse (its pattern) for torch.sparse.mm and
    dense for torch.mm / matmul, as in PyTorch."""
    _check_mm(s, d, "mm")
    out = Tensor._wrap(_spmm_array(s._idx, s._vals, s._size[0], d._data))

    def grad_s(g):
        if sparse_grad:
            uniq = coalesce_plan(s)[0]
            vals = jnp.sum(g._data[uniq[0]] * d._data[uniq[1]], axis=-1)
            return SparseTensor._make(jnp.asarray(uniq), vals, s._size)
        return Tensor._wrap(g._data @ d._data.T)

    def grad_d(g):  # s^T @ g
        return Tensor._wrap(_spmm_array(s._idx[::-1], s._vals, s._size[1], g._data))
    return _grad.attach(out, name, [s, d], [grad_s, grad_d])


def dense_sparse_mm(d: Tensor, s: SparseTensor, name: str) -> Tensor:
    """dense @ sparse -> dense, as (s^T @ d^T)^T; the sparse operand's gradient is dense (torch.mm's)."""
    _check_mm(s, d, "mm", dense_first=True)
    out = Tensor._wrap(_spmm_array(s._idx[::-1], s._vals, s._size[1], d._data.T).T)

    def grad_d(g):  # g @ s^T = (s @ g^T)^T
        return Tensor._wrap(_spmm_array(s._idx, s._vals, s._size[0], g._data.T).T)
    return _grad.attach(out, name, [d, s], [grad_d, lambda g: Tensor._wrap(d._data.T @ g._data)])


def sparse_sparse_mm(a: SparseTensor, b: SparseTensor) -> SparseTensor:
    """sparse @ sparse -> sparse (coalesced): every product a[i, k] * b[k, j] of stored entries, summed."""
    _no_grad_through("mm of two sparse tensors", a, b)
    if a.sparse_dim() != 2 or b.sparse_dim() != 2 or a.dense_dim() or b.dense_dim():
        raise NotImplementedError("torchlike: sparse @ sparse needs 2-D sparse matrices with no dense dims")
    if a._size[1] != b._size[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a._size[0]}x{a._size[1]} and "
                           f"{b._size[0]}x{b._size[1]})")
    a, b = a.coalesce(), b.coalesce()
    ai, bi = np.asarray(a._idx), np.asarray(b._idx)
    starts = np.searchsorted(bi[0], np.arange(b._size[0] + 1))  # b's entries of row k: starts[k]:starts[k+1]
    counts = starts[ai[1] + 1] - starts[ai[1]]
    left = np.repeat(np.arange(ai.shape[1]), counts)
    offsets = np.arange(left.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
    right = starts[ai[1]][left] + offsets
    idx = np.stack([ai[0][left], bi[1][right]]).astype(np.int64)
    dtype = D.promote_types(a.dtype, b.dtype).np
    vals = a._vals.astype(dtype)[left] * b._vals.astype(dtype)[right]
    return SparseTensor._make(jnp.asarray(idx), vals, (a._size[0], b._size[1])).coalesce()


@sparse_kernel("mm")
def mm(input, mat2, *, out=None):
    if out is not None:
        raise NotImplementedError("torchlike: out= with sparse operands is not supported")
    if _is_sparse(input) and _is_sparse(mat2):
        return sparse_sparse_mm(input, mat2)
    if _is_sparse(input):
        return sparse_dense_mm(input, mat2, False, "MmBackward0")
    return dense_sparse_mm(input, mat2, "MmBackward0")


@sparse_kernel("matmul")
def matmul(input, other, *, out=None):
    if _is_sparse(input) and not _is_sparse(other) and other.ndim == 1:
        return mv(input, other)
    if input.ndim == 2 and other.ndim == 2:
        return mm(input, other, out=out)
    raise NotImplementedError("torchlike: matmul with a sparse operand needs 2-D operands (or a 2-D sparse "
                              "matrix and a vector)")


@sparse_kernel("mv")
def mv(input, vec):
    if not _is_sparse(input) or _is_sparse(vec):
        raise NotImplementedError("torchlike: mv needs a sparse matrix and a dense vector")
    return sparse_dense_mm(input, vec.unsqueeze(1), False, "MvBackward0").squeeze(1)


def _addmm(input, mat1, mat2, beta, alpha, sparse_grad: bool):
    product = (sparse_dense_mm(mat1, mat2, sparse_grad, "SparseAddmmBackward0" if sparse_grad else "AddmmBackward0")
               if _is_sparse(mat1) else mm(mat1, mat2))
    if _is_sparse(input):
        input = input.to_dense()
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:  # (input is ignored, NaNs included, as PyTorch does)
        return scaled
    return (input if beta == 1 else input * beta) + scaled


@sparse_kernel("addmm")
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    if out is not None:
        raise NotImplementedError("torchlike: out= with sparse operands is not supported")
    if _is_sparse(mat2) and _is_sparse(mat1):
        raise NotImplementedError("torchlike: addmm of two sparse matrices is not supported")
    return _addmm(input, mat1, mat2, beta, alpha, sparse_grad=False)


# ----- arithmetic -----

def _number(x) -> bool:
    if isinstance(x, Tensor) and not x.is_sparse and x.ndim == 0:
        _no_grad_through("mul/div by a tensor that requires grad", x)
        return True
    return isinstance(x, numbers.Number)


@sparse_kernel("mul")
def mul(input, other, *, out=None):
    if _is_sparse(input) and _number(other):
        return _map_values(input, lambda v: v * other, "MulBackward0", coalesce=False)
    if _is_sparse(other) and _number(input):
        return _map_values(other, lambda v: input * v, "MulBackward0", coalesce=False)
    raise NotImplementedError("torchlike: sparse mul is supported only by a scalar")


@sparse_kernel("div")
def div(input, other, *, rounding_mode=None, out=None):
    if _is_sparse(input) and _number(other) and rounding_mode is None:
        return _map_values(input, lambda v: v / other, "DivBackward0", coalesce=False)
    raise NotImplementedError("torchlike: sparse div is supported only by a scalar (without rounding_mode)")


@sparse_kernel("neg")
def neg(input, *, out=None):
    return _map_values(input, lambda v: -v, "NegBackward0", coalesce=False)


def _unary(name: str, grad_name: str):
    def kernel(input, *args, **kwargs):
        if args or kwargs:
            raise NotImplementedError(f"torchlike: sparse {name} with extra arguments is not supported")
        from .._ops import OPS
        return _map_values(input, OPS[name], grad_name, coalesce=True)
    IMPLS[name] = kernel


for _n in ("abs", "sin", "sqrt", "square", "relu", "tanh", "sign"):
    _unary(_n, _n.capitalize() + "Backward0")


def _sparse_add(a: SparseTensor, b: SparseTensor, alpha) -> SparseTensor:
    """sparse + alpha * sparse: the two entry lists joined (uncoalesced), as PyTorch's sum of them reads."""
    if a._size != b._size:
        raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size "
                           f"{list(a._size)} while other has size {list(b._size)} (FYI: dense-sparse addition "
                           "does not currently support broadcasting)")
    dtype = D.promote_types(a.dtype, b.dtype)
    scaled_b = b._vals.astype(dtype.np) if alpha == 1 else b._vals.astype(dtype.np) * alpha
    idx = jnp.concatenate([a._idx, b._idx], axis=1)
    vals = jnp.concatenate([a._vals.astype(dtype.np), scaled_b])
    out = SparseTensor._make(idx, vals, a._size)
    # (PyTorch passes the output's gradient through as it is: its pattern is the sum's, not each operand's)
    return _grad.attach(out, "AddBackward0", [a, b], [lambda g: g, lambda g: g if alpha == 1 else g * alpha])


def _dense_add_sparse(d: Tensor, s: SparseTensor, alpha) -> Tensor:
    if tuple(d.shape) != s._size:
        raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size "
                           f"{list(d.shape)} while other has size {list(s._size)} (FYI: dense-sparse addition "
                           "does not currently support broadcasting)")
    dtype = D.promote_types(d.dtype, s.dtype).np
    vals = s._vals.astype(dtype) if alpha == 1 else s._vals.astype(dtype) * alpha
    out = Tensor._wrap(d._data.astype(dtype).at[tuple(s._idx)].add(vals))
    return _grad.attach(out, "AddBackward0", [d, s], [lambda g: g, lambda g: g if alpha == 1 else g * alpha])


@sparse_kernel("add")
def add(input, other, *, alpha=1, out=None):
    if out is not None:
        raise NotImplementedError("torchlike: out= with sparse operands is not supported")
    if _is_sparse(input) and _is_sparse(other):
        return _sparse_add(input, other, alpha)
    if _is_sparse(other) and isinstance(input, Tensor):
        return _dense_add_sparse(input, other, alpha)
    raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")


@sparse_kernel("sub")
def sub(input, other, *, alpha=1, out=None):
    return add(input, other, alpha=-alpha, out=out)


# ----- shape -----

@sparse_kernel("t")
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 sparse and 0 dense dimensions, but self is "
                           f"{input.sparse_dim()} sparse and {input.dense_dim()} dense")
    return transpose(input, 0, input.ndim - 1) if input.ndim == 2 else input


@sparse_kernel("transpose")
def transpose(input, dim0, dim1):
    d0, d1 = _wrap_dim(dim0, input.ndim), _wrap_dim(dim1, input.ndim)
    sd = input.sparse_dim()
    if (d0 < sd) != (d1 < sd):
        raise RuntimeError("transpose(): can't transpose a sparse dimension with a dense one")
    if d0 >= sd:
        raise NotImplementedError("torchlike: transposing dense dims of a hybrid sparse tensor is not supported")
    perm = list(range(sd))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    size = list(input._size)
    size[d0], size[d1] = size[d1], size[d0]
    out = SparseTensor._make(input._idx[jnp.asarray(perm)], input._vals, size, coalesced=d0 == d1 and input._coalesced)
    name = "TBackward0" if input.ndim == 2 else "TransposeBackward0"
    return _grad.attach(out, name, [input], [lambda g: _grad.masked(input, g, positions=lambda u: u[perm])])


@sparse_kernel("clone")
def clone(input, *, memory_format=None):
    return input.clone()


# ----- reductions -----

def sparse_sum(input: SparseTensor, dim=None, dtype=None) -> Tensor:
    """Mirrors `torch.sparse.sum`: all entries (a dense 0-d tensor), or over `dim`: sparse while sparse
    dims remain, else dense."""
    src = input if dtype is None else input.to(dtype)
    if dim is None:
        with no_grad():
            total = _values_tensor(src).sum()
        every = tuple(range(1, input._vals.ndim))
        return _grad.attach(total, "SumBackward0", [input], [lambda g: _sum_grad(input, g, [], every)])
    dims = sorted({_wrap_dim(d, input.ndim) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))})
    sd = input.sparse_dim()
    keep = [d for d in range(sd) if d not in dims]
    dense_axes = tuple(d - sd + 1 for d in dims if d >= sd)
    vals = src._vals.sum(axis=dense_axes) if dense_axes else src._vals
    vals = vals.astype(_sum_dtype(src.dtype).np)
    size = [n for d, n in enumerate(input._size) if d not in dims]
    if not keep:  # every sparse dim reduced: a dense tensor of the dense dims
        out = Tensor._wrap(vals.sum(axis=0))
        return _grad.attach(out, "SparseSumBackward0", [input], [lambda g: _sum_grad(input, g, keep, dense_axes)])
    part = SparseTensor._make(src._idx[jnp.asarray(keep)], vals, size).detach()
    with no_grad():
        out = part.coalesce()
    out = SparseTensor._make(out._idx, out._vals, out._size, True)
    return _grad.attach(out, "SparseSumBackward0", [input], [lambda g: _sum_grad(input, g, keep, dense_axes)])


def _sum_dtype(dt: D.dtype) -> D.dtype:
    return D.int64 if dt.category <= D.INT else dt


def _sum_grad(input: SparseTensor, g: Tensor, keep: list, dense_axes: tuple) -> SparseTensor:
    """The gradient of a sum over some dims: g read at each entry's kept coordinates, broadcast back
    over the reduced dense dims."""
    uniq = coalesce_plan(input)[0]
    vals = _grad.gather(g, uniq[keep]) if keep else jnp.broadcast_to(g._data, (uniq.shape[1],) + g.shape)
    for a in dense_axes:
        vals = jnp.expand_dims(vals, a)
    vals = jnp.broadcast_to(vals, (uniq.shape[1],) + tuple(input._vals.shape[1:]))
    return SparseTensor._make(jnp.asarray(uniq), vals.astype(input._vals.dtype), input._size)


@sparse_kernel("sum")
def sum_(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """`Tensor.sum` of a sparse tensor: as torch.sparse.sum, but PyTorch's gradient differs: dense for a
    full sum, and none for a sum over dims (its backward refuses to expand a sparse gradient)."""
    if keepdim:
        raise NotImplementedError("torchlike: sum(keepdim=True) of a sparse tensor is not supported")
    if dim is not None and not isinstance(dim, (tuple, list)):
        dim = (dim,)
    with no_grad():
        result = sparse_sum(input, dim or None, dtype)
    if not dim:
        return _grad.attach(result, "SumBackward0", [input],
                            [lambda g: Tensor._wrap(jnp.broadcast_to(g._data, input._size).astype(input._vals.dtype))])
    return _grad.attach(result, "SumBackward1", [input], [_refuse_sparse_expand])


def _refuse_sparse_expand(g):
    raise RuntimeError("expand is unsupported for Sparse tensors")


def _group_ids(t: SparseTensor, dim: int) -> tuple:
    """For a coalesced t: each entry's group (the entries sharing every sparse coordinate but `dim`)."""
    idx = np.asarray(t._idx)
    others = [d for d in range(idx.shape[0]) if d != dim]
    keys = linear_keys(idx[others], [t._size[d] for d in others])
    _, groups = np.unique(keys, return_inverse=True)
    return jnp.asarray(groups.reshape(-1)), int(groups.max()) + 1 if groups.size else 0


def sparse_softmax(input: SparseTensor, dim: int, dtype=None, log: bool = False) -> SparseTensor:
    """Mirrors `torch.sparse.softmax` / `log_softmax`: over the stored entries along `dim` only (the
    missing ones count as -inf, not 0)."""
    dim = _wrap_dim(dim, input.ndim)
    if dim >= input.sparse_dim():
        raise NotImplementedError("torchlike: sparse softmax along a dense dim is not supported")
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype.category < D.FLOAT:
        raise RuntimeError(f"\"softmax_lastdim_kernel_impl\" not implemented for '{input.dtype.legacy}'")
    c = input.coalesce().detach()
    groups, n = _group_ids(c, dim)
    return _map_values(input, None, "LogSoftmaxBackward0" if log else "SoftmaxBackward0", coalesce=True,
                       jax_fn=lambda v: _grouped_softmax(v, groups, n, log))


def _grouped_softmax(v, groups, n: int, log: bool):
    top = jax.ops.segment_max(v, groups, num_segments=n)
    shifted = v - jax.lax.stop_gradient(top)[groups]
    total = jax.ops.segment_sum(jnp.exp(shifted), groups, num_segments=n)
    return shifted - jnp.log(total)[groups] if log else jnp.exp(shifted) / total[groups]
