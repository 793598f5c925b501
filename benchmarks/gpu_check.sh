#!/usr/bin/env bash
# The GPU check, as one command for a machine with an NVIDIA GPU and no network, whose python3
# already holds jax with its CUDA plugin and real PyTorch with CUDA (torchvision too, for the
# PyTorch side of the MNIST runs). torchlike is taken from this checkout through PYTHONPATH.
#
#     bash benchmarks/gpu_check.sh [DATA_ROOT] [RESULTS_FILE]
#
# DATA_ROOT holds MNIST/raw/ in torchvision's layout (default ../shared/data). Everything printed
# also goes to RESULTS_FILE (default gpu_results.txt). Sections, most important first, each under
# its own time limit so the whole run stays under 8 minutes:
#   1. the environment (GPU, jax, PyTorch);
#   2. the MNIST example on cuda with torchlike: compiled, eager, --amp, and the MLP;
#   3. the GPU tests (compat_suite/test_devices.py runs each case on cpu and cuda against PyTorch);
#   4. the same MNIST example on real PyTorch on the same GPU (benchmarks/as_pytorch.py);
#   5. the CNN step's steady state, torchlike compiled against PyTorch eager (mnist_breakdown.py);
#   6. bench_train.py and bench_ops.py with --device cuda.
# JAX's persistent compilation cache (on by default) keeps what section 2 compiled: later runs
# of the same programs load them instead of compiling and autotuning again.
set -u
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
RESULTS=${2:-gpu_results.txt}
PY=${PYTHON:-python3}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
# PyTorch and JAX share the GPU in one process in the benchmarks: JAX must not take 75 % up front.
export XLA_PYTHON_CLIENT_PREALLOCATE=false
: > "$RESULTS"

section() { echo; echo "== $1 ($(date -u +%T))"; }

# Run a command under a time limit; of a progress bar's carriage-return updates keep the last one.
limited() {
    local limit=$1; shift
    local start=$SECONDS
    timeout "$limit" "$@" 2>&1 | tr '\r' '\n' | awk '/^epoch [0-9]+ \[/ {bar = $0; next} {if (bar != "") print bar; bar = ""; print} END {if (bar != "") print bar}'
    local rc=${PIPESTATUS[0]}
    echo "[exit $rc after $((SECONDS - start)) s$([ "$rc" = 124 ] && echo ": stopped at the ${limit} s limit")]"
}

mnist() {  # mnist LABEL LIMIT RUNNER... -- ARGS...
    local label=$1 limit=$2; shift 2
    echo "-- $label"
    limited "$limit" "$@" --device cuda --epochs 1 --data "$DATA"
}

{
section "environment"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1
$PY - <<'EOF' 2>&1
import sys
import jax, jaxlib, numpy
print("python", sys.version.split()[0], "| numpy", numpy.__version__, "| jax", jax.__version__, "| jaxlib", jaxlib.__version__)
print("jax devices:", jax.devices())
try:
    import torch
    print("torch", torch.__version__, "| cuda", torch.version.cuda, "| available", torch.cuda.is_available())
except ImportError as e:
    print("real PyTorch not importable:", e)
import torchlike
print("torchlike sees cuda:", torchlike.cuda.is_available(), torchlike.cuda.device_count(),
      torchlike.cuda.get_device_name(0) if torchlike.cuda.is_available() else "")
EOF

section "MNIST example on cuda, torchlike (1 epoch each)"
mnist "torchlike CNN, torchlike.compile step" 80 $PY examples/mnist.py
mnist "torchlike CNN, eager" 80 $PY examples/mnist.py --no-compile
mnist "torchlike CNN, --amp (float16 autocast + GradScaler)" 80 $PY examples/mnist.py --amp
mnist "torchlike MLP, torchlike.compile step" 50 $PY examples/mnist.py --model mlp

section "GPU tests: compat_suite/test_devices.py (each case on cpu and on cuda, against PyTorch)"
limited 100 $PY -m pytest compat_suite/test_devices.py -q -p no:cacheprovider -rf

section "MNIST example on cuda, real PyTorch (the same file through benchmarks/as_pytorch.py)"
mnist "PyTorch CNN, eager" 50 $PY benchmarks/as_pytorch.py examples/mnist.py --no-compile
mnist "PyTorch CNN, --amp" 50 $PY benchmarks/as_pytorch.py examples/mnist.py --amp --no-compile
mnist "PyTorch CNN, torch.compile step" 80 $PY benchmarks/as_pytorch.py examples/mnist.py

section "steady state: 5 warm-up steps, then 300 (benchmarks/mnist_breakdown.py)"
limited 60 $PY benchmarks/mnist_breakdown.py --device cuda --data "$DATA" --steps 300
limited 40 $PY benchmarks/as_pytorch.py benchmarks/mnist_breakdown.py --device cuda --data "$DATA" --steps 300 --no-compile

section "bench_train.py --device cuda"
limited 70 $PY benchmarks/bench_train.py --device cuda
section "bench_ops.py --device cuda"
limited 70 $PY benchmarks/bench_ops.py --device cuda
section "done"
} 2>&1 | tee -a "$RESULTS"
