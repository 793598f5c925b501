"""In-place ops under autograd: which chains PyTorch differentiates (and to what gradient) and which it
refuses with "modified by an inplace operation". torchlike's nodes keep immutable arrays, so its gradients
would be right either way; the sweep checks it refuses exactly where PyTorch does, and agrees elsewhere."""
import pytest

from .harness import check, check_error, torch, torchlike


def _chain(make, *steps, read=lambda t, x, y: y.sum()):
    """x (leaf) -> y = make(x) -> in-place steps on y -> backward of read(x, y); returns x.grad."""
    def run(t):
        x = t.tensor([0.5, -1.0, 2.0], dtype=t.float64, requires_grad=True)
        y = make(t, x)
        for step in steps:
            step(t, y)
        read(t, x, y).backward()
        return x.grad
    return run


def _saved_then_modified(make_saved, modify):
    """z = make_saved(y) saves y (or its output); then y is modified; z's backward runs."""
    def run(t):
        x = t.tensor([0.5, -1.0, 2.0], dtype=t.float64, requires_grad=True)
        y = x * 2
        z = make_saved(t, y)
        modify(t, y)
        z.sum().backward()
        return x.grad
    return run


def _view_chain(*steps):
    def run(t):
        x = t.tensor([0.5, -1.0, 2.0, 3.0], dtype=t.float64, requires_grad=True)
        y = x * 2
        for step in steps:
            step(t, y)
        y.sum().backward()
        return x.grad
    return run


def _times2(t, x):
    return x * 2


def _const(t):
    return t.ones(3, dtype=t.float64)


def _add_one_without_grad(t, y):
    with t.no_grad():
        y.add_(1)


