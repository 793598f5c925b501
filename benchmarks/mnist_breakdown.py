"""Where one MNIST epoch of examples/mnist.py spends its time: the DataLoader alone, the training
steps alone (batches already on the device), and what the engine compiled.

    python benchmarks/mnist_breakdown.py --device cuda --data ../shared/data [--no-compile]
    python benchmarks/as_pytorch.py benchmarks/mnist_breakdown.py --device cuda --no-compile   # real PyTorch
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))

import torchlike as torch  # noqa: E402
try:
    from torchlike.utils import debug  # noqa: E402
except ImportError:  # (run on real PyTorch through benchmarks/as_pytorch.py)
    debug = None
from torchlike.vision import datasets, transforms  # noqa: E402

import mnist  # noqa: E402  (the example's models and step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--model", default="cnn", choices=["cnn", "mlp"])
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--steps", type=int, default=0, help="time only this many steps (0: the whole epoch)")
    ap.add_argument("--profile", type=int, default=0, help="print the N costliest functions of the steps")
    args = ap.parse_args()
    device = torch.device(args.device)
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train = datasets.MNIST(args.data, train=True, download=True, transform=tf)
    loader = torch.utils.data.DataLoader(train, batch_size=64, shuffle=True)

    t = time.perf_counter()
    batches = [(x, y) for x, y in loader]
    if args.steps:
        batches = batches[:args.steps + 1]
    data_s = time.perf_counter() - t
    t = time.perf_counter()
    on_device = [(x.to(device), y.to(device)) for x, y in batches]
    torch.cuda.synchronize() if device.type == "cuda" else None
    copy_s = time.perf_counter() - t
    print(f"DataLoader, one epoch ({len(batches)} batches): {data_s:.2f} s; copies to {device}: {copy_s:.2f} s")

    torch.manual_seed(1)
    model = (mnist.CNN() if args.model == "cnn" else mnist.MLP()).to(device)
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
    step = mnist.make_train_step(model, opt, torch.nn.functional.nll_loss if args.model == "cnn"
                                 else torch.nn.CrossEntropyLoss(), compiled=not args.no_compile,
                                 device_type=device.type)
    compiled = (lambda: debug.kernel_stats()["compiled"]) if debug else (lambda: 0)
    # The first steps compile (the eager run that records the step, then its program, or the
    # eager engine's kernels and replayed programs); the steady state is timed after them.
    warmup = 5
    compiled0 = compiled()
    t = time.perf_counter()
    for x, y in on_device[:warmup]:
        step(x, y).item()
    warm_s = time.perf_counter() - t
    warm_compiled = compiled() - compiled0

    def run_steps():
        for i, (x, y) in enumerate(on_device[warmup:]):
            loss = step(x, y)
            if i % 20 == 0:
                loss.item()
        loss.item()

    t = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.runcall(run_steps)
    else:
        run_steps()
    steps_s = time.perf_counter() - t
    n = len(on_device) - warmup
    print(f"first {warmup} steps {warm_s:.2f} s ({warm_compiled} XLA programs compiled); then {n} steps in "
          f"{steps_s:.2f} s ({1e3 * steps_s / n:.2f} ms/step, {compiled() - compiled0 - warm_compiled} compiled)")
    if args.profile:
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
