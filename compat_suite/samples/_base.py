"""The sample registry and the generic, signature-driven samples."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..harness import randn, randint

SAMPLES: dict[str, list] = {}


@dataclass
class Sample:
    """Inputs for one sweep case: numpy arrays (or scalars) and static keyword arguments.
    `call(t, *inputs, **kwargs)` overrides calling `t.<op>(*inputs, **kwargs)`."""
    inputs: tuple
    kwargs: dict = field(default_factory=dict)
    call: object = None
    grad: bool = True
    tol: tuple | None = None
    label: str = ""


def samples(name: str):
    """Decorator: a function returning a list of Samples for operator `name`."""
    def register(fn):
        SAMPLES.setdefault(name, []).extend(fn())
        return fn
    return register


def add(name: str, *ss: Sample) -> None:
    SAMPLES.setdefault(name, []).extend(ss)


UNARY_SHAPES = [(), (0,), (5,), (2, 3), (2, 1, 4)]


def unary(dtypes=(np.float32,), shapes=UNARY_SHAPES, low=None, high=None, **kw):
    out = []
    for dt in dtypes:
        for s in shapes:
            if low is not None:
                x = np.random.default_rng(len(s) + sum(s)).uniform(low, high, s).astype(dt)
            elif np.dtype(dt).kind in "iu":
                x = randint(-5, 6, *s, dtype=dt) if np.dtype(dt).kind == "i" else randint(0, 9, *s, dtype=dt)
            elif np.dtype(dt).kind == "b":
                x = randint(0, 2, *s).astype(bool)
            else:
                x = randn(*s, dtype=dt)
            out.append(Sample((x,), dict(kw), label=f"{np.dtype(dt).name}{list(s)}"))
    return out


BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (3,)), ((0, 3), (3,))]


def binary(dtypes=(np.float32,), scalars=(2.5, 3), shapes=BINARY_SHAPES, positive_other=False, **kw):
    out = []
    for dt in dtypes:
        for sa, sb in shapes:
            a, b = randn(*sa, dtype=dt, seed=1), randn(*sb, dtype=dt, seed=2)
            if positive_other:
                b = np.abs(b) + 0.5
            out.append(Sample((a, b), dict(kw), label=f"{np.dtype(dt).name}{list(sa)}x{list(sb)}"))
    for s in scalars:
        out.append(Sample((randn(3, 2, seed=3), s), dict(kw), label=f"scalar {s!r}"))
    out.append(Sample((randint(1, 5, 3, 2), randint(1, 5, 2, seed=1)), dict(kw), label="int64"))
    out.append(Sample((randn(3, 2, dtype=np.float64), randn(2, dtype=np.float32)), dict(kw), label="f64xf32"))
    return out


def default_samples(o) -> list:
    """Generic samples from an operator's signature, or [] when none fits."""
    kinds = [k for _, k in o.tensor_params]
    statics = set(o.static_names) - {"out"}
    if kinds == ["T"] and statics <= {"dim", "keepdim", "dtype"} and "dim" in statics:
        res = unary(shapes=[(), (5,), (2, 3), (2, 3, 4)])
        for d, k in [(0, False), (-1, True), (1, False)]:
            res.append(Sample((randn(2, 3, 4),), {"dim": d, "keepdim": k}, label=f"dim={d} keepdim={k}"))
        return res
    if kinds == ["T"] and not statics - {"memory_format"}:
        return unary()
    if kinds in (["TS", "TS"], ["T", "TS"], ["T", "T"]) and not statics - {"alpha"}:
        return binary()
    return []
