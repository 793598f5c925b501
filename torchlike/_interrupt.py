"""Sections of code that a Ctrl-C cannot cut in two.

An optimizer step donates the parameters' buffers to XLA (the update writes over them) and then
stores the results in the tensors. A KeyboardInterrupt between the two would leave parameters on
deleted buffers. Python raises KeyboardInterrupt from its SIGINT handler, which runs on the main
thread between bytecodes; so a handler that holds the signal while such a section runs, and
delivers it once the section is over, keeps the section whole.

That handler, `_hold`, takes the place of Python's default one (whenever a section finds the
default in place: a host such as a notebook kernel may put it back) and tells a held signal from
another by looking for `whole`'s frame on the interrupted stack. So no per-section state can be
left behind by an exception, and outside sections it acts exactly as the default handler. (Swapping
handlers around every section would cost microseconds per step.) A handler the program set itself
is left alone, and its signals are not held.

Calls of the engine's fused programs run as sections too: their first call compiles, and a
KeyboardInterrupt landing in JAX's compile path leaves a jitted function that compiles again at
every later call (each training step then pays a full compile).
"""
from __future__ import annotations

import signal
import threading
from threading import get_ident

import _signal  # (signal.getsignal wraps this in enum conversions costing microseconds per call)

_MAIN = threading.main_thread().ident
_held: list = []       # signals that arrived inside a section, delivered when it ends


def _hold(signum, frame):
    """SIGINT handler: hold the signal inside a section, else act as Python's default handler."""
    f = frame
    while f is not None:
        if f.f_code is _SECTION:
            _held.append(signum)
            return
        f = f.f_back
    signal.default_int_handler(signum, frame)


def whole(fn, *args):
    """fn(*args) with SIGINT held until it returns; then the held interrupt is raised."""
    if _signal.getsignal(signal.SIGINT) is signal.default_int_handler and get_ident() == _MAIN:
        signal.signal(signal.SIGINT, _hold)
    try:
        return fn(*args)
    finally:
        if _held and get_ident() == _MAIN:  # only the main thread's sections hold signals
            _held.clear()
            signal.default_int_handler(signal.SIGINT, None)


_SECTION = whole.__code__
