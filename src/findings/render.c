/*
 * Renders owned findings.  The JSON follows shared/reference/guardduty-notes.md §2 and
 * sample-finding.json; vigil's own additions (log record references, next steps, credential
 * type) ride in fields GuardDuty consumers ignore: service.evidence.logRecords and the
 * additionalInfo value.
 */
#include "findings/render.h"

#include "core/hash.h"
#include "core/time.h"
#include "enrich/inventory.h"
#include "enrich/ipinfo.h"
#include "enrich/pdns.h"
#include "findings/catalog.h"

const char *vg_severity_label(double s)
{
    return s >= 9 ? "Critical" : s >= 7 ? "High" : s >= 4 ? "Medium" : "Low";
}

static const char *or_unknown(const char *s)
{
    return s && *s ? s : "unknown";
}

/* How titles name the caller.  For a role session that is "role/session" (from the ARN), so
 * the analyst sees who assumed the role, not only which role. */
static const char *principal_name(const struct vg_finding *f)
{
    if (f->user_type && strcmp(f->user_type, "Root") == 0)
        return "root";
    const char *session = f->principal_arn ? strstr(f->principal_arn, ":assumed-role/") : NULL;
    if (session && session[14])
        return session + 14;
    if (f->user_name)
        return f->user_name;
    if (f->principal_arn)
        return f->principal_arn;
    return or_unknown(f->principal_id);
}

const char *vg_protocol_name(uint8_t protocol)
{
    switch (protocol) {
    case 1: return "ICMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 58: return "ICMPv6";
    default: return NULL;
    }
}

/* GuardDuty's portName values for the ports its findings name; "Unknown" for the rest. */
const char *vg_port_name(uint16_t port)
{
    static const struct {
        uint16_t port;
        const char *name;
    } names[] = {
        { 21, "FTP" },
        { 22, "SSH" },
        { 23, "Telnet" },
        { 25, "SMTP" },
        { 53, "DNS" },
        { 80, "HTTP" },
        { 110, "POP3" },
        { 123, "NTP" },
        { 143, "IMAP" },
        { 389, "LDAP" },
        { 443, "HTTPS" },
        { 445, "SMB" },
        { 853, "DoT" },
        { 1389, "LDAP" },
        { 1433, "MSSQL" },
        { 2375, "Docker" },
        { 3306, "MySQL" },
        { 3389, "RDP" },
        { 5432, "PostgreSQL" },
        { 5985, "WinRM" },
        { 5986, "WinRM" },
        { 6379, "Redis" },
        { 8080, "HTTP" },
        { 8088, "YARN" },
        { 9001, "Tor" },
        { 9200, "Elasticsearch" },
        { 9300, "Elasticsearch" },
        { 11211, "Memcached" },
        { 27017, "MongoDB" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(names); i++)
        if (names[i].port == port)
            return names[i].name;
    return "Unknown";
}

/* The instance a network or DNS finding is about: its id, else the interface the flow was
 * logged on, else the address the DNS query came from. */
static const char *instance_name(const struct vg_finding *f)
{
    return f->instance_id    ? f->instance_id
           : f->interface_id ? f->interface_id
                             : or_unknown(f->dns_source);
}

/* Network and DNS findings are about an instance (resource.instanceDetails). */
static bool on_instance(const struct vg_finding *f)
{
    return f->has_net || f->has_dns;
}

static const char *direction_name(enum vg_net_direction d)
{
    return d == VG_NET_INBOUND ? "INBOUND" : d == VG_NET_OUTBOUND ? "OUTBOUND" : "UNKNOWN";
}

/* Network placeholders are numbers and addresses, written into tmp (64 bytes). */
static const char *net_placeholder(const struct vg_finding *f, const char *name, size_t n,
                                   char *tmp)
{
    const struct vg_finding_net *net = &f->net;
    uint16_t port = 0;
    if (n == 8 && memcmp(name, "instance", 8) == 0)
        return instance_name(f);
    if (n == 8 && memcmp(name, "local_ip", 8) == 0)
        return vg_ip_format(&net->local_ip, tmp, 64) ? tmp : "unknown";
    if (n == 9 && memcmp(name, "remote_ip", 9) == 0)
        return or_unknown(f->remote_ip);
    if (n == 8 && memcmp(name, "protocol", 8) == 0) {
        const char *p = vg_protocol_name(net->protocol);
        if (p)
            return p;
        snprintf(tmp, 64, "%u", net->protocol);
        return tmp;
    }
    if (n == 9 && memcmp(name, "direction", 9) == 0)
        return net->direction == VG_NET_INBOUND    ? "inbound"
               : net->direction == VG_NET_OUTBOUND ? "outbound"
                                                   : "direction unknown";
    if (n == 16 && memcmp(name, "direction_phrase", 16) == 0)
        return net->direction == VG_NET_OUTBOUND ? "from" : "against";
    if (n == 10 && memcmp(name, "local_port", 10) == 0)
        port = net->local_port;
    else if (n == 11 && memcmp(name, "remote_port", 11) == 0)
        port = net->remote_port;
    else if (n == 12 && memcmp(name, "service_port", 12) == 0)
        port = net->direction == VG_NET_OUTBOUND ? net->remote_port : net->local_port;
    else
        return NULL;
    snprintf(tmp, 64, "%u", port);
    return tmp;
}

static const char *placeholder(const struct vg_finding *f, const char *name, size_t n, char *tmp)
{
    static const struct {
        const char *name;
        size_t off;
    } map[] = {
        { "api", offsetof(struct vg_finding, api) },
        { "service", offsetof(struct vg_finding, service_name) },
        { "bucket", offsetof(struct vg_finding, bucket) },
        { "user_agent", offsetof(struct vg_finding, user_agent) },
        { "account", offsetof(struct vg_finding, account_id) },
        { "region", offsetof(struct vg_finding, region) },
        { "principal_type", offsetof(struct vg_finding, user_type) },
        { "domain", offsetof(struct vg_finding, dns_domain) },
    };
    if (n == 9 && memcmp(name, "principal", 9) == 0)
        return principal_name(f);
    if (n == 9 && memcmp(name, "source_ip", 9) == 0)
        return f->remote_ip ? f->remote_ip : or_unknown(f->remote_domain);
    if (n == 6 && memcmp(name, "detail", 6) == 0)
        return f->detail ? f->detail : "";
    if (n == 10 && memcmp(name, "access_key", 10) == 0)
        return f->access_key_id ? f->access_key_id : principal_name(f); /* console sessions */
    for (size_t i = 0; i < VG_ARRAY_LEN(map); i++) {
        if (strlen(map[i].name) == n && memcmp(map[i].name, name, n) == 0)
            return or_unknown(*(char *const *)(const void *)((const char *)f + map[i].off));
    }
    const char *net = net_placeholder(f, name, n, tmp);
    if (net)
        return net;
    VG_BUG("catalog template uses unknown placeholder '%.*s'", (int)n, name);
}

/* Every distinct list that matched, "a, b and c": an analyst should see all of them. */
static int add_list_names(struct vg_buf *out, const struct vg_finding *f)
{
    int rc = VG_OK;
    unsigned shown = 0, distinct = 0;
    for (unsigned i = 0; i < f->threat_count; i++) {
        bool dup = false;
        for (unsigned k = 0; k < i && !dup; k++)
            dup = strcmp(f->threats[k].list_name, f->threats[i].list_name) == 0;
        distinct += !dup;
    }
    if (distinct == 0)
        return vg_buf_adds(out, "unknown");
    for (unsigned i = 0; i < f->threat_count; i++) {
        bool dup = false;
        for (unsigned k = 0; k < i && !dup; k++)
            dup = strcmp(f->threats[k].list_name, f->threats[i].list_name) == 0;
        if (dup)
            continue;
        if (shown)
            rc |= vg_buf_adds(out, shown + 1 == distinct ? " and " : ", ");
        rc |= vg_buf_adds(out, f->threats[i].list_name);
        shown++;
    }
    return rc;
}

int vg_render_template(struct vg_buf *out, const char *tmpl, const struct vg_finding *f)
{
    int rc = VG_OK;
    size_t start = out->len;
    for (const char *p = tmpl; *p && rc == 0;) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            rc = vg_buf_adds(out, p);
            break;
        }
        rc = vg_buf_add(out, p, (size_t)(open - p));
        size_t n = (size_t)(close - open - 1);
        if (rc == 0 && n == 11 && memcmp(open + 1, "threat_list", 11) == 0)
            rc = add_list_names(out, f);
        else if (rc == 0) {
            char tmp[64];
            rc = vg_buf_adds(out, placeholder(f, open + 1, n, tmp));
        }
        p = close + 1;
    }
    /* An empty {detail} leaves a double space or a leading/trailing one: tidy it. */
    size_t w = start;
    for (size_t r = start; r < out->len; r++) {
        if (out->data[r] == ' ' && (w == start || out->data[w - 1] == ' '))
            continue;
        out->data[w++] = out->data[r];
    }
    while (w > start && out->data[w - 1] == ' ')
        w--;
    out->len = w;
    if (out->data)
        out->data[w] = '\0';
    return rc;
}

