"""MNIST-style datasets (idx files). Mirrors `torchvision.datasets.MNIST`, `FashionMNIST`, `KMNIST`."""
from __future__ import annotations

import gzip
import os
import sys

import numpy as np

from ...utils.data._common import to_tensor
from .utils import check_integrity, download_and_extract_archive
from .vision import _SplitDataset

_IDX_DTYPES = {8: np.uint8, 9: np.int8, 11: np.dtype(">i2"), 12: np.dtype(">i4"), 13: np.dtype(">f4"),
               14: np.dtype(">f8")}


def _open_idx(path: str):
    """(array, from_file): a memory map of an uncompressed idx file, or the decompressed array of a .gz."""
    if os.path.exists(path):
        with open(path, "rb") as f:
            header = f.read(4)
            ndim = header[3]
            shape = tuple(int.from_bytes(f.read(4), "big") for _ in range(ndim))
        return np.memmap(path, dtype=_IDX_DTYPES[header[2]], mode="r", offset=4 + 4 * ndim, shape=shape), True
    with gzip.open(path + ".gz", "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    arr = np.frombuffer(data, dtype=_IDX_DTYPES[data[2]], offset=4 + 4 * ndim).reshape(shape)
    return arr, False


def _idx_resources(*md5s: str) -> tuple:
    """(file name, md5) of the four gzipped idx files every MNIST-style dataset has, in this order."""
    names = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz")
    return tuple(zip(names, md5s))


def read_image_file(path: str) -> np.ndarray:
    return np.asarray(_open_idx(path)[0])


def read_label_file(path: str) -> np.ndarray:
    return np.asarray(_open_idx(path)[0]).astype(np.int64)


class MNIST(_SplitDataset):
    """Mirrors `torchvision.datasets.MNIST`.

    Reads root/<ClassName>/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte (or the .gz files).
    Items are (uint8 numpy H x W image, int label) where torchvision gives a PIL Image.
    `data` and `targets` are tensors as in torchvision.
    """

    mirrors = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")
    resources = _idx_resources("f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                               "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c")
    classes = ("0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine")

    def __init__(self, root, train: bool = True, transform=None, target_transform=None, download: bool = False):
        super().__init__(root, train, transform, target_transform, download)
        self._load()

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def class_to_idx(self) -> dict:
        return {c: i for i, c in enumerate(self.classes)}

    def _files(self):
        prefix = "train" if self.train else "t10k"
        return (os.path.join(self.raw_folder, f"{prefix}-images-idx3-ubyte"),
                os.path.join(self.raw_folder, f"{prefix}-labels-idx1-ubyte"))

    def _check_exists(self) -> bool:
        return all(check_integrity(os.path.join(self.raw_folder, os.path.splitext(os.path.basename(url))[0]))
                   or check_integrity(os.path.join(self.raw_folder, os.path.basename(url)))
                   for url, _ in self.resources)

    def _files_found(self) -> bool:
        return self._check_exists()

    def _load(self) -> None:
        images, labels = self._files()
        self._images, self._mapped = _open_idx(images)
        self._labels = np.asarray(_open_idx(labels)[0]).astype(np.int64)

    def __getstate__(self):
        state = dict(self.__dict__)
        if state.pop("_mapped", False):
            del state["_images"]  # re-mapped from the file on the other side, not copied through the pipe
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "_images" not in state:
            self._images, self._mapped = _open_idx(self._files()[0])

    @property
    def data(self):
        return to_tensor(np.asarray(self._images))

    @property
    def targets(self):
        return to_tensor(self._labels)

    train_labels = test_labels = targets  # the names torchvision kept from its early releases

    def __getitem__(self, index: int):
        return self._transformed(np.array(self._images[index]), int(self._labels[index]))

    def __len__(self) -> int:
        return len(self._labels)

    def download(self) -> None:
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                try:
                    download_and_extract_archive(mirror + filename, self.raw_folder, filename=filename, md5=md5)
                    break
                except RuntimeError as e:
                    errors.append(str(e))
                    print(f"Failed to download (trying next):\n{e}", file=sys.stderr)
            else:
                raise RuntimeError(f"Error downloading {filename}:\n" + "\n".join(errors))


class FashionMNIST(MNIST):
    """Mirrors `torchvision.datasets.FashionMNIST`."""

    mirrors = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
    resources = _idx_resources("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                               "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310")
    classes = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot")


class KMNIST(MNIST):
    """Mirrors `torchvision.datasets.KMNIST`."""

    mirrors = ("http://codh.rois.ac.jp/kmnist/dataset/kmnist/",)
    resources = _idx_resources("bdb82020997e1d708af4cf47b453dcf7", "e144d726b3acfaa3e44228e80efcd344",
                               "5c965bf0a639b31b8f53240b1b52f4d7", "7320c461ea6c1c855c0b718fb2a4b134")
    classes = ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo")
