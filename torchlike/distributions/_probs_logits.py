"""What the families parameterized by `probs` or by `logits` share: the either-or argument check,
each parameter derived lazily from the other, and `param_shape`; and what those built on a
Categorical share."""
from __future__ import annotations

from . import constraints
from .utils import _delegate, lazy_property, logits_to_probs, probs_to_logits


def probs_or_logits(probs, logits):
    """("probs", probs) or ("logits", logits), whichever was given; both or neither is an error."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    return ("probs", probs) if probs is not None else ("logits", logits)


class ProbsLogitsMixin:
    """`probs` and `logits`, each computed from the other on first use. `_is_binary`: the logits
    are log-odds of one probability (False: log-probabilities over the last dimension)."""

    _is_binary = True

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=self._is_binary)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=self._is_binary)

    @property
    def _param(self):
        """The parameter given (the other one may not be computed yet)."""
        return self.__dict__["probs"] if "probs" in self.__dict__ else self.__dict__["logits"]

    @property
    def param_shape(self):
        return self._param.size()

    def _broadcast_with_count(self, total_count, probs, logits):
        """For the families counting over `total_count` trials: the count and probs or logits
        broadcast together, the count in their dtype; returns the batch shape."""
        name, param = probs_or_logits(probs, logits)
        batch_shape = self._broadcast_params(total_count=total_count, **{name: param})
        self.total_count = self.total_count.to(self._param)
        return batch_shape


class OverCategoricalMixin:
    """For a family built on a Categorical it holds in `_categorical` (one-hot, relaxed one-hot,
    multinomial): its parameters are the categorical's, its events vectors over the categories.
    Mixed in before the family's base class."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    _batch_params = ("_categorical",)
    _param = _delegate("_categorical", "_param")
    probs = _delegate("_categorical", "probs")
    logits = _delegate("_categorical", "logits")
    param_shape = _delegate("_categorical", "param_shape")

    def __init__(self, probs=None, logits=None, validate_args=None):
        from .categorical import Categorical  # (which is built on this module)
        self._categorical = Categorical(probs, logits)
        categorical = self._categorical
        super().__init__(categorical.batch_shape, categorical.param_shape[-1:], validate_args=validate_args)
