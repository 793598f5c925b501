"""meshgrid, splits, distances, cov, trapezoid, renorm, scatters and *_copy ops against real PyTorch."""
import numpy as np
import pytest

import torchlike

torch = pytest.importorskip("torch")


def _pair(a, requires_grad=False):
    a = np.asarray(a)
    return (torch.tensor(a, requires_grad=requires_grad),
            torchlike.tensor(a, requires_grad=requires_grad))


def _close(t, l, tol=1e-6):
    np.testing.assert_allclose(np.asarray(l.detach().tolist()), t.detach().numpy(), rtol=tol, atol=tol)


def _grads(fn_t, fn_l, *arrays):
    """Values and gradients of sum(fn(*inputs) * w) for a fixed weight w, in both libraries."""
    ts, ls = zip(*(_pair(a, True) for a in arrays))
    out_t, out_l = fn_t(*ts), fn_l(*ls)
    _close(out_t, out_l)
    w = np.linspace(0.5, 1.5, out_t.numel()).reshape(tuple(out_t.shape))
    (out_t * torch.tensor(w, dtype=out_t.dtype)).sum().backward()
    (out_l * torchlike.tensor(w, dtype=out_l.dtype)).sum().backward()
    for t, l in zip(ts, ls):
        _close(t.grad, l.grad)


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_values_and_views(indexing):
    a, b, c = torchlike.arange(2), torchlike.arange(3), torchlike.arange(4)
    ta, tb, tc = torch.arange(2), torch.arange(3), torch.arange(4)
    for l, t in zip(torchlike.meshgrid(a, b, c, indexing=indexing), torch.meshgrid(ta, tb, tc, indexing=indexing)):
        assert l.tolist() == t.tolist()
        assert l._base is not None
    assert torchlike.cartesian_prod(a, b).tolist() == torch.cartesian_prod(ta, tb).tolist()
    assert torchlike.combinations(c, 3).tolist() == torch.combinations(tc, 3).tolist()
    assert torchlike.combinations(b, 2, True).tolist() == torch.combinations(tb, 2, True).tolist()


def test_directional_splits_are_views():
    x = torchlike.arange(24.0).reshape(2, 3, 4)
    parts = x.dsplit([1, 3])
    assert [tuple(p.shape) for p in parts] == [(2, 3, 1), (2, 3, 2), (2, 3, 1)]
    parts[1].fill_(-1.0)
    assert x[0, 0].tolist() == [0.0, -1.0, -1.0, 3.0]
    assert [tuple(p.shape) for p in torchlike.hsplit(x, 3)] == [(2, 1, 4)] * 3
    assert [tuple(p.shape) for p in x.vsplit(2)] == [(1, 3, 4)] * 2
    with pytest.raises(RuntimeError, match="not divisible by the split_size 3"):
        torchlike.hsplit(torchlike.ones(2, 4), 3)
    a, b = torchlike.split_with_sizes(x, [1, 1])
    assert a._base is x._base and b.tolist() == x[1:].tolist()


def test_atleast_and_block_diag():
    s = torchlike.tensor(3.0)
    assert tuple(torchlike.atleast_3d(s).shape) == (1, 1, 1)
    assert tuple(torchlike.atleast_3d(torchlike.ones(2, 5)).shape) == (2, 5, 1)
    assert tuple(torchlike.atleast_3d(torchlike.ones(5)).shape) == (1, 5, 1)
    assert [tuple(t.shape) for t in torchlike.atleast_2d(s, torchlike.ones(2))] == [(1, 1), (1, 2)]
    out = torchlike.block_diag(torchlike.tensor([[1, 2]]), torchlike.tensor(3.0))
    assert out.dtype is torchlike.float32 and out.tolist() == [[1, 2, 0], [0, 0, 3]]


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, float("inf")])
def test_cdist_gradient_at_zero_distance(p):
    x1 = np.array([[[0.0, 1.0, 2.0], [1.0, -1.0, 0.5]]])
    x2 = np.array([[[0.0, 1.0, 2.0], [0.0, 2.0, 2.0], [3.0, -1.0, 0.5]]])  # row 0 equals x1's row 0
    _grads(lambda a, b: torch.cdist(a, b, p), lambda a, b: torchlike.cdist(a, b, p), x1, x2)


