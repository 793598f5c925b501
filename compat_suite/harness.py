"""The compat suite's core: run one piece of code on real PyTorch and on torchlike, compare.

    check(lambda t, x, y: t.add(x, y), randn(3, 4), randn(4))

`t` is the library (real `torch` or `torchlike`); numpy inputs become `t.tensor(...)` (floating
inputs with requires_grad=True); outputs are compared for shape, dtype, values and
requires_grad, then the gradients of `out.sum()` (of every floating output) with respect to
every input. `check_error` compares the exception type and the gist of its message.

Tolerances live here and only here (TOLERANCES): loosening one case needs a comment saying why.
"""
from __future__ import annotations

import difflib
import re

import numpy as np

try:
    import torch
except ImportError as e:  # pragma: no cover - the suite must not pass without its yardstick
    raise ImportError("compat_suite needs real PyTorch: pip install -e .[test] (torch==2.13.0)") from e

import torchlike

LIBS = (torch, torchlike)

# (rtol, atol) by dtype name. float32 ops go through different kernels (XLA vs ATen), so a few ulps
# of reordering are expected; float64 must agree far more tightly.
TOLERANCES = {
    "float16": (1e-2, 1e-2), "bfloat16": (2e-2, 2e-2), "float32": (1.3e-5, 1e-5), "float64": (1e-7, 1e-7),
    "complex64": (1.3e-5, 1e-5), "complex128": (1e-7, 1e-7),
}

RECORD: dict = {}  # case area -> stats, read by the report plugin
rng = np.random.default_rng


def randn(*shape, dtype=np.float32, seed=0):
    return rng(seed + 7 * len(shape) + sum(shape)).standard_normal(shape).astype(dtype)


def rand(*shape, low=0.0, high=1.0, dtype=np.float32, seed=0):
    return rng(seed + 11 * len(shape) + sum(shape)).uniform(low, high, shape).astype(dtype)


def randint(low, high, *shape, dtype=np.int64, seed=0):
    return rng(seed + 13 * len(shape) + sum(shape)).integers(low, high, shape).astype(dtype)


def _to_lib(t, x, grad: bool):
    if isinstance(x, np.ndarray):
        out = t.tensor(x)
        if grad and x.dtype.kind in "fc":
            out.requires_grad_(True)
        return out
    if isinstance(x, list) and x and all(isinstance(e, np.ndarray) for e in x):
        return [_to_lib(t, e, grad) for e in x]
    return x


def _np(x):
    if x is None:
        return None
    if hasattr(x, "detach"):
        x = x.detach()
        if getattr(x, "is_sparse", False):  # (values compared dense; test_sparse checks layouts)
            x = x.to_dense()
        if isinstance(x, torch.Tensor):  # (numpy() refuses PyTorch's lazily conjugated or negated views)
            x = x.resolve_conj().resolve_neg()
        if x.dtype == torch.bfloat16:
            x = x.float()
        if getattr(x, "dtype", None) is torchlike.bfloat16:
            x = x.float()
        return np.asarray(x.cpu().numpy() if hasattr(x, "cpu") else x.numpy())
    return np.asarray(x)


def _dtype_name(x) -> str:
    return str(x.dtype).replace("torch.", "")


def flatten_out(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(flatten_out(o))
        return res
    return [out]


def assert_close(a, b, name: str, what: str = "value", tol=None):
    """Compare a torch result `a` with a torchlike result `b` (tensors or Python values)."""
    a_is_t, b_is_t = isinstance(a, torch.Tensor), isinstance(b, torchlike.Tensor)
    assert a_is_t == b_is_t, f"{name}: {what} is {type(a).__name__} in torch, {type(b).__name__} in torchlike"
    if not a_is_t:
        if isinstance(a, float) and isinstance(b, float):
            assert np.isclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True), f"{name}: {what} {a} != {b}"
        elif isinstance(a, torch.Size):
            assert tuple(a) == tuple(b), f"{name}: {what} {a} != {b}"
        else:
            assert a == b or (a != a and b != b), f"{name}: {what} {a!r} != {b!r}"
        return 0.0
    assert tuple(a.shape) == tuple(b.shape), f"{name}: {what} shape {tuple(a.shape)} != {tuple(b.shape)}"
    assert _dtype_name(a) == _dtype_name(b), f"{name}: {what} dtype {a.dtype} != {b.dtype}"
    assert a.requires_grad == b.requires_grad, f"{name}: {what} requires_grad {a.requires_grad} != {b.requires_grad}"
    x, y = _np(a), _np(b)
    if x.dtype.kind in "fc":
        rtol, atol = tol or TOLERANCES.get(_dtype_name(a), (1.3e-5, 1e-5))
        ok = np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True)
        if not ok:
            bad = ~np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=True)
            raise AssertionError(f"{name}: {what} differs at {np.argwhere(bad)[:3].tolist()}: torch "
                                 f"{x[bad][:3]} vs torchlike {y[bad][:3]}")
        with np.errstate(all="ignore"):
            fin = np.isfinite(x) & np.isfinite(y)
            rel = np.abs(x - y)[fin] / np.maximum(np.abs(x[fin]), 1e-12)
        return float(rel.max()) if rel.size else 0.0
    np.testing.assert_array_equal(x, y, err_msg=f"{name}: {what}")
    return 0.0


