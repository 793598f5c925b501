"""torch.gradient, put, index_reduce and other ops composed from the registry's ops (autograd
follows from those)."""
from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp

from .._engine.methods import inplace_method, install
from .. import _dtype as D
from .._tensor import Tensor
from .indexing import _check_bounds, put as _put_at
from .indexing_ops import _scatter_reduce
from .reduction import _dims
from .._engine.op import T, op
from .shape import wrap_dim
from .shape_join import cat
from .creation import _size, empty, empty_strided

__all__ = ["gradient", "put", "index_reduce", "nonzero_static", "empty_permuted", "as_strided_scatter", "resize_as_"]


def _slice(t, d, start, stop=None):
    idx = [slice(None)] * t.ndim
    idx[d] = slice(start, stop)
    return t[tuple(idx)]


def _gradient_uniform(x, d, h, edge_order):
    center = (_slice(x, d, 2) - _slice(x, d, 0, -2)) / h
    if edge_order == 1:
        prepend = (_slice(x, d, 1, 2) - _slice(x, d, 0, 1)) / h
        append = (_slice(x, d, -1) - _slice(x, d, -2, -1)) / h
    else:
        prepend = (-1.5 * _slice(x, d, 0, 1) + 2 * _slice(x, d, 1, 2) - 0.5 * _slice(x, d, 2, 3)) / h
        append = (0.5 * _slice(x, d, -3, -2) - 2 * _slice(x, d, -2, -1) + 1.5 * _slice(x, d, -1)) / h
    return cat([prepend, center / 2, append], d)


def _gradient_coords(x, d, coords, edge_order):
    """PyTorch's second-order stencil on the non-uniform grid `coords` (a 1-D tensor)."""
    shape = [1] * x.ndim
    shape[d] = -1
    dx = coords.diff(1, 0)
    dx1, dx2 = dx[0:-1], dx[1:]
    a = (-dx2 / (dx1 * (dx1 + dx2))).reshape(shape)
    b = ((dx2 - dx1) / (dx1 * dx2)).reshape(shape)
    c = (dx1 / (dx2 * (dx1 + dx2))).reshape(shape)
    center = a * _slice(x, d, 0, -2) + b * _slice(x, d, 1, -1) + c * _slice(x, d, 2)
    if edge_order == 1:
        prepend = (_slice(x, d, 1, 2) - _slice(x, d, 0, 1)) / dx[0]
        append = (_slice(x, d, -1) - _slice(x, d, -2, -1)) / dx[-1]
    else:
        a = -(2.0 * dx[0] + dx[1]) / (dx[0] * (dx[0] + dx[1]))
        b = (dx[0] + dx[1]) / (dx[0] * dx[1])
        c = (-dx[0]) / (dx[1] * (dx[0] + dx[1]))
        prepend = a * _slice(x, d, 0, 1) + b * _slice(x, d, 1, 2) + c * _slice(x, d, 2, 3)
        a = dx[-1] / (dx[-2] * (dx[-1] + dx[-2]))
        b = -(dx[-1] + dx[-2]) / (dx[-1] * dx[-2])
        c = (2 * dx[-1] + dx[-2]) / (dx[-1] * (dx[-1] + dx[-2]))
        append = a * _slice(x, d, -3, -2) + b * _slice(x, d, -2, -1) + c * _slice(x, d, -1)
    return cat([prepend, center, append], d)


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Mirrors `torch.gradient`."""
    x = input
    if spacing is None:
        spacing = 1
    if dim is None:
        dims = list(range(x.ndim))
    else:
        dims = list(_dims(dim, x.ndim) or ())
        if isinstance(dim, int):
            dims = [dim % max(x.ndim, 1)]
    if isinstance(spacing, (numbers.Number, Tensor)) and not (isinstance(spacing, Tensor) and spacing.ndim > 0):
        spacing = [spacing] * len(dims)
    else:
        spacing = list(spacing)
        if len(spacing) != len(dims):
            if dim is None:
                raise RuntimeError(
                    "torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to "
                    f"'self.dim() = {x.ndim}', since dim argument was not given, but got a list of length "
                    f"{len(spacing)}")
            raise RuntimeError(
                "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim arguments to "
                f"have the same length, but got a spacing argument of length {len(spacing)} and a dim argument of "
                f"length {len(dims)}.")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    tensors = [isinstance(s, Tensor) for s in spacing]
    if any(tensors) and not all(tensors):
        first = tensors.index(False) if tensors[0] else tensors.index(True)
        raise TypeError(f"expected {'Tensor' if tensors[0] else 'Number'} as element {first} in argument 1, but got "
                        f"{type(spacing[first]).__name__}")
    for s in spacing:
        if isinstance(s, Tensor) and s.ndim != 1:
            raise RuntimeError("torch.gradient expected each element of spacing to have one dimension, but got an "
                               f"element with {s.ndim} dimensions!")
    for d in dims:
        if x.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    return tuple(_gradient_coords(x, d, s, edge_order) if isinstance(s, Tensor)
                 else _gradient_uniform(x, d, s, edge_order) for d, s in zip(dims, spacing))


# ----- put -----
@op(name="put", method=False, function=False, linear=True)
def _put(input: T, index: T, source: T, accumulate=False):
    n = input.size
    flat = input.reshape(-1)
    idx = index.reshape(-1)
    idx = jnp.where(idx < 0, idx + n, idx)
    vals = source.reshape(-1)
    if accumulate and input.dtype == jnp.bool_:  # (a bool sum is an or)
        return flat.at[idx].max(vals).reshape(input.shape)
    out = flat.at[idx].add(vals) if accumulate else _put_at(flat, idx, vals)
    return out.reshape(input.shape)


def put(input, index, source, accumulate=False):
    """Mirrors `torch.put`: source's values written (or added) at index into input read flat."""
    if index.dtype is not D.int64:
        raise RuntimeError("put_(): Expected a long tensor for index, but got " + index.dtype.legacy)
    if source.dtype is not input.dtype:
        raise RuntimeError("put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{input.dtype.legacy} and source.dtype = {source.dtype.legacy}")
    if source.numel() != index.numel():
        raise IndexError("put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    _check_bounds(index._data, input.numel(), 0, IndexError,
                  "out of range: tried to access index {0} on a tensor of {2} elements.")
    return _put(input, index, source, accumulate)


