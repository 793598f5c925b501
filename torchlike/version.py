"""torch.version: the PyTorch API version torchlike implements. Mirrors `torch.version`.

`__version__` is "2.13.0", the PyTorch release whose behaviour torchlike follows, as a
`TorchVersion`, the str subclass PyTorch uses so that `torch.__version__ >= "2.6"` and
`torch.__version__ > (2, 0)` compare versions rather than text. This is a CPU/XLA build in
PyTorch's terms: `cuda`, `hip`, `rocm` and `xpu` are None, as in a CPU-only PyTorch.
"""
from __future__ import annotations

import re

__all__ = ["TorchVersion", "__version__", "cuda", "debug", "git_version", "hip"]

_VERSION_RE = re.compile(r"^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|rc)(\d*))?(?:[-_.]?post(\d*))?(?:[-_.]?dev(\d*))?"
                         r"(?:\+([a-z0-9.]+))?$", re.IGNORECASE)
_PRE_ORDER = {"a": 0, "b": 1, "rc": 2}


def _sort_key(text: str):
    """A comparison key with PEP 440's order for the usual forms (release, aN/bN/rcN, postN, devN, +local)."""
    m = _VERSION_RE.match(text.strip())
    if m is None:
        raise ValueError(f"Invalid version: {text!r}")
    release, pre, pre_n, post, dev, local = m.groups()
    parts = [int(p) for p in release.split(".")]
    while len(parts) > 1 and parts[-1] == 0:  # 2.13 == 2.13.0
        parts.pop()
    if pre is not None:
        pre_key = (_PRE_ORDER[pre.lower()], int(pre_n or 0))
    elif dev is not None and post is None:
        pre_key = (-1, 0)  # 2.13.0.dev1 comes before 2.13.0a1
    else:
        pre_key = (3, 0)
    post_key = -1 if post is None else int(post or 0)
    dev_key = float("inf") if dev is None else int(dev or 0)
    local_key = () if local is None else tuple(local.lower().split("."))
    return tuple(parts), pre_key, post_key, dev_key, (local is not None, local_key)


class TorchVersion(str):
    """Mirrors `torch.torch_version.TorchVersion`: a version string that compares as a version with
    strings, tuples of ints (`(2, 0)`) and other versions; text that is not a version compares as text."""

    def _other_key(self, other):
        if isinstance(other, tuple):
            other = ".".join(str(p) for p in other)
        if not isinstance(other, str):
            return None
        try:
            return _sort_key(other)
        except ValueError:
            return None

    def _compare(self, other, op, text_op):
        key = self._other_key(other)
        if key is None:
            return text_op(str(self), other) if isinstance(other, str) else NotImplemented
        return op(_sort_key(self), key)

    def __eq__(self, other):
        return self._compare(other, lambda a, b: a == b, str.__eq__)

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b, str.__lt__)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b, str.__le__)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b, str.__gt__)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b, str.__ge__)

    __hash__ = str.__hash__
    # `!=` stays str's text comparison, as in PyTorch's TorchVersion (which defines no __ne__ either)


__version__ = TorchVersion("2.13.0")
debug = False
cuda = None
hip = None
rocm = None
xpu = None
git_version = "Unknown"  # PyTorch's value for a build made outside a git checkout
