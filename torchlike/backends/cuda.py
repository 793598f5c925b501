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
