"""The chi-squared distribution with `df` degrees of freedom: Gamma(df / 2, 1 / 2). Mirrors
`torch.distributions.chi2`."""
from __future__ import annotations

from . import constraints
from .gamma import Gamma

__all__ = ["Chi2"]


class Chi2(Gamma):
    arg_constraints = {"df": constraints.positive}
    _batch_params = Gamma._batch_params  # (set by Gamma's __init__, which this one's calls)

    def __init__(self, df, validate_args=None):
        super().__init__(0.5 * df, 0.5, validate_args=validate_args)

    @property
    def df(self):
        return self.concentration * 2
