/*
 * The one list of threat-list formats.  Order matters for detection: the first sniff that
 * accepts the head of a file wins, so formats with a distinctive header or syntax come first
 * and "txt", which accepts anything, comes last.
 */
#include "enrich/intel_format.h"

#include "enrich/intel_alienvault.h"
#include "enrich/intel_fireeye.h"
#include "enrich/intel_misp_csv.h"
#include "enrich/intel_otx_csv.h"
#include "enrich/intel_proofpoint.h"
#include "enrich/intel_spamhaus.h"
#include "enrich/intel_stix1.h"
#include "enrich/intel_stix2.h"
#include "enrich/intel_tor_exit.h"
#include "enrich/intel_txt.h"
#include "enrich/intel_zeek_intel.h"

/* Sniffers look at this much of a file: enough for any header, small enough to be free. */
#define SNIFF_BYTES 4096

const struct vg_intel_format *const vg_intel_formats[] = {
    &vg_intel_format_stix1,      /* '<' ... STIX_Package */
    &vg_intel_format_stix2,      /* '{' ... "type": "bundle"/"indicator" */
    &vg_intel_format_spamhaus,   /* "; Spamhaus", "cidr ; SBL...", {"sblid"...}, {"asn"...} */
    &vg_intel_format_zeek_intel, /* #fields indicator indicator_type */
    &vg_intel_format_misp_csv,   /* uuid,event_id,category,type,value,... */
    &vg_intel_format_otx_csv,    /* Indicator type,Indicator,Description */
    &vg_intel_format_fireeye,    /* reportId,title,...,ip,... */
    &vg_intel_format_proofpoint, /* ip,category,score,... */
    &vg_intel_format_tor_exit,   /* ExitNode <fingerprint> */
    &vg_intel_format_alienvault, /* addr#rel#risk#activity#... */
    &vg_intel_format_txt,        /* anything: last */
    NULL,
};

const struct vg_intel_format *vg_intel_format_find(const char *name)
{
    for (size_t i = 0; name && vg_intel_formats[i]; i++)
        if (strcmp(vg_intel_formats[i]->name, name) == 0)
            return vg_intel_formats[i];
    return NULL;
}

const struct vg_intel_format *vg_intel_format_detect(const char *buf, size_t len)
{
    size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES;
    for (size_t i = 0; vg_intel_formats[i]; i++)
        if (vg_intel_formats[i]->sniff(buf, n))
            return vg_intel_formats[i];
    return NULL;
}
