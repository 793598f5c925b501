"""Deferred eager ops: a run of small operators executed as one cached, jitted program.

One XLA dispatch costs several microseconds, more than PyTorch needs for a whole small operator.
So an op that repeats a call already run eagerly with the same kernel and input shapes is not
run at once: its output tensor holds a `Pending` node (kernel, inputs, and the output's shape
and dtype, learned from that earlier eager run), appended to a trace in creation order. Reading
any pending value (`_data`, `.item()`, printing, an op that cannot be deferred), or the trace
reaching MAX_NODES, runs the whole trace as one jax function of its leaf arrays, jitted once per
trace structure, and keeps the values of the nodes whose tensors are still alive or that an
autograd node saved.

Ops that need gradients are deferred too: their graph node is recorded at once, with the pending
inputs as its saved values. When a backward pass is replayed as one program (replay.py) over
such values, `run_joint` runs the trace and that backward as one program: a training step's
forward and backward become one XLA call.

A view op's result keeps its pending value as the view's cache (`Tensor._data` runs it), so a
view still shares its base's storage and version counter.

What stays the same: every error is raised by the call itself (a form is only deferred after it
ran eagerly with these shapes, and jitted kernels raise nothing at run time), values are the
kernels' own, and a tensor's storage, version counter and aliasing are untouched (an in-place
write reads the value first). Multi-output ops, calls under a jax trace or `torchlike.compile`,
and threads other than the main one run eagerly (another thread reading a pending value
computes it by itself, leaving the trace alone). `TORCHLIKE_LAZY=0` turns deferral off.
"""
from __future__ import annotations

import operator
import os
import threading
import weakref
from threading import get_ident

import jax

from . import cache as _cache
from .. import _interrupt, _state
from .._tensor import ARRAY, LazyStorage, Tensor, no_trace

enabled = os.environ.get("TORCHLIKE_LAZY", "1") != "0"
MAX_NODES = 64          # a longer trace runs as it grows: programs stay small and reusable
# A trace structure is compiled once its runs would have cost about as many dispatches as this
# (a compile costs tens of milliseconds; one dispatch saved, a few microseconds): a long trace
# that repeats is compiled after a few runs, a one-off or a two-op trace rarely.
FUSE_WORK = 500
_seen = _cache.LRU(_cache.LAZY_SEEN, "lazy_seen")
_programs = _cache.LRU(_cache.LAZY_PROGRAMS, "lazy_programs")
_MAIN = threading.main_thread().ident


class Pending:
    """An op not run yet: kernel, inputs (arrays, constants or Pending nodes), output metadata,
    and its place in the trace (`epoch`, `pos`, `wire`) until it has a value."""

    __slots__ = ("dtype", "epoch", "inputs", "kernel", "ndim", "owner", "pos", "saved", "shape", "site", "size",
                 "value", "wire")

    def __init__(self, kernel, inputs, site):
        self.kernel, self.inputs, self.value, self.site = kernel, inputs, None, site
        self.shape, self.dtype, self.ndim, self.size = site.shape, site.dtype, site.ndim, site.size
        self.saved = 0  # how many autograd nodes keep this value for their backward

    def probe(self):
        """A jax array this op reads (so placed where its output will be), or its own value."""
        for x in self.inputs or ():
            if x.__class__ is Pending:
                return x.value if x.value is not None else x.probe()
            if x.__class__ is ARRAY:
                return x
        return self.force()

    def devices(self):
        return self.probe().devices()

    def force(self):
        if self.value is None:
            if self.epoch == _trace.epoch and get_ident() == _MAIN:
                _trace.run(self)
            else:  # another thread, or a node dropped from a trace as dead: run it alone
                self._alone()
        return self.value

    def _alone(self) -> None:
        k, inputs = self.kernel, self.inputs
        if inputs is not None:  # (None: the trace settled it meanwhile)
            with jax.ensure_compile_time_eval():
                self.value = k.jit(*[x.force() if x.__class__ is Pending else x for x in inputs])


class _Site:
    """One call form (fast-path entry and input shapes): its output's metadata, learned from an
    eager run, and whether deferring it pays. A deferred result read at once, with nothing else
    pending, only added bookkeeping; after STRIKES such reads in a row the form runs eagerly for
    its next BACKOFF calls that have no pending input, then is tried again."""

    __slots__ = ("dtype", "grad_name", "ndim", "shape", "size", "skip", "strikes")

    def __init__(self, d):
        self.shape, self.dtype, self.ndim, self.size = d.shape, d.dtype, d.ndim, d.size
        self.strikes = self.skip = 0
        self.grad_name = None

    def node_name(self, k, inputs) -> str:
        """The grad_fn name of this form's autograd node (fixed by the input shapes: kept)."""
        if self.grad_name is None:
            self.grad_name = k.node_name(inputs)
        return self.grad_name


