"""torch.distributed: the process group, collectives, DistributedDataParallel and the launcher.

A one-process group runs in this process; the two-process cases start
`python -m torchlike.distributed.run --nproc-per-node 2` on an unchanged PyTorch script.
"""
import copy
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import torchlike as torch
import torchlike.distributed as dist
from torchlike import nn
from torchlike.nn.parallel import DistributedDataParallel as DDP
from torchlike.utils.data import DistributedSampler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def world1():
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{_free_port()}", rank=0, world_size=1)
    try:
        yield
    finally:
        dist.destroy_process_group()


def test_not_initialized():
    assert dist.is_available() and not dist.is_initialized()
    for call in (dist.get_rank, dist.get_world_size, dist.get_backend, dist.barrier,
                 lambda: dist.all_reduce(torch.ones(2)), lambda: DistributedSampler(range(4)),
                 lambda: DDP(nn.Linear(2, 2))):
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            call()
    with pytest.raises(AssertionError, match="Process group cannot be None"):
        dist.destroy_process_group()


def test_init_errors(monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="environment variable RANK expected, but not set"):
        dist.init_process_group("gloo")
    monkeypatch.setenv("RANK", "0")
    with pytest.raises(ValueError, match="environment variable WORLD_SIZE expected"):
        dist.init_process_group("gloo")
    with pytest.raises(ValueError, match="tcp:// rendezvous: rank parameter missing"):
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:1234")
    if torch.cuda.is_available():
        dist.init_process_group("nccl", init_method="tcp://127.0.0.1:1234", rank=0, world_size=1)
        assert dist.get_backend() == "nccl"
        dist.destroy_process_group()
    else:
        with pytest.raises(RuntimeError, match="Distributed package doesn't have NCCL built in"):
            dist.init_process_group("nccl", init_method="tcp://127.0.0.1:1234", rank=0, world_size=1)
    assert not dist.is_initialized()


def test_one_process_group(world1):
    assert (dist.get_rank(), dist.get_world_size(), dist.get_backend()) == (0, 1, "gloo")
    assert dist.is_initialized() and dist.group.WORLD is not None
    with pytest.raises(ValueError, match="trying to initialize the default process group twice!"):
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:1", rank=0, world_size=1)
    t = torch.tensor([1.0, -2.0])
    work = dist.all_reduce(t, op=dist.ReduceOp.MAX, async_op=True)
    assert work.wait() and t.tolist() == [1.0, -2.0]
    out = [torch.zeros(2)]
    dist.all_gather(out, torch.tensor([3.0, 4.0]))
    assert out[0].tolist() == [3.0, 4.0]
    with pytest.raises(RuntimeError, match="invalid root rank: 1"):
        dist.broadcast(t, src=1)
    with pytest.raises(TypeError, match="Expected parameter `tensor` of type torch.Tensor"):
        dist.all_reduce([t])
    assert dist.get_world_size(dist.new_group()) == 1
    avg = torch.tensor([1.0, 3.0])
    dist.all_reduce(avg, op=dist.ReduceOp.AVG)
    assert avg.tolist() == [1.0, 3.0]
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        dist.all_reduce(torch.tensor([1, 2]), op=dist.ReduceOp.AVG)
    with pytest.raises(ValueError, match="Must specify global_rank or group_rank"):
        dist.broadcast(t)
    with pytest.raises(RuntimeError, match="output tensor size must be equal to world_size times input"):
        dist.all_gather_into_tensor(torch.zeros(3), torch.ones(2))
    with pytest.raises(RuntimeError, match="input tensor must be the same size as output size times world size"):
        dist.reduce_scatter_tensor(torch.zeros(2), torch.ones(3))
    with pytest.raises(RuntimeError, match="invalid input tensor list size, must be world size"):
        dist.reduce_scatter(torch.zeros(2), [torch.ones(2), torch.ones(2)])
    sampler = DistributedSampler(range(5), shuffle=False)
    assert (sampler.num_replicas, sampler.rank, list(sampler)) == (1, 0, [0, 1, 2, 3, 4])


