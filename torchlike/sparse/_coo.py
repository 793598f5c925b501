"""Sparse COO tensors: PyTorch's `torch.sparse_coo` layout.

A `SparseTensor` is a `torchlike.Tensor` (as a sparse tensor is a `torch.Tensor`) that holds
`indices`, an int64 array [sparse_dim, nnz], and `values`, an array [nnz, *dense dims], plus its
size and whether it is known to be coalesced (indices sorted and unique). It has no dense array:
reading one (what every dense operator does first) raises `SparseArgument`, and the operator
registry then hands the call to `torchlike.sparse._ops`, which runs a sparse kernel or refuses
as PyTorch's dense-only kernels do. Index bookkeeping (sorting, deduplication) runs on the host
with numpy; values stay JAX arrays.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .. import _dtype as D
from .._device import device as _device_cls
from .._device import from_jax as _device_from_jax
from .._device import to_jax as _device_to_jax
from .._tensor import Size, Tensor, _Storage
from .._engine.op import SparseArgument
from . import _grad


class SparseTensor(Tensor):
    """Mirrors a `torch.Tensor` whose layout is `torch.sparse_coo`."""

    _coalesced = False
    _plan = None  # cached (unique indices, inverse map) of this tensor's indices: see `coalesce_plan`

    @classmethod
    def _make(cls, indices, values, size, coalesced: bool = False) -> "SparseTensor":
        t = object.__new__(cls)
        t._idx, t._vals, t._size, t._coalesced = indices, values, tuple(int(s) for s in size), bool(coalesced)
        t._storage = _Storage(values)  # (only its version counter is read, by autograd's saved-tensor checks)
        return t

    # ----- no dense array -----
    @property
    def _meta(self):
        raise SparseArgument("torchlike: this operation does not support sparse COO tensors "
                             "(layout=torch.sparse_coo); call .to_dense() first")

    _data = _meta

    def jax(self):
        raise TypeError("torchlike: a sparse COO tensor has no single jax array; use .to_dense().jax() or "
                        "._indices() / ._values()")

    # ----- metadata -----
    @property
    def layout(self):
        return D.sparse_coo

    is_sparse = True

    @property
    def shape(self) -> Size:
        return Size(self._size)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._size)
        from .._tensor import _wrap_dim
        return self._size[_wrap_dim(dim, len(self._size))]

    @property
    def dtype(self) -> D.dtype:
        return D.from_numpy_dtype(self._vals.dtype)

    @property
    def device(self):
        return _device_from_jax(next(iter(self._vals.devices())))

    @property
    def ndim(self) -> int:
        return len(self._size)

    def dim(self) -> int:
        return len(self._size)

    ndimension = dim

    def numel(self) -> int:
        return int(np.prod(self._size, dtype=np.int64))

    nelement = numel

    def __len__(self) -> int:
        if not self._size:
            raise TypeError("len() of a 0-d tensor")
        return self._size[0]

    def sparse_dim(self) -> int:
        return int(self._idx.shape[0])

    def dense_dim(self) -> int:
        return self._vals.ndim - 1

    def _nnz(self) -> int:
        return int(self._idx.shape[0 if self._idx.ndim == 1 else 1])

    def is_coalesced(self) -> bool:
        return self._coalesced

    def _coalesced_(self, coalesced: bool) -> "SparseTensor":
        self._coalesced = bool(coalesced)
        return self

    # ----- parts -----
    def _indices(self) -> Tensor:
        return Tensor._wrap(self._idx)

    def _values(self) -> Tensor:
        return Tensor._wrap(self._vals)

    def indices(self) -> Tensor:
        if not self._coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return Tensor._wrap(self._idx)

    def values(self) -> Tensor:
        """Mirrors `Tensor.values()`: differentiable, its gradient flowing back as a sparse tensor."""
        if not self._coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        out = Tensor._wrap(self._vals)
        return _grad.attach(out, "ValuesBackward0", [self],
                            [lambda g: SparseTensor._make(self._idx, g._data.astype(self._vals.dtype), self._size)])

    # ----- conversions -----
    def coalesce(self) -> "SparseTensor":
        """Mirrors `Tensor.coalesce()`: indices sorted and unique, duplicate entries summed."""
        if self._coalesced:
            return self
        uniq, inverse = coalesce_plan(self)
        vals = jax.ops.segment_sum(self._vals, jnp.asarray(inverse), num_segments=uniq.shape[1])
        out = SparseTensor._make(jnp.asarray(uniq), vals.astype(self._vals.dtype), self._size, coalesced=True)
        return _grad.attach(out, "CoalesceBackward0", [self], [lambda g: _grad.masked(self, g)])

    def to_dense(self, dtype=None, *, masked_grad=None) -> Tensor:
        """Mirrors `Tensor.to_dense()`; its gradient is the incoming one at this tensor's entries (sparse)."""
        dense = jnp.zeros(self._size, self._vals.dtype).at[tuple(self._idx)].add(self._vals)
        out = Tensor._wrap(dense)
        out = _grad.attach(out, "ToDenseBackward0", [self], [lambda g: _grad.masked(self, g)])
        return out if dtype is None else out.to(dtype)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None) -> "SparseTensor":
        if layout not in (None, D.sparse_coo) or blocksize is not None or dense_dim is not None:
            raise NotImplementedError(f"torchlike: conversion to layout {layout} is not supported (only "
                                      "torch.sparse_coo)")
        if sparse_dim is not None and sparse_dim != self.sparse_dim():
            raise RuntimeError("to_sparse: conversion from Sparse to Sparse with sparse_dim argument != "
                               "self.sparse_dim() is not supported")
        return self

    def to_sparse_coo(self) -> "SparseTensor":
        return self

    def to(self, *args, **kwargs):
        from .._ops.conversion import _parse_to
        dtype, device, copy = _parse_to(args, dict(kwargs))
        if device is not None and _device_cls(device).type != self.device.type:
            raise NotImplementedError("torchlike: moving a sparse COO tensor to another device is not supported")
        if dtype is None or dtype is self.dtype:
            return self.clone() if copy else self
        return cast(self, dtype)

    def detach(self) -> "SparseTensor":
        return SparseTensor._make(self._idx, self._vals, self._size, self._coalesced)

    @property
    def data(self) -> "SparseTensor":
        return self.detach()

    def clone(self, *, memory_format=None) -> "SparseTensor":
        out = SparseTensor._make(self._idx, self._vals, self._size, self._coalesced)
        return _grad.attach(out, "CloneBackward0", [self], [lambda g: g])

    def __deepcopy__(self, memo):
        t = self.detach()
        t._requires_grad = self._requires_grad
        memo[id(self)] = t
        return t

    # ----- what PyTorch refuses on sparse tensors -----
    def numpy(self, *, force: bool = False):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")

    def __array__(self, dtype=None, copy=None):
        return self.numpy()

    def tolist(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def reshape(self, *shape):
        raise RuntimeError("reshape is not implemented for sparse tensors")

    def __reduce_ex__(self, protocol):
        raise NotImplementedError("torchlike: pickling or saving sparse COO tensors is not supported")

    def __repr__(self, *, tensor_contents=None) -> str:
        from ._repr import sparse_repr
        return sparse_repr(self)


def coalesce_plan(t: SparseTensor):
    """(unique indices [sparse_dim, n] sorted as PyTorch sorts them, for each entry its unique position)."""
    if t._plan is None:
        idx = np.asarray(t._idx)
        keys = linear_keys(idx, t._size[:idx.shape[0]])
        uniq_keys, inverse = np.unique(keys, return_inverse=True)
        t._plan = (unravel(uniq_keys, t._size[:idx.shape[0]]), inverse.reshape(-1))
    return t._plan


def linear_keys(idx: np.ndarray, sparse_size) -> np.ndarray:
    """Row-major position of each index column within the sparse dims (PyTorch's coalesce order)."""
    keys = np.zeros(idx.shape[1], np.int64)
    for d, n in enumerate(sparse_size):
        keys = keys * n + idx[d]
    return keys


def unravel(keys: np.ndarray, sparse_size) -> np.ndarray:
    out = np.zeros((len(sparse_size), keys.shape[0]), np.int64)
    rest = keys.copy()
    for d in range(len(sparse_size) - 1, -1, -1):
        out[d] = rest % sparse_size[d]
        rest //= sparse_size[d]
    return out


def cast(t: SparseTensor, dtype: D.dtype) -> SparseTensor:
    """Mirrors `sparse.to(dtype)`: the values cast, the gradient cast back."""
    out = SparseTensor._make(t._idx, t._vals.astype(dtype.np), t._size, t._coalesced)
    return _grad.attach(out, "ToCopyBackward0", [t], [lambda g: _grad.masked(t, g)])


# ----- construction -----

def sparse_coo_tensor(indices, values, size=None, dtype=None, device=None, pin_memory=False,
                      requires_grad=False, check_invariants=None, is_coalesced=None) -> SparseTensor:
    """Mirrors `torch.sparse_coo_tensor`: entries `values[k]` at `indices[:, k]`, duplicates summed when read."""
    from .._ops.creation import tensor as make_tensor
    idx_t = indices if isinstance(indices, Tensor) else make_tensor(indices)
    vals_t = values if isinstance(values, Tensor) else make_tensor(values)
    if idx_t.is_sparse or vals_t.is_sparse:
        raise NotImplementedError("torchlike: sparse_coo_tensor from sparse indices or values is not supported")
    if idx_t.dtype.category != D.INT:
        raise RuntimeError("indices must be an int64 tensor")
    if idx_t.ndim != 2:
        raise NotImplementedError(f"torchlike: sparse_coo_tensor needs indices of shape (sparse_dim, nnz), got "
                                  f"{list(idx_t.shape)}")
    if idx_t.shape[1] != (vals_t.shape[0] if vals_t.ndim else 1) or not vals_t.ndim:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: {idx_t.shape[1]}, "
                           f"nnz from values: {vals_t.shape[0] if vals_t.ndim else 1}")
    idx = idx_t._data.astype(jnp.int64)
    sparse_dim, nnz = idx.shape
    if size is None:
        size = tuple(np.asarray(idx).max(axis=1) + 1 if nnz else [0] * sparse_dim) + tuple(vals_t.shape[1:])
    size = tuple(int(s) for s in size)
    _check_size(idx, sparse_dim, vals_t.shape, size)
    vals = vals_t._data if dtype is None else vals_t._data.astype(D.to_dtype(dtype).np)
    if device is not None:  # (both parts on that device, as PyTorch places a sparse tensor's)
        target = _device_to_jax(device)
        idx, vals = jax.device_put(idx, target), jax.device_put(vals, target)
    coalesced = bool(is_coalesced) if is_coalesced is not None else nnz <= 1
    out = SparseTensor._make(idx, vals, size, coalesced)
    if requires_grad:
        out.requires_grad_(True)
        return out
    return _grad.attach(out, "SparseCooTensorWithDimsAndTensorsBackward0", [vals_t],
                        [lambda g: Tensor._wrap(_grad.gather(g, idx).astype(vals_t._data.dtype))])


