"""torch.backends: settable flags (cudnn, cuda.matmul, mps). Mirrors `torch.backends`.

XLA chooses its own algorithms; the flags are kept so that scripts can set and read them.
"""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
