#!/usr/bin/python3
"""Build src/detect/dga_model.c, the benign-label model behind vg_dga_score() (detect/dga.h).

    apt-get install publicsuffix wamerican wbritish wfrench wngerman wspanish witalian
    /usr/bin/python3 scripts/dga_train.py | clang-format --assume-filename=x.c > src/detect/dga_model.c

Everything it reads comes from those Debian 12 packages, and it is deterministic (fixed seeds,
sorted input), so the committed table can be rebuilt and diffed.  docs/dga-model.md explains the
method; bench/dga_eval.sh measures it on names this script never sees.

Two parts:
 1. A character-trigram model of benign labels.  Characters fall in 30 classes (boundary, a-z,
    any digit, '-', anything else): digits share one class because "mail2" and "mail7" are the
    same shape, and the table stays 27,000 entries.  Benign labels are dictionary words (English
    weighted over the other languages: most registrable labels are English words or compounds)
    and every label of the public suffix list, whose private section names real services
    ("blogspot", "herokuapp", "cloudfront").  Probabilities are Dirichlet-smoothed down to
    bigrams and unigrams, so a never-seen trigram still costs a finite number of bits.
 2. A logistic combination of features of a label (dga.c computes the same ones, in the same
    order): mean bits per character under the model, the share of trigrams never seen in benign
    labels, letter/digit alternations, the longest consonant run and the length.  It is fitted
    with benign training labels against *generic* random labels (uniform letters, letters and
    digits, hex), never against a DGA family: the families in bench/ stay unseen.
"""
import math
import random
import re
import sys

WORD_LISTS = [  # (path, weight)
    ("/usr/share/dict/american-english", 3),
    ("/usr/share/dict/british-english", 3),
    ("/usr/share/dict/french", 1),
    ("/usr/share/dict/ngerman", 1),
    ("/usr/share/dict/spanish", 1),
    ("/usr/share/dict/italian", 1),
]
PSL = "/usr/share/publicsuffix/public_suffix_list.dat"
PSL_WEIGHT = 5  # service names are closer to domain labels than dictionary words are

NCLASS = 30
SCALE = 16  # cost table: bits * SCALE in a byte
K3, K2 = 4.0, 4.0  # Dirichlet strength of the back-off to bigrams, and bigrams to unigrams
SEED = 20240501
COMPOUNDS = 200000


def cls(ch):
    if ch == "^":
        return 0
    if "a" <= ch <= "z":
        return 1 + ord(ch) - ord("a")
    if "0" <= ch <= "9":
        return 27
    if ch == "-":
        return 28
    return 29


