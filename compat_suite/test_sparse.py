"""Sparse COO tensors against real PyTorch: construction, coalescing, conversion, printing, the sparse
matrix products with their gradients (dense and sparse), arithmetic, reductions, softmax, and the
errors PyTorch raises for operators that have no sparse kernel."""

import numpy as np
import pytest

from .harness import assert_close, check_error, randn, torch, torchlike

LIBS = [torch, torchlike]

# PyTorch warns once that sparse invariant checks are off by default; the cases below build valid tensors.
pytestmark = [pytest.mark.filterwarnings("ignore:Sparse invariant checks"),
              pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")]

INDICES = [[0, 1, 1, 0, 2], [2, 0, 2, 2, 1]]  # (0, 2) twice: uncoalesced
VALUES = [3.0, 4.0, 5.0, 1.0, -2.0]


def sparse(t, values=VALUES, indices=INDICES, size=(3, 3), **kw):
    return t.sparse_coo_tensor(t.tensor(indices), t.tensor(values), size, **kw)


def assert_same_sparse(a, b, name: str):
    """a from torch, b from torchlike: both sparse COO, same size/dtype, and equal once coalesced."""
    assert a.layout == torch.sparse_coo, f"{name}: torch result is {a.layout}"
    assert b.layout is torchlike.sparse_coo and b.is_sparse, f"{name}: torchlike result is {b.layout}"
    assert tuple(a.shape) == tuple(b.shape), f"{name}: size {tuple(a.shape)} != {tuple(b.shape)}"
    assert str(a.dtype) == str(b.dtype), f"{name}: dtype {a.dtype} != {b.dtype}"
    assert a.sparse_dim() == b.sparse_dim() and a.dense_dim() == b.dense_dim(), name
    ca, cb = a.detach().coalesce(), b.detach().coalesce()
    np.testing.assert_array_equal(ca.indices().numpy(), cb.indices().numpy(), err_msg=f"{name}: indices")
    assert_close(ca.values(), cb.values(), name, "values")


def assert_same(a, b, name: str):
    if isinstance(a, torch.Tensor) and a.layout == torch.sparse_coo:
        assert_same_sparse(a, b, name)
    else:
        assert not getattr(b, "is_sparse", False), f"{name}: torchlike result is sparse, torch's is dense"
        assert_close(a.detach() if isinstance(a, torch.Tensor) else a,
                     b.detach() if isinstance(b, torchlike.Tensor) else b, name)


def both(fn):
    return fn(torch), fn(torchlike)


# ----- construction and metadata -----

def test_construct_metadata():
    a, b = both(sparse)
    assert_same_sparse(a, b, "construct")
    assert isinstance(b, torchlike.Tensor)
    for attr in ("is_coalesced", "sparse_dim", "dense_dim", "_nnz"):
        assert getattr(a, attr)() == getattr(b, attr)(), attr
    assert (a.is_sparse, tuple(a.shape), a.requires_grad) == (b.is_sparse, tuple(b.shape), b.requires_grad)
    assert (len(a), a.numel(), a.dim(), str(a.device)) == (len(b), b.numel(), b.dim(), str(b.device))
    assert b.cpu() is b and b.to(torchlike.float32) is b  # (no change: the same tensor, as PyTorch returns)
    assert repr(a.layout) == repr(b.layout) == "torch.sparse_coo"
    assert repr(torch.ones(2).layout) == repr(torchlike.ones(2).layout) == "torch.strided"
    assert torchlike.ones(2).is_sparse is False


def test_inferred_size_dtype_and_flags():
    a, b = both(lambda t: t.sparse_coo_tensor(t.tensor([[0, 3], [1, 0]]), t.tensor([1, 2]), dtype=t.float64))
    assert_same_sparse(a, b, "inferred size")
    a, b = both(lambda t: sparse(t, is_coalesced=False).coalesce())
    assert a.is_coalesced() == b.is_coalesced() is True
    a, b = both(lambda t: sparse(t, requires_grad=True))
    assert (a.requires_grad, a.is_leaf) == (b.requires_grad, b.is_leaf) == (True, True)


def test_hybrid_tensor():
    vals = randn(3, 2)
    a, b = both(lambda t: t.sparse_coo_tensor(t.tensor([[0, 2, 0]]), t.tensor(vals), (4, 2)))
    assert_same_sparse(a, b, "hybrid")
    assert_close(a.to_dense(), b.to_dense(), "hybrid to_dense")


def test_indices_values_need_coalesced():
    check_error(lambda t: sparse(t).indices(), name="indices uncoalesced")
    check_error(lambda t: sparse(t).values(), name="values uncoalesced")
    a, b = both(lambda t: sparse(t).coalesce())
    np.testing.assert_array_equal(a.indices().numpy(), b.indices().numpy())
    assert_close(a.values(), b.values(), "values")
    a, b = both(lambda t: sparse(t))
    np.testing.assert_array_equal(a._indices().numpy(), b._indices().numpy())
    assert_close(a._values(), b._values(), "_values")
    assert str(b._indices().dtype) == "torchlike.int64" or b._indices().dtype is torchlike.int64


def test_coalesce_to_dense_and_back():
    a, b = both(lambda t: sparse(t).coalesce())
    assert_same_sparse(a, b, "coalesce")
    a, b = both(lambda t: sparse(t).to_dense())
    assert_close(a, b, "to_dense")
    dense = randn(4, 5) * (randn(4, 5, seed=1) > 0.3)
    for sd in (None, 1):
        a, b = both(lambda t: t.tensor(dense).to_sparse() if sd is None else t.tensor(dense).to_sparse(sd))
        assert_same_sparse(a, b, f"to_sparse({sd})")
        assert a.is_coalesced() == b.is_coalesced()
    a, b = both(lambda t: t.tensor(dense).to_sparse_coo())
    assert_same_sparse(a, b, "to_sparse_coo")
    a, b = both(lambda t: t.zeros(3, 3).to_sparse())
    assert_same_sparse(a, b, "empty")


def test_dtype_conversions():
    for conv in (lambda s, t: s.to(t.float64), lambda s, t: s.double(), lambda s, t: s.to(t.int64),
                 lambda s, t: s.float()):
        a, b = both(lambda t: conv(sparse(t), t))
        assert_same_sparse(a, b, "to(dtype)")


@pytest.mark.parametrize("case", ["plain", "coalesced", "float64", "int", "grad", "empty", "hybrid"])
def test_printing(case):
    def make(t):
        if case == "plain":
            return sparse(t)
        if case == "coalesced":
            return sparse(t).coalesce()
        if case == "float64":
            return sparse(t, values=[1.5, 2.0, -3.25, 4.0, 1e-3]).double()
        if case == "int":
            return sparse(t, values=[1, 2, 3, 4, 5])
        if case == "grad":
            return sparse(t, requires_grad=True)
        if case == "empty":
            return t.zeros(2, 4).to_sparse()
        return t.sparse_coo_tensor(t.tensor([[0, 2]]), t.tensor([[1.0, 2.0], [3.0, 4.5]]), (3, 2))
    a, b = both(make)
    assert repr(a) == repr(b), f"\ntorch:\n{a!r}\ntorchlike:\n{b!r}"


def test_printing_grad_fn():
    a, b = both(lambda t: sparse(t, requires_grad=True) * 2)
    assert repr(a) == repr(b), f"\ntorch:\n{a!r}\ntorchlike:\n{b!r}"


# ----- matrix products -----

PRODUCTS = {
    "torch.mm": lambda t, s, d: t.mm(s, d),
    "@": lambda t, s, d: s @ d,
    "matmul": lambda t, s, d: t.matmul(s, d),
    "spmm": lambda t, s, d: t.spmm(s, d),
    "sparse.mm": lambda t, s, d: t.sparse.mm(s, d),
    "Tensor.mm": lambda t, s, d: s.mm(d),
    "addmm": lambda t, s, d: t.addmm(t.ones(3, 4), s, d),
    "sparse.addmm": lambda t, s, d: t.sparse.addmm(t.ones(3, 4), s, d, beta=0.5, alpha=2.0),
}


@pytest.mark.parametrize("name", list(PRODUCTS))
def test_sparse_dense_product_and_grads(name):
    dense = randn(3, 4)
    weight = randn(3, 4, seed=3)
    results = []
    for t in LIBS:
        s = sparse(t, requires_grad=True)
        d = t.tensor(dense, requires_grad=True)
        out = PRODUCTS[name](t, s, d)
        (out * t.tensor(weight)).sum().backward()
        results.append((out, s.grad, d.grad))
    (oa, sa, da), (ob, sb, db) = results
    assert_close(oa.detach(), ob.detach(), name)
    assert_close(da, db, name, "dense grad")
    assert sa.layout == torch.sparse_coo or sa.layout == torch.strided
    assert_same(sa, sb, f"{name} sparse grad")
    if sa.layout == torch.sparse_coo:  # (torch.sparse.mm's gradient keeps the operand's pattern)
        assert sa.is_coalesced() == sb.is_coalesced()


def test_dense_sparse_product_and_grads():
    dense = randn(2, 3)
    results = []
    for t in LIBS:
        s = sparse(t, requires_grad=True)
        d = t.tensor(dense, requires_grad=True)
        out = t.mm(d, s)
        (out * t.arange(6.0).reshape(2, 3)).sum().backward()
        results.append((out, s.grad, d.grad))
    (oa, sa, da), (ob, sb, db) = results
    assert_close(oa.detach(), ob.detach(), "dense @ sparse")
    assert_close(da, db, "dense @ sparse", "dense grad")
    assert_same(sa, sb, "dense @ sparse sparse grad")


def test_sparse_vector_product():
    vec = randn(3)
    a, b = (t.mv(sparse(t), t.tensor(vec)) for t in LIBS)
    assert_close(a, b, "mv")
    a, b = (sparse(t) @ t.tensor(vec) for t in LIBS)
    assert_close(a, b, "sparse @ vector")


def test_sparse_sparse_mm():
    a, b = both(lambda t: t.sparse.mm(sparse(t), sparse(t, values=[1.0, -1.0, 2.0, 0.5, 3.0]).t()))
    assert_same_sparse(a, b, "sparse @ sparse")
    a, b = both(lambda t: t.mm(sparse(t), sparse(t)))
    assert_same_sparse(a, b, "torch.mm sparse @ sparse")


def test_values_grad_through_construction():
    """Learnable edge weights: gradient to the values tensor a sparse matrix was built from."""
    dense = randn(3, 2)
    results = []
    for t in LIBS:
        w = t.tensor(np.array(VALUES, np.float32), requires_grad=True)
        s = t.sparse_coo_tensor(t.tensor(INDICES), w, (3, 3))
        out = t.sparse.mm(s, t.tensor(dense))
        out.pow(2).sum().backward()
        results.append((out, w.grad))
    assert_close(results[0][0].detach(), results[1][0].detach(), "edge weights")
    assert_close(results[0][1], results[1][1], "edge weights", "values grad")


def test_to_dense_grad_is_sparse():
    results = []
    for t in LIBS:
        s = sparse(t, requires_grad=True)
        (s.to_dense() * t.arange(9.0).reshape(3, 3)).sum().backward()
        results.append(s.grad)
    assert_same_sparse(*results, "to_dense grad")
    assert results[0].is_coalesced() == results[1].is_coalesced()


def test_to_sparse_and_values_grads():
    dense = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]], np.float32)
    results = []
    for t in LIBS:
        x = t.tensor(dense, requires_grad=True)
        t.sparse.mm(x.to_sparse(), t.tensor(randn(3, 2))).pow(2).sum().backward()
        s = sparse(t, requires_grad=True)
        (s.coalesce().values() * t.arange(4.0)).sum().backward()
        s2 = sparse(t, requires_grad=True)
        g, = t.autograd.grad(t.sparse.mm(s2, t.ones(3, 2)).sum(), s2)
        results.append((x.grad, s.grad, g))
    assert_close(results[0][0], results[1][0], "to_sparse", "dense grad")
    assert_same_sparse(results[0][1], results[1][1], "values() grad")
    assert_same_sparse(results[0][2], results[1][2], "autograd.grad")


