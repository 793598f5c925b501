"""CTC loss, multilabel margin loss, RReLU, triplet loss with a distance function, LPPool3d,
fractional max pooling, linear_cross_entropy (plain and chunked), the lazy convolutions and norms,
conv_tbc, CrossMapLRN2d and AdaptiveLogSoftmaxWithLoss against real PyTorch: values, gradients,
double backward where PyTorch has one, state_dicts, reprs, errors."""
import numpy as np
import pytest
import torch

import torchlike

from .harness import assert_close, check, check_error, rand, randint, randn
from .test_nn_modules import C, run_case

X46 = randn(4, 6)
ML = np.array([[3, 0, -1, 1, 2, 2], [0, 1, 2, 3, 4, 5], [5, -1, 0, 0, 0, 0], [-1, 2, 2, 2, 2, 2]], np.int64)
_lp = randn(6, 3, 5, seed=3, dtype=np.float64)
LP = _lp - np.log(np.exp(_lp).sum(-1, keepdims=True))
TG = np.array([[1, 2, 2], [3, 0, 4], [0, 0, 0]], np.int64)  # (with blank=4: labels equal to the blank too)
U2 = rand(2, 3, 2, seed=7)
U3 = rand(1, 2, 3, seed=8)


def _samples(t, u, dtype=None):
    return t.tensor(u, dtype=dtype)


MODULES = [
    ("RReLU eval", lambda t: t.nn.RReLU(0.1, 0.3).eval(), [X46], ("eval",)),
    ("MultiLabelMarginLoss", lambda t: t.nn.MultiLabelMarginLoss(), [X46, ML], ("train",)),
    ("CTCLoss", lambda t: t.nn.CTCLoss(blank=4), [LP, TG, (6, 5, 3), (3, 3, 1)], ("train",)),
    ("TripletMarginWithDistanceLoss cosine", lambda t: t.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda a, b: 1.0 - t.nn.functional.cosine_similarity(a, b), margin=0.5, reduction="none"),
     [X46, randn(4, 6, seed=1), randn(4, 6, seed=2)], ("train",)),
    ("LPPool3d ceil", lambda t: t.nn.LPPool3d(1.5, (2, 3, 2), stride=(1, 2, 2), ceil_mode=True),
     [rand(2, 5, 5, 4, low=0.5, high=2)], ("train",)),
    ("FractionalMaxPool2d", lambda t: t.nn.FractionalMaxPool2d(2, output_size=(4, 3), return_indices=True,
                                                                _random_samples=_samples(t, U2)),
     [randn(2, 3, 8, 7)], ("train",)),
    ("FractionalMaxPool3d", lambda t: t.nn.FractionalMaxPool3d(2, output_size=(3, 2, 3), return_indices=True,
                                                                _random_samples=_samples(t, U3)),
     [randn(1, 2, 5, 4, 6)], ("train",)),
    ("LinearCrossEntropyLoss K-dim", lambda t: t.nn.LinearCrossEntropyLoss(
        6, 3, out_features=(2,), reduction="none", label_smoothing=0.1), [X46, randint(0, 3, 4, 2)], ("train",)),
]


@pytest.mark.parametrize("name,build,inputs,steps", MODULES, ids=[m[0] for m in MODULES])
def test_module(name, build, inputs, steps):
    run_case(name, build, [C(x) if isinstance(x, np.ndarray) and x.dtype.kind != "f" else x for x in inputs],
             steps=steps)


# ----- functionals: values and gradients -----

def _ctc(**kw):
    def call(t, lp, tg, il, tl):
        return t.nn.functional.ctc_loss(lp, tg, il, tl, **kw)
    return call


def test_ctc_loss_zero_infinity():
    il, tl = np.array([6, 2, 3]), np.array([3, 3, 0])  # the second sequence is impossible: its loss is inf
    check(_ctc(reduction="sum", zero_infinity=True), LP, TG, il, tl, name="ctc_loss")


