"""The further torch.distributions families against PyTorch: log_prob, cdf/icdf, entropy, moments,
KL and their parameter gradients must agree; draws are checked by shape, dtype, sample moments and
reparameterization gradients (the random streams differ); bad arguments must fail as PyTorch's do."""
import math

import numpy as np
import pytest
import torch as rt

import torchlike as tl
from .test_distributions import DTYPES, _both, _check_gradients, _close, _pos, _rng, _simplex, _spd


_LOC3 = np.array([[0.3, -1.0, 0.5], [1.2, 0.1, -0.4]])
_SPD3 = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, -0.2], [0.1, -0.2, 1.0]])
_W3 = np.array([[[0.5, -0.2], [0.1, 0.7], [-0.3, 0.4]], [[1.0, 0.0], [0.2, -0.5], [0.3, 0.3]]])
_D3 = np.array([[0.8, 1.2, 0.5], [1.5, 0.7, 1.1]])


def _corr(r, n):
    c = _spd(r, n)
    d = np.sqrt(np.diag(c))
    return c / d[:, None] / d[None, :]


def _unit(r, *shape):
    return r.uniform(0.15, 0.85, shape)


# name -> (constructor(lib, *params), params(rng), value(rng, params) in the support, extra quantities)
CASES = {
    "Binomial_probs": (lambda D, n, p: D.Binomial(n, probs=p),
                       lambda r: [np.full((2, 3), 6.0), _unit(r, 2, 3)], lambda r, p: r.integers(0, 7, (2, 3)) * 1.0,
                       ("mode",)),
    "Binomial_logits": (lambda D, n, lg: D.Binomial(n, logits=lg),
                        lambda r: [np.full((2, 3), 4.0), r.normal(size=(2, 3))],
                        lambda r, p: r.integers(0, 5, (2, 3)) * 1.0, ("mode",)),
    "Geometric_probs": (lambda D, p: D.Geometric(probs=p),
                        lambda r: [_unit(r, 2, 3)], lambda r, p: r.integers(0, 6, (2, 3)) * 1.0, ("mode",)),
    "Geometric_logits": (lambda D, lg: D.Geometric(logits=lg),
                         lambda r: [r.normal(size=(2, 3))], lambda r, p: r.integers(0, 6, (2, 3)) * 1.0, ()),
    "Cauchy": (lambda D, loc, scale: D.Cauchy(loc, scale),
               lambda r: [r.normal(size=(2, 3)), _pos(r, 3)], lambda r, p: r.normal(size=(2, 3)) * 3,
               ("cdf", "icdf", "mode")),
    "Gumbel": (lambda D, loc, scale: D.Gumbel(loc, scale),
               lambda r: [r.normal(size=(2, 3)), _pos(r, 2, 3)], lambda r, p: r.normal(size=(2, 3)),
               ("cdf", "icdf", "mode")),
    "HalfNormal": (lambda D, scale: D.HalfNormal(scale),
                   lambda r: [_pos(r, 2, 3)], lambda r, p: _pos(r, 2, 3), ("cdf", "icdf", "mode")),
    "HalfCauchy": (lambda D, scale: D.HalfCauchy(scale),
                   lambda r: [_pos(r, 2, 3)], lambda r, p: _pos(r, 2, 3), ("cdf", "icdf", "mode")),
    "StudentT": (lambda D, df, loc, scale: D.StudentT(df, loc, scale),
                 lambda r: [np.array([[0.8, 1.5, 3.0], [2.5, 4.0, 7.0]]), r.normal(size=(2, 3)), _pos(r, 2, 3)],
                 lambda r, p: r.normal(size=(2, 3)) * 2, ("mode",)),
    "Chi2": (lambda D, df: D.Chi2(df),
             lambda r: [_pos(r, 2, 3) * 2], lambda r, p: _pos(r, 2, 3), ("mode",)),
    "Pareto": (lambda D, scale, alpha: D.Pareto(scale, alpha),
               lambda r: [_pos(r, 2, 3), np.array([[0.7, 1.5, 2.5], [3.0, 4.0, 1.2]])],
               lambda r, p: p[0] + _pos(r, 2, 3), ("cdf", "icdf", "mode")),
    "Weibull": (lambda D, scale, k: D.Weibull(scale, k),
                lambda r: [_pos(r, 2, 3), _pos(r, 2, 3) + 0.5], lambda r, p: _pos(r, 2, 3),
                ("cdf", "icdf", "mode")),
    "VonMises": (lambda D, loc, k: D.VonMises(loc, k),
                 lambda r: [r.normal(size=(2, 3)), np.array([[0.3, 1.0, 3.0], [4.5, 8.0, 20.0]])],
                 lambda r, p: r.uniform(-3, 3, (2, 3)), ("mode",)),
    "ContinuousBernoulli_probs": (lambda D, p: D.ContinuousBernoulli(probs=p),
                                  lambda r: [np.array([[0.2, 0.5, 0.7], [0.4995, 0.9, 0.03]])],
                                  lambda r, p: r.uniform(0.05, 0.95, (2, 3)), ("cdf", "icdf")),
    "ContinuousBernoulli_logits": (lambda D, lg: D.ContinuousBernoulli(logits=lg),
                                   # (away from 0, where float32 loses digits)
                                   lambda r: [np.array([[-2.0, 0.7, 1.5], [-0.8, 3.0, -1.2]])],
                                   lambda r, p: r.uniform(0.05, 0.95, (2, 3)), ("cdf", "icdf")),
    "RelaxedBernoulli": (lambda D, t, p: D.RelaxedBernoulli(t, probs=p),
                         lambda r: [np.array(0.7), _unit(r, 2, 3)], lambda r, p: _unit(r, 2, 3), ()),
    "RelaxedBernoulli_logits": (lambda D, t, lg: D.RelaxedBernoulli(t, logits=lg),
                                lambda r: [_pos(r, 2, 3), r.normal(size=(2, 3))], lambda r, p: _unit(r, 2, 3), ()),
    "RelaxedOneHotCategorical": (lambda D, t, lg: D.RelaxedOneHotCategorical(t, logits=lg),
                                 lambda r: [np.array(0.6), r.normal(size=(2, 3))], lambda r, p: _simplex(r, 2, 3), ()),
    "Multinomial": (lambda D, p: D.Multinomial(6, probs=p),
                    lambda r: [_simplex(r, 2, 3)], lambda r, p: r.multinomial(6, [0.2, 0.3, 0.5], size=2) * 1.0, ()),
    "Multinomial_logits": (lambda D, lg: D.Multinomial(4, logits=lg),
                           lambda r: [r.normal(size=(2, 3))], lambda r, p: r.multinomial(3, [0.5, 0.25, 0.25]) * 1.0,
                           ()),
    "NegativeBinomial_probs": (lambda D, n, p: D.NegativeBinomial(n, probs=p),
                               lambda r: [_pos(r, 2, 3) * 2, _unit(r, 2, 3)],
                               lambda r, p: r.integers(0, 8, (2, 3)) * 1.0, ("mode",)),
    "NegativeBinomial_logits": (lambda D, n, lg: D.NegativeBinomial(n, logits=lg),
                                lambda r: [_pos(r, 2, 3) * 2, r.normal(size=(2, 3))],
                                lambda r, p: r.integers(0, 8, (2, 3)) * 1.0, ()),
    "FisherSnedecor": (lambda D, d1, d2: D.FisherSnedecor(d1, d2),
                       lambda r: [np.array([[1.5, 3.0, 5.0], [6.0, 8.0, 10.0]]),
                                  np.array([[1.5, 3.0, 5.0], [6.0, 9.0, 12.0]])],
                       lambda r, p: _pos(r, 2, 3), ("mode",)),
    "Kumaraswamy": (lambda D, a, b: D.Kumaraswamy(a, b),
                    lambda r: [np.array([[0.7, 1.5, 2.0], [3.0, 4.0, 2.5]]),
                               np.array([[2.0, 0.8, 1.5], [3.0, 2.0, 5.0]])],
                    lambda r, p: _unit(r, 2, 3), ("mode",)),
    "LogisticNormal": (lambda D, loc, scale: D.LogisticNormal(loc, scale),
                       lambda r: [r.normal(size=(2, 3)), _pos(r, 2, 3)], lambda r, p: _simplex(r, 2, 4), ()),
    "LowRankMVN": (lambda D, loc, W, d: D.LowRankMultivariateNormal(loc, W, d),
                   lambda r: [r.normal(size=(2, 3)), r.normal(size=(3, 2)), _pos(r, 2, 3)],
                   lambda r, p: r.normal(size=(2, 3)), ("mode", "covariance_matrix", "precision_matrix", "scale_tril")),
    "MixtureSameFamily": (lambda D, lg, loc, scale: D.MixtureSameFamily(D.Categorical(logits=lg), D.Normal(loc, scale)),
                          lambda r: [r.normal(size=(2, 3)), r.normal(size=(2, 3)), _pos(r, 2, 3)],
                          lambda r, p: r.normal(size=(4, 2)), ("cdf_only",)),
    "MixtureSameFamily_vector": (lambda D, lg, loc, scale: D.MixtureSameFamily(
                                     D.Categorical(logits=lg), D.Independent(D.Normal(loc, scale), 1)),
                                 lambda r: [r.normal(size=3), r.normal(size=(2, 3, 2)), _pos(r, 2, 3, 2)],
                                 lambda r, p: r.normal(size=(2, 2)), ()),
    "LKJCholesky": (lambda D, c: D.LKJCholesky(3, c),
                    lambda r: [np.array([0.5, 2.0])], lambda r, p: np.linalg.cholesky(_corr(r, 3)), ()),
    "Wishart_cov": (lambda D, df, cov: D.Wishart(df, covariance_matrix=cov),
                    lambda r: [np.array([4.0, 6.5]), _spd(r, 3)], lambda r, p: _spd(r, 3),
                    ("mode", "precision_matrix", "scale_tril")),
    "Wishart_prec": (lambda D, df, prec: D.Wishart(df, precision_matrix=prec),
                     lambda r: [np.array(5.0), _spd(r, 3, (2,))], lambda r, p: _spd(r, 3),
                     ("covariance_matrix", "scale_tril")),
    "Wishart_tril": (lambda D, df, L: D.Wishart(df, scale_tril=L),
                     lambda r: [np.array([3.5, 9.0]), np.linalg.cholesky(_spd(r, 3))], lambda r, p: _spd(r, 3, (2,)),
                     ("mode", "covariance_matrix")),
}
NO_GRAD_PARAMS = {"Binomial_probs": [0], "Binomial_logits": [0]}  # (total_count is a count)


