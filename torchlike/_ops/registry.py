"""The @op decorator: one jax function becomes torch.fn, Tensor.method, Tensor.method_ and out=.

An operator is a jax function whose tensor parameters are annotated with a kind:

    @op(promote="same")
    def add(input: TS, other: TS, *, alpha=1):
        return input + alpha * other

`T` is a tensor, `TS` a tensor or Python scalar (a "wrapped number" in promotion), `TO` an
optional tensor, `TL` a sequence of tensors; `N` a Python number used only arithmetically (an
alpha, a slope, a probability): a float given there is a traced, weakly typed kernel input, so a
new value never compiles a new kernel (ints, bools and None stay static); everything else is a
static argument. Kernels and fast-path entries hold a scalar's Python type, not its value
(`_scalars.py`). A call binds PyTorch's signature, promotes operands with PyTorch's table, runs
a kernel `jax.jit`-compiled once per (op, static arguments, structure), wraps the outputs, and
records a node on the tape whose backward is the kernel's cached, jitted `jax.vjp`.
"""
from __future__ import annotations

import inspect
import math
import numbers
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._autograd import Node, edge_of, is_grad_enabled
from .._tensor import Tensor, no_trace
from .. import _cache, _program_budget
from . import lazy, placement
from ._scalars import _call_scalars, _weak, scalar_array, scalar_input  # noqa: F401 (scalar_array: re-exported)
from ._backward import backward_raw, graph_reads, vjp_of
from ._grad_name import GradName, backward_name, backward_takes_inputs

T, TS, TO, TL, N = "T", "TS", "TO", "TL", "N"
# Ops PyTorch's argument parser lets take Python numbers for all their tensor operands (torch.add(2, 3));
# any other op needs at least one tensor (torch.pow(2, 3) is a TypeError).
NUMBERS_AS_TENSORS = frozenset({"add", "sub", "mul", "div", "_div_rounding", "floor_divide", "true_divide"})
KINDS = (T, TS, TO, TL)
OPS: dict[str, "Op"] = {}
kernels_built = [0]  # Kernel objects made so far (each jits its function: see torchlike.utils.debug)

# Set by torchlike.amp while an autocast region is active: (op, bound arguments) -> bound arguments,
# with floating tensors cast as autocast's op lists say. None costs one global read per call.
autocast_hook = None


class SparseArgument(NotImplementedError):
    """A sparse COO tensor's dense array was asked for: the op goes to `sparse_hook` (torchlike/sparse)."""


sparse_hook = None  # set by torchlike.sparse: (op, args, kwargs) -> result, for an op given a sparse tensor


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
_TYPED = {float: "<float>", int: "<int>", bool: "<bool>"}


def _fast_key(args, kwargs, metas, shapes, free_pos=(), free_kw=None):
    """The fast-path key of a call: each positional tensor's dtype and 0-d-ness, each other argument's type and
    value (floats by their bits: -0.0 and 0.0 differ); None when an argument is anything else. A scalar the
    kernel takes as an input (`free_pos`/`free_kw`: "TS" for any Python scalar, "N" for floats) counts by its
    type alone. Fills `metas`, parallel to args, with each tensor's array or pending node (lazy.py), and
    `shapes` with the tensors' shapes, so the call need not read them again."""
    key = []
    nfree = len(free_pos)
    for i, a in enumerate(args):
        t = a.__class__
        if i < nfree and free_pos[i] is not None and (t is float or free_pos[i] == TS and (t is int or t is bool)):
            key.append(_TYPED[t])
            metas.append(None)
        elif t is int or t is bool or t is str or a is None:
            key.append((t, a))
            metas.append(None)
        elif t is float:
            key.append(a.hex())
            metas.append(None)
        elif t is Tensor or isinstance(a, Tensor):  # promotion ranks 0-d tensors below the others: keyed too
            d = a._meta
            av = d if d.__class__ is lazy.Pending else d.aval
            metas.append(d)
            shapes.append(av.shape)
            key.append(av.dtype if av.shape else (av.dtype,))
        elif (t is tuple or t is list) and _all_ints(a):  # shapes, dims
            key.append((t, *a))
            metas.append(None)
        else:
            return None
    for n, a in kwargs.items():
        t = a.__class__
        f = free_kw.get(n) if free_kw else None
        if f is not None and (t is float or f == TS and (t is int or t is bool)):
            key.append((n, _TYPED[t]))
        elif t is int or t is bool or t is str or a is None:
            key.append((n, t, a))
        elif t is float:
            key.append((n, a.hex()))
        elif (t is tuple or t is list) and _all_ints(a):
            key.append((n, t, *a))
        else:
            return None
    return tuple(key)


