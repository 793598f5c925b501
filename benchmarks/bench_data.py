"""DataLoader throughput on MNIST (ToTensor + Normalize, batch 100, shuffled), 0 and 2 workers:
real PyTorch's DataLoader over the same dataset read with benchmarks/torchvision_standin (or real
torchvision when installed) against torchlike's DataLoader and torchlike.vision, alternating.

    python benchmarks/bench_data.py

Reports milliseconds per batch, worker start-up included (one pass of --batches batches).
Ratios > 1 mean faster than PyTorch.
"""
import argparse
import importlib.util
import sys
import time
import warnings
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
ROOT = str(HERE.parent.parent / "shared" / "data")
if importlib.util.find_spec("torchvision") is None:
    sys.path.insert(0, str(HERE / "torchvision_standin"))
import torchvision  # noqa: E402
import torchvision.transforms as transforms  # noqa: E402

import torchlike  # noqa: E402
import torchlike.vision  # noqa: E402

from _timing import report  # noqa: E402


# PyTorch's workers are forked from this process, which has JAX loaded; they never use it.
warnings.filterwarnings("ignore", message="os.fork")


def loaders(workers: int):
    tt = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    lt = torchlike.vision.transforms.Compose([torchlike.vision.transforms.ToTensor(),
                                              torchlike.vision.transforms.Normalize((0.5,), (0.5,))])
    tds = torchvision.datasets.MNIST(ROOT, train=True, transform=tt)
    lds = torchlike.vision.datasets.MNIST(ROOT, train=True, transform=lt)
    return (torch.utils.data.DataLoader(tds, batch_size=100, shuffle=True, num_workers=workers),
            torchlike.utils.data.DataLoader(lds, batch_size=100, shuffle=True, num_workers=workers))


def one_pass(loader, batches: int) -> float:
    t = time.perf_counter()
    for i, (x, y) in enumerate(loader):
        if i + 1 == batches:
            break
    return (time.perf_counter() - t) / batches


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    for workers in (0, 2):
        tl, ll = loaders(workers)
        times = {"torch": [], "torchlike": []}
        for _ in range(args.rounds):
            times["torch"].append(one_pass(tl, args.batches))
            times["torchlike"].append(one_pass(ll, args.batches))
        med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
        report(f"DataLoader MNIST, batch 100, {workers} workers (per batch)", med)


if __name__ == "__main__":
    main()
