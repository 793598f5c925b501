"""`Distribution`, the base class: shapes, argument and sample validation, and the defaults of
every method. Mirrors `torch.distributions.distribution`."""
from __future__ import annotations

import warnings

import torchlike as torch
from .._tensor import concrete
from . import constraints
from .utils import broadcast_all, lazy_property

__all__ = ["Distribution"]


def _all_true(valid) -> bool:
    """Whether every check passed; True when the values are not known (inside a torchlike.compile
    trace, where the eager first run has already validated them)."""
    if isinstance(valid, torch.Tensor):
        return not concrete(valid) or bool(valid.all())
    return bool(valid)


def _expand_batch(param, batch_shape, batch_ndim: int):
    """param (a tensor, or a distribution held as a parameter) with its `batch_ndim` leading batch
    dimensions expanded to batch_shape."""
    if isinstance(param, Distribution):
        return param.expand(batch_shape + param.batch_shape[batch_ndim:])
    return param.expand(tuple(batch_shape) + tuple(param.shape[batch_ndim:]))


class Distribution:
    """The base class of probability distributions. `batch_shape` indexes independent
    distributions, `event_shape` is the shape of one draw."""

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument and sample validation on or off for distributions made from now on."""
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = torch.Size(batch_shape)
        self._event_shape = torch.Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            try:
                arg_constraints = self.arg_constraints
            except NotImplementedError:
                arg_constraints = {}
                warnings.warn(f"{self.__class__} does not define `arg_constraints`. Please set "
                              "`arg_constraints = {}` or initialize the distribution with `validate_args=False` "
                              "to turn off validation.", stacklevel=2)
            for param, constraint in arg_constraints.items():
                if constraints.is_dependent(constraint):
                    continue
                if param not in self.__dict__ and isinstance(getattr(type(self), param), lazy_property):
                    continue  # a parameter not given (logits when probs were): derived, so valid
                value = getattr(self, param)
                if not _all_true(constraint.check(value)):
                    raise ValueError(f"Expected parameter {param} ({type(value).__name__} of shape "
                                     f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                                     f"{constraint!r}, but found invalid values:\n{value}")
        super().__init__()

    # A family whose `expand` need only expand its parameters names them in `_batch_params` (and the
    # attributes to share as they are in `_expand_keep`); the others define `expand` themselves.
    _batch_params = None
    _expand_keep = ()

    def expand(self, batch_shape, _instance=None):
        """A new distribution whose batch is expanded to batch_shape (parameters are expanded views)."""
        if self._batch_params is None:
            raise NotImplementedError
        return self._expanded(self._family(), batch_shape, _instance, params=self._batch_params,
                              keep=self._expand_keep)

    def _family(self):
        """The family class expand treats this instance as: the nearest in its MRO whose __init__ is
        that of the class declaring `_batch_params` (a subclass with an __init__ of its own is then
        refused, as PyTorch refuses it)."""
        mro = type(self).__mro__
        owner = next(c for c in mro if "_batch_params" in c.__dict__)
        return next(c for c in mro if c.__init__ is owner.__init__)

    batch_shape = property(lambda self: self._batch_shape, doc="The shape indexing independent distributions.")
    event_shape = property(lambda self: self._event_shape, doc="The shape of one draw.")

    @property
    def arg_constraints(self) -> dict:
        raise NotImplementedError

    @property
    def support(self):
        raise NotImplementedError

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def sample(self, sample_shape=()):
        """A draw (or a batch of sample_shape draws) that carries no gradient."""
        with torch.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        """A reparameterized draw: differentiable with respect to the parameters."""
        raise NotImplementedError

    def sample_n(self, n: int):
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.", FutureWarning, stacklevel=2)
        return self.sample(torch.Size((n,)))

    def log_prob(self, value):
        raise NotImplementedError

    def cdf(self, value):
        raise NotImplementedError

    def icdf(self, value):
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True):
        raise NotImplementedError

    def entropy(self):
        raise NotImplementedError

    def _support_over_batch(self, values, expand: bool):
        """enumerate_support from the support's points stacked along dimension 0: the batch
        dimensions go between that and the event's, expanded over the batch or of size 1."""
        batch, event = tuple(self._batch_shape), tuple(values.shape[1:])
        values = values.view((values.shape[0],) + (1,) * len(batch) + event)
        return values.expand((-1,) + batch + event) if expand else values

    def perplexity(self):
        return torch.exp(self.entropy())

    def _extended_shape(self, sample_shape=()):
        """sample_shape + batch_shape + event_shape."""
        if not isinstance(sample_shape, torch.Size):
            sample_shape = torch.Size(sample_shape)
        return torch.Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _validate_sample(self, value) -> None:
        """Refuse a value whose rightmost shape does not fit the event and batch shapes, or that
        lies outside the support."""
        if not isinstance(value, torch.Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        start = len(value.size()) - len(self._event_shape)
        if value.size()[start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: {value.size()} vs "
                             f"{self._event_shape}.")
        actual, expected = value.size(), self._batch_shape + self._event_shape
        for i, j in zip(reversed(actual), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {actual} vs {expected}.")
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f"{self.__class__} does not define `support` to enable sample validation. Please "
                          "initialize the distribution with `validate_args=False` to turn off validation.",
                          stacklevel=2)
            return
        if support is None:
            raise AssertionError("support is unexpectedly None")
        if not _all_true(support.check(value)):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be "
                             f"within the support ({support!r}) of the distribution {self!r}, but found invalid "
                             f"values:\n{value}")

    def _broadcast_params(self, **params):
        """Store the named parameters (tensors or Python numbers) broadcast to one shape, and return
        that shape: the batch shape of the scalar-parameter families."""
        values = broadcast_all(*params.values())
        for name, value in zip(params, values):
            setattr(self, name, value)
        return values[0].size()

    def _expanded(self, cls, batch_shape, _instance=None, params=(), keep=(), **given):
        """What every `expand` does: a new `cls` (or _instance) with batch shape batch_shape and this
        one's event shape and validation setting. Of the tensors and distributions named in `params`,
        each one this instance holds (a lazily derived one may not be computed yet) is expanded over
        the new batch, keeping its own trailing dimensions; attributes in `keep` are shared as they
        are, and `given` ones set."""
        new = self._get_checked_instance(cls, _instance)
        batch_shape = torch.Size(batch_shape)
        for name in params:
            if name in self.__dict__:
                setattr(new, name, _expand_batch(self.__dict__[name], batch_shape, len(self._batch_shape)))
        for name in keep:
            setattr(new, name, getattr(self, name))
        for name, value in given.items():
            setattr(new, name, value)
        # (the base initializer: a family's own takes its parameters, which are already set)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom "
                                      "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def __repr__(self):
        names = [k for k in self.arg_constraints if k in self.__dict__]
        args = ", ".join(f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].size()}"
                         for p in names)
        return f"{self.__class__.__name__}({args})"
