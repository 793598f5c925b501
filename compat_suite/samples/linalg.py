"""Samples for linear algebra: products (1-D/2-D/batched, broadcasting), einsum/tensordot, triangles and
diagonals, norms, determinants, solves and decompositions. Decompositions whose vectors are defined only
up to sign (svd, eigh, qr) are compared through invariant quantities (reconstructions, projectors)."""
import numpy as np

from ..harness import randint, randn
from ._base import Sample, add


def S(*inputs, call=None, grad=True, label="", tol=None, **kw):
    return Sample(tuple(inputs), kw, call=call, grad=grad, label=label, tol=tol)


def fn(name, *args, **kw):
    def call(t, *xs):
        return getattr(t, name)(*xs, *args, **kw)
    return call


def la(name, *args, **kw):
    def call(t, *xs):
        return getattr(t.linalg, name)(*xs, *args, **kw)
    return call


A = randn(3, 4)
B = randn(4, 5, seed=1)
SQ = randn(4, 4, seed=2) + 3 * np.eye(4, dtype=np.float32)  # well conditioned
SQ64 = SQ.astype(np.float64)
BSQ = randn(2, 3, 3, seed=3) + 3 * np.eye(3, dtype=np.float32)
SPD = (SQ @ SQ.T + np.eye(4, dtype=np.float32)).astype(np.float32)
SPD64 = SPD.astype(np.float64)
F64 = randn(3, 4, dtype=np.float64)

add("mm", S(A, B), S(F64, randn(4, 2, dtype=np.float64)), S(randn(0, 4), B, label="empty"),
    S(randn(3, 0), randn(0, 2), label="k=0"), S(randint(-3, 4, 2, 3), randint(-3, 4, 3, 2), label="int64"),
    S(A, B, call=lambda t, a, b: a.mm(b), label="method"))
add("matmul", S(randn(4), randn(4, seed=1), label="1x1"), S(randn(4), B, label="1x2"), S(A, randn(4), label="2x1"),
    S(A, B, label="2x2"), S(randn(2, 3, 4), B, label="3x2"), S(randn(2, 3, 4), randn(4), label="3x1"),
    S(randn(4), randn(2, 4, 3), label="1x3"), S(A, randn(2, 4, 3), label="2x3"),
    S(randn(2, 1, 3, 4), randn(5, 4, 2), label="broadcast batch"), S(randn(2, 3, 4), randn(2, 4, 5), label="3x3"),
    S(F64, randn(4, dtype=np.float64), label="f64"), S(randint(-3, 4, 2, 3), randint(-3, 4, 3), label="int"),
    S(A, B, call=lambda t, a, b: a @ b, label="@"), S(randn(0, 4), randn(4), label="empty"))
add("bmm", S(randn(2, 3, 4), randn(2, 4, 5)), S(randn(0, 3, 4), randn(0, 4, 5), label="empty batch"),
    S(randn(2, 3, 4, dtype=np.float64), randn(2, 4, 2, dtype=np.float64)))
add("mv", S(A, randn(4)), S(F64, randn(4, dtype=np.float64)), S(randn(0, 4), randn(4), label="empty"))
add("dot", S(randn(5), randn(5, seed=1)), S(randint(-3, 4, 5), randint(-3, 4, 5, seed=1), label="int"),
    S(randn(0), randn(0), label="empty"))
add("vdot", S(randn(5), randn(5, seed=1)), S(randn(3, dtype=np.float64), randn(3, dtype=np.float64, seed=1)))
add("inner", S(A, randn(4)), S(A, randn(2, 4)), S(randn(4), randn(4, seed=1)),
    S(np.array(2.0, np.float32), A, label="0-d"))
add("outer", S(randn(3), randn(4)), S(randn(3), randint(0, 4, 4), label="promotes"),
    S(randn(3), randn(4), call=fn("ger"), label="ger"))