static int key(struct vg_buf *b, bool *first, const char *name)
{
    int rc = vg_buf_adds(b, *first ? "\"" : ",\"");
    *first = false;
    rc |= vg_buf_adds(b, name);
    rc |= vg_buf_adds(b, "\":");
    return rc;
}

static int kv_str(struct vg_buf *b, bool *first, const char *name, const char *value)
{
    if (!value)
        return VG_OK;
    int rc = key(b, first, name);
    return rc | vg_buf_add_json_str(b, vg_str_from(value));
}

static int kv_time(struct vg_buf *b, bool *first, const char *name, int64_t ms)
{
    char ts[40];
    vg_time_format_iso(ms, ts, sizeof(ts));
    return kv_str(b, first, name, ts);
}

/* The names passive DNS holds for an address, or NULL (no table, an unknown address). */
static const struct vg_pdns_entry *passive_names(const struct vg_render_opts *opts,
                                                 const struct vg_finding *f, const struct vg_ip *ip,
                                                 struct vg_pdns_entry *out)
{
    return opts && opts->pdns && vg_pdns_lookup(opts->pdns, ip, f->last_seen_ms, out) ? out : NULL;
}

/* remoteIpDetails' "passiveDns": vigil's own member (GuardDuty has none), named for where the
 * names come from, so nobody takes them for the address's owner. */
