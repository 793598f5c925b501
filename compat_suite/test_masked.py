"""torch.masked against real PyTorch: the value masked-out elements take in each reduction, fully
masked slices (identity, NaN, -inf), mask broadcasting and casting, result dtypes, gradients and
double backward, and the errors PyTorch raises."""
import numpy as np
import pytest
import torch

import torchlike

from .harness import LIBS, assert_close, check, check_error, randint, randn

X = randn(3, 4)
X64 = randn(3, 4, dtype=np.float64, seed=3)
INT = randint(-5, 6, 3, 4)
# Row 1 fully masked out, the others partly.
M = np.array([[True, False, True, True], [False, False, False, False], [False, True, True, False]])
ROW = np.array([True, False, True, False])      # broadcast along dim 0
COL = np.array([[True], [False], [True]])       # broadcast along dim 1 (row 1 fully masked)


def _m(t, m):
    return None if m is None else t.tensor(m)


# ----- reductions: dims x masks x keepdim -----
REDUCTIONS = ["sum", "prod", "amax", "amin", "mean", "logsumexp", "norm", "var", "std"]
MASKS = {"full": M, "row": ROW, "col": COL, "none": None}
DIMS = {"all": None, "dim1": 1}


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("mask", list(MASKS))
@pytest.mark.parametrize("dim", list(DIMS))
def test_reduction(name, mask, dim):
    keepdim = dim == "dim1"
    check(lambda t, x: getattr(t.masked, name)(x, dim=DIMS[dim], keepdim=keepdim, mask=_m(t, MASKS[mask])), X,
          area="masked", name=f"masked.{name} {dim} {mask}")


def test_negative_and_list_dims():
    for name in ("sum", "prod", "mean", "var"):
        check(lambda t, x: getattr(t.masked, name)(x, -2, mask=_m(t, M)), X, area="masked", name=name + " dim -2")
        check(lambda t, x: getattr(t.masked, name)(x, [1, 0], keepdim=True, mask=_m(t, COL)), X, area="masked",
              name=name + " dim list")


@pytest.mark.parametrize("name", ["sum", "prod", "amax", "amin", "mean", "logsumexp", "var", "std", "argmax",
                                  "argmin"])
def test_zero_dim_input(name):
    x = np.array(1.5, np.float32)
    check(lambda t, x: getattr(t.masked, name)(x, mask=t.tensor(False)), x, area="masked", name=name + " 0-d")
    check(lambda t, x: getattr(t.masked, name)(x, 0, keepdim=True, mask=t.tensor(True)), x, area="masked",
          name=name + " 0-d dim")


def test_norm_orders():
    for ord in (1.0, 2.0, 3.0, float("inf"), float("-inf"), 0.0):
        check(lambda t, x: t.masked.norm(x, ord, 1, mask=_m(t, M)), X, area="masked", name=f"norm ord={ord}")
        check(lambda t, x: t.masked.norm(x, ord, mask=_m(t, ROW)), X, area="masked", name=f"norm all ord={ord}")


def test_var_std_correction():
    for kw in ({"unbiased": False}, {"unbiased": True}, {"correction": 0}, {"correction": 2}, {"correction": 1.5}):
        for name in ("var", "std"):
            check(lambda t, x: getattr(t.masked, name)(x, 1, mask=_m(t, M), **kw), X, area="masked",
                  name=f"{name} {kw}")
    check(lambda t, x: t.masked.var(x, 1, False, mask=_m(t, M)), X, area="masked", name="var positional unbiased")


def test_argmax_argmin():
    for name in ("argmax", "argmin"):
        for dim, keepdim in ((None, False), (1, False), (0, True)):
            check(lambda t, x: getattr(t.masked, name)(x, dim, keepdim=keepdim, mask=_m(t, M)), X, area="masked",
                  name=f"{name} {dim}")
        check(lambda t, x: getattr(t.masked, name)(x, 1, mask=_m(t, M)), INT, area="masked", name=name + " int")
        check(lambda t, x: getattr(t.masked, name)(x, 1, dtype=t.int64, mask=_m(t, COL)), X, area="masked",
              name=name + " dtype")


