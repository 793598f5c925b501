"""torch.distributions against PyTorch: deterministic quantities (log_prob, cdf, icdf, entropy,
moments, KL) and their parameter gradients must agree; draws are checked by shape, dtype,
sample moments and the existence of reparameterization gradients (the random streams differ)."""
import math
import warnings

import numpy as np
import pytest
import torch as rt

import torchlike as tl

DTYPES = ["float32", "float64"]
TOL = {"float32": dict(rtol=2e-4, atol=2e-5), "float64": dict(rtol=1e-8, atol=1e-10)}


def _rng(seed=0):
    return np.random.default_rng(seed)


def _pos(r, *shape):
    return r.uniform(0.5, 2.5, shape)


def _simplex(r, *shape):
    p = r.uniform(0.1, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def _spd(r, n, batch=()):
    a = r.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


# name -> (constructor(lib, *params), params(rng), value(rng, params) in the support, methods). Shapes
# are shared across cases ((2, 3) mostly) so that compiled kernels are reused and the file stays fast.
CASES = {
    "Normal": (lambda D, loc, scale: D.Normal(loc, scale),
               lambda r: [r.normal(size=(2, 3)), _pos(r, 3)], lambda r, p: r.normal(size=(2, 3)),
               ("cdf", "icdf", "mode")),
    "LogNormal": (lambda D, loc, scale: D.LogNormal(loc, scale),
                  lambda r: [r.normal(size=(2, 3)), _pos(r, 2, 3)], lambda r, p: _pos(r, 2, 3), ("cdf", "icdf", "mode")),
    "Laplace": (lambda D, loc, scale: D.Laplace(loc, scale),
                lambda r: [r.normal(size=(2, 3)), _pos(r, 2, 3)], lambda r, p: r.normal(size=(2, 3)),
                ("cdf", "icdf", "mode")),
    "Uniform": (lambda D, lo, hi: D.Uniform(lo, hi),
                lambda r: [r.uniform(-2, 0, (2, 3)), r.uniform(0.5, 2, (2, 3))], lambda r, p: r.uniform(0, 0.4, (2, 3)),
                ("cdf", "icdf")),
    "Exponential": (lambda D, rate: D.Exponential(rate),
                    lambda r: [_pos(r, 2, 3)], lambda r, p: _pos(r, 2, 3), ("cdf", "icdf", "mode")),
    "Gamma": (lambda D, c, rate: D.Gamma(c, rate),
              lambda r: [_pos(r, 2, 3) + 0.5, _pos(r, 2, 3)], lambda r, p: _pos(r, 2, 3), ("mode",)),
    "Beta": (lambda D, a, b: D.Beta(a, b),
             lambda r: [_pos(r, 2, 3) + 0.5, _pos(r, 2, 3) + 0.5], lambda r, p: r.uniform(0.1, 0.9, (2, 3)), ("mode",)),
    "Dirichlet": (lambda D, c: D.Dirichlet(c),
                  lambda r: [_pos(r, 2, 3) + 0.5], lambda r, p: _simplex(r, 2, 3), ("mode",)),
    "Bernoulli_probs": (lambda D, p: D.Bernoulli(probs=p),
                        lambda r: [r.uniform(0.1, 0.9, (2, 3))], lambda r, p: r.integers(0, 2, (2, 3)) * 1.0, ()),
    "Bernoulli_logits": (lambda D, lg: D.Bernoulli(logits=lg),
                         lambda r: [r.normal(size=(2, 3))], lambda r, p: r.integers(0, 2, (2, 3)) * 1.0, ()),
    "Categorical_probs": (lambda D, p: D.Categorical(probs=p),
                          lambda r: [_simplex(r, 2, 3)], lambda r, p: r.integers(0, 3, (2, 2)), ("mode",)),
    "Categorical_logits": (lambda D, lg: D.Categorical(logits=lg),
                           lambda r: [r.normal(size=(2, 3))], lambda r, p: r.integers(0, 3, (2,)), ("mode",)),
    "OneHotCategorical": (lambda D, lg: D.OneHotCategorical(logits=lg),
                          lambda r: [r.normal(size=(2, 3))], lambda r, p: np.eye(3)[r.integers(0, 3, (2,))],
                          ("mode",)),
    "Poisson": (lambda D, rate: D.Poisson(rate),
                lambda r: [_pos(r, 2, 3)], lambda r, p: r.integers(0, 6, (2, 3)) * 1.0, ("mode",)),
    "MVN_cov": (lambda D, loc, cov: D.MultivariateNormal(loc, covariance_matrix=cov),
                lambda r: [r.normal(size=(2, 3)), _spd(r, 3)], lambda r, p: r.normal(size=(2, 3)), ("mode",)),
    "MVN_prec": (lambda D, loc, prec: D.MultivariateNormal(loc, precision_matrix=prec),
                 lambda r: [r.normal(size=3), _spd(r, 3, (2,))], lambda r, p: r.normal(size=(2, 3)), ()),
    "MVN_tril": (lambda D, loc, L: D.MultivariateNormal(loc, scale_tril=L),
                 lambda r: [r.normal(size=(2, 3)), np.linalg.cholesky(_spd(r, 3))], lambda r, p: r.normal(size=(2, 3)),
                 ()),
    "Independent": (lambda D, loc, scale: D.Independent(D.Normal(loc, scale), 1),
                    lambda r: [r.normal(size=(2, 3)), _pos(r, 2, 3)], lambda r, p: r.normal(size=(2, 3)), ("mode",)),
    "TanhNormal": (lambda D, loc, scale: D.TransformedDistribution(
                       D.Normal(loc, scale), [D.TanhTransform(), D.AffineTransform(1.0, 2.0)]),
                   lambda r: [r.normal(size=(2, 3)), _pos(r, 2, 3)], lambda r, p: r.uniform(-0.8, 2.8, (2, 3)),
                   ("cdf", "icdf")),
}
INTEGER_VALUES = {"Categorical_probs", "Categorical_logits"}
NO_ENTROPY = {"TanhNormal", "Poisson"}  # (PyTorch has no Poisson entropy)
NO_MOMENTS = {"TanhNormal"}


def _both(params, dtype, grad=True):
    r_params = [rt.tensor(p, dtype=getattr(rt, dtype), requires_grad=grad) for p in params]
    t_params = [tl.tensor(p, dtype=getattr(tl, dtype), requires_grad=grad) for p in params]
    return r_params, t_params


def _value(name, v, dtype):
    if name in INTEGER_VALUES:
        return rt.tensor(v), tl.tensor(v)
    return rt.tensor(v, dtype=getattr(rt, dtype)), tl.tensor(v, dtype=getattr(tl, dtype))


def _close(t, r, dtype, what):
    a, b = np.asarray(t.detach().numpy()), r.detach().numpy()
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs {b.shape}"
    assert str(t.dtype) == str(r.dtype), f"{what}: dtype {t.dtype} vs {r.dtype}"
    np.testing.assert_allclose(a, b, equal_nan=True, err_msg=what, **TOL[dtype])


def _quantities(name, d, value, D):
    out = {"log_prob": d.log_prob(value)}
    methods = CASES[name][3]
    if name not in NO_ENTROPY:
        out["entropy"] = d.entropy()
    if name not in NO_MOMENTS:
        out["mean"], out["variance"], out["stddev"] = d.mean, d.variance, d.stddev
    if "mode" in methods:
        out["mode"] = d.mode
    if "cdf" in methods:
        out["cdf"] = d.cdf(value)
    if "icdf" in methods:
        q = d.cdf(value).detach()
        out["icdf"] = d.icdf(q)
    return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients(name, dtype):
    make, params, value, _ = CASES[name]
    r = _rng(hash(name) % 1000)
    p = params(r)
    v = value(r, p)
    rp, tp = _both(p, dtype)
    rv, tv = _value(name, v, dtype)
    rd, td = make(rt.distributions, *rp), make(tl.distributions, *tp)
    assert tuple(td.batch_shape) == tuple(rd.batch_shape) and tuple(td.event_shape) == tuple(rd.event_shape)
    assert td.has_rsample == rd.has_rsample and td.has_enumerate_support == rd.has_enumerate_support
    assert repr(td.support) == repr(rd.support)
    rq, tq = _quantities(name, rd, rv, rt), _quantities(name, td, tv, tl)
    assert set(rq) == set(tq)
    for k in rq:
        _close(tq[k], rq[k], dtype, f"{name}.{k}")
    _check_gradients(name, rq, tq, rp, tp, dtype)


def _check_gradients(name, rq, tq, rp, tp, dtype):
    """The gradients of a combination of every differentiable quantity (nan and inf entries counted
    as 0), with respect to each parameter that requires one, agree."""
    keys = [k for k in rq if rq[k].requires_grad and k != "mode"]
    if not keys:
        return
    rl = sum(rq[k].nan_to_num(0, 0, 0).sum() * (i + 1) for i, k in enumerate(keys))
    tlo = sum(tq[k].nan_to_num(0, 0, 0).sum() * (i + 1) for i, k in enumerate(keys))
    rg = rt.autograd.grad(rl, [p for p in rp if p.requires_grad], allow_unused=True)
    tg = tl.autograd.grad(tlo, [p for p in tp if p.requires_grad], allow_unused=True)
    for i, (a, b) in enumerate(zip(tg, rg)):
        assert (a is None) == (b is None), f"{name} grad {i}"
        if a is not None:
            _close(a, b, dtype, f"{name} grad of param {i}")


def test_repr_and_shapes():
    r, t = rt.distributions, tl.distributions
    cases = [lambda D, m: D.Normal(m.zeros(2), 1.0), lambda D, m: D.Normal(0.0, 1.0),
             lambda D, m: D.Bernoulli(probs=m.tensor([0.2, 0.4])), lambda D, m: D.Bernoulli(logits=0.3),
             lambda D, m: D.Categorical(logits=m.zeros(3, 4)), lambda D, m: D.Independent(D.Normal(m.zeros(2), 1.0), 1),
             lambda D, m: D.MultivariateNormal(m.zeros(2), m.eye(2)), lambda D, m: D.Uniform(0.0, m.ones(3)),
             lambda D, m: D.Beta(2.0, 3.0), lambda D, m: D.Dirichlet(m.ones(3)), lambda D, m: D.Gamma(2.0, 1.0)]
    for make in cases:
        rd, td = make(r, rt), make(t, tl)
        assert repr(td) == repr(rd)
        ex_r, ex_t = rd.expand((4,) + tuple(rd.batch_shape)), td.expand((4,) + tuple(td.batch_shape))
        assert tuple(ex_t.batch_shape) == tuple(ex_r.batch_shape) and type(ex_t).__name__ == type(ex_r).__name__
        for d, r_d, shape in [(td, rd, ()), (ex_t, ex_r, (2, 3))]:
            s, r_s = d.sample(shape), r_d.sample(shape)
            assert tuple(s.shape) == tuple(r_s.shape) and str(s.dtype) == str(r_s.dtype)
    # Bernoulli's repr shows logits once they have been computed from probs
    rd, td = r.Bernoulli(probs=rt.tensor([0.3])), t.Bernoulli(probs=tl.tensor([0.3]))
    rd.logits, td.logits
    assert repr(td) == repr(rd)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sample_statistics_and_rsample_gradients(dtype):
    tl.manual_seed(1)
    dt = getattr(tl, dtype)
    n = 8000
    cases = [
        (tl.distributions.Normal(tl.tensor([0.5, -1.0], dtype=dt), tl.tensor([1.0, 2.0], dtype=dt)), True),
        (tl.distributions.Uniform(tl.tensor([0.0], dtype=dt), tl.tensor([3.0], dtype=dt)), True),
        (tl.distributions.Laplace(tl.tensor([1.0], dtype=dt), tl.tensor([0.5], dtype=dt)), True),
        (tl.distributions.Exponential(tl.tensor([2.0], dtype=dt)), True),
        (tl.distributions.Gamma(tl.tensor([0.7, 3.0], dtype=dt), tl.tensor([2.0, 1.0], dtype=dt)), True),
        (tl.distributions.Beta(tl.tensor([2.0], dtype=dt), tl.tensor([5.0], dtype=dt)), True),
        (tl.distributions.Dirichlet(tl.tensor([1.0, 2.0, 3.0], dtype=dt)), True),
        (tl.distributions.LogNormal(tl.tensor([0.0], dtype=dt), tl.tensor([0.5], dtype=dt)), True),
        (tl.distributions.MultivariateNormal(tl.tensor([1.0, -1.0], dtype=dt),
                                             tl.tensor([[2.0, 0.5], [0.5, 1.0]], dtype=dt)), True),
        (tl.distributions.Bernoulli(probs=tl.tensor([0.2, 0.7], dtype=dt)), False),
        (tl.distributions.Categorical(probs=tl.tensor([0.1, 0.2, 0.7], dtype=dt)), False),
        (tl.distributions.OneHotCategorical(probs=tl.tensor([0.1, 0.2, 0.7], dtype=dt)), False),
        (tl.distributions.Poisson(tl.tensor([0.5, 4.0], dtype=dt)), False),
    ]
    if dtype == "float32":  # the full list runs in float64; float32 checks the samplers' dtype paths
        cases = [c for c in cases if type(c[0]).__name__ in ("Normal", "Categorical", "Bernoulli")]
    for d, reparam in cases:
        s = d.rsample((n,)) if reparam else d.sample((n,))
        name = type(d).__name__
        assert tuple(s.shape) == (n,) + tuple(d.batch_shape) + tuple(d.event_shape), name
        assert s.dtype == (tl.int64 if name == "Categorical" else dt), name
        x = s.double().numpy()
        if name == "Categorical":
            np.testing.assert_allclose(np.bincount(x.astype(int), minlength=3) / n, [0.1, 0.2, 0.7], atol=0.02)
            continue
        mean, var = d.mean.double().numpy(), d.variance.double().numpy()
        se = np.sqrt(var / n)
        assert np.all(np.abs(x.mean(0) - mean) < 6 * se + 1e-6), (name, x.mean(0), mean)
        np.testing.assert_allclose(x.var(0), var, rtol=0.15, err_msg=name)
        assert bool(d.support.check(s).all()), name
    if dtype == "float32":
        return
    # reparameterized draws carry gradients to the parameters (d E[x] / d theta = d mean / d theta)
    conc = tl.tensor([1.5, 4.0], dtype=dt, requires_grad=True)
    rate = tl.tensor([2.0, 0.5], dtype=dt, requires_grad=True)
    tl.distributions.Gamma(conc, rate).rsample((n,)).mean(0).sum().backward()
    np.testing.assert_allclose(conc.grad.numpy(), 1 / rate.detach().numpy(), rtol=0.08)
    np.testing.assert_allclose(rate.grad.numpy(), -conc.detach().numpy() / rate.detach().numpy() ** 2, rtol=0.08)
    # at fixed draws the gradient is PyTorch's implicit-reparameterization gradient
    alpha = tl.tensor([0.3, 1.0, 2.5, 10.0], dtype=dt, requires_grad=True)
    x = tl.distributions.Gamma(alpha, 1.0).rsample((100,))  # (400 draws: the gamma block compiled above)
    (g,) = tl.autograd.grad(x.sum(), alpha)
    want = rt._standard_gamma_grad(rt.tensor(alpha.detach().numpy()).expand(100, 4), rt.tensor(x.detach().numpy()))
    np.testing.assert_allclose(g.numpy(), want.sum(0).numpy(), rtol=1e-3)
    a = tl.tensor([2.0], dtype=dt, requires_grad=True)
    b = tl.tensor([3.0], dtype=dt, requires_grad=True)
    tl.distributions.Beta(a, b).rsample((n,)).mean().backward()
    np.testing.assert_allclose([a.grad.item(), b.grad.item()], [3 / 25, -2 / 25], rtol=0.1)
    loc = tl.tensor([0.3], dtype=dt, requires_grad=True)
    scale = tl.tensor([2.0], dtype=dt, requires_grad=True)
    tl.distributions.Normal(loc, scale).rsample((n,)).pow(2).mean().backward()  # E[x^2] = loc^2 + scale^2
    np.testing.assert_allclose([loc.grad.item(), scale.grad.item()], [0.6, 4.0], rtol=0.1, atol=0.05)


def test_seed_reproducible_and_sample_carries_no_grad():
    loc = tl.tensor([0.0, 1.0], requires_grad=True)
    d = tl.distributions.Normal(loc, 1.0)
    tl.manual_seed(7)
    a = d.rsample((3,))
    tl.manual_seed(7)
    b = d.rsample((3,))
    assert a.requires_grad and tl.equal(a.detach(), b.detach())
    assert not d.sample((3,)).requires_grad


KL_PAIRS = [
    ("Normal", "Normal"), ("Bernoulli_probs", "Bernoulli_logits"), ("Categorical_probs", "Categorical_logits"),
    ("Beta", "Beta"), ("Gamma", "Gamma"), ("Dirichlet", "Dirichlet"), ("Exponential", "Exponential"),
    ("Laplace", "Laplace"), ("Poisson", "Poisson"), ("MVN_cov", "MVN_tril"), ("MVN_prec", "MVN_cov"),
    ("Independent", "Independent"), ("OneHotCategorical", "OneHotCategorical"), ("Uniform", "Uniform"),
    ("Exponential", "Gamma"), ("Gamma", "Exponential"), ("Normal", "Laplace"), ("Laplace", "Normal"),
    ("Uniform", "Normal"), ("Gamma", "Normal"), ("Exponential", "Normal"), ("Beta", "Normal"),
    ("Beta", "Gamma"), ("Beta", "Exponential"), ("Uniform", "Beta"), ("Normal", "Gamma"), ("LogNormal", "LogNormal"),
]


@pytest.mark.parametrize("dtype", DTYPES)
def test_kl_divergence(dtype):
    for i, (pn, qn) in enumerate(KL_PAIRS):
        ps, qs = CASES[pn][1](_rng(i)), CASES[qn][1](_rng(100 + i))
        (rp, tp), (rq, tq) = _both(ps, dtype), _both(qs, dtype)
        rk = rt.distributions.kl_divergence(CASES[pn][0](rt.distributions, *rp), CASES[qn][0](rt.distributions, *rq))
        tk = tl.distributions.kl_divergence(CASES[pn][0](tl.distributions, *tp), CASES[qn][0](tl.distributions, *tq))
        _close(tk, rk, dtype, f"KL({pn} || {qn})")
        if rk.requires_grad and bool(rk.isfinite().all()):
            rg = rt.autograd.grad(rk.sum(), rp + rq, allow_unused=True)
            tg = tl.autograd.grad(tk.sum(), tp + tq, allow_unused=True)
            for a, b in zip(tg, rg):
                if b is not None and a is not None:
                    _close(a, b, dtype, f"grad KL({pn} || {qn})")
    # Uniform q not covering p: infinite
    d = tl.distributions
    assert math.isinf(d.kl_divergence(d.Uniform(0.0, 2.0), d.Uniform(0.5, 3.0)).item())
    with pytest.raises(NotImplementedError, match="No KL"):
        d.kl_divergence(d.Categorical(logits=tl.zeros(3)), d.Normal(0.0, 1.0))


def test_register_kl():
    D = tl.distributions

    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, MyNormal)
    def _kl(p, q):
        return tl.tensor(42.0)

    assert D.kl_divergence(MyNormal(0.0, 1.0), MyNormal(0.0, 1.0)).item() == 42.0
    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(0.0, 1.0)).item() == 0.0  # falls back to Normal's