STRIKES, BACKOFF = 3, 64


class _Trace:
    """The pending nodes in creation order (a valid execution order) and their leaf arrays. Each
    node's `wire`, (kernel, input refs) where a ref >= 0 is an earlier node and -1 - i is leaf i,
    makes the program's cache key.

    An exception (a Ctrl-C) may stop any update of the trace midway, so every prefix of one must
    leave a consistent trace: a node is published by one append once it is complete, a leaf is
    appended before its position is recorded, and a reset bumps `epoch` first (older nodes are
    then run on their own when read) and drops the nodes before the leaves they refer to."""

    def __init__(self):
        self.epoch = 0
        self._reset()

    def _reset(self):
        self.nodes = []
        self.leaf_pos = {}
        self.leaves = []
        self.sharding = None  # where the trace's arrays live: one program runs on one device set

    def wiring(self) -> tuple:
        return tuple(map(_WIRE, self.nodes))

    def run(self, root=None) -> None:
        if no_trace():
            self._run(root)
        else:  # asked for while jax traces: compute values, not tracers
            with jax.ensure_compile_time_eval():
                self._run(root)

    def _run(self, root) -> None:
        nodes, leaves, wiring = self.nodes, self.leaves, self.wiring()
        self.epoch += 1
        self._reset()
        # Outputs: the node asked for, every node whose tensor is still alive, and those a backward needs.
        outs = tuple(i for i, x in enumerate(nodes) if x is root or x.saved or x.owner() is not None)
        if not outs:
            return
        if len(nodes) == 1 and root is not None:
            _strike(root.site)
            _settle(root, root.kernel.jit(*[leaves[-1 - r] for r in wiring[0][1]]))
            return
        key = (wiring, outs, tuple((a.shape, a.dtype) for a in leaves))
        program = _programs.get(key)
        if program is None:
            if len(_seen) > 10_000:
                _seen.clear()
            seen = _seen[key] = _seen.get(key, 0) + 1
            if seen * (len(nodes) - 1) >= FUSE_WORK:
                program = _programs[key] = jax.jit(_fused(wiring, outs))
        if program is None:  # node by node, skipping those no output needs
            needed = set(outs)
            for i in range(len(nodes) - 1, -1, -1):
                if i in needed:
                    needed.update(r for r in wiring[i][1] if r >= 0)
            values = [None] * len(nodes)
            for i, (k, refs) in enumerate(wiring):
                if i in needed:
                    values[i] = k.jit(*[values[r] if r >= 0 else leaves[-1 - r] for r in refs])
            for i in outs:
                _settle(nodes[i], values[i])
            return
        # (SIGINT held: a KeyboardInterrupt inside its compile would spoil it; see _interrupt.py)
        for i, v in zip(outs, _interrupt.whole(program, *leaves)):
            _settle(nodes[i], v)


_trace = _Trace()
_WIRE = operator.attrgetter("wire")


# id -> (sharding, the first equal one seen): equal shardings compare by identity
_SHARDINGS = _cache.LRU(_cache.SHARDINGS, "shardings")


def _canonical(sh):
    hit = _SHARDINGS.get(id(sh))
    if hit is None:
        same = next((c for s, c in list(_SHARDINGS.values()) if c == sh), sh)
        hit = _SHARDINGS[id(sh)] = (sh, same)  # (holding sh keeps its id from being reused)
    return hit[1]


def _strike(site: _Site) -> None:
    site.strikes += 1
    if site.strikes >= STRIKES:
        site.skip = BACKOFF


def _settle(x: Pending, value) -> None:
    x.value, x.inputs, x.kernel = value, None, None


def _fused(wiring, outs):
    def program(*leaves):
        values = []
        for k, refs in wiring:
            values.append(k.raw(*[values[r] if r >= 0 else leaves[-1 - r] for r in refs]))
        return tuple(values[i] for i in outs)
    return program


def saving(inputs) -> None:
    """An autograd node keeps these inputs for its backward: the trace must keep their values."""
    for x in inputs:
        if x.__class__ is Pending:
            x.saved += 1


def resolve(values) -> list:
    """values with every pending node replaced by its array."""
    return [x.force() if x.__class__ is Pending else x for x in values]


JOINT_AFTER = 3  # a (trace, caller) pairing is compiled the third time it is seen (one-off graphs never are)


