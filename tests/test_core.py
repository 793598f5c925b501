"""Core behaviours: storage sharing, views, in-place writes, promotion basics."""
import torchlike as torch


def test_detach_shares_storage():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x.detach()
    a += 1
    assert x.tolist() == [2.0, 3.0]
    assert x._version == 1


def test_view_write_is_seen_by_base():
    x = torch.zeros(2, 3)
    v = x[1]
    v.add_(5)
    assert x.tolist() == [[0, 0, 0], [5, 5, 5]]
    x[0, 0] = 7
    assert x.t()[0].tolist() == [7, 5]


def test_int_plus_int_scalar_stays_int64():
    x = torch.tensor([[1, 2], [3, 4]])
    y = x + 1
    assert y.dtype is torch.int64
    assert y.tolist() == [[2, 3], [4, 5]]


def test_backward_simple():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]


def test_kernel_cache_tells_false_from_zero():
    x = torch.ones(2, 3)
    assert tuple(x.sum(0).shape) == (3,)
    assert tuple(torch.var(x, 0).shape) == (3,)
    assert tuple(torch.var(x, False).shape) == ()  # the legacy (input, unbiased) form
