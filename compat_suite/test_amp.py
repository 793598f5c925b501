"""Mixed precision against real PyTorch: CPU autocast (bfloat16) output dtypes, values and input
gradients per operator; a small MLP's forward and backward; nesting, enabled=False, the decorator;
GradScaler's scale sequence over finite and inf steps, skipped steps, growth, state_dict."""
import warnings

import numpy as np
import pytest

from .harness import assert_close, check, check_error, randint, randn, torch, torchlike

# Outputs and gradients pass through bfloat16: ATen and XLA may round an accumulation differently
# by an ulp of bfloat16, so float32 results downstream of one are compared at bfloat16 tolerance.
BF16 = (2e-2, 2e-2)


def _autocast(fn):
    def run(t, *args):
        with t.autocast("cpu"):
            return fn(t, *args)
    return run


def _F(t):
    return t.nn.functional


X, W, B = randn(4, 8), randn(5, 8, seed=1), randn(5, seed=2)
Y = randint(0, 5, 4)
CASES = [
    ("linear", lambda t, x, w, b: _F(t).linear(x, w, b), (X, W, B)),
    ("conv2d", lambda t, x, w, b: _F(t).conv2d(x, w, b, padding=1), (randn(2, 3, 6, 6), randn(4, 3, 3, 3), randn(4))),
    ("conv1d", lambda t, x, w: _F(t).conv1d(x, w), (randn(2, 3, 7), randn(4, 3, 3))),
    ("matmul", lambda t, x, w: t.matmul(x, w.T), (X, W)),
    ("matmul @ 3-D", lambda t, x, w: x @ w, (randn(2, 3, 4), randn(4, 5))),
    ("mm", lambda t, x, w: t.mm(x, w.T), (X, W)),
    ("bmm", lambda t, x, y: t.bmm(x, y), (randn(2, 3, 4), randn(2, 4, 5))),
    ("addmm", lambda t, b, x, w: t.addmm(b, x, w.T), (B, X, W)),
    ("baddbmm", lambda t, b, x, y: t.baddbmm(b, x, y), (randn(3, 5), randn(2, 3, 4), randn(2, 4, 5))),
    ("einsum contraction", lambda t, x, w: t.einsum("ij,kj->ik", x, w), (X, W)),
    ("einsum transpose", lambda t, x: t.einsum("ij->ji", x), (X,)),
    ("einsum outer", lambda t, x, y: t.einsum("i,j->ij", x, y), (randn(3), randn(4))),
    ("prelu", lambda t, x, a: _F(t).prelu(x, a), (randn(3, 4), randn(4))),
    ("sdpa", lambda t, q, k, v: _F(t).scaled_dot_product_attention(q, k, v),
     (randn(2, 3, 4), randn(2, 5, 4, seed=1), randn(2, 5, 4, seed=2))),
    ("softmax", lambda t, x: t.softmax(x, 1), (X,)),
    ("log_softmax", lambda t, x: _F(t).log_softmax(x, 1), (X,)),
    ("relu", lambda t, x: t.relu(x), (X,)),
    ("sum", lambda t, x: x.sum(), (X,)),
    ("layer_norm", lambda t, x, w, b: _F(t).layer_norm(x, (8,), w, b), (X, randn(8), randn(8, seed=3))),
    ("cross_entropy", lambda t, x, y: _F(t).cross_entropy(x, y), (randn(4, 5), Y)),
    ("mse_loss", lambda t, x, y: _F(t).mse_loss(x, y), (X, randn(4, 8, seed=5))),
    ("nll_loss", lambda t, x, y: _F(t).nll_loss(x, y), (randn(4, 5), Y)),
    ("l1_loss", lambda t, x, y: _F(t).l1_loss(x, y), (X, randn(4, 8, seed=5))),
    ("bce_with_logits", lambda t, x, y: _F(t).binary_cross_entropy_with_logits(x, y), (X, (randn(4, 8, seed=5) > 0).astype(np.float32))),
    ("prod", lambda t, x: t.prod(x, 1), (randn(3, 4),)),
    # chains: a lower-precision output feeding the next op
    ("linear -> softmax", lambda t, x, w, b: t.softmax(_F(t).linear(x, w, b), -1), (X, W, B)),
    ("linear -> relu -> sum", lambda t, x, w, b: t.relu(_F(t).linear(x, w, b)).sum(), (X, W, B)),
    ("linear -> cross_entropy", lambda t, x, w, b, y: _F(t).cross_entropy(_F(t).linear(x, w, b), y), (X, W, B, Y)),
    ("linear -> log_softmax -> nll", lambda t, x, w, y: _F(t).nll_loss(_F(t).log_softmax(x @ w.T, 1), y), (X, W, Y)),
    ("linear -> layer_norm", lambda t, x, w: _F(t).layer_norm(_F(t).linear(x, w), (5,)), (X, W)),
    ("linear -> mse vs float32", lambda t, x, w, y: _F(t).mse_loss(_F(t).linear(x, w), y), (X, W, randn(4, 5))),
    ("conv -> batch_norm", lambda t, x, w: _F(t).batch_norm(_F(t).conv2d(x, w), t.zeros(4), t.ones(4), training=True),
     (randn(2, 3, 5, 5), randn(4, 3, 3, 3))),
    # promote: the widest floating input
    ("cat bfloat16 + float32", lambda t, x, w: t.cat([x @ w.T, x[:, :5]]), (X, W)),
    ("stack bfloat16 + bfloat16", lambda t, x, w: t.stack([x @ w.T, x @ w.T]), (X, W)),
    ("index_copy", lambda t, x, w: t.zeros(6, 5).index_copy(0, t.tensor([0, 2, 3, 5]), x @ w.T), (X, W)),
    # not eligible: float64 and integer inputs, out=
    ("float64 mm", lambda t, x: t.mm(x, x.T), (randn(3, 4, dtype=np.float64),)),
    ("int mm", lambda t, x: t.mm(x, x.T), (randint(0, 5, 3, 4),)),
    ("mm out=", lambda t, x, w: t.mm(x, w.T, out=t.empty(4, 5)), (X, W)),
]


