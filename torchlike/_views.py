"""Index maps of views: which elements of its base's storage a view reads, and its strides.

A view holds the chain of view kernels that derive its array from its base's. Running the chain
on an `arange` of the base's shape gives the view's index map: the flat base position of each of
its elements. Writes through a view scatter at those positions; strides and contiguity are read
off them, so `reshape` returns a view exactly when PyTorch's computeStride would. A chain holding
a view_as_real, view_as_complex or conj view reinterprets elements (a complex element is two
reals); its index map counts real halves, signed where the view reads a negated value.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

# Node names of the views that reinterpret elements rather than select them.
REINTERPRETING = frozenset({"ViewAsRealBackward0", "ViewAsComplexBackward0", "ConjBackward0"})


def reinterprets(chain) -> bool:
    return chain is not None and any(k.grad_name in REINTERPRETING for k in chain)


def reinterpreting_index(chain, root):
    """The view's index map in the root's real-element space (a complex root as view_as_real of it): signed
    1-based positions, negative where the view reads the negated value (a conj view's imaginary half); complex
    where the view is complex (real part: its real halves' positions, imaginary part: its imaginary halves')."""
    n = root.size
    if jnp.iscomplexobj(root):
        k = jnp.arange(n, dtype=jnp.float64) * 2
        index = jax.lax.complex(k + 1, k + 2).reshape(root.shape)
    else:
        index = jnp.arange(1, n + 1, dtype=jnp.int64).reshape(root.shape)
    for k in chain:
        index = k.raw(index)
    return index


def scatter_reinterpreted(root, index, value):
    """root after writing value (broadcast to the view's shape) through a view with this index map."""
    value = jnp.broadcast_to(value, index.shape)
    parts = [(jnp.real(index), jnp.real(value)), (jnp.imag(index), jnp.imag(value))] if jnp.iscomplexobj(index) \
        else [(index, jnp.real(value) if jnp.iscomplexobj(value) else value)]
    flat = jnp.stack([jnp.real(root), jnp.imag(root)], -1).ravel() if jnp.iscomplexobj(root) else root.ravel()
    for pos, v in parts:
        pos = pos.ravel()
        sign = jnp.sign(pos).astype(flat.dtype)
        flat = flat.at[(jnp.abs(pos) - 1).astype(jnp.int64)].set(sign * v.ravel().astype(flat.dtype))
    if jnp.iscomplexobj(root):
        pairs = flat.reshape(root.shape + (2,))
        return jax.lax.complex(pairs[..., 0], pairs[..., 1])
    return flat.reshape(root.shape)


def view_positions(chain, root):
    """The flat positions in root that a view with this chain reads, in the view's element units."""
    if reinterprets(chain):
        return element_positions(chain, root)
    index = jnp.arange(root.size, dtype=jnp.int64).reshape(root.shape)
    for k in chain:
        index = k.raw(index)
    return index


def element_positions(chain, root):
    """Positions in the view's own element units (what strides are counted in) of a reinterpreting view."""
    index = reinterpreting_index(chain, root)
    if jnp.iscomplexobj(index):  # a complex view: its real halves' positions, in complex elements
        return ((jnp.abs(jnp.real(index)) - 1) // 2).astype(jnp.int64)
    return (jnp.abs(index) - 1).astype(jnp.int64)


def strides_of(t) -> tuple:
    """(strides, storage offset) of t as PyTorch lays it out over its base's contiguous storage."""
    shape = tuple(t.shape)
    out = [0] * len(shape)
    if t._chain is None or t.numel() == 0:
        acc = 1
        for d in range(len(shape) - 1, -1, -1):
            out[d] = acc
            acc *= max(shape[d], 1)
        return tuple(out), 0
    index = np.asarray(t._chain_index(t._storage.data))
    origin, nd = int(index.flat[0]), len(shape)
    for d in range(nd - 1, -1, -1):
        if shape[d] > 1:
            out[d] = int(index[tuple(1 if e == d else 0 for e in range(nd))]) - origin
        else:  # a size-1 dim's stride never matters; give it the row-major one, as unsqueeze does
            out[d] = out[d + 1] * max(shape[d + 1], 1) if d + 1 < nd else 1
    return tuple(out), origin


def contiguous_strides(shape) -> tuple:
    out, acc = [0] * len(shape), 1
    for d in range(len(shape) - 1, -1, -1):
        out[d] = acc
        acc *= max(shape[d], 1)
    return tuple(out)


def view_is_contiguous(t) -> bool:
    """PyTorch's is_contiguous(): every dim of size > 1 has the row-major stride."""
    if t._chain is None or t.numel() <= 1:
        return True
    st, _ = strides_of(t)
    return all(a == b for a, b, s in zip(st, contiguous_strides(t.shape), t.shape) if s != 1)


def viewable(t, new_shape) -> bool:
    """Can t be viewed as new_shape without a copy (PyTorch's computeStride succeeds)?"""
    if t._chain is None or t.numel() == 0 or view_is_contiguous(t):
        return True
    old_shape, old_strides = tuple(t.shape), strides_of(t)[0]
    if not old_shape:
        return True
    view_d, base = len(new_shape) - 1, old_strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[d]
        if d == 0 or (old_shape[d - 1] != 1 and old_strides[d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return False
            if d > 0:
                base, tensor_numel, view_numel = old_strides[d - 1], 1, 1
    return view_d == -1