CASES = {
    # chains of in-place ops on a non-leaf
    "add_mul_exp": _chain(_times2, lambda t, y: y.add_(1), lambda t, y: y.mul_(3), lambda t, y: y.exp_()),
    "sigmoid_then_mul": _chain(_times2, lambda t, y: y.sigmoid_(), lambda t, y: y.mul_(2)),
    "relu_then_add": _chain(_times2, lambda t, y: y.relu_(), lambda t, y: y.add_(1)),
    "tanh_twice": _chain(_times2, lambda t, y: y.tanh_(), lambda t, y: y.tanh_()),
    "exp_then_exp": _chain(_times2, lambda t, y: y.exp_(), lambda t, y: y.exp_()),
    "exp_last": _chain(_times2, lambda t, y: y.add_(1), lambda t, y: y.exp_()),
    "sqrt_after_pow": _chain(lambda t, x: x * 1 + 3, lambda t, y: y.pow_(2), lambda t, y: y.sqrt_()),
    "sqrt_then_add": _chain(lambda t, x: x * 1 + 3, lambda t, y: y.sqrt_(), lambda t, y: y.add_(1)),
    "clamp_then_div": _chain(_times2, lambda t, y: y.clamp_(0, 0.5), lambda t, y: y.div_(2)),
    "mul_by_self_then_add": _chain(_times2, lambda t, y: y.mul_(y), lambda t, y: y.add_(1)),
    "neg_abs_chain": _chain(_times2, lambda t, y: y.neg_(), lambda t, y: y.abs_()),
    "abs_then_neg": _chain(_times2, lambda t, y: y.abs_(), lambda t, y: y.neg_()),
    "sin_then_cos": _chain(_times2, lambda t, y: y.sin_(), lambda t, y: y.cos_()),
    "F_relu_inplace_then_mul": _chain(_times2, lambda t, y: t.nn.functional.relu(y, inplace=True),
                                      lambda t, y: y.mul_(2)),
    "F_leaky_relu_inplace_then_mul": _chain(_times2, lambda t, y: t.nn.functional.leaky_relu(y, 0.1, inplace=True),
                                            lambda t, y: y.mul_(2)),
    "F_elu_inplace_then_add": _chain(_times2, lambda t, y: t.nn.functional.elu(y, inplace=True),
                                     lambda t, y: y.add_(1)),
    "F_hardtanh_inplace_then_add": _chain(_times2, lambda t, y: t.nn.functional.hardtanh(y, inplace=True),
                                          lambda t, y: y.add_(1)),
    "read_uses_x_and_y": _chain(_times2, lambda t, y: y.add_(1), read=lambda t, x, y: (x * y).sum()),
    "transpose_in_place_then_mul": _chain(lambda t, x: (x * 1).reshape(3, 1), lambda t, y: y.t_(),
                                          lambda t, y: y.mul_(2)),
    # a tensor another node saved, modified afterwards
    "mul_saves_operand": _saved_then_modified(lambda t, y: y * y, lambda t, y: y.add_(1)),
    "exp_saves_output_input_modified": _saved_then_modified(lambda t, y: y.exp(), lambda t, y: y.add_(1)),
    "relu_saves_output_input_modified": _saved_then_modified(lambda t, y: y.relu(), lambda t, y: y.add_(1)),
    "sin_saves_input": _saved_then_modified(lambda t, y: y.sin(), lambda t, y: y.add_(1)),
    "sum_saves_nothing": _saved_then_modified(lambda t, y: y.sum() * 1, lambda t, y: y.add_(1)),
    "add_saves_nothing": _saved_then_modified(lambda t, y: y + 1, lambda t, y: y.mul_(2)),
    "scalar_mul_saves_nothing": _saved_then_modified(lambda t, y: y * 3, lambda t, y: y.mul_(2)),
    "div_by_y_saves_y": _saved_then_modified(lambda t, y: 1 / y, lambda t, y: y.add_(1)),
    "softmax_saves_output": _saved_then_modified(lambda t, y: t.softmax(y, 0) * t.tensor([1.0, 2.0, 3.0],
                                                                                      dtype=t.float64),
                                                 lambda t, y: y.add_(1)),
    "matmul_saves_operand": _saved_then_modified(lambda t, y: y.reshape(1, 3) @ y.reshape(3, 1),
                                                 lambda t, y: y.add_(1)),
    "modified_under_no_grad": _saved_then_modified(lambda t, y: y * y, lambda t, y: _add_one_without_grad(t, y)),
    "modified_through_detach": _saved_then_modified(lambda t, y: y * y, lambda t, y: y.detach().add_(1)),
    "data_write_keeps_the_version": lambda t: _data_write_version(t),
    "output_of_exp_modified": _saved_then_modified(lambda t, y: y.exp(), lambda t, y: None),
    # scalar and constant forms: which still save their input
    "pow_scalar_saves_input": _saved_then_modified(lambda t, y: y.pow(2), lambda t, y: y.add_(1)),
    "sqrt_by_pow_saves_input": _saved_then_modified(lambda t, y: y ** 0.5, lambda t, y: y.add_(1)),
    "scalar_pow_tensor": _saved_then_modified(lambda t, y: 2 ** y, lambda t, y: y.add_(1)),
    "pow_tensor_exponent": _saved_then_modified(lambda t, y: y.pow(_const(t) * 2), lambda t, y: y.add_(1)),
    "clamp_scalars": _saved_then_modified(lambda t, y: y.clamp(0, 1), lambda t, y: y.add_(1)),
    "clamp_min_scalar": _saved_then_modified(lambda t, y: y.clamp(min=0), lambda t, y: y.add_(1)),
    "elu_saves_input": _saved_then_modified(lambda t, y: t.nn.functional.elu(y), lambda t, y: y.add_(1)),
    "xlogy_scalar_other": _saved_then_modified(lambda t, y: t.xlogy(y, 2.0), lambda t, y: y.add_(1)),
    "prelu_constant_weight": _saved_then_modified(
        lambda t, y: t.nn.functional.prelu(y, t.tensor([0.2], dtype=t.float64)), lambda t, y: y.add_(1)),
    "atan2_constant": _saved_then_modified(lambda t, y: t.atan2(y, _const(t)), lambda t, y: y.add_(1)),
    "maximum_constant": _saved_then_modified(lambda t, y: t.maximum(y, _const(t) * 0), lambda t, y: y.add_(1)),
    "minimum_constant": _saved_then_modified(lambda t, y: t.minimum(y, _const(t) * 0), lambda t, y: y.add_(1)),
    "mul_constant_tensor": _saved_then_modified(lambda t, y: y * _const(t), lambda t, y: y.add_(1)),
    "div_constant_tensor": _saved_then_modified(lambda t, y: y / _const(t), lambda t, y: y.add_(1)),
    "fmod_scalar": _saved_then_modified(lambda t, y: t.fmod(y, 1.5), lambda t, y: y.add_(1)),
    "where_constant": _saved_then_modified(lambda t, y: t.where(y > 0, y, _const(t) * 0), lambda t, y: y.add_(1)),
    "lerp_constant": _saved_then_modified(lambda t, y: t.lerp(y, _const(t), t.tensor(0.3, dtype=t.float64)),
                                          lambda t, y: y.add_(1)),
    "addcmul_constants": _saved_then_modified(lambda t, y: t.addcmul(y, _const(t), _const(t)), lambda t, y: y.add_(1)),
    # writes through views
    "slice_mul": _view_chain(lambda t, y: y[:2].mul_(3)),
    "slice_exp": _view_chain(lambda t, y: y[1:].exp_()),
    "two_slices": _view_chain(lambda t, y: y[:2].mul_(3), lambda t, y: y[2:].add_(1)),
    "select_sigmoid_then_add": _view_chain(lambda t, y: y[0].sigmoid_(), lambda t, y: y.add_(1)),
    "view_reshape_mul": _view_chain(lambda t, y: y.view(2, 2)[0].mul_(2)),
    "setitem_then_exp": _view_chain(lambda t, y: y.__setitem__(0, 5.0), lambda t, y: y.exp_()),
}


