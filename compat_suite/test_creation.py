"""Creation functions against PyTorch (values, dtypes, errors); random functions by shape, dtype and statistics."""
import numpy as np
import pytest

from .harness import LIBS, check, check_error, randint, randn, torch, torchlike

# PyTorch warns about copy-constructing from tensors and lists of arrays; those cases are deliberate.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# (name, fn(t) -> tensor or value). Compared for shape, dtype, values and requires_grad.
VALUE_CASES = [
    ("tensor_float_list", lambda t: t.tensor([1.5, -2.0, 3.25])),
    ("tensor_int_list", lambda t: t.tensor([[1, 2], [3, 4]])),
    ("tensor_bool_list", lambda t: t.tensor([True, False])),
    ("tensor_mixed_bool_int", lambda t: t.tensor([True, 1, 0])),
    ("tensor_mixed_int_float", lambda t: t.tensor([[1, 2.5], [3, 4]])),
    ("tensor_mixed_bool_float", lambda t: t.tensor([True, 2.5])),
    ("tensor_mixed_complex", lambda t: t.tensor([1, 2.5, 3j])),
    ("tensor_complex_bool", lambda t: t.tensor([1j, True])),
    ("tensor_scalar_int", lambda t: t.tensor(7)),
    ("tensor_scalar_float", lambda t: t.tensor(2.5)),
    ("tensor_scalar_bool", lambda t: t.tensor(False)),
    ("tensor_np_f64_scalar", lambda t: t.tensor(np.float64(1.5))),
    ("tensor_np_f16_scalar", lambda t: t.tensor(np.float16(2.5))),
    ("tensor_np_i32_scalar", lambda t: t.tensor(np.int32(3))),
    ("tensor_list_np_f64", lambda t: t.tensor([np.float64(1.5), 2])),
    ("tensor_list_np_f32", lambda t: t.tensor([np.float32(1.5), 2])),
    ("tensor_list_np_i32", lambda t: t.tensor([np.int32(1), 2])),
    ("tensor_list_np_i8_u8", lambda t: t.tensor([np.int8(1), np.uint8(3)])),
    ("tensor_list_np_bool_float", lambda t: t.tensor([np.bool_(True), 1.5])),
    ("tensor_float_and_np_f64", lambda t: t.tensor([1.5, np.float64(2)])),
    ("tensor_list_of_arrays", lambda t: t.tensor([randn(3, dtype=np.float64), randn(3, dtype=np.float64, seed=1)])),
    ("tensor_arrays_and_list", lambda t: t.tensor([np.array([1, 2], dtype=np.float32), [3, 4]])),
    ("tensor_0d_tensors", lambda t: t.tensor([t.tensor(1.5), t.tensor(2.0)])),
    ("tensor_0d_int32_tensor_and_int", lambda t: t.tensor([t.tensor(1, dtype=t.int32), 2])),
    ("tensor_1elem_tensors", lambda t: t.tensor([t.tensor([1.5]), t.tensor([2.0])])),
    ("tensor_list_and_tensor_row", lambda t: t.tensor([[1.0, 2.0], t.tensor([3.0, 4.0])])),
    ("tensor_empty", lambda t: t.tensor([])),
    ("tensor_empty_nested", lambda t: t.tensor([[], []])),
    ("tensor_empty_deep", lambda t: t.tensor([[[]]])),
    ("tensor_tuple", lambda t: t.tensor((1, 2, 3))),
    ("tensor_dtype_trunc", lambda t: t.tensor([1.7, -2.7], dtype=t.int64)),
    ("tensor_dtype_bool", lambda t: t.tensor([0.0, 2.0], dtype=t.bool)),
    ("tensor_dtype_python_float", lambda t: t.tensor([1, 2], dtype=float)),
    ("tensor_from_numpy_array", lambda t: t.tensor(randint(-5, 5, 2, 3, dtype=np.int16))),
    ("tensor_np_noncontiguous", lambda t: t.tensor(randn(3, 4).T)),
    ("tensor_from_tensor_dtype", lambda t: t.tensor(t.tensor([1, 2]), dtype=t.float32)),
    ("tensor_requires_grad", lambda t: t.tensor([1.0, 2.0], requires_grad=True)),
    ("tensor_big_int", lambda t: t.tensor([2 ** 40, -(2 ** 50)])),
    ("as_tensor_np", lambda t: t.as_tensor(np.array([1, 2], dtype=np.int16))),
    ("as_tensor_np_dtype", lambda t: t.as_tensor(randn(4), dtype=t.float64)),
    ("as_tensor_tensor_dtype", lambda t: t.as_tensor(t.tensor([1, 2]), dtype=t.float32)),
    ("from_numpy_f64", lambda t: t.from_numpy(randn(2, 3, dtype=np.float64))),
    ("from_numpy_bool", lambda t: t.from_numpy(np.array([True, False]))),
    ("zeros", lambda t: t.zeros(2, 3)),
    ("zeros_tuple", lambda t: t.zeros((2, 3))),
    ("zeros_list", lambda t: t.zeros([4])),
    ("zeros_size", lambda t: t.zeros(t.Size([2, 1]))),
    ("zeros_0d", lambda t: t.zeros(())),
    ("zeros_np_int_and_tensor_dims", lambda t: t.zeros(np.int64(2), t.tensor(3))),
    ("zeros_kw_size", lambda t: t.zeros(size=(2, 2), dtype=t.int32)),
    ("ones_int", lambda t: t.ones(3, dtype=t.int64)),
    ("ones_bf16", lambda t: t.ones(2, 2, dtype=t.bfloat16)),
    ("ones_complex_requires_grad", lambda t: t.ones(2, dtype=t.complex64, requires_grad=True)),
    ("empty_shape_dtype", lambda t: (t.empty(2, 3, dtype=t.int32).shape, str(t.empty(2, dtype=t.int32).dtype))),
    ("full_float", lambda t: t.full((2, 2), 3.5)),
    ("full_int", lambda t: t.full((3,), 7)),
    ("full_bool", lambda t: t.full([2], True)),
    ("full_complex", lambda t: t.full((2,), 1 - 2j)),
    ("full_0d", lambda t: t.full((), 3)),
    ("full_dtype_trunc", lambda t: t.full((2,), 2.5, dtype=t.int64)),
    ("full_tensor_value", lambda t: t.full((2,), t.tensor(3.0))),
    ("zeros_like", lambda t: t.zeros_like(t.tensor(randn(2, 3)))),
    ("zeros_like_dtype", lambda t: t.zeros_like(t.tensor([1, 2]), dtype=t.float64)),
    ("ones_like_bool", lambda t: t.ones_like(t.tensor([True, False]))),
    ("full_like_int_trunc", lambda t: t.full_like(t.tensor([1, 2]), 2.7)),
    ("full_like_requires_grad", lambda t: t.full_like(t.tensor(randn(3)), -1.5, requires_grad=True)),
    ("empty_like_shape", lambda t: t.empty_like(t.tensor(randn(2, 5))).shape),
    ("arange_int", lambda t: t.arange(5)),
    ("arange_start_end", lambda t: t.arange(-3, 4)),
    ("arange_float_step", lambda t: t.arange(0, 1, 0.1)),
    ("arange_float_step_half", lambda t: t.arange(1, 2.5, 0.5)),
    ("arange_negative_step", lambda t: t.arange(5, 0, -1.5)),
    ("arange_f64", lambda t: t.arange(0, 1, 0.3, dtype=t.float64)),
    ("arange_int64_float_step", lambda t: t.arange(0, 5, 1.5, dtype=t.int64)),
    ("arange_int64_float_bounds", lambda t: t.arange(0.5, 5.5, 1.5, dtype=t.int64)),
    ("arange_int32_float_step", lambda t: t.arange(0, 5, 1.5, dtype=t.int32)),
    ("arange_uint8_float_step", lambda t: t.arange(0, 5, 1.5, dtype=t.uint8)),
    ("arange_int64_negative", lambda t: t.arange(5.5, 0, -1.5, dtype=t.int64)),
    ("arange_float_start", lambda t: t.arange(0.5, 3)),
    ("arange_float_end", lambda t: t.arange(3.0)),
    ("arange_tensor_end", lambda t: t.arange(t.tensor(4))),
    ("arange_tensor_float_end", lambda t: t.arange(t.tensor(4.0))),
    ("arange_empty", lambda t: t.arange(5, 5)),
    ("arange_inexact", lambda t: t.arange(-1, 1, 0.1)),
    ("arange_f16", lambda t: t.arange(10, dtype=t.float16)),
    ("arange_np_int", lambda t: t.arange(np.int64(4))),
    ("arange_requires_grad", lambda t: t.arange(3.0, requires_grad=True)),
    ("linspace", lambda t: t.linspace(0, 1, 7)),
    ("linspace_negative", lambda t: t.linspace(-3.5, 2.25, 11)),
    ("linspace_long", lambda t: t.linspace(1 / 3, 7 / 3, 100)),
    ("linspace_one", lambda t: t.linspace(2, 5, 1)),
    ("linspace_zero", lambda t: t.linspace(2, 5, 0)),
    ("linspace_int64", lambda t: t.linspace(0, 10, 4, dtype=t.int64)),
    ("linspace_int32", lambda t: t.linspace(-7, 10, 6, dtype=t.int32)),
    ("linspace_uint8", lambda t: t.linspace(0, 10, 5, dtype=t.uint8)),
    ("linspace_f64", lambda t: t.linspace(0, 1, 100, dtype=t.float64)),
    ("linspace_complex", lambda t: t.linspace(0, 1 + 1j, 3)),
    ("linspace_tensor_bounds", lambda t: t.linspace(t.tensor(0.0), t.tensor(1.0), 5)),
    ("logspace", lambda t: t.logspace(0, 2, 3)),
    ("logspace_base2", lambda t: t.logspace(0, 10, 11, base=2)),
    ("logspace_negative", lambda t: t.logspace(-2, 2, 9)),
    ("logspace_int", lambda t: t.logspace(0, 3, 4, dtype=t.int64)),
    ("logspace_f64", lambda t: t.logspace(-1, 1, 5, dtype=t.float64)),
    ("logspace_negative_base", lambda t: t.logspace(0, 2, 3, base=-2)),
    ("eye", lambda t: t.eye(3)),
    ("eye_rect", lambda t: t.eye(2, 4)),
    ("eye_int", lambda t: t.eye(3, dtype=t.int64)),
    ("eye_bool", lambda t: t.eye(2, dtype=t.bool)),
    ("scalar_tensor", lambda t: t.scalar_tensor(3)),
    ("scalar_tensor_bool", lambda t: t.scalar_tensor(True)),
    ("legacy_float_tensor", lambda t: t.FloatTensor([1, 2])),
    ("legacy_long_tensor", lambda t: t.LongTensor([1.5, 2])),
    ("legacy_tensor_sizes", lambda t: t.Tensor(2, 3).shape),
    ("legacy_tensor_size_obj", lambda t: t.Tensor(t.Size([2, 3])).shape),
    ("legacy_tensor_tuple_data", lambda t: t.Tensor((2, 3))),
    ("legacy_tensor_empty", lambda t: t.Tensor()),
    ("new_tensor_keeps_dtype", lambda t: t.tensor([1, 2], dtype=t.int32).new_tensor([1.5, 2])),
    ("new_tensor_requires_grad", lambda t: t.zeros(2).new_tensor([1.0], requires_grad=True)),
    ("new_zeros_varargs", lambda t: t.tensor([1, 2], dtype=t.int32).new_zeros(2, 3)),
    ("new_zeros_tuple", lambda t: t.zeros(1, dtype=t.float64).new_zeros((2,))),
    ("new_ones_dtype", lambda t: t.tensor([1]).new_ones([2], dtype=t.float64)),
    ("new_full_trunc", lambda t: t.tensor([1, 2], dtype=t.int32).new_full((2,), 3.7)),
    ("new_empty_shape_dtype", lambda t: (t.tensor([1], dtype=t.int16).new_empty(2).shape,
                                         str(t.tensor([1], dtype=t.int16).new_empty(2).dtype))),
    ("asarray_list", lambda t: t.asarray([1, 2.5])),
    ("asarray_np_int32", lambda t: t.asarray(np.array([1, 2], dtype=np.int32))),
    ("asarray_scalar", lambda t: t.asarray(3)),
    ("asarray_tensor_dtype", lambda t: t.asarray(t.tensor([1, 2]), dtype=t.float32)),
    ("asarray_requires_grad", lambda t: t.asarray([1.0, 2.0], requires_grad=True)),
    ("tril_indices", lambda t: t.tril_indices(3, 3)),
    ("tril_indices_offset", lambda t: t.tril_indices(4, 3, -1)),
    ("triu_indices_offset", lambda t: t.triu_indices(3, 4, 1)),
    ("triu_indices_int32", lambda t: t.triu_indices(3, 3, dtype=t.int32)),
    ("range_int_bounds", lambda t: t.range(1, 4)),
    ("range_float_step", lambda t: t.range(0, 1, 0.3)),
    ("range_int64", lambda t: t.range(1, 4, dtype=t.int64)),
    ("empty_strided_shape", lambda t: t.empty_strided((2, 3), (3, 1)).shape),
    ("zero_function", lambda t: t.zero_(t.ones(2))),
    ("fill_function", lambda t: t.fill_(t.zeros(2), 3.0)),
    ("zeros_out", lambda t: t.zeros(2, 2, out=t.empty(0))),
    ("arange_out", lambda t: t.arange(4, out=t.empty(0, dtype=t.int64))),
]


