"""Random sampling on the PRNG key stream of `torchlike._random`, plus fill_/zero_.

Mirrors `torch.rand`, `randn`, `randint`, `randperm`, `normal`, `bernoulli`, `multinomial`,
`poisson`, their `_like` forms and the in-place `Tensor.uniform_`, `normal_`, `bernoulli_`,
`random_`, `exponential_`, `geometric_`, `log_normal_`, `cauchy_`, `fill_`, `zero_`. These are
plain functions over jitted samplers (one compile per shape and dtype; bounds are traced). A
sample is not differentiable: where PyTorch records a node (normal(mean_tensor), x.uniform_()
on a non-leaf) we record one with PyTorch's name whose gradient is zero. Values differ from
PyTorch's generator; shapes, dtypes, distributions and errors follow it.
"""
from __future__ import annotations

import functools
import math
import numbers

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .. import _dtype as D
from .._engine import cache as _cache
from .. import _random, _state
from .._device import to_jax
from .._tensor import Tensor
from .._engine.methods import assign, check_inplace
from .creation import _finish, _size, check_scalar_fits
from .._engine.kernel import Kernel, run_kernel
from .._engine.out import check_out_overlap
from .._engine.op import check_broadcast

# ----- keys, kernels, checks -----


def _key(generator, device=None):
    """A fresh key placed on `device`, so the sampler runs there."""
    key = _random.next_key(generator)
    if device is not None and not isinstance(key, jax.core.Tracer):
        dev = to_jax(device)
        if dev not in key.devices():
            key = jax.device_put(key, dev)
    return key


_KERNELS = _cache.LRU(_cache.KERNELS_PER_OP, "kernels")


def _kernel(name: str, grad_name: str, build, *static) -> Kernel:
    """A cached Kernel around build(*static): jitted once per static arguments and input shapes."""
    k = _KERNELS.get((name, grad_name, static))
    if k is None:
        k = _KERNELS[(name, grad_name, static)] = Kernel(build(*static), grad_name, saves=False)
    return k


def _not_implemented(kernel: str, d: D.dtype) -> NotImplementedError:
    return NotImplementedError(f"\"{kernel}\" not implemented for '{d.legacy}'")


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _float_only(kernel: str, d: D.dtype) -> None:
    if d.category < D.FLOAT:
        raise _not_implemented(kernel, d)


def _sizes(size, kw_size, name) -> tuple:
    if kw_size is not None:
        size = (kw_size,)
    if not size:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (), but expected one of: "
                        "(tuple of ints size, ...)")
    return _size(size, name)


def _dtype(dtype) -> D.dtype:
    return D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()


# ----- samplers -----
# Every draw is made flat, at a bucketed length, by one jitted sampler per (distribution, length,
# dtype); a cheap per-shape kernel then slices and reshapes it (and applies tensor parameters).
# A new shape therefore costs a small compile, not a new copy of the generator.

def _work(d) -> np.dtype:
    """The float dtype a sample for dtype d is computed in."""
    return np.dtype(np.float64) if d in (np.float64, np.complex128) or not jnp.issubdtype(d, jnp.inexact) else \
        np.dtype(np.float32)


