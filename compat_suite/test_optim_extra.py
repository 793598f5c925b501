"""ASGD, Rprop, Adafactor, Muon and SparseAdam against real PyTorch: the same parameters and gradient
sequence (float32, float64, complex where PyTorch takes it), every option; state_dict keys, state
values and param_groups; a PyTorch state_dict loaded into torchlike (and back) continues identically;
constructor and step errors."""

import numpy as np
import pytest

from .harness import assert_close, check, check_error, randn, torch, torchlike
from .test_optim import _state_tensors, to_torch, to_torchlike

# PyTorch warns once that sparse invariant checks are off by default; the gradients below are valid.
pytestmark = pytest.mark.filterwarnings("ignore:Sparse invariant checks")

SHAPES = ((3, 4), (5,), (2, 3, 4), ())
MUON_SHAPES = ((3, 4), (12, 6))  # wide, and tall (orthogonalized transposed)
STEPS = 6

# Two configurations per optimizer, every option non-default in one of them; CASES[:4] and CASES[4:]
# each hold one of every optimizer. (Each configuration, dtype and set of parameters with a gradient
# compiles one update: the tests below reuse them to stay fast.)
CASES = [
    ("ASGD", {"lr": 0.05, "t0": 3, "alpha": 0.5}),  # averaging starts within the run
    ("Rprop", {}),
    ("Adafactor", {}),
    ("Muon", {}),
    ("ASGD", {"lambd": 0.1, "weight_decay": 0.1, "maximize": True}),
    ("Rprop", {"lr": 0.1, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.05), "maximize": True}),
    ("Adafactor", {"lr": 0.05, "weight_decay": 0.1, "maximize": True, "beta2_decay": -1.0, "d": 1.5,
                   "eps": (1e-3, 1e-2)}),
    ("Muon", {"lr": 0.02, "weight_decay": 0.2, "momentum": 0.8, "nesterov": False, "ns_steps": 3,
              "ns_coefficients": (3.4, -4.7, 2.0), "adjust_lr_fn": "match_rms_adamw"}),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for n, kw in CASES]


def _shapes(name):
    return MUON_SHAPES if name == "Muon" else SHAPES


def _params(t, name, dtype=np.float32):
    return [t.tensor(randn(*s, seed=i, dtype=dtype), requires_grad=True) for i, s in enumerate(_shapes(name))]


def _grad(t, p, seed):
    dtype = p.detach().numpy().dtype
    if dtype.kind == "c":
        re, im = randn(*p.shape, seed=seed), randn(*p.shape, seed=seed + 5000)
        return t.tensor((re + 1j * im).astype(dtype))
    return t.tensor(randn(*p.shape, seed=seed, dtype=dtype))


def _run(t, opt, params, steps, start=0, skip_at=None):
    """steps steps with the same gradients on both sides; at step skip_at the second parameter has none."""
    for k in range(start, start + steps):
        for i, p in enumerate(params):
            p.grad = None if k == skip_at and i == 1 else _grad(t, p, 100 + 10 * k + i)
        opt.step()


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_trajectory(name, kwargs):
    """Parameters and every state tensor agree after each of the steps (float32)."""

    def fn(t):
        params = _params(t, name)
        opt = getattr(t.optim, name)(params, **kwargs)
        out = []
        for k in range(STEPS):
            _run(t, opt, params, 1, start=k)
            out += [p.detach().clone() for p in params]
        return out + _state_tensors(opt, params)

    check(fn, grad=False, area="optim", name=f"optim.{name}")


@pytest.mark.parametrize("name,kwargs", CASES[4:], ids=IDS[4:])
def test_trajectory_float64_and_skipped_grads(name, kwargs):
    """float64 parameters (scalar state such as ASGD's eta stays float32, as the default dtype says);
    a parameter without a gradient is skipped as PyTorch skips it."""

    def fn(t):
        params = _params(t, name, np.float64)
        opt = getattr(t.optim, name)(params, **kwargs)
        _run(t, opt, params, STEPS, skip_at=2)
        return params + _state_tensors(opt, params)

    # Muon orthogonalizes in bfloat16 whatever the parameter's dtype. PyTorch's lerp of the momentum is
    # a fused multiply-add, which float64 has no wider type to reproduce: a last-bit difference there
    # can flip one bfloat16 rounding of the update, moving a parameter by lr * 2**-8 of it.
    check(fn, grad=False, area="optim", name=f"optim.{name}.f64", tol=(1e-4, 1e-5) if name == "Muon" else None)


