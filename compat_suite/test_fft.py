"""torch.fft, torch.stft/istft and the window functions against real PyTorch: values, output dtypes and
shapes for every transform with n/s, dim and norm, gradients (the Hermitian ones included), and errors."""
import numpy as np
import pytest
import torch

import torchlike

from .harness import check, check_error, randn


def crandn(*shape, seed=0, dtype=np.complex128):
    return (randn(*shape, dtype=np.float64, seed=seed) + 1j * randn(*shape, dtype=np.float64, seed=seed + 1)).astype(
        dtype)


REAL_ONLY = {"rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn"}
ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_D = ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft2", "ihfft2", "hfftn", "ihfftn"]
ONE_D_ARGS = [{}, {"n": 5}, {"n": 9, "dim": 0}, {"norm": "ortho"}, {"norm": "forward", "n": 7}, {"norm": "backward"}]
N_D_ARGS = [{}, {"s": (3, 5)}, {"s": (5, 8), "dim": (1, 0)}, {"norm": "ortho"}, {"norm": "forward", "s": (-1, 7)},
            {"dim": (0,)}]
INPUTS = {
    "float64": randn(4, 6, dtype=np.float64),
    "float32": randn(4, 6),
    "complex128": crandn(4, 6),
    "complex64": crandn(4, 6, seed=3, dtype=np.complex64),
}


def _cases(names, args):
    for name in names:
        for i, kw in enumerate(args):
            for kind in INPUTS:
                if name in REAL_ONLY and kind.startswith("complex"):
                    continue
                yield pytest.param(name, kw, kind, id=f"{name}-{i}-{kind}")


@pytest.mark.parametrize("name,kw,kind", list(_cases(ONE_D, ONE_D_ARGS)) + list(_cases(N_D, N_D_ARGS)))
def test_transform(name, kw, kind):
    check(lambda t, x: getattr(t.fft, name)(x, **kw), INPUTS[kind], area="fft", name=f"fft.{name}")


@pytest.mark.parametrize("name", ONE_D + N_D)
def test_integer_and_3d_inputs(name):
    x = np.arange(24).reshape(2, 3, 4) % 5
    check(lambda t, a: getattr(t.fft, name)(a), x, grad=False, area="fft", name=f"fft.{name} int")
    check(lambda t, a: getattr(t.fft, name)(a, dim=(0, 2)) if not name.endswith(("fft", "ifft"))
          else getattr(t.fft, name)(a, dim=1), randn(2, 3, 4, dtype=np.float64), area="fft", name=f"fft.{name} 3d")


@pytest.mark.parametrize("name", ["irfft", "hfft", "irfftn", "hfftn"])
def test_hermitian_gradients_with_edge_bins(name):
    # The imaginary parts of the zero (and Nyquist) bins do not reach a c2r output: their gradients are
    # PyTorch's, as are the doubled weights of the other bins.
    x = crandn(3, 5, seed=11)
    for n in (None, 8, 9):
        kw = {} if n is None else ({"n": n} if not name.endswith("n") else {"s": (3, n)})
        check(lambda t, a: getattr(t.fft, name)(a, **kw), x, area="fft", name=f"fft.{name} {kw}")


def test_round_trips():
    for t in (torchlike,):
        x = t.tensor(randn(5, 8, dtype=np.float64))
        np.testing.assert_allclose(np.asarray(t.fft.irfft(t.fft.rfft(x), n=8)), np.asarray(x), atol=1e-12)
        np.testing.assert_allclose(np.asarray(t.fft.ifftn(t.fft.fftn(x)).real), np.asarray(x), atol=1e-12)
        np.testing.assert_allclose(np.asarray(t.fft.hfft(t.fft.ihfft(x), n=8)), np.asarray(x), atol=1e-12)


def test_many_dims():
    # more than three transformed dims at once (XLA's FFT takes at most three)
    check(lambda t, x: t.fft.fftn(x), randn(2, 3, 2, 4, dtype=np.float64), area="fft", name="fftn 4d")
    check(lambda t, x: t.fft.irfftn(x), crandn(2, 3, 2, 4), area="fft", name="irfftn 4d")


def test_out():
    for t in (torch, torchlike):
        out = t.empty(0, dtype=t.complex64)
        r = t.fft.fft(t.arange(4.0), out=out)
        assert r is out and out.shape == (4,)
    a, b = (t.fft.fft(t.arange(4.0), out=t.empty(0, dtype=t.complex64)) for t in (torch, torchlike))
    np.testing.assert_allclose(a.numpy(), np.asarray(b))


