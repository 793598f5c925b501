"""torchlike.utils.data: datasets, samplers, collation, DataLoader (single- and multi-process)."""
import collections
import multiprocessing
import os
import select
import signal
import sys
import time

import numpy as np
import pytest

import torchlike
from torchlike.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)

Point = collections.namedtuple("Point", "x y")


# ----- datasets used by worker tests: module level, so workers import them by reference -----

class Squares(Dataset):
    def __init__(self, n=10):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full((2,), i * i, dtype=np.float32), i


class Probe(Dataset):
    """Reports what a worker has imported."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return {"jax": "jax" in sys.modules, "worker": get_worker_info().id, "pid": os.getpid()}


class Failing(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError("bad sample 5")
        return i


class Stuck(Dataset):
    """Samples from `first_stuck` on never arrive (the worker blocks forever)."""

    def __init__(self, first_stuck):
        self.first_stuck = first_stuck

    def __len__(self):
        return 100

    def __getitem__(self, i):
        if i >= self.first_stuck:
            select.select([], [], [])
        return i


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def _t(a):
    return torchlike.from_numpy(np.asarray(a))


# ----- datasets -----

def test_tensor_dataset():
    ds = TensorDataset(_t(np.arange(6.0).reshape(3, 2)), _t(np.arange(3)))
    assert len(ds) == 3
    x, y = ds[1]
    assert x.tolist() == [2.0, 3.0] and y.item() == 1
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(_t(np.zeros(3)), _t(np.zeros(4)))


def test_concat_subset_stack_chain():
    a, b = Squares(3), Squares(2)
    c = a + b
    assert isinstance(c, ConcatDataset) and len(c) == 5 and c.cumulative_sizes == [3, 5]
    assert c[3][1] == 0 and c[-1][1] == 1 and c[2][1] == 2
    with pytest.raises(ValueError, match="absolute value of index"):
        c[-6]
    s = Subset(a, [2, 0])
    assert len(s) == 2 and s[0][1] == 2
    st = StackDataset(a, Squares(3))
    assert st[1][0][1] == 1 and st[1][1][1] == 1
    assert set(StackDataset(p=a, q=a)[0]) == {"p", "q"}
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset(a, b)
    assert list(ChainDataset([Stream(2), Stream(3)])) == [0, 1, 0, 1, 2]


def test_random_split_lengths_and_fractions():
    parts = random_split(range(10), [0.33, 0.33, 0.34])
    assert [len(p) for p in parts] == [4, 3, 3]  # floor(3.3)=3 each, the remainder goes to the first
    assert sorted(i for p in parts for i in p) == list(range(10))
    parts = random_split(range(10), [7, 3])
    assert [len(p) for p in parts] == [7, 3]
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [3, 3])
    g1, g2 = torchlike.Generator().manual_seed(3), torchlike.Generator().manual_seed(3)
    assert list(random_split(range(20), [10, 10], generator=g1)[0]) == \
        list(random_split(range(20), [10, 10], generator=g2)[0])


# ----- collation -----

def test_default_collate_values_and_types():
    t = default_collate([_t(np.array([1.0, 2.0], np.float32)), _t(np.array([3.0, 4.0], np.float32))])
    assert t.shape == (2, 2) and t.dtype == torchlike.float32
    assert default_collate([1.5, 2.5]).dtype == torchlike.float64
    assert default_collate([1, 2]).dtype == torchlike.int64
    assert default_collate([True, False]).dtype == torchlike.bool
    assert default_collate(["a", "b"]) == ["a", "b"]
    n = default_collate([np.zeros(3, np.int32), np.ones(3, np.int32)])
    assert n.dtype == torchlike.int32 and n.tolist() == [[0, 0, 0], [1, 1, 1]]
    d = default_collate([{"a": 1, "b": (2.0, "s")}, {"a": 3, "b": (4.0, "t")}])
    assert d["a"].tolist() == [1, 3] and isinstance(d["b"], list) and d["b"][1] == ("s", "t")  # strings stay as zip gives them
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3] and p.y.dtype == torchlike.float64


def test_default_collate_errors():
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[3\] at entry 0 "
                                           r"and \[4\] at entry 1"):
        default_collate([_t(np.zeros(3)), _t(np.zeros(4))])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
        default_collate([object(), object()])


def test_default_convert():
    out = default_convert((np.arange(3), "x", {"k": np.float32(2)}))
    assert isinstance(out, list) and out[0].tolist() == [0, 1, 2] and out[1] == "x"
    assert out[2]["k"].dtype == torchlike.float32


# ----- samplers -----

def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    r = list(RandomSampler(range(50)))
    assert sorted(r) == list(range(50)) and r != list(range(50))
    assert len(list(RandomSampler(range(5), replacement=True, num_samples=12))) == 12
    s = list(RandomSampler(range(5), num_samples=7))
    assert len(s) == 7 and sorted(s[:5]) == list(range(5))  # whole permutations first, then a partial one
    assert sorted(SubsetRandomSampler([3, 7, 9])) == [3, 7, 9]
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0, 1.0], 100))
    assert set(w) <= {1, 3} and len(w) == 100
    assert list(BatchSampler(range(7), 3, drop_last=False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, drop_last=True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3 and len(BatchSampler(range(7), 3, True)) == 2
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)


def test_seeded_shuffle_is_reproducible():
    def order():
        torchlike.manual_seed(7)
        return [b[1].tolist() for b in DataLoader(Squares(12), batch_size=4, shuffle=True)]

    a, b = order(), order()
    assert a == b and sorted(i for b in a for i in b) == list(range(12)) and [i for b in a for i in b] != list(range(12))


# ----- DataLoader (main process) -----

def test_dataloader_argument_errors():
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(Squares(), sampler=SequentialSampler(range(10)), shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive with batch_size"):
        DataLoader(Squares(), batch_sampler=BatchSampler(range(10), 2, False), batch_size=3)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(Squares(), num_workers=-1)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(Squares(), persistent_workers=True)
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified in multiprocessing"):
        DataLoader(Squares(), prefetch_factor=2)
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="batch_size=None option disables auto-batching"):
        DataLoader(Squares(), batch_size=None, drop_last=True)
    dl = DataLoader(Squares())
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        dl.batch_size = 3


def test_dataloader_batches_len_drop_last():
    dl = DataLoader(Squares(10), batch_size=4)
    batches = list(dl)
    assert len(dl) == 3 and len(batches) == 3
    x, y = batches[0]
    assert x.shape == (4, 2) and x.dtype == torchlike.float32 and y.tolist() == [0, 1, 2, 3]
    assert x[:, 0].tolist() == [0.0, 1.0, 4.0, 9.0]
    assert len(DataLoader(Squares(10), batch_size=4, drop_last=True)) == 2
    single = list(DataLoader(Squares(3), batch_size=None))
    assert single[2][1] == 2 and single[2][0].tolist() == [4.0, 4.0]
    assert [b.tolist() for b in DataLoader(Stream(5), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert len(DataLoader(Stream(5), batch_size=2)) == 3


def test_dataloader_tensor_dataset_main_process():
    x = _t(np.arange(20, dtype=np.float32).reshape(10, 2))
    y = _t(np.arange(10))
    out = list(DataLoader(TensorDataset(x, y), batch_size=4))
    assert out[1][0].tolist() == [[8.0, 9.0], [10.0, 11.0], [12.0, 13.0], [14.0, 15.0]]
    assert out[2][1].tolist() == [8, 9] and out[2][1].dtype == torchlike.int64


# ----- DataLoader with worker processes -----

def test_workers_do_not_import_jax_and_share_work():
    out = list(DataLoader(Probe(), batch_size=1, num_workers=2))
    assert not any(b["jax"].item() for b in out)
    assert sorted({b["worker"].item() for b in out}) == [0, 1]
    assert os.getpid() not in {b["pid"].item() for b in out}


def test_worker_batches_match_main_process_order():
    x = _t(np.arange(60, dtype=np.float32).reshape(30, 2))
    ds = TensorDataset(x, _t(np.arange(30)))
    main = [(a.tolist(), b.tolist()) for a, b in DataLoader(ds, batch_size=4)]
    work = [(a.tolist(), b.tolist()) for a, b in DataLoader(ds, batch_size=4, num_workers=2, prefetch_factor=3)]
    assert main == work
    torchlike.manual_seed(11)
    s0 = [b.tolist() for _, b in DataLoader(ds, batch_size=5, shuffle=True)]
    torchlike.manual_seed(11)
    s2 = [b.tolist() for _, b in DataLoader(ds, batch_size=5, shuffle=True, num_workers=2)]
    assert s0 == s2


def test_iterable_dataset_sharded_by_worker_info():
    out = [b.tolist() for b in DataLoader(Stream(10), batch_size=2, num_workers=2)]
    assert sorted(i for b in out for i in b) == list(range(10))
    assert out[0] == [0, 2] and out[1] == [1, 3]


def test_persistent_workers_two_epochs():
    dl = DataLoader(Squares(9), batch_size=2, num_workers=2, persistent_workers=True)
    e1 = [b[1].tolist() for b in dl]
    pids = {w.pid for w in dl._iterator._workers}
    e2 = [b[1].tolist() for b in dl]
    assert e1 == e2 == [[0, 1], [2, 3], [4, 5], [6, 7], [8]]
    assert {w.pid for w in dl._iterator._workers} == pids
    dl._iterator._shutdown_workers()


def test_worker_exception_reraised_with_traceback():
    t0 = time.time()
    with pytest.raises(ValueError) as info:
        list(DataLoader(Failing(), batch_size=2, num_workers=2))
    msg = str(info.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 0.\nOriginal Traceback (most recent call")
    assert "bad sample 5" in msg and "__getitem__" in msg
    assert time.time() - t0 < 30


def test_killed_worker_raises_instead_of_hanging():
    it = iter(DataLoader(Stuck(1), batch_size=1, num_workers=2))
    assert next(it).tolist() == [0]
    victim = it._workers[0]
    os.kill(victim.pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match=rf"DataLoader worker \(pid\(s\) {victim.pid}\) exited unexpectedly"):
        for _ in range(1000):
            next(it)
    assert not any(w.is_alive() for w in it._workers)


def test_timeout():
    with pytest.raises(RuntimeError, match="DataLoader timed out after 1 seconds"):
        next(iter(DataLoader(Stuck(0), batch_size=1, num_workers=1, timeout=1)))


def test_no_leaked_worker_processes():
    # Only this test's workers count: an earlier test's iterator may still be waiting for the
    # garbage collector (a pytest.raises traceback keeps it alive).
    before = set(multiprocessing.active_children())
    for _ in DataLoader(Squares(6), batch_size=2, num_workers=2):
        pass
    it = iter(DataLoader(Squares(6), batch_size=1, num_workers=2))
    next(it)
    workers = list(it._workers)
    del it  # shuts its workers down
    assert not any(w.is_alive() for w in workers)
    assert set(multiprocessing.active_children()) - before == set()
