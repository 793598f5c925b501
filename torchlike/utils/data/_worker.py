"""The DataLoader worker loop (numpy level: JAX is imported only if the user's code builds tensors)."""
from __future__ import annotations

import os
import pickle
import queue
import random
import signal

import numpy as np

from . import _common
from ._fetch import ExceptionWrapper, make_fetcher

_POLL = 2.0  # seconds between checks that the parent is still alive


class ResumeIteration:
    """Sent to a persistent worker at the start of an epoch; echoed back once the worker has reset."""


class IterableDatasetStopIteration:
    def __init__(self, worker_id: int):
        self.worker_id = worker_id


def worker_loop(payload: bytes, index_queue, result_queue, done_event, worker_id: int, num_workers: int,
                seed: int, parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    random.seed(seed)
    np.random.seed(seed % 2 ** 32)
    where = f"in DataLoader worker process {worker_id}"
    init_error, fetcher, spec = None, None, None
    try:
        _common._worker_info = _common.WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=None)
        spec = pickle.loads(payload)
        _common._worker_info = _common.WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                                  dataset=spec["dataset"])
        if spec["worker_init_fn"] is not None:
            spec["worker_init_fn"](worker_id)
        fetcher = _new_fetcher(spec)
    except Exception:  # noqa: BLE001 - reported to the main process at the first batch
        init_error = ExceptionWrapper(where=where)
    ended = False
    while True:
        try:
            r = index_queue.get(timeout=_POLL)
        except queue.Empty:
            if os.getppid() != parent_pid:
                break
            continue
        if r is None:
            break
        if isinstance(r, ResumeIteration):
            ended = False
            if spec is not None and init_error is None:
                try:
                    fetcher = _new_fetcher(spec)
                except Exception:  # noqa: BLE001 - any error is the user's, re-raised in the main process
                    init_error = ExceptionWrapper(where=where)
            result_queue.put((r, None))
            continue
        if done_event.is_set() or ended:
            continue
        idx, index = r
        if init_error is not None:
            data, init_error = init_error, None
        else:
            try:
                data = fetcher.fetch(index)
            except StopIteration:
                data, ended = IterableDatasetStopIteration(worker_id), spec["iterable"]
            except Exception:  # noqa: BLE001 - any error is the user's, re-raised in the main process
                data = ExceptionWrapper(where=where)
        result_queue.put((idx, data))
        del data
    if done_event.is_set():
        result_queue.cancel_join_thread()
        result_queue.close()


def _new_fetcher(spec):
    return make_fetcher(spec["iterable"], spec["dataset"], spec["auto_collation"], spec["collate_fn"],
                        spec["drop_last"])
