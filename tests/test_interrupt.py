"""A KeyboardInterrupt anywhere in a training step leaves the training state usable.

An optimizer step donates the parameters' buffers to XLA, so an interrupt between the update and
the store of its results could leave parameters on deleted buffers, and one inside the deferral's
bookkeeping could corrupt the trace for the rest of the process. Here interrupts are raised at
random bytecodes of a step (from a trace function), and real SIGINTs are sent to a training
process; afterwards parameters, gradients, optimizer state and the trace must be readable,
savable and trainable, as they are in PyTorch.
"""
import io
import math
import random
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import torchlike as torch
from torchlike import _interrupt
from torchlike._engine import lazy
from torchlike.optim.optimizer import _sole_owner

TRIALS = 90          # interrupts per (optimizer, deferral) case: 6 cases, 540 in all
WARMUP = 12          # steps before counting: deferral, replay and fusion have settled by then


class _Interrupter:
    """A trace function raising KeyboardInterrupt at its k-th event (call, line or opcode, in
    every Python frame); k = 0 only counts."""

    def __init__(self, k: int):
        self.k, self.n = k, 0

    def __call__(self, frame, event, arg):
        frame.f_trace_opcodes = True
        self.n += 1
        if self.n == self.k:
            raise KeyboardInterrupt
        return self

    def run(self, fn) -> bool:
        """fn() under this trace function; whether the interrupt was raised."""
        previous = sys.gettrace()
        sys.settrace(self)
        try:
            fn()
        except KeyboardInterrupt:
            return True
        finally:
            sys.settrace(previous)
        return False


def _setup(opt_name):
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    params = model.parameters()
    if opt_name == "sgd":
        opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
    elif opt_name == "adam":
        opt = torch.optim.Adam(params, lr=0.01)
    else:
        opt = torch.optim.AdamW(params, lr=0.01, weight_decay=0.1)
    x, y = torch.randn(16, 4), torch.randn(16, 2)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return model, opt, step


def _check_trace() -> None:
    """The deferral's trace is consistent: nodes at their positions, refs to earlier nodes or
    existing leaves, leaf positions right."""
    tr = lazy._trace
    for i, node in enumerate(tr.nodes):
        assert node.pos == i and node.epoch <= tr.epoch and node.owner is not None
        assert all(-len(tr.leaves) <= r < i for r in node.wire[1])
    for ident, p in tr.leaf_pos.items():
        assert id(tr.leaves[p]) == ident


def _check_usable(model, opt, step) -> None:
    assert torch.is_grad_enabled()
    _check_trace()
    for p in model.parameters():
        assert np.isfinite(p.detach().numpy()).all()
        if p.grad is not None:
            assert np.isfinite(p.grad.numpy()).all()
    for st in opt.state.values():
        for v in st.values():
            if isinstance(v, torch.Tensor):
                assert np.isfinite(v.numpy()).all()
    buf = io.BytesIO()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict()}, buf)
    buf.seek(0)
    saved = torch.load(buf)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(saved["model"][k].numpy(), v.numpy())
    model.load_state_dict(saved["model"])
    before = [p.detach().numpy().copy() for p in model.parameters()]
    assert math.isfinite(step().item())
    after = [p.detach().numpy() for p in model.parameters()]
    assert any((a != b).any() for a, b in zip(after, before))  # the step did train


@pytest.mark.parametrize("deferred", [True, False], ids=["deferred", "eager"])
@pytest.mark.parametrize("opt_name", ["sgd", "adam", "adamw"])
def test_interrupt_at_random_bytecodes(opt_name, deferred):
    saved_enabled = lazy.enabled
    lazy.enabled = deferred
    try:
        model, opt, step = _setup(opt_name)
        for _ in range(WARMUP):
            step()
        assert _sole_owner(list(model.parameters()))  # the update donates: the case at stake
        counter = _Interrupter(0)
        counter.run(step)
        n_events = counter.n
        rng = random.Random(f"{opt_name}-{deferred}")
        fired = attempts = 0
        while fired < TRIALS and attempts < 2 * TRIALS:
            attempts += 1
            fired += _Interrupter(rng.randint(1, n_events)).run(step)
            _check_usable(model, opt, step)
        assert fired == TRIALS
    finally:
        lazy.enabled = saved_enabled