def test_median():
    check(lambda t, x: t.masked.median(x, 1, mask=_m(t, M)), X, area="masked", name="median fully masked row")
    check(lambda t, x: t.masked.median(x, 0, keepdim=True, mask=_m(t, ROW)), X, area="masked", name="median keep")
    check(lambda t, x: t.masked.median(x), X, area="masked", name="median default dim")
    check(lambda t, x: t.masked.median(x, 1, mask=_m(t, ROW)), INT, area="masked", name="median int")
    check(lambda t, x: t.masked.median(x, 1, dtype=t.int32, mask=_m(t, ROW)), INT, area="masked",
          name="median int dtype")


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumulative(name):
    for dim in (0, 1, -1):
        for mask in (M, ROW, None):
            check(lambda t, x: getattr(t.masked, name)(x, dim, mask=_m(t, mask)), X, area="masked",
                  name=f"{name} {dim}")
    check(lambda t, x: getattr(t.masked, name)(x, 1, mask=_m(t, M)), INT.astype(np.int32), area="masked",
          name=name + " int32 stays int32")
    check(lambda t, x: getattr(t.masked, name)(x, 1, dtype=t.float64, mask=_m(t, M)), X, area="masked",
          name=name + " dtype")


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_family(name):
    for dim in (0, 1):
        for mask in (M, COL, None):
            check(lambda t, x: getattr(t.masked, name)(x, dim, mask=_m(t, mask)), X, area="masked",
                  name=f"{name} {dim}")
    check(lambda t, x: getattr(t.masked, name)(x, 1, dtype=t.float64, mask=_m(t, M)), X, area="masked",
          name=name + " dtype")


def test_normalize():
    for ord in (2.0, 1.0, float("inf")):
        for dim in (0, 1):
            check(lambda t, x: t.masked.normalize(x, ord, dim, mask=_m(t, M)), X, area="masked",
                  name=f"normalize {ord} {dim}")
    check(lambda t, x: t.masked.normalize(x, 2.0, 1), X, area="masked", name="normalize no mask")
    check(lambda t, x: t.masked.normalize(x, 2.0, 1, eps=10.0, mask=_m(t, ROW)), X, area="masked",
          name="normalize eps")


def test_logaddexp():
    y = randn(3, 4, seed=5)
    check(lambda t, a, b: t.masked.logaddexp(a, b, input_mask=_m(t, M), other_mask=_m(t, ROW)), X, y,
          area="masked", name="logaddexp masks")
    check(lambda t, a, b: t.masked.logaddexp(a, b, input_mask=_m(t, M), other_mask=_m(t, M)), X, y,
          area="masked", name="logaddexp both masked out")
    check(lambda t, a, b: t.masked.logaddexp(a, b), X, y, area="masked", name="logaddexp no masks")
    check(lambda t, a, b: t.masked.logaddexp(a, b, dtype=t.float64, other_mask=_m(t, COL)), X, y, area="masked",
          name="logaddexp dtype")


