"""The geometric distribution: failures before the first success in trials of probability `probs`
(or log-odds `logits`). Mirrors `torch.distributions.geometric`."""
from __future__ import annotations

import torchlike as torch
from . import constraints
from ._probs_logits import ProbsLogitsMixin, probs_or_logits
from .distribution import Distribution, _all_true
from .utils import broadcast_all

__all__ = ["Geometric"]


class Geometric(ProbsLogitsMixin, Distribution):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer
    _batch_params = ("probs", "logits")

    def __init__(self, probs=None, logits=None, validate_args=None):
        name, param = probs_or_logits(probs, logits)
        super().__init__(self._broadcast_params(**{name: param}), validate_args=validate_args)
        if self._validate_args and name == "probs":
            self._check_positive(self.probs)

    def _check_positive(self, probs):
        """probs = 0 passes the unit-interval check, but no trial would ever succeed."""
        valid = probs > 0
        if not _all_true(valid):
            raise ValueError(f"Expected parameter probs ({type(probs).__name__} of shape {tuple(probs.shape)}) of "
                             f"distribution {self!r} to be positive but found invalid values:\n{probs[~valid]}")

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        return torch.zeros_like(self.probs)

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        probs = self.probs
        with torch.no_grad():  # inversion: floor(log u / log(1 - p)) for u uniform on (0, 1]
            u = torch.rand(shape, dtype=probs.dtype, device=probs.device).clamp(min=torch.finfo(probs.dtype).tiny)
            return (u.log() / (-probs).log1p()).floor()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        # p = 1 and value = 0: the term 0 * log(0) is 0
        probs = torch.where((probs == 1) & (value == 0), torch.zeros_like(probs), probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        return torch.nn.functional.binary_cross_entropy_with_logits(self.logits, self.probs,
                                                                    reduction="none") / self.probs