def _all_ints(seq) -> bool:
    for v in seq:
        if v.__class__ is not int:
            return False
    return True


def clear_fast_paths() -> None:
    """Forget every fast-path entry (the default dtype changed: kernels chosen under the old one)."""
    for o in OPS.values():
        o.fast.clear()


def _freeze(v):
    """A hashable stand-in for a static argument (lists, slices, dicts). Bools and floats are
    tagged: False == 0 and 1.0 == 1 in Python, but `var(x, False)` and `var(x, 0)` differ."""
    if isinstance(v, (list, tuple)):
        return (type(v).__name__,) + tuple(_freeze(x) for x in v)
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, float):
        return ("float", v) if v == v else ("nan",)
    if isinstance(v, slice):
        return ("slice", _freeze(v.start), _freeze(v.stop), _freeze(v.step))
    if isinstance(v, dict):
        return ("dict",) + tuple((k, _freeze(x)) for k, x in v.items())
    return v


def traced(v) -> bool:
    """Whether an `N` parameter holds a traced number (a float) rather than a static value: code
    that would branch on the value must not (or must keep the branch for static values only)."""
    return isinstance(v, jax.Array)


def _is_scalar(v) -> bool:
    return isinstance(v, numbers.Number) and not isinstance(v, np.ndarray)