_BIAS = {"bias": randn(5), "matrix bias": randn(3, 5)}
add("addmm", *[S(b, A, B, label=k) for k, b in _BIAS.items()], S(randn(3, 5), A, B, beta=0.5, alpha=2.0),
    S(np.full((3, 5), np.nan, np.float32), A, B, beta=0, label="beta=0 ignores nan"),
    S(randn(3, 5), A, B, call=lambda t, c, a, b: (c * 1).addmm_(a, b), label="in-place"))
add("addmv", S(randn(3), A, randn(4)), S(randn(3), A, randn(4), beta=2, alpha=0.5))
add("addr", S(randn(3, 4), randn(3), randn(4)), S(randn(4), randn(3), randn(4), alpha=2.0))
add("baddbmm", S(randn(2, 3, 5), randn(2, 3, 4), randn(2, 4, 5)),
    S(randn(3, 5), randn(2, 3, 4), randn(2, 4, 5), beta=0.5, alpha=-1.0, label="broadcast input"))
add("addbmm", S(randn(3, 5), randn(2, 3, 4), randn(2, 4, 5)),
    S(randn(5), randn(2, 3, 4), randn(2, 4, 5), beta=2.0, alpha=0.5))
add("einsum", S(A, B, call=lambda t, a, b: t.einsum("ij,jk->ik", a, b), label="matmul"),
    S(A, B, call=lambda t, a, b: t.einsum("ij,jk", [a, b]), label="list, implicit output"),
    S(randn(2, 3, 4), call=lambda t, a: t.einsum("bij->bji", a), label="transpose"),
    S(randn(4, 4), call=lambda t, a: t.einsum("ii", a), label="trace"),
    S(randn(2, 2, 3), randn(3, 4), call=lambda t, a, b: t.einsum("...ij,...jk->...ik", a, b), label="ellipsis"),
    S(randn(3), randn(4), call=lambda t, a, b: t.einsum("i, j -> ij", a, b), label="spaces"),
    S(randn(2, 3), randn(2, 3), call=lambda t, a, b: t.einsum(a, [0, 1], b, [0, 1], [0]), label="sublist"))
add("_tensordot", S(randn(2, 3, 4), randn(3, 4, 5), call=lambda t, a, b: t.tensordot(a, b)),
    S(A, B, call=lambda t, a, b: t.tensordot(a, b, 1), label="dims=1"),
    S(randn(2, 3, 4), randn(4, 3, 5), call=lambda t, a, b: t.tensordot(a, b, dims=([1, 2], [1, 0])), label="pairs"),
    S(A, randn(5), call=lambda t, a, b: t.tensordot(a, b, 0), label="dims=0"))
add("kron", S(randn(2, 3), randn(2, 2)), S(randn(3), randint(0, 3, 2), label="promotes"))
add("cross", S(randn(4, 3), randn(4, 3, seed=1), dim=1), S(randn(3, 2), randn(3, 2, seed=1), dim=0),
    S(randn(2, 3), randn(1, 3), dim=-1, label="broadcast"))
add("linalg_cross", S(randn(4, 3), randn(4, 3, seed=1), call=la("cross")),
    S(randn(3, 2), randn(3, 2, seed=1), call=la("cross", dim=0)))
add("linalg_vecdot", S(A, randn(4), call=la("vecdot")), S(A, randn(3, 1), call=la("vecdot", dim=0)))
add("trace", S(randn(4, 4)), S(A), S(randint(-3, 4, 3, 3), label="int"),
    S(randint(-3, 4, 3, 3, dtype=np.int32), label="int32 -> int64"))
for _name in ("tril", "triu"):
    add(_name, S(A), S(A, diagonal=1), S(A, diagonal=-1), S(randn(2, 3, 3)), S(randint(0, 5, 3, 3)),
        S(A, call=lambda t, a, n=_name: getattr(a * 1, n + "_")(), label="in-place"))
add("diag", S(randn(3)), S(randn(3), diagonal=1), S(A), S(A, diagonal=-1), S(randn(4), diagonal=-2),
    S(randint(0, 3, 3), label="int"))
