"""Pointwise operators: arithmetic, comparisons, logical and bitwise ops, where/lerp/clamp. Each is
one jax expression; the registry supplies promotion, broadcasting errors, methods, in-place
variants and autograd. Unary maths lives in pointwise_math.py."""
from __future__ import annotations

import functools
import numbers

import jax
import jax.numpy as jnp
from jax.custom_derivatives import SymbolicZero

from .._engine.methods import install
from .._engine.grad_name import GradName
from .. import _dtype as D
from .._tensor import Tensor
from .._engine.op import N, OPS, TS, T, check_broadcast, op, traced
from .._engine.methods import assign, check_inplace


# ----- helpers shared with pointwise_math -----
def legacy(x) -> str:
    """PyTorch's short dtype name of an array (Float, Long, Bool, ...)."""
    return D.from_numpy_dtype(x.dtype).legacy


def not_implemented(kernel: str, x):
    """PyTorch's error for a dtype a kernel has no implementation for."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{legacy(x)}'")


def is_bool(x) -> bool:
    return x.dtype == jnp.bool_


def is_int(x) -> bool:
    return jnp.issubdtype(x.dtype, jnp.integer)


def is_float(x) -> bool:
    return jnp.issubdtype(x.dtype, jnp.inexact)


def const(v, like):
    """A Python number as an array of `like`'s dtype (strict promotion: nothing implicit)."""
    return jnp.asarray(v).astype(like.dtype)


def names(fn):
    """Mark a grad_fn-name function as chosen per kernel from its static arguments and `_given`
    ({operand: "s" for a Python scalar, "t" for a tensor}): PyTorch names overloads apart."""
    return GradName.scalars(fn)


def by_scalar(param: str, scalar_name: str, tensor_name: str):
    """grad_fn name: one for `param` given as a Python scalar, another for a tensor."""
    return GradName.scalar_choice(param, scalar_name, tensor_name)


def _dtype_of(v):
    return v.dtype if isinstance(v, Tensor) else D.scalar_dtype(v) if isinstance(v, numbers.Number) else None


def _int_divisor_zero(vals, a="input", b="other") -> None:
    """Integer division by zero raises in PyTorch (a value check: one sync, integer operands only)."""
    d = D.result_dtype([vals[a], vals[b]])
    if d.category > D.INT:
        return
    other = vals[b]
    zero = bool(jnp.any(other._data == 0)) if isinstance(other, Tensor) else other == 0
    if zero:
        raise RuntimeError("ZeroDivisionError")


# ----- derivatives PyTorch defines differently from JAX -----
def with_jvp(fn, jvp):
    """fn as a jax function differentiated by jvp(*primals, *tangents) -> (output, output tangent)."""
    f = jax.custom_jvp(fn)
    f.defjvp(lambda primals, tangents: jvp(*primals, *tangents))
    return f


def with_derivative(fn, derivative):
    """fn (one argument) differentiated as the tangent times derivative(x, y), y = fn(x): many of
    PyTorch's formulas are written with the output. y comes from the function itself, so a second
    derivative goes through this rule again."""
    @jax.custom_jvp
    def f(x):
        return fn(x)

    @f.defjvp
    def jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        y = f(x)
        return y, derivative(x, y) * t
    return f


@jax.custom_jvp
def real_abs(x):
    return jnp.abs(x)


@real_abs.defjvp
def _real_abs_jvp(primals, tangents):
    # JAX's |x|' is 1 at 0; PyTorch's is sign(x), 0 at 0 and at NaN.
    (x,), (t,) = primals, tangents
    return jnp.abs(x), jnp.where(jnp.isnan(x), jnp.zeros_like(x), jnp.sign(x)) * t