class Op:
    """A registered operator: callable as the torch function."""

    def __init__(self, fn, name, promote, varargs, grad_name, linear, saves_output, view, differentiable,
                 saves_inputs=False):
        self.fn, self.name, self.promote, self.varargs, self.view = fn, name, promote, varargs, view
        self.grad_name = GradName.of(grad_name, name)
        self.saves = not linear
        self.saves_output, self.saves_inputs = saves_output, saves_inputs
        self.differentiable = differentiable
        self.eager_forward = None  # f(**static) -> run the forward op by op in JAX, not jitted (indexing.py)
        sig = inspect.signature(fn)
        self.pos_names, self.names, self.defaults, self.required = [], set(), {}, []
        self.tensor_params, self.static_names, number_params = [], [], []
        for p in sig.parameters.values():
            self.names.add(p.name)
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                self.pos_names.append(p.name)
            if p.default is p.empty:
                self.required.append(p.name)
            else:
                self.defaults[p.name] = p.default
            if p.annotation in KINDS:
                self.tensor_params.append((p.name, p.annotation))
            else:
                self.static_names.append(p.name)
                if p.annotation == N:
                    number_params.append(p.name)
        self.kernels = _cache.LRU(_cache.KERNELS_PER_OP, "kernels")
        # Fast path: a call whose tensors are positional and whose other arguments are plain
        # scalars, strings or None is keyed by the tensors' dtypes and those values (_fast_key). The
        # first such call goes the full way and leaves (kernel, where each kernel input comes from,
        # view source) here; later ones skip binding, promotion and the kernel key.
        self.fast = _cache.LRU(_cache.FAST_PER_OP, "fast_path")
        self.pos_index = {n: i for i, n in enumerate(self.pos_names)}
        self._set_numbers(tuple(number_params))
        self.__name__ = self.__qualname__ = name
        self.__doc__ = f"Mirrors `torch.{name}`."

    def __repr__(self):
        return f"<torchlike op {self.name}>"

    def _set_numbers(self, names: tuple) -> None:
        """Which static parameters take a float as a traced kernel input, and so which call
        positions and keywords the fast key counts by type alone (positions only without varargs)."""
        self.numbers = names
        kinds = dict(self.tensor_params)
        free = {n: TS if kinds.get(n) == TS else N for n in self.names if kinds.get(n) == TS or n in names}
        self.free_kw = free
        self.free_pos = () if self.varargs is not None else tuple(free.get(n) for n in self.pos_names)
        self.fast.clear()

    def bind(self, args, kwargs) -> dict:
        vals = dict(self.defaults)
        npos = len(self.pos_names)
        if self.varargs is not None:
            vi = self.pos_names.index(self.varargs)
            if len(args) > vi:
                rest = args[vi:]
                if len(rest) == 1 and (isinstance(rest[0], (tuple, list)) or rest[0] is None):
                    rest = rest[0]
                args = tuple(args[:vi]) + (tuple(rest) if rest is not None else None,)
        if len(args) > npos:
            raise TypeError(f"{self.name}() takes {npos} positional arguments but {len(args)} were given")
        for n, v in zip(self.pos_names, args):
            vals[n] = v
        for k, v in kwargs.items():
            if k not in self.names:
                raise TypeError(f"{self.name}() got an unexpected keyword argument '{k}'")
            if self.varargs == k and isinstance(v, list):
                v = tuple(v)
            vals[k] = v
        if len(vals) < len(self.names):
            missing = [n for n in self.required if n not in vals]
            raise TypeError(f"{self.name}() missing required argument '{missing[0]}'")
        return vals

    def __call__(self, *args, **kwargs):
        if _program_budget.pending:
            _program_budget.relieve()
        if placement.checks_on:
            placement.check_same_device(args, kwargs)
        if autocast_hook is None:
            metas, shapes = [], []
            try:
                key = _fast_key(args, kwargs, metas, shapes, self.free_pos, self.free_kw)
            except SparseArgument:  # (a sparse COO tensor among the arguments: the full path hands it over)
                return self._call(args, kwargs, None)
            if key is not None:
                entry = self.fast.get(key)
                if entry is None:
                    return self._call(args, kwargs, key)
                k, sources, view_src, sites, scalars = entry
                ins = sources
                if scalars is not None:  # (number inputs, whether some come from this call's arguments)
                    if scalars[1]:
                        sources = _call_scalars(sources, args, kwargs)
                    ins = sources[:scalars[0]]  # (trailing number inputs are no operands)
                operands = ([args[j] if j.__class__ is int else None for j in ins] if self.differentiable
                            else [None] * len(ins))
                if sites is not None and lazy.enabled:
                    result = lazy.record(k, args, sources, metas, shapes, sites)
                    if result is not None:
                        p = result._storage.pending
                        if is_grad_enabled() and attach_node(k, p.inputs, operands, (result,),
                                                             p.site.node_name(k, p.inputs)):
                            lazy.saving(p.inputs)
                        if view_src is not None:  # (its pending value becomes the view's cache)
                            result._make_view_of(args[view_src], k)
                            p.owner = weakref.ref(result)
                        return result
                arrays = [args[j]._data if j.__class__ is int else j[0] for j in sources]
                try:
                    result = run_kernel(k, arrays, operands)
                except Exception:
                    return self._call(args, kwargs, None)  # raises as the full path does
                if sites is not None:
                    lazy.learn(sites, shapes, result)
                if view_src is not None:
                    result._make_view_of(args[view_src], k)
                return result
        return self._call(args, kwargs, None)

    def _call(self, args, kwargs, fast_key):
        try:
            return self._full_call(args, kwargs, fast_key)
        except SparseArgument:  # (raised where a tensor's array is first read, before anything else happens)
            if sparse_hook is None:
                raise
            return sparse_hook(self, args, kwargs)

    def _full_call(self, args, kwargs, fast_key):
        vals = self.bind(args, kwargs)
        if autocast_hook is not None:
            vals = autocast_hook(self, vals)
        out = vals.pop("out", None) if "out" in self.names else None
        arrays, operands, struct, promo = [], [], [], []
        sources = [] if fast_key is not None else None  # per kernel input: its position in args, or a constant
        for name, kind in self.tensor_params:
            v = vals[name]
            if isinstance(v, Tensor) and kind != TL:
                arrays.append(v._data)
                operands.append(v)
                struct.append(1)
                promo.append(v)
                if sources is not None:
                    sources.append(self.pos_index[name])
            elif kind == TL:
                sources = None
                if not isinstance(v, (list, tuple)):
                    raise TypeError(f"{self.name}(): argument '{name}' (position {self.pos_index.get(name, 0) + 1}) "
                                    f"must be tuple of Tensors, not {type(v).__name__}")
                for i, t in enumerate(v):
                    if not isinstance(t, Tensor):
                        raise TypeError(f"expected Tensor as element {i} in argument {self.pos_index.get(name, 0)}, "
                                        f"but got {type(t).__name__}")
                arrays.extend(t._data for t in v)
                operands.extend(v)
                promo.extend(v)
                struct.append(("L", len(v)))
            elif v is None and kind in (TO, TS) and name not in self.required:
                struct.append(None)
            elif kind == TS and _is_scalar(v):
                arrays.append(v)
                operands.append(None)
                struct.append("s")
                promo.append(v)
                if sources is not None:
                    sources.append((name, None))
            else:
                pos = [n for n, _ in self.tensor_params].index(name) + 1
                raise TypeError(f"{self.name}(): argument '{name}' (position {pos}) must be Tensor, "
                                f"not {type(v).__name__}")
        if "s" in struct and all(t is None for t in operands) and self.name not in NUMBERS_AS_TENSORS:
            raise TypeError(self._no_tensor_msg(args, kwargs))
        if out is not None:
            check_out_overlap(self.name, out, operands)
        compute = None
        if self.promote is not None and promo:
            compute = D.result_dtype(promo)
            if self.promote == "float" and compute.category < D.FLOAT:
                compute = D.get_default_dtype()
            elif self.promote == "int_to_float" and compute.category < D.FLOAT:
                compute = D.get_default_dtype()
        if compute is not None or "s" in struct:
            cd = compute
            for i, a in enumerate(arrays):
                if operands[i] is None:
                    arrays[i] = scalar_array(a, cd if cd is not None else D.scalar_dtype(a))
        static = {n: vals[n] for n in self.static_names if n != "out"}
        names_static = static
        numbers_in = ()
        if self.numbers:  # floats for N parameters: kernel inputs after the operands
            numbers_in = tuple(n for n in self.numbers if static[n].__class__ is float)
            if numbers_in:
                static = dict(static)
                for n in numbers_in:
                    arrays.append(scalar_input(static.pop(n), None))
                    if sources is not None:
                        sources.append((n, N))
        key = (tuple(struct), compute, _freeze(tuple(static.values())), numbers_in)
        k = self.kernels.get(key)
        if k is None:
            given = {n: "s" if s == "s" else "t" for (n, _), s in zip(self.tensor_params, struct) if s is not None}
            gname = self.grad_name.for_kernel(names_static, given)
            k = self.kernels[key] = Kernel(self._raw(struct, static, compute, numbers_in), gname, self.saves,
                                           self.saves_output, self.saves_inputs, self.grad_name)
            if self.eager_forward is not None and self.eager_forward(**static):
                k.jit = k.raw
        if sources is not None and sum(j.__class__ is int for j in sources) == sum(isinstance(a, Tensor) for a in args):
            # (every tensor argument is a kernel input: one given for a static parameter is baked into
            # the kernel, which the fast key, holding only its dtype, could not tell apart)
            view_src = self.pos_index.get(self.tensor_params[0][0]) if self.view else None
            srcs, scalars = self._entry_sources(sources, arrays, args, kwargs)
            self.fast[fast_key] = (k, srcs, view_src, {}, scalars)
        if not self.differentiable:
            operands = [None] * len(operands)
        try:
            result = run_kernel(k, arrays, operands)
        except (TypeError, ValueError) as e:
            if numbers_in and isinstance(e, jax.errors.JAXTypeError):
                # The op branches on the number's value: it stays a static (baked-in) argument.
                self.kernels.pop(key, None)
                self._set_numbers(tuple(n for n in self.numbers if n not in numbers_in))
                return self._call(args, kwargs, None)
            if self.promote is not None:
                check_broadcast([t.shape for t in promo if isinstance(t, Tensor)])
            raise
        if self.view:
            src = vals[self.tensor_params[0][0]]
            result._make_view_of(src, k)
        if out is not None:
            check_out_dtype(self.name, out, result, operands)
            check_resized_out_overlap(self.name, out, result, operands)
            return _write_out(out, result)
        return result

    def _no_tensor_msg(self, args, kwargs) -> str:
        """PyTorch's refusal of a call that gives Python numbers for every tensor operand."""
        got = [type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()]
        params = ", ".join(f"Tensor {n}" for n, _ in self.tensor_params)
        return (f"{self.name}() received an invalid combination of arguments - got ({', '.join(got)}), "
                f"but expected one of:\n * ({params})")

    def _entry_sources(self, sources, arrays, args, kwargs):
        """A fast entry's kernel inputs: an argument position (a tensor), `(constant,)` (a scalar
        the call did not give: a default), or `(position or keyword, dtype)` (a Python scalar of
        the call, converted at each call). Also (number of operand inputs, whether some are per
        call), or None when every input is a tensor."""
        out, n_ops, per_call = [], 0, False
        for j, a in zip(sources, arrays):
            if j.__class__ is int:
                out.append(j)
                n_ops += 1
                continue
            name, kind = j
            n_ops += kind is None
            d = None if kind == N else D.from_numpy_dtype(a.dtype)  # (a: the scalar as this call converted it)
            where = name if name in kwargs else self.pos_index.get(name)
            if where is None or where.__class__ is int and where >= len(args):
                out.append((scalar_input(self.defaults[name], d),))
            else:
                out.append((where, d))
                per_call = True
        has_scalars = per_call or n_ops < len(out)
        return out, ((n_ops, per_call) if has_scalars else None)

    def _raw(self, struct, static, compute, number_names=()):
        fn, params = self.fn, self.tensor_params
        cast = compute.np if compute is not None and self.promote != "int_to_float" else None

        def raw(*arrays):
            kw = dict(static)
            i = 0
            for (name, _), s in zip(params, struct):
                if s is None:
                    kw[name] = None
                elif isinstance(s, tuple):
                    kw[name] = [_cast(a, cast) for a in arrays[i:i + s[1]]]
                    i += s[1]
                else:
                    kw[name] = _cast(arrays[i], cast)
                    i += 1
            for name, a in zip(number_names, arrays[i:]):  # (weakly typed: no cast)
                kw[name] = _weak(a)
            return fn(**kw)
        return raw


