"""Double backward through layers: a gradient penalty (the squared norm of d(loss)/d(input, params),
taken with create_graph=True) differentiated again, compared with PyTorch for the input's and every
parameter's gradient. This is what WGAN-GP, MAML and Hessian-vector products run."""
import numpy as np
import pytest

from .harness import torch, torchlike


class _Attention:
    """Self-attention as a module, optionally causal."""

    @staticmethod
    def make(lib, causal: bool):
        class SelfAttention(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.attn = lib.nn.MultiheadAttention(4, 2, batch_first=True)

            def forward(self, x):
                mask = lib.triu(lib.ones(3, 3, dtype=lib.bool), 1) if causal else None
                return self.attn(x, x, x, attn_mask=mask)[0]
        return SelfAttention()


class _Function:
    @staticmethod
    def make(lib, fn):
        class Wrapped(lib.nn.Module):
            def forward(self, x):
                return fn(lib, x)
        return Wrapped()


LAYERS = {
    "matmul": (lambda l: _Function.make(l, lambda lib, x: x @ x.T), (3, 4)),
    "linear": (lambda l: l.nn.Linear(4, 3), (2, 4)),
    "conv2d": (lambda l: l.nn.Conv2d(2, 3, 3, padding=1), (1, 2, 5, 5)),
    "conv1d_strided": (lambda l: l.nn.Conv1d(2, 3, 3, stride=2), (2, 2, 7)),
    "conv_transpose2d": (lambda l: l.nn.ConvTranspose2d(2, 2, 3, stride=2), (1, 2, 4, 4)),
    "max_pool2d": (lambda l: l.nn.Sequential(l.nn.Conv2d(1, 2, 3), l.nn.MaxPool2d(2)), (1, 1, 6, 6)),
    "avg_pool2d": (lambda l: l.nn.Sequential(l.nn.Conv2d(1, 2, 3), l.nn.AvgPool2d(2)), (1, 1, 6, 6)),
    "adaptive_avg_pool2d": (lambda l: l.nn.Sequential(l.nn.Conv2d(1, 2, 3), l.nn.AdaptiveAvgPool2d(1)), (1, 1, 6, 6)),
    "rnn": (lambda l: _first(l, l.nn.RNN(3, 4, batch_first=True)), (2, 5, 3)),
    "lstm": (lambda l: _first(l, l.nn.LSTM(3, 4, batch_first=True)), (2, 5, 3)),
    "gru": (lambda l: _first(l, l.nn.GRU(3, 4, batch_first=True)), (2, 5, 3)),
    "lstm_two_layers_bidirectional": (lambda l: _first(l, l.nn.LSTM(3, 4, num_layers=2, bidirectional=True)),
                                      (5, 2, 3)),
    "multihead_attention": (lambda l: _Attention.make(l, False), (2, 3, 4)),
    "multihead_attention_causal": (lambda l: _Attention.make(l, True), (2, 3, 4)),
    "scaled_dot_product_attention": (lambda l: _Function.make(
        l, lambda lib, x: lib.nn.functional.scaled_dot_product_attention(x, x, x)), (2, 3, 4)),
    "layer_norm": (lambda l: l.nn.LayerNorm(4), (2, 4)),
    "batch_norm": (lambda l: l.nn.BatchNorm1d(4), (5, 4)),
    "linear_softmax": (lambda l: l.nn.Sequential(l.nn.Linear(4, 4), l.nn.Softmax(-1)), (2, 4)),
    "linear_tanh_linear": (lambda l: l.nn.Sequential(l.nn.Linear(4, 5), l.nn.Tanh(), l.nn.Linear(5, 2)), (3, 4)),
}


def _first(lib, rnn):
    class First(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = rnn

        def forward(self, x):
            return self.rnn(x)[0]
    return First()


def _penalty_gradients(lib, make, shape):
    rng = np.random.default_rng(0)
    model = make(lib).double()
    params = list(model.parameters())
    with lib.no_grad():
        for p in params:
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape))))
    x = lib.tensor(rng.standard_normal(shape), requires_grad=True)
    loss = (model(x) ** 2).sum()
    grads = lib.autograd.grad(loss, [x] + params, create_graph=True)
    sum((g ** 2).sum() for g in grads).backward()
    return [x.grad.numpy()] + [p.grad.numpy() for p in params]


@pytest.mark.parametrize("name", list(LAYERS))
def test_double_backward_matches_torch(name):
    make, shape = LAYERS[name]
    want = _penalty_gradients(torch, make, shape)
    got = _penalty_gradients(torchlike, make, shape)
    assert len(got) == len(want)
    for i, (a, b) in enumerate(zip(want, got)):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7, err_msg=f"{name}: gradient {i}")
