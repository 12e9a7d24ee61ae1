#!/usr/bin/env python3
"""fuzz_mutate.py SEED_DIR... --out DIR --seed N --count K [--start I]

Writes K mutants of the files under the SEED_DIRs (.pdf, .html/.htm, .txt/.md) into DIR,
named <index>-<mutation>-<seed file>.<ext>. Mutant i is a pure function of (--seed, i):
the same arguments always write the same files, so any finding reproduces from its name.

Mutations: byte level (bit flips, random bytes, deleted, duplicated or inserted runs,
truncation) for every format; PDF structure (a stream's /Length, filter names, object
numbers, xref offsets, /Count and /Kids, dropped endstream/endobj, repeated content
operators, deeper Form XObject nesting, huge numbers); text and HTML structure (Unicode
spaces and marks before numbers, deep nesting, very long lines, NUL bytes, odd encodings).
"""

import argparse
import os
import random
import re
import sys

EXTS = (".pdf", ".html", ".htm", ".txt", ".md")
SPACES = ["\u00a0", "\u2002", "\u2003", "\u2009", "\u200a", "\u202f", "\u205f",
          "\u3000", "\u2028", "\u0085", "\u1680", "\u200b", "\u0301", "\ufeff"]


def seeds(dirs):
    out = []
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.lower().endswith(EXTS) and not f.startswith("."):
                    out.append(os.path.join(root, f))
    return sorted(out)


# ---- byte mutations (any format) ----

def flip_bits(r, b):
    b = bytearray(b)
    for _ in range(r.randint(1, 16)):
        if b:
            i = r.randrange(len(b))
            b[i] ^= 1 << r.randrange(8)
    return bytes(b)


def random_bytes(r, b):
    b = bytearray(b)
    for _ in range(r.randint(1, 32)):
        if b:
            b[r.randrange(len(b))] = r.randrange(256)
    return bytes(b)


