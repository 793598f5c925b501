"""torch.nn.functional for convolution, pooling, padding, resampling and im2col: argument
handling around the registry operators in _ops/conv.py, _ops/pooling.py and _ops/nn_misc.py."""
from __future__ import annotations

import math

from .._ops import conv as _C
from .._ops import nn_misc as _M
from .._ops.nn_misc import pad  # noqa: F401  (torch.nn.functional.pad)
from .._ops import pooling as _P
from .._tensor import Tensor

conv1d, conv2d, conv3d = _C.conv1d, _C.conv2d, _C.conv3d
conv_transpose1d, conv_transpose2d, conv_transpose3d = _C.conv_transpose1d, _C.conv_transpose2d, _C.conv_transpose3d
avg_pool1d, avg_pool2d, avg_pool3d = _P.avg_pool1d, _P.avg_pool2d, _P.avg_pool3d
adaptive_avg_pool1d = _P.adaptive_avg_pool1d
lp_pool1d, lp_pool2d = _P.lp_pool1d, _P.lp_pool2d
pixel_shuffle, pixel_unshuffle, channel_shuffle = _M.pixel_shuffle, _M.pixel_unshuffle, _M.channel_shuffle
native_channel_shuffle = _M.channel_shuffle


def _pick(res, return_indices: bool):
    return res if return_indices else res[0]


# The *_with_indices functions take (and ignore) return_indices, as PyTorch's do.
def max_pool1d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False):
    """Mirrors `torch.nn.functional.max_pool1d_with_indices`."""
    return _P.max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False):
    """Mirrors `torch.nn.functional.max_pool2d_with_indices`."""
    return _P.max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False):
    """Mirrors `torch.nn.functional.max_pool3d_with_indices`."""
    return _P.max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """Mirrors `torch.nn.functional.max_pool1d`."""
    if not return_indices:  # PyTorch's max_pool1d without indices has checks (and messages) of its own
        _P.check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _pick(_P.max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode), return_indices)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """Mirrors `torch.nn.functional.max_pool2d`."""
    return _pick(_P.max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode), return_indices)


def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """Mirrors `torch.nn.functional.max_pool3d`."""
    return _pick(_P.max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode), return_indices)


def _list_with_default(out_size, defaults):
    """PyTorch's `_list_with_default`: None entries of output_size take the input's sizes."""
    if not isinstance(out_size, (list, tuple)):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError(f"Input dimension should be at least {len(out_size) + 1}")
    return [d if v is None else v for v, d in zip(out_size, list(defaults)[-len(out_size):])]


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Mirrors `torch.nn.functional.adaptive_avg_pool2d`."""
    return _P.adaptive_avg_pool2d(input, _list_with_default(output_size, input.shape))


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """Mirrors `torch.nn.functional.adaptive_avg_pool3d`."""
    return _P.adaptive_avg_pool3d(input, _list_with_default(output_size, input.shape))


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    """Mirrors `torch.nn.functional.adaptive_max_pool2d_with_indices`."""
    return _P.adaptive_max_pool2d_with_indices(input, _list_with_default(output_size, input.shape))


def adaptive_max_pool3d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    """Mirrors `torch.nn.functional.adaptive_max_pool3d_with_indices`."""
    return _P.adaptive_max_pool3d_with_indices(input, _list_with_default(output_size, input.shape))


def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    """Mirrors `torch.nn.functional.adaptive_max_pool1d_with_indices`."""
    return _P.adaptive_max_pool1d(input, output_size)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Mirrors `torch.nn.functional.adaptive_max_pool1d`."""
    return _pick(_P.adaptive_max_pool1d(input, output_size), return_indices)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Mirrors `torch.nn.functional.adaptive_max_pool2d`."""
    return _pick(adaptive_max_pool2d_with_indices(input, output_size), return_indices)


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    """Mirrors `torch.nn.functional.adaptive_max_pool3d`."""
    return _pick(adaptive_max_pool3d_with_indices(input, output_size), return_indices)


def _unpool(input, indices, kernel_size, stride, padding, output_size, n):
    k = _C.ntuple(kernel_size, n, "kernel_size")
    s = k if stride is None else _C.ntuple(stride, n, "stride")
    p = _C.ntuple(padding, n, "padding")
    default = [(i - 1) * si - 2 * pi + ki for i, si, pi, ki in zip(input.shape[-n:], s, p, k)]
    if output_size is None:
        size = default
    else:
        size = [int(v) for v in output_size][-n:]
        if len(output_size) not in (n, n + 1, n + 2):
            raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, but it has a "
                             f"length of '{len(output_size)}'")
        for v, d, si in zip(size, default, s):
            if not d - si < v < d + si:
                raise ValueError(f"invalid output_size \"{list(size)}\" (dim 0 must be between {d - si} and "
                                 f"{d + si})")
    return _P._max_unpool(input, indices, tuple(size), n)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Mirrors `torch.nn.functional.max_unpool1d`."""
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Mirrors `torch.nn.functional.max_unpool2d`."""
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """Mirrors `torch.nn.functional.max_unpool3d`."""
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 3)


_INTERP_RANK = {"linear": 3, "bilinear": 4, "trilinear": 5, "bicubic": 4}


def _interp_sizes(input, size, scale_factor, recompute_scale_factor, dim):
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                                 "(o1, o2, ...,oK) format.")
            out = [int(v) for v in size]
        else:
            out = [int(size)] * dim
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        return out, [None] * dim
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (list, tuple)):
        if len(scale_factor) != dim:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                             f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                             "scale_factor in (s1, s2, ...,sK) format.")
        scales = [float(s) for s in scale_factor]
    else:
        scales = [float(scale_factor)] * dim
    out = [math.floor(float(i) * s) for i, s in zip(input.shape[2:], scales)]
    return out, ([None] * dim if recompute_scale_factor else scales)


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Mirrors `torch.nn.functional.interpolate`; `antialias=True` raises NotImplementedError."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear "
                             "| bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    dim = input.ndim - 2
    modes = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
    if mode not in modes or input.ndim not in (3, 4, 5):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
                                  f"nearest-exact (got {mode})")
    if mode in _INTERP_RANK and input.ndim != _INTERP_RANK[mode]:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_INTERP_RANK[mode]}D input")
    out, scales = _interp_sizes(input, size, scale_factor, recompute_scale_factor, dim)
    if mode == "area":
        return {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}[dim](input, tuple(out))
    return _M._upsample(input, tuple(out), tuple(scales), mode, bool(align_corners))


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners=None) -> Tensor:
    """Mirrors `torch.nn.functional.upsample`."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Mirrors `torch.nn.functional.upsample_nearest`."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Mirrors `torch.nn.functional.upsample_bilinear` (align_corners=True)."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """Mirrors `torch.nn.functional.grid_sample` for 4-D inputs, modes bilinear and nearest."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    return _M.grid_sampler(input, grid, ("bilinear", "nearest", "bicubic").index(mode),
                           ("zeros", "border", "reflection").index(padding_mode), bool(align_corners))


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """Mirrors `torch.nn.functional.affine_grid`."""
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {tuple(size)}")
    return _M.affine_grid_generator(theta, tuple(int(s) for s in size), bool(align_corners))


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Mirrors `torch.nn.functional.unfold` (im2col)."""
    if 1 <= input.ndim < 3:  # PyTorch indexes dim 2 (batched or not) before checking the rank
        n = input.ndim
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {n})")
    return _M.im2col(input, kernel_size, dilation, padding, stride)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Mirrors `torch.nn.functional.fold` (col2im)."""
    return _M.col2im(input, output_size, kernel_size, dilation, padding, stride)



