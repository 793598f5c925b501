"""ASGD (averaged stochastic gradient descent)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from .._tensor import Tensor
from ._exact import as_real, check_real_or_complex, fma, from_real, mul, refuse_sparse
from .optimizer import Optimizer, check_lr, scalar_dtype

__all__ = ["ASGD"]


def asgd_update(params, grads, states, h, *, decay, maximize):
    """PyTorch's single-tensor ASGD step on lists of arrays. eta and mu are read as Python floats
    there (float64 here), and the next ones are computed in float64 and stored in their own dtype."""
    out = {"step": [], "eta": [], "mu": [], "ax": []}
    new_p = []
    lr, lambd = h["lr"], h["lambd"]
    for i, (p0, g) in enumerate(zip(params, grads)):
        p, g, ax = as_real(p0), as_real(g), as_real(states["ax"][i])
        g = -g if maximize else g
        step, eta, mu = states["step"][i] + 1, states["eta"][i], states["mu"][i]
        if decay:
            g = fma(g, h["weight_decay"], p)
        eta64 = eta.astype(jnp.float64)
        p = mul(p, 1 - lambd * eta64)
        p = fma(p, -eta64, g)
        # (PyTorch copies the parameter while mu is 1, before averaging starts at t0)
        ax = jnp.where(mu == 1, p, ax + mul(p - ax, mu))
        n = step.astype(jnp.float64)
        new_p.append(from_real(p, p0))
        out["step"].append(step)
        out["eta"].append((lr / (1 + lambd * lr * n) ** h["alpha"]).astype(eta.dtype))
        out["mu"].append((1 / jnp.maximum(1.0, n - h["t0"])).astype(mu.dtype))
        out["ax"].append(from_real(ax, p0))
    return new_p, out


class ASGD(Optimizer):
    """Mirrors `torch.optim.ASGD`."""

    _kernel = staticmethod(asgd_update)
    _state_keys = ("step", "eta", "mu", "ax")
    _hyper_keys = ("lr", "lambd", "alpha", "t0", "weight_decay")

    def __init__(
        self,
        params,
        lr=1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
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

    def _after_load(self, defaults):
        super()._after_load(defaults)
        for st in self.state.values():  # (older state dicts hold eta and mu as floats)
            for k in ("eta", "mu"):
                if isinstance(st, dict) and k in st and not isinstance(st[k], Tensor):
                    st[k] = _ops.creation.tensor(float(st[k]), dtype=scalar_dtype())

    def _check_param(self, p):
        check_real_or_complex(self, p)

    def _update_group(self, group, params):
        refuse_sparse(self, params)
        super()._update_group(group, params)

    def _static(self, group):
        return (("decay", group["weight_decay"] != 0), ("maximize", bool(group["maximize"])))

    def _init_state(self, p, group):
        lr = group["lr"]
        return {
            "step": _ops.creation.zeros((), dtype=scalar_dtype()),
            "eta": _ops.creation.tensor(float(lr.item() if hasattr(lr, "item") else lr), dtype=scalar_dtype()),
            "mu": _ops.creation.ones((), dtype=scalar_dtype()),
            "ax": _ops.creation.zeros_like(p),
        }

    def step(self, closure=None):
        """Mirrors `torch.optim.ASGD.step`."""
        return self._step_groups(closure)
