"""torch.nn.utils.rnn: PackedSequence, packing/unpacking and padding of variable-length batches."""
from __future__ import annotations

from collections import namedtuple

import jax.numpy as jnp
import numpy as np

from ..._ops import rnn as _R
from ..._tensor import Tensor

__all__ = [
    "PackedSequence",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]


def _long(a) -> Tensor:
    return Tensor._wrap(jnp.asarray(np.asarray(a, dtype=np.int64)))


def _np(t) -> np.ndarray:
    return np.asarray(t._data if isinstance(t, Tensor) else t)


class PackedSequence(namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Mirrors `torch.nn.utils.rnn.PackedSequence`: rows of all sequences interleaved by time step,
    batch_sizes[t] sequences being active at step t (sequences sorted by decreasing length)."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> PackedSequence:
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, self.batch_sizes, self.sorted_indices,
                                                         self.unsorted_indices)

    def cpu(self) -> PackedSequence:
        return self.to("cpu")

    def cuda(self, *args, **kwargs) -> PackedSequence:
        return self.to("cuda")

    def double(self) -> PackedSequence:
        return self.to(dtype=_dtype("float64"))

    def float(self) -> PackedSequence:
        return self.to(dtype=_dtype("float32"))

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def _dtype(name):
    from ... import _dtype as D
    return getattr(D, name)


def _invert(perm) -> Tensor:
    p = _np(perm)
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size)
    return _long(inv)


def _pack_index(lengths: np.ndarray, batch: int) -> tuple[np.ndarray, np.ndarray]:
    """For lengths sorted in decreasing order: batch_sizes and the flat t*B+b position of every packed row."""
    steps = int(lengths[0])
    batch_sizes = np.array([(lengths > t).sum() for t in range(steps)], dtype=np.int64)
    index = np.concatenate([t * batch + np.arange(n) for t, n in enumerate(batch_sizes)])
    return batch_sizes, index


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False, enforce_sorted: bool = True):
    """Mirrors `torch.nn.utils.rnn.pack_padded_sequence`."""
    lengths = _np(lengths).astype(np.int64).reshape(-1)
    batch = input.shape[0 if batch_first else 1]
    if lengths.size != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.size} "
                           f"(batch_size={batch})")
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
        order = None
    else:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
    if lengths.size and lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    batch_sizes, index = _pack_index(lengths, batch)
    if order is not None:
        # position of sorted row b at step t in the original layout
        steps = index // batch
        index = steps * batch + order[index % batch]
    data = _R._pack_rows(input, _long(index), batch_first)
    sorted_indices = None if order is None else _long(order)
    return PackedSequence(data, _long(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None):
    """Mirrors `torch.nn.utils.rnn.pad_packed_sequence`: (padded batch, lengths) in the original order."""
    batch_sizes = _np(sequence.batch_sizes)
    steps, batch = batch_sizes.size, int(batch_sizes[0])
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {steps}")
        steps = total_length
    order = np.arange(batch) if sequence.sorted_indices is None else _np(sequence.sorted_indices)
    index = np.concatenate([t * batch + order[:n] for t, n in enumerate(batch_sizes)])
    padded = _R._unpack_rows(sequence.data, _long(index), steps, batch, batch_first, float(padding_value))
    lengths_sorted = np.array([(batch_sizes > b).sum() for b in range(batch)], dtype=np.int64)
    lengths = np.empty_like(lengths_sorted)
    lengths[order] = lengths_sorted
    return padded, _long(lengths)


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Mirrors `torch.nn.utils.rnn.pad_sequence`."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    return _R._pad_sequence(list(sequences), batch_first, padding_value, padding_side)


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Mirrors `torch.nn.utils.rnn.pack_sequence`."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    """Mirrors `torch.nn.utils.rnn.unpad_sequence`."""
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i][:int(n)] for i, n in enumerate(_np(lengths).reshape(-1))]


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """Mirrors `torch.nn.utils.rnn.unpack_sequence`."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
