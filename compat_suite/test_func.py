"""torch.func against real PyTorch: grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, linearize,
vmap and functional_call (values, shapes, dtypes, pytree structure) and the errors for misuse."""
import numpy as np
import pytest

from .harness import check, check_error, randint, randn

X = randn(3, 4)
Y = randn(4, seed=5)
V = randn(5, seed=2)
X64 = randn(3, seed=3, dtype=np.float64)
BATCH = randn(6, 3, seed=4)
TARGET = randint(0, 2, 6)
W = randn(2, 3, seed=6)
B = randn(2, seed=7)


def case(*inputs, tol=None):
    """Register fn(t, *tensors) as a compat case (no input requires grad: the transforms do the differentiating)."""
    def register(fn):
        def test():
            check(lambda t, *a: _plain(fn(t, *a)), *inputs, grad=False, area="func", name=fn.__name__, tol=tol)
        test.__name__ = "test_" + fn.__name__
        globals()[test.__name__] = test
        return fn
    return register


def error_case(fn):
    def test():
        check_error(fn, area="func", name=fn.__name__)
    test.__name__ = "test_error_" + fn.__name__
    globals()[test.__name__] = test
    return fn


def _f(x, y):
    return (x.sin() * y).sum() + (x * x).sum()


def _items(d):
    """A dict as (keys, values), which the harness compares element by element."""
    return list(d.keys()), list(d.values())


def _plain(out):
    """The output as nested lists the harness compares element by element, each container led by its type's
    name (so a tuple where PyTorch returns a list fails); dicts as their keys, then their values."""
    if isinstance(out, dict):
        return [type(out).__name__, list(out.keys()), _plain(list(out.values()))[1:]]
    if isinstance(out, (tuple, list)):
        return [type(out).__name__] + [_plain(o) for o in out]
    return out


NEG = np.array([-2.0, 3.0, -0.5], dtype=np.float32)
EXP = np.array([2.0, 3.0, 1.5], dtype=np.float32)


@case(NEG)
def jvp_of_power_with_negative_base(t, x):
    # The constant exponent adds no tangent term: no NaN from log(x) at x < 0.
    return t.func.jvp(lambda a: a ** 3, (x,), (t.ones_like(x),)), t.func.jacfwd(lambda a: a ** 2.5 * 0 + a ** 2)(x)


@case(NEG, EXP)
def jvp_of_power_with_tensor_exponent(t, x, e):
    return t.func.jvp(lambda a, b: a ** b, (x, e), (t.ones_like(x), t.ones_like(e)))


# ----- grad / grad_and_value -----

@case(X, Y)
def grad_default_argnum(t, x, y):
    return t.func.grad(_f)(x, y)


@case(X, Y)
def grad_argnum_one(t, x, y):
    return t.func.grad(_f, argnums=1)(x, y)


@case(X, Y)
def grad_argnums_tuple(t, x, y):
    return t.func.grad(_f, argnums=(0, 1))(x, y)


@case(X, Y)
def grad_negative_argnum(t, x, y):
    return t.func.grad(_f, argnums=-1)(x, y)


@case(X, Y)
def grad_has_aux(t, x, y):
    return t.func.grad(lambda x, y: (_f(x, y), {"m": x.mean(), "y": y * 2}), has_aux=True)(x, y)


@case(X, Y)
def grad_and_value_plain(t, x, y):
    return t.func.grad_and_value(_f, argnums=(0, 1))(x, y)


@case(X, Y)
def grad_and_value_aux(t, x, y):
    return t.func.grad_and_value(lambda x, y: (_f(x, y), x.exp()), has_aux=True)(x, y)


@case(X64)
def grad_float64(t, x):
    return t.func.grad(lambda x: (x ** 3).sum() / x.norm())(x)


@case(X, Y)
def grad_tuple_and_dict_inputs(t, x, y):
    g = t.func.grad(lambda p: (p["w"] * p["v"][0]).sum() + p["v"][1].pow(2).sum())({"w": x, "v": (y, x)})
    return list(g.keys()), g["w"], list(g["v"])


