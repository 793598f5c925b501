"""torchvision.ops.drop_block2d / drop_block3d and DropBlock2d / DropBlock3d: DropBlock (Ghiasi et al.,
2018), dropping whole block_size-wide squares (cubes) of each feature map and rescaling the rest."""
from __future__ import annotations

import torchlike as torch
from torchlike.nn import functional as F


def _drop_block(input, p: float, block_size: int, inplace: bool, eps: float, training: bool, dims: int):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}.")
    if input.ndim != dims + 2:
        raise ValueError(f"input should be {dims + 2} dimensional. Got {input.ndim} dimensions.")
    if not training or p == 0.0:
        return input
    sizes = tuple(input.shape[2:])
    block_size = min([block_size, *sizes[::-1]])
    if block_size % 2 == 0:
        raise ValueError(f"block size should be odd. Got {block_size} which is even.")
    # the seed rate that makes about a fraction p of the positions dropped once blocks are grown
    valid, total = 1, 1
    for s in sizes:
        valid *= s - block_size + 1
        total *= s
    gamma = (p * total) / ((block_size ** dims) * valid)
    seeds = torch.empty(tuple(input.shape[:2]) + tuple(s - block_size + 1 for s in sizes), dtype=input.dtype,
                        device=input.device)
    seeds.bernoulli_(gamma)
    half = block_size // 2
    seeds = F.pad(seeds, [half] * (2 * dims), value=0)
    pool = F.max_pool2d if dims == 2 else F.max_pool3d
    dropped = pool(seeds, stride=(1,) * dims, kernel_size=(block_size,) * dims, padding=half)
    keep = 1 - dropped
    scale = keep.numel() / (eps + keep.sum())
    if inplace:
        return input.mul_(keep).mul_(scale)
    return input * keep * scale


def drop_block2d(input, p: float, block_size: int, inplace: bool = False, eps: float = 1e-06, training: bool = True):
    """torchvision.ops.drop_block2d on [N, C, H, W] input."""
    return _drop_block(input, p, block_size, inplace, eps, training, 2)


def drop_block3d(input, p: float, block_size: int, inplace: bool = False, eps: float = 1e-06, training: bool = True):
    """torchvision.ops.drop_block3d on [N, C, D, H, W] input."""
    return _drop_block(input, p, block_size, inplace, eps, training, 3)


class DropBlock2d(torch.nn.Module):
    """torchvision.ops.DropBlock2d: drop_block2d while training."""

    def __init__(self, p: float, block_size: int, inplace: bool = False, eps: float = 1e-06) -> None:
        super().__init__()
        self.p = p
        self.block_size = block_size
        self.inplace = inplace
        self.eps = eps

    def forward(self, input):
        return drop_block2d(input, self.p, self.block_size, self.inplace, self.eps, self.training)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p}, block_size={self.block_size}, inplace={self.inplace})"


class DropBlock3d(DropBlock2d):
    """torchvision.ops.DropBlock3d: drop_block3d while training."""

    def forward(self, input):
        return drop_block3d(input, self.p, self.block_size, self.inplace, self.eps, self.training)
