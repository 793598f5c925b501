"""Adam (and, with decoupled weight decay, AdamW)."""

from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._family import AdamFamily, decayed, ema_of_squares, zeros_state
from .optimizer import lerp

__all__ = ["Adam"]


def adam_init(p, group) -> dict:
    return zeros_state(p, "exp_avg", "exp_avg_sq", *(("max_exp_avg_sq",) if group["amsgrad"] else ()))


def adam_update(p, g, state, h, *, decay, decoupled_weight_decay, amsgrad):
    """PyTorch's single-tensor Adam step for one parameter (bias corrections in float64 from 'step')."""
    dt = p.dtype
    step = state["step"] + 1
    if decay:
        p, g = decayed(p, g, h, decoupled_weight_decay)
    m = lerp(state["exp_avg"], g, 1 - h["beta1"])
    v = ema_of_squares(state["exp_avg_sq"], g, h["beta2"])
    new = {"step": step, "exp_avg": m, "exp_avg_sq": v}
    n = step.astype(jnp.float64)
    step_size = h["lr"] / (1 - h["beta1"] ** n)
    bc2_sqrt = jnp.sqrt(1 - h["beta2"] ** n)
    if amsgrad:  # (the denominator uses the largest second moment so far)
        v = new["max_exp_avg_sq"] = jnp.maximum(state["max_exp_avg_sq"], v)
    denom = jnp.sqrt(v) / bc2_sqrt.astype(dt) + h["eps"].astype(dt)
    return p + (-step_size).astype(dt) * (m / denom), new


def _check_tensor_hyper(name: str, value, foreach, capturable) -> None:
    """PyTorch refuses a Tensor hyperparameter on its foreach path unless capturable."""
    if isinstance(value, Tensor):
        if foreach and not capturable:
            raise ValueError(f"{name} as a Tensor is not supported for capturable=False and foreach=True")
        if value.numel() != 1:
            raise ValueError(f"Tensor {name} must be 1-element")


class Adam(AdamFamily):
    """Mirrors `torch.optim.Adam`."""

    _init_state = staticmethod(adam_init)
    _update = staticmethod(adam_update)
    _state_keys = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    _flags = ("decay", "decoupled_weight_decay", "amsgrad", "maximize")
    _defaults_order = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable",
                       "differentiable", "fused", "decoupled_weight_decay")
    _group_fallbacks = {"amsgrad": False, "maximize": False, "capturable": False, "differentiable": False,
                        "decoupled_weight_decay": False, "foreach": None, "fused": None}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0,
                 amsgrad: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        self._setup(params, locals())

    def _validate(self, args):
        foreach, capturable = args["foreach"], args["capturable"]
        _check_tensor_hyper("lr", args["lr"], foreach, capturable)
        super()._validate(args)
        betas = args["betas"]
        if not (all(isinstance(b, float) for b in betas) or all(isinstance(b, Tensor) for b in betas)):
            raise ValueError("betas must be either both floats or both Tensors")
        for i, b in enumerate(betas):
            _check_tensor_hyper(f"betas[{i}]", b, foreach, capturable)
        args["betas"] = tuple(float(b.item()) if isinstance(b, Tensor) else b for b in betas)
