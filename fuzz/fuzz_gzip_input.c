/*
 * Fuzz target: reading an object through src/ingest/input.c, the gzip path above all
 * (libdeflate first, zlib salvage of corrupt or truncated members, multi-member objects).
 *
 * vg_input_read() reads files, so each input is written to a temporary file (one name per
 * process, the file removed as soon as it has been read).  Checked against a reference built on
 * zlib's streaming inflate:
 *  - input that is not gzip comes back byte for byte;
 *  - input that zlib decodes cleanly as whole gzip members (and nothing after them) comes back
 *    as exactly zlib's output, with nothing reported;
 *  - damaged input may be reported, and what comes back is a prefix of what zlib inflates
 *    before the damage (the records in it are not lost, and nothing is invented);
 *  - VG_EIO only with a report, as input.h promises.
 */
#include "core/compat.h"
#include "core/diag.h"
#include "core/err.h"
#include "ingest/input.h"

#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_gzip_input: invariant failed: %s (%s:%d)\n", #cond, __FILE__,    \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static char path[64];
static struct vg_input input;
static bool ready;

static void cleanup(void)
{
    vg_input_release(&input);
}

/* A unique name, made once; the file itself exists only while one input is being read, so
 * runs that end abruptly (merge children, timeouts) leave nothing behind in /tmp. */
static void setup(void)
{
    snprintf(path, sizeof(path), "/tmp/vigil-fuzz-gzip-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path);
    CHECK(vg_input_init(&input) == VG_OK);
    atexit(cleanup);
    ready = true;
}

static void write_input(const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    CHECK(fd >= 0);
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        CHECK(n > 0);
        done += (size_t)n;
    }
    close(fd);
}

/* zlib's streaming reading of data as gzip members, member after member, for as long as it
 * goes.  *out (malloc'd, or NULL when out of memory) gets every byte inflated before the data
 * ended or broke; *clean says the data was whole members and nothing else.  Returns false when
 * there is no verdict: the output passed `limit`, or zlib stopped at a check libdeflate does not
 * make. */
static bool reference_gunzip(const uint8_t *data, size_t size, size_t limit, uint8_t **out,
                             size_t *out_len, bool *clean)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    *clean = false;
    *out = NULL;
    *out_len = 0;
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return false;
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    bool within = true;
    zs.next_in = (unsigned char *)(uintptr_t)data;
    zs.avail_in = (uInt)size;
    while (buf) {
        if (len == cap) {
            uint8_t *p = cap < limit ? realloc(buf, cap * 2) : NULL;
            if (!p) {
                within = false;
                break;
            }
            buf = p;
            cap *= 2;
        }
        zs.next_out = buf + len;
        zs.avail_out = (uInt)(cap - len);
        int z = inflate(&zs, Z_NO_FLUSH);
        len = cap - zs.avail_out;
        if (z == Z_STREAM_END) {
            if (zs.avail_in == 0) {
                *clean = true;
                break;
            }
            if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b)
                break; /* trailing bytes that are not another member */
            inflateReset(&zs);
            continue;
        }
        if (z != Z_OK || (zs.avail_in == 0 && zs.avail_out > 0)) {
            /* libdeflate skips the optional header CRC (FHCRC) that zlib checks: no verdict */
            if (zs.msg && strcmp(zs.msg, "header crc mismatch") == 0)
                within = false;
            break; /* damaged or truncated */
        }
    }
    inflateEnd(&zs);
    if (!buf || !within) {
        free(buf);
        return false;
    }
    *out = buf;
    *out_len = len;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready)
        setup();
    write_input(data, size);

    struct vg_diag diag;
    vg_diag_init(&diag, 0, NULL, NULL);
    const char *plain = NULL;
    size_t len = 0;
    int rc = vg_input_read(&input, path, &diag, &plain, &len);
    unlink(path);
    /* VG_EIO is allowed only when reported (input.h) */
    CHECK(rc == VG_OK || (rc == VG_EIO && diag.total > 0));
    if (rc != VG_OK)
        return 0;
    CHECK(plain != NULL);
    CHECK(plain[len] == '\0'); /* readable, and terminated as input.c keeps its buffers */

    bool gzip = size >= 18 && data[0] == 0x1f && data[1] == 0x8b;
    if (!gzip) {
        CHECK(len == size && (size == 0 || memcmp(plain, data, size) == 0));
        CHECK(diag.total == 0);
        return 0;
    }
    uint8_t *ref = NULL;
    size_t ref_len = 0;
    bool clean;
    if (reference_gunzip(data, size, 64u << 20, &ref, &ref_len, &clean)) {
        /* whole members: exactly zlib's bytes, nothing reported; damaged: what came back is
         * at most what zlib could read before the damage */
        bool same = len == ref_len && memcmp(plain, ref, len) == 0;
        bool prefix = len <= ref_len && memcmp(plain, ref, len) == 0;
        if (clean ? !same || diag.total != 0 : !prefix) {
            fprintf(stderr,
                    "fuzz_gzip_input: zlib reads %zu bytes (%s), vg_input_read gave %zu bytes "
                    "and %" PRIu64 " reports (%s)\n",
                    ref_len, clean ? "clean" : "damaged", len, diag.total, diag.last);
            abort();
        }
    }
    free(ref);
    return 0;
}
