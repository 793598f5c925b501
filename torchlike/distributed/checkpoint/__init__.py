"""Mirrors `torch.distributed.checkpoint` (DCP) as names: libraries import it beside their own
checkpointing. Saving or loading a distributed checkpoint raises `NotImplementedError`; one process's
state_dict saves with `torch.save` / safetensors."""

NO_DCP = "torchlike: distributed checkpoints (torch.distributed.checkpoint) are not supported"


def _refuse(*args, **kwargs):
    raise NotImplementedError(NO_DCP)


save = load = async_save = save_state_dict = load_state_dict = _refuse


class _Refused:
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(NO_DCP)


class FileSystemReader(_Refused):
    pass


class FileSystemWriter(_Refused):
    pass
