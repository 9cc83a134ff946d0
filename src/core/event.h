/*
 * struct vg_event: the normalized record every stage after parse/ works on.
 *
 * Lifetime: an event and every slice in it are borrowed from the batch (the input buffer and the
 * batch arena) and are valid until the batch is reset.  Whatever must outlive the batch (a
 * finding, a baseline entry) is copied out by its owner.
 *
 * Absent fields are empty slices.  Hostile content: every slice is attacker-controlled bytes,
 * already JSON-unescaped and valid UTF-8, but it may hold control characters; escape on output.
 */
#ifndef VG_CORE_EVENT_H
#define VG_CORE_EVENT_H

#include "core/compat.h"
#include "core/ip.h"
#include "core/str.h"

/* Opaque handle on the raw JSON record; parse/json.h reads fields from it by path. */
struct vg_json_value;

enum vg_source_kind {
    VG_SOURCE_CLOUDTRAIL = 1u << 0,
    VG_SOURCE_VPCFLOW = 1u << 1,
    VG_SOURCE_DNS = 1u << 2,
};

/* CloudTrail userIdentity.type.  Unknown types keep their text in identity.type_name. */
enum vg_identity_type {
    VG_ID_UNKNOWN,
    VG_ID_ROOT,
    VG_ID_IAM_USER,
    VG_ID_ASSUMED_ROLE,
    VG_ID_FEDERATED_USER,
    VG_ID_AWS_ACCOUNT,
    VG_ID_AWS_SERVICE,
    VG_ID_IDENTITY_CENTER_USER,
    VG_ID_SAML_USER,
    VG_ID_WEB_IDENTITY_USER,
};

enum vg_tristate { VG_UNSET = 0, VG_FALSE, VG_TRUE };

/* Where an event came from, precisely enough for an analyst to open the record. */
struct vg_event_ref {
    const char *source; /* file path as given (interned for the run), "-" for stdin */
    uint64_t offset;    /* byte offset of the record in the decompressed object */
    uint64_t line;      /* 1-based line of the record's start; 0 if unknown */
};

struct vg_identity {
    enum vg_identity_type type;
    struct vg_str type_name; /* as written in the log */
    struct vg_str arn;
    struct vg_str principal_id;
    struct vg_str account_id;
    struct vg_str access_key_id; /* AKIA… = long-lived user key, ASIA… = temporary session */
    struct vg_str user_name;
    struct vg_str invoked_by;  /* the AWS service acting for the principal, if any */
    struct vg_str issuer_type; /* sessionContext.sessionIssuer */
    struct vg_str issuer_arn;
    struct vg_str issuer_user_name;
    enum vg_tristate mfa_authenticated;
    int64_t session_created_ms;      /* 0 when absent */
    bool assumed_root;               /* task-scoped root session from sts:AssumeRoot */
    struct vg_str ec2_role_delivery; /* "1.0"/"2.0" for instance-profile credentials */
};

struct vg_cloudtrail {
    struct vg_identity identity;
    struct vg_str event_version;
    struct vg_str event_source; /* "iam.amazonaws.com" */
    struct vg_str event_name;   /* "CreateUser" */
    struct vg_str event_id;
    struct vg_str event_type;     /* AwsApiCall, AwsConsoleSignIn, AwsServiceEvent, … */
    struct vg_str event_category; /* Management, Data, Insight, NetworkActivity */
    struct vg_str source_ip_text; /* as written: an address, or a service name */
    struct vg_ip source_ip;       /* family 0 when source_ip_text is not an address */
    struct vg_str user_agent;
    struct vg_str error_code;
    struct vg_str error_message;
    struct vg_str recipient_account_id;
    struct vg_str vpc_endpoint_id;
    enum vg_tristate read_only;
    bool management_event; /* managementEvent:true, or inferred from eventCategory */
    const struct vg_json_value *request_parameters; /* NULL when absent or null */
    const struct vg_json_value *response_elements;
    const struct vg_json_value *additional_event_data;
    const struct vg_json_value *resources;
};

enum vg_flow_action { VG_FLOW_ACTION_UNKNOWN, VG_FLOW_ACCEPT, VG_FLOW_REJECT };
enum vg_flow_status { VG_FLOW_OK, VG_FLOW_NODATA, VG_FLOW_SKIPDATA };
enum vg_flow_direction { VG_FLOW_DIR_UNKNOWN, VG_FLOW_INGRESS, VG_FLOW_EGRESS };
/* Which address is the monitored interface's, as enrich/flow_sides.c decides it. */
enum vg_flow_local { VG_FLOW_LOCAL_UNKNOWN, VG_FLOW_LOCAL_SRC, VG_FLOW_LOCAL_DST };

