/* vigil rules: list the detection rules, run their own tests, convert Sigma rules. */
#include "cli/cmd.h"
#include "cli/setup.h"
#include "core/err.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: vigil rules list [--rules PATH]... [--enable-opt-in SEL]... [--config FILE]\n"
            "       vigil rules test [--rules PATH]... [--no-builtin] [--config FILE]\n"
            "       vigil rules import-sigma FILE|DIR... [-o OUT.yml]\n\n"
            "Detection rules are YAML (docs/rules.md).  The rules shipped with vigil are always\n"
            "loaded (test: unless --no-builtin); --rules adds a rule file or a folder of them.\n\n"
            "  list          one rule per line: id, type, state (live, dry-run, opt-in off),\n"
            "                groups, source, file:line\n"
            "  test          run the tests each rule carries (tests: in the rule), print the\n"
            "                failures; exit 1 when one fails or a rule is refused\n"
            "  import-sigma  convert Sigma rules for AWS CloudTrail (logsource product aws,\n"
            "                service cloudtrail) into vigil rules; each rule that cannot be\n"
            "                converted is named with the reason\n");
}

static const char *source_name(unsigned s)
{
    return s == VG_SOURCE_VPCFLOW ? "vpcflow" : s == VG_SOURCE_DNS ? "dns" : "cloudtrail";
}

static void list(const struct vg_rules *rs)
{
    for (size_t i = 0; i < vg_rules_count(rs); i++) {
        struct vg_rule_info r;
        vg_rules_info(rs, i, &r);
        printf("%s\t%s\t%s\t%s\t%s\t%s:%u\n", r.id, r.type,
               !r.enabled  ? "opt-in off"
               : r.dry_run ? "dry-run"
                           : "live",
               r.groups[0] ? r.groups : "-", source_name(r.sources), r.file, r.line);
    }
}

static int test(struct vg_rules *rs)
{
    struct vg_diag diag;
    vg_diag_init(&diag, 1000, vg_cli_print_diag, NULL);
    size_t run = 0, failed = 0;
    if (vg_rules_self_test(rs, &diag, &run, &failed) != VG_OK) {
        fprintf(stderr, "vigil rules: out of memory\n");
        return 2;
    }
    printf("%zu rules, %zu tests, %zu failed%s\n", vg_rules_count(rs), run, failed,
           vg_rules_rejected(rs) ? " (and some rules were refused: see above)" : "");
    return failed || vg_rules_rejected(rs) ? 1 : 0;
}

int vg_cmd_rules(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "import-sigma"))
        return vg_cmd_rules_import_sigma(argc - 1, argv + 1);
    if (strcmp(sub, "list") && strcmp(sub, "test")) {
        fprintf(stderr, "vigil rules: '%s' is not a subcommand\n", sub);
        usage(stderr);
        return 2;
    }
    enum { OPT_NO_BUILTIN = 256, OPT_CONFIG };
    static const struct option longopts[] = {
        VG_CLI_RULE_LONGOPTS,
        { "no-builtin", no_argument, NULL, OPT_NO_BUILTIN },
        { "config", required_argument, NULL, OPT_CONFIG },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct vg_cli_rules opts = { .builtin = true };
    const char *config = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "h", longopts, NULL)) != -1) {
        switch (c) {
        case VG_OPT_RULES:
        case VG_OPT_ENABLE_OPT_IN:
            if (vg_cli_rules_arg(&opts, c, optarg, "vigil rules") < 0)
                return 2;
            break;
        case OPT_NO_BUILTIN: opts.builtin = false; break;
        case OPT_CONFIG: config = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc - 1) {
        fprintf(stderr, "vigil rules: unexpected argument '%s' (rule paths go after --rules)\n",
                argv[optind + 1]);
        return 2;
    }
    struct vg_config cfg;
    struct vg_scan_opts scan_opts;
    vg_config_init(&cfg);
    vg_scan_opts_init(&scan_opts);
    if (config && vg_cli_apply_config(&cfg, config, &scan_opts, false, false, "vigil rules"))
        return 2;
    struct vg_rules *rs = NULL;
    int rc = vg_cli_load_rules(&opts, config, &cfg, &rs, "vigil rules");
    vg_config_release(&cfg);
    if (rc)
        return rc;
    if (!strcmp(sub, "list")) {
        list(rs);
        rc = 0;
    } else {
        rc = test(rs);
    }
    vg_rules_free(rs);
    return rc;
}