@pytest.mark.parametrize("name,fn,inputs", CASES, ids=[c[0] for c in CASES])
def test_autocast_cpu_op(name, fn, inputs):
    grad = name != "mm out="  # out= refuses inputs that require grad, in both
    check(_autocast(fn), *inputs, area="amp", name=name, tol=BF16, grad=grad)


def _copy_weights(src, dst):
    dst.load_state_dict({k: torchlike.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})


def test_mlp_forward_backward_under_autocast():
    torch.manual_seed(0)
    nets = [torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))]
    nets.append(torchlike.nn.Sequential(torchlike.nn.Linear(8, 16), torchlike.nn.ReLU(), torchlike.nn.Linear(16, 4)))
    _copy_weights(nets[0], nets[1])
    results = []
    for t, net in zip((torch, torchlike), nets):
        x, y = t.tensor(randn(6, 8)), t.tensor(randint(0, 4, 6))
        with t.autocast("cpu"):
            out = net(x)
            loss = t.nn.functional.cross_entropy(out, y)
        loss.backward()
        results.append((out, loss, [p.grad for p in net.parameters()]))
    (out_t, loss_t, grads_t), (out_l, loss_l, grads_l) = results
    assert str(out_l.dtype) == "torch.bfloat16" and str(loss_l.dtype) == "torch.float32"
    assert_close(out_t, out_l, "mlp", "output", BF16)
    assert_close(loss_t, loss_l, "mlp", "loss", BF16)
    for i, (a, b) in enumerate(zip(grads_t, grads_l)):
        assert str(b.dtype) == "torch.float32"
        assert_close(a, b, "mlp", f"grad of parameter {i}", BF16)


def _nesting(t, x, w):
    out = []
    with t.autocast("cpu"):
        out.append(t.mm(x, w.T))
        with t.autocast("cpu", enabled=False):
            out += [t.mm(x, w.T), t.is_autocast_enabled("cpu")]
        out.append(t.is_autocast_enabled("cpu"))
        # PyTorch's cache of cast parameters ignores the dtype: a float16 region nested in a bfloat16
        # one must not use it, or it mixes the two.
        with t.autocast("cpu", dtype=t.float16, cache_enabled=False):
            out += [t.mm(x, w.T), str(t.get_autocast_dtype("cpu"))]
        out += [str(t.get_autocast_dtype("cpu")), t.mm(x, w.T)]
    out += [t.is_autocast_enabled("cpu"), t.mm(x, w.T)]
    return out