def test_deferral_records_then_interrupts():
    """An interrupt at any bytecode of a deferred op's recording leaves the trace usable."""
    saved_enabled = lazy.enabled
    lazy.enabled = True
    try:
        a = torch.randn(3, 3)
        ops = [lambda: a.exp() + a, lambda: (a * 2).tanh().sum()]
        for _ in range(3):  # (a form is deferred from its third call)
            results = [f() for f in ops]
        assert lazy._trace.nodes  # deferred
        expected = [r.numpy() for r in results]
        counter = _Interrupter(0)
        counter.run(ops[0])
        for k in range(1, counter.n + 1):
            _Interrupter(k).run(ops[0])
            _check_trace()
            np.testing.assert_allclose(ops[0]().numpy(), expected[0], rtol=1e-6)
            np.testing.assert_allclose(ops[1]().numpy(), expected[1], rtol=1e-6)
    finally:
        lazy.enabled = saved_enabled


def test_sigint_inside_section_is_held_until_it_ends():
    done = []

    def section():
        signal.raise_signal(signal.SIGINT)
        done.append(sum(range(1000)))  # bytecodes run: the handler has had its chance
        return "result"

    with pytest.raises(KeyboardInterrupt):
        _interrupt.whole(section)
    assert done == [499500]
    with pytest.raises(KeyboardInterrupt):  # outside a section, as Python's default handler
        signal.raise_signal(signal.SIGINT)
        sum(range(1000))
    assert _interrupt.whole(lambda: 7) == 7


_TRAIN_SCRIPT = textwrap.dedent("""
    import os, random, signal, sys, threading, time
    import torchlike as torch
    from torchlike import _program_budget as budget
    from torchlike._engine import lazy

    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(64, 16), torch.randn(64, 4)
    caught, steps = [0], [0]

    def step():
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        steps[0] += 1

    def send(seed):
        rng = random.Random(seed)
        for _ in range(25):
            time.sleep(rng.uniform(0.0005, 0.01))  # (random arrival times, not timing)
            os.kill(os.getpid(), signal.SIGINT)

    def train(sender):
        goal = steps[0] + 200
        while sender.is_alive() or steps[0] < goal:
            try:
                step()
            except KeyboardInterrupt:
                caught[0] += 1

    def retrying(work, *args):
        while True:
            try:
                return work(*args)
            except KeyboardInterrupt:  # (one landing outside the step's try)
                caught[0] += 1

    for deferral in (True, False):  # 25 signals with deferred ops, then 25 without
        lazy.enabled = deferral
        retrying(lambda: [step() for _ in range(3)])
        sender = threading.Thread(target=send, args=(int(deferral),))
        sender.start()
        retrying(train, sender)
        sender.join()
    retrying(torch.save, model.state_dict(), sys.argv[1])

    def recompiles():  # steps after the storm must reuse the programs compiled before it
        lazy.enabled = True
        for _ in range(5):
            step()
        before = budget.compiles()
        for _ in range(3):
            step()
        return budget.compiles() - before
    print("caught", caught[0], "steps", steps[0], "recompiles", retrying(recompiles))
""")


def test_real_sigints_during_training(tmp_path):
    """50 SIGINTs at random times of a training loop that catches KeyboardInterrupt around each
    step: the process trains on and saves a usable model."""
    script, out = tmp_path / "train.py", tmp_path / "model.pt"
    script.write_text(_TRAIN_SCRIPT)
    proc = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    words = proc.stdout.split()
    assert int(words[1]) >= 2  # signals did interrupt steps (close ones may merge into one)
    assert words[5] == "0"  # no program left compiling at every call
    state = torch.load(out)
    assert sorted(state) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    for v in state.values():
        assert np.isfinite(v.numpy()).all()
