"""torch.amp: autocast regions (state, nesting, decorator, op policies, the parameter cast cache,
compiled steps, custom Functions) and GradScaler (scale arithmetic, skipped steps, state)."""
import pickle
import warnings

import ml_dtypes
import numpy as np
import pytest

import torchlike as torch
import torchlike.nn.functional as F
from torchlike import _state
from torchlike.amp import autocast_mode

rng = np.random.default_rng(0)
XA = rng.standard_normal((4, 8)).astype(np.float32)
WA = rng.standard_normal((5, 8)).astype(np.float32)


def _bf16(a):
    """a rounded to bfloat16 and back (what autocast's cast does to an input)."""
    return np.asarray(a, np.float32).astype(ml_dtypes.bfloat16).astype(np.float32)


# ----- state -----
def test_region_installs_and_removes_the_hook():
    assert _state.current("autocast") is None and not torch.is_autocast_enabled("cpu")
    with torch.autocast("cpu") as region:
        assert _state.current("autocast") is not None
        assert torch.is_autocast_enabled("cpu") and not torch.is_autocast_enabled()
        assert torch.get_autocast_dtype("cpu") is torch.bfloat16 and region.fast_dtype is torch.bfloat16
    assert _state.current("autocast") is None and not torch.is_autocast_enabled("cpu")


def test_state_is_restored_after_an_exception():
    with pytest.raises(ValueError), torch.autocast("cpu", dtype=torch.float16):
        raise ValueError("inside")
    assert not torch.is_autocast_enabled("cpu") and torch.get_autocast_dtype("cpu") is torch.bfloat16
    assert _state.current("autocast") is None and autocast_mode._st.nesting == 0


def test_a_region_casts_only_in_its_own_thread():
    """Autocast state is per thread, as PyTorch's: another thread's matmul stays float32."""
    import threading
    x, w = torch.tensor(XA), torch.tensor(WA)
    seen = {}
    with torch.autocast("cpu"):
        t = threading.Thread(target=lambda: seen.update(dtype=torch.mm(x, w.T).dtype,
                                                        enabled=torch.is_autocast_enabled("cpu")))
        t.start()
        t.join()
        assert torch.mm(x, w.T).dtype is torch.bfloat16
    assert seen == {"dtype": torch.float32, "enabled": False}


def test_nesting_and_enabled_false():
    x, w = torch.tensor(XA), torch.tensor(WA)
    with torch.autocast("cpu"):
        assert torch.mm(x, w.T).dtype is torch.bfloat16
        with torch.autocast("cpu", enabled=False):
            assert torch.mm(x, w.T).dtype is torch.float32 and not torch.is_autocast_enabled("cpu")
            assert _state.current("autocast") is None
        with torch.autocast("cpu", dtype=torch.float16):
            assert torch.mm(x, w.T).dtype is torch.float16
        assert torch.mm(x, w.T).dtype is torch.bfloat16 and torch.get_autocast_dtype("cpu") is torch.bfloat16
    assert torch.mm(x, w.T).dtype is torch.float32


def test_decorator_and_recursion():
    region = torch.autocast("cpu")

    @region
    def depth(n, x):
        inner = depth(n - 1, x) if n else None
        return torch.mm(x, x.T).dtype, torch.is_autocast_enabled("cpu"), inner
    dtype, on, inner = depth(2, torch.tensor(XA))
    assert dtype is torch.bfloat16 and on and inner[0] is torch.bfloat16 and inner[2][1]
    assert not torch.is_autocast_enabled("cpu") and depth.__name__ == "depth"


def test_deprecated_spellings_warn():
    with pytest.warns(DeprecationWarning, match=r"torch.get_autocast_dtype\('cpu'\)"):
        assert torch.get_autocast_cpu_dtype() is torch.bfloat16
    with pytest.warns(DeprecationWarning, match="is_autocast_enabled"):
        assert torch.is_autocast_cpu_enabled() is False
    with pytest.warns(FutureWarning, match=r"torch.amp.autocast\('cuda', args...\)"):
        torch.cuda.amp.autocast(enabled=False)


def test_bad_arguments():
    with pytest.raises(RuntimeError, match="device type at start of device string: tpu"):
        torch.autocast("tpu")
    with pytest.raises(ValueError, match="of type `str`"):
        torch.autocast(0)
    with pytest.raises(TypeError, match="requires a callable"):
        torch.autocast("cpu")(None)
    with pytest.warns(UserWarning, match="CPU Autocast only supports dtypes of torch.bfloat16, torch.float16"):
        assert torch.autocast("cpu", dtype=torch.float64)._enabled is False


