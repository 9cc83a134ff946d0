/* Unit tests for enrich/inventory: both AWS CLI shapes and the --query arrays, joining and
 * merging across files, hostile input (wrong types, huge strings, missing ids, caps, broken
 * JSON), address lookups, loading from a folder, and the declaration to the flow-side resolver. */
#include "enrich/inventory.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"

/* describe-instances as AWS CLI v2 prints it, trimmed to the members vigil reads plus a few it
 * ignores.  Line 7 is the instance object (locations in messages point at objects). */
static const char instances_json[] =
    "{\n"
    "    \"Reservations\": [\n"
    "        {\n"
    "            \"ReservationId\": \"r-0a1b2c3d4e5f60718\",\n"
    "            \"OwnerId\": \"123456789012\",\n"
    "            \"Instances\": [\n"
    "                {\n"
    "                    \"AmiLaunchIndex\": 0,\n"
    "                    \"ImageId\": \"ami-0abcdef1234567890\",\n"
    "                    \"InstanceId\": \"i-0123456789abcdef0\",\n"
    "                    \"InstanceType\": \"t3.micro\",\n"
    "                    \"LaunchTime\": \"2024-03-01T09:15:42+00:00\",\n"
    "                    \"Placement\": { \"AvailabilityZone\": \"us-east-1a\", \"Tenancy\": "
    "\"default\" },\n"
    "                    \"PrivateIpAddress\": \"10.0.1.25\",\n"
    "                    \"PublicDnsName\": \"ec2-54-210-17-33.compute-1.amazonaws.com\",\n"
    "                    \"ProductCodes\": [ { \"ProductCodeId\": \"aw0evgkw8e5c1q413zgy5pjce\", "
    "\"ProductCodeType\": \"marketplace\" } ],\n"
    "                    \"State\": { \"Code\": 16, \"Name\": \"running\" },\n"
    "                    \"IamInstanceProfile\": { \"Arn\": "
    "\"arn:aws:iam::123456789012:instance-profile/web\", \"Id\": \"AIPAEXAMPLE1234567890\" },\n"
    "                    \"NetworkInterfaces\": [\n"
    "                        {\n"
    "                            \"Association\": { \"IpOwnerId\": \"amazon\", \"PublicDnsName\": "
    "\"ec2-54-210-17-33.compute-1.amazonaws.com\", \"PublicIp\": \"54.210.17.33\" },\n"
    "                            \"Attachment\": { \"DeviceIndex\": 0, \"Status\": \"attached\" "
    "},\n"
    "                            \"Groups\": [ { \"GroupName\": \"web\", \"GroupId\": "
    "\"sg-0aa11bb22cc33dd44\" }, { \"GroupName\": \"ssh-admin\", \"GroupId\": "
    "\"sg-0ee55ff66aa77bb88\" } ],\n"
    "                            \"Ipv6Addresses\": [ { \"Ipv6Address\": "
    "\"2600:1f18:4a3:6900::25\" } ],\n"
    "                            \"MacAddress\": \"0a:1b:2c:3d:4e:5f\",\n"
    "                            \"NetworkInterfaceId\": \"eni-0a1b2c3d4e5f60718\",\n"
    "                            \"PrivateDnsName\": \"ip-10-0-1-25.ec2.internal\",\n"
    "                            \"PrivateIpAddress\": \"10.0.1.25\",\n"
    "                            \"PrivateIpAddresses\": [\n"
    "                                { \"Primary\": false, \"PrivateDnsName\": "
    "\"ip-10-0-1-26.ec2.internal\", \"PrivateIpAddress\": \"10.0.1.26\" },\n"
    "                                { \"Association\": { \"PublicIp\": \"54.210.17.33\" }, "
    "\"Primary\": true, \"PrivateDnsName\": \"ip-10-0-1-25.ec2.internal\", "
    "\"PrivateIpAddress\": \"10.0.1.25\" }\n"
    "                            ],\n"
    "                            \"SubnetId\": \"subnet-0123abcd4567ef890\",\n"
    "                            \"VpcId\": \"vpc-0a1b2c3d4e5f67890\"\n"
    "                        },\n"
    "                        {\n"
    "                            \"NetworkInterfaceId\": \"eni-0ffee0000000000b2\",\n"
    "                            \"PrivateIpAddress\": \"10.0.2.40\",\n"
    "                            \"SubnetId\": \"subnet-0fedcba987654321a\",\n"
    "                            \"VpcId\": \"vpc-0a1b2c3d4e5f67890\"\n"
    "                        }\n"
    "                    ],\n"
    "                    \"Tags\": [ { \"Key\": \"Name\", \"Value\": \"web-1\" }, { \"Key\": "
    "\"team\", \"Value\": \"\" } ]\n"
    "                }\n"
    "            ]\n"
    "        }\n"
    "    ]\n"
    "}\n";

