"""RAdam (rectified Adam)."""

from __future__ import annotations

import jax.numpy as jnp

from ._family import AdamFamily, decayed, ema_of_squares, zeros_state
from .optimizer import lerp

__all__ = ["RAdam"]


def radam_init(p, group) -> dict:
    return zeros_state(p, "exp_avg", "exp_avg_sq")


def radam_update(p, g, state, h, *, decay, decoupled_weight_decay):
    """PyTorch's single-tensor RAdam step for one parameter: rectified while rho_t > 5, else SGD with momentum."""
    dt = p.dtype
    lr, b1, b2 = h["lr"], h["beta1"], h["beta2"]
    step = state["step"] + 1
    n = step.astype(jnp.float64)
    if decay:
        p, g = decayed(p, g, h, decoupled_weight_decay)
    m = lerp(state["exp_avg"], g, 1 - b1)
    v = ema_of_squares(state["exp_avg_sq"], g, b2)
    bc1, bc2 = 1 - b1**n, 1 - b2**n
    corrected = m / bc1.astype(dt)
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * n * (b2**n) / bc2
    rect = jnp.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    adaptive = jnp.sqrt(bc2).astype(dt) / (jnp.sqrt(v) + h["eps"].astype(dt))
    rectified = corrected * lr.astype(dt) * adaptive * rect.astype(dt)
    p = p - jnp.where(rho_t > 5.0, rectified, corrected * lr.astype(dt))
    return p, {"step": step, "exp_avg": m, "exp_avg_sq": v}


class RAdam(AdamFamily):
    """Mirrors `torch.optim.RAdam`."""

    _init_state = staticmethod(radam_init)
    _update = staticmethod(radam_update)
    _state_keys = ("step", "exp_avg", "exp_avg_sq")
    _flags = ("decay", "decoupled_weight_decay", "maximize")
    _defaults_order = ("lr", "betas", "eps", "weight_decay", "maximize", "foreach", "capturable",
                       "decoupled_weight_decay", "differentiable")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        self._setup(params, locals())
