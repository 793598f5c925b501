"""The execution engine: what runs an operator call and its backward.

- `op.py`: `Op` (binding, promotion, the fast path, out=) and the `@op` decorator;
- `kernel.py`: `Kernel` (a jitted jax function and its cached vjps), `OpNode`, the saved-version checks;
- `grad_name.py`, `backward.py`, `dataflow.py`: node names, the vjp boundary, which inputs a gradient reads;
- `scalars.py`: Python numbers as kernel inputs;
- `lazy.py`, `replay.py`: deferred eager ops run as one program; the one-call backward;
- `methods.py`: Tensor methods, in-place variants and dunders generated from the registry;
- `out.py`, `placement.py`: out= checks and writes; same-device checks;
- `cache.py`: the one bounded-cache policy every cache uses (the engine's, the optimizers' jitted steps and hyperparameters, collectives).

Operator definitions live in `torchlike/_ops/`; the tensor, dtypes, devices and the tape live
below this package (`_tensor.py`, `_dtype.py`, `_device.py`, `_autograd.py`).
"""
from .cache import clear_all as _clear_all
from . import replay  # noqa: F401  (installs the one-call backward in the tape)


def clear_caches() -> None:
    """Empty every engine cache (fast paths, kernels, backwards, deferred and replayed programs,
    compiled steps) and JAX's compiled programs: later calls rebuild and recompile what they use."""
    import jax
    _clear_all()
    jax.clear_caches()