/* describe-network-interfaces: the instance's first interface again (merged), an interface of
 * an instance no file describes, and a NAT gateway's interface (attached to nothing). */
static const char interfaces_json[] =
    "{\"NetworkInterfaces\": [\n"
    " {\"NetworkInterfaceId\": \"eni-0a1b2c3d4e5f60718\", \"Attachment\": {\"InstanceId\": "
    "\"i-0123456789abcdef0\"}, \"PrivateIpAddress\": \"10.0.1.99\", \"SubnetId\": "
    "\"subnet-other\", \"Description\": \"\"},\n"
    " {\"NetworkInterfaceId\": \"eni-0b000000000000001\", \"Attachment\": {\"InstanceId\": "
    "\"i-0fffffffffffffff1\"}, \"PrivateIpAddress\": \"10.0.3.7\", \"Groups\": [{\"GroupId\": "
    "\"sg-1\"}], \"Ipv6Addresses\": [], \"TagSet\": []},\n"
    " {\"NetworkInterfaceId\": \"eni-0c000000000000002\", \"InterfaceType\": \"nat_gateway\", "
    "\"PrivateIpAddress\": \"10.0.0.10\", \"Association\": {\"PublicIp\": \"3.210.1.2\"}}\n"
    "]}\n";

struct fixture {
    struct vg_inventory *inv;
    struct vg_diag diag;
};

static void load(struct fixture *fx, const char *name, const char *json)
{
    assert_int_equal(vg_inventory_load_buffer(fx->inv, name, json, strlen(json), &fx->diag), VG_OK);
}

static void start(struct fixture *fx)
{
    fx->inv = vg_inventory_new();
    assert_non_null(fx->inv);
    vg_diag_init(&fx->diag, 100, NULL, NULL);
}

static void freeze(struct fixture *fx)
{
    assert_int_equal(vg_inventory_freeze(fx->inv), VG_OK);
}

static const struct vg_inventory_instance *instance(struct fixture *fx, const char *id)
{
    return vg_inventory_find_instance(fx->inv, vg_str_from(id));
}

static const struct vg_inventory_interface *interface(struct fixture *fx, const char *id)
{
    return vg_inventory_find_interface(fx->inv, vg_str_from(id));
}

static const struct vg_inventory_interface *by_address(struct fixture *fx, const char *text)
{
    struct vg_ip ip;
    assert_true(vg_ip_parse(vg_str_from(text), &ip));
    return vg_inventory_find_address(fx->inv, &ip);
}

static void assert_ip(const struct vg_ip *ip, const char *text)
{
    char buf[64];
    assert_non_null(vg_ip_format(ip, buf, sizeof(buf)));
    assert_string_equal(buf, text);
}

