"""The general eigendecomposition (linalg.eig, linalg.eigvals), Householder products (geqrf,
linalg.householder_product, ormqr), LDL factorizations and the randomized low-rank SVD and PCA."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .. import return_types as RT

from .linalg_decomp import _first_failure, _mT, _square, linalg_qr, linalg_svd
from .linalg_lu import result_type
from .random import randn
from .reduction import legacy
from .._engine.op import T, op

__all__ = ["geqrf", "ormqr", "pca_lowrank", "svd_lowrank"]

result_type("linalg_eig", "eigenvalues eigenvectors")
result_type("geqrf", "a tau")
result_type("linalg_ldl_factor", "LD pivots")
result_type("linalg_ldl_factor_ex", "LD pivots info")


def _complex_of(x):
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        return x.dtype
    return jnp.complex128 if x.dtype == jnp.float64 else jnp.complex64


# ----- eig -----
@jax.custom_jvp
def _eig(A):
    w, v = jnp.linalg.eig(A)
    return w, v


@_eig.defjvp
def _eig_jvp(primals, tangents):
    """PyTorch's linalg_eig_jvp: with dP = V^-1 dA V, dL = diag(dP) and dV = V (dP / (L_j - L_i), zero
    diagonal), less V diag(Re(V^H dV)) so that the eigenvectors keep unit norm. (JAX differentiates only
    the eigenvalues.)"""
    (A,), (dA,) = primals, tangents
    L, V = _eig(A)
    dP = jnp.linalg.solve(V, dA.astype(V.dtype) @ V)
    dL = jnp.diagonal(dP, axis1=-2, axis2=-1)
    n = L.shape[-1]
    eye = jnp.eye(n, dtype=bool)
    gap = L[..., None, :] - L[..., :, None]
    dV = V @ jnp.where(eye, jnp.zeros((), V.dtype), dP / jnp.where(eye, jnp.ones((), V.dtype), gap))
    dV = dV - V * jnp.real(jnp.diagonal(_mT(V) @ dV, axis1=-2, axis2=-1)).astype(V.dtype)[..., None, :]
    return (L, V), (dL, dV)


def _eig_checks(name, A):
    _square(name, A, dtype=False)
    if not jnp.issubdtype(A.dtype, jnp.inexact):
        raise RuntimeError(f"Unknown Complex ScalarType for {legacy(A)}")


@op(name="linalg_eig", method=False, function=False, grad_name="LinalgEigBackward0")
def _linalg_eig(A: T, *, out=None):
    _eig_checks("linalg.eig", A)
    if A.shape[-1] == 0:
        c = _complex_of(A)
        return jnp.zeros(A.shape[:-1], c), jnp.zeros(A.shape, c)
    return _eig(A)


def linalg_eig(A, *, out=None):
    """Mirrors `torch.linalg.eig`: complex eigenvalues and unit-norm eigenvectors (LAPACK geev's)."""
    return RT.wrap("linalg_eig", _linalg_eig(A, out=out), out)


@op(name="linalg_eigvals", method=False, function=False, grad_name="LinalgEigBackward0")
def linalg_eigvals(A: T, *, out=None):
    _eig_checks("linalg.eigvals", A)
    if A.shape[-1] == 0:
        return jnp.zeros(A.shape[:-1], _complex_of(A))
    return _eig(A)[0]


# ----- Householder products -----
def _reflector(A, i):
    """The i-th Householder vector stored below A's diagonal: 0 above row i, 1 at row i."""
    m = A.shape[-2]
    col = jax.lax.dynamic_index_in_dim(A, i, axis=A.ndim - 1, keepdims=False)
    rows = jnp.arange(m)
    return jnp.where(rows < i, jnp.zeros((), A.dtype), jnp.where(rows == i, jnp.ones((), A.dtype), col))


def _tau(tau, i):
    return jax.lax.dynamic_index_in_dim(tau, i, axis=tau.ndim - 1, keepdims=False)[..., None, None]


def _apply_reflectors(A, tau, C, left, adjoint):
    """op(Q) C (left) or C op(Q), Q = H_0 ... H_{k-1}, H_i = I - tau_i v_i v_i^H; op is ^H when adjoint."""
    k = tau.shape[-1]
    # the order of the factors in op(Q)'s product as applied to C
    forward = (left and adjoint) or (not left and not adjoint)

    def body(j, C):
        i = j if forward else k - 1 - j
        v = _reflector(A, i)
        t = _tau(tau, i)
        t = jnp.conj(t) if adjoint else t
        if left:
            return C - t * v[..., :, None] * (jnp.conj(v)[..., None, :] @ C)
        return C - t * (C @ v[..., :, None]) * jnp.conj(v)[..., None, :]
    return jax.lax.fori_loop(0, k, body, C) if k else C


@op(name="linalg_householder_product", method=False, function=False,
    grad_name="LinalgHouseholderProductBackward0")
def linalg_householder_product(A: T, tau: T, *, out=None):
    name = "torch.linalg.householder_product"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if n < tau.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if A.ndim - tau.ndim != 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {A.ndim}")
    if tau.shape[:-1] != A.shape[:-2]:
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{name}: tau dtype {legacy(tau)} does not match input dtype {legacy(A)}")
    if not jnp.issubdtype(A.dtype, jnp.inexact):
        raise RuntimeError(f'"orgqr_cpu" not implemented for \'{legacy(A)}\'')
    eye = jnp.broadcast_to(jnp.eye(m, n, dtype=A.dtype), A.shape)
    return _apply_reflectors(A, tau, eye, True, False)


@op(name="ormqr", grad_name="OrmqrBackward0")
def ormqr(input: T, input2: T, input3: T, left=True, transpose=False, *, out=None):
    A, tau, C = input, input2, input3
    name = "torch.ormqr"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if C.ndim < 2:
        raise RuntimeError(f"{name}: other must have at least 2 dimensions.")
    side = -2 if left else -1
    if C.shape[side] != A.shape[-2]:
        raise RuntimeError(f"{name}: other.shape[{side}] must be equal to input.shape[-2]")
    if tau.shape[-1] != min(C.shape[side], A.shape[-1]):
        raise RuntimeError(f"{name}: tau.shape[-1] must be equal to min(other.shape[{side}], input.shape[-1])")
    if A.ndim - tau.ndim != 1:
        raise RuntimeError(f"{name}: input.dim() must be greater than tau.dim() by 1")
    if A.ndim != C.ndim:
        raise RuntimeError(f"{name}: input.dim() must be equal to other.dim()")
    if tau.shape[:-1] != A.shape[:-2]:
        raise RuntimeError(f"{name}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau.shape[:-1])}")
    if C.shape[:-2] != A.shape[:-2]:
        raise RuntimeError(f"{name}: Expected batch dimensions of other to be equal to input.shape[:-2], but got "
                           f"{list(C.shape[:-2])}")
    for nm, x in (("tau", tau), ("other", C)):
        if x.dtype != A.dtype:
            raise RuntimeError(f"{name}: Expected input and {nm} to have the same dtype, but input has dtype "
                               f"{legacy(A)} and {nm} has dtype {legacy(x)}")
    if not jnp.issubdtype(A.dtype, jnp.inexact):
        raise RuntimeError(f'"ormqr_cpu" not implemented for \'{legacy(A)}\'')
    return _apply_reflectors(A, tau, C, left, transpose)


@op(name="geqrf", differentiable=False)
def _geqrf(input: T, *, out=None):
    if input.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if not jnp.issubdtype(input.dtype, jnp.inexact):
        raise NotImplementedError(f'"geqrf_cpu" not implemented for \'{legacy(input)}\'')
    if 0 in input.shape[-2:]:
        return input, jnp.zeros(input.shape[:-2] + (0,), input.dtype)
    from jax._src.lax.linalg import geqrf as _jax_geqrf
    return _jax_geqrf(input)


def geqrf(input, *, out=None):
    """Mirrors `torch.geqrf`: LAPACK's compact QR (R above the diagonal, Householder vectors below, their
    scales in tau). Not differentiable, as in PyTorch."""
    return RT.wrap("geqrf", _geqrf(input, out=out), out)


# ----- LDL (Bunch-Kaufman, as LAPACK's unblocked sytf2/sytrs with the lower triangle) -----
_ALPHA = (1.0 + 17.0 ** 0.5) / 8.0


def _sytf2(a):
    """LAPACK dsytf2 (lower) on one real symmetric matrix: (LD, 1-based pivots, info). Negative pivot pairs
    mark 2 x 2 blocks of D."""
    a = np.tril(np.array(a, dtype=a.dtype, copy=True))
    n = a.shape[0]
    ipiv = np.zeros(n, np.int32)
    info = 0
    k = 0
    while k < n:
        kstep = 1
        absakk = abs(a[k, k])
        if k < n - 1:
            imax = k + 1 + int(np.argmax(np.abs(a[k + 1:, k])))
            colmax = abs(a[imax, k])
        else:
            imax, colmax = k, 0.0
        if max(absakk, colmax) == 0 or np.isnan(absakk):
            info = info or k + 1
            kp = k
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:
                row = np.abs(a[imax, k:imax])
                rowmax = row.max()
                if imax < n - 1:
                    rowmax = max(rowmax, np.abs(a[imax + 1:, imax]).max())
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif abs(a[imax, imax]) >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:
                a[kp + 1:, kk], a[kp + 1:, kp] = a[kp + 1:, kp].copy(), a[kp + 1:, kk].copy()
                mid = slice(kk + 1, kp)
                a[mid, kk], a[kp, mid] = a[kp, mid].copy(), a[mid, kk].copy()
                a[kk, kk], a[kp, kp] = a[kp, kp], a[kk, kk]
                if kstep == 2:
                    a[k + 1, k], a[kp, k] = a[kp, k], a[k + 1, k]
            if kstep == 1:
                if k < n - 1:
                    d11 = 1.0 / a[k, k]
                    x = a[k + 1:, k].copy()
                    a[k + 1:, k + 1:] -= np.tril(d11 * np.outer(x, x))
                    a[k + 1:, k] *= d11
            elif k < n - 2:
                d21 = a[k + 1, k]
                d11 = a[k + 1, k + 1] / d21
                d22 = a[k, k] / d21
                t = 1.0 / (d11 * d22 - 1.0)
                d21 = t / d21
                for j in range(k + 2, n):
                    wk = d21 * (d11 * a[j, k] - a[j, k + 1])
                    wkp1 = d21 * (d22 * a[j, k + 1] - a[j, k])
                    a[j:, j] -= a[j:, k] * wk + a[j:, k + 1] * wkp1
                    a[j, k], a[j, k + 1] = wk, wkp1
        if kstep == 1:
            ipiv[k] = kp + 1
        else:
            ipiv[k] = ipiv[k + 1] = -(kp + 1)
        k += kstep
    return a, ipiv, np.int32(info)


def _sytrs(a, ipiv, b):
    """LAPACK dsytrs (lower): solves A X = B from _sytf2's factorization."""
    b = np.array(b, copy=True)
    n = a.shape[0]
    k = 0
    while k < n:
        if ipiv[k] > 0:
            kp = ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            b[k + 1:] -= np.outer(a[k + 1:, k], b[k])
            b[k] /= a[k, k]
            k += 1
        else:
            kp = -ipiv[k] - 1
            b[[k + 1, kp]] = b[[kp, k + 1]]
            b[k + 2:] -= np.outer(a[k + 2:, k], b[k]) + np.outer(a[k + 2:, k + 1], b[k + 1])
            akm1k = a[k + 1, k]
            akm1, ak = a[k, k] / akm1k, a[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1.0
            bkm1, bk = b[k] / akm1k, b[k + 1] / akm1k
            b[k], b[k + 1] = (ak * bkm1 - bk) / denom, (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:
        if ipiv[k] > 0:
            b[k] -= a[k + 1:, k] @ b[k + 1:]
            kp = ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 1
        else:
            b[k] -= a[k + 1:, k] @ b[k + 1:]
            b[k - 1] -= a[k + 1:, k - 1] @ b[k + 1:]
            kp = -ipiv[k] - 1
            b[[k, kp]] = b[[kp, k]]
            k -= 2
    return b


def _ldl_real_only(name, A):
    if jnp.issubdtype(A.dtype, jnp.complexfloating):
        raise NotImplementedError(f"{name}: complex inputs are not supported by torchlike (LAPACK's complex "
                                  f"Bunch-Kaufman sytrf/hetrf is not implemented)")


def _host_ldl(a):
    a = np.asarray(a)
    flat = a.reshape((int(np.prod(a.shape[:-2])),) + a.shape[-2:])
    outs = [_sytf2(m) for m in flat]
    LD = np.stack([o[0] for o in outs]).reshape(a.shape) if outs else np.zeros(a.shape, a.dtype)
    piv = np.stack([o[1] for o in outs]).reshape(a.shape[:-1]) if outs else np.zeros(a.shape[:-1], np.int32)
    info = np.array([o[2] for o in outs], np.int32).reshape(a.shape[:-2])
    return LD, piv, info


@op(name="linalg_ldl_factor_ex", method=False, function=False, differentiable=False)
def _linalg_ldl_factor_ex(A: T, hermitian=False, check_errors=False, *, out=None):
    _square("torch.linalg.ldl_factor_ex", A)
    _ldl_real_only("torch.linalg.ldl_factor_ex", A)
    shapes = (jax.ShapeDtypeStruct(A.shape, A.dtype), jax.ShapeDtypeStruct(A.shape[:-1], jnp.int32),
              jax.ShapeDtypeStruct(A.shape[:-2], jnp.int32))
    return jax.pure_callback(_host_ldl, shapes, A)


def linalg_ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):
    """Mirrors `torch.linalg.ldl_factor_ex` for real matrices (LAPACK sytrf's Bunch-Kaufman pivoting and
    compact LD, its upper triangle zero). Not differentiable, as in PyTorch."""
    res = _linalg_ldl_factor_ex(A, hermitian, check_errors, out=out)
    if check_errors:
        _check_ldl("torch.linalg.ldl_factor_ex", A, res[2])
    return RT.wrap("linalg_ldl_factor_ex", res, out)


def _check_ldl(name, A, info):
    failure = _first_failure(info)
    if failure:
        b, i = failure
        raise RuntimeError(f"{name}: {'(Batch element %d): ' % b if A.ndim > 2 else ''}The factorization could "
                           f"not be completed because the input is singular: D[{i}, {i}] is zero.")


def linalg_ldl_factor(A, *, hermitian=False, out=None):
    """Mirrors `torch.linalg.ldl_factor` (real matrices; see linalg_ldl_factor_ex)."""
    LD, piv, info = _linalg_ldl_factor_ex(A, hermitian, False)
    _check_ldl("torch.linalg.ldl_factor", A, info)
    return RT.wrap("linalg_ldl_factor", (LD, piv))


def _host_ldl_solve(LD, piv, B):
    LD, piv, B = np.asarray(LD), np.asarray(piv), np.asarray(B)
    batch = np.broadcast_shapes(LD.shape[:-2], piv.shape[:-1], B.shape[:-2])
    size = int(np.prod(batch))
    LD = np.broadcast_to(LD, batch + LD.shape[-2:]).reshape((size,) + LD.shape[-2:])
    piv = np.broadcast_to(piv, batch + piv.shape[-1:]).reshape((size,) + piv.shape[-1:])
    Bf = np.broadcast_to(B, batch + B.shape[-2:]).reshape((size,) + B.shape[-2:])
    out = [_sytrs(a, p, b) for a, p, b in zip(LD, piv, Bf)]
    return (np.stack(out) if out else np.zeros(Bf.shape, B.dtype)).reshape(batch + B.shape[-2:])


@op(name="linalg_ldl_solve", method=False, function=False, differentiable=False)
def _linalg_ldl_solve(LD: T, pivots: T, B: T, hermitian=False, *, out=None):
    if LD.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: Expected LD to have at least 2 dimensions, but it has "
                           f"{LD.ndim} dimensions instead")
    if B.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: Expected B to have at least 2 dimensions, but it has "
                           f"{B.ndim} dimensions instead")
    _square("torch.linalg.ldl_solve", LD)
    if B.dtype != LD.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {legacy(B)} and A of "
                           f"type {legacy(LD)} instead.")
    if LD.shape[-1] != B.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for torch.linalg.ldl_solve: each A matrix is {LD.shape[-2]} "
                           f"by {LD.shape[-1]} but each b matrix is {B.shape[-2]} by {B.shape[-1]}")
    _ldl_real_only("torch.linalg.ldl_solve", LD)
    batch = jnp.broadcast_shapes(LD.shape[:-2], pivots.shape[:-1], B.shape[:-2])
    return jax.pure_callback(_host_ldl_solve, jax.ShapeDtypeStruct(batch + B.shape[-2:], B.dtype), LD,
                             pivots.astype(jnp.int32), B)


