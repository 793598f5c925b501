"""torch.overrides: the `__torch_function__` helpers. Mirrors `torch.overrides`.

torchlike's operators do not dispatch `__torch_function__`: `torchlike.Tensor` does not define
the protocol, so Tensors and subclasses that do not define it themselves are not "overloaded"
(`has_torch_function` is False for them, where PyTorch's default `Tensor.__torch_function__`
would make it True for every subclass). `handle_torch_function` does run the protocol of the
objects given to it, so library code that checks `has_torch_function` and then calls
`handle_torch_function` works for objects implementing `__torch_function__`. Entering a
`TorchFunctionMode` raises NotImplementedError: torchlike's operators would not consult it.
"""
from __future__ import annotations

from ._tensor import Tensor

__all__ = ["TorchFunctionMode", "get_default_nowrap_functions", "handle_torch_function", "has_torch_function",
           "has_torch_function_unary", "has_torch_function_variadic", "is_tensor_like"]


def _overloaded(obj) -> bool:
    return getattr(type(obj), "__torch_function__", None) is not None


def has_torch_function(relevant_args) -> bool:
    """Mirrors `torch.overrides.has_torch_function`: whether any argument implements `__torch_function__`."""
    return any(_overloaded(a) for a in relevant_args)


def has_torch_function_unary(obj) -> bool:
    """Mirrors `torch.overrides.has_torch_function_unary`."""
    return _overloaded(obj)


def has_torch_function_variadic(*args) -> bool:
    """Mirrors `torch.overrides.has_torch_function_variadic`."""
    return has_torch_function(args)


def _overloaded_args(relevant_args) -> list:
    """PyTorch's order: one argument per type, subclasses before their parents, else left to right."""
    types, args = [], []
    for a in relevant_args:
        t = type(a)
        if not _overloaded(a) or t in types:
            continue
        index = len(args)
        for i, other in enumerate(args):
            if issubclass(t, type(other)):
                index = i
                break
        types.append(t)
        args.insert(index, a)
    return args


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Mirrors `torch.overrides.handle_torch_function`: calls each overloaded argument's
    `__torch_function__(public_api, types, args, kwargs)` until one returns something other than
    NotImplemented."""
    overloaded = _overloaded_args(relevant_args)
    types = tuple(type(a) for a in overloaded)
    for a in overloaded:
        result = a.__torch_function__(public_api, types, args, kwargs)  # bound: classmethod or plain method
        if result is not NotImplemented:
            return result
    name = getattr(public_api, "__qualname__", repr(public_api))
    raise TypeError(f"no implementation found for '{getattr(public_api, '__module__', '')}.{name}' on types "
                    f"that implement __torch_function__: {[type(a) for a in overloaded]}")


def is_tensor_like(inp) -> bool:
    """Mirrors `torch.overrides.is_tensor_like`: a Tensor, or an object implementing `__torch_function__`."""
    return isinstance(inp, Tensor) or hasattr(inp, "__torch_function__")


def get_default_nowrap_functions() -> set:
    """Mirrors `torch.overrides.get_default_nowrap_functions`: the Tensor property getters whose results
    `__torch_function__` implementations leave unwrapped."""
    getters = set()
    for name in ("_base", "grad", "_grad"):
        prop = getattr(Tensor, name, None)
        if isinstance(prop, property):
            getters.add(prop.__get__)
    return getters


class TorchFunctionMode:
    """Mirrors `torch.overrides.TorchFunctionMode`. Subclassing works; entering a mode raises, since
    torchlike's operators do not dispatch to `__torch_function__` modes."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError()

    def __enter__(self):
        raise NotImplementedError("torch.overrides.TorchFunctionMode: __torch_function__ modes are not supported "
                                  "by torchlike (its operators do not dispatch __torch_function__)")

    def __exit__(self, exc_type, exc_val, exc_tb):
        return None
