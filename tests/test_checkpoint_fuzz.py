"""The checkpoint loader under fuzzing: mutated checkpoints load correctly or raise, never crash or hang.

A fixed-seed slice runs here (1,000 mutations by default). A longer run:
    TORCHLIKE_FUZZ_MUTATIONS=10000 TORCHLIKE_FUZZ_SEED=7 python -m pytest tests/test_checkpoint_fuzz.py
The mutations and their checks are in tests/checkpoint_fuzz.py.
"""
import collections
import os
import pathlib
import subprocess
import sys

import pytest

WORKER = pathlib.Path(__file__).with_name("checkpoint_fuzz.py")
MUTATIONS = int(os.environ.get("TORCHLIKE_FUZZ_MUTATIONS", "1000"))
SEED = int(os.environ.get("TORCHLIKE_FUZZ_SEED", "0"))
BATCH = 250
BATCH_TIMEOUT_S = 600


def _run_batch(start: int, count: int) -> list:
    """Run one worker process over mutations start..start+count-1; the lines it printed."""
    env = dict(os.environ, PYTHONPATH=str(WORKER.parents[1]), TORCHLIKE_LAZY=os.environ.get("TORCHLIKE_LAZY", "1"))
    try:
        proc = subprocess.run([sys.executable, str(WORKER), str(SEED), str(start), str(count)], env=env,
                              capture_output=True, text=True, timeout=BATCH_TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        last = [ln for ln in out.splitlines() if ln.startswith("begin")][-1:]
        pytest.fail(f"the loader hung: no progress within {BATCH_TIMEOUT_S} s at {last} (seed {SEED})")
    lines = proc.stdout.splitlines()
    if proc.returncode != 0:
        last = [ln for ln in lines if ln.startswith("begin")][-1:]
        pytest.fail(f"mutation {last} (seed {SEED}) ended the process with code {proc.returncode}:\n"
                    f"{proc.stderr[-3000:]}")
    return lines


@pytest.mark.parametrize("start", range(0, MUTATIONS, BATCH))
def test_mutated_checkpoints_load_correctly_or_raise(start):
    count = min(BATCH, MUTATIONS - start)
    lines = _run_batch(start, count)
    outcomes = collections.Counter(" ".join(ln.split()[2:]) for ln in lines if ln.startswith("end"))
    assert sum(outcomes.values()) == count, lines[-5:]
    # The slice must reach both the loading and the refusing paths of every family, or it tests nothing.
    families = {k.split()[0] for k in outcomes}
    assert families == {"layout", "pickle", "archive"}, outcomes
    assert outcomes["layout loaded"] > 0 and outcomes["layout refused"] > 0, outcomes
