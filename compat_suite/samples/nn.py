"""Samples for the torch.nn.functional operators (activations, linear maps, norms, embeddings,
distances, losses). Calls go through `t.nn.functional` so both libraries take the public path."""
import numpy as np

import torchlike

from ..harness import rand, randint, randn
from ._base import Sample, add


def F(name, *args, **kw):
    """A call of t.nn.functional.<name>(inputs..., *args, **kw)."""
    def call(t, *xs):
        return getattr(t.nn.functional, name)(*xs, *args, **kw)
    return call


def FW(name, weight, *args, **kw):
    """Like F, with a class-weight tensor (built in the call: PyTorch refuses a weight that requires grad)."""
    def call(t, *xs):
        return getattr(t.nn.functional, name)(*xs, *args, weight=t.tensor(weight), **kw)
    return call


def G(name, *args, rest=(), **kw):
    """t.nn.functional.<name>(first input, *args, **{rest[i]: other inputs[i]}, **kw)."""
    def call(t, x, *others):
        return getattr(t.nn.functional, name)(x, *args, **dict(zip(rest, others)), **kw)
    return call


X = randn(4, 6)
X3 = randn(2, 3, 5)
WIDE = rand(4, 6, low=-5, high=5)  # covers the flat parts of the piecewise activations

add("linear", Sample((randn(4, 3), randn(5, 3), randn(5)), call=F("linear")),
    Sample((randn(4, 3), randn(5, 3)), call=F("linear"), label="no bias"),
    Sample((randn(2, 4, 3), randn(5, 3), randn(5)), call=F("linear"), label="3-D input"),
    Sample((randn(3), randn(5, 3), randn(5)), call=F("linear"), label="1-D input"),
    Sample((randn(4, 3, dtype=np.float64), randn(2, 3, dtype=np.float64)), call=F("linear"), label="f64"),
    Sample((randn(0, 3), randn(2, 3), randn(2)), call=F("linear"), label="empty batch"))
add("bilinear", Sample((randn(4, 3), randn(4, 2), randn(5, 3, 2), randn(5)), call=F("bilinear")),
    Sample((randn(2, 4, 3), randn(2, 4, 2), randn(5, 3, 2)), call=F("bilinear"), label="3-D, no bias"))
add("hardtanh", Sample((WIDE,), call=F("hardtanh")), Sample((WIDE,), call=F("relu6"), label="relu6"),
    Sample((X,), call=F("hardtanh", -0.5, 0.25), label="min/max"))
add("leaky_relu", Sample((X,), call=F("leaky_relu")), Sample((X,), call=F("leaky_relu", 0.2), label="0.2"))
add("elu", Sample((X,), call=F("elu")), Sample((X3,), call=F("elu", alpha=0.5), label="alpha"))
add("selu", Sample((X,), call=F("selu")), Sample((X3,), call=F("selu")))
add("celu", Sample((X,), call=F("celu")), Sample((X3,), call=F("celu", alpha=2.0), label="alpha"))
add("gelu", Sample((X,), call=F("gelu")), Sample((X3,), call=F("gelu", approximate="tanh"), label="tanh"),
    Sample((randn(3, dtype=np.float64),), call=F("gelu"), label="f64"))
add("silu", Sample((X,), call=F("silu")), Sample((X3,), call=F("silu")))
add("mish", Sample((X,), call=F("mish")), Sample((X3,), call=F("mish")))
add("hardswish", Sample((WIDE,), call=F("hardswish")), Sample((X3,), call=F("hardswish")))
add("hardsigmoid", Sample((WIDE,), call=F("hardsigmoid")), Sample((X3,), call=F("hardsigmoid")))
add("softplus", Sample((X,), call=F("softplus")), Sample((WIDE,), call=F("softplus", beta=2, threshold=3),
                                                          label="beta/threshold"),
    Sample((rand(3, low=15, high=30),), call=F("softplus"), label="above threshold"))
