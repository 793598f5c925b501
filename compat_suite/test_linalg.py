"""Linear algebra against real PyTorch: the shape and dtype errors of each product form, value-dependent
LinAlgErrors (singular, not positive-definite), named results, and gradients through decompositions
compared on quantities that do not depend on sign conventions."""
import numpy as np
import pytest

from .harness import check, check_error, randn


def r(t, *shape, dtype=None, seed=0):
    x = t.tensor(randn(*shape, seed=seed))
    return x if dtype is None else x.to(getattr(t, dtype))


ERRORS = {
    "matmul 2x2 shapes": lambda t: t.matmul(r(t, 2, 3), r(t, 4, 5)),
    "matmul 1x1 sizes": lambda t: t.matmul(r(t, 3), r(t, 4)),
    "matmul 1x2 shapes": lambda t: t.matmul(r(t, 3), r(t, 4, 2)),
    "matmul 2x1 sizes": lambda t: t.matmul(r(t, 2, 3), r(t, 4)),
    "matmul 3x2 shapes": lambda t: t.matmul(r(t, 5, 2, 3), r(t, 4, 2)),
    "matmul 3x1 sizes": lambda t: t.matmul(r(t, 2, 2, 3), r(t, 4)),
    "matmul 3x3 sizes": lambda t: t.matmul(r(t, 5, 2, 3), r(t, 5, 4, 2)),
    "matmul batch broadcast": lambda t: t.matmul(r(t, 5, 2, 3), r(t, 6, 3, 2)),
    "matmul 2x3 sizes": lambda t: t.matmul(r(t, 2, 3), r(t, 5, 4, 2)),
    "matmul 0-d": lambda t: t.matmul(t.tensor(1.0), r(t, 3)),
    "matmul dtype 2x2": lambda t: t.matmul(r(t, 2, 3), r(t, 3, 2, dtype="float64")),
    "matmul dtype 1x1": lambda t: t.matmul(r(t, 3), r(t, 3, dtype="float64")),
    "matmul dtype 2x1": lambda t: t.matmul(r(t, 2, 3), r(t, 3, dtype="float64")),
    "matmul dtype 3x3": lambda t: t.matmul(r(t, 4, 2, 3), r(t, 4, 3, 2, dtype="float64")),
    "@ dtype long float": lambda t: t.arange(6).view(2, 3) @ r(t, 3, 2),
    "mm dtype": lambda t: t.mm(r(t, 2, 3), r(t, 3, 2, dtype="float64")),
    "mm long float": lambda t: t.mm(t.arange(6).view(2, 3), r(t, 3, 2)),
    "mm shapes": lambda t: t.mm(r(t, 2, 3), r(t, 2, 2)),
    "mm not a matrix": lambda t: t.mm(r(t, 3), r(t, 3, 2)),
    "addmm mat dtypes": lambda t: t.addmm(r(t, 2), t.arange(6).view(2, 3), r(t, 3, 2)),
    "addmm self dtype": lambda t: t.addmm(r(t, 2, dtype="float64"), r(t, 2, 3), r(t, 3, 2)),
    "addmm bias shape": lambda t: t.addmm(r(t, 3), r(t, 2, 3), r(t, 3, 2)),
    "linear long input": lambda t: t.nn.functional.linear(t.arange(6).view(2, 3), r(t, 2, 3), r(t, 2)),
    "bmm not 3-D": lambda t: t.bmm(r(t, 2, 3), r(t, 3, 2)),
    "bmm batch": lambda t: t.bmm(r(t, 2, 2, 3), r(t, 3, 3, 2)),
    "bmm dtype": lambda t: t.bmm(r(t, 2, 2, 3), r(t, 2, 3, 2, dtype="float64")),
    "baddbmm dtype": lambda t: t.baddbmm(r(t, 2, 2, 2, dtype="float64"), r(t, 2, 2, 3), r(t, 2, 3, 2)),
    "mv sizes": lambda t: t.mv(r(t, 2, 3), r(t, 4)),
    "mv dtype": lambda t: t.mv(r(t, 2, 3), r(t, 3, dtype="float64")),
    "mv ranks": lambda t: t.mv(r(t, 3), r(t, 3)),
    "addmv dtype": lambda t: t.addmv(r(t, 2), r(t, 2, 3), r(t, 3, dtype="float64")),
    "dot sizes": lambda t: t.dot(r(t, 3), r(t, 4)),
    "dot ranks": lambda t: t.dot(r(t, 3, 1), r(t, 3)),
    "dot dtype": lambda t: t.dot(r(t, 3), r(t, 3, dtype="float64")),
    "vdot dtype": lambda t: t.vdot(r(t, 3), r(t, 3, dtype="float64")),
    "inner sizes": lambda t: t.inner(r(t, 2, 3), r(t, 4)),
    "inner dtype": lambda t: t.inner(r(t, 3), r(t, 3, dtype="float64")),
    "outer ranks": lambda t: t.outer(r(t, 2, 1), r(t, 3)),
    "cross length": lambda t: t.linalg.cross(r(t, 3, 2), r(t, 3, 2)),
    "cross dim length": lambda t: t.cross(r(t, 3, 2), r(t, 3, 2), dim=1),
    "trace vector": lambda t: t.trace(r(t, 3)),
    "tril vector": lambda t: t.tril(r(t, 3)),
    "triu vector": lambda t: t.triu(r(t, 3)),
    "diag 3-D": lambda t: t.diag(r(t, 2, 2, 2)),
    "einsum sizes": lambda t: t.einsum("ij,jk", r(t, 2, 3), r(t, 4, 2)),
    "einsum dtype": lambda t: t.einsum("i,i", r(t, 3), r(t, 3, dtype="float64")),
    "tensordot sizes": lambda t: t.tensordot(r(t, 2, 3), r(t, 4, 2), 1),
    "multi_dot one": lambda t: t.linalg.multi_dot([r(t, 2)]),
    "matrix_power non-square": lambda t: t.matrix_power(r(t, 2, 3), 2),
    "det non-square": lambda t: t.det(r(t, 2, 3)),
    "det vector": lambda t: t.det(r(t, 3)),
    "det int": lambda t: t.det(t.arange(4).view(2, 2)),
    "inv non-square": lambda t: t.linalg.inv(r(t, 2, 3)),
    "inverse non-square": lambda t: t.inverse(r(t, 2, 3)),
    "cholesky non-square": lambda t: t.linalg.cholesky(r(t, 2, 2, 3)),
    "solve shapes": lambda t: t.linalg.solve(r(t, 3, 3), r(t, 2)),
    "eigh non-square": lambda t: t.linalg.eigh(r(t, 2, 3)),
    "vector_norm int": lambda t: t.linalg.vector_norm(t.arange(3)),
    "norm int": lambda t: t.norm(t.arange(3)),
    "matrix_norm 1-D": lambda t: t.linalg.matrix_norm(r(t, 3)),
    "linalg.norm 3-D with ord": lambda t: t.linalg.norm(r(t, 3, 3, 3), "fro"),
    "vecdot dtype": lambda t: t.linalg.vecdot(r(t, 3), r(t, 3, dtype="float64")),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    check_error(lambda t: ERRORS[name](t), area="linalg", name=name)


def _linalg_error(call):
    """Raise PyTorch's LinAlgError as a RuntimeError carrying its message, after checking the class."""
    def fn(t, *xs):
        try:
            call(t, *xs)
        except t.linalg.LinAlgError as e:
            assert issubclass(t.linalg.LinAlgError, RuntimeError)
            raise RuntimeError(f"LinAlgError: {e}") from None
    return fn


SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]], np.float32)
LINALG_ERRORS = {
    "inv zeros": (lambda t, x: t.linalg.inv(x), np.zeros((3, 3), np.float32)),
    "inv singular element 3": (lambda t, x: t.linalg.inv(x), SINGULAR),
    "inv singular element 2": (lambda t, x: t.linalg.inv(x), np.array([[1.0, 2.0], [2.0, 4.0]])),
    "inverse singular": (lambda t, x: t.inverse(x), np.zeros((2, 2), np.float32)),
    "inv batch element": (lambda t, x: t.linalg.inv(x), np.stack([np.eye(2), np.zeros((2, 2))]).astype(np.float32)),
    "cholesky not PD": (lambda t, x: t.linalg.cholesky(x), -np.eye(3, dtype=np.float32)),
    "cholesky minor 2": (lambda t, x: t.linalg.cholesky(x), np.array([[4.0, 2.0], [2.0, -3.0]], np.float32)),
    "torch.cholesky not PD": (lambda t, x: t.cholesky(x), -np.eye(2, dtype=np.float32)),
    "solve singular": (lambda t, x: t.linalg.solve(x, t.ones(3)), np.zeros((3, 3), np.float32)),
}


