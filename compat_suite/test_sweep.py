"""The operator sweep: every registry operator, on its samples, against real PyTorch."""
import pytest

import torchlike
import torchlike.fft  # noqa: F401  (lazy submodules whose kernels join the registry on import:
import torchlike.vision.ops  # noqa: F401  the sweep must see the same registry in any test order)
from torchlike._engine.op import OPS

from .harness import check
from .samples import SAMPLES, default_samples


def _cases():
    for name in sorted(OPS):
        ss = SAMPLES.get(name) or default_samples(OPS[name])
        for i, s in enumerate(ss):
            yield pytest.param(name, s, id=f"{name}-{i}-{s.label}")


# Kernels compared elsewhere, against stored outputs of a library this environment cannot import.
ELSEWHERE = {n: "compat_suite/test_vision_ops.py (torchvision 0.29.1 reference outputs)"
             for n in ("_vision_roi_align", "_vision_roi_pool", "_vision_ps_roi_align", "_vision_ps_roi_pool")}


def covered_ops() -> tuple[set, set]:
    have = {n for n in OPS if SAMPLES.get(n) or default_samples(OPS[n]) or n in ELSEWHERE}
    return have, set(OPS) - have


def _public(t, name: str):
    """The library's function for a registry name: `special_zeta` is `t.special.zeta`."""
    for prefix in ("special_", "linalg_"):
        if name.startswith(prefix) and not hasattr(t, name):
            return getattr(getattr(t, prefix[:-1]), name[len(prefix):])
    return getattr(t, name)


@pytest.mark.parametrize("name,sample", list(_cases()))
def test_op(name, sample):
    if sample.call is not None:
        fn = sample.call
    else:
        def fn(t, *args, **kw):
            return _public(t, name)(*args, **kw)
    fn.__name__ = name
    check(fn, *sample.inputs, grad=sample.grad, area="ops", name=name, tol=sample.tol, kwargs=sample.kwargs)


def test_every_registry_op_has_samples():
    _, missing = covered_ops()
    assert not missing, f"operators without sweep samples: {sorted(missing)}"


def test_registry_is_exported():
    for name, o in OPS.items():
        if getattr(o, "function", True) and not name.startswith("_"):
            assert hasattr(torchlike, name), name
