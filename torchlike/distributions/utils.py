"""Helpers shared by the distributions: broadcasting parameters, probs/logits conversion,
`lazy_property`, and reductions over event dimensions. Mirrors `torch.distributions.utils`."""
from __future__ import annotations

from numbers import Number

import torchlike as torch

__all__ = ["broadcast_all", "logits_to_probs", "clamp_probs", "probs_to_logits", "lazy_property",
           "tril_matrix_to_vec", "vec_to_tril_matrix", "euler_constant"]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


def broadcast_all(*values):
    """Tensors and Python numbers broadcast to one shape; numbers become tensors of the first
    tensor's dtype and device (the default dtype when all are numbers)."""
    if not all(isinstance(v, (torch.Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if not all(isinstance(v, torch.Tensor) for v in values):
        like = next((v for v in values if isinstance(v, torch.Tensor)), None)
        opts = {"dtype": torch.get_default_dtype()} if like is None else {"dtype": like.dtype, "device": like.device}
        values = [v if isinstance(v, torch.Tensor) else torch.tensor(v, **opts) for v in values]
    shape = torch.broadcast_shapes(*(v.shape for v in values))
    # a tensor already of the common shape is returned as itself, not as a view of itself
    return tuple(v if v.shape == shape else v.expand(shape) for v in values)


def _delegate(via: str, name: str):
    """A read-only property reading `name` from the object held in attribute `via`: how a wrapper
    (a one-hot categorical over its categorical, a log-normal over its normal) exposes what it wraps."""
    return property(lambda self: getattr(getattr(self, via), name), doc=f"`{via}.{name}`")


def _standard_normal(shape, dtype, device):
    return torch.randn(tuple(shape), dtype=dtype, device=device)


def _sum_rightmost(value, dim: int):
    """Sum out the `dim` rightmost dimensions of value."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dim]) + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary: bool = False):
    if is_binary:
        return torch.sigmoid(logits)
    return torch.nn.functional.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Probabilities kept off 0 and 1 by the dtype's eps, so their logs stay finite."""
    eps = torch.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    p = clamp_probs(probs)
    if is_binary:
        return torch.log(p) - torch.log1p(-p)
    return torch.log(p)


class lazy_property:
    """A property computed on first access (with grad enabled, so it stays differentiable) and then
    stored in the instance's __dict__; on the class it returns itself."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _LazyPropertyAndProperty(self.wrapped)
        with torch.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _LazyPropertyAndProperty(lazy_property, property):
    """What a lazy_property looks like on its class: a property too, for introspection."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag: int = 0):
    """The lower triangle (below diagonal `diag`) of a batch of square matrices, row by row."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    idx = torch.arange(n, device=mat.device)
    mask = idx < idx.view(-1, 1) + (diag + 1)
    return mat[..., mask]


def vec_to_tril_matrix(vec, diag: int = 0):
    """The inverse of tril_matrix_to_vec: D is the positive root of
    D**2 + (1 + 2 diag) D - |diag| (diag + 1) - 2 len = 0."""
    b = 1 + 2 * diag
    n = (-b + (b * b + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > torch.finfo(vec.dtype).eps:
        raise ValueError(f"The size of last dimension is {vec.shape[-1]} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    n = round(n)
    mat = torch.zeros(tuple(vec.shape[:-1]) + (n, n), dtype=vec.dtype, device=vec.device)
    idx = torch.arange(n, device=vec.device)
    mat[..., idx < idx.view(-1, 1) + (diag + 1)] = vec
    return mat