def _extremum(pick_x):
    """maximum/minimum with PyTorch's derivative: ties split 0.5/0.5, and where an operand is NaN
    (no order holds) each operand receives the whole gradient. JAX gives the NaN case to one side."""
    @jax.custom_jvp
    def f(x, y):
        return jnp.where(pick_x(x, y) | jnp.isnan(x), x, y)

    @f.defjvp
    def jvp(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        half, one, zero = const(0.5, x), const(1, x), const(0, x)
        wx = jnp.where(x == y, half, jnp.where(pick_x(y, x), zero, one))
        wy = jnp.where(x == y, half, jnp.where(pick_x(x, y), zero, one))
        return f(x, y), wx * tx + wy * ty
    return f


_float_maximum = _extremum(lambda a, b: a > b)
_float_minimum = _extremum(lambda a, b: a < b)


@jax.custom_jvp
def float_pow(x, y):
    return jnp.power(x, y)


@functools.partial(float_pow.defjvp, symbolic_zeros=True)
def _float_pow_jvp(primals, tangents):
    # PyTorch: d/dx is 0 where the exponent is 0 (JAX: 0 * x**-1, NaN at x = 0); d/dy is 0 where
    # x == 0 and y >= 0 (JAX: x**y * log(x) with a NaN or -inf factor there).
    # A constant operand has a symbolic zero tangent and adds no term: d/dy is NaN for x < 0 and
    # NaN * 0 would poison forward-mode results that never involve the exponent.
    (x, y), (tx, ty) = primals, tangents
    out = jnp.power(x, y)
    zero, one = const(0, out), const(1, y)
    terms = []
    if not isinstance(tx, SymbolicZero):
        terms.append(jnp.where(y == zero, zero, y * jnp.power(x, y - one)) * tx)
    if not isinstance(ty, SymbolicZero):
        dy = jnp.where((x == zero) & (y >= zero), zero, out * jnp.log(jnp.where(x == zero, const(1, x), x)))
        terms.append(jnp.where((x == zero) & (y < zero), out * jnp.log(x), dy) * ty)
    return out, (terms[0] + terms[1] if len(terms) == 2 else terms[0] if terms else jnp.zeros_like(out))


# ----- arithmetic -----
def _alpha(x, alpha, name):
    if not traced(alpha) and alpha == 1:
        return x
    if not is_float(x) and (traced(alpha) or isinstance(alpha, float)):  # (a traced alpha is a float)
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if is_bool(x) and not isinstance(alpha, bool):
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    return x * const(alpha, x)


@op(promote="same", inplace=True, linear=True)
def add(input: TS, other: TS, *, alpha: N = 1, out=None):
    return input + _alpha(other, alpha, "add")


def _bool_sub(vals, a="input", b="other"):
    bools = [isinstance(v, Tensor) and v.dtype is D.bool_ for v in (vals[a], vals[b])]
    if all(bools):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if any(bools):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


# x - y is SubBackward0; 2 - x (Python's reflected form) is RsubBackward1.
@op(promote="same", inplace=True, linear=True, aliases=("subtract",),
    grad_name=by_scalar("input", "RsubBackward1", "SubBackward0"))
def sub(input: TS, other: TS, *, alpha: N = 1, out=None):
    return input - _alpha(other, alpha, "sub")


@op(promote="same", linear=True, method=False, grad_name=by_scalar("other", "RsubBackward1", "RsubBackward0"))
def rsub(input: T, other: TS, *, alpha: N = 1):  # (PyTorch has no rsub(Number, Tensor))
    return other - _alpha(input, alpha, "rsub")


OPS["sub"].set_check(_bool_sub)
OPS["rsub"].set_check(_bool_sub)


@op(promote="same", inplace=True, aliases=("multiply",))
def mul(input: TS, other: TS, *, out=None):
    return input * other


# 2 / x (the reflected form) is recorded as MulBackward0 by PyTorch.
@op(promote="float", inplace=True, aliases=("divide", "true_divide"),
    grad_name=by_scalar("input", "MulBackward0", "DivBackward0"))
def div(input: TS, other: TS, *, rounding_mode=None, out=None):
    return input / other


def _nonzero_divisor(b):
    """An integer divisor with its zeros replaced by 1: PyTorch raises for integer division by zero
    before the kernel runs (_int_divisor_zero); this keeps XLA away from x / 0 anyway."""
    return jnp.where(b == 0, const(1, b), b)


def _rounding_div(a, b, mode, kernel):
    if is_bool(a):
        raise not_implemented(kernel, a)
    if mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")
    if is_int(a):
        safe = _nonzero_divisor(b)
        q = a // safe
        return q if mode == "floor" else jnp.where((q < 0) & (q * safe != a), q + const(1, q), q)
    return jnp.trunc(a / b) if mode == "trunc" else _float_floor_div(a, b)


def _float_floor_div(a, b):
    """PyTorch's float floor division (no gradient): a / b for b == 0, Python's rounding of
    (a - fmod(a, b)) / b otherwise, and a zero quotient keeps the sign of a / b (-0.0 // inf is -0.0)."""
    a, b = jax.lax.stop_gradient(a), jax.lax.stop_gradient(b)
    zero, one = const(0, a), const(1, a)
    mod = jnp.fmod(a, b)
    div = (a - mod) / b
    div = jnp.where((mod != zero) & ((b < zero) != (mod < zero)), div - one, div)
    q = jnp.floor(div)
    q = jnp.where(div - q > const(0.5, a), q + one, q)
    q = jnp.where(div == zero, jnp.copysign(zero, a / b), q)
    return jnp.where(b == zero, a / b, q)


@op(name="_div_rounding", promote="same", method=False, function=False, grad_name="DivBackward2")
def div_rounding(input: TS, other: TS, *, rounding_mode=None, out=None):
    return _rounding_div(input, other, rounding_mode, "div_floor_cpu" if rounding_mode == "floor" else "div_trunc_cpu")


def _div_check(vals):
    if vals["rounding_mode"] is not None:
        _int_divisor_zero(vals)
        return OPS["_div_rounding"]


OPS["div"].set_check(_div_check)


# PyTorch defines no derivative for floor_divide.
@op(promote="same", inplace=True, differentiable=False)
def floor_divide(input: TS, other: TS, *, out=None):
    return _rounding_div(input, other, "floor", "div_floor_cpu")


OPS["floor_divide"].set_check(_int_divisor_zero)


def _modulo(name, input, other, int_fn, float_fn):
    """remainder and fmod: no bool kernel, integers through int_fn, floats through float_fn."""
    if is_bool(input):
        raise not_implemented(f"{name}_cpu", input)
    if is_int(input):
        return int_fn(input, _nonzero_divisor(other))
    return float_fn(input, other)


def _float_remainder_jvp(a, b, ta, tb):
    # d/db is -(a // b) with PyTorch's floor division (JAX's rounds differently where a / b is inexact).
    return _float_remainder(a, b), ta - _float_floor_div(a, b) * tb


_float_remainder = with_jvp(jnp.remainder, _float_remainder_jvp)


@op(promote="same", inplace=True, grad_name=by_scalar("other", "RemainderBackward0", "RemainderBackward1"))
def remainder(input: TS, other: TS, *, out=None):
    """Mirrors `torch.remainder`: the result takes the sign of the divisor (Python's %)."""
    return _modulo("remainder", input, other, jnp.remainder, _float_remainder)


@op(promote="same", inplace=True, grad_name=by_scalar("other", "FmodBackward0", "FmodBackward1"))
def fmod(input: T, other: TS, *, out=None):
    """Mirrors `torch.fmod`: the result takes the sign of the dividend (C's fmod)."""
    return _modulo("fmod", input, other, jnp.fmod, jnp.fmod)


OPS["remainder"].set_check(_int_divisor_zero)
OPS["fmod"].set_check(_int_divisor_zero)

_POW_NAMES = names(lambda _given, **_: "PowBackward2" if _given.get("input") == "s" else
                   "PowBackward0" if _given.get("exponent") == "s" else "PowBackward1")


def _int_pow(base, e):
    """Integer power as PyTorch computes it: negative exponents give 0 except for bases 1 and -1."""
    pos = jnp.power(base, jnp.maximum(e, const(0, e)))
    one, minus_one = const(1, base), const(-1, base)
    odd = (e % const(2, e)) != 0
    neg = jnp.where(base == one, one, jnp.where(base == minus_one, jnp.where(odd, minus_one, one),
                                                  const(0, base)))
    return jnp.where(e < 0, neg, pos)


@op(promote="same", inplace=True, grad_name=_POW_NAMES, saves_inputs=True)
def pow(input: TS, exponent: TS, *, out=None):
    if is_bool(input):
        raise not_implemented("pow", input)
    if is_int(input):
        return _int_pow(input, exponent)
    return float_pow(input, exponent) if not jnp.iscomplexobj(input) else jnp.power(input, exponent)


def _pow_check(vals):
    base, e = vals["input"], vals["exponent"]
    d = _dtype_of(base)
    if isinstance(e, numbers.Integral) and not isinstance(e, bool) and e < 0 and d is not None and d.category <= D.INT:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if isinstance(e, float) and e in (0.5, -0.5) and d is not None and d.category == D.FLOAT and d is not D.float16:
        return OPS["_pow_root"]


OPS["pow"].set_check(_pow_check)


# PyTorch computes a tensor to the Python-number power 0.5 as sqrt and -0.5 as rsqrt, which differ
# from pow at -0.0 and -inf (sqrt(-inf) is NaN, pow(-inf, 0.5) is inf); a tensor exponent and a
# float16 base use pow.
@op(name="_pow_root", promote="same", method=False, function=False, grad_name="PowBackward0", saves_inputs=True)
def pow_root(input: T, exponent: TS, *, out=None):
    return _pow_root(input, exponent)


def _pow_root_jvp(x, e, tx, _):
    # PyTorch: e * x ** (e - 1), where x ** -0.5 is again rsqrt.
    d = jnp.where(e > 0, const(0.5, x) * jax.lax.rsqrt(x), const(-0.5, x) * jnp.power(x, const(-1.5, x)))
    return _pow_root(x, e), d * tx


_pow_root = with_jvp(lambda x, e: jnp.where(e > 0, jnp.sqrt(x), jax.lax.rsqrt(x)), _pow_root_jvp)


@op(inplace=True, grad_name=_POW_NAMES)
def float_power(input: TS, exponent: TS, *, out=None):
    """Mirrors `torch.float_power`: computed in double precision."""
    wide = jnp.complex128 if jnp.iscomplexobj(input) or jnp.iscomplexobj(exponent) else jnp.float64
    if wide == jnp.complex128:
        return jnp.power(input.astype(wide), exponent.astype(wide))
    return float_pow(input.astype(wide), exponent.astype(wide))


def _float_power_(self, exponent):
    """Mirrors `torch.Tensor.float_power_`: the result is double (complex double), which PyTorch
    will not cast back into a narrower self."""
    cplx = self.is_complex() or isinstance(exponent, complex) or (isinstance(exponent, Tensor) and exponent.is_complex())
    wide = D.complex128 if cplx else D.float64
    if self.dtype is not wide:
        raise RuntimeError(f"the base given to float_power_ has dtype {self.dtype.legacy} but the operation's "
                           f"result requires dtype {wide.legacy}")
    check_inplace(self)
    return assign(self, OPS["float_power"](self, exponent))


install("float_power_", _float_power_)


@op(inplace=True, linear=True, aliases=("negative",))
def neg(input: T, *, out=None):
    if is_bool(input):
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return -input


def positive(input: Tensor) -> Tensor:
    """Mirrors `torch.positive`: returns input itself."""
    if input.dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@op(inplace=True, aliases=("absolute",))
def abs(input: T, *, out=None):
    if is_bool(input):
        raise not_implemented("abs_cpu", input)
    return real_abs(input) if is_float(input) and not jnp.iscomplexobj(input) else jnp.abs(input)


def _sign(x):
    if is_bool(x):
        return x
    s = jnp.sign(x)
    # PyTorch's sign(nan) and sign(-0.0) are +0.0 (JAX keeps -0.0)
    return jnp.where(jnp.isnan(x) | (x == 0), const(0, x), s) if is_float(x) else s


@op(inplace=True)
def sign(input: T, *, out=None):
    """Mirrors `torch.sign` (sign(nan) is 0)."""
    return _sign(input)


@op(inplace=True)
def sgn(input: T, *, out=None):
    if jnp.iscomplexobj(input):
        a = jnp.abs(input)
        return jnp.where(a == 0, const(0, input), input / jnp.where(a == 0, const(1, a), a).astype(input.dtype))
    return _sign(input)


@op(promote="float", inplace=True)
def reciprocal(input: T, *, out=None):
    return const(1, input) / input


@op(inplace=True, grad_name="PowBackward0")
def square(input: T, *, out=None):
    x = input.astype(jnp.int64) if is_bool(input) else input
    return x * x


# ----- comparisons -----
def _comparison(name, fn, aliases=()):
    def kernel(input: T, other: TS, *, out=None):
        return fn(input, other)
    kernel.__name__ = name
    op(name, promote="same", inplace=True, differentiable=False, aliases=aliases)(kernel)


_comparison("eq", jnp.equal)
_comparison("ne", jnp.not_equal, ("not_equal",))
_comparison("lt", jnp.less, ("less",))
_comparison("le", jnp.less_equal, ("less_equal",))
_comparison("gt", jnp.greater, ("greater",))
_comparison("ge", jnp.greater_equal, ("greater_equal",))


@op(promote="same", saves_inputs=True)
def maximum(input: T, other: T, *, out=None):
    return _float_maximum(input, other) if is_float(input) else jnp.maximum(input, other)


@op(promote="same", saves_inputs=True)
def minimum(input: T, other: T, *, out=None):
    return _float_minimum(input, other) if is_float(input) else jnp.minimum(input, other)


# fmax/fmin ignore a NaN operand; on ties PyTorch sends the whole gradient to input.
@op(promote="same")
def fmax(input: T, other: T, *, out=None):
    return jnp.where((input >= other) | jnp.isnan(other) if is_float(other) else input >= other, input, other)


@op(promote="same")
def fmin(input: T, other: T, *, out=None):
    return jnp.where((input <= other) | jnp.isnan(other) if is_float(other) else input <= other, input, other)


@op(differentiable=False)
def isclose(input: T, other: T, rtol: N = 1e-05, atol: N = 1e-08, equal_nan=False):
    if input.dtype != other.dtype:
        raise RuntimeError(f"{legacy(input)} did not match {legacy(other)}")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if not traced(tol) and tol < 0:  # (a traced tolerance: checked by _isclose_check)
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tol}")
    check_broadcast([input.shape, other.shape])
    close = input == other
    if is_float(input):
        a, b = input, other
        finite = jnp.isfinite(a) & jnp.isfinite(b)
        close = close | (finite & (jnp.abs(a - b) <= const(atol, a) + const(rtol, a) * jnp.abs(b)))
        if equal_nan:
            close = close | (jnp.isnan(a) & jnp.isnan(b))
    elif not is_bool(input):
        a, b = input.astype(jnp.float64), other.astype(jnp.float64)
        close = close | (jnp.abs(a - b) <= atol + rtol * jnp.abs(b))
    return close


