"""`torch.nn.modules.instancenorm`: the instance-norm classes at PyTorch's module path (defined in
normalization.py), so that whole-model pickles naming this path load, and the lazy instance norms."""
from .batchnorm import _LazyNormBase
from .normalization import _InstanceNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d  # noqa: F401

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm, dims=1, becomes=InstanceNorm1d):
    """Mirrors `torch.nn.LazyInstanceNorm1d`: an InstanceNorm1d whose num_features is the first input's dimension 1
    (its affine and track_running_stats default to True, as PyTorch's do)."""


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm, dims=2, becomes=InstanceNorm2d):
    """Mirrors `torch.nn.LazyInstanceNorm2d`."""


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm, dims=3, becomes=InstanceNorm3d):
    """Mirrors `torch.nn.LazyInstanceNorm3d`."""
