"""Pointwise operators: known answers for values, dtypes, gradients, grad_fn names and errors."""
import math

import numpy as np
import pytest

import torchlike as torch


def vals(t):
    return t.detach().numpy().tolist()


def grad_of(f, *xs):
    ts = [torch.tensor(x, requires_grad=True) for x in xs]
    f(*ts).sum().backward()
    return [vals(t.grad) for t in ts]


def test_int_division_and_scalars_promote_to_float32():
    i = torch.tensor([1, -2, 3])
    assert (i / 2).dtype is torch.float32 and vals(i / 2) == [0.5, -1.0, 1.5]
    assert (i * 2.5).dtype is torch.float32 and vals(i * 2.5) == [2.5, -5.0, 7.5]
    assert (i + 1).dtype is torch.int64
    assert (torch.tensor([1.0]).half() + 1.0).dtype is torch.float16
    assert (torch.tensor([1.0]) + torch.tensor(2.0, dtype=torch.float64)).dtype is torch.float32
    assert (i + torch.tensor(2.0, dtype=torch.float64)).dtype is torch.float64
    b = torch.tensor([True, False])
    assert (b + b).dtype is torch.bool and vals(b + b) == [True, False]
    assert (b ** 2).dtype is torch.int64


def test_integer_rounding_division_and_remainders():
    a, b = torch.tensor([-7, 7, -7, 7]), torch.tensor([2, -2, -2, 2])
    assert vals(a // b) == [-4, -4, 3, 3]
    assert vals(torch.div(a, b, rounding_mode="trunc")) == [-3, -3, 3, 3]
    assert vals(a % b) == [1, -1, -1, 1]  # sign of the divisor
    assert vals(torch.fmod(a, b)) == [-1, 1, -1, 1]  # sign of the dividend
    assert vals(torch.remainder(torch.tensor([-5.5]), 2)) == [0.5]


def test_pow_forms():
    x = torch.tensor([1.0, 2.0, 3.0])
    assert vals(x ** 2) == [1.0, 4.0, 9.0]
    assert vals(2 ** x) == [2.0, 4.0, 8.0]
    assert vals(torch.pow(2, torch.tensor([0, 3]))) == [1, 8]
    assert vals(torch.pow(torch.tensor([-3, -1, 1, 2]), torch.tensor([-1, -3, -2, -1]))) == [0, -1, 1, 0]
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed."):
        torch.tensor([2]) ** -1
    assert torch.float_power(torch.tensor([2]), 2).dtype is torch.float64


def test_integer_division_by_zero_raises():
    for f in (lambda: torch.tensor([1]) // 0, lambda: torch.tensor([1]) % torch.tensor([0]),
              lambda: torch.fmod(torch.tensor([1]), 0)):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            f()
    assert vals(torch.tensor([1]) / 0) == [math.inf]


def test_unary_maths_values():
    x = torch.tensor([0.25, 1.0, 4.0])
    np.testing.assert_allclose(vals(x.sqrt()), [0.5, 1.0, 2.0])
    np.testing.assert_allclose(vals(x.rsqrt()), [2.0, 1.0, 0.5])
    np.testing.assert_allclose(vals(x.log2()), [-2.0, 0.0, 2.0])
    np.testing.assert_allclose(vals(torch.tensor([0.0]).sigmoid()), [0.5])
    np.testing.assert_allclose(vals(torch.tensor([0.5]).logit()), [0.0], atol=1e-7)
    np.testing.assert_allclose(vals(torch.polygamma(1, torch.tensor([1.0]))), [math.pi ** 2 / 6], rtol=1e-6)
    assert vals(torch.tensor([0.0]).digamma()) == [-math.inf]
    assert vals(torch.round(torch.tensor([0.5, 1.5, 2.5, 1234.5]))) == [0.0, 2.0, 2.0, 1234.0]
    np.testing.assert_allclose(vals(torch.round(torch.tensor([1.2345, 1234.5]), decimals=2)), [1.23, 1234.5])
    assert vals(torch.round(torch.tensor([1250.0]), decimals=-2)) == [1200.0]
    assert vals(torch.tensor([-1.5, 1.5]).frac()) == [-0.5, 0.5]


def test_comparisons_and_predicates():
    x = torch.tensor([1.0, float("nan"), math.inf, -0.0])
    assert vals(x == 1) == [True, False, False, False]
    assert vals(x.isnan()) == [False, True, False, False]
    assert vals(x.isposinf()) == [False, False, True, False]
    assert vals(x.signbit()) == [False, False, False, True]
    assert vals(torch.sign(x)) == [1.0, 0.0, 1.0, 0.0]
    assert torch.equal(torch.tensor([1, 2]), torch.tensor([1.0, 2.0])) is True
    assert torch.allclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9])) is True
    assert vals(torch.maximum(torch.tensor([1.0, float("nan")]), torch.tensor([2.0, 0.0])))[0] == 2.0
    assert vals(torch.fmax(torch.tensor([float("nan")]), torch.tensor([2.0]))) == [2.0]


