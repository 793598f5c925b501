"""The runtime surface scripts touch first, against real PyTorch: torch.accelerator, torch.onnx,
torch.serialization's allowlist, Tensor.is_* probes, PyTorch's class paths for whole-model pickles, and
the default seed."""

import importlib
import inspect
import io
import pickle
import pkgutil
import subprocess
import sys
import warnings

import numpy as np
import pytest

from .harness import check_error, randn, torch, torchlike

HAS_GPU = torchlike.cuda.is_available()

# ----------------------------------------------------------------------------------------------------------------
# torch.accelerator
ACCELERATOR_CALLS = [
    ("current_device_index", ()), ("current_device_idx", ()), ("set_device_index", (0,)),
    ("set_device_index", (None,)), ("set_device_index", ("cpu",)), ("set_device_index", ("cuda:0",)),
    ("set_device_idx", (0,)), ("current_stream", ()), ("current_stream", ("cpu",)), ("synchronize", ()),
    ("synchronize", (0,)), ("synchronize", ("cpu",)), ("empty_cache", ()), ("empty_host_cache", ()),
    ("memory_allocated", ()), ("memory_allocated", ("cpu",)), ("max_memory_allocated", ()),
    ("memory_reserved", ()), ("max_memory_reserved", ()), ("memory_stats", ()), ("reset_peak_memory_stats", ()),
    ("reset_accumulated_memory_stats", ()), ("get_memory_info", ()), ("get_memory_info", ("cpu",)),
    ("get_device_capability", ()),
]


def test_accelerator_presence_matches_the_device():
    acc = torchlike.accelerator
    if HAS_GPU:  # torchlike.cuda is the accelerator; real (CPU) PyTorch has no counterpart to compare
        assert acc.is_available() and acc.current_accelerator() == torchlike.device("cuda")
        assert acc.current_accelerator().index is None  # as PyTorch: the index is current_device_index()
        assert acc.device_count() == torchlike.cuda.device_count() >= 1
        assert acc.current_device_index() == torchlike.cuda.current_device()
        return
    assert torch.accelerator.is_available() is False  # the reference is a PyTorch without accelerator
    for t in (torch, torchlike):
        assert t.accelerator.is_available() is False
        assert t.accelerator.current_accelerator() is None
        assert t.accelerator.current_accelerator(check_available=True) is None
        assert t.accelerator.device_count() == 0
        t.accelerator.set_device_index(-1)  # a negative index is a no-op even without an accelerator
        with t.accelerator.device_index(None):
            pass
    assert sorted(torchlike.accelerator.__all__) == sorted(torch.accelerator.__all__)


@pytest.mark.parametrize("name,args", ACCELERATOR_CALLS, ids=[f"{n}{a}" for n, a in ACCELERATOR_CALLS])
def test_accelerator_calls_without_an_accelerator(name, args):
    if HAS_GPU:  # the same call must work on torchlike's GPU accelerator (errors only for the wrong type)
        if "cpu" in args:
            with pytest.raises(ValueError, match="doesn't match the current accelerator cuda"):
                getattr(torchlike.accelerator, name)(*args)
        elif name.startswith("reset_"):
            with pytest.raises(NotImplementedError, match="cannot be reset"):
                getattr(torchlike.accelerator, name)(*args)
        elif args != (None,):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                getattr(torchlike.accelerator, name)(*args)
        return

    def call(t):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            getattr(t.accelerator, name)(*args)
    check_error(call, name=f"accelerator.{name}")


def test_accelerator_device_index_context_and_deprecations():
    for t in (torch, torchlike):
        with pytest.warns(FutureWarning, match="Use `current_device_index` instead"):
            try:
                t.accelerator.current_device_idx()
            except RuntimeError:
                assert not t.accelerator.is_available()
    if HAS_GPU:
        with torchlike.accelerator.device_index(0):
            assert torchlike.cuda.current_device() == 0
        x = torchlike.ones(3, device=torchlike.accelerator.current_accelerator())
        assert x.device == torchlike.device("cuda", 0) and x.is_cuda
        torchlike.accelerator.synchronize()
        assert torchlike.accelerator.memory_allocated() == torchlike.cuda.memory_allocated() >= x.numel() * 4
        assert torchlike.accelerator.max_memory_allocated() >= torchlike.accelerator.memory_allocated()
        assert torchlike.accelerator.max_memory_reserved() >= torchlike.accelerator.memory_reserved() \
            >= torchlike.accelerator.memory_allocated()
        free, total = torchlike.accelerator.get_memory_info()
        assert 0 < free <= total
        return
    for t in (torch, torchlike):
        with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available"):
            with t.accelerator.device_index(0):
                pass
        with pytest.raises(TypeError):
            t.accelerator.set_stream(None)


