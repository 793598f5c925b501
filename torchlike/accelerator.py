"""Mirrors `torch.accelerator`: the device-generic view of the current accelerator.

torchlike's only accelerator is CUDA, mapped onto JAX's GPUs as `torchlike.cuda` maps it: with a JAX
GPU visible the accelerator is `device(type='cuda')` and every call here agrees with `torchlike.cuda`;
with only the CPU, the module behaves as a PyTorch build without an accelerator does (nothing
available, and "Cannot access accelerator device when none is available." for device queries).
"""
from __future__ import annotations

import collections
import functools
import warnings

from . import _dtype as D
from . import cuda as _cuda
from ._device import device as _device_cls

__all__ = [
    "Graph",
    "current_accelerator",
    "current_device_idx",
    "current_device_index",
    "current_stream",
    "device_count",
    "device_index",
    "empty_cache",
    "empty_host_cache",
    "get_device_capability",
    "get_memory_info",
    "is_available",
    "max_memory_allocated",
    "max_memory_reserved",
    "memory_allocated",
    "memory_reserved",
    "memory_stats",
    "reset_accumulated_memory_stats",
    "reset_peak_memory_stats",
    "set_device_idx",
    "set_device_index",
    "set_stream",
    "synchronize",
]

_NONE_AVAILABLE = "Cannot access accelerator device when none is available."


def current_accelerator(check_available: bool = False) -> _device_cls | None:
    """Mirrors `torch.accelerator.current_accelerator`: `device(type='cuda')` (no index, as in PyTorch)
    when JAX sees a GPU, else None."""
    return _device_cls("cuda") if _cuda.is_available() else None


def is_available() -> bool:
    """Mirrors `torch.accelerator.is_available`."""
    return _cuda.is_available()


def device_count() -> int:
    """Mirrors `torch.accelerator.device_count`: 0 without an accelerator."""
    return _cuda.device_count() if is_available() else 0


def _require() -> None:
    if not is_available():
        raise RuntimeError(_NONE_AVAILABLE)


def _device_index(device, optional: bool) -> int:
    """The index a device argument names, with PyTorch's checks (its torch.accelerator._utils rules)."""
    if isinstance(device, int):
        return device
    if isinstance(device, str):
        device = _device_cls(device)
    index = None
    if isinstance(device, _device_cls):
        acc = current_accelerator()
        if acc is None:
            raise RuntimeError("Accelerator expected")
        if acc.type != device.type:
            raise ValueError(f"{device.type} doesn't match the current accelerator {acc}.")
        index = device.index
    if index is None:
        if not optional:
            raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{device}")
        return current_device_index()
    return index


def current_device_index() -> int:
    """Mirrors `torch.accelerator.current_device_index` (torchlike.cuda's current device)."""
    _require()
    return _cuda.current_device()


def set_device_index(device, /) -> None:
    """Mirrors `torch.accelerator.set_device_index`; a negative index is a no-op, as in PyTorch."""
    index = _device_index(device, optional=False)
    if index < 0:
        return
    _require()
    _cuda.set_device(index)


