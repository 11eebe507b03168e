#!/bin/sh
# Compile-time scaling (docs/Benchmarks.md, "Compile-time scaling"): for
# modules of N quantizable contractions (default 1000, 10000, 100000), in
# two shapes (`one`: one function of N ops; `many`: N/10 functions of 10
# ops each, called from @main), the wall time, CPU time (user + sys) and
# peak RSS of each stage, each run as its own mx-opt on the previous
# stage's output: parse (parse, verify, print), selection
# (mx-select-formats), rewriting (mx-apply-policy), the CPU lowering
# (mx-cpu-pipeline) and the NVVM one (mx-nvvm-pipeline, PTX, sm_100a).
# Each stage's MLIR pass timing (--mlir-timing) and remarks are in
# WORK_DIR/SHAPE-N-STAGE.log; the table names the stage's costliest entry
# of that timing. The table is also written to WORK_DIR/results.md.
# Wall times mean something only on an idle machine; CPU time is the
# figure that carries over from a loaded one.
#   bench/compile-scaling/run.sh [BUILD_DIR] [WORK_DIR] [N ...]
#   SHAPES="one many" (default) selects the shapes, STAGES="parse select
#   apply cpu nvvm" (default) the stages (select and apply make the input
#   of the later ones). LIMIT_AS=BYTES caps each mx-opt's address space
#   (prlimit --as) so that a stage that needs too much memory fails instead
#   of taking the machine down.
set -e
here=$(dirname "$0")
build=${1:-build}
work=${2:-/tmp/mx-compile-scaling}
[ $# -gt 2 ] && shift 2 || set -- 1000 10000 100000
shapes=${SHAPES:-one many}
stages=${STAGES:-parse select apply cpu nvvm}
cap=
[ -n "$LIMIT_AS" ] && cap="prlimit --as=$LIMIT_AS"
mkdir -p "$work"
opt="$build/bin/mx-opt"
[ -x "$opt" ] || { echo "no $opt (build mx-opt first)" >&2; exit 1; }
results="$work/results.md"
stage() { # NAME IN OUT ARGS...: one mx-opt run, its times and peak RSS
  name=$1 in=$2 out=$3
  shift 3
  case " $stages " in *" $name "*) ;; *) return 0 ;; esac
  log="$work/$shape-$n-$name.log"
  if ! /usr/bin/time -f "%e %U %S %M" -o "$work/time" $cap "$opt" "$in" "$@" \
      --mlir-timing --mlir-timing-display=list -o "$out" 2> "$log"; then
    tail -5 "$log" >&2
    exit 1
  fi
  read -r wall user sys kib < "$work/time"
  # The costliest pass of the timing (its wall time, the last column when
  # threads add a user-time one): not the totals (root, Total), the
  # remainder (Rest) nor a nested pipeline's sum.
  top=$(awk '/^ *[0-9.]+ +\( *[0-9.]+%\)/ && !/  (root|Total|Rest)$/ &&
           !/Pipeline/ {
           t = $1; sub(/^ *[0-9.]+ +\( *[0-9.]+%\) +/, "");
           if ($0 ~ /^[0-9.]+ +\( *[0-9.]+%\)/) {
             t = $1; sub(/^[0-9.]+ +\( *[0-9.]+%\) +/, "");
           }
           if (t + 0 > best) { best = t + 0; name = $0 } }
         END { printf "%s %.2f s", name, best }' "$log")
  printf '| %s | %s | %s | %s | %.2f | %s | %d | %s |\n' "$n" "$shape" \
    "$funcs" "$name" "$(echo "$user $sys" | awk '{print $1 + $2}')" "$wall" \
    "$((kib / 1024))" "$top" | tee -a "$results"
}
printf '| ops | shape | funcs | stage | CPU s | wall s | peak RSS MiB | costliest pass (wall) |\n|---|---|---|---|---|---|---|---|\n' \
  | tee "$results"
for n in "$@"; do
  for shape in $shapes; do
    case $shape in
    one) funcs=1 ;;
    many) funcs=$(( n / 10 > 0 ? n / 10 : 1 )) ;;
    *) echo "unknown shape '$shape' (one, many)" >&2; exit 1 ;;
    esac
    m="$work/$shape-$n"
    [ -f "$m.mlir" ] || /usr/bin/python3 "$here/gen.py" --ops="$n" \
      --funcs="$funcs" -o "$m.mlir"
    stage parse "$m.mlir" "$m.parsed.mlir"
    stage select "$m.mlir" "$m.selected.mlir" \
      --mx-select-formats="avg-bits=4.5"
    # Activations in MXFP8 too, so that the NVVM lowering has GPU kernels
    # to emit (a matmul with an f32 operand stays on the host).
    stage apply "$m.selected.mlir" "$m.applied.mlir" \
      --mx-apply-policy="activations=mxfp8_e4m3"
    stage cpu "$m.applied.mlir" /dev/null --mx-cpu-pipeline
    stage nvvm "$m.applied.mlir" /dev/null \
      --mx-nvvm-pipeline="chip=sm_100a format=ptx"
  done
done
