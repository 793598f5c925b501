"""torch.autocast: regions in which listed operators run in lower precision. Mirrors `torch.amp.autocast_mode`.

While a region is enabled for 'cpu' or 'cuda', the thread's autocast mode (torchlike/_state.py) is
`_hook`, which the operator registry calls with each op's bound arguments; the hook returns them with floating tensors cast as the op's policy says
(`_policies.py`). Casts go through the differentiable `_to_copy` operator, so gradients reach
float32 parameters in float32, as in PyTorch.

The state is per thread, as PyTorch's. We differ: in-place variants (`x.addmm_(...)`) are
autocast like their out-of-place op and cast back, where PyTorch leaves them alone.
"""
from __future__ import annotations

import functools
import threading
import warnings

import jax
import numpy as np

from .. import _device, _state
from .. import _dtype as D
from .._autograd import is_grad_enabled
from .._ops.conversion import to_dtype
from .._tensor import Tensor
from . import _policies as P

__all__ = ["autocast", "autocast_decrement_nesting", "autocast_increment_nesting", "clear_autocast_cache",
           "get_autocast_cpu_dtype", "get_autocast_dtype", "get_autocast_gpu_dtype", "is_autocast_cache_enabled",
           "is_autocast_cpu_enabled", "is_autocast_enabled", "set_autocast_cache_enabled", "set_autocast_cpu_dtype",
           "set_autocast_cpu_enabled", "set_autocast_dtype", "set_autocast_enabled", "set_autocast_gpu_dtype"]

# torch.device's device types, in the order PyTorch's error lists them.
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
_DEFAULT_DTYPES = {"cpu": D.bfloat16, "cuda": D.float16, "mps": D.float16, "xpu": D.float16, "ipu": D.float16,
                   "mtia": D.float16, "xla": D.bfloat16, "hpu": D.bfloat16, "maia": D.bfloat16}


class _AutocastState(threading.local):
    """Autocast's state, per thread as PyTorch's: a region opened in one thread casts nothing in another."""

    def __init__(self):
        self.dtypes = dict(_DEFAULT_DTYPES)
        self.enabled: dict = {}
        self.cache_enabled = True
        self.nesting = 0
        self.cache: dict = {}  # id(leaf) -> (leaf, version, grad mode, cast): a parameter cast once per region
        # What the hook consults, rebuilt when a region opens or closes: device type -> dtype, op names.
        self.active: dict = {}
        self.active_names: frozenset = frozenset()


_st = _AutocastState()
_ELIGIBLE = (np.dtype(np.float16), np.dtype(D.bfloat16.np), np.dtype(np.float32))
_F32 = np.dtype(np.float32)


def cuda_available() -> bool:
    """Whether JAX sees a GPU (torch.cuda.is_available), without importing torchlike.cuda, which imports amp."""
    return bool(_device.gpu_devices())


def _device_type(device_type: str) -> str:
    kind = device_type.partition(":")[0]
    if kind not in _DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: "
                           f"{device_type}")
    return kind


