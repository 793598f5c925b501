"""Transform classes. Mirrors `torchvision.transforms` (see `functional` for the image formats).

Random transforms draw from a numpy Generator: seeded per worker inside DataLoader workers, and
from torchlike's initial seed in the main process.
"""
from __future__ import annotations

import math
import numbers

from ...utils.data._common import apply_steps, transform_rng
from . import functional as F
from .functional import InterpolationMode, _pair

__all__ = [
    "CenterCrop",
    "ColorJitter",
    "Compose",
    "ConvertImageDtype",
    "Grayscale",
    "InterpolationMode",
    "Lambda",
    "Normalize",
    "PILToTensor",
    "Pad",
    "RandomApply",
    "RandomChoice",
    "RandomCrop",
    "RandomGrayscale",
    "RandomHorizontalFlip",
    "RandomOrder",
    "RandomResizedCrop",
    "RandomVerticalFlip",
    "Resize",
    "ToPILImage",
    "ToTensor",
]


def _rand() -> float:
    return float(transform_rng().random())


def _randint(low: int, high: int) -> int:
    return int(transform_rng().integers(low, high))


class Compose:
    """Mirrors `torchvision.transforms.Compose`."""

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        return apply_steps(self.transforms, img)  # torchlike's own steps on the host: one device copy

    def __repr__(self):
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}({body}\n)"


class _Simple:
    """torchvision's repr of a transform: `Name(field=value, ...)` over the fields it names."""
    _repr_fields: tuple[str, ...] = ()

    def __repr__(self):
        fields = ", ".join(f"{name}={getattr(self, name)}" for name in self._repr_fields)
        return f"{self.__class__.__name__}({fields})"


class ToTensor(_Simple):
    """Mirrors `torchvision.transforms.ToTensor`."""

    def __call__(self, pic):
        return F.to_tensor(pic)


class PILToTensor(_Simple):
    """Mirrors `torchvision.transforms.PILToTensor`."""

    def __call__(self, pic):
        return F.pil_to_tensor(pic)


class ToPILImage:
    """Mirrors `torchvision.transforms.ToPILImage` (a numpy image without PIL)."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        return f"{self.__class__.__name__}(mode={self.mode})" if self.mode else f"{self.__class__.__name__}()"


class Normalize(_Simple):
    """Mirrors `torchvision.transforms.Normalize`."""
    _repr_fields = ("mean", "std")

    def __init__(self, mean, std, inplace: bool = False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)


class Resize:
    """Mirrors `torchvision.transforms.Resize`."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        if not isinstance(size, (int, list, tuple)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, (list, tuple)) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size, self.interpolation, self.max_size, self.antialias = size, interpolation, max_size, antialias

    def __call__(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias})")


class CenterCrop(_Simple):
    """Mirrors `torchvision.transforms.CenterCrop`."""
    _repr_fields = ("size",)

    def __init__(self, size):
        self.size = _pair(size)

    def __call__(self, img):
        return F.center_crop(img, self.size)


class Pad(_Simple):
    """Mirrors `torchvision.transforms.Pad`."""
    _repr_fields = ("padding", "fill", "padding_mode")

    def __init__(self, padding, fill=0, padding_mode: str = "constant"):
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def __call__(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)


