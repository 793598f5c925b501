"""Kernels and their tape nodes: a jitted jax function of flat arrays, its cached vjps, the
node a call records, and the saved-version checks that refuse a backward through a tensor an
in-place op has since changed (PyTorch's "modified by an inplace operation")."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._autograd import Node, edge_of, is_grad_enabled
from .._tensor import Tensor
from . import cache as _cache, lazy
from .backward import backward_raw, graph_reads, vjp_of
from .grad_name import GradName, backward_name, backward_takes_inputs

kernels_built = [0]  # Kernel objects made so far (each jits its function: see torchlike.utils.debug)


class Kernel:
    """A jax function of flat arrays, its jitted form, and the facts autograd needs about it
    (`rule`: the op's GradName, for its backward's node; None for view and internal kernels)."""

    __slots__ = ("raw", "jit", "grad_name", "saves", "saves_output", "saves_inputs", "bwd", "rule", "__weakref__")

    def __init__(self, raw, grad_name, saves: bool, saves_output: bool = False, saves_inputs: bool = False,
                 rule: GradName | None = None):
        self.raw, self.jit, self.grad_name, self.saves = raw, jax.jit(raw), grad_name, saves
        kernels_built[0] += 1
        self.saves_output, self.saves_inputs, self.rule = saves_output, saves_inputs, rule
        self.bwd = _cache.LRU(_cache.VJPS_PER_KERNEL, "vjp")

    def node_name(self, arrays) -> str:
        """The grad_fn name of a call on these inputs (it may depend on their ranks: matmul is
        MmBackward0, MvBackward0, ...)."""
        g = self.grad_name
        return g if g.__class__ is str else g(*arrays)

    def backward_fn(self, diff: tuple, cts_mask: tuple):
        """Jitted (arrays, cts) -> grads of the inputs at positions `diff`."""
        key = (diff, cts_mask)
        f = self.bwd.get(key)
        if f is None:
            f = self.bwd[key] = jax.jit(vjp_of(self.raw, diff))
        return f

    def backward_kernel(self, diff: tuple, n_arrays: int, cts_mask: tuple) -> "Kernel":
        """The backward as a Kernel of (arrays..., present cts...), for create_graph=True."""
        key = ("kernel", diff, n_arrays, cts_mask)
        k = self.bwd.get(key)
        if k is None:
            no_double = self.rule.no_double() if self.rule is not None and self.rule.no_double else None
            def name(*xs):  # PyTorch's name for the backward of the forward's node on these arrays
                return backward_name(self.node_name(xs[:n_arrays]), self.rule)
            k = self.bwd[key] = Kernel(backward_raw(self.raw, diff, n_arrays, cts_mask, no_double), name, True)
        return k


class OpNode(Node):
    """A node whose backward is a kernel's vjp at the recorded inputs."""

    def __init__(self, k: Kernel, arrays, operands, diff: tuple, n_out: int, name: str | None = None):
        super().__init__(k.node_name(arrays) if name is None else name, [edge_of(operands[i]) for i in diff], k.saves, n_out)
        self.kernel, self.arrays, self.diff = k, arrays, diff
        self.operands = [operands[i] for i in diff]
        self.saved = [(t, t._version) for t in _saved_operands(k, operands, diff)]
        self.saved_outputs = ()  # (tensor, version) for ops whose backward uses their output

    def apply(self, grads, create_graph):
        if self.saves:
            for t, v in list(self.saved) + list(self.saved_outputs):
                if t._version != v:
                    raise RuntimeError(_modified_msg(t, v))
        mask = tuple(g is not None for g in grads)
        arrays = lazy.resolve(self.arrays)
        if not create_graph:
            res = self.kernel.backward_fn(self.diff, mask)(arrays, tuple(g._data if g is not None else None for g in grads))
            return [Tensor._wrap(r) for r in res]
        bk = self.kernel.backward_kernel(self.diff, len(arrays), mask)
        operands = [None] * len(arrays)
        for i, t in zip(self.diff, self.operands):
            operands[i] = t
        present = [g for g in grads if g is not None]
        ins, operands = arrays + [g._data for g in present], operands + present
        if backward_takes_inputs(self.name(), self.kernel.rule):
            return list(run_kernel(bk, ins, operands))
        # A formula's gradient requires grad only through what it is computed from (x * c: grad * c).
        reads = graph_reads(bk, ins)
        used = frozenset().union(*reads)
        out = run_kernel(bk, ins, [t if i in used else None for i, t in enumerate(operands)])
        for g, r in zip(out, reads):
            if g.grad_fn is not None and not any(operands[i] is not None and operands[i]._requires_grad for i in r):
                g._requires_grad, g.grad_fn = False, None
        return list(out)

    def release(self):
        self.freed = True
        if self.saves:  # (a node that saves nothing can run again, as PyTorch allows)
            self.arrays, self.operands, self.saved, self.saved_outputs = None, (), (), ()

    def rebase_versions(self, t) -> None:
        """After an in-place op wrote its result into t. What it saved as self is PyTorch's copy of the
        original self (and this node holds the pre-write arrays anyway): later writes to t do not touch it,
        so it leaves the version checks. Other saved operands that alias t count from t's new version."""
        kept, dropped_self = [], False
        for x, v in self.saved:
            if x is t and not dropped_self:
                dropped_self = True
            else:
                kept.append((x, x._version if x._storage is t._storage else v))
        self.saved = kept
        if self.saved_outputs:  # the output it saved is t itself now (sigmoid_, relu_, ...), at its new version
            out = _SavedOutput(t, self.name())
            self.saved_outputs = [(out, out.expected)]


