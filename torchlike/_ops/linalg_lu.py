"""LU factorizations and solves, triangular and Cholesky-based solves, the *_ex forms (an `info` tensor
instead of an error), matrix_exp, cond, vander, tensorinv and tensorsolve.

LU pivots are LAPACK's: 1-based int32 row interchanges. `info` is LAPACK's too: 0 on success, else the
(1-based) position of the first zero pivot or failing leading minor. Value-dependent errors are raised
after the kernel ran, by a Python check of its result, as in linalg_decomp.py."""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .. import return_types as RT
from .._tensor import Tensor, concrete
from .linalg_decomp import (INF, LinAlgError, _batch_prefix, _check_inverse, _cholesky, _first_failure,
                            _float_check, _linalg_solve, _matrix_norm, _mT, _square)
from .reduction import legacy
from .._engine.op import T, op

__all__ = ["cholesky_inverse", "cholesky_solve", "lu", "lu_solve", "lu_unpack", "triangular_solve"]


def result_type(name: str, fields: str):
    """A named result type kept in torchlike.return_types, as PyTorch's torch.return_types.<name>."""
    if not hasattr(RT, name):
        setattr(RT, name, RT._make(name, fields))
        setattr(RT, name + "_out", RT._make(name + "_out", fields))
    return getattr(RT, name)


for _n, _f in {"linalg_lu_factor": "LU pivots", "linalg_lu_factor_ex": "LU pivots info", "linalg_lu": "P L U",
               "lu_unpack": "P L U", "triangular_solve": "solution cloned_coefficient",
               "linalg_solve_ex": "result info", "linalg_inv_ex": "inverse info", "linalg_cholesky_ex": "L info",
               "_lu_with_info": "LU pivots info"}.items():
    result_type(_n, _f)


def _not_implemented(kernel, x):
    return NotImplementedError(f'"{kernel}" not implemented for \'{legacy(x)}\'')


def _first_zero(d):
    """LAPACK's info from the diagonal of U: the 1-based index of its first exact zero, else 0."""
    if d.shape[-1] == 0:
        return jnp.zeros(d.shape[:-1], jnp.int32)
    zero = d == 0
    return jnp.where(jnp.any(zero, -1), jnp.argmax(zero, -1) + 1, 0).astype(jnp.int32)


def _batched(*xs, core=(2, 2)):
    """xs broadcast over their batch dimensions (all but the last `core[i]` of each)."""
    batch = jnp.broadcast_shapes(*(x.shape[:x.ndim - c] for x, c in zip(xs, core)))
    return [jnp.broadcast_to(x, batch + x.shape[x.ndim - c:]) for x, c in zip(xs, core)]


def _tri_solve(A, B, lower, unit=False, trans=False, conj=False):
    """op(A) X = B for a triangular A (only its triangle is read, and differentiated)."""
    A, B = _batched(A, B)
    return jax.lax.linalg.triangular_solve(A, B, left_side=True, lower=lower, transpose_a=trans, conjugate_a=conj,
                                           unit_diagonal=unit)


# ----- LU -----
def _lu_checks(name, A, pivot):
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} "
                           f"instead")
    if not jnp.issubdtype(A.dtype, jnp.inexact):
        raise _not_implemented("lu_cpu", A)
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


def _lu(A):
    lu_, piv, perm = jax.lax.linalg.lu(A)
    return lu_, (piv + 1).astype(jnp.int32), perm


@op(name="linalg_lu_factor_ex", method=False, function=False, grad_name="LinalgLuFactorExBackward0")
def _lu_factor_ex(A: T, pivot=True, check_errors=False, *, out=None):
    _lu_checks("linalg.lu_factor", A, pivot)
    lu_, piv, _ = _lu(A)
    return lu_, piv, _first_zero(jnp.diagonal(lu_, axis1=-2, axis2=-1))


