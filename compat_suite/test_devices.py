"""Device placement, as PyTorch's device-generic tests run it: every case runs on each device
torchlike can see ('cpu' always, 'cuda' where JAX has a GPU), against real PyTorch on the same
device type where PyTorch has it (else on its CPU).

On a machine without a GPU the cases run on 'cpu' only; `benchmarks/gpu_check.sh` runs this file
on a GPU machine, where each case runs on both.
"""
import io
import itertools

import numpy as np
import pytest
import torch

import torchlike
from torchlike.utils import debug

DEVICES = ["cpu"] + (["cuda"] if torchlike.cuda.is_available() else [])


def _torch_device(dev: str) -> str:
    return dev if dev == "cpu" or torch.cuda.is_available() else "cpu"


def _exact_cudnn():
    """PyTorch's cuDNN convolutions and RNNs may use TF32 by default; torchlike's float32 products
    are full float32 ('highest', see torchlike/_matmul_precision.py): compare against full float32."""
    return torch.backends.cudnn.flags(enabled=True, allow_tf32=False)


@pytest.fixture
def strict_devices():
    """Operator calls refuse operands on two devices, as PyTorch's do: no operand torchlike makes
    for an op (a dropout key, an RNN's zero state) may sit on another device than its input."""
    debug.check_devices(True)
    yield
    debug.check_devices(False)


def _pair(x: np.ndarray, dev: str, requires_grad: bool = False):
    t = torch.tensor(x, device=_torch_device(dev), requires_grad=requires_grad)
    lt = torchlike.tensor(x, device=dev, requires_grad=requires_grad)
    return t, lt


def _close(lt, t, rtol=1e-5, atol=1e-6):
    assert lt.dtype == getattr(torchlike, str(t.dtype).removeprefix("torch."))
    assert tuple(lt.shape) == tuple(t.shape)
    np.testing.assert_allclose(lt.detach().cpu().double().numpy(), t.detach().cpu().double().numpy(),
                               rtol=rtol, atol=atol)


@pytest.mark.parametrize("dev", DEVICES)
def test_placement_and_round_trip(dev):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t, lt = _pair(a, dev)
    assert str(lt.device) == str(torchlike.device(dev, 0) if dev == "cuda" else torchlike.device(dev))
    assert lt.device.type == dev and lt.is_cuda == (dev == "cuda") and lt.is_cpu == (dev == "cpu")
    assert lt.to(dev) is lt  # same device and dtype: PyTorch returns the tensor itself
    back = lt.cpu()
    assert back.device == torchlike.device("cpu")
    np.testing.assert_array_equal(back.numpy(), a)
    moved = torchlike.tensor(a).to(dev, torchlike.float64)
    assert moved.dtype == torchlike.float64 and moved.device.type == dev
    # the result of an op stays where its inputs are
    assert (lt * 2 + 1).device == lt.device
    assert lt.sum().device == lt.device


@pytest.mark.parametrize("dev", DEVICES)
def test_factories_on_device(dev):
    torchlike.manual_seed(0)
    for make in (lambda: torchlike.zeros(2, 3, device=dev), lambda: torchlike.randn(2, 3, device=dev),
                 lambda: torchlike.arange(5, device=dev), lambda: torchlike.full((2,), 7.0, device=dev),
                 lambda: torchlike.empty(4, device=dev), lambda: torchlike.eye(3, device=dev)):
        x = make()
        assert x.device.type == dev
    torchlike.manual_seed(5)
    a = torchlike.rand(4, device=dev).cpu().numpy()
    torchlike.manual_seed(5)
    b = torchlike.rand(4, device=dev).cpu().numpy()
    np.testing.assert_array_equal(a, b)
    assert torchlike.zeros_like(torchlike.ones(3, device=dev)).device.type == dev


@pytest.mark.parametrize("a,b", list(itertools.product(DEVICES, DEVICES)))
def test_mixed_devices(a, b):
    """PyTorch refuses operands on two devices. torchlike does so under
    `torchlike.utils.debug.check_devices()`; by default (a known difference) JAX copies one across."""
    x, y = torchlike.ones(3, device=a), torchlike.ones(3, device=b)
    np.testing.assert_array_equal((x + y).cpu().numpy(), np.full(3, 2.0, np.float32))
    debug.check_devices(True)
    try:
        if a == b:
            np.testing.assert_array_equal((x + y).cpu().numpy(), np.full(3, 2.0, np.float32))
        else:
            with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
                x + y
            with pytest.raises(RuntimeError, match="same device"):
                torchlike.matmul(torchlike.ones(2, 2, device=a), torchlike.ones(2, 2, device=b))
        # a 0-d CPU tensor goes with any device, as in PyTorch
        z = torchlike.ones(3, device=b) * torchlike.tensor(2.0)
        assert z.device.type == b
    finally:
        debug.check_devices(False)


