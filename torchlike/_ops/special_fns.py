"""Special functions (`torch.special`): error-function family, Bessel functions, orthogonal
polynomials, zeta, entr, xlog1py.

The ops are registered as `special_<name>` (their grad_fn names follow: SpecialNdtrBackward0) and
exported by `torchlike/special.py` under PyTorch's names. Bessel-type functions are evaluated in
double and rounded to the input's dtype: power series where they converge without cancellation,
Hankel's asymptotic expansions for large arguments, and between them the exponentially convergent
trapezoidal rule on K's integral representation."""
from __future__ import annotations

import functools
import math
from fractions import Fraction

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
from jax.custom_derivatives import SymbolicZero

from .pointwise import const, names, with_derivative
from .pointwise_math import _i1, x_times_log
from .._engine.op import OPS, TS, T, op

__all__ = [
    "ndtr", "ndtri", "log_ndtr", "erfcx", "entr", "xlog1py", "i0e", "i1", "i1e", "zeta",
    "spherical_bessel_j0", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
    "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
    "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "airy_ai",
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
    "laguerre_polynomial_l", "legendre_polynomial_p",
]

_EULER = 0.57721566490153286061
_SQRT_2PI = math.sqrt(2 * math.pi)


def _in_double(fn):
    """fn evaluated on float64 and rounded back to the input's dtype."""
    def wrapped(*xs):
        dtype = xs[0].dtype
        return fn(*(x.astype(jnp.float64) for x in xs)).astype(dtype)
    return wrapped


def _unary(name, fn, differentiable=True, grad_name=None):
    def kernel(input: T, *, out=None):
        return fn(input)
    kernel.__name__ = name
    op("special_" + name, promote="float", method=False, function=False, differentiable=differentiable,
       grad_name=grad_name)(kernel)


# ----- normal distribution and error functions -----
_ndtr = with_derivative(jsp.ndtr, lambda x, _: jnp.exp(-x * x / const(2, x)) / const(_SQRT_2PI, x))
_ndtri = with_derivative(jsp.ndtri, lambda x, r: const(_SQRT_2PI, x) * jnp.exp(r * r / const(2, x)))
# PyTorch's form: the normal density over ndtr, as exp(-(log_ndtr + x^2 / 2)) / sqrt(2 pi).
_log_ndtr = with_derivative(jsp.log_ndtr, lambda x, r: jnp.exp(-(r + x * x / const(2, x))) / const(_SQRT_2PI, x))


def _erfcx_positive(x):
    """exp(x^2) erfc(x) for x >= 0 in double: directly below 10 (erfc keeps its relative accuracy),
    Laplace's continued fraction above (40 levels are exact to rounding there)."""
    small = jnp.exp(x * x) * jsp.erfc(jnp.minimum(x, 10.0))
    xl = jnp.maximum(x, 10.0)
    frac = jnp.zeros_like(xl)
    for k in range(40, 0, -1):
        frac = (k / 2) / (xl + frac)
    large = 1 / (math.sqrt(math.pi) * (xl + frac))
    return jnp.where(x < 10.0, small, large)


@_in_double
def _erfcx_value(x):
    ax = jnp.abs(x)
    pos = _erfcx_positive(ax)
    # erfcx(-a) = 2 exp(a^2) - erfcx(a): overflows to inf, as PyTorch does, past a ~ 26.6.
    neg = 2 * jnp.exp(ax * ax) - pos
    return jnp.where(jnp.isnan(x), x, jnp.where(x < 0, neg, pos))


_erfcx = with_derivative(_erfcx_value, lambda x, r: const(2, x) * x * r - const(2 / math.sqrt(math.pi), x))


_unary("ndtr", _ndtr, grad_name="MulBackward1")  # (PyTorch composes it from erfc)
_unary("ndtri", _ndtri)
_unary("log_ndtr", _log_ndtr)
_unary("erfcx", _erfcx)


# ----- entr, xlog1py -----
def _entr_value(x):
    zero = const(0, x)
    pos = -x * jnp.log(jnp.where(x > zero, x, const(1, x)))
    return jnp.where(x > zero, pos, jnp.where(x == zero, zero, jnp.where(x < zero, const(-jnp.inf, x), x)))


