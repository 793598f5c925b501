"""torch.nn layers and losses against real PyTorch: the same state_dict loaded into both, then
outputs, input gradients, parameter gradients and buffers compared in train and eval mode;
module reprs and state_dict keys compared; state_dict loading errors compared."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import torchlike

from .harness import _record, assert_close, check_error, rand, randint, randn


class C:
    """An input that must not require grad (targets, indices)."""

    def __init__(self, a):
        self.a = a


def _to(t, x):
    if isinstance(x, C):
        return t.tensor(x.a)
    if isinstance(x, np.ndarray):
        out = t.tensor(x)
        if x.dtype.kind == "f":
            out.requires_grad_(True)
        return out
    return x


def sync(tm, lm) -> None:
    """Load torch's state into the torchlike module (through numpy)."""
    state = {k: torchlike.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()}
    lm.load_state_dict(state)


def _cot(t, o, k):
    g = np.cos(np.arange(o.numel(), dtype=np.float64) + k).reshape(tuple(o.shape))
    return t.tensor(g).to(o.dtype)


def _flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def compare_modules(name, tm, lm, inputs, *, backward=True, tol=None):
    """One forward (and backward) of both modules on the same inputs; compare everything."""
    xt, xl = [_to(torch, x) for x in inputs], [_to(torchlike, x) for x in inputs]
    ot, ol = _flat(tm(*xt)), _flat(lm(*xl))
    assert len(ot) == len(ol)
    for i, (a, b) in enumerate(zip(ot, ol)):
        assert_close(a, b, name, f"output {i}", tol)
    diff_t = [o for o in ot if isinstance(o, torch.Tensor) and o.requires_grad]
    diff_l = [o for o in ol if isinstance(o, torchlike.Tensor) and o.requires_grad]
    assert len(diff_t) == len(diff_l), f"{name}: differentiable outputs differ"
    if backward and diff_t:
        sum(((o * _cot(torch, o, k)).sum() for k, o in enumerate(diff_t))).backward()
        sum(((o * _cot(torchlike, o, k)).sum() for k, o in enumerate(diff_l))).backward()
        for i, (a, b) in enumerate(zip(xt, xl)):
            if isinstance(a, torch.Tensor) and a.requires_grad:
                assert_close(a.grad, b.grad, name, f"grad of input {i}", tol)
        pl = dict(lm.named_parameters())
        for k, p in tm.named_parameters():
            if p.grad is None:
                assert pl[k].grad is None or not np.asarray(pl[k].grad._data).any(), f"{name}: grad of {k}"
            else:
                assert_close(p.grad, pl[k].grad, name, f"grad of {k}", tol)
    bl = dict(lm.named_buffers())
    for k, b in tm.named_buffers():
        assert_close(b, bl[k], name, f"buffer {k}", tol)
    pl = dict(lm.named_parameters())
    for k, p in tm.named_parameters():
        assert_close(p.detach(), pl[k].detach(), name, f"parameter {k}", tol)


def run_case(name, build, inputs, steps=("train",), tol=None):
    tm, lm = build(torch), build(torchlike)
    assert repr(tm) == repr(lm), f"{name}: repr\n{tm!r}\n{lm!r}"
    assert list(tm.state_dict()) == list(lm.state_dict()), f"{name}: state_dict keys"
    sync(tm, lm)
    for step in steps:
        tm.train(step == "train")
        lm.train(step == "train")
        tm.zero_grad()
        lm.zero_grad()
        compare_modules(name, tm, lm, inputs, tol=tol)
    _record("nn_modules", name, 0.0)


nn = lambda t: t.nn
X46, X235, X2344 = randn(4, 6), randn(2, 3, 5), randn(2, 3, 4, 4)

