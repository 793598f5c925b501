"""Complex tensors against real PyTorch: real/imag/conj views and writes through them, angle, polar,
complex, view_as_real/view_as_complex, dtype promotion, printing, errors, and gradients in PyTorch's
convention (the .grad of a real loss is dL/dx + i dL/dy), through the engine and its one-call replay."""
import numpy as np
import pytest
import torch

import torchlike

from .harness import assert_close, check, check_error, randn


def crandn(*shape, seed=0, dtype=np.complex128):
    return (randn(*shape, dtype=np.float64, seed=seed) + 1j * randn(*shape, dtype=np.float64, seed=seed + 1)).astype(
        dtype)


Z = crandn(3, 4)
W = crandn(3, 4, seed=5)
Z64 = crandn(2, 3, seed=2, dtype=np.complex64)

VALUES = {
    "real": (lambda t, z: t.real(z), Z),
    "imag": (lambda t, z: t.imag(z), Z),
    "Tensor.real": (lambda t, z: z.real * 2, Z64),
    "Tensor.imag": (lambda t, z: z.imag * 2, Z64),
    "real of real": (lambda t, x: t.real(x) * 1, randn(3)),
    "angle complex": (lambda t, z: t.angle(z), Z),
    "angle complex64": (lambda t, z: z.angle(), Z64),
    "angle float": (lambda t, x: t.angle(x), np.array([-1.5, 0.0, 2.0, -0.0], dtype=np.float32)),
    "angle int": (lambda t, x: t.angle(x), np.array([-3, 0, 4])),
    "conj": (lambda t, z: t.conj(z) * 1, Z),
    "conj method": (lambda t, z: z.conj() + z, Z64),
    "conj_physical": (lambda t, z: t.conj_physical(z), Z),
    "resolve_conj": (lambda t, z: t.resolve_conj(z.conj()), Z),
    "resolve_neg": (lambda t, z: t.resolve_neg(z.conj().imag), Z),
    "polar": (lambda t, a, b: t.polar(a, b), np.abs(randn(3, 2, dtype=np.float64)), randn(3, 2, dtype=np.float64,
                                                                                          seed=3)),
    "polar broadcast": (lambda t, a, b: t.polar(a, b), np.abs(randn(3, 1)), randn(1, 4, seed=3)),
    "complex": (lambda t, a, b: t.complex(a, b), randn(4), randn(4, seed=9)),
    "complex float64": (lambda t, a, b: t.complex(a, b), randn(2, 3, dtype=np.float64), randn(3, dtype=np.float64)),
    "view_as_real": (lambda t, z: t.view_as_real(z), Z),
    "view_as_real complex64": (lambda t, z: t.view_as_real(z) * 3, Z64),
    "view_as_complex": (lambda t, x: t.view_as_complex(x), randn(3, 2, dtype=np.float64)),
    "view_as_complex float32": (lambda t, x: t.view_as_complex(x) * 2, randn(2, 4, 2)),
    "abs": (lambda t, z: t.abs(z), Z),
    "sgn": (lambda t, z: t.sgn(z), np.array([1 + 1j, 0j, -2 + 0.5j])),
    "mul mixed": (lambda t, z, x: z * x, Z64, randn(3, dtype=np.float64)),
    "add complex scalar": (lambda t, x: x + (1 - 2j), randn(3)),
    "div complex": (lambda t, z, w: z / w, Z, W),
    "cfloat": (lambda t, x: x.cfloat(), randn(3, dtype=np.float64)),
    "cdouble": (lambda t, x: x.cdouble(), randn(3)),
    "real of conj": (lambda t, z: z.conj().real * 1, Z),
    "imag of conj": (lambda t, z: z.conj().imag * 1, Z),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_values_and_grads(name):
    fn, *inputs = VALUES[name]
    check(fn, *inputs, area="complex", name=name)


# Real losses of complex inputs: PyTorch's gradient convention, through the engine and (repeated) the replay.
LOSSES = {
    "abs squared": lambda t, z, w: (z.abs() ** 2).sum(),
    "real of product": lambda t, z, w: (z * w).real.sum(),
    "imag of product": lambda t, z, w: (z * w).imag.sum(),
    "view_as_real sum": lambda t, z, w: t.view_as_real(z).sum(),
    "view_as_real weighted": lambda t, z, w: (t.view_as_real(z) * t.view_as_real(w)).sum(),
    "angle": lambda t, z, w: z.angle().sum(),
    "conj view": lambda t, z, w: (z.conj() * w).imag.sum(),
    "conj_physical": lambda t, z, w: (z.conj_physical() * w).real.sum(),
    "sgn": lambda t, z, w: (z.sgn() * w).real.sum(),
    "exp and log": lambda t, z, w: (z.exp() + w.log()).imag.sum(),
    "matmul": lambda t, z, w: (z @ w.mT).abs().sum(),
    "polar of parts": lambda t, z, w: t.polar(z.abs(), w.real).imag.sum(),
    "complex of parts": lambda t, z, w: (t.complex(z.real, w.imag * 2) * w).imag.sum(),
    "view_as_complex": lambda t, z, w: (t.view_as_complex(t.view_as_real(z) * 2) * w).real.sum(),
    "vector_norm": lambda t, z, w: t.linalg.vector_norm(z * w),
}


def _grads(t, loss, create_graph=False):
    z = t.tensor(Z, requires_grad=True)
    w = t.tensor(W, requires_grad=True)
    return t.autograd.grad(loss(t, z, w), (z, w), create_graph=create_graph, allow_unused=True)


@pytest.mark.parametrize("name", list(LOSSES))
def test_real_loss_gradient_convention(name):
    for _ in range(3):  # the second and third runs take the replayed one-call backward
        gt, gl = _grads(torch, LOSSES[name]), _grads(torchlike, LOSSES[name])
        for i, (a, b) in enumerate(zip(gt, gl)):
            if a is None or b is None:  # (an input the loss does not use)
                assert a is None and b is None or not (a if a is not None else b).any()
                continue
            assert_close(a, b, name, f"grad {i}")


def test_abs_squared_gradient_is_twice_z():
    z = torchlike.tensor(Z, requires_grad=True)
    (z.abs() ** 2).sum().backward()
    np.testing.assert_allclose(np.asarray(z.grad), 2 * Z)  # d|z|^2/dx + i d|z|^2/dy = 2x + 2iy


@pytest.mark.parametrize("name", ["abs squared", "real of product", "matmul", "conj view"])
def test_double_backward(name):
    def second(t):
        z = t.tensor(Z, requires_grad=True)
        w = t.tensor(W, requires_grad=True)
        gz, gw = t.autograd.grad(LOSSES[name](t, z, w), (z, w), create_graph=True, allow_unused=True)
        loss2 = (gz.abs() ** 2).sum() + ((gw * gw).real.sum() if gw is not None else 0)
        return t.autograd.grad(loss2, (z, w), allow_unused=True)

    for i, (a, b) in enumerate(zip(second(torch), second(torchlike))):
        if a is None or b is None:
            assert (a is None or not a.any()) and (b is None or not b.any())
            continue
        assert_close(a, b, name, f"second-order grad {i}")


# ----- views: aliasing, strides, conj and neg bits -----
def _both(fn):
    """fn(t) on both libraries; returns the results' numpy values."""
    out = []
    for t in (torch, torchlike):
        r = fn(t)
        out.append([np.asarray(x.resolve_conj().resolve_neg() if isinstance(x, torch.Tensor) else x)
                    if hasattr(x, "shape") else x for x in r])
    return out


WRITES = {
    "assign real": lambda t, z: setattr(z, "real", t.tensor([9.0, 8.0, 7.0], dtype=t.float64)),
    "assign imag": lambda t, z: setattr(z, "imag", t.tensor([1.0, 2.0, 3.0], dtype=t.float64)),
    "imag mul_": lambda t, z: z.imag.mul_(2),
    "real fill_": lambda t, z: z.real.fill_(-1),
    "real index": lambda t, z: z.real.__setitem__(1, 5.0),
    "imag of slice": lambda t, z: z[1:].imag.zero_(),
    "view_as_real write": lambda t, z: t.view_as_real(z)[0].copy_(t.tensor([4.0, -4.0], dtype=t.float64)),
    "view_as_real column": lambda t, z: t.view_as_real(z)[:, 1].add_(1),
    "conj write": lambda t, z: z.conj().__setitem__(0, 5 + 5j),
    "conj imag write": lambda t, z: z.conj().imag.fill_(3.0),
    "conj of slice": lambda t, z: z[::2].conj().mul_(1j),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_writes_through_views_alias(name):
    def run(t):
        z = t.tensor(np.array([1 + 2j, 3 - 1j, -2 + 0.5j]))
        WRITES[name](t, z)
        return [z]
    a, b = _both(run)
    np.testing.assert_allclose(a[0], b[0])


def test_view_as_complex_write_reaches_real_base():
    def run(t):
        x = t.tensor(randn(3, 2, dtype=np.float64))
        c = t.view_as_complex(x)
        c[1] = 7 + 8j
        c.imag.mul_(-1)
        return [x]
    a, b = _both(run)
    np.testing.assert_allclose(a[0], b[0])


def test_strides_offsets_and_bits():
    def run(t):
        z = t.tensor(crandn(2, 3))
        c = z.conj()
        return [z.real.stride(), z.imag.storage_offset(), t.view_as_real(z).stride(), z.T.imag.stride(),
                t.view_as_complex(t.tensor(randn(4, 2))).stride(), c.is_conj(), c.T.is_conj(), (c + 0).is_conj(),
                c.imag.is_neg(), c.real.is_neg(), t.resolve_conj(c).is_conj(), z.is_conj(), z.real._base is z,
                c.imag._base is z, t.is_complex(z), t.is_complex(z.real), z.is_complex()]
    a, b = _both(run)
    assert a == b


def test_real_of_real_is_itself():
    for t in (torch, torchlike):
        x = t.tensor([1.0, 2.0])
        assert t.real(x) is x and x.conj() is x and t.resolve_conj(x) is x and t.resolve_neg(x) is x
        assert t.conj_physical(x) is not None


def test_autograd_through_write_into_imag():
    def run(t):
        z = t.tensor(Z, requires_grad=True)
        w = t.tensor(W, requires_grad=True)
        y = z * 1
        y.imag.mul_(w.real)
        y.real.add_(w.imag ** 2)
        loss = (y * y.conj()).real.sum() + y.imag.sum()
        return list(t.autograd.grad(loss, (z, w)))
    a, b = _both(run)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-7)


# ----- dtypes and printing -----
PROMOTION = {
    "complex64 + float64": lambda t: t.result_type(t.zeros(2, dtype=t.complex64), t.zeros(2, dtype=t.float64)),
    "complex64 + float scalar": lambda t: (t.zeros(2, dtype=t.complex64) + 1.5).dtype,
    "int + complex scalar": lambda t: (t.zeros(2, dtype=t.int64) + 1j).dtype,
    "float64 + complex scalar": lambda t: (t.zeros(2, dtype=t.float64) + 1j).dtype,
    "complex64 + 0-d float64": lambda t: (t.zeros(2, dtype=t.complex64) + t.tensor(1.0, dtype=t.float64)).dtype,
    "0-d complex128 * float32": lambda t: (t.tensor(1j, dtype=t.complex128) * t.zeros(2)).dtype,
    "promote_types": lambda t: t.promote_types(t.complex64, t.float64),
    "complex64 * int": lambda t: (t.zeros(2, dtype=t.complex64) * t.zeros(2, dtype=t.int64)).dtype,
    "abs dtype": lambda t: t.tensor([1 + 1j]).abs().dtype,
    "angle dtype": lambda t: t.tensor([1 + 1j], dtype=t.complex128).angle().dtype,
    "default complex": lambda t: t.tensor([1j]).dtype,
}


@pytest.mark.parametrize("name", list(PROMOTION))
def test_promotion(name):
    assert str(PROMOTION[name](torch)) == str(PROMOTION[name](torchlike))


PRINTS = [
    np.array([1 + 2j, 3 - 1j]),
    np.array([1.5 + 2.25j, -3e5 - 1j]),
    np.array([[1e-5 + 1j, 2j], [0, -1]]),
    np.array([1 + 1j, complex(np.nan, 0), complex(np.inf, -np.inf)]),
    np.array(2 + 3j),
]


@pytest.mark.parametrize("i", range(len(PRINTS)))
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_printing(i, dtype):
    a = repr(torch.tensor(PRINTS[i], dtype=getattr(torch, dtype)))
    b = repr(torchlike.tensor(PRINTS[i], dtype=getattr(torchlike, dtype)))
    assert a == b


@pytest.mark.parametrize("view", ["conj", "real", "imag", "view_as_real", "grad"])
def test_printing_views(view):
    def show(t):
        z = t.tensor([1 + 2j, -0.5j])
        return repr({"conj": lambda: z.conj(), "real": lambda: z.real, "imag": lambda: z.imag,
                     "view_as_real": lambda: t.view_as_real(z), "grad": lambda: z.requires_grad_() * 2}[view]())
    assert show(torch) == show(torchlike)


# ----- errors -----
ERRORS = {
    "imag of real": lambda t: t.randn(3).imag,
    "torch.imag of real": lambda t: t.imag(t.randn(3)),
    "view_as_real of real": lambda t: t.view_as_real(t.randn(3)),
    "view_as_real of conj": lambda t: t.view_as_real(t.tensor([1j]).conj()),
    "view_as_complex last dim": lambda t: t.view_as_complex(t.randn(3, 3)),
    "view_as_complex long": lambda t: t.view_as_complex(t.zeros(3, 2, dtype=t.int64)),
    "view_as_complex stride": lambda t: t.view_as_complex(t.randn(2, 3).T),
    "polar ints": lambda t: t.polar(t.tensor([1]), t.tensor([1])),
    "polar mixed": lambda t: t.polar(t.tensor([1.0]), t.tensor([1.0], dtype=t.float64)),
    "complex mixed": lambda t: t.complex(t.tensor([1.0]), t.tensor([2.0], dtype=t.float64)),
    "complex ints": lambda t: t.complex(t.tensor([1]), t.tensor([2])),
    "complex out dtype": lambda t: t.complex(t.tensor([1.0], dtype=t.float64), t.tensor([2.0], dtype=t.float64),
                                             out=t.zeros(1, dtype=t.complex64)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    check_error(lambda t: ERRORS[name](t), name=name)


def test_complex32_is_refused_by_name():
    with pytest.raises(NotImplementedError, match="complex32"):
        torchlike.randn(3).chalf()
    with pytest.raises(NotImplementedError, match="complex32"):
        torchlike.view_as_complex(torchlike.randn(3, 2).half())


# ----- functional transforms and serialization -----
FUNCTIONAL = {
    "func.grad": lambda t, z: t.func.grad(lambda a: (a * t.tensor([2 - 1j, 1j, 0.5])).real.sum())(z),
    "func.grad abs": lambda t, z: t.func.grad(lambda a: (a.abs() ** 2).sum())(z),
    "func.vjp": lambda t, z: t.func.vjp(lambda a: a * (1 + 1j), z)[1](t.tensor([1 + 0j, 1j, -2.0 + 0j]))[0],
    "autograd.functional.vjp": lambda t, z: t.autograd.functional.vjp(lambda a: a.exp(), z,
                                                                       t.tensor([1 + 0j, 1j, 2.0 - 1j]))[1],
}


@pytest.mark.parametrize("name", list(FUNCTIONAL))
def test_functional_transforms_convention(name):
    check(lambda t, z: FUNCTIONAL[name](t, z), np.array([1 + 2j, 3 - 1j, -0.5j]), grad=False, area="complex",
          name=name)


def test_save_load_keeps_conjugated_values(tmp_path):
    for t in (torch, torchlike):
        z = t.tensor([1 + 2j, 3 - 1j])
        t.save([z, z.conj()], tmp_path / f"{t.__name__}.pt")
        t.save(z.imag, tmp_path / f"{t.__name__}_imag.pt")
    a = torch.load(tmp_path / "torch.pt") + [torch.load(tmp_path / "torch_imag.pt")]
    b = torchlike.load(tmp_path / "torchlike.pt") + [torchlike.load(tmp_path / "torchlike_imag.pt")]
    for x, y in zip(a, b):
        assert_close(x.resolve_conj(), y, "save/load")