# ----------------------------------------------------------------------------------------------------------------
# torch.onnx
def test_onnx_import_surface():
    tl, tt = torchlike.onnx, torch.onnx
    assert tl.is_in_onnx_export() is tt.is_in_onnx_export() is False
    for enum_name in ("TrainingMode", "OperatorExportTypes"):
        ours, theirs = getattr(tl, enum_name), getattr(tt, enum_name)
        assert {k: int(v) for k, v in ours.__members__.items()} == {k: int(v) for k, v in theirs.__members__.items()}
        assert str(ours.EVAL if enum_name == "TrainingMode" else ours.ONNX) == \
            str(theirs.EVAL if enum_name == "TrainingMode" else theirs.ONNX)
    assert issubclass(tl.OnnxExporterError, RuntimeError) and issubclass(tt.OnnxExporterError, RuntimeError)
    assert hasattr(tt, "dynamo_export") is hasattr(tl, "dynamo_export") is False  # removed in PyTorch 2.9


@pytest.mark.parametrize("call", [
    lambda o: o.export(torchlike.nn.Linear(2, 2), (torchlike.zeros(1, 2),), "model.onnx"),
    lambda o: o.export(torchlike.nn.Linear(2, 2), (torchlike.zeros(1, 2),), dynamo=False),
    lambda o: o.register_custom_op_symbolic("::foo", lambda g: g, 17),
    lambda o: o.select_model_mode_for_export(torchlike.nn.Linear(2, 2), o.TrainingMode.EVAL),
], ids=["export", "export_torchscript", "register_custom_op_symbolic", "select_model_mode_for_export"])
def test_onnx_export_is_refused_by_name(call, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotImplementedError, match=r"torchlike\.onnx\.\w+: ONNX export is not supported"):
        call(torchlike.onnx)
    assert not (tmp_path / "model.onnx").exists()


# ----------------------------------------------------------------------------------------------------------------
# torch.serialization: the weights-only allowlist
class Custom:
    """A user class pickled into a checkpoint: weights_only=True must refuse it until allowed."""

    def __init__(self, value):
        self.value = value


CUSTOM_NAME = f"{__name__}.Custom"


def _checkpoint(t) -> io.BytesIO:
    buf = io.BytesIO()
    t.save({"obj": Custom(t.arange(3.0)), "w": t.ones(2)}, buf)
    buf.seek(0)
    return buf


@pytest.fixture
def allowlists():
    """Each library's allowlist is put back as it was (PyTorch keeps some of its own entries there)."""
    saved = {t: t.serialization.get_safe_globals() for t in (torch, torchlike)}
    yield
    for t, entries in saved.items():
        t.serialization.clear_safe_globals()
        t.serialization.add_safe_globals(entries)


@pytest.mark.parametrize("writer", ["torch", "torchlike"])
def test_custom_class_needs_add_safe_globals(writer, allowlists):
    w = torch if writer == "torch" else torchlike
    check_error(lambda t: t.load(_checkpoint(w), weights_only=True), name="load_unallowed_custom_class")
    for t in (torch, torchlike):
        before = t.serialization.get_safe_globals()
        assert t.serialization.get_unsafe_globals_in_checkpoint(_checkpoint(w)) == [CUSTOM_NAME]
        t.serialization.add_safe_globals([Custom])
        assert Custom in t.serialization.get_safe_globals()
        assert t.serialization.get_unsafe_globals_in_checkpoint(_checkpoint(w)) == []
        got = t.load(_checkpoint(w), weights_only=True)
        assert isinstance(got["obj"], Custom) and got["obj"].value.tolist() == [0.0, 1.0, 2.0]
        t.serialization.clear_safe_globals()
        assert t.serialization.get_safe_globals() == []
        with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL " + CUSTOM_NAME):
            t.load(_checkpoint(w), weights_only=True)
        t.serialization.add_safe_globals(before)


