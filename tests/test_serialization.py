"""torchlike.save/load alone: the archive layout, round trips, views, weights_only, errors."""
import collections
import io
import pickle
import zipfile

import numpy as np
import pytest

import torchlike as torch


def _roundtrip(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, **kw), buf.getvalue()


def test_archive_layout():
    _, raw = _roundtrip({"w": torch.ones(2, 3)})
    z = zipfile.ZipFile(io.BytesIO(raw))
    assert z.namelist() == ["archive/data.pkl", "archive/.format_version", "archive/.storage_alignment",
                            "archive/byteorder", "archive/data/0", "archive/version",
                            "archive/.data/serialization_id"]
    assert z.read("archive/version") == b"3\n" and z.read("archive/byteorder") == b"little"
    assert np.frombuffer(z.read("archive/data/0"), np.float32).tolist() == [1.0] * 6
    pkl = z.read("archive/data.pkl")
    assert b"torch._utils\n_rebuild_tensor_v2" in pkl and b"torch\nFloatStorage" in pkl


def test_roundtrip_values_dtypes_and_python_objects():
    obj = collections.OrderedDict(a=torch.arange(6).reshape(2, 3), b=torch.tensor([1.5], dtype=torch.bfloat16),
                                  c=torch.tensor([True, False]), n=3, s="x", t=(1, None), d=torch.float16,
                                  z=torch.Size([2, 3]))
    got, _ = _roundtrip(obj)
    assert list(got) == list(obj) and isinstance(got, collections.OrderedDict)
    assert got["a"].tolist() == [[0, 1, 2], [3, 4, 5]] and got["a"].dtype == torch.int64
    assert got["b"].dtype == torch.bfloat16 and got["b"].float().tolist() == [1.5]
    assert got["c"].tolist() == [True, False] and got["d"] is torch.float16 and got["z"] == torch.Size([2, 3])
    assert (got["n"], got["s"], got["t"]) == (3, "x", (1, None))


def test_views_share_storage_after_roundtrip():
    base = torch.arange(12.0).reshape(3, 4)
    got, raw = _roundtrip({"base": base, "col": base[:, 1], "tail": base[1:]})
    assert len([n for n in zipfile.ZipFile(io.BytesIO(raw)).namelist() if "/data/" in n]) == 1
    got["base"].mul_(-1)
    assert got["col"].tolist() == [-1.0, -5.0, -9.0] and got["tail"][0, 0].item() == -4.0


def test_parameter_and_requires_grad():
    p = torch.nn.Parameter(torch.ones(2))
    got, _ = _roundtrip({"p": p, "g": torch.zeros(1, requires_grad=True)})
    assert isinstance(got["p"], torch.nn.Parameter) and got["p"].requires_grad and got["g"].requires_grad


def test_weights_only_default_refuses_other_globals():
    import fractions
    buf = io.BytesIO()
    torch.save({"f": fractions.Fraction(1, 2)}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(buf)
    buf.seek(0)
    assert torch.load(buf, weights_only=False)["f"] == fractions.Fraction(1, 2)


def test_paths_and_map_location(tmp_path):
    path = tmp_path / "m.pt"
    torch.save([torch.ones(1)], path)
    assert zipfile.ZipFile(path).namelist()[0] == "m/data.pkl"
    assert torch.load(str(path), map_location="cpu")[0].device == torch.device("cpu")
    assert torch.load(path, map_location=torch.device("cpu"))[0].tolist() == [1.0]


def test_bad_files():
    with pytest.raises(pickle.UnpicklingError, match="Unsupported operand 103"):
        torch.load(io.BytesIO(b"garbage"))
    with pytest.raises(NotImplementedError, match="legacy"):
        torch.save({}, io.BytesIO(), _use_new_zipfile_serialization=False)
