"""Everything importing torchlike configures, in one place and in this order (`apply`, run once
by `torchlike/__init__.py` before anything else):

1. XLA options, before JAX starts its CPU backend (YNNPACK's dot fusion, below);
2. JAX's x64 mode (PyTorch's int64 and float64 need it) and the CPU as JAX's default device
   (PyTorch creates tensors on the CPU);
3. JAX's persistent compilation cache (below).

## YNNPACK
XLA's CPU backend can hand matrix products (and the convolutions it lowers to them) to YNNPACK,
which is 2-3x faster on a CNN training step than XLA's own CPU kernels: the documents' MNIST CNN
step goes from about 250 ms to about 85 ms on a 2-core x86 CPU. The option is experimental in XLA,
so it is set only for jaxlib releases it was checked with (an option a release does not know
aborts the process), only when the user's XLA_FLAGS say nothing about it, and never with
TORCHLIKE_YNN=0 in the environment. It changes nothing on GPUs.

## The persistent compilation cache
On by default: a script's second run loads the programs its
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
from importlib import metadata

YNN_DOT = False     # whether YNNPACK's dot fusion is on (set by apply)
CACHE_DIR = None    # the persistent compilation cache's folder, None when off (set by apply)
_applied = False

YNN_FLAG = "--xla_cpu_experimental_ynn_fusion_type=dot"
CHECKED_JAXLIB = ("0.10.",)  # releases whose CPU backend has the option and passed the test suite with it


def _jaxlib_version() -> str:
    try:
        return metadata.version("jaxlib")
    except metadata.PackageNotFoundError:
        return ""


def _configure_xla_flags() -> bool:
    """Add YNNPACK's dot fusion to XLA_FLAGS where that is safe; whether it is on."""
    flags = os.environ.get("XLA_FLAGS", "")
    if "ynn_fusion_type" in flags:
        return "ynn_fusion_type=dot" in flags or "ynn_fusion_type=+dot" in flags
    if os.environ.get("TORCHLIKE_YNN", "1") == "0" or not _jaxlib_version().startswith(CHECKED_JAXLIB):
        return False
    os.environ["XLA_FLAGS"] = f"{flags} {YNN_FLAG}".strip()
    return True


OFF = ("0", "off", "false", "no")


def default_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "torchlike", "xla")


def _configure_compilation_cache() -> str | None:
    """Point JAX's persistent cache at torchlike's folder unless told otherwise; the folder in use."""
    setting = os.environ.get("TORCHLIKE_COMPILATION_CACHE", "").strip()
    import jax
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


def apply() -> None:
    """Apply torchlike's import-time configuration (once)."""
    global YNN_DOT, CACHE_DIR, _applied
    if _applied:
        return
    YNN_DOT = _configure_xla_flags()
    import jax  # (after XLA_FLAGS: JAX reads them when it starts its backends)
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_default_device", jax.devices("cpu")[0])
    CACHE_DIR = _configure_compilation_cache()
    _applied = True
