"""The categorical distribution over {0, ..., K-1}, by `probs` or `logits` (unnormalised; the last
dimension indexes categories). Mirrors `torch.distributions.categorical`."""
from __future__ import annotations

import torchlike as torch
from . import constraints
from .distribution import Distribution
from ._probs_logits import ProbsLogitsMixin, probs_or_logits

__all__ = ["Categorical"]


class Categorical(ProbsLogitsMixin, Distribution):
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True
    _is_binary = False
    _batch_params = ("probs", "logits")
    _expand_keep = ("_num_events",)

    def __init__(self, probs=None, logits=None, validate_args=None):
        name, param = probs_or_logits(probs, logits)
        if param.dim() < 1:
            raise ValueError(f"`{name}` parameter must be at least one-dimensional.")
        # normalized: probs to sum to 1, logits to log-probabilities
        if name == "probs":
            self.probs = param / param.sum(-1, keepdim=True)
        else:
            self.logits = param - param.logsumexp(dim=-1, keepdim=True)
        self._num_events = param.size()[-1]
        super().__init__(param.size()[:-1], validate_args=validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def mean(self):
        return torch.full(tuple(self._extended_shape()), float("nan"), dtype=self.probs.dtype,
                          device=self.probs.device)

    @property
    def mode(self):
        return self.probs.argmax(dim=-1)

    @property
    def variance(self):
        return self.mean

    def sample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        if torch.Size(sample_shape).numel() <= 0:  # PyTorch draws through multinomial, which refuses this
            raise RuntimeError("cannot sample n_sample <= 0 samples")
        with torch.no_grad():
            # inverse-cdf draws: the index is the number of cumulative probabilities at or below u.
            # Dividing by the last entry makes it exactly 1, so trailing zero-probability categories
            # are never chosen.
            cdf = self.probs.cumsum(-1)
            cdf = cdf / cdf[..., -1:]
            u = torch.rand(shape + (1,), dtype=cdf.dtype, device=cdf.device)
            return (u >= cdf).sum(-1).clamp(max=self._num_events - 1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = torch.broadcast_tensors(value, self.logits)
        return log_pmf.gather(-1, value[..., :1]).squeeze(-1)

    def entropy(self):
        # logits of -inf (probability 0) contribute 0, not nan: clamp them to the dtype's minimum
        logits = torch.clamp(self.logits, min=torch.finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand=True):
        values = torch.arange(self._num_events, dtype=torch.long, device=self._param.device)
        return self._support_over_batch(values, expand)
