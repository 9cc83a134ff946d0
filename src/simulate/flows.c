/*
 * VPC Flow Logs for `vigil simulate`, in the S3 delivery layout:
 *   AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/
 *       <account>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz
 * one object per flow log and five-minute window, named for the window's end, a header line
 * naming the fields first.
 *
 * The world.  Every account has two VPCs, each with one flow log: "prod" in the account's home
 * region, logged in the default version-2 format, and "data" in a second region, logged in a
 * custom format with version-5 fields (instance-id, tcp-flags, flow-direction, traffic-path...)
 * in an order of its own.  A fleet of instances lives in them, each with a role (web server,
 * database, domain controller, EMR node...) that says what it talks to.  Every attack scenario
 * and near miss has an instance of its own, which otherwise does what its role does; the fleet
 * is the same with and without attacks.
 *
 * What is not written, because AWS does not log it: traffic to the Amazon DNS server (VPC base
 * + 2), to 169.254.169.123 (Time Sync) and 169.254.169.254 (metadata), and DHCP.  Instances of
 * the prod VPC resolve through the Amazon DNS server and so show no DNS at all; those of the
 * data VPC use their domain controllers, whose DNS traffic is logged.
 *
 * Background never has an attack's shape, so that every flow finding on simulated logs traces
 * back to one scenario: no listed address (the lists' first octets are used by nothing else);
 * every TCP session carries data (more packets from its initiator than a probe); inbound
 * internet noise is rejected at the security group and one record per source; no instance
 * sends small packets in bulk; outbound ports are those of the role, and every instance uses
 * each of its role's kinds of connection in its first window, so a baseline learnt on the first
 * day has seen everything the second day does.
 *
 * Records.  A connection is logged on each of our interfaces it touches (one or two): the
 * initiator's packets as a record from its address, the reply as a record from the responder's,
 * a rejected one as a single REJECT record on the receiving interface.  A connection fits in one
 * aggregation interval (a minute, as on Nitro instances); a long session is one such connection
 * per minute on the same ports.  Records are written in order of their start: the background's
 * connections of a window are spread over its seconds by a histogram, then generated second by
 * second, with the scheduled ones (first-window bursts, nightly backups, scenarios) merged in.
 * No allocation per record: one output buffer and one scratch array, both reused.
 */
#include "simulate/flows.h"

#include "core/err.h"
#include "core/ip.h"

/* ---- the address plan ---------------------------------------------------------------------------
 * First octets by use.  The sample lists (simulate.c's and the ones below) take octets nothing
 * else uses, so only a scenario can reach a listed address.  None is private or reserved. */
static const uint8_t client_octets[] = { 24, 68, 71,  73,  76,  81,  82,  86,  88,  90,
                                         93, 98, 108, 109, 174, 176, 188, 195, 212, 217 };
static const uint8_t aws_octets[] = { 3, 18, 52, 54 };
/* (not 208: OpenDNS answers DNS over HTTPS there, and background must not look like it) */
static const uint8_t hosting_octets[] = { 65, 67, 69, 74, 96, 104, 142, 157, 162, 173, 209, 216 };
static const uint8_t noise_octets[] = { 79,  94,  103, 110, 112, 118, 122, 159,
                                        167, 179, 183, 190, 200, 218, 222 };
/* attackers, victims and targets of the scenarios that are on no list */
static const uint8_t scenario_octets[] = { 31, 83, 84, 85, 87, 89 };
static const uint16_t v6_client_prefixes[] = { 0x2a01, 0x2003, 0x2600, 0x2406, 0x2804 };

/* The category lists of the flow scenarios (--curated-list with a category). */
enum list_id { L_C2, L_MINING, L_SINKHOLE, L_DROP, L_SCANNER, L_COUNT };
#define MAX_LIST 32
static const struct {
    const char *file;
    const char *header;
    uint8_t octets[2];
    uint8_t count;
} list_defs[L_COUNT] = {
    [L_C2] = { "c2-ips.txt", "command-and-control servers", { 5, 23 }, 20 },
    [L_MINING] = { "mining-pools.txt", "cryptocurrency mining pools", { 51, 57 }, 20 },
    [L_SINKHOLE] = { "sinkholes.txt", "sinkholes and black holes", { 38, 50 }, 10 },
    [L_DROP] = { "drop-points.txt", "drop points for stolen data", { 46, 77 }, 10 },
    [L_SCANNER] = { "scanners.txt", "internet scanners", { 92, 95 }, 30 },
};

/* Public resolvers every DoH/DoT list names. */
#define IP_GOOGLE_DNS 0x08080808u /* 8.8.8.8 */
#define IP_CLOUDFLARE 0x01010101u /* 1.1.1.1 */
#define IP_QUAD9 0x09090909u      /* 9.9.9.9 */

/* nmap's 30 most common TCP ports: what a vertical scan tries first */
static const uint16_t top_ports[] = { 80,   23,  443,  21,   22,   25,   3389, 110, 445, 139,
                                      143,  53,  135,  3306, 8080, 1723, 111,  995, 993, 5900,
                                      1025, 587, 8888, 199,  1720, 465,  548,  113, 81,  6001 };
/* what internet noise knocks on (never 80 or 443: those are open on web servers) */
static const uint16_t noise_ports[] = { 22,   23,   445,  3389, 1433, 3306, 5900,
                                        6379, 8080, 8443, 9200, 2375, 5432, 27017 };
static const uint16_t probe_ports[] = { 22, 9200 };
static const uint16_t web_ports[] = { 80, 443 };

/* ---- roles ----------------------------------------------------------------------------------- */

enum vpc_id { VPC_PROD, VPC_DATA, N_VPC };

enum kind {
    K_WEB_IN,      /* a public client fetches a page over HTTPS */
    K_WEB_HTTP_IN, /* ... or over HTTP, to be redirected */
    K_TO_APP,      /* web server -> application server, 8080 */
    K_TO_DB,       /* application server -> PostgreSQL, 5432 */
    K_AWS,         /* HTTPS to an AWS endpoint (S3, STS, SQS, CloudWatch) */
    K_API,         /* HTTPS to a partner API */
    K_MIRROR,      /* HTTP to a package mirror */
    K_MIRROR_TLS,  /* HTTPS to a package mirror */
    K_NTP,         /* NTP to the instance's public pool servers */
    K_SSH_OFFICE,  /* an admin logs in to the bastion from the office */
    K_SSH_HOP,     /* bastion -> an instance, SSH */
    K_SMTP,        /* mail relay -> a recipient's MX, 25 */
    K_SUBMIT,      /* mail submission to Amazon SES, 587 */
    K_MQTT,        /* IoT gateway -> its broker, 8883 */
    K_NOISE,       /* internet scanning noise, rejected at the security group */
    K_DNS_DC,      /* DNS to a domain controller */
    K_LDAP_DC,     /* LDAP to a domain controller */
    K_KRB_DC,      /* Kerberos to a domain controller */
    K_EMR_INT,     /* EMR node -> another's YARN resource manager port */
    K_TO_SEARCH,   /* ETL -> Elasticsearch, 9200 */
};

enum role {
    R_WEB,
    R_APP,
    R_DB,
    R_BASTION,
    R_WORKER,
    R_MAIL,
    R_NOTIFY,
    R_BACKUP,
    R_IOT,
    R_DC,
    R_WIN,
    R_EMR,
    R_SEARCH,
    R_WEB6,
    R_ETL,
    R_COUNT
};

#define MAX_KINDS 6

static const struct role_def {
    uint8_t vpc;
    uint8_t fleet;  /* instances of the role in every account, besides the scenarios' */
    uint8_t weight; /* relative traffic of one instance */
    bool exposed;   /* in a public subnet: internet noise reaches it */
    struct {
        uint8_t kind, weight;
    } kinds[MAX_KINDS];
} roles[R_COUNT] = {
    [R_WEB] = { VPC_PROD,
                4,
                30,
                true,
                { { K_WEB_IN, 70 },
                  { K_WEB_HTTP_IN, 6 },
                  { K_TO_APP, 30 },
                  { K_AWS, 4 },
                  { K_NOISE, 3 } } },
    [R_APP] = { VPC_PROD, 4, 20, false, { { K_TO_DB, 40 }, { K_AWS, 15 }, { K_API, 8 } } },
    [R_DB] = { VPC_PROD, 2, 4, false, { { K_AWS, 10 } } },
    [R_BASTION] = { VPC_PROD,
                    1,
                    2,
                    true,
                    { { K_SSH_OFFICE, 5 }, { K_SSH_HOP, 5 }, { K_AWS, 2 }, { K_NOISE, 6 } } },
    [R_WORKER] = { VPC_PROD,
                   3,
                   6,
                   false,
                   { { K_AWS, 20 },
                     { K_MIRROR, 3 },
                     { K_MIRROR_TLS, 3 },
                     { K_NTP, 4 },
                     { K_API, 4 } } },
    [R_MAIL] = { VPC_PROD, 1, 4, false, { { K_SMTP, 20 }, { K_AWS, 2 } } },
    [R_NOTIFY] = { VPC_PROD, 1, 2, false, { { K_SUBMIT, 10 }, { K_AWS, 4 } } },
    [R_BACKUP] = { VPC_PROD, 1, 1, false, { { K_AWS, 5 } } },
    [R_IOT] = { VPC_PROD, 1, 2, false, { { K_MQTT, 10 }, { K_AWS, 2 } } },
    [R_DC] = { VPC_DATA, 2, 3, false, { { K_AWS, 2 } } },
    [R_WIN] = { VPC_DATA,
                3,
                4,
                false,
                { { K_DNS_DC, 10 }, { K_LDAP_DC, 4 }, { K_KRB_DC, 3 }, { K_AWS, 5 } } },
    [R_EMR] = { VPC_DATA, 3, 6, false, { { K_EMR_INT, 10 }, { K_AWS, 15 }, { K_DNS_DC, 4 } } },
    [R_SEARCH] = { VPC_DATA, 2, 3, false, { { K_AWS, 3 }, { K_DNS_DC, 2 } } },
    [R_WEB6] = { VPC_DATA,
                 2,
                 20,
                 true,
                 { { K_WEB_IN, 70 }, { K_DNS_DC, 4 }, { K_AWS, 4 }, { K_NOISE, 3 } } },
    [R_ETL] = { VPC_DATA, 2, 5, false, { { K_TO_SEARCH, 10 }, { K_AWS, 10 }, { K_DNS_DC, 5 } } },
};

