"""torch.device <-> jax devices.

Mirrors `torch.device`. 'cpu' is jax's CPU device; 'cuda:N' is jax's N-th GPU. Asking for a
device type that is absent raises what a CPU-only PyTorch raises.
"""
from __future__ import annotations

import functools
import re

import jax

_TYPES = ("cpu", "cuda", "mps", "xla", "meta")


# PyTorch's device-string grammar: a type name, then optionally ':' and an index without leading zeros.
_DEVICE_STRING = re.compile(r"([a-zA-Z_]+)(?::([1-9][0-9]*|0))?")


def _parse(text: str, index):
    """(type, index) of a device string, with PyTorch's errors for malformed ones."""
    if not text:
        raise RuntimeError("Device string must not be empty")
    m = _DEVICE_STRING.fullmatch(text)
    if m is None:
        raise RuntimeError(f"Invalid device string: '{text}'")
    if m.group(2) is not None:
        if index is not None:
            raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {text}")
        index = int(m.group(2))
    if m.group(1) not in _TYPES:
        raise RuntimeError("Expected one of cpu, cuda, mps, xla, meta device type at start of device string: "
                           + m.group(1))
    if index is not None and index < 0:
        raise RuntimeError("Device index must not be negative")
    return m.group(1), index


class device:
    """Mirrors `torch.device`: `device('cuda:0')`, `device('cuda', 0)`, `device(0)`."""

    def __init__(self, type, index: int | None = None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int):
            type, index = "cuda", type
        elif isinstance(type, str):
            type, index = _parse(type, index)
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
        """`with torch.device(...):` makes it the default device of factory functions."""
        self._saved = get_default_device()
        set_default_device(self)
        return self

    def __exit__(self, *exc):
        set_default_device(self.__dict__.pop("_saved", None))
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


def place_like(array, like):
    """`array`, made on the default device (the CPU), on the device of the tensor `like`: operands
    torchlike makes for an op (a dropout key, an RNN's zero state) must live where the op's input
    does, or each call would copy them across."""
    if not gpu_devices():
        return array
    d = like._meta
    if isinstance(d, jax.core.Tracer):  # (inside torchlike.compile: placed with the traced program)
        return array
    dev = next(iter(d.devices()))
    return array if dev.platform == "cpu" else jax.device_put(array, dev)


def get_default_device() -> device:
    """Mirrors `torch.get_default_device`: where factory functions put tensors (the CPU)."""
    return device("cpu")


def set_default_device(d) -> None:
    """Mirrors `torch.set_default_device`. Only the CPU (the default) is supported: factory
    functions always place on the CPU unless given `device=`."""
    if d is None:
        return
    d = d if isinstance(d, device) else device(d)
    if d.type != "cpu":
        raise NotImplementedError(f"torch.set_default_device('{d}') (and `with torch.device('{d}'):`): a default "
                                  "device other than the CPU is not implemented in torchlike; pass device= to "
                                  "factory functions or move tensors with .to()")
