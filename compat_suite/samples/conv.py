"""Samples for the convolution, pooling, padding, resampling, shuffle, fold, recurrent and
attention operators. Calls go through `t.nn.functional` (or the layer) so both libraries take
the public path."""
import numpy as np

from torchlike._ops import nn_misc

from ..harness import rand, randint, randn
from ._base import Sample, add


def F(name, *args, **kw):
    """A call of t.nn.functional.<name>(inputs..., *args, **kw)."""
    def call(t, *xs):
        return getattr(t.nn.functional, name)(*xs, *args, **kw)
    return call


def S(call, *inputs, label="", grad=True, tol=None):
    return Sample(tuple(inputs), call=call, label=label, grad=grad, tol=tol)


X1, X2, X3 = randn(2, 4, 9), randn(2, 4, 7, 8), randn(1, 2, 5, 6, 4)

# ----- convolutions -----
add("conv1d", S(F("conv1d"), X1, randn(6, 4, 3, seed=1), randn(6, seed=2)),
    S(F("conv1d", stride=2, padding=1, dilation=2), X1, randn(6, 4, 3, seed=1), label="strided"),
    S(F("conv1d", padding="same", groups=2), X1, randn(6, 2, 4, seed=1), randn(6, seed=2), label="same groups"),
    S(F("conv1d", padding="valid"), X1[0], randn(5, 4, 2, seed=1), label="unbatched"),
    S(F("conv1d", padding=(2,)), randn(2, 3, 6, dtype=np.float64), randn(2, 3, 3, dtype=np.float64, seed=1),
      label="f64"))
add("conv2d", S(F("conv2d"), X2, randn(3, 4, 3, 3, seed=1), randn(3, seed=2)),
    S(F("conv2d", stride=(2, 1), padding=(1, 2), dilation=(1, 2)), X2, randn(3, 4, 2, 3, seed=1), label="asym"),
    S(F("conv2d", groups=4, padding="same"), X2, randn(8, 1, 3, 3, seed=1), label="depthwise same"),
    S(F("conv2d", stride=3), X2[0], randn(2, 4, 2, 2, seed=1), randn(2, seed=2), label="unbatched"),
    S(F("conv2d", padding=1), randn(0, 4, 5, 5), randn(2, 4, 3, 3, seed=1), label="empty batch"))
add("conv3d", S(F("conv3d", padding=1), X3, randn(3, 2, 3, 3, 3, seed=1), randn(3, seed=2)),
    S(F("conv3d", stride=2, groups=2), X3, randn(4, 1, 2, 2, 2, seed=1), label="groups"))
add("conv_transpose1d", S(F("conv_transpose1d"), X1, randn(4, 3, 3, seed=1), randn(3, seed=2)),
    S(F("conv_transpose1d", stride=3, padding=1, output_padding=2, groups=2, dilation=2), X1,
      randn(4, 2, 3, seed=1), label="all args"),
    S(F("conv_transpose1d", stride=2), X1[0], randn(4, 3, 2, seed=1), label="unbatched"))
add("conv_transpose2d", S(F("conv_transpose2d", stride=2, padding=1, output_padding=1), X2,
                          randn(4, 3, 3, 3, seed=1), randn(3, seed=2)),
    S(F("conv_transpose2d", stride=(1, 2), groups=4, dilation=(2, 1)), X2, randn(4, 1, 2, 3, seed=1),
      label="groups dilation"),
    S(F("conv_transpose2d", padding=2), X2, randn(4, 2, 3, 3, seed=1), label="padding beyond kernel"))
add("conv_transpose3d", S(F("conv_transpose3d", stride=2), X3, randn(2, 3, 2, 2, 2, seed=1), randn(3, seed=2)))

# ----- pooling -----
PX = randn(2, 3, 9, 8)
add("max_pool1d_with_indices", S(F("max_pool1d", 2), X1),
    S(F("max_pool1d", 3, 2, 1, return_indices=True), X1, label="indices"),
    S(F("max_pool1d", 3, 2, 1, 2, True, True), X1[0], label="unbatched ceil dilation"))
