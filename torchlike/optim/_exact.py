"""Elementwise steps rounded as PyTorch's CPU kernels round them, and checks shared by the newer optimizers.

PyTorch's `add(b, alpha=...)`, `addcmul` and `lerp` kernels use fused multiply-adds (one rounding),
while a plain `mul` followed by `add` rounds twice; XLA contracts a multiply and an add into one
fused operation wherever it likes. Below float64 both cases are pinned down here by computing in
float64 (where the product of two narrower floats is exact) and rounding once, at the point PyTorch
rounds. float64 arrays use the plain operations (there is no wider type to compute in)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .optimizer import Optimizer

F64 = jnp.float64


def _opmath(dt):
    """The type PyTorch's CPU kernels compute a dtype in (float32 for half types), and scalars are read as."""
    return jnp.float32 if jnp.finfo(dt).bits < 32 else dt


def _scalar(x, dt):
    return x.astype(_opmath(dt)) if jnp.ndim(x) == 0 else x


def _round(x64, dt):
    """A float64 result rounded as PyTorch rounds it: to the compute type, then to the tensor's dtype."""
    return x64.astype(_opmath(dt)).astype(dt)


def fma(a, b, c):
    """a + b * c rounded once (in a's dtype; a scalar b or c is first rounded to the compute type)."""
    dt = a.dtype
    b, c = _scalar(b, dt), _scalar(c, dt)
    if jnp.finfo(dt).bits < 64:
        return _round(a.astype(F64) + b.astype(F64) * c.astype(F64), dt)
    return a + b * c


def mul(a, b):
    """a * b rounded on its own (so that a following add is not fused with it), in a's dtype."""
    dt = a.dtype
    b = _scalar(b, dt)
    if jnp.finfo(dt).bits < 64:
        return _round(a.astype(F64) * b.astype(F64), dt)
    return a * b


def lerp(start, end, weight):
    """`start.lerp(end, weight)` for a float64 scalar weight, as PyTorch's kernel computes it: in the
    compute type, the weight rounded to it and `1 - weight` taken in it, each branch one fused
    multiply-add."""
    dt = start.dtype
    om = _opmath(dt)
    w = weight.astype(om)
    s, e = start.astype(om), end.astype(om)
    diff = e - s
    return jnp.where(jnp.abs(w) < 0.5, fma(s, w, diff), fma(e, -diff, 1 - w)).astype(dt)


def rsqrt(x):
    """PyTorch's CPU `rsqrt`: 1 / sqrt(x) in the compute type, each rounded (never an approximate
    reciprocal square root)."""
    dt = x.dtype
    if jnp.finfo(dt).bits < 64:
        om = _opmath(dt)
        s = jnp.sqrt(x.astype(F64)).astype(om)  # (a float64 square root rounded again is the correctly rounded one)
        return (1 / s.astype(F64)).astype(om).astype(dt)
    return 1 / jnp.sqrt(x)


def as_real(a):
    """A complex array as pairs of reals (PyTorch's `view_as_real`): its updates treat the parts apart."""
    return jnp.stack([a.real, a.imag], axis=-1) if jnp.iscomplexobj(a) else a


def from_real(a, like):
    """The inverse of `as_real` for an array that was complex like `like`."""
    return jax.lax.complex(a[..., 0], a[..., 1]).astype(like.dtype) if jnp.iscomplexobj(like) else a


def check_real_or_complex(opt, p) -> None:
    """The base class's checks, but complex parameters are allowed (updated as pairs of reals)."""
    if not p.is_complex():
        Optimizer._check_param(opt, p)
    elif p.grad.dtype != p.dtype:
        raise RuntimeError(f"{type(opt).__name__}: gradient dtype {p.grad.dtype} does not match the parameter "
                           f"dtype {p.dtype}")


def refuse_complex(opt, params) -> None:
    for p in params:
        if p.is_complex():
            raise RuntimeError(f"{type(opt).__name__} does not support complex parameters")


def refuse_sparse(opt, params) -> None:
    for p in params:
        if p.grad.is_sparse:
            raise RuntimeError(f"{type(opt).__name__} does not support sparse gradients")
