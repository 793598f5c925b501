"""`torch.nn.modules.batchnorm`: the batch-norm classes at PyTorch's module path (BatchNorm1d/2d/3d
are defined in normalization.py), so that whole-model pickles naming this path load, and
SyncBatchNorm."""
from __future__ import annotations

from ... import distributed as _dist
from .normalization import _BatchNorm, _NormBase, BatchNorm1d, BatchNorm2d, BatchNorm3d  # noqa: F401

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]


class SyncBatchNorm(_BatchNorm):
    """Mirrors `torch.nn.SyncBatchNorm`: batch norm whose training statistics are gathered over a
    process group. In one process (no process group initialised, or one rank) it is exactly
    BatchNorm, as PyTorch's is; statistics across several processes are not implemented."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group=None, device=None, dtype=None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)
        self.process_group = process_group

    def _check_input_dim(self, input) -> None:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        if input.size(1) == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")
        bn_training = self.training or (self.running_mean is None and self.running_var is None)
        if bn_training and self.training and _dist.is_available() and _dist.is_initialized():
            if input.device.type != "cuda":
                raise ValueError("SyncBatchNorm expected input tensor to be on GPU or XPU or privateuseone")
            if _dist.get_world_size(self.process_group) > 1:
                raise NotImplementedError("SyncBatchNorm: batch statistics synchronised across processes are not "
                                          "implemented in torchlike (use BatchNorm, or one process)")
        return super().forward(input)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """Mirrors `SyncBatchNorm.convert_sync_batchnorm`: every BatchNorm*d in `module` replaced by a
        SyncBatchNorm holding the same parameters and running statistics."""
        out = module
        if isinstance(module, _BatchNorm) and not isinstance(module, cls):
            out = cls(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats,
                      process_group)
            if module.affine:
                out.weight, out.bias = module.weight, module.bias
            out.running_mean, out.running_var = module.running_mean, module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out