static int render_passive_dns(struct vg_buf *b, bool *first, const struct vg_pdns_entry *e)
{
    int rc = key(b, first, "passiveDns");
    rc |= vg_buf_adds(b, "{\"source\":\"Route 53 Resolver answers\",\"domains\":[");
    for (unsigned i = 0; i < e->count; i++) {
        const struct vg_pdns_name *n = &e->names[i];
        bool d = true;
        rc |= vg_buf_adds(b, i ? ",{" : "{");
        rc |= kv_str(b, &d, "domain", n->domain);
        if (n->cut)
            rc |= vg_buf_adds(b, ",\"domainCut\":true");
        rc |= kv_time(b, &d, "firstSeen", n->first_ms);
        rc |= kv_time(b, &d, "lastSeen", n->last_ms);
        rc |= vg_buf_printf(b, ",\"answers\":%" PRIu32 "}", n->answers);
    }
    return rc | vg_buf_printf(b, "],\"otherDomains\":%" PRIu64 "}", e->names_displaced);
}

/* The description's last sentence when passive DNS knows the one remote address of a network or
 * API-call finding: the name is what an analyst searches for next. */
static int describe_passive_dns(struct vg_buf *text, const struct vg_finding *f,
                                const struct vg_render_opts *opts)
{
    struct vg_ip ip;
    if (f->has_dns || f->port_probe)
        return VG_OK;
    if (f->has_net)
        ip = f->net.remote_ip;
    else if (!f->remote_ip || !vg_ip_parse(vg_str_from(f->remote_ip), &ip))
        return VG_OK;
    struct vg_pdns_entry e;
    if (!passive_names(opts, f, &ip, &e))
        return VG_OK;
    char addr[64], first[40];
    vg_ip_format(&ip, addr, sizeof(addr));
    vg_time_format_iso(e.names[0].first_ms, first, sizeof(first));
    int rc = vg_buf_printf(text, " Passive DNS: %s was the answer to ", addr);
    rc |= vg_buf_add_printable(text, vg_str_from(e.names[0].domain));
    rc |= vg_buf_printf(text, "%s (first answered %s)", e.names[0].cut ? "..." : "", first);
    uint64_t others = e.count - 1 + e.names_displaced;
    if (others)
        rc |= vg_buf_printf(text, " and %" PRIu64 " other name%s", others, others > 1 ? "s" : "");
    return rc | vg_buf_adds(text, ".");
}

/* GuardDuty's organization, country, city and geoLocation members, and vigil's awsIpRange
 * (the AWS Region and services whose published range holds the address). */
static int render_ip_owner(struct vg_buf *b, bool *first, const struct vg_ipinfo_result *r)
{
    int rc = 0;
    if (r->asn) {
        bool o = true;
        char asn[16];
        snprintf(asn, sizeof(asn), "%" PRIu32, r->asn);
        rc |= key(b, first, "organization");
        rc |= vg_buf_adds(b, "{");
        rc |= kv_str(b, &o, "asn", asn);
        if (r->asn_org[0]) {
            rc |= kv_str(b, &o, "asnOrg", r->asn_org);
            rc |= kv_str(b, &o, "isp", r->asn_org);
            rc |= kv_str(b, &o, "org", r->asn_org);
        }
        rc |= vg_buf_adds(b, "}");
    }
    if (r->country[0]) {
        bool c = true;
        rc |= key(b, first, "country");
        rc |= vg_buf_adds(b, "{");
        rc |= kv_str(b, &c, "countryCode", r->country);
        rc |= kv_str(b, &c, "countryName", vg_country_name(r->country)); /* NULL: left out */
        rc |= vg_buf_adds(b, "}");
    }
    if (r->city[0]) {
        rc |= key(b, first, "city");
        rc |= vg_buf_adds(b, "{\"cityName\":");
        rc |= vg_buf_add_json_str(b, vg_str_from(r->city));
        rc |= vg_buf_adds(b, "}");
    }
    if (r->has_location) {
        rc |= key(b, first, "geoLocation");
        rc |= vg_buf_printf(b, "{\"lat\":%.4f,\"lon\":%.4f}", r->lat, r->lon);
    }
    if (r->aws_region) {
        bool a = true;
        rc |= key(b, first, "awsIpRange");
        rc |= vg_buf_adds(b, "{");
        rc |= kv_str(b, &a, "prefix", r->aws_prefix);
        rc |= kv_str(b, &a, "region", r->aws_region);
        rc |= kv_str(b, &a, "networkBorderGroup", r->aws_border_group);
        rc |= kv_str(b, &a, "syncToken", r->aws_sync_token);
        rc |= vg_buf_adds(b, ",\"services\":[");
        for (unsigned i = 0; i < r->aws_service_count; i++) {
            rc |= i ? vg_buf_addc(b, ',') : 0;
            rc |= vg_buf_add_json_str(b, vg_str_from(r->aws_services[i]));
        }
        rc |= vg_buf_adds(b, "]}");
    }
    return rc;
}

/* An address's details: the address, and for a remote one (opts given) its owner and the
 * names passive DNS holds for it. */
static int render_ip_details(struct vg_buf *b, bool *first, const char *name,
                             const struct vg_ip *ip, const struct vg_render_opts *opts,
                             const struct vg_finding *f)
{
    char text[64];
    if (!vg_ip_format(ip, text, sizeof(text)))
        return VG_OK;
    bool inner = true;
    int rc = key(b, first, name);
    rc |= vg_buf_adds(b, "{");
    rc |= kv_str(b, &inner, ip->family == 6 ? "ipAddressV6" : "ipAddressV4", text);
    struct vg_ipinfo_result owner;
    if (opts && opts->ipinfo && vg_ipinfo_lookup(opts->ipinfo, ip, &owner))
        rc |= render_ip_owner(b, &inner, &owner);
    struct vg_pdns_entry passive;
    if (opts && passive_names(opts, f, ip, &passive))
        rc |= render_passive_dns(b, &inner, &passive);
    return rc | vg_buf_adds(b, "}");
}

