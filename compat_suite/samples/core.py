"""Samples for the core operators defined with the registry itself (views, indexing, conversion)."""
import numpy as np

from ..harness import randn
from ._base import Sample, add

add("view", Sample((randn(2, 6),), call=lambda t, x: x.view(3, 4)), Sample((randn(2, 6),), call=lambda t, x: x.view(-1)),
    Sample((randn(2, 3),), call=lambda t, x: x.view(3, 1, 2)))
add("_reshape_copy", Sample((randn(2, 3),), call=lambda t, x: x.t().reshape(6)))
add("_basic_index", Sample((randn(4, 5),), call=lambda t, x: x[1:, ::2]), Sample((randn(4, 5),), call=lambda t, x: x[-1]),
    Sample((randn(2, 3, 4),), call=lambda t, x: x[..., None, 1]), Sample((randn(4, 5),), call=lambda t, x: x[:, -3:-1]))
add("_advanced_index", Sample((randn(4, 5),), call=lambda t, x: x[[0, 2, 2]]),
    Sample((randn(4, 5),), call=lambda t, x: x[x > 0]),
    Sample((randn(3, 4, 5),), call=lambda t, x: x[:, [1, 0], [2, 3]]),
    Sample((randn(3, 4, 5),), call=lambda t, x: x[[1, 0], :, [2, 3]]),
    Sample((randn(4, 5),), call=lambda t, x: x[t.tensor([[0, 1], [3, 2]])]))


def _setitem(t, x, v):
    y = x * 1
    y[1:3, 0] = v
    return y


def _setitem_adv(t, x):
    y = x * 1
    y[y < 0] = 0.5
    return y


add("_index_put", Sample((randn(4, 3), randn(2)), call=_setitem), Sample((randn(4, 3),), call=_setitem_adv))
add("_to_copy", Sample((randn(2, 3),), call=lambda t, x: x.double()), Sample((randn(2, 3),), call=lambda t, x: x.long()),
    Sample((randn(3),), call=lambda t, x: x.to(t.float16)))
add("clone", Sample((randn(2, 3),)), Sample((np.arange(4),)))


def _copy_slices(t, x):
    y = x * 2
    y[0].mul_(3)
    return y


add("_copy_slices_op", Sample((randn(3, 2),), call=_copy_slices))
