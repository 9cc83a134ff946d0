/*
 * `vigil lists`: inspect threat and trusted list files before relying on them.
 *   vigil lists check [--format FMT] FILE...   load each file, report bad entries and counts
 *   vigil lists formats                        the formats vigil reads
 *   vigil lists ls --config FILE               load every list the configuration names
 *   vigil lists add --config FILE [...] NAME PATH   check a list, then add it to the file
 *                                                   (and to the audit log, with a state dir)
 */
#include "cli/cmd.h"
#include "cli/setup.h"

#include "config/config.h"
#include "config/config_edit.h"
#include "core/err.h"
#include "enrich/intel_audit.h"
#include "enrich/intel_format.h"
#include "enrich/intel_load.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigil lists check [--format FMT] FILE...\n"
            "       vigil lists formats\n"
            "       vigil lists ls --config FILE\n"
            "       vigil lists add --config FILE [--trusted | --curated | --reputation]\n"
            "                       [--format FMT] [--category CAT]\n"
            "                       [--state-dir DIR] NAME PATH\n\n"
            "check loads each list as vigil scan would, prints every bad or refused entry with\n"
            "its file:line (private and reserved addresses are refused: they would match\n"
            "internal traffic), then one summary line per file: format, sha256, counts.\n"
            "Exit status: 0 all clean, 1 some entries were bad or refused, 2 unreadable.\n\n"
            "ls loads every list of the configuration file, enabled or not, and prints one\n"
            "tab-separated line each: name, kind, feed, format, path, enabled or disabled,\n"
            "sha256, counts.  Exit status as for check; 2 also when the file has mistakes.\n\n"
            "add checks that PATH loads (as check does; bad entries are shown) and appends a\n"
            "list entry NAME to the configuration file, keeping its comments; a `lists:`\n"
            "section is created at its end if there is none.  --trusted makes a trusted list,\n"
            "--curated a threat list you vouch for (the plain MaliciousIPCaller types),\n"
            "--reputation a low-confidence one (feed: reputation): its domains only add to a\n"
            "domain's reputation score (the Impact:EC2/*DomainRequest.Reputation types) and\n"
            "never fire alone.  These three exclude each other; without any, a threat list\n"
            "gives the .Custom types.\n"
            "--category says what a threat list's addresses are (c2, cryptocurrency,\n"
            "blackhole, droppoint, scanner, tor, dga, driveby, phishing, abused, suspicious,\n"
            "other; default auto: each entry's threat name says), which picks the EC2\n"
            "finding type of a curated list's matches.  The\n"
            "path is written relative to the configuration file when the list is below its\n"
            "directory.  With a state directory (--state-dir, else intel.state_dir of the\n"
            "file), the addition is also appended to DIR/lists-audit.log; a directory vigil\n"
            "cannot write in stops the addition.  Exit status: 0 added, 1 added but the audit\n"
            "log could not be written, 2 nothing changed (the reason is on stderr).\n");
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
        vg_diag_init(&diag, 50, vg_cli_print_diag, NULL);
        struct vg_intel_builder *b = vg_intel_builder_new();
        struct vg_intel_source src = { NULL, argv[i], VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM,
                                       format };
        int rc = b ? vg_intel_load(b, &src, &in, &diag, NULL) : VG_ENOMEM;
        struct vg_intel *intel =
            rc == VG_OK ? vg_intel_freeze(b) : (vg_intel_builder_free(b), NULL);
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

/* Load the configuration file for ls and add; 0, or 2 after the mistakes were printed. */
static int load_config(const char *path, struct vg_config *c)
{
    struct vg_diag diag;
    vg_config_init(c);
    vg_diag_init(&diag, 100, vg_cli_print_diag, NULL);
    int rc = vg_config_load(c, path, &diag);
    if (rc == VG_OK)
        return 0;
    if (rc == VG_ENOMEM)
        fprintf(stderr, "vigil lists: out of memory\n");
    else if (rc == VG_ECONFIG)
        fprintf(stderr, "vigil lists: %s: %" PRIu64 " mistake%s; 'vigil config check' shows them\n",
                path, diag.total, diag.total == 1 ? "" : "s");
    return 2;
}

/* A trusted list that covers a wide public network silences list findings for much of the
 * internet: say so (intel.trusted_max_public_prefix). */
static void flag_wide_trusted(const struct vg_intel_list *l, int64_t max_prefix)
{
    if (l->kind == VG_INTEL_TRUSTED && (int64_t)l->widest_public_prefix_v4 < max_prefix)
        fprintf(stderr,
                "vigil: warning: trusted list '%s' covers a public IPv4 /%" PRIu64
                " network, wider than /%" PRId64
                " (intel.trusted_max_public_prefix); vigil scan reports it as "
                "DefenseEvasion:Vigil/TrustedListTooWide\n",
                l->name, l->widest_public_prefix_v4, max_prefix);
}

