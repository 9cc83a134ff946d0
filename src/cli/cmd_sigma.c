/* vigil rules import-sigma: Sigma rules for CloudTrail into vigil rules (docs/rules.md). */
#include "cli/cmd.h"
#include "core/buf.h"
#include "core/err.h"
#include "ingest/input.h"
#include "rules/rules.h"
#include "rules/sigma.h"

struct import {
    struct vg_sigma sigma;
    struct vg_input in;
    struct vg_diag diag; /* unreadable files and folders */
    const char *arg;     /* the path named on the command line */
};

static void print_escaped(struct vg_buf *b, const char *s)
{
    vg_buf_add_printable(b, vg_str_from(s));
}

/* "FILE: rule TITLE: not converted: REASON", every part escaped: they are the input's text. */
static void report(void *ctx, const char *file, const char *title, const char *why)
{
    (void)ctx;
    struct vg_buf b;
    vg_buf_init(&b, 0);
    print_escaped(&b, file);
    if (title) {
        vg_buf_adds(&b, ": rule ");
        print_escaped(&b, title);
    }
    vg_buf_adds(&b, ": not converted: ");
    print_escaped(&b, why);
    fprintf(stderr, "%s\n", b.data ? b.data : "");
    vg_buf_release(&b);
}

/* The files a rule folder is read for (vg_rules_file_wanted). */
static int one_file(void *ctx, const char *path)
{
    struct import *im = ctx;
    if (!vg_rules_file_wanted(path, im->arg))
        return 0;
    const char *text;
    size_t len;
    int rc = vg_input_read(&im->in, path, &im->diag, &text, &len);
    if (rc == VG_EIO)
        return 0; /* reported; the other files still convert */
    return rc ? rc : vg_sigma_convert(&im->sigma, path, text, len);
}

static int write_out(const char *path, const struct vg_buf *b)
{
    FILE *f = path ? fopen(path, "w") : stdout;
    if (!f) {
        fprintf(stderr, "vigil rules import-sigma: cannot write '%s': %s\n", path, strerror(errno));
        return VG_EIO;
    }
    bool ok = fwrite(b->data ? b->data : "", 1, b->len, f) == b->len;
    ok &= path ? fclose(f) == 0 : fflush(f) == 0;
    if (!ok)
        fprintf(stderr, "vigil rules import-sigma: cannot write '%s': %s\n",
                path ? path : "standard output", strerror(errno));
    return ok ? VG_OK : VG_EIO;
}

int vg_cmd_rules_import_sigma(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'h': printf("usage: vigil rules import-sigma FILE|DIR... [-o OUT.yml]\n"); return 0;
        default:
            fprintf(stderr, "usage: vigil rules import-sigma FILE|DIR... [-o OUT.yml]\n");
            return 2;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "usage: vigil rules import-sigma FILE|DIR... [-o OUT.yml]\n");
        return 2;
    }
    struct import im;
    memset(&im, 0, sizeof(im));
    vg_diag_init(&im.diag, 100, vg_cli_print_diag, NULL);
    int rc = vg_sigma_init(&im.sigma, report, NULL);
    if (rc == VG_OK)
        rc = vg_input_init(&im.in);
    for (int i = optind; rc == VG_OK && i < argc; i++) {
        im.arg = argv[i];
        rc = vg_input_walk(argv[i], &im.diag, one_file, &im);
    }
    /* nothing converted: leave OUT alone rather than replace it with an empty rule file */
    if (rc == VG_OK && (im.sigma.converted || !output))
        rc = write_out(output, &im.sigma.out);
    if (rc == VG_ENOMEM)
        fprintf(stderr, "vigil rules import-sigma: out of memory\n");
    fprintf(stderr, "%zu converted, %zu not converted\n", im.sigma.converted, im.sigma.refused);
    int status = rc != VG_OK || im.diag.counts[VG_DIAG_IO] || im.diag.counts[VG_DIAG_TOO_BIG] ? 2
                 : im.sigma.converted                                                         ? 0
                                                                                              : 1;
    vg_input_release(&im.in);
    vg_sigma_release(&im.sigma);
    return status;
}
