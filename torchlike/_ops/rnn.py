"""Recurrent networks: a whole multi-layer, (bi)directional RNN/LSTM/GRU as one operator whose
time loop is a `jax.lax.scan`, the single-step cells, and the row gathers behind PackedSequence.

Weights follow PyTorch's layout and gate order (LSTM i, f, g, o; GRU r, z, n). Variable lengths
(packed sequences) are a mask: a finished sequence keeps its state and emits zeros, which also
makes the reverse direction start at each sequence's own last element.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .._engine.op import TL, TO, T, op

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _mm(x, w):
    return jnp.matmul(x, w.T)


def _cell(mode, gi, h, c, w_hh, b_hh, w_hr):
    """One step given the precomputed input projection gi = x W_ih^T + b_ih."""
    gh = _mm(h, w_hh)
    if b_hh is not None:
        gh = gh + b_hh
    if mode == "GRU":
        (ir, iz, in_), (hr, hz, hn) = jnp.split(gi, 3, axis=-1), jnp.split(gh, 3, axis=-1)
        r, z = jax.nn.sigmoid(ir + hr), jax.nn.sigmoid(iz + hz)
        n = jnp.tanh(in_ + r * hn)
        return (1 - z) * n + z * h, None
    g = gi + gh
    if mode == "RNN_TANH":
        return jnp.tanh(g), None
    if mode == "RNN_RELU":
        return jax.nn.relu(g), None
    i, f, gg, o = jnp.split(g, 4, axis=-1)
    c2 = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(gg)
    h2 = jax.nn.sigmoid(o) * jnp.tanh(c2)
    return (_mm(h2, w_hr) if w_hr is not None else h2), c2


def _direction(mode, x, h0, c0, params, mask, reverse):
    """Run one layer in one direction over x (T, B, I); returns (outputs (T, B, H), h_T, c_T)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = params
    gi = _mm(x, w_ih)
    if b_ih is not None:
        gi = gi + b_ih

    def step(carry, inp):
        h, c = carry
        g_t, m_t = inp
        h2, c2 = _cell(mode, g_t, h, c, w_hh, b_hh, w_hr)
        if m_t is not None:
            h2 = jnp.where(m_t, h2, h)
            out = jnp.where(m_t, h2, jnp.zeros_like(h2))
            c2 = jnp.where(m_t, c2, c) if c2 is not None else None
        else:
            out = h2
        return (h2, c2), out
    (h, c), outs = jax.lax.scan(step, (h0, c0), (gi, mask), reverse=reverse)
    return outs, h, c


def _unpack_params(weights, mode, num_layers, dirs, has_biases, proj_size):
    per = 2 + (2 if has_biases else 0) + (1 if proj_size else 0)
    if len(weights) != per * num_layers * dirs:
        raise RuntimeError(f"rnn: expected {per * num_layers * dirs} weight tensors, got {len(weights)}")
    out = []
    for k in range(num_layers * dirs):
        w = list(weights[k * per:(k + 1) * per])
        w_ih, w_hh = w[0], w[1]
        b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
        w_hr = w[-1] if proj_size else None
        out.append((w_ih, w_hh, b_ih, b_hh, w_hr))
    return out


@op(method=False, function=False, grad_name="RnnBackward0")
def _rnn(input: T, hx: T, cx: TO = None, weights: TL = (), lengths: TO = None, dropout_masks: TL = (), mode="LSTM",
         num_layers=1, bidirectional=False, batch_first=False, has_biases=True, proj_size=0):
    """The full network. input (T, B, I) (or (B, T, I) when batch_first, or unbatched (T, I)),
    hx (layers*dirs, B, H_out), cx (layers*dirs, B, H) for LSTM; lengths (B,) for packed input;
    dropout_masks: scaled keep masks applied to the inputs of layers 1.. (empty in eval)."""
    unbatched = input.ndim == 2
    x = input[:, None] if unbatched else (jnp.swapaxes(input, 0, 1) if batch_first else input)
    h0 = hx[:, None] if unbatched else hx
    c0 = None if cx is None else (cx[:, None] if unbatched else cx)
    dirs = 2 if bidirectional else 1
    params = _unpack_params(weights, mode, num_layers, dirs, has_biases, proj_size)
    steps = x.shape[0]
    mask = None
    if lengths is not None:
        mask = (jnp.arange(steps, dtype=jnp.int64)[:, None] < lengths.astype(jnp.int64)[None, :])[..., None]
    hs, cs = [], []
    for layer in range(num_layers):
        if layer and dropout_masks:
            x = x * dropout_masks[layer - 1].astype(x.dtype)
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            o, h, c = _direction(mode, x, h0[k], None if c0 is None else c0[k], params[k], mask, d == 1)
            outs.append(o)
            hs.append(h)
            cs.append(c)
        x = outs[0] if dirs == 1 else jnp.concatenate(outs, axis=-1)
    h_n = jnp.stack(hs)
    out = x[:, 0] if unbatched else (jnp.swapaxes(x, 0, 1) if batch_first else x)
    if unbatched:
        h_n = h_n[:, 0]
    if mode != "LSTM":
        return out, h_n
    c_n = jnp.stack(cs)
    return out, h_n, (c_n[:, 0] if unbatched else c_n)


@op(method=False, function=False, grad_name="AddBackward0")
def _rnn_cell(input: T, hx: T, cx: TO = None, w_ih: T = None, w_hh: T = None, b_ih: TO = None, b_hh: TO = None,
              mode="RNN_TANH"):
    """One step of RNNCell / LSTMCell / GRUCell (input (B, I) or unbatched (I,))."""
    gi = _mm(input, w_ih)
    if b_ih is not None:
        gi = gi + b_ih
    h, c = _cell(mode, gi, hx, cx, w_hh, b_hh, None)
    return (h, c) if mode == "LSTM" else h


@op(method=False, function=False, grad_name="PackPaddedSequenceBackward0")
def _pack_rows(input: T, index: T, batch_first):
    """Rows of a padded (T, B, *) (or (B, T, *)) batch at flat positions t*B+b, in packed order."""
    x = jnp.swapaxes(input, 0, 1) if batch_first else input
    flat = x.reshape((x.shape[0] * x.shape[1],) + x.shape[2:])
    return jnp.take(flat, index.astype(jnp.int64), axis=0)


@op(method=False, function=False, grad_name="IndexPutBackward0")
def _unpack_rows(data: T, index: T, steps, batch, batch_first, padding_value):
    """The inverse of _pack_rows: a (T, B, *) batch filled with padding_value."""
    flat = jnp.full((steps * batch,) + data.shape[1:], padding_value, data.dtype)
    flat = flat.at[index.astype(jnp.int64)].set(data)
    x = flat.reshape((steps, batch) + data.shape[1:])
    return jnp.swapaxes(x, 0, 1) if batch_first else x


@op(method=False, function=False, grad_name="PadSequenceBackward0")
def _pad_sequence(sequences: TL, batch_first, padding_value, padding_side):
    longest = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        widths = [(0, longest - s.shape[0]) if padding_side == "right" else (longest - s.shape[0], 0)]
        rows.append(jnp.pad(s, widths + [(0, 0)] * (s.ndim - 1), constant_values=jnp.asarray(padding_value, s.dtype)))
    return jnp.stack(rows, axis=0 if batch_first else 1)


@op(method=False, function=False, grad_name="CatBackward0")
def _flat_cat(tensors: TL):
    """Every tensor flattened and concatenated (parameters_to_vector)."""
    return jnp.concatenate([t.reshape(-1) for t in tensors])