def _sample(kind: str, key, shape, d, params):
    """Draw `kind` with the given traced parameters, as dtype d."""
    w = _work(d)
    p = [q.astype(w) for q in params]
    if kind == "uniform":
        if jnp.issubdtype(d, jnp.complexfloating):
            u = jax.random.uniform(key, shape + (2,), w, p[0], p[1])
            return jax.lax.complex(u[..., 0], u[..., 1]).astype(d)
        return jax.random.uniform(key, shape, w, p[0], p[1]).astype(d)
    if kind == "normal":
        z = jax.random.normal(key, shape, d if jnp.issubdtype(d, jnp.complexfloating) else w)
        return (z * p[1].astype(z.dtype) + p[0].astype(z.dtype)).astype(d)
    if kind == "random":
        return jax.random.randint(key, shape, params[0], params[1], jnp.int64).astype(d)
    if kind == "exponential":
        return (jax.random.exponential(key, shape, w) / p[0]).astype(d)
    if kind == "geometric":
        u = jax.random.uniform(key, shape, w, jnp.finfo(w).tiny, 1.0)
        return jnp.ceil(jnp.log(u) / jnp.log1p(-p[0])).astype(d)
    if kind == "log_normal":
        return jnp.exp(jax.random.normal(key, shape, w) * p[1] + p[0]).astype(d)
    if kind == "cauchy":
        return (jax.random.cauchy(key, shape, w) * p[1] + p[0]).astype(d)
    raise ValueError(kind)


def _bucket(n: int) -> int:
    """The length a flat draw of n values is made at (at most 1/8 of it is wasted)."""
    if n <= 64:
        return 64
    step = 1 << (n.bit_length() - 4)
    return -(-n // step) * step


@functools.partial(jax.jit, static_argnames=("kind", "n", "dtype"))
def _flat_sample(key, params, *, kind, n, dtype):
    return _sample(kind, key, (n,), np.dtype(dtype), params)


@functools.partial(jax.jit, static_argnames=("kind", "n", "dtype"))
def _flat_sample_advancing(state, params, *, kind, n, dtype):
    new, key = jax.random.split(state)
    return new, _sample(kind, key, (n,), np.dtype(dtype), params)


def _flat(kind: str, n: int, d, generator, device, *params):
    """A flat draw of at least n values of dtype d (a numpy dtype) on `device`."""
    static = {"kind": kind, "n": _bucket(n), "dtype": np.dtype(d)}
    g = generator if generator is not None else _random.default_generator
    state = g._state
    # (inside torchlike.compile the key is a tracer, with no devices: the program advances it where it runs;
    # inside a torch.func transform that decides randomness, keys come from the transform's stream)
    if _state.current("next_key") is None and isinstance(g, _random.Generator) and (
            isinstance(state._data, jax.core.Tracer)
                                             or to_jax(device) in getattr(state._data, "devices", set)()):
        # The key state lives where the draw is made: advance it and draw in one dispatch.
        new, flat = _flat_sample_advancing(state._data, tuple(params), **static)
        state._write(new)
        return flat
    return _flat_sample(_key(generator, device), tuple(params), **static)


def _shaped(flat, shape):
    """The first prod(shape) values of a flat draw, in `shape` (traceable)."""
    return jax.lax.slice(flat, (0,), (math.prod(shape),)).reshape(shape)


_take = jax.jit(_shaped, static_argnums=1)


@functools.partial(jax.jit, static_argnames=("n", "dtype"))
def _randperm(key, *, n, dtype):
    return jax.random.permutation(key, n).astype(dtype)


def _draw(kind: str, shape, d: D.dtype, device, generator, low, high):
    """A tensor-free draw of `shape` on `device`."""
    arg_t = np.int64 if kind == "random" else np.float64
    shape = tuple(shape)
    flat = _flat(kind, math.prod(shape), d.np, generator, device if device is not None else "cpu", arg_t(low),
                 arg_t(high))
    return Tensor._wrap(_take(flat, shape))


# ----- rand / randn / randint / randperm -----

def _standard(name, kind, kernel, size, kw, dtype, device, generator, requires_grad, out) -> Tensor:
    """rand and randn: a `kind` draw with parameters 0 and 1 (uniform's bounds, normal's mean and
    std) in a floating dtype; `kernel` is what PyTorch's error names for another dtype."""
    d = _dtype(dtype)
    _float_only(kernel, d)
    shape = _sizes(size, kw.get("size"), name)
    return _finish(_draw(kind, shape, d, device, generator, 0.0, 1.0), requires_grad, out)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kw) -> Tensor:
    """Mirrors `torch.rand`: uniform on [0, 1)."""
    return _standard("rand", "uniform", "check_uniform_bounds", size, kw, dtype, device, generator,
                     requires_grad, out)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kw) -> Tensor:
    """Mirrors `torch.randn`: standard normal (complex: variance 1/2 per part)."""
    return _standard("randn", "normal", "normal_kernel_cpu", size, kw, dtype, device, generator, requires_grad, out)


