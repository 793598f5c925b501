"""Bad inputs to nn modules and functional calls: wrong feature counts and ranks, impossible
constructor arguments, index and target values out of range, bad padding and interpolation
arguments. torchlike must raise PyTorch's exception type with a similar message."""
import pytest

from .harness import check_error


def _F(t):
    return t.nn.functional


def _mha(t, q, k=None, v=None, embed=8, heads=2):
    k = q if k is None else k
    v = k if v is None else v
    return t.nn.MultiheadAttention(embed, heads)(q, k, v)


def _assign_tensor_to_parameter(t):
    m = t.nn.Linear(2, 2)
    m.weight = t.ones(2, 2)


def _load_missing_keys(t):
    t.nn.Linear(2, 2).load_state_dict({"weight": t.ones(2, 2)})


def _load_wrong_shape(t):
    t.nn.Linear(2, 2).load_state_dict({"weight": t.ones(3, 2), "bias": t.ones(2)})


def _buffer_over_parameter(t):
    t.nn.Linear(2, 2).register_buffer("weight", t.ones(2))


MODULES = [
    # feature counts and ranks
    ("linear_0d_input", lambda t: t.nn.Linear(3, 2)(t.tensor(1.0))),
    ("linear_1d_wrong_features", lambda t: t.nn.Linear(3, 2)(t.ones(4))),
    ("conv1d_channel_count", lambda t: t.nn.Conv1d(3, 2, 3)(t.ones(1, 4, 10))),
    ("conv1d_4d_input", lambda t: t.nn.Conv1d(3, 2, 3)(t.ones(1, 3, 4, 4))),
    ("conv2d_2d_input", lambda t: t.nn.Conv2d(3, 2, 3)(t.ones(4, 4))),
    ("conv2d_5d_input", lambda t: t.nn.Conv2d(3, 2, 3)(t.ones(1, 1, 3, 4, 4))),
    ("conv3d_channel_count", lambda t: t.nn.Conv3d(2, 2, 1)(t.ones(1, 3, 2, 2, 2))),
    ("conv3d_3d_input", lambda t: t.nn.Conv3d(2, 2, 1)(t.ones(2, 2, 2))),
    ("conv2d_kernel_larger_than_input", lambda t: t.nn.Conv2d(1, 1, 3)(t.ones(1, 1, 2, 2))),
    ("conv2d_zero_kernel", lambda t: t.nn.Conv2d(3, 2, 0)(t.ones(1, 3, 4, 4))),
    ("conv2d_groups_channels", lambda t: t.nn.Conv2d(4, 4, 1, groups=2)(t.ones(1, 3, 4, 4))),
    ("conv_transpose2d_channel_count", lambda t: t.nn.ConvTranspose2d(3, 2, 3)(t.ones(1, 4, 5, 5))),
    ("conv2d_functional_weight_rank", lambda t: _F(t).conv2d(t.ones(1, 3, 5, 5), t.ones(2, 3, 3))),
    ("conv2d_functional_bias_size", lambda t: _F(t).conv2d(t.ones(1, 3, 5, 5), t.ones(2, 3, 3, 3), t.ones(3))),
    ("batchnorm1d_4d_input", lambda t: t.nn.BatchNorm1d(3)(t.ones(2, 3, 4, 4))),
    ("batchnorm2d_3d_input", lambda t: t.nn.BatchNorm2d(3)(t.ones(2, 3, 4))),
    ("batchnorm3d_4d_input", lambda t: t.nn.BatchNorm3d(3)(t.ones(2, 3, 4, 4))),
    ("batchnorm1d_single_value_per_channel", lambda t: t.nn.BatchNorm1d(3)(t.ones(1, 3))),
    ("batchnorm2d_train_feature_count", lambda t: t.nn.BatchNorm2d(3)(t.ones(2, 4, 2, 2))),
    ("layernorm_wrong_last_dim", lambda t: t.nn.LayerNorm(5)(t.ones(2, 4))),
    ("layernorm_functional_weight", lambda t: _F(t).layer_norm(t.ones(2, 4), (4,), t.ones(3))),
    ("groupnorm_channel_count", lambda t: t.nn.GroupNorm(2, 4)(t.ones(2, 6, 3))),
    ("groupnorm_indivisible_input", lambda t: _F(t).group_norm(t.ones(2, 5, 3), 2)),
    ("instancenorm_feature_count", lambda t: t.nn.InstanceNorm1d(3, affine=True)(t.ones(2, 4, 5))),
    ("embedding_index_too_large", lambda t: t.nn.Embedding(10, 3)(t.tensor([10]))),
    ("embedding_negative_index", lambda t: t.nn.Embedding(10, 3)(t.tensor([-1]))),
    ("embedding_float_indices", lambda t: t.nn.Embedding(10, 3)(t.tensor([1.0]))),
    ("embedding_functional_out_of_range", lambda t: _F(t).embedding(t.tensor([[4]]), t.ones(4, 2))),
    ("lstm_input_size", lambda t: t.nn.LSTM(4, 8)(t.ones(5, 2, 3))),
    ("lstm_4d_input", lambda t: t.nn.LSTM(4, 8)(t.ones(5, 2, 3, 4))),
    ("lstm_hidden_shape", lambda t: t.nn.LSTM(4, 8)(t.ones(5, 2, 4), (t.ones(1, 3, 8), t.ones(1, 3, 8)))),
    ("gru_input_size", lambda t: t.nn.GRU(4, 8)(t.ones(5, 2, 3))),
    ("gru_hidden_shape", lambda t: t.nn.GRU(4, 8)(t.ones(5, 2, 4), t.ones(1, 3, 8))),
    ("rnn_1d_input", lambda t: t.nn.RNN(4, 8)(t.ones(4))),
    ("lstm_cell_input_size", lambda t: t.nn.LSTMCell(4, 8)(t.ones(2, 3))),
    ("gru_cell_hidden_size", lambda t: t.nn.GRUCell(4, 8)(t.ones(2, 4), t.ones(2, 7))),
    ("mha_embed_dim", lambda t: _mha(t, t.ones(5, 2, 6))),
    ("mha_key_value_shapes", lambda t: _mha(t, t.ones(5, 2, 8), t.ones(4, 2, 8), t.ones(3, 2, 8))),
    ("mha_4d_query", lambda t: _mha(t, t.ones(1, 5, 2, 8))),
    ("maxpool2d_output_too_small", lambda t: t.nn.MaxPool2d(3)(t.ones(1, 3, 2, 2))),
    ("maxpool2d_padding_too_large", lambda t: t.nn.MaxPool2d(3, padding=2)(t.ones(1, 1, 8, 8))),
    ("avgpool2d_padding_too_large", lambda t: t.nn.AvgPool2d(2, padding=2)(t.ones(1, 1, 8, 8))),
    ("maxpool1d_2d_kernel_on_5d", lambda t: t.nn.MaxPool1d(2)(t.ones(1, 1, 1, 1, 4))),
    ("adaptive_avg_pool_1d_input", lambda t: t.nn.AdaptiveAvgPool2d(2)(t.ones(4))),
    ("pixel_shuffle_indivisible", lambda t: t.nn.PixelShuffle(2)(t.ones(1, 3, 2, 2))),
    ("unflatten_module_wrong_product", lambda t: t.nn.Unflatten(1, (2, 2))(t.ones(2, 6))),
    ("flatten_module_bad_dims", lambda t: t.nn.Flatten(2, 1)(t.ones(2, 3, 4))),
    # constructor arguments
    ("linear_negative_in_features", lambda t: t.nn.Linear(-1, 2)),
    ("linear_negative_out_features", lambda t: t.nn.Linear(2, -3)),
    ("dropout_p_above_one", lambda t: t.nn.Dropout(p=1.5)),
    ("dropout_negative_p", lambda t: t.nn.Dropout(p=-0.1)),
    ("dropout2d_p_above_one", lambda t: t.nn.Dropout2d(p=2.0)),
    ("groupnorm_indivisible_channels", lambda t: t.nn.GroupNorm(3, 4)),
    ("conv2d_in_channels_not_divisible", lambda t: t.nn.Conv2d(3, 4, 3, groups=2)),
    ("conv2d_out_channels_not_divisible", lambda t: t.nn.Conv2d(4, 3, 3, groups=2)),
    ("conv2d_zero_groups", lambda t: t.nn.Conv2d(3, 3, 3, groups=0)),
    ("conv2d_same_padding_strided", lambda t: t.nn.Conv2d(3, 2, 3, padding="same", stride=2)),
    ("conv2d_bad_padding_string", lambda t: t.nn.Conv2d(3, 2, 3, padding="foo")),
    ("conv2d_bad_padding_mode", lambda t: t.nn.Conv2d(3, 2, 3, padding_mode="bad")),
    ("conv1d_negative_channels", lambda t: t.nn.Conv1d(-1, 2, 3)),
    ("embedding_padding_idx_too_large", lambda t: t.nn.Embedding(10, 3, padding_idx=10)),
    ("embedding_negative_count", lambda t: t.nn.Embedding(-1, 3)),
    ("rnn_bad_nonlinearity", lambda t: t.nn.RNN(4, 8, nonlinearity="sigmoid")),
    ("lstm_dropout_above_one", lambda t: t.nn.LSTM(4, 8, dropout=1.5)),
    ("lstm_zero_hidden", lambda t: t.nn.LSTM(4, 0)),
    ("gru_zero_layers", lambda t: t.nn.GRU(4, 8, num_layers=0)),
    ("lstm_proj_too_large", lambda t: t.nn.LSTM(4, 8, proj_size=8)),
    ("mha_indivisible_heads", lambda t: t.nn.MultiheadAttention(10, 3)),
    ("transformer_layer_indivisible_heads", lambda t: t.nn.TransformerEncoderLayer(10, 3)),
    ("parameter_of_ints", lambda t: t.nn.Parameter(t.ones(2, dtype=t.int64))),
    # the module API
    ("sequential_with_tensor", lambda t: t.nn.Sequential(t.ones(2))),
    ("add_module_dotted_name", lambda t: t.nn.Module().add_module("a.b", t.nn.ReLU())),
    ("add_module_not_a_module", lambda t: t.nn.Module().add_module("a", 5)),
    ("register_parameter_tensor", lambda t: t.nn.Module().register_parameter("p", t.ones(2))),
    ("register_buffer_over_parameter", _buffer_over_parameter),
    ("assign_tensor_to_parameter", _assign_tensor_to_parameter),
    ("load_state_dict_missing_keys", _load_missing_keys),
    ("load_state_dict_wrong_shape", _load_wrong_shape),
    ("module_list_append_int", lambda t: t.nn.ModuleList().append(5)),
    ("module_to_tpu", lambda t: t.nn.Linear(2, 2).to("tpu")),
]