add("softsign", Sample((X,), call=F("softsign")), Sample((X3,), call=F("softsign")))
add("logsigmoid", Sample((X,), call=F("logsigmoid")), Sample((WIDE * 10,), call=F("logsigmoid"), label="large"))
add("tanhshrink", Sample((X,), call=F("tanhshrink")), Sample((X3,), call=F("tanhshrink")))
add("softshrink", Sample((X,), call=F("softshrink")), Sample((X,), call=F("softshrink", 1.0), label="1.0"))
add("hardshrink", Sample((X,), call=F("hardshrink")), Sample((X,), call=F("hardshrink", 1.0), label="1.0"))
add("threshold", Sample((X,), call=F("threshold", 0.1, 20.0)), Sample((X3,), call=F("threshold", -0.5, 0.0)))
add("glu", Sample((X,), call=F("glu")), Sample((X,), call=F("glu", 0), label="dim 0"),
    Sample((randn(2, 4, 3),), call=F("glu", 1), label="dim 1"))
add("prelu", Sample((X, np.array([0.25], np.float32)), call=F("prelu")),
    Sample((randn(2, 3, 4), randn(3)), call=F("prelu"), label="per channel"),
    Sample((randn(4, 3), randn(3)), call=F("prelu"), label="2-D per channel"))
add("sigmoid", Sample((X,), call=F("sigmoid")), Sample((X3,)))
add("tanh", Sample((X,), call=F("tanh")), Sample((X3,)))
add("softmax", Sample((X,), call=F("softmax", dim=1)), Sample((X3,), call=F("softmax", dim=0), label="dim 0"),
    Sample((X3,), call=lambda t, x: t.nn.functional.softmax(x, dim=-1, dtype=t.float64), label="dtype"),
    Sample((randn(4),), call=lambda t, x: x.softmax(0), label="method"),
    Sample((X3,), call=F("softmin", dim=1), label="softmin"))
add("log_softmax", Sample((X,), call=F("log_softmax", dim=1)), Sample((X3,), call=F("log_softmax", dim=2)),
    Sample((WIDE * 20,), call=F("log_softmax", dim=0), label="large"))


# ----- normalization -----
def _bn_train(t, x, w, b):
    rm, rv = t.zeros(x.shape[1]), t.ones(x.shape[1])
    out = t.nn.functional.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3)
    return out, rm, rv


def _bn_train_plain(t, x):
    return t.nn.functional.batch_norm(x, None, None, training=True)


def _bn_eval(t, x, w, b):
    rm = t.tensor(np.linspace(-1, 1, x.shape[1]).astype(np.float32))
    rv = t.tensor(np.linspace(0.5, 2, x.shape[1]).astype(np.float32))
    return t.nn.functional.batch_norm(x, rm, rv, w, b, training=False)


def _in_train(t, x, w, b):
    rm, rv = t.zeros(x.shape[1]), t.ones(x.shape[1])
    out = t.nn.functional.instance_norm(x, rm, rv, w, b, use_input_stats=True)
    return out, rm, rv


add("_batch_norm_train", Sample((randn(8, 3), randn(3), randn(3)), call=_bn_train),
    Sample((randn(4, 3, 5, 2), randn(3), randn(3)), call=_bn_train, label="4-D"),
    Sample((randn(4, 3, 5),), call=_bn_train_plain, label="no stats, no affine"))
add("_batch_norm_eval", Sample((randn(8, 3), randn(3), randn(3)), call=_bn_eval),
    Sample((randn(2, 3, 4, 4), randn(3), randn(3)), call=_bn_eval, label="4-D"))
add("_instance_norm_train", Sample((randn(2, 3, 5), randn(3), randn(3)), call=_in_train),
    Sample((randn(2, 3, 4, 4),), call=F("instance_norm"), label="plain 4-D"))
add("layer_norm", Sample((X, randn(6), randn(6)), call=G("layer_norm", (6,), rest=("weight", "bias"))),
    Sample((X3,), call=F("layer_norm", (3, 5)), label="2 dims, no affine"),
    Sample((X3, randn(5)), call=G("layer_norm", [5], rest=("weight",), eps=1e-3), label="weight only"))
