"""torch.backends.cuda flags. Mirrors `torch.backends.cuda` (flags only)."""
from __future__ import annotations


class _Matmul:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = _Matmul()


def is_built() -> bool:
    from .. import _device
    return len(_device.gpu_devices()) > 0


def preferred_linalg_library(backend=None):
    return backend


# Scaled-dot-product-attention backend flags (torch.backends.cuda.*_sdp_*). Settings only: XLA
# chooses how scaled_dot_product_attention runs, whichever are enabled.
from .._ops.attention import SDP_FLAGS as _SDP_FLAGS  # noqa: E402
_SDP_MATH_REDUCTION = [True]


def flash_sdp_enabled() -> bool:
    return _SDP_FLAGS["flash"]


def enable_flash_sdp(enabled: bool) -> None:
    _SDP_FLAGS["flash"] = bool(enabled)


def mem_efficient_sdp_enabled() -> bool:
    return _SDP_FLAGS["mem_efficient"]


def enable_mem_efficient_sdp(enabled: bool) -> None:
    _SDP_FLAGS["mem_efficient"] = bool(enabled)


def math_sdp_enabled() -> bool:
    return _SDP_FLAGS["math"]


def enable_math_sdp(enabled: bool) -> None:
    _SDP_FLAGS["math"] = bool(enabled)


def cudnn_sdp_enabled() -> bool:
    return _SDP_FLAGS["cudnn"]


def enable_cudnn_sdp(enabled: bool) -> None:
    _SDP_FLAGS["cudnn"] = bool(enabled)


def fp16_bf16_reduction_math_sdp_allowed() -> bool:
    return _SDP_MATH_REDUCTION[0]


def allow_fp16_bf16_reduction_math_sdp(enabled: bool) -> None:
    _SDP_MATH_REDUCTION[0] = bool(enabled)


def is_flash_attention_available() -> bool:
    """Mirrors `torch.backends.cuda.is_flash_attention_available`: no fused flash kernel here (XLA's own)."""
    return False


def sdp_kernel(enable_flash: bool = True, enable_math: bool = True, enable_mem_efficient: bool = True,
               enable_cudnn: bool = True):
    """Mirrors the deprecated `torch.backends.cuda.sdp_kernel` (use `torch.nn.attention.sdpa_kernel`)."""
    import warnings
    from ..nn.attention import SDPBackend, sdpa_kernel
    warnings.warn("`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager will be "
                  "removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context manager, with updated "
                  "signature.", FutureWarning, stacklevel=2)
    chosen = [b for b, on in ((SDPBackend.FLASH_ATTENTION, enable_flash), (SDPBackend.MATH, enable_math),
                              (SDPBackend.EFFICIENT_ATTENTION, enable_mem_efficient),
                              (SDPBackend.CUDNN_ATTENTION, enable_cudnn)) if on]
    return sdpa_kernel(chosen)