FUNCTIONAL = [
    ("pad_odd_length", lambda t: _F(t).pad(t.ones(2, 3), (1, 2, 3))),
    ("pad_too_long", lambda t: _F(t).pad(t.ones(2, 3), (1, 1, 1, 1, 1, 1))),
    ("pad_reflect_too_large", lambda t: _F(t).pad(t.ones(1, 1, 3), (5, 5), mode="reflect")),
    ("pad_bad_mode", lambda t: _F(t).pad(t.ones(1, 1, 3), (1, 1), mode="bad")),
    ("interpolate_size_and_scale", lambda t: _F(t).interpolate(t.ones(1, 1, 4, 4), size=2, scale_factor=2)),
    ("interpolate_neither_size_nor_scale", lambda t: _F(t).interpolate(t.ones(1, 1, 4, 4))),
    ("interpolate_bilinear_3d", lambda t: _F(t).interpolate(t.ones(1, 1, 4), size=2, mode="bilinear")),
    ("interpolate_nearest_align_corners", lambda t: _F(t).interpolate(t.ones(1, 1, 4), size=2,
                                                                      align_corners=True)),
    ("interpolate_size_rank", lambda t: _F(t).interpolate(t.ones(1, 1, 4, 4), size=(2,))),
    ("interpolate_bad_mode", lambda t: _F(t).interpolate(t.ones(1, 1, 4), size=2, mode="cubic")),
    ("softmax_dim_out_of_range", lambda t: _F(t).softmax(t.ones(2, 3), dim=5)),
    ("dropout_functional_bad_p", lambda t: _F(t).dropout(t.ones(2), p=-0.1)),
    ("one_hot_negative", lambda t: _F(t).one_hot(t.tensor([-1]))),
    ("one_hot_too_large", lambda t: _F(t).one_hot(t.tensor([5]), 3)),
    ("one_hot_float", lambda t: _F(t).one_hot(t.tensor([1.0]))),
    ("cross_entropy_target_out_of_range", lambda t: _F(t).cross_entropy(t.ones(2, 3), t.tensor([0, 5]))),
    ("cross_entropy_negative_target", lambda t: _F(t).cross_entropy(t.ones(2, 3), t.tensor([0, -2]))),
    ("cross_entropy_batch_mismatch", lambda t: _F(t).cross_entropy(t.ones(4, 3), t.tensor([0, 1, 2]))),
    ("cross_entropy_prob_target_shape", lambda t: _F(t).cross_entropy(t.ones(2, 3), t.ones(2, 4))),
    ("cross_entropy_int32_target", lambda t: _F(t).cross_entropy(t.ones(2, 3), t.tensor([0, 1], dtype=t.int32))),
    ("cross_entropy_weight_size", lambda t: _F(t).cross_entropy(t.ones(2, 3), t.tensor([0, 1]), weight=t.ones(4))),
    ("nll_loss_batch_mismatch", lambda t: _F(t).nll_loss(t.ones(4, 3), t.tensor([0, 1]))),
    ("nll_loss_spatial_target_shape", lambda t: _F(t).nll_loss(t.ones(2, 3, 4), t.zeros(2, 5, dtype=t.int64))),
    ("nll_loss_3d_target_for_2d_input", lambda t: _F(t).nll_loss(t.ones(2, 3), t.zeros(2, 2, dtype=t.int64))),
    ("nll_loss_float_target", lambda t: _F(t).nll_loss(t.ones(2, 3), t.ones(2))),
    ("mse_loss_broadcast_failure", lambda t: _F(t).mse_loss(t.ones(3), t.ones(4))),
    ("l1_loss_broadcast_failure", lambda t: _F(t).l1_loss(t.ones(2, 3), t.ones(2, 4))),
    ("bce_target_size", lambda t: _F(t).binary_cross_entropy(t.full((4,), 0.5), t.ones(3))),
    ("bce_input_out_of_range", lambda t: _F(t).binary_cross_entropy(t.full((2,), 1.5), t.ones(2))),
    ("bce_with_logits_target_size", lambda t: _F(t).binary_cross_entropy_with_logits(t.ones(4), t.ones(3))),
    ("cosine_similarity_shapes", lambda t: _F(t).cosine_similarity(t.ones(2, 3), t.ones(2, 4))),
    ("layer_norm_shape", lambda t: _F(t).layer_norm(t.ones(2, 3), (4,))),
    ("embedding_functional_float_indices", lambda t: _F(t).embedding(t.tensor([0.0]), t.ones(4, 2))),
    ("unfold_2d_input", lambda t: _F(t).unfold(t.ones(4, 4), 2)),
    ("max_pool2d_zero_stride", lambda t: _F(t).max_pool2d(t.ones(1, 1, 4, 4), 2, stride=0)),
    ("avg_pool2d_bad_kernel_tuple", lambda t: _F(t).avg_pool2d(t.ones(1, 1, 4, 4), (2, 2, 2))),
    ("adaptive_avg_pool2d_bad_size", lambda t: _F(t).adaptive_avg_pool2d(t.ones(1, 1, 4, 4), (2, 2, 2))),
    ("scaled_dot_product_shapes", lambda t: _F(t).scaled_dot_product_attention(t.ones(1, 2, 3), t.ones(1, 4, 5),
                                                                                t.ones(1, 4, 5))),
    ("sdpa_value_length", lambda t: _F(t).scaled_dot_product_attention(t.ones(1, 2, 3), t.ones(1, 4, 3),
                                                                         t.ones(1, 5, 3))),
    ("sdpa_4d_head_dims", lambda t: _F(t).scaled_dot_product_attention(t.ones(2, 3, 4, 5), t.ones(2, 3, 6, 7),
                                                                         t.ones(2, 3, 6, 7))),
    ("sdpa_batch_mismatch", lambda t: _F(t).scaled_dot_product_attention(t.ones(2, 4, 5), t.ones(3, 4, 5),
                                                                           t.ones(3, 4, 5))),
    ("sdpa_2d_head_dims", lambda t: _F(t).scaled_dot_product_attention(t.ones(4, 5), t.ones(6, 7), t.ones(6, 7))),
    ("conv1d_zero_kernel", lambda t: _F(t).conv1d(t.ones(1, 3, 5), t.ones(2, 3, 0))),
    ("conv3d_zero_kernel", lambda t: _F(t).conv3d(t.ones(1, 3, 5, 5, 5), t.ones(2, 3, 0, 1, 1))),
    ("conv2d_stride_length", lambda t: _F(t).conv2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 2, 2), stride=(1, 2, 3))),
    ("conv2d_zero_stride", lambda t: _F(t).conv2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 2, 2), stride=0)),
    ("conv2d_negative_padding", lambda t: _F(t).conv2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 2, 2), padding=-1)),
    ("unfold_1d_input", lambda t: _F(t).unfold(t.ones(4), 2)),
    ("unfold_5d_input", lambda t: _F(t).unfold(t.ones(1, 1, 1, 4, 4), 2)),
    ("group_norm_weight_size", lambda t: _F(t).group_norm(t.ones(2, 6, 3), 2, t.ones(4))),
    ("cosine_similarity_batch", lambda t: _F(t).cosine_similarity(t.ones(2, 3), t.ones(3, 3))),
    ("unflatten_inferred_indivisible", lambda t: t.ones(2, 6).unflatten(1, (-1, 4))),
    ("glu_odd_dim", lambda t: _F(t).glu(t.ones(2, 3))),
    ("pixel_shuffle_2d", lambda t: _F(t).pixel_shuffle(t.ones(2, 2), 2)),
    ("grid_sample_grid_shape", lambda t: _F(t).grid_sample(t.ones(1, 1, 4, 4), t.ones(1, 2, 2, 3),
                                                           align_corners=False)),
    ("kl_div_broadcast_failure", lambda t: _F(t).kl_div(t.ones(3), t.ones(4), reduction="batchmean")),
]

CASES = MODULES + FUNCTIONAL


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_bad_nn_input(name, fn):
    check_error(fn, name=name)


# PyTorch lists every overload in these messages; the exception type is what must agree.
OVERLOADED = [
    ("conv2d_string_stride", lambda t: _F(t).conv2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 2, 2), stride="a")),
    ("linear_weight_not_tensor", lambda t: _F(t).linear(t.ones(2, 3), [[1.0, 2.0, 3.0]])),
]


@pytest.mark.parametrize("name,fn", OVERLOADED, ids=[c[0] for c in OVERLOADED])
def test_bad_nn_input_of_overloaded_function(name, fn):
    check_error(fn, name=name, same_message=False)