def _check_lu(name, A, info):
    failure = _first_failure(info)
    if failure:
        b, i = failure
        raise RuntimeError(f"{name}: {_batch_prefix(A.shape[:-2], b)}U[{i},{i}] is zero and using it on lu_solve "
                           f"would result in a division by zero. If you still want to perform the factorization, "
                           f"consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def linalg_lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """Mirrors `torch.linalg.lu_factor_ex`."""
    res = _lu_factor_ex(A, pivot, check_errors, out=out)
    if check_errors:
        _check_lu("torch.linalg.lu_factor_ex", A, res[2])
    return RT.wrap("linalg_lu_factor_ex", res, out)


def linalg_lu_factor(A, *, pivot=True, out=None):
    """Mirrors `torch.linalg.lu_factor`: a zero pivot is an error (lu_factor_ex reports it instead)."""
    full_out = None if out is None else (out[0], out[1], Tensor._wrap(jnp.zeros((), jnp.int32)))
    LU, piv, info = _lu_factor_ex(A, pivot, False, out=full_out)
    _check_lu("torch.linalg.lu_factor", A, info)
    return RT.wrap("linalg_lu_factor", (LU, piv), out)


def lu(A, pivot=True, get_infos=False, out=None):
    """Mirrors `torch.lu` (deprecated in PyTorch in favour of torch.linalg.lu_factor): a plain tuple
    (LU, pivots), or torch.return_types._lu_with_info with get_infos."""
    LU, piv, info = _lu_factor_ex(A, pivot, False)
    return RT.wrap("_lu_with_info", (LU, piv, info)) if get_infos else (LU, piv)


def _perm_matrix(perm, m, dtype):
    """P with A = P L U, from the row order perm (A[perm] = L U): P[perm[i], i] = 1."""
    return _mT(jax.nn.one_hot(perm, m, dtype=dtype))


def _unpack(lu_, m, n):
    k = min(m, n)
    L = jnp.tril(lu_[..., :, :k], -1) + jnp.eye(m, k, dtype=lu_.dtype)
    U = jnp.triu(lu_[..., :k, :])
    return L, U


@op(name="linalg_lu", method=False, function=False, grad_name="LinalgLuBackward0")
def _linalg_lu(A: T, pivot=True, *, out=None):
    _lu_checks("linalg.lu_factor", A, pivot)
    m, n = A.shape[-2:]
    lu_, _, perm = _lu(A)
    L, U = _unpack(lu_, m, n)
    return _perm_matrix(jax.lax.stop_gradient(perm), m, A.dtype), L, U


def linalg_lu(A, *, pivot=True, out=None):
    """Mirrors `torch.linalg.lu`: (P, L, U) with A = P L U; P carries no gradient."""
    P, L, U = _linalg_lu(A, pivot, out=out)
    return RT.wrap("linalg_lu", (P.detach() if out is None else P, L, U), out)


@op(name="lu_unpack", method=False, grad_name="LuUnpackBackward0")
def _lu_unpack(LU_data: T, LU_pivots: T, unpack_data=True, unpack_pivots=True, *, out=None):
    if LU_pivots.dtype != jnp.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
                           "Note: this function is intended to be used with the output produced by "
                           "torch.linalg.lu_factor")
    if LU_data.ndim < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(LU_data.shape)} instead")
    m, n = LU_data.shape[-2:]
    empty = jnp.zeros((0,), LU_data.dtype)
    L, U = _unpack(LU_data, m, n) if unpack_data else (empty, empty)
    if unpack_pivots:
        perm = jax.lax.linalg.lu_pivots_to_permutation(LU_pivots - 1, m)
        P = _perm_matrix(perm, m, LU_data.dtype)
        P = jnp.broadcast_to(P, LU_data.shape[:-2] + (m, m))
    else:
        P = empty
    return P, L, U


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """Mirrors `torch.lu_unpack`: pivots must be LAPACK's (1-based, within the rows)."""
    if concrete(LU_pivots) and unpack_pivots and LU_pivots.dtype.name == "int32" and LU_data.ndim >= 2:
        p = np.asarray(LU_pivots._data)
        if p.size and (p.min() < 1 or p.max() > LU_data.shape[-2]):
            raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you "
                               "properly pass the result of lu_factor?")
    P, L, U = _lu_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots, out=out)
    return RT.wrap("lu_unpack", (P.detach() if out is None else P, L, U), out)


def _lu_solve_left(LU, piv, B, adjoint):
    n = LU.shape[-1]
    perm = jax.lax.linalg.lu_pivots_to_permutation(piv - 1, n)
    batch = jnp.broadcast_shapes(LU.shape[:-2], B.shape[:-2], perm.shape[:-1])
    LU = jnp.broadcast_to(LU, batch + LU.shape[-2:])
    B = jnp.broadcast_to(B, batch + B.shape[-2:])
    perm = jnp.broadcast_to(perm, batch + perm.shape[-1:])
    if not adjoint:  # A = P L U: X = U^-1 L^-1 P^T B, and (P^T B)[i] = B[perm[i]]
        Y = jnp.take_along_axis(B, perm[..., :, None], axis=-2)
        Y = _tri_solve(LU, Y, lower=True, unit=True)
        return _tri_solve(LU, Y, lower=False)
    Y = _tri_solve(LU, B, lower=False, trans=True, conj=True)
    Y = _tri_solve(LU, Y, lower=True, unit=True, trans=True, conj=True)
    return jnp.take_along_axis(Y, jnp.argsort(perm, axis=-1)[..., :, None], axis=-2)