add("max_pool2d_with_indices", S(F("max_pool2d", 2), PX),
    S(F("max_pool2d", 3, 2, 1, ceil_mode=True, return_indices=True), PX, label="ceil indices"),
    S(F("max_pool2d", (3, 2), (2, 1), (1, 0), (2, 3), return_indices=True), PX, label="dilation"),
    S(F("max_pool2d", 2, return_indices=True), np.round(PX), label="ties"),
    S(F("max_pool2d", 2), randint(-9, 9, 1, 2, 4, 4), grad=False, label="int64"))
add("max_pool3d_with_indices", S(F("max_pool3d", 2, return_indices=True), X3),
    S(F("max_pool3d", 3, 2, 1, ceil_mode=True), X3, label="padded"))
add("avg_pool1d", S(F("avg_pool1d", 3), X1), S(F("avg_pool1d", 3, 2, 1, True, False), X1, label="ceil no pad"))
add("avg_pool2d", S(F("avg_pool2d", 2), PX),
    S(F("avg_pool2d", 3, 2, 1, ceil_mode=True), PX, label="ceil"),
    S(F("avg_pool2d", 3, 2, 1, ceil_mode=True, count_include_pad=False), PX, label="exclude pad"),
    S(F("avg_pool2d", (3, 2), (1, 2), (1, 1), divisor_override=4), PX, label="divisor"),
    S(F("avg_pool2d", 2), PX[0], label="unbatched"))
add("avg_pool3d", S(F("avg_pool3d", 2), X3), S(F("avg_pool3d", 3, 2, 1, count_include_pad=False), X3, label="pad"))
add("adaptive_avg_pool1d", S(F("adaptive_avg_pool1d", 4), X1), S(F("adaptive_avg_pool1d", 12), X1, label="up"))
add("adaptive_avg_pool2d", S(F("adaptive_avg_pool2d", (4, 3)), PX), S(F("adaptive_avg_pool2d", 1), PX, label="1"),
    S(F("adaptive_avg_pool2d", (None, 5)), PX[0], label="None unbatched"))
add("adaptive_avg_pool3d", S(F("adaptive_avg_pool3d", (2, 3, 2)), X3))
add("adaptive_max_pool1d", S(F("adaptive_max_pool1d", 4, True), X1), S(F("adaptive_max_pool1d", 1), X1, label="1"))
add("adaptive_max_pool2d_with_indices", S(F("adaptive_max_pool2d", (4, 3), True), PX),
    S(F("adaptive_max_pool2d", (10, 11)), PX, label="up"))
add("adaptive_max_pool3d_with_indices", S(F("adaptive_max_pool3d", 2, True), X3))
add("lp_pool1d", S(F("lp_pool1d", 2, 3), X1), S(F("lp_pool1d", 3, 2, 2, True), rand(2, 3, 7, low=0.5, high=2),
                                                 label="p=3 ceil"))
add("lp_pool2d", S(F("lp_pool2d", 2, 2), PX), S(F("lp_pool2d", 1.5, (3, 2), 2), rand(2, 3, 6, 6, low=0.5, high=2),
                                                 label="p=1.5"))


def _unpool(n, k, s=None, p=0, size=None):
    def call(t, x):
        pool = getattr(t.nn.functional, f"max_pool{n}d")
        out, idx = pool(x, k, s, p, return_indices=True)
        return getattr(t.nn.functional, f"max_unpool{n}d")(out, idx, k, s, p, output_size=size)
    return call


add("_max_unpool", S(_unpool(2, 2), PX, label="2d"), S(_unpool(2, 3, 2, 1, size=(9, 8)), PX, label="2d padded"),
    S(_unpool(2, 2, size=(9, 9)), PX, label="2d size"), S(_unpool(1, 3, 2), X1, label="1d"),
    S(_unpool(3, 2), X3, label="3d"))

# ----- padding, resampling, shuffles, im2col -----
add("constant_pad_nd", S(F("pad", (1, 2)), X1), S(F("pad", (1, -1, 2, 0), value=2.5), PX, label="negative"),
    S(F("pad", (1, 1, 0, 0, 2, 1)), PX, label="3 dims"), S(F("pad", (1, 2)), randint(0, 5, 3, 2), grad=False,
                                                            label="int64"))
