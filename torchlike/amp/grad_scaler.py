"""GradScaler: loss scaling for float16 training. Mirrors `torch.amp.GradScaler`.

The scale and the growth tracker are 0-d tensors updated by jitted kernels, so `update()` does
not wait on the device; `step()` reads one found-inf flag per device back to the host to decide
whether to step.
"""
from __future__ import annotations

import enum
import warnings
from collections import abc, defaultdict

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .._tensor import Tensor

__all__ = ["GradScaler", "OptState"]


class OptState(enum.Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _fresh_optimizer_state() -> dict:
    return {"stage": OptState.READY, "found_inf_per_device": {}}


@jax.jit
def _unscale_and_check(grads, inv_scale):
    """grads * inv_scale (computed in float32, or float64 for float64 grads) and 1.0 if any grad
    holds an inf or nan, else 0.0."""
    found = jnp.zeros((), jnp.float32)
    out = []
    for g in grads:
        wide = jnp.float64 if g.dtype == jnp.float64 else jnp.float32
        out.append((g.astype(wide) * inv_scale.astype(wide)).astype(g.dtype))
        found = jnp.maximum(found, jnp.logical_not(jnp.all(jnp.isfinite(g))).astype(jnp.float32))
    return out, found


@jax.jit
def _update_scale(scale, tracker, found_inf, growth_factor, backoff_factor, growth_interval):
    """PyTorch's _amp_update_scale_: back off on inf/nan, grow after growth_interval clean steps."""
    wide = scale.astype(jnp.float64)
    successful = tracker + jnp.int32(1)
    grown = (wide * growth_factor).astype(jnp.float32)
    grow = successful == growth_interval
    clean_scale = jnp.where(grow & jnp.isfinite(grown), grown, scale)
    clean_tracker = jnp.where(grow, jnp.int32(0), successful)
    found = found_inf > jnp.float32(0)
    new_scale = jnp.where(found, (wide * backoff_factor).astype(jnp.float32), clean_scale)
    return new_scale, jnp.where(found, jnp.int32(0), clean_tracker)


class GradScaler:
    """Mirrors `torch.amp.GradScaler(device="cuda", init_scale=2.**16, growth_factor=2.0,
    backoff_factor=0.5, growth_interval=2000, enabled=True)`."""

    def __init__(self, device: str = "cuda", init_scale: float = 2.0 ** 16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000, enabled: bool = True) -> None:
        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled:
            from .autocast_mode import cuda_available
            if not cuda_available():
                warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                              stacklevel=2)
                self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._scale: Tensor | None = None
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._growth_tracker: Tensor | None = None
            self._per_optimizer_states: dict = defaultdict(_fresh_optimizer_state)

    # ----- scale and tracker -----
    def _check_scale_growth_tracker(self, funcname: str):
        fix = "This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration."
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  " + fix)
        if self._growth_tracker is None:
            raise AssertionError(f"Attempted {funcname} but _growth_tracker is None.  " + fix)
        return self._scale, self._growth_tracker

    def _lazy_init_scale_growth_tracker(self, dev) -> None:
        from .._ops.creation import full
        self._scale = full((), self._init_scale, dtype=D.float32, device=dev)
        self._growth_tracker = full((), self._init_growth_tracker, dtype=D.int32, device=dev)

    def scale(self, outputs):
        """Mirrors `GradScaler.scale`: outputs (a tensor or nested iterables of tensors) times the scale."""
        if not self._enabled:
            return outputs
        return self._scale_nested(outputs)

    def _scale_on(self, t: Tensor) -> Tensor:
        if self._scale is None:
            self._lazy_init_scale_growth_tracker(t.device)
        return self._scale if self._scale.device == t.device else self._scale.to(t.device)

    def _scale_nested(self, val):
        if isinstance(val, Tensor):
            return val * self._scale_on(val)
        if isinstance(val, abc.Iterable):
            scaled = map(self._scale_nested, val)
            return type(val)(scaled) if isinstance(val, (list, tuple)) else scaled
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    # ----- unscale, step, update -----
    def _unscale_grads_(self, optimizer, inv_scale: Tensor, allow_fp16: bool) -> dict:
        """Divide every gradient by the scale in place; a found-inf flag per device."""
        by_device: dict = defaultdict(list)
        for group in optimizer.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if not allow_fp16 and g.dtype is D.float16:
                    raise ValueError("Attempting to unscale FP16 gradients.")
                by_device[g.device].append(g)
        found = {}
        for dev, grads in by_device.items():
            inv = inv_scale if inv_scale.device == dev else inv_scale.to(dev)
            new, flag = _unscale_and_check([g._data for g in grads], inv._data)
            for g, a in zip(grads, new):
                g._write(a)
            found[dev] = Tensor._wrap(flag)
        return found

    def unscale_(self, optimizer) -> None:
        """Mirrors `GradScaler.unscale_`: once per optimizer between updates."""
        if not self._enabled:
            return
        self._check_scale_growth_tracker("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        # 1 / scale in float64 then float32, as PyTorch does for accuracy.
        inv_scale = Tensor._wrap((1.0 / self._scale._data.astype(jnp.float64)).astype(jnp.float32))
        state["found_inf_per_device"] = self._unscale_grads_(optimizer, inv_scale, False)
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """Mirrors `GradScaler.step`: unscales if needed, and steps unless a gradient is inf/nan."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale_growth_tracker("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if len(state["found_inf_per_device"]) == 0:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        retval = None
        if not sum(v.item() for v in state["found_inf_per_device"].values()):
            retval = optimizer.step(*args, **kwargs)
        state["stage"] = OptState.STEPPED
        return retval

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """Mirrors `GradScaler.update`: a given new scale, else back off or grow from the steps' flags."""
        if not self._enabled:
            return
        scale, tracker = self._check_scale_growth_tracker("update")
        if new_scale is not None:
            self._set_scale(new_scale)
        else:
            found = [f if f.device == scale.device else f.to(scale.device)
                     for s in self._per_optimizer_states.values() for f in s["found_inf_per_device"].values()]
            if len(found) == 0:
                raise AssertionError("No inf checks were recorded prior to update.")
            combined = sum((f._data for f in found[1:]), found[0]._data)
            new, count = _update_scale(scale._data, tracker._data, combined,
                                       jnp.float64(self._growth_factor), jnp.float64(self._backoff_factor),
                                       jnp.int32(self._growth_interval))
            scale._write(new)
            tracker._write(count)
        self._per_optimizer_states = defaultdict(_fresh_optimizer_state)

    def _set_scale(self, new_scale) -> None:
        if isinstance(new_scale, float):
            self._scale.fill_(new_scale)
            return
        reason = ("new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
                  "torch.FloatTensor with requires_grad=False.")
        if new_scale.device.type != self._device or new_scale.numel() != 1 or new_scale.requires_grad is True:
            raise AssertionError(reason)
        self._scale.copy_(new_scale)  # a 1-d one-element tensor fails here, as in PyTorch

    # ----- queries and state -----
    def _get_scale_async(self) -> Tensor | None:
        return self._scale

    def get_scale(self) -> float:
        """Mirrors `GradScaler.get_scale` (reads the scale back to the host)."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale.item())

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def _get_growth_tracker(self) -> int:
        if not self._enabled:
            return 0
        return self._init_growth_tracker if self._growth_tracker is None else int(self._growth_tracker.item())

    def is_enabled(self) -> bool:
        return self._enabled

    def state_dict(self) -> dict:
        """Mirrors `GradScaler.state_dict`: scale, factors, interval and growth tracker ({} if disabled)."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict: dict) -> None:
        """Mirrors `GradScaler.load_state_dict`."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved "
                               "from a disabled instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale.fill_(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict["_growth_tracker"])

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        if self._enabled:
            if len(self._per_optimizer_states) != 0:
                raise AssertionError("A GradScaler instance may only be pickled at the beginning "
                                     "of an iteration, or at the end after scaler.update().")
            state["_init_scale"] = self.get_scale()
            state["_init_growth_tracker"] = self._get_growth_tracker()
            state["_scale"] = None
            state["_growth_tracker"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
