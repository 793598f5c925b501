"""torch.fx names. Mirrors the `torch.fx` names libraries import.

torchlike has no FX tracing: `symbolic_trace` and `Tracer.trace` raise NotImplementedError.
`wrap` behaves as PyTorch's does outside a trace (it registers a function as a leaf for the
tracer and returns it), so modules decorated for FX run eagerly unchanged.
"""
from __future__ import annotations

from . import _symbolic_trace  # noqa: F401  (torch.fx._symbolic_trace)
from ._symbolic_trace import Tracer, symbolic_trace, wrap

__all__ = ["Graph", "GraphModule", "Interpreter", "Node", "Proxy", "Tracer", "Transformer", "map_arg",
           "symbolic_trace", "wrap"]

_NO_FX = "FX tracing (torch.fx graphs) is not supported by torchlike"


class _NoFX:
    """Base of the FX classes: the name exists (for isinstance checks and annotations); building one
    would need an FX graph."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"torch.fx.{type(self).__name__}: {_NO_FX}")


class Graph(_NoFX):
    """Name of `torch.fx.Graph`."""


class GraphModule(_NoFX):
    """Name of `torch.fx.GraphModule`; nothing here is ever one."""


class Node(_NoFX):
    """Name of `torch.fx.Node`."""


class Proxy(_NoFX):
    """Name of `torch.fx.Proxy`; no value here is ever one (no tracing)."""


class Interpreter(_NoFX):
    """Name of `torch.fx.Interpreter`."""


class Transformer(_NoFX):
    """Name of `torch.fx.Transformer`."""


def map_arg(a, fn):
    """Mirrors `torch.fx.node.map_arg`: applies `fn` to each Node inside `a`; with no Nodes, `a`'s
    structure is rebuilt unchanged."""
    if isinstance(a, tuple):
        return type(a)(*[map_arg(x, fn) for x in a]) if hasattr(a, "_fields") else tuple(map_arg(x, fn) for x in a)
    if isinstance(a, list):
        return [map_arg(x, fn) for x in a]
    if isinstance(a, dict):
        return {k: map_arg(v, fn) for k, v in a.items()}
    if isinstance(a, slice):
        return slice(map_arg(a.start, fn), map_arg(a.stop, fn), map_arg(a.step, fn))
    return fn(a) if isinstance(a, Node) else a
