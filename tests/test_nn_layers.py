"""Layers, functional and init against known answers (no PyTorch needed)."""
import math

import numpy as np
import pytest

import torchlike as torch
import torchlike.nn.functional as F
from torchlike import nn


def close(t, expected, tol=1e-5):
    np.testing.assert_allclose(np.asarray(t.detach()), np.asarray(expected, dtype=np.float64), rtol=tol, atol=tol)


def test_linear_values_and_grad_fn():
    m = nn.Linear(2, 3)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
        m.bias.copy_(torch.tensor([0.5, -0.5, 0.0]))
    out = m(torch.tensor([[1.0, 2.0]]))
    close(out, [[1.5, 1.5, 3.0]])
    assert out.grad_fn.name() == "AddmmBackward0"
    assert F.linear(torch.ones(1, 2), m.weight).grad_fn.name() == "MmBackward0"
    assert F.cross_entropy(out, torch.tensor([0])).grad_fn.name() == "NllLossBackward0"
    assert F.mse_loss(out, torch.zeros(1, 3)).grad_fn.name() == "MseLossBackward0"


def test_linear_errors():
    with pytest.raises(RuntimeError, match="mat1 and mat2 must have the same dtype, but got Long and Float"):
        nn.Linear(2, 5)(torch.tensor([[1, 2], [3, 4]]))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        F.linear(torch.ones(2, 3), torch.ones(5, 4))


def test_default_init_bounds():
    m = nn.Linear(16, 8)
    bound = 1 / math.sqrt(16)
    assert m.weight.abs().max().item() <= bound and m.bias.abs().max().item() <= bound
    assert m.weight.std().item() > bound / 3  # not all zeros: actually drawn
    e = nn.Embedding(100, 4, padding_idx=3)
    assert e.weight[3].abs().sum().item() == 0
    assert abs(e.weight.std().item() - 1) < 0.3


def test_activations():
    x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
    close(F.relu(x), [0, 0, 0, 0.5, 2])
    close(F.relu6(x * 4), [0, 0, 0, 2, 6])
    close(F.leaky_relu(x, 0.1), [-0.2, -0.05, 0, 0.5, 2])
    close(F.elu(x), [math.exp(-2) - 1, math.exp(-0.5) - 1, 0, 0.5, 2])
    close(F.hardtanh(x), [-1, -0.5, 0, 0.5, 1])
    close(F.gelu(torch.tensor([1.0])), [0.8413447])
    close(F.silu(torch.tensor([1.0])), [1 / (1 + math.exp(-1))])
    close(F.softplus(torch.tensor([0.0, 30.0])), [math.log(2), 30.0])
    close(F.hardshrink(x, 1.0), [-2, 0, 0, 0, 2])
    close(F.softshrink(x, 1.0), [-1, 0, 0, 0, 1])
    close(F.threshold(x, 0.1, 9.0), [9, 9, 9, 0.5, 2])
    close(F.glu(torch.tensor([1.0, 0.0])), [0.5])
    close(nn.PReLU()(x), [-0.5, -0.125, 0, 0.5, 2])


def test_relu_gradient_at_zero_is_zero():
    x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    F.relu(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]
    y = torch.tensor([-1.0, 1.0], requires_grad=True)
    F.hardtanh(y).sum().backward()
    assert y.grad.tolist() == [0.0, 0.0]


def test_inplace_activation_shares_storage():
    x = torch.tensor([-1.0, 2.0])
    y = F.relu(x, inplace=True)
    assert y is x and x.tolist() == [0.0, 2.0]


def test_softmax_family():
    x = torch.tensor([[1.0, 2.0, 3.0]])
    e = np.exp([1.0, 2.0, 3.0])
    close(F.softmax(x, dim=1), [e / e.sum()])
    close(F.log_softmax(x, dim=1), [np.log(e / e.sum())])
    close(F.softmin(x, dim=1), [np.exp([-1.0, -2, -3]) / np.exp([-1.0, -2, -3]).sum()])
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        F.softmax(x)