def test_logical_and_bitwise():
    i = torch.tensor([1, -2, 3])
    assert vals(i & 1) == [1, 0, 1] and vals(i | 4) == [5, -2, 7] and vals(~i) == [-2, 1, -4]
    assert vals(i << 2) == [4, -8, 12] and vals(i >> 70) == [0, -1, 0]
    assert vals(torch.logical_xor(torch.tensor([0.0, 2.0]), torch.tensor([1, 1]))) == [True, False]
    with pytest.raises(NotImplementedError, match="not implemented for 'Float'"):
        torch.ones(2) & torch.ones(2)


def test_where_clamp_lerp():
    c = torch.tensor([True, False])
    assert torch.where(c, 2.5, 3).dtype is torch.float32
    assert torch.where(c, 1, 0).dtype is torch.int64
    x = torch.tensor([1.0, 2.0])
    assert vals(x.where(c, -1.0)) == [1.0, -1.0]
    with pytest.raises(RuntimeError, match="boolean tensor"):
        torch.where(torch.tensor([1, 0]), 1.0, 0.0)
    assert vals(torch.clamp(torch.tensor([-2.0, 0.5, 3.0]), 0, 1)) == [0.0, 0.5, 1.0]
    assert vals(torch.clamp(torch.tensor([1.0, 5.0]), 4, 2)) == [2.0, 2.0]  # min > max gives max
    assert torch.clamp(torch.tensor([1, 2]), 0.5).dtype is torch.float32
    assert vals(torch.lerp(torch.tensor([0.0]), torch.tensor([10.0]), 0.25)) == [2.5]


def test_kink_gradients():
    v = [-1.0, 0.0, 1.0, 2.0]
    assert grad_of(torch.abs, v) == [[-1.0, 0.0, 1.0, 1.0]]
    assert grad_of(torch.relu, v) == [[0.0, 0.0, 1.0, 1.0]]
    assert grad_of(lambda x: x.clamp(0, 1), v) == [[0.0, 1.0, 1.0, 0.0]]
    assert grad_of(torch.sqrt, [0.0]) == [[math.inf]]
    assert grad_of(torch.maximum, v, [0.0, 0.0, 1.0, 3.0]) == [[0.0, 0.5, 0.5, 0.0], [1.0, 0.5, 0.5, 1.0]]
    assert grad_of(torch.fmax, [0.0], [0.0]) == [[1.0], [0.0]]
    assert grad_of(lambda x, y: x ** y, [0.0], [0.0]) == [[0.0], [0.0]]


def test_grad_fn_names():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    names = {"MulBackward0": x * 2, "DivBackward0": x / 2, "PowBackward0": x ** 2, "PowBackward2": 2 ** x,
             "PowBackward1": x ** x, "ClampBackward1": torch.clamp(x, 0, 1), "ClampBackward0": torch.clamp(x, x),
             "RsubBackward1": 2 - x, "DivBackward2": torch.div(x, 2, rounding_mode="floor"),
             "RoundBackward1": x.round(decimals=1), "Log1PBackward0": x.log1p(), "AbsBackward0": x.abs()}
    for name, y in names.items():
        assert y.grad_fn.name() == name


def test_broadcast_error_and_inplace_cast_error():
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\) at "
                                           r"non-singleton dimension 1"):
        torch.ones(2, 3) + torch.ones(4)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        torch.tensor([1, 2]).add_(1.5)
    x = torch.tensor([1, 2])
    assert x.add_(3) is x and vals(x) == [4, 5]
