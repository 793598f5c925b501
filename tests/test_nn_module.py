"""nn.Module, Parameter, Buffer and the containers, on their own."""
import copy
import pickle

import numpy as np
import pytest

import torchlike as torch
from torchlike import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 5)
        self.fc2 = nn.Linear(5, 1)
        self.register_buffer("count", torch.zeros(1))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)

    def forward(self, x):
        return self.fc2(self.fc1(x))


def test_parameter_shares_storage_and_requires_grad():
    t = torch.zeros(3)
    p = nn.Parameter(t)
    assert p.requires_grad and p.is_leaf and isinstance(p, torch.Tensor)
    with torch.no_grad():
        p.add_(1)
    assert t.tolist() == [1.0, 1.0, 1.0]
    assert repr(p).startswith("Parameter containing:\ntensor([1., 1., 1.], requires_grad=True)")
    assert not nn.Parameter(torch.ones(2), requires_grad=False).requires_grad
    assert type(p * 2) is torch.Tensor


def test_parameter_pickle_and_deepcopy():
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    for q in (pickle.loads(pickle.dumps(p)), copy.deepcopy(p)):
        assert isinstance(q, nn.Parameter) and q.requires_grad and q.tolist() == [1.0, 2.0]
        assert q._storage is not p._storage


def test_buffer_assignment_registers():
    m = nn.Module()
    m.b = nn.Buffer(torch.ones(2), persistent=False)
    m.c = nn.Buffer(torch.ones(1))
    assert list(dict(m.named_buffers())) == ["b", "c"]
    assert list(m.state_dict()) == ["c"]
    m.c = torch.zeros(3)  # a plain tensor assigned to a buffer name stays a buffer
    assert m._buffers["c"].tolist() == [0.0, 0.0, 0.0]


def test_registration_and_names():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert list(net.state_dict()) == ["count", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "fc2"]
    assert [n for n, _ in net.named_buffers()] == ["count", "scratch"]
    assert [n for n, _ in net.named_parameters(prefix="net", recurse=False)] == []
    assert net.get_submodule("fc1") is net.fc1
    assert net.get_parameter("fc2.bias") is net.fc2.bias
    assert net.get_buffer("count") is net.count
    assert "fc1" in dir(net) and "count" in dir(net)
    del net.fc2
    assert [n for n, _ in net.named_children()] == ["fc1"]


def test_shared_parameters_deduplicated():
    m = nn.Module()
    m.a = nn.Linear(2, 2)
    m.b = m.a
    assert len(list(m.parameters())) == 2
    assert len(list(m.named_parameters(remove_duplicate=False))) == 4
    assert len(list(m.modules())) == 2


def test_init_required():
    class Bad(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)
    with pytest.raises(AttributeError, match=r"cannot assign module before Module.__init__\(\) call"):
        Bad()


def test_registration_errors():
    m = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        m.register_buffer("weight", torch.ones(1))
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' object to parameter 'w'"):
        m.register_parameter("w", torch.ones(1))
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter 'weight'"):
        m.weight = torch.ones(2, 2)
    with pytest.raises(KeyError, match="contain"):
        m.register_buffer("a.b", None)
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor"):
        p = nn.Parameter(torch.ones(1))
        q = p * 2
        q.__class__ = nn.Parameter
        m.register_parameter("q", q)


def test_state_dict_detached_and_load_in_place():
    a, b = Net(), Net()
    sd = a.state_dict()
    assert not sd["fc1.weight"].requires_grad and sd["fc1.weight"].grad_fn is None
    assert sd._metadata[""] == {"version": 1}
    w = b.fc1.weight
    res = b.load_state_dict(sd)
    assert repr(res) == "<All keys matched successfully>"
    assert b.fc1.weight is w
    np.testing.assert_array_equal(np.asarray(w.detach()), np.asarray(a.fc1.weight.detach()))
    assert b.state_dict(keep_vars=True)["fc1.weight"] is w


def test_load_state_dict_errors():
    m = nn.Linear(2, 3)
    with pytest.raises(RuntimeError) as e:
        m.load_state_dict({"weight": torch.zeros(3, 3), "extra": torch.zeros(1)})
    assert str(e.value) == ('Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\t'
                            'Unexpected key(s) in state_dict: "extra". \n\tsize mismatch for weight: copying a param '
                            'with shape torch.Size([3, 3]) from checkpoint, the shape in current model is '
                            'torch.Size([3, 2]).')
    res = m.load_state_dict({"weight": torch.zeros(3, 2)}, strict=False)
    assert res.missing_keys == ["bias"] and res.unexpected_keys == []
    assert repr(res) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])"
    assert m.weight.abs().sum().item() == 0


