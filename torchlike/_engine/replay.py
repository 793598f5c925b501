"""One-call backward: a whole backward pass replayed as one cached, jitted program.

A training loop records the same tape every step. The engine (`torchlike/_autograd.py`) runs a
tape node by node, one dispatch per node; here a tape whose shape has been seen before is turned
into one jax function of every node's saved arrays and the root gradients, which runs each node's
vjp in dependency order, sums gradients as the engine would, adds them to the leaves' existing
`.grad`, and returns the new leaf gradients. It is jitted once per tape shape and replayed.

When the saved arrays are themselves deferred ops (lazy.py), the pending forward and this
backward run as one program (`lazy.run_joint`).

Only plain tapes take this path: registry-op nodes and leaf accumulators, no hooks, no
retain_grad, no create_graph or `inputs=`. Anything else (and any error to report: a freed graph,
a saved tensor modified in place) goes through the engine, which behaves as PyTorch does.
"""
from __future__ import annotations

import jax

from . import cache as _cache
from .. import _interrupt
from .. import _autograd
from .._autograd import AccumulateGrad, edge_of
from .._tensor import Tensor
from .lazy import resolve, run_joint
from .backward import vjp_of as _vjp_of
from .kernel import OpNode

MAX_NODES = 2000       # bigger tapes: tracing them would cost more than it saves
REPLAY_AFTER = 2       # a tape shape is compiled the second time it is seen (one-off graphs never are)
_seen = _cache.LRU(_cache.REPLAY_SEEN, "replay_seen")
_programs = _cache.LRU(_cache.REPLAY_PROGRAMS, "replay_programs")
enabled = True
replays = [0]          # how many backward passes ran as one program


def try_replay(roots, grads, retain_graph: bool) -> bool:
    """Run the backward of `roots` as one program if the tape allows it; False to use the engine."""
    if not enabled or any(g is None for g in grads):
        return False
    tape = _walk(roots)
    if tape is None:
        return False
    nodes, index, root_edges = tape
    key = _structure(nodes, index, root_edges)
    program = _programs.get(key)
    if program is None:
        n = _seen[key] = _seen.get(key, 0) + 1
        if n < REPLAY_AFTER:
            return False
        build = _build(key)
        program = _programs[key] = (jax.jit(build), build)
    replays[0] += 1
    leaves = [n.variable for n in nodes if type(n) is AccumulateGrad]
    args = [a for n in nodes if type(n) is OpNode for a in n.arrays]
    args += [g._meta for g in grads]
    args += [None if t.grad is None else t.grad._meta for t in leaves]
    if not retain_graph:  # (first: the intermediate tensors only the graph held are gone before it runs)
        for n in nodes:
            n.release()
    # Deferred forward ops feeding this backward run with it, as one program (torchlike/_engine/lazy.py).
    new = run_joint(key, program[1], args, not retain_graph)
    if new is None:
        # (SIGINT held: a KeyboardInterrupt inside its compile would spoil it; see _interrupt.py)
        new = _interrupt.whole(program[0], *resolve(args))
    for t, g in zip(leaves, new):
        if g is None:
            continue
        if t.grad is None:
            t._grad = Tensor._wrap(g)
        else:
            t.grad._inplace_set(g)
    return True


def _walk(roots):
    """The nodes reachable from roots, newest first (a node's inputs are always older, so this is a
    dependency order) with an index and the roots' edges, or None when some node needs the engine."""
    stack, seen, root_edges = [], set(), []
    for t in roots:
        e = edge_of(t)
        if e is None:
            return None
        root_edges.append(e)
        if e[0] not in seen:
            seen.add(e[0])
            stack.append(e[0])
    nodes = []
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is OpNode:
            if node.freed and node.saves or node.pre_hooks or node.retained or node.hooks:
                return None
            for t, v in node.saved:
                if t._version != v:
                    return None
            for t, v in node.saved_outputs:
                if t._version != v:
                    return None
        elif kind is AccumulateGrad:
            var = node.variable
            if node.pre_hooks or node.hooks or var._hooks or var._post_accumulate_hooks:
                return None
        else:
            return None
        nodes.append(node)
        if len(nodes) > MAX_NODES:
            return None
        for e in node.next_edges:
            if e is not None and e[0] not in seen:
                seen.add(e[0])
                stack.append(e[0])
    nodes.sort(key=lambda n: n.seq, reverse=True)
    return nodes, {n: i for i, n in enumerate(nodes)}, root_edges


def _structure(nodes, index, root_edges) -> tuple:
    """The tape's shape: per node its kernel, number of saved arrays, differentiated inputs and edges
    (as node positions), the root edges, and which leaves already hold a gradient. Array shapes are
    jax.jit's concern."""
    steps = []
    for n in nodes:
        edges = tuple(None if e is None else (index[e[0]], e[1]) for e in n.next_edges)
        if type(n) is OpNode:
            steps.append((n.kernel, len(n.arrays), n.diff, n.n_outputs, edges))
        else:
            steps.append(("leaf", n.variable.grad is not None))
    return tuple(steps), tuple((index[node], nr) for node, nr in root_edges)


def _build(key):
    """The jax function replaying a tape of this shape (see the module docstring)."""
    steps, root_edges = key
    used = {(i, nr) for (i, nr) in root_edges}
    for s in steps:
        if s[0] != "leaf":
            used.update(e for e in s[4] if e is not None)
    plan = []
    for i, s in enumerate(steps):
        if s[0] == "leaf":
            plan.append(("leaf", i, s[1]))
        else:
            kernel, n_arrays, diff, n_out, edges = s
            plan.append(("op", i, _vjp_of(kernel.raw, diff), tuple((i, nr) in used for nr in range(n_out)), edges,
                         n_arrays))

    def program(*flat):
        """flat: every op node's saved arrays in tape order, then the root gradients, then the
        leaves' existing gradients (None where there is none)."""
        flat = iter(flat)
        buf: dict = {}
        node_arrays = [tuple(next(flat) for _ in range(s[5])) for s in plan if s[0] == "op"]
        for slot in root_edges:
            c = next(flat)
            buf[slot] = c if slot not in buf else buf[slot] + c
        arrays, out = iter(node_arrays), []
        for step in plan:
            if step[0] == "leaf":
                g, old = buf.pop((step[1], 0), None), next(flat)
                out.append(g if old is None else (old if g is None else old + g))
                continue
            _, i, vjp, mask, edges, _ = step
            cts = tuple(buf.pop((i, nr), None) if m else None for nr, m in enumerate(mask))
            for e, g in zip(edges, vjp(next(arrays), cts)):
                if e is not None:
                    buf[e] = g if e not in buf else buf[e] + g
        return out
    return program


_autograd.install_replay(try_replay)