@pytest.mark.parametrize("name,fn", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_creation_value(name, fn):
    check(fn, grad=False, area="creation", name=name)


ERROR_CASES = [
    ("ragged_dim1", lambda t: t.tensor([[1, 2], [1, 2, 3]])),
    ("ragged_dim1_float", lambda t: t.tensor([[1.0, 2.0], [3.0]], dtype=t.float32)),
    ("ragged_dim2", lambda t: t.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]])),
    ("ragged_empty_row", lambda t: t.tensor([[1, 2], []])),
    ("ragged_scalar_where_list", lambda t: t.tensor([[1, 2], 3])),
    ("ragged_list_where_scalar_int", lambda t: t.tensor([1, [2, 3]])),
    ("ragged_list_where_scalar_float", lambda t: t.tensor([1.5, [2, 3]])),
    ("tensor_str", lambda t: t.tensor("abc")),
    ("tensor_list_of_str", lambda t: t.tensor([1, "a"])),
    ("tensor_nested_str", lambda t: t.tensor(["a"])),
    ("tensor_none", lambda t: t.tensor(None)),
    ("tensor_list_none", lambda t: t.tensor([1, None])),
    ("tensor_object", lambda t: t.tensor(object())),
    ("tensor_multi_elem_tensors", lambda t: t.tensor([t.tensor([1.0, 2.0]), t.tensor([3.0, 4.0])])),
    ("tensor_int_overflow", lambda t: t.tensor([2 ** 63])),
    ("tensor_int32_overflow", lambda t: t.tensor([2 ** 40], dtype=t.int32)),
    ("tensor_complex_into_float", lambda t: t.tensor([1 + 1j], dtype=t.float32)),
    ("tensor_int_requires_grad", lambda t: t.tensor([1, 2], requires_grad=True)),
    ("ones_int_requires_grad", lambda t: t.ones(2, dtype=t.int64, requires_grad=True)),
    ("linspace_int_requires_grad", lambda t: t.linspace(0, 1, 5, dtype=t.int64, requires_grad=True)),
    ("zeros_negative", lambda t: t.zeros(2, -1)),
    ("ones_negative", lambda t: t.ones(2, -1)),
    ("empty_negative", lambda t: t.empty(-3)),
    ("full_negative", lambda t: t.full((2, -1), 1.0)),
    ("zeros_float_size", lambda t: t.zeros(2.5)),
    ("zeros_float_in_tuple", lambda t: t.zeros((2.0, 3))),
    ("zeros_float_tensor_size", lambda t: t.zeros(t.tensor(2.0))),
    ("zeros_bool_size", lambda t: t.zeros(True)),
    ("full_int_size", lambda t: t.full(3, 1.0)),
    ("arange_zero_step", lambda t: t.arange(0, 5, 0)),
    ("arange_truncated_zero_step", lambda t: t.arange(0, 5, 0.5, dtype=t.int64)),
    ("arange_bad_sign", lambda t: t.arange(0, 5, -1)),
    ("arange_nan", lambda t: t.arange(float("nan"))),
    ("arange_inf", lambda t: t.arange(0, float("inf"))),
    ("arange_bool", lambda t: t.arange(0, 4, dtype=t.bool)),
    ("linspace_negative_steps", lambda t: t.linspace(0, 1, -1)),
    ("linspace_float_steps", lambda t: t.linspace(0, 1, 2.5)),
    ("linspace_1d_bounds", lambda t: t.linspace(t.tensor([0.0]), 1, 3)),
    ("linspace_complex_into_float", lambda t: t.linspace(0, 1 + 1j, 3, dtype=t.float32)),
    ("eye_negative_n", lambda t: t.eye(-1)),
    ("eye_negative_m", lambda t: t.eye(2, -1)),
    ("eye_float_n", lambda t: t.eye(2.5)),
    ("from_numpy_list", lambda t: t.from_numpy([1, 2])),
    ("from_numpy_big_endian", lambda t: t.from_numpy(np.arange(3, dtype=">i4"))),
    ("tensor_big_endian", lambda t: t.tensor(np.arange(3, dtype=">f8"))),
    ("as_tensor_big_endian", lambda t: t.as_tensor(np.arange(3, dtype=">i2"))),
]


