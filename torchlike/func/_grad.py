"""torch.func's differentiation transforms (grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian,
linearize) mapped onto jax.vjp / jax.jvp / jax.jacrev / jax.jacfwd / jax.linearize.

The user's function runs on Tensors wrapping JAX tracers (see `_scope`); inputs and outputs are
pytrees of tensors (`_pytree`), flattened so that JAX sees flat tuples of arrays.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ._pytree import flatten, unflatten
from ._scope import check_randomness, refuse_tape, transform_scope


def _norm_argnums(argnums, n_args: int) -> tuple[int, ...]:
    """argnums as a tuple of non-negative positions, with PyTorch's errors."""
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in nums):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not -n_args <= a < n_args:
            raise RuntimeError(f"Got argnum={a}, but only {n_args} positional inputs")
    nums = tuple(a % n_args for a in nums)
    if len(set(nums)) != len(nums):
        raise RuntimeError(f"argnums must be unique, got {argnums}")
    return nums


def _check_tensors(leaves, forward: bool = False) -> None:
    """Differentiated inputs must be floating tensors (reverse mode: RuntimeError; forward: ValueError)."""
    for t in leaves:
        if not isinstance(t, Tensor):
            raise ValueError(  # noqa: TRY004 - as PyTorch
                f"Thing passed to transform API must be Tensor, got {type(t)}")
        if t.dtype.category < D.FLOAT:
            if forward:
                raise ValueError(f"Expected primal to be floating point or complex, but got: {t.dtype}")
            raise RuntimeError("only Tensors of floating point dtype can require gradients")


def _arrays(tensors) -> tuple:
    return tuple(t._data for t in tensors)


def _tensor_leaves(tree, what: str) -> tuple[list, object]:
    leaves, spec = flatten(tree)
    for x in leaves:
        if not isinstance(x, Tensor):
            raise RuntimeError(what.format(type(x)))  # noqa: TRY004 - as PyTorch
    return leaves, spec


class _Call:
    """The user's function as a JAX function of the flat arrays of the differentiated arguments.

    Calling it returns (output arrays, aux arrays) and remembers the structure of both."""

    def __init__(self, func, args, kwargs, argnums, api: str, has_aux: bool, forward: bool = False):
        self.func, self.args, self.kwargs, self.argnums = func, args, kwargs or {}, argnums
        self.api, self.has_aux, self.forward = api, has_aux, forward
        self.in_specs, self.inputs = [], []
        for i in argnums:
            leaves, spec = flatten(args[i])
            _check_tensors(leaves, forward)
            self.in_specs.append(spec)
            self.inputs.extend(leaves)
        refuse_tape(api, self.inputs)
        self.out_spec = self.aux_spec = None
        self.check_output = None  # set by grad: output must be one scalar tensor

    def arrays(self) -> tuple:
        return _arrays(self.inputs)

    def inputs_from(self, flat) -> list:
        """The positional arguments with the differentiated ones rebuilt from `flat` (arrays or tensors)."""
        args, pos = list(self.args), 0
        for i, spec in zip(self.argnums, self.in_specs):
            n = spec.num_leaves
            args[i] = unflatten(spec, flat[pos:pos + n])
            pos += n
        return args

    def __call__(self, *flat):
        inputs = [Tensor._wrap(a) for a in flat]
        with transform_scope(self.api):
            out = self.func(*self.inputs_from(inputs), **self.kwargs)
        written = [k for k, t in enumerate(inputs) if t._version]
        if written and not self.forward:
            # PyTorch's reverse-mode inputs are leaves that require grad (forward mode allows the write).
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        self.written = written
        aux = ()
        if self.has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError(f"{self.api}: output of function f should be a tuple: (output, aux) if has_aux is "
                                   "True")
            out, aux = out
        if self.check_output is not None:
            self.check_output(out)
        outs, self.out_spec = _tensor_leaves(out, self.api + ": expected f(*primals) to return only tensors, got "
                                                  "unsupported type {}")
        auxs, self.aux_spec = _tensor_leaves(aux, "Expected tensors, got unsupported type {}")
        # Inputs written in place travel out with aux (their primal values), for write_back.
        return _arrays(outs), _arrays(auxs) + tuple(inputs[k]._data for k in written)

    def wrap_out(self, arrays):
        return unflatten(self.out_spec, [Tensor._wrap(a) for a in arrays])

    def wrap_aux(self, arrays):
        """The aux output, after writing the in-place-modified inputs back to the caller's tensors (forward mode
        does so in PyTorch)."""
        n = self.aux_spec.num_leaves
        for k, a in zip(self.written, arrays[n:]):
            self.inputs[k]._write(a)
        return unflatten(self.aux_spec, [Tensor._wrap(a) for a in arrays[:n]])

    def wrap_inputs(self, flat, single: bool):
        """Per-input results (one per flat input) in the structure of the differentiated arguments."""
        trees, pos = [], 0
        for spec in self.in_specs:
            trees.append(unflatten(spec, flat[pos:pos + spec.num_leaves]))
            pos += spec.num_leaves
        return trees[0] if single else tuple(trees)