@op(name="linalg_lu_solve", method=False, function=False, grad_name="LinalgLuSolveBackward0")
def _linalg_lu_solve(LU: T, pivots: T, B: T, left=True, adjoint=False, *, out=None):
    if LU.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor A must have at least 2 dimensions.")
    if B.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    if LU.shape[-1] != LU.shape[-2]:
        raise RuntimeError(f"torch.linalg.lu_solve: A must be batches of square matrices, but they are "
                           f"{LU.shape[-2]} by {LU.shape[-1]} matrices")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq, bs = ("AX = B", f"{B.shape[-2]}x{B.shape[-1]}") if left else ("XA = B", f"{B.shape[-2]}x{B.shape[-1]}")
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and {bs})")
    if LU.dtype != B.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{legacy(LU)} and B of type {legacy(B)} instead")
    if pivots.dtype != jnp.int32:
        raise RuntimeError("linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32")
    if left:
        return _lu_solve_left(LU, pivots, B, adjoint)
    # X A = B  <=>  A^H X^H = B^H
    return _mT(_lu_solve_left(LU, pivots, _mT(B), not adjoint))


def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """Mirrors `torch.linalg.lu_solve`."""
    return _linalg_lu_solve(LU, pivots, B, left, adjoint, out=out)


def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """Mirrors `torch.lu_solve` (deprecated in PyTorch in favour of torch.linalg.lu_solve)."""
    return _linalg_lu_solve(LU_data, LU_pivots, b, out=out)


# ----- triangular solves -----
@op(name="linalg_solve_triangular", method=False, function=False, grad_name="LinalgSolveTriangularBackward0")
def linalg_solve_triangular(A: T, B: T, *, upper, left=True, unitriangular=False, out=None):
    for nm, x in (("A", A), ("B", B)):
        if x.ndim < 2:
            raise RuntimeError(f"linalg.solve_triangular: The input tensor {nm} must have at least 2 dimensions.")
    _square("linalg.solve_triangular", A)
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    B = B.astype(A.dtype)  # (PyTorch computes in A's dtype)
    if left:
        return _tri_solve(A, B, lower=not upper, unit=unitriangular)
    # X A = B  <=>  A^T X^T = B^T
    return jnp.swapaxes(_tri_solve(A, jnp.swapaxes(B, -1, -2), lower=not upper, unit=unitriangular, trans=True),
                        -1, -2)


def _check_b_and_A(name, b, A):
    """The checks PyTorch's triangular_solve and cholesky_solve make after their rank checks: one
    dtype, square A matrices as tall as b's, and a floating dtype."""
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {legacy(b)} and A "
                           f"of type {legacy(A)} instead.")
    if A.shape[-1] != A.shape[-2] or A.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is {A.shape[-2]} by "
                           f"{A.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    if not jnp.issubdtype(A.dtype, jnp.inexact):
        raise _not_implemented(f"{name}_cpu", A)


@op(name="triangular_solve", grad_name="TriangularSolveBackward0")
def _triangular_solve(input: T, A: T, upper=True, transpose=False, unitriangular=False):
    if input.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has "
                           f"{input.ndim} dimensions instead")
    if A.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected A to have at least 2 dimensions, but it has "
                           f"{A.ndim} dimensions instead")
    _check_b_and_A("triangular_solve", input, A)
    B, A = _batched(input, A)
    return _tri_solve(A, B, lower=not upper, unit=unitriangular, trans=transpose), A


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """Mirrors `torch.triangular_solve` (deprecated in PyTorch in favour of linalg.solve_triangular)."""
    return RT.wrap("triangular_solve", _triangular_solve(input, A, upper, transpose, unitriangular))


