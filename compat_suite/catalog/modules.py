"""Run one `module_db` entry on real PyTorch and on torchlike from the same module inputs.

Each ModuleInput is built on both sides: the torch module from its constructor input (torch
seeded), cast to the dtype and put in train or eval mode as PyTorch's test_modules does; the
torchlike module from the translated constructor input, with torch's state_dict loaded into it so
both hold the same parameters and buffers. Aspects, each passing or with the first failure's
one-line reason (dtype, mode and input index in it):
- state_dict: keys, shapes and dtypes of the state_dict right after construction (and the names
  of the parameters), before any loading;
- repr: `repr(module)` right after construction;
- forward: values, dtype, shape and requires_grad of every output; where torch raises (in
  construction or forward), torchlike must raise the same exception type;
- buffers: the state_dict values after the forward (running statistics in training mode);
- grad: gradients of every differentiable output (fixed non-uniform cotangents) with respect to
  every forward input and every parameter that requires grad;
- errors: each of the entry's `module_error_inputs` raises its exception type, with a message
  matching PyTorch's pattern, at construction or forward as the entry says.
Modules whose training forward draws random numbers (dropout with p > 0, RReLU, fractional max
pooling) are compared by shape and dtype only in training mode, and their gradients not at all.

CI runs a fixed subset (INPUTS_CI module inputs per dtype and mode, spread over the input list and
interleaved across dtype/mode pairs, torch seeded per entry);
`--catalog-full` runs every module input.
"""
from __future__ import annotations

import contextlib
import re
import zlib

import torch

import torchlike

from .compare import Mismatch, close, cotangents, flatten
from .translate import Missing, exception_matches, lookup, one_line, to_torchlike, to_torchlike_callable_or_value

INPUTS_CI = 2
INPUTS_FULL = 100_000
DTYPES = (torch.float32, torch.float64)
MODES = (True, False)  # training, eval

# Module classes whose forward in training mode is random (p > 0 where there is a p).
RANDOM_TRAINING = {
    "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "RReLU",
    "FractionalMaxPool2d", "FractionalMaxPool3d",
}


def entry_name(info) -> str:
    variant = getattr(info, "variant_test_name", "")
    return info.name + (f"[{variant}]" if variant else "")


