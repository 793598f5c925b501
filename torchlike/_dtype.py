"""dtypes, the default dtype, and PyTorch's type promotion rules.

Mirrors `torch.dtype`, `torch.get_default_dtype`, `torch.promote_types`, `torch.result_type`,
`torch.can_cast`, `torch.finfo` and `torch.iinfo`. Promotion is PyTorch's, never JAX's.
"""
from __future__ import annotations

import builtins

import numpy as np
import jax.numpy as jnp

BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """Mirrors `torch.dtype`."""

    def __init__(self, name: str, np_dtype, category: int, legacy: str | None):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        self.is_floating_point = category == FLOAT
        self.is_complex = category == COMPLEX
        self.is_signed = name not in ("uint8", "bool")
        self.legacy = legacy  # "Float" for torch.FloatTensor, "Long" for LongTensor, ...

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self) -> "dtype":
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self) -> "dtype":
        return {float64: complex128, complex128: complex128}.get(self, complex64)


bool_ = dtype("bool", np.bool_, BOOL, "Bool")
uint8 = dtype("uint8", np.uint8, INT, "Byte")
int8 = dtype("int8", np.int8, INT, "Char")
int16 = dtype("int16", np.int16, INT, "Short")
int32 = dtype("int32", np.int32, INT, "Int")
int64 = dtype("int64", np.int64, INT, "Long")
float16 = dtype("float16", np.float16, FLOAT, "Half")
bfloat16 = dtype("bfloat16", jnp.bfloat16, FLOAT, "BFloat16")
float32 = dtype("float32", np.float32, FLOAT, "Float")
float64 = dtype("float64", np.float64, FLOAT, "Double")
complex64 = dtype("complex64", np.complex64, COMPLEX, "ComplexFloat")
complex128 = dtype("complex128", np.complex128, COMPLEX, "ComplexDouble")

ALL = [bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128]

# The 8-bit floats: storage formats in PyTorch, which converts to and from them and refuses to
# promote them with anything else. They are not in ALL (no op sweeps over them).
float8_e4m3fn = dtype("float8_e4m3fn", jnp.float8_e4m3fn, FLOAT, "Float8_e4m3fn")
float8_e5m2 = dtype("float8_e5m2", jnp.float8_e5m2, FLOAT, "Float8_e5m2")
float8_e4m3fnuz = dtype("float8_e4m3fnuz", jnp.float8_e4m3fnuz, FLOAT, "Float8_e4m3fnuz")
float8_e5m2fnuz = dtype("float8_e5m2fnuz", jnp.float8_e5m2fnuz, FLOAT, "Float8_e5m2fnuz")
float8_e8m0fnu = dtype("float8_e8m0fnu", jnp.float8_e8m0fnu, FLOAT, "Float8_e8m0fnu")
FLOAT8 = (float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu)
# The wide unsigned integers: also storage types in PyTorch, which promotes them only to floats.
uint16 = dtype("uint16", np.uint16, INT, "UInt16")
uint32 = dtype("uint32", np.uint32, INT, "UInt32")
uint64 = dtype("uint64", np.uint64, INT, "UInt64")
WIDE_UINT = (uint16, uint32, uint64)
for _d in WIDE_UINT:
    _d.is_signed = False

_BY_NP = {d.np: d for d in ALL + list(FLOAT8) + list(WIDE_UINT)}
_BY_NAME = {d.name: d for d in ALL + list(FLOAT8) + list(WIDE_UINT)}

# The names torch exports for each dtype (torch.float is torch.float32, ...).
ALIASES = {
    "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16, "short": int16, "int32": int32,
    "int": int32, "int64": int64, "long": int64, "float16": float16, "half": float16,
    "bfloat16": bfloat16, "float32": float32, "float": float32, "float64": float64, "double": float64,
    "complex64": complex64, "cfloat": complex64, "complex128": complex128, "cdouble": complex128,
    **{d.name: d for d in FLOAT8 + WIDE_UINT},
}


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(d) -> dtype:
    """The torch dtype of a numpy/jax dtype."""
    try:
        return _BY_NP[np.dtype(d)]
    except KeyError:
        if not np.dtype(d).isnative:
            raise ValueError("given numpy array has byte order different from the native byte order. Conversion "
                             "between byte orders is currently not supported.") from None
        raise TypeError(f"can't convert np.ndarray of type {np.dtype(d)}. The only supported types are: "
                        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
                        "uint8, and bool.") from None


