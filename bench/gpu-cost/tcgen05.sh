#!/usr/bin/env bash
# tcgen05 cost report (docs/Benchmarks.md, "GPU cost"): for the block-scaled
# tcgen05.mma kernels (sm_100a by default), ptxas -v registers and spills and
# the SASS UTC* instruction families (UTCQMMA/UTCOMMA, UTCCP, ...). Needs a built mx-opt and the CUDA toolkit's ptxas; nvdisasm
# comes from PyPI (nvidia-cuda-nvdisasm, nvidia-cuda-cuobjdump), installed
# into a virtual environment outside the repository when it is not on PATH.
# Not run in CI.
#
#   bench/gpu-cost/tcgen05.sh [BUILD_DIR] [--chips=sm_100a,...]
#
# Environment: MX_GPU_COST_VENV (default ~/.cache/mx-gpu-cost-venv),
# MX_GPU_COST_WORK (default /tmp/mx-gpu-cost: the .mlir, .ptx, .cubin and
# .sass files it made).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
shift || true

echo "ptxas: $("$ptxas" --version | tail -1)"
echo "nvdisasm: $("$nvdisasm" --version | tail -1)"
exec python3 "$here/tcgen05_cost.py" --mx-opt "$mx_opt" --ptxas "$ptxas" \
  --nvdisasm "$nvdisasm" --work "${MX_GPU_COST_WORK:-/tmp/mx-gpu-cost}/tcgen05" "$@"
