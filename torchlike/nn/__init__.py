"""torch.nn: Module, Parameter, the layers, functional as F, init and utils."""
from .parameter import Buffer, Parameter  # noqa: F401
from .modules.module import Module  # noqa: F401
from . import functional, init, utils  # noqa: F401
from . import functional as F  # noqa: F401
