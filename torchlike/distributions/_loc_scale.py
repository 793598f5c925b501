"""What the location-scale families on the real line (Normal, Laplace, Cauchy) share: a real `loc`
and a positive `scale`, broadcast together to the batch shape, and a density peaking at loc. Also
`_full_like_loc`, for the moments some families lack (nan or inf over the batch)."""
from __future__ import annotations

import torchlike as torch
from . import constraints


class LocScaleMixin:
    """Mixed in before the family's base class (Distribution or ExponentialFamily)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
    _batch_params = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        super().__init__(self._broadcast_params(loc=loc, scale=scale), validate_args=validate_args)

    @property
    def mean(self):
        return self.loc  # (symmetric about loc; Cauchy, which has no mean, overrides this)

    @property
    def mode(self):
        return self.loc


def _full_like_loc(d, value: float):
    """value over d's batch, in the dtype and on the device of its parameters."""
    loc = d.loc if hasattr(d, "loc") else d.scale
    return torch.full(tuple(d._extended_shape()), value, dtype=loc.dtype, device=loc.device)
