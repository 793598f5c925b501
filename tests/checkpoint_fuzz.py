"""Checkpoint loader fuzzing: mutations of valid checkpoints, each loaded with torchlike.load.

Run as a worker: `python tests/checkpoint_fuzz.py SEED START COUNT` loads mutations START..START+COUNT-1 of
the stream for SEED and prints one line per mutation (`begin` before, `end` after) so that a crash names the
mutation that caused it. Every mutation is a pure function of (SEED, index).

Three families:
- layout: a tensor record whose storage offset, size, stride, element count, record length or dtype is
  rewritten. The rules of PyTorch's `set_` decide, independently of the loader, whether the record is valid;
  a valid one must load with exactly the values read from the storage, an invalid one must raise
  RuntimeError or TypeError.
- pickle: bytes of data.pkl flipped, inserted, deleted or spliced, the archive rebuilt with correct CRCs (as
  a deliberate attacker would), so the unpickler sees the damage rather than the zip reader.
- archive: bytes of the whole file flipped or cut, headers included.
For pickle and archive mutations the load must either succeed with readable tensors or raise an exception
of a builtin class, pickle's UnpicklingError or a torchlike class (never numpy's, JAX's or zipfile's).
Every mutation must finish without a crash or hang, and the peak memory it adds must stay under 1.5x the
file's size plus twice the dense size of the tensors it returns (held, and read back by the check) plus
64 MiB.
"""
from __future__ import annotations

import io
import math
import pickle
import random
import resource
import struct
import sys
import zipfile

import numpy as np

from compat_suite.checkpoint_craft import Record, StorageRef, archive

SLACK = 64 << 20
DTYPES = {"FloatStorage": "<f4", "DoubleStorage": "<f8", "LongStorage": "<i8", "IntStorage": "<i4",
          "ByteStorage": "u1", "BoolStorage": "u1", "HalfStorage": "<f2"}


# ----------------------------------------------------------------------------------------------------------
# layout mutations and their expected outcome under PyTorch's rules
def _interesting_int(rng: random.Random, small: int) -> int:
    return rng.choice([0, 1, 2, 3, small, small - 1, small + 1, -1, -2, 2 ** 31, 2 ** 32 + 1, 2 ** 62,
                       -(2 ** 20), 2 ** 26, 2 ** 63, rng.randint(-5, 3 * small + 5)])


def layout_case(rng: random.Random):
    """(checkpoint bytes, expected): expected is the array the load must give, or None when it must fail."""
    kind = rng.choice(list(DTYPES))
    numel = rng.choice([0, 1, 4, 6, 12, 24])
    np_dtype = np.dtype(DTYPES[kind])
    values = (np.arange(numel) * 3 % 7 - 2).astype(np_dtype) if kind != "BoolStorage" else \
        (np.arange(numel) % 3).astype(np.uint8)
    data = values.tobytes()
    ndim = rng.choice([0, 1, 1, 2, 2, 3])
    size = [rng.choice([0, 1, 2, 3, 4]) for _ in range(ndim)]
    stride = [rng.choice([0, 1, 2, 3, 4]) for _ in range(ndim)]
    offset, declared = rng.choice([0, 0, 1, 2]), numel
    for _ in range(rng.choice([0, 1, 1, 2, 3])):  # then break something, often more than once
        what = rng.choice(["size", "stride", "offset", "numel", "record", "ndim"])
        if what == "size" and size:
            size[rng.randrange(ndim)] = _interesting_int(rng, numel)
        elif what == "stride" and stride:
            stride[rng.randrange(len(stride))] = _interesting_int(rng, numel)
        elif what == "offset":
            offset = _interesting_int(rng, numel)
        elif what == "numel":
            declared = _interesting_int(rng, numel)
        elif what == "record":
            data = data[: rng.randrange(len(data) + 1)] if rng.random() < 0.5 else data + b"\0" * rng.randint(1, 9)
        elif what == "ndim" and stride:
            stride = stride[:-1]
    if declared > 2 ** 40 or declared < 0:
        declared = max(min(declared, 2 ** 40), -5)
    blob = archive(Record(StorageRef("0", kind, declared), offset, size, stride), {"0": data})
    return blob, _expected_layout(values, data, declared, offset, size, stride, np_dtype, kind)


def _expected_layout(values, data, declared, offset, size, stride, np_dtype, kind):
    """PyTorch's rules, stated independently of the loader: the record length must equal the declared
    element count, and a non-empty tensor must lie within the storage with non-negative strides."""
    if declared < 0 or len(data) != declared * np_dtype.itemsize or len(size) != len(stride) or offset < 0:
        return None
    if any(n < 0 for n in size) or math.prod(size) >= 2 ** 63:
        return None
    if math.prod(size) == 0:
        if math.prod(max(n, 1) for n in size) * np_dtype.itemsize >= 2 ** 63:
            return "refused as too large"  # XLA cannot hold such an extent, even empty
        return ("empty", tuple(size))
    if any(s < 0 for s in stride) or offset + sum((n - 1) * s for n, s in zip(size, stride)) >= declared:
        return None
    if math.prod(size) * np_dtype.itemsize > max(len(data), 1 << 30):
        return "refused as too large"  # a view larger than its storage would be materialised
    if math.prod(size) > 1 << 22:
        return "large"  # valid, but too large to build element by element here: checked at sampled points
    out = np.empty(size, dtype=values.dtype)
    for index in np.ndindex(*size):
        out[index] = values[offset + sum(i * s for i, s in zip(index, stride))]
    return out != 0 if kind == "BoolStorage" else out


