"""NaN and infinity through reductions, sorting, softmax, norms and losses against real PyTorch,
with the gradients at those points (where a NaN is the maximum, where a row is all -inf, ...)."""
import math

import numpy as np
import pytest

from .test_nan_inf import probe, table

NAN, INF = math.nan, math.inf
# Rows: a NaN among finite values, +inf and -inf, all -inf, +inf twice, NaN and inf, plain.
M = np.array([[1.0, NAN, 3.0, -2.0],
              [INF, 0.5, -INF, 2.0],
              [-INF, -INF, -INF, -INF],
              [INF, 1.0, INF, -1.0],
              [NAN, INF, -INF, 0.0],
              [0.25, -1.5, 2.0, 0.75]], np.float32)
M64 = M.astype(np.float64)


def _dim_forms(name, f):
    """f over the whole tensor, along the last dim, and along dim 0 with keepdim."""
    return [(name, lambda t, x: f(t, x, None)), (name + "_dim1", lambda t, x: f(t, x, 1)),
            (name + "_dim0", lambda t, x: f(t, x, 0))]


def _opt_dim(fn):
    return lambda t, x, d: fn(t, x) if d is None else fn(t, x, d)


REDUCE = [c for n, f in [
    ("sum", _opt_dim(lambda t, x, *d: x.sum(*d))),
    ("mean", _opt_dim(lambda t, x, *d: x.mean(*d))),
    ("nansum", _opt_dim(lambda t, x, *d: t.nansum(x, *d))),
    ("nanmean", _opt_dim(lambda t, x, *d: t.nanmean(x, *d))),
    ("prod", _opt_dim(lambda t, x, *d: x.prod(*d))),
    ("std", _opt_dim(lambda t, x, *d: x.std(*d))),
    ("var", _opt_dim(lambda t, x, *d: x.var(*d))),
    ("amax", _opt_dim(lambda t, x, *d: x.amax(*d))),
    ("amin", _opt_dim(lambda t, x, *d: x.amin(*d))),
    ("max", _opt_dim(lambda t, x, *d: x.max(*d))),
    ("min", _opt_dim(lambda t, x, *d: x.min(*d))),
    ("argmax", _opt_dim(lambda t, x, *d: x.argmax(*d))),
    ("argmin", _opt_dim(lambda t, x, *d: x.argmin(*d))),
    ("logsumexp", lambda t, x, d: t.logsumexp(x, -1 if d is None else d)),
    ("median", _opt_dim(lambda t, x, *d: x.median(*d))),
    ("nanmedian", _opt_dim(lambda t, x, *d: x.nanmedian(*d))),
    ("norm2", lambda t, x, d: t.linalg.vector_norm(x, 2, dim=d)),
    ("norm_inf", lambda t, x, d: t.linalg.vector_norm(x, INF, dim=d)),
    ("norm_neg_inf", lambda t, x, d: t.linalg.vector_norm(x, -INF, dim=d)),
    ("norm1", lambda t, x, d: t.linalg.vector_norm(x, 1, dim=d)),
    ("norm0", lambda t, x, d: t.linalg.vector_norm(x, 0, dim=d)),
    ("norm3", lambda t, x, d: t.linalg.vector_norm(x, 3, dim=d)),
    ("tensor_norm", lambda t, x, d: x.norm() if d is None else x.norm(dim=d)),
    ("all_any", lambda t, x, d: (x.all(), x.any()) if d is None else (x.all(d), x.any(d))),
    ("count_nonzero", lambda t, x, d: t.count_nonzero(x, d)),
    ("aminmax", lambda t, x, d: t.aminmax(x, dim=d)),
] for c in _dim_forms(n, f)]
test_reductions = table(REDUCE, inputs=(M,), pointwise=False)
test_reductions_float64 = table(REDUCE[:33], inputs=(M64,), pointwise=False)

