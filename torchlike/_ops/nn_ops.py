"""Neural-network operators behind torch.nn.functional: linear maps, activations, softmax.

Activations are written with `jnp.where` on PyTorch's own conditions so that gradients at the
kinks are PyTorch's (a `maximum`/`clip` would split the gradient at ties).
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from .._engine.grad_name import GradName, not_differentiable
from .. import _dtype as D
from .._tensor import Tensor
from .._engine.op import N, TO, T, op, traced

_CTYPE = {"Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char", "Byte": "unsigned char",
          "Float": "float", "Double": "double", "Half": "c10::Half", "BFloat16": "c10::BFloat16", "Bool": "bool"}


def _legacy(a) -> str:
    return D.from_numpy_dtype(a.dtype).legacy


def _linear_grad_name(*arrays) -> str:
    if arrays[0].ndim == 2 and arrays[1].ndim == 2:
        return "AddmmBackward0" if len(arrays) == 3 else "MmBackward0"
    return "ViewBackward0" if arrays[1].ndim == 2 else "MvBackward0"


@op(method=False, function=False, grad_name=GradName.arrays(_linear_grad_name))
def linear(input: T, weight: T, bias: TO = None):
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {input.ndim}D and "
                           f"{weight.ndim}D")
    k = input.shape[-1] if input.ndim else 1
    if weight.ndim == 2 and k != weight.shape[1]:
        rows = math.prod(input.shape[:-1]) if input.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and "
                           f"{weight.shape[1]}x{weight.shape[0]})")
    if input.dtype != weight.dtype:
        a, b = _legacy(input), _legacy(weight)
        if bias is not None:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {a} and {b}")
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_CTYPE.get(a, a)} != "
                           f"{_CTYPE.get(b, b)}")
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_legacy(bias)} and {_legacy(input)}")
    out = jnp.matmul(input, weight.T)
    if bias is not None:
        _check_expands(bias, out.shape)
        out = out + bias
    return out


def _check_expands(bias, target):
    """PyTorch expands the bias to the output's shape: anything else is its expand error."""
    shape = bias.shape
    tail = list(zip(reversed(shape), reversed(target)))
    for i, (have, want) in enumerate(tail):
        if have != want and have != 1:
            raise RuntimeError(f"The expanded size of the tensor ({want}) must match the existing size ({have}) at "
                               f"non-singleton dimension {len(target) - 1 - i}.  Target sizes: {list(target)}.  "
                               f"Tensor sizes: {list(shape)}")
    if len(shape) > len(target):
        raise RuntimeError(f"expand(torch.{_legacy(bias)}Tensor{{{list(shape)}}}, size={list(target)}): the number "
                           f"of sizes provided ({len(target)}) must be greater or equal to the number of dimensions "
                           f"in the tensor ({len(shape)})")


@op(method=False, grad_name="ViewBackward0")
def bilinear(input1: T, input2: T, weight: T, bias: TO = None):
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {input1.shape[0]} and "
                           f"{input2.shape[0]}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {weight.shape[2]}")
    out = jnp.einsum("...i,oij,...j->...o", input1, weight, input2)
    return out + bias if bias is not None else out


# ----- activations -----
@op(method=False, function=False, grad_name="HardtanhBackward0")
def hardtanh(input: T, min_val: N = -1.0, max_val: N = 1.0):
    if not traced(min_val) and not traced(max_val) and max_val < min_val:  # (traced: _hardtanh_check)
        raise ValueError("min_val cannot be greater than max_val")
    lo, hi = jnp.asarray(min_val, input.dtype), jnp.asarray(max_val, input.dtype)
    # At a bound the value is x itself (-0.0 stays -0.0, as in PyTorch) with no gradient.
    edge = jax.lax.stop_gradient(jnp.where(input < lo, lo, jnp.where(input > hi, hi, input)))
    return jnp.where((input <= lo) | (input >= hi), edge, input)


def _hardtanh_check(vals):
    lo, hi = vals["min_val"], vals["max_val"]
    if hi < lo:  # (checked here: in the kernel a float bound is traced)
        raise ValueError("min_val cannot be greater than max_val")


hardtanh.set_check(_hardtanh_check)


@op(method=False, function=False)
def leaky_relu(input: T, negative_slope: N = 0.01):
    return jnp.where(input > 0, input, input * negative_slope)