add("diag_embed", S(A), S(A, offset=1), S(A, offset=-1, dim1=0, dim2=2), S(randn(2, 3), dim1=-1, dim2=0))
add("linalg_multi_dot", S(A, B, randn(5, 2), call=lambda t, *xs: t.linalg.multi_dot(list(xs))),
    S(randn(3), A, call=lambda t, *xs: t.linalg.multi_dot(list(xs)), label="1-D first"),
    S(A, B, randn(5), call=lambda t, *xs: t.linalg.multi_dot(list(xs)), label="1-D last"),
    S(A, B, call=lambda t, *xs: t.chain_matmul(*xs), label="chain_matmul"))
add("matrix_power", S(SQ, call=fn("matrix_power", 3)), S(SQ, call=fn("matrix_power", 0)),
    S(SQ, call=fn("matrix_power", -2), tol=(1e-4, 1e-5)), S(BSQ, call=lambda t, x: t.linalg.matrix_power(x, 2)))

# ----- norms -----
add("linalg_vector_norm", *[S(X, call=la("vector_norm", *a, **kw), label=f"{a} {kw}") for X, a, kw in [
    (A, (), {}), (A, (1,), {}), (A, (3,), {"dim": 1}), (A, (float("inf"),), {}), (A, (-float("inf"),), {"dim": 0}),
    (A, (0,), {}), (A, (2,), {"dim": (0, 1), "keepdim": True}), (F64, (1.5,), {"dim": -1}),
    (np.zeros((2, 3), np.float32), (), {"dim": 1}), (randn(0, 3), (), {}), (np.array(2.0, np.float32), (), {})]],
    S(A, call=lambda t, a: t.linalg.vector_norm(a, dtype=t.float64), label="dtype"))
add("linalg_matrix_norm", *[S(X, call=la("matrix_norm", *a, **kw), label=f"{a} {kw}") for X, a, kw in [
    (A, (), {}), (A, ("nuc",), {}), (A, (2,), {}), (A, (-2,), {}), (A, (1,), {}), (A, (-1,), {}),
    (A, (float("inf"),), {}), (A, (-float("inf"),), {"keepdim": True}), (randn(2, 3, 4), (), {}),
    (randn(2, 3, 4), (1,), {"dim": (0, 2)}), (F64, ("fro",), {"keepdim": True})]])
add("linalg_norm", S(A, call=la("norm")), S(A, call=la("norm", 1)), S(A, call=la("norm", "fro")),
    S(randn(5), call=la("norm", 3)), S(randn(2, 3, 4), call=la("norm", dim=(1, 2))),
    S(randn(2, 3, 4), call=la("norm", 2, dim=-1)), S(randn(2, 3, 4), call=la("norm")))
add("norm", S(A), S(A, p=1), S(A, p=2, dim=1), S(A, p=float("inf")), S(A, p="fro", dim=(0, 1), keepdim=True),
    S(A, p="nuc"), S(randn(2, 3, 4), p=3, dim=(1, 2)), S(np.zeros(3, np.float32), label="zeros: gradient 0"),
    S(F64, dim=0), S(A, call=lambda t, a: a.norm(), label="method"))

# ----- determinants, inverses, solves -----
add("det", S(SQ), S(BSQ), S(SQ64), S(randn(0, 0), label="0x0"), S(SQ, call=la("det"), label="linalg"))
add("logdet", S(SPD), S(BSQ), S(np.array([[-1.0, 0.0], [0.0, 1.0]], np.float32), grad=False, label="negative"))
add("slogdet", S(SQ, call=fn("slogdet")), S(BSQ, call=la("slogdet")), S(SQ64, call=lambda t, x: x.slogdet()))
add("inverse", S(SQ), S(BSQ), S(SQ64), S(SQ, call=la("inv"), label="linalg.inv"),
    S(BSQ, call=lambda t, x: x.inverse(), label="method"))
add("linalg_solve", S(SQ, randn(4, 2), call=la("solve")), S(SQ, randn(4), call=la("solve"), label="vector"),
    S(BSQ, randn(2, 3, 2), call=la("solve"), label="batched"), S(BSQ, randn(3, 2), call=la("solve"),
                                                                 label="broadcast B"),
    S(SQ, randn(2, 4), call=la("solve", left=False), label="left=False"))
