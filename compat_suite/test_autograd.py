"""Autograd semantics against real PyTorch: accumulation, retain_graph, higher order, hooks,
Function, in-place and views, and the errors PyTorch raises."""
import numpy as np
import pytest

from .harness import check, check_error, randn

A = randn(3, 4)
B = randn(4, seed=5)


def _leaf(t, a=A):
    return t.tensor(a, requires_grad=True)


def case(fn):
    """Register fn(t) as a compat case comparing whatever it returns."""
    def test():
        check(fn, grad=False, area="autograd", name=fn.__name__)
    test.__name__ = "test_" + fn.__name__
    globals()[test.__name__] = test
    return fn


@case
def accumulate_twice(t):
    x = _leaf(t)
    (x * 2).sum().backward()
    (x * x).sum().backward()
    return x.grad


@case
def retain_graph_second_backward(t):
    x = _leaf(t)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    g1 = x.grad.clone()
    y.backward()
    return g1, x.grad


@case
def backward_with_gradient(t):
    x = _leaf(t)
    y = x * x
    y.backward(t.tensor(np.cos(np.arange(12.0)).reshape(3, 4).astype(np.float32)))
    return x.grad


@case
def second_derivative(t):
    x = _leaf(t)
    y = (x ** 3).sum()
    (g,) = t.autograd.grad(y, x, create_graph=True)
    (gg,) = t.autograd.grad(g.sum(), x)
    return g, gg


@case
def third_derivative_tanh(t):
    x = _leaf(t)
    y = x.tanh().sum()
    (g,) = t.autograd.grad(y, x, create_graph=True)
    (g2,) = t.autograd.grad(g.sum(), x, create_graph=True)
    (g3,) = t.autograd.grad(g2.sum(), x)
    return g3


@case
def grad_multiple_inputs_and_outputs(t):
    x, w = _leaf(t), t.tensor(B, requires_grad=True)
    y = x @ w
    z = (y * y).sum() + w.sum()
    return t.autograd.grad([z], [x, w])


@case
def grad_allow_unused(t):
    x, w = _leaf(t), t.tensor(B, requires_grad=True)
    return t.autograd.grad((x * 2).sum(), [x, w], allow_unused=True)[0]


@case
def grad_does_not_touch_dot_grad(t):
    x = _leaf(t)
    t.autograd.grad((x * 2).sum(), x)
    return x.grad is None


@case
def backward_inputs_only(t):
    x, w = _leaf(t), t.tensor(B, requires_grad=True)
    (x @ w).sum().backward(inputs=[w])
    return x.grad is None, w.grad


@case
def retain_grad_nonleaf(t):
    x = _leaf(t)
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    return y.grad, x.grad, y.retains_grad


@case
def retained_grad_accumulates_over_backward_passes(t):
    x = _leaf(t)
    y = x * 3
    y.retain_grad()
    y.register_hook(lambda g: g * 2)
    out = (y.sin() * y).sum()
    out.backward(retain_graph=True)
    first = y.grad.clone()
    out.backward()
    return first, y.grad, x.grad


@case
def nonleaf_grad_is_none(t):
    x = _leaf(t)
    y = x * 3
    y.sum().backward()
    return x.grad, y.is_leaf, x.is_leaf


@case
def tensor_hook_scales(t):
    x = _leaf(t)
    y = x * 2
    y.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: g + 1)
    y.sum().backward()
    return x.grad


@case
def hook_handle_remove(t):
    x = _leaf(t)
    h = x.register_hook(lambda g: g * 0)
    h.remove()
    (x * 2).sum().backward()
    return x.grad


@case
def no_grad_blocks_recording(t):
    x = _leaf(t)
    with t.no_grad():
        y = x * 2
    return y.requires_grad, y.grad_fn is None, t.is_grad_enabled()


@case
def set_grad_enabled_and_decorator(t):
    x = _leaf(t)

    @t.no_grad()
    def f(v):
        return v * 2
    with t.set_grad_enabled(False):
        a = x * 2
    with t.enable_grad():
        b = x * 2
    return f(x).requires_grad, a.requires_grad, b.requires_grad


@case
def inference_mode_off_records(t):
    x = _leaf(t)
    with t.inference_mode():
        a = x * 2
    return a.requires_grad


@case
def grad_fn_names(t):
    x = _leaf(t)
    w = t.tensor(B, requires_grad=True)
    names = [(x + 1).grad_fn.name(), (x * 2).grad_fn.name(), (x - x).grad_fn.name(), x.sum().grad_fn.name(),
             x.mean().grad_fn.name(), (x @ w).grad_fn.name(), x.exp().grad_fn.name(), x.view(12).grad_fn.name(),
             x.t().grad_fn.name(), x[0].grad_fn.name(), x.double().grad_fn.name(), (x / 2).grad_fn.name(),
             (x ** 2).grad_fn.name(), (-x).grad_fn.name()]
    return names


