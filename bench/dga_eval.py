#!/usr/bin/python3
"""Measures detect/dga.h on names its training never saw (run by bench/dga_eval.sh).

    dga_eval.py SCORER THRESHOLD BENIGN_NAME_FILE...

Benign: each file holds real domain names, one per line; the rate printed is the share of names
whose registrable label scores >= THRESHOLD (vg_dga_name_score), i.e. the false-positive rate of
one name.  Generated: DGA families written here from the published descriptions of their
algorithms (our own code, seeded, so every run prints the same figures); the rate printed is the
share of their names that score >= THRESHOLD, i.e. the detection rate of one name.
"""
import hashlib
import random
import subprocess
import sys

TLDS = ["com", "net", "org", "info", "biz", "ru", "cn"]
N = 2000


def lcg_letters(seed, n):
    """Conficker-like: a seeded generator's letters, 8-11 of them."""
    out, x = [], seed
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        length = 8 + x % 4
        lab = ""
        for _ in range(length):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            lab += chr(ord("a") + (x >> 16) % 26)
        out.append("%s.%s" % (lab, TLDS[i % 5]))
    return out


def date_shift(n):
    """CryptoLocker-like: letters from shifts and xors of the day, 12-15 of them."""
    out = []
    for i in range(n):
        day, month, year = 1 + i % 28, 1 + (i // 28) % 12, 2013 + i // 336
        length = 12 + (day * month + i) % 4
        lab = ""
        for _ in range(length):
            day = ((day ^ (8 * day)) >> 11) ^ ((day & 0xFFFFFFF0) << 17)
            month = ((month ^ (4 * month)) >> 25) ^ 16 * (month & 0xFFFFFFF8)
            year = ((year ^ (year << 13)) >> 19) ^ ((year & 0xFFFFFFFE) << 12)
            lab += chr(ord("a") + (day ^ month ^ year) % 25)
        out.append("%s.%s" % (lab, TLDS[i % 7]))
    return out


def md5_hex(n):
    """Bamital/Ramnit-like: hex digits of an MD5 of a date and counter, 16-32 of them."""
    out = []
    for i in range(n):
        h = hashlib.md5(("2024-05-%02d:%d" % (1 + i % 28, i)).encode()).hexdigest()
        out.append("%s.%s" % (h[: 16 + i % 17], TLDS[i % 4]))
    return out


def hash_letters(n):
    """Necurs-like: letters from a hash of the seed, 7-21 of them."""
    out = []
    for i in range(n):
        h = int(hashlib.sha256(b"necurs%d" % i).hexdigest(), 16)
        length = 7 + h % 15
        h //= 15
        lab = ""
        for _ in range(length):
            lab += chr(ord("a") + h % 25)
            h //= 25
        out.append("%s.%s" % (lab, TLDS[i % 7]))
    return out


def alnum(rng, n):
    """Random letters and digits, 8-20 (the shape of many tunnelling and bot tools)."""
    a = "abcdefghijklmnopqrstuvwxyz0123456789"
    return ["%s.%s" % ("".join(rng.choice(a) for _ in range(rng.randint(8, 20))), TLDS[i % 7])
            for i in range(n)]


def pronounceable(rng, n):
    """Kraken-like: consonant and vowel groups in turn, 8-12 letters; word-like by design."""
    cons, vows = "bcdfghjklmnprstvwz", "aeiou"
    out = []
    for i in range(n):
        lab = ""
        while len(lab) < rng.randint(8, 12):
            lab += rng.choice(cons) + rng.choice(vows)
        out.append("%s.%s" % (lab, TLDS[i % 3]))
    return out


def dictionary(rng, n, words):
    """Suppobox/Matsnu-like: two dictionary words joined; the model cannot see these."""
    return ["%s%s.%s" % (rng.choice(words), rng.choice(words), TLDS[i % 2]) for i in range(n)]


def score(scorer, names):
    res = subprocess.run([scorer], input="\n".join(names) + "\n", capture_output=True, text=True,
                         check=True)
    return [(float(s), name) for s, name in (l.split("\t", 1) for l in res.stdout.splitlines())]


def main():
    scorer, threshold, files = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    print("threshold %.2f" % threshold)
    print("%-44s %8s %8s %8s" % ("benign set (false positives)", "names", "flagged", "rate"))
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            names = sorted({l.strip().lower().rstrip(".") for l in f if l.strip()})
        scored = score(scorer, names)
        hits = sorted((s, n) for s, n in scored if s >= threshold)
        print("%-44s %8d %8d %7.2f%%" % (path.rsplit("/", 1)[-1], len(names), len(hits),
                                          100.0 * len(hits) / max(1, len(names))))
        for s, n in hits[-8:]:
            print("    e.g. %.3f %s" % (s, n))
    rng = random.Random(7)
    with open("/usr/share/dict/american-english", encoding="utf-8") as f:
        words = [w.strip().lower() for w in f if w.strip().isalpha() and w.strip().islower()
                 and 3 <= len(w.strip()) <= 8]
    families = [
        ("conficker-like (lcg letters 8-11)", lcg_letters(42, N)),
        ("cryptolocker-like (date shifts 12-15)", date_shift(N)),
        ("necurs-like (hash letters 7-21)", hash_letters(N)),
        ("bamital-like (md5 hex 16-32)", md5_hex(N)),
        ("random alphanumeric 8-20", alnum(rng, N)),
        ("kraken-like pronounceable 8-12", pronounceable(rng, N)),
        ("suppobox-like two dictionary words", dictionary(rng, N, words)),
    ]
    print("%-44s %8s %8s %8s" % ("DGA family (detection)", "names", "flagged", "rate"))
    for name, names in families:
        scored = score(scorer, names)
        hits = sum(1 for s, _ in scored if s >= threshold)
        print("%-44s %8d %8d %7.2f%%" % (name, len(names), hits, 100.0 * hits / len(names)))


if __name__ == "__main__":
    main()
