"""`torch.nn.modules.instancenorm`: the instance-norm classes at PyTorch's module path (defined in
normalization.py), so that whole-model pickles naming this path load."""
from .normalization import _InstanceNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d  # noqa: F401

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]
