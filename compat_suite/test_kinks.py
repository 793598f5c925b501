"""Gradients at kinks: where a function is not differentiable PyTorch picks one side (or a
subgradient); torchlike must pick the same. Each case differentiates f at the kink points listed,
in float64, and compares x.grad with PyTorch's."""
import pytest

from .harness import check

CASES = {
    "relu": (lambda t, x: t.relu(x), [0.0]),
    "relu6": (lambda t, x: t.nn.functional.relu6(x), [0.0, 6.0]),
    "hardtanh": (lambda t, x: t.nn.functional.hardtanh(x), [-1.0, 1.0]),
    "hardtanh_custom": (lambda t, x: t.nn.functional.hardtanh(x, -2.0, 0.5), [-2.0, 0.5]),
    "leaky_relu": (lambda t, x: t.nn.functional.leaky_relu(x, 0.1), [0.0]),
    "elu": (lambda t, x: t.nn.functional.elu(x), [0.0]),
    "celu": (lambda t, x: t.nn.functional.celu(x, 2.0), [0.0]),
    "selu": (lambda t, x: t.nn.functional.selu(x), [0.0]),
    "hardsigmoid": (lambda t, x: t.nn.functional.hardsigmoid(x), [-3.0, 3.0]),
    "hardswish": (lambda t, x: t.nn.functional.hardswish(x), [-3.0, 3.0]),
    "threshold": (lambda t, x: t.nn.functional.threshold(x, 1.0, 0.0), [1.0]),
    "clamp": (lambda t, x: t.clamp(x, -1.0, 1.0), [-1.0, 1.0]),
    "clamp_min": (lambda t, x: t.clamp(x, min=0.0), [0.0]),
    "clamp_tensor": (lambda t, x: t.clamp(x, t.tensor([-1.0], dtype=t.float64), t.tensor([1.0], dtype=t.float64)),
                     [-1.0, 1.0]),
    "abs": (lambda t, x: t.abs(x), [0.0]),
    "sign": (lambda t, x: t.sign(x), [0.0]),
    "softshrink": (lambda t, x: t.nn.functional.softshrink(x, 0.5), [-0.5, 0.5]),
    "hardshrink": (lambda t, x: t.nn.functional.hardshrink(x, 0.5), [-0.5, 0.5]),
    "maximum_tie": (lambda t, x: t.maximum(x, t.ones_like(x)), [1.0]),
    "minimum_tie": (lambda t, x: t.minimum(x, t.ones_like(x)), [1.0]),
    "fmax_tie": (lambda t, x: t.fmax(x, t.ones_like(x)), [1.0]),
    "max_ties": (lambda t, x: t.max(t.cat([x, x])), [1.0]),
    "amax_ties": (lambda t, x: t.amax(t.cat([x, x])), [1.0]),
    "max_dim_ties": (lambda t, x: t.max(t.cat([x, x]), 0)[0], [1.0]),
    "min_ties": (lambda t, x: t.min(t.cat([x, x])), [1.0]),
    "norm_at_zero": (lambda t, x: t.norm(x - x), [1.0]),
    "linalg_vector_norm_zero": (lambda t, x: t.linalg.vector_norm(x * 0), [1.0]),
    "sqrt_at_zero": (lambda t, x: t.sqrt(x), [0.0]),
    "pow_zero_base": (lambda t, x: t.pow(x, 2.0), [0.0]),
    "pow_zero_exp0": (lambda t, x: t.pow(x, 0.0), [0.0]),
    "pow_half_at_zero": (lambda t, x: t.pow(x, 0.5), [0.0]),
    "l1_loss_zero": (lambda t, x: t.nn.functional.l1_loss(x, t.ones_like(x)), [1.0]),
    "smooth_l1_beta": (lambda t, x: t.nn.functional.smooth_l1_loss(x, t.zeros_like(x), beta=1.0), [1.0, -1.0, 0.0]),
    "huber_delta": (lambda t, x: t.nn.functional.huber_loss(x, t.zeros_like(x), delta=1.0), [1.0, -1.0]),
    "median_ties": (lambda t, x: t.median(t.cat([x, x, x + 1])), [1.0]),
    "sort_ties": (lambda t, x: t.sort(t.cat([x, x]))[0][0], [1.0]),
    "topk_ties": (lambda t, x: t.topk(t.cat([x, x]), 1)[0], [1.0]),
    "kthvalue_ties": (lambda t, x: t.kthvalue(t.cat([x, x]), 1)[0], [1.0]),
    "where_cond": (lambda t, x: t.where(x > 0, x, -x), [0.0]),
    "floor": (lambda t, x: t.floor(x), [1.0]),
    "remainder": (lambda t, x: t.remainder(x, 1.0), [1.0]),
    "fmod": (lambda t, x: t.fmod(x, 1.0), [1.0]),
    "atan2_zero": (lambda t, x: t.atan2(x, x), [0.0]),
    "hypot_zero": (lambda t, x: t.hypot(x, x), [0.0]),
    "logsumexp": (lambda t, x: t.logsumexp(t.cat([x, x]), 0), [0.0]),
    "prelu": (lambda t, x: t.nn.functional.prelu(x, t.tensor([0.25], dtype=t.float64)), [0.0]),
    "mish": (lambda t, x: t.nn.functional.mish(x), [0.0]),
    "gelu_tanh": (lambda t, x: t.nn.functional.gelu(x, approximate="tanh"), [0.0]),
    "softplus_threshold": (lambda t, x: t.nn.functional.softplus(x, beta=1.0, threshold=1.0), [1.0]),
    "cummax_ties": (lambda t, x: t.cummax(t.cat([x, x]), 0)[0].sum(), [1.0]),
    "dist_zero": (lambda t, x: t.dist(x, x.detach()), [1.0]),
    "cdist_zero": (lambda t, x: t.cdist(x.reshape(1, 1), x.detach().reshape(1, 1)), [1.0]),
    "pdist_zero": (lambda t, x: t.nn.functional.pdist(t.stack([x, x]).reshape(2, 1)), [1.0]),
    "normalize_zero": (lambda t, x: t.nn.functional.normalize(x * 0, dim=0), [1.0]),
    "max_pool_ties": (lambda t, x: t.nn.functional.max_pool1d(t.cat([x, x]).reshape(1, 1, 2), 2), [1.0]),
    "adaptive_max_ties": (lambda t, x: t.nn.functional.adaptive_max_pool1d(t.cat([x, x]).reshape(1, 1, 2), 1), [1.0]),
    "maximum_nan": (lambda t, x: t.maximum(x, t.ones_like(x)), [float('nan')]),
}


POINTS = [(name, p) for name, (_, pts) in CASES.items() for p in pts]


@pytest.mark.parametrize("name,point", POINTS, ids=[f"{n}@{p}" for n, p in POINTS])
def test_gradient_at_kink(name, point):
    fn = CASES[name][0]

    def run(t):
        x = t.tensor([point], dtype=t.float64, requires_grad=True)
        fn(t, x).sum().backward()
        return x.grad
    check(run, grad=False, name=f"kink_{name}_{point}")
