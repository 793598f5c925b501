"""torchlike.vision: datasets (MNIST from ../shared/data), transforms against known values, utils."""
import os
import pickle
import time
import zlib

import numpy as np
import pytest

import torchlike
from torchlike.utils.data import DataLoader
from torchlike.vision import datasets, utils
from torchlike.vision import transforms as T
from torchlike.vision.transforms import functional as F

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data")
RAW = os.path.join(DATA, "MNIST", "raw")


def _raw_first():
    with open(os.path.join(RAW, "train-images-idx3-ubyte"), "rb") as f:
        f.seek(16)
        img = np.frombuffer(f.read(784), np.uint8).reshape(28, 28)
    with open(os.path.join(RAW, "train-labels-idx1-ubyte"), "rb") as f:
        f.seek(8)
        label = f.read(1)[0]
    return img, label


def test_mnist_items_match_raw_file():
    ds = datasets.MNIST(root=DATA, train=True, transform=T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))]))
    assert len(ds) == 60000 and len(datasets.MNIST(root=DATA, train=False)) == 10000
    img, label = _raw_first()
    x, y = ds[0]
    assert y == label and x.shape == (1, 28, 28) and x.dtype == torchlike.float32
    np.testing.assert_allclose(x.numpy()[0], (img / 255.0 - 0.5) / 0.5, rtol=1e-6, atol=1e-6)
    raw_img, raw_label = datasets.MNIST(root=DATA)[0]
    assert raw_img.dtype == np.uint8 and (raw_img == img).all() and raw_label == label
    assert ds.data.shape == (60000, 28, 28) and ds.targets[0].item() == label
    assert len(pickle.dumps(ds)) < 1_000_000  # the images are re-mapped from the file, not pickled


def test_mnist_epoch_with_workers():
    ds = datasets.MNIST(root=DATA, train=True, transform=T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))]))
    t0 = time.perf_counter()
    n, labels = 0, []
    for x, y in DataLoader(ds, batch_size=100, shuffle=True, num_workers=2):
        assert x.shape == (100, 1, 28, 28) and x.dtype == torchlike.float32
        assert y.shape == (100,) and y.dtype == torchlike.int64
        n += 1
        labels.append(y.numpy())
    print(f"MNIST epoch, batch 100, 2 workers: {time.perf_counter() - t0:.2f} s")
    assert n == 600
    counts = np.bincount(np.concatenate(labels), minlength=10)
    assert (counts == np.bincount(ds.targets.numpy(), minlength=10)).all()  # every sample exactly once


def test_missing_datasets_errors(tmp_path):
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        datasets.MNIST(root=str(tmp_path), download=False)
    with pytest.raises(RuntimeError,
                       match="^Dataset not found or corrupted. You can use download=True to download it$"):
        datasets.CIFAR10(root=str(tmp_path), train=True, download=False)


def test_cifar10_layout(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    data = rng.integers(0, 256, (4, 3072), dtype=np.uint8)
    for name, _ in datasets.CIFAR10.train_list + datasets.CIFAR10.test_list:
        (folder / name).write_bytes(pickle.dumps({"data": data, "labels": [1, 2, 3, 4]}))
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": list("abcdefghij")}))
    ds = datasets.CIFAR10.__new__(datasets.CIFAR10)
    ds._check_integrity = lambda: True  # the md5 sums are those of the real files
    datasets.CIFAR10.__init__(ds, root=str(tmp_path), train=False)
    img, label = ds[2]
    assert img.shape == (32, 32, 3) and label == 3 and ds.classes[0] == "a"
    assert (img[:, :, 1] == data[2, 1024:2048].reshape(32, 32)).all()


def test_fakedata_deterministic():
    a, b = datasets.FakeData(size=3, image_size=(3, 8, 6)), datasets.FakeData(size=3, image_size=(3, 8, 6))
    assert a[1][0].shape == (8, 6, 3) and (a[1][0] == b[1][0]).all() and a[1][1] == b[1][1]
    with pytest.raises(IndexError):
        a[3]


IMG = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)