/* Records a background connection of each kind writes: 4 between two of our instances (both
 * interfaces log it), 1 when rejected, else 2. */
static unsigned kind_records(enum kind k)
{
    switch (k) {
    case K_TO_APP:
    case K_TO_DB:
    case K_SSH_HOP:
    case K_DNS_DC:
    case K_LDAP_DC:
    case K_KRB_DC:
    case K_EMR_INT:
    case K_TO_SEARCH: return 4;
    case K_NOISE: return 1;
    default: return 2;
    }
}

/* ---- scenarios ----------------------------------------------------------------------------------
 * One row per attack scenario or near miss.  A row is n connections, one every step_ms, from
 * `at` (minutes after midnight) on its day, between its instance and a remote address; the
 * sizes are per connection.  Sizes follow the default thresholds of the `flow.*` options
 * (config/config.c): a port scan is 25 ports in 10 minutes of probes (at most 4 packets from
 * the initiator), a sweep 50 hosts, brute force 20 short connections (at most 60 packets) in 10
 * minutes, a flood 50,000 packets of at most 512 bytes a minute (over 256 connections for
 * TCP, flow.dos.tcp_connections), Tor relaying 5 nodes in both
 * directions within an hour, spam 10 mail servers in an hour, unusual volume 1 GiB and 10 times
 * the instance's past; the baselines learn for a day, so their scenarios are on the second. */

enum remote {
    RM_LIST,         /* the row's category list (address k of it) */
    RM_LIST_NEAR,    /* an unlisted neighbour in the same /24 */
    RM_LIST_TRUSTED, /* the category list's entry that is on the trusted list too */
    RM_TOR,
    RM_TOR_NEAR,
    RM_CUSTOM,
    RM_CUSTOM_NEAR,
    RM_CUSTOM_TRUSTED,
    RM_HOST,   /* an unlisted public host of the scenario's own */
    RM_OFFICE, /* the account's office egress */
    RM_FIXED,  /* row.fixed: a well-known public resolver */
    RM_PRIVATE_DNS,
};

enum shape {
    SH_OK,       /* both directions */
    SH_NOREPLY,  /* only the initiator's packets: a sinkhole, a flood */
    SH_REJECTED, /* refused by the responder's security group */
};

enum row_flag {
    SAME = 1u << 0,      /* on the previous row's instance */
    BOTH_DAYS = 1u << 1, /* on the first and the second day: a habit the baseline learns */
    LATE = 1u << 2,      /* the instance starts on the second day at 08:00 */
    STICKY = 1u << 3,    /* one session: the same local port on every connection */
    CLOSED = 1u << 4,    /* the remote port is closed: a probe is answered by a reset */
    SPREAD = 1u << 5,    /* a port of its own per connection, counting up from `port` */
};

struct scen {
    const char *type; /* the finding type it must raise; NULL for a near miss */
    const char *what;
    uint8_t role;
    uint8_t day;
    uint8_t flags;
    uint16_t at; /* minutes after midnight */
    bool in;     /* the remote initiates */
    uint8_t remote;
    uint8_t list; /* enum list_id, for RM_LIST* */
    uint8_t n_remotes;
    uint8_t proto;
    uint8_t shape;
    uint16_t port; /* the responder's port, when ports is NULL */
    const uint16_t *ports;
    uint8_t n_ports;
    uint32_t fixed; /* RM_FIXED */
    uint32_t n, step_ms;
    uint32_t pk_req, pk_rep;
    uint16_t sz_req, sz_rep; /* bytes per packet */
};

#define AT(h, m) ((h)*60 + (m))
#define PORTS(a) .ports = (a), .n_ports = VG_ARRAY_LEN(a)
#define BEACON .n = 30, .step_ms = 60000, .pk_req = 6, .sz_req = 180, .pk_rep = 5, .sz_rep = 160
#define SESSIONS(count, step_s)                                                                    \
    .n = (count), .step_ms = (step_s)*1000, .pk_req = 14, .sz_req = 150, .pk_rep = 12, .sz_rep = 600
#define ATTEMPTS(count, step_s)                                                                    \
    .n = (count), .step_ms = (step_s)*1000, .pk_req = 22, .sz_req = 90, .pk_rep = 24, .sz_rep = 110
#define PROBES(count, step_ms_)                                                                    \
    .n = (count), .step_ms = (step_ms_), .pk_req = 1, .sz_req = 60, .pk_rep = 1, .sz_rep = 40
#define FLOOD(size) .n = 150, .step_ms = 400, .pk_req = 1000, .sz_req = (size)

