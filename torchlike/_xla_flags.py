"""XLA options torchlike turns on before JAX starts its CPU backend.

XLA's CPU backend can hand matrix products (and the convolutions it lowers to them) to YNNPACK,
which is 2-3x faster on a CNN training step than XLA's own CPU kernels: the documents' MNIST CNN
step goes from about 250 ms to about 85 ms on a 2-core x86 CPU. The option is experimental in XLA,
so it is set only for jaxlib releases it was checked with (an option a release does not know
aborts the process), only when the user's XLA_FLAGS say nothing about it, and never with
TORCHLIKE_YNN=0 in the environment. It changes nothing on GPUs.
"""
from __future__ import annotations

import os
from importlib import metadata

YNN_FLAG = "--xla_cpu_experimental_ynn_fusion_type=dot"
CHECKED_JAXLIB = ("0.10.",)  # releases whose CPU backend has the option and passed the test suite with it


def _jaxlib_version() -> str:
    try:
        return metadata.version("jaxlib")
    except metadata.PackageNotFoundError:
        return ""


def configure() -> bool:
    """Add YNNPACK's dot fusion to XLA_FLAGS where that is safe; whether it is on."""
    flags = os.environ.get("XLA_FLAGS", "")
    if "ynn_fusion_type" in flags:
        return "ynn_fusion_type=dot" in flags or "ynn_fusion_type=+dot" in flags
    if os.environ.get("TORCHLIKE_YNN", "1") == "0" or not _jaxlib_version().startswith(CHECKED_JAXLIB):
        return False
    os.environ["XLA_FLAGS"] = f"{flags} {YNN_FLAG}".strip()
    return True


YNN_DOT = configure()
