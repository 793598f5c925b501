"""The two kernels the distributions need that torchlike has no operator for: standard gamma draws
(differentiable in the concentration, by implicit reparameterization) and the regularized lower
incomplete gamma function (Gamma.cdf)."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._ops.random import _kernel, _key, _work
from .._engine.kernel import run_kernel


_SMALL, _BLOCK = 256, 8192


@jax.jit
def _gamma_flat(key, alpha):
    return jax.random.gamma(key, alpha, alpha.shape, alpha.dtype)


@jax.custom_jvp
def _reparameterized(alpha, x):
    return x


@_reparameterized.defjvp
def _reparameterized_jvp(primals, tangents):
    # implicit reparameterization: d x / d alpha = -(dF/d alpha) / f at the drawn x, the gradient
    # PyTorch's _standard_gamma has
    alpha, x = primals
    return x, jax.lax.random_gamma_grad(alpha, x) * tangents[0]


def _gamma_build():
    def raw(alpha, x):
        return _reparameterized(alpha, x.astype(alpha.dtype))
    return raw


def _blocked_draws(a, w, generator, device):
    """Draws made flat in blocks of two fixed lengths (padding with 1s), so that XLA's gamma sampler,
    slow to compile, is compiled at most twice per dtype rather than once per shape."""
    n = a.size
    block = _SMALL if n <= _SMALL else _BLOCK
    flat = np.ones(-(-max(n, 1) // block) * block, w)
    flat[:n] = np.asarray(a, w).reshape(-1)
    parts = [_gamma_flat(_key(generator, device), jax.device_put(flat[i:i + block], next(iter(a.devices()))))
             for i in range(0, flat.size, block)]
    return (parts[0] if len(parts) == 1 else jnp.concatenate(parts))[:n].reshape(a.shape)


def standard_gamma(alpha, generator=None):
    """Gamma(alpha, 1) draws in alpha's shape and dtype; differentiable with respect to alpha."""
    a = alpha.detach()._data
    w = _work(a.dtype)
    if isinstance(a, jax.core.Tracer):  # inside torchlike.compile or a transform: one traced draw
        draws = jax.random.gamma(_key(generator), a.astype(w), a.shape, w)
    else:
        draws = _blocked_draws(a, w, generator, alpha.device)
    k = _kernel("distributions.standard_gamma", "StandardGammaBackward0", _gamma_build)
    return run_kernel(k, [a, draws], [alpha, None])


def _gammainc_build():
    def raw(a, x):
        # PyTorch has no derivative with respect to a; only x carries a gradient
        return jax.scipy.special.gammainc(jax.lax.stop_gradient(a), x)
    return raw


def gammainc(a, x):
    """P(a, x), the regularized lower incomplete gamma function, elementwise (a, x broadcast)."""
    import torchlike as torch
    a, x = torch.broadcast_tensors(a, x)
    k = _kernel("distributions.gammainc", "IgammaBackward0", _gammainc_build)
    return run_kernel(k, [a._data, jnp.asarray(x._data, a._data.dtype)], [a, x])
