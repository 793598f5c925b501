"""Samples for the shape operators (views, joins, repeats, flips)."""
import numpy as np

from ..harness import randint, randn
from ._base import Sample, add


def S(*inputs, call=None, label="", grad=True, **kw):
    return Sample(tuple(inputs), kw, call=call, label=label, grad=grad)


B = randint(0, 2, 2, 3).astype(bool)
I = randint(-5, 6, 2, 3)

add("view", S(randn(0, 3), call=lambda t, x: x.view(3, 0), label="empty"), S(I, call=lambda t, x: x.view(-1, 2)),
    S(randn(4, 3), call=lambda t, x: x.t().view(3, 2, 2), label="split a dim of a transpose"),
    S(randn(2, 3), call=lambda t, x: x.view_as(t.ones(3, 2))), S(randn(), call=lambda t, x: x.view(1, 1)))
add("_view_dtype", S(randn(2, 3), call=lambda t, x: x.view(t.int32)),
    S(randint(0, 9, 4, dtype=np.int64), call=lambda t, x: x.view(t.float64)))
add("_reshape_copy", S(randn(2, 3, 4), call=lambda t, x: x.transpose(0, 1).reshape(6, 4)),
    S(randn(3, 4), call=lambda t, x: x[:, ::2].flatten()), S(randn(2, 3), call=lambda t, x: x.t().ravel()),
    S(randn(2, 3), call=lambda t, x: x.t().reshape_as(t.ones(6))))
add("unflatten", S(randn(2, 12), call=lambda t, x: x.unflatten(1, (3, -1))),
    S(randn(6), call=lambda t, x: t.unflatten(x, -1, (2, 3))), S(I, call=lambda t, x: x.unflatten(0, (1, 2))))
add("squeeze", S(randn(1, 3, 1)), S(randn(1, 3, 1), dim=0), S(randn(1, 3, 1), dim=-1), S(randn(1, 3, 1), dim=(0, 2)),
    S(randn(1, 3, 1), dim=1), S(randn(), dim=0), S(randn(1, 0)), S(B.reshape(1, 6)))
add("unsqueeze", S(randn(2, 3), dim=0), S(randn(2, 3), dim=-1), S(randn(), dim=0), S(I, dim=1), S(randn(0, 2), dim=2))
add("transpose", S(randn(2, 3, 4), dim0=0, dim1=2), S(randn(2, 3), dim0=-1, dim1=-2), S(randn(), dim0=0, dim1=-1),
    S(I, call=lambda t, x: x.swapaxes(0, 1)), S(randn(2, 3, 4), call=lambda t, x: t.swapdims(x, 1, 2)),
    S(randn(2, 3, 4), call=lambda t, x: x.mT), S(randn(2, 3), call=lambda t, x: x.H),
    S(randn(2, 3, 4), call=lambda t, x: x.mH), S(randn(2, 3), call=lambda t, x: t.adjoint(x)))
add("t", S(randn(2, 3)), S(randn(3)), S(randn()), S(B))
add("permute", S(randn(2, 3, 4), call=lambda t, x: x.permute(2, 0, 1)), S(randn(2, 3, 4), dims=(-1, 1, 0)),
    S(randn(2, 3, 4), call=lambda t, x: x.T), S(randn(2, 3), call=lambda t, x: x.T), S(randn(), dims=()))
add("movedim", S(randn(2, 3, 4), source=0, destination=-1), S(randn(2, 3, 4), source=(0, 1), destination=(2, 0)),
    S(randn(2, 3, 4), call=lambda t, x: t.moveaxis(x, -1, 0)), S(I, source=1, destination=0))
add("expand", S(randn(3, 1), call=lambda t, x: x.expand(2, 3, 4)), S(randn(3, 1), call=lambda t, x: x.expand(-1, 5)),
    S(randn(), call=lambda t, x: x.expand(2, 2)), S(randn(3, 1), call=lambda t, x: x.expand_as(t.ones(3, 2))),
    S(randn(3, 1), call=lambda t, x: t.broadcast_to(x, (2, 3, 3))), S(I, call=lambda t, x: x.expand(2, 2, 3)),
    S(randn(3, 1), randn(2, 1, 4), call=lambda t, x, y: t.broadcast_tensors(x, y)),
    S(randn(1, 0), call=lambda t, x: x.expand(3, 0)))
