"""Random sampling: reproducibility, generators and RNG state, shapes/dtypes, distribution statistics."""
import numpy as np
import pytest

import torchlike as torch

N = 100_000


def _np(t):
    return np.asarray(t.detach().double() if t.dtype.is_floating_point else t.detach())


DRAWS = {
    "rand": lambda g=None: torch.rand(2, 3, generator=g),
    "randn": lambda g=None: torch.randn(5, generator=g),
    "randint": lambda g=None: torch.randint(0, 100, (6,), generator=g),
    "randperm": lambda g=None: torch.randperm(8, generator=g),
    "normal": lambda g=None: torch.normal(torch.zeros(4), 2.0, generator=g),
    "bernoulli": lambda g=None: torch.bernoulli(torch.full((64,), 0.5), generator=g),
    "multinomial": lambda g=None: torch.multinomial(torch.ones(10), 5, generator=g),
    "poisson": lambda g=None: torch.poisson(torch.full((4,), 3.0), generator=g),
    "uniform_": lambda g=None: torch.empty(4).uniform_(generator=g),
    "exponential_": lambda g=None: torch.empty(4).exponential_(generator=g),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_manual_seed_reproduces_and_seeds_differ(name):
    draw = DRAWS[name]
    torch.manual_seed(123)
    a = _np(draw())
    a2 = _np(draw())
    torch.manual_seed(123)
    b = _np(draw())
    torch.manual_seed(124)
    c = _np(draw())
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, a2), "the stream must advance"
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_generator_is_independent_of_global_stream(name):
    draw = DRAWS[name]
    g = torch.Generator().manual_seed(7)
    a = _np(draw(g))
    torch.manual_seed(0)
    torch.rand(10)  # moving the global stream must not matter
    g.manual_seed(7)
    np.testing.assert_array_equal(_np(draw(g)), a)


def test_rng_state_round_trip():
    torch.manual_seed(5)
    state = torch.get_rng_state()
    assert state.dtype is torch.uint8 and state.ndim == 1
    a = torch.randn(10)
    torch.rand(3)
    torch.set_rng_state(state)
    np.testing.assert_array_equal(_np(torch.randn(10)), _np(a))
    g = torch.Generator()
    s = g.get_state()
    x = torch.rand(4, generator=g)
    g.set_state(s)
    np.testing.assert_array_equal(_np(torch.rand(4, generator=g)), _np(x))
    with pytest.raises(TypeError, match="ByteTensor"):
        torch.set_rng_state(torch.zeros(3))


def test_seeds():
    assert torch.Generator().initial_seed() == 67280421310721
    assert torch.manual_seed(42) is torch.default_generator
    assert torch.initial_seed() == 42 and torch.random.initial_seed() == 42
    s1, s2 = torch.seed(), torch.seed()
    assert isinstance(s1, int) and s1 != s2 and torch.initial_seed() == s2
    assert torch.manual_seed(-1).initial_seed() == 2 ** 64 - 1
    with pytest.raises(ValueError):
        torch.manual_seed(2 ** 64)


def test_fork_rng_restores_stream():
    torch.manual_seed(9)
    with torch.random.fork_rng():
        torch.rand(5)
    a = torch.rand(3)
    torch.manual_seed(9)
    np.testing.assert_array_equal(_np(torch.rand(3)), _np(a))


def test_shapes_dtypes_and_flags():
    assert torch.rand(2, 3).shape == (2, 3) and torch.rand((2, 3)).shape == (2, 3)
    assert torch.rand(size=(4,)).shape == (4,) and torch.randn(()).shape == ()
    for d in (torch.float16, torch.bfloat16, torch.float64, torch.complex64):
        assert torch.rand(3, dtype=d).dtype is d and torch.randn(3, dtype=d).dtype is d
    assert torch.randint(5, (3,)).dtype is torch.int64
    assert torch.randint(0, 5, (3,), dtype=torch.int8).dtype is torch.int8
    assert torch.randperm(4).dtype is torch.int64
    r = torch.rand(3, requires_grad=True)
    assert r.requires_grad and r.is_leaf
    assert torch.rand_like(torch.zeros(2, 2, dtype=torch.float64)).dtype is torch.float64
    assert torch.randint_like(torch.zeros(3, dtype=torch.int32), 4).dtype is torch.int32
    assert torch.rand(2, device="cpu").device.type == "cpu"
    assert torch.multinomial(torch.ones(2, 5), 3).shape == (2, 3)
    with pytest.raises(RuntimeError, match="floating point"):
        torch.randint(5, (2,), requires_grad=True)


def test_uniform_and_normal_statistics():
    torch.manual_seed(0)
    u = _np(torch.rand(N))
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    z = _np(torch.randn(N))
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02
    c = np.asarray(torch.randn(N, dtype=torch.complex64))
    assert abs(np.mean(np.abs(c) ** 2) - 1) < 0.03  # complex normal: unit total variance
    n = _np(torch.normal(3.0, 2.0, (N,)))
    assert abs(n.mean() - 3) < 0.05 and abs(n.std() - 2) < 0.05
    m = _np(torch.normal(torch.full((N,), -1.0), torch.full((N,), 0.5)))
    assert abs(m.mean() + 1) < 0.02 and abs(m.std() - 0.5) < 0.02
    v = _np(torch.empty(N).uniform_(-3, 5))
    assert v.min() >= -3 and v.max() < 5 and abs(v.mean() - 1) < 0.05


