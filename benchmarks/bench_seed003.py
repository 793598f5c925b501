"""Whole wall time of the documents' MNIST script, ../shared/seed_scripts/seed_003_mnist_mlp.py
(10 epochs of SGD on an MLP, DataLoader with 2 workers, then the test set), run unchanged:
real PyTorch, and torchlike through `python -m torchlike run`, alternating.

    python benchmarks/bench_seed003.py [--rounds 2]

Real torchvision cannot be installed beside the CPU build of PyTorch here; when it is missing
the PyTorch run uses benchmarks/torchvision_standin (same per-image work, minus torchvision's
PIL round trip, so the comparison, if anything, favours PyTorch). Ratio > 1: torchlike is faster.
"""
import argparse
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
SCRIPT = SHARED / "seed_scripts" / "seed_003_mnist_mlp.py"


def run(cmd, env, cwd) -> tuple:
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{cmd} failed:\n{p.stderr[-2000:]}")
    acc = re.search(r"test images: (\d+) %", p.stdout)
    return wall, acc.group(1) if acc else "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        os.symlink(SHARED / "data", Path(work) / "data")
        base = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", "PYTHONPATH")}
        torch_env = dict(base)
        if importlib.util.find_spec("torchvision") is None:
            torch_env["PYTHONPATH"] = str(HERE / "torchvision_standin")
        contenders = {
            "torch": ([sys.executable, str(SCRIPT)], torch_env),
            "torchlike": ([sys.executable, "-m", "torchlike", "run", str(SCRIPT)], base),
        }
        times = {n: [] for n in contenders}
        for _ in range(args.rounds):
            for name, (cmd, env) in contenders.items():
                wall, acc = run(cmd, env, work)
                times[name].append(wall)
                print(f"  {name:<10} {wall:7.1f} s   accuracy {acc} %", flush=True)
    med = {n: statistics.median(v) for n, v in times.items()}
    print(f"seed_003_mnist_mlp.py wall time: torch {med['torch']:.1f} s, torchlike {med['torchlike']:.1f} s "
          f"({med['torch'] / med['torchlike']:.2f}x vs torch)")


if __name__ == "__main__":
    main()
