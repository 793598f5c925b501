"""MultiheadAttention, Transformer layers and scaled_dot_product_attention against real PyTorch:
the same state_dict, outputs, input and parameter gradients in train and eval mode (dropout 0 so
both are deterministic), reprs, parameter names, masks of every kind, and errors."""
import numpy as np
import pytest
import torch

import torchlike

from .harness import check, check_error, rand, randn
from .test_nn_modules import C, run_case

Q, K, V = randn(5, 3, 8), randn(6, 3, 8, seed=1), randn(6, 3, 8, seed=2)
KPM = np.zeros((3, 6), bool)
KPM[0, 4:] = True
KPM[2, 0] = True
CAUSAL = np.triu(np.ones((5, 5), bool), 1)
FMASK = randn(5, 6, seed=3)


def _host(t, cls, *args, call="plain", **kw):
    class AttnHost(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = getattr(t.nn, cls)(*args, **kw)

        def forward(self, *xs):
            if call == "self":
                return self.layer(xs[0], xs[0], xs[0], *xs[1:])
            if call == "kpm_nw":
                return self.layer(*xs[:3], key_padding_mask=xs[3], need_weights=False)
            if call == "heads":
                return self.layer(*xs[:3], average_attn_weights=False, attn_mask=xs[3])
            if call == "causal":
                mask = t.nn.Transformer.generate_square_subsequent_mask(xs[0].shape[0])
                return self.layer(*xs, attn_mask=mask, is_causal=True)
            if call == "encoder_masks":
                return self.layer(xs[0], mask=xs[1], src_key_padding_mask=xs[2])
            if call == "decoder_masks":
                return self.layer(xs[0], xs[1], tgt_mask=xs[2], memory_key_padding_mask=xs[3])
            if call == "transformer":
                mask = t.nn.Transformer.generate_square_subsequent_mask(xs[1].shape[1 if self.layer.batch_first else 0])
                return self.layer(xs[0], xs[1], tgt_mask=mask, src_key_padding_mask=xs[2])
            return self.layer(*xs)
    return AttnHost()


LAYERS = [
    ("MHA", lambda t: t.nn.MultiheadAttention(8, 2), [Q, K, V]),
    ("MHA self", lambda t: _host(t, "MultiheadAttention", 8, 4, call="self"), [Q]),
    ("MHA key padding no weights", lambda t: _host(t, "MultiheadAttention", 8, 2, call="kpm_nw"), [Q, K, V, C(KPM)]),
    ("MHA float mask per head", lambda t: _host(t, "MultiheadAttention", 8, 2, call="heads"), [Q, K, V, FMASK]),
    ("MHA bool attn_mask", lambda t: t.nn.MultiheadAttention(8, 2), [Q, Q, Q, None, True, C(CAUSAL)]),
    ("MHA 3-D float mask", lambda t: t.nn.MultiheadAttention(8, 2), [Q, K, V, None, True, randn(6, 5, 6)]),
    ("MHA causal hint", lambda t: _host(t, "MultiheadAttention", 8, 2, call="causal"), [Q, Q, Q]),
    ("MHA kdim vdim", lambda t: t.nn.MultiheadAttention(8, 2, kdim=4, vdim=3), [Q, randn(6, 3, 4), randn(6, 3, 3)]),
    ("MHA bias_kv zero_attn", lambda t: _host(t, "MultiheadAttention", 8, 2, add_bias_kv=True, add_zero_attn=True,
                                              call="kpm_nw"), [Q, K, V, C(KPM)]),
    ("MHA no bias batch_first", lambda t: t.nn.MultiheadAttention(8, 2, bias=False, batch_first=True),
     [randn(3, 5, 8), randn(3, 6, 8), randn(3, 6, 8)]),
    ("MHA unbatched", lambda t: t.nn.MultiheadAttention(8, 2), [Q[:, 0], K[:, 0], V[:, 0]]),
    ("MHA f64", lambda t: t.nn.MultiheadAttention(4, 2, dtype=t.float64),
     [randn(3, 2, 4, dtype=np.float64), randn(3, 2, 4, dtype=np.float64, seed=1),
      randn(3, 2, 4, dtype=np.float64, seed=2)]),
    ("EncoderLayer", lambda t: t.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), [Q]),
    ("EncoderLayer norm_first gelu batch_first", lambda t: t.nn.TransformerEncoderLayer(
        8, 2, 16, dropout=0.0, activation="gelu", norm_first=True, batch_first=True), [randn(3, 5, 8)]),
    ("EncoderLayer masks", lambda t: t.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0),
     [Q, C(CAUSAL), C(KPM[:, :5])]),
    ("EncoderLayer no bias eps", lambda t: t.nn.TransformerEncoderLayer(8, 4, 12, 0.0, bias=False,
                                                                        layer_norm_eps=1e-3), [Q]),
    ("Encoder", lambda t: _host(t, "TransformerEncoder", t.nn.TransformerEncoderLayer(8, 2, 16, 0.0), 2,
                                t.nn.LayerNorm(8), enable_nested_tensor=False, call="encoder_masks"),
     [Q, C(CAUSAL), C(KPM[:, :5])]),
    ("DecoderLayer", lambda t: t.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0), [Q, K]),
    ("DecoderLayer norm_first", lambda t: t.nn.TransformerDecoderLayer(8, 2, 16, 0.0, "gelu", norm_first=True),
     [Q, K]),
    ("Decoder masks", lambda t: _host(t, "TransformerDecoder", t.nn.TransformerDecoderLayer(8, 2, 16, 0.0), 2,
                                      call="decoder_masks"), [Q, K, C(CAUSAL), C(KPM)]),
    ("Transformer", lambda t: _host(t, "Transformer", 8, 2, 2, 1, 16, 0.0, call="transformer"),
     [K, Q, C(KPM)]),
    ("Transformer batch_first", lambda t: _host(t, "Transformer", 8, 2, 1, 2, 16, 0.0, batch_first=True,
                                                call="transformer"), [randn(3, 6, 8), randn(3, 5, 8), C(KPM)]),
]