def _isclose_check(vals):
    """The tolerance check, for float tolerances (kernel inputs, so not known in the kernel)."""
    a, b = vals["input"], vals["other"]
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.dtype != b.dtype:
        return  # (the kernel reports that first)
    for name in ("rtol", "atol"):
        if isinstance(vals[name], float) and vals[name] < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {vals[name]}")


OPS["isclose"].set_check(_isclose_check)


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Mirrors `torch.allclose`."""
    return bool(jnp.all(OPS["isclose"](input, other, rtol, atol, equal_nan)._data))


def equal(input: Tensor, other: Tensor) -> bool:
    """Mirrors `torch.equal`: same shape and equal values (NaN is not equal to itself)."""
    if tuple(input.shape) != tuple(other.shape):
        return False
    return bool(jnp.all(OPS["eq"](input, other)._data))


# ----- logical and bitwise -----
def _truth(x):
    return x if is_bool(x) else x != const(0, x)


@op(promote="same", inplace=True, differentiable=False)
def logical_and(input: T, other: T, *, out=None):
    return _truth(input) & _truth(other)


@op(promote="same", inplace=True, differentiable=False)
def logical_or(input: T, other: T, *, out=None):
    return _truth(input) | _truth(other)


@op(promote="same", inplace=True, differentiable=False)
def logical_xor(input: T, other: T, *, out=None):
    return _truth(input) ^ _truth(other)


@op(inplace=True, differentiable=False)
def logical_not(input: T, *, out=None):
    return ~_truth(input)


def _bitwise(name, fn, kernel_name, allow_bool=True):
    def kernel(input: TS, other: TS, *, out=None):
        if is_float(input) or (is_bool(input) and not allow_bool):
            raise not_implemented(kernel_name, input)
        return fn(input, other)
    kernel.__name__ = name
    op(name, promote="same", inplace=True, differentiable=False)(kernel)


def _shift(x, s, left: bool):
    """Shifts by the operand width or more give 0 (or the sign, shifting right), as in PyTorch."""
    bits = const(x.dtype.itemsize * 8, s)
    big = (s >= bits) | (s < const(0, s))
    if left:
        return jnp.where(big, const(0, x), jnp.left_shift(x, jnp.where(big, const(0, s), s)))
    shifted = jnp.right_shift(x, jnp.where(big, bits - const(1, s), s))
    return shifted


_bitwise("bitwise_and", jnp.bitwise_and, "bitwise_and_cpu")
_bitwise("bitwise_or", jnp.bitwise_or, "bitwise_or_cpu")
_bitwise("bitwise_xor", jnp.bitwise_xor, "bitwise_xor_cpu")
_bitwise("bitwise_left_shift", lambda a, b: _shift(a, b, True), "lshift_cpu", allow_bool=False)
_bitwise("bitwise_right_shift", lambda a, b: _shift(a, b, False), "rshift_cpu", allow_bool=False)


@op(inplace=True, differentiable=False)
def bitwise_not(input: T, *, out=None):
    if is_float(input):
        raise not_implemented("bitwise_not_cpu", input)
    return ~input


_COMPARE_ = {"eq": jnp.equal, "ne": jnp.not_equal, "lt": jnp.less, "le": jnp.less_equal, "gt": jnp.greater,
             "ge": jnp.greater_equal}


@op(name="_compare_", promote="same", method=False, function=False,
    grad_name=names(lambda _given, cmp, dtype: cmp.capitalize() + ("Backward0" if _given["other"] == "s" else "Backward1")))
def compare_inplace(input: T, other: TS, *, cmp="eq", dtype=None):
    """x.eq_(y) and friends: the truth value written back in x's dtype. PyTorch records a node
    (EqBackward0, ...) whose gradient is zero, cutting x off from its earlier history."""
    return _COMPARE_[cmp](input, other).astype(dtype.np)


def _compare_method(cmp):
    def method(self, other):
        check_inplace(self)
        return assign(self, OPS["_compare_"](self, other, cmp=cmp, dtype=self.dtype))
    method.__name__ = cmp + "_"
    return method


for _cmp, _aliases in {"eq": (), "ne": ("not_equal",), "lt": ("less",), "le": ("less_equal",), "gt": ("greater",),
                       "ge": ("greater_equal",)}.items():
    for _n in (_cmp,) + _aliases:
        install(_n + "_", _compare_method(_cmp))


# ----- selection, interpolation, clamping -----
@op(promote="same", method=False)
def where(condition: T, input: TS, other: TS, *, out=None):
    # The condition took part in promotion (bool never widens a result) and was cast with the
    # operands; it was checked to be bool before the call, so != 0 recovers it exactly.
    return jnp.where(_truth(condition), input, other)


def _where_check(vals):
    c = vals["condition"]
    if isinstance(c, Tensor) and c.dtype is not D.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{c.dtype.legacy}")


OPS["where"].set_check(_where_check)


def _tensor_where(self: Tensor, condition: Tensor, other) -> Tensor:
    """Mirrors `torch.Tensor.where`: where(condition, self, other)."""
    return OPS["where"](condition, self, other)


install("where", _tensor_where)


@op(inplace=True, grad_name=by_scalar("weight", "LerpBackward0", "LerpBackward1"))
def lerp(input: T, end: T, weight: TS, *, out=None):
    if not is_float(input):
        raise not_implemented("lerp_kernel_scalar", input)
    if end.dtype != input.dtype:
        raise RuntimeError(f"expected dtype {input.dtype} for `end` but got dtype {end.dtype}")
    check_broadcast([input.shape, end.shape, weight.shape])
    w = weight.astype(input.dtype)
    d = end - input
    # PyTorch's two-sided form: exact at both ends (weight 0 gives input, weight 1 gives end).
    return jnp.where(jnp.abs(w) < const(0.5, w), input + w * d, end - d * (const(1, w) - w))


def _clamp(x, lo, hi):
    """PyTorch's clamp: the value is min(max(x, lo), hi), NaN if any operand is (a tie keeps x, so
    -0.0 stays). Gradients follow PyTorch's masks, not JAX's min/max: x where lo <= x <= hi, lo where
    x < lo < hi, hi where x > hi or lo > hi (even when a NaN operand makes the value NaN)."""
    v = x
    if lo is not None:
        v = jnp.where(v < lo, lo, v)
    if hi is not None:
        v = jnp.where(v > hi, hi, v)
    if not is_float(x):
        return v
    for bound in (lo, hi):
        if bound is not None:
            v = jnp.where(jnp.isnan(bound), bound.astype(v.dtype), v)
    v = jax.lax.stop_gradient(v)
    on_x = jnp.ones(jnp.shape(x), bool)
    if lo is not None:
        on_x = on_x & (x >= lo)
    if hi is not None:
        on_x = on_x & (x <= hi)
    out = jnp.where(on_x, x, v)
    if lo is not None:
        out = jnp.where((x < lo) & (lo < hi) if hi is not None else x < lo, lo, out)
    if hi is not None:
        on_hi = (x > hi) | (lo > hi) if lo is not None else x > hi
        out = jnp.where(on_hi, jnp.where(jnp.isnan(v), hi + v, hi), out)
    return out


@op(promote="same", inplace=True, aliases=("clip",),
    grad_name=names(lambda _given, **_: "ClampBackward0" if "t" in (_given.get("min"), _given.get("max"))
                    else "ClampBackward1"), saves_inputs=True)
def clamp(input: T, min: TS = None, max: TS = None, *, out=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return _clamp(input, min, max)


def _clamp_check(vals):
    kinds = {isinstance(vals[n], Tensor) for n in ("min", "max") if vals[n] is not None}
    if len(kinds) == 2:
        raise TypeError("clamp() received an invalid combination of arguments - got (Tensor, Tensor, Number), "
                        "but expected one of:")


OPS["clamp"].set_check(_clamp_check)


@op(promote="same", inplace=True, grad_name=by_scalar("min", "ClampMinBackward0", "ClampMinBackward1"))
def clamp_min(input: T, min: TS, *, out=None):
    return _clamp(input, min, None)


@op(promote="same", inplace=True, grad_name=by_scalar("max", "ClampMaxBackward0", "ClampMaxBackward1"))
def clamp_max(input: T, max: TS, *, out=None):
    return _clamp(input, None, max)


@op(promote="same", inplace=True)
def addcmul(input: T, tensor1: T, tensor2: T, *, value: N = 1, out=None):
    return input + const(value, input) * tensor1 * tensor2


@op(promote="same", inplace=True)
def addcdiv(input: T, tensor1: T, tensor2: T, *, value: N = 1, out=None):
    return input + const(value, input) * (tensor1 / tensor2)


def _addcdiv_check(vals):
    t1, t2 = vals["tensor1"], vals["tensor2"]
    if all(isinstance(t, Tensor) and t.dtype.category <= D.INT for t in (t1, t2)):
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
                           "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
                           "for all dtypes.")


OPS["addcdiv"].set_check(_addcdiv_check)


# PyTorch defines no derivative for heaviside.
@op(inplace=True, differentiable=False)
def heaviside(input: T, values: T, *, out=None):
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    check_broadcast([input.shape, values.shape])
    zero = const(0, input)
    return jnp.where(input == zero, values, (input > zero).astype(input.dtype))


@op(promote="float", inplace=True, grad_name=by_scalar("other", "CopysignBackward1", "CopysignBackward0"))
def copysign(input: T, other: TS, *, out=None):  # (nor copysign(Number, Tensor))
    return _copysign(input, other)


def _copysign_value(x, y):
    a = jnp.abs(x)
    return jnp.where(jnp.signbit(y), -a, a)


def _copysign_jvp(x, y, tx, _):
    # PyTorch's derivative is result / input, 0 where input == 0 (JAX: +-1) and NaN at +-inf.
    out = _copysign(x, y)
    return out, tx * jnp.where(x == 0, jnp.zeros_like(out), out / x)


_copysign = with_jvp(_copysign_value, _copysign_jvp)


@op(inplace=True)
def nan_to_num(input: T, nan: N = 0.0, posinf: N = None, neginf: N = None, *, out=None):
    if not is_float(input):
        return input
    fi = jnp.finfo(input.dtype)
    hi = fi.max if posinf is None else posinf
    lo = fi.min if neginf is None else neginf
    x = jnp.where(jnp.isnan(input), const(nan, input), input)
    return jnp.where(x == jnp.inf, const(hi, x), jnp.where(x == -jnp.inf, const(lo, x), x))


# Written with where: JAX's maximum(x, 0) would give relu'(0) = 0.5; PyTorch defines 0.
@op(inplace=True, saves_output=True)
def relu(input: T):
    if is_bool(input):
        raise not_implemented("clamp_min_cpu", input)
    # NaN stays NaN and -0.0 stays -0.0 (max(x, 0) keeps x on a tie), as in PyTorch; no gradient at 0.
    zero = const(0, input)
    return jnp.where(input <= zero, jax.lax.stop_gradient(jnp.where(input < zero, zero, input)), input)


for _n in ("positive", "allclose", "equal"):
    install(_n, globals()[_n])
install("__pos__", positive)
