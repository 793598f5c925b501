"""torch.library: Python custom operators. Mirrors `torch.library.custom_op` and its registrations.

`custom_op("ns::name", mutates_args=...)` turns a type-annotated Python function on Tensors into
an operator: calling it runs the function below autograd (its body is not recorded), and
`register_autograd(backward, setup_context=...)` makes autograd use the given backward, as
PyTorch's does. Without one, backward through the operator raises, as in PyTorch.
`register_fake` keeps the fake (shape-only) implementation, which only tracing compilers use;
`register_kernel` adds a per-device implementation. Operators defined from schema strings
(`define`, `Library.define`) are not supported: there is no dispatcher schema parser here.
"""
from __future__ import annotations

import inspect
import re

from . import _autograd
from ._tensor import Tensor
from .autograd.function import Function

__all__ = ["CustomOpDef", "Library", "custom_op", "define", "get_ctx", "impl", "register_autograd",
           "register_fake", "register_kernel"]

_OPS: dict = {}  # "ns::name" -> CustomOpDef


def _split_name(name: str):
    ns, op = name.split("::")  # PyTorch's own check: a name without '::' fails to unpack (ValueError)
    return ns, op


def _check_annotations(fn) -> inspect.Signature:
    sig = inspect.signature(fn)
    for p in sig.parameters.values():
        if p.annotation is inspect.Parameter.empty:
            raise ValueError(f"infer_schema(func): Parameter {p.name} must have a type annotation. "
                             f"Got func with signature {sig})")
    return sig


_SCHEMA = re.compile(r"^\((.*)\)\s*->\s*(.+)$")


def _check_schema(fn, schema: str) -> inspect.Signature:
    """A schema string given for fn: its parameters must be fn's, in order. The types it states are not
    checked (calls go to fn as they are); a schema with aliasing or mutation annotations is refused."""
    m = _SCHEMA.match(schema.strip())
    if m is None or "!" in schema or "(a" in schema:
        raise NotImplementedError(f"torch.library.custom_op(schema={schema!r}): only plain schemas "
                                  "'(Type name, ...) -> Type' are supported by torchlike")
    names = [a.strip().split()[-1].split("=")[0] for a in m.group(1).split(",") if a.strip() and a.strip() != "*"]
    sig = inspect.signature(fn)
    if names != list(sig.parameters):
        raise ValueError(f"custom_op: the schema's arguments {names} do not match the function's "
                         f"parameters {list(sig.parameters)}")
    return sig


def _device_type(args) -> str:
    for a in args:
        if isinstance(a, Tensor):
            return a.device.type
        if isinstance(a, (list, tuple)):
            for b in a:
                if isinstance(b, Tensor):
                    return b.device.type
    return "cpu"


