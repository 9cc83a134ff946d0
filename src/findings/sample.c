/* Sample findings; see sample.h.  The placeholder values are GuardDuty's own where its samples
 * have them (shared/reference/sample-finding.json, guardduty-notes.md §4). */
#include "findings/sample.h"

#include "core/err.h"
#include "core/hash.h"
#include "findings/catalog.h"

#define SAMPLE_PRIVATE_IP "192.168.0.1"
#define SAMPLE_REMOTE_IP "198.51.100.0"
#define SAMPLE_API "GeneratedFindingAPIName"

struct field {
    char **dst;
    const char *value;
};

/* Copy each value into its field; false when an allocation failed (the rest are still tried,
 * and vg_finding_release frees whatever was copied). */
static bool dup_fields(const struct field *fields, size_t n)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        ok &= (*fields[i].dst = strdup(fields[i].value)) != NULL;
    return ok;
}

/* GuardDuty names a family by what follows the '/': "PortProbeUnprotectedPort" in
 * "Recon:EC2/PortProbeUnprotectedPort".  Its port-probe findings carry portProbeAction. */
static bool is_port_probe(const char *name)
{
    const char *family = strchr(name, '/');
    return family && strncmp(family + 1, "PortProbe", 9) == 0;
}

/* The instance a flow-log or DNS finding is about. */
static bool fill_instance(struct vg_finding *f)
{
    const struct field fields[] = {
        { &f->instance_id, "i-99999999" },
        { &f->interface_id, "eni-bfcffe88" },
        { &f->vpc_id, "GeneratedFindingVPCId" },
        { &f->subnet_id, "GeneratedFindingSubnetId" },
    };
    vg_ip_parse(VG_STR(SAMPLE_PRIVATE_IP), &f->net.local_ip);
    return dup_fields(fields, VG_ARRAY_LEN(fields));
}

/* A connection from the instance (most flow-log types are about what it reached), or for the
 * port-probe family one inbound probe of SSH. */
static bool fill_network(struct vg_finding *f, const struct vg_catalog_entry *c)
{
    f->has_net = true;
    f->net.protocol = 6;
    vg_ip_parse(VG_STR(SAMPLE_REMOTE_IP), &f->net.remote_ip);
    if (is_port_probe(c->name)) {
        f->port_probe = true;
        f->net.direction = VG_NET_INBOUND;
        f->net.local_port = 22;
        f->net.remote_port = 49152;
        f->probes[0] = (struct vg_finding_probe){ 22, f->net.local_ip, f->net.remote_ip };
        f->probe_count = 1;
    } else {
        f->net.direction = VG_NET_OUTBOUND;
        f->net.local_port = 49152;
        f->net.remote_port = 443;
    }
    return (f->remote_ip = strdup(SAMPLE_REMOTE_IP)) != NULL; /* the templates' {remote_ip} */
}

static bool fill_dns(struct vg_finding *f)
{
    f->has_dns = true;
    const struct field fields[] = {
        { &f->dns_domain, "GeneratedFindingDomainName" },
        { &f->dns_protocol, "UDP" },
        { &f->dns_source, SAMPLE_PRIVATE_IP },
    };
    return dup_fields(fields, VG_ARRAY_LEN(fields));
}

/* Findings on a bucket: the resource is one, or the type's text names one (the S3 policy and
 * logging types, whose resource is the access key that changed the bucket). */
static bool names_bucket(const struct vg_catalog_entry *c)
{
    return strcmp(c->resource_type, "S3Bucket") == 0 || strstr(c->title, "{bucket}") ||
           strstr(c->description, "{bucket}") || strstr(c->next_steps, "{bucket}");
}

/* An API call by an IAM user's access key from a remote address, on a bucket where the type
 * is about one. */