def test_safe_globals_context_and_named_entries(allowlists):
    for t in (torch, torchlike):
        with t.serialization.safe_globals([Custom]):
            assert Custom in t.serialization.get_safe_globals()
            assert t.load(_checkpoint(t), weights_only=True)["obj"].value.tolist() == [0.0, 1.0, 2.0]
        assert Custom not in t.serialization.get_safe_globals()
        with pytest.raises(pickle.UnpicklingError):
            t.load(_checkpoint(t), weights_only=True)
        t.serialization.add_safe_globals([(Custom, CUSTOM_NAME)])  # an object allowed under an explicit name
        assert isinstance(t.load(_checkpoint(t), weights_only=True)["obj"], Custom)


def test_serialization_module_names():
    s, ts = torchlike.serialization, torch.serialization
    assert s.load is torchlike.load and s.save is torchlike.save
    assert s.DEFAULT_PROTOCOL == ts.DEFAULT_PROTOCOL
    assert issubclass(s.SourceChangeWarning, Warning)
    assert s.location_tag(torchlike.zeros(2)) == ts.location_tag(torch.zeros(2)) == "cpu"
    with pytest.raises(NotImplementedError, match="register_package"):
        s.register_package(11, lambda obj: None, lambda obj, loc: None)
    loaded = {}
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf)
    buf.seek(0)

    def restore(storage, location):  # a map_location that hands every storage to default_restore_location
        loaded[location] = s.default_restore_location(storage, "cpu")
        return loaded[location]
    assert torchlike.load(buf, map_location=restore)["w"].tolist() == [1.0, 1.0]
    assert list(loaded) == ["cpu"]


# ----------------------------------------------------------------------------------------------------------------
# Tensor.is_* probes
PROBES = sorted(n for n in dir(torch.Tensor) if n.startswith("is_") and not callable(getattr(torch.zeros(1), n)))


@pytest.mark.parametrize("probe", PROBES)
def test_tensor_is_probes(probe):
    x = randn(2, 3)
    assert getattr(torchlike.tensor(x), probe) == getattr(torch.tensor(x), probe), probe


def test_tensor_probe_list_covers_pytorchs():
    expected = {"is_cpu", "is_cuda", "is_xpu", "is_mps", "is_meta", "is_sparse", "is_sparse_csr", "is_quantized",
                "is_mkldnn", "is_nested", "is_vulkan", "is_ipu", "is_maia", "is_mtia", "is_xla"}
    assert expected <= set(PROBES)
    for t in (torch, torchlike):
        x = t.zeros(2)
        assert x.is_shared() is False


def test_share_memory_is_refused_by_name():
    with pytest.raises(NotImplementedError, match="share_memory_.*Hogwild"):
        torchlike.zeros(2).share_memory_()


# ----------------------------------------------------------------------------------------------------------------
# PyTorch's class paths (what whole-model pickles name)
# Public classes of these PyTorch modules that torchlike does not implement at all.
NOT_IMPLEMENTED = {
    "torch.nn.modules.activation": {"RReLU"},
    "torch.nn.modules.container": {"Container"},
    "torch.nn.modules.conv": {"LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
                              "LazyConvTranspose2d", "LazyConvTranspose3d"},
    "torch.nn.modules.lazy": {"LazyModuleMixin"},
    "torch.nn.modules.linear": {"LazyLinear"},
    "torch.nn.modules.linear_cross_entropy_options": {"LinearCrossEntropyOptions"},
    "torch.nn.modules.loss": {"NLLLoss2d", "MultiLabelMarginLoss", "LinearCrossEntropyLoss",
                              "TripletMarginWithDistanceLoss", "CTCLoss"},
    "torch.nn.modules.pooling": {"FractionalMaxPool2d", "FractionalMaxPool3d", "LPPool3d"},
    "torch.nn.parameter": {"UninitializedTensorMixin", "UninitializedParameter", "UninitializedBuffer"},
    "torch.optim.asgd": {"ASGD"},
    "torch.optim.rprop": {"Rprop"},
    "torch.optim.sparse_adam": {"SparseAdam"},
    "torch.optim.swa_utils": {"AveragedModel", "SWALR"},
}


def _public_submodules(package) -> list:
    return [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)
            if not m.name.startswith("_")]


def _defined_classes(module_name: str) -> list:
    module = importlib.import_module(module_name)
    return [n for n, o in vars(module).items()
            if inspect.isclass(o) and not n.startswith("_") and o.__module__ == module_name]


