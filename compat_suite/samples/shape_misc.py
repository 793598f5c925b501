"""Sweep samples for the everyday shape and misc ops (combinations, block_diag, diagflat, cdist, dist, cov,
corrcoef, trapezoid, renorm, fill and the *_scatter ops)."""
import numpy as np

from ..harness import rand, randint, randn
from ._base import Sample, add

add("_combinations",
    Sample((randn(5),), call=lambda t, x: t.combinations(x), label="pairs"),
    Sample((randn(4),), call=lambda t, x: t.combinations(x, 3, with_replacement=True), label="r=3 replacement"),
    Sample((randint(0, 9, 4),), call=lambda t, x: t.combinations(x, 0), grad=False, label="r=0 int"))
add("_block_diag",
    Sample((randn(2, 3), randn(4), randn()), call=lambda t, a, b, c: t.block_diag(a, b, c), label="2-d 1-d 0-d"),
    Sample((randn(2, 2), randint(0, 5, 1, 3)), call=lambda t, a, b: t.block_diag(a, b), grad=False,
           label="mixed dtypes"))
add("diagflat",
    Sample((randn(2, 3),), call=lambda t, x: t.diagflat(x), label="flattened"),
    Sample((randn(3),), call=lambda t, x: x.diagflat(-2), label="offset"))
add("_cdist",
    Sample((randn(4, 3), randn(5, 3)), call=lambda t, a, b: t.cdist(a, b), label="p=2"),
    Sample((randn(2, 4, 3), randn(5, 3)), call=lambda t, a, b: t.cdist(a, b, p=1.0), label="p=1 batch"),
    Sample((randn(3, 2), randn(4, 2)), call=lambda t, a, b: t.cdist(a, b, p=3.0), label="p=3"),
    Sample((randn(3, 2), randn(4, 2)), call=lambda t, a, b: t.cdist(a, b, p=float("inf")), label="p=inf"))
add("dist",
    Sample((randn(3, 4), randn(4)), call=lambda t, a, b: t.dist(a, b), label="p=2 broadcast"),
    Sample((randn(5), randn(5)), call=lambda t, a, b: a.dist(b, 3), label="p=3"))
add("_cov",
    Sample((randn(3, 6),), call=lambda t, x: t.cov(x), label="rows"),
    Sample((randn(3, 6), randint(1, 4, 6), rand(6)),
           call=lambda t, x, f, a: t.cov(x, correction=0, fweights=f, aweights=a), grad=False, label="weights"),
    Sample((randn(5),), call=lambda t, x: x.cov(correction=2), label="1-d"))
add("_corrcoef_scale",
    Sample((randn(3, 6),), call=lambda t, x: t.corrcoef(x), label="rows"),
    Sample((randn(6),), call=lambda t, x: x.corrcoef(), label="1-d"))
add("_trapezoid",
    Sample((randn(3, 5),), call=lambda t, y: t.trapezoid(y), label="unit dx"),
    Sample((randn(3, 5), np.cumsum(rand(5)).astype(np.float32)), call=lambda t, y, x: t.trapz(y, x),
           label="x"),
    Sample((randn(4, 2),), call=lambda t, y: t.trapezoid(y, dx=0.5, dim=0), label="dx dim"))
add("_cumulative_trapezoid",
    Sample((randn(3, 5),), call=lambda t, y: t.cumulative_trapezoid(y), label="unit dx"),
    Sample((randn(3, 5), np.cumsum(rand(3, 5), 1).astype(np.float32)),
           call=lambda t, y, x: t.cumulative_trapezoid(y, x), label="x"))
add("renorm",
    Sample((randn(3, 4),), call=lambda t, x: t.renorm(x, 2, 0, 1.0), label="p=2"),
    Sample((randn(2, 3, 2),), call=lambda t, x: x.renorm(1, -1, 0.5), label="p=1"))
add("_fill",
    Sample((randn(2, 3),), call=lambda t, x: t.fill(x, 1.5), label="scalar"),
    Sample((randn(2, 3), randn()), call=lambda t, x, v: t.fill(x, v), label="0-d tensor"))
add("select_scatter",
    Sample((randn(3, 4), randn(3)), call=lambda t, x, s: t.select_scatter(x, s, 1, -1), label="dim 1"))
add("slice_scatter",
    Sample((randn(6, 2), randn(3, 2)), call=lambda t, x, s: t.slice_scatter(x, s, 0, 0, 6, 2), label="step"),
    Sample((randn(2, 5), randn(2, 2)), call=lambda t, x, s: x.slice_scatter(s, 1, -2), label="negative start"))
add("diagonal_scatter",
    Sample((randn(3, 4), randn(3)), call=lambda t, x, s: t.diagonal_scatter(x, s, 1), label="offset"),
    Sample((randn(2, 3, 3), randn(2, 3)), call=lambda t, x, s: t.diagonal_scatter(x, s, 0, 1, 2), label="batched"))