# ----- op policies -----
def test_linear_runs_on_bfloat16_inputs():
    x, w = torch.tensor(XA), torch.tensor(WA)
    with torch.autocast("cpu"):
        y = F.linear(x, w)
    assert y.dtype is torch.bfloat16
    expected = _bf16(_bf16(XA) @ _bf16(WA).T)
    np.testing.assert_allclose(y.float().numpy(), expected, rtol=1e-2, atol=1e-2)


def test_fp32_ops_widen_lower_precision_inputs():
    x = torch.tensor(XA).bfloat16()
    y = torch.tensor(rng.integers(0, 8, 4))
    with torch.autocast("cpu"):
        assert F.cross_entropy(x, y).dtype is torch.float32
        assert F.mse_loss(x, torch.zeros(4, 8)).dtype is torch.float32
        assert torch.softmax(x, 1).dtype is torch.bfloat16  # not listed on CPU
        assert torch.cat([x, torch.zeros(1, 8)]).dtype is torch.float32  # promote
        assert torch.mm(x.double(), x.double().T).dtype is torch.float64  # float64 is not eligible


def test_cuda_policies(monkeypatch):
    """The CUDA lists, with every tensor taken to be on the GPU."""
    monkeypatch.setattr(autocast_mode, "_op_device", lambda op, vals: "cuda")
    monkeypatch.setattr(autocast_mode, "cuda_available", lambda: True)
    x = torch.tensor(XA)
    with torch.autocast("cuda"):
        assert torch.mm(x, x.T).dtype is torch.float16
        assert torch.softmax(x.half(), 1).dtype is torch.float32  # dtype=float32 given to the op
        assert torch.softmax(x, 1, dtype=torch.float64).dtype is torch.float64  # an explicit dtype is kept
        assert x.half().sum().dtype is torch.float32 and torch.exp(x.half()).dtype is torch.float32
        assert F.layer_norm(x.half(), (8,)).dtype is torch.float32
        assert torch.addcmul(x.half(), x, x.half()).dtype is torch.float32  # promote
        with pytest.raises(RuntimeError, match="unsafe to autocast"):
            F.binary_cross_entropy(torch.sigmoid(x), torch.zeros(4, 8))
    assert _state.current("autocast") is None


def test_gradients_reach_float32_parameters_through_one_cached_cast():
    w = torch.tensor(WA, requires_grad=True)
    x = torch.tensor(XA)
    with torch.autocast("cpu"):
        y = F.linear(x, w) + F.linear(x * 2, w)  # w cast once, used twice
        assert len(autocast_mode._st.cache) == 1
    assert not autocast_mode._st.cache
    y.float().sum().backward()
    assert w.grad.dtype is torch.float32
    expected = np.tile(_bf16(XA).sum(0) + _bf16(2 * XA).sum(0), (5, 1))
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-2, atol=1e-2)


def test_cache_follows_in_place_updates():
    w = torch.tensor(WA, requires_grad=True)
    x = torch.tensor(XA)
    with torch.autocast("cpu"):
        before = F.linear(x, w)
        with torch.no_grad():
            w.mul_(0.0)
        after = F.linear(x, w)
    assert before.abs().sum().item() > 0 and after.abs().sum().item() == 0


def test_cache_disabled():
    w = torch.tensor(WA, requires_grad=True)
    with torch.autocast("cpu", cache_enabled=False):
        F.linear(torch.tensor(XA), w)
        assert not autocast_mode._st.cache and not torch.is_autocast_cache_enabled()
    assert torch.is_autocast_cache_enabled()


def test_region_inside_a_compiled_function():
    w = torch.tensor(WA, requires_grad=True)
    x = torch.tensor(XA)

    def forward(x):
        with torch.autocast("cpu"):
            return torch.relu(F.linear(x, w)).sum()
    eager = forward(x)
    compiled = torch.compile(forward)
    outs = [compiled(x) for _ in range(3)]
    assert all(o.dtype is torch.bfloat16 for o in outs) and eager.dtype is torch.bfloat16
    np.testing.assert_allclose(outs[-1].float().item(), eager.float().item(), rtol=1e-2)
    assert _state.current("autocast") is None


def _train(compiled: bool):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    x, y = torch.tensor(XA), torch.tensor(np.array([0, 1, 2, 1]))

    def step(x, y):
        opt.zero_grad()
        with torch.autocast("cpu"):
            loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss
    run = torch.compile(step) if compiled else step
    losses = [run(x, y).item() for _ in range(4)]
    return losses, [p.detach().numpy() for p in net.parameters()], [p.grad.dtype for p in net.parameters()]


def test_compiled_training_step_with_autocast_matches_eager():
    (le, pe, ge), (lc, pc, gc) = _train(False), _train(True)
    assert all(d is torch.float32 for d in ge + gc)
    np.testing.assert_allclose(lc, le, rtol=1e-2, atol=1e-3)
    assert lc[-1] < lc[0]
    for a, b in zip(pe, pc):
        np.testing.assert_allclose(b, a, rtol=1e-2, atol=1e-3)


