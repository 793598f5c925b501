"""Learning-rate schedulers against real PyTorch: 100-step lr (and momentum) sequences equal to 1e-12,
state_dicts, the closed forms of step(epoch), and PyTorch's warnings."""

import warnings

import numpy as np
import pytest

from .harness import torch, torchlike


def _opt(t, kind="SGD"):
    groups = [{"params": [t.zeros(2, requires_grad=True)]}, {"params": [t.zeros(3, requires_grad=True)], "lr": 0.05}]
    if kind == "SGD":
        return t.optim.SGD(groups, lr=0.1, momentum=0.9)
    return getattr(t.optim, kind)(groups, lr=0.1)


def _lam(e):
    return 0.95**e


def _sched(t, opt, name, kw):
    S = t.optim.lr_scheduler
    if name == "SequentialLR":
        parts = [getattr(S, n)(opt, **k) for n, k in kw["parts"]]
        return S.SequentialLR(opt, parts, milestones=kw["milestones"])
    if name == "ChainedScheduler":
        return S.ChainedScheduler([getattr(S, n)(opt, **k) for n, k in kw["parts"]])
    return getattr(S, name)(opt, **kw)


CASES = [
    ("LambdaLR", {"lr_lambda": _lam}, "SGD"),
    ("LambdaLR", {"lr_lambda": [_lam, lambda e: 1.0 / (e + 1)]}, "SGD"),
    ("MultiplicativeLR", {"lr_lambda": lambda e: 0.97}, "SGD"),
    ("StepLR", {"step_size": 7, "gamma": 0.5}, "SGD"),
    ("StepLR", {"step_size": 3}, "Adam"),
    ("MultiStepLR", {"milestones": [10, 30, 30, 60], "gamma": 0.3}, "SGD"),
    ("ConstantLR", {}, "SGD"),
    ("ConstantLR", {"factor": 0.5, "total_iters": 20}, "SGD"),
    ("LinearLR", {}, "SGD"),
    ("LinearLR", {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 40}, "SGD"),
    ("ExponentialLR", {"gamma": 0.97}, "SGD"),
    ("PolynomialLR", {}, "SGD"),
    ("PolynomialLR", {"total_iters": 50, "power": 2.0}, "SGD"),
    ("CosineAnnealingLR", {"T_max": 20, "eta_min": 0.001}, "SGD"),
    ("CosineAnnealingLR", {"T_max": 100}, "SGD"),
    ("CosineAnnealingLR", {"T_max": 7}, "Adam"),
    ("CosineAnnealingWarmRestarts", {"T_0": 10}, "SGD"),
    ("CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 2, "eta_min": 0.01}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 10}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": [0.1, 0.2], "step_size_up": 6, "mode": "triangular2"}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 8, "mode": "exp_range", "gamma": 0.98}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "step_size_down": 9}, "SGD"),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 5, "cycle_momentum": False}, "SGD"),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 5}, "Adam"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "scale_fn": lambda x: 0.9**x,
                  "scale_mode": "iterations"}, "SGD"),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 100}, "SGD"),
    ("OneCycleLR", {"max_lr": [0.1, 0.3], "total_steps": 120, "anneal_strategy": "linear"}, "SGD"),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 100, "three_phase": True}, "SGD"),
    ("OneCycleLR", {"max_lr": 0.1, "epochs": 10, "steps_per_epoch": 11, "pct_start": 0.25}, "Adam"),
    ("OneCycleLR", {"max_lr": 0.1, "total_steps": 100, "cycle_momentum": False, "div_factor": 10.0,
                    "final_div_factor": 100.0}, "SGD"),
    ("SequentialLR", {"parts": [("LinearLR", {"start_factor": 0.1}), ("ExponentialLR", {"gamma": 0.9})],
                      "milestones": [10]}, "SGD"),
    ("SequentialLR", {"parts": [("ConstantLR", {"factor": 0.5}), ("CosineAnnealingLR", {"T_max": 30}),
                                ("StepLR", {"step_size": 5})], "milestones": [5, 40]}, "SGD"),
    ("ChainedScheduler", {"parts": [("ConstantLR", {"factor": 0.2, "total_iters": 10}),
                                    ("ExponentialLR", {"gamma": 0.95})]}, "SGD"),
    ("ChainedScheduler", {"parts": [("LinearLR", {"total_iters": 20}), ("CosineAnnealingLR", {"T_max": 25})]},
     "Adam"),
]
IDS = [f"{i}-{c[0]}" for i, c in enumerate(CASES)]


