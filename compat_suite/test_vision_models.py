"""torchvision.models against torchvision 0.29: same state_dict keys, shapes and dtypes in the same order,
and, loaded with the same deterministic weights, the same eval-mode logits.

The reference (reference/vision_models.npz) is written by reference/make_vision_models.py with real
torchvision; the weights come from the rule in reference/_weights.py, applied on both sides.
"""
import collections
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import torchlike
import torchlike.vision.models as models
from torchlike import nn

from .reference._weights import MODEL_CASES, deterministic_input, deterministic_value

_NPZ = os.path.join(os.path.dirname(__file__), "reference", "vision_models.npz")
_REF = np.load(_NPZ)


# Random initialisation compiles one XLA draw per parameter shape (seconds per model); the
# comparison overwrites every value anyway, so these tests build with the draws switched off.
# test_default_init_scheme below checks the real initialisation.
_DRAWS = ("uniform_", "normal_", "trunc_normal_", "kaiming_uniform_", "kaiming_normal_", "xavier_uniform_",
          "xavier_normal_")


@pytest.fixture
def no_random_init(monkeypatch):
    for name in _DRAWS:
        monkeypatch.setattr(nn.init, name, lambda tensor, *args, **kwargs: tensor)


def _records(model) -> list[str]:
    out = []
    for key, value in model.state_dict().items():
        dtype = str(value.dtype).removeprefix("torch.")
        out.append(f"{key}|{','.join(map(str, value.shape))}|{dtype}")
    return out


def _load_deterministic(model) -> None:
    state = model.state_dict()
    for key, value in state.items():
        new = deterministic_value(key, tuple(value.shape), str(value.dtype).removeprefix("torch."))
        if new is not None:
            state[key] = torchlike.from_numpy(np.asarray(new))
    model.load_state_dict(state, strict=True)


# Without --vision-full (CI), one case per architecture file, and a training step for three of
# them: every case compiles a whole model's kernels, minutes of CPU for the full list.
CI_CASES = {"resnet18", "vgg11", "alexnet", "squeezenet1_1", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0",
            "convnext_tiny", "vit_b_32_head", "regnet_x_400mf", "shufflenet_v2_x0_5", "googlenet_transform",
            "swin_t"}
CI_TRAIN_CASES = {"resnet18", "vit_b_32_head"}  # (mobilenet_v3_small trains in the full run: 30 s)


def pytest_generate_tests(metafunc):
    if "builder" in metafunc.fixturenames:
        full = metafunc.config.getoption("--vision-full")
        cases = [(*c, full or c[0] in CI_TRAIN_CASES) for c in MODEL_CASES if full or c[0] in CI_CASES]
        metafunc.parametrize("case,builder,kwargs,shape,train", cases, ids=[c[0] for c in cases])


def test_model_matches_torchvision(no_random_init, case, builder, kwargs, shape, train):
    torchlike.manual_seed(0)
    model = models.get_model(builder, weights=None, **kwargs)
    assert _records(model) == list(_REF[f"{case}/keys"])
    _load_deterministic(model)
    model.eval()
    x = torchlike.from_numpy(deterministic_input(shape))
    with torchlike.no_grad():
        logits = model(x)
    np.testing.assert_allclose(logits.numpy(), _REF[f"{case}/logits"], rtol=1e-4, atol=1e-5)

    if not train:
        return
    model.train()
    out = model(x)
    outputs = [o for o in out if o is not None] if isinstance(out, tuple) else [out]  # auxiliary heads too
    sum(o.square().mean() for o in outputs).backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert all(g is not None for g in grads)
    assert all(bool(torchlike.isfinite(g).all()) for g in grads)


def _real_torch_checkpoint(case: str, path) -> None:
    """Save, with real PyTorch, a state_dict laid out as torchvision's for `case`, holding the shared values."""
    import torch
    state = collections.OrderedDict()
    for record in _REF[f"{case}/keys"]:
        key, shape, dtype = str(record).split("|")
        shape = tuple(int(s) for s in shape.split(",")) if shape else ()
        value = deterministic_value(key, shape, dtype)
        state[key] = torch.from_numpy(np.asarray(value)) if value is not None else torch.zeros(shape, dtype=getattr(
            torch, dtype))
    torch.save(state, path)


def test_weights_enum_loads_a_real_checkpoint_from_the_hub_cache(no_random_init, tmp_path, monkeypatch):
    """`weights=` reads $TORCH_HOME/hub/checkpoints/<url file name>, written here by real PyTorch."""
    weights = models.SqueezeNet1_1_Weights.IMAGENET1K_V1
    checkpoints = tmp_path / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    _real_torch_checkpoint("squeezenet1_1", checkpoints / weights.url.rsplit("/", 1)[1])
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    model = models.squeezenet1_1(weights=weights).eval()
    with torchlike.no_grad():
        logits = model(torchlike.from_numpy(deterministic_input((2, 3, 48, 48))))
    np.testing.assert_allclose(logits.numpy(), _REF["squeezenet1_1/logits"], rtol=1e-4, atol=1e-5)
    by_name = models.get_model("squeezenet1_1", weights="IMAGENET1K_V1")
    assert all(bool((a == b).all()) for a, b in zip(by_name.state_dict().values(), model.state_dict().values()))


