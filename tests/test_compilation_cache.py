"""The persistent compilation cache: a second process loads the programs the first compiled."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = r"""
import jax
from jax import monitoring
hits = []
monitoring.register_event_listener(lambda name, **kw: hits.append(name) if name == "/jax/compilation_cache/cache_hits" else None)
import torchlike as torch
from torchlike import _config
print("dir", _config.CACHE_DIR)
nn = torch.nn
model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
                      nn.Linear(36, 5), nn.LogSoftmax(1))
opt = torch.optim.Adadelta(model.parameters(), lr=1.0)

@torch.compile
def step(x, y):
    opt.zero_grad()
    loss = torch.nn.functional.nll_loss(model(x), y)
    loss.backward()
    opt.step()
    return loss

x, y = torch.ones(3, 1, 8, 8), torch.tensor([0, 1, 4])
step(x, y)  # (the eager run that records the step)
from torchlike.utils import debug
before = debug.kernel_stats()["compiled"]
for _ in range(3):
    step(x, y)  # (the step's program: compiled, or loaded from the cache)
print("step_compiled", debug.kernel_stats()["compiled"] - before)
print("hits", len(hits))
print("compiled", debug.kernel_stats()["compiled"])
"""


def _run(env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("TORCHLIKE_COMPILATION_CACHE", "JAX_COMPILATION_CACHE_DIR")}
    env.update(env_extra, PYTHONPATH=ROOT, JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
               JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0")
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    return lines["dir"], int(lines["hits"]), int(lines["compiled"]), int(lines["step_compiled"])


def test_second_run_loads_the_first_runs_programs(tmp_path):
    cache = str(tmp_path / "xla")
    d1, hits1, compiled1, step1 = _run({"TORCHLIKE_COMPILATION_CACHE": cache})
    assert d1 == cache and os.listdir(cache)  # the first run wrote its programs
    d2, hits2, compiled2, step2 = _run({"TORCHLIKE_COMPILATION_CACHE": cache})
    assert compiled1 > 0 and hits2 > hits1
    assert compiled2 < compiled1  # what was loaded was not compiled again
    # The step's program is the same program in both runs (its outputs in the same order), so the
    # second run loads it rather than compiling it.
    assert step1 >= 1 and step2 == 0


def test_default_folder_and_off_switch(tmp_path):
    d, *_ = _run({"XDG_CACHE_HOME": str(tmp_path)})
    assert d == os.path.join(str(tmp_path), "torchlike", "xla")
    d, hits, *_ = _run({"TORCHLIKE_COMPILATION_CACHE": "0", "XDG_CACHE_HOME": str(tmp_path)})
    assert d == "None" and hits == 0


def test_a_folder_given_to_jax_is_kept(tmp_path):
    d, *_ = _run({"JAX_COMPILATION_CACHE_DIR": str(tmp_path / "mine")})
    assert d == str(tmp_path / "mine")