LAYERS = [
    ("Linear", lambda t: t.nn.Linear(3, 4), [randn(5, 3)]),
    ("Linear 3-D input", lambda t: t.nn.Linear(3, 4), [randn(2, 5, 3)]),
    ("Linear 1-D input", lambda t: t.nn.Linear(3, 4), [randn(3)]),
    ("Linear no bias", lambda t: t.nn.Linear(3, 4, bias=False), [randn(5, 3)]),
    ("Linear f64", lambda t: t.nn.Linear(3, 2, dtype=t.float64), [randn(4, 3, dtype=np.float64)]),
    ("Bilinear", lambda t: t.nn.Bilinear(3, 2, 4), [randn(5, 3), randn(5, 2)]),
    ("Identity", lambda t: t.nn.Identity(3, unused=True), [X46]),
    ("Flatten", lambda t: t.nn.Flatten(), [X2344]),
    ("Flatten all", lambda t: t.nn.Flatten(0, -1), [X235]),
    ("Unflatten", lambda t: t.nn.Unflatten(1, (2, 3)), [X46]),
    ("MLP", lambda t: t.nn.Sequential(t.nn.Linear(6, 8), t.nn.ReLU(), t.nn.Linear(8, 3), t.nn.LogSoftmax(dim=1)),
     [X46]),
    ("MLP named", lambda t: t.nn.Sequential(OrderedDict(fc=t.nn.Linear(6, 4), act=t.nn.Tanh(),
                                                        out=t.nn.Linear(4, 1))), [X46]),
    ("inplace ReLU", lambda t: t.nn.Sequential(t.nn.Linear(6, 5), t.nn.ReLU(inplace=True)), [X46]),
    ("inplace LeakyReLU", lambda t: t.nn.Sequential(t.nn.Linear(6, 5), t.nn.LeakyReLU(0.2, True)), [X46]),
    ("inplace Hardtanh", lambda t: t.nn.Sequential(t.nn.Linear(6, 5), t.nn.Hardtanh(-0.3, 0.3, True)), [X46]),
    ("inplace ELU", lambda t: t.nn.Sequential(t.nn.Linear(6, 5), t.nn.ELU(inplace=True)), [X46]),
    ("inplace SiLU", lambda t: t.nn.Sequential(t.nn.Linear(6, 5), t.nn.SiLU(inplace=True)), [X46]),
    ("PReLU", lambda t: t.nn.PReLU(), [X46]),
    ("PReLU channels", lambda t: t.nn.PReLU(3, init=0.1), [X235]),
    ("Softmax2d", lambda t: t.nn.Softmax2d(), [X2344]),
    ("Threshold", lambda t: t.nn.Threshold(0.1, 20.0), [X46]),
    ("GELU tanh", lambda t: t.nn.GELU("tanh"), [X46]),
    ("Softplus", lambda t: t.nn.Softplus(beta=2, threshold=1), [X46]),
    ("Softmax", lambda t: t.nn.Softmax(dim=1), [X235]),
    ("LogSoftmax", lambda t: t.nn.LogSoftmax(dim=-1), [X235]),
    ("Softmin", lambda t: t.nn.Softmin(dim=0), [X46]),
    ("GLU", lambda t: t.nn.GLU(), [X46]),
    ("GLU dim", lambda t: t.nn.GLU(dim=0), [X46]),
    ("Hardshrink", lambda t: t.nn.Hardshrink(0.3), [X46]),
    ("Softshrink", lambda t: t.nn.Softshrink(0.3), [X46]),
    ("CELU", lambda t: t.nn.CELU(0.5), [X46]),
    ("LeakyReLU", lambda t: t.nn.LeakyReLU(0.1), [X235]),
    ("BatchNorm1d", lambda t: t.nn.BatchNorm1d(3), [randn(8, 3)]),
    ("BatchNorm1d 3-D", lambda t: t.nn.BatchNorm1d(3), [X235]),
    ("BatchNorm1d no affine", lambda t: t.nn.BatchNorm1d(3, affine=False), [randn(8, 3)]),
    ("BatchNorm1d no stats", lambda t: t.nn.BatchNorm1d(3, track_running_stats=False), [randn(8, 3)]),
    ("BatchNorm1d momentum", lambda t: t.nn.BatchNorm1d(3, momentum=0.5, eps=1e-3), [randn(8, 3)]),
    ("BatchNorm2d", lambda t: t.nn.BatchNorm2d(3), [X2344]),
    ("BatchNorm3d", lambda t: t.nn.BatchNorm3d(2), [randn(2, 2, 3, 3, 2)]),
    ("InstanceNorm1d", lambda t: t.nn.InstanceNorm1d(3), [X235]),
    ("InstanceNorm1d unbatched", lambda t: t.nn.InstanceNorm1d(3), [randn(3, 5)]),
    ("InstanceNorm2d affine stats", lambda t: t.nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
     [X2344]),
    ("InstanceNorm3d", lambda t: t.nn.InstanceNorm3d(2, affine=True), [randn(2, 2, 3, 3, 2)]),
    ("LayerNorm", lambda t: t.nn.LayerNorm(6), [X46]),
    ("LayerNorm 2 dims", lambda t: t.nn.LayerNorm([3, 5]), [X235]),
    ("LayerNorm no affine", lambda t: t.nn.LayerNorm(5, elementwise_affine=False), [X235]),
    ("LayerNorm no bias", lambda t: t.nn.LayerNorm(6, bias=False, eps=1e-3), [X46]),
    ("GroupNorm", lambda t: t.nn.GroupNorm(2, 4), [randn(2, 4, 3, 3)]),
    ("GroupNorm no affine", lambda t: t.nn.GroupNorm(3, 6, affine=False), [randn(2, 6, 4)]),
    ("LocalResponseNorm", lambda t: t.nn.LocalResponseNorm(3), [X2344]),
    ("RMSNorm", lambda t: t.nn.RMSNorm(6), [X46]),
    ("RMSNorm eps", lambda t: t.nn.RMSNorm([3, 5], eps=1e-4), [X235]),
    ("Embedding", lambda t: t.nn.Embedding(10, 3), [C(randint(0, 10, 2, 4))]),
    ("Embedding padding", lambda t: t.nn.Embedding(10, 3, padding_idx=0), [C(np.array([[0, 1, 0], [2, 0, 9]]))]),
    ("Embedding max_norm", lambda t: t.nn.Embedding(10, 3, max_norm=1.0), [C(np.array([1, 2, 2, 7]))]),
    ("Embedding freq", lambda t: t.nn.Embedding(6, 2, scale_grad_by_freq=True), [C(np.array([1, 2, 2, 5, 2]))]),
    ("EmbeddingBag mean", lambda t: t.nn.EmbeddingBag(10, 3), [C(np.array([1, 2, 4, 5, 4, 3])),
                                                              C(np.array([0, 2]))]),
    ("EmbeddingBag sum", lambda t: t.nn.EmbeddingBag(10, 3, mode="sum"), [C(randint(0, 10, 3, 4))]),
    ("EmbeddingBag max", lambda t: t.nn.EmbeddingBag(10, 3, mode="max"), [C(np.array([1, 2, 4, 5, 4, 3])),
                                                                          C(np.array([0, 1, 4]))]),
    ("CosineSimilarity", lambda t: t.nn.CosineSimilarity(dim=1), [X46, randn(4, 6, seed=3)]),
    ("PairwiseDistance", lambda t: t.nn.PairwiseDistance(p=1.5, keepdim=True), [X46, randn(4, 6, seed=3)]),
    ("Dropout eval-only", lambda t: t.nn.Dropout(0.0), [X46]),
    ("Conv-free CNN head", lambda t: t.nn.Sequential(t.nn.Flatten(), t.nn.Linear(48, 10), t.nn.BatchNorm1d(10),
                                                     t.nn.GELU(), t.nn.Dropout(0.0), t.nn.Linear(10, 2)),
     [randn(6, 3, 4, 4)]),
]
ACTIVATIONS = ["ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh",
               "Softplus", "Softsign", "Hardtanh", "Hardswish", "Hardsigmoid", "Hardshrink", "Softshrink",
               "Tanhshrink", "LogSigmoid"]
