"""Deferred eager ops (torchlike/_engine/lazy.py): same values, errors, aliasing and metadata as
running every op at once."""
import threading

import numpy as np
import pytest

import torchlike as torch
from torchlike._engine import lazy
from torchlike._tensor import LazyStorage


def _pending(t) -> bool:
    return type(t._storage) is LazyStorage


def _warm(fn, times=2):
    """Run a form eagerly until the fast path has learned its output shape."""
    for _ in range(times):
        fn()


def test_a_repeated_form_is_deferred_and_reads_back_the_same_values():
    x = torch.arange(12.0).reshape(3, 4)
    _warm(lambda: x * 2 + 1)
    y = x * 2 + 1
    assert _pending(y)
    assert y.shape == (3, 4) and y.dtype == torch.float32 and y.ndim == 2 and y.numel() == 12
    assert y.device.type == "cpu"
    assert _pending(y), "metadata must not run the op"
    np.testing.assert_array_equal(y.numpy(), np.arange(12.0).reshape(3, 4) * 2 + 1)
    assert not _pending(y)


def test_results_read_at_once_stop_being_deferred_and_stay_right():
    x = torch.arange(4.0)
    _warm(lambda: x + x)
    deferred = 0
    for i in range(200):
        y = x + x
        deferred += _pending(y)
        np.testing.assert_array_equal(y.numpy(), np.arange(4.0) * 2)
    assert 0 < deferred < 20, deferred


def test_a_form_backing_off_still_joins_a_pending_input():
    x = torch.ones(8)
    _warm(lambda: (x + x, x * 0.5))
    for _ in range(10):  # both forms read at once: both back off
        (x + x).numpy()
        (x * 0.5).numpy()
    y = x
    for _ in range(200):  # a chain of the two still ends up deferred
        y = y * 0.5 + x
    assert _pending(y)
    np.testing.assert_allclose(y.numpy(), np.full(8, 2.0), rtol=1e-6)


def test_long_chain_matches_eager_bit_for_bit_and_compiles_one_program():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((8, 8)).astype(np.float32)

    def chain():
        x, w = torch.tensor(a), torch.tensor(a * 0.1)
        y = x
        for i in range(300):
            y = (y @ w).tanh() + x if i % 3 else y * 0.5 - w
        return y.numpy()

    lazy.enabled = False
    try:
        expected = chain()
    finally:
        lazy.enabled = True
    before = len(lazy._programs)
    for _ in range(20):
        np.testing.assert_allclose(chain(), expected, rtol=1e-6, atol=1e-6)
    assert len(lazy._programs) > before, "a repeated trace should run as one compiled program"


def test_intermediates_still_held_get_their_values():
    x = torch.ones(4)
    _warm(lambda: (x + 1) * 3)
    for _ in range(3):  # eager the first time, then fused
        a = x + 1
        b = a * 3
        c = b - a
        np.testing.assert_array_equal(c.numpy(), np.full(4, 4.0))
        np.testing.assert_array_equal(a.numpy(), np.full(4, 2.0))
        np.testing.assert_array_equal(b.numpy(), np.full(4, 6.0))


def test_errors_are_raised_by_the_call_not_the_read():
    x, y = torch.ones(3), torch.ones(3)
    _warm(lambda: x + y)
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        x + torch.ones(4)
    z = x + y
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        z + torch.ones(5)


def test_in_place_write_into_a_pending_tensor_and_its_versions():
    x = torch.zeros(3)
    _warm(lambda: x + 1)
    y = x + 1
    assert y._version == 0
    y.add_(5)
    assert y._version == 1
    np.testing.assert_array_equal(y.numpy(), np.full(3, 6.0))


def test_an_input_written_in_place_after_the_call_does_not_change_the_result():
    x = torch.zeros(3)
    _warm(lambda: x + 1)
    y = x + 1
    x.add_(10)
    z = x + 1
    np.testing.assert_array_equal(y.numpy(), np.full(3, 1.0))
    np.testing.assert_array_equal(z.numpy(), np.full(3, 11.0))


