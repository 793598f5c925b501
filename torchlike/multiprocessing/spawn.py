"""Mirrors `torch.multiprocessing.spawn`: run `fn(i, *args)` in `nprocs` processes and surface a child's
failure in the parent (its traceback in ProcessRaisedException, or its exit code/signal in
ProcessExitedException), stopping the other children."""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import tempfile
import warnings

__all__ = ["ProcessContext", "ProcessException", "ProcessExitedException", "ProcessRaisedException",
           "SpawnContext", "spawn", "start_processes"]

_STOP_GRACE_S = 30  # how long stopped children get to exit on SIGTERM before SIGKILL, as in PyTorch


class ProcessException(Exception):
    """Mirrors `torch.multiprocessing.ProcessException`: a child process failed."""

    __slots__ = ["error_index", "error_pid"]

    def __init__(self, msg: str, error_index: int, error_pid: int):
        super().__init__(msg)
        self.msg, self.error_index, self.error_pid = msg, error_index, error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """Mirrors `torch.multiprocessing.ProcessRaisedException`: a child's fn raised; the message carries its
    traceback."""


class ProcessExitedException(ProcessException):
    """Mirrors `torch.multiprocessing.ProcessExitedException`: a child exited with a nonzero code or a signal."""

    __slots__ = ["exit_code"]

    def __init__(self, msg: str, error_index: int, error_pid: int, exit_code: int, signal_name: str | None = None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)


def _wrap(fn, i: int, args: tuple, error_file: str) -> None:
    """A child's entry point: run fn(i, *args); on an exception, leave its traceback for the parent."""
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass  # the parent stopping this child
    except Exception:
        import traceback
        with open(error_file, "wb") as fh:
            pickle.dump(traceback.format_exc(), fh)
        sys.exit(1)


class ProcessContext:
    """Mirrors `torch.multiprocessing.ProcessContext`: the started children; `join` waits for them."""

    def __init__(self, processes, error_files):
        self.processes, self.error_files = processes, error_files
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self) -> list:
        return [int(p.pid) for p in self.processes]

    def _join_all(self, timeout: float) -> None:
        for p in self.processes:
            p.join(timeout)

    def join(self, timeout: float | None = None, grace_period: float | None = None) -> bool:
        """Wait for a child to finish: True once all have exited cleanly, False while some still run
        (after `timeout`); on a failure, stop the others and raise the failure."""
        if not self.sentinels:
            return True
        ready = multiprocessing.connection.wait(list(self.sentinels), timeout=timeout)
        failed = None
        for sentinel in ready:
            index = self.sentinels.pop(sentinel)
            self.processes[index].join()
            if self.processes[index].exitcode != 0:
                failed = index
                break
        if failed is None:
            return not self.sentinels
        self._stop_others(grace_period)
        raise self._failure(failed)

    def _stop_others(self, grace_period: float | None) -> None:
        if grace_period is not None:
            self._join_all(grace_period)
        for p in self.processes:
            if p.is_alive():
                p.terminate()
        self._join_all(_STOP_GRACE_S if grace_period is None else grace_period)
        for p in self.processes:
            if p.is_alive():
                p.kill()
            p.join()

    def _failure(self, index: int) -> ProcessException:
        process, error_file = self.processes[index], self.error_files[index]
        if not os.access(error_file, os.R_OK):
            code = process.exitcode
            if code < 0:
                try:
                    name = signal.Signals(-code).name
                except ValueError:
                    name = f"<Unknown signal {-code}>"
                return ProcessExitedException(f"process {index:d} terminated with signal {name}", index,
                                              process.pid, code, name)
            return ProcessExitedException(f"process {index:d} terminated with exit code {code:d}", index,
                                          process.pid, code)
        with open(error_file, "rb") as fh:
            trace = pickle.load(fh)
        os.unlink(error_file)
        return ProcessRaisedException(f"\n\n-- Process {index:d} terminated with the following error:\n{trace}",
                                      index, process.pid)


class SpawnContext(ProcessContext):
    """Mirrors `torch.multiprocessing.SpawnContext` (deprecated there in favour of ProcessContext)."""

    def __init__(self, processes, error_files):
        warnings.warn("SpawnContext is renamed to ProcessContext since 1.4 release.", stacklevel=2)
        super().__init__(processes, error_files)


def _error_file() -> str:
    """A fresh path a child writes its traceback to; its existence marks a raised exception."""
    fd, path = tempfile.mkstemp(prefix="torchlike-errorfile-", suffix=".pickle")
    os.close(fd)
    os.unlink(path)
    return path


def start_processes(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False,
                    start_method: str = "spawn"):
    """Mirrors `torch.multiprocessing.start_processes`: start `nprocs` children with `start_method`; join
    them (returning None) or return their ProcessContext."""
    mp = multiprocessing.get_context(start_method)
    processes, error_files = [], []
    for i in range(nprocs):
        error_files.append(_error_file())
        p = mp.Process(target=_wrap, args=(fn, i, args, error_files[-1]), daemon=daemon)
        p.start()
        processes.append(p)
    context = ProcessContext(processes, error_files)
    if not join:
        return context
    while not context.join():
        pass
    return None


def spawn(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False, start_method: str = "spawn"):
    """Mirrors `torch.multiprocessing.spawn`: `fn(i, *args)` for i in range(nprocs), always by 'spawn'."""
    if start_method != "spawn":
        warnings.warn(f"This method only supports start_method=spawn (got: {start_method}).\nTo use a different "
                      "start_method use:\n\t\t torch.multiprocessing.start_processes(...)", FutureWarning,
                      stacklevel=2)
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