def test_ctc_loss_double_backward_refused():
    for t in (torch, torchlike):
        lp = t.tensor(LP).requires_grad_()
        g, = t.autograd.grad(t.nn.functional.ctc_loss(lp, t.tensor(TG), (6, 5, 3), (3, 3, 1), blank=4), lp,
                             create_graph=True)
        with pytest.raises(RuntimeError, match="derivative for aten::_ctc_loss_backward is not implemented"):
            t.autograd.grad(g.sum(), lp)


def test_multilabel_margin_loss():
    check(lambda t, x, y: t.nn.functional.multilabel_margin_loss(x, y, reduction="none"), X46.astype(np.float64), ML,
          name="multilabel_margin_loss")
    check(lambda t, x, y: t.nn.functional.multilabel_margin_loss(x, y, reduction="sum"), X46[1], ML[0],
          name="multilabel_margin_loss 1-D")


def test_rrelu():
    check(lambda t, x: t.nn.functional.rrelu(x), X46, name="rrelu eval")
    check(lambda t, x: t.nn.functional.rrelu(x, 0.3, 0.3, training=True), X46, name="rrelu train, fixed slope")
    # In training each non-positive element draws its slope: in [lower, upper], and it is the gradient.
    x = torchlike.tensor(np.concatenate([X46.ravel(), [0.0]])).requires_grad_()
    torchlike.manual_seed(3)
    y = torchlike.nn.functional.rrelu(x, 0.1, 0.3, training=True)
    y.sum().backward()
    xs, ys, gs = (np.asarray(v.detach()) for v in (x, y, x.grad))
    neg = xs <= 0
    assert np.array_equal(ys[~neg], xs[~neg]) and np.all(gs[~neg] == 1)
    assert np.all((gs[neg] >= 0.1) & (gs[neg] <= 0.3)) and np.allclose(ys[neg], xs[neg] * gs[neg])
    assert y.grad_fn.name() == "RreluWithNoiseBackward0"
    torchlike.manual_seed(3)
    assert torchlike.equal(torchlike.nn.functional.rrelu(x.detach(), 0.1, 0.3, training=True), y.detach())
    z = torchlike.tensor(X46.copy())
    out = torchlike.nn.functional.rrelu_(z)
    assert out is z and np.allclose(np.asarray(z), np.asarray(torch.nn.functional.rrelu(torch.tensor(X46))))


def test_triplet_margin_with_distance_loss():
    a, p, n = X46, randn(4, 6, seed=1), randn(4, 6, seed=2)
    check(lambda t, a, p, n: t.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, distance_function=t.nn.PairwiseDistance(p=1), swap=True, margin=2.0, reduction="none"), a, p, n,
        name="tmwd l1 swap")


def test_fractional_max_pool_seeded():
    x = torchlike.tensor(randn(2, 3, 9, 9))
    pool = torchlike.nn.FractionalMaxPool2d(3, output_ratio=0.5, return_indices=True)
    torchlike.manual_seed(0)
    a = pool(x)
    torchlike.manual_seed(0)
    b = pool(x)
    assert torchlike.equal(a[0], b[0]) and torchlike.equal(a[1], b[1]) and tuple(a[0].shape) == (2, 3, 4, 4)
    # each output is the maximum of its window: it is the input at its index
    flat = x.reshape(2, 3, -1)
    assert torchlike.equal(flat.gather(2, a[1].reshape(2, 3, -1)).reshape(a[0].shape), a[0])


def test_lp_pool3d_inf():
    check(lambda t, x: t.nn.functional.lp_pool3d(x, float("inf"), 2), randn(1, 2, 4, 4, 4), name="lp_pool3d inf")


def _lce(**kw):
    def call(t, x, w, y, *rest):
        extra = dict(zip(("linear_bias",), rest))
        if "options" in kw:
            kw2 = dict(kw, options=t.nn.LinearCrossEntropyOptions(batch_chunk_size=2))
        else:
            kw2 = kw
        return t.nn.functional.linear_cross_entropy(x, w, y, **extra, **kw2)
    return call


@pytest.mark.parametrize("kw", [{"reduction": "none", "ignore_index": 1}, {"options": True}],
                         ids=["none ignore", "chunked"])
