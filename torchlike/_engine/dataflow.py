"""Which inputs of a jax function each of its outputs is computed from, read off its jaxpr.

A gradient taken with create_graph=True requires grad only if it is computed from something that
does: in PyTorch `torch.autograd.grad(x * c, x, create_graph=True)` is `grad * c`, which has no
grad_fn when c does not require grad. Our backward is one jax function of all the forward's
inputs and the cotangents, so we ask its jaxpr which of them each gradient actually reads.
"""
import jax
import jax.numpy as jnp

# Primitives whose sub-program is called on the equation's own operands, in order.
_CALLS = {"pjit": "jaxpr", "jit": "jaxpr", "closed_call": "call_jaxpr", "core_call": "call_jaxpr",
          "custom_jvp_call": "call_jaxpr", "remat": "jaxpr", "checkpoint": "jaxpr"}
_NONE = frozenset()


def float_reads(fn, arrays) -> list:
    """For each output of fn(*arrays), the positions of the inputs its value is computed from through
    floating-point values. Booleans and integers carry no gradient, so a comparison or an index drawn
    from an input does not count (a mask from x > 0 leaves x out)."""
    if any(a.size == 0 for a in arrays):
        # JAX computes an empty result from no input at all, where PyTorch's formula still reads its
        # inputs: read the dataflow off the same function on size-1 stand-ins for the empty dims.
        try:
            return _float_reads([jax.ShapeDtypeStruct(tuple(d or 1 for d in a.shape), a.dtype) for a in arrays], fn)
        except Exception:  # noqa: BLE001  (a function whose shapes are fixed: the empty arrays' own dataflow)
            pass
    return _float_reads(arrays, fn)


def _float_reads(arrays, fn) -> list:
    closed = jax.make_jaxpr(fn)(*arrays)
    return _reads(closed.jaxpr, [frozenset((i,)) for i in range(len(arrays))])


def _reads(jaxpr, in_reads) -> list:
    env = dict(zip(jaxpr.invars, in_reads))

    def read(v):
        return env.get(v, _NONE) if not hasattr(v, "val") else _NONE  # (a literal has a val)

    for eqn in jaxpr.eqns:
        ins = [read(v) for v in eqn.invars]
        sub = eqn.params.get(_CALLS.get(eqn.primitive.name, ""))
        if sub is not None:
            outs = _reads(getattr(sub, "jaxpr", sub), ins)
        elif eqn.primitive.name == "cond":  # (an integer index picks a branch: each output from any branch's reads)
            per_branch = [_reads(b.jaxpr, ins[1:]) for b in eqn.params["branches"]]
            outs = [_NONE.union(*rs) for rs in zip(*per_branch)]
        else:  # any other primitive (loops included): every output from every input
            outs = [_NONE.union(*ins)] * len(eqn.outvars)
        for v, r in zip(eqn.outvars, outs):
            env[v] = r if _inexact(v) else _NONE
    return [read(v) for v in jaxpr.outvars]


def _inexact(v) -> bool:
    aval = getattr(v, "aval", None)
    return aval is not None and jnp.issubdtype(aval.dtype, jnp.inexact)
