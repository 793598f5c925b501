"""DataParallel: one process, the batch split over the local devices. Mirrors `torch.nn.DataParallel`.

PyTorch copies the module onto every device, runs the replicas on chunks of the batch and
gathers their outputs. Here the batch becomes ONE array sharded along `dim` over a 1-D mesh of
the devices, the parameters and buffers are replicated over the same mesh for the call, and XLA
splits every operation: there is one program, not one replica per device. The module's own
tensors stay on `device_ids[0]`; gradients come back there, summed over the devices, as in PyTorch.
"""
from __future__ import annotations

import contextlib
import itertools
from collections.abc import Mapping

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from ... import _autograd
from ... import _device
from ..._tensor import Tensor
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]

_AXIS = "batch"


def _local_devices(platform: str) -> list:
    """The devices DataParallel splits over: this process's devices of the module's platform."""
    return list(jax.local_devices(backend=platform))


def _platform(module: Module) -> str:
    """Where the module lives (its first parameter or buffer); with no tensors, the GPUs if any."""
    for t in itertools.chain(module.parameters(), module.buffers()):
        return next(iter(t._data.devices())).platform
    return "gpu" if _device.gpu_devices() else "cpu"


def _device_index(d) -> int:
    if isinstance(d, int):
        return d
    d = d if isinstance(d, _device.device) else _device.device(d)
    return 0 if d.index is None else d.index


class _Transfer(_autograd.Node):
    """Moves a tensor to another placement; its backward moves the gradient back to where it came from."""

    def __init__(self, name: str, src: Tensor, back):
        super().__init__(name, [_autograd.edge_of(src)], saves=False)
        self.back = back

    def apply(self, grads, create_graph):
        return [None if grads[0] is None else Tensor._wrap(jax.device_put(grads[0]._data, self.back))]


def _transfer(t: Tensor, placement, name: str) -> Tensor:
    src = t._data
    out = Tensor._wrap(jax.device_put(src, placement))
    if t.requires_grad and _autograd.is_grad_enabled():
        out._requires_grad, out.grad_fn = True, _Transfer(name, t, src.sharding)
    return out


def _map_tensors(obj, fn):
    """Applies fn to every tensor in nested tuples, lists and dicts; other values pass unchanged."""
    if isinstance(obj, Tensor):
        return fn(obj)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(_map_tensors(o, fn) for o in obj))
    if isinstance(obj, (tuple, list)):
        return type(obj)(_map_tensors(o, fn) for o in obj)
    if isinstance(obj, Mapping):
        return type(obj)((k, _map_tensors(v, fn)) for k, v in obj.items())
    return obj


def _batch_sizes(obj, dim: int, out: list) -> list:
    _map_tensors(obj, lambda t: out.append(t.shape[dim]) if t.dim() > dim else None)
    return out


class DataParallel(Module):
    """Mirrors `torch.nn.DataParallel`.

    Differs: the replicas are shards of one XLA program, so BatchNorm in training mode normalises
    with the statistics of the whole batch (as `SyncBatchNorm`), not per device. The batch is split
    over the largest number of `device_ids` that divides it evenly (XLA shards evenly), at least
    one. `device_ids` index this process's devices of the platform the module is on, so a CPU
    module splits over host devices (`XLA_FLAGS=--xla_force_host_platform_device_count=N`). On a
    single device the call passes straight through, as in PyTorch.
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.dim = dim
        if device_ids is None:
            device_ids = range(len(_local_devices(_platform(module))))
        self.device_ids = [_device_index(d) for d in device_ids]
        if output_device is None:
            output_device = self.device_ids[0] if self.device_ids else 0
        self.output_device = _device_index(output_device)
        self._placements: dict = {}

    def _resolve(self) -> tuple:
        """(devices to split over, output device) on the platform the module is on now, cached."""
        platform = _platform(self.module)
        if platform not in self._placements:
            devices = _local_devices(platform)
            for i in self.device_ids + [self.output_device]:
                if not 0 <= i < len(devices):
                    raise AssertionError(f"Invalid device id: {i}")
            self._placements[platform] = ([devices[i] for i in self.device_ids], devices[self.output_device], {})
        return self._placements[platform]

    def forward(self, *inputs, **kwargs):
        if len(self.device_ids) <= 1:
            return self.module(*inputs, **kwargs)
        devices, output, meshes = self._resolve()
        self._check_placement(devices[0])
        n = self._split_count(inputs, kwargs, len(devices))
        if n == 1:
            return self.module(*inputs, **kwargs)
        if n not in meshes:
            meshes[n] = Mesh(np.array(devices[:n]), (_AXIS,))
        mesh = meshes[n]
        with self._replicated(NamedSharding(mesh, PartitionSpec())):
            inputs, kwargs = _map_tensors((inputs, kwargs), lambda t: self._scatter(t, mesh))
            outputs = self.module(*inputs, **kwargs)
        return _map_tensors(outputs, lambda t: self._gather(t, output))

    def _check_placement(self, first) -> None:
        for t in itertools.chain(self.module.parameters(), self.module.buffers()):
            if first not in t._data.devices():
                where = _device.from_jax(next(iter(t._data.devices())))
                raise RuntimeError("module must have its parameters and buffers on device "
                                   f"{_device.from_jax(first)} (device_ids[0]) but found one of them on device: "
                                   f"{where}")

    def _split_count(self, inputs, kwargs, n: int) -> int:
        sizes = _batch_sizes((inputs, kwargs), self.dim, [])
        while n > 1 and any(s % n for s in sizes):
            n -= 1
        return n if sizes else 1

    def _scatter(self, t: Tensor, mesh: Mesh) -> Tensor:
        if t.dim() <= self.dim:
            return _transfer(t, NamedSharding(mesh, PartitionSpec()), "BroadcastBackward")
        spec = PartitionSpec(*([None] * (self.dim % t.dim())), _AXIS)
        return _transfer(t, NamedSharding(mesh, spec), "ScatterBackward")

    def _gather(self, t: Tensor, output) -> Tensor:
        if t.dim() == 0:
            raise NotImplementedError("DataParallel: gathering 0-dim outputs (PyTorch returns one value per "
                                      "replica; here the replicas are one program and compute one value)")
        return _transfer(t, output, "GatherBackward")

    @contextlib.contextmanager
    def _replicated(self, sharding):
        """Swaps every parameter and buffer for a copy replicated over the mesh for one call.

        Gradients reach the module's own parameters through the copies; buffers written in place
        (BatchNorm's running statistics) are written back.
        """
        saved = []
        for m in self.module.modules():
            for store in (m._parameters, m._buffers):
                for name, t in store.items():
                    if t is not None:
                        copy = _transfer(t, sharding, "BroadcastBackward")
                        saved.append((store, name, t, copy, copy._version))
                        store[name] = copy
        try:
            yield
        finally:
            for store, name, t, copy, version in saved:
                store[name] = t
                if copy._version != version:
                    t._write(jax.device_put(copy._data, next(iter(t._data.devices()))))


def data_parallel(module, inputs, device_ids=None, output_device=None, dim: int = 0, module_kwargs=None):
    """Mirrors `torch.nn.parallel.data_parallel`."""
    if not isinstance(inputs, tuple):
        inputs = (inputs,)
    wrapper = DataParallel(module, device_ids, output_device, dim)
    return wrapper(*inputs, **(module_kwargs or {}))
