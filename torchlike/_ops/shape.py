"""Shape operators that PyTorch returns as views: their outputs share storage with the input (see
_tensor.py), so in-place writes are seen on both sides. Joins, repeats and flips live in shape_join.py."""
from __future__ import annotations

import itertools
import math
import operator

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .._engine.grad_name import GradName
from .._engine import cache as _cache
from .. import _dtype as D
from .._tensor import Size, Tensor
from .._views import contiguous_strides as _contiguous_strides, strides_of, view_is_contiguous
from .._views import viewable as _viewable
from .._engine.op import OPS, T, op
from .._engine.kernel import Kernel
from .._engine.methods import check_inplace

__all__ = [
    "adjoint",
    "as_strided",
    "broadcast_shapes",
    "broadcast_tensors",
    "broadcast_to",
    "chunk",
    "expand_as",
    "flatten",
    "moveaxis",
    "movedim",
    "ravel",
    "reshape",
    "split",
    "swapaxes",
    "swapdims",
    "tensor_split",
    "unbind",
]


def wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _is_index(s) -> bool:
    """Whether a size argument is an int as PyTorch's parser takes one (Python/numpy ints, int tensors)."""
    try:
        operator.index(s)
    except TypeError:
        return False
    return True


def infer_shape(shape, numel: int) -> tuple:
    shape = tuple(int(s) for s in shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                               f"unspecified dimension size -1 can be any value and is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


# ----- strides: a view's index map into its base is affine, so its strides can be read off it -----
def stride(self, dim: int | None = None):
    """Mirrors `Tensor.stride`: strides over the base's contiguous storage (size-1 dims get the
    row-major stride)."""
    st = strides_of(self)[0]
    return st if dim is None else st[wrap_dim(dim, self.ndim)]


def storage_offset(self) -> int:
    return strides_of(self)[1]


def contiguous(self, memory_format=None):
    """Mirrors `Tensor.contiguous`: self when already contiguous, else a copy."""
    D.check_memory_format(memory_format, self.ndim, "contiguous")
    return self if view_is_contiguous(self) else OPS["clone"](self)


# ----- view, reshape, flatten -----
@op(name="view", varargs="shape", view=True, linear=True, grad_name="ViewBackward0", function=False)
def _view(input: T, shape):
    return jnp.reshape(input, infer_shape(shape, input.size))


@op(name="_view_dtype", method=False, function=False, differentiable=False)
def _view_dtype(input: T, dtype):
    return jax.lax.bitcast_convert_type(input, dtype.np)


def view(input, *shape):
    """Mirrors `Tensor.view`. view(dtype) reinterprets the bits (same element size only) as a copy."""
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        if shape[0].itemsize != input.dtype.itemsize:
            raise NotImplementedError("torchlike: view(dtype) between dtypes of different sizes")
        if shape[0] is input.dtype:
            return _view(input, tuple(input.shape))
        if input.dtype is D.bool_ or shape[0] is D.bool_:
            return OPS["_to_copy"](input, shape[0])
        return _view_dtype(input, shape[0])
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    if not all(_is_index(s) for s in shape):
        got = ", ".join(type(s).__name__ for s in shape)
        raise TypeError(f"view() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        " * (torch.dtype dtype)\n * (tuple of ints size)\n")
    shape = tuple(operator.index(s) for s in shape)
    target = infer_shape(shape, input.numel())
    if not _viewable(input, target):
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _view(input, shape)


def view_as(input, other):
    return view(input, tuple(other.shape))


@op(name="_reshape_copy", method=False, varargs="shape", linear=True, grad_name="UnsafeViewBackward0")
def _reshape_copy(input: T, shape):
    return jnp.reshape(input, infer_shape(shape, input.size))


def reshape(input, *shape):
    """Mirrors `torch.reshape`: a view when the strides allow one, else a copy."""
    shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    bad = [s for s in shape if not _is_index(s)]
    if bad:
        raise TypeError(f"reshape(): argument 'shape' (position 1) must be tuple of ints, not {type(bad[0]).__name__}")
    shape = tuple(operator.index(s) for s in shape)
    if _viewable(input, infer_shape(shape, input.numel())):
        return _view(input, shape)
    return _reshape_copy(input, shape)


def reshape_as(input, other):
    return reshape(input, tuple(other.shape))


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    """Mirrors `torch.flatten`: a view when possible; the input itself when nothing is flattened."""
    nd = input.ndim
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if nd == 0:
        return reshape(input, (1,))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input.shape
    return reshape(input, tuple(shape[:s]) + (math.prod(shape[s:e + 1]),) + tuple(shape[e + 1:]))


def ravel(input):
    return reshape(input, (-1,))


@op(view=True, linear=True, grad_name="ViewBackward0")
def unflatten(input: T, dim, sizes):
    d = wrap_dim(dim, input.ndim)
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = input.shape[d]
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in sizes if s != -1)
    if -1 in sizes:
        if known == 0:
            raise RuntimeError(f"shape '{list(sizes)}' is invalid for input of size {n}")
    full = tuple(n // known if s == -1 else s for s in sizes)
    if math.prod(full) != n:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({n}) in the input tensor")
    return jnp.reshape(input, input.shape[:d] + full + input.shape[d + 1:])


# ----- squeeze, unsqueeze, transposes -----
def _squeeze_name(dim=None):
    return "SqueezeBackward0" if dim is None else "SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2"


@op(view=True, linear=True, grad_name=GradName.static(_squeeze_name))
def squeeze(input: T, dim=None):
    if dim is None:
        return jnp.squeeze(input)
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    return jnp.squeeze(input, tuple(sorted({d for d in dims if input.ndim and input.shape[d] == 1})))


@op(view=True, linear=True)
def unsqueeze(input: T, dim):
    return jnp.expand_dims(input, wrap_dim(dim, input.ndim + 1))


@op(view=True, linear=True)
def transpose(input: T, dim0, dim1):
    if input.ndim == 0:
        wrap_dim(dim0, 0), wrap_dim(dim1, 0)
        return input
    return jnp.swapaxes(input, wrap_dim(dim0, input.ndim), wrap_dim(dim1, input.ndim))


def swapaxes(input, axis0, axis1):
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    return transpose(input, dim0, dim1)


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


@op(name="movedim", view=True, linear=True, grad_name="PermuteBackward0")
def _movedim(input: T, source, destination):
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain "
                           f"the same number of dims as destination ({list(dst)} dims)")
    nd = input.ndim
    wsrc, wdst = tuple(wrap_dim(d, nd) for d in src), tuple(wrap_dim(d, nd) for d in dst)
    for name, ds, w in (("source", src, wsrc), ("destination", dst, wdst)):
        if len(set(w)) != len(w):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(ds)})")  # (the dims as given)
    return jnp.moveaxis(input, wsrc, wdst) if nd else input


