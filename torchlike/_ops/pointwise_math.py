"""Pointwise maths: exponentials and logarithms, trigonometric and hyperbolic functions, special
functions, rounding, two-argument maths (atan2, hypot, xlogy, logaddexp) and predicates."""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp

from .._engine.methods import install
from .pointwise import (const, is_bool, is_float, is_int, names, not_implemented, real_abs, with_derivative,
                        with_jvp)
from .._engine.op import OPS, TS, T, op
from .._engine.methods import assign, check_inplace


def _unary(name, fn, *, aliases=(), saves_output=False, grad_name=None):
    """A float-valued unary op: integer and bool inputs compute in the default float dtype."""
    def kernel(input: T, *, out=None):
        return fn(input)
    kernel.__name__ = name
    op(name, promote="float", inplace=True, saves_output=saves_output, aliases=aliases, grad_name=grad_name)(kernel)


@jax.custom_jvp
def _rsqrt(x):
    return jax.lax.rsqrt(x)


# PyTorch's derivative is -y**3 / 2 from the output y: at -0.0 (y = -inf) it is +inf, JAX's is -inf.
_rsqrt.defjvp(lambda primals, tangents: (lambda y: (y, const(-0.5, y) * y * y * y * tangents[0]))(
    jax.lax.rsqrt(primals[0])))


_unary("exp", jnp.exp, saves_output=True)
_unary("exp2", jnp.exp2, saves_output=True)
_unary("expm1", jnp.expm1, saves_output=True)
_unary("log", jnp.log)
_unary("log2", jnp.log2)
_unary("log10", jnp.log10)
_unary("log1p", jnp.log1p, grad_name="Log1PBackward0")
_unary("sqrt", jnp.sqrt, saves_output=True)
_unary("rsqrt", _rsqrt, saves_output=True)


def _trigonometric(suffix):
    """sin, cos and tan (with suffix "h", the hyperbolic ones), then their inverses, which PyTorch
    also names arcsin, ...; tan's derivative is written with its output."""
    for f in ("sin", "cos", "tan"):
        _unary(f + suffix, getattr(jnp, f + suffix), saves_output=f == "tan")
    for f in ("sin", "cos", "tan"):
        _unary("a" + f + suffix, getattr(jnp, "arc" + f + suffix), aliases=("arc" + f + suffix,))


_trigonometric("")
_trigonometric("h")

_unary("sigmoid", jax.nn.sigmoid, saves_output=True)
_unary("erf", jsp.erf)
_unary("erfc", jsp.erfc)
_unary("erfinv", jsp.erfinv)
_unary("deg2rad", jnp.deg2rad, grad_name="Deg2RadBackward0")
_unary("rad2deg", jnp.rad2deg, grad_name="Rad2DegBackward0")
_unary("sinc", jnp.sinc)


# PyTorch's derivative is i1 (0 at 0); JAX's, through exp(|x|) i0e(x), is 1 there.
_i0 = with_derivative(jsp.i0, lambda x, _: _i1(x))


def _i1_derivative(x, res):
    # PyTorch's i1_backward: i0(x) - i1(x) / x, and its limit 0.5 where |x| <= eps (JAX's is NaN near 0).
    eps = const(jnp.finfo(x.dtype).eps, x)
    big = jnp.abs(x) > eps
    safe = jnp.where(big, x, eps)
    return jnp.where(big, _i0(safe) - res / safe, const(0.5, x))


_i1 = with_derivative(jsp.i1, _i1_derivative)
_unary("i0", _i0)

# The most terms _hurwitz_zeta sums to bring q up to 1 (about this many iterations of a loop over
# the whole array); smaller q give NaN.
_MAX_SHIFTS = 1 << 16


