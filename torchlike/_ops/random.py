"""Random operators on a global PRNG key stream (see _random.py)."""
from __future__ import annotations
