"""The import surface of the PyTorch ecosystem (timm, transformers, torchmetrics, safetensors, einops)
against real PyTorch: torch.jit / fx / compiler / _dynamo run eagerly, torch.library custom ops with
their own backward, torch.overrides, torch.utils.checkpoint / hooks / _pytree, SDP backend flags,
torch.version, torch.frombuffer and the torch._C names those libraries read."""

import array
import collections
import importlib
import typing
import warnings

import numpy as np
import pytest

from .harness import LIBS, check, check_error, randn, similar, torch, torchlike

# The submodules the tests reach as attributes (PyTorch, like torchlike, loads some only on import).
for _lib in ("torch", "torchlike"):
    for _sub in ("jit", "fx", "fx._symbolic_trace", "compiler", "_dynamo", "library", "overrides", "version", "_C",
                 "utils.checkpoint", "utils.hooks", "utils._pytree", "nn.attention"):
        importlib.import_module(f"{_lib}.{_sub}")
from torchlike._ops.buffer import frombuffer as tl_frombuffer  # noqa: E402  (exported as torch.frombuffer later)


def _both(fn):
    """fn(t) on real PyTorch and on torchlike."""
    return [fn(t) for t in LIBS]


def _same(fn):
    a, b = _both(fn)
    assert a == b, f"torch: {a!r}, torchlike: {b!r}"
    return a


# ----- torch.jit: eager semantics -----

def _scriptable(x, y):
    return (x * y).sin() + y


def test_jit_flags_and_identity_decorators():
    assert _same(lambda t: (t.jit.is_scripting(), t.jit.is_tracing())) == (False, False)
    assert _same(lambda t: t.jit.annotate(typing.List[int], [1, 2])) == [1, 2]
    assert _same(lambda t: t.jit.ignore(_scriptable) is _scriptable)
    assert _same(lambda t: t.jit.unused(_scriptable) is _scriptable)
    assert _same(lambda t: t.jit.export(_scriptable) is _scriptable)
    assert _same(lambda t: t.jit.Final is typing.Final)
    assert _same(lambda t: tuple(t.jit.Attribute(3, int)))


def test_jit_script_and_trace_give_the_same_values():
    x, y = randn(3, 4, seed=1), randn(3, 4, seed=2)
    check(lambda t, a, b: t.jit.script(_scriptable)(a, b), x, y, area="jit", name="jit.script")
    check(lambda t, a, b: t.jit.trace(_scriptable, (a, b))(a, b), x, y, area="jit", name="jit.trace")


def test_jit_trace_module_keeps_outputs():
    w = randn(2, 3, seed=3)

    def run(t, x):
        lin = t.nn.Linear(3, 2, bias=False)
        with t.no_grad():
            lin.weight.copy_(t.tensor(w))
        return t.jit.trace(lin, (x,))(x)
    check(run, randn(4, 3, seed=4), grad=False, area="jit", name="jit.trace(module)")


def test_jit_fork_wait_ignore_interface():
    assert _same(lambda t: t.jit.wait(t.jit.fork(lambda a, b: a * b, 6, b=7))) == 42
    assert _same(lambda t: t.jit.fork(lambda a: a + 1, 1).wait()) == 2

    def fails(t):
        t.jit.fork(lambda: 1 / 0)
    check_error(fails, name="jit.fork raises at once")
    check_error(lambda t: t.jit.interface(lambda: 1), name="jit.interface(non-class)")
    check_error(lambda t: t.jit.ignore(3), name="jit.ignore(3)")
    assert _same(lambda t: isinstance(t.nn.Linear(1, 1), t.jit.ScriptModule)) is False


def test_jit_archives_are_not_supported():
    with pytest.raises(NotImplementedError, match="TorchScript"):
        torchlike.jit.save(torchlike.nn.Linear(1, 1), "unused.pt")
    with pytest.raises(NotImplementedError, match="TorchScript"):
        torchlike.jit.load("unused.pt")


# ----- torch.fx -----

def _wrap_in_a_function(t):
    return t.fx.wrap("len")


# fx.wrap must be called at module level, as here
WRAPPED = [torch.fx.wrap(_scriptable), torchlike.fx.wrap(_scriptable), torch.fx.wrap("len"), torchlike.fx.wrap("len")]