def is_autocast_available(device_type: str) -> bool:
    """Mirrors `torch.amp.is_autocast_available`."""
    return _device_type(device_type) in _DEFAULT_DTYPES


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Mirrors `torch.is_autocast_enabled`: without an argument, the CUDA state (as PyTorch)."""
    return _st.enabled.get("cuda" if device_type is None else _device_type(device_type), False)


def set_autocast_enabled(*args) -> None:
    """Mirrors `torch.set_autocast_enabled(device_type, enabled)` (and the older `(enabled)` for CUDA)."""
    device_type, enabled = ("cuda", *args) if len(args) == 1 else args
    if not isinstance(enabled, bool):
        raise TypeError(f"set_autocast_enabled(): argument 'enabled' (position {len(args)}) must be bool, "
                        f"not {type(enabled).__name__}")
    _st.enabled[_device_type(device_type)] = enabled
    _refresh()


def get_autocast_dtype(device_type: str) -> D.dtype:
    """Mirrors `torch.get_autocast_dtype`: bfloat16 for 'cpu', float16 for 'cuda' unless set."""
    d = _st.dtypes.get(_device_type(device_type))
    if d is None:
        raise RuntimeError("unsupported scalarType")
    return d


def set_autocast_dtype(device_type: str, dtype: D.dtype) -> None:
    """Mirrors `torch.set_autocast_dtype`."""
    _st.dtypes[_device_type(device_type)] = dtype
    _refresh()


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.", DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled() -> bool:
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return is_autocast_enabled("cpu")


def set_autocast_cpu_enabled(enabled: bool) -> None:
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype() -> D.dtype:
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def get_autocast_gpu_dtype() -> D.dtype:
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def set_autocast_cpu_dtype(dtype: D.dtype) -> None:
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def set_autocast_gpu_dtype(dtype: D.dtype) -> None:
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)


def is_autocast_cache_enabled() -> bool:
    return _st.cache_enabled


def set_autocast_cache_enabled(enabled: bool) -> None:
    _st.cache_enabled = bool(enabled)


def clear_autocast_cache() -> None:
    _st.cache.clear()


def autocast_increment_nesting() -> int:
    _st.nesting += 1
    return _st.nesting


def autocast_decrement_nesting() -> int:
    _st.nesting -= 1
    return _st.nesting


def _refresh() -> None:
    """Rebuild what the hook reads; install it only while some region casts."""
    _st.active = {d: _st.dtypes[d] for d in P.TABLES if _st.enabled.get(d)}
    _st.active_names = frozenset(n for d in _st.active for n in P.TABLES[d])
    _state.set_mode("autocast", _hook if _st.active else None)


# ----- the hook -----
def _op_device(op, vals) -> str:
    if not _device.gpu_devices():  # every tensor is on the CPU
        return "cpu"
    first = next(_tensor_args(op, vals), None)
    return "cpu" if first is None else first.device.type


def _hook(op, vals: dict) -> dict:
    """(op, bound arguments) -> the arguments autocast gives the op."""
    name = op.name
    if name not in _st.active_names or vals.get("out") is not None:  # out= calls are not autocast (PyTorch)
        return vals
    dev = _op_device(op, vals)
    dtype = _st.active.get(dev)
    policy = P.TABLES[dev].get(name) if dtype is not None else None
    if callable(policy):
        policy = policy(vals)
    if policy is None:
        return vals
    if policy == P.LOWER:
        return _cast_args(op, vals, dtype)
    if policy == P.FP32:
        return _cast_args(op, vals, D.float32)
    if policy == P.PROMOTE:
        return _cast_args(op, vals, _widest(op, vals, dtype))
    if policy == P.SET_DTYPE:
        return _set_dtype(op, vals)
    raise RuntimeError(P.BCE_BANNED_MSG)


def _eligible(t) -> bool:
    return isinstance(t, Tensor) and t._data.dtype in _ELIGIBLE


def _tensor_args(op, vals):
    for name, _ in op.tensor_params:
        v = vals[name]
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (list, tuple)):
            yield from (t for t in v if isinstance(t, Tensor))


def _cast_args(op, vals: dict, dtype: D.dtype) -> dict:
    new = dict(vals)
    for name, _ in op.tensor_params:
        v = vals[name]
        if isinstance(v, Tensor):
            new[name] = _cast(v, dtype)
        elif isinstance(v, (list, tuple)):
            new[name] = type(v)(_cast(t, dtype) if isinstance(t, Tensor) else t for t in v)
    return new


def _cast(t: Tensor, dtype: D.dtype) -> Tensor:
    """t in dtype when autocast may cast it (floating, not float64); parameters cast once per region."""
    src = t._data.dtype
    if src not in _ELIGIBLE or src == dtype.np:
        return t
    cacheable = (_st.cache_enabled and src == _F32 and t.requires_grad and t.grad_fn is None and t._base is None
                 and not isinstance(t._data, jax.core.Tracer))
    if not cacheable:
        return to_dtype(t, dtype)
    hit = _st.cache.get(id(t))
    grad_mode = is_grad_enabled()
    if hit is not None and hit[0] is t and hit[1] == t._version and hit[2] == grad_mode and hit[3].dtype is dtype:
        return hit[3]
    out = to_dtype(t, dtype)
    _st.cache[id(t)] = (t, t._version, grad_mode, out)
    return out


def _widest(op, vals: dict, lower: D.dtype) -> D.dtype:
    """PyTorch's autocast promote rule: float32 wins over the lower dtype; float64 is ignored."""
    current = lower.np
    for t in _tensor_args(op, vals):
        d = t._data.dtype
        if d not in _ELIGIBLE:
            continue
        if current == _F32 or d == _F32:
            current = _F32
        elif d != current:
            raise RuntimeError("Unexpected floating ScalarType in at::autocast::prioritize")
    return D.float32 if current == _F32 else lower


