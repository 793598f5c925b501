"""RNN, LSTM, GRU and their cells against real PyTorch (same state_dict, outputs, input and
parameter gradients in train and eval mode, reprs and parameter names), packed sequences,
nn.utils (clipping, parameter vectors, padding/packing) and the errors PyTorch raises."""
import math

import numpy as np
import pytest
import torch

import torchlike

from .harness import check, check_error, randn
from .test_nn_modules import run_case


def _wrap(t, cls, *args, call="plain", lengths=None, enforce_sorted=True, **kw):
    """The layer inside a small module whose forward feeds it the way `call` says."""
    class RNNHost(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(t.nn, cls)(*args, **kw)

        def forward(self, x, *state):
            return _flatten(self._run(x, *state))

        def _run(self, x, *state):
            if call == "lstm_state":
                return self.rnn(x, (state[0], state[1]))
            if call == "packed":
                rnn = t.nn.utils.rnn
                packed = rnn.pack_padded_sequence(x, lengths, batch_first=self.rnn.batch_first,
                                                  enforce_sorted=enforce_sorted)
                out, hidden = self.rnn(packed, *state)
                padded, lens = rnn.pad_packed_sequence(out, batch_first=self.rnn.batch_first)
                return padded, lens, hidden
            return self.rnn(x, *state)
    return RNNHost()


def _flatten(out):
    if isinstance(out, (tuple, list)):
        return tuple(x for o in out for x in _flatten(o))
    return (out,)


X, XB = randn(5, 3, 4), randn(3, 5, 4)
H1, H2, H4 = randn(1, 3, 6, seed=1), randn(2, 3, 6, seed=2), randn(4, 3, 6, seed=3)

LAYERS = [
    ("RNN", lambda t: t.nn.RNN(4, 6), [X]),
    ("RNN relu 2 layers", lambda t: t.nn.RNN(4, 6, 2, nonlinearity="relu"), [X, H2]),
    ("RNN bidirectional batch_first", lambda t: t.nn.RNN(4, 6, bidirectional=True, batch_first=True), [XB, H2]),
    ("RNN no bias unbatched", lambda t: t.nn.RNN(4, 6, bias=False), [X[:, 0]]),
    ("LSTM", lambda t: _wrap(t, "LSTM", 4, 6), [X]),
    ("LSTM state", lambda t: _wrap(t, "LSTM", 4, 6, 2, call="lstm_state"), [X, H2, randn(2, 3, 6, seed=9)]),
    ("LSTM 2 layers bidirectional", lambda t: _wrap(t, "LSTM", 4, 6, 2, bidirectional=True), [X]),
    ("LSTM batch_first no bias", lambda t: _wrap(t, "LSTM", 4, 6, batch_first=True, bias=False), [XB]),
    ("LSTM proj", lambda t: _wrap(t, "LSTM", 4, 6, 2, proj_size=3, bidirectional=True), [X]),
    ("LSTM unbatched", lambda t: _wrap(t, "LSTM", 4, 6), [X[:, 1]]),
    ("LSTM f64", lambda t: _wrap(t, "LSTM", 4, 3, dtype=t.float64), [randn(4, 2, 4, dtype=np.float64)]),
    ("GRU", lambda t: t.nn.GRU(4, 6), [X]),
    ("GRU state 2 layers bidirectional", lambda t: t.nn.GRU(4, 6, 2, bidirectional=True), [X, H4]),
    ("GRU batch_first", lambda t: t.nn.GRU(4, 6, 3, batch_first=True), [XB]),
    ("GRU unbatched state", lambda t: t.nn.GRU(4, 6), [X[:, 2], H1[:, 0]]),
    ("RNNCell", lambda t: t.nn.RNNCell(4, 6), [X[0], H1[0]]),
    ("RNNCell relu no bias", lambda t: t.nn.RNNCell(4, 6, bias=False, nonlinearity="relu"), [X[0]]),
    ("LSTMCell", lambda t: t.nn.LSTMCell(4, 6), [X[0]]),
    ("LSTMCell state", lambda t: _wrap(t, "LSTMCell", 4, 6, call="lstm_state"), [X[0], H1[0], H1[0] * 0.5]),
    ("GRUCell", lambda t: t.nn.GRUCell(4, 6), [X[0], H1[0]]),
    ("GRUCell unbatched", lambda t: t.nn.GRUCell(4, 6), [X[0, 0]]),
    ("LSTM packed sorted", lambda t: _wrap(t, "LSTM", 4, 6, call="packed", lengths=[5, 3, 2]), [X]),
    ("GRU packed unsorted bidirectional", lambda t: _wrap(t, "GRU", 4, 6, 2, call="packed", lengths=[2, 5, 3],
                                                          enforce_sorted=False, bidirectional=True), [X, H4]),
    ("RNN packed batch_first", lambda t: _wrap(t, "RNN", 4, 6, call="packed", lengths=[4, 4, 1], batch_first=True),
     [XB]),
    ("LSTM packed unsorted state", lambda t: _wrap(t, "LSTM", 4, 6, call="packed", lengths=[1, 5, 3],
                                                   enforce_sorted=False), [X]),
]


@pytest.mark.parametrize("name,build,inputs", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer(name, build, inputs):
    run_case(name, build, inputs, steps=("train", "eval"))


def test_parameter_names_and_shapes():
    for args, kw in [((4, 6, 2), {"bidirectional": True, "proj_size": 3}), ((3, 5), {"bias": False})]:
        tm, lm = torch.nn.LSTM(*args, **kw), torchlike.nn.LSTM(*args, **kw)
        assert [(n, tuple(p.shape)) for n, p in tm.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in lm.named_parameters()]
        assert [[tuple(w.shape) for w in ws] for ws in tm.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in lm.all_weights]


def test_init_range():
    torchlike.manual_seed(0)
    m = torchlike.nn.GRU(8, 16, 2)
    bound = 1 / math.sqrt(16)
    vals = np.concatenate([np.asarray(p.detach().numpy()).ravel() for p in m.parameters()])
    assert np.abs(vals).max() <= bound and np.abs(vals).max() > 0.95 * bound


def test_dropout_between_layers_changes_training_output_only():
    torchlike.manual_seed(0)
    m = torchlike.nn.LSTM(4, 6, 3, dropout=0.5)
    x = torchlike.tensor(X)
    a, b = m(x)[0], m(x)[0]
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    m.eval()
    assert np.allclose(m(x)[0].detach().numpy(), m(x)[0].detach().numpy())


def _err(cls, *args, **kw):
    return lambda t: getattr(t.nn, cls)(*args, **kw)


ERRORS = {
    "input rank": (lambda t, x: t.nn.LSTM(4, 6)(x), randn(5, 3, 4, 2)),
    "input size": (lambda t, x: t.nn.LSTM(4, 6)(x), randn(5, 3, 3)),
    "input dtype": (lambda t, x: t.nn.LSTM(4, 6)(x), randn(5, 3, 4, dtype=np.float64)),
    "hidden size": (lambda t, x, h: t.nn.GRU(4, 6)(x, h), X, H2),
    "lstm hidden[0] size": (lambda t, x, h, c: t.nn.LSTM(4, 6, 2)(x, (h, c)), X, H1, H2),
    "lstm hidden[1] size": (lambda t, x, h, c: t.nn.LSTM(4, 6, 2)(x, (h, c)), X, H2, randn(2, 3, 5)),
    "batched input 2-D hx": (lambda t, x, h: t.nn.GRU(4, 6)(x, h), X, H1[0]),
    "unbatched input 3-D hx": (lambda t, x, h: t.nn.GRU(4, 6)(x, h), X[:, 0], H1),
    "cell input size": (lambda t, x: t.nn.LSTMCell(4, 6)(x), randn(3, 5)),
    "cell batch": (lambda t, x, h: t.nn.LSTMCell(4, 6)(x, (h, h)), X[0], randn(2, 6)),
    "nonlinearity": (_err("RNN", 4, 6, nonlinearity="sigmoid"),),
    "proj_size too big": (_err("LSTM", 4, 6, proj_size=6),),
    "proj_size GRU": (_err("GRU", 4, 6, proj_size=2),),
    "dropout range": (_err("GRU", 4, 6, dropout=1.5),),
    "pack unsorted": (lambda t, x: t.nn.utils.rnn.pack_padded_sequence(x, [3, 5, 1]), X),
    "pack lengths count": (lambda t, x: t.nn.utils.rnn.pack_padded_sequence(x, [5, 3]), X),
    "pad_packed total_length": (lambda t, x: t.nn.utils.rnn.pad_packed_sequence(
        t.nn.utils.rnn.pack_padded_sequence(x, [5, 3, 1]), total_length=3), X),
    "clip nonfinite": (lambda t, g: _clip_nonfinite(t, g), np.array([np.nan, 1.0, 2.0], np.float32)),
    "vector_to_parameters type": (lambda t: t.nn.utils.vector_to_parameters(np.ones(3), [t.zeros(3)]),),
}


def _clip_nonfinite(t, g):
    p = t.nn.Parameter(t.zeros(3))
    p.grad = g
    return t.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error(name):
    fn, *inputs = ERRORS[name]
    check_error(fn, *inputs, name=name)


def test_dropout_single_layer_warns():
    for t in (torch, torchlike):
        with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
            t.nn.GRU(3, 4, dropout=0.3)


# ----- nn.utils -----
def _grads(t, *arrays):
    ps = []
    for i, a in enumerate(arrays):
        p = t.nn.Parameter(t.tensor(np.zeros_like(a)))
        p.grad = t.tensor(a)
        ps.append(p)
    return ps


G = [randn(3, 4), randn(5, seed=1) * 3, randn(2, 2, seed=2)]


@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (100.0, 2.0), (0.5, 1), (2.0, "inf"), (1.0, math.inf),
                                                (0.3, 3.0)])