# ----- dtypes -----
DTYPE_CASES = {
    "sum int64": lambda t: t.masked.sum(t.tensor(INT), 1, mask=t.tensor(M)),
    "sum int32 -> int64": lambda t: t.masked.sum(t.tensor(INT, dtype=t.int32), 1, mask=t.tensor(M)),
    "sum bool -> int64": lambda t: t.masked.sum(t.tensor(M), 0, mask=t.tensor(ROW)),
    "sum uint8": lambda t: t.masked.sum(t.tensor(INT.clip(0), dtype=t.uint8), mask=t.tensor(M)),
    "sum dtype": lambda t: t.masked.sum(t.tensor(INT), 1, dtype=t.float32, mask=t.tensor(M)),
    "prod int8 -> int64": lambda t: t.masked.prod(t.tensor(INT, dtype=t.int8), 1, mask=t.tensor(M)),
    "prod bool": lambda t: t.masked.prod(t.tensor(M), 1, mask=t.tensor(COL)),
    "amax int fully masked": lambda t: t.masked.amax(t.tensor(INT), 1, mask=t.tensor(M)),
    "amin int16 fully masked": lambda t: t.masked.amin(t.tensor(INT, dtype=t.int16), 1, mask=t.tensor(M)),
    "amax uint8": lambda t: t.masked.amax(t.tensor(INT.clip(0), dtype=t.uint8), 1, mask=t.tensor(M)),
    "amax dtype": lambda t: t.masked.amax(t.tensor(X), 1, dtype=t.float64, mask=t.tensor(M)),
    "mean dtype": lambda t: t.masked.mean(t.tensor(X), 1, dtype=t.float64, mask=t.tensor(M)),
    "mean int dtype": lambda t: t.masked.mean(t.tensor(INT), 1, dtype=t.float32, mask=t.tensor(M)),
    "mean complex": lambda t: t.masked.mean(t.tensor(X + 1j * X64), 1, mask=t.tensor(M)),
    "logsumexp int": lambda t: t.masked.logsumexp(t.tensor(INT), 1, mask=t.tensor(ROW)),
    "logsumexp float64": lambda t: t.masked.logsumexp(t.tensor(X64), 1, mask=t.tensor(M)),
    "var int -> float32": lambda t: t.masked.var(t.tensor(INT), 1, mask=t.tensor(M)),
    "std int dtype": lambda t: t.masked.std(t.tensor(INT), 1, dtype=t.float64, mask=t.tensor(ROW)),
    "var complex stays complex": lambda t: t.masked.var(t.tensor(X + 1j * X64), 1, mask=t.tensor(ROW)),
    "norm float64 dtype": lambda t: t.masked.norm(t.tensor(X), 2.0, 1, dtype=t.float64, mask=t.tensor(M)),
    "normalize complex": lambda t: t.masked.normalize(t.tensor(X + 1j * X64), 2.0, 1, mask=t.tensor(M)),
    "median int fully masked ok": lambda t: t.masked.median(t.tensor(INT), 0, mask=t.tensor(M)),
    "float16 sum": lambda t: t.masked.sum(t.tensor(X, dtype=t.float16), 1, mask=t.tensor(M)),
    "bfloat16 amax": lambda t: t.masked.amax(t.tensor(X, dtype=t.bfloat16), 1, mask=t.tensor(M)),
}


@pytest.mark.parametrize("name", list(DTYPE_CASES))
def test_dtypes(name):
    check(lambda t: DTYPE_CASES[name](t), grad=False, area="masked", name=name)


def test_mask_cast_and_broadcast():
    check(lambda t, x: t.masked.sum(x, 1, mask=t.tensor(M.astype(np.int64))), X, area="masked", name="int mask")
    check(lambda t, x: t.masked.sum(x, 1, mask=t.tensor(ROW.astype(np.float32))), X, area="masked",
          name="float mask broadcast")
    check(lambda t, x: t.masked.amax(x, mask=t.tensor(True)), X, area="masked", name="0-d mask")
    check(lambda t, x: t.masked.mean(x, 1, mask=t.tensor(M)[:, ::2].repeat(1, 2)), X, area="masked",
          name="view mask")