CLASS_MODULES = sorted(set(_public_submodules(torch.nn.modules) + _public_submodules(torch.optim)
                           + _public_submodules(torch.utils.data) + ["torch.nn.parameter"]))


@pytest.mark.parametrize("module_name", CLASS_MODULES)
def test_pytorch_class_paths_resolve(module_name):
    """Every class PyTorch defines in module_name resolves at torchlike's same path, unless torchlike has
    no such class anywhere (NOT_IMPLEMENTED)."""
    names = _defined_classes(module_name)
    missing = set(NOT_IMPLEMENTED.get(module_name, ()))
    wanted = [n for n in names if n not in missing]
    if not wanted:
        return
    ours = importlib.import_module("torchlike" + module_name[len("torch"):])
    absent = [n for n in wanted if not inspect.isclass(getattr(ours, n, None))]
    assert not absent, f"{module_name}: {absent} do not resolve in torchlike"
    for n in wanted:  # the same class as torchlike's public one of that name, where there is one
        public = getattr(torchlike.nn, n, None) or getattr(torchlike.optim, n, None)
        if public is not None and inspect.isclass(public) and module_name.startswith(("torch.nn.", "torch.optim")):
            assert getattr(ours, n) is public, f"{module_name}.{n} is a second class"


def test_not_implemented_list_names_real_pytorch_classes():
    for module_name, names in NOT_IMPLEMENTED.items():
        assert names <= set(_defined_classes(module_name)), module_name


def _small_model():
    """Linear, ReLU, BatchNorm1d (running statistics set) and MultiheadAttention, in eval mode."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.BatchNorm1d(3),
                                torch.nn.MultiheadAttention(8, 2, batch_first=True))
    with torch.no_grad():
        model[2].running_mean.uniform_(-1, 1)
        model[2].running_var.uniform_(0.5, 2)
    return model.eval()


def test_whole_model_pickle_from_pytorch_loads_and_runs():
    model = _small_model()
    buf = io.BytesIO()
    torch.save(model, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError):
        torchlike.load(io.BytesIO(buf.getvalue()), weights_only=True)
    ours = torchlike.load(buf, weights_only=False)
    assert type(ours) is torchlike.nn.Sequential
    assert [type(m).__name__ for m in ours] == ["Linear", "ReLU", "BatchNorm1d", "MultiheadAttention"]
    assert type(ours[3].out_proj) is torchlike.nn.modules.linear.NonDynamicallyQuantizableLinear
    assert not ours.training
    x = randn(2, 3, 8, seed=5)

    def forward(m, t):
        h = m[2](m[1](m[0](t.tensor(x))))
        out, weights = m[3](h, h, h)
        return out.detach().numpy(), weights.detach().numpy()
    for a, b in zip(forward(model, torch), forward(ours, torchlike)):
        np.testing.assert_allclose(np.asarray(b), a, rtol=1e-5, atol=1e-5)
    sd_t, sd_l = model.state_dict(), ours.state_dict()
    assert list(sd_t) == list(sd_l)


def test_whole_model_pickle_under_the_torch_alias(tmp_path):
    """The same file read by a script whose `import torch` is torchlike (python -m torchlike run)."""
    path = tmp_path / "model.pt"
    torch.save(_small_model(), path)
    script = tmp_path / "script.py"
    script.write_text("import torch\nm = torch.load(%r, weights_only=False)\n"
                      "assert type(m).__module__.startswith('torchlike'), type(m)\n"
                      "x = torch.ones(2, 3, 8)\nh = m[2](m[1](m[0](x)))\nprint(m[3](h, h, h)[0].sum().item())\n"
                      % str(path))
    out = subprocess.run([sys.executable, "-m", "torchlike", "run", str(script)], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    model = _small_model()
    x = torch.ones(2, 3, 8)
    h = model[2](model[1](model[0](x)))
    expect = model[3](h, h, h)[0].sum().item()
    assert abs(float(out.stdout.strip().splitlines()[-1]) - expect) < 1e-4


# ----------------------------------------------------------------------------------------------------------------
# seeding
def test_manual_seed_sets_initial_seed():
    for t in (torch, torchlike):
        assert t.manual_seed(3).initial_seed() == 3 and t.initial_seed() == 3
        a = t.rand(4)
        t.manual_seed(3)
        assert t.rand(4).tolist() == a.tolist()
        assert t.Generator().initial_seed() == 67280421310721  # a new generator starts from the fixed default
