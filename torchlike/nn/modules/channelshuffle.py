"""ChannelShuffle."""
from __future__ import annotations

from .. import functional as F
from ._utils import _OptionsLayer

__all__ = ["ChannelShuffle"]


class ChannelShuffle(_OptionsLayer, fn=F.channel_shuffle, options=("groups",)):
    """Mirrors `torch.nn.ChannelShuffle`."""

    def __init__(self, groups: int) -> None:
        super().__init__(groups)
