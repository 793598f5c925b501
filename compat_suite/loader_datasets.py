"""Datasets for the DataLoader behaviour cases, built per library `t` (torch or torchlike).

numpy-only at import, so that DataLoader workers load this module quickly. Several are defined
inside functions or hold lambdas on purpose: PyTorch's forked workers accept them, and so must
torchlike's spawned ones.
"""
import os
import signal

import numpy as np


def local_with_staticmethod(t, scale):
    """An instance of a class defined inside this function, using a staticmethod and a closure."""
    class LocalOps:
        @staticmethod
        def base(i):
            return t.arange(3) + i

        def __len__(self):
            return 7

        def __getitem__(self, i):
            return self.base(i) * scale
    return LocalOps()


class LambdaHolder:
    """Holds a lambda transform that calls the library."""

    def __init__(self, t):
        self.transform = lambda i: t.tensor(float(i)) ** 2

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return self.transform(i)


class StaticHelper:
    def __init__(self, t):
        self.t = t

    @staticmethod
    def triple(t, i):
        return t.full((2,), 3 * i)

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return self.triple(self.t, i)


class TensorOps:
    """`__getitem__` uses tensor methods on a TensorDataset's samples and builds a new tensor."""

    def __init__(self, t):
        x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(6, 2)
        self.t, self.inner = t, t.utils.data.TensorDataset(t.tensor(x), t.arange(6))

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, i):
        x, y = self.inner[i]
        return x.exp() * 2, self.t.tensor([int(y), int(y)]) * 2


def failing(t):
    class Failing:
        def __len__(self):
            return 8

        def __getitem__(self, i):
            if i == 5:
                raise ValueError("bad sample 5")
            return t.tensor(i)
    return Failing()


class SelfKilling:
    """The worker fetching sample `at` dies: by SIGKILL, or by os._exit(code) when code is given."""

    def __init__(self, at, code=None):
        self.at, self.code = at, code

    def __len__(self):
        return 20

    def __getitem__(self, i):
        if i == self.at:
            if self.code is None:
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(self.code)
        return i
