"""Norms, determinants, inverses, solves and decompositions (torch.linalg and the torch.* forms).

Errors that depend on values (a singular matrix, a matrix that is not positive-definite) are found
after the kernel ran, by a Python check of its result, and raised as LinAlgError."""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .. import return_types as RT
from .._tensor import Tensor, concrete
from .pointwise import real_abs
from .reduction import _dims, legacy
from .._engine.op import T, op

__all__ = ["cholesky", "inverse", "pinverse", "qr", "slogdet", "svd"]


class LinAlgError(RuntimeError):
    """Mirrors `torch.linalg.LinAlgError`."""


INF = float("inf")


def _float_check(name, x):
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {legacy(x)}")


def _square(name, x, dtype=True):
    if x.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if dtype:
        _float_check(name, x)
    if x.shape[-1] != x.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {x.shape[-2]} by "
                           f"{x.shape[-1]} matrices")


def _matrix(name, x):
    if x.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    _float_check(name, x)


def _mT(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


# ----- norms -----
def _safe_root(s, p):
    """s ** (1/p) with a zero gradient at s == 0 (PyTorch defines the norm's gradient at 0 as 0)."""
    zero = s == 0
    r = jnp.where(zero, jnp.ones((), s.dtype), s) ** jnp.asarray(1.0 / p, s.dtype)
    return jnp.where(zero, jnp.zeros((), s.dtype), r)


def _vector_norm(x, ord, axis, keepdim):
    a = jnp.abs(x) if jnp.iscomplexobj(x) else real_abs(x)  # (|x|' is 0 at 0, as PyTorch's sgn)
    if ord == INF:
        return jnp.max(a, axis=axis, keepdims=keepdim) if a.size else jnp.zeros(
            jnp.sum(a, axis=axis, keepdims=keepdim).shape, a.dtype)
    if ord == -INF:
        return jnp.min(a, axis=axis, keepdims=keepdim)
    if ord == 0:
        return jnp.sum((a != 0).astype(a.dtype), axis=axis, keepdims=keepdim)
    return _pnorm(x, float(ord), axis, keepdim)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2, 3))
def _pnorm(x, p, axis, keepdim):
    """sum(|x|^p)^(1/p) for a finite p other than 0."""
    a = jnp.abs(x)
    if p == 1:
        return jnp.sum(a, axis=axis, keepdims=keepdim)
    if p == 2:
        return jnp.sqrt(jnp.sum(a * a, axis=axis, keepdims=keepdim))
    return jnp.sum(a ** jnp.asarray(p, a.dtype), axis=axis, keepdims=keepdim) ** jnp.asarray(1 / p, a.dtype)


@_pnorm.defjvp
def _pnorm_jvp(p, axis, keepdim, primals, tangents):
    """PyTorch's norm derivative, d norm = Re sum(conj(w) dx): the weight w is 0 where PyTorch masks it
    (at x == 0 for p < 1, at norm == 0 for p > 1) and computed from x and the norm as PyTorch does, so that
    its own derivative there (NaN through the masked 0 / 0 in PyTorch) matches as well."""
    (x,), (t,) = primals, tangents
    norm = _pnorm(x, p, axis, True)
    a = jnp.abs(x)
    zero = jnp.zeros((), a.dtype)
    # PyTorch's sgn: 0 at 0 and at NaN
    sgn = jnp.where(jnp.isnan(x), zero, jnp.sign(x)) if not jnp.iscomplexobj(x) else \
        jnp.where(a == 0, jnp.zeros((), x.dtype), x / a.astype(x.dtype))
    pw = jnp.asarray(p - 1, a.dtype)
    c = (lambda r: r.astype(x.dtype)) if jnp.iscomplexobj(x) else (lambda r: r)  # (strict promotion: real to x's)
    if p == 1:
        w = sgn
    elif p < 1:
        w = sgn * c(jnp.where(x == 0, zero, a ** pw) * norm ** jnp.asarray(1 - p, a.dtype))
    elif p == 2:
        w = jnp.where(norm == 0, jnp.zeros((), x.dtype), x / c(norm))
    else:
        scale = jnp.where(norm == 0, zero, 1 / norm ** pw)
        w = (sgn * c(a ** pw) if p < 2 else x * c(a ** jnp.asarray(p - 2, a.dtype))) * c(scale)
    dn = jnp.real(jnp.sum(jnp.conj(w) * t, axis=axis, keepdims=keepdim))
    return _pnorm(x, p, axis, keepdim), dn.astype(a.dtype)


