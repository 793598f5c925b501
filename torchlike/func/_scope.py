"""What holds while a torch.func transform runs the user's function on tensors wrapping JAX tracers.

- no tape: the transform differentiates with JAX, so nothing is recorded for `backward()`;
- `detach()` and `.data` of a traced tensor stop the gradient, as they do under torch.func
  (outside a transform they keep sharing storage, and in-place writes through them stay visible);
- random operators follow vmap's `randomness` ('error' refuses them, 'different' draws from a
  per-example key, 'same' draws once for the whole batch);
- a tensor that requires grad read while grad mode is on (an input, a module parameter the function
  closes over) is refused: PyTorch would give the result a grad_fn through it, ours would silently
  carry none;
- reading a traced value back to Python (`.item()`, `bool()`) gets PyTorch's error under vmap, and
  a NotImplementedError naming the limitation elsewhere (PyTorch's grad can read values; ours cannot).
"""
from __future__ import annotations

import contextlib

import jax

from .. import _random, _state
from .._autograd import is_grad_enabled, no_grad
from .._tensor import Tensor

RANDOMNESS = ("error", "different", "same")

_READ_BACK_ERRORS = (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError,
                     jax.errors.TracerIntegerConversionError, jax.errors.NonConcreteBooleanIndexError)

def check_randomness(randomness: str) -> None:
    if randomness not in RANDOMNESS:
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")


def _refuse_random(generator=None):
    raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use the 'same' "
                       "or 'different' randomness flags on vmap or perform the randomness operation out of vmap")


def _key_stream(key):
    """A next_key drawing from one (per-example, batched) key: vmap's randomness='different'."""
    state = [key]

    def next_key(generator=None):
        state[0], sub = _random._split(state[0])
        return sub
    return next_key


def _tape_error(api: str) -> NotImplementedError:
    return NotImplementedError(
        f"{api}: the function uses a tensor that requires grad (an input, or a closed-over tensor such as a module "
        "parameter) while grad mode is on; torchlike's function transforms do not record on the autograd tape, so "
        "the result would carry no grad_fn. Run it under torch.no_grad(), or pass detached tensors (parameters "
        "through torch.func.functional_call) and differentiate with torch.func.grad.")


def refuse_tape(api: str, tensors) -> None:
    """Raise when one of these inputs would need the autograd tape (see the module docstring)."""
    if is_grad_enabled() and any(isinstance(t, Tensor) and t.requires_grad for t in tensors):
        raise _tape_error(api)


class _TapeGuard:
    """An observer of tensor reads (chained to torchlike.compile's, if any) that notices tensors requiring grad."""

    def __init__(self, outer):
        self.outer, self.found = outer, False

    def read(self, s, t) -> None:
        if t._requires_grad:
            self.found = True
        if self.outer is not None:
            self.outer.read(s, t)

    def created(self, s) -> None:
        if self.outer is not None:
            self.outer.created(s)


@contextlib.contextmanager
def _guarding_tape(api: str):
    guard = _TapeGuard(_state.current("observer"))
    with _state.entered("observer", guard):
        yield
    if guard.found:
        raise _tape_error(api)


@contextlib.contextmanager
def transform_scope(api: str, randomness: str | None = None, key=None):
    """Run the body as the inside of the transform `api` (see the module docstring).

    randomness None leaves random operators as the enclosing code has them; 'different' needs
    `key`, this example's key."""
    with contextlib.ExitStack() as stack:
        if is_grad_enabled():
            stack.enter_context(_guarding_tape(api))
        stack.enter_context(no_grad())
        stack.enter_context(_state.entered("traced_detach", True))
        if randomness == "error":
            stack.enter_context(_state.entered("next_key", _refuse_random))
        elif randomness == "different":
            stack.enter_context(_state.entered("next_key", _key_stream(key)))
        try:
            yield
        except _READ_BACK_ERRORS as e:
            raise _read_back_error(api, e) from e


def _read_back_error(api: str, e: Exception) -> Exception:
    if api == "vmap":
        if isinstance(e, jax.errors.TracerBoolConversionError) or _raised_in(e, "__bool__"):
            return RuntimeError("vmap: It looks like you're attempting to use a Tensor in some data-dependent control "
                                "flow. We don't support that yet, please file an issue at "
                                "https://github.com/pytorch/pytorch/issues .")
        return RuntimeError("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over "
                            "calling .item() on a Tensor, please try to rewrite what you're doing with other "
                            "operations.")
    return NotImplementedError(f"{api}: reading a tensor's value in Python (.item(), bool(), int(), data-dependent "
                               "shapes) inside a transformed function: values are JAX tracers here")


def _raised_in(e: Exception, function: str) -> bool:
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == function:
            return True
        tb = tb.tb_next
    return False


def draw_keys(n: int):
    """n independent raw keys from the current stream (one per example for randomness='different')."""
    return jax.random.split(_random.next_key(), n)