class RandomCrop(_Simple):
    """Mirrors `torchvision.transforms.RandomCrop`."""
    _repr_fields = ("size", "padding")

    def __init__(self, size, padding=None, pad_if_needed: bool = False, fill=0, padding_mode: str = "constant"):
        self.size = _pair(size)
        self.padding, self.pad_if_needed, self.fill, self.padding_mode = padding, pad_if_needed, fill, padding_mode

    @staticmethod
    def get_params(img, output_size):
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        return _randint(0, h - th + 1), _randint(0, w - tw + 1), th, tw

    def __call__(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, h, w = F.get_dimensions(img)
        if self.pad_if_needed and w < self.size[1]:
            img = F.pad(img, [self.size[1] - w, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and h < self.size[0]:
            img = F.pad(img, [0, self.size[0] - h], self.fill, self.padding_mode)
        return F.crop(img, *self.get_params(img, self.size))


class RandomHorizontalFlip(_Simple):
    """Mirrors `torchvision.transforms.RandomHorizontalFlip`."""
    _repr_fields = ("p",)

    def __init__(self, p: float = 0.5):
        self.p = p

    def __call__(self, img):
        return F.hflip(img) if _rand() < self.p else img


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirrors `torchvision.transforms.RandomVerticalFlip`."""

    def __call__(self, img):
        return F.vflip(img) if _rand() < self.p else img


class Lambda(_Simple):
    """Mirrors `torchvision.transforms.Lambda`."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)


class ConvertImageDtype:
    """Mirrors `torchvision.transforms.ConvertImageDtype`."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __call__(self, image):
        return F.convert_image_dtype(image, self.dtype)


class Grayscale(_Simple):
    """Mirrors `torchvision.transforms.Grayscale`."""
    _repr_fields = ("num_output_channels",)

    def __init__(self, num_output_channels: int = 1):
        self.num_output_channels = num_output_channels

    def __call__(self, img):
        return F.rgb_to_grayscale(img, self.num_output_channels)


class RandomGrayscale:
    """Mirrors `torchvision.transforms.RandomGrayscale`."""

    def __init__(self, p: float = 0.1):
        self.p = p

    def __call__(self, img):
        c = F.get_dimensions(img)[0]
        return F.rgb_to_grayscale(img, c) if _rand() < self.p else img


class RandomResizedCrop:
    """Mirrors `torchvision.transforms.RandomResizedCrop`."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        self.size = _pair(size)
        self.scale, self.ratio, self.interpolation, self.antialias = scale, ratio, interpolation, antialias

    @staticmethod
    def get_params(img, scale, ratio):
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        rng = transform_rng()
        for _ in range(10):
            target_area = area * float(rng.uniform(scale[0], scale[1]))
            aspect = math.exp(float(rng.uniform(log_ratio[0], log_ratio[1])))
            w = round(math.sqrt(target_area * aspect))
            h = round(math.sqrt(target_area / aspect))
            if 0 < w <= width and 0 < h <= height:
                return _randint(0, height - h + 1), _randint(0, width - w + 1), h, w
        in_ratio = width / height
        if in_ratio < min(ratio):
            w, h = width, round(width / min(ratio))
        elif in_ratio > max(ratio):
            h, w = height, round(height * max(ratio))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def __call__(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation, antialias=self.antialias)


class ColorJitter:
    """Mirrors `torchvision.transforms.ColorJitter` (brightness, contrast, saturation; hue raises)."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        self.brightness = self._range(brightness, "brightness")
        self.contrast = self._range(contrast, "contrast")
        self.saturation = self._range(saturation, "saturation")
        if hue:
            raise NotImplementedError("torchlike.vision: ColorJitter(hue=...) is not implemented")
        self.hue = None

    @staticmethod
    def _range(value, name):
        if isinstance(value, numbers.Number):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [1 - value, 1 + value]
            value[0] = max(value[0], 0.0)
        return None if value[0] == value[1] == 1 else (float(value[0]), float(value[1]))

    def __call__(self, img):
        rng = transform_rng()
        ops = [(self.brightness, F.adjust_brightness), (self.contrast, F.adjust_contrast),
               (self.saturation, F.adjust_saturation)]
        for k in rng.permutation(3).tolist():
            bounds, fn = ops[k]
            if bounds is not None:
                img = fn(img, float(rng.uniform(bounds[0], bounds[1])))
        return img


class RandomApply:
    """Mirrors `torchvision.transforms.RandomApply`."""

    def __init__(self, transforms, p: float = 0.5):
        self.transforms, self.p = transforms, p

    def __call__(self, img):
        if self.p < _rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img


class RandomChoice:
    """Mirrors `torchvision.transforms.RandomChoice`."""

    def __init__(self, transforms, p=None):
        self.transforms, self.p = transforms, p

    def __call__(self, *args):
        p = None if self.p is None else [x / sum(self.p) for x in self.p]
        return self.transforms[int(transform_rng().choice(len(self.transforms), p=p))](*args)


class RandomOrder:
    """Mirrors `torchvision.transforms.RandomOrder`."""

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for i in transform_rng().permutation(len(self.transforms)).tolist():
            img = self.transforms[i](img)
        return img