def _check_size(idx, sparse_dim: int, values_shape, size: tuple) -> None:
    """PyTorch's checks of an explicit size against the indices and values."""
    if len(size) != sparse_dim + len(values_shape) - 1:
        raise RuntimeError(f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(size)}, "
                           f"sparse_dim = {sparse_dim}, dense_dim = {len(values_shape) - 1}")
    if tuple(size[sparse_dim:]) != tuple(values_shape[1:]):
        raise RuntimeError(f"values has incorrect size, expected {list(size[sparse_dim:])}, got "
                           f"{list(values_shape[1:])}")
    if idx.shape[1]:
        hi, lo = np.asarray(idx).max(axis=1), np.asarray(idx).min(axis=1)
        for d in range(sparse_dim):
            if lo[d] < 0:
                raise RuntimeError(f"found negative index {lo[d]} for dim {d}")
            if hi[d] >= size[d]:
                raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} but found "
                                   f"index {hi[d]}")


def dense_to_sparse(t: Tensor, sparse_dim: int | None = None, *, layout=None, blocksize=None,
                    dense_dim=None) -> SparseTensor:
    """Mirrors `Tensor.to_sparse()`: the entries (or, for a hybrid tensor, the slices along the first
    `sparse_dim` dims) that are not all zero, coalesced; the gradient is the sparse one made dense."""
    if t.is_sparse:
        return t.to_sparse(sparse_dim, layout=layout, blocksize=blocksize, dense_dim=dense_dim)
    if layout not in (None, D.sparse_coo) or blocksize is not None or dense_dim is not None:
        raise NotImplementedError(f"torchlike: conversion to layout {layout} is not supported (only "
                                  "torch.sparse_coo)")
    a = t._data
    sd = a.ndim if sparse_dim is None else sparse_dim
    if not 0 <= sd <= a.ndim:
        raise RuntimeError(f"sparse_dim argument must be in [0, {a.ndim}] but got {sd}")
    if sd == 0:
        raise NotImplementedError("torchlike: to_sparse(0) (a sparse tensor with no sparse dims) is not supported")
    host = np.asarray(a)
    nonzero = host.reshape(host.shape[:sd] + (-1,)) != 0 if sd < a.ndim else host != 0
    mask = nonzero.any(axis=-1) if sd < a.ndim else nonzero
    idx = np.stack(np.nonzero(mask)).astype(np.int64).reshape(sd, -1)
    vals = a[tuple(idx)]
    out = SparseTensor._make(jnp.asarray(idx), vals, a.shape, coalesced=True)
    return _grad.attach(out, "ToSparseBackward0", [t], [lambda g: g.to_dense() if g.is_sparse else g])


