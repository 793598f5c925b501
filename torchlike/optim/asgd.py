"""ASGD (averaged stochastic gradient descent)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from .._tensor import Tensor
from ._exact import as_real, check_real_or_complex, fma, from_real, mul, refuse_sparse
from ._family import PerParamOptimizer
from .optimizer import scalar_dtype

__all__ = ["ASGD"]


def asgd_init(p, group) -> dict:
    lr = group["lr"]
    return {
        "step": _ops.creation.zeros((), dtype=scalar_dtype()),
        "eta": _ops.creation.tensor(float(lr.item() if hasattr(lr, "item") else lr), dtype=scalar_dtype()),
        "mu": _ops.creation.ones((), dtype=scalar_dtype()),
        "ax": _ops.creation.zeros_like(p),
    }


def asgd_update(p0, g, state, h, *, decay):
    """PyTorch's single-tensor ASGD step for one parameter. eta and mu are read as Python floats
    there (float64 here), and the next ones are computed in float64 and stored in their own dtype."""
    lr, lambd = h["lr"], h["lambd"]
    p, g, ax = as_real(p0), as_real(g), as_real(state["ax"])
    step, eta, mu = state["step"] + 1, state["eta"], state["mu"]
    if decay:
        g = fma(g, h["weight_decay"], p)
    eta64 = eta.astype(jnp.float64)
    p = mul(p, 1 - lambd * eta64)
    p = fma(p, -eta64, g)
    # (PyTorch copies the parameter while mu is 1, before averaging starts at t0)
    ax = jnp.where(mu == 1, p, ax + mul(p - ax, mu))
    n = step.astype(jnp.float64)
    new = {
        "step": step,
        "eta": (lr / (1 + lambd * lr * n) ** h["alpha"]).astype(eta.dtype),
        "mu": (1 / jnp.maximum(1.0, n - h["t0"])).astype(mu.dtype),
        "ax": from_real(ax, p0),
    }
    return from_real(p, p0), new


class ASGD(PerParamOptimizer):
    """Mirrors `torch.optim.ASGD`."""

    _init_state = staticmethod(asgd_init)
    _update = staticmethod(asgd_update)
    _state_keys = ("step", "eta", "mu", "ax")
    _hyper_keys = ("lr", "lambd", "alpha", "t0", "weight_decay")
    _nonnegative = ("weight_decay",)
    _flags = ("decay", "maximize")
    _defaults_order = ("lr", "lambd", "alpha", "t0", "weight_decay", "foreach", "maximize", "differentiable",
                       "capturable")
    _group_fallbacks = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _check_param = check_real_or_complex
    _param_checks = (refuse_sparse,)

    def __init__(self, params, lr=1e-2, lambd: float = 1e-4, alpha: float = 0.75, t0: float = 1e6,
                 weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        self._setup(params, locals())

    def _after_load(self, defaults):
        super()._after_load(defaults)
        for st in self.state.values():  # (older state dicts hold eta and mu as floats)
            for k in ("eta", "mu"):
                if isinstance(st, dict) and k in st and not isinstance(st[k], Tensor):
                    st[k] = _ops.creation.tensor(float(st[k]), dtype=scalar_dtype())