def test_fx_wrap_and_tracing_state():
    assert WRAPPED == [_scriptable, _scriptable, "len", "len"]
    assert _same(lambda t: t.fx._symbolic_trace.is_fx_tracing()) is False
    assert set(["Graph", "GraphModule", "Proxy", "Tracer", "wrap", "symbolic_trace"]) <= set(dir(torchlike.fx))
    check_error(lambda t: t.fx.wrap(3), name="fx.wrap(3)")
    check_error(lambda t: _wrap_in_a_function(t), name="fx.wrap inside a function")


def test_fx_symbolic_trace_names_the_feature():
    with pytest.raises(NotImplementedError, match="FX tracing"):
        torchlike.fx.symbolic_trace(torchlike.nn.Linear(2, 2))


# ----- torch.compiler / torch._dynamo -----

def test_compiler_markers_run_eagerly():
    x = randn(5, seed=5)
    for name in ("disable", "allow_in_graph", "assume_constant_result"):
        check(lambda t, a, n=name: getattr(t.compiler, n)(_scriptable)(a, a), x, area="compile", name=name)
    check(lambda t, a: t.compiler.disable()(_scriptable)(a, a), x, area="compile", name="disable()")
    check(lambda t, a: t.compiler.disable(recursive=False)(_scriptable)(a, a), x, area="compile",
          name="disable(recursive=False)")
    assert _same(lambda t: (t.compiler.is_compiling(), t.compiler.is_dynamo_compiling(),
                            t.compiler.is_exporting(), t._dynamo.is_compiling())) == (False,) * 4
    assert _same(lambda t: (t.compiler.reset(), t._dynamo.reset())) == (None, None)
    assert torchlike.compiler.compile is torchlike.compile


def test_dynamo_config_and_shape_hints():
    def settings(t):
        c = t._dynamo.config
        old = (c.cache_size_limit, c.suppress_errors, c.capture_scalar_outputs)
        c.cache_size_limit = 64
        seen = (old, c.recompile_limit, c.cache_size_limit, c.verbose, c.accumulated_cache_size_limit)
        c.cache_size_limit = old[0]
        return seen
    _same(settings)
    check_error(lambda t: setattr(t._dynamo.config, "no_such_setting", 1), name="config set unknown")
    check_error(lambda t: t._dynamo.config.no_such_setting, name="config get unknown")

    def hints(t):
        x = t.zeros(2, 3)
        return (t._dynamo.mark_dynamic(x, 0), t._dynamo.mark_static(x), t._dynamo.mark_static_address(x))
    assert _same(hints) == (None, None, None)
    assert _same(lambda t: issubclass(t._dynamo.exc.Unsupported, RuntimeError))


# ----- torch.library.custom_op -----

def _define_ops(t, tag):
    @t.library.custom_op(f"ecosurface::scaled_sin_{tag}", mutates_args=())
    def scaled_sin(x: t.Tensor, k: float) -> t.Tensor:
        return x.sin() * k

    def setup(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])
        ctx.k = inputs[1]

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos() * ctx.k, None

    @t.library.custom_op(f"ecosurface::no_grad_{tag}", mutates_args=())
    def no_autograd(x: t.Tensor) -> t.Tensor:
        return x * 2

    @t.library.custom_op(f"ecosurface::alias_{tag}", mutates_args=())
    def alias(x: t.Tensor) -> t.Tensor:
        return x

    scaled_sin.register_autograd(backward, setup_context=setup)
    return scaled_sin, no_autograd, alias


OPS = {t: _define_ops(t, t.__name__) for t in LIBS}


def test_custom_op_values_and_user_backward():
    check(lambda t, x: OPS[t][0](x, 1.5) * 2, randn(3, 4, seed=6), area="library", name="custom_op+autograd")
    check(lambda t, x: OPS[t][0](x, 0.5), randn(5, seed=7), grad=False, area="library", name="custom_op no grad")


def test_custom_op_backward_is_the_registered_one():
    # A backward that differs from the true derivative: autograd must use it, as PyTorch's does.
    def run(t, x):
        @t.library.custom_op(f"ecosurface::fake_grad_{t.__name__}", mutates_args=())
        def op(x: t.Tensor) -> t.Tensor:
            return x * x

        t.library.register_autograd(f"ecosurface::fake_grad_{t.__name__}", lambda ctx, g: g * 10.0,
                                    setup_context=lambda ctx, inputs, output: None)
        return op(x)
    check(run, randn(4, seed=8), area="library", name="custom_op registered backward")


