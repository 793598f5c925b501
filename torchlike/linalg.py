"""The `torch.linalg` namespace.

Mirrors `torch.linalg`. Functions returning several results return PyTorch's named tuples
(torch.return_types.linalg_svd and friends)."""
from ._ops.linalg_decomp import LinAlgError
from ._ops.linalg_decomp import linalg_cholesky as cholesky
from ._ops.linalg_decomp import linalg_eigh as eigh
from ._ops.linalg_decomp import linalg_inv as inv
from ._ops.linalg_decomp import linalg_lstsq as lstsq
from ._ops.linalg_decomp import linalg_qr as qr
from ._ops.linalg_decomp import linalg_solve as solve
from ._ops.linalg_decomp import linalg_svd as svd
from ._ops.registry import OPS as _OPS

det = _OPS["det"]
matmul = _OPS["matmul"]
cross = _OPS["linalg_cross"]
vecdot = _OPS["linalg_vecdot"]
multi_dot = _OPS["linalg_multi_dot"]
matrix_power = _OPS["matrix_power"]
norm = _OPS["linalg_norm"]
vector_norm = _OPS["linalg_vector_norm"]
matrix_norm = _OPS["linalg_matrix_norm"]
svdvals = _OPS["linalg_svdvals"]
eigvalsh = _OPS["linalg_eigvalsh"]
pinv = _OPS["linalg_pinv"]
matrix_rank = _OPS["linalg_matrix_rank"]
_slogdet = _OPS["slogdet"]


def slogdet(A, *, out=None):
    """Mirrors `torch.linalg.slogdet`."""
    from .return_types import wrap
    return wrap("linalg_slogdet", _slogdet(A, out=out), out)


__all__ = ["LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "lstsq",
           "matmul", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet",
           "solve", "svd", "svdvals", "vecdot", "vector_norm"]