def _data_write_version(t):
    """A write through .data is not an autograd modification: the version stays (PyTorch's .data has
    its own counter), so a graph that saved nothing of it differentiates as usual."""
    x = t.tensor([0.5, 1.0], dtype=t.float64, requires_grad=True)
    y = x * 2
    z = y.exp()
    y.data.add_(1)
    z.sum().backward()
    return x.grad, t.tensor(y._version)


def _exp_output_modified(t):
    x = t.tensor([0.5, 1.0], dtype=t.float64, requires_grad=True)
    z = x.exp()
    z.add_(1)
    z.sum().backward()
    return x.grad


CASES["exp_output_modified_in_place"] = _exp_output_modified


def _torch_raises(fn) -> bool:
    try:
        fn(torch)
    except RuntimeError:
        return True
    return False


@pytest.mark.parametrize("name", list(CASES))
def test_in_place_chain(name):
    fn = CASES[name]
    if _torch_raises(fn):
        check_error(fn, name=f"inplace_{name}")
    else:
        check(fn, grad=False, name=f"inplace_{name}")


def test_the_sweep_covers_both_outcomes():
    raising = sum(_torch_raises(fn) for fn in CASES.values())
    assert 10 <= raising <= len(CASES) - 10, raising


def test_a_data_write_after_saving_is_not_seen_by_torchlikes_backward():
    """A known difference: PyTorch's backward reads a saved tensor's memory, so a write through .data
    (which it does not count as a modification) changes its gradient; torchlike's nodes keep the values
    they saved, so its gradient is the one of the values at the time of the forward."""
    def grad_after_data_write(t):
        x = t.tensor([0.5, 1.0], dtype=t.float64, requires_grad=True)
        y = x * 2
        z = y * y
        y.data.add_(1)
        z.sum().backward()
        return x.grad.tolist()
    assert grad_after_data_write(torch) == [8.0, 12.0]  # 2 * (y + 1) * 2
    assert grad_after_data_write(torchlike) == [4.0, 8.0]  # 2 * y * 2, y as saved
