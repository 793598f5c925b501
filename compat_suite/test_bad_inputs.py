"""Bad inputs a careless user writes: torchlike must raise PyTorch's exception type with a similar
message, never return, and never let a numpy or JAX exception through."""
import pytest

from .harness import check, check_error


def _set_grad(t, value):
    x = t.ones(3, requires_grad=True)
    x.grad = value


BAD_INPUTS = [
    ("dtype_as_string", lambda t: t.zeros(2, dtype="float32")),
    ("ones_dtype_as_string", lambda t: t.ones(2, dtype="int64")),
    ("tensor_dtype_as_string", lambda t: t.tensor([1.0], dtype="float32")),
    ("fill_int8_overflow", lambda t: t.zeros(2, dtype=t.int8).fill_(300)),
    ("fill_int32_overflow", lambda t: t.zeros(2, dtype=t.int32).fill_(2 ** 40)),
    ("fill_int8_nan", lambda t: t.zeros(2, dtype=t.int8).fill_(float("nan"))),
    ("full_uint8_overflow", lambda t: t.full((2,), 300, dtype=t.uint8)),
    ("full_uint8_below_minus_255", lambda t: t.full((2,), -256, dtype=t.uint8)),
    ("full_float16_overflow", lambda t: t.full((2,), 1e10, dtype=t.float16)),
    ("full_int64_overflow", lambda t: t.full((2,), 2 ** 70, dtype=t.int64)),
    ("sum_duplicate_dims", lambda t: t.ones(2, 3).sum(dim=(0, 0))),
    ("invert_float", lambda t: ~t.ones(2)),
    ("view_with_string", lambda t: t.ones(4).view("a")),
    ("view_with_float", lambda t: t.ones(4).view(2.0, 2)),
    ("reshape_with_string", lambda t: t.ones(4).reshape("a")),
    ("int_of_two_elements", lambda t: int(t.ones(2))),
    ("float_of_empty", lambda t: float(t.ones(0))),
    ("cat_of_a_tensor", lambda t: t.cat(t.ones(2, 2))),
    ("flatten_module_on_0d", lambda t: t.nn.Flatten()(t.tensor(1.0))),
    ("flatten_0d_bad_dim", lambda t: t.flatten(t.tensor(1.0), 0, -2)),
    ("index_add_1d_out_of_range", lambda t: t.zeros(3).index_add_(0, t.tensor([5]), t.ones(1))),
    ("index_add_2d_out_of_range", lambda t: t.zeros(3, 2).index_add(1, t.tensor([5]), t.ones(3, 1))),
    ("grad_of_wrong_size", lambda t: _set_grad(t, t.ones(4))),
    ("grad_of_wrong_dtype", lambda t: _set_grad(t, t.ones(3, dtype=t.float64))),
    ("grad_not_a_tensor", lambda t: _set_grad(t, 5)),
    ("batchnorm1d_feature_count", lambda t: t.nn.BatchNorm1d(3)(t.ones(4, 5))),
    ("batchnorm2d_feature_count", lambda t: t.nn.BatchNorm2d(3).eval()(t.ones(2, 5, 4, 4))),
    ("batch_norm_weight_count", lambda t: t.nn.functional.batch_norm(t.ones(4, 5), None, None, t.ones(3),
                                                                     training=True)),
    ("linear_feature_count", lambda t: t.nn.Linear(3, 2)(t.ones(4, 5))),
    ("conv_channel_count", lambda t: t.nn.Conv2d(3, 2, 3)(t.ones(1, 5, 8, 8))),
]


@pytest.mark.parametrize("name,fn", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input(name, fn):
    check_error(fn, name=name)


# PyTorch lists every overload in these messages; the exception type is what must agree.
OVERLOADED = [
    ("arange_dtype_as_string", lambda t: t.arange(3, dtype="int64")),
    ("randn_dtype_as_string", lambda t: t.randn(2, dtype="float32")),
]


@pytest.mark.parametrize("name,fn", OVERLOADED, ids=[c[0] for c in OVERLOADED])
def test_bad_input_of_overloaded_function(name, fn):
    check_error(fn, name=name, same_message=False)


def test_uint8_takes_negatives_down_to_minus_255_and_wraps():
    check(lambda t: (t.full((2,), -200, dtype=t.uint8), t.zeros(2, dtype=t.uint8).fill_(-1),
                     t.full((1,), 3.7, dtype=t.uint8)), grad=False, name="uint8_wrap")


def _all_cases():
    """Every (name, fn) case list of every bad-input file in this folder, found by file name so a new
    file or case is covered without being listed here."""
    import importlib
    import pathlib
    seen, cases = set(), []
    for path in sorted(pathlib.Path(__file__).parent.glob("test_bad_inputs*.py")):
        module = importlib.import_module(f"{__package__}.{path.stem}")
        for value in vars(module).values():
            if not (isinstance(value, list) and value and all(
                    isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], str) and callable(c[1]) for c in value)):
                continue
            for name, fn in value:
                if id(fn) not in seen:
                    seen.add(id(fn))
                    cases.append((f"{path.stem.removeprefix('test_bad_inputs').lstrip('_') or 'base'}:{name}", fn))
    return cases


ALL_CASES = _all_cases()


@pytest.mark.parametrize("name,fn", ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_no_numpy_or_jax_exception_escapes(name, fn):
    """torchlike raises a builtin exception class or its own, never one of numpy's or JAX's (a numpy or
    JAX exception left as the __context__ of the one raised is fine)."""
    import torchlike
    try:
        fn(torchlike)
    except Exception as e:  # noqa: BLE001
        module = type(e).__module__
        assert module == "builtins" or module.startswith("torchlike"), \
            f"{name}: {module}.{type(e).__qualname__} escaped: {e}"
    else:
        raise AssertionError(f"{name}: torchlike did not raise")