def lp_pool3d(input: Tensor, norm_type, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """Mirrors `torch.nn.functional.lp_pool3d` (an infinite norm is a max pooling of |input|)."""
    if isinstance(norm_type, (int, float)) and math.isinf(norm_type):
        pooled = max_pool3d((input.abs() if norm_type > 0 else -input.abs()), kernel_size, stride, 0, 1, ceil_mode)
        return pooled if norm_type > 0 else -pooled
    return _P.lp_pool3d(input, norm_type, kernel_size, stride, ceil_mode)


def _fractional(n: int, input: Tensor, kernel_size, output_size, output_ratio, _random_samples):
    name = f"fractional_max_pool{n}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        if n == 2 and len(output_ratio) > 2:  # (PyTorch's 2-d form takes len() of the ratio: a float fails)
            raise ValueError("fractional_max_pool2d requires output_ratio to either be a single Int or tuple of "
                             "Ints.")
        ratio = tuple(output_ratio) if isinstance(output_ratio, (list, tuple)) else (output_ratio,) * n
        ratio = ratio * n if len(ratio) == 1 else ratio
        output_size = [int(input.size(-n + j) * ratio[j]) for j in range(n)]
    if _random_samples is None:
        from .._ops.random import rand
        batch = 1 if input.dim() == n + 1 else input.size(0)
        _random_samples = rand(batch, input.size(-n - 1), n, dtype=input.dtype, device=input.device)
    return getattr(_P, name)(input, kernel_size, output_size, _random_samples)


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                                       return_indices: bool = False, _random_samples: Tensor | None = None):
    """Mirrors `torch.nn.functional.fractional_max_pool2d_with_indices` (samples from torchlike's stream)."""
    return _fractional(2, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                                       return_indices: bool = False, _random_samples: Tensor | None = None):
    return _fractional(3, input, kernel_size, output_size, output_ratio, _random_samples)


def fractional_max_pool2d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples: Tensor | None = None):
    return _pick(_fractional(2, input, kernel_size, output_size, output_ratio, _random_samples), return_indices)


def fractional_max_pool3d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples: Tensor | None = None):
    return _pick(_fractional(3, input, kernel_size, output_size, output_ratio, _random_samples), return_indices)


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """Mirrors `torch.nn.functional.conv_tbc`: a 1-d convolution of a (time, batch, in_channels) input with a
    (kernel_width, in_channels, out_channels) weight, `pad` steps of zeros at both ends of time (a negative `pad`
    crops them), giving (time + 2 * pad - kernel_width + 1, batch, out_channels)."""
    if isinstance(pad, bool) or not isinstance(pad, int):
        raise TypeError(f"conv_tbc(): argument 'pad' (position 4) must be int, not {type(pad).__name__}")
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if bias.shape[0] != weight.shape[2]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    time, batch, out_channels = input.shape[0], input.shape[1], weight.shape[2]
    out_time = time + 2 * pad - weight.shape[0] + 1
    if out_time < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {out_time}: "
                           f"[{out_time}, {batch}, {out_channels}]")
    if pad < 0:
        input, pad = input[-pad:time + pad], 0
    if out_time == 0:
        return input.new_zeros((0, batch, out_channels)) + bias
    out = _C.conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, pad)
    return out.permute(2, 0, 1)