def test_views_of_a_pending_tensor_alias_it():
    x = torch.zeros(2, 3)
    _warm(lambda: x + 1)
    y = x + 1
    row = y[0]
    row.fill_(7)
    np.testing.assert_array_equal(y.numpy(), [[7, 7, 7], [1, 1, 1]])
    y.mul_(2)
    np.testing.assert_array_equal(row.numpy(), [14, 14, 14])


def test_ops_that_need_gradients_are_deferred_with_their_graph_node():
    w = torch.ones(3, requires_grad=True)
    _warm(lambda: w * 2)
    y = w * 2
    assert _pending(y) and y.grad_fn.name() == "MulBackward0" and y.requires_grad
    with torch.no_grad():
        _warm(lambda: w * 2)
        z = w * 2
        assert _pending(z) and not z.requires_grad
    c = torch.ones(3)
    _warm(lambda: c * 3)
    k = c * 3
    _warm(lambda: (y * k).sum(), 3)
    loss = (y * k).sum()
    assert _pending(loss)
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.full(3, 6.0))
    assert loss.item() == 18.0


def _train(steps, deferred):
    """A small MLP trained with SGD; returns per-step losses, the final weights and an intermediate."""
    lazy.enabled = deferred
    try:
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x = torch.tensor(np.random.default_rng(0).standard_normal((5, 3, 4)).astype(np.float32))
        y = torch.tensor([0, 1, 2, 1, 0])
        losses, pending = [], []
        for _ in range(steps):
            opt.zero_grad()
            hidden = model[:3](x)  # held across backward: it must get its value
            loss = torch.nn.functional.cross_entropy(model[3](hidden), y)
            pending.append(_pending(loss))
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses, [p.detach().numpy() for p in model.parameters()], hidden.detach().numpy(), pending
    finally:
        lazy.enabled = True


def test_a_training_step_runs_forward_and_backward_as_one_program_with_eager_values():
    before = len(lazy._programs)
    losses, params, hidden, pending = _train(6, True)
    eager_losses, eager_params, eager_hidden, _ = _train(6, False)
    assert pending[-1], "the forward of a repeated step should be deferred"
    assert len(lazy._programs) > before, "forward and backward should have run as one compiled program"
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-6)
    for a, b in zip(params, eager_params):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hidden, eager_hidden, rtol=1e-6)


def test_deferred_graph_with_hooks_retain_grad_retain_graph_and_double_backward():
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    _warm(lambda: ((x * x).sin() * 3).sum(), 3)

    def forward():
        h = x * x
        return h, (h.sin() * 3).sum()

    h, out = forward()
    assert _pending(out)
    h.retain_grad()
    h.register_hook(lambda g: g * 2)
    out.backward(retain_graph=True)
    xs = np.array([0.5, -1.0, 2.0])
    hooked = 2 * 3 * np.cos(xs ** 2)  # (PyTorch: a retained grad is the one the hooks returned)
    np.testing.assert_allclose(h.grad.numpy(), hooked, rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), hooked * 2 * xs, rtol=1e-5)
    out.backward()  # the retained graph runs again: both gradients accumulate, as PyTorch's do
    np.testing.assert_allclose(h.grad.numpy(), 2 * hooked, rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), 2 * hooked * 2 * xs, rtol=1e-5)
    x.grad = None
    h, out = forward()
    (g,) = torch.autograd.grad(out, x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), 3 * np.cos(xs ** 2) * 2 * xs, rtol=1e-5)
    g.sum().backward()
    second = 3 * (-np.sin(xs ** 2) * 4 * xs ** 2 + 2 * np.cos(xs ** 2))
    np.testing.assert_allclose(x.grad.numpy(), second, rtol=1e-5)


def test_in_place_change_of_a_value_saved_by_a_deferred_node_raises_at_backward():
    w = torch.ones(3, requires_grad=True)
    _warm(lambda: (w * 2).sin().sum(), 3)
    a = w * 2
    b = a.sin().sum()
    assert _pending(a)
    a.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        b.backward()


