"""Adafactor (factored second moments for matrices; PyTorch's variant of the algorithm)."""

from __future__ import annotations

import math

import jax.numpy as jnp

from .. import _ops
from .._tensor import Tensor
from ._exact import fma, lerp, mul, refuse_complex, refuse_sparse, rsqrt
from .optimizer import Optimizer, scalar_dtype

__all__ = ["Adafactor"]


def _norm(a, axis=None):
    """`torch.norm(a, dim=axis, keepdim=True)`, or the whole tensor's as a float64 scalar (as `.item()`
    reads it). Half-precision inputs are summed in float32, as PyTorch accumulates them."""
    wide = a.astype(jnp.float32) if jnp.finfo(a.dtype).bits < 32 else a
    out = jnp.sqrt(jnp.sum(wide * wide, axis=axis, keepdims=axis is not None)).astype(a.dtype)
    return out.astype(jnp.float64) if axis is None else out


def adafactor_update(params, grads, states, h, *, decay, maximize, eps1_from_dtype):
    """PyTorch's single-tensor Adafactor step on lists of arrays. What PyTorch computes on the host with
    `.item()` (step, rho, alpha, the clipping denominator) is computed here in float64."""
    out = {"step": [], "row_var": [], "col_var": [], "variance": []}
    new_p = []
    lr, d = h["lr"], h["d"]
    # PyTorch fills a missing eps1 from the first parameter's dtype and keeps it for the whole group
    eps1 = jnp.float64(jnp.finfo(params[0].dtype).eps) if eps1_from_dtype else h["eps1"]
    for i, (p, g) in enumerate(zip(params, grads)):
        dt = p.dtype
        g = -g if maximize else g
        step = states["step"][i] + 1
        n = step.astype(jnp.float64)
        one_minus_beta2 = n ** h["beta2_decay"]
        rho = jnp.minimum(lr, 1 / jnp.sqrt(n))
        alpha = jnp.maximum(h["eps2"], _norm(p) / math.sqrt(p.size)) * rho
        if decay:
            p = mul(p, 1 - lr * h["weight_decay"])
        if g.ndim > 1:
            row_mean = jnp.square(_norm(g, -1)) / g.shape[-1]
            row = lerp(states["row_var"][i], row_mean, one_minus_beta2)
            col_mean = jnp.square(_norm(g, -2)) / g.shape[-2]
            col = lerp(states["col_var"][i], col_mean, one_minus_beta2)
            out["row_var"].append(row)
            out["col_var"].append(col)
            out["variance"].append(None)
            # (row @ col has an inner dimension of 1: each entry is one product)
            var = (row * col) / jnp.maximum(jnp.mean(row, axis=-2, keepdims=True), eps1.astype(dt))
        else:
            var = lerp(states["variance"][i], g * g, one_minus_beta2)
            out["variance"].append(var)
            out["row_var"].append(None)
            out["col_var"].append(None)
        update = rsqrt(jnp.maximum(var, (eps1 * eps1).astype(dt))) * g
        denom = jnp.maximum(1.0, _norm(update) / (math.sqrt(update.size) * d))
        new_p.append(fma(p, -alpha / denom, update))
        out["step"].append(step)
    return new_p, out


class Adafactor(Optimizer):
    """Mirrors `torch.optim.Adafactor`."""

    _kernel = staticmethod(adafactor_update)
    _state_keys = ("step", "row_var", "col_var", "variance")
    _hyper_keys = ("lr", "beta2_decay", "eps1", "eps2", "d", "weight_decay")

    def __init__(
        self,
        params,
        lr=1e-2,
        beta2_decay: float = -0.8,
        eps: tuple = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {
            "lr": lr,
            "beta2_decay": beta2_decay,
            "eps": eps,
            "d": d,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)

    def _hyper_value(self, group, key):
        if key in ("eps1", "eps2"):
            e = group["eps"][0 if key == "eps1" else 1]
            return 0.0 if e is None else e
        return group[key]

    def _update_group(self, group, params):
        refuse_complex(self, params)
        refuse_sparse(self, params)
        super()._update_group(group, params)

    def _store(self, params, new_params, new_states):
        # (a group mixes factored and unfactored parameters: None marks a state a parameter has not)
        super()._store(params, new_params, {})
        for k, arrays in new_states.items():
            for p, a in zip(params, arrays):
                if a is not None:
                    t = self.state[p].get(k)
                    if isinstance(t, Tensor):
                        t._write(a)
                    else:
                        self.state[p][k] = Tensor._wrap(a)

    def _static(self, group):
        return (
            ("decay", group["weight_decay"] != 0),
            ("maximize", bool(group["maximize"])),
            ("eps1_from_dtype", group["eps"][0] is None),
        )

    def _init_state(self, p, group):
        g = p.grad
        st = {"step": _ops.creation.tensor(0.0, dtype=scalar_dtype())}
        if g.ndim > 1:
            st["row_var"] = _ops.creation.zeros(tuple(g.shape[:-1]) + (1,), dtype=g.dtype)
            st["col_var"] = _ops.creation.zeros(tuple(g.shape[:-2]) + (1, g.shape[-1]), dtype=g.dtype)
        else:
            st["variance"] = _ops.creation.zeros_like(g)
        return st

    def step(self, closure=None):
        """Mirrors `torch.optim.Adafactor.step`."""
        return self._step_groups(closure)