# PyTorch's C++ names of dtypes, as its messages print them.
C_NAMES = {"Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char", "Byte": "unsigned char",
           "Float": "float", "Double": "double", "Half": "c10::Half", "BFloat16": "c10::BFloat16", "Bool": "bool",
           "ComplexFloat": "c10::complex<float>", "ComplexDouble": "c10::complex<double>"}


_default = [float32]
# Called after the default dtype changes; the engine registers the dropping of its fast-path entries
# (kernels chosen under the old default).
_on_default_change: list = []


def on_default_dtype_change(fn) -> None:
    """Call fn() after every change of the default dtype (the engine's hook, registered once)."""
    if fn not in _on_default_change:
        _on_default_change.append(fn)


def get_default_dtype() -> dtype:
    """Mirrors `torch.get_default_dtype`."""
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Mirrors `torch.set_default_dtype`: only floating point dtypes are allowed."""
    if not isinstance(d, dtype):  # PyTorch takes no Python type, numpy dtype or name here
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if d not in (float16, bfloat16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    changed = d is not _default[0]
    _default[0] = d
    if changed:
        for fn in _on_default_change:
            fn()


def default_complex() -> dtype:
    return complex128 if _default[0] is float64 else complex64


def to_dtype(d) -> dtype:
    """Accepts a torch dtype, a Python type (float/int/bool/complex) or a numpy dtype; never a string,
    which PyTorch's argument parser refuses for every dtype= argument."""
    if isinstance(d, dtype):
        return d
    if isinstance(d, str):
        raise TypeError("argument 'dtype' must be torch.dtype, not str")
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool_
    if d is builtins.complex:
        return complex128
    try:
        return from_numpy_dtype(d)
    except TypeError:
        if isinstance(d, type):  # str, object, list: PyTorch's parser refuses the argument itself
            raise TypeError(f"argument 'dtype' must be torch.dtype, not {type(d).__name__}") from None
        raise


def promote_types(a: dtype, b: dtype) -> dtype:
    """Mirrors `torch.promote_types`: the smallest dtype both a and b can be cast to safely."""
    if a is b:
        return a
    if a in FLOAT8 or b in FLOAT8:
        raise RuntimeError(f"Promotion for Float8 Types is not supported, attempted to promote {a.legacy} and "
                           f"{b.legacy}")
    if a in WIDE_UINT or b in WIDE_UINT:
        other = b if a in WIDE_UINT else a
        if other.category < FLOAT or other in WIDE_UINT:
            raise RuntimeError(f"Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
                               f"{a.legacy} and {b.legacy}")
        return other
    if a is bool_:
        return b
    if b is bool_:
        return a
    ca, cb = a.category, b.category
    if ca != cb:
        hi, lo = (a, b) if ca > cb else (b, a)
        if hi.is_complex and lo is float64:
            return complex128
        return hi
    if ca == INT:
        if uint8 in (a, b):
            other = b if a is uint8 else a
            return other if other.itemsize > 1 else int16
        return a if a.itemsize > b.itemsize else b
    if ca == FLOAT and {a, b} == {float16, bfloat16}:
        return float32
    return a if a.itemsize > b.itemsize else b


