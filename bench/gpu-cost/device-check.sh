#!/usr/bin/env bash
# Runs on the machine with a Hopper GPU (H100/H200), from the repository
# root, after bench/gpu-cost/prepare-device.sh made DEST here and DEST was
# carried along (docs/Benchmarks.md, "On an H200"):
#
#   bench/gpu-cost/device-check.sh .device-mx
#
# 1. the Hopper paths end to end: every e2e job must PASS (bit-exact
#    dequantize, matmul within mxref::matmulErrorBound), then each again
#    under compute-sanitizer's memcheck, which must report no error;
# 2. the GEMV benchmark, 4096 outputs over K = 14336, batch 1: MXFP4 and
#    NVFP4 (the compiled gemv kernel) against a BF16 GEMV of the same shape
#    and a streaming read (the achievable bandwidth), all in this run.
#    Each is timed with events per run, median of REPEAT runs, after a
#    warm-up, cycling through enough copies of its inputs (ROTATE) that the
#    working set is well over the 50 MB L2; inputs are random, not zeros.
# Logs go to $OUT (the device tool's folder) when it is set. About two minutes.
set -uo pipefail
dest=${1:-.device-mx}
log=${OUT:-/tmp}/device-check.log
run=$dest/mx-cuda-run
repeat=${REPEAT:-200}
: > "$log"
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,clocks.mem,power.draw,temperature.gpu --format=csv 2>&1 | tee -a "$log"
"$run" --probe 2>&1 | tee -a "$log" || { echo "device-check: no device" | tee -a "$log"; exit 1; }

fails=0
echo "== Hopper paths end to end" | tee -a "$log"
for j in "$dest"/jobs/e2e-*/job.json; do
  name=$(basename "$(dirname "$j")")
  if out=$("$run" "$j" 2>&1); then verdict=PASS; else verdict=FAIL; fails=$((fails + 1)); fi
  printf '%s\n%s\n' "-- $name" "$out" >> "$log"
  printf '%-28s %s  %s\n' "$name" "$verdict" "$(echo "$out" | grep -E '^(PASS|FAIL) ' | head -1)" | tee -a "$log"
done

# The same jobs under compute-sanitizer's memcheck (out-of-bounds and
# misaligned accesses in the generated kernels); skipped when absent.
cs=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
if [ -x "$cs" ]; then
  echo "== compute-sanitizer memcheck" | tee -a "$log"
  for j in "$dest"/jobs/e2e-*/job.json; do
    name=$(basename "$(dirname "$j")")
    if out=$("$cs" --tool memcheck --error-exitcode 9 "$run" "$j" 2>&1); then verdict=CLEAN; else verdict=ERRORS; fails=$((fails + 1)); fi
    printf '%s\n%s\n' "-- memcheck $name" "$out" >> "$log"
    printf '%-28s %s  %s\n' "$name" "$verdict" "$(echo "$out" | grep -E 'ERROR SUMMARY' | head -1)" | tee -a "$log"
  done
else
  echo "== compute-sanitizer: not found, memcheck skipped" | tee -a "$log"
fi

echo "== GEMV 4096 x 14336, batch 1 (median of $repeat runs)" | tee -a "$log"
declare -A us gbs
# Variants of a kernel (jobs/gemv-mxfp4-<tag>) are timed beside it.
variants=$(cd "$dest/jobs" && ls -d gemv-mxfp4* gemv-nvfp4* 2>/dev/null)
for b in read-bw:2 gemv-bf16:4 $(for v in $variants; do echo "$v:16"; done); do
  name=${b%%:*} rot=${b##*:}
  out=$("$run" --repeat="$repeat" --rotate="$rot" "$dest/jobs/$name/job.json" 2>&1)
  rc=$?
  printf '%s\n%s\n' "-- $name" "$out" >> "$log"
  line=$(echo "$out" | grep '^time:')
  if [ $rc -ne 0 ] || [ -z "$line" ]; then
    echo "$name: failed: $(echo "$out" | tail -1)"; fails=$((fails + 1)); continue
  fi
  us[$name]=$(echo "$line" | sed -E 's/time: median ([0-9.]+) us.*/\1/')
  gbs[$name]=$(echo "$line" | sed -E 's/.* = ([0-9.]+) GB\/s.*/\1/')
done
bw=${gbs[read-bw]:-0}
printf '%-12s %12s %10s %14s %12s\n' kernel "median us" "GB/s" "% of read BW" "vs BF16" | tee -a "$log"
for name in read-bw gemv-bf16 $variants; do
  [ -n "${us[$name]:-}" ] || continue
  pct=$(awk -v g="${gbs[$name]}" -v b="$bw" 'BEGIN { if (b > 0) printf "%.1f", 100 * g / b; else print "-" }')
  sp=$(awk -v t="${us[$name]}" -v r="${us[gemv-bf16]:-0}" 'BEGIN { if (r > 0 && t > 0) printf "%.2fx", r / t; else print "-" }')
  printf '%-12s %12s %10s %14s %12s\n' "$name" "${us[$name]}" "${gbs[$name]}" "$pct" "$sp" | tee -a "$log"
done
echo "log: $log; failures: $fails"
exit $((fails > 0))