def _quantities(name, rd, td, rv, tv):
    """Each quantity PyTorch computes, from both; one PyTorch does not implement must raise
    NotImplementedError in torchlike too."""
    quantities = {"log_prob": lambda d, v: d.log_prob(v), "entropy": lambda d, v: d.entropy(),
                  "mean": lambda d, v: d.mean, "variance": lambda d, v: d.variance, "stddev": lambda d, v: d.stddev}
    for extra in CASES[name][3]:
        if extra in ("cdf", "cdf_only"):
            quantities["cdf"] = lambda d, v: d.cdf(v)
        elif extra == "icdf":
            quantities["icdf"] = lambda d, v: d.icdf(d.cdf(v).detach())
        else:
            quantities[extra] = lambda d, v, attr=extra: getattr(d, attr)
    rq, tq = {}, {}
    for k, get in quantities.items():
        try:
            rq[k] = get(rd, rv)
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                get(td, tv)
            continue
        tq[k] = get(td, tv)
    return rq, tq


def _make_both(name, dtype, params):
    grad_off = NO_GRAD_PARAMS.get(name, [])
    pairs = [_both([p], dtype, grad=i not in grad_off) for i, p in enumerate(params)]
    rp, tp = [a[0] for a, _ in pairs], [b[0] for _, b in pairs]
    make = CASES[name][0]
    return rp, tp, make(rt.distributions, *rp), make(tl.distributions, *tp)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients(name, dtype):
    r = _rng(sum(map(ord, name)))
    params = CASES[name][1](r)
    value = CASES[name][2](r, params)
    rp, tp, rd, td = _make_both(name, dtype, params)
    assert tuple(td.batch_shape) == tuple(rd.batch_shape) and tuple(td.event_shape) == tuple(rd.event_shape)
    assert td.has_rsample == rd.has_rsample and td.has_enumerate_support == rd.has_enumerate_support
    assert repr(td) == repr(rd)
    rv, tv = _both([value], dtype, grad=False)
    rq, tq = _quantities(name, rd, td, rv[0], tv[0])
    for k in rq:
        _close(tq[k], rq[k], dtype, f"{name}.{k}")
    _check_gradients(name, rq, tq, rp, tp, dtype)


