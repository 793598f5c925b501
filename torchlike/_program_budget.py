"""Keeps the compiled XLA programs of a long run within what the OS lets one process map.

torchlike compiles a kernel per operator, shape and dtype, and JAX keeps every program it compiled
for as long as its jitted function lives. On the CPU each program holds about a dozen memory
mappings, so a run that meets many shapes (a test suite, variable-length batches, a notebook left
open for days) nears Linux's per-process limit (vm.max_map_count, 65530 by default), and the next
allocation past it kills the process. PyTorch has no such limit to meet.

So compilations are counted (JAX reports each one), and after every CHECK_EVERY of them the
process's mappings are counted; past HIGH_WATER of the limit, JAX's compilation caches are
cleared at the next safe point (an operator call outside any JAX trace). Programs then recompile
on their next use: a pause, never a wrong result. Where /proc is absent nothing is checked, but compilations are still counted (`compiles()`)."""
from __future__ import annotations

CHECK_EVERY = 200
HIGH_WATER = 0.6
_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"  # compiled, or loaded from the disk cache
_CACHE_HIT_EVENT = "/jax/compilation_cache/cache_hits"

_compiles = 0
_loaded = 0  # programs the persistent compilation cache supplied
pending = False  # read by the operator registry on its slow path: a clear is due
clears = 0  # how many times the caches were cleared (for tests and diagnostics)


def _map_limit() -> int | None:
    try:
        with open("/proc/sys/vm/max_map_count") as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


def map_count() -> int | None:
    """This process's memory mappings, or None where the OS does not say."""
    try:
        with open("/proc/self/maps", "rb") as f:
            return sum(1 for _ in f)
    except OSError:
        return None


_LIMIT = _map_limit()


def _on_duration_event(event, *args, **kwargs) -> None:
    global _compiles, pending
    if event != _COMPILE_EVENT:
        return
    _compiles += 1
    if _LIMIT is not None and _compiles % CHECK_EVERY == 0 and not pending:
        n = map_count()
        pending = n is not None and n > HIGH_WATER * _LIMIT


def _on_event(event, *args, **kwargs) -> None:
    global _loaded
    if event == _CACHE_HIT_EVENT:
        _loaded += 1


def relieve() -> None:
    """Clear JAX's caches if a clear is due and no JAX trace is running (called by the registry)."""
    global pending, clears
    import jax
    from jax._src import core
    clean = getattr(core, "trace_state_clean", lambda: True)
    if not pending or not clean():
        return
    pending = False
    clears += 1
    jax.clear_caches()


def compiles() -> int:
    """How many XLA programs this process has compiled so far (not counting those loaded from
    the persistent compilation cache)."""
    return _compiles - _loaded


def loaded() -> int:
    """How many XLA programs this process loaded from the persistent compilation cache."""
    return _loaded


def install() -> None:
    from jax import monitoring
    monitoring.register_event_duration_secs_listener(_on_duration_event)
    monitoring.register_event_listener(_on_event)
