"""`torch.nn.modules.batchnorm`: the batch-norm classes at PyTorch's module path (BatchNorm1d/2d/3d
are defined in normalization.py), so that whole-model pickles naming this path load, the lazy
batch norms (and the lazy base the lazy instance norms share) and SyncBatchNorm."""
from __future__ import annotations

from ... import _autograd
from ... import _dtype as D
from ... import distributed as _dist
from ..._ops.creation import tensor
from ..parameter import UninitializedBuffer, UninitializedParameter
from .lazy import LazyModuleMixin
from .normalization import _BatchNorm, _NormBase, BatchNorm1d, BatchNorm2d, BatchNorm3d  # noqa: F401

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
           "SyncBatchNorm"]


class _LazyNormBase(LazyModuleMixin, _NormBase):
    """Mirrors `torch.nn.modules.batchnorm._LazyNormBase`: batch or instance norm whose num_features is the first
    input's dimension 1; until then weight and bias are UninitializedParameters and the running statistics
    UninitializedBuffers."""

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:
        # (built without affine parameters or statistics: they are replaced by uninitialised ones at once)
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=D.int64, device=device)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input) -> None:
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            with _autograd.no_grad():
                for name in ("weight", "bias", "running_mean", "running_var"):
                    t = getattr(self, name)
                    if t is not None:
                        t.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, _BatchNorm, dims=1, becomes=BatchNorm1d):
    """Mirrors `torch.nn.LazyBatchNorm1d`: a BatchNorm1d whose num_features comes from the first input."""


class LazyBatchNorm2d(_LazyNormBase, _BatchNorm, dims=2, becomes=BatchNorm2d):
    """Mirrors `torch.nn.LazyBatchNorm2d`."""


class LazyBatchNorm3d(_LazyNormBase, _BatchNorm, dims=3, becomes=BatchNorm3d):
    """Mirrors `torch.nn.LazyBatchNorm3d`."""


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