def _scalar_check(api: str):
    def check(out):
        if not isinstance(out, Tensor):
            raise RuntimeError(  # noqa: TRY004 - as PyTorch
                f"{api}: Expected f(*args) to return a Tensor, got {type(out)}")
        if out.dim() != 0:
            raise RuntimeError(f"{api}: Expected f(*args) to return a scalar Tensor, got tensor with {out.dim()} "
                               "dims. Maybe you wanted to use the vjp or jacrev APIs instead?")
    return check


def _ones_cotangent(out):
    """d(out)/d(out) for a real output; an integer output has no gradient (float0 zeros)."""
    if jnp.issubdtype(out.dtype, jnp.inexact):
        return jnp.ones_like(out)
    return np.zeros(out.shape, jax.dtypes.float0)


def grad_and_value(func, argnums=0, has_aux: bool = False):
    """Mirrors `torch.func.grad_and_value`: returns (grad, value), or (grad, (value, aux)) with has_aux."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        call = _Call(func, args, kwargs, _norm_argnums(argnums, len(args)), "grad_and_value(f)(*args)", has_aux)
        call.check_output = _scalar_check(call.api)
        out, pull, aux = jax.vjp(call, *call.arrays(), has_aux=True)
        grads = [_conj(g) for g in pull((_ones_cotangent(out[0]),))]  # (PyTorch's complex convention: registry)
        grads = call.wrap_inputs([_zeros_if_float0(g, x) for g, x in zip(grads, call.inputs)],
                                 isinstance(argnums, int))
        value = call.wrap_out(out)
        return (grads, (value, call.wrap_aux(aux))) if has_aux else (grads, value)
    return wrapper


def _conj(x):
    """Conjugate complex arrays: PyTorch's gradients of complex inputs are the conjugates of JAX's cotangents."""
    return jnp.conj(x) if jnp.iscomplexobj(x) else x


def _zeros_if_float0(g, like: Tensor) -> Tensor:
    if g.dtype == jax.dtypes.float0:
        return Tensor._wrap(jnp.zeros(like.shape, like._data.dtype))
    return Tensor._wrap(g)


def grad(func, argnums=0, has_aux: bool = False):
    """Mirrors `torch.func.grad`: the gradient of a scalar-valued function; (grad, aux) with has_aux."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = gv(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return wrapper


def vjp(func, *primals, has_aux: bool = False):
    """Mirrors `torch.func.vjp`: (output, vjp_fn) or (output, vjp_fn, aux); vjp_fn(cotangents) returns
    a tuple with one gradient per primal."""
    call = _Call(func, primals, {}, tuple(range(len(primals))), "vjp(f, *primals)", has_aux)
    out, pull, aux = jax.vjp(call, *call.arrays(), has_aux=True)
    outs = [Tensor._wrap(a) for a in out]

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        cts = tuple(_conj(c) for c in _cotangents(cotangents, call.out_spec, outs))  # (complex convention: registry)
        return call.wrap_inputs([Tensor._wrap(_conj(g)) for g in pull(cts)], single=False)
    result = unflatten(call.out_spec, outs)
    return (result, vjp_fn, call.wrap_aux(aux)) if has_aux else (result, vjp_fn)


def _cotangents(cotangents, out_spec, outs) -> tuple:
    leaves, spec = flatten(cotangents)
    if spec != out_spec:
        raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure of outputs to "
                           f"the function. cotangents: {spec}, primal output: {out_spec}")
    cts = []
    for i, (c, o) in enumerate(zip(leaves, outs)):
        if not isinstance(c, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(c)}")  # noqa: TRY004 - as PyTorch
        if tuple(c.shape) != tuple(o.shape):
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {c.shape} and output[{i}] has a "
                               f"shape of {o.shape}.")
        if o.dtype.category < D.FLOAT:
            cts.append(np.zeros(tuple(o.shape), jax.dtypes.float0))
        else:
            cts.append(c._data.astype(o._data.dtype))
    return tuple(cts)