def _both_errors(fn):
    with pytest.raises(Exception) as r:
        fn(rt)
    with pytest.raises(Exception) as t:
        fn(tl)
    assert type(t.value) is type(r.value), (t.value, r.value)
    return str(t.value), str(r.value)


def test_validation_errors():
    msgs = [
        lambda m: m.distributions.Normal(m.tensor([0.0]), m.tensor([-1.0])),
        lambda m: m.distributions.Bernoulli(probs=m.tensor([1.5])),
        lambda m: m.distributions.Bernoulli(),
        lambda m: m.distributions.Bernoulli(probs=0.5, logits=0.0),
        lambda m: m.distributions.Categorical(probs=m.tensor(0.5)),
        lambda m: m.distributions.Categorical(probs=m.tensor([0.5, -0.1])),
        lambda m: m.distributions.Uniform(1.0, 0.0),
        lambda m: m.distributions.Gamma(m.tensor([-1.0]), 1.0),
        lambda m: m.distributions.Dirichlet(m.tensor(1.0)),
        lambda m: m.distributions.MultivariateNormal(m.zeros(2)),
        lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.tensor([[1.0, 2.0], [2.0, 1.0]])),
        lambda m: m.distributions.MultivariateNormal(m.zeros(2), scale_tril=m.tensor([[1.0, 1.0], [0.0, 1.0]])),
        lambda m: m.distributions.Independent(m.distributions.Normal(0.0, 1.0), 1),
        lambda m: m.distributions.Normal(m.zeros(2), 1.0).log_prob(m.zeros(3)),
        lambda m: m.distributions.Normal(m.zeros(2), 1.0).log_prob([0.0, 0.0]),
        lambda m: m.distributions.Exponential(m.ones(2)).log_prob(m.tensor([-1.0, 1.0])),
        lambda m: m.distributions.Bernoulli(probs=m.tensor([0.3])).log_prob(m.tensor([0.5])),
        lambda m: m.distributions.Categorical(logits=m.zeros(3)).log_prob(m.tensor(3)),
        lambda m: m.distributions.Beta(2.0, 2.0).log_prob(m.tensor(1.5)),
        lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.eye(2)).log_prob(m.zeros(3)),
        lambda m: m.distributions.Distribution.set_default_validate_args("yes"),
    ]
    for fn in msgs:
        t, r = _both_errors(fn)
        # the messages agree up to the printed tensor values (PyTorch's and torchlike's printing may differ)
        assert t.split("\n")[0].replace("torchlike", "torch") == r.split("\n")[0], (t, r)


