"""Python floats are kernel inputs, not baked constants: a loop whose float argument changes every
step (an lr schedule, an annealed slope) compiles nothing after its first steps, gives PyTorch's
values, and the engine's caches stay within their bounds.

Compared against real PyTorch where PyTorch's values are the reference (these tests need it)."""
import math

import numpy as np
import pytest
import torch

import torchlike
import torchlike.nn.functional as F
from .harness import check
from torchlike._engine import cache as _cache
from torchlike._engine.op import OPS
from torchlike.utils import debug

STEPS = 50
WARM = 5  # deferred and replayed programs are built on a form's 2nd-3rd sighting: steps before this may compile


def _values(i: int) -> float:
    return 0.05 + 0.4 * (i + 1) / STEPS + 1e-7 * i  # a new float every step


def _run_counting(step):
    """Run step(i) for STEPS values; the kernels made and XLA programs compiled after the first
    step and after the warm-up, and the last result."""
    out = step(0)
    kernels = debug.kernel_stats()["kernels_built"]
    for i in range(1, WARM):
        out = step(i)
    compiled = debug.kernel_stats()["compiled"]
    for i in range(WARM, STEPS):
        out = step(i)
    stats = debug.kernel_stats()
    return stats["kernels_built"] - kernels, stats["compiled"] - compiled, out


def _np(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.detach()._data)


X = np.random.default_rng(0).standard_normal((8, 16)).astype(np.float32)
Y = np.random.default_rng(1).standard_normal((8, 16)).astype(np.float32)
TARGET = np.random.default_rng(2).integers(0, 16, 8)

CASES = {  # name -> (lib, x, y, value) -> result
    "add alpha": lambda t, x, y, a: x.add(y, alpha=a),
    "sub alpha": lambda t, x, y, a: t.sub(x, y, alpha=-a),
    "mul by scalar": lambda t, x, y, a: x * a,
    "div by scalar": lambda t, x, y, a: a / (x.abs() + 1),
    "pow scalar": lambda t, x, y, a: x.abs() ** a,
    "leaky_relu slope": lambda t, x, y, a: t.nn.functional.leaky_relu(x, a),
    "clamp bounds": lambda t, x, y, a: x.clamp(-a, a / 2),
    "hardtanh bounds": lambda t, x, y, a: t.nn.functional.hardtanh(x, -a, a),
    "softplus beta": lambda t, x, y, a: t.nn.functional.softplus(x, 1 + a, 10 * a),
    "elu alpha": lambda t, x, y, a: t.nn.functional.elu(x, a),
    "addcmul value": lambda t, x, y, a: x.addcmul(y, y, value=a),
    "addcdiv value": lambda t, x, y, a: x.addcdiv(y, y.abs() + 1, value=a),
    "lerp weight": lambda t, x, y, a: x.lerp(y, a),
    "label_smoothing": lambda t, x, y, a: t.nn.functional.cross_entropy(x, t.tensor(TARGET), label_smoothing=a),
    "smooth_l1 beta": lambda t, x, y, a: t.nn.functional.smooth_l1_loss(x, y, beta=a),
    "huber delta": lambda t, x, y, a: t.nn.functional.huber_loss(x, y, delta=a),
    "quantile q": lambda t, x, y, a: t.quantile(x, a, dim=1),
    "addmm beta alpha": lambda t, x, y, a: t.addmm(x[:, :8], x, y.T[:, :8], beta=a, alpha=1 - a),
    "layer_norm eps": lambda t, x, y, a: t.nn.functional.layer_norm(x, (16,), eps=a),
    "margin_ranking margin": lambda t, x, y, a: t.nn.functional.margin_ranking_loss(x, y, y.sign(), margin=a),
    "nan_to_num": lambda t, x, y, a: (x / 0).nan_to_num(a, 2 * a, -a),
    "celu alpha": lambda t, x, y, a: t.nn.functional.celu(x, a),
    "softshrink lambd": lambda t, x, y, a: t.nn.functional.softshrink(x, a),
    "pad value": lambda t, x, y, a: t.nn.functional.pad(x, (1, 2), value=a),
    "index_add alpha": lambda t, x, y, a: x.index_add(0, t.tensor([1, 3]), y[:2], alpha=a),
    "isclose rtol": lambda t, x, y, a: t.isclose(x, x * (1 + a / 10), rtol=a / 5).float(),
}


