"""RMSprop (centered, momentum)."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _ops
from .adam import zeros_state
from .optimizer import Optimizer, check_lr, lerp

__all__ = ["RMSprop"]


def rmsprop_update(params, grads, states, h, *, decay, centered, momentum, maximize):
    """PyTorch's single-tensor RMSprop step on lists of arrays."""
    out = {"step": [], "square_avg": [], "grad_avg": [], "momentum_buffer": []}
    new_p = []
    lr, alpha, eps = h["lr"], h["alpha"], h["eps"]
    for i, (p, g) in enumerate(zip(params, grads)):
        dt = p.dtype
        g = -g if maximize else g
        out["step"].append(states["step"][i] + 1)
        if decay:
            g = g + h["weight_decay"].astype(dt) * p
        sq = states["square_avg"][i] * alpha.astype(dt) + (1 - alpha).astype(dt) * (g * g)
        out["square_avg"].append(sq)
        if centered:
            ga = lerp(states["grad_avg"][i], g, 1 - alpha)
            out["grad_avg"].append(ga)
            avg = jnp.sqrt(sq - ga * ga)
        else:
            avg = jnp.sqrt(sq)
        avg = avg + eps.astype(dt)
        if momentum:
            buf = states["momentum_buffer"][i] * h["momentum"].astype(dt) + g / avg
            out["momentum_buffer"].append(buf)
            new_p.append(p - lr.astype(dt) * buf)
        else:
            new_p.append(p + (-lr).astype(dt) * (g / avg))
    return new_p, {k: v for k, v in out.items() if v}


class RMSprop(Optimizer):
    """Mirrors `torch.optim.RMSprop`."""

    _kernel = staticmethod(rmsprop_update)
    _state_keys = ("step", "square_avg", "grad_avg", "momentum_buffer")
    _hyper_keys = ("lr", "alpha", "eps", "weight_decay", "momentum")

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _static(self, group):
        return (
            ("decay", group["weight_decay"] != 0),
            ("centered", bool(group["centered"])),
            ("momentum", group["momentum"] > 0),
            ("maximize", bool(group["maximize"])),
        )

    def _init_state(self, p, group):
        st = zeros_state(p, "square_avg")
        if group["momentum"] > 0:
            st["momentum_buffer"] = _ops.creation.zeros_like(p)
        if group["centered"]:
            st["grad_avg"] = _ops.creation.zeros_like(p)
        return st

    def step(self, closure=None):
        """Mirrors `torch.optim.RMSprop.step`."""
        return self._step_groups(closure)
