import os

# Tests compile thousands of tiny kernels once each: LLVM's optimisation passes would be most of
# their run time, and results agree with PyTorch at the same tolerances without them.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")
# Compile counts must not depend on what an earlier run left in the on-disk program cache
# (tests/test_compilation_cache.py tests the cache itself in subprocesses).
os.environ.setdefault("TORCHLIKE_COMPILATION_CACHE", "0")

import jax

# Only torchlike's own promotion table may decide a result dtype.
jax.config.update("jax_numpy_dtype_promotion", "strict")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _seeded():
    """Each process starts from a random seed, as PyTorch's does: tests start from a fixed one, so
    a run can be repeated."""
    import torchlike
    torchlike.manual_seed(0)
