"""Adagrad (lr_decay, initial_accumulator_value)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from .optimizer import Optimizer, check_lr, scalar_dtype

__all__ = ["Adagrad"]


def adagrad_update(params, grads, states, h, *, decay, maximize):
    """PyTorch's single-tensor Adagrad step on lists of arrays."""
    out = {"step": [], "sum": []}
    new_p = []
    for i, (p, g) in enumerate(zip(params, grads)):
        dt = p.dtype
        step = states["step"][i] + 1
        g = -g if maximize else g
        if decay:
            g = g + h["weight_decay"].astype(dt) * p
        clr = h["lr"] / (1 + (step.astype(jnp.float64) - 1) * h["lr_decay"])
        acc = states["sum"][i] + g * g
        std = jnp.sqrt(acc) + h["eps"].astype(dt)
        new_p.append(p + (-clr).astype(dt) * (g / std))
        out["step"].append(step)
        out["sum"].append(acc)
    return new_p, out


class Adagrad(Optimizer):
    """Mirrors `torch.optim.Adagrad`: state is created for every parameter at construction."""

    _kernel = staticmethod(adagrad_update)
    _state_keys = ("step", "sum")
    _hyper_keys = ("lr", "lr_decay", "eps", "weight_decay")

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._init_state(p, group))

    def _static(self, group):
        return (("decay", group["weight_decay"] != 0), ("maximize", bool(group["maximize"])))

    def _init_state(self, p, group):
        init = group["initial_accumulator_value"]
        return {"step": _ops.creation.zeros((), dtype=scalar_dtype()), "sum": _ops.creation.full_like(p, init)}

    def share_memory(self) -> None:
        """Mirrors `torch.optim.Adagrad.share_memory` (a no-op: there is one process's memory)."""

    def step(self, closure=None):
        """Mirrors `torch.optim.Adagrad.step`."""
        return self._step_groups(closure)
