"""torch.jit with eager semantics. Mirrors the `torch.jit` names libraries use.

torchlike has no TorchScript: `script` and `trace` return the function or Module they are given,
unchanged, so code decorated for TorchScript runs as plain eager PyTorch code would (no
TorchScript IR is built, nothing is type-checked or optimised). `is_scripting()` and
`is_tracing()` are therefore always False, which is what PyTorch's give outside TorchScript.
Saving and loading TorchScript archives (`save`, `load`) is not supported.
"""
from __future__ import annotations

import typing
import warnings

from ._futures import Future, fork, wait

__all__ = ["Attribute", "Final", "Future", "ScriptFunction", "ScriptModule", "annotate", "export", "fork",
           "ignore", "interface", "is_scripting", "is_tracing", "load", "save", "script", "script_if_tracing",
           "trace", "trace_module", "unused", "wait"]

Final = typing.Final  # PyTorch's torch.jit.Final is typing.Final too


def is_scripting() -> bool:
    """Mirrors `torch.jit.is_scripting`: False, since code here never runs as TorchScript."""
    return False


def is_tracing() -> bool:
    """Mirrors `torch.jit.is_tracing`: False, since `trace` does not record a TorchScript graph."""
    return False


class ScriptModule:
    """Name of `torch.jit.ScriptModule`. `script` never produces one (it returns the eager Module),
    so `isinstance(m, torch.jit.ScriptModule)` is False, as for an unscripted PyTorch module."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("torch.jit.ScriptModule: TorchScript is not supported by torchlike "
                                  "(torch.jit.script returns the eager module)")


class ScriptFunction:
    """Name of `torch.jit.ScriptFunction`; never instantiated (see `ScriptModule`)."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("torch.jit.ScriptFunction: TorchScript is not supported by torchlike "
                                  "(torch.jit.script returns the eager function)")


RecursiveScriptModule = ScriptModule
TopLevelTracedModule = ScriptModule


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """Mirrors `torch.jit.script` with eager semantics: returns `obj` unchanged (no TorchScript IR)."""
    return obj


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-05,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs=True):
    """Mirrors `torch.jit.trace` with eager semantics: returns `func` unchanged; nothing is recorded,
    so Python control flow keeps following the inputs (a real trace would freeze it)."""
    return func


def trace_module(mod, inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-05,
                 strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
                 example_inputs_is_kwarg=False, _store_inputs=True):
    """Mirrors `torch.jit.trace_module` with eager semantics: returns the module unchanged."""
    return mod


def script_if_tracing(fn):
    """Mirrors `torch.jit.script_if_tracing`: tracing never happens here, so `fn` itself."""
    return fn


def ignore(drop=False, **kwargs):
    """Mirrors `torch.jit.ignore`: marks a function the compiler leaves as Python; eagerly, the function
    itself. Usable bare (`@ignore`) or called (`@ignore(drop=True)`, deprecated in PyTorch too)."""
    if callable(drop):
        return drop
    if not isinstance(drop, bool):
        raise RuntimeError(f"Argument to @torch.jit.ignore must be a bool or a function but got {drop}")
    if drop:
        warnings.warn("ignore(True) has been deprecated. TorchScript will now drop the function call on "
                      "compilation. Use torch.jit.unused now. {}", category=FutureWarning, stacklevel=2)
    return lambda fn: fn


def unused(fn):
    """Mirrors `torch.jit.unused`: the function itself when not compiling (properties included)."""
    return fn


def export(fn):
    """Mirrors `torch.jit.export`: marks a method as a TorchScript entry point; eagerly, the method."""
    return fn


def interface(obj):
    """Mirrors `torch.jit.interface`: the class itself (its methods are only a TorchScript type)."""
    if not isinstance(obj, type):
        raise RuntimeError("interface must be applied to a class")
    return obj


def annotate(the_type, the_value):
    """Mirrors `torch.jit.annotate`: a type hint for TorchScript; the value itself."""
    return the_value


class Attribute(typing.NamedTuple):
    """Mirrors `torch.jit.Attribute(value, type)`; eagerly scripts use `.value`."""
    value: typing.Any
    type: typing.Any


def _overload(func):
    """Mirrors `torch.jit._overload`: records nothing eagerly; the decorated declaration itself."""
    return func


def _overload_method(func):
    """Mirrors `torch.jit._overload_method`: the decorated declaration itself."""
    return func


def save(m, f, _extra_files=None):
    """`torch.jit.save` writes a TorchScript archive; torchlike has no TorchScript."""
    raise NotImplementedError("torch.jit.save: TorchScript archives are not supported by torchlike "
                              "(save the state_dict with torch.save instead)")


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """`torch.jit.load` reads a TorchScript archive; torchlike has no TorchScript."""
    raise NotImplementedError("torch.jit.load: TorchScript archives are not supported by torchlike "
                              "(load a state_dict with torch.load instead)")


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """`torch.jit.freeze` optimises a ScriptModule; `script` returns eager modules, so nothing to freeze."""
    raise NotImplementedError("torch.jit.freeze: TorchScript modules are not supported by torchlike")