def test_single_entry_is_coalesced():
    for make in (lambda t: t.sparse_coo_tensor(t.tensor([[1], [0]]), t.tensor([2.0]), (2, 2)),
                 lambda t: t.sparse_coo_tensor(t.tensor([[1, 0], [0, 1]]), t.tensor([2.0, 3.0]), (2, 2))):
        a, b = both(make)
        assert a.is_coalesced() == b.is_coalesced()


def test_gcn_layer():
    """out = A_hat @ (X @ W) with A_hat the normalised sparse adjacency (self loops) of a 6-node graph."""
    edges = np.array([[0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0, 1, 3], [1, 0, 2, 1, 3, 2, 4, 3, 5, 4, 0, 5, 3, 1]])
    loops = np.arange(6)
    rows, cols = np.concatenate([edges[0], loops]), np.concatenate([edges[1], loops])
    deg = np.bincount(rows, minlength=6).astype(np.float32)
    weights = (1.0 / np.sqrt(deg[rows] * deg[cols])).astype(np.float32)
    x, w0 = randn(6, 5), randn(5, 3, seed=2)
    target = randn(6, 3, seed=4)
    results = []
    for t in LIBS:
        a_hat = t.sparse_coo_tensor(t.tensor(np.stack([rows, cols])), t.tensor(weights), (6, 6))
        w = t.nn.Parameter(t.tensor(w0))
        out = t.sparse.mm(a_hat, t.tensor(x) @ w)
        loss = t.nn.functional.mse_loss(t.relu(out), t.tensor(target))
        loss.backward()
        results.append((out, loss, w.grad))
    (oa, la, ga), (ob, lb, gb) = results
    assert_close(oa.detach(), ob.detach(), "gcn out")
    assert_close(la.detach(), lb.detach(), "gcn loss")
    assert_close(ga, gb, "gcn", "W.grad")