def test_linear_cross_entropy(kw):
    x, w, b, y = randn(5, 4, dtype=np.float64), randn(3, 4, seed=1, dtype=np.float64), randn(3, seed=2), \
        np.array([0, 2, 1, 1, 2])
    check(_lce(**kw), x, w, y, b.astype(np.float64), name="linear_cross_entropy")


def test_linear_cross_entropy_probabilities():
    x, w = randn(4, 5), randn(3, 2, 5, seed=1)
    check(lambda t, x, w, y: t.nn.functional.linear_cross_entropy(x, w, y), x, w[:, 0],
          rand(4, 3, seed=3), name="lce probabilities")


def test_linear_cross_entropy_double_backward():
    """The plain form differentiates twice like PyTorch; the chunked form's gradients, as PyTorch's, do
    not require grad."""
    x, w, y = randn(5, 4, dtype=np.float64), randn(3, 4, seed=1, dtype=np.float64), np.array([0, 2, 1, 1, 2])
    res = []
    for t in (torch, torchlike):
        xt, wt = t.tensor(x).requires_grad_(), t.tensor(w).requires_grad_()
        loss = t.nn.functional.linear_cross_entropy(xt, wt, t.tensor(y))
        gx, gw = t.autograd.grad(loss, (xt, wt), create_graph=True)
        res.append(t.autograd.grad((gx * gx).sum() + gw.sum(), (xt, wt)))
        opts = t.nn.LinearCrossEntropyOptions(batch_chunk_size=2)
        g, = t.autograd.grad(t.nn.functional.linear_cross_entropy(xt, wt, t.tensor(y), options=opts), xt,
                             create_graph=True)
        assert not g.requires_grad
    for a, b in zip(*res):
        assert_close(a, b, "lce gradgrad")


def test_multilabel_margin_loss_double_backward_refused():
    for t in (torch, torchlike):
        x = t.tensor(X46).requires_grad_()
        g, = t.autograd.grad(t.nn.functional.multilabel_margin_loss(x, t.tensor(ML)), x, create_graph=True)
        with pytest.raises(RuntimeError, match="derivative for aten::multilabel_margin_loss_backward is not"):
            t.autograd.grad((g * x).sum(), x)


# ----- lazy modules -----

LAZY = [
    ("LazyConv2d unbatched", lambda t: t.nn.LazyConv2d(4, 2, groups=2, bias=False), randn(2, 5, 5)),
    ("LazyConvTranspose2d", lambda t: t.nn.LazyConvTranspose2d(2, 3, output_padding=1, stride=2), randn(1, 3, 4, 4)),
    ("LazyLinear", lambda t: t.nn.LazyLinear(3), randn(4, 5)),
]