def _like_args(input, dtype, device):
    return (D.to_dtype(dtype) if dtype is not None else input.dtype), (device if device is not None else input.device)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
              generator=None) -> Tensor:
    """Mirrors `torch.rand_like`."""
    d, dev = _like_args(input, dtype, device)
    return rand(tuple(input.shape), dtype=d, device=dev, requires_grad=requires_grad, generator=generator)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
               generator=None) -> Tensor:
    """Mirrors `torch.randn_like`."""
    d, dev = _like_args(input, dtype, device)
    return randn(tuple(input.shape), dtype=d, device=dev, requires_grad=requires_grad, generator=generator)


_C_NAMES = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int", "int64": "long",
            "bool": "bool"}


def _check_int_range(low: int, high: int, d: D.dtype) -> None:
    """PyTorch's random_ bounds: from < to, both representable in d."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if d.category <= D.INT:
        lo, hi = (0, 1) if d is D.bool_ else (int(np.iinfo(d.np).min), int(np.iinfo(d.np).max))
        if not lo <= low <= hi:
            raise RuntimeError(f"from is out of bounds for {_C_NAMES[d.name]}")
        if not lo <= high - 1 <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {_C_NAMES[d.name]}")


def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False) -> Tensor:
    """Mirrors `torch.randint(low=0, high, size)`: int64 unless dtype says otherwise."""
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list)):
        size = args.pop()
    if size is None and len(args) >= 2:
        raise TypeError(f"randint(): argument 'size' (position {len(args)}) must be tuple of ints, not "
                        f"{type(args[-1]).__name__}")
    if high is None and args:
        high = args.pop()
    if low is None:
        low = args.pop() if args else 0
    if size is None or high is None or args:
        raise TypeError("randint() received an invalid combination of arguments - got "
                        f"({', '.join(type(a).__name__ for a in (low, high, size) if a is not None)}), but expected "
                        "one of: (int high, tuple of ints size, ...) or (int low, int high, tuple of ints size, ...)")
    d = D.to_dtype(dtype) if dtype is not None else D.int64
    low, high = int(low), int(high)
    _check_int_range(low, high, d)
    return _finish(_draw("random", _size((size,), "randint"), d, device, generator, low, high), requires_grad, out)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None) -> Tensor:
    """Mirrors `torch.randint_like(input, low=0, high)`."""
    if high is None:
        low, high = 0, low
    d, dev = _like_args(input, dtype, device)
    return randint(low, high, tuple(input.shape), dtype=d, device=dev, requires_grad=requires_grad,
                   generator=generator)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False) -> Tensor:
    """Mirrors `torch.randperm`."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    d = D.to_dtype(dtype) if dtype is not None else D.int64
    key = _key(generator, device if device is not None else "cpu")
    return _finish(Tensor._wrap(_randperm(key, n=n, dtype=d.np)), requires_grad, out)


# ----- in-place samples (recorded on the tape with a zero gradient) -----

def _inplace_build():
    def raw(flat, x):
        return jax.lax.stop_gradient(_shaped(flat, x.shape))
    return raw


def _inplace(self: Tensor, kind: str, grad_name: str, generator, *params) -> Tensor:
    """Overwrite self with a sample of its shape and dtype (a node with zero gradient if self requires grad)."""
    check_inplace(self)
    flat = _flat(kind, self.numel(), self.dtype.np, generator, self.device, *params)
    return assign(self, run_kernel(_kernel("inplace", grad_name, _inplace_build), [flat, self._data],
                                   [None, self]))