/* Append the addition of l to the audit log in dir.  VG_OK, VG_EIO (reported), VG_ENOMEM. */
static int audit_added(const char *dir, const struct vg_intel_list *l, const char *path)
{
    struct vg_diag diag;
    struct vg_intel_audit_entry e;
    vg_diag_init(&diag, 20, vg_cli_print_diag, NULL);
    vg_intel_audit_entry_from_list(&e, l, vg_intel_audit_file_mtime(path));
    struct vg_intel_audit_record r = {
        vg_cli_now_ms(), "added", l->kind, NULL, &e,
    };
    return vg_intel_audit_append(dir, &r, &diag);
}

static int ls(int argc, char **argv)
{
    struct vg_config c;
    struct vg_input in;
    int status;
    if (argc != 3 || strcmp(argv[1], "--config") != 0) {
        usage(stderr);
        return 2;
    }
    if ((status = load_config(argv[2], &c)) != 0)
        return status;
    if (vg_input_init(&in) != VG_OK) {
        vg_config_release(&c);
        return 2;
    }
    for (size_t i = 0; i < c.list_count; i++) {
        const struct vg_config_list *cl = &c.lists[i];
        struct vg_diag diag;
        struct vg_intel_source src;
        vg_diag_init(&diag, 50, vg_cli_print_diag, NULL);
        vg_config_list_source(cl, &src);
        struct vg_intel_builder *b = vg_intel_builder_new();
        int rc = b ? vg_intel_load(b, &src, &in, &diag, NULL) : VG_ENOMEM;
        struct vg_intel *intel =
            rc == VG_OK ? vg_intel_freeze(b) : (vg_intel_builder_free(b), NULL);
        const struct vg_intel_list *l = intel ? vg_intel_list_at(intel, 0) : NULL;
        if (!l) {
            /* the same columns, "-" where there is nothing; why is on stderr */
            printf("%s\t%s\t%s\t%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\n", cl->name,
                   vg_config_kind_name(cl->kind),
                   cl->kind == VG_INTEL_TRUSTED ? "-" : vg_config_feed_name(cl->feed),
                   cl->format ? cl->format : "auto", cl->path,
                   cl->enabled ? "enabled" : "disabled");
            status = 2;
            vg_intel_free(intel);
            continue;
        }
        printf("%s\t%s\t%s\t%s\t%s\t%s\tsha256:%s\t%" PRIu64 " addresses\t%" PRIu64
               " networks\t%" PRIu64 " domains\t%" PRIu64 " refused\t%" PRIu64 " bad\t%" PRIu64
               " skipped\n",
               l->name, vg_config_kind_name(l->kind),
               l->kind == VG_INTEL_TRUSTED ? "-" : vg_config_feed_name(l->feed), l->format,
               cl->path, cl->enabled ? "enabled" : "disabled", l->sha256, l->addresses, l->networks,
               l->domains, l->rejected, l->bad_lines, l->skipped);
        flag_wide_trusted(l, c.intel_trusted_max_public_prefix);
        if ((l->rejected || l->bad_lines) && status == 0)
            status = 1;
        vg_intel_free(intel);
    }
    vg_input_release(&in);
    vg_config_release(&c);
    return status;
}

