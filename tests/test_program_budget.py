"""The compiled-program budget: a run meeting many shapes keeps its memory mappings bounded."""
import subprocess
import sys

SCRIPT = r"""
import torchlike as t
from torchlike import _program_budget as b
b.CHECK_EVERY, b.HIGH_WATER = 20, 1500 / b._LIMIT   # clear past 1,500 mappings (the default is ~39,000)
peak = 0
for n in range(1, 250):
    x = t.ones(n)
    assert (x * 2 + 1).sum().item() == 3 * n        # values stay right across clears
    peak = max(peak, b.map_count())
print(b.clears, peak)
"""


def test_caches_cleared_when_mappings_grow():  # (Linux: /proc/self/maps)
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout
    clears, peak = map(int, out.split())
    assert clears >= 1
    # without clearing, 250 shapes x 4 programs reach ~12,000 mappings; with it they stay near the mark
    assert peak < 5000, peak
