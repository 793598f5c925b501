"""Shared timing helpers: alternate the contenders round by round and report medians."""
from __future__ import annotations

import statistics
import time


def measure(contenders: dict, rounds: int = 7, number: int = 50, warmup: int = 3) -> dict:
    """contenders: name -> (fn, sync). Each round times `number` calls of each, alternating, so
    a noisy neighbour slows all of them alike. Returns name -> median seconds per call."""
    times = {n: [] for n in contenders}
    for fn, sync in contenders.values():  # warm up: compile, allocate
        for _ in range(warmup):
            fn()
        sync()
    for _ in range(rounds):
        for name, (fn, sync) in contenders.items():
            t = time.perf_counter()
            for _ in range(number):
                fn()
            sync()
            times[name].append((time.perf_counter() - t) / number)
    return {n: statistics.median(v) for n, v in times.items()}


def report(title: str, medians: dict, baseline: str = "torch") -> list:
    base = medians[baseline]
    rows = [f"{title}"]
    for name, t in medians.items():
        rows.append(f"  {name:<22} {t * 1e6:10.1f} us   {base / t:6.2f}x vs {baseline}")
    print("\n".join(rows), flush=True)
    return rows
