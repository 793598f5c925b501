"""Linear algebra: known products, decompositions that reconstruct their input, value-dependent errors."""
import math

import numpy as np
import pytest

import torchlike as torch

A = torch.tensor([[2.0, 1.0], [1.0, 3.0]])


def test_products_known_values():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert (a @ a).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert torch.mv(a, torch.tensor([1.0, 1.0])).tolist() == [3.0, 7.0]
    assert torch.dot(torch.tensor([1, 2]), torch.tensor([3, 4])).item() == 11
    assert torch.outer(torch.tensor([1.0, 2.0]), torch.tensor([3.0])).tolist() == [[3.0], [6.0]]
    assert torch.addmm(torch.ones(2), a, a, beta=2, alpha=0.5).tolist() == [[5.5, 7.0], [9.5, 13.0]]
    assert torch.einsum("ii", a).item() == 5.0
    assert torch.tensordot(a, a, dims=([1], [0])).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert torch.kron(torch.tensor([1, 2]), torch.tensor([1, 10])).tolist() == [1, 10, 2, 20]
    assert torch.cross(torch.tensor([1.0, 0, 0]), torch.tensor([0.0, 1, 0]), dim=0).tolist() == [0.0, 0.0, 1.0]
    assert torch.trace(torch.tensor([[1, 2], [3, 4]])).item() == 5


def test_matmul_dtype_and_shape_errors():
    with pytest.raises(RuntimeError, match=r"shapes cannot be multiplied \(2x3 and 4x5\)"):
        torch.ones(2, 3) @ torch.ones(4, 5)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype, but got: long int != float"):
        torch.mm(torch.ones(2, 2, dtype=torch.int64), torch.ones(2, 2))
    with pytest.raises(RuntimeError, match="mat1 and mat2 must have the same dtype, but got Long and Float"):
        torch.addmm(torch.ones(2), torch.ones(2, 2, dtype=torch.int64), torch.ones(2, 2))


def test_triangles_and_diagonals():
    a = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert a.tril().tolist() == [[1, 0, 0], [4, 5, 0], [7, 8, 9]]
    assert a.triu(1).tolist() == [[0, 2, 3], [0, 0, 6], [0, 0, 0]]
    assert torch.diag(a).tolist() == [1, 5, 9]
    assert torch.diag(torch.tensor([1, 2]), 1).tolist() == [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    assert torch.diag_embed(torch.tensor([[1, 2]])).tolist() == [[[1, 0], [0, 2]]]


def test_det_inv_solve():
    assert math.isclose(torch.det(A).item(), 5.0, rel_tol=1e-6)
    assert math.isclose(torch.logdet(A).item(), math.log(5.0), rel_tol=1e-6)
    sign, logabs = torch.linalg.slogdet(A)
    assert sign.item() == 1.0 and math.isclose(logabs.item(), math.log(5.0), rel_tol=1e-6)
    np.testing.assert_allclose((torch.linalg.inv(A) @ A).numpy(), np.eye(2), atol=1e-6)
    np.testing.assert_allclose(torch.linalg.solve(A, torch.tensor([3.0, 4.0])).numpy(), [1.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(torch.matrix_power(A, 2).numpy(), (A @ A).numpy(), rtol=1e-6)


def test_singular_and_not_positive_definite():
    with pytest.raises(torch.linalg.LinAlgError, match="The diagonal element 2 is zero"):
        torch.linalg.inv(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(RuntimeError, match="leading minor of order 2 is not positive-definite"):
        torch.linalg.cholesky(torch.tensor([[4.0, 2.0], [2.0, -3.0]]))
    assert issubclass(torch.linalg.LinAlgError, RuntimeError)


def test_decompositions_reconstruct():
    m = torch.tensor([[3.0, 1.0, 2.0], [0.5, 4.0, 1.0]])
    U, S, Vh = torch.linalg.svd(m, full_matrices=False)
    np.testing.assert_allclose((U * S) @ Vh, m.numpy(), atol=1e-5)
    Q, R = torch.linalg.qr(m.mT)
    np.testing.assert_allclose((Q @ R).numpy(), m.mT.numpy(), atol=1e-5)
    w, V = torch.linalg.eigh(A)
    np.testing.assert_allclose(w.numpy(), np.linalg.eigvalsh(A.numpy()), rtol=1e-6)
    np.testing.assert_allclose((A @ V).numpy(), (V * w).numpy(), atol=1e-5)
    L = torch.linalg.cholesky(A)
    np.testing.assert_allclose((L @ L.mT).numpy(), A.numpy(), atol=1e-6)
    assert torch.linalg.matrix_rank(torch.tensor([[1.0, 2.0], [2.0, 4.0]])).item() == 1
    np.testing.assert_allclose(torch.linalg.pinv(m).numpy(), np.linalg.pinv(m.numpy()), atol=1e-5)
    sol = torch.linalg.lstsq(A, torch.tensor([[3.0], [4.0]])).solution
    np.testing.assert_allclose(sol.numpy(), [[1.0], [1.0]], atol=1e-5)


def test_norms():
    v = torch.tensor([3.0, -4.0])
    assert torch.linalg.vector_norm(v).item() == 5.0
    assert torch.linalg.vector_norm(v, 1).item() == 7.0
    assert torch.linalg.vector_norm(v, float("inf")).item() == 4.0
    assert torch.norm(torch.tensor([[3.0, 4.0]]), p="fro").item() == 5.0
    assert math.isclose(torch.linalg.matrix_norm(A, "nuc").item(), 5.0, rel_tol=1e-6)
    z = torch.zeros(3, requires_grad=True)
    torch.linalg.vector_norm(z).backward()
    assert z.grad.tolist() == [0.0, 0.0, 0.0]


def test_det_gradient_is_cofactor():
    a = torch.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    torch.det(a).backward()
    np.testing.assert_allclose(a.grad.numpy(), [[3.0, -1.0], [-1.0, 2.0]], rtol=1e-6)
