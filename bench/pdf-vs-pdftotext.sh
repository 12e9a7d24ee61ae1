#!/usr/bin/env bash
# pdf-vs-pdftotext.sh [--jobs N] [--rounds N] [--timeout S] [--keep DIR] [--raw] PDF_DIR
#
# Compares the PDF extractor of `aisi` with poppler's `pdftotext` on every *.pdf in
# PDF_DIR (for example the corpus bench/pdf-corpus.sh builds):
#   speed    pages/s of extraction alone, one process per file, N at a time, page cache
#            warm; pages are pdfinfo's count of the files that succeeded, divided by the
#            wall time of the whole run (time spent on failures included), and pages per
#            CPU second (steadier on a shared machine). Best of ROUNDS, rounds alternating.
#   failures files each tool failed on (error exit, panic, time-out after S seconds).
#   RSS      peak resident memory per file (max and median), from a separate run.
#   fidelity word similarity of our text to pdftotext's (difflib ratio over words,
#            page by page, weighted by words): median and mean as written and folded
#            (NFKC, list bullets dropped), and the worst 10. With --raw, also against
#            `pdftotext -raw` (content-stream order, the order this extractor keeps).
# Needs: a release build (made if missing), poppler-utils (pdftotext, pdfinfo), python3,
# GNU time (/usr/bin/time).
set -euo pipefail

JOBS=2
ROUNDS=2
TIMEOUT=60
KEEP=
RAW=
while [ $# -gt 0 ]; do
  case $1 in
    --jobs) JOBS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    --raw) RAW=1; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 1 ]; then
  echo "usage: $0 [--jobs N] [--rounds N] [--timeout S] [--keep DIR] [--raw] PDF_DIR" >&2
  exit 2