static void test_inventory_describe_instances(void **unused)
{
    (void)unused;
    struct fixture fx;
    start(&fx);
    load(&fx, "instances.json", instances_json);
    freeze(&fx);
    assert_int_equal(fx.diag.total, 0);

    const struct vg_inventory_instance *in = instance(&fx, "i-0123456789abcdef0");
    assert_non_null(in);
    assert_string_equal(in->type, "t3.micro");
    assert_string_equal(in->image_id, "ami-0abcdef1234567890");
    assert_string_equal(in->launch_time, "2024-03-01T09:15:42.000Z");
    assert_string_equal(in->availability_zone, "us-east-1a");
    assert_string_equal(in->state, "running");
    assert_null(in->platform);
    assert_null(in->outpost_arn);
    assert_string_equal(in->profile_arn, "arn:aws:iam::123456789012:instance-profile/web");
    assert_string_equal(in->profile_id, "AIPAEXAMPLE1234567890");
    assert_int_equal(in->tag_count, 2);
    assert_string_equal(in->tags[0].first, "Name");
    assert_string_equal(in->tags[0].second, "web-1");
    assert_string_equal(in->tags[1].first, "team");
    assert_null(in->tags[1].second); /* an empty value is no value */
    assert_int_equal(in->product_code_count, 1);
    assert_string_equal(in->product_codes[0].second, "marketplace");

    assert_int_equal(in->interface_count, 2);
    const struct vg_inventory_interface *nic = in->interfaces[0];
    assert_ptr_equal(nic, interface(&fx, "eni-0a1b2c3d4e5f60718"));
    assert_string_equal(nic->instance_id, "i-0123456789abcdef0");
    assert_string_equal(nic->subnet_id, "subnet-0123abcd4567ef890");
    assert_string_equal(nic->vpc_id, "vpc-0a1b2c3d4e5f67890");
    assert_string_equal(nic->private_dns_name, "ip-10-0-1-25.ec2.internal");
    assert_string_equal(nic->public_dns_name, "ec2-54-210-17-33.compute-1.amazonaws.com");
    assert_ip(&nic->public_ip, "54.210.17.33");
    /* the primary first, though the file listed it second */
    assert_int_equal(nic->private_ip_count, 2);
    assert_ip(&nic->private_ips[0].ip, "10.0.1.25");
    assert_string_equal(nic->private_ips[0].dns_name, "ip-10-0-1-25.ec2.internal");
    assert_ip(&nic->private_ips[1].ip, "10.0.1.26");
    assert_int_equal(nic->ipv6_count, 1);
    assert_ip(&nic->ipv6[0], "2600:1f18:4a3:6900::25");
    assert_int_equal(nic->group_count, 2);
    assert_string_equal(nic->groups[1].first, "sg-0ee55ff66aa77bb88");
    assert_string_equal(nic->groups[1].second, "ssh-admin");
    assert_ptr_equal(in->interfaces[1], interface(&fx, "eni-0ffee0000000000b2"));
    assert_int_equal(in->interfaces[1]->private_ip_count, 1);

    assert_ptr_equal(by_address(&fx, "10.0.1.26"), nic);
    assert_ptr_equal(by_address(&fx, "2600:1f18:4a3:6900::25"), nic);
    assert_null(by_address(&fx, "54.210.17.33")); /* public: the flow log never shows it */
    assert_null(instance(&fx, "i-0123456789abcdef"));

    const struct vg_inventory_stats *st = vg_inventory_stats(fx.inv);
    assert_int_equal(st->instances, 1);
    assert_int_equal(st->interfaces, 2);
    assert_int_equal(st->addresses, 4);
    assert_int_equal(st->merged + st->skipped + st->ignored + st->ambiguous, 0);
    vg_inventory_free(fx.inv);
}

/* Interfaces listed before their instance's file is loaded still join it; a repeated interface
 * merges, its first values winning. */
static void test_inventory_network_interfaces_join_and_merge(void **unused)
{
    (void)unused;
    struct fixture fx;
    start(&fx);
    load(&fx, "enis.json", interfaces_json);
    load(&fx, "instances.json", instances_json);
    freeze(&fx);
    assert_int_equal(fx.diag.total, 0);

    const struct vg_inventory_instance *in = instance(&fx, "i-0123456789abcdef0");
    assert_non_null(in);
    assert_int_equal(in->interface_count, 2);
    const struct vg_inventory_interface *nic = in->interfaces[0];
    assert_string_equal(nic->id, "eni-0a1b2c3d4e5f60718");
    assert_string_equal(nic->subnet_id, "subnet-other"); /* first seen */
    assert_int_equal(nic->private_ip_count, 1);
    assert_ip(&nic->private_ips[0].ip, "10.0.1.99");
    assert_int_equal(nic->group_count, 2); /* not in the first record: filled by the second */
    assert_string_equal(nic->vpc_id, "vpc-0a1b2c3d4e5f67890");

    const struct vg_inventory_interface *orphan = interface(&fx, "eni-0b000000000000001");
    assert_non_null(orphan);
    assert_string_equal(orphan->instance_id, "i-0fffffffffffffff1");
    assert_null(instance(&fx, "i-0fffffffffffffff1"));
    assert_int_equal(orphan->group_count, 1);
    assert_null(orphan->groups[0].second);
    const struct vg_inventory_interface *nat = by_address(&fx, "10.0.0.10");
    assert_non_null(nat);
    assert_null(nat->instance_id);
    assert_ip(&nat->public_ip, "3.210.1.2");

    const struct vg_inventory_stats *st = vg_inventory_stats(fx.inv);
    assert_int_equal(st->instances, 1);
    assert_int_equal(st->interfaces, 4);
    assert_int_equal(st->merged, 1);
    assert_int_equal(st->files, 2);
    vg_inventory_free(fx.inv);
}

