"""The LKJ distribution over lower Cholesky factors of correlation matrices, with `concentration`
(Lewandowski, Kurowicka and Joe, 2009), drawn by the onion method. Mirrors
`torch.distributions.lkj_cholesky`."""
from __future__ import annotations

import math

import torchlike as torch
from . import constraints
from .beta import Beta
from .distribution import Distribution

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky
    _batch_params = ("concentration", "_beta")
    _expand_keep = ("dim",)

    def __init__(self, dim, concentration=1.0, validate_args=None):
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = dim
        batch_shape = self._broadcast_params(concentration=concentration)
        # row i's squared norm below the diagonal is Beta(i / 2, concentration + (dim - 2 - i) / 2)
        # (row 0 has none: its Beta is a placeholder, its draw unused)
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = torch.arange(self.dim - 1, dtype=self.concentration.dtype, device=self.concentration.device)
        offset = torch.cat([torch.zeros(1, dtype=offset.dtype, device=offset.device), offset])
        self._beta = Beta(offset + 0.5, marginal_conc.unsqueeze(-1) - 0.5 * offset)
        super().__init__(batch_shape, (dim, dim), validate_args)

    def sample(self, sample_shape=()):
        # each row: a uniform direction in the lower triangle scaled by sqrt(y), then the diagonal
        # entry that makes the row a unit vector
        y = self._beta.sample(sample_shape).unsqueeze(-1)
        u_normal = torch.randn(tuple(self._extended_shape(sample_shape)), dtype=y.dtype, device=y.device).tril(-1)
        u_hypersphere = u_normal / u_normal.norm(dim=-1, keepdim=True)
        first_row = torch.arange(self.dim, device=y.device).view(-1, 1) == 0
        u_hypersphere = torch.where(first_row, 0.0, u_hypersphere)  # (0 / 0 there)
        w = torch.sqrt(y) * u_hypersphere
        diag_elems = torch.clamp(1 - torch.sum(w ** 2, dim=-1), min=torch.finfo(w.dtype).tiny).sqrt()
        return w + torch.diag_embed(diag_elems)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        diag_elems = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = torch.arange(2, self.dim + 1, device=self.concentration.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized_log_pdf = torch.sum(order * diag_elems.log(), dim=-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normalize_term = 0.5 * dm1 * math.log(math.pi) + torch.mvlgamma(alpha - 0.5, dm1) - torch.lgamma(alpha) * dm1
        return unnormalized_log_pdf - normalize_term
