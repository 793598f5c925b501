"""`torch.masked.MaskedTensor`, a prototype in PyTorch: a tensor's data with a bool mask of the
elements that count. PyTorch builds it as a Tensor subclass on `__torch_dispatch__`, which torchlike
does not have; here it is a wrapper with PyTorch's constructors, validation, printing, `get_data`,
`get_mask`, `to_tensor`, the elementwise unary and binary methods (operators included), the
reduction methods (sum, mean, amax, ...; their result's mask says which slices kept an element),
indexing, and gradients for a leaf made with `requires_grad=True` (or through `as_masked_tensor`).
The `torchlike.masked` operators take one as input. Anything else raises NotImplementedError naming
MaskedTensor: it is not a `torchlike.Tensor`, so `torchlike.<function>(mt)` is not supported.
"""
from __future__ import annotations

import warnings

import torchlike as _t

from .. import _dtype as D

__all__ = ["MaskedTensor", "as_masked_tensor", "is_masked_tensor", "masked_tensor"]

_PROTOTYPE = ("The PyTorch API of MaskedTensors is in prototype stage and will change in the near future. Please "
              "open a Github issue for features requests and see our documentation on the torch.masked module for "
              "further information about the project.")
_DTYPES = ("float16", "float32", "float64", "bool", "int8", "int16", "int32", "int64")
_UNARY = ("abs", "absolute", "acos", "arccos", "acosh", "arccosh", "angle", "asin", "arcsin", "asinh", "arcsinh",
          "atan", "arctan", "atanh", "arctanh", "bitwise_not", "ceil", "clamp", "clip", "conj_physical", "cos", "cosh",
          "deg2rad", "digamma", "erf", "erfc", "erfinv", "exp", "exp2", "expm1", "fix", "floor", "frac", "lgamma",
          "log", "log10", "log1p", "log2", "logit", "i0", "isnan", "nan_to_num", "neg", "negative", "positive",
          "pow", "rad2deg", "reciprocal", "round", "rsqrt", "sigmoid", "sign", "sgn", "signbit", "sin", "sinc",
          "sinh", "sqrt", "square", "tan", "tanh", "trunc", "to", "float", "double", "half", "int", "long", "bool",
          "conj", "contiguous")
_BINARY = ("add", "atan2", "arctan2", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
           "bitwise_right_shift", "div", "divide", "floor_divide", "fmod", "logaddexp", "logaddexp2", "mul",
           "multiply", "nextafter", "remainder", "sub", "subtract", "true_divide", "eq", "ne", "le", "ge", "greater",
           "greater_equal", "gt", "less_equal", "lt", "less", "maximum", "minimum", "fmax", "fmin", "not_equal")
_REDUCTIONS = ("sum", "mean", "amin", "amax", "argmin", "argmax", "prod", "all", "var", "std")
_DUNDERS = {"__add__": "add", "__sub__": "sub", "__mul__": "mul", "__truediv__": "div", "__floordiv__": "floor_divide",
            "__mod__": "remainder", "__and__": "bitwise_and", "__or__": "bitwise_or", "__xor__": "bitwise_xor",
            "__eq__": "eq", "__ne__": "ne", "__lt__": "lt", "__le__": "le", "__gt__": "gt", "__ge__": "ge"}
# (PyTorch's MaskedTensor has no reflected subtraction: `2 - mt` is a TypeError there too.)
_REFLECTED = {"__radd__": "__add__", "__rmul__": "__mul__", "__rtruediv__": "__truediv__",
              "__rfloordiv__": "__floordiv__", "__rmod__": "__mod__"}


def is_masked_tensor(obj, /) -> bool:
    """Mirrors `torch.masked.is_masked_tensor`."""
    return isinstance(obj, MaskedTensor)


def _not_implemented(what: str):
    return NotImplementedError(f"MaskedTensor.{what} is not implemented in torchlike (MaskedTensor is a prototype in "
                               "PyTorch; torchlike has its constructors, get_data/get_mask/to_tensor, elementwise "
                               "and reduction methods)")


