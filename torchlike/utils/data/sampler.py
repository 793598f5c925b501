"""Samplers. Mirrors `torch.utils.data.sampler`.

Random samplers draw one 63-bit seed per epoch from `generator` (or torchlike's global seed
stream, so `torch.manual_seed` fixes the order) and shuffle with a numpy Generator: orders are
reproducible, but not the ones PyTorch's Philox/MT streams give. Draws with replacement are made
lazily, `_CHUNK` at a time as PyTorch's are, so `num_samples` may be far larger than memory.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Generic, TypeVar

import numpy as np

__all__ = [
    "BatchSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
]


_CHUNK = 32  # indices drawn at once when sampling with replacement (PyTorch draws 32 too)


def _chunks(total: int):
    """Sizes of the successive draws making up `total` samples."""
    for _ in range(total // _CHUNK):
        yield _CHUNK
    if total % _CHUNK:
        yield total % _CHUNK


def draw_seed(generator=None) -> int:
    """A fresh seed from `generator`, or from torchlike's global stream (numpy's when torchlike has none)."""
    tl = sys.modules.get("torchlike")
    if tl is not None and hasattr(tl, "Generator") and hasattr(tl, "int64"):
        try:
            t = tl.empty((), dtype=tl.int64).random_(generator=generator)
            return int(t.item())
        except (AttributeError, NotImplementedError):
            pass
    if generator is not None and hasattr(generator, "initial_seed"):
        # A generator without a drawable stream: advance a numpy stream keyed by its seed.
        state = getattr(generator, "_tl_data_draws", 0)
        generator._tl_data_draws = state + 1
        return int(np.random.default_rng([generator.initial_seed(), state]).integers(0, 2 ** 63 - 1))
    return int(np.random.randint(0, 2 ** 63 - 1, dtype=np.int64))


T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Mirrors `torch.utils.data.Sampler` (generic: `Sampler[int]`)."""

    def __init__(self, data_source=None) -> None:
        pass

    def __iter__(self) -> Iterator:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """Mirrors `torch.utils.data.SequentialSampler`."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Mirrors `torch.utils.data.RandomSampler`."""

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None) -> None:
        self.data_source, self.replacement, self._num_samples, self.generator = (data_source, replacement,
                                                                                 num_samples, generator)
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        rng = np.random.default_rng(draw_seed(self.generator))
        if self.replacement:
            for size in _chunks(self.num_samples):
                yield from rng.integers(0, n, size).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from rng.permutation(n).tolist()
        yield from rng.permutation(n)[:self.num_samples % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """Mirrors `torch.utils.data.SubsetRandomSampler`."""

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices, self.generator = indices, generator

    def __iter__(self):
        rng = np.random.default_rng(draw_seed(self.generator))
        for i in rng.permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Mirrors `torch.utils.data.WeightedRandomSampler`."""

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")  # noqa: TRY004 - PyTorch's type
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(w.shape)}")
        self.weights, self.num_samples, self.replacement, self.generator = w, num_samples, replacement, generator
        if not replacement and num_samples > len(w):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")

    def __iter__(self):
        rng = np.random.default_rng(draw_seed(self.generator))
        if not self.replacement:  # num_samples <= len(weights): one draw is as small as the weights
            p = self.weights / self.weights.sum()
            yield from rng.choice(len(p), self.num_samples, replace=False, p=p).tolist()
            return
        cdf = np.cumsum(self.weights)
        for size in _chunks(self.num_samples):
            yield from np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right").tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Mirrors `torch.utils.data.BatchSampler`."""

    def __init__(self, sampler: Sampler | Iterable, batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")  # noqa: TRY004 - PyTorch's type
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size
