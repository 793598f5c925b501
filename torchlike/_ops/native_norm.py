"""The aten normalization kernels PyTorch exposes at the top level (native_layer_norm,
native_batch_norm, _native_batch_norm_legit, native_group_norm): the normalized output together
with the statistics they save for their backward."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .._engine.methods import install
from .._tensor import Tensor
from .nn_norm import _affine, _bn_stats, _update_stat, _channel_shape, _check_normalized_shape, _widened
from .._engine.op import N, TO, T, op

__all__ = ["native_layer_norm", "native_batch_norm", "_native_batch_norm_legit", "native_group_norm"]

sg = jax.lax.stop_gradient


def _stat_dtype(x):
    """PyTorch's CPU batch norm keeps the statistics of a reduced-precision input in float32."""
    return jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype


@op(name="native_layer_norm", method=False, function=False, grad_name="NativeLayerNormBackward0")
def _native_layer_norm(input: T, normalized_shape, weight: TO = None, bias: TO = None, eps: N = 1e-5):
    axes = _check_normalized_shape(input, normalized_shape, weight, bias)
    x = _widened(input)
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    rstd = jax.lax.rsqrt(var + eps)
    y = ((x - mean) * rstd).astype(input.dtype)
    if weight is not None:
        y = y * weight
    y = y + bias if bias is not None else y
    return y, sg(mean.astype(input.dtype)), sg(rstd.astype(input.dtype))


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """Mirrors `torch.native_layer_norm`: (output, mean, rstd), the statistics kept as size-1 dims."""
    out, mean, rstd = _native_layer_norm(input, tuple(normalized_shape), weight, bias, eps)
    return out, mean.detach(), rstd.detach()


def _bn(input, weight, bias, running_mean, running_var, training, eps):
    shape = _channel_shape(input)
    sd = _stat_dtype(input)
    if training:
        axes = (0,) + tuple(range(2, input.ndim))
        x = _widened(input)
        mean, var = _bn_stats(x, axes)
        invstd = jax.lax.rsqrt(var + eps)
        y = ((x - mean.reshape(shape)) * invstd.reshape(shape)).astype(input.dtype)
        n = input.size // input.shape[1]
        unbiased = var * (n / max(n - 1, 1))
        return (_affine(y, weight, bias, shape), sg(mean.astype(sd)), sg(invstd.astype(sd)),
                sg(unbiased.astype(sd)))
    y = (input - running_mean.reshape(shape)) * jax.lax.rsqrt(running_var.reshape(shape) + eps)
    empty = jnp.zeros((0,), sd)
    return _affine(y, weight, bias, shape).astype(input.dtype), empty, empty, empty


@op(name="native_batch_norm", method=False, function=False, grad_name="NativeBatchNormBackward0")
def _native_batch_norm(input: T, weight: TO = None, bias: TO = None, running_mean: TO = None, running_var: TO = None,
                       training=False, eps: N = 1e-5):
    return _bn(input, weight, bias, running_mean, running_var, training, eps)


@op(name="_native_batch_norm_legit", method=False, function=False, grad_name="NativeBatchNormLegitBackward0")
def _legit(input: T, weight: TO = None, bias: TO = None, running_mean: TO = None, running_var: TO = None,
           training=False, eps: N = 1e-5):
    return _bn(input, weight, bias, running_mean, running_var, training, eps)


@op(name="_native_batch_norm_legit_no_stats", method=False, function=False,
    grad_name="NativeBatchNormLegitBackward1")
def _legit_no_stats(input: T, weight: TO = None, bias: TO = None, training=False, eps: N = 1e-5):
    return _bn(input, weight, bias, None, None, training, eps)


def _batch_norm_call(o, input, weight, bias, running_mean, running_var, training, momentum, eps):
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    if running_mean is None and running_var is None:
        out, mean, invstd, var = OPS_NO_STATS(input, weight, bias, training, eps)
    elif training:  # (the running statistics are only written: the backward keeps no reference to them)
        out, mean, invstd, var = o(input, weight, bias, None, None, training, eps)
    else:
        out, mean, invstd, var = o(input, weight, bias, running_mean, running_var, training, eps)
    if training and input.numel():
        _update_stat(running_mean, mean, momentum)
        _update_stat(running_var, var, momentum)
    return out, mean.detach(), invstd.detach()


OPS_NO_STATS = _legit_no_stats


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, *, out=None):
    """Mirrors `torch.native_batch_norm`: (output, save_mean, save_invstd); in training the running
    statistics are updated in place, in evaluation the saved statistics are empty."""
    return _batch_norm_call(_native_batch_norm, input, weight, bias, running_mean, running_var, training, momentum,
                            eps)


def _native_batch_norm_legit(input, weight, bias, *args):
    """Mirrors `torch._native_batch_norm_legit`, with running statistics (running_mean, running_var,
    training, momentum, eps) or without (training, momentum, eps)."""
    if len(args) == 3:
        training, momentum, eps = args
        return _batch_norm_call(_legit, input, weight, bias, None, None, training, momentum, eps)
    running_mean, running_var, training, momentum, eps = args
    return _batch_norm_call(_legit, input, weight, bias, running_mean, running_var, training, momentum, eps)


@op(name="native_group_norm", method=False, function=False, grad_name="NativeGroupNormBackward0")
def _native_group_norm(input: T, weight: TO = None, bias: TO = None, N_=0, C=0, HxW=0, group=1, eps: N = 1e-5):
    n = input.shape[0]
    x = _widened(input).reshape(n, group, -1)
    mean = jnp.mean(x, axis=2, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=2, keepdims=True)
    rstd = jax.lax.rsqrt(var + eps)
    y = ((x - mean) * rstd).reshape(input.shape).astype(input.dtype)
    y = _affine(y, weight, bias, _channel_shape(input))
    return y, mean.reshape(n, group).astype(input.dtype), rstd.reshape(n, group).astype(input.dtype)


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """Mirrors `torch.native_group_norm`: (output, mean, rstd), the statistics of shape (N, group)."""
    if C % group:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={group}")
    return _native_group_norm(input, weight, bias, N, C, HxW, group, eps)


def _rdiv(self, other):
    """Mirrors `Tensor.__rdiv__` (other / self)."""
    if not isinstance(self, Tensor):
        raise TypeError(f"descriptor '__rdiv__' requires a 'torch._C.TensorBase' object but received a "
                        f"'{type(self).__name__}'")
    return self.__rtruediv__(other)


install("__rdiv__", _rdiv)
