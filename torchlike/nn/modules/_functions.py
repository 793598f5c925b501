"""`torch.nn.modules._functions`: CrossMapLRN2d's autograd Function (the legacy cross-channel response
normalisation, with its own forward window and backward formula)."""
from __future__ import annotations

import numpy as np

from ..._ops.creation import tensor
from ..._ops.linalg import einsum
from ...autograd.function import Function


def _forward_window(channels: int, size: int) -> np.ndarray:
    # PyTorch's running sum of squares over channels: scale[c] = scale[c-1] + sq[c+pre_pad-1] - sq[c-pre_pad],
    # where the leaving square is only taken off once c > pre_pad (so channel 0 stays in every later window).
    # Row c of the result marks the squares that scale[c] sums.
    pre_pad = int((size - 1) / 2 + 1)
    window = np.zeros((channels, channels))
    window[0, :min(pre_pad, channels)] = 1
    for c in range(1, channels):
        window[c] = window[c - 1]
        if c < channels - pre_pad + 1:
            window[c, c + pre_pad - 1] += 1
        if c > pre_pad:
            window[c, c - pre_pad] -= 1
    return window


def _backward_window(channels: int, size: int) -> np.ndarray:
    # PyTorch's backward sums ratio[j] over c - inverse_pre_pad <= j <= c + size - 1 - inverse_pre_pad.
    inverse_pre_pad = int(size - (size - 1) / 2)
    c, j = np.arange(channels)[:, None], np.arange(channels)[None, :]
    return ((j >= c - inverse_pre_pad) & (j <= c + size - 1 - inverse_pre_pad)).astype(np.float64)


def _over_channels(window: np.ndarray, x):
    return einsum("cj,njhw->nchw", tensor(window, dtype=x.dtype, device=x.device), x)


class CrossMapLRN2d(Function):
    """Mirrors `torch.nn.modules._functions.CrossMapLRN2d`."""

    @staticmethod
    def forward(ctx, input, size, alpha=1e-4, beta=0.75, k=1):
        ctx.size, ctx.alpha, ctx.beta, ctx.k = size, alpha, beta, k
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        ctx.scale = _over_channels(_forward_window(input.size(1), size), input * input) * (alpha / size) + k
        output = ctx.scale.pow(-beta) * input
        ctx.save_for_backward(input, output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, output = ctx.saved_tensors
        ratio = grad_output * output / ctx.scale
        accum = _over_channels(_backward_window(input.size(1), ctx.size), ratio)
        grad_input = ctx.scale.pow(-ctx.beta) * grad_output - (2 * ctx.alpha * ctx.beta / ctx.size) * input * accum
        return grad_input, None, None, None, None