WIDE = rand(3, 7, low=-5, high=5)


def _default(name):
    return lambda t: getattr(t.nn, name)()


LAYERS += [(a, _default(a), [WIDE]) for a in ACTIVATIONS]


@pytest.mark.parametrize("name,build,inputs", LAYERS, ids=[c[0] for c in LAYERS])
@pytest.mark.parametrize("steps", [("train",), ("train", "eval", "train")], ids=["train", "train-eval-train"])
def test_layer(name, build, inputs, steps):
    run_case(name, build, inputs, steps)


def test_batchnorm_cumulative_momentum():
    tm, lm = torch.nn.BatchNorm1d(3, momentum=None), torchlike.nn.BatchNorm1d(3, momentum=None)
    sync(tm, lm)
    for seed in range(3):
        compare_modules("BatchNorm1d momentum=None", tm, lm, [randn(6, 3, seed=seed)])
    tm.eval()
    lm.eval()
    compare_modules("BatchNorm1d momentum=None eval", tm, lm, [randn(6, 3, seed=9)])


P46 = rand(4, 6, low=0.05, high=0.95)
T46 = randn(4, 6, seed=5)
CLS = C(np.array([0, 5, 2, 2]))
PM = C(np.where(randn(4, 6, seed=8) > 0, 1.0, -1.0).astype(np.float32))
W6 = rand(6, seed=4)
LOSSES = [
    ("L1Loss", lambda t: t.nn.L1Loss(), [X46, T46]),
    ("MSELoss", lambda t: t.nn.MSELoss(), [X46, T46]),
    ("MSELoss target const", lambda t: t.nn.MSELoss(reduction="sum"), [X46, C(T46)]),
    ("CrossEntropyLoss", lambda t: t.nn.CrossEntropyLoss(), [X46, CLS]),
    ("CrossEntropyLoss weight", lambda t: t.nn.CrossEntropyLoss(weight=t.tensor(W6)), [X46, CLS]),
    ("CrossEntropyLoss ignore", lambda t: t.nn.CrossEntropyLoss(ignore_index=2, reduction="sum"), [X46, CLS]),
    ("CrossEntropyLoss smoothing", lambda t: t.nn.CrossEntropyLoss(label_smoothing=0.15), [X46, CLS]),
    ("CrossEntropyLoss smoothing weight none", lambda t: t.nn.CrossEntropyLoss(
        weight=t.tensor(W6), label_smoothing=0.1, reduction="none"), [X46, CLS]),
    ("CrossEntropyLoss probs", lambda t: t.nn.CrossEntropyLoss(), [X46, C(rand(4, 6))]),
    ("CrossEntropyLoss probs smoothing", lambda t: t.nn.CrossEntropyLoss(label_smoothing=0.2), [X46, C(rand(4, 6))]),
    ("CrossEntropyLoss K-dim", lambda t: t.nn.CrossEntropyLoss(), [randn(2, 6, 3, 2), C(randint(0, 6, 2, 3, 2))]),
    ("CrossEntropyLoss K-dim none", lambda t: t.nn.CrossEntropyLoss(reduction="none"),
     [randn(2, 6, 3), C(randint(0, 6, 2, 3))]),
    ("NLLLoss", lambda t: t.nn.NLLLoss(), [X46, CLS]),
    ("NLLLoss weight ignore", lambda t: t.nn.NLLLoss(weight=t.tensor(W6), ignore_index=5), [X46, CLS]),
    ("BCELoss", lambda t: t.nn.BCELoss(), [P46, C(rand(4, 6, seed=2))]),
    ("BCELoss weight", lambda t: t.nn.BCELoss(weight=t.tensor(W6), reduction="none"), [P46, C(rand(4, 6, seed=2))]),
    ("BCEWithLogitsLoss", lambda t: t.nn.BCEWithLogitsLoss(), [X46, C(rand(4, 6, seed=2))]),
    ("BCEWithLogitsLoss pos_weight", lambda t: t.nn.BCEWithLogitsLoss(pos_weight=t.tensor(W6 * 3)),
     [X46, C(rand(4, 6, seed=2))]),
    ("HuberLoss", lambda t: t.nn.HuberLoss(delta=0.5), [X46, T46]),
    ("SmoothL1Loss", lambda t: t.nn.SmoothL1Loss(beta=0.5), [X46, T46]),
    ("KLDivLoss batchmean", lambda t: t.nn.KLDivLoss(reduction="batchmean"), [np.log(P46), C(rand(4, 6))]),
    ("KLDivLoss log_target", lambda t: t.nn.KLDivLoss(reduction="sum", log_target=True),
     [np.log(P46), C(np.log(rand(4, 6, low=0.1)))]),
    ("CosineEmbeddingLoss", lambda t: t.nn.CosineEmbeddingLoss(margin=0.1), [X46, T46, C(np.array([1, -1, -1, 1]))]),
    ("MarginRankingLoss", lambda t: t.nn.MarginRankingLoss(0.2), [randn(5), randn(5, seed=2),
                                                                  C(np.array([1., -1, 1, -1, 1], np.float32))]),
    ("TripletMarginLoss", lambda t: t.nn.TripletMarginLoss(), [X46, T46, randn(4, 6, seed=7)]),
    ("TripletMarginLoss swap", lambda t: t.nn.TripletMarginLoss(margin=2.0, p=1, swap=True, reduction="none"),
     [X46, T46, randn(4, 6, seed=7)]),
    ("MultiLabelSoftMarginLoss", lambda t: t.nn.MultiLabelSoftMarginLoss(), [X46, C((P46 > 0.5).astype(np.float32))]),
    ("MultiMarginLoss", lambda t: t.nn.MultiMarginLoss(), [X46, CLS]),
    ("MultiMarginLoss p2 weight", lambda t: t.nn.MultiMarginLoss(p=2, margin=0.7, weight=t.tensor(W6)), [X46, CLS]),
    ("SoftMarginLoss", lambda t: t.nn.SoftMarginLoss(), [X46, PM]),
    ("HingeEmbeddingLoss", lambda t: t.nn.HingeEmbeddingLoss(margin=0.5), [X46, PM]),
    ("PoissonNLLLoss", lambda t: t.nn.PoissonNLLLoss(), [X46, C(rand(4, 6, high=3))]),
    ("PoissonNLLLoss full", lambda t: t.nn.PoissonNLLLoss(log_input=False, full=True), [P46, C(rand(4, 6, high=3))]),
    ("GaussianNLLLoss", lambda t: t.nn.GaussianNLLLoss(), [X46, C(T46), rand(4, 6, low=0.1, high=2)]),
    ("GaussianNLLLoss full", lambda t: t.nn.GaussianNLLLoss(full=True, reduction="sum"),
     [X46, C(T46), rand(4, 1, low=0.1, high=2)]),
]
def _reduced(name, reduction):
    return lambda t: getattr(t.nn, name)(reduction=reduction)


