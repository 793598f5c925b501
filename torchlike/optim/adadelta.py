"""Adadelta."""

from __future__ import annotations

import jax.numpy as jnp

from ._family import PerParamOptimizer, check_lr, check_nonnegative, decayed, ema_of_squares, zeros_state

__all__ = ["Adadelta"]


def adadelta_init(p, group) -> dict:
    return zeros_state(p, "square_avg", "acc_delta")


def adadelta_update(p, g, state, h, *, decay):
    """PyTorch's single-tensor Adadelta step for one parameter."""
    dt = p.dtype
    eps = h["eps"].astype(dt)
    if decay:
        _, g = decayed(p, g, h)
    sq = ema_of_squares(state["square_avg"], g, h["rho"])
    std = jnp.sqrt(sq + eps)
    delta = jnp.sqrt(state["acc_delta"] + eps) / std * g
    acc = ema_of_squares(state["acc_delta"], delta, h["rho"])
    new = {"step": state["step"] + 1, "square_avg": sq, "acc_delta": acc}
    return p + (-h["lr"]).astype(dt) * delta, new


class Adadelta(PerParamOptimizer):
    """Mirrors `torch.optim.Adadelta`."""

    _init_state = staticmethod(adadelta_init)
    _update = staticmethod(adadelta_update)
    _state_keys = ("step", "square_avg", "acc_delta")
    _hyper_keys = ("lr", "rho", "eps", "weight_decay")
    _flags = ("decay", "maximize")
    _defaults_order = ("lr", "rho", "eps", "weight_decay", "maximize", "capturable", "foreach", "differentiable")

    def __init__(self, params, lr=1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0,
                 foreach: bool | None = None, *, capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        self._setup(params, locals())

    def _validate(self, args):
        check_lr(args["lr"])
        if not 0.0 <= args["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {args['rho']}")
        check_nonnegative(args, ("eps", "weight_decay"))
