"""The `torch.special` namespace: PyTorch's special functions, from `_ops/special_fns.py` and the
registry's existing ops."""
from ._ops import special_fns as _fns
from ._engine.op import OPS as _OPS
from ._ops.special_fns import *  # noqa: F401,F403

# torch.special names of operators torchlike registers under their top-level names.
_ALIASES = {
    "expit": "sigmoid", "logit": "logit", "erf": "erf", "erfc": "erfc", "erfinv": "erfinv", "exp2": "exp2",
    "expm1": "expm1", "log1p": "log1p", "gammaln": "lgamma", "digamma": "digamma", "psi": "digamma",
    "polygamma": "polygamma", "multigammaln": "mvlgamma", "i0": "i0", "sinc": "sinc", "round": "round",
    "softmax": "softmax", "log_softmax": "log_softmax", "logsumexp": "logsumexp", "xlogy": "xlogy",
    "gammainc": "igamma", "gammaincc": "igammac",
}
__all__ = list(_fns.__all__)
for _name, _target in _ALIASES.items():
    if _target in _OPS:  # (mvlgamma, igamma, igammac only where torchlike has them)
        globals()[_name] = _OPS[_target]
        __all__.append(_name)
del _name, _target
