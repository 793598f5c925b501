"""repr(tensor) must be character-for-character PyTorch's: notation, widths, wrapping, summarising, suffixes."""
import numpy as np
import pytest

from .harness import LIBS, rand, randint, randn, torch, torchlike


def _scaled(*shape, scale=1.0, seed=0, dtype=np.float32):
    return (randn(*shape, dtype=np.float64, seed=seed) * scale).astype(dtype)


def _mixed_magnitudes(n=12):
    exps = np.random.default_rng(5).uniform(-9, 9, n)
    return (np.sign(randn(n, dtype=np.float64)) * 10.0 ** exps).astype(np.float32)


def _special():
    return np.array([1.5, np.nan, -np.inf, np.inf, 0.0, -0.0, -2.25], dtype=np.float32)


def _tensor(t, x, **kw):
    return t.tensor(x, **kw)


# (name, build(t) -> tensor). Every case is printed by both libraries.
CASES = [
    ("scalar_float", lambda t: t.tensor(0.5)),
    ("scalar_int_valued_float", lambda t: t.tensor(3.0)),
    ("scalar_int", lambda t: t.tensor(-17)),
    ("scalar_bool", lambda t: t.tensor(True)),
    ("scalar_tiny", lambda t: t.tensor(1.2345e-7)),
    ("scalar_huge", lambda t: t.tensor(6.02e23)),
    ("scalar_nan", lambda t: t.tensor(float("nan"))),
    ("scalar_neg_zero", lambda t: t.tensor(-0.0)),
    ("scalar_f64", lambda t: t.tensor(np.float64(2.0 / 3.0))),
    ("scalar_complex", lambda t: t.tensor(1.5 - 2j)),
    ("scalar_int32", lambda t: t.tensor(7, dtype=t.int32)),
    ("vec_int_valued", lambda t: t.tensor([1.0, 2.0])),
    ("vec_randn", lambda t: _tensor(t, randn(6))),
    ("vec_randn_long", lambda t: _tensor(t, randn(40))),
    ("vec_large_scale", lambda t: _tensor(t, _scaled(10, scale=1e5))),
    ("vec_1e9", lambda t: _tensor(t, _scaled(7, scale=1e9))),
    ("vec_small_scale", lambda t: _tensor(t, _scaled(8, scale=1e-5))),
    ("vec_mixed_magnitudes", lambda t: _tensor(t, _mixed_magnitudes())),
    ("vec_ratio_just_under_1000", lambda t: t.tensor([1.0, 999.5])),
    ("vec_ratio_over_1000", lambda t: t.tensor([0.5, 600.25])),
    ("vec_int_valued_sci", lambda t: t.tensor([1.0, 2000.0, 3.0])),
    ("vec_int_valued_big", lambda t: t.tensor([1.0e9, 2.0])),
    ("vec_special", lambda t: _tensor(t, _special())),
    ("vec_special_int_valued", lambda t: t.tensor([1.0, float("inf"), float("nan"), -0.0])),
    ("vec_all_zero", lambda t: t.zeros(5)),
    ("vec_only_nonfinite", lambda t: t.tensor([float("nan"), float("inf")])),
    ("vec_neg_zero", lambda t: t.tensor([-0.0, 1.0, 2.5])),
    ("vec_int64", lambda t: _tensor(t, randint(-1000, 1000, 15))),
    ("vec_int64_long", lambda t: _tensor(t, randint(-10**12, 10**12, 30))),
    ("vec_int32", lambda t: _tensor(t, randint(-50, 50, 9, dtype=np.int32))),
    ("vec_int16", lambda t: _tensor(t, randint(-50, 50, 9, dtype=np.int16))),
    ("vec_int8", lambda t: _tensor(t, randint(-50, 50, 9, dtype=np.int8))),
    ("vec_uint8", lambda t: _tensor(t, randint(0, 255, 30, dtype=np.uint8))),
    ("vec_bool", lambda t: _tensor(t, randint(0, 2, 30).astype(bool))),
    ("vec_f64", lambda t: _tensor(t, randn(9, dtype=np.float64))),
    ("vec_f16", lambda t: _tensor(t, randn(9, dtype=np.float16))),
    ("vec_bf16", lambda t: t.tensor(randn(9), dtype=t.bfloat16)),
    ("vec_f16_big", lambda t: _tensor(t, _scaled(6, scale=1e4, dtype=np.float16))),
    ("vec_complex64", lambda t: _tensor(t, (randn(5) + 1j * randn(5, seed=1)).astype(np.complex64))),
    ("vec_complex128", lambda t: _tensor(t, randn(5, dtype=np.float64) - 1j * rand(5, dtype=np.float64))),
    ("vec_complex_int_valued", lambda t: t.tensor([1 + 2j, -3 - 0j, 0 + 1j])),
    ("vec_complex_sci", lambda t: _tensor(t, (_scaled(4, scale=1e6) + 1j * _scaled(4, scale=1e-3, seed=3))
                                          .astype(np.complex64))),
    ("vec_complex_long", lambda t: _tensor(t, (randn(30) + 1j * randn(30, seed=2)).astype(np.complex64))),
    ("empty", lambda t: t.tensor([])),
    ("empty_int", lambda t: t.tensor([], dtype=t.int64)),
    ("empty_2d", lambda t: t.zeros(0, 3)),
    ("empty_3d_bool", lambda t: t.zeros(2, 0, 3, dtype=t.bool)),
    ("empty_f64", lambda t: t.zeros(0, dtype=t.float64)),
    ("mat_randn", lambda t: _tensor(t, randn(3, 4))),
    ("mat_wide", lambda t: _tensor(t, randn(3, 25))),
    ("mat_int", lambda t: _tensor(t, randint(-99, 999, 4, 6))),
    ("mat_bool", lambda t: _tensor(t, randint(0, 2, 3, 3).astype(bool))),
    ("mat_f64_scales", lambda t: _tensor(t, _scaled(4, 3, scale=1e-6, dtype=np.float64))),
    ("mat_one_col", lambda t: _tensor(t, randn(5, 1))),
    ("mat_complex", lambda t: _tensor(t, (randn(2, 3) + 1j * randn(2, 3, seed=4)).astype(np.complex64))),
    ("t3d", lambda t: _tensor(t, randn(2, 3, 4))),
    ("t3d_int_valued", lambda t: _tensor(t, randint(-9, 9, 2, 2, 3).astype(np.float32))),
    ("t4d", lambda t: _tensor(t, randn(2, 2, 2, 3))),
    ("t4d_int", lambda t: _tensor(t, randint(0, 100, 2, 1, 3, 2))),
    ("t5d", lambda t: _tensor(t, randn(1, 2, 1, 2, 2))),
    ("summ_vec", lambda t: _tensor(t, randn(2000))),
    ("summ_vec_int", lambda t: t.arange(5000)),
    ("summ_mat", lambda t: _tensor(t, randn(50, 40))),
    ("summ_mat_narrow", lambda t: _tensor(t, randn(500, 3))),
    ("summ_mat_few_rows", lambda t: _tensor(t, randn(4, 300))),
    ("summ_3d", lambda t: _tensor(t, randn(12, 10, 11))),
    ("summ_4d", lambda t: _tensor(t, randn(7, 2, 9, 10))),
    ("summ_scaled", lambda t: _tensor(t, _scaled(1200, scale=1e6))),
    ("summ_complex", lambda t: _tensor(t, (randn(40, 30) + 1j * randn(40, 30, seed=1)).astype(np.complex64))),
    ("summ_bool", lambda t: _tensor(t, randint(0, 2, 1500).astype(bool))),
    ("summ_hidden_outlier", lambda t: _tensor(t, np.concatenate([randn(3), np.full(2000, 1e9, np.float32),
                                                                 randn(3, seed=1)]))),
    ("requires_grad", lambda t: _tensor(t, randn(3), requires_grad=True)),
    ("requires_grad_f64", lambda t: _tensor(t, randn(2, 2, dtype=np.float64), requires_grad=True)),
    ("grad_fn_add", lambda t: _tensor(t, randn(3), requires_grad=True) + 1),
    ("grad_fn_mul", lambda t: _tensor(t, randn(2, 3), requires_grad=True) * 2),
    ("grad_fn_sum", lambda t: _tensor(t, randn(4), requires_grad=True).sum()),
    ("grad_fn_exp_f64", lambda t: _tensor(t, randn(3, dtype=np.float64), requires_grad=True).exp()),
    ("grad_fn_view", lambda t: _tensor(t, randn(2, 3), requires_grad=True).view(3, 2)),
    ("grad_fn_long_line", lambda t: _tensor(t, _scaled(8, scale=1e-5, dtype=np.float64),
                                            requires_grad=True).exp()),
    ("suffix_wrap", lambda t: _tensor(t, randn(9, dtype=np.float64) * 100)),
    ("suffix_wrap_multiline", lambda t: _tensor(t, randn(3, 7, dtype=np.float16))),
    ("f16_requires_grad", lambda t: _tensor(t, randn(3, dtype=np.float16), requires_grad=True)),
    ("detached", lambda t: (_tensor(t, randn(3), requires_grad=True) * 3).detach()),
    ("transposed_view", lambda t: _tensor(t, randn(3, 4)).t()),
    ("sliced_view", lambda t: _tensor(t, randn(6, 5))[1:5:2, ::2]),
]