static int render_port_details(struct vg_buf *b, bool *first, const char *name, uint16_t port)
{
    int rc = key(b, first, name);
    return rc | vg_buf_printf(b, "{\"port\":%u,\"portName\":\"%s\"}", port, vg_port_name(port));
}

/* (first, second) pairs as a list of objects: tags, security groups, product codes.  A tag's
 * empty value was dropped by the loader; empty_second puts it back as "". */
static int render_pairs(struct vg_buf *b, bool *first, const char *name,
                        const struct vg_inventory_pair *pairs, uint32_t count,
                        const char *first_name, const char *second_name, const char *empty_second)
{
    int rc = key(b, first, name);
    rc |= vg_buf_adds(b, "[");
    for (uint32_t i = 0; i < count; i++) {
        bool e = true;
        rc |= vg_buf_adds(b, i ? ",{" : "{");
        rc |= kv_str(b, &e, first_name, pairs[i].first);
        rc |= kv_str(b, &e, second_name, pairs[i].second ? pairs[i].second : empty_second);
        rc |= vg_buf_adds(b, "}");
    }
    return rc | vg_buf_adds(b, "]");
}

static int kv_ip(struct vg_buf *b, bool *first, const char *name, const struct vg_ip *ip)
{
    char text[64];
    return ip->family && vg_ip_format(ip, text, sizeof(text)) ? kv_str(b, first, name, text)
                                                              : VG_OK;
}

/* A network interface as the flow record named it: its id, the local address, subnet and VPC. */
static int render_flow_interface(struct vg_buf *b, const struct vg_finding *f)
{
    bool nic = true;
    int rc = vg_buf_adds(b, "{");
    rc |= kv_str(b, &nic, "networkInterfaceId", f->interface_id);
    char ip[64];
    if (vg_ip_format(&f->net.local_ip, ip, sizeof(ip)) && f->net.local_ip.family == 6) {
        rc |= key(b, &nic, "ipv6Addresses");
        rc |= vg_buf_adds(b, "[");
        rc |= vg_buf_add_json_str(b, vg_str_from(ip));
        rc |= vg_buf_adds(b, "]");
    } else if (f->net.local_ip.family == 4) {
        rc |= kv_str(b, &nic, "privateIpAddress", ip);
    }
    rc |= kv_str(b, &nic, "subnetId", f->subnet_id);
    rc |= kv_str(b, &nic, "vpcId", f->vpc_id);
    return rc | vg_buf_adds(b, "}");
}

/* A network interface as the inventory describes it; for the one the flow was logged on
 * (`own`), the flow's subnet and VPC fill what the inventory lacks. */
static int render_inventory_interface(struct vg_buf *b, const struct vg_inventory_interface *nic,
                                      const struct vg_finding *f, bool own)
{
    bool n = true;
    char ip[64];
    int rc = vg_buf_adds(b, "{");
    rc |= key(b, &n, "ipv6Addresses");
    rc |= vg_buf_adds(b, "[");
    for (uint32_t i = 0; i < nic->ipv6_count; i++) {
        rc |= vg_buf_adds(b, i ? "," : "");
        rc |= vg_buf_add_json_str(b, vg_str_from(vg_ip_format(&nic->ipv6[i], ip, sizeof(ip))));
    }
    rc |= vg_buf_adds(b, "]");
    rc |= kv_str(b, &n, "networkInterfaceId", nic->id);
    rc |= kv_str(b, &n, "privateDnsName", nic->private_dns_name);
    if (nic->private_ip_count)
        rc |= kv_ip(b, &n, "privateIpAddress", &nic->private_ips[0].ip);
    rc |= key(b, &n, "privateIpAddresses");
    rc |= vg_buf_adds(b, "[");
    for (uint32_t i = 0; i < nic->private_ip_count; i++) {
        bool a = true;
        rc |= vg_buf_adds(b, i ? ",{" : "{");
        rc |= kv_str(b, &a, "privateDnsName", nic->private_ips[i].dns_name);
        rc |= kv_ip(b, &a, "privateIpAddress", &nic->private_ips[i].ip);
        rc |= vg_buf_adds(b, "}");
    }
    rc |= vg_buf_adds(b, "]");
    rc |= kv_str(b, &n, "publicDnsName", nic->public_dns_name);
    rc |= kv_ip(b, &n, "publicIp", &nic->public_ip);
    rc |= render_pairs(b, &n, "securityGroups", nic->groups, nic->group_count, "groupId",
                       "groupName", NULL);
    rc |= kv_str(b, &n, "subnetId", nic->subnet_id ? nic->subnet_id : own ? f->subnet_id : NULL);
    rc |= kv_str(b, &n, "vpcId", nic->vpc_id ? nic->vpc_id : own ? f->vpc_id : NULL);
    return rc | vg_buf_adds(b, "}");
}

/* resource.instanceDetails.  From the flow alone: the instance id if the format logs it, and the
 * interface, address, subnet and VPC.  With an inventory, everything describe-instances knew of
 * the instance (found by the flow's instance id, else through its interface), all of its
 * interfaces, and always the interface the flow was logged on. */