@pytest.mark.parametrize("name", list(CASES))
def test_changing_float_compiles_nothing_and_matches_torch(name):
    fn = CASES[name]
    x, y = torchlike.tensor(X), torchlike.tensor(Y)
    results = []
    new_kernels, new_programs, _ = _run_counting(lambda i: results.append(_np(fn(torchlike, x, y, _values(i)))))
    assert new_kernels == 0, f"{name}: {new_kernels} kernels made after the first step"
    assert new_programs == 0, f"{name}: {new_programs} XLA programs compiled after the warm-up"
    tx, ty = torch.tensor(X), torch.tensor(Y)
    for i in (0, 17, STEPS - 1):
        np.testing.assert_allclose(results[i], _np(fn(torch, tx, ty, _values(i))), rtol=2e-6, atol=1e-6,
                                   err_msg=f"{name} at value {_values(i)}")


def test_dropout_p_compiles_nothing_and_scales_as_torch():
    x = torchlike.tensor(np.abs(X) + 1)

    def step(i):
        p = _values(i)
        torchlike.manual_seed(0)
        out = F.dropout(x, p)
        kept = _np(out) != 0
        # PyTorch scales the kept elements by 1 / (1 - p), in the input's dtype
        expected = torch.nn.functional.dropout(torch.tensor(X), 0.0) * 0 + torch.tensor(np.abs(X) + 1)
        np.testing.assert_array_equal(_np(out)[kept], (_np(expected) * np.float32(1 / (1 - p)))[kept])
        assert 0 < kept.mean() < 1
        return out
    new_kernels, new_programs, _ = _run_counting(step)
    assert (new_kernels, new_programs) == (0, 0)


def _mlp_params(lib):
    rng = np.random.default_rng(3)
    shapes = [(32, 16), (32,), (4, 32), (4,)]
    return [lib.tensor((rng.standard_normal(s) * 0.3).astype(np.float32), requires_grad=True) for s in shapes]


def _mlp_loss(lib, params, x, target):
    w1, b1, w2, b2 = params
    h = lib.nn.functional.relu(lib.nn.functional.linear(x, w1, b1))
    return lib.nn.functional.cross_entropy(lib.nn.functional.linear(h, w2, b2), target)


def _compiles_nothing_and_matches_torch(make):
    """make(lib) -> (step(i), params): torchlike's steps after the warm-up compile nothing, and the
    trained parameters equal PyTorch's."""
    step, ours = make(torchlike)
    assert _run_counting(step)[:2] == (0, 0)
    step, theirs = make(torch)
    for i in range(STEPS):
        step(i)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6)


def test_hand_written_sgd_with_cosine_lr():
    def run(lib):
        params, x, target = _mlp_params(lib), lib.tensor(Y), lib.tensor(TARGET % 4)

        def step(i):
            lr = 0.1 * 0.5 * (1 + math.cos(math.pi * i / STEPS))
            for p in params:
                p.grad = None
            _mlp_loss(lib, params, x, target).backward()
            with lib.no_grad():
                for p in params:
                    p.add_(p.grad, alpha=-lr)
        return step, params
    _compiles_nothing_and_matches_torch(run)


def test_scheduled_adam():
    def run(lib):
        params, x, target = _mlp_params(lib), lib.tensor(Y), lib.tensor(TARGET % 4)
        opt = lib.optim.Adam(params, lr=0.01)
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=STEPS)

        def step(i):
            opt.zero_grad()
            _mlp_loss(lib, params, x, target).backward()
            opt.step()
            sched.step()
        return step, params
    _compiles_nothing_and_matches_torch(run)


def test_fast_path_holds_one_entry_per_form():
    """Distinct scalar values share one fast-path entry (keyed by the scalar's type)."""
    x = torchlike.tensor(X)
    before = len(OPS["mul"].fast), len(OPS["add"].fast)
    for i in range(200):
        x * (0.5 + i * 1e-3)
        x.add(x, alpha=0.25 + i * 1e-3)
    assert len(OPS["mul"].fast) <= before[0] + 1 and len(OPS["add"].fast) <= before[1] + 1