add("rms_norm", Sample((X, randn(6)), call=G("rms_norm", (6,), rest=("weight",))), Sample((X3,), call=F("rms_norm", [3, 5]),
                                                                      label="no weight"),
    Sample((X3, randn(5)), call=G("rms_norm", (5,), rest=("weight",), eps=1e-3), label="eps"))
add("group_norm", Sample((randn(2, 6, 4), randn(6), randn(6)), call=G("group_norm", 3, rest=("weight", "bias"))),
    Sample((randn(2, 4, 3, 3),), call=F("group_norm", 1), label="1 group"),
    Sample((randn(3, 8),), call=F("group_norm", 2), label="2-D"))
add("local_response_norm", Sample((randn(2, 5, 4),), call=F("local_response_norm", 2)),
    Sample((randn(2, 6, 3, 3),), call=F("local_response_norm", 3, alpha=0.1, beta=0.5, k=2.0), label="4-D"))
add("normalize", Sample((X,), call=F("normalize")), Sample((X3,), call=F("normalize", p=1.0, dim=2), label="p=1"),
    Sample((np.array([[0.0, 0.0], [3.0, 4.0]], np.float32),), call=F("normalize"), label="zero row"),
    Sample((X,), call=F("normalize", p=3, dim=0), label="p=3"))

# ----- embeddings -----
IDX = np.array([[0, 2, 4], [4, 3, 0]], np.int64)
EMB = randn(5, 3)
add("embedding", Sample((IDX, EMB), call=F("embedding")),
    Sample((IDX, EMB), call=F("embedding", padding_idx=0), label="padding_idx"),
    Sample((IDX, EMB), call=F("embedding", padding_idx=-1), label="padding_idx -1"),
    Sample((IDX, EMB), call=F("embedding", scale_grad_by_freq=True), label="scale_grad_by_freq"),
    Sample((np.array(3), EMB), call=F("embedding"), label="0-d index"))
BAG = np.array([1, 2, 4, 4, 3, 0, 1], np.int64)
OFF = np.array([0, 3, 3, 5], np.int64)
add("_embedding_bag", Sample((BAG, EMB, OFF), call=F("embedding_bag")),
    Sample((BAG, EMB, OFF), call=F("embedding_bag", mode="sum"), label="sum"),
    Sample((BAG, EMB, OFF), call=F("embedding_bag", mode="max"), label="max"),
    Sample((IDX, EMB), call=F("embedding_bag", mode="sum"), label="2-D input"),
    Sample((BAG, EMB, OFF, None, 2, False, "sum", False, rand(7)), call=lambda t, i, w, o, *a:
           t.nn.functional.embedding_bag(i, w, o, *a[:5], per_sample_weights=a[5]), label="per_sample_weights"),
    Sample((BAG, EMB, OFF), call=F("embedding_bag", mode="mean", padding_idx=4), label="padding_idx"),
    Sample((BAG, EMB, np.array([0, 3, 7], np.int64)), call=F("embedding_bag", mode="sum", include_last_offset=True),
           label="include_last_offset"))
add("_one_hot", Sample((np.array([0, 3, 1, 2]),), call=F("one_hot"), grad=False),
    Sample((IDX,), call=F("one_hot", 6), grad=False, label="num_classes"))

# ----- distances -----
add("cosine_similarity", Sample((X, randn(4, 6, seed=1)), call=F("cosine_similarity")),
    Sample((X3, randn(5, seed=2)), call=F("cosine_similarity", dim=-1), label="broadcast"),
    Sample((X, np.zeros((4, 6), np.float32)), call=F("cosine_similarity"), label="zero vector"))
add("pairwise_distance", Sample((X, randn(4, 6, seed=1)), call=F("pairwise_distance")),
    Sample((X, randn(4, 6, seed=1)), call=F("pairwise_distance", p=1.0, keepdim=True), label="p=1 keepdim"),
    Sample((randn(6), randn(6, seed=3)), call=F("pairwise_distance"), label="1-D"))