def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kw) -> Tensor:
    """Mirrors `Tensor.uniform_(from=0, to=1)`."""
    from_ = kw.pop("from", from_)
    _float_only("check_uniform_bounds", self.dtype)
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_fmt(from_)} > "
                           f"to={_fmt(to)}")
    return _inplace(self, "uniform", "UniformBackward0", generator, np.float64(from_), np.float64(to))


def normal_(self, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Mirrors `Tensor.normal_`."""
    _float_only("normal_kernel_cpu", self.dtype)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    return _inplace(self, "normal", "NormalBackward0", generator, np.float64(mean), np.float64(std))


def bernoulli_(self, p=0.5, *, generator=None) -> Tensor:
    """Mirrors `Tensor.bernoulli_(p)`: p a float or a tensor broadcastable to self."""
    check_inplace(self)
    if isinstance(p, Tensor):
        return assign(self, _bernoulli(self, p._data, "BernoulliBackward1", generator))
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
    return assign(self, _bernoulli(self, np.float64(p), "BernoulliBackward2", generator))


def _default_random_range(d: D.dtype) -> tuple[int, int]:
    """random_()'s range: every integer the dtype holds exactly ([0, 2**digits] for floats)."""
    if d is D.bool_:
        return 0, 2
    if d.category == D.INT:
        return 0, int(np.iinfo(d.np).max)
    digits = {D.float16: 11, D.bfloat16: 8, D.float32: 24, D.float64: 53}.get(d, 24)
    return 0, 2 ** digits + 1


def random_(self, from_=None, to=None, *, generator=None, **kw) -> Tensor:
    """Mirrors `Tensor.random_()`, `random_(to)` and `random_(from, to)`."""
    from_ = kw.pop("from", from_)
    if from_ is None and to is None:
        low, high = _default_random_range(self.dtype)
        name = "RandomBackward2"
    elif to is None:
        low, high, name = 0, int(from_), "RandomBackward1"
    else:
        low, high, name = int(from_), int(to), "RandomBackward0"
    _check_int_range(low, high, self.dtype)
    return _inplace(self, "random", name, generator, np.int64(low), np.int64(min(high, 2 ** 63 - 1)))


def exponential_(self, lambd=1.0, *, generator=None) -> Tensor:
    """Mirrors `Tensor.exponential_`."""
    if self.dtype.category < D.FLOAT:
        raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {self.dtype.legacy}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    return _inplace(self, "exponential", "ExponentialBackward0", generator, np.float64(lambd))


def geometric_(self, p, *, generator=None) -> Tensor:
    """Mirrors `Tensor.geometric_`: the number of Bernoulli(p) trials up to the first success."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    return _inplace(self, "geometric", "GeometricBackward0", generator, np.float64(p))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None) -> Tensor:
    """Mirrors `Tensor.log_normal_`."""
    _float_only("log_normal_cpu", self.dtype)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    return _inplace(self, "log_normal", "LogNormalBackward0", generator, np.float64(mean), np.float64(std))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None) -> Tensor:
    """Mirrors `Tensor.cauchy_`."""
    _float_only("cauchy_cpu", self.dtype)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    return _inplace(self, "cauchy", "CauchyBackward0", generator, np.float64(median), np.float64(sigma))


_CTYPES = {"int64": "int64_t", "int32": "int", "int16": "short", "int8": "signed char", "uint8": "unsigned char",
           "bool": "bool", "float32": "float", "float64": "double", "float16": "c10::Half",
           "bfloat16": "c10::BFloat16"}


def _fill_build():
    def raw(x, v):
        return jnp.broadcast_to(v.astype(x.dtype), x.shape)
    return raw


def fill_(self, value) -> Tensor:
    """Mirrors `Tensor.fill_`: a Python scalar or a 0-d tensor (whose gradient is the sum)."""
    check_inplace(self, overlap_ok=True)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               "dimensions.")
        k = _kernel("fill_t", "FillBackward3", _fill_build)
        return assign(self, run_kernel(k, [self._data, value._data], [self, value]))
    if isinstance(value, complex) and not self.dtype.is_complex:
        raise RuntimeError(f"value cannot be converted to type {_CTYPES.get(self.dtype.name, self.dtype.name)} "
                           "without overflow")
    if not isinstance(value, numbers.Number):
        raise TypeError(f"fill_(): argument 'value' (position 1) must be Number, not {type(value).__name__}")
    check_scalar_fits(value, self.dtype)
    v = np.asarray(value, dtype=np.complex128 if isinstance(value, complex) else
                   np.float64 if isinstance(value, float) else np.int64 if not isinstance(value, bool) else np.bool_)
    k = _kernel("fill_s", "FillBackward2", _fill_build)
    return assign(self, run_kernel(k, [self._data, v], [self, None]))


def _zero_build():
    def raw(x):
        return jnp.zeros(x.shape, x.dtype)
    return raw


def zero_(self) -> Tensor:
    """Mirrors `Tensor.zero_`."""
    check_inplace(self, overlap_ok=True)
    return assign(self, run_kernel(_kernel("zero", "ZeroBackward0", _zero_build), [self._data], [self]))


# ----- normal / bernoulli / poisson / multinomial -----

def _normal_build(shape):
    def raw(z, mean, std):
        z = _shaped(z, shape)
        return jax.lax.stop_gradient(z * std.astype(z.dtype) + mean.astype(z.dtype))
    return raw


def _operand(v):
    return (v._data, v) if isinstance(v, Tensor) else (np.float64(v), None)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False) -> Tensor:
    """Mirrors `torch.normal`: (Tensor mean, Tensor std), (Tensor, float), (float, Tensor) or
    (float, float, size)."""
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError(f"normal() received an invalid combination of arguments - got ({type(mean).__name__}, "
                            f"{type(std).__name__}), but expected one of: (Tensor mean, Tensor std, ...), "
                            "(float mean, float std, tuple of ints size, ...)")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
        d = _dtype(dtype)
        _float_only("normal_kernel_cpu", d)
        shape = _size((size,), "normal")
        return _finish(_draw("normal", shape, d, device, generator, float(mean), float(std)), requires_grad, out)
    d = D.result_dtype(tensors)
    _float_only("normal_kernel_cpu", d)
    if isinstance(std, Tensor):
        if std.numel() and bool(jnp.any(std._data < 0)):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    check_broadcast([t.shape for t in tensors])
    shape = tuple(np.broadcast_shapes(*[tuple(t.shape) for t in tensors]))
    grad_name = "NormalBackward3" if len(tensors) == 2 else "NormalBackward1" if tensors[0] is mean else \
        "NormalBackward2"
    (ma, mo), (sa, so) = _operand(mean), _operand(std)
    z = _flat("normal", math.prod(shape), d.np, generator, tensors[0].device, np.float64(0), np.float64(1))
    res = run_kernel(_kernel("normal_t", grad_name, _normal_build, shape), [z, ma, sa], [None, mo, so])
    if out is not None:
        out._replace_data(res._data)
        return out
    return res


def _bernoulli_build():
    def raw(u, x, p):
        u = _shaped(u, x.shape)
        return jax.lax.stop_gradient((u < p.astype(u.dtype)).astype(x.dtype))
    return raw


def _bernoulli(x: Tensor, p, grad_name: str, generator) -> Tensor:
    """1 with probability p (a float or an array broadcastable to x), in x's shape and dtype."""
    u = _flat("uniform", x.numel(), _work(x.dtype.np), generator, x.device, np.float64(0), np.float64(1))
    return run_kernel(_kernel("bernoulli", grad_name, _bernoulli_build), [u, x._data, p], [None, x, None])


def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """Mirrors `torch.bernoulli`: 1 with probability `input` (or `p`), in input's dtype."""
    d = input.dtype
    if p is None:
        _float_only("bernoulli_tensor_cpu_p_", d)
        if input.numel() and bool(jnp.any((input._data < 0) | (input._data > 1))):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                               "message be improved?  If so, please report an enhancement request to PyTorch.)")
        prob, name = input._data, "BernoulliBackward0"
    else:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
        prob, name = np.float64(p), "NotImplemented"  # PyTorch's name for this form's node
    if out is not None:
        check_out_overlap("bernoulli", out, (input,))
    res = _bernoulli(input, prob, name, generator)
    if out is not None:
        out._replace_data(res._data)
        return out
    return res


