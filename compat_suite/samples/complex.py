"""Sweep samples for the complex views behind `conj`, `view_as_real` and `view_as_complex`
(registry kernels without a function of their own: reached through the public calls)."""
import numpy as np

from ..harness import randn
from ._base import Sample, add

_Z = (randn(3, 4) + 1j * randn(3, 4, seed=3)).astype(np.complex64)
add("_conj",
    Sample((_Z,), call=lambda t, z: t.conj(z).resolve_conj(), label="complex64"),
    Sample((randn(3, 4),), call=lambda t, x: t.conj(x), label="real: itself"))
add("_view_as_real",
    Sample((_Z,), call=lambda t, z: t.view_as_real(z), label="complex64"),
    Sample((_Z.astype(np.complex128),), call=lambda t, z: t.view_as_real(z) * 2, label="complex128"))
add("_view_as_complex",
    Sample((randn(3, 4, 2),), call=lambda t, x: t.view_as_complex(x), label="float32"),
    Sample((randn(5, 2).astype(np.float64),), call=lambda t, x: t.view_as_complex(x).abs(), label="float64"))
add("complex",
    Sample((randn(3, 4), randn(3, 4, seed=5)), label="float32"),
    Sample((randn(2, 1, 3).astype(np.float64), randn(4, 1, seed=5).astype(np.float64)), label="float64 broadcast"))
add("polar",
    Sample((np.abs(randn(3, 4)), randn(3, 4, seed=5)), label="float32"),
    Sample((np.abs(randn(2, 1, 3)).astype(np.float64), randn(4, 1, seed=5).astype(np.float64)),
           label="float64 broadcast"))

# The FFT kernels behind torch.fft (torchlike/_ops/spectral.py), through the public functions.
add("_fft_c2c",
    Sample((_Z,), call=lambda t, z: t.fft.fft(z), label="fft"),
    Sample((_Z,), call=lambda t, z: t.fft.ifft2(z, norm="ortho"), label="ifft2 ortho"))
add("_fft_r2c",
    Sample((randn(3, 8),), call=lambda t, x: t.fft.rfft(x), label="rfft"),
    Sample((randn(3, 8).astype(np.float64),), call=lambda t, x: t.fft.rfftn(x, norm="forward"), label="rfftn"))
add("_fft_c2r",
    Sample((_Z,), call=lambda t, z: t.fft.irfft(z, n=6), label="irfft n=6"),
    Sample((_Z,), call=lambda t, z: t.fft.hfft(z), label="hfft"))
