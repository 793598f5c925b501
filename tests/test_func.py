"""torchlike.func: known answers and identities (no PyTorch needed)."""
import collections

import jax
import numpy as np
import pytest

import torchlike as torch
from torchlike import _random
from torchlike.func import functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp, vmap

RNG = np.random.default_rng(0)


def _randn(*shape, dtype=np.float32):
    return torch.tensor(RNG.standard_normal(shape).astype(dtype))


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


# ----- grad family -----

def test_grad_of_square_sum_is_twice_input():
    x = _randn(3, 2, dtype=np.float64)
    g = grad(lambda x: (x * x).sum())(x)
    assert g.dtype is torch.float64 and g.shape == x.shape and not g.requires_grad
    _close(g, 2 * np.asarray(x))


def test_grad_argnums_and_structures_keep_order():
    x, y = _randn(3), _randn(3)
    gx, gy = grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x, y)
    _close(gx, y)
    _close(gy, x)
    g = grad(lambda p: (p["b"] * 3 + p["a"] ** 2).sum())({"b": x, "a": y})
    assert list(g) == ["b", "a"]  # the caller's order, not sorted
    _close(g["b"], np.full(3, 3.0))
    _close(g["a"], 2 * np.asarray(y))


def test_grad_namedtuple_input():
    P = collections.namedtuple("P", "w b")
    g = grad(lambda p, x: (p.w * x + p.b).sum())(P(torch.ones(3), torch.zeros(())), torch.arange(3.0))
    assert isinstance(g, P)
    _close(g.w, [0, 1, 2])
    _close(g.b, 3.0)


def test_grad_has_aux_and_grad_and_value():
    x = _randn(4)
    g, aux = grad(lambda x: ((x ** 2).sum(), {"mean": x.mean()}), has_aux=True)(x)
    _close(g, 2 * np.asarray(x))
    _close(aux["mean"], np.asarray(x).mean())
    g2, (value, aux2) = grad_and_value(lambda x: ((x ** 2).sum(), x * 0), has_aux=True)(x)
    _close(value, (np.asarray(x) ** 2).sum())
    _close(g2, g)
    assert aux2.shape == (4,)


def test_grad_of_grad_is_second_derivative():
    x = torch.tensor(1.5, dtype=torch.float64)
    d2 = grad(grad(lambda x: x ** 4))(x)
    _close(d2, 12 * 1.5 ** 2)


def test_grad_non_differentiated_arguments_pass_through():
    def f(x, n, *, scale):
        return (x * n * scale).sum()
    _close(grad(f)(torch.ones(2), 3, scale=torch.tensor(2.0)), [6.0, 6.0])


def test_detach_and_data_stop_the_gradient_inside_transforms():
    x = _randn(3)
    _close(grad(lambda x: (x * x.detach()).sum())(x), x)
    _close(grad(lambda x: (x * x.data).sum())(x), x)


def test_detach_outside_transforms_still_shares_storage():
    x = torch.zeros(3)
    grad(lambda a: a.sum())(torch.ones(2))  # the transform scope must restore Tensor.detach
    d = x.detach()
    d.add_(1)
    _close(x, [1, 1, 1])


def test_item_inside_grad_reads_the_value():
    x = torch.tensor([2.0, 3.0])
    _close(grad(lambda x: x.sum() * x[0].item())(x), [2.0, 2.0])


def test_grad_integer_output_gives_zeros():
    _close(grad(lambda x: x.sum().long())(torch.ones(3)), [0, 0, 0])


def test_grad_errors():
    with pytest.raises(RuntimeError, match="scalar Tensor"):
        grad(lambda x: x * 2)(torch.ones(3))
    with pytest.raises(RuntimeError, match="argnum=2"):
        grad(lambda x, y: x.sum(), argnums=2)(torch.ones(3), torch.ones(3))
    with pytest.raises(RuntimeError, match="floating point"):
        grad(lambda x: x.sum())(torch.arange(3))
    with pytest.raises(ValueError, match="must be Tensor"):
        grad(lambda x: x)(1.0)


# ----- vjp / jvp / jacobians -----

def _f(x):
    return torch.stack([x[0] * x[1], x.sin().sum(), (x * x).prod()])


def test_jacrev_and_jacfwd_agree_with_finite_differences():
    x = _randn(3, dtype=np.float64)
    jr, jf = jacrev(_f)(x), jacfwd(_f)(x)
    assert jr.shape == (3, 3) and jf.shape == (3, 3)
    eps, base = 1e-6, np.asarray(_f(x))
    fd = np.stack([(np.asarray(_f(x + torch.tensor(np.eye(3)[i] * eps))) - base) / eps for i in range(3)], 1)
    _close(jr, fd, tol=1e-4)
    _close(jf, jr, tol=1e-10)