# ----- Cholesky solves -----
@functools.partial(jax.custom_jvp, nondiff_argnums=(2,))
def _tri_solve_full(M, B, lower):
    """M^-1 B, reading only one triangle of M for the value, differentiated as a general solve with M
    whole: PyTorch's cholesky_solve and cholesky_inverse gradients are taken with respect to every entry
    of the factor, not only its triangle."""
    return _tri_solve(M, B, lower=lower)


@_tri_solve_full.defjvp
def _tri_solve_full_jvp(lower, primals, tangents):
    (M, B), (dM, dB) = primals, tangents
    X = _tri_solve_full(M, B, lower)
    return X, _tri_solve_full(M, dB - dM @ X, lower)


def _chol_solve(B, L, upper):
    B, L = _batched(B, L)
    if upper:  # A = U^H U
        return _tri_solve_full(L, _tri_solve_full(_mT(L), B, True), False)
    return _tri_solve_full(_mT(L), _tri_solve_full(L, B, True), False)


@op(name="cholesky_solve", grad_name="CholeskySolveBackward0")
def cholesky_solve(input: T, input2: T, upper=False, *, out=None):
    if input.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.ndim} dimensions instead")
    if input2.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {input2.ndim} dimensions instead")
    _check_b_and_A("cholesky_solve", input, input2)
    return _chol_solve(input, input2, upper)


@op(name="cholesky_inverse", grad_name="CholeskyInverseBackward0")
def _cholesky_inverse(input: T, upper=False, *, out=None):
    _square("cholesky_inverse", input, dtype=False)
    if not jnp.issubdtype(input.dtype, jnp.inexact):
        raise _not_implemented("cholesky_inverse_out_cpu", input)
    n = input.shape[-1]
    return _chol_solve(jnp.broadcast_to(jnp.eye(n, dtype=input.dtype), input.shape), input, upper)


def cholesky_inverse(input, upper=False, *, out=None):
    """Mirrors `torch.cholesky_inverse`: a zero on the factor's diagonal is a singular matrix."""
    if concrete(input) and input.ndim >= 2 and input.shape[-1] == input.shape[-2] and input.is_floating_point():
        d = np.asarray(jnp.diagonal(input._data, axis1=-2, axis2=-1)).reshape(math.prod(input.shape[:-2]),
                                                                            input.shape[-1])
        for b, row in enumerate(d):
            zero = np.flatnonzero(row == 0)
            if zero.size:
                raise LinAlgError(f"cholesky_inverse: {_batch_prefix(input.shape[:-2], b)}The diagonal element "
                                  f"{zero[0] + 1} is zero, the inversion could not be completed because the input "
                                  f"matrix is singular.")
    return _cholesky_inverse(input, upper, out=out)


# ----- the *_ex forms -----
def _potrf(A):
    """LAPACK potrf on the Hermitian matrix A (its lower triangle), values only: (L, info). info is the order of
    the first leading minor that is not positive-definite, else 0; there L is what the unblocked factorization
    leaves: the columns before that minor factored, its diagonal entry the non-positive pivot, the rest A's."""
    n = A.shape[-1]
    a0 = jnp.tril(jax.lax.stop_gradient(A))
    idx = jnp.arange(n)

    def step(k, carry):
        a, L, info = carry
        d = jnp.real(jnp.take(jnp.take(a, k, -1), k, -1))
        bad = ~(d > 0)
        fresh = (info == 0) & bad
        ok = (info == 0) & ~bad
        info = jnp.where(fresh, k + 1, info)
        safe = jnp.where(bad, jnp.ones((), d.dtype), d)
        col = jnp.take(a, k, -1) / jnp.sqrt(safe)[..., None].astype(a.dtype)
        col = jnp.where(idx >= k, col, jnp.zeros((), a.dtype))
        # a failing pivot keeps its value; the columns from it on stay A's
        pivot_col = jnp.where(idx == k, d[..., None].astype(a.dtype), jnp.take(a0, k, -1))
        new_col = jnp.where(ok[..., None], col, jnp.where(fresh[..., None], pivot_col, jnp.take(L, k, -1)))
        L = jnp.where(idx == k, new_col[..., :, None], L)
        below = jnp.where(idx > k, col, jnp.zeros((), a.dtype))
        a = a - jnp.where(ok[..., None, None], below[..., :, None] * jnp.conj(below)[..., None, :],
                          jnp.zeros((), a.dtype))
        return a, L, info

    info = jnp.zeros(A.shape[:-2], jnp.int32)
    if n == 0:
        return a0, info
    _, L, info = jax.lax.fori_loop(0, n, step, (a0 + _mT(jnp.tril(a0, -1)), a0, info))
    return L, info


