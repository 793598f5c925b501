"""torch.utils.hooks: hook handles. Mirrors `torch.utils.hooks`.

`RemovableHandle` is the handle every torchlike hook registration returns (Module, Optimizer,
Tensor and autograd Node hooks).
`BackwardHook` is PyTorch's internal helper behind `Module.register_full_backward_hook`; the name
exists, but Module implements full backward hooks itself, so building one directly is not supported.
"""
from __future__ import annotations

import warnings

from .._hooks import RemovableHandle

__all__ = ["BackwardHook", "RemovableHandle", "unserializable_hook", "warn_if_has_hooks"]


def unserializable_hook(f):
    """Mirrors `torch.utils.hooks.unserializable_hook`: marks a hook that pickling should skip silently."""
    f.__torch_unserializable__ = True
    return f


def warn_if_has_hooks(tensor) -> None:
    """Mirrors `torch.utils.hooks.warn_if_has_hooks`: warns when a tensor's backward hooks will not be pickled."""
    hooks = getattr(tensor, "_backward_hooks", None)
    for hook in (hooks.values() if isinstance(hooks, dict) else hooks or ()):
        if not hasattr(hook, "__torch_unserializable__"):
            warnings.warn(f"backward hook {repr(hook)} on tensor will not be serialized.  If this is expected, you "
                          "can decorate the function with @torch.utils.hooks.unserializable_hook to suppress this "
                          "warning")


class BackwardHook:
    """Name of PyTorch's internal `torch.utils.hooks.BackwardHook` (use Module.register_full_backward_hook)."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        raise NotImplementedError("torch.utils.hooks.BackwardHook: building the internal full-backward-hook helper "
                                  "directly is not supported by torchlike (use Module.register_full_backward_hook)")
