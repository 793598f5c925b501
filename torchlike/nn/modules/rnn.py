"""RNN, LSTM, GRU and their cells. A whole stacked network runs as one operator (a scan per
layer and direction inside one kernel)."""
from __future__ import annotations

import math
import numbers
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from ... import _device
from ..._ops import rnn as _R
from ..._ops.creation import empty
from ..._tensor import Tensor
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from ._utils import _changed_options
from .module import Module

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell", "RNNCellBase"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _zeros(shape, like: Tensor) -> Tensor:
    return Tensor._wrap(_device.place_like(jnp.zeros(shape, like._data.dtype), like))


def _dropout_mask(shape, p: float, like: Tensor) -> Tensor:
    from .._functional import _next_key
    keep = jax.random.bernoulli(_device.place_like(_next_key(), like), 1.0 - p, shape)
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return Tensor._wrap(keep.astype(like._data.dtype) * jnp.asarray(scale, like._data.dtype))


class RNNBase(Module):
    """Mirrors `torch.nn.RNNBase`: parameters weight_ih_l{k}[_reverse], weight_hh_l{k}, bias_ih_l{k},
    bias_hh_l{k}, weight_hr_l{k} in PyTorch's order and shapes."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bidirectional, self.proj_size = bidirectional, proj_size
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}")
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        gate = _GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for d in range(dirs):
                layer_in = input_size if layer == 0 else real_hidden * dirs
                suffix = "_reverse" if d == 1 else ""
                shapes = [("weight_ih", (gate, layer_in)), ("weight_hh", (gate, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate,)), ("bias_hh", (gate,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = []
                for base, shape in shapes:
                    name = f"{base}_l{layer}{suffix}"
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """Mirrors `torch.nn.RNNBase.flatten_parameters` (nothing to do: weights are never fused in memory)."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + _changed_options(
            self, {"proj_size": 0, "num_layers": 1, "bias": True, "batch_first": False, "dropout": 0,
                   "bidirectional": False})

    def _check_hidden(self, hx: Tensor, expected: tuple, what: str = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.shape) != tuple(expected):
            raise RuntimeError(what.format(tuple(expected), list(hx.shape)))

    def forward(self, input, hx=None):
        packed = isinstance(input, PackedSequence)
        name = type(self).__name__
        is_lstm = self.mode == "LSTM"
        lengths, sorted_indices, unsorted_indices = None, None, None
        if packed:
            from ..utils.rnn import pad_packed_sequence
            sorted_indices, unsorted_indices = input.sorted_indices, input.unsorted_indices
            batch_sizes = input.batch_sizes
            padded, _ = pad_packed_sequence(PackedSequence(input.data, batch_sizes), batch_first=False)
            bs = np.asarray(batch_sizes._data)
            lengths = Tensor._wrap(jnp.asarray([(bs > b).sum() for b in range(int(bs[0]))], jnp.int64))
            x = padded
        else:
            x = input
            if x.ndim not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {x.ndim}D instead")
        unbatched = not packed and x.ndim == 2
        w_dtype = self._flat_weights[0].dtype
        if x.dtype != w_dtype:
            raise ValueError(f"RNN input dtype ({x.dtype}) does not match weight dtype ({w_dtype}). Convert input: "
                             f"input.to({w_dtype}), or convert model: model.to({x.dtype})")
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{x.shape[-1]}")
        dirs = 2 if self.bidirectional else 1
        batch = 1 if unbatched else x.shape[1 if packed or not self.batch_first else 0]
        real_hidden = self.proj_size or self.hidden_size
        h_shape = (self.num_layers * dirs, real_hidden) if unbatched else (self.num_layers * dirs, batch, real_hidden)
        c_shape = (self.num_layers * dirs, self.hidden_size) if unbatched else \
            (self.num_layers * dirs, batch, self.hidden_size)
        if hx is None:
            h0, c0 = _zeros(h_shape, x), (_zeros(c_shape, x) if is_lstm else None)
        else:
            h0, c0 = (hx if is_lstm else (hx, None))
            want = 2 if unbatched else 3
            if h0.ndim != want or (is_lstm and c0.ndim != want):
                kind = "unbatched 2-D" if unbatched else "batched 3-D"
                if is_lstm:
                    raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got ({h0.ndim}-D, "
                                       f"{c0.ndim}-D) tensors")
                raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got {h0.ndim}-D tensor")
            if sorted_indices is not None:
                h0 = h0[:, sorted_indices]
                c0 = c0[:, sorted_indices] if c0 is not None else None
            if is_lstm:
                self._check_hidden(h0, h_shape, "Expected hidden[0] size {}, got {}")
                self._check_hidden(c0, c_shape, "Expected hidden[1] size {}, got {}")
            else:
                self._check_hidden(h0, h_shape)
        res = _R._rnn(x, h0, c0, self._flat_weights, lengths, self._masks(x, unbatched, packed), self.mode,
                      self.num_layers, self.bidirectional, self.batch_first and not packed, self.bias, self.proj_size)
        out, hidden = res[0], (res[1], res[2]) if is_lstm else res[1]
        if packed:
            from ..utils.rnn import pack_padded_sequence
            packed_out = pack_padded_sequence(out, lengths)
            out = PackedSequence(packed_out.data, input.batch_sizes, sorted_indices, unsorted_indices)
            if unsorted_indices is not None:
                hidden = (hidden[0][:, unsorted_indices], hidden[1][:, unsorted_indices]) if is_lstm else \
                    hidden[:, unsorted_indices]
        return out, hidden

    def _masks(self, x, unbatched: bool, packed: bool) -> list:
        if not (self.training and self.dropout > 0 and self.num_layers > 1):
            return []
        dirs = 2 if self.bidirectional else 1
        width = (self.proj_size or self.hidden_size) * dirs
        if unbatched:
            shape = (x.shape[0], 1, width)
        elif self.batch_first and not packed:
            shape = (x.shape[1], x.shape[0], width)
        else:
            shape = (x.shape[0], x.shape[1], width)
        return [_dropout_mask(shape, self.dropout, x) for _ in range(self.num_layers - 1)]


