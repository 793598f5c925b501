"""The default process group and its collectives. Mirrors `torch.distributed.distributed_c10d`.

One group exists: the world. Collectives run as XLA programs over a mesh of one device per
process (see `_world`); they complete before returning, so `async_op=True` gives a finished `Work`.
"""
from __future__ import annotations

import enum
import os
import pickle
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import jax
import jax.numpy as jnp
import numpy as np

from .. import _device
from .._tensor import Tensor
from . import _world

__all__ = [
    "Backend", "GroupMember", "ProcessGroup", "ReduceOp", "Work", "all_gather", "all_gather_into_tensor",
    "all_gather_object", "all_reduce", "barrier", "broadcast", "broadcast_object_list", "destroy_process_group",
    "gather", "get_backend", "get_rank", "get_world_size", "group", "init_process_group", "irecv", "is_available",
    "is_gloo_available", "is_initialized", "is_mpi_available", "is_nccl_available", "is_torchelastic_launched",
    "isend", "new_group", "recv", "reduce", "reduce_scatter", "reduce_scatter_tensor", "scatter", "send",
]

NOT_INITIALIZED = "Default process group has not been initialized, please make sure to call init_process_group."


class RedOpType(enum.Enum):
    """Mirrors `torch.distributed.ReduceOp.RedOpType`."""
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8


class ReduceOp:
    """Mirrors `torch.distributed.ReduceOp`."""
    RedOpType = RedOpType
    SUM, AVG, PRODUCT, MIN, MAX = RedOpType.SUM, RedOpType.AVG, RedOpType.PRODUCT, RedOpType.MIN, RedOpType.MAX
    BAND, BOR, BXOR, PREMUL_SUM = RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR, RedOpType.PREMUL_SUM


class Backend(str):
    """Mirrors `torch.distributed.Backend`: a lower-case backend name."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"

    def __new__(cls, name: str):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        return super().__new__(cls, getattr(Backend, name.upper(), name.lower()))


class ProcessGroup:
    """Mirrors `torch.distributed.ProcessGroup` for the world group."""

    def __init__(self, world: _world.World, backend: str):
        self._world, self._backend = world, backend

    def rank(self) -> int:
        return self._world.rank

    def size(self) -> int:
        return self._world.size

    def name(self) -> str:
        return self._backend


class Work:
    """Mirrors `torch.distributed.Work`: the collectives finish before they return."""

    def wait(self, timeout=None) -> bool:
        return True

    def is_completed(self) -> bool:
        return True

    def is_success(self) -> bool:
        return True


class group:
    """Mirrors `torch.distributed.group`: `group.WORLD` is the default group once initialized."""
    WORLD: ProcessGroup | None = None


class GroupMember(group):
    """Mirrors `torch.distributed.GroupMember`."""
    NON_GROUP_MEMBER = -100


_groups = group  # the class, for functions whose `group` argument hides it


def is_available() -> bool:
    """Mirrors `torch.distributed.is_available`."""
    return True


def is_gloo_available() -> bool:
    return True


def is_nccl_available() -> bool:
    return len(_device.gpu_devices()) > 0


def is_mpi_available() -> bool:
    return False


def is_torchelastic_launched() -> bool:
    """Mirrors `torch.distributed.is_torchelastic_launched` (true under `torchlike.distributed.run`)."""
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


def is_initialized() -> bool:
    """Mirrors `torch.distributed.is_initialized`."""
    return group.WORLD is not None


# ----- the default group -----

def _env(name: str, scheme: str) -> str:
    value = os.environ.get(name)
    if value is None:
        raise ValueError(f"Error initializing torch.distributed using {scheme} rendezvous: environment variable "
                         f"{name} expected, but not set")
    return value


def _rendezvous(init_method: str, rank: int, world_size: int) -> tuple:
    """(coordinator address, rank, world size) from env:// or tcp://host:port[?rank=..&world_size=..]."""
    url = urlparse(init_method)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    rank = int(query.get("rank", rank))
    world_size = int(query.get("world_size", world_size))
    if url.scheme == "env":
        if rank == -1:
            rank = int(_env("RANK", "env://"))
        if world_size == -1:
            world_size = int(_env("WORLD_SIZE", "env://"))
        address = f"{_env('MASTER_ADDR', 'env://')}:{int(_env('MASTER_PORT', 'env://'))}"
    elif url.scheme == "tcp":
        if rank == -1:
            raise ValueError("Error initializing torch.distributed using tcp:// rendezvous: rank parameter missing")
        if world_size == -1:
            raise ValueError("Error initializing torch.distributed using tcp:// rendezvous: world size parameter "
                             "missing")
        if url.port is None:
            raise ValueError("Error initializing torch.distributed using tcp:// rendezvous: port number missing")
        address = f"{url.hostname}:{url.port}"
    else:
        raise NotImplementedError(f"torch.distributed: init_method {url.scheme}:// (env:// and tcp:// work)")
    if not 0 <= rank < world_size:
        raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {world_size - 1}]")
    return address, rank, world_size


