"""torch.nn.functional losses: argument handling, PyTorch's warnings and value checks around the
loss operators of torchlike/_ops/nn_loss.py."""
from __future__ import annotations

import math
import warnings

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._ops import nn_loss as _L
from .._tensor import Tensor, concrete


def _legacy_reduction(size_average, reduce, reduction: str, stacklevel: int = 3) -> str:
    """PyTorch's mapping of the deprecated size_average/reduce arguments onto reduction."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{_legacy_string(size_average, reduce)}' instead.", stacklevel=stacklevel)
    return _legacy_string(size_average, reduce)


def _legacy_string(size_average, reduce) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def _check_reduction(reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _warn_size(input: Tensor, target: Tensor, stacklevel: int = 3) -> None:
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=stacklevel)


def _pointwise_loss(op, input: Tensor, target: Tensor, size_average, reduce, reduction: str,
                    weight: Tensor | None) -> Tensor:
    # mse_loss's and l1_loss's common body (their warnings name their caller's line)
    _warn_size(input, target, stacklevel=4)
    reduction = _legacy_reduction(size_average, reduce, reduction, stacklevel=4)
    _check_reduction(reduction)
    if weight is not None:
        return _weighted(op(input, target, "none"), weight, reduction)
    return op(input, target, reduction)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mirrors `torch.nn.functional.mse_loss` (broadcasts a differently-sized target, with PyTorch's warning)."""
    return _pointwise_loss(_L.mse_loss, input, target, size_average, reduce, reduction, weight)


def _weighted(loss: Tensor, weight: Tensor, reduction: str) -> Tensor:
    loss = loss * weight
    return loss if reduction == "none" else (loss.sum() if reduction == "sum" else loss.mean())


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    return _pointwise_loss(_L.l1_loss, input, target, size_average, reduce, reduction, weight)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    _warn_size(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _L.smooth_l1_loss(input, target, reduction, float(beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError("Weights and input must have the same size.")
        return _weighted(_L.huber_loss(input, target, "none", float(delta)), weight, reduction)
    return _L.huber_loss(input, target, reduction, float(delta))


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         "is deprecated. Please ensure they have the same size.")
    _check_reduction(reduction)
    d = input._data
    if d.size and concrete(d) and bool(jnp.any((d < 0) | (d > 1))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if weight is not None and tuple(weight.shape) != tuple(input.shape):
        weight = weight.expand(input.shape)
    return _L.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    _check_reduction(reduction)
    return _L.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)


_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.uint8))