static int render_instance(struct vg_buf *b, bool *first, const struct vg_finding *f,
                           const struct vg_inventory *inv)
{
    const struct vg_inventory_interface *nic = NULL;
    const struct vg_inventory_instance *in = NULL;
    if (inv && f->interface_id) {
        nic = vg_inventory_find_interface(inv, vg_str_from(f->interface_id));
    } else if (inv) {
        /* a format without interface-id: the local address, if the VPC does not contradict */
        nic = vg_inventory_find_address(inv, &f->net.local_ip);
        if (nic && f->vpc_id && nic->vpc_id && strcmp(f->vpc_id, nic->vpc_id) != 0)
            nic = NULL;
    }
    const char *instance_id = f->instance_id ? f->instance_id : nic ? nic->instance_id : NULL;
    if (inv && instance_id)
        in = vg_inventory_find_instance(inv, vg_str_from(instance_id));

    bool d = true;
    int rc = key(b, first, "instanceDetails");
    rc |= vg_buf_adds(b, "{");
    if (in) {
        rc |= kv_str(b, &d, "availabilityZone", in->availability_zone);
        if (in->profile_arn || in->profile_id) {
            bool p = true;
            rc |= key(b, &d, "iamInstanceProfile");
            rc |= vg_buf_adds(b, "{");
            rc |= kv_str(b, &p, "arn", in->profile_arn);
            rc |= kv_str(b, &p, "id", in->profile_id);
            rc |= vg_buf_adds(b, "}");
        }
        rc |= kv_str(b, &d, "imageId", in->image_id);
    }
    rc |= kv_str(b, &d, "instanceId", instance_id);
    if (in) {
        rc |= kv_str(b, &d, "instanceState", in->state);
        rc |= kv_str(b, &d, "instanceType", in->type);
        rc |= kv_str(b, &d, "outpostArn", in->outpost_arn);
        rc |= kv_str(b, &d, "launchTime", in->launch_time);
    }
    rc |= key(b, &d, "networkInterfaces");
    rc |= vg_buf_adds(b, "[");
    bool listed = false;
    for (uint32_t i = 0; in && i < in->interface_count; i++) {
        bool own = in->interfaces[i] == nic;
        listed |= own;
        rc |= vg_buf_adds(b, i ? "," : "");
        rc |= render_inventory_interface(b, in->interfaces[i], f, own);
    }
    if (!listed) {
        rc |= vg_buf_adds(b, in && in->interface_count ? "," : "");
        rc |= nic ? render_inventory_interface(b, nic, f, true) : render_flow_interface(b, f);
    }
    rc |= vg_buf_adds(b, "]");
    if (in) {
        rc |= kv_str(b, &d, "platform", in->platform);
        rc |= render_pairs(b, &d, "productCodes", in->product_codes, in->product_code_count,
                           "productCodeId", "productCodeType", NULL);
        rc |= render_pairs(b, &d, "tags", in->tags, in->tag_count, "key", "value", "");
    }
    return rc | vg_buf_adds(b, "}");
}

static int render_access_key(struct vg_buf *b, bool *first, const struct vg_finding *f)
{
    bool inner = true;
    int rc = key(b, first, "accessKeyDetails");
    rc |= vg_buf_adds(b, "{");
    rc |= kv_str(b, &inner, "accessKeyId", f->access_key_id);
    rc |= kv_str(b, &inner, "principalId", f->principal_id);
    rc |= kv_str(b, &inner, "userName",
                 f->user_name                                    ? f->user_name
                 : f->user_type && !strcmp(f->user_type, "Root") ? "Root"
                                                                 : NULL);
    rc |= kv_str(b, &inner, "userType", f->user_type);
    return rc | vg_buf_adds(b, "}");
}

static int render_resource(struct vg_buf *b, const struct vg_finding *f,
                           const struct vg_inventory *inventory)
{
    bool first = true;
    const char *rtype = vg_catalog_get(f->type)->resource_type;
    int rc = vg_buf_adds(b, "{");
    rc |=
        on_instance(f) ? render_instance(b, &first, f, inventory) : render_access_key(b, &first, f);
    if (f->bucket) {
        bool inner = true;
        rc |= key(b, &first, "s3BucketDetails");
        rc |= vg_buf_adds(b, "[{");
        struct vg_buf arn = VG_BUF_INIT;
        rc |= vg_buf_printf(&arn, "arn:%s:s3:::%s", or_unknown(f->partition), f->bucket);
        rc |= kv_str(b, &inner, "arn", arn.data);
        vg_buf_release(&arn);
        rc |= kv_str(b, &inner, "name", f->bucket);
        rc |= kv_str(b, &inner, "type", "Destination");
        if (f->public_access) {
            rc |= key(b, &inner, "publicAccess");
            rc |= vg_buf_adds(b, "{\"effectivePermission\":");
            rc |= vg_buf_add_json_str(b, vg_str_from(f->public_access));
            rc |= vg_buf_adds(b, "}");
        }
        rc |= vg_buf_adds(b, "}]");
    }
    rc |= kv_str(b, &first, "resourceType", rtype);
    return rc | vg_buf_adds(b, "}");
}

static int render_api_calls(struct vg_buf *v, bool *first, const struct vg_finding *f)
{
    int rc = key(v, first, "apiCalls");
    rc |= vg_buf_adds(v, "[");
    for (unsigned i = 0; i < f->api_call_count; i++) {
        const struct vg_finding_api_call *c = &f->api_calls[i];
        bool inner = true;
        rc |= vg_buf_adds(v, i ? ",{" : "{");
        rc |= kv_str(v, &inner, "name", c->name);
        rc |= vg_buf_printf(
            v, ",\"count\":%" PRIu64 ",\"firstSeen\":%" PRId64 ",\"lastSeen\":%" PRId64 "}",
            c->count, c->first_ms / 1000, c->last_ms / 1000);
    }
    rc |= vg_buf_adds(v, "]");
    if (f->api_calls_dropped)
        rc |= vg_buf_printf(v, ",\"apiCallsNotListed\":%" PRIu64, f->api_calls_dropped);
    return rc;
}

