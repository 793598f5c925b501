"""torch.autograd.Function: user-defined forward/backward recorded on the tape."""
from __future__ import annotations

import functools

from .. import _autograd
from .._tensor import Tensor


class FunctionCtx:
    """The `ctx` a Function's forward and backward share."""

    def __init__(self):
        self.saved_tensors_ = ()
        self.needs_input_grad = ()
        self.non_differentiable = set()
        self.dirty = ()
        self.materialize_grads = True
        self._freed = False

    def save_for_backward(self, *tensors):
        self.saved_tensors_ = tensors
        self._versions = [t._version if isinstance(t, Tensor) else None for t in tensors]

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(_autograd.FREED_MSG)
        for t, v in zip(self.saved_tensors_, getattr(self, "_versions", ())):
            if isinstance(t, Tensor) and t._version != v:
                from .._engine.kernel import _modified_msg
                raise RuntimeError(_modified_msg(t, v))
        return self.saved_tensors_

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        """Tensors forward modified in place: each must be returned, and its history moves onto this node."""
        self.dirty = tensors

    def set_materialize_grads(self, value: bool):
        self.materialize_grads = value


class _FunctionNode(_autograd.Node):
    def __init__(self, cls, ctx, inputs, n_out):
        tensor_inputs = [x for x in inputs if isinstance(x, Tensor)]
        super().__init__(cls.__name__ + "Backward", [_autograd.edge_of(t) for t in tensor_inputs], n_outputs=n_out)
        self.cls, self.ctx, self.inputs = cls, ctx, inputs
        self.out_meta = []

    def apply(self, grads, create_graph):
        from .._ops.creation import zeros
        if self.ctx.materialize_grads:
            grads = [g if g is not None else zeros(s, dtype=d) for g, (s, d) in zip(grads, self.out_meta)]
        res = self.cls.backward(self.ctx, *grads)
        res = res if isinstance(res, tuple) else (res,)
        if len(res) < len(self.inputs):
            raise RuntimeError(f"function {self._name} returned an incorrect number of gradients (expected "
                               f"{len(self.inputs)}, got {len(res)})")
        return [g for x, g in zip(self.inputs, res) if isinstance(x, Tensor)]

    def release(self):
        self.freed = True
        self.ctx._freed = True


class Function:
    """Mirrors `torch.autograd.Function`: subclass with static forward/backward, call `.apply`."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    setup_context = None

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with _autograd.no_grad():
            if cls.setup_context is not None and "setup_context" in cls.__dict__:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        dirty = _check_dirty(ctx, outs)
        if _autograd.is_grad_enabled() and any(ctx.needs_input_grad):
            node = _FunctionNode(cls, ctx, args, len(outs))
            wrapped = []
            for nr, o in enumerate(outs):
                if isinstance(o, Tensor):
                    if any(o is a for a in args) and id(o) not in dirty:
                        o = o._alias()
                    node.out_meta.append((o.shape, o.dtype))
                    if id(o) not in ctx.non_differentiable and o.dtype.category >= 2:
                        o._requires_grad, o.grad_fn, o._output_nr = True, node, nr
                else:
                    node.out_meta.append(((), None))
                wrapped.append(o)
            outs = tuple(wrapped)
        return outs if isinstance(out, tuple) else outs[0]


def _check_dirty(ctx, outs) -> set:
    """PyTorch's rules for tensors marked dirty: returned as outputs, not leaves that require grad (their
    in-place change cannot be differentiated), and their version moves as an in-place op's does."""
    dirty = {id(t) for t in ctx.dirty}
    if not dirty:
        return dirty
    if not dirty <= {id(o) for o in outs}:
        raise RuntimeError("Some elements marked as dirty during the forward method were not returned as output. "
                           "The inputs that are modified inplace must all be outputs of the Function.")
    for t in ctx.dirty:
        if _autograd.is_grad_enabled() and t.requires_grad and t.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        if t._base is not None and t.requires_grad:
            raise NotImplementedError("torchlike: mark_dirty on a view that requires grad (its base's history "
                                      "would have to be rebased) is not supported")
        t._storage.version += 1
    return dirty


def once_differentiable(fn):
    """Mirrors `torch.autograd.function.once_differentiable`: backward runs without grad recording."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with _autograd.no_grad():
            return fn(ctx, *args)
    return wrapper
