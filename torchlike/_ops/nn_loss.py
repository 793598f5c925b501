"""Loss operators behind torch.nn.functional (reduction is 'mean', 'sum' or 'none')."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from ._grad_name import GradName
from .. import _dtype as D
from .nn_norm import _safe_norm
from .pointwise import real_abs
from .registry import N, TO, T, check_broadcast, op, traced

_LOG_2PI = math.log(2 * math.pi)


def reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return jnp.sum(loss)
    if reduction == "mean":
        return jnp.mean(loss)
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _float_pair(input, target):
    """Both operands in their promoted dtype (PyTorch promotes a Long target against a Float input)."""
    d = jnp.promote_types(input.dtype, target.dtype)
    if not jnp.issubdtype(d, jnp.inexact):
        d = D.get_default_dtype().np
    return input.astype(d), target.astype(d)


def _broadcast(input, target):
    shape = jnp.broadcast_shapes(input.shape, target.shape)
    return jnp.broadcast_to(input, shape), jnp.broadcast_to(target, shape)


@op(method=False, function=False, promote="same")
def mse_loss(input: T, target: T, reduction="mean"):
    x, t = _broadcast(*_float_pair(input, target))
    return reduce(jnp.square(x - t), reduction)


@op(method=False, function=False, grad_name=GradName("MeanBackward0", backward="MulBackward0"), promote="same")
def l1_loss(input: T, target: T, reduction="mean"):
    x, t = _broadcast(*_float_pair(input, target))
    return reduce(real_abs(x - t), reduction)  # (|d|' is PyTorch's sgn: 0 at 0 and at NaN)


@op(method=False, function=False, promote="same")
def smooth_l1_loss(input: T, target: T, reduction="mean", beta: N = 1.0):
    x, t = _broadcast(*_float_pair(input, target))
    d = real_abs(x - t)  # (PyTorch's gradient at d = 0 is 0 also where beta is 0)
    if not traced(beta) and beta == 0:
        return reduce(d, reduction)
    # A traced beta of 0 selects d - 0 everywhere; its quadratic branch divides by 1 so that its
    # (unselected) gradient stays finite.
    div = jnp.where(beta == 0, 1.0, beta) if traced(beta) else beta
    d = _nan_grad(x - t, d, beta)
    # q: x - t, not d, so that the second derivative at x == t is 1/beta as PyTorch's (|d|'s is 0 there);
    # 0 in the unselected branch, where an infinite d would make the gradient NaN.
    q = jnp.where(d < beta, x - t, 0)
    return reduce(jnp.where(d < beta, 0.5 * q * q / div, d - 0.5 * beta), reduction)


def _nan_grad(diff, d, beta=1.0):
    """d = |diff|, except that where diff is NaN the gradient is NaN too (as PyTorch's smooth_l1 and
    huber give; |x|' would give 0 or +-1 there). A beta of 0 is the l1 loss, whose gradient there is 0."""
    bad = jnp.isnan(diff) & (beta != 0)
    s = jnp.where(bad, diff, 0)  # (an infinite diff must not reach the unselected square's gradient)
    return jnp.where(bad, s * s, d)


@op(method=False, function=False)
def huber_loss(input: T, target: T, reduction="mean", delta: N = 1.0):
    # PyTorch computes huber_loss in the input's dtype whatever the target's.
    x, t = _broadcast(input, target.astype(input.dtype))
    d = _nan_grad(x - t, jnp.abs(x - t))
    q = jnp.where(d < delta, x - t, 0)  # (as smooth_l1_loss's)
    return reduce(jnp.where(d < delta, 0.5 * q * q, delta * (d - 0.5 * delta)), reduction)


@op(method=False, function=False)
def binary_cross_entropy(input: T, target: T, weight: TO = None, reduction="mean"):
    x, t = input, target.astype(input.dtype)
    loss = -(t * jnp.maximum(jnp.log(x), -100) + (1 - t) * jnp.maximum(jnp.log1p(-x), -100))
    if weight is not None:
        loss = loss * weight.astype(loss.dtype)
    return reduce(loss, reduction)


@op(method=False, function=False)
def binary_cross_entropy_with_logits(input: T, target: T, weight: TO = None, pos_weight: TO = None,
                                     reduction="mean"):
    x, t = input, target.astype(input.dtype)
    # PyTorch's (1 - t) x - w log(sigmoid(x)): at x = -inf, t = 1 it is 0 * -inf = NaN, as there.
    if pos_weight is not None:
        lw = 1 + (pos_weight.astype(x.dtype) - 1) * t
        loss = (1 - t) * x - lw * jax.nn.log_sigmoid(x)
    else:
        loss = (1 - t) * x - jax.nn.log_sigmoid(x)
    if weight is not None:
        loss = loss * weight.astype(loss.dtype)
    return reduce(loss, reduction)


def _nll_parts(logp, target, weight, ignore_index):
    """Per-element -w[t] * logp[t] (0 where ignored) and the weights w[t] (0 where ignored)."""
    c_axis = 1 if logp.ndim > 1 else 0
    keep = target != ignore_index
    safe_t = jnp.where(keep, target, 0).astype(jnp.int64)
    picked = jnp.squeeze(jnp.take_along_axis(logp, jnp.expand_dims(safe_t, c_axis), axis=c_axis), c_axis)
    w = jnp.ones_like(picked) if weight is None else jnp.take(weight.astype(logp.dtype), safe_t)
    w = jnp.where(keep, w, 0).astype(logp.dtype)
    return -picked * w, w


def _check_nll(input, target, weight):
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.dtype not in (jnp.int64, jnp.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {D.from_numpy_dtype(target.dtype).legacy}")
    if input.ndim > 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0]}).")
    if input.ndim > 2 and target.shape != input.shape[:1] + input.shape[2:]:
        raise RuntimeError(f"Expected target size {list(input.shape[:1] + input.shape[2:])}, got "
                           f"{list(target.shape)}")
    c = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight is not None and weight.size != c:
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got weight "
                           f"tensor of shape: {list(weight.shape)}")
    if weight is not None and weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {D.from_numpy_dtype(input.dtype).legacy} but found "
                           f"{D.from_numpy_dtype(weight.dtype).legacy}")


