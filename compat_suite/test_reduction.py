"""Reductions and sorting against real PyTorch: named-tuple results (fields, unpacking, printing,
out=), dtype rules, gradients at ties, and the errors PyTorch raises."""
import numpy as np
import pytest

from .harness import check, check_error, randint, randn

X = randn(3, 4)
INT = randint(-5, 6, 3, 4)


def _t(t, a=X, grad=False):
    return t.tensor(a, requires_grad=grad)


# ----- named tuples -----
NAMED = {
    "max dim": lambda t: t.max(_t(t), 1),
    "min keepdim": lambda t: _t(t).min(0, keepdim=True),
    "sort": lambda t: t.sort(_t(t), descending=True),
    "topk": lambda t: t.topk(_t(t), 2),
    "kthvalue": lambda t: t.kthvalue(_t(t), 2, 0),
    "median dim": lambda t: t.median(_t(t), 1),
    "nanmedian dim": lambda t: t.nanmedian(_t(t), 1),
    "mode": lambda t: t.mode(_t(t, INT)),
    "cummax": lambda t: t.cummax(_t(t), 1),
    "cummin": lambda t: t.cummin(_t(t), 0),
    "aminmax": lambda t: t.aminmax(_t(t)),
    "slogdet": lambda t: t.slogdet(_t(t, np.eye(3, dtype=np.float32) * 2)),
    "linalg.slogdet": lambda t: t.linalg.slogdet(_t(t, np.eye(3, dtype=np.float32) * 2)),
    "linalg.eigh": lambda t: t.linalg.eigh(_t(t, np.diag([3.0, 1.0, 2.0]).astype(np.float32))),
    "linalg.qr": lambda t: t.linalg.qr(_t(t, np.eye(2, dtype=np.float32))),
}


@pytest.mark.parametrize("name", list(NAMED))
def test_named_tuple(name):
    """Same type name, fields, length, and printed form as PyTorch's."""
    def fn(t):
        r = NAMED[name](t)
        return type(r).__name__, r._fields if hasattr(r, "_fields") else tuple(
            f for f in ("values", "indices", "min", "max", "sign", "logabsdet", "eigenvalues", "eigenvectors", "Q",
                        "R") if hasattr(r, f)), len(r), repr(r), isinstance(r, tuple), list(r)
    check(fn, grad=False, area="reduction", name=name)


def test_named_fields_and_unpacking():
    def fn(t):
        r = t.max(_t(t), dim=1)
        values, indices = r
        return values, indices, r.values, r.indices, r[0], r[-1]
    check(fn, grad=False, area="reduction")


def test_named_tuple_out():
    def fn(t):
        v, i = t.empty(0), t.empty(0, dtype=t.int64)
        r = t.max(_t(t), 1, out=(v, i))
        return r, v, i, type(r).__name__
    check(fn, grad=False, area="reduction")


def test_max_binary_and_other_kw():
    check(lambda t, a, b: (t.max(a, b), t.min(a, other=b), a.max(b)), X, randn(3, 4, seed=2), area="reduction")


def test_max_dim_gradient_to_selected_index_only():
    ties = np.array([[2.0, 2.0, 1.0], [0.0, 3.0, 3.0]], np.float32)
    check(lambda t, x: t.max(x, 1).values, ties, area="reduction", name="max dim ties")
    check(lambda t, x: x.max(), ties, area="reduction", name="max all ties")
    check(lambda t, x: x.amax(1), ties, area="reduction", name="amax ties")
    check(lambda t, x: x.amin((0, 1)), np.ones((2, 2), np.float32), area="reduction", name="amin all equal")


def test_grad_fn_name_strings():
    def fn(t):
        x = _t(t, grad=True)
        return [f.grad_fn.name() for f in (x.max(), x.max(1)[0], x.sum(), x.mean(), x.std(), x.cumsum(0),
                                           x.sort(1)[0], x.amax(1), x.logsumexp(1), x.norm())]
    check(fn, grad=False, area="reduction", name="grad_fn name()")


# ----- dtype rules -----
DTYPES = {
    "sum int32": lambda t: t.tensor([1, 2], dtype=t.int32).sum(),
    "sum bool": lambda t: t.tensor([True, True]).sum(),
    "prod uint8": lambda t: t.tensor([2, 3], dtype=t.uint8).prod(),
    "cumsum int8": lambda t: t.tensor([1, 2], dtype=t.int8).cumsum(0),
    "sum dtype=": lambda t: t.tensor([1.5, 2.5]).sum(dtype=t.float64),
    "mean float16": lambda t: t.tensor([1.5, 2.5], dtype=t.float16).mean(),
    "argmax": lambda t: t.tensor([1.0, 3.0]).argmax(),
    "all uint8": lambda t: t.tensor([1, 2], dtype=t.uint8).all(),
    "any float": lambda t: t.tensor([0.0, 2.0]).any(),
    "count_nonzero": lambda t: t.tensor([0.0, 2.0]).count_nonzero(),
    "logsumexp int": lambda t: t.logsumexp(t.tensor([1, 2]), 0),
    "var float64": lambda t: t.tensor([1.0, 2.0, 4.0], dtype=t.float64).var(),
    "median int": lambda t: t.tensor([3, 1, 2]).median(),
}


