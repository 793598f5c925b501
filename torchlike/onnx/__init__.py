"""Mirrors `torch.onnx` as far as a script touches it without exporting: the names it reads at import
(`TrainingMode`, `OperatorExportTypes`, `is_in_onnx_export`, `OnnxExporterError`) exist, and every
exporting entry point raises NotImplementedError. ONNX export traces PyTorch's own operator graph
(TorchDynamo/TorchScript); torchlike's programs are JAX ones, which that exporter cannot read.
"""
from __future__ import annotations

import enum

__all__ = [
    "ONNXProgram",
    "OnnxExporterError",
    "OperatorExportTypes",
    "TrainingMode",
    "export",
    "is_in_onnx_export",
    "register_custom_op_symbolic",
    "select_model_mode_for_export",
    "unregister_custom_op_symbolic",
]


class _IntEnum(enum.Enum):
    """An enum printed as PyTorch's `TrainingMode.EVAL` that converts to int as PyTorch's pybind enums do."""

    def __int__(self) -> int:
        return self.value

    __index__ = __int__


class TrainingMode(_IntEnum):
    """Mirrors `torch.onnx.TrainingMode` (the mode a model is exported in)."""

    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OperatorExportTypes(_IntEnum):
    """Mirrors `torch.onnx.OperatorExportTypes`."""

    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


class OnnxExporterError(RuntimeError):
    """Mirrors `torch.onnx.OnnxExporterError`."""


def _unsupported(feature: str) -> NotImplementedError:
    return NotImplementedError(f"torchlike.onnx.{feature}: ONNX export is not supported (torchlike programs "
                               "are JAX programs, not PyTorch operator graphs the ONNX exporter can trace)")


def export(model, args=(), f=None, **kwargs):
    """`torch.onnx.export` writes a model as an ONNX graph; not supported (see the module docstring)."""
    raise _unsupported("export")


def is_in_onnx_export() -> bool:
    """Mirrors `torch.onnx.is_in_onnx_export`: never true, since nothing is ever being exported."""
    return False


def register_custom_op_symbolic(symbolic_name: str, symbolic_fn, opset_version: int) -> None:
    raise _unsupported("register_custom_op_symbolic")


def unregister_custom_op_symbolic(symbolic_name: str, opset_version: int) -> None:
    raise _unsupported("unregister_custom_op_symbolic")


def select_model_mode_for_export(model, mode):
    raise _unsupported("select_model_mode_for_export")


class ONNXProgram:
    """`torch.onnx.ONNXProgram` is what export returns; there is none without export."""

    def __init__(self, *args, **kwargs):
        raise _unsupported("ONNXProgram")