static const struct scen scens[] = {
    /* ---- threat lists ---- */
    { "Backdoor:EC2/C&CActivity.B", "an app server calls a C&C server every minute", R_APP, 0, 0,
      AT(9, 0), false, RM_LIST, L_C2, 1, 6, SH_OK, 443, BEACON },
    { NULL, "an app server calls an unlisted host in a C&C server's /24 every minute", R_APP, 0, 0,
      AT(9, 0), false, RM_LIST_NEAR, L_C2, 1, 6, SH_OK, 443, BEACON },
    { NULL, "an app server calls the red team's C&C server, which is on the trusted list too",
      R_APP, 0, 0, AT(9, 0), false, RM_LIST_TRUSTED, L_C2, 1, 6, SH_OK, 443, BEACON },
    { "CryptoCurrency:EC2/BitcoinTool.B", "a worker mines for a pool over stratum for an hour",
      R_WORKER, 0, STICKY, AT(9, 5), false, RM_LIST, L_MINING, 1, 6, SH_OK, 3333, .n = 60,
      .step_ms = 60000, .pk_req = 20, .sz_req = 120, .pk_rep = 25, .sz_rep = 200 },
    { NULL, "a worker fetches from an unlisted host in a mining pool's /24", R_WORKER, 0, 0,
      AT(9, 5), false, RM_LIST_NEAR, L_MINING, 1, 6, SH_OK, 443, SESSIONS(20, 60) },
    { "Trojan:EC2/BlackholeTraffic", "an app server keeps trying to reach a sinkholed address",
      R_APP, 0, 0, AT(9, 10), false, RM_LIST, L_SINKHOLE, 1, 6, SH_NOREPLY, 80, .n = 10,
      .step_ms = 120000, .pk_req = 3, .sz_req = 60 },
    { NULL, "an app server calls an unlisted host in a sinkhole's /24", R_APP, 0, 0, AT(9, 10),
      false, RM_LIST_NEAR, L_SINKHOLE, 1, 6, SH_OK, 80, SESSIONS(10, 120) },
    { "Trojan:EC2/DropPoint", "a database server uploads 200 MB to a drop point", R_DB, 0, STICKY,
      AT(9, 15), false, RM_LIST, L_DROP, 1, 6, SH_OK, 443, .n = 5, .step_ms = 60000,
      .pk_req = 30000, .sz_req = 1400, .pk_rep = 15000, .sz_rep = 52 },
    { NULL, "a database server uploads 200 MB to an unlisted host in a drop point's /24", R_DB, 0,
      STICKY, AT(9, 15), false, RM_LIST_NEAR, L_DROP, 1, 6, SH_OK, 443, .n = 5, .step_ms = 60000,
      .pk_req = 30000, .sz_req = 1400, .pk_rep = 15000, .sz_rep = 52 },
    { "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom",
      "a worker talks to an address on the user's threat list", R_WORKER, 0, 0, AT(9, 20), false,
      RM_CUSTOM, 0, 1, 6, SH_OK, 443, SESSIONS(10, 60) },
    { NULL, "a worker talks to an unlisted neighbour of an address on the user's threat list",
      R_WORKER, 0, 0, AT(9, 20), false, RM_CUSTOM_NEAR, 0, 1, 6, SH_OK, 443, SESSIONS(10, 60) },
    { NULL, "the pentest vendor, on the threat list and the trusted list, crawls a web server",
      R_WEB, 0, 0, AT(9, 20), true, RM_CUSTOM_TRUSTED, 0, 1, 6, SH_OK, 443, SESSIONS(50, 6) },
    { "UnauthorizedAccess:EC2/TorClient", "a worker holds a Tor circuit open for half an hour",
      R_WORKER, 0, STICKY, AT(9, 25), false, RM_TOR, 0, 1, 6, SH_OK, 9001, SESSIONS(30, 60) },
    { NULL, "a worker calls an unlisted host in a Tor node's network", R_WORKER, 0, 0, AT(9, 25),
      false, RM_TOR_NEAR, 0, 1, 6, SH_OK, 443, SESSIONS(30, 60) },
    { NULL, "visitors using Tor Browser read a dual-stack web site over HTTPS", R_WEB6, 0, 0,
      AT(9, 25), true, RM_TOR, 0, 8, 6, SH_OK, 443, SESSIONS(16, 60) },
    { "UnauthorizedAccess:EC2/TorRelay", "an ETL host relays Tor: 8 relays connect to it...", R_ETL,
      0, 0, AT(9, 30), true, RM_TOR, 0, 8, 6, SH_OK, 9001, SESSIONS(8, 300) },
    { "UnauthorizedAccess:EC2/TorRelay", "...and it connects to the same 8 relays", R_ETL, 0, SAME,
      AT(9, 32), false, RM_TOR, 0, 8, 6, SH_OK, 9001, SESSIONS(8, 300) },
    { "Recon:EC2/PortProbeUnprotectedPort",
      "a known scanner reaches SSH and Elasticsearch (9200) on a search node",
      R_SEARCH,
      0,
      0,
      AT(9, 35),
      true,
      RM_LIST,
      L_SCANNER,
      1,
      6,
      SH_OK,
      0,
      PORTS(probe_ports),
      .n = 2,
      .step_ms = 5000,
      .pk_req = 2,
      .sz_req = 60,
      .pk_rep = 1,
      .sz_rep = 60 },
    { NULL,        "a known scanner reaches a web server on 80 and 443",
      R_WEB,       0,
      0,           AT(9, 35),
      true,        RM_LIST,
      L_SCANNER,   1,
      6,           SH_OK,
      0,           PORTS(web_ports),
      .n = 2,      .step_ms = 5000,
      .pk_req = 2, .sz_req = 60,
      .pk_rep = 1, .sz_rep = 60 },
    { NULL, "a known scanner tries SSH and 9200 on a search node and is rejected", R_SEARCH, 0, 0,
      AT(9, 35), true, RM_LIST, L_SCANNER, 1, 6, SH_REJECTED, 0, PORTS(probe_ports), .n = 2,
      .step_ms = 5000, .pk_req = 1, .sz_req = 60 },
    { "Recon:EC2/PortProbeEMRUnprotectedPort",
      "a known scanner reaches the YARN web UI (8088) of an EMR node", R_EMR, 0, 0, AT(9, 40), true,
      RM_LIST, L_SCANNER, 1, 6, SH_OK, 8088, .n = 3, .step_ms = 20000, .pk_req = 2, .sz_req = 60,
      .pk_rep = 1, .sz_rep = 60 },
    { NULL, "a known scanner tries 8088 of an EMR node and is rejected", R_EMR, 0, 0, AT(9, 40),
      true, RM_LIST, L_SCANNER, 1, 6, SH_REJECTED, 8088, .n = 3, .step_ms = 20000, .pk_req = 1,
      .sz_req = 60 },
    { NULL, "an analyst opens the YARN web UI from the office", R_EMR, 0, 0, AT(9, 40), true,
      RM_OFFICE, 0, 1, 6, SH_OK, 8088, SESSIONS(20, 30) },

    /* ---- scans and sweeps ---- */
    { "Recon:EC2/Portscan", "a worker probes 30 ports of one host in a minute (nmap -sT)", R_WORKER,
      0, CLOSED, AT(9, 45), false, RM_HOST, 0, 1, 6, SH_OK, 0, PORTS(top_ports), PROBES(30, 2000) },
    { NULL, "a monitoring check probes the same 20 ports of one host every 5 minutes", R_WORKER, 0,
      CLOSED, AT(9, 45), false, RM_HOST, 0, 1, 6, SH_OK, 0, .ports = top_ports, .n_ports = 20,
      PROBES(60, 15000) },
    { NULL, "an app pulls data from 40 service ports of one partner host", R_APP, 0, SPREAD,
      AT(9, 45), false, RM_HOST, 0, 1, 6, SH_OK, 30000, SESSIONS(40, 3) },
    { "Impact:EC2/PortSweep", "a worker probes Redis (6379) on 60 hosts in 3 minutes", R_WORKER, 0,
      CLOSED, AT(9, 50), false, RM_HOST, 0, 60, 6, SH_OK, 6379, PROBES(60, 3000) },
    { NULL, "an uptime monitor checks HTTPS of 40 hosts with bare TCP connects", R_WORKER, 0, 0,
      AT(9, 50), false, RM_HOST, 0, 40, 6, SH_OK, 443, .n = 40, .step_ms = 7000, .pk_req = 3,
      .sz_req = 60, .pk_rep = 2, .sz_rep = 60 },
    { NULL, "a crawler fetches pages from 120 web sites", R_WORKER, 0, 0, AT(9, 50), false, RM_HOST,
      0, 120, 6, SH_OK, 443, SESSIONS(120, 4) },

    /* ---- brute force ---- */
    { "UnauthorizedAccess:EC2/SSHBruteForce", "an internet host tries 40 SSH logins in 6 minutes",
      R_WEB, 0, 0, AT(9, 55), true, RM_HOST, 0, 1, 6, SH_OK, 22, ATTEMPTS(40, 9) },
    { NULL, "an internet host fails 15 SSH logins in 10 minutes", R_WEB, 0, 0, AT(9, 55), true,
      RM_HOST, 0, 1, 6, SH_OK, 22, ATTEMPTS(15, 40) },
    { NULL, "a deploy job from the office runs 30 rsync-over-SSH sessions", R_WEB, 0, 0, AT(9, 55),
      true, RM_OFFICE, 0, 1, 6, SH_OK, 22, .n = 30, .step_ms = 20000, .pk_req = 400, .sz_req = 900,
      .pk_rep = 600, .sz_rep = 1200 },
    { "UnauthorizedAccess:EC2/RDPBruteForce", "an internet host tries 40 RDP logins", R_WIN, 0, 0,
      AT(10, 0), true, RM_HOST, 0, 1, 6, SH_OK, 3389, ATTEMPTS(40, 9) },
    { NULL, "an internet host reconnects to RDP 10 times", R_WIN, 0, 0, AT(10, 0), true, RM_HOST, 0,
      1, 6, SH_OK, 3389, ATTEMPTS(10, 50) },
    { NULL, "admins work over RDP from the office, 25 sessions", R_WIN, 0, 0, AT(10, 0), true,
      RM_OFFICE, 0, 1, 6, SH_OK, 3389, .n = 25, .step_ms = 24000, .pk_req = 2000, .sz_req = 300,
      .pk_rep = 3000, .sz_rep = 900 },
    { "Impact:EC2/WinRMBruteForce", "a Windows server tries 40 WinRM logins on an internet host",
      R_WIN, 0, 0, AT(10, 5), false, RM_HOST, 0, 1, 6, SH_OK, 5985, ATTEMPTS(40, 9) },
    { NULL, "a Windows server fails 15 WinRM logins on one host", R_WIN, 0, 0, AT(10, 5), false,
      RM_HOST, 0, 1, 6, SH_OK, 5985, ATTEMPTS(15, 40) },
    { NULL, "configuration management runs 30 WinRM sessions on one host", R_WIN, 0, 0, AT(10, 5),
      false, RM_HOST, 0, 1, 6, SH_OK, 5986, .n = 30, .step_ms = 20000, .pk_req = 150, .sz_req = 400,
      .pk_rep = 200, .sz_rep = 700 },

    /* ---- floods: 150,000 packets in a minute; a SYN flood from 400 source ports ---- */
    { "Backdoor:EC2/DenialOfService.Tcp", "a worker SYN-floods port 80 of one host", R_WORKER, 0, 0,
      AT(10, 10), false, RM_HOST, 0, 1, 6, SH_NOREPLY, 80, .n = 400, .step_ms = 150, .pk_req = 375,
      .sz_req = 60 },
    { "Backdoor:EC2/DenialOfService.Udp", "a worker floods UDP port 27015 of one host", R_WORKER, 0,
      0, AT(10, 10), false, RM_HOST, 0, 1, 17, SH_NOREPLY, 27015, FLOOD(128) },
    { "Backdoor:EC2/DenialOfService.Dns", "an ETL host floods port 53 of one host", R_ETL, 0, 0,
      AT(10, 10), false, RM_HOST, 0, 1, 17, SH_NOREPLY, 53, FLOOD(80) },
    { "Backdoor:EC2/DenialOfService.UdpOnTcpPorts", "a worker floods UDP port 22 of one host",
      R_WORKER, 0, 0, AT(10, 10), false, RM_HOST, 0, 1, 17, SH_NOREPLY, 22, FLOOD(128) },
    { "Backdoor:EC2/DenialOfService.UnusualProtocol", "an ETL host floods one host with GRE", R_ETL,
      0, 0, AT(10, 10), false, RM_HOST, 0, 1, 47, SH_NOREPLY, 0, FLOOD(100) },
    { NULL, "a worker uploads 140 MB a minute to one host in full-size packets", R_WORKER, 0,
      STICKY, AT(10, 10), false, RM_HOST, 0, 1, 6, SH_OK, 443, .n = 100, .step_ms = 600,
      .pk_req = 1000, .sz_req = 1400, .pk_rep = 500, .sz_rep = 52 },
    { NULL, "a web server is SYN-flooded by one host (the victim, not the attacker)", R_WEB, 0, 0,
      AT(10, 10), true, RM_HOST, 0, 1, 6, SH_OK, 443, .n = 150, .step_ms = 400, .pk_req = 1000,
      .sz_req = 60, .pk_rep = 1000, .sz_rep = 60 },
    { NULL, "a media relay sends 30,000 small UDP packets a minute to one peer for 5 minutes",
      R_WORKER, 0, 0, AT(10, 10), false, RM_HOST, 0, 1, 17, SH_OK, 3478, .n = 300, .step_ms = 1000,
      .pk_req = 500, .sz_req = 200, .pk_rep = 20, .sz_rep = 100 },

    /* ---- baselines: learnt on the first day, unusual on the second ---- */
    { "Backdoor:EC2/Spambot", "a worker that never sent mail contacts 30 mail servers on 25",
      R_WORKER, 1, 0, AT(10, 0), false, RM_HOST, 0, 30, 6, SH_OK, 25, SESSIONS(30, 90) },
    { "Behavior:EC2/NetworkPortUnusual",
      "an app server calls back to LDAP port 1389 of an internet host (log4j)", R_APP, 1, 0,
      AT(10, 5), false, RM_HOST, 0, 1, 6, SH_OK, 1389, SESSIONS(3, 30) },
    { "Behavior:EC2/TrafficVolumeUnusual",
      "a database server sends 3 GB to a new host in 40 minutes", R_DB, 1, STICKY, AT(10, 10),
      false, RM_HOST, 0, 1, 6, SH_OK, 443, .n = 40, .step_ms = 60000, .pk_req = 55000,
      .sz_req = 1400, .pk_rep = 20000, .sz_rep = 52 },
    { "DefenseEvasion:EC2/UnusualDNSResolver", "a worker starts asking an internet DNS resolver",
      R_WORKER, 1, 0, AT(10, 15), false, RM_HOST, 0, 1, 17, SH_OK, 53, .n = 40, .step_ms = 30000,
      .pk_req = 1, .sz_req = 70, .pk_rep = 1, .sz_rep = 150 },
    { "DefenseEvasion:EC2/UnusualDoHActivity", "an app server starts using DNS over HTTPS", R_APP,
      1, 0, AT(10, 20), false, RM_FIXED, 0, 1, 6, SH_OK, 443, .fixed = IP_CLOUDFLARE,
      SESSIONS(20, 60) },
    { "DefenseEvasion:EC2/UnusualDoTActivity", "an app server starts using DNS over TLS", R_APP, 1,
      0, AT(10, 25), false, RM_FIXED, 0, 1, 6, SH_OK, 853, .fixed = IP_QUAD9, SESSIONS(20, 60) },
    { NULL, "a database server sends 840 MB to a new host (below 1 GiB)", R_DB, 1, STICKY,
      AT(10, 10), false, RM_HOST, 0, 1, 6, SH_OK, 443, .n = 10, .step_ms = 60000, .pk_req = 60000,
      .sz_req = 1400, .pk_rep = 20000, .sz_rep = 52 },
    { NULL,        "a worker asks 8.8.8.8 every day",
      R_WORKER,    1,
      BOTH_DAYS,   AT(10, 15),
      false,       RM_FIXED,
      0,           1,
      17,          SH_OK,
      53,          .fixed = IP_GOOGLE_DNS,
      .n = 40,     .step_ms = 30000,
      .pk_req = 1, .sz_req = 70,
      .pk_rep = 1, .sz_rep = 150 },
    { NULL, "a Windows server starts asking the on-premises DNS server (private)", R_WIN, 1, 0,
      AT(10, 15), false, RM_PRIVATE_DNS, 0, 1, 17, SH_OK, 53, .n = 40, .step_ms = 30000,
      .pk_req = 1, .sz_req = 70, .pk_rep = 1, .sz_rep = 150 },
    { NULL, "an app server uses DNS over HTTPS every day", R_APP, 1, BOTH_DAYS, AT(10, 20), false,
      RM_FIXED, 0, 1, 6, SH_OK, 443, .fixed = IP_CLOUDFLARE, SESSIONS(20, 60) },
    { NULL, "an app server uses DNS over TLS every day", R_APP, 1, BOTH_DAYS, AT(10, 25), false,
      RM_FIXED, 0, 1, 6, SH_OK, 853, .fixed = IP_QUAD9, SESSIONS(20, 60) },
    { NULL, "a worker started two hours ago calls back to port 1389...", R_WORKER, 1, LATE,
      AT(10, 0), false, RM_HOST, 0, 1, 6, SH_OK, 1389, SESSIONS(3, 30) },
    { NULL, "...mails 30 servers on 25...", R_WORKER, 1, SAME, AT(10, 5), false, RM_HOST, 0, 30, 6,
      SH_OK, 25, SESSIONS(30, 90) },
    { NULL, "...asks an internet DNS resolver...", R_WORKER, 1, SAME, AT(10, 10), false, RM_HOST, 0,
      1, 17, SH_OK, 53, .n = 40, .step_ms = 30000, .pk_req = 1, .sz_req = 70, .pk_rep = 1,
      .sz_rep = 150 },
    { NULL, "...uses DNS over HTTPS and over TLS: all of it while its baseline still learns",
      R_WORKER, 1, SAME, AT(10, 15), false, RM_FIXED, 0, 1, 6, SH_OK, 443, .fixed = IP_CLOUDFLARE,
      SESSIONS(20, 60) },
    { NULL, "(DNS over TLS of the new worker)", R_WORKER, 1, SAME, AT(10, 20), false, RM_FIXED, 0,
      1, 6, SH_OK, 853, .fixed = IP_QUAD9, SESSIONS(20, 60) },
};
#define N_SCENS VG_ARRAY_LEN(scens)