def test_ddp_one_process(world1):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    twin = copy.deepcopy(model)
    ddp = DDP(model)
    assert ddp.module is model
    assert list(ddp.state_dict()) == ["module.0.weight", "module.0.bias", "module.2.weight", "module.2.bias"]
    assert repr(ddp).startswith("DistributedDataParallel(\n  (module): Sequential(")
    x = torch.randn(6, 4)
    with ddp.no_sync():
        ddp(x).sum().backward()
    ddp(x).square().sum().backward()
    twin(x).sum().backward()
    twin(x).square().sum().backward()
    for p, q in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(p.grad, q.grad, atol=1e-6)


def test_ddp_unused_parameter(world1):
    class TwoBranches(nn.Module):
        def __init__(self):
            super().__init__()
            self.used, self.unused = nn.Linear(3, 1), nn.Linear(3, 1)

        def forward(self, x):
            return self.used(x)

    ddp = DDP(TwoBranches())
    ddp(torch.randn(2, 3)).sum().backward()
    with pytest.raises(RuntimeError, match="Expected to have finished reduction in the prior iteration"):
        ddp(torch.randn(2, 3))
    ddp = DDP(TwoBranches(), find_unused_parameters=True)
    for _ in range(2):
        ddp(torch.randn(2, 3)).sum().backward()
    assert ddp.module.unused.weight.grad is None and ddp.module.used.weight.grad is not None


def test_ddp_needs_a_trainable_parameter(world1):
    with pytest.raises(RuntimeError, match="DistributedDataParallel is not needed"):
        DDP(nn.ReLU())


# ----- two processes through the launcher -----

STEPS, BATCH, WORLD = 3, 16, 2

SCRIPT = textwrap.dedent(f"""
    import os, sys
    import numpy as np
    import torch
    import torch.distributed as dist
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.nn.parallel import DistributedDataParallel as DDP
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(rank)  # a different start on each rank: DDP broadcasts rank 0's
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    own = {{k: v.numpy().copy() for k, v in model.state_dict().items()}}
    ddp = DDP(model)
    init = {{k: v.numpy().copy() for k, v in model.state_dict().items()}}
    rng = np.random.default_rng(0)
    data = TensorDataset(torch.tensor(rng.random(({STEPS * BATCH * WORLD}, 1, 28, 28), dtype=np.float32)),
                         torch.tensor(rng.integers(0, 10, {STEPS * BATCH * WORLD})))
    sampler = DistributedSampler(data, shuffle=False)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
    for xb, yb in DataLoader(data, batch_size={BATCH}, sampler=sampler):
        opt.zero_grad()
        F.cross_entropy(ddp(xb), yb).backward()
        opt.step()
    t = torch.tensor([1.0, 2.0]) * (rank + 1)
    dist.all_reduce(t)
    m = torch.tensor([1.0, 5.0]) * (1 - 2 * rank)
    dist.all_reduce(m, op=dist.ReduceOp.MAX)
    b = torch.arange(3.0) + 10 * rank
    dist.broadcast(b, src=1)
    gathered = [torch.zeros(2, dtype=torch.int64) for _ in range(world)]
    dist.all_gather(gathered, torch.tensor([rank, rank * rank]))
    rs = torch.zeros(2)
    dist.reduce_scatter_tensor(rs, torch.arange(4.0) * (rank + 1))
    a2a = torch.zeros(4)
    dist.all_to_all_single(a2a, torch.arange(4.0) + 10 * rank)
    objects = [None] * world
    dist.all_gather_object(objects, {{"rank": rank}})
    dist.barrier()
    env = [int(os.environ[k]) for k in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE")]
    np.savez(os.path.join(sys.argv[1], f"rank{{rank}}.npz"), sampler=[sampler.num_replicas, sampler.rank], env=env,
             all_reduce=t.numpy(), max=m.numpy(), broadcast=b.numpy(), all_gather=torch.stack(gathered).numpy(),
             reduce_scatter=rs.numpy(), objects=[o["rank"] for o in objects], all_to_all=a2a.numpy(),
             ranks=dist.get_process_group_ranks(dist.group.WORLD),
             **{{"own." + k: v for k, v in own.items()}}, **{{"init." + k: v for k, v in init.items()}},
             **{{"final." + k: v.numpy() for k, v in model.state_dict().items()}})
    dist.destroy_process_group()
""")


