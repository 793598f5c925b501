"""Named result tuples: `torch.return_types.max(values=..., indices=...)` and friends.

Mirrors `torch.return_types`. Each type is a tuple (unpacking and indexing work) with named fields,
printed as PyTorch prints its structseqs.
"""
from __future__ import annotations

import collections

_FIELDS = {
    "max": "values indices", "min": "values indices", "sort": "values indices", "topk": "values indices",
    "kthvalue": "values indices", "median": "values indices", "nanmedian": "values indices",
    "mode": "values indices", "cummax": "values indices", "cummin": "values indices", "aminmax": "min max",
    "slogdet": "sign logabsdet", "linalg_slogdet": "sign logabsdet", "svd": "U S V", "linalg_svd": "U S Vh",
    "qr": "Q R", "linalg_qr": "Q R", "linalg_eigh": "eigenvalues eigenvectors",
    "linalg_lstsq": "solution residuals rank singular_values", "linalg_inv_ex": "inverse info",
    "linalg_cholesky_ex": "L info",
}


def _make(name: str, fields: str) -> type:
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__,
                               "__module__": __name__})
    return cls


for _name, _fields in _FIELDS.items():
    globals()[_name] = _make(_name, _fields)
    globals()[_name + "_out"] = _make(_name + "_out", _fields)  # what the out= forms return

__all__ = list(_FIELDS) + [n + "_out" for n in _FIELDS]


def wrap(name: str, result, out=None):
    """A tuple of results as the return type `name` (`name_out` when written into out=)."""
    return globals()[name + ("_out" if out is not None else "")](*result)
