"""Gradient clipping: clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_.

Each is one jitted computation over all the gradients, written back in place."""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp

from ..._tensor import Tensor

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _tensors(parameters) -> list:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def _grads(parameters) -> list:
    return [p.grad for p in _tensors(parameters) if p.grad is not None]


def _norm_type(norm_type) -> float:
    return math.inf if norm_type in ("inf", math.inf) else float(norm_type)


@functools.partial(jax.jit, static_argnums=1)
def _total_norm(arrays, norm_type):
    per = [jnp.max(jnp.abs(a)) if norm_type == math.inf else jnp.linalg.norm(a.ravel(), norm_type) for a in arrays]
    per = jnp.stack([n.astype(per[0].dtype) for n in per])
    return jnp.max(per) if norm_type == math.inf else jnp.linalg.norm(per, norm_type)


@jax.jit
def _scale(arrays, max_norm, total):
    coef = jnp.minimum(max_norm / (total + 1e-6), 1.0)
    return [a * coef.astype(a.dtype) for a in arrays]


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Mirrors `torch.nn.utils.get_total_norm`: the norm of the per-tensor norms."""
    tensors = _tensors(tensors)
    norm_type = _norm_type(norm_type)
    if not tensors:
        return Tensor._wrap(jnp.zeros((), jnp.float32))
    total = _total_norm(tuple(t._data for t in tensors), norm_type)
    if error_if_nonfinite and not bool(jnp.isfinite(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return Tensor._wrap(total)


def clip_grads_with_norm_(parameters, max_norm: float, total_norm: Tensor, foreach=None) -> None:
    """Mirrors `torch.nn.utils.clip_grads_with_norm_`: scale by max_norm / (total_norm + 1e-6), at most 1."""
    grads = _grads(parameters)
    if not grads:
        return
    total = total_norm._data if isinstance(total_norm, Tensor) else jnp.asarray(total_norm)
    for g, new in zip(grads, _scale(tuple(g._data for g in grads), jnp.asarray(float(max_norm), total.dtype), total)):
        g._write(new)


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Mirrors `torch.nn.utils.clip_grad_norm_`; returns the total norm before clipping."""
    parameters = _tensors(parameters)
    grads = _grads(parameters)
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach=None) -> Tensor:
    """Mirrors the deprecated `torch.nn.utils.clip_grad_norm`."""
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Mirrors `torch.nn.utils.clip_grad_value_`: clamp every gradient to [-clip_value, clip_value]."""
    v = float(clip_value)
    for g in _grads(parameters):
        g._write(jnp.clip(g._data, jnp.asarray(-v, g._data.dtype), jnp.asarray(v, g._data.dtype)))
