"""torchlike: the PyTorch API on JAX. `import torchlike as torch`."""
from . import _config
_config.apply()  # (XLA options before JAX starts, x64, the CPU as default device, the compilation cache)

from . import _dtype  # noqa: E402
from ._dtype import (bfloat16, bool_ as bool, can_cast, cdouble, cfloat, complex64, complex128, double,  # noqa: E402,F401
                     dtype, finfo, float, float16, float32, float64, get_default_dtype, half, iinfo, int,
                     int8, int16, int32, int64, long, promote_types, set_default_dtype, short, uint8)
from ._dtype import (float8_e4m3fn, float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz,  # noqa: E402,F401
                     float8_e8m0fnu, uint16, uint32, uint64)
from ._dtype import (channels_last, channels_last_3d, contiguous_format, memory_format,  # noqa: E402,F401
                     preserve_format)
from math import e, inf, nan, pi  # noqa: E402,F401  (torch's constants are these Python floats)
newaxis = None
from ._device import device, get_default_device, set_default_device  # noqa: E402,F401
from ._tensor import Size, Tensor  # noqa: E402,F401
from ._autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: E402,F401
from . import _ops  # noqa: E402
from . import _program_budget  # noqa: E402
_program_budget.install()
from ._ops.creation import (LEGACY as _LEGACY, arange, as_tensor, empty, empty_like, eye, from_numpy,  # noqa: E402,F401
                            full, full_like, linspace, logspace, ones, ones_like, scalar_tensor, tensor, zeros,
                            zeros_like)
from ._ops.creation import asarray, empty_strided, range_ as range, tril_indices, triu_indices  # noqa: E402,F401
from ._ops.shape import *  # noqa: E402,F401,F403  (plain functions listed in each module's __all__)
from ._ops.shape_join import *  # noqa: E402,F401,F403
from ._ops.reduction import *  # noqa: E402,F401,F403
from ._ops.sorting import *  # noqa: E402,F401,F403
from ._ops.linalg import *  # noqa: E402,F401,F403
from . import return_types  # noqa: E402,F401
from ._ops.indexing import *  # noqa: E402,F401,F403
from ._ops.binning import *  # noqa: E402,F401,F403
from ._ops.shape_misc import *  # noqa: E402,F401,F403
from ._ops.special_gamma import *  # noqa: E402,F401,F403
from ._ops.misc_ops import *  # noqa: E402,F401,F403
from ._ops.native_norm import *  # noqa: E402,F401,F403
from ._ops.native_norm import _native_batch_norm_legit  # noqa: E402,F401
from . import _tensor_str  # noqa: E402,F401
from ._tensor_str import set_printoptions  # noqa: E402,F401
from ._ops.random import (bernoulli, fill_, multinomial, normal, poisson, rand, rand_like, randint,  # noqa: E402,F401
                          randint_like, randn, randn_like, randperm, zero_)
from ._random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed,  # noqa: E402,F401
                      set_rng_state)
from . import random  # noqa: E402,F401
from ._ops.conversion import clone  # noqa: E402,F401
from ._ops.pointwise import allclose, equal, positive  # noqa: E402,F401
from . import autograd  # noqa: E402,F401
from ._compile import compile  # noqa: E402,F401
from ._matmul_precision import get_float32_matmul_precision, set_float32_matmul_precision  # noqa: E402,F401
from .amp import *  # noqa: E402,F401,F403  (torchlike.amp; autocast, GradScaler, autocast state functions)

globals().update(_LEGACY)


def _export_ops():
    g = globals()
    for o in _ops.OPS.values():
        if getattr(o, "function", True) and not o.name.startswith("_"):
            for n in [o.name] + list(o.aliases):
                g.setdefault(n, o)


_export_ops()


def result_type(tensor1, tensor2):
    """Mirrors `torch.result_type`."""
    return _dtype.result_dtype([tensor1, tensor2])


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return input.is_floating_point()


def numel(input) -> int:
    return input.numel()


from .version import __version__  # noqa: E402,F401  (the PyTorch version whose API this is: a TorchVersion)
__torchlike_version__ = "0.1.0"
from ._ops.buffer import frombuffer  # noqa: E402,F401

# Submodules PyTorch also loads on first use (`torch.jit`, `torch.onnx`, ...): imported when first
# reached as an attribute, so `import torchlike` stays as fast as the modules a script needs.
_LAZY_SUBMODULES = frozenset({
    "_C", "_dynamo", "accelerator", "compiler", "distributions", "export", "fft", "fx", "hub", "jit", "library",
    "masked",
    "multiprocessing", "onnx", "overrides", "serialization", "signal", "sparse", "testing", "version",
})


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module 'torchlike' has no attribute '{name}'")

from . import nn, optim, utils, cuda, backends  # noqa: E402,F401
from . import vision  # noqa: E402,F401
from . import linalg  # noqa: E402,F401
from . import special  # noqa: E402,F401
from . import func  # noqa: E402,F401
from .func import vmap  # noqa: E402,F401
from .utils.dlpack import from_dlpack, from_jax  # noqa: E402,F401
from . import distributed  # noqa: E402,F401
from ._serialization import load, save  # noqa: E402,F401
from ._aliases import install_as_torch  # noqa: E402,F401

# ----- complex tensors and spectral ops (torch.real/imag/conj/..., stft/istft, window functions) -----
from ._ops.complex import *  # noqa: E402,F401,F403
from ._ops.spectral import *  # noqa: E402,F401,F403
_export_ops()  # (registry ops those modules define: angle, polar, complex, conj_physical)

# ----- sparse COO tensors (torch.sparse_coo_tensor, torch.spmm, layouts; torchlike/sparse) -----
from ._dtype import layout, sparse_coo, strided  # noqa: E402,F401
from .sparse import sparse_coo_tensor, spmm  # noqa: E402,F401
# ----- runtime settings and the remaining top-level functions PyTorch exports -----
from ._runtime_flags import *  # noqa: E402,F401,F403
from .nn.functional import celu_, conv_tbc, relu_, rrelu_, selu_, threshold_  # noqa: E402,F401
from ._ops.nn_misc import channel_shuffle as native_channel_shuffle  # noqa: E402,F401


def is_nonzero(input):
    """Mirrors `torch.is_nonzero`: the truth of a one-element tensor (Tensor.__bool__, with its errors)."""
    return input.__bool__()


def typename(obj) -> str:
    """Mirrors `torch.typename`: 'torch.FloatTensor' for a tensor, else the qualified name of its type."""
    if isinstance(obj, Tensor):
        return f"torch.{obj.dtype.legacy}Tensor"
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in (None, "builtins") else f"{module}.{name}"


from . import storage  # noqa: E402
from .storage import TypedStorage, UntypedStorage  # noqa: E402,F401
storage.install(Tensor)