def test_expand_sample_shapes_and_support():
    for i, name in enumerate(sorted(CASES)):
        r = _rng(1)
        params = CASES[name][1](r)
        value = CASES[name][2](r, params)
        dtype = DTYPES[i % 2]  # (each dtype for half the families: compiling every draw twice is slow)
        _, _, rd, td = _make_both(name, dtype, params)
        ex_r, ex_t = rd.expand((4,) + tuple(rd.batch_shape)), td.expand((4,) + tuple(td.batch_shape))
        assert type(ex_t).__name__ == type(ex_r).__name__ and tuple(ex_t.batch_shape) == tuple(ex_r.batch_shape)
        rv, tv = _both([value], dtype, grad=False)
        _close(ex_t.log_prob(tv[0]), ex_r.log_prob(rv[0]), dtype, f"{name} expanded")
        for d, r_d in [(td, rd), (ex_t, ex_r)]:
            try:
                r_s = r_d.sample((5,))
            except RuntimeError:  # (PyTorch cannot draw from an expanded mixture with a broadcast Categorical)
                with pytest.raises(RuntimeError):
                    d.sample((5,))
                continue
            s = d.sample((5,))
            assert tuple(s.shape) == tuple(r_s.shape) and str(s.dtype) == str(r_s.dtype), name
            assert not s.requires_grad
            assert bool(d.support.check(s).all()), name
            if d.has_rsample:
                assert d.rsample((2,)).requires_grad, name


