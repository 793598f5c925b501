"""default_collate / default_convert. Mirrors `torch.utils.data._utils.collate`.

Works at numpy level: in a worker, tensors are WorkerTensors and stacking is `np.stack`; in the
main process tensors are stacked on the host and placed with one transfer.
"""
from __future__ import annotations

import collections.abc
import copy
import re

import numpy as np

from ._common import WorkerTensor, as_numpy, get_worker_info, in_worker, is_tensor, to_tensor

__all__ = ["collate", "default_collate", "default_convert"]

_np_str_obj_array_pattern = re.compile(r"[SaUO]")
_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _stack(batch: list):
    first = batch[0]
    shapes = [tuple(t.shape) for t in batch]
    for i, s in enumerate(shapes):
        if s != shapes[0]:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shapes[0])} at entry 0 "
                               f"and {list(s)} at entry {i}")
    # tensors that need autograd or live on an accelerator are stacked by torchlike, in the main process
    keep = not isinstance(first, np.ndarray) and not get_worker_info() and (
        any(t.requires_grad for t in batch) or first.device.type != "cpu")
    if (in_worker() and not keep) or isinstance(first, WorkerTensor):
        arrays = [as_numpy(t) for t in batch]
        if len({a.dtype for a in arrays}) > 1:
            arrays = [a.astype(np.result_type(*arrays)) for a in arrays]
        return np.stack(arrays).view(WorkerTensor)
    if any(t.requires_grad for t in batch) or first.device.type != "cpu" or len({t.dtype for t in batch}) > 1:
        import torchlike
        return torchlike.stack(batch, 0)
    return to_tensor(np.stack([as_numpy(t) for t in batch]))


def _from_values(values, dtype):
    return to_tensor(np.asarray(values, dtype=dtype))


def _tensor_from_list(batch: list):
    """torch.tensor(batch) for Python numbers: bool, int64, or float64 when given floats."""
    if all(isinstance(b, bool) for b in batch):
        return _from_values(batch, np.bool_)
    return _from_values(batch, np.int64)


def _same_mapping(like, values: dict):
    """values in a mapping of like's type, as PyTorch rebuilds one: a mutable mapping is copied and
    updated (keeping its other state), another type is called on the dict, and where that fails
    the plain dict is returned."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(values)
            return clone
        return type(like)(values)
    except TypeError:
        return values


def collate(batch, *, collate_fn_map=None):
    """Mirrors `torch.utils.data._utils.collate.collate`."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for t in collate_fn_map:
            if isinstance(elem, t):
                return collate_fn_map[t](batch, collate_fn_map=collate_fn_map)
    if is_tensor(elem):
        return _stack(batch)
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "bytes_"):
        if elem_type.__name__ in ("ndarray", "memmap"):
            if _np_str_obj_array_pattern.search(elem.dtype.str) is not None:
                raise TypeError(_ERR.format(elem.dtype))
            return collate([to_tensor(np.asarray(b)) for b in batch], collate_fn_map=collate_fn_map)
        if elem.shape == ():
            return to_tensor(np.asarray(batch))
    if isinstance(elem, float):
        return _from_values(batch, np.float64)
    if isinstance(elem, int):
        return _tensor_from_list(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _same_mapping(elem, {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                                    for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return elem_type(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        size = len(next(it))
        if not all(len(e) == size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        out = [collate(s, collate_fn_map=collate_fn_map) for s in transposed]
        if isinstance(elem, tuple):
            return out  # PyTorch returns a list for tuples
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, o in enumerate(out):
                    clone[i] = o
                return clone
            return elem_type(out)
        except TypeError:
            return out
    raise TypeError(_ERR.format(elem_type))


def default_collate(batch):
    """Mirrors `torch.utils.data.default_collate`."""
    return collate(batch)


def default_convert(data):
    """Mirrors `torch.utils.data.default_convert`."""
    elem_type = type(data)
    if is_tensor(data):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "bytes_"):
        if elem_type.__name__ == "ndarray" and _np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return to_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _same_mapping(data, {k: default_convert(v) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        out = [default_convert(d) for d in data]
        try:
            return elem_type(out)
        except TypeError:
            return out
    return data

