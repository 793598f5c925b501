"""Shape operators against PyTorch: errors, broadcasting helpers, dtype promotion of joins."""
import pytest

from .harness import check, check_error, randint, randn

ERRS = [
    lambda t, x: x.view(5), lambda t, x: x.view(-1, -1), lambda t, x: x.reshape(5, -1), lambda t, x: x.repeat(2),
    lambda t, x: t.cat([x, t.ones(2, 3)]), lambda t, x: t.cat([]), lambda t, x: t.cat([x, t.ones(2)]),
    lambda t, x: t.stack([x, t.ones(2, 3)]), lambda t, x: t.stack([]), lambda t, x: x.split(0),
    lambda t, x: x.split([1, 1]), lambda t, x: x.chunk(0), lambda t, x: x.unflatten(1, (3, 3)),
    lambda t, x: x.movedim((0, 1), (0, 0)), lambda t, x: x.movedim((0, 1), (0,)), lambda t, x: x.flip(0, 0),
    lambda t, x: x.roll(1, (0, 1)), lambda t, x: x.rot90(1, (0, 0)), lambda t, x: x.rot90(1, (0, 1, 2)),
    lambda t, x: x[0].rot90(), lambda t, x: x.unfold(1, 5, 1), lambda t, x: x.unfold(1, 2, 0),
    lambda t, x: x.diagonal(0, 0, 0), lambda t, x: x.expand(2, 4), lambda t, x: x.narrow(0, 2, 2),
    lambda t, x: x.select(0, 3), lambda t, x: x.squeeze(2), lambda t, x: x.permute(0, 0), lambda t, x: x.permute(0),
    lambda t, x: x.transpose(0, 2), lambda t, x: x.unsqueeze(3), lambda t, x: x[None].t(), lambda t, x: x[0].mT,
    lambda t, x: x[0].H, lambda t, x: x[None].H, lambda t, x: x[0].fliplr(), lambda t, x: x.sum().flipud(),
    lambda t, x: t.broadcast_shapes((2, 3), (3, 2)), lambda t, x: t.broadcast_tensors(x, t.ones(2)),
    lambda t, x: x.flatten(1, 0), lambda t, x: x.tensor_split(0), lambda t, x: x.tensor_split(t.tensor([[1]])),
    lambda t, x: x.repeat_interleave(-1), lambda t, x: x.expand(-1, 3, 4), lambda t, x: x.sum().unbind(),
]


@pytest.mark.parametrize("i", range(len(ERRS)))
def test_shape_errors(i):
    check_error(ERRS[i], randn(3, 4), area="shape")


def test_broadcast_helpers():
    check(lambda t: (t.broadcast_shapes((2, 1), (3,), ()), t.broadcast_shapes(5, (1, 5)), t.broadcast_shapes()),
          area="shape")
    check(lambda t, a, b, c: t.broadcast_tensors(a, b, c), randn(3, 1), randn(4), randn(), area="shape")


def test_join_promotion():
    check(lambda t, a, b, c: (t.cat([a, b]), t.stack([a, c]), t.hstack([b, c]), t.cat([c, t.tensor([True, False])])),
          randn(2, dtype=__import__("numpy").float64), randn(2), randint(0, 5, 2), area="shape")


def test_split_family_shapes():
    check(lambda t, x: ([p.shape for p in x.split(3)], [p.shape for p in x.chunk(4)], [p.shape for p in x.chunk(6)],
                        [p.shape for p in x.tensor_split(4)], [p.shape for p in x.tensor_split([2, 2, 9])],
                        [p.shape for p in x.unbind(1)]), randn(7, 2), grad=False, area="shape")


def test_reshape_view_or_copy():
    def fn(t, x):
        a = x.reshape(4, 6)
        b = x.transpose(0, 1).reshape(3, 8)
        c = x.transpose(0, 1).reshape(3, 2, 4)
        return a._base is not None, b._base is not None, c._base is not None, x.flatten(1, 1) is x, a, b, c
    check(fn, randn(2, 3, 4), area="shape")


def test_view_dtype():
    check(lambda t, x: (x.view(t.int32), x.view(t.float32), x.view(t.int32).view(t.float32)), randn(2, 3),
          grad=False, area="shape")