def _with_derivatives(f, df, d2f):
    """f(x, *p) whose derivative in x is df(x, *p), and df's is d2f(x, *p). At a kink PyTorch's double
    backward picks its side apart from its backward (elu's first derivative at 0 is the negative
    branch's, its second derivative the positive branch's 0), which one `where` cannot express."""
    slope = jax.custom_jvp(df)
    slope.defjvp(lambda primals, tangents: (df(*primals), d2f(*primals) * tangents[0]))
    fun = jax.custom_jvp(f)
    fun.defjvp(lambda primals, tangents: (f(*primals), slope(*primals) * tangents[0]))
    return fun


def _elu_value(x, alpha, scale, input_scale):
    neg = jnp.expm1(jnp.where(x > 0, 0, x) * input_scale) * alpha  # (no overflow in the unselected branch)
    return (jnp.where(x > 0, x, neg) * scale).astype(x.dtype)


def _elu_slope(x, alpha, scale, input_scale):  # PyTorch's elu_backward: x <= 0 is the negative side; NaN is not
    neg = jnp.exp(jnp.where(x > 0, 0, x) * input_scale) * (alpha * scale * input_scale)
    return jnp.where(x <= 0, neg, scale).astype(x.dtype)


def _elu_curve(x, alpha, scale, input_scale):  # its double backward masks with x < 0
    neg = jnp.exp(jnp.where(x < 0, x, 0) * input_scale) * (alpha * scale * input_scale * input_scale)
    return jnp.where(x < 0, neg, 0).astype(x.dtype)


_elu = _with_derivatives(_elu_value, _elu_slope, _elu_curve)


@op(method=False, function=False, saves_inputs=True)
def elu(input: T, alpha: N = 1.0, scale=1.0, input_scale: N = 1.0):
    return _elu(input, alpha, scale, input_scale)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


@op(grad_name="EluBackward0")
def selu(input: T):
    return _elu(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


@op()
def celu(input: T, alpha: N = 1.0):
    if not traced(alpha) and alpha == 0:  # (a traced alpha: _celu_check)
        raise RuntimeError("ZeroDivisionError")
    return _elu(input, alpha, 1.0, 1 / alpha)


def _celu_check(vals):
    if isinstance(vals["alpha"], float) and vals["alpha"] == 0:  # (in the kernel a float alpha is traced)
        raise RuntimeError("ZeroDivisionError")


celu.set_check(_celu_check)


@op(method=False, function=False)
def gelu(input: T, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return jax.nn.gelu(input, approximate=approximate == "tanh")


@op(method=False, function=False)
def silu(input: T):
    return input * jax.nn.sigmoid(input)


@op(method=False, function=False)
def mish(input: T):
    return input * jnp.tanh(jax.nn.softplus(input))


@op(method=False, function=False)
def hardswish(input: T):
    # PyTorch's x * relu6(x + 3) / 6: -inf * 0 is NaN, x <= -3 gives -0.0. Its gradient is 0 up to and
    # at -3 and 1 from 3 on (the kinks take the outer side), so the outer branches include them.
    low = jax.lax.stop_gradient(input) * 0
    mid = jnp.where((input <= -3) | (input >= 3), 0, input)  # (an infinite input would poison the gradient)
    return jnp.where(input <= -3, low, jnp.where(input >= 3, input, mid * (mid + 3) / 6)).astype(input.dtype)


@op(method=False, function=False,
    grad_name=GradName(no_double=not_differentiable("hardsigmoid_backward", RuntimeError)))
def hardsigmoid(input: T):
    # A NaN input stays NaN with no gradient (PyTorch's derivative is 1/6 only inside (-3, 3)).
    out = jnp.where(input <= -3, 0, jnp.where(input >= 3, 1, jax.lax.stop_gradient(input)))
    return jnp.where((input > -3) & (input < 3), input / 6 + 0.5, out).astype(input.dtype)


@op(method=False, function=False)
def softplus(input: T, beta: N = 1.0, threshold: N = 20.0):
    return _softplus(input, beta, threshold)


def _softplus_value(x, beta, threshold):
    z = x * beta
    soft = jnp.log1p(jnp.exp(jnp.where(z > threshold, threshold, z))) / beta
    return jnp.where(z > threshold, x, soft)


def _softplus_slope(x, beta, threshold):  # at z == threshold, the soft branch's sigmoid
    z = x * beta
    return jnp.where(z > threshold, 1, jax.nn.sigmoid(jnp.where(z > threshold, 0, z))).astype(x.dtype)


def _softplus_curve(x, beta, threshold):  # PyTorch's double backward masks with z < threshold
    z = x * beta
    s = jax.nn.sigmoid(jnp.where(z >= threshold, 0, z))  # (a NaN z stays NaN)
    return jnp.where(z >= threshold, 0, s * (1 - s) * beta).astype(x.dtype)


_softplus = _with_derivatives(_softplus_value, _softplus_slope, _softplus_curve)


@op(method=False, function=False, grad_name="DivBackward0", promote="float")
def softsign(input: T):
    return input / (1 + jnp.abs(input))


@op(method=False, function=False, grad_name="LogSigmoidBackward0")
def logsigmoid(input: T):
    # PyTorch's min(x, 0) - log1p(exp(-|x|)): logsigmoid(inf) is +0.0 (JAX's -softplus(-x) gives -0.0).
    # Its derivative at 0 is 1/2: min(x, 0) and |x| are taken from the x >= 0 side there.
    return jnp.where(input < 0, input, 0) - jnp.log1p(jnp.exp(-jnp.where(input < 0, -input, input)))


@op(method=False, function=False, grad_name="SubBackward0", promote="float")
def tanhshrink(input: T):
    return input - jnp.tanh(input)


@op(method=False, function=False)
def softshrink(input: T, lambd: N = 0.5):
    if not jnp.issubdtype(input.dtype, jnp.floating):
        raise RuntimeError(f"\"softshrink_check\" not implemented for '{_legacy(input)}'")
    top = float(jnp.finfo(input.dtype).max)
    if not traced(lambd) and not 0 <= lambd <= top:  # (a traced lambd: _softshrink_check)
        # PyTorch prints both numbers as C++ streams do (6 significant digits)
        raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype {_legacy(input)}, "
                           f"but found {lambd:g}")
    # Tested as PyTorch does, inside [-lambd, lambd] first, so a NaN input stays NaN.
    inside = (input >= -lambd) & (input <= lambd)
    return jnp.where(inside, 0, jnp.where(input > 0, input - lambd, input + lambd)).astype(input.dtype)



def _softshrink_check(vals):
    x, lambd = vals["input"], vals["lambd"]
    if isinstance(lambd, float) and isinstance(x, Tensor) and x.dtype.is_floating_point:
        top = float(jnp.finfo(x.dtype.np).max)  # (in the kernel a float lambd is traced)
        if not 0 <= lambd <= top:
            raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype {x.dtype.legacy}, "
                               f"but found {lambd:g}")


