"""Optimizer: PyTorch's param_groups / state / state_dict, with each group updated in one jitted call."""

from __future__ import annotations

import functools
import sys
import warnings
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from copy import deepcopy
from itertools import chain, starmap
from typing import Any, ClassVar

import jax
import numpy as np

from .. import _autograd, _interrupt
from .. import _dtype as D
from .._engine import cache as _cache
from .._tensor import ARRAY, Tensor, no_trace
from .._hooks import RemovableHandle

__all__ = ["Optimizer", "register_optimizer_step_post_hook", "register_optimizer_step_pre_hook", "required"]


class _RequiredParameter:
    """Singleton class representing a required parameter for an Optimizer."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

_global_pre_hooks: OrderedDict = OrderedDict()
_global_post_hooks: OrderedDict = OrderedDict()


def register_optimizer_step_pre_hook(hook) -> RemovableHandle:
    """Mirrors `torch.optim.optimizer.register_optimizer_step_pre_hook`."""
    handle = RemovableHandle(_global_pre_hooks)
    _global_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook) -> RemovableHandle:
    """Mirrors `torch.optim.optimizer.register_optimizer_step_post_hook`."""
    handle = RemovableHandle(_global_post_hooks)
    _global_post_hooks[handle.id] = hook
    return handle


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return "torch." + obj.dtype.legacy + "Tensor"
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in ("builtins", None) else f"{module}.{name}"


def _hooked_step(func):
    """Wrap a subclass's step: no_grad, global and per-instance pre/post hooks."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        self = args[0]
        for pre_hook in chain(_global_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(
                        f"{func} must return None or a tuple of (new_args, new_kwargs), but got {result}."
                    )
        out = _without_grad(func, args, kwargs)
        self._optimizer_step_code()
        for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper


def _call_closure(closure):
    """A step's closure called with gradients on (None without one): it usually runs backward."""
    if closure is None:
        return None
    with _autograd.enable_grad():
        return closure()


def _without_grad(func, args, kwargs):
    """func(*args, **kwargs) in no_grad mode. Grad mode is set and restored by plain attribute
    stores (no call, so no point where Python runs a signal handler) and restored twice, so that
    an exception inside the first restore cannot leave gradients off for the rest of the program."""
    state = _autograd._state
    prev = state.enabled
    try:
        try:
            state.enabled = False
            return func(*args, **kwargs)
        finally:
            state.enabled = prev
    finally:
        state.enabled = prev


def scalar_dtype():
    """The dtype of 'step' and other scalar state: float64 when that is the default dtype, else float32."""
    return D.float64 if D.get_default_dtype() is D.float64 else D.float32


def _hyper(value):
    """A hyperparameter as a traced jit argument (so changing it never recompiles)."""
    if isinstance(value, Tensor):
        return value._data.astype(np.float64).reshape(())
    if isinstance(value, jax.Array):  # a traced lr inside torchlike.compile
        return value.astype(np.float64)
    a = _HYPERS.get(value)
    if a is None:
        a = np.float64(value)
        if no_trace():  # a device array: a host scalar would be copied over at every step
            a = _HYPERS[value] = jax.device_put(a)
    return a


_HYPERS = _cache.LRU(_cache.HYPERPARAMETERS, "hyperparameters")  # (a schedule may never repeat a value)


def lerp(start, end, weight):
    """`start.lerp(end, weight)` for a scalar weight, with PyTorch's two-sided formula."""
    w = weight.astype(start.dtype)
    return jax.numpy.where(
        weight < 0.5, start + w * (end - start), end - (end - start) * (1 - weight).astype(start.dtype)
    )


_JITS = _cache.LRU(_cache.OPTIMIZER_STEPS, "optimizer_steps")


def _jitted(kernel, static: tuple, donate: tuple = ()):
    """One jax.jit per (update function, structural options, donated arguments); shapes are keyed
    by jax itself."""
    key = (kernel, static, donate)
    fn = _JITS.get(key)
    if fn is None:
        fn = _JITS[key] = jax.jit(functools.partial(kernel, **dict(static)), donate_argnums=donate)
    return fn


def _sole_owner(tensors) -> bool:
    """Whether each tensor is a base whose array nothing else holds (no view cache, saved graph
    node, pending op, numpy view or user reference): then the update may write over that array
    in place (XLA buffer donation) instead of allocating new memory for every parameter."""
    for t in tensors:
        if t._chain is not None:
            return False
        a = t._storage.data
        # referents: the storage, `a`, getrefcount's argument
        if type(a) is not ARRAY or sys.getrefcount(a) > 3:
            return False
    return True


class Optimizer:
    """Mirrors `torch.optim.Optimizer`.

    Subclasses supply `_kernel` (a pure jax update over lists of arrays), `_state_keys`, `_hyper_keys`,
    `_static(group)` and `_init_state(p, group)`; `_step_groups` runs one jitted call per group.
    `_family.PerParamOptimizer` builds all of these from per-parameter functions."""

    _instances: ClassVar[weakref.WeakSet] = weakref.WeakSet()  # torchlike.compile traces lrs of live optimizers
    _kernel = None
    _state_keys: tuple = ()
    _hyper_keys: tuple = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__ and not getattr(cls.__dict__["step"], "hooked", False):
            cls.step = _hooked_step(cls.__dict__["step"])

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                "but got " + _typename(params)
            )
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)
        Optimizer._instances.add(self)

    def _optimizer_step_code(self) -> None:
        """Entry point for step-watching wrappers (LR schedulers)."""

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in (
            "_optimizer_step_pre_hooks",
            "_optimizer_step_post_hooks",
            "_optimizer_state_dict_pre_hooks",
            "_optimizer_state_dict_post_hooks",
            "_optimizer_load_state_dict_pre_hooks",
            "_optimizer_load_state_dict_post_hooks",
        ):
            self.__dict__.setdefault(name, OrderedDict())
        self.defaults.setdefault("differentiable", False)
        Optimizer._instances.add(self)

    def __repr__(self) -> str:
        out = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    out += f"    {key}: {group[key]}\n"
        return out + ")"

    # ----- param groups -----
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Mirrors `torch.optim.Optimizer.add_param_group`."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of "
                "tensors in sets will change between runs. Please use a list instead."
            )
        else:
            param_group["params"] = list(params)
        names = [p[0] for p in param_group["params"] if isinstance(p, tuple)]
        param_group["params"] = [p[1] if isinstance(p, tuple) else p for p in param_group["params"]]
        if names:
            if len(names) != len(param_group["params"]):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(map(id, params))):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                "an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(map(id, group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {txt} to the optimizer"
                )
        if not seen.isdisjoint(map(id, param_group["params"])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ----- gradients and steps -----
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Mirrors `torch.optim.Optimizer.zero_grad`."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    _clear_grad(p, set_to_none)

    def step(self, closure: Callable[[], float] | None = None):
        """Mirrors `torch.optim.Optimizer.step` (abstract)."""
        raise NotImplementedError

    def _step_groups(self, closure=None):
        loss = _call_closure(closure)
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if params:
                self._update_group(group, params)
        return loss

    def _check_param(self, p: Tensor) -> None:
        pd, gd = p._meta.dtype, p.grad._meta.dtype  # numpy dtypes: this runs for every parameter at every step
        if pd.kind == "c":
            raise NotImplementedError(f"torchlike.optim.{type(self).__name__}: complex parameters are not supported")
        if gd is not pd and gd != pd:
            raise RuntimeError(
                f"{type(self).__name__}: gradient dtype {p.grad.dtype} does not match the parameter dtype {p.dtype}"
            )

    def _update_group(self, group: dict, params: list) -> None:
        """Run the group's pure update on all its parameters with a gradient, in one jitted call."""
        state = self.state
        for p in params:
            if not state[p]:
                self._check_param(p)
                state[p].update(self._init_state(p, group))
        state_tensors = [t for p in params for t in self.state[p].values() if isinstance(t, Tensor)]
        donate = (0,) if _sole_owner(params) else ()
        donate += (2,) if state_tensors and _sole_owner(state_tensors) else ()
        states = {k: [self._state_array(p, k) for p in params] for k in self._state_keys}
        hyper = self._hypers(group, params)
        fn = _jitted(type(self)._kernel, self._static(group), donate)
        args = ([p._data for p in params], [p.grad._data for p in params], states, hyper)
        if donate:  # the old arrays die when fn runs: an interrupt must not come between it and the store
            _interrupt.whole(self._apply, fn, args, params)
        else:
            self._apply(fn, args, params)

    def _apply(self, fn, args, params) -> None:
        """Run the update and store its results. `out.extend(starmap(...))` is one C call, so the
        results are held as soon as fn returns; an exception that cuts the store short (the
        parameters' donated arrays then half replaced) has `finally` store them again."""
        out, done = [], []
        try:
            out.extend(starmap(fn, (args,)))
            self._store(params, *out[0])
            done.append(True)
        finally:
            if out and not done:
                self._store(params, *out[0])

    def _store(self, params, new_params, new_states) -> None:
        """Write an update's results into the parameters and their state (may run twice)."""
        for p, a in zip(params, new_params):
            p._write(a)
        for k, arrays in new_states.items():
            for p, a in zip(params, arrays):
                if a is None:  # (that parameter has no such state: a group may mix shapes)
                    continue
                t = self.state[p].get(k)
                if isinstance(t, Tensor):
                    t._write(a)
                else:
                    self.state[p][k] = Tensor._wrap(a)

    def _state_array(self, p, key):
        t = self.state[p].get(key)
        return t._data if isinstance(t, Tensor) else None

    def _hypers(self, group: dict, params: list) -> dict:
        """The group's hyperparameters as traced jit arguments."""
        return {k: _hyper(self._hyper_value(group, k)) for k in self._hyper_keys}

    def _hyper_value(self, group: dict, key: str):
        return group[key]

    def _static(self, group: dict) -> tuple:
        return ()

    def _init_state(self, p: Tensor, group: dict) -> dict:
        return {}

    # ----- hooks -----
    def register_step_pre_hook(self, hook) -> RemovableHandle:
        """Mirrors `torch.optim.Optimizer.register_step_pre_hook`."""
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook) -> RemovableHandle:
        """Mirrors `torch.optim.Optimizer.register_step_post_hook`."""
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    def _add(self, hooks: OrderedDict, hook, prepend: bool) -> RemovableHandle:
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        return self._add(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        return self._add(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        return self._add(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        return self._add(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ----- state dicts -----
    def state_dict(self) -> dict[str, Any]:
        """Mirrors `torch.optim.Optimizer.state_dict`: state keyed by parameter index in group order."""
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        mapping: dict[int, int] = {}
        start = 0
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            mapping.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in mapping})
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        sd = {"state": state, "param_groups": groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, sd)
            if result is not None:
                sd = result
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Mirrors `torch.optim.Optimizer.load_state_dict`."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups), chain.from_iterable(g["params"] for g in groups)
            )
        )
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast(id_map[k], v)
            else:
                state[k] = v
        new_groups = []
        for g, ng in zip(groups, saved_groups):
            ng["params"] = g["params"]
            if "param_names" in g and "param_names" not in ng:
                ng["param_names"] = g["param_names"]
            new_groups.append(ng)
        declared = dict(self.defaults)  # (__setstate__ may add defaults PyTorch never puts in a group)
        self.__setstate__({"state": state, "param_groups": new_groups})
        self._after_load(declared)
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    def _after_load(self, defaults: dict) -> None:
        """Fill group defaults added since the state dict was written; 'step' as a tensor."""
        for group in self.param_groups:
            for k, v in defaults.items():
                if v is not required:
                    group.setdefault(k, v)
        for st in self.state.values():
            if isinstance(st, dict) and "step" in st and not isinstance(st["step"], Tensor):
                from .._ops.creation import tensor

                st["step"] = tensor(float(st["step"]), dtype=scalar_dtype())


def _clear_grad(p: Tensor, set_to_none: bool) -> None:
    """Drop p's gradient, or zero it in place (first cut from any graph it was part of)."""
    if set_to_none:
        p.grad = None
        return
    g = p.grad
    if g.grad_fn is not None:
        g.detach_()
    else:
        g.requires_grad_(False)
    g._write(jax.numpy.zeros_like(g._data))


def _cast(param: Tensor, value, key=None):
    """A copy of a loaded state value: tensors cast to the parameter's dtype/device ('step' kept as is)."""
    if isinstance(value, Tensor):
        if key == "step":
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)
    if isinstance(value, dict):
        return {k: _cast(param, v, key=k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value