add("select", S(randn(3, 4), dim=0, index=1), S(randn(3, 4), dim=-1, index=-1), S(I, dim=1, index=2),
    S(randn(2, 3, 4), call=lambda t, x: x.select(1, 0)))
add("narrow", S(randn(5, 3), dim=0, start=1, length=3), S(randn(5, 3), dim=-1, start=-2, length=2),
    S(randn(5, 3), dim=0, start=5, length=0), S(I, dim=1, start=0, length=1),
    S(randn(5, 3), call=lambda t, x: t.narrow(x, 0, t.tensor(2), 2)),
    S(randn(5, 3), call=lambda t, x: x.narrow(1, t.tensor(-2), 1)))
add("unfold", S(randn(7), call=lambda t, x: x.unfold(0, 3, 2)), S(randn(2, 5), call=lambda t, x: x.unfold(1, 2, 1)),
    S(randn(4, 3), call=lambda t, x: x.unfold(0, 4, 1)), S(randn(), call=lambda t, x: x.unfold(0, 1, 1)))
add("diagonal", S(randn(3, 4)), S(randn(3, 4), offset=1), S(randn(3, 4), offset=-2), S(randn(2, 3, 4), dim1=1, dim2=2),
    S(randn(2, 3, 4), offset=1, dim1=-1, dim2=0), S(randn(2, 2), offset=5), S(I))
add("_as_strided", S(randn(3, 4), call=lambda t, x: x.as_strided((2, 2), (1, 2))),
    S(randn(3, 4), call=lambda t, x: t.as_strided(x, (3, 3), (4, 1), 1)),
    S(randn(6), call=lambda t, x: x.as_strided((3, 2), (1, 1))))
add("_split", S(randn(5, 3), call=lambda t, x: x.split(2)), S(randn(5, 3), call=lambda t, x: t.split(x, 1, dim=1)),
    S(randn(4, 3), call=lambda t, x: x.chunk(2)), S(randn(5, 3), call=lambda t, x: x.chunk(3, -1)),
    S(randn(5, 2), call=lambda t, x: t.chunk(x, 4)), S(randn(0, 3), call=lambda t, x: x.chunk(2)),
    S(I, call=lambda t, x: x.split(2, 1)), S(randn(4), call=lambda t, x: x.split(10)))
add("_split_with_sizes", S(randn(5, 3), call=lambda t, x: x.split([2, 3])),
    S(randn(5, 3), call=lambda t, x: t.split(x, (1, 0, 2), dim=1)))
add("_unbind", S(randn(3, 2), call=lambda t, x: x.unbind()), S(randn(3, 2), call=lambda t, x: t.unbind(x, -1)),
    S(I, call=lambda t, x: x.unbind(1)), S(randn(0, 2), call=lambda t, x: x.unbind(0)))
add("narrow", S(randn(7, 2), call=lambda t, x: x.tensor_split(3)),
    S(randn(7, 2), call=lambda t, x: t.tensor_split(x, [1, 5])),
    S(randn(2, 7), call=lambda t, x: x.tensor_split((2, -2, 9), dim=1)),
    S(randn(7), call=lambda t, x: x.tensor_split(t.tensor([2, 4]))),
    S(randn(7), call=lambda t, x: x.tensor_split(t.tensor(2))))

# ----- joins -----
add("cat", S([randn(2, 3), randn(1, 3)], call=lambda t, xs: t.cat(xs)),
    S([randn(2, 3), randn(2, 1)], call=lambda t, xs: t.cat(xs, dim=-1)),
    S([randn(2, 3), randn(0)], call=lambda t, xs: t.cat(xs), label="legacy empty"),
    S([randn(2, 3), randn(2, 3, dtype=np.float64)], call=lambda t, xs: t.concat(xs, 1), label="promotion"),
    S([randint(0, 5, 2), randn(3)], call=lambda t, xs: t.concatenate(xs), label="int+float"),
    S([B, B], call=lambda t, xs: t.cat(xs)), S([randn(3)], call=lambda t, xs: t.cat(xs)),
    S([randn(0, 3), randn(0, 3)], call=lambda t, xs: t.cat(xs, 1)),
    S([randn(2, 3), randn(2, 3)], call=lambda t, xs: t.cat(xs, out=t.empty(0)), label="out=", grad=False))