# distribution(lib, dtype) with a finite mean and variance, for sample moments
MOMENT_CASES = {
    "Binomial": lambda D, m, dt: D.Binomial(m.tensor([5.0, 20.0], dtype=dt), probs=m.tensor([0.3, 0.8], dtype=dt)),
    "Geometric": lambda D, m, dt: D.Geometric(m.tensor([0.2, 0.7], dtype=dt)),
    "Gumbel": lambda D, m, dt: D.Gumbel(m.tensor([1.0, -2.0], dtype=dt), m.tensor([0.5, 2.0], dtype=dt)),
    "HalfNormal": lambda D, m, dt: D.HalfNormal(m.tensor([0.5, 2.0], dtype=dt)),
    "StudentT": lambda D, m, dt: D.StudentT(m.tensor([5.0, 9.0], dtype=dt), m.tensor([1.0, 0.0], dtype=dt),
                                            m.tensor([2.0, 0.5], dtype=dt)),
    "Chi2": lambda D, m, dt: D.Chi2(m.tensor([1.5, 6.0], dtype=dt)),
    "Pareto": lambda D, m, dt: D.Pareto(m.tensor([1.0, 2.0], dtype=dt), m.tensor([5.0, 6.0], dtype=dt)),
    "Weibull": lambda D, m, dt: D.Weibull(m.tensor([1.0, 2.0], dtype=dt), m.tensor([1.5, 3.0], dtype=dt)),
    # (within lims of 1/2 a draw is u itself, without gradient, in PyTorch as here)
    "ContinuousBernoulli": lambda D, m, dt: D.ContinuousBernoulli(m.tensor([0.2, 0.35, 0.9], dtype=dt)),
    "NegativeBinomial": lambda D, m, dt: D.NegativeBinomial(m.tensor([3.0, 0.5], dtype=dt),
                                                            m.tensor([0.4, 0.7], dtype=dt)),
    "FisherSnedecor": lambda D, m, dt: D.FisherSnedecor(m.tensor([3.0, 10.0], dtype=dt),
                                                        m.tensor([9.0, 12.0], dtype=dt)),
    "Kumaraswamy": lambda D, m, dt: D.Kumaraswamy(m.tensor([0.7, 3.0], dtype=dt), m.tensor([2.0, 1.5], dtype=dt)),
    "Multinomial": lambda D, m, dt: D.Multinomial(7, m.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype=dt)),
    "Wishart": lambda D, m, dt: D.Wishart(m.tensor(5.0, dtype=dt), m.tensor(_SPD3 / 2, dtype=dt)),
}