def jvp(func, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """Mirrors `torch.func.jvp`: (output, jvp_out) or (output, jvp_out, aux).

    A tangent of another floating dtype is cast to its primal's dtype."""
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(  # noqa: TRY004 - as PyTorch
            f"{api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    if not isinstance(tangents, tuple):
        raise RuntimeError(  # noqa: TRY004 - as PyTorch
            f"{api}: Expected tangents to be a tuple. E.g. it should be valid to call f(*tangents).")
    call = _Call(func, primals, {}, tuple(range(len(primals))), api, has_aux, forward=True)
    tans, spec = flatten(tangents)
    if spec != flatten(primals)[1]:
        raise RuntimeError(f"{api}: Expected primals and tangents to have the same python structure. For example, if "
                           f"primals is a tuple of 3 tensors, tangents also must be. Got primals with structure "
                           f"{flatten(primals)[1]} and tangents with structure {spec}")
    out, tan, aux = jax.jvp(call, call.arrays(), _tangent_arrays(tans, call.inputs), has_aux=True)
    tan = [_zeros_if_float0(t, Tensor._wrap(o)) for t, o in zip(tan, out)]
    result = (call.wrap_out(out), unflatten(call.out_spec, tan))
    aux = call.wrap_aux(aux)
    return result + (aux,) if has_aux else result


def _tangent_arrays(tangents, primals) -> tuple:
    arrays = []
    for t, p in zip(tangents, primals):
        if not isinstance(t, Tensor):
            raise ValueError(  # noqa: TRY004 - as PyTorch
                f"Thing passed to transform API must be Tensor, got {type(t)}")
        if tuple(t.shape) != tuple(p.shape):
            raise RuntimeError("Trying to set a forward gradient that has a different size than that of the original "
                               f"Tensor, this is not supported. Tensor is of size {list(p.shape)} while the given "
                               f"forward gradient is of size {list(t.shape)}.")
        if t.dtype.category < D.FLOAT:
            raise ValueError(f"Expected tangent to be floating point or complex, but got: {t.dtype}")
        arrays.append(t._data.astype(p._data.dtype))
    return tuple(arrays)


def _linearized_tangents(tangents, primals) -> tuple:
    """linearize's jvp_fn takes tangents of exactly its primals' shapes and dtypes."""
    for i, (t, p) in enumerate(zip(tangents, primals)):
        if not isinstance(t, Tensor):
            raise ValueError(  # noqa: TRY004 - as PyTorch
                f"Thing passed to transform API must be Tensor, got {type(t)}")
        for what in ("shape", "dtype"):
            if getattr(t, what) != getattr(p, what):
                raise RuntimeError(f"tangent:{i} with {what} {getattr(t, what)} in flattened pytree doesn't match the "
                                   f"{what} {getattr(p, what)} of the corresponding primal.")
    return _arrays(tangents)


def _jacobian(transform, api: str, func, argnums, has_aux: bool, forward: bool):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        call = _Call(func, args, kwargs, _norm_argnums(argnums, len(args)), api, has_aux, forward)
        arrays = call.arrays()
        jac, aux = transform(call, argnums=tuple(range(len(arrays))), has_aux=True)(*arrays)
        single = isinstance(argnums, int)
        rows = [call.wrap_inputs([Tensor._wrap(a) for a in row], single) for row in jac]
        result, aux = unflatten(call.out_spec, rows), call.wrap_aux(aux)
        return (result, aux) if has_aux else result
    return wrapper


def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size: int | None = None,
           _preallocate_and_copy: bool = False):
    """Mirrors `torch.func.jacrev`: for each output, the Jacobian with respect to each argument in argnums
    (shape output.shape + input.shape). chunk_size changes only how PyTorch batches its work: ignored."""
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(jax.jacrev, "vjp(f, *primals)", func, argnums, has_aux, forward=False)


def jacfwd(func, argnums=0, has_aux: bool = False, *, randomness: str = "error"):
    """Mirrors `torch.func.jacfwd`. The function runs once (JAX pushes all tangents through one call), so
    randomness 'same' and 'error' behave as in PyTorch; 'different' is not supported."""
    check_randomness(randomness)
    if randomness == "different":
        raise NotImplementedError("jacfwd(randomness='different'): torchlike runs the function once for all tangents")
    inner = func if randomness == "same" else _refusing_random(func)
    return _jacobian(jax.jacfwd, "jvp(f, primals, tangents)", inner, argnums, has_aux, forward=True)


def _refusing_random(func):
    """func with random operators refused (jacfwd's randomness='error')."""
    @functools.wraps(func)
    def run(*args, **kwargs):
        with transform_scope("jacfwd", randomness="error"):
            return func(*args, **kwargs)
    return run


def hessian(func, argnums=0):
    """Mirrors `torch.func.hessian`: jacfwd(jacrev(func, argnums), argnums)."""
    return jacfwd(jacrev(func, argnums), argnums)


def linearize(func, *primals):
    """Mirrors `torch.func.linearize`: (output, jvp_fn) where jvp_fn(*tangents) reuses the linearization."""
    call = _Call(func, primals, {}, tuple(range(len(primals))), "linearize", False, forward=True)
    out, lin = jax.linearize(lambda *a: call(*a)[0], *call.arrays())

    def jvp_fn(*tangents):
        tans, spec = flatten(tangents)
        if spec != flatten(primals)[1]:
            raise RuntimeError(f"linearize: Expected tangents to have the structure of primals {flatten(primals)[1]}, "
                               f"got {spec}")
        return unflatten(call.out_spec, [Tensor._wrap(t) for t in lin(*_linearized_tangents(tans, call.inputs))])
    return call.wrap_out(out), jvp_fn

