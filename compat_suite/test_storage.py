"""Tensor storages against PyTorch: which tensors share one, the byte offsets of views, sizes, and
the errors; and a safetensors-style check for shared tensors (its save reads these)."""
import warnings

import pytest

from .harness import torch, torchlike


def _layouts(t):
    x = t.arange(24, dtype=t.float32).reshape(4, 6)
    views = {"x": x, "row": x[1], "col": x[:, 2], "slice": x[1:3, 2:], "t": x.t(), "flat": x.view(-1)[5:]}
    other = t.arange(24, dtype=t.float32).reshape(4, 6)
    out = {}
    for name, v in views.items():
        s = v.untyped_storage()
        out[name] = (v.data_ptr() - x.data_ptr(), s.data_ptr() == x.data_ptr(), s.nbytes(), s.size(),
                     v.storage_offset())
    out["other"] = (other.untyped_storage().data_ptr() == x.untyped_storage().data_ptr(),)
    out["empty"] = (t.empty(0).data_ptr(), t.empty(0).untyped_storage().nbytes())
    for d in (t.float64, t.int64, t.bool, t.bfloat16, t.int8):
        y = t.zeros(3, 2, dtype=d)
        out[str(d)] = (y.untyped_storage().nbytes(), y[1].data_ptr() - y.data_ptr(), y.element_size())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts = x[1:].storage()
        out["typed"] = (ts.size(), len(ts), ts.nbytes(), ts.element_size(), ts.data_ptr() == x.data_ptr(),
                        ts.tolist()[:3], type(ts).__name__, type(ts.untyped()).__name__)
    return out


def test_storage_layouts_as_torch():
    assert _layouts(torchlike) == _layouts(torch)


def test_storage_bytes_are_the_tensors():
    x = torchlike.tensor([1.0, 2.0], dtype=torchlike.float32)
    y = torch.tensor([1.0, 2.0], dtype=torch.float32)
    assert x.untyped_storage().tolist() == y.untyped_storage().tolist()


def test_data_ptr_reads_the_tensor_bytes():
    # safetensors' save builds a numpy array over data_ptr(): the address must hold the values
    import ctypes
    import numpy as np
    x = torchlike.arange(10, dtype=torchlike.float64).reshape(2, 5)[1]
    buf = np.ctypeslib.as_array(ctypes.cast(x.data_ptr(), ctypes.POINTER(ctypes.c_double)), (5,))
    assert buf.tolist() == [5.0, 6.0, 7.0, 8.0, 9.0]


def test_storage_deprecation_warning_as_torch():
    torch.storage._set_always_warn_typed_storage_removal(True)  # (PyTorch warns once per process)
    torchlike.storage._warned[0] = False
    messages = []
    try:
        for t in (torch, torchlike):
            with pytest.warns(UserWarning, match="TypedStorage is deprecated") as got:
                t.ones(2).storage()
            messages.append(str(got[0].message))
    finally:
        torch.storage._set_always_warn_typed_storage_removal(False)
    assert messages[0] == messages[1]


def test_standalone_storages_refused():
    with pytest.raises(NotImplementedError, match="standalone storages"):
        torchlike.UntypedStorage(4)
    with pytest.raises(NotImplementedError, match="from_file"):
        torchlike.UntypedStorage.from_file("x", False, 4)