@pytest.mark.parametrize("name,build,x", LAZY, ids=[c[0] for c in LAZY])
def test_lazy(name, build, x):
    tm, lm = build(torch), build(torchlike)
    assert repr(tm) == repr(lm)
    assert [(k, type(v).__name__) for k, v in tm.state_dict().items()] == \
        [(k, type(v).__name__) for k, v in lm.state_dict().items()]
    assert [(k, p.requires_grad) for k, p in tm.named_parameters()] == \
        [(k, p.requires_grad) for k, p in lm.named_parameters()]
    lm.double()  # a dtype given before the first forward is kept
    ot = tm(torch.tensor(x))
    ol = lm(torchlike.tensor(x.astype(np.float64)))
    assert type(lm).__name__ == type(tm).__name__ and repr(lm) == repr(tm)
    assert lm.weight.dtype == torchlike.float64 and tuple(lm.weight.shape) == tuple(tm.weight.shape)
    assert tuple(ol.shape) == tuple(ot.shape)
    # The same parameters give the same output.
    fresh = build(torchlike)
    fresh.load_state_dict({k: torchlike.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    xl = torchlike.tensor(x).requires_grad_()
    xt = torch.tensor(x).requires_grad_()
    ol, ot = fresh(xl), tm(xt)
    assert_close(ot, ol, name)
    ot.sum().backward()
    ol.sum().backward()
    assert_close(xt.grad, xl.grad, name, "grad of input")
    assert_close(tm.weight.grad, fresh.weight.grad, name, "grad of weight")


def test_lazy_uninitialized_behaviour():
    for t in (torch, torchlike):
        m = t.nn.LazyConv2d(4, 3)
        assert repr(m.weight) == "<UninitializedParameter>" and isinstance(m.weight, t.nn.UninitializedParameter)
        with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
            m.weight.shape
        assert m.has_uninitialized_params()
        m(t.zeros(1, 6, 5, 5))
        assert not isinstance(m.weight, t.nn.UninitializedParameter) and isinstance(m.weight, t.nn.Parameter)
        assert m.in_channels == 6 and type(m) is t.nn.Conv2d
        assert len(m._forward_pre_hooks) == 0


def test_lazy_errors():
    check_error(lambda t: t.nn.LazyConv2d(4, 3)(t.zeros(5, 5)), name="LazyConv2d rank")
    check_error(lambda t: t.nn.LazyConv1d(4, 3, groups=2)(t.zeros(1, 3, 5)), name="LazyConv1d groups")


# ----- argument checks -----

ERRORS = [
    ("ctc blank", lambda t: t.nn.functional.ctc_loss(t.tensor(LP), t.tensor(TG), (6, 5, 3), (3, 2, 0), blank=5)),
    ("ctc input_lengths size", lambda t: t.nn.functional.ctc_loss(t.tensor(LP), t.tensor(TG), (6, 5), (3, 2, 0))),
    ("ctc input_lengths float", lambda t: t.nn.functional.ctc_loss(t.tensor(LP), t.tensor(TG), t.ones(3),
                                                                   t.tensor([3, 2, 0]))),
    ("ctc input too long", lambda t: t.nn.functional.ctc_loss(t.tensor(LP), t.tensor(TG), (7, 5, 3), (3, 2, 0))),
    ("ctc target too long", lambda t: t.nn.functional.ctc_loss(t.tensor(LP), t.tensor(TG), (6, 5, 3), (4, 2, 0))),
    ("ctc negative target length", lambda t: t.nn.functional.ctc_loss(t.tensor(LP), t.tensor(TG), (6, 5, 3),
                                                                      (3, -1, 0))),
    ("ctc concatenated size", lambda t: t.nn.functional.ctc_loss(t.tensor(LP), t.tensor([1, 2]), (6, 5, 3),
                                                                 (3, 2, 0))),
    ("ctc 3-d targets", lambda t: t.nn.functional.ctc_loss(t.tensor(LP), t.tensor(TG[None]), (6, 5, 3), (3, 2, 0))),
    ("ctc reduction", lambda t: t.nn.functional.ctc_loss(t.tensor(LP), t.tensor(TG), (6, 5, 3), (3, 2, 0),
                                                         reduction="avg")),
    ("multilabel target size", lambda t: t.nn.functional.multilabel_margin_loss(t.tensor(X46), t.tensor(ML[:2]))),
    ("multilabel target range", lambda t: t.nn.functional.multilabel_margin_loss(t.tensor(X46), t.tensor(ML + 1))),
    ("multilabel int target", lambda t: t.nn.functional.multilabel_margin_loss(t.tensor(X46), t.tensor(ML).int())),
    ("multilabel empty", lambda t: t.nn.functional.multilabel_margin_loss(t.zeros(3, 0), t.zeros(3, 0).long())),
    ("rrelu bounds", lambda t: t.nn.functional.rrelu(t.zeros(3), 0.5, 0.2)),
    ("rrelu integer", lambda t: t.nn.functional.rrelu(t.tensor([1, -2]), training=True)),
    ("multilabel half", lambda t: t.nn.functional.multilabel_margin_loss(t.ones(2).half(), t.tensor([0, -1]))),
    ("ctc half", lambda t: t.nn.functional.ctc_loss(t.zeros(3, 1, 4).half(), t.tensor([[1]]), (3,), (1,))),
    ("tmwd margin", lambda t: t.nn.TripletMarginWithDistanceLoss(margin=0)),
    ("tmwd dims", lambda t: t.nn.functional.triplet_margin_with_distance_loss(t.zeros(2, 3), t.zeros(3), t.zeros(3))),
    ("fractional pool too large", lambda t: t.nn.functional.fractional_max_pool2d(
        t.zeros(1, 2, 6, 6), 3, output_size=(5, 2), _random_samples=t.rand(1, 2, 2))),
    ("fractional samples channels", lambda t: t.nn.functional.fractional_max_pool2d(
        t.zeros(1, 2, 6, 6), 3, output_size=2, _random_samples=t.rand(1, 3, 2))),
    ("fractional samples dtype", lambda t: t.nn.functional.fractional_max_pool3d(
        t.zeros(1, 2, 6, 6, 6), 2, output_size=2, _random_samples=t.rand(1, 2, 3, dtype=t.float64))),
    ("fractional rank", lambda t: t.nn.functional.fractional_max_pool3d(
        t.zeros(6, 6, 6), 2, output_size=2, _random_samples=t.rand(1, 2, 3))),
    ("fractional no size", lambda t: t.nn.functional.fractional_max_pool2d(t.zeros(1, 2, 6, 6), 2)),
    ("FractionalMaxPool2d ratio", lambda t: t.nn.FractionalMaxPool2d(2, output_ratio=1.5)),
    ("FractionalMaxPool3d both", lambda t: t.nn.FractionalMaxPool3d(2, output_size=2, output_ratio=0.5)),
    ("FractionalMaxPool3d kernel", lambda t: t.nn.FractionalMaxPool3d(0, output_size=2)),
    ("lce input rank", lambda t: t.nn.functional.linear_cross_entropy(t.zeros(2, 3, 3), t.zeros(2, 3),
                                                                      t.zeros(3, 2))),
    ("lce in_features", lambda t: t.nn.functional.linear_cross_entropy(t.zeros(2, 3), t.zeros(2, 4), t.zeros(2, 2))),
    ("lce bias", lambda t: t.nn.functional.linear_cross_entropy(t.zeros(2, 3), t.zeros(2, 3), t.zeros(2),
                                                                linear_bias=t.zeros(3))),
    ("lce ignore_index with probabilities", lambda t: t.nn.functional.linear_cross_entropy(
        t.zeros(2, 3), t.zeros(2, 3), t.zeros(2, 2), ignore_index=0)),
    ("lce K-dim unbatched", lambda t: t.nn.functional.linear_cross_entropy(t.zeros(3), t.zeros(2, 4, 3),
                                                                           t.zeros(2, 4))),
    ("lce target batch", lambda t: t.nn.functional.linear_cross_entropy(t.zeros(4, 3), t.zeros(2, 3), t.zeros(5, 2))),
    ("LinearCrossEntropyLoss weight", lambda t: t.nn.LinearCrossEntropyLoss(3, 2, weight=t.ones(3))),
    ("LinearCrossEntropyOptions chunk", lambda t: t.nn.LinearCrossEntropyOptions(batch_chunk_size=0)),
    ("LinearCrossEntropyOptions policy", lambda t: t.nn.LinearCrossEntropyOptions(acc_policy="fast")),
]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, fn):
    check_error(fn, name=name)


def test_linear_cross_entropy_options_warning():
    for t in (torch, torchlike):
        with pytest.warns(UserWarning, match="linear_cross_entropy: ``options`` ignored"):
            t.nn.functional.linear_cross_entropy(t.zeros(2, 3), t.zeros(2, 3), t.tensor([0, 1]), label_smoothing=0.1,
                                                 options=t.nn.LinearCrossEntropyOptions())


def test_selu_and_celu_in_place_functionals():
    def probe(t):
        F = t.nn.functional
        x = t.tensor([-1.0, 0.5, 2.0], dtype=t.float64)
        y, z = x.clone(), x.clone()
        return F.selu_(y) is y, y.tolist(), F.celu_(z, 2.0) is z, z.tolist()
    a, b = probe(torch), probe(torchlike)
    assert a[0] == b[0] and a[2] == b[2]
    np.testing.assert_allclose(b[1], a[1], rtol=1e-12)
    np.testing.assert_allclose(b[3], a[3], rtol=1e-12)


def test_gumbel_softmax_samples_and_straight_through_gradient():
    F = torchlike.nn.functional
    logits = torchlike.tensor([1.0, 2.0, 0.5])
    torchlike.manual_seed(1)
    hard = F.gumbel_softmax(logits.expand(20000, 3), hard=True)
    assert sorted(set(hard.sum(1).tolist())) == [1.0] and sorted(set(hard.flatten().tolist())) == [0.0, 1.0]
    # the argmax of softmax((logits + Gumbel) / tau) is a draw from softmax(logits)
    np.testing.assert_allclose(hard.mean(0).numpy(), torchlike.softmax(logits, 0).numpy(), atol=0.02)
    grads = []
    for is_hard in (True, False):  # same noise: the hard sample carries the soft sample's gradient
        torchlike.manual_seed(3)
        x = torchlike.tensor([[1.0, 2.0, 0.5]], requires_grad=True)
        (F.gumbel_softmax(x, tau=0.5, hard=is_hard) * torchlike.tensor([[1.0, 2.0, 3.0]])).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-7)
    msgs = []
    for t in (torch, torchlike):
        with pytest.warns(UserWarning) as w:
            t.nn.functional.gumbel_softmax(t.zeros(3), eps=1e-5)
        msgs.append(str(w[0].message))
    assert msgs[0] == msgs[1]