# Print options applied around a case, then restored.
OPTION_CASES = [
    ("precision2", {"precision": 2}, lambda t: _tensor(t, randn(3, 4))),
    ("precision8", {"precision": 8}, lambda t: _tensor(t, randn(5, dtype=np.float64))),
    ("precision0", {"precision": 0}, lambda t: _tensor(t, randn(5) * 10)),
    ("sci_true", {"sci_mode": True}, lambda t: _tensor(t, randn(6))),
    ("sci_true_int_valued", {"sci_mode": True}, lambda t: t.tensor([1.0, 2.0, 30.0])),
    ("sci_true_zeros", {"sci_mode": True}, lambda t: t.zeros(3)),
    ("sci_false", {"sci_mode": False}, lambda t: _tensor(t, _mixed_magnitudes())),
    ("sci_false_small", {"sci_mode": False}, lambda t: _tensor(t, _scaled(5, scale=1e-6))),
    ("threshold_small", {"threshold": 10}, lambda t: _tensor(t, randn(4, 5))),
    ("threshold_small_vec", {"threshold": 5, "edgeitems": 2}, lambda t: t.arange(20)),
    ("edgeitems1", {"edgeitems": 1}, lambda t: _tensor(t, randn(30, 40))),
    ("edgeitems0", {"edgeitems": 0}, lambda t: _tensor(t, randn(40, 50))),
    ("edgeitems0_vec", {"edgeitems": 0}, lambda t: _tensor(t, randn(2000))),
    ("linewidth40", {"linewidth": 40}, lambda t: _tensor(t, randn(20))),
    ("linewidth40_suffix", {"linewidth": 40}, lambda t: _tensor(t, randn(3, dtype=np.float64),
                                                               requires_grad=True) * 2),
    ("linewidth200", {"linewidth": 200}, lambda t: _tensor(t, randn(5, 30))),
    ("linewidth_tiny", {"linewidth": 5}, lambda t: _tensor(t, randn(4))),
    ("profile_short", {"profile": "short"}, lambda t: _tensor(t, randn(30, 40))),
    ("profile_full", {"profile": "full"}, lambda t: _tensor(t, randn(1100))),
    ("profile_full_then_precision", {"profile": "full", "precision": 6}, lambda t: _tensor(t, randn(7))),
]


