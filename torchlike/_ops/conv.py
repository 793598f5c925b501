"""Convolutions behind torch.nn.functional: conv1d/2d/3d and conv_transpose1d/2d/3d on
`jax.lax.conv_general_dilated`, with PyTorch's argument checks and messages."""
from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp

from .._engine.grad_name import GradName
from .. import _dtype as D
from .. import _config
from .nn_ops import _CTYPE
from .._engine.op import TO, T, op

_DIMS = {1: ("NCH", "OIH", "NCH"), 2: ("NCHW", "OIHW", "NCHW"), 3: ("NCDHW", "OIDHW", "NCDHW")}


def ntuple(v, n: int, name: str = "", what: str = "convolution") -> tuple:
    """An int or a sequence as an n-tuple of ints (PyTorch's `_ntuple`, with its complaint)."""
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return tuple(int(v[0]) for _ in range(n))
        if len(v) != n:
            vals = ", ".join(str(x) for x in v)
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                               f"{what} dimensions, but got {name}=[{vals}]")
        return tuple(_int_arg(x, name) for x in v)
    return (_int_arg(v, name),) * n


def _int_arg(v, name: str) -> int:
    """An int argument; PyTorch's argument parser refuses strings and the like with a TypeError."""
    if isinstance(v, (str, bytes, complex)) or v is None:
        what = f"argument '{name}'" if name else "argument"
        raise TypeError(f"{what} must be tuple of ints, but found element of type {type(v).__name__}")
    return int(v)


def _check_kernel_size(ks) -> None:
    """PyTorch's CPU kernels refuse an empty kernel (conv1d runs as a conv2d of height 1)."""
    if all(k > 0 for k in ks):
        return
    if len(ks) == 3:
        raise RuntimeError(f"kernel size should be greater than zero, but got: {ks[0]} x {ks[1]} x {ks[2]} (TxHxW)")
    h, w = (1, ks[0]) if len(ks) == 1 else ks
    raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {h} kernel_width: {w}")


def legacy(a) -> str:
    return D.from_numpy_dtype(a.dtype).legacy


def _shape(s) -> str:
    return ", ".join(str(x) for x in s)


def batchify(input, n: int, fname: str):
    """Add the batch dimension to an unbatched input; complain about the wrong rank as PyTorch does."""
    if input.ndim == n + 1:
        return input[None], True
    if input.ndim != n + 2:
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {fname}, but got input of "
                           f"size: [{_shape(input.shape)}]")
    return input, False


def _unbatched_name(n: int, batched_name: str):
    def name(*arrays):
        return "SqueezeBackward1" if arrays[0].ndim == n + 1 else batched_name
    # (an unbatched input runs the batched kernel on an unsqueezed view: that kernel's backward)
    return GradName(fn=name, by="arrays", takes_inputs=True)


def _check_common(input, weight, bias, stride, dilation, groups, transposed: bool):
    if bias is not None and bias.dtype != input.dtype:
        a, b = legacy(input), legacy(bias)
        raise RuntimeError(f"Input type ({_CTYPE.get(a, a)}) and bias type ({_CTYPE.get(b, b)}) should be the same")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"expected scalar type {legacy(input)} but found {legacy(weight)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    out_ch = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_ch):
        raise RuntimeError(f"Given weight of size [{_shape(weight.shape)}], expected bias to be 1-dimensional with "
                           f"{out_ch} elements, but got bias of size [{_shape(bias.shape)}] instead")


def _arg_list(v, n: int) -> list:
    """An int argument as the n-element list PyTorch's binding makes of it; a sequence as is."""
    return [_int_arg(x, "") for x in v] if isinstance(v, (list, tuple)) else [_int_arg(v, "")] * n


def _expand(v: list, name: str, dim: int) -> tuple:
    """PyTorch's `expand_param_if_needed`: to the weight's spatial rank, which may differ from the
    function's when the weight has the wrong rank."""
    if len(v) == 1:
        return tuple(v) * dim
    if len(v) != dim:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dim} values to match the "
                           f"convolution dimensions, but got {name}=[{_shape(v)}]")
    return tuple(v)