add("_cholesky", S(SPD, call=la("cholesky")), S(SPD64, call=la("cholesky", upper=True)),
    S(SPD, call=fn("cholesky")), S(np.tril(SPD) + np.triu(randn(4, 4), 1), call=la("cholesky"), grad=False,
                                   label="reads the lower triangle"),
    S(SPD, call=lambda t, x: t.cholesky(x, True), label="torch.cholesky upper"))


def _svd_invariants(t, x, full=False):
    U, S_, Vh = t.linalg.svd(x, full_matrices=full)
    k = S_.shape[-1]
    return S_, (U[..., :k] * S_[..., None, :]) @ Vh[..., :k, :], U.abs(), Vh.mT @ Vh


def _qr_invariants(t, x, mode="reduced"):
    Q, R = t.linalg.qr(x, mode=mode)
    return Q @ R, (Q * R.diagonal(dim1=-2, dim2=-1).sign()[..., None, :]).abs(), R.abs()


def _old_svd(t, x):
    r = t.svd(x)
    return r.U @ t.diag(r.S) @ r.V.mT


def _qr_complete(t, x):
    q = t.linalg.qr(x, mode="complete")
    return q.Q @ q.R, q.Q.mT @ q.Q


def _old_qr(t, x):
    q = t.qr(x)
    return q.Q @ q.R


def _eigh_invariants(t, x, uplo="L"):
    w, V = t.linalg.eigh(x, UPLO=uplo)
    return w, (V * w[..., None, :]) @ V.mT, V.abs()


add("linalg_svd", S(A, call=_svd_invariants, tol=(1e-4, 1e-4)), S(A.T.copy(), call=_svd_invariants, tol=(1e-4, 1e-4)),
    S(randn(2, 3, 3), call=_svd_invariants, tol=(1e-4, 1e-4)), S(F64, call=_svd_invariants),
    S(A, call=lambda t, x: _svd_invariants(t, x, True)[0:2], tol=(1e-4, 1e-4), label="full_matrices"),
    S(A, call=lambda t, x: t.svd(x)[1], label="torch.svd S"),
    S(A, call=lambda t, x: _old_svd(t, x), tol=(1e-4, 1e-4), label="torch.svd"))
add("linalg_svdvals", S(A, call=la("svdvals")), S(randn(2, 3, 5), call=la("svdvals")))
add("linalg_qr", S(randn(4, 3), call=_qr_invariants, tol=(1e-4, 1e-4)), S(A, call=_qr_invariants, tol=(1e-4, 1e-4)),
    S(SQ64, call=_qr_invariants), S(randn(4, 3), call=lambda t, x: _qr_complete(t, x), grad=False, label="complete"),
    S(randn(4, 3), call=lambda t, x: t.linalg.qr(x, mode="r").R.abs(), grad=False, label="mode r"),
    S(randn(4, 3), call=lambda t, x: _old_qr(t, x), label="torch.qr"))
add("linalg_eigh", S(SPD, call=_eigh_invariants, tol=(1e-4, 1e-4)), S(SPD64, call=_eigh_invariants),
    S(SPD, call=lambda t, x: _eigh_invariants(t, x, "U"), tol=(1e-4, 1e-4), label="UPLO=U"),
    S(np.tril(SPD) + np.triu(randn(4, 4), 1), call=lambda t, x: t.linalg.eigh(x).eigenvalues, grad=False,
      tol=(1e-4, 1e-4), label="reads the lower triangle"))
add("linalg_eigvalsh", S(SPD, call=la("eigvalsh"), tol=(1e-4, 1e-4)), S(SPD64, call=la("eigvalsh", UPLO="U")))
add("linalg_pinv", S(A, call=la("pinv"), tol=(1e-4, 1e-4)), S(F64, call=la("pinv")),
    S(SPD64, call=la("pinv", hermitian=True), grad=False), S(A, call=lambda t, x: t.pinverse(x), tol=(1e-4, 1e-4),
                                                  label="pinverse"))
