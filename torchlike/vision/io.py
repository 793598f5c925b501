"""Mirrors `torchvision.io` for images: files as uint8 byte tensors, and decoding/encoding through
Pillow (which torchvision's datasets use too). Tensors are uint8 (C, H, W) as torchvision's.
Video reading and writing raise `NotImplementedError`.
"""
import enum
import io as _io

import numpy as np

__all__ = ["ImageReadMode", "decode_image", "decode_jpeg", "decode_png", "encode_jpeg", "encode_png", "read_file",
           "read_image", "write_file", "write_jpeg", "write_png"]


class ImageReadMode(enum.Enum):
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = 4


_PIL_MODES = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
              ImageReadMode.RGB_ALPHA: "RGBA"}


def _torch():
    import torchlike
    return torchlike


def read_file(path) -> "object":
    """The file's bytes as a 1-d uint8 tensor."""
    with open(path, "rb") as f:
        data = f.read()
    return _torch().tensor(np.frombuffer(data, np.uint8).copy())


def write_file(filename, data) -> None:
    with open(filename, "wb") as f:
        f.write(np.asarray(data.numpy(), np.uint8).tobytes())


def _image():
    try:
        from PIL import Image, ImageOps
    except ImportError as e:
        raise ImportError("torchlike.vision.io decodes and encodes images with Pillow: pip install pillow") from e
    return Image, ImageOps


def decode_image(input, mode: ImageReadMode = ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False):
    """An encoded image (a path or a 1-d uint8 tensor of its bytes) as a uint8 (C, H, W) tensor."""
    torch = _torch()
    if isinstance(input, str):
        input = read_file(input)
    if not isinstance(input, torch.Tensor) or input.dtype != torch.uint8 or input.ndim != 1:
        raise RuntimeError("Expected a 1-d uint8 tensor of encoded image bytes")
    Image, ImageOps = _image()
    img = Image.open(_io.BytesIO(np.asarray(input.numpy()).tobytes()))
    if apply_exif_orientation:
        img = ImageOps.exif_transpose(img)
    if mode != ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODES[mode])
    elif img.mode not in ("L", "LA", "RGB", "RGBA"):
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    a = np.asarray(img, np.uint8)
    a = a[:, :, None] if a.ndim == 2 else a
    return torch.tensor(np.ascontiguousarray(a.transpose(2, 0, 1)))


decode_jpeg = decode_png = decode_image


def read_image(path: str, mode: ImageReadMode = ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False):
    """Mirrors `torchvision.io.read_image`: the image file as a uint8 (C, H, W) tensor."""
    return decode_image(read_file(path), mode, apply_exif_orientation)


def _encode(image, fmt: str, **options):
    torch = _torch()
    if not isinstance(image, torch.Tensor) or image.dtype != torch.uint8 or image.ndim != 3 or image.shape[0] not in (1, 3):
        raise RuntimeError(f"Input tensor for {fmt} encoding must be a uint8 (C, H, W) tensor with 1 or 3 channels")
    Image, _ = _image()
    a = np.asarray(image.numpy()).transpose(1, 2, 0)
    buf = _io.BytesIO()
    Image.fromarray(a[:, :, 0] if a.shape[2] == 1 else a).save(buf, format=fmt, **options)
    return torch.tensor(np.frombuffer(buf.getvalue(), np.uint8).copy())


def encode_png(input, compression_level: int = 6):
    return _encode(input, "PNG", compress_level=compression_level)


def encode_jpeg(input, quality: int = 75):
    return _encode(input, "JPEG", quality=quality)


def write_png(input, filename: str, compression_level: int = 6) -> None:
    write_file(filename, encode_png(input, compression_level))


def write_jpeg(input, filename: str, quality: int = 75) -> None:
    write_file(filename, encode_jpeg(input, quality))


def read_video(*args, **kwargs):
    raise NotImplementedError("torchlike.vision.io: video reading (read_video) is not supported")


write_video = read_video_timestamps = read_video