# PyTorch: -(1 + log x): +inf at 0, NaN below.
_entr = with_derivative(_entr_value, lambda x, _: -(const(1, x) + jnp.log(x)))
_unary("entr", _entr)
_xlog1py = x_times_log(jnp.log1p, -1)


@op("special_xlog1py", promote="float", method=False, function=False, grad_name=names(lambda _given, **_: {
    "s": "SpecialXlog1PyBackward1"}.get(_given["input"], "SpecialXlog1PyBackward2" if _given["other"] == "s"
                                        else "SpecialXlog1PyBackward0")))
def xlog1py(input: TS, other: TS, *, out=None):
    return _xlog1py(input, other)


# ----- exponentially scaled modified Bessel functions -----
# PyTorch: i0e' = i1e(x) - sgn(x) i0e(x).
_i0e = with_derivative(jsp.i0e, lambda x, res: _i1e(x) - jnp.sign(x) * res)


def _i1e_derivative(x, res):
    # PyTorch: i0e(x) - i1e(x) (sgn(x) + 1 / x), and its limit 0.5 where |x| <= eps.
    eps = const(jnp.finfo(x.dtype).eps, x)
    big = jnp.abs(x) > eps
    safe = jnp.where(big, x, eps)
    return jnp.where(big, _i0e(safe) - res * (jnp.sign(safe) + const(1, x) / safe), const(0.5, x))


_i1e = with_derivative(jsp.i1e, _i1e_derivative)


_unary("i0e", _i0e, grad_name="SpecialI0EBackward0")
_unary("i1", _i1)
_unary("i1e", _i1e, grad_name="SpecialI1EBackward0")
_unary("modified_bessel_i0", _in_double(jsp.i0), differentiable=False)
_unary("modified_bessel_i1", _in_double(jsp.i1), differentiable=False)


# ----- Bessel functions of the first and second kind -----
def _series(z, term_ratio, n_terms, coef=lambda k: 1.0):
    """sum_k coef(k) t_k with t_0 = 1 and t_k = t_{k-1} * term_ratio(k)."""
    t, s = jnp.ones_like(z), coef(0) * jnp.ones_like(z)
    for k in range(1, n_terms):
        t = t * term_ratio(k)
        s = s + coef(k) * t
    return s


def _harmonic(k):
    return sum(1.0 / j for j in range(1, k + 1))


def _hankel_coefs(nu, n):
    """a_k(nu) = prod_{j<=k} (4 nu^2 - (2j - 1)^2) / (k! 8^k), k < n."""
    a, out = 1.0, [1.0]
    for k in range(1, n):
        a *= (4 * nu * nu - (2 * k - 1) ** 2) / (k * 8)
        out.append(a)
    return out


_HANKEL = {nu: _hankel_coefs(nu, 22) for nu in (0.0, 1.0, 1.0 / 3.0)}
_SMALL_JY = 12.0  # series up to here (cancellation ~ I0(12) eps), Hankel's expansion above (error ~ e^-24)
_N_SERIES = 40