add("linalg_matrix_rank", S(A, call=la("matrix_rank")), S(np.outer(randn(4), randn(3)), call=la("matrix_rank"),
                                                           label="rank 1"),
    S(randn(2, 3, 3), call=la("matrix_rank")), S(SPD, call=la("matrix_rank", hermitian=True)),
    S(A, call=la("matrix_rank", atol=1.0, rtol=0.0), label="atol"))
add("linalg_lstsq", S(randn(5, 3, dtype=np.float64), randn(5, 2, dtype=np.float64),
                      call=lambda t, a, b: t.linalg.lstsq(a, b)[:3:2], label="gelsy: solution, rank"),
    S(randn(5, 3), randn(5, 2), call=lambda t, a, b: t.linalg.lstsq(a, b).solution, tol=(1e-4, 1e-4)),
    S(randn(5, 3, dtype=np.float64), randn(5, 2, dtype=np.float64), call=lambda t, a, b: t.linalg.lstsq(
        a, b, driver="gelsd"), label="gelsd"),
    S(SQ64, randn(4, dtype=np.float64), call=lambda t, a, b: t.linalg.lstsq(a, b).solution, label="vector"))

# ----- LU, triangular and Cholesky solves, *_ex forms (linalg_lu.py) -----
LOWER = np.tril(randn(4, 4, seed=5)) + 3 * np.eye(4, dtype=np.float32)
CHOL = np.linalg.cholesky(SPD64).astype(np.float32)
BCHOL = np.stack([CHOL, np.linalg.cholesky(SPD64 + 2 * np.eye(4)).astype(np.float32)])


def _lu_parts(t, x, **kw):
    return tuple(t.linalg.lu_factor_ex(x, **kw))


def _lu_solve(t, a, b, **kw):
    LU, piv = t.linalg.lu_factor(a)
    return t.linalg.lu_solve(LU, piv, b, **kw)


add("linalg_lu_factor_ex", S(SQ, call=_lu_parts), S(BSQ, call=_lu_parts), S(randn(3, 5), call=_lu_parts, label="wide"),
    S(randn(5, 3, dtype=np.float64), call=_lu_parts, label="tall"),
    S(SQ, call=lambda t, x: tuple(t.linalg.lu_factor(x)), label="lu_factor"),
    S(SQ, call=lambda t, x: t.lu(x), label="torch.lu"))
add("linalg_lu", S(SQ, call=lambda t, x: tuple(t.linalg.lu(x))),
    S(randn(2, 3, 5), call=lambda t, x: tuple(t.linalg.lu(x)), label="batched wide"),
    S(randn(5, 3, dtype=np.float64), call=lambda t, x: tuple(t.linalg.lu(x)), label="tall"))
add("lu_unpack", S(SQ, call=lambda t, x: tuple(t.lu_unpack(*t.linalg.lu_factor(x)))),
    S(randn(2, 5, 3), call=lambda t, x: tuple(t.lu_unpack(*t.linalg.lu_factor(x))), label="tall batched"),
    S(SQ, call=lambda t, x: t.lu_unpack(*t.linalg.lu_factor(x), unpack_pivots=False).L, label="no pivots"))
add("linalg_lu_solve", S(SQ, randn(4, 2), call=_lu_solve), S(BSQ, randn(3, 2), call=_lu_solve, label="broadcast"),
    S(SQ, randn(4, 2), call=lambda t, a, b: _lu_solve(t, a, b, adjoint=True), label="adjoint"),
    S(SQ, randn(2, 4), call=lambda t, a, b: _lu_solve(t, a, b, left=False), label="left=False"),
    S(SQ64, randn(2, 4, dtype=np.float64), call=lambda t, a, b: _lu_solve(t, a, b, left=False, adjoint=True),
      label="right adjoint"),
    S(SQ, randn(4, 2), call=lambda t, a, b: t.lu_solve(b, *t.linalg.lu_factor(a)), label="torch.lu_solve"))
