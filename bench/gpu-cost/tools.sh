# Shared by run.sh and tcgen05.sh (sourced): finds mx-opt in BUILD_DIR ($1),
# ptxas, and nvdisasm (installing the PyPI packages into a virtual
# environment outside the repository when it is not on PATH). Sets here,
# root, build, mx_opt, ptxas, nvdisasm and shifts BUILD_DIR off the
# arguments (the caller does: shift || true).
me=$(basename "$0")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
mx_opt=$build/bin/mx-opt
[ -x "$mx_opt" ] || { echo "$me: no $mx_opt; build it first (ninja -C $build mx-opt)" >&2; exit 1; }
ptxas=$(command -v ptxas || true)
[ -n "$ptxas" ] || ptxas=/usr/local/cuda/bin/ptxas
[ -x "$ptxas" ] || { echo "$me: ptxas not found (install the CUDA toolkit)" >&2; exit 1; }

nvdisasm=$(command -v nvdisasm || true)
if [ -z "$nvdisasm" ]; then
  venv=${MX_GPU_COST_VENV:-$HOME/.cache/mx-gpu-cost-venv}
  nvdisasm=$(find "$venv" -name nvdisasm -type f 2>/dev/null | head -1)
  if [ -z "$nvdisasm" ]; then
    echo "$me: installing nvidia-cuda-nvdisasm and nvidia-cuda-cuobjdump into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q nvidia-cuda-nvdisasm nvidia-cuda-cuobjdump
    nvdisasm=$(find "$venv" -name nvdisasm -type f | head -1)
  fi
fi
[ -x "$nvdisasm" ] || { echo "$me: nvdisasm not found" >&2; exit 1; }

