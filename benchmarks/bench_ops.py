"""Per-op dispatch: the same small op on real PyTorch, torchlike (eager) and plain jax.numpy.

    python benchmarks/bench_ops.py [--device cpu|cuda]

Ratios > 1 mean faster than PyTorch. Small tensors, so this measures dispatch, not maths. Every
result is computed and read: torchlike may defer ops (torchlike/_engine/lazy.py), so a benchmark
that dropped its results would time nothing. Two patterns per op:

- chain: 100 dependent calls (y = op(y, x)), the last result read; the per-call time.
- each: one call and its result read, repeated; what an op costs when its value is needed at once.

PyTorch runs with one thread here (see main). With `--device cuda` every contender's tensors
live on the GPU and a read is the copy back to the host.
"""
import argparse

import jax
import jax.numpy as jnp
import numpy as np
import torch
from _timing import measure, report

import torchlike

CHAIN = 100


def _chained(step, start, read):
    def run():
        y = start
        for _ in range(CHAIN):
            y = step(y)
        read(y)
    return run


def _each(step, start, read):
    return lambda: read(step(start))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    dev = ap.parse_args().device
    # Ops this small run on one thread in PyTorch anyway; its idle OpenMP workers would otherwise
    # spin between calls and slow the XLA runtime's threads sharing these cores.
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((64, 64)).astype(np.float32)
    q = np.linalg.qr(rng.standard_normal((64, 64)))[0].astype(np.float32)  # orthogonal: a chain stays O(1)
    jax_dev = jax.devices("gpu" if dev == "cuda" else "cpu")[0]
    libs = {
        "torch": (torch, lambda v: torch.tensor(v, device=dev), lambda y: y.cpu().numpy()),
        "torchlike": (torchlike, lambda v: torchlike.tensor(v, device=dev), lambda y: y.cpu().numpy()),
        "jax.numpy": (None, lambda v: jax.device_put(v, jax_dev), lambda y: np.asarray(y)),
    }
    idx = np.array([1, 5, 7])
    steps = {  # name -> (lib, x, w) -> one call on y
        "add": lambda lib, x, w: (lambda y: y + x),
        "matmul": lambda lib, x, w: (lambda y: y @ w),
        "relu": lambda lib, x, w: (lambda y: jax.nn.relu(y)) if lib is None else (lambda y: lib.relu(y)),
        "mul + add": lambda lib, x, w: (lambda y: y * 0.5 + x),
    }
    singles = {
        "sum": lambda y: y.sum(),
        "index [1:5, ::2]": lambda y: y[1:5, ::2],
        "index [list]": lambda y: y[idx],
    }
    for name, make in steps.items():
        for pattern, wrap in (("chain", _chained), ("each", _each)):
            contenders = {}
            for lib_name, (lib, tensor, read) in libs.items():
                x, w = tensor(a), tensor(q)
                contenders[lib_name] = (wrap(make(lib, x, w), x, read), lambda: None)
            # (warm-up: a loop's steady state, after torchlike has compiled the repeating trace)
            med = measure(contenders, number=5 if pattern == "chain" else 200, warmup=40 if pattern == "chain" else 3)
            if pattern == "chain":
                med = {n: t / CHAIN for n, t in med.items()}
            report(f"op {name} ({pattern})", med)
    for name, fn in singles.items():
        contenders = {n: (_each(fn, tensor(a), read), lambda: None) for n, (_, tensor, read) in libs.items()}
        report(f"op {name} (each)", measure(contenders, number=200))


if __name__ == "__main__":
    main()
