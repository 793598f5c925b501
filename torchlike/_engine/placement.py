"""Operands on different devices: PyTorch refuses them; torchlike does under
`torchlike.utils.debug.check_devices()`."""
from __future__ import annotations

import jax

from .. import _device
from .._tensor import Tensor

# Whether each call checks that its operands share a device (`torchlike.utils.debug.check_devices`).
# Off by default: where PyTorch refuses operands on different devices, JAX copies one across, and
# some of torchlike's own internal operands are still made on the CPU (a copy, not an error).
checks_on = False


def _placement(t):
    """(jax device, 0-d?) of a tensor's value; None while torchlike.compile traces it."""
    try:
        d = t._meta
    except NotImplementedError:  # (a sparse tensor has no dense value: its op is handed over whole)
        return None
    if isinstance(d, jax.core.Tracer):
        return None
    return next(iter(d.devices())), d.ndim == 0


def check_same_device(args, kwargs) -> None:
    """Refuse, as PyTorch does, an op whose tensor operands are on different devices, except that a
    0-d CPU tensor goes with any device (it is read as a scalar)."""
    first = None
    for a in (*args, *kwargs.values()):
        for t in (a if a.__class__ in (list, tuple) else (a,)):
            if not isinstance(t, Tensor):
                continue
            place = _placement(t)
            if place is None or (place[1] and place[0].platform == "cpu"):
                continue
            if first is None:
                first = place[0]
            elif place[0] != first:
                raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                                   f"{_device.from_jax(first)} and {_device.from_jax(place[0])}!")
