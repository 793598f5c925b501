"""Short-time Fourier transforms and window functions: mirrors `torch.stft`, `torch.istft`,
`torch.hann_window` and its siblings, and the formulas behind `torch.signal.windows`.

stft/istft are compositions of differentiable registry ops (pad, unfold, torchlike.fft, index_add),
so their gradients follow from those ops'. Windows are computed in float64 on the host and cast.
"""
from __future__ import annotations

import warnings

import numpy as np

from .fft import fft, ifft, irfft, rfft
from .nn_misc import pad
from .._engine.methods import install
from .. import _dtype as D
from .._tensor import Tensor
from .._engine.op import OPS
from .creation import ones, tensor, zeros
from .complex import view_as_real

__all__ = ["stft", "istft", "hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


# ----- window formulas (symmetric, length L, float64) -----
def cosine_sum(L: int, coeffs) -> np.ndarray:
    """sum_k (-1)^k a_k cos(2 pi k n / (L - 1)): hann, hamming, blackman, nuttall."""
    n = np.arange(L, dtype=np.float64)
    w = np.zeros(L)
    for k, a in enumerate(coeffs):
        w += (-1) ** k * a * np.cos(2 * np.pi * k * n / (L - 1))
    return w


def bartlett_formula(L: int) -> np.ndarray:
    n = np.arange(L, dtype=np.float64)
    return 1 - np.abs(2 * n / (L - 1) - 1)


def kaiser_formula(L: int, beta: float, dtype=None) -> np.ndarray:
    """I0(beta sqrt(1 - ((n - c) / c)^2)) / I0(beta). PyTorch evaluates I0 in the window's dtype, through exp(x),
    which overflows once x > log(max): a large beta then gives NaN (inf / inf) and zeros, as here."""
    n = np.arange(L, dtype=np.float64)
    c = (L - 1) / 2
    npd = (dtype if dtype is not None else D.get_default_dtype()).np
    limit = np.log(np.finfo(npd).max)

    def i0(x):
        return np.where(x > limit, np.inf, np.i0(np.minimum(x, limit))).astype(npd)
    with np.errstate(over="ignore", invalid="ignore"):
        num = i0(beta * np.sqrt(np.clip(1 - ((n - c) / c) ** 2, 0, None)))
        return (num / i0(np.asarray(beta, np.float64))).astype(np.float64)


def window(formula, M: int, periodic: bool, dtype, device, requires_grad, one_is_ones=True) -> Tensor:
    """A window of M points from a symmetric formula: a periodic one is the symmetric M + 1 less its last.
    One point is [1] unless one_is_ones is False (an exponential window about a given centre)."""
    if M == 0:
        values = np.zeros(0)
    elif M == 1 and one_is_ones:
        values = np.ones(1)
    else:
        values = formula(M + 1)[:M] if periodic else formula(M)
    t = tensor(values, dtype=dtype if dtype is not None else D.get_default_dtype(), device=device)
    return t.requires_grad_(True) if requires_grad else t


def _check_window(name: str, M: int, dtype) -> None:
    if M < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={M}")
    if dtype is not None and not dtype.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype={dtype})")


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.hann_window`."""
    _check_window("hann_window", window_length, dtype)
    return window(lambda L: cosine_sum(L, (0.5, 0.5)), window_length, periodic, dtype, device, requires_grad)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   requires_grad=False):
    """Mirrors `torch.hamming_window`."""
    _check_window("hamming_window", window_length, dtype)
    return window(lambda L: cosine_sum(L, (alpha, beta)), window_length, periodic, dtype, device, requires_grad)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.blackman_window`."""
    _check_window("blackman_window", window_length, dtype)
    return window(lambda L: cosine_sum(L, (0.42, 0.5, 0.08)), window_length, periodic, dtype, device,
                  requires_grad)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """Mirrors `torch.bartlett_window`."""
    _check_window("bartlett_window", window_length, dtype)
    return window(bartlett_formula, window_length, periodic, dtype, device, requires_grad)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  requires_grad=False):
    """Mirrors `torch.kaiser_window`."""
    _check_window("kaiser_window", window_length, dtype)
    return window(lambda L: kaiser_formula(L, beta, dtype), window_length, periodic, dtype, device, requires_grad)


# ----- stft / istft -----
def _padded_window(window, win_length: int, n_fft: int, like, call: str = "stft: ") -> Tensor:
    """The window (ones by default) zero-padded on both sides to n_fft points, centred."""
    if window is None:
        window = ones(win_length, dtype=like.real.dtype if like.dtype.is_complex else like.dtype, device=like.device)
    if window.ndim != 1 or window.shape[0] != win_length:
        raise RuntimeError(f"{call}expected a 1D window tensor of size equal to win_length={win_length}, but got "
                           f"window with size {list(window.shape)}")
    left = (n_fft - win_length) // 2
    if left or n_fft - win_length - left:
        window = OPS["constant_pad_nd"](window, (left, n_fft - win_length - left), 0)
    return window


def _lengths(n_fft, hop_length, win_length, name):
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if hop_length <= 0:
        raise RuntimeError(f"{name}: expected hop_length > 0, but got hop_length={hop_length}")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"{name}: expected 0 < win_length <= n_fft, but got win_length={win_length}")
    return hop_length, win_length


def _stft_call(x, n_fft, hop_length, win_length, window, normalized, onesided, return_complex) -> str:
    """How PyTorch's stft errors describe the call (the input as padded)."""
    shape = ", ".join(str(n) for n in x.shape)
    win = "None" if window is None else f"torch.{window.dtype.legacy}Tensor{{[{', '.join(map(str, window.shape))}]}}"
    return (f"stft(torch.{x.dtype.legacy}Tensor[{shape}], n_fft={n_fft}, hop_length={hop_length}, "
            f"win_length={win_length}, window={win}, normalized={int(normalized)}, onesided={onesided}, "
            f"return_complex={int(return_complex)}, align_to_window=None) : ")


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """Mirrors `torch.stft`: frames of n_fft points every hop_length, windowed and transformed; the
    result is (n_freq, n_frames), batched as the input is."""
    if return_complex is None:
        if not input.dtype.is_complex and (window is None or not window.dtype.is_complex):
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                               "require that return_complex=True in a future PyTorch release.")
        return_complex = True
    if align_to_window is not None:
        raise NotImplementedError("torchlike: stft(align_to_window=...) is not supported")
    hop_length, win_length = _lengths(n_fft, hop_length, win_length, "stft")
    x = input
    if center and input.ndim in (1, 2):
        half = n_fft // 2
        x = pad(x.unsqueeze(-2), (half, half), mode=pad_mode).squeeze(-2)
    call = _stft_call(x, n_fft, hop_length, win_length, window, normalized, onesided, return_complex)
    if input.ndim not in (1, 2):
        raise RuntimeError(call + "expected a 1D or 2D tensor")
    x = x if x.ndim == 2 else x.unsqueeze(0)
    length = x.shape[-1]
    if not 0 < n_fft <= length:
        raise RuntimeError(call + f"expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    w = _padded_window(window, win_length, n_fft, x, call)
    frames = x.unfold(-1, n_fft, hop_length) * w  # (batch, n_frames, n_fft)
    complex_in = input.dtype.is_complex or w.dtype.is_complex
    onesided = not complex_in if onesided is None else onesided
    if onesided and complex_in:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    out = (rfft if onesided else fft)(frames, dim=-1, norm="ortho" if normalized else "backward")
    out = out.transpose(-1, -2)
    if input.ndim == 1:
        out = out.squeeze(0)
    if not return_complex:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                      "complex tensors for all inputs, and return_complex=False will raise an error.", UserWarning,
                      stacklevel=2)
        return view_as_real(out)
    return out


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """Mirrors `torch.istft`: the inverse of stft by windowed overlap-add, divided by the summed squared
    window (which must not vanish anywhere in the kept span)."""
    if not input.dtype.is_complex:
        raise RuntimeError("istft requires a complex-valued input tensor.")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex, but got {input.ndim}D")
    hop_length, win_length = _lengths(n_fft, hop_length, win_length, "istft")
    spec = input if input.ndim == 3 else input.unsqueeze(0)  # (batch, n_freq, n_frames)
    n_freq, n_frames = spec.shape[-2], spec.shape[-1]
    onesided = n_freq != n_fft if onesided is None else onesided
    if onesided and n_freq != n_fft // 2 + 1:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft / 2 + 1 when onesided=True, but got {n_freq}")
    if not onesided and n_freq != n_fft:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft when onesided=False, but got {n_freq}")
    if onesided and return_complex:
        raise RuntimeError("cannot have onesided output if window or input is complex")
    if not onesided and not return_complex:  # a real result: PyTorch reads only the non-negative frequencies
        spec, onesided = spec[:, :n_fft // 2 + 1], True
    spec = spec.transpose(-1, -2)
    norm = "ortho" if normalized else "backward"
    frames = irfft(spec, n=n_fft, dim=-1, norm=norm) if onesided else ifft(spec, n=n_fft, dim=-1, norm=norm)
    w = _padded_window(window, win_length, n_fft, frames.real if frames.dtype.is_complex else frames)
    frames = frames * w
    total = n_fft + hop_length * (n_frames - 1)
    index = (np.arange(n_frames)[:, None] * hop_length + np.arange(n_fft)[None, :]).ravel()
    idx = tensor(index, dtype=D.int64)
    batch = frames.shape[0]
    y = OPS["index_add"](_zeros((batch, total), frames), 1, idx, frames.reshape(batch, -1))
    sq = (w * w).expand(n_frames, n_fft).reshape(-1)
    env = OPS["index_add"](_zeros((total,), sq), 0, idx, sq)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (total - n_fft // 2 if center else total)
    stop = min(end, total)
    y, env = y[:, start:stop], env[start:stop]
    if env.numel() and float(env.abs().min()) < 1e-11:
        raise RuntimeError(f"istft(...) window overlap add min: {float(env.abs().min()):g}")
    y = y / env
    if end > total:
        y = OPS["constant_pad_nd"](y, (0, end - total), 0)
    return y.squeeze(0) if input.ndim == 2 else y


def _zeros(shape, like) -> Tensor:
    return zeros(shape, dtype=like.dtype, device=like.device)


def _install():
    install("stft", stft)
    install("istft", istft)


_install()
