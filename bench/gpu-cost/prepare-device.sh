#!/usr/bin/env bash
# Prepares what bench/gpu-cost/device-check.sh needs on a machine with a
# Hopper GPU and no LLVM (docs/Benchmarks.md, "On an H200"): run here, where
# the project is built and ptxas/nvcc are installed.
#
#   bench/gpu-cost/prepare-device.sh [BUILD_DIR] [DEST]
#
# DEST (default .device-mx in the repository root, which .gitignore lists)
# receives the runner, the sm_90a jobs and the baseline
# cubin, a few MB in all: the large GEMV weights are filled on the device.
# Carry DEST with the device call (carry: [".device-mx"]) and run
# `bench/gpu-cost/device-check.sh .device-mx` there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
dest=${2:-$root/.device-mx}
bin=$build/bin
for t in mx-opt mx-quant mx-run mx-cuda-run; do
  [ -x "$bin/$t" ] || { echo "prepare-device.sh: no $bin/$t; build it first" >&2; exit 1; }
done
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
[ -x "$nvcc" ] || { echo "prepare-device.sh: nvcc not found" >&2; exit 1; }
rm -rf "$dest" && mkdir -p "$dest/jobs"
cp "$bin/mx-cuda-run" "$dest/"
job() { python3 "$root/tools/mx-cuda-run/mx-gpu-job.py" --bin-dir="$bin" --chip=sm_90a "$@"; }

# Hopper paths end to end: checked against the reference (and, here, the
# expected outputs against mx-run).
# K = 4096: 128 K blocks, 4 per gemv lane, so the shuffle reduction matters.
job --op=matmul --lhs=mxfp4 --rhs=mxfp4 --m=1 --n=256 --k=4096 --cpu-check -o "$dest/jobs/e2e-gemv-mxfp4"
job --op=matmul --lhs=nvfp4 --rhs=nvfp4 --m=4 --n=64 --k=256 --path=gemv --cpu-check -o "$dest/jobs/e2e-gemv-nvfp4"
job --op=matmul --lhs=mxfp4 --rhs=mxfp4 --m=64 --n=32 --k=256 --path=bf16 --cpu-check -o "$dest/jobs/e2e-bf16-mxfp4"
job --op=matmul --lhs=nvfp4 --rhs=nvfp4 --m=32 --n=16 --k=64 --cpu-check -o "$dest/jobs/e2e-bf16-nvfp4"
job --op=matmul --lhs=mxfp4 --rhs=mxfp4 --m=64 --n=32 --k=256 --path=fp8 --cpu-check -o "$dest/jobs/e2e-fp8-mxfp4"
job --op=matmul --lhs=mxfp8_e4m3 --rhs=mxfp6_e2m3 --m=32 --n=16 --k=128 --cpu-check -o "$dest/jobs/e2e-fp8-mixed"
job --op=matmul --lhs=mxint8 --rhs=mxint8 --m=16 --n=8 --k=64 --cpu-check -o "$dest/jobs/e2e-bf16-mxint8"
job --op=dequantize --format=mxfp4 --shape=8x256 --cpu-check -o "$dest/jobs/e2e-dequantize-mxfp4"
job --op=dequantize --format=nvfp4 --shape=8x256 --cpu-check -o "$dest/jobs/e2e-dequantize-nvfp4"
job --op=dequantize --format=mxfp6_e3m2 --shape=8x256 --cpu-check -o "$dest/jobs/e2e-dequantize-mxfp6"