def test_missing_checkpoint_raises_and_names_the_cache_path(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(RuntimeError, match="resnet18-f37072fd.pth") as info:
        models.ResNet18_Weights.DEFAULT.get_state_dict()
    assert str(tmp_path / "hub" / "checkpoints") in str(info.value)


def test_legacy_pretrained_argument(no_random_init, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.warns(UserWarning, match="'pretrained' is deprecated"):
        model = models.squeezenet1_1(pretrained=False)
    assert isinstance(model, models.SqueezeNet)
    with warnings.catch_warnings(record=True) as caught, pytest.raises(RuntimeError, match="squeezenet1_1"):
        warnings.simplefilter("always")
        models.squeezenet1_1(pretrained=True)
    assert any("SqueezeNet1_1_Weights.IMAGENET1K_V1" in str(w.message) for w in caught)


def test_weights_enum_surface():
    w = models.ResNet50_Weights
    assert w.DEFAULT is w.IMAGENET1K_V2 and w.verify("IMAGENET1K_V1") is w.IMAGENET1K_V1
    assert w.verify("ResNet50_Weights.IMAGENET1K_V1") is w.IMAGENET1K_V1 and w.verify(None) is None
    with pytest.raises(TypeError, match="expected ResNet50_Weights but received ResNet18_Weights"):
        w.verify(models.ResNet18_Weights.DEFAULT)
    assert w.IMAGENET1K_V2.url == "https://download.pytorch.org/models/resnet50-11ad3fa6.pth"
    assert len(w.IMAGENET1K_V2.meta["categories"]) == 1000 and w.IMAGENET1K_V2.meta["num_params"] == 25557032
    preset = w.IMAGENET1K_V2.transforms()
    assert preset.crop_size == [224] and preset.resize_size == [232]
    assert models.get_model_weights("resnet50") is w and models.get_weight("ResNet50_Weights.DEFAULT") is w.DEFAULT
    with pytest.raises(ValueError, match="expected value 1000 but got 10"):
        models.resnet50(weights=w.DEFAULT, num_classes=10)
    assert {"resnet18", "vgg11_bn", "vit_b_16", "swin_t", "regnet_x_400mf"} <= set(models.list_models())


# Builders not in MODEL_CASES: their parameter count must equal torchvision's (weights meta num_params).
_COUNT_ONLY = ["resnet34", "resnet101", "densenet169", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
               "regnet_y_800mf", "regnet_x_1_6gf", "shufflenet_v2_x1_0", "shufflenet_v2_x2_0", "mobilenet_v3_small"]


@pytest.mark.parametrize("name", _COUNT_ONLY)
def test_parameter_count_matches_torchvision(no_random_init, name):
    model = models.get_model(name)
    expected = models.get_model_weights(name).DEFAULT.meta["num_params"]
    assert sum(p.numel() for p in model.parameters()) == expected


def test_default_init_scheme():
    """weights=None: torchvision's initialisation (He fan-out normal convs, unit BatchNorm, default Linear)."""
    torchlike.manual_seed(0)
    model = models.resnet18(num_classes=10)
    w = model.layer3[0].conv1.weight.detach().numpy()
    assert abs(w.std() - np.sqrt(2.0 / (256 * 9))) < 0.05 * np.sqrt(2.0 / (256 * 9)) and abs(w.mean()) < 1e-3
    assert bool((model.bn1.weight == 1).all()) and bool((model.bn1.bias == 0).all())
    bound = 1 / np.sqrt(512)
    largest = np.abs(model.fc.weight.detach().numpy()).max()
    assert 0.9 * bound < largest <= bound


def test_head_replacement_and_fine_tuning_step(no_random_init):
    model = models.resnet18(weights=None)
    _load_deterministic(model)
    model.fc = nn.Linear(512, 10)
    out = model(torchlike.from_numpy(deterministic_input((2, 3, 32, 32))))
    assert tuple(out.shape) == (2, 10)
    out.sum().backward()
    assert model.fc.weight.grad is not None and model.conv1.weight.grad is not None
    assert "fc.weight" in model.state_dict() and tuple(model.state_dict()["fc.weight"].shape) == (10, 512)


def test_runs_under_the_torchvision_alias(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent("""
        import torch, torch.nn as nn
        import torchvision.models as models
        m = models.resnet18(weights=None)
        m.fc = nn.Linear(512, 10)
        print(type(m).__module__, tuple(m(torch.zeros(2, 3, 32, 32)).shape))
    """))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-m", "torchlike", "run", str(script)], capture_output=True, text=True,
                         timeout=600, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=root))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["torchlike.vision.models.resnet", "(2,", "10)"]
