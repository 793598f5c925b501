"""Training-step speed: the documents' MLP and CNN on real PyTorch, torchlike eager,
torchlike.compile, and a plain JAX + optax step under jax.jit, measured in one run.

    python benchmarks/bench_train.py [--model mlp|cnn|both] [--device cpu|cuda]

Ratios > 1 mean faster than PyTorch eager.
"""
import argparse

import jax
import jax.numpy as jnp
import numpy as np
import optax
import torch

import torchlike

from _timing import measure, report


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 32, 3, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10))


def step_fn(lib, model, lr):
    opt = lib.optim.SGD(model.parameters(), lr=lr)
    loss_fn = lib.nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def jax_step(params_np, kind, lr, jax_dev):
    """The same model written directly in JAX, trained with optax.sgd under one jax.jit."""
    params = {k: jax.device_put(v, jax_dev) for k, v in params_np.items()}
    opt = optax.sgd(lr)
    state = opt.init(params)

    def forward(p, x):
        if kind == "cnn":
            dn = ("NCHW", "OIHW", "NCHW")
            x = jax.nn.relu(jax.lax.conv_general_dilated(x, p["0.weight"], (1, 1), "VALID", dimension_numbers=dn)
                            + p["0.bias"][None, :, None, None])
            x = jax.nn.relu(jax.lax.conv_general_dilated(x, p["2.weight"], (1, 1), "VALID", dimension_numbers=dn)
                            + p["2.bias"][None, :, None, None])
            x = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
            x = x.reshape(x.shape[0], -1)
            x = jax.nn.relu(x @ p["6.weight"].T + p["6.bias"])
            return x @ p["8.weight"].T + p["8.bias"]
        x = x.reshape(x.shape[0], -1)
        x = jax.nn.relu(x @ p["1.weight"].T + p["1.bias"])
        return x @ p["3.weight"].T + p["3.bias"]

    @jax.jit
    def step(p, s, x, y):
        def loss_fn(p):
            return optax.softmax_cross_entropy_with_integer_labels(forward(p, x), y).mean()
        loss, g = jax.value_and_grad(loss_fn)(p)
        updates, s = opt.update(g, s, p)
        return optax.apply_updates(p, updates), s, loss

    box = [params, state, None]

    def run(x, y):
        box[0], box[1], box[2] = step(box[0], box[1], x, y)
    return run, box


def bench(kind: str, batch: int, number: int, dev: str = "cpu"):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    build = cnn if kind == "cnn" else mlp
    torch.manual_seed(0)
    tmodel = build(torch).to(dev)
    sd = {k: v.detach().cpu().numpy().copy() for k, v in tmodel.state_dict().items()}
    lmodel, cmodel = build(torchlike), build(torchlike)
    for m in (lmodel, cmodel):
        m.load_state_dict({k: torchlike.tensor(v) for k, v in sd.items()})
        m.to(dev)
    tx, ty = torch.tensor(x, device=dev), torch.tensor(y, device=dev)
    lx, ly = torchlike.tensor(x, device=dev), torchlike.tensor(y, device=dev)
    tstep, lstep = step_fn(torch, tmodel, 0.01), step_fn(torchlike, lmodel, 0.01)
    cstep = torchlike.compile(step_fn(torchlike, cmodel, 0.01))
    jax_dev = jax.devices("gpu" if dev == "cuda" else "cpu")[0]
    jrun, box = jax_step(sd, kind, 0.01, jax_dev)
    jx, jy = jax.device_put(x, jax_dev), jax.device_put(y, jax_dev)
    torch_sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
    last = {}

    def keep(name, f):
        def run():
            last[name] = f()
        return run
    med = measure({
        "torch": (lambda: tstep(tx, ty), torch_sync),
        "torchlike eager": (keep("l", lambda: lstep(lx, ly)), lambda: last["l"]._data.block_until_ready()),
        "torchlike.compile": (keep("c", lambda: cstep(lx, ly)), lambda: last["c"]._data.block_until_ready()),
        "jax+optax jit": (lambda: jrun(jx, jy), lambda: box[2].block_until_ready()),
    }, rounds=5, number=number)
    return report(f"{kind} training step (batch {batch}, {dev})", med)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="both", choices=["mlp", "cnn", "both"])
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = ap.parse_args()
    if args.model in ("mlp", "both"):
        bench("mlp", 100, 50, args.device)
    if args.model in ("cnn", "both"):
        bench("cnn", 64, 5 if args.device == "cpu" else 50, args.device)


if __name__ == "__main__":
    main()
