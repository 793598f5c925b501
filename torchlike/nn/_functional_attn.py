"""torch.nn.functional attention: scaled_dot_product_attention and multi_head_attention_forward,
argument checks and dropout masks around the operators in _ops/attention.py."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _device
from .._ops import attention as _A
from .._tensor import Tensor

__all__ = ["multi_head_attention_forward", "scaled_dot_product_attention"]


def _keep_mask(shape, p: float, like: Tensor) -> Tensor:
    from ._functional import _next_key
    keep = jax.random.bernoulli(_device.place_like(_next_key(), like), 1.0 - p, shape)
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return Tensor._wrap(keep.astype(like._data.dtype) * jnp.asarray(scale, like._data.dtype))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """Mirrors `torch.nn.functional.scaled_dot_product_attention` (the math path; dropout draws from
    torchlike's generator, so dropout_p > 0 gives different masks than PyTorch)."""
    mask = None
    if dropout_p > 0:
        mask = _keep_mask(tuple(query.shape[:-1]) + (key.shape[-2],), dropout_p, query)
    return _A._sdpa(query, key, value, attn_mask, mask, bool(is_causal), scale, bool(enable_gqa))


def _check_mha(query, key, value, embed_dim, num_heads, attn_mask, key_padding_mask, batch_first):
    batched = query.ndim == 3
    if query.shape[-1] != embed_dim:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim}, but got {query.shape[-1]}")
    if key.shape[:-1] != value.shape[:-1]:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
    seq = 1 if batched and batch_first else 0
    tgt, src = query.shape[seq], key.shape[seq]
    if key_padding_mask is not None:
        if batched and key_padding_mask.shape[0] != query.shape[1 - seq]:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {query.shape[1 - seq]}, but got "
                                 f"{key_padding_mask.shape[0]}")
        if key_padding_mask.shape[-1] != src:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src}, but got "
                                 f"{key_padding_mask.shape[-1]}")
    if attn_mask is not None:
        bsz = query.shape[1 - seq] if batched else 1
        if attn_mask.ndim == 2 and tuple(attn_mask.shape) != (tgt, src):
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be {(tgt, src)}.")
        if attn_mask.ndim == 3 and tuple(attn_mask.shape) != (bsz * num_heads, tgt, src):
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                               f"{(bsz * num_heads, tgt, src)}.")
        if attn_mask.ndim not in (2, 3):
            raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn: bool, dropout_p: float,
                                 out_proj_weight: Tensor, out_proj_bias, training: bool = True, key_padding_mask=None,
                                 need_weights: bool = True, attn_mask=None, use_separate_proj_weight: bool = False,
                                 q_proj_weight=None, k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights: bool = True, is_causal: bool = False,
                                 batch_first: bool = False):
    """Mirrors `torch.nn.functional.multi_head_attention_forward` on (L, N, E) inputs; batch_first is an
    extra keyword (the layer's own transposes happen inside the one kernel)."""
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k/static_v are not supported")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    _check_mha(query, key, value, embed_dim_to_check, num_heads, attn_mask, key_padding_mask, batch_first)
    dmask = None
    if training and dropout_p > 0:
        seq = 1 if batch_first and query.ndim == 3 else 0
        bsz = query.shape[1 - seq] if query.ndim == 3 else 1
        tgt = query.shape[seq]
        src = key.shape[seq] + (bias_k is not None) + bool(add_zero_attn)
        dmask = _keep_mask((bsz * num_heads, tgt, src), dropout_p, query)
    if not use_separate_proj_weight:
        q_proj_weight = k_proj_weight = v_proj_weight = None
    else:
        in_proj_weight = None
    res = _A._mha(query, key, value, in_proj_weight, in_proj_bias, q_proj_weight, k_proj_weight, v_proj_weight,
                  bias_k, bias_v, out_proj_weight, out_proj_bias, attn_mask, key_padding_mask, dmask, num_heads,
                  bool(add_zero_attn), bool(need_weights), bool(average_attn_weights), bool(batch_first))
    return res if need_weights else (res, None)