@pytest.mark.parametrize("name,kwargs", [("ASGD", {"t0": 2, "weight_decay": 0.1}), ("Rprop", {"maximize": True})])
def test_complex_parameters(name, kwargs):
    """ASGD and Rprop update a complex parameter as pairs of reals (Rprop's step sizes start at lr + lr*j)."""

    def fn(t):
        params = [t.tensor((randn(3, 4) + 1j * randn(3, 4, seed=1)).astype(np.complex64), requires_grad=True)]
        opt = getattr(t.optim, name)(params, **kwargs)
        _run(t, opt, params, 4)
        return params + _state_tensors(opt, params)

    check(fn, grad=False, area="optim", name=f"optim.{name}.complex")


def test_adafactor_eps1_comes_from_the_first_parameter():
    """With eps1=None PyTorch takes finfo(dtype).eps of a group's first parameter for the whole group:
    a float32 parameter after a float64 one is clamped at float64's eps (its tiny gradients show it)."""

    def fn(t):
        params = [t.tensor(randn(3, 4, seed=s, dtype=dt), requires_grad=True)
                  for s, dt in ((0, np.float64), (1, np.float32))]
        opt = t.optim.Adafactor(params)
        for k in range(3):
            for i, p in enumerate(params):
                p.grad = _grad(t, p, 10 * k + i) * 1e-9
            opt.step()
        return params + _state_tensors(opt, params)

    check(fn, grad=False, area="optim", name="optim.Adafactor.eps1")


# -- SparseAdam: dense parameters, sparse COO gradients ------------------------------------------------
def _sparse_grads(t, k, dtype):
    """Step k's gradients: rows of a (6, 3) parameter (hybrid: one sparse dim, row 1 listed twice) and
    entries of a (4, 5) one (two sparse dims); at step 3 the second has no entries at all."""
    i0 = np.array([[1, 4, 1, k % 6]])
    i1 = np.array([[0, 2, 3], [1, 4, k % 5]]) if k != 3 else np.zeros((2, 0), np.int64)
    g0 = t.sparse_coo_tensor(t.tensor(i0), t.tensor(randn(4, 3, seed=k, dtype=dtype)), (6, 3))
    g1 = t.sparse_coo_tensor(t.tensor(i1), t.tensor(randn(i1.shape[1], seed=k + 50, dtype=dtype)), (4, 5))
    return [g0, g1]


def _sparse_run(t, opt, params, steps, start=0):
    for k in range(start, start + steps):
        for p, g in zip(params, _sparse_grads(t, k, params[0].detach().numpy().dtype)):
            p.grad = g
        opt.step()


SPARSE_CASES = [({}, np.float32), ({"lr": 0.01, "maximize": True, "betas": (0.5, 0.9), "eps": 1e-3}, np.float64)]


@pytest.mark.parametrize("kwargs,dtype", SPARSE_CASES, ids=["default-f32", "options-f64"])
def test_sparse_adam_trajectory(kwargs, dtype):
    """Only the rows/entries a gradient lists move (duplicates summed first); 'step' is a Python int
    that counts a step whose gradient has no entries."""

    def fn(t):
        params = [t.tensor(randn(*s, seed=i, dtype=dtype), requires_grad=True) for i, s in enumerate([(6, 3), (4, 5)])]
        opt = t.optim.SparseAdam(params, **kwargs)
        _sparse_run(t, opt, params, 5)
        return params + _state_tensors(opt, params)

    check(fn, grad=False, area="optim", name="optim.SparseAdam")


def test_sparse_adam_state_dict_both_ways():
    sds, opts, params = [], [], []
    for t in (torch, torchlike):
        ps = [t.tensor(randn(*s, seed=i), requires_grad=True) for i, s in enumerate([(6, 3), (4, 5)])]
        opt = t.optim.SparseAdam(ps, lr=0.01)
        _sparse_run(t, opt, ps, 3)
        sds.append(opt.state_dict())
        opts.append(opt)
        params.append(ps)
    assert _structure(sds[0]) == _structure(sds[1])
    assert all(type(sd["state"][0]["step"]) is int for sd in sds)
    # each side loads the other's state_dict into a fresh optimizer, then both continue
    fresh = [[t.tensor(p.detach().numpy(), requires_grad=True) for p in ps]
             for t, ps in zip((torch, torchlike), params)]
    loaded = [torch.optim.SparseAdam(fresh[0], lr=0.01), torchlike.optim.SparseAdam(fresh[1], lr=0.01)]
    loaded[0].load_state_dict(to_torch(sds[1]))
    loaded[1].load_state_dict(to_torchlike(sds[0]))
    assert type(loaded[1].state[fresh[1][0]]["step"]) is int
    for t, opt, ps in zip((torch, torchlike, torch, torchlike), opts + loaded, params + fresh):
        _sparse_run(t, opt, ps, 2, start=3)
    for a, b in zip(params[0] + _state_tensors(opts[0], params[0]), params[1] + _state_tensors(opts[1], params[1])):
        assert_close(a, b, "SparseAdam")
    for a, b in zip(fresh[0] + _state_tensors(loaded[0], fresh[0]), fresh[1] + _state_tensors(loaded[1], fresh[1])):
        assert_close(a, b, "SparseAdam loaded")


