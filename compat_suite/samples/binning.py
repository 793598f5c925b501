"""Sweep samples for the binning and search ops (searchsorted, bucketize, bincount, histc, histogramdd, isin,
unravel_index)."""
import numpy as np

from ..harness import rand, randint, randn
from ._base import Sample, add

_X = randn(4, 5)
_B = np.array([-1.0, -0.2, 0.3, 1.5], np.float32)
add("_searchsorted",
    Sample((_B, _X), call=lambda t, b, x: t.searchsorted(b, x), grad=False, label="1-D"),
    Sample((_B, _X), call=lambda t, b, x: t.searchsorted(b, x, right=True, out_int32=True), grad=False,
           label="right int32"),
    Sample((np.sort(randn(3, 6), -1), randn(3, 4)), call=lambda t, b, x: t.searchsorted(b, x, side="right"),
           grad=False, label="rows"),
    Sample((_B[[2, 0, 3, 1]], _X, np.array([1, 3, 0, 2])),
           call=lambda t, b, x, s: t.searchsorted(b, x, sorter=s), grad=False, label="sorter"),
    Sample((_B,), call=lambda t, b: t.searchsorted(b, 0.3), grad=False, label="scalar"),
    Sample((_X, _B), call=lambda t, x, b: t.bucketize(x, b, right=True), grad=False, label="bucketize"),
    Sample((np.array([1, 3, 5]), np.array([0.5, 3.0, 7.0], np.float32)),
           call=lambda t, b, x: t.searchsorted(b, x), grad=False, label="int boundaries"))
add("_bincount",
    Sample((randint(0, 6, 20),), call=lambda t, x: t.bincount(x), grad=False, label="counts"),
    Sample((randint(0, 6, 20),), call=lambda t, x: t.bincount(x, minlength=10), grad=False, label="minlength"),
    Sample((randint(0, 6, 20), rand(20)), call=lambda t, x, w: t.bincount(x, w), grad=False, label="weights"),
    Sample((randint(0, 6, 20), randint(0, 9, 20)), call=lambda t, x, w: x.bincount(w), grad=False,
           label="int weights"),
    Sample((np.zeros(0, np.int64),), call=lambda t, x: t.bincount(x, minlength=3), grad=False, label="empty"))
add("_histc",
    Sample((_X,), call=lambda t, x: t.histc(x, bins=7), grad=False, label="data range"),
    Sample((_X,), call=lambda t, x: x.histc(5, -1, 1), grad=False, label="range"),
    Sample((np.ones(3, np.float32),), call=lambda t, x: t.histc(x, bins=4), grad=False, label="one value"),
    Sample((randn(0),), call=lambda t, x: t.histc(x, bins=3), grad=False, label="empty"))
add("_histogramdd",
    Sample((_X,), call=lambda t, x: t.histogram(x, 6), grad=False, label="histogram"),
    Sample((_X, rand(4, 5)), call=lambda t, x, w: t.histogram(x, 4, range=(-1.0, 1.0), weight=w, density=True),
           grad=False, label="histogram weight density"),
    Sample((_X, _B), call=lambda t, x, b: x.histogram(b), grad=False, label="histogram edges"),
    Sample((randn(10, 2),), call=lambda t, x: t.histogramdd(x, [3, 2]), grad=False, label="histogramdd"),
    Sample((randn(10, 3), rand(10)), call=lambda t, x, w: t.histogramdd(x, 2, weight=w, density=True), grad=False,
           label="histogramdd weight density"),
    Sample((randn(10, 2), [_B, np.array([-2.0, 0.0, 2.0], np.float32)]),
           call=lambda t, x, bs: t.histogramdd(x, bs), grad=False, label="histogramdd edges"))
add("_isin",
    Sample((randint(0, 8, 3, 4), randint(0, 8, 5)), call=lambda t, a, b: t.isin(a, b), grad=False, label="int"),
    Sample((randint(0, 8, 3, 4), randint(0, 8, 5)), call=lambda t, a, b: t.isin(a, b, invert=True), grad=False,
           label="invert"),
    Sample((np.array([0.5, 1.0, -0.0, np.nan], np.float32), np.array([1.0, 0.0, np.nan], np.float32)),
           call=lambda t, a, b: t.isin(a, b), grad=False, label="float nan zero"),
    Sample((randint(0, 8, 6),), call=lambda t, a: t.isin(a, 3), grad=False, label="scalar test"),
    Sample((randint(0, 8, 6),), call=lambda t, b: t.isin(3, b), grad=False, label="scalar element"))
add("_unravel_index",
    Sample((np.array([[3, 8, 13], [0, 5, 10]]),), call=lambda t, i: t.unravel_index(i, (4, 5)), grad=False),
    Sample((np.array(1621),), call=lambda t, i: t.unravel_index(i, (6, 7, 8, 9)), grad=False, label="0-d"),
    Sample((np.array([-1, 25], np.int32),), call=lambda t, i: t.unravel_index(i, (2, 3)), grad=False,
           label="wrapping int32"))
