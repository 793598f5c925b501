"""The modes that change how calls run while a context is active, each seen only by the thread
that entered it (as PyTorch's grad mode and autocast state are thread-local).

- `observer`: what watches every tensor creation and read: torchlike.compile's tracer, and the
  tape guard of a torch.func transform chained in front of it;
- `autocast`: the cast rule of an open autocast region, `(op, bound arguments) -> bound arguments`;
- `traced_detach`: a torch.func transform is running: `detach()` and `.data` of a tensor that wraps a
  JAX tracer stop the gradient;
- `next_key`: a torch.func transform decides randomness: where random draws take their keys.

Modes are set through `entered` (a context manager) or `set_mode`. `active` counts the modes set on
every thread, so the hot paths (each operator call, each tensor read) check one number and read the
thread's modes only while some mode is set somewhere.
"""
from __future__ import annotations

import contextlib
import threading

_NAMES = ("observer", "autocast", "traced_detach", "next_key")


class _Modes(threading.local):
    observer = None
    autocast = None
    traced_detach = False
    next_key = None


modes = _Modes()
active = 0  # modes set (not None/False) on all threads together
_lock = threading.Lock()


def set_mode(name: str, value) -> None:
    """Set this thread's mode `name` (None or False clears it)."""
    global active
    if name not in _NAMES:
        raise KeyError(name)
    was = bool(getattr(modes, name))
    setattr(modes, name, value)
    now = bool(value)
    if now != was:
        with _lock:
            active += 1 if now else -1


@contextlib.contextmanager
def entered(name: str, value):
    """Set mode `name` to value for the body, then restore what this thread had."""
    prev = getattr(modes, name)
    set_mode(name, value)
    try:
        yield value
    finally:
        set_mode(name, prev)


def current(name: str):
    """This thread's mode `name` (None/False when unset)."""
    return getattr(modes, name) if active else _Modes.__dict__[name]