/* What `--query` makes: bare arrays of instances, of arrays of instances, of interfaces; and
 * pages of output concatenated into one file. */
static void test_inventory_query_shapes(void **unused)
{
    (void)unused;
    static const char *const shapes[] = {
        "[{\"InstanceId\":\"i-1\",\"InstanceType\":\"m5.large\"}]",
        "[[{\"InstanceId\":\"i-1\",\"InstanceType\":\"m5.large\"}]]",
        "[{\"ReservationId\":\"r-1\",\"Instances\":[{\"InstanceId\":\"i-1\",\"InstanceType\":"
        "\"m5.large\"}]}]",
        "{\"Reservations\":[]}\n{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-1\","
        "\"InstanceType\":\"m5.large\"}]}]}",
        "\xEF\xBB\xBF{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-1\",\"InstanceType\":"
        "\"m5.large\"}]}], \"NextToken\": null}",
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(shapes); i++) {
        struct fixture fx;
        start(&fx);
        load(&fx, "q.json", shapes[i]);
        freeze(&fx);
        assert_int_equal(fx.diag.total, 0);
        const struct vg_inventory_instance *in = instance(&fx, "i-1");
        assert_non_null(in);
        assert_string_equal(in->type, "m5.large");
        vg_inventory_free(fx.inv);
    }
    struct fixture fx;
    start(&fx);
    load(&fx, "q.json", "[{\"NetworkInterfaceId\":\"eni-1\",\"PrivateIpAddress\":\"10.1.1.1\"}]");
    freeze(&fx);
    assert_non_null(by_address(&fx, "10.1.1.1"));
    vg_inventory_free(fx.inv);
}

/* Hostile and broken records: each is reported once with its location, what is usable of it
 * loads, and the record after it loads untouched. */
