"""Sweep samples for the pointwise operators (torchlike/_ops/pointwise.py and pointwise_math.py):
several shapes including 0-d and empty, broadcasting, int/bool/float64 operands, Python scalars on
either side, in-place variants and out=."""
import numpy as np

from ..harness import rand, randint, randn
from ._base import BINARY_SHAPES, Sample, add, unary


def _s(*inputs, call=None, grad=True, label="", **kw):
    return Sample(tuple(inputs), kw, call=call, grad=grad, label=label)


def _pos(*shape, seed=0, low=0.5, high=2.0, dtype=np.float32):
    return rand(*shape, low=low, high=high, dtype=dtype, seed=seed)


def _ties(*shape, seed=0, dtype=np.float32):
    """Small integers as floats: equal elements across operands (ties, kinks, exact boundaries)."""
    return randint(-2, 3, *shape, seed=seed).astype(dtype)


def _inplace(name, *args, **kw):
    def call(t, x, *rest):
        return getattr(x.clone(), name + "_")(*rest, *args, **kw)
    return call


def _out(name, dtype="float32", **kw):
    def call(t, *xs):
        o = t.empty(0, dtype=getattr(t, dtype))
        r = getattr(t, name)(*xs, out=o, **kw)
        return r, o
    return call


# ----- unary maths -----
UNARY = {  # name: (low, high) of the float inputs, None for the normal distribution; positive ints?
    "exp": None, "exp2": None, "expm1": None, "log": (0.1, 3.0), "log2": (0.1, 3.0), "log10": (0.1, 3.0),
    "log1p": (-0.9, 2.0), "sqrt": (0.1, 3.0), "rsqrt": (0.1, 3.0), "sin": None, "cos": None, "tan": (-1.2, 1.2),
    "asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "atan": None, "sinh": None, "cosh": None, "tanh": None,
    "asinh": None, "acosh": (1.1, 4.0), "atanh": (-0.9, 0.9), "sigmoid": None, "erf": None, "erfc": None,
    "erfinv": (-0.9, 0.9), "lgamma": (0.2, 4.0), "digamma": (0.2, 4.0), "deg2rad": None, "rad2deg": None,
    "sinc": (0.2, 2.5), "i0": None, "logit": (0.05, 0.95), "reciprocal": (0.5, 2.0),
}
POSITIVE_INTS = {"lgamma", "digamma", "log", "log2", "log10", "sqrt", "rsqrt", "acosh", "reciprocal"}

for _name, _range in UNARY.items():
    lo, hi = _range if _range else (None, None)
    ss = unary(low=lo, high=hi)
    x64 = (rand(3, 4, low=lo, high=hi, dtype=np.float64) if _range else randn(3, 4, dtype=np.float64))
    ss.append(_s(x64, label="float64"))
    ints = randint(1, 4, 2, 3) if _name in POSITIVE_INTS or _name in ("asin", "acos", "atanh", "erfinv", "logit") \
        else randint(-3, 4, 2, 3)
    if _name in ("asin", "acos", "atanh", "erfinv", "logit"):
        ints = randint(0, 2, 2, 3)  # only 0 and 1 are in (or at the edge of) the domain
    ss.append(_s(ints, label="int64"))
    ss.append(_s(randint(0, 2, 4).astype(bool), label="bool"))
    xs = rand(2, 3, low=lo, high=hi) if _range else randn(2, 3)
    # PyTorch has no derivative for the in-place asinh_/acosh_/atanh_ (it raises): compare values only.
    ss.append(_s(xs, call=_inplace(_name), grad=_name not in ("asinh", "acosh", "atanh"), label="in-place"))
    ss.append(_s(xs, call=_out(_name), grad=False, label="out="))
    add(_name, *ss)

add("exp", _s(randn(4, dtype=np.float16), label="float16"))
add("sqrt", _s(np.array([0.0, 1.0, 4.0], np.float32), label="sqrt'(0) = inf"))
add("asin", _s(rand(5, low=-0.9, high=0.9), call=lambda t, x: t.arcsin(x), label="arcsin"))
add("acos", _s(rand(5, low=-0.9, high=0.9), call=lambda t, x: x.arccos(), label="arccos"))
add("atan", _s(randn(5), call=lambda t, x: t.arctan(x), label="arctan"))
add("asinh", _s(randn(5), call=lambda t, x: t.arcsinh(x), label="arcsinh"))
add("acosh", _s(rand(5, low=1.1, high=3.0), call=lambda t, x: x.arccosh(), label="arccosh"))
add("atanh", _s(rand(5, low=-0.9, high=0.9), call=lambda t, x: t.arctanh(x), label="arctanh"))
add("logit", _s(rand(3, 4), eps=0.2, label="eps=0.2"),
    _s(np.array([0.2, 0.5, 0.8, 0.1, 0.95], np.float32), call=lambda t, x: t.logit(x, 0.2), label="eps ends"))
