"""Samples for the indexing operators (getitem/setitem forms, gather/scatter, index_*, masked_*, take, nonzero)."""
import numpy as np

from ..harness import randint, randn
from ._base import Sample, add


def S(*inputs, call=None, label="", grad=True, **kw):
    return Sample(tuple(inputs), kw, call=call, label=label, grad=grad)


X = randn(3, 4)
I = randint(-5, 6, 3, 4)
M = randn(3, 4, seed=5) > 0
IDX = np.array([[0, 2], [1, 1], [3, 0]])

add("_basic_index", S(randn(2, 3, 4), call=lambda t, x: x[:, None, 1:, ::3]), S(X, call=lambda t, x: x[...]),
    S(X, call=lambda t, x: x[()]), S(randn(), call=lambda t, x: x[None, ..., None]), S(I, call=lambda t, x: x[1, -2]),
    S(X, call=lambda t, x: x[5:]), S(X, call=lambda t, x: x[-10:2, 1:-1:2]), S(X, call=lambda t, x: x[t.tensor(1)]),
    S(randn(0, 3), call=lambda t, x: x[:, 1]))
add("_advanced_index", S(X, call=lambda t, x: x[[-1, 0]]), S(X, M, call=lambda t, x, m: x[m]),
    S(X, call=lambda t, x: x[True]), S(X, call=lambda t, x: x[False]), S(X, call=lambda t, x: x[t.tensor(True)]),
    S(X, call=lambda t, x: x[1, [0, 3]]), S(randn(2, 3, 4), call=lambda t, x: x[:, [0, 2], None]),
    S(randn(2, 3, 4), call=lambda t, x: x[[[0], [1]], :, [1, 2]]), S(randn(2, 3, 4), call=lambda t, x: x[..., [1, 0]]),
    S(X, M[0], call=lambda t, x, m: x[:, m]), S(I, call=lambda t, x: x[x > 0]), S(X, call=lambda t, x: x[[]]),
    S(X, call=lambda t, x: x[t.tensor([1, 2], dtype=t.int32)]), S(randn(2, 3, 4), call=lambda t, x: x[[0, 1], 1:, [2, 3]]),
    S(X, call=lambda t, x: x[[[0, 1]]]), S(X, call=lambda t, x: x[[0, slice(None)]]))


def _set(idx, value):
    def call(t, x, *v):
        y = x * 1
        y[idx] = v[0] if v else value
        return y
    return call


def _iadd(idx):
    def call(t, x):
        y = x * 1
        y[idx] += 1
        return y
    return call


add("_index_put", S(X, randn(4), call=_set(1, None)), S(X, randn(3, 1), call=_set((slice(None), slice(1, 3)), None)),
    S(X, call=_set((..., 0), 2.5)), S(X, call=_set([0, 2], 7.0)), S(X, randn(2, 4), call=_set([0, 2], None)),
    S(X, randn(1, 4), call=_set(0, None), label="leading 1 dropped"), S(I, call=_set(0, 2.7), label="float into int"),
    S(X, randn(dtype=np.float64), call=_set(M, None), label="value cast"), S(X, call=_iadd(1)),
    S(X, call=_iadd([0, 2])), S(X, call=_iadd((slice(None), [1, 3]))), S(I, call=_iadd(M)),
    S(X, randn(), call=_set((slice(None), 0), None), label="0-d value"),
    S(X, call=lambda t, x: (x * 1).index_put((t.tensor([0, 0]),), t.tensor(1.0), accumulate=True)),
    S(X, randn(2), call=lambda t, x, v: (x * 1).index_put_((t.tensor([0, 2]), t.tensor([1, 3])), v)),
    S(X, randn(), call=lambda t, x, v: (x * 1).index_put((t.tensor(M),), v)))
add("gather", S(X, 1, IDX), S(X, 0, IDX[:2]), S(X, -1, np.zeros((2, 1), np.int64)), S(I, 1, IDX),
    S(randn(3), 0, np.array([2, 0, 2])), S(X, 1, np.zeros((3, 0), np.int64)))
_SRC = randn(3, 4, seed=3)
add("scatter", S(X, 1, IDX[:, :1], randn(3, 1)), S(X, 0, np.array([[2, 0, 1, 0]]), randn(1, 4)),
    S(X, 1, IDX[:, :1], _SRC, grad=False, label="src larger than index"),
    S(X, call=lambda t, x: x.scatter(1, t.tensor(IDX[:, :1]), 5.0)),
    S(X, call=lambda t, x: x.scatter(1, t.tensor(IDX[:, :1]), value=-1.0)),
    S(X, call=lambda t, x: x.scatter(1, t.tensor(IDX), 2.0, reduce="add"), grad=False),
    S(X, _SRC, call=lambda t, x, s: x.scatter(0, t.tensor([[0, 1, 2, 0]]), s, reduce="multiply"), grad=False),
    S(I, 1, IDX[:, :1], randint(0, 5, 3, 4)))
