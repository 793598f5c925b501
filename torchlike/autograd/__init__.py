"""torch.autograd: backward, grad, grad modes, Function."""
from __future__ import annotations

import jax
import numpy as np

from .._autograd import (AccumulateGrad, Node, enable_grad, inference_mode, is_grad_enabled, no_grad,  # noqa: F401
                         run_backward, set_grad_enabled)
from .._engine import cache as _cache
from .._engine.methods import install
from .._tensor import Tensor
from . import functional  # noqa: F401
from .function import Function, FunctionCtx, once_differentiable  # noqa: F401

Variable = Tensor


def _as_list(x):
    if x is None:
        return None
    return [x] if isinstance(x, Tensor) else list(x)


_ONES = _cache.LRU(_cache.ONES, "ones")


def _ones_like_scalar(o):
    """The implicit gradient of a 0-d loss: one cached array per dtype and placement (jax arrays are
    immutable, and a Tensor wrapping it gets its own storage), saving a dispatch every backward."""
    data = o._meta
    # (a deferred loss, torchlike/_engine/lazy.py, is placed where its op's inputs are)
    placed = data.probe() if hasattr(data, "probe") else data
    sharding = getattr(placed, "sharding", None)
    if sharding is None or len(sharding.device_set) != 1:  # traced, or sharded
        return Tensor._wrap(jax.numpy.ones_like(o._data))
    key = (data.dtype, sharding)
    ones = _ONES.get(key)
    if ones is None:
        ones = _ONES[key] = jax.device_put(np.ones((), data.dtype), sharding)
    return Tensor._wrap(ones)


def _make_grads(outputs, grads):
    result = []
    for i, (o, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if o.requires_grad and o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if o.requires_grad and not o.dtype.is_floating_point:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {o.dtype}")
            if o.ndim == 0:
                g = _ones_like_scalar(o)
            else:
                from .._ops.creation import ones_like
                g = ones_like(o)
        elif isinstance(g, Tensor) and tuple(g.shape) != tuple(o.shape):
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a "
                               f"shape of {o.shape}.")
        elif not isinstance(g, Tensor):
            from .._ops.creation import tensor
            g = tensor(g, dtype=o.dtype)
        result.append(g)
    return result


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Mirrors `torch.autograd.backward`."""
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_list(inputs)
    if inputs is not None and not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    for i, t in enumerate(tensors):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    run_backward(tensors, _make_grads(tensors, grads), retain_graph, create_graph, inputs=inputs, accumulate=True)


def _tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
    """Mirrors `Tensor.backward`."""
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)


install("backward", _tensor_backward)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Mirrors `torch.autograd.grad`."""
    single = isinstance(inputs, Tensor)
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    grads = _as_list(grad_outputs) or [None] * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    for i, t in enumerate(outputs):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    res = run_backward(outputs, _make_grads(outputs, grads), retain_graph, create_graph, inputs=inputs,
                       accumulate=False)
    for i, r in enumerate(res):
        if r is None and not (allow_unused or materialize_grads):
            raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. Set "
                               "allow_unused=True if this is the desired behavior.")
        if r is None and materialize_grads:
            from .._ops.creation import zeros_like
            res[i] = zeros_like(inputs[i])
    return tuple(res)