add("_pad_nonconstant", *[S(F("pad", pad, mode=m), x, label=f"{m} {x.ndim}d")
                          for m in ("reflect", "replicate", "circular")
                          for x, pad in ((X1, (2, 3)), (PX, (1, 2, 3, 0)), (X3, (1, 1, 2, 0, 1, 2)))])
add("_upsample", *[S(F("interpolate", **kw), x, label=str(kw)) for x, kw in (
    (PX, {"scale_factor": 2}), (PX, {"size": (5, 11)}), (PX, {"scale_factor": 1.7, "mode": "nearest-exact"}),
    (PX, {"size": (12, 5), "mode": "bilinear"}), (PX, {"size": (12, 5), "mode": "bilinear", "align_corners": True}),
    (PX, {"scale_factor": (0.5, 1.5), "mode": "bilinear"}), (PX, {"size": (11, 13), "mode": "bicubic"}),
    (PX, {"scale_factor": 2.5, "mode": "bicubic", "align_corners": True, "recompute_scale_factor": True}),
    (X1, {"scale_factor": 2.2, "mode": "linear"}), (X1, {"size": 5, "mode": "linear", "align_corners": True}),
    (X1, {"size": 13}), (X3, {"scale_factor": 2, "mode": "trilinear"}), (X3, {"size": (3, 4, 5)}))])
GRID = rand(2, 5, 6, 2, low=-1.2, high=1.2, seed=3)
add("grid_sampler", *[S(F("grid_sample", mode=m, padding_mode=p, align_corners=a), PX, GRID, label=f"{m} {p} {a}")
                      for m in ("bilinear", "nearest") for p in ("zeros", "border", "reflection")
                      for a in (False, True)])
add("affine_grid_generator", S(F("affine_grid", (2, 3, 4, 5), align_corners=False), randn(2, 2, 3)),
    S(F("affine_grid", (2, 3, 4, 5), align_corners=True), randn(2, 2, 3), label="align"),
    S(F("affine_grid", (1, 1, 2, 3, 4), align_corners=False), randn(1, 3, 4), label="3d"))
add("pixel_shuffle", S(F("pixel_shuffle", 2), randn(2, 8, 3, 4)), S(F("pixel_shuffle", 3), randn(9, 2, 2),
                                                                     label="unbatched"))
add("pixel_unshuffle", S(F("pixel_unshuffle", 2), randn(2, 2, 4, 6)),
    S(F("pixel_unshuffle", 3), randn(2, 2, 1, 6, 3), label="5-D"))
add("channel_shuffle", S(F("channel_shuffle", 3), randn(2, 6, 4, 3)), S(F("channel_shuffle", 2), randn(2, 4, 5),
                                                                         label="3-D"))
add("im2col", S(F("unfold", 2), PX), S(F("unfold", (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), PX,
                                       label="all args"), S(F("unfold", 3, padding=1), PX[0], label="unbatched"))
add("col2im", S(F("fold", (4, 5), 2), randn(2, 12, 12)),
    S(F("fold", (5, 6), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), randn(2, 18, 12), label="all args"),
    S(F("fold", (3, 3), 2), randn(8, 4), label="unbatched"))


# ----- recurrent: weights are inputs (set on the layer in place of its parameters) -----
def _rnn(cls, names, *args, **kw):
    def call(t, x, h, *ws):
        m = getattr(t.nn, cls)(*args, **kw)
        for n, w in zip(names, ws):
            delattr(m, n)
            setattr(m, n, w)
        return m(x, h)
    return call


def _weights(gates, i, h, seed=0, bias=True):
    ws = [randn(gates * h, i, seed=seed), randn(gates * h, h, seed=seed + 1)]
    return ws + ([randn(gates * h, seed=seed + 2), randn(gates * h, seed=seed + 3)] if bias else [])


L0 = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
L0R = [n + "_reverse" for n in L0]
L1 = [n.replace("l0", "l1") for n in L0]
add("_rnn", S(_rnn("RNN", L0, 3, 4), randn(5, 2, 3), randn(1, 2, 4), *_weights(1, 3, 4), label="tanh"),
    S(_rnn("GRU", L0 + L0R, 3, 4, bidirectional=True), randn(5, 2, 3), randn(2, 2, 4), *_weights(3, 3, 4),
      *_weights(3, 3, 4, seed=9), label="GRU bidirectional"),
    S(_rnn("RNN", L0[:2] + L1[:2], 3, 4, 2, "relu", bias=False, batch_first=True), randn(2, 5, 3), randn(2, 2, 4),
      *_weights(1, 3, 4, bias=False), *_weights(1, 4, 4, seed=5, bias=False), label="relu 2 layers"))


def _lstm(names, *args, **kw):
    def call(t, x, h, c, *ws):
        m = t.nn.LSTM(*args, **kw)
        for n, w in zip(names, ws):
            delattr(m, n)
            setattr(m, n, w)
        return m(x, (h, c))
    return call


add("_rnn", S(_lstm(L0, 3, 4), randn(5, 2, 3), randn(1, 2, 4), randn(1, 2, 4, seed=1), *_weights(4, 3, 4),
              label="LSTM"),
    S(_lstm(L0 + ["weight_hr_l0"], 3, 4, proj_size=2), randn(5, 3), randn(1, 2), randn(1, 4, seed=1),
      *_weights(4, 3, 4)[:1], randn(16, 2, seed=4), *_weights(4, 3, 4)[2:], randn(2, 4, seed=8),
      label="LSTM proj unbatched"))


def _cell(cls, *args):
    def call(t, x, h, *ws):
        m = getattr(t.nn, cls)(*args)
        for n, w in zip(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], ws):
            delattr(m, n)
            setattr(m, n, w)
        return m(x, h if cls != "LSTMCell" else (h, h * 0.5))
    return call