@op(name="linalg_cholesky_ex", method=False, function=False, grad_name="LinalgCholeskyExBackward0")
def _linalg_cholesky_ex(A: T, upper=False, check_errors=False, *, out=None):
    L = _cholesky.fn(A, upper, "linalg.cholesky_ex")
    partial, info = _potrf(jnp.tril(_mT(A)) if upper else A)
    failed = (info > 0)[..., None, None]
    L = jnp.where(failed, _mT(partial) if upper else partial, L)
    return L, info


def linalg_cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """Mirrors `torch.linalg.cholesky_ex` (where info > 0, L is LAPACK's partial factor)."""
    L, info = _linalg_cholesky_ex(A, upper, check_errors, out=out)
    failure = _first_failure(info) if check_errors else None
    if failure:
        b, order = failure
        raise LinAlgError(f"linalg.cholesky_ex: {_batch_prefix(A.shape[:-2], b)}The factorization could not be "
                          f"completed because the input is not positive-definite (the leading minor of order "
                          f"{order} is not positive-definite).")
    return RT.wrap("linalg_cholesky_ex", (L, info), out)


def _getrf_info(A):
    lu_, _, _ = jax.lax.linalg.lu(jax.lax.stop_gradient(A))
    return _first_zero(jnp.diagonal(lu_, axis1=-2, axis2=-1))


@op(name="linalg_inv_ex", method=False, function=False, grad_name="LinalgInvExBackward0")
def _linalg_inv_ex(A: T, check_errors=False, *, out=None):
    _square("linalg.inv", A)
    return jnp.linalg.inv(A), _getrf_info(A)


def linalg_inv_ex(A, *, check_errors=False, out=None):
    """Mirrors `torch.linalg.inv_ex`."""
    inv, info = _linalg_inv_ex(A, check_errors, out=out)
    if check_errors:
        _check_inverse(A, inv, "linalg.inv_ex")
    return RT.wrap("linalg_inv_ex", (inv, info), out)


@op(name="linalg_solve_ex", method=False, function=False, grad_name="LinalgSolveExBackward0")
def _linalg_solve_ex(A: T, B: T, left=True, check_errors=False, *, out=None):
    return _linalg_solve.fn(A, B, left), _getrf_info(A)


def linalg_solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """Mirrors `torch.linalg.solve_ex`."""
    X, info = _linalg_solve_ex(A, B, left, check_errors, out=out)
    if check_errors and concrete(info) and bool(np.any(np.asarray(info._data))):
        raise LinAlgError("torch.linalg.solve_ex: The solver failed because the input matrix is singular.")
    return RT.wrap("linalg_solve_ex", (X, info), out)


# ----- matrix_exp -----
# Bader, Blanes and Casas (2019), "Computing the Matrix Exponential with an Optimized Taylor Polynomial
# Approximation", as PyTorch computes it: Taylor approximations of degree 1, 2, 4, 8, 12 and 18 chosen by the
# operator 1-norm, with scaling and squaring beyond the degree-18 bound. (Pade approximants agree only to the
# rounding of the approximation, visible in float32.)
_THETAS = {4: (1.192092800768788e-07, 5.978858893805233e-04, 5.116619363445086e-02, 5.800524627688768e-01,
               1.461661507209034e+00, 3.010066362817634e+00),
           8: (2.220446049250313e-16, 2.580956802971767e-08, 3.397168839976962e-04, 4.991228871115323e-02,
               2.996158913811580e-01, 1.090863719290036e+00)}
_B12 = ((9.0198e-16, 0.46932117595418237389, -0.20099424927047284052, -0.04623946134063071740),
        (5.31597895759871264183, 1.19926790417132231573, 0.01179296240992997031, 0.01108844528519167989),
        (0.18188869982170434744, 0.05502798439925399070, 0.09351590770535414968, 0.00610700528898058230),
        (-2.0861320e-13, -0.13181061013830184015, -0.02027855540589259079, -0.00675951846863086359))