add("digamma", _s(np.array([0.0, 1.0, 2.5], np.float32), grad=False, label="pole at 0"))
add("sinc", _s(np.array([0.0, 0.5, -1.5], np.float32), label="sinc(0)"))
# sinc' cancels catastrophically near 0 in float32, in both libraries, each with its own rounding.
add("sinc", Sample((randn(5),), tol=(2e-3, 1e-4), label="float32 near 0"))
add("polygamma", *[_s(_pos(*s), call=lambda t, x, n=n: t.polygamma(n, x), label=f"n={n} {list(s)}")
                   for n, s in [(0, (3,)), (1, (2, 3)), (2, ()), (3, (4,))]],
    _s(_pos(5), call=lambda t, x: x.polygamma(1), label="method"),
    _s(randint(1, 4, 3), call=lambda t, x: t.polygamma(1, x), label="int64"))

# ----- rounding -----
ROUND_X = np.array([[0.5, 1.5, 2.5, -0.5], [-1.7, 2.2, 3.49, -0.0]], np.float32)
for _name in ("floor", "ceil", "trunc", "frac", "round"):
    ss = unary() + [_s(ROUND_X, label="halves"), _s(randn(3, dtype=np.float64), label="float64"),
                    _s(ROUND_X, call=_inplace(_name), label="in-place")]
    if _name != "frac":
        ss.append(_s(randint(-5, 6, 2, 3), label="int64"))
    add(_name, *ss)
add("trunc", _s(ROUND_X, call=lambda t, x: t.fix(x), label="fix"), _s(ROUND_X, call=_inplace("fix"), label="fix_"))
add("round", _s(np.array([1.2345, 12.35, -0.125, 1234.5], np.float32), decimals=2, label="decimals=2"),
    _s(np.array([1234.5, -99.0, 150.0], np.float32), decimals=-2, label="decimals=-2"),
    _s(randn(3, 4, dtype=np.float64), decimals=3, label="float64 decimals=3"))


# ----- arithmetic -----
def _binary(ints=True, scalars=(2.5, 3), shapes=BINARY_SHAPES, positive_other=False, f64=True, grad=True, **kw):
    out = []
    for sa, sb in shapes:
        a, b = randn(*sa, seed=1), randn(*sb, seed=2)
        if positive_other:
            b = np.abs(b) + np.float32(0.5)
        out.append(_s(a, b, grad=grad, label=f"{list(sa)}x{list(sb)}", **kw))
    for s in scalars:
        out.append(_s(randn(3, 2, seed=3), s, grad=grad, label=f"scalar {s!r}", **kw))
    if ints:
        out.append(_s(randint(-4, 5, 3, 2), randint(1, 5, 2, seed=1), grad=grad, label="int64", **kw))
        out.append(_s(randint(-4, 5, 3, 2), 2.5, grad=grad, label="int64 x 2.5", **kw))
    if f64:
        b = np.abs(randn(2)) + 0.5 if positive_other else randn(2)
        out.append(_s(randn(3, 2, dtype=np.float64), b.astype(np.float32), grad=grad, label="f64xf32", **kw))
        out.append(_s(randn(3, 2), np.array(2.0), grad=grad, label="0-d float64 keeps float32", **kw))
    return out


ADD_LIKE = _binary() + [
    _s(randint(0, 2, 4).astype(bool), randint(0, 2, 4, seed=1).astype(bool), label="bool+bool"),
    _s(randn(4).astype(np.float16), 1.0, label="float16 + 1.0 stays float16"),
    _s(randint(-100, 100, 4, dtype=np.int8), 1000, label="int8 + 1000 wraps"),
    _s(randn(3, 4), randn(4, seed=1), alpha=2, label="alpha=2"),
    _s(randint(-4, 5, 3), randint(-4, 5, 3, seed=1), alpha=3, label="int alpha"),
    _s(randn(2, 3), randn(3), call=lambda t, x, y: x.clone().add_(y), label="in-place"),
    _s(randn(2, 3), randn(3), call=lambda t, x, y: t.add(x, y, alpha=0.5, out=t.empty(2, 3)), grad=False,
       label="out="),
]
add("add", *ADD_LIKE, _s(randn(3), call=lambda t, x: 2 + x, label="2 + x"),
    _s(randn(3), call=lambda t, x: x.add(2, alpha=-1.5), label="scalar alpha"),
    _s(randn(2, 3), call=lambda t, x: x.clone().__iadd__(1), label="+="))
add("sub", *[s for s in ADD_LIKE if s.label != "bool+bool"],
    _s(randn(3), call=lambda t, x: 2 - x, label="2 - x"),
    _s(randint(0, 9, 3, dtype=np.uint8), 5, label="uint8 - 5 wraps"),
    _s(randn(3), randn(3, seed=1), call=lambda t, x, y: t.subtract(x, y), label="subtract"))
