"""Mirrors the parts of `torch.distributed._functional_collectives` libraries import at module level.

torchlike's collectives finish before they return, so waiting on a result is the identity."""


def wait_tensor(tensor):
    return tensor


def all_to_all_single_autograd(*args, **kwargs):
    raise NotImplementedError("torchlike: torch.distributed._functional_collectives.all_to_all_single_autograd "
                              "is not supported")
