"""torchlike.compile: run a whole step (forward, backward, optimizer update) as one XLA program.

How it works. The first call runs eagerly while an observer records which tensor storages that
existed before the call the step reads (parameters, buffers, optimizer state, gradients) and
whether it ran a backward pass. Later calls are `jax.jit` programs: inside the trace each such
storage is swapped for a tracer, the user's Python runs once (our ops are jitted kernels, so
they inline), and the program returns the new value of every storage the step wrote, of every
tensor it created that outlives it (a new `.grad`, a returned loss) and its outputs; those are
written back after each call. Learning rates in optimizer param groups are passed as traced
inputs, so schedulers do not cause recompiles.

Two kinds of step:
- a step that calls backward (or runs without grad) is compiled as a side-effecting program;
- a forward whose outputs require grad (`compile(model)` in training) becomes ONE node on the
  tape whose backward is the program's jax.vjp.

A step that cannot be traced (`.item()`, Python control flow on tensor values, data-dependent
shapes) falls back to eager with a warning naming the reason.
"""
from __future__ import annotations

import functools
import gc
import itertools
import warnings
import weakref

import jax
import numpy as np

from ._engine import cache as _cache
from . import _autograd, _state, _tensor
from ._tensor import Tensor
from ._engine.kernel import Kernel, run_kernel

_fresh_versions = itertools.count(-1, -1)  # versions no real write produces: invalidates view caches
_TRACE_ERRORS = (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError,
                 jax.errors.TracerIntegerConversionError, jax.errors.TracerArrayConversionError)


class _Observer:
    """Records the pre-existing storages a step reads (and a tensor seen holding each), and
    the storages it creates."""

    def __init__(self, exclude: set):
        self.first_new = _tensor.next_serial()
        self.exclude = exclude
        self.reads: dict = {}
        self.originals: list = []
        # In creation order (a WeakSet's order follows ids): the program's outputs must come out in the
        # same order in every run, or its persistent-cache key changes from one run to the next.
        self.created_set = weakref.WeakKeyDictionary()

    def read(self, s, t) -> None:
        if s.serial < self.first_new and id(s) not in self.exclude and s not in self.reads:
            self.reads[s] = t
            self.originals.append((s, s.data, s.version))  # to undo a trace that wrote into it

    def created(self, s) -> None:
        self.created_set[s] = None

    def __enter__(self):
        self.prev = _state.current("observer")
        _state.set_mode("observer", self)
        return self

    def __exit__(self, *exc):
        _state.set_mode("observer", self.prev)
        return False


def _flatten_args(args, kwargs):
    leaves, tree = jax.tree_util.tree_flatten((args, kwargs), is_leaf=lambda x: isinstance(x, Tensor))
    tensors = [x for x in leaves if isinstance(x, Tensor)]
    static = tuple(("T", tuple(x.shape), x.dtype.name) if isinstance(x, Tensor) else _hashable(x) for x in leaves)
    return leaves, tree, tensors, static


def _hashable(x):
    try:
        hash(x)
        return x
    except TypeError:
        return ("id", id(x))


def _optimizers():
    from . import optim
    return list(getattr(getattr(optim, "Optimizer", None), "_instances", ()))


