"""The `torch.fft` operators (the namespace is torchlike/fft.py): mirrors `torch.fft` (discrete Fourier transforms over jnp.fft).

Each transform is one registry op, so gradients are the kernels' jax.vjp (with the engine's complex
conjugation convention, _engine.backward.vjp_of). Multi-dimensional transforms apply one-dimensional ones
axis by axis (XLA's FFT takes at most three axes at once). The Hermitian transforms use
hfft(x, norm) = irfft(conj(x), dual norm) and ihfft(x, norm) = conj(rfft(x, dual norm)), where the
dual of "backward" is "forward" and "ortho" is its own.
"""
from __future__ import annotations

import operator

import jax
import jax.numpy as jnp

from .._engine.grad_name import GradName
from .. import _dtype as D
from .._engine.op import OPS, T, op
from .._engine.out import _write_out
from .._tensor import Tensor
from .creation import tensor

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_NORMS = ("backward", "ortho", "forward")
_DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _norm(norm) -> str:
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


# ----- dtypes -----
def _float_of(x, real_only: str | None = None):
    """x as the floating (or complex) dtype its transform computes in: ints and bools become the default
    float; half precision is refused as PyTorch's CPU FFT refuses it."""
    if x.dtype in (jnp.float16, jnp.bfloat16):
        raise RuntimeError(f"Unsupported dtype {D.from_numpy_dtype(x.dtype).legacy}")
    if jnp.iscomplexobj(x):
        if real_only:
            raise RuntimeError(f"{real_only} expects a real input tensor, but got "
                               f"{D.from_numpy_dtype(x.dtype).legacy}")
        return x
    if not jnp.issubdtype(x.dtype, jnp.floating):
        return x.astype(D.get_default_dtype().np)
    return x


def _complex_of(x):
    x = _float_of(x)
    if jnp.iscomplexobj(x):
        return x
    return jax.lax.complex(x, jnp.zeros_like(x))


def _resize(x, sizes, dims):
    """Trim or zero-pad x along each dim to its size (None: leave it)."""
    for n, d in zip(sizes, dims):
        if n is None or n == x.shape[d]:
            continue
        if n < x.shape[d]:
            x = jax.lax.slice_in_dim(x, 0, n, axis=d)
        else:
            pad = [(0, 0)] * x.ndim
            pad[d] = (0, n - x.shape[d])
            x = jnp.pad(x, pad)
    return x


# ----- the kernels -----
def _r2c_name(input):
    return "FftC2CBackward0" if jnp.iscomplexobj(input) else "FftR2CBackward0"


@op(name="_fft_c2c", method=False, function=False, grad_name=GradName.arrays(_r2c_name))
def _fft_c2c(input: T, sizes, dims, norm, inverse):
    x = _resize(_complex_of(input), sizes, dims)
    f = jnp.fft.ifft if inverse else jnp.fft.fft
    for d in dims:
        x = f(x, axis=d, norm=norm)
    return x


@op(name="_fft_r2c", method=False, function=False, grad_name="FftR2CBackward0")
def _fft_r2c(input: T, sizes, dims, norm, name, conj):
    """rfftn over dims (the last one halved); conj: the conjugate of it (ihfft)."""
    x = _resize(_float_of(input, real_only=name), sizes, dims)
    x = jnp.fft.rfft(x, axis=dims[-1], norm=norm)
    for d in dims[:-1]:
        x = jnp.fft.fft(x, axis=d, norm=norm)
    return jnp.conj(x) if conj else x