# ----------------------------------------------------------------------------------------------------------
# byte-level mutations of real checkpoints
def seed_checkpoints() -> list:
    """Valid checkpoints written by torchlike.save: a model's state, shared views, dtypes, nesting."""
    import torchlike as torch
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    base = torch.arange(12.0).reshape(3, 4)
    objects = [
        model.state_dict(),
        {"base": base, "col": base[:, 1], "t": base.t(), "tail": base[1:], "row": base[2]},
        {"f64": torch.ones(2, dtype=torch.float64), "i64": torch.arange(3), "b": torch.tensor([True, False]),
         "bf16": torch.ones(2, dtype=torch.bfloat16), "u8": torch.arange(4, dtype=torch.uint8),
         "zero_d": torch.tensor(2.5), "empty": torch.ones(0, 3)},
        [1, "two", (3.0, None), {"p": torch.nn.Parameter(torch.ones(2))}, torch.Size([2, 3]), torch.float16],
    ]
    blobs = []
    for obj in objects:
        buf = io.BytesIO()
        torch.save(obj, buf)
        blobs.append(buf.getvalue())
    return blobs


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3, 8])):
        op = rng.choice(["flip", "set", "insert", "delete", "splice", "int32"])
        at = rng.randrange(max(len(b), 1))
        if op == "flip" and b:
            b[at] ^= 1 << rng.randrange(8)
        elif op == "set" and b:
            b[at] = rng.choice([0, 1, 0x7F, 0x80, 0xFF, rng.randrange(256)])
        elif op == "insert":
            b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        elif op == "delete":
            del b[at:at + rng.randint(1, 4)]
        elif op == "splice" and len(b) > 8:
            src = rng.randrange(len(b) - 4)
            b[at:at + 4] = b[src:src + 4]
        elif op == "int32" and len(b) >= at + 4:
            b[at:at + 4] = struct.pack("<i", rng.choice([-1, 0, 2 ** 31 - 1, 2 ** 20, rng.randint(-99, 99)]))
    if rng.random() < 0.1:
        b = b[: rng.randrange(len(b) + 1)]
    return bytes(b)


def pickle_case(rng: random.Random, seeds: list) -> bytes:
    zf = zipfile.ZipFile(io.BytesIO(rng.choice(seeds)))
    records = {n: zf.read(n) for n in zf.namelist()}
    pkl = next(n for n in records if n.endswith("data.pkl"))
    records[pkl] = _mutate_bytes(rng, records[pkl])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in records.items():
            z.writestr(name, data)
    return out.getvalue()


def archive_case(rng: random.Random, seeds: list) -> bytes:
    return _mutate_bytes(rng, rng.choice(seeds))


# ----------------------------------------------------------------------------------------------------------
# the worker
def _tensors(obj, seen=None):
    import torchlike as torch
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _tensors(v, seen)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _tensors(v, seen)


def _allowed_exception(e: BaseException) -> bool:
    module = type(e).__module__
    return module == "builtins" or module.startswith("torchlike") or isinstance(e, pickle.UnpicklingError)


def _check_layout_result(result, error, expected) -> str:
    if expected is None:
        assert isinstance(error, (RuntimeError, TypeError)), f"an invalid record loaded or raised {error!r}"
        return "refused"
    if isinstance(expected, str) and expected == "refused as too large":
        assert isinstance(error, NotImplementedError), f"a huge overlapping view gave {error!r}"
        return "too large"
    assert error is None, f"a valid record failed to load: {error!r}"
    if isinstance(expected, tuple):
        assert tuple(result.shape) == expected[1] and result.numel() == 0, (result.shape, expected)
        return "loaded"
    got = result.numpy()
    if isinstance(expected, str):  # large: sampled
        assert got.shape == tuple(result.shape)
        return "loaded"
    assert got.shape == expected.shape and got.dtype == expected.dtype, (got.shape, got.dtype, expected.dtype)
    assert np.array_equal(got, expected, equal_nan=got.dtype.kind == "f"), "values differ from the storage's"
    return "loaded"


def run_one(seed: int, index: int, seeds: list) -> str:
    import torchlike as torch
    rng = random.Random(seed * 1_000_003 + index)
    family = rng.choice(["layout", "layout", "pickle", "archive"])
    expected = None
    if family == "layout":
        blob, expected = layout_case(rng)
    elif family == "pickle":
        blob = pickle_case(rng, seeds)
    else:
        blob = archive_case(rng, seeds)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result = error = None
    try:
        result = torch.load(io.BytesIO(blob))
    except Exception as e:  # noqa: BLE001 - the point is to classify every failure
        error = e
    dense = sum(t.numel() * t.element_size() for t in _tensors(result))
    for t in _tensors(result):
        np.asarray(t.detach().float().numpy() if t.dtype == torch.bfloat16 else t.detach().numpy())
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    # The tensors are held once and copied once more when this check reads them back through numpy.
    assert grown <= 1.5 * len(blob) + 2 * dense + SLACK, f"peak memory grew by {grown} bytes"
    if family == "layout":
        return f"{family} {_check_layout_result(result, error, expected)}"
    assert error is None or _allowed_exception(error), f"{type(error).__module__}.{type(error).__name__}: {error}"
    return f"{family} " + ("loaded" if error is None else type(error).__name__)


def main(argv) -> int:
    seed, start, count = (int(a) for a in argv[1:4])
    import warnings
    warnings.simplefilter("ignore")
    seeds = seed_checkpoints()
    for index in range(start, start + count):
        print(f"begin {index}", flush=True)
        print(f"end {index} {run_one(seed, index, seeds)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
