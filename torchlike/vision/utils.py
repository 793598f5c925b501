"""make_grid and save_image. Mirrors `torchvision.utils` (PNG written with zlib, no PIL)."""
from __future__ import annotations

import math
import struct
import zlib

import numpy as np

from ..utils.data._common import as_numpy, is_tensor, to_tensor

__all__ = ["make_grid", "save_image", "write_png"]


def _grid_array(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    if isinstance(tensor, (list, tuple)):
        a = np.stack([as_numpy(t) for t in tensor])
    elif is_tensor(tensor):
        a = as_numpy(tensor)
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if a.ndim == 2:
        a = a[None]
    if a.ndim == 3:
        a = np.concatenate([a] * 3) if a.shape[0] == 1 else a
        a = a[None]
    if a.ndim == 4 and a.shape[1] == 1:
        a = np.concatenate([a] * 3, axis=1)
    a = a.copy()
    if normalize:
        def norm(x, lo, hi):
            np.clip(x, lo, hi, out=x)
            x -= lo
            x /= max(hi - lo, 1e-5)

        if scale_each:
            for x in a:
                norm(x, *(value_range or (float(x.min()), float(x.max()))))
        else:
            norm(a, *(value_range or (float(a.min()), float(a.max()))))
    if a.shape[0] == 1:
        return a[0]
    nmaps = a.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = math.ceil(nmaps / xmaps)
    height, width = a.shape[2] + padding, a.shape[3] + padding
    grid = np.full((a.shape[1], height * ymaps + padding, width * xmaps + padding), pad_value, dtype=a.dtype)
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        grid[:, y * height + padding:(y + 1) * height, x * width + padding:(x + 1) * width] = a[k]
    return grid


def make_grid(tensor, nrow: int = 8, padding: int = 2, normalize: bool = False, value_range=None,
              scale_each: bool = False, pad_value: float = 0.0):
    """Mirrors `torchvision.utils.make_grid` (computed on the host; not differentiable)."""
    return to_tensor(_grid_array(tensor, nrow, padding, normalize, value_range, scale_each, pad_value))


def write_png(path_or_file, image: np.ndarray) -> None:
    """Write a uint8 H x W (gray), H x W x 3 (RGB) or H x W x 4 (RGBA) array as a PNG file."""
    image = np.ascontiguousarray(image, dtype=np.uint8)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    h, w = image.shape[:2]
    color = 0 if image.ndim == 2 else {2: 4, 3: 2, 4: 6}[image.shape[2]]  # PNG colour types
    raw = b"".join(b"\x00" + image[y].tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    if hasattr(path_or_file, "write"):
        path_or_file.write(png)
    else:
        with open(path_or_file, "wb") as f:
            f.write(png)


def save_image(tensor, fp, format=None, **kwargs) -> None:
    """Mirrors `torchvision.utils.save_image` (PNG only)."""
    if format is not None and format.lower() != "png":
        raise NotImplementedError(f"torchlike.vision.utils.save_image writes PNG only, not {format}")
    grid = _grid_array(tensor, **kwargs)
    if grid.ndim == 2:
        grid = grid[None]
    arr = np.clip(grid.astype(np.float32) * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    write_png(fp, arr)