def test_clip_grad_norm(max_norm, norm_type):
    def fn(t):
        ps = _grads(t, *G)
        total = t.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        return (total, *[p.grad for p in ps])
    check(fn, grad=False, area="nn_utils", name=f"clip_grad_norm_ {max_norm} {norm_type}")


def test_clip_grad_norm_single_tensor_and_empty():
    def fn(t):
        p = _grads(t, G[0])[0]
        return t.nn.utils.clip_grad_norm_(p, 0.1), p.grad, t.nn.utils.clip_grad_norm_([], 1.0)
    check(fn, grad=False, area="nn_utils", name="clip_grad_norm_ tensor")


def test_clip_grad_value():
    def fn(t):
        ps = _grads(t, *G)
        assert t.nn.utils.clip_grad_value_(ps, 0.7) is None
        return [p.grad for p in ps]
    check(fn, grad=False, area="nn_utils", name="clip_grad_value_")


def test_parameters_vector_round_trip():
    def fn(t, a, b):
        vec = t.nn.utils.parameters_to_vector([a, b])
        ps = [t.nn.Parameter(t.zeros(3, 4)), t.nn.Parameter(t.zeros(5))]
        t.nn.utils.vector_to_parameters(vec * 2, ps)
        return vec, ps[0].detach(), ps[1].detach(), ps[0].requires_grad
    check(fn, G[0], G[1], area="nn_utils", name="parameters_to_vector")


