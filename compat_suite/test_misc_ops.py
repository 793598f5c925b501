"""frexp, mvlgamma, igamma/igammac, gradient and friends against PyTorch: values, dtypes,
gradients and errors."""
import numpy as np
import pytest

from .harness import check, check_error, rand, randint

EDGES_A = np.array([0.0, -1.0, 1.0, np.inf, 1.0, 0.0, 2.5, np.nan], np.float32)
EDGES_X = np.array([1.0, 1.0, 0.0, 1.0, np.inf, 0.0, 1e-3, 1.0], np.float32)


def test_frexp():
    check(lambda t, x: t.frexp(x), rand(3, 4, low=-9.0, high=9.0), name="frexp")
    edges = np.array([1.0, 0.0, -0.0, -3.5, np.inf, -np.inf, np.nan, 1e-40, -1e-40], np.float32)
    for dt in (np.float32, np.float64):
        _, (m, e) = check(lambda t, x: x.frexp(), edges.astype(dt), grad=False, name="frexp edges")
        assert str(e.dtype).endswith("int32")
    check(lambda t, x: t.frexp(x.to(t.bfloat16)), edges, grad=False, name="frexp bfloat16")
    to, lo = check(lambda t, x: t.frexp(x), rand(3), grad=False)
    assert type(lo).__name__ == "frexp" and lo.mantissa is lo[0] and lo.exponent is lo[1]
    check_error(lambda t, x: t.frexp(x), randint(0, 5, 3), name="frexp int")


def test_mvlgamma():
    for p in (1, 3, 5):
        check(lambda t, x: t.mvlgamma(x, p), rand(2, 3, low=2.6, high=6.0), name=f"mvlgamma p={p}")
    check(lambda t, x: t.special.multigammaln(x, 2), rand(4, low=1.0, high=3.0, dtype=np.float64))
    check(lambda t, x: t.mvlgamma(x, 3), np.array([0.5, 1.0, 3.0], np.float32), grad=False, name="below domain")
    check(lambda t, x: t.mvlgamma(x, 2), randint(1, 5, 4), grad=False, name="int64")
    check(lambda t, x: x.clone().mvlgamma_(2), rand(4, low=1.0, high=3.0), name="mvlgamma_")
    check_error(lambda t, x: t.mvlgamma(x, 0), rand(3), name="p < 1")


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_igamma(name):
    a, x = rand(3, 4, low=0.3, high=5.0), rand(3, 4, low=0.1, high=6.0, seed=1)
    check(lambda t, a, x: getattr(t, name)(a.detach(), x), a, x, name=name)
    check(lambda t, a, x: getattr(t, name)(a, x), EDGES_A, EDGES_X, grad=False, name=f"{name} edges")
    check(lambda t, a, x: getattr(t.special, "gammainc" if name == "igamma" else "gammaincc")(a, x),
          a.astype(np.float64), x[0], grad=False, name=f"{name} special broadcast")
    check(lambda t, a, x: getattr(a, name)(x.to(t.float16)), a, x, grad=False, name=f"{name} promotion")
    check_error(lambda t, a, x: getattr(t, name)(a, x), randint(1, 4, 3), randint(1, 4, 3), name=f"{name} int")
    check_error(lambda t, a, x: getattr(t, name)(a.requires_grad_(), x).sum().backward(), a, x,
                name=f"{name} grad of input")


COORDS = np.array([0.0, 0.5, 1.5, 1.75, 3.0], np.float32)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient(edge_order):
    x = rand(4, 5, low=-2.0, high=2.0)
    check(lambda t, x: t.gradient(x, edge_order=edge_order), x, name="gradient default")
    check(lambda t, x: t.gradient(x, spacing=2.5, dim=1, edge_order=edge_order), x, name="gradient scalar")
    check(lambda t, x: t.gradient(x, spacing=[0.5, 2.0], edge_order=edge_order), x, name="gradient list")
    check(lambda t, x, c: t.gradient(x, spacing=(c,), dim=[1], edge_order=edge_order), x, COORDS,
          name="gradient coordinates")
    check(lambda t, x, c: t.gradient(x, spacing=[c], dim=-1, edge_order=edge_order), x.astype(np.float16),
          COORDS.astype(np.float64), grad=False, name="gradient promotion", tol=(2e-3, 2e-3))
    # (PyTorch divides by a 0-d double as a multiplication by its reciprocal: one float16 ulp apart)
    check(lambda t, x: t.gradient(x, spacing=2, dim=0, edge_order=edge_order), randint(0, 9, 3, 4), grad=False,
          name="gradient int64")


@pytest.mark.parametrize("kwargs", [dict(spacing=[0.1], dim=[1, 0]), dict(spacing=[1.0, 2.0, 3.0]),
                                    dict(edge_order=3), dict(dim=[1, 1]), dict(dim=2), dict(edge_order=2, dim=1)])
def test_gradient_errors(kwargs):
    check_error(lambda t, x: t.gradient(x, **kwargs), rand(3, 2), name=f"gradient {kwargs}")


