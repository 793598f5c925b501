"""Samples for reductions, cumulative ops and sorting: 0-d and empty inputs, negative and tuple
dims, keepdim both ways, float32/float64, and integer inputs where PyTorch accepts them."""
import numpy as np

from ..harness import rand, randint, randn
from ._base import Sample, add

X3 = randn(2, 3, 4)
F64 = randn(3, 5, dtype=np.float64)
INT = randint(-5, 6, 3, 4)
NAN = randn(3, 4)
NAN[1, 2] = np.nan
NAN[2, 0] = np.nan
TIES = np.array([[1.0, 3.0, 3.0, 2.0], [0.5, 0.5, 0.5, -1.0]], np.float32)


def S(*inputs, call=None, grad=True, label="", **kw):
    return Sample(tuple(inputs), kw, call=call, grad=grad, label=label)


def fn(name, *args, **kw):
    """A call of t.<name>(inputs..., *args, **kw)."""
    def call(t, *xs):
        return getattr(t, name)(*xs, *args, **kw)
    return call


def method(name, *args, **kw):
    def call(t, x, *xs):
        return getattr(x, name)(*xs, *args, **kw)
    return call


def dims_samples(extra_dtypes=(), tuple_dims=True, empty=True, **kw):
    """A reduction's generic samples: whole tensor, int/negative/tuple dims, keepdim, 0-d, empty, dtypes."""
    out = [S(X3, label="all", **kw), S(X3, dim=1, label="dim=1", **kw),
           S(X3, dim=-1, keepdim=True, label="dim=-1 keepdim", **kw), S(randn(5), dim=0, label="1-D", **kw),
           S(np.array(1.5, np.float32), label="0-d", **kw), S(np.array(1.5, np.float32), dim=0, label="0-d dim", **kw),
           S(F64, dim=0, label="float64", **kw)]
    if tuple_dims:
        out += [S(X3, dim=(0, 2), label="dims (0, 2)", **kw), S(X3, dim=(-1, 0), keepdim=True, label="dims keep", **kw)]
    if empty:
        out += [S(randn(0, 3), dim=0, label="empty dim 0", **kw), S(randn(0, 3), dim=1, label="empty dim 1", **kw)]
    for dt in extra_dtypes:
        x = randint(0, 2, 3, 4).astype(bool) if dt is bool else randint(-5, 6, 3, 4, dtype=dt)
        out += [S(x, label=f"{np.dtype(dt).name}", **kw), S(x, dim=1, label=f"{np.dtype(dt).name} dim", **kw)]
    return out


add("sum", *dims_samples((np.int64, np.int32, bool)), S(X3, dim=1, dtype=None, label="dtype none"),
    Sample((INT,), call=lambda t, x: x.sum(1, dtype=t.float64), label="dtype=float64"))
add("nansum", *dims_samples((np.int64,)), S(NAN, label="nan"), S(NAN, dim=1, label="nan dim"))
add("mean", *dims_samples(), Sample((INT,), call=lambda t, x: t.mean(x, 1, dtype=t.float32), label="int dtype="))
add("nanmean", *dims_samples(), S(NAN, label="nan"), S(NAN, dim=0, keepdim=True, label="nan dim"))
add("prod", S(X3), S(X3, dim=1), S(X3, dim=-1, keepdim=True), S(np.array(2.5, np.float32)), S(randn(0, 3), dim=0),
    S(INT, label="int64"), S(INT, dim=0, label="int64 dim"), S(randint(0, 2, 4).astype(bool), label="bool"),
    S(randint(-3, 4, 5, dtype=np.int32), label="int32"), S(F64, dim=1),
    S(np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 0.5]], np.float32), dim=1, label="zero in row"),
    Sample((INT,), call=lambda t, x: t.prod(x, 1, dtype=t.float32), label="dtype="))


def _var_like(name):
    return [S(X3), S(X3, dim=1), S(X3, dim=(0, 2), keepdim=True), S(X3, dim=-1, correction=0),
            S(X3, dim=1, unbiased=False), S(X3, call=fn(name, 1, True), label="legacy (dim, unbiased)"),
            S(X3, call=fn(name, False), label="legacy (unbiased)"), S(F64, dim=0, correction=2),
            S(randn(5), label="1-D"), S(X3, dim=2, keepdim=True)]


for _name in ("var", "std", "var_mean", "std_mean"):
    add(_name, *_var_like(_name))


def _max_min(name):
    return [S(X3, call=fn(name), label="all"), S(X3, call=fn(name, 1), label="dim"),
            S(X3, call=fn(name, -1, True), label="dim keepdim"), S(X3, call=fn(name, dim=0), label="dim="),
            S(X3, call=method(name, 2), label="method"), S(np.array(1.5, np.float32), call=fn(name, 0), label="0-d"),
            S(randn(0, 3), call=fn(name, 1), label="empty rows"), S(INT, call=fn(name, 1), label="int64"),
            S(TIES, call=fn(name), label="ties all (split evenly)"), S(TIES, call=fn(name, 1), label="ties dim"),
            S(NAN, call=fn(name, 1), label="nan"), S(F64, call=fn(name, 0), label="float64"),
            S(X3, randn(3, 4), call=fn(name), label="binary"),
            S(randint(0, 2, 5).astype(bool), call=fn(name), label="bool")]


