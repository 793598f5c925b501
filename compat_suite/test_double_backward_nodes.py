"""The nodes of first-order gradients taken with create_graph=True, against PyTorch: whether each
gradient requires grad (grad of x * c is grad * c, with no graph when c is a constant) and the name
of its grad_fn (a dedicated backward kernel is TanhBackwardBackward0; a formula is named after its
last op, exp's grad * result MulBackward0)."""
import pytest

from .harness import torch, torchlike


def _x(t):
    g = t.Generator().manual_seed(0)
    return (t.rand(2, 3, 4, 4, generator=g, dtype=t.float64) - 0.5).requires_grad_()


def _a(t):
    return t.arange(1.0, 10.0, dtype=t.float64).reshape(3, 3).requires_grad_()


CASES = {  # name: lib -> (output, inputs to differentiate)
    "mul_self": lambda t, F: (lambda x: (x * x, [x]))(_x(t)),
    "mul_constant": lambda t, F: (lambda x: (x * x.detach(), [x]))(_x(t)),
    "add_constant": lambda t, F: (lambda x: (x + 1.5, [x]))(_x(t)),
    "div_constant": lambda t, F: (lambda x: (x / (x.detach() + 3), [x]))(_x(t)),
    "relu": lambda t, F: (lambda x: (F.relu(x), [x]))(_x(t)),
    "leaky_relu": lambda t, F: (lambda x: (F.leaky_relu(x), [x]))(_x(t)),
    "hardtanh": lambda t, F: (lambda x: (F.hardtanh(x), [x]))(_x(t)),
    "clamp": lambda t, F: (lambda x: (x.clamp(-0.2, 0.2), [x]))(_x(t)),
    "abs": lambda t, F: (lambda x: (x.abs(), [x]))(_x(t)),
    "tanh": lambda t, F: (lambda x: (x.tanh(), [x]))(_x(t)),
    "sigmoid": lambda t, F: (lambda x: (x.sigmoid(), [x]))(_x(t)),
    "exp": lambda t, F: (lambda x: (x.exp(), [x]))(_x(t)),
    "log": lambda t, F: (lambda x: ((x.abs() + 1).log(), [x]))(_x(t)),
    "sin": lambda t, F: (lambda x: (x.sin(), [x]))(_x(t)),
    "pow3": lambda t, F: (lambda x: (x ** 3, [x]))(_x(t)),
    "gelu": lambda t, F: (lambda x: (F.gelu(x), [x]))(_x(t)),
    "elu": lambda t, F: (lambda x: (F.elu(x), [x]))(_x(t)),
    "silu": lambda t, F: (lambda x: (F.silu(x), [x]))(_x(t)),
    "softplus": lambda t, F: (lambda x: (F.softplus(x), [x]))(_x(t)),
    "softmax": lambda t, F: (lambda x: (F.softmax(x, 1), [x]))(_x(t)),
    "log_softmax": lambda t, F: (lambda x: (F.log_softmax(x, 1), [x]))(_x(t)),
    "mse_loss": lambda t, F: (lambda x: (F.mse_loss(x, x.detach() * 0.5), [x]))(_x(t)),
    "max_pool2d": lambda t, F: (lambda x: (F.max_pool2d(x, 2), [x]))(_x(t)),
    "max_pool1d": lambda t, F: (lambda x: (F.max_pool1d(x.flatten(2), 2), [x]))(_x(t)),
    "avg_pool2d": lambda t, F: (lambda x: (F.avg_pool2d(x, 2), [x]))(_x(t)),
    "layer_norm": lambda t, F: (lambda x: (F.layer_norm(x, (4,)), [x]))(_x(t)),
    "batch_norm": lambda t, F: (lambda x: (F.batch_norm(x, None, None, training=True), [x]))(_x(t)),
    "conv2d": lambda t, F: (lambda x, w: (F.conv2d(x, w), [x, w]))(
        _x(t), t.ones(2, 3, 3, 3, dtype=t.float64).requires_grad_()),
    "conv2d_constant_weight": lambda t, F: (lambda x: (F.conv2d(x, t.ones(2, 3, 3, 3, dtype=t.float64)), [x]))(_x(t)),
    "mm_self": lambda t, F: (lambda a: (a @ a, [a]))(_a(t)),
    "mm_constant": lambda t, F: (lambda a: (a @ a.detach(), [a]))(_a(t)),
    "linear_constant_weight": lambda t, F: (lambda x: (F.linear(x, t.ones(2, 4, dtype=t.float64)), [x]))(_x(t)),
    "sum_squared": lambda t, F: (lambda x: (x.sum() * x.sum(), [x]))(_x(t)),
    "where": lambda t, F: (lambda x: (t.where(x > 0, x, 2 * x), [x]))(_x(t)),
    "amax": lambda t, F: (lambda x: (x.amax(1), [x]))(_x(t)),
    "sort": lambda t, F: (lambda x: (x.flatten().sort()[0], [x]))(_x(t)),
}


def _nodes(t, name):
    out, ins = CASES[name](t, t.nn.functional)
    grads = t.autograd.grad(out.sum(), ins, create_graph=True)
    return [(g.requires_grad, g.grad_fn.name() if g.grad_fn is not None else None) for g in grads]


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_node_as_torch(name):
    assert _nodes(torchlike, name) == _nodes(torch, name)


def test_differentiating_a_constant_gradient_raises_as_torch():
    # grad of x + 1.5 is a constant: differentiating it again is PyTorch's "does not require grad" error
    for t in (torch, torchlike):
        x = t.ones(3, dtype=t.float64, requires_grad=True)
        (g,) = t.autograd.grad((x + 1.5).sum(), x, create_graph=True)
        with pytest.raises(RuntimeError, match="does not require grad"):
            t.autograd.grad(g.sum(), x)


@pytest.mark.parametrize("fn,error", [("cdist", NotImplementedError), ("pdist", NotImplementedError),
                                      ("hardsigmoid", RuntimeError)])
def test_backward_without_derivative_raises_as_torch(fn, error):
    messages = []
    for t in (torch, torchlike):
        x = _a(t)
        F = t.nn.functional
        out = {"cdist": lambda: t.cdist(x, x.detach() + 1), "pdist": lambda: F.pdist(x),
               "hardsigmoid": lambda: F.hardsigmoid(x)}[fn]()
        (g,) = t.autograd.grad(out.sum(), x, create_graph=True)
        with pytest.raises(error) as e:
            t.autograd.grad(g.sum(), x)
        messages.append(str(e.value))
    assert messages[0] == messages[1]