softshrink.set_check(_softshrink_check)

@op()
def hardshrink(input: T, lambd: N = 0.5):
    return jnp.where((input >= -lambd) & (input <= lambd), 0, input).astype(input.dtype)  # NaN stays NaN


@op(method=False)
def threshold(input: T, threshold: N, value: N):
    return jnp.where(input <= threshold, jnp.asarray(value, input.dtype), input)  # NaN stays NaN


@op(method=False, function=False)
def glu(input: T, dim=-1):
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.ndim
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    a, b = jnp.split(input, 2, axis=d)
    return a * jax.nn.sigmoid(b)


@op(grad_name="PreluKernelBackward0", saves_inputs=True)
def prelu(input: T, weight: T):
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    n = weight.size
    if n != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input.shape[1] if input.ndim >= 2 else 1
        if c != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} "
                               f"and channel size = {c}.")
        shape = [1] * input.ndim
        shape[1] = n
        w = weight.reshape(shape)
    else:
        w = weight.reshape(())
    return jnp.where(input > 0, input, w * input)


# ----- softmax family -----
def _softmax_input(input, dim, dtype):
    if dtype is not None:
        input = input.astype(dtype.np)
    elif not jnp.issubdtype(input.dtype, jnp.inexact):
        raise RuntimeError(f'"softmax_lastdim_kernel_impl" not implemented for \'{_legacy(input)}\'')
    n = max(input.ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return input, dim % n if input.ndim else None


@op(saves_output=True)
def softmax(input: T, dim, dtype=None):
    x, axis = _softmax_input(input, dim, dtype)
    return jax.nn.softmax(x, axis=axis) if axis is not None else jnp.ones_like(x)


@op(saves_output=True)
def log_softmax(input: T, dim, dtype=None):
    x, axis = _softmax_input(input, dim, dtype)
    return jax.nn.log_softmax(x, axis=axis) if axis is not None else jnp.zeros_like(x)