add("_max", *_max_min("max"))
add("_min", *_max_min("min"))
for _name in ("amax", "amin"):
    add(_name, S(X3), S(X3, dim=1), S(X3, dim=(0, 2)), S(X3, dim=-1, keepdim=True), S(TIES, label="ties"),
        S(TIES, dim=1, label="ties dim"), S(INT, dim=0), S(np.array(2.0, np.float32)), S(randn(0, 3), dim=1),
        S(F64, dim=(0, 1), keepdim=True))
add("aminmax", S(X3), S(X3, dim=1), S(X3, dim=-1, keepdim=True), S(INT), S(TIES, label="ties"),
    S(np.array(2.0, np.float32)), S(X3, keepdim=True, label="keepdim, no dim"))
for _name in ("argmax", "argmin"):
    add(_name, S(X3), S(X3, dim=1), S(X3, dim=-1, keepdim=True), S(X3, dim=None, keepdim=True), S(INT),
        S(INT, dim=0), S(TIES, dim=1, label="ties"), S(NAN, dim=1, label="nan"), S(np.array(2.0, np.float32)),
        S(np.array(2.0, np.float32), dim=0), S(randn(0, 3), dim=1))
for _name in ("all", "any"):
    add(_name, S(randint(0, 2, 3, 4).astype(bool)), S(randint(0, 2, 3, 4).astype(bool), dim=1),
        S(randint(0, 2, 3, 4).astype(bool), dim=-1, keepdim=True), S(INT), S(INT, dim=0), S(X3, dim=(0, 2)),
        S(randint(0, 3, 4, dtype=np.uint8), label="uint8"), S(np.zeros((0, 3), np.float32), dim=0),
        S(np.zeros((0, 3), np.float32)), S(np.array(0.0, np.float32)))
add("count_nonzero", S(INT), S(INT, dim=0), S(INT, dim=(0, 1)), S(X3, dim=-1), S(randint(0, 2, 5).astype(bool)),
    S(np.zeros((0, 2), np.float32), dim=1))
add("logsumexp", S(X3, dim=1), S(X3, dim=(0, 2)), S(X3, dim=-1, keepdim=True), S(F64, dim=0),
    S(np.array(1.0, np.float32), dim=0), S(randn(0, 3), dim=0, label="empty -> -inf"),
    S(INT, dim=1, label="int -> float"), S(np.array([[-np.inf, -np.inf], [1.0, -np.inf]], np.float32), dim=1,
                                          label="-inf"))
for _name in ("cumsum", "cumprod"):
    add(_name, S(X3, dim=1), S(X3, dim=-1), S(F64, dim=0), S(np.array(2.0, np.float32), dim=0), S(randn(0, 3), dim=0),
        S(INT, dim=1, label="int64"), S(randint(0, 2, 5).astype(bool), dim=0, label="bool"),
        S(randint(-3, 4, 5, dtype=np.int32), dim=0, label="int32 -> int64"),
        Sample((X3,), call=lambda t, x, n=_name: getattr(t, n)(x, 1, dtype=t.float64), label="dtype="),
        Sample((X3,), call=lambda t, x, n=_name: getattr(x * 1, n + "_")(0), label="in-place"))
add("logcumsumexp", S(X3, dim=1), S(F64, dim=0), S(np.array(2.0, np.float32), dim=0), S(randn(0, 2), dim=0))
for _name in ("cummax", "cummin"):
    add(_name, S(X3, dim=1), S(X3, dim=-1), S(INT, dim=0), S(TIES, dim=1, label="ties"), S(NAN, dim=1, label="nan"),
        S(np.array(2.0, np.float32), dim=0), S(randn(0, 3), dim=0, grad=False), S(F64, dim=1),
        S(np.array([1, 3, 3, 2, 3]), dim=0, label="int ties"))
add("diff", S(X3), S(X3, n=2, dim=1), S(X3, dim=0), S(INT, dim=1), S(randint(0, 2, 6).astype(bool), label="bool"),
    S(randn(3, 4), randn(3, 1), call=lambda t, x, p: t.diff(x, prepend=p), label="prepend"),
    S(randn(3, 4), randn(3, 2), call=lambda t, x, a: t.diff(x, append=a), label="append"),
    S(randn(4), n=5, label="n > size"))

# ----- sorting -----
for _name in ("sort",):
    add(_name, S(X3), S(X3, dim=1), S(X3, dim=0, descending=True), S(INT, dim=1, stable=True), S(NAN, label="nan"),
        S(NAN, descending=True, label="nan descending"), S(TIES, stable=True, label="stable ties"),
        S(np.array(2.0, np.float32)), S(randn(0, 3), dim=0), S(F64, dim=-1, descending=True),
        Sample((X3,), call=lambda t, x: x.sort(stable=True, dim=1), label="kw-only stable"))
