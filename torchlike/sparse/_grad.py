"""Autograd for sparse COO tensors.

A sparse operation records one `SparseNode` whose backward is a Python function per input, from
the output's gradient (a dense or a sparse tensor). The gradient PyTorch gives a sparse input is a
sparse tensor with that input's pattern: the incoming gradient read at the input's (unique)
entries, not marked coalesced (`masked`).
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._autograd import Node, edge_of, is_grad_enabled
from .._tensor import Tensor


class SparseNode(Node):
    """The backward of one sparse operation: `grad_fns[i]` maps the output's gradient to input i's."""

    def __init__(self, name: str, inputs: list, grad_fns: list):
        super().__init__(name, [edge_of(t) if isinstance(t, Tensor) else None for t in inputs], saves=True)
        self.grad_fns = grad_fns

    def apply(self, grads, create_graph):
        if create_graph:
            raise NotImplementedError("torchlike: double backward (create_graph=True) through sparse COO "
                                      "operations is not supported")
        g = grads[0]
        if g is None:
            return [None] * len(self.next_edges)
        return [f(g) if e is not None else None for f, e in zip(self.grad_fns, self.next_edges)]

    def release(self):
        self.freed = True
        self.grad_fns = None


def attach(out, name: str, inputs: list, grad_fns: list):
    """Make `out` the result of a recorded sparse operation when grad mode is on and an input requires grad."""
    if not is_grad_enabled() or not any(isinstance(t, Tensor) and t.requires_grad for t in inputs):
        return out
    if out.dtype.category < 2:  # (integer results carry no gradient)
        return out
    out._requires_grad, out.grad_fn = True, SparseNode(name, inputs, grad_fns)
    return out


def gather(g: Tensor, idx) -> jnp.ndarray:
    """The values of gradient g (dense or sparse) at the sparse positions idx [sparse_dim, n]: [n, *dense dims]."""
    if not g.is_sparse:
        return g._data[tuple(idx)]
    from ._coo import coalesce_plan, linear_keys
    uniq, inverse = coalesce_plan(g)
    sums = _segment_sum(g._vals, inverse, uniq.shape[1])
    sparse_size = g._size[:uniq.shape[0]]
    have = linear_keys(uniq, sparse_size)
    want = linear_keys(np.asarray(idx), sparse_size)
    pos = np.searchsorted(have, want)
    hit = (pos < have.shape[0]) & (have[np.minimum(pos, max(have.shape[0] - 1, 0))] == want)
    if not have.shape[0]:
        return jnp.zeros((want.shape[0],) + tuple(g._vals.shape[1:]), g._vals.dtype)
    picked = sums[jnp.asarray(np.minimum(pos, have.shape[0] - 1))]
    mask = jnp.asarray(hit).reshape((-1,) + (1,) * (picked.ndim - 1))
    return jnp.where(mask, picked, jnp.zeros((), picked.dtype))


def _segment_sum(vals, inverse, n):
    import jax
    return jax.ops.segment_sum(vals, jnp.asarray(inverse), num_segments=n)


def masked(s, g: Tensor, values_fn=None, positions=None):
    """The gradient of sparse input s: g read at s's unique entries (optionally at `positions`, where the
    output holds them, and mapped by `values_fn`), as a sparse tensor of s's size and dtype."""
    from ._coo import SparseTensor, coalesce_plan
    uniq = coalesce_plan(s)[0]
    vals = gather(g, uniq if positions is None else positions(uniq))
    if values_fn is not None:
        vals = values_fn(vals)
    return SparseTensor._make(jnp.asarray(uniq), vals.astype(s._vals.dtype), s._size)