def test_losses_known_values():
    x = torch.tensor([[0.0, 0.0], [1.0, 3.0]])
    t = torch.tensor([0, 1])
    close(F.cross_entropy(x, t), (math.log(2) + math.log(1 + math.exp(-2))) / 2)
    close(F.cross_entropy(x, t, ignore_index=1), math.log(2))
    close(F.cross_entropy(torch.zeros(1, 4), torch.tensor([2]), label_smoothing=0.2), math.log(4))
    close(F.nll_loss(torch.tensor([[-1.0, -2.0], [-3.0, -4.0]]), t, weight=torch.tensor([1.0, 3.0])),
          (1 + 12) / 4)
    close(F.mse_loss(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0])), 5.0)
    close(F.l1_loss(torch.tensor([1.0, -3.0]), torch.tensor([0.0, 0.0]), reduction="sum"), 4.0)
    close(F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.0])), math.log(2))
    close(F.binary_cross_entropy_with_logits(torch.tensor([0.0]), torch.tensor([1.0]),
                                             pos_weight=torch.tensor([3.0])), 3 * math.log(2))
    close(F.smooth_l1_loss(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction="none"), [0.125, 2.5])
    close(F.huber_loss(torch.tensor([3.0]), torch.zeros(1), delta=2.0), 4.0)
    close(F.kl_div(torch.log(torch.tensor([[0.5, 0.5]])), torch.tensor([[0.25, 0.75]]), reduction="batchmean"),
          0.25 * math.log(0.5) + 0.75 * math.log(1.5))
    close(F.margin_ranking_loss(torch.tensor([1.0]), torch.tensor([2.0]), torch.tensor([1.0]), margin=0.5), 1.5)
    close(F.hinge_embedding_loss(torch.tensor([0.3, 2.0]), torch.tensor([-1.0, 1.0]), reduction="none"), [0.7, 2.0])


def test_loss_errors():
    with pytest.raises(IndexError, match="Target 5 is out of bounds."):
        F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 5]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        F.nll_loss(torch.ones(2, 3), torch.tensor([0.0, 1.0]))
    with pytest.warns(UserWarning, match="Using a target size"):
        F.mse_loss(torch.ones(2, 2), torch.zeros(2, 1))
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.l1_loss(torch.ones(1), torch.ones(1), reduction="avg")


def test_batchnorm_running_stats_and_eval():
    bn = nn.BatchNorm1d(1)
    x = torch.tensor([[1.0], [3.0]])
    out = bn(x)
    close(out, [[-1.0], [1.0]], tol=1e-3)
    close(bn.running_mean, [0.2])           # 0.9 * 0 + 0.1 * 2
    close(bn.running_var, [0.9 + 0.1 * 2])  # unbiased variance of [1, 3] is 2
    assert bn.num_batches_tracked.item() == 1
    bn.eval()
    close(bn(torch.tensor([[0.2]])), [[0.0]])
    cum = nn.BatchNorm1d(1, momentum=None)
    cum(torch.tensor([[1.0], [3.0]]))
    cum(torch.tensor([[5.0], [7.0]]))
    close(cum.running_mean, [4.0])  # plain average of the two batch means


def test_layer_group_rms_norm():
    close(nn.LayerNorm(3, eps=0.0)(torch.tensor([[1.0, 2.0, 3.0]])), [[-1.2247449, 0, 1.2247449]])
    close(F.group_norm(torch.tensor([[1.0, 3.0, 5.0, 7.0]]).reshape(1, 4, 1), 2, eps=0.0),
          np.array([-1.0, 1.0, -1.0, 1.0]).reshape(1, 4, 1))
    close(F.rms_norm(torch.tensor([3.0, 4.0]), (2,), eps=0.0), [3 / math.sqrt(12.5), 4 / math.sqrt(12.5)])
    close(F.normalize(torch.tensor([[3.0, 4.0]])), [[0.6, 0.8]])


def test_embedding_padding_grad_and_max_norm():
    e = nn.Embedding(4, 2, padding_idx=1)
    e(torch.tensor([0, 1, 1, 3])).sum().backward()
    assert e.weight.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
    w = torch.tensor([[3.0, 4.0], [0.3, 0.4]])
    e2 = nn.Embedding.from_pretrained(w, max_norm=1.0)
    e2(torch.tensor([0]))
    close(e2.weight, [[0.6, 0.8], [0.3, 0.4]], tol=1e-5)
    assert not e2.weight.requires_grad


