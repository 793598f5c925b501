"""The plumbing shared by the optimizers made of per-parameter pure functions.

Such an optimizer (a `PerParamOptimizer` subclass) declares
- `_init_state(p, group)`: one parameter's fresh state, the tensors PyTorch creates, in its key order;
- `_update(p, g, state, h, **flags)`: one step for one parameter on jax arrays (`state` maps each of
  `_state_keys` to an array or None, `h` the group's `_hyper_keys` to float64 scalars); it returns
  the new parameter and the state entries it changed;
- `_validate(args)`: its constructor's argument checks, in PyTorch's order and with its messages;
- `_defaults_order`: the constructor arguments that make the defaults, in PyTorch's order;
- `_flags`: the group options the update is specialised on (compiled in, not traced).
The base builds the constructor, the state, the loop over groups (one jitted call per group: see
`Optimizer._update_group`) and over parameters, and applies `maximize`."""

from __future__ import annotations

import functools

from .. import _ops
from .._tensor import Tensor
from .optimizer import Optimizer, scalar_dtype

__all__ = ["AdamFamily", "PerParamOptimizer", "check_lr", "decayed", "ema_of_squares", "require", "zeros_state"]

# the word PyTorch's "Invalid ... value" messages use for an argument
_WORDS = {"eps": "epsilon"}


def require(ok, message: str) -> None:
    """Raise PyTorch's ValueError unless ok (`not ok`, so that a NaN fails as it does there)."""
    if not ok:
        raise ValueError(message)


def check_lr(lr, template: str = "Invalid learning rate: {}") -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    require(0.0 <= lr, template.format(lr))


def check_nonnegative(args: dict, names: tuple) -> None:
    """PyTorch's "Invalid <name> value" checks, in the order given."""
    for name in names:
        require(0.0 <= args[name], f"Invalid {_WORDS.get(name, name)} value: {args[name]}")


def check_betas(betas) -> None:
    for i in (0, 1):
        require(0.0 <= betas[i] < 1.0, f"Invalid beta parameter at index {i}: {betas[i]}")


def zeros_state(p: Tensor, *keys: str) -> dict:
    """A fresh float 'step' and zero buffers shaped like p."""
    st = {"step": _ops.creation.zeros((), dtype=scalar_dtype())}
    for k in keys:
        st[k] = _ops.creation.zeros_like(p)
    return st


def decayed(p, g, h, decoupled: bool = False):
    """(p, g) after PyTorch's weight decay: p shrunk (decoupled, as AdamW), or p added to g (L2)."""
    if decoupled:
        return p * (1 - h["lr"] * h["weight_decay"]).astype(p.dtype), g
    return p, g + h["weight_decay"].astype(p.dtype) * p


def ema_of_squares(avg, x, beta):
    """`avg.mul_(beta).addcmul_(x, x, value=1 - beta)`, the scalars rounded to avg's dtype."""
    dt = avg.dtype
    return avg * beta.astype(dt) + (1 - beta).astype(dt) * (x * x)


def over_params(update, params, grads, states, h, *, maximize=False, **flags):
    """A group's step as one program: `update` for each parameter in turn (with maximize, on the
    negated gradient). A state entry a parameter's update does not return comes back as None."""
    new_params, new_states = [], {}
    for i, (p, g) in enumerate(zip(params, grads)):
        state = {k: arrays[i] for k, arrays in states.items()}
        p, changed = update(p, -g if maximize else g, state, h, **flags)
        new_params.append(p)
        for k, a in changed.items():
            new_states.setdefault(k, [None] * len(params))[i] = a
    return new_params, new_states


def _flag(group: dict, name: str):
    if name == "decay":  # (weight decay adds work only when it is not 0)
        return group["weight_decay"] != 0
    return bool(group[name])


class PerParamOptimizer(Optimizer):
    """An optimizer built from a per-parameter `_init_state` / `_update` pair (see the module doc)."""

    _update = None
    _defaults_order: tuple = ()
    _nonnegative: tuple = ()  # arguments checked by `check_nonnegative` after lr
    _flags: tuple = ("maximize",)
    _pairs: dict = {"beta1": ("betas", 0), "beta2": ("betas", 1)}  # hyperparameters kept in a pair
    _group_fallbacks: dict = {}  # options a group loaded from an older state dict may lack
    _param_checks: tuple = ()  # f(optimizer, params) run on a group's parameters at every step

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "_update" in cls.__dict__:  # (one kernel per update function: the jit cache is keyed by it)
            cls._kernel = staticmethod(functools.partial(over_params, cls._update))

    def _setup(self, params, args: dict) -> None:
        """The constructor, given its arguments (`locals()`): checks, then the defaults."""
        self._validate(args)
        super().__init__(params, {k: args[k] for k in self._defaults_order})

    def _validate(self, args: dict) -> None:
        check_lr(args["lr"])
        check_nonnegative(args, self._nonnegative)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for k, v in self._group_fallbacks.items():
                group.setdefault(k, v)

    def step(self, closure=None):
        """Mirrors the `step` of the PyTorch optimizer of the same name: one update of every
        parameter that has a gradient, after calling `closure` (with gradients on) if given."""
        return self._step_groups(closure)

    def _update_group(self, group, params):
        self._check_group(group, params)
        super()._update_group(group, params)

    def _check_group(self, group, params) -> None:
        for check in self._param_checks:
            check(self, params)

    def _static(self, group):
        return tuple((name, _flag(group, name)) for name in self._flags)

    def _hyper_value(self, group, key):
        pair = self._pairs.get(key)
        return group[key] if pair is None else group[pair[0]][pair[1]]


class AdamFamily(PerParamOptimizer):
    """Adam and its variants: lr, betas, eps and weight_decay checked as PyTorch's Adam checks them."""

    _hyper_keys = ("lr", "beta1", "beta2", "eps", "weight_decay")
    _flags = ("decay", "maximize")

    def _validate(self, args):
        check_lr(args["lr"])
        check_nonnegative(args, ("eps",))
        check_betas(args["betas"])
        check_nonnegative(args, ("weight_decay", *self._nonnegative))
