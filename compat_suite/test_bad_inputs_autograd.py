"""Autograd misuse, `.grad` assignment, tensor-to-Python conversions, optimizer and lr_scheduler
arguments: torchlike must raise PyTorch's exception type with a similar message."""
import pytest

from .harness import check_error


def _leaf(t, n=3):
    return t.ones(n, requires_grad=True)


def _backward_twice(t):
    x = _leaf(t)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _grad_twice(t):
    x = _leaf(t)
    y = x.exp().sum()
    t.autograd.grad(y, x)
    t.autograd.grad(y, x)


def _backward_after_inplace(t):
    x = _leaf(t)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def _backward_wrong_grad_shape(t):
    (_leaf(t) * 2).backward(t.ones(2))


def _backward_under_no_grad(t):
    x = _leaf(t)
    with t.no_grad():
        y = (x * 2).sum()
    y.backward()


def _set_grad(t, value):
    _leaf(t).grad = value


def _requires_grad_false_on_non_leaf(t):
    (_leaf(t) * 2).requires_grad_(False)


AUTOGRAD = [
    ("backward_twice", _backward_twice),
    ("grad_twice", _grad_twice),
    ("backward_non_scalar", lambda t: (_leaf(t) * 2).backward()),
    ("backward_without_grad", lambda t: t.ones(3).sum().backward()),
    ("backward_wrong_grad_shape", _backward_wrong_grad_shape),
    ("backward_after_inplace_on_saved", _backward_after_inplace),
    ("backward_of_no_grad_result", _backward_under_no_grad),
    ("grad_input_without_requires_grad", lambda t: t.autograd.grad(_leaf(t).sum(), t.ones(3))),
    ("grad_unused_input", lambda t: t.autograd.grad(_leaf(t).sum(), _leaf(t))),
    ("grad_non_scalar_output", lambda t: (lambda x: t.autograd.grad(x * 2, x))(_leaf(t))),
    ("grad_output_without_grad", lambda t: t.autograd.grad(t.ones(3).sum(), _leaf(t))),
    ("inplace_on_leaf", lambda t: _leaf(t).add_(1)),
    ("setitem_on_leaf", lambda t: _leaf(t).__setitem__(0, 2.0)),
    ("inplace_on_view_of_leaf", lambda t: _leaf(t)[:1].mul_(2)),
    ("zero_on_leaf", lambda t: _leaf(t).zero_()),
    ("requires_grad_on_long", lambda t: t.arange(3).requires_grad_()),
    ("requires_grad_attribute_on_int", lambda t: setattr(t.ones(2, dtype=t.int32), "requires_grad", True)),
    ("requires_grad_false_on_non_leaf", _requires_grad_false_on_non_leaf),
    ("retain_grad_without_requires_grad", lambda t: t.ones(3).retain_grad()),
    ("register_hook_without_requires_grad", lambda t: t.ones(3).register_hook(lambda g: g)),
    ("detach_inplace_on_view", lambda t: (lambda x: x[:2].detach_())(_leaf(t) * 1)),
    ("numpy_of_requires_grad", lambda t: _leaf(t).numpy()),
    ("item_of_many", lambda t: t.ones(2).item()),
    ("item_of_empty", lambda t: t.ones(0).item()),
    ("bool_of_many", lambda t: bool(t.ones(2))),
    ("bool_of_empty", lambda t: bool(t.ones(0))),
    ("float_of_many", lambda t: float(t.ones(3))),
    ("index_of_float", lambda t: [1, 2, 3][t.tensor(1.0)]),
    ("index_of_many", lambda t: [1, 2, 3][t.tensor([1, 2])]),
    ("tolist_then_int_many", lambda t: int(t.ones(2, 2))),
    # .grad assignment
    ("grad_of_wrong_shape_2d", lambda t: _set_grad(t, t.ones(3, 1))),
    ("grad_of_int_dtype", lambda t: _set_grad(t, t.ones(3, dtype=t.int64))),
    ("grad_of_list", lambda t: _set_grad(t, [1.0, 1.0, 1.0])),
    ("grad_of_numpy_like_float", lambda t: _set_grad(t, 1.0)),
    ("grad_of_scalar_tensor", lambda t: _set_grad(t, t.tensor(1.0))),
]


def _param(t):
    return [t.nn.Parameter(t.ones(2))]


def _opt(t):
    return t.optim.SGD(_param(t), lr=0.1)


def _duplicate_across_groups(t):
    p = t.nn.Parameter(t.ones(2))
    t.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)


def _add_group_with_existing(t):
    p = t.nn.Parameter(t.ones(2))
    t.optim.SGD([p], lr=0.1).add_param_group({"params": [p]})


def _load_group_count(t):
    opt = _opt(t)
    state = opt.state_dict()
    state["param_groups"] = state["param_groups"] * 2
    opt.load_state_dict(state)


