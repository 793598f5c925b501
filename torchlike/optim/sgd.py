"""SGD with momentum, dampening, Nesterov, weight decay and maximize."""

from __future__ import annotations

from .optimizer import Optimizer, check_lr

__all__ = ["SGD"]


def sgd_update(params, grads, states, h, *, decay, momentum, nesterov, maximize):
    """PyTorch's SGD step on lists of arrays; a missing momentum buffer starts as the gradient."""
    new_p, new_buf = [], []
    for p, g, buf in zip(params, grads, states["momentum_buffer"]):
        dt = p.dtype
        g = -g if maximize else g
        if decay:
            g = g + h["weight_decay"].astype(dt) * p
        if momentum:
            buf = g if buf is None else buf * h["momentum"].astype(dt) + (1 - h["dampening"]).astype(dt) * g
            new_buf.append(buf)
            g = g + h["momentum"].astype(dt) * buf if nesterov else buf
        new_p.append(p - h["lr"].astype(dt) * g)
    return new_p, ({"momentum_buffer": new_buf} if momentum else {})


class SGD(Optimizer):
    """Mirrors `torch.optim.SGD`."""

    _kernel = staticmethod(sgd_update)
    _state_keys = ("momentum_buffer",)
    _hyper_keys = ("lr", "momentum", "dampening", "weight_decay")

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay=0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for k in ("nesterov", "maximize", "differentiable"):
                group.setdefault(k, False)
            for k in ("foreach", "fused"):
                group.setdefault(k, None)

    def _static(self, group):
        return (
            ("decay", group["weight_decay"] != 0),
            ("momentum", group["momentum"] != 0),
            ("nesterov", bool(group["nesterov"])),
            ("maximize", bool(group["maximize"])),
        )

    def _update_group(self, group, params):
        if group["momentum"] != 0:  # (without momentum there is no state: the base checks at every step)
            for p in params:
                self._check_param(p)
        super()._update_group(group, params)
        if group["momentum"] == 0:
            for p in params:  # PyTorch keeps no state without momentum
                if not self.state[p]:
                    del self.state[p]

    def step(self, closure=None):
        """Mirrors `torch.optim.SGD.step`."""
        return self._step_groups(closure)