@pytest.mark.parametrize("name", list(LINALG_ERRORS))
def test_linalg_errors(name):
    call, x = LINALG_ERRORS[name]
    check_error(_linalg_error(call), x, area="linalg", name=name)


def test_linalg_error_is_runtime_error():
    def fn(t):
        return issubclass(t.linalg.LinAlgError, RuntimeError), t.linalg.LinAlgError.__name__.strip("_")
    check(fn, grad=False, area="linalg")


# ----- results -----
SQ = randn(3, 3, seed=4) + 3 * np.eye(3, dtype=np.float32)
SPD = (SQ @ SQ.T + np.eye(3, dtype=np.float32)).astype(np.float32)


def test_svd_named_and_reconstructs():
    def fn(t, x):
        res = t.linalg.svd(x, full_matrices=False)
        return type(res).__name__, len(res), res.S, res.U @ t.diag(res.S) @ res.Vh
    check(fn, randn(3, 4), area="linalg", tol=(1e-4, 1e-4))


def test_svd_full_shapes_orthogonal():
    def fn(t, x):
        U, _, Vh = t.linalg.svd(x)
        return U.shape, Vh.shape, U.mT @ U, Vh @ Vh.mT
    check(fn, randn(3, 5), grad=False, area="linalg", tol=(1e-5, 1e-5))


