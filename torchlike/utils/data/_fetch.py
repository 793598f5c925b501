"""Fetchers (index -> collated batch) and the exception wrapper, shared by the main process and workers."""
from __future__ import annotations

import sys
import traceback

from ._common import host_mode, host_safe, to_torch


class _Fetcher:
    """Samples are built as numpy (host mode) only where no user code sees them: see `_common.host_safe`."""

    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool):
        self.dataset, self.auto_collation, self.collate_fn, self.drop_last = dataset, auto_collation, collate_fn, drop_last
        self.host_items = host_safe(dataset)
        self.host_collate = host_safe(collate_fn)

    def collate(self, data):
        if self.host_items and not self.host_collate:
            data = to_torch(data)  # a user's collate_fn gets real Tensors
        with host_mode(self.host_collate):
            return self.collate_fn(data)


class MapFetcher(_Fetcher):
    def fetch(self, index):
        with host_mode(self.host_items):
            if not self.auto_collation:
                data = self.dataset[index]
            elif callable(getattr(self.dataset, "__getitems__", None)):
                data = self.dataset.__getitems__(index)
            else:
                data = [self.dataset[i] for i in index]
        return self.collate(data)


class IterFetcher(_Fetcher):
    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool):
        super().__init__(dataset, auto_collation, collate_fn, drop_last)
        with host_mode(self.host_items):
            self.iterator = iter(dataset)
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        with host_mode(self.host_items):
            data = self._next_items(index)
        return self.collate(data)

    def _next_items(self, index):
        if not self.auto_collation:
            return next(self.iterator)
        data = []
        for _ in index:
            try:
                data.append(next(self.iterator))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return data


def make_fetcher(iterable: bool, dataset, auto_collation, collate_fn, drop_last):
    return (IterFetcher if iterable else MapFetcher)(dataset, auto_collation, collate_fn, drop_last)


class KeyErrorMessage(str):
    """A str whose repr is itself, so a re-raised KeyError prints its traceback text readably."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its traceback text."""

    def __init__(self, exc_info=None, where: str = "in background"):
        exc_info = exc_info or sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # noqa: BLE001 - an exception type that cannot take a message
            raise RuntimeError(msg) from None
        raise exception