def _check_targets(input: Tensor, target: Tensor, ignore_index: int) -> None:
    """PyTorch's value check on class indices: "Target 5 is out of bounds.".

    Done on the host with numpy: targets are usually a batch fresh from the data pipeline, ready
    at once, so reading them waits for nothing else (device ops would queue behind the forward)."""
    shape = input._meta.shape
    t = target._data
    if t.dtype not in _INDEX_DTYPES or not shape or t.size == 0 or not concrete(t):
        return
    c = shape[1] if len(shape) > 1 else shape[0]
    h = np.asarray(t)
    if 0 <= h.min() and h.max() < c:
        return
    bad = ((h < 0) | (h >= c)) & (h != ignore_index)
    if bad.any():
        raise IndexError(f"Target {int(h.ravel()[np.argmax(bad.ravel())])} is out of bounds.")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Mirrors `torch.nn.functional.nll_loss`."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _check_targets(input, target, ignore_index)
    return _L.nll_loss(input, target, weight, ignore_index, reduction)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Mirrors `torch.nn.functional.cross_entropy`: class-index targets, or class probabilities when the
    target has the input's shape."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if tuple(input.shape) == tuple(target.shape):
        if ignore_index >= 0 and target.dtype.is_floating_point:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _L._cross_entropy_probs(input, target, weight, reduction, float(label_smoothing) or 0)
    _check_targets(input, target, ignore_index)
    # (0, not 0.0: no smoothing is the ops' static path; any other value is a traced kernel input)
    return _L._cross_entropy_indices(input, target, weight, ignore_index, reduction, float(label_smoothing) or 0)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _L.kl_div(input, target, reduction, log_target)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average=None,
                          reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _L.cosine_embedding_loss(input1, input2, target, float(margin), reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _L.margin_ranking_loss(input1, input2, target, float(margin), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _L.hinge_embedding_loss(input, target, float(margin), reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _L.soft_margin_loss(input, target, reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _L.multilabel_soft_margin_loss(input, target, weight, reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    _check_multi_margin(input, target, weight)
    return _L.multi_margin_loss(input, target, p, float(margin), weight, reduction)


def _legacy_name(t: Tensor) -> str:
    return D.from_numpy_dtype(t._data.dtype).legacy


def _check_multi_margin(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    """PyTorch's shape, dtype and range checks of multi_margin_loss (a 0-d or 1-d input is one sample)."""
    shape = tuple(input.shape)
    if not (len(shape) == 0 or (len(shape) in (1, 2) and shape[-1] != 0)):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(shape)}")
    nframe = shape[0] if len(shape) == 2 else 1
    dim = shape[-1] if shape else 1
    if target.ndim > 1 or target.numel() != nframe:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{nframe}], but got {list(target.shape)}. "
                           f"Input has shape {list(shape)}.")
    if weight is not None and weight.numel() != dim:
        raise RuntimeError(f"inconsistent weight size, expected {dim} but got {list(weight.shape)}")
    if target.dtype != D.int64:
        raise RuntimeError(f"expected scalar type Long but found {_legacy_name(target)}")
    if weight is not None and weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {_legacy_name(input)} but found {_legacy_name(weight)}")
    t = target._data
    if t.size and concrete(t):
        h = np.asarray(t)
        if h.min() < 0 or h.max() >= dim:
            raise RuntimeError("target out of range")


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _L.triplet_margin_loss(anchor, positive, negative, float(margin), float(p), eps, swap, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False, size_average=None,
                     eps: float = 1e-8, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(reduction + " is not a valid value for reduction")
    return _L.poisson_nll_loss(input, target, log_input, full, eps, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    if not isinstance(var, Tensor):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        from .._ops.creation import full as _full
        var = _full(tuple(input.shape), float(var), dtype=input.dtype)
    elif concrete(var) and bool(jnp.any(var._data < 0)):
        raise ValueError("var has negative entry/entries")
    shape, vshape = tuple(input.shape), tuple(var.shape)
    # A var one dimension short of input (homoscedastic), or with exactly one mismatched dimension, of
    # size 1, is broadcast; the sum below is PyTorch's own test of the latter.
    if vshape != shape and vshape != shape[:-1] and not (
            len(shape) == len(vshape) and sum(y for x, y in zip(shape, vshape) if x != y) == 1):
        raise ValueError("var is of incorrect size")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(reduction + " is not valid")
    return _L.gaussian_nll_loss(input, target, var, full, eps, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """Mirrors `torch.nn.functional.multilabel_margin_loss` (targets: class indices, -1 ends a row)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    shape, tshape = tuple(input.shape), tuple(target.shape)
    if not (len(shape) == 0 or (len(shape) in (1, 2) and shape[-1] != 0)):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(shape)}")
    dim = shape[-1] if shape else 1
    ok = (len(tshape) <= 1 and target.numel() == dim) if len(shape) <= 1 else tshape == shape
    if not ok:
        raise RuntimeError(f"inconsistent target size: {list(tshape)} for input of size: {list(shape)}")
    t = target._data
    if target.dtype == D.int64 and t.size and concrete(t):
        h = np.asarray(t)
        if h.min() < -1 or h.max() >= dim:
            raise RuntimeError("argument #2 'target' is out of range")
    return _L.multilabel_margin_loss(input, target, reduction)


def _lengths(v, name: str) -> Tensor:
    """CTC lengths as a host int64 tensor: a tensor (integral) or a sequence of ints."""
    from .._ops.creation import tensor as _tensor
    if isinstance(v, Tensor):
        if v.dtype.is_floating_point or v.dtype.is_complex or v.dtype == D.bool_:
            raise RuntimeError(f"{name} must be integral")
        return v.to(D.int64).reshape(-1)
    if isinstance(v, (list, tuple)) and all(isinstance(e, (int, np.integer)) for e in v):
        return _tensor(list(v), dtype=D.int64)
    raise TypeError(f"ctc_loss(): argument '{name}' must be tuple of ints or Tensor, not {type(v).__name__}")


def _ctc_check(log_probs: Tensor, targets: Tensor, il: np.ndarray, tl: np.ndarray, blank: int) -> None:
    """PyTorch's argument checks of ctc_loss, in its order (lengths are read on the host, as there)."""
    where = " (while checking arguments for ctc_loss_allocate_outputs)"
    if targets.ndim not in (1, 2):
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.ndim}-dimensional tensor for argument #2 "
                           f"'targets'{where}")
    n, c = log_probs.shape[1], log_probs.shape[2]
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if il.size != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.size != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    for v in tl:
        if v < 0:
            raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value {v}{where}")
    if targets.ndim == 1:
        if targets.shape[0] != int(tl.sum()):
            raise RuntimeError(f"Expected tensor to have size {int(tl.sum())} at dimension 0, but got size "
                               f"{targets.shape[0]} for argument #2 'targets'{where}")
    else:
        if targets.shape[0] != n:
            raise RuntimeError(f"Expected tensor to have size {n} at dimension 0, but got size {targets.shape[0]} "
                               f"for argument #2 'targets'{where}")
        longest = int(tl.max()) if tl.size else 0
        if targets.shape[1] < longest:
            raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                               f"{targets.shape[1]} for argument #2 'targets'{where}")
    for v in il:
        if v < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {v}{where}")
        if v > log_probs.shape[0]:
            raise RuntimeError(f"Expected input_lengths to have value at most {log_probs.shape[0]}, but got value "
                               f"{v}{where}")


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Mirrors `torch.nn.functional.ctc_loss`: (T, N, C) or unbatched (T, C) log probabilities, padded
    (N, S) or concatenated targets. Its gradient is PyTorch's (that of the logits under a log_softmax)."""
    _check_reduction(reduction)
    if isinstance(input_lengths, Tensor) != isinstance(target_lengths, Tensor):
        raise TypeError("ctc_loss() received an invalid combination of arguments: input_lengths and target_lengths "
                        "must be both tuples of ints or both Tensors")
    il, tl = _lengths(input_lengths, "input_lengths"), _lengths(target_lengths, "target_lengths")
    batched = log_probs.ndim == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    if lp.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {lp.ndim}-dimensional tensor for argument #1 "
                           f"'log_probs' (while checking arguments for ctc_loss_allocate_outputs)")
    if targets.dtype.is_complex:
        raise RuntimeError("ctc_loss: complex targets are not supported")
    _ctc_check(lp, targets, np.asarray(il._data), np.asarray(tl._data), blank)
    res = _L._ctc_loss(lp, targets, il, tl, blank, zero_infinity)
    if zero_infinity:
        from .._ops.creation import zeros
        res = res.where(res != float("inf"), zeros((), dtype=res.dtype))
    if reduction == "mean":
        return (res / tl.to(res.dtype).clamp_min(1)).mean()
    if reduction == "sum":
        return res.sum()
    return res if batched else res.squeeze(0)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """Mirrors `torch.nn.functional.triplet_margin_with_distance_loss` (default distance:
    pairwise_distance)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not (a_dim == p_dim and p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs")
    if distance_function is None:
        from ._functional import pairwise_distance as distance_function
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        from .._ops import OPS
        dist_neg = OPS["minimum"](dist_neg, distance_function(positive, negative))
    loss = (margin + dist_pos - dist_neg).clamp_min(0)
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    return loss


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *, linear_bias: Tensor | None = None,
                         weight: Tensor | None = None, reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options=None) -> Tensor:
    """Mirrors `torch.nn.functional.linear_cross_entropy`: cross_entropy(linear(input, W, b), target), W of
    shape (C, in) or (C, d_1, ..., d_K, in). The chunked forms (options given) have the same values and
    gradients and are computed by the same formula here."""
    if input.ndim < 1 or input.ndim > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.ndim}")
    num_batches, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), "
                           f"got {input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not num_batches:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires"
                           f" batched input, (N, {in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = (*num_batches, num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    if options is not None:
        if out_features or reduction not in ("mean", "sum", "none") or label_smoothing != 0.0 or \
                target.dtype != D.int64:
            warnings.warn("linear_cross_entropy: ``options`` ignored; chunked path needs reduction in "
                          "{'mean','sum','none'}, label_smoothing == 0, target.dtype == int64, out_features == (). "
                          f"Got reduction={reduction!r}, label_smoothing={label_smoothing}, "
                          f"target.dtype={target.dtype}, out_features={out_features}, tracing=False, "
                          f"linear_bias.shape={tuple(linear_bias.shape) if linear_bias is not None else None}.",
                          stacklevel=2)
        else:
            if callable(getattr(options, "_check_chunks", None)):
                options._check_chunks(num_batches[0] if num_batches else 1, in_features, num_classes)
            return _ChunkedLinearCrossEntropy.apply(input, linear_weight, linear_bias, weight, target, reduction,
                                                    ignore_index)
    if out_features:
        rows = math.prod(out_features) * num_classes
        linear_weight = linear_weight.reshape((rows, in_features))
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(rows)
    from ._functional import linear
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction, ignore_index=ignore_index,
                         label_smoothing=label_smoothing)


def _chunked_function():
    from ..autograd import grad
    from ..autograd.function import Function
    from .._autograd import enable_grad

    class LinearCrossEntropyChunked(Function):
        """The chunked form: PyTorch computes its gradients inside the forward, so they are not
        differentiable again (a create_graph backward gives gradients that do not require grad)."""

        @staticmethod
        def forward(ctx, input, linear_weight, linear_bias, weight, target, reduction, ignore_index):
            ctx.args = (input, linear_weight, linear_bias, weight, target, reduction, ignore_index)
            from ._functional import linear
            return cross_entropy(linear(input, linear_weight, linear_bias), target, weight=weight,
                                 reduction=reduction, ignore_index=ignore_index)

        @staticmethod
        def backward(ctx, g):
            from ._functional import linear
            input, w, b, weight, target, reduction, ignore_index = ctx.args
            leaves = [None if t is None else t.detach().requires_grad_(t.requires_grad) for t in (input, w, b)]
            with enable_grad():
                out = cross_entropy(linear(leaves[0], leaves[1], leaves[2]), target, weight=weight,
                                    reduction=reduction, ignore_index=ignore_index)
            diff = [t for t in leaves if t is not None and t.requires_grad]
            found = iter(grad(out, diff, g.detach()) if diff else ())
            grads = [next(found) if t is not None and t.requires_grad else None for t in leaves]
            return (*grads, None, None, None, None)

    return LinearCrossEntropyChunked


class _LazyFunction:
    """The Function class above, built on first use (autograd imports nn.functional's loss module)."""

    cls = None

    def apply(self, *args):
        if _LazyFunction.cls is None:
            _LazyFunction.cls = _chunked_function()
        return _LazyFunction.cls.apply(*args)


_ChunkedLinearCrossEntropy = _LazyFunction()
