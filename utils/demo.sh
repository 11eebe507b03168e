#!/usr/bin/env bash
# The main job, end to end on a fresh machine: installs what MX needs, builds
# it, and shows what MX does to a sample tensor in every format.
# Usage: utils/demo.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
"$root/utils/build.sh" "$build" >/dev/null
quant=$build/bin/mx-quant

# A 4x64 activation-like tensor: smooth values, a few outliers, a tie.
sample=$(awk 'BEGIN { for (i = 0; i < 256; i++) {
  v = sin(i * 0.37) * (1 + (i % 7) * 0.25);
  if (i % 61 == 0) v *= 40;
  printf "%.6g ", v } }')

echo "== MX reference quantizer: a 4x64 f32 tensor in every format =="
printf '%-11s %12s %12s %10s %12s %6s\n' format mse rel_mse sqnr_db max_abs bits
for f in mxfp8_e4m3 mxfp8_e5m2 mxfp6_e2m3 mxfp6_e3m2 mxfp4 mxint8 nvfp4; do
  IFS=$'\t' read -r mse rel sqnr maxabs bits < <(
    echo "$sample" | "$quant" --format=$f --shape=4x64 --emit=stats)
  printf '%-11s %12s %12s %10.2f %12s %6s\n' "$f" "$mse" "$rel" "$sqnr" "$maxabs" "$bits"
done
echo
echo "== mxfp4, scale mode floor vs rceil (first block: scale, codes, values) =="
for m in floor rceil; do
  echo "-- $m"
  echo "$sample" | "$quant" --format=mxfp4 --shape=4x64 --scale-mode=$m | head -1
done
echo
echo "== nvfp4 with 16x16 tiles, packed with the Blackwell 128x4 scale layout =="
echo "$sample" | "$quant" --format=nvfp4 --shape=16x16 --tile=16x16 --emit=packed --scale-layout=128x4 |
  cut -c1-100