/* ---- state ----------------------------------------------------------------------------------- */

struct inst {
    uint8_t role, vpc, subnet;
    int64_t launch_s; /* seconds after the first day's midnight */
    struct vg_ip ip;  /* private IPv4 */
    struct vg_ip ip6; /* family 0 when the instance has none */
    uint16_t ntp;     /* first of its four NTP servers */
    char eni[VG_SIM_ID_CAP], id[VG_SIM_ID_CAP];
    char pre[160]; /* the record's fields before the addresses */
    uint8_t pre_len;
};

struct vpc {
    const char *region;
    bool custom;
    uint32_t base; /* the /16, host order */
    uint8_t v6[7]; /* the /56 (data VPC) */
    char id[VG_SIM_ID_CAP], fl_id[VG_SIM_ID_CAP];
    char subnet[3][VG_SIM_ID_CAP];
    char az_id[3][24];
    struct vg_sim_members m; /* who talks, weighted by traffic */
    uint64_t avg_milli;      /* records per background connection, times 1000 */
};

struct facct {
    unsigned ai;
    const struct vg_flows_account *src;
    struct vpc vpc[N_VPC];
    struct inst *inst;
    unsigned n_inst;
    uint32_t *by_role; /* instance indexes grouped by role */
    unsigned role_first[R_COUNT + 1];
    uint32_t *row_inst; /* the instance of each scenario row */
    uint32_t office[2];
    uint64_t host_seed;
    uint16_t sticky_port[N_SCENS];
    struct vg_sim_rng srng; /* the scenario stream */
    uint64_t shape[VG_SIM_WINDOWS_PER_DAY + 1];
};

#define N_AWS 48
#define N_MIRRORS 6
#define N_PARTNERS 8
#define N_NTP 16
#define N_MX 400
#define N_SES 4

/* One connection before it becomes records: the initiator ("c") and responder ("s") ends. */
struct conn {
    struct vg_sim_when at; /* second of the day it starts */
    uint16_t dur;
    uint8_t proto, shape;
    uint8_t fq, fr; /* TCP flags of request and reply */
    bool scenario;
    const struct inst *ci, *si; /* NULL: not one of ours */
    struct vg_ip ca, sa;
    uint16_t cport, sport;
    uint32_t pk_req, pk_rep;
    uint64_t by_req, by_rep;
};

struct vg_flows {
    const struct vg_simulate_opts *opts;
    struct vg_flows_intel intel;
    struct facct *acct;
    unsigned n_acct;
    uint32_t lists[L_COUNT][MAX_LIST];
    uint32_t redteam; /* on the C&C list and the trusted list */
    uint32_t aws[N_AWS], mirrors[N_MIRRORS], partners[N_PARTNERS], ntp[N_NTP], mx[N_MX];
    uint32_t ses[N_SES], broker, backup_host;
    struct vg_sim_rng rng; /* background */
    struct vg_sim_vpc_writer w;
};

/* ---- helpers --------------------------------------------------------------------------------- */

static struct vg_ip ip4(uint32_t v)
{
    struct vg_ip ip = { .family = 4 };
    ip.addr[0] = (uint8_t)(v >> 24);
    ip.addr[1] = (uint8_t)(v >> 16);
    ip.addr[2] = (uint8_t)(v >> 8);
    ip.addr[3] = (uint8_t)v;
    return ip;
}

/* A public host address with one of the given first octets; never .0 or .255. */
static uint32_t public_ip(struct vg_sim_rng *r, const uint8_t *octets, size_t n)
{
    return (uint32_t)octets[vg_sim_below(r, n)] << 24 | (uint32_t)vg_sim_below(r, 65536) << 8 |
           (uint32_t)(1 + vg_sim_below(r, 254));
}

#define PUBLIC_IP(r, octets) public_ip((r), (octets), sizeof(octets))

static bool on_list(uint32_t ip, const uint32_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == ip)
            return true;
    return false;
}

/* An address of ip's /24 that is on no list: the innocent neighbour of a listed host. */
static uint32_t neighbour(uint32_t ip, const uint32_t *list, size_t n)
{
    for (uint32_t k = 1;; k++) {
        uint32_t cand = (ip & ~255u) | ((ip + k) & 255u);
        if ((cand & 255) != 0 && (cand & 255) != 255 && !on_list(cand, list, n))
            return cand;
    }
}

/* A client's port: Linux and Windows ephemeral ranges together. */
static uint16_t ephemeral(struct vg_sim_rng *r)
{
    return (uint16_t)(32768 + vg_sim_below(r, 32768));
}

static const char *role_region(const struct facct *a, unsigned vpc)
{
    return vpc == VPC_PROD ? a->src->home_region : a->src->data_region;
}

/* "us-east-1" -> "use1", "ap-southeast-2" -> "apse2": the prefix of the region's AZ ids. */
static void az_prefix(const char *region, char *out, size_t cap)
{
    static const struct {
        const char *word, *abbr;
    } words[] = { { "east", "e" },       { "west", "w" },       { "north", "n" },
                  { "south", "s" },      { "central", "c" },    { "northeast", "ne" },
                  { "southeast", "se" }, { "northwest", "nw" }, { "southwest", "sw" } };
    const char *d1 = strchr(region, '-');
    const char *d2 = d1 ? strchr(d1 + 1, '-') : NULL;
    const char *abbr = "x";
    if (!d1 || !d2) {
        snprintf(out, cap, "%s", region);
        return;
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(words); i++)
        if (strlen(words[i].word) == (size_t)(d2 - d1 - 1) &&
            memcmp(words[i].word, d1 + 1, (size_t)(d2 - d1 - 1)) == 0)
            abbr = words[i].abbr;
    snprintf(out, cap, "%.*s%s%s", (int)(d1 - region), region, abbr, d2 + 1);
}

/* ---- building the fleets --------------------------------------------------------------------- */

static void vpc_init(struct vg_flows *fl, struct facct *a, unsigned v)
{
    struct vg_sim_rng *r = &fl->rng;
    struct vpc *p = &a->vpc[v];
    char az[16];
    p->region = role_region(a, v);
    p->custom = v == VPC_DATA;
    p->base = v == VPC_PROD ? (10u << 24 | (uint32_t)(16 + vg_sim_below(r, 200)) << 16)
                            : (172u << 24 | (uint32_t)(16 + vg_sim_below(r, 16)) << 16);
    p->v6[0] = 0x26;
    p->v6[1] = 0x00;
    p->v6[2] = 0x1f;
    p->v6[3] = 0x18;
    for (unsigned i = 4; i < 7; i++)
        p->v6[i] = (uint8_t)vg_sim_below(r, 256);
    vg_sim_hex_id(r, p->id, "vpc-");
    vg_sim_hex_id(r, p->fl_id, "fl-");
    az_prefix(p->region, az, sizeof(az));
    for (unsigned s = 0; s < 3; s++) {
        vg_sim_hex_id(r, p->subnet[s], "subnet-");
        snprintf(p->az_id[s], sizeof(p->az_id[s]), "%s-az%u", az, s + 1);
    }
}

