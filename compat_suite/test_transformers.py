"""Hugging Face transformers models against real PyTorch: GPT-2, BERT and Llama (tiny configs) are
built and run by real torch here, then by torchlike in a torch-free interpreter from the same weights
and inputs (`transformers_models.py`); logits, loss and every parameter's gradient must agree."""
import numpy as np
import pytest

from .torch_free import run_python, torch_free_pythonpath
from .transformers_models import CASES, build, run


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    import torch
    folder = tmp_path_factory.mktemp("transformers")
    theirs = {}
    for name in CASES:
        torch.manual_seed(0)
        model = build(name)
        ids = torch.randint(0, 64, (2, 8))
        labels = torch.tensor([0, 2]) if name == "bert" else ids
        inputs = {"input_ids": ids, "labels": labels}
        torch.save({"state": model.state_dict(), "inputs": inputs}, folder / f"{name}.pt")
        theirs.update({f"{name}/{k}": v for k, v in run(model, inputs).items()})
    path = torch_free_pythonpath(tmp_path_factory.mktemp("site_without_torch"))
    r = run_python(["-m", "compat_suite.transformers_models", str(folder), str(folder / "ours.npz")], path,
                   isolated=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return theirs, dict(np.load(folder / "ours.npz")), folder


@pytest.mark.parametrize("name", list(CASES))
def test_model_matches_real_pytorch(results, name):
    theirs, ours, _ = results
    keys = sorted(k for k in theirs if k.startswith(name + "/"))
    assert keys == sorted(k for k in ours if k.startswith(name + "/"))
    for k in keys:
        a, b = theirs[k], ours[k]
        # Gradients that are zero in exact arithmetic (attention's key bias: softmax ignores a shift) are
        # rounding noise on both sides; everything is compared against the largest value of its kind.
        scale = max(np.abs(a).max(), 1e-6 if k.startswith(name + "/grad.") else 0)
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5 * scale, err_msg=k)


@pytest.mark.parametrize("name", list(CASES))
def test_safetensors_written_by_torchlike_load_in_real_pytorch(results, name):
    import torch
    from safetensors.torch import load_file
    folder = results[2]
    written = load_file(str(folder / f"{name}.safetensors"))
    state = torch.load(folder / f"{name}.pt")["state"]
    expected = {k: v for k, v in state.items() if not k.endswith("lm_head.weight")}
    assert sorted(written) == sorted(expected)
    for k, v in expected.items():
        assert written[k].dtype == v.dtype and torch.equal(written[k], v), k
