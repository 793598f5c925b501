"""Normalization, embedding, distance and dropout-mask operators behind torch.nn.functional."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .._tensor import Tensor
from .._engine.grad_name import GradName, not_differentiable
from .._engine.op import N, TO, T, op
from .._engine.op import check_broadcast
from .shape import wrap_dim

sg = jax.lax.stop_gradient


def _safe_norm(x, p, axis, keepdims=False):
    """The p-norm whose gradient at a zero vector is 0, as PyTorch's norm backward defines it
    (jax's sqrt'(0) would give nan)."""
    if p == 2:
        s = jnp.sum(x * x, axis=axis, keepdims=keepdims)
        pos = s != 0  # (not s > 0: a NaN norm stays NaN)
        return jnp.where(pos, jnp.sqrt(jnp.where(pos, s, 1)), 0).astype(x.dtype)
    if p == float("inf"):
        return jnp.max(jnp.abs(x), axis=axis, keepdims=keepdims)
    if p == 0:
        return jnp.sum((x != 0).astype(x.dtype), axis=axis, keepdims=keepdims)
    if p == 1:
        return jnp.sum(jnp.abs(x), axis=axis, keepdims=keepdims)
    a = jnp.abs(x)
    s = jnp.sum(jnp.where(a != 0, jnp.where(a != 0, a, 1) ** p, 0), axis=axis, keepdims=keepdims)
    pos = s != 0
    return jnp.where(pos, jnp.where(pos, s, 1) ** (1.0 / p), 0).astype(x.dtype)


# ----- batch / instance / layer / group / RMS norm -----
def _widened(x):
    """PyTorch's CPU kernels accumulate float32 normalization statistics in double. On the CPU the
    statistics and the normalization run in float64 here too: an input with a large mean relative to
    its spread would otherwise lose digits to cancellation (results are cast back)."""
    if x.dtype == jnp.float32 and jax.config.jax_enable_x64 and jax.default_backend() == "cpu":
        return x.astype(jnp.float64)
    return x


def _bn_stats(x, axes):
    mean = jnp.mean(x, axis=axes)
    var = jnp.mean(jnp.square(x - jnp.expand_dims(mean, axes)), axis=axes)
    return mean, var


def _channel_shape(x):
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _affine(y, weight, bias, shape):
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


@op(method=False, function=False, grad_name="NativeBatchNormBackward0")
def _batch_norm_train(input: T, weight: TO = None, bias: TO = None, eps: N = 1e-5):
    """Normalize with batch statistics; also returns the batch mean and unbiased variance (no gradient)."""
    axes = (0,) + tuple(range(2, input.ndim))
    x = _widened(input)
    mean, var = _bn_stats(x, axes)
    shape = _channel_shape(input)
    y = ((x - mean.reshape(shape)) * jax.lax.rsqrt(var.reshape(shape) + eps)).astype(input.dtype)
    n = input.size // input.shape[1]
    unbiased = var * (n / max(n - 1, 1))
    return _affine(y, weight, bias, shape), sg(mean.astype(input.dtype)), sg(unbiased.astype(input.dtype))


@op(method=False, function=False, grad_name="NativeBatchNormBackward0")
def _batch_norm_eval(input: T, running_mean: T, running_var: T, weight: TO = None, bias: TO = None, eps: N = 1e-5):
    shape = _channel_shape(input)
    y = (input - running_mean.reshape(shape)) * jax.lax.rsqrt(running_var.reshape(shape) + eps)
    return _affine(y, weight, bias, shape)


# (PyTorch's instance norm is its batch-norm kernel on a reshaped input: that kernel's backward)
@op(method=False, function=False, grad_name=GradName("ViewBackward0", takes_inputs=True))
def _instance_norm_train(input: T, weight: TO = None, bias: TO = None, eps: N = 1e-5):
    """Per-(sample, channel) statistics; also returns their batch averages (mean, unbiased variance)."""
    axes = tuple(range(2, input.ndim))
    x = _widened(input)
    mean, var = _bn_stats(x, axes)
    full = mean.shape + (1,) * len(axes)
    y = ((x - mean.reshape(full)) * jax.lax.rsqrt(var.reshape(full) + eps)).astype(input.dtype)
    y = _affine(y, weight, bias, _channel_shape(input))
    n = math.prod(input.shape[2:])
    running_var = jnp.mean(var, 0) * (n / max(n - 1, 1))
    return y, sg(jnp.mean(mean, 0).astype(input.dtype)), sg(running_var.astype(input.dtype))


def _check_normalized_shape(input, normalized_shape, weight=None, bias=None):
    ns = tuple(normalized_shape)
    if not ns:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != ns:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(ns)}")
    if input.shape[input.ndim - len(ns):] != ns or len(ns) > input.ndim:
        shape = ", ".join(str(s) for s in ns)
        raise RuntimeError(f"Given normalized_shape=[{shape}], expected input with shape [*, {shape}], but got "
                           f"input of size{list(input.shape)}")
    return tuple(range(input.ndim - len(ns), input.ndim))


@op(method=False, grad_name="NativeLayerNormBackward0")
def layer_norm(input: T, normalized_shape, weight: TO = None, bias: TO = None, eps: N = 1e-5, cudnn_enable=True):
    axes = _check_normalized_shape(input, normalized_shape, weight, bias)
    x = _widened(input)
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    y = ((x - mean) * jax.lax.rsqrt(var + eps)).astype(input.dtype)
    if weight is not None:
        y = y * weight
    return y + bias if bias is not None else y


@op(method=False, grad_name="MulBackward0")
def rms_norm(input: T, normalized_shape, weight: TO = None, eps: N = None):
    axes = _check_normalized_shape(input, normalized_shape, weight)
    e = float(jnp.finfo(input.dtype).eps) if eps is None else eps
    y = input * jax.lax.rsqrt(jnp.mean(jnp.square(input), axis=axes, keepdims=True) + e)
    return y * weight if weight is not None else y


@op(method=False, grad_name="NativeGroupNormBackward0")
def group_norm(input: T, num_groups, weight: TO = None, bias: TO = None, eps: N = 1e-5, cudnn_enabled=True):
    n, c = input.shape[0], input.shape[1] if input.ndim > 1 else 1
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for name, v in (("weight", weight), ("bias", bias)):
        if v is not None and (v.ndim != 1 or v.shape[0] != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(v.shape)} and input of shape {list(input.shape)}")
    x = _widened(input).reshape(n, num_groups, -1)
    mean = jnp.mean(x, axis=2, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=2, keepdims=True)
    y = ((x - mean) * jax.lax.rsqrt(var + eps)).reshape(input.shape).astype(input.dtype)
    return _affine(y, weight, bias, _channel_shape(input))


@op(method=False, function=False, grad_name="DivBackward0", promote="float")
def local_response_norm(input: T, size, alpha: N = 1e-4, beta: N = 0.75, k: N = 1.0):
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)")
    if input.size == 0:
        return input
    sq = jnp.square(input)
    c = input.shape[1]
    pad = [(0, 0)] * input.ndim
    pad[1] = (size // 2, (size - 1) // 2)
    padded = jnp.pad(sq, pad)
    win = sum(jax.lax.slice_in_dim(padded, i, i + c, axis=1) for i in range(size)) / size
    return input / (win * alpha + k) ** beta


@op(method=False, function=False, grad_name="DivBackward0")
def normalize(input: T, p=2.0, dim=1, eps=1e-12):
    dim = wrap_dim(dim, input.ndim)  # PyTorch's IndexError for a dim out of range
    n = _safe_norm(input, p, dim if input.ndim else None, keepdims=True)
    return input / jnp.maximum(n, eps).astype(input.dtype)


# ----- embeddings -----
def _check_indices(indices, name="embedding"):
    if not jnp.issubdtype(indices.dtype, jnp.integer):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{'FloatTensor' if indices.dtype == jnp.float32 else 'DoubleTensor'}"
                           f" instead (while checking arguments for {name})")


@op(method=False)
def embedding(weight: T, indices: T, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    _check_indices(indices)
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    out = jnp.take(weight, indices.astype(jnp.int64), axis=0)
    keep = jnp.ones(indices.shape, bool)
    if padding_idx is not None and padding_idx >= 0:
        keep = indices != padding_idx
    if scale_grad_by_freq:
        counts = jnp.zeros(weight.shape[0], weight.dtype).at[indices.ravel()].add(1)
        scale = (1 / counts[indices])[..., None]
        out = sg(out) + (out - sg(out)) * scale
    return jnp.where(keep[..., None], out, sg(out))


@op(method=False, function=False, grad_name="EmbeddingBagBackward0")
def _embedding_bag(weight: T, indices: T, offsets: T, per_sample_weights: TO = None, mode="mean", include_last_offset=False,
                   padding_idx=None):
    """Bags of indices[offsets[b]:offsets[b+1]] reduced by sum, mean or max (empty bags give 0)."""
    _check_indices(indices, "embedding_bag")
    n = indices.shape[0]
    nbags = offsets.shape[0] - (1 if include_last_offset else 0)
    pos = jnp.arange(n, dtype=jnp.int64)
    seg = jnp.searchsorted(offsets.astype(jnp.int64), pos, side="right") - 1
    if include_last_offset:
        seg = jnp.where(pos >= offsets[-1], nbags, seg)
    rows = jnp.take(weight, indices.astype(jnp.int64), axis=0)
    keep = jnp.ones((n,), bool) if padding_idx is None else indices != padding_idx
    if per_sample_weights is not None:
        rows = rows * per_sample_weights[:, None]
    seg = jnp.where(keep, seg, nbags)  # dropped entries go to a spare bag
    if mode == "max":
        out = jax.ops.segment_max(rows, seg, num_segments=nbags + 1)[:nbags]
        counts = jax.ops.segment_sum(jnp.ones((n,), weight.dtype), seg, num_segments=nbags + 1)[:nbags]
        return jnp.where(counts[:, None] > 0, out, 0).astype(weight.dtype)
    out = jax.ops.segment_sum(rows, seg, num_segments=nbags + 1)[:nbags]
    if mode == "mean":
        counts = jax.ops.segment_sum(jnp.ones((n,), weight.dtype), seg, num_segments=nbags + 1)[:nbags]
        out = out / jnp.maximum(counts, 1)[:, None]
    return out


@op(method=False, function=False, differentiable=False)
def _one_hot(input: T, num_classes):
    return (input[..., None] == jnp.arange(num_classes, dtype=input.dtype)).astype(jnp.int64)


# ----- distances -----
@op(method=False, grad_name="SumBackward1")
def cosine_similarity(x1: T, x2: T, dim=1, eps=1e-8):
    check_broadcast([x1.shape, x2.shape])  # PyTorch's message, not JAX's
    shape = jnp.broadcast_shapes(x1.shape, x2.shape)
    a, b = jnp.broadcast_to(x1, shape), jnp.broadcast_to(x2, shape)
    d = dim % max(len(shape), 1)
    na = jnp.maximum(_safe_norm(a, 2, d, keepdims=True), eps).astype(a.dtype)
    nb = jnp.maximum(_safe_norm(b, 2, d, keepdims=True), eps).astype(b.dtype)
    return jnp.sum((a / na) * (b / nb), axis=d)


@op(method=False, grad_name="NormBackward1", promote="float")
def pairwise_distance(x1: T, x2: T, p=2.0, eps=1e-6, keepdim=False):
    nd = max(x1.ndim, x2.ndim)
    diff = x1 - x2 + eps
    if nd == 0:
        return jnp.abs(diff)
    return _safe_norm(diff, p, nd - 1, keepdims=keepdim)


@op(method=False, grad_name=GradName(no_double=not_differentiable("_pdist_backward")))
def pdist(input: T, p=2.0):
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    i, j = np.triu_indices(input.shape[0], k=1)
    return _safe_norm(input[i] - input[j], p, 1)


@op(method=False, function=False, grad_name="MulBackward0")
def _masked_scale(input: T, mask: T, scale: N):
    return input * mask.astype(input.dtype) * jnp.asarray(scale, input.dtype)


@op(method=False, function=False, grad_name="RreluWithNoiseBackward0")
def _rrelu_with_noise(input: T, noise: T):
    """rrelu given its slopes: noise is 1 where input > 0 and the negative slope elsewhere (drawn per
    element in training, (lower + upper) / 2 in eval); the gradient is the noise, as PyTorch's."""
    return input * noise.astype(input.dtype)


# ----- running statistics -----
@jax.jit
def _ema(running, stat, momentum):
    return ((1 - momentum) * running + momentum * stat.astype(running.dtype)).astype(running.dtype)


def _update_stat(buf: Tensor | None, stat: Tensor, momentum: float) -> None:
    """running = (1 - momentum) * running + momentum * stat, in place (the buffer's version moves on)."""
    if buf is not None:
        buf._write(_ema(buf._data, stat._data, momentum))
