/*
 * The asset inventory: what `aws ec2 describe-instances` and `aws ec2
 * describe-network-interfaces` said about an account's instances and network interfaces,
 * loaded from their JSON output as the AWS CLI prints it (PascalCase members).  It is optional:
 * with it, network findings carry GuardDuty's full resource.instanceDetails (findings/render.c),
 * flow records logged without an instance id get their interface's (vg_inventory_annotate), and
 * every interface's addresses are declared to the flow-side resolver (flow_sides.h), so the
 * direction of instance-to-instance traffic is known; without it, findings name the interface
 * and address the flow log gave.
 *
 * Accepted, any number per file (documents may follow one another, as concatenated pages do):
 *   {"Reservations":[{"Instances":[{...}, ...]}, ...]}     describe-instances
 *   {"NetworkInterfaces":[{...}, ...]}                      describe-network-interfaces
 *   a bare array of reservations, instances or interfaces  what `--query` makes of either
 * An instance's interfaces come from its NetworkInterfaces member; a describe-network-interfaces
 * entry joins its instance through Attachment.InstanceId, whichever file the instance is in.
 *
 * Everything in the file is untrusted.  Each bad field is reported ("FILE:LINE: ...", the line of
 * the object holding it) and ignored; a record without its id is reported and skipped; the rest
 * of the file still loads.  A broken JSON document ends its file (nothing after a syntax error
 * can be framed).  Strings are capped (ids at 255 bytes, other values at VG_MAX_FIELD_BYTES),
 * lists per record at AWS's own limits or near them (50 tags, 16 security groups, 64 addresses
 * per family, 128 interfaces per instance), so one hostile record cannot bloat every finding
 * that renders it.  Memory is proportional to the input: nothing is kept that the file did not
 * spell out.
 *
 * The same instance or interface may be listed more than once (an interface appears both in
 * describe-instances and describe-network-interfaces output, and overlapping snapshots repeat
 * instances): the records are merged, the first value of each field wins, and the merge is
 * counted.  One address claimed by two interfaces (overlapping VPC ranges) is ambiguous:
 * vg_inventory_find_address() will not guess.
 *
 * Lifetime: build with vg_inventory_new(), vg_inventory_load*() and vg_inventory_freeze(); then
 * the inventory is read-only, and lookups may run from any number of threads.  Every pointer a
 * lookup returns is owned by the inventory and valid until vg_inventory_free().
 */
#ifndef VG_ENRICH_INVENTORY_H
#define VG_ENRICH_INVENTORY_H

#include "core/compat.h"
#include "core/diag.h"
#include "core/event.h"
#include "core/ip.h"
#include "core/str.h"
#include "enrich/flow_sides.h"

/* Two strings of a list entry: a tag (key, value), a security group (id, name), a product code
 * (id, type).  Either may be NULL. */
struct vg_inventory_pair {
    const char *first;
    const char *second;
};

/* A private IPv4 address of an interface and its private DNS name (may be NULL). */
struct vg_inventory_address {
    struct vg_ip ip;
    const char *dns_name;
};

/* Strings are NULL when the inventory did not say. */
struct vg_inventory_interface {
    const char *id;          /* eni-... */
    const char *instance_id; /* the instance it is attached to, if any */
    const char *subnet_id;
    const char *vpc_id;
    const char *private_dns_name;
    const char *public_dns_name;
    struct vg_ip public_ip;                         /* family 0: none */
    const struct vg_inventory_address *private_ips; /* the primary first */
    uint32_t private_ip_count;
    uint32_t ipv6_count;
    const struct vg_ip *ipv6;
    const struct vg_inventory_pair *groups; /* security groups: (group id, group name) */
    uint32_t group_count;
};

struct vg_inventory_instance {
    const char *id; /* i-... */
    const char *type;
    const char *image_id;
    const char *launch_time; /* normalised: 2024-03-12T10:00:00.000Z */
    const char *availability_zone;
    const char *platform; /* "windows", or NULL (the CLI omits it for Linux) */
    const char *state;    /* running, stopped, ... as of the snapshot */
    const char *outpost_arn;
    const char *profile_arn; /* IAM instance profile */
    const char *profile_id;
    const struct vg_inventory_pair *tags; /* (key, value) */
    uint32_t tag_count;
    uint32_t product_code_count;
    const struct vg_inventory_pair *product_codes; /* (product code id, product code type) */
    /* After vg_inventory_freeze(): the interfaces attached to it, in the order listed (past 128
     * they are counted in stats.ignored). */
    const struct vg_inventory_interface *const *interfaces;
    uint32_t interface_count;
};

struct vg_inventory_stats {
    uint64_t files;
    uint64_t instances;  /* distinct */
    uint64_t interfaces; /* distinct */
    uint64_t addresses;  /* distinct private and IPv6 addresses (after freeze) */
    uint64_t ambiguous;  /* addresses claimed by more than one interface (after freeze) */
    uint64_t merged;     /* records that repeated an id already loaded */
    uint64_t skipped;    /* records reported and left out (no id, not an object) */
    uint64_t ignored;    /* fields reported and left out (wrong type, too long, past a cap) */
};

struct vg_inventory;

/* An empty inventory; NULL when out of memory.  Free with vg_inventory_free() (NULL is fine). */
struct vg_inventory *vg_inventory_new(void);
void vg_inventory_free(struct vg_inventory *inv);

/* Load every file at `path` (a file, or a folder read recursively in name order; gzip or
 * plain).  Bad input is reported to diag and the rest loads.  VG_OK; VG_EIO when a file could
 * not be read (reported; the readable ones are loaded); VG_ENOMEM.  Before freeze only. */
int vg_inventory_load(struct vg_inventory *inv, const char *path, struct vg_diag *diag);
/* The same for bytes in memory; `source` names them in messages.  VG_OK or VG_ENOMEM. */
int vg_inventory_load_buffer(struct vg_inventory *inv, const char *source, const char *buf,
                             size_t len, struct vg_diag *diag);

/* End loading: join interfaces to their instances and index the addresses.  VG_OK or
 * VG_ENOMEM (the inventory is then only fit for vg_inventory_free()). */
int vg_inventory_freeze(struct vg_inventory *inv);

/* Lookups on a frozen inventory; NULL when not there. */
const struct vg_inventory_instance *vg_inventory_find_instance(const struct vg_inventory *inv,
                                                               struct vg_str id);
const struct vg_inventory_interface *vg_inventory_find_interface(const struct vg_inventory *inv,
                                                                 struct vg_str id);
/* The interface owning a private or IPv6 address; NULL also when two interfaces claim it. */
const struct vg_inventory_interface *vg_inventory_find_address(const struct vg_inventory *inv,
                                                               const struct vg_ip *ip);

/* Fill in what a flow record lacks and the inventory knows: the instance its interface is
 * attached to (the default flow log format has no instance-id field), so detector state,
 * aggregation and titles are per instance, as GuardDuty's are.  The slice set points into the
 * inventory.  One hash lookup, and only for records without an instance id.  Thread-safe. */
void vg_inventory_annotate(const struct vg_inventory *inv, struct vg_event *ev);

/* Declare every interface's private and IPv6 addresses to the flow-side resolver, the primary
 * ones last (the resolver may keep only one per family).  VG_OK or VG_ENOMEM. */
int vg_inventory_declare(const struct vg_inventory *inv, struct vg_flow_sides *sides);

const struct vg_inventory_stats *vg_inventory_stats(const struct vg_inventory *inv);

#endif
