"""Indexing: known answers."""
import pytest

import torchlike as torch


def test_getitem_known():
    x = torch.arange(12).reshape(3, 4)
    assert x[1].tolist() == [4, 5, 6, 7]
    assert x[-1, ::2].tolist() == [8, 10]
    assert x[[0, 2], [1, 3]].tolist() == [1, 11]
    assert x[x > 9].tolist() == [10, 11]
    assert x[None, 1:, 0].shape == (1, 2)
    assert x[True].shape == (1, 3, 4) and x[False].shape == (0, 3, 4)
    y = torch.arange(24).reshape(2, 3, 4)
    assert y[1, :, [0, 2]].shape == (3, 2)  # the int selects first, as PyTorch does (numpy gives (2, 3))


def test_getitem_errors():
    x = torch.arange(3)
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        x[5]
    with pytest.raises(IndexError, match="index 5 is out of bounds"):
        x[torch.tensor([5])]
    with pytest.raises(IndexError, match="tensors used as indices"):
        x[torch.tensor([1.0])]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0]


def test_setitem_known():
    x = torch.zeros(2, 3)
    x[0] = 1.0
    x[:, 2] = torch.tensor([5.0, 6.0])
    x[x == 0] = -1.0
    x[[1, 1], [0, 1]] += 1
    assert x.tolist() == [[1, 1, 5], [0, 0, 6]]
    i = torch.zeros(3, dtype=torch.int64)
    i[0] = 2.7
    assert i.tolist() == [2, 0, 0]


def test_setitem_grad():
    x = torch.ones(3, requires_grad=True)
    v = torch.tensor(2.0, requires_grad=True)
    y = x * 3
    y[[0, 0]] = v
    y.sum().backward()
    assert x.grad.tolist() == [0, 3, 3]
    assert v.grad.item() == 2.0  # PyTorch's: every repeated position passes gradient back
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x[0] = 1.0


def test_indexing_ops_known():
    x = torch.tensor([[1, 2], [3, 4]])
    assert x.gather(1, torch.tensor([[1], [0]])).tolist() == [[2], [3]]
    assert torch.zeros(2, 2, dtype=torch.int64).scatter(1, torch.tensor([[1], [0]]), 7).tolist() == [[0, 7], [7, 0]]
    assert x.index_select(0, torch.tensor([1])).tolist() == [[3, 4]]
    assert x.masked_fill(x > 2, 0).tolist() == [[1, 2], [0, 0]]
    assert x.masked_select(x > 1).tolist() == [2, 3, 4]
    assert x.take(torch.tensor([-1])).tolist() == [4]
    assert x.nonzero().tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert [t.tolist() for t in torch.where(x > 3)] == [[1], [1]]
    assert torch.zeros(3).scatter_reduce(0, torch.tensor([0, 0]), torch.tensor([2.0, 4.0]), "mean",
                                         include_self=False).tolist() == [3, 0, 0]
    with pytest.raises(RuntimeError, match="index 5 is out of bounds for dimension 1 with size 2"):
        x.gather(1, torch.tensor([[5]]))
