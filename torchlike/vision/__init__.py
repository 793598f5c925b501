"""torchlike.vision: the torchvision subset (datasets, transforms, utils). `import torchlike.vision as torchvision`.

numpy level: datasets and transforms run inside DataLoader workers without JAX.
"""
from . import datasets, transforms, utils  # noqa: F401

__version__ = "0.29.0"
