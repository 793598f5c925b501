"""Folding an eval-mode BatchNorm into the convolution or linear layer before it. Mirrors
`torch.nn.utils.fusion`.

With s = bn_weight / sqrt(running_var + eps), BatchNorm(conv(x)) = conv'(x) where conv' has weight
w * s (per output channel) and bias (b - running_mean) * s + bn_bias.
"""
from __future__ import annotations

import copy

from ..._tensor import Tensor
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]


def _defaults(bias, bn_rm, bn_w, bn_b):
    from ... import ones_like, zeros_like
    return (zeros_like(bn_rm) if bias is None else bias, ones_like(bn_rm) if bn_w is None else bn_w,
            zeros_like(bn_rm) if bn_b is None else bn_b)


def fuse_conv_bn_weights(conv_w: Tensor, conv_b, bn_rm, bn_rv, bn_eps: float, bn_w, bn_b, transpose: bool = False):
    """The fused convolution's (weight, bias) as Parameters, in the convolution's dtypes."""
    from ... import rsqrt
    w_dtype = conv_w.dtype
    b_dtype = conv_b.dtype if conv_b is not None else w_dtype
    conv_b, bn_w, bn_b = _defaults(conv_b, bn_rm, bn_w, bn_b)
    scale = bn_w * rsqrt(bn_rv + bn_eps)
    shape = ([1, -1] if transpose else [-1, 1]) + [1] * (conv_w.ndim - 2)
    fused_w = (conv_w * scale.reshape(shape)).to(dtype=w_dtype)
    fused_b = ((conv_b - bn_rm) * scale + bn_b).to(dtype=b_dtype)
    return Parameter(fused_w, conv_w.requires_grad), Parameter(fused_b, conv_b.requires_grad)


def fuse_conv_bn_eval(conv, bn, transpose: bool = False):
    """A copy of `conv` (eval mode) with `bn` (eval mode) folded into its weight and bias."""
    if conv.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(conv)
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                    bn.eps, bn.weight, bn.bias, transpose)
    return fused


def fuse_linear_bn_weights(linear_w: Tensor, linear_b, bn_rm, bn_rv, bn_eps: float, bn_w, bn_b):
    """The fused linear layer's (weight, bias) as Parameters."""
    from ... import rsqrt
    linear_b, bn_w, bn_b = _defaults(linear_b, bn_rm, bn_w, bn_b)
    scale = bn_w * rsqrt(bn_rv + bn_eps)
    fused_w = linear_w * scale.unsqueeze(-1)
    fused_b = (linear_b - bn_rm) * scale + bn_b
    return Parameter(fused_w, linear_w.requires_grad), Parameter(fused_b, linear_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    """A copy of `linear` (eval mode) with `bn` (eval mode) folded into its weight and bias."""
    if linear.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    if not (linear.out_features == bn.num_features or bn.num_features == 1):
        raise AssertionError("To fuse, linear.out_features must equal bn.num_features or bn.num_features must be 1")
    fused = copy.deepcopy(linear)
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError
    fused.weight, fused.bias = fuse_linear_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                      bn.eps, bn.weight, bn.bias)
    return fused