def _momenta(opt):
    return [g["betas"][0] if "betas" in g else g.get("momentum", 0.0) for g in opt.param_groups]


def _sequence(t, name, kw, kind, steps=100):
    opt = _opt(t, kind)
    sched = _sched(t, opt, name, kw)
    seq = [list(sched.get_last_lr()) + [g["lr"] for g in opt.param_groups] + _momenta(opt)]
    for _ in range(steps):
        opt.step()
        sched.step()
        seq.append(list(sched.get_last_lr()) + [g["lr"] for g in opt.param_groups] + _momenta(opt))
    return np.array(seq, dtype=np.float64), sched


def _assert_seq_equal(a, b):
    assert a.shape == b.shape
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name,kw,kind", CASES, ids=IDS)
def test_sequence(name, kw, kind):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (a, _), (b, _) = _sequence(torch, name, kw, kind), _sequence(torchlike, name, kw, kind)
    _assert_seq_equal(a, b)


def _plain(sd):
    """A scheduler state_dict with callables and nested dicts reduced to comparable values."""
    if isinstance(sd, dict):
        return {k: _plain(v) for k, v in sd.items() if not callable(v)}
    if isinstance(sd, (list, tuple)):
        return [_plain(v) for v in sd if not callable(v)]
    return sd


@pytest.mark.parametrize("name,kw,kind", CASES, ids=IDS)
def test_state_dict(name, kw, kind):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (_, st), (_, sl) = _sequence(torch, name, kw, kind, 17), _sequence(torchlike, name, kw, kind, 17)
    assert _plain(st.state_dict()) == _plain(sl.state_dict())