# ----- index_reduce -----
@op(name="index_reduce", method=False, function=False)
def _index_reduce(input: T, dim, index: T, source: T, reduce, *, include_self=True, out=None):
    if input.ndim == 0:
        res = _index_reduce.fn(input.reshape(1), 0, index, source.reshape(-1), reduce, include_self=include_self)
        return res.reshape(())
    shape = [1] * source.ndim
    shape[dim] = -1
    full = jnp.broadcast_to(index.reshape(shape), source.shape)
    return _scatter_reduce.fn(input, dim, full, source, reduce, include_self=include_self)


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """Mirrors `torch.index_reduce`: source's slices along dim reduced into input's slices at index."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    d = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: {index.ndim} with type: "
                         f"{index.dtype.legacy} and size: {list(index.shape)}")
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: {index.dtype.legacy}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_reduce_(): self ({input.dtype.legacy}) and source ({source.dtype.legacy}) must "
                           "have the same scalar type")
    n = source.shape[d] if source.ndim else 1
    if n != index.numel():
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be equal to "
                           f"source.size(dim): ({n}), for dim: {d}")
    rest = (lambda s: s[:d] + s[d + 1:]) if input.ndim and source.ndim else (lambda s: s)
    if rest(tuple(input.shape)) != rest(tuple(source.shape)):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    _check_bounds(index._data, input.shape[d] if input.ndim else 1, d, IndexError, "index out of range in self",
                  negative=False)
    kw = {"out": out} if out is not None else {}
    return _index_reduce(input, d, index, source, reduce, include_self=include_self, **kw)


# ----- nonzero_static -----
@op(name="nonzero_static", method=False, function=False, differentiable=False)
def _nonzero_static(input: T, size, fill_value):
    if input.ndim == 0:
        return jnp.zeros((size, 0), jnp.int64)
    return jnp.stack(jnp.nonzero(input, size=size, fill_value=fill_value), axis=1).astype(jnp.int64)


def nonzero_static(input, *, size, fill_value=-1):
    """Mirrors `torch.nonzero_static`: the first `size` nonzero positions, padded with fill_value."""
    if not isinstance(size, int) or size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    return _nonzero_static(input, size, int(fill_value))


# ----- empty_permuted, new_empty_strided -----
def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None, requires_grad=False,
                   pin_memory=False):
    """Mirrors `torch.empty_permuted`. Strides are not modelled (XLA arrays have none): a zero tensor
    of logical shape `size`."""
    size, perm = tuple(size), tuple(physical_layout)
    if len(size) != len(perm):
        raise RuntimeError("Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(size)} is not equal to len(physical_layout) = {len(perm)}")
    seen = set()
    for i, d in enumerate(perm):
        if not 0 <= d < len(size):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {len(size) - 1}, but got {d} at "
                               f"index {i}).  NB: negative dims not currently supported; file an issue if you want it.")
        if d in seen:
            raise RuntimeError("Duplicate dim not allowed")
        seen.add(d)
    return empty(size, dtype=dtype, device=device, requires_grad=requires_grad)


def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False, layout=None,
                      pin_memory=False):
    """Mirrors `Tensor.new_empty_strided` (strides are not modelled: a zero tensor)."""
    return empty_strided(size, stride, dtype=dtype if dtype is not None else self.dtype,
                         device=device if device is not None else self.device, requires_grad=requires_grad)


# ----- as_strided_scatter -----
@jax.custom_vjp
def _strided_put(flat, idx, vals):
    return flat.at[idx].set(vals)


def _strided_put_fwd(flat, idx, vals):
    return _strided_put(flat, idx, vals), idx


def _strided_put_bwd(idx, g):
    # PyTorch's as_strided_scatter_backward: src gets the gradient at the written positions, and so does
    # self, at those positions only (zero elsewhere).
    part = g[idx]
    return jnp.zeros_like(g).at[idx].set(part), None, part


_strided_put.defvjp(_strided_put_fwd, _strided_put_bwd)


@op(name="as_strided_scatter", method=False, function=False, linear=True)
def _as_strided_scatter(input: T, src: T, size, stride, storage_offset):
    itype = jnp.int64
    idx = jnp.full(size, storage_offset, dtype=itype)
    for d in range(len(size)):
        idx = idx + jax.lax.broadcasted_iota(itype, size, d) * stride[d]
    flat = _strided_put(input.reshape(-1), idx.reshape(-1), src.reshape(-1).astype(input.dtype))
    return flat.reshape(input.shape)


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """Mirrors `torch.as_strided_scatter` over a contiguous input: src written where
    input.as_strided(size, stride, storage_offset) would read."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    offset = 0 if storage_offset is None else int(storage_offset)
    need = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
    if need > input.numel():
        item = input.element_size()
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {item} requiring a storage size of {need * item} are out of bounds for storage "
                           f"of size {input.numel() * item}")
    if tuple(src.shape) != size:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(size)}")
    return _as_strided_scatter(input, src, size, stride, offset)


