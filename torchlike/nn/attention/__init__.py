"""torch.nn.attention: `SDPBackend` and the `sdpa_kernel` context manager. Mirrors `torch.nn.attention`.

The backend flags live in `torch.backends.cuda` (`flash_sdp_enabled()` ...); `sdpa_kernel` sets
them for its block and restores them after. They are settings only: XLA chooses how
`scaled_dot_product_attention` is computed, so which backends are enabled does not change it.
"""
from __future__ import annotations

import contextlib
import enum

__all__ = ["SDPBackend", "sdpa_kernel"]


class SDPBackend(enum.IntEnum):
    """Mirrors `torch.nn.attention.SDPBackend`: the scaled-dot-product-attention implementations."""
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


def _flag_names():
    return {SDPBackend.MATH: "math", SDPBackend.FLASH_ATTENTION: "flash",
            SDPBackend.EFFICIENT_ATTENTION: "mem_efficient", SDPBackend.CUDNN_ATTENTION: "cudnn",
            SDPBackend.OVERRIDEABLE: "overrideable"}


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority: bool = False):
    """Mirrors `torch.nn.attention.sdpa_kernel`: only the given backend(s) are enabled inside the block."""
    assert isinstance(backends, (list, SDPBackend)), \
        f"Backend must be an instance of SDPBackend or a list of SDPBackend instances, got {type(backends).__name__}"
    chosen = {backends} if isinstance(backends, SDPBackend) else set(backends)
    from ..._ops.attention import SDP_FLAGS as _SDP_FLAGS
    saved = dict(_SDP_FLAGS)
    for backend, name in _flag_names().items():
        _SDP_FLAGS[name] = backend in chosen
    try:
        yield {}
    finally:
        _SDP_FLAGS.update(saved)
