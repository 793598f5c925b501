"""Adam (and, with decoupled weight decay, AdamW)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from .._tensor import Tensor
from .optimizer import Optimizer, check_common, check_lr, lerp, scalar_dtype

__all__ = ["Adam"]


def adam_update(params, grads, states, h, *, decay, decoupled, amsgrad, maximize):
    """PyTorch's single-tensor Adam step on lists of arrays (bias corrections in float64 from 'step')."""
    out = {"step": [], "exp_avg": [], "exp_avg_sq": [], "max_exp_avg_sq": []}
    new_p = []
    lr, b1, b2, eps, wd = h["lr"], h["beta1"], h["beta2"], h["eps"], h["weight_decay"]
    for i, (p, g) in enumerate(zip(params, grads)):
        dt = p.dtype
        g = -g if maximize else g
        step = states["step"][i] + 1
        if decay:
            if decoupled:
                p = p * (1 - lr * wd).astype(dt)
            else:
                g = g + wd.astype(dt) * p
        m = lerp(states["exp_avg"][i], g, 1 - b1)
        v = states["exp_avg_sq"][i] * b2.astype(dt) + (1 - b2).astype(dt) * (g * g)
        n = step.astype(jnp.float64)
        step_size = lr / (1 - b1**n)
        bc2_sqrt = jnp.sqrt(1 - b2**n)
        if amsgrad:
            vmax = jnp.maximum(states["max_exp_avg_sq"][i], v)
            out["max_exp_avg_sq"].append(vmax)
            denom = jnp.sqrt(vmax) / bc2_sqrt.astype(dt) + eps.astype(dt)
        else:
            denom = jnp.sqrt(v) / bc2_sqrt.astype(dt) + eps.astype(dt)
        new_p.append(p + (-step_size).astype(dt) * (m / denom))
        out["step"].append(step)
        out["exp_avg"].append(m)
        out["exp_avg_sq"].append(v)
    if not amsgrad:
        del out["max_exp_avg_sq"]
    return new_p, out


def zeros_state(p: Tensor, *keys: str) -> dict:
    """A fresh float 'step' and zero buffers shaped like p."""
    st = {"step": _ops.creation.zeros((), dtype=scalar_dtype())}
    for k in keys:
        st[k] = _ops.creation.zeros_like(p)
    return st


def _check_tensor_hyper(name: str, value, foreach, capturable) -> None:
    """PyTorch refuses a Tensor hyperparameter on its foreach path unless capturable."""
    if isinstance(value, Tensor):
        if foreach and not capturable:
            raise ValueError(f"{name} as a Tensor is not supported for capturable=False and foreach=True")
        if value.numel() != 1:
            raise ValueError(f"Tensor {name} must be 1-element")


class Adam(Optimizer):
    """Mirrors `torch.optim.Adam`."""

    _kernel = staticmethod(adam_update)
    _state_keys = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    _hyper_keys = ("lr", "beta1", "beta2", "eps", "weight_decay")

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check_tensor_hyper("lr", lr, foreach, capturable)
        check_lr(lr)
        check_common(eps=eps, betas=betas, weight_decay=weight_decay)
        if not (all(isinstance(b, float) for b in betas) or all(isinstance(b, Tensor) for b in betas)):
            raise ValueError("betas must be either both floats or both Tensors")
        for i, b in enumerate(betas):
            _check_tensor_hyper(f"betas[{i}]", b, foreach, capturable)
        betas = tuple(float(b.item()) if isinstance(b, Tensor) else b for b in betas)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for k in ("amsgrad", "maximize", "capturable", "differentiable", "decoupled_weight_decay"):
                group.setdefault(k, False)
            for k in ("foreach", "fused"):
                group.setdefault(k, None)

    def _static(self, group):
        return (
            ("decay", group["weight_decay"] != 0),
            ("decoupled", bool(group["decoupled_weight_decay"])),
            ("amsgrad", bool(group["amsgrad"])),
            ("maximize", bool(group["maximize"])),
        )

    def _init_state(self, p, group):
        keys = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())
        return zeros_state(p, *keys)

    def step(self, closure=None):
        """Mirrors `torch.optim.Adam.step`."""
        return self._step_groups(closure)