# ----- conv_tbc, CrossMapLRN2d, the lazy norms, AdaptiveLogSoftmaxWithLoss -----

@pytest.mark.parametrize("pad", [0, 2, -1])
def test_conv_tbc(pad):
    check(lambda t, x, w, b: t.nn.functional.conv_tbc(x, w, b, pad), randn(7, 2, 3, dtype=np.float64),
          randn(3, 3, 4, seed=1, dtype=np.float64), randn(4, seed=2, dtype=np.float64), name=f"conv_tbc pad={pad}")


@pytest.mark.parametrize("size,channels", [(3, 7), (4, 8), (5, 3), (2, 9)])
def test_cross_map_lrn2d(size, channels):
    # (PyTorch's legacy window keeps channel 0 in every later sum, and its backward is its own formula)
    run_case(f"CrossMapLRN2d {size}", lambda t: t.nn.CrossMapLRN2d(size, alpha=0.5, beta=0.8, k=2),
             [randn(2, channels, 3, 4, dtype=np.float64)])
    run_case("CrossMapLRN2d defaults", lambda t: t.nn.CrossMapLRN2d(size), [randn(2, channels, 3, 3)])


LAZY_NORMS = [
    ("LazyBatchNorm1d", lambda t, **kw: t.nn.LazyBatchNorm1d(**kw), randn(6, 3)),
    ("LazyBatchNorm1d 3-D", lambda t, **kw: t.nn.LazyBatchNorm1d(**kw), randn(4, 3, 5)),
    ("LazyBatchNorm2d", lambda t, **kw: t.nn.LazyBatchNorm2d(**kw), randn(2, 3, 4, 4)),
    ("LazyBatchNorm3d", lambda t, **kw: t.nn.LazyBatchNorm3d(**kw), randn(2, 3, 2, 3, 2)),
    ("LazyInstanceNorm1d", lambda t, **kw: t.nn.LazyInstanceNorm1d(**kw), randn(2, 3, 5)),
    ("LazyInstanceNorm2d", lambda t, **kw: t.nn.LazyInstanceNorm2d(**kw), randn(2, 3, 4, 4)),
    ("LazyInstanceNorm3d", lambda t, **kw: t.nn.LazyInstanceNorm3d(**kw), randn(2, 3, 2, 3, 2)),
]
NORM_OPTIONS = [{}, {"affine": False}, {"track_running_stats": False}, {"bias": False}, {"momentum": None, "eps": 1e-3}]


