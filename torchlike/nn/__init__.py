"""torch.nn: Module, Parameter, the layers, functional as F, init and utils."""
from .parameter import Buffer, Parameter  # noqa: F401
from .modules.module import Module  # noqa: F401
from .modules.container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential  # noqa: F401
from .modules.linear import Bilinear, Identity, Linear  # noqa: F401
from .modules.flatten import Flatten, Unflatten  # noqa: F401
from .modules.activation import *  # noqa: F401,F403
from .modules.loss import *  # noqa: F401,F403
from .modules.dropout import *  # noqa: F401,F403
from .modules.normalization import *  # noqa: F401,F403
from .modules.sparse import Embedding, EmbeddingBag  # noqa: F401
from .modules.distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from .modules.conv import *  # noqa: F401,F403
from .modules.pooling import *  # noqa: F401,F403
from .modules.padding import *  # noqa: F401,F403
from .modules.pixelshuffle import *  # noqa: F401,F403
from .modules.channelshuffle import *  # noqa: F401,F403
from .modules.upsampling import *  # noqa: F401,F403
from .modules.fold import *  # noqa: F401,F403
from .modules.rnn import *  # noqa: F401,F403
from . import functional, init, utils  # noqa: F401
from . import functional as F  # noqa: F401
