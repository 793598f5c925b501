"""Python scalars that change every call: real PyTorch vs torchlike, same run, one thread each.

    python benchmarks/bench_scalars.py [--warmup 30] [--rounds 5] [--chain 100]

(On a tree where each new float compiles a program, use small figures: --warmup 1 --rounds 1 --chain 10.)

Two loops whose float argument takes a new value at every call, as a learning-rate schedule or an
annealed coefficient does:

- add alpha: `y = y.add(x, alpha=a)` on 64x64 tensors with a new `a` each call (per-call time;
  100 chained calls, the last result read).
- SGD step: a hand-written SGD step with a cosine learning rate on a small MLP (forward, cross
  entropy, backward, `p.add_(p.grad, alpha=-lr)` for each parameter; per-step time).

torchlike makes a Python float a kernel input, so a new value compiles nothing; the script also
checks that the timed loops compiled no new XLA program. Ratios > 1: torchlike faster.
"""
import argparse
import math
import os

# One thread for XLA's CPU runtime too (set before JAX starts), as PyTorch gets below.
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()

import numpy as np  # noqa: E402
import torch  # noqa: E402
from _timing import measure, report  # noqa: E402

import torchlike  # noqa: E402
from jax import monitoring  # noqa: E402

_compiled = [0]  # XLA programs compiled (counted here, so the script also runs on older torchlike trees)


def _count(event, *args, **kwargs):
    _compiled[0] += event == "/jax/core/compile/backend_compile_duration"


monitoring.register_event_duration_secs_listener(_count)

CHAIN = 100
STEPS = 1000  # the cosine schedule's period


class _Alphas:
    """A new float at every call (a slowly varying coefficient)."""

    def __init__(self):
        self.i = 0

    def __call__(self) -> float:
        self.i += 1
        return 0.5 + 0.25 * math.sin(self.i * 0.001)


def add_alpha_case(lib, read):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 64)).astype(np.float32))
    y0 = lib.tensor(rng.standard_normal((64, 64)).astype(np.float32))
    alpha = _Alphas()

    def run():
        y = y0
        for _ in range(CHAIN):
            y = y.add(x, alpha=-alpha() * 1e-3)
        read(y)
    return run


def sgd_case(lib, read):
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((32, 64)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 32))
    params = list(model.parameters())
    state = {"step": 0}

    def step():
        state["step"] += 1
        lr = 0.05 * 0.5 * (1 + math.cos(math.pi * (state["step"] % STEPS) / STEPS))
        for p in params:
            p.grad = None
        loss = lib.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        with lib.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-lr)
        read(loss)
    return step


def main():
    global CHAIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--chain", type=int, default=CHAIN)
    args = ap.parse_args()
    CHAIN = args.chain
    torch.set_num_threads(1)
    torch_read = lambda t: t.detach().numpy()  # noqa: E731
    tl_read = lambda t: t._data.block_until_ready()  # noqa: E731
    for title, case, number in (("add(x, alpha=a), a new each call, 64x64 (per call)", add_alpha_case, 2),
                                ("hand-written SGD step, cosine lr, MLP 64-128-10, batch 32 (per step)", sgd_case,
                                 20 if args.rounds > 1 else 2)):
        contenders = {"torch": (case(torch, torch_read), lambda: None),
                      "torchlike": (case(torchlike, tl_read), lambda: None)}
        for fn, _ in contenders.values():  # warm up: the first calls compile (and deferred runs fuse)
            for _ in range(args.warmup):
                fn()
        before = _compiled[0]
        med = measure(contenders, rounds=args.rounds, number=number, warmup=0)
        new = _compiled[0] - before
        if case is add_alpha_case:
            med = {k: v / CHAIN for k, v in med.items()}
        report(f"{title}; torchlike compiled {new} programs while timed", med)


if __name__ == "__main__":
    main()
