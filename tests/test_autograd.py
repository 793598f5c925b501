"""Autograd known answers: deep graphs, accumulation, higher order, functional API."""
import numpy as np

import torchlike as torch


def test_deep_graph_100k_nodes_backpropagates():
    x = torch.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1e-6
    y.sum().backward()
    assert x.grad.tolist() == [1.0]


def test_grad_accumulates_and_zeroes():
    x = torch.tensor([3.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    assert x.grad.tolist() == [12.0]
    x.grad = None
    (x * 4).sum().backward()
    assert x.grad.tolist() == [4.0]


def test_second_derivative_of_cube():
    x = torch.tensor([2.0], requires_grad=True)
    (g,) = torch.autograd.grad((x * x * x).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)
    assert g.tolist() == [12.0] and gg.tolist() == [12.0]


def test_functional_jacobian_hessian_vjp_jvp():
    from torchlike.autograd.functional import hessian, jacobian, jvp, vjp
    x = torch.tensor([1.0, 2.0])
    jac = jacobian(lambda v: v * v, x)
    np.testing.assert_allclose(jac.numpy(), np.diag([2.0, 4.0]))
    h = hessian(lambda v: (v * v * v).sum(), x)
    np.testing.assert_allclose(h.numpy(), np.diag([6.0, 12.0]))
    out, g = vjp(lambda v: (v * v).sum(), x)
    assert out.item() == 5.0 and g.tolist() == [2.0, 4.0]
    out, t = jvp(lambda v: v * 3, x, torch.tensor([1.0, 0.0]))
    assert t.tolist() == [3.0, 0.0]


def test_freed_graph_raises():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    try:
        y.backward()
    except RuntimeError as e:
        assert "backward through the graph a second time" in str(e)
    else:
        raise AssertionError("second backward through a freed graph did not raise")