# Edges: column counts off the gemv's 8-column groups and the MMA tiles'
# multiples, mixed and integer formats, other seeds.
job --op=matmul --lhs=mxfp6_e3m2 --rhs=mxfp8_e5m2 --m=3 --n=37 --k=96 --path=gemv --seed=2 --cpu-check -o "$dest/jobs/e2e-gemv-odd-mixed"
job --op=matmul --lhs=mxint8 --rhs=mxfp4 --m=2 --n=40 --k=160 --path=gemv --seed=3 --cpu-check -o "$dest/jobs/e2e-gemv-mxint8-mxfp4"
# Long K: several warps per gemv column group, summed through shared memory.
job --op=matmul --lhs=mxfp8_e4m3 --rhs=mxfp6_e2m3 --m=2 --n=36 --k=8192 --path=gemv --seed=8 --cpu-check -o "$dest/jobs/e2e-gemv-longk-fp6"
job --op=matmul --lhs=nvfp4 --rhs=nvfp4 --m=2 --n=64 --k=4096 --path=gemv --seed=9 --cpu-check -o "$dest/jobs/e2e-gemv-longk-nvfp4"
job --op=matmul --lhs=mxfp6_e2m3 --rhs=mxfp8_e5m2 --m=48 --n=24 --k=96 --path=fp8 --seed=4 --cpu-check -o "$dest/jobs/e2e-fp8-e2m3-e5m2"
job --op=matmul --lhs=nvfp4 --rhs=nvfp4 --m=48 --n=40 --k=512 --path=bf16 --seed=5 --cpu-check -o "$dest/jobs/e2e-bf16-nvfp4-k512"
job --op=dequantize --format=mxfp8_e5m2 --shape=5x96 --seed=6 --cpu-check -o "$dest/jobs/e2e-dequantize-mxfp8-e5m2"
job --op=dequantize --format=mxint8 --shape=4x64 --seed=7 --cpu-check -o "$dest/jobs/e2e-dequantize-mxint8"

# The GEMV benchmark: 4096 outputs over K = 14336, batch 1 (the MLP down
# projection of an 8B model; the same shape as docs/Benchmarks.md's CPU GEMV).
job --op=matmul --lhs=mxfp4 --rhs=mxfp4 --m=1 --n=4096 --k=14336 --reference=no -o "$dest/jobs/gemv-mxfp4"
job --op=matmul --lhs=nvfp4 --rhs=nvfp4 --m=1 --n=4096 --k=14336 --reference=no -o "$dest/jobs/gemv-nvfp4"

# Baselines: BF16 GEMV of the same shape, and a streaming read.
"$nvcc" -cubin -arch=sm_90a -O3 "$here/baseline.cu" -o "$dest/baseline.cubin"
mkdir -p "$dest/jobs/gemv-bf16" "$dest/jobs/read-bw"
cat > "$dest/jobs/gemv-bf16/job.json" <<JSON
{
 "version": 1,
 "comment": "BF16 GEMV 4096 outputs, K = 14336, batch 1 (bench/gpu-cost/baseline.cu); bytes 0x30-0x3f give finite BF16 values",
 "cubin": "../../baseline.cubin",
 "buffers": {
  "x": {"dtype": "u16", "shape": [14336], "fill": {"random_bytes": [48, 63], "seed": 1}},
  "w": {"dtype": "u16", "shape": [14336, 4096], "fill": {"random_bytes": [48, 63], "seed": 2}},
  "out": {"dtype": "f32", "shape": [4096], "fill": "zero"}
 },
 "launches": [
  {"kernel": "bf16_gemv", "grid": [16, 128, 1], "block": [128, 1, 1], "args": [{"buffer": "x"}, {"buffer": "w"}, {"buffer": "out"}, {"i32": 14336}, {"i32": 4096}, {"i32": 112}]}
 ],
 "checks": []
}
JSON
cat > "$dest/jobs/read-bw/job.json" <<JSON
{
 "version": 1,
 "comment": "streaming read of 1 GiB with 16-byte loads (bench/gpu-cost/baseline.cu)",
 "cubin": "../../baseline.cubin",
 "buffers": {
  "in": {"dtype": "u8", "shape": [1073741824], "fill": {"random_bytes": [0, 255], "seed": 3}},
  "out": {"dtype": "u32", "shape": [2112]}
 },
 "launches": [
  {"kernel": "read_bw", "grid": [2112, 1, 1], "block": [512, 1, 1], "args": [{"buffer": "in"}, {"buffer": "out"}, {"i64": 67108864}]}
 ],
 "checks": []
}
JSON
du -sh "$dest"
echo "prepared $dest: carry it and run bench/gpu-cost/device-check.sh $(basename "$dest") on the device"
