"""The autograd test set again with deferred execution off (`TORCHLIKE_LAZY=0`): gradients,
in-place rules, kinks, views and double backward must not depend on whether ops were deferred."""
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
AUTOGRAD_FILES = ["tests/test_autograd.py", "compat_suite/test_autograd.py", "compat_suite/test_inplace_autograd.py",
                  "compat_suite/test_kinks.py", "compat_suite/test_double_backward.py", "compat_suite/test_views.py"]


def test_autograd_set_passes_with_deferral_off():
    env = dict(os.environ, TORCHLIKE_LAZY="0")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           *AUTOGRAD_FILES], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert proc.returncode == 0, f"with TORCHLIKE_LAZY=0: {summary}\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    assert " passed" in summary and "failed" not in summary and "skipped" not in summary, summary
