"""torch.jit.fork / wait, run eagerly. Mirrors `torch.jit.fork`, `torch.jit.wait`, `torch.futures.Future`."""
from __future__ import annotations


class Future:
    """A finished future: the result of a call that already ran (PyTorch's `torch.Future` subset)."""

    def __init__(self, value=None, error: BaseException | None = None):
        self._value, self._error = value, error

    def done(self) -> bool:
        return True

    def wait(self):
        if self._error is not None:
            raise self._error
        return self._value

    def value(self):
        return self.wait()

    def then(self, callback):
        return _call(callback, self)


def _call(fn, *args, **kwargs) -> Future:
    try:
        return Future(fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - re-raised by wait(), as PyTorch's future would
        return Future(error=e)


def fork(func, *args, **kwargs) -> Future:
    """Mirrors `torch.jit.fork`: eagerly PyTorch runs `func` at once (an exception propagates from
    `fork` itself); the future holds its result."""
    return Future(func(*args, **kwargs))


def wait(future):
    """Mirrors `torch.jit.wait`: the forked call's result."""
    return future.wait()
