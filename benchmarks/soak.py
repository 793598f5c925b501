"""Soak test: a long eager training run that mixes what real scripts do, printing memory and cache sizes.

    python benchmarks/soak.py [--steps 20000] [--every 1000]

Each step trains a small MLP on a batch whose size cycles through a fixed set (a smaller last batch, varying
sizes), with a learning rate that changes every step (a cosine schedule written by hand: `p.add_(p.grad,
alpha=-lr)`), label smoothing and a dropout probability that change too. Every 50th step keeps its graph for
a second backward. Every `--every` steps the run iterates a DataLoader with two worker processes and saves
and reloads a checkpoint. The report prints, per block: resident memory, the engine's cache sizes (from
`torchlike.utils.debug.kernel_stats()` where it exists) and the mean step time. Memory and caches must stay
flat once every shape has been seen. Not part of the test suite: it runs for minutes.
"""
import argparse
import io
import math
import os
import time

import numpy as np

import torchlike as torch
from torchlike.utils.data import DataLoader, TensorDataset

BATCH_SIZES = (32, 64, 17, 128, 5, 64, 31)


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def cache_sizes() -> str:
    """Programs compiled so far and the entries held by each engine cache."""
    try:
        from torchlike.utils import debug
    except ImportError:
        return "(no torchlike.utils.debug)"
    stats = debug.kernel_stats()
    held = " ".join(f"{name}={c['entries']}" for name, c in stats.get("caches", {}).items())
    return f"compiled={stats.get('compiled')} {held}"


def make_model():
    nn = torch.nn
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 64), nn.GELU(),
                         nn.Linear(64, 5))


def train_step(model, step: int, total: int, x, y) -> float:
    lr = 0.05 * 0.5 * (1 + math.cos(math.pi * (step % 1000) / 1000))
    model[2].p = 0.05 + 0.1 * (step % 7) / 7
    for p in model.parameters():
        p.grad = None
    out = model(x)
    loss = torch.nn.functional.cross_entropy(out, y, label_smoothing=0.01 * (step % 10))
    retain = step % 50 == 0
    loss.backward(retain_graph=retain)
    if retain:
        loss.backward()  # the kept graph is used once more, accumulating into .grad
    with torch.no_grad():
        for p in model.parameters():
            p.add_(p.grad, alpha=-lr)
    return float(loss)


def side_work(model) -> None:
    """What a script does between epochs: a pass over a DataLoader with workers, a checkpoint round trip."""
    data = TensorDataset(torch.randn(256, 20), torch.randint(0, 5, (256,)))
    for xb, _ in DataLoader(data, batch_size=64, num_workers=2):
        model(xb)
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    buf.seek(0)
    model.load_state_dict(torch.load(buf))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--every", type=int, default=1000)
    args = ap.parse_args()
    torch.manual_seed(0)
    model = make_model()
    rng = np.random.default_rng(0)
    batches = {b: (torch.tensor(rng.standard_normal((b, 20)).astype(np.float32)),
                   torch.tensor(rng.integers(0, 5, b))) for b in set(BATCH_SIZES)}
    print(f"{'step':>7} {'rss MiB':>9} {'ms/step':>8} {'loss':>8}  caches", flush=True)
    t0, losses = time.perf_counter(), []
    for step in range(1, args.steps + 1):
        x, y = batches[BATCH_SIZES[step % len(BATCH_SIZES)]]
        losses.append(train_step(model, step, args.steps, x, y))
        if step % args.every == 0:
            side_work(model)
            ms = (time.perf_counter() - t0) / args.every * 1000
            print(f"{step:>7} {rss_mib():>9.1f} {ms:>8.2f} {np.mean(losses):>8.4f}  {cache_sizes()}", flush=True)
            t0, losses = time.perf_counter(), []


if __name__ == "__main__":
    main()