def test_integer_draws():
    torch.manual_seed(1)
    r = _np(torch.randint(3, 10, (N,)))
    assert r.min() == 3 and r.max() == 9 and abs(r.mean() - 6) < 0.05
    p = _np(torch.randperm(1000))
    assert sorted(p.tolist()) == list(range(1000))
    x = _np(torch.empty(N, dtype=torch.int64).random_(-4, 4))
    assert x.min() == -4 and x.max() == 3
    b = _np(torch.zeros(1000, dtype=torch.bool).random_())
    assert set(b.tolist()) == {0, 1}
    f = _np(torch.empty(1000).random_())
    assert (f == np.round(f)).all() and f.min() >= 0 and f.max() <= 2 ** 24


def test_multinomial_frequencies():
    torch.manual_seed(2)
    probs = torch.tensor([0.1, 0.2, 0.3, 0.4])
    s = _np(torch.multinomial(probs, N, replacement=True))
    freq = np.bincount(s, minlength=4) / N
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.3, 0.4], atol=0.01)
    rows = _np(torch.multinomial(torch.ones(200, 6), 6))
    assert all(sorted(r) == list(range(6)) for r in rows.tolist())
    first = _np(torch.multinomial(torch.tensor([[1.0, 9.0]] * (N // 10)), 1))
    assert abs(first.mean() - 0.9) < 0.02
    assert _np(torch.multinomial(torch.tensor([0.0, 1.0, 0.0]), 2))[0] == 1
    with pytest.raises(RuntimeError, match="without replacement"):
        torch.multinomial(torch.tensor([1.0, 2.0]), 3)


def test_other_distributions():
    torch.manual_seed(3)
    assert abs(_np(torch.bernoulli(torch.full((N,), 0.3))).mean() - 0.3) < 0.01
    assert abs(_np(torch.bernoulli(torch.zeros(N), p=0.7)).mean() - 0.7) < 0.01
    assert abs(_np(torch.empty(N).bernoulli_(0.2)).mean() - 0.2) < 0.01
    assert abs(_np(torch.poisson(torch.full((N,), 4.0))).mean() - 4) < 0.05
    assert abs(_np(torch.empty(N).exponential_(2.0)).mean() - 0.5) < 0.01
    g = _np(torch.empty(N).geometric_(0.25))
    assert g.min() >= 1 and (g == np.round(g)).all() and abs(g.mean() - 4) < 0.1
    ln = _np(torch.empty(N).log_normal_(0.5, 0.25))
    assert abs(np.log(ln).mean() - 0.5) < 0.01 and abs(np.log(ln).std() - 0.25) < 0.01
    assert abs(np.median(_np(torch.empty(N).cauchy_(1.0, 0.5))) - 1.0) < 0.02


def test_inplace_autograd_rules():
    leaf = torch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        leaf.uniform_()
    with torch.no_grad():
        leaf.uniform_()  # allowed without grad recording, as in nn.init
    assert leaf.is_leaf and leaf.requires_grad
    x = leaf * 2
    x.normal_()
    assert x.grad_fn.name() == "NormalBackward0"
    x.sum().backward()
    np.testing.assert_array_equal(np.asarray(leaf.grad), np.zeros(3))
    mean = torch.ones(3, requires_grad=True)
    y = torch.normal(mean, 1.0)
    assert y.grad_fn.name() == "NormalBackward1"
    y.sum().backward()
    np.testing.assert_array_equal(np.asarray(mean.grad), np.zeros(3))


def test_fill_and_zero():
    x = torch.zeros(2, 3)
    assert x.fill_(2.5) is x and np.asarray(x).tolist() == [[2.5] * 3] * 2
    x[0].zero_()
    assert np.asarray(x).tolist() == [[0.0] * 3, [2.5] * 3]
    i = torch.zeros(3, dtype=torch.int64).fill_(2.7)
    assert np.asarray(i).tolist() == [2, 2, 2]
    v = torch.tensor(1.5, requires_grad=True)
    y = torch.zeros(4).fill_(v)
    assert y.grad_fn.name() == "FillBackward3"
    y.sum().backward()
    assert v.grad.item() == 4.0
    with pytest.raises(RuntimeError, match="0-dimension"):
        torch.zeros(3).fill_(torch.ones(3))


def test_compiled_step_draws_fresh_numbers():
    x = torch.ones(4)
    step = torch.compile(lambda x: x * torch.rand(4))
    outs = [np.asarray(step(x)) for _ in range(3)]
    assert not np.array_equal(outs[1], outs[2])
    torch.manual_seed(11)
    a = np.asarray(step(x))
    torch.manual_seed(11)
    np.testing.assert_array_equal(np.asarray(step(x)), a)
