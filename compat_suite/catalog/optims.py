"""Run one `optim_db` entry (an OptimizerInfo) on real PyTorch and on torchlike.

Every configuration of the entry's `optim_inputs_func(device="cpu")` runs as it is, and once more
with each implementation flag the entry lists among IMPL_FLAGS set to True (`foreach`, `fused`:
torch's own `_get_optim_inputs_including_global_cliquey_kwargs` adds them the same way; torch decides
whether CPU takes them). `differentiable` is left out, as torch's own step and state_dict tests leave
it out: with leaf parameters torch refuses it (an in-place update of a leaf that requires grad).
Nothing is skipped: a configuration torch refuses (at construction or at a step) must be refused by
torchlike with the same exception type.

Aspects, each recorded as passing or with the first failure's one-line reason (naming the
configuration's `desc`):
- steps: identical parameters (PARAM_SHAPES float32, or the configuration's own `params`: plain
  tensors, (name, tensor) pairs or param groups), optimizers built from the same (translated)
  kwargs, STEPS steps with the same deterministic gradients, different at every step, set as
  `.grad` from the same numpy arrays on both sides; an optimizer whose step needs a closure
  (LBFGS) gets one that computes loss and gradients from the parameters' values in numpy, the same
  code on both sides, with float64 parameters: LBFGS decides on values (stopping tests, line
  search) and keeps curvature pairs from its last, nearly converged iterations, which float32
  rounding alone changes by ~1e-2 (torch's own float32 and float64 runs differ so). Parameters
  are compared after every step (and the loss the closure step returns).
- state_dict: after the last step, the same state keys and values and equal param_groups.
- load_state_dict: torch's state_dict (taken then) loaded into a fresh torchlike optimizer over
  fresh parameters holding torch's current values; one more step on both; parameters and
  state_dicts compared.
- errors: each of the entry's `optim_error_inputs_func` cases raises (or, for a Warning type,
  warns) its type with a message matching PyTorch's pattern, at construction or at `step()` as its
  `error_on` says.
"""
from __future__ import annotations

import copy
import inspect
import re
import warnings

import numpy as np
import torch
from torch.testing._internal.common_optimizers import OptimizerErrorEnum, OptimizerInput

import torchlike

from .compare import Mismatch, close
from .translate import Missing, exception_matches, lookup, one_line, to_numpy, to_torchlike

FAMILY = "optim_db"
STEPS = 5
IMPL_FLAGS = ("foreach", "fused")
PARAM_SHAPES = ((3, 4), (4,))
# Optimizers that only take some shapes: the default parameters they get instead.
PARAM_SHAPES_FOR = {"Muon": ((3, 4), (4, 2))}
CLOSURE_DTYPE = np.float64
# The closure's loss (LBFGS): SCALE * sum(C/2 r^2 + Q/4 r^4), r = param - target(step). Scaled down
# so that float32 rounding of the gradient stays far below LBFGS's stopping tolerances.
CLOSURE_SCALE, CLOSURE_Q = 1e-2, 0.5


def entry_name(info) -> str:
    return info.optim_cls.__name__


def _call(func, **kwargs):
    """Call a catalog function with the keyword arguments its signature takes."""
    names = inspect.signature(func).parameters
    return func(**{k: v for k, v in kwargs.items() if k in names})


def configs(info) -> list:
    """(label, OptimizerInput) for every configuration, plus each implementation flag set to True."""
    out = []
    for i, oi in enumerate(_call(info.optim_inputs_func, device="cpu", dtype=torch.float32)):
        desc = oi.desc or f"config #{i}"
        out.append((desc, oi))
        for flag in IMPL_FLAGS:
            if flag in info.supported_impls and flag not in oi.kwargs:
                out.append((f"{desc} & {flag}", OptimizerInput(oi.params, {**oi.kwargs, flag: True}, oi.desc)))
    return out


# -- deterministic values ------------------------------------------------------------------------
def _wave(shape, a: float, b: float) -> np.ndarray:
    n = int(np.prod(shape, dtype=np.int64))
    return np.cos(np.arange(n, dtype=np.float64) * a + b).reshape(shape)


def initial(shape, i: int, dtype=np.float32) -> np.ndarray:
    return (0.8 * _wave(shape, 0.61, 0.4 + i)).astype(dtype)


def gradient(shape, i: int, k: int, dtype=np.float32) -> np.ndarray:
    """Step k's gradient of parameter i: signs and magnitudes change from step to step."""
    return ((0.5 + 0.3 * k) * _wave(shape, 0.37 * (i + 1), 0.9 * k + 0.3 * i)).astype(dtype)


