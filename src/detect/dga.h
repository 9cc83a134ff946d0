/*
 * How machine-generated a domain label looks: the score behind Trojan:EC2/DGADomainRequest.B,
 * usable by any detector (the domain reputation score reads it too).
 *
 * The score is a probability-like number from 0.0 (a word-like label such as "weather",
 * "github", "mail2", or a label too short to judge) to 1.0 (a label a benign name would almost
 * never have, such as "xjwqpzkrvbtd" or "a3f9c02e7d1b").  It combines a character-trigram model
 * of benign labels (dictionary words and the service names of the public suffix list, see
 * tools/dga_train.py and the generated dga_model.c) with shape features (length, digits,
 * consonant runs, trigrams never seen in benign names).  docs/dga-model.md says how the model was
 * built and gives its measured false-positive and detection rates (`make dga-eval`).
 *
 * Pure functions of their input: thread-safe, allocate nothing, and accept any bytes (a byte
 * outside [a-z0-9-] counts as an unusual character, case is ignored).
 */
#ifndef VG_DETECT_DGA_H
#define VG_DETECT_DGA_H

#include "core/compat.h"
#include "core/str.h"

/* A label scoring at or above this looks generated: 0.4% of popular sites' labels and 78-99% of
 * random-letter and hex DGA labels pass it (docs/dga-model.md).  The detector's default
 * (`dns.dga.min_score`, in percent). */
#define VG_DGA_THRESHOLD 0.7

/* How machine-generated one label looks, 0.0 (a word-like or known-pattern label) to 1.0. */
double vg_dga_score(const char *label, size_t len);

/* The registrable-domain label of a name (e.g. "xkcd" of "www.xkcd.com") scored; 0 for names
 * without one (a public suffix, an IP literal, a single label, internal and reverse names) and
 * for names under a platform (see vg_dga_zone_score).
 * `name` in any form enrich/psl.h accepts. */
double vg_dga_name_score(struct vg_str name);

/* The same for a zone already found with vg_psl_registrable() (kind VG_PSL_REGISTRABLE): its
 * first label scored, 0 under a platform's suffix (the public suffix list's private section:
 * cloudfront.net, herokuapp.com, s3.amazonaws.com), whose labels are handed out, not
 * registered.  Saves the PSL lookup for callers that have the zone. */
double vg_dga_zone_score(struct vg_str zone);

#endif