@case
def next_functions_of_leaf(t):
    x = _leaf(t)
    y = x * 2
    (fn, nr), = [f for f in y.grad_fn.next_functions if f[0] is not None]
    return fn.name(), nr


@case
def detach_shares_and_cuts(t):
    x = _leaf(t)
    d = x.detach()
    with t.no_grad():
        d.mul_(2)
    return x, d.requires_grad, x._version


@case
def inplace_on_nonleaf_rebases(t):
    x = _leaf(t)
    y = x * 2
    y.add_(1)
    y.mul_(2)
    y.sum().backward()
    return x.grad, y.grad_fn.name()


@case
def inplace_through_view_of_nonleaf(t):
    x = _leaf(t)
    y = x * 1
    y[1].mul_(5)
    y[:, 0] = 0
    (y * y).sum().backward()
    return x.grad


@case
def view_made_before_base_changed_in_place(t):
    x = _leaf(t)
    y = x * 1
    v = y[0:2]
    y.mul_(2)
    y[2:].add_(1)
    (v * v).sum().backward()
    return x.grad, v.grad_fn.name()


@case
def setitem_gradient_to_value(t):
    x = _leaf(t)
    v = t.tensor(B[:3], requires_grad=True)
    y = x * 1
    y[:, 1] = v
    (y ** 2).sum().backward()
    return x.grad, v.grad


