"""nn.DataParallel on 4 host devices, compared with the same module run on one device.

JAX fixes its device count when it starts, so the comparisons run once in a child process
started with `--xla_force_host_platform_device_count=4` (this file run as a script), which
reports its measurements as JSON; the tests below check them. The rest of the suite keeps its
single device.
"""
import json
import os
import subprocess
import sys

import pytest

DEVICES = 4


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("parallel") / "report.json"
    env = dict(os.environ, JAX_PLATFORMS="cpu", XLA_FLAGS=f"--xla_force_host_platform_device_count={DEVICES} "
                                     "--xla_backend_optimization_level=0")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), str(out)], env=env, cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(out.read_text())


def test_devices(report):
    assert report["devices"] == DEVICES


@pytest.mark.parametrize("case", ["mlp", "mlp_uneven", "cnn_eval", "cnn_train", "kwargs_tuple"])
def test_outputs_and_gradients_match_one_device(report, case):
    r = report[case]
    assert r["output_diff"] < 1e-5
    assert max(r["grad_diffs"]) < 1e-5
    assert r["output_on_device0"] and r["grads_on_device0"]


def test_batch_is_split(report):
    assert report["mlp"]["inner_devices"] == DEVICES
    assert report["cnn_train"]["inner_devices"] == DEVICES
    assert report["mlp_uneven"]["inner_devices"] == 3  # a batch of 6: the largest even split


def test_batchnorm_running_stats(report):
    # whole-batch statistics (as SyncBatchNorm): running stats equal the one-device run's
    assert report["cnn_train"]["running_mean_diff"] < 1e-6
    assert report["cnn_train"]["running_var_diff"] < 1e-6
    assert report["cnn_train"]["running_mean_changed"]


def test_training_steps(report):
    assert report["training"]["param_diff"] < 1e-5
    assert report["training"]["moved"] > 1e-3


def test_state_dict_and_repr(report):
    assert report["state_dict_keys"] == ["module.0.weight", "module.0.bias", "module.2.weight", "module.2.bias"]
    assert report["repr"] == ("DataParallel(\n  (module): Sequential(\n"
                              "    (0): Linear(in_features=8, out_features=16, bias=True)\n    (1): ReLU()\n"
                              "    (2): Linear(in_features=16, out_features=3, bias=True)\n  )\n)")
    assert report["module_is_wrapped"]


def test_single_device_passes_through(report):
    assert report["single"]["inner_devices"] == 1
    assert report["single"]["output_diff"] == 0.0


def test_scalar_output_not_implemented(report):
    assert report["scalar_output_error"].startswith("NotImplementedError")


# ----- the child process -----

def _max_diff(a, b) -> float:
    return float((a - b).abs().max())


def _rel_diff(a, b) -> float:
    """Largest difference relative to the reference's scale (float32 sums split over devices reorder)."""
    return _max_diff(a, b) / max(1.0, float(b.abs().max()))


def _compare(torch, dp, module, inputs, kwargs=None, loss=lambda out: out.square().sum()):
    """Forward and backward through DataParallel and through the bare module; their differences."""
    seen = []
    first = next(m for m in module.modules() if not list(m.children()))
    handle = first.register_forward_hook(lambda m, i, o: seen.append(len(o._data.devices())))
    kwargs = kwargs or {}
    module.zero_grad()
    out = dp(*inputs, **kwargs)
    loss(out).backward()
    grads = [p.grad.clone() for p in module.parameters()]
    on_device0 = all(p.grad._data.devices() == {torch._device.cpu_device()} for p in module.parameters())
    module.zero_grad()
    ref = module(*inputs, **kwargs)
    loss(ref).backward()
    handle.remove()
    outs, refs = (out, ref) if isinstance(out, tuple) else ((out,), (ref,))
    return {"output_diff": max(_rel_diff(a, b) for a, b in zip(outs, refs)),
            "grad_diffs": [_rel_diff(g, p.grad) for g, p in zip(grads, module.parameters())],
            "output_on_device0": all(o._data.devices() == {torch._device.cpu_device()} for o in outs),
            "grads_on_device0": on_device0, "inner_devices": seen[0]}


