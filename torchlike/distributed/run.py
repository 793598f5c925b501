"""`python -m torchlike.distributed.run --nproc-per-node N script.py [args...]`: torchrun for torchlike.

Mirrors `torch.distributed.run` (torchrun) for a static group: starts N processes on this node
with RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR and MASTER_PORT
set, each running the script through the import swap (`python -m torchlike run`), so an
unchanged PyTorch script works. When one process fails the others are stopped and its exit
status is returned. Elastic membership, restarts and rendezvous backends are not supported.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import uuid

_POLL_SECONDS = 0.05
_GRACE_SECONDS = 5.0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m torchlike.distributed.run", allow_abbrev=False,
                                description="Start one process per device, as torchrun does.")
    p.add_argument("--nproc-per-node", "--nproc_per_node", dest="nproc_per_node", default="1",
                   help="processes on this node: a number, or 'cpu', 'gpu', 'auto'")
    p.add_argument("--nnodes", default="1", help="number of nodes (a fixed number)")
    p.add_argument("--node-rank", "--node_rank", dest="node_rank", type=int, default=0)
    p.add_argument("--master-addr", "--master_addr", dest="master_addr", default="127.0.0.1")
    p.add_argument("--master-port", "--master_port", dest="master_port", type=int, default=29500)
    p.add_argument("--standalone", action="store_true", help="single node on a free local port")
    p.add_argument("--run-id", "--run_id", dest="run_id", default="none")
    p.add_argument("-m", "--module", action="store_true", help="run the script as a module (python -m)")
    p.add_argument("--no-python", "--no_python", dest="no_python", action="store_true",
                   help="run the script as an executable, not through Python")
    p.add_argument("training_script")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def _nproc(value: str) -> int:
    if value.isdigit():
        return int(value)
    if value in ("cpu", "auto"):
        if value == "auto" and _gpu_count():
            return _gpu_count()
        return os.cpu_count() or 1
    if value == "gpu":
        if not _gpu_count():
            raise ValueError("Cuda is not available.")
        return _gpu_count()
    raise ValueError(f"Unsupported nproc_per_node value: {value}")


def _gpu_count() -> int:
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return len([d for d in visible.split(",") if d.strip()])
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, check=False)
    except OSError:
        return 0
    return len([line for line in out.stdout.splitlines() if line.startswith("GPU")])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command(args) -> list:
    if args.no_python:
        return [args.training_script, *args.training_script_args]
    if args.module:
        raise NotImplementedError("torchlike.distributed.run -m (run the script as a file)")
    return [sys.executable, "-m", "torchlike", "run", args.training_script, *args.training_script_args]


def _environments(args, nproc: int) -> list:
    nnodes = int(args.nnodes)
    world = nnodes * nproc
    port = _free_port() if args.standalone else args.master_port
    addr = "127.0.0.1" if args.standalone else args.master_addr
    run_id = uuid.uuid4().hex if args.standalone else args.run_id
    envs = []
    for local_rank in range(nproc):
        rank = args.node_rank * nproc + local_rank
        env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(local_rank), WORLD_SIZE=str(world),
                   LOCAL_WORLD_SIZE=str(nproc), GROUP_RANK=str(args.node_rank), GROUP_WORLD_SIZE=str(nnodes),
                   ROLE_RANK=str(rank), ROLE_WORLD_SIZE=str(world), ROLE_NAME="default", MASTER_ADDR=addr,
                   MASTER_PORT=str(port), TORCHELASTIC_RUN_ID=run_id, TORCHELASTIC_RESTART_COUNT="0",
                   TORCHELASTIC_MAX_RESTARTS="0")
        if nproc > 1:
            env.setdefault("OMP_NUM_THREADS", "1")  # as torchrun: N processes share the cores
        envs.append(env)
    return envs


def _stop(procs: list) -> None:
    """Stops the processes still running: SIGTERM, then SIGKILL after a grace period."""
    alive = [p for p in procs if p.poll() is None]
    for p in alive:
        p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + _GRACE_SECONDS
    for p in alive:
        try:
            p.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _watch(procs: list) -> int:
    """Waits for every process; on the first failure stops the rest and returns its exit status."""
    while True:
        codes = [p.poll() for p in procs]
        failed = [(rank, c) for rank, c in enumerate(codes) if c not in (None, 0)]
        if failed:
            rank, code = failed[0]
            _stop(procs)
            print(f"torchlike.distributed.run: local rank {rank} exited with code {code}; stopped the others",
                  file=sys.stderr)
            return code if code > 0 else 128 - code
        if all(c == 0 for c in codes):
            return 0
        time.sleep(_POLL_SECONDS)


def main(argv: list | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.nnodes.isdigit():
        raise NotImplementedError("torchlike.distributed.run: elastic --nnodes MIN:MAX (give a fixed number)")
    nproc = _nproc(args.nproc_per_node)
    command = _command(args)
    procs = [subprocess.Popen(command, env=env) for env in _environments(args, nproc)]
    try:
        return _watch(procs)
    except KeyboardInterrupt:
        _stop(procs)
        return 130


if __name__ == "__main__":
    sys.exit(main())
