"""Pickling for worker payloads: what cannot be imported by name travels by value.

By value: classes and functions of the script (`__main__`), classes and functions defined inside
a function (`<locals>` in their qualified name) and lambdas, with the staticmethod, classmethod and
property objects in such classes. A spawned worker cannot re-import the script (that would run it
again), so what the script defines is rebuilt from its code; the rebuilt classes are registered in
the worker's `__main__` so that objects sent back resolve to the script's own classes. Functions
and classes of an importable module, even when rebuilt by value, use that module's globals.
"""
from __future__ import annotations

import importlib
import io
import marshal
import pickle
import sys
import types


_MAIN_NAMES = ("__main__", "__mp_main__")
_CLASS_SKIP = ("__dict__", "__weakref__", "__module__", "__qualname__", "_abc_impl", "__slots__")


def _by_value(obj) -> bool:
    """Whether obj cannot be found again by module and name in a fresh process."""
    if getattr(obj, "__module__", None) in _MAIN_NAMES:
        return True
    return "<" in getattr(obj, "__qualname__", "")  # a lambda, or defined inside a function


def _global_names(code) -> set:
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _global_names(c)
    return names


def _main_ns() -> dict:
    return sys.modules["__main__"].__dict__


def _make_function(code_bytes, module, name, ncells):
    g = _main_ns() if module is None else importlib.import_module(module).__dict__
    g.setdefault("__builtins__", __builtins__)
    closure = tuple(types.CellType() for _ in range(ncells)) if ncells else None
    return types.FunctionType(marshal.loads(code_bytes), g, name, None, closure)


def _set_function_state(f, state):
    gvals, defaults, kwdefaults, fdict, cells, qualname = state
    for k, v in gvals.items():
        f.__globals__.setdefault(k, v)
    f.__defaults__, f.__kwdefaults__, f.__qualname__ = defaults, kwdefaults, qualname
    f.__dict__.update(fdict)
    for cell, v in zip(f.__closure__ or (), cells):
        if v is not _EMPTY:
            cell.cell_contents = v
    return f


def _make_class(metatype, name, bases, qualname, module="__main__", slots=None):
    namespace = {"__module__": module, "__qualname__": qualname}
    if slots is not None:
        namespace["__slots__"] = slots
    cls = metatype(name, bases, namespace)
    if module == "__main__":
        _main_ns().setdefault(name, cls)
    return cls


def _set_class_state(cls, state):
    for k, v in state.items():
        try:
            setattr(cls, k, v)
        except (AttributeError, TypeError):
            pass
    return cls


class _Empty:
    pass


_EMPTY = _Empty


class Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        if isinstance(obj, type) and _by_value(obj):
            return self._reduce_class(obj)
        if isinstance(obj, types.FunctionType) and _by_value(obj):
            return self._reduce_function(obj)
        if isinstance(obj, (staticmethod, classmethod)):
            return type(obj), (obj.__func__,)
        if isinstance(obj, property):
            return property, (obj.fget, obj.fset, obj.fdel, obj.__doc__)
        return NotImplemented

    @staticmethod
    def _reduce_class(cls):
        """Rebuilt empty, then given its attributes: methods may refer back to the class itself."""
        slots = cls.__dict__.get("__slots__")
        slot_names = {slots} if isinstance(slots, str) else set(slots or ())
        state = {k: v for k, v in cls.__dict__.items() if k not in _CLASS_SKIP and k not in slot_names}
        module = "__main__" if cls.__module__ in _MAIN_NAMES else cls.__module__
        args = (type(cls), cls.__name__, cls.__bases__, cls.__qualname__, module, slots)
        return _make_class, args, state, None, None, _set_class_state

    @staticmethod
    def _reduce_function(f):
        main = f.__module__ in ("__main__", "__mp_main__", None)
        g = f.__globals__
        gvals = {n: g[n] for n in _global_names(f.__code__) if n in g} if main else {}
        cells = []
        for c in f.__closure__ or ():
            try:
                cells.append(c.cell_contents)
            except ValueError:
                cells.append(_EMPTY)
        state = (gvals, f.__defaults__, f.__kwdefaults__, dict(f.__dict__), cells, f.__qualname__)
        args = (marshal.dumps(f.__code__), None if main else f.__module__, f.__name__, len(cells))
        return _make_function, args, state, None, None, _set_function_state


def dumps(obj) -> bytes:
    buf = io.BytesIO()
    Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()