@pytest.mark.parametrize("name,build,inputs", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer(name, build, inputs):
    run_case(name, build, inputs, steps=("train", "eval"), tol=(5e-5, 2e-5))  # deep stacks: float32 reordering


def test_parameter_names():
    for kw in ({}, {"kdim": 4, "vdim": 3, "add_bias_kv": True, "bias": False}):
        tm, lm = torch.nn.MultiheadAttention(8, 2, **kw), torchlike.nn.MultiheadAttention(8, 2, **kw)
        assert [(n, tuple(p.shape)) for n, p in tm.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in lm.named_parameters()]


def test_mha_init():
    torchlike.manual_seed(0)
    m = torchlike.nn.MultiheadAttention(16, 4)
    w = np.asarray(m.in_proj_weight.detach().numpy())
    bound = np.sqrt(6 / (16 + 48))  # xavier_uniform_ on (3E, E)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert not np.asarray(m.in_proj_bias.detach().numpy()).any()
    assert not np.asarray(m.out_proj.bias.detach().numpy()).any()


def test_square_subsequent_mask():
    check(lambda t: t.nn.Transformer.generate_square_subsequent_mask(4), grad=False, area="nn_attention",
          name="generate_square_subsequent_mask")


SQ, SK = randn(2, 3, 5, 4), randn(2, 3, 6, 4, seed=1)
SDPA = [
    ("plain", lambda t, q, k, v: t.nn.functional.scaled_dot_product_attention(q, k, v), [SQ, SK, SK * 0.5]),
    ("causal", lambda t, q, k, v: t.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True),
     [SQ, SK, SK]),
    ("scale", lambda t, q, k, v: t.nn.functional.scaled_dot_product_attention(q, k, v, scale=0.7), [SQ, SK, SK]),
    ("bool mask", lambda t, q, k, v: t.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=t.tensor(rand(5, 6, seed=4) > 0.2)), [SQ, SK, SK]),
    ("float mask broadcast", lambda t, q, k, v, m: t.nn.functional.scaled_dot_product_attention(q, k, v, m),
     [SQ, SK, SK, randn(3, 1, 6, seed=5)]),
    ("3-D", lambda t, q, k, v: t.nn.functional.scaled_dot_product_attention(q, k, v), [SQ[0], SK[0], SK[0]]),
    ("causal and mask", lambda t, q: t.nn.functional.scaled_dot_product_attention(
        q, q, q, attn_mask=t.tensor(rand(5, 5, seed=6) > 0.3), is_causal=True), [SQ]),
    ("fully masked rows", lambda t, q, k: t.nn.functional.scaled_dot_product_attention(
        q, k, k, attn_mask=t.tensor(np.arange(6) < np.array([[0], [2], [6], [0], [1]]))), [SQ, SK]),
    ("gqa", lambda t, q, k, v: t.nn.functional.scaled_dot_product_attention(q, k, v, enable_gqa=True),
     [randn(2, 6, 5, 4), SK, SK]),
]


@pytest.mark.parametrize("name,fn,inputs", SDPA, ids=[c[0] for c in SDPA])
def test_sdpa(name, fn, inputs):
    check(fn, *inputs, area="nn_attention", name=f"sdpa {name}")


def test_sdpa_dropout_keeps_expected_mass():
    torchlike.manual_seed(0)
    q = torchlike.tensor(randn(1, 1, 200, 4))
    v = torchlike.ones(1, 1, 200, 1)
    out = torchlike.nn.functional.scaled_dot_product_attention(q, q * 0, v, dropout_p=0.25)
    assert abs(float(out.mean()) - 1.0) < 0.1 and float(out.max()) > 1.0


ERRORS = {
    "2-D mask shape": (lambda t, q: t.nn.MultiheadAttention(8, 2)(q, q, q, attn_mask=t.zeros(3, 4)), Q),
    "3-D mask shape": (lambda t, q: t.nn.MultiheadAttention(8, 2)(q, q, q, attn_mask=t.zeros(2, 3, 4)), Q),
    "key padding shape": (lambda t, q: t.nn.MultiheadAttention(8, 2)(
        q, q, q, key_padding_mask=t.zeros(3, 4, dtype=t.bool)), Q),
    "embed dim": (lambda t, q, k: t.nn.MultiheadAttention(8, 2)(q, k, k), randn(5, 3, 7), K),
    "key value shapes": (lambda t, q, k, v: t.nn.MultiheadAttention(8, 2)(q, k, v), Q, K, randn(5, 3, 8)),
    "heads divide": (lambda t: t.nn.MultiheadAttention(8, 3),),
    "is_causal without mask": (lambda t, q: t.nn.MultiheadAttention(8, 2)(q, q, q, is_causal=True), Q),
    "activation": (lambda t: t.nn.TransformerEncoderLayer(8, 2, activation="swish"),),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error(name):
    fn, *inputs = ERRORS[name]
    check_error(fn, *inputs, name=name)