def test_validation_switches():
    D = tl.distributions
    D.Normal(0.0, -1.0, validate_args=False)  # no error when asked not to validate
    assert D.Normal(0.0, 1.0, validate_args=False).log_prob(tl.tensor(float("nan"))).isnan()
    try:
        D.Distribution.set_default_validate_args(False)
        D.Normal(0.0, -1.0)
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(0.0, -1.0)


def test_constraints():
    C, RC = tl.distributions.constraints, rt.distributions.constraints
    x = np.array([[-1.0, 0.0, 0.5, 1.0], [2.0, float("nan"), 3.0, 0.25]])
    vals = (tl.tensor(x), rt.tensor(x))
    for name in ["real", "positive", "nonnegative", "boolean", "unit_interval", "nonnegative_integer",
                 "positive_integer", "simplex", "real_vector", "one_hot"]:
        c, rc = getattr(C, name), getattr(RC, name)
        assert repr(c) == repr(rc) and c.event_dim == rc.event_dim and c.is_discrete == rc.is_discrete
        np.testing.assert_array_equal(c.check(vals[0]).numpy(), rc.check(vals[1]).numpy(), err_msg=name)
    for make in [lambda M: M.interval(0.0, 1.0), lambda M: M.half_open_interval(0.0, 1.0),
                 lambda M: M.integer_interval(0, 2), lambda M: M.greater_than(0.5), lambda M: M.greater_than_eq(0.5),
                 lambda M: M.less_than(1.0), lambda M: M.independent(M.positive, 1)]:
        c, rc = make(C), make(RC)
        assert repr(c) == repr(rc)
        np.testing.assert_array_equal(c.check(vals[0]).numpy(), rc.check(vals[1]).numpy(), err_msg=repr(c))
    r = _rng(3)
    mats = np.stack([_spd(r, 3), -_spd(r, 3), np.tril(_spd(r, 3)), r.normal(size=(3, 3))])
    for name in ["lower_cholesky", "lower_triangular", "positive_definite", "positive_semidefinite", "symmetric",
                 "square"]:
        c, rc = getattr(C, name), getattr(RC, name)
        assert repr(c) == repr(rc)
        np.testing.assert_array_equal(c.check(tl.tensor(mats)).numpy(), rc.check(rt.tensor(mats)).numpy(),
                                      err_msg=name)
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    assert C.is_dependent(tl.distributions.Uniform.support)
    with pytest.raises(ValueError, match="dependent"):
        C.dependent.check(tl.zeros(1))


