"""Datasets. Mirrors `torch.utils.data.dataset` (numpy level: importable inside workers)."""
from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

import numpy as np

from ._common import as_numpy, in_worker, to_tensor

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """Mirrors `torch.utils.data.Dataset`."""

    def __getitem__(self, index) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """Mirrors `torch.utils.data.IterableDataset`."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class _Rows:
    """A tensor that pickles as numpy, so that a TensorDataset travels into a JAX-free worker."""

    def __init__(self, t):
        self.tensor, self.array = t, None

    def __getstate__(self):
        return {"array": as_numpy(self.tensor) if self.tensor is not None else self.array}

    def __setstate__(self, state):
        self.array, self.tensor = state["array"], None

    def __len__(self) -> int:
        return len(self.array) if self.tensor is None else self.tensor.shape[0]

    def host(self) -> np.ndarray:
        return self.array if self.tensor is None else as_numpy(self.tensor)

    def get(self):
        if self.tensor is None:
            self.tensor = to_tensor(self.array)
        return self.tensor


class TensorDataset(Dataset):
    """Mirrors `torch.utils.data.TensorDataset`.

    Inside a DataLoader worker the tensors travel (and index) as numpy arrays; the loader turns
    the collated batch back into tensors.
    """

    def __init__(self, *tensors) -> None:
        if not all(tensors[0].size(0) == t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self._rows = tuple(_Rows(t) for t in tensors)

    @property
    def tensors(self) -> tuple:
        return tuple(r.get() for r in self._rows)

    def __getitem__(self, index):
        if in_worker():
            return tuple(to_tensor(np.asarray(r.host()[index])) for r in self._rows)
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return len(self._rows[0])


class StackDataset(Dataset):
    """Mirrors `torch.utils.data.StackDataset`: datasets given positionally give tuples, by keyword dicts."""

    def __init__(self, *args, **kwargs) -> None:
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like input/output,"
                             " but both types are given.")
        sets = args or tuple(kwargs.values())
        if not sets:
            raise ValueError("At least one dataset should be passed")
        self._length = len(sets[0])
        if any(self._length != len(d) for d in sets):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args if args else kwargs

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices: list):
        return [self[i] for i in indices]

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset[T_co]):
    """Mirrors `torch.utils.data.ConcatDataset`."""

    @staticmethod
    def cumsum(sequence):
        return list(itertools.accumulate(len(e) for e in sequence))

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")  # noqa: TRY004 - PyTorch's type
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset):
    """Mirrors `torch.utils.data.ChainDataset`."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")  # noqa: TRY004 - PyTorch's type
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")  # noqa: TRY004 - PyTorch's type
            total += len(d)
        return total


class Subset(Dataset[T_co]):
    """Mirrors `torch.utils.data.Subset`."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list):
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


def _split_lengths(n: int, lengths: Sequence) -> list:
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(math.floor(n * frac))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, c in enumerate(counts):
            if c == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.")
        return counts
    return list(lengths)


def random_split(dataset: Dataset, lengths: Sequence, generator=None) -> list:
    """Mirrors `torch.utils.data.random_split`.

    The permutation comes from a numpy Generator seeded from `generator` (or torchlike's global
    seed stream), so splits are reproducible under `torch.manual_seed` but differ from PyTorch's.
    """
    from .sampler import draw_seed
    lengths = _split_lengths(len(dataset), lengths)
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = np.random.default_rng(draw_seed(generator)).permutation(sum(lengths)).tolist()
    out, offset = [], 0
    for length in lengths:
        out.append(Subset(dataset, indices[offset:offset + length]))
        offset += length
    return out


__all__ = [
    "ChainDataset",
    "ConcatDataset",
    "Dataset",
    "IterableDataset",
    "StackDataset",
    "Subset",
    "TensorDataset",
    "random_split",
]
