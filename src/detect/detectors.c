/* The one list of detectors.  Adding a threat family is one line here
 * (docs/adding-a-finding-type.md). */
#include "detect/detect.h"

#include "detect/baseline_anomaly.h"
#include "detect/console_travel.h"
#include "detect/cred_exfil.h"
#include "detect/dns_dga.h"
#include "detect/dns_exfil.h"
#include "detect/dns_intel.h"
#include "detect/dns_rebind.h"
#include "detect/dns_reputation.h"
#include "detect/flow_baseline.h"
#include "detect/flow_bruteforce.h"
#include "detect/flow_dos.h"
#include "detect/flow_intel.h"
#include "detect/flow_scan.h"
#include "detect/intel_caller.h"
#include "detect/logging_tamper.h"
#include "detect/password_policy.h"
#include "detect/pentest.h"
#include "detect/root_usage.h"
#include "detect/rule_engine.h"
#include "detect/s3_public.h"
#include "detect/sequence.h"

/* one detector per line, so adding one is a one-line change */
/* clang-format off */
const struct vg_detector *const vg_detectors[] = {
    &vg_detector_intel_caller,
    &vg_detector_logging_tamper,
    &vg_detector_password_policy,
    &vg_detector_root_usage,
    &vg_detector_pentest,
    &vg_detector_s3_public,
    &vg_detector_flow_intel,
    &vg_detector_flow_scan,
    &vg_detector_flow_bruteforce,
    &vg_detector_flow_dos,
    &vg_detector_flow_baseline,
    &vg_detector_dns_intel,
    &vg_detector_dns_rebind,
    &vg_detector_dns_dga,
    &vg_detector_dns_exfil,
    &vg_detector_dns_reputation,
    &vg_detector_rule_engine,
    &vg_detector_baseline_anomaly,
    &vg_detector_cred_exfil,
    &vg_detector_console_travel,
    &vg_detector_sequence,
    NULL,
};
/* clang-format on */