static void inst_init(struct vg_flows *fl, struct facct *a, struct inst *in, unsigned role,
                      unsigned index)
{
    struct vg_sim_rng *r = &fl->rng;
    const struct role_def *rd = &roles[role];
    struct vpc *p = &a->vpc[rd->vpc];
    in->role = (uint8_t)role;
    in->vpc = rd->vpc;
    /* public, private application and data subnets, one per zone */
    in->subnet = rd->exposed ? 0 : role == R_DB || role == R_DC || role == R_SEARCH ? 2 : 1;
    /* a host number unique in the subnet: the fleet has far fewer than 250 per subnet */
    in->ip = ip4(p->base | (uint32_t)in->subnet << 12 | (uint32_t)(10 + index));
    if (role == R_WEB6) {
        in->ip6.family = 6;
        memcpy(in->ip6.addr, p->v6, 7);
        in->ip6.addr[7] = in->subnet;
        for (unsigned i = 8; i < 16; i++)
            in->ip6.addr[i] = (uint8_t)vg_sim_below(r, 256);
    }
    in->ntp = (uint16_t)vg_sim_below(r, N_NTP);
    vg_sim_hex_id(r, in->eni, "eni-");
    vg_sim_hex_id(r, in->id, "i-");
    int n = p->custom ? snprintf(in->pre, sizeof(in->pre), "5 %s %s %s %s %s ", a->src->id, p->id,
                                 p->subnet[in->subnet], in->id, in->eni)
                      : snprintf(in->pre, sizeof(in->pre), "2 %s %s ", a->src->id, in->eni);
    in->pre_len = (uint8_t)n;
}

static void report_scenarios(const struct vg_flows *fl, const struct facct *a)
{
    const struct vg_simulate_opts *o = fl->opts;
    for (size_t k = 0; k < N_SCENS; k++) {
        const struct inst *in = &a->inst[a->row_inst[k]];
        struct vg_simulate_flow_scenario s = { a->src->id,  role_region(a, in->vpc), in->eni,
                                               in->id,      scens[k].type,           scens[k].what,
                                               scens[k].day };
        o->on_flow_scenario(o->scenario_ctx, &s);
    }
}

static int account_init(struct vg_flows *fl, struct facct *a, unsigned ai,
                        const struct vg_flows_account *src)
{
    struct vg_sim_rng *r = &fl->rng;
    unsigned n = 0, per_vpc[N_VPC] = { 0 };
    a->ai = ai;
    a->src = src;
    for (unsigned v = 0; v < N_VPC; v++)
        vpc_init(fl, a, v);
    for (unsigned k = 0; k < R_COUNT; k++)
        n += roles[k].fleet;
    for (size_t k = 0; k < N_SCENS; k++)
        n += !(scens[k].flags & SAME);
    a->n_inst = n;
    a->inst = calloc(n, sizeof(*a->inst));
    a->by_role = calloc(n, sizeof(*a->by_role));
    a->row_inst = calloc(N_SCENS, sizeof(*a->row_inst));
    for (unsigned v = 0; v < N_VPC; v++)
        if (vg_sim_members_init(&a->vpc[v].m, n) != VG_OK)
            return VG_ENOMEM;
    if (!a->inst || !a->by_role || !a->row_inst)
        return VG_ENOMEM;

    /* the fleet, then one instance per scenario row that does not continue the previous one */
    unsigned i = 0;
    for (unsigned k = 0; k < R_COUNT; k++)
        for (unsigned j = 0; j < roles[k].fleet; j++, i++)
            inst_init(fl, a, &a->inst[i], k, per_vpc[roles[k].vpc]++);
    for (size_t k = 0; k < N_SCENS; k++) {
        if (scens[k].flags & SAME) {
            a->row_inst[k] = a->row_inst[k - 1];
            continue;
        }
        inst_init(fl, a, &a->inst[i], scens[k].role, per_vpc[roles[scens[k].role].vpc]++);
        if (scens[k].flags & LATE)
            a->inst[i].launch_s = 86400 + 8 * 3600;
        a->row_inst[k] = i++;
    }

    /* grouped by role, for picking peers; weighted per VPC, for picking who talks */
    unsigned at = 0;
    for (unsigned k = 0; k < R_COUNT; k++) {
        a->role_first[k] = at;
        for (unsigned j = 0; j < n; j++)
            if (a->inst[j].role == k)
                a->by_role[at++] = j;
    }
    a->role_first[R_COUNT] = at;
    for (unsigned j = 0; j < n; j++) {
        const struct role_def *rd = &roles[a->inst[j].role];
        struct vpc *p = &a->vpc[rd->vpc];
        uint64_t w = rd->weight * (50 + vg_sim_below(r, 100));
        unsigned kw = 0, kr = 0;
        for (unsigned k = 0; k < MAX_KINDS && rd->kinds[k].weight; k++) {
            kw += rd->kinds[k].weight;
            kr += rd->kinds[k].weight * kind_records(rd->kinds[k].kind);
        }
        vg_sim_members_add(&p->m, j, w);
        p->avg_milli += w * kr * 1000 / kw; /* divided by the VPC's weight below */
    }
    for (unsigned v = 0; v < N_VPC; v++)
        if (a->vpc[v].m.weight)
            a->vpc[v].avg_milli /= a->vpc[v].m.weight;

    a->office[0] = PUBLIC_IP(r, client_octets); /* two internet links */
    a->office[1] = PUBLIC_IP(r, client_octets);
    a->host_seed = vg_sim_rng_next(r);
    vg_sim_rng_seed(&a->srng, fl->opts->seed ^ 0x666c6f7773636e65ull ^ (uint64_t)ai << 32);
    for (size_t k = 0; k < N_SCENS; k++)
        a->sticky_port[k] = ephemeral(&a->srng);
    vg_sim_day_shape(src->tz_windows, a->shape);
    if (fl->opts->attacks && fl->opts->on_flow_scenario)
        report_scenarios(fl, a);
    return VG_OK;
}

/* The category lists, drawn from a stream of their own; the C&C list gets one address more, the
 * red team's, which is on the trusted list too. */
static void lists_draw(struct vg_flows *fl)
{
    struct vg_sim_rng r;
    vg_sim_rng_seed(&r, fl->opts->seed ^ 0x666c6f776c697374ull); /* "flowlist" */
    for (unsigned l = 0; l < L_COUNT; l++)
        for (unsigned i = 0; i < list_defs[l].count; i++) {
            uint32_t ip;
            do
                ip = public_ip(&r, list_defs[l].octets, 2);
            while (on_list(ip, fl->lists[l], i));
            fl->lists[l][i] = ip;
        }
    do
        fl->redteam = public_ip(&r, list_defs[L_C2].octets, 2);
    while (on_list(fl->redteam, fl->lists[L_C2], list_defs[L_C2].count));
}

struct vg_flows *vg_flows_new(const struct vg_simulate_opts *opts,
                              const struct vg_flows_account *accounts, unsigned n,
                              const struct vg_flows_intel *intel)
{
    struct vg_flows *fl = calloc(1, sizeof(*fl));
    if (!fl)
        return NULL;
    fl->opts = opts;
    vg_sim_vpc_writer_init(&fl->w, sizeof(struct conn));
    if (intel)
        fl->intel = *intel;
    if (opts->attacks && (!intel || intel->n_tor == 0 || intel->n_custom < 2))
        VG_BUG("flow scenarios need Tor exits and two custom-list addresses");
    fl->n_acct = n;
    fl->acct = calloc(n, sizeof(*fl->acct));
    if (!fl->acct)
        goto fail;
    vg_sim_rng_seed(&fl->rng, opts->seed ^ 0x666c6f77666c6f77ull); /* "flowflow" */
    struct vg_sim_rng *r = &fl->rng;
    for (unsigned i = 0; i < N_AWS; i++)
        fl->aws[i] = PUBLIC_IP(r, aws_octets);
    /* Fastly's 151.101.0.0/16 serves deb.debian.org and PyPI */
    for (unsigned i = 0; i < N_MIRRORS; i++)
        fl->mirrors[i] = 151u << 24 | 101u << 16 | (uint32_t)vg_sim_below(r, 256) << 8 |
                         (uint32_t)(1 + vg_sim_below(r, 254));
    for (unsigned i = 0; i < N_PARTNERS; i++)
        fl->partners[i] = PUBLIC_IP(r, hosting_octets);
    for (unsigned i = 0; i < N_NTP; i++)
        fl->ntp[i] = PUBLIC_IP(r, hosting_octets);
    for (unsigned i = 0; i < N_MX; i++)
        fl->mx[i] = PUBLIC_IP(r, hosting_octets);
    for (unsigned i = 0; i < N_SES; i++)
        fl->ses[i] = PUBLIC_IP(r, aws_octets);
    fl->broker = PUBLIC_IP(r, aws_octets);
    fl->backup_host = PUBLIC_IP(r, hosting_octets);
    if (opts->attacks)
        lists_draw(fl);
    for (unsigned i = 0; i < n; i++)
        if (account_init(fl, &fl->acct[i], i, &accounts[i]) != VG_OK)
            goto fail;
    return fl;
fail:
    vg_flows_free(fl);
    return NULL;
}

void vg_flows_free(struct vg_flows *fl)
{
    if (!fl)
        return;
    for (unsigned i = 0; fl->acct && i < fl->n_acct; i++) {
        struct facct *a = &fl->acct[i];
        free(a->inst);
        free(a->by_role);
        free(a->row_inst);
        for (unsigned v = 0; v < N_VPC; v++)
            vg_sim_members_release(&a->vpc[v].m);
    }
    free(fl->acct);
    vg_sim_vpc_writer_release(&fl->w);
    free(fl);
}

/* ---- the fleet, for the DNS generator ------------------------------------------------------- */

static const char *const role_names[R_COUNT] = {
    [R_WEB] = "web",       [R_APP] = "app",   [R_DB] = "db",         [R_BASTION] = "bastion",
    [R_WORKER] = "worker", [R_MAIL] = "mail", [R_NOTIFY] = "notify", [R_BACKUP] = "backup",
    [R_IOT] = "iot",       [R_DC] = "dc",     [R_WIN] = "win",       [R_EMR] = "emr",
    [R_SEARCH] = "search", [R_WEB6] = "web6", [R_ETL] = "etl",
};

