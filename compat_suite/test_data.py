"""torch.utils.data against real PyTorch: collation of nested structures, DataLoader batches and order,
samplers, random_split lengths and coverage."""
import collections

import numpy as np
import pytest
import torch

import torchlike
from compat_suite.data_fixtures import Rows
from compat_suite.harness import randn

Pair = collections.namedtuple("Pair", "a b")


def _norm(x):
    """A library-neutral description: tensors as (dtype name, shape, values); containers kept."""
    if isinstance(x, (torch.Tensor, torchlike.Tensor)):
        return ("tensor", str(x.dtype).replace("torch.", ""), tuple(x.shape), x.tolist())
    if isinstance(x, dict):
        return {k: _norm(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return ("namedtuple", type(x).__name__, tuple(_norm(v) for v in x))
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_norm(v) for v in x])
    return x


def _samples(t):
    """Sample lists built per library (tensors of that library)."""
    x = randn(4, 3)
    return [
        [t.tensor(x[0]), t.tensor(x[1])],
        [x[0], x[1]],
        [1, 2, 3],
        [1.5, 2.5],
        [True, False],
        ["a", "b"],
        [np.float32(1.0), np.float32(2.0)],
        [np.int16(1), np.int16(2)],
        [{"x": t.tensor(x[0]), "y": (1, "p"), "z": [2.0, np.arange(2)]},
         {"x": t.tensor(x[1]), "y": (2, "q"), "z": [3.0, np.arange(2) + 1]}],
        [Pair(1, t.tensor([1, 2])), Pair(2, t.tensor([3, 4]))],
        [(t.tensor(1.5), {"k": [1, 2]}), (t.tensor(2.5), {"k": [3, 4]})],
    ]


@pytest.mark.parametrize("i", range(11))
def test_default_collate_matches(i):
    ours = torchlike.utils.data.default_collate(_samples(torchlike)[i])
    theirs = torch.utils.data.default_collate(_samples(torch)[i])
    assert _norm(ours) == _norm(theirs)


@pytest.mark.parametrize("value", [np.arange(3), np.float64(2.0), (np.arange(2), "s"), {"a": np.ones(2, np.int32)}])
def test_default_convert_matches(value):
    assert _norm(torchlike.utils.data.default_convert(value)) == _norm(torch.utils.data.default_convert(value))


def test_collate_errors_match():
    for lib in (torch, torchlike):
        with pytest.raises(RuntimeError) as e:
            lib.utils.data.default_collate([lib.tensor([1, 2, 3]), lib.tensor([1, 2, 3, 4])])
        assert "stack expects each tensor to be equal size, but got [3] at entry 0 and [4] at entry 1" in str(e.value)


def _batches(lib, **kw):
    return [_norm(b) for b in lib.utils.data.DataLoader(Rows(11), **kw)]


@pytest.mark.parametrize("kw", [{"batch_size": 4}, {"batch_size": 4, "drop_last": True}, {"batch_size": None},
                                {"batch_size": 3, "sampler": list(range(10, -1, -2))}])
def test_dataloader_batches_match(kw):
    theirs = _batches(torch, **kw)
    assert _batches(torchlike, **kw) == theirs
    assert _batches(torchlike, num_workers=2, **kw) == theirs
    assert len(torchlike.utils.data.DataLoader(Rows(11), **kw)) == len(torch.utils.data.DataLoader(Rows(11), **kw))


def test_tensor_dataset_loader_matches():
    x, y = randn(10, 2), np.arange(10)
    theirs = [_norm(b) for b in torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=3)]
    ds = torchlike.utils.data.TensorDataset(torchlike.tensor(x), torchlike.tensor(y))
    assert [_norm(b) for b in torchlike.utils.data.DataLoader(ds, batch_size=3)] == theirs
    assert [_norm(b) for b in torchlike.utils.data.DataLoader(ds, batch_size=3, num_workers=2)] == theirs


def test_samplers_match():
    for lib in (torch, torchlike):
        D = lib.utils.data
        assert list(D.SequentialSampler(range(5))) == [0, 1, 2, 3, 4]
        assert list(D.BatchSampler(D.SequentialSampler(range(7)), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
        assert len(D.BatchSampler(range(7), 3, True)) == 2
        assert sorted(D.RandomSampler(range(9))) == list(range(9))
        assert len(list(D.RandomSampler(range(4), replacement=True, num_samples=9))) == 9
        assert sorted(D.SubsetRandomSampler([5, 1, 7])) == [1, 5, 7]
        assert set(D.WeightedRandomSampler([0, 1.0, 0, 2.0], 50)) <= {1, 3}


@pytest.mark.parametrize("lengths", [[3, 7], [0.5, 0.5], [0.3, 0.3, 0.4], [0.33, 0.33, 0.34], [0.1] * 10])
def test_random_split_lengths_and_coverage(lengths):
    ours = torchlike.utils.data.random_split(range(10), lengths)
    theirs = torch.utils.data.random_split(range(10), lengths)
    assert [len(p) for p in ours] == [len(p) for p in theirs]
    assert sorted(i for p in ours for i in p) == list(range(10))


def test_seeded_order_deterministic_with_and_without_workers():
    def order(**kw):
        torchlike.manual_seed(123)
        return [b[1].tolist() for b in torchlike.utils.data.DataLoader(Rows(11), batch_size=4, shuffle=True, **kw)]

    first = order()
    assert first == order() == order(num_workers=2)
    assert sorted(i for b in first for i in b) == list(range(11))
    g = torchlike.Generator().manual_seed(5)
    a = [b[1].tolist() for b in torchlike.utils.data.DataLoader(Rows(11), batch_size=4, shuffle=True, generator=g)]
    g.manual_seed(5)
    assert a == [b[1].tolist() for b in torchlike.utils.data.DataLoader(Rows(11), batch_size=4, shuffle=True,
                                                                        generator=g, num_workers=2)]


def test_argument_errors_match():
    for kw in ({"sampler": [0, 1], "shuffle": True}, {"batch_sampler": [[0]], "batch_size": 2}, {"num_workers": -1},
               {"persistent_workers": True}, {"prefetch_factor": 2}, {"batch_size": None, "drop_last": True}):
        with pytest.raises(ValueError) as theirs:
            torch.utils.data.DataLoader(Rows(3), **kw)
        with pytest.raises(ValueError) as ours:
            torchlike.utils.data.DataLoader(Rows(3), **kw)
        assert str(ours.value) == str(theirs.value)