def _hurwitz_zeta(s: int, q):
    """zeta(s, q) for an integer s >= 2 and any real q. JAX's series is only right for q above
    about -8: the terms 1 / (q + i)^s for q + i < 1 are summed first, as cephes' zeta (PyTorch's)
    does, and JAX continues from there. inf at the poles (q = 0, -1, ..., -inf), NaN at +inf.
    Accumulated in double, as PyTorch's CPU kernel does, and rounded once."""
    dtype, q = q.dtype, q.astype(jnp.float64)
    one = const(1, q)
    low = jnp.isfinite(q) & (q < one)
    shifts = jnp.where(low, jnp.minimum(jnp.ceil(one - q), const(_MAX_SHIFTS, q)), const(0, q))

    def body(carry):
        i, acc = carry
        a = q + i
        return i + one, acc + jnp.where(i < shifts, a ** -s, const(0, q))

    init = (const(0, q), jnp.zeros_like(q))
    _, acc = jax.lax.while_loop(lambda c: c[0] < jnp.max(shifts, initial=const(0, q)), body, init)
    rest = q + shifts
    res = jnp.where(rest < one, const(jnp.nan, q), acc + jsp.zeta(const(s, q), rest))
    res = jnp.where(jnp.isneginf(q), const(jnp.inf, q), jnp.where(jnp.isposinf(q), const(jnp.nan, q), res))
    return res.astype(dtype)


@functools.partial(jax.custom_jvp, nondiff_argnums=(0,))
def _polygamma(n: int, x):
    if n == 0:
        return _digamma_value(x)
    if n == 1:
        return _trigamma(x)
    # psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x)
    return const((-1) ** (n + 1) * math.factorial(n), x) * _hurwitz_zeta(n + 1, x)


def _digamma_value(x):
    """PyTorch's digamma: -inf at +0 and +inf at -0 (jax: NaN), NaN at the negative integers, and below 0
    the reflection psi(1 - x) - pi / tan(pi r) with r the fractional part of x, taken in double (more
    accurate than JAX's reflection through pi x, far from 0)."""
    neg = x < const(0, x)
    r = (x - jnp.trunc(x)).astype(jnp.float64)
    refl = (jnp.pi / jnp.tan(jnp.pi * r)).astype(x.dtype)
    res = jnp.where(neg, jsp.digamma(jnp.where(neg, const(1, x) - x, x)) - refl, jsp.digamma(x))
    res = jnp.where(neg & (x == jnp.trunc(x)), const(jnp.nan, x), res)
    return jnp.where(x == const(0, x), jnp.copysign(const(jnp.inf, x), -x), res)


def _trigamma(x):
    """PyTorch's own trigamma series, step for step (so that it rounds alike near the poles, where the
    reflection's sin(pi x) dominates): reflection below 1/2, six steps of the recurrence, then the
    asymptotic expansion."""
    c = functools.partial(const, like=x)
    neg = x < c(0.5)
    s = jnp.sin(c(math.pi) * x)
    result = jnp.where(neg, -(c(math.pi) * c(math.pi)) / (s * s), c(0))
    x = jnp.where(neg, c(1) - x, x)
    for _ in range(6):
        result = result + c(1) / (x * x)
        x = x + c(1)
    ixx = c(1) / (x * x)
    result = result + (c(1) + c(1) / (c(2) * x) + ixx * (c(1 / 6) - ixx * (c(1 / 30) - ixx * c(1 / 42)))) / x
    return jnp.where(neg, -result, result)


@_polygamma.defjvp
def _polygamma_jvp(n, primals, tangents):
    # Written out so that every order goes through _hurwitz_zeta (JAX's own derivative of digamma
    # and zeta does not).
    (x,), (t,) = primals, tangents
    return _polygamma(n, x), _polygamma(n + 1, x) * t


def _digamma(x):
    return _polygamma(0, x)


_lgamma = with_derivative(jsp.gammaln, lambda x, _: _digamma(x))
_unary("lgamma", _lgamma)
_unary("digamma", _digamma)


