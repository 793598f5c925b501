"""Mirrors `torch.autograd.graph`: the graph's node type, gradient edges, and the saved-tensor contexts.

torchlike's nodes keep the arrays their backward needs (immutable JAX arrays) rather than saved
tensors, so there is nothing for pack/unpack hooks to act on: `saved_tensors_hooks` raises
`NotImplementedError`, and `save_on_cpu` (a memory saving that leaves values and gradients as they
are) runs its block unchanged, keeping saved values on their device.
"""
from typing import NamedTuple

from .._autograd import Node, edge_of

__all__ = ["Node", "GradientEdge", "get_gradient_edge", "increment_version", "saved_tensors_hooks", "save_on_cpu",
           "disable_saved_tensors_hooks", "register_multi_grad_hook", "allow_mutation_on_saved_tensors"]


class GradientEdge(NamedTuple):
    """A node and which of its inputs' gradient the edge carries."""
    node: object
    output_nr: int


def get_gradient_edge(tensor) -> GradientEdge:
    """The edge a gradient for `tensor` flows into: its grad_fn, or its AccumulateGrad if a leaf."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require gradients")
    return GradientEdge(*edge_of(tensor))


def increment_version(tensor) -> None:
    """Mark `tensor` as modified in place, for the saved-tensor checks."""
    for t in (tensor if isinstance(tensor, (list, tuple)) else (tensor,)):
        t._storage.version += 1


class saved_tensors_hooks:
    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        raise NotImplementedError("torchlike: saved_tensors_hooks (pack/unpack hooks on saved tensors) is not "
                                  "supported: nodes keep JAX arrays, not saved tensors")

    def __exit__(self, *exc):
        return False


class save_on_cpu:
    """Runs its block unchanged: saved values stay on their device (same values and gradients)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda"):
        self.pin_memory, self.device_type = pin_memory, device_type

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class disable_saved_tensors_hooks:
    """No saved-tensor hooks can be registered in torchlike, so there are none to disable."""

    def __init__(self, error_message: str):
        self.error_message = error_message

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def register_multi_grad_hook(*args, **kwargs):
    raise NotImplementedError("torchlike: torch.autograd.graph.register_multi_grad_hook is not supported")


def allow_mutation_on_saved_tensors():
    raise NotImplementedError("torchlike: torch.autograd.graph.allow_mutation_on_saved_tensors is not supported")
