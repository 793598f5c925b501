"""torch.save/torch.load against real PyTorch: files written by torchlike load in PyTorch with the same keys,
dtypes and values (and views still sharing storage), and files written by PyTorch load in torchlike."""

import collections
import io
import pickle
import struct
import zipfile

import numpy as np
import pytest

from .checkpoint_craft import Record, StorageRef, archive
from .harness import check_error, randint, randn, similar, torch, torchlike

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
          "complex64"]


def _tensor(t, dtype, shape=(3, 4), seed=0):
    if dtype == "bool":
        return t.tensor(randint(0, 2, *shape, seed=seed).astype(bool))
    if dtype.startswith(("int", "uint")):
        return t.tensor(randint(-50 if dtype != "uint8" else 0, 50, *shape, seed=seed).astype(dtype))
    if dtype == "complex64":
        return t.tensor((randn(*shape, seed=seed) + 1j * randn(*shape, seed=seed + 1)).astype(np.complex64))
    x = t.tensor(randn(*shape, seed=seed))
    return x.to(getattr(t, dtype))


def state_dict_like(t):
    sd = collections.OrderedDict()
    for i, d in enumerate(DTYPES):
        sd[f"layer{i}.weight"] = _tensor(t, d, seed=i)
    sd["layer0.bias"] = _tensor(t, "float32", (4,), seed=40)
    sd["scalar"] = t.tensor(3.5)
    sd["empty"] = t.zeros(0, 3)
    sd["num_batches_tracked"] = t.tensor(7)
    return sd


def nested(t):
    base = _tensor(t, "float32", (4, 6), seed=2)
    return {"model": state_dict_like(t), "epoch": 12, "lr": 3e-4, "name": "run-1", "none": None, "flag": True,
            "list": [1, 2.5, "x", (3, 4), [None]], "tuple": (1, (2, 3)), "shape": t.Size([2, 3]),
            "dtype": t.float16, "dtypes": [t.bfloat16, t.int64, t.bool], "base": base, "row": base[1],
            "cols": base[:, 2:5], "t": base.t(), "strided": base[::2, ::3], "same": [base, base],
            "bytes": b"\x00\x01ab", "set": {1, 2}, "device": t.device("cpu"), "inf": float("inf")}


def _assert_same(a, b, path="obj"):
    """a from one library, b from the other: same structure, keys, dtypes, values."""
    if isinstance(a, (torch.Tensor, torchlike.Tensor)):
        assert isinstance(b, (torch.Tensor, torchlike.Tensor)), path
        assert str(a.dtype) == str(b.dtype), f"{path}: {a.dtype} vs {b.dtype}"
        assert tuple(a.shape) == tuple(b.shape), path
        assert a.requires_grad == b.requires_grad, path
        x, y = a.detach(), b.detach()
        if "bfloat16" in str(a.dtype):
            x, y = x.float(), y.float()
        np.testing.assert_array_equal(np.asarray(x.numpy()), np.asarray(y.numpy()), err_msg=path)
        return
    assert type(a).__name__ == type(b).__name__ or {type(a).__name__, type(b).__name__} <= {"Size", "tuple"}, \
        f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            _assert_same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{path}[{i}]")
    elif hasattr(a, "is_floating_point") or type(a).__name__ in ("dtype", "device"):
        assert str(a) == str(b), path
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


def _roundtrip(src, dst, make, **load_kw):
    buf = io.BytesIO()
    src.save(make(src), buf)
    buf.seek(0)
    return make(dst), dst.load(buf, **load_kw)


@pytest.mark.parametrize("make", [state_dict_like, nested], ids=["state_dict", "nested"])
@pytest.mark.parametrize("direction", ["torchlike->torch", "torch->torchlike"])
def test_roundtrip(make, direction):
    src, dst = (torchlike, torch) if direction == "torchlike->torch" else (torch, torchlike)
    expect, got = _roundtrip(src, dst, make)
    _assert_same(expect, got)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("direction", ["torchlike->torch", "torch->torchlike"])
