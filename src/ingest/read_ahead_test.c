/* The read-ahead reader gives the same objects, in the same order, with the same reports, as
 * reading one file after another, threaded or not. */
#include "ingest/read_ahead.h"

#include <setjmp.h>
#include <unistd.h>
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

/* What the prepare hook made of each slot's object: the object, copied, so the caller can tell
 * a slot was prepared with the object it takes and not with an older or newer one. */
struct prepared_slots {
    char copy[VG_READ_AHEAD_DEPTH][32];
    unsigned prepared, declined;
};

static bool prepare_copy(void *ctx, unsigned slot, const char *path, const char *data, size_t len)
{
    struct prepared_slots *p = ctx;
    assert_true(slot < VG_READ_AHEAD_DEPTH);
    if (strstr(path, "/f2")) { /* declined: the caller gets it to parse itself */
        p->declined++;
        return false;
    }
    assert_true(len < sizeof(p->copy[slot]));
    memcpy(p->copy[slot], data, len);
    p->copy[slot][len] = '\0';
    p->prepared++;
    return true;
}

/* Submit f0, missing, broken.gz, f1..f4 (rounds times over) the way the scan does (as many
 * ahead as there are slots) and check what comes back. */
static void run(bool threaded, struct prepared_slots *prep, unsigned rounds)
{
    struct vg_read_ahead *r =
        vg_read_ahead_new(threaded, 1 << 20, prep ? prepare_copy : NULL, prep);
    assert_non_null(r);
    unsigned printed = 0;
    struct vg_diag diag;
    vg_diag_init(&diag, 1000, count_message, &printed);
    const char *names[] = { "f0", "missing", "broken.gz", "f1", "f2", "f3", "f4" };
    const size_t total = rounds * VG_ARRAY_LEN(names);
    char path[128];
    unsigned got_objects = 0, got_prepared = 0, in_flight = 0, index = 0;
    for (size_t i = 0; i <= total; i++) {
        if (i < total) {
            snprintf(path, sizeof(path), "%s/%s", dir, names[i % VG_ARRAY_LEN(names)]);
            assert_int_equal(vg_read_ahead_submit(r, path), VG_OK);
            in_flight++;
        }
        while (in_flight == VG_READ_AHEAD_DEPTH || (i == total && in_flight)) {
            struct vg_read_ahead_object o;
            int rc = vg_read_ahead_take(r, &diag, &o);
            in_flight--;
            const char *name = names[index % VG_ARRAY_LEN(names)];
            assert_non_null(strstr(o.path, name));
            if (strcmp(name, "missing") == 0) {
                assert_int_equal(rc, VG_EIO);
                assert_false(o.prepared);
            } else if (strcmp(name, "broken.gz") == 0) {
                assert_int_equal(rc, VG_OK); /* reported, nothing salvaged */
                assert_int_equal(o.len, 0);
            } else {
                assert_int_equal(rc, VG_OK);
                char want[32];
                snprintf(want, sizeof(want), "object %c\n", name[1]);
                assert_int_equal(o.len, strlen(want));
                assert_memory_equal(o.data, want, o.len);
                if (o.prepared) {
                    assert_string_equal(prep->copy[o.slot], want);
                    got_prepared++;
                }
                assert_false(o.prepared && strcmp(name, "f2") == 0);
                got_objects++;
            }
            index++;
        }
    }
    assert_int_equal(got_objects, 5 * rounds);
    assert_int_equal(diag.counts[VG_DIAG_IO], rounds);
    assert_int_equal(diag.counts[VG_DIAG_GZIP], rounds);
    assert_int_equal(printed, 2 * rounds);
    if (!threaded || !prep)
        assert_int_equal(got_prepared, 0);
    else /* prepared ones the caller took first are not counted as taken prepared */
        assert_true(got_prepared <= prep->prepared);
    struct vg_read_ahead_object o;
    assert_int_equal(vg_read_ahead_take(r, &diag, &o), VG_ENOTFOUND);
    assert_int_equal(vg_read_ahead_bytes_read(r), rounds * (5 * 9 + 20));
    vg_read_ahead_free(r);
}

static void test_threaded(void **unused)
{
    (void)unused;
    run(true, NULL, 1);
}

static void test_synchronous(void **unused)
{
    (void)unused;
    struct prepared_slots prep = { 0 };
    run(false, &prep, 1);
    assert_int_equal(prep.prepared + prep.declined, 0);
}

/* With a prepare hook, over many objects: each object the caller gets prepared was prepared
 * with its own bytes, whichever thread got to it first. */
static void test_prepared(void **unused)
{
    (void)unused;
    struct prepared_slots prep = { 0 };
    run(true, &prep, 200);
    assert_true(prep.prepared > 0);
}

/* Wait (5 s at most) for the worker to have started `want` reads, then a little longer, and
 * return how many it started: a worker that should stop at `want` has had time not to. */
static unsigned started_after(struct vg_read_ahead *r, unsigned want)
{
    for (int i = 0; i < 500 && vg_read_ahead_started(r) < want; i++)
        usleep(10000);
    usleep(50000);
    return vg_read_ahead_started(r);
}

/* Objects over the budget: one read ahead of the caller's, as with a single slot; under it,
 * as many as there are slots. */
static void test_budget(void **unused)
{
    (void)unused;
    for (int big = 0; big < 2; big++) {
        struct vg_read_ahead *r = vg_read_ahead_new(true, big ? 1 : 1 << 20, NULL, NULL);
        assert_non_null(r);
        struct vg_diag diag;
        vg_diag_init(&diag, 10, NULL, NULL);
        char path[128];
        for (int i = 0; i < VG_READ_AHEAD_DEPTH; i++) {
            snprintf(path, sizeof(path), "%s/f%d", dir, i);
            assert_int_equal(vg_read_ahead_submit(r, path), VG_OK);
        }
        assert_int_equal(started_after(r, big ? 1 : VG_READ_AHEAD_DEPTH),
                         big ? 1 : VG_READ_AHEAD_DEPTH);
        struct vg_read_ahead_object o;
        assert_int_equal(vg_read_ahead_take(r, &diag, &o), VG_OK);
        assert_non_null(strstr(o.path, "/f0"));
        if (big) /* the caller holds f0 now: one more ahead of it */
            assert_int_equal(started_after(r, 2), 2);
        for (int i = 1; i < VG_READ_AHEAD_DEPTH; i++) {
            assert_int_equal(vg_read_ahead_take(r, &diag, &o), VG_OK);
            snprintf(path, sizeof(path), "/f%d", i);
            assert_non_null(strstr(o.path, path));
        }
        vg_read_ahead_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threaded),
        cmocka_unit_test(test_synchronous),
        cmocka_unit_test(test_prepared),
        cmocka_unit_test(test_budget),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
