"""Sweep samples for torch.special ops whose generic samples do not fit (zeta: differentiable only in q)."""
import numpy as np

from ..harness import rand, randint
from ._base import Sample, add


def _zeta_q_only(t, x, q):
    return t.special.zeta(x.detach(), q)  # PyTorch has no derivative in x


add("special_zeta",
    Sample((rand(3, 4, low=1.5, high=6.0), rand(3, 4, low=0.5, high=4.0, seed=1)), call=_zeta_q_only, label="x>1"),
    Sample((rand(2, 1, 3, low=1.1, high=3.0), rand(4, 1, low=0.2, high=2.0, seed=2)), call=_zeta_q_only,
           label="broadcast"),
    Sample((np.array([1.0, 0.5, 2.0, 3.0], np.float32), np.array([1.0, 1.0, -2.0, 0.0], np.float32)), grad=False,
           call=lambda t, x, q: t.special.zeta(x, q), label="poles and domain"),
    Sample((randint(2, 6, 3), randint(1, 4, 3, seed=1)), grad=False, call=lambda t, x, q: t.special.zeta(x, q),
           label="int64"),
    Sample((rand(3, low=1.5, high=4.0, dtype=np.float64), 2.5), grad=False,
           call=lambda t, x, q: t.special.zeta(x, q), label="scalar q"),
)


def _igamma_x_only(name):
    # PyTorch differentiates igamma/igammac only in their second argument.
    return lambda t, a, x: getattr(t, name)(a.detach(), x)


for _name in ("igamma", "igammac"):
    add(_name,
        Sample((rand(3, 4, low=0.5, high=4.0), rand(3, 4, low=0.2, high=5.0, seed=1)), call=_igamma_x_only(_name)),
        Sample((rand(2, 1, 3, low=0.5, high=3.0, dtype=np.float64), rand(4, 1, low=0.2, high=3.0, seed=2,
                                                                          dtype=np.float64)),
               call=_igamma_x_only(_name), label="broadcast float64"),
        Sample((np.array([0.0, -1.0, 1.0, np.inf, 1.0, 0.0], np.float32),
                np.array([1.0, 1.0, 0.0, 1.0, np.inf, 0.0], np.float32)), grad=False, label="edges"))
add("frexp",
    Sample((rand(3, 4, low=-8.0, high=8.0),), call=lambda t, x: t.frexp(x)),
    Sample((np.array([1.0, 0.0, -3.5, np.inf, np.nan, 1e-40, -0.0], np.float32),), grad=False, label="edges"),
    Sample((rand(5, low=-1e3, high=1e3, dtype=np.float64),), call=lambda t, x: x.frexp(), label="method float64"))
add("mvlgamma",
    Sample((rand(3, 4, low=2.5, high=6.0),), dict(p=3)),
    Sample((rand(5, low=0.6, high=3.0, dtype=np.float64),), dict(p=1), label="p=1 float64"),
    Sample((rand(4, low=1.6, high=4.0),), call=lambda t, x: t.special.multigammaln(x, 4), label="multigammaln"))