add("argsort", S(X3), S(X3, dim=1, descending=True), S(INT, dim=0), S(TIES, stable=True, label="stable ties"),
    S(np.array(2.0, np.float32)), S(NAN, label="nan"))
add("msort", S(X3), S(INT), S(randn(5)), S(np.array(2.0, np.float32)))
add("topk", S(X3, call=fn("topk", 2)), S(X3, call=fn("topk", 2, dim=1)), S(X3, call=fn("topk", 1, 0, False)),
    S(np.array([[4, 1, 7, 3], [2, 9, 5, 0]]), call=fn("topk", 3), label="int64"), S(randn(6), call=fn("topk", 6), label="k = n"), S(randn(6), call=fn("topk", 0)),
    S(np.array(2.0, np.float32), call=fn("topk", 1)), S(F64, call=fn("topk", 2, largest=False)))
add("kthvalue", S(X3, call=fn("kthvalue", 2)), S(X3, call=fn("kthvalue", 1, 1)),
    S(X3, call=fn("kthvalue", 2, 0, True)), S(INT, call=fn("kthvalue", 4)), S(F64, call=fn("kthvalue", 5)),
    S(np.array(2.0, np.float32), call=fn("kthvalue", 1)))
for _name, _fn in (("_median", "median"), ("_nanmedian", "nanmedian")):
    add(_name, S(X3, call=fn(_fn)), S(X3, call=fn(_fn, 1)), S(X3, call=fn(_fn, -1, True)),
        S(TIES, call=fn(_fn), label="ties (gradient split)"), S(TIES, call=fn(_fn, 1), label="ties dim"),
        S(NAN, call=fn(_fn), label="nan"), S(NAN, call=fn(_fn, 1), label="nan dim"), S(INT, call=fn(_fn, 0)),
        S(INT, call=fn(_fn)), S(randn(0), call=fn(_fn), label="empty"),
        S(np.array(2.0, np.float32), call=fn(_fn, 0)), S(F64, call=method(_fn, 1)))
add("mode", S(np.array([[1, 3, 3, 2, 2, 1], [5, 5, 4, 4, 4, 1]]), call=fn("mode", 1), label="int ties"),
    S(np.round(X3 * 2) / 2, call=fn("mode"), label="float repeats"), S(np.round(X3), call=fn("mode", 0, True)),
    S(np.array(2.0, np.float32), call=fn("mode")), S(randint(0, 3, 7), call=fn("mode", 0)))
_Q = rand(3, 7, low=-2, high=2)
add("_quantile", *[S(_Q, call=fn(q, *a, **kw), label=f"{q} {a} {kw}") for q, a, kw in [
    ("quantile", (0.3,), {}), ("quantile", (0.3, 1), {}), ("quantile", (0.75, 0, True), {}),
("quantile", (0.4, None, True), {}),
    ("quantile", (0.35, 1), {"interpolation": "lower"}), ("quantile", (0.35, 1), {"interpolation": "higher"}),
    ("quantile", (0.35, 1), {"interpolation": "midpoint"}), ("quantile", (0.5, 1), {"interpolation": "nearest"}),
    ("nanquantile", (0.3, 1), {}), ("quantile", (1.0,), {}), ("quantile", (0.0, 0), {})]],
    S(NAN, call=fn("quantile", 0.5, 1), label="nan"), S(NAN, call=fn("nanquantile", 0.5, 1), label="nanquantile"),
    S(NAN, call=fn("nanquantile", 0.25), label="nanquantile all"),
    S(_Q, np.array([0.2, 0.8], np.float32), call=lambda t, x, q: t.quantile(x, q, dim=1), grad=False,
      label="tensor q"),
    S(F64, call=fn("quantile", 0.6, -1), label="float64"),
    S(_Q, np.array([0.1, 0.5, 0.9], np.float32), call=lambda t, x, q: t.quantile(x, q, 1, True), grad=False,
      label="tensor q keepdim"))


def _uniq(*args, **kw):
    def call(t, x):
        return t.unique(x, *args, **kw)
    return call


add("_gather_unique", S(np.array([3, 1, 3, 2, 2]), call=_uniq(), label="int"),
    S(np.array([3, 1, 3, 2, 2]), call=_uniq(return_inverse=True, return_counts=True), label="inverse counts"),
    S(np.array([[1, 2], [1, 2], [0, 1]]), call=_uniq(dim=0, return_inverse=True, return_counts=True), label="dim"),
    S(np.array([[1, 2], [1, 2], [0, 1]]), call=_uniq(return_inverse=True), label="2-D inverse"),
    S(np.array([1.5, -1.0, 1.5], np.float32), call=_uniq(), grad=False, label="float"),
    S(np.array([3, 3, 1, 3, 2]), call=lambda t, x: t.unique_consecutive(x, return_inverse=True, return_counts=True),
      label="consecutive"),
    S(np.array([[1, 1], [1, 1], [0, 1]]), call=lambda t, x: t.unique_consecutive(x, dim=0, return_counts=True),
      label="consecutive dim"),
    S(randint(0, 2, 6).astype(bool), call=_uniq(), label="bool"))