_B18 = ((0., -1.00365581030144618291e-01, -8.02924648241156932449e-03, -8.92138498045729985177e-04, 0.),
        (0., 3.97849749499645077844e-01, 1.36783778460411720168e+00, 4.98289622525382669416e-01,
         -6.37898194594723280150e-04),
        (-1.09676396052962061844e+01, 1.68015813878906206114e+00, 5.71779846478865511061e-02,
         -6.98210122488052056106e-03, 3.34975017086070470649e-05),
        (-9.04316832390810593223e-02, -6.76404519071381882256e-02, 6.75961301770459654925e-02,
         2.95552570429315521194e-02, -1.39180257516060693404e-05),
        (0., 0., -9.23364619367118555360e-02, -1.69364939002081722752e-02, -1.40086798182036094347e-05))


def _combine(coefs, mats):
    return [sum(jnp.asarray(c, m.dtype) * m for c, m in zip(row, mats) if c != 0) for row in coefs]


def _taylor(A, degree):
    n = A.shape[-1]
    eye = jnp.broadcast_to(jnp.eye(n, dtype=A.dtype), A.shape)
    c = lambda v: jnp.asarray(v, A.dtype)  # noqa: E731
    A2 = A @ A
    if degree == 1:
        return eye + A
    if degree == 2:
        return eye + A + A2 / c(2.0)
    if degree == 4:
        return eye + A + A2 @ (eye / c(2.0) + A / c(6.0) + A2 / c(24.0))
    if degree == 8:
        r = 0.1330413469565007072504e+2
        x3 = 2.0 / 3.0
        x1, x2 = x3 * ((1.0 + r) / 88.0), x3 * ((1.0 + r) / 352.0)
        x4, x5 = (-271.0 + 29.0 * r) / (315.0 * x3), (-11.0 + 11.0 * r) / (1260.0 * x3)
        x6, x7 = (-99.0 + 11.0 * r) / (5040.0 * x3), (89.0 - r) / (5040.0 * x3)
        y2 = (857.0 - 58.0 * r) / 630.0
        A4 = A2 @ (c(x1) * A + c(x2) * A2)
        A8 = (c(x3) * A2 + A4) @ (c(x4) * eye + c(x5) * A + c(x6) * A2 + c(x7) * A4)
        return eye + A + c(y2) * A2 + A8
    A3 = A @ A2
    if degree == 12:
        B0, B1, B2, B3 = _combine(_B12, (eye, A, A2, A3))
        B2 = B2 + B3 @ B3
        return B0 + (B1 + B2) @ B2
    B0, B1, B2, B3, B4 = _combine(_B18, (eye, A, A2, A3, A3 @ A3))
    B3 = B3 + B0 @ B4
    return B1 + (B2 + B3) @ B3


def _expm_one(A):
    """exp of one matrix (n >= 2): the lowest degree whose bound holds the norm, else degree 18 of A / 2^s
    squared s times."""
    thetas = _THETAS[8 if A.dtype in (jnp.float64, jnp.complex128) else 4]
    real = jnp.finfo(A.dtype).dtype
    norm = jnp.max(jnp.sum(jnp.abs(A), axis=-2))
    s = jnp.maximum(jnp.zeros((), real), jnp.ceil(jnp.log2(norm / jnp.asarray(thetas[5], real))))
    s = jnp.where(norm >= thetas[4], s, jnp.zeros((), real)).astype(jnp.int32)
    scaled = A / (jnp.asarray(2.0, real) ** s.astype(real)).astype(A.dtype)

    branches = [lambda a, d=d: _taylor(a, d) for d in (1, 2, 4, 8, 12)] + [lambda a: _taylor(a, 18)]
    idx = jnp.where(norm >= thetas[4], 5, jnp.sum(norm > jnp.asarray(thetas[:5], real)))
    E = jax.lax.switch(jnp.minimum(idx, 5), branches, jnp.where(idx == 5, scaled, A))
    return jax.lax.fori_loop(0, s, lambda i, m: m @ m, E)


@jax.custom_vjp
def _expm(A):
    flat = A.reshape((-1,) + A.shape[-2:])
    return jax.vmap(_expm_one)(flat).reshape(A.shape)


def _expm_fwd(A):
    return _expm(A), A


def _expm_bwd(A, g):
    """PyTorch's backward: the gradient is the upper-right block of exp([[A^H, G], [0, A^H]])."""
    n = A.shape[-1]
    Ah = _mT(A)
    top = jnp.concatenate([Ah, g], -1)
    bottom = jnp.concatenate([jnp.zeros_like(Ah), Ah], -1)
    return (_expm(jnp.concatenate([top, bottom], -2))[..., :n, n:],)


_expm.defvjp(_expm_fwd, _expm_bwd)


