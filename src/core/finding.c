/* Owned-finding lifecycle; see finding.h for who owns what. */
#include "core/finding.h"

void vg_finding_release(struct vg_finding *f)
{
    char **fields[] = {
        &f->account_id,    &f->region,        &f->partition,
        &f->access_key_id, &f->principal_id,  &f->principal_arn,
        &f->user_name,     &f->user_type,     &f->session_issuer,
        &f->bucket,        &f->public_access, &f->api,
        &f->service_name,  &f->caller_type,   &f->error_code,
        &f->user_agent,    &f->remote_ip,     &f->remote_domain,
        &f->detail,        &f->additional,    &f->detection,
        &f->instance_id,   &f->interface_id,  &f->vpc_id,
        &f->subnet_id,     &f->dns_domain,    &f->dns_domain_with_suffix,
        &f->dns_protocol,  &f->dns_source,
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(fields); i++) {
        free(*fields[i]);
        *fields[i] = NULL;
    }
    for (unsigned i = 0; i < f->evidence_count; i++) {
        free(f->evidence[i].source);
        free(f->evidence[i].event_id);
    }
    for (unsigned i = 0; i < f->api_call_count; i++)
        free(f->api_calls[i].name);
    for (unsigned i = 0; i < f->threat_count; i++) {
        free(f->threats[i].list_name);
        free(f->threats[i].threat_name);
    }
    f->evidence_count = f->api_call_count = f->threat_count = f->probe_count = 0;
}
