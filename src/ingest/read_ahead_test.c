/* The read-ahead reader gives the same objects, in the same order, with the same reports, as
 * reading one file after another, threaded or not. */
#include "ingest/read_ahead.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"

static char dir[64];

static void write_file(const char *name, const void *data, size_t len)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static int setup(void **unused)
{
    (void)unused;
    snprintf(dir, sizeof(dir), "/tmp/vigil-read-ahead-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char body[64];
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof(name), "f%d", i);
        int n = snprintf(body, sizeof(body), "object %d\n", i);
        write_file(name, body, (size_t)n);
    }
    /* a gzip header and nothing after it: corrupt */
    static const unsigned char broken[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3,
                                            1,    2,    3, 4, 5, 6, 7, 8, 9, 10 };
    write_file("broken.gz", broken, sizeof(broken));
    return 0;
}

static int teardown(void **unused)
{
    (void)unused;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void count_message(void *ctx, enum vg_diag_code code, const char *message)
{
    (void)code;
    (void)message;
    (*(unsigned *)ctx)++;
}

/* Submit f0, missing, broken.gz, f1..f4 the way the scan does (one ahead) and check what comes
 * back. */
static void run(bool threaded)
{
    struct vg_read_ahead *r = vg_read_ahead_new(threaded);
    assert_non_null(r);
    unsigned printed = 0;
    struct vg_diag diag;
    vg_diag_init(&diag, 100, count_message, &printed);
    const char *names[] = { "f0", "missing", "broken.gz", "f1", "f2", "f3", "f4" };
    char path[128];
    unsigned got_objects = 0, in_flight = 0, index = 0;
    for (size_t i = 0; i <= VG_ARRAY_LEN(names); i++) {
        if (i < VG_ARRAY_LEN(names)) {
            snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
            assert_int_equal(vg_read_ahead_submit(r, path), VG_OK);
            in_flight++;
        }
        while (in_flight == 2 || (i == VG_ARRAY_LEN(names) && in_flight)) {
            const char *name, *data;
            size_t len;
            int rc = vg_read_ahead_take(r, &diag, &name, &data, &len);
            in_flight--;
            assert_non_null(strstr(name, names[index]));
            if (strcmp(names[index], "missing") == 0) {
                assert_int_equal(rc, VG_EIO);
            } else if (strcmp(names[index], "broken.gz") == 0) {
                assert_int_equal(rc, VG_OK); /* reported, nothing salvaged */
                assert_int_equal(len, 0);
            } else {
                assert_int_equal(rc, VG_OK);
                char want[32];
                snprintf(want, sizeof(want), "object %c\n", names[index][1]);
                assert_int_equal(len, strlen(want));
                assert_memory_equal(data, want, len);
                got_objects++;
            }
            index++;
        }
    }
    assert_int_equal(got_objects, 5);
    assert_int_equal(diag.counts[VG_DIAG_IO], 1);
    assert_int_equal(diag.counts[VG_DIAG_GZIP], 1);
    assert_int_equal(printed, 2);
    const char *name, *data;
    size_t len;
    assert_int_equal(vg_read_ahead_take(r, &diag, &name, &data, &len), VG_ENOTFOUND);
    assert_true(vg_read_ahead_bytes_read(r) > 5 * 9);
    vg_read_ahead_free(r);
}

static void test_threaded(void **unused)
{
    (void)unused;
    run(true);
}

static void test_synchronous(void **unused)
{
    (void)unused;
    run(false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threaded),
        cmocka_unit_test(test_synchronous),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