# ----- double backward -----
DOUBLE = {
    "sum": lambda t, x, m: t.masked.sum(x * x, 1, mask=m),
    "prod": lambda t, x, m: t.masked.prod(x, 1, mask=m),
    "amax": lambda t, x, m: t.masked.amax(x * x, 1, mask=m),
    "mean": lambda t, x, m: t.masked.mean(x * x, 1, mask=m),
    "logsumexp": lambda t, x, m: t.masked.logsumexp(x, 1, mask=m),
    "norm": lambda t, x, m: t.masked.norm(x, 2.0, 1, mask=m),
    "var": lambda t, x, m: t.masked.var(x, 1, mask=m),
    "std": lambda t, x, m: t.masked.std(x, 1, mask=m),
    "cumprod": lambda t, x, m: t.masked.cumprod(x, 1, mask=m),
    "softmax": lambda t, x, m: t.masked.softmax(x, 1, mask=m),
    "log_softmax": lambda t, x, m: t.masked.log_softmax(x, 1, mask=m),
    "normalize": lambda t, x, m: t.masked.normalize(x, 2.0, 1, mask=m),
    "median": lambda t, x, m: t.masked.median(x * x, 1, mask=m),
    "logaddexp": lambda t, x, m: t.masked.logaddexp(x, x * 2, input_mask=m),
}


@pytest.mark.parametrize("name", list(DOUBLE))
def test_double_backward(name):
    mask = np.array([[True, False, True, True], [True, True, True, True], [False, True, True, False]])
    results = []
    for t in LIBS:
        x = t.tensor(X64, requires_grad=True)
        out = DOUBLE[name](t, x, t.tensor(mask))
        cot = t.tensor(np.cos(np.arange(out.numel(), dtype=np.float64)).reshape(tuple(out.shape)))
        (g,) = t.autograd.grad(out, x, cot, create_graph=True)
        (gg,) = t.autograd.grad(g, x, t.tensor(np.sin(np.arange(12.0)).reshape(3, 4)))
        results.append((out, g, gg))
    for what, a, b in zip(("value", "grad", "gradgrad"), results[0], results[1]):
        assert_close(a.detach(), b.detach(), name, what)


