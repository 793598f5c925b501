"""Muon (momentum orthogonalized by a Newton-Schulz iteration) for 2-D parameters."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from .. import _ops
from .._tensor import Tensor
from ._exact import fma, lerp, mul, refuse_complex, refuse_sparse
from .optimizer import Optimizer

__all__ = ["Muon"]

EPS = 1e-7
DEFAULT_A, DEFAULT_B, DEFAULT_C = 3.4445, -4.7750, 2.0315
DEFAULT_NS_STEPS = 5
_HI = jax.lax.Precision.HIGHEST


def _mm(x, y):
    """A bfloat16 matrix product as PyTorch's CPU kernel computes one: float32 products and sums."""
    return jnp.matmul(x, y, precision=_HI)


def newton_schulz(g, coefficients, steps: int, eps):
    """PyTorch's quintic Newton-Schulz iteration toward the orthogonal factor of g, in bfloat16. Every
    bfloat16 operation is computed in float32 and rounded once, as PyTorch's CPU kernels (addmm
    included: beta * input + alpha * m1 @ m2 in float32) do."""
    bf, f32 = jnp.bfloat16, jnp.float32
    a, b, c = (float(v) for v in coefficients)
    x = g.astype(bf)
    tall = g.shape[0] > g.shape[1]
    if tall:
        x = x.T
    norm = jnp.sqrt(jnp.sum(jnp.square(x.astype(f32)))).astype(bf)
    norm = jnp.maximum(norm, eps.astype(bf))
    x = (x.astype(f32) / norm.astype(f32)).astype(bf)
    for _ in range(steps):
        xf = x.astype(f32)
        gram = _mm(xf, xf.T).astype(bf).astype(f32)
        update = (b * gram + c * _mm(gram, gram)).astype(bf).astype(f32)
        x = (a * xf + _mm(update, xf)).astype(bf)
    return x.T if tall else x


def adjusted_lr_ratio(adjust_lr_fn, shape) -> float:
    """The factor Muon scales lr by for a parameter of this shape (so that updates of rectangular
    matrices have comparable RMS)."""
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return math.sqrt(max(1, rows / cols))
    if adjust_lr_fn == "match_rms_adamw":
        return 0.2 * math.sqrt(max(rows, cols))
    return 1.0


def muon_update(params, grads, states, h, *, nesterov, coefficients, ns_steps, adjust_lr_fn):
    """PyTorch's Muon step on lists of arrays (decoupled weight decay, then the orthogonalized update)."""
    bufs, new_p = [], []
    lr, momentum = h["lr"], h["momentum"]
    for i, (p, g) in enumerate(zip(params, grads)):
        dt = p.dtype
        buf = lerp(states["momentum_buffer"][i], g, 1 - momentum)
        bufs.append(buf)
        update = lerp(g, buf, momentum) if nesterov else buf
        update = newton_schulz(update, coefficients, ns_steps, h["eps"])
        step = lr * adjusted_lr_ratio(adjust_lr_fn, p.shape)
        p = mul(p, 1 - lr * h["weight_decay"])
        new_p.append(fma(p, -step, update.astype(dt)))
    return new_p, {"momentum_buffer": bufs}


class Muon(Optimizer):
    """Mirrors `torch.optim.Muon`: 2-D parameters only."""

    _kernel = staticmethod(muon_update)
    _state_keys = ("momentum_buffer",)
    _hyper_keys = ("lr", "weight_decay", "momentum", "eps")

    def __init__(
        self,
        params,
        lr=1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple = (DEFAULT_A, DEFAULT_B, DEFAULT_C),
        eps: float = EPS,
        ns_steps: int = DEFAULT_NS_STEPS,
        adjust_lr_fn: str | None = None,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {
            "lr": lr,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "nesterov": nesterov,
            "ns_coefficients": ns_coefficients,
            "eps": eps,
            "ns_steps": ns_steps,
            "adjust_lr_fn": adjust_lr_fn,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(
                        f"Muon only supports 2D parameters whereas we found a parameter with size: {p.size()}"
                    )

    def _update_group(self, group, params):
        refuse_complex(self, params)
        refuse_sparse(self, params)
        for p in params:
            if p.grad.ndim != 2:
                raise ValueError("Param gradient must be a 2D matrix")
        if group["ns_steps"] >= 100:
            raise ValueError("Number of steps must be less than 100 for computational efficiency")
        if len(group["ns_coefficients"]) != 3:
            raise ValueError("Coefficients must be a tuple of exactly 3 values")
        super()._update_group(group, params)

    def _static(self, group):
        return (
            ("nesterov", bool(group["nesterov"])),
            ("coefficients", tuple(float(c) for c in group["ns_coefficients"])),
            ("ns_steps", int(group["ns_steps"])),
            ("adjust_lr_fn", group["adjust_lr_fn"]),
        )

    def _init_state(self, p, group):
        return {"momentum_buffer": _ops.creation.zeros_like(p.grad)}

    def step(self, closure=None):
        """Mirrors `torch.optim.Muon.step`."""
        return self._step_groups(closure)