def test_train_eval_zero_grad_requires_grad():
    net = Net()
    assert net.training and net.fc1.training
    net.eval()
    assert not net.fc1.training
    net.train()
    out = net(torch.ones(3, 2)).sum()
    out.backward()
    assert net.fc1.weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert net.fc1.weight.grad.abs().sum().item() == 0
    net.zero_grad()
    assert net.fc1.weight.grad is None
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_keeps_parameter_objects():
    net = Net()
    w = net.fc1.weight
    net.double()
    assert net.fc1.weight is w and w.dtype is torch.float64 and w.requires_grad
    assert net.count.dtype is torch.float64
    net.to(torch.float32)
    assert w.dtype is torch.float32
    m = nn.BatchNorm1d(2).half()
    assert m.num_batches_tracked.dtype is torch.int64 and m.running_mean.dtype is torch.float16


def test_apply_and_init():
    net = Net()

    def init(m):
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.5)
            nn.init.zeros_(m.bias)
    net.apply(init)
    out = net(torch.tensor([[1.0, 1.0]]))
    assert out.item() == pytest.approx(2.5)


def test_repr():
    assert repr(Net()) == ("Net(\n  (fc1): Linear(in_features=2, out_features=5, bias=True)\n"
                           "  (fc2): Linear(in_features=5, out_features=1, bias=True)\n)")
    seq = nn.Sequential(nn.Linear(1, 2), nn.Sequential(nn.ReLU(), nn.Dropout(0.1)))
    assert repr(seq) == ("Sequential(\n  (0): Linear(in_features=1, out_features=2, bias=True)\n  (1): Sequential(\n"
                         "    (0): ReLU()\n    (1): Dropout(p=0.1, inplace=False)\n  )\n)")


def test_forward_hooks_and_removal():
    m = nn.Linear(2, 2)
    nn.init.eye_(m.weight)
    nn.init.zeros_(m.bias)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] + 1,))
    h2 = m.register_forward_hook(lambda mod, args, out: out * 10)
    h3 = m.register_forward_pre_hook(lambda mod, args, kwargs: calls.append(kwargs) or None, with_kwargs=True,
                                     prepend=True)
    assert m(torch.tensor([1.0, 2.0])).tolist() == [20.0, 30.0]
    for h in (h1, h2, h3):
        h.remove()
    assert m(torch.tensor([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert calls == [{}]


def test_full_backward_hook():
    m = nn.Linear(2, 1)
    nn.init.ones_(m.weight)
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi[0].tolist(), go[0].tolist())))
    x = torch.tensor([[1.0, 2.0]], requires_grad=True)
    (m(x) * 3).sum().backward()
    assert seen == [([[3.0, 3.0]], [[3.0]])]
    assert x.grad.tolist() == [[3.0, 3.0]]


def test_backward_hook_replaces_grad_input():
    m = nn.Linear(2, 1)
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0,))
    x = torch.tensor([[1.0, 2.0]], requires_grad=True)
    m(x).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0]]
    assert m.weight.grad.tolist() == [[1.0, 2.0]]


def test_sequential_ops():
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    s = nn.Sequential(a, b)
    s.append(c)
    assert len(s) == 3 and s[-1] is c and list(s) == [a, b, c]
    s.insert(0, nn.Identity())
    assert isinstance(s[0], nn.Identity) and s[1] is a
    del s[0]
    assert list(s._modules) == ["0", "1", "2"]
    assert list(s[1:]) == [b, c] and isinstance(s[1:], nn.Sequential)
    s.extend(nn.Sequential(nn.ReLU()))
    assert len(s) == 4
    assert s.pop(3).__class__ is nn.ReLU and len(s) == 3
    s[0] = nn.GELU()
    assert isinstance(s[0], nn.GELU)
    with pytest.raises(IndexError, match="index 5 is out of range"):
        s[5]
    assert len(s + nn.Sequential(nn.ReLU())) == 4


def test_module_list_dict_and_parameter_containers():
    ml = nn.ModuleList([nn.Linear(1, 1)])
    ml.append(nn.ReLU())
    ml += [nn.Tanh()]
    ml.insert(1, nn.Identity())
    assert [type(m).__name__ for m in ml] == ["Linear", "Identity", "ReLU", "Tanh"]
    md = nn.ModuleDict({"a": nn.ReLU()})
    md["b"] = nn.Tanh()
    assert list(md.keys()) == ["a", "b"] and "a" in md and len(md) == 2
    assert isinstance(md.pop("a"), nn.ReLU) and list(md) == ["b"]
    pl = nn.ParameterList([torch.ones(2), nn.Parameter(torch.zeros(1))])
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pd = nn.ParameterDict({"w": torch.ones(2)})
    pd["v"] = nn.Parameter(torch.zeros(3))
    assert isinstance(pd["w"], nn.Parameter) and list(pd.keys()) == ["w", "v"]
    holder = nn.Module()
    holder.ml, holder.pl, holder.pd = ml, pl, pd
    assert sorted(holder.state_dict()) == ["ml.0.bias", "ml.0.weight", "pd.v", "pd.w", "pl.0", "pl.1"]
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pl()
