"""A kernel's backward: its vjp (the engine's one vjp boundary) and, under create_graph=True, the
backward as a function of its own, which the registry runs as a kernel with a node of its own."""
import jax
import jax.numpy as jnp

from .dataflow import float_reads


def vjp_of(raw, diff):
    """(arrays, cts) -> the gradients of raw's floating outputs for the inputs at positions `diff`."""
    def bwd(arrays, cts):
        def f(*d):
            full = list(arrays)
            for i, a in zip(diff, d):
                full[i] = a
            out = raw(*full)
            return tuple(o for o in (out if isinstance(out, tuple) else (out,)) if _is_float(o))
        outs, pull = jax.vjp(f, *[arrays[i] for i in diff])
        # Complex gradients: for a real loss L of z = x + iy, PyTorch's .grad is dL/dx + i dL/dy, while JAX's
        # cotangents are its conjugate, dL/dx - i dL/dy. Conjugating each cotangent on the way in and each
        # gradient on the way out turns one convention into the other (a no-op for real arrays).
        cts = tuple(jnp.zeros(o.shape, o.dtype) if c is None else _conj(c.astype(o.dtype)) for o, c in zip(outs, cts))
        return tuple(_conj(g) for g in pull(cts))
    return bwd


def backward_raw(raw, diff: tuple, n_arrays: int, cts_mask: tuple, no_double=None):
    """The backward as a function of (arrays..., present cts...). `no_double(name)`: the error PyTorch
    raises when this backward is itself differentiated (cdist's, hardsigmoid's); it is raised then."""
    vjp = vjp_of(raw, diff)

    def bwd(*xs):
        it = iter(xs[n_arrays:])
        return vjp(xs[:n_arrays], tuple(next(it) if m else None for m in cts_mask))
    if no_double is None:
        return bwd

    @jax.custom_vjp
    def refused(*xs):
        return bwd(*xs)

    def refuse(*_):
        raise no_double
    refused.defvjp(lambda *xs: (bwd(*xs), None), refuse)
    return refused


def graph_reads(k, arrays) -> list:
    """For each output of backward kernel k on these arrays, the inputs it is computed from (cached)."""
    key = ("reads",) + tuple((a.shape, a.dtype) for a in arrays)
    reads = k.bwd.get(key)
    if reads is None:
        reads = k.bwd[key] = float_reads(k.raw, arrays)
    return reads


def _is_float(x) -> bool:
    return jnp.issubdtype(x.dtype, jnp.inexact)


def _conj(x):
    return jnp.conj(x) if jnp.iscomplexobj(x) else x