static int add(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "trusted", no_argument, NULL, 't' },
        { "curated", no_argument, NULL, 'k' },
        { "reputation", no_argument, NULL, 'r' },
        { "format", required_argument, NULL, 'f' },
        { "category", required_argument, NULL, 'g' },
        { "state-dir", required_argument, NULL, 'd' }, /* else intel.state_dir */
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *state_dir_arg = NULL;
    char *state_dir = NULL;
    struct vg_config_list entry = { .kind = VG_INTEL_THREAT,
                                    .feed = VG_INTEL_FEED_CUSTOM,
                                    .enabled = true };
    struct vg_config c;
    bool curated = false, reputation = false;
    int opt, status;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': config = optarg; break;
        case 't': entry.kind = VG_INTEL_TRUSTED; break;
        case 'k': curated = true; break;
        case 'r': reputation = true; break;
        case 'f': entry.format = strcmp(optarg, "auto") == 0 ? NULL : optarg; break;
        case 'g':
            if (!vg_intel_category_parse(vg_str_from(optarg), &entry.category)) {
                fprintf(stderr,
                        "vigil lists add: unknown category '%s' (auto, c2, cryptocurrency, "
                        "blackhole, droppoint, scanner, tor, dga, driveby, phishing, abused, "
                        "suspicious or other)\n",
                        optarg);
                return 2;
            }
            break;
        case 'd': state_dir_arg = optarg; break;
        default: usage(stderr); return 2;
        }
    }
    if (!config || argc - optind != 2) {
        fprintf(stderr, "vigil lists add: needs --config FILE, a NAME and a PATH\n");
        usage(stderr);
        return 2;
    }
    if (curated && reputation) {
        fprintf(stderr, "vigil lists add: --curated and --reputation exclude each other: a list "
                        "is vouched for or low-confidence, not both\n");
        return 2;
    }
    if (entry.kind == VG_INTEL_TRUSTED && (curated || reputation)) {
        fprintf(stderr, "vigil lists add: --%s applies to threat lists, not --trusted ones\n",
                curated ? "curated" : "reputation");
        return 2;
    }
    entry.feed = curated      ? VG_INTEL_FEED_CURATED
                 : reputation ? VG_INTEL_FEED_REPUTATION
                              : VG_INTEL_FEED_CUSTOM;
    if (entry.kind == VG_INTEL_TRUSTED && entry.category != VG_INTEL_CAT_AUTO) {
        fprintf(stderr,
                "vigil lists add: --category applies to threat lists, not --trusted ones\n");
        return 2;
    }
    if (entry.format && !vg_intel_format_find(entry.format)) {
        fprintf(stderr, "vigil lists add: unknown format '%s' ('vigil lists formats' names them)\n",
                entry.format);
        return 2;
    }
    entry.name = argv[optind];
    entry.path = argv[optind + 1];
    if ((status = load_config(config, &c)) != 0)
        return status;
    for (size_t i = 0; i < c.list_count; i++)
        if (strcmp(c.lists[i].name, entry.name) == 0) {
            fprintf(stderr, "vigil lists add: list '%s' already exists (%s:%" PRIu32 ")\n",
                    entry.name, config, c.lists[i].line);
            vg_config_release(&c);
            return 2;
        }

    /* the list must load as the scan would load it */
    struct vg_input in;
    struct vg_diag diag;
    struct vg_intel *intel = NULL;
    struct vg_intel_source src;
    vg_config_list_source(&entry, &src);
    vg_diag_init(&diag, 50, vg_cli_print_diag, NULL);
    struct vg_intel_builder *b = vg_intel_builder_new();
    int rc = b && vg_input_init(&in) == VG_OK ? VG_OK : VG_ENOMEM;
    if (rc == VG_OK) {
        rc = vg_intel_load(b, &src, &in, &diag, NULL);
        vg_input_release(&in);
    }
    if (rc == VG_OK && !(intel = vg_intel_freeze(b)))
        rc = VG_ENOMEM;
    if (rc != VG_OK)
        vg_intel_builder_free(b);
    const struct vg_intel_list *l = intel ? vg_intel_list_at(intel, 0) : NULL;
    if (rc == VG_ENOMEM) {
        fprintf(stderr, "vigil lists add: out of memory\n");
        status = 2;
    } else if (!l) {
        status = 2; /* unreadable: already reported */
    } else if (l->addresses + l->networks + l->domains == 0) {
        fprintf(stderr,
                "vigil lists add: '%s' holds no usable indicator (%" PRIu64 " bad, %" PRIu64
                " refused, %" PRIu64 " skipped as %s); not added\n",
                entry.path, l->bad_lines, l->rejected, l->skipped, l->format);
        status = 2;
    } else if (state_dir_arg ? state_dir_arg[0] != '\0' : c.intel_state_dir[0] != '\0') {
        /* --state-dir wins; --state-dir '' turns intel.state_dir off */
        state_dir = state_dir_arg ? strdup(state_dir_arg)
                                  : vg_intel_audit_dir_resolve(config, c.intel_state_dir);
        vg_diag_init(&diag, 20, vg_cli_print_diag, NULL);
        if (!state_dir)
            fprintf(stderr, "vigil lists add: out of memory\n");
        else if (vg_intel_audit_prepare(state_dir, &diag) != VG_OK)
            fprintf(stderr, "vigil lists add: no audit log in '%s'; not added\n", state_dir);
        status = state_dir && diag.total == 0 ? 0 : 2;
    }
    if (l && status == 0) {
        flag_wide_trusted(l, c.intel_trusted_max_public_prefix);
        vg_diag_init(&diag, 100, vg_cli_print_diag, NULL);
        rc = vg_config_add_list(config, &entry, &diag);
        if (rc == VG_OK)
            printf("%s: added %s list '%s' (%s, %" PRIu64 " addresses, %" PRIu64
                   " networks, %" PRIu64 " domains)\n",
                   config, vg_config_kind_name(entry.kind), entry.name, l->format, l->addresses,
                   l->networks, l->domains);
        else if (rc == VG_ENOMEM)
            fprintf(stderr, "vigil lists add: out of memory\n");
        status = rc == VG_OK ? 0 : 2;
        if (rc == VG_OK && state_dir && audit_added(state_dir, l, entry.path) != VG_OK) {
            fprintf(stderr, "vigil lists add: list '%s' added, but not to the audit log in '%s'\n",
                    entry.name, state_dir);
            status = 1;
        }
    }
    free(state_dir);
    vg_intel_free(intel);
    vg_config_release(&c);
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
    if (strcmp(argv[1], "ls") == 0)
        return ls(argc - 1, argv + 1);
    if (strcmp(argv[1], "add") == 0)
        return add(argc - 1, argv + 1);
    if (strcmp(argv[1], "formats") == 0) {
        for (size_t i = 0; vg_intel_formats[i]; i++)
            puts(vg_intel_formats[i]->name);
        return 0;
    }
    fprintf(stderr, "vigil lists: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
