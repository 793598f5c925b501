"""PixelShuffle and PixelUnshuffle."""
from __future__ import annotations

from .. import functional as F
from ._utils import _OptionsLayer

__all__ = ["PixelShuffle", "PixelUnshuffle"]


class PixelShuffle(_OptionsLayer, fn=F.pixel_shuffle, options=("upscale_factor",)):
    """Mirrors `torch.nn.PixelShuffle`."""

    def __init__(self, upscale_factor: int) -> None:
        super().__init__(upscale_factor)


class PixelUnshuffle(_OptionsLayer, fn=F.pixel_unshuffle, options=("downscale_factor",)):
    """Mirrors `torch.nn.PixelUnshuffle`."""

    def __init__(self, downscale_factor: int) -> None:
        super().__init__(downscale_factor)