# Values where the result or the gradient depends on the exact value: still PyTorch's.
SPECIAL = [
    ("pow 2", lambda t, x: x ** 2.0), ("pow 0", lambda t, x: x ** 0.0), ("pow -1", lambda t, x: x ** -1.0),
    ("pow 0.5", lambda t, x: x.abs() ** 0.5), ("div 0", lambda t, x: x / 0.0),
    ("add alpha 0", lambda t, x: x.add(x, alpha=0.0)),
    ("add alpha 1", lambda t, x: t.add(x, x, alpha=1.0)), ("mul -0.0", lambda t, x: x * -0.0),
    ("smooth_l1 beta 0", lambda t, x: t.nn.functional.smooth_l1_loss(x, x * 0.5, beta=0.0)),
    ("label_smoothing 0", lambda t, x: t.nn.functional.cross_entropy(x, t.tensor(TARGET[:4] % 3), label_smoothing=0.0)),
    ("label_smoothing 1", lambda t, x: t.nn.functional.cross_entropy(x, t.tensor(TARGET[:4] % 3), label_smoothing=1.0)),
    ("leaky_relu 0", lambda t, x: t.nn.functional.leaky_relu(x, 0.0)),
    ("clamp min only", lambda t, x: x.clamp(min=0.5)), ("clamp max only", lambda t, x: x.clamp(max=-0.25)),
    ("softplus large beta", lambda t, x: t.nn.functional.softplus(x, 50.0, 1.0)),
    ("huber delta 0.5", lambda t, x: t.nn.functional.huber_loss(x, x * 0.3, delta=0.5)),
    ("hardtanh", lambda t, x: t.nn.functional.hardtanh(x, -0.5, 0.25)),
    ("int tensor * float", lambda t, x: t.arange(4) * 0.1), ("int tensor + float", lambda t, x: t.arange(4) + 2.5),
    ("float64 alpha", lambda t, x: x.double().add(x.double(), alpha=0.1)),
    ("quantile 0 and 1", lambda t, x: (t.quantile(x, 0.0), t.quantile(x, 1.0))),
]


@pytest.mark.parametrize("name", [n for n, _ in SPECIAL])
def test_special_values_match_torch(name):
    fn = dict(SPECIAL)[name]
    check(fn, np.array([[-1.5, 0.0, 2.0], [0.25, -0.0, 3.0], [1.0, -2.0, 0.5], [4.0, 0.75, -0.5]], np.float32),
          name=name)


def test_float16_tensor_keeps_its_dtype_with_a_float():
    """A Python float never upcasts a float16 tensor (weak typing). (Values only: the float16
    gradient of this product rounds differently from PyTorch's with or without traced scalars.)"""
    x16 = np.array([[-1.5, 0.0, 2.0], [0.3, -0.0, 3.0]], np.float16)
    check(lambda t, x: (x * 0.1, x.add(x, alpha=0.3), t.nn.functional.leaky_relu(x, 0.2)), x16, grad=False)


def test_integer_tensor_with_float_alpha_is_refused_as_torch_does():
    for alpha in (1.0, 0.5):
        with pytest.raises(RuntimeError, match="alpha must not be a floating point"):
            torchlike.add(torchlike.arange(3), torchlike.arange(3), alpha=alpha)
    assert torchlike.add(torchlike.arange(3), torchlike.arange(3), alpha=2).tolist() == [0, 3, 6]


def test_hardtanh_refuses_reversed_bounds():
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(torchlike.tensor(X), 0.5, -0.5)


def test_caches_stay_within_bounds():
    """Many distinct shapes, dtypes and static arguments: every engine cache stays within its bound,
    and a cache that overflows keeps working (the least recently used entry is dropped)."""
    for n in range(1, 40):
        x = torchlike.ones(n, 3)
        for _ in range(3):
            (x * 1.5 + n).sum(dim=0).exp()
        x.sum(dim=1, keepdim=bool(n % 2)).to(torchlike.float64 if n % 3 else torchlike.float32)
    for name, fam in debug.kernel_stats()["caches"].items():
        assert fam["largest"] <= fam["bound"], f"{name}: {fam}"
    fast = OPS["sum"].fast
    bound = fast.maxsize
    try:
        fast.maxsize = 3
        fast.clear()  # (earlier tests in this process may have filled it; a lowered bound evicts on write)
        x = torchlike.arange(24.0).reshape(2, 3, 4)
        for d in (0, 1, 2, -1, -2, 0, 1):
            assert x.sum(dim=d).tolist() == torch.arange(24.0).reshape(2, 3, 4).sum(dim=d).tolist()
            assert len(fast) <= 3
    finally:
        fast.maxsize = bound