def _record(area: str, key: str, err: float) -> None:
    stats = RECORD.setdefault(area, {})
    stats[key] = max(stats.get(key, 0.0), err)


def check(fn, *inputs, grad: bool = True, area: str = "ops", name: str | None = None, tol=None, kwargs=None):
    """Run fn(t, *inputs) on both libraries and compare outputs and input gradients."""
    kwargs = kwargs or {}
    name = name or getattr(fn, "__name__", "case")
    results = []
    for t in LIBS:
        args = [_to_lib(t, x, grad) for x in inputs]
        out = fn(t, *args, **kwargs)
        results.append((args, out))
    (ta, to), (la, lo) = results
    outs_t, outs_l = flatten_out(to), flatten_out(lo)
    assert len(outs_t) == len(outs_l), f"{name}: {len(outs_t)} outputs in torch, {len(outs_l)} in torchlike"
    worst = 0.0
    for i, (a, b) in enumerate(zip(outs_t, outs_l)):
        worst = max(worst, assert_close(a, b, name, f"output {i}", tol))
    if grad:
        worst = max(worst, _check_grads(name, ta, outs_t, la, outs_l, tol))
    _record(area, name, worst)
    return to, lo


def _leaves(args):
    for a in args:
        if isinstance(a, list):
            yield from _leaves(a)
        elif hasattr(a, "requires_grad") and a.requires_grad:
            yield a


def _check_grads(name, ta, outs_t, la, outs_l, tol):
    leaves_t, leaves_l = list(_leaves(ta)), list(_leaves(la))
    diff_t = [o for o in outs_t if isinstance(o, torch.Tensor) and o.requires_grad]
    diff_l = [o for o in outs_l if isinstance(o, torchlike.Tensor) and o.requires_grad]
    if not leaves_t or not diff_t:
        return 0.0
    # A fixed, non-uniform cotangent catches gradients that only agree for all-ones. Passing it as
    # grad_outputs (rather than backpropagating sum(out * cot)) adds no kernels to compile.
    def cots(t, outs):
        return [t.tensor(np.cos(np.arange(o.numel(), dtype=np.float64) + k).reshape(tuple(o.shape)), dtype=o.dtype)
                for k, o in enumerate(outs)]
    gt = torch.autograd.grad(diff_t, leaves_t, grad_outputs=cots(torch, diff_t), allow_unused=True)
    gl = torchlike.autograd.grad(diff_l, leaves_l, grad_outputs=cots(torchlike, diff_l), allow_unused=True)
    worst = 0.0
    for i, (a, b) in enumerate(zip(gt, gl)):
        if a is None or b is None:
            assert (a is None) == (b is None) or _np(a if a is not None else b).any() == False, \
                f"{name}: grad {i} is {a} in torch, {b} in torchlike"  # noqa: E712
            continue
        worst = max(worst, assert_close(a, b, name, f"grad of input {i}", tol))
    return worst


def _gist(msg: str) -> str:
    msg = str(msg).strip().splitlines()[0] if str(msg).strip() else ""
    return re.sub(r"\s+", " ", msg.lower())


def similar(a: str, b: str) -> bool:
    """Do two error messages say the same thing? Same first line, or mostly the same words."""
    ga, gb = _gist(a), _gist(b)
    if ga == gb or ga.startswith(gb[:40]) or gb.startswith(ga[:40]):
        return True
    return difflib.SequenceMatcher(None, ga, gb).ratio() >= 0.6


def check_error(fn, *inputs, area: str = "errors", name: str | None = None, same_message: bool = True):
    """fn must raise on both libraries: the same exception type and (by default) a similar message."""
    name = name or getattr(fn, "__name__", "case")
    caught = []
    for t in LIBS:
        args = [_to_lib(t, x, False) for x in inputs]
        try:
            fn(t, *args)
        except Exception as e:  # noqa: BLE001
            caught.append(e)
        else:
            caught.append(None)
    et, el = caught
    assert et is not None, f"{name}: torch did not raise"
    assert el is not None, f"{name}: torchlike did not raise; torch raised {type(et).__name__}: {et}"
    assert type(el) is type(et) or isinstance(el, type(et)), \
        f"{name}: torchlike raised {type(el).__name__}: {el}; torch raised {type(et).__name__}: {et}"
    if same_message:
        assert similar(str(et), str(el)), f"{name}: messages differ:\n torch:     {et}\n torchlike: {el}"
    _record(area, name, 0.0)