movedim = moveaxis = _movedim


def _mT(self):
    if self.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.ndim}-D tensor.")
    return transpose(self, -2, -1)


def _H(self):
    if self.ndim != 2:
        extra = ". For batches of matrices, consider using tensor.mH" if self.ndim > 2 else "."
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor{extra}")
    return adjoint(self)


def adjoint(input):
    """Mirrors `torch.adjoint`. For complex input the conjugate is a copy, not a lazy view."""
    if input.ndim < 2:
        raise RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of matrices. Got "
                           f"{input.ndim}-D tensor.")
    out = transpose(input, -2, -1)
    return OPS["conj_physical"](out) if input.dtype.is_complex and "conj_physical" in OPS else out


def _T(self):
    return permute(self, tuple(range(self.ndim - 1, -1, -1)))


# ----- expand and broadcasting -----
@op(view=True, linear=True, varargs="size")
def expand(input: T, size, *, implicit=False):
    size = tuple(int(s) for s in size)
    if len(size) < input.ndim:
        raise RuntimeError(f"expand(torch.{D.from_numpy_dtype(input.dtype).legacy}Tensor{{{list(input.shape)}}}, "
                           f"size={list(size)}): the number of sizes provided ({len(size)}) must be greater or equal "
                           f"to the number of dimensions in the tensor ({input.ndim})")
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
    return expand(input, tuple(other.shape))


def broadcast_to(input, size):
    return expand(input, tuple(size))


def broadcast_shapes(*shapes) -> Size:
    """Mirrors `torch.broadcast_shapes`."""
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    nd = max((len(s) for s in shapes), default=0)
    out = [1] * nd
    for k, s in enumerate(shapes):
        for i, v in enumerate(s):
            j = nd - len(s) + i
            if v < 0:
                raise RuntimeError("Trying to create tensor with negative dimension")
            if out[j] == 1:
                out[j] = v
            elif v != 1 and v != out[j]:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {v} at {j - nd}! Mismatching "
                                   f"argument at index {k} had {tuple(s)}; but expected shape should be "
                                   f"broadcastable to {out}")
    return Size(out)


