"""torch.nn.utils.parametrize: a tensor of a module computed from other tensors on every access."""
from __future__ import annotations

import contextlib

from ..._tensor import Tensor
from ..modules.container import ModuleDict, ModuleList
from ..modules.module import Module
from ..parameter import Parameter

__all__ = ["ParametrizationList", "cached", "is_parametrized", "register_parametrization", "remove_parametrizations",
           "type_before_parametrizations"]


class ParametrizationList(ModuleList):
    """Mirrors `torch.nn.utils.parametrize.ParametrizationList`: the parametrizations of one tensor
    and its unconstrained value(s), `original` (or `original0`, `original1`, ... when the first
    parametrization's right_inverse returns several tensors)."""

    def __init__(self, modules, original: Tensor, unsafe: bool = False) -> None:
        super().__init__(modules)
        self.unsafe = unsafe
        first = modules[0]
        new = first.right_inverse(original) if hasattr(first, "right_inverse") else original
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        req = original.requires_grad
        if self.is_tensor:
            self.original = Parameter(new.detach(), req) if isinstance(original, Parameter) else new
        else:
            for i, t in enumerate(new):
                setattr(self, f"original{i}", Parameter(t.detach(), req))

    def right_inverse(self, value: Tensor) -> None:
        from ... import no_grad
        with no_grad():
            for m in reversed(list(self)):
                if hasattr(m, "right_inverse"):
                    value = m.right_inverse(value)
            values = [value] if self.is_tensor else list(value)
            names = ["original"] if self.is_tensor else [f"original{i}" for i in range(self.ntensors)]
            for name, v in zip(names, values):
                getattr(self, name).copy_(v)

    def forward(self) -> Tensor:
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for m in list(self)[1:]:
            x = m(x)
        return x


def _property(name: str):
    def get(self):
        return self.parametrizations[name]()

    def set_(self, value):
        self.parametrizations[name].right_inverse(value)
    return property(get, set_)


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Mirrors `torch.nn.utils.parametrize.register_parametrization`."""
    if is_parametrized(module, tensor_name):
        module.parametrizations[tensor_name].append(parametrization)
        return module
    if tensor_name not in module._parameters and tensor_name not in module._buffers:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with "
                         f"name '{tensor_name}'")
    original = getattr(module, tensor_name)
    if not is_parametrized(module):
        cls = module.__class__
        module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {"_orig_class": cls})
        module.parametrizations = ModuleDict()
    plist = ParametrizationList([parametrization], original, unsafe=unsafe)
    module._parameters.pop(tensor_name, None)
    module._buffers.pop(tensor_name, None)
    module.parametrizations[tensor_name] = plist
    setattr(module.__class__, tensor_name, _property(tensor_name))
    return module


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Mirrors `torch.nn.utils.parametrize.is_parametrized`."""
    plist = getattr(module, "parametrizations", None)
    if not isinstance(plist, ModuleDict):
        return False
    return len(plist) > 0 if tensor_name is None else tensor_name in plist


def remove_parametrizations(module: Module, tensor_name: str, leave_parametrized: bool = True) -> Module:
    """Mirrors `torch.nn.utils.parametrize.remove_parametrizations`."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    if leave_parametrized:
        value = Parameter(getattr(module, tensor_name).detach())
    elif plist.is_tensor:
        value = plist.original
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in "
                         "terms of a sequence of tensors.")
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    module.register_parameter(tensor_name, value if isinstance(value, Parameter) else Parameter(value))
    if not is_parametrized(module):
        del module.parametrizations
        module.__class__ = module.__class__._orig_class
    return module


def type_before_parametrizations(module: Module) -> type:
    """Mirrors `torch.nn.utils.parametrize.type_before_parametrizations`."""
    return module.__class__._orig_class if is_parametrized(module) else type(module)


@contextlib.contextmanager
def cached():
    """Mirrors `torch.nn.utils.parametrize.cached` (values are recomputed on each access)."""
    yield
