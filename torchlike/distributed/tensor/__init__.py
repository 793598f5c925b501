"""Mirrors `torch.distributed.tensor` (DTensor) as far as libraries touch it without sharding.

Libraries import `DTensor` to test `isinstance(t, DTensor)` on their parameters, and import the
placement types; both work (no torchlike tensor is a DTensor). Making sharded tensors
(`distribute_tensor`, `DTensor.from_local`, the factory functions) raises `NotImplementedError`.
"""
from ..device_mesh import DeviceMesh  # noqa: F401
from .placement_types import Partial, Placement, Replicate, Shard

__all__ = ["DTensor", "distribute_tensor", "distribute_module", "Shard", "Replicate", "Partial", "Placement",
           "ones", "empty", "full", "rand", "randn", "zeros"]

_NO_DTENSOR = "torchlike: DTensor (tensors sharded over a device mesh, torch.distributed.tensor) is not supported"


def _refuse(*args, **kwargs):
    raise NotImplementedError(_NO_DTENSOR)


class DTensor:
    """A tensor sharded over a DeviceMesh. None exist in torchlike: `isinstance(t, DTensor)` is False."""

    def __new__(cls, *args, **kwargs):
        raise NotImplementedError(_NO_DTENSOR)

    from_local = staticmethod(_refuse)


distribute_tensor = distribute_module = _refuse
ones = empty = full = rand = randn = zeros = _refuse