def _restore():
    for t in LIBS:
        t.set_printoptions(profile="default")


@pytest.mark.parametrize("name,build", CASES, ids=[c[0] for c in CASES])
def test_repr_matches(name, build):
    a, b = build(torch), build(torchlike)
    assert repr(b) == repr(a), f"{name}:\ntorch:\n{a!r}\ntorchlike:\n{b!r}"
    assert str(b) == str(a)


@pytest.mark.parametrize("name,opts,build", OPTION_CASES, ids=[c[0] for c in OPTION_CASES])
def test_repr_with_printoptions(name, opts, build):
    try:
        outs = []
        for t in LIBS:
            t.set_printoptions(**opts)
            outs.append(repr(build(t)))
        assert outs[1] == outs[0], f"{name}:\ntorch:\n{outs[0]}\ntorchlike:\n{outs[1]}"
    finally:
        _restore()


def test_print_opts_object():
    try:
        for t in LIBS:
            t.set_printoptions(precision=3, linewidth=100)
        a, b = torch._tensor_str.PRINT_OPTS, torchlike._tensor_str.PRINT_OPTS
        for k in ("precision", "threshold", "edgeitems", "linewidth", "sci_mode"):
            assert getattr(a, k) == getattr(b, k), k
        assert torch._tensor_str.get_printoptions() == torchlike._tensor_str.get_printoptions()
    finally:
        _restore()


