"""What datasets, collation and transforms share, at numpy level (importable in a worker without JAX).

While a DataLoader fetches a batch, torchlike's own datasets, transforms and `default_collate`
build samples as `WorkerTensor`s: numpy arrays standing for the tensors the main process builds
from the finished batch with one transfer, so a worker needs no JAX and the main process makes
no per-sample device copy. That "host mode" is entered only around code that is entirely
torchlike's (`host_safe`): a dataset's `__getitem__`, a transform or a collate_fn written by the
user always receives real torchlike Tensors, as it would from PyTorch (in a worker, the first
such Tensor imports JAX there).
"""
from __future__ import annotations

import contextlib
import sys

import numpy as np

_worker_info = None  # set by the worker loop


class WorkerInfo:
    """Mirrors `torch.utils.data.WorkerInfo`: id, num_workers, seed, dataset (read-only)."""

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        items = ", ".join(f"{k}={getattr(self, k)}" for k in self.__keys)
        return f"{self.__class__.__name__}({items})"


def get_worker_info() -> WorkerInfo | None:
    """Mirrors `torch.utils.data.get_worker_info`: None in the main process."""
    return _worker_info


_host_depth = [0]


def in_worker() -> bool:
    """True where samples are built as numpy: while a DataLoader runs torchlike-only code for a batch."""
    return _host_depth[0] > 0


@contextlib.contextmanager
def host_mode(active: bool = True):
    """Build tensors as WorkerTensors (numpy) while `active`: only around code `host_safe` accepts.

    The batch is turned into torchlike Tensors once, at the end, instead of one transfer per sample.
    """
    _host_depth[0] += bool(active)
    try:
        yield
    finally:
        _host_depth[0] -= bool(active)


@contextlib.contextmanager
def _user_mode():
    """Leave host mode while user code runs: it must get and build real Tensors."""
    depth, _host_depth[0] = _host_depth[0], 0
    try:
        yield
    finally:
        _host_depth[0] = depth


def apply_steps(steps, value):
    """Apply the callables `steps` in turn (what `transforms.Compose` does).

    Runs of torchlike's own steps work on the host; the value becomes a real Tensor before any
    other step and at the end, unless the caller is itself in host mode.
    """
    if in_worker():  # the caller checked that everything it runs, these steps too, is torchlike's
        for step in steps:
            value = step(value)
        return value
    for step in steps:
        if host_safe(step):
            with host_mode():
                value = step(value)
        else:
            with _user_mode():
                value = step(to_torch(value))
    return to_torch(value)


_DATA_TYPES = (type(None), bool, int, float, complex, str, bytes, range, slice, np.ndarray, np.generic, np.dtype)


# torchlike's numpy-level code: it accepts WorkerTensors (torchlike.nn and the rest need real Tensors)
_HOST_MODULES = ("torchlike.utils.data.", "torchlike.vision.datasets.", "torchlike.vision.transforms.")


