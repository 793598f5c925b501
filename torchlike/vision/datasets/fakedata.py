"""FakeData. Mirrors `torchvision.datasets.FakeData`."""
from __future__ import annotations

import numpy as np

from .vision import VisionDataset


class FakeData(VisionDataset):
    """Mirrors `torchvision.datasets.FakeData`: item i is a random uint8 image (H x W x C numpy) and label.

    Each item is generated from a numpy Generator seeded by `index + random_offset`, so values are
    stable run to run (they are not torchvision's, which come from torch's generator).
    """

    def __init__(self, size: int = 1000, image_size=(3, 224, 224), num_classes: int = 10, transform=None,
                 target_transform=None, random_offset: int = 0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.num_classes, self.image_size, self.random_offset = size, num_classes, image_size, random_offset

    def __getitem__(self, index: int):
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        rng = np.random.default_rng(index + self.random_offset)
        c, h, w = self.image_size
        img = (np.clip(rng.standard_normal((h, w, c)), 0, 1) * 255).astype(np.uint8)
        img = img[:, :, 0] if c == 1 else img
        return self._transformed(img, int(rng.integers(0, self.num_classes)))

    def __len__(self) -> int:
        return self.size
