"""Pointwise operators against real PyTorch: the promotion table across dtype pairs (tensors with
dims, 0-d tensors, Python scalars), in-place semantics, gradients at kinks, grad_fn names, and the
errors PyTorch raises."""
import numpy as np
import pytest

from .harness import check, check_error

DTYPES = ["bool", "uint8", "int8", "int64", "float16", "bfloat16", "float32", "float64"]
SCALARS = [True, 3, -2.5]


def _make(t, dtype, shape, values=(1, 0, 3, 2, 1, 2)):
    base = np.array(values[: int(np.prod(shape))] or [1], dtype=np.float64).reshape(shape)
    return t.tensor(base).to(getattr(t, dtype))


@pytest.mark.parametrize("b", DTYPES)
@pytest.mark.parametrize("a", DTYPES)
def test_promotion_table(a, b):
    """mul, div and where of a tensor of dtype a with one of dtype b, with dims and 0-d."""
    def fn(t):
        x, outs = _make(t, a, (2, 3)), []
        for shape in ((3,), ()):
            # No zero divisor: XLA folds bool-to-float casts into selects, so False / 0 gives 0, not NaN.
            y = _make(t, b, shape, values=(2, 1, 2))
            outs += [t.mul(x, y), t.div(x, y), t.where(x > 1, x, y)]
        return outs
    check(fn, grad=False, area="promotion", name=f"{a}x{b}")


@pytest.mark.parametrize("s", SCALARS, ids=repr)
@pytest.mark.parametrize("a", DTYPES)
def test_promotion_with_python_scalar(a, s):
    def fn(t):
        x = _make(t, a, (2, 3))
        outs = [x * s, s / x.abs().clamp(min=1) if a != "bool" else x / s, t.where(x > 1, x, s), x == s]
        if a != "bool" and not isinstance(s, bool):
            outs += [s - x, t.remainder(x, s)]
        return outs
    check(fn, grad=False, area="promotion", name=f"{a}x{s!r}")


def case(fn, grad=False):
    def test():
        check(fn, grad=grad, area="pointwise", name=fn.__name__)
    test.__name__ = "test_" + fn.__name__
    globals()[test.__name__] = test
    return fn


def error(*inputs, same_message=True):
    def register(fn):
        def test():
            check_error(fn, *inputs, name=fn.__name__, same_message=same_message)
        test.__name__ = "test_error_" + fn.__name__
        globals()[test.__name__] = test
        return fn
    return register


# ----- dtype rules stated in PyTorch's docs -----
@case
def int_true_division_is_float(t):
    i = t.tensor([1, -2, 3])
    return i / 2, i * 2.5, t.true_divide(i, i), i.reciprocal(), i.sqrt(), i.sigmoid(), t.atan2(i, i)


@case
def float16_stays_float16_with_python_float(t):
    h = t.tensor([1.5, -2.0]).half()
    return h + 1.0, h * 1e-3, h - t.tensor(2.0, dtype=t.float64), t.where(h > 0, h, 2.0)


@case
def zero_dim_float64_does_not_widen(t):
    f, z = t.tensor([1.5, -2.0]), t.tensor(2.0, dtype=t.float64)
    i = t.tensor([1, 2])
    return f + z, f * z, i + z, t.maximum(f, z), t.tensor(1, dtype=t.int8) + t.tensor([1, 2], dtype=t.int8) * 100


@case
def bool_arithmetic(t):
    b = t.tensor([True, False, True])
    return b + b, b * b, b / b, b ** 2, b.square(), b.sign(), b.exp(), t.clamp(b, 0, 1), b & b, ~b


@case
def integer_results(t):
    i = t.tensor([-7, 7, -7, 7, 0])
    j = t.tensor([2, -2, -2, 2, 3])
    return (i // j, i % j, t.fmod(i, j), t.div(i, j, rounding_mode="trunc"), t.div(i, j, rounding_mode="floor"),
            i ** 2, 2 ** i.abs(), t.pow(t.tensor([-3, -1, 0, 1, 2]), t.tensor([-1, -2, -1, -3, -2])),
            i.abs(), i.sign(), i.floor(), i.round(), i.square(), t.float_power(i, 2), i << 2, i >> 1, i >> 70)