def _decorated(t, x, w):
    @t.autocast("cpu")
    def inside(a, b):
        return t.mm(a, b.T), t.is_autocast_enabled("cpu")

    @t.amp.autocast(device_type="cpu", enabled=False)
    def off(a, b):
        return t.mm(a, b.T), t.is_autocast_enabled("cpu")
    with t.autocast("cpu"):
        turned_off = off(x, w)
    return (*inside(x, w), t.is_autocast_enabled("cpu"), *turned_off)


def _state(t):
    before = (t.is_autocast_enabled("cpu"), t.is_autocast_enabled(), str(t.get_autocast_dtype("cpu")),
              str(t.get_autocast_dtype("cuda")))
    with t.autocast("cpu", dtype=t.float16, enabled=False):
        off = (t.is_autocast_enabled("cpu"), str(t.get_autocast_dtype("cpu")))
    return (*before, *off, str(t.get_autocast_dtype("cpu")), t.amp.is_autocast_available("cpu"))


@pytest.mark.parametrize("fn", [_nesting, _decorated])
def test_region_structure(fn):
    check(fn, X, W, area="amp", name=fn.__name__, tol=BF16)


def test_state_functions():
    check(_state, area="amp", name="state", grad=False)


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [(w.category.__name__, str(w.message)) for w in caught]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unsupported_cpu_dtype_warns_and_disables(dtype):
    def enter(t):
        with t.autocast("cpu", dtype=getattr(t, dtype)):
            return t.is_autocast_enabled("cpu")
    (on_t, w_t), (on_l, w_l) = (_warnings_of(lambda t=t: enter(t)) for t in (torch, torchlike))
    assert on_t is on_l is False
    assert w_t == w_l


def test_cuda_amp_aliases_warn_as_deprecated():
    def future(t):
        _, caught = _warnings_of(lambda: (t.cuda.amp.autocast(), t.cuda.amp.GradScaler()))
        return [m for c, m in caught if c == "FutureWarning"]
    assert future(torch) == future(torchlike)


