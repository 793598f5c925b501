"""The window functions of `torch.signal.windows` (scipy.signal.windows' definitions): each computes the
symmetric window of M points, or, with sym=False, the periodic one (the symmetric M + 1 less its last)."""
from __future__ import annotations

import numpy as np

from ... import _dtype as D
from ... import strided
from ..._ops.spectral import bartlett_formula, cosine_sum, kaiser_formula, window


def _check(name: str, M: int, dtype, layout=None) -> None:
    if layout is not None and layout is not strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if dtype is not None and dtype not in (D.float32, D.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")


def _make(name, formula, M, sym, dtype, layout, device, requires_grad, one_is_ones=True):
    _check(name, M, dtype, layout)
    return window(formula, M, not sym, dtype, device, requires_grad, one_is_ones)


def _centred(L: int) -> np.ndarray:
    """n - (L - 1) / 2 for n in 0..L-1."""
    return np.arange(L, dtype=np.float64) - (L - 1) / 2


def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.bartlett`."""
    return _make("bartlett", bartlett_formula, M, sym, dtype, layout, device, requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.blackman`."""
    return _make("blackman", lambda L: cosine_sum(L, (0.42, 0.5, 0.08)), M, sym, dtype, layout, device,
                 requires_grad)


def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.cosine`: sin(pi (n + 1/2) / L)."""
    return _make("cosine", lambda L: np.sin(np.pi * (np.arange(L) + 0.5) / L), M, sym, dtype, layout, device,
                 requires_grad)


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.exponential`: exp(-|n - center| / tau)."""
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")

    def formula(L):
        c = (L - 1) / 2 if center is None else center
        return np.exp(-np.abs(np.arange(L, dtype=np.float64) - c) / tau)
    return _make("exponential", formula, M, sym, dtype, layout, device, requires_grad, one_is_ones=center is None)


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.gaussian`: exp(-(n - (L-1)/2)^2 / (2 std^2))."""
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    return _make("gaussian", lambda L: np.exp(-_centred(L) ** 2 / (2 * std ** 2)), M, sym, dtype, layout, device,
                 requires_grad)


def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.general_cosine`: sum_k (-1)^k a_k cos(2 pi k n / (L - 1))."""
    if not isinstance(a, (list, tuple)):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    return _make("general_cosine", lambda L: cosine_sum(L, a), M, sym, dtype, layout, device, requires_grad)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.general_hamming` (PyTorch names general_cosine in its errors)."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.hamming`."""
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.hann`."""
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.kaiser`."""
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    return _make("kaiser", lambda L: kaiser_formula(L, beta, dtype), M, sym, dtype, layout, device, requires_grad)


def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.signal.windows.nuttall`."""
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype, layout=layout,
                          device=device, requires_grad=requires_grad)
