/*
 * Reference for `make bench`: decompress each file with libdeflate and parse it with jansson,
 * timing the two separately, so vigil's end-to-end figure can be set against "jansson parse
 * alone" measured on the same files in the same run.
 * usage: bench_jansson FILE...   (prints "jansson: N records, X MB in P s parse, D s inflate")
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
    int status = 0;
    for (int i = 1; i < argc; i++) {
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
        json_t *root = json_loadb(out, plain, 0, &err);
        double t2 = now_s();
        inflate_s += t1 - t0;
        parse_s += t2 - t1;
        bytes += plain;
        json_t *recs = json_object_get(root, "Records");
        if (recs)
            records += json_array_size(recs);
        json_decref(root);
    }
    printf("jansson: %" PRIu64 " records, %.1f MB, parse %.3f s, inflate %.3f s\n", records,
           (double)bytes / 1e6, parse_s, inflate_s);
    free(in);
    free(out);
    libdeflate_free_decompressor(d);
    return status;
}
