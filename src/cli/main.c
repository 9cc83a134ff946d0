/* vigil: the command-line entry point; dispatches to cmd_<name>.c. */
#include "cli/cmd.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "scan", vg_cmd_scan,
      "scan CloudTrail, VPC flow and Route 53 Resolver logs and print findings" },
    { "types", vg_cmd_types, "list the finding types this build implements" },
    { "simulate", vg_cmd_simulate,
      "write realistic CloudTrail, flow and DNS logs, optionally with attacks" },
    { "lists", vg_cmd_lists, "check threat and trusted lists; show and add the configured ones" },
    { "config", vg_cmd_config, "check a configuration file; list the options" },
    { "serve", vg_cmd_serve,
      "follow log folders, store findings, serve the GuardDuty API (the same as vigild)" },
    { "publish", vg_cmd_publish, "send log files to a vigil cluster's JetStream stream" },
    { "cluster", vg_cmd_cluster, "status of a vigil cluster: partitions, owners, lag" },
    { "rules", vg_cmd_rules, "list detection rules, run their tests, convert Sigma rules" },
    { "pdns", vg_cmd_pdns, "passive DNS: the names behind an address, the addresses of a name" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: vigil <command> [options]\n\n"
                 "vigil reads AWS logs and reports threats as GuardDuty-style findings.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < VG_ARRAY_LEN(commands); i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'vigil <command> --help' describes a command; 'man vigil' has the details.\n");
}

int main(int argc, char **argv)
{
    const char *self = strrchr(argv[0], '/');
    if (strcmp(self ? self + 1 : argv[0], "vigild") == 0)
        return vg_cmd_serve(argc, argv);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        puts("vigil 0.1.0");
        return 0;
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "vigil: '%s' is not a command\n", argv[1]);
    usage(stderr);
    return 2;
}