def test_jacobian_shapes_with_tuple_argnums_and_outputs():
    a, b = _randn(2, 3), _randn(3)
    (ja, jb), (sa, sb) = jacrev(lambda a, b: (a @ b, (a * a).sum()), argnums=(0, 1))(a, b)
    assert ja.shape == (2, 2, 3) and jb.shape == (2, 3) and sa.shape == (2, 3) and sb.shape == (3,)
    _close(jb, a)
    _close(sa, 2 * np.asarray(a))


def test_vjp_and_jvp_satisfy_the_adjoint_identity():
    x, u, v = _randn(3, dtype=np.float64), _randn(3, dtype=np.float64), _randn(3, dtype=np.float64)
    out, pull = vjp(_f, x)
    (vj,) = pull(v)
    out2, ju = jvp(_f, (x,), (u,))
    _close(out, out2)
    _close((vj * u).sum(), (v * ju).sum(), tol=1e-10)
    out3, lin = linearize(_f, x)
    _close(out3, out)
    _close(lin(u), ju, tol=1e-10)


def test_vjp_fn_reusable_and_returns_a_tuple():
    out, pull = vjp(lambda a, b: a * b, torch.ones(2), torch.full((2,), 3.0))
    _close(out, [3, 3])
    for _ in range(2):
        ga, gb = pull(torch.ones(2))
        _close(ga, [3, 3])
        _close(gb, [1, 1])


def test_hessian_of_quadratic_form():
    A = _randn(3, 3, dtype=np.float64)
    x = _randn(3, dtype=np.float64)
    h = hessian(lambda x: x @ A @ x)(x)
    _close(h, np.asarray(A) + np.asarray(A).T, tol=1e-10)


# ----- vmap -----

def test_vmap_matches_a_loop():
    x, w = _randn(5, 3), _randn(3, 2)
    out = vmap(lambda r, w: (r @ w).tanh(), in_dims=(0, None))(x, w)
    _close(out, torch.stack([(x[i] @ w).tanh() for i in range(5)]))


def test_vmap_in_and_out_dims():
    x = torch.arange(12.0).reshape(3, 4)
    _close(vmap(lambda c: c * 1, in_dims=1, out_dims=1)(x), x)
    _close(vmap(lambda c: c.sum(), in_dims=1)(x), np.asarray(x).sum(0))
    out = vmap(lambda r: (r, r.sum()), out_dims=(1, 0))(x)
    _close(out[0], np.asarray(x).T)
    _close(out[1], np.asarray(x).sum(1))


def test_vmap_nested_is_an_outer_product():
    a, b = _randn(4), _randn(5)
    out = vmap(vmap(lambda u, v: u * v, in_dims=(None, 0)), in_dims=(0, None))(a, b)
    _close(out, np.outer(np.asarray(a), np.asarray(b)))


def test_vmap_chunk_size_gives_the_same_result():
    x = _randn(7, 3)
    _close(vmap(lambda r: r.softmax(0), chunk_size=3)(x), vmap(lambda r: r.softmax(0))(x))


def test_vmap_out_dims_none_passes_python_values():
    doubled, tag = vmap(lambda r: (r * 2, "tag"), out_dims=(0, None))(torch.ones(3))
    assert tag == "tag"
    _close(doubled, [2, 2, 2])


def test_vmap_randomness_modes():
    x = torch.zeros(4, 3)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        vmap(lambda r: r + torch.rand(3))(x)
    same = vmap(lambda r: r + torch.rand(3), randomness="same")(x)
    assert (same == same[0]).all()
    torch.manual_seed(1)
    diff = vmap(lambda r: r + torch.randn(3), randomness="different")(x)
    assert len({tuple(np.asarray(row).tolist()) for row in diff}) == 4
    torch.manual_seed(1)
    _close(vmap(lambda r: r + torch.randn(3), randomness="different")(x), diff)  # seeded: reproducible
    assert isinstance(_random.default_generator, _random.Generator)  # restored after the call


def test_vmap_errors():
    with pytest.raises(ValueError, match="same size in the mapped dimension"):
        vmap(lambda a, b: a + b)(torch.ones(2), torch.ones(3))
    with pytest.raises(ValueError, match="in_dims is not compatible"):
        vmap(lambda a, b: a + b, in_dims=(0,))(torch.ones(2), torch.ones(2))
    with pytest.raises(ValueError, match="in_dim=1"):
        vmap(lambda a: a, in_dims=1)(torch.ones(2))
    with pytest.raises(RuntimeError, match=r"\.item\(\)"):
        vmap(lambda a: a.item())(torch.ones(2))
    with pytest.raises(ValueError, match="out_dim is None"):
        vmap(lambda a: a, out_dims=None)(torch.ones(2))
    with pytest.raises(NotImplementedError, match="randomness='different'"):
        jacfwd(lambda a: a, randomness="different")


