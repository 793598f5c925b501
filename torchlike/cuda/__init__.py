"""torch.cuda mapped onto JAX's GPU devices. Mirrors `torch.cuda`."""
from __future__ import annotations


from .. import _device

__all__ = [
    "Event",
    "Stream",
    "current_device",
    "current_stream",
    "default_stream",
    "device",
    "device_count",
    "empty_cache",
    "get_device_capability",
    "get_device_name",
    "get_device_properties",
    "init",
    "is_available",
    "is_bf16_supported",
    "is_initialized",
    "manual_seed",
    "manual_seed_all",
    "max_memory_allocated",
    "max_memory_reserved",
    "memory_allocated",
    "memory_reserved",
    "reset_peak_memory_stats",
    "seed",
    "seed_all",
    "set_device",
    "stream",
    "synchronize",
]

_current = [0]


def _gpus() -> tuple:
    return _device.gpu_devices()


def is_available() -> bool:
    """Mirrors `torch.cuda.is_available`: True when JAX sees a GPU."""
    return len(_gpus()) > 0


def device_count() -> int:
    """Mirrors `torch.cuda.device_count`."""
    return len(_gpus())


def is_initialized() -> bool:
    return is_available()


def init() -> None:
    _lazy_check()


def _lazy_check() -> None:
    if not is_available():
        raise AssertionError("Torch not compiled with CUDA enabled")


def _index(device=None) -> int:
    if device is None:
        return _current[0]
    if isinstance(device, int):
        return device
    d = device if isinstance(device, _device.device) else _device.device(device)
    return d.index if d.index is not None else _current[0]


def _jax_device(device=None):
    _lazy_check()
    i = _index(device)
    gpus = _gpus()
    if not 0 <= i < len(gpus):
        raise RuntimeError("CUDA error: invalid device ordinal")
    return gpus[i]


def current_device() -> int:
    """Mirrors `torch.cuda.current_device`."""
    _lazy_check()
    return _current[0]


def set_device(device) -> None:
    """Mirrors `torch.cuda.set_device`."""
    i = _index(device)
    if i >= 0:
        _jax_device(i)
        _current[0] = i


class device:
    """Mirrors `torch.cuda.device` (a context manager selecting the current device)."""

    def __init__(self, device):
        self.idx, self.prev = _index(device), None

    def __enter__(self):
        self.prev = _current[0]
        if self.idx >= 0:
            set_device(self.idx)

    def __exit__(self, *exc):
        _current[0] = self.prev
        return False


def get_device_name(device=None) -> str:
    """Mirrors `torch.cuda.get_device_name`."""
    return getattr(_jax_device(device), "device_kind", "GPU")


class _CudaDeviceProperties:
    def __init__(self, d):
        stats = _stats(d)
        self.name = getattr(d, "device_kind", "GPU")
        self.total_memory = int(stats.get("bytes_limit", 0))
        cc = getattr(d, "compute_capability", None)
        self.major, self.minor = (int(x) for x in str(cc).split(".")) if cc else (0, 0)
        self.multi_processor_count = int(getattr(d, "core_count", 0) or 0)
        self.is_integrated = False

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // (1024 * 1024)}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None) -> _CudaDeviceProperties:
    """Mirrors `torch.cuda.get_device_properties` (name, total_memory, major/minor where JAX reports them)."""
    return _CudaDeviceProperties(_jax_device(device))


def get_device_capability(device=None) -> tuple:
    p = get_device_properties(device)
    return p.major, p.minor


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return is_available()


def synchronize(device=None) -> None:
    """Mirrors `torch.cuda.synchronize`: waits for all work JAX queued on the device."""
    import jax
    _jax_device(device)
    jax.effects_barrier()


def manual_seed(seed: int) -> None:
    """Mirrors `torch.cuda.manual_seed`: torchlike has one generator for all devices, so this seeds it."""
    import torchlike
    if hasattr(torchlike, "manual_seed"):
        torchlike.manual_seed(seed)


def manual_seed_all(seed: int) -> None:
    """Mirrors `torch.cuda.manual_seed_all`."""
    manual_seed(seed)


def seed() -> None:
    import torchlike
    if hasattr(torchlike, "seed"):
        torchlike.seed()


seed_all = seed


def empty_cache() -> None:
    """Mirrors `torch.cuda.empty_cache` (JAX owns its allocator: nothing to release)."""


def _stats(d) -> dict:
    try:
        return d.memory_stats() or {}
    except Exception:  # noqa: BLE001 - some backends do not report memory statistics
        return {}


def _stat(device, key: str) -> int:
    if not is_available():
        return 0
    return int(_stats(_jax_device(device)).get(key, 0))


def memory_allocated(device=None) -> int:
    """Mirrors `torch.cuda.memory_allocated` (JAX's bytes_in_use; 0 without a GPU)."""
    return _stat(device, "bytes_in_use")


def max_memory_allocated(device=None) -> int:
    """Mirrors `torch.cuda.max_memory_allocated` (JAX's peak_bytes_in_use)."""
    return _stat(device, "peak_bytes_in_use")


def memory_reserved(device=None) -> int:
    """Mirrors `torch.cuda.memory_reserved` (JAX's bytes_reserved, else bytes_limit)."""
    if not is_available():
        return 0
    s = _stats(_jax_device(device))
    return int(s.get("bytes_reserved", s.get("bytes_limit", 0)))


max_memory_reserved = memory_reserved


def reset_peak_memory_stats(device=None) -> None:
    pass


class Stream:
    """Placeholder for `torch.cuda.Stream`: JAX orders work itself, so streams only group code."""

    def __init__(self, device=None, priority: int = 0, **kwargs):
        self.device, self.priority = device, priority

    def synchronize(self) -> None:
        synchronize()

    def wait_stream(self, stream) -> None:
        pass

    def query(self) -> bool:
        return True


class Event:
    """Placeholder for `torch.cuda.Event`, timing with the host clock after a device barrier."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False, interprocess: bool = False):
        self.enable_timing, self._t = enable_timing, None

    def record(self, stream=None) -> None:
        import time
        if is_available():
            synchronize()
        self._t = time.perf_counter()

    def synchronize(self) -> None:
        if is_available():
            synchronize()

    def query(self) -> bool:
        return True

    def elapsed_time(self, end: Event) -> float:
        if self._t is None or end._t is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return (end._t - self._t) * 1000.0


def current_stream(device=None) -> Stream:
    return Stream(device)


default_stream = current_stream


class StreamContext:
    """Mirrors `torch.cuda.StreamContext`: a stream's `with` block (streams only group code here)."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        return False


def stream(s) -> StreamContext:
    return StreamContext(s)


_NO_GRAPHS = ("torchlike: CUDA graphs (torch.cuda.CUDAGraph, torch.cuda.graph) are not supported; "
              "torchlike.compile turns a whole step into one XLA program instead")


class CUDAGraph:
    """Mirrors `torch.cuda.CUDAGraph` as a name (libraries annotate with it); capturing raises."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(_NO_GRAPHS)


class graph:
    """Mirrors `torch.cuda.graph`: capturing raises."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(_NO_GRAPHS)


def make_graphed_callables(*args, **kwargs):
    raise NotImplementedError(_NO_GRAPHS)


from . import amp  # noqa: E402,F401  (torch.cuda.amp)
