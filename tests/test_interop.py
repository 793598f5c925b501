"""Interop: jax arrays in and out without copies, DLPack exchange with numpy and JAX (no PyTorch needed)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import torchlike as torch
from torchlike.utils import dlpack


def _pointer(a) -> int:
    return a.unsafe_buffer_pointer()


def test_jax_round_trip_is_the_same_array():
    a = jnp.arange(6.0, dtype=jnp.float32).reshape(2, 3)
    t = torch.from_jax(a)
    assert t.jax() is a
    assert t.dtype is torch.float32 and t.shape == (2, 3)
    np.testing.assert_array_equal(t.numpy(), np.asarray(a))


def test_jax_dtypes_map_to_torch_dtypes():
    for dt, expected in [(jnp.int64, torch.int64), (jnp.bfloat16, torch.bfloat16), (jnp.bool_, torch.bool)]:
        assert torch.from_jax(jnp.zeros(2, dt)).dtype is expected


def test_from_jax_refuses_other_objects():
    with pytest.raises(TypeError, match="jax.Array"):
        torch.from_jax(np.zeros(2))


def test_inplace_on_imported_tensor_leaves_the_jax_array_alone():
    a = jnp.zeros(3)
    t = torch.from_jax(a)
    t.add_(1)
    np.testing.assert_array_equal(np.asarray(a), [0, 0, 0])  # jax arrays are immutable
    np.testing.assert_array_equal(t.numpy(), [1, 1, 1])


def test_view_jax_is_derived_from_its_base():
    t = torch.arange(6.0).reshape(2, 3)
    v = t[1]
    np.testing.assert_array_equal(np.asarray(v.jax()), [3, 4, 5])


def test_torchlike_code_runs_inside_jax_transforms():
    def f(a):
        return (torch.from_jax(a).sin() * 2).sum().jax()
    x = jnp.array([0.0, 1.0])
    np.testing.assert_allclose(jax.grad(f)(x), 2 * np.cos(np.asarray(x)), rtol=1e-6)
    np.testing.assert_allclose(jax.jit(f)(x), 2 * np.sin(1.0), rtol=1e-6)


def test_numpy_from_dlpack_shares_the_buffer():
    t = torch.arange(1024.0)
    n = np.from_dlpack(t)
    assert n.ctypes.data == _pointer(t.jax())
    np.testing.assert_array_equal(n, np.arange(1024.0))
    assert t.__dlpack_device__()[0] == 1  # kDLCPU


def test_jax_from_dlpack_shares_the_buffer():
    t = torch.ones(4, 4)
    a = jax.dlpack.from_dlpack(t)
    assert _pointer(a) == _pointer(t.jax())


def test_capsule_round_trip_and_single_use():
    t = torch.arange(12, dtype=torch.int32).reshape(3, 4)
    capsule = dlpack.to_dlpack(t)
    u = dlpack.from_dlpack(capsule)
    assert u.dtype is torch.int32 and u.shape == (3, 4)
    assert _pointer(u.jax()) == _pointer(t.jax())
    with pytest.raises(RuntimeError, match="consumed only once"):
        dlpack.from_dlpack(capsule)


def test_from_dlpack_numpy_and_jax_and_torchlike():
    n = np.arange(5, dtype=np.float64)
    t = torch.from_dlpack(n)
    assert t.dtype is torch.float64
    np.testing.assert_array_equal(t.numpy(), n)
    a = jnp.arange(3, dtype=jnp.int16)
    assert torch.from_dlpack(a).dtype is torch.int16
    assert _pointer(torch.from_dlpack(a).jax()) == _pointer(a)
    s = torch.ones(2)
    assert torch.from_dlpack(s).jax() is s.jax()
    assert torch.from_dlpack is torch.utils.dlpack.from_dlpack


def test_from_dlpack_of_a_tensor_shares_writes_and_refuses_grad():
    a = torch.zeros(3)
    torch.from_dlpack(a).add_(1)
    np.testing.assert_array_equal(a.numpy(), np.ones(3, np.float32))
    with pytest.raises(BufferError, match="require gradient"):
        torch.from_dlpack(torch.ones(2, requires_grad=True))


def test_from_dlpack_refuses_objects_without_dlpack():
    with pytest.raises(TypeError, match="__dlpack__"):
        torch.from_dlpack([1, 2, 3])