@pytest.mark.parametrize("kw", NORM_OPTIONS, ids=[str(k) for k in NORM_OPTIONS])
@pytest.mark.parametrize("name,build,x", LAZY_NORMS, ids=[c[0] for c in LAZY_NORMS])
def test_lazy_norm(name, build, x, kw):
    tm, lm = build(torch, **kw), build(torchlike, **kw)
    assert repr(tm) == repr(lm)
    assert [(k, type(v).__name__) for k, v in tm.state_dict().items()] == \
        [(k, type(v).__name__) for k, v in lm.state_dict().items()]
    assert [(k, type(v).__name__) for k, v in tm.named_buffers()] == \
        [(k, type(v).__name__) for k, v in lm.named_buffers()]
    xt, xl = torch.tensor(x).requires_grad_(), torchlike.tensor(x).requires_grad_()
    ot, ol = tm(xt), lm(xl)
    assert type(lm).__name__ == type(tm).__name__ and repr(lm) == repr(tm) and lm.num_features == tm.num_features
    assert len(lm._forward_pre_hooks) == 0
    assert not any(isinstance(v, torchlike.nn.parameter.UninitializedTensorMixin) for v in lm.state_dict().values())
    assert_close(ot, ol, name)
    (ot * torch.tensor(x)).sum().backward()
    (ol * torchlike.tensor(x)).sum().backward()
    assert_close(xt.grad, xl.grad, name, "grad of input")
    st, sl = tm.state_dict(), lm.state_dict()
    assert list(st) == list(sl)
    for k in st:
        assert_close(st[k], sl[k], name, k)
    if tm.affine:
        assert_close(tm.weight.grad, lm.weight.grad, name, "grad of weight")
    tm.eval(), lm.eval()
    assert_close(tm(torch.tensor(x)), lm(torchlike.tensor(x)), name, "eval")


