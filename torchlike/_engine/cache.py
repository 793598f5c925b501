"""One bounded-cache policy for the engine's caches (fast-path tables, kernels, vjps, replay,
deferred-trace and compile programs).

Each cache is an `LRU`: a dict that keeps at most `maxsize` entries and, when full, drops the
entry least recently read or written. A dropped kernel or program is only rebuilt (and maybe
recompiled) on its next use: a pause, never a different result. Without a bound a long run
that keeps meeting new forms (shapes, dtypes, options) would keep every one of them, with the
compiled XLA program each holds, for the life of the process.

Caches register under a family name so `torchlike.utils.debug` can report and clear them; per-op
and per-kernel caches are many, so they are held weakly and summed per family.
"""
from __future__ import annotations

import itertools
import weakref
from collections import OrderedDict

# Bounds, per cache (a per-op cache bounds that op alone).
FAST_PER_OP = 256        # fast-path entries per op: forms (dtypes, static values) in use at once
KERNELS_PER_OP = 256     # kernels per op: (operand structure, compute dtype, static arguments)
VJPS_PER_KERNEL = 16     # jitted backwards per kernel: (differentiated inputs, present cotangents)
REPLAY_PROGRAMS = 64     # one-call backward programs (tape shapes)
REPLAY_SEEN = 4096       # tape shapes seen but not (yet) compiled
LAZY_PROGRAMS = 512      # fused deferred traces and forward+backward programs
LAZY_SEEN = 4096         # trace structures seen but not (yet) compiled
COMPILE_PROGRAMS = 64    # torchlike.compile programs per compiled function
SHARDINGS = 256          # distinct shardings deferred traces key by (one per placement in use)
ONES = 64                # implicit 0-d loss gradients, one per dtype and placement
COLLECTIVES = 256        # jitted collective kernels per (world, kernel, static arguments)
HYPERPARAMETERS = 1024   # optimizer hyperparameter values kept on the device
OPTIMIZER_STEPS = 256    # jitted optimizer updates per (update function, options, donated arguments)

_families: dict = {}     # family name -> (bound, {serial: cache}, held weakly)
_serials = itertools.count()


class LRU(OrderedDict):
    """A dict of at most `maxsize` entries; reading (`get`, `[]`) or writing an entry makes it the
    most recent, and a write into a full cache drops the least recent one."""

    __slots__ = ("maxsize",)

    def __init__(self, maxsize: int, family: str | None = None):
        super().__init__()
        self.maxsize = maxsize
        if family is not None:
            _families.setdefault(family, (maxsize, weakref.WeakValueDictionary()))[1][next(_serials)] = self

    def get(self, key, default=None):
        try:
            v = OrderedDict.__getitem__(self, key)
            self.move_to_end(key)
        except KeyError:  # (absent, or dropped meanwhile by another thread)
            return default
        return v

    def __getitem__(self, key):
        v = OrderedDict.__getitem__(self, key)
        try:
            self.move_to_end(key)
        except KeyError:
            pass
        return v

    def __setitem__(self, key, value):
        OrderedDict.__setitem__(self, key, value)
        try:
            self.move_to_end(key)
            while len(self) > self.maxsize:
                self.popitem(last=False)
        except KeyError:  # (another thread emptied it meanwhile)
            pass


def families() -> dict:
    """{family: {"caches": how many, "entries": total, "largest": the fullest one's size, "bound": per-cache bound}}."""
    out = {}
    for name, (bound, caches) in _families.items():
        sizes = [len(c) for c in list(caches.values())]
        out[name] = {"caches": len(sizes), "entries": sum(sizes), "largest": max(sizes, default=0), "bound": bound}
    return out


def clear_all() -> None:
    """Empty every registered cache."""
    for _, caches in _families.values():
        for c in list(caches.values()):
            c.clear()