def _check_no_alias(name, fn, inputs, out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    flat_in = [t for a in inputs for t in (a if isinstance(a, (list, tuple)) else (a,)) if isinstance(t, Tensor)]
    for o in outs:
        if isinstance(o, Tensor) and any(o is t or o._storage is t._storage for t in flat_in):
            raise RuntimeError(f"{name} (with implementation in {fn.__module__!r}): The output of this custom "
                               "operator (1) must not also be an input to this custom operator and (2) may not alias "
                               "any inputs to this custom operator or other returns. The most common way to trigger "
                               "this error is if we have y = custom_op(x) and y and x are the same Tensor. Please "
                               "instead return a clone of the offending output tensor(s) (e.g. return x.clone()) or "
                               "refactor the custom operator to not return y.")


class CustomOpDef:
    """Mirrors `torch._library.custom_ops.CustomOpDef`: the operator `custom_op` returns."""

    def __init__(self, namespace: str, name: str, fn, mutates_args, device_types, schema=None):
        self._namespace, self._name, self._init_fn = namespace, name, fn
        self._signature = _check_annotations(fn) if schema is None else _check_schema(fn, schema)
        self._mutates_args = mutates_args
        self._kernels: dict = {}
        if device_types is not None:
            for d in ([device_types] if isinstance(device_types, str) else device_types):
                self._kernels[d] = fn
        self._abstract_fn = None
        self._backward_fn = None
        self._setup_context_fn = None
        self.__name__ = name
        self.__doc__ = fn.__doc__

    def __repr__(self):
        return f"<CustomOpDef({self._namespace}::{self._name})>"

    @property
    def _qualname(self) -> str:
        return f"{self._namespace}::{self._name}"

    def _bind(self, args, kwargs) -> tuple:
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as e:
            raise RuntimeError(f"{self._qualname}() {e}") from None
        bound.apply_defaults()
        return tuple(bound.arguments.values())

    def _kernel(self, inputs):
        return self._kernels.get(_device_type(inputs), self._kernels.get(None, self._init_fn))

    def _run(self, inputs):
        """The implementation, run below autograd as PyTorch's dispatcher does."""
        with _autograd.no_grad():
            out = _call(self._kernel(inputs), self._positional(inputs))
        _check_no_alias(self._name, self._init_fn, inputs, out)
        return out

    def _positional(self, inputs):
        """Calls the user's function with keyword-only parameters passed by name."""
        params = list(self._signature.parameters.values())
        pos = [v for p, v in zip(params, inputs) if p.kind is not p.KEYWORD_ONLY]
        return pos if len(pos) == len(inputs) else _KwCall(pos, {p.name: v for p, v in zip(params, inputs)
                                                                  if p.kind is p.KEYWORD_ONLY})

    def __call__(self, *args, **kwargs):
        inputs = self._bind(args, kwargs)
        needs_grad = _autograd.is_grad_enabled() and any(
            isinstance(t, Tensor) and t.requires_grad
            for a in inputs for t in (a if isinstance(a, (list, tuple)) else (a,)))
        if not needs_grad:
            return self._run(inputs)
        return _autograd_function(self).apply(*inputs)

    def register_fake(self, fn=None, /):
        """Mirrors `CustomOpDef.register_fake`: the shape-only implementation (kept for compilers; eager
        calls run the real one)."""
        def register(f):
            self._abstract_fn = f
            return f
        return register if fn is None else register(fn)

    def register_kernel(self, device_types, fn=None, /):
        """Mirrors `CustomOpDef.register_kernel`: `fn` runs for inputs on those device types."""
        def register(f):
            for d in ([device_types] if isinstance(device_types, str) or device_types is None else device_types):
                self._kernels[d] = f
            return f
        return register if fn is None else register(fn)

    def register_autograd(self, backward, /, *, setup_context=None):
        """Mirrors `CustomOpDef.register_autograd`: `setup_context(ctx, inputs, output)` saves what
        `backward(ctx, *grads)` needs; backward returns one gradient (or None) per input."""
        self._backward_fn, self._setup_context_fn = backward, setup_context


class _KwCall(list):
    """Positional values plus keyword-only ones, for calling the user's function."""

    def __init__(self, pos, kw):
        super().__init__(pos)
        self.kw = kw


def _call(fn, args):
    return fn(*args, **args.kw) if isinstance(args, _KwCall) else fn(*args)


def _autograd_function(op: CustomOpDef):
    """An autograd.Function for one call: forward runs the implementation, backward the user's."""

    class _CustomOpFunction(Function):
        @staticmethod
        def forward(ctx, *inputs):
            with _autograd.no_grad():
                out = _call(op._kernel(inputs), op._positional(inputs))
            _check_no_alias(op._name, op._init_fn, inputs, out)
            if op._setup_context_fn is not None:
                op._setup_context_fn(ctx, inputs, out)
            return tuple(out) if isinstance(out, list) else out

        @staticmethod
        def backward(ctx, *grads):
            if op._backward_fn is None:
                raise RuntimeError(f"Trying to backward through {op._namespace}.{op._name}.default but no "
                                   "autograd formula was registered. Please use register_autograd to add one.")
            res = op._backward_fn(ctx, *grads)
            return res if isinstance(res, tuple) else (res,)

    _CustomOpFunction.__name__ = f"GeneratedBackwardFor_{op._namespace}_{op._name}_default"
    return _CustomOpFunction


def custom_op(name: str, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """Mirrors `torch.library.custom_op`: a decorator making a `CustomOpDef` of `fn`."""
    namespace, opname = _split_name(name)

    def make(f):
        op = CustomOpDef(namespace, opname, f, mutates_args, device_types, schema)
        _OPS[name] = op
        return op
    return make if fn is None else make(fn)


def _lookup(op) -> CustomOpDef:
    if isinstance(op, CustomOpDef):
        return op
    if isinstance(op, str) and op in _OPS:
        return _OPS[op]
    raise NotImplementedError(f"torch.library: registering on {op!r}, an operator not made with "
                              "torch.library.custom_op, is not supported by torchlike")


def register_fake(op, func=None, /, *, lib=None, _stacklevel=1, allow_override=True):
    """Mirrors `torch.library.register_fake` for operators made with `custom_op`."""
    return _lookup(op).register_fake(func) if func is not None else _lookup(op).register_fake()


def register_autograd(op, backward, /, *, setup_context=None, lib=None) -> None:
    """Mirrors `torch.library.register_autograd` for operators made with `custom_op`."""
    _lookup(op).register_autograd(backward, setup_context=setup_context)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    """Mirrors `torch.library.register_kernel` for operators made with `custom_op`."""
    return _lookup(op).register_kernel(device_types, func)


def impl(qualname, types, func=None, *, lib=None):
    """Mirrors `torch.library.impl` for operators made with `custom_op` (as `register_kernel`);
    PyTorch's built-in operators cannot be overridden here."""
    device_types = [types] if isinstance(types, str) else list(types)
    return register_kernel(qualname, [_device_key(d) for d in device_types], func)


def _device_key(dispatch_key: str):
    key = dispatch_key.lower()
    return None if key in ("compositeimplicitautograd", "compositeexplicitautograd", "default") else key


def define(qualname, schema, *, lib=None, tags=()):
    """`torch.library.define` declares an operator from a schema string; not supported here."""
    raise NotImplementedError("torch.library.define: defining operators from schema strings is not supported "
                              "by torchlike (use torch.library.custom_op)")


def get_ctx():
    """`torch.library.get_ctx` is only meaningful inside a fake implementation under a tracing compiler."""
    raise NotImplementedError("torch.library.get_ctx: fake-tensor tracing is not supported by torchlike")


class Library:
    """Mirrors `torch.library.Library(ns, kind)`: the namespace handle. Its `define` needs schema
    strings (not supported); `impl` works for operators made with `custom_op`."""

    def __init__(self, ns, kind, dispatch_key=""):
        if kind not in ("IMPL", "DEF", "FRAGMENT"):
            raise ValueError("Unsupported kind: ", kind)
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key

    def define(self, schema, alias_analysis="", *, tags=()):
        raise NotImplementedError("torch.library.Library.define: defining operators from schema strings is "
                                  "not supported by torchlike (use torch.library.custom_op)")

    def impl(self, op_name, fn, dispatch_key="", *, with_keyset=False, allow_override=False):
        name = op_name if "::" in op_name else f"{self.ns}::{op_name}"
        return register_kernel(name, _device_key(dispatch_key or self.dispatch_key or "default"), fn)

    def _destroy(self):
        pass