# ----- errors -----
ERRORS = {
    "mask with more dims": lambda t: t.masked.sum(t.tensor(X), mask=t.ones(2, 3, 4, dtype=t.bool)),
    "mask not broadcastable": lambda t: t.masked.amax(t.tensor(X), 1, mask=t.ones(3, dtype=t.bool)),
    "repeated dim": lambda t: t.masked.sum(t.tensor(X), (0, 0)),
    "dim out of range": lambda t: t.masked.prod(t.tensor(X), 2),
    "amax dim out of range": lambda t: t.masked.amax(t.tensor(X), -3, mask=t.tensor(M)),
    "mean int": lambda t: t.masked.mean(t.tensor(INT)),
    "mean int dtype": lambda t: t.masked.mean(t.tensor(X), dtype=t.int64),
    "var unbiased and correction": lambda t: t.masked.var(t.tensor(X), 1, True, correction=1),
    "median int fully masked": lambda t: t.masked.median(t.tensor(INT), 1, mask=t.tensor(M)),
    "median 0-d without dim": lambda t: t.masked.median(t.tensor(1.0), None),
    "amax bool identity": lambda t: t.masked.amax(t.tensor(M), mask=t.tensor(M)),
    "norm -inf of int": lambda t: t.masked.norm(t.tensor(INT), float("-inf"), mask=t.tensor(M)),
    "softmax dim out of range": lambda t: t.masked.softmax(t.tensor(X), 2),
    "cumsum repeated dims": lambda t: t.masked.cumsum(t.tensor(X), (1, 1)),
    "logsumexp int8 bool": lambda t: t.masked.logsumexp(t.tensor(M), mask=t.tensor(M)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    check_error(lambda t: ERRORS[name](t), area="masked", name=name)


# ----- MaskedTensor (a prototype in PyTorch): the basics -----
D2 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)
M2 = np.array([[True, False, True], [False, False, False]])
M3 = np.array([[True, False, True], [False, True, True]])


def _mt(t, d=D2, m=M2, **kw):
    return t.masked.masked_tensor(t.tensor(d), t.tensor(m), **kw)


MT_CASES = {
    "repr": lambda t: repr(_mt(t)),
    "repr int": lambda t: repr(t.masked.masked_tensor(t.tensor([1, 2, 3]), t.tensor([True, False, True]))),
    "repr 0-d": lambda t: repr(t.masked.masked_tensor(t.tensor(2.5), t.tensor(False))),
    "metadata": lambda t: (tuple(_mt(t).shape), str(_mt(t).dtype), _mt(t).dim(), _mt(t).requires_grad,
                           t.masked.is_masked_tensor(_mt(t)), t.masked.is_masked_tensor(t.tensor(D2))),
    "data mask to_tensor": lambda t: (_mt(t).get_data(), _mt(t).get_mask(), _mt(t).to_tensor(-1.0)),
    "reductions": lambda t: [repr(getattr(_mt(t, m=M3), f)()) for f in ("sum", "mean", "amax", "amin", "argmax",
                                                                          "prod", "all", "var", "std")],
    "reductions dim": lambda t: [repr(getattr(_mt(t), f)(1)) for f in ("sum", "mean", "amax", "argmin", "prod",
                                                                         "var")] + [repr(_mt(t).sum(0, True))],
    "elementwise": lambda t: [repr(f(_mt(t))) for f in (lambda m: m.exp(), lambda m: -m, lambda m: m + m,
                                                         lambda m: m * 2, lambda m: 2 / m, lambda m: m ** 2,
                                                         lambda m: m < 2.5, lambda m: m[0], lambda m: m.float(),
                                                         lambda m: m + t.tensor(D2), lambda m: abs(m))],
    "masked ops take it": lambda t: [getattr(t.masked, f)(_mt(t, m=M3), 1) for f in (
        "sum", "mean", "amax", "argmax", "prod", "var", "std", "logsumexp", "median", "softmax", "cumsum")],
    "masked ops with mask=": lambda t: (t.masked.mean(_mt(t, m=M3), 1, mask=t.tensor(M3)),
                                        t.masked.normalize(_mt(t, m=M3), 2.0, 1)),
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", list(MT_CASES))
def test_masked_tensor(name):
    check(lambda t: MT_CASES[name](t), grad=False, area="masked", name="MaskedTensor " + name)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_masked_tensor_gradients():
    def fn(t):
        grads = []
        for use in (lambda x: t.masked.sum(x, 1).sum(), lambda x: x.sum(), lambda x: (x * x).mean(1).to_tensor(0).sum(),
                    lambda x: t.masked.softmax(x, 1)[:, 0].sum()):
            x = _mt(t, m=M3, requires_grad=True)
            use(x).backward()
            grads.append(x.grad.to_tensor(-1.0))
        return grads
    check(fn, grad=False, area="masked", name="MaskedTensor grads")


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_masked_tensor_warns():
    for t in LIBS:
        with pytest.warns(UserWarning, match="prototype"):
            _mt(t)


MT_ERRORS = {
    "int mask": lambda t: _mt(t, m=M2.astype(np.int64)),
    "mask shape": lambda t: t.masked.masked_tensor(t.tensor(D2), t.tensor(M2[0])),
    "data not a tensor": lambda t: t.masked.masked_tensor(D2.tolist(), t.tensor(M2)),
    "unsupported dtype": lambda t: t.masked.masked_tensor(t.tensor(D2, dtype=t.uint8), t.tensor(M2)),
    "masks must match": lambda t: _mt(t) + _mt(t, m=M3),
    "no reflected sub": lambda t: 2 - _mt(t),
    "unknown attribute": lambda t: _mt(t).no_such_attribute,
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", list(MT_ERRORS))
def test_masked_tensor_errors(name):
    check_error(lambda t: MT_ERRORS[name](t), area="masked", name="MaskedTensor " + name)


def test_namespace():
    assert sorted(torchlike.masked.__all__) == sorted(torch.masked.__all__)
    for name in torch.masked.__all__:
        assert hasattr(torchlike.masked, name), name
