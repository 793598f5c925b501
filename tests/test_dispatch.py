"""The eager fast path (registry `Op.__call__`): a call that repeats an earlier call's form reuses its
kernel, and must give exactly what the full path gives, whatever was called before."""
import numpy as np

import torchlike as torch


def test_zero_dim_operands_promote_below_dimensioned_ones():
    a = torch.tensor(3.0, dtype=torch.bfloat16) * torch.tensor(8.0)
    assert a.dtype == torch.float32          # both 0-d: float32 wins
    b = torch.ones(2, dtype=torch.bfloat16) * torch.tensor(8.0)
    assert b.dtype == torch.bfloat16         # a 0-d float32 does not lift a 1-d bfloat16
    c = torch.tensor(3.0, dtype=torch.bfloat16) * torch.tensor(8.0)
    assert c.dtype == torch.float32


def test_scalars_keyed_by_type_and_bits():
    x = torch.ones(3)
    assert not np.signbit(np.asarray(x * 0.0)).any()
    assert np.signbit(np.asarray(x * -0.0)).all()
    assert not np.signbit(np.asarray(x * 0.0)).any()
    i = torch.tensor([1, 2])
    assert (i + 1).dtype == torch.int64 and (i + 1.0).dtype == torch.float32 and (i + True).dtype == torch.int64
    b = torch.tensor([True, False])
    assert (b + True).dtype == torch.bool and (b + 1).dtype == torch.int64
    assert (b + True).tolist() == [True, True]


def test_default_dtype_change_picks_new_kernels():
    i = torch.arange(4)
    assert (i / 2).dtype == torch.float32
    torch.set_default_dtype(torch.float64)
    try:
        assert (i / 2).dtype == torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    assert (i / 2).dtype == torch.float32


def test_view_ops_on_the_fast_path_alias_their_base():
    for k in range(3):
        base = torch.zeros(5)
        v = torch.narrow(base, 0, 1, 2)
        v.add_(k + 1)
        assert base.tolist() == [0, k + 1, k + 1, 0, 0]


def test_errors_on_the_fast_path_are_the_full_paths():
    a, b = torch.ones(3), torch.ones(3)
    a + b
    try:
        a + torch.ones(4)
    except RuntimeError as e:
        assert "must match the size of tensor b (4) at non-singleton dimension 0" in str(e)
    else:
        raise AssertionError("no error")


def test_grad_recorded_on_the_fast_path():
    w = torch.ones(3, requires_grad=True)
    for _ in range(3):
        y = torch.mul(w, 2.0)
        assert y.grad_fn is not None and y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    assert w.grad.tolist() == [2.0, 2.0, 2.0]
