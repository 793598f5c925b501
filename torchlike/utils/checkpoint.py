"""torch.utils.checkpoint. Mirrors `torch.utils.checkpoint.checkpoint` and `checkpoint_sequential`.

Activation checkpointing here is a plain passthrough: the function runs once, recorded on the
autograd tape as usual, so values and gradients are exactly those without checkpointing but
NO memory is saved (nothing is recomputed in backward). The argument checks and warnings are
PyTorch's: `use_reentrant` should be passed explicitly (a UserWarning otherwise), and with
`use_reentrant=True` an output only requires grad when some input Tensor does (PyTorch's
reentrant variant gives parameters no gradient in that case).
"""
from __future__ import annotations

import contextlib
import warnings

__all__ = ["checkpoint", "checkpoint_sequential", "noop_context_fn"]


def noop_context_fn():
    """Mirrors `torch.utils.checkpoint.noop_context_fn`: two null contexts (forward, recompute)."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def _resolve_reentrant(use_reentrant, where: str, future: str) -> bool:
    if use_reentrant is None:
        warnings.warn(f"{where}: the use_reentrant parameter should be passed explicitly. {future} "
                      "use_reentrant=False is recommended, but if you need to preserve the current default "
                      "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", UserWarning, stacklevel=3)
        return True
    return bool(use_reentrant)


def _reentrant_call(function, args):
    """PyTorch's reentrant checkpoint records the call only when an input Tensor requires grad."""
    from .. import _autograd
    from .._tensor import Tensor
    if any(isinstance(a, Tensor) and a.requires_grad for a in args):
        return function(*args)
    if _autograd.is_grad_enabled():
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", UserWarning,
                      stacklevel=3)
    with _autograd.no_grad():
        return function(*args)


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """Mirrors `torch.utils.checkpoint.checkpoint`: `function(*args, **kwargs)` with the same values and
    gradients. Passthrough: no recomputation, no memory saved (see the module docstring)."""
    kwargs.pop("preserve_rng_state", True)  # one run only, so the random stream is consumed once either way
    use_reentrant = _resolve_reentrant(use_reentrant, "torch.utils.checkpoint",
                                       "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will "
                                       "raise an exception.")
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return _reentrant_call(function, args)
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    forward_context, _ = context_fn()
    with forward_context:
        return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Mirrors `torch.utils.checkpoint.checkpoint_sequential`: runs `functions` (a Sequential or a list of
    modules) in order on `input`, checkpointing `segments` chunks. Passthrough, as `checkpoint`."""
    use_reentrant = _resolve_reentrant(use_reentrant, "torch.utils.checkpoint.checkpoint_sequential",
                                       "In version 2.9 we will raise an exception if use_reentrant is not passed.")
    kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    from ..nn import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    functions = list(functions)
    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):  # the checkpointed segments
        end = start + size - 1
        chunk = functions[start:end + 1]
        input = checkpoint(_run_chunk(chunk), input, use_reentrant=use_reentrant)
    return _run_chunk(functions[end + 1:])(input)  # the last segment runs without checkpointing, as in PyTorch


def _run_chunk(chunk):
    def run(x):
        for f in chunk:
            x = f(x)
        return x
    return run
