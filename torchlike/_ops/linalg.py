"""Linear algebra products: matmul and friends, with PyTorch's shape and dtype errors. Norms and
decompositions live in linalg_decomp.py, LU and the solves built on factorizations in linalg_lu.py, eig,
Householder products, LDL and the low-rank SVD in linalg_eig.py; the `torch.linalg` namespace is
torchlike/linalg.py."""
from __future__ import annotations

import math
import string

import jax.numpy as jnp

from .._engine.grad_name import GradName
from .._tensor import Tensor
from .reduction import _sum_dtype, legacy, one_dim
from .._engine.op import N, OPS, TL, T, check_broadcast, op, traced

__all__ = ["chain_matmul", "einsum", "tensordot"]

# PyTorch names dtypes by their C type in some messages.
_CTYPE = {"Float": "float", "Double": "double", "Long": "long int", "Int": "int", "Short": "short int",
          "Char": "signed char", "Byte": "unsigned char", "Bool": "bool", "Half": "c10::Half",
          "BFloat16": "c10::BFloat16", "ComplexFloat": "c10::complex<float>", "ComplexDouble": "c10::complex<double>"}


def _m1m2(a, b) -> None:
    if a.dtype != b.dtype:
        x, y = legacy(a), legacy(b)
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_CTYPE.get(x, x)} != "
                           f"{_CTYPE.get(y, y)}")


def _shapes_msg(a_rows, k1, k2, n):
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a_rows}x{k1} and {k2}x{n})")


def _mm_check(a, b, first="self"):
    if a.ndim != 2:
        raise RuntimeError(f"{first} must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise _shapes_msg(a.shape[0], a.shape[1], b.shape[0], b.shape[1])


@op(grad_name="MmBackward0")
def mm(input: T, mat2: T, *, out=None):
    _mm_check(input, mat2)
    _m1m2(input, mat2)
    return input @ mat2


def _mv_check(mat, vec, self_dtype=None):
    if mat.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {mat.ndim}, {vec.ndim}")
    if mat.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({mat.shape[0]}), mat ({mat.shape[0]}x{mat.shape[1]}), "
                           f"vec ({vec.shape[0]})")
    s = self_dtype if self_dtype is not None else vec
    if not (s.dtype == mat.dtype == vec.dtype):
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {legacy(s)}, {legacy(mat)}, "
                           f"and {legacy(vec)}")


def _dot_check(a, b):
    # PyTorch's order: ranks, dtypes, sizes; vdot's dtype message also says "dot".
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {legacy(a)} and {legacy(b)}")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have "
                           f"the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively")


def _bmm_check(a, b, name1="batch1", name2="batch2"):
    if a.ndim != 3:
        raise RuntimeError(f"{name1} must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError(f"{name2} must be a 3D tensor")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, "
                           f"{a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {legacy(a)} but found {legacy(b)}")


def _matmul_name(a, b):
    return {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4",
            (2, 2): "MmBackward0"}.get((a.ndim, b.ndim), "UnsafeViewBackward0")


def _matmul_check(a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.ndim == 1 and b.ndim == 1:
        return _dot_check(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return _mv_check(a, b)
    if a.ndim <= 2 and b.ndim == 2:
        rows = a.shape[0] if a.ndim == 2 else 1
        if a.shape[-1] != b.shape[0]:
            raise _shapes_msg(rows, a.shape[-1], b.shape[0], b.shape[1])
        return _m1m2(a, b)
    if b.ndim == 1:  # a folds into a matrix of its leading dims
        return _mv_check(a.reshape(-1, a.shape[-1]), b)
    if b.ndim == 2:
        if a.shape[-1] != b.shape[0]:
            raise _shapes_msg(math.prod(a.shape[:-1]), a.shape[-1], b.shape[0], b.shape[1])
        return _m1m2(a, b)
    # batched: the batch dims broadcast, then each pair is a bmm
    ab = a.shape[:-2] if a.ndim > 2 else ()
    check_broadcast([ab, b.shape[:-2]])
    batch = math.prod(jnp.broadcast_shapes(ab, b.shape[:-2]))
    k = a.shape[-1]
    if b.shape[-2] != k:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k}] but got: "
                           f"[{batch}, {b.shape[-2]}].")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {legacy(a)} but found {legacy(b)}")


@op(grad_name=GradName.arrays(_matmul_name))
def matmul(input: T, other: T, *, out=None):
    _matmul_check(input, other)
    return jnp.matmul(input, other)


@op()
def bmm(input: T, mat2: T, *, out=None):
    _bmm_check(input, mat2)
    return jnp.matmul(input, mat2)


@op()
def mv(input: T, vec: T, *, out=None):
    _mv_check(input, vec)
    return input @ vec


@op()
def dot(input: T, tensor: T, *, out=None):
    _dot_check(input, tensor)
    return jnp.dot(input, tensor)


