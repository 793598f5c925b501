"""Per-op dispatch: the same small op on real PyTorch, torchlike (eager) and plain jax.numpy.

    python benchmarks/bench_ops.py

Ratios > 1 mean faster than PyTorch. Small tensors, so this measures dispatch, not maths.
"""
import jax
import jax.numpy as jnp
import numpy as np
import torch

import torchlike

from _timing import measure, report


def main():
    a = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32)
    t, tl, j = torch.tensor(a), torchlike.tensor(a), jnp.asarray(a)
    idx = np.array([1, 5, 7])
    cases = {
        "add": (lambda: t + t, lambda: tl + tl, lambda: j + j),
        "matmul": (lambda: t @ t, lambda: tl @ tl, lambda: j @ j),
        "relu": (lambda: torch.relu(t), lambda: torchlike.relu(tl), lambda: jax.nn.relu(j)),
        "sum": (lambda: t.sum(), lambda: tl.sum(), lambda: j.sum()),
        "index [1:5, ::2]": (lambda: t[1:5, ::2], lambda: tl[1:5, ::2], lambda: j[1:5, ::2]),
        "index [list]": (lambda: t[idx], lambda: tl[idx], lambda: j[idx]),
    }
    for name, (ft, fl, fj) in cases.items():
        med = measure({"torch": (ft, lambda: None), "torchlike": (fl, lambda: tl._data.block_until_ready()),
                       "jax.numpy": (fj, lambda: j.block_until_ready())}, number=200)
        report(f"op {name}", med)


if __name__ == "__main__":
    main()