@pytest.mark.parametrize("name,fn", [
    ("unknown device type", lambda t: t.autocast("foo")),
    ("device type not a str", lambda t: t.autocast(1)),
    ("decorating a non-callable", lambda t: t.autocast("cpu")(3)),
    ("dtype of an unknown device type", lambda t: t.get_autocast_dtype("bar")),
    ("promote float16 with bfloat16", lambda t: _autocast(lambda t: t.cat([t.ones(2, dtype=t.float16),
                                                                           t.ones(2, dtype=t.bfloat16)]))(t)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_autocast_errors(name, fn):
    check_error(fn, area="amp", name=name)


# ----- GradScaler -----
def _scaler_run(t, steps=9, inf_at=(4,), **kw):
    w = t.tensor(np.array([0.5, -1.0, 2.0], np.float32), requires_grad=True)
    x = t.tensor(np.array([1.5, 0.25, -3.0], np.float32))
    opt = t.optim.SGD([w], lr=0.1, momentum=0.9)
    scaler = t.amp.GradScaler("cpu", **kw)
    scales, params, trackers = [], [], []
    for i in range(steps):
        opt.zero_grad()
        loss = (w * x).sum() * (float("inf") if i in inf_at else 1.0)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
        trackers.append(scaler.state_dict()["_growth_tracker"])
        params.append(w.detach().clone())
    return scales, trackers, params, scaler


@pytest.mark.parametrize("kw", [{}, {"init_scale": 16.0, "growth_interval": 3},
                                {"init_scale": 4.0, "growth_factor": 3.0, "backoff_factor": 0.25, "growth_interval": 2}])
def test_grad_scaler_scale_sequence(kw):
    (s_t, tr_t, p_t, sc_t), (s_l, tr_l, p_l, sc_l) = (_scaler_run(t, **kw) for t in (torch, torchlike))
    assert s_l == s_t and tr_l == tr_t
    assert s_l[4] == s_l[3] * sc_l.get_backoff_factor()  # the inf step backs off by exactly backoff_factor
    assert np.array_equal(p_l[4].numpy(), p_l[3].numpy())  # ... and is skipped
    for i, (a, b) in enumerate(zip(p_t, p_l)):
        assert_close(a, b, "grad scaler", f"parameters after step {i}")
    assert sc_l.state_dict() == sc_t.state_dict()


def test_grad_scaler_grows_after_interval():
    s_t, _, _, _ = _scaler_run(torch, steps=7, inf_at=(), init_scale=8.0, growth_interval=2)
    s_l, _, _, _ = _scaler_run(torchlike, steps=7, inf_at=(), init_scale=8.0, growth_interval=2)
    assert s_l == s_t == [8.0, 16.0, 16.0, 32.0, 32.0, 64.0, 64.0]


def test_grad_scaler_unscale_and_load_state_dict():
    def run(t):
        w = t.tensor(np.array([0.5, -1.0, 2.0], np.float32), requires_grad=True)
        opt = t.optim.SGD([w], lr=0.1)
        scaler = t.amp.GradScaler("cpu", init_scale=1024.0)
        scaler.load_state_dict({"scale": 64.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 3,
                                "_growth_tracker": 2})
        scaled = scaler.scale((w ** 2).sum())
        scaled.backward()
        raw = w.grad.clone()
        scaler.unscale_(opt)
        unscaled = w.grad.clone()
        scaler.step(opt)
        scaler.update()
        return scaled, raw, unscaled, w.detach(), scaler.get_scale(), scaler.state_dict()["_growth_tracker"]
    check(run, area="amp", name="unscale_ and load_state_dict", grad=False)


def test_grad_scaler_scale_nested_and_dtypes():
    def run(t):
        scaler = t.amp.GradScaler("cpu", init_scale=8.0)
        a, b = t.tensor([1.0, 2.0]), t.tensor(3.0, dtype=t.bfloat16)
        nested = scaler.scale([a, (b, a)])
        return (type(nested).__name__, type(nested[1]).__name__, *nested[:1], *nested[1],
                scaler.scale(t.ones(2, dtype=t.bfloat16)))
    check(run, area="amp", name="scale nested", grad=False)


def test_grad_scaler_update_to_a_given_scale():
    def run(t):
        scaler = t.amp.GradScaler("cpu", init_scale=8.0)
        scaler.scale(t.ones(1))
        scaler.update(t.tensor(0.1, dtype=t.float64))  # copied into the float32 scale
        first = scaler.get_scale()
        scaler.update(3.0)
        return t.tensor(first), t.tensor(scaler.get_scale()), scaler._get_scale_async()
    check(run, area="amp", name="update(new_scale)", grad=False)


def _update_to_1d_scale(t):
    scaler = t.amp.GradScaler("cpu")
    scaler.scale(t.ones(1))
    scaler.update(t.tensor([2.0]))


def test_grad_scaler_disabled_is_a_pass_through():
    def run(t):
        w = t.tensor([1.0, 2.0], requires_grad=True)
        opt = t.optim.SGD([w], lr=0.5)
        scaler = t.amp.GradScaler("cpu", enabled=False)
        loss = (w * w).sum()
        same = scaler.scale(loss) is loss
        loss.backward()
        scaler.step(opt)
        scaler.update()
        return same, scaler.is_enabled(), scaler.get_scale(), len(scaler.state_dict()), w.detach()
    check(run, area="amp", name="disabled scaler", grad=False)


def _stepped(t, then):
    w = t.tensor([1.0, 2.0], requires_grad=True)
    opt = t.optim.SGD([w], lr=0.5)
    scaler = t.amp.GradScaler("cpu")
    scaler.scale((w * w).sum()).backward()
    then(scaler, opt)


@pytest.mark.parametrize("name,fn", [
    ("unscale_ twice", lambda t: _stepped(t, lambda s, o: (s.unscale_(o), s.unscale_(o)))),
    ("unscale_ after step", lambda t: _stepped(t, lambda s, o: (s.step(o), s.unscale_(o)))),
    ("step twice", lambda t: _stepped(t, lambda s, o: (s.step(o), s.step(o)))),
    ("closure", lambda t: _stepped(t, lambda s, o: s.step(o, closure=lambda: 0))),
    ("update before scale", lambda t: t.amp.GradScaler("cpu").update()),
    ("empty state dict", lambda t: t.amp.GradScaler("cpu").load_state_dict({})),
    ("growth factor", lambda t: t.amp.GradScaler("cpu", growth_factor=1.0)),
    ("backoff factor", lambda t: t.amp.GradScaler("cpu", backoff_factor=1.5)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_grad_scaler_errors(name, fn):
    check_error(fn, area="amp", name=name)


def test_update_to_a_1d_scale_fails_as_in_pytorch():
    """PyTorch copies new_scale into the 0-d scale: a one-element 1-d tensor does not broadcast."""
    check_error(_update_to_1d_scale, area="amp", name="update(1-d new_scale)", same_message=False)