@op()
def vdot(input: T, other: T, *, out=None):
    _dot_check(input, other)
    return jnp.vdot(input, other)


@op(grad_name="ViewBackward0")
def inner(input: T, other: T, *, out=None):
    if input.ndim and other.ndim and input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    if input.dtype != other.dtype:
        raise RuntimeError("both inputs should have same dtype" if input.ndim and other.ndim else
                           f"expected scalar type {legacy(input)} but found {legacy(other)}")
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    return jnp.inner(input, other)


@op(promote="same", grad_name="MulBackward0", aliases=("ger",))
def outer(input: T, vec2: T, *, out=None):
    for name, v in (("self", input), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return jnp.outer(input, vec2)


def _scaled(out, bias, beta, alpha):
    """beta * bias + alpha * out; beta == 0 ignores bias entirely (its NaNs too), as PyTorch does."""
    if traced(alpha) or alpha != 1:
        out = out * jnp.asarray(alpha, out.dtype)
    if traced(beta):
        return jnp.where(beta == 0, out, jnp.broadcast_to(bias * jnp.asarray(beta, bias.dtype), out.shape) + out)
    if beta == 0:
        return out
    b = bias if beta == 1 else bias * jnp.asarray(beta, bias.dtype)
    return jnp.broadcast_to(b, out.shape) + out


def _expand_check(bias, shape):
    nb = bias.shape
    if len(nb) > len(shape):
        raise RuntimeError(f"The expanded size of the tensor ({shape[-1]}) must match the existing size "
                           f"({nb[-1]}) at non-singleton dimension {len(shape) - 1}.  Target sizes: {list(shape)}.  "
                           f"Tensor sizes: {list(nb)}")
    for i in range(1, len(nb) + 1):
        if nb[-i] != 1 and nb[-i] != shape[-i]:
            raise RuntimeError(f"The expanded size of the tensor ({shape[-i]}) must match the existing size "
                               f"({nb[-i]}) at non-singleton dimension {len(shape) - i}.  Target sizes: "
                               f"{list(shape)}.  Tensor sizes: {list(nb)}")


@op(inplace=True)
def addmm(input: T, mat1: T, mat2: T, *, beta: N = 1, alpha: N = 1, out=None):
    _mm_check(mat1, mat2, "mat1")
    if mat1.dtype != mat2.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {legacy(mat1)} and {legacy(mat2)}")
    if input.dtype != mat1.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {legacy(input)} and {legacy(mat2)}")
    _expand_check(input, (mat1.shape[0], mat2.shape[1]))
    return _scaled(mat1 @ mat2, input, beta, alpha)


@op(inplace=True)
def addmv(input: T, mat: T, vec: T, *, beta: N = 1, alpha: N = 1, out=None):
    _mv_check(mat, vec, input)
    _expand_check(input, (mat.shape[0],))
    return _scaled(mat @ vec, input, beta, alpha)


@op(inplace=True)
def addr(input: T, vec1: T, vec2: T, *, beta: N = 1, alpha: N = 1, out=None):
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    if not (input.dtype == vec1.dtype == vec2.dtype):
        raise RuntimeError(f"expected scalar type {legacy(vec1)} but found {legacy(input)}")
    _expand_check(input, (vec1.shape[0], vec2.shape[0]))
    return _scaled(jnp.outer(vec1, vec2), input, beta, alpha)


def _batched_add_check(input, b1, b2):
    _bmm_check(b1, b2)
    if input.dtype != b1.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_CTYPE[legacy(input)]}, batch1: "
                           f"{_CTYPE[legacy(b1)]}, batch2: {_CTYPE[legacy(b2)]}")


@op(inplace=True)
def baddbmm(input: T, batch1: T, batch2: T, *, beta: N = 1, alpha: N = 1, out=None):
    _batched_add_check(input, batch1, batch2)
    _expand_check(input, (batch1.shape[0], batch1.shape[1], batch2.shape[2]))
    return _scaled(jnp.matmul(batch1, batch2), input, beta, alpha)


@op(inplace=True)
def addbmm(input: T, batch1: T, batch2: T, *, beta: N = 1, alpha: N = 1, out=None):
    _bmm_check(batch1, batch2)
    if input.dtype != batch1.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {legacy(input)} and {legacy(batch2)}")
    _expand_check(input, (batch1.shape[1], batch2.shape[2]))
    prod = jnp.einsum("bij,bjk->ik", batch1, batch2) if batch1.shape[0] else jnp.zeros(
        (batch1.shape[1], batch2.shape[2]), batch1.dtype)
    return _scaled(prod, input, beta, alpha)