REDUCED = ["L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss"]
for _loss in REDUCED:
    for _red in ("sum", "none"):
        LOSSES.append((f"{_loss} {_red}", _reduced(_loss, _red),
                       [X235, C(randn(2, 3, 5, seed=1)) if _loss not in ("SoftMarginLoss",) else
                        C(np.sign(randn(2, 3, 5, seed=1)))]))


@pytest.mark.parametrize("name,build,inputs", LOSSES, ids=[c[0] for c in LOSSES])
def test_loss(name, build, inputs):
    run_case(name, build, inputs)


# ----- structure: repr, state_dict, containers -----
class _Net:
    """Builds the same network class in either library."""

    @staticmethod
    def build(t):
        class Net(t.nn.Module):
            def __init__(self):
                super(Net, self).__init__()
                self.fc1 = t.nn.Linear(2, 5)
                self.blocks = t.nn.ModuleList([t.nn.Linear(5, 5), t.nn.Linear(5, 5), t.nn.ReLU()])
                self.heads = t.nn.ModuleDict({"a": t.nn.Linear(5, 1), "b": t.nn.Identity()})
                self.scale = t.nn.Parameter(t.ones(1))
                self.register_buffer("steps", t.zeros(1))
                self.register_buffer("cache", t.zeros(2), persistent=False)
                self.bn = t.nn.BatchNorm1d(5)

            def forward(self, x):
                x = self.fc1(x)
                for b in self.blocks:
                    x = b(x)
                return self.heads["a"](self.bn(x)) * self.scale
        return Net()