def test_two_layer_gcn_training_steps():
    """Two SGD steps of a 2-layer GCN: parameters after training match."""
    rows = np.array([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5])
    cols = np.array([1, 2, 3, 4, 5, 0, 0, 1, 2, 3, 4, 5])
    vals = np.full(12, 0.5, np.float32)
    x, w1, w2 = randn(6, 4), randn(4, 8, seed=1), randn(8, 2, seed=2)
    labels = np.array([0, 1, 0, 1, 1, 0])
    finals = []
    for t in LIBS:
        adj = t.sparse_coo_tensor(t.tensor(np.stack([rows, cols])), t.tensor(vals), (6, 6)).coalesce()
        p1, p2 = t.nn.Parameter(t.tensor(w1)), t.nn.Parameter(t.tensor(w2))
        opt = t.optim.SGD([p1, p2], lr=0.1)
        for _ in range(2):
            opt.zero_grad()
            h = t.relu(t.sparse.mm(adj, t.tensor(x) @ p1))
            logits = t.sparse.mm(adj, h @ p2)
            t.nn.functional.cross_entropy(logits, t.tensor(labels)).backward()
            opt.step()
        finals.append((p1.detach(), p2.detach()))
    assert_close(finals[0][0], finals[1][0], "gcn train", "W1")
    assert_close(finals[0][1], finals[1][1], "gcn train", "W2")


