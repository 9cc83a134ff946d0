/* SHA-256 (FIPS 180-4), for the threat-list file hashes GuardDuty findings carry
 * (evidence.threatIntelligenceDetails.threatFileSha256).  Not used for anything secret. */
#ifndef VG_CORE_SHA256_H
#define VG_CORE_SHA256_H

#include "core/compat.h"

/* Hash len bytes into 64 lowercase hex digits + NUL. */
void vg_sha256_hex(const void *data, size_t len, char out[65]);

#endif
