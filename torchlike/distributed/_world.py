"""The JAX side of torch.distributed: joining the processes and running collectives as XLA programs.

Every process contributes one device (its first local device of the backend's platform) to a
1-D mesh. A collective stacks each process's tensor into one global array sharded over that
mesh, runs one jitted reduction or selection whose output is replicated (or sharded, for
reduce-scatter), and reads back this process's piece. XLA's collectives (gloo on CPU, NCCL on
GPU) move the data.

`jax.distributed.initialize` must run before JAX creates its backends, but importing torchlike
already created them. So joining clears the backends, initializes, and moves every live
torchlike storage onto the new backend's matching device (arrays of the old backend cannot
meet arrays of the new one in one computation).
"""
from __future__ import annotations

import functools
import gc

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from .. import _device
from .._engine import cache as _cache
from .. import _tensor

AXIS = "ranks"


class World:
    """The processes of the default group: their count, this one's rank, and the collective mesh."""

    def __init__(self, rank: int, size: int, platform: str, joined_jax: bool):
        self.rank, self.size, self.joined_jax = rank, size, joined_jax
        devices = jax.devices(platform) if joined_jax else jax.local_devices(backend=platform)[:1]
        firsts = {}
        for d in devices:
            firsts.setdefault(d.process_index, d)
        self.devices = [firsts[p] for p in sorted(firsts)]
        if len(self.devices) != size:
            raise RuntimeError(f"torch.distributed: expected {size} processes with a {platform} device, "
                               f"found {len(self.devices)}")
        self.device = self.devices[rank if joined_jax else 0]
        self.mesh = Mesh(np.array(self.devices), (AXIS,))
        self.stacked = NamedSharding(self.mesh, PartitionSpec(AXIS))
        self.replicated = NamedSharding(self.mesh, PartitionSpec())

    def global_array(self, local):
        """The (size, *shape) array whose row r is process r's `local`."""
        row = jax.device_put(local[None], self.device)
        if not self.joined_jax:
            return row
        return jax.make_array_from_single_device_arrays((self.size, *local.shape), self.stacked, [row])

    def run(self, kernel, local, *static):
        """Runs a collective kernel over every process's `local`; returns this process's result."""
        out = _jitted(self, kernel, static)(self.global_array(local))
        return out.addressable_data(0) if self.joined_jax else out


_JITTED = _cache.LRU(_cache.COLLECTIVES, "collectives")


def _jitted(world: World, kernel, static: tuple):
    key = (world, kernel, static)
    f = _JITTED.get(key)
    if f is None:
        f = _JITTED[key] = _jit_collective(world, kernel, static)
    return f


def _jit_collective(world: World, kernel, static: tuple):
    fn = functools.partial(kernel, *static)
    if not world.joined_jax:
        return jax.jit(fn)
    sharded_out = getattr(kernel, "sharded_out", False)
    return jax.jit(fn, out_shardings=world.stacked if sharded_out else world.replicated)


def _fold(combine, g):
    rows = [g[i] for i in range(g.shape[0])]
    return functools.reduce(combine, rows)


COMBINE = {"SUM": jnp.add, "AVG": jnp.add, "PRODUCT": jnp.multiply, "MIN": jnp.minimum, "MAX": jnp.maximum,
           "BAND": jnp.bitwise_and, "BOR": jnp.bitwise_or, "BXOR": jnp.bitwise_xor}


def _reduce(op: str, g):
    out = _fold(COMBINE[op], g)
    if op == "AVG":
        out = out / g.shape[0]  # floating only: distributed_c10d refuses AVG on integers, as PyTorch
    return out.astype(g.dtype)


def all_reduce_kernel(op: str, g):
    return _reduce(op, g)


def all_gather_kernel(g):
    return g


def broadcast_kernel(src: int, g):
    return g[src]


def reduce_scatter_kernel(op: str, g):
    """g[r, j] is process r's piece for process j: process j gets the reduction over r of g[r, j]."""
    return _reduce(op, g)


reduce_scatter_kernel.sharded_out = True


# ----- joining -----

def join(coordinator: str, size: int, rank: int, platform: str, timeout_s: int) -> World:
    """Joins the JAX processes (clearing and re-creating the backends) and moves live tensors over."""
    import jax.extend.backend as jax_backend
    old = _local_device_lists()
    jax_backend.clear_backends()
    if platform == "cpu":
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(coordinator, size, rank, initialization_timeout=timeout_s)
    _reset_device_caches()
    _move_storages(old)
    return World(rank, size, platform, joined_jax=True)


def leave(world: World) -> None:
    if world.joined_jax:
        jax.distributed.shutdown()
    _JITTED.clear()


def _local_device_lists() -> dict:
    lists = {}
    for backend in jax_backends():
        lists[backend] = list(jax.local_devices(backend=backend))
    return lists


def jax_backends() -> list:
    return [b for b in ("cpu", "gpu") if _has_backend(b)]


def _has_backend(name: str) -> bool:
    try:
        jax.local_devices(backend=name)
        return True
    except RuntimeError:
        return False


def _reset_device_caches() -> None:
    _device.cpu_device.cache_clear()
    _device.gpu_devices.cache_clear()
    jax.config.update("jax_default_device", _device.cpu_device())


def _move_storages(old: dict) -> None:
    """Every torchlike storage onto the new backend: same platform, same local device index."""
    targets = {}
    for platform, devices in old.items():
        new = jax.local_devices(backend=platform)
        for i, d in enumerate(devices):
            targets[d] = new[i] if i < len(new) else new[0]
    for obj in gc.get_objects():
        if type(obj) is _tensor._Storage:
            data = obj.data
            if isinstance(data, jax.Array) and not isinstance(data, jax.core.Tracer):
                obj.data = _moved(data, targets)
        elif isinstance(obj, _tensor.Tensor):
            d = obj.__dict__
            if "_cache_ver" in d:
                obj._cache_ver = -1     # views re-read their (moved) storage
            d.pop("_index_cache", None)


def _moved(array, targets: dict):
    source = next(iter(array.devices()))
    target = targets.get(source)
    if target is None:
        return array
    host = np.asarray(array)
    if getattr(array, "_committed", True):
        return jax.device_put(host, target)
    with jax.default_device(target):
        return jnp.asarray(host)
