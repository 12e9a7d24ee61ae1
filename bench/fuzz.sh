#!/usr/bin/env bash
# fuzz.sh [--bin PATH] [--mutants N] [--batch B] [--seed S] [--start I] [--mem-mb M]
#         [--timeout S] [--doc-timeout S] [--work DIR] [--keep DIR] [SEED_DIR...]
#
# Mutation fuzzing of `aisi run` on the real binary. bench/fuzz_mutate.py writes N mutants
# of the files under SEED_DIRs (default: corpus/ and tests/fixtures/hostile/) with fixed
# seeds (byte mutations, PDF structure mutations, text and HTML mutations; mutant i of
# seed S is always the same file). They are run B at a time, each batch one
# `aisi run --jobs 1` under an address-space cap of M MB and a wall-clock limit of S
# seconds, niced. Reported, per batch in WORK/batches.tsv and summed at the end:
#   crashes        runs that exited non-zero (a panic that escaped, an abort, OOM)
#   hangs          runs killed at the wall-clock limit
#   caught panics  documents recorded as "internal error" (a bug caught per document)
#   lost documents inputs without their line in documents.jsonl
#   peak RSS       largest resident set of any run (GNU time), MB
#   statuses       ok / empty / error counts, and documents that used up --doc-timeout
# A batch that crashes or hangs is rerun file by file to name the culprits; every culprit
# and every caught panic's input is copied to KEEP (default WORK/findings) with its
# message. Exit 1 when anything was found.
#
# Needs: python3, GNU time (/usr/bin/time), a built binary (default target/release/aisi).
set -euo pipefail

BIN=target/release/aisi
MUTANTS=2000
BATCH=100
SEED=1
START=0
MEM_MB=4096
TIMEOUT=600
DOC_TIMEOUT=15
WORK=
KEEP=
DIRS=()
while [ $# -gt 0 ]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;;
    --mutants) MUTANTS=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --start) START=$2; shift 2 ;;
    --mem-mb) MEM_MB=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --doc-timeout) DOC_TIMEOUT=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) DIRS+=("$1"); shift ;;
  esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
[ ${#DIRS[@]} -gt 0 ] || DIRS=("$ROOT/corpus" "$ROOT/tests/fixtures/hostile")
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release)" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[ -n "$WORK" ] || WORK=$(mktemp -d "${TMPDIR:-/tmp}/aisi-fuzz.XXXXXX")
[ -n "$KEEP" ] || KEEP=$WORK/findings
mkdir -p "$WORK" "$KEEP"
RULES=$ROOT/rules

# run_one IN OUT TAG: one `aisi run`; prints "rc peak_kb wall_s".
run_one() {
  local in=$1 out=$2 tag=$3
  rm -rf "$out"
  set +e
  nice -n 10 timeout -k 5 "$TIMEOUT" bash -c "ulimit -v $((MEM_MB * 1024)); exec /usr/bin/time -f '%M %e' -o '$WORK/time.$tag' '$BIN' run --corpus '$in' --out '$out' --rules '$RULES' --jobs 1 --quiet --doc-timeout $DOC_TIMEOUT" \
    >"$WORK/stdout.$tag" 2>"$WORK/stderr.$tag"
  local rc=$?
  set -e
  local t
  t=$(tail -n 1 "$WORK/time.$tag" 2>/dev/null || true)
  case $t in
    [0-9]*\ [0-9]*) ;;
    *) t="0 0" ;;
  esac
  echo "$rc $t"
}

# keep FILE WHY: copies a finding with its reason.
keep() {
  cp "$1" "$KEEP/"
  printf '%s\t%s\n' "$(basename "$1")" "$2" >>"$KEEP/findings.tsv"
}

