"""NAdam (Nesterov-accelerated Adam, with momentum decay)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from ._family import AdamFamily, decayed, ema_of_squares, zeros_state
from .optimizer import lerp, scalar_dtype

__all__ = ["NAdam"]


def nadam_init(p, group) -> dict:
    st = zeros_state(p, "exp_avg", "exp_avg_sq")
    # (in PyTorch's key order: 'mu_product' second)
    return {"step": st.pop("step"), "mu_product": _ops.creation.ones((), dtype=scalar_dtype()), **st}


def nadam_update(p, g, state, h, *, decay, decoupled_weight_decay):
    """PyTorch's single-tensor NAdam step for one parameter; 'mu_product' is kept in its own dtype."""
    dt = p.dtype
    lr, b1, md = h["lr"], h["beta1"], h["momentum_decay"]
    step = state["step"] + 1
    n = step.astype(jnp.float64)
    bc2 = 1 - h["beta2"] ** n
    if decay:
        p, g = decayed(p, g, h, decoupled_weight_decay)
    mu = b1 * (1.0 - 0.5 * (0.96 ** (n * md)))
    mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((n + 1) * md)))
    prod_t = state["mu_product"] * mu.astype(state["mu_product"].dtype)
    prod = prod_t.astype(jnp.float64)
    m = lerp(state["exp_avg"], g, 1 - b1)
    v = ema_of_squares(state["exp_avg_sq"], g, h["beta2"])
    denom = jnp.sqrt(v / bc2.astype(dt)) + h["eps"].astype(dt)
    p = p + (-lr * (1.0 - mu) / (1.0 - prod)).astype(dt) * (g / denom)
    p = p + ((-lr * mu_next) / (1.0 - prod * mu_next)).astype(dt) * (m / denom)
    return p, {"step": step, "mu_product": prod_t, "exp_avg": m, "exp_avg_sq": v}


class NAdam(AdamFamily):
    """Mirrors `torch.optim.NAdam`."""

    _init_state = staticmethod(nadam_init)
    _update = staticmethod(nadam_update)
    _state_keys = ("step", "mu_product", "exp_avg", "exp_avg_sq")
    _hyper_keys = (*AdamFamily._hyper_keys, "momentum_decay")
    _nonnegative = ("momentum_decay",)
    _flags = ("decay", "decoupled_weight_decay", "maximize")
    _defaults_order = ("lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize",
                       "foreach", "capturable", "differentiable")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0,
                 momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        self._setup(params, locals())
