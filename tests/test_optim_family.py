"""The per-parameter optimizer family: an optimizer made of an init/update pair gets the constructor, state,
group loop, flags and one jitted call per group from the base."""
import numpy as np
import pytest

import torchlike as torch
from torchlike.optim import _family
from torchlike.optim import optimizer as optimizer_mod


def _halving_update(p, g, state, h, *, decay):
    """p - lr * g (with L2 decay), counting steps; 'seen' only for parameters of more than 1 element."""
    step = state["step"] + 1
    if decay:
        p, g = _family.decayed(p, g, h)
    new = {"step": step}
    if p.size > 1:
        new["seen"] = g
    return p - h["lr"].astype(p.dtype) * g, new


class _Plain(_family.PerParamOptimizer):
    _init_state = staticmethod(lambda p, group: _family.zeros_state(p))
    _update = staticmethod(_halving_update)
    _state_keys = ("step", "seen")
    _hyper_keys = ("lr", "weight_decay")
    _nonnegative = ("weight_decay",)
    _flags = ("decay", "maximize")
    _defaults_order = ("lr", "weight_decay", "maximize")

    def __init__(self, params, lr=0.5, weight_decay=0.0, *, maximize=False):
        self._setup(params, locals())


def _param(values):
    return torch.tensor(np.asarray(values, dtype=np.float32), requires_grad=True)


def test_family_builds_constructor_state_and_step():
    a, b = _param([1.0, 2.0]), _param([4.0])
    opt = _Plain([a, b], maximize=True)
    assert list(opt.defaults) == ["lr", "weight_decay", "maximize"]
    a.grad, b.grad = torch.ones(2), torch.ones(1)
    opt.step()
    assert a.tolist() == [1.5, 2.5] and b.tolist() == [4.5]  # maximize: the gradient negated
    assert opt.state[a]["seen"].tolist() == [-1.0, -1.0] and "seen" not in opt.state[b]
    assert opt.state[a]["step"].item() == 1.0


def test_family_checks_with_pytorch_messages():
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        _Plain([_param([1.0])], lr=-1)
    with pytest.raises(ValueError, match="Invalid weight_decay value: -2"):
        _Plain([_param([1.0])], weight_decay=-2)


def test_family_one_jitted_call_per_group_keyed_by_update(monkeypatch):
    kernels = []
    real = optimizer_mod._jitted

    def spy(kernel, static, *donate):
        kernels.append((kernel, static))
        return real(kernel, static, *donate)

    monkeypatch.setattr(optimizer_mod, "_jitted", spy)
    a, b = _param([1.0]), _param([2.0])
    opt = _Plain([{"params": [a]}, {"params": [b], "weight_decay": 0.1}])
    a.grad, b.grad = torch.ones(1), torch.ones(1)
    opt.step()
    assert [k for k, _ in kernels] == [_Plain._kernel] * 2
    assert [dict(s)["decay"] for _, s in kernels] == [False, True]
    assert b.tolist() == pytest.approx([2.0 - 0.5 * (1 + 0.1 * 2.0)])


def test_adamw_shares_adams_kernel():
    assert torch.optim.AdamW._kernel is torch.optim.Adam._kernel
    assert torch.optim.NAdam._kernel is not torch.optim.Adam._kernel
