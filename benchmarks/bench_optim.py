"""optimizer.step() for 100 parameter tensors of 256x256: real PyTorch vs torchlike, same run.

    python benchmarks/bench_optim.py

torchlike updates a whole parameter group in ONE jitted call per step (the script checks this);
PyTorch runs its default CPU implementation (foreach where it applies). Ratios > 1: torchlike faster.
"""
import os

import jax
import numpy as np
import torch
from _timing import measure, report

import torchlike
from torchlike.optim import optimizer as _optimizer

N, SHAPE = 100, (256, 256)
CASES = [("SGD", {"lr": 0.01, "momentum": 0.9}), ("Adam", {"lr": 1e-3}), ("AdamW", {"lr": 1e-3}),
         ("RMSprop", {"lr": 1e-3}), ("Adagrad", {"lr": 1e-2})]


def _setup(lib, name, kwargs):
    rng = np.random.default_rng(0)
    params = [lib.tensor(rng.standard_normal(SHAPE).astype(np.float32), requires_grad=True) for _ in range(N)]
    for p in params:
        p.grad = lib.tensor(rng.standard_normal(SHAPE).astype(np.float32))
    return params, getattr(lib.optim, name)(params, **kwargs)


def _count_jitted_calls(opt) -> int:
    calls = []
    real = _optimizer._jitted

    def counting(kernel, static, *donate):
        fn = real(kernel, static, *donate)
        return lambda *a: calls.append(1) or fn(*a)

    _optimizer._jitted = counting
    try:
        opt.step()
    finally:
        _optimizer._jitted = real
    return len(calls)


def main():
    torch.set_num_threads(len(os.sched_getaffinity(0)))  # as many threads as this process may use: no oversubscription
    print(f"optimizer.step() on {N} tensors of {SHAPE[0]}x{SHAPE[1]} ({jax.devices()[0].platform})")
    for name, kwargs in CASES:
        _, topt = _setup(torch, name, kwargs)
        lp, lopt = _setup(torchlike, name, kwargs)
        assert _count_jitted_calls(lopt) == len(lopt.param_groups), "torchlike must issue one call per group"
        last = lp[-1]
        med = measure({"torch": (topt.step, lambda: None),
                       "torchlike": (lopt.step, lambda last=last: last._data.block_until_ready())}, rounds=7, number=10)
        report(f"{name} {kwargs}", med)


if __name__ == "__main__":
    main()
