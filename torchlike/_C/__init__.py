"""torch._C: the few private names libraries read from PyTorch's C extension. Mirrors them by meaning.

Only names with a clear meaning outside PyTorch's C++ core are here:
- `_get_tracing_state()` is None (no TorchScript tracer runs);
- `_log_api_usage_once(name)` is PyTorch's usage-telemetry hook: nothing to record;
- `_get_accelerator()` is the current accelerator device (`cuda` with a JAX GPU, else `cpu`,
  which is what a CPU-only PyTorch answers); `_get_privateuse1_backend_name()` is PyTorch's
  default name for the out-of-tree backend slot;
- the TorchScript fuser switches (`_jit_set_profiling_mode`, ...) are kept as settings and return
  the previous value as PyTorch's do; there is no TorchScript, so they steer nothing;
- `Graph` and `Value` are the TorchScript IR class names (used in ONNX `symbolic` annotations);
  they cannot be built here.
"""
from __future__ import annotations

__all__ = ["Graph", "Value", "_get_accelerator", "_get_privateuse1_backend_name", "_get_tracing_state",
           "_log_api_usage_once"]


def _get_tracing_state():
    return None


def _log_api_usage_once(event: str) -> None:
    """PyTorch's telemetry hook (records that an API was used); torchlike records no usage."""


def _get_accelerator(check: bool = False):
    from .. import accelerator, device
    current = accelerator.current_accelerator()
    return current if current is not None else device("cpu")


def _get_privateuse1_backend_name() -> str:
    return "privateuseone"


class _TorchScriptIR:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"torch._C.{type(self).__name__}: TorchScript IR is not supported by torchlike")


class Graph(_TorchScriptIR):
    """Name of TorchScript's `torch._C.Graph`."""


class Value(_TorchScriptIR):
    """Name of TorchScript's `torch._C.Value`."""


class Node(_TorchScriptIR):
    """Name of TorchScript's `torch._C.Node`."""


# TorchScript fuser settings, with PyTorch's CPU-build defaults.
_JIT_FLAGS = {"profiling_mode": True, "profiling_executor": True, "can_fuse_on_cpu": False,
              "can_fuse_on_gpu": False, "texpr_fuser": True}


def _swap(name: str, value: bool) -> bool:
    old, _JIT_FLAGS[name] = _JIT_FLAGS[name], bool(value)
    return old


def _jit_set_profiling_mode(enabled: bool) -> bool:
    return _swap("profiling_mode", enabled)


def _jit_set_profiling_executor(enabled: bool) -> bool:
    return _swap("profiling_executor", enabled)


def _jit_override_can_fuse_on_cpu(enabled: bool) -> None:
    _swap("can_fuse_on_cpu", enabled)


def _jit_override_can_fuse_on_gpu(enabled: bool) -> None:
    _swap("can_fuse_on_gpu", enabled)


def _jit_can_fuse_on_cpu() -> bool:
    return _JIT_FLAGS["can_fuse_on_cpu"]


def _jit_can_fuse_on_gpu() -> bool:
    return _JIT_FLAGS["can_fuse_on_gpu"]


def _jit_set_texpr_fuser_enabled(enabled: bool) -> None:
    _swap("texpr_fuser", enabled)


def _jit_texpr_fuser_enabled() -> bool:
    return _JIT_FLAGS["texpr_fuser"]
