"""torchlike.fft: mirrors `torch.fft`; the transforms are defined in torchlike/_ops/fft.py."""
from ._ops.fft import *  # noqa: F401,F403
from ._tensor import Tensor  # noqa: F401  (torch.fft.Tensor, as PyTorch's namespace has it)
from ._ops.fft import __all__  # noqa: F401
