"""Known answers for the recurrent layers, attention, and nn.utils (clipping, vectors, packing)."""
import math

import numpy as np
import pytest

import torchlike as torch
from torchlike import nn
from torchlike.nn.utils import rnn as rnn_utils


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float32), requires_grad=grad)


def npy(x):
    return np.asarray(x.detach().numpy())


def _set(m, **values):
    with torch.no_grad():
        for name, v in values.items():
            getattr(m, name).copy_(t(v))


def test_rnn_running_sum_with_relu():
    m = nn.RNN(1, 1, nonlinearity="relu", bias=False)
    _set(m, weight_ih_l0=[[1.0]], weight_hh_l0=[[1.0]])
    out, h = m(t([[[1.0]], [[2.0]], [[3.0]]]))
    assert npy(out).ravel().tolist() == [1, 3, 6] and npy(h).ravel().tolist() == [6]


def test_lstm_one_step_by_hand():
    m = nn.LSTM(1, 1)
    # gates i, f, g, o: pre-activations x*w + b with x = 1
    _set(m, weight_ih_l0=[[1.0], [0.0], [2.0], [-1.0]], weight_hh_l0=[[0.0]] * 4,
         bias_ih_l0=[0.0, 0.5, 0.0, 0.0], bias_hh_l0=[0.0] * 4)
    h0, c0 = t([[[0.0]]]), t([[[2.0]]])
    _, (h, c) = m(t([[[1.0]]]), (h0, c0))
    sig = lambda v: 1 / (1 + math.exp(-v))
    c_exp = sig(0.5) * 2.0 + sig(1.0) * math.tanh(2.0)
    assert np.isclose(npy(c).item(), c_exp, rtol=1e-6)
    assert np.isclose(npy(h).item(), sig(-1.0) * math.tanh(c_exp), rtol=1e-6)


def test_gru_one_step_by_hand():
    m = nn.GRU(1, 1, bias=False)
    _set(m, weight_ih_l0=[[1.0], [-1.0], [0.5]], weight_hh_l0=[[0.0], [0.0], [2.0]])
    _, h = m(t([[[1.0]]]), t([[[1.0]]]))
    sig = lambda v: 1 / (1 + math.exp(-v))
    r, z = sig(1.0), sig(-1.0)
    n = math.tanh(0.5 + r * 2.0)
    assert np.isclose(npy(h).item(), (1 - z) * n + z * 1.0, rtol=1e-6)


def test_bidirectional_reverse_reads_backwards():
    m = nn.RNN(1, 1, bidirectional=True, bias=False, nonlinearity="relu")
    _set(m, weight_ih_l0=[[1.0]], weight_hh_l0=[[1.0]], weight_ih_l0_reverse=[[1.0]], weight_hh_l0_reverse=[[1.0]])
    out, h = m(t([[[1.0]], [[10.0]], [[100.0]]]))
    assert npy(out)[:, 0].tolist() == [[1, 111], [11, 110], [111, 100]]
    assert npy(h).ravel().tolist() == [111, 111]


def test_packed_sequence_stops_each_sequence_at_its_length():
    m = nn.RNN(1, 1, bias=False, nonlinearity="relu", batch_first=True)
    _set(m, weight_ih_l0=[[1.0]], weight_hh_l0=[[1.0]])
    x = t([[[1.0], [1.0], [1.0]], [[5.0], [5.0], [0.0]]])
    packed = rnn_utils.pack_padded_sequence(x, [2, 3], batch_first=True, enforce_sorted=False)
    assert npy(packed.batch_sizes).tolist() == [2, 2, 1] and npy(packed.sorted_indices).tolist() == [1, 0]
    out, h = m(packed)
    padded, lengths = rnn_utils.pad_packed_sequence(out, batch_first=True)
    assert npy(lengths).tolist() == [2, 3]
    assert npy(padded)[..., 0].tolist() == [[1, 2, 0], [5, 10, 10]]
    assert npy(h).ravel().tolist() == [2, 10]


def test_pad_sequence_and_round_trip():
    a, b = t([1, 2, 3]), t([4])
    assert npy(rnn_utils.pad_sequence([a, b], batch_first=True, padding_value=-1)).tolist() == [[1, 2, 3], [4, -1, -1]]
    assert npy(rnn_utils.pad_sequence([a, b], padding_side="left")).tolist() == [[1, 0], [2, 0], [3, 4]]
    seqs = rnn_utils.unpack_sequence(rnn_utils.pack_sequence([b, a], enforce_sorted=False))
    assert [npy(s).tolist() for s in seqs] == [[4], [1, 2, 3]]