_OPS = {
    "matmul": lambda L, x, w: L.matmul(x, w),
    "linear": lambda L, x, w: L.nn.functional.linear(x, w.t()),
    "softmax": lambda L, x, w: L.softmax(x @ w, dim=1),
    "log_softmax+nll": lambda L, x, w: L.nn.functional.nll_loss(L.log_softmax(x @ w, 1), L.tensor([0, 3, 1, 2, 4, 0], device=x.device)),
    "layer_norm": lambda L, x, w: L.nn.functional.layer_norm(x @ w, (5,)),
    "sum/mean/var": lambda L, x, w: L.stack([(x @ w).sum(), (x @ w).mean(), (x @ w).var()]),
    "cumsum": lambda L, x, w: L.cumsum(x @ w, dim=0),
    "sort": lambda L, x, w: L.sort(x @ w, dim=1).values,
    "gather": lambda L, x, w: L.gather(x @ w, 1, L.tensor([[0], [1], [2], [3], [4], [0]], device=x.device)),
    "index": lambda L, x, w: (x @ w)[L.tensor([5, 0, 2], device=x.device), 1:4],
    "where": lambda L, x, w: L.where(x @ w > 0, x @ w, L.zeros((), device=x.device)),
    "gelu/tanh": lambda L, x, w: L.nn.functional.gelu(x @ w) + L.tanh(x @ w),
}


@pytest.mark.parametrize("dev", DEVICES)
@pytest.mark.parametrize("name", sorted(_OPS))
def test_op_values_and_grads(dev, name, strict_devices):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 4)).astype(np.float32)
    w = rng.standard_normal((4, 5)).astype(np.float32)
    (tx, lx), (tw, lw) = _pair(x, dev, True), _pair(w, dev, True)
    t, lt = _OPS[name](torch, tx, tw), _OPS[name](torchlike, lx, lw)
    assert lt.device.type == dev
    _close(lt, t)
    t.float().square().sum().backward()
    lt.float().square().sum().backward()
    assert lx.grad.device.type == dev and lw.grad.device.type == dev
    _close(lx.grad, tx.grad, rtol=1e-4, atol=1e-5)
    _close(lw.grad, tw.grad, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dev", DEVICES)
def test_conv_pool_values_and_grads(dev, strict_devices):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 12, 12)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    (tx, lx), (tw, lw) = _pair(x, dev, True), _pair(w, dev, True)
    tf, lf = torch.nn.functional, torchlike.nn.functional
    with _exact_cudnn():
        t = tf.max_pool2d(tf.relu(tf.conv2d(tx, tw, padding=1)), 2)
        t.sum().backward()
    lt = lf.max_pool2d(lf.relu(lf.conv2d(lx, lw, padding=1)), 2)
    _close(lt, t, 1e-5, 1e-5)
    lt.sum().backward()
    _close(lw.grad, tw.grad, 1e-5, 1e-4)
    _close(lx.grad, tx.grad, 1e-5, 1e-5)