class RNN(RNNBase):
    """Mirrors `torch.nn.RNN` (nonlinearity 'tanh' or 'relu')."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None, proj_size: int = 0) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, proj_size, device, dtype)


class LSTM(RNNBase):
    """Mirrors `torch.nn.LSTM` (gate order i, f, g, o; optional projection proj_size)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class GRU(RNNBase):
    """Mirrors `torch.nn.GRU` (gate order r, z, n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, device=None,
                 dtype=None, proj_size: int = 0) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class RNNCellBase(Module):
    """Mirrors `torch.nn.RNNCellBase`."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    reset_parameters = RNNBase.reset_parameters  # (the same initialisation)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}" + _changed_options(self, {"bias": True})
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _step(self, mode, input, hx, cx):
        if input.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        hidden = [("hidden", hx)] if mode != "LSTM" else [("hx[0]", hx), ("hx[1]", cx)]
        for name, h in hidden:
            if h is not None and h.ndim not in (1, 2):
                raise ValueError(f"{type(self).__name__}: Expected {name} to be 1D or 2D, got {h.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} expected {self.input_size}")
        batched = input.ndim == 2
        shape = (input.shape[0], self.hidden_size) if batched else (self.hidden_size,)
        hx = _zeros(shape, input) if hx is None else hx
        if mode == "LSTM":
            cx = _zeros(shape, input) if cx is None else cx
        for name, h in (("hidden0", hx), ("hidden1", cx)):
            if h is not None and batched and h.ndim == 2 and h.shape[0] != input.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match {name} batch size {h.shape[0]}")
            if h is not None and h.shape[-1] != self.hidden_size:
                raise RuntimeError(f"{name} has inconsistent hidden_size: got {h.shape[-1]}, expected "
                                   f"{self.hidden_size}")
        return _R._rnn_cell(input, hx, cx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, mode)


class RNNCell(RNNCellBase):
    """Mirrors `torch.nn.RNNCell`."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        return self._step("RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU", input, hx, None)


class LSTMCell(RNNCellBase):
    """Mirrors `torch.nn.LSTMCell`."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        h, c = (None, None) if hx is None else hx
        return self._step("LSTM", input, h, c)


class GRUCell(RNNCellBase):
    """Mirrors `torch.nn.GRUCell`."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        return self._step("GRU", input, hx, None)

