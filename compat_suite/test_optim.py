"""Optimizers against real PyTorch: the same parameters and gradient sequence, 10 steps, every option;
state_dict structure and values; a PyTorch state_dict loaded into torchlike (and back) continues identically."""

import numpy as np
import pytest

from .harness import assert_close, check, check_error, randn, torch, torchlike

SHAPES = ((3, 4), (5,), (2, 2, 2), ())

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "maximize": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.2, "maximize": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "maximize": True}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.99)}),
    ("Adam", {"lr": 0.01, "eps": 1e-3}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.5}),
    ("AdamW", {"lr": 0.01, "maximize": True}),
    ("AdamW", {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-4}),
    ("AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.3, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9}),
    ("RMSprop", {"lr": 0.01, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "maximize": True, "eps": 1e-3}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "maximize": True, "eps": 1e-3}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5}),
    ("Adadelta", {"eps": 1e-3}),
    ("Adadelta", {"weight_decay": 0.1}),
    ("Adadelta", {"maximize": True}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01, "betas": (0.8, 0.9)}),
    ("Adamax", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.01, "maximize": True, "eps": 1e-3}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.01, "maximize": True}),
    ("NAdam", {"lr": 0.01, "betas": (0.8, 0.99)}),
    ("RAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.01, "maximize": True}),
    ("RAdam", {"lr": 0.01, "betas": (0.9, 0.9)}),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for n, kw in CASES]


def _params(t, dtype=np.float32):
    return [t.tensor(randn(*s, seed=i, dtype=dtype), requires_grad=True) for i, s in enumerate(SHAPES)]


def _set_grads(t, params, k, skip=()):
    for i, p in enumerate(params):
        p.grad = None if i in skip else t.tensor(randn(*p.shape, seed=100 + 10 * k + i, dtype=p.detach().numpy().dtype))


def _run(t, opt, params, steps, start=0, skip_every=None):
    for k in range(start, start + steps):
        skip = (k % len(params),) if skip_every else ()
        _set_grads(t, params, k, skip)
        opt.step()


def _state_tensors(opt, params):
    out = []
    for p in params:
        st = opt.state[p]
        out.extend(st[k] for k in sorted(st))
    return out


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_trajectory(name, kwargs):
    """10 steps with the same gradients: parameters and every state tensor agree."""

    def fn(t):
        params = _params(t)
        opt = getattr(t.optim, name)(params, **kwargs)
        _run(t, opt, params, 10)
        return params + _state_tensors(opt, params)

    check(fn, grad=False, area="optim", name=f"optim.{name}")


@pytest.mark.parametrize("name,kwargs", CASES[::3], ids=IDS[::3])
def test_trajectory_float64_and_skipped_grads(name, kwargs):
    """float64 parameters; one parameter without a gradient each step is skipped as PyTorch skips it."""

    def fn(t):
        params = _params(t, np.float64)
        opt = getattr(t.optim, name)(params, **kwargs)
        _run(t, opt, params, 10, skip_every=True)
        return params + _state_tensors(opt, params)

    check(fn, grad=False, area="optim", name=f"optim.{name}.f64")


def _structure(sd):
    return ({k: sorted(v) for k, v in sd["state"].items()}, [{k: v for k, v in g.items()} for g in sd["param_groups"]])


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_state_dict_structure(name, kwargs):
    """state_dict keys, group hyperparameters and state values equal PyTorch's."""
    sds = []
    for t in (torch, torchlike):
        params = _params(t)
        opt = getattr(t.optim, name)(params, **kwargs)
        _run(t, opt, params, 3)
        sds.append(opt.state_dict())
    st, sl = sds
    assert _structure(st) == _structure(sl)
    for i in st["state"]:
        for k in st["state"][i]:
            assert_close(st["state"][i][k], sl["state"][i][k], f"{name} state {i}.{k}")


def to_torchlike(x):
    """A PyTorch object tree with torchlike tensors in place of torch tensors."""
    if isinstance(x, torch.Tensor):
        return torchlike.tensor(x.detach().numpy())
    if isinstance(x, dict):
        return type(x)((k, to_torchlike(v)) for k, v in x.items())
    if isinstance(x, (list, tuple)):
        return type(x)(to_torchlike(v) for v in x)
    return x


