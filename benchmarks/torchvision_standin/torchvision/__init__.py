"""A stand-in for the parts of torchvision that ../shared/seed_scripts/seed_003_mnist_mlp.py uses, for
timing that script on real PyTorch where torchvision cannot be installed beside the CPU build.

It does the same per-image work as torchvision (decode the stored uint8 image, ToTensor's scale to
[0, 1] in C x H x W, Normalize) with torch operations, but without torchvision's PIL round trip,
so it is, if anything, faster than the real torchvision: the comparison favours PyTorch.
"""
from . import datasets, transforms  # noqa: F401
