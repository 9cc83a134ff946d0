/*
 * `vigil lists`: inspect threat and trusted list files before relying on them.
 *   vigil lists check [--format FMT] FILE...   load each file, report bad entries and counts
 *   vigil lists formats                        the formats vigil reads
 */
#include "cli/cmd.h"

#include "core/err.h"
#include "enrich/intel_format.h"
#include "enrich/intel_load.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: vigil lists check [--format FMT] FILE...\n"
                 "       vigil lists formats\n\n"
                 "check loads each list as vigil scan would, prints every bad or refused entry with\n"
                 "its file:line (private and reserved addresses are refused: they would match\n"
                 "internal traffic), then one summary line per file: format, sha256, counts.\n"
                 "Exit status: 0 all clean, 1 some entries were bad or refused, 2 unreadable.\n");
}

static void print_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    (void)ctx;
    (void)code;
    fprintf(stderr, "vigil: %s\n", message);
}

static int check(int argc, char **argv)
{
    const char *format = NULL;
    int status = 0, i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--format") == 0) {
        format = argv[i + 1];
        i += 2;
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    struct vg_input in;
    if (vg_input_init(&in) != VG_OK)
        return 2;
    for (; i < argc; i++) {
        struct vg_diag diag;
        vg_diag_init(&diag, 50, print_diag, NULL);
        struct vg_intel_builder *b = vg_intel_builder_new();
        struct vg_intel_source src = { NULL, argv[i], VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, format };
        int rc = b ? vg_intel_load(b, &src, &in, &diag, NULL) : VG_ENOMEM;
        struct vg_intel *intel = rc == VG_OK ? vg_intel_freeze(b) : (vg_intel_builder_free(b), NULL);
        const struct vg_intel_list *l = intel ? vg_intel_list_at(intel, 0) : NULL;
        if (!l) {
            status = 2;
            vg_intel_free(intel);
            continue;
        }
        printf("%s\t%s\tsha256:%s\t%" PRIu64 " addresses\t%" PRIu64 " networks\t%" PRIu64
               " domains\t%" PRIu64 " refused\t%" PRIu64 " bad\t%" PRIu64 " skipped\n",
               argv[i], l->format, l->sha256, l->addresses, l->networks, l->domains, l->rejected,
               l->bad_lines, l->skipped);
        if ((l->rejected || l->bad_lines) && status == 0)
            status = 1;
        vg_intel_free(intel);
    }
    vg_input_release(&in);
    return status;
}

int vg_cmd_lists(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "check") == 0)
        return check(argc - 1, argv + 1);
    if (strcmp(argv[1], "formats") == 0) {
        for (size_t i = 0; vg_intel_formats[i]; i++)
            puts(vg_intel_formats[i]->name);
        return 0;
    }
    fprintf(stderr, "vigil lists: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
