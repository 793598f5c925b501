"""Binning and search ops against PyTorch's own results."""
import numpy as np
import pytest

import torchlike as tl

torch = pytest.importorskip("torch")


def same(a, b):
    """A torchlike result equals a torch one: values, shape and dtype."""
    assert tuple(a.shape) == tuple(b.shape)
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    np.testing.assert_allclose(np.asarray(a.tolist(), dtype=float), np.asarray(b.tolist(), dtype=float),
                               rtol=1e-6, equal_nan=True)


def both(fn, *arrays, **kw):
    """fn called on the same data in torchlike and torch."""
    return fn(tl, *[tl.tensor(a) for a in arrays], **kw), fn(torch, *[torch.tensor(a) for a in arrays], **kw)


def test_bincount():
    x = [0, 1, 1, 4, 2]
    same(*both(lambda m, a: m.bincount(a), x))
    same(*both(lambda m, a: m.bincount(a, minlength=8), x))
    same(*both(lambda m, a, w: m.bincount(a, w), x, np.float32([0.5, 1, 2, 3, 4])))
    same(*both(lambda m, a, w: m.bincount(a, w), x, [1, 2, 3, 4, 5]))  # int weights count in float64
    same(*both(lambda m, a: a.bincount(minlength=2), np.int64([])))


def test_bincount_errors():
    with pytest.raises(RuntimeError, match="1-d non-negative integral"):
        tl.bincount(tl.tensor([-1, 2]))
    with pytest.raises(RuntimeError, match="1-d non-negative integral"):
        tl.bincount(tl.tensor([[1]]))
    with pytest.raises(NotImplementedError, match="bincount_cpu"):
        tl.bincount(tl.tensor([1.0]))
    with pytest.raises(RuntimeError, match="minlength should be >= 0"):
        tl.bincount(tl.tensor([1]), minlength=-1)
    with pytest.raises(RuntimeError, match="weights should be 1-d"):
        tl.bincount(tl.tensor([1, 2]), tl.tensor([1.0]))


def test_histc():
    x = np.float32([1, 2, 1, 2.5, -3, 7])
    same(*both(lambda m, a: m.histc(a, bins=4), x))
    same(*both(lambda m, a: a.histc(bins=5, min=0, max=2), x))
    same(*both(lambda m, a: m.histc(a, bins=3), np.float32([1, 1])))  # one value: widened by 1
    same(*both(lambda m, a: m.histc(a, bins=3, min=0, max=4), np.float32([np.nan, 1, 4])))
    with pytest.raises(RuntimeError, match="max must be larger than min"):
        tl.histc(tl.tensor([1.0]), min=2, max=1)
    with pytest.raises(RuntimeError, match="is not finite"):
        tl.histc(tl.tensor([1.0, float("nan")]))
    with pytest.raises(NotImplementedError):
        tl.histc(tl.tensor([1, 2]))


def test_histogram():
    x = np.float64([[0.1, 0.4, 0.4], [0.9, 1.0, 0.0]])
    w = np.float64([[1, 2, 3], [4, 5, 6]])
    for density in (False, True):
        a, b = both(lambda m, a, w: m.histogram(a, 3, weight=w, density=density), x, w)
        assert type(a).__name__ == "histogram" and a._fields == ("hist", "bin_edges")
        same(a.hist, b.hist)
        same(a.bin_edges, b.bin_edges)
        a, b = both(lambda m, a, e: m.histogram(a, e, density=density), x, np.float64([0, 0.25, 0.5, 2]))
        same(a.hist, b.hist)
    a, b = both(lambda m, a: a.histogram(4, range=(0.0, 2.0)), x)
    same(a.hist, b.hist)
    same(a.bin_edges, b.bin_edges)
    with pytest.raises(RuntimeError, match="min should not exceed max"):
        tl.histogram(tl.tensor([1.0]), 2, range=(3.0, 1.0))
    with pytest.raises(RuntimeError, match="same dtype"):
        tl.histogram(tl.tensor([1.0]), tl.tensor([0.0, 2.0], dtype=tl.float64))


def test_bucketize_searchsorted():
    b = np.float32([1, 3, 5])
    x = np.float32([[0, 3, 6], [1, 2, np.nan]])
    for right in (False, True):
        same(*both(lambda m, a, bd: m.bucketize(a, bd, right=right), x, b))
        same(*both(lambda m, bd, a: m.searchsorted(bd, a, right=right, out_int32=True), b, x))
    rows = np.float32([[1, 2, 3], [0, 5, 9]])
    same(*both(lambda m, bd, a: m.searchsorted(bd, a, side="right"), rows, np.float32([[2], [5]])))
    unsorted = np.float32([5, 1, 3])
    same(*both(lambda m, bd, a, s: m.searchsorted(bd, a, sorter=s), unsorted, x, [1, 2, 0]))
    same(*both(lambda m, bd: m.searchsorted(bd, 3), b))
    with pytest.raises(RuntimeError, match="boundaries tensor must be 1 dimension"):
        tl.bucketize(tl.tensor(x), tl.tensor(x))
    with pytest.raises(RuntimeError, match="side can only be"):
        tl.searchsorted(tl.tensor(b), tl.tensor(x), side="middle")
    with pytest.raises(RuntimeError, match="sorter index out of range"):
        tl.searchsorted(tl.tensor(b), tl.tensor(x), sorter=tl.tensor([0, 1, 5]))


def test_isin():
    e, t = [[1, 2], [3, 4]], [2, 3, 9]
    same(*both(lambda m, a, b: m.isin(a, b), e, t))
    same(*both(lambda m, a, b: m.isin(a, b, invert=True), e, t))
    same(*both(lambda m, a, b: m.isin(a, b), e, np.float32([2.0, 3.5])))
    same(*both(lambda m, b: m.isin(2, b), t))
    same(*both(lambda m, a: m.isin(a, 2), e))
    with pytest.raises(TypeError):
        tl.isin(2, 2)


def test_unravel_index():
    for idx, shape in (([22, 41, 37], (7, 6)), (1621, (6, 7, 8, 9)), ([-1, 5], (2, 2)), (0, ())):
        got, want = tl.unravel_index(tl.tensor(idx), shape), torch.unravel_index(torch.tensor(idx), shape)
        assert len(got) == len(want)
        for a, b in zip(got, want):
            same(a, b)
    with pytest.raises(TypeError, match="integer dtype"):
        tl.unravel_index(tl.tensor([1.0]), (2,))
    with pytest.raises(ValueError, match="negative"):
        tl.unravel_index(tl.tensor([1]), (2, -2))
