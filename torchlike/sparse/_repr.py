"""How PyTorch prints a sparse COO tensor: its indices and values, then size, nnz, dtype and layout."""
from __future__ import annotations

from .. import _dtype as D
from .._tensor import Tensor
from .._tensor_str import PRINT_OPTS, _body_and_suffixes

_PREFIX = "tensor("


def _part(name: str, array, indent: int) -> str:
    """`indices=tensor(...)` / `values=tensor(...)`, continuation lines indented under the first."""
    head = f"{name}=tensor("
    t = Tensor._wrap(array)
    body, _ = _body_and_suffixes(t, indent + len(head))
    if t.numel() == 0:
        body += f", size={tuple(t.shape)}"
    return head + body + ")"


def sparse_repr(t) -> str:
    """Mirrors `torch.Tensor.__repr__` for the sparse COO layout."""
    indent = len(_PREFIX)
    text = (_PREFIX + _part("indices", t._idx, indent) + ",\n" + " " * indent
            + _part("values", t._vals, indent))
    suffixes = [f"size={tuple(t.shape)}", f"nnz={t._nnz()}"]
    if t.device.type != "cpu":
        suffixes.insert(0, f"device='{t.device}'")
    if t.dtype not in (D.get_default_dtype(), D.default_complex(), D.int64, D.bool_):
        suffixes.append(f"dtype={t.dtype!r}")
    suffixes.append("layout=torch.sparse_coo")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(text, suffixes, indent)


def _with_suffixes(text: str, suffixes: list, indent: int) -> str:
    """PyTorch's suffix layout for sparse tensors: the first suffix on a new line, then as many per line
    as the line width allows."""
    out = [text]
    line_len = 0
    for i, s in enumerate(suffixes):
        if i == 0 or line_len + len(s) + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + s)
            line_len = indent + len(s)
        else:
            out.append(", " + s)
            line_len += len(s) + 2
    return "".join(out) + ")"
