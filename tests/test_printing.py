"""Known repr strings of tensors (PyTorch's format)."""
import numpy as np
import pytest

import torchlike as torch
from torchlike import _tensor_str


@pytest.fixture(autouse=True)
def _default_options():
    yield
    torch.set_printoptions(profile="default")


def test_int_valued_floats():
    assert repr(torch.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(torch.tensor(3.0)) == "tensor(3.)"


def test_fixed_and_scientific():
    assert repr(torch.tensor([0.5, -1.25])) == "tensor([ 0.5000, -1.2500])"
    assert repr(torch.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(torch.tensor([1.0, 2000.0])) == "tensor([1.0000e+00, 2.0000e+03])"


def test_nonfinite_and_negative_zero():
    assert repr(torch.tensor([float("nan"), 1.0, float("-inf")])) == "tensor([nan, 1., -inf])"
    assert repr(torch.tensor([-0.0, 0.5])) == "tensor([-0.0000, 0.5000])"


def test_ints_bools_complex():
    assert repr(torch.tensor([1, -20, 300])) == "tensor([  1, -20, 300])"
    assert repr(torch.tensor([1, 2], dtype=torch.int32)) == "tensor([1, 2], dtype=torch.int32)"
    assert repr(torch.tensor([True, False])) == "tensor([ True, False])"
    assert repr(torch.tensor([1 + 2j, -0.5 - 1j])) == "tensor([ 1.0000+2.j, -0.5000-1.j])"


def test_empty():
    assert repr(torch.tensor([])) == "tensor([])"
    assert repr(torch.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(torch.zeros(0, dtype=torch.int64)) == "tensor([], dtype=torch.int64)"


def test_nested_blocks():
    x = torch.tensor(np.arange(8, dtype=np.float32).reshape(2, 2, 2))
    assert repr(x) == "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])"


def test_summarised():
    x = torch.tensor(np.arange(2000, dtype=np.int64))
    assert repr(x) == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"


def test_wrapping_at_line_width():
    x = torch.tensor(np.arange(20, dtype=np.float64) + 0.5)
    assert repr(x) == ("tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n"
                       "         8.5000,  9.5000, 10.5000, 11.5000, 12.5000, 13.5000, 14.5000, 15.5000,\n"
                       "        16.5000, 17.5000, 18.5000, 19.5000], dtype=torch.float64)")


def test_autograd_suffixes():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x + 1) == "tensor([2., 3.], grad_fn=<AddBackward0>)"


def test_parameter_and_subclass():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    assert _tensor_str.parameter_repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"

    class MyTensor(torch.Tensor):
        pass
    assert repr(MyTensor._wrap(torch.tensor([1.5])._data)) == "MyTensor([1.5000])"


def test_set_printoptions():
    torch.set_printoptions(precision=2)
    assert repr(torch.tensor([0.123456])) == "tensor([0.12])"
    assert _tensor_str.PRINT_OPTS.precision == 2
    torch.set_printoptions(sci_mode=True)
    assert repr(torch.tensor([1.5])) == "tensor([1.50e+00])"
    torch.set_printoptions(profile="default")
    assert _tensor_str.get_printoptions() == {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
                                              "sci_mode": None}
    with _tensor_str.printoptions(precision=1):
        assert repr(torch.tensor([0.25])) == "tensor([0.2])"
    assert repr(torch.tensor([0.25])) == "tensor([0.2500])"


def test_str_and_format():
    x = torch.tensor([0.5])
    assert str(x) == repr(x)
    assert f"{torch.tensor(2.5):.3f}" == "2.500"