def test_vmap_of_grad_per_example():
    x = _randn(4, 3)
    _close(vmap(grad(lambda r: (r ** 3).sum()))(x), 3 * np.asarray(x) ** 2, tol=1e-5)


# ----- functional_call and per-sample gradients -----

def test_per_sample_gradients_equal_one_backward_per_sample():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    data, target = _randn(5, 3), torch.tensor([0, 1, 1, 0, 1])
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss(params, sample, target):
        out = functional_call(model, params, (sample.unsqueeze(0),))
        return torch.nn.functional.cross_entropy(out, target.unsqueeze(0))
    grads = vmap(grad(loss), in_dims=(None, 0, 0))(params, data, target)
    assert list(grads) == list(params)
    for i in range(5):
        model.zero_grad()
        torch.nn.functional.cross_entropy(model(data[i:i + 1]), target[i:i + 1]).backward()
        for name, p in model.named_parameters():
            _close(grads[name][i], p.grad)


def test_functional_call_swaps_buffers_and_restores_on_error():
    bn = torch.nn.BatchNorm1d(2).eval()
    x = torch.ones(3, 2)
    out = functional_call(bn, {"running_mean": torch.ones(2)}, x)
    _close(out, np.zeros((3, 2)), tol=1e-4)
    _close(bn.running_mean, [0, 0])
    lin = torch.nn.Linear(2, 2)
    before = np.asarray(lin.weight.detach())
    with pytest.raises(RuntimeError):
        functional_call(lin, {"weight": torch.ones(5, 5)}, x)
    assert isinstance(lin.weight, torch.nn.Parameter)
    _close(lin.weight.detach(), before)


def test_functional_call_extra_attribute_is_removed_afterwards():
    lin = torch.nn.Linear(2, 2)
    functional_call(lin, {"extra": torch.ones(1)}, torch.ones(2))
    assert not hasattr(lin, "extra")


def test_functional_call_tied_weights():
    a, b = torch.nn.Linear(2, 2, bias=False), torch.nn.Linear(2, 2, bias=False)
    b.weight = a.weight
    model = torch.nn.Sequential(a, b)
    x = torch.ones(1, 2)
    tied = functional_call(model, {"0.weight": torch.eye(2) * 2}, x)
    _close(tied, [[4, 4]])
    with pytest.raises(ValueError, match="which are tied"):
        functional_call(model, {"0.weight": torch.eye(2), "1.weight": torch.eye(2) * 2}, x)


def test_functional_call_strict_reports_missing_and_unexpected():
    with pytest.raises(RuntimeError, match=r"Unexpected key\(s\): 'foo'\.\n\tMissing key\(s\): 'bias'"):
        functional_call(torch.nn.Linear(2, 2), {"weight": torch.ones(2, 2), "foo": torch.ones(1)}, torch.ones(2),
                        strict=True)


def test_tensors_needing_the_tape_are_refused_not_silently_detached():
    lin = torch.nn.Linear(3, 2)
    x = _randn(4, 3)
    with pytest.raises(NotImplementedError, match="autograd tape"):
        vmap(lin)(x)
    with pytest.raises(NotImplementedError, match="autograd tape"):
        grad(lambda a: (a * a).sum())(torch.ones(2, requires_grad=True))
    with torch.no_grad():
        _close(vmap(lin)(x), lin(x).detach())
    _close(grad(lambda a: (a * a).sum())(torch.ones(2, requires_grad=True).detach()), [2, 2])


def test_inplace_writes_to_inputs():
    x = torch.zeros(4, 2)
    out = vmap(lambda r: r.add_(1) * 2, chunk_size=3)(x)
    _close(out, np.full((4, 2), 2.0))
    _close(x, np.ones((4, 2)))  # written through to the caller's tensor, as in PyTorch
    y = torch.zeros(2)
    with pytest.raises(RuntimeError, match="inplace arithmetic"):
        vmap(lambda r, y: y.mul_(r), in_dims=(0, None))(torch.ones(3), y)
    assert not isinstance(y.jax(), jax.core.Tracer)  # the batched write was undone
    _close(y, [0, 0])
    with pytest.raises(RuntimeError, match="leaf Variable"):
        grad(lambda r: r.mul_(2).sum())(torch.ones(2))
    p = torch.ones(2)
    _, tangent = jvp(lambda r: r.mul_(3), (p,), (torch.ones(2),))
    _close(tangent, [3, 3])
    _close(p, [3, 3])