# ----- frequencies and shifts -----
FREQS = {
    "fftfreq 5": lambda t: t.fft.fftfreq(5),
    "fftfreq 4 d": lambda t: t.fft.fftfreq(4, 0.5, dtype=t.float64),
    "fftfreq 1": lambda t: t.fft.fftfreq(1),
    "rfftfreq 5": lambda t: t.fft.rfftfreq(5),
    "rfftfreq 8 d": lambda t: t.fft.rfftfreq(8, d=0.1),
    "rfftfreq grad": lambda t: t.fft.rfftfreq(6, requires_grad=True),
    "fftshift": lambda t: t.fft.fftshift(t.arange(7)),
    "fftshift dims": lambda t: t.fft.fftshift(t.arange(12).reshape(3, 4), dim=(0, 1)),
    "ifftshift dim": lambda t: t.fft.ifftshift(t.arange(12).reshape(3, 4), dim=1),
    "ifftshift all": lambda t: t.fft.ifftshift(t.arange(12.0).reshape(3, 4)),
    "shift round trip": lambda t: t.fft.ifftshift(t.fft.fftshift(t.arange(9).reshape(3, 3))),
}


@pytest.mark.parametrize("name", list(FREQS))
def test_freqs_and_shifts(name):
    check(lambda t: FREQS[name](t), grad=False, area="fft", name=name)


def test_fftshift_gradient():
    check(lambda t, x: t.fft.fftshift(x, dim=-1) * t.arange(5.0), randn(2, 5), area="fft", name="fftshift grad")


# ----- errors -----
ERRORS = {
    "bad norm": lambda t: t.fft.fft(t.randn(4), norm="bad"),
    "bad norm fftn": lambda t: t.fft.fftn(t.randn(4, 4), norm="Ortho"),
    "rfft complex": lambda t: t.fft.rfft(t.randn(4).cfloat()),
    "ihfft complex": lambda t: t.fft.ihfft(t.randn(4).cfloat()),
    "n zero": lambda t: t.fft.fft(t.randn(4), n=0),
    "irfft too short": lambda t: t.fft.irfft(t.randn(1).cfloat()),
    "dim out of range": lambda t: t.fft.fft(t.randn(4), dim=2),
    "0-d": lambda t: t.fft.fft(t.tensor(1.0)),
    "s and dim": lambda t: t.fft.fftn(t.randn(3, 3), s=(2, 2, 2), dim=(0, 1)),
    "duplicate dims": lambda t: t.fft.fftn(t.randn(3, 3), dim=(0, 0)),
    "half": lambda t: t.fft.fft(t.randn(4).half()),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    check_error(lambda t: ERRORS[name](t), name=name)


# ----- windows -----
WINDOW_ARGS = {
    "bartlett": [{}], "blackman": [{}], "cosine": [{}], "hamming": [{}], "hann": [{}], "nuttall": [{}],
    "exponential": [{"tau": 2.0}, {"tau": 0.5, "center": 2.0, "sym": False}],
    "gaussian": [{"std": 2.5}], "kaiser": [{"beta": 4.0}, {}],
    "general_cosine": [{"a": [0.5, 0.3, 0.2]}], "general_hamming": [{"alpha": 0.6}],
}


@pytest.mark.parametrize("name", list(WINDOW_ARGS))
def test_signal_windows(name):
    for kw in WINDOW_ARGS[name]:
        for M in (0, 1, 2, 7, 10):
            for sym in ((True, False) if "sym" not in kw else (kw["sym"],)):
                for dtype in ("float32", "float64"):
                    args = dict(kw, sym=sym)
                    check(lambda t: getattr(t.signal.windows, name)(M, dtype=getattr(t, dtype), **args), grad=False,
                          area="windows", name=f"{name} {M} {args} {dtype}")


@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
                                  "kaiser_window"])
def test_window_functions(name):
    for M in (0, 1, 2, 7, 10):
        for periodic in (True, False):
            check(lambda t: getattr(t, name)(M, periodic), grad=False, area="windows", name=f"{name} {M}")
    check(lambda t: getattr(t, name)(8, dtype=t.float64, requires_grad=True), grad=False, area="windows", name=name)


def test_window_parameters():
    check(lambda t: t.hamming_window(9, False, 0.6, 0.4), grad=False, area="windows", name="hamming alpha beta")
    check(lambda t: t.kaiser_window(9, False, 5.0), grad=False, area="windows", name="kaiser beta")