def _cnn(nn):
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 3 * 3, 5))


def _cnn_train(torch, nn):
    cnn = _cnn(nn)
    x = torch.randn(8, 1, 8, 8)
    bn = cnn[1]
    dp = nn.DataParallel(cnn)
    dp(x)
    after_dp = (bn.running_mean.clone(), bn.running_var.clone())
    bn.reset_running_stats()
    cnn(x)
    stats = {"running_mean_diff": _max_diff(after_dp[0], bn.running_mean),
             "running_var_diff": _max_diff(after_dp[1], bn.running_var),
             "running_mean_changed": float(bn.running_mean.abs().max()) > 0}
    bn.reset_running_stats()
    result = _compare(torch, dp, cnn, (x,))
    return {**result, **stats}


class _TwoHeads:
    """A module taking a keyword argument and returning a tuple."""

    @staticmethod
    def make(nn):
        class TwoHeads(nn.Module):
            def __init__(self):
                super().__init__()
                self.a, self.b = nn.Linear(5, 3), nn.Linear(5, 2)

            def forward(self, x, scale=1.0):
                return self.a(x) * scale, self.b(x).tanh()
        return TwoHeads()


def _training(torch, nn):
    import copy
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    twin = copy.deepcopy(model)
    start = [p.clone() for p in model.parameters()]
    dp = nn.DataParallel(model)
    for net in (dp, twin):
        opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        torch.manual_seed(5)
        for _ in range(3):
            x, y = torch.randn(12, 8), torch.randint(0, 3, (12,))
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(x), y).backward()
            opt.step()
    return {"param_diff": max(_max_diff(a, b) for a, b in zip(model.parameters(), twin.parameters())),
            "moved": max(_max_diff(a, b) for a, b in zip(model.parameters(), start))}


def _child(path: str) -> None:
    import jax
    jax.config.update("jax_numpy_dtype_promotion", "strict")
    import torchlike as torch
    from torchlike import nn
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    dp = nn.DataParallel(mlp)
    ce = nn.CrossEntropyLoss()
    y = torch.randint(0, 3, (12,))
    report = {"devices": len(jax.local_devices()),
              "mlp": _compare(torch, dp, mlp, (torch.randn(12, 8),), loss=lambda out: ce(out, y)),
              "mlp_uneven": _compare(torch, dp, mlp, (torch.randn(6, 8),)),
              "state_dict_keys": list(dp.state_dict()), "repr": repr(dp), "module_is_wrapped": dp.module is mlp,
              "single": _compare(torch, nn.DataParallel(mlp, device_ids=[0]), mlp, (torch.randn(12, 8),))}
    cnn = _cnn(nn).eval()
    report["cnn_eval"] = _compare(torch, nn.DataParallel(cnn), cnn, (torch.randn(8, 1, 8, 8),))
    report["cnn_train"] = _cnn_train(torch, nn)
    heads = _TwoHeads.make(nn)
    report["kwargs_tuple"] = _compare(torch, nn.DataParallel(heads), heads, (torch.randn(8, 5),), {"scale": 2.0},
                                      loss=lambda out: out[0].sum() + out[1].square().sum())
    report["training"] = _training(torch, nn)
    try:
        nn.DataParallel(nn.Sequential(nn.Linear(8, 1), nn.Flatten(0)))(torch.randn(4, 8)).sum().backward()
        nn.DataParallel(_Scalar.make(nn))(torch.randn(4, 8))
        report["scalar_output_error"] = "none"
    except NotImplementedError as e:
        report["scalar_output_error"] = f"NotImplementedError: {e}"
    with open(path, "w") as f:
        json.dump(report, f)


class _Scalar:
    @staticmethod
    def make(nn):
        class Scalar(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(8, 1)

            def forward(self, x):
                return self.lin(x).mean()
        return Scalar()


if __name__ == "__main__":
    _child(sys.argv[1])