add("_rnn_cell", S(_cell("RNNCell", 3, 4), randn(2, 3), randn(2, 4), *_weights(1, 3, 4), label="RNNCell"),
    S(_cell("GRUCell", 3, 4), randn(2, 3), randn(2, 4), *_weights(3, 3, 4), label="GRUCell"),
    S(_cell("LSTMCell", 3, 4), randn(3), randn(4), *_weights(4, 3, 4), label="LSTMCell unbatched"))


def _packed(batch_first, enforce_sorted, lengths):
    def call(t, x):
        rnn = t.nn.utils.rnn
        p = rnn.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
        out, lens = rnn.pad_packed_sequence(p, batch_first=batch_first, total_length=6)
        return p.data, p.batch_sizes, out, lens
    return call


add("_pack_rows", S(_packed(False, True, [5, 3, 1]), randn(5, 3, 2), label="sorted"),
    S(_packed(True, False, [2, 5, 4]), randn(3, 5, 2), label="unsorted batch_first"))
add("_unpack_rows", S(_packed(False, False, [1, 4, 4]), randn(4, 3), label="1 feature dim"))
add("_pad_sequence", S(lambda t, a, b, c: t.nn.utils.rnn.pad_sequence([a, b, c]), randn(3, 2), randn(5, 2),
                       randn(1, 2)),
    S(lambda t, a, b: t.nn.utils.rnn.pad_sequence([a, b], True, -1.0, "left"), randn(3), randn(5), label="left"))
add("_flat_cat", S(lambda t, a, b: t.nn.utils.parameters_to_vector([a, b]), randn(3, 2), randn(4)))

# ----- attention -----
Q, K = randn(2, 2, 5, 4), randn(2, 2, 6, 4, seed=1)
MASK = rand(5, 6, seed=2) > 0.3
MASK[:, 0] = True
add("_sdpa", S(F("scaled_dot_product_attention"), Q, K, randn(2, 2, 6, 3, seed=2)),
    S(F("scaled_dot_product_attention", is_causal=True, scale=0.3), Q, Q * 0.5, Q, label="causal"),
    S(lambda t, q, k, v: t.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=t.tensor(MASK)), Q, K, K,
      label="bool mask"),
    S(lambda t, q, k, v, m: t.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m), Q, K, K,
      randn(5, 6, seed=3), label="float mask"),
    S(F("scaled_dot_product_attention", enable_gqa=True), randn(1, 4, 3, 4), randn(1, 2, 5, 4, seed=1),
      randn(1, 2, 5, 4, seed=2), label="gqa"))


def _mha(**kw):
    def call(t, q, k, v, w_in, b_in, w_out, b_out):
        return t.nn.functional.multi_head_attention_forward(q, k, v, 4, 2, w_in, b_in, None, None, False, 0.0, w_out,
                                                            b_out, **kw)
    return call


