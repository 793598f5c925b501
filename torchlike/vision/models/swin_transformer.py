"""Swin Transformer T/S/B (version 1): the counterpart of `torchvision.models.swin_transformer`."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

import torchlike as torch
import torchlike.nn.functional as F
from torchlike import nn

from ..ops.misc import MLP, Permute
from ..ops.stochastic_depth import StochasticDepth
from ._api import WeightsEnum, _build_model, _entry, _model_builder
from .vision_transformer import init_mlp

__all__ = ["SwinTransformer", "Swin_T_Weights", "Swin_S_Weights", "Swin_B_Weights", "swin_t", "swin_s", "swin_b"]


def _patch_merging_pad(x):
    """Pad H and W to even sizes and stack the four 2x2 neighbours on the channel axis."""
    h, w, _ = x.shape[-3:]
    x = F.pad(x, (0, 0, 0, w % 2, 0, h % 2))
    return torch.cat([x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :], x[..., 0::2, 1::2, :], x[..., 1::2, 1::2, :]], -1)


class PatchMerging(nn.Module):
    """Halve the resolution, double the channels: 2x2 neighbours concatenated, LayerNorm, Linear."""

    def __init__(self, dim: int, norm_layer: Callable = nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x):
        return self.reduction(self.norm(_patch_merging_pad(x)))


def _get_relative_position_bias(table, index, window_size: list[int]):
    n = window_size[0] * window_size[1]
    bias = table[index].view(n, n, -1)
    return bias.permute(2, 0, 1).contiguous().unsqueeze(0)


def _shift_mask(pad_h: int, pad_w: int, window_size: list[int], shift_size: list[int]) -> np.ndarray:
    """-100 between positions that came from different image regions after the cyclic shift, else 0."""
    region = np.zeros((pad_h, pad_w), dtype=np.float32)
    count = 0
    for hs in ((0, -window_size[0]), (-window_size[0], -shift_size[0]), (-shift_size[0], None)):
        for ws in ((0, -window_size[1]), (-window_size[1], -shift_size[1]), (-shift_size[1], None)):
            region[hs[0]:hs[1], ws[0]:ws[1]] = count
            count += 1
    region = region.reshape(pad_h // window_size[0], window_size[0], pad_w // window_size[1], window_size[1])
    region = region.transpose(0, 2, 1, 3).reshape(-1, window_size[0] * window_size[1])
    diff = region[:, None, :] - region[:, :, None]
    return np.where(diff != 0, np.float32(-100.0), np.float32(0.0))


def shifted_window_attention(input, qkv_weight, proj_weight, relative_position_bias, window_size: list[int],
                             num_heads: int, shift_size: list[int], attention_dropout: float = 0.0,
                             dropout: float = 0.0, qkv_bias=None, proj_bias=None, logit_scale=None,
                             training: bool = True):
    """`torchvision.models.swin_transformer.shifted_window_attention` (version 1: no logit_scale)."""
    if logit_scale is not None:
        raise NotImplementedError("shifted_window_attention: logit_scale (Swin Transformer V2) is not supported")
    b, h, w, c = input.shape
    pad_r = (window_size[1] - w % window_size[1]) % window_size[1]
    pad_b = (window_size[0] - h % window_size[0]) % window_size[0]
    x = F.pad(input, (0, 0, 0, pad_r, 0, pad_b))
    _, pad_h, pad_w, _ = x.shape
    shift_size = list(shift_size)
    if window_size[0] >= pad_h:
        shift_size[0] = 0
    if window_size[1] >= pad_w:
        shift_size[1] = 0
    shifted = sum(shift_size) > 0
    if shifted:
        x = torch.roll(x, shifts=(-shift_size[0], -shift_size[1]), dims=(1, 2))
    nh, nw = pad_h // window_size[0], pad_w // window_size[1]
    num_windows = nh * nw
    tokens = window_size[0] * window_size[1]
    x = x.view(b, nh, window_size[0], nw, window_size[1], c).permute(0, 1, 3, 2, 4, 5).reshape(
        b * num_windows, tokens, c)
    qkv = F.linear(x, qkv_weight, qkv_bias).reshape(x.size(0), tokens, 3, num_heads, c // num_heads)
    qkv = qkv.permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    q = q * (c // num_heads) ** -0.5
    attn = q.matmul(k.transpose(-2, -1)) + relative_position_bias
    if shifted:
        mask = torch.from_numpy(_shift_mask(pad_h, pad_w, window_size, shift_size)).to(attn.dtype)
        attn = attn.view(x.size(0) // num_windows, num_windows, num_heads, tokens, tokens)
        attn = (attn + mask.unsqueeze(1).unsqueeze(0)).view(-1, num_heads, tokens, tokens)
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), tokens, c)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = x.view(b, nh, nw, window_size[0], window_size[1], c).permute(0, 1, 3, 2, 4, 5).reshape(b, pad_h, pad_w, c)
    if shifted:
        x = torch.roll(x, shifts=(shift_size[0], shift_size[1]), dims=(1, 2))
    return x[:, :h, :w, :].contiguous()


class ShiftedWindowAttention(nn.Module):
    """Window multi-head self-attention with a learned relative position bias, optionally shifted."""

    def __init__(self, dim: int, window_size: list[int], shift_size: list[int], num_heads: int,
                 qkv_bias: bool = True, proj_bias: bool = True, attention_dropout: float = 0.0,
                 dropout: float = 0.0):
        super().__init__()
        if len(window_size) != 2 or len(shift_size) != 2:
            raise ValueError("window_size and shift_size must be of length 2")
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.define_relative_position_bias_table()
        self.define_relative_position_index()

    def define_relative_position_bias_table(self):
        size = (2 * self.window_size[0] - 1) * (2 * self.window_size[1] - 1)
        self.relative_position_bias_table = nn.Parameter(torch.zeros(size, self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self):
        """For each (query, key) pair of a window, the row of the bias table for their offset."""
        wh, ww = self.window_size
        coords = np.stack(np.meshgrid(np.arange(wh), np.arange(ww), indexing="ij")).reshape(2, -1)
        rel = (coords[:, :, None] - coords[:, None, :]).transpose(1, 2, 0)
        index = (rel[:, :, 0] + wh - 1) * (2 * ww - 1) + (rel[:, :, 1] + ww - 1)
        self.register_buffer("relative_position_index", torch.from_numpy(index.reshape(-1).astype(np.int64)))

    def get_relative_position_bias(self):
        return _get_relative_position_bias(self.relative_position_bias_table, self.relative_position_index,
                                           self.window_size)

    def forward(self, x):
        return shifted_window_attention(x, self.qkv.weight, self.proj.weight, self.get_relative_position_bias(),
                                        self.window_size, self.num_heads, shift_size=self.shift_size,
                                        attention_dropout=self.attention_dropout, dropout=self.dropout,
                                        qkv_bias=self.qkv.bias, proj_bias=self.proj.bias, training=self.training)


class SwinTransformerBlock(nn.Module):
    """Pre-norm block: x + SD(attention(LN(x))), then x + SD(MLP(LN(x)))."""

    def __init__(self, dim: int, num_heads: int, window_size: list[int], shift_size: list[int],
                 mlp_ratio: float = 4.0, dropout: float = 0.0, attention_dropout: float = 0.0,
                 stochastic_depth_prob: float = 0.0, norm_layer: Callable = nn.LayerNorm,
                 attn_layer: Callable = ShiftedWindowAttention):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = attn_layer(dim, window_size, shift_size, num_heads, attention_dropout=attention_dropout,
                               dropout=dropout)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.norm2 = norm_layer(dim)
        self.mlp = MLP(dim, [int(dim * mlp_ratio), dim], activation_layer=nn.GELU, inplace=None, dropout=dropout)
        init_mlp(self.mlp)

    def forward(self, x):
        x = x + self.stochastic_depth(self.attn(self.norm1(x)))
        return x + self.stochastic_depth(self.mlp(self.norm2(x)))


class SwinTransformer(nn.Module):
    """`torchvision.models.SwinTransformer`: patch embedding, stages with patch merging, norm, pooled head."""

    def __init__(self, patch_size: list[int], embed_dim: int, depths: list[int], num_heads: list[int],
                 window_size: list[int], mlp_ratio: float = 4.0, dropout: float = 0.0,
                 attention_dropout: float = 0.0, stochastic_depth_prob: float = 0.1, num_classes: int = 1000,
                 norm_layer: Callable | None = None, block: Callable | None = None,
                 downsample_layer: Callable = PatchMerging):
        super().__init__()
        self.num_classes = num_classes
        block = SwinTransformerBlock if block is None else block
        norm_layer = partial(nn.LayerNorm, eps=1e-5) if norm_layer is None else norm_layer
        layers: list[nn.Module] = [nn.Sequential(
            nn.Conv2d(3, embed_dim, kernel_size=(patch_size[0], patch_size[1]),
                      stride=(patch_size[0], patch_size[1])),
            Permute([0, 2, 3, 1]), norm_layer(embed_dim))]
        total_blocks = sum(depths)
        block_id = 0
        for i_stage, depth in enumerate(depths):
            dim = embed_dim * 2 ** i_stage
            stage = []
            for i_layer in range(depth):
                sd_prob = stochastic_depth_prob * float(block_id) / (total_blocks - 1)
                shift = [0 if i_layer % 2 == 0 else w // 2 for w in window_size]
                stage.append(block(dim, num_heads[i_stage], window_size=window_size, shift_size=shift,
                                   mlp_ratio=mlp_ratio, dropout=dropout, attention_dropout=attention_dropout,
                                   stochastic_depth_prob=sd_prob, norm_layer=norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)
        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(num_features)
        self.permute = Permute([0, 3, 1, 2])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.permute(self.norm(self.features(x)))
        return self.head(self.flatten(self.avgpool(x)))


def _swin_transformer(patch_size, embed_dim, depths, num_heads, window_size, stochastic_depth_prob, weights,
                      progress: bool, **kwargs) -> SwinTransformer:
    def make(**kwargs) -> SwinTransformer:
        return SwinTransformer(patch_size=patch_size, embed_dim=embed_dim, depths=depths, num_heads=num_heads,
                               window_size=window_size, stochastic_depth_prob=stochastic_depth_prob, **kwargs)

    return _build_model(make, weights, progress, kwargs)


def _swin_entry(file: str, num_params: int, resize: int):
    return _entry(file, num_params, resize=resize, min_size=(224, 224), interpolation="bicubic")


class Swin_T_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _swin_entry("swin_t-704ceda3.pth", 28288354, 232)


class Swin_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _swin_entry("swin_s-5e29d889.pth", 49606258, 246)


class Swin_B_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _swin_entry("swin_b-68c6b09e.pth", 87768224, 238)


def _builder(name: str, weights_enum: type, embed_dim: int, depths: list[int], num_heads: list[int],
             stochastic_depth_prob: float):
    def build(weights, progress: bool, **kwargs) -> SwinTransformer:
        return _swin_transformer([4, 4], embed_dim, list(depths), list(num_heads), [7, 7], stochastic_depth_prob,
                                 weights, progress, **kwargs)

    return _model_builder(name, weights_enum, build, "SwinTransformer", legacy=False)


swin_t = _builder("swin_t", Swin_T_Weights, 96, [2, 2, 6, 2], [3, 6, 12, 24], 0.2)
swin_s = _builder("swin_s", Swin_S_Weights, 96, [2, 2, 18, 2], [3, 6, 12, 24], 0.3)
swin_b = _builder("swin_b", Swin_B_Weights, 128, [2, 2, 18, 2], [4, 8, 16, 32], 0.5)
