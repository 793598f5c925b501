"""The multi-process DataLoader iterator: index queue per worker, one result queue, a reorder buffer.

How workers start, and why. PyTorch on Linux forks its workers, so a worker inherits the dataset
whatever it holds. Forking a process that runs JAX is not safe: JAX keeps threads (and locks)
that a forked child does not inherit in a usable state, so a worker that touches JAX after a
fork can deadlock, and the main process always has JAX running. torchlike therefore spawns its
workers ('spawn' unless `multiprocessing_context` says otherwise) and sends the dataset,
collate_fn and worker_init_fn pickled with `_pickle.Pickler`, which carries by value what a fresh
process cannot import by name: the script's own classes and functions, classes and functions
defined inside functions, lambdas, and the staticmethods, classmethods and properties of such
classes. That covers the datasets fork accepts except those holding objects no pickler can
carry (open files, locks, generators), which fail at the start with the pickling error.
Alternatives weighed: forking the main process "when safe" is never safe here (importing
torchlike starts JAX's backend); a fork server started before JAX would still need the dataset
pickled to reach it, so it would only save start-up time, at the cost of one more process.

A `multiprocessing_context` of 'fork' is honoured, as in PyTorch, and Python warns about it:
such a worker is safe only while nothing in it touches JAX.

A worker boots through `_bootstrap`, without JAX; JAX is imported there (CPU only) the first time
the user's code builds a tensor. The main process checks the workers' liveness while it waits:
a worker that died is reported as PyTorch reports it (killed by a signal, or its exit code), and
an exception raised in a worker is re-raised in the main process with the worker's traceback.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import queue
import signal
import sys
import time
import types

from . import _pickle
from ._common import to_torch
from ._fetch import ExceptionWrapper
from ._worker import IterableDatasetStopIteration, ResumeIteration
from .dataloader import BaseIter
from .sampler import draw_seed

_CHECK_INTERVAL = 1.0  # seconds between liveness checks while waiting for a batch
_BOOT = ("import importlib.util as u\n"
         "s = u.spec_from_file_location('_torchlike_worker_boot', A['boot'])\n"
         "m = u.module_from_spec(s)\n"
         "s.loader.exec_module(m)\n"
         "m.main(A['args'])\n")
_HERE = os.path.dirname(os.path.abspath(__file__))


@contextlib.contextmanager
def _script_hidden():
    """Keep spawn from re-running the script in each worker: what it defines travels by value instead."""
    main = sys.modules.get("__main__")
    if main is None or getattr(getattr(main, "__spec__", None), "name", None):
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _aliased() -> bool:
    m = sys.modules.get("torchlike._aliases")
    return m is not None and m.installed()


def _death_cause(worker) -> RuntimeError | None:
    """PyTorch's detail for a dead worker: the signal that killed it, or its exit code."""
    code = worker.exitcode
    if code is None or code == 0:
        return None
    if code > 0:
        return RuntimeError(f"DataLoader worker (pid {worker.pid}) exited unexpectedly with exit code {code}. "
                            "Details are lost due to multiprocessing. Rerunning with num_workers=0 may give better "
                            "error trace.")
    try:
        name = signal.strsignal(-code) or f"signal {-code}"
    except ValueError:
        name = f"Unknown signal: {-code}"
    return RuntimeError(f"DataLoader worker (pid {worker.pid}) is killed by signal: {name}. ")


class MultiProcessIter(BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        import multiprocessing
        ctx = loader.multiprocessing_context or multiprocessing.get_context("spawn")
        self._shutdown = True
        self._result_queue = ctx.Queue()
        self._done_event = ctx.Event()
        payload = _pickle.dumps({"dataset": self._dataset, "collate_fn": self._collate_fn,
                                 "worker_init_fn": loader.worker_init_fn, "auto_collation": self._auto_collation,
                                 "drop_last": self._drop_last, "iterable": self._iterable})
        base_seed = draw_seed(self._generator)
        self._index_queues, self._workers = [], []
        self._shutdown = False
        with _script_hidden():
            for i in range(self._num_workers):
                iq = ctx.Queue()
                iq.cancel_join_thread()
                args = {"payload": payload, "index_queue": iq, "result_queue": self._result_queue,
                        "done_event": self._done_event, "worker_id": i, "num_workers": self._num_workers,
                        "seed": base_seed + i, "parent_pid": os.getpid(),
                        "pkg_dir": os.path.dirname(os.path.dirname(_HERE)), "alias": _aliased()}
                w = ctx.Process(target=exec, args=(_BOOT, {"A": {"boot": os.path.join(_HERE, "_bootstrap.py"),
                                                                  "args": args}}), daemon=True)
                w.start()
                self._index_queues.append(iq)
                self._workers.append(w)
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter: bool = False) -> None:
        super()._reset(loader, first_iter)
        self._send_idx = self._rcvd_idx = self._tasks_outstanding = 0
        self._task_info = {}
        self._workers_status = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for q in self._index_queues:
                q.put(ResumeIteration())
            remaining = self._num_workers
            while remaining:
                idx, _ = self._get_data()
                remaining -= isinstance(idx, ResumeIteration)
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self) -> None:
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            w = next(self._worker_cycle)
            if self._workers_status[w]:
                break
        else:
            return
        self._index_queues[w].put((self._send_idx, index))
        self._task_info[self._send_idx] = (w,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _get_data(self):
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = _CHECK_INTERVAL if deadline is None else max(0.0, min(_CHECK_INTERVAL, deadline - time.monotonic()))
            try:
                return self._result_queue.get(timeout=wait)
            except queue.Empty:
                self._check_workers()
                if deadline is not None and time.monotonic() >= deadline:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None

    def _check_workers(self) -> None:
        """Raise PyTorch's RuntimeError if a worker still owing batches has died."""
        dead = [w for i, w in enumerate(self._workers) if self._workers_status[i] and not w.is_alive()]
        if not dead:
            return
        self._shutdown_workers(force=True)
        pids = ", ".join(str(w.pid) for w in dead)
        raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") from _death_cause(dead[0])

    def _next_data(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (len(info) == 2 or self._workers_status[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                data = self._task_info.pop(self._rcvd_idx)[1]
                self._rcvd_idx += 1
                return self._process(data)
            idx, data = self._get_data()
            if isinstance(idx, ResumeIteration):
                continue
            self._tasks_outstanding -= 1
            if isinstance(data, IterableDatasetStopIteration):
                self._workers_status[data.worker_id] = False
                if not self._persistent:
                    self._index_queues[data.worker_id].put(None)
                self._try_put_index()
                continue
            if idx == self._rcvd_idx or not self._in_order:
                self._task_info.pop(idx, None)
                if idx == self._rcvd_idx:
                    self._rcvd_idx += 1
                return self._process(data)
            if idx in self._task_info:
                self._task_info[idx] += (data,)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return to_torch(data)

    def _shutdown_workers(self, force: bool = False) -> None:
        """Stop the workers: ask them to exit, then terminate any still running after a grace period."""
        if getattr(self, "_shutdown", True):
            return
        self._shutdown = True
        self._done_event.set()
        for q in self._index_queues:
            q.put(None)
        deadline = time.monotonic() + (0.0 if force else 5.0)
        for w in self._workers:
            w.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.is_alive():
                w.terminate()
                w.join(timeout=1.0)
        for q in self._index_queues:
            q.close()
        self._result_queue.cancel_join_thread()
        self._result_queue.close()

    def __del__(self):
        if sys is not None and not sys.is_finalizing():
            self._shutdown_workers()
