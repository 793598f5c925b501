"""NaN, infinity and signed-zero semantics against real PyTorch: pointwise math, activations,
clamping, comparisons and the classification predicates, with their gradients at those points.

Each probe runs through `check` (values with NaN equal to NaN, dtypes, gradients of every float
output); `probe` then also compares the sign bit of every float output where it is not NaN, since
`check` sees -0.0 and 0.0 as equal. Denormals are not probed: XLA's CPU runtime flushes them to zero.
Integer casts of NaN/inf are undefined in PyTorch and are not probed either.
"""
import math

import numpy as np
import pytest

import torch

import torchlike

from .harness import _np, check, flatten_out

NAN, INF = math.nan, math.inf
# The special values and a few ordinary ones around them, so every probe also sees normal points.
SPECIAL = np.array([NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5], np.float32)
SPECIAL64 = SPECIAL.astype(np.float64)


def probe(fn, *inputs, grad=True, name=None):
    """check(fn) plus the sign bit of float outputs (NaN positions excluded)."""
    to, lo = check(fn, *inputs, grad=grad, area="nan_inf", name=name)
    for i, (a, b) in enumerate(zip(flatten_out(to), flatten_out(lo))):
        if not hasattr(a, "dtype") or not a.dtype.is_floating_point:
            continue
        x, y = _np(a), _np(b)
        keep = ~np.isnan(x)
        assert (np.signbit(x[keep]) == np.signbit(y[keep])).all(), \
            f"{name}: sign bit of output {i} differs: torch {x} vs torchlike {y}"


def _same(a, b):
    """NaN equals NaN, signed zeros and infinities must match, finite values within float32 rounding."""
    if a != a or b != b:
        return a != a and b != b
    close = a == b or (math.isfinite(a) and math.isclose(a, b, rel_tol=2e-5, abs_tol=1e-6))
    return close and math.copysign(1, a) == math.copysign(1, b)


def _at(lib, fn, values, n, grad):
    """fn on n copies of one point (one value per input): [output, d output / d input...] at element 0."""
    xs = [lib.tensor(np.full(n, v)).requires_grad_(grad) for v in values]
    y = fn(lib, *xs)
    res = [float(y.detach()[0])]
    if grad and y.requires_grad:
        gs = lib.autograd.grad(y.sum(), xs, allow_unused=True)
        res += [0.0 if g is None else float(g[0]) for g in gs]
    return res


def pointwise_probe(fn, *inputs, grad=True, name=None):
    """An elementwise fn at each point of `inputs`. PyTorch's CPU kernels have a scalar loop (short
    tensors, tails) and a vectorized one (the body of longer tensors), and at a few special points
    they disagree (e.g. hardtanh's gradient at NaN is 1 in the first and 0 in the second). Points
    where both loops agree go through `probe`; at the others torchlike must give one of the two."""
    split = []
    for i in range(len(inputs[0])):
        point = [x[i] for x in inputs]
        scalar, vector = (_at(torch, fn, point, n, grad) for n in (1, 64))
        split.append(all(map(_same, scalar, vector)) or (point, scalar, vector))
    steady = np.array([s is True for s in split])
    probe(fn, *(x[steady] for x in inputs), grad=grad, name=name)
    for s in split:
        if s is not True:
            point, scalar, vector = s
            got = _at(torchlike, fn, point, 1, grad)
            assert all(map(_same, got, scalar)) or all(map(_same, got, vector)), \
                f"{name} at {point}: torchlike {got}, torch {scalar} (scalar loop) / {vector} (vectorized)"


def table(cases, grad=True, inputs=(SPECIAL,), pointwise=True):
    """One test per (name, fn) pair: fn(t, *inputs)."""
    run = pointwise_probe if pointwise else probe

    @pytest.mark.parametrize("name,fn", cases, ids=[c[0] for c in cases])
    def test(name, fn):
        run(fn, *inputs, grad=grad, name=name)
    return test


def F(t):
    return t.nn.functional


# ----- unary math at nan, +-inf, +-0 (forward and gradient) -----
UNARY = [(n, (lambda n: lambda t, x: getattr(t, n)(x))(n)) for n in (
    "abs", "neg", "sign", "sqrt", "rsqrt", "exp", "exp2", "expm1", "log", "log1p", "log2", "log10",
    "sin", "cos", "tan", "tanh", "sigmoid", "atan", "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh",
    "erf", "erfc", "reciprocal", "square", "floor", "ceil", "round", "trunc", "frac", "deg2rad", "rad2deg",
    "relu", "lgamma", "digamma", "sinc", "logit", "erfinv", "i0")]
test_unary = table(UNARY)
test_unary_float64 = table(UNARY[:20], inputs=(SPECIAL64,))
# PyTorch's sgn gradient of a real tensor is a ZeroTensor, which cannot be read back: values only.
test_sgn = table([("sgn", lambda t, x: t.sgn(x))], grad=False)