MHA_W = (randn(12, 4, seed=4), randn(12, seed=5), randn(4, 4, seed=6), randn(4, seed=7))
add("_mha", S(_mha(), randn(5, 3, 4), randn(6, 3, 4, seed=1), randn(6, 3, 4, seed=2), *MHA_W),
    S(_mha(need_weights=False), randn(5, 4), randn(6, 4, seed=1), randn(6, 4, seed=2), *MHA_W, label="unbatched"),
    S(_mha(average_attn_weights=False), randn(5, 3, 4), randn(5, 3, 4, seed=1), randn(5, 3, 4, seed=2), *MHA_W,
      label="per head"))

# ----- weight normalisation -----
add("norm_except_dim", S(lambda t, v: t.norm_except_dim(v, 2, 0), randn(3, 4, 2)),
    S(lambda t, v: t.norm_except_dim(v, 3, 1), randn(3, 4), label="pow 3 dim 1"),
    S(lambda t, v: t.norm_except_dim(v, 2, -1), randn(3, 4), label="all"))


def _wn(dim):
    def call(t, v, g):
        fn = t._weight_norm if t.__name__ == "torch" else nn_misc._weight_norm  # private in both libraries
        return fn(v, g, dim)
    return call


add("_weight_norm", S(_wn(0), randn(3, 4), rand(3, 1, low=0.5, high=2)),
    S(_wn(1), randn(2, 3, 2), rand(1, 3, 1, low=0.5, high=2), label="dim 1"))


def _power(dim, n):
    def call(t, w, u, v):
        if t.__name__ != "torch":
            return nn_misc._spectral_power(w, u, v, dim, n, 1e-12)
        mat = w.movedim(dim, 0).reshape(w.shape[dim], -1)  # PyTorch's own power method, written out
        for _ in range(n):
            u = t.nn.functional.normalize(t.mv(mat, v), dim=0, eps=1e-12)
            v = t.nn.functional.normalize(t.mv(mat.t(), u), dim=0, eps=1e-12)
        return u, v
    return call


def _divide(dim):
    def call(t, w, u, v):
        if t.__name__ != "torch":
            return nn_misc._spectral_divide(w, u, v, dim)
        return w / t.vdot(u, t.mv(w.movedim(dim, 0).reshape(w.shape[dim], -1), v))
    return call


add("_spectral_power", S(_power(0, 3), randn(4, 6), randn(4, seed=1), randn(6, seed=2), grad=False),
    S(_power(1, 1), randn(3, 5, 2), randn(5, seed=1), randn(6, seed=2), grad=False, label="dim 1"))
add("_spectral_divide", S(_divide(0), randn(4, 6), randn(4, seed=1), randn(6, seed=2)),
    S(_divide(1), randn(3, 5, 2), randn(5, seed=1), randn(6, seed=2), label="dim 1"))
add("lp_pool3d", S(F("lp_pool3d", 2, 2), rand(1, 2, 4, 5, 4, low=0.5, high=2)),
    S(F("lp_pool3d", 3, (2, 3, 2), 1, True), rand(2, 3, 4, 4, low=0.5, high=2), label="p=3 unbatched ceil"))
_U2, _U3 = rand(2, 4, 2, seed=4), rand(1, 2, 3, seed=5)


def _fractional(n, k, u, **kw):
    def call(t, x):
        fn = getattr(t.nn.functional, f"fractional_max_pool{n}d")
        return fn(x, k, _random_samples=t.tensor(u, dtype=x.dtype), **kw)
    return call


add("fractional_max_pool2d", S(_fractional(2, 2, _U2, output_size=(4, 3), return_indices=True), X2),
    S(_fractional(2, (3, 2), _U2, output_ratio=(0.5, 0.6)), X2, label="ratio"),
    S(_fractional(2, 2, _U2[:1], output_size=3), X2[0], label="unbatched"))
add("fractional_max_pool3d", S(_fractional(3, 2, _U3, output_size=(3, 2, 2), return_indices=True), X3),
    S(_fractional(3, (1, 2, 2), _U3, output_ratio=0.5), X3[0], label="ratio unbatched"))