def _is_torchlike(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").startswith(_HOST_MODULES)


def host_safe(obj, _seen=None) -> bool:
    """Whether `obj` (a dataset, transform or collate_fn) runs only torchlike's code on its samples.

    Such code may see WorkerTensors; anything else (a user's class, function or lambda anywhere
    inside, e.g. a `Lambda` transform's function) must get real Tensors, so the answer is False.
    """
    _seen = set() if _seen is None else _seen
    if isinstance(obj, _DATA_TYPES) or id(obj) in _seen:
        return True
    _seen.add(id(obj))
    if isinstance(obj, (list, tuple, set, frozenset)):
        return all(host_safe(v, _seen) for v in obj)
    if isinstance(obj, dict):
        return all(host_safe(v, _seen) for v in obj.values())
    cls = _tensor_cls()
    if cls is not None and isinstance(obj, cls):
        return True
    if isinstance(obj, type) or callable(obj) and not hasattr(obj, "__dict__"):
        return _is_torchlike(obj)
    if not _is_torchlike(type(obj)) and not _is_torchlike(obj):
        return False
    state = getattr(obj, "__dict__", None)
    return state is None or all(host_safe(v, _seen) for v in state.values())


class WorkerTensor(np.ndarray):
    """A numpy array standing for a tensor inside a DataLoader worker.

    `size` is torch's method here, not numpy's element count: numpy code given a WorkerTensor
    should receive `as_numpy(x)`.

    The main process turns every WorkerTensor of a batch into a torchlike Tensor. The handful of
    Tensor methods that dataset code commonly calls on samples are provided with torch semantics.
    """

    def view(self, *args):
        if len(args) == 1 and (isinstance(args[0], (type, np.dtype, str)) or args[0] is None):
            return np.ndarray.view(self, *args)
        if not args:
            return np.ndarray.view(self)
        shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
        return self.reshape(shape)

    def size(self, dim=None):
        return tuple(self.shape) if dim is None else self.shape[dim]

    def dim(self) -> int:
        return self.ndim

    def numel(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def unsqueeze(self, dim):
        return np.expand_dims(self, dim if dim >= 0 else dim + self.ndim + 1)

    def permute(self, *dims):
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        return self.transpose(dims)

    def flatten(self, start_dim=0, end_dim=-1):
        if isinstance(start_dim, str):
            return np.ndarray.flatten(self, start_dim)
        if self.ndim == 0:
            return self.reshape(1)
        s, e = start_dim % self.ndim, end_dim % self.ndim
        return self.reshape(self.shape[:s] + (-1,) + self.shape[e + 1:])

    def float(self):
        return self.astype(np.float32)

    def double(self):
        return self.astype(np.float64)

    def long(self):
        return self.astype(np.int64)

    def int(self):
        return self.astype(np.int32)

    def clone(self):
        return self.copy()

    def contiguous(self):
        return self if self.flags.c_contiguous else self.copy()

    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    def item(self, *args):
        return np.ndarray.item(self, *args)

    def to(self, *args, **kwargs):
        """Only a dtype conversion has an effect here; devices are chosen by the main process."""
        dtype = kwargs.get("dtype", next((a for a in args if hasattr(a, "np")), None))
        return self.astype(dtype.np) if dtype is not None else self

    def numpy(self):
        return self.view(np.ndarray)


def _tensor_cls():
    m = sys.modules.get("torchlike._tensor")
    return m.Tensor if m is not None else None


def is_tensor(x) -> bool:
    """A torchlike Tensor, or a WorkerTensor inside a worker."""
    if isinstance(x, WorkerTensor):
        return True
    cls = _tensor_cls()
    return cls is not None and isinstance(x, cls)


def to_tensor(array: np.ndarray):
    """A tensor holding `array` (a WorkerTensor inside a worker, else a torchlike Tensor)."""
    array = np.asarray(array)
    if not array.flags.c_contiguous:
        array = array.copy()
    if in_worker():
        return array.view(WorkerTensor)
    return _place(array)


def _place(array: np.ndarray):
    from torchlike._ops.creation import place  # from_numpy would turn a 0-d array into 1-d
    return place(array)


def as_numpy(x) -> np.ndarray:
    """The values of a tensor (or array) as a plain numpy array, without copying where possible."""
    if isinstance(x, np.ndarray):
        return x.view(np.ndarray) if type(x) is not np.ndarray else x
    return np.asarray(x.detach()._data if hasattr(x, "_data") else x)


def to_torch(obj):
    """Replace every WorkerTensor in a (nested) batch by a torchlike Tensor: run in the main process."""
    if isinstance(obj, WorkerTensor):
        return _place(obj.view(np.ndarray).copy(order="C"))
    if isinstance(obj, dict):
        try:
            return type(obj)({k: to_torch(v) for k, v in obj.items()})
        except TypeError:
            return {k: to_torch(v) for k, v in obj.items()}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(to_torch(v) for v in obj))
    if isinstance(obj, tuple):
        return tuple(to_torch(v) for v in obj)
    if isinstance(obj, list):
        return [to_torch(v) for v in obj]
    return obj


_rng_state = {"key": None, "gen": None}


def seed_transforms(seed: int) -> None:
    """Seed the random transforms for one DataLoader epoch in the main process."""
    _rng_state["key"], _rng_state["gen"] = ("loader", seed), np.random.default_rng([int(seed), 0x7E1])


def transform_rng() -> np.random.Generator:
    """The numpy Generator random transforms draw from.

    In a worker it is seeded from the worker's seed; in the main process from the DataLoader's
    per-epoch seed, or outside a loader from torchlike's initial seed, so `torch.manual_seed` makes
    augmentation reproducible.
    """
    if _worker_info is not None:
        key = ("worker", _worker_info.seed)
    elif _rng_state["key"] is not None and _rng_state["key"][0] == "loader":
        return _rng_state["gen"]
    else:
        tl = sys.modules.get("torchlike")
        seed_fn = getattr(tl, "initial_seed", None) if tl is not None else None
        key = ("main", seed_fn()) if callable(seed_fn) else ("main", None)
    if _rng_state["key"] != key or _rng_state["gen"] is None:
        seed = key[1] if key[1] is not None else np.random.randint(0, 2 ** 63 - 1, dtype=np.int64)
        _rng_state["key"], _rng_state["gen"] = key, np.random.default_rng([int(seed), 0x7E1])
    return _rng_state["gen"]
