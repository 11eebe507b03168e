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
source "$(dirname "$0")/tools.sh"
shift || true

echo "ptxas: $("$ptxas" --version | tail -1)"
echo "nvdisasm: $("$nvdisasm" --version | tail -1)"
exec python3 "$here/gpu_cost.py" --mx-opt "$mx_opt" --ptxas "$ptxas" \
  --nvdisasm "$nvdisasm" --work "${MX_GPU_COST_WORK:-/tmp/mx-gpu-cost}" "$@"