def test_custom_op_errors():
    def unregistered_backward(t):
        x = t.ones(3, requires_grad=True)
        OPS[t][1](x).sum().backward()
    check_error(unregistered_backward, name="custom_op without autograd")
    check_error(lambda t: OPS[t][2](t.ones(2)), name="custom_op output aliases input")
    check_error(lambda t: t.library.custom_op("ecosurface::x", lambda x: x), name="custom_op without mutates_args")

    def unannotated(t):
        @t.library.custom_op(f"ecosurface::unannotated_{t.__name__}", mutates_args=())
        def f(x):
            return x
    check_error(unannotated, name="custom_op without annotations")
    check_error(lambda t: t.library.custom_op("nonamespace", mutates_args=())(_scriptable), same_message=False,
                name="custom_op name without namespace")


def test_library_schema_strings_are_not_supported():
    with pytest.raises(NotImplementedError, match="schema"):
        torchlike.library.define("ecosurface::f(Tensor x) -> Tensor", "")
    with pytest.raises(NotImplementedError, match="schema"):
        torchlike.library.Library("ecosurface", "FRAGMENT").define("g(Tensor x) -> Tensor")


# ----- torch.overrides -----

class _Protocol:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return ("handled", len(args))


class _Declines:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return NotImplemented


def test_overrides_has_and_handle_torch_function():
    def probe(t):
        o, x, p = t.overrides, t.ones(2), _Protocol()
        return (o.has_torch_function((x,)), o.has_torch_function_unary(x), o.has_torch_function_variadic(x, 1),
                o.has_torch_function((p,)), o.has_torch_function_variadic(x, p), o.is_tensor_like(x),
                o.is_tensor_like(p), o.is_tensor_like(1), o.handle_torch_function(t.add, (p,), p, 1))
    _same(probe)
    check_error(lambda t: t.overrides.handle_torch_function(t.add, (_Declines(),), _Declines(), 1),
                same_message=False, name="handle_torch_function all NotImplemented")
    assert isinstance(torchlike.overrides.get_default_nowrap_functions(), set)


def test_overrides_torch_function_mode_is_refused():
    class Mode(torchlike.overrides.TorchFunctionMode):
        pass
    with pytest.raises(NotImplementedError, match="__torch_function__ modes"):
        with Mode():
            pass


# ----- torch.utils.checkpoint -----

W1, W2 = randn(4, 3, seed=9), randn(2, 4, seed=10)


def _mlp(t):
    a, b = t.nn.Linear(3, 4), t.nn.Linear(4, 2)
    with t.no_grad():
        a.weight.copy_(t.tensor(W1))
        a.bias.zero_()
        b.weight.copy_(t.tensor(W2))
        b.bias.fill_(0.5)
    return a, b


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_values_and_gradients(reentrant):
    def run(t, x):
        a, b = _mlp(t)
        x.requires_grad_(True)
        h = t.utils.checkpoint.checkpoint(lambda v: t.tanh(a(v)), x, use_reentrant=reentrant)
        out = b(h).pow(2).sum()
        out.backward()
        return out.detach(), x.grad, a.weight.grad, b.bias.grad
    check(run, randn(5, 3, seed=11), grad=False, area="checkpoint", name=f"checkpoint reentrant={reentrant}")


def test_checkpoint_sequential_values_and_gradients():
    def run(t, x):
        a, b = _mlp(t)
        x.requires_grad_(True)
        seq = t.nn.Sequential(a, t.nn.Tanh(), b, t.nn.ReLU())
        out = t.utils.checkpoint.checkpoint_sequential(seq, 2, x, use_reentrant=False).sum()
        out.backward()
        return out.detach(), x.grad, a.weight.grad, b.weight.grad
    check(run, randn(6, 3, seed=12), grad=False, area="checkpoint", name="checkpoint_sequential")


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        result = fn()
    return result, [(x.category, str(x.message)) for x in w]


