"""Tensor's methods: the registry's operators as methods, in-place methods and dunders, and the
hand-written methods operator families install, each set once.

Every Tensor attribute defined outside `_tensor.py` goes through `install`, which refuses a
name set twice (by two families, or over one `_tensor.py` defines), so no import order decides
which definition wins. `attach_methods` then generates the methods of registry ops that no family
wrote by hand."""
from __future__ import annotations

import sys

import jax.numpy as jnp

from .. import _autograd
from .. import _dtype as D
from .. import _views
from .._tensor import Tensor
from .op import OPS, T, op
from .kernel import run_kernel


def _method(o):
    def method(self, *args, **kwargs):
        return o(self, *args, **kwargs)
    method.__name__ = o.name
    method.__doc__ = o.__doc__
    return method


# View kernels that can make several elements share one memory location (a zero stride).
_OVERLAPPING_VIEWS = frozenset({"ExpandBackward0", "AsStridedBackward0"})
# In-place ops PyTorch lets write into such a view (each location gets one value, whatever the element).
OVERLAP_OK = frozenset({"fill", "zero", "masked_fill", "index_fill"})


def has_internal_overlap(t: Tensor) -> bool:
    """Do several elements of t share one memory location (a zero stride, as an expanded view has)?"""
    chain = t._chain
    if chain is None or not any(k.grad_name in _OVERLAPPING_VIEWS for k in chain):
        return False
    strides, _ = _views.strides_of(t)
    return any(n > 1 and s == 0 for n, s in zip(t.shape, strides))


def check_no_internal_overlap(t: Tensor) -> None:
    """PyTorch's refusal to write in place into a tensor whose elements share memory (an expanded view)."""
    if has_internal_overlap(t):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a single "
                           "memory location. Please clone() the tensor before performing the operation.")


# Fill-like ops PyTorch still allows into overlapping memory, with a deprecation warning.
_DEPRECATED_ON_EXPANDED = {"masked_fill": "tensor[mask] = scalar", "index_fill": "tensor[mask] = scalar"}


def warn_if_expanded(t: Tensor, name: str) -> None:
    if name in _DEPRECATED_ON_EXPANDED and has_internal_overlap(t):
        import warnings
        warnings.warn(f"Use of {name}_ on expanded tensors is deprecated. Please clone() the tensor before "
                      "performing this operation. This also applies to advanced indexing e.g. "
                      f"{_DEPRECATED_ON_EXPANDED[name]}", UserWarning, stacklevel=3)


def check_inplace(t: Tensor, overlap_ok: bool = False) -> None:
    """PyTorch's refusals for in-place writes: into overlapping memory, and under autograd."""
    if not overlap_ok:
        check_no_internal_overlap(t)
    if _autograd.is_grad_enabled():
        if t.requires_grad and t.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        base = t._base
        if base is not None and base.requires_grad and base.grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
        if getattr(t, "_multi_view", False) and t.grad_fn is not None:  # split/chunk/unbind outputs
            raise RuntimeError(f"Output {t._output_nr} of {t.grad_fn.name().removesuffix('Backward0')} is a view and "
                               "is being modified inplace. This view is the output of a function that returns "
                               "multiple views. Such functions do not allow the output views to be modified inplace. "
                               "You should replace the inplace operation by an out-of-place one.")


def assign(t: Tensor, result: Tensor) -> Tensor:
    """Make `result` the new value of `t` in place: cast back to t's dtype, write the storage,
    and rebase t's history (and its base's, for a view) onto the op that produced it."""
    if result.dtype is not t.dtype:
        if not D.can_cast(result.dtype, t.dtype):
            raise RuntimeError(f"result type {result.dtype.legacy} can't be cast to the desired output type "
                               f"{t.dtype.legacy}")
        result = result.to(t.dtype)
    if tuple(result.shape) != tuple(t.shape):
        raise RuntimeError(f"output with shape {list(t.shape)} doesn't match the broadcast shape "
                           f"{list(result.shape)}")
    recording = result.requires_grad and _autograd.is_grad_enabled()
    if recording and t._base is not None:
        # Writing through a view: the base's history becomes CopySlices(old base, result).
        base = t._base
        new_base = copy_slices(base, result, t._chain)
        base._write(new_base._data)
        base._requires_grad, base.grad_fn, base._output_nr = True, new_base.grad_fn, new_base._output_nr
    else:
        t._write(result._data)
    if recording:
        t._requires_grad, t.grad_fn, t._output_nr = True, result.grad_fn, result._output_nr
        if hasattr(result.grad_fn, "rebase_versions"):
            result.grad_fn.rebase_versions(t)
        _refresh_views(t)
    return t


# ----- CopySlices: a write through a view, recorded on the base -----
@op(method=False, linear=True, grad_name="CopySlices")
def _copy_slices_op(base: T, src: T, chain_id):
    chain = _CHAINS[chain_id]
    if _views.reinterprets(chain):  # (a real/imag/conj view: positions within complex elements)
        return _views.scatter_reinterpreted(base, _views.reinterpreting_index(chain, base), src)
    index = _views.view_positions(chain, base)
    return base.ravel().at[index.ravel()].set(jnp.broadcast_to(src, index.shape).ravel().astype(base.dtype)).reshape(
        base.shape)


