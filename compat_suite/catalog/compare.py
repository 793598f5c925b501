"""Compare one torch result with one torchlike result: values, dtypes, shapes, requires_grad."""
from __future__ import annotations

import numpy as np
import torch

import torchlike

from .translate import dtype_name, to_numpy

# (rtol, atol) per dtype for results computed by two different kernels (ATen vs XLA). float32
# sums and products reorder, so a few ulps of a result's magnitude are allowed; float64 is tight.
TOLERANCES = {
    "float16": (1e-2, 1e-2), "bfloat16": (2e-2, 2e-2), "float32": (1e-4, 1e-5), "float64": (1e-7, 1e-7),
    "complex64": (1e-4, 1e-5), "complex128": (1e-7, 1e-7),
}


class Mismatch(AssertionError):
    pass


def flatten(out) -> list:
    if isinstance(out, (tuple, list)) and not isinstance(out, torch.Size) and not (
            type(out).__name__ == "Size"):
        res = []
        for o in out:
            res.extend(flatten(o))
        return res
    return [out]


def close(a, b, what: str, tol=None, check_requires_grad: bool = True) -> None:
    """Raise Mismatch when torchlike's b is not torch's a."""
    a_t, b_t = isinstance(a, torch.Tensor), isinstance(b, torchlike.Tensor)
    if a_t != b_t:
        raise Mismatch(f"{what} is {type(a).__name__} in torch, {type(b).__name__} in torchlike")
    if not a_t:
        _close_python(a, b, what)
        return
    if tuple(a.shape) != tuple(b.shape):
        raise Mismatch(f"{what} shape {tuple(a.shape)} != {tuple(b.shape)}")
    if dtype_name(a) != dtype_name(b):
        raise Mismatch(f"{what} dtype {dtype_name(a)} != {dtype_name(b)}")
    if check_requires_grad and a.requires_grad != b.requires_grad:
        raise Mismatch(f"{what} requires_grad {a.requires_grad} != {b.requires_grad}")
    values(to_numpy(a), to_numpy(b), dtype_name(a), what, tol)


def values(x: np.ndarray, y: np.ndarray, dtype: str, what: str, tol=None) -> None:
    if x.dtype.kind in "fc":
        rtol, atol = tol or TOLERANCES.get(dtype, (1e-4, 1e-5))
        with np.errstate(all="ignore"):
            ok = np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=True)
        if not ok.all():
            bad = ~ok
            raise Mismatch(f"{what} differs at {np.argwhere(bad)[:2].tolist()}: torch {x[bad][:3]} "
                           f"vs torchlike {y[bad][:3]} ({int(bad.sum())} of {bad.size})")
    elif not np.array_equal(x, y):
        bad = x != y
        raise Mismatch(f"{what} differs at {np.argwhere(bad)[:2].tolist()}: torch {x[bad][:3]} "
                       f"vs torchlike {y[bad][:3]}")


def _close_python(a, b, what: str) -> None:
    if isinstance(a, torch.Size) or type(b).__name__ == "Size":
        if tuple(a) != tuple(b):
            raise Mismatch(f"{what} {tuple(a)} != {tuple(b)}")
        return
    if isinstance(a, torch.dtype):
        if str(a).replace("torch.", "") != str(b).replace("torchlike.", "").replace("torch.", ""):
            raise Mismatch(f"{what} {a} != {b}")
        return
    if isinstance(a, float) and isinstance(b, (float, int)):
        if not np.isclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True):
            raise Mismatch(f"{what} {a} != {b}")
        return
    if type(a) is not type(b) and not (isinstance(a, bool) == isinstance(b, bool) and isinstance(a, (int, float))):
        raise Mismatch(f"{what} is {type(a).__name__} {a!r} in torch, {type(b).__name__} {b!r} in torchlike")
    if a != b and not (a != a and b != b):
        raise Mismatch(f"{what} {a!r} != {b!r}")


def cotangents(lib, outs) -> list:
    """A fixed, non-uniform cotangent per output (all-ones would hide transposed gradients)."""
    res = []
    for k, o in enumerate(outs):
        arr = np.cos(np.arange(o.numel(), dtype=np.float64) * 0.7 + k).reshape(tuple(o.shape))
        res.append(lib.tensor(arr, dtype=o.dtype))
    return res