def _same_padding(x, weight, stride: list, dilation: list, groups):
    """padding='same' (PyTorch's `convolution_same`): its own checks, then (lo, hi) per dimension."""
    k = weight.ndim
    if k <= 2:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if k != x.ndim:
        raise RuntimeError(f"Expected {k}-dimensional input for {k}-dimensional weight[{_shape(weight.shape)}], but "
                           f"got {x.ndim}-dimensional input of size [{_shape(x.shape)}] instead")
    dim = k - 2
    for name, v in (("stride", stride), ("dilation", dilation)):
        if len(v) not in (1, dim):
            raise RuntimeError(f"{name} cannot broadcast to {dim} dimensions")
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    dilation = _expand(dilation, "dilation", dim)
    total = [d * (kk - 1) for d, kk in zip(dilation, weight.shape[2:])]
    # The symmetric part (C++ division truncates) is what the convolution itself is given and checks.
    if any(int(t / 2) < 0 for t in total):
        raise RuntimeError("negative padding is not supported")
    return tuple((t // 2, t - t // 2) for t in total)


def _check_forward(x, weight, bias, stride, pads, dilation, groups):
    """PyTorch's `check_shape_forward` for a forward convolution, then its dtype and dilation checks."""
    if any(lo < 0 or hi < 0 for lo, hi in pads):
        raise RuntimeError("negative padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    k, ws = weight.ndim, _shape(weight.shape)
    if x.ndim != k:
        raise RuntimeError(f"Expected {k}-dimensional input for {k}-dimensional weight [{ws}], but got {x.ndim}-"
                           f"dimensional input of size [{_shape(x.shape)}] instead")
    if weight.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size [{ws}] instead")
    if weight.shape[0] % groups:
        # (PyTorch prints this size in double brackets)
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [[{ws}]] instead")
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size [{ws}], expected input[{_shape(x.shape)}] to have "
                           f"{weight.shape[1] * groups} channels, but got {x.shape[1]} channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(f"Given weight of size [{ws}], expected bias to be 1-dimensional with {weight.shape[0]} "
                           f"elements, but got bias of size [{_shape(bias.shape)}] instead")
    padded = [s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads)]
    eff = [d * (kk - 1) + 1 for d, kk in zip(dilation, weight.shape[2:])]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, eff))}). Kernel size can't be greater than actual input size")
    _check_kernel_size(weight.shape[2:])
    if x.dtype != weight.dtype:
        if _onednn(x, weight, stride, dilation, groups):
            raise RuntimeError(f"Input type ({_type_name(x)}) and weight type ({_type_name(weight)}) should be the "
                               "same or input should be a MKLDNN tensor and weight is a dense tensor")
        raise RuntimeError(f"expected scalar type {legacy(x)} but found {legacy(weight)}")
    if any(d == 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if x.dtype == jnp.bool_:
        kernel = "compute_columns3d" if x.ndim == 5 else "slow_conv2d_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _onednn(x, weight, stride, dilation, groups) -> bool:
    """Whether PyTorch's (multi-threaded) CPU convolution would take its oneDNN path, which words
    an input/weight dtype mismatch differently: bfloat16 inputs, and float32 ones when batched,
    grouped, strided or dilated with a large kernel or input (1-d seen as 2-d with height 1)."""
    if x.dtype == jnp.bfloat16:
        return True
    if x.dtype != jnp.float32:
        return False
    xs = x.shape if x.ndim > 3 else x.shape[:2] + (1,) + x.shape[2:]
    ws = weight.shape if weight.ndim > 3 else weight.shape[:2] + (1,) + weight.shape[2:]
    return groups > 1 or (ws[-1] > 3 and ws[-2] > 3) or xs[0] > 1 or xs[0] * xs[1] * xs[2] * xs[3] > 20480


def _type_name(a) -> str:
    name = legacy(a)
    return "CPUBFloat16Type" if name == "BFloat16" else f"torch.{name}Tensor"


def convolution(input, weight, bias, stride, padding, dilation, groups, n: int, fname: str):
    """The forward convolution of an n-d (batched or not) input, checked in PyTorch's order."""
    if bias is not None and bias.dtype != input.dtype:
        a, b = legacy(input), legacy(bias)
        raise RuntimeError(f"Input type ({_CTYPE.get(a, a)}) and bias type ({_CTYPE.get(b, b)}) should be the same")
    x, unbatched = batchify(input, n, fname)
    stride, dilation = _arg_list(stride, n), _arg_list(dilation, n)
    if isinstance(padding, str) and padding not in ("same", "valid"):
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    if padding == "same":
        same = _same_padding(x, weight, stride, dilation, groups)
    if weight.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    dim = weight.ndim - 2
    stride = _expand(stride, "stride", dim)
    if padding == "same":
        pads = same
    else:
        pad = _expand([0] if padding == "valid" else _arg_list(padding, n), "padding", dim)
        pads = tuple((p, p) for p in pad)
    dilation = _expand(dilation, "dilation", dim)
    _check_forward(x, weight, bias, stride, pads, dilation, groups)
    if groups == 1 and _use_patches(x, weight):
        out = patches_conv(x, weight, stride, pads, dilation)
    else:
        if _pad_first(x, pads):
            x = jnp.pad(x, ((0, 0), (0, 0)) + tuple(pads))
            pads = ((0, 0),) * len(pads)
        out = jax.lax.conv_general_dilated(x, weight, stride, pads, rhs_dilation=dilation,
                                           dimension_numbers=_DIMS[n], feature_group_count=groups)
    if bias is not None:
        out = out + bias.reshape((1, -1) + (1,) * n)
    return out[0] if unbatched else out


def _pad_first(x, pads) -> bool:
    """Whether to pad the input before an unpadded convolution: XLA's CPU convolution is 10-30x
    slower when the padding is as large as the input (ResNet's 3x3 convolutions on 2x2 and 1x1
    maps: 1.7 s against 61 ms for a batch of 1000 at 256 channels); elsewhere padding inside is faster."""
    return jax.default_backend() == "cpu" and any(lo + hi >= size for (lo, hi), size in zip(pads, x.shape[2:]))


PATCH_BYTES_LIMIT = 1 << 29  # im2col copies the input once per kernel tap: bounded memory


def _use_patches(x, weight) -> bool:
    """Whether to lower this convolution as a matrix product over patches: on XLA's own CPU
    kernels its convolutions, and above all their gradients, are 2-4x slower than its matrix
    products."""
    if _config.YNN_DOT and x.dtype == jnp.float32:
        return False  # YNNPACK runs XLA's float32 convolutions faster still (torchlike/_config.py)
    if jax.default_backend() != "cpu" or x.dtype not in (jnp.float32, jnp.float64):
        return False
    taps = 1
    for k in weight.shape[2:]:
        taps *= k
    return x.size * x.dtype.itemsize * taps <= PATCH_BYTES_LIMIT


def patches_conv(x, weight, stride, pads, dilation):
    """A convolution (groups=1, PyTorch's NC... layout) as im2col plus one matmul, channels last:
    each kernel tap's strided window of the padded input, concatenated on the channel axis, times
    the weight reshaped to match (taps major, input channels minor)."""
    xh = jnp.pad(jnp.moveaxis(x, 1, -1), ((0, 0),) + tuple(pads) + ((0, 0),))
    ks = weight.shape[2:]
    out = [(p - d * (k - 1) - 1) // s + 1 for p, k, s, d in zip(xh.shape[1:-1], ks, stride, dilation)]
    cols = []
    for taps in itertools.product(*[range(k) for k in ks]):
        window = tuple(slice(t * d, t * d + (m - 1) * s + 1, s) for t, d, m, s in zip(taps, dilation, out, stride))
        cols.append(xh[(slice(None),) + window + (slice(None),)])
    cols = cols[0] if len(cols) == 1 else jnp.concatenate(cols, axis=-1)
    wm = jnp.moveaxis(weight, 1, -1).reshape(weight.shape[0], -1)
    return jnp.moveaxis(jnp.matmul(cols, wm.T), -1, 1)


def convolution_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, n: int, fname: str):
    """The transposed (fractionally strided) convolution: a convolution of the stride-dilated input
    with the flipped, in/out-swapped kernel."""
    x, unbatched = batchify(input, n, fname)
    stride, dilation = ntuple(stride, n, "stride"), ntuple(dilation, n, "dilation")
    pad, opad = ntuple(padding, n, "padding"), ntuple(output_padding, n, "output_padding")
    _check_common(x, weight, bias, stride, dilation, groups, True)
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size [{_shape(weight.shape)}], expected input"
                           f"[{_shape(x.shape)}] to have {weight.shape[0]} channels, but got {x.shape[1]} channels "
                           f"instead")
    if any(p < 0 for p in pad):
        raise RuntimeError("negative padding is not supported")
    if any(o >= s and o >= d for o, s, d in zip(opad, stride, dilation)):
        names = ["depth", "height", "width"][3 - n:]
        parts = [f"output_padding_{w}: {o}" for w, o in zip(names, opad)]
        parts += [f"stride_{w}: {s}" for w, s in zip(names, stride)]
        parts += [f"dilation_{w}: {d}" for w, d in zip(names, dilation)]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(parts))
    _check_kernel_size(weight.shape[2:])
    if x.dtype == jnp.bool_:
        kernel = "slow_conv_transpose3d_out_cpu" if n == 3 else "slow_conv_transpose2d_out_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    cin, cout_g, ks = weight.shape[0], weight.shape[1], weight.shape[2:]
    w = weight.reshape((groups, cin // groups, cout_g) + ks)
    w = jnp.swapaxes(w, 1, 2).reshape((groups * cout_g, cin // groups) + ks)
    w = jnp.flip(w, axis=tuple(range(2, n + 2)))
    pads = [(d * (k - 1) - p, d * (k - 1) - p + o) for d, k, p, o in zip(dilation, ks, pad, opad)]
    out_sizes = [(i - 1) * s - 2 * p + d * (k - 1) + o + 1
                 for i, s, p, d, k, o in zip(x.shape[2:], stride, pad, dilation, ks, opad)]
    if any(o <= 0 for o in out_sizes):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated output "
                           f"size per channel: ({' x '.join(map(str, out_sizes))}). Output size is too small")
    out = jax.lax.conv_general_dilated(x, w, (1,) * n, pads, lhs_dilation=stride, rhs_dilation=dilation,
                                       dimension_numbers=_DIMS[n], feature_group_count=groups)
    if bias is not None:
        out = out + bias.reshape((1, -1) + (1,) * n)
    return out[0] if unbatched else out


_CONV = "ConvolutionBackward0"


@op(method=False, grad_name=_unbatched_name(1, _CONV))
def conv1d(input: T, weight: T, bias: TO = None, stride=1, padding=0, dilation=1, groups=1):
    return convolution(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


@op(method=False, grad_name=_unbatched_name(2, _CONV))
def conv2d(input: T, weight: T, bias: TO = None, stride=1, padding=0, dilation=1, groups=1):
    return convolution(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


@op(method=False, grad_name=_unbatched_name(3, _CONV))
def conv3d(input: T, weight: T, bias: TO = None, stride=1, padding=0, dilation=1, groups=1):
    return convolution(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


@op(method=False, grad_name=_unbatched_name(1, _CONV))
def conv_transpose1d(input: T, weight: T, bias: TO = None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return convolution_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1,
                                 "conv_transpose1d")


@op(method=False, grad_name=_unbatched_name(2, _CONV))
def conv_transpose2d(input: T, weight: T, bias: TO = None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return convolution_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
                                 "conv_transpose2d")


@op(method=False, grad_name=_unbatched_name(3, _CONV))
def conv_transpose3d(input: T, weight: T, bias: TO = None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    return convolution_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 3,
                                 "conv_transpose3d")
