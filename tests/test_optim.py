"""torchlike.optim alone: known answers, state structure, one jitted call per group, no recompiles on lr change."""
import numpy as np
import pytest

import torchlike as torch
from torchlike.optim import optimizer as optimizer_mod


def _param(values):
    return torch.tensor(np.asarray(values, dtype=np.float32), requires_grad=True)


def test_sgd_momentum_known_answer():
    p = _param([1.0, -2.0])
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    for g in ([1.0, 1.0], [0.5, -1.0]):
        p.grad = torch.tensor(np.asarray(g, dtype=np.float32))
        opt.step()
    # buf1 = g1; p1 = p0 - 0.1 g1; buf2 = 0.9 g1 + g2; p2 = p1 - 0.1 buf2
    np.testing.assert_allclose(p.detach().numpy(), [1 - 0.1 - 0.1 * 1.4, -2 - 0.1 - 0.1 * -0.1], rtol=1e-6)
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].numpy(), [1.4, -0.1], rtol=1e-6)


def test_adam_first_step_is_lr_times_sign():
    p = _param([1.0, -2.0, 3.0])
    opt = torch.optim.Adam([p], lr=0.01)
    p.grad = torch.tensor(np.asarray([3.0, -0.5, 2.0], dtype=np.float32))
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.99, -1.99, 2.99], rtol=1e-6)
    st = opt.state[p]
    assert sorted(st) == ["exp_avg", "exp_avg_sq", "step"]
    assert st["step"].dtype == torch.float32 and st["step"].shape == () and st["step"].item() == 1.0


def test_adamw_decoupled_decay_known_answer():
    p = _param([2.0])
    opt = torch.optim.AdamW([p], lr=0.1, weight_decay=0.5)
    p.grad = torch.tensor(np.asarray([1.0], dtype=np.float32))
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [2.0 * (1 - 0.05) - 0.1], rtol=1e-6)


def test_adagrad_and_rmsprop_known_answers():
    p = _param([1.0])
    opt = torch.optim.Adagrad([p], lr=0.5, initial_accumulator_value=3.0)
    p.grad = torch.tensor(np.asarray([1.0], dtype=np.float32))
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [1.0 - 0.5 / 2.0], rtol=1e-6)
    q = _param([1.0])
    opt = torch.optim.RMSprop([q], lr=0.1, alpha=0.75)
    q.grad = torch.tensor(np.asarray([2.0], dtype=np.float32))
    opt.step()
    np.testing.assert_allclose(q.detach().numpy(), [1.0 - 0.1 * 2.0 / 1.0], rtol=1e-6)


def test_params_without_grad_are_skipped():
    a, b = _param([1.0]), _param([5.0])
    opt = torch.optim.Adam([a, b], lr=0.1)
    a.grad = torch.ones(1)
    opt.step()
    assert b.item() == 5.0 and b not in opt.state and a.item() != 1.0


def test_one_jitted_call_per_group_and_no_recompile_when_lr_changes(monkeypatch):
    calls, used = [], []
    real = optimizer_mod._jitted

    def counting(kernel, static, *donate):
        fn = real(kernel, static, *donate)
        used.append(fn)
        return lambda *a: calls.append(kernel) or fn(*a)

    monkeypatch.setattr(optimizer_mod, "_jitted", counting)
    params = [_param(np.ones(3)) for _ in range(20)]
    opt = torch.optim.Adam([{"params": params[:10]}, {"params": params[10:], "lr": 0.5}], lr=0.1)
    for p in params:
        p.grad = torch.ones(3)
    opt.step()
    assert len(calls) == 2
    opt.step()
    fn = used[-2]  # group 0's program (donating, from the second step on)
    size = fn._cache_size()
    for lr in (0.01, 0.02, 0.03):
        opt.param_groups[0]["lr"] = lr
        opt.step()
    assert fn._cache_size() == size and len(calls) == 10 and used[-2] is fn


def test_inplace_update_keeps_tensor_identity_and_bumps_version():
    p = _param([1.0, 2.0])
    alias = p.detach()
    v = p._version
    opt = torch.optim.SGD([p], lr=1.0)
    p.grad = torch.ones(2)
    opt.step()
    assert alias.tolist() == [0.0, 1.0] and p._version > v


def test_state_dict_layout_and_load():
    a, b = _param([1.0]), _param([2.0, 3.0])
    opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    a.grad, b.grad = torch.ones(1), torch.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert set(sd["state"]) == {0, 1} and sorted(sd["param_groups"][1]) == sorted(
        ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable", "fused",
         "params"])
    opt2 = torch.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1, momentum=0.9)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[1]["lr"] == 0.5 and opt2.state[b]["momentum_buffer"].tolist() == [1.0, 1.0]


def test_errors_and_repr():
    with pytest.raises(ValueError, match="more than one parameter group"):
        p = _param([1.0])
        torch.optim.SGD([{"params": [p]}, {"params": [p]}])
    with pytest.raises(ValueError, match="empty parameter list"):
        torch.optim.Adam([])
    with pytest.raises(NotImplementedError, match="complex"):
        c = torch.tensor(np.ones(2, np.complex64), requires_grad=True)
        c.grad = torch.tensor(np.ones(2, np.complex64))
        torch.optim.Adam([c]).step()
    assert repr(torch.optim.SGD([_param([1.0])], lr=0.1)).startswith("SGD (\nParameter Group 0\n    dampening: 0\n")


def test_lbfgs_minimizes_a_quadratic():
    x = _param([3.0, -4.0])
    opt = torch.optim.LBFGS([x], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((x - torch.tensor([1.0, 2.0])) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 2.0], atol=1e-4)


def test_update_writes_in_place_only_over_arrays_nothing_else_holds():
    """The step donates parameter and state arrays to XLA only when their tensor is their sole
    owner; an array someone still holds (a jax export, a numpy view, a retained graph) stays valid."""
    def run(hold):
        torch.manual_seed(0)
        m = torch.nn.Linear(3, 2)
        opt = torch.optim.Adam(m.parameters(), lr=0.1)
        x = torch.ones(4, 3)
        held, out = [], []
        for step in range(3):
            opt.zero_grad()
            loss = m(x).pow(2).sum()
            loss.backward(retain_graph=hold == "graph")
            if hold == "jax":
                held.append((m.weight.jax(), m.weight.detach().numpy().copy()))
            elif hold == "numpy":
                held.append((np.asarray(m.weight), m.weight.detach().numpy().copy()))
            assert optimizer_mod._sole_owner(list(m.parameters())) == (hold is None)
            opt.step()
            if hold == "graph":  # the retained graph's saved arrays are still there
                node = loss.grad_fn.next_functions[0][0]
                while node is not None and not getattr(node, "arrays", None):
                    node = node.next_functions[0][0]
                assert node is not None and not any(a.is_deleted() for a in node.arrays if hasattr(a, "is_deleted"))
            out.append(m.weight.detach().numpy().copy())
        for h, copy in held:
            np.testing.assert_array_equal(np.asarray(h), copy)
        return out

    plain = run(None)
    for hold in ("jax", "numpy", "graph"):
        np.testing.assert_array_equal(run(hold)[-1], plain[-1])
    assert any(key[2] == (0, 2) for key in optimizer_mod._JITS), "the plain run donates params and state"