# Each row alone: the NaN row, the inf rows, all -inf (kept apart from the other rows' values).
ROWS = [
    ("softmax", lambda t, x: x.softmax(-1)),
    ("log_softmax", lambda t, x: x.log_softmax(-1)),
    ("softmax_dim0", lambda t, x: x.softmax(0)),
    ("log_softmax_dim0", lambda t, x: x.log_softmax(0)),
    ("softmin", lambda t, x: t.nn.functional.softmin(x, -1)),
    ("cumsum", lambda t, x: x.cumsum(1)),
    ("cummax", lambda t, x: x.cummax(1)),
    ("cummin", lambda t, x: x.cummin(1)),
    ("logcumsumexp", lambda t, x: x.logcumsumexp(1)),
    ("sort", lambda t, x: x.sort(1)),
    ("sort_desc", lambda t, x: x.sort(1, descending=True)),
    ("sort_stable", lambda t, x: x.sort(dim=0, stable=True)),
    ("argsort", lambda t, x: x.argsort(1)),
    ("msort", lambda t, x: t.msort(x)),
    # Rows without tied values: which of equal elements topk/kthvalue pick is unspecified.
    ("topk", lambda t, x: x[[0, 1, 4, 5]].topk(2, 1)),
    ("topk_smallest", lambda t, x: x[[0, 1, 4, 5]].topk(2, 1, largest=False)),
    ("kthvalue", lambda t, x: x[[0, 1, 4, 5]].kthvalue(2, 1)),
    ("kthvalue_last", lambda t, x: x[[0, 1, 4, 5]].kthvalue(4, 1)),
    ("max_dim_values", lambda t, x: x.max(1).values),
    ("maximum_rows", lambda t, x: t.maximum(x, x.flip(0))),
    ("minimum_rows", lambda t, x: t.minimum(x, x.flip(1))),
    ("clamp_rows", lambda t, x: x.clamp(x.flip(0), x.flip(1))),
    ("normalize", lambda t, x: t.nn.functional.normalize(x, dim=1)),
    ("cosine_similarity", lambda t, x: t.nn.functional.cosine_similarity(x, x.flip(0), dim=1)),
    ("dist", lambda t, x: t.dist(x[5], x[0])),
    ("std_mean", lambda t, x: t.std_mean(x[[0, 4, 5]], 1)),
    ("var_mean", lambda t, x: t.var_mean(x[[0, 4, 5]], 1)),
    ("diff", lambda t, x: t.diff(x, dim=1)),
    ("trapezoid", lambda t, x: t.trapezoid(x, dim=1)),
    ("matmul_inf", lambda t, x: x[1:4] @ x[1:4].T),
    ("outer_inf", lambda t, x: t.outer(x[1], x[3])),
]
test_rows = table(ROWS, inputs=(M,), pointwise=False)

# ----- gradients where the extreme value is NaN or tied with inf -----
V = np.array([1.0, NAN, 3.0, NAN, -INF], np.float32)
TIES = np.array([INF, 1.0, INF, -INF, -INF], np.float32)
EXTREMES = [
    ("max_nan", lambda t, x: x.max()),
    ("min_nan", lambda t, x: x.min()),
    ("amax_nan", lambda t, x: x.amax()),
    ("amin_nan", lambda t, x: x.amin()),
    ("max_dim_nan", lambda t, x: x.max(0)),
    ("min_dim_nan", lambda t, x: x.min(0)),
    ("argmax_nan", lambda t, x: (x.argmax(), x.argmin())),
    ("sort_nan", lambda t, x: x.sort()),
    ("topk_nan", lambda t, x: x.topk(3)),
    ("median_nan", lambda t, x: x.median()),
    ("nanmedian", lambda t, x: x.nanmedian()),
    ("kthvalue_nan", lambda t, x: x.kthvalue(4)),
    ("unique", lambda t, x: t.unique(x.detach())),
    ("unique_inverse", lambda t, x: t.unique(x.detach(), return_inverse=True, return_counts=True)),
    ("sum_nan", lambda t, x: x.sum()),
    ("nansum", lambda t, x: x.nansum()),
    ("nanmean", lambda t, x: x.nanmean()),
    ("prod_nan", lambda t, x: x.prod()),
    ("logsumexp_nan", lambda t, x: x.logsumexp(0)),
    ("softmax_nan", lambda t, x: x.softmax(0)),
    ("mode", lambda t, x: x.mode()),
]
test_extremes_nan = table(EXTREMES, inputs=(V,), pointwise=False)
test_extremes_ties = table(EXTREMES, inputs=(TIES,), pointwise=False)


