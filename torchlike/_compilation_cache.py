"""JAX's persistent compilation cache, on by default: a script's second run loads the programs its
first run compiled instead of compiling them again.

On a GPU, XLA autotunes every convolution and matrix product while it compiles: the MNIST CNN's
training step takes about 30 s to compile on an H200 and then runs in about 1 ms. Kept on disk,
that cost is paid once per program, not once per run. Only programs that took at least a second
to compile are written (JAX's default threshold), so the many small eager kernels stay out.

    TORCHLIKE_COMPILATION_CACHE=0           off
    TORCHLIKE_COMPILATION_CACHE=/some/dir   in that folder
    (unset)                                 $XDG_CACHE_HOME/torchlike/xla, or ~/.cache/torchlike/xla

A cache folder the user gave JAX (JAX_COMPILATION_CACHE_DIR or jax.config) is left as it is.
"""
from __future__ import annotations

import os

import jax

OFF = ("0", "off", "false", "no")


def default_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "torchlike", "xla")


def configure() -> str | None:
    """Point JAX's persistent cache at torchlike's folder unless told otherwise; the folder in use."""
    setting = os.environ.get("TORCHLIKE_COMPILATION_CACHE", "").strip()
    user_dir = jax.config.jax_compilation_cache_dir or os.environ.get("JAX_COMPILATION_CACHE_DIR")
    if user_dir:
        return user_dir
    if setting.lower() in OFF:
        return None
    path = setting if setting and setting.lower() not in ("1", "on", "true", "yes") else default_dir()
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:  # a read-only home: run without the cache rather than fail at import
        return None
    jax.config.update("jax_compilation_cache_dir", path)
    return path


CACHE_DIR = configure()
