/*
 * The label score of detect/dga.h: how unlike a benign domain label a label is.
 *
 * Method (docs/dga-model.md has the whole account): a character-trigram model of benign labels,
 * built by scripts/dga_train.py from Debian's word lists and public suffix list into the tables
 * of dga_model.c, gives the label's mean cost in bits per character and the share of its
 * trigrams no benign label has.  Those and three shape features (letter/digit alternations, the
 * longest consonant run, the length) go through a logistic function whose weights the same
 * script fitted against generic random labels.  One pass over the label, a table load per byte.
 *
 * Measured with `make dga-eval` (bench/dga_eval.sh: benign names the model never saw, and DGA
 * families implemented in bench/dga_eval.py); the figures are in docs/dga-model.md.
 *
 * What it cannot see: labels shorter than VG_DGA_MIN_LABEL (random 5-letter labels and
 * acronyms look alike), dictionary DGAs that join real words (Suppobox, Matsnu: word-like by
 * construction, so they score like benign compounds), pronounceable generators that alternate
 * consonants and vowels, and punycode labels ("xn--..."), which are scored 0 because their
 * encoding is random-looking by design.
 */
#include "detect/dga.h"

#include "detect/dga_model.h"
#include "enrich/psl.h"

/* Shorter labels are acronyms and brands as often as they are random ("xkcd", "bbc", "qq"):
 * the model cannot tell them apart, so it does not try. */
#define VG_DGA_MIN_LABEL 6
/* A label is at most 63 bytes in the DNS; an attacker's log line may claim more.  Only this
 * many bytes are scored: enough to judge, and the cost of a label stays bounded. */
#define VG_DGA_MAX_SCORED 255

static unsigned char_class(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        c = (unsigned char)(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z')
        return 1u + (unsigned)(c - 'a');
    if (c >= '0' && c <= '9')
        return 27;
    if (c == '-')
        return 28;
    return 29;
}

static bool is_consonant(unsigned cls)
{
    /* classes of a e i o u y */
    static const unsigned vowels =
        (1u << 1) | (1u << 5) | (1u << 9) | (1u << 15) | (1u << 21) | (1u << 25);
    return cls >= 1 && cls <= 26 && !(vowels & (1u << cls));
}

/* The features in the order scripts/dga_train.py's features() lists them. */
static void features(const unsigned char *s, size_t len, double out[VG_DGA_FEATURES])
{
    unsigned a = 0, b = 0;
    unsigned bits = 0, unseen = 0, alternations = 0, run = 0, longest = 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned c = i < len ? char_class(s[i]) : 0;
        size_t idx = ((size_t)a * VG_DGA_CLASSES + b) * VG_DGA_CLASSES + c;
        bits += vg_dga_cost[idx];
        if (!(vg_dga_seen[idx / 8] & (1u << (idx % 8))))
            unseen++;
        if (i == len)
            break;
        if (i > 0 && (c == 27) != (b == 27))
            alternations++;
        run = is_consonant(c) ? run + 1 : 0;
        if (run > longest)
            longest = run;
        a = b;
        b = c;
    }
    double n = (double)len + 1;
    out[0] = bits / (double)VG_DGA_COST_SCALE / n;
    out[1] = unseen / n;
    out[2] = alternations / (double)len;
    out[3] = (longest < 8 ? longest : 8) / 8.0;
    out[4] = (len < 24 ? (double)len : 24.0) / 24.0;
}

double vg_dga_score(const char *label, size_t len)
{
    if (!label || len < VG_DGA_MIN_LABEL)
        return 0.0;
    if (len >= 4 && (label[0] | 0x20) == 'x' && (label[1] | 0x20) == 'n' && label[2] == '-' &&
        label[3] == '-')
        return 0.0;
    if (len > VG_DGA_MAX_SCORED)
        len = VG_DGA_MAX_SCORED;
    double f[VG_DGA_FEATURES];
    features((const unsigned char *)label, len, f);
    double z = vg_dga_weights[0];
    for (size_t i = 0; i < VG_DGA_FEATURES; i++)
        z += vg_dga_weights[i + 1] * f[i];
    return 1.0 / (1.0 + exp(-z));
}

/* strcmp order with the key's ASCII case ignored (the list is lowercase). */
static int platform_cmp(const void *key, const void *elem)
{
    const struct vg_str *k = key;
    const unsigned char *e = *(const unsigned char *const *)elem;
    for (size_t i = 0; i < k->len; i++) {
        unsigned char c = (unsigned char)k->ptr[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (e[i] != c)
            return c < e[i] ? -1 : 1; /* also when e ends first: e[i] is then 0 */
    }
    return e[k->len] ? -1 : 0;
}

static bool is_platform(struct vg_str suffix)
{
    return bsearch(&suffix, vg_dga_platforms, vg_dga_platform_count, sizeof(vg_dga_platforms[0]),
                   platform_cmp) != NULL;
}

/* Bytes of the first label of s (normal form: a '\' escapes the next byte, so "\." does not end
 * the label). */
static size_t first_label_len(struct vg_str s)
{
    size_t n = 0;
    while (n < s.len && s.ptr[n] != '.')
        n += s.ptr[n] == '\\' && n + 1 < s.len ? 2 : 1;
    return n;
}

double vg_dga_zone_score(struct vg_str zone)
{
    size_t n = first_label_len(zone);
    if (n >= zone.len)
        return 0.0;
    /* Under a platform's suffix the label is a tenant's id ("d1234abcd" of cloudfront.net),
     * which no DGA can register.  A wildcard rule "*.x.y" covers the suffix "<any>.x.y". */
    struct vg_str parent = { zone.ptr + n + 1, zone.len - n - 1 };
    if (is_platform(parent))
        return 0.0;
    size_t pn = first_label_len(parent);
    if (pn < parent.len) {
        char wild[VG_DGA_MAX_SCORED + 3];
        size_t rest = parent.len - pn;
        if (rest + 1 < sizeof(wild)) {
            wild[0] = '*';
            memcpy(wild + 1, parent.ptr + pn, rest);
            if (is_platform((struct vg_str){ wild, rest + 1 }))
                return 0.0;
        }
    }
    return vg_dga_score(zone.ptr, n);
}

double vg_dga_name_score(struct vg_str name)
{
    struct vg_str zone = VG_STR_NULL;
    if (vg_psl_registrable(name, &zone) != VG_PSL_REGISTRABLE)
        return 0.0;
    return vg_dga_zone_score(zone);
}