def test_checkpoint_use_reentrant_warning_and_kwarg_checks():
    for call in (lambda t, x: t.utils.checkpoint.checkpoint(t.sin, x),
                 lambda t, x: t.utils.checkpoint.checkpoint_sequential([t.nn.Tanh()], 1, x)):
        (_, wt), (_, wl) = _both(lambda t, c=call: _warnings_of(lambda: c(t, t.ones(3, requires_grad=True))))
        assert [c for c, _ in wt] == [c for c, _ in wl] == [UserWarning]
        assert similar(wt[0][1], wl[0][1]), (wt, wl)
    check_error(lambda t: t.utils.checkpoint.checkpoint(t.sin, t.ones(2), use_reentrant=True, foo=1),
                name="checkpoint unexpected kwarg")
    check_error(lambda t: t.utils.checkpoint.checkpoint(t.sin, t.ones(2), use_reentrant=True,
                                                        context_fn=lambda: (None, None)), name="checkpoint context_fn")
    check_error(lambda t: t.utils.checkpoint.checkpoint(t.sin, t.ones(2), use_reentrant=False,
                                                        determinism_check="bad"), name="checkpoint determinism_check")

    def no_grad_inputs(t):
        lin = t.nn.Linear(3, 3)
        out, w = _warnings_of(lambda: t.utils.checkpoint.checkpoint(lin, t.ones(3), use_reentrant=True))
        return out.requires_grad, [str(m) for _, m in w]
    assert _same(no_grad_inputs)[0] is False
    check(lambda t, x: t.utils.checkpoint.checkpoint(lambda a, b=2: a * b, x, b=3, use_reentrant=False),
          randn(3, seed=13), area="checkpoint", name="checkpoint kwargs")


# ----- torch.utils._pytree / hooks -----

NT = collections.namedtuple("NT", "x y")


def _trees(t):
    return [None, 1, [1, None, (2,)], {"b": 1, "a": 2},
            [NT(1, 2), collections.OrderedDict(z=3), collections.defaultdict(list, {"k": 4}),
             collections.deque([5, 6], maxlen=3)],
            {"w": t.ones(2), "s": [t.zeros(1), 3.0]}, t.Size([2, 3])]


def _describe(t, tree):
    leaves, spec = t.utils._pytree.tree_flatten(tree)
    back = t.utils._pytree.tree_unflatten(leaves, spec)
    shown = [x.tolist() if isinstance(x, t.Tensor) else x for x in leaves]
    return (shown, repr(spec), spec.num_leaves, spec.num_nodes, spec.num_children,
            repr(back).replace("torchlike", "torch"), type(back).__name__)


def test_pytree_flatten_unflatten_like_pytorch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ours = [_describe(torchlike, tree) for tree in _trees(torchlike)]
        theirs = [_describe(torch, tree) for tree in _trees(torch)]
    for a, b in zip(theirs, ours):
        assert a == b


def test_pytree_map_paths_and_errors():
    def maps(t):
        p = t.utils._pytree
        keyed, _ = p.tree_flatten_with_path({"a": [1, 2], "b": NT(3, 4)})
        return (p.tree_map(lambda a, b: a + b, (1, [2]), (10, [20])),
                p.tree_map_only((int, float), lambda a: a * 2, [1, "x", 2.0]),
                p.tree_map_only(t.Tensor, lambda a: a.sum().item(), [t.ones(3), 4]),
                p.tree_leaves([1, [2]], is_leaf=lambda x: isinstance(x, list)),
                [(p.keystr(k), v) for k, v in keyed],
                p.tree_all(lambda x: x > 0, [1, 2]), p.tree_any(lambda x: x > 1, [1, 2]),
                p.tree_structure((1, 2)) == p.tree_structure((3, 4)), p.tree_structure(1).is_leaf())
    _same(maps)
    check_error(lambda t: t.utils._pytree.tree_map(lambda a, b: a, (1, [2]), (10, [20, 3])), name="tree_map arity")
    check_error(lambda t: t.utils._pytree.tree_unflatten([1], t.utils._pytree.tree_structure([1, 2])),
                same_message=False, name="tree_unflatten length")