def check_broadcast(shapes) -> None:
    """PyTorch's error for operand shapes that don't broadcast: sizes compared from the right, each
    operand against the broadcast of those before it, the dimension numbered in the result."""
    acc: tuple = ()
    for s in shapes:
        n = max(len(acc), len(s))
        a, b = (1,) * (n - len(acc)) + tuple(acc), (1,) * (n - len(s)) + tuple(s)
        for i in range(n - 1, -1, -1):
            if a[i] != b[i] and a[i] != 1 and b[i] != 1:
                raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at "
                                   f"non-singleton dimension {i}") from None
        acc = tuple(y if x == 1 else x for x, y in zip(a, b))


def _cast(a, npdtype):
    return a if npdtype is None or a.dtype == npdtype else a.astype(npdtype)


# Ops whose out= PyTorch checks against their inputs: "any" refuses an out sharing memory with an input
# (assert_no_overlap), "partial" only one overlapping it without being it (assert_no_partial_overlap).
OUT_OVERLAP = {
    "cat": "any", "stack": "any", "index_select": "any", "gather": "any", "masked_select": "any", "take": "any",
    "kthvalue": "any", "kron": "any", "outer": "any", "sort": "partial",
}
_INTERNAL_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single "
                     "memory location. Please clone() the tensor before performing the operation.")
