"""RAdam (rectified Adam)."""

from __future__ import annotations

import jax.numpy as jnp

from .adam import zeros_state
from .optimizer import Optimizer, check_common, check_lr, lerp

__all__ = ["RAdam"]


def radam_update(params, grads, states, h, *, decay, decoupled, maximize):
    """PyTorch's single-tensor RAdam step on lists of arrays: rectified while rho_t > 5, else SGD with momentum."""
    out = {"step": [], "exp_avg": [], "exp_avg_sq": []}
    new_p = []
    lr, b1, b2, eps = h["lr"], h["beta1"], h["beta2"], h["eps"]
    for i, (p, g) in enumerate(zip(params, grads)):
        dt = p.dtype
        g = -g if maximize else g
        step = states["step"][i] + 1
        n = step.astype(jnp.float64)
        if decay:
            if decoupled:
                p = p * (1 - lr * h["weight_decay"]).astype(dt)
            else:
                g = g + h["weight_decay"].astype(dt) * p
        m = lerp(states["exp_avg"][i], g, 1 - b1)
        v = states["exp_avg_sq"][i] * b2.astype(dt) + (1 - b2).astype(dt) * (g * g)
        bc1, bc2 = 1 - b1**n, 1 - b2**n
        corrected = m / bc1.astype(dt)
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * n * (b2**n) / bc2
        rect = jnp.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        adaptive = jnp.sqrt(bc2).astype(dt) / (jnp.sqrt(v) + eps.astype(dt))
        rectified = corrected * lr.astype(dt) * adaptive * rect.astype(dt)
        new_p.append(p - jnp.where(rho_t > 5.0, rectified, corrected * lr.astype(dt)))
        out["step"].append(step)
        out["exp_avg"].append(m)
        out["exp_avg_sq"].append(v)
    return new_p, out


class RAdam(Optimizer):
    """Mirrors `torch.optim.RAdam`."""

    _kernel = staticmethod(radam_update)
    _state_keys = ("step", "exp_avg", "exp_avg_sq")
    _hyper_keys = ("lr", "beta1", "beta2", "eps", "weight_decay")

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        check_common(eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
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
        return zeros_state(p, "exp_avg", "exp_avg_sq")

    def step(self, closure=None):
        """Mirrors `torch.optim.RAdam.step`."""
        return self._step_groups(closure)
