#!/usr/bin/env bash
# GPU cost report (docs/Benchmarks.md, "GPU cost"): ptxas -v registers and
# spills per kernel and SASS instructions per decoded element, per chip and
# matmul path. Needs a built mx-opt and the CUDA toolkit's ptxas; nvdisasm
# comes from PyPI (nvidia-cuda-nvdisasm, nvidia-cuda-cuobjdump), installed
# into a virtual environment outside the repository when it is not on PATH.
# Not run in CI.
#
#   bench/gpu-cost/run.sh [BUILD_DIR] [--chips=sm_90a,...]
#
# Environment: MX_GPU_COST_VENV (default ~/.cache/mx-gpu-cost-venv),
# MX_GPU_COST_WORK (default /tmp/mx-gpu-cost: the .mlir, .ptx, .cubin and
# .sass files it made).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
shift || true
mx_opt=$build/bin/mx-opt
[ -x "$mx_opt" ] || { echo "run.sh: no $mx_opt; build it first (ninja -C $build mx-opt)" >&2; exit 1; }
ptxas=$(command -v ptxas || true)
[ -n "$ptxas" ] || ptxas=/usr/local/cuda/bin/ptxas
[ -x "$ptxas" ] || { echo "run.sh: ptxas not found (install the CUDA toolkit)" >&2; exit 1; }

nvdisasm=$(command -v nvdisasm || true)
if [ -z "$nvdisasm" ]; then
  venv=${MX_GPU_COST_VENV:-$HOME/.cache/mx-gpu-cost-venv}
  nvdisasm=$(find "$venv" -name nvdisasm -type f 2>/dev/null | head -1)
  if [ -z "$nvdisasm" ]; then
    echo "run.sh: installing nvidia-cuda-nvdisasm and nvidia-cuda-cuobjdump into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q nvidia-cuda-nvdisasm nvidia-cuda-cuobjdump
    nvdisasm=$(find "$venv" -name nvdisasm -type f | head -1)
  fi
fi
[ -x "$nvdisasm" ] || { echo "run.sh: nvdisasm not found" >&2; exit 1; }

echo "ptxas: $("$ptxas" --version | tail -1)"
echo "nvdisasm: $("$nvdisasm" --version | tail -1)"
exec python3 "$here/gpu_cost.py" --mx-opt "$mx_opt" --ptxas "$ptxas" \
  --nvdisasm "$nvdisasm" --work "${MX_GPU_COST_WORK:-/tmp/mx-gpu-cost}" "$@"
