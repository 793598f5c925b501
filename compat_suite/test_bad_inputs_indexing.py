"""Bad indices: subscripts and index tensors out of range or of the wrong dtype/rank, masks of the
wrong shape, gather/scatter/take/where misuse. torchlike must raise PyTorch's exception type with a
similar message."""
import pytest

from .harness import check_error


def _x(t):
    return t.ones(3, 4)


def _long(t, *values):
    return t.tensor(list(values))


def _setitem(t, idx, value=1.0):
    x = _x(t)
    x[idx(t) if callable(idx) else idx] = value


SUBSCRIPTS = [
    ("getitem_index_out_of_range", lambda t: _x(t)[10]),
    ("getitem_negative_out_of_range", lambda t: _x(t)[-4]),
    ("getitem_second_dim_out_of_range", lambda t: _x(t)[0, 5]),
    ("getitem_slice_then_out_of_range", lambda t: _x(t)[:, 10]),
    ("getitem_tensor_index_out_of_range", lambda t: _x(t)[_long(t, 5)]),
    ("getitem_tensor_index_negative_out_of_range", lambda t: _x(t)[_long(t, -5)]),
    ("getitem_too_many_indices", lambda t: _x(t)[0, 0, 0]),
    ("getitem_mask_shape", lambda t: _x(t)[t.tensor([True, False])]),
    ("getitem_2d_mask_shape", lambda t: _x(t)[t.ones(3, 3, dtype=t.bool)]),
    ("getitem_float", lambda t: _x(t)[1.5]),
    ("getitem_string", lambda t: _x(t)["a"]),
    ("getitem_float_tensor", lambda t: _x(t)[t.tensor([1.0])]),
    ("getitem_negative_step", lambda t: _x(t)[::-1]),
    ("getitem_zero_step", lambda t: _x(t)[::0]),
    ("getitem_index_lists_mismatch", lambda t: _x(t)[[0, 1], [0, 1, 2]]),
    ("getitem_list_out_of_range", lambda t: _x(t)[[0, 7]]),
    ("setitem_out_of_range", lambda t: _setitem(t, 10)),
    ("setitem_tensor_index_out_of_range", lambda t: _setitem(t, lambda t: _long(t, 3))),
    ("setitem_shape_mismatch", lambda t: _setitem(t, 0, t.ones(5))),
    ("setitem_mask_shape", lambda t: _setitem(t, lambda t: t.tensor([True, False]))),
    ("setitem_string_value", lambda t: _setitem(t, 0, "a")),
    ("setitem_none_value", lambda t: _setitem(t, 0, None)),
    ("setitem_index_lists_mismatch", lambda t: _setitem(t, ([0, 1], [0, 1, 2]))),
]

INDEX_OPS = [
    ("index_select_out_of_range", lambda t: _x(t).index_select(0, _long(t, 3))),
    ("index_select_negative", lambda t: _x(t).index_select(1, _long(t, -1))),
    ("index_select_dim1_out_of_range", lambda t: _x(t).index_select(1, _long(t, 0, 9, -1))),
    ("index_select_3d_dim2_out_of_range", lambda t: t.ones(2, 3, 4).index_select(2, _long(t, 4))),
    ("index_select_float_index", lambda t: _x(t).index_select(0, t.tensor([0.0]))),
    ("index_select_2d_index", lambda t: _x(t).index_select(0, t.zeros(2, 2, dtype=t.int64))),
    ("take_out_of_range", lambda t: _x(t).take(_long(t, 12))),
    ("take_float_index", lambda t: _x(t).take(t.tensor([1.0]))),
    ("gather_out_of_range", lambda t: _x(t).gather(1, t.tensor([[5]]))),
    ("gather_negative_index", lambda t: _x(t).gather(0, t.tensor([[-1]]))),
    ("gather_index_rank", lambda t: _x(t).gather(1, _long(t, 0))),
    ("gather_index_too_large", lambda t: _x(t).gather(1, t.zeros(4, 2, dtype=t.int64))),
    ("gather_float_index", lambda t: _x(t).gather(1, t.zeros(3, 1))),
    ("scatter_out_of_range", lambda t: t.zeros(3).scatter(0, _long(t, 5), t.ones(1))),
    ("scatter_index_rank", lambda t: _x(t).scatter(1, _long(t, 0), t.ones(3, 4))),
    ("scatter_index_larger_than_src", lambda t: _x(t).scatter(1, t.zeros(3, 4, dtype=t.int64), t.ones(2, 2))),
    ("scatter_dtype_mismatch", lambda t: t.zeros(3).scatter(0, _long(t, 1), t.ones(1, dtype=t.float64))),
    ("scatter_add_dtype_mismatch", lambda t: t.zeros(3).scatter_add(0, _long(t, 1), t.ones(1, dtype=t.float64))),
    ("scatter_float_index", lambda t: t.zeros(3).scatter(0, t.tensor([1.0]), t.ones(1))),
    ("scatter_bad_reduce", lambda t: t.zeros(3).scatter(0, _long(t, 1), t.ones(1), reduce="max")),
    ("index_fill_out_of_range", lambda t: _x(t).index_fill(0, _long(t, 4), 0.0)),
    ("index_copy_out_of_range", lambda t: t.zeros(3).index_copy(0, _long(t, 4), t.ones(1))),
    ("index_put_out_of_range", lambda t: t.zeros(3).index_put((_long(t, 3),), t.tensor(1.0))),
    # masks and where
    ("masked_fill_mask_shape", lambda t: t.ones(2, 2).masked_fill(t.ones(3, dtype=t.bool), 0.0)),
    ("masked_fill_float_mask", lambda t: t.ones(2).masked_fill(t.ones(2), 0.0)),
    ("masked_fill_1d_value", lambda t: t.ones(2).masked_fill(t.ones(2, dtype=t.bool), t.ones(2))),
    ("masked_fill_inplace_broadcast", lambda t: t.ones(2).masked_fill_(t.ones(2, 2, dtype=t.bool), 0.0)),
    ("masked_select_shape", lambda t: t.ones(2, 2).masked_select(t.ones(3, dtype=t.bool))),
    ("masked_scatter_float_mask", lambda t: t.ones(2).masked_scatter(t.ones(2), t.ones(2))),
    ("where_shape_mismatch", lambda t: t.where(t.ones(3, dtype=t.bool), t.ones(2, 2), t.zeros(2, 2))),
    ("where_float_condition", lambda t: t.where(t.ones(2), t.ones(2), t.zeros(2))),
    ("where_value_shapes", lambda t: t.where(t.ones(2, dtype=t.bool), t.ones(2), t.zeros(3))),
    # scalar extraction through an index
    ("item_of_indexed_row", lambda t: _x(t)[0].item()),
    ("nonzero_as_tuple_then_index_out", lambda t: _x(t)[t.nonzero(t.ones(5))[:, 0]]),
]

CASES = SUBSCRIPTS + INDEX_OPS


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_bad_index(name, fn):
    check_error(fn, name=name)