def test_eigh_gradient_of_eigenvalues():
    check(lambda t, x: t.linalg.eigh(x).eigenvalues, SPD, area="linalg", tol=(1e-4, 1e-4))


def test_cholesky_solve_chain_gradient():
    def fn(t, a, b):
        L = t.linalg.cholesky(a)
        return t.linalg.solve(L @ L.mT, b)
    check(fn, SPD.astype(np.float64), randn(3, 2, dtype=np.float64), area="linalg")


def test_qr_named():
    def fn(t, x):
        q = t.linalg.qr(x, mode="reduced")
        return type(q).__name__, len(q), q.Q.shape, q.R.shape, q.Q @ q.R
    check(fn, randn(4, 3), area="linalg", tol=(1e-5, 1e-5))


def test_lstsq_named():
    def fn(t, a, b):
        res = t.linalg.lstsq(a, b)
        return type(res).__name__, len(res), res.solution, res.rank, res.residuals.shape
    check(fn, randn(5, 3, dtype=np.float64), randn(5, 2, dtype=np.float64), area="linalg")


def test_inv_times_input_is_identity():
    check(lambda t, x: (t.linalg.inv(x) @ x, t.inverse(x)), SQ.astype(np.float64), area="linalg")


def test_matrix_rank_dtype():
    check(lambda t, x: t.linalg.matrix_rank(x), np.diag([1.0, 1e-9, 2.0]).astype(np.float32), grad=False,
          area="linalg")


def test_norm_gradient_at_zero():
    check(lambda t, x: (t.linalg.vector_norm(x), t.linalg.norm(x), x.norm()), np.zeros(3, np.float32),
          area="linalg")


def test_matmul_grad_fn_names():
    def fn(t):
        a = t.ones(2, 3, requires_grad=True)
        v = t.ones(3, requires_grad=True)
        return [o.grad_fn.name() for o in (a @ a.mT, a @ v, v @ v, v @ a.mT, t.mm(a, a.mT), t.bmm(a[None], a.mT[None]),
                                           t.addmm(v[:2], a, a.mT), t.linalg.det(a @ a.mT), t.trace(a @ a.mT))]
    check(fn, grad=False, area="linalg")


def test_addmm_inplace_scaled():
    def fn(t, c, a, b):
        y = c * 1
        y.addmm_(a, b, beta=0.5, alpha=2)
        return y
    check(fn, randn(2, 2), randn(2, 3), randn(3, 2), area="linalg")


def test_einsum_bilinear_gradients():
    check(lambda t, a, b, c: t.einsum("bi,ij,bj->b", a, b, c), randn(4, 3), randn(3, 5), randn(4, 5),
          area="linalg")
