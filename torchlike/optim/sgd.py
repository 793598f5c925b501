"""SGD with momentum, dampening, Nesterov, weight decay and maximize."""

from __future__ import annotations

from ._family import PerParamOptimizer, check_lr, decayed

__all__ = ["SGD"]


def sgd_update(p, g, state, h, *, decay, momentum, nesterov):
    """PyTorch's SGD step for one parameter; a missing momentum buffer starts as the gradient."""
    dt = p.dtype
    if decay:
        _, g = decayed(p, g, h)
    new = {}
    if momentum:
        buf = state["momentum_buffer"]
        buf = g if buf is None else buf * h["momentum"].astype(dt) + (1 - h["dampening"]).astype(dt) * g
        new["momentum_buffer"] = buf
        g = g + h["momentum"].astype(dt) * buf if nesterov else buf
    return p - h["lr"].astype(dt) * g, new


class SGD(PerParamOptimizer):
    """Mirrors `torch.optim.SGD`."""

    _update = staticmethod(sgd_update)
    _state_keys = ("momentum_buffer",)
    _hyper_keys = ("lr", "momentum", "dampening", "weight_decay")
    _flags = ("decay", "nesterov", "maximize")
    _defaults_order = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach",
                       "differentiable", "fused")
    _group_fallbacks = {"nesterov": False, "maximize": False, "differentiable": False, "foreach": None,
                        "fused": None}

    def __init__(self, params, lr=1e-3, momentum: float = 0, dampening: float = 0, weight_decay=0,
                 nesterov: bool = False, *, maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        self._setup(params, locals())

    def _validate(self, args):
        check_lr(args["lr"])
        # (`x < 0.0`, not `not 0.0 <= x`: PyTorch's SGD lets a NaN through)
        if args["momentum"] < 0.0:
            raise ValueError(f"Invalid momentum value: {args['momentum']}")
        if args["weight_decay"] < 0.0:
            raise ValueError(f"Invalid weight_decay value: {args['weight_decay']}")
        if args["nesterov"] and (args["momentum"] <= 0 or args["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _static(self, group):
        return (*super()._static(group), ("momentum", group["momentum"] != 0))

    def _update_group(self, group, params):
        if group["momentum"] != 0:  # (without momentum there is no state: the base checks at every step)
            for p in params:
                self._check_param(p)
        super()._update_group(group, params)
        if group["momentum"] == 0:
            for p in params:  # PyTorch keeps no state without momentum
                if not self.state[p]:
                    del self.state[p]
