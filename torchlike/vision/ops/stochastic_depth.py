"""`torchvision.ops.stochastic_depth`: drop whole residual branches at random while training."""
from __future__ import annotations

import torchlike as torch
from torchlike import nn

__all__ = ["stochastic_depth", "StochasticDepth"]


def stochastic_depth(input, p: float, mode: str, training: bool = True):
    """`torchvision.ops.stochastic_depth`: zero the input per sample ("row") or entirely ("batch") with
    probability `p`, scaling survivors by 1/(1-p)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ("batch", "row"):
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input
    survival_rate = 1.0 - p
    if mode == "row":
        size = [input.shape[0]] + [1] * (input.ndim - 1)
    else:
        size = [1] * input.ndim
    noise = torch.empty(size, dtype=input.dtype, device=input.device).bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise = noise / survival_rate
    return input * noise


class StochasticDepth(nn.Module):
    """`torchvision.ops.StochasticDepth`: the module form of `stochastic_depth`."""

    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p}, mode={self.mode})"
