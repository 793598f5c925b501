"""Tensor: a jax array in a shared mutable storage box, plus autograd fields.

Mirrors `torch.Tensor`. JAX arrays are immutable, so aliasing is rebuilt on top: a base tensor
and all its views share one `_Storage` (the base's array and a version counter). A view keeps
the chain of view kernels that derives it from the base; it re-reads the base when the version
moved, and an in-place write through it scatters into the base (`.at[index].set`). Methods are
thin: operators are attached from the registry (`torchlike/_ops`).
"""
from __future__ import annotations

import itertools
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from . import _autograd
from . import _dtype as D
from . import _state
from . import _views
from ._device import device as _device_cls
from ._device import from_jax as _device_from_jax

_serials = itertools.count(1)


def next_serial() -> int:
    """A serial number above every storage's created so far."""
    return next(_serials)


class _Storage:
    """The mutable box a base tensor and its views share: the array and a version counter."""

    # `version` counts every write (view caches follow it); `hidden` counts the writes made through
    # `.data`, which PyTorch keeps off the tensor's autograd version counter.
    __slots__ = ("data", "version", "hidden", "serial", "views", "pending", "__weakref__")

    def __init__(self, data):
        self.data, self.version, self.hidden, self.views, self.serial = data, 0, 0, None, next(_serials)
        if _state.active and _state.modes.observer is not None:
            _state.modes.observer.created(self)


class LazyStorage(_Storage):
    """A storage whose array is not computed yet (`torchlike/_engine/lazy.py`): reading `data` runs
    the pending op, after which it is a plain `_Storage` again; writing it drops the op."""

    __slots__ = ()

    def __init__(self, pending):  # (no observer: nothing is deferred while torchlike.compile traces)
        self.pending, self.version, self.hidden, self.views, self.serial = pending, 0, 0, None, next(_serials)

    # The slot is filled before the class switch exposes it (an interrupt between the two must
    # not leave a plain storage without its array).
    @property
    def data(self):
        value = self.pending.force()
        _DATA_SLOT.__set__(self, value)
        self.__class__ = _Storage
        self.pending = None
        return value

    @data.setter
    def data(self, value):
        _DATA_SLOT.__set__(self, value)
        self.__class__ = _Storage
        self.pending = None


_DATA_SLOT = _Storage.data  # the slot's descriptor, which LazyStorage's property hides


trace_device = [_device_cls("cpu")]

class Size(tuple):
    """Mirrors `torch.Size`."""

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64)) if self else 1

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))


def _type_probe(kind: str) -> property:
    """`Tensor.is_<kind>` of PyTorch: whether the tensor is on a `kind` device."""
    return property(lambda self: self.device.type == kind, doc=f"Mirrors `torch.Tensor.is_{kind}`.")


@jax.jit
def _scatter_into(root, index, value):
    return root.ravel().at[index.ravel()].set(value.ravel().astype(root.dtype)).reshape(root.shape)