def run_joint(key, fn, args, releasing: bool):
    """fn(*args) where some args are pending in the trace: the trace and fn as one jitted program
    (a training step's forward and its replayed backward), returning fn's outputs; or None (the
    trace then has run) when nothing is pending, the pairing is new, or devices differ: the
    caller runs fn on `resolve(args)` itself. `key` names fn's structure; args may hold None.
    `releasing`: the holders of these args drop them afterwards (values that nothing else saved
    need not be kept)."""
    tr = _trace
    if not tr.nodes or get_ident() != _MAIN or not no_trace():
        return None
    epoch, leaf_pos, n_leaves = tr.epoch, tr.leaf_pos, len(tr.leaves)
    refs, extras, used = [], [], {}  # refs as in the wiring: a node, or -1 - i for input i (leaves, then extras)
    for a in args:
        if a is None:
            refs.append(None)
            continue
        if a.__class__ is Pending:
            if a.value is None and a.epoch == epoch:
                refs.append(a.pos)
                used[a.pos] = used.get(a.pos, 0) + 1
                continue
            a = a.force()
        i = leaf_pos.get(id(a))
        if i is None:
            i = n_leaves + len(extras)
            extras.append(a)
        refs.append(-1 - i)
    if not used:
        return None
    nodes, wiring = tr.nodes, tr.wiring()
    outs = tuple(i for i, x in enumerate(nodes)
                 if x.owner() is not None or x.saved > (used.get(i, 0) if releasing else 0))
    jkey = (key, wiring, outs, tuple(refs))  # (shapes: jax.jit's own cache)
    program = _programs.get(jkey)
    if program is None:
        seen = _seen[jkey] = _seen.get(jkey, 0) + 1
        if seen < JOINT_AFTER:
            tr.run()
            return None
        program = _programs[jkey] = jax.jit(_joint(wiring, outs, tuple(refs), fn))
    try:
        values, result = _interrupt.whole(program, tr.leaves, extras)
    except ValueError:  # arrays on different devices: one program runs on one set (jax says so)
        tr.run()
        return None
    tr.epoch += 1
    tr._reset()
    for i, v in zip(outs, values):
        _settle(nodes[i], v)
    if releasing:
        for i, n in used.items():
            nodes[i].saved -= n
    return result


def _joint(wiring, outs, refs, fn):
    forward = _fused(wiring, range(len(wiring)))

    def program(leaves, extras):
        values, inputs = forward(*leaves), list(leaves) + list(extras)
        args = [None if r is None else values[r] if r >= 0 else inputs[-1 - r] for r in refs]
        return tuple(values[i] for i in outs), fn(*args)
    return program


def record(k, args, sources, metas, shapes, sites):
    """A deferred output for this fast-path call, or None to run it now. metas[j]: args[j]'s array
    or pending node; shapes: the tensor arguments' shapes, in order; sites: the entry's _Sites."""
    if _state.active and _state.modes.observer is not None or get_ident() != _MAIN:
        return None  # torchlike.compile must see every read; the trace belongs to one thread
    site = sites.get(tuple(shapes))
    if site is None:
        return None
    if site.skip and not any(j.__class__ is int and metas[j].__class__ is Pending for j in sources):
        site.skip -= 1  # (with a pending input, deferring costs nothing: running now would read it)
        return None
    tr = _trace
    if len(tr.nodes) >= MAX_NODES:  # (checked here, not after appending: the caller reads the new node's inputs)
        tr.run()
    epoch = tr.epoch
    inputs = []
    for j in sources:  # check everything before touching the trace
        if j.__class__ is int:
            x = metas[j]
            if x.__class__ is Pending:
                if x.value is not None or x.epoch != epoch:
                    x = x.force()
            elif x.__class__ is not ARRAY:
                return None  # a tracer: jax is transforming this call
            inputs.append(x)
        else:
            inputs.append(j[0])
    leaf_pos, refs = tr.leaf_pos, []
    for x in inputs:
        if x.__class__ is Pending:
            refs.append(x.pos)
            x.site.strikes = 0  # its deferral paid: this op joins it
            continue
        p = leaf_pos.get(id(x))
        if p is None:
            if x.__class__ is ARRAY and x.sharding is not tr.sharding:  # (host constants go anywhere)
                sh = _canonical(x.sharding)
                if tr.sharding is None:
                    tr.sharding = sh
                elif sh is not tr.sharding:  # one program runs on one set of devices
                    if not refs:
                        tr.run()
                    return None  # run eagerly (a call mixing devices fails there, as PyTorch's does)
            tr.leaves.append(x)
            p = leaf_pos[id(x)] = len(tr.leaves) - 1
        refs.append(-1 - p)
    node = Pending(k, inputs, site)
    node.epoch, node.pos, node.wire = epoch, len(tr.nodes), (k, tuple(refs))
    t = object.__new__(Tensor)
    t._storage = s = LazyStorage(node)
    node.owner = weakref.ref(s)
    tr.nodes.append(node)  # (last: the node is complete when the trace gets it)
    return t


def learn(sites, shapes, result) -> None:
    """Remember an eager run's output metadata for these input shapes."""
    if isinstance(result, tuple) or len(sites) > 64:
        return
    key = tuple(shapes)
    if key not in sites:
        d = result._storage.data
        if d.__class__ is ARRAY:
            sites[key] = _Site(d)


