"""Reductions and sorting: known answers, dtype rules, named results and gradients."""
import math

import pytest

import torchlike as torch


def _x(grad=False):
    return torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], requires_grad=grad)


def test_sum_mean_prod_known_values():
    x = _x()
    assert x.sum().item() == 21.0
    assert x.sum(0).tolist() == [5.0, 7.0, 9.0]
    assert x.mean(1, keepdim=True).tolist() == [[3.0], [4.0]]
    assert x.prod(1).tolist() == [15.0, 48.0]
    assert torch.nansum(torch.tensor([1.0, math.nan, 2.0])).item() == 3.0
    assert torch.nanmean(torch.tensor([1.0, math.nan, 3.0])).item() == 2.0


def test_integer_sums_are_int64():
    assert torch.tensor([1, 2], dtype=torch.int32).sum().dtype is torch.int64
    assert torch.tensor([True, True, False]).sum().item() == 2
    assert torch.tensor([2, 3], dtype=torch.uint8).prod().dtype is torch.int64
    assert torch.tensor([1, 2, 3], dtype=torch.int8).cumsum(0).dtype is torch.int64


def test_mean_of_int_raises():
    with pytest.raises(RuntimeError, match="could not infer output dtype"):
        torch.tensor([1, 2]).mean()


def test_std_var_corrections():
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert math.isclose(x.var().item(), 5 / 3, rel_tol=1e-6)
    assert math.isclose(x.var(unbiased=False).item(), 1.25, rel_tol=1e-6)
    assert math.isclose(x.std(correction=0).item(), math.sqrt(1.25), rel_tol=1e-6)
    assert math.isclose(torch.std(x, False).item(), math.sqrt(1.25), rel_tol=1e-6)
    s, m = torch.std_mean(x)
    assert math.isclose(m.item(), 2.5) and math.isclose(s.item(), math.sqrt(5 / 3), rel_tol=1e-6)


def test_max_forms():
    x = _x()
    assert x.max().item() == 6.0
    r = torch.max(x, 1)
    assert r.values.tolist() == [5.0, 6.0] and r.indices.tolist() == [1, 2]
    values, indices = x.min(dim=0, keepdim=True)
    assert values.tolist() == [[1.0, 2.0, 3.0]] and indices.dtype is torch.int64
    assert torch.max(x, torch.full((2, 3), 4.0)).tolist() == [[4.0, 5.0, 4.0], [4.0, 4.0, 6.0]]
    assert repr(r).startswith("torch.return_types.max(\nvalues=tensor([5., 6.]),\nindices=tensor([1, 2]))")


def test_max_of_empty_raises():
    with pytest.raises(RuntimeError, match="Expected reduction dim to be specified"):
        torch.zeros(0).max()
    with pytest.raises(IndexError, match=r"range of \[-2, 1\], but got 2"):
        _x().sum(2)


def test_max_dim_gradient_goes_to_one_index_amax_splits_ties():
    x = torch.tensor([2.0, 2.0, 1.0], requires_grad=True)
    x.max(0).values.backward()
    assert x.grad.tolist() == [1.0, 0.0, 0.0]
    y = torch.tensor([2.0, 2.0, 1.0], requires_grad=True)
    y.amax().backward()
    assert y.grad.tolist() == [0.5, 0.5, 0.0]


def test_argmax_all_any_count():
    x = _x()
    assert x.argmax().item() == 5 and x.argmax(1).tolist() == [1, 2]
    assert x.argmin(1, keepdim=True).tolist() == [[0], [1]]
    assert torch.tensor([1.0, 0.0]).all().item() is False
    assert torch.tensor([[0, 1], [0, 0]]).any(1).tolist() == [True, False]
    assert torch.tensor([[0, 1], [2, 0]]).count_nonzero(0).tolist() == [1, 1]


def test_logsumexp_and_cumulative():
    x = torch.tensor([0.0, math.log(3.0)])
    assert math.isclose(torch.logsumexp(x, 0).item(), math.log(4.0), rel_tol=1e-6)
    assert torch.tensor([1, 2, 3]).cumsum(0).tolist() == [1, 3, 6]
    assert torch.tensor([1.0, 2.0, 3.0]).cumprod(0).tolist() == [1.0, 2.0, 6.0]
    v, i = torch.cummax(torch.tensor([1, 3, 3, 2, 3]), 0)
    assert v.tolist() == [1, 3, 3, 3, 3] and i.tolist() == [0, 1, 2, 2, 4]
    assert torch.diff(torch.tensor([1, 4, 9, 16]), n=2).tolist() == [2, 2]


def test_sort_topk_kthvalue():
    x = torch.tensor([3.0, 1.0, 2.0])
    s = torch.sort(x, descending=True)
    assert s.values.tolist() == [3.0, 2.0, 1.0] and s.indices.tolist() == [0, 2, 1]
    assert x.argsort().tolist() == [1, 2, 0]
    t = torch.topk(x, 2, largest=False)
    assert t.values.tolist() == [1.0, 2.0] and t.indices.tolist() == [1, 2]
    k = torch.kthvalue(x, 2)
    assert k.values.item() == 2.0 and k.indices.item() == 2
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        torch.topk(x, 4)


def test_median_mode_quantile():
    x = torch.tensor([4.0, 1.0, 3.0, 2.0])
    assert x.median().item() == 2.0
    m = torch.tensor([[1.0, 3.0, 2.0]]).median(1)
    assert m.values.tolist() == [2.0] and m.indices.tolist() == [2]
    assert torch.tensor([1.0, math.nan, 3.0]).nanmedian().item() == 1.0
    mo = torch.mode(torch.tensor([1, 3, 3, 2, 2, 1]))
    assert mo.values.item() == 1 and mo.indices.item() == 5
    assert math.isclose(torch.quantile(x, 0.5).item(), 2.5)
    assert torch.quantile(x, torch.tensor([0.0, 1.0])).tolist() == [1.0, 4.0]
    assert torch.quantile(x, 0.4, interpolation="lower").item() == 2.0


def test_median_gradient_split_among_ties():
    x = torch.tensor([1.0, 2.0, 2.0, 3.0], requires_grad=True)
    x.median().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5, 0.0]


def test_unique():
    out, inv, counts = torch.unique(torch.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True)
    assert out.tolist() == [1, 2, 3] and inv.tolist() == [2, 0, 2, 1] and counts.tolist() == [1, 1, 2]
    rows = torch.unique(torch.tensor([[1, 2], [1, 2], [0, 1]]), dim=0)
    assert rows.tolist() == [[0, 1], [1, 2]]
    u, c = torch.unique_consecutive(torch.tensor([3, 3, 1, 3]), return_counts=True)
    assert u.tolist() == [3, 1, 3] and c.tolist() == [2, 1, 1]
