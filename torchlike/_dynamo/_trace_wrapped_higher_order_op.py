"""Mirrors the part of `torch._dynamo._trace_wrapped_higher_order_op` libraries import."""


class TransformGetItemToIndex:
    """PyTorch's mode that turns `tensor[index_tensor]` into `aten.index`, so that indexing by 0-d tensors
    works under its vmap. torchlike's vmap (JAX's) indexes by batched tensors as it is, so the mode has
    nothing to change: entering it is allowed and changes nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