def _nll_reduce(loss, w, reduction):
    if reduction == "mean":
        return jnp.sum(loss) / jnp.sum(w)
    return reduce(loss, reduction)


@op(method=False, function=False)
def nll_loss(input: T, target: T, weight: TO = None, ignore_index=-100, reduction="mean"):
    _check_nll(input, target, weight)
    loss, w = _nll_parts(input, target, weight, ignore_index)
    return _nll_reduce(loss, w, reduction)


# (log_softmax and nll_loss fused: the input's gradient comes out of log_softmax's backward kernel)
@op(method=False, function=False, grad_name=GradName("NllLossBackward0", backward="LogSoftmaxBackwardDataBackward0",
                                                     takes_inputs=True))
def _cross_entropy_indices(input: T, target: T, weight: TO = None, ignore_index=-100, reduction="mean",
                           label_smoothing: N = 0):  # (0, an int: the static path without smoothing)
    _check_nll(input, target, weight)
    c_axis = 1 if input.ndim > 1 else 0
    logp = jax.nn.log_softmax(input, axis=c_axis)
    loss, w = _nll_parts(logp, target, weight, ignore_index)
    out = _nll_reduce(loss, w, reduction)
    if not traced(label_smoothing) and label_smoothing == 0:
        return out
    n_classes = input.shape[c_axis]
    if weight is not None:
        shape = [1] * input.ndim
        shape[c_axis] = n_classes
        smooth = -jnp.sum(logp * weight.astype(logp.dtype).reshape(shape), axis=c_axis)
    else:
        smooth = -jnp.sum(logp, axis=c_axis)
    keep = target != ignore_index
    smooth = jnp.where(keep, smooth, 0)
    if reduction == "mean":
        smooth = jnp.sum(smooth) / (jnp.sum(w) if weight is not None else jnp.sum(keep).astype(smooth.dtype))
    else:
        smooth = reduce(smooth, reduction)
    return (1 - label_smoothing) * out + smooth * (label_smoothing / n_classes)


@op(method=False, function=False, grad_name="DivBackward1")
def _cross_entropy_probs(input: T, target: T, weight: TO = None, reduction="mean", label_smoothing: N = 0):
    if not jnp.issubdtype(target.dtype, jnp.inexact):
        raise RuntimeError("Expected floating point type for target with class probabilities, got "
                           f"{D.from_numpy_dtype(target.dtype).legacy}")
    c_axis = 1 if input.ndim > 1 else 0
    n_classes = input.shape[c_axis]
    logp = jax.nn.log_softmax(input, axis=c_axis)
    t = target.astype(logp.dtype)
    if traced(label_smoothing) or label_smoothing > 0:
        t = t * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * t
    if weight is not None:
        shape = [1] * input.ndim
        shape[c_axis] = n_classes
        prod = prod * weight.astype(logp.dtype).reshape(shape)
    if reduction == "mean":
        return -jnp.sum(prod) / (input.size / n_classes) if input.size else -jnp.sum(prod) / 0.0
    if reduction == "sum":
        return -jnp.sum(prod)
    if reduction == "none":
        return -jnp.sum(prod, axis=c_axis)
    raise ValueError(f"{reduction} is not a valid value for reduction")


@op(method=False, function=False, grad_name="DivBackward0", promote="same")
def kl_div(input: T, target: T, reduction="mean", log_target=False):
    x, t = _float_pair(input, target)
    if log_target:
        loss = jnp.exp(t) * (t - x)
    else:
        loss = jax.scipy.special.xlogy(t, t) - t * x
    if reduction == "batchmean":
        return jnp.sum(loss) / (x.shape[0] if x.ndim else 1)
    return reduce(loss, reduction)