/* One VPC Flow Logs record.  Numbers are parsed; absent fields ("-") are 0 / empty, with the
 * `has` bits telling which of the optional numeric fields were present. */
struct vg_flow {
    struct vg_str version;
    struct vg_str interface_id; /* eni-... */
    struct vg_str instance_id;
    struct vg_str vpc_id;
    struct vg_str subnet_id;
    struct vg_ip src;     /* srcaddr */
    struct vg_ip dst;     /* dstaddr */
    struct vg_ip pkt_src; /* pkt-srcaddr (NAT, transit gateway) */
    struct vg_ip pkt_dst;
    uint16_t src_port;
    uint16_t dst_port;
    uint8_t protocol; /* IANA number */
    uint8_t tcp_flags;
    uint64_t packets;
    uint64_t bytes;
    int64_t start_ms;
    int64_t end_ms;
    enum vg_flow_action action;
    enum vg_flow_status status;
    enum vg_flow_direction direction; /* flow-direction, when logged */
    struct vg_str traffic_path;
    struct vg_str type; /* IPv4 | IPv6 | EFA */
    struct vg_str az_id;
    struct vg_str pkt_src_service;
    struct vg_str pkt_dst_service;
    unsigned has; /* VG_FLOW_HAS_* bits */
    /* Set by enrich (flow_sides.c) before detection; meaningful when local is known. */
    enum vg_flow_local local;
    bool src_initiated;       /* the source opened the connection (this is the request record) */
    bool remote_public;       /* the non-local end is publicly routable */
    uint64_t instance_key[2]; /* hash of instance_id, else interface_id: detectors' state key */
};

enum vg_flow_has {
    VG_FLOW_HAS_PORTS = 1u << 0,
    VG_FLOW_HAS_PROTOCOL = 1u << 1,
    VG_FLOW_HAS_COUNTS = 1u << 2, /* packets and bytes */
    VG_FLOW_HAS_TCP_FLAGS = 1u << 3,
    VG_FLOW_HAS_TIMES = 1u << 4,
};

/* Route 53 Resolver query logs (parse/route53.c). */

/* What normalising a query name found (vg_dns_name.flags).  None of these rejects a record: an
 * attacker chooses the names an instance looks up (DNS tunnels, DGA, rebinding), so an odd name
 * is evidence to keep, with the oddity named here. */
enum vg_dns_name_flag {
    VG_DNS_NAME_UPPER = 1u << 0,       /* had A-Z (lowered): 0x20 randomisation, some tools */
    VG_DNS_NAME_ESCAPED = 1u << 1,     /* had presentation escapes ("\032", "\.") */
    VG_DNS_NAME_BAD_ESCAPE = 1u << 2,  /* a '\' starting no valid escape: kept as a literal '\' */
    VG_DNS_NAME_UNPRINTABLE = 1u << 3, /* a byte 0x00-0x20 or 0x7f, raw or escaped */
    VG_DNS_NAME_NON_ASCII = 1u << 4,   /* a byte >= 0x80, raw (UTF-8) or escaped */
    VG_DNS_NAME_EMPTY_LABEL = 1u << 5, /* "a..b", a leading '.' */
    VG_DNS_NAME_LONG_LABEL = 1u << 6,  /* a label over 63 bytes (RFC 1035 limit) */
    VG_DNS_NAME_TOO_LONG = 1u << 7,    /* over 255 bytes in wire form (RFC 1035 limit) */
    VG_DNS_NAME_CUT = 1u << 8,         /* normal form longer than VG_DNS_MAX_NAME_BYTES: cut */
    VG_DNS_NAME_ROOT = 1u << 9,        /* the root ("." or ""): the normal form is empty */
};

/* A query name in normal form, and its shape measured on the whole name as logged (the counts
 * stay exact when the normal form is cut).  Normal form: lowercase ASCII, no trailing dot,
 * printable ASCII only: a '.' or '\' inside a label is written "\." / "\\", every byte
 * 0x00-0x20 or >= 0x7f (including raw UTF-8) as "\DDD", any other escape decoded ("\065" ->
 * "a").  So one wire name has one normal form, whatever escaping the log used, and the text
 * is safe to quote.  (Names with an empty label have no wire form: "a.." becomes "a.", flagged.)
 * Punycode ("xn--...") is left as it is: it is already ASCII. */
