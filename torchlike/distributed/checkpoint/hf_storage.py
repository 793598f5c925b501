"""Mirrors `torch.distributed.checkpoint.hf_storage` as names (see the package's docstring)."""
from . import _Refused


class HuggingFaceStorageReader(_Refused):
    pass


class HuggingFaceStorageWriter(_Refused):
    pass