# ----- arithmetic, shape, reductions -----

ELEMENTWISE = {
    "mul scalar": lambda t, s, s2: s * 2.5,
    "rmul scalar": lambda t, s, s2: 3 * s,
    "Tensor.mul": lambda t, s, s2: s.mul(0.5),
    "div scalar": lambda t, s, s2: s / 4,
    "neg": lambda t, s, s2: -s,
    "add sparse": lambda t, s, s2: s + s2,
    "sub sparse": lambda t, s, s2: s - s2,
    "add alpha": lambda t, s, s2: t.add(s, s2, alpha=2),
    "dense + sparse": lambda t, s, s2: t.ones(3, 3) + s,
    "t": lambda t, s, s2: s.t(),
    "transpose": lambda t, s, s2: s.transpose(0, 1),
    "abs": lambda t, s, s2: s.abs(),
    "relu": lambda t, s, s2: t.relu(s),
    "sum": lambda t, s, s2: s.sum(),
    "sparse.sum": lambda t, s, s2: t.sparse.sum(s),
    "sparse.sum dim": lambda t, s, s2: t.sparse.sum(s, 1),
    "sparse.sum dims": lambda t, s, s2: t.sparse.sum(s, (0, 1)),
    "sparse.softmax": lambda t, s, s2: t.sparse.softmax(s, 1),
    "sparse.softmax dim0": lambda t, s, s2: t.sparse.softmax(s, 0),
    "sparse.log_softmax": lambda t, s, s2: t.sparse.log_softmax(s, 1),
    "coalesce": lambda t, s, s2: s.coalesce(),
    "clone": lambda t, s, s2: s.clone(),
}


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_elementwise_values_and_grads(name):
    """Forward values, and the gradient each sparse input gets (compared once coalesced)."""
    weight = randn(3, 3, seed=5)
    results = []
    for t in LIBS:
        s = sparse(t, requires_grad=True)
        s2 = sparse(t, values=[1.0, 2.0, -1.0], indices=[[2, 0, 1], [2, 2, 1]], requires_grad=True)
        out = ELEMENTWISE[name](t, s, s2)
        dense_out = out.to_dense() if out.is_sparse else out
        w = t.tensor(weight if dense_out.ndim == 2 else weight[0, :dense_out.shape[0]] if dense_out.ndim else 1.0)
        (dense_out * w).sum().backward()
        results.append((out, s.grad, s2.grad))
    (oa, ga, g2a), (ob, gb, g2b) = results
    assert_same(oa, ob, name)
    for x, y, which in ((ga, gb, "s"), (g2a, g2b, "s2")):
        assert (x is None) == (y is None), f"{name}: grad of {which}: torch {x is None}, torchlike {y is None}"
        if x is not None:
            assert_same(x, y, f"{name} grad {which}")


