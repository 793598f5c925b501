"""The tape: graph nodes, grad modes and the backward engine.

Every differentiable op run in grad mode records a `Node` whose `apply` maps the gradients of
its outputs to the gradients of its inputs (for registry ops: the op's cached, jitted
`jax.vjp`). `backward()` walks the nodes iteratively in dependency order, so graphs of any
depth work, and accumulates into leaf `.grad` through `AccumulateGrad` nodes as PyTorch does.
"""
from __future__ import annotations

import functools
import itertools
import threading
import types

from ._hooks import ListHookHandle as _Handle  # (tensors' and nodes' hooks are kept in lists)


class _GradState(threading.local):
    enabled = True  # each thread starts with gradients on, as in PyTorch


_state = _GradState()


def is_grad_enabled() -> bool:
    """Mirrors `torch.is_grad_enabled`."""
    return _state.enabled


def _set_enabled(mode: bool) -> None:
    _state.enabled = bool(mode)


class _GradMode:
    """Base of no_grad/enable_grad/set_grad_enabled: a context manager and a decorator."""

    mode = True

    def __enter__(self):  # (plain stores, the switch last: no call after it for a Ctrl-C to land on)
        self.prev = _state.enabled
        _state.enabled = self.mode  # (a bool in every subclass)

    def __exit__(self, *exc):
        _state.enabled = self.prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__.__new__(self.__class__).__clone__(self):
                return fn(*args, **kwargs)
        return wrapper

    def __clone__(self, other):
        self.__dict__.update(other.__dict__)
        return self


class _NoParamMode(_GradMode):
    """A mode that also decorates without parentheses (`@torch.no_grad`), as PyTorch's do."""

    def __new__(cls, orig_func=None):
        return super().__new__(cls) if orig_func is None else cls()(orig_func)


class no_grad(_NoParamMode):
    """Mirrors `torch.no_grad`."""
    mode = False


class enable_grad(_NoParamMode):
    """Mirrors `torch.enable_grad`."""
    mode = True


class set_grad_enabled(_GradMode):
    """Mirrors `torch.set_grad_enabled`: takes effect at once, and also works as a context manager."""

    def __init__(self, mode: bool):
        self.prev = is_grad_enabled()
        self.mode = bool(mode)
        _set_enabled(self.mode)

    def __enter__(self):
        pass


class inference_mode(_GradMode):
    """Mirrors `torch.inference_mode` (as no_grad: jax arrays need no extra protection)."""

    def __new__(cls, mode=True):  # (also @torch.inference_mode on a function)
        return super().__new__(cls) if isinstance(mode, bool) else cls()(mode)

    def __init__(self, mode=True):
        self.mode = not mode if isinstance(mode, bool) else False


FREED_MSG = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
             "have already been freed). Saved intermediate values of the graph are freed when you call "
             ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph "
             "a second time or if you need to access saved variables after calling backward.")


class Node:
    """One recorded operation. `next_edges[i]` is (node, output_nr) for input i, or None."""

    _counter = itertools.count(1)
    # Hooks and retained tensors, per instance once one is added (_own): most nodes never get one.
    pre_hooks: dict = types.MappingProxyType({})  # output_nr -> hooks of that output tensor
    retained: dict = types.MappingProxyType({})   # output_nr -> non-leaf tensor that retains grad
    hooks: list = ()                               # Node.register_hook

    def __init__(self, name: str, next_edges: list, saves: bool = True, n_outputs: int = 1):
        self.seq = next(Node._counter)
        self._name, self.next_edges, self.n_outputs = name, next_edges, n_outputs
        self.saves = saves          # False for ops whose backward needs no saved values
        self.freed = False

    def _own(self, attr: str):
        """This node's own (writable) pre_hooks, retained or hooks."""
        v = self.__dict__.get(attr)
        if v is None:
            v = self.__dict__[attr] = [] if attr == "hooks" else {}
        return v

    def name(self) -> str:
        return self._name

    def __repr__(self):
        return f"<{self._name} object at {hex(id(self))}>"

    @property
    def next_functions(self) -> tuple:
        return tuple((e[0], e[1]) if e else (None, 0) for e in self.next_edges)

    def register_hook(self, fn):
        hooks = self._own("hooks")
        hooks.append(fn)
        return _Handle(hooks, fn)

    def release(self) -> None:
        self.freed = True

    def apply(self, grads: list, create_graph: bool) -> list:
        raise NotImplementedError


class AccumulateGrad(Node):
    """The sink of a leaf tensor: adds incoming gradient into `variable.grad`."""

    def __init__(self, variable):
        super().__init__("torch::autograd::AccumulateGrad", [], saves=False)
        self.variable = variable


def edge_of(t):
    """The graph edge a tensor feeds gradient into: its grad_fn, or its leaf accumulator."""
    if not t.requires_grad:
        return None
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    if t._accumulator is None:
        t._accumulator = AccumulateGrad(t)
    return (t._accumulator, 0)