add("rsub", *_binary(ints=True, scalars=(2, 2.5)),
    _s(randn(3, 2), randn(2), alpha=2, label="alpha"))
add("mul", *_binary(), _s(randint(0, 2, 4).astype(bool), randint(0, 2, 4, seed=1).astype(bool), label="bool*bool"),
    _s(randn(3), call=lambda t, x: 2.5 * x, label="2.5 * x"),
    _s(randn(3), randn(3, seed=1), call=lambda t, x, y: t.multiply(x, y), label="multiply"),
    _s(randn(2, 3), randn(3), call=lambda t, x, y: x.clone().mul_(y), label="in-place"),
    _s(randn(2, 3), call=lambda t, x: x.clone().__imul__(2), label="*="))
add("div", *_binary(positive_other=True),
    _s(randint(-4, 5, 3, 2), randint(1, 5, 3, 2, seed=1), label="int/int -> float"),
    _s(randint(-4, 5, 3), 2, label="int / 2"),
    _s(randint(-4, 5, 3), 0, label="int / 0 -> inf"),
    _s(randn(3), call=lambda t, x: 2 / x, label="2 / x"),
    _s(randn(3), _pos(3), call=lambda t, x, y: t.true_divide(x, y), label="true_divide"),
    _s(randn(3), _pos(3), call=lambda t, x, y: t.divide(x, y), label="divide"),
    _s(randn(2, 3), _pos(3), call=lambda t, x, y: x.clone().div_(y), label="in-place"),
    _s(randn(2, 3), call=lambda t, x: x.clone().__itruediv__(4), label="/="))
_FLOORS = [(randn(3, 4, seed=1) * 3, _pos(4)), (randn(3, 4) * 3, -_pos(4)), (randn(5) * 4, 0.7)]
add("_div_rounding", *[_s(a, b, call=lambda t, x, y, m=m: t.div(x, y, rounding_mode=m), label=f"{m} {i}")
                       for m in ("floor", "trunc") for i, (a, b) in enumerate(_FLOORS)],
    *[_s(randint(-9, 10, 6), randint(1, 4, 6, seed=1) * np.array([1, -1, 1, -1, 1, -1]),
         call=lambda t, x, y, m=m: t.div(x, y, rounding_mode=m), label=f"int {m}") for m in ("floor", "trunc")],
    _s(randn(4), np.array([0.0, 0.0, 1.0, 2.0], np.float32), call=lambda t, x, y: t.div(x, y, rounding_mode="trunc"),
       label="float / 0"),
    _s(randint(-9, 10, 4), call=lambda t, x: x.div(-2, rounding_mode="floor"), label="int scalar"),
    _s(randn(4) * 3, call=lambda t, x: x.clone().div_(2, rounding_mode="floor"), label="in-place"))
