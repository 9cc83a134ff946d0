/*
 * What a remote address is: its autonomous system, its country (and city, with a City
 * database), and, for an AWS address, the Region and services of AWS's published range.
 * Findings carry it in remoteIpDetails (organization, country, city, geoLocation, and vigil's
 * awsIpRange), so an analyst sees "AS16509 Amazon / US" or "AS4224 Calyx / US, a Tor exit"
 * without leaving the finding.
 *
 * Sources, all optional (without them the fields are simply absent):
 *   - MaxMind-format databases (.mmdb), read with libmaxminddb: whatever of country_code
 *     (ip-location-db's country files), country.iso_code, city.names.en, location.* and
 *     autonomous_system_number/organization (GeoLite2 Country, City, ASN) a file holds;
 *   - ASN range CSV files "first,last,asn,organization" (ip-location-db's asn-ipv4.csv and
 *     asn-ipv6.csv, which `make enrich-data` fetches from the npm registry);
 *   - AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json).
 * A file's kind is told by its content, so a folder of them can be given as a whole.
 *
 * Loading builds sorted tables; vg_ipinfo_freeze ends loading, after which lookups are
 * read-only and may run on any thread.
 */
#ifndef VG_ENRICH_IPINFO_H
#define VG_ENRICH_IPINFO_H

#include "core/compat.h"
#include "core/diag.h"
#include "core/err.h"
#include "core/ip.h"

#define VG_IPINFO_MAX_SERVICES 8

struct vg_ipinfo;

struct vg_ipinfo_result {
    uint32_t asn;      /* 0: unknown */
    char asn_org[256]; /* cut at a character boundary if longer */
    char country[3];   /* ISO 3166-1 alpha-2, "" when unknown */
    char city[96];
    bool has_location;
    double lat, lon;
    /* the most specific AWS range holding the address; aws_region NULL when none does */
    const char *aws_region;
    const char *aws_border_group;
    const char *aws_services[VG_IPINFO_MAX_SERVICES];
    unsigned aws_service_count;
    char aws_prefix[64];
    const char *aws_sync_token; /* the loaded ip-ranges.json's publication time, or NULL */
};

struct vg_ipinfo_stats {
    uint64_t asn_ranges_v4, asn_ranges_v6;
    uint64_t aws_prefixes;
    uint64_t databases; /* .mmdb files open */
    uint64_t bad;       /* lines or entries reported and skipped */
};

struct vg_ipinfo *vg_ipinfo_new(void);
void vg_ipinfo_free(struct vg_ipinfo *info);
/* Load a file (its kind told by content) or every .mmdb, .csv and .json file of a folder.
 * Bad lines are reported to diag with file and line and skipped.  VG_OK; VG_EIO (reported) for
 * an unreadable path or a file of no kind it knows; VG_ENOMEM. */
int vg_ipinfo_load(struct vg_ipinfo *info, const char *path, struct vg_diag *diag);
/* The same for an ASN CSV or ip-ranges.json already in memory; `name` labels reports. */
int vg_ipinfo_load_buffer(struct vg_ipinfo *info, const char *name, const char *data, size_t len,
                          struct vg_diag *diag);
/* End loading: sort the tables.  VG_OK or VG_ENOMEM. */
int vg_ipinfo_freeze(struct vg_ipinfo *info);
/* Fill *out; false when nothing at all is known of the address. */
bool vg_ipinfo_lookup(const struct vg_ipinfo *info, const struct vg_ip *ip,
                      struct vg_ipinfo_result *out);
const struct vg_ipinfo_stats *vg_ipinfo_stats(const struct vg_ipinfo *info);
/* The syncToken of the loaded ip-ranges.json (its publication time), or NULL. */
const char *vg_ipinfo_aws_sync_token(const struct vg_ipinfo *info);
/* The English short name of an ISO 3166-1 alpha-2 code ("US" -> "United States"), or NULL. */
const char *vg_country_name(const char *code);

#endif