def test_each_dtype(dtype, direction):
    src, dst = (torchlike, torch) if direction == "torchlike->torch" else (torch, torchlike)
    expect, got = _roundtrip(src, dst, lambda t: {"x": _tensor(t, dtype, (2, 3, 2), seed=9)})
    _assert_same(expect, got)


def _is_view_of(lib, v, base):
    if lib is torch:
        return v.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    before = float(v.flatten()[0])
    base.add_(1000)
    return abs(float(v.flatten()[0]) - (before + 1000)) < 1e-3


@pytest.mark.parametrize("direction", ["torchlike->torch", "torch->torchlike"])
@pytest.mark.parametrize("key", ["row", "cols", "t", "strided"])
def test_views_share_storage_after_load(direction, key):
    """Views saved with their base come back as views: offsets and strides into one storage."""
    src, dst = (torchlike, torch) if direction == "torchlike->torch" else (torch, torchlike)
    expect, got = _roundtrip(src, dst, nested)
    _assert_same(expect[key], got[key])
    if dst is torch:
        assert got[key].stride() == expect[key].stride()
        assert got[key].storage_offset() == expect[key].storage_offset()
    assert got["same"][0] is got["same"][1]
    assert _is_view_of(dst, got[key], got["base"])


def test_view_offsets_and_strides_written_like_torch():
    """The pickled (offset, size, stride) of views equal what PyTorch writes."""
    def layouts(lib):
        buf = io.BytesIO()
        lib.save(nested(lib), buf)
        loaded = torch.load(io.BytesIO(buf.getvalue()))
        return {k: (loaded[k].storage_offset(), loaded[k].stride()) for k in ("row", "cols", "t", "strided")}
    assert layouts(torchlike) == layouts(torch)


def _optimizer_state_dict(t, name="Adam", **kw):
    params = [t.tensor(randn(3, 4, seed=1), requires_grad=True), t.tensor(randn(4, seed=2), requires_grad=True)]
    opt = getattr(t.optim, name)(params, lr=0.01, **kw)
    for k in range(3):
        for i, p in enumerate(params):
            p.grad = t.tensor(randn(*p.shape, seed=10 * k + i))
        opt.step()
    return opt.state_dict()


@pytest.mark.parametrize("name,kw", [("Adam", {}), ("Adam", {"amsgrad": True}), ("SGD", {"momentum": 0.9}),
                                     ("RMSprop", {"centered": True, "momentum": 0.5}), ("NAdam", {}),
                                     ("Adagrad", {})])
@pytest.mark.parametrize("direction", ["torchlike->torch", "torch->torchlike"])
def test_optimizer_state_dict(name, kw, direction):
    src, dst = (torchlike, torch) if direction == "torchlike->torch" else (torch, torchlike)
    expect, got = _roundtrip(src, dst, lambda t: _optimizer_state_dict(t, name, **kw))
    for i in expect["state"]:
        for k in expect["state"][i]:
            a, b = expect["state"][i][k], got["state"][i][k]
            assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1.3e-5, atol=1e-6)
    assert expect["param_groups"] == got["param_groups"]


def test_parameters_and_requires_grad():
    for src, dst in ((torchlike, torch), (torch, torchlike)):
        def make(t):
            return {"p": t.nn.Parameter(t.tensor(randn(2, 3))), "frozen": t.nn.Parameter(t.ones(2), requires_grad=False),
                    "leaf": t.ones(3, requires_grad=True)}
        expect, got = _roundtrip(src, dst, make)
        _assert_same(expect, got)
        assert type(got["p"]).__name__ == "Parameter"


@pytest.mark.parametrize("make", [state_dict_like, nested], ids=["state_dict", "nested"])
def test_torchlike_file_records_match_torch(make):
    """The same records in the same order, byte for byte (data.pkl included), as a PyTorch-written file."""
    def records(lib):
        buf = io.BytesIO()
        lib.save(make(lib), buf)
        z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
        return [(n, z.read(n)) for n in z.namelist() if not n.endswith("serialization_id")]
    a, b = records(torch), records(torchlike)
    assert [n for n, _ in a] == [n for n, _ in b]
    for (n, x), (_, y) in zip(a, b):
        # nested: Python's pickler may memoize an equal string PyTorch writes twice ('cpu'); same objects load
        assert x == y or (make is nested and n.endswith("data.pkl")), n