def test_cells_shapes():
    assert tuple(nn.GRUCell(3, 5)(torch.zeros(2, 3)).shape) == (2, 5)
    h, c = nn.LSTMCell(3, 5)(torch.zeros(3))
    assert tuple(h.shape) == (5,) and tuple(c.shape) == (5,)


def test_lstm_parameter_names_with_projection():
    names = [n for n, _ in nn.LSTM(3, 4, proj_size=2, bidirectional=True).named_parameters()]
    assert names == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0",
                     "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                     "weight_hr_l0_reverse"]


def test_mha_with_zero_query_key_weights_averages_values():
    m = nn.MultiheadAttention(2, 1, bias=False)
    _set(m, in_proj_weight=[[0, 0], [0, 0], [0, 0], [0, 0], [1, 0], [0, 1]])
    with torch.no_grad():
        m.out_proj.weight.copy_(t(np.eye(2)))
    v = t([[[1.0, 2.0]], [[3.0, 6.0]]])
    out, w = m(v, v, v)
    assert np.allclose(npy(out), [[[2.0, 4.0]], [[2.0, 4.0]]]) and np.allclose(npy(w), 0.5)
    masked, _ = m(v, v, v, key_padding_mask=torch.tensor([[False, True]]))
    assert np.allclose(npy(masked), [[[1.0, 2.0]], [[1.0, 2.0]]])


def test_sdpa_known_answer():
    q = t([[[1.0, 0.0]]])
    k = t([[[1.0, 0.0], [0.0, 1.0]]])
    v = t([[[1.0], [0.0]]])
    out = torch.nn.functional.scaled_dot_product_attention(q, k, v, scale=math.log(3.0))
    assert np.isclose(npy(out).item(), 0.75)  # softmax([log 3, 0]) = [3/4, 1/4]


def test_transformer_causal_mask():
    mask = npy(nn.Transformer.generate_square_subsequent_mask(3))
    assert mask.tolist() == [[0, -np.inf, -np.inf], [0, 0, -np.inf], [0, 0, 0]]


def test_encoder_layer_shapes():
    layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
    enc = nn.TransformerEncoder(layer, 2)
    assert tuple(enc(torch.zeros(3, 5, 8)).shape) == (3, 5, 8)
    assert len(enc.layers) == 2 and enc.layers[0] is not enc.layers[1]


def _params(*grads):
    ps = []
    for g in grads:
        p = nn.Parameter(torch.zeros(len(g)))
        p.grad = t(g)
        ps.append(p)
    return ps


def test_clip_grad_norm():
    ps = _params([3.0, 0.0], [0.0, 4.0])
    total = nn.utils.clip_grad_norm_(ps, 1.0)
    assert np.isclose(npy(total).item(), 5.0)
    assert np.allclose(npy(ps[0].grad), [3 / (5 + 1e-6), 0]) and np.allclose(npy(ps[1].grad), [0, 4 / (5 + 1e-6)])
    ps = _params([3.0, -7.0])
    assert npy(nn.utils.clip_grad_norm_(ps, 100.0, norm_type="inf")).item() == 7.0
    assert npy(ps[0].grad).tolist() == [3.0, -7.0]
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(_params([np.inf]), 1.0, error_if_nonfinite=True)


def test_clip_grad_value_and_vectors():
    ps = _params([3.0, -0.5], [-2.0])
    nn.utils.clip_grad_value_(ps, 1.0)
    assert npy(ps[0].grad).tolist() == [1.0, -0.5] and npy(ps[1].grad).tolist() == [-1.0]
    a, b = nn.Parameter(t([[1.0, 2.0]])), nn.Parameter(t([3.0]))
    vec = nn.utils.parameters_to_vector([a, b])
    assert npy(vec).tolist() == [1, 2, 3] and vec.requires_grad
    nn.utils.vector_to_parameters(t([7.0, 8.0, 9.0]), [a, b])
    assert npy(a).tolist() == [[7, 8]] and npy(b).tolist() == [9]