def test_embedding_bag_modes():
    w = torch.tensor([[1.0, 0.0], [0.0, 2.0], [4.0, 4.0]])
    idx, off = torch.tensor([0, 1, 2, 2]), torch.tensor([0, 2, 2])
    close(F.embedding_bag(idx, w, off, mode="sum"), [[1, 2], [0, 0], [8, 8]])
    close(F.embedding_bag(idx, w, off, mode="mean"), [[0.5, 1], [0, 0], [4, 4]])
    close(F.embedding_bag(idx, w, off, mode="max"), [[1, 2], [0, 0], [4, 4]])


def test_one_hot_and_distances():
    oh = F.one_hot(torch.tensor([0, 2]))
    assert oh.dtype is torch.int64 and oh.tolist() == [[1, 0, 0], [0, 0, 1]]
    close(F.cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]])), [1 / math.sqrt(2)])
    close(F.pairwise_distance(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]), eps=0.0), [5.0])
    close(F.pdist(torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])), [5.0, 1.0, math.sqrt(18)])


def test_dropout_statistics_and_eval():
    x = torch.ones(200, 100)
    d = nn.Dropout(0.3)
    y = d(x)
    vals = np.asarray(y)
    frac = (vals == 0).mean()
    assert 0.27 < frac < 0.33
    np.testing.assert_allclose(vals[vals != 0], 1 / 0.7, rtol=1e-6)
    assert not np.array_equal(np.asarray(d(x)), vals)  # a fresh mask each call
    d.eval()
    assert d(x) is x
    ch = np.asarray(nn.Dropout2d(0.5)(torch.ones(4, 50, 3, 3)))
    per_channel = ch.reshape(4, 50, 9)
    assert ((per_channel == 0).all(-1) | (per_channel != 0).all(-1)).all()
    z = torch.tensor(np.random.default_rng(0).standard_normal(100000).astype(np.float32))
    a = np.asarray(nn.AlphaDropout(0.2)(z))  # keeps zero mean and unit variance
    assert abs(a.mean()) < 0.02 and abs(a.std() - 1) < 0.03


def test_dropout_gradient_uses_the_mask():
    x = torch.ones(1000, requires_grad=True)
    y = F.dropout(x, 0.5)
    y.sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), np.asarray(y.detach()))


def test_init_functions():
    w = torch.empty(64, 32)
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    bound = math.sqrt(6 / 32)
    assert w.abs().max().item() <= bound and w.abs().max().item() > bound * 0.9
    nn.init.xavier_uniform_(w)
    assert w.abs().max().item() <= math.sqrt(6 / 96)
    nn.init.orthogonal_(w)
    q = np.asarray(w)
    np.testing.assert_allclose(q.T @ q, np.eye(32), atol=1e-5)
    nn.init.trunc_normal_(w, std=1.0, a=-0.5, b=0.5)
    assert w.abs().max().item() <= 0.5
    nn.init.sparse_(w, 0.25)
    assert ((np.asarray(w) == 0).sum(0) >= 16).all()
    k = torch.empty(4, 2, 3)
    nn.init.dirac_(k)
    assert k[0, 0, 1].item() == 1 and k[1, 1, 1].item() == 1 and k.sum().item() == 2
    assert nn.init.calculate_gain("relu") == math.sqrt(2)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert nn.init._calculate_fan_in_and_fan_out(torch.empty(8, 3, 5)) == (15, 40)
    p = nn.Parameter(torch.zeros(3))
    nn.init.ones_(p)
    assert p.grad_fn is None and p.tolist() == [1.0, 1.0, 1.0]


def test_manual_seed_reproduces_init_and_dropout():
    draws = []
    for _ in range(2):
        torch.manual_seed(7)
        draws.append((nn.Linear(3, 2).weight.tolist(), F.dropout(torch.ones(16)).tolist()))
    assert draws[0] == draws[1]
