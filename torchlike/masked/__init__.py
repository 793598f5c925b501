"""The `torch.masked` namespace: reductions and normalizations that skip masked-out elements
(`_ops.py`), and the MaskedTensor names (`maskedtensor.py`)."""
from ._ops import (amax, amin, argmax, argmin, cumprod, cumsum, log_softmax, logaddexp, logsumexp,  # noqa: F401
                   mean, median, norm, normalize, prod, softmax, softmin, std, sum, var)
from ._ops import _canonical_dim, _input_mask  # noqa: F401
from .maskedtensor import MaskedTensor, as_masked_tensor, is_masked_tensor, masked_tensor  # noqa: F401

__all__ = ["amax", "amin", "argmax", "argmin", "as_masked_tensor", "cumprod", "cumsum", "is_masked_tensor",
           "log_softmax", "logaddexp", "logsumexp", "masked_tensor", "MaskedTensor", "mean", "median", "norm",
           "normalize", "prod", "softmax", "softmin", "std", "sum", "var"]
