"""frexp, the multivariate log-gamma (mvlgamma) and the regularized incomplete gamma functions
(igamma, igammac)."""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
from jax.custom_derivatives import SymbolicZero

from .._engine.methods import install
from .. import return_types as RT
from .pointwise import const, not_implemented
from .pointwise_math import _lgamma
from .reduction import named
from .._engine.op import T, op

__all__ = ["frexp"]

if not hasattr(RT, "frexp"):
    RT.frexp, RT.frexp_out = RT._make("frexp", "mantissa exponent"), RT._make("frexp_out", "mantissa exponent")


# ----- frexp -----
def _frexp_parts(x):
    """(mantissa, exponent) in double. A subnormal's exponent is read from its bits (XLA flushes
    subnormals to zero in arithmetic): its value is its mantissa field times 2^(minexp - nmant)."""
    fi = jnp.finfo(x.dtype)
    ibits = {1: jnp.int8, 2: jnp.int16, 4: jnp.int32, 8: jnp.int64}[x.dtype.itemsize]
    field = jax.lax.bitcast_convert_type(x, ibits).astype(jnp.int64) & ((1 << fi.nmant) - 1)
    x64 = x.astype(jnp.float64)
    sub = (x64 == 0) & (field != 0)
    sub_val = field.astype(jnp.float64)
    sub_val = jnp.where(jax.lax.bitcast_convert_type(x, ibits) < 0, -sub_val, sub_val)
    sm, se = jnp.frexp(jax.lax.stop_gradient(sub_val))
    _, e = jnp.frexp(jax.lax.stop_gradient(x64))
    e = jnp.where(sub, se + (int(fi.minexp) - int(fi.nmant)), e)
    e = jnp.where(jnp.isfinite(x64), e, 0).astype(jnp.int32)
    # x * 2^-e (its derivative is PyTorch's grad / 2^exponent); a subnormal's mantissa from its bits.
    m = x64 * jnp.exp2(-e.astype(jnp.float64))
    m = jnp.where(sub, sm + 0 * x64, m)
    return m, e


@op(name="frexp", promote="same")
def _frexp(input: T, *, out=None):
    if not jnp.issubdtype(input.dtype, jnp.floating):
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m, e = _frexp_parts(input)
    return m.astype(input.dtype), e


frexp = named(_frexp, "frexp")


# ----- multivariate log-gamma -----
def _mvlgamma_check(p):
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")


@op(promote="float", inplace=True)
def mvlgamma(input: T, p: int, *, out=None):
    _mvlgamma_check(p)
    x = input
    res = const(p * (p - 1) / 4 * math.log(math.pi), x)
    for i in range(p):
        res = res + _lgamma(x - const(i / 2, x))
    return res


# ----- regularized incomplete gamma -----
def _igamma_value(a, x, upper: bool):
    """PyTorch's edge values: NaN for a < 0 or x < 0 or a = x = 0; a = 0 is the limit 1 (lower),
    x = 0 gives 0, a = inf gives 0, x = inf gives 1."""
    f = jsp.gammaincc if upper else jsp.gammainc
    safe_a = jnp.where(jnp.isinf(a) | (a <= 0), const(1, a), a)
    safe_x = jnp.where(jnp.isinf(x) | (x <= 0), const(1, x), x)
    res = f(safe_a, safe_x)
    lo, hi = (const(1, a), const(0, a)) if upper else (const(0, a), const(1, a))
    res = jnp.where(x == 0, lo, res)
    res = jnp.where(jnp.isposinf(x), hi, res)
    res = jnp.where(jnp.isposinf(a), lo, res)
    res = jnp.where(a == 0, hi, res)
    bad = (a < 0) | (x < 0) | ((a == 0) & (x == 0)) | jnp.isnan(a) | jnp.isnan(x) \
        | (jnp.isposinf(a) & jnp.isposinf(x))
    return jnp.where(bad, const(jnp.nan, a), res)


def _igamma_kernel(upper: bool, name: str):
    @jax.custom_jvp
    def f(a, x):
        return _igamma_value(a, x, upper)

    @functools.partial(f.defjvp, symbolic_zeros=True)
    def f_jvp(primals, tangents):
        # PyTorch differentiates only in x: +-exp(-x) x^(a-1) / Gamma(a).
        (a, x), (ta, tx) = primals, tangents
        if not isinstance(ta, SymbolicZero):
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        res = f(a, x)
        if isinstance(tx, SymbolicZero):
            return res, jnp.zeros_like(res)
        d = jnp.exp(-x + (a - const(1, a)) * jnp.log(x) - _lgamma(a))
        return res, (-d if upper else d) * tx
    return f


_igamma = _igamma_kernel(False, "igamma")
_igammac = _igamma_kernel(True, "igammac")


def _float_only(kernel, a):
    if not jnp.issubdtype(a.dtype, jnp.floating):
        raise not_implemented(kernel, a)


@op(promote="same", inplace=True)
def igamma(input: T, other: T, *, out=None):
    _float_only("igamma_cpu", input)
    return _igamma(input, other)


@op(promote="same", inplace=True)
def igammac(input: T, other: T, *, out=None):
    _float_only("igammac_cpu", input)
    return _igammac(input, other)


def _install():
    install("frexp", frexp)


_install()
