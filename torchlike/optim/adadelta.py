"""Adadelta."""

from __future__ import annotations

import jax.numpy as jnp

from .adam import zeros_state
from .optimizer import Optimizer, check_lr

__all__ = ["Adadelta"]


def adadelta_update(params, grads, states, h, *, decay, maximize):
    """PyTorch's single-tensor Adadelta step on lists of arrays."""
    out = {"step": [], "square_avg": [], "acc_delta": []}
    new_p = []
    for i, (p, g) in enumerate(zip(params, grads)):
        dt = p.dtype
        rho, eps = h["rho"].astype(dt), h["eps"].astype(dt)
        out["step"].append(states["step"][i] + 1)
        g = -g if maximize else g
        if decay:
            g = g + h["weight_decay"].astype(dt) * p
        sq = states["square_avg"][i] * rho + (1 - h["rho"]).astype(dt) * (g * g)
        std = jnp.sqrt(sq + eps)
        delta = jnp.sqrt(states["acc_delta"][i] + eps) / std * g
        acc = states["acc_delta"][i] * rho + (1 - h["rho"]).astype(dt) * (delta * delta)
        new_p.append(p + (-h["lr"]).astype(dt) * delta)
        out["square_avg"].append(sq)
        out["acc_delta"].append(acc)
    return new_p, out


class Adadelta(Optimizer):
    """Mirrors `torch.optim.Adadelta`."""

    _kernel = staticmethod(adadelta_update)
    _state_keys = ("step", "square_avg", "acc_delta")
    _hyper_keys = ("lr", "rho", "eps", "weight_decay")

    def __init__(
        self,
        params,
        lr=1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _static(self, group):
        return (("decay", group["weight_decay"] != 0), ("maximize", bool(group["maximize"])))

    def _init_state(self, p, group):
        return zeros_state(p, "square_avg", "acc_delta")

    def step(self, closure=None):
        """Mirrors `torch.optim.Adadelta.step`."""
        return self._step_groups(closure)