class _Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def test_pytree_register_node():
    def run(t):
        p = t.utils._pytree
        if _Point not in p.SUPPORTED_NODES:
            p.register_pytree_node(_Point, lambda pt: ([pt.x, pt.y], "pt"), lambda v, c: _Point(*v))
        leaves, spec = p.tree_flatten([_Point(1, 2), 3])
        back = p.tree_unflatten([10, 20, 30], spec)
        return leaves, (back[0].x, back[0].y, back[1]), repr(spec)
    _same(run)
    check_error(lambda t: t.utils._pytree.register_pytree_node(list, None, None), name="register twice")


def test_hook_handles_are_removable_handles():
    def run(t):
        lin, calls = t.nn.Linear(2, 2), []
        handle = lin.register_forward_hook(lambda m, i, o: calls.append(1))
        lin(t.ones(2))
        handle.remove()
        lin(t.ones(2))
        return isinstance(handle, t.utils.hooks.RemovableHandle), len(calls)
    assert _same(run) == (True, 1)


# ----- SDP backend flags -----

def test_sdpa_kernel_and_backend_flags():
    def flags(t):
        b = t.backends.cuda
        return b.flash_sdp_enabled(), b.mem_efficient_sdp_enabled(), b.math_sdp_enabled(), b.cudnn_sdp_enabled()

    def run(t):
        A = t.nn.attention
        seen = [flags(t), [(m.name, int(m)) for m in A.SDPBackend.__members__.values()]]
        with A.sdpa_kernel(A.SDPBackend.MATH):
            seen.append(flags(t))
        with A.sdpa_kernel([A.SDPBackend.MATH, A.SDPBackend.FLASH_ATTENTION]):
            seen.append(flags(t))
        seen.append(flags(t))
        t.backends.cuda.enable_flash_sdp(False)
        seen.append(flags(t))
        t.backends.cuda.enable_flash_sdp(True)
        context, w = _warnings_of(lambda: t.backends.cuda.sdp_kernel(enable_math=False))
        with context:
            seen += [flags(t), [c for c, _ in w]]
        seen += [flags(t), t.backends.cuda.matmul.allow_tf32]
        return seen
    _same(run)

    def bad(t):
        with t.nn.attention.sdpa_kernel("math"):
            pass
    check_error(bad, name="sdpa_kernel(str)")


# ----- torch.version -----

def test_version_compares_like_pytorch():
    from torch.torch_version import TorchVersion as Real
    Ours = torchlike.version.TorchVersion
    others = ["2.13.0", "2.13", "2.6", "2.13.0+cpu", "2.13.0a0", "2.13.0rc1", "2.13.0.dev20250101", "2.13.1",
              "3", (2, 0), (2, 13), (2, 13, 0), (3,), "1.9.1.post1"]
    for mine in ["2.13.0", "2.13.0+cpu", "2.13.0a0+git", "2.6.0"]:
        for other in others:
            for op in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
                assert getattr(Ours(mine), op)(other) == getattr(Real(mine), op)(other), (mine, op, other)
    v = torchlike.version.__version__
    assert isinstance(v, str) and v == "2.13.0" and v >= "2.6" and v > (2, 0) and not v < "2.13"
    assert (torchlike.version.cuda, torchlike.version.hip, torchlike.version.debug) == \
        (torch.version.cuda, torch.version.hip, torch.version.debug)  # a CPU-only PyTorch
    assert isinstance(torchlike.version.git_version, str)


# ----- torch.frombuffer -----

def _frombuffer(t):
    return t.frombuffer if t is torch else tl_frombuffer


BYTES = bytes(range(1, 25))


@pytest.mark.parametrize("dtype,count,offset", [("int32", -1, 0), ("int32", 2, 4), ("int16", -1, 2),
                                                ("uint8", 5, 3), ("float32", -1, 8), ("float64", 1, 16),
                                                ("bfloat16", 4, 0), ("float16", -1, 0), ("int64", -1, 0),
                                                ("bool", 3, 0)])
def test_frombuffer_values(dtype, count, offset):
    buf = bytearray(BYTES) if dtype != "bool" else bytearray([0, 1, 0, 1])
    check(lambda t: _frombuffer(t)(buf, dtype=getattr(t, dtype), count=count, offset=offset), grad=False,
          area="creation", name=f"frombuffer {dtype}")


