"""The multivariate normal distribution, by covariance, precision or lower Cholesky factor.
Mirrors `torch.distributions.multivariate_normal`."""
from __future__ import annotations

import math

import torchlike as torch
from . import constraints
from .distribution import Distribution
from .utils import _standard_normal, lazy_property

__all__ = ["MultivariateNormal"]


def _batch_mv(bmat, bvec):
    """Matrix-vector products over broadcast batch dimensions."""
    return torch.matmul(bmat, bvec.unsqueeze(-1)).squeeze(-1)


def _batch_mahalanobis(bL, bx):
    """x^T (L L^T)^-1 x over broadcast batch dimensions, by a triangular solve."""
    n = bx.size(-1)
    batch = torch.broadcast_shapes(tuple(bL.shape[:-2]), tuple(bx.shape[:-1]))
    L = bL.expand(tuple(batch) + (n, n))
    x = bx.expand(tuple(batch) + (n,))
    y = torch.linalg.solve_triangular(L, x.unsqueeze(-1), upper=False).squeeze(-1)
    return y.pow(2).sum(-1)


def _precision_to_scale_tril(P):
    """The lower Cholesky factor of P^-1, from the Cholesky factor of P with rows and columns
    reversed (one factorization and one triangular solve, no explicit inverse)."""
    Lf = torch.linalg.cholesky(torch.flip(P, (-2, -1)))
    L_inv = torch.transpose(torch.flip(Lf, (-2, -1)), -2, -1)
    eye = torch.eye(P.shape[-1], dtype=P.dtype, device=P.device)
    return torch.linalg.solve_triangular(L_inv, eye, upper=False)


def _matrix_arg(name, m, loc):
    if m.dim() < 2:
        raise ValueError(f"{name} matrix must be at least two-dimensional, with optional leading batch dimensions")
    return torch.broadcast_shapes(tuple(m.shape[:-2]), tuple(loc.shape[:-1]))


class GaussianVectorMixin:
    """What the multivariate normals (full and low-rank covariance) share: the density peaks at its
    mean `loc`, and the shapes of per-distribution matrices and scalars over the batch."""

    @property
    def mean(self):
        return self.loc

    mode = mean

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    def _over_batch(self, value):
        """A per-distribution value computed once for all (a scalar when nothing varies), over the batch."""
        return value if len(self._batch_shape) == 0 else value.expand(self._batch_shape)


def _given_matrix(covariance_matrix, precision_matrix, scale_tril):
    """(name, matrix) of the one given (the caller has checked that exactly one is)."""
    if scale_tril is not None:
        return "scale_tril", scale_tril
    if covariance_matrix is not None:
        return "covariance_matrix", covariance_matrix
    return "precision_matrix", precision_matrix


def _scale_tril_of(name, matrix):
    """The lower Cholesky factor of the covariance, from the matrix given as `name`."""
    if name == "scale_tril":
        return matrix
    if name == "covariance_matrix":
        return torch.linalg.cholesky(matrix)
    return _precision_to_scale_tril(matrix)


class ScaleTrilMixin:
    """For the families given by one of covariance_matrix, precision_matrix or scale_tril: the other
    two, derived on first use from `_unbroadcasted_scale_tril` and expanded to `_matrix_shape()`."""

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        return torch.matmul(L, L.mT).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        return torch.cholesky_inverse(self._unbroadcasted_scale_tril).expand(self._matrix_shape())


class MultivariateNormal(ScaleTrilMixin, GaussianVectorMixin, Distribution):
    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True
    _batch_params = ("loc", "covariance_matrix", "scale_tril", "precision_matrix")
    _expand_keep = ("_unbroadcasted_scale_tril",)

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        if (covariance_matrix is not None) + (scale_tril is not None) + (precision_matrix is not None) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        name, matrix = _given_matrix(covariance_matrix, precision_matrix, scale_tril)
        batch_shape = _matrix_arg(name, matrix, loc)
        setattr(self, name, matrix.expand(tuple(batch_shape) + (-1, -1)))
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        self._unbroadcasted_scale_tril = _scale_tril_of(name, matrix)

    @property
    def variance(self):
        shape = tuple(self._batch_shape) + tuple(self._event_shape)
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(shape)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        eps = _standard_normal(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        M = _batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + M) - self._half_log_det()

    def entropy(self):
        H = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return self._over_batch(H)
