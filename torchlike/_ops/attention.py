"""Attention: scaled_dot_product_attention and the whole of multi-head attention (projections,
masks, softmax, dropout, output projection) as one operator each.

Dropout masks come in as tensors (already scaled by 1/(1-p)) drawn from torchlike's generator,
so the kernels stay pure.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from .._engine.op import TO, T, op
from .._engine.op import check_broadcast


# Which scaled-dot-product attention backends are enabled (torch.backends.cuda flags, nn.attention.sdpa_kernel).
SDP_FLAGS = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True, "overrideable": True}


def _float_mask(mask, dtype):
    """A boolean "masked out" mask becomes -inf/0; a float mask is added as is."""
    if mask is None:
        return None
    if mask.dtype == jnp.bool_:
        return jnp.where(mask, jnp.asarray(-jnp.inf, dtype), jnp.asarray(0, dtype))
    return mask.astype(dtype)


@op(method=False, function=False, grad_name="ScaledDotProductAttentionBackward0")
def _sdpa(query: T, key: T, value: T, attn_mask: TO = None, dropout_mask: TO = None, is_causal=False, scale=None,
          enable_gqa=False):
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key, value = jnp.repeat(key, rep, axis=-3), jnp.repeat(value, rep, axis=-3)
    _check_sdpa_shapes(query, key, value)
    s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = jnp.matmul(query, jnp.swapaxes(key, -1, -2)) * jnp.asarray(s, query.dtype)
    n_q, n_k = query.shape[-2], key.shape[-2]
    if is_causal:
        keep = jnp.tril(jnp.ones((n_q, n_k), jnp.bool_))
        scores = jnp.where(keep, scores, jnp.asarray(-jnp.inf, scores.dtype))
    if attn_mask is not None:
        if attn_mask.dtype == jnp.bool_:  # True takes part (the opposite of MultiheadAttention's masks)
            scores = jnp.where(attn_mask, scores, jnp.asarray(-jnp.inf, scores.dtype))
        else:
            scores = scores + attn_mask.astype(scores.dtype)
    weights = safe_softmax(scores)
    if dropout_mask is not None:
        weights = weights * dropout_mask.astype(weights.dtype)
    return jnp.matmul(weights, value)


def _check_sdpa_shapes(query, key, value):
    """The errors of PyTorch's math path, which multiplies with bmm (mm for 2-D inputs)."""
    if query.ndim < 2 or key.ndim != query.ndim:
        return
    check_broadcast([query.shape[:-2], key.shape[:-2]])
    batch = math.prod(jnp.broadcast_shapes(query.shape[:-2], key.shape[:-2]))
    e, e_k, s_k = query.shape[-1], key.shape[-1], key.shape[-2]
    if e != e_k and query.ndim == 2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({query.shape[0]}x{e} and {e_k}x{s_k})")
    if e != e_k:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {e}] but got: "
                           f"[{batch}, {e_k}].")
    if query.ndim == 3 and value.ndim == 3 and value.shape[-2] != s_k:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {s_k}] but "
                           f"got: [{batch}, {value.shape[-2]}].")


def safe_softmax(scores):
    """Softmax whose fully masked (all -inf) rows are zeros instead of NaN, as PyTorch's attention
    kernels give; those rows get a zero gradient."""
    dead = jnp.all(scores == -jnp.inf, axis=-1, keepdims=True)
    out = jax.nn.softmax(jnp.where(dead, jnp.zeros_like(scores), scores), axis=-1)
    return jnp.where(dead, jnp.zeros_like(out), out)


def _proj(x, w, b):
    out = jnp.matmul(x, w.T)
    return out + b if b is not None else out


