#!/usr/bin/env bash
# The main job, end to end on a fresh machine: installs what MX needs, builds
# it, shows what MX does to a tensor in every format, then compiles and runs a
# mixed-precision MLP (examples/mlp.mlir) and measures it against f32, then
# picks weight formats for a real exported transformer under a 4.5-bit budget
# and measures it end to end against uniform MXFP4, NVFP4 and MXFP8.
# Usage: utils/demo.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
"$root/utils/build.sh" "$build" >/dev/null

# A 4x64 activation-like tensor: smooth values, a few outliers, a tie.
sample=$(awk 'BEGIN { for (i = 0; i < 256; i++) {
  v = sin(i * 0.37) * (1 + (i % 7) * 0.25);
  if (i % 61 == 0) v *= 40;
  printf "%.6g ", v } }')

echo "== 1. mx-quant: a 4x64 f32 tensor in every format (reference numerics) =="
printf '%-11s %12s %12s %10s %12s %6s\n' format mse rel_mse sqnr_db max_abs bits
for f in mxfp8_e4m3 mxfp8_e5m2 mxfp6_e2m3 mxfp6_e3m2 mxfp4 mxint8 nvfp4; do
  IFS=$'\t' read -r mse rel sqnr maxabs bits < <(
    echo "$sample" | "$build/bin/mx-quant" --format=$f --shape=4x64 --emit=stats)
  printf '%-11s %12s %12s %10.2f %12s %6s\n' "$f" "$mse" "$rel" "$sqnr" "$maxabs" "$bits"
done
echo
echo "== 2. mx-run: a 2-layer MLP under a mixed policy, compiled for the CPU and run =="
echo "\$ mx-run examples/mlp.mlir --report --compare-f32"
cd "$root"
"$build/bin/mx-run" examples/mlp.mlir --report --compare-f32
echo
echo "== 3. A real transformer (torch-mlir export): formats chosen under a 4.5-bit budget =="
echo "\$ examples/models/compare-formats.py build examples/models/license-lm 4.5"
echo "(mx-run --calibrate on 4 samples; mx-select-formats objective=rel-mse and"
echo " objective=sensitivity, then mx-apply-policy; each variant run by mx-run on"
echo " 4 held-out inputs and compared with torch's f32 logits)"
/usr/bin/python3 "$root/examples/models/compare-formats.py" "$build" \
  "$root/examples/models/license-lm" 4.5