def _platform(backend: str | None) -> str:
    if backend is None or backend == Backend.GLOO:
        return "cpu"
    if backend == Backend.NCCL:
        if not is_nccl_available():
            raise RuntimeError("Distributed package doesn't have NCCL built in")
        return "gpu"
    if backend in (Backend.MPI, Backend.UCC):
        raise RuntimeError(f"Distributed package doesn't have {backend.upper()} built in")
    raise ValueError(f"Invalid backend: '{backend}'")


def init_process_group(backend: str | None = None, init_method: str | None = None, timeout: timedelta | None = None,
                       world_size: int = -1, rank: int = -1, store=None, group_name: str = "", pg_options=None,
                       device_id=None) -> None:
    """Mirrors `torch.distributed.init_process_group` with env:// (as torchrun sets it) and tcp://.

    Joining several processes calls `jax.distributed.initialize` at MASTER_ADDR:MASTER_PORT (the
    coordinator listens on rank 0), which re-creates JAX's backends: every tensor already made is
    moved onto the new backend. One process needs no coordinator.
    """
    if group.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if store is not None:
        raise NotImplementedError("torch.distributed.init_process_group(store=...): use env:// or tcp://")
    backend = None if backend is None else Backend(backend)
    platform = _platform(backend)
    address, rank, world_size = _rendezvous(init_method or "env://", rank, world_size)
    if world_size == 1:
        world = _world.World(0, 1, platform, joined_jax=False)
    else:
        seconds = int(timeout.total_seconds()) if timeout is not None else 300
        world = _world.join(address, world_size, rank, platform, seconds)
    group.WORLD = ProcessGroup(world, backend or Backend.UNDEFINED)


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Mirrors `torch.distributed.destroy_process_group`."""
    if _groups.WORLD is None:
        raise AssertionError("Process group cannot be None")
    if group is None or group._world is _groups.WORLD._world:
        _world.leave(_groups.WORLD._world)
        _groups.WORLD = None


def _group(g: ProcessGroup | None) -> ProcessGroup:
    if _groups.WORLD is None:
        raise ValueError(NOT_INITIALIZED)
    if g is not None and g._world is not _groups.WORLD._world:
        raise ValueError("Invalid process group specified")
    return g or _groups.WORLD


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization: bool = False,
              group_desc=None, device_id=None) -> ProcessGroup:
    """Mirrors `torch.distributed.new_group` for the whole world only."""
    world = _group(None)._world
    if ranks is not None and sorted(ranks) != list(range(world.size)):
        raise NotImplementedError("torch.distributed.new_group: groups of part of the ranks")
    return ProcessGroup(world, Backend(backend) if backend else _groups.WORLD._backend)


def get_rank(group: ProcessGroup | None = None) -> int:
    """Mirrors `torch.distributed.get_rank`."""
    return _group(group).rank()


def get_world_size(group: ProcessGroup | None = None) -> int:
    """Mirrors `torch.distributed.get_world_size`."""
    return _group(group).size()


def get_backend(group: ProcessGroup | None = None) -> Backend:
    """Mirrors `torch.distributed.get_backend`."""
    return Backend(_group(group)._backend)


# ----- collectives -----

def _tensor(t, name: str = "tensor") -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type torch.Tensor\n"
                        f"             but got {type(t)} instead.")
    return t


def _op(op, tensor: Tensor) -> str:
    op = op if isinstance(op, RedOpType) else RedOpType(op)
    if op is RedOpType.PREMUL_SUM:
        raise NotImplementedError("torch.distributed.ReduceOp.PREMUL_SUM")
    if op is RedOpType.AVG and not (tensor.dtype.is_floating_point or tensor.dtype.is_complex):
        # PyTorch divides the sum in place, which cannot write a float back into an integer tensor.
        raise RuntimeError(f"result type Float can't be cast to the desired output type {tensor.dtype.legacy}")
    return op.name


def _store(tensor: Tensor, array) -> None:
    """Writes a collective's result into `tensor` (in place, on the tensor's own device)."""
    here = next(iter(tensor._data.devices()))
    if here not in array.devices():
        array = jax.device_put(array, here)
    tensor._write(array.reshape(tensor.shape))


def _done(async_op: bool):
    return Work() if async_op else None


def _root(rank, group_rank, name: str, world: _world.World) -> int:
    rank = group_rank if rank is None else rank
    if rank is None:
        raise ValueError("Must specify global_rank or group_rank")
    if not 0 <= rank < world.size:
        raise RuntimeError(f"ProcessGroupGloo::{name}: invalid root rank: {rank}")
    return rank


def all_reduce(tensor: Tensor, op=ReduceOp.SUM, group: ProcessGroup | None = None, async_op: bool = False):
    """Mirrors `torch.distributed.all_reduce`: in place on `tensor`."""
    world = _group(group)._world
    _tensor(tensor)
    _store(tensor, world.run(_world.all_reduce_kernel, tensor._data, _op(op, tensor)))
    return _done(async_op)


def reduce(tensor: Tensor, dst: int | None = None, op=ReduceOp.SUM, group: ProcessGroup | None = None,
           async_op: bool = False, group_dst: int | None = None):
    """Mirrors `torch.distributed.reduce`: only `dst`'s tensor changes."""
    world = _group(group)._world
    dst = _root(dst, group_dst, "reduce", world)
    result = world.run(_world.all_reduce_kernel, _tensor(tensor)._data, _op(op, tensor))
    if world.rank == dst:
        _store(tensor, result)
    return _done(async_op)