def test_net_repr_keys_and_training():
    tm, lm = _Net.build(torch), _Net.build(torchlike)
    assert repr(tm) == repr(lm)
    assert list(tm.state_dict()) == list(lm.state_dict())
    assert [n for n, _ in tm.named_parameters()] == [n for n, _ in lm.named_parameters()]
    assert [n for n, _ in tm.named_buffers()] == [n for n, _ in lm.named_buffers()]
    assert [n for n, _ in tm.named_modules()] == [n for n, _ in lm.named_modules()]
    assert [n for n, _ in tm.named_children()] == [n for n, _ in lm.named_children()]
    sync(tm, lm)
    for mode in ("train", "eval"):
        getattr(tm, mode)()
        getattr(lm, mode)()
        compare_modules("Net", tm, lm, [randn(6, 2)])


def test_containers_repr():
    def build(t):
        seq = t.nn.Sequential(t.nn.Linear(2, 2), t.nn.ReLU(), t.nn.Linear(2, 2), t.nn.ReLU())
        seq.append(t.nn.Tanh())
        seq.insert(1, t.nn.Sigmoid())
        seq.extend([t.nn.Identity()])
        pl = t.nn.ParameterList([t.nn.Parameter(t.ones(2, 3)), t.nn.Parameter(t.zeros(4))])
        pd = t.nn.ParameterDict({"b": t.nn.Parameter(t.ones(2)), "a": t.nn.Parameter(t.zeros(3, 1))})
        return seq, seq[1:3], seq[-1], pl, pd, t.nn.ModuleList([t.nn.ReLU(), t.nn.ReLU(), t.nn.Tanh()]), \
            t.nn.ModuleDict({"x": t.nn.Linear(1, 1)})
    for a, b in zip(build(torch), build(torchlike)):
        assert repr(a) == repr(b)
        assert list(a.state_dict()) == list(b.state_dict())
        assert len(list(a.parameters())) == len(list(b.parameters()))


