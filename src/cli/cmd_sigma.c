/* vigil rules import-sigma: Sigma rules for CloudTrail into vigil rules (docs/rules.md). */
#include "cli/cmd.h"

int vg_cmd_rules_import_sigma(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "vigil rules import-sigma: not built yet\n");
    return 2;
}