# ----- activations -----
ACTIVATIONS = [
    ("gelu", lambda t, x: F(t).gelu(x)),
    ("gelu_tanh", lambda t, x: F(t).gelu(x, approximate="tanh")),
    ("silu", lambda t, x: F(t).silu(x)),
    ("mish", lambda t, x: F(t).mish(x)),
    ("elu", lambda t, x: F(t).elu(x)),
    ("elu_alpha", lambda t, x: F(t).elu(x, alpha=0.3)),
    ("selu", lambda t, x: F(t).selu(x)),
    ("celu", lambda t, x: F(t).celu(x, alpha=2.0)),
    ("leaky_relu", lambda t, x: F(t).leaky_relu(x, 0.1)),
    ("hardtanh", lambda t, x: F(t).hardtanh(x)),
    ("relu6", lambda t, x: F(t).relu6(x)),
    ("hardsigmoid", lambda t, x: F(t).hardsigmoid(x)),
    ("hardswish", lambda t, x: F(t).hardswish(x)),
    ("softplus", lambda t, x: F(t).softplus(x)),
    ("softplus_beta", lambda t, x: F(t).softplus(x, beta=2.0, threshold=5.0)),
    ("softsign", lambda t, x: F(t).softsign(x)),
    ("logsigmoid", lambda t, x: F(t).logsigmoid(x)),
    ("tanhshrink", lambda t, x: F(t).tanhshrink(x)),
    ("softshrink", lambda t, x: F(t).softshrink(x, 0.5)),
    ("hardshrink", lambda t, x: F(t).hardshrink(x, 0.5)),
    ("threshold", lambda t, x: F(t).threshold(x, 0.5, -3.0)),
    ("sigmoid_f", lambda t, x: F(t).sigmoid(x)),
    ("tanh_f", lambda t, x: F(t).tanh(x)),
    ("prelu", lambda t, x: F(t).prelu(x, t.tensor([0.25]))),
]
test_activations = table(ACTIVATIONS)
test_glu = table([("glu", lambda t, x: F(t).glu(x[:8]))], pointwise=False)
test_activations_float64 = table(ACTIVATIONS[:16], inputs=(SPECIAL64,))


# ----- clamp with NaN inputs and NaN bounds -----
CLAMP = [
    ("clamp_min_max", lambda t, x: x.clamp(-1.0, 1.0)),
    ("clamp_max_nan", lambda t, x: x.clamp(max=NAN)),
    ("clamp_min_nan", lambda t, x: x.clamp(min=NAN)),
    ("clamp_both_nan", lambda t, x: x.clamp(NAN, NAN)),
    ("clamp_min_inf", lambda t, x: x.clamp(min=-INF, max=INF)),
    ("clamp_crossed", lambda t, x: x.clamp(1.0, -1.0)),
    ("clamp_min_scalar_nan", lambda t, x: t.clamp_min(x, NAN)),
    ("clamp_max_scalar_nan", lambda t, x: t.clamp_max(x, NAN)),
    ("clamp_tensor_nan_bounds", lambda t, x: x.clamp(t.full_like(x, NAN), t.full_like(x, 2.0))),
    ("clamp_min_zero", lambda t, x: x.clamp(min=0.0)),
    ("clamp_max_neg_zero", lambda t, x: x.clamp(max=-0.0)),
    ("clip_nan", lambda t, x: t.clip(x, min=NAN)),
    ("clamp_grad_bounds", lambda t, x: x.clamp(x * 0.5, x.abs())),
]
test_clamp = table(CLAMP)
# Bounds as tensors with their own NaNs, every input against every bound (not pointwise in x alone).
LO = np.array([0.0, NAN, -INF, NAN] * 2 + [1.0], np.float32)
HI = np.array([NAN, 1.0, INF, NAN] * 2 + [NAN], np.float32)
CLAMP_TENSOR = [
    ("clamp_tensor_bounds", lambda t, x, lo, hi: x.clamp(lo, hi)),
    ("clamp_min_tensor", lambda t, x, lo, hi: t.clamp_min(x, lo)),
    ("clamp_max_tensor", lambda t, x, lo, hi: t.clamp_max(x, hi)),
    ("clamp_outer", lambda t, x, lo, hi: x[:, None].clamp(lo, hi)),
    ("clamp_min_only_tensor", lambda t, x, lo, hi: x.clamp(min=lo)),
    ("clamp_max_only_tensor", lambda t, x, lo, hi: x.clamp(max=hi)),
]
test_clamp_tensor = table(CLAMP_TENSOR, inputs=(SPECIAL, LO, HI), pointwise=False)