@case
def float_division_and_remainders(t):
    x, y = t.tensor([-7.0, 7.0, 5.5, -5.5, 1.0]), t.tensor([2.0, -2.0, 0.0, 2.0, 0.0])
    return (x // y, x % y, t.fmod(x, y), t.div(x, y, rounding_mode="trunc"), t.div(x, y, rounding_mode="floor"),
            x / y, t.remainder(-3, t.tensor([2, -2])))


@case
def equal_allclose_positive(t):
    i, f = t.tensor([1, 2]), t.tensor([1.0, 2.0])
    nan = t.tensor([float("nan")])
    return (t.equal(i, f), t.equal(i, i[:1]), t.equal(nan, nan), i.equal(i), t.allclose(f, f + 1e-9),
            t.allclose(nan, nan), t.allclose(nan, nan, equal_nan=True), f.allclose(f * 1.1),
            t.positive(f) is f, (+f) is f)


@case
def where_scalars_and_method(t):
    c = t.tensor([True, False, True])
    x = t.tensor([1.0, 2.0, 3.0])
    return t.where(c, 2.5, 3), t.where(c, 1, 0), x.where(c, -1.0), t.where(c, t.tensor([1, 2, 3]), 2.5)


@case
def clamp_forms(t):
    x = t.tensor([-2.0, 0.5, 3.0, float("nan")])
    return (x.clamp(0, 1), x.clamp(min=0), x.clamp(max=1), x.clamp(1, 0), t.clip(x, -1, 1),
            x.clamp(t.tensor(0.0), t.tensor([1.0, 1.0, 1.0, 1.0])), x.clamp_min(0.2), x.clamp_max(0.2),
            t.clamp(t.tensor([1, 5, 3]), 2, 4), t.clamp(t.tensor([1, 5]), 0.5))


@case
def nan_passes_through_relu_threshold_hardtanh(t):
    # A NaN activation must stay NaN (a diverging run shows a nan loss), with gradient 1 there.
    F = t.nn.functional
    outs = []
    for f in (t.relu, t.nn.ReLU(), lambda v: F.threshold(v, 0.5, -3.0), F.hardtanh, F.relu6,
              lambda v: v.clone().relu_(), lambda v: F.threshold(v.clone(), 0.0, 0.0, inplace=True)):
        x = t.tensor([float("nan"), -1.0, 0.0, 2.0, 7.0], requires_grad=True)
        y = f(x)
        outs += [y.detach(), t.autograd.grad(y.sum(), x)[0]]
    return tuple(outs)


# ----- in-place semantics -----
@case
def inplace_returns_self_and_casts_back(t):
    x = t.tensor([1.0, 2.0, 3.0])
    y = x.add_(1)
    z = t.tensor([1, 2, 3])
    z.mul_(2)
    h = t.tensor([1.0, 2.0]).half()
    h.add_(t.tensor([0.25, 0.5]))
    e = t.tensor([1.0, 2.0])
    e.eq_(t.tensor([1.0, 3.0]))
    b = t.tensor([1.0, -1.0])
    b.clamp_(min=0).sqrt_()
    return y is x, x, z, h, e, b


@case
def inplace_through_a_view(t):
    x = t.zeros(2, 3)
    x[0].add_(t.tensor([1.0, 2.0, 3.0]))
    x[:, 1].mul_(5)
    x.t()[2].pow_(2)
    return x


@case
def out_argument(t):
    o = t.empty(0)
    r = t.add(t.tensor([1.0, 2.0]), 1, out=o)
    o64 = t.empty(2, dtype=t.float64)
    t.mul(t.tensor([1.0, 2.0]), 3, out=o64)
    ob = t.empty(2, dtype=t.bool)
    t.lt(t.tensor([1.0, 2.0]), 1.5, out=ob)
    return r is o, o, o64, ob


@case
def inplace_history(t):
    x = t.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * 1
    y.mul_(2).add_(1)
    z = x * 1
    z.gt_(0)
    (y.sum() + (z * x).sum()).backward()
    return x.grad, y.grad_fn.name(), z.grad_fn.name()


# ----- gradients at kinks -----
KINK = np.array([-1.0, 0.0, 1.0, 2.0], np.float32)


