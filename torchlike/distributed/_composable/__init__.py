"""Mirrors `torch.distributed._composable` (the FSDP2 entry point)."""
