"""Pieces shared by the layer families: argument tuples, weight/bias registration and initialisation,
`extra_repr` options, and the base of families whose members differ only in the functional they apply."""
from __future__ import annotations

import math

from ..._ops.creation import empty
from .. import init
from ..parameter import Parameter
from .module import Module


def _tuple(v, n: int) -> tuple:
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * n


def _register_weight_and_bias(module, weight_shape, bias_shape, *, weight: bool = True, bias: bool = True,
                              device=None, dtype=None) -> None:
    """Registers `weight` and `bias` as uninitialised Parameters of the given shapes, or None for a left-out one
    (in that order, as PyTorch's layers do)."""
    for name, shape, wanted in (("weight", weight_shape, weight), ("bias", bias_shape, bias)):
        if wanted:
            setattr(module, name, Parameter(empty(shape, device=device, dtype=dtype)))
        else:
            module.register_parameter(name, None)


def _register_affine(module, shape, affine: bool, bias: bool, device=None, dtype=None) -> None:
    """A norm's affine parameters: where `affine`, a weight and (if `bias`) a bias of `shape`; otherwise both None."""
    _register_weight_and_bias(module, shape, shape, weight=affine, bias=affine and bias, device=device, dtype=dtype)


def _init_affine_(weight, bias) -> None:
    """The identity affine transform: weight ones, bias (where there is one) zeros."""
    init.ones_(weight)
    if bias is not None:
        init.zeros_(bias)


def _init_kaiming_(weight, bias, *, bias_without_fan_in: bool) -> None:
    """Linear's and Conv's default initialisation: weight kaiming-uniform (a=sqrt(5)), bias uniform in
    ±1/sqrt(fan_in). Where fan_in is 0 the bias is drawn from [0, 0] if `bias_without_fan_in` (Linear) and left
    alone otherwise (Conv)."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
        if fan_in > 0 or bias_without_fan_in:
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(bias, -bound, bound)


def _changed_options(module, defaults: dict, *, quote: bool = False) -> str:
    """`, name=value` for each attribute of `module` named in `defaults` that differs from its default there,
    in that order (PyTorch's extra_repr idiom: `is not` against None and booleans, `!=` otherwise); `quote` shows
    the values' repr."""
    out = ""
    for name, default in defaults.items():
        value = getattr(module, name)
        changed = value is not default if default is None or isinstance(default, bool) else value != default
        if changed:
            out += f", {name}={value!r}" if quote else f", {name}={value}"
    return out


class _LayerFamily:
    """Base of a layer family whose members differ only in the functional they apply and/or their number of
    spatial dimensions: a member gives them in its class statement, `class MaxPool2d(_MaxPoolNd,
    fn=F.max_pool2d)`, and the family's code reads `type(self)._fn` and `self._n`."""

    _fn = None
    _n = 2
    _options = ()

    def __init_subclass__(cls, fn=None, dims: int | None = None, options: tuple | None = None, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if fn is not None:
            cls._fn = staticmethod(fn)
        if dims is not None:
            cls._n = dims
        if options is not None:
            cls._options = options


class _OptionsLayer(_LayerFamily, Module):
    """A layer that applies its functional to the input and its options: the attributes named in its class statement
    (`class ELU(_OptionsLayer, fn=F.elu, options=("alpha", "inplace"))`), which its constructor passes on to this one
    in that order, and which are the functional's next arguments. Its repr lists them as `name=value`, except that
    `inplace` shows only when set."""

    def __init__(self, *values) -> None:
        super().__init__()
        for name, value in zip(self._options, values, strict=True):
            setattr(self, name, value)

    def forward(self, input):
        return type(self)._fn(input, *(getattr(self, name) for name in self._options))

    def extra_repr(self) -> str:
        shown = [f"{name}={getattr(self, name)}" for name in self._options if name != "inplace"]
        if "inplace" in self._options and self.inplace:
            shown.append("inplace=True")
        return ", ".join(shown)
