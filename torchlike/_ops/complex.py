"""Complex tensors: real/imag views, conj (a lazy view, as PyTorch's conjugate bit), angle, polar,
complex, view_as_real/view_as_complex.

PyTorch's `real`, `imag`, `view_as_real`, `view_as_complex` and `conj` alias their input. Here they
are view kernels over the shared storage (see _tensor.py). Their index maps cannot be plain element
positions (a real view addresses half of a complex element, a conj view negates one half), so writes
through a chain holding one of them go through `reinterpreting_index` / `scatter_reinterpreted`,
which work in the storage's real-element space with signed 1-based positions.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .._engine.methods import install
from .. import _dtype as D
from .._tensor import Tensor
from .._engine.op import OPS, T, op
from .._engine.methods import _method, inplace_method

__all__ = ["real", "imag", "view_as_real", "view_as_complex", "conj", "resolve_conj", "resolve_neg", "is_conj",
           "is_neg", "is_complex"]

# Kernels (by grad_fn name) whose output elements are not whole elements of their input.


def _legacy(x) -> str:
    return D.from_numpy_dtype(x.dtype).legacy


# ----- the view kernels -----
@op(name="_view_as_real", view=True, linear=True, method=False, function=False, grad_name="ViewAsRealBackward0")
def _view_as_real(input: T):
    return jnp.stack([jnp.real(input), jnp.imag(input)], axis=-1)


@op(name="_view_as_complex", view=True, linear=True, method=False, function=False,
    grad_name="ViewAsComplexBackward0")
def _view_as_complex(input: T):
    re, im = input[..., 0], input[..., 1]
    if not jnp.issubdtype(re.dtype, jnp.floating):  # (an index map: see reinterpreting_index)
        re, im = re.astype(jnp.float64), im.astype(jnp.float64)
    return jax.lax.complex(re, im)


@op(name="_conj", view=True, linear=True, method=False, function=False, grad_name="ConjBackward0")
def _conj(input: T):
    return jnp.conj(input)


def view_as_real(input):
    """Mirrors `torch.view_as_real`: a complex tensor as a real one with a last dim of 2 (a view)."""
    if not input.dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    if is_conj(input):
        raise RuntimeError("view_as_real doesn't work on unresolved conjugated tensors.  To resolve the conjugate "
                           "tensor so you can view it as real, use self.resolve_conj(); however, be warned that the "
                           "resulting tensor will NOT alias the original.")
    return _view_as_real(input)


def view_as_complex(input):
    """Mirrors `torch.view_as_complex`: a float tensor whose last dim is 2 as a complex tensor (a view)."""
    if input.dtype not in (D.float32, D.float64, D.float16):
        raise RuntimeError(f"view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {input.dtype.legacy}")
    if input.dtype is D.float16:
        raise NotImplementedError("torchlike: complex32 (view_as_complex of a half tensor) has no XLA counterpart")
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if input.stride(-1) != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if input.ndim > 1 and any(s % 2 for s in input.stride()[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return _view_as_complex(input)


def real(input):
    """Mirrors `torch.real`: the real part of a complex tensor as a view; a real tensor itself."""
    if not input.dtype.is_complex:
        return input
    return OPS["select"](_view_as_real(input), -1, 0)


def imag(input):
    """Mirrors `torch.imag`: the imaginary part of a complex tensor as a view."""
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return OPS["select"](_view_as_real(input), -1, 1)


def conj(input):
    """Mirrors `torch.conj`: a lazily conjugated view of a complex tensor (is_conj() is True); a real
    tensor itself."""
    return _conj(input) if input.dtype.is_complex else input


def _conj_parity(t) -> bool:
    return sum(k.grad_name == "ConjBackward0" for k in (t._chain or ())) % 2 == 1


def is_conj(input) -> bool:
    """Mirrors `torch.is_conj`: whether the tensor is a conjugated view not yet resolved."""
    return input.dtype.is_complex and _conj_parity(input)


def is_neg(input) -> bool:
    """Mirrors `torch.is_neg`: the imaginary part of a conjugated view reads negated memory."""
    chain = input._chain or ()
    if input.dtype.is_complex or not _conj_parity(input) or len(chain) < 2:
        return False
    return chain[-1].grad_name == "SelectBackward0" and _selects_imag(input)


def _selects_imag(t) -> bool:
    """Does t's chain end with selecting the imaginary half (index 1) of a view_as_real?"""
    chain = t._chain
    if chain[-2].grad_name != "ViewAsRealBackward0":
        return False
    return bool(chain[-1].raw(jnp.asarray([[0, 1]]))[0] == 1)