def broadcast_tensors(*tensors):
    """Mirrors `torch.broadcast_tensors`: each output is an expanded view of its input."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape: tuple = ()
    for t in tensors:
        a, b = shape, tuple(t.shape)
        for i in range(1, min(len(a), len(b)) + 1):
            if a[-i] != b[-i] and 1 not in (a[-i], b[-i]):
                raise RuntimeError(f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) at "
                                   f"non-singleton dimension {max(len(a), len(b)) - i}")
        shape = tuple(broadcast_shapes(a, b))
    return tuple(expand(t, shape) for t in tensors)


# ----- select, narrow, unfold, diagonal, as_strided -----
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


@op(view=True, linear=True, grad_name="SliceBackward0")
def narrow(input: T, dim, start, length):
    if any(isinstance(v, float) for v in (dim, start, length)):  # PyTorch's parser takes no float
        got = ", ".join(type(v).__name__ for v in (dim, start, length))
        raise TypeError(f"narrow() received an invalid combination of arguments - got ({got}), but expected one "
                        "of: (int dim, Tensor start, int length), (int dim, int start, int length)")
    if isinstance(start, Tensor) and (start.ndim != 0 or start.dtype.category != D.INT):
        raise RuntimeError("start must be an 0-dim integral Tensor.")
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    # (a 0-d tensor start is read on the host: this runs while its kernel is traced)
    start = int(np.asarray(start._data)) if isinstance(start, Tensor) else int(start)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return jax.lax.slice_in_dim(input, start, start + length, axis=d)


@op(view=True, linear=True, function=False)
def unfold(input: T, dimension, size, step):
    """Mirrors `Tensor.unfold`: windows of `size` every `step` along `dimension`, as a new last dim."""
    x = input.reshape(1) if input.ndim == 0 else input
    d = wrap_dim(dimension, x.ndim)
    n = x.shape[d]
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    starts = np.arange(0, n - size + 1, step)
    idx = starts[:, None] + np.arange(size)[None, :]
    out = jnp.moveaxis(jnp.take(x, jnp.asarray(idx, dtype=jnp.int64), axis=d), d + 1, -1)
    return out.reshape(size) if input.ndim == 0 else out


@op(view=True, linear=True)
def diagonal(input: T, offset=0, dim1=0, dim2=1):
    d1, d2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return jnp.diagonal(input, offset, d1, d2)


@op(view=True, linear=True, function=False, method=False, grad_name="AsStridedBackward0")
def _as_strided(input: T, size, stride, offset):
    # A contiguous window is a slice. Otherwise gather only along the dims that move through memory (stride
    # not 0, size not 1) and broadcast the rest, so an expanded view costs its own size, not an index array
    # per element; the indices are computed on the device, not baked into the program.
    flat, size = input.ravel(), tuple(size)
    n = math.prod(size)
    if n == 0 or tuple(stride) == _contiguous_strides(size) or n == 1:
        return jax.lax.slice(flat, (offset,), (offset + n,)).reshape(size)
    live = [d for d, (m, s) in enumerate(zip(size, stride)) if s != 0 and m != 1]
    sub = tuple(size[d] if d in live else 1 for d in range(len(size)))
    itype = jnp.int64 if jax.config.jax_enable_x64 else jnp.int32
    idx = jnp.full(sub, offset, dtype=itype)
    for d in live:
        idx = idx + jax.lax.broadcasted_iota(itype, sub, d) * stride[d]
    return jnp.broadcast_to(jnp.take(flat, idx.ravel(), axis=0, mode="clip").reshape(sub), size)


def as_strided(input, size, stride, storage_offset=None):
    """Mirrors `torch.as_strided` over a tensor that is contiguous in its storage."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if not view_is_contiguous(input):
        raise NotImplementedError("torchlike: as_strided of a non-contiguous view")
    start = strides_of(input)[1]
    offset = start if storage_offset is None else int(storage_offset)
    hi = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset
    if offset < start or hi >= start + input.numel() and math.prod(size):
        raise NotImplementedError("torchlike: as_strided reading outside the input's own elements")
    return _as_strided(input, size, stride, offset - start)


# ----- multi-output views: split, chunk, unbind, tensor_split -----
_PARTS = _cache.LRU(_cache.KERNELS_PER_OP, "kernels")


def _part_kernel(key, fn) -> Kernel:
    k = _PARTS.get(key)
    if k is None:
        k = _PARTS[key] = Kernel(fn, "", False)
    return k


def _mark_views(src, outs, bounds, dim):
    """Make each output a view of src: output i reads src[start_i:stop_i] along dim (or selects it)."""
    for o, b in zip(outs, bounds):
        if isinstance(b, int):
            k = _part_kernel(("sel", dim, b), lambda a, b=b: jax.lax.index_in_dim(a, b, dim, keepdims=False))
        else:
            k = _part_kernel(("sl", dim) + b, lambda a, b=b: jax.lax.slice_in_dim(a, b[0], b[1], axis=dim))
        o._make_view_of(src, k)
        o._multi_view = True
    return outs