def _sched(t, name, *args, **kwargs):
    return getattr(t.optim.lr_scheduler, name)(_opt(t), *args, **kwargs)


OPTIM = [
    ("sgd_negative_lr", lambda t: t.optim.SGD(_param(t), lr=-1)),
    ("sgd_negative_momentum", lambda t: t.optim.SGD(_param(t), lr=0.1, momentum=-0.5)),
    ("sgd_negative_weight_decay", lambda t: t.optim.SGD(_param(t), lr=0.1, weight_decay=-1)),
    ("sgd_nesterov_without_momentum", lambda t: t.optim.SGD(_param(t), lr=0.1, nesterov=True)),
    ("adam_beta1_one", lambda t: t.optim.Adam(_param(t), betas=(1.0, 0.999))),
    ("adam_beta2_above_one", lambda t: t.optim.Adam(_param(t), betas=(0.9, 1.5))),
    ("adam_negative_eps", lambda t: t.optim.Adam(_param(t), eps=-1)),
    ("adam_negative_lr", lambda t: t.optim.Adam(_param(t), lr=-1)),
    ("adamw_negative_weight_decay", lambda t: t.optim.AdamW(_param(t), weight_decay=-1)),
    ("adamw_negative_beta", lambda t: t.optim.AdamW(_param(t), betas=(-0.1, 0.9))),
    ("rmsprop_negative_alpha", lambda t: t.optim.RMSprop(_param(t), alpha=-1)),
    ("rmsprop_negative_momentum", lambda t: t.optim.RMSprop(_param(t), momentum=-1)),
    ("adagrad_negative_lr_decay", lambda t: t.optim.Adagrad(_param(t), lr_decay=-1)),
    ("adagrad_negative_lr", lambda t: t.optim.Adagrad(_param(t), lr=-0.5)),
    ("sgd_of_a_tensor", lambda t: t.optim.SGD(t.nn.Parameter(t.ones(2)), lr=0.1)),
    ("sgd_empty_list", lambda t: t.optim.SGD([], lr=0.1)),
    ("adam_empty_generator", lambda t: t.optim.Adam(t.nn.Sequential().parameters())),
    ("sgd_of_int", lambda t: t.optim.SGD(5, lr=0.1)),
    ("sgd_duplicate_across_groups", _duplicate_across_groups),
    ("sgd_non_leaf", lambda t: t.optim.SGD([_leaf(t) * 2], lr=0.1)),
    ("add_param_group_existing", _add_group_with_existing),
    ("load_state_dict_group_count", _load_group_count),
    # lr schedulers
    ("step_lr_not_an_optimizer", lambda t: t.optim.lr_scheduler.StepLR(t.nn.Linear(2, 2), 1)),
    ("lambda_lr_wrong_count", lambda t: _sched(t, "LambdaLR", [lambda e: 1.0, lambda e: 1.0])),
    ("one_cycle_without_steps", lambda t: _sched(t, "OneCycleLR", max_lr=0.1)),
    ("one_cycle_zero_total_steps", lambda t: _sched(t, "OneCycleLR", max_lr=0.1, total_steps=0)),
    ("one_cycle_bad_anneal", lambda t: _sched(t, "OneCycleLR", max_lr=0.1, total_steps=5, anneal_strategy="foo")),
    ("cosine_restarts_zero_t0", lambda t: _sched(t, "CosineAnnealingWarmRestarts", T_0=0)),
    ("cosine_restarts_zero_t_mult", lambda t: _sched(t, "CosineAnnealingWarmRestarts", T_0=2, T_mult=0)),
    ("plateau_factor_one", lambda t: _sched(t, "ReduceLROnPlateau", factor=1.0)),
    ("plateau_bad_mode", lambda t: _sched(t, "ReduceLROnPlateau", mode="bad")),
    ("plateau_bad_threshold_mode", lambda t: _sched(t, "ReduceLROnPlateau", threshold_mode="bad")),
    ("cyclic_bad_mode", lambda t: _sched(t, "CyclicLR", base_lr=0.01, max_lr=0.1, mode="bad")),
    ("linear_lr_zero_start", lambda t: _sched(t, "LinearLR", start_factor=0)),
    ("linear_lr_end_above_one", lambda t: _sched(t, "LinearLR", end_factor=2)),
    ("constant_lr_factor_above_one", lambda t: _sched(t, "ConstantLR", factor=2)),
    ("sequential_lr_milestone_count", lambda t: (lambda o: t.optim.lr_scheduler.SequentialLR(
        o, [t.optim.lr_scheduler.StepLR(o, 1), t.optim.lr_scheduler.StepLR(o, 1)], milestones=[]))(_opt(t))),
    ("step_lr_resume_without_initial_lr", lambda t: _sched(t, "StepLR", 1, last_epoch=5)),
]

CASES = AUTOGRAD + OPTIM


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_bad_autograd_and_optim_input(name, fn):
    check_error(fn, name=name)