@pytest.mark.parametrize("kw", [{}, {"batch_first": True}, {"padding_value": -2.0, "padding_side": "left"}])
def test_pad_sequence_variants(kw):
    check(lambda t, a, b, c: t.nn.utils.rnn.pad_sequence([a, b, c], **kw), randn(2, 3), randn(4, 3), randn(1, 3),
          area="nn_utils", name=f"pad_sequence {kw}")


def test_pack_sequence_fields():
    def fn(t, a, b, c):
        p = t.nn.utils.rnn.pack_sequence([a, b, c], enforce_sorted=False)
        seqs = t.nn.utils.rnn.unpack_sequence(p)
        return p.data, p.batch_sizes, p.sorted_indices, p.unsorted_indices, *seqs
    check(fn, randn(2, 3), randn(4, 3), randn(1, 3), area="nn_utils", name="pack_sequence")


def test_packed_sequence_is_a_tuple():
    p = torchlike.nn.utils.rnn.pack_sequence([torchlike.ones(3, 2), torchlike.ones(2, 2)])
    data, batch_sizes, sorted_indices, unsorted_indices = p
    assert isinstance(p, tuple) and sorted_indices is None and unsorted_indices is None
    assert batch_sizes.tolist() == [2, 2, 1] and tuple(data.shape) == (5, 2)