# -- state dicts ----------------------------------------------------------------------------------------
def _structure(sd):
    return ({k: sorted(v) for k, v in sd["state"].items()},
            [{k: (float(v) if hasattr(v, "item") else v) for k, v in g.items()} for g in sd["param_groups"]])


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_state_dict(name, kwargs):
    """state keys per parameter (ASGD: step/eta/mu/ax; Rprop: step/prev/step_size; Adafactor: step with
    row_var/col_var for matrices, variance otherwise; Muon: momentum_buffer), group options and values."""
    sds = []
    for t in (torch, torchlike):
        params = _params(t, name)
        opt = getattr(t.optim, name)(params, **kwargs)
        _run(t, opt, params, 3)
        sds.append(opt.state_dict())
    st, sl = sds
    assert _structure(st) == _structure(sl)
    for i in st["state"]:
        for k in st["state"][i]:
            assert_close(st["state"][i][k], sl["state"][i][k], f"{name} state {i}.{k}")


LOAD_CASES = [c + (np.float32,) for c in CASES[:4]] + [c + (np.float64,) for c in CASES[4:]]


@pytest.mark.parametrize("name,kwargs,dtype", LOAD_CASES,
                         ids=[i + "-f32" for i in IDS[:4]] + [i + "-f64" for i in IDS[4:]])
def test_load_torch_state_dict_and_continue(name, kwargs, dtype):
    """A PyTorch optimizer's state_dict loads into torchlike and into PyTorch (state cast to the
    parameter's dtype except 'step': float64 parameters then get a float64 eta); both continue alike."""
    tp = _params(torch, name, dtype)
    topt = getattr(torch.optim, name)(tp, **kwargs)
    _run(torch, topt, tp, 3)
    sd = topt.state_dict()
    tp = [torch.tensor(p.detach().numpy(), requires_grad=True) for p in tp]
    topt = getattr(torch.optim, name)(tp, **kwargs)
    topt.load_state_dict(sd)
    lp = [torchlike.tensor(p.detach().numpy(), requires_grad=True) for p in tp]
    lopt = getattr(torchlike.optim, name)(lp, **kwargs)
    lopt.load_state_dict(to_torchlike(sd))
    _run(torch, topt, tp, 3, start=3)
    _run(torchlike, lopt, lp, 3, start=3)
    for a, b in zip(tp + _state_tensors(topt, tp), lp + _state_tensors(lopt, lp)):
        assert_close(a, b, name)


@pytest.mark.parametrize("name,kwargs", CASES[:4], ids=IDS[:4])
def test_torch_loads_torchlike_state_dict(name, kwargs):
    lp = _params(torchlike, name)
    lopt = getattr(torchlike.optim, name)(lp, **kwargs)
    _run(torchlike, lopt, lp, 3)
    tp = [torch.tensor(p.detach().numpy(), requires_grad=True) for p in lp]
    topt = getattr(torch.optim, name)(tp, **kwargs)
    topt.load_state_dict(to_torch(lopt.state_dict()))
    _run(torch, topt, tp, 3, start=3)
    _run(torchlike, lopt, lp, 3, start=3)
    for a, b in zip(tp + _state_tensors(topt, tp), lp + _state_tensors(lopt, lp)):
        assert_close(a, b, name)


def test_repr_and_defaults():
    for name, kwargs in CASES + [("SparseAdam", {"betas": (0.8, 0.9)})]:
        reprs = [repr(getattr(t.optim, name)(_params(t, "Muon"), **kwargs)) for t in (torch, torchlike)]
        assert reprs[0] == reprs[1]


# -- errors ---------------------------------------------------------------------------------------------
def _p(t, *shape, dtype=None):
    return t.ones(*(shape or (2,)), dtype=dtype, requires_grad=True)


