"""VisionDataset. Mirrors `torchvision.datasets.VisionDataset`."""
from __future__ import annotations

import os

from ...utils.data.dataset import Dataset


def _apply_transforms(transform, target_transform, input, target):
    """(input, target) through the transforms that are set; None leaves its side as it is."""
    if transform is not None:
        input = transform(input)
    if target_transform is not None:
        target = target_transform(target)
    return input, target


class StandardTransform:
    def __init__(self, transform=None, target_transform=None):
        self.transform, self.target_transform = transform, target_transform

    def __call__(self, input, target):
        return _apply_transforms(self.transform, self.target_transform, input, target)

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

    def _transformed(self, img, target):
        """An item as `__getitem__` returns it: through `transform` and `target_transform`."""
        return _apply_transforms(self.transform, self.target_transform, img, target)

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


class _SplitDataset(VisionDataset):
    """A dataset of files under `root` in a train and a test split (`train`), which `download()` fetches
    when asked: the shared start of CIFAR and the MNIST family."""

    _not_found = "Dataset not found. You can use download=True to download it"

    def __init__(self, root, train: bool = True, transform=None, target_transform=None, download: bool = False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._files_found():
            raise RuntimeError(self._not_found)

    def _files_found(self) -> bool:
        raise NotImplementedError

    def download(self) -> None:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"