_INPUT_OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
                  "single memory location. Please clone() the tensor before performing the operation.")


def check_out_overlap(name: str, out, inputs) -> None:
    """PyTorch's memory-overlap checks of an out= argument: an out whose elements alias each other (an
    expanded view) is refused by every op, one aliasing an input by those OUT_OVERLAP names."""
    rule = OUT_OVERLAP.get(name)
    for o in out if isinstance(out, (tuple, list)) else (out,):
        if not isinstance(o, Tensor):
            continue
        if o._chain is not None and o.numel() > 1:
            strides, _ = _layout(o)
            if any(st == 0 and n > 1 for st, n in zip(strides, o.shape)):
                raise RuntimeError(_INTERNAL_OVERLAP)
        if rule is not None:
            for t in inputs:
                status = _overlap(o, t) if t is not None else None
                if status == "partial" or status == "full" and rule == "any":
                    raise RuntimeError(_INPUT_OVERLAP)


# Ops whose out= PyTorch does not cast into: "exact" needs the result's dtype, "input" the input's.
OUT_DTYPE = {"aminmax": "exact", "sort": "exact", "argmax": "exact", "argmin": "exact", "mm": "exact",
             "tril": "exact", "triu": "exact", "gather": "exact", "amax": "input", "amin": "input"}
# PyTorch's C++ names of dtypes, as its messages print them.
C_NAMES = {"Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char", "Byte": "unsigned char",
           "Float": "float", "Double": "double", "Half": "c10::Half", "BFloat16": "c10::BFloat16", "Bool": "bool",
           "ComplexFloat": "c10::complex<float>", "ComplexDouble": "c10::complex<double>"}


