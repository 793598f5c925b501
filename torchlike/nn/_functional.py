"""torch.nn.functional: the Python-side parts (argument handling, value checks, warnings,
running-statistics updates, dropout masks) around the registry operators."""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp

from .. import _autograd, _device
from .. import _dtype as D
from .._ops import OPS
from .._ops import nn_norm as _N
from .._ops.nn_norm import _update_stat
from .._ops import nn_ops as _A
from .._tensor import Tensor, concrete

# ----- activations -----


def _inplace(t: Tensor, result: Tensor, saves_result: bool = False) -> Tensor:
    from .._engine.methods import assign, check_inplace
    check_inplace(t)
    assign(t, result)
    if saves_result and t.grad_fn is not None and hasattr(t.grad_fn, "saved_outputs"):
        # PyTorch's in-place form differentiates from its result, so a later write to t is refused.
        from .._engine.kernel import _SavedOutput
        out = _SavedOutput(t, t.grad_fn.name())
        t.grad_fn.saved_outputs = [(out, out.expected)]
    return t


def _maybe_inplace(kernel, input, inplace, *args, saves_result=False):
    out = kernel(input, *args)
    return _inplace(input, out, saves_result) if inplace else out


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """Mirrors `torch.nn.functional.relu`."""
    return _maybe_inplace(OPS["relu"], input, inplace)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.hardtanh, input, inplace, 0.0, 6.0)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, True)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.leaky_relu, input, inplace, negative_slope, saves_result=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.elu, input, inplace, alpha, saves_result=True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.selu, input, inplace)