def _state(t, m, **changes):
    sd = OrderedDict((k, t.tensor(v.detach().numpy())) for k, v in m.state_dict().items())
    for k, v in changes.items():
        if v is None:
            del sd[k]
        else:
            sd[k] = v(t)
    return sd


@pytest.mark.parametrize("change", [
    {"bias": None}, {"extra": lambda t: t.zeros(1)}, {"weight": lambda t: t.zeros(3, 3)},
    {"bias": None, "extra.w": lambda t: t.zeros(1)}, {"weight": lambda t: t.zeros(2), "bias": None},
], ids=["missing", "unexpected", "size mismatch", "missing+unexpected", "size+missing"])
def test_load_state_dict_errors(change):
    ref = torch.nn.Linear(2, 3)
    msgs = []
    for t in (torch, torchlike):
        m = t.nn.Linear(2, 3)
        sd = _state(t, ref, **change)
        with pytest.raises(RuntimeError) as e:
            m.load_state_dict(sd)
        msgs.append(str(e.value))
        res = m.load_state_dict({k: v for k, v in sd.items() if k not in ("weight",) or v.shape == (3, 2)},
                                strict=False)
        msgs.append(repr(res))
    assert msgs[0] == msgs[2]
    assert msgs[1] == msgs[3]


def test_load_state_dict_keeps_parameter_objects():
    tm = torch.nn.Linear(3, 2)
    lm = torchlike.nn.Linear(3, 2)
    w = lm.weight
    res = lm.load_state_dict({k: torchlike.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    assert lm.weight is w and repr(res) == "<All keys matched successfully>"
    np.testing.assert_array_equal(np.asarray(w.detach()), tm.weight.detach().numpy())


def test_state_dict_round_trip_to_torch():
    lm = _Net.build(torchlike)
    tm = _Net.build(torch)
    tm.load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in lm.state_dict().items()})
    compare_modules("Net from torchlike", tm.eval(), lm.eval(), [randn(4, 2)])


def _module_error(fn):
    def case(t):
        return fn(t)
    return case


