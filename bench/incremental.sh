#!/usr/bin/env bash
# Incremental runs against cold runs, side by side, on the bundled corpus copied many
# times into a temporary folder (default 100×; every copy made distinct by one appended
# line, or bytes after a PDF's end, so that the cache cannot share work between copies,
# as in a real corpus of different reports).
#
#   bench/incremental.sh [COPIES] [REPEATS]
#
# Measures, as the median of REPEATS runs (default 3) of the release binary:
#   cold     `aisi run` into an empty output folder
#   re-run   `aisi run` again, nothing changed
#   ingest   `aisi ingest` of one new report into the cold run's folder (after an
#            earlier, untimed ingest, as in daily use)
# and checks that the re-run's and the ingest's datasets are byte-identical to a cold run's
# (`diff -r`, leaving out the hidden cache/set folders and changes.json): the re-run's
# against the cold run's folder before the re-run, the ingest's against a cold run on the
# corpus with the new report (one more, untimed, cold run).
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES=${1:-100}
REPEATS=${2:-3}

cargo build --release --quiet
AISI=${CARGO_TARGET_DIR:-$PWD/target}/release/aisi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/aisi-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

RULES=$PWD/rules
if [ ! -d "$RULES" ]; then
    RULES=$TMP/rules
    mkdir -p "$RULES/patterns" "$RULES/entities" "$RULES/facts"
fi

echo "building a corpus of $COPIES copies in $TMP ..." >&2
mkdir -p "$TMP/corpus"
for i in $(seq -w 1 "$COPIES"); do
    d=$TMP/corpus/copy$i
    mkdir -p "$d"
    cp -r corpus/seeds corpus/renderings "$d"/
    find "$d" -type f ! -name '*.meta.json' -print0 |
        while IFS= read -r -d '' f; do printf '\ncopy %s\n' "$i" >>"$f"; done
done
DOCS=$(find "$TMP/corpus" -type f \( -name '*.pdf' -o -name '*.htm*' -o -name '*.txt' -o -name '*.md' \) | wc -l)
BYTES=$(du -sh "$TMP/corpus" | cut -f1)

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
same() { # same dataset in two output folders
    diff -r -x '.*' -x changes.json "$1" "$2" >/dev/null ||
        { echo "DIFFERENT: $1 vs $2" >&2; diff -r -x '.*' -x changes.json "$1" "$2" | head >&2; exit 1; }
}
run() {
    "$AISI" run --quiet --corpus "$TMP/corpus" --rules "$RULES" --out "$1" 2>>"$TMP/log" ||
        { echo "aisi run failed:" >&2; tail -5 "$TMP/log" >&2; exit 1; }
}

cold=(); rerun=(); ingest=()
for r in $(seq 1 "$REPEATS"); do
    rm -rf "$TMP/cold$r"
    t0=$(now); run "$TMP/cold$r"; t1=$(now)
    cold+=("$(echo "$t1 - $t0" | bc)")
    [ "$r" -gt 1 ] && same "$TMP/cold1" "$TMP/cold$r"
done
cp -a "$TMP/cold1" "$TMP/before-rerun"
for r in $(seq 1 "$REPEATS"); do
    t0=$(now); run "$TMP/cold1"; t1=$(now)
    rerun+=("$(echo "$t1 - $t0" | bc)")
done
same "$TMP/before-rerun" "$TMP/cold1"
rm -rf "$TMP/before-rerun"

# One new report per repetition, into a copy of the cold run's folder (copying is not
# timed). An earlier report is ingested first, untimed, so that the timed ingest meets
# the folder as after any earlier ingest: with a previous set to remove on the way.
NEW=$TMP/new
mkdir -p "$NEW"
for r in $(seq 1 "$REPEATS"); do
    rm -rf "$TMP/ing" "$TMP/corpus/ingested"
    cp -a "$TMP/cold1" "$TMP/ing"
    e=$NEW/earlier-report-$r.txt
    { cat corpus/seeds/001_bb9fb22b346ec275.txt; printf '\nearlier report %s\n' "$r"; } >"$e"
    "$AISI" ingest "$e" --quiet --corpus "$TMP/corpus" --rules "$RULES" --out "$TMP/ing" >/dev/null 2>>"$TMP/log"
    sync # the setup's writes are not the timed ingest's to flush
    f=$NEW/new-report-$r.txt
    { cat corpus/seeds/003_6114a4dacce96781.txt; printf '\nnew report %s\n' "$r"; } >"$f"
    t0=$(now)
    "$AISI" ingest "$f" --quiet --corpus "$TMP/corpus" --rules "$RULES" --out "$TMP/ing" >/dev/null 2>>"$TMP/log"
    t1=$(now)
    ingest+=("$(echo "$t1 - $t0" | bc)")
done
rm -rf "$TMP/check"
run "$TMP/check"
same "$TMP/check" "$TMP/ing"
rm -rf "$TMP/corpus/ingested"

c=$(printf '%s\n' "${cold[@]}" | median)
n=$(printf '%s\n' "${rerun[@]}" | median)
i=$(printf '%s\n' "${ingest[@]}" | median)
echo
echo "corpus: $DOCS documents ($COPIES copies, $BYTES); median of $REPEATS; $(nproc) cores"
printf '%-28s %9s %9s\n' "" "seconds" "vs cold"
printf '%-28s %9.3f %9s\n' "cold run" "$c" "1×"
printf '%-28s %9.3f %8.0f×\n' "re-run, nothing changed" "$n" "$(echo "$c / $n" | bc -l)"
printf '%-28s %9.3f %8.0f×\n' "ingest one new report" "$i" "$(echo "$c / $i" | bc -l)"
echo "outputs: re-run and ingest byte-identical to a cold run (diff -r): yes"
