"""Installed-package metadata under the torch alias: with no real PyTorch on the path,
`importlib.metadata` reports a `torch` distribution at the PyTorch API version torchlike implements;
with a real PyTorch importable, its own metadata is left as it is.

The torch-free interpreter is real: a child Python started with -S (no site-packages processing)
whose path is a folder of links to every site-packages entry except PyTorch's own packages."""
import importlib.metadata

import pytest

from compat_suite.torch_free import run_python, torch_free_pythonpath


@pytest.fixture(scope="module")
def torch_free_path(tmp_path_factory):
    return torch_free_pythonpath(tmp_path_factory.mktemp("site_without_torch"))


def _run(code: str, pythonpath: str | None, isolated: bool) -> list:
    r = run_python(["-c", code], pythonpath, isolated)
    assert r.returncode == 0, r.stderr
    return r.stdout.split("\n")[:-1]


PROBE = """
import importlib.metadata as md
try:
    import torch
    print("real torch importable")
except ModuleNotFoundError:
    print("no torch")
try:
    print(md.version("torch"))
except md.PackageNotFoundError:
    print("no torch metadata")
import torchlike
torchlike.install_as_torch()
import torch
print(torch.__name__)
print(md.version("torch"))
d = md.distribution("torch")
print(d.metadata["Name"], d.version)
print(md.packages_distributions().get("torch"))
print(md.version("numpy") == __import__("numpy").__version__)
print(md.version("Torch"))
"""


def test_metadata_reports_the_api_version_without_real_torch(torch_free_path):
    out = _run(PROBE, torch_free_path, isolated=True)
    assert out == ["no torch", "no torch metadata", "torchlike", "2.13.0", "torch 2.13.0", "['torch']", "True",
                   "2.13.0"]


def test_metadata_of_a_real_torch_is_left_alone():
    real = importlib.metadata.version("torch")  # the PyTorch this environment compares against
    out = _run(PROBE, None, isolated=False)
    assert out[:3] == ["real torch importable", real, "torchlike"]
    assert out[3] == real


def test_other_distributions_are_not_answered():
    from torchlike._aliases import TorchAliasFinder

    class Context:
        name = "numpy"
    assert list(TorchAliasFinder().find_distributions(Context())) == []
