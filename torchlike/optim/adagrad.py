"""Adagrad (lr_decay, initial_accumulator_value)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from ._family import PerParamOptimizer, decayed
from .optimizer import scalar_dtype

__all__ = ["Adagrad"]


def adagrad_init(p, group) -> dict:
    init = group["initial_accumulator_value"]
    return {"step": _ops.creation.zeros((), dtype=scalar_dtype()), "sum": _ops.creation.full_like(p, init)}


def adagrad_update(p, g, state, h, *, decay):
    """PyTorch's single-tensor Adagrad step for one parameter."""
    dt = p.dtype
    step = state["step"] + 1
    if decay:
        _, g = decayed(p, g, h)
    clr = h["lr"] / (1 + (step.astype(jnp.float64) - 1) * h["lr_decay"])
    acc = state["sum"] + g * g
    std = jnp.sqrt(acc) + h["eps"].astype(dt)
    return p + (-clr).astype(dt) * (g / std), {"step": step, "sum": acc}


class Adagrad(PerParamOptimizer):
    """Mirrors `torch.optim.Adagrad`: state is created for every parameter at construction."""

    _init_state = staticmethod(adagrad_init)
    _update = staticmethod(adagrad_update)
    _state_keys = ("step", "sum")
    _hyper_keys = ("lr", "lr_decay", "eps", "weight_decay")
    _nonnegative = ("lr_decay", "weight_decay", "initial_accumulator_value", "eps")
    _flags = ("decay", "maximize")
    _defaults_order = ("lr", "lr_decay", "eps", "weight_decay", "initial_accumulator_value", "foreach", "maximize",
                       "differentiable", "fused")

    def __init__(self, params, lr=1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        self._setup(params, locals())
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(self._init_state(p, group))

    def share_memory(self) -> None:
        """Mirrors `torch.optim.Adagrad.share_memory` (a no-op: there is one process's memory)."""
