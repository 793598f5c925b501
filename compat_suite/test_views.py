"""Aliasing as PyTorch has it: views share storage both ways, _version counters, CopySlices gradients."""
import pytest

from .harness import check, check_error, randn, torch, torchlike


def _both_ways(make_view, write_view, write_base):
    """A case: writes through the view are seen in the base and writes to the base are seen in the view."""
    def case(t, x):
        with t.no_grad():
            base = x.clone()
            v = make_view(t, base)
            write_view(v)
            seen_in_base = base.clone()
            write_base(base)
            return seen_in_base, v.clone(), base._version == v._version
    return case


def _add1(v):
    v.add_(1)


def _mul_base(b):
    b.mul_(-2)


VIEWS = {
    "view": lambda t, x: x.view(4, 3), "reshape": lambda t, x: x.reshape(2, 6), "flatten": lambda t, x: x.flatten(),
    "unflatten": lambda t, x: x.unflatten(1, (2, 2)), "squeeze": lambda t, x: x[None].squeeze(0),
    "unsqueeze": lambda t, x: x.unsqueeze(1), "permute": lambda t, x: x.permute(1, 0),
    "transpose": lambda t, x: x.transpose(0, 1), "t": lambda t, x: x.t(), "T": lambda t, x: x.T,
    "mT": lambda t, x: x.mT, "narrow": lambda t, x: x.narrow(1, 1, 2), "select": lambda t, x: x.select(0, 2),
    "slice": lambda t, x: x[1:, ::2], "int index": lambda t, x: x[1], "ellipsis": lambda t, x: x[..., -1],
    "none": lambda t, x: x[None, :, 1], "split": lambda t, x: x.split(2)[1], "split sizes": lambda t, x: x.split([1, 2])[1],
    "chunk": lambda t, x: x.chunk(2, 1)[0], "unbind": lambda t, x: x.unbind(1)[2], "unfold": lambda t, x: x.unfold(1, 2, 2),
    "diagonal": lambda t, x: x.diagonal(), "movedim": lambda t, x: x.movedim(0, 1), "view_as": lambda t, x: x.view_as(x),
    "detach": lambda t, x: x.detach(), "swapaxes": lambda t, x: x.swapaxes(0, 1), "view of view": lambda t, x: x[1:].t()[1],
    "tensor_split": lambda t, x: x.tensor_split(2, 1)[1], "expand read": lambda t, x: x[:1].expand(2, 4),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_aliases_both_ways(name):
    make = VIEWS[name]
    write = (lambda v: None) if name == "expand read" else _add1
    check(_both_ways(make, write, _mul_base), randn(3, 4), grad=False, area="views", name=f"alias {name}")


NOT_VIEWS = {
    "reshape of transpose": lambda t, x: x.t().reshape(12), "flatten of slice": lambda t, x: x[:, ::2].flatten(),
    "advanced index": lambda t, x: x[[0, 1]], "mask": lambda t, x: x[x > 0], "clone": lambda t, x: x.clone(),
    "contiguous of t": lambda t, x: x.t().contiguous(), "flip": lambda t, x: x.flip(0), "cat": lambda t, x: t.cat([x]),
    "repeat": lambda t, x: x.repeat(1, 1), "x[True]": lambda t, x: x[True],
}


@pytest.mark.parametrize("name", sorted(NOT_VIEWS))
def test_copies_do_not_alias(name):
    check(_both_ways(NOT_VIEWS[name], _add1, _mul_base), randn(3, 4), grad=False, area="views", name=f"copy {name}")


def test_contiguous_of_contiguous_is_self():
    check(lambda t, x: (x.contiguous() is x, x.t().contiguous() is x, x.t().is_contiguous(),
                        x.t().contiguous().is_contiguous(), x[:, 1].is_contiguous(), x[1].is_contiguous(),
                        x[:, :1].is_contiguous(), x[None].is_contiguous(), x[:1].expand(3, 4).is_contiguous()),
          randn(3, 4), grad=False, area="views")


def test_strides_and_offsets():
    check(lambda t, x: (x.stride(), x.t().stride(), x[1:, 2:].stride(), x[1:, 2:].storage_offset(), x[:, ::2].stride(),
                        x[:1].expand(5, 3, 4).stride(), x.diagonal().stride(), x.unfold(1, 2, 1).stride(),
                        x.stride(-1), x[2].storage_offset(), x.permute(1, 0).stride(0)),
          randn(3, 4), grad=False, area="views")


def test_view_on_non_contiguous_rules():
    check(lambda t, x: (x.permute(1, 0, 2).view(3, 2, 2, 2), x.transpose(1, 2).view(2, 4, 3)[:, 1],
                        x[:, 1:].view(2, 8), x[..., None].view(2, 3, 4), x.unsqueeze(1).transpose(1, 2).view(2, 3, 4),
                        x[:, :, ::2].view(6, 2), x[:, :, ::2].view(-1)),
          randn(2, 3, 4), area="views")


@pytest.mark.parametrize("shape,fn", [
    ((2, 3, 4), lambda t, x: x.transpose(0, 1).view(6, 4)), ((2, 3, 4), lambda t, x: x.permute(2, 0, 1).view(-1)),
    ((3, 4), lambda t, x: x[:, 1:].view(9)), ((3, 4), lambda t, x: x.t().view(12)),
    ((3, 4), lambda t, x: x[:1].expand(3, 4).view(12))])
def test_view_errors(shape, fn):
    check_error(fn, randn(*shape), area="views")


# ----- versions -----
def _versions(t, x):
    with t.no_grad():
        y = x.clone()
        out = [y._version]
        y.add_(1)
        out.append(y._version)
        v = y[0]
        v.mul_(2)
        out += [y._version, v._version]
        y[1] = 3
        out.append(y._version)
        y[[0, 1]] += 1
        out.append(y._version)
        y[0] += 1
        out.append(y._version)
        y[y > 0] = 0
        out.append(y._version)
        d = y.detach()
        d.sub_(1)
        out += [y._version, d._version]
        w = y.t()
        w.t_()
        out.append(y._version)
        y.copy_(x)
        out.append(y._version)
        s = y.split(1)[1]
        s.zero_() if hasattr(s, "zero_") else s.mul_(0)
        out.append(y._version)
        y.index_fill_(0, t.tensor([0]), 1.0)
        y.masked_fill_(y > 0, 2.0)
        y.scatter_(0, t.tensor([[0, 1]]), 5.0)
        out.append(y._version)
        return out


def test_version_counters():
    check(_versions, randn(2, 2), grad=False, area="views")


def test_version_of_views_is_shared():
    def fn(t, x):
        y = x.clone()
        a, b = y[0], y.view(4)
        with t.no_grad():
            b.add_(1)
        return y._version, a._version, b._version, y.detach()._version
    check(fn, randn(2, 2), grad=False, area="views")


def test_out_bumps_version():
    def fn(t, x):
        o = t.empty(2, 2)
        t.cat([x[:1], x[1:]], out=o)
        return o._version, o
    check(fn, randn(2, 2), grad=False, area="views")


# ----- autograd through views: CopySlices -----
def test_inplace_on_view_of_nonleaf_grad():
    def fn(t, x):
        y = x * 2
        y[1].mul_(x[0])
        return y
    check(fn, randn(3, 4), area="views")


def test_setitem_on_saved_output_errors():
    def fn(t, x):
        y = x.exp()
        y[0] = 1.0
        y.sum().backward()
    check_error(fn, randn(3, 4), area="views")


def test_setitem_on_nonleaf_grad():
    def fn(t, x, v):
        y = x * 1
        y[0, 1:3] = v * 3
        y[:, 0] = y[:, 1]
        return y
    check(fn, randn(3, 4), randn(2), area="views")


def test_setitem_advanced_on_nonleaf_grad():
    def fn(t, x, v):
        y = x * 1
        y[[0, 2], [1, 3]] = v.sin()
        y[y > 1] = 0.0
        return y, y.grad_fn.name()
    check(fn, randn(3, 4), randn(2), area="views")


def test_copy_into_view_grad():
    def fn(t, x, v):
        y = x.clone()
        y[:, 1].copy_(v)
        y.t()[0].add_(v[:1] * 2)
        return y, type(y.grad_fn).__name__ if type(y.grad_fn).__name__ != "OpNode" else y.grad_fn.name()
    check(fn, randn(4, 3), randn(4), area="views")


def test_grad_fn_names():
    def fn(t, x):
        names = [x[0].grad_fn, x[:, 1:].grad_fn, x[None].grad_fn, x[...].grad_fn, x[[0]].grad_fn, x.t().grad_fn,
                 x.T.grad_fn, x.mT.grad_fn, x.squeeze().grad_fn, x.squeeze(0).grad_fn, x.squeeze((0,)).grad_fn,
                 x.view(-1).grad_fn, x.t().reshape(-1).grad_fn, x.expand(2, 3, 4).grad_fn, x.narrow(0, 0, 1).grad_fn,
                 x.split(1)[0].grad_fn, x.split([1, 2])[0].grad_fn, x.unbind()[0].grad_fn, x.movedim(0, 1).grad_fn,
                 t.cat([x, x]).grad_fn, t.stack([x]).grad_fn, t.hstack([x]).grad_fn, x.flip(0).grad_fn,
                 x.roll(1).grad_fn, x.repeat(2, 1).grad_fn, x.unfold(0, 1, 1).grad_fn, x.diagonal().grad_fn,
                 x.gather(0, t.tensor([[0]])).grad_fn, x.scatter(0, t.tensor([[0]]), 1.0).grad_fn,
                 x.index_select(0, t.tensor([0])).grad_fn, x.masked_fill(x > 0, 1.0).grad_fn,
                 x.masked_select(x > 0).grad_fn, x.take(t.tensor([0])).grad_fn, x.transpose(0, 1).contiguous().grad_fn,
                 x.index_fill(0, t.tensor([0]), 1.0).grad_fn, x.scatter_add(0, t.tensor([[0]]), x).grad_fn]
        return [type(n).__name__ if type(n).__name__ not in ("OpNode", "Node") else n.name() for n in names]
    check(lambda t, x: [s.replace("torch::autograd::", "") for s in fn(t, x)], randn(3, 4), grad=False, area="views")


def test_view_of_leaf_inplace_errors():
    check_error(lambda t, x: x.requires_grad_()[0].add_(1), randn(3), area="views")
    check_error(lambda t, x: x.requires_grad_().__setitem__(0, 1.0), randn(3), area="views")
    check_error(lambda t, x: x.requires_grad_().__setitem__([0], 1.0), randn(3), area="views")
    check_error(lambda t, x: x.requires_grad_().__setitem__(x > 0, 1.0), randn(3), area="views")
    check_error(lambda t, x: x.requires_grad_().t_(), randn(2, 3), area="views")


def test_multi_output_view_inplace_error():
    check_error(lambda t, x: (x.requires_grad_() * 1).split(1)[0].add_(1), randn(3), area="views")
    check_error(lambda t, x: (x.requires_grad_() * 1).unbind()[0].mul_(2), randn(3), area="views")


def test_detach_and_data_share_storage():
    def fn(t, x):
        y = x * 1
        d = y.detach()
        d[0] = 5.0
        e = y.data
        e[1] = 7.0
        return y, d.requires_grad, e.requires_grad
    check(fn, randn(3), area="views")


def test_inplace_view_ops():
    def fn(t, x):
        with t.no_grad():
            y = x.clone()
            z = y.view(2, 3)
            z.t_()
            z[0] = 9
            u = y.clone().view(2, 3)
            u.unsqueeze_(0).squeeze_(0).transpose_(0, 1)
            return y, z.shape, z.is_contiguous(), u
    check(fn, randn(6), grad=False, area="views")
    check(lambda t, x: (x * 1).t_(), randn(2, 3), area="views")


# ----- writing in place into an expanded view: several elements share one memory location -----
OVERLAPPING_WRITES = {
    "add_": lambda t, x: x.add_(1), "mul_": lambda t, x: x.mul_(2), "copy_": lambda t, x: x.copy_(t.zeros(4, 3)),
    "relu_": lambda t, x: x.relu_(), "F.relu_inplace": lambda t, x: t.nn.functional.relu(x, inplace=True),
    "clamp_": lambda t, x: x.clamp_(0, 1), "sigmoid_": lambda t, x: x.sigmoid_(), "lt_": lambda t, x: x.lt_(1),
    "index_add_": lambda t, x: x.index_add_(0, t.tensor([0]), t.ones(1, 3)), "uniform_": lambda t, x: x.uniform_(),
    "normal_": lambda t, x: x.normal_(), "bernoulli_": lambda t, x: x.bernoulli_(0.5),
    "column_add_": lambda t, x: x[:, 0].add_(1), "addcmul_": lambda t, x: x.addcmul_(x, x),
    "pow_": lambda t, x: x.pow_(2), "neg_": lambda t, x: x.neg_(), "polygamma_": lambda t, x: x.polygamma_(1),
    "scatter_": lambda t, x: x.scatter_(0, t.zeros(1, 3, dtype=t.int64), 1.0),
    "setitem_overlapping_column": lambda t, x: x.__setitem__((slice(None), 1), 7.0),
    "setitem_all_from_tensor": lambda t, x: x.__setitem__(slice(None), t.zeros(4, 3)),
}
# These write one value per memory location, and PyTorch allows them.
ALLOWED_WRITES = {
    "zero_": lambda t, x: x.zero_(), "fill_": lambda t, x: x.fill_(2.0),
    "masked_fill_": lambda t, x: x.masked_fill_(t.ones(4, 3, dtype=t.bool), 1.0),
    "index_fill_": lambda t, x: x.index_fill_(0, t.tensor([0]), 1.0),
    "row_add_": lambda t, x: x[0].add_(1),
    # a row of the expanded view is the base's memory once over: writing it writes the base
    "setitem_row_scalar": lambda t, x: x.__setitem__(0, 5.0),
    "setitem_row_tensor": lambda t, x: x.__setitem__(1, t.tensor([1.0, 2.0, 3.0])),
}


@pytest.mark.parametrize("name", list(OVERLAPPING_WRITES))
def test_in_place_write_into_an_expanded_view_raises(name):
    check_error(lambda t: OVERLAPPING_WRITES[name](t, t.ones(1, 3).expand(4, 3)), name=f"overlap_{name}")


@pytest.mark.filterwarnings("ignore:Use of")
@pytest.mark.parametrize("name", list(ALLOWED_WRITES))
def test_in_place_fill_of_an_expanded_view_is_allowed(name):
    def run(t):
        base = t.ones(1, 3)
        x = base.expand(4, 3)
        ALLOWED_WRITES[name](t, x)
        return base, x
    check(run, grad=False, name=f"overlap_ok_{name}")


@pytest.mark.parametrize("name", ["masked_fill_", "index_fill_"])
def test_fill_like_writes_into_an_expanded_view_warn_as_in_torch(name):
    for lib in (torch, torchlike):
        with pytest.warns(UserWarning, match=f"Use of {name} on expanded tensors is deprecated"):
            ALLOWED_WRITES[name](lib, lib.ones(1, 3).expand(4, 3))