static int render_additional_info(struct vg_buf *b, const struct vg_finding *f,
                                  const struct vg_render_opts *opts)
{
    /* The REST API carries additionalInfo as {value: <JSON text>, type: "default"}. */
    struct vg_buf v = VG_BUF_INIT;
    bool first = true;
    int rc = vg_buf_adds(&v, "{");
    if (f->additional) {
        rc |= vg_buf_adds(&v, f->additional);
        first = false;
    }
    if (!on_instance(f))
        rc |= render_api_calls(&v, &first, f);
    if (f->probes_dropped)
        rc |= vg_buf_printf(&v, "%s\"probesNotListed\":%" PRIu64, first ? "" : ",",
                            f->probes_dropped);
    if (f->access_key_id) {
        const char *kind = strncmp(f->access_key_id, "AKIA", 4) == 0 ? "long-term access key"
                           : strncmp(f->access_key_id, "ASIA", 4) == 0
                               ? "temporary session credentials"
                               : "unknown";
        rc |= kv_str(&v, &first, "credentialType", kind);
    }
    /* where a role session came from, for the analyst's first question about a temporary key */
    rc |= kv_str(&v, &first, "sessionIssuer", f->session_issuer);
    if (f->session_created_ms)
        rc |= kv_time(&v, &first, "sessionCreatedAt", f->session_created_ms);
    if (f->mfa_authenticated != VG_UNSET)
        rc |= key(&v, &first, "mfaAuthenticated") |
              vg_buf_adds(&v, f->mfa_authenticated == VG_TRUE ? "true" : "false");
    rc |= kv_str(&v, &first, "principalArn", f->principal_arn);
    if (f->threat_count) {
        rc |= kv_str(&v, &first, "threatListName", f->threats[0].list_name);
        rc |= kv_str(&v, &first, "threatName", f->threats[0].threat_name);
    }
    if (opts->retro_added_ms) {
        /* found by re-checking old logs against a list added later (vigil scan --retro-hunt) */
        rc |= vg_buf_adds(&v, ",\"retroHunt\":true");
        rc |= kv_time(&v, &first, "indicatorAddedAt", opts->retro_added_ms);
    }
    if (opts->sample) /* consumers must be able to tell a sample from an alert (§4 of the notes) */
        rc |= key(&v, &first, "sample") | vg_buf_adds(&v, "true");
    struct vg_buf steps = VG_BUF_INIT;
    rc |= vg_render_template(&steps, vg_catalog_get(f->type)->next_steps, f);
    rc |= kv_str(&v, &first, "nextSteps", steps.data);
    vg_buf_release(&steps);
    rc |= vg_buf_adds(&v, "}");
    bool outer = true;
    rc |= vg_buf_adds(b, "{");
    rc |= kv_str(b, &outer, "value", v.data);
    rc |= kv_str(b, &outer, "type", "default");
    rc |= vg_buf_adds(b, "}");
    vg_buf_release(&v);
    return rc;
}

static int render_api_action(struct vg_buf *b, const struct vg_finding *f,
                             const struct vg_render_opts *opts)
{
    int rc = VG_OK;
    {
        bool a = true;
        rc |= vg_buf_adds(b, "{");
        rc |= kv_str(b, &a, "actionType", "AWS_API_CALL");
        rc |= key(b, &a, "awsApiCallAction");
        bool c = true;
        rc |= vg_buf_adds(b, "{");
        rc |= kv_str(b, &c, "api", f->api);
        rc |= kv_str(b, &c, "callerType", f->caller_type);
        if (f->remote_domain) {
            rc |= key(b, &c, "domainDetails");
            bool d = true;
            rc |= vg_buf_adds(b, "{");
            rc |= kv_str(b, &d, "domain", f->remote_domain);
            rc |= vg_buf_adds(b, "}");
        }
        rc |= kv_str(b, &c, "errorCode", f->error_code);
        rc |= kv_str(b, &c, "userAgent", f->user_agent);
        struct vg_ip ip;
        if (f->remote_ip && vg_ip_parse(vg_str_from(f->remote_ip), &ip))
            rc |= render_ip_details(b, &c, "remoteIpDetails", &ip, opts, f);
        rc |= kv_str(b, &c, "serviceName", f->service_name);
        rc |= vg_buf_adds(b, "}}");
    }
    return rc;
}

static int render_network_action(struct vg_buf *b, const struct vg_finding *f,
                                 const struct vg_render_opts *opts)
{
    const struct vg_finding_net *net = &f->net;
    bool a = true, c = true;
    const char *proto = vg_protocol_name(net->protocol);
    char num[8];
    snprintf(num, sizeof(num), "%u", net->protocol);
    int rc = vg_buf_adds(b, "{");
    rc |= kv_str(b, &a, "actionType", "NETWORK_CONNECTION");
    rc |= key(b, &a, "networkConnectionAction");
    rc |= vg_buf_printf(b, "{\"blocked\":%s", net->blocked ? "true" : "false");
    c = false;
    rc |= kv_str(b, &c, "connectionDirection", direction_name(net->direction));
    rc |= render_ip_details(b, &c, "localIpDetails", &net->local_ip, NULL, f);
    rc |= kv_str(b, &c, "localNetworkInterface", f->interface_id);
    rc |= render_port_details(b, &c, "localPortDetails", net->local_port);
    rc |= kv_str(b, &c, "protocol", proto ? proto : num);
    rc |= render_ip_details(b, &c, "remoteIpDetails", &net->remote_ip, opts, f);
    rc |= render_port_details(b, &c, "remotePortDetails", net->remote_port);
    return rc | vg_buf_adds(b, "}}");
}

