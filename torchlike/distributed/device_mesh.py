"""Mirrors `torch.distributed.device_mesh`: importable; building a mesh raises `NotImplementedError`
(torchlike runs one process per device with `torch.distributed`, and has no DTensor)."""

__all__ = ["init_device_mesh", "DeviceMesh"]

_NO_MESH = "torchlike: DeviceMesh (torch.distributed.device_mesh, used by DTensor and FSDP2) is not supported"


class DeviceMesh:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(_NO_MESH)


def init_device_mesh(*args, **kwargs):
    raise NotImplementedError(_NO_MESH)