def _combine_categories(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """How a lower-priority participant (0-d tensor, Python scalar) may lift the result."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        return higher.to_complex() if higher.is_floating_point else lower
    if higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(v) -> dtype:
    """The dtype a Python scalar takes part in promotion as (a 'wrapped number')."""
    if isinstance(v, builtins.bool):
        return bool_
    if isinstance(v, builtins.int):
        return int64
    if isinstance(v, builtins.float):
        return _default[0]
    if isinstance(v, builtins.complex):
        return default_complex()
    raise TypeError(f"unsupported scalar {v!r}")


def result_dtype(operands) -> dtype:
    """Mirrors `torch.result_type` over tensors and Python scalars.

    Tensors with dims outrank 0-d tensors, which outrank Python scalars; a lower rank only
    changes the result when it is of a higher category (bool < int < float < complex).
    """
    dim_r = zero_r = wrapped_r = None
    for x in operands:
        if isinstance(x, (builtins.bool, builtins.int, builtins.float, builtins.complex)):
            d = scalar_dtype(x)
            wrapped_r = d if wrapped_r is None else promote_types(wrapped_r, d)
        elif x is not None:
            d = x.dtype
            if x.ndim == 0:
                zero_r = d if zero_r is None else promote_types(zero_r, d)
            else:
                dim_r = d if dim_r is None else promote_types(dim_r, d)
    return _combine_categories(dim_r, _combine_categories(zero_r, wrapped_r))


def can_cast(from_: dtype, to: dtype) -> bool:
    """Mirrors `torch.can_cast`: no casting to a lower category (float -> int, complex -> float, ... -> bool)."""
    return from_.category <= to.category


class finfo:
    """Mirrors `torch.finfo`."""

    def __init__(self, type: dtype | None = None):
        type = to_dtype(type) if type is not None else _default[0]
        if type.category < FLOAT:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'")
        fi = jnp.finfo(type.to_real().np)
        self.dtype = type.to_real().name
        self.bits = fi.bits
        self.eps = builtins.float(fi.eps)
        self.max = builtins.float(fi.max)
        self.min = builtins.float(fi.min)
        self.tiny = self.smallest_normal = builtins.float(fi.tiny)
        self.resolution = builtins.float(fi.resolution)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Mirrors `torch.iinfo`."""

    def __init__(self, type: dtype):
        type = to_dtype(type)
        if type.category != INT and type is not bool_:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        ii = np.iinfo(type.np) if type is not bool_ else None
        self.dtype = type.name
        self.bits = type.itemsize * 8
        self.max = builtins.int(ii.max) if ii else 1
        self.min = builtins.int(ii.min) if ii else 0

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"

# torch's alias names for the dtypes
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128


class memory_format:
    """Mirrors `torch.memory_format`. Tensors here are always laid out row-major: a format is
    accepted where PyTorch takes one (.to, .contiguous, clone, *_like) and leaves values as they are."""

    def __init__(self, name: str, rank: int | None = None):
        self.name, self.rank = name, rank

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_memory_format_by_name, (self.name,))


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last", 4)
channels_last_3d = memory_format("channels_last_3d", 5)
_FORMATS = {f.name: f for f in (contiguous_format, preserve_format, channels_last, channels_last_3d)}


def _memory_format_by_name(name: str) -> memory_format:
    return _FORMATS[name]


def check_memory_format(fmt, ndim: int, fn: str) -> None:
    """PyTorch's refusals of a memory_format argument: not one, or channels-last for another rank."""
    if fmt is not None and not isinstance(fmt, memory_format):
        raise TypeError(f"{fn}(): argument 'memory_format' must be torch.memory_format, not {type(fmt).__name__}")
    if fmt is not None and fmt.rank is not None and fmt.rank != ndim:
        suffix = "" if fmt.rank == 4 else "_3d"
        raise RuntimeError(f"required rank {fmt.rank} tensor to use channels_last{suffix} format")


class layout:
    """Mirrors `torch.layout`: how a tensor's elements are stored (dense `strided`, or `sparse_coo`)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_layout_by_name, (self.name,))


strided = layout("strided")
sparse_coo = layout("sparse_coo")


def _layout_by_name(name: str) -> layout:
    return {"strided": strided, "sparse_coo": sparse_coo}[name]