add("scatter_add", S(X, 1, IDX, randn(3, 2)), S(X, 0, np.array([[0, 0, 1, 1], [0, 2, 2, 1]]), randn(2, 4)),
    S(X, 1, IDX, _SRC, grad=False, label="src larger than index"),
    S(I, 1, IDX, randint(0, 5, 3, 2)), S(randn(5), 0, np.array([1, 1, 4]), randn(3)))
_DUP = np.array([[0, 0, 1, 1], [2, 0, 2, 1]])
add("scatter_reduce", *[S(X, 0, _DUP, randn(2, 4, seed=3), reduce=r, include_self=inc, label=f"{r} self={inc}", grad=r != "prod")
                        for r in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)],
    S(I, 0, _DUP, randint(-3, 9, 2, 4), reduce="mean"), S(I, 0, _DUP, randint(-3, 9, 2, 4), reduce="amax"))
add("index_select", S(X, 0, np.array([2, 0, 2])), S(X, -1, np.array([3])), S(I, 1, np.array([], np.int64)),
    S(X, 1, np.array(1)), S(X, call=lambda t, x: t.index_select(x, 0, t.tensor([1], dtype=t.int32))))
add("index_add", S(X, 0, np.array([2, 0]), randn(2, 4)), S(X, 1, np.array([1, 1, 3]), randn(3, 3), alpha=2.0),
    S(I, 0, np.array([0]), randint(0, 3, 1, 4)))
add("index_copy", S(X, 0, np.array([2, 0]), randn(2, 4)), S(X, -1, np.array([3, 1]), randn(3, 2)))
add("index_fill", S(X, 0, np.array([2, 0]), -1.0), S(X, 1, np.array([3]), randn()), S(I, 1, np.array([0, 1]), 7))
add("masked_fill", S(X, M, 0.5), S(X, M[0], -1.0, label="mask broadcast"), S(X, M, randn(), label="0-d tensor value"),
    S(I, M, 3), S(I, M, 2.7, label="float into int"), S(randn(4), M, 1.0, label="broadcast out of place"),
    S(X, np.array(True), 1.0, label="0-d mask"))
add("masked_scatter", S(X, M, randn(12)), S(X, M[1], randn(20)), S(I, M, randint(0, 9, 12)))
add("masked_select", S(X, M), S(X, M[0]), S(randn(4), M), S(I, M), S(X, np.zeros((3, 4), bool)))
add("take", S(X, np.array([0, 11, -1, 5])), S(X, np.array([[1, 2], [3, 3]])), S(randn(), np.array([0, -1])))
add("take_along_dim", S(X, IDX, dim=1), S(X, np.array([[0], [2], [1]]), dim=1), S(X, np.array([5, 0, 11])),
    S(X, np.array([[0, 1, 2, 0]]), dim=0), S(randn(2, 3, 4), np.zeros((2, 1, 1), np.int64), dim=1))
add("nonzero", S(X > 0), S(I), S(randn(), call=lambda t, x: t.nonzero(x)), S(np.zeros((2, 0))),
    S(I, call=lambda t, x: x.nonzero(as_tuple=True)), S(I, call=lambda t, x: t.argwhere(x)),
    S(I, call=lambda t, x: t.where(x > 0)), S(np.array(3), call=lambda t, x: x.nonzero(as_tuple=True)),
    S(np.array(0), call=lambda t, x: t.nonzero(x, as_tuple=True)))
add("put", S(X, np.array([0, 11, -1, 5]), randn(4, seed=4)), S(X, np.array([[1, 2], [3, 3]]), randn(2, 2, seed=5),
                                                                 accumulate=True, label="accumulate"),
    S(I, np.array([0, -1]), randint(-3, 3, 2), call=lambda t, x, i, s: x.put(i, s), label="method int64"))
add("index_reduce", *[S(randn(3, 2), 0, np.array([0, 2, 0, 2]), randn(4, 2, seed=6), reduce=r, include_self=inc,
                        label=f"{r} self={inc}", grad=r != "prod") for r in ("prod", "mean", "amax", "amin")
                      for inc in (True, False)],
    S(randn(2, 3), 1, np.array([2, 2]), randn(2, 2, seed=7), reduce="prod", label="prod grad"))
add("nonzero_static", S(X > 0, size=4), S(I, size=20, fill_value=-7, label="padded"), S(randn(), size=2, label="0-d"),
    S(X, call=lambda t, x: x.nonzero_static(size=0), label="method size 0"))
add("as_strided_scatter",
    S(randn(3, 3), randn(2, 2, seed=8), call=lambda t, x, s: t.as_strided_scatter(x, s, (2, 2), (1, 2), 1)),
    S(randn(6), randn(3, seed=9), call=lambda t, x, s: x.as_strided_scatter(s, (3,), (2,)), label="method"),
    S(randn(1), randn(seed=10), call=lambda t, x, s: t.as_strided_scatter(x, s, (), ()), label="0-d src"))