@op(method=False, function=False, grad_name="ViewBackward0")
def _mha(query: T, key: T, value: T, in_proj_weight: TO = None, in_proj_bias: TO = None, q_proj_weight: TO = None,
         k_proj_weight: TO = None, v_proj_weight: TO = None, bias_k: TO = None, bias_v: TO = None,
         out_proj_weight: TO = None, out_proj_bias: TO = None, attn_mask: TO = None, key_padding_mask: TO = None,
         dropout_mask: TO = None, num_heads=1, add_zero_attn=False, need_weights=True, average_attn_weights=True,
         batch_first=False):
    """Multi-head attention of (L, N, E) inputs ((N, L, E) when batch_first; (L, E) unbatched).
    Returns (output, attention weights) or just the output when need_weights is False."""
    unbatched = query.ndim == 2
    if unbatched:
        query, key, value = query[:, None], key[:, None], value[:, None]
        key_padding_mask = None if key_padding_mask is None else key_padding_mask[None]
    elif batch_first:
        query, key, value = (jnp.swapaxes(t, 0, 1) for t in (query, key, value))
    tgt_len, bsz, embed = query.shape
    h = num_heads
    hd = embed // h
    if in_proj_weight is not None:
        w_q, w_k, w_v = jnp.split(in_proj_weight, 3, axis=0)
    else:
        w_q, w_k, w_v = q_proj_weight, k_proj_weight, v_proj_weight
    b_q, b_k, b_v = jnp.split(in_proj_bias, 3) if in_proj_bias is not None else (None, None, None)
    q, k, v = _proj(query, w_q, b_q), _proj(key, w_k, b_k), _proj(value, w_v, b_v)
    dtype = q.dtype
    mask = _float_mask(attn_mask, dtype)
    if mask is not None and mask.ndim == 2:
        mask = mask[None]
    kpm = _float_mask(key_padding_mask, dtype)
    if bias_k is not None:
        k = jnp.concatenate([k, jnp.broadcast_to(bias_k, (1, bsz, embed))], axis=0)
        v = jnp.concatenate([v, jnp.broadcast_to(bias_v, (1, bsz, embed))], axis=0)
        mask = None if mask is None else jnp.pad(mask, [(0, 0), (0, 0), (0, 1)])
        kpm = None if kpm is None else jnp.pad(kpm, [(0, 0), (0, 1)])
    q = q.reshape(tgt_len, bsz * h, hd).swapaxes(0, 1)
    k = k.reshape(k.shape[0], bsz * h, hd).swapaxes(0, 1)
    v = v.reshape(v.shape[0], bsz * h, hd).swapaxes(0, 1)
    if add_zero_attn:
        k = jnp.concatenate([k, jnp.zeros((bsz * h, 1, hd), dtype)], axis=1)
        v = jnp.concatenate([v, jnp.zeros((bsz * h, 1, hd), dtype)], axis=1)
        mask = None if mask is None else jnp.pad(mask, [(0, 0), (0, 0), (0, 1)])
        kpm = None if kpm is None else jnp.pad(kpm, [(0, 0), (0, 1)])
    src_len = k.shape[1]
    if kpm is not None:
        kpm = jnp.broadcast_to(kpm[:, None, None, :], (bsz, h, 1, src_len)).reshape(bsz * h, 1, src_len)
        mask = kpm if mask is None else mask + kpm
    scores = jnp.matmul(q * jnp.asarray(1.0 / math.sqrt(hd), dtype), jnp.swapaxes(k, 1, 2))
    if mask is not None:
        scores = scores + mask
    # Without weights PyTorch takes its fused attention path, whose fully masked rows are zeros.
    weights = jax.nn.softmax(scores, axis=-1) if need_weights else safe_softmax(scores)
    attn = weights if dropout_mask is None else weights * dropout_mask.astype(dtype)
    out = jnp.matmul(attn, v).swapaxes(0, 1).reshape(tgt_len * bsz, embed)
    out = _proj(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed)
    if unbatched:
        out = out[:, 0]
    elif batch_first:
        out = jnp.swapaxes(out, 0, 1)
    if not need_weights:
        return out
    # PyTorch returns the weights after dropout, the ones the values were averaged with.
    weights = attn.reshape(bsz, h, tgt_len, src_len)
    if average_attn_weights:
        weights = weights.mean(axis=1)
    return out, (weights[0] if unbatched else weights)