def resolve_conj(input):
    """Mirrors `torch.resolve_conj`: a materialized copy of a conjugated view, else the tensor itself."""
    return OPS["clone"](input) if is_conj(input) else input


def resolve_neg(input):
    """Mirrors `torch.resolve_neg`: a materialized copy of a negated view, else the tensor itself."""
    return OPS["clone"](input) if is_neg(input) else input


def is_complex(input) -> bool:
    """Mirrors `torch.is_complex`."""
    return input.dtype.is_complex


# ----- pointwise complex ops -----
@op(promote="float")
def angle(input: T, *, out=None):
    if jnp.iscomplexobj(input):
        return jnp.angle(input)
    # PyTorch's real angle: pi for negatives, 0 otherwise, NaN kept (its gradient is zero)
    x = jax.lax.stop_gradient(input)
    return jnp.where(jnp.isnan(x), x, jnp.where(x < 0, jnp.asarray(jnp.pi, x.dtype), jnp.zeros_like(x)))


@op(inplace=True, grad_name="ConjPhysicalBackward0")
def conj_physical(input: T, *, out=None):
    return jnp.conj(input) if jnp.iscomplexobj(input) else input


def _check_pair(a, b, second="second") -> None:
    ok = (jnp.float16, jnp.float32, jnp.float64)
    if a.dtype not in ok or b.dtype not in ok:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got {_legacy(a)} and "
                           f"{_legacy(b)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"Expected object of scalar type {_legacy(a)} but got scalar type {_legacy(b)} for "
                           f"{second} argument")
    if a.dtype == jnp.float16:
        raise NotImplementedError("torchlike: complex32 (a complex result of half inputs) has no XLA counterpart")


@op(method=False)
def polar(abs: T, angle: T, *, out=None):
    _check_pair(abs, angle)
    a, t = jnp.broadcast_arrays(abs, angle)
    # PyTorch differentiates abs through sgn(result): sign(abs) e^{it}, 0 at abs == 0, so a negative or zero
    # abs gets that gradient rather than e^{it}. Same value; the derivative in abs is multiplied by sign(abs).
    sg = jax.lax.stop_gradient
    a = sg(a) + (a - sg(a)) * sg(jnp.sign(a))
    return jax.lax.complex(a * jnp.cos(t), a * jnp.sin(t))


@op(method=False)
def complex(real: T, imag: T, *, out=None):
    _check_pair(real, imag)
    re, im = jnp.broadcast_arrays(real, imag)
    return jax.lax.complex(re, im)


def _check_out(vals) -> None:
    """PyTorch's refusal of an out= whose dtype is not the complex counterpart of the inputs'."""
    out, a = vals.get("out"), vals.get("real", vals.get("abs"))
    if out is None or not isinstance(a, Tensor) or not a.dtype.is_floating_point:
        return
    want = a.dtype.to_complex()
    if out.dtype is not want:
        raise RuntimeError(f"Expected object of scalar type {want.legacy} but got scalar type {out.dtype.legacy} for "
                           "argument 'out'")


polar.set_check(_check_out)
complex.set_check(_check_out)


# ----- writes through reinterpreting views -----
# ----- Tensor attributes and methods -----
def _real_get(self):
    return real(self)


def _real_set(self, value):
    real(self).copy_(value)


def _imag_get(self):
    return imag(self)


def _imag_set(self, value):
    imag(self).copy_(value)


def _chalf(self, memory_format=None):
    raise NotImplementedError("torchlike: complex32 (Tensor.chalf) has no XLA counterpart")


def _install():
    for name in ("angle", "conj_physical"):
        o = OPS[name]
        install(name, _method(o))
        if o.inplace:
            install(name + "_", inplace_method(o))
    for fn in (conj, resolve_conj, resolve_neg, is_conj, is_neg):
        install(fn.__name__, fn)
    install("real", property(_real_get, _real_set))
    install("imag", property(_imag_get, _imag_set))
    install("chalf", _chalf)


_install()