def broadcast(tensor: Tensor, src: int | None = None, group: ProcessGroup | None = None, async_op: bool = False,
              group_src: int | None = None):
    """Mirrors `torch.distributed.broadcast`: every rank's `tensor` becomes `src`'s."""
    world = _group(group)._world
    src = _root(src, group_src, "broadcast", world)
    _store(tensor, world.run(_world.broadcast_kernel, _tensor(tensor)._data, src))
    return _done(async_op)


def _gathered(world: _world.World, tensor: Tensor):
    return world.run(_world.all_gather_kernel, _tensor(tensor)._data)


def all_gather(tensor_list: list, tensor: Tensor, group: ProcessGroup | None = None, async_op: bool = False):
    """Mirrors `torch.distributed.all_gather`: `tensor_list[r]` becomes rank r's `tensor`."""
    world = _group(group)._world
    if len(tensor_list) != world.size:
        raise RuntimeError(f"ProcessGroupGloo::allgather: invalid output tensor list at index 0 (expected length "
                           f"{world.size}, got {len(tensor_list)})")
    for i, out in enumerate(tensor_list):
        if tuple(_tensor(out, "tensor_list").shape) != tuple(tensor.shape):
            raise RuntimeError(f"ProcessGroupGloo::allgather: invalid tensor size at index {i} (expected "
                               f"{tuple(tensor.shape)}, got {tuple(out.shape)})")
    rows = _gathered(world, tensor)
    for i, out in enumerate(tensor_list):
        _store(out, rows[i])
    return _done(async_op)


def all_gather_into_tensor(output_tensor: Tensor, input_tensor: Tensor, group: ProcessGroup | None = None,
                           async_op: bool = False):
    """Mirrors `torch.distributed.all_gather_into_tensor`: stacked (world, *shape) or concatenated on dim 0."""
    world = _group(group)._world
    if _tensor(output_tensor, "output_tensor").numel() != world.size * _tensor(input_tensor).numel():
        raise RuntimeError("output tensor size must be equal to world_size times input tensor size")
    _store(output_tensor, _gathered(world, input_tensor))
    return _done(async_op)


def all_to_all_single(output: Tensor, input: Tensor, output_split_sizes=None, input_split_sizes=None,
                      group: ProcessGroup | None = None, async_op: bool = False):
    """Mirrors `torch.distributed.all_to_all_single` with equal splits: rank r's output holds, in rank
    order, the r-th dim-0 chunk of every rank's input (exchanged through an all-gather)."""
    world = _group(group)._world
    if output_split_sizes or input_split_sizes:
        raise NotImplementedError("torch.distributed.all_to_all_single: uneven split sizes")
    n = _tensor(input, "input").shape[0] if input.ndim else 0
    if input.ndim == 0 or n % world.size:
        raise RuntimeError(f"Tensor's dim 0 does not divide equally across group size {world.size}")
    if tuple(_tensor(output, "output").shape) != tuple(input.shape):
        raise RuntimeError("all_to_all_single: output and input must have the same size with even splits")
    rows = _gathered(world, input)  # (world, n, ...): every rank's input
    k = n // world.size
    _store(output, rows[:, world.rank * k:(world.rank + 1) * k].reshape(output.shape))
    return _done(async_op)


def get_process_group_ranks(group: ProcessGroup | None) -> list:
    """Mirrors `torch.distributed.get_process_group_ranks` (every group here is the whole world)."""
    return list(range(_group(group).size()))


def _scatter_reduced(world: _world.World, output: Tensor, stacked, op) -> None:
    _store(output, world.run(_world.reduce_scatter_kernel, stacked, _op(op, output))[0])