# chain id -> chain, for the kernel (a static argument must be hashable). Entries hold the chain's
# kernels alive, so an id is never reused while its entry (and a kernel traced with it) exists.
_CHAINS: dict = {}


def copy_slices(base, src, chain):
    """The base after writing `src` through the view `chain`: PyTorch's CopySlices node."""
    cid = tuple(id(k) for k in chain)
    _CHAINS.setdefault(cid, chain)
    return _copy_slices_op(base, src, cid)


def _refresh_views(t: Tensor) -> None:
    """Other views of the storage now read values with a new history: re-derive their grad_fn
    from the base, as PyTorch regenerates a view's grad_fn after its base changed in place."""
    views = t._storage.views
    if not views:
        return
    base = t._base if t._base is not None else t
    for v in list(views):
        if v is t or v._base is not base:
            continue
        cur = base
        for k in v._chain:
            cur = run_kernel(k, [cur._data], [cur])
        if cur.grad_fn is not None:
            cur.grad_fn._name = "AsStridedBackward0"  # PyTorch's name for a regenerated view
        v._requires_grad, v.grad_fn, v._output_nr = True, cur.grad_fn, cur._output_nr


def inplace_method(fn, name: str | None = None):
    """`Tensor.<name>_` from an out-of-place op or function: PyTorch's in-place refusals, the op, then
    its result written into self (`assign`)."""
    name = name or getattr(fn, "name", None) or fn.__name__
    overlap_ok = name in OVERLAP_OK

    def method(self, *args, **kwargs):
        check_inplace(self, overlap_ok)
        if overlap_ok:
            warn_if_expanded(self, name)
        return assign(self, fn(self, *args, **kwargs))
    method.__name__ = name + "_"
    return method


# PyTorch's reflected dunders written in C: called unbound on a non-Tensor (Tensor.__radd__(2, t)),
# they refuse it as a method descriptor does. Its others are Python functions, which just run.
_C_REFLECTED = {"add", "mul", "and", "or", "xor"}


def _binary(name, reflected=False, dunder_name=None):
    def dunder(self, other):
        o = OPS[name]
        if dunder_name is not None and not isinstance(self, Tensor):
            raise TypeError(f"descriptor '{dunder_name}' for 'torch._C.TensorBase' objects doesn't apply to a "
                            f"'{type(self).__name__}' object")
        try:
            return o(other, self) if reflected else o(self, other)
        except TypeError:
            if not isinstance(other, (Tensor, int, float, complex, bool)) or not isinstance(self, Tensor):
                return NotImplemented  # (as PyTorch's Python-level dunders turn a TypeError into)
            raise
    return dunder


_DUNDERS = {
    "add": "add", "sub": "sub", "mul": "mul", "truediv": "div", "floordiv": "floor_divide",
    "mod": "remainder", "pow": "pow", "matmul": "matmul", "and": "bitwise_and", "or": "bitwise_or",
    "xor": "bitwise_xor", "lshift": "bitwise_left_shift", "rshift": "bitwise_right_shift",
}
_COMPARE = {"eq": "eq", "ne": "ne", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge"}


_installed: dict = {}  # Tensor attribute -> the module that installed it


def install(name: str, value) -> None:
    """Set Tensor.<name>; a name already installed, or defined in `_tensor.py`, is an error."""
    owner = sys._getframe(1).f_globals.get("__name__", "?")
    if name in _installed:
        raise RuntimeError(f"Tensor.{name} is installed twice: by {_installed[name]} and by {owner}")
    if name in Tensor.__dict__:
        raise RuntimeError(f"Tensor.{name} is defined in torchlike._tensor; {owner} may not replace it")
    setattr(Tensor, name, value)
    _installed[name] = owner


def attach_methods() -> None:
    """The generated methods: each registry op's method and in-place method unless a family wrote it
    by hand, and the arithmetic, comparison and unary dunders."""
    for o in list(OPS.values()):
        for n in [o.name] + list(o.aliases):
            if o.method and n not in _installed and n not in Tensor.__dict__:
                install(n, _method(o))
            if o.inplace and n + "_" not in _installed and n + "_" not in Tensor.__dict__:
                install(n + "_", inplace_method(o))
    for d, n in _DUNDERS.items():
        if n in OPS:
            install(f"__{d}__", _binary(n))
            install(f"__r{d}__", _binary(n, True, f"__r{d}__" if d in _C_REFLECTED else None))
            if OPS[n].inplace:
                install(f"__i{d}__", getattr(Tensor, n + "_"))
    for d, n in _COMPARE.items():
        if n in OPS:
            install(f"__{d}__", _binary(n))
    for d, n in {"neg": "neg", "abs": "abs", "pos": "positive"}.items():
        if n in OPS:
            install(f"__{d}__", _method(OPS[n]))
    install("__invert__", _invert)


def _invert(self):
    # `~x` on a float tensor is refused by the operator itself (TypeError), before bitwise_not's kernel.
    if self.dtype.is_floating_point or self.dtype.is_complex:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return OPS["bitwise_not"](self)
