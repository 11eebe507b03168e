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
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
shift || true
mx_opt=$build/bin/mx-opt
[ -x "$mx_opt" ] || { echo "tcgen05.sh: no $mx_opt; build it first (ninja -C $build mx-opt)" >&2; exit 1; }
ptxas=$(command -v ptxas || true)
[ -n "$ptxas" ] || ptxas=/usr/local/cuda/bin/ptxas
[ -x "$ptxas" ] || { echo "tcgen05.sh: ptxas not found (install the CUDA toolkit)" >&2; exit 1; }

nvdisasm=$(command -v nvdisasm || true)
if [ -z "$nvdisasm" ]; then
  venv=${MX_GPU_COST_VENV:-$HOME/.cache/mx-gpu-cost-venv}
  nvdisasm=$(find "$venv" -name nvdisasm -type f 2>/dev/null | head -1)
  if [ -z "$nvdisasm" ]; then
    echo "tcgen05.sh: installing nvidia-cuda-nvdisasm and nvidia-cuda-cuobjdump into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q nvidia-cuda-nvdisasm nvidia-cuda-cuobjdump
    nvdisasm=$(find "$venv" -name nvdisasm -type f | head -1)
  fi
fi
[ -x "$nvdisasm" ] || { echo "tcgen05.sh: nvdisasm not found" >&2; exit 1; }

echo "ptxas: $("$ptxas" --version | tail -1)"
echo "nvdisasm: $("$nvdisasm" --version | tail -1)"
exec python3 "$here/tcgen05_cost.py" --mx-opt "$mx_opt" --ptxas "$ptxas" \
  --nvdisasm "$nvdisasm" --work "${MX_GPU_COST_WORK:-/tmp/mx-gpu-cost}/tcgen05" "$@"
