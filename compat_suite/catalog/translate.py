"""Carry PyTorch's catalog entries over to torchlike.

PyTorch's catalogs (`op_db`, `module_db`, `optim_db`) describe each entry with torch callables and
torch sample values. Here those become their torchlike counterparts:

- values: torch tensors become torchlike tensors with the same values, dtype and requires_grad
  (a fresh leaf each); dtypes, sizes, devices and memory formats map by name; containers recurse.
- callables: a torch function is looked up by its public path (`torch.linalg.norm` ->
  `torchlike.linalg.norm`); a Tensor method by its name on `torchlike.Tensor`; a function written
  inside PyTorch's test package (the catalog's lambdas) is re-created with `torch` and friends in
  its globals and closure pointing at torchlike, so its body runs against torchlike unchanged.

A name torchlike lacks raises `Missing`, which the drivers report as "no counterpart" rather than
as a failure of something that exists.
"""
from __future__ import annotations

import builtins
import functools
import importlib
import re
import types

import numpy as np
import torch

import torchlike


class Missing(Exception):
    """torchlike has no counterpart for a name the catalog entry uses."""


# torch's C submodules and where their public names live.
_C_MODULES = {
    "torch._C._VariableFunctions": "torch", "torch._C._nn": "torch.nn.functional",
    "torch._C._linalg": "torch.linalg", "torch._C._special": "torch.special", "torch._C._fft": "torch.fft",
    "torch._C._sparse": "torch.sparse", "torch.functional": "torch", "torch._tensor": "torch.Tensor",
    "torch.masked._ops": "torch.masked", "torch.signal.windows.windows": "torch.signal.windows",
    "torch.nn.modules": "torch.nn",
}
_PREFIXES = {"torch.linalg": "linalg_", "torch.special": "special_", "torch.fft": "fft_"}


class Namespace:
    """A stand-in for a torch module inside rebound catalog code: attribute reads go to torchlike."""

    def __init__(self, path: str):
        self._path = path

    def __getattr__(self, name):
        return lookup(f"{self._path}.{name}")

    def __repr__(self):
        return f"<torchlike namespace {self._path}>"


def _torchlike_path(torch_path: str) -> str:
    return "torchlike" + torch_path[len("torch"):]


def lookup(torch_path: str):
    """The torchlike object at a torch dotted path (`torch.nn.functional.relu`), or raise Missing."""
    parts = torch_path.split(".")
    if parts[0] != "torch":
        raise ValueError(torch_path)
    obj = torchlike
    for i, p in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, p)
        except AttributeError:
            try:
                obj = importlib.import_module(_torchlike_path(".".join(parts[: i + 1])))
            except ImportError:
                raise Missing(f"torchlike has no {'.'.join(parts[: i + 1])}") from None
    if isinstance(obj, types.ModuleType):
        return Namespace(torch_path) if obj.__name__.startswith("torchlike") else obj
    return obj


def _public_path(fn) -> str | None:
    """The public torch path of a torch function or method (`torch.linalg.norm`)."""
    name = getattr(fn, "__name__", None)
    if name is None:
        return None
    if isinstance(fn, (types.MethodDescriptorType, types.WrapperDescriptorType)) or (
            getattr(fn, "__qualname__", "").startswith(("TensorBase.", "Tensor."))):
        return f"torch.Tensor.{name}"
    mod = getattr(fn, "__module__", None) or "torch"
    if getattr(fn, "__self__", None) is torch._C._VariableFunctions or mod == "torch._C._VariableFunctions":
        mod = "torch"
    mod = _C_MODULES.get(mod, mod)
    prefix = _PREFIXES.get(mod)
    if prefix and name.startswith(prefix):
        name = name[len(prefix):]
    return f"{mod}.{name}"


def _is_catalog_code(fn) -> bool:
    return isinstance(fn, types.FunctionType) and (fn.__module__ or "").startswith("torch.testing")


def _rebind(fn: types.FunctionType) -> types.FunctionType:
    """Re-create a catalog function with its torch globals and closure cells mapped to torchlike."""
    globs = _RebindGlobals(fn.__globals__)
    cells = None
    if fn.__closure__:
        cells = tuple(types.CellType(to_torchlike_callable_or_value(c.cell_contents)) if _filled(c)
                      else c for c in fn.__closure__)
    new = types.FunctionType(fn.__code__, globs, fn.__name__, fn.__defaults__, cells)
    new.__kwdefaults__ = fn.__kwdefaults__
    return new


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


