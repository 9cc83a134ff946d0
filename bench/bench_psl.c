/*
 * Public suffix lookups/s: vg_psl_registrable() (enrich/psl.h) over realistic query names, next
 * to libpsl's psl_registrable_domain() on the same names with the same list, measured in the
 * same run, so the wrapper's cost (tail scan, copy, kind checks) shows.  A third line times
 * hostile names (127 labels, long exfiltration-style labels).
 *   usage: bench_psl [lookups]    (default 4,000,000)
 */
#include "core/compat.h"

#include "enrich/psl.h"

#include <libpsl.h>

static const char *const names[] = {
    "www.google.com",
    "fonts.gstatic.com",
    "d1a2b3c4d5e6f7.cloudfront.net",
    "e1234.a.akamaiedge.net",
    "s3.us-east-1.amazonaws.com",
    "mybucket.s3.amazonaws.com",
    "amazonlinux-2-repos-us-east-1.s3.dualstack.us-east-1.amazonaws.com",
    "sts.amazonaws.com",
    "ec2-instance-connect.us-east-1.amazonaws.com",
    "ec2-54-201-3-7.us-west-2.compute.amazonaws.com",
    "ip-10-0-1-23.ec2.internal",
    "ip-172-31-5-9.eu-west-1.compute.internal",
    "0.amazon.pool.ntp.org",
    "api.github.com",
    "user.github.io",
    "outlook.office365.com",
    "login.microsoftonline.com",
    "www.bbc.co.uk",
    "news.yahoo.co.jp",
    "registry-1.docker.io",
    "pypi.org",
    "deb.debian.org",
    "security.ubuntu.com",
    "slack.com",
    "xn--80ak6aa92e.com",
    "15.3.4.32.in-addr.arpa",
    "localhost",
    "c2.guarddutyc2activityb.com",
    "x7k2m9q4w8z1.biz",
    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9.t.example-tunnel.net",
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t q = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 4000000;
    if (q == 0)
        q = 1;
    if (vg_psl_init() != VG_OK)
        fprintf(stderr, "bench_psl: no public suffix list loaded\n");
    psl_ctx_t *ref = psl_load_file(vg_psl_source()); /* NULL unless the source is a file */
    const psl_ctx_t *ref_ctx = ref ? ref : psl_builtin();
    size_t count = VG_ARRAY_LEN(names);
    struct vg_str slices[VG_ARRAY_LEN(names)];
    for (size_t i = 0; i < count; i++)
        slices[i] = vg_str_from(names[i]);

    size_t sink = 0;
    struct vg_str out;
    double t0 = now_s();
    for (size_t i = 0; i < q; i++)
        sink += vg_psl_registrable(slices[i % count], &out) + out.len;
    double t1 = now_s();
    for (size_t i = 0; i < q; i++) {
        const char *r = psl_registrable_domain(ref_ctx, names[i % count]);
        sink += r ? strlen(r) : 0;
    }
    double t2 = now_s();

    /* hostile: 127 labels; 4 labels of 63 bytes under a zone */
    static char deep[300], wide[300];
    size_t n = 0;
    for (int i = 0; i < 125; i++) {
        deep[n++] = 'a';
        deep[n++] = '.';
    }
    memcpy(deep + n, "example.com", 11); /* 261 bytes: over the legal length, still data */
    n += 11;
    size_t w = 0;
    for (int i = 0; i < 4; i++) {
        memset(wide + w, 'f', 63);
        w += 63;
        wide[w++] = '.';
    }
    memcpy(wide + w, "exfil.example.com", 17);
    w += 17;
    size_t qh = q / 4 ? q / 4 : 1;
    double t3 = now_s();
    for (size_t i = 0; i < qh; i++) {
        sink += vg_psl_registrable((struct vg_str){ deep, n }, &out);
        sink += vg_psl_registrable((struct vg_str){ wide, w }, &out);
    }
    double t4 = now_s();

    printf("public suffix list: %s\n", vg_psl_source());
    printf("  %zu names: vg_psl_registrable %.2f M lookups/s, psl_registrable_domain %.2f M "
           "lookups/s (reference)\n",
           count, (double)q / (t1 - t0) / 1e6, (double)q / (t2 - t1) / 1e6);
    printf("  hostile (127 labels, 4x63-byte labels): vg_psl_registrable %.2f M lookups/s  "
           "[%zu]\n",
           (double)(2 * qh) / (t4 - t3) / 1e6, sink);
    psl_free(ref);
    return 0;
}