def _saved_operands(k: Kernel, operands, diff: tuple) -> list:
    """The inputs PyTorch's backward would save, for its "modified by an inplace operation" check.

    Our nodes keep immutable arrays, so gradients are right either way; this only decides when
    to refuse as PyTorch does. Ops that save their output, and scalar forms (x * 2, x / 2), save
    no input; a unary op saves its input; a binary op saves an operand when another requires grad
    (`diff`: the positions of those that do); an op registered with `saves_inputs` saves every tensor
    input whatever the others are.
    """
    if not k.saves or k.saves_output:
        return []
    if k.saves_inputs:  # (y.pow(2), y.clamp(0, 1), atan2(y, c): PyTorch saves y though c is constant)
        return [t for t in operands if t is not None]
    for t in operands:
        if t is None:
            return []
    if len(operands) == 1 or len(diff) > 1:
        return list(operands)
    return [t for i, t in enumerate(operands) if i != diff[0]]


class _SavedOutput:
    """What a node remembers of an output it saved: enough to detect and report a later
    in-place write, without referencing the tensor (which would make a reference cycle)."""

    __slots__ = ("_storage", "_output_nr", "grad_fn_name", "shape", "dtype", "expected")

    def __init__(self, t, name: str):
        self._storage, self._output_nr, self.grad_fn_name = t._storage, t._output_nr, name
        self.shape, self.dtype, self.expected = tuple(t.shape), t.dtype, t._version

    @property
    def _version(self) -> int:
        return self._storage.version - self._storage.hidden


def _modified_msg(t, expected: int) -> str:
    name = t.grad_fn_name if isinstance(t, _SavedOutput) else (t.grad_fn.name() if t.grad_fn is not None else None)
    where = f", which is output {t._output_nr} of {name}," if name else ""
    shape = ", ".join(str(s) for s in t.shape)
    return (f"one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"[torch.{t.dtype.legacy}Tensor [{shape}]]{where} is at version {t._version}; expected version "
            f"{expected} instead. Hint: the backtrace further above can show the operation that failed to compute "
            f"its gradient. The variable in question was changed in there or anywhere later. Good luck!")


def run_kernel(k: Kernel, arrays: list, operands: list):
    """Run a kernel on arrays; wrap outputs; record a node if an operand requires grad."""
    try:
        out = k.jit(*arrays)
    except Exception as e:
        # Our checks raise PyTorch's errors at trace time; JAX's note about hidden frames would
        # be the last line a user (or a script comparing errors) reads, so drop it.
        notes = getattr(e, "__notes__", None)
        if notes:
            e.__notes__ = [n for n in notes if "JAX has removed its internal frames" not in n]
        raise
    if isinstance(out, tuple):  # also the named tuples some kernels return
        outs = [Tensor._wrap(o) for o in out]
        result = tuple(outs)
    else:
        result = Tensor._wrap(out)
        outs = (result,)
    if is_grad_enabled():
        attach_node(k, arrays, operands, outs)
    return result


def attach_node(k: Kernel, arrays, operands, outs, name: str | None = None) -> OpNode | None:
    """Record the tape node of a call whose inputs were `arrays` (the Tensors among them in
    `operands`), if some operand requires grad, and make it the grad_fn of the floating outputs."""
    diff = ()
    for i, t in enumerate(operands):
        if t is not None and t._requires_grad:
            diff += (i,)
    if not diff:
        return None
    float_outs = [t for t in outs if _floating(t._meta.dtype)]
    if not float_outs:
        return None
    node = OpNode(k, arrays, operands, diff, len(float_outs), name)
    for nr, t in enumerate(float_outs):
        t._requires_grad, t.grad_fn, t._output_nr = True, node, nr
    if k.saves_output:
        node.saved_outputs = [(so, so.expected) for so in (_SavedOutput(t, node.name()) for t in float_outs)]
    return node


_BFLOAT16 = np.dtype(jnp.bfloat16)


def _floating(d: np.dtype) -> bool:
    """Whether outputs of this dtype get a grad_fn; a compiled forward may return a uint32 RNG key."""
    return d.kind in "fc" or d == _BFLOAT16


# Fast-key stand-ins for a Python scalar that becomes a kernel input (its value is not part of the key).