@case(X, Y)
def grad_kwargs_not_differentiated(t, x, y):
    return t.func.grad(lambda x, *, scale: (x * scale).sum())(x, scale=y)


@case(X)
def grad_of_grad(t, x):
    return t.func.grad(lambda x: t.func.grad(lambda y: (y ** 4).sum())(x).sum())(x)


@case(X)
def grad_detach_stops_gradient(t, x):
    return t.func.grad(lambda x: (x * x.detach()).sum())(x)


@case(X)
def grad_integer_output_is_zero(t, x):
    return t.func.grad(lambda x: (x * 3).sum().long())(x)


# ----- vjp / jvp / linearize -----

@case(X, Y)
def vjp_single(t, x, y):
    out, fn = t.func.vjp(lambda x: x.tanh() * 3, x)
    return out, fn(t.ones_like(out) * y)


@case(X, Y)
def vjp_tuple_outputs_two_primals(t, x, y):
    out, fn = t.func.vjp(lambda a, b: (a * b, (a @ b).sum()), x, y)
    return out, fn((x.cos(), t.tensor(2.0)))


@case(X)
def vjp_has_aux(t, x):
    out, fn, aux = t.func.vjp(lambda a: (a.exp(), a.sum()), x, has_aux=True)
    return out, aux, fn(x)


@case(X, Y)
def vjp_dict_primal(t, x, y):
    out, fn = t.func.vjp(lambda p: p["a"] * p["b"], {"a": x, "b": y})
    (g,) = fn(t.ones_like(out))
    return out, _items(g)


@case(X, Y)
def vjp_other_dtype_cotangent(t, x, y):
    out, fn = t.func.vjp(lambda a: a * 2, x)
    return fn(out.double())


@case(X, Y)
def jvp_single(t, x, y):
    return t.func.jvp(lambda x: x.sin() * x, (x,), (x.cos(),))


@case(X, Y)
def jvp_two_primals(t, x, y):
    return t.func.jvp(lambda a, b: (a * b, (a @ b).sum()), (x, y), (x * 0.5, y.exp()))


@case(X)
def jvp_has_aux(t, x):
    return t.func.jvp(lambda a: (a * a.exp(), a.mean()), (x,), (t.ones_like(x),), has_aux=True)


@case(X)
def linearize_matches_jvp(t, x):
    out, fn = t.func.linearize(lambda a: a.sin().cumsum(0), x)
    return out, fn(x.cos()), fn(t.ones_like(x))


# ----- jacrev / jacfwd / hessian -----

def _vec(x):
    return x.sin() * x.sum()


@case(Y)
def jacrev_vector(t, y):
    return t.func.jacrev(_vec)(y)


@case(Y)
def jacfwd_vector(t, y):
    return t.func.jacfwd(_vec)(y)


@case(X, Y)
def jacrev_argnums_tuple_tuple_output(t, x, y):
    return t.func.jacrev(lambda a, b: (a @ b, (a * a).sum()), argnums=(0, 1))(x, y)


@case(X, Y)
def jacfwd_argnums_tuple_tuple_output(t, x, y):
    return t.func.jacfwd(lambda a, b: (a @ b, (a * a).sum()), argnums=(0, 1))(x, y)


@case(Y)
def jacrev_dict_output(t, y):
    return _items(t.func.jacrev(lambda a: {"double": a * 2, "sum": a.sum()})(y))


@case(Y)
def jacrev_has_aux(t, y):
    return t.func.jacrev(lambda a: (a.exp(), a.max()), has_aux=True)(y)


@case(Y)
def jacfwd_has_aux(t, y):
    return t.func.jacfwd(lambda a: (a.exp(), a.max()), has_aux=True)(y)


@case(Y)
def jacrev_chunk_size(t, y):
    return t.func.jacrev(_vec, chunk_size=2)(y)


@case(X64)
def jacfwd_float64(t, x):
    return t.func.jacfwd(lambda a: a.outer(a).tanh())(x)