def _hankel_pq(nu, x):
    a = _HANKEL[nu]
    p = sum((-1) ** (k // 2) * a[k] / x ** k for k in range(0, 22, 2))
    q = sum((-1) ** (k // 2) * a[k] / x ** k for k in range(1, 22, 2))
    return p, q


def _bessel_jy(nu, x):
    """(J_nu(x), Y_nu(x)) for x > 0, nu in (0, 1), in double."""
    xs = jnp.minimum(x, _SMALL_JY)
    w = -(xs * xs) / 4
    log_half = jnp.log(xs / 2)
    if nu == 0:
        j = _series(w, lambda k: w / (k * k), _N_SERIES)
        h = _series(w, lambda k: w / (k * k), _N_SERIES, lambda k: _harmonic(k))
        y = (2 / math.pi) * ((log_half + _EULER) * j - h)
    else:
        # sum over k of (-x^2/4)^k / (k! (k+1)!), and the same weighted by psi(k+1) + psi(k+2)
        j = xs / 2 * _series(w, lambda k: w / (k * (k + 1)), _N_SERIES)
        h = _series(w, lambda k: w / (k * (k + 1)), _N_SERIES, lambda k: _harmonic(k) + _harmonic(k + 1) - 2 * _EULER)
        y = -2 / (math.pi * xs) + (2 / math.pi) * log_half * j - xs / (2 * math.pi) * h
    xl = jnp.maximum(x, _SMALL_JY)
    p, q = _hankel_pq(nu, xl)
    s, c = jnp.sin(xl), jnp.cos(xl)
    # chi = x - pi/4 (nu = 0) or x - 3 pi/4 (nu = 1), expanded to keep x's own argument reduction
    cos_chi, sin_chi = ((c + s), (s - c)) if nu == 0 else ((s - c), -(s + c))
    amp = jnp.sqrt(1 / (math.pi * xl))  # sqrt(2 / (pi x)) / sqrt(2)
    jl = amp * (p * cos_chi - q * sin_chi)
    yl = amp * (p * sin_chi + q * cos_chi)
    small = x <= _SMALL_JY
    return jnp.where(small, j, jl), jnp.where(small, y, yl)


@_in_double
def _bessel_j0(x):
    return _bessel_jy(0, jnp.abs(x))[0]


@_in_double
def _bessel_j1(x):
    return jnp.sign(x) * _bessel_jy(1, jnp.abs(x))[0]


def _bessel_y(nu):
    @_in_double
    def f(x):
        y = _bessel_jy(nu, jnp.where(x > 0, x, 1.0))[1]
        return jnp.where(x > 0, y, jnp.where(x == 0, -jnp.inf, jnp.nan))
    return f


@_in_double
def _spherical_j0(x):
    # sin(x) / x; its series near 0, where the quotient loses accuracy; 0 at +-inf
    small = jnp.abs(x) < 0.5
    x2 = x * x
    ser = _series(x2, lambda k: -x2 / ((2 * k) * (2 * k + 1)), 12)
    return jnp.where(jnp.isinf(x), 0.0, jnp.where(small, ser, jnp.sin(x) / jnp.where(small, 1.0, x)))


_unary("bessel_j0", _bessel_j0, differentiable=False)
_unary("bessel_j1", _bessel_j1, differentiable=False)
_unary("bessel_y0", _bessel_y(0), differentiable=False)
_unary("bessel_y1", _bessel_y(1), differentiable=False)
_unary("spherical_bessel_j0", _spherical_j0, differentiable=False)


# ----- modified Bessel functions of the second kind, Airy's Ai -----
_K_H, _K_N = 0.1, 61  # trapezoid step and nodes over [0, 6]
_K_ASYMPTOTIC = 25.0


def _scaled_k(nu, z):
    """exp(z) K_nu(z) for z >= 1 (double): the trapezoidal rule on
    int_0^inf exp(-z (cosh t - 1)) cosh(nu t) dt below 25, Hankel's expansion above."""
    zm = jnp.minimum(z, _K_ASYMPTOTIC)[..., None]
    t = jnp.arange(_K_N, dtype=jnp.float64) * _K_H
    w = jnp.where(t == 0, 0.5 * _K_H, _K_H)
    quad = jnp.sum(w * jnp.exp(-zm * (jnp.cosh(t) - 1)) * jnp.cosh(nu * t), axis=-1)
    zl = jnp.maximum(z, _K_ASYMPTOTIC)
    a = _HANKEL[nu]
    asym = jnp.sqrt(math.pi / (2 * zl)) * sum(a[k] / zl ** k for k in range(22))
    return jnp.where(z <= _K_ASYMPTOTIC, quad, asym)


def _k_small(nu, x):
    """K_nu(x) for 0 < x <= 2 from its series (double)."""
    w = x * x / 4
    log_half = jnp.log(x / 2)
    if nu == 0:
        i = _series(w, lambda k: w / (k * k), 30)
        h = _series(w, lambda k: w / (k * k), 30, lambda k: _harmonic(k))
        return -(log_half + _EULER) * i + h
    i = x / 2 * _series(w, lambda k: w / (k * (k + 1)), 30)
    h = _series(w, lambda k: w / (k * (k + 1)), 30, lambda k: _harmonic(k) + _harmonic(k + 1) - 2 * _EULER)
    return 1 / x + log_half * i - x / 4 * h


def _bessel_k(nu, scaled):
    @_in_double
    def f(x):
        pos = x > 0
        xp = jnp.where(pos, x, 1.0)
        small = xp <= 2
        ks = _k_small(nu, jnp.where(small, xp, 1.0))
        ks = ks * jnp.exp(xp) if scaled else ks
        kl = _scaled_k(float(nu), jnp.where(small, 2.0, xp))
        kl = kl if scaled else kl * jnp.exp(-xp)
        res = jnp.where(small, ks, kl)
        res = jnp.where(jnp.isposinf(x), 0.0, res)
        return jnp.where(pos, res, jnp.where(x == 0, jnp.inf, jnp.nan))
    return f


_unary("modified_bessel_k0", _bessel_k(0, False), differentiable=False)
_unary("modified_bessel_k1", _bessel_k(1, False), differentiable=False)
_unary("scaled_modified_bessel_k0", _bessel_k(0, True), differentiable=False)
_unary("scaled_modified_bessel_k1", _bessel_k(1, True), differentiable=False)

_AI0, _AIP0 = 0.355028053887817239260, 0.258819403792806798405  # Ai(0), -Ai'(0)


def _airy_coefs(n):
    """u_k = Gamma(3k + 1/2) / (54^k k! Gamma(k + 1/2)), the coefficients of Ai's expansions."""
    u, out = 1.0, [1.0]
    for k in range(1, n):
        u *= (3 * k - 0.5) * (3 * k - 1.5) * (3 * k - 2.5) / (54 * k * (k - 0.5))
        out.append(u)
    return out


_AIRY_U = _airy_coefs(16)


@_in_double
def _airy_ai(x):
    """Maclaurin series on [-6, 2]; the oscillatory asymptotic expansion below -6 (error ~ e^-19);
    Ai(x) = sqrt(x / 3) K_{1/3}(2/3 x^{3/2}) / pi above 2."""
    xs = jnp.clip(x, -6.0, 2.0)
    x3 = xs ** 3
    f = _series(x3, lambda k: x3 / ((3 * k - 1) * (3 * k)), 40)
    g = xs * _series(x3, lambda k: x3 / ((3 * k) * (3 * k + 1)), 40)
    mid = _AI0 * f - _AIP0 * g
    xn = jnp.maximum(-x, 6.0)
    zeta = 2 / 3 * xn ** 1.5
    p = sum((-1) ** (k // 2) * _AIRY_U[k] / zeta ** k for k in range(0, 16, 2))
    q = sum((-1) ** (k // 2) * _AIRY_U[k] / zeta ** k for k in range(1, 16, 2))
    s, c = jnp.sin(zeta), jnp.cos(zeta)
    # sin(zeta + pi/4) p - cos(zeta + pi/4) q, with both expanded
    neg = (xn ** -0.25 / math.sqrt(2 * math.pi)) * ((s + c) * p - (c - s) * q)
    xp = jnp.maximum(x, 2.0)
    zp = 2 / 3 * xp ** 1.5
    pos = jnp.sqrt(xp / 3) / math.pi * jnp.exp(-zp) * _scaled_k(1.0 / 3.0, zp)
    res = jnp.where(x < -6.0, neg, jnp.where(x > 2.0, pos, mid))
    return jnp.where(jnp.isinf(x), jnp.nan, res)


_unary("airy_ai", _airy_ai, differentiable=False)


# ----- Hurwitz zeta -----
_B2K = [Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30), Fraction(5, 66), Fraction(-691, 2730),
        Fraction(7, 6), Fraction(-3617, 510), Fraction(43867, 798), Fraction(-174611, 330), Fraction(854513, 138),
        Fraction(-236364091, 2730)]
_ZETA_A = [float(math.factorial(2 * k) / b) for k, b in enumerate(_B2K, 1)]  # (2k)! / B_2k
_MACHEP = 1.11022302462515654042e-16
_ZETA_MAX_STEPS = 1 << 16


def _zeta_f64(x, q):
    """zeta(x, q) = sum_k (q + k)^-x, as cephes (PyTorch's kernel) computes it in double: direct terms
    until past q + k > 9 (and 9 terms), then the Euler-Maclaurin tail; each element stops as soon as a
    term falls below a double's epsilon relative to the sum."""
    x, q = jnp.broadcast_arrays(x, q)

    def active(c):
        i, a, _, _, done = c
        return ~done & ((i < 9) | (a <= 9))

    def body(c):
        i, a, b, s, done = c
        act = active(c)
        a2 = a + 1
        b2 = jnp.power(a2, -x)
        s2 = s + b2
        stop = act & (jnp.abs(b2 / s2) < _MACHEP)
        return (jnp.where(act, i + 1, i), jnp.where(act, a2, a), jnp.where(act, b2, b), jnp.where(act, s2, s),
                done | stop)

    s0 = jnp.power(q, -x)
    init = (jnp.zeros_like(q), q, jnp.zeros_like(q), s0, jnp.zeros(q.shape, jnp.bool_))
    i, a, b, s, done = jax.lax.while_loop(
        lambda c: jnp.any(active(c)) & (jnp.max(c[0], initial=0.0) < _ZETA_MAX_STEPS), body, init)
    stuck = active((i, a, b, s, done))
    w = a
    s = jnp.where(done, s, s + b * w / (x - 1) - 0.5 * b)
    fac, k = jnp.ones_like(q), 0.0
    for coef in _ZETA_A:
        fac = fac * (x + k)
        b = b / w
        t = fac * b / coef
        s = jnp.where(done, s, s + t)
        done = done | (jnp.abs(t / s) < _MACHEP)
        k += 1
        fac = fac * (x + k)
        b = b / w
        k += 1
    res = jnp.where(stuck, jnp.nan, s)
    pole = (q <= 0) & (q == jnp.floor(q))
    res = jnp.where((q <= 0) & ~pole & (x != jnp.floor(x)), jnp.nan, jnp.where(pole, jnp.inf, res))
    return jnp.where(x == 1, jnp.inf, jnp.where(x < 1, jnp.nan, res))


@jax.custom_jvp
def _zeta(x, q):
    return _in_double(_zeta_f64)(x, q)


@functools.partial(_zeta.defjvp, symbolic_zeros=True)
def _zeta_jvp(primals, tangents):
    # PyTorch differentiates only in q: -x zeta(x + 1, q); the derivative in x raises when asked for.
    (x, q), (tx, tq) = primals, tangents
    if not isinstance(tx, SymbolicZero):
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")
    res = _zeta(x, q)
    if isinstance(tq, SymbolicZero):
        return res, jnp.zeros_like(res)
    return res, -x * _zeta(x + const(1, x), q) * tq


@op("special_zeta", promote="float", method=False, function=False,
    grad_name=names(lambda _given, **_: {"s": "SpecialZetaBackward1"}.get(
        _given["input"], "SpecialZetaBackward2" if _given["other"] == "s" else "SpecialZetaBackward0")))
def zeta(input: TS, other: TS, *, out=None):
    return _zeta(input, other)


# ----- orthogonal polynomials -----
def _recurrence(x, n, p0, p1, step, need):
    """P_n(x) from P_0 = p0, P_1 = p1 and P_k = step(k, x, P_{k-1}, P_{k-2}), for n >= 1, on the
    elements in `need` (the loop runs to their largest n)."""
    kmax = jnp.max(jnp.where(need, n, 1), initial=1)

    def body(c):
        k, prev, cur = c
        nxt = step(k.astype(x.dtype), x, cur, prev)
        upd = k <= n
        return k + 1, jnp.where(upd, cur, prev), jnp.where(upd, nxt, cur)
    _, _, res = jax.lax.while_loop(lambda c: c[0] <= kmax, body, (jnp.asarray(2, n.dtype), p0, p1))
    return res


def _polynomial(name, p1, step, edges=None):
    """Register special_<name>(input, n): the value is 0 for n < 0, then edges(x, n) where it
    returns a value, else the recurrence from 1 and p1(x); n is truncated to an integer."""
    def fn(x, nf):
        n = jnp.where(jnp.isfinite(nf), nf, -1).astype(jnp.int64)  # (a C cast of NaN or inf: INT64_MIN)
        c = functools.partial(const, like=x)
        val, use = edges(x, n, c) if edges is not None else (c(0), jnp.zeros(x.shape, jnp.bool_))
        need = ~use & (n > 1)
        rec = _recurrence(jnp.broadcast_to(x, jnp.broadcast_shapes(x.shape, n.shape)), n, jnp.ones_like(x) * c(1),
                          p1(x, c), step, need) if x.size and n.size else x * c(0)
        res = jnp.where(use, val, jnp.where(n == 0, c(1), rec))
        return jnp.where(n < 0, c(0), res)

    def kernel(input: TS, n: TS, *, out=None):
        x, nn = jnp.broadcast_arrays(input, n)
        return fn(x, nn)
    kernel.__name__ = name
    op("special_" + name, promote="float", method=False, function=False, differentiable=False)(kernel)


def _sign_n(n, c):
    return jnp.where(n % 2 == 0, c(1), c(-1))


def _chebyshev(kind, shifted):
    """Chebyshev polynomials of the first to fourth kind (T, U, V, W), of x or of 2x - 1: the
    trigonometric closed form inside (-1, 1) for n > 6, the endpoint values at +-1."""
    def arg(x, c):
        return x + x - c(1) if shifted else x

    def p1(x, c):
        y = arg(x, c)
        return {"t": y, "u": y + y, "v": y + y - c(1), "w": y + y + c(1)}[kind]

    def step(k, x, cur, prev):
        y = arg(x, functools.partial(const, like=x))
        return (y + y) * cur - prev

    def edges(x, n, c):
        y = arg(x, c)
        nf = n.astype(x.dtype)
        sgn = _sign_n(n, c)
        one = jnp.abs(y) == c(1)
        at_pm1 = {"t": jnp.where(y > c(0), c(1), sgn),
                  "u": jnp.where(y > c(0), nf + c(1), sgn * (nf + c(1))),
                  "v": jnp.where(y > c(0), c(1), sgn * (nf + nf + c(1))),
                  "w": jnp.where(y > c(0), nf + nf + c(1), sgn)}[kind]
        inside = (jnp.abs(y) < c(1)) & (n > 6)
        th = jnp.arccos(jnp.where(inside, y, c(0)))
        closed = {"t": lambda: jnp.cos(nf * th),
                  "u": lambda: jnp.sin((nf + c(1)) * th) / jnp.sin(th),
                  "v": lambda: jnp.cos((nf + c(0.5)) * th) / jnp.cos(th / c(2)),
                  "w": lambda: jnp.sin((nf + c(0.5)) * th) / jnp.sin(th / c(2))}[kind]()
        return jnp.where(one, at_pm1, closed), one | inside
    return p1, step, edges


for _kind in "tuvw":
    _polynomial(f"chebyshev_polynomial_{_kind}", *_chebyshev(_kind, False))
    _polynomial(f"shifted_chebyshev_polynomial_{_kind}", *_chebyshev(_kind, True))

_polynomial("hermite_polynomial_h", lambda x, c: x + x,
            lambda k, x, cur, prev: (x + x) * cur - (k + k - const(2, x)) * prev)
_polynomial("hermite_polynomial_he", lambda x, c: x,
            lambda k, x, cur, prev: x * cur - (k - const(1, x)) * prev)
_polynomial("laguerre_polynomial_l", lambda x, c: c(1) - x,
            lambda k, x, cur, prev: ((k + k - const(1, x) - x) * cur - (k - const(1, x)) * prev) / k,
            lambda x, n, c: (c(1), x == c(0)))
_polynomial("legendre_polynomial_p", lambda x, c: x,
            lambda k, x, cur, prev: ((k + k - const(1, x)) * x * cur - (k - const(1, x)) * prev) / k,
            lambda x, n, c: (jnp.where(x > c(0), c(1), _sign_n(n, c)), jnp.abs(x) == c(1)))

for _name in __all__:
    globals()[_name] = OPS["special_" + _name]