class MaskedTensor:
    """Mirrors `torch.masked.MaskedTensor(data, mask, requires_grad=False)` (strided tensors only)."""

    __hash__ = object.__hash__

    def __init__(self, data, mask, requires_grad=False):
        if is_masked_tensor(data) or not isinstance(data, _t.Tensor):
            raise TypeError("data must be a Tensor")
        if is_masked_tensor(mask) or not isinstance(mask, _t.Tensor):
            raise TypeError("mask must be a Tensor")
        warnings.warn(_PROTOTYPE, UserWarning, stacklevel=2)
        if data.requires_grad:
            warnings.warn("It is not recommended to create a MaskedTensor with a tensor that requires_grad. To avoid "
                          "this, you can use data.detach().clone()", UserWarning, stacklevel=2)
        if data.layout != mask.layout:
            raise TypeError("data and mask must have the same layout.")
        if str(data.layout) != "torch.strided":
            raise NotImplementedError(f"MaskedTensor with {data.layout} data is not implemented in torchlike")
        # A leaf of its own: gradients of what is computed from it collect on this copy.
        data = data.detach().clone()
        self._set(data.requires_grad_(True) if requires_grad else data, mask.clone())

    @classmethod
    def _wrap(cls, data, mask):
        """A MaskedTensor over data as it is (its autograd history kept), without the constructor's warnings."""
        mt = object.__new__(cls)
        mt._set(data, mask)
        return mt

    @classmethod
    def _from_values(cls, data, mask):
        """The differentiable constructor (`as_masked_tensor`): gradients flow back to data."""
        if is_masked_tensor(data) or not isinstance(data, _t.Tensor):
            raise TypeError("data must be a Tensor")
        if is_masked_tensor(mask) or not isinstance(mask, _t.Tensor):
            raise TypeError("mask must be a Tensor")
        warnings.warn(_PROTOTYPE, UserWarning, stacklevel=2)
        return cls._wrap(data.clone(), mask.clone())

    def _set(self, data, mask):
        if mask.dtype is not D.bool_:
            raise TypeError("mask must have dtype bool.")
        if data.dtype.name not in _DTYPES:
            raise TypeError(f"{data.dtype} is not supported in MaskedTensor.")
        if data.dim() != mask.dim():
            raise ValueError("data.dim() must equal mask.dim()")
        if tuple(data.shape) != tuple(mask.shape):
            raise ValueError("data.size() must equal mask.size()")
        self._masked_data, self._masked_mask = data, mask

    # ----- what it is -----
    shape = property(lambda self: self._masked_data.shape)
    dtype = property(lambda self: self._masked_data.dtype)
    device = property(lambda self: self._masked_data.device)
    layout = property(lambda self: self._masked_data.layout)
    ndim = property(lambda self: self._masked_data.ndim)
    requires_grad = property(lambda self: self._masked_data.requires_grad)
    is_leaf = property(lambda self: self._masked_data.is_leaf)
    is_sparse = property(lambda self: False)

    def dim(self):
        return self._masked_data.dim()

    def size(self, dim=None):
        return self._masked_data.size() if dim is None else self._masked_data.size(dim)

    def numel(self):
        return self._masked_data.numel()

    def is_sparse_coo(self):
        return False

    def is_sparse_csr(self):
        return False

    def __len__(self):
        return len(self._masked_data)

    # ----- data, mask, gradients -----
    def get_data(self):
        """The data, masked-out elements included, still connected to this tensor's gradient."""
        return self._masked_data.view(tuple(self.shape))

    def get_mask(self):
        return self._masked_mask

    def to_tensor(self, value):
        """A plain tensor with the masked-out elements set to value."""
        return self._masked_data.masked_fill(~self._masked_mask, value)

    @property
    def grad(self):
        g = self._masked_data.grad
        return None if g is None else MaskedTensor._wrap(g, self._masked_mask)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        if is_masked_tensor(gradient):
            gradient = gradient._masked_data
        self._masked_data.backward(gradient, retain_graph=retain_graph, create_graph=create_graph)

    def detach(self):
        return MaskedTensor._wrap(self._masked_data.detach(), self._masked_mask)

    def clone(self):
        return MaskedTensor._wrap(self._masked_data.clone(), self._masked_mask.clone())

    def requires_grad_(self, requires_grad=True):
        self._masked_data.requires_grad_(requires_grad)
        return self

    def __getitem__(self, index):
        return MaskedTensor._wrap(self._masked_data[index], self._masked_mask[index])

    def __getattr__(self, name):
        if name.startswith("_") or not hasattr(_t.Tensor, name):
            raise AttributeError(f"'MaskedTensor' object has no attribute '{name}'")
        raise _not_implemented(name)

    def __repr__(self):
        fmt = "{0:8.4f}"
        if self.dim() == 0:
            v = self._masked_data.item()
            text = fmt.format(v) if isinstance(v, float) else str(v)
            keep = bool(self._masked_mask.item())
            return f"MaskedTensor({text if keep else '--'}, {keep})"
        body = _rows(self._masked_data.detach(), self._masked_mask, fmt)
        return "MaskedTensor(\n" + "\n".join("  " + line for line in body.split("\n")) + "\n)"

    # ----- elementwise -----
    def _binary(self, name, other, reflected=False, **kwargs):
        if kwargs:
            raise ValueError("len(kwargs) must equal 0")
        if is_masked_tensor(other) and not _same_mask(self._masked_mask, other._masked_mask):
            raise ValueError("Input masks must match. If you need support for this, please open an issue on Github.")
        o = other._masked_data if is_masked_tensor(other) else other
        a, b = (o, self._masked_data) if reflected else (self._masked_data, o)
        out = _binary_fn(name)(a, b)
        return MaskedTensor._wrap(out, self._masked_mask.expand_as(out))

    def _reduce(self, name, *args, **kwargs):
        fn = _masked_all if name == "all" else getattr(_ops(), name)
        mask = self._masked_mask
        if not args and not kwargs:
            data = fn(self._masked_data, mask=mask) if name == "all" else fn(self, mask=mask)
            return as_masked_tensor(data, mask.any())
        dim, keepdim, dtype = _reduce_args(*args, **kwargs)
        if name == "all":
            data = fn(self._masked_data, dim=dim, keepdim=keepdim, mask=mask)
        else:
            data = fn(self, dim=dim, keepdim=keepdim, dtype=dtype, mask=mask)
        return as_masked_tensor(data, _any_over(mask, dim, keepdim))


