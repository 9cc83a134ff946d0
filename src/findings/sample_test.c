/*
 * Tests for sample findings (sample.h): every catalog type gets a sample that renders as a
 * GuardDuty finding of the right type and shape, says it is a sample, and has an id of its own
 * per nonce.  jansson reads the rendered JSON, so the test does not trust vigil's own reader.
 *
 * With $VIGIL_SAMPLE_FINDINGS_OUT set, the samples are also written there as one GetFindings
 * response ({"findings": [...]}), for tests/compat/botocore_check.py.
 */
#include "findings/sample.h"

#include "core/buf.h"
#include "core/err.h"
#include "findings/catalog.h"
#include "findings/render.h"

#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>

#define ACCOUNT "123456789012"
#define REGION "eu-west-1"
#define NOW_MS INT64_C(1700000000123)

static json_t *render_sample(enum vg_finding_type type, uint64_t nonce, struct vg_buf *text)
{
    struct vg_finding f;
    assert_int_equal(vg_sample_finding(type, ACCOUNT, REGION, NOW_MS, nonce, &f), VG_OK);
    struct vg_render_opts opts = { .now_ms = NOW_MS, .sample = true };
    size_t start = text->len;
    assert_int_equal(vg_render_json(text, &f, &opts), VG_OK);
    vg_finding_release(&f);
    json_error_t err;
    json_t *j = json_loadb(text->data + start, text->len - start, 0, &err);
    if (!j)
        fail_msg("%s: sample is not JSON: %s at %d", vg_catalog_get(type)->name, err.text,
                 err.position);
    return j;
}

/* The string at a dotted path ("service.action.actionType"); NULL when there is none. */
static const char *str_at(json_t *j, const char *path)
{
    char keys[128];
    assert_true((size_t)snprintf(keys, sizeof(keys), "%s", path) < sizeof(keys));
    char *save = NULL;
    for (char *k = strtok_r(keys, ".", &save); k && j; k = strtok_r(NULL, ".", &save))
        j = json_object_get(j, k);
    return json_string_value(j);
}

/* The action a type's real findings carry, from the catalog: what the sample must match. */
static const char *expected_action(enum vg_finding_type type)
{
    const struct vg_catalog_entry *c = vg_catalog_get(type);
    if (c->sources & VG_FT_SRC_VPCFLOW)
        return strstr(c->name, "/PortProbe") ? "PORT_PROBE" : "NETWORK_CONNECTION";
    return c->sources & VG_FT_SRC_DNS ? "DNS_REQUEST" : "AWS_API_CALL";
}

static void check_sample(enum vg_finding_type type, json_t *j)
{
    const struct vg_catalog_entry *c = vg_catalog_get(type);
    assert_string_equal(str_at(j, "type"), c->name);
    assert_string_equal(str_at(j, "accountId"), ACCOUNT);
    assert_string_equal(str_at(j, "region"), REGION);
    assert_string_equal(str_at(j, "resource.resourceType"), c->resource_type);
    const char *title = str_at(j, "title");
    assert_non_null(title);
    assert_true(strncmp(title, "[SAMPLE] ", 9) == 0);
    assert_null(strchr(title, '{')); /* every template placeholder was filled */
    assert_null(strchr(str_at(j, "description"), '{'));
    /* a template placeholder renders "unknown" when the sample lacks its field */
    assert_null(strstr(title, "unknown"));
    assert_null(strstr(str_at(j, "description"), "unknown"));

    const char *id = str_at(j, "id");
    assert_int_equal(strlen(id), 32);
    assert_int_equal(strspn(id, "0123456789abcdef"), 32);

    const char *info_text = str_at(j, "service.additionalInfo.value");
    assert_non_null(info_text);
    json_t *info = json_loads(info_text, 0, NULL);
    assert_non_null(info);
    assert_true(json_is_true(json_object_get(info, "sample")));
    json_decref(info);

    const char *action = expected_action(type);
    assert_string_equal(str_at(j, "service.action.actionType"), action);
    json_t *act = json_object_get(json_object_get(j, "service"), "action");
    static const struct {
        const char *type, *member;
    } members[] = {
        { "AWS_API_CALL", "awsApiCallAction" },
        { "NETWORK_CONNECTION", "networkConnectionAction" },
        { "PORT_PROBE", "portProbeAction" },
        { "DNS_REQUEST", "dnsRequestAction" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(members); i++)
        assert_int_equal(json_object_get(act, members[i].member) != NULL,
                         strcmp(members[i].type, action) == 0);

    json_t *res = json_object_get(j, "resource");
    bool api = strcmp(action, "AWS_API_CALL") == 0;
    assert_int_equal(json_object_get(res, "accessKeyDetails") != NULL, api);
    assert_int_equal(json_object_get(res, "instanceDetails") != NULL, !api);
    if (strcmp(c->resource_type, "S3Bucket") == 0)
        assert_non_null(json_object_get(res, "s3BucketDetails"));
    if (!api)
        assert_string_equal(str_at(j, "resource.instanceDetails.instanceId"), "i-99999999");
    if (strcmp(action, "PORT_PROBE") == 0)
        assert_true(json_array_size(json_object_get(json_object_get(act, "portProbeAction"),
                                                    "portProbeDetails")) > 0);
    if (strcmp(action, "DNS_REQUEST") == 0)
        assert_non_null(str_at(j, "service.action.dnsRequestAction.domain"));
    if (api)
        assert_string_equal(
            str_at(j, "service.action.awsApiCallAction.remoteIpDetails.ipAddressV4"),
            "198.51.100.0");
    json_t *lists = json_object_get(json_object_get(json_object_get(j, "service"), "evidence"),
                                    "threatIntelligenceDetails");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(lists, 0), "threatListName")),
        "GeneratedFindingThreatListName");
}

