#!/bin/sh
# Times mx-select-formats on a module with 10,000 quantizable contractions,
# on 1 thread and on every core (docs/Benchmarks.md, "Format selection").
#   bench/select-formats/run.sh [BUILD_DIR] [WORK_DIR]
set -e
here=$(dirname "$0")
build=${1:-build}
work=${2:-/tmp/mx-select-bench}
mkdir -p "$work"
[ -f "$work/10k.mlir" ] || python3 "$here/gen.py" --ops=10000 -o "$work/10k.mlir"
head -1 "$work/10k.mlir"
for threads in 1 2; do
  if [ "$threads" = 1 ]; then flag=--mlir-disable-threading
  else flag=; fi  # the default pool: one thread per core
  echo "== $threads thread(s)"
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KiB" \
    "$build/bin/mx-opt" "$work/10k.mlir" $flag --mlir-timing \
    --mx-select-formats="avg-bits=4.5 report=$work/report-$threads.json" \
    -o /dev/null 2>&1 | grep -E "SelectFormatsPass|Parser|Total|wall" \
    | grep -v remark
done
cmp "$work/report-1.json" "$work/report-2.json" && echo "reports identical"
