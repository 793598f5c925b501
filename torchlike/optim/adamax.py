"""Adamax (the infinity-norm variant of Adam)."""

from __future__ import annotations

import jax.numpy as jnp

from ._family import AdamFamily, decayed, zeros_state
from .optimizer import lerp

__all__ = ["Adamax"]


def adamax_init(p, group) -> dict:
    return zeros_state(p, "exp_avg", "exp_inf")


def adamax_update(p, g, state, h, *, decay):
    """PyTorch's single-tensor Adamax step for one parameter."""
    dt = p.dtype
    step = state["step"] + 1
    if decay:
        p, g = decayed(p, g, h)
    m = lerp(state["exp_avg"], g, 1 - h["beta1"])
    u = jnp.maximum(state["exp_inf"] * h["beta2"].astype(dt), jnp.abs(g) + h["eps"].astype(dt))
    clr = h["lr"] / (1 - h["beta1"] ** step.astype(jnp.float64))
    return p + (-clr).astype(dt) * (m / u), {"step": step, "exp_avg": m, "exp_inf": u}


class Adamax(AdamFamily):
    """Mirrors `torch.optim.Adamax`."""

    _init_state = staticmethod(adamax_init)
    _update = staticmethod(adamax_update)
    _state_keys = ("step", "exp_avg", "exp_inf")
    _defaults_order = ("lr", "betas", "eps", "weight_decay", "foreach", "maximize", "differentiable", "capturable")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0,
                 foreach: bool | None = None, *, maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        self._setup(params, locals())