add("pdist", Sample((randn(5, 3),), call=F("pdist")), Sample((randn(4, 2),), call=F("pdist", p=1), label="p=1"))

_MASK = randint(0, 2, 4, 6).astype(bool)


def _masked_scale(t, x):
    if t is torchlike:
        from torchlike._engine.op import OPS
        return OPS["_masked_scale"](x, t.tensor(_MASK), 2.0)
    return x * t.tensor(_MASK) * 2.0


add("_masked_scale", Sample((X,), call=_masked_scale),
    Sample((X,), call=lambda t, x: t.nn.functional.dropout(x, p=1.0), label="p=1"))

# ----- losses -----
T = randn(4, 6, seed=5)
P = rand(4, 6, low=0.02, high=0.98)
Q = rand(4, 6, low=0.0, high=1.0, seed=3)
CLS = np.array([0, 5, 2, 2], np.int64)
for _name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"):
    add(_name, Sample((X, T), call=F(_name)), Sample((X, T), call=F(_name, reduction="sum"), label="sum"),
        Sample((X3, randn(2, 3, 5, seed=1)), call=F(_name, reduction="none"), label="none"))
for _name in ("mse_loss", "l1_loss", "smooth_l1_loss"):  # PyTorch's huber_loss backward fails on mixed dtypes
    add(_name, Sample((X, randn(4, 6, dtype=np.float64, seed=5)), call=F(_name), label="f32 x f64"))
add("mse_loss", Sample((X, randint(0, 3, 4, 6)), call=F("mse_loss"), label="long target"))
add("smooth_l1_loss", Sample((X, T), call=F("smooth_l1_loss", beta=0.5), label="beta"),
    Sample((X, T), call=F("smooth_l1_loss", beta=0.0), label="beta 0"))
add("huber_loss", Sample((X, T), call=F("huber_loss", delta=0.3), label="delta"))
add("binary_cross_entropy", Sample((P, Q), call=F("binary_cross_entropy")),
    Sample((P, Q), call=FW("binary_cross_entropy", rand(4, 6, seed=9), reduction="sum"), label="weight sum"),
    Sample((P, Q), call=F("binary_cross_entropy", reduction="none"), label="none"))
add("binary_cross_entropy_with_logits", Sample((X, Q), call=F("binary_cross_entropy_with_logits")),
    Sample((X, Q), call=lambda t, x, y: t.nn.functional.binary_cross_entropy_with_logits(
        x, y, pos_weight=t.tensor(rand(6, seed=2))), label="pos_weight"),
    Sample((WIDE * 10, Q), call=FW("binary_cross_entropy_with_logits", rand(4, 6), reduction="none"),
           label="weight none, large logits"))
add("nll_loss", Sample((X, CLS), call=F("nll_loss")), Sample((X, CLS), call=FW("nll_loss", rand(6)), label="weight"),
    Sample((X, CLS), call=F("nll_loss", ignore_index=2, reduction="sum"), label="ignore sum"),
    Sample((randn(2, 6, 3), randint(0, 6, 2, 3)), call=F("nll_loss", reduction="none"), label="K-dim none"),
    Sample((randn(6), np.array(3)), call=F("nll_loss"), label="unbatched"))
add("_cross_entropy_indices", Sample((X, CLS), call=F("cross_entropy")),
    Sample((X, CLS), call=FW("cross_entropy", rand(6)), label="weight"),
    Sample((X, CLS), call=F("cross_entropy", ignore_index=2), label="ignore_index"),
    Sample((X, CLS), call=F("cross_entropy", label_smoothing=0.1), label="smoothing"),
    Sample((X, CLS), call=FW("cross_entropy", rand(6), label_smoothing=0.2, ignore_index=5),
           label="smoothing weight"),
    Sample((X, CLS), call=F("cross_entropy", label_smoothing=0.1, reduction="none"), label="smoothing none"),
    Sample((X, CLS), call=F("cross_entropy", label_smoothing=0.1, reduction="sum"), label="smoothing sum"),
    Sample((randn(2, 6, 3, 2), randint(0, 6, 2, 3, 2)), call=F("cross_entropy"), label="K-dim"),
    Sample((randn(6), np.array(1)), call=F("cross_entropy"), label="unbatched"))