# ----- einsum and tensordot -----
def _einsum_check(equation, operands):
    if len({o.dtype for o in operands}) > 1:
        a, b = operands[0], next(o for o in operands if o.dtype != operands[0].dtype)
        raise RuntimeError(f"expected scalar type {legacy(a)} but found {legacy(b)}")
    inputs = equation.replace(" ", "").split("->")[0].split(",")
    if len(inputs) != len(operands):
        raise RuntimeError(f"einsum(): {'more' if len(inputs) > len(operands) else 'fewer'} operands were provided "
                           f"than specified in the equation")
    seen = {}
    for i, (sub, o) in enumerate(zip(inputs, operands)):
        labels = sub.replace("...", "")
        if "..." not in sub and len(labels) != o.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(labels)}) does not match "
                               f"the number of dimensions ({o.ndim}) for operand {i} and no ellipsis was given")
        start = sub.index("...") if "..." in sub else len(labels)
        dims = list(range(start)) + list(range(o.ndim - (len(labels) - start), o.ndim))
        for c, d in zip(labels, dims):
            size = o.shape[d]
            if c in seen and seen[c] != size and 1 not in (seen[c], size):
                raise RuntimeError(f"einsum(): subscript {c} has size {size} for operand {i} which does not broadcast "
                                   f"with previously seen size {seen[c]}")
            seen[c] = size if c not in seen or seen[c] == 1 else seen[c]


@op(name="einsum", method=False, function=False, grad_name="ViewBackward0")
def _einsum(equation, operands: TL):
    _einsum_check(equation, operands)
    return jnp.einsum(equation.replace(" ", ""), *operands)


def _sublist_equation(args):
    """einsum(op1, sublist1, op2, sublist2, ..., [sublist_out]) as a string equation."""
    letters = string.ascii_letters

    def sub(lst):
        return "".join("..." if s is Ellipsis else letters[s] for s in lst)
    output = args[-1] if len(args) % 2 else None
    pairs = args[:-1] if output is not None else args
    eq = ",".join(sub(s) for s in pairs[1::2]) + ("->" + sub(output) if output is not None else "")
    return eq, list(pairs[0::2])


def einsum(*args):
    """Mirrors `torch.einsum` (string equation with operands or a list of them, or the sublist form)."""
    if isinstance(args[0], str):
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = operands[0]
    else:
        equation, operands = _sublist_equation(args)
    return _einsum(equation, list(operands))


@op(name="_tensordot", method=False, function=False, grad_name="ViewBackward0")
def _tensordot(a: T, b: T, dims_a, dims_b):
    for da, db in zip(dims_a, dims_b):
        # A size-1 contracted dim broadcasts, as in PyTorch: the other side's dim is summed first.
        if b.shape[db] == 1:
            a = jnp.sum(a, axis=da, keepdims=True, dtype=a.dtype)
        elif a.shape[da] == 1:
            b = jnp.sum(b, axis=db, keepdims=True, dtype=b.dtype)
        elif a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in dim {da} "
                               f"and second has size {b.shape[db]} in dim {db}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {legacy(a)} but found {legacy(b)}")
    return jnp.tensordot(a, b, axes=(tuple(d % a.ndim for d in dims_a), tuple(d % b.ndim for d in dims_b)))


def tensordot(a, b, dims=2, out=None):
    """Mirrors `torch.tensordot`: dims an int, a pair of dim lists, or a 2 x n tensor."""
    if isinstance(dims, Tensor):
        dims = dims.tolist() if dims.ndim else int(dims.item())
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = tuple(range(-dims, 0)), tuple(range(dims))
    else:
        da, db = ((d,) if isinstance(d, int) else tuple(d) for d in dims)
        if len(da) != len(db):
            raise RuntimeError(f"both dimension lists should have same length, but got {len(da)} and {len(db)}")
    res = _tensordot(a, b, da, db)
    if out is not None:
        return _write_out(out, res)
    return res


@op(promote="same", grad_name="ViewBackward0")
def kron(input: T, other: T, *, out=None):
    if input.dtype == jnp.bool_:  # (jnp.kron multiplies, which JAX refuses for bools: 0/1 bytes never overflow)
        return jnp.kron(input.astype(jnp.uint8), other.astype(jnp.uint8)).astype(jnp.bool_)
    return jnp.kron(input, other)


# ----- cross products -----
def _cross(name, a, b, d):
    if a.ndim != b.ndim:
        raise RuntimeError(f"{name}: inputs must have the same number of dimensions.")
    shape = jnp.broadcast_shapes(a.shape, b.shape)
    d = one_dim(d, len(shape))
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"{name}: inputs dimension {d - len(shape) if name == 'linalg.cross' else d} must have "
                           f"length 3. Got {a.shape[d]} and {b.shape[d]}")
    return jnp.cross(jnp.broadcast_to(a, shape), jnp.broadcast_to(b, shape), axis=d)