def test_put():
    x, idx, src = rand(3, 4), np.array([0, 11, -1, 5]), rand(4, seed=3)
    check(lambda t, x, i, s: t.put(x, i, s), x, idx, src, name="put")
    check(lambda t, x, i, s: x.put(i, s, accumulate=True), x, np.array([1, 1, 1, 2]), src, name="put accumulate")
    check(lambda t, x, i, s: x.clone().put_(i, s, accumulate=True), x, np.array([1, 1, 1, 2]), src, name="put_")
    check(lambda t, x, i, s: t.put(x > 0.5, i, s > 0.5, accumulate=True), x, idx, src, grad=False, name="bool")
    for bad in (lambda t, x, i, s: t.put(x, i + 20, s), lambda t, x, i, s: t.put(x, i.int(), s),
                lambda t, x, i, s: t.put(x, i, s.double()), lambda t, x, i, s: t.put(x, i[:2], s)):
        check_error(bad, x, idx, src, name="put error")


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce(reduce):
    x, idx, src = rand(3, 4, low=0.5, high=2.0), np.array([2, 0, 2]), rand(3, 3, low=0.6, high=2.2, seed=7)
    for inc in (True, False):
        check(lambda t, x, i, s: x.index_reduce(1, i, s, reduce, include_self=inc), x, idx, src,
              name=f"index_reduce {reduce} {inc}")
    check(lambda t, x, i, s: x.clone().index_reduce_(1, i, s, reduce), x, idx, src, name="index_reduce_")


@pytest.mark.parametrize("bad", [
    lambda t, x, i, s: x.index_reduce(1, i, s, "sum"), lambda t, x, i, s: x.index_reduce(1, i + 5, s, "amax"),
    lambda t, x, i, s: x.index_reduce(1, i[:2], s, "amax"), lambda t, x, i, s: x.index_reduce(1, i.float(), s, "amax"),
    lambda t, x, i, s: x.index_reduce(1, i, s.double(), "amax"),
    lambda t, x, i, s: x.index_reduce(1, i[None], s, "amax"),
    lambda t, x, i, s: x.index_reduce(1, i - 3, s, "amax")])
def test_index_reduce_errors(bad):
    check_error(bad, rand(3, 4), np.array([2, 0, 2]), rand(3, 3, seed=1), name="index_reduce error")


def test_nonzero_static_and_empty():
    x = rand(3, 4) > 0.5
    check(lambda t, x: t.nonzero_static(x, size=3), x, grad=False, name="nonzero_static")
    check(lambda t, x: x.nonzero_static(size=20, fill_value=-4), x, grad=False, name="nonzero_static padded")
    check_error(lambda t, x: t.nonzero_static(x, size=-1), x, name="nonzero_static size")
    check(lambda t, x: (t.empty_permuted((2, 3, 4), (0, 2, 1)).shape,
                        str(x.new_empty_strided((2, 3), (1, 2)).dtype)[-7:]),
          rand(2), grad=False, name="empty_permuted")
    check_error(lambda t, x: t.empty_permuted((2, 3), (0, 0)), rand(2), name="empty_permuted duplicate")


def test_as_strided_scatter():
    check(lambda t, x, s: t.as_strided_scatter(x, s, (2, 2), (1, 2), 1), rand(6), rand(2, 2, seed=1),
          name="as_strided_scatter")
    check_error(lambda t, x, s: t.as_strided_scatter(x, s, (2, 2), (1, 2), 4), rand(6), rand(2, 2), name="bounds")
    check_error(lambda t, x, s: t.as_strided_scatter(x, s, (2, 3), (1, 2)), rand(9), rand(2, 2), name="src size")


def test_resize():
    check(lambda t, x: x.clone().resize_(2, 2), rand(6), grad=False, name="resize_ shrink")
    check(lambda t, x, y: x.clone().resize_as_(y), rand(4), rand(2, 2), grad=False, name="resize_as_")
    check_error(lambda t, x: x.requires_grad_().resize_(3), rand(2), name="resize_ requires grad")


def test_native_norms():
    x, w, b = rand(4, 3, 2), rand(3, seed=1), rand(3, seed=2)
    check(lambda t, x, w, b: t.native_layer_norm(x, (3, 2), None, None, 1e-5), x, w, b, name="native_layer_norm")
    check(lambda t, x, w, b: t.native_group_norm(x, w, b, 4, 3, 2, 3, 1e-5), x, w, b, name="native_group_norm")

    def bn(t, x, w, b, training=True):
        rm, rv = t.zeros(3), t.ones(3)
        out = t.native_batch_norm(x, w, b, rm, rv, training, 0.1, 1e-5)
        return out + (rm, rv)
    check(bn, x, w, b, name="native_batch_norm")
    check(lambda t, x, w, b: bn(t, x, w, b, False), x, w, b, name="native_batch_norm eval")
    check(lambda t, x, w, b: t._native_batch_norm_legit(x, w, b, True, 0.1, 1e-5), x, w, b, name="legit no stats")
    check(lambda t, x: 2.0 / x, rand(3, low=1.0, high=2.0), name="rdiv")
    check(lambda t, x: x.__rdiv__(3), rand(3, low=1.0, high=2.0), name="__rdiv__")