def training_labels():
    """(label, weight) pairs, sorted so the output does not depend on file order."""
    seen = {}
    ok = re.compile(r"^[a-z][a-z0-9-]*$")
    for path, weight in WORD_LISTS:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                w = line.strip().lower()
                if w.endswith("'s"):
                    w = w[:-2]
                if len(w) >= 2 and ok.match(w):
                    seen[w] = max(seen.get(w, 0), weight)
    with open(PSL, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            for lab in line.lstrip("!").split("."):
                # Punycode labels look random by construction; dga.c scores them 0.
                if lab != "*" and not lab.startswith("xn--") and ok.match(lab):
                    seen[lab] = max(seen.get(lab, 0), PSL_WEIGHT)
    # Registrable labels are often two words run together ("stackoverflow", "nbcnews"); words
    # alone never show the trigrams across the join.
    rng = random.Random(SEED)
    short = sorted(w for w, weight in seen.items() if weight == 3 and 2 <= len(w) <= 7)
    for _ in range(COMPOUNDS):
        w = rng.choice(short) + rng.choice(short)
        seen[w] = max(seen.get(w, 0), 1)
    return sorted(seen.items())


def platform_suffixes():
    """The private section's suffixes: names under them are given out by a platform (a
    CloudFront distribution, a Heroku app, a bucket), not registered, so a DGA cannot own them
    and their often random labels say nothing.  Wildcard rules keep their "*"."""
    out, private = set(), False
    with open(PSL, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if "===BEGIN PRIVATE DOMAINS===" in line:
                private = True
            elif "===END PRIVATE DOMAINS===" in line:
                private = False
            elif private and line and not line.startswith("//") and not line.startswith("!"):
                if all(c.isascii() for c in line):
                    out.add(line.lower())
    return sorted(out)


def count(labels):
    tri, bi, uni = {}, {}, [0.0] * NCLASS
    for lab, w in labels:
        cs = [0, 0] + [cls(c) for c in lab] + [0]
        for i in range(2, len(cs)):
            a, b, c = cs[i - 2], cs[i - 1], cs[i]
            tri[(a, b, c)] = tri.get((a, b, c), 0) + w
            bi[(b, c)] = bi.get((b, c), 0) + w
            uni[c] += w
    return tri, bi, uni


def cost_table(tri, bi, uni):
    total = sum(uni)
    p1 = [(uni[c] + 1) / (total + NCLASS) for c in range(NCLASS)]
    ctx2 = [0.0] * NCLASS
    for (b, c), n in bi.items():
        ctx2[b] += n
    ctx3 = {}
    for (a, b, c), n in tri.items():
        ctx3[(a, b)] = ctx3.get((a, b), 0) + n
    cost, seen = [], []
    for a in range(NCLASS):
        for b in range(NCLASS):
            for c in range(NCLASS):
                p2 = (bi.get((b, c), 0) + K2 * p1[c]) / (ctx2[b] + K2)
                p3 = (tri.get((a, b, c), 0) + K3 * p2) / (ctx3.get((a, b), 0) + K3)
                cost.append(min(255, round(-math.log2(p3) * SCALE)))
                seen.append(1 if tri.get((a, b, c), 0) > 0 else 0)
    return cost, seen


# --- features: keep in step with features() in src/detect/dga.c ---
VOWELS = set("aeiouy")


def features(lab, cost, seen):
    cs = [0, 0] + [cls(c) for c in lab] + [0]
    bits, unseen = 0, 0
    for i in range(2, len(cs)):
        idx = (cs[i - 2] * NCLASS + cs[i - 1]) * NCLASS + cs[i]
        bits += cost[idx]
        unseen += 0 if seen[idx] else 1
    n = len(cs) - 2
    alt, run, longest = 0, 0, 0
    for i, ch in enumerate(lab):
        if i and (ch.isdigit() != lab[i - 1].isdigit()):
            alt += 1
        if "a" <= ch <= "z" and ch not in VOWELS:
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return [
        bits / SCALE / n,
        unseen / n,
        alt / len(lab),
        min(longest, 8) / 8.0,
        min(len(lab), 24) / 24.0,
    ]


def random_labels(rng, n):
    out = []
    alphabets = ["abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz0123456789",
                 "0123456789abcdef"]
    for i in range(n):
        a = alphabets[i % len(alphabets)]
        out.append("".join(rng.choice(a) for _ in range(rng.randint(6, 24))))
    return out


def fit(xs, ys, epochs=300, rate=0.5):
    """Plain full-batch logistic regression (no numpy on a stock Debian)."""
    w = [0.0] * (len(xs[0]) + 1)
    m = len(xs)
    for _ in range(epochs):
        g = [0.0] * len(w)
        for x, y in zip(xs, ys):
            z = w[0] + sum(wi * xi for wi, xi in zip(w[1:], x))
            p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            d = p - y
            g[0] += d
            for j, xj in enumerate(x):
                g[j + 1] += d * xj
        w = [wi - rate * gi / m for wi, gi in zip(w, g)]
    return w


def main():
    labels = training_labels()
    tri, bi, uni = count(labels)
    cost, seen = cost_table(tri, bi, uni)

    rng = random.Random(SEED)
    # Only labels long enough to judge (dga.c scores shorter ones 0); a sample keeps the fit fast.
    benign = [lab for lab, _ in labels if len(lab) >= 6]
    benign = rng.sample(benign, 12000)
    rand = random_labels(rng, 6000)
    xs = [features(lab, cost, seen) for lab in benign + rand]
    ys = [0] * len(benign) + [1] * len(rand)
    w = fit(xs, ys)

    out = sys.stdout
    out.write("/* Generated by scripts/dga_train.py from Debian 12's publicsuffix, wamerican, wbritish,\n"
              " * wfrench, wngerman, wspanish and witalian: do not edit (docs/dga-model.md). */\n")
    out.write('#include "detect/dga_model.h"\n\n')
    out.write("/* %d training labels, %d distinct trigrams seen */\n" % (len(labels), sum(seen)))
    out.write("const double vg_dga_weights[VG_DGA_FEATURES + 1] = {\n")
    out.write("    " + ", ".join("%.6f" % x for x in w) + ",\n};\n\n")
    out.write("const uint8_t vg_dga_cost[VG_DGA_CLASSES * VG_DGA_CLASSES * VG_DGA_CLASSES] = {\n")
    for i in range(0, len(cost), 20):
        out.write("    " + ", ".join(str(c) for c in cost[i:i + 20]) + ",\n")
    out.write("};\n\n")
    bits = [0] * ((len(seen) + 7) // 8)
    for i, s in enumerate(seen):
        if s:
            bits[i // 8] |= 1 << (i % 8)
    out.write("const uint8_t vg_dga_seen[(VG_DGA_CLASSES * VG_DGA_CLASSES * VG_DGA_CLASSES + 7) / 8] = {\n")
    for i in range(0, len(bits), 16):
        out.write("    " + ", ".join("0x%02x" % b for b in bits[i:i + 16]) + ",\n")
    out.write("};\n\n")
    plat = platform_suffixes()
    out.write("/* Sorted by strcmp for bsearch. */\n")
    out.write("const char *const vg_dga_platforms[] = {\n")
    for p in plat:
        out.write('    "%s",\n' % p)
    out.write("};\nconst size_t vg_dga_platform_count = %d;\n" % len(plat))
    # The fit's accuracy on its own data, for the commit message; the honest numbers are bench's.
    sys.stderr.write("weights %s\n" % " ".join("%.3f" % x for x in w))
    right = sum(1 for x, y in zip(xs, ys)
                if (w[0] + sum(wi * xi for wi, xi in zip(w[1:], x)) > 0) == (y == 1))
    sys.stderr.write("fit: %d of %d training labels on the right side\n" % (right, len(xs)))


if __name__ == "__main__":
    main()