def linalg_ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """Mirrors `torch.linalg.ldl_solve` (real matrices)."""
    return _linalg_ldl_solve(LD, pivots, B, hermitian, out=out)


# ----- randomized low-rank SVD and PCA (torch._lowrank, Halko et al. 2009) -----
def _range_finder(A, q, niter, M=None):
    """An orthonormal Q (m x q) whose range approximates that of A - M."""
    m, n = A.shape[-2:]
    R = randn(*A.shape[:-2], n, q, dtype=A.dtype, device=A.device)

    def mm(X, Y, adj=False):
        X_ = X.mH if adj else X
        out = X_ @ Y
        if M is not None:
            out = out - (M.mH if adj else M) @ Y
        return out
    Q = linalg_qr(mm(A, R)).Q
    for _ in range(niter):
        Q = linalg_qr(mm(A, Q, adj=True)).Q
        Q = linalg_qr(mm(A, Q)).Q
    return Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """Mirrors `torch.svd_lowrank`: (U, S, V) of a randomized rank-q approximation of A - M (values depend on
    the random draw as PyTorch's do; for A - M of rank <= q they are its SVD)."""
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.shape)
    if m < n:  # work on the transpose, whose column space is the smaller
        U, S, V = svd_lowrank(A.mH, q, niter, None if M is None else M.mH)
        return V, S, U
    Q = _range_finder(A, q, niter, M)
    B = Q.mH @ A if M is None else Q.mH @ A - Q.mH @ M
    U, S, Vh = linalg_svd(B, full_matrices=False)
    return Q @ U, S, Vh.mH


def pca_lowrank(A, q=None, center=True, niter=2):
    """Mirrors `torch.pca_lowrank`: svd_lowrank of A less its column means (when center)."""
    m, n = A.shape[-2:]
    q = min(6, m, n) if q is None else q
    if not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter)
    return svd_lowrank(A, q, niter, A.mean(dim=-2, keepdim=True))


def _install():
    install("geqrf", geqrf)


_install()
