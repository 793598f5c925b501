"""Parameter and Buffer: the tensor kinds a Module registers when assigned as attributes."""
from __future__ import annotations

from .._tensor_str import tensor_repr
from .._tensor import Tensor


def _share(dst: Tensor, src: Tensor) -> None:
    """Make dst an alias of src's storage (the same memory, as PyTorch's `_make_subclass`)."""
    dst._storage, dst._chain = src._storage, src._chain
    if src._chain is not None:
        dst._cache, dst._cache_ver = src._data, src._storage.version


class Parameter(Tensor):
    """Mirrors `torch.nn.Parameter`: a leaf tensor sharing the given tensor's storage."""

    _is_param = True  # (how printing tells a parameter, as PyTorch's does)

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


class UninitializedTensorMixin:
    """A parameter or buffer whose shape is not known yet (lazy modules): it holds an empty tensor,
    whose dtype and device `Module.to` may still change, until `materialize` gives it a shape and
    turns it into `cls_to_become`."""

    cls_to_become = Tensor

    def materialize(self, shape, device=None, dtype=None) -> None:
        from .._ops.creation import empty
        device = self.device if device is None else device
        dtype = self.dtype if dtype is None else dtype
        self.data = empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to initialize "
                           "the parameters before calling `module.share_memory()`.")

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}>"

    def __reduce_ex__(self, protocol):
        return (self.__class__, (self.requires_grad,))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, self.device, self.dtype)
        return memo[id(self)]


def is_lazy(param) -> bool:
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """Mirrors `torch.nn.UninitializedParameter`."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        from .._ops.creation import empty
        p = object.__new__(cls)
        _share(p, empty(0, device=device, dtype=dtype))
        p.requires_grad = requires_grad
        return p

    def __init__(self, *args, **kwargs):
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """Mirrors `torch.nn.UninitializedBuffer`."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None, persistent: bool = True):
        from .._ops.creation import empty
        t = object.__new__(cls)
        _share(t, empty(0, device=device, dtype=dtype))
        t._requires_grad = requires_grad
        t.persistent, t._is_buffer = persistent, True
        return t

    def __init__(self, *args, **kwargs):
        pass