def _mlp(L):
    return L.nn.Sequential(L.nn.Linear(8, 16), L.nn.ReLU(), L.nn.Linear(16, 3))


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize("dev", DEVICES)
def test_training_steps_match(dev, compiled, strict_devices):
    torch.manual_seed(0)
    tm = _mlp(torch)
    lm = _mlp(torchlike)
    lm.load_state_dict({k: torchlike.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    tm.to(_torch_device(dev))
    lm.to(dev)
    assert all(p.device.type == dev for p in lm.parameters())
    topt = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=0.9)
    lopt = torchlike.optim.SGD(lm.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((10, 8)).astype(np.float32), rng.integers(0, 3, 10)
    (tx, lx), (ty, ly) = _pair(x, dev), _pair(y, dev)

    def step(model, opt, lib, x, y):
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    lstep = torchlike.compile(step) if compiled else step
    for _ in range(3):
        t_loss = step(tm, topt, torch, tx, ty)
        l_loss = lstep(lm, lopt, torchlike, lx, ly)
        assert l_loss.device.type == dev
        _close(l_loss, t_loss, 1e-5, 1e-6)
    for (name, tp), lp in zip(tm.named_parameters(), lm.parameters()):
        assert lp.device.type == dev and lp.grad.device.type == dev, name
        _close(lp, tp, 1e-5, 1e-6)
    state = lopt.state_dict()["state"][0]["momentum_buffer"]
    assert state.device.type == dev


@pytest.mark.parametrize("dev", DEVICES)
def test_autocast_dtypes_on_device(dev, strict_devices):
    low = torch.float16 if dev == "cuda" else torch.bfloat16  # autocast's default low dtype per device type
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 8)).astype(np.float32)
    w = rng.standard_normal((5, 8)).astype(np.float32)
    (tx, lx), (tw, lw) = _pair(x, dev), _pair(w, dev)
    with torchlike.autocast(dev):
        out = torchlike.nn.functional.linear(lx, lw)
        soft = torchlike.softmax(out, 1)
    assert out.dtype == getattr(torchlike, str(low).removeprefix("torch."))
    if dev == "cuda":
        assert soft.dtype == torchlike.float32  # softmax is on CUDA autocast's float32 list
    assert out.device.type == dev
    if _torch_device(dev) == dev:  # PyTorch on the same device type: the same values
        with torch.autocast(dev):
            t_out = torch.nn.functional.linear(tx, tw)
            t_soft = torch.softmax(t_out, 1)
        _close(out, t_out, 1e-2, 1e-2)
        _close(soft, t_soft, 1e-2, 1e-2)


@pytest.mark.parametrize("dev", DEVICES)
def test_save_and_load_across_devices(dev):
    m = _mlp(torchlike).to(dev)
    buf = io.BytesIO()
    torchlike.save(m.state_dict(), buf)
    buf.seek(0)
    on_cpu = torchlike.load(buf, map_location="cpu")
    assert all(v.device.type == "cpu" for v in on_cpu.values())
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(on_cpu[k].numpy(), v.cpu().numpy())
    buf.seek(0)
    back = torchlike.load(buf, map_location=dev)
    assert all(v.device.type == dev for v in back.values())
    # real PyTorch reads the file, onto its CPU
    buf.seek(0)
    theirs = torch.load(buf, map_location="cpu")
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(theirs[k].numpy(), v.cpu().numpy())


def test_cuda_namespace_reports_devices():
    assert torchlike.cuda.is_available() == ("cuda" in DEVICES)
    assert torchlike.cuda.device_count() == len(torchlike._device.gpu_devices())
    if "cuda" not in DEVICES:  # as a PyTorch built without CUDA
        with pytest.raises(AssertionError, match="not compiled with CUDA"):
            torchlike.ones(1, device="cuda")
        return
    before = torchlike.cuda.memory_allocated()
    x = torchlike.ones(1024, 1024, device="cuda")
    x.cpu()  # materialised
    assert torchlike.cuda.memory_allocated() >= before + 4 * 1024 * 1024
    torchlike.cuda.synchronize()
    assert isinstance(torchlike.cuda.get_device_name(0), str)


@pytest.mark.parametrize("dev", DEVICES)
def test_float32_matmul_precision(dev):
    """PyTorch's float32 products are full float32 by default; 'high' allows TF32 on a GPU."""
    assert torchlike.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((256, 256)), rng.standard_normal((256, 256))
    exact = a @ b
    got = (torchlike.tensor(a, dtype=torchlike.float32, device=dev)
           @ torchlike.tensor(b, dtype=torchlike.float32, device=dev)).cpu().double().numpy()
    assert np.abs(got - exact).max() / np.abs(exact).max() < 1e-5
    try:
        for level in ("high", "medium", "highest"):
            torchlike.set_float32_matmul_precision(level)
            torch.set_float32_matmul_precision(level)
            assert torchlike.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == level
        with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
            torchlike.set_float32_matmul_precision("low")
        assert torchlike.get_float32_matmul_precision() == "highest"
    finally:
        torchlike.set_float32_matmul_precision("highest")
        torch.set_float32_matmul_precision("highest")


def _copy_weights(tm, lm):
    lm.load_state_dict({k: torchlike.tensor(v.detach().cpu().numpy()) for k, v in tm.state_dict().items()})


