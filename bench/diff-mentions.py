#!/usr/bin/env python3
"""Development aid: per document, the date/money/quantity values the output misses or adds
compared with the hand annotations in tests/gold (renderings mapped to their seed through
corpus/MANIFEST.tsv). Usage: bench/diff-mentions.py OUT [KIND...]"""
import collections, json, os, sys

from goldmap import GOLD_DIR as gold_dir, manifest as load_manifest, mentions_by_doc, seed_of

out = sys.argv[1]
kinds = sys.argv[2:] or ["date", "money"]
manifest = load_manifest()
ms = mentions_by_doc(out)
docs = [json.loads(l)["doc"] for l in open(os.path.join(out, "documents.jsonl"), encoding="utf-8")]

def key(kind, v):
    if kind == "date":
        return str(v)
    v = {k: x for k, x in v.items() if k in ("amount", "min", "max", "currency", "per", "value", "unit")}
    return json.dumps(v, sort_keys=True)

gold_field = {"date": "dates", "money": "money", "quantity": "quantities"}
for doc in docs:
    seed = seed_of(doc, manifest)
    if not seed:
        continue
    g = json.load(open(os.path.join(gold_dir, seed + ".json"), encoding="utf-8"))
    for kind in kinds:
        gv = collections.Counter()
        gtext = {}
        for x in g.get(gold_field[kind], []):
            v = x["value"] if kind == "date" else {k: x.get(k) for k in x if k not in ("start", "end", "text")}
            gv[key(kind, v)] += 1
            gtext.setdefault(key(kind, v), x["text"])
        sv = collections.Counter()
        stext = {}
        for m in ms.get(doc, []):
            if m["kind"] == kind:
                sv[key(kind, m["value"])] += 1
                stext.setdefault(key(kind, m["value"]), (m["text"], m["rule"], m["start"]))
        miss, extra = gv - sv, sv - gv
        if miss or extra:
            print(f"== {doc} [{kind}]")
            for k, n in miss.items():
                print(f"   MISS x{n} {k}  ({gtext[k]!r})")
            for k, n in extra.items():
                print(f"   EXTRA x{n} {k}  {stext[k]!r}")