def _target(shape, i: int, k: int) -> np.ndarray:
    return 0.5 * _wave(shape, 0.53, 1.1 * k + 0.7 * i)


def _curvature(shape, i: int) -> np.ndarray:
    return 1.0 + 0.5 * _wave(shape, 0.29, 0.2 + i) ** 2


def make_closure(lib, params, k: int):
    """LBFGS's closure at step k: loss and gradients from the parameters' values, in numpy (float64)."""

    def closure():
        loss = 0.0
        for i, p in enumerate(params):
            x = to_numpy(p).astype(np.float64)
            r = x - _target(x.shape, i, k)
            c = _curvature(x.shape, i)
            loss += CLOSURE_SCALE * float((0.5 * c * r * r + 0.25 * CLOSURE_Q * r ** 4).sum())
            g = CLOSURE_SCALE * (c * r + CLOSURE_Q * r ** 3)
            p.grad = lib.tensor(g.astype(to_numpy(p).dtype))
        return lib.tensor(np.float32(loss))

    return closure


# -- parameters on both sides ----------------------------------------------------------------------
class Params:
    """A params spec (tensors, (name, tensor) pairs, param groups, a bare tensor) on both sides.

    `source` maps each torch tensor of the spec to the values the two fresh leaves get (memoised by
    identity, so a tensor listed twice stays one tensor on each side, as the duplicate-parameter
    checks need); a tensor's `.grad` is carried over too."""

    def __init__(self, spec, values=None):
        self.memo: dict = {}
        self.values = values or {}
        self.torch_spec = self._walk(spec, 0)
        self.lib_spec = self._walk(spec, 1)
        self.pairs = list(self.memo.values())

    def _leaf(self, t: torch.Tensor):
        if id(t) not in self.memo:
            src = self.values.get(id(t), t).detach()
            rg = t.requires_grad or isinstance(t, torch.nn.Parameter)
            tt = src.clone().requires_grad_(rg) if src.is_floating_point() or src.is_complex() else src.clone()
            if isinstance(t, torch.nn.Parameter):
                tt = torch.nn.Parameter(tt, requires_grad=t.requires_grad)
            lt = to_torchlike(src)
            if rg:
                lt.requires_grad_(True)
            if isinstance(t, torch.nn.Parameter):
                lt = torchlike.nn.Parameter(lt, requires_grad=t.requires_grad)
            if t.grad is not None:
                tt.grad = t.grad.detach().clone()
                lt.grad = to_torchlike(t.grad)
            self.memo[id(t)] = (t, tt, lt)
        return self.memo[id(t)]

    def _walk(self, x, side: int):
        if isinstance(x, torch.Tensor):
            return self._leaf(x)[1 + side]
        if isinstance(x, dict):
            return {k: (self._walk(v, side) if k == "params" else (v if side == 0 else to_torchlike(v)))
                    for k, v in x.items()}
        if isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str):
            return (x[0], self._walk(x[1], side))
        if isinstance(x, (list, tuple)):
            return type(x)(self._walk(e, side) for e in x)
        return x if side == 0 else to_torchlike(x)

    @property
    def torch_params(self) -> list:
        return [p[1] for p in self.pairs]

    @property
    def lib_params(self) -> list:
        return [p[2] for p in self.pairs]


def default_spec(info) -> list:
    shapes = PARAM_SHAPES_FOR.get(entry_name(info), PARAM_SHAPES)
    dtype = CLOSURE_DTYPE if info.step_requires_closure else np.float32
    return [torch.tensor(initial(s, i, dtype), requires_grad=True) for i, s in enumerate(shapes)]


# -- comparing optimizer state ---------------------------------------------------------------------
def same(a, b, what: str) -> None:
    """Raise Mismatch when torchlike's b is not torch's a: containers recursively, tensors by value."""
    if isinstance(a, dict):
        if not isinstance(b, dict):
            raise Mismatch(f"{what} is a dict in torch, {type(b).__name__} in torchlike")
        _same_keys(a, b, what)
        for k in a:
            same(a[k], b[k], f"{what}[{k!r}]")
        return
    if isinstance(a, (list, tuple)) and not isinstance(a, torch.Size):
        if type(a) is not type(b) or len(a) != len(b):
            raise Mismatch(f"{what} is {type(a).__name__} of {len(a)} in torch, "
                           f"{type(b).__name__}{f' of {len(b)}' if isinstance(b, (list, tuple)) else ''} in torchlike")
        for k, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{what}[{k}]")
        return
    close(a, b, what)


def _same_keys(a: dict, b: dict, what: str) -> None:
    if set(a) != set(b):
        only_t, only_l = sorted(map(str, set(a) - set(b))), sorted(map(str, set(b) - set(a)))
        raise Mismatch(f"{what} keys differ: only in torch {only_t}, only in torchlike {only_l}")


