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
    };
};

#endif
