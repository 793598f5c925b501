"""Bad dims and shapes: out-of-range and duplicate dims, broadcast and matmul mismatches, joins of
unequal tensors, impossible views. torchlike must raise PyTorch's type with a similar message."""
import pytest

from .harness import check_error


def _x(t):
    return t.ones(2, 3)


def _idx(t, *values):
    return t.tensor(list(values))


DIMS = [
    # duplicate dims
    ("mean_duplicate_dims", lambda t: _x(t).mean(dim=(0, 0))),
    ("amax_duplicate_dims", lambda t: _x(t).amax(dim=(1, 1))),
    ("amin_duplicate_negative_dims", lambda t: _x(t).amin(dim=(1, -1))),
    ("permute_duplicate_dims", lambda t: _x(t).permute(0, 0)),
    ("permute_too_few_dims", lambda t: _x(t).permute(0)),
    ("flip_duplicate_dims", lambda t: _x(t).flip(0, 0)),
    ("var_duplicate_dims", lambda t: _x(t).var(dim=(0, 0))),
    ("logsumexp_duplicate_dims", lambda t: _x(t).logsumexp(dim=(1, 1))),
    ("diagonal_same_dims", lambda t: _x(t).diagonal(dim1=0, dim2=0)),
    ("movedim_duplicate_source", lambda t: t.ones(2, 3, 4).movedim((0, 0), (1, 2))),
    # out-of-range dims
    ("sum_dim_out_of_range", lambda t: _x(t).sum(dim=3)),
    ("sum_negative_dim_out_of_range", lambda t: _x(t).sum(dim=-3)),
    ("mean_dim_out_of_range", lambda t: _x(t).mean(dim=2)),
    ("softmax_dim_out_of_range", lambda t: _x(t).softmax(dim=2)),
    ("log_softmax_dim_out_of_range", lambda t: _x(t).log_softmax(dim=-3)),
    ("cat_dim_out_of_range", lambda t: t.cat([_x(t), _x(t)], dim=2)),
    ("stack_dim_out_of_range", lambda t: t.stack([_x(t), _x(t)], dim=4)),
    ("squeeze_dim_out_of_range", lambda t: _x(t).squeeze(3)),
    ("unsqueeze_dim_out_of_range", lambda t: _x(t).unsqueeze(4)),
    ("unsqueeze_negative_dim_out_of_range", lambda t: _x(t).unsqueeze(-4)),
    ("transpose_dim_out_of_range", lambda t: _x(t).transpose(0, 5)),
    ("gather_dim_out_of_range", lambda t: _x(t).gather(3, t.zeros(2, 3, dtype=t.int64))),
    ("index_select_dim_out_of_range", lambda t: _x(t).index_select(2, _idx(t, 0))),
    ("narrow_dim_out_of_range", lambda t: _x(t).narrow(2, 0, 1)),
    ("select_dim_out_of_range", lambda t: _x(t).select(2, 0)),
    ("chunk_dim_out_of_range", lambda t: _x(t).chunk(2, dim=3)),
    ("split_dim_out_of_range", lambda t: _x(t).split(1, dim=3)),
    ("topk_dim_out_of_range", lambda t: _x(t).topk(1, dim=3)),
    ("sort_dim_out_of_range", lambda t: _x(t).sort(dim=3)),
    ("argsort_dim_out_of_range", lambda t: _x(t).argsort(dim=2)),
    ("cumsum_dim_out_of_range", lambda t: _x(t).cumsum(dim=3)),
    ("cumprod_dim_out_of_range", lambda t: _x(t).cumprod(dim=2)),
    ("argmax_dim_out_of_range", lambda t: _x(t).argmax(dim=2)),
    ("max_dim_out_of_range", lambda t: _x(t).max(dim=2)),
    ("min_dim_out_of_range", lambda t: _x(t).min(dim=-3)),
    ("prod_dim_out_of_range", lambda t: _x(t).prod(dim=2)),
    ("std_dim_out_of_range", lambda t: _x(t).std(dim=2)),
    ("norm_dim_out_of_range", lambda t: _x(t).norm(dim=3)),
    ("all_dim_out_of_range", lambda t: _x(t).all(dim=2)),
    ("any_dim_out_of_range", lambda t: _x(t).any(dim=2)),
    ("roll_dim_out_of_range", lambda t: _x(t).roll(1, dims=3)),
    ("flip_dim_out_of_range", lambda t: _x(t).flip(5)),
    ("movedim_out_of_range", lambda t: _x(t).movedim(0, 3)),
    ("unbind_dim_out_of_range", lambda t: _x(t).unbind(dim=3)),
    ("kthvalue_dim_out_of_range", lambda t: _x(t).kthvalue(1, dim=3)),
    ("median_dim_out_of_range", lambda t: _x(t).median(dim=3)),
    ("size_dim_out_of_range", lambda t: _x(t).size(5)),
    ("flatten_start_after_end", lambda t: t.ones(2, 3, 4).flatten(start_dim=2, end_dim=1)),
    ("flatten_dim_out_of_range", lambda t: _x(t).flatten(0, 4)),
    ("normalize_dim_out_of_range", lambda t: t.nn.functional.normalize(_x(t), dim=3)),
    ("normalize_1d_default_dim", lambda t: t.nn.functional.normalize(t.ones(3))),
    ("repeat_too_few_sizes", lambda t: _x(t).repeat(2)),
    ("count_nonzero_dim_out_of_range", lambda t: _x(t).count_nonzero(dim=4)),
    # dims of a 0-d tensor
    ("scalar_sum_dim_1", lambda t: t.tensor(1.0).sum(dim=1)),
    ("scalar_unsqueeze_dim_2", lambda t: t.tensor(1.0).unsqueeze(2)),
    ("scalar_transpose", lambda t: t.tensor(1.0).transpose(0, 1)),
    ("scalar_softmax_dim_1", lambda t: t.tensor(1.0).softmax(dim=1)),
    ("scalar_cumsum_dim_1", lambda t: t.tensor(1.0).cumsum(dim=1)),
    ("scalar_index", lambda t: t.tensor(1.0)[0]),
    ("scalar_len", lambda t: len(t.tensor(1.0))),
    ("scalar_iter", lambda t: iter(t.tensor(1.0))),
    ("scalar_size_dim_1", lambda t: t.tensor(1.0).size(1)),
    ("scalar_select", lambda t: t.tensor(1.0).select(0, 0)),
    ("scalar_narrow", lambda t: t.tensor(1.0).narrow(0, 0, 1)),
    ("scalar_chunk", lambda t: t.tensor(1.0).chunk(2)),
    ("scalar_topk", lambda t: t.tensor(1.0).topk(2)),
    ("scalar_unbind", lambda t: t.tensor(1.0).unbind()),
    ("scalar_t_dim_out_of_range", lambda t: t.tensor(1.0).squeeze(1)),
]

