"""torch.jit.annotations: the typing names TorchScript code imports from here. Mirrors the
annotation aliases of `torch.jit.annotations` (TorchScript's own type objects are not provided)."""
from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: F401

# TorchScript reads BroadcastingListN[T] as "T, or a list of N of them"; in eager Python it is a list.
BroadcastingList1 = BroadcastingList2 = BroadcastingList3 = List

__all__ = ["Any", "BroadcastingList1", "BroadcastingList2", "BroadcastingList3", "Dict", "List", "Optional",
           "Tuple", "Union"]
