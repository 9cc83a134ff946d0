/* The subcommands of `vigil`; each returns the process exit status (0 ok, 1 findings, 2 error). */
#ifndef VG_CLI_CMD_H
#define VG_CLI_CMD_H

#include "core/compat.h"

int vg_cmd_scan(int argc, char **argv);
int vg_cmd_types(int argc, char **argv);
int vg_cmd_simulate(int argc, char **argv);
int vg_cmd_lists(int argc, char **argv);
int vg_cmd_config(int argc, char **argv);

#endif
