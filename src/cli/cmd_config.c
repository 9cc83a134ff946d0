/*
 * `vigil config`: the configuration file.
 *   vigil config check FILE...   load each file, print every mistake as FILE:LINE: message
 *   vigil config options         the option table: name, type, default, range, reloadable, help
 *   vigil config sample          a configuration file with every option at its default
 */
#include "cli/cmd.h"

#include "config/config.h"
#include "core/err.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: vigil config check FILE...\n"
                 "       vigil config options\n"
                 "       vigil config sample\n\n"
                 "check loads each file as 'vigil scan --config' would and prints every mistake\n"
                 "(unknown keys, wrong types, values out of range, duplicate list names, YAML\n"
                 "aliases) on stderr as FILE:LINE: message.  Exit status: 0 all files are valid,\n"
                 "1 some have mistakes, 2 unreadable or usage error.\n\n"
                 "options prints one line per option, tab-separated: name, type, default, range,\n"
                 "whether a running daemon reloads it, and what it does.\n\n"
                 "sample prints a configuration file setting every option to its default, each\n"
                 "under its description (etc/vigil.yaml was written by it).\n");
}

static int check(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct vg_config c;
        struct vg_diag diag;
        vg_config_init(&c);
        vg_diag_init(&diag, 100, vg_cli_print_diag, NULL);
        int rc = vg_config_load(&c, argv[i], &diag);
        if (rc == VG_OK) {
            printf("%s: ok (%zu lists)\n", argv[i], c.list_count);
        } else if (rc == VG_ECONFIG) {
            if (diag.total > diag.keep)
                fprintf(stderr, "vigil: %s: %" PRIu64 " more mistakes not shown\n", argv[i],
                        diag.total - diag.keep);
            fprintf(stderr, "vigil: %s: %" PRIu64 " mistake%s\n", argv[i], diag.total,
                    diag.total == 1 ? "" : "s");
            if (status == 0)
                status = 1;
        } else {
            if (rc == VG_ENOMEM)
                fprintf(stderr, "vigil config: out of memory\n");
            status = 2;
        }
        vg_config_release(&c);
    }
    return status;
}

static int options(void)
{
    static const char *const types[] = { "int", "size", "bool", "string", "enum", "duration" };
    size_t n;
    const struct vg_config_option *opt = vg_config_options(&n);
    struct vg_config def;
    struct vg_buf b = VG_BUF_INIT;
    int rc = VG_OK;
    vg_config_init(&def);
    for (size_t i = 0; i < n && rc == VG_OK; i++) {
        vg_buf_reset(&b);
        rc = vg_buf_printf(&b, "%s\t%s\t", opt[i].name, types[opt[i].type]);
        if (rc == VG_OK)
            rc = vg_config_format_value(&b, &def, &opt[i]);
        if (rc == VG_OK)
            rc = vg_buf_addc(&b, '\t');
        if (rc == VG_OK)
            rc = vg_config_format_range(&b, &opt[i]);
        if (rc == VG_OK)
            rc = vg_buf_printf(&b, "\t%s\t%s\n", opt[i].reloadable ? "reloadable" : "restart",
                               opt[i].help);
        if (rc == VG_OK)
            fwrite(b.data, 1, b.len, stdout);
    }
    vg_buf_release(&b);
    vg_config_release(&def);
    if (rc != VG_OK) {
        fprintf(stderr, "vigil config: out of memory\n");
        return 2;
    }
    return 0;
}

static int sample(void)
{
    struct vg_buf b = VG_BUF_INIT;
    int rc = vg_config_write_sample(&b);
    if (rc == VG_OK)
        fwrite(b.data, 1, b.len, stdout);
    else
        fprintf(stderr, "vigil config: out of memory\n");
    vg_buf_release(&b);
    return rc == VG_OK ? 0 : 2;
}

int vg_cmd_config(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "check") == 0)
        return check(argc - 1, argv + 1);
    if (strcmp(argv[1], "options") == 0 && argc == 2)
        return options();
    if (strcmp(argv[1], "sample") == 0 && argc == 2)
        return sample();
    fprintf(stderr, "vigil config: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
