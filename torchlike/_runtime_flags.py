"""torch's process-wide runtime settings: thread counts, deterministic algorithms, warn-always.

The settings are kept and reported as PyTorch reports them, with its argument checks. They do not
change how XLA runs, and say so once: its CPU thread pool is sized when JAX starts (XLA_FLAGS), and
on a GPU deterministic reductions and scatters need XLA_FLAGS=--xla_gpu_deterministic_ops=true set
before the process imports torchlike. XLA's CPU programs give the same results run after run.
"""
from __future__ import annotations

import os
import warnings

__all__ = ["get_num_threads", "set_num_threads", "get_num_interop_threads", "set_num_interop_threads",
           "init_num_threads", "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "set_warn_always", "is_warn_always_enabled"]

_threads = {"intra": os.cpu_count() or 1, "interop": os.cpu_count() or 1}
_deterministic = {"on": False, "warn_only": False}
_warn_always = [False]
_DEBUG_MODES = ("default", "warn", "error")


def _positive_int(name: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuntimeError(f"{name} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return n


_warned: set = set()


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


def get_num_threads() -> int:
    """Mirrors `torch.get_num_threads`."""
    return _threads["intra"]


def set_num_threads(n: int) -> None:
    """Mirrors `torch.set_num_threads` (recorded; XLA's thread pool keeps its size)."""
    _threads["intra"] = _positive_int("set_num_threads", n)
    _warn_once("threads", "torch.set_num_threads: recorded, but XLA's CPU thread pool keeps the size it was given "
                          "when JAX started (set XLA_FLAGS before importing torchlike to change it)")


def get_num_interop_threads() -> int:
    """Mirrors `torch.get_num_interop_threads`."""
    return _threads["interop"]


def set_num_interop_threads(n: int) -> None:
    """Mirrors `torch.set_num_interop_threads` (recorded)."""
    _threads["interop"] = _positive_int("set_num_interop_threads", n)
    _warn_once("threads", "torch.set_num_interop_threads: recorded, but XLA's CPU thread pool keeps the size it "
                          "was given when JAX started (set XLA_FLAGS before importing torchlike to change it)")


def init_num_threads() -> None:
    """Mirrors `torch.init_num_threads`: nothing to initialise."""


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Mirrors `torch.use_deterministic_algorithms`."""
    if not isinstance(mode, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    _deterministic["on"], _deterministic["warn_only"] = mode, bool(warn_only)
    if mode and "--xla_gpu_deterministic_ops=true" not in os.environ.get("XLA_FLAGS", ""):
        from ._device import gpu_devices
        if gpu_devices():
            _warn_once("deterministic", "torch.use_deterministic_algorithms: XLA's GPU reductions and scatters are "
                                        "deterministic only with XLA_FLAGS=--xla_gpu_deterministic_ops=true set "
                                        "before torchlike is imported")


def are_deterministic_algorithms_enabled() -> bool:
    """Mirrors `torch.are_deterministic_algorithms_enabled`."""
    return _deterministic["on"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Mirrors `torch.is_deterministic_algorithms_warn_only_enabled`."""
    return _deterministic["warn_only"]


def set_deterministic_debug_mode(debug_mode) -> None:
    """Mirrors `torch.set_deterministic_debug_mode`: "default"/0, "warn"/1 or "error"/2."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif isinstance(debug_mode, int):  # (True counts as 1, as in PyTorch)
        if debug_mode not in (0, 1, 2):
            raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    else:
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """Mirrors `torch.get_deterministic_debug_mode`: 0 off, 1 warn only, 2 error."""
    if not _deterministic["on"]:
        return 0
    return 1 if _deterministic["warn_only"] else 2


def set_warn_always(b: bool) -> None:
    """Mirrors `torch.set_warn_always`."""
    _warn_always[0] = bool(b)


def is_warn_always_enabled() -> bool:
    """Mirrors `torch.is_warn_always_enabled`."""
    return _warn_always[0]
