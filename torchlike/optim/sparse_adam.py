"""SparseAdam: Adam on dense parameters whose gradients are sparse COO tensors (torchlike.sparse)."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _ops
from .._tensor import Tensor
from ._exact import mul
from .optimizer import Optimizer, _call_closure

__all__ = ["SparseAdam"]


@jax.jit
def sparse_adam_update(p, m, v, idx, g, c1, c2, eps, step_size):
    """PyTorch's SparseAdam step for one parameter: only the entries at the (unique) indices idx
    [sparse_dim, nnz] of the gradient values g [nnz, *dense dims] move. c1, c2 are 1 - beta1 and
    1 - beta2; step_size the bias-corrected lr (float64 scalars, as PyTorch computes them in Python).
    Returns (p, m, v)."""
    dt = p.dtype
    at = tuple(idx)
    old_m, old_v = m[at], v[at]
    dm = mul(g - old_m, c1)
    dv = mul(mul(g, g) - old_v, c2)
    m = m.at[at].add(dm)
    v = v.at[at].add(dv)
    denom = jnp.sqrt(dv + old_v) + eps.astype(dt)
    p = p.at[at].add(mul((dm + old_m) / denom, -step_size))
    return p, m, v


class SparseAdam(Optimizer):
    """Mirrors `torch.optim.SparseAdam`: dense parameters, sparse COO gradients (`torchlike.sparse`).

    Its state keeps 'step' as a Python int, as PyTorch's does."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps: float = 1e-8, maximize: bool = False) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "maximize": maximize}
        super().__init__(params, defaults)
        sparse_params, complex_params = [], []
        for index, group in enumerate(self.param_groups):
            for d_index, p in enumerate(group["params"]):
                if p.is_sparse:
                    sparse_params.append([index, d_index])
                if p.is_complex():
                    complex_params.append([index, d_index])
        if sparse_params:
            raise ValueError(
                f"Sparse params at indices {sparse_params}: SparseAdam requires dense parameter tensors"
            )
        if complex_params:
            raise ValueError(
                f"Complex params at indices {complex_params}: SparseAdam does not support complex parameters"
            )

    def _after_load(self, defaults):
        # (unlike the tensor-step optimizers, 'step' stays the int it was saved as)
        for group in self.param_groups:
            for k, v in defaults.items():
                group.setdefault(k, v)

    def step(self, closure=None):
        """Mirrors `torch.optim.SparseAdam.step`."""
        loss = _call_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr = group["lr"]
            lr = float(lr.item()) if isinstance(lr, Tensor) else lr
            work = []
            for p in group["params"]:
                if p.grad is None:
                    continue
                if not p.grad.is_sparse:
                    # PyTorch's RuntimeError, as a NotImplementedError (a RuntimeError too): the usual
                    # source of sparse gradients, nn.Embedding(sparse=True), still gives dense ones here.
                    raise NotImplementedError(
                        "SparseAdam does not support dense gradients, please consider Adam instead"
                        " (torchlike: nn.Embedding(sparse=True) and F.embedding(sparse=True) do not produce sparse"
                        " gradients yet; a gradient set as a torchlike sparse COO tensor works)"
                    )
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = _ops.creation.zeros_like(p)
                    state["exp_avg_sq"] = _ops.creation.zeros_like(p)
                state["step"] += 1
                work.append((p, state))
            for p, state in work:
                g = p.grad
                g = (-g if group.get("maximize", False) else g).coalesce()
                if g._vals.size == 0:  # (nothing to update; the step still counts)
                    continue
                m, v, n = state["exp_avg"], state["exp_avg_sq"], state["step"]
                step_size = lr * math.sqrt(1 - beta2**n) / (1 - beta1**n)
                scalars = map(np.float64, (1 - beta1, 1 - beta2, group["eps"], step_size))
                new = sparse_adam_update(p._data, m._data, v._data, jnp.asarray(g._idx), g._vals, *scalars)
                for t, a in zip((p, m, v), new):
                    t._write(a)
        return loss