@op(method=False, function=False, grad_name="MeanBackward0", promote="float")
def cosine_embedding_loss(input1: T, input2: T, target: T, margin: N = 0.0, reduction="mean"):
    if input1.ndim != input2.ndim or input1.shape != input2.shape:
        raise RuntimeError(f"cosine_embedding_loss : All input tensors should have same dimension but got "
                           f"{input1.ndim}D and {input2.ndim}D")
    d = input1.ndim - 1
    prod = jnp.sum(input1 * input2, axis=d)
    m1 = jnp.sum(input1 * input1, axis=d) + 1e-12
    m2 = jnp.sum(input2 * input2, axis=d) + 1e-12
    cos = prod / jnp.sqrt(m1 * m2)
    neg = cos - margin
    out = jnp.where(target == 1, 1 - cos, 0) + jnp.where(target == -1, jnp.where(neg > 0, neg, 0), 0)
    return reduce(out.astype(input1.dtype), reduction)


@op(method=False, function=False, grad_name="MeanBackward0", promote="float")
def margin_ranking_loss(input1: T, input2: T, target: T, margin: N = 0.0, reduction="mean"):
    v = -target.astype(input1.dtype) * (input1 - input2) + margin
    return reduce(jnp.where(v > 0, v, 0).astype(v.dtype), reduction)


@op(method=False, function=False, grad_name="MeanBackward0")
def hinge_embedding_loss(input: T, target: T, margin: N = 1.0, reduction="mean"):
    m = margin - input
    out = jnp.where(target != 1, jnp.where(m > 0, m, 0), 0) + jnp.where(target != -1, input, 0)
    return reduce(out.astype(input.dtype), reduction)


@op(method=False, function=False)
def soft_margin_loss(input: T, target: T, reduction="mean"):
    check_broadcast([input.shape, target.shape])  # PyTorch's -input * target names them in this order
    return reduce(jnp.log1p(jnp.exp(-target.astype(input.dtype) * input)), reduction)


@op(method=False, function=False, grad_name="MeanBackward0")
def multilabel_soft_margin_loss(input: T, target: T, weight: TO = None, reduction="mean"):
    t = target.astype(input.dtype)
    loss = -(t * jax.nn.log_sigmoid(input) + (1 - t) * jax.nn.log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight.astype(loss.dtype)
    loss = jnp.sum(loss, axis=input.ndim - 1) / input.shape[-1]
    return reduce(loss, reduction)


@op(method=False, function=False)
def multi_margin_loss(input: T, target: T, p=1, margin: N = 1.0, weight: TO = None, reduction="mean"):
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.ndim > 1 else input.reshape(1, -1)  # a 0-d or 1-d input is one sample
    t = target.reshape(-1).astype(jnp.int64)
    c = x.shape[1]
    xy = jnp.take_along_axis(x, t[:, None], axis=1)
    z = margin - xy + x
    z = jnp.where(z > 0, z, 0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * jnp.take(weight.astype(x.dtype), t)[:, None]
    z = jnp.where(jnp.arange(c, dtype=jnp.int64)[None, :] == t[:, None], 0, z)
    loss = (jnp.sum(z, axis=1) / c).astype(x.dtype)
    if input.ndim <= 1 and reduction == "none":
        loss = loss.reshape(target.shape)
    return reduce(loss, reduction)


@op(method=False, function=False, grad_name="MeanBackward0", promote="float")
def triplet_margin_loss(anchor: T, positive: T, negative: T, margin: N = 1.0, p=2.0, eps: N = 1e-6, swap=False,
                        reduction="mean"):
    if not (anchor.ndim == positive.ndim == negative.ndim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative "
                           f"{negative.ndim}D inputs")
    d = anchor.ndim - 1

    def dist(a, b):
        return _safe_norm(a - b + eps, p, d)
    d_pos, d_neg = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_neg = jnp.minimum(d_neg, dist(positive, negative))
    v = margin + d_pos - d_neg
    return reduce(jnp.where(v > 0, v, 0).astype(v.dtype), reduction)


@op(method=False, function=False, grad_name="MeanBackward0", promote="same")
def poisson_nll_loss(input: T, target: T, log_input=True, full=False, eps=1e-8, reduction="mean"):
    check_broadcast([target.shape, input.shape])  # PyTorch's target * input names them in this order
    x, t = _float_pair(input, target)
    loss = jnp.exp(x) - t * x if log_input else x - t * jnp.log(x + eps)
    if full:
        safe = jnp.where(t > 1, t, 2)
        stirling = safe * jnp.log(safe) - safe + 0.5 * jnp.log(2 * math.pi * safe)
        loss = loss + jnp.where(t > 1, stirling, 0).astype(loss.dtype)
    return reduce(loss, reduction)


@op(method=False, function=False, grad_name="MeanBackward0")
def gaussian_nll_loss(input: T, target: T, var: T, full=False, eps=1e-6, reduction="mean"):
    # (var's shape is checked by the caller: input's, input's less the last dimension, or one of size 1)
    v = var[..., None] if var.ndim == input.ndim - 1 else var
    check_broadcast([input.shape, target.shape])
    # PyTorch clamps var in place under no_grad: the clamp does not change the gradient's path.
    v = v + jax.lax.stop_gradient(jnp.maximum(v, eps) - v)
    loss = 0.5 * (jnp.log(v) + jnp.square(input - target) / v)
    if full:
        loss = loss + 0.5 * _LOG_2PI
    return reduce(loss, reduction)
