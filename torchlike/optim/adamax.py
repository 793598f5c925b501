"""Adamax (the infinity-norm variant of Adam)."""

from __future__ import annotations

import jax.numpy as jnp

from .adam import zeros_state
from .optimizer import Optimizer, check_common, check_lr, lerp

__all__ = ["Adamax"]


def adamax_update(params, grads, states, h, *, decay, maximize):
    """PyTorch's single-tensor Adamax step on lists of arrays."""
    out = {"step": [], "exp_avg": [], "exp_inf": []}
    new_p = []
    b1, b2 = h["beta1"], h["beta2"]
    for i, (p, g) in enumerate(zip(params, grads)):
        dt = p.dtype
        g = -g if maximize else g
        step = states["step"][i] + 1
        if decay:
            g = g + h["weight_decay"].astype(dt) * p
        m = lerp(states["exp_avg"][i], g, 1 - b1)
        u = jnp.maximum(states["exp_inf"][i] * b2.astype(dt), jnp.abs(g) + h["eps"].astype(dt))
        clr = h["lr"] / (1 - b1 ** step.astype(jnp.float64))
        new_p.append(p + (-clr).astype(dt) * (m / u))
        out["step"].append(step)
        out["exp_avg"].append(m)
        out["exp_inf"].append(u)
    return new_p, out


class Adamax(Optimizer):
    """Mirrors `torch.optim.Adamax`."""

    _kernel = staticmethod(adamax_update)
    _state_keys = ("step", "exp_avg", "exp_inf")
    _hyper_keys = ("lr", "beta1", "beta2", "eps", "weight_decay")

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_lr(lr)
        check_common(eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _static(self, group):
        return (("decay", group["weight_decay"] != 0), ("maximize", bool(group["maximize"])))

    def _init_state(self, p, group):
        return zeros_state(p, "exp_avg", "exp_inf")

    def step(self, closure=None):
        """Mirrors `torch.optim.Adamax.step`."""
        return self._step_groups(closure)