@pytest.mark.parametrize("dtype", DTYPES)
def test_sample_moments(dtype):
    tl.manual_seed(3)
    n = 20000
    for name, make in MOMENT_CASES.items():
        d = make(tl.distributions, tl, getattr(tl, dtype))
        rd = make(rt.distributions, rt, getattr(rt, dtype))
        x = d.sample((n,)).double().numpy()
        mean, var = rd.mean.double().numpy(), rd.variance.double().numpy()
        assert np.all(np.abs(x.mean(0) - mean) < 6 * np.sqrt(var / n)), (name, x.mean(0), mean)
        np.testing.assert_allclose(x.var(0), var, rtol=0.2, err_msg=name)
    # LKJ(1) in 3 dimensions: each correlation is uniform on (-1, 1) stretched Beta(3/2, 3/2), variance 1/4
    L = tl.distributions.LKJCholesky(3, tl.tensor([1.0, 4.0], dtype=getattr(tl, dtype))).sample((n,)).double()
    corr = (L @ L.mT).numpy()
    np.testing.assert_allclose(np.diagonal(corr, axis1=-2, axis2=-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(corr[:, :, 1, 0].var(0), [1 / 4, 1 / 10], rtol=0.1)  # 1 / (2 eta + dim - 1)
    # von Mises: the circular mean direction and variance
    loc, k = [0.5, 3.0], [2.0, 0.7]
    d = tl.distributions.VonMises(tl.tensor(loc, dtype=getattr(tl, dtype)), tl.tensor(k, dtype=getattr(tl, dtype)))
    x = d.sample((n,)).double().numpy()
    assert d.sample().dtype == getattr(tl, dtype) and np.all(np.abs(x) <= np.pi)
    resultant = np.exp(1j * x).mean(0)
    np.testing.assert_allclose(np.angle(resultant), loc, atol=0.05)
    want = rt.distributions.VonMises(rt.tensor(loc), rt.tensor(k)).variance.numpy()
    np.testing.assert_allclose(1 - np.abs(resultant), want, atol=0.02)


def test_rsample_gradients():
    """Reparameterized draws carry PyTorch's gradients: d E[x] / d theta matches d mean / d theta
    (PyTorch's analytic mean), and a location-scale draw has dx/dloc = 1, dx/dscale = (x - loc)/scale."""
    tl.manual_seed(4)
    n = 40000
    for name in _PARAM_NAMES:
        tp = [tl.tensor(p.detach().numpy(), requires_grad=True) for p in _moment_params(name)]
        rp = [rt.tensor(p.detach().numpy(), requires_grad=True) for p in _moment_params(name)]
        td, rd = _from_params(name, tl, tp), _from_params(name, rt, rp)
        tg = tl.autograd.grad(td.rsample((n,)).mean(0).sum(), tp)
        rg = rt.autograd.grad(rd.mean.sum(), rp, allow_unused=True)  # (StudentT's mean is loc alone)
        for a, b in zip(tg, rg):
            want = np.zeros(a.shape) if b is None else b.numpy()
            np.testing.assert_allclose(a.numpy(), want, rtol=0.05, atol=0.03, err_msg=name)
    loc = tl.tensor([0.5, -1.0], dtype=tl.float64, requires_grad=True)
    scale = tl.tensor([1.0, 3.0], dtype=tl.float64, requires_grad=True)
    x = tl.distributions.Cauchy(loc, scale).rsample((50,))
    g_loc, g_scale = tl.autograd.grad(x.sum(), [loc, scale])
    np.testing.assert_allclose(g_loc.numpy(), [50.0, 50.0])
    want = ((x - loc) / scale).sum(0).detach().numpy()
    np.testing.assert_allclose(g_scale.numpy(), want, rtol=1e-10)
    for d in [tl.distributions.RelaxedBernoulli(scale[0], logits=loc),
              tl.distributions.RelaxedOneHotCategorical(scale[1], logits=loc)]:
        g = tl.autograd.grad(d.rsample((3,)).pow(2).sum(), [loc, scale])
        assert all(bool(x.isfinite().all()) for x in g), type(d).__name__
    x = tl.distributions.HalfCauchy(scale).rsample((50,))
    np.testing.assert_allclose(tl.autograd.grad(x.sum(), scale)[0].numpy(), (x / scale).sum(0).detach().numpy(),
                               rtol=1e-10)


def _moment_params(name):
    d = MOMENT_CASES[name](rt.distributions, rt, rt.float64)
    return [getattr(d, k) for k in _PARAM_NAMES[name]]


_PARAM_NAMES = {"Gumbel": ("loc", "scale"), "HalfNormal": ("scale",), "Chi2": ("df",), "Pareto": ("scale", "alpha"),
                "Weibull": ("scale", "concentration"), "StudentT": ("df", "loc", "scale"),
                "ContinuousBernoulli": ("probs",), "FisherSnedecor": ("df1", "df2"),
                "Kumaraswamy": ("concentration1", "concentration0"), "Wishart": ("df", "covariance_matrix")}


def _from_params(name, m, params):
    return getattr(m.distributions, name)(*params)


KL_PAIRS = [
    ("ContinuousBernoulli_probs", "ContinuousBernoulli_logits"), ("Binomial_probs", "Binomial_logits"),
    ("Geometric_probs", "Geometric_logits"), ("Cauchy", "Cauchy"),
    ("Gumbel", "Gumbel"), ("HalfNormal", "HalfNormal"), ("Pareto", "Pareto"), ("Chi2", "Chi2"),
]
# q of a family in the first file (test_distributions), by its constructor and parameters
OTHER_Q = {
    "Normal": lambda D, m, dt: D.Normal(m.tensor([0.3, -1.0], dtype=dt), m.tensor([1.5, 0.7], dtype=dt)),
    "Exponential": lambda D, m, dt: D.Exponential(m.tensor([0.5, 2.0], dtype=dt)),
    "Gamma": lambda D, m, dt: D.Gamma(m.tensor([2.0, 0.8], dtype=dt), m.tensor([1.5, 3.0], dtype=dt)),
    "Uniform": lambda D, m, dt: D.Uniform(m.tensor([1.2, 0.5], dtype=dt), m.tensor([3.0, 2.5], dtype=dt)),
    "Gumbel": lambda D, m, dt: D.Gumbel(m.tensor([0.5, -1.0], dtype=dt), m.tensor([2.0, 1.0], dtype=dt)),
    "Pareto": lambda D, m, dt: D.Pareto(m.tensor([0.4, 1.0], dtype=dt), m.tensor([2.0, 3.0], dtype=dt)),
    "Binomial": lambda D, m, dt: D.Binomial(5, m.tensor([0.3, 0.6], dtype=dt)),
    "Beta": lambda D, m, dt: D.Beta(m.tensor([2.0, 0.8], dtype=dt), m.tensor([1.5, 3.0], dtype=dt)),
    "Poisson": lambda D, m, dt: D.Poisson(m.tensor([2.0, 0.8], dtype=dt)),
    "Laplace": lambda D, m, dt: D.Laplace(m.tensor([2.0, 0.8], dtype=dt), m.tensor([1.5, 3.0], dtype=dt)),
    "ContinuousBernoulli": lambda D, m, dt: D.ContinuousBernoulli(m.tensor([0.2, 0.7], dtype=dt)),
    "MVN": lambda D, m, dt: D.MultivariateNormal(m.tensor(_LOC3, dtype=dt), m.tensor(_SPD3, dtype=dt)),
    "LowRankMVN": lambda D, m, dt: D.LowRankMultivariateNormal(m.tensor(_LOC3[::-1].copy(), dtype=dt),
                                                               m.tensor(_W3, dtype=dt), m.tensor(_D3, dtype=dt)),
    "Uniform01": lambda D, m, dt: D.Uniform(m.tensor([0.1, 0.0], dtype=dt), m.tensor([0.6, 1.0], dtype=dt)),
}
CROSS_KL = [("Exponential", "Gumbel"), ("Gamma", "Gumbel"), ("Gumbel", "Normal"), ("Normal", "Gumbel"),
            ("Uniform", "Gumbel"), ("Uniform", "Pareto"), ("Pareto", "Exponential"), ("Pareto", "Gamma"),
            ("Pareto", "Normal"), ("Gumbel", "Uniform"), ("Normal", "Pareto"), ("Pareto", "Beta"),
            ("Beta", "Pareto"), ("Poisson", "Binomial"), ("Laplace", "Pareto"),
            ("ContinuousBernoulli", "Normal"), ("ContinuousBernoulli", "Exponential"),
            ("ContinuousBernoulli", "Uniform"), ("ContinuousBernoulli", "Uniform01"), ("Beta", "ContinuousBernoulli"),
            ("Uniform01", "ContinuousBernoulli"), ("Uniform", "ContinuousBernoulli"), ("Normal", "ContinuousBernoulli"),
            ("ContinuousBernoulli", "Pareto"), ("MVN", "LowRankMVN"), ("LowRankMVN", "MVN"),
            ("LowRankMVN", "LowRankMVN")]


@pytest.mark.parametrize("dtype", DTYPES)
def test_kl_divergence(dtype):
    for i, (pn, qn) in enumerate(KL_PAIRS):
        ps, qs = CASES[pn][1](_rng(i)), CASES[qn][1](_rng(50 + i))
        if pn.startswith("Binomial"):
            qs[0] = ps[0]  # (a q with more trials than p is refused, by both)
        rp, tp, rpd, tpd = _make_both(pn, dtype, ps)
        rq, tq, rqd, tqd = _make_both(qn, dtype, qs)
        rk, tk = rt.distributions.kl_divergence(rpd, rqd), tl.distributions.kl_divergence(tpd, tqd)
        _close(tk, rk, dtype, f"KL({pn} || {qn})")
        r_in = [p for p in rp + rq if p.requires_grad]
        t_in = [p for p in tp + tq if p.requires_grad]
        finite = rk.isfinite()
        rg = rt.autograd.grad(rk[finite].sum(), r_in, allow_unused=True)
        tg = tl.autograd.grad(tk[tl.tensor(finite.numpy())].sum(), t_in, allow_unused=True)
        for a, b in zip(tg, rg):
            if a is not None and b is not None:
                _close(a, b, dtype, f"grad KL({pn} || {qn})")
    dt_r, dt_t = getattr(rt, dtype), getattr(tl, dtype)
    for pn, qn in CROSS_KL:
        rk = rt.distributions.kl_divergence(*(OTHER_Q[n](rt.distributions, rt, dt_r) for n in (pn, qn)))
        tk = tl.distributions.kl_divergence(*(OTHER_Q[n](tl.distributions, tl, dt_t) for n in (pn, qn)))
        _close(tk, rk, dtype, f"KL({pn} || {qn})")


def test_validation_errors():
    cases = [
        lambda m: m.distributions.Binomial(5),
        lambda m: m.distributions.Binomial(5, probs=m.tensor([1.5])),
        lambda m: m.distributions.Binomial(m.tensor([-1.0]), probs=m.tensor([0.5])),
        lambda m: m.distributions.Binomial(5, probs=m.tensor([0.5])).log_prob(m.tensor([6.0])),
        lambda m: m.distributions.Binomial(m.tensor([2.0, 3.0]), probs=m.tensor([0.5, 0.5])).entropy(),
        lambda m: m.distributions.kl_divergence(m.distributions.Binomial(2, m.tensor([0.5])),
                                                m.distributions.Binomial(5, m.tensor([0.5]))),
        lambda m: m.distributions.Geometric(probs=m.tensor([0.0, 0.5])),
        lambda m: m.distributions.Geometric(probs=m.tensor([1.5])),
        lambda m: m.distributions.Geometric(m.tensor([0.5])).log_prob(m.tensor([-1.0])),
        lambda m: m.distributions.Cauchy(0.0, m.tensor([-1.0])),
        lambda m: m.distributions.Gumbel(m.tensor([0.0]), m.tensor([-1.0])),
        lambda m: m.distributions.HalfNormal(m.tensor([-1.0])),
        lambda m: m.distributions.HalfNormal(m.tensor([1.0])).log_prob(m.tensor([-1.0])),
        lambda m: m.distributions.HalfCauchy(m.tensor([0.0])),
        lambda m: m.distributions.StudentT(m.tensor([-1.0])),
        lambda m: m.distributions.Chi2(m.tensor([-1.0])),
        lambda m: m.distributions.Pareto(m.tensor([1.0]), m.tensor([-1.0])),
        lambda m: m.distributions.Pareto(m.tensor([1.0]), m.tensor([2.0])).log_prob(m.tensor([0.5])),
        lambda m: m.distributions.Weibull(m.tensor([1.0]), m.tensor([-1.0])),
        lambda m: m.distributions.VonMises(m.tensor([0.0]), m.tensor([-1.0])),
        lambda m: m.distributions.ContinuousBernoulli(m.tensor([1.5]), validate_args=True),
        lambda m: m.distributions.ContinuousBernoulli(m.tensor([0.5])).log_prob(m.tensor([1.5])),
        lambda m: m.distributions.RelaxedBernoulli(m.tensor(0.5), probs=m.tensor([1.5])),
        lambda m: m.distributions.RelaxedOneHotCategorical(m.tensor(0.5), probs=m.tensor([0.5, -0.1])),
        lambda m: m.distributions.Multinomial(m.tensor(3), probs=m.tensor([0.5, 0.5])),
        lambda m: m.distributions.Multinomial(3, probs=m.tensor([0.5, 0.5])).log_prob(m.tensor([3.0, 1.0])),
        lambda m: m.distributions.Multinomial(3),
        lambda m: m.distributions.NegativeBinomial(m.tensor([2.0]), probs=m.tensor([1.0])),
        lambda m: m.distributions.NegativeBinomial(m.tensor([-2.0]), probs=m.tensor([0.5])),
        lambda m: m.distributions.FisherSnedecor(m.tensor([1.0]), m.tensor([-1.0])),
        lambda m: m.distributions.Kumaraswamy(m.tensor([-1.0]), m.tensor([1.0])),
        lambda m: m.distributions.Kumaraswamy(m.tensor([1.0]), m.tensor([1.0])).log_prob(m.tensor([1.5])),
        lambda m: m.distributions.LogisticNormal(m.tensor([0.0]), m.tensor([-1.0])),
        lambda m: m.distributions.LogisticNormal(m.zeros(2), m.ones(2)).log_prob(m.tensor([0.5, 0.6, 0.2])),
        lambda m: m.distributions.LowRankMultivariateNormal(m.zeros(2), m.ones(3, 1), m.ones(2)),
        lambda m: m.distributions.LowRankMultivariateNormal(m.zeros(2), m.ones(2, 1), m.ones(3)),
        lambda m: m.distributions.LowRankMultivariateNormal(m.zeros(2), m.ones(2), m.ones(2)),
        lambda m: m.distributions.LowRankMultivariateNormal(m.zeros(2), m.ones(2, 1), -m.ones(2)),
        lambda m: m.distributions.LowRankMultivariateNormal(m.zeros(2, 2), m.ones(3, 2, 1), m.ones(2)),
        lambda m: m.distributions.kl_divergence(
            m.distributions.LowRankMultivariateNormal(m.zeros(2), m.ones(2, 1), m.ones(2)),
            m.distributions.LowRankMultivariateNormal(m.zeros(3), m.ones(3, 1), m.ones(3))),
        lambda m: m.distributions.kl_divergence(
            m.distributions.MultivariateNormal(m.zeros(3), m.eye(3)),
            m.distributions.LowRankMultivariateNormal(m.zeros(2), m.ones(2, 1), m.ones(2))),
        lambda m: m.distributions.MixtureSameFamily(m.distributions.Normal(0.0, 1.0), m.distributions.Normal(0.0, 1.0)),
        lambda m: m.distributions.MixtureSameFamily(m.distributions.Categorical(logits=m.zeros(2)),
                                                    m.distributions.Normal(m.zeros(3), 1.0)),
        lambda m: m.distributions.MixtureSameFamily(m.distributions.Categorical(logits=m.zeros(4, 3)),
                                                    m.distributions.Normal(m.zeros(2, 3), 1.0)),
    ]
    for fn in cases:
        with pytest.raises(Exception) as r:
            fn(rt)
        with pytest.raises(Exception) as t:
            fn(tl)
        # (torch.linalg's LinAlgError is torch._C._LinAlgError there)
        assert type(t.value).__name__ == type(r.value).__name__.lstrip("_"), (t.value, r.value)
        t, r = str(t.value), str(r.value)
        assert t.split("\n")[0].replace("torchlike", "torch") == r.split("\n")[0], (t, r)


def test_enumerate_support_and_subclass_expand():
    for make in [lambda D, m: D.Binomial(3, probs=m.tensor([0.2, 0.6])),
                 lambda D, m: D.Binomial(m.tensor([[2.0], [2.0]]), logits=m.zeros(2, 3))]:
        rd, td = make(rt.distributions, rt), make(tl.distributions, tl)
        for expand in (True, False):
            np.testing.assert_array_equal(td.enumerate_support(expand).numpy(), rd.enumerate_support(expand).numpy())

    class Mine(tl.distributions.HalfNormal):
        def __init__(self):
            super().__init__(1.0)

    with pytest.raises(NotImplementedError, match="Subclass Mine of HalfNormal"):
        Mine().expand((2,))
    assert math.isinf(tl.distributions.kl_divergence(tl.distributions.Gumbel(0.0, 1.0),
                                                     tl.distributions.Exponential(1.0)).item())
