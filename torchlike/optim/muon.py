"""Muon (momentum orthogonalized by a Newton-Schulz iteration) for 2-D parameters."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from .. import _ops
from ._exact import fma, lerp, mul, refuse_complex, refuse_sparse
from ._family import PerParamOptimizer, check_lr, require

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


def muon_init(p, group) -> dict:
    return {"momentum_buffer": _ops.creation.zeros_like(p.grad)}


def muon_update(p, g, state, h, *, nesterov, coefficients, ns_steps, adjust_lr_fn):
    """PyTorch's Muon step for one parameter (decoupled weight decay, then the orthogonalized update)."""
    lr, momentum = h["lr"], h["momentum"]
    buf = lerp(state["momentum_buffer"], g, 1 - momentum)
    update = lerp(g, buf, momentum) if nesterov else buf
    update = newton_schulz(update, coefficients, ns_steps, h["eps"])
    step = lr * adjusted_lr_ratio(adjust_lr_fn, p.shape)
    p = mul(p, 1 - lr * h["weight_decay"])
    return fma(p, -step, update.astype(p.dtype)), {"momentum_buffer": buf}


class Muon(PerParamOptimizer):
    """Mirrors `torch.optim.Muon`: 2-D parameters only."""

    _init_state = staticmethod(muon_init)
    _update = staticmethod(muon_update)
    _state_keys = ("momentum_buffer",)
    _hyper_keys = ("lr", "weight_decay", "momentum", "eps")
    _flags = ()
    _defaults_order = ("lr", "weight_decay", "momentum", "nesterov", "ns_coefficients", "eps", "ns_steps",
                       "adjust_lr_fn")
    _param_checks = (refuse_complex, refuse_sparse)

    def __init__(self, params, lr=1e-3, weight_decay: float = 0.1, momentum: float = 0.95, nesterov: bool = True,
                 ns_coefficients: tuple = (DEFAULT_A, DEFAULT_B, DEFAULT_C), eps: float = EPS,
                 ns_steps: int = DEFAULT_NS_STEPS, adjust_lr_fn: str | None = None) -> None:
        self._setup(params, locals())
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(
                        f"Muon only supports 2D parameters whereas we found a parameter with size: {p.size()}"
                    )

    def _validate(self, args):
        check_lr(args["lr"], "Learning rate should be >= 0 but is: {}")
        require(0.0 <= args["momentum"], f"momentum should be >= 0 but is: {args['momentum']}")
        require(0.0 <= args["weight_decay"], f"weight decay should be >= 0 but is: {args['weight_decay']}")
        fn = args["adjust_lr_fn"]
        if fn is not None and fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {fn} is not supported")

    def _check_group(self, group, params):
        super()._check_group(group, params)
        for p in params:
            if p.grad.ndim != 2:
                raise ValueError("Param gradient must be a 2D matrix")
        if group["ns_steps"] >= 100:
            raise ValueError("Number of steps must be less than 100 for computational efficiency")
        if len(group["ns_coefficients"]) != 3:
            raise ValueError("Coefficients must be a tuple of exactly 3 values")

    def _static(self, group):
        return (
            ("nesterov", bool(group["nesterov"])),
            ("coefficients", tuple(float(c) for c in group["ns_coefficients"])),
            ("ns_steps", int(group["ns_steps"])),
            ("adjust_lr_fn", group["adjust_lr_fn"]),
        )