class _Program:
    """One traced program for one argument signature and one set of state storages."""

    def __init__(self, fn, state: dict):
        self.fn = fn
        self.state = list(state)                          # storages read, in a fixed order
        self.state_refs = [weakref.ref(s) for s in self.state]
        self.state_tensors = [state[s] for s in self.state]
        self.meta = None
        self._ctx = None                                  # the Python side of the call being traced
        self._jit = jax.jit(self._traced)

    def alive(self) -> bool:
        """False when a state tensor was replaced (not updated in place) since the trace."""
        return all(r() is not None for r in self.state_refs)

    def _traced(self, state_arrays, arg_arrays, lrs):
        leaves, tree, arg_tensors, groups = self._ctx
        saved = [(s, s.data, s.version) for s in self.state]
        saved += [(t._storage, t._storage.data, t._storage.version) for t in arg_tensors]
        saved_lrs = [g["lr"] for g in groups]
        obs = _Observer({id(s) for s in self.state} | {id(t._storage) for t in arg_tensors})
        concrete = [t for t in self.state_tensors + list(arg_tensors)]
        _tensor.trace_device[0] = concrete[0].device if concrete else _tensor.trace_device[0]
        try:
            for s, a in zip(self.state, state_arrays):
                s.data, s.version = a, next(_fresh_versions)
            for t, a in zip(arg_tensors, arg_arrays):
                t._storage.data, t._storage.version = a, next(_fresh_versions)
            for g, lr in zip(groups, lrs):
                g["lr"] = lr
            args, kwargs = jax.tree_util.tree_unflatten(tree, leaves)
            with obs:
                out = self.fn(*args, **kwargs)
            if obs.reads:
                raise _StateChanged(obs.reads)
            out_leaves, out_tree = jax.tree_util.tree_flatten(out, is_leaf=lambda x: isinstance(x, Tensor))
            out_tensors = [x for x in out_leaves if isinstance(x, Tensor)]
            del out, args, kwargs
            gc.collect()  # what is still alive now outlives the step
            out_ids = {id(t._storage) for t in out_tensors}
            written = [i for i, (s, a) in enumerate(zip(self.state, state_arrays)) if s.data is not a]
            escaped = [s for s in obs.created_set if id(s) not in out_ids and isinstance(s.data, jax.core.Tracer)]
            self.meta = (written, escaped, out_leaves, out_tree)
            return ([self.state[i].data for i in written], [s.data for s in escaped],
                    [t._data for t in out_tensors])
        finally:
            for s, d, v in saved + obs.originals:
                s.data, s.version = d, v
            for g, lr in zip(groups, saved_lrs):
                g["lr"] = lr

    def run(self, leaves, tree, arg_tensors, groups):
        self._ctx = (leaves, tree, arg_tensors, groups)
        state_arrays = [s.data for s in self.state]
        committed = _committed(state_arrays)
        if committed is not state_arrays:  # kept committed: the next call need not copy again
            for s, a in zip(self.state, committed):
                s.data = a
        try:
            new_state, esc, outs = self._jit(committed, [t._data for t in arg_tensors],
                                             [np.float64(g["lr"]) for g in groups])
        finally:
            self._ctx = None
        written, escaped, out_leaves, out_tree = self.meta
        for i, a in zip(written, new_state):
            s = self.state[i]
            s.data, s.version = a, s.version + 1
        for s, a in zip(escaped, esc):
            s.data, s.version = a, next(_fresh_versions)
        it = iter(outs)
        result = [Tensor._wrap(next(it)) if isinstance(x, Tensor) else x for x in out_leaves]
        return jax.tree_util.tree_unflatten(out_tree, result)


def _committed(arrays: list) -> list:
    """The arrays, each committed to a device. The program writes its outputs back committed, so
    an uncommitted input (a generator's key made by jnp.asarray) would make the second call a new
    signature for jax.jit and compile the whole step again (9 s on a GPU)."""
    if all(getattr(a, "committed", True) for a in arrays):
        return arrays
    dev = next((next(iter(a.devices())) for a in arrays if getattr(a, "committed", False)), None)
    return [jax.device_put(a, dev) if not getattr(a, "committed", True) else a for a in arrays]