def _add(a, b):
    return b if a is None else (a if b is None else a + b)


_backward_calls = [0]
_replay = [None]  # the engine's one-call backward: runs a plain tape's whole backward as one program, or says no


def backward_calls() -> int:
    """How many backward passes have run (torchlike.compile tells a training step by it)."""
    return _backward_calls[0]


def install_replay(fn) -> None:
    """Install the engine's one-call backward (once, by torchlike/_engine/replay.py)."""
    assert _replay[0] in (None, fn), "a one-call backward is installed already"
    _replay[0] = fn


def run_backward(roots, grads, retain_graph: bool, create_graph: bool, inputs=None, accumulate=True):
    """Backpropagate `grads` from `roots`. With `inputs`, returns their gradients in order
    (and, unless accumulate, leaves every `.grad` alone: autograd.grad)."""
    _backward_calls[0] += 1
    if _replay[0] is not None and inputs is None and accumulate and not create_graph and \
            _replay[0](roots, grads, retain_graph):
        return []
    from ._tensor import Tensor
    buffers: dict = {}
    for i, (t, g) in enumerate(zip(roots, grads)):
        edge = edge_of(t)
        if edge is None:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        buf = buffers.setdefault(edge[0], {})
        buf[edge[1]] = _add(buf.get(edge[1]), g)
    # Count, for each reachable node, how many edges lead into it (iteratively: any depth).
    deps: dict = {}
    stack = list(buffers)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for e in node.next_edges:
            if e is not None:
                deps[e[0]] = deps.get(e[0], 0) + 1
                if e[0] not in seen:
                    seen.add(e[0])
                    stack.append(e[0])
    capture = {}
    if inputs is not None:
        for k, t in enumerate(inputs):
            if not t.requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            edge = edge_of(t)
            capture.setdefault(edge, []).append(k)
    results = [None] * (len(inputs) if inputs is not None else 0)
    ready = [n for n in buffers if deps.get(n, 0) == 0]
    # Grad mode by plain stores, restored twice: an interrupt must not leave it switched (a `with`
    # block has points where a Ctrl-C lands after the switch and before the block owns it).
    prev, mode = _state.enabled, bool(create_graph)
    try:
        try:
            _state.enabled = mode
            while ready:
                ready.sort(key=lambda n: n.seq)
                node = ready.pop()
                buf = buffers.pop(node, {})
                for nr, hooks in node.pre_hooks.items():
                    for hook in hooks:
                        if buf.get(nr) is not None:
                            new = hook(buf[nr])
                            buf[nr] = new if new is not None else buf[nr]
                for nr, t in node.retained.items():
                    g = buf.get(nr)
                    if g is not None:  # (accumulates over backward passes, as a leaf's does)
                        g = g if create_graph else g.detach()
                        t._grad = g if t._grad is None else t._grad + g
                for nr in range(max(buf) + 1 if buf else 0):
                    for k in capture.get((node, nr), ()):
                        results[k] = buf.get(nr)
                if isinstance(node, AccumulateGrad):
                    if accumulate and (inputs is None or (node, 0) in capture) and buf.get(0) is not None:
                        _accumulate(node.variable, buf[0], create_graph)
                    continue
                if node.freed and node.saves:
                    raise RuntimeError(FREED_MSG)
                in_grads = node.apply([buf.get(i) for i in range(node.n_outputs)], create_graph)
                for hook in node.hooks:
                    hook(in_grads, [buf.get(i) for i in range(node.n_outputs)])
                if not retain_graph:
                    node.release()
                for e, g in zip(node.next_edges, in_grads):
                    if e is None:
                        continue
                    if g is not None:
                        b = buffers.setdefault(e[0], {})
                        b[e[1]] = _add(b.get(e[1]), g)
                    deps[e[0]] -= 1
                    if deps[e[0]] == 0:
                        ready.append(e[0])
        finally:
            _state.enabled = prev
    finally:
        _state.enabled = prev
    assert all(isinstance(r, Tensor) or r is None for r in results)
    return results


def _accumulate(leaf, g, create_graph: bool) -> None:
    for hook in leaf._hooks:
        new = hook(g)
        g = new if new is not None else g
    if not create_graph:
        g = g.detach()
    old = leaf._grad
    if g.is_sparse or (old is not None and old.is_sparse):  # sparse COO (torchlike/sparse): summed out of place
        leaf._grad = g if old is None else (g + old if old.is_sparse and not g.is_sparse else old + g)
    elif leaf.grad is None:
        # .grad gets its own storage (on the same immutable array): accumulating into it later must never
        # write into a gradient the caller still holds, or couple two leaves that received one tensor.
        leaf._grad = g if create_graph else type(g)._wrap(g._data)
    elif create_graph:
        leaf._grad = leaf._grad + g
    else:
        leaf.grad._inplace_set(leaf.grad._data + g._data)
    for hook in leaf._post_accumulate_hooks:
        hook(leaf)