unsigned vg_flows_instance_count(const struct vg_flows *fl, unsigned ai)
{
    return fl->acct[ai].n_inst;
}

void vg_flows_instance_at(const struct vg_flows *fl, unsigned ai, unsigned i,
                          struct vg_flows_instance *out)
{
    const struct facct *a = &fl->acct[ai];
    const struct inst *in = &a->inst[i];
    const struct role_def *rd = &roles[in->role];
    unsigned n_dc = a->role_first[R_DC + 1] - a->role_first[R_DC];
    bool uses_dc = false;
    for (unsigned k = 0; k < MAX_KINDS && rd->kinds[k].weight; k++)
        uses_dc |= rd->kinds[k].kind == K_DNS_DC;
    *out = (struct vg_flows_instance){
        .id = in->id,
        .role = role_names[in->role],
        .vpc_id = a->vpc[in->vpc].id,
        .region = a->vpc[in->vpc].region,
        .ip = (uint32_t)in->ip.addr[0] << 24 | (uint32_t)in->ip.addr[1] << 16 |
              (uint32_t)in->ip.addr[2] << 8 | in->ip.addr[3],
        .launch_s = in->launch_s,
        .vpc = in->vpc,
        .via = uses_dc && n_dc ? a->by_role[a->role_first[R_DC] + i % n_dc] : i,
    };
}

void vg_flows_c2_beacon(const struct vg_flows *fl, unsigned ai, unsigned *inst_out,
                        uint32_t *ip_out, unsigned *day_out, uint32_t *start_s_out)
{
    const struct facct *a = &fl->acct[ai];
    for (size_t row = 0; row < N_SCENS; row++) {
        const struct scen *sc = &scens[row];
        if (sc->remote != RM_LIST || sc->list != L_C2 || sc->in)
            continue;
        *inst_out = a->row_inst[row];
        *ip_out = fl->lists[L_C2][ai % list_defs[L_C2].count];
        *day_out = sc->day;
        *start_s_out = (uint32_t)sc->at * 60;
        return;
    }
    VG_BUG("the flow scenarios have no C&C beacon");
}

uint32_t vg_flows_listed_ip(const struct vg_flows *fl, const char *file, unsigned k)
{
    for (unsigned l = 0; l < L_COUNT; l++)
        if (strcmp(list_defs[l].file, file) == 0)
            return fl->lists[l][k % list_defs[l].count];
    VG_BUG("no sample list '%s'", file);
}

/* ---- sample lists ---------------------------------------------------------------------------- */

int vg_flows_write_lists(const struct vg_flows *fl, const char *date)
{
    struct vg_sim_sink o = { VG_BUF_INIT, VG_OK };
    struct vg_buf path = VG_BUF_INIT;
    char ip[16];
    int rc = VG_OK;
    for (unsigned l = 0; l < L_COUNT && rc == VG_OK; l++) {
        vg_buf_reset(&o.b);
        vg_sim_putf(&o, "# vigil sample list: %s, %s\n", list_defs[l].header, date);
        for (unsigned i = 0; i < list_defs[l].count; i++) {
            vg_sim_fmt_ip4(fl->lists[l][i], ip);
            vg_sim_putf(&o, "%s\n", ip);
        }
        if (l == L_C2) {
            vg_sim_fmt_ip4(fl->redteam, ip);
            vg_sim_putf(&o, "%s  # our red team's server, also on trusted-ips.txt\n", ip);
        }
        rc = vg_sim_write_intel(&o, &path, fl->opts->out_dir, list_defs[l].file);
    }
    vg_buf_release(&o.b);
    vg_buf_release(&path);
    return rc;
}

void vg_flows_put_trusted(const struct vg_flows *fl, struct vg_sim_sink *o)
{
    char ip[16];
    vg_sim_fmt_ip4(fl->redteam, ip);
    vg_sim_putf(o, "%s  # our red team's C&C server, also on c2-ips.txt\n", ip);
}

/* ---- one record ------------------------------------------------------------------------------ */