def _seed(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def public_path(cls: type) -> str:
    """`torch.nn.modules.linear.Linear` -> `torch.nn.Linear`."""
    mod = cls.__module__
    if mod.startswith("torch.nn.modules"):
        mod = "torch.nn"
    return f"{mod}.{cls.__name__}"


def torchlike_class(cls: type):
    found = lookup(public_path(cls))
    if not isinstance(found, type):
        raise Missing(f"torchlike {public_path(cls)} is not a class")
    return found


def _torch_module_classes() -> list:
    return [c for c in vars(torch.nn).values() if isinstance(c, type) and issubclass(c, torch.nn.Module)]


@contextlib.contextmanager
def recording_constructors():
    """While open, every torch.nn module built remembers its constructor arguments (`_catalog_ctor`),
    so a module passed to another's constructor (TransformerEncoder's layer) can be rebuilt.
    Each public torch.nn class's `__init__` is wrapped for the while and restored after (a class
    `__new__` would be simpler, but CPython cannot undo assigning one)."""
    saved = []
    for cls in _torch_module_classes():
        own = cls.__dict__.get("__init__")
        init = cls.__init__

        def wrapper(self, *args, __init=init, **kwargs):
            if "_catalog_ctor" not in self.__dict__:
                object.__setattr__(self, "_catalog_ctor", (args, kwargs))
            __init(self, *args, **kwargs)

        saved.append((cls, own))
        cls.__init__ = wrapper
    try:
        yield
    finally:
        for cls, own in saved:
            if own is None:
                del cls.__init__
            else:
                cls.__init__ = own


class Translator:
    """torch values to torchlike ones, one torchlike tensor per torch tensor (shared stays shared)."""

    def __init__(self):
        self.memo: dict = {}

    def __call__(self, x):
        if isinstance(x, torch.Tensor):
            if id(x) not in self.memo:
                self.memo[id(x)] = (x, to_torchlike(x))
            return self.memo[id(x)][1]
        if isinstance(x, torch.nn.Module):
            ctor = x.__dict__.get("_catalog_ctor")
            if ctor is None:
                raise TypeError(f"cannot rebuild {type(x).__name__}: constructor arguments not recorded")
            mod = torchlike_class(type(x))(*self(ctor[0]), **self(ctor[1]))
            mod.train(x.training)
            return mod
        if isinstance(x, (list, tuple)) and not isinstance(x, torch.Size):
            return type(x)(self(e) for e in x) if not hasattr(x, "_fields") else tuple(self(e) for e in x)
        if isinstance(x, dict):
            return {k: self(v) for k, v in x.items()}
        if callable(x) and not isinstance(x, type) and (getattr(x, "__module__", None) or "").startswith("torch"):
            return to_torchlike_callable_or_value(x)  # an activation function passed to a constructor
        return to_torchlike(x)

    def leaves(self):
        pairs = [p for p in self.memo.values() if p[0].requires_grad and p[0].is_floating_point()]
        return [p[0] for p in pairs], [p[1] for p in pairs]


def _is_missing(e: BaseException) -> bool:
    if isinstance(e, Missing):
        return True
    msg = str(e)
    return isinstance(e, AttributeError) and "torchlike" in msg


def _random_in_training(m: torch.nn.Module) -> bool:
    for sub in m.modules():
        if type(sub).__name__ in RANDOM_TRAINING and getattr(sub, "p", 1.0) != 0:
            return True
    return False


def ci_indices(n: int, combo: int, combos: int) -> list:
    """INPUTS_CI indices out of n for the combo-th (dtype, mode) pair: evenly spread over the list and
    interleaved across pairs, so the pairs together see up to combos * INPUTS_CI different inputs
    (train and eval lists are usually the same list) rather than its first few over and over."""
    if n == 0:
        return []
    slots = combos * INPUTS_CI
    spread = [(j * n) // slots for j in range(slots)]
    return sorted({spread[combo + k * combos] for k in range(INPUTS_CI)})


def module_inputs(info, dtype, training: bool, full: bool, combo: int = 0, combos: int = 1,
                  requires_grad: bool = True) -> list:
    """(index, ModuleInput) pairs: all of them under --catalog-full, else a fixed spread subset."""
    torch.manual_seed(_seed(entry_name(info) + str(dtype) + str(training)))
    with recording_constructors():
        found = list(info.module_inputs_func(info, device="cpu", dtype=dtype, requires_grad=requires_grad,
                                             training=training))
    if full:
        return list(enumerate(found[:INPUTS_FULL]))
    return [(i, found[i]) for i in ci_indices(len(found), combo, combos)]


def _uninitialized(v) -> bool:
    """A lazy module's parameter or buffer before its first forward (it has no shape yet)."""
    return type(v).__name__ in ("UninitializedParameter", "UninitializedBuffer")


def _structure(sd: dict) -> dict:
    return {k: ("uninitialized",) if _uninitialized(v) else (tuple(v.shape), str(v.dtype).split(".")[-1])
            for k, v in sd.items()}


class Entry:
    """The outcome of one module_db entry: status -> reason."""

    def __init__(self, info, full: bool = False):
        self.info, self.full = info, full
        self.name = entry_name(info)
        self.failures: dict = {}
        self.tested: set = set()

    def fail(self, aspect: str, where: str, err) -> None:
        self.tested.add(aspect)
        self.failures.setdefault(aspect, f"{where}: {type(err).__name__}: {one_line(err)}")

    def ok(self, aspect: str) -> None:
        self.tested.add(aspect)

    def run(self) -> dict:
        try:
            self.cls = torchlike_class(self.info.module_cls)
        except Missing as e:
            return {"missing": one_line(e)}
        dtypes = [d for d in DTYPES if d in self.info.supported_dtypes("cpu")]
        combos = [(d, t) for d in dtypes for t in MODES]
        missing = None
        for combo, (dtype, training) in enumerate(combos):
            mode = "train" if training else "eval"
            try:
                batch = module_inputs(self.info, dtype, training, self.full, combo, len(combos))
            except Exception as e:  # noqa: BLE001 - an input generator that fails on this torch build
                self.fail("forward", f"{str(dtype)[6:]} {mode} inputs", e)
                continue
            for i, mi in batch:
                where = f"{str(dtype)[6:]} {mode} #{i} {mi.desc}".rstrip()
                try:
                    self.one_input(mi, dtype, training, where, i)
                except Missing as e:
                    missing = missing or e
                    self.fail("forward", where, e)
                except Exception as e:  # noqa: BLE001 - an input the driver cannot carry over
                    self.fail("forward", where + " (driver)", e)
        if missing is not None and not (self.tested - set(self.failures)):
            return {"missing": one_line(missing)}
        try:
            self.errors()
        except Missing as e:
            self.fail("errors", "driver", e)
        except Exception as e:  # noqa: BLE001 - recorded, never a crash of the run
            self.fail("driver", "errors", e)
        if not self.failures:
            return {"pass": ""}
        return {f"fail:{a}": r for a, r in self.failures.items()}

    # -- one module input ------------------------------------------------------------------------
    def build_torch(self, mi, dtype, training, i):
        args, kwargs = mi.constructor_input.args, mi.constructor_input.kwargs
        torch.manual_seed(_seed(self.name) + i)
        m = self.info.module_cls(*args, **kwargs)
        m.to("cpu").to(dtype)
        m.train(training)
        return m

    def build_lib(self, tr: Translator, mi, dtype, training, i):
        args, kwargs = tr(mi.constructor_input.args), tr(mi.constructor_input.kwargs)
        torchlike.manual_seed(_seed(self.name) + i)
        m = self.cls(*args, **kwargs)
        m.to("cpu").to(to_torchlike(dtype))
        m.train(training)
        return m

    def one_input(self, mi, dtype, training, where, i) -> None:
        tr = Translator()
        try:
            t_mod = self.build_torch(mi, dtype, training, i)
        except Exception as te:  # noqa: BLE001 - torch refuses to build it: torchlike must too
            self.expect_raise(lambda: self.build_lib(tr, mi, dtype, training, i), where, te)
            return
        try:
            l_mod = self.build_lib(tr, mi, dtype, training, i)
        except Exception as e:  # noqa: BLE001
            if _is_missing(e):
                raise Missing(one_line(e)) from e
            self.fail("forward", where + " construction", e)
            return
        self.check_structure(t_mod, l_mod, where)
        # A lazy module's parameters exist only after torch's first forward: they are carried over then.
        lazy = any(_uninitialized(v) for v in t_mod.state_dict(keep_vars=True).values())
        if not lazy:
            self.load_state(t_mod, l_mod, where)
        if mi.forward_input is None:
            return
        t_args, t_kwargs = mi.forward_input.args, mi.forward_input.kwargs
        l_args, l_kwargs = tr(t_args), tr(t_kwargs)
        random = training and _random_in_training(t_mod)
        try:
            t_out = t_mod(*t_args, **t_kwargs)
        except Exception as te:  # noqa: BLE001 - torch refuses this input: torchlike must too
            self.expect_raise(lambda: l_mod(*l_args, **l_kwargs), where, te)
            return
        if lazy:
            self.load_state(t_mod, l_mod, where)
        try:
            l_out = l_mod(*l_args, **l_kwargs)
        except Exception as e:  # noqa: BLE001
            if _is_missing(e):
                raise Missing(one_line(e)) from e
            self.fail("forward", where, e)
            return
        if not self.compare_forward(t_out, l_out, where, random):
            return
        if not random:
            self.compare_buffers(t_mod, l_mod, where)
            self.gradients(tr, t_mod, l_mod, t_out, l_out, where)

    def expect_raise(self, call, where, te) -> None:
        try:
            call()
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

    def check_structure(self, t_mod, l_mod, where) -> None:
        try:
            a, b = _structure(t_mod.state_dict()), _structure(l_mod.state_dict())
            if list(a) != list(b):
                only_t, only_l = [k for k in a if k not in b], [k for k in b if k not in a]
                raise Mismatch(f"state_dict keys: only in torch {only_t}, only in torchlike {only_l}"
                               if only_t or only_l else f"state_dict key order {list(a)} != {list(b)}")
            for k in a:
                if a[k] != b[k]:
                    raise Mismatch(f"{k}: torch {a[k]}, torchlike {b[k]}")
            pa = [(n, p.requires_grad) for n, p in t_mod.named_parameters()]
            pb = [(n, p.requires_grad) for n, p in l_mod.named_parameters()]
            if pa != pb:
                raise Mismatch(f"named_parameters {pa} != {pb}")
        except Exception as e:  # noqa: BLE001
            self.fail("state_dict", where, e)
        else:
            self.ok("state_dict")
        try:
            ra, rb = repr(t_mod), repr(l_mod)
            if ra != rb:
                raise Mismatch(f"torch {ra!r} vs torchlike {rb!r}")
        except Exception as e:  # noqa: BLE001
            self.fail("repr", where, e)
        else:
            self.ok("repr")

    def load_state(self, t_mod, l_mod, where) -> None:
        sd = {k: to_torchlike(v.detach()) for k, v in t_mod.state_dict().items()}
        try:
            l_mod.load_state_dict(sd)
        except Exception as e:  # noqa: BLE001 - recorded; load what fits and go on
            self.fail("state_dict", where + " load_state_dict", e)
            with contextlib.suppress(Exception):
                l_mod.load_state_dict(sd, strict=False)

    def compare_forward(self, t_out, l_out, where, random) -> bool:
        t_flat, l_flat = flatten(t_out), flatten(l_out)
        try:
            if len(t_flat) != len(l_flat):
                raise Mismatch(f"{len(t_flat)} outputs in torch, {len(l_flat)} in torchlike")
            for k, (a, b) in enumerate(zip(t_flat, l_flat)):
                if random:
                    _shape_dtype(a, b, k)
                else:
                    close(a, b, f"output {k}")
        except Exception as e:  # noqa: BLE001
            self.fail("forward", where, e)
            return False
        self.ok("forward")
        return True

    def compare_buffers(self, t_mod, l_mod, where) -> None:
        t_sd, l_sd = t_mod.state_dict(), l_mod.state_dict()
        if not t_sd:
            return
        try:
            for k, a in t_sd.items():
                if k not in l_sd:
                    raise Mismatch(f"{k} missing in torchlike")
                close(a, l_sd[k], k, check_requires_grad=False)
        except Exception as e:  # noqa: BLE001
            self.fail("buffers", where, e)
            return
        self.ok("buffers")

    def gradients(self, tr, t_mod, l_mod, t_out, l_out, where) -> None:
        t_inputs, l_inputs = tr.leaves()
        l_params = dict(l_mod.named_parameters())
        t_names = [n for n, p in t_mod.named_parameters() if p.requires_grad]
        t_params = [p for n, p in t_mod.named_parameters() if p.requires_grad]
        t_diff = [o for o in flatten(t_out) if isinstance(o, torch.Tensor) and o.requires_grad]
        t_leaves = t_inputs + t_params
        if not t_leaves or not t_diff:
            return
        labels = [f"input {k}" for k in range(len(t_inputs))] + [f"parameter {n}" for n in t_names]
        try:
            missing = [n for n in t_names if n not in l_params]
            if missing:
                raise Mismatch(f"parameters {missing} not in torchlike")
            l_leaves = l_inputs + [l_params[n] for n in t_names]
            l_diff = [o for o in flatten(l_out) if isinstance(o, torchlike.Tensor) and o.requires_grad]
            if len(l_diff) != len(t_diff):
                raise Mismatch(f"{len(t_diff)} differentiable outputs in torch, {len(l_diff)} in torchlike")
            t_g = torch.autograd.grad(t_diff, t_leaves, cotangents(torch, t_diff), allow_unused=True)
            l_g = torchlike.autograd.grad(l_diff, l_leaves, cotangents(torchlike, l_diff), allow_unused=True)
            for label, a, b in zip(labels, t_g, l_g):
                if a is None or b is None:
                    other = b if a is None else a
                    if other is not None and bool((other != 0).any()):
                        raise Mismatch(f"grad of {label} is {a is not None and 'a tensor' or None} in torch, "
                                       f"{b is not None and 'a tensor' or None} in torchlike")
                    continue
                close(a, b, f"grad of {label}", check_requires_grad=False)
        except Exception as e:  # noqa: BLE001
            self.fail("grad", where, e)
            return
        self.ok("grad")

    # -- error inputs ----------------------------------------------------------------------------
    def errors(self) -> None:
        func = self.info.module_error_inputs_func
        if func is None:
            return
        torch.manual_seed(_seed(self.name + "errors"))
        try:
            with recording_constructors():
                cases = list(func(self.info, device="cpu", dtype=torch.float32, requires_grad=False,
                                  training=True))
        except Exception:  # noqa: BLE001 - error inputs this torch build cannot make
            return
        from torch.testing._internal.common_modules import ModuleErrorEnum
        for i, ei in enumerate(cases):
            mi = ei.module_error_input
            on_forward = ei.error_on == ModuleErrorEnum.FORWARD_ERROR
            tr = Translator()
            try:
                args, kwargs = tr(mi.constructor_input.args), tr(mi.constructor_input.kwargs)
                if on_forward:
                    f_args, f_kwargs = tr(mi.forward_input.args), tr(mi.forward_input.kwargs)
            except Exception as e:  # noqa: BLE001
                self.fail("errors", f"#{i} (driver)", e)
                continue
            stage = "forward" if on_forward else "construction"
            try:
                m = self.cls(*args, **kwargs)
            except Exception as e:  # noqa: BLE001
                if on_forward:  # torch builds this one and raises only when it runs
                    self.fail("errors", f"#{i}", Mismatch(f"construction raises {type(e).__name__}: "
                                                          f"{one_line(e, 80)} (torch raises at forward)"))
                else:
                    self.check_error(ei, e, i, stage)
                continue
            if not on_forward:
                self.fail("errors", f"#{i}", Mismatch(f"expected {ei.error_type.__name__} /{ei.error_regex}/ at "
                                                      "construction, torchlike builds the module"))
                continue
            try:
                m(*f_args, **f_kwargs)
            except Exception as e:  # noqa: BLE001
                self.check_error(ei, e, i, stage)
                continue
            self.fail("errors", f"#{i}", Mismatch(f"expected {ei.error_type.__name__} /{ei.error_regex}/ at "
                                                  "forward, torchlike returns"))

    def check_error(self, ei, e, i, stage) -> None:
        if _is_missing(e):
            self.fail("errors", f"#{i}", e)
        elif not exception_matches(ei.error_type, e):
            self.fail("errors", f"#{i}", Mismatch(f"expected {ei.error_type.__name__} /{ei.error_regex}/ "
                                                  f"at {stage}, got {type(e).__name__}: {one_line(e, 80)}"))
        elif ei.error_regex and not re.search(ei.error_regex, str(e)):
            self.fail("errors", f"#{i}", Mismatch(f"message /{ei.error_regex}/ not matched by "
                                                  f"{one_line(e, 80)!r}"))
        else:
            self.ok("errors")


def _shape_dtype(a, b, k) -> None:
    if isinstance(a, torch.Tensor):
        if not isinstance(b, torchlike.Tensor):
            raise Mismatch(f"output {k} is {type(b).__name__} in torchlike")
        if tuple(a.shape) != tuple(b.shape) or str(a.dtype)[6:] != str(b.dtype).split(".")[-1]:
            raise Mismatch(f"output {k}: torch {tuple(a.shape)} {a.dtype}, torchlike {tuple(b.shape)} {b.dtype}")


def run(info, full: bool = False) -> dict:
    return Entry(info, full).run()
