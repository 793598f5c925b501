"""torch.vmap / torch.func.vmap mapped onto jax.vmap.

Inputs are pytrees of tensors with in_dims as a pytree prefix (PyTorch's rule); outputs come back with
the batch dimension where out_dims says. JAX puts every mapped output at dimension 0 (outputs with
out_dim None must be unbatched, which JAX checks); the move to out_dims happens afterwards.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from .._tensor import Tensor
from ._pytree import broadcast_prefix, flatten, unflatten
from ._scope import check_randomness, draw_keys, refuse_tape, transform_scope


def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size: int | None = None):
    """Mirrors `torch.func.vmap`. randomness='same' draws once for the whole batch, 'different' draws
    from one key per example (our own stream, not PyTorch's numbers)."""
    check_randomness(randomness)
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return _Vmap(func, in_dims, out_dims, randomness, chunk_size)(args, kwargs)
    return wrapped


def _name(func) -> str:
    return getattr(func, "__name__", repr(func))


class _Vmap:
    """One call of a vmapped function."""

    def __init__(self, func, in_dims, out_dims, randomness, chunk_size):
        self.func, self.in_dims, self.out_dims = func, in_dims, out_dims
        self.randomness, self.chunk_size = randomness, chunk_size
        self.name = _name(func)

    def _in_error(self, msg: str) -> ValueError:
        return ValueError(f"vmap({self.name}, in_dims={self.in_dims}, ...)(<inputs>): {msg}")

    def _batched_inputs(self, args):
        """(leaves, spec, positions of batched leaves, their dims, batch size), with PyTorch's checks."""
        if not args:
            raise ValueError(f"vmap({self.name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
                             "trying to vmap over a function with no inputs. The latter is unsupported.")
        if isinstance(self.in_dims, bool) or not isinstance(self.in_dims, (int, tuple)):
            raise self._in_error("expected `in_dims` to be int or a (potentially nested) tuple matching the structure "
                                 f"of inputs, got: {type(self.in_dims)}.")
        leaves, spec = flatten(args)
        dims = broadcast_prefix(self.in_dims, args)
        if dims is None:
            raise self._in_error(f"in_dims is not compatible with the structure of `inputs`. in_dims has structure "
                                 f"{flatten(self.in_dims)[1]} but inputs has structure {spec}.")
        positions, axes = [], []
        for i, (x, d) in enumerate(zip(leaves, dims)):
            if d is None:
                continue
            positions.append(i)
            axes.append(self._check_in_dim(x, d))
        if not positions:
            raise ValueError("vmap: Expected at least one Tensor to vmap over")
        sizes = [leaves[i].shape[d] for i, d in zip(positions, axes)]
        if len(set(sizes)) > 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        return leaves, spec, positions, axes, sizes[0]

    def _check_in_dim(self, x, d) -> int:
        if isinstance(d, bool) or not isinstance(d, int):
            raise self._in_error(f"Got in_dim={d} for an input but in_dim must be either an integer dimension or None.")
        if not isinstance(x, Tensor):
            raise self._in_error(f"Got in_dim={d} for an input but the input is of type {type(x)}. We cannot vmap over "
                                 "non-Tensor arguments, please use None as the respective in_dim")
        nd = x.ndim
        if not -nd <= d < nd:
            raise self._in_error(f"Got in_dim={d} for some input, but that input is a Tensor of dimensionality {nd} so "
                                 f"expected in_dim to satisfy -{nd} <= in_dim < {nd}.")
        return d % nd

    def __call__(self, args, kwargs):
        leaves, spec, positions, axes, size = self._batched_inputs(args)
        keys = draw_keys(size) if self.randomness == "different" else None
        refuse_tape("vmap", [leaves[i] for i in positions])
        arrays = [leaves[i]._data for i in positions]
        step = self.chunk_size or max(size, 1)
        pieces = []
        for start in range(0, max(size, 1), step):
            stop = min(start + step, size)
            part = [jax.lax.slice_in_dim(a, start, stop, axis=d) for a, d in zip(arrays, axes)]
            part_keys = None if keys is None else keys[start:stop]
            pieces.append(self._run(leaves, spec, positions, axes, part, part_keys, kwargs, stop - start))
        for k, parts in zip(pieces[0][0]["written"], zip(*[p[3] for p in pieces])):
            # An in-place write to a batched input reaches the caller's tensor, as in PyTorch.
            leaves[positions[k]]._write(jnp.moveaxis(_concat(parts), 0, axes[k]))
        return self._assemble(pieces)

    def _run(self, leaves, spec, positions, axes, arrays, keys, kwargs, size):
        box = {}

        def body(key, *batched):
            flat, inputs = list(leaves), [Tensor._wrap(a) for a in batched]
            for i, t in zip(positions, inputs):
                flat[i] = t
            unbatched = _Snapshot([x for i, x in enumerate(leaves) if isinstance(x, Tensor) and i not in positions])
            randomness = None if self.randomness == "same" else self.randomness
            with transform_scope("vmap", randomness, key):
                out = self.func(*unflatten(spec, flat), **kwargs)
            unbatched.refuse_batched_writes()
            box["written"] = [k for k, t in enumerate(inputs) if t._version]
            return (*self._split_outputs(out, box), [inputs[k]._data for k in box["written"]])
        in_axes = (None if keys is None else 0, *axes)
        try:
            batched = jax.vmap(body, in_axes=in_axes, out_axes=(0, None, 0), axis_size=size)
            mapped, unmapped, written = batched(keys, *arrays)
        except ValueError as e:
            if "out_axes" in str(e) and "None" in str(e):
                raise ValueError(f"vmap({self.name}, ...): `{self.name}` can not return a BatchedTensor when "
                                 "out_dim is None") from e
            raise
        return box, mapped, unmapped, written

    def _split_outputs(self, out, box):
        """The output's tensors in two lists (mapped, out_dim None); its structure and Python leaves go in box."""
        outs, ospec = flatten(out)
        dims = self._out_dims_of(out, ospec)
        mapped, unmapped = [], []
        for x, d in zip(outs, dims):
            if d is not None and not isinstance(x, Tensor):
                raise ValueError(f"vmap({self.name}, ...): `{self.name}` must only return Tensors, got type {type(x)}. "
                                 "Did you mean to set out_dims= to None for output?")
            if isinstance(x, Tensor):
                (mapped if d is not None else unmapped).append(x._data)
        box.update(spec=ospec, dims=dims, python=[None if isinstance(x, Tensor) else x for x in outs],
                   tensor=[isinstance(x, Tensor) for x in outs])
        return mapped, unmapped

    def _out_dims_of(self, out, ospec) -> list:
        od = self.out_dims
        if not all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in flatten(od)[0]):
            raise ValueError(f"vmap({self.name}, ..., out_dims={od}): `out_dims` must be an int, None or a python "
                             "collection of ints representing where in the outputs the vmapped dimension should "
                             "appear.")
        dims = broadcast_prefix(od, out)
        if dims is None and isinstance(od, tuple) and len(od) == 1 and ospec.kind is None:
            dims = [od[0]]  # a lone output may take a one-element out_dims tuple
        if dims is None:
            raise ValueError(f"vmap({self.name}, ..., out_dims={od})(<inputs>): out_dims is not compatible with the "
                             f"structure of `outputs`. out_dims has structure {flatten(od)[1]} but outputs has "
                             f"structure {ospec}.")
        return dims

    def _assemble(self, pieces):
        box = pieces[0][0]
        mapped = [_concat(parts) for parts in zip(*[p[1] for p in pieces])]
        unmapped = iter(pieces[0][2])
        mapped_it = iter(mapped)
        leaves = []
        for x, is_tensor, d in zip(box["python"], box["tensor"], box["dims"]):
            if not is_tensor:
                leaves.append(x)
            elif d is None:
                leaves.append(Tensor._wrap(next(unmapped)))
            else:
                leaves.append(Tensor._wrap(_move_batch_dim(next(mapped_it), d)))
        return unflatten(box["spec"], leaves)


def _concat(chunks):
    return jnp.concatenate(chunks, axis=0) if len(chunks) > 1 else chunks[0]


class _Snapshot:
    """The storages of unbatched tensor arguments, to refuse (and undo) a batched in-place write into one."""

    def __init__(self, tensors):
        self.saved = [(t._storage, t._storage.data, t._storage.version) for t in tensors]

    def refuse_batched_writes(self) -> None:
        for s, data, version in self.saved:
            if s.version != version and isinstance(s.data, jax.core.Tracer) and not isinstance(data, jax.core.Tracer):
                s.data, s.version = data, version
                raise RuntimeError("vmap: inplace arithmetic(self, *extra_args) is not possible because there exists "
                                   "a Tensor `other` in extra_args that has more elements than `self`. This happened "
                                   "due to `other` being vmapped over but `self` not being vmapped over in a vmap. "
                                   "Please try to use out-of-place operators instead of inplace arithmetic.")


def _move_batch_dim(array, d: int):
    nd = array.ndim
    if not -nd <= d < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {d})")
    return jnp.moveaxis(array, 0, d % nd) if d % nd else array
