#!/bin/sh
# Compile-time scaling (docs/Benchmarks.md, "Compile-time scaling"): for
# modules of N quantizable contractions (default 1000, 10000, 100000), the
# wall time and peak RSS of each stage, each run as its own mx-opt on the
# previous stage's output: parse (parse, verify, print), selection
# (mx-select-formats), rewriting (mx-apply-policy), the CPU lowering
# (mx-cpu-pipeline) and the NVVM one (mx-nvvm-pipeline, PTX, sm_100a).
# Each stage's diagnostics (remarks) are in WORK_DIR/STAGE-N.log.
# Run it on an idle machine only: these are timings.
#   bench/compile-scaling/run.sh [BUILD_DIR] [WORK_DIR] [N ...]
set -e
here=$(dirname "$0")
build=${1:-build}
work=${2:-/tmp/mx-compile-scaling}
[ $# -gt 2 ] && shift 2 || set -- 1000 10000 100000
mkdir -p "$work"
opt="$build/bin/mx-opt"
stage() { # NAME N IN OUT ARGS...: one mx-opt run, its time and peak RSS
  name=$1 n=$2 in=$3 out=$4
  shift 4
  # Remarks (one per op from the lowerings) go to a log, not the table.
  if ! /usr/bin/time -f "%e %M" -o "$work/time" "$opt" "$in" "$@" -o "$out" \
      2> "$work/$name-$n.log"; then
    tail -5 "$work/$name-$n.log" >&2
    exit 1
  fi
  read -r secs kib < "$work/time"
  printf '%-8s %-10s %10s s %10s MiB\n' "$n" "$name" "$secs" "$((kib / 1024))"
}
printf '%-8s %-10s %12s %14s\n' ops stage wall "peak RSS"
for n in "$@"; do
  m="$work/$n"
  [ -f "$m.mlir" ] || python3 "$here/gen.py" --ops="$n" -o "$m.mlir"
  stage parse "$n" "$m.mlir" "$m.parsed.mlir"
  stage select "$n" "$m.mlir" "$m.selected.mlir" \
    --mx-select-formats="avg-bits=4.5"
  # Activations in MXFP8 too, so that the NVVM lowering has GPU kernels to
  # emit (a matmul with an f32 operand stays on the host).
  stage apply "$n" "$m.selected.mlir" "$m.applied.mlir" \
    --mx-apply-policy="activations=mxfp8_e4m3"
  stage cpu "$n" "$m.applied.mlir" /dev/null --mx-cpu-pipeline
  stage nvvm "$n" "$m.applied.mlir" /dev/null \
    --mx-nvvm-pipeline="chip=sm_100a format=ptx"
done
