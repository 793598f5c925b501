"""torchvision.datasets. Mirrors `torchvision.datasets` (numpy level: usable inside DataLoader workers)."""
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import KMNIST, MNIST, FashionMNIST
from .vision import VisionDataset

__all__ = [
           "CIFAR10",
           "CIFAR100",
           "KMNIST",
           "MNIST",
           "DatasetFolder",
           "FakeData",
           "FashionMNIST",
           "ImageFolder",
           "VisionDataset",
]
