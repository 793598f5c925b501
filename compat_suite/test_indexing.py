"""Indexing against PyTorch: getitem/setitem forms, placement of advanced indices, errors."""
import numpy as np
import pytest

from .harness import check, check_error, randint, randn

X3 = randn(2, 3, 4)

GET = [
    (0,), (-1,), (slice(None, None, 2),), (slice(-3, None), 1), (None, 0), (Ellipsis, None), (1, Ellipsis, 2),
    ([0, 1],), ([1, 0], slice(None), [3, 2]), (slice(None), [0, 2], [1, 3]), (slice(None), [[0], [2]], 1),
    (0, [2, 1], slice(1, 3)), ([0, 1], None, [2, 1]), (Ellipsis, [3, 0]), (None, [1], None, [2]),
    ([[0, 1], [1, 0]], slice(None), 0), (1, slice(None), [True, False, True, False]), (slice(None), 2, [0, 1]),
    (np.array([1, 0]),), ([0, 1], [2, 0], [3, 1]), (slice(5, 1),), (slice(None), slice(None, None, 5)),
]


@pytest.mark.parametrize("idx", GET, ids=[str(i) for i in range(len(GET))])
def test_getitem(idx):
    check(lambda t, x: x[idx], X3, area="indexing", name=f"getitem {idx}")


@pytest.mark.parametrize("idx", GET, ids=[str(i) for i in range(len(GET))])
def test_setitem_broadcast_scalar(idx):
    def fn(t, x):
        y = x * 1
        y[idx] = -1.5
        return y
    check(fn, X3, area="indexing", name=f"setitem {idx}")


def test_getitem_tensor_indices():
    check(lambda t, x, i: (x[i], x[:, i[:2]], x[:, i > 0], x[i[0]]), X3, randint(0, 2, 3), area="indexing")
    check(lambda t, x: (x[t.tensor([[1, 0]])], x[..., t.tensor([0, 3], dtype=t.int32)]), X3, area="indexing")
    check(lambda t, x, m: (x[m], x[m].sum()), X3, randn(2, 3) > 0, area="indexing")
    check(lambda t, x, m: x[:, m], X3, randn(3, 4, seed=2) > 0, area="indexing")
    check(lambda t, x: (x[t.tensor(True)], x[t.tensor(False)], x[True, 0], x[0, None, True]), X3, area="indexing")
    check(lambda t, x: (x[t.tensor(1)], x[t.tensor(1), t.tensor(-1)]), X3, area="indexing")
    check(lambda t, x: x[..., None, [0, 0]], X3, area="indexing")


def test_getitem_int_and_bool_tensors():
    check(lambda t, x: (x[1:], x[x > 0], x[[2, 0]]), randint(-3, 4, 5), area="indexing")
    check(lambda t, x: (x[1], x[[0, 0]], x[x]), np.array([True, False, True]), area="indexing")
    check(lambda t, x: (x[None], x[...], x[()]), randn(), area="indexing")


@pytest.mark.parametrize("fn", [
    lambda t, x: x[5], lambda t, x: x[:, -5], lambda t, x: x[0, 0, 0, 0], lambda t, x: x[t.tensor([0, 2])],
    lambda t, x: x[:, t.tensor([-4])], lambda t, x: x[t.tensor([1.0])], lambda t, x: x[t.tensor([True, False, True])],
    lambda t, x: x[::-1], lambda t, x: x[0, t.tensor([[True]])], lambda t, x: x["a"],
    lambda t, x: x[[0, 5]], lambda t, x: x[1.5],
], ids=lambda f: "")
def test_getitem_errors(fn):
    check_error(fn, X3, area="indexing")


def test_getitem_0d_errors():
    check_error(lambda t, x: x[0], randn(), area="indexing")
    check_error(lambda t, x: x[:], randn(), area="indexing")


