"""Factorizations and the solves built on them against real PyTorch: LU (pivots as LAPACK's 1-based int32),
triangular and Cholesky-based solves, the *_ex forms and their `info`, matrix_exp, cond, vander, tensorinv,
tensorsolve, eig, Householder products and the randomized low-rank SVD; named results, gradients, and the
errors PyTorch raises (argument checks and value-dependent LinAlgErrors)."""
import numpy as np
import pytest

from .harness import check, check_error, randn
from .test_linalg import _linalg_error


def r(t, *shape, dtype=None, seed=0):
    x = t.tensor(randn(*shape, seed=seed))
    return x if dtype is None else x.to(getattr(t, dtype))


SQ = randn(4, 4, seed=11) + 3 * np.eye(4, dtype=np.float32)
SQ64 = SQ.astype(np.float64)
SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]], np.float32)
SPD64 = SQ64 @ SQ64.T + np.eye(4)
CHOL64 = np.linalg.cholesky(SPD64)


def _lu(t, x):
    return t.linalg.lu_factor(x)


ERRORS = {
    "lu_factor 1-D": lambda t: t.linalg.lu_factor(r(t, 3)),
    "lu_factor int": lambda t: t.linalg.lu_factor(t.ones(3, 3, dtype=t.long)),
    "lu_factor no pivoting": lambda t: t.linalg.lu_factor(r(t, 3, 3), pivot=False),
    "lu no pivoting": lambda t: t.linalg.lu(r(t, 3, 3), pivot=False),
    "lu_unpack int64 pivots": lambda t: t.lu_unpack(r(t, 3, 3), t.ones(3, dtype=t.long)),
    "lu_unpack pivots out of range": lambda t: t.lu_unpack(r(t, 3, 3), t.tensor([5, 1, 1], dtype=t.int32)),
    "lu_solve shapes": lambda t: t.linalg.lu_solve(*_lu(t, r(t, 3, 3)), r(t, 4, 2)),
    "lu_solve non-square": lambda t: t.linalg.lu_solve(*_lu(t, r(t, 3, 4)), r(t, 3, 2)),
    "lu_solve dtype": lambda t: t.linalg.lu_solve(*_lu(t, r(t, 3, 3)), r(t, 3, 2, dtype="float64")),
    "lu_solve pivots dtype": lambda t: t.linalg.lu_solve(r(t, 3, 3), t.ones(3, dtype=t.long), r(t, 3, 2)),
    "solve_triangular no upper": lambda t: t.linalg.solve_triangular(r(t, 3, 3), r(t, 3, 2)),
    "solve_triangular shapes": lambda t: t.linalg.solve_triangular(r(t, 3, 3), r(t, 4, 2), upper=True),
    "solve_triangular vector B": lambda t: t.linalg.solve_triangular(r(t, 3, 3), r(t, 3), upper=True),
    "triangular_solve shapes": lambda t: t.triangular_solve(r(t, 4, 2), r(t, 3, 3)),
    "triangular_solve dtype": lambda t: t.triangular_solve(r(t, 3, 2), r(t, 3, 3, dtype="float64")),
    "triangular_solve 1-D b": lambda t: t.triangular_solve(r(t, 3), r(t, 3, 3)),
    "cholesky_solve shapes": lambda t: t.cholesky_solve(r(t, 4, 2), r(t, 3, 3)),
    "cholesky_solve dtype": lambda t: t.cholesky_solve(r(t, 3, 2), r(t, 3, 3, dtype="float64")),
    "cholesky_inverse non-square": lambda t: t.cholesky_inverse(r(t, 3, 2)),
    "cholesky_inverse 1-D": lambda t: t.cholesky_inverse(r(t, 3)),
    "cholesky_inverse int": lambda t: t.cholesky_inverse(t.ones(3, 3, dtype=t.long)),
    "matrix_exp int": lambda t: t.matrix_exp(t.ones(3, 3, dtype=t.long)),
    "matrix_exp non-square": lambda t: t.matrix_exp(r(t, 3, 2)),
    "matrix_exp 1-D": lambda t: t.linalg.matrix_exp(r(t, 3)),
    "cond fro non-square": lambda t: t.linalg.cond(r(t, 3, 2), "fro"),
    "cond int": lambda t: t.linalg.cond(t.ones(3, 3, dtype=t.long)),
    "cond order": lambda t: t.linalg.cond(r(t, 3, 3), 3),
    "vander N=1": lambda t: t.linalg.vander(r(t, 3), N=1),
    "vander 0-d": lambda t: t.linalg.vander(t.tensor(1.0)),
    "vander bool": lambda t: t.linalg.vander(t.tensor([True, False])),
    "tensorinv ind=0": lambda t: t.linalg.tensorinv(r(t, 2, 2), ind=0),
    "tensorinv shapes": lambda t: t.linalg.tensorinv(r(t, 2, 3, 4), ind=1),
    "tensorsolve shapes": lambda t: t.linalg.tensorsolve(r(t, 2, 3, 4), r(t, 2)),
    "eig non-square": lambda t: t.linalg.eig(r(t, 3, 2)),
    "eigvals non-square": lambda t: t.linalg.eigvals(r(t, 3, 2)),
    "householder_product wide": lambda t: t.linalg.householder_product(r(t, 2, 3), r(t, 2)),
    "householder_product tau length": lambda t: t.linalg.householder_product(r(t, 3, 2), r(t, 3)),
    "householder_product dtype": lambda t: t.linalg.householder_product(r(t, 3, 2), r(t, 2, dtype="float64")),
    "householder_product 1-D": lambda t: t.linalg.householder_product(r(t, 3), r(t, 2)),
    "householder_product batch": lambda t: t.linalg.householder_product(r(t, 2, 3, 2), r(t, 3, 2)),
    "geqrf int": lambda t: t.geqrf(t.ones(3, 3, dtype=t.long)),
    "geqrf 1-D": lambda t: t.geqrf(r(t, 3)),
    "ormqr other rows": lambda t: t.ormqr(r(t, 3, 2), r(t, 2), r(t, 4, 2)),
    "ormqr tau length": lambda t: t.ormqr(r(t, 4, 3), r(t, 2), r(t, 4, 2)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    check_error(lambda t: ERRORS[name](t), area="linalg", name=name)


LINALG_ERRORS = {
    "inv_ex check_errors": (lambda t, x: t.linalg.inv_ex(x, check_errors=True), SINGULAR),
    "solve_ex check_errors": (lambda t, x: t.linalg.solve_ex(x, t.ones(3), check_errors=True), SINGULAR),
    "cholesky_ex check_errors": (lambda t, x: t.linalg.cholesky_ex(x, check_errors=True), -np.eye(3, dtype=np.float32)),
    "cholesky_inverse singular": (lambda t, x: t.cholesky_inverse(x), np.zeros((3, 3), np.float32)),
    "tensorinv singular": (lambda t, x: t.linalg.tensorinv(x, ind=2), np.zeros((2, 2, 4), np.float32)),
}


@pytest.mark.parametrize("name", list(LINALG_ERRORS))
def test_linalg_errors(name):
    call, x = LINALG_ERRORS[name]
    check_error(_linalg_error(call), x, area="linalg", name=name)


@pytest.mark.parametrize("batch", [False, True])
def test_lu_factor_singular_is_runtime_error(batch):
    x = np.stack([np.eye(3, dtype=np.float32), SINGULAR]) if batch else SINGULAR
    check_error(lambda t, a: t.linalg.lu_factor(a), x, area="linalg", name=f"lu_factor singular {batch}")
    check_error(lambda t, a: t.linalg.lu_factor_ex(a, check_errors=True), x, area="linalg")


def test_lu_factor_ex_info_and_pivots():
    def fn(t, a):
        res = t.linalg.lu_factor_ex(a)
        return type(res).__name__, res.LU, res.pivots, res.info, str(res.pivots.dtype), str(res.info.dtype)
    batch = np.stack([SINGULAR, np.eye(3, dtype=np.float32)[[2, 0, 1]], np.zeros((3, 3), np.float32)])
    check(fn, batch, grad=False, area="linalg")


def test_lu_named_results_and_gradients():
    def fn(t, a):
        P, L, U = t.linalg.lu(a)
        res = t.lu_unpack(*t.linalg.lu_factor(a))
        return (type(t.linalg.lu(a)).__name__, type(res).__name__, P, L, U, P.requires_grad, res.P.requires_grad,
                res.L, res.U, L.grad_fn.name())
    check(fn, randn(2, 4, 3, dtype=np.float64), area="linalg")


def test_torch_lu_tuple_and_infos():
    def fn(t, a):
        plain = t.lu(a)
        infos = t.lu(a, get_infos=True)
        return type(plain).__name__, len(plain), len(infos), plain[0], plain[1], infos[2]
    check(fn, SINGULAR, grad=False, area="linalg")


@pytest.mark.parametrize("left,adjoint", [(True, False), (True, True), (False, False), (False, True)])
def test_lu_solve_matches_solve(left, adjoint):
    def fn(t, a, b):
        LU, piv = t.linalg.lu_factor(a)
        return t.linalg.lu_solve(LU, piv, b, left=left, adjoint=adjoint)
    check(fn, SQ64, randn(2, 4, 4, dtype=np.float64), area="linalg")


def test_triangular_named_and_reads_one_triangle():
    def fn(t, a, b):
        res = t.triangular_solve(b, a, upper=False)
        return (type(res).__name__, res.solution, res.cloned_coefficient,
                t.linalg.solve_triangular(a, b, upper=True, unitriangular=True))
    check(fn, SQ64, randn(4, 2, dtype=np.float64), area="linalg")


def test_cholesky_solve_and_inverse_gradients_reach_the_whole_factor():
    # PyTorch differentiates with respect to every entry of the factor, the other triangle included
    def fn(t, L, b):
        return t.cholesky_solve(b, L), t.cholesky_inverse(L), t.cholesky_solve(b, L.mT, upper=True)
    check(fn, CHOL64, randn(4, 3, dtype=np.float64), area="linalg")


def test_ex_forms_named_info():
    def fn(t, a):
        ci = t.linalg.cholesky_ex(a @ a.mT + t.eye(4, dtype=a.dtype))
        ii = t.linalg.inv_ex(a)
        si = t.linalg.solve_ex(a, a[..., :1])
        bad = t.linalg.cholesky_ex(-a @ a.mT).info
        sing = t.linalg.inv_ex(a * 0).info
        return (type(ci).__name__, type(ii).__name__, type(si).__name__, ci.L, ci.info, ii.inverse, ii.info,
                si.result, si.info, bad, sing, str(ci.info.dtype))
    check(fn, SQ64, area="linalg")


def test_cholesky_ex_info_and_partial_factor():
    # where a leading minor fails, L is LAPACK's partial factor: the columns before it factored, the failing
    # pivot's value on the diagonal, A's values from there on
    a = np.array([[4.0, 2, 1, 0.5], [2, -3, 0, 1], [1, 0, 5, 2], [0.5, 1, 2, 7]], np.float32)

    def fn(t, x):
        lo, up = t.linalg.cholesky_ex(x), t.linalg.cholesky_ex(x, upper=True)
        return lo.L, lo.info, up.L, up.info
    check(fn, np.stack([a, np.diag([4.0, 1.0, -1.0, 2.0]).astype(np.float32), np.eye(4, dtype=np.float32)]),
          grad=False, area="linalg")


def test_matrix_exp_and_gradients():
    # (a large-norm and a small-norm matrix: scaling and squaring, and a low Taylor degree)
    x = randn(2, 3, 3, dtype=np.float64, seed=3) * np.array([2.0, 0.01])[:, None, None]
    check(lambda t, a: t.matrix_exp(a), x, area="linalg")


def test_cond_orders():
    def fn(t, a):
        return [t.linalg.cond(a, p) for p in (None, -2, 1, float("inf"), "fro", "nuc")]
    check(fn, SQ64, grad=False, area="linalg")
    check(lambda t, a: t.linalg.cond(a, 1), SINGULAR.astype(np.float64), grad=False, area="linalg")


def test_vander_tensorinv_tensorsolve_diagonal():
    def fn(t, x, a, b):
        return (t.linalg.vander(x), t.linalg.vander(x, N=2), t.linalg.tensorinv(a.reshape(4, 2, 2), ind=1),
                t.linalg.tensorsolve(a.reshape(2, 2, 4), b), t.linalg.diagonal(a.reshape(2, 2, 4), offset=1))
    check(fn, randn(3, dtype=np.float64), SQ64, randn(2, 2, dtype=np.float64), area="linalg")


def test_eig_values_vectors_and_gradients():
    x = randn(4, 4, dtype=np.float64, seed=9)

    def fn(t, a):
        w, V = t.linalg.eig(a)
        return (type(t.linalg.eig(a)).__name__, w, V, t.linalg.eigvals(a), str(w.dtype),
                (V * w[None]) @ t.linalg.inv(V), V.abs())
    check(fn, x, area="linalg")


def test_householder_geqrf_ormqr():
    def fn(t, a, c):
        qr = t.geqrf(a.detach())
        Q = t.linalg.householder_product(qr.a, qr.tau)
        return (type(qr).__name__, qr.a, qr.tau, Q, t.ormqr(qr.a, qr.tau, c, transpose=True),
                t.linalg.householder_product(a, a[:, 0].detach()), t.ormqr(a, a[:, 0], c))
    check(fn, randn(4, 4, dtype=np.float64), randn(4, 2, dtype=np.float64), area="linalg")


def test_lowrank_on_a_low_rank_matrix():
    m = (randn(6, 2, dtype=np.float64) @ randn(2, 5, dtype=np.float64, seed=1))

    def fn(t, a):
        U, S, V = t.svd_lowrank(a, q=3, niter=1)
        Up, Sp, Vp = t.pca_lowrank(a, q=2, niter=0)
        c = a - a.mean(0, keepdim=True)
        return S[:2], U.shape, V.shape, U @ t.diag(S) @ V.mT, Sp, Up @ t.diag(Sp) @ Vp.mT - c
    check(fn, m, grad=False, area="linalg", tol=(1e-6, 1e-6))


def test_ldl_factor_and_solve():
    a = randn(6, 6, dtype=np.float64, seed=4)
    a = a + a.T
    a[0, 0] = 1e-4

    def fn(t, x, b):
        res = t.linalg.ldl_factor_ex(x)
        LD, piv = t.linalg.ldl_factor(x)
        return type(res).__name__, res.LD, res.pivots, res.info, LD, t.linalg.ldl_solve(LD, piv, b)
    check(fn, a, randn(6, 3, dtype=np.float64), grad=False, area="linalg")