# ----- resize_, resize_as_ -----
def resize_(self, *sizes, memory_format=None):
    """Mirrors `Tensor.resize_`: the first elements are kept (row-major); new elements are zeros
    (PyTorch leaves them uninitialised). The tensor gets its own storage: views taken before no
    longer share memory with it, so resizing a view is refused."""
    size = tuple(_size(sizes, "resize_"))
    if any(n < 0 for n in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if self._chain is not None:
        raise NotImplementedError("torchlike: resize_ of a view (its storage is shared with its base)")
    n = 1
    for d in size:
        n *= d
    if size == tuple(self.shape):
        return self
    flat = self._data.reshape(-1)
    if n <= flat.shape[0]:
        new = flat[:n]
    else:
        new = jnp.concatenate([flat, jnp.zeros((n - flat.shape[0],), flat.dtype)])
    self._replace_data(new.reshape(size))
    self._storage.version += 1
    return self


def resize_as_(self, the_template, *, memory_format=None):
    """Mirrors `Tensor.resize_as_`."""
    return resize_(self, tuple(the_template.shape))


def _install():
    install("resize_", resize_)
    install("resize_as_", resize_as_)
    install("nonzero_static", nonzero_static)
    install("new_empty_strided", new_empty_strided)
    install("as_strided_scatter", as_strided_scatter)
    for fn in (put, index_reduce):
        install(fn.__name__, fn)
        install(fn.__name__ + "_", inplace_method(fn))


_install()