add("stack", S([randn(2, 3), randn(2, 3)], call=lambda t, xs: t.stack(xs)),
    S([randn(2, 3), randn(2, 3)], call=lambda t, xs: t.stack(xs, -1)),
    S([randn(), randn()], call=lambda t, xs: t.stack(xs)),
    S([randint(0, 5, 3), randn(3, dtype=np.float64)], call=lambda t, xs: t.stack(xs, 1)))
add("hstack", S([randn(2), randn(3)], call=lambda t, xs: t.hstack(xs)),
    S([randn(2, 3), randn(2, 1)], call=lambda t, xs: t.hstack(xs)), S([randn(), randn(2)], call=lambda t, xs: t.hstack(xs)))
add("vstack", S([randn(3), randn(3)], call=lambda t, xs: t.vstack(xs)),
    S([randn(2, 3), randn(3)], call=lambda t, xs: t.row_stack(xs)))
add("dstack", S([randn(3), randn(3)], call=lambda t, xs: t.dstack(xs)),
    S([randn(2, 3), randn(2, 3)], call=lambda t, xs: t.dstack(xs)))
add("column_stack", S([randn(3), randn(3, 2)], call=lambda t, xs: t.column_stack(xs)),
    S([randn(), randn(1)], call=lambda t, xs: t.column_stack(xs)))

# ----- repeats, flips -----
add("repeat", S(randn(2, 3), call=lambda t, x: x.repeat(2, 1)), S(randn(2, 3), call=lambda t, x: x.repeat(2, 1, 3)),
    S(randn(), call=lambda t, x: x.repeat(3)), S(I, call=lambda t, x: x.repeat((1, 2))),
    S(randn(3), call=lambda t, x: x.repeat(0, 2)))
add("tile", S(randn(2, 3), dims=(2,)), S(randn(2, 3), dims=(2, 1, 2)), S(randn(3), call=lambda t, x: x.tile(2, 2)),
    S(I, call=lambda t, x: t.tile(x, (1, 2))))
add("_repeat_interleave", S(randn(2, 3), call=lambda t, x: x.repeat_interleave(2)),
    S(randn(2, 3), call=lambda t, x: x.repeat_interleave(3, dim=1)),
    S(randn(3, 2), call=lambda t, x: x.repeat_interleave(t.tensor([1, 0, 2]), dim=0)),
    S(randn(3, 2), call=lambda t, x: t.repeat_interleave(x, t.tensor(2), dim=-1)),
    S(randint(0, 4, 3), call=lambda t, x: t.repeat_interleave(x)), S(I, call=lambda t, x: x.repeat_interleave(2, 0)))
add("flip", S(randn(2, 3), dims=(0,)), S(randn(2, 3, 4), dims=(-1, 0)), S(randn(), dims=()),
    S(I, call=lambda t, x: x.flip(1)), S(randn(2, 3), call=lambda t, x: t.flip(x, [0, 1])))
add("fliplr", S(randn(2, 3)), S(randn(2, 3, 4)), S(I))
add("flipud", S(randn(2, 3)), S(randn(3)), S(B))
add("roll", S(randn(2, 3), shifts=1), S(randn(2, 3), shifts=-4, dims=1), S(randn(2, 3), shifts=(1, 2), dims=(0, 1)),
    S(I, shifts=5, dims=0), S(randn(0, 3), shifts=1))
add("rot90", S(randn(2, 3)), S(randn(2, 3), k=2), S(randn(2, 3), k=-1), S(randn(2, 3, 4), k=3, dims=(2, 0)),
    S(I, k=1, dims=(1, 0)))