def _poisson_build(dtype):
    def raw(key, rates):
        draws = jax.random.poisson(key, rates.astype(_work(np.dtype(dtype))), rates.shape, jnp.int64)
        return jax.lax.stop_gradient(draws.astype(dtype))
    return raw


def poisson(input, generator=None) -> Tensor:
    """Mirrors `torch.poisson`: a Poisson draw per element with that element as its rate."""
    _float_only("poisson_cpu", input.dtype)
    if input.numel() and bool(jnp.any(input._data < 0)):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    k = _kernel("poisson", "PoissonBackward0", _poisson_build, input.dtype.np)
    return run_kernel(k, [_key(generator, input.device), input._data], [None, input])


@functools.partial(jax.jit, static_argnames=("n", "replacement"))
def _multinomial(key, probs, *, n, replacement):
    w = _work(probs.dtype)
    logits = jnp.log(probs.astype(w))
    if replacement:
        draws = jax.random.categorical(key, logits, axis=-1, shape=(n,) + probs.shape[:-1])
        return jnp.moveaxis(draws, 0, -1).astype(jnp.int64)
    # Without replacement: the top n of Gumbel-perturbed log-probabilities is a sample of n distinct categories.
    g = logits + jax.random.gumbel(key, probs.shape, w)
    return jax.lax.top_k(g, n)[1].astype(jnp.int64)