ERRORS = {
    "assign before init": lambda t: type("M", (t.nn.Module,), {"__init__": lambda self: setattr(
        self, "fc", t.nn.Linear(1, 1))})(),
    "param before init": lambda t: type("M", (t.nn.Module,), {"__init__": lambda self: setattr(
        self, "w", t.nn.Parameter(t.ones(1)))})(),
    "buffer exists": lambda t: t.nn.Linear(1, 1).register_buffer("weight", t.ones(1)),
    "module attr exists": lambda t: t.nn.Linear(1, 1).add_module("weight", t.nn.ReLU()),
    "param not Parameter": lambda t: t.nn.Linear(1, 1).register_parameter("w", t.ones(1)),
    "assign tensor to param": lambda t: setattr(t.nn.Linear(1, 1), "weight", t.ones(1)),
    "buffer dot name": lambda t: t.nn.Linear(1, 1).register_buffer("a.b", t.ones(1)),
    "empty param name": lambda t: t.nn.Linear(1, 1).register_parameter("", None),
    "add non-module": lambda t: t.nn.Linear(1, 1).add_module("x", 3),
    "missing attr": lambda t: t.nn.Linear(1, 1).nope,
    "get_submodule": lambda t: t.nn.Sequential(t.nn.Linear(1, 1)).get_submodule("0.weight"),
    "get_submodule missing": lambda t: t.nn.Sequential(t.nn.Linear(1, 1)).get_submodule("1"),
    "get_parameter": lambda t: t.nn.Sequential(t.nn.Linear(1, 1)).get_parameter("0.nope"),
    "get_buffer": lambda t: t.nn.Sequential(t.nn.Linear(1, 1)).get_buffer("0.weight"),
    "Sequential index": lambda t: t.nn.Sequential(t.nn.Linear(1, 1))[3],
    "ModuleList index": lambda t: t.nn.ModuleList([t.nn.ReLU()])[-2],
    "train non-bool": lambda t: t.nn.Linear(1, 1).train("yes"),
    "to int dtype": lambda t: t.nn.Linear(1, 1).to(t.int64),
    "no forward": lambda t: t.nn.Module()(1),
    "load non-dict": lambda t: t.nn.Linear(1, 1).load_state_dict([1]),
    "dropout p": lambda t: t.nn.Dropout(1.5),
    "GroupNorm channels": lambda t: t.nn.GroupNorm(3, 4),
    "BatchNorm dims": lambda t: t.nn.BatchNorm2d(3)(t.ones(2, 3)),
    "BatchNorm one value": lambda t: t.nn.BatchNorm1d(3)(t.ones(1, 3)),
    "Linear int input": lambda t: t.nn.Linear(2, 5)(t.tensor([[1, 2], [3, 4]])),
    "Linear int no bias": lambda t: t.nn.Linear(2, 5, bias=False)(t.tensor([[1, 2], [3, 4]])),
    "Linear shapes": lambda t: t.nn.functional.linear(t.ones(2, 3), t.ones(5, 4)),
    "Linear shapes 3-D": lambda t: t.nn.Linear(4, 5)(t.ones(2, 2, 3)),
    "Linear bias dtype": lambda t: t.nn.functional.linear(t.ones(2, 3), t.ones(5, 3), t.ones(5, dtype=t.float64)),
    "CE target out of bounds": lambda t: t.nn.CrossEntropyLoss()(t.ones(2, 3), t.tensor([0, 5])),
    "CE negative target": lambda t: t.nn.functional.cross_entropy(t.ones(2, 3), t.tensor([-3, 1])),
    "CE float target 1-D": lambda t: t.nn.CrossEntropyLoss()(t.ones(2, 3), t.tensor([0.0, 1.0])),
    "CE float target wrong shape": lambda t: t.nn.CrossEntropyLoss()(t.ones(2, 3), t.ones(2, 4)),
    "CE batch mismatch": lambda t: t.nn.functional.cross_entropy(t.ones(2, 3), t.tensor([0, 1, 1])),
    "NLL float target": lambda t: t.nn.functional.nll_loss(t.ones(2, 3), t.tensor([0.0, 1.0])),
    "NLL out of bounds": lambda t: t.nn.functional.nll_loss(t.ones(2, 3), t.tensor([0, 3])),
    "BCE size": lambda t: t.nn.functional.binary_cross_entropy(t.ones(2, 1) / 2, t.ones(2)),
    "BCE logits size": lambda t: t.nn.functional.binary_cross_entropy_with_logits(t.ones(2, 1), t.ones(2)),
    "reduction": lambda t: t.nn.functional.mse_loss(t.ones(2), t.ones(2), reduction="avg"),
    "embedding index": lambda t: t.nn.Embedding(3, 2)(t.tensor([0, 3])),
    "one_hot negative": lambda t: t.nn.functional.one_hot(t.tensor([-1, 0])),
    "one_hot too big": lambda t: t.nn.functional.one_hot(t.tensor([4, 0]), 3),
    "softmax dim": lambda t: t.nn.functional.softmax(t.ones(2, 3), dim=2),
    "glu odd": lambda t: t.nn.functional.glu(t.ones(2, 3), 1),
    "layer_norm shape": lambda t: t.nn.LayerNorm(3)(t.ones(4, 2)),
    "prelu channels": lambda t: t.nn.PReLU(3)(t.ones(2, 4)),
    "triplet margin": lambda t: t.nn.TripletMarginLoss(margin=0.0),
    "multi margin p": lambda t: t.nn.MultiMarginLoss(p=3),
    "init fan": lambda t: t.nn.init.xavier_uniform_(t.ones(3)),
    "init nonlinearity": lambda t: t.nn.init.calculate_gain("swish"),
    "init mode": lambda t: t.nn.init.kaiming_uniform_(t.ones(2, 2), mode="fan"),
    "init eye": lambda t: t.nn.init.eye_(t.ones(2, 2, 2)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error(name):
    check_error(ERRORS[name], area="nn_errors", name=name)


def test_mse_broadcast_warning():
    for t in (torch, torchlike):
        with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[2, 1\]\)\) that is different"):
            out = t.nn.functional.mse_loss(t.ones(2, 2), t.zeros(2, 1))
        assert out.item() == 1.0


