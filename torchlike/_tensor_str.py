"""repr/str of tensors, as PyTorch prints them.

Mirrors `torch._tensor_str`: the print options, the choice between integer, fixed and
scientific notation, column widths, line wrapping, summarisation of large tensors and the
`dtype=`/`device=`/`requires_grad=`/`grad_fn=` suffixes. Everything is computed on a numpy
copy of the tensor's values; Python floats do the formatting, so the digits match PyTorch's.
"""
from __future__ import annotations

import contextlib
import math

import numpy as np

from . import _dtype as D
from ._engine.methods import install
from ._tensor import Tensor

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


class _PrinterOptions:
    """The current print options (mirrors `torch._tensor_str.PRINT_OPTS`)."""

    def __init__(self):
        self.precision, self.threshold, self.edgeitems, self.linewidth = 4, 1000, 3, 80
        self.sci_mode = None

    def __repr__(self):
        return f"_PrinterOptions({get_printoptions()})"


PRINT_OPTS = _PrinterOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None) -> None:
    """Mirrors `torch.set_printoptions`. A profile sets the four numeric options first; `sci_mode`
    is always assigned (None goes back to choosing automatically)."""
    if profile is not None:
        for k, v in _PROFILES.get(profile, {}).items():
            setattr(PRINT_OPTS, k, v)
    for k, v in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                 ("linewidth", linewidth)):
        if v is not None:
            setattr(PRINT_OPTS, k, v)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """Mirrors `torch._tensor_str.get_printoptions`."""
    return {k: getattr(PRINT_OPTS, k) for k in ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Mirrors `torch._tensor_str.printoptions`: set options for the duration of a `with` block."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ----- number formatting -----

class _Formatter:
    """Chooses one notation and one column width for all the values of a (summarised) tensor."""

    def __init__(self, values: np.ndarray, floating: bool):
        self.floating, self.int_mode, self.sci_mode, self.max_width = floating, True, False, 1
        flat = values.reshape(-1)
        if not floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return  # nothing to measure: integer notation, and a forced sci_mode is not applied
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        wide = np.abs(finite).astype(np.float64)
        lo, hi = float(wide.min()), float(wide.max())
        sci = hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4)
        self.sci_mode = sci if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode
        # The column width is measured in the notation that will be printed.
        p = PRINT_OPTS.precision
        if self.sci_mode:
            lengths = (len(f"{v:.{p}e}") for v in finite.astype(np.float64).tolist())
        elif self.int_mode:
            lengths = (len(f"{v:.0f}") + 1 for v in finite.astype(np.float64).tolist())
        else:
            lengths = (len(f"{v:.{p}f}") for v in finite.astype(np.float64).tolist())
        self.max_width = max(self.max_width, max(lengths))

    def format(self, v) -> str:
        if not self.floating:
            s = str(v)
        elif self.sci_mode:
            s = f"{v:{self.max_width}.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            s = f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        else:
            s = f"{v:.{PRINT_OPTS.precision}f}"
        return s.rjust(self.max_width)


