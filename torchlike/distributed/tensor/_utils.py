"""Mirrors the parts of `torch.distributed.tensor._utils` libraries import."""
from . import _refuse

compute_local_shape_and_global_offset = _refuse
