"""torchlike.random: the global generator's seeding and state. Mirrors `torch.random`."""
from __future__ import annotations

import contextlib

from ._random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state  # noqa: F401


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, _caller: str = "fork_rng", _devices_kw: str = "devices",
             device_type: str = "cuda"):
    """Mirrors `torch.random.fork_rng`: the global stream is restored when the block exits."""
    if not enabled:
        yield
        return
    state, seed_ = get_rng_state(), initial_seed()
    try:
        yield
    finally:
        set_rng_state(state)
        default_generator._seed = seed_
