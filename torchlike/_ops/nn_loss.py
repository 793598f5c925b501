"""Loss operators behind torch.nn.functional (reduction is 'mean', 'sum' or 'none')."""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp

from .._engine.grad_name import GradName, not_differentiable
from .. import _dtype as D
from .nn_norm import _safe_norm
from .pointwise import real_abs
from .._engine.op import N, TO, T, check_broadcast, op, traced

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
    # (PyTorch compares batch sizes first; a 0-d target counts as a batch of 0)
    t_batch = target.shape[0] if target.ndim else 0
    if input.ndim > 1 and input.shape[0] != t_batch:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({t_batch}).")
    if input.ndim == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.dtype not in (jnp.int64, jnp.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {D.from_numpy_dtype(target.dtype).legacy}")
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


# (PyTorch's backward is a kernel of the input, which it cannot differentiate)
@op(method=False, function=False, grad_name=GradName(
    takes_inputs=True, no_double=not_differentiable("multilabel_margin_loss_backward", RuntimeError)))
def multilabel_margin_loss(input: T, target: T, reduction="mean"):
    """Each row's targets are the class indices before its first -1; every (target j, non-target i)
    pair adds max(0, 1 - (x[j] - x[i])) / C."""
    if target.dtype != jnp.int64:
        raise RuntimeError(f"expected scalar type Long but found {D.from_numpy_dtype(target.dtype).legacy}")
    if input.dtype not in (jnp.float32, jnp.float64):
        raise NotImplementedError(f"\"multilabel_margin_loss_forward_out_frame\" not implemented for "
                                  f"'{D.from_numpy_dtype(input.dtype).legacy}'")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    loss = _multilabel_margin(x, target.reshape(x.shape))
    if reduction == "none":
        return loss.reshape(()) if input.ndim < 2 else loss
    if reduction == "mean" and x.shape[0] == 0:
        return jnp.zeros((), x.dtype)  # (PyTorch's mean over an empty batch is 0)
    return reduce(loss, reduction)


def _multilabel_margin_rows(x, t):
    n, c = x.shape
    # A position is a target while no -1 came before it in its row.
    live = jnp.cumsum((t < 0).astype(jnp.int32), axis=1) == 0
    safe = jnp.where(live, t, 0)
    is_target = jnp.zeros((n, c), bool).at[jnp.arange(n)[:, None], safe].max(live)
    xt = jnp.take_along_axis(x, safe, axis=1)  # (n, slots): x at each listed target
    z = 1 - xt[:, :, None] + x[:, None, :]  # (n, slots, c)
    z = jnp.where(z > 0, z, 0)
    z = jnp.where(live[:, :, None] & ~is_target[:, None, :], z, 0)
    return (jnp.sum(z, axis=(1, 2)) / c).astype(x.dtype)


@jax.custom_vjp
def _multilabel_margin(x, t):
    return _multilabel_margin_rows(x, t)


def _multilabel_bwd(res, ct):
    x, t = res
    _, vjp = jax.vjp(lambda x: _multilabel_margin_rows(x, t), x)
    return vjp(ct)[0], None


_multilabel_margin.defvjp(lambda x, t: (_multilabel_margin_rows(x, t), (x, t)), _multilabel_bwd)


# ----- CTC: Graves et al.'s alpha/beta recursions in log space over the blank-extended targets -----

def _lse3(a, b, c):
    m = jnp.maximum(jnp.maximum(a, b), c)
    m0 = jnp.where(jnp.isneginf(m), 0, m)
    return jnp.log(jnp.exp(a - m0) + jnp.exp(b - m0) + jnp.exp(c - m0)) + m0


def _shift(a, k, fill):
    """a[..., s - k] (k > 0) or a[..., s + |k|] (k < 0), fill outside."""
    pad = jnp.full(a.shape[:-1] + (abs(k),), fill, a.dtype)
    return jnp.concatenate([pad, a[..., :-k]], -1) if k > 0 else jnp.concatenate([a[..., -k:], pad], -1)


def _ctc_extended(targets, tl, n, blank):
    """The blank-extended label sequences (n, 2S+1) and each row's last valid position 2L."""
    s_max = targets.shape[-1] if targets.ndim == 2 else targets.shape[0]
    if targets.ndim == 1:  # concatenated targets: row b starts after the lengths before it
        offs = jnp.cumsum(tl) - tl
        idx = jnp.clip(offs[:, None] + jnp.arange(s_max)[None, :], 0, max(s_max - 1, 0))
        lab = targets[idx] if s_max else jnp.zeros((n, 0), jnp.int64)
    else:
        lab = targets
    ext = jnp.full((n, 2 * s_max + 1), blank, jnp.int64).at[:, 1::2].set(lab.astype(jnp.int64))
    return ext


def _ctc_parts(lp, targets, il, tl, blank):
    t_max, n, c = lp.shape
    ext = _ctc_extended(targets, tl, n, blank)
    s = jnp.arange(ext.shape[1])[None, :]
    lpe = jnp.take_along_axis(lp, jnp.clip(ext, 0, c - 1)[None], axis=2)  # (T, n, S')
    neg = jnp.asarray(-jnp.inf, lp.dtype)
    allow2 = (ext != _shift(ext, 2, -1)) & (s >= 2)  # (blank positions: ext[s - 2] is a blank too)
    a0 = jnp.where((s == 0) | ((s == 1) & (tl[:, None] > 0)), lpe[0], neg)

    def fwd(a, xs):
        lpe_t, t = xs
        new = _lse3(a, _shift(a, 1, neg), jnp.where(allow2, _shift(a, 2, neg), neg)) + lpe_t
        new = jnp.where(t < il[:, None], new, a)  # past a row's input length its alphas stay put
        return new, new

    last, rest = jax.lax.scan(fwd, a0, (lpe[1:], jnp.arange(1, t_max)))
    alpha = jnp.concatenate([a0[None], rest], 0)
    end = 2 * tl
    l1 = jnp.take_along_axis(last, end[:, None], axis=1)[:, 0]
    l2 = jnp.where(tl > 0, jnp.take_along_axis(last, jnp.maximum(end - 1, 0)[:, None], axis=1)[:, 0], neg)
    m = jnp.maximum(l1, l2)
    m0 = jnp.where(jnp.isneginf(m), 0, m)
    nll = -(jnp.log(jnp.exp(l1 - m0) + jnp.exp(l2 - m0)) + m0)
    return nll, alpha


@functools.partial(jax.custom_vjp, nondiff_argnums=(4, 5))
def _ctc_nll(lp, targets, il, tl, blank, zero_infinity):
    return _ctc_parts(lp, targets, il, tl, blank)[0]


def _ctc_fwd(lp, targets, il, tl, blank, zero_infinity):
    nll, alpha = _ctc_parts(lp, targets, il, tl, blank)
    return nll, (lp, targets, il, tl, nll, alpha)


def _ctc_bwd(blank, zero_infinity, res, g):
    """PyTorch's gradient: exp(lp) minus the state occupancy, i.e. the gradient with respect to the
    logits under a log_softmax (PyTorch's ctc_loss backward returns this, not d nll / d lp)."""
    lp, targets, il, tl, nll, alpha = res
    t_max, n, c = lp.shape
    ext = _ctc_extended(targets, tl, n, blank)
    s = jnp.arange(ext.shape[1])[None, :]
    lpe = jnp.take_along_axis(lp, jnp.clip(ext, 0, c - 1)[None], axis=2)
    neg = jnp.asarray(-jnp.inf, lp.dtype)
    allow2 = ext != _shift(ext, -2, -1)
    end = 2 * tl[:, None]

    def bwd(b, xs):
        lpe_t, t = xs
        init = jnp.where((s == end) | ((s == end - 1) & (end > 0)), lpe_t, neg)
        rec = _lse3(b, _shift(b, -1, neg), jnp.where(allow2, _shift(b, -2, neg), neg)) + lpe_t
        last = il[:, None] - 1
        new = jnp.where(t == last, init, jnp.where(t < last, rec, neg))
        return new, new

    _, beta = jax.lax.scan(bwd, jnp.full(ext.shape, neg), (lpe, jnp.arange(t_max)), reverse=True)
    ab = alpha + beta
    # PyTorch's last step assigns the final label's occupancy over the final blank's rather than adding
    # to it, which shows only when that label is the blank itself.
    lab = jnp.take_along_axis(ext, jnp.maximum(end - 1, 0), axis=1)
    tt = jnp.arange(t_max)[:, None, None]
    ab = jnp.where((tt == il[None, :, None] - 1) & (s[None] == end[None]) & (lab == blank)[None] & (end > 0)[None],
                   neg, ab)
    onehot = (ext[:, :, None] == jnp.arange(c)[None, None, :]) & (s[:, :, None] <= end[:, :, None])
    lcab = jax.scipy.special.logsumexp(jnp.where(onehot[None], ab[..., None], neg), axis=2)
    grad = jnp.exp(lp) - jnp.exp(lcab + nll[None, :, None] - lp)
    live = jnp.arange(t_max)[:, None, None] < il[None, :, None]
    grad = jnp.where(live, grad * g[None, :, None], 0)
    if zero_infinity:
        grad = jnp.where(jnp.isposinf(nll)[None, :, None], 0, grad)
    return grad.astype(lp.dtype), None, None, None


_ctc_nll.defvjp(_ctc_fwd, _ctc_bwd)


@op(method=False, function=False, grad_name=GradName(
    "CtcLossBackward0", takes_inputs=True, no_double=not_differentiable("_ctc_loss_backward", RuntimeError)))
def _ctc_loss(log_probs: T, targets: T, input_lengths: T, target_lengths: T, blank=0, zero_infinity=False):
    """Per-sequence negative log likelihoods (n,) of (T, n, C) log_probs; the caller checks and reduces."""
    if log_probs.dtype not in (jnp.float32, jnp.float64):
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{D.from_numpy_dtype(log_probs.dtype).legacy}'")
    return _ctc_nll(log_probs, targets.astype(jnp.int64), input_lengths.astype(jnp.int64),
                    target_lengths.astype(jnp.int64), blank, zero_infinity)
