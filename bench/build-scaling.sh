#!/usr/bin/env bash
# Time of build + reconcile + emit on the corpus and on the corpus copied N times (default
# 100), to check that the stages after find scale linearly.
#
#   bench/build-scaling.sh [N]
#
# Each corpus is run twice into the same output folder: the first run fills the cache, the
# second re-extracts nothing, so its time is mostly build + reconcile + emit (plus reading
# the cache). The `aisi run` summary line of each run is printed with the wall time.
# Run from the project root; uses the release build.
set -euo pipefail
n=${1:-100}
cargo build --release --quiet
bin=$PWD/target/release/aisi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The copies differ in name only; every copy is a separate document.
mkdir -p "$work/x1" "$work/x$n"
cp -r corpus/seeds corpus/renderings "$work/x1/"
for i in $(seq 1 "$n"); do
  mkdir -p "$work/x$n/c$i"
  cp -r corpus/seeds corpus/renderings "$work/x$n/c$i/"
done

run() {
  local corpus=$1 out=$2
  local start end
  start=$(date +%s.%N)
  "$bin" run --corpus "$corpus" --out "$out" --rules rules 2>/dev/null | tail -n 1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

for c in x1 "x$n"; do
  docs=$(find "$work/$c" -type f | wc -l)
  cold=$(run "$work/$c" "$work/out-$c" | tee /dev/stderr | tail -n 1)
  warm=$(run "$work/$c" "$work/out-$c" | tee /dev/stderr | tail -n 1)
  printf '%-6s %6d documents: first run %8.2f s, cached run %8.2f s (%.2f ms per document)\n' \
    "$c" "$docs" "$cold" "$warm" "$(echo "$warm * 1000 / $docs" | bc -l)"
done