def selu_(input: Tensor) -> Tensor:
    return selu(input, True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.celu, input, inplace, alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    return _A.gelu(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.silu, input, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.mish, input, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.hardswish, input, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.hardsigmoid, input, inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return _A.softplus(input, beta, threshold)


def softsign(input: Tensor) -> Tensor:
    return _A.softsign(input)


def logsigmoid(input: Tensor) -> Tensor:
    return _A.logsigmoid(input)


def tanhshrink(input: Tensor) -> Tensor:
    return _A.tanhshrink(input)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    return _A.softshrink(input, lambd)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    return _A.hardshrink(input, lambd)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    return _maybe_inplace(_A.threshold, input, inplace, threshold, value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _maybe_inplace(_A.threshold, input, True, threshold, value)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    return _A.glu(input, dim)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    return _A.prelu(input, weight)


def sigmoid(input: Tensor) -> Tensor:
    return OPS["sigmoid"](input)


def tanh(input: Tensor) -> Tensor:
    return OPS["tanh"](input)


# ----- softmax family -----
def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
                  "argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """Mirrors `torch.nn.functional.gumbel_softmax`: softmax of (logits + Gumbel noise) / tau; with
    `hard`, the one-hot of its argmax carrying the soft sample's gradient (straight through). The
    noise comes from torchlike's generator."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    from .._ops import creation
    gumbels = -creation.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = creation.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """Mirrors `torch.nn.functional.softmax`."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return _A.softmax(input, dim, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return _A.softmax(-input if dtype is None else -(input.to(dtype)), dim)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return _A.log_softmax(input, dim, dtype)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Mirrors `torch.nn.functional.linear`."""
    return _A.linear(input, weight, bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    return _A.bilinear(input1, input2, weight, bias)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Mirrors `torch.nn.functional.rrelu`: in training each non-positive element gets its own slope drawn
    uniformly from [lower, upper) (torchlike's random stream); in eval the slope is (lower + upper) / 2."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    x = input._data
    if not jnp.issubdtype(x.dtype, jnp.floating):
        kernel = "rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.legacy}'")
    if training:
        key = _device.place_like(_next_key(), input)
        slope = jax.random.uniform(key, x.shape, x.dtype, lower, upper)
    else:
        slope = jnp.asarray((lower + upper) / 2, x.dtype)
    noise = Tensor._wrap(jnp.where(x > 0, jnp.ones((), x.dtype), slope))
    return _maybe_inplace(_N._rrelu_with_noise, input, inplace, noise)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


# ----- dropout -----
def _next_key():
    """A fresh PRNG key from torchlike's global stream (seeded by torch.manual_seed)."""
    from .. import _random
    return _random.next_key()


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(shape, p, like):
    key = _device.place_like(_next_key(), like)  # (the mask is drawn where the input is)
    return Tensor._wrap(jax.random.bernoulli(key, 1.0 - p, shape))


def _apply_mask(input, mask_shape, p, inplace):
    mask = _keep_mask(mask_shape, p, input)
    out = _N._masked_scale(input, mask, 0.0 if p == 1 else 1.0 / (1.0 - p))
    return _inplace(input, out) if inplace else out


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Mirrors `torch.nn.functional.dropout` (masks come from torchlike's random stream)."""
    _check_p(p)
    if not training or p == 0:
        return input
    return _apply_mask(input, tuple(input.shape), p, inplace)


def _feature_dropout(input, p, training, inplace, batched_ndim):
    _check_p(p)
    if not training or p == 0:
        return input
    shape = tuple(input.shape)
    if input.ndim == batched_ndim:
        mask_shape = shape[:2] + (1,) * (input.ndim - 2)
    else:
        mask_shape = shape[:1] + (1,) * (input.ndim - 1)
    return _apply_mask(input, mask_shape, p, inplace)


def _check_feature_ndim(name, input, ndims):
    if input.ndim not in ndims:
        raise RuntimeError(f"{name}: Expected {ndims[0]}D or {ndims[1]}D input, but received a {input.ndim}D input. "
                           f"Note that {name} will not perform channel-wise dropout on it.")


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, 3)


def _warn_feature_dropout_dims(input: Tensor, n: int) -> None:
    # (dropout2d's and dropout3d's warning for an input without n spatial dimensions; names their caller's line)
    if input.ndim not in (n + 1, n + 2):
        warnings.warn(f"dropout{n}d: Received a {input.ndim}-D input to dropout{n}d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      f"please use dropout instead. Note that dropout{n}d exists to provide channel-wise dropout on "
                      f"inputs with {n} spatial dimensions, a channel dimension, and an optional batch dimension "
                      f"(i.e. {n + 1}D or {n + 2}D inputs).", stacklevel=3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    _check_p(p)
    _warn_feature_dropout_dims(input, 2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This "
                      "behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
        return _feature_dropout(input, p, training, inplace, 3)
    # PyTorch applies feature dropout to whatever it got: dims 0 and 1 are batch and channel, so a
    # 2-D (N, C) input (the documents' CNN feeds one) loses single elements, not whole rows.
    return _feature_dropout(input, p, training, inplace, max(input.ndim, 2))


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    _check_p(p)
    _warn_feature_dropout_dims(input, 3)
    return _feature_dropout(input, p, training, inplace, 5)


_SELU_ALPHA_P = -1.7580993408473766  # -alpha * scale of SELU: the value a dropped unit takes


def _alpha_dropout(input, p, training, inplace, mask_shape):
    _check_p(p)
    if not training or p == 0:
        return input
    if p == 1:
        out = input * 0.0
        return _inplace(input, out) if inplace else out
    keep = 1.0 - p
    a = (keep + _SELU_ALPHA_P ** 2 * keep * p) ** -0.5
    b = -a * _SELU_ALPHA_P * p
    mask = _keep_mask(mask_shape, p, input)
    # out = (x * mask + alpha' * (1 - mask)) * a + b
    out = _N._masked_scale(input, mask, a) + Tensor._wrap(
        jnp.where(mask._data, b, _SELU_ALPHA_P * a + b).astype(input._data.dtype))
    return _inplace(input, out) if inplace else out


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    return _alpha_dropout(input, p, training, inplace, tuple(input.shape))


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    shape = tuple(input.shape)
    return _alpha_dropout(input, p, training, inplace, shape[:2] + (1,) * (input.ndim - 2))


# ----- normalization -----
def _verify_batch_size(size) -> None:
    n = size[0]
    for s in size[2:]:
        n *= s
    if n == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5):
    """Mirrors `torch.nn.functional.batch_norm`: in training, updates running_mean/running_var in place."""
    if training:
        _verify_batch_size(input.shape)
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if input.ndim >= 2:
        for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                        ("bias", bias)):
            if t is not None and t.numel() != input.shape[1]:
                raise RuntimeError(f"{name} should contain {input.shape[1]} elements not {t.numel()}")
    if training:
        out, m, v = _N._batch_norm_train(input, weight, bias, eps)
        if input.numel():  # an empty batch leaves the running statistics as they were
            _update_stat(running_mean, m, momentum)
            _update_stat(running_var, v, momentum)
        return out
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    return _N._batch_norm_eval(input, running_mean, running_var, weight, bias, eps)


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    if use_input_stats:
        n = 1
        for s in input.shape[2:]:
            n *= s
        if n == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.shape}")
        out, m, v = _N._instance_norm_train(input, weight, bias, eps)
        _update_stat(running_mean, m, momentum)
        _update_stat(running_var, v, momentum)
        return out
    return _N._batch_norm_eval(input, running_mean, running_var, weight, bias, eps)


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    return _N.layer_norm(input, ns, weight, bias, eps)


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    return _N.rms_norm(input, ns, weight, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    return _N.group_norm(input, num_groups, weight, bias, eps)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
    return _N.local_response_norm(input, size, alpha, beta, k)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:
    res = _N.normalize(input, float(p), dim, eps)
    if out is not None:
        out._replace_data(res._data)
        return out
    return res


# ----- embeddings, one_hot, distances -----
def _check_index_range(input: Tensor, n: int) -> None:
    idx = input._data
    if idx.size and concrete(idx) and bool(jnp.any((idx < 0) | (idx >= n))):
        raise IndexError("index out of range in self")


def _renorm_rows(weight: Tensor, input: Tensor, max_norm: float, norm_type: float) -> None:
    """PyTorch's embedding_renorm_: rows referenced by input whose norm exceeds max_norm are scaled in place."""
    w = weight._data
    rows = jnp.unique(input._data.ravel())
    norms = _N._safe_norm(w[rows], norm_type, 1)
    scale = jnp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    with _autograd.no_grad():
        weight._write(w.at[rows].multiply(scale[:, None]))


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Mirrors `torch.nn.functional.embedding`."""
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= weight.shape[0]:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -weight.shape[0]:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.shape[0] + padding_idx
    else:
        padding_idx = -1
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_index_range(input, weight.shape[0])
    if max_norm is not None:
        _renorm_rows(weight, input, max_norm, norm_type)
    return _N.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Mirrors `torch.nn.functional.embedding_bag`."""
    from .._ops.creation import arange, tensor
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        b, n = input.shape
        offsets = arange(0, b * n, n) if n else tensor([0] * b)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    if padding_idx is not None and padding_idx < 0:
        padding_idx = weight.shape[0] + padding_idx
    _check_index_range(input, weight.shape[0])
    if max_norm is not None:
        _renorm_rows(weight, input, max_norm, norm_type)
    return _N._embedding_bag(weight, input, offsets, per_sample_weights, mode, include_last_offset, padding_idx)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Mirrors `torch.nn.functional.one_hot`: int64 output; num_classes=-1 takes max + 1."""
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    d = tensor._data
    if num_classes == -1:
        if d.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(jnp.max(d)) + 1
    if d.size and concrete(d):
        if bool(jnp.any(d < 0)):
            raise RuntimeError("Class values must be non-negative.")
        if bool(jnp.any(d >= num_classes)):
            raise RuntimeError("Class values must be smaller than num_classes.")
    return _N._one_hot(tensor, num_classes)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    return _N.cosine_similarity(x1, x2, dim, eps)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    return _N.pairwise_distance(x1, x2, float(p), eps, keepdim)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    return _N.pdist(input, float(p))