@op(promote="float", inplace=True)
def logit(input: T, eps=None, *, out=None):
    x = input
    if eps is not None:
        # where, not clip: the gradient is zero outside [eps, 1 - eps] and passes at its ends, as in PyTorch.
        lo, hi = const(eps, x), const(1 - eps, x)
        x = jnp.where(x < lo, lo, jnp.where(x > hi, hi, x))
        return jnp.log(x / (const(1, x) - x))
    return _logit(x)


def _logit_derivative(x, _):
    # PyTorch: 1 / (x (1 - x)), infinite at 0 and 1 (JAX's quotient rule gives NaN), NaN outside [0, 1].
    one = const(1, x)
    return jnp.where((x < 0) | (x > one), const(math.nan, x), one / (x * (one - x)))


_logit = with_derivative(lambda x: jnp.log(x / (const(1, x) - x)), _logit_derivative)


def _polygamma_check(vals):
    if not isinstance(vals["n"], int) or vals["n"] < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")


@op(promote="float", method=False)
def polygamma(n, input: T, *, out=None):
    return _polygamma(n, input)


OPS["polygamma"].set_check(_polygamma_check)


def _tensor_polygamma(self, n):
    """Mirrors `torch.Tensor.polygamma`."""
    return OPS["polygamma"](n, self)


def _rounding(name, fn, int_ok=True, kernel_name=None):
    def kernel(input: T, *, out=None):
        if is_bool(input) or (is_int(input) and not int_ok):
            raise not_implemented(kernel_name or f"{name}_cpu", input)
        return input if is_int(input) else fn(input)
    kernel.__name__ = name
    op(name, inplace=True, aliases=("fix",) if name == "trunc" else ())(kernel)


_rounding("floor", jnp.floor)
_rounding("ceil", jnp.ceil)
_rounding("trunc", jnp.trunc)
_rounding("frac", lambda x: x - jnp.trunc(x), int_ok=False)


@op(inplace=True, grad_name=names(lambda _given, decimals, **_: "RoundBackward0" if decimals is None else "RoundBackward1"))
def round(input: T, *, decimals=None, out=None):
    """Mirrors `torch.round`: halves round to even."""
    if is_bool(input) or (is_int(input) and decimals):
        raise not_implemented("round_cpu", input)
    if is_int(input):
        return input
    if not decimals:
        return jnp.round(input)
    s = const(10.0 ** abs(decimals), input)
    return jnp.round(input * s) / s if decimals > 0 else jnp.round(input / s) * s


# ----- two-argument maths -----
def _binary(name, fn, accepts, **options):
    """Register a two-argument op computed in its operands' common dtype, whose CPU kernel PyTorch
    defines only for the input dtypes `accepts` (is_float, is_int)."""
    def kernel(input: T, other: T, *, out=None):
        if not accepts(input):
            raise not_implemented(f"{name}_cpu", input)
        return fn(input, other)
    kernel.__name__ = name
    op(name, promote="same", **options)(kernel)


def _atan2_jvp(y, x, ty, tx):
    # PyTorch's derivative is 0 at the origin; JAX's is 0 / 0 there.
    r2 = y * y + x * x
    zero = const(0, r2)
    inv = jnp.where(r2 == zero, zero, const(1, r2) / jnp.where(r2 == zero, const(1, r2), r2))
    return jnp.arctan2(y, x), (x * inv) * ty - (y * inv) * tx


_atan2 = with_jvp(jnp.arctan2, _atan2_jvp)


@op(promote="float", inplace=True, aliases=("arctan2",), saves_inputs=True)
def atan2(input: T, other: T, *, out=None):
    return _atan2(input, other)


def _hypot_jvp(x, y, tx, ty):
    # PyTorch: x / h and y / h, NaN at the origin; JAX's hypot gives 0.5 there.
    h = jnp.hypot(x, y)
    return h, (x / h) * tx + (y / h) * ty


_binary("hypot", with_jvp(jnp.hypot, _hypot_jvp), is_float, inplace=True)


