"""Rprop (resilient backpropagation)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from ._exact import as_real, check_real_or_complex, from_real, refuse_sparse
from ._family import PerParamOptimizer, check_lr
from .optimizer import scalar_dtype

__all__ = ["Rprop"]


def rprop_init(p, group) -> dict:
    lr = group["lr"]
    lr = float(lr.item() if hasattr(lr, "item") else lr)
    # (a complex parameter's real and imaginary parts each start at lr)
    return {
        "step": _ops.creation.zeros((), dtype=scalar_dtype()),
        "prev": _ops.creation.zeros_like(p),
        "step_size": _ops.creation.full_like(p.grad, complex(lr, lr) if p.is_complex() else lr),
    }


def rprop_update(p0, g, state, h):
    """PyTorch's single-tensor Rprop step for one parameter: each element's step size grows by etaplus
    while its gradient keeps its sign and shrinks by etaminus when the sign flips (that gradient then
    counts as 0, so the next step neither grows nor shrinks it)."""
    p, g = as_real(p0), as_real(g)
    prev, size = as_real(state["prev"]), as_real(state["step_size"])
    dt = p.dtype
    etaminus, etaplus = h["etaminus"].astype(dt), h["etaplus"].astype(dt)
    s = jnp.sign(g * prev)
    factor = jnp.where(s > 0, etaplus, s)
    factor = jnp.where(factor < 0, etaminus, factor)
    factor = jnp.where(factor == 0, jnp.ones((), dt), factor)
    size = jnp.minimum(jnp.maximum(size * factor, h["step_size_min"].astype(dt)), h["step_size_max"].astype(dt))
    g = jnp.where(factor == etaminus, jnp.zeros((), dt), g)
    new = {"step": state["step"] + 1, "prev": from_real(g, p0), "step_size": from_real(size, p0)}
    return from_real(p - jnp.sign(g) * size, p0), new


class Rprop(PerParamOptimizer):
    """Mirrors `torch.optim.Rprop`."""

    _init_state = staticmethod(rprop_init)
    _update = staticmethod(rprop_update)
    _state_keys = ("step", "prev", "step_size")
    _hyper_keys = ("etaminus", "etaplus", "step_size_min", "step_size_max")
    _pairs = {"etaminus": ("etas", 0), "etaplus": ("etas", 1), "step_size_min": ("step_sizes", 0),
              "step_size_max": ("step_sizes", 1)}
    _defaults_order = ("lr", "etas", "step_sizes", "foreach", "maximize", "differentiable", "capturable")
    _group_fallbacks = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _check_param = check_real_or_complex
    _param_checks = (refuse_sparse,)

    def __init__(self, params, lr=1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        self._setup(params, locals())

    def _validate(self, args):
        check_lr(args["lr"])
        etas = args["etas"]
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
