"""The kernels the distributions need that torchlike has no operator for: standard gamma draws
(differentiable in the concentration, by implicit reparameterization), binomial draws and the
regularized lower incomplete gamma function (Gamma.cdf)."""
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


def _blocked_draws(sampler, arrays, pads, w, generator, device):
    """sampler(key, *arrays) made flat in blocks of two fixed lengths (each array padded with its
    entry of `pads`), so that XLA's samplers, slow to compile, are compiled at most twice per dtype
    rather than once per shape."""
    shape, n = arrays[0].shape, arrays[0].size
    block = _SMALL if n <= _SMALL else _BLOCK
    flats = []
    for a, pad in zip(arrays, pads):
        flat = np.full(-(-max(n, 1) // block) * block, pad, w)
        flat[:n] = np.asarray(a, w).reshape(-1)
        flats.append(flat)
    place = next(iter(arrays[0].devices()))
    parts = [sampler(_key(generator, device), *(jax.device_put(f[i:i + block], place) for f in flats))
             for i in range(0, flats[0].size, block)]
    return (parts[0] if len(parts) == 1 else jnp.concatenate(parts))[:n].reshape(shape)


def standard_gamma(alpha, generator=None):
    """Gamma(alpha, 1) draws in alpha's shape and dtype; differentiable with respect to alpha."""
    a = alpha.detach()._data
    w = _work(a.dtype)
    if isinstance(a, jax.core.Tracer):  # inside torchlike.compile or a transform: one traced draw
        draws = jax.random.gamma(_key(generator), a.astype(w), a.shape, w)
    else:
        draws = _blocked_draws(_gamma_flat, [a], [1], w, generator, alpha.device)
    k = _kernel("distributions.standard_gamma", "StandardGammaBackward0", _gamma_build)
    return run_kernel(k, [a, draws], [alpha, None])


@jax.jit
def _binomial_flat(key, count, probs):
    return jax.random.binomial(key, count, probs, count.shape, count.dtype)


def _as_dtype_build(dtype):
    def raw(x):
        return x.astype(dtype)
    return raw


def binomial(count, probs, generator=None):
    """Binomial(count, probs) draws, elementwise (count and probs of one shape); no gradient."""
    c, p = count.detach()._data, probs.detach()._data
    w = _work(c.dtype)
    if isinstance(c, jax.core.Tracer) or isinstance(p, jax.core.Tracer):
        draws = jax.random.binomial(_key(generator), c.astype(w), p.astype(w), c.shape, w)
    else:
        draws = _blocked_draws(_binomial_flat, [c, p], [1, 0.5], w, generator, count.device)
    k = _kernel("distributions.binomial", "BinomialBackward0", _as_dtype_build, count.dtype.np)
    return run_kernel(k, [draws], [None])


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
