"""`autograd.functional.hessian`/`hvp`/`vhp` and a gradient penalty (double backward) through a
small CNN and an LSTM, in float64 against PyTorch."""
import numpy as np
import pytest
import torch

import torchlike


def _cnn(L):
    L.manual_seed(0)
    return L.nn.Sequential(L.nn.Conv2d(1, 2, 3), L.nn.Tanh(), L.nn.MaxPool2d(2), L.nn.Flatten(),
                           L.nn.Linear(2 * 2 * 2, 3), L.nn.Softplus())


def _lstm(L):
    L.manual_seed(0)
    return L.nn.LSTM(3, 4, batch_first=True)


def _pair(build, x_shape, seed):
    tm, lm = build(torch).double(), build(torchlike).double()
    lm.load_state_dict({k: torchlike.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(seed).standard_normal(x_shape)
    return (tm, torch.tensor(x)), (lm, torchlike.tensor(x))


CASES = {  # name -> (model, input shape, parameter differentiated)
    "cnn-linear": (_cnn, (2, 1, 6, 6), "4.weight"),
    "cnn-conv": (_cnn, (2, 1, 6, 6), "0.weight"),
    "lstm-hh": (_lstm, (2, 5, 3), "weight_hh_l0"),
    "lstm-ih": (_lstm, (2, 5, 3), "weight_ih_l0"),
}


def _loss(L, model, x, name):
    def f(w):
        out = L.func.functional_call(model, {name: w}, (x,))
        out = out[0] if isinstance(out, tuple) else out
        return out.square().sum()
    return f


def _close(got, want):
    got, want = got.detach().numpy(), want.detach().numpy()
    assert np.abs(want).max() > 1e-3  # (a zero Hessian would prove nothing)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
def test_hessian_hvp_vhp(case):
    build, shape, name = CASES[case]
    (tm, tx), (lm, lx) = _pair(build, shape, 1)
    tw = dict(tm.named_parameters())[name].detach()
    lw = dict(lm.named_parameters())[name].detach()
    tf, lf = _loss(torch, tm, tx, name), _loss(torchlike, lm, lx, name)
    _close(torchlike.autograd.functional.hessian(lf, lw), torch.autograd.functional.hessian(tf, tw))
    v = np.random.default_rng(2).standard_normal(tuple(tw.shape))
    for fn in ("hvp", "vhp"):
        t_val, t_prod = getattr(torch.autograd.functional, fn)(tf, tw, torch.tensor(v))
        l_val, l_prod = getattr(torchlike.autograd.functional, fn)(lf, lw, torchlike.tensor(v))
        _close(l_val, t_val)
        _close(l_prod, t_prod)


@pytest.mark.parametrize("build,shape", [(_cnn, (3, 1, 6, 6)), (_lstm, (2, 4, 3))], ids=["cnn", "lstm"])
def test_gradient_penalty_through_every_parameter(build, shape):
    """loss + |d loss / d x|^2, differentiated again: the pattern of WGAN-GP and input-gradient
    regularisation."""
    (tm, tx), (lm, lx) = _pair(build, shape, 3)
    grads = []
    for L, m, x in ((torch, tm, tx), (torchlike, lm, lx)):
        x = x.clone().requires_grad_(True)
        out = m(x)
        out = out[0] if isinstance(out, tuple) else out
        loss = out.square().mean()
        (gx,) = L.autograd.grad(loss, x, create_graph=True)
        (loss + gx.square().sum()).backward()
        grads.append([p.grad for p in m.parameters()])
    for lg, tg in zip(grads[1], grads[0]):
        _close(lg, tg)
