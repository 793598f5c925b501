"""torch.func: composable function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap) mapped onto
JAX's, and functional_call.

Mirrors `torch.func`. The transformed function runs on Tensors wrapping JAX tracers, so it must not
read values back to Python where JAX has no value to give (under vmap: RuntimeError, as in PyTorch;
elsewhere NotImplementedError). The transforms do not record on the autograd tape: their results
never carry a `grad_fn`, and a function that uses a tensor requiring grad while grad mode is on is
refused (NotImplementedError) rather than silently cut from the graph.
"""
from ._functional_call import functional_call
from ._grad import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from ._vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "linearize", "vjp",
           "vmap"]