def test_printoptions_context():
    outs = []
    for t in LIBS:
        with t._tensor_str.printoptions(precision=1):
            inner = repr(t.tensor([1.25, 2.5]))
        outs.append((inner, repr(t.tensor([1.25, 2.5]))))
    assert outs[0] == outs[1]


def test_default_dtype_float64():
    outs = []
    for t in LIBS:
        old = t.get_default_dtype()
        t.set_default_dtype(t.float64)
        try:
            outs.append([repr(t.tensor([1.5, 2.0])), repr(t.tensor([1.5], dtype=t.float32)),
                         repr(t.tensor([1j])), repr(t.tensor([1j], dtype=t.complex64)), repr(t.tensor([]))])
        finally:
            t.set_default_dtype(old)
    assert outs[0] == outs[1]


def test_parameter_repr():
    a = torch.nn.Parameter(torch.tensor(randn(2, 3)))
    b = torchlike.nn.Parameter(torchlike.tensor(randn(2, 3)))
    assert repr(b) == repr(a)
    assert torchlike._tensor_str.parameter_repr(b) == repr(a)
    a = torch.nn.Parameter(torch.tensor(randn(2)), requires_grad=False)
    b = torchlike.nn.Parameter(torchlike.tensor(randn(2)), requires_grad=False)
    assert repr(b) == repr(a)


@pytest.mark.parametrize("spec", ["", ".2f", ".3e", "10.4f", "+"])
def test_format_0d_float(spec):
    assert format(torchlike.tensor(3.14159), spec) == format(torch.tensor(3.14159), spec)


@pytest.mark.parametrize("spec", ["", "5d", "+", "x"])
def test_format_0d_int(spec):
    assert format(torchlike.tensor(42), spec) == format(torch.tensor(42), spec)


def test_format_nd_is_repr():
    assert f"{torchlike.tensor([1.5, 2.0])}" == f"{torch.tensor([1.5, 2.0])}"


def test_repr_with_tensor_contents():
    # tensor subclasses print their own contents through Tensor.__repr__(tensor_contents=...)
    def reprs(t):
        y = t.ones(2, requires_grad=True) * 2
        return [t.arange(3.0).__repr__(tensor_contents="abc"), y.__repr__(tensor_contents="[...]"),
                t.ones(2, dtype=t.int32).__repr__(tensor_contents="Q")]
    assert reprs(torchlike) == reprs(torch)
