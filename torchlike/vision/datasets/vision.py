"""VisionDataset. Mirrors `torchvision.datasets.VisionDataset`."""
from __future__ import annotations

import os

from ...utils.data.dataset import Dataset


class StandardTransform:
    def __init__(self, transform=None, target_transform=None):
        self.transform, self.target_transform = transform, target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def __repr__(self):
        body = [self.__class__.__name__]
        for name, t in (("Transform", self.transform), ("Target transform", self.target_transform)):
            if t is not None:
                lines = repr(t).splitlines()
                body += [f"{name}: {lines[0]}"] + [" " * (len(name) + 2) + line for line in lines[1:]]
        return "\n".join(body)


class VisionDataset(Dataset):
    """Mirrors `torchvision.datasets.VisionDataset`.

    Images are uint8 numpy arrays (H x W, or H x W x C) where torchvision gives PIL Images;
    torchlike's transforms accept both.
    """

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        self.root = os.path.expanduser(root) if isinstance(root, str) else root
        has_separate = transform is not None or target_transform is not None
        if transforms is not None and has_separate:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform, self.target_transform = transform, target_transform
        self.transforms = StandardTransform(transform, target_transform) if has_separate else transforms

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return ""

    def __repr__(self):
        head = "Dataset " + self.__class__.__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            body += repr(self.transforms).splitlines()
        return "\n".join([head] + [" " * self._repr_indent + line for line in body])