@case
def kink_gradients(t):
    outs = []
    for f in (t.abs, t.relu, t.sqrt, lambda v: v.clamp(0, 1), lambda v: v.clamp_min(0), lambda v: v.clamp_max(1),
              t.sign, t.floor, t.round, t.frac, lambda v: v ** 2, lambda v: v ** 0, lambda v: v ** 0.5,
              lambda v: t.pow(0.0, v), lambda v: t.nan_to_num(v.log())):
        x = t.tensor(KINK, requires_grad=True)
        f(x).sum().backward()
        outs.append(x.grad)
    return outs


@case
def tie_gradients(t):
    outs = []
    for f in (t.maximum, t.minimum, t.fmax, t.fmin, lambda a, b: a.clamp(b, b + 1), t.logaddexp,
              lambda a, b: t.where(a > 0, a, b), t.hypot, t.atan2):
        x = t.tensor([-1.0, 0.0, 1.0, 2.0], requires_grad=True)
        y = t.tensor([0.0, 0.0, 1.0, 3.0], requires_grad=True)
        f(x, y).sum().backward()
        outs += [x.grad, y.grad]
    return outs


@case
def zero_gradients(t):
    x = t.tensor([0.0, 0.0, 1.0], requires_grad=True)
    y = t.tensor([0.0, 1.0, 0.0], requires_grad=True)
    a = t.pow(x, y).sum() + t.xlogy(x, y + 1).sum() + t.copysign(x, -1.0).sum()
    return t.autograd.grad(a, [x, y])


@case
def second_derivatives(t):
    x = t.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = (x ** 3 + x.sigmoid() + x.clamp(0.7, 1.5) ** 2 + t.maximum(x, t.tensor(1.0)) ** 2).sum()
    (g,) = t.autograd.grad(y, x, create_graph=True)
    (gg,) = t.autograd.grad(g.sum(), x)
    return g, gg


@case
def grad_fn_names(t):
    x = t.tensor([1.0, 2.0], requires_grad=True)
    y = t.tensor([0.5, 3.0], requires_grad=True)
    exprs = [x * 2, x * y, x / 2, x / y, 2 / x, x + 2, x - y, 2 - x, t.rsub(x, y), t.rsub(x, 2), x ** 2, x ** y,
             2 ** x, t.pow(2, x), t.clamp(x, 0, 1), t.clamp(x, y), t.clamp(x, min=0), t.clip(x, 0, 1),
             t.clamp_min(x, 0), t.clamp_max(x, y), x.abs(), -x, x.sign(), x.sgn(), x.reciprocal(), x.square(),
             t.div(x, y, rounding_mode="floor"), t.remainder(x, y), x % 2, t.fmod(x, 2), t.fmod(x, y),
             t.float_power(x, 2), t.float_power(x, y), x.exp(), x.exp2(), x.expm1(), x.log1p(), x.sqrt(),
             x.rsqrt(), x.arcsin(), t.arctan2(x, y), x.sigmoid(), x.logit(), x.erfinv(), x.round(),
             x.round(decimals=1), x.fix(), x.frac(), t.hypot(x, y), t.xlogy(x, y), t.xlogy(x, 2.0),
             t.xlogy(2.0, y), t.logaddexp2(x, y), t.copysign(x, y), t.copysign(x, -1.0), x.deg2rad(),
             x.rad2deg(), x.nan_to_num(), t.lerp(x, y, 0.3), t.lerp(x, y, y), t.addcmul(x, x, y),
             t.addcdiv(x, x, y), t.maximum(x, y), t.fmin(x, y), t.where(x > 1, x, y), x.relu(), x.tanh(),
             t.polygamma(1, x), t.ldexp(x, y), (x * 1).mul_(2), (x * 1).clamp_(0, 1), (x * 1).eq_(y)]
    return [e.grad_fn.name() for e in exprs]


@case
def requires_grad_of_results(t):
    x = t.tensor([1.0, 2.0], requires_grad=True)
    return [r.requires_grad for r in (x > 1, x == 1, x.isnan(), x.signbit(), t.logical_and(x, x), x.sign(),
                                      x.floor(), t.where(x > 1, x, 0.0), t.where(x > 1, 1.0, 0.0))]


# ----- errors -----
@error()
def broadcast_1d(t):
    return t.ones(2) + t.ones(3)


@error()
def broadcast_from_the_right(t):
    return t.ones(5, 2, 3) * t.ones(4, 3)


@error()
def broadcast_shorter_first(t):
    return t.ones(4) - t.ones(2, 3)


@error()
def broadcast_three_operands(t):
    return t.where(t.ones(2) > 0, t.ones(2), t.ones(4))