static inline char *put_num(char *p, uint64_t v)
{
    char tmp[20];
    unsigned n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static inline char *put_octet(char *p, unsigned o)
{
    if (o >= 100) {
        *p++ = (char)('0' + o / 100);
        o %= 100;
        *p++ = (char)('0' + o / 10);
    } else if (o >= 10) {
        *p++ = (char)('0' + o / 10);
    }
    *p++ = (char)('0' + o % 10);
    return p;
}

static char *put_ip(char *p, const struct vg_ip *ip)
{
    if (ip->family == 6) {
        char tmp[64];
        size_t n = strlen(vg_ip_format(ip, tmp, sizeof(tmp)));
        memcpy(p, tmp, n);
        return p + n;
    }
    for (unsigned i = 0; i < 4; i++) {
        p = put_octet(p, ip->addr[i]);
        *p++ = '.';
    }
    return p - 1;
}

#define PUT_LIT(p, lit) (memcpy((p), lit, sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/* The longest record: a custom-format line with four IPv6 addresses. */
#define RECORD_MAX 512

struct wctx {
    struct vg_flows *fl;
    struct facct *a;
    struct vpc *v;
    uint32_t day_s; /* epoch seconds of the day's midnight */
    int64_t day;
    uint64_t records;
    uint64_t scenario_records;
};

/* Where the next record on interface `at` goes, after the fields every record of that interface
 * starts with; NULL when out of memory, which the sink remembers for the caller to check once
 * per file. */
static char *record_start(struct wctx *c, const struct inst *at)
{
    struct vg_sim_sink *o = &c->fl->w.out;
    if (vg_buf_reserve(&o->b, RECORD_MAX) != VG_OK) {
        if (!o->err)
            o->err = VG_ENOMEM;
        return NULL;
    }
    char *p = o->b.data + o->b.len;
    memcpy(p, at->pre, at->pre_len);
    return p + at->pre_len;
}

static void record_end(struct wctx *c, char *p)
{
    struct vg_sim_sink *o = &c->fl->w.out;
    *p++ = '\n';
    o->b.len = (size_t)(p - o->b.data);
    c->records++;
}

/* The custom format's az-id field: the interface's subnet's zone. */
static char *put_az(char *p, const struct wctx *c, const struct inst *at)
{
    const char *az = c->v->az_id[at->subnet % 3];
    size_t len = strlen(az);
    memcpy(p, az, len);
    return p + len;
}

/* One record on interface `at`.  egress: the packets left `at` (its address is src). */
static void record(struct wctx *c, const struct inst *at, const struct vg_ip *src,
                   const struct vg_ip *dst, uint16_t sp, uint16_t dp, uint8_t proto, uint64_t pk,
                   uint64_t by, uint32_t start, uint32_t end, bool reject, uint8_t flags,
                   bool egress)
{
    char *p = record_start(c, at);
    if (!p)
        return;
    if (c->v->custom)
        p = egress ? PUT_LIT(p, "egress ") : PUT_LIT(p, "ingress ");
    char *srcp = p;
    p = put_ip(p, src);
    *p++ = ' ';
    p = put_ip(p, dst);
    size_t addr_len = (size_t)(p - srcp);
    *p++ = ' ';
    p = put_num(p, sp);
    *p++ = ' ';
    p = put_num(p, dp);
    *p++ = ' ';
    p = put_num(p, proto);
    *p++ = ' ';
    if (c->v->custom) {
        p = put_num(p, flags);
        *p++ = ' ';
    }
    p = put_num(p, pk);
    *p++ = ' ';
    p = put_num(p, by);
    *p++ = ' ';
    p = put_num(p, start);
    *p++ = ' ';
    p = put_num(p, end);
    p = reject ? PUT_LIT(p, " REJECT OK") : PUT_LIT(p, " ACCEPT OK");
    if (c->v->custom) {
        /* type pkt-srcaddr pkt-dstaddr az-id traffic-path: an instance's own packets, so the
         * packet addresses are the record's; egress leaves through the VPC (1) or, from a
         * public subnet to the internet, through the internet gateway (8) */
        p = src->family == 6 ? PUT_LIT(p, " IPv6 ") : PUT_LIT(p, " IPv4 ");
        memcpy(p, srcp, addr_len);
        p += addr_len;
        *p++ = ' ';
        p = put_az(p, c, at);
        *p++ = ' ';
        *p++ = !egress ? '-' : roles[at->role].exposed && !vg_ip_is_private(dst) ? '8' : '1';
    }
    record_end(c, p);
}

static void emit_conn(struct wctx *c, const struct conn *k)
{
    uint32_t t0 = c->day_s + k->at.sec, t1 = t0 + k->dur;
    uint64_t before = c->records;
    if (k->ci) {
        record(c, k->ci, &k->ca, &k->sa, k->cport, k->sport, k->proto, k->pk_req, k->by_req, t0, t1,
               false, k->fq, true);
        if (k->shape == SH_OK)
            record(c, k->ci, &k->sa, &k->ca, k->sport, k->cport, k->proto, k->pk_rep, k->by_rep, t0,
                   t1, false, k->fr, false);
    }
    if (k->si) {
        record(c, k->si, &k->ca, &k->sa, k->cport, k->sport, k->proto, k->pk_req, k->by_req, t0, t1,
               k->shape == SH_REJECTED, k->fq, false);
        if (k->shape == SH_OK)
            record(c, k->si, &k->sa, &k->ca, k->sport, k->cport, k->proto, k->pk_rep, k->by_rep, t0,
                   t1, false, k->fr, true);
    }
    if (k->scenario)
        c->scenario_records += c->records - before;
}

/* A NODATA or SKIPDATA record: the interface's fields, '-' for the traffic's. */
static void empty_record(struct wctx *c, const struct inst *at, uint32_t start, bool skipped)
{
    char *p = record_start(c, at);
    if (!p)
        return;
    p = c->v->custom ? PUT_LIT(p, "- - - - - - - - - ") : PUT_LIT(p, "- - - - - - - ");
    p = put_num(p, start);
    *p++ = ' ';
    p = put_num(p, start + 59);
    p = skipped ? PUT_LIT(p, " - SKIPDATA") : PUT_LIT(p, " - NODATA");
    if (c->v->custom) {
        p = PUT_LIT(p, " - - - ");
        p = put_az(p, c, at);
        p = PUT_LIT(p, " -");
    }
    record_end(c, p);
}

/* ---- background connections ------------------------------------------------------------------ */

/* A peer of the given role, other than `self` and already running; NULL if none. */
static const struct inst *peer(struct wctx *c, unsigned role, const struct inst *self,
                               int64_t now_s)
{
    const struct facct *a = c->a;
    unsigned first = a->role_first[role], n = a->role_first[role + 1] - first;
    if (n == 0)
        return NULL;
    unsigned j = (unsigned)vg_sim_below(&c->fl->rng, n);
    const struct inst *p = &a->inst[a->by_role[first + j]];
    if (p == self)
        p = &a->inst[a->by_role[first + (j + 1) % n]];
    return p == self || p->launch_s > now_s ? NULL : p;
}

static void sizes(struct vg_sim_rng *r, struct conn *k, uint32_t req_lo, uint32_t req_span,
                  uint32_t req_sz, uint32_t rep_lo, uint32_t rep_span, uint32_t rep_sz)
{
    k->pk_req = req_lo + (uint32_t)vg_sim_below(r, req_span);
    k->pk_rep = rep_lo + (uint32_t)vg_sim_below(r, rep_span);
    k->by_req = (uint64_t)k->pk_req * (req_sz / 2 + vg_sim_below(r, req_sz));
    k->by_rep = (uint64_t)k->pk_rep * (rep_sz / 2 + vg_sim_below(r, rep_sz));
}

/* An outbound TCP session of `in` to addr:port carrying data both ways. */
static void outbound(struct vg_sim_rng *r, struct conn *k, const struct inst *in, uint32_t addr,
                     uint16_t port)
{
    k->ci = in;
    k->ca = in->ip;
    k->sa = ip4(addr);
    k->cport = ephemeral(r);
    k->sport = port;
}

/* Where admins hop from the bastion. */
static const uint8_t hop_roles[] = { R_APP, R_WORKER, R_DB };

/* Kind `kind` of background connection by `in` at second `sec`; false when it has no peer. */
static bool build(struct wctx *c, const struct inst *in, unsigned kind, uint32_t sec,
                  struct conn *k)
{
    struct vg_flows *fl = c->fl;
    struct vg_sim_rng *r = &fl->rng;
    int64_t now_s = c->day * 86400 + sec;
    const struct inst *p = NULL;
    memset(k, 0, sizeof(*k));
    k->at.sec = sec;
    k->dur = (uint16_t)(1 + vg_sim_below(r, 50));
    k->proto = 6;
    k->shape = SH_OK;
    k->fq = 3;  /* SYN and FIN: the initiator's side of a short session */
    k->fr = 19; /* SYN-ACK and FIN */
    switch (kind) {
    case K_WEB_IN:
    case K_WEB_HTTP_IN:
        k->si = in;
        k->sport = kind == K_WEB_IN ? 443 : 80;
        k->cport = ephemeral(r);
        if (in->ip6.family && vg_sim_per_mille(r, 200)) {
            k->sa = in->ip6;
            k->ca.family = 6;
            uint16_t pre = VG_SIM_PICK(r, v6_client_prefixes);
            k->ca.addr[0] = (uint8_t)(pre >> 8);
            k->ca.addr[1] = (uint8_t)pre;
            for (unsigned i = 2; i < 16; i++)
                k->ca.addr[i] = (uint8_t)vg_sim_below(r, 256);
        } else {
            k->sa = in->ip;
            k->ca = ip4(PUBLIC_IP(r, client_octets));
        }
        if (kind == K_WEB_IN)
            sizes(r, k, 6, 20, 200, 8, 50, 1200);
        else
            sizes(r, k, 5, 3, 120, 5, 3, 300);
        return true;
    case K_TO_APP:
    case K_TO_DB:
    case K_SSH_HOP:
    case K_DNS_DC:
    case K_LDAP_DC:
    case K_KRB_DC:
    case K_EMR_INT:
    case K_TO_SEARCH:
        switch (kind) {
        case K_TO_APP: p = peer(c, R_APP, in, now_s), k->sport = 8080; break;
        case K_TO_DB: p = peer(c, R_DB, in, now_s), k->sport = 5432; break;
        case K_SSH_HOP:
            p = peer(c, VG_SIM_PICK(r, hop_roles), in, now_s);
            k->sport = 22;
            break;
        case K_DNS_DC: p = peer(c, R_DC, in, now_s), k->sport = 53, k->proto = 17; break;
        case K_LDAP_DC: p = peer(c, R_DC, in, now_s), k->sport = 389; break;
        case K_KRB_DC: p = peer(c, R_DC, in, now_s), k->sport = 88; break;
        case K_EMR_INT: p = peer(c, R_EMR, in, now_s), k->sport = 8032; break;
        default: p = peer(c, R_SEARCH, in, now_s), k->sport = 9200; break;
        }
        if (!p)
            return false;
        k->ci = in;
        k->ca = in->ip;
        k->si = p;
        k->sa = p->ip;
        k->cport = ephemeral(r);
        if (k->proto == 17) {
            k->fq = k->fr = 0;
            sizes(r, k, 1, 2, 80, 1, 2, 160);
        } else if (kind == K_SSH_HOP) {
            k->dur = 59;
            sizes(r, k, 100, 900, 120, 100, 1200, 300);
        } else {
            sizes(r, k, 8, 60, 300, 8, 90, 900);
        }
        return true;
    case K_AWS:
        outbound(r, k, in, VG_SIM_PICK(r, fl->aws), 443);
        if (in->role == R_DB || in->role == R_EMR)
            sizes(r, k, 200, 1800, 1400, 100, 900, 60); /* backups and data to S3 */
        else
            sizes(r, k, 8, 30, 300, 8, 40, 900);
        return true;
    case K_API:
        outbound(r, k, in, VG_SIM_PICK(r, fl->partners), 443);
        sizes(r, k, 8, 20, 300, 8, 30, 900);
        return true;
    case K_MIRROR:
    case K_MIRROR_TLS:
        outbound(r, k, in, VG_SIM_PICK(r, fl->mirrors), kind == K_MIRROR ? 80 : 443);
        sizes(r, k, 10, 40, 120, 20, 400, 1400);
        return true;
    case K_NTP:
        outbound(r, k, in, fl->ntp[(in->ntp + vg_sim_below(r, 4)) % N_NTP], 123);
        k->proto = 17;
        k->cport = 123; /* ntpd sends from the NTP port */
        k->fq = k->fr = 0;
        k->pk_req = k->pk_rep = 1;
        k->by_req = k->by_rep = 76;
        return true;
    case K_SSH_OFFICE:
        k->si = in;
        k->sa = in->ip;
        k->ca = ip4(c->a->office[vg_sim_below(r, 2)]);
        k->cport = ephemeral(r);
        k->sport = 22;
        k->dur = 59;
        sizes(r, k, 150, 2000, 100, 150, 3000, 200);
        return true;
    case K_SMTP:
        outbound(r, k, in, VG_SIM_PICK(r, fl->mx), 25);
        sizes(r, k, 12, 30, 600, 10, 20, 120);
        return true;
    case K_SUBMIT:
        outbound(r, k, in, VG_SIM_PICK(r, fl->ses), 587);
        sizes(r, k, 12, 20, 600, 10, 20, 120);
        return true;
    case K_MQTT:
        outbound(r, k, in, fl->broker, 8883);
        sizes(r, k, 6, 20, 200, 6, 20, 150);
        return true;
    case K_NOISE:
        k->si = in;
        k->sa = in->ip;
        k->ca = ip4(PUBLIC_IP(r, noise_octets));
        k->shape = SH_REJECTED;
        k->fq = 2;
        if (vg_sim_per_mille(r, 100)) {
            k->proto = 1; /* ping */
            k->fq = 0;
        } else {
            k->cport = ephemeral(r);
            k->sport = VG_SIM_PICK(r, noise_ports);
        }
        k->pk_req = 1 + (uint32_t)vg_sim_below(r, 2);
        k->by_req = k->pk_req * (uint64_t)(40 + vg_sim_below(r, 24));
        return true;
    default: VG_BUG("unknown connection kind %u", kind);
    }
}

static unsigned pick_kind(struct vg_sim_rng *r, const struct role_def *rd)
{
    unsigned total = 0;
    for (unsigned k = 0; k < MAX_KINDS && rd->kinds[k].weight; k++)
        total += rd->kinds[k].weight;
    uint64_t x = vg_sim_below(r, total);
    for (unsigned k = 0;; k++) {
        if (x < rd->kinds[k].weight)
            return rd->kinds[k].kind;
        x -= rd->kinds[k].weight;
    }
}

/* Every kind of the role once, a second apart from the instance's first second: whatever it
 * does later, a baseline has seen it do. */
static int boot(struct wctx *c, const struct inst *in, uint32_t sec)
{
    const struct role_def *rd = &roles[in->role];
    struct conn k;
    int rc = VG_OK;
    for (unsigned i = 0; i < MAX_KINDS && rd->kinds[i].weight && rc == VG_OK; i++)
        if (build(c, in, rd->kinds[i].kind, sec + i, &k))
            rc = vg_sim_sched_add(&c->fl->w.sched, &k);
    return rc;
}

/* The backup server ships 2 GB to its offsite host from 02:00 to 02:30 every night. */
static int backup(struct wctx *c, const struct inst *in, unsigned w)
{
    struct conn k;
    int rc = VG_OK;
    if (w < 24 || w >= 30)
        return VG_OK;
    for (uint32_t m = 0; m < 5 && rc == VG_OK; m++) {
        memset(&k, 0, sizeof(k));
        k.at.sec = w * VG_SIM_WINDOW_S + m * 60;
        k.dur = 59;
        k.proto = 6;
        k.fq = 0; /* the middle of a long session: no SYN, no FIN */
        k.fr = 0;
        outbound(&c->fl->rng, &k, in, c->fl->backup_host, 443);
        k.cport = 50514;
        k.pk_req = 50000;
        k.by_req = 70000000;
        k.pk_rep = 25000;
        k.by_rep = 1300000;
        rc = vg_sim_sched_add(&c->fl->w.sched, &k);
    }
    return rc;
}

/* ---- scenario connections -------------------------------------------------------------------- */

static uint32_t remote_of(const struct wctx *c, size_t row, uint32_t i)
{
    const struct vg_flows *fl = c->fl;
    const struct facct *a = c->a;
    const struct scen *sc = &scens[row];
    const struct vg_flows_intel *in = &fl->intel;
    unsigned k = sc->n_remotes > 1 ? i % sc->n_remotes : 0;
    unsigned ai = a->ai, n = list_defs[sc->list].count;
    switch (sc->remote) {
    case RM_LIST: return fl->lists[sc->list][(ai + k) % n];
    case RM_LIST_NEAR: return neighbour(fl->lists[sc->list][ai % n], fl->lists[sc->list], n);
    case RM_LIST_TRUSTED: return fl->redteam;
    case RM_TOR: return in->tor[(ai * sc->n_remotes + k) % in->n_tor];
    case RM_TOR_NEAR: return neighbour(in->tor[ai % in->n_tor], in->tor, in->n_tor);
    case RM_CUSTOM: return in->custom[ai % (in->n_custom - 1)];
    case RM_CUSTOM_NEAR:
        return neighbour(in->custom[ai % (in->n_custom - 1)], in->custom, in->n_custom);
    case RM_CUSTOM_TRUSTED: return in->custom[in->n_custom - 1];
    case RM_OFFICE: return a->office[k % 2];
    case RM_FIXED: return sc->fixed;
    case RM_PRIVATE_DNS: return 10u << 24 | 250u << 16 | 53u; /* on premises, over the VPN */
    default: {
        /* a host of the row's own, the same on every run and day */
        uint64_t x = a->host_seed ^ (uint64_t)row << 40 ^ k;
        uint64_t h = vg_sim_splitmix64(&x);
        return (uint32_t)scenario_octets[h % sizeof(scenario_octets)] << 24 |
               (uint32_t)(h >> 16 & 0xffff) << 8 | (uint32_t)(1 + (h >> 32) % 254);
    }
    }
}

static bool row_on_day(const struct scen *sc, int64_t day)
{
    return day == sc->day || (sc->flags & BOTH_DAYS && day < 2);
}

/* The connections of scenario rows in window w of VPC c->v, into the scheduled ones. */
static int scenarios(struct wctx *c, unsigned w)
{
    struct facct *a = c->a;
    struct vg_sim_rng *r = &a->srng;
    uint64_t t0 = (uint64_t)w * VG_SIM_WINDOW_S * 1000, t1 = t0 + VG_SIM_WINDOW_S * 1000;
    int rc = VG_OK;
    for (size_t row = 0; row < N_SCENS && rc == VG_OK; row++) {
        const struct scen *sc = &scens[row];
        const struct inst *in = &a->inst[a->row_inst[row]];
        uint64_t start = (uint64_t)sc->at * 60000, lo, hi;
        if (&a->vpc[in->vpc] != c->v || !row_on_day(sc, c->day))
            continue;
        vg_sim_steps_in(start, sc->n, sc->step_ms, t0, t1, &lo, &hi);
        for (uint64_t i = lo; i < hi && rc == VG_OK; i++) {
            uint64_t t = start + i * sc->step_ms;
            struct conn k;
            memset(&k, 0, sizeof(k));
            k.scenario = true;
            k.at.sec = (uint32_t)(t / 1000);
            k.proto = sc->proto;
            k.shape = sc->shape;
            /* probes are over at once; sessions last up to the aggregation interval */
            uint32_t step_s = sc->step_ms / 1000;
            k.dur = sc->pk_req <= 3 ? 0 : (uint16_t)(step_s >= 59 ? 59 : step_s ? step_s : 1);
            uint16_t port = sc->ports            ? sc->ports[i % sc->n_ports]
                            : sc->flags & SPREAD ? (uint16_t)(sc->port + i)
                                                 : sc->port;
            struct vg_ip remote = ip4(remote_of(c, row, (uint32_t)i));
            uint16_t rport = sc->flags & STICKY ? a->sticky_port[row] : ephemeral(r);
            if (sc->proto != 6 && sc->proto != 17)
                rport = port = 0;
            if (sc->in) {
                k.ca = remote;
                k.cport = rport;
                k.si = in;
                k.sa = in->ip;
            } else {
                k.ci = in;
                k.ca = in->ip;
                k.sa = remote;
                k.cport = rport;
            }
            k.sport = port;
            k.pk_req = sc->pk_req;
            k.pk_rep = sc->pk_rep;
            k.by_req = (uint64_t)sc->pk_req * sc->sz_req;
            k.by_rep = (uint64_t)sc->pk_rep * sc->sz_rep;
            if (sc->proto == 6) {
                bool probe = sc->pk_req <= 3 && sc->pk_rep <= 2;
                /* probe: SYN then RST from the prober; answered by RST (closed port) or SYN-ACK;
                 * a session: SYN and FIN each way, or only the SYNs at the start of a long one
                 * and no flags in its later minutes */
                k.fq = sc->shape != SH_OK ? 2 : probe ? (sc->flags & CLOSED ? 2 : 6) : 3;
                k.fr = probe ? (sc->flags & CLOSED ? 4 : 18) : 19;
                if (sc->flags & STICKY) {
                    k.fq = i ? 0 : 2;
                    k.fr = i ? 0 : 18;
                }
            }
            rc = vg_sim_sched_add(&c->fl->w.sched, &k);
        }
    }
    return rc;
}

/* ---- files ----------------------------------------------------------------------------------- */

static const char header_v2[] = "version account-id interface-id srcaddr dstaddr srcport dstport "
                                "protocol packets bytes start end action log-status\n";
/* A custom format as a user picks one: the identifiers first, then the flow, then extras. */
static const char header_custom[] =
    "version account-id vpc-id subnet-id instance-id interface-id flow-direction srcaddr dstaddr "
    "srcport dstport protocol tcp-flags packets bytes start end action log-status type "
    "pkt-srcaddr pkt-dstaddr az-id traffic-path\n";

/* A background connection of c->v's instances at second sec of the day. */
static void window_background(void *ctx, uint32_t sec)
{
    struct wctx *c = ctx;
    struct vg_flows *fl = c->fl;
    const struct inst *in = &c->a->inst[vg_sim_members_pick(&c->v->m, &fl->rng)];
    struct conn k;
    if (in->launch_s <= c->day * 86400 + sec &&
        build(c, in, pick_kind(&fl->rng, &roles[in->role]), sec, &k))
        emit_conn(c, &k);
}

static void window_scheduled(void *ctx, const void *item)
{
    emit_conn(ctx, item);
}

/* Window w of VPC c->v: its background connections (`conns` of them), the scheduled ones, and
 * the object that holds them. */
static int write_window(struct wctx *c, struct vg_sim_pool *pool, unsigned w, uint64_t conns,
                        struct vg_simulate_stats *st)
{
    struct vg_flows *fl = c->fl;
    struct vg_sim_rng *r = &fl->rng;
    struct vpc *v = c->v;
    uint32_t t0 = w * VG_SIM_WINDOW_S;
    int64_t abs0 = c->day * 86400 + t0;
    int rc = VG_OK;

    vg_sim_vpc_writer_begin(&fl->w);
    c->records = c->scenario_records = 0;
    if (v->custom)
        vg_sim_put(&fl->w.out, header_custom, sizeof(header_custom) - 1);
    else
        vg_sim_put(&fl->w.out, header_v2, sizeof(header_v2) - 1);

    /* instances starting in this window, idle interfaces (and the rare interval AWS could not
     * capture), the nightly backup */
    for (unsigned m = 0; m < v->m.n && rc == VG_OK; m++) {
        const struct inst *in = &c->a->inst[v->m.idx[m]];
        if (in->launch_s >= abs0 + VG_SIM_WINDOW_S)
            continue;
        if (in->launch_s >= abs0)
            rc = boot(c, in, (uint32_t)(in->launch_s - c->day * 86400));
        else if (vg_sim_per_mille(r, 8))
            empty_record(c, in, c->day_s + t0, vg_sim_per_mille(r, 20));
        if (rc == VG_OK && in->role == R_BACKUP)
            rc = backup(c, in, w);
    }
    if (rc == VG_OK && fl->opts->attacks)
        rc = scenarios(c, w);
    if (rc)
        return rc;
    vg_sim_sched_run(&fl->w.sched, r, t0, conns, window_background, window_scheduled, c);
    if ((rc = fl->w.out.err))
        return rc;
    st->flow_files++;
    st->flow_records += c->records;
    st->flow_attacks += c->scenario_records;
    st->flow_bytes_uncompressed += fl->w.out.b.len;
    /* named for the end of the window, when S3 receives it */
    return vg_sim_vpc_writer_submit(
        &fl->w, pool, VG_SIM_FLOWS, c->a->src->id, "vpcflowlogs", v->region, v->fl_id,
        (int64_t)(c->day_s + t0 + VG_SIM_WINDOW_S) * 1000, (uint32_t)vg_sim_rng_next(r));
}

int vg_flows_write_day(struct vg_flows *fl, struct vg_sim_pool *pool, unsigned ai, int64_t day,
                       int64_t day_ms, struct vg_simulate_stats *st)
{
    struct facct *a = &fl->acct[ai];
    uint64_t total_weight = a->vpc[VPC_PROD].m.weight + a->vpc[VPC_DATA].m.weight;
    int rc = VG_OK;
    for (unsigned v = 0; v < N_VPC && rc == VG_OK; v++) {
        struct wctx c = { fl, a, &a->vpc[v], (uint32_t)(day_ms / 1000), day, 0, 0 };
        /* this VPC's records of the day, as connections: exact per day, spread by the curve */
        uint64_t records =
            (uint64_t)((unsigned __int128)fl->opts->flows_per_day * c.v->m.weight / total_weight);
        uint64_t done = 0, cum_records = 0;
        for (unsigned w = 0; w < VG_SIM_WINDOWS_PER_DAY && rc == VG_OK; w++) {
            cum_records += vg_sim_window_share(records, a->shape, w);
            uint64_t upto = cum_records * 1000 / c.v->avg_milli;
            rc = write_window(&c, pool, w, upto - done, st);
            done = upto;
        }
    }
    return rc;
}
