"""What LogNormal and LogisticNormal share: a Normal(loc, scale) pushed through one fixed transform,
its parameters read back from that normal."""
from __future__ import annotations

from ._loc_scale import LocScaleMixin
from .independent import Independent
from .normal import Normal
from .transformed_distribution import TransformedDistribution

__all__ = ["TransformedNormal"]


class TransformedNormal(TransformedDistribution):
    arg_constraints = LocScaleMixin.arg_constraints
    has_rsample = True
    _batch_params = ()

    def __init__(self, loc, scale, validate_args=None):
        base = self._base_normal(Normal(loc, scale, validate_args=validate_args))
        super().__init__(base, self._make_transform(), validate_args=validate_args)

    def _base_normal(self, normal):
        """The base distribution, from the normal (a family may reshape it)."""
        return normal

    def _make_transform(self):
        raise NotImplementedError

    @property
    def _normal(self):
        # (a transform acting on vectors makes the base an Independent over the normal)
        base = self.base_dist
        return base.base_dist if isinstance(base, Independent) else base

    loc = property(lambda self: self._normal.loc)
    scale = property(lambda self: self._normal.scale)
