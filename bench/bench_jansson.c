/*
 * Reference for `make bench`: decompress each file with libdeflate and parse it with jansson,
 * timing the two separately, so vigil's end-to-end figure can be set against "jansson parse
 * alone" measured on the same files in the same run.  A file is one JSON document whose
 * "Records" are counted (CloudTrail), or with -l one document per line (JSON lines: Route 53
 * Resolver query logs), each line a record.
 * usage: bench_jansson [-l] FILE...   (prints "jansson: N records, X MB, parse P s, inflate D s")
 */
#include "core/compat.h"

#include <jansson.h>
#include <libdeflate.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    size_t in_cap = 1 << 20, out_cap = 16 << 20;
    char *in = malloc(in_cap), *out = malloc(out_cap);
    double parse_s = 0, inflate_s = 0;
    uint64_t records = 0, bytes = 0;
    int status = 0, first = 1;
    bool lines = argc > 1 && strcmp(argv[1], "-l") == 0;
    if (lines)
        first = 2;
    for (int i = first; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            status = 1;
            continue;
        }
        size_t n = 0, r;
        while ((r = fread(in + n, 1, in_cap - n, f)) > 0) {
            n += r;
            if (n == in_cap)
                in = realloc(in, in_cap *= 2);
        }
        fclose(f);
        size_t plain = 0;
        double t0 = now_s();
        while (libdeflate_gzip_decompress(d, in, n, out, out_cap, &plain) ==
               LIBDEFLATE_INSUFFICIENT_SPACE)
            out = realloc(out, out_cap *= 2);
        double t1 = now_s();
        json_error_t err;
        inflate_s += t1 - t0;
        bytes += plain;
        if (lines) {
            /* the line's end is found by the parser, as a reader of JSON lines would */
            size_t at = 0;
            while (at < plain) {
                json_t *rec = json_loadb(out + at, plain - at, JSON_DISABLE_EOF_CHECK, &err);
                if (!rec)
                    break;
                at += err.position;
                while (at < plain && (out[at] == '\n' || out[at] == '\r'))
                    at++;
                records++;
                json_decref(rec);
            }
        } else {
            json_t *root = json_loadb(out, plain, 0, &err);
            json_t *recs = json_object_get(root, "Records");
            if (recs)
                records += json_array_size(recs);
            json_decref(root);
        }
        parse_s += now_s() - t1;
    }
    printf("jansson: %" PRIu64 " records, %.1f MB, parse %.3f s, inflate %.3f s\n", records,
           (double)bytes / 1e6, parse_s, inflate_s);
    free(in);
    free(out);
    libdeflate_free_decompressor(d);
    return status;
}