def _set_dtype(op, vals: dict) -> dict:
    first = vals[op.tensor_params[0][0]]
    if vals.get("dtype") is not None or not _eligible(first):
        return vals
    return {**vals, "dtype": D.float32}


# ----- the context manager -----
class autocast:
    """Mirrors `torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)`: a context
    manager and a decorator."""

    def __init__(self, device_type: str, dtype: D.dtype | None = None, enabled: bool = True,
                 cache_enabled: bool | None = None):
        _check_device_type(device_type)
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self.device = _device_type(device_type)
        if not is_autocast_available(self.device):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{self.device}'")
        self._cache_enabled = is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        self._enabled = self._check_enabled(enabled)
        self._saved: list = []

    def _check_enabled(self, enabled: bool) -> bool:
        if not enabled:
            return False
        if self.device == "cuda":
            if not cuda_available():
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=3)
                return False
            if self.fast_dtype is D.bfloat16 and not cuda_available():
                raise RuntimeError("Current CUDA Device does not support bfloat16. Please switch dtype to float16.")
            return True
        if self.fast_dtype not in (D.bfloat16, D.float16):
            name = self.device.upper()
            warnings.warn(f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                          f"{name} Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                          stacklevel=3)
            return False
        return True

    def __enter__(self):
        # A stack, not one slot: the same decorated function may call itself.
        self._saved.append((is_autocast_enabled(self.device), get_autocast_dtype(self.device),
                            is_autocast_cache_enabled()))
        _st.enabled[self.device] = self._enabled
        _st.dtypes[self.device] = self.fast_dtype
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)
        _refresh()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        enabled, dtype, cache = self._saved.pop()
        _st.enabled[self.device], _st.dtypes[self.device] = enabled, dtype
        set_autocast_cache_enabled(cache)
        _refresh()
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                            f"Did you mean to use autocast as a context manager? For example:\n"
                            f"    with torch.autocast(device_type=...):\n"
                            f"        output = model(input)")

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast


# ----- custom autograd Functions -----
def _cast_inputs(value, device_type: str, dtype: D.dtype):
    if isinstance(value, Tensor):
        ok = value.is_floating_point() and value.device.type == device_type and value.dtype is not D.float64
        return value.to(dtype) if ok else value
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, dict):
        return {k: _cast_inputs(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_inputs(v, device_type, dtype) for v in value)
    return value


def _check_device_type(device_type) -> None:
    if not isinstance(device_type, str):
        msg = f"Expected `device_type` of type `str`, got: `{type(device_type)}`"
        raise ValueError(msg)  # noqa: TRY004 (PyTorch raises ValueError)


def custom_fwd(fwd=None, *, device_type: str, cast_inputs: D.dtype | None = None):
    """Mirrors `torch.amp.custom_fwd`: for a custom Function's forward; with cast_inputs, inside an
    enabled region the floating inputs are cast and forward runs with autocast off."""
    _check_device_type(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        ctx = args[0]
        ctx._dtype = get_autocast_dtype(device_type)
        on = is_autocast_enabled(device_type)
        ctx._fwd_used_autocast = on and cast_inputs is None
        if cast_inputs is None or not on:
            return fwd(*args, **kwargs)
        with autocast(device_type=device_type, enabled=False):
            return fwd(*_cast_inputs(args, device_type, cast_inputs), **_cast_inputs(kwargs, device_type, cast_inputs))
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type: str):
    """Mirrors `torch.amp.custom_bwd`: backward runs with the autocast state forward ran with."""
    _check_device_type(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type=device_type, enabled=ctx._fwd_used_autocast, dtype=ctx._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
