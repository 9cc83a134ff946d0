/* The route table (STYLE.md §2): one line per operation.  Paths are GuardDuty's. */
#include "api/route.h"

const struct vg_api_route vg_api_routes[] = {
    { "GET", "/healthz", VG_API_PUBLIC, false, vg_api_healthz },
    { "GET", "/metrics", VG_API_READ, false, vg_api_metrics },
    { "GET", "/v1/events", VG_API_READ, false, vg_api_events },
    { "GET", "/detector", VG_API_READ, false, vg_api_list_detectors },
    { "GET", "/detector/{}", VG_API_READ, true, vg_api_get_detector },
    { "POST", "/detector/{}/findings", VG_API_READ, true, vg_api_list_findings },
    { "POST", "/detector/{}/findings/get", VG_API_READ, true, vg_api_get_findings },
    { "POST", "/detector/{}/findings/statistics", VG_API_READ, true, vg_api_findings_statistics },
    { "POST", "/detector/{}/findings/archive", VG_API_ADMIN, true, vg_api_archive_findings },
    { "POST", "/detector/{}/findings/unarchive", VG_API_ADMIN, true, vg_api_unarchive_findings },
    { "POST", "/detector/{}/findings/feedback", VG_API_ADMIN, true, vg_api_findings_feedback },
    { "POST", "/detector/{}/findings/create", VG_API_ADMIN, true, vg_api_create_samples },
    { "POST", "/detector/{}/filter", VG_API_ADMIN, true, vg_api_create_filter },
    { "GET", "/detector/{}/filter", VG_API_READ, true, vg_api_list_filters },
    { "GET", "/detector/{}/filter/{}", VG_API_READ, true, vg_api_get_filter },
    { "POST", "/detector/{}/filter/{}", VG_API_ADMIN, true, vg_api_update_filter },
    { "DELETE", "/detector/{}/filter/{}", VG_API_ADMIN, true, vg_api_delete_filter },
    { "POST", "/detector/{}/threatintelset", VG_API_ADMIN, true, vg_api_create_threat_set },
    { "GET", "/detector/{}/threatintelset", VG_API_READ, true, vg_api_list_threat_sets },
    { "GET", "/detector/{}/threatintelset/{}", VG_API_READ, true, vg_api_get_threat_set },
    { "POST", "/detector/{}/threatintelset/{}", VG_API_ADMIN, true, vg_api_update_threat_set },
    { "DELETE", "/detector/{}/threatintelset/{}", VG_API_ADMIN, true, vg_api_delete_threat_set },
    { "POST", "/detector/{}/ipset", VG_API_ADMIN, true, vg_api_create_ip_set },
    { "GET", "/detector/{}/ipset", VG_API_READ, true, vg_api_list_ip_sets },
    { "GET", "/detector/{}/ipset/{}", VG_API_READ, true, vg_api_get_ip_set },
    { "POST", "/detector/{}/ipset/{}", VG_API_ADMIN, true, vg_api_update_ip_set },
    { "DELETE", "/detector/{}/ipset/{}", VG_API_ADMIN, true, vg_api_delete_ip_set },
};
const size_t vg_api_route_count = VG_ARRAY_LEN(vg_api_routes);