@case(Y)
def hessian_scalar(t, y):
    return t.func.hessian(lambda a: (a ** 3).sum() + a.prod())(y)


@case(X, Y)
def hessian_argnums(t, x, y):
    return t.func.hessian(lambda a, b: ((a @ b) ** 2).sum(), argnums=1)(x, y)


@case(Y)
def jacrev_of_jacrev(t, y):
    return t.func.jacrev(t.func.jacrev(lambda a: (a.sin() * a).sum()))(y)


# ----- vmap -----

@case(X)
def vmap_default(t, x):
    return t.vmap(lambda r: r * r.sum())(x)


@case(X, Y)
def vmap_in_dims_none(t, x, y):
    return t.vmap(lambda r, w: r @ w, in_dims=(0, None))(x, y)


@case(X, Y)
def vmap_in_dims_one(t, x, y):
    return t.func.vmap(lambda c, w: c * w[:3], in_dims=(1, None))(x, y)


@case(X)
def vmap_negative_in_dim(t, x):
    return t.vmap(lambda c: c.cumsum(0), in_dims=-1)(x)


@case(X, Y)
def vmap_nested_in_dims(t, x, y):
    return t.vmap(lambda p, s: p["a"] * p["b"] + s, in_dims=({"a": 0, "b": None}, None))({"a": x, "b": y}, 2.0)


@case(X)
def vmap_out_dims(t, x):
    return t.vmap(lambda r: (r.outer(r), r.sum()), out_dims=(1, 0))(x)


@case(X)
def vmap_out_dims_none_python_value(t, x):
    return t.vmap(lambda r: (r * 2, 3), out_dims=(0, None))(x)


@case(X)
def vmap_out_dims_negative(t, x):
    return t.vmap(lambda r: r.outer(r), out_dims=-1)(x)


@case(BATCH, X)
def vmap_nested(t, b, x):
    return t.vmap(t.vmap(lambda u, v: u * v.sum(), in_dims=(None, 0)), in_dims=(0, None))(b, x)


@case(BATCH)
def vmap_chunk_size(t, b):
    return t.vmap(lambda r: r.softmax(0), chunk_size=4)(b)


@case(X, V)
def vmap_kwargs_not_batched(t, x, v):
    return t.vmap(lambda r, *, scale: r * scale)(x, scale=v[:4])


@case(BATCH)
def vmap_list_output(t, b):
    return t.vmap(lambda r: [r.max(), r.argmax()])(b)


@case(BATCH)
def vmap_same_randomness_is_shared(t, b):
    out = t.vmap(lambda r: r * 0 + t.rand(3), randomness="same")(b)
    return (out == out[0]).all()


@case(BATCH)
def vmap_different_randomness_differs(t, b):
    out = t.vmap(lambda r: r * 0 + t.rand(3), randomness="different")(b)
    return (out[1:] == out[0]).all(dim=1).any(), out.shape


@case(BATCH, W)
def vmap_of_jacrev(t, b, w):
    return t.vmap(t.func.jacrev(lambda r: (w @ r).tanh()))(b)


@case(BATCH)
def vmap_of_grad(t, b):
    return t.vmap(t.func.grad(lambda r: (r.exp() * r).sum()))(b)


@case(X)
def vmap_inplace_on_batched_input_reaches_caller(t, x):
    x = x.clone()
    out = t.vmap(lambda c: c[0].add_(1), in_dims=1)(x)
    return out, x


@case(BATCH)
def vmap_inplace_chunked(t, b):
    b = b.clone()
    return t.vmap(lambda r: r.mul_(2), chunk_size=4)(b), b


@case(V)
def vmap_inplace_unbatched_with_unbatched_value(t, v):
    y = t.zeros(2)
    return t.vmap(lambda r, y: y.add_(1) * r, in_dims=(0, None))(v, y), y


@case(X)
def jvp_inplace_on_primal(t, x):
    x = x.clone()
    return t.func.jvp(lambda r: r.mul_(2), (x,), (t.ones_like(x),)), x