@pytest.mark.parametrize("name", list(DTYPES))
def test_dtype_rules(name):
    check(DTYPES[name], grad=False, area="reduction", name=name)


# ----- errors -----
ERRORS = {
    "dim out of range": lambda t: _t(t).sum(2),
    "dim out of range negative": lambda t: _t(t).mean(-3),
    "tuple dim out of range": lambda t: _t(t).amax((0, 5)),
    "mean of int": lambda t: _t(t, INT).mean(),
    "mean int dtype": lambda t: _t(t).mean(dtype=t.int64),
    "nanmean of int": lambda t: _t(t, INT).nanmean(),
    "std of int": lambda t: _t(t, INT).std(),
    "max of empty": lambda t: t.zeros(0).max(),
    "min of empty": lambda t: t.zeros(0, 3).min(),
    "amax of empty": lambda t: t.zeros(0).amax(),
    "max over empty dim": lambda t: t.zeros(0, 3).max(0),
    "argmax of empty": lambda t: t.zeros(0).argmax(),
    "argmax over empty dim": lambda t: t.zeros(0, 3).argmax(0),
    "argmax of bool": lambda t: t.tensor([True, False]).argmax(),
    "median over empty dim": lambda t: t.zeros(0, 3).median(0),
    "mode over empty dim": lambda t: t.zeros(0, 3).mode(0),
    "topk k too large": lambda t: t.topk(_t(t), 5),
    "topk k too large dim": lambda t: t.topk(_t(t), 4, dim=0),
    "kthvalue k too large": lambda t: t.kthvalue(t.tensor([1.0, 3.0, 2.0]), 4),
    "kthvalue k zero": lambda t: t.kthvalue(t.tensor([1.0, 3.0, 2.0]), 0),
    "quantile q > 1": lambda t: t.quantile(_t(t), 1.5),
    "quantile int input": lambda t: t.quantile(_t(t, INT), 0.5),
    "quantile interpolation": lambda t: t.quantile(_t(t), 0.5, interpolation="foo"),
    "quantile q dtype": lambda t: t.quantile(_t(t), t.tensor([0.5], dtype=t.float64)),
    "cumsum needs dim": lambda t: t.cumsum(_t(t)),
    "logsumexp needs dim": lambda t: t.logsumexp(_t(t)),
    "logcumsumexp int": lambda t: t.logcumsumexp(_t(t, INT), 0),
    "prod tuple dim": lambda t: t.prod(_t(t), (0, 1)),
    "sort dim out of range": lambda t: t.sort(_t(t), 2),
    "cummax dim out of range": lambda t: t.cummax(_t(t), -3),
    "diff 0-d": lambda t: t.diff(t.tensor(1.0)),
    "aminmax empty": lambda t: t.aminmax(t.zeros(0)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    check_error(lambda t: ERRORS[name](t), area="reduction", name=name)


def test_max_empty_message_exact():
    def fn(t):
        try:
            t.zeros(0).max()
        except RuntimeError as e:
            return str(e)
    check(fn, grad=False, area="reduction")


def test_dim_error_message_exact():
    def fn(t):
        try:
            _t(t).sum(2)
        except IndexError as e:
            return str(e)
    check(fn, grad=False, area="reduction")


# ----- behaviours -----
def test_std_var_forms():
    check(lambda t, x: (x.std(1, True, True), x.var(unbiased=False), t.std(x, dim=(0, 1), correction=0),
                        t.var_mean(x, 0), t.std_mean(x, correction=2)), X, area="reduction")


def test_median_of_even_count_is_lower():
    check(lambda t, x: (x.median(), x.nanmedian()), np.array([4.0, 1.0, 3.0, 2.0], np.float32), area="reduction")


def test_unique_forms():
    x = np.array([[3, 1], [3, 2], [1, 1]])
    check(lambda t, a: (t.unique(a), a.unique(return_counts=True), t.unique(a, dim=1), t.unique(a, sorted=True,
                                                                                                return_inverse=True)),
          x, grad=False, area="reduction")


def test_unique_requires_grad_like_torch():
    check(lambda t, a: t.unique(a), np.array([1.0, 2.0, 1.0], np.float32), grad=False, area="reduction")


def test_sort_then_gather_grad():
    check(lambda t, x: x.sort(dim=0).values * x.argsort(0).float(), X, area="reduction")


def test_cumsum_inplace_and_out():
    def fn(t, x):
        o = t.empty(0)
        t.cumsum(x, 1, out=o)
        y = x.detach().clone()
        y.cumsum_(0)
        return o, y
    check(fn, X, grad=False, area="reduction")
