"""Mirrors `torch.nn.attention.flex_attention` as names: libraries import `BlockMask` for annotations
and isinstance checks. FlexAttention itself (score_mod/mask_mod compiled into a kernel) is not
supported: building a block mask or calling `flex_attention` raises `NotImplementedError`; use
`scaled_dot_product_attention` with a boolean or additive mask."""

_DEFAULT_SPARSE_BLOCK_SIZE = 128  # (PyTorch's default block size, read by libraries as a constant)
_NO_FLEX = "torchlike: FlexAttention (torch.nn.attention.flex_attention) is not supported"


class BlockMask:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(_NO_FLEX)

    @classmethod
    def from_kv_blocks(cls, *args, **kwargs):
        raise NotImplementedError(_NO_FLEX)


def _refuse(*args, **kwargs):
    raise NotImplementedError(_NO_FLEX)


create_block_mask = create_mask = flex_attention = and_masks = or_masks = noop_mask = _refuse


class AuxRequest:
    """Mirrors `AuxRequest` (which extra outputs flex_attention returns) as a value."""

    def __init__(self, lse: bool = False, max_scores: bool = False):
        self.lse, self.max_scores = lse, max_scores
