"""DistributedDataParallel: one process per device, gradients averaged across processes.

Mirrors `torch.nn.parallel.DistributedDataParallel`. At construction rank 0's parameters and
buffers are broadcast to every rank. Each parameter gets a post-accumulate-grad hook; when the
last expected one fires during backward, all gradients are averaged in one all-reduce per dtype
(a single flat bucket) and written back into `.grad`.
"""
from __future__ import annotations

import contextlib
import functools

import jax
import jax.numpy as jnp

from ... import _autograd
from ..._tensor import Tensor
from ...distributed import distributed_c10d as c10d
from ..modules.module import Module
from .data_parallel import _map_tensors

__all__ = ["DistributedDataParallel"]

_UNFINISHED = ("Expected to have finished reduction in the prior iteration before starting a new one. This error "
               "indicates that your module has parameters that were not used in producing loss. You can enable "
               "unused parameter detection by passing the keyword argument `find_unused_parameters=True` to "
               "`torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function outputs "
               "participate in calculating loss.")


@jax.jit
def _flatten(arrays):
    return jnp.concatenate([a.ravel() for a in arrays])


@functools.partial(jax.jit, static_argnums=1)
def _unflatten(flat, shapes):
    pieces, start = [], 0
    for shape in shapes:
        n = 1
        for s in shape:
            n *= s
        pieces.append(flat[start:start + n].reshape(shape))
        start += n
    return pieces


def _by_dtype(arrays: list) -> dict:
    groups: dict = {}
    for i, a in enumerate(arrays):
        groups.setdefault(a.dtype, []).append(i)
    return groups


def _coalesced(arrays: list, collective) -> list:
    """Runs `collective` (Tensor -> None, in place) once per dtype on the flattened arrays; returns the results."""
    out = list(arrays)
    for indices in _by_dtype(arrays).values():
        flat = Tensor._wrap(_flatten([arrays[i] for i in indices]))
        collective(flat)
        for i, piece in zip(indices, _unflatten(flat._data, tuple(arrays[i].shape for i in indices))):
            out[i] = piece
    return out


def _sync_from_rank0(tensors: list, group) -> None:
    """Makes every rank's tensors rank 0's, in one broadcast per dtype."""
    if not tensors:
        return
    synced = _coalesced([t._data for t in tensors], lambda flat: c10d.broadcast(flat, src=0, group=group))
    for t, value in zip(tensors, synced):
        t._write(value)


def _reached_leaves(outputs) -> set:
    """The ids of the leaf tensors the outputs' graph reaches (the parameters this forward used)."""
    stack, seen, leaves = [], set(), set()

    def visit(t):
        if t.grad_fn is not None:
            stack.append(t.grad_fn)
        elif t.requires_grad:
            leaves.add(id(t))
    _map_tensors(outputs, visit)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, _autograd.AccumulateGrad):
            leaves.add(id(node.variable))
        stack.extend(e[0] for e in node.next_edges if e is not None)
    return leaves


class DistributedDataParallel(Module):
    """Mirrors `torch.nn.parallel.DistributedDataParallel`.

    Differs: one bucket per dtype (`bucket_cap_mb` is accepted and ignored), reduced when the
    last gradient is ready rather than overlapped with backward. `find_unused_parameters=True`
    expects every rank to use at least one parameter in each iteration.
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0, broadcast_buffers=None,
                 init_sync: bool = True, process_group=None, bucket_cap_mb=None, find_unused_parameters: bool = False,
                 check_reduction: bool = False, gradient_as_bucket_view: bool = False, static_graph: bool = False,
                 **options) -> None:
        super().__init__()
        if options:
            raise NotImplementedError(f"DistributedDataParallel({', '.join(options)}=...)")
        group = c10d._group(process_group)
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter that "
                               "requires a gradient.")
        _check_device_ids(module, device_ids, output_device)
        self.module = module
        self.process_group = group
        self.device_ids = None if device_ids is None else list(device_ids)
        self.output_device = output_device
        self.dim = dim
        self.broadcast_buffers = True if broadcast_buffers is None else broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self._params = params
        self._expected: set = set()
        self._ready: set = set()
        if init_sync:
            _sync_from_rank0(list(module.parameters()) + list(module.buffers()), group)
        for p in params:
            p.register_post_accumulate_grad_hook(self._grad_ready)

    def forward(self, *inputs, **kwargs):
        if self._expected and self._ready:
            raise RuntimeError(_UNFINISHED)
        if self.broadcast_buffers and self.process_group.size() > 1:
            _sync_from_rank0(list(self.module.buffers()), self.process_group)
        outputs = self.module(*inputs, **kwargs)
        self._ready = set()
        self._expected = set()
        if _autograd.is_grad_enabled() and self.require_backward_grad_sync:
            ids = {id(p) for p in self._params}
            self._expected = ids & _reached_leaves(outputs) if self.find_unused_parameters else ids
        return outputs

    @contextlib.contextmanager
    def no_sync(self):
        """Mirrors `DistributedDataParallel.no_sync`: gradients of forwards run inside accumulate locally."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    def _grad_ready(self, param: Tensor) -> None:
        key = id(param)
        if key not in self._expected:
            return
        self._ready.add(key)
        if len(self._ready) == len(self._expected):
            self._expected, self._ready = set(), set()
            self._average_gradients()

    def _average_gradients(self) -> None:
        """All gradients averaged over the ranks in one all-reduce per dtype, written into `.grad`."""
        group = self.process_group
        params = self._params
        grads = [p.grad._data if p.grad is not None else jnp.zeros(p.shape, p._data.dtype) for p in params]
        used = None
        if self.find_unused_parameters:
            used = Tensor._wrap(jnp.asarray([p.grad is not None for p in params], jnp.int32))
            c10d.all_reduce(used, group=group)
            used = jax.device_get(used._data)
        averaged = _coalesced(grads, lambda flat: c10d.all_reduce(flat, c10d.ReduceOp.AVG, group=group))
        for i, (p, value) in enumerate(zip(params, averaged)):
            if p.grad is not None:
                p.grad._write(value)
            elif used is not None and used[i]:
                p._grad = Tensor._wrap(value)

    def join(self, *args, **kwargs):
        raise NotImplementedError("DistributedDataParallel.join (uneven inputs)")

    def register_comm_hook(self, state, hook):
        raise NotImplementedError("DistributedDataParallel.register_comm_hook")


def _check_device_ids(module: Module, device_ids, output_device) -> None:
    devices = {p.device for p in module.parameters()}
    if device_ids is not None and all(d.type == "cpu" for d in devices):
        raise ValueError("DistributedDataParallel device_ids and output_device arguments only work with "
                         "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                         f"{list(device_ids)}, output_device {output_device}, and module parameters {devices}.")
    if device_ids is not None and len(device_ids) > 1:
        raise ValueError("device_ids can only be None or contain a single element.")
