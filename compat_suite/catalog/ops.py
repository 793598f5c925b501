"""Run one `op_db` entry on real PyTorch and on torchlike from the same sample inputs.

Aspects checked, each recorded as passing or with the first failure's one-line reason:
- forward: every chosen dtype and sample; values, dtype, shape and requires_grad of every output;
  where torch raises, torchlike must raise the same exception type;
- grad: first-order gradients of every differentiable output (fixed non-uniform cotangents) with
  respect to every sample tensor that requires grad, where the entry `supports_autograd`;
- gradgrad: the gradient of those gradients (create_graph=True), where `supports_gradgrad`;
- method / inplace: the Tensor method and in-place variant on the first sample;
- errors: each of the entry's `error_inputs` raises its exception type with a message matching
  PyTorch's pattern.
Random ops (and samples of others that draw dropout) are compared by shape, dtype and seed
reproducibility, `empty*` by shape and dtype. Tolerances are compare.TOLERANCES, widened only where
the catalog itself compares two backends more loosely (catalog_tolerance).

CI runs a fixed subset (SAMPLES_CI samples per dtype); `--full` runs every sample and adds the
entry's `reference_inputs`.
"""
from __future__ import annotations

import itertools
import re
import zlib

import numpy as np
import torch

import torchlike

from . import compare
from .compare import Mismatch, close, cotangents, flatten
from .translate import Missing, exception_matches, one_line, to_numpy, to_torchlike, to_torchlike_fn

SAMPLES_CI = 3
SAMPLES_FULL = 10_000

# Ops whose values are random: compared by shape, dtype and seed reproducibility.
RANDOM = {
    "cauchy", "exponential", "geometric", "log_normal", "normal", "uniform", "randn", "randn_like",
    "rand_like", "randint", "randint_like", "multinomial", "bernoulli", "nn.functional.rrelu",
    "nn.functional.dropout", "nn.functional.dropout2d", "nn.functional.dropout3d",
    "nn.functional.alpha_dropout", "nn.functional.feature_alpha_dropout[with_train]",
    "nn.functional.fractional_max_pool2d", "nn.functional.fractional_max_pool3d",
}
# Entries random only on some samples (dropout inside): those samples are compared as random ops.
# entry -> predicate on (args after the input, kwargs).
RANDOM_WHEN = {
    "nn.functional.scaled_dot_product_attention": lambda a, k: k.get("dropout_p", 0) > 0,
    "nn.functional.multi_head_attention_forward": lambda a, k: a[9] > 0 and k.get("training", True),
}
# Entries whose samples are views into a larger storage on purpose: their forward samples keep that
# aliasing in torchlike (as error inputs always do) instead of being copied.
VIEW_SAMPLES = {"as_strided[partial_views]"}
EMPTY = {"empty", "empty_like", "new_empty", "new_empty_strided", "empty_strided", "empty_permuted"}

# Outputs defined only up to a sign (a phase, if complex) per eigen- or singular vector, which two
# correct LAPACK/XLA kernels may choose differently: for the forward comparison only, each vector on
# both sides is scaled so that its component where torch's is largest in magnitude is real and
# positive. (Their gradients are compared as op_db's entries define them: through gauge-invariant
# output_process_fn_grad, e.g. abs of the vectors.) entry -> {output index: axis along a vector}.
SIGN_AMBIGUOUS = {"linalg.eigh": {1: -2}, "linalg.svd": {0: -2, 2: -1}, "svd": {0: -2, 2: -2},
                  "linalg.eig": {1: -2}, "svd_lowrank": {0: -2, 2: -2}, "pca_lowrank": {0: -2, 2: -2}}

# Index outputs defined only up to ties: among equal values PyTorch reports the indices its CPU
# algorithms (introsort, quickselect) happen to leave, torchlike a stable order. An index output counts
# as equal when it gathers the same values from the input. entry -> (index output, dim's position in
# args, whether a keepdim=False result drops the dim).
TIE_AMBIGUOUS = {"sort": (1, 0, False), "argsort": (0, 0, False), "topk": (1, 1, False),
                 "kthvalue": (1, 1, True), "mode": (1, 0, True), "median": (1, 0, True),
                 "nanmedian": (1, 0, True)}

DTYPES = (torch.float32, torch.float64, torch.int64, torch.bool)
INT_FALLBACK = (torch.int32, torch.int16, torch.int8, torch.uint8)


