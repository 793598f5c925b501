"""RMSprop (centered, momentum)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from ._family import PerParamOptimizer, decayed, ema_of_squares, zeros_state
from .optimizer import lerp

__all__ = ["RMSprop"]


def rmsprop_init(p, group) -> dict:
    st = zeros_state(p, "square_avg")
    if group["momentum"] > 0:
        st["momentum_buffer"] = _ops.creation.zeros_like(p)
    if group["centered"]:
        st["grad_avg"] = _ops.creation.zeros_like(p)
    return st


def rmsprop_update(p, g, state, h, *, decay, centered, momentum):
    """PyTorch's single-tensor RMSprop step for one parameter."""
    dt = p.dtype
    new = {"step": state["step"] + 1}
    if decay:
        _, g = decayed(p, g, h)
    sq = new["square_avg"] = ema_of_squares(state["square_avg"], g, h["alpha"])
    if centered:
        ga = new["grad_avg"] = lerp(state["grad_avg"], g, 1 - h["alpha"])
        avg = jnp.sqrt(sq - ga * ga)
    else:
        avg = jnp.sqrt(sq)
    avg = avg + h["eps"].astype(dt)
    if momentum:
        buf = new["momentum_buffer"] = state["momentum_buffer"] * h["momentum"].astype(dt) + g / avg
        return p - h["lr"].astype(dt) * buf, new
    return p + (-h["lr"]).astype(dt) * (g / avg), new


class RMSprop(PerParamOptimizer):
    """Mirrors `torch.optim.RMSprop`."""

    _init_state = staticmethod(rmsprop_init)
    _update = staticmethod(rmsprop_update)
    _state_keys = ("step", "square_avg", "grad_avg", "momentum_buffer")
    _hyper_keys = ("lr", "alpha", "eps", "weight_decay", "momentum")
    _nonnegative = ("eps", "momentum", "weight_decay", "alpha")
    _flags = ("decay", "centered", "maximize")
    _defaults_order = ("lr", "momentum", "alpha", "eps", "centered", "weight_decay", "capturable", "foreach",
                       "maximize", "differentiable")

    def __init__(self, params, lr=1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0,
                 momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        self._setup(params, locals())

    def _static(self, group):
        return (*super()._static(group), ("momentum", group["momentum"] > 0))