@case(Y)
def jacfwd_inplace_on_primal(t, y):
    y = y.clone()
    return t.func.jacfwd(lambda r: r.mul_(2).exp())(y), y


# ----- functional_call and per-sample gradients -----

def _linear(t):
    m = t.nn.Linear(3, 2)
    with t.no_grad():
        m.weight.copy_(t.tensor(W))
        m.bias.copy_(t.tensor(B))
    return m


def _per_sample_grads(t, model, params, data, target):
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch, targets = sample.unsqueeze(0), target.unsqueeze(0)
        predictions = t.func.functional_call(model, (params, buffers), (batch,))
        return t.nn.functional.cross_entropy(predictions, targets)
    return t.func.vmap(t.func.grad(compute_loss), in_dims=(None, None, 0, 0))(params, buffers, data, target)


@case(BATCH, TARGET)
def per_sample_grads_linear(t, data, target):
    model = _linear(t)
    params = {k: v.detach() for k, v in model.named_parameters()}
    return _items(_per_sample_grads(t, model, params, data, target))


@case(BATCH, TARGET)
def per_sample_grads_equal_looped_grads(t, data, target):
    model = _linear(t)
    params = {k: v.detach() for k, v in model.named_parameters()}
    grads = _per_sample_grads(t, model, params, data, target)
    looped = []
    for i in range(data.shape[0]):
        model.zero_grad()
        t.nn.functional.cross_entropy(model(data[i:i + 1]), target[i:i + 1]).backward()
        looped.append(model.weight.grad.clone())
    return (grads["weight"] - t.stack(looped)).abs().max() < 1e-6


@case(BATCH, TARGET)
def per_sample_grads_mlp_with_buffers(t, data, target):
    t.manual_seed(0)
    model = t.nn.Sequential(t.nn.Linear(3, 4), t.nn.BatchNorm1d(4), t.nn.Tanh(), t.nn.Linear(4, 2)).eval()
    with t.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(t.tensor(np.cos(np.arange(p.numel()) + i).reshape(tuple(p.shape)).astype(np.float32)))
    params = {k: v.detach() for k, v in model.named_parameters()}
    return _items(_per_sample_grads(t, model, params, data, target))


@case(BATCH)
def functional_call_swaps_and_restores(t, data):
    model = _linear(t)
    out = t.func.functional_call(model, {"weight": t.ones(2, 3)}, data)
    return out, model.weight, model(data)


@case(BATCH)
def functional_call_restores_after_error(t, data):
    model = _linear(t)
    try:
        t.func.functional_call(model, {"weight": t.ones(5, 5)}, data)
    except RuntimeError:
        pass
    return model.weight, model(data)


@case(BATCH)
def functional_call_tied_weights(t, data):
    a, b = t.nn.Linear(3, 3, bias=False), t.nn.Linear(3, 3, bias=False)
    b.weight = a.weight
    model = t.nn.Sequential(a, b)
    w = t.eye(3) * 2
    tied = t.func.functional_call(model, {"0.weight": w}, data)
    untied = t.func.functional_call(model, {"0.weight": w}, data, tie_weights=False)
    return tied, untied - model[1](data * 2)


@case(BATCH)
def functional_call_list_of_dicts_and_kwargs(t, data):
    model = _linear(t)
    dicts = [{"weight": t.ones(2, 3)}, {"bias": t.zeros(2)}]
    return t.func.functional_call(model, dicts, args=(), kwargs={"input": data})


@case(BATCH)
def jacrev_through_functional_call(t, data):
    model = _linear(t)
    params = {k: v.detach() for k, v in model.named_parameters()}
    return _items(t.func.jacrev(lambda p: t.func.functional_call(model, p, (data,)))(params))


# ----- errors -----

def _ones(t, *shape):
    return t.ones(*shape)


@error_case
def grad_non_scalar_output(t):
    t.func.grad(lambda x: x * 2)(_ones(t, 3))