@error()
def broadcast_addcmul(t):
    return t.addcmul(t.ones(2), t.ones(3), t.ones(2))


@error()
def broadcast_lerp(t):
    return t.lerp(t.ones(2), t.ones(3), 0.5)


@error()
def broadcast_clamp(t):
    return t.clamp(t.ones(2), t.ones(3))


@error()
def broadcast_comparison(t):
    return t.ones(2) == t.ones(3)


@error()
def broadcast_logical(t):
    return t.logical_and(t.ones(2), t.ones(3))


@error()
def broadcast_inplace(t):
    return t.ones(2).add_(t.ones(3))


@error()
def inplace_output_shape(t):
    return t.ones(2).add_(t.ones(2, 2))


@error()
def inplace_int_add_float(t):
    return t.ones(2, dtype=t.int64).add_(1.5)


@error()
def inplace_int_div(t):
    return t.ones(2, dtype=t.int64).div_(2)


@error()
def inplace_bool_add_int(t):
    return t.ones(2, dtype=t.bool).add_(1)


@error()
def inplace_int_mul_float_tensor(t):
    return t.ones(2, dtype=t.int64).mul_(t.ones(2))


@error()
def out_dtype_cannot_hold_result(t):
    return t.add(t.ones(2), t.ones(2), out=t.ones(2, dtype=t.int64))


@error()
def int_negative_power(t):
    return t.tensor([2, 3]) ** -1


@error()
def int_negative_power_function(t):
    return t.pow(t.tensor([2, 3]), -2)


@error()
def int_floor_divide_by_zero(t):
    return t.tensor([1, 2]) // 0


@error()
def int_floor_divide_by_zero_tensor(t):
    return t.tensor([1, 2]) // t.tensor([1, 0])


@error()
def int_div_trunc_by_zero(t):
    return t.div(t.tensor([1, 2]), 0, rounding_mode="trunc")


@error()
def int_remainder_by_zero(t):
    return t.tensor([1, 2]) % 0


@error()
def int_fmod_by_zero(t):
    return t.fmod(t.tensor([1, 2]), t.tensor([0, 1]))


@error()
def bool_sub(t):
    return t.tensor([True]) - t.tensor([False])


@error()
def bool_sub_int(t):
    return t.sub(t.tensor([True]), 1)


@error()
def bool_neg(t):
    return -t.tensor([True])


@error()
def bool_positive(t):
    return t.positive(t.tensor([True]))


@error()
def int_alpha_float(t):
    return t.add(t.tensor([1]), t.tensor([1]), alpha=0.5)


@error()
def float_bitwise_and(t):
    return t.ones(2) & t.ones(2)


@error()
def float_bitwise_with_scalar(t):
    return t.tensor([1, 2]) & 1.5


@error()
def float_bitwise_not(t):
    return t.bitwise_not(t.ones(2))


@error()
def bool_shift(t):
    return t.tensor([True]) << t.tensor([True])


@error()
def bool_abs(t):
    return t.tensor([True]).abs()


@error()
def bool_pow_bool(t):
    return t.tensor([True]) ** t.tensor([True])


@error()
def int_frac(t):
    return t.tensor([1]).frac()


@error()
def int_hypot(t):
    return t.hypot(t.tensor([1]), t.tensor([1]))


@error()
def int_logaddexp(t):
    return t.logaddexp(t.tensor([1]), t.tensor([1]))


@error()
def where_int_condition(t):
    return t.where(t.tensor([1, 0]), 1.0, 0.0)


@error()
def clamp_without_bounds(t):
    return t.clamp(t.ones(2))


@error(same_message=False)
def clamp_tensor_and_number(t):
    return t.clamp(t.ones(2), t.ones(2), 1.0)


@error()
def addcdiv_integer(t):
    return t.addcdiv(t.ones(2), t.tensor([1, 2]), t.tensor([1, 2]))


@error()
def heaviside_dtypes(t):
    return t.heaviside(t.ones(2), t.tensor(0.5, dtype=t.float64))


@error()
def isclose_dtypes(t):
    return t.isclose(t.ones(2), t.tensor([1, 1]))


@error()
def lerp_int(t):
    return t.lerp(t.tensor([1]), t.tensor([2]), 0.5)


@error()
def inplace_on_leaf(t):
    return t.ones(2, requires_grad=True).exp_()

