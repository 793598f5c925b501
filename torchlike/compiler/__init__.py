"""torch.compiler. Mirrors the `torch.compiler` names libraries use.

torchlike has no Dynamo: `torch.compile` (torchlike.compile) traces a step with JAX instead.
The markers that steer Dynamo (`disable`, `allow_in_graph`, `assume_constant_result`) return the
function they are given; code that asks `is_compiling()` / `is_dynamo_compiling()` /
`is_exporting()` is told False, which is PyTorch's answer when running eagerly.
"""
from __future__ import annotations

from .._compile import compile  # noqa: F401  (torch.compiler.compile is torch.compile)

__all__ = ["allow_in_graph", "assume_constant_result", "compile", "cudagraph_mark_step_begin", "disable",
           "is_compiling", "is_dynamo_compiling", "is_exporting", "reset", "substitute_in_graph"]


def is_compiling() -> bool:
    """Mirrors `torch.compiler.is_compiling`: False (no Dynamo trace is ever running)."""
    return False


def is_dynamo_compiling() -> bool:
    """Mirrors `torch.compiler.is_dynamo_compiling`: False."""
    return False


def is_exporting() -> bool:
    """Mirrors `torch.compiler.is_exporting`: False (no torch.export trace is ever running)."""
    return False


def disable(fn=None, recursive=True, *, reason=None):
    """Mirrors `torch.compiler.disable`: keeps Dynamo out of `fn`. There is no Dynamo, so `fn` runs as
    it is (returned unchanged). Usable bare or with arguments (`@disable(recursive=False)`)."""
    if fn is None:
        return lambda f: f
    return fn


def allow_in_graph(fn):
    """Mirrors `torch.compiler.allow_in_graph`: a hint to Dynamo; the function itself."""
    return fn


def assume_constant_result(fn):
    """Mirrors `torch.compiler.assume_constant_result`: a hint to Dynamo; the function itself."""
    return fn


def substitute_in_graph(original_fn, *, can_constant_fold_through=False, skip_signature_check=False):
    """Mirrors `torch.compiler.substitute_in_graph`: the polyfill is only for Dynamo, so the decorator
    returns the original function."""
    return lambda polyfill: original_fn


def reset() -> None:
    """Mirrors `torch.compiler.reset`: clears Dynamo's caches; there are none (torchlike.compile keeps
    its programs on each compiled object)."""


def cudagraph_mark_step_begin() -> None:
    """Mirrors `torch.compiler.cudagraph_mark_step_begin`: marks a CUDA-graph step; no CUDA graphs here."""