def _param_wn(t, dim=0):
    return t.nn.utils.parametrizations.weight_norm(t.nn.Conv2d(2, 3, 3), dim=dim)


WEIGHT_NORM = [
    ("parametrized weight_norm Linear", lambda t: t.nn.utils.parametrizations.weight_norm(t.nn.Linear(3, 4)),
     [randn(5, 3)]),
    ("parametrized weight_norm Conv2d dim 1", lambda t: _param_wn(t, 1), [randn(2, 2, 5, 5)]),
    ("parametrized weight_norm dim None", lambda t: _param_wn(t, None), [randn(2, 2, 5, 5)]),
    ("hook weight_norm Linear", lambda t: t.nn.utils.weight_norm(t.nn.Linear(3, 4)), [randn(5, 3)]),
    ("hook weight_norm LSTM", lambda t: t.nn.utils.weight_norm(t.nn.GRU(3, 4), "weight_hh_l0"), [randn(5, 2, 3)]),
]


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("name,build,inputs", WEIGHT_NORM, ids=[c[0] for c in WEIGHT_NORM])
def test_weight_norm(name, build, inputs):
    run_case(name, build, inputs, steps=("train", "eval"))


def test_remove_parametrizations_and_weight_norm():
    def fn(t, x):
        a = t.nn.Linear(3, 4)
        with t.no_grad():
            a.weight.copy_(t.tensor(randn(4, 3, seed=3)))
            a.bias.zero_()
        b = t.nn.utils.parametrizations.weight_norm(a)
        t.nn.utils.parametrize.remove_parametrizations(b, "weight")
        c = t.nn.utils.remove_weight_norm(t.nn.utils.weight_norm(b))
        return c(x), list(c.state_dict()), type(c).__name__
    check(fn, randn(2, 3), area="nn_utils", name="remove weight norm")


SPECTRAL = [
    ("spectral_norm Linear", lambda t: t.nn.utils.parametrizations.spectral_norm(t.nn.Linear(5, 4)), [randn(3, 5)]),
    ("spectral_norm Conv2d 3 iterations", lambda t: t.nn.utils.parametrizations.spectral_norm(
        t.nn.Conv2d(2, 3, 3), n_power_iterations=3), [randn(2, 2, 5, 5)]),
    ("spectral_norm ConvTranspose2d", lambda t: t.nn.utils.parametrizations.spectral_norm(
        t.nn.ConvTranspose2d(3, 2, 2)), [randn(2, 3, 4, 4)]),
]


@pytest.mark.parametrize("name,build,inputs", SPECTRAL, ids=[c[0] for c in SPECTRAL])
def test_spectral_norm(name, build, inputs):
    # the u, v buffers come from torch's state_dict, so both run the same power iterations
    run_case(name, build, inputs, steps=("train", "eval", "train"))
