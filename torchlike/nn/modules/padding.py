"""Padding layers: constant (zero), reflection, replication and circular, in 1, 2 and 3 dimensions."""
from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = [
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
]


def _padding(padding, n: int) -> tuple:
    if isinstance(padding, (list, tuple)):
        return tuple(padding)
    return (padding,) * (2 * n)


class _PadNd(Module):
    _n, _mode = 1, "constant"

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _padding(padding, self._n)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


def _layer(name: str, base, n: int, mode: str = "constant", doc_name: str | None = None):
    cls = type(name, (base,), {"_n": n, "_mode": mode, "__doc__": f"Mirrors `torch.nn.{doc_name or name}`.",
                               "__module__": __name__})
    return cls


ConstantPad1d = _layer("ConstantPad1d", _ConstantPadNd, 1)
ConstantPad2d = _layer("ConstantPad2d", _ConstantPadNd, 2)
ConstantPad3d = _layer("ConstantPad3d", _ConstantPadNd, 3)
ReflectionPad1d = _layer("ReflectionPad1d", _PadNd, 1, "reflect")
ReflectionPad2d = _layer("ReflectionPad2d", _PadNd, 2, "reflect")
ReflectionPad3d = _layer("ReflectionPad3d", _PadNd, 3, "reflect")
ReplicationPad1d = _layer("ReplicationPad1d", _PadNd, 1, "replicate")
ReplicationPad2d = _layer("ReplicationPad2d", _PadNd, 2, "replicate")
ReplicationPad3d = _layer("ReplicationPad3d", _PadNd, 3, "replicate")


class _CircularPadNd(_PadNd):
    def forward(self, input):
        # PyTorch's circular layers check the rank themselves (ValueError) before F.pad does.
        if input.dim() not in (self._n + 1, self._n + 2):
            raise ValueError(f"expected {self._n + 1}D or {self._n + 2}D input (got {input.dim()}D input)")
        return F.pad(input, self.padding, "circular")


CircularPad1d = _layer("CircularPad1d", _CircularPadNd, 1, "circular")
CircularPad2d = _layer("CircularPad2d", _CircularPadNd, 2, "circular")
CircularPad3d = _layer("CircularPad3d", _CircularPadNd, 3, "circular")


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


ZeroPad1d = _layer("ZeroPad1d", _ZeroPadNd, 1)
ZeroPad2d = _layer("ZeroPad2d", _ZeroPadNd, 2)
ZeroPad3d = _layer("ZeroPad3d", _ZeroPadNd, 3)