static int render_dns_action(struct vg_buf *b, const struct vg_finding *f)
{
    bool a = true, c = true;
    int rc = vg_buf_adds(b, "{");
    rc |= kv_str(b, &a, "actionType", "DNS_REQUEST");
    rc |= key(b, &a, "dnsRequestAction");
    rc |= vg_buf_adds(b, "{");
    rc |= kv_str(b, &c, "domain", f->dns_domain);
    rc |= kv_str(b, &c, "protocol", f->dns_protocol);
    rc |= key(b, &c, "blocked");
    rc |= vg_buf_adds(b, f->dns_blocked ? "true" : "false");
    rc |= kv_str(b, &c, "domainWithSuffix", f->dns_domain_with_suffix);
    return rc | vg_buf_adds(b, "}}");
}

static int render_port_probe_action(struct vg_buf *b, const struct vg_finding *f,
                                    const struct vg_render_opts *opts)
{
    bool a = true;
    int rc = vg_buf_adds(b, "{");
    rc |= kv_str(b, &a, "actionType", "PORT_PROBE");
    rc |= key(b, &a, "portProbeAction");
    rc |= vg_buf_printf(b, "{\"blocked\":%s,\"portProbeDetails\":[",
                        f->net.blocked ? "true" : "false");
    for (unsigned i = 0; i < f->probe_count; i++) {
        const struct vg_finding_probe *p = &f->probes[i];
        bool d = true;
        rc |= vg_buf_adds(b, i ? ",{" : "{");
        rc |= render_ip_details(b, &d, "localIpDetails", &p->local_ip, NULL, f);
        rc |= render_port_details(b, &d, "localPortDetails", p->local_port);
        rc |= render_ip_details(b, &d, "remoteIpDetails", &p->remote_ip, opts, f);
        rc |= vg_buf_adds(b, "}");
    }
    return rc | vg_buf_adds(b, "]}}");
}

static int render_service(struct vg_buf *b, const struct vg_finding *f, const char *detector_id,
                          const struct vg_render_opts *opts)
{
    bool first = true;
    int rc = vg_buf_adds(b, "{");
    rc |= key(b, &first, "action");
    if (f->has_dns)
        rc |= render_dns_action(b, f);
    else if (!f->has_net)
        rc |= render_api_action(b, f, opts);
    else if (f->port_probe)
        rc |= render_port_probe_action(b, f, opts);
    else
        rc |= render_network_action(b, f, opts);
    rc |= key(b, &first, "additionalInfo");
    rc |= render_additional_info(b, f, opts);
    rc |= key(b, &first, "archived");
    rc |= vg_buf_adds(b, "false");
    rc |= vg_buf_printf(b, ",\"count\":%" PRIu64, f->count);
    if (f->detection) /* built by the detector from escaped parts (finding.h) */
        rc |= vg_buf_printf(b, ",\"detection\":{%s}", f->detection);
    rc |= kv_str(b, &first, "detectorId", detector_id);
    rc |= kv_time(b, &first, "eventFirstSeen", f->first_seen_ms);
    rc |= kv_time(b, &first, "eventLastSeen", f->last_seen_ms);
    rc |= key(b, &first, "evidence");
    rc |= vg_buf_adds(b, "{");
    if (f->threat_count) {
        /* one entry per list, its threat names gathered, as GuardDuty groups them */
        rc |= vg_buf_adds(b, "\"threatIntelligenceDetails\":[");
        for (unsigned i = 0, groups = 0; i < f->threat_count; i++) {
            bool seen = false;
            for (unsigned k = 0; k < i && !seen; k++)
                seen = strcmp(f->threats[k].list_name, f->threats[i].list_name) == 0;
            if (seen)
                continue;
            bool t = true;
            rc |= vg_buf_adds(b, groups++ ? ",{" : "{");
            rc |= kv_str(b, &t, "threatListName", f->threats[i].list_name);
            rc |= key(b, &t, "threatNames");
            rc |= vg_buf_adds(b, "[");
            for (unsigned k = i, names = 0; k < f->threat_count; k++) {
                if (strcmp(f->threats[k].list_name, f->threats[i].list_name) ||
                    !f->threats[k].threat_name)
                    continue;
                if (names++)
                    rc |= vg_buf_addc(b, ',');
                rc |= vg_buf_add_json_str(b, vg_str_from(f->threats[k].threat_name));
            }
            rc |= vg_buf_adds(b, "]");
            if (f->threats[i].sha256[0])
                rc |= kv_str(b, &t, "threatFileSha256", f->threats[i].sha256);
            rc |= vg_buf_adds(b, "}");
        }
        rc |= vg_buf_adds(b, "],");
    }
    rc |= vg_buf_adds(b, "\"logRecords\":[");
    for (unsigned i = 0; i < f->evidence_count; i++) {
        const struct vg_finding_evidence *e = &f->evidence[i];
        bool r = true;
        rc |= vg_buf_adds(b, i ? ",{" : "{");
        rc |= kv_str(b, &r, "source", e->source);
        rc |= vg_buf_printf(b, ",\"offset\":%" PRIu64, e->offset);
        if (e->line)
            rc |= vg_buf_printf(b, ",\"line\":%" PRIu64, e->line);
        rc |= kv_str(b, &r, "eventId", e->event_id);
        rc |= kv_time(b, &r, "eventTime", e->time_ms);
        rc |= vg_buf_adds(b, "}");
    }
    rc |= vg_buf_adds(b, "]}");
    /* the instance opened the connection or made the query: it is the actor (GuardDuty's
     * console then shows what it hit as the "Target") */
    bool actor = (f->has_net && f->net.direction == VG_NET_OUTBOUND) || f->has_dns;
    rc |= kv_str(b, &first, "resourceRole", actor ? "ACTOR" : "TARGET");
    rc |= kv_str(b, &first, "serviceName", "guardduty");
    return rc | vg_buf_adds(b, "}");
}

