"""torchlike.optim.lr_scheduler alone: known lr sequences, warnings, state dicts."""
import math
import warnings

import pytest

import torchlike as torch
from torchlike.optim import lr_scheduler as S


def _opt(lr=0.1):
    return torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=lr, momentum=0.9)


def _run(sched, opt, n):
    out = [opt.param_groups[0]["lr"]]
    for _ in range(n):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def test_step_and_multistep():
    o = _opt()
    assert _run(S.StepLR(o, 2, gamma=0.5), o, 5) == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    o = _opt()
    assert _run(S.MultiStepLR(o, [1, 3], gamma=0.1), o, 4) == pytest.approx([0.1, 0.01, 0.01, 0.001, 0.001])


def test_cosine_matches_closed_form():
    o = _opt()
    got = _run(S.CosineAnnealingLR(o, T_max=10, eta_min=0.01), o, 10)
    want = [0.01 + 0.09 * (1 + math.cos(math.pi * e / 10)) / 2 for e in range(11)]
    assert got == pytest.approx(want, rel=1e-12)


def test_linear_warmup_and_onecycle_peak():
    o = _opt()
    assert _run(S.LinearLR(o, start_factor=0.5, total_iters=2), o, 3) == pytest.approx([0.05, 0.075, 0.1, 0.1])
    o = _opt()
    seq = _run(S.OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=0.2), o, 9)
    assert seq[0] == pytest.approx(0.04) and max(seq) == pytest.approx(1.0) and seq[-1] == pytest.approx(4e-6)


def test_reduce_on_plateau():
    o = _opt(1.0)
    s = S.ReduceLROnPlateau(o, patience=1, factor=0.5)
    for m in (1.0, 1.0, 1.0, 0.5, 0.5, 0.5):
        s.step(m)
    assert o.param_groups[0]["lr"] == 0.25


def test_initial_lr_and_state_dict_roundtrip():
    o = _opt()
    s = S.ExponentialLR(o, 0.5)
    assert o.param_groups[0]["initial_lr"] == 0.1
    _run(s, o, 3)
    sd = s.state_dict()
    assert sd["last_epoch"] == 3 and "optimizer" not in sd and sd["base_lrs"] == [0.1]
    s2 = S.ExponentialLR(_opt(), 0.5)
    s2.load_state_dict(sd)
    assert s2.last_epoch == 3 and s2.get_last_lr() == pytest.approx([0.0125])


def test_warns_when_scheduler_steps_before_optimizer():
    o = _opt()
    s = S.StepLR(o, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s.step()
    assert any("before `optimizer.step()`" in str(w.message) for w in caught)
    o2 = _opt()
    s2 = S.StepLR(o2, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        o2.step()
        s2.step()
    assert not caught


def test_cyclic_momentum_moves_opposite_to_lr():
    o = _opt()
    s = S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2)
    lrs, moms = [], []
    for _ in range(4):
        o.step()
        s.step()
        lrs.append(o.param_groups[0]["lr"])
        moms.append(o.param_groups[0]["momentum"])
    assert lrs == pytest.approx([0.055, 0.1, 0.055, 0.01]) and moms == pytest.approx([0.85, 0.8, 0.85, 0.9])