def check_out_dtype(name: str, out, result, inputs) -> None:
    rule = OUT_DTYPE.get(name)
    if rule is None:
        return
    pairs = zip(out, result) if isinstance(result, tuple) else ((out, result),)
    for o, r in pairs:
        if rule == "input" and inputs and inputs[0] is not None and o.dtype != inputs[0].dtype:
            raise RuntimeError(f"Expected the dtype for input and out to match, but got {inputs[0].dtype.legacy} "
                               f"for input's dtype and {o.dtype.legacy} for out's dtype.")
        if rule == "exact" and o.dtype != r.dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {C_NAMES.get(r.dtype.legacy, r.dtype.legacy)}, "
                               f"but got {C_NAMES.get(o.dtype.legacy, o.dtype.legacy)} instead")


def _layout(t):
    """(strides, storage offset) of t over its base's storage."""
    if t._chain is None:
        from .shape import _contiguous_strides
        return _contiguous_strides(t.shape), 0
    from .shape import strides_of
    return strides_of(t)


def _dense(shape, strides) -> bool:
    """PyTorch's is_non_overlapping_and_dense: some order of the dims lays them out row-major."""
    expected = 1
    for st, n in sorted((st, n) for st, n in zip(strides, shape) if n != 1):
        if st != expected:
            return False
        expected *= n
    return True


def check_resized_out_overlap(name: str, out, result, inputs) -> None:
    """PyTorch resizes an out= of another shape before its overlap checks: an out view that grows
    into an input's memory is refused although it did not overlap it as given."""
    rule = OUT_OVERLAP.get(name)
    if rule is None or not isinstance(out, Tensor) or isinstance(result, tuple) or out._chain is None:
        return
    if tuple(out.shape) == tuple(result.shape):
        return
    from .shape import _contiguous_strides
    grown = (result.shape, (_contiguous_strides(result.shape), _layout(out)[1]))
    for t in inputs:
        status = _overlap(out, t, grown) if t is not None else None
        if status == "partial" or status == "full" and rule == "any":
            raise RuntimeError(_INPUT_OVERLAP)


def _overlap(a, b, a_as=None):
    """PyTorch's get_overlap_status of two tensors: "full", "partial", or None (none, or too hard to tell).
    a_as: (shape, (strides, offset)) to use for a instead of its own."""
    if a is b and a_as is None:
        return "full"
    shape_a, (sa, oa) = a_as if a_as is not None else (a.shape, _layout(a))
    numel_a = math.prod(shape_a)
    if a._storage is not b._storage or numel_a == 0 or b.numel() == 0:
        return None
    sb, ob = _layout(b)
    if not _dense(shape_a, sa) or not _dense(b.shape, sb):
        return None
    ea, eb = oa + numel_a, ob + b.numel()
    if oa == ob and ea == eb:
        return "full" if tuple(sa) == tuple(sb) else "partial"
    return "partial" if oa < eb and ob < ea else None


def _write_out(out, result):
    """Copy a result into a user-given out= tensor (resizing it as PyTorch does)."""
    if isinstance(result, tuple):
        for o, r in zip(out, result):
            _write_out(o, r)
        return out
    if not D.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {result.dtype.legacy} can't be cast to the desired output type {out.dtype.legacy}")
    if out.requires_grad and is_grad_enabled():
        raise RuntimeError("out=... arguments don't support automatic differentiation, but one of the arguments "
                           "requires grad.")
    out._replace_data(result._data.astype(out.dtype.np))
    return out


def op(name: str | None = None, *, promote=None, varargs=None, method=True, inplace=False, function=True,
       grad_name=None, linear=False, saves_output=False, saves_inputs=False, view=False, differentiable=True,
       aliases=()):
    """Register a jax function as a torch operator (see the module docstring). `saves_inputs`: PyTorch's
    backward keeps every tensor input even where another operand is a constant (for its in-place checks)."""
    def register(fn):
        o = Op(fn, name or fn.__name__, promote, varargs, grad_name, linear, saves_output, view, differentiable,
               saves_inputs)
        o.method, o.inplace, o.function, o.aliases = method, inplace, function, aliases
        OPS[o.name] = o
        return o
    return register