void vg_render_detector_id(const struct vg_finding *f, char out[33])
{
    struct vg_hash128 h;
    vg_hash128_init(&h);
    vg_hash128_field(&h, "vigil-detector", 14);
    vg_hash128_field(&h, f->account_id ? f->account_id : "",
                     f->account_id ? strlen(f->account_id) : 0);
    vg_hash128_field(&h, f->region ? f->region : "", f->region ? strlen(f->region) : 0);
    vg_hash128_hex(&h, out);
}

int vg_render_json(struct vg_buf *b, const struct vg_finding *f, const struct vg_render_opts *opts)
{
    char detector_id[33];
    vg_render_detector_id(f, detector_id);

    struct vg_buf text = VG_BUF_INIT;
    bool first = true;
    int rc = vg_buf_adds(b, "{");
    rc |= kv_str(b, &first, "accountId", or_unknown(f->account_id));
    rc |= vg_buf_printf(&text, "arn:%s:guardduty:%s:%s:detector/%s/finding/%s",
                        or_unknown(f->partition), or_unknown(f->region), or_unknown(f->account_id),
                        detector_id, f->id);
    rc |= kv_str(b, &first, "arn", text.data);
    rc |= kv_time(b, &first, "createdAt", opts->now_ms);
    vg_buf_reset(&text);
    rc |= vg_render_template(&text, vg_catalog_get(f->type)->description, f);
    rc |= describe_passive_dns(&text, f, opts);
    rc |= kv_str(b, &first, "description", text.data);
    rc |= kv_str(b, &first, "id", f->id);
    rc |= kv_str(b, &first, "partition", or_unknown(f->partition));
    rc |= kv_str(b, &first, "region", or_unknown(f->region));
    rc |= key(b, &first, "resource");
    rc |= render_resource(b, f, opts->inventory);
    rc |= kv_str(b, &first, "schemaVersion", "2.0");
    rc |= key(b, &first, "service");
    rc |= render_service(b, f, detector_id, opts);
    rc |= vg_buf_printf(b, ",\"severity\":%g", f->severity);
    vg_buf_reset(&text);
    if (opts->sample)
        rc |= vg_buf_adds(&text, "[SAMPLE] ");
    rc |= vg_render_template(&text, vg_catalog_get(f->type)->title, f);
    rc |= kv_str(b, &first, "title", text.data);
    rc |= kv_str(b, &first, "type", vg_catalog_get(f->type)->name);
    rc |= kv_time(b, &first, "updatedAt", opts->now_ms);
    rc |= vg_buf_adds(b, "}");
    vg_buf_release(&text);
    return rc ? VG_ENOMEM : VG_OK;
}

static const char *sev_color(double s)
{
    return s >= 7 ? "\033[1;31m" : s >= 4 ? "\033[33m" : "\033[36m";
}

int vg_render_table_header(struct vg_buf *out, bool color)
{
    return vg_buf_printf(out, "%s%-8s %-45s %-28s %6s  %-20s %-20s %s%s\n", color ? "\033[1m" : "",
                         "SEVERITY", "TYPE", "RESOURCE", "COUNT", "FIRST SEEN", "LAST SEEN",
                         "TITLE", color ? "\033[0m" : "");
}

int vg_render_table_row(struct vg_buf *out, const struct vg_finding *f, bool color)
{
    char first[40], last[40];
    vg_time_format_iso(f->first_seen_ms, first, sizeof(first));
    vg_time_format_iso(f->last_seen_ms, last, sizeof(last));
    first[19] = last[19] = 'Z';
    first[20] = last[20] = '\0';
    const char *resource = on_instance(f)     ? instance_name(f)
                           : f->bucket        ? f->bucket
                           : f->access_key_id ? f->access_key_id
                                              : principal_name(f);
    struct vg_buf cell = VG_BUF_INIT;
    int rc = vg_buf_add_printable(&cell, vg_str_from(resource));
    if (cell.len > 28) {
        cell.len = 27;
        rc |= vg_buf_adds(&cell, "~");
    }
    rc |= vg_buf_printf(out, "%s%-8s%s %-45s %-28s %6" PRIu64 "  %-20s %-20s ",
                        color ? sev_color(f->severity) : "", vg_severity_label(f->severity),
                        color ? "\033[0m" : "", vg_catalog_get(f->type)->name,
                        cell.data ? cell.data : "", f->count, first, last);
    vg_buf_reset(&cell);
    rc |= vg_render_template(&cell, vg_catalog_get(f->type)->title, f);
    rc |= vg_buf_add_printable(out, (struct vg_str){ cell.data, cell.len });
    rc |= vg_buf_addc(out, '\n');
    vg_buf_release(&cell);
    return rc ? VG_ENOMEM : VG_OK;
}
