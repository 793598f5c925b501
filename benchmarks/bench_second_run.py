"""A script's time to its first training steps, cold and with JAX's persistent compilation cache
warm, against real PyTorch: each run is a fresh process, as when a user runs a script twice.

    python benchmarks/bench_second_run.py [--device cpu|cuda] [--steps 5]

The program is examples/mnist.py's CNN and step (random data, batch 64), compiled with
torchlike.compile or eager. The cache folder is a new temporary one, so the first run is cold.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHILD = r"""
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {examples!r})
import {lib} as torch
import mnist
device = torch.device({device!r})
torch.manual_seed(0)
model = mnist.CNN().to(device)
opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
step = mnist.make_train_step(model, opt, torch.nn.functional.nll_loss, compiled={compiled}, device_type=device.type)
x = torch.randn(64, 1, 28, 28, device=device)
y = torch.randint(0, 10, (64,), device=device)
t1 = time.perf_counter()
for _ in range({steps}):
    step(x, y).item()
t2 = time.perf_counter()
print(f"{{t1 - t0:.2f}} {{t2 - t1:.2f}}")
"""


def run(lib, device, compiled, steps, cache):
    code = CHILD.format(examples=os.path.join(ROOT, "examples"), lib=lib, device=device, compiled=compiled,
                        steps=steps)
    env = dict(os.environ, TORCHLIKE_COMPILATION_CACHE=cache, PYTHONPATH=ROOT + os.pathsep + os.environ.get(
        "PYTHONPATH", ""), PYTHONWARNINGS="ignore")
    if lib == "torch":  # examples/mnist.py imports torchlike: resolve it to torch (benchmarks/as_pytorch.py)
        # (without torchvision installed, the stand-in supplies the datasets/transforms names mnist.py imports)
        code = ("import sys; sys.path.insert(0, %r); import as_pytorch; as_pytorch.install()\n"
                "try:\n    import torchvision\nexcept ImportError:\n    sys.path.insert(0, %r)\n"
                % (HERE, os.path.join(HERE, "torchvision_standin"))) + code
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    setup, first = (float(v) for v in out.stdout.split()[-2:])
    return setup, first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--steps", type=int, default=5)
    args = ap.parse_args()
    print(f"time to the first {args.steps} training steps of the MNIST CNN on {args.device}, each run a new process")
    print(f"{'run':44s} {'import + build':>15s} {'first steps':>12s}")
    pt = run("torch", args.device, False, args.steps, "0")
    print(f"{'PyTorch eager':44s} {pt[0]:14.2f}s {pt[1]:11.2f}s")
    for compiled in (True, False):
        with tempfile.TemporaryDirectory() as cache:
            for label in ("cold cache", "warm cache (second run)"):
                s, f = run("torchlike", args.device, compiled, args.steps, cache)
                name = f"torchlike {'compile' if compiled else 'eager'}, {label}"
                print(f"{name:44s} {s:14.2f}s {f:11.2f}s  ({f / pt[1]:.1f}x PyTorch's)")


if __name__ == "__main__":
    main()
