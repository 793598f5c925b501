"""Image transforms as functions. Mirrors `torchvision.transforms.functional`.

An image is a uint8 numpy array, H x W or H x W x C (what torchlike's datasets return where
torchvision returns a PIL Image; PIL images are accepted and returned too when PIL is installed).
A tensor image is C x H x W (any leading batch dims). Tensor inputs are computed on the host with
numpy and give new tensors (no autograd through these functions).
"""
from __future__ import annotations

import functools

import enum
import math
import numbers

import numpy as np

from ...utils.data._common import as_numpy, is_tensor
from ...utils.data._common import to_tensor as _wrap


class InterpolationMode(enum.Enum):
    """Mirrors `torchvision.transforms.InterpolationMode` (NEAREST and BILINEAR are implemented)."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _is_pil(img) -> bool:
    return type(img).__module__.startswith("PIL.")


def _unpack(img):
    """(array as ... x C x H x W, a function turning a result back into img's kind)."""
    if is_tensor(img):
        return as_numpy(img), _wrap
    if _is_pil(img):
        from PIL import Image
        a = np.asarray(img)
        back = _unpack(a)[1]
        return (a[None] if a.ndim == 2 else a.transpose(2, 0, 1)), lambda r: Image.fromarray(back(r))
    if isinstance(img, np.ndarray):
        if img.ndim == 2:
            return img[None], lambda r: r[0]
        if img.ndim == 3:
            # a single-channel result is H x W, as PIL's mode "L"
            return img.transpose(2, 0, 1), lambda r: r[0] if r.shape[0] == 1 else np.ascontiguousarray(
                r.transpose(1, 2, 0))
        raise ValueError(f"pic should be 2/3 dimensional. Got {img.ndim} dimensions.")
    raise TypeError(f"img should be PIL Image or Tensor or ndarray. Got {type(img)}")


def get_dimensions(img) -> list:
    """Mirrors `F.get_dimensions`: [channels, height, width]."""
    a, _ = _unpack(img)
    return [a.shape[-3] if a.ndim >= 3 else 1, a.shape[-2], a.shape[-1]]


def get_image_size(img) -> list:
    """Mirrors `F.get_image_size`: [width, height]."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img) -> int:
    return get_dimensions(img)[0]


def to_tensor(pic):
    """Mirrors `F.to_tensor`: H x W (x C) uint8 -> C x H x W float32 in [0, 1]; other dtypes keep theirs."""
    if is_tensor(pic):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    a = np.asarray(pic) if _is_pil(pic) else pic
    if not isinstance(a, np.ndarray):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if a.ndim not in (2, 3):
        raise ValueError(f"pic should be 2/3 dimensional. Got {a.ndim} dimensions.")
    a = (a[:, :, None] if a.ndim == 2 else a).transpose(2, 0, 1)
    if a.dtype == np.uint8:
        a = np.divide(a, np.float32(255), dtype=np.float32)
    elif a.dtype == np.bool_:
        a = a.astype(np.uint8)
    return _wrap(np.ascontiguousarray(a))


def pil_to_tensor(pic):
    """Mirrors `F.pil_to_tensor`: the image's values as a C x H x W tensor of the same dtype."""
    if is_tensor(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    a = np.asarray(pic)
    a = (a[:, :, None] if a.ndim == 2 else a).transpose(2, 0, 1)
    return _wrap(np.ascontiguousarray(a))


def to_pil_image(pic, mode=None):
    """Mirrors `F.to_pil_image`; gives a uint8 H x W (x C) numpy image (a PIL Image if PIL is installed)."""
    if is_tensor(pic):
        a = as_numpy(pic)
        if a.ndim == 2:
            a = a[None]
        if a.ndim != 3:
            raise ValueError(f"pic should be 2/3 dimensional. Got {a.ndim} dimensions.")
        if a.dtype.kind == "f" and mode != "F":
            a = (a * 255).astype(np.uint8)
        a = a.transpose(1, 2, 0)
    else:
        a = np.asarray(pic)
        if a.ndim == 2:
            a = a[:, :, None]
    a = np.ascontiguousarray(a[:, :, 0] if a.shape[2] == 1 else a)
    try:
        from PIL import Image
    except ImportError:
        return a
    return Image.fromarray(a)


def _key(v) -> tuple:
    if isinstance(v, (tuple, list)) and all(isinstance(x, (int, float)) for x in v):
        return tuple(v)
    return tuple(np.ravel(as_numpy(v) if is_tensor(v) else v).tolist())


@functools.lru_cache(maxsize=64)
def _mean_std(mean: tuple, std: tuple, dtype) -> tuple:
    """mean and std as (C, 1, 1) arrays of dtype, made once per transform (std None if it has a zero)."""
    m = np.asarray(mean, dtype=dtype).reshape(-1, 1, 1)
    s = np.asarray(std, dtype=dtype).reshape(-1, 1, 1)
    return m, (None if (s == 0).any() else s)


def normalize(tensor, mean, std, inplace: bool = False):
    """Mirrors `F.normalize`."""
    if not is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    a = as_numpy(tensor)
    if a.dtype.kind != "f":
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if a.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tuple(a.shape)}")
    m, s = _mean_std(_key(mean), _key(std), a.dtype)
    if s is None:
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if inplace and not isinstance(tensor, np.ndarray):
        return tensor.sub_(_wrap(np.broadcast_to(m, m.shape))).div_(_wrap(s))
    out = (a - m) / s
    if inplace:
        tensor[...] = out
        return tensor
    return _wrap(out.astype(a.dtype, copy=False))


def _resample_matrix(n_in: int, n_out: int, mode: InterpolationMode, antialias: bool) -> np.ndarray:
    scale = n_in / n_out
    if mode in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        offset = 0.5 if mode is InterpolationMode.NEAREST_EXACT else 0.0
        src = np.minimum(np.floor((np.arange(n_out) + offset) * scale).astype(np.int64), n_in - 1)
        w = np.zeros((n_out, n_in))
        w[np.arange(n_out), src] = 1.0
        return w
    if mode is not InterpolationMode.BILINEAR:
        raise NotImplementedError(f"torchlike.vision: interpolation {mode} is not implemented (use BILINEAR)")
    support = scale if antialias and scale > 1 else 1.0  # a triangle filter widened when shrinking
    centers = (np.arange(n_out) + 0.5) * scale
    w = np.maximum(0.0, 1.0 - np.abs((np.arange(n_in)[None, :] + 0.5 - centers[:, None]) / support))
    return w / w.sum(axis=1, keepdims=True)


def _output_size(h: int, w: int, size, max_size):
    if isinstance(size, numbers.Number):
        size = [int(size)]
    size = list(size)
    if len(size) != 1:
        return size[0], size[1]
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size[0], int(size[0] * long / short)
    if max_size is not None:
        if max_size <= size[0]:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                             f"smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if w <= h else (new_short, new_long)


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Mirrors `F.resize` (bilinear with PIL's antialiasing filter when shrinking, or nearest)."""
    interpolation = InterpolationMode(interpolation) if isinstance(interpolation, str) else interpolation
    a, back = _unpack(img)
    h, w = a.shape[-2:]
    oh, ow = _output_size(h, w, size, max_size)
    if (oh, ow) == (h, w):
        return img
    wh = _resample_matrix(h, oh, interpolation, antialias)
    ww = _resample_matrix(w, ow, interpolation, antialias)
    out = np.matmul(np.matmul(wh, a.astype(np.float64)), ww.T)
    if a.dtype.kind in "ui":
        info = np.iinfo(a.dtype)
        out = np.clip(np.floor(out + 0.5), info.min, info.max)
    return back(out.astype(a.dtype))


def crop(img, top: int, left: int, height: int, width: int):
    """Mirrors `F.crop`: the region outside the image is zero."""
    a, back = _unpack(img)
    h, w = a.shape[-2:]
    if top < 0 or left < 0 or top + height > h or left + width > w:
        pads = [max(-left, 0), max(-top, 0), max(left + width - w, 0), max(top + height - h, 0)]
        a = _pad_array(a, pads, 0, "constant")
        top, left = top + pads[1], left + pads[0]
    return back(a[..., top:top + height, left:left + width].copy())


def _pair(size, name="size"):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if len(size) == 1:
        return int(size[0]), int(size[0])
    if len(size) != 2:
        raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")
    return int(size[0]), int(size[1])


def center_crop(img, output_size):
    """Mirrors `F.center_crop`."""
    th, tw = _pair(output_size)
    _, h, w = get_dimensions(img)
    if tw > w or th > h:
        img = pad(img, [(tw - w) // 2 if tw > w else 0, (th - h) // 2 if th > h else 0,
                        (tw - w + 1) // 2 if tw > w else 0, (th - h + 1) // 2 if th > h else 0])
        _, h, w = get_dimensions(img)
        if (th, tw) == (h, w):
            return img
    return crop(img, round((h - th) / 2.0), round((w - tw) / 2.0), th, tw)


def _parse_padding(padding):
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")


def _pad_array(a, ltrb, fill, mode):
    left, top, right, bottom = ltrb
    widths = [(0, 0)] * (a.ndim - 2) + [(top, bottom), (left, right)]
    if mode == "constant":
        if isinstance(fill, (tuple, list)):
            chans = [np.pad(a[..., c:c + 1, :, :], widths, constant_values=fill[c]) for c in range(a.shape[-3])]
            return np.concatenate(chans, axis=-3)
        return np.pad(a, widths, mode="constant", constant_values=fill)
    return np.pad(a, widths, mode=mode)


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    """Mirrors `F.pad` (non-negative padding)."""
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    ltrb = _parse_padding(padding)
    if min(ltrb) < 0:
        raise NotImplementedError("torchlike.vision: negative padding is not implemented")
    a, back = _unpack(img)
    return back(_pad_array(a, ltrb, 0 if fill is None else fill, padding_mode))


def hflip(img):
    """Mirrors `F.hflip`."""
    a, back = _unpack(img)
    return back(a[..., ::-1].copy())


def vflip(img):
    """Mirrors `F.vflip`."""
    a, back = _unpack(img)
    return back(a[..., ::-1, :].copy())


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """Mirrors `F.resized_crop`."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def _gray(a: np.ndarray, pil: bool) -> np.ndarray:
    if a.shape[-3] == 1:
        return a
    if pil and a.dtype == np.uint8:
        r, g, b = (a[..., i, :, :].astype(np.int64) for i in range(3))
        return ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16).astype(np.uint8)[..., None, :, :]
    r, g, b = (a[..., i, :, :].astype(np.float32) for i in range(3))
    return (np.float32(0.2989) * r + np.float32(0.587) * g + np.float32(0.114) * b).astype(a.dtype)[..., None, :, :]


def rgb_to_grayscale(img, num_output_channels: int = 1):
    """Mirrors `F.rgb_to_grayscale`: PIL's integer luma for images, 0.2989 R + 0.587 G + 0.114 B for tensors."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    a, back = _unpack(img)
    g = _gray(a, not is_tensor(img))
    if num_output_channels == 3:
        g = np.concatenate([g] * 3, axis=-3)
    return back(np.ascontiguousarray(g))


to_grayscale = rgb_to_grayscale


def convert_image_dtype(image, dtype=None):
    """Mirrors `F.convert_image_dtype`."""
    if not is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    a = as_numpy(image)
    target = np.dtype(getattr(dtype, "np", dtype)) if dtype is not None else np.dtype(np.float32)
    if a.dtype == target:
        return image
    if a.dtype.kind == "f":
        if target.kind == "f":
            return _wrap(a.astype(target))
        if (a.dtype == np.float32 and target in (np.int32, np.int64)) or (a.dtype == np.float64 and target == np.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        return _wrap((a * (float(np.iinfo(target).max) + 1.0 - 1e-3)).astype(target))
    in_max = float(np.iinfo(a.dtype).max)
    if target.kind == "f":
        return _wrap((a.astype(target) / target.type(in_max)).astype(target))
    out_max = float(np.iinfo(target).max)
    if in_max > out_max:
        return _wrap((a // int((in_max + 1) // (out_max + 1))).astype(target))
    return _wrap(a.astype(target) * int((out_max + 1) // (in_max + 1)))


def _blend(a, b, ratio: float):
    bound = 1.0 if a.dtype.kind == "f" else float(np.iinfo(a.dtype).max)
    out = np.clip(ratio * a.astype(np.float32) + (1.0 - ratio) * b, 0, bound)
    return out.astype(a.dtype) if a.dtype.kind == "f" else np.floor(out + 0.5).astype(a.dtype)


def adjust_brightness(img, brightness_factor: float):
    """Mirrors `F.adjust_brightness`."""
    a, back = _unpack(img)
    return back(_blend(a, 0.0, brightness_factor))


def adjust_contrast(img, contrast_factor: float):
    """Mirrors `F.adjust_contrast`: blends with the mean of the grayscale image."""
    a, back = _unpack(img)
    g = _gray(a, not is_tensor(img)).astype(np.float32)
    mean = g.mean(axis=(-3, -2, -1), keepdims=True)
    if not is_tensor(img):
        mean = np.floor(mean + 0.5)  # PIL's ImageEnhance uses the rounded integer mean
    return back(_blend(a, mean, contrast_factor))


def adjust_saturation(img, saturation_factor: float):
    """Mirrors `F.adjust_saturation`: blends with the grayscale image."""
    a, back = _unpack(img)
    return back(_blend(a, _gray(a, not is_tensor(img)).astype(np.float32), saturation_factor))


def _check_finite(x, name):
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite")
