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


def test_double_backward_through_ops_with_rank_dependent_names():
    # matmul's node name depends on its inputs' ranks (MmBackward0, MvBackward0, ...); the
    # double-backward node is named from the forward's arrays, as PyTorch names it.
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([[5.0, 6.0], [7.0, 8.0]], dtype=torch.float64, requires_grad=True)

    def grad_a(b_):
        (g,) = torch.autograd.grad((torch.matmul(a, b_) ** 2).sum(), a, create_graph=True)
        return g

    ga = grad_a(b)
    (gb,) = torch.autograd.grad(ga.sum(), b)
    assert ga.grad_fn.name() == "MmBackward0"  # PyTorch: the backward formula g @ b.T
    eps = 1e-6  # central difference of sum(grad_a) in b[0, 0]
    bp, bm = b.detach().clone(), b.detach().clone()
    bp[0, 0] += eps
    bm[0, 0] -= eps
    fd = (grad_a(bp).sum() - grad_a(bm).sum()).item() / (2 * eps)
    assert abs(fd - gb[0, 0].item()) < 1e-5


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
