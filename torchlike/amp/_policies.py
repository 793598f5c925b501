"""Autocast op lists: which registered operator runs in which dtype inside an autocast region.

PyTorch's lists name ATen operators; these name ours. Where PyTorch's function is a composition
of several ATen ops (cross_entropy = log_softmax + nll_loss, tensordot = permute + mm) and ours is
one operator, the operator gets the policy that makes its output dtype come out as PyTorch's
(checked against real PyTorch's CPU autocast in compat_suite/test_amp.py).

Policies:
- LOWER: floating arguments (not float64) are cast to the region's dtype (bfloat16 / float16).
- FP32: floating arguments (not float64) are cast to float32.
- PROMOTE: floating arguments are cast to the widest among them (float64 ignored).
- SET_DTYPE: the op's `dtype=` argument becomes float32 when not given and the first argument is
  eligible (softmax, sum, ... on CUDA: they compute and return float32).
- BANNED: refused with PyTorch's error (binary_cross_entropy on CUDA).
A callable policy picks one of these from the bound arguments (PyTorch decides by overload).
"""
from __future__ import annotations

LOWER, FP32, PROMOTE, SET_DTYPE, BANNED = "lower", "fp32", "promote", "set_dtype", "banned"

BCE_BANNED_MSG = (
    "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
    "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
    "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n"
    "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n"
    "safe to autocast.")


def _pad_policy(vals):
    """reflection_pad1d/2d and replication_pad1d/2d/3d are float32 ops on CPU; circular padding
    and reflection_pad3d are not listed."""
    mode, rank = vals["mode"], len(vals["pad"]) // 2
    if mode == "replicate" or (mode == "reflect" and rank <= 2):
        return FP32
    return None


def _lrn_policy(vals):
    """local_response_norm averages with avg_pool3d (a float32 op) for inputs of 4+ dims."""
    return FP32 if vals["input"].ndim >= 4 else None


def _cuda_matrix_power_policy(vals):
    """Repeated mm for n >= 2; on CUDA inverse is not listed (we keep n < 0 in the input's dtype)."""
    return LOWER if vals["n"] >= 2 else None


def _cpu_matrix_power_policy(vals):
    """n = 0, 1 copy; n >= 2 is repeated mm; n < 0 inverts (float32 on CPU). For n <= -2 PyTorch then
    multiplies in the lower dtype; we stay in float32."""
    n = vals["n"]
    return LOWER if n >= 2 else FP32 if n < 0 else None


def _einsum_policy(vals):
    """einsum reaches bmm only when some label is summed over between two operands; otherwise it is
    a product or a sum and keeps the inputs' dtype."""
    equation, operands = vals["equation"].replace(" ", ""), vals["operands"]
    inputs, arrow, output = equation.partition("->")
    terms = [set(t.replace("...", "")) for t in inputs.split(",")]
    if not arrow:  # implicit output: the labels that appear once
        output = "".join(c for c in set(inputs) if inputs.count(c) == 1)
    shared = {c for i, t in enumerate(terms) for c in t if any(c in u for u in terms[i + 1:])}
    return LOWER if len(operands) >= 2 and shared - set(output) else None


def _inner_policy(vals):
    """inner of two vectors is dot and of a 0-d tensor is mul: neither is a lower-precision op."""
    a, b = vals["input"].ndim, vals["other"].ndim
    return None if 0 in (a, b) or a == b == 1 else LOWER


def _tensordot_policy(vals):
    """tensordot of two vectors over their one dimension is dot (not listed on CPU)."""
    a, b = vals["a"], vals["b"]
    return None if a.ndim == b.ndim == 1 and len(vals["dims_a"]) == 1 else LOWER


def _rnn_policy(vals):
    """RNN and LSTM layers run in the lower dtype; PyTorch's GRU (and the LSTM / GRU cells) mix the
    float32 state into their update, so they come out float32: we run them in float32."""
    return None if vals["mode"] == "GRU" else LOWER


def _rnn_cell_policy(vals):
    return LOWER if vals["mode"].startswith("RNN") else None


