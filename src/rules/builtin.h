/* The rule files shipped in rules/, compiled into the binary by scripts/embed.sh. */
#ifndef VG_RULES_BUILTIN_H
#define VG_RULES_BUILTIN_H

#include "core/compat.h"
#include "core/embed.h"

extern const struct vg_embedded_file vg_rule_files[];
extern const size_t vg_rule_files_count;

#endif