class _ForwardProgram:
    """A differentiable forward: ONE kernel on the tape, whose backward is its jax.vjp.

    The kernel's inputs are the state arrays (parameters, buffers, RNG state) and the argument
    arrays; its outputs are the forward's outputs and the new values of the state it wrote
    (BatchNorm statistics, the RNG key), which are written back after the call."""

    def __init__(self, fn, state: dict, leaves, tree, arg_tensors):
        self.fn = fn
        self.state = list(state)
        self.state_refs = [weakref.ref(s) for s in self.state]
        self.state_tensors = [state[s] for s in self.state]
        self.meta = None
        # The backward re-traces the forward (for its vjp) after the call returned, so the call's
        # Python structure is kept: the tensors' storages are only borrowed while tracing.
        self._ctx = (leaves, tree, list(arg_tensors))
        self.kernel = Kernel(self._raw, "CompiledFunctionBackward", True)

    alive = _Program.alive

    def _raw(self, *arrays):
        leaves, tree, arg_tensors = self._ctx
        n = len(self.state)
        saved = [(s, s.data, s.version) for s in self.state]
        saved += [(t._storage, t._storage.data, t._storage.version) for t in arg_tensors]
        obs = _Observer({id(s) for s in self.state} | {id(t._storage) for t in arg_tensors})
        try:
            for s, a in zip(self.state, arrays[:n]):
                s.data, s.version = a, next(_fresh_versions)
            for t, a in zip(arg_tensors, arrays[n:]):
                t._storage.data, t._storage.version = a, next(_fresh_versions)
            args, kwargs = jax.tree_util.tree_unflatten(tree, leaves)
            with obs, _autograd.no_grad():
                out = self.fn(*args, **kwargs)
            if obs.reads:
                raise _StateChanged(obs.reads)
            out_leaves, out_tree = jax.tree_util.tree_flatten(out, is_leaf=lambda x: isinstance(x, Tensor))
            out_tensors = [x for x in out_leaves if isinstance(x, Tensor)]
            written = [i for i, (s, a) in enumerate(zip(self.state, arrays)) if s.data is not a]
            self.meta = (written, out_leaves, out_tree, len(out_tensors))
            return tuple(t._data for t in out_tensors) + tuple(self.state[i].data for i in written)
        finally:
            for s, d, v in saved + obs.originals:
                s.data, s.version = d, v

    def run(self, leaves, tree, arg_tensors, groups):
        self._ctx = (leaves, tree, list(arg_tensors))
        state_arrays = [s.data for s in self.state]
        committed = _committed(state_arrays)
        if committed is not state_arrays:  # (see _Program.run)
            for s, a in zip(self.state, committed):
                s.data = a
        arrays = committed + [t._data for t in arg_tensors]
        outs = run_kernel(self.kernel, arrays, self.state_tensors + list(arg_tensors))
        written, out_leaves, out_tree, n_out = self.meta
        for i, t in zip(written, outs[n_out:]):
            s = self.state[i]
            s.data, s.version = t._data, s.version + 1
        node = next((t.grad_fn for t in outs[:n_out] if t.grad_fn is not None), None)
        if node is not None and written:
            # The program's own writes (BatchNorm statistics, the RNG key) are not later in-place edits of
            # what the node saved: it holds the values from before them, so they leave its version checks.
            ids = {id(self.state[i]) for i in written}
            node.saved = [(x, x._version if id(x._storage) in ids else v) for x, v in node.saved]
        it = iter(outs[:n_out])
        result = [next(it) if isinstance(x, Tensor) else x for x in out_leaves]
        return jax.tree_util.tree_unflatten(out_tree, result)


class _StateChanged(Exception):
    """The traced step read state the eager run did not: trace again with it included."""

    def __init__(self, reads):
        super().__init__("new state")
        self.reads = reads


