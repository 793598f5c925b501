"""Mirrors `torch.multiprocessing`: Python's multiprocessing (every name it exports), plus `spawn` /
`start_processes` and the sharing-strategy switches.

What differs from PyTorch: PyTorch moves a CPU tensor into shared memory when it is sent to another
process (a Queue, or the arguments of a spawned process), so a write made by the receiver is seen by the
sender. torchlike tensors are immutable JAX arrays, so they travel by value (pickled): each process has its
own copy, and `Tensor.share_memory_()` (Hogwild training) raises NotImplementedError. Results must be
sent back explicitly, e.g. through a Queue. The sharing strategy is recorded for scripts that set or
read it; with tensors copied by value it has nothing to select.
"""
from __future__ import annotations

import multiprocessing
import sys
from multiprocessing import *  # noqa: F401,F403  (PyTorch's torch.multiprocessing re-exports all of it)

from .spawn import (ProcessContext, ProcessException, ProcessExitedException, ProcessRaisedException,  # noqa: F401
                    SpawnContext, spawn, start_processes)

__all__ = ["get_all_sharing_strategies", "get_sharing_strategy", "set_sharing_strategy"]
__all__ += multiprocessing.__all__  # type: ignore[attr-defined]

if sys.platform in ("darwin", "win32"):
    _sharing_strategy = "file_system"
    _all_sharing_strategies = {"file_system"}
else:
    _sharing_strategy = "file_descriptor"
    _all_sharing_strategies = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy: str) -> None:
    """Mirrors `torch.multiprocessing.set_sharing_strategy` (AssertionError for an unknown strategy)."""
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}, expected one of {_all_sharing_strategies}")
    _sharing_strategy = new_strategy


def get_sharing_strategy() -> str:
    """Mirrors `torch.multiprocessing.get_sharing_strategy`."""
    return _sharing_strategy


def get_all_sharing_strategies() -> set:
    """Mirrors `torch.multiprocessing.get_all_sharing_strategies`."""
    return _all_sharing_strategies