def test_enumerate_support_and_transforms():
    for make in [lambda D, m: D.Bernoulli(probs=m.tensor([0.2, 0.6])),
                 lambda D, m: D.Categorical(logits=m.zeros(2, 3)), lambda D, m: D.OneHotCategorical(logits=m.zeros(3))]:
        rd, td = make(rt.distributions, rt), make(tl.distributions, tl)
        for expand in (True, False):
            np.testing.assert_array_equal(td.enumerate_support(expand).numpy(), rd.enumerate_support(expand).numpy())
    T, RT = tl.distributions.transforms, rt.distributions.transforms
    x = np.linspace(-2, 2, 7)
    for make in [lambda M: M.ExpTransform(), lambda M: M.SigmoidTransform(), lambda M: M.TanhTransform(),
                 lambda M: M.AffineTransform(1.0, -3.0), lambda M: M.ComposeTransform([M.ExpTransform(),
                                                                                     M.AffineTransform(0.5, 2.0)])]:
        t, r = make(T), make(RT)
        tx, rx = tl.tensor(x), rt.tensor(x)
        ty, ry = t(tx), r(rx)
        _close(ty, ry, "float64", repr(t))
        _close(t.inv(ty), r.inv(ry), "float64", repr(t))
        _close(t.log_abs_det_jacobian(tx, ty), r.log_abs_det_jacobian(rx, ry), "float64", repr(t))
        assert repr(t) == repr(r) and t.sign == r.sign and t == make(T)
    for c in ["positive", "unit_interval", "real"]:
        b = tl.distributions.biject_to(getattr(tl.distributions.constraints, c))
        rb = rt.distributions.biject_to(getattr(rt.distributions.constraints, c))
        _close(b(tl.tensor(x)), rb(rt.tensor(x)), "float64", c)


def test_compile_and_import_alias():
    from torchlike.distributions import constraints  # noqa: F401  (the import transformers makes)

    @tl.compile
    def nll(loc, scale, x):
        d = tl.distributions.Normal(loc, scale)
        return -d.log_prob(x).sum() + tl.distributions.kl_divergence(d, tl.distributions.Normal(0.0, 1.0)).sum()

    loc, scale, x = tl.zeros(3, requires_grad=True), tl.ones(3), tl.tensor([0.1, 0.2, 0.3])
    want = -rt.distributions.Normal(rt.zeros(3), rt.ones(3)).log_prob(rt.tensor([0.1, 0.2, 0.3])).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # validation must not make the function fall back to eager
        for _ in range(3):
            loc.grad = None
            out = nll(loc, scale, x)
            out.backward()
            np.testing.assert_allclose(out.item(), want.item(), rtol=1e-6)
    np.testing.assert_allclose(loc.grad.numpy(), [-0.1, -0.2, -0.3], rtol=1e-5)