@pytest.mark.parametrize("name,fn", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_creation_error(name, fn):
    check_error(fn, area="errors", name=name)


# ----- random functions: same shapes, dtypes and requires_grad; statistics against the distribution -----

def _meta(x):
    return tuple(x.shape), str(x.dtype).replace("torch.", ""), x.requires_grad


SHAPE_CASES = [
    ("rand", lambda t: t.rand(2, 3)),
    ("rand_tuple", lambda t: t.rand((4,))),
    ("rand_kw_size", lambda t: t.rand(size=(2, 1))),
    ("rand_f64", lambda t: t.rand(3, dtype=t.float64)),
    ("rand_f16", lambda t: t.rand(3, dtype=t.float16)),
    ("rand_bf16", lambda t: t.rand(3, dtype=t.bfloat16)),
    ("rand_complex", lambda t: t.rand(3, dtype=t.complex64)),
    ("rand_requires_grad", lambda t: t.rand(2, requires_grad=True)),
    ("rand_generator", lambda t: t.rand(2, 2, generator=t.Generator().manual_seed(3))),
    ("randn", lambda t: t.randn(3, 4)),
    ("randn_complex128", lambda t: t.randn(2, dtype=t.complex128)),
    ("randn_0d", lambda t: t.randn(())),
    ("rand_like", lambda t: t.rand_like(t.tensor(randn(2, 3)))),
    ("rand_like_f16", lambda t: t.rand_like(t.zeros(2, dtype=t.float16))),
    ("randn_like_dtype", lambda t: t.randn_like(t.zeros(2), dtype=t.float64)),
    ("randint_high_size", lambda t: t.randint(10, (2, 3))),
    ("randint_low_high_size", lambda t: t.randint(-5, 5, (4,))),
    ("randint_kwargs", lambda t: t.randint(low=2, high=10, size=(2,))),
    ("randint_size_kw", lambda t: t.randint(10, size=(3,))),
    ("randint_float_dtype", lambda t: t.randint(0, 5, (2,), dtype=t.float32)),
    ("randint_float_requires_grad", lambda t: t.randint(5, (2,), dtype=t.float32, requires_grad=True)),
    ("randint_int8", lambda t: t.randint(-3, 3, (5,), dtype=t.int8)),
    ("randint_like", lambda t: t.randint_like(t.zeros(2), 10)),
    ("randint_like_int32", lambda t: t.randint_like(t.zeros(2, dtype=t.int32), 3, 10)),
    ("randperm", lambda t: t.randperm(7)),
    ("randperm_float", lambda t: t.randperm(4, dtype=t.float32)),
    ("randperm_empty", lambda t: t.randperm(0)),
    ("normal_tensors", lambda t: t.normal(t.zeros(2, 3), t.ones(3))),
    ("normal_tensor_float", lambda t: t.normal(t.zeros(2, dtype=t.float64), 1.0)),
    ("normal_float_tensor", lambda t: t.normal(1.0, t.ones(4))),
    ("normal_floats_size", lambda t: t.normal(0.0, 1.0, (2, 2))),
    ("normal_floats_dtype", lambda t: t.normal(0, 1, size=(2,), dtype=t.float64)),
    ("normal_mean_requires_grad", lambda t: t.normal(t.zeros(3, requires_grad=True), 1.0)),
    ("bernoulli", lambda t: t.bernoulli(t.full((3, 2), 0.5))),
    ("bernoulli_f64", lambda t: t.bernoulli(t.full((2,), 0.5, dtype=t.float64))),
    ("bernoulli_p", lambda t: t.bernoulli(t.zeros(4), p=0.3)),
    ("bernoulli_method", lambda t: t.tensor([0.2, 0.9]).bernoulli()),
    ("multinomial", lambda t: t.multinomial(t.tensor([1.0, 2.0, 3.0]), 2)),
    ("multinomial_2d", lambda t: t.multinomial(t.tensor([[1.0, 2.0], [1.0, 0.0]]), 1)),
    ("multinomial_replacement", lambda t: t.multinomial(t.tensor([1.0, 2.0]), 5, True)),
    ("multinomial_method", lambda t: t.tensor([1.0, 1.0, 1.0]).multinomial(3)),
    ("poisson", lambda t: t.poisson(t.tensor([1.0, 2.0]))),
    ("poisson_f64", lambda t: t.poisson(t.tensor([1.0, 2.0], dtype=t.float64))),
]


@pytest.mark.parametrize("name,fn", SHAPE_CASES, ids=[c[0] for c in SHAPE_CASES])
def test_random_shape_dtype(name, fn):
    a, b = fn(torch), fn(torchlike)
    assert _meta(b) == _meta(a), f"{name}: {_meta(a)} vs {_meta(b)}"
    grad_names = [type(a.grad_fn).__name__ if a.grad_fn is not None else None,
                  b.grad_fn.name() if b.grad_fn is not None else None]
    assert grad_names[0] == grad_names[1]


INPLACE_CASES = [
    ("uniform_", lambda x: x.uniform_()), ("uniform_range", lambda x: x.uniform_(-2, 3)),
    ("normal_", lambda x: x.normal_(1.0, 0.5)), ("bernoulli_float", lambda x: x.bernoulli_(0.3)),
    ("random_", lambda x: x.random_()), ("random_to", lambda x: x.random_(5)),
    ("random_from_to", lambda x: x.random_(2, 5)), ("exponential_", lambda x: x.exponential_()),
    ("geometric_", lambda x: x.geometric_(0.5)), ("log_normal_", lambda x: x.log_normal_()),
    ("cauchy_", lambda x: x.cauchy_()), ("fill_", lambda x: x.fill_(2.5)), ("zero_", lambda x: x.zero_()),
]


@pytest.mark.parametrize("name,fn", INPLACE_CASES, ids=[c[0] for c in INPLACE_CASES])
def test_random_inplace_autograd(name, fn):
    """On a non-leaf that requires grad: same grad_fn name, same (zero) gradient for the overwritten input."""
    results = []
    for t in LIBS:
        leaf = t.tensor(randn(3), requires_grad=True)
        x = leaf * 2
        y = fn(x)
        assert y is x
        (x * t.tensor(randn(3, seed=1))).sum().backward()
        results.append((type(x.grad_fn).__name__ if t is torch else x.grad_fn.name(), leaf.grad.tolist(),
                        tuple(x.shape), str(x.dtype)))
    assert results[0] == results[1]


def test_asarray_shares_and_copies():
    for t in LIBS:
        x = t.tensor([1, 2])
        assert t.asarray(x) is x and t.asarray(x, copy=True) is not x
        assert t.tensor(1).new_tensor(2.5).dtype == t.int64


def test_fill_tensor_value_gradient():
    check(lambda t, v: t.zeros(3).fill_(v), np.array(2.5, dtype=np.float32), area="creation", name="fill_tensor")


def test_inplace_on_view_writes_base():
    for t in LIBS:
        base = t.zeros(2, 3)
        base[0].fill_(1.0)
        base[:, 1].zero_()
        base[1].uniform_(5, 6)
        v = base.numpy() if t is torch else np.asarray(base)
        assert (v[0] == [1.0, 0.0, 1.0]).all() and ((v[1] >= 5) & (v[1] < 6)).all()


RANDOM_ERRORS = [
    ("rand_int_dtype", lambda t: t.rand(2, dtype=t.int64)),
    ("randn_int_dtype", lambda t: t.randn(2, dtype=t.int64)),
    ("rand_negative", lambda t: t.rand(2, -1)),
    ("rand_float_size", lambda t: t.rand(2.5)),
    ("rand_like_int", lambda t: t.rand_like(t.zeros(2, dtype=t.int64))),
    ("randint_empty_range", lambda t: t.randint(5, 5, (2,))),
    ("randint_bool_range", lambda t: t.randint(3, 10, (2, 2), dtype=t.bool)),
    ("randint_int_size", lambda t: t.randint(10, 5)),
    ("randint_no_size", lambda t: t.randint(10)),
    ("randint_requires_grad", lambda t: t.randint(5, (2,), requires_grad=True)),
    ("randperm_negative", lambda t: t.randperm(-1)),
    ("normal_negative_std_tensor", lambda t: t.normal(t.zeros(2), t.tensor([-1.0, 1.0]))),
    ("normal_negative_std", lambda t: t.normal(0.0, -1.0, (2,))),
    ("normal_no_size", lambda t: t.normal(2, 3)),
    ("normal_broadcast", lambda t: t.normal(t.zeros(2), t.ones(3))),
    ("normal_int_mean", lambda t: t.normal(t.zeros(2, dtype=t.int64), 1.0)),
    ("bernoulli_p_range", lambda t: t.bernoulli(t.zeros(2), p=1.5)),
    ("bernoulli_probs_range", lambda t: t.bernoulli(t.tensor([2.0, 1.0]))),
    ("bernoulli_int", lambda t: t.bernoulli(t.tensor([1, 0]))),
    ("multinomial_too_many", lambda t: t.multinomial(t.tensor([1.0, 2.0]), 3)),
    ("multinomial_zero_sum", lambda t: t.multinomial(t.tensor([0.0, 0.0]), 1)),
    ("multinomial_negative", lambda t: t.multinomial(t.tensor([-1.0, 2.0]), 1)),
    ("multinomial_3d", lambda t: t.multinomial(t.ones(2, 2, 2), 1)),
    ("multinomial_zero_samples", lambda t: t.multinomial(t.tensor([1.0, 2.0]), 0)),
    ("multinomial_int", lambda t: t.multinomial(t.tensor([1, 2]), 1)),
    ("poisson_negative", lambda t: t.poisson(t.tensor([-1.0]))),
    ("poisson_int", lambda t: t.poisson(t.tensor([1, 2]))),
    ("uniform_bad_range", lambda t: t.zeros(3).uniform_(1, 0)),
    ("uniform_int", lambda t: t.zeros(3, dtype=t.int64).uniform_()),
    ("normal_negative_std_", lambda t: t.zeros(3).normal_(0, -1)),
    ("normal_int_", lambda t: t.zeros(3, dtype=t.int64).normal_()),
    ("exponential_zero", lambda t: t.zeros(3).exponential_(0)),
    ("exponential_int", lambda t: t.zeros(3, dtype=t.int64).exponential_()),
    ("geometric_zero", lambda t: t.zeros(3).geometric_(0)),
    ("geometric_one", lambda t: t.zeros(3).geometric_(1)),
    ("bernoulli_p_range_", lambda t: t.zeros(3).bernoulli_(2)),
    ("log_normal_std", lambda t: t.zeros(3).log_normal_(0, 0)),
    ("cauchy_sigma", lambda t: t.zeros(3).cauchy_(0, -1)),
    ("random_bad_range", lambda t: t.zeros(3, dtype=t.int64).random_(10, 5)),
    ("random_uint8_bound", lambda t: t.zeros(3, dtype=t.uint8).random_(0, 300)),
    ("fill_1d_value", lambda t: t.zeros(3).fill_(t.tensor([1.0, 2.0, 3.0]))),
    ("fill_complex_into_int", lambda t: t.zeros(3, dtype=t.int64).fill_(1j)),
    ("uniform_leaf_requires_grad", lambda t: t.zeros(3, requires_grad=True).uniform_()),
    ("fill_leaf_requires_grad", lambda t: t.zeros(3, requires_grad=True).fill_(1.0)),
    ("set_rng_state_float", lambda t: t.set_rng_state(t.zeros(3))),
    ("manual_seed_overflow", lambda t: t.manual_seed(2 ** 64)),
    ("manual_seed_str", lambda t: t.manual_seed("a")),
]


@pytest.mark.parametrize("name,fn", RANDOM_ERRORS, ids=[c[0] for c in RANDOM_ERRORS])
def test_random_error(name, fn):
    check_error(fn, area="errors", name=name)


STAT_CASES = [
    # (name, draw(t) -> tensor of 100k samples, statistic, tolerance)
    ("rand_mean", lambda t: t.rand(100_000), np.mean, 0.01),
    ("rand_std", lambda t: t.rand(100_000, dtype=t.float64), np.std, 0.01),
    ("randn_mean", lambda t: t.randn(100_000), np.mean, 0.02),
    ("randn_std", lambda t: t.randn(100_000), np.std, 0.02),
    ("randint_mean", lambda t: t.randint(3, 10, (100_000,)), np.mean, 0.05),
    ("normal_mean", lambda t: t.normal(3.0, 2.0, (100_000,)), np.mean, 0.05),
    ("normal_std", lambda t: t.normal(t.full((100_000,), 3.0), 2.0), np.std, 0.05),
    ("bernoulli_mean", lambda t: t.bernoulli(t.full((100_000,), 0.3)), np.mean, 0.01),
    ("poisson_mean", lambda t: t.poisson(t.full((100_000,), 4.0)), np.mean, 0.05),
    ("exponential_mean", lambda t: t.empty(100_000).exponential_(2.0), np.mean, 0.01),
    ("geometric_mean", lambda t: t.empty(100_000).geometric_(0.25), np.mean, 0.1),
    ("log_normal_median", lambda t: t.empty(100_000).log_normal_(0.5, 0.5), np.median, 0.05),
    ("cauchy_median", lambda t: t.empty(100_000).cauchy_(1.0, 0.5), np.median, 0.02),
    ("uniform_mean", lambda t: t.empty(100_000).uniform_(-2, 6), np.mean, 0.05),
    ("multinomial_freq", lambda t: t.multinomial(t.tensor([1.0, 3.0]), 100_000, True).double(), np.mean, 0.01),
]


@pytest.mark.parametrize("name,draw,stat,tol", STAT_CASES, ids=[c[0] for c in STAT_CASES])
def test_random_statistics(name, draw, stat, tol):
    torch.manual_seed(0)
    torchlike.manual_seed(0)
    a, b = draw(torch), draw(torchlike)
    assert _meta(a) == _meta(b)
    sa, sb = stat(a.double().numpy()), stat(np.asarray(b.double()))
    assert abs(sa - sb) < tol, f"{name}: torch {sa} vs torchlike {sb}"


def test_rng_api_types():
    for t in LIBS:
        g = t.Generator()
        assert g.initial_seed() == 67280421310721
        assert g.manual_seed(5) is g and g.initial_seed() == 5
        assert str(g.device) == "cpu"
        s = g.get_state()
        assert s.dtype == t.uint8 and s.ndim == 1
        assert isinstance(t.manual_seed(3), t.Generator) and t.initial_seed() == 3
        assert t.manual_seed(-1).initial_seed() == 2 ** 64 - 1
        assert isinstance(t.seed(), int)
        assert t.get_rng_state().dtype == t.uint8
        assert isinstance(t.default_generator, t.Generator)
        assert t.random.initial_seed() == t.initial_seed()


def test_uniform_ranges_match():
    for t in LIBS:
        t.manual_seed(1)
        v = np.asarray(t.empty(10_000).random_(3, 7).numpy() if t is torch else t.empty(10_000).random_(3, 7))
        assert set(np.unique(v).tolist()) == {3.0, 4.0, 5.0, 6.0}