def _reduce_args(dim, keepdim=False, dtype=None):
    return dim, keepdim, dtype


def _ops():
    from . import _ops
    return _ops


def _binary_fn(name):
    fn = getattr(_t, name, None)
    if fn is None:
        raise _not_implemented(name)
    return fn


def _same_mask(a, b) -> bool:
    return a.dim() == b.dim() and tuple(a.shape) == tuple(b.shape) and bool(_t.eq(a, b).all())


def _masked_all(data, dim=None, keepdim=False, mask=None):
    filled = data if mask is None else data.masked_fill(~mask, True)
    return filled.all() if dim is None else _t.all(filled, dim=dim, keepdim=keepdim)


def _any_over(mask, dim, keepdim):
    for d in sorted([dim] if isinstance(dim, int) else dim, reverse=True):
        mask = _t.any(mask, dim=d, keepdim=keepdim)
    return mask


def _rows(data, mask, fmt) -> str:
    if data.dim() == 1:
        items = [(fmt.format(v) if isinstance(v, float) else str(v)) for v in data.tolist()]
        keep = mask.tolist()
        width = max(8 if not k else len(s) for s, k in zip(items, keep))
        return "[" + ", ".join(s if k else "--".rjust(width) for s, k in zip(items, keep)) + "]"
    subs = [_rows(d, m, fmt) for d, m in zip(data, mask)]
    subs = ["\n".join("  " + line for line in s.split("\n")) for s in subs]
    return "[\n" + ",\n".join(subs) + "\n]"


def _install():
    def unary(name):
        def fn(self, *args, **kwargs):
            method = getattr(self._masked_data, name, None)
            if method is None:
                raise _not_implemented(name)
            return MaskedTensor._wrap(method(*args, **kwargs), self._masked_mask)
        return fn

    def binary(name, reflected=False):
        return lambda self, other, **kwargs: self._binary(name, other, reflected, **kwargs)

    def reduction(name):
        return lambda self, *args, **kwargs: self._reduce(name, *args, **kwargs)

    for name in _UNARY:
        setattr(MaskedTensor, name, unary(name))
    for dunder, name in (("__neg__", "neg"), ("__abs__", "abs"), ("__pos__", "positive"), ("__invert__",
                                                                                          "bitwise_not")):
        setattr(MaskedTensor, dunder, unary(name))
    for name in _BINARY:
        setattr(MaskedTensor, name, binary(name))
    for dunder, name in _DUNDERS.items():
        setattr(MaskedTensor, dunder, binary(name))
    for dunder, plain in _REFLECTED.items():
        setattr(MaskedTensor, dunder, binary(_DUNDERS[plain], reflected=True))
    setattr(MaskedTensor, "__pow__", lambda self, e: MaskedTensor._wrap(self._masked_data ** e, self._masked_mask))
    for name in _REDUCTIONS:
        setattr(MaskedTensor, name, reduction(name))


_install()


def masked_tensor(data, mask, requires_grad=False):
    """Mirrors `torch.masked.masked_tensor`: a new leaf MaskedTensor over a copy of data."""
    return MaskedTensor(data, mask, requires_grad)


def as_masked_tensor(data, mask):
    """Mirrors `torch.masked.as_masked_tensor`: a MaskedTensor keeping data's autograd history."""
    return MaskedTensor._from_values(data, mask)
