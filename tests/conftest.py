import os

# Tests compile thousands of tiny kernels once each: LLVM's optimisation passes would be most of
# their run time, and results agree with PyTorch at the same tolerances without them.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")

import jax

# Only torchlike's own promotion table may decide a result dtype.
jax.config.update("jax_numpy_dtype_promotion", "strict")