def test_dist_and_renorm_gradients():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    for p in (1, 2, 3.5, float("inf")):
        _grads(lambda x, y: torch.dist(x, y, p), lambda x, y: torchlike.dist(x, y, p), a, b)
    _grads(lambda x, y: torch.dist(x, y), lambda x, y: torchlike.dist(x, y), a, a.copy())
    for p, dim, maxnorm in ((2, 0, 1.0), (1, 1, 2.0), (float("inf"), -1, 0.5)):
        _grads(lambda x: torch.renorm(x, p, dim, maxnorm), lambda x: torchlike.renorm(x, p, dim, maxnorm), a)
    x = torchlike.tensor(a)
    assert x.renorm_(2, 0, 1.0) is x


def test_cov_corrcoef_with_weights():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 5))
    fw = np.array([1, 2, 0, 3, 1])
    aw = rng.uniform(0.5, 2.0, 5)
    for corr in (0, 1, 2):
        def tf(a, w, corr=corr):
            return torch.cov(a, correction=corr, fweights=torch.tensor(fw), aweights=w)

        def lf(a, w, corr=corr):
            return torchlike.cov(a, correction=corr, fweights=torchlike.tensor(fw), aweights=w)
        _grads(tf, lf, x, aw)
    _grads(torch.corrcoef, torchlike.corrcoef, x)
    _close(torch.cov(torch.tensor([1, 4, 2])), torchlike.cov(torchlike.tensor([1, 4, 2])))
    with pytest.raises(RuntimeError, match="fweights cannot be negative"):
        torchlike.cov(torchlike.tensor(x), fweights=torchlike.tensor([1, -1, 0, 3, 1]))


def test_trapezoid_family():
    rng = np.random.default_rng(2)
    y, xs = rng.standard_normal((3, 4)), np.cumsum(rng.uniform(0.1, 1.0, 4))
    for name in ("trapezoid", "trapz", "cumulative_trapezoid"):
        tf, lf = getattr(torch, name), getattr(torchlike, name)
        _grads(lambda a: tf(a, torch.tensor(xs)), lambda a: lf(a, torchlike.tensor(xs)), y)
        _grads(lambda a: tf(a, dx=0.5, dim=0), lambda a: lf(a, dx=0.5, dim=0), y)
    assert torchlike.trapezoid(torchlike.tensor([1, 2, 4])).dtype is torchlike.float32


def test_sum_to_size_fill_and_scatters():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 3, 4))
    _grads(lambda x: x.sum_to_size(3, 1), lambda x: x.sum_to_size(3, 1), a)
    assert torchlike.ones(2, dtype=torchlike.bool).sum_to_size(()).dtype is torchlike.int64
    _grads(lambda x, v: torch.fill(x, v), lambda x, v: torchlike.fill(x, v), a, np.array(2.5))
    src = rng.standard_normal((2, 4))
    _grads(lambda x, s: torch.select_scatter(x, s, 1, -1), lambda x, s: torchlike.select_scatter(x, s, 1, -1),
           a, src)
    _grads(lambda x, s: torch.slice_scatter(x, s, 1, 0, 3, 2), lambda x, s: torchlike.slice_scatter(x, s, 1, 0, 3, 2),
           a, rng.standard_normal((2, 2, 4)))
    _grads(lambda x, s: torch.diagonal_scatter(x, s, 1, 1, 2),
           lambda x, s: torchlike.diagonal_scatter(x, s, 1, 1, 2), a, rng.standard_normal((2, 3)))


def test_copy_ops_do_not_alias():
    x = torchlike.arange(6.0).reshape(2, 3)
    outs = [torchlike.t_copy(x), torchlike.transpose_copy(x, 0, 1), torchlike.view_copy(x, (3, 2)),
            torchlike.expand_copy(x[:1], (4, 3)), torchlike.diagonal_copy(x), torchlike.narrow_copy(x, 1, 1, 2),
            *torchlike.unbind_copy(x), *torchlike.split_with_sizes_copy(x, [1, 2], 1), torchlike.alias_copy(x)]
    x.fill_(7.0)
    for o in outs:
        assert o._base is None and 7.0 not in o.flatten().tolist()
    assert torchlike.unsafe_chunk(torchlike.ones(5), 2)[1].tolist() == [1.0, 1.0]
