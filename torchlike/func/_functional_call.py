"""torch.func.functional_call: run a module with some of its parameters and buffers replaced."""
from __future__ import annotations

import contextlib

from .._tensor import Tensor


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights: bool = True,
                    strict: bool = False):
    """Mirrors `torch.func.functional_call`: the replacements (any tensors, e.g. ones wrapping the tracers
    of grad or vmap) are swapped in for the call and the originals restored afterwards, also on error."""
    values = _merge(parameter_and_buffer_dicts)
    if tie_weights:
        values = _with_tied(module, values)
    if strict:
        _check_strict(module, values)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, values):
        return module(*args, **(kwargs or {}))


def _merge(dicts) -> dict:
    if isinstance(dicts, dict):
        return dict(dicts)
    merged: dict = {}
    for d in dicts:
        repeated = [k for k in d if k in merged]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
        merged.update(d)
    return merged


def _tensor_names(module) -> dict:
    """Every name under which a parameter or buffer is reachable (tied ones under each), by tensor identity."""
    groups: dict = {}
    members = list(module.named_parameters(remove_duplicate=False)) + list(module.named_buffers(remove_duplicate=False))
    for name, t in members:
        groups.setdefault(id(t), []).append(name)
    return groups


def _with_tied(module, values: dict) -> dict:
    """Give every name tied to a replaced one (the same Parameter under two names) the same replacement."""
    out = dict(values)
    for names in _tensor_names(module).values():
        given = [n for n in names if n in values]
        if len(names) < 2 or not given:
            continue
        if any(values[n] is not values[given[0]] for n in given[1:]):
            raise ValueError(f"functional_call got multiple values for keys {sorted(given)}, which are tied. Consider "
                             "using tie_weights=False")
        for n in names:
            out.setdefault(n, values[given[0]])
    return out


def _check_strict(module, values: dict) -> None:
    known = {n for names in _tensor_names(module).values() for n in names}
    unexpected = [k for k in values if k not in known]
    missing = sorted(known - set(values))
    errors = []
    if unexpected:
        errors.append("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".")
    if missing:
        errors.append("Missing key(s): " + ", ".join(repr(k) for k in missing) + ".")
    if errors:
        raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t" + "\n\t".join(errors))


def _owner(module, key: str):
    """The submodule holding `key` ("a.b.weight" -> (module.a.b, "weight")), with PyTorch's errors."""
    from ..nn import Module
    *path, name = key.split(".")
    mod = module
    for item in path:
        if not hasattr(mod, item):
            raise AttributeError(f"{type(mod).__name__} has no attribute `{item}`")
        sub = getattr(mod, item)
        if not isinstance(sub, Module):
            raise TypeError(f"submodule `{item}`: {sub} is not an instance of torch.nn.Module")
        mod = sub
    return mod, name


_MISSING = object()


def _swap(mod, name: str, value):
    """Put value in place of mod.<name>; returns what restores it."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{value} is not an instance of torch.Tensor")
    for store in (mod._parameters, mod._buffers):
        if name in store:
            old = store[name]
            store[name] = value
            return store, name, old
    old = mod.__dict__.get(name, _MISSING)
    mod.__dict__[name] = value
    return mod.__dict__, name, old


@contextlib.contextmanager
def _swapped(module, values: dict):
    undo = []
    try:
        for key, value in values.items():
            undo.append(_swap(*_owner(module, key), value))
        yield
    finally:
        for store, name, old in reversed(undo):
            if old is _MISSING:
                del store[name]
            else:
                store[name] = old