def test_forward_only_ops():
    """Ops whose forward PyTorch runs on sparse tensors but whose backward it refuses (or that we compare
    forward only): sin (PyTorch's backward needs cos, which has no sparse kernel), sums over a dim."""
    for fn in (lambda t: t.sin(sparse(t)), lambda t: sparse(t).sum(0), lambda t: sparse(t).sum(1),
               lambda t: t.sqrt(sparse(t).abs()), lambda t: sparse(t).tanh(), lambda t: sparse(t).square()):
        a, b = both(fn)
        assert_same(a, b, "forward")


def test_sum_over_dim_backward_refused():
    def run(t):
        s = sparse(t, requires_grad=True)
        s.sum(0).to_dense().sum().backward()
    check_error(run, name="sum(dim) backward")


def test_hybrid_sums_softmax_and_grad():
    vals = np.arange(8, dtype=np.float32).reshape(4, 2)
    results = []
    for t in LIBS:
        s = t.sparse_coo_tensor(t.tensor([[0, 2, 0, 1], [1, 1, 1, 0]]), t.tensor(vals), (3, 2, 2), requires_grad=True)
        outs = [t.sparse.sum(s, 2), t.sparse.sum(s, (0, 2)), t.sparse.sum(s, (0, 1)), t.sparse.sum(s, 0),
                t.sparse.sum(s, dtype=t.float64), t.sparse.softmax(s, 0)]
        t.sparse.sum(s, (0, 2)).to_dense().mul(t.tensor([1.0, 2.0])).sum().backward()
        results.append((outs, s.grad))
    for k, (a, b) in enumerate(zip(results[0][0], results[1][0])):
        assert_same(a, b, f"hybrid {k}")
    assert_same_sparse(results[0][1], results[1][1], "hybrid sum grad")