def to_torch(x):
    if isinstance(x, torchlike.Tensor):
        return torch.tensor(x.detach().numpy())
    if isinstance(x, dict):
        return type(x)((k, to_torch(v)) for k, v in x.items())
    if isinstance(x, (list, tuple)):
        return type(x)(to_torch(v) for v in x)
    return x


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_load_torch_state_dict_and_continue(name, kwargs):
    """A PyTorch optimizer's state_dict loads into torchlike, which then continues exactly as PyTorch."""
    tp = _params(torch)
    topt = getattr(torch.optim, name)(tp, **kwargs)
    _run(torch, topt, tp, 5)
    lp = [torchlike.tensor(p.detach().numpy(), requires_grad=True) for p in tp]
    lopt = getattr(torchlike.optim, name)(lp, **kwargs)
    lopt.load_state_dict(to_torchlike(topt.state_dict()))
    _run(torch, topt, tp, 5, start=5)
    _run(torchlike, lopt, lp, 5, start=5)
    for a, b in zip(tp + _state_tensors(topt, tp), lp + _state_tensors(lopt, lp)):
        assert_close(a, b, name)


@pytest.mark.parametrize("name,kwargs", CASES[::2], ids=IDS[::2])
def test_torch_loads_torchlike_state_dict(name, kwargs):
    """And the other way: torchlike's state_dict loads into PyTorch, which continues identically."""
    lp = _params(torchlike)
    lopt = getattr(torchlike.optim, name)(lp, **kwargs)
    _run(torchlike, lopt, lp, 5)
    tp = [torch.tensor(p.detach().numpy(), requires_grad=True) for p in lp]
    topt = getattr(torch.optim, name)(tp, **kwargs)
    topt.load_state_dict(to_torch(lopt.state_dict()))
    _run(torch, topt, tp, 5, start=5)
    _run(torchlike, lopt, lp, 5, start=5)
    for a, b in zip(tp + _state_tensors(topt, tp), lp + _state_tensors(lopt, lp)):
        assert_close(a, b, name)


def test_param_groups_with_own_options():
    def fn(t):
        params = _params(t)
        opt = t.optim.SGD([{"params": params[:2]}, {"params": params[2:], "lr": 0.5, "momentum": 0.9}], lr=0.1)
        _run(t, opt, params, 10)
        return params

    check(fn, grad=False, area="optim", name="optim.groups")


def test_lr_change_between_steps():
    def fn(t):
        params = _params(t)
        opt = t.optim.Adam(params, lr=0.1)
        for k in range(6):
            opt.param_groups[0]["lr"] = 0.1 / (k + 1)
            _set_grads(t, params, k)
            opt.step()
        return params

    check(fn, grad=False, area="optim", name="optim.lr_change")


def test_zero_grad_to_zeros_and_none():
    def fn(t):
        params = _params(t)
        opt = t.optim.SGD(params, lr=0.1)
        _set_grads(t, params, 0)
        opt.zero_grad(set_to_none=False)
        zeros = [p.grad.clone() for p in params]
        opt.zero_grad()
        return zeros + [p.grad is None for p in params]

    check(fn, grad=False, area="optim", name="optim.zero_grad")


def test_repr_and_defaults():
    for name, kwargs in CASES[::4]:
        reprs = [repr(getattr(t.optim, name)(_params(t), **kwargs)) for t in (torch, torchlike)]
        assert reprs[0] == reprs[1]


def test_add_param_group_and_state_dict_groups():
    sds = []
    for t in (torch, torchlike):
        params = _params(t)
        opt = t.optim.Adam(params[:2], lr=0.1)
        opt.add_param_group({"params": params[2:], "lr": 0.01, "amsgrad": True})
        _run(t, opt, params, 2)
        sds.append(_structure(opt.state_dict()))
    assert sds[0] == sds[1]


def test_step_hooks_order_and_closure():
    def fn(t):
        params = _params(t)
        opt = t.optim.SGD(params, lr=0.1)
        calls = []
        h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append("pre"))
        opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
        _set_grads(t, params, 0)
        loss = opt.step(lambda: calls.append("closure") or 1.5)
        h1.remove()
        opt.step()
        return [loss, str(calls)]

    check(fn, grad=False, area="optim", name="optim.hooks")