def _bounds(sizes):
    out, s = [], 0
    for n in sizes:
        out.append((s, s + n))
        s += n
    return out


@op(name="_split", method=False, function=False, linear=True, grad_name="SplitBackward0")
def _split(input: T, bounds, dim):
    return tuple(jax.lax.slice_in_dim(input, a, b, axis=dim) for a, b in bounds)


@op(name="_split_with_sizes", method=False, function=False, linear=True, grad_name="SplitWithSizesBackward0")
def _split_with_sizes(input: T, bounds, dim):
    return tuple(jax.lax.slice_in_dim(input, a, b, axis=dim) for a, b in bounds)


def split(tensor, split_size_or_sections, dim: int = 0):
    """Mirrors `torch.split`: the outputs are views of the input."""
    if tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, tensor.ndim)
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [n] if s == 0 else [min(s, n - i) for i in range(0, n, s)] or [0]
        bounds = tuple(_bounds(sizes))
        return _mark_views(tensor, _as_tuple(_split(tensor, bounds, d)), bounds, d)
    sizes = [int(s) for s in split_size_or_sections]
    if sum(sizes) != n or any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                           f"dimension {d}), but got split_sizes={sizes}")
    bounds = tuple(_bounds(sizes))
    return _mark_views(tensor, _as_tuple(_split_with_sizes(tensor, bounds, d)), bounds, d)


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def chunk(input, chunks: int, dim: int = 0):
    """Mirrors `torch.chunk`."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = input.shape[wrap_dim(dim, input.ndim)]
    return split(input, -(-n // chunks) if n else [0] * chunks, dim)


@op(name="_unbind", method=False, function=False, linear=True, grad_name="UnbindBackward0")
def _unbind(input: T, dim):
    return tuple(jax.lax.index_in_dim(input, i, dim, keepdims=False) for i in range(input.shape[dim]))


def unbind(input, dim: int = 0):
    """Mirrors `torch.unbind`: the outputs are views of the input."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] == 0:
        return ()
    return _mark_views(input, _as_tuple(_unbind(input, d)), range(input.shape[d]), d)


def tensor_split(input, indices_or_sections, dim: int = 0):
    """Mirrors `torch.tensor_split`: views made by narrow."""
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios.dtype.category != D.INT:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have integer dtype, but got "
                               f"{ios.dtype}")
        if ios.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {ios.ndim} dims")
        ios = int(ios.item()) if ios.ndim == 0 else [int(v) for v in ios.tolist()]
    if isinstance(ios, int):
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, r = divmod(n, ios)
        sizes = [q + 1] * r + [q] * (ios - r)
        bounds = _bounds(sizes)
    else:
        cuts = [0] + [min(max(i + n if i < 0 else i, 0), n) for i in ios] + [n]
        bounds = [(a, max(a, b)) for a, b in itertools.pairwise(cuts)]
    return tuple(narrow(input, d, a, b - a) for a, b in bounds)


# ----- in-place view ops: the tensor becomes a new view of its storage -----
def _inplace_view(fn):
    def method(self, *args, **kwargs):
        check_inplace(self)
        hidden = self._alias()
        hidden._requires_grad, hidden.grad_fn, hidden._output_nr = self._requires_grad, self.grad_fn, self._output_nr
        hidden._accumulator = self._accumulator
        out = fn(hidden, *args, **kwargs)
        self._chain, self._base = out._chain, out._base
        self._cache, self._cache_ver = out._cache, out._cache_ver
        self.__dict__.pop("_index_cache", None)
        self._storage.version += 1
        if out.grad_fn is not None:
            self.grad_fn, self._output_nr = out.grad_fn, out._output_nr
        return self
    method.__name__ = fn.__name__ + "_"
    return method


def _install():
    for name, fn in {"view": view, "view_as": view_as, "reshape": reshape, "reshape_as": reshape_as,
                     "flatten": flatten, "ravel": ravel, "expand_as": expand_as, "broadcast_to": broadcast_to,
                     "swapaxes": swapaxes, "swapdims": swapdims, "moveaxis": moveaxis, "adjoint": adjoint,
                     "split": split, "chunk": chunk, "unbind": unbind, "tensor_split": tensor_split,
                     "as_strided": as_strided, "stride": stride, "storage_offset": storage_offset,
                     "contiguous": contiguous}.items():
        install(name, fn)
    for name, fn in {"t": t, "transpose": transpose, "swapaxes": transpose, "swapdims": transpose,
                     "squeeze": squeeze, "unsqueeze": unsqueeze, "as_strided": as_strided}.items():
        install(name + "_", _inplace_view(fn))
    install("T", property(_T))
    install("mT", property(_mT))
    install("H", property(_H))
    install("mH", property(adjoint))


_install()
