/* Domain reputation: a transparent score of the names instances query (see dns_reputation.c). */
#ifndef VG_DETECT_DNS_REPUTATION_H
#define VG_DETECT_DNS_REPUTATION_H

#include "core/compat.h"
#include "core/str.h"
#include "detect/detect.h"

extern const struct vg_detector vg_detector_dns_reputation;

/* A namespace whose labels its customers do not choose as words: `abused` ones (dynamic DNS,
 * free subdomain and tunnel services, free TLDs: anyone makes a name there in a minute) and
 * cloud provider ones (CloudFront, S3, Akamai: the provider generates the label). */
struct vg_dns_namespace {
    const char *suffix; /* "duckdns.org", "tk", "cloudfront.net" */
    const char *kind;   /* "dynamic DNS provider", "free TLD", "cloud provider namespace", ... */
    bool abused;
};

/* The namespace `name` (normal form, core/event.h) lies under, or NULL; an abused provider's
 * own "www." site is under none.  Static storage.  Pure; thread-safe; reads at most the last
 * two labels. */
const struct vg_dns_namespace *vg_dns_reputation_namespace(struct vg_str name);

#endif
