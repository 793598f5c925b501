"""torch.func: composable function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap) mapped onto
JAX's, and functional_call.

Mirrors `torch.func`. The transformed function runs on Tensors wrapping JAX tracers, so it must not
read values back to Python (`.item()`, `bool(tensor)`, data-dependent shapes); that raises
NotImplementedError (RuntimeError under vmap, as in PyTorch). Results never carry a `grad_fn`: the
transforms do not record on the autograd tape.
"""
from ._functional_call import functional_call
from ._grad import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from ._vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "linearize", "vjp",
           "vmap"]
