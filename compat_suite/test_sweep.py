"""The operator sweep: every registry operator, on its samples, against real PyTorch."""
import pytest

import torchlike
from torchlike._ops.registry import OPS

from .harness import check
from .samples import SAMPLES, default_samples


def _cases():
    for name in sorted(OPS):
        ss = SAMPLES.get(name) or default_samples(OPS[name])
        for i, s in enumerate(ss):
            yield pytest.param(name, s, id=f"{name}-{i}-{s.label}")


def covered_ops() -> tuple[set, set]:
    have = {n for n in OPS if SAMPLES.get(n) or default_samples(OPS[n])}
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
