/* The one list of detectors.  Adding a threat family is one line here
 * (docs/adding-a-finding-type.md). */
#include "detect/detect.h"

#include "detect/intel_caller.h"
#include "detect/logging_tamper.h"
#include "detect/password_policy.h"
#include "detect/pentest.h"
#include "detect/root_usage.h"
#include "detect/s3_public.h"

const struct vg_detector *const vg_detectors[] = {
    &vg_detector_intel_caller,
    &vg_detector_logging_tamper,
    &vg_detector_password_policy,
    &vg_detector_root_usage,
    &vg_detector_pentest,
    &vg_detector_s3_public,
    NULL,
};