class Tensor:
    """Mirrors `torch.Tensor`."""

    # Defaults live on the class so that wrapping an array sets one attribute.
    _chain = None           # view kernels from the base's array to this tensor's, or None for a base
    _untracked = False      # a `.data` alias: its writes stay off the autograd version counter
    _base = None
    _requires_grad = False
    _grad = None            # what .grad reads; the engine writes it directly, users through the checked setter
    grad_fn = None
    _output_nr = 0
    _accumulator = None
    _hooks = ()
    _post_accumulate_hooks = ()
    _retains_grad = False
    __array_priority__ = 1000

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        """PyTorch's checks of an assigned gradient: a Tensor or None, of this tensor's size and dtype."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if tuple(value.shape) != tuple(self.shape):
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                                   "the same size")
            if value.dtype is not self.dtype:
                got = D.C_NAMES.get(value.dtype.legacy, value.dtype.legacy)
                raise RuntimeError(f"attempting to assign a gradient with dtype '{got}' to a tensor with grad_dtype "
                                   f"'{self.dtype.legacy}'. The gradient must match the tensor's grad_dtype "
                                   "(defaults to the tensor's dtype).")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @classmethod
    def _wrap(cls, array) -> "Tensor":
        t = object.__new__(cls)
        t._storage = _Storage(array)
        return t

    # ----- storage, views, versions -----
    @property
    def _meta(self):
        """What `_data` would give for shape, dtype and ndim, without running a pending op."""
        s = self._storage
        if self._chain is None:
            if s.__class__ is LazyStorage:
                return s.pending
            if not _state.active or _state.modes.observer is None:
                return s.data
        elif self._cache_ver == s.version and (not _state.active or _state.modes.observer is None):
            return self._cache  # (a view's value, or its pending op)
        return self._data

    @property
    def _data(self):
        chain = self._chain
        s = self._storage
        if _state.active and _state.modes.observer is not None:
            _state.modes.observer.read(s, self)
        if chain is None:
            return s.data
        if self._cache_ver != s.version:
            data = s.data
            for k in chain:
                data = k.jit(data)
            self._cache, self._cache_ver = data, s.version
        c = self._cache
        if c.__class__ is not ARRAY and hasattr(c, "force"):  # a view deferred by lazy.py
            c = self._cache = c.force()
        return c

    @property
    def _version(self) -> int:
        s = self._storage
        return s.version if self._untracked else s.version - s.hidden

    def _make_view_of(self, src: "Tensor", kernel) -> None:
        """Make self (fresh output of a view kernel) share src's storage."""
        s = self._storage
        self._cache = s.pending if s.__class__ is LazyStorage else s.data
        self._cache_ver = src._storage.version
        self._storage = src._storage
        self._chain = (src._chain or ()) + (kernel,)
        self._base = src._base if src._base is not None else src
        if self._requires_grad:  # its grad_fn must follow later in-place changes of the base
            if self._storage.views is None:
                self._storage.views = weakref.WeakSet()
            self._storage.views.add(self)

    def _alias(self) -> "Tensor":
        """A new tensor sharing this one's storage (detach(), .data)."""
        t = object.__new__(Tensor)
        t._storage, t._chain, t._base = self._storage, self._chain, self._base
        if self._chain is not None:
            t._cache, t._cache_ver = self._data, self._storage.version
        return t

    def _write(self, value) -> None:
        """Write an array of this tensor's shape into its storage: the in-place primitive."""
        s = self._storage
        if _state.active and _state.modes.observer is not None:
            _state.modes.observer.read(s, self)
        if self._chain is None:
            vd, d = value.dtype, s.data.dtype
            s.data = value if vd is d or vd == d else value.astype(d)
        else:
            root = s.data
            if _views.reinterprets(self._chain):  # (a real/imag/conj view: positions within complex elements)
                s.data = _views.scatter_reinterpreted(root, _views.reinterpreting_index(self._chain, root), value)
            else:
                s.data = _scatter_into(root, index := self._chain_index(root), jnp.broadcast_to(value, index.shape))
        s.version += 1
        if self._untracked:
            s.hidden += 1

    def _chain_index(self, root):
        """Flat positions in the base that this view reads (its index map), cached per base shape."""
        key = root.shape
        cached = getattr(self, "_index_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        index = _views.view_positions(self._chain, root)  # (real/imag/conj views count within complex elements)
        self._index_cache = (key, index)
        return index

    def _replace_data(self, array) -> None:
        """Write a value that may change shape (out= resizing): in place when the shape matches."""
        if tuple(array.shape) == tuple(self.shape):
            self._write(array)
        else:
            self._storage, self._chain, self._base = _Storage(array), None, None

    def _inplace_set(self, array) -> None:
        self._write(array)

    # ----- autograd fields -----
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            if not value:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                                   "computed variable in a subgraph that doesn't require differentiation use "
                                   "var_no_grad = var.detach().")
            return
        if value and self.dtype.category < D.FLOAT:
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def data(self) -> "Tensor":
        if _state.active and _state.modes.traced_detach and _traced(self):
            return self._stop_gradient()
        t = self._alias()
        t._untracked = True  # its writes do not count as modifications of self for autograd
        return t

    @data.setter
    def data(self, other: "Tensor") -> None:
        self._storage, self._chain, self._base = other._storage, other._chain, other._base
        if other._chain is not None:
            self._cache, self._cache_ver = other._cache, other._cache_ver

    def detach(self) -> "Tensor":
        if _state.active and _state.modes.traced_detach and _traced(self):
            return self._stop_gradient()
        return self._alias()

    def _stop_gradient(self) -> "Tensor":
        """detach() of a traced tensor inside a torch.func transform: the transform's gradient stops here."""
        return Tensor._wrap(jax.lax.stop_gradient(self._data))

    def detach_(self) -> "Tensor":
        if self._base is not None and self._base.requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._requires_grad, self.grad_fn = False, None
        return self

    def retain_grad(self) -> None:
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn._own("retained")[self._output_nr] = self
            self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook):
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            hooks = self.grad_fn._own("pre_hooks").setdefault(self._output_nr, [])
        else:
            if not self._hooks:
                self._hooks = []
            hooks = self._hooks
        hooks.append(hook)
        return _autograd._Handle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._post_accumulate_hooks:
            self._post_accumulate_hooks = []
        self._post_accumulate_hooks.append(hook)
        return _autograd._Handle(self._post_accumulate_hooks, hook)

    # ----- metadata -----
    @property
    def shape(self) -> Size:
        return Size(self._meta.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._meta.shape)
        if self.ndim == 0:  # unlike other dim arguments, size() takes no dim of a 0-d tensor
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return self._meta.shape[_wrap_dim(dim, self.ndim)]

    @property
    def dtype(self) -> D.dtype:
        return D.from_numpy_dtype(self._meta.dtype)

    @property
    def device(self) -> _device_cls:
        data = self._meta
        if isinstance(data, jax.core.Tracer):  # inside torchlike.compile: the device being traced for
            return trace_device[0]
        return _device_from_jax(next(iter(data.devices())))

    @property
    def layout(self):
        return D.strided

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    # PyTorch's device and layout probes (torchlike places tensors on JAX's CPU and GPUs only).
    is_mps, is_meta, is_xla, is_xpu = (_type_probe(k) for k in ("mps", "meta", "xla", "xpu"))
    is_ipu, is_maia, is_mtia, is_vulkan = (_type_probe(k) for k in ("ipu", "maia", "mtia", "vulkan"))
    is_sparse = property(lambda self: str(self.layout) == "torch.sparse_coo", doc="Mirrors `torch.Tensor.is_sparse`.")
    is_sparse_csr = property(lambda self: str(self.layout) == "torch.sparse_csr")
    is_mkldnn = property(lambda self: str(self.layout) == "torch._mkldnn")
    is_quantized = is_nested = property(lambda self: False)  # (no quantized or nested tensors exist here)

    def is_shared(self) -> bool:
        return False  # (see share_memory_)

    def share_memory_(self):
        """`torch.Tensor.share_memory_` puts the storage in shared memory for Hogwild-style in-place updates
        across processes; JAX arrays are immutable per-process buffers, so it is refused, not ignored."""
        raise NotImplementedError("torchlike: Tensor.share_memory_() (shared-memory tensors for Hogwild-style "
                                  "in-place updates across processes) is not supported: JAX arrays are immutable")

    @property
    def ndim(self) -> int:
        return self._meta.ndim

    def dim(self) -> int:
        return self._meta.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._meta.size)

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self.dtype.is_complex

    def get_device(self) -> int:
        d = self.device
        return -1 if d.type == "cpu" else d.index

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return f"torch.{self.dtype.legacy}Tensor"
        if isinstance(dtype, str):
            dtype = _legacy_dtype(dtype)
        return self.to(dtype)

    # ----- conversions to Python / numpy -----
    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return np.asarray(self._data).tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self.device.type != "cpu" and not force:
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to copy the "
                            "tensor to host memory first.")
        return np.array(self._data)

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self._data)
        return a.astype(dtype) if dtype is not None else a

    def jax(self):
        """The jax array this tensor holds, without a copy (a view's is derived from its base's)."""
        return self._data

    def __dlpack__(self, *args, **kwargs):
        return self._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._meta.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'more than one' if self.numel() else 'no'} value"
                               f"{'s' if not self.numel() else ''} is ambiguous")
        return bool(self.item())

    def _python_scalar(self):
        if self.numel() != 1:  # Python's conversions raise ValueError where item() raises RuntimeError
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __float__(self) -> float:
        return float(self._python_scalar())

    def __int__(self) -> int:
        return int(self._python_scalar())

    def __complex__(self) -> complex:
        return complex(self._python_scalar())

    def __index__(self) -> int:
        if self.dtype.category != D.INT or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    __hash__ = object.__hash__

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (np.asarray(self._data), self.requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        t = type(self)._wrap(self._data) if type(self) is Tensor else self.__class__.__new__(
            self.__class__, Tensor._wrap(self._data), self.requires_grad)
        t._requires_grad = self.requires_grad
        if self.grad is not None:
            t.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = t
        return t

    # ----- devices and dtypes -----
    def cpu(self) -> "Tensor":
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False) -> "Tensor":
        return self.to(_device_cls("cuda", device if isinstance(device, int) else None) if not isinstance(
            device, (str, _device_cls)) else device)