def test_data_records_are_64_byte_aligned():
    buf = io.BytesIO()
    torchlike.save(state_dict_like(torchlike), buf)
    data = buf.getvalue()
    z = zipfile.ZipFile(io.BytesIO(data))
    for info in z.infolist():
        o = info.header_offset
        name_len, extra_len = int.from_bytes(data[o + 26:o + 28], "little"), int.from_bytes(data[o + 28:o + 30], "little")
        assert (o + 30 + name_len + extra_len) % 64 == 0, info.filename


def test_weights_only_refuses_arbitrary_objects_like_torch():
    import fractions
    for src in (torch, torchlike):
        buf = io.BytesIO()
        src.save({"a": fractions.Fraction(1, 3)}, buf)
        errs = []
        for dst in (torch, torchlike):
            buf.seek(0)
            with pytest.raises(pickle.UnpicklingError) as e:
                dst.load(buf)
            errs.append(str(e.value).replace("\x1b[1m", "").replace("\x1b[0m", ""))
        assert errs[0].split("WeightsUnpickler error:")[1][:120] == errs[1].split("WeightsUnpickler error:")[1][:120]
        buf.seek(0)
        assert torchlike.load(buf, weights_only=False)["a"] == fractions.Fraction(1, 3)


def test_module_state_dict_from_torch_loads_into_arrays():
    lin = torch.nn.Linear(4, 3)
    seq = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 2))
    for m in (lin, seq):
        buf = io.BytesIO()
        torch.save(m.state_dict(), buf)
        buf.seek(0)
        got = torchlike.load(buf)
        _assert_same(m.state_dict(), got)


def test_map_location_cpu_and_device():
    buf = io.BytesIO()
    torch.save({"x": torch.ones(2)}, buf)
    for loc in ("cpu", torchlike.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage):
        buf.seek(0)
        got = torchlike.load(buf, map_location=loc)
        assert got["x"].device == torchlike.device("cpu") and got["x"].tolist() == [1.0, 1.0]


def test_paths_and_pathlib(tmp_path):
    import pathlib
    p = tmp_path / "ckpt.pth"
    torchlike.save(nested(torchlike), p)
    _assert_same(nested(torch), torch.load(str(p)))
    torch.save(nested(torch), str(tmp_path / "b.pt"))
    _assert_same(nested(torch), torchlike.load(pathlib.Path(tmp_path / "b.pt")))
    assert zipfile.ZipFile(p).namelist()[0] == "ckpt/data.pkl"


