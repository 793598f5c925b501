"""The one-call backward (torchlike/_engine/replay.py) gives exactly the engine's gradients."""
import numpy as np
import pytest

import torchlike as torch
from torchlike._engine import replay


def _grads(fn, use_replay: bool, steps: int = 3):
    """Run fn() (which builds a tape and calls backward) `steps` times; the leaf grads after each."""
    replay.enabled = use_replay
    before = replay.replays[0]
    try:
        torch.manual_seed(0)
        leaves, out = fn(None), []
        for _ in range(steps):
            fn(leaves)
            out.append([None if t.grad is None else t.grad.numpy().copy() for t in leaves])
        return out, replay.replays[0] - before
    finally:
        replay.enabled = True


def _mlp(state):
    if state is None:
        model = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
        _mlp.model, _mlp.x = model, torch.randn(4, 6)
        _mlp.y = torch.tensor([0, 2, 1, 2])
        return list(model.parameters())
    loss = torch.nn.functional.cross_entropy(_mlp.model(_mlp.x), _mlp.y)
    loss.backward()  # no zero_grad: gradients accumulate into the existing .grad


def _shared(state):
    if state is None:
        _shared.w = torch.randn(3, 3, requires_grad=True)
        _shared.b = torch.randn(3, requires_grad=True)
        return [_shared.w, _shared.b]
    w, b = _shared.w, _shared.b
    h = w @ w + b           # w used twice by one op, then again below
    v, i = h.max(dim=1)     # a node with an integer output beside the float one
    a, c = h.split([1, 2])  # one node, two outputs, both used
    (v.sum() * 2 + (a * c[:1]).sum() + (w * w).mean() + c.sum()).backward()


def _leaf_root(state):
    if state is None:
        _leaf_root.x = torch.randn(5, requires_grad=True)
        return [_leaf_root.x]
    _leaf_root.x.sum().backward()


@pytest.mark.parametrize("fn", [_mlp, _shared, _leaf_root])
def test_replay_equals_engine(fn):
    engine, n0 = _grads(fn, use_replay=False)
    replayed, n1 = _grads(fn, use_replay=True)
    assert n0 == 0 and n1 >= 1  # the repeated tape did run as one program
    for a, b in zip(engine, replayed):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-7)


def test_replay_keeps_grad_identity_and_frees_graph():
    w = torch.randn(3, requires_grad=True)
    for _ in range(3):
        (w * w).sum().backward()
    g = w.grad
    loss = (w * w).sum()
    loss.backward()
    assert w.grad is g  # accumulated in place, as PyTorch does
    np.testing.assert_allclose(w.grad.numpy(), 8 * w.detach().numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        loss.backward()


def test_replay_retain_graph_and_modified_saved_tensor():
    x = torch.randn(4, requires_grad=True)
    for _ in range(2):
        y = (x * 3).exp()
        y.sum().backward(retain_graph=True)
        y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 12 * np.exp(3 * x.detach().numpy()), rtol=1e-5)
    for _ in range(3):
        a = x * 1
        b = a.exp()
        c = b.sum()
        if _ == 2:
            with torch.no_grad():
                b.mul_(2)  # exp saved its output: the engine must refuse, replay or not
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                c.backward()
        else:
            c.backward()
