"""Shared by the development scripts in bench/: the output's mentions by document, and the
gold file (tests/gold) each document is scored against — its own, or through
corpus/MANIFEST.tsv the seed it was rendered from."""
import collections, json, os

GOLD_DIR = "tests/gold"


def manifest():
    out = {}
    for line in open("corpus/MANIFEST.tsv", encoding="utf-8").read().splitlines()[1:]:
        f = line.split("\t")
        out[os.path.basename(f[0])] = f[1]
    return out


def mentions_by_doc(out, kinds=None):
    by_doc = collections.defaultdict(list)
    for line in open(os.path.join(out, "mentions.jsonl"), encoding="utf-8"):
        m = json.loads(line)
        if kinds is None or m["kind"] in kinds:
            by_doc[m["doc"]].append(m)
    return by_doc


def seed_of(doc, mapping):
    """Name of the seed whose gold scores `doc`, or None."""
    base = os.path.basename(doc)
    if os.path.exists(os.path.join(GOLD_DIR, base + ".json")):
        return base
    return mapping.get(base)
