"""Mirrors `torch.sparse`: sparse COO tensors and their operations.

`torchlike.sparse_coo_tensor(indices, values, size)` and `dense.to_sparse()` make a
`SparseTensor` (a `torchlike.Tensor` of layout `torch.sparse_coo`). `torch.mm`, `torch.matmul`,
`@`, `torch.addmm`, `+`, `-`, `*` / `/` by a scalar, `t()`, `sum` and a few zero-preserving
unary ops take it through the operator registry (`_ops.dispatch`); other dense operators refuse
it with PyTorch's NotImplementedError.
"""
from __future__ import annotations

from .._engine import op as _registry
from .._tensor import Tensor
from ._coo import SparseTensor, install_dense_methods, sparse_coo_tensor  # noqa: F401
from . import _ops

__all__ = ["addmm", "log_softmax", "mm", "softmax", "spmm", "sum", "SparseTensor", "sparse_coo_tensor"]

_registry.sparse_hook = _ops.dispatch
install_dense_methods()


def _require_sparse(t, fn: str) -> None:
    if not isinstance(t, SparseTensor):
        raise NotImplementedError(f"torchlike: torch.sparse.{fn} with a strided (dense) first operand is not "
                                  "supported")


def mm(mat1: Tensor, mat2: Tensor) -> Tensor:
    """Mirrors `torch.sparse.mm`: sparse @ dense -> dense (the sparse operand's gradient is sparse, with its
    pattern), sparse @ sparse -> sparse."""
    if isinstance(mat1, SparseTensor) and isinstance(mat2, SparseTensor):
        return _ops.sparse_sparse_mm(mat1, mat2)
    if isinstance(mat1, SparseTensor):
        return _ops.sparse_dense_mm(mat1, mat2, True, "SparseAddmmBackward0")
    from .._ops import OPS
    return OPS["mm"](mat1, mat2)


def addmm(mat: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1.0, alpha=1.0) -> Tensor:
    """Mirrors `torch.sparse.addmm`: beta * mat + alpha * (mat1 @ mat2), mat1 sparse."""
    _require_sparse(mat1, "addmm")
    return _ops._addmm(mat, mat1, mat2, beta, alpha, sparse_grad=True)


def spmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Mirrors `torch.spmm`: sparse @ dense (torch.mm's gradients)."""
    return _ops.mm(input, mat2)


def sum(input: Tensor, dim=None, dtype=None) -> Tensor:  # noqa: A001 (PyTorch's name)
    """Mirrors `torch.sparse.sum`."""
    _require_sparse(input, "sum")
    if dim is not None and not isinstance(dim, (tuple, list)):
        dim = (dim,)
    return _ops.sparse_sum(input, dim, dtype)


def softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """Mirrors `torch.sparse.softmax`: over the stored entries along dim (absent ones count as -inf)."""
    _require_sparse(input, "softmax")
    return _ops.sparse_softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """Mirrors `torch.sparse.log_softmax`."""
    _require_sparse(input, "log_softmax")
    return _ops.sparse_softmax(input, dim, dtype, log=True)