def _deprecated(replacement: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        warnings.warn(f"Use `{replacement}` instead.", FutureWarning, stacklevel=2)
        return fn(*args, **kwargs)
    return wrapper


current_device_idx = _deprecated("current_device_index", current_device_index)
set_device_idx = _deprecated("set_device_index", set_device_index)


def current_stream(device=None, /):
    """Mirrors `torch.accelerator.current_stream` (torchlike.cuda's stream placeholder: JAX orders work)."""
    index = _device_index(device, optional=True)
    _require()
    return _cuda.current_stream(index)


def set_stream(stream) -> None:
    """Mirrors `torch.accelerator.set_stream`: JAX keeps one ordered queue per device, so selecting a stream
    only makes its device the current one."""
    if not isinstance(stream, _cuda.Stream):
        raise TypeError(f"set_stream(): argument 'stream' must be a torch.Stream, not {type(stream).__name__}")
    _require()
    if stream.device is not None:
        set_device_index(_device_index(stream.device, optional=True))


def synchronize(device=None, /) -> None:
    """Mirrors `torch.accelerator.synchronize`: waits for the work JAX queued."""
    index = _device_index(device, optional=True)
    _require()
    _cuda.synchronize(index)


class device_index:
    """Mirrors `torch.accelerator.device_index`: a context manager making `device` the current device index
    for its body (None: no change)."""

    def __init__(self, device: int | None, /) -> None:
        self.idx, self.prev_idx = device, -1

    def __enter__(self) -> None:
        if self.idx is not None:
            _require()
            self.prev_idx = _cuda.current_device()
            if self.idx >= 0:
                _cuda.set_device(self.idx)

    def __exit__(self, *exc_info) -> None:
        if self.idx is not None and self.prev_idx >= 0:
            _cuda.set_device(self.prev_idx)


class Graph:
    """`torch.accelerator.Graph` captures kernel launches for replay (CUDA graphs); JAX compiles whole
    programs instead, so capture is not offered."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("torchlike.accelerator.Graph: graph capture and replay (CUDA graphs) is not "
                                  "supported; use torchlike.compile to run a step as one compiled program")


# ----- memory (JAX's allocator statistics of the GPU) -----
def empty_cache() -> None:
    """Mirrors `torch.accelerator.empty_cache` (JAX owns its allocator: nothing is cached to release)."""
    _require()
    _cuda.empty_cache()


def empty_host_cache() -> None:
    """Mirrors `torch.accelerator.empty_host_cache` (no pinned host cache exists to release)."""
    _require()


def memory_stats(device_index=None, /) -> collections.OrderedDict:
    """Mirrors `torch.accelerator.memory_stats`: PyTorch's key names, filled from JAX's memory_stats()."""
    _require()  # (PyTorch checks for an allocator before it reads the argument)
    index = _device_index(device_index, optional=True)
    stats = _cuda._stats(_cuda._jax_device(index))
    allocated, peak = int(stats.get("bytes_in_use", 0)), int(stats.get("peak_bytes_in_use", 0))
    # What the allocator took from the device: its pool where JAX reports one (never below what is in use).
    reserved = max(int(stats.get("pool_bytes", stats.get("bytes_reserved", 0))), allocated)
    peak_reserved = max(int(stats.get("peak_pool_bytes", stats.get("peak_bytes_reserved", 0))), peak, reserved)
    return collections.OrderedDict([
        ("allocated_bytes.all.current", allocated),
        ("allocated_bytes.all.peak", peak),
        ("reserved_bytes.all.current", reserved),
        ("reserved_bytes.all.peak", peak_reserved),
        ("num_alloc_retries", 0),
        ("num_ooms", 0),
    ])


def memory_allocated(device_index=None, /) -> int:
    """Mirrors `torch.accelerator.memory_allocated` (JAX's bytes_in_use)."""
    return memory_stats(device_index).get("allocated_bytes.all.current", 0)


def max_memory_allocated(device_index=None, /) -> int:
    """Mirrors `torch.accelerator.max_memory_allocated` (JAX's peak_bytes_in_use, since the process began)."""
    return memory_stats(device_index).get("allocated_bytes.all.peak", 0)


def memory_reserved(device_index=None, /) -> int:
    """Mirrors `torch.accelerator.memory_reserved` (the JAX allocator's pool, at least what is in use)."""
    return memory_stats(device_index).get("reserved_bytes.all.current", 0)


def max_memory_reserved(device_index=None, /) -> int:
    """Mirrors `torch.accelerator.max_memory_reserved`."""
    return memory_stats(device_index).get("reserved_bytes.all.peak", 0)


def _cannot_reset(what: str, device_index) -> None:
    _require()
    _device_index(device_index, optional=True)
    raise NotImplementedError(f"torchlike.accelerator.{what}: JAX's allocator statistics cannot be reset, so "
                              "peak and accumulated counts always cover the whole process")


def reset_peak_memory_stats(device_index=None, /) -> None:
    """`torch.accelerator.reset_peak_memory_stats` restarts the peak counters; JAX's cannot be restarted."""
    _cannot_reset("reset_peak_memory_stats", device_index)


def reset_accumulated_memory_stats(device_index=None, /) -> None:
    """`torch.accelerator.reset_accumulated_memory_stats`; JAX's counters cannot be restarted."""
    _cannot_reset("reset_accumulated_memory_stats", device_index)


def get_memory_info(device_index=None, /) -> tuple:
    """Mirrors `torch.accelerator.get_memory_info`: (free bytes, total bytes) of the device."""
    index = _device_index(device_index, optional=True)
    _require()
    stats = _cuda._stats(_cuda._jax_device(index))
    total = int(stats.get("bytes_limit", 0))
    return total - int(stats.get("bytes_in_use", 0)), total


def get_device_capability(device=None, /) -> dict:
    """Mirrors `torch.accelerator.get_device_capability`: {'supported_dtypes': the dtypes tensors on the
    device can have} (every torchlike dtype: JAX places all of them on its GPUs)."""
    index = _device_index(device, optional=True)
    _require()
    _cuda._jax_device(index)
    return {"supported_dtypes": set(D.ALL)}