WINDOW_ERRORS = {
    "hann_window negative": lambda t: t.hann_window(-1),
    "kaiser_window long": lambda t: t.kaiser_window(4, dtype=t.int64),
    "windows.hann negative": lambda t: t.signal.windows.hann(-1),
    "windows.kaiser long": lambda t: t.signal.windows.kaiser(4, dtype=t.int64),
    "windows.gaussian std": lambda t: t.signal.windows.gaussian(4, std=0),
    "windows.exponential tau": lambda t: t.signal.windows.exponential(4, tau=0),
    "windows.exponential center": lambda t: t.signal.windows.exponential(4, center=1.0),
    "windows.general_cosine a": lambda t: t.signal.windows.general_cosine(4, a=None),
    "windows.kaiser beta": lambda t: t.signal.windows.kaiser(4, beta=-1.0),
}


@pytest.mark.parametrize("name", list(WINDOW_ERRORS))
def test_window_errors(name):
    check_error(lambda t: WINDOW_ERRORS[name](t), name=name)


# ----- stft / istft -----
STFT_ARGS = {
    "defaults": dict(n_fft=16),
    "hann hop win": dict(n_fft=16, hop_length=5, win_length=12, window="hann"),
    "no centre normalized": dict(n_fft=15, center=False, normalized=True),
    "two-sided constant pad": dict(n_fft=16, onesided=False, window="hamming", pad_mode="constant"),
    "replicate": dict(n_fft=32, hop_length=8, pad_mode="replicate"),
}


def _window(t, kw, dtype):
    kw = dict(kw)
    if kw.get("window") == "hann":
        kw["window"] = t.hann_window(kw.get("win_length", kw["n_fft"]), dtype=dtype)
    elif kw.get("window") == "hamming":
        kw["window"] = t.hamming_window(kw["n_fft"], dtype=dtype)
    return kw


@pytest.mark.parametrize("name", list(STFT_ARGS))
@pytest.mark.parametrize("batched", [False, True])
def test_stft(name, batched):
    x = randn(2, 100, dtype=np.float64) if batched else randn(100, dtype=np.float64)
    check(lambda t, a: t.stft(a, return_complex=True, **_window(t, STFT_ARGS[name], t.float64)), x, area="stft",
          name=f"stft {name}")


def test_stft_complex_input_and_method():
    check(lambda t, a: a.stft(8, hop_length=3, return_complex=True), crandn(40), area="stft", name="stft complex")
    check(lambda t, a: t.stft(a, 8, return_complex=True), randn(40), area="stft", name="stft float32")


@pytest.mark.parametrize("name", [n for n in STFT_ARGS if STFT_ARGS[n].get("center", True)])
def test_istft(name):
    kw = {k: v for k, v in STFT_ARGS[name].items() if k != "pad_mode"}

    def round_trip(t, a):
        args = _window(t, kw, t.float64)
        return t.istft(t.stft(a, return_complex=True, **args), length=100, **args)
    out_t, out_l = check(round_trip, randn(2, 100, dtype=np.float64), area="stft", name=f"istft {name}")
    np.testing.assert_allclose(np.asarray(out_l.detach()), randn(2, 100, dtype=np.float64), atol=1e-10)


def test_istft_forms():
    spec = crandn(9, 7, seed=4)
    check(lambda t, s: t.istft(s, 16, hop_length=4), spec, area="stft", name="istft no length")
    check(lambda t, s: t.istft(s, 16, hop_length=4, length=40), spec, area="stft", name="istft long length")
    check(lambda t, s: t.istft(s, 10), crandn(10, 3), area="stft", name="istft two-sided real")
    check(lambda t, s: t.istft(s, 10, onesided=False, return_complex=True), crandn(10, 3), area="stft",
          name="istft two-sided complex")


STFT_ERRORS = {
    "stft without return_complex": lambda t: t.stft(t.randn(64), 16),
    "stft 3-D": lambda t: t.stft(t.randn(2, 2, 64), 16, return_complex=True),
    "stft n_fft too long": lambda t: t.stft(t.randn(8), 32, center=False, return_complex=True),
    "stft window size": lambda t: t.stft(t.randn(64), 16, window=t.ones(5), return_complex=True),
    "istft real input": lambda t: t.istft(t.randn(9, 4), 16),
    "istft freq bins": lambda t: t.istft(t.randn(7, 4, dtype=t.complex64), 16),
}


@pytest.mark.parametrize("name", list(STFT_ERRORS))
def test_stft_errors(name):
    check_error(lambda t: STFT_ERRORS[name](t), name=name)