add("linalg_solve_triangular", S(LOWER, randn(4, 2), call=la("solve_triangular", upper=False)),
    S(LOWER.T.copy(), randn(2, 4, 3), call=la("solve_triangular", upper=True), label="broadcast"),
    S(LOWER, randn(3, 4), call=la("solve_triangular", upper=False, left=False), label="left=False"),
    S(LOWER, randn(4, 2), call=la("solve_triangular", upper=False, unitriangular=True), label="unit"),
    S(SQ, randn(4, 2), call=la("solve_triangular", upper=True), label="reads one triangle"))
add("triangular_solve", S(randn(4, 2), LOWER.T.copy(), call=lambda t, b, a: tuple(t.triangular_solve(b, a))),
    S(randn(2, 4, 2), LOWER, call=lambda t, b, a: tuple(t.triangular_solve(b, a, upper=False, transpose=True)),
      label="batched transpose"),
    S(randn(4, 2), SQ, call=lambda t, b, a: b.triangular_solve(a, unitriangular=True).solution, label="method"))
add("cholesky_solve", S(randn(4, 2), CHOL), S(randn(4, 2), CHOL.T.copy(), upper=True),
    S(randn(2, 4, 3), CHOL, label="broadcast"), S(randn(4, 1), BCHOL, label="batched factor"))
add("cholesky_inverse", S(CHOL, call=lambda t, x: t.cholesky_inverse(x)),
    S(CHOL.T.copy(), call=lambda t, x: t.cholesky_inverse(x, upper=True)),
    S(BCHOL, call=lambda t, x: x.cholesky_inverse(), label="batched method"))
add("linalg_cholesky_ex", S(SPD, call=lambda t, x: tuple(t.linalg.cholesky_ex(x))),
    S(SPD64, call=lambda t, x: tuple(t.linalg.cholesky_ex(x, upper=True))),
    S(np.stack([SPD, -SPD]), call=lambda t, x: t.linalg.cholesky_ex(x).info, grad=False, label="info"))
add("linalg_inv_ex", S(SQ, call=lambda t, x: tuple(t.linalg.inv_ex(x))),
    S(BSQ, call=lambda t, x: tuple(t.linalg.inv_ex(x))),
    S(np.stack([np.eye(3), np.zeros((3, 3))]).astype(np.float32), call=lambda t, x: t.linalg.inv_ex(x).info,
      grad=False, label="info"))
add("linalg_solve_ex", S(SQ, randn(4, 2), call=lambda t, a, b: tuple(t.linalg.solve_ex(a, b))),
    S(BSQ, randn(3), call=lambda t, a, b: tuple(t.linalg.solve_ex(a, b)), label="vector"),
    S(SQ, randn(2, 4), call=lambda t, a, b: tuple(t.linalg.solve_ex(a, b, left=False)), label="left=False"))
add("matrix_exp", S(randn(3, 3)), S(randn(2, 4, 4, dtype=np.float64), call=la("matrix_exp"), label="linalg"),
    S(randn(1, 1), label="1x1"), S(3 * randn(3, 3, seed=2), tol=(1e-4, 1e-4), label="large norm"),
    S(randn(3, 3), call=lambda t, x: x.matrix_exp(), label="method"))
# (PyTorch's own backward fails for the norm-based orders: it writes into the inverse it saved)
add("linalg_cond", *[S(X, call=la("cond", p), label=str(p), grad=p in (None, 2, -2)) for X, p in [
    (SQ, None), (A, None), (SQ, -2), (SQ, 1), (SQ, -1), (SQ, float("inf")), (SQ, "fro"), (SQ64, "nuc"),
    (BSQ, None)]])
add("linalg_vander", S(randn(4), call=la("vander")), S(randn(2, 3), call=la("vander", N=5), label="N=5"),
    S(randint(-3, 4, 4), call=la("vander"), label="int"), S(np.array([0.0, 1.0, 2.0], np.float32), call=la("vander"),
                                                             label="zero"))