def test_frombuffer_sources_and_grad():
    check(lambda t: _frombuffer(t)(array.array("f", [1.5, -2.0]), dtype=t.float32), grad=False, area="creation",
          name="frombuffer array.array")
    check(lambda t: _frombuffer(t)(np.arange(3, dtype=np.float64).tobytes(), dtype=t.float64), grad=False,
          area="creation", name="frombuffer bytes")
    assert _same(lambda t: _frombuffer(t)(bytes(8), dtype=t.float32, requires_grad=True).requires_grad)


@pytest.mark.parametrize("kwargs", [dict(offset=13), dict(count=4), dict(offset=2), dict(count=0),
                                    dict(offset=-1), dict(offset=12)])
def test_frombuffer_errors(kwargs):
    check_error(lambda t: _frombuffer(t)(bytearray(12), dtype=t.int32, **kwargs), name=f"frombuffer {kwargs}")


def test_frombuffer_bad_arguments():
    check_error(lambda t: _frombuffer(t)(b"", dtype=t.float32), name="frombuffer empty")
    check_error(lambda t: _frombuffer(t)([1, 2], dtype=t.float32), name="frombuffer list")
    check_error(lambda t: _frombuffer(t)(bytearray(4), dtype=t.int32, requires_grad=True), name="frombuffer int grad")
    check_error(lambda t: _frombuffer(t)(bytearray(4), dtype="float"), same_message=False, name="frombuffer str dtype")


# ----- torch._C names -----

def test_c_names_libraries_read():
    def run(t):
        C = t._C
        mode = [C._jit_set_profiling_mode(False), C._jit_set_profiling_mode(True),
                C._jit_set_profiling_executor(True), C._jit_can_fuse_on_cpu(), C._jit_texpr_fuser_enabled()]
        C._jit_override_can_fuse_on_cpu(True)
        mode.append(C._jit_can_fuse_on_cpu())
        C._jit_override_can_fuse_on_cpu(False)
        return (C._get_tracing_state(), C._log_api_usage_once("ecosystem.surface"), str(C._get_accelerator()),
                C._get_privateuse1_backend_name(), mode, isinstance(C.Graph, type), isinstance(C.Value, type))
    _same(run)


def test_checkpoint_gradient_matches_unchecked_run():
    # Same gradients with and without checkpointing, in torchlike alone (a known answer).
    x = torchlike.tensor(randn(3, 3, seed=14), requires_grad=True)
    torchlike.utils.checkpoint.checkpoint(lambda v: (v.exp() * v).sum(), x, use_reentrant=False).backward()
    g1 = x.grad.clone()
    x.grad = None
    (x.exp() * x).sum().backward()
    np.testing.assert_allclose(g1.numpy(), x.grad.numpy(), rtol=1e-6)


def test_hub_cache_folder_and_cached_checkpoint(tmp_path, monkeypatch):
    """torch.hub: the same cache folder as PyTorch's, and a checkpoint already in it is loaded
    without a download (the file name is the URL's last part)."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    assert torchlike.hub.get_dir() == torch.hub.get_dir() == str(tmp_path / "home" / "hub")
    folder = tmp_path / "home" / "hub" / "checkpoints"
    folder.mkdir(parents=True)
    torch.save({"w": torch.arange(3.0)}, folder / "tiny-0123abcd.pth")
    url = "https://example.invalid/models/tiny-0123abcd.pth"
    got = torchlike.hub.load_state_dict_from_url(url, map_location="cpu")
    want = torch.hub.load_state_dict_from_url(url, map_location="cpu")
    assert got["w"].tolist() == want["w"].tolist() == [0.0, 1.0, 2.0]
    assert torchlike.hub.HASH_REGEX.search("resnet18-f37072fd.pth").group(1) == "f37072fd"
    torchlike.hub.set_dir(tmp_path / "elsewhere")
    try:
        assert torchlike.hub.get_dir() == str(tmp_path / "elsewhere")
    finally:
        torchlike.hub._hub_dir = None
    with pytest.raises(NotImplementedError, match="hub.load"):
        torchlike.hub.load("pytorch/vision", "resnet18")


def test_jit_annotations_names():
    import torchlike.jit.annotations as ann
    from typing import List, Optional
    assert ann.List is List and ann.Optional is Optional
    assert ann.BroadcastingList2[int] == List[int]