SIZES = [
    ("narrow_too_long", lambda t: _x(t).narrow(0, 0, 5)),
    ("narrow_negative_length", lambda t: _x(t).narrow(0, 0, -1)),
    ("select_index_out_of_range", lambda t: _x(t).select(0, 5)),
    ("chunk_zero_chunks", lambda t: _x(t).chunk(0)),
    ("split_size_zero", lambda t: _x(t).split(0)),
    ("split_sizes_wrong_sum", lambda t: _x(t).split([1, 1], dim=1)),
    ("topk_k_too_large", lambda t: t.ones(3).topk(5)),
    ("kthvalue_k_too_large", lambda t: t.ones(3).kthvalue(5)),
    ("unflatten_wrong_product", lambda t: t.ones(6).unflatten(0, (4, 2))),
    ("tensor_split_zero_sections", lambda t: t.ones(6).tensor_split(0)),
    # broadcasting and products
    ("add_broadcast_failure", lambda t: _x(t) + t.ones(4)),
    ("mul_broadcast_failure", lambda t: _x(t) * t.ones(2)),
    ("sub_broadcast_failure_3d", lambda t: t.ones(2, 3, 4) - t.ones(3, 3, 1)),
    ("add_inplace_shape_change", lambda t: t.ones(3).add_(t.ones(2, 3))),
    ("matmul_inner_dims", lambda t: t.ones(2, 3) @ t.ones(4, 5)),
    ("matmul_vectors_unequal", lambda t: t.ones(3) @ t.ones(4)),
    ("matmul_scalar", lambda t: t.tensor(1.0) @ t.ones(3)),
    ("matmul_batched_inner_dims", lambda t: t.ones(2, 2, 3) @ t.ones(2, 4, 2)),
    ("mm_inner_dims", lambda t: t.mm(t.ones(2, 3), t.ones(2, 3))),
    ("mm_vector", lambda t: t.mm(t.ones(3), t.ones(3, 2))),
    ("bmm_inner_dims", lambda t: t.bmm(t.ones(2, 3, 4), t.ones(2, 5, 6))),
    ("bmm_2d", lambda t: t.bmm(t.ones(3, 4), t.ones(4, 5))),
    ("bmm_batch_sizes", lambda t: t.bmm(t.ones(2, 3, 4), t.ones(3, 4, 5))),
    ("addmm_inner_dims", lambda t: t.addmm(t.ones(2, 2), t.ones(2, 3), t.ones(4, 2))),
    ("addmm_bias_shape", lambda t: t.addmm(t.ones(3, 3), t.ones(2, 3), t.ones(3, 2))),
    ("mv_sizes", lambda t: t.mv(t.ones(2, 3), t.ones(4))),
    ("dot_2d", lambda t: t.dot(t.ones(2, 2), t.ones(2, 2))),
    ("dot_sizes", lambda t: t.dot(t.ones(3), t.ones(4))),
    ("dot_dtypes", lambda t: t.dot(t.ones(3), t.ones(3, dtype=t.float64))),
    ("linear_inner_dims", lambda t: t.nn.functional.linear(t.ones(2, 3), t.ones(4, 5))),
    ("linear_bias_size", lambda t: t.nn.functional.linear(t.ones(2, 3), t.ones(4, 3), t.ones(5))),
    ("linear_bias_too_many_dims", lambda t: t.nn.functional.linear(t.ones(2, 3), t.ones(4, 3), t.ones(2, 2, 4))),
    ("linear_0d_weight", lambda t: t.nn.functional.linear(t.ones(3), t.tensor(2.0))),
    ("outer_2d", lambda t: t.outer(t.ones(2, 2), t.ones(2))),
    ("matmul_dtypes", lambda t: t.ones(2, 2) @ t.ones(2, 2, dtype=t.float64)),
    # joins
    ("cat_different_sizes", lambda t: t.cat([_x(t), t.ones(2, 4)])),
    ("cat_different_ranks", lambda t: t.cat([_x(t), t.ones(3)])),
    ("cat_empty_list", lambda t: t.cat([])),
    ("cat_scalars", lambda t: t.cat([t.tensor(1.0), t.tensor(2.0)])),
    ("stack_different_shapes", lambda t: t.stack([t.ones(2), t.ones(3)])),
    ("stack_empty_list", lambda t: t.stack([])),
    ("hstack_different_rows", lambda t: t.hstack([t.ones(2, 2), t.ones(3, 2)])),
    ("vstack_different_columns", lambda t: t.vstack([t.ones(2, 2), t.ones(2, 3)])),
    # views and reshapes
    ("view_incompatible_size", lambda t: _x(t).view(4, 4)),
    ("view_infer_impossible", lambda t: _x(t).view(-1, 4)),
    ("view_of_non_contiguous", lambda t: _x(t).t().view(-1)),
    ("reshape_two_inferred", lambda t: _x(t).reshape(-1, -1)),
    ("reshape_negative_size", lambda t: _x(t).reshape(-2, 3)),
    ("reshape_wrong_size", lambda t: _x(t).reshape(5)),
    ("expand_to_smaller", lambda t: t.ones(3).expand(1)),
    ("expand_fewer_dims", lambda t: _x(t).expand(3)),
    ("expand_non_singleton", lambda t: _x(t).expand(4, 3)),
    ("expand_as_smaller", lambda t: _x(t).expand_as(t.ones(3))),
    ("broadcast_to_incompatible", lambda t: t.broadcast_to(_x(t), (3, 3))),
    ("squeeze_then_view_wrong", lambda t: t.ones(1, 4).squeeze().view(3)),
    ("t_of_3d", lambda t: t.ones(2, 3, 4).t()),
    ("transpose_inplace_out_of_range", lambda t: _x(t).transpose_(0, 2)),
]


CASES = DIMS + SIZES


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_bad_dims_and_shapes(name, fn):
    check_error(fn, name=name)


# PyTorch lists every overload in these messages; the exception type is what must agree.
OVERLOADED = [
    ("cumsum_without_dim", lambda t: _x(t).cumsum()),
    ("sum_float_dim", lambda t: _x(t).sum(dim=1.5)),
    ("view_dims_list_and_int", lambda t: _x(t).view([2], 3)),
    ("softmax_string_dim", lambda t: t.softmax(_x(t), dim="a")),
    ("narrow_float_start", lambda t: _x(t).narrow(0, 0.5, 1)),
]


@pytest.mark.parametrize("name,fn", OVERLOADED, ids=[c[0] for c in OVERLOADED])
def test_bad_dims_of_overloaded_function(name, fn):
    check_error(fn, name=name, same_message=False)