/* Every type renders as its kind's finding; the lines go to $VIGIL_SAMPLE_FINDINGS_OUT. */
static void test_sample_every_type(void **state)
{
    (void)state;
    struct vg_buf out = VG_BUF_INIT;
    assert_int_equal(vg_buf_adds(&out, "{\"findings\":["), VG_OK);
    for (int t = 0; t < VG_FT_COUNT; t++) {
        if (t)
            assert_int_equal(vg_buf_addc(&out, ','), VG_OK);
        json_t *j = render_sample((enum vg_finding_type)t, 1, &out);
        check_sample((enum vg_finding_type)t, j);
        json_decref(j);
    }
    assert_int_equal(vg_buf_adds(&out, "]}\n"), VG_OK);
    const char *path = getenv("VIGIL_SAMPLE_FINDINGS_OUT");
    if (path && *path) {
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        assert_int_equal(fwrite(out.data, 1, out.len, fp), out.len);
        assert_int_equal(fclose(fp), 0);
    }
    vg_buf_release(&out);
}

/* Two nonces make two findings; the same inputs make the same id (a retried request). */
static void test_sample_ids(void **state)
{
    (void)state;
    for (int t = 0; t < VG_FT_COUNT; t++) {
        struct vg_finding a, b, c;
        assert_int_equal(vg_sample_finding((enum vg_finding_type)t, ACCOUNT, REGION, NOW_MS, 1, &a),
                         VG_OK);
        assert_int_equal(vg_sample_finding((enum vg_finding_type)t, ACCOUNT, REGION, NOW_MS, 2, &b),
                         VG_OK);
        assert_int_equal(vg_sample_finding((enum vg_finding_type)t, ACCOUNT, REGION, NOW_MS, 1, &c),
                         VG_OK);
        assert_string_not_equal(a.id, b.id);
        assert_string_equal(a.id, c.id);
        assert_int_equal(a.first_seen_ms, NOW_MS);
        assert_int_equal(a.last_seen_ms, NOW_MS);
        vg_finding_release(&a);
        vg_finding_release(&b);
        vg_finding_release(&c);
    }
    /* and the type, account and Region each change it */
    struct vg_finding x, y;
    assert_int_equal(vg_sample_finding(0, ACCOUNT, REGION, NOW_MS, 1, &x), VG_OK);
    assert_int_equal(vg_sample_finding(0, "210987654321", REGION, NOW_MS, 1, &y), VG_OK);
    assert_string_not_equal(x.id, y.id);
    vg_finding_release(&y);
    assert_int_equal(vg_sample_finding(0, ACCOUNT, "us-east-1", NOW_MS, 1, &y), VG_OK);
    assert_string_not_equal(x.id, y.id);
    vg_finding_release(&y);
    if (VG_FT_COUNT > 1) {
        assert_int_equal(vg_sample_finding(1, ACCOUNT, REGION, NOW_MS, 1, &y), VG_OK);
        assert_string_not_equal(x.id, y.id);
        vg_finding_release(&y);
    }
    vg_finding_release(&x);
}

/* Without opts.sample the same finding renders as an ordinary one: the flag is the only
 * difference a consumer can rely on, so it must come from the option. */
static void test_sample_flag_comes_from_opts(void **state)
{
    (void)state;
    struct vg_finding f;
    assert_int_equal(vg_sample_finding(0, ACCOUNT, REGION, NOW_MS, 1, &f), VG_OK);
    struct vg_render_opts opts = { .now_ms = NOW_MS };
    struct vg_buf b = VG_BUF_INIT;
    assert_int_equal(vg_render_json(&b, &f, &opts), VG_OK);
    vg_finding_release(&f);
    json_t *j = json_loads(b.data, 0, NULL);
    assert_non_null(j);
    assert_true(strncmp(str_at(j, "title"), "[SAMPLE]", 8) != 0);
    json_t *info = json_loads(str_at(j, "service.additionalInfo.value"), 0, NULL);
    assert_non_null(info);
    assert_null(json_object_get(info, "sample"));
    json_decref(info);
    json_decref(j);
    vg_buf_release(&b);
}

/* A CreateSampleFindings request names types; vg_catalog_find resolves them. */
static void test_sample_type_names(void **state)
{
    (void)state;
    for (int t = 0; t < VG_FT_COUNT; t++)
        assert_int_equal(vg_catalog_find(vg_catalog_get(t)->name), t);
    assert_int_equal(vg_catalog_find("Recon:EC2/NoSuchType"), VG_FT_COUNT);
    assert_int_equal(vg_catalog_find(""), VG_FT_COUNT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_every_type),
        cmocka_unit_test(test_sample_ids),
        cmocka_unit_test(test_sample_flag_comes_from_opts),
        cmocka_unit_test(test_sample_type_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