def reduce_scatter(output: Tensor, input_list: list, op=ReduceOp.SUM, group: ProcessGroup | None = None,
                   async_op: bool = False):
    """Mirrors `torch.distributed.reduce_scatter`: rank r gets the reduction of every rank's `input_list[r]`."""
    world = _group(group)._world
    if len(input_list) != world.size:
        raise RuntimeError("invalid input tensor list size, must be world size")
    stacked = jnp.stack([_tensor(t, "input_list")._data for t in input_list])
    _scatter_reduced(world, _tensor(output, "output"), stacked, op)
    return _done(async_op)


def reduce_scatter_tensor(output: Tensor, input: Tensor, op=ReduceOp.SUM, group: ProcessGroup | None = None,
                          async_op: bool = False):
    """Mirrors `torch.distributed.reduce_scatter_tensor`: `input` is world_size pieces of `output`'s size."""
    world = _group(group)._world
    if _tensor(input, "input").numel() != world.size * _tensor(output, "output").numel():
        raise RuntimeError("input tensor must be the same size as output size times world size")
    _scatter_reduced(world, output, input._data.reshape((world.size, *output.shape)), op)
    return _done(async_op)


def gather(tensor: Tensor, gather_list: list | None = None, dst: int | None = None,
           group: ProcessGroup | None = None, async_op: bool = False, group_dst: int | None = None):
    """Mirrors `torch.distributed.gather`: `dst` receives every rank's `tensor` in `gather_list`."""
    world = _group(group)._world
    dst = _root(dst if dst is not None or group_dst is not None else 0, group_dst, "gather", world)
    if world.rank != dst and gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    rows = _gathered(world, tensor)
    if world.rank == dst:
        if gather_list is None or len(gather_list) != world.size:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        for i, out in enumerate(gather_list):
            _store(out, rows[i])
    return _done(async_op)


def scatter(tensor: Tensor, scatter_list: list | None = None, src: int | None = None,
            group: ProcessGroup | None = None, async_op: bool = False, group_src: int | None = None):
    """Mirrors `torch.distributed.scatter`: rank r's `tensor` becomes `src`'s `scatter_list[r]`."""
    world = _group(group)._world
    src = _root(src if src is not None or group_src is not None else 0, group_src, "scatter", world)
    if world.rank == src:
        if scatter_list is None or len(scatter_list) != world.size:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        stacked = jnp.stack([_tensor(t, "scatter_list")._data for t in scatter_list])
    else:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
        stacked = jnp.zeros((world.size, *tensor.shape), tensor._data.dtype)
    _store(tensor, world.run(_world.broadcast_kernel, stacked, src)[world.rank])
    return _done(async_op)


def barrier(group: ProcessGroup | None = None, async_op: bool = False, device_ids=None, timeout=None):
    """Mirrors `torch.distributed.barrier`: returns once every rank has called it."""
    world = _group(group)._world
    np.asarray(world.run(_world.all_reduce_kernel, jnp.zeros((1,), jnp.int32), "SUM"))
    return _done(async_op)


# ----- picklable objects -----

def _pickled(obj) -> np.ndarray:
    return np.frombuffer(pickle.dumps(obj), dtype=np.uint8)


def _exchange_bytes(world: _world.World, payload: np.ndarray) -> list:
    """Every rank's byte string (padded to the longest, gathered, trimmed)."""
    sizes = np.asarray(world.run(_world.all_gather_kernel, jnp.asarray([payload.size], jnp.int64)))[:, 0]
    padded = np.zeros(int(sizes.max()), np.uint8)
    padded[:payload.size] = payload
    rows = np.asarray(world.run(_world.all_gather_kernel, jnp.asarray(padded)))
    return [rows[r, :sizes[r]].tobytes() for r in range(world.size)]


def all_gather_object(object_list: list, obj, group: ProcessGroup | None = None) -> None:
    """Mirrors `torch.distributed.all_gather_object` (pickle, as PyTorch)."""
    world = _group(group)._world
    for r, raw in enumerate(_exchange_bytes(world, _pickled(obj))):
        object_list[r] = pickle.loads(raw)


def broadcast_object_list(object_list: list, src: int | None = None, group: ProcessGroup | None = None,
                          device=None, group_src: int | None = None) -> None:
    """Mirrors `torch.distributed.broadcast_object_list`: `object_list` becomes `src`'s, in place."""
    world = _group(group)._world
    src = _root(src if src is not None or group_src is not None else 0, group_src, "broadcast", world)
    payload = _pickled(list(object_list)) if world.rank == src else np.zeros(0, np.uint8)
    objects = pickle.loads(_exchange_bytes(world, payload)[src])
    object_list[:] = objects


def _point_to_point(name: str):
    def unsupported(*args, **kwargs):
        raise NotImplementedError(f"torch.distributed.{name}: point-to-point communication")
    unsupported.__name__ = name
    return unsupported


send, recv, isend, irecv = (_point_to_point(n) for n in ("send", "recv", "isend", "irecv"))
