"""Aliasing of views and version counters: known answers."""
import torchlike as torch


def test_views_alias_both_ways():
    x = torch.zeros(2, 3)
    for v in (x.view(6), x.t(), x[:, 1], x.narrow(1, 0, 2), x.unsqueeze(0), x.split(1)[1], x.unbind(1)[2],
              x.diagonal(), x.unfold(1, 2, 1), x.movedim(0, 1), x.detach(), x.flatten()):
        before = x.clone()
        v.add_(1)
        assert not torch.equal(x, before) if hasattr(torch, "equal") else True
        x.mul_(0)
        assert float(v.sum()) == 0.0


def test_copies_do_not_alias():
    x = torch.zeros(2, 3)
    for c in (x.t().reshape(6), x[[0]], x.flip(0), x.t().contiguous()):
        c.add_(1)
    assert float(x.sum()) == 0.0


def test_versions():
    x = torch.zeros(2, 2)
    v = x[0]
    v.add_(1)
    x[1] = 2
    x[0] += 1
    assert x._version == 4 and v._version == 4


def test_copy_slices_grad():
    x = torch.ones(2, 2, requires_grad=True)
    y = x * 2
    y[0].mul_(3)
    assert y.grad_fn.name() == "CopySlices"
    y.sum().backward()
    assert x.grad.tolist() == [[6, 6], [2, 2]]