def test_to_tensor_and_pil_to_tensor():
    t = T.ToTensor()(IMG)
    assert t.shape == (3, 4, 6) and t.dtype == torchlike.float32
    np.testing.assert_allclose(t.numpy(), IMG.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    assert T.ToTensor()(IMG[:, :, 0]).shape == (1, 4, 6)
    assert T.ToTensor()(IMG.astype(np.float64)).dtype == torchlike.float64  # non-uint8 keeps its values
    p = T.PILToTensor()(IMG)
    assert p.dtype == torchlike.uint8 and p.numpy()[2, 1, 5] == IMG[1, 5, 2]
    back = T.ToPILImage()(t)
    assert back.shape == (4, 6, 3) and (back == IMG).all()


def test_normalize():
    x = torchlike.from_numpy(np.ones((2, 2, 2), np.float32))
    out = T.Normalize((0.5, 0.25), (0.5, 0.25))(x)
    assert out.numpy()[:, 0, 0].tolist() == [1.0, 3.0] and x.numpy()[0, 0, 0] == 1.0
    T.Normalize((1.0, 1.0), (2.0, 2.0), inplace=True)(x)
    assert x.numpy()[0, 0, 0] == 0.0
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        T.Normalize((0.5,), (0.5,))(torchlike.from_numpy(np.ones((1, 2, 2), np.uint8)))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize((0.5,), (0.0,))(torchlike.from_numpy(np.ones((1, 2, 2), np.float32)))


def test_geometry():
    assert F.hflip(IMG)[0, 0].tolist() == IMG[0, 5].tolist()
    assert F.vflip(IMG)[0, 0].tolist() == IMG[3, 0].tolist()
    c = T.CenterCrop(2)(IMG)  # top = round((4-2)/2) = 1, left = round((6-2)/2) = 2
    assert (c == IMG[1:3, 2:4]).all()
    p = T.Pad((1, 2))(IMG)
    assert p.shape == (8, 8, 3) and p[0].sum() == 0 and (p[2:6, 1:7] == IMG).all()
    assert T.Pad(1, padding_mode="edge")(IMG)[0, 0].tolist() == IMG[0, 0].tolist()
    assert T.Pad(1, padding_mode="reflect")(IMG)[0, 0].tolist() == IMG[1, 1].tolist()
    r = T.RandomCrop(4, padding=2)(IMG)
    assert r.shape == (4, 4, 3)
    t = torchlike.from_numpy(IMG.transpose(2, 0, 1).copy())
    assert T.RandomHorizontalFlip(p=1.0)(t).numpy()[0, 0, 0] == IMG[0, 5, 0]
    assert (T.RandomVerticalFlip(p=0.0)(t).numpy() == t.numpy()).all()
    assert T.RandomResizedCrop(5)(IMG).shape == (5, 5, 3)


def test_resize_formulas():
    img = np.array([[0, 100], [200, 250]], np.uint8)
    up = F.resize(img, [4, 4])  # half-pixel bilinear: row 0 of the first column pair is (0.75*0 + 0.25*100)
    assert up[0].tolist() == [0, 25, 75, 100] and up[:, 0].tolist() == [0, 50, 150, 200]
    # shrinking by 2 widens the tent to 2 pixels: output 0 weighs inputs 0..2 by 3/7, 3/7, 1/7 (PIL's filter)
    down = F.resize(np.arange(16, dtype=np.float32).reshape(4, 4), [2, 2])
    np.testing.assert_allclose(down, np.array([[25, 36], [69, 80]]) / 7, rtol=1e-6)
    assert F.resize(IMG, 8).shape == (8, 12, 3)  # the smaller edge becomes 8, aspect kept
    assert F.resize(IMG, [2, 3], interpolation=T.InterpolationMode.NEAREST)[1, 2].tolist() == IMG[2, 4].tolist()


def test_grayscale_and_dtype():
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8)
    assert T.Grayscale()(rgb)[0].tolist() == [76, 150, 29]  # PIL's (R*19595 + G*38470 + B*7471 + 2**15) >> 16
    t = T.ToTensor()(rgb)
    np.testing.assert_allclose(T.Grayscale()(t).numpy()[0, 0], [0.2989, 0.587, 0.114], rtol=1e-6)
    assert T.Grayscale(3)(rgb).shape == (1, 3, 3)
    u = T.ConvertImageDtype(torchlike.uint8)(torchlike.from_numpy(np.array([[[0.0, 0.5, 1.0]]], np.float32)))
    assert u.numpy().tolist() == [[[0, 127, 255]]]
    f = T.ConvertImageDtype(torchlike.float32)(torchlike.from_numpy(np.array([[[0, 51, 255]]], np.uint8)))
    np.testing.assert_allclose(f.numpy(), [[[0.0, 0.2, 1.0]]], rtol=1e-6)
    assert T.Lambda(lambda x: x + 1)(1) == 2


def test_make_grid_and_save_image(tmp_path):
    imgs = torchlike.from_numpy(np.ones((3, 1, 2, 2), np.float32))
    g = utils.make_grid(imgs, nrow=2, padding=1)
    assert g.shape == (3, 7, 7)  # 3 channels; 2 rows and 2 columns of (2 + 1), plus 1
    assert g.numpy()[0, 1:3, 1:3].sum() == 4 and g.numpy()[0, 0].sum() == 0 and g.numpy()[0, 4:6, 4:6].sum() == 0
    path = tmp_path / "grid.png"
    utils.save_image(imgs, str(path), nrow=2, padding=1)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    idat = data.index(b"IDAT")
    raw = zlib.decompress(data[idat + 4:idat + 4 + int.from_bytes(data[idat - 4:idat], "big")])
    pixels = np.frombuffer(raw, np.uint8).reshape(h, 1 + 3 * w)[:, 1:].reshape(h, w, 3)
    assert (w, h) == (7, 7) and pixels[1, 1].tolist() == [255, 255, 255] and pixels[0, 0].tolist() == [0, 0, 0]