static bool fill_api_call(struct vg_finding *f, const struct vg_catalog_entry *c, int64_t now_ms)
{
    const struct field fields[] = {
        { &f->access_key_id, "GeneratedFindingAccessKeyId" },
        { &f->principal_id, "GeneratedFindingPrincipalId" },
        { &f->user_name, "GeneratedFindingUserName" },
        { &f->user_type, "IAMUser" },
        { &f->api, SAMPLE_API },
        { &f->service_name, "GeneratedFindingAPIServiceName" },
        { &f->caller_type, "Remote IP" },
        { &f->remote_ip, SAMPLE_REMOTE_IP },
        { &f->user_agent, "GeneratedFindingUserAgent" },
    };
    bool ok = dup_fields(fields, VG_ARRAY_LEN(fields));
    /* additionalInfo.apiCalls lists the calls folded into the finding: here the one */
    ok &= (f->api_calls[0].name = strdup(SAMPLE_API)) != NULL;
    f->api_calls[0].count = 1;
    f->api_calls[0].first_ms = f->api_calls[0].last_ms = now_ms;
    f->api_call_count = 1;
    if (names_bucket(c)) {
        const struct field s3[] = {
            { &f->bucket, "generatedfindingbucketname" },
            { &f->public_access, "NOT_PUBLIC" },
        };
        ok &= dup_fields(s3, VG_ARRAY_LEN(s3));
    }
    return ok;
}

int vg_sample_finding(enum vg_finding_type type, const char *account_id, const char *region,
                      int64_t now_ms, uint64_t nonce, struct vg_finding *out)
{
    const struct vg_catalog_entry *c = vg_catalog_get(type);
    struct vg_finding *f = out;
    memset(f, 0, sizeof(*f));

    struct vg_hash128 h;
    uint8_t nonce_le[8];
    for (size_t i = 0; i < sizeof(nonce_le); i++) /* the same ids on every host */
        nonce_le[i] = (uint8_t)(nonce >> (8 * i));
    vg_hash128_init(&h);
    vg_hash128_field(&h, "vigil-sample", 12);
    vg_hash128_field(&h, c->name, strlen(c->name));
    vg_hash128_field(&h, account_id, strlen(account_id));
    vg_hash128_field(&h, region, strlen(region));
    vg_hash128_field(&h, nonce_le, sizeof(nonce_le));
    vg_hash128_hex(&h, f->id);

    f->type = type;
    f->severity = c->severity;
    f->count = 1;
    f->first_seen_ms = f->last_seen_ms = now_ms;
    const struct field common[] = {
        { &f->account_id, account_id },
        { &f->region, region },
        { &f->partition, "aws" },
        { &f->detail,
          "This is a sample finding: vigil generated it, and no such activity happened." },
    };
    bool ok = dup_fields(common, VG_ARRAY_LEN(common));

    /* The shape follows the catalog's data source, so a new row gets a fitting sample. */
    if (c->sources & (VG_FT_SRC_VPCFLOW | VG_FT_SRC_DNS))
        ok &= fill_instance(f);
    if (c->sources & VG_FT_SRC_VPCFLOW)
        ok &= fill_network(f, c);
    else if (c->sources & VG_FT_SRC_DNS)
        ok &= fill_dns(f);
    else
        ok &= fill_api_call(f, c, now_ms);

    /* service.evidence: the threat list and a log record, both placeholders */
    ok &= (f->threats[0].list_name = strdup("GeneratedFindingThreatListName")) != NULL;
    ok &= (f->threats[0].threat_name = strdup("GeneratedFindingThreatName")) != NULL;
    f->threat_count = 1;
    ok &= (f->evidence[0].source = strdup("GeneratedFindingLogSource")) != NULL;
    ok &= (f->evidence[0].event_id = strdup("GeneratedFindingEventId")) != NULL;
    f->evidence[0].time_ms = now_ms;
    f->evidence_count = 1;
    if (!ok) {
        vg_finding_release(f);
        return VG_ENOMEM;
    }
    return VG_OK;
}