def _cpu_table() -> dict:
    lower = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
             "bmm", "mm", "linalg_vecdot", "baddbmm", "addmm", "addbmm", "linear", "matmul", "prelu",
             "_sdpa", "_mha",
             # compositions of the ops above in PyTorch
             "linalg_multi_dot", "affine_grid_generator"]
    fp32 = ["avg_pool3d", "binary_cross_entropy", "grid_sampler", "prod", "_quantile", "trace",
            "_cholesky", "inverse", "linalg_pinv", "linalg_eigh", "linalg_eigvalsh", "linalg_lstsq", "linalg_qr",
            "linalg_solve", "linalg_svd", "linalg_svdvals", "linalg_matrix_rank",
            "_max_unpool", "max_pool3d_with_indices", "adaptive_avg_pool3d", "adaptive_max_pool3d_with_indices",
            "mse_loss", "cosine_embedding_loss", "nll_loss", "hinge_embedding_loss", "poisson_nll_loss",
            "smooth_l1_loss", "_cross_entropy_indices", "_cross_entropy_probs", "l1_loss", "huber_loss",
            "margin_ranking_loss", "soft_margin_loss", "triplet_margin_loss", "multi_margin_loss", "kl_div",
            "binary_cross_entropy_with_logits"]
    promote = ["cat", "stack", "index_copy", "hstack", "vstack", "dstack", "column_stack"]
    table = {**dict.fromkeys(lower, LOWER), **dict.fromkeys(fp32, FP32), **dict.fromkeys(promote, PROMOTE)}
    table.update(_pad_nonconstant=_pad_policy, local_response_norm=_lrn_policy, matrix_power=_cpu_matrix_power_policy,
                 einsum=_einsum_policy, inner=_inner_policy, _tensordot=_tensordot_policy, _rnn=_rnn_policy,
                 _rnn_cell=_rnn_cell_policy)
    return table


def _cuda_table() -> dict:
    lower = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "prelu",
             "addmm", "addmv", "addr", "matmul", "einsum", "mm", "mv", "linalg_vecdot", "linear", "addbmm",
             "baddbmm", "bmm", "linalg_multi_dot", "_rnn_cell", "_sdpa", "_rnn", "_mha",
             # compositions of the ops above in PyTorch
             "inner", "affine_grid_generator"]
    fp32 = ["acos", "asin", "cosh", "erfinv", "exp", "expm1", "log", "log10", "log2", "log1p", "reciprocal",
            "rsqrt", "sinh", "tan", "pow", "softplus", "layer_norm", "rms_norm", "group_norm",
            "cosine_similarity", "poisson_nll_loss", "cosine_embedding_loss", "nll_loss", "hinge_embedding_loss",
            "kl_div", "l1_loss", "smooth_l1_loss", "huber_loss", "mse_loss", "margin_ranking_loss",
            "soft_margin_loss", "triplet_margin_loss", "multi_margin_loss", "binary_cross_entropy_with_logits",
            "pdist", "logsumexp", "_upsample",
            # compositions in PyTorch whose last op is a float32 one
            "_cross_entropy_indices", "_cross_entropy_probs", "normalize"]
    set_dtype = ["prod", "softmax", "log_softmax", "cumprod", "cumsum", "linalg_vector_norm", "linalg_matrix_norm",
                 "sum", "norm"]
    promote = ["addcdiv", "addcmul", "atan2", "bilinear", "cross", "linalg_cross", "dot", "vdot", "grid_sampler",
               "_index_put", "_tensordot", "scatter_add"]
    table = {**dict.fromkeys(lower, LOWER), **dict.fromkeys(fp32, FP32), **dict.fromkeys(set_dtype, SET_DTYPE),
             **dict.fromkeys(promote, PROMOTE)}
    table.update(matrix_power=_cuda_matrix_power_policy, binary_cross_entropy=BANNED)
    return table


TABLES = {"cpu": _cpu_table(), "cuda": _cuda_table()}