# ----- losses with inf and NaN inputs -----
def F(t):
    return t.nn.functional


LOGITS = np.array([[INF, 0.0, 1.0], [-INF, 2.0, 0.5], [NAN, 1.0, 0.0], [1e30, -1e30, 0.0],
                   [-INF, -INF, 3.0], [0.5, -0.5, 2.0]], np.float32)
TARGET = np.array([[1.0, 0.0, 0.5], [INF, 2.0, 0.0], [0.0, NAN, 1.0], [1.0, 1.0, 1.0],
                   [-INF, 0.0, 3.0], [0.5, 0.25, 2.0]], np.float32)
LOSSES = [
    ("cross_entropy", lambda t, x, y: F(t).cross_entropy(x, t.tensor([0, 1, 1, 0, 2, 2]), reduction="none")),
    ("cross_entropy_mean", lambda t, x, y: F(t).cross_entropy(x[3:], t.tensor([0, 2, 1]))),
    ("cross_entropy_smooth", lambda t, x, y: F(t).cross_entropy(x[3:], t.tensor([0, 2, 1]), label_smoothing=0.1)),
    ("nll_loss", lambda t, x, y: F(t).nll_loss(x, t.tensor([0, 1, 1, 0, 2, 2]), reduction="none")),
    ("mse", lambda t, x, y: F(t).mse_loss(x, y, reduction="none")),
    ("mse_mean", lambda t, x, y: F(t).mse_loss(x[3:], y[3:])),
    ("l1", lambda t, x, y: F(t).l1_loss(x, y, reduction="none")),
    ("smooth_l1", lambda t, x, y: F(t).smooth_l1_loss(x, y, reduction="none")),
    ("smooth_l1_beta0", lambda t, x, y: F(t).smooth_l1_loss(x, y, reduction="none", beta=0.0)),
    ("huber", lambda t, x, y: F(t).huber_loss(x, y, reduction="none")),
    ("bce_with_logits", lambda t, x, y: F(t).binary_cross_entropy_with_logits(x, y.clamp(0, 1), reduction="none")),
    ("bce_with_logits_weight", lambda t, x, y: F(t).binary_cross_entropy_with_logits(
        x, y.detach().nan_to_num().clamp(0, 1), pos_weight=t.tensor([2.0, 1.0, 0.5]), reduction="none")),
    ("soft_margin", lambda t, x, y: F(t).soft_margin_loss(x, t.ones_like(x), reduction="none")),
    ("kl_div_log_target", lambda t, x, y: F(t).kl_div(x, y, reduction="none", log_target=True)),
    ("poisson_nll", lambda t, x, y: F(t).poisson_nll_loss(x, y.abs(), reduction="none")),
    ("gaussian_nll", lambda t, x, y: F(t).gaussian_nll_loss(x[3:], y[3:], t.ones(3, 3), reduction="none")),
]
test_losses = table(LOSSES, inputs=(LOGITS, TARGET), pointwise=False)


def test_relu_signed_zero_gradient_chain():
    """-0.0 through a chain: the sign reaches 1/x, and the gradients agree."""
    probe(lambda t, x: 1.0 / t.relu(x * -1.0), np.array([0.0, -0.0, 2.0], np.float32), name="relu_chain")
