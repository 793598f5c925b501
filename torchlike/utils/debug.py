"""What the engine has compiled and cached: for finding a loop that keeps compiling.

torchlike runs every operator as a jitted kernel. A kernel is made once per operator form
(operand structure, dtype, static arguments) and compiled by XLA once per input shape; Python
floats given to an operator are kernel inputs, so a changing learning rate or dropout
probability compiles nothing new. A count that keeps rising in a steady loop points at a form
that changes every step (a new shape, an int or string argument that changes).

    from torchlike.utils import debug
    before = debug.kernel_stats()["compiled"]
    step()
    assert debug.kernel_stats()["compiled"] == before
"""
from __future__ import annotations

from .. import _engine, _program_budget
from .._engine import cache as _cache, kernel, placement

__all__ = ["kernel_stats", "clear_caches", "check_devices"]


def kernel_stats() -> dict:
    """A snapshot of the engine's compile counters and caches:

    - "compiled": XLA programs compiled so far (kernels, their backwards, fused programs);
    - "loaded": programs loaded from the persistent compilation cache instead (see
      torchlike/_config.py);
    - "kernels_built": operator kernels made so far (each is compiled once per input shape);
    - "cache_clears": how often the program budget cleared JAX's caches;
    - "caches": per cache family, {"caches": how many, "entries": total entries,
      "largest": the fullest cache's size, "bound": the most entries one cache keeps}.
    """
    return {
        "compiled": _program_budget.compiles(),
        "loaded": _program_budget.loaded(),
        "kernels_built": kernel.kernels_built[0],
        "cache_clears": _program_budget.clears,
        "caches": _cache.families(),
    }


def clear_caches() -> None:
    """Empty every engine cache (fast paths, kernels, backwards, replayed and fused programs,
    compiled steps) and JAX's compiled programs: the next calls rebuild and recompile what they use."""
    _engine.clear_caches()


def check_devices(enabled: bool = True) -> None:
    """Make every operator call refuse operands on different devices, with PyTorch's
    `RuntimeError: Expected all tensors to be on the same device, ...` (a 0-d CPU tensor goes with
    any device, as in PyTorch). Off by default: JAX then copies an operand across, which is slow
    but gives the same values. On a GPU this finds the copies a script (or torchlike) makes
    between host and device each step."""
    placement.checks_on = bool(enabled)