class _RebindGlobals(dict):
    """A catalog module's globals, with every torch module or function translated on read."""

    def __init__(self, base: dict):
        super().__init__()
        self._base = base

    def __missing__(self, key):
        if key in self._base:
            value = to_torchlike_callable_or_value(self._base[key])
        elif hasattr(builtins, key):
            value = getattr(builtins, key)
        else:
            raise KeyError(key)
        self[key] = value
        return value


def to_torchlike_callable_or_value(obj):
    """Translate whatever a catalog closure or global holds: modules, functions, values."""
    if isinstance(obj, types.ModuleType):
        if obj.__name__ == "torch" or obj.__name__.startswith("torch."):
            path = _C_MODULES.get(obj.__name__, obj.__name__)
            return Namespace(path) if not path.startswith("torch.testing") else obj
        return obj
    if isinstance(obj, Missing):
        return obj
    if callable(obj) and not isinstance(obj, type):
        try:
            return to_torchlike_fn(obj)
        except Missing:
            return _missing_callable(obj)
        except (TypeError, ValueError):
            return obj
    if isinstance(obj, type) and obj.__module__.startswith("torch") and not obj.__module__.startswith("torch.testing"):
        try:
            return lookup(f"{_C_MODULES.get(obj.__module__, obj.__module__)}.{obj.__name__}")
        except (Missing, ValueError):
            return _missing_callable(obj)
    return to_torchlike(obj)


def _missing_callable(obj):
    def missing(*a, **k):
        raise Missing(f"torchlike has no {_public_path(obj) or obj!r}")
    return missing


def _wrapper_set_seed(op, *args, **kwargs):
    torchlike.manual_seed(42)
    return op(*args, **kwargs)


# Catalog helpers that drive torch's own state: their torchlike equivalents.
SUBSTITUTES = {"wrapper_set_seed": _wrapper_set_seed}


def to_torchlike_fn(fn):
    """The torchlike counterpart of a torch callable (see the module docstring)."""
    if fn is None:
        return None
    if isinstance(fn, functools.partial):
        return functools.partial(to_torchlike_fn(fn.func), *to_torchlike(fn.args), **to_torchlike(fn.keywords))
    if isinstance(fn, types.FunctionType) and fn.__module__ and not fn.__module__.startswith("torch"):
        return fn  # plain Python (operator.add, a numpy reference): already library-neutral
    if _is_catalog_code(fn):
        if fn.__name__ in SUBSTITUTES:
            return SUBSTITUTES[fn.__name__]
        return _rebind(fn)
    if type(fn).__name__ in ("OpOverloadPacket", "OpOverload", "_JittedFunction"):
        what = "a CUDA jiterator kernel" if type(fn).__name__ == "_JittedFunction" else str(fn)
        raise Missing(f"backend-only operator: {what} (torch.ops / jiterator)")
    path = _public_path(fn)
    if path is None or not path.startswith("torch"):
        raise TypeError(f"cannot translate {fn!r}")
    if path.startswith("torch.Tensor."):
        name = path.rsplit(".", 1)[1]
        if not hasattr(torchlike.Tensor, name):
            raise Missing(f"torchlike.Tensor has no {name}")
        return getattr(torchlike.Tensor, name)
    return lookup(path)


_DTYPES = {getattr(torch, n): n for n in (
    "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
    "complex32", "complex64", "complex128", "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2")}


