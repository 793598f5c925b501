"""Mixed precision: autocast regions and gradient scaling. Mirrors `torch.amp`.

`from torchlike.amp import *` gives what the `torch` namespace itself holds: `autocast`,
`GradScaler` and the autocast state functions (`is_autocast_enabled`, `get_autocast_dtype`, ...).
"""
from . import autocast_mode, grad_scaler  # noqa: F401
from .autocast_mode import (
    autocast,
    autocast_decrement_nesting,
    autocast_increment_nesting,
    clear_autocast_cache,
    custom_bwd,
    custom_fwd,
    get_autocast_cpu_dtype,
    get_autocast_dtype,
    get_autocast_gpu_dtype,
    is_autocast_available,
    is_autocast_cache_enabled,
    is_autocast_cpu_enabled,
    is_autocast_enabled,
    set_autocast_cache_enabled,
    set_autocast_cpu_dtype,
    set_autocast_cpu_enabled,
    set_autocast_dtype,
    set_autocast_enabled,
    set_autocast_gpu_dtype,
)
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "autocast_decrement_nesting", "autocast_increment_nesting",
           "clear_autocast_cache", "get_autocast_cpu_dtype", "get_autocast_dtype", "get_autocast_gpu_dtype",
           "is_autocast_cache_enabled", "is_autocast_cpu_enabled", "is_autocast_enabled", "set_autocast_cache_enabled",
           "set_autocast_cpu_dtype", "set_autocast_cpu_enabled", "set_autocast_dtype", "set_autocast_enabled",
           "set_autocast_gpu_dtype"]
_TORCH_AMP_ONLY = (custom_bwd, custom_fwd, is_autocast_available)  # torch.amp's, not the torch namespace's
