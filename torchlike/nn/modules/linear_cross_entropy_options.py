"""LinearCrossEntropyOptions: the chunking options of linear_cross_entropy.

torchlike computes the chunked forms with the reference formula (one matmul, then cross_entropy):
XLA already fuses the softmax with its reductions, and the values and gradients are the same. The
options are still validated as PyTorch validates them."""
from __future__ import annotations

import dataclasses

__all__ = ["LinearCrossEntropyOptions"]

_ACC_DTYPES = ("float16", "bfloat16", "float32", "float64")


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """Mirrors `torch.nn.LinearCrossEntropyOptions` (validation and the chunk-size arithmetic)."""

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self):
        if self.acc_policy not in {"auto", "accurate", "balanced", "compact"}:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
        if self.chunking_method is not None and self.chunking_method != "auto":
            name, sep, factor = self.chunking_method.partition(":")
            if not sep:
                factor = "1"
            if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")
        if not (self.batch_chunk_size is None or (isinstance(self.batch_chunk_size, int)
                                                  and self.batch_chunk_size > 0)):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {self.batch_chunk_size!r}")
        if self.acc_dtype is not None and str(self.acc_dtype).split(".")[-1] not in _ACC_DTYPES:
            raise ValueError("acc_dtype must be one of {None, torch.float16, torch.bfloat16, torch.float32, "
                             f"torch.float64}}, got {self.acc_dtype!r}. Pass acc_dtype=None to let the op pick "
                             "automatically.")

    def _check_chunks(self, num_batches: int, in_features: int, num_classes: int) -> None:
        """PyTorch's refusal of a batch_chunk_size that contradicts an explicit chunking_method."""
        method = self.chunking_method
        if method in (None, "auto") or self.batch_chunk_size is None:
            return
        factor = int(method.split(":", 1)[1]) if ":" in method else 1
        inc = -(-num_classes // in_features)
        target = -(-num_batches // inc)
        size = min((1 << (target - 1).bit_length()) // factor, num_batches)
        if self.batch_chunk_size != size:
            raise ValueError(f"batch_chunk_size (={self.batch_chunk_size}) and chunking_method ('{method}') give "
                             f"different chunk sizes ({self.batch_chunk_size} vs {size}); pass only one.")
