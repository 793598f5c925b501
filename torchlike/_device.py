"""torch.device <-> jax devices.

Mirrors `torch.device`. 'cpu' is jax's CPU device; 'cuda:N' is jax's N-th GPU. Asking for a
device type that is absent raises what a CPU-only PyTorch raises.
"""
from __future__ import annotations

import functools

import jax

_TYPES = ("cpu", "cuda", "mps", "xla", "meta")


class device:
    """Mirrors `torch.device`: `device('cuda:0')`, `device('cuda', 0)`, `device(0)`."""

    def __init__(self, type, index: int | None = None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int):
            type, index = "cuda", type
        elif isinstance(type, str):
            if ":" in type:
                if index is not None:
                    raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
                type, _, idx = type.partition(":")
                if not idx.isdigit():
                    raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
                index = int(idx)
            if type not in _TYPES:
                raise RuntimeError(f"Expected one of cpu, cuda, mps, xla, meta device type at start of device string: {type}")
        else:
            raise TypeError(f"device() received an invalid combination of arguments - got ({type!r})")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}'" + (f", index={self.index})" if self.index is not None else ")")

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@functools.lru_cache(None)
def gpu_devices() -> tuple:
    try:
        return tuple(jax.local_devices(backend="gpu"))  # this process's own (torch.distributed runs several)
    except RuntimeError:
        return ()


@functools.lru_cache(None)
def cpu_device():
    return jax.local_devices(backend="cpu")[0]


def default_device() -> jax.Device:
    """Where JAX puts an array nobody placed (torchlike makes it the CPU, where PyTorch creates tensors)."""
    return jax.config.jax_default_device or jax.devices()[0]


def to_jax(d) -> "jax.Device":
    """The jax device for a torch device spec (str, int, device)."""
    d = d if isinstance(d, device) else device(d)
    if d.type == "cpu":
        return cpu_device()
    if d.type == "cuda":
        gpus = gpu_devices()
        if not gpus:
            raise AssertionError("Torch not compiled with CUDA enabled")
        index = d.index or 0
        if index >= len(gpus):
            raise RuntimeError("CUDA error: invalid device ordinal")
        return gpus[index]
    raise RuntimeError(f"torchlike cannot place tensors on device type '{d.type}'")


def from_jax(jd) -> device:
    """The torch device of a jax device."""
    if jd.platform == "cpu":
        return device("cpu")
    return device("cuda", gpu_devices().index(jd) if jd in gpu_devices() else jd.id)