def delete_run(r, b):
    if len(b) < 2:
        return b
    i = r.randrange(len(b))
    n = r.randint(1, max(1, min(4096, len(b) // 4)))
    return b[:i] + b[i + n:]


def duplicate_run(r, b):
    if not b:
        return b
    i = r.randrange(len(b))
    n = r.randint(1, min(4096, len(b) - i))
    times = r.choice([1, 2, 10, 100])
    return b[:i] + b[i:i + n] * (times + 1) + b[i + n:]


def insert_junk(r, b):
    i = r.randrange(len(b) + 1)
    junk = bytes(r.randrange(256) for _ in range(r.randint(1, 256)))
    return b[:i] + junk + b[i:]


def truncate(r, b):
    return b[:r.randrange(len(b) + 1)]


BYTE = [flip_bits, random_bytes, delete_run, duplicate_run, insert_junk, truncate]


# ---- PDF structure mutations ----

def sub_one(r, pattern, b, repl):
    ms = list(re.finditer(pattern, b))
    if not ms:
        return None
    m = r.choice(ms)
    new = repl(m)
    return b[:m.start()] + new + b[m.end():]


def pdf_length(r, b):
    def repl(m):
        n = int(m.group(1))
        v = r.choice([0, 1, n * 2, n // 2, n + 1, max(0, n - 1), 10 ** 9, 99999999999])
        return b"/Length " + str(v).encode()
    return sub_one(r, rb"/Length (\d+)", b, repl)


def pdf_filter(r, b):
    names = [b"/FlateDecode", b"/FlateDecod\xfe", b"/LZWDecode", b"/ASCII85Decode",
             b"/ASCIIHexDecode", b"/RunLengthDecode", b"/DCTDecode", b"/JBIG2Decode",
             b"[/FlateDecode /FlateDecode]", b"/Crypt", b"/Nonsense"]
    return sub_one(r, rb"/(Flate|ASCII85|ASCIIHex|LZW|DCT)Decode", b, lambda m: r.choice(names))


def pdf_object_number(r, b):
    return sub_one(r, rb"(\d+) (\d+) obj", b,
                   lambda m: b"%d %d obj" % (r.choice([0, 1, int(m.group(1)) + 1, 2 ** 31]),
                                             r.choice([0, 1, 65535])))


def pdf_reference(r, b):
    return sub_one(r, rb"(\d+) 0 R", b,
                   lambda m: b"%d 0 R" % r.choice([0, 1, 2, 3, int(m.group(1)) + 1, 999999]))


def pdf_xref_offset(r, b):
    return sub_one(r, rb"startxref\s+(\d+)", b,
                   lambda m: b"startxref\n%d" % r.choice([0, 1, int(m.group(1)) + r.randint(-50, 50), 10 ** 12]))


def pdf_count(r, b):
    return sub_one(r, rb"/Count (\d+)", b,
                   lambda m: b"/Count %d" % r.choice([0, -1, 10 ** 9, int(m.group(1)) * 100]))


def pdf_kids(r, b):
    # A page tree node listing itself or its parent among its kids.
    return sub_one(r, rb"/Kids \[", b, lambda m: b"/Kids [1 0 R 2 0 R 3 0 R 2 0 R ")


def pdf_drop_keyword(r, b):
    kw = r.choice([rb"endstream", rb"endobj", rb"stream", rb"trailer", rb"xref", rb"%%EOF"])
    return sub_one(r, kw, b, lambda m: b"")


def pdf_repeat_operator(r, b):
    # Inside an uncompressed content stream, if any: repeat a text operator many times.
    return sub_one(r, rb"\([^()\\]{1,40}\) ?Tj", b, lambda m: (m.group(0) + b" ") * r.choice([10, 1000, 20000]))


def pdf_huge_number(r, b):
    return sub_one(r, rb"(?<=[\s\[])(\d{1,4}(\.\d+)?)(?=[\s\]])", b,
                   lambda m: r.choice([b"1e308", b"99999999999999999999", b"-0", b"NaN", b"3.4e38", b".", b"-"]))


def pdf_nested_forms(r, b):
    # Appends a nest of Form XObjects that draw each other, reachable by no page (the
    # parser still reads them) or, via a repeated reference, by an existing resource.
    depth = r.randint(3, 14)
    fan = r.randint(2, 12)
    base = 900000
    objs = []
    for k in range(depth):
        body = (b"q /X Do Q " * fan) if k < depth - 1 else b"BT /F1 12 Tf (AISI 2024) Tj ET"
        res = b"<< /XObject << /X %d 0 R >> >>" % (base + k + 1) if k < depth - 1 else b"<< >>"
        objs.append(b"%d 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources %s /Length %d >>\nstream\n%s\nendstream\nendobj\n"
                    % (base + k, res, len(body), body))
    b = sub_one(r, rb"/Resources\s*<<", b, lambda m: m.group(0) + b" /XObject << /X %d 0 R >> " % base) or b
    b = sub_one(r, rb"(?<=\n)BT\b", b, lambda m: b"/X Do BT") or b
    i = b.rfind(b"xref")
    i = i if i > 0 else len(b)
    return b[:i] + b"".join(objs) + b[i:]


PDF = [pdf_length, pdf_filter, pdf_object_number, pdf_reference, pdf_xref_offset, pdf_count,
       pdf_kids, pdf_drop_keyword, pdf_repeat_operator, pdf_huge_number, pdf_nested_forms]


# ---- text and HTML mutations ----

def text_spaces(r, b):
    s = b.decode("utf-8", "replace")
    out = []
    for c in s:
        if c == " " and r.random() < 0.3:
            c = r.choice(SPACES)
        out.append(c)
        if c.isdigit() and r.random() < 0.05:
            out.append(r.choice(SPACES))
    return "".join(out).encode("utf-8")


def text_long_line(r, b):
    s = b.replace(b"\n", b" ").replace(b"\r", b" ")
    return s * r.choice([1, 5, 20])


def text_random_unicode(r, b):
    s = b.decode("utf-8", "replace")
    for _ in range(r.randint(1, 64)):
        i = r.randrange(len(s) + 1)
        while True:
            c = r.randrange(0x110000)
            if not 0xD800 <= c <= 0xDFFF:
                break
        s = s[:i] + chr(c) + s[i:]
    return s.encode("utf-8")


def html_nesting(r, b):
    tag = r.choice([b"div", b"b", b"table", b"li", b"span", b"p", b"a"])
    n = r.choice([100, 1000, 20000])
    return b"<" + tag + b">" + b"<" + tag + b">" * n + b + b"</" + tag + b">" * (n // 2)


def text_nul_and_encodings(r, b):
    choice = r.randrange(4)
    if choice == 0:
        return b.replace(b" ", b"\x00", r.randint(1, 50))
    if choice == 1:
        return b"\xff\xfe" + b.decode("utf-8", "replace").encode("utf-16-le", "replace")
    if choice == 2:
        return b"\xef\xbb\xbf" + b
    return b.decode("utf-8", "replace").encode("latin-1", "replace")


TEXT = [text_spaces, text_long_line, text_random_unicode, html_nesting, text_nul_and_encodings]


def mutate(r, path, data):
    ext = os.path.splitext(path)[1].lower()
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        if ext == ".pdf" and r.random() < 0.6:
            op = r.choice(PDF)
        elif ext != ".pdf" and r.random() < 0.5:
            op = r.choice(TEXT)
        else:
            op = r.choice(BYTE)
        new = op(r, data)
        if new is not None:
            data = new
        name = op.__name__
    return name, data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--start", type=int, default=0)
    a = ap.parse_args()
    files = seeds(a.dirs)
    if not files:
        sys.exit("no seed files")
    blobs = {f: open(f, "rb").read() for f in files}
    os.makedirs(a.out, exist_ok=True)
    for i in range(a.start, a.start + a.count):
        r = random.Random(a.seed * 1_000_003 + i)
        f = r.choice(files)
        name, data = mutate(r, f, blobs[f])
        base = os.path.basename(f)
        stem, ext = os.path.splitext(base)
        with open(os.path.join(a.out, f"{i:06d}-{name}-{stem[:40]}{ext}"), "wb") as fh:
            fh.write(data)


if __name__ == "__main__":
    main()