def test_setitem_forms():
    def fn(t, x, v):
        y = x * 1
        y[0] = v[0]
        y[1, :, 1:3] = v[1, :, :2] * 2
        y[:, [0, 2]] = 7.0
        y[y > 1] = 0.25
        y[..., -1] = t.tensor(3.0)
        y[1, 2] = t.tensor([[1.0, 2.0, 3.0, 4.0]])
        return y
    check(fn, X3, randn(2, 3, 4, seed=1), area="indexing")


def test_setitem_dtype_casting():
    def fn(t, x):
        y = x.clone()
        y[0] = 2.9
        y[1] = t.tensor([1.5, -2.5, 3.5])
        y[2, 0] = True
        return y
    check(fn, randint(-3, 4, 3, 3), area="indexing")
    check(lambda t, x: _set(t, x.clone(), 0, 5), np.array([True, False]), area="indexing")
    check(lambda t, x: _set(t, x.double(), slice(0, 2), x[:2] * 2), randn(3), area="indexing")
    check(lambda t, x: _set(t, x.double(), x.double() > 0, x[0] * 2), randn(3), area="indexing")
    check_error(lambda t, x: _set(t, x.double(), [0, 1], x[0] * 2), randn(3), area="indexing")
    check_error(lambda t, x: _set(t, x.double(), [0, 1], x[:2]), randn(3), area="indexing")


def _set(t, y, idx, v):
    y[idx] = v
    return y


def test_setitem_augmented():
    def fn(t, x):
        y = x * 1
        y[0] += 1
        y[:, 1] *= 3
        y[[0, 1], [2, 3]] -= 5
        y[y < 0] /= 2
        return y, y._version
    check(fn, randn(3, 4), area="indexing")


def test_setitem_duplicates_accumulate():
    def fn(t, x):
        y = x.clone()
        y.index_put_((t.tensor([0, 0, 2]),), t.tensor([1.0, 2.0, 3.0]), accumulate=True)
        return y
    check(fn, randn(3), area="indexing")


def test_setitem_grad_of_value_and_base():
    def fn(t, x, v):
        y = x.sin()
        y = y * 1
        y[1:, 0] = v
        y[[0, 0], [1, 1]] = v[:1] * 2
        return y
    check(fn, randn(3, 4), randn(2), area="indexing")


def test_setitem_errors():
    check_error(lambda t, x: _set(t, x, slice(None), t.ones(2)), randn(3, 4), area="indexing")
    check_error(lambda t, x: _set(t, x, [0, 1], t.ones(3)), randn(3, 4), area="indexing")
    check_error(lambda t, x: _set(t, x, 3, 1.0), randn(3, 4), area="indexing")
    check_error(lambda t, x: _set(t, x.requires_grad_(), 0, 1.0), randn(3, 4), area="indexing")
    check_error(lambda t, x: _set(t, x.requires_grad_(), x > 0, 1.0), randn(3, 4), area="indexing")


def test_setitem_no_grad_on_leaf():
    def fn(t, x):
        with t.no_grad():
            x[0] = 5.0
            x[[1]] += 1
        return x * 2
    check(fn, randn(2, 3), area="indexing")