def _check_rows(p) -> None:
    """PyTorch's checks when drawing several samples with replacement: row by row, its entries then its sum."""
    flags = np.asarray(jnp.stack([~jnp.all(p >= 0, -1), ~jnp.all(jnp.isfinite(p), -1), ~(p.sum(-1) > 0)], -1))
    flags = flags.reshape(-1, 3)
    bad = flags.any(-1)
    if bad.any():
        row = flags[int(np.argmax(bad))]  # (a NaN fails the `>= 0` test first, as in PyTorch)
        raise RuntimeError("invalid multinomial distribution (" + (
            "encountering probability entry < 0" if row[0] else
            "encountering probability entry = infinity or NaN" if row[1] else "sum of probabilities <= 0") + ")")


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    """Mirrors `torch.multinomial`: indices drawn from each row's (unnormalised) distribution."""
    if input.dtype.category < D.FLOAT:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype.legacy}")
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if out is not None and out.dtype is not D.int64:
        raise RuntimeError(f"multinomial expects Long tensor out, got: {out.dtype.legacy}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > input.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if input.shape[-1] > 2 ** 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    p = input.detach()._data
    if replacement and num_samples > 1:
        _check_rows(p)
    if bool(jnp.any(~jnp.isfinite(p) | (p < 0))):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if bool(jnp.any(p.sum(-1) <= 0)):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    res = Tensor._wrap(_multinomial(_key(generator, input.device), p, n=int(num_samples),
                                    replacement=bool(replacement)))
    if out is not None:
        out._replace_data(res._data)
        return out
    return res


def _attach_methods() -> None:
    for fn in (uniform_, normal_, bernoulli_, random_, exponential_, geometric_, log_normal_, cauchy_, fill_, zero_,
               bernoulli, multinomial):
        install(fn.__name__, fn)


_attach_methods()
