"""Datasets for the utils.data cases, in a numpy-only module so that DataLoader workers import it quickly."""
import numpy as np


class Rows:
    """A map-style dataset returning (array, int, dict) samples: the same for both libraries."""

    def __init__(self, n):
        self.x = np.random.default_rng(n).standard_normal((n, 3)).astype(np.float32)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], i, {"sq": float(i) ** 2}
