"""`torch.set_float32_matmul_precision` / `get_float32_matmul_precision` over JAX's matmul precision.

PyTorch computes float32 matrix products in full float32 unless asked otherwise ('highest'); JAX
by default lets a GPU use TensorFloat-32 (about 10 mantissa bits) for them. So torchlike starts
JAX at 'highest' and maps PyTorch's other levels onto JAX's: 'high' allows TensorFloat-32 and
'medium' bfloat16 products. The level applies to convolutions too (PyTorch's cuDNN convolutions
may use TF32 by default, `torch.backends.cudnn.allow_tf32`): torchlike's are then more exact than
PyTorch's, never less. On the CPU float32 products are always full float32.
"""
from __future__ import annotations

import warnings

import jax
from ._engine import cache as _cache
from ._engine.op import clear_fast_paths

_TO_JAX = {"highest": "highest", "high": "tensorfloat32", "medium": "bfloat16"}
_level = "highest"


def _apply(level: str) -> None:
    jax.config.update("jax_default_matmul_precision", _TO_JAX[level])


def set_float32_matmul_precision(precision: str) -> None:
    """Mirrors `torch.set_float32_matmul_precision`: 'highest', 'high' or 'medium'."""
    global _level
    if precision not in _TO_JAX:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    if precision != _level:
        _level = precision
        _apply(precision)
        _cache.clear_all()  # kernels compiled under the old level
        clear_fast_paths()


def get_float32_matmul_precision() -> str:
    """Mirrors `torch.get_float32_matmul_precision`."""
    return _level


_apply(_level)
