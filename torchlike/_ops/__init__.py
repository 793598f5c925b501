"""Every operator, each defined once; importing this package registers them all and attaches
the Tensor methods, in-place variants and dunders that follow from the registry."""
from .._engine.op import OPS, op, T, TS, TO, TL  # noqa: F401
from . import (creation, conversion, pointwise, reduction, sorting, shape, shape_join, indexing, linalg,  # noqa: F401
               random, pointwise_math, nn_ops, nn_norm, nn_loss, conv, pooling, nn_misc, rnn, attention,
               binning, special_fns, shape_misc, special_gamma, misc_ops, native_norm)
from .._engine.methods import attach_methods

attach_methods()