printf 'batch\tfirst\tmutants\trc\tpeak_mb\twall_s\tok\tempty\terror\ttimeouts\tcaught_panics\tlost\n' >"$WORK/batches.tsv"
crashes=0 hangs=0 caught=0 lost=0 peak=0 done_n=0 ok=0 empty=0 error=0 timeouts=0
started=$(date +%s)
i=$START
end=$((START + MUTANTS))
while [ "$i" -lt "$end" ]; do
  n=$((end - i < BATCH ? end - i : BATCH))
  in=$WORK/in
  rm -rf "$in"
  python3 "$HERE/fuzz_mutate.py" "${DIRS[@]}" --out "$in" --seed "$SEED" --start "$i" --count "$n"
  read -r rc kb wall <<<"$(run_one "$in" "$WORK/out" batch)"
  mb=$((kb / 1024))
  [ "$mb" -gt "$peak" ] && peak=$mb
  counts=$(python3 - "$in" "$WORK/out" <<'EOF'
import json, os, sys
inp, out = sys.argv[1], sys.argv[2]
names = sorted(os.listdir(inp))
p = os.path.join(out, "documents.jsonl")
docs = {}
if os.path.exists(p):
    for line in open(p, encoding="utf-8"):
        d = json.loads(line)
        docs[d["doc"]] = d
st = {"ok": 0, "empty": 0, "error": 0}
timeouts = panics = 0
panic_files = []
for d in docs.values():
    st[d["status"]] = st.get(d["status"], 0) + 1
    e = d.get("error") or ""
    if e.startswith("gave up after"):
        timeouts += 1
    if "internal error" in e:
        panics += 1
        panic_files.append(d["doc"] + "\t" + e.replace("\t", " ").replace("\n", " "))
lost = sum(1 for n in names if n not in docs) if docs else len(names)
print(st["ok"], st["empty"], st["error"], timeouts, panics, lost)
for f in panic_files:
    print(f)
EOF
)
  read -r b_ok b_empty b_error b_to b_caught b_lost <<<"$(head -n 1 <<<"$counts")"
  while IFS=$'\t' read -r f why; do
    [ -n "$f" ] && keep "$in/$f" "caught panic: $why"
  done < <(tail -n +2 <<<"$counts")
  if [ "$rc" -ne 0 ]; then
    # Name the culprits: each file of the batch alone.
    for f in "$in"/*; do
      mkdir -p "$WORK/one" && rm -rf "$WORK/one"/* && cp "$f" "$WORK/one/"
      read -r rc1 kb1 _ <<<"$(run_one "$WORK/one" "$WORK/out1" one)"
      [ "$((kb1 / 1024))" -gt "$peak" ] && peak=$((kb1 / 1024))
      if [ "$rc1" -eq 124 ] || [ "$rc1" -eq 137 ]; then
        hangs=$((hangs + 1)); keep "$f" "hang (killed after $TIMEOUT s)"
      elif [ "$rc1" -ne 0 ]; then
        crashes=$((crashes + 1)); keep "$f" "crash: exit $rc1: $(grep -m1 -E 'panicked|error|memory' "$WORK/stderr.one" | cut -c1-300)"
      fi
    done
    b_lost=$n
  fi
  caught=$((caught + b_caught)); lost=$((lost + b_lost))
  ok=$((ok + b_ok)); empty=$((empty + b_empty)); error=$((error + b_error)); timeouts=$((timeouts + b_to))
  done_n=$((done_n + n))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(( (i - START) / BATCH ))" "$i" "$n" "$rc" "$mb" "$wall" \
    "$b_ok" "$b_empty" "$b_error" "$b_to" "$b_caught" "$b_lost" >>"$WORK/batches.tsv"
  printf 'fuzz: %d/%d mutants, %d crashes, %d hangs, %d caught panics, %d lost, peak %d MB, %d s\n' \
    "$done_n" "$MUTANTS" "$crashes" "$hangs" "$caught" "$lost" "$peak" "$(( $(date +%s) - started ))" >&2
  i=$((i + n))
done
rm -rf "$WORK/in" "$WORK/out" "$WORK/out1" "$WORK/one"

echo "mutants        $done_n (seed $SEED, from $START, batches of $BATCH)"
echo "crashes        $crashes"
echo "hangs          $hangs"
echo "caught panics  $caught"
echo "lost documents $lost"
echo "peak RSS       $peak MB (cap $MEM_MB MB address space)"
echo "statuses       $ok ok, $empty empty, $error error ($timeouts over --doc-timeout $DOC_TIMEOUT s)"
echo "wall           $(( $(date +%s) - started )) s"
echo "work folder    $WORK (batches.tsv; findings in $KEEP)"
[ $((crashes + hangs + caught + lost)) -eq 0 ]
