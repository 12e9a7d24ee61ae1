#!/usr/bin/env bash
# Time of build + reconcile + emit on the corpus and on the corpus copied N times (default
# 100), to check that the stages after find scale linearly.
#
#   bench/build-scaling.sh [N]
#
# For each corpus: one `aisi run` (extract, find and everything else; its wall time is
# printed), then `examples/build_bench.rs` reads that run's documents, texts and mentions
# back and times build, reconcile and emit in-process, so extraction and the run cache do
# not blur the figures. `bench/build-scaling.sh N --fast` skips extracting the big corpus:
# build_bench repeats the one run's documents N times instead (same documents, same
# stages). Run from the project root; uses release builds.
set -euo pipefail
n=${1:-100}
fast=${2:-}
cargo build --release --quiet --bin aisi --example build_bench
bin=$PWD/target/release/aisi
bench=$PWD/target/release/examples/build_bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The copies differ in folder only; every copy is a separate document.
mkdir -p "$work/x1"
cp -r corpus/seeds corpus/renderings "$work/x1/"
[ "$fast" = --fast ] || mkdir -p "$work/x$n"
if [ "$fast" != --fast ]; then
  for i in $(seq 1 "$n"); do
    mkdir -p "$work/x$n/c$i"
    cp -r corpus/seeds corpus/renderings "$work/x$n/c$i/"
  done
fi

if [ "$fast" = --fast ]; then
  "$bin" run --quiet --corpus "$work/x1" --out "$work/out-x1" --rules rules >/dev/null
  for k in 1 10 "$n"; do
    printf 'x%-5s ' "$k"
    "$bench" "$work/out-x1" rules/facts "$k"
  done
  exit 0
fi

for c in x1 "x$n"; do
  docs=$(find "$work/$c" -type f | wc -l)
  start=$(date +%s.%N)
  "$bin" run --quiet --corpus "$work/$c" --out "$work/out-$c" --rules rules >/dev/null
  end=$(date +%s.%N)
  printf '%-6s %6d documents: aisi run %.2f s wall\n' "$c" "$docs" "$(echo "$end - $start" | bc)"
  printf '%-6s ' "$c"
  "$bench" "$work/out-$c" rules/facts
done