def test_loss_read_before_backward_keeps_the_values_backward_needs():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(4):
        w.grad = None
        loss = (w.exp() * 2).sum()
        value = loss.item()  # runs the trace: exp's output must still be there for the backward
        loss.backward()
        np.testing.assert_allclose(w.grad.numpy(), 2 * np.exp([1.0, 2.0]), rtol=1e-6)
        np.testing.assert_allclose(value, 2 * np.exp([1.0, 2.0]).sum(), rtol=1e-6)


def test_views_are_deferred_and_alias_their_base():
    x = torch.arange(12.0)
    _warm(lambda: (x * 1).view(3, 4))
    y = x * 1
    v = y.view(3, 4)
    assert _pending(y) and v._cache.__class__ is lazy.Pending
    y.add_(1)  # the base changes: the view sees it
    np.testing.assert_array_equal(v.numpy(), np.arange(12.0).reshape(3, 4) + 1)
    _warm(lambda: x.view(4, 3))
    u = x.view(4, 3)
    assert u._cache.__class__ is lazy.Pending
    u[0].zero_()  # writing through the view changes the base
    np.testing.assert_array_equal(x.numpy()[:3], [0, 0, 0])
    np.testing.assert_array_equal(u.numpy()[1], [3, 4, 5])
    w = torch.ones(6, requires_grad=True)
    _warm(lambda: (w * 2).view(2, 3).sum(), 3)
    (w * 2).view(2, 3).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.full(6, 2.0))


def test_pending_tensor_read_inside_compile_and_func_transforms():
    x = torch.arange(3.0)
    _warm(lambda: x * 2)
    y = x * 2
    assert _pending(y)

    @torch.compile
    def step(v):
        return v + y

    np.testing.assert_array_equal(step(torch.ones(3)).numpy(), [1, 3, 5])
    np.testing.assert_array_equal(step(torch.ones(3)).numpy(), [1, 3, 5])
    u = x * 2
    g = torch.func.grad(lambda v: (v * u).sum())(torch.ones(3))
    np.testing.assert_array_equal(g.numpy(), [0, 2, 4])


def test_other_threads_run_eagerly_and_read_main_thread_values():
    x = torch.ones(5)
    _warm(lambda: x + 1)
    y = x + 1
    out = {}

    def worker():
        for _ in range(3):
            out["z"] = x * 3
        out["y"] = y.numpy()

    th = threading.Thread(target=worker)
    th.start()
    th.join()
    assert not _pending(out["z"])
    np.testing.assert_array_equal(out["y"], np.full(5, 2.0))
    np.testing.assert_array_equal(out["z"].numpy(), np.full(5, 3.0))


def test_dead_results_are_not_computed_and_nothing_leaks():
    x = torch.ones(16)
    _warm(lambda: x + 1)
    for _ in range(lazy.MAX_NODES * 3):
        x + 1
    assert len(lazy._trace.nodes) < lazy.MAX_NODES
    y = x + 2 if False else x + 1
    assert y.sum().item() == 32.0


def test_integer_and_bool_results_and_promotion():
    i = torch.arange(6)
    f = torch.ones(6)
    _warm(lambda: (i * 2, i + f, i > 2))
    a, b, c = i * 2, i + f, i > 2
    assert (a.dtype, b.dtype, c.dtype) == (torch.int64, torch.float32, torch.bool)
    np.testing.assert_array_equal(a.numpy(), np.arange(6) * 2)
    np.testing.assert_array_equal(b.numpy(), np.arange(6) + 1.0)
    np.testing.assert_array_equal(c.numpy(), np.arange(6) > 2)


def test_calls_that_run_eagerly_leave_nothing_in_the_trace():
    w = torch.ones(3, requires_grad=True)
    lazy._trace.run()
    for i in range(5):
        x = torch.ones(1000 + i)  # a new shape every time: no learned form, every call runs at once
        (x * 2).sum()
        (x * w[0]).mean()
    assert not lazy._trace.leaves and not lazy._trace.nodes