def to_torchlike(x):
    """Translate a torch value (tensor, dtype, size, device, container of them) to torchlike."""
    if isinstance(x, torch.Tensor):
        return tensor_to_torchlike(x)
    if isinstance(x, torch.dtype):
        name = _DTYPES.get(x, str(x).replace("torch.", ""))
        if not hasattr(torchlike, name):
            raise Missing(f"torchlike has no dtype {name}")
        return getattr(torchlike, name)
    if isinstance(x, torch.Size):
        return torchlike.Size(tuple(x)) if hasattr(torchlike, "Size") else tuple(x)
    if isinstance(x, torch.device):
        return torchlike.device(x.type if x.index is None else f"{x.type}:{x.index}")
    if isinstance(x, torch.memory_format):
        return lookup(f"torch.{str(x).replace('torch.', '')}")
    if isinstance(x, torch.Generator):
        g = torchlike.Generator()
        g.manual_seed(x.initial_seed())
        return g
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*(to_torchlike(e) for e in x)) if not hasattr(x, "_asdict") else tuple(to_torchlike(e) for e in x)
    if isinstance(x, (list, tuple)):
        return type(x)(to_torchlike(e) for e in x)
    if isinstance(x, dict):
        return {k: to_torchlike(v) for k, v in x.items()}
    if isinstance(x, types.FunctionType) and (x.__module__ or "").startswith("torch"):
        return to_torchlike_callable_or_value(x)
    if isinstance(x, torch.nn.Module) and type(x).__module__.startswith("torch.nn.modules") and not x._modules \
            and not list(x.parameters()) and not list(x.buffers()):
        return _stateless_module(x)
    return x


def _stateless_module(m):
    """A parameter-free torch module passed as an argument (a distance function) as torchlike's: the same
    class with the same public attributes."""
    cls = lookup(f"torch.nn.{type(m).__name__}")
    new = cls.__new__(cls)
    torchlike.nn.Module.__init__(new)
    for k, v in vars(m).items():
        if not k.startswith("_"):
            setattr(new, k, to_torchlike(v))
    return new


def tensor_to_torchlike(t: torch.Tensor):
    """A torchlike leaf with t's values, dtype and requires_grad (and its strides where it can)."""
    if t.is_complex() and t.dtype == torch.complex32:
        raise Missing("torchlike has no complex32")
    if t.layout == torch.sparse_coo:  # (the same indices, values and size; coalesced as t is)
        d = t.detach()
        out = torchlike.sparse_coo_tensor(tensor_to_torchlike(d._indices()), tensor_to_torchlike(d._values()),
                                          tuple(d.shape), is_coalesced=d.is_coalesced())
        return out.requires_grad_() if t.requires_grad else out
    if t.layout != torch.strided:
        raise Missing(f"torchlike has no {t.layout} tensors")
    d = t.detach()
    shape = tuple(d.shape)
    if d.ndim > 64:  # numpy holds at most 64 dims: carry the values flat, shape them in torchlike
        d = d.reshape(-1)
    if d.dtype == torch.bfloat16:
        arr = d.float().numpy()
    else:
        arr = d.resolve_conj().resolve_neg().numpy()
    out = torchlike.tensor(np.array(arr, copy=True, order="C"), dtype=to_torchlike(t.dtype))
    if out.ndim != len(shape):
        out = out.reshape(shape).clone()
    if t.requires_grad:
        out.requires_grad_(True)
    return out


def to_numpy(x):
    """A torch or torchlike tensor's values as a numpy array (bfloat16 widened to float32)."""
    x = x.detach()
    if getattr(x, "is_sparse", False):  # (values compared dense)
        x = x.to_dense()
    if isinstance(x, torch.Tensor) and x._is_zerotensor():
        x = torch.zeros(x.shape, dtype=x.dtype)
    if str(x.dtype).endswith("bfloat16"):
        x = x.float()
    if isinstance(x, torch.Tensor):
        return x.resolve_conj().resolve_neg().numpy()
    return np.asarray(x.cpu().numpy())


def dtype_name(x) -> str:
    return str(x.dtype).replace("torch.", "").replace("torchlike.", "")


def exception_matches(torch_type: type, exc: BaseException) -> bool:
    """Is exc what torch would raise as torch_type? torch-only classes match by name or by base."""
    if torch_type.__module__ == "builtins":
        return isinstance(exc, torch_type)
    names = {c.__name__.lstrip("_") for c in type(exc).__mro__}
    if torch_type.__name__.lstrip("_") in names:
        return True
    base = next(c for c in torch_type.__mro__ if c.__module__ == "builtins")
    return isinstance(exc, base)


def one_line(msg, limit: int = 160) -> str:
    s = re.sub(r"\s+", " ", str(msg)).strip()
    return s if len(s) <= limit else s[: limit - 3] + "..."