def test_softmax_implicit_dim_warning():
    res = []
    for t in (torch, torchlike):
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            res.append(t.nn.Softmax()(t.tensor(randn(2, 3))).detach().numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-6)


def test_hooks_match():
    seen = {}
    for t in (torch, torchlike):
        m = t.nn.Sequential(t.nn.Linear(3, 4), t.nn.Tanh(), t.nn.Linear(4, 2))
        m.load_state_dict({k: t.tensor(v) for k, v in (
            ("0.weight", randn(4, 3)), ("0.bias", randn(4)), ("2.weight", randn(2, 4)), ("2.bias", randn(2)))})
        log = seen.setdefault(t.__name__, [])
        m[0].register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        m[1].register_forward_hook(lambda mod, args, out: out + 1)
        m[2].register_full_backward_hook(lambda mod, gi, go, log=log: log.append(
            (np.asarray(gi[0].detach()), np.asarray(go[0].detach()))))
        m[2].register_forward_hook(lambda mod, args, kwargs, out, log=log: log.append(np.asarray(out.detach())),
                                   with_kwargs=True)
        x = t.tensor(randn(5, 3), requires_grad=True)
        m(x).pow(2).sum().backward()
        log.append(np.asarray(x.grad))
    a, b = seen["torch"], seen["torchlike"]
    assert len(a) == len(b) == 3
    np.testing.assert_allclose(a[0], b[0], rtol=1e-5, atol=1e-6)
    for (g1, o1), (g2, o2) in [(a[1], b[1])]:
        np.testing.assert_allclose(g1, g2, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(o1, o2, rtol=1e-5, atol=1e-6)
    # x.grad sums products of magnitude ~10 down to ~0.07: float32 cancellation leaves ~1e-5 absolute.
    np.testing.assert_allclose(a[2], b[2], rtol=1e-5, atol=5e-5)


def test_dropout2d_on_2d_input_drops_elements_not_rows():
    """The documents' CNN feeds a 2-D (N, C) input to Dropout2d: PyTorch drops single elements."""
    import warnings

    import torch

    import torchlike
    fractions = []
    for t in (torch, torchlike):
        t.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = t.nn.functional.dropout2d(t.ones(256, 64), 0.5, training=True)
        fractions.append(((out == 0).all(dim=1)).float().mean().item())
    assert fractions[0] < 0.05 and fractions[1] < 0.05, fractions
