#!/usr/bin/env bash
# Two builds of the find bench, run in turn on the same machine: medians and the ratio
# pair by pair. Single figures move by ±10% with the load of other jobs; alternating
# runs see the same load, so their ratio is what to quote.
#
#   bench/find-ab.sh BENCH_A BENCH_B [ROUNDS] [SECONDS]
#
# BENCH_A and BENCH_B are bench binaries kept from two builds (`cargo bench --bench find
# --no-run` prints the path, target/release/deps/find-*; copy it before the next build).
# Each round runs A, then B, for SECONDS each (default 3); ROUNDS defaults to 8.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,11p' "$0"; exit 2; }
a=$1; b=$2; rounds=${3:-8}; secs=${4:-3}
figure() { "$1" "$secs" | awk '/^CPU:/ {print $2}'; }
fa=(); fb=()
for _ in $(seq "$rounds"); do
  fa+=("$(figure "$a")")
  fb+=("$(figure "$b")")
done
python3 - "${fa[*]}" "${fb[*]}" <<'PY'
import statistics as st, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
print("A MB/s per core:", " ".join(f"{x:.1f}" for x in a))
print("B MB/s per core:", " ".join(f"{x:.1f}" for x in b))
print(f"median A {st.median(a):.1f}, B {st.median(b):.1f}; "
      f"B/A pair by pair {st.median([y / x for x, y in zip(a, b)]):.3f}")
PY