class _Printer:
    """One formatter (two for complex: real and imaginary parts) and the layout rules.

    When summarising, it prints from the compacted values (`_compact`): a dimension longer than
    2 * edgeitems holds only its first and last `edgeitems` entries, with `...` between them."""

    def __init__(self, values: np.ndarray, summarize: bool, dt: D.dtype):
        self.summarize = summarize
        if dt.is_complex:
            self.fmts = (_Formatter(values.real, True), _Formatter(values.imag, True))
        else:
            self.fmts = (_Formatter(values, dt.is_floating_point),)

    def value(self, v) -> str:
        if len(self.fmts) == 1:
            return self.fmts[0].format(v)
        re, im = self.fmts[0].format(v.real), (self.fmts[1].format(v.imag) + "j").lstrip()
        return re + im if im[0] in "+-" else re + "+" + im

    def _cut(self, n: int) -> bool:
        return self.summarize and n > 2 * PRINT_OPTS.edgeitems

    def block(self, a: np.ndarray, shape: tuple, indent: int) -> str:
        """The text of `a`, the compacted values of a block whose real shape is `shape`."""
        if a.ndim == 0:
            return self.value(a.item())
        if a.ndim == 1:
            return self.vector(a, shape[0], indent)
        e = PRINT_OPTS.edgeitems
        rows = [self.block(a[i], shape[1:], indent + 1) for i in range(a.shape[0])]
        if self._cut(shape[0]):
            rows = rows[:e] + ["..."] + rows[e:]
        return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"

    def vector(self, a: np.ndarray, n: int, indent: int) -> str:
        width = self.fmts[0].max_width + 2 + (self.fmts[1].max_width + 1 if len(self.fmts) == 2 else 0)
        per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / width))
        e = PRINT_OPTS.edgeitems
        items = [self.value(v) for v in a.tolist()]
        if self.summarize and not e:
            items = ["..."]
        elif self._cut(n):
            items = items[:e] + [" ..."] + items[e:]
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _compact(t, summarize: bool) -> np.ndarray:
    """The values to print as numpy (floats widened to float64, exactly). When summarising, only
    the edges of each long dimension are gathered, on the tensor's device, before the copy."""
    data = t.detach()._data
    if summarize and data.ndim:
        e = PRINT_OPTS.edgeitems
        idx = [np.r_[0:e, n - e:n] if n > 2 * e else np.arange(n) for n in data.shape]
        data = data[np.ix_(*idx)]
    a = np.asarray(data)
    if a.dtype.kind == "f" or t.dtype in (D.float16, D.bfloat16):
        return a.astype(np.float64)
    return a


# ----- the whole repr -----

def _add_suffixes(text: str, suffixes: list, indent: int) -> str:
    """Append `, key=value` suffixes, starting a new line when one would pass the line width.
    The running line length is PyTorch's (it counts two more than the first line's length)."""
    out = [text]
    line_len = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        if line_len + len(s) + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + s)
            line_len = indent + len(s)
        else:
            out.append(", " + s)
            line_len += len(s) + 2
    return "".join(out) + ")"


def _is_parameter(t) -> bool:
    return getattr(type(t), "_is_param", False)


def _body_and_suffixes(t, indent: int) -> tuple[str, list]:
    dt, shape, n = t.dtype, tuple(t.shape), t.numel()
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    default = D.get_default_dtype()
    if n == 0:
        if len(shape) != 1:
            suffixes.append(f"size={shape}")
        if dt is not default:
            suffixes.append(f"dtype={dt!r}")
        return "[]", suffixes
    if not PRINT_OPTS.edgeitems:
        suffixes.append(f"size={shape}")
    if dt not in (default, D.default_complex(), D.int64, D.bool_):
        suffixes.append(f"dtype={dt!r}")
    summarize = n > PRINT_OPTS.threshold
    values = _compact(t, summarize)
    return _Printer(values, summarize, dt).block(values, shape, indent), suffixes


def tensor_repr(t, tensor_contents: str | None = None) -> str:
    """Mirrors `torch.Tensor.__repr__` (`tensor_contents`: the text printed in place of the values, as
    tensor subclasses pass it)."""
    plain = type(t) is Tensor or type(t).__name__ == "Parameter" and _is_parameter(t)
    prefix = "tensor(" if plain else f"{type(t).__name__}("
    body, suffixes = _body_and_suffixes(t, len(prefix))
    if tensor_contents is not None:
        body = tensor_contents
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    text = _add_suffixes(prefix + body, suffixes, len(prefix))
    if not plain and _is_parameter(t):
        text = f"Parameter({text})"
    return text


def parameter_repr(t) -> str:
    """Mirrors `torch.nn.Parameter.__repr__`."""
    return "Parameter containing:\n" + tensor_repr(t)


def _repr(self, *, tensor_contents=None) -> str:
    return tensor_repr(self, tensor_contents)


install("__repr__", _repr)