def _step_with(t, cls, p, grad, **kwargs):
    p.grad = grad
    getattr(t.optim, cls)([p], **kwargs).step()


def _sparse_grad(t, n=2):
    return t.sparse_coo_tensor(t.tensor([[0]]), t.tensor([1.0]), (n,))


ERRORS = [
    lambda t: t.optim.ASGD([_p(t)], lr=-1.0),
    lambda t: t.optim.ASGD([_p(t)], weight_decay=-0.5),
    lambda t: t.optim.ASGD([_p(t)], lr=t.tensor([0.1, 0.1])),
    lambda t: t.optim.Rprop([_p(t)], lr=-0.1),
    lambda t: t.optim.Rprop([_p(t)], etas=(1.0, 0.5)),
    lambda t: t.optim.Rprop([_p(t)], etas=(0.5, 1.0)),
    lambda t: t.optim.Adafactor([_p(t)], lr=-1.0),
    lambda t: t.optim.Adafactor([_p(t)], beta2_decay=0.8),
    lambda t: t.optim.Adafactor([_p(t)], eps=(-1e-30, 1e-3)),
    lambda t: t.optim.Adafactor([_p(t)], eps=(None, -1.0)),
    lambda t: t.optim.Adafactor([_p(t)], d=0.5),
    lambda t: t.optim.Adafactor([_p(t)], weight_decay=-0.1),
    lambda t: t.optim.Muon([_p(t, 2, 2)], lr=-1.0),
    lambda t: t.optim.Muon([_p(t, 2, 2)], momentum=-0.1),
    lambda t: t.optim.Muon([_p(t, 2, 2)], weight_decay=-0.1),
    lambda t: t.optim.Muon([_p(t, 2, 2)], adjust_lr_fn="arbitrary"),
    lambda t: t.optim.Muon([_p(t, 2, 2), _p(t, 4)]),
    lambda t: t.optim.Muon([_p(t, 2, 2, 2)]),
    lambda t: _step_with(t, "Muon", _p(t, 2, 2), t.ones(2, 2), ns_steps=100),
    lambda t: _step_with(t, "Muon", _p(t, 2, 2), t.ones(2, 2), ns_coefficients=(1.0, 2.0)),
    lambda t: _step_with(t, "Muon", _p(t, 2, 2, dtype=t.complex64), t.ones(2, 2, dtype=t.complex64)),
    lambda t: _step_with(t, "Adafactor", _p(t, 2, 2, dtype=t.complex64), t.ones(2, 2, dtype=t.complex64)),
    lambda t: _step_with(t, "ASGD", _p(t), _sparse_grad(t)),
    lambda t: _step_with(t, "Rprop", _p(t), _sparse_grad(t)),
    lambda t: _step_with(t, "Adafactor", _p(t), _sparse_grad(t)),
    lambda t: t.optim.SparseAdam([_p(t)], lr=0.0),
    lambda t: t.optim.SparseAdam([_p(t)], eps=0.0),
    lambda t: t.optim.SparseAdam([_p(t)], betas=(1.0, 0.9)),
    lambda t: t.optim.SparseAdam([_p(t)], betas=(0.9, -0.1)),
    lambda t: t.optim.SparseAdam([_p(t)], lr=t.tensor([0.1, 0.1])),
    lambda t: t.optim.SparseAdam([_p(t, dtype=t.complex64)]),
    lambda t: t.optim.SparseAdam([{"params": [_p(t)]}, {"params": [_sparse_grad(t, 3)]}]),
    lambda t: _step_with(t, "SparseAdam", _p(t), t.ones(2)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    check_error(ERRORS[i], area="optim", name=f"optim.extra_error{i}")


def test_sparse_adam_dense_gradient_names_the_gap():
    """torchlike's nn.Embedding(sparse=True) still gives dense gradients: SparseAdam refuses them with a
    NotImplementedError (a RuntimeError, as PyTorch's refusal is) that says so."""
    emb = torchlike.nn.Embedding(5, 3, sparse=True)
    emb(torchlike.tensor([1, 2, 1])).sum().backward()
    if emb.weight.grad.is_sparse:  # (the gap closed: SparseAdam takes the gradient)
        torchlike.optim.SparseAdam(emb.parameters()).step()
        return
    with pytest.raises(NotImplementedError, match="Embedding") as e:
        torchlike.optim.SparseAdam(emb.parameters()).step()
    assert isinstance(e.value, RuntimeError)
