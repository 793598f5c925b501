"""Parameter and Buffer: the tensor kinds a Module registers when assigned as attributes."""
from __future__ import annotations

from .._tensor import Tensor


def _share(dst: Tensor, src: Tensor) -> None:
    """Make dst an alias of src's storage (the same memory, as PyTorch's `_make_subclass`)."""
    dst._storage, dst._chain = src._storage, src._chain
    if src._chain is not None:
        dst._cache, dst._cache_ver = src._data, src._storage.version


class Parameter(Tensor):
    """Mirrors `torch.nn.Parameter`: a leaf tensor sharing the given tensor's storage."""

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            from .._ops.creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        p = object.__new__(cls)
        _share(p, data)
        p.requires_grad = requires_grad
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self) -> str:
        from .._tensor_str import tensor_repr
        return "Parameter containing:\n" + tensor_repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (Tensor._wrap(self._data).detach(), self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        p = type(self)(Tensor._wrap(self._data), self.requires_grad)
        if self.grad is not None:
            p.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = p
        return p


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    """isinstance(t, Buffer) is true for tensors made by Buffer(...), as in PyTorch."""

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and getattr(obj, "_is_buffer", False)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Mirrors `torch.nn.Buffer`: marks a tensor to be registered as a buffer when assigned to a
    Module attribute. Like PyTorch, returns a plain Tensor (detached alias) carrying the mark."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True):
        if data is None:
            from .._ops.creation import empty
            data = empty(0)
        t = data.detach()
        t._requires_grad = data.requires_grad
        t.persistent = persistent
        t._is_buffer = True
        return t