@op(name="linalg_cross", promote="same", method=False, function=False)
def linalg_cross(input: T, other: T, *, dim=-1, out=None):
    return _cross("linalg.cross", input, other, dim)


@op(promote="same", grad_name="LinalgCrossBackward0")
def cross(input: T, other: T, dim=None, *, out=None):
    if dim is None:  # PyTorch's legacy default: the first dimension of size 3
        dim = next((i for i, s in enumerate(jnp.broadcast_shapes(input.shape, other.shape)) if s == 3), -1)
    return _cross("linalg.cross", input, other, dim)


@op(grad_name="LinalgVecdotBackward0", method=False, function=False)
def linalg_vecdot(x: T, y: T, *, dim=-1, out=None):
    if x.dtype != y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{legacy(x)} and y of type {legacy(y)} instead")
    shape = jnp.broadcast_shapes(x.shape, y.shape)
    return jnp.sum(jnp.conj(x) * y, axis=one_dim(dim, len(shape)))


# ----- triangles and diagonals -----
@op()
def trace(input: T):
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return jnp.trace(input).astype(_sum_dtype(input, None))


def _tri(name, x, diagonal, lower):
    if x.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return jnp.tril(x, diagonal) if lower else jnp.triu(x, diagonal)


@op(inplace=True, linear=True)
def tril(input: T, diagonal=0, *, out=None):
    return _tri("tril", input, diagonal, True)


@op(inplace=True, linear=True)
def triu(input: T, diagonal=0, *, out=None):
    return _tri("triu", input, diagonal, False)


@op(linear=True, grad_name=GradName.arrays(lambda x: "DiagEmbedBackward0" if x.ndim == 1 else "DiagonalBackward0"))
def diag(input: T, diagonal=0, *, out=None):
    if input.ndim not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    if input.ndim == 1:
        return jnp.diag(input, diagonal)
    return jnp.diagonal(input, diagonal)


@op(linear=True)
def diag_embed(input: T, offset=0, dim1=-2, dim2=-1):
    n = input.ndim + 1
    d1, d2 = one_dim(dim1, n), one_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    m = input.shape[-1] + abs(offset)
    rows = jnp.arange(input.shape[-1]) + max(0, -offset)
    full = jnp.zeros(input.shape[:-1] + (m, m), input.dtype).at[..., rows, rows + offset].set(input)
    rest = [i for i in range(n) if i not in (d1, d2)]
    order = sorted([(d1, n - 2), (d2, n - 1)] + list(zip(rest, range(n - 2))))
    return jnp.transpose(full, [src for _, src in order])


# ----- chains of products -----
def _multi_dot_check(name, ts):
    if len(ts) < 2:
        raise RuntimeError(f"{name}(): expected at least 2 tensors but got {len(ts)}")


@op(name="linalg_multi_dot", method=False, function=False, grad_name="ViewBackward0")
def linalg_multi_dot(tensors: TL, *, out=None):
    _multi_dot_check("multi_dot", tensors)
    for i, t in enumerate(tensors):
        if t.ndim != 2 and not (t.ndim == 1 and i in (0, len(tensors) - 1)):
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D" if 0 < i < len(tensors) - 1
                               else f"multi_dot(): the {'first' if i == 0 else 'last'} tensor must be 1D or 2D but "
                               f"got {t.ndim}D")
    for i in range(len(tensors) - 1):
        a, b = tensors[i], tensors[i + 1]
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(a.shape)} and "
                               f"{list(b.shape)} cannot be multiplied")
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                           f"{legacy(tensors[0])} and tensor 1 is {legacy(tensors[1])}")
    return jnp.linalg.multi_dot(tensors)


def chain_matmul(*matrices, out=None):
    """Mirrors `torch.chain_matmul` (deprecated in PyTorch in favour of linalg.multi_dot)."""
    if len(matrices) == 1:
        return matrices[0].clone() if matrices[0].ndim == 2 else OPS["mm"](matrices[0], matrices[0])
    return OPS["linalg_multi_dot"](list(matrices), out=out)


@op(grad_name="LinalgMatrixPowerBackward0", method=True)
def matrix_power(input: T, n):
    if input.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{input.shape[-2]} by {input.shape[-1]} matrices")
    return jnp.linalg.matrix_power(input, n)


from .linalg_decomp import cholesky, inverse, pinverse, qr, slogdet, svd
from .linalg_lu import cholesky_inverse, cholesky_solve, lu, lu_solve, lu_unpack, triangular_solve
from .linalg_eig import geqrf, ormqr, pca_lowrank, svd_lowrank

from .._engine.out import _write_out
__all__ += ["cholesky", "inverse", "pinverse", "qr", "slogdet", "svd", "cholesky_inverse", "cholesky_solve", "lu",
            "lu_solve", "lu_unpack", "triangular_solve", "geqrf", "ormqr", "pca_lowrank", "svd_lowrank"]
