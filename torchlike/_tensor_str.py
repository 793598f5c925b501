"""repr/str of tensors, as PyTorch prints them."""
from __future__ import annotations

import numpy as np


def tensor_repr(t) -> str:
    body = np.array2string(np.asarray(t._data), separator=", ", prefix="tensor(")
    return f"tensor({body})"
