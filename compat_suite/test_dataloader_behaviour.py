"""DataLoader behaviour against real PyTorch: user code sees real tensors, datasets that PyTorch's
forked workers accept (local classes, lambdas, staticmethods), worker errors and deaths, and
samplers that draw lazily."""
import re
import tracemalloc

import numpy as np
import pytest
import torch

import torchlike
from compat_suite import loader_datasets as L

LIBS = (torch, torchlike)


def _values(x):
    """Library-neutral nested values: tensors as (dtype name, shape, ndarray)."""
    if isinstance(x, (torch.Tensor, torchlike.Tensor)):
        return (str(x.dtype).replace("torch.", ""), tuple(x.shape), np.asarray(x.tolist()))
    if isinstance(x, dict):
        return {k: _values(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_values(v) for v in x]
    return x


def _assert_close(ours, theirs):
    if isinstance(theirs, dict):
        assert ours.keys() == theirs.keys()
        for k in theirs:
            _assert_close(ours[k], theirs[k])
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _assert_close(a, b)
    elif isinstance(theirs, tuple):
        assert ours[:2] == theirs[:2]
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)
    else:
        assert ours == theirs


def _batches(lib, make, **kw):
    return [_values(b) for b in lib.utils.data.DataLoader(make(lib), batch_size=3, **kw)]


def _fork_only(t):
    return t.utils.data.StackDataset(local=L.local_with_staticmethod(t, 5), lam=L.LambdaHolder(t),
                                     static=L.StaticHelper(t))


@pytest.mark.parametrize("make", [L.TensorOps, _fork_only], ids=["tensor_ops", "fork_only"])
def test_user_code_with_tensors_matches(make):
    theirs = _batches(torch, make)
    _assert_close(_batches(torch, make, num_workers=2), theirs)
    _assert_close(_batches(torchlike, make), theirs)
    _assert_close(_batches(torchlike, make, num_workers=2), theirs)


def _error(lib, dataset, **kw):
    with pytest.raises(Exception) as info:
        list(lib.utils.data.DataLoader(dataset, batch_size=2, **kw))
    return info.value


def _without_pids(text):
    return re.sub(r"pid(\(s\))? \d+", r"pid\1 N", text)


def test_worker_exception_matches():
    errors = [_error(t, L.failing(t), num_workers=2) for t in LIBS]
    assert [type(e) for e in errors] == [ValueError, ValueError]
    for e in errors:
        msg = str(e)
        assert msg.startswith("Caught ValueError in DataLoader worker process 0.\nOriginal Traceback (most recent "
                              "call last):\n")
        assert 'raise ValueError("bad sample 5")' in msg and msg.rstrip().endswith("ValueError: bad sample 5")


@pytest.mark.parametrize("code", [None, 3], ids=["killed", "exit_code"])
def test_dead_worker_error_matches(code):
    ours, theirs = (_error(t, L.SelfKilling(7, code), num_workers=2) for t in (torchlike, torch))
    assert type(ours) is type(theirs) is RuntimeError
    # PyTorch raises the detail itself, or (when its SIGCHLD handler interrupts the wait for a
    # batch) "exited unexpectedly" caused by it; torchlike always raises the second form.
    generic = "DataLoader worker (pid(s) N) exited unexpectedly"
    detail = [_without_pids(str(e)) for e in (theirs, theirs.__cause__) if e is not None]
    detail = [m for m in detail if m != generic]
    assert [_without_pids(str(ours)), _without_pids(str(ours.__cause__))] == [generic] + detail


def test_random_sampler_with_replacement_draws_lazily():
    for t in LIBS:
        tracemalloc.start()
        try:
            s = t.utils.data.RandomSampler(range(10), replacement=True, num_samples=10 ** 10)
            first = [i for i, _ in zip(s, range(5))]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert len(s) == 10 ** 10 and all(0 <= i < 10 for i in first)
        assert peak < 1_000_000
    lens = [len(t.utils.data.WeightedRandomSampler([1.0, 2.0], 10 ** 10)) for t in LIBS]
    assert lens == [10 ** 10, 10 ** 10]