@error_case
def grad_tuple_output(t):
    t.func.grad(lambda x: (x.sum(), x))(_ones(t, 3))


@error_case
def grad_has_aux_not_pair(t):
    t.func.grad(lambda x: x.sum(), has_aux=True)(_ones(t, 3))


@error_case
def grad_aux_not_tensor(t):
    t.func.grad(lambda x: (x.sum(), 1), has_aux=True)(_ones(t, 3))


@error_case
def grad_argnum_out_of_range(t):
    t.func.grad(lambda x: x.sum(), argnums=1)(_ones(t, 3))


@error_case
def grad_argnums_empty(t):
    t.func.grad(lambda x: x.sum(), argnums=())(_ones(t, 3))


@error_case
def grad_argnums_float(t):
    t.func.grad(lambda x: x.sum(), argnums=1.0)(_ones(t, 3))


@error_case
def grad_integer_input(t):
    t.func.grad(lambda x: x.sum())(t.arange(3))


@error_case
def grad_python_float_input(t):
    t.func.grad(lambda x: x * 2)(3.0)


@error_case
def vmap_batch_sizes_differ(t):
    t.vmap(lambda x, y: x + y)(_ones(t, 3), _ones(t, 4))


@error_case
def vmap_in_dims_structure(t):
    t.vmap(lambda x, y: x + y, in_dims=(0,))(_ones(t, 3), _ones(t, 3))


@error_case
def vmap_in_dim_out_of_range(t):
    t.vmap(lambda x: x, in_dims=2)(_ones(t, 3))


@error_case
def vmap_top_level_in_dims_none(t):
    t.vmap(lambda x: x, in_dims=None)(_ones(t, 3))


@error_case
def vmap_in_dims_list(t):
    t.vmap(lambda x: x, in_dims=[0])(_ones(t, 3))


@error_case
def vmap_in_dim_float(t):
    t.vmap(lambda x: x, in_dims=(0.5,))(_ones(t, 3))


@error_case
def vmap_over_python_number(t):
    t.vmap(lambda x, n: x * n)(_ones(t, 3), 3)


@error_case
def vmap_nothing_batched(t):
    t.vmap(lambda x: x, in_dims=(None,))(_ones(t, 3))


@error_case
def vmap_no_inputs(t):
    t.vmap(lambda: 1)()


@error_case
def vmap_scalar_input(t):
    t.vmap(lambda x: x)(t.tensor(1.0))


@error_case
def vmap_out_dim_out_of_range(t):
    t.vmap(lambda x: x, out_dims=2)(_ones(t, 3))


@error_case
def vmap_out_dims_structure(t):
    t.vmap(lambda x: x * 2, out_dims=(0, 0))(_ones(t, 3))


@error_case
def vmap_out_dims_float(t):
    t.vmap(lambda x: x, out_dims=1.5)(_ones(t, 3))


@error_case
def vmap_batched_output_with_out_dim_none(t):
    t.vmap(lambda x: x * 2, out_dims=None)(_ones(t, 3))


@error_case
def vmap_returns_python_number(t):
    t.vmap(lambda x: 3.0)(_ones(t, 3))


@error_case
def vmap_item(t):
    t.vmap(lambda x: x.item())(_ones(t, 3))


@error_case
def vmap_data_dependent_control_flow(t):
    t.vmap(lambda x: x if x > 0 else -x)(_ones(t, 3))


@error_case
def vmap_random_in_error_mode(t):
    t.vmap(lambda x: x + t.rand(()))(_ones(t, 3))


@error_case
def vmap_dropout_in_error_mode(t):
    t.vmap(lambda x: t.nn.functional.dropout(x, 0.5))(_ones(t, 3, 2))


@error_case
def vmap_bad_randomness(t):
    t.vmap(lambda x: x, randomness="sometimes")(_ones(t, 3))


@error_case
def vmap_chunk_size_zero(t):
    t.vmap(lambda x: x, chunk_size=0)(_ones(t, 3))