static void test_inventory_hostile_fields(void **unused)
{
    (void)unused;
    static const struct {
        const char *instance; /* members of the first instance, after its id (or instead) */
        const char *message;  /* the one report expected */
        bool loaded;          /* the first instance is still there */
    } cases[] = {
        { "\"InstanceId\":\"i-1\",\"InstanceType\":7",
          "t.json:2: instance 'i-1': 'InstanceType' is not a string; ignored", true },
        { "\"InstanceId\":\"i-1\",\"Tags\":{\"Key\":\"a\"}",
          "t.json:2: instance 'i-1': 'Tags' is not an array; ignored", true },
        { "\"InstanceId\":\"i-1\",\"Tags\":[1]",
          "t.json:2: instance 'i-1': 'Tags' has an entry that is not an object; ignored", true },
        { "\"InstanceId\":\"i-1\",\"Tags\":[{\"Value\":\"x\"}]",
          "t.json:2: instance 'i-1': 'Tags' has an entry without 'Key'; ignored", true },
        { "\"InstanceId\":\"i-1\",\"Placement\":\"us-east-1a\"",
          "t.json:2: instance 'i-1': 'Placement' is not an object; ignored", true },
        { "\"InstanceId\":\"i-1\",\"LaunchTime\":\"yesterday\"",
          "t.json:2: instance 'i-1': 'LaunchTime' is not an ISO 8601 time; ignored", true },
        { "\"InstanceId\":\"i-1\",\"ImageId\":\"ami-\\u0000x\"",
          "t.json:2: instance 'i-1': 'ImageId' contains a NUL byte; ignored", true },
        { "\"InstanceId\":\"i-1\",\"NetworkInterfaces\":[{\"PrivateIpAddress\":\"10.0.0.1\"}]",
          "t.json:2: network interface 'NetworkInterfaceId' is missing; skipped", true },
        { "\"InstanceId\":\"i-1\",\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\","
          "\"PrivateIpAddress\":\"2600::1\"}]",
          "t.json:2: network interface 'eni-1': 'PrivateIpAddress' is not an IPv4 address; "
          "ignored",
          true },
        { "\"InstanceId\":\"i-1\",\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\","
          "\"Ipv6Addresses\":[\"10.0.0.1\"]}]",
          "t.json:2: network interface 'eni-1': 'Ipv6Addresses' has an entry that is not an IPv6 "
          "address; ignored",
          true },
        { "\"InstanceId\":\"i-1\",\"NetworkInterfaces\":[\"eni-1\"]",
          "t.json:2: network interface entry is not an object; skipped", true },
        { "\"InstanceId\":12345", "t.json:2: instance 'InstanceId' is not a string; skipped",
          false },
        { "\"InstanceId\":\"\"", "t.json:2: instance 'InstanceId' is empty; skipped", false },
        { "\"InstanceType\":\"t3.micro\"", "t.json:2: instance 'InstanceId' is missing; skipped",
          false },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        char json[1024];
        snprintf(json, sizeof(json),
                 "{\"Reservations\":[{\"Instances\":[\n{%s},\n{\"InstanceId\":\"i-2\","
                 "\"InstanceType\":\"c5.xlarge\"}]}]}",
                 cases[i].instance);
        struct fixture fx;
        start(&fx);
        load(&fx, "t.json", json);
        freeze(&fx);
        if (fx.diag.total != 1 || strcmp(fx.diag.last, cases[i].message) != 0)
            fail_msg("case %zu: %" PRIu64 " reports, last '%s'", i, fx.diag.total, fx.diag.last);
        assert_int_equal(instance(&fx, "i-1") != NULL, cases[i].loaded);
        assert_non_null(instance(&fx, "i-2"));
        assert_string_equal(instance(&fx, "i-2")->type, "c5.xlarge");
        const struct vg_inventory_stats *st = vg_inventory_stats(fx.inv);
        assert_int_equal(st->skipped + st->ignored, 1);
        vg_inventory_free(fx.inv);
    }
}

/* Huge strings are refused, not cut (a cut id would name another resource); lists stop at their
 * cap and say so once. */
static void test_inventory_limits(void **unused)
{
    (void)unused;
    struct vg_buf json = VG_BUF_INIT;
    assert_int_equal(vg_buf_adds(&json, "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\""),
                     0);
    for (int i = 0; i < 300; i++)
        assert_int_equal(vg_buf_addc(&json, 'x'), 0);
    assert_int_equal(vg_buf_adds(&json, "\"},{\"InstanceId\":\"i-1\",\"InstanceType\":\""), 0);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(vg_buf_addc(&json, 'y'), 0);
    assert_int_equal(vg_buf_adds(&json, "\",\"Tags\":["), 0);
    for (int i = 0; i < 60; i++)
        assert_int_equal(
            vg_buf_printf(&json, "%s{\"Key\":\"k%d\",\"Value\":\"v\"}", i ? "," : "", i), 0);
    assert_int_equal(vg_buf_adds(&json, "],\"NetworkInterfaces\":["), 0);
    for (int i = 0; i < 130; i++)
        assert_int_equal(
            vg_buf_printf(&json, "%s{\"NetworkInterfaceId\":\"eni-%d\"}", i ? "," : "", i), 0);
    assert_int_equal(vg_buf_adds(&json, "]}]}]}"), 0);

    struct fixture fx;
    start(&fx);
    assert_int_equal(vg_inventory_load_buffer(fx.inv, "big.json", json.data, json.len, &fx.diag),
                     VG_OK);
    freeze(&fx);
    const struct vg_inventory_instance *in = instance(&fx, "i-1");
    assert_non_null(in);
    assert_null(in->type);
    assert_int_equal(in->tag_count, 50);
    assert_string_equal(in->tags[49].first, "k49");
    assert_int_equal(in->interface_count, 128);
    const struct vg_inventory_stats *st = vg_inventory_stats(fx.inv);
    assert_int_equal(st->interfaces, 130);
    assert_int_equal(st->skipped, 1);     /* the 300-byte id */
    assert_int_equal(st->ignored, 2 + 2); /* the type, the tags; 2 interfaces past the cap */
    assert_int_equal(fx.diag.total, 3);
    assert_non_null(strstr(fx.diag.last, "'Tags' has 60 entries; the first 50 are kept"));
    vg_inventory_free(fx.inv);
    vg_buf_release(&json);
}

