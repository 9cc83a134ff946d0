/* The subcommands of `vigil`; each returns the process exit status (0 ok, 1 findings, 2 error). */
#ifndef VG_CLI_CMD_H
#define VG_CLI_CMD_H

#include "core/compat.h"
#include "core/diag.h"

int vg_cmd_scan(int argc, char **argv);
int vg_cmd_types(int argc, char **argv);
int vg_cmd_simulate(int argc, char **argv);
int vg_cmd_lists(int argc, char **argv);
int vg_cmd_config(int argc, char **argv);
int vg_cmd_pdns(int argc, char **argv);
int vg_cmd_serve(int argc, char **argv);
int vg_cmd_publish(int argc, char **argv);
int vg_cmd_cluster(int argc, char **argv);
int vg_cmd_rules(int argc, char **argv);
/* vigil rules import-sigma (cmd_sigma.c); argv[0] is "import-sigma". */
int vg_cmd_rules_import_sigma(int argc, char **argv);

/* The vg_diag_fn every command uses for bad-input messages: "vigil: [ctx]message" on stderr,
 * with non-printable bytes escaped (messages quote hostile input).  ctx is NULL or a prefix
 * string such as "warning: ". */
void vg_cli_print_diag(void *ctx, enum vg_diag_code code, const char *message);

#endif