@case
def custom_function(t):
    class Cube(t.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x ** 3 * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2 * ctx.k, None
    x = _leaf(t)
    y = Cube.apply(x, 2.0)
    y.sum().backward()
    return y, x.grad, y.grad_fn is not None


@case
def custom_function_needs_input_grad(t):
    seen = []

    class F(t.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            seen.append(ctx.needs_input_grad)
            return g, g
    a, b = _leaf(t), t.tensor(A)
    F.apply(a, b).sum().backward()
    return seen[0], a.grad


@case
def custom_function_setup_context(t):
    class Mul(t.autograd.Function):
        @staticmethod
        def forward(a, b):
            return a * b

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * a
    a, b = _leaf(t), t.tensor(A * 2, requires_grad=True)
    Mul.apply(a, b).sum().backward()
    return a.grad, b.grad


@case
def mark_non_differentiable(t):
    class SortLike(t.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = (x > 0).long()
            ctx.mark_non_differentiable(idx)
            return x * 2, idx

        @staticmethod
        def backward(ctx, g, gi):
            return g * 2
    x = _leaf(t)
    y, idx = SortLike.apply(x)
    y.sum().backward()
    return idx.requires_grad, x.grad


@case
def linear_graph_backward_twice_is_allowed(t):
    x = _leaf(t)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    return x.grad


@case
def requires_grad_flags(t):
    x = t.tensor(A)
    y = x.requires_grad_()
    z = x * 2
    return y is x, z.requires_grad, z.is_leaf, t.tensor(A).requires_grad


def test_error_element_0_no_grad():
    check_error(lambda t: (t.tensor([[1, 2], [3, 4]]) * 2).sum().backward(), area="autograd")


def test_error_backward_twice():
    def f(t):
        x = _leaf(t)
        y = (x * x).sum()
        y.backward()
        y.backward()
    check_error(f, area="autograd")


def test_error_nonscalar_backward():
    check_error(lambda t: (_leaf(t) * 2).backward(), area="autograd")


def test_error_leaf_inplace():
    check_error(lambda t: _leaf(t).add_(1), area="autograd")


def test_error_view_of_leaf_inplace():
    check_error(lambda t: _leaf(t)[0].add_(1), area="autograd")


def test_error_leaf_setitem():
    def f(t):
        x = _leaf(t)
        x[0] = 1.0
    check_error(f, area="autograd")


def test_error_modified_saved_tensor():
    def f(t):
        x = _leaf(t)
        y = x * 2
        z = y * y
        y.add_(1)
        z.sum().backward()
    check_error(f, area="autograd")


def test_scalar_mul_saves_nothing():
    def f(t):
        x = _leaf(t)
        h = x * 1
        y = h * 2
        h.add_(1)
        y.sum().backward()
        return x.grad
    check(f, grad=False, area="autograd", name="scalar_mul_saves_nothing")


def test_error_modified_saved_output():
    def f(t):
        x = _leaf(t)
        y = x.exp()
        y.add_(1)
        y.sum().backward()
    check_error(f, area="autograd", same_message=False)


def test_error_int_requires_grad():
    check_error(lambda t: t.tensor([1, 2]).requires_grad_(), area="autograd")


def test_error_int_tensor_requires_grad_kwarg():
    check_error(lambda t: t.tensor([1, 2], requires_grad=True), area="autograd")


def test_error_grad_unused():
    def f(t):
        x, w = _leaf(t), t.tensor(B, requires_grad=True)
        t.autograd.grad((x * 2).sum(), [x, w])
    check_error(f, area="autograd")


def test_error_set_requires_grad_nonleaf():
    def f(t):
        y = _leaf(t) * 2
        y.requires_grad = False
    check_error(f, area="autograd")


def test_error_numpy_requires_grad():
    check_error(lambda t: _leaf(t).numpy(), area="autograd")


def test_error_hook_on_no_grad_tensor():
    check_error(lambda t: t.tensor(A).register_hook(lambda g: g), area="autograd")


def test_error_grad_shape_mismatch():
    check_error(lambda t: (_leaf(t) * 2).backward(t.ones(2)), area="autograd")


@pytest.mark.parametrize("fn", ["exp", "tanh", "sigmoid", "sin", "log1p", "sqrt"])
def test_second_order_unary(fn):
    def f(t, x):
        x = x.abs() + 0.1 if fn in ("sqrt", "log1p") else x
        (g,) = t.autograd.grad(getattr(x, fn)().sum(), x, create_graph=True)
        return g
    check(f, A, area="autograd", name=f"second_order_{fn}")


# ----- who owns a gradient: .grad never shares storage with a tensor the caller holds -----
def _backward_twice_with_the_same_gradient(t):
    w = t.ones(3, requires_grad=True)
    g = t.tensor([1.0, 2.0, 3.0])
    w.backward(g)
    w.backward(g)
    return g, w.grad


def _grad_of_a_computed_tensor_twice(t):
    w = t.ones(3, requires_grad=True)
    g = t.tensor([1.0, 2.0, 3.0])
    (w * 2).backward(g)
    (w * 2).backward(g)
    return g, w.grad


def _function_returning_one_gradient_for_both(t):
    class Both(t.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, g

    return Both


def _one_gradient_for_two_inputs(t):
    Both = _function_returning_one_gradient_for_both(t)
    a, b = t.ones(2, requires_grad=True), t.ones(2, requires_grad=True)
    Both.apply(a, b).sum().backward()
    a.grad.add_(1)
    return a.grad, b.grad


def _user_holds_grad_across_backwards(t):
    w = t.ones(2, requires_grad=True)
    (w * 3).sum().backward()
    held = w.grad
    (w * 3).sum().backward()
    return held, w.grad, t.tensor(held is w.grad)


def _zero_grad_keeps_tensors_then_backward_again(t):
    w = t.nn.Parameter(t.ones(3))
    opt = t.optim.SGD([w], lr=0.1)
    g = t.tensor([1.0, 2.0, 3.0])
    w.backward(g)
    held = w.grad
    opt.zero_grad(set_to_none=False)
    w.backward(g)
    return g, held, w.grad, t.tensor(held is w.grad)


def _zero_grad_after_one_gradient_for_two_inputs(t):
    Both = _function_returning_one_gradient_for_both(t)
    a, b = t.ones(2, requires_grad=True), t.ones(2, requires_grad=True)
    Both.apply(a, b).sum().backward()
    t.optim.SGD([a, b], lr=1.0).zero_grad(set_to_none=False)
    Both.apply(a, b).sum().backward()
    a.grad.add_(5)
    return a.grad, b.grad


@pytest.mark.parametrize("fn", [_backward_twice_with_the_same_gradient, _grad_of_a_computed_tensor_twice,
                                _one_gradient_for_two_inputs, _user_holds_grad_across_backwards,
                                _zero_grad_keeps_tensors_then_backward_again,
                                _zero_grad_after_one_gradient_for_two_inputs])
def test_gradient_ownership(fn):
    check(fn, grad=False, name=fn.__name__)


def test_numpy_zero_d_arrays_and_scalars_keep_their_shape():
    check(lambda t: (t.from_numpy(np.array(3.0)), t.tensor(np.float32(2.0)), t.as_tensor(np.int64(4)),
                     t.from_numpy(np.ones((2, 3))[:, ::2])), grad=False, name="numpy_0d")


def _increment_function(t):
    class Inc(t.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return Inc


def test_mark_dirty_returns_the_input_with_its_history_moved():
    def run(t):
        a = t.ones(3, requires_grad=True)
        b = a * 3
        c = _increment_function(t).apply(b)
        (c * c).sum().backward()
        return c, a.grad, t.tensor([c is b, b._version]), t.tensor(b.grad_fn.name() == "IncBackward")
    check(run, grad=False, name="mark_dirty")


def test_mark_dirty_on_a_leaf_that_requires_grad_raises():
    check_error(lambda t: _increment_function(t).apply(t.ones(3, requires_grad=True)), name="mark_dirty_leaf")


def test_mark_dirty_of_a_tensor_not_returned_raises():
    def run(t):
        class Bad(t.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                y.add_(1)
                ctx.mark_dirty(y)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g, None
        Bad.apply(t.ones(2, requires_grad=True), t.ones(2))
    check_error(run, name="mark_dirty_not_returned")
