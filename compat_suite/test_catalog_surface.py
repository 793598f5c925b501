"""The API surface: every public name of PyTorch's and torchvision's main namespaces, held against
expected.txt (families `surface:<namespace>`; see compat_suite/catalog/surface.py).

A present name is `pass`, an absent one `gap` or `out-of-scope` (by surface.RULES). The test of a
namespace fails when a name's status differs from the file: a gap that became present, a name
that went missing, a new name PyTorch added, or a line for a name PyTorch no longer has.
`--catalog-update` rewrites the families from this run (and drops the stale lines).
"""
import os

import pytest

from .catalog import expectations, surface


@pytest.mark.parametrize("namespace", list(surface.NAMESPACES))
def test_surface(namespace):
    fam = surface.family(namespace)
    statuses = surface.statuses(namespace)
    problems = [p for name, st in statuses.items() if (p := expectations.verdict(fam, name, st))]
    if os.environ.get("TORCHLIKE_CATALOG_UPDATE"):
        surface.prune_stale(fam, statuses)
    else:
        stale = sorted(set(expectations.load().get(fam, {})) - set(statuses))
        problems += [f"{fam} {name} is in expected.txt but no longer a public name" for name in stale]
    assert not problems, (f"{len(problems)} difference(s) from expected.txt for {fam} "
                          f"(rerun with --catalog-update if intended):\n" + "\n".join(problems))


def test_torchvision_names_file():
    data = surface.load_torchvision()
    assert data["header"]["torchvision"] and data["header"]["produced_by"]
    assert sorted(data["names"]) == sorted(surface.TORCHVISION)
    for ns, names in data["names"].items():
        assert names and names == sorted(set(names)), ns


@pytest.mark.parametrize("path", [
    "torch.cdist", "torch.int8", "torch.uint16", "torch.int64", "torch.float8_e4m3fn", "torch.searchsorted",
    "torch.stft", "torch.view_as_real", "torch.set_num_threads", "torch.Tensor.narrow", "torch.Tensor.is_mps",
    "torch.Tensor.pin_memory", "torch.linalg.lu", "torch.linalg.solve", "torch.linalg.eig", "torch.nn.LazyLinear",
    "torch.nn.SyncBatchNorm", "torch.nn.functional.gumbel_softmax", "torch.fft.fft", "torch.special.erfcx",
    "torch.autograd.gradcheck", "torch.optim.Rprop", "torchvision.models.resnet18",
])
def test_rules_keep_user_facing_names_in_scope(path):
    """The out-of-scope rules must not swallow what ordinary scripts call (they would hide gaps)."""
    namespace, name = next((ns, path[len(ns) + 1:]) for ns in sorted(surface.NAMESPACES, key=len, reverse=True)
                           if path.startswith(ns + "."))
    obj = None
    if namespace not in surface.TORCHVISION:
        obj = getattr(surface._torch_object(namespace), name)
    assert "gap" in surface.classify(namespace, name, obj)
