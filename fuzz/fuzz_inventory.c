/*
 * Fuzz target: the asset inventory loader (src/enrich/inventory.c), its lookups, the declaration
 * to the flow-side resolver and the rendering of instanceDetails from it (findings/render.c).
 *
 * The input is one inventory file.  Checked after each input, the loader's contract:
 *  - loading returns VG_OK (only running out of memory may fail, and inputs are small);
 *  - every report was counted and every count reported: the diag total equals the records
 *    skipped plus the fields ignored, before freezing (which only counts);
 *  - what lookups return keeps the documented caps and links: an instance's interfaces name it,
 *    an address found belongs to the interface returned;
 *  - a network finding rendered with any instance or interface found is one valid JSON object.
 * Ids to look up are every JSON string of the input (up to 255 bytes), so the hit paths run, not
 * only the misses.
 */
#include "core/compat.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "enrich/inventory.h"
#include "findings/render.h"
#include "parse/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_inventory: invariant failed: %s (%s:%d)\n", #cond, __FILE__,     \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_interface(const struct vg_inventory *inv,
                            const struct vg_inventory_interface *nic)
{
    CHECK(nic->id && *nic->id);
    CHECK(vg_inventory_find_interface(inv, vg_str_from(nic->id)) == nic);
    CHECK(nic->private_ip_count <= 64 && nic->ipv6_count <= 64 && nic->group_count <= 16);
    for (uint32_t i = 0; i < nic->private_ip_count; i++) {
        CHECK(nic->private_ips[i].ip.family == 4);
        const struct vg_inventory_interface *owner =
            vg_inventory_find_address(inv, &nic->private_ips[i].ip);
        CHECK(owner == NULL || owner == nic);
    }
    for (uint32_t i = 0; i < nic->ipv6_count; i++) {
        CHECK(nic->ipv6[i].family == 6);
        const struct vg_inventory_interface *owner = vg_inventory_find_address(inv, &nic->ipv6[i]);
        CHECK(owner == NULL || owner == nic);
    }
    for (uint32_t i = 0; i < nic->group_count; i++)
        CHECK(nic->groups[i].first != NULL);
}

/* Render a network finding on this interface and instance, and parse the result back. */
static void check_render(const struct vg_inventory *inv, const char *interface_id,
                         const char *instance_id)
{
    struct vg_finding f;
    memset(&f, 0, sizeof(f));
    f.type = VG_FT_RECON_EC2_PORTSCAN;
    f.severity = 5;
    f.has_net = true;
    f.count = 1;
    memcpy(f.id, "0123456789abcdef0123456789abcdef", 33);
    f.interface_id = (char *)interface_id;
    f.instance_id = (char *)instance_id;
    f.net.direction = VG_NET_INBOUND;
    f.net.protocol = 6;
    CHECK(vg_ip_parse(VG_STR("10.0.1.25"), &f.net.local_ip));
    CHECK(vg_ip_parse(VG_STR("45.33.32.156"), &f.net.remote_ip));
    struct vg_render_opts opts = { .now_ms = 1700000000000, .inventory = inv };
    struct vg_buf out = VG_BUF_INIT;
    CHECK(vg_render_json(&out, &f, &opts) == VG_OK);

    struct vg_arena arena;
    struct vg_json_parser p;
    vg_arena_init(&arena, 0, 0);
    vg_json_parser_init(&p, &arena, out.len + 1);
    size_t pos = 0;
    const struct vg_json_value *root;
    struct vg_json_error err;
    CHECK(vg_json_parse(&p, out.data, out.len, &pos, &root, &err) == VG_JSON_OK);
    CHECK(root->type == VG_JSON_OBJECT && vg_json_skip_ws(out.data, out.len, pos) == out.len);
    CHECK(vg_json_path(root, "resource.instanceDetails.networkInterfaces") != NULL);
    vg_json_parser_release(&p);
    vg_arena_release(&arena);
    vg_buf_release(&out);
}

static void probe(const struct vg_inventory *inv, struct vg_str s)
{
    char id[256];
    if (s.len == 0 || s.len >= sizeof(id) || memchr(s.ptr, '\0', s.len))
        return;
    memcpy(id, s.ptr, s.len);
    id[s.len] = '\0';
    const struct vg_inventory_instance *in = vg_inventory_find_instance(inv, s);
    const struct vg_inventory_interface *nic = vg_inventory_find_interface(inv, s);
    if (in) {
        CHECK(strcmp(in->id, id) == 0);
        CHECK(in->interface_count <= 128 && in->tag_count <= 50 && in->product_code_count <= 16);
        for (uint32_t i = 0; i < in->interface_count; i++) {
            CHECK(in->interfaces[i]->instance_id && !strcmp(in->interfaces[i]->instance_id, id));
            check_interface(inv, in->interfaces[i]);
        }
        check_render(inv, NULL, id);
    }
    if (nic) {
        CHECK(strcmp(nic->id, id) == 0);
        check_interface(inv, nic);
        check_render(inv, id, NULL);
    }
}

/* Every "..." of the input, escapes left in: good enough to hit most ids. */
static void probe_strings(const struct vg_inventory *inv, const char *buf, size_t len)
{
    unsigned budget = 256;
    for (size_t i = 0; i < len && budget; i++) {
        if (buf[i] != '"')
            continue;
        const char *end = memchr(buf + i + 1, '"', len - i - 1);
        if (!end)
            break;
        probe(inv, (struct vg_str){ buf + i + 1, (size_t)(end - buf - i - 1) });
        budget--;
        i = (size_t)(end - buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    struct vg_diag diag;
    vg_diag_init(&diag, UINT_MAX, NULL, NULL); /* format every message: they quote input */
    struct vg_inventory *inv = vg_inventory_new();
    CHECK(inv != NULL);
    CHECK(vg_inventory_load_buffer(inv, "fuzz.json", buf, size, &diag) == VG_OK);
    const struct vg_inventory_stats *st = vg_inventory_stats(inv);
    CHECK(diag.total == st->skipped + st->ignored);
    CHECK(vg_inventory_freeze(inv) == VG_OK);
    CHECK(st->ambiguous <= st->addresses);

    struct vg_flow_sides *sides = vg_flow_sides_new(1 << 20);
    CHECK(sides != NULL);
    CHECK(vg_inventory_declare(inv, sides) == VG_OK);
    vg_flow_sides_free(sides);

    probe_strings(inv, buf, size);
    check_render(inv, "eni-not-there", "i-not-there");
    vg_inventory_free(inv);
    return 0;
}