add("floor_divide", *_binary(positive_other=True, grad=False),
    _s(np.array([-7, 7, -7, 7]), np.array([2, -2, -2, 2]), grad=False, label="int signs"),
    _s(np.array([-7.0, 7.0, 0.5]), np.array([2.0, -2.0, 0.0]), grad=False, label="float signs, /0"),
    _s(randint(-9, 10, 4), call=lambda t, x: x // 3, grad=False, label="//"),
    _s(randint(-9, 10, 4), call=lambda t, x: 7 // x.abs().clamp(min=1), grad=False, label="7 // x"))
_MODS = [(randn(3, 4) * 5, _pos(4)), (randn(3, 4) * 5, -_pos(4)), (randn(5) * 5, 2.5), (randn(5) * 5, -2)]
for _name in ("remainder", "fmod"):
    add(_name, *[_s(a, b, label=f"{i}") for i, (a, b) in enumerate(_MODS)],
        _s(np.array([-7, 7, -7, 7, 0]), np.array([2, -2, -2, 2, 3]), label="int signs"),
        _s(randint(-9, 10, 2, 3), -4, label="int scalar"),
        _s(np.array(5.5), _pos(3), label="0-d"),
        _s(np.array([5.0, -5.0]), np.array([0.0, 0.0], np.float32), grad=False, label="float by 0 -> nan"),
        _s(randn(2, 3) * 4, call=_inplace(_name, 1.5), label="in-place"))
add("remainder", _s(randn(4) * 5, call=lambda t, x: x % 3, label="%"),
    _s(_pos(4), call=lambda t, x: 5 % x, grad=False, label="5 % x"))

_POW = [(_pos(3, 4), randn(3, 4, seed=1)), (_pos(3, 4), randn(4, seed=1)), (_pos(2, 1, 3), randn(4, 1)),
        (np.array(2.0, np.float32), randn(3)), (_pos(0, 3), randn(3))]
add("pow", *[_s(a, b, label=f"{list(a.shape)}x{list(b.shape)}") for a, b in _POW],
    _s(randn(3, 4), 2, label="x ** 2"), _s(randn(3, 4), 3.0, label="x ** 3.0"), _s(_pos(5), 0.5, label="x ** 0.5"),
    _s(_pos(5), -1.5, label="x ** -1.5"), _s(randn(4), 0, label="x ** 0"),
    _s(np.array([0.0, 0.0, 2.0, -1.0], np.float32), np.array([2.0, 0.0, 0.5, 2.0], np.float32), grad=True,
       label="zero base"),
    _s(randn(4), call=lambda t, x: x ** 2, label="**"), _s(randn(4), call=lambda t, x: 2 ** x, label="2 ** x"),
    _s(randn(4), call=lambda t, x: t.pow(2.5, x), label="pow(2.5, x)"),
    _s(randint(-3, 4, 5), randint(0, 4, 5, seed=1), label="int ** int"), _s(randint(-3, 4, 5), 2, label="int ** 2"),
    _s(randint(-3, 4, 5), 2.5, label="int ** 2.5 -> float"), _s(randint(-3, 4, 5), -1.0, label="int ** -1.0"),
    _s(np.array([-3, -1, 0, 1, 2, -1]), np.array([-1, -2, -1, -3, -2, -3]), label="int ** negative int tensor"),
    _s(randint(0, 2, 4).astype(bool), 2, label="bool ** 2"),
    _s(randint(-3, 4, 5), call=lambda t, x: 2 ** x.abs(), label="2 ** int"),
    _s(randn(4, dtype=np.float64), 2.0, label="float64"),
    _s(randn(2, 3), call=lambda t, x: x.clone().pow_(2), label="in-place"),
    _s(randn(2, 3), call=lambda t, x: x.clone().__ipow__(3), label="**="))
add("float_power", _s(_pos(3, 4), randn(4, seed=1), label="tensors"), _s(randn(3, 4), 2, label="x ^ 2"),
    _s(randint(-3, 4, 5), 2, label="int ^ 2"), _s(randint(1, 4, 5), 2.5, label="int ^ 2.5"),
    _s(randn(3), call=lambda t, x: t.float_power(2, x), label="2 ^ x"),
    _s(randn(3, dtype=np.float64), call=_inplace("float_power", 2), label="in-place float64"))
add("neg", *unary(), _s(randint(-5, 5, 4), label="int64"), _s(randn(3), call=lambda t, x: -x, label="-x"),
    _s(randn(3), call=lambda t, x: t.negative(x), label="negative"), _s(randn(3), call=_inplace("neg"), label="neg_"))
ABS_X = np.array([-1.0, 0.0, 1.0, 2.0, -0.0], np.float32)
add("abs", *unary(), _s(randint(-5, 5, 4), label="int64"), _s(ABS_X, label="abs'(0) = 0"),
    _s(randn(3), call=lambda t, x: abs(x), label="abs()"), _s(randn(3), call=lambda t, x: t.absolute(x), label="absolute"),
    _s(randn(3), call=_inplace("abs"), label="abs_"))
SIGN_X = np.array([-2.0, 0.0, -0.0, np.nan, 3.0, np.inf], np.float32)
add("sign", *unary(), _s(SIGN_X, label="nan, zeros"), _s(randint(-3, 4, 5), label="int64"),
    _s(randint(0, 2, 4).astype(bool), label="bool"), _s(randn(3), call=_inplace("sign"), label="sign_"))
add("sgn", *[_s(*s.inputs, grad=False, label=s.label) for s in unary()], _s(SIGN_X, grad=False, label="nan"),
    _s(randint(-3, 4, 5), label="int64"))
add("reciprocal", _s(randint(-3, 4, 5), label="int64 -> float"))
add("square", *unary(), _s(randint(-3, 4, 5), label="int64"), _s(randint(0, 2, 4).astype(bool), label="bool -> int64"),
    _s(randn(3), call=_inplace("square"), label="square_"))
add("relu", *unary(), _s(ABS_X, label="relu'(0) = 0"), _s(randint(-3, 4, 5), label="int64"),
    _s(randn(3), call=_inplace("relu"), label="relu_"))
for _name in ("sigmoid", "tanh"):
    add(_name, _s(randn(3, 4), call=lambda t, x, n=_name: getattr(t.nn.functional, n)(x), label="functional"))


# ----- comparisons and predicates -----
def _compare_samples(name):
    ss = [_s(_ties(3, 4), _ties(3, 4, seed=1), label="ties"), _s(_ties(3, 4), _ties(4, seed=1), label="broadcast"),
          _s(_ties(3, 4), 1.0, label="scalar"), _s(_ties(3, 4), 1, label="int scalar"),
          _s(randint(-2, 3, 5), _ties(5, seed=2), label="int vs float"), _s(randint(-2, 3, 5), 0.5, label="int vs 0.5"),
          _s(np.array(1.0, np.float32), _ties(4), label="0-d"), _s(_ties(0, 3), _ties(3), label="empty"),
          _s(randint(0, 2, 4).astype(bool), True, label="bool"),
          _s(np.array([np.nan, 1.0, np.inf]), np.array([np.nan, 1.0, np.inf]), label="nan inf"),
          _s(_ties(2, 3), _ties(3, seed=1), call=_inplace(name), label="in-place (result cast back)"),
          _s(_ties(2, 3), _ties(3, seed=1), call=_out(name, "bool"), grad=False, label="out=")]
    return ss


_DUNDER = {"eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__", "ge": "__ge__"}
_ALIAS = {"ne": "not_equal", "lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal"}
for _name in _DUNDER:
    add(_name, *_compare_samples(_name),
        _s(_ties(3, 4), _ties(4, seed=1), call=lambda t, x, y, n=_name: getattr(x, _DUNDER[n])(y), label="dunder"),
        _s(_ties(3), call=lambda t, x, n=_name: getattr(x, _DUNDER[n])(0), label="dunder scalar"))
    if _name in _ALIAS:
        add(_name, _s(_ties(3, 4), _ties(4, seed=1), call=lambda t, x, y, n=_name: getattr(t, _ALIAS[n])(x, y),
                      label=_ALIAS[_name]))
add("lt", _s(_ties(4), call=lambda t, x: 0 < x, label="0 < x (reflected)"))

for _name in ("maximum", "minimum", "fmax", "fmin"):
    add(_name, _s(_ties(3, 4), _ties(3, 4, seed=1), label="ties"), _s(_ties(3, 4), _ties(4, seed=1), label="broadcast"),
        _s(randn(2, 1, 3), randn(4, 1, seed=1), label="broadcast both"),
        _s(np.array(0.0, np.float32), _ties(5), label="0-d"), _s(_ties(0, 3), _ties(3), label="empty"),
        _s(randint(-3, 4, 5), _ties(5), label="int vs float"), _s(randint(-3, 4, 5), randint(-3, 4, 5, seed=1),
                                                                 label="int64"),
        _s(randint(0, 2, 4).astype(bool), randint(0, 2, 4, seed=1).astype(bool), label="bool"),
        _s(np.array([np.nan, 1.0, np.nan, 2.0], np.float32), np.array([0.0, np.nan, np.nan, 3.0], np.float32),
           label="nan"),
        _s(randn(3, dtype=np.float64), randn(3, seed=1), label="float64 x float32"))

ISCLOSE_A = np.array([1.0, 1.0 + 1e-6, 1.0 + 1e-3, np.nan, np.inf, -np.inf, 0.0], np.float32)
ISCLOSE_B = np.array([1.0, 1.0, 1.0, np.nan, np.inf, np.inf, 1e-9], np.float32)
add("isclose", _s(ISCLOSE_A, ISCLOSE_B, grad=False, label="default"),
    _s(ISCLOSE_A, ISCLOSE_B, grad=False, equal_nan=True, label="equal_nan"),
    _s(ISCLOSE_A, ISCLOSE_B, grad=False, rtol=1e-2, atol=0.0, label="rtol"),
    _s(ISCLOSE_A.reshape(7, 1), ISCLOSE_B, grad=False, label="broadcast"),
    _s(randint(0, 3, 5), randint(0, 3, 5, seed=1), grad=False, label="int64"),
    _s(randint(0, 3, 5), randint(0, 3, 5, seed=1), grad=False, atol=1, label="int64 atol=1"),
    _s(ISCLOSE_A, ISCLOSE_B, call=lambda t, x, y: x.isclose(y, 1e-2), grad=False, label="method"))

PRED_X = np.array([[1.0, np.nan, np.inf], [-np.inf, -0.0, 0.0]], np.float32)
for _name in ("isnan", "isinf", "isposinf", "isneginf", "isfinite", "isreal", "signbit"):
    add(_name, _s(PRED_X, label="specials"), _s(PRED_X.astype(np.float64), label="float64"),
        _s(randint(-3, 4, 5), label="int64"), _s(randint(0, 2, 3).astype(bool), label="bool"),
        _s(np.array(np.nan, np.float32), label="0-d"), _s(np.zeros((0, 2), np.float32), label="empty"),
        _s(PRED_X, call=lambda t, x, n=_name: getattr(x, n)(), label="method"))

# ----- logical and bitwise -----
_LOGIC = [(_ties(3, 4), _ties(4, seed=1), "float"), (randint(-1, 2, 5), _ties(5), "int vs float"),
          (randint(0, 2, 4).astype(bool), randint(0, 2, 4, seed=1).astype(bool), "bool"),
          (np.array(0.0, np.float32), _ties(3), "0-d"), (np.zeros((0, 3), np.float32), _ties(3), "empty"),
          (np.array([np.nan, 0.0]), np.array([1.0, np.nan]), "nan is true")]
for _name in ("logical_and", "logical_or", "logical_xor"):
    add(_name, *[_s(a, b, label=lb) for a, b, lb in _LOGIC],
        _s(_ties(2, 3), _ties(3, seed=1), call=_inplace(_name), label="in-place"),
        _s(_ties(2, 3), _ties(3, seed=1), call=_out(_name, "bool"), grad=False, label="out="))
add("logical_not", *[_s(a, label=lb) for a, _, lb in _LOGIC], _s(_ties(2, 3), call=_inplace("logical_not"), label="_"))

_BITS = [(randint(-8, 9, 3, 4), randint(-8, 9, 4, seed=1), "int64"),
         (randint(-8, 9, 5, dtype=np.int32), randint(-8, 9, 5, seed=1, dtype=np.int8), "int32 x int8"),
         (randint(0, 200, 5, dtype=np.uint8), randint(0, 200, 5, seed=1, dtype=np.uint8), "uint8"),
         (randint(-8, 9, 5), 5, "scalar"), (np.array(6), randint(-8, 9, 3), "0-d"),
         (np.zeros((0, 3), np.int64), randint(0, 3, 3), "empty")]
_BOOLS = (randint(0, 2, 4).astype(bool), randint(0, 2, 4, seed=1).astype(bool), "bool")
_DUNDER_BITS = {"bitwise_and": "__and__", "bitwise_or": "__or__", "bitwise_xor": "__xor__",
                "bitwise_left_shift": "__lshift__", "bitwise_right_shift": "__rshift__"}
for _name, _d in _DUNDER_BITS.items():
    shift = "shift" in _name
    pairs = [(a, np.abs(b) % 8 if not isinstance(b, int) else 3, lb) for a, b, lb in _BITS] if shift \
        else _BITS + [_BOOLS, (_BOOLS[0], True, "bool scalar")]
    add(_name, *[_s(a, b, label=lb) for a, b, lb in pairs],
        _s(randint(-8, 9, 5), call=lambda t, x, d=_d: getattr(x, d)(2), label=_d),
        _s(randint(-8, 9, 5), call=lambda t, x, d=_d: getattr(x, "__r" + d[2:])(2), label="reflected"),
        _s(randint(-8, 9, 2, 3), randint(0, 4, 3), call=_inplace(_name), label="in-place"))
add("bitwise_left_shift", _s(randint(-8, 9, 4), np.array([0, 63, 64, 70]), label="shift >= width -> 0"))
add("bitwise_right_shift", _s(np.array([-8, 8, -1, 5]), np.array([1, 63, 64, 70]), label="shift >= width -> sign"))
add("bitwise_not", _s(randint(-8, 9, 3, 4), label="int64"), _s(_BOOLS[0], label="bool"),
    _s(randint(0, 200, 5, dtype=np.uint8), label="uint8"), _s(np.array(5), label="0-d"),
    _s(randint(-8, 9, 4), call=lambda t, x: ~x, label="~"), _s(_BOOLS[0], call=lambda t, x: ~x, label="~bool"),
    _s(randint(-8, 9, 4), call=_inplace("bitwise_not"), label="in-place"))
add("gcd", _s(randint(-12, 13, 3, 4), randint(-12, 13, 4, seed=1), label="int64"), _s(np.array(12), randint(1, 9, 3),
                                                                                       label="0-d"))
add("lcm", _s(randint(-12, 13, 3, 4), randint(-12, 13, 4, seed=1), label="int64"), _s(np.array(12), randint(1, 9, 3),
                                                                                       label="0-d"))

# ----- where, lerp, clamp, addcmul/addcdiv, and friends -----
COND = randn(3, 4, seed=5) > 0
add("where", _s(COND, randn(3, 4), randn(3, 4, seed=1), label="tensors"),
    _s(COND, randn(4), randn(3, 1, seed=1), label="broadcast"),
    _s(COND, randn(3, 4), 0.0, label="scalar other"), _s(COND, 2.5, randn(3, 4), label="scalar input"),
    _s(COND, 2.5, 3, label="two scalars -> float32"), _s(COND, 1, 0, label="int scalars -> int64"),
    _s(COND, randint(-3, 4, 3, 4), randn(3, 4), label="int vs float"),
    _s(COND, randint(-3, 4, 3, 4), 2.5, label="int vs 2.5"),
    _s(COND, randn(3, 4).astype(np.float16), 2.0, label="float16 with scalar"),
    _s(COND, randn(3, 4).astype(np.float16), np.array(2.0), label="float16 with 0-d float64"),
    _s(np.array(True), randn(3), randn(3, seed=1), label="0-d condition"),
    _s(np.zeros((0, 4), bool), randn(4), randn(4, seed=1), label="empty"),
    _s(COND, randn(3, 4), call=lambda t, c, x: x.where(c, -1.0), label="Tensor.where"),
    _s(COND, randn(3, 4), randn(3, 4, seed=1), call=lambda t, c, x, y: t.where(c, x, y, out=t.empty(0)), grad=False,
       label="out="))
add("lerp", _s(randn(3, 4), randn(3, 4, seed=1), 0.3, label="scalar weight"),
    _s(randn(3, 4), randn(4, seed=1), 0.75, label="broadcast, weight >= 0.5"),
    _s(randn(3, 4), randn(3, 4, seed=1), rand(3, 4), label="tensor weight"),
    _s(randn(3, 1), randn(4, seed=1), rand(4), label="tensor weight broadcast"),
    _s(randn(3), randn(3, seed=1), np.array(0.5, np.float32), label="0-d weight"),
    _s(randn(3, dtype=np.float64), randn(3, seed=1, dtype=np.float64), 1.5, label="float64, extrapolate"),
    _s(randn(0, 3), randn(3, seed=1), 0.5, label="empty"),
    _s(randn(2, 3), randn(3, seed=1), call=_inplace("lerp", 0.25), label="in-place"))
CLAMP_X = np.array([[-1.0, 0.0, 0.5], [1.0, 2.0, np.nan]], np.float32)
add("clamp", _s(randn(3, 4), -0.5, 0.5, label="scalars"), _s(CLAMP_X, 0.0, 1.0, label="boundary gradient"),
    _s(randn(3, 4), min=0.0, label="min only"), _s(randn(3, 4), max=0.1, label="max only"),
    _s(randn(3, 4), randn(4, seed=1), randn(3, 1, seed=2) + 1, label="tensor bounds"),
    _s(CLAMP_X[:, :2].copy(), np.zeros((2, 2), np.float32), np.ones((2, 2), np.float32), label="tensor ties"),
    _s(randn(5), 1.0, 0.0, label="min > max"), _s(randn(5), randn(5, seed=1), randn(5, seed=1) - 1, label="min > max t"),
    _s(randint(-5, 6, 5), 0, 2, label="int64"), _s(randint(-5, 6, 5), 0.5, label="int with 0.5 -> float"),
    _s(randint(0, 2, 4).astype(bool), 0, 1, label="bool -> int64"),
    _s(randn(3, 4), np.array(0.0), label="0-d float64 min"), _s(np.array(2.0, np.float32), -1.0, 1.0, label="0-d"),
    _s(np.zeros((0, 3), np.float32), -1.0, 1.0, label="empty"),
    _s(randn(3), call=lambda t, x: t.clip(x, -0.5, 0.5), label="clip"),
    _s(randn(2, 3), call=_inplace("clamp", -0.5, 0.5), label="clamp_"),
    _s(randn(2, 3), call=_inplace("clip", max=0.2), label="clip_"),
    _s(randn(2, 3), call=lambda t, x: t.clamp(x, -0.5, 0.5, out=t.empty(0)), grad=False, label="out="))
for _name, _k in (("clamp_min", "min"), ("clamp_max", "max")):
    add(_name, _s(randn(3, 4), 0.0, label="scalar"), _s(CLAMP_X, 1.0, label="boundary"),
        _s(randn(3, 4), randn(4, seed=1), label="tensor"), _s(randint(-5, 6, 5), 1, label="int64"),
        _s(randn(2, 3), call=_inplace(_name, 0.1), label="in-place"))
for _name in ("addcmul", "addcdiv"):
    add(_name, _s(randn(3, 4), randn(3, 4, seed=1), _pos(3, 4, seed=2), label="tensors"),
        _s(randn(3, 4), randn(4, seed=1), _pos(3, 1, seed=2), value=0.5, label="broadcast value=0.5"),
        _s(randn(3), randn(3, seed=1), _pos(3, seed=2), value=-2, label="value=-2"),
        _s(np.array(1.0, np.float32), randn(3, seed=1), _pos(3, seed=2), label="0-d input"),
        _s(randn(2, 3), randn(3, seed=1), _pos(3, seed=2), call=_inplace(_name, value=2.0), label="in-place"))
add("addcmul", _s(randint(-3, 4, 3), randint(-3, 4, 3, seed=1), randint(-3, 4, 3, seed=2), label="int64"),
    _s(randint(-3, 4, 3), randint(-3, 4, 3, seed=1), randint(-3, 4, 3, seed=2), value=2, label="int64 value=2"))
add("addcdiv", _s(randint(-3, 4, 3), randn(3, seed=1), _pos(3, seed=2), label="int input, float tensors"))
add("heaviside", _s(np.array([-1.5, 0.0, 2.0, 0.0], np.float32), np.array([0.5, 0.5, 0.5, 2.0], np.float32), grad=False,
                    label="floats"),
    _s(randint(-2, 3, 3, 4), randint(0, 3, 4, seed=1), grad=False, label="int64 broadcast"),
    _s(np.array([-1.0, 0.0, 3.0], np.float32), np.array(0.5, np.float32), grad=False, label="0-d values"),
    _s(np.array([-1.0, 0.0, 3.0]), np.array([7.0]), call=_inplace("heaviside"), grad=False, label="in-place"))
add("copysign", *_binary(scalars=(-1.0, 2)),
    _s(np.array([1.0, -2.0, 0.0, 3.0], np.float32), np.array([-1.0, 1.0, -1.0, -0.0], np.float32), label="zeros"),
    _s(randint(-3, 4, 4), randint(-3, 4, 4, seed=1), label="int -> float"),
    _s(randn(2, 3), randn(3, seed=1), call=_inplace("copysign"), label="in-place"))
NAN_X = np.array([[np.nan, np.inf, -np.inf], [1.0, -2.0, 0.5]], np.float32)
add("nan_to_num", _s(NAN_X, label="defaults"), _s(NAN_X, nan=1.0, posinf=2.0, label="nan posinf"),
    _s(NAN_X, 0.0, 9.0, -9.0, label="positional"), _s(NAN_X.astype(np.float64), label="float64"),
    _s(randint(-3, 4, 4), label="int64"), _s(NAN_X, call=_inplace("nan_to_num", neginf=-5.0), label="in-place"))

# ----- two-argument maths -----
add("atan2", *_binary(ints=False, scalars=()), _s(randint(-3, 4, 5), randint(1, 4, 5, seed=1), label="int64"),
    _s(randn(4), randn(4, seed=1), call=lambda t, x, y: t.arctan2(x, y), label="arctan2"),
    _s(randn(2, 3), randn(3, seed=1), call=_inplace("atan2"), label="in-place"))
add("hypot", *_binary(ints=False, scalars=()), _s(randn(2, 3), randn(3, seed=1), call=_inplace("hypot"), label="_"),
    _s(randn(3), randint(-3, 4, 3), label="float x int"))
add("xlogy", *_binary(positive_other=True, scalars=(2.5,)),
    _s(np.array([0.0, 0.0, 1.0, 2.0], np.float32), np.array([0.0, 1.0, 0.5, np.nan], np.float32), label="zeros, nan"),
    _s(randint(-3, 4, 5), randint(1, 4, 5, seed=1), label="int64"),
    _s(_pos(4), call=lambda t, y: t.xlogy(2.0, y), label="scalar input"),
    _s(randn(2, 3), _pos(3), call=_inplace("xlogy"), label="in-place"))
for _name in ("logaddexp", "logaddexp2"):
    # f64=False: a float32 computation compared at float64 tolerance (the 0-d float64 operand's gradient).
    add(_name, *_binary(ints=False, scalars=(), f64=False),
        _s(np.array([-np.inf, 0.0, np.inf, 100.0], np.float32), np.array([1.0, 0.0, 1.0, 100.0], np.float32),
           label="inf and large"))
# Integer exponents are non-negative here: PyTorch's derivative for negative ones is 0 (2 ** -k in integers).
add("ldexp", _s(randn(3, 4), randint(0, 4, 4), label="int exponent"), _s(randn(3), randn(3, seed=1), label="floats"),
    _s(randint(-3, 4, 3), randint(0, 4, 3), label="int64 -> float"),
    _s(randn(2, 3), randint(0, 3, 3), call=_inplace("ldexp"), label="in-place"))
add("nextafter", _s(randn(3, 4), randn(4, seed=1), grad=False, label="float32"),
    _s(randn(3, dtype=np.float64), np.array([np.inf, -np.inf, 0.0]), grad=False, label="float64"))

_CMPS = ("eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater", "greater_equal")
add("_compare_", *[_s(_ties(2, 3), _ties(3, seed=1), call=_inplace(n), label=n + "_") for n in _CMPS],
    _s(_ties(2, 3), call=_inplace("eq", 1.0), label="eq_ scalar"),
    _s(randint(-2, 3, 4), _ties(4), call=_inplace("lt"), grad=False, label="int lt_ float"),
    _s(randint(0, 2, 4).astype(bool), randint(0, 2, 4, seed=1).astype(bool), call=_inplace("ne"), label="bool"))
# x ** 0.5 and x ** -0.5 with a Python-number exponent (PyTorch's sqrt / rsqrt forms of pow)
_ROOTS = np.array([-np.inf, -0.0, 0.0, 0.25, 4.0, np.inf, np.nan, -1.0], np.float32)
add("_pow_root", *[_s(_ROOTS.astype(dt), call=lambda t, x, e=e: x ** e, label=f"{np.dtype(dt).name} ** {e}")
                   for e in (0.5, -0.5) for dt in (np.float32, np.float64)],
    _s(_pos(2, 3), call=lambda t, x: t.pow(x, 0.5), label="torch.pow"),
    _s(_pos(3), call=lambda t, x: x.clone().pow_(-0.5), label="in-place"))