/* Whole documents that are not an inventory, or not JSON: reported with their place, and what
 * came before still loads. */
static void test_inventory_bad_documents(void **unused)
{
    (void)unused;
    static const struct {
        const char *json;
        const char *message;
    } cases[] = {
        { "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-1\"}]}]}\n\n{\"Reservations\":"
          "[{\"Instances\":[{\"InstanceId\":\"i-2\",}]}]}",
          "t.json:3: inventory is not valid JSON: " },
        { "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-1\"}]}]}\n{\"Users\":[]}",
          "t.json:2: document has neither 'Reservations' nor 'NetworkInterfaces'" },
        { "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-1\"}]}]}\n\"hello\"",
          "t.json:2: document has neither" },
        { "[{\"InstanceId\":\"i-1\"}, {\"UserName\":\"bob\"}]", "t.json:1: entry is neither" },
        { "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-1\"}]}, 5]}",
          "t.json:1: reservation entry is not an object; skipped" },
        { "{\"Reservations\":[{\"Instances\":[{\"InstanceId\":\"i-1\"}]}],\"NetworkInterfaces\":"
          "{}}",
          "t.json:1: document 'NetworkInterfaces' is not an array; ignored" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct fixture fx;
        start(&fx);
        load(&fx, "t.json", cases[i].json);
        freeze(&fx);
        if (fx.diag.total != 1 ||
            strncmp(fx.diag.last, cases[i].message, strlen(cases[i].message)) != 0)
            fail_msg("case %zu: %" PRIu64 " reports, last '%s'", i, fx.diag.total, fx.diag.last);
        assert_non_null(instance(&fx, "i-1"));
        vg_inventory_free(fx.inv);
    }

    /* nesting past the JSON reader's limit is its own kind of report */
    struct fixture fx;
    start(&fx);
    char deep[200];
    memset(deep, '[', sizeof(deep) - 1);
    deep[sizeof(deep) - 1] = '\0';
    load(&fx, "deep.json", deep);
    assert_int_equal(fx.diag.counts[VG_DIAG_TOO_DEEP], 1);
    vg_inventory_free(fx.inv);
}

/* The same address on two interfaces (overlapping VPC ranges) answers no address lookup. */
static void test_inventory_ambiguous_address(void **unused)
{
    (void)unused;
    struct fixture fx;
    start(&fx);
    load(&fx, "a.json",
         "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-a\",\"VpcId\":\"vpc-1\","
         "\"PrivateIpAddress\":\"10.0.0.5\",\"PrivateIpAddresses\":[{\"PrivateIpAddress\":"
         "\"10.0.0.5\"},{\"PrivateIpAddress\":\"10.0.0.6\"}]},{\"NetworkInterfaceId\":\"eni-b\","
         "\"VpcId\":\"vpc-2\",\"PrivateIpAddress\":\"10.0.0.5\"}]}");
    freeze(&fx);
    assert_int_equal(fx.diag.total, 0);
    assert_null(by_address(&fx, "10.0.0.5"));
    assert_string_equal(by_address(&fx, "10.0.0.6")->id, "eni-a");
    assert_int_equal(interface(&fx, "eni-a")->private_ip_count, 2); /* primary not doubled */
    assert_int_equal(vg_inventory_stats(fx.inv)->ambiguous, 1);
    assert_int_equal(vg_inventory_stats(fx.inv)->addresses, 2);
    vg_inventory_free(fx.inv);
}

/* Instance-to-instance traffic is private on both ends: only the inventory tells the resolver
 * which end each interface is. */
static void test_inventory_declares_addresses(void **unused)
{
    (void)unused;
    struct fixture fx;
    start(&fx);
    load(&fx, "instances.json", instances_json);
    freeze(&fx);
    struct vg_flow_sides *sides = vg_flow_sides_new(1 << 20);
    assert_non_null(sides);
    assert_int_equal(vg_inventory_declare(fx.inv, sides), VG_OK);
    struct vg_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.source = VG_SOURCE_VPCFLOW;
    ev.flow.interface_id = VG_STR("eni-0a1b2c3d4e5f60718");
    assert_true(vg_ip_parse(VG_STR("10.0.9.9"), &ev.flow.src));
    assert_true(vg_ip_parse(VG_STR("10.0.1.25"), &ev.flow.dst));
    vg_flow_sides_resolve(sides, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_DST);
    ev.flow.interface_id = VG_STR("eni-0ffee0000000000b2");
    assert_true(vg_ip_parse(VG_STR("10.0.2.40"), &ev.flow.src));
    vg_flow_sides_resolve(sides, &ev);
    assert_int_equal(ev.flow.local, VG_FLOW_LOCAL_SRC);
    vg_flow_sides_free(sides);
    vg_inventory_free(fx.inv);
}

/* The default flow log format has no instance-id: the interface's instance fills it; an id the
 * record carries is never replaced. */
static void test_inventory_annotates_instance(void **unused)
{
    (void)unused;
    struct fixture fx;
    start(&fx);
    load(&fx, "instances.json", instances_json);
    load(&fx, "enis.json", interfaces_json);
    freeze(&fx);
    static const struct {
        const char *interface, *instance, *want;
    } cases[] = {
        { "eni-0ffee0000000000b2", "", "i-0123456789abcdef0" },
        { "eni-0b000000000000001", "", "i-0fffffffffffffff1" }, /* instance not described */
        { "eni-0c000000000000002", "", "" },                    /* a NAT gateway's */
        { "eni-0ffee0000000000b2", "i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa1" },
        { "eni-unknown", "", "" },
        { "", "", "" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.source = VG_SOURCE_VPCFLOW;
        ev.flow.interface_id = vg_str_from(cases[i].interface);
        ev.flow.instance_id = vg_str_from(cases[i].instance);
        vg_inventory_annotate(fx.inv, &ev);
        if (!vg_str_eq(ev.flow.instance_id, vg_str_from(cases[i].want)))
            fail_msg("case %zu: instance '%.*s'", i, (int)ev.flow.instance_id.len,
                     ev.flow.instance_id.ptr);
    }
    vg_inventory_free(fx.inv);
}

/* A folder is read whole, in name order; an unreadable path is an error the caller sees. */
static void test_inventory_load_folder(void **unused)
{
    (void)unused;
    char dir[] = "/tmp/vigil-inventory-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/instances.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(instances_json, f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/enis.json", dir);
    assert_non_null(f = fopen(path, "w"));
    fputs(interfaces_json, f);
    fclose(f);

    struct fixture fx;
    start(&fx);
    assert_int_equal(vg_inventory_load(fx.inv, dir, &fx.diag), VG_OK);
    assert_int_equal(vg_inventory_load(fx.inv, "/nonexistent/inventory.json", &fx.diag), VG_EIO);
    freeze(&fx);
    assert_int_equal(fx.diag.total, 1);
    assert_int_equal(vg_inventory_stats(fx.inv)->files, 2);
    /* enis.json sorts first: its values won */
    assert_string_equal(interface(&fx, "eni-0a1b2c3d4e5f60718")->subnet_id, "subnet-other");
    vg_inventory_free(fx.inv);
    unlink(path);
    snprintf(path, sizeof(path), "%s/instances.json", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inventory_describe_instances),
        cmocka_unit_test(test_inventory_network_interfaces_join_and_merge),
        cmocka_unit_test(test_inventory_query_shapes),
        cmocka_unit_test(test_inventory_hostile_fields),
        cmocka_unit_test(test_inventory_limits),
        cmocka_unit_test(test_inventory_bad_documents),
        cmocka_unit_test(test_inventory_ambiguous_address),
        cmocka_unit_test(test_inventory_declares_addresses),
        cmocka_unit_test(test_inventory_annotates_instance),
        cmocka_unit_test(test_inventory_load_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