def same_state_dict(t_sd: dict, l_sd: dict, what: str = "state_dict") -> None:
    """Structure first (keys, state keys per parameter), then param_groups, then state values."""
    _same_keys(t_sd, l_sd, what)
    t_state, l_state = t_sd["state"], l_sd["state"]
    _same_keys(t_state, l_state, f"{what} state")
    for i in t_state:
        _same_keys(t_state[i], l_state[i], f"{what} state[{i}]")
    same(t_sd["param_groups"], l_sd["param_groups"], f"{what} param_groups")
    same(t_state, l_state, f"{what} state")


def _is_missing(e: BaseException) -> bool:
    msg = str(e)
    return isinstance(e, Missing) or (isinstance(e, AttributeError) and "torchlike" in msg)


class Entry:
    """The outcome of one optim_db entry: status -> reason."""

    def __init__(self, info):
        self.info = info
        self.name = entry_name(info)
        self.failures: dict = {}
        self.tested: set = set()
        self.missing: BaseException | None = None

    def fail(self, aspect: str, where: str, err) -> None:
        self.tested.add(aspect)
        self.failures.setdefault(aspect, f"{where}: {type(err).__name__}: {one_line(err)}")

    def ok(self, aspect: str) -> None:
        self.tested.add(aspect)

    def run(self) -> dict:
        try:
            self.cls = lookup(f"torch.optim.{self.name}")
        except Missing as e:
            return {"missing": one_line(e)}
        for desc, oi in configs(self.info):
            try:
                self.config(desc, oi)
            except Missing as e:
                self.missing = self.missing or e
                self.fail("steps", desc, e)
            except Exception as e:  # noqa: BLE001 - a configuration the driver cannot carry over
                self.fail("steps", desc + " (driver)", e)
        if self.missing is not None and not (self.tested - set(self.failures)):
            return {"missing": one_line(self.missing)}
        try:
            self.errors()
        except Exception as e:  # noqa: BLE001 - recorded, never a crash of the run
            self.fail("driver", "errors", e)
        if not self.failures:
            return {"pass": ""}
        return {f"fail:{a}": r for a, r in self.failures.items()}

    # -- one configuration ---------------------------------------------------------------------------
    def _build(self, which, spec_side, kwargs):
        """An optimizer on one side: torch's class with torch kwargs, or torchlike's with translated ones."""
        if which is torch:
            return self.info.optim_cls(spec_side, **copy.deepcopy(kwargs))
        return self.cls(spec_side, **to_torchlike(kwargs))

    def _step(self, lib, opt, params, k: int):
        if self.info.step_requires_closure:
            return opt.step(make_closure(lib, params, k))
        for i, p in enumerate(params):
            gt = torch.tensor(gradient(tuple(p.shape), i, k, to_numpy(p).dtype))
            if self.info.only_supports_sparse_grads:
                gt = gt.to_sparse()
            p.grad = gt if lib is torch else to_torchlike(gt)
        return opt.step()

    def _both(self, aspect, where, torch_fn, lib_fn):
        """Run torch_fn; if it raises, lib_fn must raise the same type (then None). Else (t, l)."""
        try:
            t_out = torch_fn()
        except Exception as te:  # noqa: BLE001 - torch refuses: torchlike must refuse alike
            try:
                lib_fn()
            except Exception as e:  # noqa: BLE001
                if _is_missing(e):
                    raise Missing(one_line(e)) from e
                if exception_matches(type(te), e):
                    self.ok(aspect)
                else:
                    self.fail(aspect, where, Mismatch(f"torch raises {type(te).__name__}, torchlike "
                                                      f"{type(e).__name__}: {one_line(e, 80)}"))
                return None
            self.fail(aspect, where, Mismatch(f"torch raises {type(te).__name__} ({one_line(te, 80)}), "
                                              "torchlike does not"))
            return None
        try:
            l_out = lib_fn()
        except Exception as e:  # noqa: BLE001
            if _is_missing(e):
                raise Missing(one_line(e)) from e
            self.fail(aspect, where, e)
            return None
        return t_out, l_out

    def config(self, desc: str, oi) -> None:
        spec = oi.params if oi.params is not None else default_spec(self.info)
        ps = Params(spec)
        tp, lp = ps.torch_params, ps.lib_params
        made = self._both("steps", f"{desc}: construction", lambda: self._build(torch, ps.torch_spec, oi.kwargs),
                          lambda: self._build(torchlike, ps.lib_spec, oi.kwargs))
        if made is None:
            return
        t_opt, l_opt = made
        for k in range(STEPS):
            where = f"{desc}: step {k + 1}"
            res = self._both("steps", where, lambda: self._step(torch, t_opt, tp, k),
                             lambda: self._step(torchlike, l_opt, lp, k))
            if res is None:
                return
            try:
                if self.info.step_requires_closure:
                    close(res[0], res[1], "loss", check_requires_grad=False)
                for i, (a, b) in enumerate(zip(tp, lp)):
                    close(a, b, f"param {i}")
            except Exception as e:  # noqa: BLE001
                self.fail("steps", where, e)
                return
        self.ok("steps")
        # state_dict after the last step
        try:
            t_sd = t_opt.state_dict()
            l_sd_torch = to_torchlike(t_sd)  # taken now: torch's state tensors change in place later
        except Missing as e:
            self.fail("load_state_dict", desc, e)
            return
        try:
            same_state_dict(t_sd, l_opt.state_dict())
            self.ok("state_dict")
        except Exception as e:  # noqa: BLE001
            self.fail("state_dict", desc, e)
        self.load_and_continue(desc, oi, spec, ps, t_opt, l_sd_torch)

    def load_and_continue(self, desc, oi, spec, ps, t_opt, l_sd) -> None:
        where = f"{desc}: load + step {STEPS + 1}"
        try:
            fresh = Params(spec, values={id(src): tt for src, tt, _ in ps.pairs})
            for (_, tt, _), lt in zip(ps.pairs, fresh.lib_params):
                lt.grad = None if tt.grad is None else to_torchlike(tt.grad)
            l_opt = self._build(torchlike, fresh.lib_spec, oi.kwargs)
            l_opt.load_state_dict(l_sd)
        except Exception as e:  # noqa: BLE001
            if _is_missing(e):
                raise Missing(one_line(e)) from e
            self.fail("load_state_dict", where, e)
            return
        tp, lp = ps.torch_params, fresh.lib_params
        res = self._both("load_state_dict", where, lambda: self._step(torch, t_opt, tp, STEPS),
                         lambda: self._step(torchlike, l_opt, lp, STEPS))
        if res is None:
            return
        try:
            for i, (a, b) in enumerate(zip(tp, lp)):
                close(a, b, f"param {i}")
            same_state_dict(t_opt.state_dict(), l_opt.state_dict())
        except Exception as e:  # noqa: BLE001
            self.fail("load_state_dict", where, e)
            return
        self.ok("load_state_dict")

    # -- error inputs --------------------------------------------------------------------------------
    def errors(self) -> None:
        if self.info.optim_error_inputs_func is None:
            return
        try:
            cases = list(_call(self.info.optim_error_inputs_func, device="cpu", dtype=torch.float32))
        except Exception:  # noqa: BLE001 - error samples this torch build cannot make
            return
        for i, ei in enumerate(cases):
            oi = ei.optimizer_error_input
            where = f"{oi.desc or f'#{i}'}"
            try:
                params = None if oi.params is None else Params(oi.params).lib_spec
                kwargs = to_torchlike(oi.kwargs)
            except Exception as e:  # noqa: BLE001
                self.fail("errors", where + " (driver)", e)
                continue
            at_step = ei.error_on == OptimizerErrorEnum.STEP_ERROR

            def attempt(params=params, kwargs=kwargs, at_step=at_step):
                opt = self.cls(params, **kwargs)
                if at_step:
                    opt.step()

            self.one_error(ei, where, attempt, at_step)

    def one_error(self, ei, where, attempt, at_step) -> None:
        want = f"{ei.error_type.__name__} /{ei.error_regex}/" + (" at step()" if at_step else "")
        is_warning = issubclass(ei.error_type, Warning)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                attempt()
            except Exception as e:  # noqa: BLE001
                if not is_warning and exception_matches(ei.error_type, e):
                    if ei.error_regex and not re.search(ei.error_regex, str(e)):
                        self.fail("errors", where, Mismatch(f"message /{ei.error_regex}/ not matched by "
                                                            f"{one_line(e, 80)!r}"))
                    else:
                        self.ok("errors")
                else:
                    self.fail("errors", where, Mismatch(f"expected {want}, got {type(e).__name__}: {one_line(e, 80)}"))
                return
        if is_warning:
            hits = [w for w in caught if issubclass(w.category, ei.error_type)]
            if any(re.search(ei.error_regex, str(w.message)) for w in hits):
                self.ok("errors")
            else:
                got = "; ".join(f"{w.category.__name__}: {one_line(w.message, 60)}" for w in hits) or "no warning"
                self.fail("errors", where, Mismatch(f"expected {want}, got {got}"))
            return
        self.fail("errors", where, Mismatch(f"expected {want}, torchlike does not raise"))


def run(info) -> dict:
    return Entry(info).run()
