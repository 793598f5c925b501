"""MNIST read from torchvision's raw layout (root/MNIST/raw/*-idx?-ubyte)."""
import os

import numpy as np
import torch


def _idx(path: str) -> np.ndarray:
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class MNIST(torch.utils.data.Dataset):
    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        raw = os.path.join(root, "MNIST", "raw")
        split = "train" if train else "t10k"
        self.data = torch.from_numpy(_idx(os.path.join(raw, f"{split}-images-idx3-ubyte")).copy())
        self.targets = torch.from_numpy(_idx(os.path.join(raw, f"{split}-labels-idx1-ubyte")).astype(np.int64))
        self.transform, self.target_transform = transform, target_transform

    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)