class CompiledFunction:
    """What `torchlike.compile(fn)` returns: call it like fn."""

    def __init__(self, fn, fullgraph: bool = False):
        self.fn = fn
        self.fullgraph = fullgraph
        self.programs = _cache.LRU(_cache.COMPILE_PROGRAMS, "compile_programs")
        self.eager_reason = None
        self.extra_key = tuple  # Python state the program depends on (a module's training flags)
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        if self.eager_reason is not None:
            return self.fn(*args, **kwargs)
        leaves, tree, arg_tensors, static = _flatten_args(args, kwargs)
        groups = [g for o in _optimizers() for g in o.param_groups]
        key = (tree, static, _autograd.is_grad_enabled(), tuple(id(g) for g in groups),
               tuple(_group_key(g) for g in groups), self.extra_key())
        prog = self.programs.get(key)
        if prog is not None and not prog.alive():
            prog = None
        if prog is None:
            return self._first_call(key, args, kwargs, arg_tensors)
        try:
            return prog.run(leaves, tree, arg_tensors, groups)
        except _StateChanged as e:
            self.programs.pop(key, None)
            return self._retrace(key, prog, e.reads, leaves, tree, arg_tensors, groups)
        except _TRACE_ERRORS as e:
            return self._fall_back(e, args, kwargs)

    def _first_call(self, key, args, kwargs, arg_tensors):
        """Run eagerly once, recording the state the step touches."""
        obs = _Observer({id(t._storage) for t in arg_tensors})
        ran_backward = _autograd.backward_calls()
        with obs:
            out = self.fn(*args, **kwargs)
        ran_backward = _autograd.backward_calls() != ran_backward
        outs = [x for x in jax.tree_util.tree_leaves(out, is_leaf=lambda x: isinstance(x, Tensor))
                if isinstance(x, Tensor)]
        differentiable = not ran_backward and _autograd.is_grad_enabled() and any(o.requires_grad for o in outs)
        if differentiable:
            leaves, tree, arg_tensors, _ = _flatten_args(args, kwargs)
            self.programs[key] = _ForwardProgram(self.fn, obs.reads, leaves, tree, arg_tensors)
        else:
            self.programs[key] = _Program(self.fn, obs.reads)
        return out

    def _retrace(self, key, prog, extra, leaves, tree, arg_tensors, groups):
        state = {s: t for s, t in zip(prog.state, prog.state_tensors)}
        state.update(extra)
        if isinstance(prog, _ForwardProgram):
            new = _ForwardProgram(self.fn, state, leaves, tree, arg_tensors)
        else:
            new = _Program(self.fn, state)
        self.programs[key] = new
        return new.run(leaves, tree, arg_tensors, groups)

    def _fall_back(self, err, args, kwargs):
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        if self.fullgraph:  # (PyTorch's fullgraph=True turns a graph break into an error)
            from ._dynamo.exc import Unsupported
            raise Unsupported(f"torchlike.compile(fullgraph=True): {getattr(self.fn, '__name__', 'fn')} cannot be "
                              f"traced as one program ({type(err).__name__}: {reason})") from err
        self.eager_reason = reason
        warnings.warn(f"torchlike.compile: {getattr(self.fn, '__name__', 'fn')} runs eagerly: it cannot be traced "
                      f"({type(err).__name__}: {reason})", stacklevel=3)
        return self.fn(*args, **kwargs)


def _group_key(g: dict) -> tuple:
    return tuple((k, v) for k, v in g.items() if k not in ("params", "lr") and isinstance(v, (int, float, bool, str,
                                                                                             tuple, type(None))))


def _compile_module(model):
    """`torch.compile(module)`: an OptimizedModule whose forward is compiled (train/eval aware)."""
    from .nn import Module

    class OptimizedModule(Module):
        def __init__(self, mod):
            super().__init__()
            self._orig_mod = mod
            self._compiled = CompiledFunction(mod.forward)
            self._compiled.extra_key = lambda: tuple(m.training for m in mod.modules())

        def forward(self, *args, **kwargs):
            return self._compiled(*args, **kwargs)

    return OptimizedModule(model)


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend="inductor", mode=None, options=None,
            disable: bool = False):
    """Mirrors `torch.compile`: a function or a Module's forward becomes one XLA program per
    input signature (see the module docstring)."""
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable)
    if disable:
        return model
    from . import nn
    if isinstance(model, nn.Module):
        return _compile_module(model)
    return CompiledFunction(model, fullgraph)
