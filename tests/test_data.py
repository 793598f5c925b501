"""torchlike.utils.data: datasets, samplers, collation, DataLoader (single- and multi-process)."""
import collections
import multiprocessing
import os
import re
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


# ----- what datasets, transforms and collate_fns see: real Tensors, with and without workers -----

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data")


def _flatten_tensor(x):
    """A transform calling a torch op; refuses anything but a real Tensor."""
    if type(x) is not torchlike.Tensor:
        raise TypeError(f"transform got {type(x).__name__}")
    return torchlike.flatten(x)


class TimesTwo(Dataset):
    """`__getitem__` builds a tensor and uses tensor methods on an inner dataset's samples."""

    def __init__(self, inner):
        self.inner = inner

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, i):
        x, y = self.inner[i]
        if type(x) is not torchlike.Tensor:
            raise TypeError(f"inner sample is {type(x).__name__}")
        return x.exp() * 2, torchlike.tensor([y, y]) * 2


def _mnist(transform=None):
    from torchlike.vision import datasets
    return datasets.MNIST(root=DATA, train=False, transform=transform)


@pytest.mark.parametrize("num_workers", [0, 2])
def test_mnist_lambda_transform_gets_tensors(num_workers):
    from torchlike.vision import transforms as T
    raw = _mnist()
    expected = np.stack([raw[i][0] for i in range(8)]).reshape(8, 784).astype(np.float32) / 255
    tf = T.Compose([T.ToTensor(), T.Lambda(lambda x: _flatten_tensor(x))])
    x, y = next(iter(DataLoader(_mnist(tf), batch_size=8, num_workers=num_workers)))
    assert type(x) is torchlike.Tensor and x.shape == (8, 784) and x.dtype == torchlike.float32
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-6)
    assert y.tolist() == [raw[i][1] for i in range(8)]


@pytest.mark.parametrize("num_workers", [0, 2])
def test_getitem_uses_torch_ops_on_builtin_samples(num_workers):
    a = np.linspace(-1, 1, 12, dtype=np.float32).reshape(6, 2)
    ds = TimesTwo(TensorDataset(_t(a), _t(np.arange(6))))
    x, y = next(iter(DataLoader(ds, batch_size=6, num_workers=num_workers)))
    np.testing.assert_allclose(x.numpy(), np.exp(a) * 2, rtol=1e-6)
    assert y.tolist() == [[2 * i, 2 * i] for i in range(6)] and y.dtype == torchlike.int64


@pytest.mark.parametrize("num_workers", [0, 2])
def test_user_collate_fn_gets_tensors(num_workers):
    ds = TensorDataset(_t(np.arange(8, dtype=np.float32)))
    dl = DataLoader(ds, batch_size=4, num_workers=num_workers,
                    collate_fn=lambda b: torchlike.stack([s[0] for s in b]).sum().reshape(1))
    assert [b.tolist() for b in dl] == [[6.0], [22.0]]


def test_builtin_compose_in_user_dataset_matches_fast_path():
    from torchlike.vision import transforms as T
    tf = T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))])
    fast = next(iter(DataLoader(_mnist(tf), batch_size=5)))[0]
    wrapped = TimesTwo(_mnist(tf))
    slow = torchlike.stack([wrapped.inner[i][0] for i in range(5)])
    assert type(wrapped.inner[0][0]) is torchlike.Tensor
    raw = np.stack([_mnist()[i][0] for i in range(5)])[:, None].astype(np.float32) / 255
    np.testing.assert_allclose(fast.numpy(), (raw - 0.1307) / 0.3081, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(slow.numpy(), fast.numpy())


# ----- samplers draw lazily -----

def _peak_bytes(fn):
    import tracemalloc
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_random_sampler_with_replacement_is_lazy():
    def first_five():
        s = RandomSampler(range(10), replacement=True, num_samples=10 ** 10)
        return len(s), [i for i, _ in zip(s, range(5))]
    (n, first), peak = _peak_bytes(first_five)
    assert n == 10 ** 10 and len(first) == 5 and all(0 <= i < 10 for i in first)
    assert peak < 1_000_000  # the whole draw would be 80 GB


def test_weighted_sampler_with_replacement_is_lazy_and_weighted():
    def first_five():
        s = WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], num_samples=10 ** 10)
        return len(s), [i for i, _ in zip(s, range(5))]
    (n, first), peak = _peak_bytes(first_five)
    assert n == 10 ** 10 and set(first) <= {1, 3}
    assert peak < 1_000_000
    counts = np.bincount(list(WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], num_samples=40000)), minlength=4)
    assert counts[0] == counts[2] == 0 and abs(counts[3] / 40000 - 0.75) < 0.02


def test_dataloader_over_huge_sampler_starts_at_once():
    ds = Squares(10)
    dl = DataLoader(ds, batch_size=4, sampler=RandomSampler(ds, replacement=True, num_samples=10 ** 10))
    assert len(dl) == 10 ** 10 // 4
    (x, y), peak = _peak_bytes(lambda: next(iter(dl)))
    assert y.shape == (4,) and peak < 1_000_000


# ----- datasets only fork would carry: local classes, lambdas, staticmethods -----

class LambdaHolder(Dataset):
    def __init__(self):
        self.transform = lambda i: torchlike.tensor(float(i)) ** 2

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return self.transform(i)


class StaticHelper(Dataset):
    @staticmethod
    def triple(i):
        return torchlike.full((2,), 3 * i)

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return self.triple(i)


