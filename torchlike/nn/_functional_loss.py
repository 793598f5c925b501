"""torch.nn.functional losses: argument handling, PyTorch's warnings and value checks around the
loss operators of torchlike/_ops/nn_loss.py."""
from __future__ import annotations

import warnings

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._ops import nn_loss as _L
from .._tensor import Tensor, concrete


def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's mapping of the deprecated size_average/reduce arguments onto reduction."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{_legacy_string(size_average, reduce)}' instead.", stacklevel=3)
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


def _warn_size(input: Tensor, target: Tensor) -> None:
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=3)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mirrors `torch.nn.functional.mse_loss` (broadcasts a differently-sized target, with PyTorch's warning)."""
    _warn_size(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if weight is not None:
        return _weighted(_L.mse_loss(input, target, "none"), weight, reduction)
    return _L.mse_loss(input, target, reduction)


def _weighted(loss: Tensor, weight: Tensor, reduction: str) -> Tensor:
    loss = loss * weight
    return loss if reduction == "none" else (loss.sum() if reduction == "sum" else loss.mean())


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    _warn_size(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if weight is not None:
        return _weighted(_L.l1_loss(input, target, "none"), weight, reduction)
    return _L.l1_loss(input, target, reduction)


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
