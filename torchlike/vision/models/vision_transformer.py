"""Vision Transformer B/16, B/32, L/16, L/32, H/14: the counterpart of `torchvision.models.vision_transformer`."""
from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

import torchlike as torch
from torchlike import nn

from ..ops.misc import MLP
from ._api import WeightsEnum, _entry, _load_weights, _model_builder, _ovewrite_named_param, _weights_enum

__all__ = ["VisionTransformer", "ViT_B_16_Weights", "ViT_B_32_Weights", "ViT_L_16_Weights", "ViT_L_32_Weights",
           "ViT_H_14_Weights", "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"]


def _assert(condition: bool, message: str) -> None:
    """`torch._assert`: an AssertionError when the condition is false."""
    if not condition:
        raise AssertionError(message)


def init_mlp(mlp: nn.Module) -> None:
    """The init of a transformer's MLP (ViT's and Swin's): Xavier-uniform weights, near-zero normal biases."""
    for m in mlp.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.normal_(m.bias, std=1e-6)


class MLPBlock(MLP):
    """The transformer's feed-forward block: Linear, GELU, Dropout, Linear, Dropout (keys "0" and "3")."""
    _version = 2

    def __init__(self, in_dim: int, mlp_dim: int, dropout: float):
        super().__init__(in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, inplace=None, dropout=dropout)
        init_mlp(self)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # Checkpoints older than version 2 named the two linears "linear_1" and "linear_2".
        if local_metadata.get("version", None) is None or local_metadata["version"] < 2:
            for i in range(2):
                for kind in ("weight", "bias"):
                    old = f"{prefix}linear_{i + 1}.{kind}"
                    if old in state_dict:
                        state_dict[f"{prefix}{3 * i}.{kind}"] = state_dict.pop(old)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class EncoderBlock(nn.Module):
    """Pre-norm transformer layer: x + attention(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, num_heads: int, hidden_dim: int, mlp_dim: int, dropout: float, attention_dropout: float,
                 norm_layer: Callable = partial(nn.LayerNorm, eps=1e-6)):
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(hidden_dim, num_heads, dropout=attention_dropout,
                                                    batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input):
        _assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Learned position embedding, `num_layers` EncoderBlocks, final LayerNorm."""

    def __init__(self, seq_length: int, num_layers: int, num_heads: int, hidden_dim: int, mlp_dim: int,
                 dropout: float, attention_dropout: float, norm_layer: Callable = partial(nn.LayerNorm, eps=1e-6)):
        super().__init__()
        self.pos_embedding = nn.Parameter(torch.empty(1, seq_length, hidden_dim).normal_(std=0.02))
        self.dropout = nn.Dropout(dropout)
        layers = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = EncoderBlock(num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                                                        norm_layer)
        self.layers = nn.Sequential(layers)
        self.ln = norm_layer(hidden_dim)

    def forward(self, input):
        _assert(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        input = input + self.pos_embedding
        return self.ln(self.layers(self.dropout(input)))


class VisionTransformer(nn.Module):
    """`torchvision.models.VisionTransformer`: patch embedding, class token, encoder, `heads`."""

    def __init__(self, image_size: int, patch_size: int, num_layers: int, num_heads: int, hidden_dim: int,
                 mlp_dim: int, dropout: float = 0.0, attention_dropout: float = 0.0, num_classes: int = 1000,
                 representation_size: int | None = None,
                 norm_layer: Callable = partial(nn.LayerNorm, eps=1e-6), conv_stem_configs=None):
        super().__init__()
        _assert(image_size % patch_size == 0, "Input shape indivisible by patch size!")
        if conv_stem_configs is not None:
            raise NotImplementedError("VisionTransformer: conv_stem_configs (a convolutional stem) is not supported")
        self.image_size, self.patch_size, self.hidden_dim, self.mlp_dim = image_size, patch_size, hidden_dim, mlp_dim
        self.attention_dropout, self.dropout = attention_dropout, dropout
        self.num_classes, self.representation_size, self.norm_layer = num_classes, representation_size, norm_layer
        self.conv_proj = nn.Conv2d(3, hidden_dim, kernel_size=patch_size, stride=patch_size)
        seq_length = (image_size // patch_size) ** 2
        self.class_token = nn.Parameter(torch.zeros(1, 1, hidden_dim))
        seq_length += 1
        self.encoder = Encoder(seq_length, num_layers, num_heads, hidden_dim, mlp_dim, dropout, attention_dropout,
                               norm_layer)
        self.seq_length = seq_length
        heads = OrderedDict()
        if representation_size is None:
            heads["head"] = nn.Linear(hidden_dim, num_classes)
        else:
            heads["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads["act"] = nn.Tanh()
            heads["head"] = nn.Linear(representation_size, num_classes)
        self.heads = nn.Sequential(heads)
        self._init_weights()

    def _init_weights(self) -> None:
        fan_in = self.conv_proj.in_channels * self.conv_proj.kernel_size[0] * self.conv_proj.kernel_size[1]
        nn.init.trunc_normal_(self.conv_proj.weight, std=math.sqrt(1 / fan_in))
        nn.init.zeros_(self.conv_proj.bias)
        if hasattr(self.heads, "pre_logits"):
            fan_in = self.heads.pre_logits.in_features
            nn.init.trunc_normal_(self.heads.pre_logits.weight, std=math.sqrt(1 / fan_in))
            nn.init.zeros_(self.heads.pre_logits.bias)
        nn.init.zeros_(self.heads.head.weight)
        nn.init.zeros_(self.heads.head.bias)

    def _process_input(self, x):
        n, c, h, w = x.shape
        p = self.patch_size
        _assert(h == self.image_size, f"Wrong image height! Expected {self.image_size} but got {h}!")
        _assert(w == self.image_size, f"Wrong image width! Expected {self.image_size} but got {w}!")
        n_h, n_w = h // p, w // p
        x = self.conv_proj(x).reshape(n, self.hidden_dim, n_h * n_w)
        return x.permute(0, 2, 1)

    def forward(self, x):
        x = self._process_input(x)
        batch_class_token = self.class_token.expand(x.shape[0], -1, -1)
        x = self.encoder(torch.cat([batch_class_token, x], dim=1))
        return self.heads(x[:, 0])


def _vision_transformer(patch_size: int, num_layers: int, num_heads: int, hidden_dim: int, mlp_dim: int, weights,
                        progress: bool, **kwargs) -> VisionTransformer:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        assert weights.meta["min_size"][0] == weights.meta["min_size"][1]
        _ovewrite_named_param(kwargs, "image_size", weights.meta["min_size"][0])
    image_size = kwargs.pop("image_size", 224)
    model = VisionTransformer(image_size=image_size, patch_size=patch_size, num_layers=num_layers,
                              num_heads=num_heads, hidden_dim=hidden_dim, mlp_dim=mlp_dim, **kwargs)
    if weights is not None:
        _load_weights(model, weights, progress)
    return model


def _vit_entry(file: str, num_params: int, size: int = 224, resize: int = 256, interpolation: str = "bilinear"):
    return _entry(file, num_params, crop=size, resize=resize, min_size=(size, size), interpolation=interpolation)


def _vit_swag(model: str, e2e: str, e2e_params: int, e2e_size: int, linear: str, linear_params: int) -> dict:
    """The SWAG weights members from their checkpoints' hashes: fine-tuned end to end at `e2e_size`, and the
    linear classifier alone at 224."""
    e2e_weights = _vit_entry(f"{model}_swag-{e2e}.pth", e2e_params, e2e_size, e2e_size, "bicubic")
    linear_weights = _vit_entry(f"{model}_lc_swag-{linear}.pth", linear_params, 224, 224, "bicubic")
    return {"IMAGENET1K_SWAG_E2E_V1": e2e_weights, "IMAGENET1K_SWAG_LINEAR_V1": linear_weights}


ViT_B_16_Weights = _weights_enum("ViT_B_16_Weights", __name__, {
    "IMAGENET1K_V1": _vit_entry("vit_b_16-c867db91.pth", 86567656),
    **_vit_swag("vit_b_16", "9ac1b537", 86859496, 384, "4e70ced5", 86567656)})


class ViT_B_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _vit_entry("vit_b_32-d86f8d99.pth", 88224232)


ViT_L_16_Weights = _weights_enum("ViT_L_16_Weights", __name__, {
    "IMAGENET1K_V1": _vit_entry("vit_l_16-852ce7e3.pth", 304326632, 224, 242),
    **_vit_swag("vit_l_16", "4f3808c9", 305174504, 512, "4d563306", 304326632)})


class ViT_L_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _vit_entry("vit_l_32-c7638314.pth", 306535400)


ViT_H_14_Weights = _weights_enum("ViT_H_14_Weights", __name__,
                                 _vit_swag("vit_h_14", "80465313", 633470440, 518, "c1eb923e", 632045800),
                                 "IMAGENET1K_SWAG_E2E_V1")


def _builder(name: str, weights_enum: type, patch_size: int, num_layers: int, num_heads: int, hidden_dim: int,
             mlp_dim: int, legacy: bool = True):
    build = partial(_vision_transformer, patch_size, num_layers, num_heads, hidden_dim, mlp_dim)
    return _model_builder(name, weights_enum, build, "VisionTransformer", legacy=legacy)


vit_b_16 = _builder("vit_b_16", ViT_B_16_Weights, 16, 12, 12, 768, 3072)
vit_b_32 = _builder("vit_b_32", ViT_B_32_Weights, 32, 12, 12, 768, 3072)
vit_l_16 = _builder("vit_l_16", ViT_L_16_Weights, 16, 24, 16, 1024, 4096)
vit_l_32 = _builder("vit_l_32", ViT_L_32_Weights, 32, 24, 16, 1024, 4096)
vit_h_14 = _builder("vit_h_14", ViT_H_14_Weights, 14, 32, 16, 1280, 5120, legacy=False)  # added after `pretrained=`
