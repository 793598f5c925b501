"""torch.backends.cudnn flags. Mirrors `torch.backends.cudnn` (flags only: XLA picks GPU kernels)."""
from __future__ import annotations

import contextlib

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True
benchmark_limit = 10


def is_available() -> bool:
    """Mirrors `torch.backends.cudnn.is_available`: True when JAX sees a GPU."""
    from .. import _device
    return len(_device.gpu_devices()) > 0


def version():
    return None


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, deterministic=False, allow_tf32=True):
    g = globals()
    saved = {k: g[k] for k in ("enabled", "benchmark", "deterministic", "allow_tf32")}
    g.update(enabled=enabled, benchmark=benchmark, deterministic=deterministic, allow_tf32=allow_tf32)
    try:
        yield
    finally:
        g.update(saved)
