"""torchlike.compile: a whole training step as one program gives the eager step's numbers."""
import contextlib

import numpy as np
import pytest

import torchlike as torch


def _setup():
    rng = np.random.default_rng(0)
    w = torch.tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    x = torch.tensor(rng.standard_normal((16, 5)).astype(np.float32))
    y = torch.tensor(rng.standard_normal((16, 3)).astype(np.float32))

    def step(x, y):
        w.grad = None
        b.grad = None
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w.sub_(w.grad * 0.1)
            b.sub_(b.grad * 0.1)
        return loss
    return w, b, x, y, step


def test_compiled_step_matches_eager():
    w, b, x, y, step = _setup()
    eager = [step(x, y).item() for _ in range(4)]
    we = w.detach().numpy()
    w2, b2, x2, y2, step2 = _setup()
    cstep = torch.compile(step2)
    compiled = [cstep(x2, y2).item() for _ in range(4)]
    np.testing.assert_allclose(compiled, eager, rtol=1e-6)
    np.testing.assert_allclose(w2.detach().numpy(), we, rtol=1e-6, atol=1e-7)
    assert w2.grad is not None and tuple(w2.grad.shape) == (5, 3)
    assert len(cstep.programs) == 1 and cstep.eager_reason is None


def test_untraceable_step_falls_back_with_warning():
    import warnings
    w, b, x, y, _ = _setup()

    def step(x):
        loss = (x @ w).sum()
        return loss.item() if loss.item() > -1e9 else 0.0  # Python control flow on a value
    c = torch.compile(step)
    first = c(x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        second = c(x)
    assert first == second
    assert any("runs eagerly" in str(m.message) for m in caught)


def test_compiled_forward_is_one_differentiable_node():
    rng = np.random.default_rng(1)
    w = torch.tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True)
    x = torch.tensor(rng.standard_normal((4, 5)).astype(np.float32))

    def fwd(x):
        h = x @ w
        return (h * h).sum(1)
    f = torch.compile(fwd)
    grads = []
    for _ in range(3):
        w.grad = None
        y = f(x)
        y.sum().backward()
        grads.append(w.grad.numpy())
    assert y.grad_fn.name() == "CompiledFunctionBackward"
    w.grad = None
    fwd(x).sum().backward()
    for g in grads:
        np.testing.assert_allclose(g, w.grad.numpy(), rtol=1e-6)


def test_compiled_module_optimizer_dropout_scheduler_match_eager():
    nn = torch.nn
    x = torch.tensor(np.random.default_rng(2).standard_normal((32, 1, 28, 28)).astype(np.float32))
    y = torch.tensor(np.random.default_rng(3).integers(0, 10, 32))
    runs = []
    for compiled in (False, True):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        loss_fn = nn.CrossEntropyLoss()

        def step(x, y):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss
        run = torch.compile(step) if compiled else step
        torch.manual_seed(5)
        losses = []
        for _ in range(6):
            losses.append(run(x, y).item())
            sched.step()
        runs.append(losses)
        if compiled:
            assert run.eager_reason is None and len(run.programs) == 1  # lr changes did not recompile
    np.testing.assert_allclose(runs[1], runs[0], rtol=1e-5)


def test_compiled_module_with_dropout_and_batchnorm_trains_as_eager():
    """`torch.compile(model)` in training: the forward program also writes the RNG key (uint32, no torch
    dtype) and BatchNorm's statistics; backward must neither trip on the key nor on those writes."""
    def run(compiled):
        torch.manual_seed(0)
        m = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.Dropout(0.5),
                                    torch.nn.BatchNorm1d(16), torch.nn.Linear(16, 2))
        f = torch.compile(m) if compiled else m
        x = torch.randn(6, 8)
        seen = []
        for _ in range(3):
            m.zero_grad()
            f(x).square().sum().backward()
            seen.append([p.grad.numpy().copy() for p in m.parameters()] + [m[2].running_mean.numpy().copy()])
        return seen
    eager, compiled = run(False), run(True)
    for a, b in zip(eager, compiled):
        for x, y in zip(a, b):
            np.testing.assert_allclose(y, x, rtol=1e-5, atol=1e-6)


def test_random_draws_trace_and_follow_the_eager_stream():
    # the generator's key is a tracer inside the program: the draw must not ask it for its devices
    @torch.compile
    def f(x):
        return x + torch.rand(3)

    torch.manual_seed(0)
    compiled = [f(torch.zeros(3)).tolist() for _ in range(3)]
    torch.manual_seed(0)
    eager = [(torch.zeros(3) + torch.rand(3)).tolist() for _ in range(3)]
    assert f.eager_reason is None
    assert compiled == eager


def test_fullgraph_turns_an_untraceable_step_into_an_error():
    def step(x):
        return x * 2 if x.sum().item() > 0 else x  # (a Python branch on a value: no single program)

    loose, strict = torch.compile(step), torch.compile(step, fullgraph=True)
    for _ in range(2):  # (the first call runs eagerly to record the step; the second traces it)
        with pytest.warns(UserWarning) if _ else contextlib.nullcontext():
            assert loose(torch.ones(2)).tolist() == [2.0, 2.0]  # (falls back to eager with a warning)
    assert strict(torch.ones(2)).tolist() == [2.0, 2.0]
    with pytest.raises(torch._dynamo.exc.Unsupported, match="fullgraph=True"):
        strict(torch.ones(2))
