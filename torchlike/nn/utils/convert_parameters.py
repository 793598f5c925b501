"""parameters_to_vector and vector_to_parameters."""
from __future__ import annotations

from ..._ops import rnn as _R
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters) -> Tensor:
    """Mirrors `torch.nn.utils.parameters_to_vector`: every parameter flattened, concatenated."""
    params = list(parameters)
    return _R._flat_cat(params)


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Mirrors `torch.nn.utils.vector_to_parameters`: copy slices of vec into the parameters' data."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    for p in parameters:
        n = p.numel()
        p.data = Tensor._wrap(vec._data[offset:offset + n].reshape(tuple(p.shape)))
        offset += n
