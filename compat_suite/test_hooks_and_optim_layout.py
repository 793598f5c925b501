"""torch.utils.hooks.RemovableHandle and the optimizers' constructor layout against real PyTorch: one handle
class behind every hook, PyTorch's extra_dict and pickling rules; defaults and state keys in PyTorch's order."""

import pickle
from collections import OrderedDict

import numpy as np
import pytest

from .harness import torch, torchlike

OPTIMIZERS = ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Rprop", "ASGD", "Adagrad", "Adadelta",
              "Adafactor", "Muon", "SparseAdam", "LBFGS"]


def _removals(lib, extra):
    """Which dicts lose the hook's entry when a handle made with this extra_dict is removed."""
    hooks, a, b = OrderedDict(), OrderedDict(), OrderedDict()
    boxes = {"dict": a, "list": [a, b], "tuple": (a, b), "none": None}
    handle = lib.utils.hooks.RemovableHandle(hooks, extra_dict=boxes[extra])
    for d in (hooks, a, b):
        d[handle.id] = "hook"
    with handle as same:
        assert same is handle
    return [handle.id in d for d in (hooks, a, b)]


@pytest.mark.parametrize("extra", ["dict", "list", "tuple", "none"])
def test_removable_handle_extra_dict_as_pytorch(extra):
    assert _removals(torchlike, extra) == _removals(torch, extra)


@pytest.mark.parametrize("lib", ["torch", "torchlike"])
def test_removable_handle_pickles_and_keeps_ids_unique(lib):
    handle_cls = (torch if lib == "torch" else torchlike).utils.hooks.RemovableHandle
    hooks, extra = OrderedDict(), OrderedDict()
    h = handle_cls(hooks, extra_dict=[extra])
    hooks[h.id] = extra[h.id] = "hook"
    back = pickle.loads(pickle.dumps(h))
    assert back.id == h.id and handle_cls(OrderedDict()).id > h.id
    back.remove()  # (it removes from the unpickled copies, not from these)
    assert h.id in hooks and h.id in extra


def test_every_hook_returns_the_one_handle_class():
    handle_cls = torchlike.utils.hooks.RemovableHandle
    m = torchlike.nn.Linear(2, 2)
    opt = torchlike.optim.SGD(m.parameters(), lr=0.1)
    t = torchlike.ones(2, requires_grad=True)
    y = t * 2
    handles = [m.register_forward_hook(lambda *a: None), opt.register_step_pre_hook(lambda *a: None),
               torchlike.optim.optimizer.register_optimizer_step_post_hook(lambda *a: None),
               t.register_hook(lambda g: g), y.grad_fn.register_hook(lambda *a: None),
               t.register_post_accumulate_grad_hook(lambda p: None)]
    assert all(isinstance(h, handle_cls) for h in handles)
    assert len({h.id for h in handles}) == len(handles)
    for h in handles:
        h.remove()
    assert not m._forward_hooks and not opt._optimizer_step_pre_hooks and not t._hooks


def test_tensor_hook_handle_removes_its_hook():
    t = torchlike.ones(2, requires_grad=True)
    seen = []
    with t.register_hook(lambda g: seen.append(1)):
        (t * 2).sum().backward()
    (t * 2).sum().backward()
    assert seen == [1]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_defaults_and_group_keys_in_pytorch_order(name):
    ours = getattr(torchlike.optim, name)([torchlike.zeros(2, 2, requires_grad=True)])
    theirs = getattr(torch.optim, name)([torch.zeros(2, 2, requires_grad=True)])
    assert list(ours.defaults) == list(theirs.defaults)
    assert list(ours.param_groups[0]) == list(theirs.param_groups[0])
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name", [n for n in OPTIMIZERS if n not in ("SparseAdam", "LBFGS")])
def test_state_keys_in_pytorch_order(name):
    values = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    states = []
    for lib in (torchlike, torch):
        p = lib.tensor(values, requires_grad=True)
        opt = getattr(lib.optim, name)([p], lr=0.01)
        p.grad = lib.tensor(values + 1)
        opt.step()
        states.append([(k, str(v.dtype).replace("torchlike.", "torch.") if hasattr(v, "dtype") else type(v).__name__)
                       for k, v in opt.state_dict()["state"][0].items()] if opt.state else [])
    assert states[0] == states[1]
