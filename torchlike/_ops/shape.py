"""Shape operators. Those PyTorch returns as views are registered with view=True: their output
shares storage with the input (see _tensor.py), so in-place writes are seen on both sides."""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _autograd
from .registry import T, op, OPS


def wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def infer_shape(shape, numel: int) -> tuple:
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def view_is_contiguous(t) -> bool:
    """PyTorch's is_contiguous(): the view reads its base's elements in row-major order, consecutively."""
    if t._chain is None or t.numel() <= 1:
        return True
    index = np.asarray(t._chain_index(t._storage.data)).ravel()
    return bool(np.all(np.diff(index) == 1))


@op(name="view", varargs="shape", view=True, linear=True, grad_name="ViewBackward0", function=False)
def _view(input: T, shape):
    return jnp.reshape(input, infer_shape(shape, input.size))


def view(input, *shape):
    if len(shape) == 1 and not isinstance(shape[0], int) and not isinstance(shape[0], (tuple, list)):
        from .conversion import to_dtype
        return to_dtype(input, shape[0])  # view(dtype) of same size
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    target = infer_shape(shape, input.numel())
    if not view_is_contiguous(input) and [s for s in target if s != 1] != [s for s in input.shape if s != 1]:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _view(input, shape)


@op(name="_reshape_copy", method=False, varargs="shape", linear=True, grad_name="ViewBackward0")
def _reshape_copy(input: T, shape):
    return jnp.reshape(input, infer_shape(shape, input.size))


def reshape(input, *shape):
    """Mirrors `torch.reshape`: a view when the input is contiguous, else a copy."""
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    if view_is_contiguous(input):
        return _view(input, shape)
    return _reshape_copy(input, shape)


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    nd = input.ndim
    if nd == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input.shape
    return reshape(input, tuple(shape[:s]) + (math.prod(shape[s:e + 1]),) + tuple(shape[e + 1:]))


@op(view=True, linear=True)
def squeeze(input: T, dim=None):
    if dim is None:
        return jnp.squeeze(input)
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    return jnp.squeeze(input, tuple(d for d in dims if input.ndim and input.shape[d] == 1))


@op(view=True, linear=True)
def unsqueeze(input: T, dim):
    return jnp.expand_dims(input, wrap_dim(dim, input.ndim + 1))


@op(view=True, linear=True, aliases=("swapaxes", "swapdims"))
def transpose(input: T, dim0, dim1):
    if input.ndim == 0:
        return input
    return jnp.swapaxes(input, wrap_dim(dim0, input.ndim), wrap_dim(dim1, input.ndim))


@op(view=True, linear=True, grad_name="TBackward0")
def t(input: T):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return input.T


@op(view=True, linear=True, varargs="dims")
def permute(input: T, dims):
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                           f"of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not equal to "
                           f"len(dims) = {len(dims)}")
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return jnp.transpose(input, dims)


@op(view=True, linear=True, varargs="size")
def expand(input: T, size, *, implicit=False):
    size = tuple(size)
    if len(size) < input.ndim:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(input.shape)}}}, size={list(size)}): the number of sizes "
                           f"provided ({len(size)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({input.ndim})")
    lead = len(size) - input.ndim
    target = []
    for i, s in enumerate(size):
        cur = input.shape[i - lead] if i >= lead else 1
        if s == -1:
            if i < lead:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                                   f"dimension {i}")
            s = cur
        elif cur != 1 and cur != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(size)}.  Tensor sizes: "
                               f"{list(input.shape)}")
        target.append(s)
    return jnp.broadcast_to(input, tuple(target))


def expand_as(input, other):
    return expand(input, other.shape)


@op(view=True, linear=True)
def select(input: T, dim, index):
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {d}")
    return jax.lax.index_in_dim(input, index % n, d, keepdims=False)


@op(view=True, linear=True)
def narrow(input: T, dim, start, length):
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    start = int(start)
    if start < 0:
        start += n
    if not 0 <= start <= n or start + length > n or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return jax.lax.slice_in_dim(input, start, start + length, axis=d)


@op(method=False, linear=True, grad_name="CopySlices")
def _copy_slices_op(base: T, src: T, chain_id):
    chain = _CHAINS[chain_id]
    index = jnp.arange(base.size, dtype=jnp.int64).reshape(base.shape)
    for k in chain:
        index = k.raw(index)
    return base.ravel().at[index.ravel()].set(jnp.broadcast_to(src, index.shape).ravel().astype(base.dtype)).reshape(
        base.shape)


_CHAINS: dict = {}


def copy_slices(base, src, chain):
    """The base after writing `src` through the view `chain`: PyTorch's CopySlices node."""
    cid = tuple(id(k) for k in chain)
    _CHAINS.setdefault(cid, chain)
    return _copy_slices_op(base, src, cid)


def _install():
    from .._tensor import Tensor
    Tensor.view = view
    Tensor.reshape = reshape
    Tensor.flatten = flatten
    Tensor.expand_as = expand_as
    Tensor.T = property(lambda self: permute(self, tuple(range(self.ndim - 1, -1, -1))))
    Tensor.mT = property(lambda self: transpose(self, -2, -1))


_install()
