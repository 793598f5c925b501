"""torchvision.ops.misc building blocks and stochastic_depth (known answers; torchvision is not installed)."""
import numpy as np
import pytest

import torchlike as torch
from torchlike import nn
from torchlike.vision.ops.misc import MLP, Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, Permute, \
    SqueezeExcitation
from torchlike.vision.ops.stochastic_depth import StochasticDepth, stochastic_depth


def test_frozen_batchnorm_matches_eval_batchnorm_and_drops_the_step_counter():
    bn = nn.BatchNorm2d(3).eval()
    state = {"weight": torch.tensor([1.0, 2.0, 0.5]), "bias": torch.tensor([0.1, -0.2, 0.3]),
             "running_mean": torch.tensor([0.5, -1.0, 2.0]), "running_var": torch.tensor([2.0, 0.5, 1.5]),
             "num_batches_tracked": torch.tensor(5)}
    bn.load_state_dict(state)
    frozen = FrozenBatchNorm2d(3)
    frozen.load_state_dict(state)  # strict: num_batches_tracked is accepted and ignored
    assert list(frozen.state_dict()) == ["weight", "bias", "running_mean", "running_var"]
    x = torch.randn(2, 3, 4, 4)
    np.testing.assert_allclose(frozen(x).numpy(), bn(x).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert repr(frozen) == "FrozenBatchNorm2d(3, eps=1e-05)"


def test_conv_norm_activation_layout():
    m = Conv2dNormActivation(4, 8, kernel_size=3, stride=2)
    assert [type(c).__name__ for c in m] == ["Conv2d", "BatchNorm2d", "ReLU"] and m.out_channels == 8
    assert m[0].padding == (1, 1) and m[0].bias is None
    m = Conv2dNormActivation(4, 8, kernel_size=(1, 5), dilation=2, norm_layer=None, activation_layer=None)
    assert len(m) == 1 and m[0].padding == (0, 4) and m[0].bias is not None
    m3 = Conv3dNormActivation(2, 3, kernel_size=3)
    assert type(m3[1]).__name__ == "BatchNorm3d" and tuple(m3(torch.zeros(1, 2, 4, 4, 4)).shape) == (1, 3, 4, 4, 4)


def test_squeeze_excitation_scales_channels():
    se = SqueezeExcitation(4, 2)
    assert sorted(se.state_dict()) == ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]
    x = torch.randn(2, 4, 3, 3)
    pooled = x.mean((2, 3), keepdim=True)
    scale = torch.sigmoid(se.fc2(torch.relu(se.fc1(pooled))))
    np.testing.assert_allclose(se(x).detach().numpy(), (x * scale).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_mlp_and_permute():
    m = MLP(6, [5, 4], norm_layer=nn.LayerNorm, dropout=0.1)
    assert [type(c).__name__ for c in m] == ["Linear", "LayerNorm", "ReLU", "Dropout", "Linear", "Dropout"]
    assert tuple(m(torch.zeros(3, 6)).shape) == (3, 4)
    assert tuple(Permute([0, 2, 3, 1])(torch.zeros(1, 2, 3, 4)).shape) == (1, 3, 4, 2)


def test_stochastic_depth():
    x = torch.ones(1000, 2, 3)
    assert stochastic_depth(x, 0.5, "row", training=False) is x
    out = stochastic_depth(x, 0.25, "row").numpy()
    rows = out.reshape(1000, -1)
    assert set(np.unique(rows).tolist()) <= {0.0, np.float32(1 / 0.75).item()}
    assert (rows == rows[:, :1]).all()  # a whole sample is kept or dropped
    assert 0.15 < (rows[:, 0] == 0).mean() < 0.35
    batch = stochastic_depth(x, 0.5, "batch").numpy()
    assert len(np.unique(batch)) == 1
    assert (stochastic_depth(x, 1.0, "row").numpy() == 0).all()
    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1, but got 1.5"):
        stochastic_depth(x, 1.5, "row")
    with pytest.raises(ValueError, match="mode has to be either 'batch' or 'row', but got col"):
        stochastic_depth(x, 0.5, "col")
    assert repr(StochasticDepth(0.2, "row")) == "StochasticDepth(p=0.2, mode=row)"
