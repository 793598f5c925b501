"""torch.nn: Module, Parameter, the layers, functional as F, init and utils."""
from . import functional, init, utils  # noqa: F401
from . import functional as F  # noqa: F401
from .modules.activation import *
from .modules.attention import *
from .modules.adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: F401
from .modules.batchnorm import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, SyncBatchNorm  # noqa: F401
from .modules.channelshuffle import *
from .modules.container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential  # noqa: F401
from .modules.conv import *
from .modules.distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from .modules.dropout import *
from .modules.flatten import Flatten, Unflatten  # noqa: F401
from .modules.fold import *
from .modules.instancenorm import LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d  # noqa: F401
from .modules.lazy import LazyModuleMixin  # noqa: F401
from .modules.linear import Bilinear, Identity, LazyLinear, Linear  # noqa: F401
from .modules.linear_cross_entropy_options import LinearCrossEntropyOptions  # noqa: F401
from .modules.loss import *
from .modules.module import Module  # noqa: F401
from .modules.normalization import *
from .modules.padding import *
from .modules.pixelshuffle import *
from .modules.pooling import *
from .modules.rnn import *
from .modules.sparse import Embedding, EmbeddingBag  # noqa: F401
from .modules.transformer import *
from .modules.upsampling import *
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401
from . import parallel  # noqa: F401
from .parallel import DataParallel  # noqa: F401


def __getattr__(name):
    if name == "attention":  # (torch.nn.attention: loaded on first use, as PyTorch's)
        import importlib
        return importlib.import_module(f"{__name__}.attention")
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
