"""Mirrors `torch.distributed.fsdp` as far as libraries import it: the policy values work; sharding a
model (`FullyShardedDataParallel`, `fully_shard`) raises `NotImplementedError` (use DDP, which
torchlike runs one process per device)."""
from dataclasses import dataclass

_NO_FSDP = "torchlike: FSDP (torch.distributed.fsdp: FullyShardedDataParallel, fully_shard) is not supported"


@dataclass(frozen=True)
class MixedPrecisionPolicy:
    param_dtype: object = None
    reduce_dtype: object = None
    output_dtype: object = None
    cast_forward_inputs: bool = True


@dataclass
class OffloadPolicy:
    pass


@dataclass
class CPUOffloadPolicy(OffloadPolicy):
    pin_memory: bool = True


class FullyShardedDataParallel:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(_NO_FSDP)


def fully_shard(*args, **kwargs):
    raise NotImplementedError(_NO_FSDP)
