"""Core behaviours: storage sharing, views, in-place writes, promotion basics."""
import torchlike as torch


def test_detach_shares_storage():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x.detach()
    a += 1
    assert x.tolist() == [2.0, 3.0]
    assert x._version == 1


def test_view_write_is_seen_by_base():
    x = torch.zeros(2, 3)
    v = x[1]
    v.add_(5)
    assert x.tolist() == [[0, 0, 0], [5, 5, 5]]
    x[0, 0] = 7
    assert x.t()[0].tolist() == [7, 5]


def test_int_plus_int_scalar_stays_int64():
    x = torch.tensor([[1, 2], [3, 4]])
    y = x + 1
    assert y.dtype is torch.int64
    assert y.tolist() == [[2, 3], [4, 5]]


def test_backward_simple():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]


def test_kernel_cache_tells_false_from_zero():
    x = torch.ones(2, 3)
    assert tuple(x.sum(0).shape) == (3,)
    assert tuple(torch.var(x, 0).shape) == (3,)
    assert tuple(torch.var(x, False).shape) == ()  # the legacy (input, unbiased) form


def test_tensors_land_on_the_device_asked_for_when_unplaced_arrays_go_elsewhere():
    """On a GPU machine torchlike sends unplaced arrays to the CPU, so a fast copy that relies on
    that default must not serve a tensor asked for elsewhere. Simulated with two host devices and
    the default moved to the second; small ops with a constant (deferred or not) stay there too."""
    import os
    import subprocess
    import sys
    code = (
        "import jax, numpy as np, torchlike as torch\n"
        "from torchlike._ops.creation import place\n"
        "jax.config.update('jax_default_device', jax.devices()[1])\n"
        "t = place(np.arange(3.0), 'cpu')\n"
        "assert t.jax().devices() == {jax.devices()[0]}, t.jax().devices()\n"
        "x = torch.tensor([1.0, 2.0])\n"
        "assert x.jax().devices() == {jax.devices()[0]}\n"
        "for _ in range(5):\n"
        "    y = x * 0.5 + 1\n"
        "assert y.jax().devices() == {jax.devices()[0]} and y.tolist() == [1.5, 2.0]\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, JAX_PLATFORMS="cpu", XLA_FLAGS="--xla_force_host_platform_device_count=2",
               PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