class _Scale2(torch.autograd.Function):
    @staticmethod
    @torch.amp.custom_fwd(device_type="cpu", cast_inputs=torch.float32)
    def forward(ctx, x):
        ctx.seen = (x.dtype, torch.is_autocast_enabled("cpu"))
        return x * 2

    @staticmethod
    @torch.amp.custom_bwd(device_type="cpu")
    def backward(ctx, g):
        ctx.bwd_enabled = torch.is_autocast_enabled("cpu")
        return g * 2


def test_custom_fwd_casts_inputs_and_turns_autocast_off():
    x = torch.tensor(XA).bfloat16().requires_grad_()
    with torch.autocast("cpu"):
        y = _Scale2.apply(x)
    assert y.dtype is torch.float32 and y.grad_fn.ctx.seen == (torch.float32, False)
    y.sum().backward()
    assert not y.grad_fn.ctx.bwd_enabled
    np.testing.assert_array_equal(x.grad.float().numpy(), np.full((4, 8), 2.0, np.float32))


# ----- GradScaler -----
def _one_param():
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    return w, torch.optim.SGD([w], lr=0.5)


def test_scaler_scales_unscales_and_steps():
    w, opt = _one_param()
    scaler = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    scaled = scaler.scale((w * w).sum())
    assert scaled.item() == 8.0 * 14.0
    scaled.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [16.0, -32.0, 48.0])
    scaler.unscale_(opt)
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, -4.0, 6.0])
    scaler.step(opt)
    np.testing.assert_array_equal(w.detach().numpy(), [0.0, 0.0, 0.0])
    scaler.update()
    assert scaler.get_scale() == 8.0 and scaler.state_dict()["_growth_tracker"] == 1


def test_scaler_skips_inf_steps_and_backs_off():
    w, opt = _one_param()
    scaler = torch.amp.GradScaler("cpu", init_scale=64.0, backoff_factor=0.25, growth_interval=3)
    scales = []
    for i in range(8):
        opt.zero_grad()
        bad = float("nan") if i == 2 else float("inf") if i == 6 else 1.0
        scaler.scale((w * w).sum() * bad).backward()
        before = w.detach().numpy().copy()
        scaler.step(opt)
        if bad != 1.0:
            np.testing.assert_array_equal(w.detach().numpy(), before)
        scaler.update()
        scales.append(scaler.get_scale())
    assert scales == [64.0, 64.0, 16.0, 16.0, 16.0, 32.0, 8.0, 8.0]


def test_scaler_new_scale_and_errors():
    w, opt = _one_param()
    scaler = torch.amp.GradScaler("cpu")
    with pytest.raises(AssertionError, match="did not use scaler.scale"):
        scaler.step(opt)
    scaler.scale(w.sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="already been called on this optimizer"):
        scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update(new_scale=3.0)
    assert scaler.get_scale() == 3.0
    scaler.update(torch.tensor(5.0))
    assert scaler.get_scale() == 5.0
    with pytest.raises(RuntimeError):  # copied into the 0-d scale: a 1-d tensor does not fit (PyTorch)
        scaler.update(torch.tensor([6.0]))
    assert scaler.get_scale() == 5.0
    with pytest.raises(AssertionError, match="new_scale should be a float"):
        scaler.update(torch.tensor([1.0, 2.0]))


def test_scaler_state_dict_and_pickle():
    w, opt = _one_param()
    scaler = torch.amp.GradScaler("cpu", init_scale=32.0, growth_interval=5)
    scaler.scale(w.sum()).backward()
    with pytest.raises(AssertionError, match="may only be pickled"):
        pickle.dumps((scaler.step(opt), scaler)[1])
    scaler.update()
    state = scaler.state_dict()
    assert state == {"scale": 32.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 5,
                     "_growth_tracker": 1}
    clone = pickle.loads(pickle.dumps(scaler))
    assert clone.state_dict() == state
    other = torch.amp.GradScaler("cpu")
    other.load_state_dict(state)
    assert other.state_dict() == state


def test_disabled_scaler_and_cuda_without_gpu():
    w, opt = _one_param()
    off = torch.amp.GradScaler("cpu", enabled=False)
    loss = w.sum()
    assert off.scale(loss) is loss and off.get_scale() == 1.0 and off.state_dict() == {}
    loss.backward()
    off.step(opt)
    np.testing.assert_array_equal(w.detach().numpy(), [0.5, -2.5, 2.5])
    if not torch.cuda.is_available():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert not torch.cuda.amp.GradScaler().is_enabled()
        assert {c.category for c in caught} == {FutureWarning, UserWarning}
