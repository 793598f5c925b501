"""torch._dynamo names libraries read. Mirrors `torch._dynamo` for code running eagerly.

There is no Dynamo in torchlike (torchlike.compile traces with JAX). `mark_dynamic`,
`mark_static` and `mark_static_address` only give Dynamo hints about shapes and storage
addresses, so here they accept their arguments and do nothing; `config` keeps the settings
scripts assign, which steer nothing.
"""
from __future__ import annotations

from ..compiler import allow_in_graph, assume_constant_result, disable, is_compiling, reset  # noqa: F401
from . import config, exc  # noqa: F401

__all__ = ["allow_in_graph", "assume_constant_result", "config", "disable", "exc", "is_compiling",
           "mark_dynamic", "mark_static", "mark_static_address", "reset"]


def mark_dynamic(t, index, *, hint_override=None, min=None, max=None, specialize_on=None) -> None:
    """Mirrors `torch._dynamo.mark_dynamic`: a shape hint for Dynamo; nothing to do here."""


def mark_static(t, index=None) -> None:
    """Mirrors `torch._dynamo.mark_static`: a shape hint for Dynamo; nothing to do here."""


def mark_static_address(t, guard=False) -> None:
    """Mirrors `torch._dynamo.mark_static_address`: a storage-address hint for CUDA graphs; nothing to do."""


def is_dynamo_supported() -> bool:
    """Mirrors `torch._dynamo.is_dynamo_supported`: False, there is no Dynamo to run."""
    return False