def to_sparse_coo(t: Tensor) -> SparseTensor:
    return dense_to_sparse(t)


def dense_to_dense(t: Tensor, dtype=None, *, masked_grad=None) -> Tensor:
    """`Tensor.to_dense()` of a strided tensor: itself."""
    return t if dtype is None else t.to(dtype)


def dense_is_coalesced(t: Tensor) -> bool:
    raise RuntimeError("is_coalesced expected sparse coordinate tensor layout but got Strided")


def dense_coalesce(t: Tensor):
    raise RuntimeError("coalesce expected sparse coordinate tensor layout but got Strided")


def dense_sparse_dim(t: Tensor) -> int:
    return 0


def dense_dense_dim(t: Tensor) -> int:
    return t.ndim


def install_dense_methods() -> None:
    """The sparse-related methods of a strided tensor (to_sparse, to_dense, ...), added to `Tensor`."""
    for name, fn in (("to_sparse", dense_to_sparse), ("to_sparse_coo", to_sparse_coo), ("to_dense", dense_to_dense),
                     ("is_coalesced", dense_is_coalesced), ("coalesce", dense_coalesce),
                     ("sparse_dim", dense_sparse_dim), ("dense_dim", dense_dense_dim)):
        if name not in Tensor.__dict__:
            install(name, fn)
