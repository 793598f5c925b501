"""torch.autograd.functional: jacobian, hessian, vjp, jvp (filled in by the autograd work)."""
from __future__ import annotations
