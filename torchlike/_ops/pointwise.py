"""Pointwise operators: arithmetic, comparisons, unary maths. Each is one jax expression; the
registry supplies promotion, broadcasting errors, methods, in-place variants and autograd."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .registry import T, TS, op


@op(promote="same", inplace=True, linear=True)
def add(input: TS, other: TS, *, alpha=1, out=None):
    return input + other * alpha if alpha != 1 else input + other


@op(promote="same", inplace=True, linear=True, aliases=("subtract",))
def sub(input: TS, other: TS, *, alpha=1, out=None):
    return input - other * alpha if alpha != 1 else input - other


@op(promote="same", inplace=True, aliases=("multiply",))
def mul(input: TS, other: TS, *, out=None):
    return input * other


@op(promote="float", inplace=True, aliases=("divide", "true_divide"))
def div(input: TS, other: TS, *, rounding_mode=None, out=None):
    return input / other


@op(inplace=True, linear=True, aliases=("negative",))
def neg(input: T, *, out=None):
    return -input


@op(promote="float", inplace=True, saves_output=True)
def exp(input: T, *, out=None):
    return jnp.exp(input)


@op(promote="float", inplace=True)
def log(input: T, *, out=None):
    return jnp.log(input)


@op(inplace=True, saves_output=True)
def relu(input: T):
    return jnp.maximum(input, 0)


@op(promote="same", inplace=True)
def pow(input: TS, exponent: TS, *, out=None):
    return input ** exponent


@op(promote="same", differentiable=False)
def eq(input: T, other: TS, *, out=None):
    return input == other
