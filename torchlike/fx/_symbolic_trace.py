"""torch.fx._symbolic_trace: `wrap`, `Tracer`, `symbolic_trace`, `is_fx_tracing` (no FX tracing here)."""
from __future__ import annotations

import inspect

_NO_FX = "FX tracing (torch.fx.symbolic_trace) is not supported by torchlike"
_wrapped_names: list = []  # what `wrap` registered; PyTorch's tracer patches these while tracing


def is_fx_tracing() -> bool:
    """Mirrors `torch.fx._symbolic_trace.is_fx_tracing`: False, as nothing is ever FX-traced."""
    return False


def is_fx_symbolic_tracing() -> bool:
    """Mirrors `torch.fx._symbolic_trace.is_fx_symbolic_tracing`: False."""
    return False


def wrap(fn_or_name):
    """Mirrors `torch.fx.wrap`: declares a module-level function a leaf for FX tracing and returns its
    argument (a function or its name) unchanged. Must be called at module level, as in PyTorch."""
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name")
    frame = inspect.currentframe().f_back
    if frame is not None and frame.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    name = fn_or_name if isinstance(fn_or_name, str) else fn_or_name.__name__
    _wrapped_names.append(name)
    return fn_or_name


class Tracer:
    """Name of `torch.fx.Tracer`: subclassing works, tracing raises."""

    def __init__(self, autowrap_modules=(), autowrap_functions=(), param_shapes_constant=False):
        self.autowrap_modules, self.autowrap_functions = autowrap_modules, autowrap_functions

    def is_leaf_module(self, m, module_qualified_name: str) -> bool:
        return m.__module__.startswith(("torch.nn", "torchlike.nn")) and not type(m).__name__ == "Sequential"

    def trace(self, root, concrete_args=None):
        raise NotImplementedError(f"torch.fx.Tracer.trace: {_NO_FX}")


def symbolic_trace(root, concrete_args=None):
    """`torch.fx.symbolic_trace` builds an FX GraphModule; torchlike has no FX graphs."""
    raise NotImplementedError(f"torch.fx.symbolic_trace: {_NO_FX}")
