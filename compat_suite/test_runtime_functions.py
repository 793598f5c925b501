"""The top-level functions and runtime settings torch exports beside its operators: thread counts,
deterministic-algorithm flags, warn-always, is_nonzero, typename, vander, the in-place activations,
conv_tbc and native_channel_shuffle, against real PyTorch."""
import numpy as np
import pytest

from .harness import check, check_error, torch, torchlike


@pytest.fixture(autouse=True)
def _restore_settings():
    """Each test leaves both libraries' settings as it found them."""
    saved = [(t, t.get_num_threads(), t.get_deterministic_debug_mode(), t.is_warn_always_enabled())
             for t in (torch, torchlike)]
    yield
    for t, threads, mode, warn in saved:
        t.set_num_threads(threads)
        t.set_deterministic_debug_mode(mode)
        t.set_warn_always(warn)


SETTINGS = [
    lambda t: (t.set_num_threads(3), t.get_num_threads())[1],
    lambda t: (t.set_deterministic_debug_mode("warn"), t.get_deterministic_debug_mode(),
               t.are_deterministic_algorithms_enabled(), t.is_deterministic_algorithms_warn_only_enabled())[1:],
    lambda t: (t.set_deterministic_debug_mode(2), t.get_deterministic_debug_mode(),
               t.is_deterministic_algorithms_warn_only_enabled())[1:],
    lambda t: (t.set_deterministic_debug_mode(True), t.get_deterministic_debug_mode())[1],
    lambda t: (t.use_deterministic_algorithms(True, warn_only=True), t.get_deterministic_debug_mode())[1],
    lambda t: (t.use_deterministic_algorithms(False), t.are_deterministic_algorithms_enabled())[1],
    lambda t: (t.set_warn_always(True), t.is_warn_always_enabled())[1],
    lambda t: t.init_num_threads(),
]


@pytest.mark.parametrize("case", range(len(SETTINGS)))
def test_settings(case):
    assert SETTINGS[case](torchlike) == SETTINGS[case](torch)


SETTING_ERRORS = {
    "threads_zero": lambda t: t.set_num_threads(0),
    "threads_negative": lambda t: t.set_num_threads(-2),
    "threads_float": lambda t: t.set_num_threads(2.5),
    "interop_zero": lambda t: t.set_num_interop_threads(0),
    "debug_mode_name": lambda t: t.set_deterministic_debug_mode("bad"),
    "debug_mode_number": lambda t: t.set_deterministic_debug_mode(3),
    "deterministic_int": lambda t: t.use_deterministic_algorithms(1),
}


@pytest.mark.parametrize("name", sorted(SETTING_ERRORS))
def test_setting_errors(name):
    check_error(SETTING_ERRORS[name], name=f"setting_{name}")


@pytest.mark.parametrize("data", [[1.0], [0], [True], [[2]]])
def test_is_nonzero(data):
    assert torchlike.is_nonzero(torchlike.tensor(data)) == torch.is_nonzero(torch.tensor(data))


@pytest.mark.parametrize("data", [[], [1, 2]])
def test_is_nonzero_refuses(data):
    check_error(lambda t: t.is_nonzero(t.tensor(data)), name="is_nonzero")


def test_typename():
    for dtype in ("float32", "int64", "bool", "float64"):
        assert torchlike.typename(torchlike.zeros(2, dtype=getattr(torchlike, dtype))) == \
            torch.typename(torch.zeros(2, dtype=getattr(torch, dtype)))
    assert torchlike.typename(3) == torch.typename(3) == "int"


@pytest.mark.parametrize("data, kwargs", [
    ([1, 2, 3], {}), ([1.5, -2.0], {"N": 4}), ([1.0, 2.0], {"N": 3, "increasing": True}),
    ([True, False], {}), ([1.0, 2.0], {"N": 0}), ([0.5, 2.0, 3.0], {"increasing": True}),
])
def test_vander(data, kwargs):
    check(lambda t, x: t.vander(x, **kwargs), np.array(data), grad=False, name="vander")


@pytest.mark.parametrize("x, kwargs", [(np.ones((2, 2)), {}), (np.ones(2), {"N": -1})])
def test_vander_refuses(x, kwargs):
    check_error(lambda t, v: t.vander(v, **kwargs), x, name="vander_errors")


INPLACE = {
    "relu_": lambda t, x: t.relu_(x.clone()),
    "selu_": lambda t, x: t.selu_(x.clone()),
    "celu_": lambda t, x: t.celu_(x.clone(), 0.5),
    "threshold_": lambda t, x: t.threshold_(x.clone(), 0.1, 5.0),
    "rrelu_eval": lambda t, x: t.rrelu_(x.clone(), 0.1, 0.3, False),
    "native_channel_shuffle": lambda t, x: t.native_channel_shuffle(x.reshape(1, 4, 3), 2),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_and_shuffle(name):
    check(INPLACE[name], np.linspace(-2.0, 2.0, 12).astype(np.float32), grad=False, name=name)


def test_conv_tbc():
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((5, 2, 3), (3, 3, 4), (4,)))
    check(lambda t, x, w, b: t.conv_tbc(x, w, b, 1), x, w, b, name="conv_tbc")