def _zip_of(records: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in records.items():
            z.writestr(name, data)
    return buf.getvalue()


def _checkpoint_bytes() -> bytes:
    buf = io.BytesIO()
    torch.save({"x": torch.ones(3)}, buf)
    return buf.getvalue()


NOT_CHECKPOINTS = {
    "text": b"not a checkpoint at all",
    "empty": b"",
    "plain_pickle_protocol_2": pickle.dumps({"a": 1}, protocol=2),
    "plain_pickle_protocol_5": pickle.dumps({"a": 1}, protocol=5),
    "pk_header_not_a_zip": b"PK\x03\x04" + b"garbage" * 10,
    "truncated_checkpoint": _checkpoint_bytes()[:300],
    "checkpoint_missing_its_end": _checkpoint_bytes()[:-40],
    "zip_without_version_record": _zip_of({"a/b.txt": b"x"}),
    "zip_with_empty_data_pkl": _zip_of({"archive/data.pkl": b"", "archive/version": b"3\n"}),
    "zip_with_garbage_data_pkl": _zip_of({"archive/data.pkl": b"\x80\x02garbage", "archive/version": b"3\n"}),
}


@pytest.mark.parametrize("name", list(NOT_CHECKPOINTS))
def test_loading_a_non_checkpoint_raises_torchs_exception(name):
    blob = NOT_CHECKPOINTS[name]
    check_error(lambda t: t.load(io.BytesIO(blob)), name=f"load_{name}", same_message=False)


def test_legacy_format_is_refused_as_not_implemented():
    buf = io.BytesIO()
    torch.save({"x": torch.ones(2)}, buf, _use_new_zipfile_serialization=False)
    buf.seek(0)
    with pytest.raises(NotImplementedError, match="legacy"):
        torchlike.load(buf)


F4 = struct.pack("<4f", 1.0, 2.0, 3.0, 4.0)
# (storage offset, size, stride, declared element count, record bytes): crafted tensor records, as a hostile
# or damaged file would hold them. PyTorch checks each against its storage before reading.
CRAFTED = {
    "valid_matrix": (0, [2, 2], [2, 1], 4, F4),
    "transposed": (0, [2, 2], [1, 2], 4, F4),
    "offset_slice": (1, [3], [1], 4, F4),
    "expanded": (0, [3, 4], [0, 1], 4, F4),
    "zero_d_at_offset": (3, [], [], 4, F4),
    "empty_at_end": (4, [0], [1], 4, F4),
    "empty_with_huge_stride": (0, [0, 5], [2 ** 40, 1], 4, F4),
    "size_past_storage": (0, [64], [1], 4, F4),
    "size_2_26": (0, [2 ** 26], [1], 4, F4),
    "negative_stride": (0, [2], [-2 ** 20], 4, F4),
    "negative_offset": (-1, [2], [1], 4, F4),
    "offset_past_storage": (10, [2], [1], 4, F4),
    "zero_d_past_storage": (7, [], [], 4, F4),
    "record_not_a_multiple_of_the_element": (0, [2], [1], 4, F4[:15]),
    "declared_more_elements_than_recorded": (0, [2], [1], 100, F4),
    "big_view_of_empty_storage": (0, [2 ** 28], [1], 0, b""),
    "negative_size": (0, [-1], [1], 4, F4),
    "numel_overflow": (0, [2 ** 62, 2 ** 62], [1, 1], 4, F4),
    "size_and_stride_lengths_differ": (0, [2, 2], [1], 4, F4),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_tensor_records_load_or_fail_as_in_torch(name):
    offset, size, stride, numel, data = CRAFTED[name]
    blob = archive(Record(StorageRef("0", "FloatStorage", numel), offset, size, stride), {"0": data})
    results = []
    for lib in (torch, torchlike):
        try:
            results.append(lib.load(io.BytesIO(blob)))
        except Exception as e:  # noqa: BLE001 - the exception type is what is compared
            results.append(e)
    want, got = results
    if isinstance(want, Exception):
        assert type(got) is type(want), f"torch raised {want!r}; torchlike gave {got!r}"
        assert similar(str(want), str(got)), (str(want), str(got))
    else:
        assert not isinstance(got, Exception), f"torch loaded it; torchlike raised {got!r}"
        assert tuple(got.shape) == tuple(want.shape) and got.tolist() == want.tolist()
        if want.numel():  # an empty tensor's strides are never read; torchlike gives it row-major ones
            assert got.stride() == want.stride()


def test_a_missing_storage_record_fails_as_in_torch():
    blob = archive(Record(StorageRef("0", "FloatStorage", 4), 0, [4], [1]), {})
    check_error(lambda t: t.load(io.BytesIO(blob)), name="load_missing_record")


def test_a_huge_expanded_record_is_refused_not_materialised():
    """PyTorch loads a 2**29-element expanded view of 4 floats as a view; torchlike has no strided views
    and refuses rather than allocate 2 GiB from a file of a few hundred bytes."""
    blob = archive(Record(StorageRef("0", "FloatStorage", 4), 0, [2 ** 29], [0]), {"0": F4})
    assert torch.load(io.BytesIO(blob)).stride() == (0,)
    with pytest.raises(NotImplementedError, match="materialise"):
        torchlike.load(io.BytesIO(blob))
