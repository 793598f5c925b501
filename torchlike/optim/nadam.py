"""NAdam (Nesterov-accelerated Adam, with momentum decay)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from .adam import zeros_state
from .optimizer import Optimizer, check_common, check_lr, lerp, scalar_dtype

__all__ = ["NAdam"]


def nadam_update(params, grads, states, h, *, decay, decoupled, maximize):
    """PyTorch's single-tensor NAdam step on lists of arrays; 'mu_product' is kept in its own dtype."""
    out = {"step": [], "mu_product": [], "exp_avg": [], "exp_avg_sq": []}
    new_p = []
    lr, b1, b2, md = h["lr"], h["beta1"], h["beta2"], h["momentum_decay"]
    for i, (p, g) in enumerate(zip(params, grads)):
        dt = p.dtype
        g = -g if maximize else g
        step = states["step"][i] + 1
        n = step.astype(jnp.float64)
        bc2 = 1 - b2**n
        if decay:
            if decoupled:
                p = p * (1 - lr * h["weight_decay"]).astype(dt)
            else:
                g = g + h["weight_decay"].astype(dt) * p
        mu = b1 * (1.0 - 0.5 * (0.96 ** (n * md)))
        mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((n + 1) * md)))
        prod_t = states["mu_product"][i]
        prod_t = prod_t * mu.astype(prod_t.dtype)
        prod = prod_t.astype(jnp.float64)
        m = lerp(states["exp_avg"][i], g, 1 - b1)
        v = states["exp_avg_sq"][i] * b2.astype(dt) + (1 - b2).astype(dt) * (g * g)
        denom = jnp.sqrt(v / bc2.astype(dt)) + h["eps"].astype(dt)
        p = p + (-lr * (1.0 - mu) / (1.0 - prod)).astype(dt) * (g / denom)
        p = p + ((-lr * mu_next) / (1.0 - prod * mu_next)).astype(dt) * (m / denom)
        new_p.append(p)
        for k, a in (("step", step), ("mu_product", prod_t), ("exp_avg", m), ("exp_avg_sq", v)):
            out[k].append(a)
    return new_p, out


class NAdam(Optimizer):
    """Mirrors `torch.optim.NAdam`."""

    _kernel = staticmethod(nadam_update)
    _state_keys = ("step", "mu_product", "exp_avg", "exp_avg_sq")
    _hyper_keys = ("lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay")

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        check_common(eps=eps, betas=betas, weight_decay=weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _static(self, group):
        return (
            ("decay", group["weight_decay"] != 0),
            ("decoupled", bool(group["decoupled_weight_decay"])),
            ("maximize", bool(group["maximize"])),
        )

    def _init_state(self, p, group):
        st = zeros_state(p, "exp_avg", "exp_avg_sq")
        st = {
            "step": st["step"],
            "mu_product": _ops.creation.ones((), dtype=scalar_dtype()),
            "exp_avg": st["exp_avg"],
            "exp_avg_sq": st["exp_avg_sq"],
        }
        return st

    def step(self, closure=None):
        """Mirrors `torch.optim.NAdam.step`."""
        return self._step_groups(closure)
