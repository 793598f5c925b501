"""Names libraries import beyond the core API (transformers' import path runs through all of these),
compared with PyTorch: DTensor placements, FSDP and DCP names, the bare grad-mode decorators, the
float8 and wide unsigned dtypes, torch.autograd.graph, custom ops from schema strings, CUDA graph
and stream names."""
import pytest

from .harness import LIBS, check_error, torch, torchlike


def _same(fn):
    a, b = (fn(t) for t in LIBS)
    assert a == b, f"torch: {a!r}, torchlike: {b!r}"


def test_placements_print_and_compare_as_torch():
    def probe(t):
        p = __import__(f"{t.__name__}.distributed.tensor.placement_types", fromlist=["x"])
        s, r, q = p.Shard(1), p.Replicate(), p.Partial()
        return (repr(s), str(s), repr(r), str(r), repr(q), str(q), s == p.Shard(1), s == p.Shard(0), r == p.Replicate(),
                s.is_shard(), s.is_shard(1), s.is_shard(0), r.is_replicate(), q.is_partial(), q.is_partial("sum"),
                hash(s) == hash(p.Shard(1)), len({s, p.Shard(1), r, p.Replicate()}), q.reduce_op)
    _same(probe)


def test_dtensor_is_a_type_no_tensor_belongs_to():
    from torchlike.distributed.tensor import DTensor, distribute_tensor
    assert not isinstance(torchlike.ones(2), DTensor)
    with pytest.raises(NotImplementedError, match="DTensor"):
        distribute_tensor(torchlike.ones(2))
    from torchlike.distributed.device_mesh import init_device_mesh
    with pytest.raises(NotImplementedError, match="DeviceMesh"):
        init_device_mesh("cpu", (1,))


def test_fsdp_and_dcp_names():
    from torchlike.distributed.fsdp import CPUOffloadPolicy, FullyShardedDataParallel, MixedPrecisionPolicy
    from torchlike.distributed._composable.fsdp import fully_shard
    from torchlike.distributed.checkpoint.hf_storage import HuggingFaceStorageReader
    import torchlike.distributed.checkpoint as dcp
    assert MixedPrecisionPolicy(param_dtype=torchlike.bfloat16).cast_forward_inputs is True
    assert CPUOffloadPolicy().pin_memory is True
    for refused in (lambda: FullyShardedDataParallel(torchlike.nn.Linear(2, 2)), lambda: fully_shard(None),
                    lambda: HuggingFaceStorageReader("x"), lambda: dcp.save({}, checkpoint_id="x")):
        with pytest.raises(NotImplementedError):
            refused()


def _decorated(t):
    x = t.ones(2, requires_grad=True)

    @t.no_grad
    def f(y):
        return y * 2

    @t.inference_mode
    def g(y):
        return y * 2

    @t.enable_grad
    def h(y):
        return y * 2

    with t.no_grad():
        inner = h(x).requires_grad
    return f(x).requires_grad, g(x).requires_grad, inner, f.__name__, t.no_grad()(lambda: 1)()


def test_grad_modes_decorate_without_parentheses():
    _same(_decorated)


@pytest.mark.parametrize("name", ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "uint16",
                                  "uint32", "uint64"])
def test_storage_dtypes_convert_and_refuse_promotion(name):
    def probe(t):
        d = getattr(t, name)
        x = t.tensor([0.5, 1.0, 2.0, 3.0]).to(d)
        return (repr(d), x.dtype.itemsize, x.element_size(), d.is_floating_point, d.is_signed,
                x.to(t.float32).tolist(), t.promote_types(d, d) == d, t.promote_types(d, t.float64) == t.float64
                if name.startswith("uint") else None)
    _same(probe)
    for other in ("int64", "bool") + (("float32",) if name.startswith("float8") else ()):
        check_error(lambda t: t.promote_types(getattr(t, name), getattr(t, other)), name=f"promote {name} {other}")


def test_autograd_graph_names():
    def probe(t):
        from importlib import import_module
        g = import_module(f"{t.__name__}.autograd.graph")
        x = t.ones(2, requires_grad=True)
        y = x * 3
        edge_y, edge_x = g.get_gradient_edge(y), g.get_gradient_edge(x)
        with g.save_on_cpu():
            z = (x * x).sum()
        z.backward()
        return (edge_y.node.name(), edge_y.output_nr, edge_x.node.name(), x.grad.tolist(),
                isinstance(y.grad_fn, g.Node))
    _same(probe)
    check_error(lambda t: __import__(f"{t.__name__}.autograd.graph", fromlist=["x"]).get_gradient_edge(t.ones(2)),
                name="gradient edge of a tensor without grad")
    with pytest.raises(NotImplementedError, match="saved_tensors_hooks"):
        with torchlike.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass


def test_custom_op_from_a_plain_schema_string():
    def probe(t):
        def scaled(x, y):
            return x * 2 + y

        op = t.library.custom_op(f"ecoschema_{t.__name__}::scaled", scaled, mutates_args=(),
                                 schema="(Tensor x, Tensor y) -> Tensor")
        return op(t.ones(2), t.ones(2)).tolist()
    _same(probe)
    with pytest.raises(ValueError, match="do not match"):
        torchlike.library.custom_op("ecoschema::bad", lambda x, y: x, mutates_args=(), schema="(Tensor a) -> Tensor")


def test_cuda_graph_and_stream_names():
    assert torchlike.cuda.StreamContext(None).__enter__() is None
    with torchlike.cuda.stream(torchlike.cuda.Stream()):
        pass
    with pytest.raises(NotImplementedError, match="CUDA graphs"):
        torchlike.cuda.CUDAGraph()


def test_flex_attention_names():
    from torchlike.nn.attention.flex_attention import _DEFAULT_SPARSE_BLOCK_SIZE, BlockMask, create_block_mask
    from torch.nn.attention.flex_attention import _DEFAULT_SPARSE_BLOCK_SIZE as torch_block
    assert _DEFAULT_SPARSE_BLOCK_SIZE == torch_block
    assert not isinstance(torchlike.ones(2), BlockMask)
    with pytest.raises(NotImplementedError, match="FlexAttention"):
        create_block_mask(None, 1, 1, 4, 4)


def test_vision_io_files_round_trip(tmp_path):
    from torchlike.vision import io
    data = torchlike.tensor([0, 1, 254, 255, 7], dtype=torchlike.uint8)
    io.write_file(str(tmp_path / "f.bin"), data)
    back = io.read_file(str(tmp_path / "f.bin"))
    assert back.dtype == torchlike.uint8 and back.tolist() == [0, 1, 254, 255, 7]
    assert (tmp_path / "f.bin").read_bytes() == bytes([0, 1, 254, 255, 7])
    with pytest.raises(NotImplementedError, match="video"):
        io.read_video("x.mp4")
