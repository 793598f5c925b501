"""Rprop (resilient backpropagation)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from ._exact import as_real, check_real_or_complex, from_real, refuse_sparse
from .optimizer import Optimizer, check_lr, scalar_dtype

__all__ = ["Rprop"]


def rprop_update(params, grads, states, h, *, maximize):
    """PyTorch's single-tensor Rprop step on lists of arrays: each element's step size grows by etaplus
    while its gradient keeps its sign and shrinks by etaminus when the sign flips (that gradient then
    counts as 0, so the next step neither grows nor shrinks it)."""
    out = {"step": [], "prev": [], "step_size": []}
    new_p = []
    for i, (p0, g) in enumerate(zip(params, grads)):
        p, g = as_real(p0), as_real(g)
        prev, size = as_real(states["prev"][i]), as_real(states["step_size"][i])
        dt = p.dtype
        g = -g if maximize else g
        etaminus, etaplus = h["etaminus"].astype(dt), h["etaplus"].astype(dt)
        s = jnp.sign(g * prev)
        factor = jnp.where(s > 0, etaplus, s)
        factor = jnp.where(factor < 0, etaminus, factor)
        factor = jnp.where(factor == 0, jnp.ones((), dt), factor)
        size = jnp.minimum(jnp.maximum(size * factor, h["step_size_min"].astype(dt)), h["step_size_max"].astype(dt))
        g = jnp.where(factor == etaminus, jnp.zeros((), dt), g)
        new_p.append(from_real(p - jnp.sign(g) * size, p0))
        out["step"].append(states["step"][i] + 1)
        out["prev"].append(from_real(g, p0))
        out["step_size"].append(from_real(size, p0))
    return new_p, out


class Rprop(Optimizer):
    """Mirrors `torch.optim.Rprop`."""

    _kernel = staticmethod(rprop_update)
    _state_keys = ("step", "prev", "step_size")
    _hyper_keys = ("etaminus", "etaplus", "step_size_min", "step_size_max")

    def __init__(
        self,
        params,
        lr=1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            for k in ("maximize", "differentiable", "capturable"):
                group.setdefault(k, False)

    def _hyper_value(self, group, key):
        pair, i = {"etaminus": ("etas", 0), "etaplus": ("etas", 1), "step_size_min": ("step_sizes", 0),
                   "step_size_max": ("step_sizes", 1)}[key]
        return group[pair][i]

    def _check_param(self, p):
        check_real_or_complex(self, p)

    def _update_group(self, group, params):
        refuse_sparse(self, params)
        super()._update_group(group, params)

    def _static(self, group):
        return (("maximize", bool(group["maximize"])),)

    def _init_state(self, p, group):
        lr = group["lr"]
        lr = float(lr.item() if hasattr(lr, "item") else lr)
        # (a complex parameter's real and imaginary parts each start at lr)
        return {
            "step": _ops.creation.zeros((), dtype=scalar_dtype()),
            "prev": _ops.creation.zeros_like(p),
            "step_size": _ops.creation.full_like(p.grad, complex(lr, lr) if p.is_complex() else lr),
        }

    def step(self, closure=None):
        """Mirrors `torch.optim.Rprop.step`."""
        return self._step_groups(closure)