# ----- binary arithmetic with inf, nan and signed zeros -----
A = np.array([NAN, INF, -INF, INF, 0.0, -0.0, 0.0, 1.0, -1.0, 2.0, -8.0, 0.0, 1.0, NAN, 5.5], np.float32)
B = np.array([1.0, INF, INF, -INF, 0.0, 0.0, -0.0, 0.0, -0.0, INF, 1 / 3, -1.0, NAN, 0.0, -INF], np.float32)
BINARY = [
    ("add", lambda t, a, b: a + b),
    ("sub", lambda t, a, b: a - b),
    ("mul", lambda t, a, b: a * b),
    ("div", lambda t, a, b: a / b),
    ("div_floor", lambda t, a, b: t.div(a, b, rounding_mode="floor")),
    ("div_trunc", lambda t, a, b: t.div(a, b, rounding_mode="trunc")),
    ("remainder", lambda t, a, b: t.remainder(a, b)),
    ("fmod", lambda t, a, b: t.fmod(a, b)),
    ("pow", lambda t, a, b: t.pow(a, b)),
    ("float_power", lambda t, a, b: t.float_power(a, b)),
    ("atan2", lambda t, a, b: t.atan2(a, b)),
    ("copysign", lambda t, a, b: t.copysign(a, b)),
    ("maximum", lambda t, a, b: t.maximum(a, b)),
    ("minimum", lambda t, a, b: t.minimum(a, b)),
    ("fmax", lambda t, a, b: t.fmax(a, b)),
    ("fmin", lambda t, a, b: t.fmin(a, b)),
    ("hypot", lambda t, a, b: t.hypot(a, b)),
    ("logaddexp", lambda t, a, b: t.logaddexp(a, b)),
    ("logaddexp2", lambda t, a, b: t.logaddexp2(a, b)),
    ("xlogy", lambda t, a, b: t.xlogy(a, b)),
    ("lerp", lambda t, a, b: t.lerp(a, b, 0.25)),
    ("where", lambda t, a, b: t.where(a > b, a, b)),
    ("addcmul", lambda t, a, b: t.addcmul(a, a, b, value=0.5)),
    ("addcdiv", lambda t, a, b: t.addcdiv(a, a, b, value=0.5)),
]
# Not differentiable (floor_divide's output requires grad in PyTorch but has no derivative).
BINARY_VALUES = [
    ("floor_divide", lambda t, a, b: t.floor_divide(a.detach(), b.detach())),
    ("heaviside", lambda t, a, b: t.heaviside(a.detach(), b.detach())),
    ("nextafter", lambda t, a, b: t.nextafter(a.detach(), b.detach())),
    ("comparisons", lambda t, a, b: t.stack([a < b, a <= b, a > b, a >= b, a == b, a != b]).detach()),
]
test_binary = table(BINARY, inputs=(A, B))
test_binary_values = table(BINARY_VALUES, grad=False, inputs=(A, B), pointwise=False)
test_binary_float64 = table(BINARY[:21], inputs=(A.astype(np.float64), B.astype(np.float64)))

