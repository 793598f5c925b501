"""Shape operators: known answers."""
import pytest

import torchlike as torch


def test_cat_stack_known():
    a, b = torch.tensor([[1, 2]]), torch.tensor([[3, 4]])
    assert torch.cat([a, b]).tolist() == [[1, 2], [3, 4]]
    assert torch.cat([a, b], 1).tolist() == [[1, 2, 3, 4]]
    assert torch.stack([a[0], b[0]], 1).tolist() == [[1, 3], [2, 4]]
    assert torch.cat([a, torch.tensor([])]).tolist() == [[1, 2]]
    assert torch.cat([a, torch.tensor([[0.5, 1.5]])]).dtype is torch.float32
    assert torch.hstack([torch.tensor([1]), torch.tensor([2, 3])]).tolist() == [1, 2, 3]
    assert torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])]).tolist() == [[1, 2], [3, 4]]
    assert torch.dstack([torch.tensor([1]), torch.tensor([2])]).tolist() == [[[1, 2]]]
    assert torch.column_stack([torch.tensor([1, 2]), torch.tensor([3, 4])]).tolist() == [[1, 3], [2, 4]]


def test_repeats_flips_rolls():
    x = torch.tensor([[1, 2], [3, 4]])
    assert x.repeat(1, 2).tolist() == [[1, 2, 1, 2], [3, 4, 3, 4]]
    assert x.tile(2, 1).tolist() == [[1, 2], [3, 4], [1, 2], [3, 4]]
    assert x.repeat_interleave(2, dim=0).tolist() == [[1, 2], [1, 2], [3, 4], [3, 4]]
    assert x.repeat_interleave(torch.tensor([0, 2]), dim=1).tolist() == [[2, 2], [4, 4]]
    assert torch.repeat_interleave(torch.tensor([1, 2])).tolist() == [0, 1, 1]
    assert x.flip(0).tolist() == [[3, 4], [1, 2]]
    assert x.fliplr().tolist() == [[2, 1], [4, 3]]
    assert x.roll(1).tolist() == [[4, 1], [2, 3]]
    assert x.roll(1, 1).tolist() == [[2, 1], [4, 3]]
    assert x.rot90().tolist() == [[2, 4], [1, 3]]
    with pytest.raises(RuntimeError, match="Number of dimensions of repeat dims"):
        x.repeat(2)


def test_views_shapes_and_strides():
    x = torch.arange(24).reshape(2, 3, 4)
    assert x.stride() == (12, 4, 1)
    assert x.transpose(0, 2).stride() == (1, 4, 12)
    assert x[:, 1].storage_offset() == 4
    assert not x.transpose(0, 1).is_contiguous()
    assert x.transpose(0, 1).contiguous().is_contiguous()
    assert x.unfold(2, 2, 2).shape == (2, 3, 2, 2)
    assert x.unfold(2, 2, 2)[0, 0].tolist() == [[0, 1], [2, 3]]
    assert x.diagonal(0, 1, 2).tolist() == [[0, 5, 10], [12, 17, 22]]
    assert x.movedim(0, 2).shape == (3, 4, 2)
    assert x.unflatten(2, (2, -1)).shape == (2, 3, 2, 2)
    assert x.squeeze().shape == (2, 3, 4) and x[None].squeeze(0).shape == (2, 3, 4)
    assert [p.tolist() for p in torch.arange(5).split([2, 3])] == [[0, 1], [2, 3, 4]]
    assert [p.tolist() for p in torch.arange(5).chunk(2)] == [[0, 1, 2], [3, 4]]
    assert [p.tolist() for p in torch.arange(5).tensor_split([1, 3])] == [[0], [1, 2], [3, 4]]
    assert torch.broadcast_shapes((2, 1), (3,)) == (2, 3)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.transpose(0, 1).view(-1)


def test_view_grad_names():
    x = torch.ones(2, 3, requires_grad=True)
    assert x.squeeze(0).grad_fn.name() == "SqueezeBackward1"
    assert x.t().reshape(-1).grad_fn.name() == "UnsafeViewBackward0"
    assert x.split(1)[0].grad_fn.name() == "SplitBackward0"
    assert x[0].grad_fn.name() == "SelectBackward0"