@pytest.mark.parametrize("name,kw,kind", CASES[::2], ids=IDS[::2])
def test_load_state_dict_resumes(name, kw, kind):
    """A scheduler restored from a state_dict after 30 steps continues like the original."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref, _ = _sequence(torch, name, kw, kind, 60)
        opt = _opt(torchlike, kind)
        sched = _sched(torchlike, opt, name, kw)
        for _ in range(30):
            opt.step()
            sched.step()
        sd, osd = sched.state_dict(), opt.state_dict()
        opt2 = _opt(torchlike, kind)
        sched2 = _sched(torchlike, opt2, name, kw)
        opt2.load_state_dict(osd)
        sched2.load_state_dict(sd)
        got = []
        for _ in range(30):
            opt2.step()
            sched2.step()
            got.append(list(sched2.get_last_lr()) + [g["lr"] for g in opt2.param_groups] + _momenta(opt2))
    _assert_seq_equal(ref[31:], np.array(got))


PLATEAU = [
    {}, {"mode": "max"}, {"patience": 2, "factor": 0.5}, {"threshold_mode": "abs", "threshold": 0.05, "patience": 1},
    {"mode": "max", "threshold_mode": "abs", "patience": 0, "cooldown": 3}, {"patience": 1, "min_lr": [0.01, 0.02]},
    {"patience": 0, "factor": 0.5, "min_lr": 0.02, "eps": 1e-3}, {"cooldown": 2, "patience": 3, "threshold": 0.1},
]


@pytest.mark.parametrize("kw", PLATEAU, ids=[str(i) for i in range(len(PLATEAU))])
def test_reduce_lr_on_plateau(kw):
    metrics = np.abs(np.random.default_rng(3).standard_normal(100)).cumsum() % 3.0
    out = []
    for t in (torch, torchlike):
        opt = _opt(t)
        sched = t.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        seq = []
        for m in metrics:
            opt.step()
            sched.step(float(m))
            seq.append(list(sched.get_last_lr()) + [sched.num_bad_epochs, sched.cooldown_counter, sched.best])
        out.append(np.array(seq, dtype=np.float64))
    _assert_seq_equal(*out)


@pytest.mark.parametrize("name,kw", [("StepLR", {"step_size": 4, "gamma": 0.5}),
                                     ("MultiStepLR", {"milestones": [3, 7, 7]}),
                                     ("ExponentialLR", {"gamma": 0.9}), ("CosineAnnealingLR", {"T_max": 10}),
                                     ("LinearLR", {"total_iters": 8}), ("PolynomialLR", {"total_iters": 6}),
                                     ("ConstantLR", {"total_iters": 4}),
                                     ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2})])
def test_step_with_epoch_uses_closed_form(name, kw):
    out = []
    for t in (torch, torchlike):
        opt = _opt(t)
        sched = getattr(t.optim.lr_scheduler, name)(opt, **kw)
        seq = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for e in [1, 2, 5, 3, 9, 12, 4, 20]:
                opt.step()
                sched.step(e)
                seq.append(list(sched.get_last_lr()))
        out.append(np.array(seq))
        assert any("epoch parameter" in str(w.message) for w in caught) or name == "CosineAnnealingWarmRestarts"
    _assert_seq_equal(*out)


def _warnings_of(t, fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(t)
    return sorted(str(w.message) for w in caught if issubclass(w.category, UserWarning))


def _sched_before_opt(t):
    opt = _opt(t)
    sched = t.optim.lr_scheduler.StepLR(opt, 2)
    sched.step()
    opt.step()


def _right_order(t):
    opt = _opt(t)
    sched = t.optim.lr_scheduler.StepLR(opt, 2)
    opt.step()
    sched.step()


def _get_lr_outside(t):
    opt = _opt(t)
    t.optim.lr_scheduler.StepLR(opt, 2).get_lr()


@pytest.mark.parametrize("fn", [_sched_before_opt, _right_order, _get_lr_outside])
def test_warnings(fn):
    assert _warnings_of(torch, fn) == _warnings_of(torchlike, fn)


def test_initial_lr_in_groups_and_optimizer_state_dict():
    out = []
    for t in (torch, torchlike):
        opt = _opt(t)
        t.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        groups = opt.state_dict()["param_groups"]
        out.append([{k: v for k, v in g.items()} for g in groups])
    assert out[0] == out[1]


ERRORS = [
    lambda t: t.optim.lr_scheduler.StepLR(object(), 3),
    lambda t: t.optim.lr_scheduler.ConstantLR(_opt(t), factor=2.0),
    lambda t: t.optim.lr_scheduler.LinearLR(_opt(t), start_factor=0.0),
    lambda t: t.optim.lr_scheduler.LinearLR(_opt(t), end_factor=1.5),
    lambda t: t.optim.lr_scheduler.LambdaLR(_opt(t), [_lam]),
    lambda t: t.optim.lr_scheduler.StepLR(_opt(t), 3, last_epoch=5),
    lambda t: t.optim.lr_scheduler.ReduceLROnPlateau(_opt(t), factor=1.0),
    lambda t: t.optim.lr_scheduler.ReduceLROnPlateau(_opt(t), mode="avg"),
    lambda t: t.optim.lr_scheduler.ReduceLROnPlateau(_opt(t), threshold_mode="x"),
    lambda t: t.optim.lr_scheduler.ReduceLROnPlateau(_opt(t), min_lr=[0.1]),
    lambda t: t.optim.lr_scheduler.CyclicLR(_opt(t), 0.1, 1.0, mode="sawtooth"),
    lambda t: t.optim.lr_scheduler.CyclicLR(_opt(t, "Adagrad"), 0.1, 1.0),
    lambda t: t.optim.lr_scheduler.CosineAnnealingWarmRestarts(_opt(t), T_0=0),
    lambda t: t.optim.lr_scheduler.CosineAnnealingWarmRestarts(_opt(t), T_0=2, T_mult=0),
    lambda t: t.optim.lr_scheduler.OneCycleLR(_opt(t), 0.1),
    lambda t: t.optim.lr_scheduler.OneCycleLR(_opt(t), 0.1, total_steps=10, pct_start=1.5),
    lambda t: t.optim.lr_scheduler.OneCycleLR(_opt(t), 0.1, total_steps=10, anneal_strategy="exp"),
    lambda t: _one_cycle_past_end(t),
    lambda t: t.optim.lr_scheduler.SequentialLR(_opt(t), [], []),
    lambda t: _sequential_bad_milestones(t),
    lambda t: _chained_plateau(t),
]


def _one_cycle_past_end(t):
    s = t.optim.lr_scheduler.OneCycleLR(_opt(t), 0.1, total_steps=3)
    for _ in range(4):
        s.step()


def _sequential_bad_milestones(t):
    o = _opt(t)
    t.optim.lr_scheduler.SequentialLR(o, [t.optim.lr_scheduler.StepLR(o, 2)], [3])


def _chained_plateau(t):
    o = _opt(t)
    t.optim.lr_scheduler.ChainedScheduler([t.optim.lr_scheduler.ReduceLROnPlateau(o)])


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    from .harness import check_error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(ERRORS[i], area="lr_scheduler", name=f"lr_scheduler.error{i}")
