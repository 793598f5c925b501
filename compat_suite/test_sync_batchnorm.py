"""nn.SyncBatchNorm in one process: PyTorch's is BatchNorm there, with its own input checks and
`convert_sync_batchnorm`."""
import numpy as np
import pytest
import torch

import torchlike


def _pair_model(lib):
    return lib.nn.Sequential(lib.nn.Conv2d(3, 4, 3), lib.nn.BatchNorm2d(4), lib.nn.ReLU(),
                             lib.nn.Sequential(lib.nn.Flatten(), lib.nn.BatchNorm1d(4 * 4 * 4, momentum=None)))


def test_values_running_stats_and_grads():
    torch.manual_seed(0)
    t = torch.nn.SyncBatchNorm(3, momentum=0.2)
    lt = torchlike.nn.SyncBatchNorm(3, momentum=0.2)
    with torch.no_grad():
        t.weight.uniform_()
        t.bias.uniform_()
    lt.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in t.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 3, 5, 2)).astype(np.float32)
    tx, lx = torch.tensor(x, requires_grad=True), torchlike.tensor(x, requires_grad=True)
    for _ in range(2):
        tout, lout = t(tx), lt(lx)
        np.testing.assert_allclose(lout.detach().numpy(), tout.detach().numpy(), rtol=1e-5, atol=1e-6)
    (tout ** 2).sum().backward()
    (lout ** 2).sum().backward()
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(lt.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-4, atol=1e-5)
    for k, v in t.state_dict().items():
        np.testing.assert_allclose(lt.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6)
    t.eval(), lt.eval()
    np.testing.assert_allclose(lt(lx).detach().numpy(), t(tx).detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(3,), (2, 0, 4)])
def test_input_checks(shape):
    def err(lib):
        m = lib.nn.SyncBatchNorm(shape[1] if len(shape) > 1 else 3)
        with pytest.raises(Exception) as e:
            m(lib.zeros(*shape))
        return e.type, str(e.value)
    assert err(torchlike) == err(torch)


def test_convert_sync_batchnorm_keeps_structure_and_state():
    torch.manual_seed(1)
    tm = _pair_model(torch)
    lm = _pair_model(torchlike)
    lm.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    tc = torch.nn.SyncBatchNorm.convert_sync_batchnorm(tm)
    lc = torchlike.nn.SyncBatchNorm.convert_sync_batchnorm(lm)
    assert [type(m).__name__ for m in lc.modules()] == [type(m).__name__ for m in tc.modules()]
    assert list(lc.state_dict()) == list(tc.state_dict())
    assert lc[1].weight is lm[1].weight  # the parameters themselves, as PyTorch's moves them
    x = np.random.default_rng(1).standard_normal((5, 3, 6, 6)).astype(np.float32)
    np.testing.assert_allclose(lc(torchlike.tensor(x)).detach().numpy(), tc(torch.tensor(x)).detach().numpy(),
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", ["conv", "convT", "linear", "conv-nobias"])
def test_fusion_folds_batchnorm(kind):
    """torch.nn.utils.fusion: the fused layer's weights and outputs as PyTorch's."""
    def build(L):
        L.manual_seed(0)
        if kind == "linear":
            layer, bn = L.nn.Linear(5, 4), L.nn.BatchNorm1d(4)
        elif kind == "convT":
            layer, bn = L.nn.ConvTranspose2d(3, 4, 3), L.nn.BatchNorm2d(4)
        else:
            layer, bn = L.nn.Conv2d(3, 4, 3, bias=kind != "conv-nobias"), L.nn.BatchNorm2d(4)
        return layer, bn
    (tl, tb), (ll, lb) = build(torch), build(torchlike)
    with torch.no_grad():
        tb.running_mean.uniform_(-1, 1)
        tb.running_var.uniform_(0.5, 2)
        tb.weight.uniform_(0.5, 2)
        tb.bias.uniform_(-1, 1)
    ll.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in tl.state_dict().items()})
    lb.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in tb.state_dict().items()})
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        torchlike.nn.utils.fusion.fuse_conv_bn_eval(ll, lb)
    for m in (tl, tb, ll, lb):
        m.eval()
    if kind == "linear":
        tf = torch.nn.utils.fusion.fuse_linear_bn_eval(tl, tb)
        lf = torchlike.nn.utils.fusion.fuse_linear_bn_eval(ll, lb)
        x = np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32)
    else:
        tf = torch.nn.utils.fusion.fuse_conv_bn_eval(tl, tb, transpose=kind == "convT")
        lf = torchlike.nn.utils.fusion.fuse_conv_bn_eval(ll, lb, transpose=kind == "convT")
        x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32)
    assert isinstance(lf.weight, torchlike.nn.Parameter) and lf is not ll
    np.testing.assert_allclose(lf.weight.detach().numpy(), tf.weight.detach().numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(lf.bias.detach().numpy(), tf.bias.detach().numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(lf(torchlike.tensor(x)).detach().numpy(), lb(ll(torchlike.tensor(x))).detach().numpy(),
                               rtol=1e-4, atol=1e-5)