@op(name="_fft_c2r", method=False, function=False, grad_name="FftC2RBackward0")
def _fft_c2r(input: T, sizes, dims, last, norm, conj):
    """irfftn over dims, the last one to `last` points; conj: of the conjugated input (hfft)."""
    x = _complex_of(input)
    x = _resize(jnp.conj(x) if conj else x, sizes[:-1] + (last // 2 + 1,), dims)
    for d in dims[:-1]:
        x = jnp.fft.ifft(x, axis=d, norm=norm)
    return jnp.fft.irfft(x, n=last, axis=dims[-1], norm=norm)


# ----- arguments -----
def _wrap(dim, ndim) -> int:
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    n = ndim
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _check_n(n) -> None:
    if n is not None and n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _dims_sizes(input, s, dim):
    """PyTorch's (s, dim) rules: dims default to the last len(s) dims (or all);
    -1 in s keeps that dim's size."""
    if isinstance(dim, int):
        dim = (dim,)
    if s is not None:
        s = tuple(operator.index(v) for v in s)
    if dim is not None:
        dims = tuple(_wrap(d, input.ndim) for d in dim)
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > input.ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {input.ndim} dimensions.")
        dims = tuple(range(input.ndim - len(s), input.ndim))
    else:
        dims = tuple(range(input.ndim))
    if len(set(dims)) != len(dims):
        raise RuntimeError("FFT dims must be unique")
    sizes = (None,) * len(dims) if s is None else tuple(None if v == -1 else v for v in s)
    for v in sizes:
        _check_n(v)
    return sizes, dims


def _out(result, out):
    return result if out is None else _write_out(out, result)


def _c2c(input, s, dim, norm, name, out):
    sizes, dims = _dims_sizes(input, s, dim)
    inverse = name.startswith("i")
    return _out(_fft_c2c(input, sizes, dims, _norm(norm), inverse), out)


def _r2c(input, s, dim, norm, name, out):
    sizes, dims = _dims_sizes(input, s, dim)
    norm = _norm(norm)
    conj = name.startswith("ih")
    return _out(_fft_r2c(input, sizes, dims, _DUAL[norm] if conj else norm, name, conj), out)


def _c2r(input, s, dim, norm, name, out):
    sizes, dims = _dims_sizes(input, s, dim)
    last = sizes[-1] if sizes[-1] is not None else 2 * (input.shape[dims[-1]] - 1)
    if last < 1:
        raise RuntimeError(f"Invalid number of data points ({last}) specified")
    norm = _norm(norm)
    conj = name.startswith("h")
    return _out(_fft_c2r(input, sizes, dims, last, _DUAL[norm] if conj else norm, conj), out)


def _one(n, dim):
    _check_n(n)
    return (None if n is None else (n,)), (dim,)


# ----- the public transforms -----
def _public(fn, name):
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Mirrors `torch.fft.{name}`."
    return fn


def _family(name, transform):
    """torch.fft.<name>, <name>2 and <name>n, which differ only in their (n or s, dim) defaults;
    transform(input, s, dim, norm, name, out) is _c2c, _r2c or _c2r, `name` telling the direction
    (the 2- and n-dimensional forms report errors as <name>n)."""
    def one_dim(input, n=None, dim=-1, norm=None, *, out=None):
        return transform(input, *_one(n, dim), norm, name, out)

    def two_dim(input, s=None, dim=(-2, -1), norm=None, *, out=None):
        return transform(input, s, dim, norm, name + "n", out)

    def n_dim(input, s=None, dim=None, norm=None, *, out=None):
        return transform(input, s, dim, norm, name + "n", out)
    return _public(one_dim, name), _public(two_dim, name + "2"), _public(n_dim, name + "n")


fft, fft2, fftn = _family("fft", _c2c)
ifft, ifft2, ifftn = _family("ifft", _c2c)
rfft, rfft2, rfftn = _family("rfft", _r2c)
irfft, irfft2, irfftn = _family("irfft", _c2r)
hfft, hfft2, hfftn = _family("hfft", _c2r)
ihfft, ihfft2, ihfftn = _family("ihfft", _r2c)


# ----- frequencies and shifts -----
def _freqs(values, d, dtype, device, requires_grad):
    dt = dtype if dtype is not None else D.get_default_dtype()
    t = tensor(values, dtype=D.float64, device=device) / d
    t = t.to(dt)
    return t.requires_grad_(True) if requires_grad else t


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.fft.fftfreq`: [0, 1, ..., ceil(n/2)-1, -floor(n/2), ..., -1] / (d * n)."""
    vals = [float(i) / n for i in range((n + 1) // 2)] + [float(i) / n for i in range(-(n // 2), 0)]
    return _out(_freqs(vals, d, dtype, device, requires_grad), out)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.fft.rfftfreq`: [0, 1, ..., n//2] / (d * n)."""
    vals = [float(i) / n for i in range(n // 2 + 1)]
    return _out(_freqs(vals, d, dtype, device, requires_grad), out)


def _shift(input, dim, sign):
    if dim is None:
        dims = tuple(range(input.ndim))
    else:
        dims = tuple(_wrap(d, input.ndim) for d in ((dim,) if isinstance(dim, int) else dim))
    if not dims:
        return OPS["clone"](input) if isinstance(input, Tensor) else input
    shifts = tuple(sign * (input.shape[d] // 2) for d in dims)
    return OPS["roll"](input, shifts, dims)


def fftshift(input, dim=None):
    """Mirrors `torch.fft.fftshift`: the zero frequency moved to the centre."""
    return _shift(input, dim, 1)


def ifftshift(input, dim=None):
    """Mirrors `torch.fft.ifftshift`: the inverse of fftshift."""
    return _shift(input, dim, -1)