@error_case
def vmap_batched_write_into_unbatched(t):
    t.vmap(lambda r, y: y.mul_(r), in_dims=(0, None))(_ones(t, 3), t.zeros(()))


@error_case
def grad_inplace_on_input(t):
    t.func.grad(lambda r: r.mul_(2).sum())(_ones(t, 3))


@error_case
def vjp_cotangent_shape(t):
    t.func.vjp(lambda x: x * 2, _ones(t, 3))[1](_ones(t, 4))


@error_case
def vjp_cotangent_structure(t):
    t.func.vjp(lambda x: (x, x * 2), _ones(t, 3))[1]([_ones(t, 3), _ones(t, 3)])


@error_case
def vjp_output_not_tensor(t):
    t.func.vjp(lambda x: 3, _ones(t, 3))


@error_case
def jvp_primals_not_tuple(t):
    t.func.jvp(lambda x: x * 2, _ones(t, 3), _ones(t, 3))


@error_case
def jvp_structure_mismatch(t):
    t.func.jvp(lambda x: x * 2, (_ones(t, 3),), (_ones(t, 3), _ones(t, 3)))


@error_case
def jvp_tangent_shape(t):
    t.func.jvp(lambda x: x * 2, (_ones(t, 3),), (_ones(t, 4),))


@error_case
def jvp_integer_tangent(t):
    t.func.jvp(lambda x: x * 2, (_ones(t, 3),), (t.arange(3),))


@error_case
def linearize_tangent_dtype(t):
    t.func.linearize(lambda x: x.sin(), _ones(t, 3))[1](_ones(t, 3).double())


@error_case
def linearize_tangent_shape(t):
    t.func.linearize(lambda x: x.sin(), _ones(t, 3))[1](_ones(t, 2))


@error_case
def jvp_has_aux_not_pair(t):
    t.func.jvp(lambda x: x * 2, (_ones(t, 3),), (_ones(t, 3),), has_aux=True)


@error_case
def jacrev_chunk_size_zero(t):
    t.func.jacrev(lambda x: x, chunk_size=0)(_ones(t, 3))


@error_case
def jacrev_integer_input(t):
    t.func.jacrev(lambda x: x.sum())(t.arange(3))


@error_case
def jacfwd_integer_input(t):
    t.func.jacfwd(lambda x: x.sum())(t.arange(3))


@error_case
def jacfwd_random_in_error_mode(t):
    t.func.jacfwd(lambda x: x + t.rand(3))(_ones(t, 3))


@error_case
def jacfwd_bad_randomness(t):
    t.func.jacfwd(lambda x: x, randomness="bad")(_ones(t, 3))


@error_case
def functional_call_strict(t):
    t.func.functional_call(t.nn.Linear(2, 2), {"weight": t.zeros(2, 2), "foo": t.ones(1)}, t.ones(2), strict=True)


@error_case
def functional_call_repeated_key(t):
    t.func.functional_call(t.nn.Linear(2, 2), ({"weight": t.zeros(2, 2)}, {"weight": t.ones(2, 2)}), t.ones(2))


@error_case
def functional_call_tied_conflict(t):
    a, b = t.nn.Linear(2, 2, bias=False), t.nn.Linear(2, 2, bias=False)
    b.weight = a.weight
    t.func.functional_call(t.nn.Sequential(a, b), {"0.weight": t.zeros(2, 2), "1.weight": t.ones(2, 2)}, t.ones(2))


@error_case
def functional_call_missing_submodule(t):
    t.func.functional_call(t.nn.Linear(2, 2), {"bar.x": t.ones(1)}, t.ones(2))


@error_case
def functional_call_not_tensor(t):
    t.func.functional_call(t.nn.Linear(2, 2), {"weight": 3}, t.ones(2))


@pytest.mark.parametrize("name", ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
                                  "functional_call", "linearize"])
def test_namespace(name):
    import torch

    import torchlike
    assert callable(getattr(torch.func, name)) and callable(getattr(torchlike.func, name))
