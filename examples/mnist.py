"""MNIST with torchlike: the documents' MLP or CNN, trained as a PyTorch script would train them.

    python examples/mnist.py --model cnn --epochs 2 --data ../shared/data
    python examples/mnist.py --model mlp --device cuda --save-model mnist_mlp.pt --plot mnist.png
    python examples/mnist.py --model mlp --epochs 1 --amp

The code below is plain PyTorch except for the import line: with real PyTorch installed,
`import torch` would run it unchanged.
"""
from __future__ import annotations

import argparse
import sys
import time

import torchlike as torch
import torchlike.nn as nn
import torchlike.nn.functional as F
import torchlike.optim as optim
from torchlike.vision import datasets, transforms


class MLP(nn.Module):
    """The documents' SimpleNet: 784-128-10."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))


class CNN(nn.Module):
    """The documents' CNN: two 3x3 convolutions, max-pool, dropout, two linear layers."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout2d(0.25)
        self.dropout2 = nn.Dropout2d(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: no CUDA device is visible to JAX (install jax[cuda12], see README)")
    return torch.device(name)


def progress(epoch: int, done: int, total: int, loss: float, rate: float, width: int = 30) -> None:
    filled = int(width * done / total)
    bar = "#" * filled + "." * (width - filled)
    print(f"\repoch {epoch} [{bar}] {done}/{total} loss {loss:.4f} {rate:,.0f} img/s", end="", flush=True)


def make_train_step(model, optimizer, loss_fn, compiled: bool, device_type: str = "cpu", amp: bool = False):
    # Mixed precision: autocast runs matmuls and convolutions in bfloat16 on the CPU, float16 on
    # CUDA, where small gradients would underflow without loss scaling (bfloat16 needs none).
    scaler = torch.amp.GradScaler(device_type, enabled=amp and device_type == "cuda")

    def forward_backward(images, labels):
        optimizer.zero_grad()
        with torch.autocast(device_type, enabled=amp):
            loss = loss_fn(model(images), labels)
        scaler.scale(loss).backward()
        return loss

    def train_step(images, labels):
        loss = forward_backward(images, labels)
        optimizer.step()
        return loss

    def scaled_train_step(images, labels):
        loss = forward_backward(images, labels)
        scaler.step(optimizer)  # skipped when a gradient overflowed
        scaler.update()
        return loss

    if not scaler.is_enabled():
        # One XLA program per step (forward, backward and update) instead of one kernel per op.
        return torch.compile(train_step) if compiled else train_step
    # scaler.step reads the overflow flag back to decide whether to step: compile what comes before.
    if compiled:
        forward_backward = torch.compile(forward_backward)
    return scaled_train_step


def train_epoch(model, loader, train_step, device, epoch: int) -> float:
    model.train()
    total, seen, running, start = len(loader.dataset), 0, 0.0, time.perf_counter()
    for i, (images, labels) in enumerate(loader):
        loss = train_step(images.to(device), labels.to(device))
        seen += len(labels)
        if i % 20 == 0 or seen == total:
            running = loss.item()
            progress(epoch, seen, total, running, seen / (time.perf_counter() - start))
    print()
    return running


def evaluate(model, loader, device) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for images, labels in loader:
            predicted = model(images.to(device)).argmax(dim=1)
            correct += (predicted == labels.to(device)).sum().item()
    return 100.0 * correct / len(loader.dataset)


def save_plot(path: str, losses: list, accuracies: list) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("--plot needs matplotlib (pip install -e .[plot]); skipped")
        return
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.5))
    epochs = range(1, len(losses) + 1)
    a.plot(epochs, losses, marker="o")
    a.set(title="training loss (last batch)", xlabel="epoch")
    b.plot(epochs, accuracies, marker="o", color="tab:green")
    b.set(title="test accuracy (%)", xlabel="epoch")
    fig.tight_layout()
    fig.savefig(path)
    print(f"plot written to {path}")


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["mlp", "cnn"], default="cnn")
    p.add_argument("--device", default="auto", help="cpu, cuda or auto")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=None, help="default: 1.0 (Adadelta) for cnn, 0.01 (SGD) for mlp")
    p.add_argument("--data", default="./data")
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-compile", action="store_true", help="run the training step eagerly, op by op")
    p.add_argument("--amp", action="store_true",
                   help="mixed precision: bfloat16 autocast on CPU, float16 autocast with a GradScaler on CUDA")
    p.add_argument("--save-model", default=None, help="write the state_dict here (PyTorch's format)")
    p.add_argument("--plot", default=None, help="write a PNG of loss and accuracy per epoch")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train_set = datasets.MNIST(args.data, train=True, download=True, transform=transform)
    test_set = datasets.MNIST(args.data, train=False, download=True, transform=transform)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                                               num_workers=args.workers)
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=1000, num_workers=args.workers)

    model = (CNN() if args.model == "cnn" else MLP()).to(device)
    if args.model == "cnn":
        optimizer = optim.Adadelta(model.parameters(), lr=args.lr or 1.0)
        loss_fn = F.nll_loss
    else:
        optimizer = optim.SGD(model.parameters(), lr=args.lr or 0.01, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    train_step = make_train_step(model, optimizer, loss_fn, compiled=not args.no_compile, device_type=device.type,
                                 amp=args.amp)
    print(f"{args.model} on {device}, {args.epochs} epochs, batch {args.batch_size}" + (", amp" if args.amp else ""))

    losses, accuracies = [], []
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        losses.append(train_epoch(model, train_loader, train_step, device, epoch))
        accuracies.append(evaluate(model, test_loader, device))
        scheduler.step()
        print(f"epoch {epoch}: test accuracy {accuracies[-1]:.2f} % ({time.perf_counter() - start:.1f} s)")
    if args.save_model:
        torch.save(model.state_dict(), args.save_model)
        print(f"model written to {args.save_model}")
    if args.plot:
        save_plot(args.plot, losses, accuracies)
    return accuracies[-1]


if __name__ == "__main__":
    main()
