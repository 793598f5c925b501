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
from ._ops.linalg_eig import linalg_eig as eig
from ._ops.linalg_eig import linalg_ldl_factor as ldl_factor
from ._ops.linalg_eig import linalg_ldl_factor_ex as ldl_factor_ex
from ._ops.linalg_eig import linalg_ldl_solve as ldl_solve
from ._ops.linalg_lu import linalg_cholesky_ex as cholesky_ex
from ._ops.linalg_lu import linalg_inv_ex as inv_ex
from ._ops.linalg_lu import linalg_lu as lu
from ._ops.linalg_lu import linalg_lu_factor as lu_factor
from ._ops.linalg_lu import linalg_lu_factor_ex as lu_factor_ex
from ._ops.linalg_lu import linalg_lu_solve as lu_solve
from ._ops.linalg_lu import linalg_solve_ex as solve_ex
from ._ops.linalg_lu import linalg_tensorinv as tensorinv
from ._ops.linalg_lu import linalg_tensorsolve as tensorsolve
from ._engine.op import OPS as _OPS

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
solve_triangular = _OPS["linalg_solve_triangular"]
matrix_exp = _OPS["matrix_exp"]
cond = _OPS["linalg_cond"]
vander = _OPS["linalg_vander"]
eigvals = _OPS["linalg_eigvals"]
householder_product = _OPS["linalg_householder_product"]


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """Mirrors `torch.linalg.diagonal`: torch.diagonal with the last two dimensions as default."""
    return _OPS["diagonal"](A, offset, dim1, dim2)


def slogdet(A, *, out=None):
    """Mirrors `torch.linalg.slogdet`."""
    from .return_types import wrap
    return wrap("linalg_slogdet", _slogdet(A, out=out), out)


__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
           "eigvalsh", "householder_product", "inv", "inv_ex", "ldl_factor", "ldl_factor_ex", "ldl_solve", "lstsq",
           "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power",
           "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd",
           "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm"]