_PROBS = np.exp(T) / np.exp(T).sum(1, keepdims=True)
add("_cross_entropy_probs", Sample((X, _PROBS), call=F("cross_entropy")),
    Sample((X, _PROBS), call=FW("cross_entropy", rand(6), label_smoothing=0.1), label="weight smoothing"),
    Sample((X, _PROBS), call=F("cross_entropy", reduction="none"), label="none"),
    Sample((randn(2, 3, 4), rand(2, 3, 4)), call=F("cross_entropy", reduction="sum"), label="K-dim sum"))
_LOGQ = np.log(Q + 0.05).astype(np.float32)
add("kl_div", Sample((np.log(P), Q), call=F("kl_div", reduction="batchmean")),
    Sample((np.log(P), Q), call=F("kl_div", reduction="sum"), label="sum"),
    Sample((np.log(P), _LOGQ), call=F("kl_div", reduction="none", log_target=True), label="log_target"))
Y = np.array([1, -1, 1, -1], np.int64)
add("cosine_embedding_loss", Sample((X, T, Y), call=F("cosine_embedding_loss")),
    Sample((X, T, Y), call=F("cosine_embedding_loss", margin=0.2, reduction="none"), label="margin none"))
add("margin_ranking_loss", Sample((randn(5), randn(5, seed=4), np.array([1., -1, 1, 1, -1], np.float32)),
                                  call=F("margin_ranking_loss", margin=0.1)),
    Sample((randn(5), randn(5, seed=4), np.array([1., -1, 1, 1, -1], np.float32)),
           call=F("margin_ranking_loss", reduction="none"), label="none"))
_PM = np.where(randn(4, 6, seed=8) > 0, 1.0, -1.0).astype(np.float32)
add("hinge_embedding_loss", Sample((X, _PM), call=F("hinge_embedding_loss")),
    Sample((X, _PM), call=F("hinge_embedding_loss", margin=0.5, reduction="none"), label="margin none"))
add("soft_margin_loss", Sample((X,), call=lambda t, x: t.nn.functional.soft_margin_loss(x, t.tensor(_PM))),
    Sample((X,), call=lambda t, x: t.nn.functional.soft_margin_loss(x, t.tensor(_PM), reduction="none"),
           label="none"))
add("multilabel_soft_margin_loss", Sample((X, (Q > 0.5).astype(np.float32)), call=F("multilabel_soft_margin_loss")),
    Sample((X, (Q > 0.5).astype(np.float32)), call=FW("multilabel_soft_margin_loss", rand(6), reduction="none"),
           label="weight none"))
add("multi_margin_loss", Sample((X, CLS), call=F("multi_margin_loss")),
    Sample((X, CLS), call=F("multi_margin_loss", p=2, margin=0.5), label="p=2"),
    Sample((X, CLS), call=FW("multi_margin_loss", rand(6), reduction="none"), label="weight none"))
add("triplet_margin_loss", Sample((X, T, randn(4, 6, seed=9)), call=F("triplet_margin_loss")),
    Sample((X, T, randn(4, 6, seed=9)), call=F("triplet_margin_loss", swap=True, p=1, reduction="none"),
           label="swap p=1"))
add("poisson_nll_loss", Sample((X, rand(4, 6, high=3)), call=F("poisson_nll_loss")),
    Sample((P, rand(4, 6, high=3)), call=F("poisson_nll_loss", log_input=False, full=True), label="full"))