def test_lru_policy():
    c = _cache.LRU(3)
    for i in range(4):
        c[i] = i
    assert list(c) == [1, 2, 3]
    c.get(1)
    c[9] = 9
    assert list(c) == [3, 1, 9]


def test_clear_caches_then_recompute():
    x = torchlike.tensor(X)
    a = _np(x.add(x, alpha=0.3))
    debug.clear_caches()
    stats = debug.kernel_stats()
    assert stats["caches"]["fast_path"]["entries"] == 0 and stats["caches"]["kernels"]["entries"] == 0
    np.testing.assert_array_equal(_np(x.add(x, alpha=0.3)), a)


def test_number_the_kernel_branches_on_stays_static():
    """An `N` parameter whose value the kernel branches on falls back to a static argument: values stay
    right (the op then compiles per value, as before)."""
    import jax.numpy as jnp
    from torchlike._engine.op import N, T, Op

    def branchy(input: T, s: N = 0.5):
        return input * 2 if s > 0.5 else input - jnp.asarray(s, input.dtype)
    o = Op(branchy, "_branchy_test", None, None, None, False, False, False, True)
    x = torchlike.tensor([1.0, 2.0])
    assert o.numbers == ("s",)
    assert o(x, 0.25).tolist() == [0.75, 1.75]
    assert o.numbers == ()
    assert o(x, 0.75).tolist() == [2.0, 4.0] and o(x, s=0.125).tolist() == [0.875, 1.875]


def test_float_and_int_scalars_get_their_own_kernels():
    """The kernel key holds the scalar's Python type: an int alpha stays static (exact for integer
    tensors), a float one is an input; both give PyTorch's values."""
    xi, xf = torchlike.arange(4), torchlike.arange(4.0)
    ti, tf = torch.arange(4), torch.arange(4.0)
    assert xi.add(xi, alpha=3).tolist() == ti.add(ti, alpha=3).tolist()
    assert xf.add(xf, alpha=3).tolist() == tf.add(tf, alpha=3).tolist()
    assert xf.add(xf, alpha=0.1).tolist() == tf.add(tf, alpha=0.1).tolist()
    assert (xi * 2.5).dtype == torchlike.float32 and (xi * 2.5).tolist() == (ti * 2.5).tolist()
    assert (xi + True).tolist() == (ti + True).tolist() and (xi * 3).dtype == torchlike.int64


@pytest.mark.parametrize("form", ["read", "write", "row of a matrix", "write a row"])
def test_int_indices_compile_nothing_per_value(form):
    """`for i in range(n): y[i]` / `y[i] = v`, as data loaders and samplers write them: a new int index
    is an operand of JAX's dynamic slice, not a new program (each would cost ~50 ms to compile)."""
    def step(lib, t, i):
        if form == "read":
            return t[-(i % 20)] * 1
        if form == "write":
            t[i % 20] = float(i)
            return t
        if form == "row of a matrix":
            return t[i, 1:3] + 0
        t[i] = t[(i + 1) % STEPS] * 2
        return t

    def run(lib):
        t = lib.arange(20.0) if form in ("read", "write") else lib.arange(4.0 * STEPS).reshape(STEPS, 4)
        return lambda i: step(lib, t, i)

    theirs, ours = run(torch), run(torchlike)
    expected = [_np(theirs(i)).copy() for i in range(STEPS)]
    _, compiled, _ = _run_counting(ours)
    ours_again = run(torchlike)
    for i in range(STEPS):
        np.testing.assert_array_equal(_np(ours_again(i)), expected[i])
    assert compiled == 0, f"{compiled} programs compiled for new int indices"