def entry_name(op) -> str:
    return op.name + (f"[{op.variant_test_name}]" if op.variant_test_name else "")


def _kind(op) -> str:
    name = entry_name(op)
    if name in EMPTY or op.name in EMPTY:
        return "empty"
    if name in RANDOM or op.name in RANDOM:
        return "random"
    return "exact"


def pick_dtypes(op) -> list:
    supported = op.supported_dtypes("cpu")
    out = [d for d in DTYPES if d in supported]
    if torch.int64 not in supported:
        out += [d for d in INT_FALLBACK if d in supported][:1]
    if not out:  # complex-only or half-only entries
        out = sorted(supported, key=str)[:1]
    return out


def _seed(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def samples(op, dtype, full: bool, requires_grad: bool) -> list:
    torch.manual_seed(_seed(entry_name(op) + str(dtype)))
    n = SAMPLES_FULL if full else SAMPLES_CI
    found = list(itertools.islice(op.sample_inputs("cpu", dtype, requires_grad=requires_grad), n))
    if full and op.reference_inputs_func is not None:
        torch.manual_seed(_seed(entry_name(op) + str(dtype) + "ref"))
        found += list(itertools.islice(op.reference_inputs("cpu", dtype, requires_grad=requires_grad), n))
    return found


class Sample:
    """One SampleInput on both sides: torch's call and the translated torchlike call."""

    def __init__(self, s, views: bool | str = False):
        self.s, self.views = s, views
        self.memo: dict = {}
        self.storages: dict = {}  # (storage address, dtype) -> the whole storage in torchlike
        self.shared = _shared_storages((s.input, s.args, s.kwargs)) if views else set()
        self.t_input, self.t_args, self.t_kwargs = s.input, s.args, s.kwargs
        self.l_input = self._tr(s.input)
        self.l_args = self._tr(s.args)
        self.l_kwargs = {k: self._tr(v) for k, v in s.kwargs.items()}

    def _tr(self, x):
        if isinstance(x, torch.Tensor):
            if id(x) not in self.memo:
                self.memo[id(x)] = (x, self._view(x) if self._aliased(x) else to_torchlike(x))
            return self.memo[id(x)][1]
        if isinstance(x, (list, tuple)) and not isinstance(x, torch.Size):
            return type(x)(self._tr(e) for e in x) if not hasattr(x, "_fields") else tuple(self._tr(e) for e in x)
        if isinstance(x, dict):
            return {k: self._tr(v) for k, v in x.items()}
        return to_torchlike(x)

    def _aliased(self, x) -> bool:
        return (self.views and (self.views == "all" or not x.requires_grad) and x.layout == torch.strided
                and (x._base is not None or x.untyped_storage().data_ptr() in self.shared))

    def _view(self, x):
        """x as a torchlike view of its whole storage, translated once per storage, so that aliasing
        survives: an expanded out=, an out= overlapping an input, tensors sharing memory without one
        being the other's view (detach()); a fresh copy where torchlike cannot view it so."""
        if x.numel() == 0:
            return to_torchlike(x)
        storage = x.untyped_storage()
        key = (storage.data_ptr(), x.dtype)
        if key not in self.storages:
            whole = torch.as_strided(x.detach(), (storage.nbytes() // x.element_size(),), (1,), 0)
            self.storages[key] = to_torchlike(whole)
            if x.requires_grad:
                self.storages[key].requires_grad_(True)
        try:
            return torchlike.as_strided(self.storages[key], tuple(x.shape), x.stride(), x.storage_offset())
        except NotImplementedError:
            return to_torchlike(x)

    def leaves(self):
        pairs = [p for p in self.memo.values() if p[0].requires_grad and p[0].is_floating_point()]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def torch_call(self, fn):
        return fn(self.t_input, *self.t_args, **self.t_kwargs)

    def lib_call(self, fn):
        return fn(self.l_input, *self.l_args, **self.l_kwargs)

    def processed(self, out, lib):
        f = self.s.output_process_fn_grad
        if f is None:
            return out
        return (f if lib is torch else to_torchlike_fn(f))(out)

    def label(self) -> str:
        return one_line(self.s.summary() if hasattr(self.s, "summary") else repr(self.s), 90)


def catalog_tolerance(op, test_name: str, dtype):
    """(rtol, atol) where the catalog itself compares two backends with a wider tolerance than ours
    (its TestConsistency overrides: MPS against CPU), else None. Never narrower than our default."""
    for info in op.decorators:
        if getattr(info, "cls_name", None) != "TestConsistency" or getattr(info, "test_name", None) != test_name:
            continue
        for dec in getattr(info, "decorators", None) or ():
            t = getattr(dec, "d", {}).get(dtype)
            if t is not None:
                rtol, atol = compare.TOLERANCES[str(dtype).replace("torch.", "")]
                return max(rtol, t.rtol), max(atol, t.atol)
    return None


def _shared_storages(tree) -> set:
    """Addresses of the storages that more than one tensor in tree uses."""
    seen: dict = {}

    def walk(x):
        if isinstance(x, torch.Tensor):
            if x.layout == torch.strided and x.numel():
                seen.setdefault(x.untyped_storage().data_ptr(), set()).add(id(x))
        elif isinstance(x, (list, tuple)):
            for e in x:
                walk(e)
        elif isinstance(x, dict):
            for e in x.values():
                walk(e)
    walk(tree)
    return {ptr for ptr, ids in seen.items() if len(ids) > 1}


def _is_missing(e: BaseException) -> bool:
    if isinstance(e, Missing):
        return True
    msg = str(e)
    return isinstance(e, AttributeError) and ("torchlike" in msg or "'Tensor' object has no attribute" in msg)


class Entry:
    """The outcome of one op_db entry: status -> reason."""

    def __init__(self, op, full: bool = False):
        self.op, self.full = op, full
        self.name = entry_name(op)
        self.kind = _kind(op)
        self.failures: dict = {}
        self.tested: set = set()

    def fail(self, aspect: str, where: str, err) -> None:
        self.tested.add(aspect)
        self.failures.setdefault(aspect, f"{where}: {type(err).__name__}: {one_line(err)}")

    def ok(self, aspect: str) -> None:
        self.tested.add(aspect)

    def run(self) -> dict:
        try:
            fn = to_torchlike_fn(self.op.op)
        except Missing as e:
            return {"missing": one_line(e)}
        missing = None
        for dtype in pick_dtypes(self.op):
            rg = self.op.supports_autograd and dtype.is_floating_point and self.kind != "empty"
            try:
                batch = samples(self.op, dtype, self.full, rg)
            except Exception as e:  # noqa: BLE001 - a sample generator that fails on this torch build
                self.fail("forward", f"{dtype} samples", e)
                continue
            for i, s in enumerate(batch):
                where = f"{str(dtype).replace('torch.', '')} #{i}"
                try:
                    views = "all" if self.name in VIEW_SAMPLES else False
                    self.one_sample(fn, Sample(s, views), where, dtype)
                except Missing as e:
                    missing = missing or e
                    self.fail("forward", where, e)
                except Exception as e:  # noqa: BLE001 - a sample the driver cannot carry over
                    self.fail("forward", where + " (driver)", e)
        if missing is not None and self.failures.get("forward", "").find("Missing") >= 0 and not self._any_pass():
            return {"missing": one_line(missing)}
        for check in (self.variants, lambda: self.errors(fn)):
            try:
                check()
            except Exception as e:  # noqa: BLE001 - recorded, never a crash of the run
                self.fail("driver", check.__name__, e)
        if not self.failures:
            return {"pass": ""}
        return {f"fail:{a}": r for a, r in self.failures.items()}

    def _any_pass(self) -> bool:
        return bool(self.tested - set(self.failures))

    # -- forward and gradients -------------------------------------------------------------------
    def one_sample(self, fn, smp: Sample, where: str, dtype) -> None:
        try:
            t_out = smp.torch_call(self.op.op)
        except Exception as te:  # noqa: BLE001 - torch refuses this sample: torchlike must too
            self.expect_raise(fn, smp, where, te)
            return
        try:
            l_out = smp.lib_call(fn)
        except Exception as e:  # noqa: BLE001
            if _is_missing(e):
                raise Missing(one_line(e)) from e
            self.fail("forward", where, e)
            return
        random = self.kind == "random" or RANDOM_WHEN.get(self.name, lambda a, k: False)(smp.t_args, smp.t_kwargs)
        kind = "random" if random else self.kind
        if not self.compare_forward(fn, smp, t_out, l_out, where, kind):
            return
        if kind != "exact" or not self.op.supports_autograd or not dtype.is_floating_point:
            return
        self.gradients(smp, t_out, l_out, where, dtype)

    def expect_raise(self, fn, smp, where, te) -> None:
        try:
            smp.lib_call(fn)
        except Exception as e:  # noqa: BLE001
            if _is_missing(e):
                raise Missing(one_line(e)) from e
            if exception_matches(type(te), e):
                self.ok("forward")
            else:
                self.fail("forward", where, Mismatch(f"torch raises {type(te).__name__}, torchlike "
                                                     f"{type(e).__name__}: {one_line(e, 80)}"))
            return
        self.fail("forward", where, Mismatch(f"torch raises {type(te).__name__} ({one_line(te, 80)}), "
                                             "torchlike returns"))

    def compare_forward(self, fn, smp, t_out, l_out, where, kind) -> bool:
        t_flat, l_flat = _fix_signs(self.name, flatten(t_out), flatten(l_out))
        l_flat = _fix_ties(self.name, smp, t_flat, l_flat)
        try:
            if len(t_flat) != len(l_flat):
                raise Mismatch(f"{len(t_flat)} outputs in torch, {len(l_flat)} in torchlike")
            for k, (a, b) in enumerate(zip(t_flat, l_flat)):
                if kind == "exact":
                    close(a, b, f"output {k}", tol=catalog_tolerance(self.op, "test_output_match", a.dtype)
                          if isinstance(a, torch.Tensor) else None)
                else:
                    self._shape_dtype(a, b, k)
            if kind == "random":
                self._reproducible(fn, smp)
        except Exception as e:  # noqa: BLE001
            self.fail("forward", where, e)
            return False
        self.ok("forward")
        return True

    @staticmethod
    def _shape_dtype(a, b, k) -> None:
        if isinstance(a, torch.Tensor):
            if not isinstance(b, torchlike.Tensor):
                raise Mismatch(f"output {k} is {type(b).__name__} in torchlike")
            if tuple(a.shape) != tuple(b.shape) or str(a.dtype)[6:] != str(b.dtype).split(".")[-1]:
                raise Mismatch(f"output {k}: torch {tuple(a.shape)} {a.dtype}, torchlike {tuple(b.shape)} {b.dtype}")

    @staticmethod
    def _reproducible(fn, smp) -> None:
        outs = []
        for _ in range(2):
            torchlike.manual_seed(1234)
            outs.append([o for o in flatten(smp.lib_call(fn)) if isinstance(o, torchlike.Tensor)])
        for k, (a, b) in enumerate(zip(*outs)):
            if not torchlike.equal(a.detach(), b.detach()) and not (a != a).any():
                raise Mismatch(f"output {k} differs between two runs with the same seed")

    def gradients(self, smp, t_out, l_out, where, dtype) -> None:
        t_leaves, l_leaves = smp.leaves()
        t_diff = [o for o in flatten(smp.processed(t_out, torch)) if isinstance(o, torch.Tensor) and o.requires_grad]
        if not t_leaves or not t_diff:
            return
        try:
            l_diff = [o for o in flatten(smp.processed(l_out, torchlike))
                      if isinstance(o, torchlike.Tensor) and o.requires_grad]
            if len(l_diff) != len(t_diff):
                raise Mismatch(f"{len(t_diff)} differentiable outputs in torch, {len(l_diff)} in torchlike")
            second = self.op.supports_gradgrad and (dtype == torch.float64 or torch.float64 not in
                                                     self.op.supported_dtypes("cpu"))
            t_g = torch.autograd.grad(t_diff, t_leaves, cotangents(torch, t_diff), allow_unused=True,
                                      create_graph=second)
            l_g = torchlike.autograd.grad(l_diff, l_leaves, cotangents(torchlike, l_diff), allow_unused=True,
                                          create_graph=second)
            self._compare_grads(t_g, l_g, "grad", catalog_tolerance(self.op, "test_output_grad_match", dtype))
        except Exception as e:  # noqa: BLE001
            self.fail("grad", where, e)
            return
        self.ok("grad")
        if second:
            self.gradgrad(t_g, l_g, t_leaves, l_leaves, where)

    @staticmethod
    def _compare_grads(t_g, l_g, what, tol=None) -> None:
        for k, (a, b) in enumerate(zip(t_g, l_g)):
            if a is None or b is None:
                other = b if a is None else a
                if other is not None and bool((other != 0).any()):
                    raise Mismatch(f"{what} of input {k} is {a is not None and 'a tensor' or None} in torch, "
                                   f"{b is not None and 'a tensor' or None} in torchlike")
                continue
            close(a, b, f"{what} of input {k}", tol=tol, check_requires_grad=False)

    def gradgrad(self, t_g, l_g, t_leaves, l_leaves, where) -> None:
        pairs = [(a, b) for a, b in zip(t_g, l_g) if a is not None and a.requires_grad]
        try:
            # Under create_graph a gradient requires grad only where it is computed from something that does
            # (grad of x * c is grad * c: no grad_fn when c is a constant), in both libraries.
            for k, (a, b) in enumerate(zip(t_g, l_g)):
                if a is not None and b is not None and a.requires_grad != b.requires_grad:
                    raise Mismatch(f"gradient of input {k} (create_graph): requires_grad {a.requires_grad} in torch, "
                                   f"{b.requires_grad} in torchlike")
            if not pairs:
                return
            ta, la = [a for a, _ in pairs], [b for _, b in pairs]
            try:
                t_gg = torch.autograd.grad(ta, t_leaves, cotangents(torch, ta), allow_unused=True)
            except RuntimeError as te:  # a backward PyTorch cannot differentiate: torchlike must refuse too
                try:
                    torchlike.autograd.grad(la, l_leaves, cotangents(torchlike, la), allow_unused=True)
                except Exception as e:  # noqa: BLE001
                    if not exception_matches(type(te), e):
                        raise Mismatch(f"torch raises {type(te).__name__}, torchlike {type(e).__name__}") from e
                    self.ok("gradgrad")
                    return
                raise Mismatch(f"torch raises {type(te).__name__} ({one_line(te, 80)}), torchlike returns") from te
            l_gg = torchlike.autograd.grad(la, l_leaves, cotangents(torchlike, la), allow_unused=True)
            self._compare_grads(t_gg, l_gg, "gradgrad")
        except Exception as e:  # noqa: BLE001
            self.fail("gradgrad", where, e)
            return
        self.ok("gradgrad")

    # -- method and in-place variants, error inputs ------------------------------------------------
    def _first_sample(self):
        dtype = pick_dtypes(self.op)[0]
        batch = samples(self.op, dtype, False, False)
        return batch[0] if batch else None

    def variants(self) -> None:
        if self.kind == "empty":
            return
        for aspect, variant in (("method", self.op.method_variant), ("inplace", self.op.inplace_variant)):
            if variant is None or variant is self.op.op:
                continue
            s = self._first_sample()
            if s is None or (aspect == "inplace" and s.broadcasts_input):
                continue
            if aspect == "inplace" and isinstance(s.input, torch.Tensor):
                s.input = s.input.clone()
            try:
                smp = Sample(s)
                lfn = to_torchlike_fn(variant)
            except Missing as e:
                self.fail(aspect, "first sample", e)
                continue
            try:
                t_out = smp.torch_call(variant)
            except Exception as te:  # noqa: BLE001
                try:
                    smp.lib_call(lfn)
                except Exception as e:  # noqa: BLE001
                    ok = exception_matches(type(te), e)
                    self.ok(aspect) if ok else self.fail(aspect, "first sample", e)
                    continue
                self.fail(aspect, "first sample", Mismatch(f"torch raises {type(te).__name__}, torchlike returns"))
                continue
            try:
                l_out = smp.lib_call(lfn)
                for k, (a, b) in enumerate(zip(flatten(t_out), flatten(l_out))):
                    if self.kind == "exact":
                        close(a, b, f"output {k}")
                    else:
                        self._shape_dtype(a, b, k)
                if aspect == "inplace" and l_out is not smp.l_input:
                    raise Mismatch("the in-place variant does not return its input")
            except Exception as e:  # noqa: BLE001
                self.fail(aspect, "first sample", e)
                continue
            self.ok(aspect)

    def errors(self, fn) -> None:
        if self.op.error_inputs_func is None:
            return
        try:
            cases = list(self.op.error_inputs("cpu"))
        except Exception:  # noqa: BLE001 - error samples this torch build cannot make
            return
        for i, ei in enumerate(cases):
            try:
                smp = Sample(ei.sample_input, views=True)
            except Exception as e:  # noqa: BLE001 - e.g. a 65-d tensor numpy cannot hold
                self.fail("errors", f"#{i} (driver)", e)
                continue
            try:
                smp.torch_call(self.op.op)
            except Exception:  # noqa: BLE001 - the error PyTorch raises, to be matched below
                pass
            else:  # an error input this torch build accepts (PyTorch skips or xfails it): nothing to match
                continue
            try:
                smp.lib_call(fn)
            except Exception as e:  # noqa: BLE001
                if not exception_matches(ei.error_type, e):
                    self.fail("errors", f"#{i}", Mismatch(f"expected {ei.error_type.__name__} "
                                                          f"/{ei.error_regex}/, got {type(e).__name__}: {one_line(e, 80)}"))
                elif ei.error_regex and not re.search(ei.error_regex, str(e)):
                    self.fail("errors", f"#{i}", Mismatch(f"message /{ei.error_regex}/ not matched by "
                                                          f"{one_line(e, 80)!r}"))
                else:
                    self.ok("errors")
                continue
            self.fail("errors", f"#{i}", Mismatch(f"expected {ei.error_type.__name__} /{ei.error_regex}/, "
                                                  "torchlike returns"))


def _fix_signs(name: str, t_flat: list, l_flat: list):
    """See SIGN_AMBIGUOUS: both sides' vectors normalized against the position of torch's largest component."""
    spec = SIGN_AMBIGUOUS.get(name)
    if spec is None or len(t_flat) != len(l_flat):
        return t_flat, l_flat
    t_flat, l_flat = list(t_flat), list(l_flat)
    for k, axis in spec.items():
        a, b = t_flat[k], l_flat[k]
        if not isinstance(b, torchlike.Tensor) or tuple(a.shape) != tuple(b.shape) or a.numel() == 0:
            continue
        x = to_numpy(a)
        idx = np.expand_dims(np.argmax(np.abs(x), axis=axis), axis)

        def unit(v):
            c = np.take_along_axis(v, idx, axis)
            m = np.abs(c)
            return np.where(m == 0, 1, np.conj(c) / np.where(m == 0, 1, m))
        t_flat[k] = a * torch.tensor(unit(x), dtype=a.dtype)
        l_flat[k] = b * torchlike.tensor(unit(to_numpy(b)), dtype=b.dtype)
    return t_flat, l_flat


def _fix_ties(name: str, smp, t_flat: list, l_flat: list) -> list:
    """See TIE_AMBIGUOUS: torchlike's indices replaced by torch's where both pick the same values."""
    spec = TIE_AMBIGUOUS.get(name)
    if spec is None or len(t_flat) != len(l_flat) or not isinstance(smp.t_input, torch.Tensor):
        return l_flat
    k, pos, squeezed = spec
    if k >= len(t_flat):  # (e.g. median without a dim: values only)
        return l_flat
    x, args, kwargs = smp.t_input.detach(), smp.t_args, smp.t_kwargs
    ti, li = t_flat[k], l_flat[k]
    if x.ndim == 0 or not isinstance(ti, torch.Tensor) or not isinstance(li, torchlike.Tensor) \
            or tuple(ti.shape) != tuple(li.shape) or ti.dtype != torch.int64:
        return l_flat
    dim = kwargs.get("dim", args[pos] if len(args) > pos else -1)
    keepdim = kwargs.get("keepdim", args[pos + 1] if len(args) > pos + 1 else False)
    li_t = torch.as_tensor(to_numpy(li))
    if not isinstance(dim, int) or li_t.dtype != torch.int64:
        return l_flat
    a, b = (ti, li_t) if not squeezed or keepdim else (ti.unsqueeze(dim), li_t.unsqueeze(dim))
    try:
        va, vb = x.gather(dim, a), x.gather(dim, b)
    except (RuntimeError, IndexError):
        return l_flat
    same = va == vb
    if x.is_floating_point():
        same |= va.isnan() & vb.isnan()
    if bool(same.all()):
        l_flat = list(l_flat)
        l_flat[k] = to_torchlike(ti)
    return l_flat


def run(op, full: bool = False) -> dict:
    return Entry(op, full).run()


_ = compare  # tolerances live there
