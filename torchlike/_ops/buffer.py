"""torch.frombuffer: a 1-D tensor from the bytes of a buffer-protocol object. Mirrors `torch.frombuffer`.

Difference from PyTorch: JAX arrays own their memory, so the tensor holds a copy of the bytes;
later writes to the buffer are not seen by the tensor (PyTorch's shares them).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .creation import _finish, place

__all__ = ["frombuffer"]


def _as_bytes(buffer) -> memoryview:
    try:
        return memoryview(buffer).cast("B")
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None


def _element_count(nbytes: int, itemsize: int, count: int, offset: int) -> int:
    """PyTorch's checks on count/offset, in its order, with its messages."""
    if nbytes <= 0 or count == 0:
        raise ValueError(f"both buffer length ({nbytes}) and count ({count}) must not be 0")
    if offset < 0 or offset >= nbytes:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
                         f"({nbytes} bytes) minus 1")
    if count < 0:
        if (nbytes - offset) % itemsize != 0:
            raise ValueError(f"buffer length ({nbytes - offset} bytes) after offset ({offset} bytes) must be a "
                             f"multiple of element size ({itemsize})")
        return (nbytes - offset) // itemsize
    if offset + count * itemsize > nbytes:
        raise ValueError(f"requested buffer length ({count} * {itemsize} bytes) after offset ({offset} bytes) must "
                         f"not be greater than actual buffer length ({nbytes} bytes)")
    return count


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """Mirrors `torch.frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False)`: the bytes
    from `offset` on, read as `count` elements of `dtype` (all the rest when count is -1)."""
    if not isinstance(dtype, D.dtype):
        raise TypeError(f"frombuffer(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")
    data = _as_bytes(buffer)
    n = _element_count(data.nbytes, dtype.itemsize, int(count), int(offset))
    array = np.frombuffer(data, dtype=dtype.np, count=n, offset=int(offset)).copy()
    return _finish(place(array), requires_grad)