def _local_dataset(scale):
    class Local(Dataset):
        @staticmethod
        def base(i):
            return torchlike.arange(3) + i

        def __len__(self):
            return 7

        def __getitem__(self, i):
            return self.base(i) * scale
    return Local()


def test_workers_accept_what_fork_would():
    # one loader (one start of two workers) for the three cases: a class defined in a function,
    # a dataset holding a lambda, and a staticmethod used by __getitem__
    def make():
        return StackDataset(local=_local_dataset(5), lam=LambdaHolder(), static=StaticHelper())
    main = [{k: v.tolist() for k, v in b.items()} for b in DataLoader(make(), batch_size=3)]
    work = [{k: v.tolist() for k, v in b.items()} for b in DataLoader(make(), batch_size=3, num_workers=2)]
    assert work == main
    assert [v for b in work for v in b["local"]] == [[5 * (j + i) for j in range(3)] for i in range(7)]
    assert [v for b in work for v in b["lam"]] == [float(i * i) for i in range(7)]
    assert [v for b in work for v in b["static"]] == [[3 * i, 3 * i] for i in range(7)]


def test_local_class_worker_exception_has_worker_traceback():
    class Broken(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return torchlike.ones(2) @ torchlike.ones(3)
    with pytest.raises(RuntimeError) as info:
        list(DataLoader(Broken(), batch_size=2, num_workers=2))
    msg = str(info.value)
    assert msg.startswith("Caught RuntimeError in DataLoader worker process 0.\nOriginal Traceback (most recent call")
    assert "in __getitem__" in msg and "torchlike.ones(2) @ torchlike.ones(3)" in msg


def test_killed_worker_reports_signal_as_cause():
    it = iter(DataLoader(Stuck(1), batch_size=1, num_workers=2))
    assert next(it).tolist() == [0]
    victim = it._workers[1]
    os.kill(victim.pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match=rf"DataLoader worker \(pid\(s\) {victim.pid}\) exited unexpectedly") as info:
        for _ in range(1000):
            next(it)
    assert str(info.value.__cause__) == f"DataLoader worker (pid {victim.pid}) is killed by signal: Killed. "


class Exits(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i == 4:
            os._exit(3)
        return i


def test_worker_exit_code_reported():
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly$") as info:
        list(DataLoader(Exits(), batch_size=2, num_workers=1))
    assert re.fullmatch(r"DataLoader worker \(pid \d+\) exited unexpectedly with exit code 3\. Details are lost "
                        r"due to multiprocessing\. Rerunning with num_workers=0 may give better error trace\.",
                        str(info.value.__cause__))


def test_nn_module_in_compose_gets_tensors():
    from torchlike.vision import transforms as T
    tf = T.Compose([T.ToTensor(), torchlike.nn.ReLU(), torchlike.nn.Flatten(0)])  # modules need real Tensors
    x, _ = next(iter(DataLoader(_mnist(tf), batch_size=3)))
    raw = np.stack([_mnist()[i][0] for i in range(3)]).reshape(3, 784).astype(np.float32) / 255
    np.testing.assert_allclose(x.numpy(), raw, rtol=1e-6)


def test_builtin_pipeline_makes_one_transfer_per_batch_tensor(monkeypatch):
    from torchlike.utils.data import _common
    from torchlike.vision import transforms as T
    placed = []
    real_place = _common._place
    monkeypatch.setattr(_common, "_place", lambda a: placed.append(a.shape) or real_place(a))
    tf = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])
    x, y = next(iter(DataLoader(_mnist(tf), batch_size=8)))
    assert placed == [(8, 1, 28, 28), (8,)]
    placed.clear()
    tf = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,)), T.Lambda(lambda t: t + 0)])
    next(iter(DataLoader(_mnist(tf), batch_size=8)))
    # each sample becomes a Tensor before the user's lambda; the batch is then stacked on the host
    assert placed == [(1, 28, 28)] * 8 + [(8, 1, 28, 28), (8,)]


def test_script_classes_with_staticmethods_and_lambdas_reach_workers(tmp_path):
    import subprocess
    import textwrap
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent("""
        import torch
        from torch.utils.data import Dataset, DataLoader

        class Scaled(Dataset):
            @staticmethod
            def scale(x):
                return x * 10

            @property
            def size(self):
                return 5

            def __init__(self):
                self.shift = lambda x: x + 1

            def __len__(self):
                return self.size

            def __getitem__(self, i):
                return self.shift(self.scale(torch.tensor(i)))

        for workers in (0, 2):
            print([b.tolist() for b in DataLoader(Scaled(), batch_size=2, num_workers=workers)])
    """))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    r = subprocess.run([sys.executable, "-m", "torchlike", "run", str(script)], cwd=tmp_path, capture_output=True,
                       text=True, timeout=300, env=dict(os.environ, PYTHONPATH=root), check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["[[1, 11], [21, 31], [41]]"] * 2


def test_sampler_is_generic_as_pytorchs():
    """timm and others subclass `Sampler[int]`."""
    from torchlike.utils.data import DataLoader, Sampler

    class Evens(Sampler[int]):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(0, self.n, 2))

        def __len__(self):
            return (self.n + 1) // 2

    got = [int(b) for b in DataLoader(list(range(10)), sampler=Evens(10), batch_size=None)]
    assert got == [0, 2, 4, 6, 8]