add("linalg_tensorinv", S(randn(4, 2, 2) + np.eye(4, dtype=np.float32).reshape(4, 2, 2) * 3,
                          call=lambda t, x: t.linalg.tensorinv(x, ind=1)),
    S((randn(6, 6, dtype=np.float64) + 3 * np.eye(6)).reshape(2, 3, 6), call=lambda t, x: t.linalg.tensorinv(x)))
add("linalg_tensorsolve", S((randn(6, 6) + 3 * np.eye(6, dtype=np.float32)).reshape(2, 3, 6), randn(2, 3),
                            call=lambda t, a, b: t.linalg.tensorsolve(a, b)),
    S((randn(6, 6, dtype=np.float64) + 3 * np.eye(6)).reshape(6, 2, 3), randn(3, 2, dtype=np.float64),
      call=lambda t, a, b: t.linalg.tensorsolve(a, b, dims=(0,)), label="dims"))

# ----- eig, Householder products (linalg_eig.py) -----
EIG = randn(4, 4, seed=7)


def _eig_invariants(t, x):
    w, V = t.linalg.eig(x)
    return w, (V * w[..., None, :]) @ t.linalg.inv(V), V.abs()


add("linalg_eig", S(EIG, call=_eig_invariants, tol=(1e-4, 1e-4)),
    S(randn(2, 3, 3, dtype=np.float64), call=_eig_invariants), S(SPD64, call=_eig_invariants, label="real spectrum"))
add("linalg_eigvals", S(EIG, call=la("eigvals"), tol=(1e-4, 1e-4)),
    S(randn(2, 3, 3, dtype=np.float64), call=la("eigvals")))
QR_IN = randn(5, 3, seed=8)


def _hh(t, x, k=None):
    a, tau = t.geqrf(x)
    tau = tau if k is None else tau[..., :k]
    return t.linalg.householder_product(a, tau)


add("linalg_householder_product", S(randn(5, 3), randn(3, seed=1), call=la("householder_product")),
    S(randn(2, 4, 4, dtype=np.float64), randn(2, 2, dtype=np.float64), call=la("householder_product"),
      label="batched, fewer reflectors"),
    S(QR_IN, call=lambda t, x: _hh(t, x.detach()), grad=False, label="Q of geqrf"))
add("geqrf", S(QR_IN, call=lambda t, x: tuple(t.geqrf(x)), grad=False),
    S(randn(2, 3, 4, dtype=np.float64), call=lambda t, x: tuple(x.geqrf()), grad=False, label="wide batched"))
add("ormqr", S(randn(4, 3), randn(3, seed=1), randn(4, 2, seed=2)),
    S(randn(4, 3), randn(3, seed=1), randn(2, 4, seed=2), left=False, label="right"),
    S(randn(4, 3, dtype=np.float64), randn(3, dtype=np.float64), randn(4, 2, dtype=np.float64), transpose=True,
      label="transpose"),
    S(randn(2, 4, 3), randn(2, 3, seed=1), randn(2, 3, 4, seed=2), left=False, transpose=True,
      label="batched right transpose"))
SYM = randn(5, 5, dtype=np.float64, seed=9)
SYM = SYM + SYM.T
SYM[0, 0] = 1e-3  # (forces a pivot interchange)


def _ldl_solve(t, a, b):
    LD, piv = t.linalg.ldl_factor(a)
    return t.linalg.ldl_solve(LD, piv, b)


add("linalg_ldl_factor_ex", S(SYM, call=lambda t, x: tuple(t.linalg.ldl_factor_ex(x)), grad=False),
    S(np.stack([SYM, np.zeros((5, 5))]).astype(np.float32), call=lambda t, x: tuple(t.linalg.ldl_factor_ex(x)),
      grad=False, label="batched, singular"))
add("linalg_ldl_solve", S(SYM, randn(5, 2, dtype=np.float64), call=_ldl_solve, grad=False),
    S(SYM.astype(np.float32), randn(3, 5, 1), call=_ldl_solve, grad=False, label="broadcast"))
