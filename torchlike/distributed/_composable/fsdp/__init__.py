"""Mirrors `torch.distributed._composable.fsdp`."""
from ...fsdp import CPUOffloadPolicy, MixedPrecisionPolicy, OffloadPolicy, fully_shard  # noqa: F401