struct vg_dns_name {
    struct vg_str text; /* the normal form; a slice of the input when that is already it */
    uint32_t flags;     /* VG_DNS_NAME_* */
    uint32_t labels;    /* empty labels included; 0 for the root */
    uint32_t wire_len;  /* bytes in wire form: labels + their bytes + 1 (legal max 255) */
    uint32_t longest_label;
};

enum vg_dns_rcode {
    VG_DNS_RCODE_NONE, /* no rcode in the record */
    VG_DNS_RCODE_NOERROR,
    VG_DNS_RCODE_NXDOMAIN,
    VG_DNS_RCODE_SERVFAIL,
    VG_DNS_RCODE_REFUSED,
    VG_DNS_RCODE_OTHER, /* FORMERR, NOTIMP, ...: see rcode_text */
};

enum vg_dns_firewall_action {
    VG_DNS_FW_NONE, /* no DNS Firewall rule matched */
    VG_DNS_FW_ALLOW,
    VG_DNS_FW_ALERT,
    VG_DNS_FW_BLOCK,
    VG_DNS_FW_OTHER, /* see firewall_rule_action */
};

/* One element of a record's answers[]: slices borrowed from the record, as logged (rdata of CNAME
 * and PTR answers keeps its case and trailing dot: normalise it with
 * vg_route53_name_normalise). */
struct vg_dns_answer {
    struct vg_str rdata;
    struct vg_str type_text;
    struct vg_str class_text;
    uint16_t type;   /* RR type number of type_text; 0 when unknown */
    struct vg_ip ip; /* the address of an A/AAAA answer whose rdata is one; family 0 otherwise */
};

/* One Resolver query log record.  Absent fields are empty slices and zeros; account_id, region
 * and the event time (query_timestamp) are the common event fields.
 *
 * Answers are decoded once, by the parser, into an array in the batch's arena rather than into
 * the event: a fixed array would have to cap them (a hostile or a round-robin name returns
 * dozens) and would grow struct vg_event, which every flow record clears; and passive DNS, the
 * rebinding rule and the reputation score all read them, so decoding per reader (an address
 * parse per answer each time) was a tenth of a DNS scan. */
struct vg_dns {
    struct vg_str version;
    struct vg_dns_name query;       /* query_name, normalised */
    struct vg_str query_name_raw;   /* query_name as logged (JSON-unescaped) */
    struct vg_str query_type_text;  /* "A", "AAAA", "TYPE65534", ... as logged */
    struct vg_str query_class_text; /* "IN" */
    struct vg_str rcode_text;       /* "NOERROR", ... as logged */
    uint16_t query_type;            /* RR type number; 0 when the text names no type we know */
    uint16_t query_class;           /* 1 = IN; 0 when unknown */
    uint16_t src_port;              /* srcport */
    enum vg_dns_rcode rcode;
    const struct vg_dns_answer *answers; /* answer_count of them; NULL when there are none */
    uint32_t answer_count;               /* elements of answers[] that are objects */
    struct vg_ip src;                    /* srcaddr; family 0 when absent or not an address */
    struct vg_str transport;             /* "UDP", "TCP", "DoH" */
    struct vg_str vpc_id;                /* from the S3 key when the record has none */
    struct vg_str instance_id;           /* srcids.instance: the querying instance */
    struct vg_str resolver_endpoint_id;  /* srcids.resolver_endpoint (inbound endpoint) */
    struct vg_str resolver_interface_id; /* srcids.resolver_network_interface */
    enum vg_dns_firewall_action firewall_action;
    struct vg_str firewall_rule_action; /* as logged */
    struct vg_str firewall_rule_group_id;
    struct vg_str firewall_domain_list_id;
};

struct vg_event {
    enum vg_source_kind source;
    int64_t time_ms;          /* event time, UTC, ms since the epoch */
    struct vg_str account_id; /* the account the event belongs to */
    struct vg_str region;
    struct vg_event_ref ref;
    const struct vg_json_value *raw; /* the whole record */
    union {
        struct vg_cloudtrail ct; /* source == VG_SOURCE_CLOUDTRAIL */
        struct vg_flow flow;     /* source == VG_SOURCE_VPCFLOW; time_ms is the flow's start */
        struct vg_dns dns;       /* source == VG_SOURCE_DNS; time_ms is query_timestamp */
    };
};

#endif