# ----- gather/scatter/index_*/masked_*/take errors -----
ERRS = [
    lambda t, x: x.gather(1, t.tensor([[0, 5]])), lambda t, x: x.gather(1, t.tensor([[-1]])),
    lambda t, x: x.gather(1, t.tensor([[0.0]])), lambda t, x: x.gather(0, t.zeros(2, 5, dtype=t.long)),
    lambda t, x: x.gather(0, t.zeros(2, dtype=t.long)), lambda t, x: x.scatter(1, t.tensor([[0, 5]]), 1.0),
    lambda t, x: x.scatter(1, t.tensor([[0]]), t.ones(1, 1, dtype=t.float64)),
    lambda t, x: x.scatter(0, t.zeros(2, 5, dtype=t.long), t.ones(3, 5)),
    lambda t, x: x.scatter_reduce(0, t.zeros(1, 4, dtype=t.long), t.ones(1, 4), "foo"),
    lambda t, x: x.scatter_add(0, t.tensor([[3]]), t.ones(1, 1)), lambda t, x: x.index_select(0, t.tensor([3])),
    lambda t, x: x.index_select(0, t.tensor([[0]])), lambda t, x: x.index_select(0, t.tensor([0.0])),
    lambda t, x: x.index_add(0, t.tensor([5]), t.ones(1, 4)), lambda t, x: x.index_copy(0, t.tensor([5]), t.ones(1, 4)),
    lambda t, x: x.index_copy(0, t.tensor([0]), t.ones(2, 4)), lambda t, x: x.index_fill(0, t.tensor([3]), 1.0),
    lambda t, x: x.index_fill(0, t.tensor([0]), t.ones(2)), lambda t, x: x.masked_fill(t.ones(3, 4), 1.0),
    lambda t, x: x.masked_fill(x > 0, t.ones(2)), lambda t, x: x.masked_fill_(t.ones(2, 3, 4, dtype=t.bool), 1.0),
    lambda t, x: x.masked_select(t.ones(4, 4, dtype=t.bool)), lambda t, x: x.take(t.tensor([12])),
    lambda t, x: x.take(t.tensor([-13])), lambda t, x: x.masked_scatter(x > -100, t.ones(5)),
    lambda t, x: x.index_put((t.tensor([3]),), t.tensor(1.0)),
    lambda t, x: x.index_put((t.tensor([0]),), t.tensor(1.0, dtype=t.float64)),
]


@pytest.mark.parametrize("i", range(len(ERRS)))
def test_indexing_op_errors(i):
    check_error(ERRS[i], randn(3, 4), area="indexing")


def test_inplace_indexing_ops():
    def fn(t, x, s):
        y = x * 1
        y.scatter_(1, t.tensor([[0], [2], [1]]), s[:, :1])
        y.index_add_(0, t.tensor([2]), s[:1], alpha=-1)
        y.masked_fill_(y > 1, 0.0)
        y.index_fill_(1, t.tensor([3]), -2.0)
        y.masked_scatter_(y < -1, s)
        y.scatter_add_(0, t.tensor([[1, 0, 1, 0]]), s[:1])
        y.index_copy_(1, t.tensor([0]), s[:, 1:2])
        y.scatter_reduce_(0, t.tensor([[0, 0, 1, 1]]), s[1:2], "amax", include_self=True)
        return y, y._version
    check(fn, randn(3, 4), randn(3, 4, seed=4), area="indexing")


def test_nonzero_forms():
    check(lambda t, x: (x.nonzero(), t.nonzero(x, as_tuple=True), t.where(x), t.argwhere(x), x.argwhere()),
          randint(0, 2, 3, 4), area="indexing")
    check(lambda t, x: (x.nonzero(), t.where(x)), np.zeros((0, 3), np.float32), area="indexing")


def test_value_dependent_shapes():
    check(lambda t, x, r: (x.repeat_interleave(r, dim=0), t.repeat_interleave(r)), randn(3, 2), randint(0, 3, 3),
          area="indexing")
    check(lambda t, x: (x.masked_select(x > 0.5), x[x > 0.5], x.masked_select(x > 100)), randn(4, 5), area="indexing")
    check_error(lambda t, x: x.repeat_interleave(t.tensor([1, 2]), dim=0), randn(3, 2), area="indexing")
    check_error(lambda t, x: x.repeat_interleave(t.tensor([1, -1, 2]), dim=0), randn(3, 2), area="indexing")


def test_range_indices():
    # `x_[range(n), y] = v` (one-hot labels, as in pytorch/examples' forward-forward MNIST)
    def fn(t, x, y):
        z = x * 1
        z[range(2), y] = 7.0
        return x[range(2), y], x[range(1, 2)], x[:, range(3)], z
    check(fn, X3, randint(0, 3, 2), area="indexing")
