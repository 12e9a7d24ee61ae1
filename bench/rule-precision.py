#!/usr/bin/env python3
"""Development aid: per pattern rule, how often it fired on the corpus and how many of its
mentions the hand annotations in tests/gold confirm (same span, else same text and value,
else same value in the same document; each gold item confirms one mention).
Renderings are mapped to their seed through corpus/MANIFEST.tsv.
Usage: bench/rule-precision.py OUT   (OUT: an `aisi run` output folder)"""
import collections, json, os, sys

from goldmap import manifest as load_manifest, mentions_by_doc, seed_of

out = sys.argv[1] if len(sys.argv) > 1 else "output"
manifest = load_manifest()
by_doc = mentions_by_doc(out, ("date", "money", "quantity"))

def vkey(kind, v):
    if kind == "date":
        return str(v)
    keep = ("amount", "min", "max", "currency", "per", "value", "unit")
    return json.dumps({k: x for k, x in v.items() if k in keep}, sort_keys=True)

field = {"date": "dates", "money": "money", "quantity": "quantities"}
fired = collections.Counter()
good = collections.Counter()
kinds = {}
for doc, ms in sorted(by_doc.items()):
    base = os.path.basename(doc)
    seed = seed_of(doc, manifest)
    if not seed:
        continue
    g = json.load(open(f"tests/gold/{seed}.json", encoding="utf-8"))
    is_seed = seed == base
    gold = []
    for kind, name in field.items():
        for x in g.get(name, []):
            v = x["value"] if kind == "date" else {k: x.get(k) for k in x if k not in ("start", "end", "text")}
            gold.append({"kind": kind, "v": vkey(kind, v), "text": x["text"], "span": (x["start"], x["end"]), "used": False})
    ms = sorted(ms, key=lambda m: m["start"])
    matched = set()
    for test in ("span", "text", "value"):
        for i, m in enumerate(ms):
            if i in matched:
                continue
            v = vkey(m["kind"], m["value"])
            for x in gold:
                if x["used"] or x["kind"] != m["kind"] or x["v"] != v:
                    continue
                if test == "span" and not (is_seed and x["span"] == (m["start"], m["end"])):
                    continue
                if test == "text" and " ".join(x["text"].split()) != " ".join(m["text"].split()):
                    continue
                x["used"] = True
                matched.add(i)
                break
    for i, m in enumerate(ms):
        fired[m["rule"]] += 1
        kinds[m["rule"]] = m["kind"]
        good[m["rule"]] += i in matched

print(f"{'rule':34} {'kind':9} {'fired':>6} {'correct':>8} {'precision':>9}")
for rule, n in fired.most_common():
    print(f"{rule:34} {kinds[rule]:9} {n:6} {good[rule]:8} {good[rule] / n:9.3f}")
