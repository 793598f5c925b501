"""Adafactor (factored second moments for matrices; PyTorch's variant of the algorithm)."""

from __future__ import annotations

import math

import jax.numpy as jnp

from .. import _ops
from ._exact import fma, lerp, mul, refuse_complex, refuse_sparse, rsqrt
from ._family import PerParamOptimizer, check_lr, require
from .optimizer import scalar_dtype

__all__ = ["Adafactor"]


def _norm(a, axis=None):
    """`torch.norm(a, dim=axis, keepdim=True)`, or the whole tensor's as a float64 scalar (as `.item()`
    reads it). Half-precision inputs are summed in float32, as PyTorch accumulates them."""
    wide = a.astype(jnp.float32) if jnp.finfo(a.dtype).bits < 32 else a
    out = jnp.sqrt(jnp.sum(wide * wide, axis=axis, keepdims=axis is not None)).astype(a.dtype)
    return out.astype(jnp.float64) if axis is None else out


def adafactor_init(p, group) -> dict:
    g = p.grad
    st = {"step": _ops.creation.tensor(0.0, dtype=scalar_dtype())}
    if g.ndim > 1:
        st["row_var"] = _ops.creation.zeros(tuple(g.shape[:-1]) + (1,), dtype=g.dtype)
        st["col_var"] = _ops.creation.zeros(tuple(g.shape[:-2]) + (1, g.shape[-1]), dtype=g.dtype)
    else:
        st["variance"] = _ops.creation.zeros_like(g)
    return st


def adafactor_update(p, g, state, h, *, decay):
    """PyTorch's single-tensor Adafactor step for one parameter. What PyTorch computes on the host with
    `.item()` (step, rho, alpha, the clipping denominator) is computed here in float64."""
    dt = p.dtype
    lr, eps1 = h["lr"], h["eps1"]
    step = state["step"] + 1
    n = step.astype(jnp.float64)
    one_minus_beta2 = n ** h["beta2_decay"]
    rho = jnp.minimum(lr, 1 / jnp.sqrt(n))
    alpha = jnp.maximum(h["eps2"], _norm(p) / math.sqrt(p.size)) * rho
    if decay:
        p = mul(p, 1 - lr * h["weight_decay"])
    new = {"step": step}
    if g.ndim > 1:
        row_mean = jnp.square(_norm(g, -1)) / g.shape[-1]
        row = new["row_var"] = lerp(state["row_var"], row_mean, one_minus_beta2)
        col_mean = jnp.square(_norm(g, -2)) / g.shape[-2]
        col = new["col_var"] = lerp(state["col_var"], col_mean, one_minus_beta2)
        # (row @ col has an inner dimension of 1: each entry is one product)
        var = (row * col) / jnp.maximum(jnp.mean(row, axis=-2, keepdims=True), eps1.astype(dt))
    else:
        var = new["variance"] = lerp(state["variance"], g * g, one_minus_beta2)
    update = rsqrt(jnp.maximum(var, (eps1 * eps1).astype(dt))) * g
    denom = jnp.maximum(1.0, _norm(update) / (math.sqrt(update.size) * h["d"]))
    return fma(p, -alpha / denom, update), new


class Adafactor(PerParamOptimizer):
    """Mirrors `torch.optim.Adafactor`."""

    _init_state = staticmethod(adafactor_init)
    _update = staticmethod(adafactor_update)
    _state_keys = ("step", "row_var", "col_var", "variance")
    _hyper_keys = ("lr", "beta2_decay", "eps1", "eps2", "d", "weight_decay")
    _pairs = {"eps2": ("eps", 1)}
    _flags = ("decay", "maximize")
    _defaults_order = ("lr", "beta2_decay", "eps", "d", "weight_decay", "foreach", "maximize")
    _group_fallbacks = {"foreach": None}
    _param_checks = (refuse_complex, refuse_sparse)

    def __init__(self, params, lr=1e-2, beta2_decay: float = -0.8, eps: tuple = (None, 1e-3), d: float = 1.0,
                 weight_decay: float = 0.0, *, foreach: bool | None = None, maximize: bool = False) -> None:
        self._setup(params, locals())

    def _validate(self, args):
        check_lr(args["lr"], "Learning rate should be >= 0 but is: {}")
        require(0.0 >= args["beta2_decay"], f"beta2_decay should be <= 0 but is: {args['beta2_decay']}")
        eps1, eps2 = args["eps"][0], args["eps"][1]
        require(eps1 is None or 0.0 <= eps1, f"epsilon1 should be >= 0 but is: {eps1}")
        require(0.0 <= eps2, f"epsilon2 should be >= 0 but is: {eps2}")
        require(1.0 <= args["d"], f"Clipping threshold d should be >= 1 but is: {args['d']}")
        require(0.0 <= args["weight_decay"], f"weight_decay should be >= 0 but is: {args['weight_decay']}")

    def _hypers(self, group, params):
        eps1 = group["eps"][0]
        if eps1 is None:  # PyTorch fills a missing eps1 from the first parameter's dtype, for the whole group
            eps1 = float(jnp.finfo(params[0]._meta.dtype).eps)
        return super()._hypers(dict(group, eps1=eps1), params)