def _launch(tmp_path, script: str, *args, nproc: int = WORLD):
    path = tmp_path / "script.py"
    path.write_text(script)
    env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-m", "torchlike.distributed.run", "--nproc-per-node", str(nproc),
               "--master-port", str(_free_port()), str(path), *args]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ddp")
    proc = _launch(tmp, SCRIPT, str(tmp))
    assert proc.returncode == 0, proc.stderr[-4000:]
    return [dict(np.load(tmp / f"rank{r}.npz")) for r in range(WORLD)]


def _single_process_run(init: dict) -> dict:
    """The same training on one process, each step on both ranks' batches together."""
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    model.load_state_dict({k[len("init."):]: torch.tensor(v) for k, v in init.items() if k.startswith("init.")})
    rng = np.random.default_rng(0)
    n = STEPS * BATCH * WORLD
    x, y = rng.random((n, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, n)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(STEPS):
        idx = np.concatenate([np.arange(r, n, WORLD)[step * BATCH:(step + 1) * BATCH] for r in range(WORLD)])
        opt.zero_grad()
        nn.functional.cross_entropy(model(torch.tensor(x[idx])), torch.tensor(y[idx])).backward()
        opt.step()
    return {k: v.numpy() for k, v in model.state_dict().items()}


def test_ddp_two_processes_match_one(two_ranks):
    r0, r1 = two_ranks
    keys = ["1.weight", "1.bias", "3.weight", "3.bias"]
    assert any(not np.array_equal(r0["own." + k], r1["own." + k]) for k in keys)  # different seeds
    reference = _single_process_run(r0)
    for k in keys:
        np.testing.assert_array_equal(r0["init." + k], r1["init." + k])
        np.testing.assert_array_equal(r0["init." + k], r0["own." + k])
        np.testing.assert_array_equal(r0["final." + k], r1["final." + k])
        np.testing.assert_allclose(r0["final." + k], reference[k], atol=1e-5)
    assert np.abs(r0["final.3.weight"] - r0["init.3.weight"]).max() > 1e-3


def test_collectives_two_processes(two_ranks):
    for rank, r in enumerate(two_ranks):
        assert r["env"].tolist() == [rank, rank, WORLD, WORLD]
        assert r["sampler"].tolist() == [WORLD, rank]
        assert r["all_reduce"].tolist() == [3.0, 6.0]
        assert r["max"].tolist() == [1.0, 5.0]
        assert r["broadcast"].tolist() == [10.0, 11.0, 12.0]
        assert r["all_gather"].tolist() == [[0, 0], [1, 1]]
        assert r["reduce_scatter"].tolist() == [[0.0, 3.0], [6.0, 9.0]][rank]
        assert r["objects"].tolist() == [0, 1]
        # rank r receives chunk r of every rank's input, in rank order (PyTorch's all_to_all_single)
        assert r["all_to_all"].tolist() == [[0.0, 1.0, 10.0, 11.0], [2.0, 3.0, 12.0, 13.0]][rank]
        assert r["ranks"].tolist() == [0, 1]


def test_launcher_stops_the_others_and_forwards_the_exit_code(tmp_path):
    script = textwrap.dedent("""
        import os, sys, threading
        if os.environ["RANK"] == "1":
            sys.exit(3)
        threading.Event().wait()  # rank 0 would wait forever: the launcher must stop it
    """)
    proc = _launch(tmp_path, script)
    assert proc.returncode == 3
    assert "local rank 1 exited with code 3" in proc.stderr
