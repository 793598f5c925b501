"""L-BFGS with an optional strong-Wolfe line search.

The algorithm is sequential and decides on values (line search, stopping tests), so it runs eagerly
on jax arrays over the flattened parameters. Scalars PyTorch keeps as 0-d tensors are numpy scalars
of the parameters' dtype here (same rounding); they are stored in `state` as torchlike tensors."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _autograd
from .._tensor import Tensor
from ._family import check_lr
from .optimizer import Optimizer

__all__ = ["LBFGS"]


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to bounds."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(pos, lo), hi)
    return (lo + hi) / 2.0


def _scalar(a):
    """A 0-d array as a numpy scalar of its dtype (PyTorch's 0-d tensor arithmetic keeps that dtype)."""
    return np.asarray(a)[()]


def _dot(a, b):
    return _scalar(jnp.dot(a, b))


def _absmax(a):
    return _scalar(jnp.max(jnp.abs(a)))


def _axpy(y, alpha, x):
    """y + alpha * x with alpha rounded to y's dtype, as `y.add(x, alpha=alpha)`."""
    return y + jnp.asarray(alpha, dtype=y.dtype) * x


def _to_tensor(v):
    if isinstance(v, (list, tuple)):
        return type(v)(_to_tensor(e) for e in v)
    if isinstance(v, (np.generic, jnp.ndarray)):
        return Tensor._wrap(jnp.asarray(v))
    return v


def _to_array(v):
    if isinstance(v, (list, tuple)):
        return type(v)(_to_array(e) for e in v)
    if isinstance(v, Tensor):
        return _scalar(v._data) if v.ndim == 0 else v._data
    return v


class _Bracket:
    """The interval the zoom phase of the line search narrows: points, values, grads, slopes."""

    def __init__(self, t, f, g, gtd):
        self.t, self.f, self.g, self.gtd = t, f, g, gtd

    def set(self, i, t, f, g, gtd):
        self.t[i], self.f[i], self.g[i], self.gtd[i] = t, f, g, gtd


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Line search satisfying the strong Wolfe conditions (bracketing, then zoom by cubic interpolation)."""
    d_norm = _absmax(d)
    f_new, g_new = obj_func(x, t, d)
    evals = 1
    gtd_new = _dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done, ls_iter, br = False, 0, None
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            br = _Bracket([t_prev, t], [f_prev, f_new], [g_prev, g_new], [gtd_prev, gtd_new])
            break
        if abs(gtd_new) <= -c2 * gtd:
            br = _Bracket([t], [f_new], [g_new], None)
            done = True
            break
        if gtd_new >= 0:
            br = _Bracket([t_prev, t], [f_prev, f_new], [g_prev, g_new], [gtd_prev, gtd_new])
            break
        step_lo, step_hi = t + 0.01 * (t - t_prev), t * 10
        t, t_prev = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(step_lo, step_hi)), t
        f_prev, g_prev, gtd_prev = f_new, g_new, gtd_new
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = _dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:
        br = _Bracket([0, t], [f, f_new], [g, g_new], None)
    low, high = (0, 1) if br.f[0] <= br.f[-1] else (1, 0)
    insuf_progress = False
    while not done and ls_iter < max_ls:
        if abs(br.t[1] - br.t[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(br.t[0], br.f[0], br.gtd[0], br.t[1], br.f[1], br.gtd[1])
        t, insuf_progress = _keep_inside(t, br.t, insuf_progress)
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = _dot(g_new, d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= br.f[low]:
            br.set(high, t, f_new, g_new, gtd_new)
            low, high = (0, 1) if br.f[0] <= br.f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (br.t[high] - br.t[low]) >= 0:
                br.set(high, br.t[low], br.f[low], br.g[low], br.gtd[low])
            br.set(low, t, f_new, g_new, gtd_new)
    return br.f[low], br.g[low], br.t[low], evals


def _keep_inside(t, bracket, insuf_progress):
    """Move t away from the bracket's ends when it makes too little progress."""
    lo, hi = min(bracket), max(bracket)
    eps = 0.1 * (hi - lo)
    if min(hi - t, t - lo) < eps:
        if insuf_progress or t >= hi or t <= lo:
            t = hi - eps if abs(t - hi) < abs(t - lo) else lo + eps
            return t, False
        return t, True
    return t, False


class LBFGS(Optimizer):
    """Mirrors `torch.optim.LBFGS` (one parameter group; step requires a closure)."""

    _STATE = ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss", "al")

    def __init__(self, params, lr=1, max_iter: int = 20, max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100, line_search_fn: str | None = None) -> None:
        check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad,
                    "tolerance_change": tolerance_change, "history_size": history_size,
                    "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        for p in self._params:
            if p.is_complex():
                raise NotImplementedError("torchlike.optim.LBFGS: complex parameters are not supported")

    def _gather_flat_grad(self):
        return jnp.concatenate([jnp.zeros(p.numel(), p._data.dtype) if p.grad is None else p.grad._data.reshape(-1)
                                for p in self._params])

    def _add_grad(self, step_size, update) -> None:
        offset = 0
        for p in self._params:
            n = p.numel()
            p._write(_axpy(p._data, step_size, update[offset:offset + n].reshape(p._data.shape)))
            offset += n

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        for p, data in zip(self._params, x):
            p._write(data)
        return loss, flat_grad

    def step(self, closure):
        """Mirrors `torch.optim.LBFGS.step`: runs up to max_iter iterations, calling closure for loss and grads."""
        group = self.param_groups[0]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        def closure_with_grad():
            with _autograd.enable_grad():
                return closure()

        orig_loss = closure_with_grad()
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if _absmax(flat_grad) <= group["tolerance_grad"]:
            return orig_loss
        mem = {k: _to_array(state.get(k)) for k in self._STATE}
        self._iterate(group, state, mem, closure_with_grad, float(orig_loss), flat_grad)
        state.update({k: _to_tensor(v) for k, v in mem.items() if v is not None or k in state})
        return orig_loss

    def _iterate(self, group, state, mem, closure, loss, flat_grad) -> None:
        max_iter, max_eval, tol_change = group["max_iter"], group["max_eval"], group["tolerance_change"]
        lr = float(group["lr"])
        # With a Tensor lr PyTorch's step length t is a 0-d tensor of lr's dtype (kept in state as one).
        t_dtype = group["lr"]._data.dtype if isinstance(group["lr"], Tensor) else None

        def keep_t(t):
            mem["t"] = t if t_dtype is None else np.asarray(t, dtype=t_dtype)[()]
        n_iter, current_evals = 0, 1
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                mem.update(d=-flat_grad, old_dirs=[], old_stps=[], ro=[], H_diag=1)
            else:
                self._update_history(group, mem, flat_grad)
                mem["d"] = self._two_loop(group, mem, flat_grad)
            mem["prev_flat_grad"], mem["prev_loss"] = flat_grad, loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / _scalar(jnp.sum(jnp.abs(flat_grad)))) * lr
            else:
                t = lr
            d = mem["d"]
            gtd = _dot(flat_grad, d)
            if gtd > -tol_change:
                keep_t(t)
                break
            loss, flat_grad, t, opt_cond, evals = self._move(group, closure, loss, flat_grad, t, d, gtd, n_iter,
                                                             max_eval - current_evals)
            keep_t(t)
            current_evals += evals
            state["func_evals"] += evals
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if _absmax(d * jnp.asarray(t, d.dtype)) <= tol_change or abs(loss - mem["prev_loss"]) < tol_change:
                break

    def _update_history(self, group, mem, flat_grad) -> None:
        y = flat_grad - mem["prev_flat_grad"]
        s = mem["d"] * jnp.asarray(mem["t"], mem["d"].dtype)
        ys = _dot(y, s)
        if ys > 1e-10:
            if len(mem["old_dirs"]) == group["history_size"]:
                for k in ("old_dirs", "old_stps", "ro"):
                    mem[k].pop(0)
            mem["old_dirs"].append(y)
            mem["old_stps"].append(s)
            mem["ro"].append(1.0 / ys)
            mem["H_diag"] = ys / _dot(y, y)

    def _two_loop(self, group, mem, flat_grad):
        """The L-BFGS two-loop recursion: the approximate inverse Hessian times -grad."""
        if mem["al"] is None:
            mem["al"] = [None] * group["history_size"]
        al, dirs, stps, ro = mem["al"], mem["old_dirs"], mem["old_stps"], mem["ro"]
        q = -flat_grad
        for i in range(len(dirs) - 1, -1, -1):
            al[i] = _dot(stps[i], q) * ro[i]
            q = _axpy(q, -al[i], dirs[i])
        r = q * jnp.asarray(mem["H_diag"], q.dtype)
        for i in range(len(dirs)):
            be_i = _dot(dirs[i], r) * ro[i]
            r = _axpy(r, al[i] - be_i, stps[i])
        return r

    def _move(self, group, closure, loss, flat_grad, t, d, gtd, n_iter, max_ls):
        """Take the step along d: by line search, or by the fixed t and a fresh evaluation."""
        if group["line_search_fn"] is not None:
            if group["line_search_fn"] != "strong_wolfe":
                raise RuntimeError("only 'strong_wolfe' is supported")
            x_init = [p._data for p in self._params]
            loss, flat_grad, t, evals = _strong_wolfe(
                lambda x, t_, d_: self._directional_evaluate(closure, x, t_, d_), x_init, t, d, loss, flat_grad,
                gtd, max_ls=max_ls)
            self._add_grad(t, d)
            return loss, flat_grad, t, bool(_absmax(flat_grad) <= group["tolerance_grad"]), evals
        self._add_grad(t, d)
        if n_iter == group["max_iter"]:
            return loss, flat_grad, t, False, 0
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        return loss, flat_grad, t, bool(_absmax(flat_grad) <= group["tolerance_grad"]), 1