fi
DIR=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AISI=${AISI:-$ROOT/target/release/aisi}
for tool in pdftotext pdfinfo python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install poppler-utils time python3)" >&2; exit 2; }
done
if [ -z "${AISI_NO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi

WORK=${KEEP:-$(mktemp -d)}
mkdir -p "$WORK/ours" "$WORK/poppler" "$WORK/raw"
[ -n "$KEEP" ] || trap 'rm -rf "$WORK"' EXIT
find "$DIR" -maxdepth 1 -name '*.pdf' -type f | sort >"$WORK/files"
NFILES=$(wc -l <"$WORK/files")
echo "files: $NFILES in $DIR; jobs $JOBS, rounds $ROUNDS, timeout ${TIMEOUT}s"

# Page counts (pdfinfo; 0 where it fails).
while read -r f; do
  p=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
  printf '%s\t%s\n' "$(basename "$f")" "${p:-0}"
done <"$WORK/files" >"$WORK/pages.tsv"
cat $(cat "$WORK/files") >/dev/null; cat $(cat "$WORK/files") >/dev/null

# One file through a command (the file is the last argument); prints file<TAB>exit code.
cat >"$WORK/one.sh" <<EOF
#!/bin/sh
for f; do :; done
timeout -s KILL $TIMEOUT "\$@" >/dev/null 2>&1
rc=\$?
printf '%s\t%s\n' "\$(basename "\$f")" "\$rc"
EOF
chmod +x "$WORK/one.sh"

# One timed round: writes NAME.status, NAME.time ("wall user sys" seconds, CPU of all the
# processes of the round).
run_round() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$WORK/$name.time" \
    xargs -d '\n' -P "$JOBS" -n 1 "$WORK/one.sh" "$@" <"$WORK/files" >"$WORK/$name.status"
}
# Rounds alternate between the tools so that a change in machine load hits both; the best
# round of each is kept.
best() {
  local name=$1
  if [ ! -f "$WORK/$name.best" ] ||
     [ "$(echo "$(cut -d' ' -f1 "$WORK/$name.time") < $(cut -d' ' -f1 "$WORK/$name.best")" | bc)" = 1 ]; then
    cp "$WORK/$name.time" "$WORK/$name.best"
  fi
}
rm -f "$WORK"/*.best
for _ in $(seq "$ROUNDS"); do
  run_round ours "$AISI" extract --discard --doc-timeout "$TIMEOUT"; best ours
  run_round poppler sh -c 'pdftotext -q -enc UTF-8 "$0" /dev/null'; best poppler
done

# Text and peak RSS, one file at a time.
while read -r f; do
  b=$(basename "$f")
  /usr/bin/time -f '%M' -o "$WORK/ours/$b.rss" timeout -s KILL "$TIMEOUT" \
    "$AISI" extract --doc-timeout "$TIMEOUT" --out "$WORK/ours" "$f" 2>"$WORK/ours/$b.err" || true
  /usr/bin/time -f '%M' -o "$WORK/poppler/$b.rss" timeout -s KILL "$TIMEOUT" \
    pdftotext -q -enc UTF-8 "$f" "$WORK/poppler/$b.txt" 2>/dev/null || true
  if [ -n "$RAW" ]; then
    timeout -s KILL "$TIMEOUT" pdftotext -q -raw -enc UTF-8 "$f" "$WORK/raw/$b.txt" 2>/dev/null || true
  fi
done <"$WORK/files"

JOBS=$JOBS python3 - "$WORK" <<'PY'
import difflib, multiprocessing, os, statistics, sys, unicodedata
work = sys.argv[1]
pages = dict(l.rstrip('\n').split('\t') for l in open(f"{work}/pages.tsv"))
def status(name):
    return dict(l.rstrip('\n').split('\t') for l in open(f"{work}/{name}.status"))
def rss(name, b):
    try:
        return int(open(f"{work}/{name}/{b}.rss").read().split()[-1])
    except Exception:
        return 0
ours, pop = status("ours"), status("poppler")
print()
print(f"{'':12} {'pages/s':>9} {'wall s':>8} {'CPU s':>7} {'pages/CPU s':>12} {'ok':>5} {'failed':>7} {'max RSS MB':>11} {'median RSS MB':>14}")
rate = {}
for name, st in (("ours", ours), ("poppler", pop)):
    wall, user, sys_ = (float(x) for x in open(f"{work}/{name}.best").read().split())
    cpu = user + sys_
    ok = [b for b, c in st.items() if c == "0"]
    p = sum(int(pages.get(b, 0)) for b in ok)
    rate[name] = p / wall if wall else 0
    r = [rss(name, b) / 1024 for b in st]
    label = "aisi" if name == "ours" else "pdftotext"
    print(f"{label:12} {rate[name]:9.0f} {wall:8.2f} {cpu:7.2f} {p / cpu if cpu else 0:12.0f} {len(ok):5} {len(st) - len(ok):7} {max(r):11.1f} {statistics.median(r):14.1f}")
print(f"\nthroughput ratio aisi / pdftotext: {rate['ours'] / rate['poppler']:.2f}x")
for name, st in (("aisi", ours), ("pdftotext", pop)):
    bad = sorted(b for b, c in st.items() if c != "0")
    for b in bad:
        why = ""
        if name == "aisi":
            try:
                why = open(f"{work}/ours/{b}.err").read().strip().split('\t')[-1][:120]
            except Exception:
                pass
        code = st[b]
        kind = "time-out" if code in ("137", "124") else f"exit {code}"
        print(f"  {name} failed: {b} ({kind}) {why}")
panics = 0
for b in ours:
    try:
        if "internal error" in open(f"{work}/ours/{b}.err").read():
            panics += 1
    except Exception:
        pass
print(f"aisi panics caught: {panics}")

def ratio(a, b):
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()

# Both sides folded the same way (NFKC: ligatures, superscripts; list bullets dropped), so
# that the figure shows lost or garbled text and reading order, not the extractor's
# deliberate spelling of bullets and footnote marks.
BULLETS = {"•", "◦", "▪", "‣", "●", "∙", "-", "–", "·"}
def norm(words):
    return [w for w in (unicodedata.normalize("NFKC", w) for w in words) if w not in BULLETS]

REF = "poppler"
def similarity(b):
    try:
        got = open(f"{work}/ours/{b}.txt", encoding="utf-8", errors="replace").read()
        ref = open(f"{work}/{REF}/{b}.txt", encoding="utf-8", errors="replace").read()
    except FileNotFoundError:
        return None
    gp, rp = got.split('\f'), ref.rstrip('\f').split('\f')
    if len(gp) != len(rp):
        gp, rp = [got], [ref]
    out = []
    for fold in (False, True):
        num = den = 0.0
        for g, r in zip(gp, rp):
            gw, rw = g.split(), r.split()
            if fold:
                gw, rw = norm(gw), norm(rw)
            w = max(len(rw), len(gw))
            num += ratio(gw, rw) * w
            den += w
        out.append(num / den if den else 1.0)
    return (out[0], out[1], b, len(ref.split()))

for REF, label in (("poppler", "pdftotext"), ("raw", "pdftotext -raw")):
    if not any(os.scandir(f"{work}/{REF}")):
        continue
    with multiprocessing.Pool(int(os.environ.get("JOBS", "2"))) as pool:
        sims = [r for r in pool.map(similarity, sorted(ours)) if r]
    if not sims:
        continue
    raw = [s for s, _, _, _ in sims]
    folded = [s for _, s, _, _ in sims]
    print(f"\nword similarity to {label} over {len(sims)} files (difflib ratio, page by page):")
    print(f"  as written: median {statistics.median(raw):.3f}, mean {statistics.mean(raw):.3f}")
    print(f"  folded (NFKC, bullets dropped): median {statistics.median(folded):.3f}, mean {statistics.mean(folded):.3f}")
    print("worst 10 (folded):")
    for r, s, b, n in sorted(sims, key=lambda x: x[1])[:10]:
        print(f"  {s:.3f}  {b}  ({n} words in the reference)")
PY
