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
(`scalars.py`). A call binds PyTorch's signature, promotes operands with PyTorch's table, runs
a kernel `jax.jit`-compiled once per (op, static arguments, structure), wraps the outputs, and
records a node on the tape whose backward is the kernel's cached, jitted `jax.vjp`.
"""
from __future__ import annotations

import inspect
import numbers
import weakref
from typing import NamedTuple

import jax
import numpy as np

from .. import _dtype as D
from .. import _program_budget, _state
from .._autograd import is_grad_enabled
from .._tensor import Tensor
from . import cache as _cache, lazy, placement
from .grad_name import GradName
from .kernel import Kernel, attach_node, run_kernel
from .out import check_out_dtype, check_out_overlap, check_resized_out_overlap, _write_out
from .scalars import _call_scalars, _weak, scalar_array, scalar_input

T, TS, TO, TL, N = "T", "TS", "TO", "TL", "N"
# Ops PyTorch's argument parser lets take Python numbers for all their tensor operands (torch.add(2, 3));
# any other op needs at least one tensor (torch.pow(2, 3) is a TypeError).
NUMBERS_AS_TENSORS = frozenset({"add", "sub", "mul", "div", "_div_rounding", "floor_divide", "true_divide"})
KINDS = (T, TS, TO, TL)
OPS: dict[str, "Op"] = {}

class SparseArgument(NotImplementedError):
    """A sparse COO tensor's dense array was asked for: the op goes to `sparse_hook` (torchlike/sparse)."""


sparse_hook = None  # set by torchlike.sparse: (op, args, kwargs) -> result, for an op given a sparse tensor


class Plan(NamedTuple):
    """A fast-path entry: how a call of a known form runs, without binding or promotion.

    - kernel: the Kernel to run;
    - sources: per kernel input, an argument position (a tensor), `(constant,)` (a scalar the call
      did not give) or `(position or keyword, dtype)` (a Python scalar of the call, converted per call);
    - view_src: the argument position whose view the result is (view ops), else None;
    - sites: the deferral sites learned per input shapes (lazy.py);
    - scalars: (number of operand inputs, whether some come from the call), or None when every
      input is a tensor argument."""
    kernel: Kernel
    sources: list
    view_src: int | None
    sites: dict
    scalars: tuple | None


# Exceptions a kernel may raise on a call's values (JAX's shape and type errors, PyTorch's errors raised
# at trace time): on the fast path they send the call down the full path, which raises PyTorch's error.
_CALL_ERRORS = (TypeError, ValueError, RuntimeError, IndexError, NotImplementedError, OverflowError,
                ZeroDivisionError)


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


D.on_default_dtype_change(clear_fast_paths)


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
        self.check = None  # check(bound arguments) before each call: PyTorch's value checks (set_check)
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
        # first such call goes the full way and leaves a Plan here; later ones skip binding, promotion
        # and the kernel key.
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

    def set_check(self, check) -> "Op":
        """Run check(bound arguments) before every call, for PyTorch errors that depend on values or on
        dtypes that promotion hides; check may return another op to call instead (a separate overload)."""
        if self.check is not None:
            raise RuntimeError(f"{self.name} has a check already")
        self.check = check
        return self

    def __call__(self, *args, **kwargs):
        if _program_budget.pending:
            _program_budget.relieve()
        if self.check is not None:
            alt = self.check(self.bind(args, kwargs))
            if alt is not None:
                return alt(*args, **kwargs)
        if placement.checks_on:
            placement.check_same_device(args, kwargs)
        if not _state.active or _state.modes.autocast is None:  # (an autocast region casts in the full path)
            metas, shapes = [], []
            try:
                key = _fast_key(args, kwargs, metas, shapes, self.free_pos, self.free_kw)
            except SparseArgument:  # (a sparse COO tensor among the arguments: the full path hands it over)
                return self._call(args, kwargs, None)
            if key is not None:
                entry = self.fast.get(key)
                if entry is None:
                    return self._call(args, kwargs, key)
                k, sources, view_src, sites, scalars = entry  # (a Plan)
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
                except _CALL_ERRORS:
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
        if _state.active and _state.modes.autocast is not None:
            vals = _state.modes.autocast(self, vals)
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
            self.fast[fast_key] = Plan(k, srcs, view_src, {}, scalars)
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