def x_times_log(log, pole):
    """x * log(y) as PyTorch's xlogy (log, pole 0) and xlog1py (log1p, pole -1) compute it, where
    log(pole) = -inf: 0 where x is 0 (unless y is NaN). Its derivative: d/dx = log(y), except 0 where
    x == 0 and y <= pole; d/dy = x / (y - pole) (NaN at x = 0, y = pole, where JAX's masking gives 0)."""
    def value(x, y):
        zero = const(0, x)
        res = jnp.where(x == zero, zero, x * log(jnp.where(x == zero, const(pole + 1, y), y)))
        return jnp.where(jnp.isnan(y), y, res)

    def jvp(x, y, tx, ty):
        zero = const(0, x)
        dx = jnp.where((x == zero) & (y <= const(pole, y)), zero, log(y))
        return value(x, y), dx * tx + (x / (y - const(pole, y))) * ty
    return with_jvp(value, jvp)


_xlogy = x_times_log(jnp.log, 0)


@op(promote="float", inplace=True, grad_name=names(lambda _given, **_: {"s": "XlogyBackward1"}.get(
    _given["input"], "XlogyBackward2" if _given["other"] == "s" else "XlogyBackward0")), saves_inputs=True)
def xlogy(input: TS, other: TS, *, out=None):
    """Mirrors `torch.xlogy`: 0 where input is 0 (unless other is NaN)."""
    return _xlogy(input, other)


def _logaddexp(x, y, tail):
    # max + log1p(exp(-|x - y|)) differentiates as PyTorch's logaddexp does: sigmoid weights, 0.5 each
    # at ties, 0 for the operand an infinity dominates (JAX's own logaddexp derivative gives NaN/garbage
    # there). Equal infinities are returned as they are.
    m = jnp.maximum(x, y)
    return jnp.where(jnp.isinf(x) & (x == y), x, m + tail)


_binary("logaddexp", lambda x, y: _logaddexp(x, y, jnp.log1p(jnp.exp(-real_abs(x - y)))), is_float)
_binary("logaddexp2", lambda x, y: _logaddexp(x, y, jnp.log1p(jnp.exp2(-real_abs(x - y))) / const(jnp.log(2.0), x)),
        is_float)


@op(promote="float", inplace=True)
def ldexp(input: T, other: T, *, out=None):
    return input * jnp.exp2(other)


def _nextafter_jvp(x, y, tx, ty):
    # PyTorch's derivative: the identity for input, zero for other (a one-ulp step is treated as none).
    res = _nextafter(x, y)
    return res, jnp.broadcast_to(tx, res.shape)


_nextafter = with_jvp(jnp.nextafter, _nextafter_jvp)
_binary("nextafter", _nextafter, is_float, inplace=True)
_binary("gcd", jnp.gcd, is_int, inplace=True, differentiable=False)
_binary("lcm", jnp.lcm, is_int, inplace=True, differentiable=False)


# ----- predicates -----
def _predicate(name, fn, int_value=False):
    def kernel(input: T):
        if not is_float(input):
            return jnp.full(input.shape, int_value, dtype=jnp.bool_)
        return fn(input)
    kernel.__name__ = name
    op(name, differentiable=False)(kernel)


_predicate("isnan", jnp.isnan)
_predicate("isinf", jnp.isinf)
_predicate("isposinf", jnp.isposinf)
_predicate("isneginf", jnp.isneginf)
_predicate("isfinite", jnp.isfinite, int_value=True)
_predicate("isreal", lambda x: jnp.isreal(x) if jnp.iscomplexobj(x) else jnp.ones(x.shape, jnp.bool_), True)


@op(differentiable=False)
def signbit(input: T, *, out=None):
    if is_bool(input):
        return jnp.zeros(input.shape, jnp.bool_)
    return input < const(0, input) if is_int(input) else jnp.signbit(input)


def _attach_methods():
    install("polygamma", _tensor_polygamma)

    def polygamma_(self, n):
        check_inplace(self)
        return assign(self, OPS["polygamma"](n, self))
    install("polygamma_", polygamma_)


_attach_methods()
