"""torch.nn.functional: re-exports only (the maths lives in the registry operators)."""
from ._functional import (alpha_dropout, batch_norm, bilinear, celu, celu_, cosine_similarity, dropout,  # noqa: F401
                          dropout1d, dropout2d, dropout3d, elu, elu_, embedding, embedding_bag, feature_alpha_dropout,
                          gelu, glu, group_norm, gumbel_softmax, hardshrink, hardsigmoid, hardswish, hardtanh,
                          hardtanh_,
                          instance_norm, layer_norm, leaky_relu, leaky_relu_, linear, local_response_norm,
                          log_softmax, logsigmoid, mish, normalize, one_hot, pairwise_distance, pdist, prelu, relu,
                          relu6, relu_, rms_norm, rrelu, rrelu_, selu, selu_, sigmoid, silu, softmax, softmin, softplus,
                          softshrink, softsign, tanh, tanhshrink, threshold, threshold_)
from ._functional_loss import (binary_cross_entropy, binary_cross_entropy_with_logits,  # noqa: F401
                               cosine_embedding_loss, cross_entropy, ctc_loss, gaussian_nll_loss, hinge_embedding_loss,
                               huber_loss, kl_div, l1_loss, linear_cross_entropy, margin_ranking_loss, mse_loss,
                               multi_margin_loss, multilabel_margin_loss, multilabel_soft_margin_loss, nll_loss,
                               poisson_nll_loss, smooth_l1_loss, soft_margin_loss, triplet_margin_loss,
                               triplet_margin_with_distance_loss)
from ._functional_conv import *  # noqa: F401,F403
from ._functional_attn import *  # noqa: F401,F403

# The names under which torch._C._nn and torch.nn.functional's internals call these two.
log_sigmoid = logsigmoid
_threshold = threshold