def _cast_to(x, dtype):
    return x.astype(dtype.np) if dtype is not None else x


@op(name="linalg_vector_norm", method=False, function=False)
def linalg_vector_norm(x: T, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    _float_check("linalg.vector_norm", x)
    if ord < 0 and x.size == 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                           f"operation does not have an identity")
    return _vector_norm(_cast_to(x, dtype), ord, _dims(dim, x.ndim), keepdim)


def _matrix_norm(name, a, ord, dim, keepdim):
    _matrix(name, a)
    d0, d1 = _dims(dim, a.ndim)
    if d0 == d1:
        raise RuntimeError(f"{name}: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return _safe_root(jnp.sum(jnp.abs(a) ** 2, axis=(d0, d1), keepdims=keepdim), 2)
    if ord in ("nuc", 2, -2):
        m = jnp.moveaxis(a, (d0, d1), (-2, -1))
        s = jnp.linalg.svd(m, compute_uv=False)
        r = jnp.sum(s, -1) if ord == "nuc" else (jnp.max(s, -1) if ord == 2 else jnp.min(s, -1))
        if keepdim:
            r = jnp.expand_dims(r, tuple(sorted((d0, d1))))
        return r
    if ord in (1, -1, INF, -INF):
        inner, outer = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = jnp.sum(jnp.abs(a), axis=inner, keepdims=True)
        r = (jnp.max if ord > 0 else jnp.min)(s, axis=outer, keepdims=True)
        return r if keepdim else jnp.squeeze(r, (d0, d1))
    raise RuntimeError(f"{name}: Order {ord} not supported.")


@op(name="linalg_matrix_norm", method=False, function=False)
def linalg_matrix_norm(A: T, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    return _matrix_norm("linalg.matrix_norm", _cast_to(A, dtype), ord, dim, keepdim)


@op(name="linalg_norm", method=False, function=False)
def linalg_norm(A: T, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    x = _cast_to(A, dtype)
    if dim is not None and not isinstance(dim, int) and len(dim) == 2:
        return _matrix_norm("linalg.norm", x, "fro" if ord is None else ord, dim, keepdim)
    if ord is not None and dim is None:
        if x.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                               f"Got {x.ndim}D.")
        if x.ndim == 2:
            return _matrix_norm("linalg.norm", x, ord, (-2, -1), keepdim)
    _float_check("linalg.vector_norm", x)
    return _vector_norm(x, 2 if ord is None else ord, _dims(dim, x.ndim), keepdim)


@op(grad_name="LinalgVectorNormBackward0")
def norm(input: T, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    x = _cast_to(input, dtype)
    if p in ("fro", "nuc") and (dim is None or (not isinstance(dim, int) and len(dim) == 2)):
        if p == "nuc":
            return _matrix_norm("linalg.matrix_norm", x, "nuc", dim if dim is not None else (-2, -1), keepdim)
        _float_check("linalg.vector_norm", x)
        return _vector_norm(x, 2, _dims(dim, x.ndim), keepdim)
    _float_check("linalg.vector_norm", x)
    return _vector_norm(x, 2 if p == "fro" else p, _dims(dim, x.ndim), keepdim)


# ----- determinants -----
@op(grad_name="LinalgDetBackward0")
def det(input: T, *, out=None):
    _square("linalg.det", input)
    if input.shape[-1] == 0:
        return jnp.ones(input.shape[:-2], input.dtype)
    return jnp.linalg.det(input)


@op(name="slogdet", grad_name="LinalgSlogdetBackward0")
def _slogdet(input: T, *, out=None):
    _square("linalg.slogdet", input)
    if input.shape[-1] == 0:
        return jnp.ones(input.shape[:-2], input.dtype), jnp.zeros(input.shape[:-2], input.dtype)
    return jnp.linalg.slogdet(input)


def slogdet(input, *, out=None):
    """Mirrors `torch.slogdet`."""
    return RT.wrap("slogdet", _slogdet(input, out=out), out)


@op()
def logdet(input: T):
    _square("linalg.det", input)
    sign, logabs = jnp.linalg.slogdet(input)
    real = sign.real if jnp.iscomplexobj(sign) else sign
    return jnp.where(real < 0, jnp.full((), jnp.nan, logabs.dtype), logabs)


# ----- inverses and solves (value-checked) -----
def _batch_prefix(batch_shape, flat_index) -> str:
    return f"(Batch element {flat_index}): " if batch_shape else ""


def _first_failure(info: Tensor):
    """(flat batch index, value) of the first nonzero LAPACK-style info, or None: none failed, or info
    is traced and cannot be read."""
    if not concrete(info):
        return None
    flat = np.asarray(info._data).reshape(-1)
    bad = np.flatnonzero(flat)
    return (int(bad[0]), int(flat[bad[0]])) if bad.size else None


def _check_inverse(A: Tensor, result: Tensor, name="linalg.inv") -> Tensor:
    """PyTorch reports a singular matrix by the first zero pivot of its LU factorization."""
    if not concrete(result) or bool(jnp.all(jnp.isfinite(result._data))):
        return result
    a = A._data
    lu, _ = jax.scipy.linalg.lu_factor(a.reshape((-1,) + a.shape[-2:]))
    diag = np.asarray(jnp.diagonal(lu, axis1=-2, axis2=-1))
    for b, row in enumerate(diag):
        zero = np.flatnonzero(row == 0)
        if zero.size:
            raise LinAlgError(f"{name}: {_batch_prefix(a.shape[:-2], b)}The diagonal element {zero[0] + 1} is zero, "
                              f"the inversion could not be completed because the input matrix is singular.")
    return result


@op(name="inverse", grad_name="LinalgInvExBackward0")
def _inverse(input: T, *, out=None):
    _square("linalg.inv", input)
    return jnp.linalg.inv(input)


def linalg_inv(A, *, out=None):
    """Mirrors `torch.linalg.inv`."""
    return _check_inverse(A, _inverse(A, out=out))


def inverse(input, *, out=None):
    """Mirrors `torch.inverse`."""
    return _check_inverse(input, _inverse(input, out=out))


@op(name="linalg_solve", method=False, function=False, grad_name="LinalgSolveExBackward0")
def _linalg_solve(A: T, B: T, left=True, *, out=None):
    _square("linalg.solve", A)
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{legacy(A)} and B of type {legacy(B)} instead")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    if not left:
        return _mT(_linalg_solve.fn(_mT(A), _mT(B) if not vector else B, True))
    n = A.shape[-1]
    bn = B.shape[-1] if vector else B.shape[-2]
    if bn != n:
        bs = f"{B.shape[-1]}x1" if vector else f"{B.shape[-2]}x{B.shape[-1]}"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B ({n}x{n} and {bs})")
    if vector:
        return jnp.linalg.solve(A, B[..., None])[..., 0]
    return jnp.linalg.solve(A, B)


def linalg_solve(A, B, *, left=True, out=None):
    """Mirrors `torch.linalg.solve`."""
    res = _linalg_solve(A, B, left, out=out)
    if concrete(res) and not bool(jnp.all(jnp.isfinite(res._data))) and bool(
            jnp.all(jnp.isfinite(A._data))) and bool(jnp.all(jnp.isfinite(B._data))):
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.")
    return res


# ----- Cholesky -----
def _from_lower(x, upper=False):
    """The Hermitian matrix PyTorch reads from one triangle of x: the value comes from that triangle only,
    while the gradient is PyTorch's, taken with respect to the whole (symmetric) matrix."""
    s = jax.lax.stop_gradient(x)
    low = jnp.tril(_mT(s)) if upper else jnp.tril(s)
    sym = low + _mT(jnp.tril(low, -1))
    return sym + (x - s)


@op(name="_cholesky", method=False, function=False, grad_name="LinalgCholeskyExBackward0")
def _cholesky(input: T, upper=False, name="linalg.cholesky", *, out=None):
    _square(name, input)
    L = jax.lax.linalg.cholesky(_from_lower(input, upper), symmetrize_input=True)
    return _mT(L) if upper else L


def _leading_minor(a: np.ndarray) -> int:
    """The order of the first leading minor that is not positive-definite (as LAPACK's potrf reports it)."""
    for k in range(1, a.shape[-1] + 1):
        try:
            np.linalg.cholesky(a[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return a.shape[-1]


def _check_cholesky(A, L, name, upper=False):
    if not concrete(L) or not bool(jnp.any(jnp.isnan(L._data))) or bool(jnp.any(jnp.isnan(A._data))):
        return L
    a = np.asarray(A._data)
    a = a.reshape((-1,) + a.shape[-2:])
    sym = np.asarray(jax.vmap(lambda m: _from_lower(m, upper))(jnp.asarray(a)))
    for b, m in enumerate(sym):
        try:
            np.linalg.cholesky(m)
        except np.linalg.LinAlgError:
            raise LinAlgError(f"{name}: {_batch_prefix(A.shape[:-2], b)}The factorization could not be completed "
                              f"because the input is not positive-definite (the leading minor of order "
                              f"{_leading_minor(m)} is not positive-definite).") from None
    return L


def linalg_cholesky(A, *, upper=False, out=None):
    """Mirrors `torch.linalg.cholesky`."""
    return _check_cholesky(A, _cholesky(A, upper, "linalg.cholesky", out=out), "linalg.cholesky", upper)


def cholesky(input, upper=False, *, out=None):
    """Mirrors `torch.cholesky` (deprecated in PyTorch in favour of torch.linalg.cholesky)."""
    return _check_cholesky(input, _cholesky(input, upper, "cholesky", out=out), "cholesky", upper)


# ----- SVD, QR, eigh -----
@op(name="linalg_svd", method=False, function=False, grad_name="LinalgSvdBackward0")
def _linalg_svd(A: T, full_matrices=True, driver=None, *, out=None):
    _matrix("linalg.svd", A)
    m, n = A.shape[-2:]
    U, S, Vh = jnp.linalg.svd(A, full_matrices=False)
    if full_matrices and m != n:
        # The extra columns/rows complete an orthonormal basis; PyTorch ignores them in the gradient too.
        Uf, _, Vhf = jnp.linalg.svd(jax.lax.stop_gradient(A), full_matrices=True)
        k = min(m, n)
        U = jnp.concatenate([U, Uf[..., :, k:]], axis=-1)
        Vh = jnp.concatenate([Vh, Vhf[..., k:, :]], axis=-2)
    return U, S, Vh


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """Mirrors `torch.linalg.svd`."""
    return RT.wrap("linalg_svd", _linalg_svd(A, full_matrices, driver, out=out), out)


@op(name="linalg_svdvals", method=False, function=False, grad_name="LinalgSvdBackward0")
def linalg_svdvals(A: T, *, driver=None, out=None):
    _matrix("linalg.svd", A)
    return jnp.linalg.svd(A, compute_uv=False)


def svd(input, some=True, compute_uv=True, *, out=None):
    """Mirrors `torch.svd`: V rather than Vh; with compute_uv=False, U and V are zeros."""
    U, S, Vh = _linalg_svd(input, not some)
    V = Vh.mH
    if not compute_uv:
        U, V = U.detach() * 0, V.detach() * 0
    return RT.wrap("svd", (U, S, V))


@op(name="linalg_qr", method=False, function=False, grad_name="LinalgQrBackward0")
def _linalg_qr(A: T, mode="reduced", *, out=None):
    _matrix("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           f"or 'complete'")
    if mode == "r":
        return jnp.zeros((0,), A.dtype), jnp.linalg.qr(A, mode="r")
    return jnp.linalg.qr(A, mode=mode)


def linalg_qr(A, mode="reduced", *, out=None):
    """Mirrors `torch.linalg.qr`."""
    return RT.wrap("linalg_qr", _linalg_qr(A, mode, out=out), out)


def qr(input, some=True, *, out=None):
    """Mirrors `torch.qr`."""
    return RT.wrap("qr", _linalg_qr(input, "reduced" if some else "complete", out=out), out)


def _uplo(name, UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"{name}: Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO == "U"


@op(name="linalg_eigh", method=False, function=False, grad_name="LinalgEighBackward0")
def _linalg_eigh(A: T, UPLO="L", *, out=None):
    _square("linalg.eigh", A)
    w, v = jnp.linalg.eigh(_from_lower(A, _uplo("linalg.eigh", UPLO)), symmetrize_input=True)
    return w, v


def linalg_eigh(A, UPLO="L", *, out=None):
    """Mirrors `torch.linalg.eigh`."""
    return RT.wrap("linalg_eigh", _linalg_eigh(A, UPLO, out=out), out)


@op(name="linalg_eigvalsh", method=False, function=False, grad_name="LinalgEighBackward0")
def linalg_eigvalsh(A: T, UPLO="L", *, out=None):
    _square("linalg.eigh", A)
    return jnp.linalg.eigvalsh(_from_lower(A, _uplo("linalg.eigh", UPLO)))


# ----- pseudo-inverse, rank, least squares -----
def _tolerance(s, m, n, atol, rtol):
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else max(m, n) * float(jnp.finfo(s.dtype).eps)
    smax = jnp.max(s, axis=-1, keepdims=True) if s.shape[-1] else jnp.zeros(s.shape[:-1] + (1,), s.dtype)
    return jnp.maximum(jnp.asarray(atol or 0.0, s.dtype), jnp.asarray(rtol, s.dtype) * smax)


@op(name="linalg_pinv", method=False, function=False, grad_name="LinalgPinvBackward0")
def linalg_pinv(A: T, *, atol=None, rtol=None, hermitian=False, out=None):
    _matrix("linalg.pinv", A)
    return _pinv(A, atol, rtol, hermitian)


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2, 3))
def _pinv(A, atol, rtol, hermitian):
    m, n = A.shape[-2:]
    if hermitian:
        # As PyTorch: eigh of the lower triangle (the input is assumed Hermitian, its upper half unread);
        # the singular values are |eigenvalues|.
        S, U = jnp.linalg.eigh(A, UPLO="L", symmetrize_input=False)
        keep = jnp.abs(S) > _tolerance(jnp.abs(S), m, n, atol, rtol)
        V = U
    else:
        U, S, Vh = jnp.linalg.svd(A, full_matrices=False)
        keep = S > _tolerance(S, m, n, atol, rtol)
        V = _mT(Vh)
    inv_s = jnp.where(keep, 1 / jnp.where(keep, S, jnp.ones((), S.dtype)), jnp.zeros((), S.dtype))
    return (V * inv_s[..., None, :].astype(A.dtype)) @ _mT(U)


@_pinv.defjvp
def _pinv_jvp(atol, rtol, hermitian, primals, tangents):
    """PyTorch's derivative of the pseudo-inverse P (Golub and Pereyra's, for a constant rank):
    dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P, the same whatever the tolerances or
    hermitian (then of the input as given). Its transpose is PyTorch's pinv_backward: no division by
    gaps between singular values, as the SVD's own derivative has."""
    (A,), (dA,) = primals, tangents
    P = _pinv(A, atol, rtol, hermitian)
    Ph, dAh = _mT(P), _mT(dA)
    dP = -P @ dA @ P + P @ (Ph @ (dAh - dAh @ (A @ P))) + (dAh - P @ (A @ dAh)) @ (Ph @ P)
    return P, dP


def pinverse(input, rcond=1e-15):
    """Mirrors `torch.pinverse`."""
    return linalg_pinv(input, rtol=rcond)


@op(name="linalg_matrix_rank", method=False, function=False, differentiable=False)
def linalg_matrix_rank(A: T, *, atol=None, rtol=None, hermitian=False, out=None):
    _matrix("linalg.matrix_rank", A)
    m, n = A.shape[-2:]
    s = jnp.abs(jnp.linalg.eigvalsh(A)) if hermitian else jnp.linalg.svd(A, compute_uv=False)
    return jnp.sum(s > _tolerance(s, m, n, atol, rtol), axis=-1).astype(jnp.int64)


@op(name="linalg_lstsq", method=False, function=False, grad_name="LinalgLstsqBackward0")
def _linalg_lstsq(A: T, B: T, rcond=None, driver=None):
    _matrix("linalg.lstsq", A)
    if A.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input's dtype {legacy(A)} and other's dtype {legacy(B)}")
    driver = driver or "gelsy"
    vector = B.ndim == A.ndim - 1
    b = B[..., None] if vector else B
    m, n = A.shape[-2:]
    if b.shape[-2] != m:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    eps = float(jnp.finfo(A.dtype).eps)
    rcond = max(m, n) * eps if rcond is None else rcond
    sol = linalg_pinv.fn(A, atol=None, rtol=rcond) @ b
    s = jnp.linalg.svd(jax.lax.stop_gradient(A), compute_uv=False)
    rank = jnp.sum(s > rcond * s[..., :1], axis=-1).astype(jnp.int64)
    empty = jnp.zeros((0,), A.dtype)
    sv = s if driver in ("gelsd", "gelss") else empty
    rank = rank if driver != "gels" else jnp.zeros((0,), jnp.int64)
    residuals = empty
    if m > n and driver != "gelsy":
        residuals = jnp.sum(jnp.abs(A @ sol - b) ** 2, axis=-2)
    return (sol[..., 0] if vector else sol), residuals, rank, sv


def linalg_lstsq(A, B, rcond=None, *, driver=None):
    """Mirrors `torch.linalg.lstsq` (solved through the pseudo-inverse; residuals as PyTorch's CPU drivers
    report them: none for the default gelsy)."""
    sol, res, rank, sv = _linalg_lstsq(A, B, rcond, driver)
    return RT.wrap("linalg_lstsq", (sol, res, rank, sv.detach()))  # PyTorch's singular values carry no gradient


def _install():
    for name, fn in {"svd": svd, "qr": qr, "slogdet": slogdet, "pinverse": pinverse, "cholesky": cholesky,
                     "inverse": inverse}.items():
        install(name, fn)


_install()
