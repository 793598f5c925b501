"""Checkpoints written byte by byte, without torch or torchlike: the pickle names PyTorch's globals as
torch.save writes them, so a test can state any storage offset, size, stride or element count."""
import collections
import io
import pickle
import zipfile


class _Global:
    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle requires a callable reduce function; it is only ever named
        raise TypeError("a name in a checkpoint")


class StorageRef:
    def __init__(self, key: str, kind: str, numel: int):
        self.key, self.kind, self.numel = key, kind, numel


class Record:
    """A tensor record: _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)."""

    def __init__(self, storage: StorageRef, offset, size, stride, requires_grad=False):
        self.args = (storage, offset, tuple(size), tuple(stride), requires_grad, collections.OrderedDict())


class _Pickler(pickle._Pickler):
    dispatch = pickle._Pickler.dispatch.copy()

    def _write_global(self, g):
        self.write(pickle.GLOBAL + f"{g.module}\n{g.name}\n".encode())
        self.memoize(g)

    dispatch[_Global] = _write_global

    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            return ("storage", _Global("torch", obj.kind), obj.key, "cpu", obj.numel)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Record):
            return _Global("torch._utils", "_rebuild_tensor_v2"), obj.args
        return NotImplemented


def archive(obj, records: dict, pkl: bytes | None = None) -> bytes:
    """A zip checkpoint holding obj's pickle (or the given pickle bytes) and the storage records."""
    if pkl is None:
        buf = io.BytesIO()
        _Pickler(buf, 2).dump(obj)
        pkl = buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/data.pkl", pkl)
        zf.writestr("archive/byteorder", b"little")
        for key, data in records.items():
            zf.writestr(f"archive/data/{key}", data)
        zf.writestr("archive/version", b"3\n")
    return out.getvalue()
