"""Normalization layers on float32 inputs with a large mean relative to their spread (mean 50, std 0.1):
outputs and every gradient must be within float32 accuracy of the float64 result PyTorch computes from
the same inputs. A one-pass or float32-accumulated variance cancels here and misses by 1e-4."""
import numpy as np
import pytest

from .harness import torch, torchlike

rng = np.random.default_rng(0)
X = (rng.standard_normal((8, 4, 6, 6)) * 0.1 + 50).astype(np.float32)
W = rng.standard_normal((8, 4, 6, 6)).astype(np.float32)

LAYERS = {
    "BatchNorm2d": lambda lib: lib.nn.BatchNorm2d(4),
    "LayerNorm": lambda lib: lib.nn.LayerNorm([4, 6, 6]),
    "GroupNorm": lambda lib: lib.nn.GroupNorm(2, 4),
    "InstanceNorm2d": lambda lib: lib.nn.InstanceNorm2d(4, affine=True),
    "BatchNorm2d_eval": lambda lib: lib.nn.BatchNorm2d(4).eval(),
}


def _outputs_and_grads(lib, make, dtype):
    layer = make(lib).to(dtype)
    x = lib.tensor(X.astype(np.float64)).to(dtype).requires_grad_()
    y = layer(x)
    (y * lib.tensor(W.astype(np.float64)).to(dtype)).sum().backward()
    return [a.detach().double().numpy() for a in [y, x.grad] + [p.grad for p in layer.parameters()]]


@pytest.mark.parametrize("name", list(LAYERS))
def test_large_mean_inputs_keep_float32_accuracy(name):
    reference = _outputs_and_grads(torch, LAYERS[name], torch.float64)
    got = _outputs_and_grads(torchlike, LAYERS[name], torchlike.float32)
    for what, r, g in zip(["output", "input grad", "weight grad", "bias grad"], reference, got):
        rel = np.abs(r - g).max() / np.abs(r).max()
        assert rel < 1e-5, f"{name} {what}: relative error {rel:.1e} against float64"