def test_gradient_accumulates_over_backward_calls():
    dense = randn(3, 2)
    grads = []
    for t in LIBS:
        s = sparse(t, requires_grad=True)
        for _ in range(2):
            t.sparse.mm(s, t.tensor(dense)).sum().backward()
        grads.append(s.grad)
    assert_same_sparse(*grads, "accumulated sparse grad")


def test_integer_values():
    a, b = both(lambda t: sparse(t, values=[1, 2, 3, 4, 5]).to_dense())
    assert_close(a, b, "int to_dense")
    a, b = both(lambda t: sparse(t, values=[1, 2, 3, 4, 5]).sum())
    assert_close(a, b, "int sum")
    a, b = both(lambda t: sparse(t, values=[1, 2, 3, 4, 5]) / 2)
    assert_same_sparse(a, b, "int div")


# ----- errors -----

def test_ops_without_sparse_kernel_raise():
    check_error(lambda t: t.exp(sparse(t)), name="exp")
    check_error(lambda t: sparse(t).sigmoid(), name="sigmoid")
    check_error(lambda t: t.softmax(sparse(t), 0), name="softmax")
    check_error(lambda t: sparse(t).max(), name="max")
    check_error(lambda t: sparse(t).view(-1), name="view")
    check_error(lambda t: sparse(t) == sparse(t), name="eq")


def test_refusals_match_pytorch():
    check_error(lambda t: sparse(t) + t.ones(3, 3), name="sparse + dense")
    check_error(lambda t: sparse(t) + 1, name="sparse + scalar")
    check_error(lambda t: sparse(t).reshape(9), name="reshape")
    check_error(lambda t: sparse(t).numpy(), name="numpy")
    check_error(lambda t: sparse(t).item(), name="item")
    check_error(lambda t: t.ones(2).is_coalesced(), name="dense is_coalesced")
    check_error(lambda t: sparse(t) + sparse(t, size=(3, 4)), name="size mismatch", same_message=False)
    check_error(lambda t: t.sparse_coo_tensor(t.tensor([[0, 5]]), t.tensor([1.0, 2.0]), (3,), check_invariants=True),
                name="index past size")
    check_error(lambda t: t.sparse_coo_tensor(t.tensor([[0, -1]]), t.tensor([1.0, 2.0]), (3,), check_invariants=True),
                name="negative index")
    check_error(lambda t: t.sparse_coo_tensor(t.tensor([[0, 1]]), t.tensor([1.0, 2.0]), (3, 3)), name="size rank")
    check_error(lambda t: t.mm(sparse(t), t.ones(3, 2, dtype=t.float64)), name="mm dtypes")
    check_error(lambda t: t.sparse_coo_tensor(t.tensor([[0, 1]]), t.tensor([1.0, 2.0, 3.0]), (3,)),
                name="nnz mismatch")
    check_error(lambda t: t.mm(sparse(t), t.ones(4, 2)), name="mm shapes")
    check_error(lambda t: t.mm(t.ones(2, 4), sparse(t)), name="dense @ sparse shapes")
    check_error(lambda t: t.mm(t.ones(2, 3, dtype=t.float64), sparse(t)), name="dense @ sparse dtypes")


def test_dense_ops_never_read_a_sparse_tensor_as_dense():
    """A dense op given a sparse tensor raises (no wrong numbers from a buffer it does not have)."""
    s = sparse(torchlike)
    for fn in (lambda: torchlike.exp(s), lambda: s.mean(), lambda: torchlike.cat([s, s]),
               lambda: s[0], lambda: torchlike.nn.functional.linear(torchlike.ones(2, 3), s)):
        with pytest.raises((NotImplementedError, RuntimeError)):
            fn()