def test_lazy_norm_loads_a_state_dict():
    src = torch.nn.BatchNorm2d(3)
    src(torch.tensor(randn(2, 3, 4, 4)))
    for t, state in ((torch, src.state_dict()),
                     (torchlike, {k: torchlike.tensor(v.numpy()) for k, v in src.state_dict().items()})):
        m = t.nn.LazyBatchNorm2d()
        m.load_state_dict(state)
        assert not m.has_uninitialized_params() and tuple(m.running_mean.shape) == (3,)
        assert type(m).__name__ == "LazyBatchNorm2d"
    assert issubclass(torchlike.nn.LazyInstanceNorm1d, torchlike.nn.modules.instancenorm._InstanceNorm)
    assert not issubclass(torchlike.nn.LazyBatchNorm1d, torchlike.nn.BatchNorm1d)  # (as in PyTorch)


ALS_ARGS = (8, 20, [4, 10, 15])


def _als(t, **kw):
    kw = {"div_value": 2.0, "head_bias": True, **kw}
    return t.nn.AdaptiveLogSoftmaxWithLoss(*ALS_ARGS, **kw)


def _synced_als(**kw):
    tm, lm = _als(torch, **kw), _als(torchlike, **kw)
    lm.load_state_dict({k: torchlike.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    return tm, lm


@pytest.mark.parametrize("kw", [{}, {"head_bias": False, "div_value": 4.0}], ids=["head_bias", "defaults"])
def test_adaptive_log_softmax(kw):
    tm, lm = _synced_als(**kw)
    assert repr(tm) == repr(lm) and list(tm.state_dict()) == list(lm.state_dict())
    x, target = randn(12, 8, seed=4), np.array([0, 3, 4, 9, 10, 14, 15, 19, 1, 12, 5, 18])
    xt, xl = torch.tensor(x).requires_grad_(), torchlike.tensor(x).requires_grad_()
    rt, rl = tm(xt, torch.tensor(target)), lm(xl, torchlike.tensor(target))
    assert type(rl).__name__ == "_ASMoutput" and rl._fields == ("output", "loss")
    assert_close(rt.output, rl.output, "AdaptiveLogSoftmaxWithLoss", "output")
    assert_close(rt.loss, rl.loss, "AdaptiveLogSoftmaxWithLoss", "loss")
    rt.loss.backward()
    rl.loss.backward()
    assert_close(xt.grad, xl.grad, "AdaptiveLogSoftmaxWithLoss", "grad of input")
    for (k, pt), (_, pl) in zip(tm.named_parameters(), lm.named_parameters()):
        assert_close(pt.grad, pl.grad, "AdaptiveLogSoftmaxWithLoss", f"grad of {k}")
    with torch.no_grad(), torchlike.no_grad():
        assert_close(tm.log_prob(torch.tensor(x)), lm.log_prob(torchlike.tensor(x)), "log_prob", "value")
        assert_close(tm.predict(torch.tensor(x)), lm.predict(torchlike.tensor(x)), "predict", "value")


def test_adaptive_log_softmax_unbatched_and_predict_branches():
    tm, lm = _synced_als()
    x = randn(8, seed=5)
    rt, rl = tm(torch.tensor(x), torch.tensor(16)), lm(torchlike.tensor(x), torchlike.tensor(16))
    assert_close(rt.output, rl.output, "AdaptiveLogSoftmaxWithLoss unbatched", "output")
    assert_close(rt.loss, rl.loss, "AdaptiveLogSoftmaxWithLoss unbatched", "loss")
    with torch.no_grad(), torchlike.no_grad():  # every row in the shortlist, none there, and a mixture
        for bias in ([5.0] * 4 + [-5.0] * 3, [-5.0] * 4 + [5.0] * 3, [5.0, -5, 5, -5, 5, -5, 5]):
            tm.head.bias.copy_(torch.tensor(bias))
            lm.head.bias.copy_(torchlike.tensor(bias))
            xs = randn(6, 8, seed=6)
            assert_close(tm.predict(torch.tensor(xs)), lm.predict(torchlike.tensor(xs)), "predict", str(bias))


NEW_ERRORS = [
    ("conv_tbc input rank", lambda t: t.nn.functional.conv_tbc(t.zeros(5, 2), t.zeros(3, 2, 4), t.zeros(4))),
    ("conv_tbc weight rank", lambda t: t.nn.functional.conv_tbc(t.zeros(5, 2, 3), t.zeros(3, 3), t.zeros(4))),
    ("conv_tbc bias rank", lambda t: t.nn.functional.conv_tbc(t.zeros(5, 2, 3), t.zeros(3, 3, 4), t.zeros(4, 1))),
    ("conv_tbc channels", lambda t: t.nn.functional.conv_tbc(t.zeros(5, 2, 3), t.zeros(3, 2, 4), t.zeros(4))),
    ("conv_tbc bias size", lambda t: t.nn.functional.conv_tbc(t.zeros(5, 2, 3), t.zeros(3, 3, 4), t.zeros(5))),
    ("conv_tbc too short", lambda t: t.nn.functional.conv_tbc(t.zeros(2, 2, 3), t.zeros(4, 3, 4), t.zeros(4))),
    ("conv_tbc float pad", lambda t: t.nn.functional.conv_tbc(t.zeros(5, 2, 3), t.zeros(3, 3, 4), t.zeros(4), 1.5)),
    ("CrossMapLRN2d rank", lambda t: t.nn.CrossMapLRN2d(3)(t.zeros(2, 3, 4))),
    ("LazyBatchNorm2d rank", lambda t: t.nn.LazyBatchNorm2d()(t.zeros(2, 3, 4))),
    ("LazyInstanceNorm1d rank", lambda t: t.nn.LazyInstanceNorm1d()(t.zeros(2, 3, 4, 4))),
    ("als no cutoffs", lambda t: t.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [])),
    ("als unsorted cutoffs", lambda t: t.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5, 3])),
    ("als cutoff too large", lambda t: t.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [10])),
    ("als batch size", lambda t: _als(t)(t.zeros(3, 8), t.tensor([1, 2]))),
    ("als 1-D target, 1-D input", lambda t: _als(t)(t.zeros(8), t.tensor([1]))),
    ("als 0-D target, 2-D input", lambda t: _als(t)(t.zeros(1, 8), t.tensor(1))),
    ("als 2-D target", lambda t: _als(t)(t.zeros(2, 8), t.tensor([[1], [2]]))),
    ("als target range", lambda t: _als(t)(t.zeros(2, 8), t.tensor([0, 25]))),
]


@pytest.mark.parametrize("name,fn", NEW_ERRORS, ids=[e[0] for e in NEW_ERRORS])
def test_new_module_errors(name, fn):
    check_error(fn, name=name)