ERRORS = [
    lambda t: t.optim.SGD([], lr=0.1),
    lambda t: t.optim.SGD(t.ones(2, requires_grad=True), lr=0.1),
    lambda t: t.optim.SGD([t.ones(2, requires_grad=True)], lr=-1.0),
    lambda t: t.optim.SGD([t.ones(2, requires_grad=True)], lr=0.1, momentum=-0.5),
    lambda t: t.optim.SGD([t.ones(2, requires_grad=True)], lr=0.1, nesterov=True),
    lambda t: t.optim.SGD([t.ones(2, requires_grad=True)], lr=0.1, weight_decay=-1),
    lambda t: t.optim.Adam([t.ones(2, requires_grad=True)], betas=(1.0, 0.9)),
    lambda t: t.optim.Adam([t.ones(2, requires_grad=True)], betas=(0.9, -0.1)),
    lambda t: t.optim.Adam([t.ones(2, requires_grad=True)], eps=-1.0),
    lambda t: t.optim.AdamW([t.ones(2, requires_grad=True)], weight_decay=-0.1),
    lambda t: t.optim.RMSprop([t.ones(2, requires_grad=True)], alpha=-0.1),
    lambda t: t.optim.Adagrad([t.ones(2, requires_grad=True)], lr_decay=-0.1),
    lambda t: t.optim.Adagrad([t.ones(2, requires_grad=True)], initial_accumulator_value=-1.0),
    lambda t: t.optim.Adadelta([t.ones(2, requires_grad=True)], rho=1.5),
    lambda t: t.optim.NAdam([t.ones(2, requires_grad=True)], momentum_decay=-1.0),
    lambda t: t.optim.SGD([t.ones(2, requires_grad=True) * 2], lr=0.1),
    lambda t: t.optim.SGD([1.0], lr=0.1),
    lambda t: t.optim.SGD([t.ones(2, requires_grad=True)], lr=0.1).add_param_group({"params": {t.ones(2)}}),
    lambda t: _twice(t),
    lambda t: _bad_load(t, 0),
    lambda t: _bad_load(t, 1),
    lambda t: t.optim.Optimizer([{"params": [t.ones(2, requires_grad=True)]}], {"lr": _required(t)}),
    lambda t: t.optim.Optimizer([t.ones(2, requires_grad=True)], {}).step(),
]


def _required(t):
    import importlib

    return importlib.import_module(t.__name__ + ".optim.optimizer").required


def _twice(t):
    p = t.ones(2, requires_grad=True)
    opt = t.optim.SGD([p], lr=0.1)
    opt.add_param_group({"params": [p]})


def _bad_load(t, which):
    a, b = t.ones(2, requires_grad=True), t.ones(2, requires_grad=True)
    opt = t.optim.SGD([a, b], lr=0.1)
    sd = (
        t.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).state_dict()
        if which == 0
        else t.optim.SGD([a], lr=0.1).state_dict()
    )
    opt.load_state_dict(sd)


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    check_error(ERRORS[i], area="optim", name=f"optim.error{i}")


def _lbfgs_problem(t):
    """A smooth nonquadratic loss of two parameter tensors, and the closure LBFGS calls."""
    a = t.tensor(randn(6, 4, seed=3))
    b = t.tensor(randn(6, seed=4))
    w = t.tensor(randn(4, seed=5) * 0.1, requires_grad=True)
    v = t.tensor(randn(2, 2, seed=6) * 0.1, requires_grad=True)

    def loss_fn():
        r = a @ w - b
        return (r * r).sum() / 6 + (v * v * v * v).sum() + ((v.sum() - 1.0) ** 2) + 0.1 * (w * w).sum()

    return [w, v], loss_fn


# Few iterations per step: near the optimum, stopping tests compare values at rounding level, and
# float32 dot products summed in another order differ in the last bit, which later iterations amplify
# (with lr=0.5: 6e-8 after 3x3 iterations, 1e-5 after 3x4).
LBFGS_CASES = [
    {"max_iter": 4}, {"line_search_fn": "strong_wolfe", "max_iter": 4}, {"history_size": 3, "max_iter": 6},
    {"lr": 0.5, "max_iter": 3}, {"history_size": 2, "line_search_fn": "strong_wolfe", "max_iter": 5},
    {"tolerance_grad": 1e-1, "max_iter": 5}, {"max_iter": 3, "max_eval": 2},
]


@pytest.mark.parametrize("kwargs", LBFGS_CASES, ids=[str(i) for i in range(len(LBFGS_CASES))])
def test_lbfgs(kwargs):
    def fn(t):
        params, loss_fn = _lbfgs_problem(t)
        opt = t.optim.LBFGS(params, **kwargs)

        def closure():
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss

        losses = [opt.step(closure).detach() for _ in range(3)]
        st = opt.state[params[0]]
        return params + losses + [st["func_evals"], st["n_iter"], st["d"], st["prev_flat_grad"]]

    check(fn, grad=False, area="optim", name="optim.LBFGS")


def test_lbfgs_state_dict_keys():
    keys = []
    for t in (torch, torchlike):
        params, loss_fn = _lbfgs_problem(t)
        opt = t.optim.LBFGS(params, max_iter=3)

        def closure(opt=opt, loss_fn=loss_fn):
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss

        opt.step(closure)
        sd = opt.state_dict()
        keys.append((sorted(sd["state"][0]), sd["param_groups"]))
    assert keys[0] == keys[1]