@op(name="matrix_exp", grad_name="LinalgMatrixExpBackward0")
def matrix_exp(input: T):
    _square("linalg.matrix_exp", input)
    if input.shape[-1] == 0:
        return input
    if input.shape[-1] == 1:
        return jnp.exp(input)
    return _expm(input)


# ----- cond, vander, tensorinv, tensorsolve -----
@op(name="linalg_cond", method=False, function=False, grad_name="LinalgCondBackward0")
def linalg_cond(A: T, p=None, *, out=None):
    if p not in (None, 2, -2, 1, -1, INF, -INF, "fro", "nuc"):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    real = jnp.finfo(A.dtype).dtype if jnp.issubdtype(A.dtype, jnp.inexact) else A.dtype
    if p in (None, 2, -2):
        if A.ndim < 2:
            raise RuntimeError("linalg.cond: The input tensor A must have at least 2 dimensions.")
        _float_check("linalg.svd", A)
        if A.shape[-1] == 0 or A.shape[-2] == 0:
            return jnp.zeros(A.shape[:-2], real)
        s = jnp.linalg.svd(A, compute_uv=False)
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    if A.ndim < 2:
        raise RuntimeError(f"linalg.cond(ord={p}): The input tensor A must have at least 2 dimensions.")
    _square(f"linalg.cond(ord={p})", A)
    if A.shape[-1] == 0:
        return jnp.zeros(A.shape[:-2], real)
    # PyTorch: norm(A) * norm(A^-1), inf where A is singular
    inv = jnp.linalg.inv(A)
    r = _matrix_norm("linalg.matrix_norm", A, p, (-2, -1), False) * \
        _matrix_norm("linalg.matrix_norm", inv, p, (-2, -1), False)
    return jnp.where(_getrf_info(A) > 0, jnp.asarray(INF, r.dtype), r)


@op(name="linalg_vander", method=False, function=False, grad_name="CatBackward0")
def linalg_vander(x: T, *, N=None):
    if x.dtype == jnp.bool_:
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got "
                           f"{legacy(x)}")
    x = x[None] if x.ndim == 0 else x
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    if jnp.issubdtype(x.dtype, jnp.integer):
        x = x.astype(jnp.int64)  # (as PyTorch's cumprod of an integer tensor)
    powers = jnp.cumprod(jnp.broadcast_to(x[..., None], x.shape + (n - 1,)), axis=-1)
    return jnp.concatenate([jnp.ones(x.shape + (1,), x.dtype), powers], -1)


@op(name="linalg_tensorinv", method=False, function=False, grad_name="ReshapeAliasBackward0")
def _linalg_tensorinv(A: T, ind=2, *, out=None):
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    _float_check("linalg.inv", A)
    return jnp.linalg.inv(A.reshape(rows, cols)).reshape(A.shape[ind:] + A.shape[:ind])


def linalg_tensorinv(A, ind=2, *, out=None):
    """Mirrors `torch.linalg.tensorinv`."""
    res = _linalg_tensorinv(A, ind, out=out)
    rows = math.prod(A.shape[:ind])
    if concrete(res) and not bool(jnp.all(jnp.isfinite(res._data))):
        _check_inverse(Tensor._wrap(A._data.reshape(rows, rows)), res, "inv")
    return res


@op(name="linalg_tensorsolve", method=False, function=False, grad_name="ReshapeAliasBackward0")
def _linalg_tensorsolve(A: T, B: T, dims=None, *, out=None):
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = jnp.moveaxis(A, dims, list(range(A.ndim - len(dims), A.ndim)))
    rest = A.shape[B.ndim:]
    rows, cols = math.prod(A.shape[:B.ndim]), math.prod(rest)
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {cols} != {rows}")
    return _linalg_solve.fn(A.reshape(rows, cols), B.reshape(rows).astype(A.dtype), True).reshape(rest)


def linalg_tensorsolve(A, B, dims=None, *, out=None):
    """Mirrors `torch.linalg.tensorsolve`."""
    res = _linalg_tensorsolve(A, B, dims, out=out)
    if concrete(res) and not bool(jnp.all(jnp.isfinite(res._data))) and bool(jnp.all(jnp.isfinite(A._data))):
        raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.")
    return res


def _install():
    for name, fn in {"lu": lu, "lu_solve": lu_solve, "triangular_solve": triangular_solve,
                     "cholesky_inverse": cholesky_inverse}.items():
        install(name, fn)


_install()