ARRAY = type(jnp.zeros(()))  # the type of a concrete jax array (a tracer is not one)

try:  # whether no jax trace is active (a private jax API: without it, always assume one may be)
    from jax._src.core import trace_ctx
    no_trace = trace_ctx.is_top_level
except (ImportError, AttributeError):
    def no_trace() -> bool:
        return False


def concrete(*xs) -> bool:
    """Whether these tensors/arrays hold values (False inside a torchlike.compile trace).

    Checks that read values back to Python (an index out of range, a target outside [0, C))
    run only when True: inside a compiled program the values are not known until it runs."""
    return not any(isinstance(x._data if isinstance(x, Tensor) else x, jax.core.Tracer) for x in xs)


def _rebuild(array, requires_grad):
    t = Tensor._wrap(jnp.asarray(array))
    t._requires_grad = requires_grad
    return t


def _legacy_dtype(name: str) -> D.dtype:
    for d in D.ALL:
        if name in (f"torch.{d.legacy}Tensor", f"torch.cuda.{d.legacy}Tensor"):
            return d
    raise ValueError(f"invalid type: '{name}'")


def _wrap_dim(dim: int, ndim: int) -> int:
    """PyTorch's dim wrapping, with its IndexError for out-of-range dims."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _traced(t: Tensor) -> bool:
    return isinstance(t._storage.data, jax.core.Tracer)