add("gaussian_nll_loss", Sample((X, T, rand(4, 6, low=0.1, high=2)), call=F("gaussian_nll_loss")),
    Sample((X, T, rand(4, low=0.1, high=2)), call=F("gaussian_nll_loss", full=True, reduction="sum"),
           label="var per sample"),
    Sample((X, T, rand(4, 1, low=0.0, high=2)), call=F("gaussian_nll_loss", eps=0.5, reduction="none"),
           label="clamped var"))
add("_rrelu_with_noise", Sample((WIDE,), call=F("rrelu")), Sample((X,), call=F("rrelu", 0.1, 0.3), label="bounds"),
    Sample((X,), call=F("rrelu", 0.2, 0.2, True), label="training, lower == upper"))
_ML = np.array([[3, 0, -1, 1, 2, 2], [0, 1, 2, 3, 4, 5], [5, -1, 0, 0, 0, 0], [-1, 2, 2, 2, 2, 2]], np.int64)
add("multilabel_margin_loss", Sample((X, _ML), call=F("multilabel_margin_loss")),
    Sample((X, _ML), call=F("multilabel_margin_loss", reduction="none"), label="none"),
    Sample((X[0], _ML[0]), call=F("multilabel_margin_loss", reduction="sum"), label="1-D sum"))
_LP = randn(7, 3, 5, seed=6)
_LP = (_LP - np.log(np.exp(_LP).sum(-1, keepdims=True))).astype(np.float32)
_TG, _IL, _TL = np.array([[1, 2, 2], [3, 1, 4], [2, 2, 2]], np.int64), [7, 6, 3], [3, 2, 0]


def _ctc(t, lp, **kw):
    return t.nn.functional.ctc_loss(lp, t.tensor(_TG), t.tensor(_IL), t.tensor(_TL), **kw)


add("_ctc_loss", Sample((_LP,), call=_ctc), Sample((_LP,), call=lambda t, lp: _ctc(t, lp, reduction="none"),
                                                   label="none"),
    Sample((_LP.astype(np.float64),), call=lambda t, lp: t.nn.functional.ctc_loss(
        lp, t.tensor([1, 2, 2, 3, 1]), (7, 6, 3), (3, 2, 0), blank=0, reduction="sum"), label="concatenated f64"),
    Sample((_LP,), call=lambda t, lp: t.nn.functional.ctc_loss(
        lp, t.tensor(_TG), t.tensor([2, 6, 3]), t.tensor([3, 3, 3]), zero_infinity=True), label="zero_infinity"),
    Sample((_LP[:, 0],), call=lambda t, lp: t.nn.functional.ctc_loss(lp, t.tensor([4, 4]), (5,), (2,), blank=4),
           label="unbatched, blank"))


def _bn_call(name, training, stats=True):
    def call(t, x, w, b):
        rm, rv = t.zeros(3), t.ones(3)
        args = (rm, rv, training) if stats else (training,)
        return getattr(t, name)(x, w, b, *args, 0.1, 1e-5)
    return call


add("native_layer_norm",
    Sample((randn(2, 3, 4), randn(4, seed=1), randn(4, seed=2)), call=lambda t, x, w, b: t.native_layer_norm(
        x, (4,), w, b, 1e-5)),
    Sample((randn(2, 3, 4),), call=lambda t, x: t.native_layer_norm(x, [3, 4], None, None, 1e-3), label="no affine"))
add("native_group_norm",
    Sample((randn(2, 4, 3), randn(4, seed=1), randn(4, seed=2)), call=lambda t, x, w, b: t.native_group_norm(
        x, w, b, 2, 4, 3, 2, 1e-5)))
for _n in ("native_batch_norm", "_native_batch_norm_legit"):
    add(_n, *[Sample((randn(4, 3, 2), randn(3, seed=1), randn(3, seed=2)), call=_bn_call(_n, tr), label=f"training={tr}")
              for tr in (True, False)])
add("_native_batch_norm_legit_no_stats",
    Sample((randn(4, 3, 2), randn(3, seed=1), randn(3, seed=2)), call=_bn_call("_native_batch_norm_legit", True, False)))
