"""Generator, manual_seed and the global PRNG key stream.

Mirrors `torch.Generator`, `torch.manual_seed`, `torch.seed`, `torch.initial_seed`,
`torch.get_rng_state` and `torch.set_rng_state`. A generator's state is a JAX threefry key (two
uint32 words) kept in a tensor's storage: each draw splits it, keeping one half as the next state.
Because the state lives in a storage, `torchlike.compile` sees it like any other state a step reads
and writes, so a compiled step draws fresh numbers on every call. The numbers differ from
PyTorch's Mersenne Twister stream; seeding makes them reproducible run to run. As in PyTorch, a new
`Generator()` starts from the fixed default seed, while the process's default generator starts from a
nondeterministic 64-bit seed (`initial_seed()` reports it), so unseeded runs differ.
"""
from __future__ import annotations

import os

import jax
import jax.numpy as jnp
import numpy as np

from . import _state
from ._device import device as _device_cls
from ._tensor import Tensor
from . import _dtype as D

DEFAULT_SEED = 67280421310721  # PyTorch's initial seed for the default CPU generator
_STATE_BYTES = 8


def _key_data(seed: int) -> np.ndarray:
    """The raw threefry key for a 64-bit seed (high word, low word), as jax.random.PRNGKey builds it."""
    return np.array([(seed >> 32) & 0xFFFFFFFF, seed & 0xFFFFFFFF], dtype=np.uint32)


@jax.jit
def _split(data):
    new, sub = jax.random.split(data)
    return new, sub


def _check_seed(seed) -> int:
    seed = int(seed)
    if not -0x8000_0000_0000_0000 <= seed <= 0xFFFF_FFFF_FFFF_FFFF:
        raise ValueError("Overflow when unpacking long long")
    return seed % (1 << 64)


class Generator:
    """Mirrors `torch.Generator`."""

    def __init__(self, device="cpu"):
        self._device = _device_cls(device) if not isinstance(device, _device_cls) else device
        self._state = Tensor._wrap(jnp.asarray(_key_data(DEFAULT_SEED)))
        self._seed = DEFAULT_SEED

    @property
    def device(self) -> _device_cls:
        return self._device

    def manual_seed(self, seed) -> Generator:
        """Mirrors `torch.Generator.manual_seed`: reset the stream; returns the generator."""
        seed = _check_seed(seed)
        self._seed = seed
        self._state._write(jnp.asarray(_key_data(seed)))
        return self

    def seed(self) -> int:
        """Mirrors `torch.Generator.seed`: seed from the operating system's entropy; returns it."""
        s = int.from_bytes(os.urandom(8), "little") & 0x7FFF_FFFF_FFFF_FFFF
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        """Mirrors `torch.Generator.get_state`: a uint8 tensor (here the 8 bytes of the key)."""
        words = np.asarray(self._state._data, dtype=np.uint32)
        return Tensor._wrap(jnp.asarray(np.frombuffer(words.tobytes(), dtype=np.uint8).copy()))

    def set_state(self, new_state: Tensor) -> Generator:
        """Mirrors `torch.Generator.set_state`."""
        if not isinstance(new_state, Tensor) or new_state.dtype is not D.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if new_state.numel() != _STATE_BYTES:
            raise RuntimeError(f"Expected a torchlike generator state of size {_STATE_BYTES} but found the input RNG "
                               f"state size to be {new_state.numel()}")
        raw = np.asarray(new_state._data, dtype=np.uint8).tobytes()
        self._state._write(jnp.asarray(np.frombuffer(raw, dtype=np.uint32).copy()))
        return self

    def _next_key(self):
        """A fresh raw PRNG key (uint32[2]); advances the stream."""
        new, sub = _split(self._state._data)
        self._state._write(new)
        return sub

    def __getstate__(self):
        return {"device": str(self._device), "seed": self._seed, "state": np.asarray(self._state._data)}

    def __setstate__(self, d):
        self.__init__(d["device"])
        self._seed = d["seed"]
        self._state._write(jnp.asarray(d["state"]))

    def __repr__(self):
        return f"<torchlike.Generator object at {hex(id(self))}>"


def _entropy_seed() -> int:
    """A nondeterministic 64-bit seed from the operating system, as PyTorch seeds its default CPU generator."""
    return int.from_bytes(os.urandom(8), "little")


default_generator = Generator().manual_seed(_entropy_seed())


def next_key(generator: Generator | None = None):
    """A fresh raw PRNG key from `generator` or the global stream (or, inside a torch.func transform
    that decides randomness, from the transform's stream)."""
    if _state.active and _state.modes.next_key is not None:
        return _state.modes.next_key(generator)
    g = generator if generator is not None else default_generator
    if not isinstance(g, Generator):
        raise TypeError(f"generator must be a torch.Generator, not {type(g).__name__}")
    return g._next_key()


def manual_seed(seed) -> Generator:
    """Mirrors `torch.manual_seed`: reseed the global stream; returns the default generator."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Mirrors `torch.seed`."""
    return default_generator.seed()


def initial_seed() -> int:
    """Mirrors `torch.initial_seed`."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """Mirrors `torch.get_rng_state`."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Mirrors `torch.set_rng_state`."""
    default_generator.set_state(new_state)
