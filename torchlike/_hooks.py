"""Hook handles: the one `RemovableHandle` class behind every `register_*hook` in torchlike.

This module imports nothing from torchlike, so that the lowest layer (autograd) can use it too;
`torchlike.utils.hooks` re-exports it under PyTorch's name."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import Any

__all__ = ["ListHookHandle", "RemovableHandle"]


class RemovableHandle:
    """Mirrors `torch.utils.hooks.RemovableHandle`: removes a hook, kept under `id` in a dict (and in
    any extra dicts) that the handle references weakly."""

    id: int
    next_id: int = 0

    def __init__(self, hooks_dict: Any, *, extra_dict: Any = None) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        # (as PyTorch: one dict, or a list of dicts; anything else adds none)
        self.extra_dict_ref: tuple = ()
        if isinstance(extra_dict, dict):
            self.extra_dict_ref = (weakref.ref(extra_dict),)
        elif isinstance(extra_dict, list):
            self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)

    def remove(self) -> None:
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            hooks = ref()
            if hooks is not None and self.id in hooks:
                del hooks[self.id]

    def __getstate__(self):
        return (self.hooks_dict_ref(), self.id, tuple(ref() for ref in self.extra_dict_ref))

    def __setstate__(self, state) -> None:
        # (a dict that died before pickling comes back as a dead reference)
        self.hooks_dict_ref = weakref.ref(OrderedDict() if state[0] is None else state[0])
        self.id = state[1]
        RemovableHandle.next_id = max(RemovableHandle.next_id, self.id + 1)
        extras = state[2] if len(state) >= 3 and state[2] is not None else ()
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extras)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class ListHookHandle(RemovableHandle):
    """The handle of a hook kept in a list (autograd's node and tensor hooks run in list order).

    A list cannot be referenced weakly, so the handle holds it, and removes its hook by identity."""

    def __init__(self, hooks: list, fn) -> None:
        super().__init__(OrderedDict())  # (a dead reference: the list is what holds the hook)
        self.hooks, self.fn = hooks, fn

    def remove(self) -> None:
        if self.fn in self.hooks:
            self.hooks.remove(self.fn)

    def __getstate__(self):
        return dict(self.__dict__, hooks_dict_ref=None)

    def __setstate__(self, state) -> None:
        self.__dict__.update(state, hooks_dict_ref=weakref.ref(OrderedDict()))
        RemovableHandle.next_id = max(RemovableHandle.next_id, self.id + 1)