# ----- scalar forms: the other operand is a Python number -----
SCALAR = [
    ("pow_half", lambda t, x: x ** 0.5),
    ("pow_zero", lambda t, x: x ** 0),
    ("pow_neg_one", lambda t, x: x ** -1),
    ("pow_neg_two", lambda t, x: x ** -2.0),
    ("pow_third", lambda t, x: x ** (1 / 3)),
    ("pow_nan", lambda t, x: x ** NAN),
    ("pow_inf", lambda t, x: x ** INF),
    ("pow_neg_inf", lambda t, x: x ** -INF),
    ("rpow_one", lambda t, x: 1.0 ** x),
    ("rpow_zero", lambda t, x: 0.0 ** x),
    ("rpow_neg", lambda t, x: (-8.0) ** x),
    ("rpow_two", lambda t, x: 2 ** x),
    ("rdiv_one", lambda t, x: 1.0 / x),
    ("rdiv_zero", lambda t, x: 0.0 / x),
    ("div_zero", lambda t, x: x / 0.0),
    ("div_neg_zero", lambda t, x: x / -0.0),
    ("mul_zero", lambda t, x: x * 0.0),
    ("mul_neg_zero", lambda t, x: x * -0.0),
    ("add_neg_zero", lambda t, x: x + -0.0),
    ("sub_zero", lambda t, x: x - 0.0),
    ("rsub_zero", lambda t, x: 0.0 - x),
    ("mod_zero", lambda t, x: x % 0.0),
    ("mod_inf", lambda t, x: x % INF),
    ("mod_neg_inf", lambda t, x: x % -INF),
    ("fmod_inf", lambda t, x: t.fmod(x, INF)),
    ("fmod_zero", lambda t, x: t.fmod(x, 0.0)),
    ("copysign_neg_zero", lambda t, x: t.copysign(x, -0.0)),
    ("copysign_of_ones", lambda t, x: t.copysign(t.ones_like(x), x)),
    ("atan2_zero", lambda t, x: t.atan2(x, t.zeros_like(x))),
    ("atan2_neg_zero", lambda t, x: t.atan2(x, -t.zeros_like(x))),
    ("atan2_y_zero", lambda t, x: t.atan2(t.zeros_like(x), x)),
    ("atan2_y_neg_zero", lambda t, x: t.atan2(-t.zeros_like(x), x)),
    ("maximum_zero", lambda t, x: t.maximum(x, t.zeros_like(x))),
    ("minimum_neg_zero", lambda t, x: t.minimum(x, -t.zeros_like(x))),
    ("fmax_nan", lambda t, x: t.fmax(x, t.full_like(x, NAN))),
    ("fmin_nan", lambda t, x: t.fmin(x, t.full_like(x, NAN))),
    ("xlogy_zero_x", lambda t, x: t.xlogy(0.0, x)),
    ("xlogy_x_zero", lambda t, x: t.xlogy(x, 0.0)),
    ("special_xlog1py", lambda t, x: t.special.xlog1py(x, x)),
    ("sqrt_of_square", lambda t, x: (x * x).sqrt()),
    ("hypot_zero", lambda t, x: t.hypot(x, t.zeros_like(x))),
    ("exp_of_neg", lambda t, x: (-x).exp()),
]
test_scalar_forms = table(SCALAR)
# PyTorch has no derivative for floor_divide nor for remainder(Number, Tensor).
SCALAR_VALUES = [
    ("floordiv_zero", lambda t, x: x.detach() // 0.0),
    ("floordiv_inf", lambda t, x: x.detach() // INF),
    ("rfloordiv", lambda t, x: 1.0 // x.detach()),
    ("rmod", lambda t, x: 3.0 % x.detach()),
]
test_scalar_values = table(SCALAR_VALUES, grad=False)


# ----- nan_to_num and the predicates (not differentiable) -----
PREDICATES = [
    ("isnan", lambda t, x: t.isnan(x)),
    ("isinf", lambda t, x: t.isinf(x)),
    ("isfinite", lambda t, x: t.isfinite(x)),
    ("isposinf", lambda t, x: t.isposinf(x)),
    ("isneginf", lambda t, x: t.isneginf(x)),
    ("isreal", lambda t, x: t.isreal(x)),
    ("signbit", lambda t, x: t.signbit(x)),
    ("nan_to_num", lambda t, x: t.nan_to_num(x)),
    ("nan_to_num_args", lambda t, x: t.nan_to_num(x, nan=1.5, posinf=2.0, neginf=-3.0)),
    ("nan_to_num_half", lambda t, x: t.nan_to_num(x.half())),
    ("nan_to_num_f64", lambda t, x: t.nan_to_num(x.double())),
    ("nan_to_num_grad", lambda t, x: t.nan_to_num(x * 2.0, nan=7.0)),
    ("eq", lambda t, x: (x == x, x == NAN, x == INF)),
    ("ne", lambda t, x: (x != x, x != NAN, x != -INF)),
    ("lt_le", lambda t, x: (x < INF, x <= NAN, x < -0.0, x <= -0.0)),
    ("gt_ge", lambda t, x: (x > -INF, x >= NAN, x > 0.0, x >= 0.0)),
    ("isclose", lambda t, x: (t.isclose(x, x), t.isclose(x, x, equal_nan=True), t.isclose(x, t.full_like(x, INF)))),
    ("isclose_inf_tol", lambda t, x: t.isclose(x, x.flip(0), rtol=INF, atol=0.0)),
    ("allclose", lambda t, x: (t.allclose(x, x), t.allclose(x, x, equal_nan=True), t.allclose(x[1:3], x[1:3]))),
    ("equal", lambda t, x: (t.equal(x, x), t.equal(x[1:], x[1:]), t.equal(t.tensor([0.0]), t.tensor([-0.0])))),
    ("logical", lambda t, x: (t.logical_not(x), t.logical_and(x, x), x.bool(), x.any(), x[:1].all())),
    ("count_nonzero", lambda t, x: (t.count_nonzero(x), t.nonzero(x))),
    ("eq_zero_signs", lambda t, x: (x == 0, x.eq(-0.0), t.zeros(1) == -t.zeros(1))),
    ("to_half_overflow", lambda t, x: (x * 1e5).half()),
    ("to_bfloat16", lambda t, x: x.bfloat16()),
    ("to_float64", lambda t, x: x.double()),
]
test_predicates = table(PREDICATES, grad=False, pointwise=False)
test_predicates_grad = table([c for c in PREDICATES if c[0] == "nan_to_num_grad"])
