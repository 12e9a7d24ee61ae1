#!/usr/bin/env bash
# Time of build + reconcile + emit on the corpus and on the corpus copied N times (default
# 100), to check that the stages after find scale linearly.
#
#   bench/build-scaling.sh [N]
#
# Each corpus is run twice into the same output folder: the first run extracts and fills the
# cache; the second finds every document in the cache, so its time is reading the cache plus
# build + reconcile + emit. Run from the project root; uses the release build.
set -euo pipefail
n=${1:-100}
cargo build --release --quiet
bin=$PWD/target/release/aisi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The copies differ in folder only; every copy is a separate document.
mkdir -p "$work/x1"
cp -r corpus/seeds corpus/renderings "$work/x1/"
mkdir -p "$work/x$n"
for i in $(seq 1 "$n"); do
  mkdir -p "$work/x$n/c$i"
  cp -r corpus/seeds corpus/renderings "$work/x$n/c$i/"
done

# Prints the wall time of one run; the run's own summary line goes to stderr.
timed() {
  local start end
  start=$(date +%s.%N)
  "$bin" run --quiet --corpus "$1" --out "$2" --rules rules >&2
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

for c in x1 "x$n"; do
  docs=$(find "$work/$c" -type f | wc -l)
  cold=$(timed "$work/$c" "$work/out-$c")
  warm=$(timed "$work/$c" "$work/out-$c")
  printf '%-6s %6d documents: first run %8.2f s, cached run %8.2f s (%.2f ms per document)\n' \
    "$c" "$docs" "$cold" "$warm" "$(echo "$warm * 1000 / $docs" | bc -l)"
done