@pytest.mark.parametrize("dev", DEVICES)
@pytest.mark.parametrize("kind", ["lstm", "transformer"])
def test_sequence_models_values_and_grads(dev, kind, strict_devices):
    torch.manual_seed(0)
    if kind == "lstm":
        build = lambda L: L.nn.LSTM(6, 8, num_layers=2, batch_first=True, bidirectional=True)  # noqa: E731
    else:
        build = lambda L: L.nn.TransformerEncoderLayer(6, 2, dim_feedforward=16, dropout=0.0, batch_first=True)  # noqa: E731
    tm, lm = build(torch), build(torchlike)
    _copy_weights(tm, lm)
    tm.to(_torch_device(dev))
    lm.to(dev)
    x = np.random.default_rng(5).standard_normal((3, 7, 6)).astype(np.float32)
    tx, lx = _pair(x, dev, True)
    with _exact_cudnn():
        t_out = tm(tx)
        t_out = t_out[0] if kind == "lstm" else t_out
        t_out.square().sum().backward()
    l_out = lm(lx)
    l_out = l_out[0] if kind == "lstm" else l_out
    assert l_out.device.type == dev
    _close(l_out, t_out, 1e-4, 1e-5)
    l_out.square().sum().backward()
    _close(lx.grad, tx.grad, 1e-4, 1e-4)
    for (name, tp), lp in zip(tm.named_parameters(), lm.parameters()):
        assert lp.grad.device.type == dev
        _close(lp.grad, tp.grad, 1e-4, 1e-4)


@pytest.mark.parametrize("dev", DEVICES)
def test_grad_scaler_step_on_device(dev, strict_devices):
    """A GradScaler step on `dev`: scaling, unscaling and the skipped step on an inf gradient."""
    m = torchlike.nn.Linear(4, 2).to(dev)
    opt = torchlike.optim.SGD(m.parameters(), lr=0.1)
    scaler = torchlike.amp.GradScaler(dev, init_scale=1024.0)
    before = m.weight.detach().cpu().numpy().copy()
    x = torchlike.ones(3, 4, device=dev)
    loss = m(x).sum()
    scaler.scale(loss).backward()
    np.testing.assert_allclose(m.weight.grad.cpu().numpy(), np.full((2, 4), 3 * 1024.0), rtol=1e-6)
    scaler.step(opt)
    scaler.update()
    np.testing.assert_allclose(m.weight.detach().cpu().numpy(), before - 0.1 * 3.0, rtol=1e-6)
    opt.zero_grad()
    (m(x).sum() * float("inf")).backward()
    after = m.weight.detach().cpu().numpy().copy()
    scaler.step(opt)  # skipped: the gradient is not finite
    scaler.update()
    np.testing.assert_array_equal(m.weight.detach().cpu().numpy(), after)
    assert scaler.get_scale() == 512.0


@pytest.mark.parametrize("dev", DEVICES)
def test_dropout_masks_drawn_on_device(dev, strict_devices):
    x = torchlike.ones(4, 3, 8, 8, device=dev)
    for f in (lambda t: torchlike.nn.functional.dropout(t, 0.5), lambda t: torchlike.nn.functional.dropout2d(t, 0.5),
              lambda t: torchlike.nn.functional.alpha_dropout(t, 0.5, True)):
        out = f(x)
        assert out.device.type == dev
        kept = out.cpu().numpy()
        assert ((kept == 0) | (kept == 2) | (np.abs(kept) > 0)).all()
    out = torchlike.nn.functional.dropout(x, 0.5).cpu().numpy()
    assert set(np.unique(out)) <= {0.0, 2.0} and 0.3 < (out == 0).mean() < 0.7


def test_default_device():
    assert torchlike.get_default_device() == torchlike.device("cpu")
    assert str(torchlike.get_default_device()) == str(torch.get_default_device())
    with torchlike.device("cpu") as d:
        assert torchlike.zeros(2).device == d == torchlike.get_default_device()
    torchlike.set_default_device(None)
    torchlike.set_default_device("cpu")
    for other in ("cuda", "meta"):  # a known difference: PyTorch places factory results there
        with pytest.raises(NotImplementedError, match="default device other than the CPU"):
            torchlike.set_default_device(other)
        with pytest.raises(NotImplementedError, match="default device other than the CPU"):
            with torchlike.device(other):
                pass
    assert torchlike.get_default_device() == torchlike.device("cpu")
