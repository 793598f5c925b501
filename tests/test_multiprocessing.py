"""torchlike.multiprocessing with real processes: spawn/start_processes, a child's tensors sent back through
a queue, a child's exception or exit code surfacing in the parent; each process's own default seed."""
import os
import pickle

import pytest

import torchlike as torch
import torchlike.multiprocessing as mp


def _send_back(i, queue, scale):
    """Runs in a spawned child: report its index, a tensor built from it, its default seed and its pid."""
    queue.put((i, torch.full((2,), i * scale), torch.initial_seed(), os.getpid()))


def _fail_on_one(i):
    if i == 1:
        raise ValueError("child 1 failed")


def _exit_with(i, code):
    os._exit(code)


def test_spawn_sends_tensors_back_and_seeds_each_process():
    queue = mp.get_context("spawn").SimpleQueue()
    assert mp.spawn(_send_back, args=(queue, 2.5), nprocs=2) is None
    got = sorted(queue.get() for _ in range(2))
    assert [i for i, *_ in got] == [0, 1]
    for i, t, _, pid in got:
        assert isinstance(t, torch.Tensor) and t.dtype == torch.float32 and t.tolist() == [i * 2.5] * 2
        assert pid != os.getpid()
    seeds = [seed for _, _, seed, _ in got]
    # PyTorch seeds each process's default generator from the OS: two processes never share a stream.
    assert seeds[0] != seeds[1] and all(0 <= s < 2 ** 64 for s in seeds)


def test_child_exception_is_raised_in_the_parent():
    with pytest.raises(mp.ProcessRaisedException) as info:
        mp.spawn(_fail_on_one, nprocs=2)
    e = info.value
    assert e.error_index == 1 and isinstance(e.error_pid, int)
    assert str(e).startswith("\n\n-- Process 1 terminated with the following error:\n")
    assert "ValueError: child 1 failed" in str(e)
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is mp.ProcessRaisedException and (again.msg, again.error_index) == (e.msg, 1)


def test_child_exit_code_is_reported(recwarn):
    # (fork: the child exits at once, before touching JAX, so no re-import is needed)
    context = mp.start_processes(_exit_with, args=(3,), nprocs=1, join=False, start_method="fork")
    assert isinstance(context, mp.ProcessContext) and len(context.pids()) == 1
    with pytest.raises(mp.ProcessExitedException, match="process 0 terminated with exit code 3") as info:
        while not context.join():
            pass
    assert info.value.exit_code == 3 and info.value.signal_name is None and info.value.error_index == 0
    assert context.join() is True  # joining again after the failure is harmless


def test_python_multiprocessing_is_reexported():
    import multiprocessing
    for name in ("Process", "Queue", "SimpleQueue", "Pool", "Manager", "get_context", "set_start_method",
                 "get_start_method", "get_all_start_methods", "Event", "Lock", "cpu_count"):
        assert getattr(mp, name) is getattr(multiprocessing, name), name
        assert name in mp.__all__
    assert {"spawn", "fork"} <= set(mp.get_all_start_methods())


def test_sharing_strategies():
    assert mp.get_all_sharing_strategies() == {"file_descriptor", "file_system"}
    assert mp.get_sharing_strategy() == "file_descriptor"
    mp.set_sharing_strategy("file_system")
    try:
        assert mp.get_sharing_strategy() == "file_system"
        with pytest.raises(AssertionError, match="invalid sharing strategy 'shm'"):
            mp.set_sharing_strategy("shm")
    finally:
        mp.set_sharing_strategy("file_descriptor")


def test_share_memory_is_refused():
    x = torch.ones(3)
    assert x.is_shared() is False
    with pytest.raises(NotImplementedError, match="Hogwild"):
        x.share_memory_()
    model = torch.nn.Linear(2, 2)
    with pytest.raises(NotImplementedError, match="Hogwild"):
        model.share_memory()  # (the Hogwild example's first step)
    relu = torch.nn.ReLU()
    assert relu.share_memory() is relu  # nothing to share: no error, as in PyTorch
