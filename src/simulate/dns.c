/*
 * Route 53 Resolver query logs for `vigil simulate`, in the S3 delivery layout:
 *   AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/YYYY/MM/DD/
 *       <account>_vpcdnsquerylogs_<vpc-id>_<YYYYMMDD>T<HHMM>Z_<hash>.log.gz
 * one object per VPC and five-minute window that saw queries, named for the window's end, JSON
 * lines with the fields in the order Resolver query logging writes them.
 *
 * Who asks.  The fleet of the flow generator (flows.h): every instance of both VPCs, plus one
 * instance per DNS scenario row in the home-region VPC.  Instances of the data VPC whose role
 * sends DNS to a domain controller are seen by the Resolver as that controller (its address
 * and instance id), as a forwarder would be.
 *
 * What they ask.  Each role has a mix of kinds of lookup: AWS endpoints of its region (sts, s3,
 * ec2, ssm... and S3 dual-stack and bucket names through CNAMEs), its peers' internal names
 * (ip-a-b-c-d.ec2.internal or .<region>.compute.internal) and their reverse (in-addr.arpa) names,
 * package mirrors, SaaS APIs, CDN names with long random-looking labels (a dozen CloudFront
 * distributions per account, Akamai names through edgekey CNAME chains), NTP pools, MX lookups
 * of the mail relay, and a few NXDOMAINs: search-list suffixes (api.github.com.ec2.internal)
 * and rare typos.  Answers are a function of the name, so an address always comes from the same
 * names, as in passive DNS.
 *
 * Background never has an attack's shape: no name on a sample list, no answer in a listed
 * network (first octets of their own: AWS, Fastly, GitHub, Cloudflare, Google, Akamai and a few
 * hosting ones), no burst of unique names under one zone, no random-looking registrable domain
 * outside the CDN pools.  Every instance looks up every public name it will ever ask for in
 * its first window (the boot burst, as flows.c does for connections; of the internal names, its
 * own), so a domain first seen after a day of learning is always a scenario's.
 *
 * Scenarios have an instance of their own, except the C&C beacon of the flow logs: that app
 * server resolves its C&C domain before each connection, the answer being the address it then
 * calls, so a flow finding can name the domain through passive DNS.  Reputation scenarios are on
 * the second day, after a day in which every background zone was seen.
 *
 * No allocation per query: one output buffer and one scratch array of scheduled queries, both
 * reused.
 */
#include "simulate/dns.h"

#include "core/err.h"
#include "core/hash.h"

#define N_CLOUDFRONT 12 /* distributions an account's instances fetch from */
#define MAX_ANSWERS 6
#define RDATA_CAP 96
#define NAME_CAP 256
/* Host numbers of the scenarios' own instances in the home VPC's application subnet: the flow
 * fleet numbers its hosts from 10 and has far fewer than 190 per subnet. */
#define SCEN_HOST_BASE 200

/* ---- answers ------------------------------------------------------------------------------
 * Networks of answers by owner.  None shares a first octet with a sample list (flows.c,
 * simulate.c), so only a scenario answers a listed address. */
enum net {
    NET_AWS,
    NET_CLOUDFRONT,
    NET_FASTLY,
    NET_GITHUB,
    NET_GITHUB_CONTENT,
    NET_CLOUDFLARE,
    NET_GOOGLE,
    NET_MICROSOFT,
    NET_AKAMAI,
    NET_HOSTING,
};

static const struct {
    uint8_t a[6];         /* first octets to choose from (0 ends the list) */
    uint8_t b_lo, b_span; /* second octet: b_lo + hash % b_span (span 0: any) */
} nets[] = {
    [NET_AWS] = { { 3, 18, 52, 54 }, 0, 0 },
    [NET_CLOUDFRONT] = { { 13, 18, 54 }, 224, 16 },
    [NET_FASTLY] = { { 151 }, 101, 1 },
    [NET_GITHUB] = { { 140 }, 82, 1 },
    [NET_GITHUB_CONTENT] = { { 185 }, 199, 1 },
    [NET_CLOUDFLARE] = { { 104 }, 16, 16 },
    [NET_GOOGLE] = { { 142 }, 250, 2 },
    [NET_MICROSOFT] = { { 20, 40 }, 0, 0 },
    [NET_AKAMAI] = { { 2 }, 16, 8 },
    [NET_HOSTING] = { { 65, 67, 69, 74, 96, 209 }, 0, 0 },
};

/* Address k of a name in network `net`: the same name always gets the same addresses. */
static uint32_t name_ip(const char *name, enum net net, unsigned k)
{
    uint64_t h = vg_hash64(name, strlen(name), 0x646e73ull + k);
    unsigned n_a = 0;
    while (n_a < sizeof(nets[net].a) && nets[net].a[n_a])
        n_a++;
    uint32_t a = nets[net].a[h % n_a];
    uint32_t b = nets[net].b_span ? nets[net].b_lo + (uint32_t)(h >> 8) % nets[net].b_span
                                  : (uint32_t)(h >> 8) & 255;
    return a << 24 | b << 16 | (uint32_t)(h >> 24 & 255) << 8 | (uint32_t)(1 + (h >> 40) % 254);
}

/* One query as logged: its name (without the trailing dot), type, rcode and answers. */
struct query {
    char name[NAME_CAP];
    const char *qtype;
    const char *rcode;
    unsigned n_ans;
    struct {
        const char *type;
        char rdata[RDATA_CAP];
    } ans[MAX_ANSWERS];
};

static void q_init(struct query *q, const char *qtype)
{
    q->qtype = qtype;
    q->rcode = "NOERROR";
    q->n_ans = 0;
}

static void q_name(struct query *q, const char *fmt, ...) VG_PRINTF(2, 3);
static void q_name(struct query *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(q->name, sizeof(q->name), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(q->name))
        VG_BUG("simulated name too long: '%.40s...'", q->name);
}

static char *q_answer(struct query *q, const char *type)
{
    if (q->n_ans == MAX_ANSWERS)
        VG_BUG("more than %d answers for '%s'", MAX_ANSWERS, q->name);
    q->ans[q->n_ans].type = type;
    return q->ans[q->n_ans++].rdata;
}

static void q_cname(struct query *q, const char *target)
{
    snprintf(q_answer(q, "CNAME"), RDATA_CAP, "%s.", target);
}

static void q_ip(struct query *q, uint32_t ip)
{
    vg_sim_fmt_ip4(ip, q_answer(q, "A"));
}

/* n A records of the last name of the chain (the query's or its last CNAME's) in `net`; an
 * AAAA query of a name without IPv6 gets an empty NOERROR, as the Resolver answers. */
static void q_addresses(struct query *q, enum net net, unsigned n)
{
    const char *owner = q->n_ans ? q->ans[q->n_ans - 1].rdata : q->name;
    char key[NAME_CAP];
    snprintf(key, sizeof(key), "%s", owner);
    if (strcmp(q->qtype, "AAAA") == 0)
        return;
    for (unsigned k = 0; k < n; k++)
        q_ip(q, name_ip(key, net, k));
}

/* ---- the names of the background ------------------------------------------------------------ */

enum kind {
    K_AWS,      /* an AWS endpoint of the instance's region */
    K_S3,       /* S3 dual-stack and bucket names */
    K_INTERNAL, /* a peer's internal name */
    K_PTR,      /* a peer's reverse name */
    K_MIRROR,   /* package mirrors */
    K_SAAS,     /* SaaS APIs */
    K_CDN,      /* CloudFront distributions, Akamai through edgekey */
    K_NTP,
    K_MX,        /* the mail relay's MX lookups */
    K_SEARCH_NX, /* a name with the search-list suffix appended: NXDOMAIN */
    K_COUNT
};

/* Names every account knows, with their CNAME chain and answers. */
static const struct fixed {
    uint8_t kind;
    const char *name;
    const char *cname[2];
    uint8_t net;
    uint8_t n_a;
    const char *mx; /* MX rdata: an MX lookup */
} fixed[] = {
    /* a row a name; a long CNAME chain continues on a second line, not one field a line */
    /* clang-format off */
    { K_MIRROR, "deb.debian.org", { "debian.map.fastlydns.net" }, NET_FASTLY, 2 },
    { K_MIRROR, "security.debian.org", { NULL }, NET_FASTLY, 4 },
    { K_MIRROR, "pypi.org", { NULL }, NET_FASTLY, 4 },
    { K_MIRROR, "files.pythonhosted.org", { "dualstack.python.map.fastly.net" }, NET_FASTLY, 1 },
    { K_MIRROR, "registry.npmjs.org", { NULL }, NET_CLOUDFLARE, 4 },
    { K_SAAS, "github.com", { NULL }, NET_GITHUB, 1 },
    { K_SAAS, "api.github.com", { NULL }, NET_GITHUB, 1 },
    { K_SAAS, "codeload.github.com", { NULL }, NET_GITHUB, 1 },
    { K_SAAS, "objects.githubusercontent.com", { NULL }, NET_GITHUB_CONTENT, 4 },
    { K_SAAS, "slack.com", { NULL }, NET_AWS, 2 },
    { K_SAAS, "hooks.slack.com", { NULL }, NET_AWS, 4 },
    { K_SAAS, "api.datadoghq.com", { NULL }, NET_AWS, 2 },
    { K_SAAS, "http-intake.logs.datadoghq.com", { NULL }, NET_AWS, 4 },
    { K_SAAS, "sentry.io", { NULL }, NET_GOOGLE, 1 },
    { K_SAAS, "api.stripe.com", { NULL }, NET_AWS, 3 },
    { K_SAAS, "login.microsoftonline.com",
      { "login.mso.msidentity.com", "ak.privatelink.msidentity.com" }, NET_MICROSOFT, 2 },
    { K_CDN, "www.microsoft.com",
      { "www.microsoft.com-c-3.edgekey.net", "e13678.dscb.akamaiedge.net" }, NET_AKAMAI, 1 },
    { K_CDN, "www.apple.com",
      { "www.apple.com.edgekey.net", "e6858.dscx.akamaiedge.net" }, NET_AKAMAI, 1 },
    { K_NTP, "0.debian.pool.ntp.org", { NULL }, NET_HOSTING, 4 },
    { K_NTP, "1.debian.pool.ntp.org", { NULL }, NET_HOSTING, 4 },
    { K_NTP, "2.debian.pool.ntp.org", { NULL }, NET_HOSTING, 4 },
    { K_NTP, "ntp.ubuntu.com", { NULL }, NET_HOSTING, 4 },
    { K_MX, "gmail.com", { NULL }, 0, 0, "5 gmail-smtp-in.l.google.com." },
    { K_MX, "outlook.com", { NULL }, 0, 0, "5 outlook-com.olc.protection.outlook.com." },
    { K_MX, "yahoo.com", { NULL }, 0, 0, "1 mta5.am0.yahoodns.net." },
    { K_MX, "gmail-smtp-in.l.google.com", { NULL }, NET_GOOGLE, 1 },
    { K_MX, "outlook-com.olc.protection.outlook.com", { NULL }, NET_MICROSOFT, 2 },
    { K_MX, "mta5.am0.yahoodns.net", { NULL }, NET_HOSTING, 2 },
    /* clang-format on */
};

/* Typos people make at the bastion's prompt, NXDOMAIN: a few a day, all of them known from the
 * bastion's boot burst. */
static const char *const typos[] = { "gihtub.com", "api.githb.com", "debain.org", "slakc.com" };
#define TYPO_PER_100K 300

static const char *const aws_services[] = { "sts",         "ec2",         "ssm",
                                            "ssmmessages", "ec2messages", "logs",
                                            "monitoring",  "kms",         "secretsmanager",
                                            "sqs",         "dynamodb",    "s3" };

/* What each role of the fleet looks up, by kind (relative weights), and how much. */
static const struct profile {
    const char *role;
    uint8_t weight;
    uint8_t k[K_COUNT];
} profiles[] = {
    /*                  AWS  S3  INT PTR MIR SAAS CDN NTP MX  NX */
    { "web", 30, { 30, 10, 10, 2, 1, 8, 20, 1, 0, 2 } },
    { "web6", 20, { 30, 10, 10, 2, 1, 8, 20, 1, 0, 2 } },
    { "app", 20, { 30, 8, 15, 2, 1, 25, 6, 1, 0, 3 } },
    { "db", 4, { 40, 30, 10, 10, 2, 0, 0, 2, 0, 1 } },
    { "bastion", 3, { 20, 2, 30, 25, 8, 8, 0, 2, 0, 2 } },
    { "worker", 8, { 35, 15, 5, 2, 15, 15, 6, 2, 0, 3 } },
    { "mail", 4, { 10, 2, 5, 20, 2, 2, 0, 2, 60, 1 } },
    { "dc", 6, { 20, 5, 20, 20, 2, 10, 10, 8, 0, 4 } },
    { NULL, 4, { 40, 15, 10, 5, 5, 10, 5, 2, 0, 2 } }, /* any other role */
};

static const struct profile *profile_of(const char *role)
{
    size_t i = 0;
    while (profiles[i].role && strcmp(profiles[i].role, role) != 0)
        i++;
    return &profiles[i];
}

/* ---- scenarios -------------------------------------------------------------------------------
 * One row per attack scenario or near miss: n queries, one every step_ms from `at` (seconds
 * after midnight) on its day, by the row's instance.  Sizes follow the `dns.*` defaults of the
 * detectors: hundreds of long labels under one zone in minutes for exfiltration, dozens of
 * random names in minutes for DGA; the reputation rows give each name two features or more of
 * detect/dns_reputation.c's (an abused namespace, an answer on an IP list, a listed parent, a
 * low-confidence feed's entry, a random-looking label).  None relies on a zone being new: the
 * default learning period (dns.reputation.learning, 7 days) is longer than a demo. */

enum shape {
    S_NAME,   /* the row's name */
    S_EXFIL,  /* a 60-character base32 label per query under the row's zone */
    S_DGA,    /* a random-looking name per query, .com/.net/.info/.biz, mostly NXDOMAIN */
    S_CDN,    /* a CloudFront distribution of its own per query */
    S_SWEEP,  /* the reverse name of address i of the instance's subnet */
    S_REBIND, /* the row's name, answering a public address and the metadata one in turn */
    S_IMDS,   /* AWS's own name for the metadata service, answering its address */
    S_ODD,    /* odd-looking but real short names, one per query */
};

enum answer {
    A_HOST,     /* addresses of a hosting network, from the name */
    A_NX,       /* NXDOMAIN */
    A_TXT,      /* a short TXT record: a tunnel's reply */
    A_BEACON,   /* the address the flow logs' C&C beacon calls */
    A_SINKHOLE, /* an address of sinkholes.txt */
    A_MINING,   /* an address of mining-pools.txt */
};

enum row_flag {
    SAME = 1u << 0,      /* on the previous row's instance */
    BOTH_DAYS = 1u << 1, /* on the first and the second day */
    BEACON = 1u << 2,    /* on the flow C&C beacon's instance, before each of its connections */
};

struct scen {
    const char *type; /* the finding type it must raise; NULL for a near miss */
    const char *what;
    uint8_t day;
    uint8_t flags;
    uint32_t at; /* seconds after midnight */
    uint8_t shape;
    const char *name;
    const char *qtype;
    uint8_t answer;
    uint16_t n;
    uint32_t step_ms;
};

#define AT(h, m) ((h)*3600 + (m)*60)
#define TESTER(type, name)                                                                         \
    {                                                                                              \
        type, "(the GuardDuty tester: " name ")", 0, SAME, AT(9, 40), S_NAME, name, "A", A_HOST,   \
            3, 2000                                                                                \
    }

static const struct scen scens[] = {
    /* ---- domain lists ---- */
    { "Backdoor:EC2/C&CActivity.B!DNS",
      "the app server beaconing to a C&C address (flow logs) resolves its C&C domain first", 0,
      BEACON, 0, S_NAME, "update-service-cdn.net", "A", A_BEACON, 30, 60000 },
    { NULL, "an instance resolves an unlisted look-alike of a C&C domain (another TLD)", 0, 0,
      AT(9, 0), S_NAME, "update-service-cdn.com", "A", A_HOST, 10, 60000 },
    { NULL, "an instance resolves the red team's C&C domain, which is on the trusted list too", 0,
      0, AT(9, 0), S_NAME, "c2.redteam-lab.net", "A", A_HOST, 10, 60000 },
    { "CryptoCurrency:EC2/BitcoinTool.B!DNS", "a worker resolves a mining pool's name", 0, 0,
      AT(9, 5), S_NAME, "pool.minexmr-eu.net", "A", A_MINING, 10, 60000 },
    { NULL, "a worker resolves the mining pool's name under another TLD, unlisted", 0, 0, AT(9, 5),
      S_NAME, "pool.minexmr-eu.com", "A", A_HOST, 10, 60000 },
    { "Trojan:EC2/BlackholeTraffic!DNS", "an instance resolves a domain redirected to a black hole",
      0, 0, AT(9, 10), S_NAME, "win-update-srv.info", "A", A_SINKHOLE, 10, 60000 },
    { NULL, "an instance resolves the black-holed name under another TLD, unlisted", 0, 0,
      AT(9, 10), S_NAME, "win-update-srv.com", "A", A_HOST, 10, 60000 },
    { "Trojan:EC2/DropPoint!DNS", "a database server resolves a drop point for stolen data", 0, 0,
      AT(9, 15), S_NAME, "files-exchange-drop.net", "A", A_HOST, 5, 60000 },
    { NULL, "a database server resolves the drop point's name under another TLD, unlisted", 0, 0,
      AT(9, 15), S_NAME, "files-exchange-drop.org", "A", A_HOST, 5, 60000 },
    { "Trojan:EC2/DGADomainRequest.C!DNS", "an instance resolves a name on the known-DGA list", 0,
      0, AT(9, 20), S_NAME, "qxvbzkrtwpmh.info", "A", A_NX, 5, 60000 },
    { NULL, "an instance fetches from a CloudFront distribution with a random-looking name", 0, 0,
      AT(9, 20), S_NAME, "d3k9x0qv2j7m4w.cloudfront.net", "A", A_HOST, 5, 60000 },
    { "Trojan:EC2/DriveBySourceTraffic!DNS",
      "a web server's headless browser resolves a drive-by download host", 0, 0, AT(9, 25), S_NAME,
      "cdn-adsrv-track.com", "A", A_HOST, 5, 60000 },
    { NULL, "a web server resolves the drive-by host's name under another TLD, unlisted", 0, 0,
      AT(9, 25), S_NAME, "cdn-adsrv-track.org", "A", A_HOST, 5, 60000 },
    { "Trojan:EC2/PhishingDomainRequest!DNS", "an instance resolves a phishing look-alike", 0, 0,
      AT(9, 30), S_NAME, "secure-login-micros0ft.com", "A", A_HOST, 5, 60000 },
    { NULL, "an instance resolves the real sign-in name the phishing site imitates", 0, 0,
      AT(9, 30), S_NAME, "login.microsoftonline.com", "A", A_HOST, 5, 60000 },
    { "Impact:EC2/MaliciousDomainRequest.Custom",
      "an instance resolves a name under a *.wildcard entry of the user's own list", 0, 0,
      AT(9, 35), S_NAME, "a7f3.exfil-relay.net", "A", A_HOST, 5, 60000 },
    { NULL, "an instance resolves that wildcard's apex, which the entry does not cover", 0, 0,
      AT(9, 35), S_NAME, "exfil-relay.net", "A", A_HOST, 5, 60000 },

    /* ---- amazon-guardduty-tester: one instance asks for every indicator ---- */
    { "Backdoor:EC2/C&CActivity.B!DNS",
      "the GuardDuty tester resolves its indicators: guarddutyc2activityb.com", 0, 0, AT(9, 40),
      S_NAME, "guarddutyc2activityb.com", "A", A_HOST, 3, 2000 },
    TESTER("Backdoor:EC2/C&CActivity.B!DNS", "c2.guarddutyc2activityb.com"),
    TESTER("CryptoCurrency:EC2/BitcoinTool.B!DNS", "crypto.guarddutyc2activityb.com"),
    TESTER("Trojan:EC2/DropPoint!DNS", "guarddutydroppointactivity.com"),
    TESTER("Trojan:EC2/BlackholeTraffic!DNS", "guarddutyblackholeactivity.com"),
    TESTER("Trojan:EC2/PhishingDomainRequest!DNS", "guarddutyphishingactivity.com"),
    TESTER("Trojan:EC2/DriveBySourceTraffic!DNS", "guarddutydrivebyactivity.com"),
    TESTER("Trojan:EC2/DGADomainRequest.C!DNS", "guarddutydgaactivity.com"),
    TESTER("Impact:EC2/AbusedDomainRequest.Reputation", "abused-rep.guarddutyc2activityb.com"),
    TESTER("Impact:EC2/BitcoinDomainRequest.Reputation", "crypto-rep.guarddutyc2activityb.com"),
    TESTER("Impact:EC2/MaliciousDomainRequest.Reputation",
           "malicious-rep.guarddutyc2activityb.com"),
    TESTER("Impact:EC2/SuspiciousDomainRequest.Reputation",
           "suspicious-rep.guarddutyc2activityb.com"),
    { "Trojan:EC2/DNSDataExfiltration",
      "(the GuardDuty tester replays 929 queries with long labels under guarddutyc2activityb.com)",
      0, SAME, AT(9, 45), S_EXFIL, "guarddutyc2activityb.com", "A", A_NX, 929, 250 },

    /* ---- heuristics ---- */
    { "Trojan:EC2/DNSDataExfiltration",
      "a worker tunnels data out: 300 TXT queries with 60-character base32 labels under one zone "
      "in 5 minutes",
      0, 0, AT(11, 0), S_EXFIL, "t1-sync.net", "TXT", A_TXT, 300, 1000 },
    { NULL, "a web server fetches assets from 60 CloudFront distributions in 5 minutes", 0, 0,
      AT(11, 0), S_CDN, NULL, "A", A_HOST, 60, 5000 },
    { NULL, "an inventory job resolves the reverse names of 250 internal addresses in 5 minutes", 0,
      0, AT(11, 0), S_SWEEP, NULL, "PTR", A_HOST, 250, 1200 },
    { "Trojan:EC2/DGADomainRequest.B",
      "a worker tries 40 random-looking domains in 3 minutes, most of them NXDOMAIN", 0, 0,
      AT(11, 30), S_DGA, NULL, "A", A_NX, 40, 4500 },
    { NULL, "an instance resolves 4 short odd-looking but real names in 40 minutes", 0, 0,
      AT(11, 30), S_ODD, NULL, "A", A_HOST, 4, 600000 },
    { "UnauthorizedAccess:EC2/MetadataDNSRebind",
      "a web server's URL fetcher resolves a rebinding name that answers the metadata address", 0,
      0, AT(12, 0), S_REBIND, "a9fea9fe.34c1d2e3.rbndr.us", "A", A_HOST, 6, 2000 },
    { NULL, "an instance resolves instance-data, AWS's own name for the metadata service", 0, 0,
      AT(12, 0), S_IMDS, NULL, "A", A_HOST, 6, 2000 },

    /* ---- reputation: the second day, after a day of learning ---- */
    { "Impact:EC2/AbusedDomainRequest.Reputation",
      "a worker calls home to a random-looking dynamic-DNS name", 1, 0, AT(10, 0), S_NAME,
      "k7x9qz2vw4jt.duckdns.org", "A", A_HOST, 10, 60000 },
    { NULL, "a home-lab NAS on a dynamic-DNS name, resolved every hour of both days", 0, BOTH_DAYS,
      AT(0, 30), S_NAME, "homelab-nas.ddns.net", "A", A_HOST, 24, 3600000 },
    { "Impact:EC2/BitcoinDomainRequest.Reputation",
      "a worker resolves an unlisted host below a listed mining pool that answers a pool's address",
      1, 0, AT(10, 5), S_NAME, "eu1.pool.minexmr-eu.net", "A", A_MINING, 10, 60000 },
    { "Impact:EC2/MaliciousDomainRequest.Reputation",
      "an instance resolves an unlisted host below a listed C&C domain that answers a sinkhole", 1,
      0, AT(10, 10), S_NAME, "cdn.panel-gate.top", "A", A_SINKHOLE, 10, 60000 },
    { "Impact:EC2/SuspiciousDomainRequest.Reputation",
      "an instance resolves a random-looking domain that a low-confidence feed names", 1, 0,
      AT(10, 15), S_NAME, "xj4kq9tzvbn7.info", "A", A_HOST, 5, 60000 },
    { NULL, "a worker starts using a new but ordinary SaaS on the second day", 1, 0, AT(10, 20),
      S_NAME, "api.honeycomb.io", "A", A_HOST, 10, 60000 },
};
#define N_SCENS VG_ARRAY_LEN(scens)

static const char *const odd_names[] = { "xkcd.com", "qz.com", "vk.com", "t.co" };

/* ---- the sample domain lists ------------------------------------------------------------------
 */

static const char *const c2_domains[] = { "update-service-cdn.net", "c2.redteam-lab.net",
                                          "panel-gate.top", "*.cmd-relay.xyz" };
static const char *const mining_domains[] = { "pool.minexmr-eu.net", "xmr.nanopool-mirror.org" };
static const char *const blackhole_domains[] = { "win-update-srv.info", "*.sinkholed-bot.net" };
static const char *const drop_domains[] = { "files-exchange-drop.net", "paste-vault.biz" };
static const char *const dga_domains[] = { "qxvbzkrtwpmh.info", "lkjhzxqwprtv.net",
                                           "vbnmqwrtzxyp.biz" };
static const char *const driveby_domains[] = { "cdn-adsrv-track.com", "*.exploit-landing.top" };
static const char *const phishing_domains[] = { "secure-login-micros0ft.com",
                                                "account-verify-paypa1.com" };
static const char *const custom_domains[] = { "*.exfil-relay.net", "beacon.old-incident.org" };
static const char *const trusted_domains[] = { "c2.redteam-lab.net" };
static const char *const suspicious_domains[] = { "xj4kq9tzvbn7.info", "login-sso-portal.net" };

#define LIST(file, header, names)                                                                  \
    {                                                                                              \
        file, header, names, VG_ARRAY_LEN(names)                                                   \
    }
static const struct {
    const char *file;
    const char *header;
    const char *const *names;
    size_t n;
} lists[] = {
    LIST("c2-domains.txt", "command-and-control domains", c2_domains),
    LIST("mining-domains.txt", "cryptocurrency mining pools", mining_domains),
    LIST("blackhole-domains.txt", "domains redirected to a black hole", blackhole_domains),
    LIST("drop-point-domains.txt", "drop points for stolen data", drop_domains),
    LIST("dga-domains.txt", "known DGA domains", dga_domains),
    LIST("driveby-domains.txt", "drive-by download sources", driveby_domains),
    LIST("phishing-domains.txt", "phishing domains", phishing_domains),
    LIST("custom-domains.txt", "our own threat list: domains from past incidents", custom_domains),
    LIST("trusted-domains.txt", "trusted: the red team's domains", trusted_domains),
    LIST("suspicious-domains.txt", "low-confidence: young domains of unknown purpose",
         suspicious_domains),
};

/* ---- state ----------------------------------------------------------------------------------- */

struct host {
    const char *id, *role, *vpc_id, *region;
    uint32_t ip;
    int64_t launch_s;
    unsigned vpc;
    unsigned via; /* the host the Resolver sees */
    const struct profile *prof;
    char own_id[VG_SIM_ID_CAP]; /* the scenario hosts' id */
    /* the line's fields after the answers, up to the port, and after the port */
    char tail[96], tail2[96];
    uint8_t tail_len, tail2_len;
};

struct dvpc {
    const char *id, *region;
    char prefix[160]; /* the line up to query_timestamp's value */
    uint8_t prefix_len;
    struct vg_sim_members m; /* who asks, weighted by how much */
};

struct dacct {
    const struct vg_flows_account *src;
    struct host *h;
    unsigned n_h;
    struct dvpc vpc[2];
    uint32_t *row_host;
    uint32_t beacon_ip, beacon_start;
    unsigned beacon_day;
    uint32_t sinkhole_ip, mining_ip;
    char cloudfront[N_CLOUDFRONT][16];
    char buckets[2][64];
    char sentry[32];
    struct vg_sim_rng srng; /* the scenario stream */
    uint64_t shape[VG_SIM_WINDOWS_PER_DAY + 1];
};

/* A query scheduled at a second of the window: a boot lookup or a scenario's. */
struct sched {
    struct vg_sim_when at;
    uint32_t host;
    uint16_t row; /* N_SCENS for a boot lookup */
    uint32_t i;   /* the boot lookup's index, or the scenario's query number */
};

struct vg_dns_sim {
    const struct vg_simulate_opts *opts;
    struct dacct *acct;
    unsigned n_acct;
    struct vg_sim_rng rng;      /* background */
    struct vg_sim_vpc_writer w; /* its schedule: struct sched */
};

/* ---- building ------------------------------------------------------------------------------- */

static void host_tails(struct host *h, const struct host *via)
{
    char ip[16];
    vg_sim_fmt_ip4(via->ip, ip);
    h->tail_len =
        (uint8_t)snprintf(h->tail, sizeof(h->tail), "],\"srcaddr\":\"%s\",\"srcport\":\"", ip);
    h->tail2_len =
        (uint8_t)snprintf(h->tail2, sizeof(h->tail2),
                          "\",\"transport\":\"UDP\",\"srcids\":{\"instance\":\"%s\"}}\n", via->id);
}

static void vpc_prefix(struct dvpc *v, const char *account)
{
    v->prefix_len = (uint8_t)snprintf(
        v->prefix, sizeof(v->prefix),
        "{\"version\":\"1.100000\",\"account_id\":\"%s\",\"region\":\"%s\",\"vpc_id\":\"%s\","
        "\"query_timestamp\":\"",
        account, v->region, v->id);
}

static void report_scenarios(const struct vg_dns_sim *dn, const struct dacct *a)
{
    const struct vg_simulate_opts *o = dn->opts;
    for (size_t k = 0; k < N_SCENS; k++) {
        const struct host *h = &a->h[a->row_host[k]];
        unsigned day = scens[k].flags & BEACON ? a->beacon_day : scens[k].day;
        struct vg_simulate_dns_scenario s = { a->src->id,    h->vpc_id,     h->id,
                                              scens[k].type, scens[k].what, day };
        o->on_dns_scenario(o->scenario_ctx, &s);
    }
}

static int account_init(struct vg_dns_sim *dn, struct dacct *a, unsigned ai,
                        const struct vg_flows_account *src, const struct vg_flows *fleet)
{
    struct vg_sim_rng *r = &dn->rng;
    const struct vg_simulate_opts *opts = dn->opts;
    unsigned n_fleet = vg_flows_instance_count(fleet, ai), n_own = 0;
    a->src = src;
    if (opts->attacks)
        for (size_t k = 0; k < N_SCENS; k++)
            n_own += !(scens[k].flags & (SAME | BEACON));
    a->n_h = n_fleet + n_own;
    a->h = calloc(a->n_h, sizeof(*a->h));
    a->row_host = calloc(N_SCENS, sizeof(*a->row_host));
    for (unsigned v = 0; v < 2; v++)
        if (vg_sim_members_init(&a->vpc[v].m, a->n_h) != VG_OK)
            return VG_ENOMEM;
    if (!a->h || !a->row_host)
        return VG_ENOMEM;

    const struct host *home = NULL;
    for (unsigned i = 0; i < n_fleet; i++) {
        struct vg_flows_instance fi;
        struct host *h = &a->h[i];
        vg_flows_instance_at(fleet, ai, i, &fi);
        *h = (struct host){ .id = fi.id,
                            .role = fi.role,
                            .vpc_id = fi.vpc_id,
                            .region = fi.region,
                            .ip = fi.ip,
                            .launch_s = fi.launch_s,
                            .vpc = fi.vpc,
                            .via = fi.via };
        a->vpc[fi.vpc].id = fi.vpc_id;
        a->vpc[fi.vpc].region = fi.region;
        if (!home && fi.vpc == 0)
            home = h;
    }
    if (!home)
        VG_BUG("the fleet has no instance in its home VPC");
    /* the scenarios' own instances: application subnet of the home VPC, from a stream of their
     * own so that the fleet's lookups are the same with and without attacks */
    struct vg_sim_rng ir;
    vg_sim_rng_seed(&ir, opts->seed ^ 0x646e73686f737473ull ^ (uint64_t)ai << 32); /* "dnshosts" */
    unsigned own = 0;
    if (opts->attacks) {
        uint32_t beacon_inst;
        vg_flows_c2_beacon(fleet, ai, &beacon_inst, &a->beacon_ip, &a->beacon_day,
                           &a->beacon_start);
        a->sinkhole_ip = vg_flows_listed_ip(fleet, "sinkholes.txt", ai);
        a->mining_ip = vg_flows_listed_ip(fleet, "mining-pools.txt", ai);
        for (size_t k = 0; k < N_SCENS; k++) {
            if (scens[k].flags & SAME) {
                a->row_host[k] = a->row_host[k - 1];
                continue;
            }
            if (scens[k].flags & BEACON) {
                a->row_host[k] = beacon_inst;
                continue;
            }
            unsigned i = n_fleet + own;
            struct host *h = &a->h[i];
            char id[VG_SIM_ID_CAP];
            vg_sim_hex_id(&ir, id, "i-");
            *h = (struct host){ .role = "worker",
                                .vpc_id = home->vpc_id,
                                .region = home->region,
                                .ip = (home->ip & 0xffff0000u) | 1u << 12 | (SCEN_HOST_BASE + own),
                                .vpc = 0,
                                .via = i };
            memcpy(h->own_id, id, sizeof(id));
            h->id = h->own_id;
            a->row_host[k] = i;
            own++;
        }
    }
    for (unsigned i = 0; i < a->n_h; i++) {
        struct host *h = &a->h[i];
        struct dvpc *v = &a->vpc[h->vpc];
        h->prof = profile_of(h->role);
        host_tails(h, &a->h[h->via]);
        vg_sim_members_add(&v->m, i, h->prof->weight * (50 + vg_sim_below(r, 100)));
    }
    for (unsigned v = 0; v < 2; v++)
        vpc_prefix(&a->vpc[v], src->id);
    for (unsigned k = 0; k < N_CLOUDFRONT; k++) {
        char id[14];
        VG_SIM_RAND_CHARS(r, id, 13, "abcdefghijklmnopqrstuvwxyz0123456789");
        snprintf(a->cloudfront[k], sizeof(a->cloudfront[k]), "d%s", id);
    }
    snprintf(a->buckets[0], sizeof(a->buckets[0]), "%s-backups", src->id);
    snprintf(a->buckets[1], sizeof(a->buckets[1]), "%s-artifacts", src->id);
    snprintf(a->sentry, sizeof(a->sentry), "o%u", (unsigned)(100000 + vg_sim_below(r, 900000)));
    vg_sim_rng_seed(&a->srng, opts->seed ^ 0x646e737363656e65ull ^ (uint64_t)ai << 32);
    vg_sim_day_shape(src->tz_windows, a->shape);
    if (opts->attacks && opts->on_dns_scenario)
        report_scenarios(dn, a);
    return VG_OK;
}

struct vg_dns_sim *vg_dns_sim_new(const struct vg_simulate_opts *opts,
                                  const struct vg_flows_account *accounts, unsigned n,
                                  const struct vg_flows *fleet)
{
    struct vg_dns_sim *dn = calloc(1, sizeof(*dn));
    if (!dn)
        return NULL;
    dn->opts = opts;
    vg_sim_vpc_writer_init(&dn->w, sizeof(struct sched));
    dn->n_acct = n;
    dn->acct = calloc(n, sizeof(*dn->acct));
    if (!dn->acct)
        goto fail;
    vg_sim_rng_seed(&dn->rng, opts->seed ^ 0x646e73646e73646eull); /* "dnsdnsdn" */
    for (unsigned i = 0; i < n; i++)
        if (account_init(dn, &dn->acct[i], i, &accounts[i], fleet) != VG_OK)
            goto fail;
    return dn;
fail:
    vg_dns_sim_free(dn);
    return NULL;
}

void vg_dns_sim_free(struct vg_dns_sim *dn)
{
    if (!dn)
        return;
    for (unsigned i = 0; dn->acct && i < dn->n_acct; i++) {
        struct dacct *a = &dn->acct[i];
        free(a->h);
        free(a->row_host);
        for (unsigned v = 0; v < 2; v++)
            vg_sim_members_release(&a->vpc[v].m);
    }
    free(dn->acct);
    vg_sim_vpc_writer_release(&dn->w);
    free(dn);
}

/* ---- sample lists ---------------------------------------------------------------------------- */

int vg_dns_sim_write_lists(const struct vg_dns_sim *dn, const char *date)
{
    struct vg_sim_sink o = { VG_BUF_INIT, VG_OK };
    struct vg_buf path = VG_BUF_INIT;
    int rc = VG_OK;
    for (size_t l = 0; l < VG_ARRAY_LEN(lists) && rc == VG_OK; l++) {
        vg_buf_reset(&o.b);
        vg_sim_putf(&o, "# vigil sample list: %s, %s\n", lists[l].header, date);
        for (size_t i = 0; i < lists[l].n; i++)
            vg_sim_putf(&o, "%s\n", lists[l].names[i]);
        rc = vg_sim_write_intel(&o, &path, dn->opts->out_dir, lists[l].file);
    }
    vg_buf_release(&o.b);
    vg_buf_release(&path);
    return rc;
}

/* ---- queries --------------------------------------------------------------------------------- */

/* "ip-10-16-1-12.ec2.internal" in us-east-1, "ip-10-16-1-12.<region>.compute.internal"
 * elsewhere. */
static void internal_name(char *out, size_t cap, uint32_t ip, const char *region)
{
    unsigned a = ip >> 24, b = ip >> 16 & 255, c = ip >> 8 & 255, d = ip & 255;
    if (strcmp(region, "us-east-1") == 0)
        snprintf(out, cap, "ip-%u-%u-%u-%u.ec2.internal", a, b, c, d);
    else
        snprintf(out, cap, "ip-%u-%u-%u-%u.%s.compute.internal", a, b, c, d, region);
}

static void q_ptr(struct query *q, uint32_t ip, const char *region)
{
    q_init(q, "PTR");
    q_name(q, "%u.%u.%u.%u.in-addr.arpa", ip & 255, ip >> 8 & 255, ip >> 16 & 255, ip >> 24);
    char *rd = q_answer(q, "PTR");
    internal_name(rd, RDATA_CAP - 1, ip, region);
    size_t n = strlen(rd);
    rd[n] = '.';
    rd[n + 1] = '\0';
}

/* The search-list suffix of a region's instances. */
static const char *search_suffix(const char *region, char *buf, size_t cap)
{
    if (strcmp(region, "us-east-1") == 0)
        return "ec2.internal";
    snprintf(buf, cap, "%s.compute.internal", region);
    return buf;
}

static const char *const search_nx_names[] = { "api.github.com", "deb.debian.org" };

/* The fixed names of kind k, and their count. */
static const struct fixed *fixed_at(unsigned k, unsigned idx)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(fixed); i++)
        if (fixed[i].kind == k && idx-- == 0)
            return &fixed[i];
    return NULL;
}

static unsigned fixed_count(unsigned k)
{
    unsigned n = 0;
    for (size_t i = 0; i < VG_ARRAY_LEN(fixed); i++)
        n += fixed[i].kind == k;
    return n;
}

/* Names of kind k an instance can look up (a peer's names count once: whichever peer). */
static unsigned kind_count(unsigned k)
{
    switch (k) {
    case K_AWS: return VG_ARRAY_LEN(aws_services);
    case K_S3: return 3; /* dual-stack, two buckets */
    case K_INTERNAL:
    case K_PTR: return 1;
    case K_SAAS: return fixed_count(k) + 1; /* the account's Sentry ingest name */
    case K_CDN: return fixed_count(k) + N_CLOUDFRONT;
    case K_SEARCH_NX: return VG_ARRAY_LEN(search_nx_names);
    default: return fixed_count(k);
    }
}

static void q_fixed(struct query *q, const struct fixed *f)
{
    q_init(q, f->mx ? "MX" : q->qtype);
    q_name(q, "%s", f->name);
    if (f->mx) {
        snprintf(q_answer(q, "MX"), RDATA_CAP, "%s", f->mx);
        return;
    }
    for (unsigned c = 0; c < 2 && f->cname[c]; c++)
        q_cname(q, f->cname[c]);
    q_addresses(q, (enum net)f->net, f->n_a);
}

/* Lookup idx of kind k by instance h; peer is the instance whose internal names it asks for. */
static void build(const struct dacct *a, const struct host *h, const struct host *peer, unsigned k,
                  unsigned idx, const char *qtype, struct query *q)
{
    char buf[64];
    q_init(q, qtype);
    switch (k) {
    case K_AWS:
        q_name(q, "%s.%s.amazonaws.com", aws_services[idx], h->region);
        q_addresses(q, NET_AWS, 1 + idx % 3);
        return;
    case K_S3:
        if (idx == 0) {
            q_name(q, "s3.dualstack.%s.amazonaws.com", h->region);
            if (strcmp(qtype, "AAAA") == 0)
                snprintf(q_answer(q, "AAAA"), RDATA_CAP, "2600:1fa0:80%02x:%x::1",
                         (unsigned)(name_ip(q->name, NET_AWS, 0) & 255), idx);
            q_addresses(q, NET_AWS, 2);
        } else {
            q_name(q, "%s.s3.%s.amazonaws.com", a->buckets[idx - 1], h->region);
            snprintf(buf, sizeof(buf), "s3-r-w.%s.amazonaws.com", h->region);
            q_cname(q, buf);
            q_addresses(q, NET_AWS, 1);
        }
        return;
    case K_INTERNAL:
        q_init(q, "A");
        internal_name(q->name, sizeof(q->name), peer->ip, peer->region);
        q_ip(q, peer->ip);
        return;
    case K_PTR: q_ptr(q, peer->ip, peer->region); return;
    case K_SEARCH_NX:
        q_name(q, "%s.%s", search_nx_names[idx], search_suffix(h->region, buf, sizeof(buf)));
        q->rcode = "NXDOMAIN";
        return;
    case K_SAAS:
    case K_CDN:
        if (idx >= fixed_count(k)) {
            idx -= fixed_count(k);
            if (k == K_SAAS) {
                q_name(q, "%s.ingest.sentry.io", a->sentry);
                q_addresses(q, NET_GOOGLE, 1);
            } else {
                q_name(q, "%s.cloudfront.net", a->cloudfront[idx]);
                q_addresses(q, NET_CLOUDFRONT, 4);
            }
            return;
        }
        q_fixed(q, fixed_at(k, idx));
        return;
    default: q_fixed(q, fixed_at(k, idx)); return;
    }
}

static void build_typo(unsigned idx, struct query *q)
{
    q_init(q, "A");
    q_name(q, "%s", typos[idx % VG_ARRAY_LEN(typos)]);
    q->rcode = "NXDOMAIN";
}

static bool types_names(const struct host *h)
{
    return strcmp(h->role, "bastion") == 0;
}

/* The boot burst: every name of every kind once, then the typos of people's hosts. */
static unsigned boot_count(const struct host *h)
{
    unsigned n = types_names(h) ? VG_ARRAY_LEN(typos) : 0;
    for (unsigned k = 0; k < K_COUNT; k++)
        n += kind_count(k);
    return n;
}

static void build_boot(const struct dacct *a, const struct host *h, unsigned i, struct query *q)
{
    for (unsigned k = 0; k < K_COUNT; k++) {
        unsigned n = kind_count(k);
        if (i < n) {
            build(a, h, h, k, i, "A", q);
            return;
        }
        i -= n;
    }
    build_typo(i, q);
}

static unsigned pick_kind(struct vg_sim_rng *r, const struct profile *p)
{
    unsigned total = 0;
    for (unsigned k = 0; k < K_COUNT; k++)
        total += p->k[k];
    uint64_t x = vg_sim_below(r, total);
    for (unsigned k = 0;; k++) {
        if (x < p->k[k])
            return k;
        x -= p->k[k];
    }
}

/* One everyday lookup of h. */
static void background(struct vg_sim_rng *r, const struct dacct *a, const struct dvpc *v,
                       const struct host *h, struct query *q)
{
    if (types_names(h) && vg_sim_below(r, 100000) < TYPO_PER_100K) {
        build_typo((unsigned)vg_sim_below(r, VG_ARRAY_LEN(typos)), q);
        return;
    }
    unsigned k = pick_kind(r, h->prof);
    const struct host *peer = &a->h[v->m.idx[vg_sim_below(r, v->m.n)]];
    /* dual-stack resolvers ask for AAAA beside A now and then */
    const char *qtype = k != K_PTR && k != K_MX && vg_sim_per_mille(r, 150) ? "AAAA" : "A";
    build(a, h, peer, k, (unsigned)vg_sim_below(r, kind_count(k)), qtype, q);
}

/* Query i of scenario row `row`; its random parts come from (row, i), so they are the same
 * whatever else the run writes. */
static void scenario(const struct dacct *a, unsigned ai, size_t row, uint32_t i, struct query *q)
{
    static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
    static const char lower_alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    static const char *const dga_tlds[] = { "com", "net", "info", "biz" };
    const struct scen *sc = &scens[row];
    const struct host *h = &a->h[a->row_host[row]];
    uint64_t seed = (uint64_t)ai << 48 ^ (uint64_t)row << 32 ^ i;
    struct vg_sim_rng r;
    char label[64];
    vg_sim_rng_seed(&r, seed ^ 0x7363656e6172696full);
    q_init(q, sc->qtype);
    switch (sc->shape) {
    case S_EXFIL:
        VG_SIM_RAND_CHARS(&r, label, 60, b32);
        q_name(q, "%s.%s", label, sc->name);
        break;
    case S_DGA: {
        size_t n = 8 + vg_sim_below(&r, 9);
        VG_SIM_RAND_CHARS(&r, label, n, "abcdefghijklmnopqrstuvwxyz");
        q_name(q, "%s.%s", label, VG_SIM_PICK(&r, dga_tlds));
        if (vg_sim_per_mille(&r, 150)) {
            q_addresses(q, NET_HOSTING, 1);
            return;
        }
        break;
    }
    case S_CDN:
        VG_SIM_RAND_CHARS(&r, label, 13, lower_alnum);
        q_name(q, "d%s.cloudfront.net", label);
        q_addresses(q, NET_CLOUDFRONT, 4);
        return;
    case S_SWEEP: q_ptr(q, (h->ip & 0xfffff000u) | (1 + i % 4094), h->region); return;
    case S_REBIND:
        q_name(q, "%s", sc->name);
        /* rbndr answers the two addresses its name encodes, one per query */
        q_ip(q, i % 2 ? 0xa9fea9feu : name_ip(sc->name, NET_AWS, 0));
        return;
    case S_IMDS:
        if (strcmp(h->region, "us-east-1") == 0)
            q_name(q, "instance-data.ec2.internal");
        else
            q_name(q, "instance-data.%s.compute.internal", h->region);
        q_ip(q, 0xa9fea9feu);
        return;
    case S_ODD: q_name(q, "%s", odd_names[i % VG_ARRAY_LEN(odd_names)]); break;
    default: q_name(q, "%s", sc->name); break;
    }
    switch (sc->answer) {
    case A_NX: q->rcode = "NXDOMAIN"; break;
    case A_TXT: snprintf(q_answer(q, "TXT"), RDATA_CAP, "\\\"%08x\\\"", (unsigned)r.s[0]); break;
    case A_BEACON: q_ip(q, a->beacon_ip); break;
    case A_SINKHOLE: q_ip(q, a->sinkhole_ip); break;
    case A_MINING: q_ip(q, a->mining_ip); break;
    default: q_addresses(q, NET_HOSTING, 1); break;
    }
}

/* ---- files ----------------------------------------------------------------------------------- */

struct wctx {
    struct vg_dns_sim *dn;
    struct dacct *a;
    unsigned ai;
    struct dvpc *v;
    uint32_t day_s; /* epoch seconds of the day's midnight */
    int64_t day;
    uint32_t ts_sec; /* the second ts holds */
    char ts[24];
    uint64_t queries, scenario_queries;
    struct query q; /* the one being written */
};

static void put_str(struct vg_sim_sink *o, const char *s)
{
    vg_sim_put(o, s, strlen(s));
}

/* One line, exactly in the field order of Resolver query logging. */
static void put_query(struct wctx *c, const struct host *h, uint32_t sod, const struct query *q,
                      uint16_t port)
{
    struct vg_sim_sink *o = &c->dn->w.out;
    if (sod != c->ts_sec || !c->ts[0]) {
        vg_sim_fmt_time((int64_t)(c->day_s + sod) * 1000, c->ts);
        c->ts_sec = sod;
    }
    vg_sim_put(o, c->v->prefix, c->v->prefix_len);
    vg_sim_put(o, c->ts, 20);
    VG_SIM_PUT(o, "\",\"query_name\":\"");
    put_str(o, q->name);
    VG_SIM_PUT(o, ".\",\"query_type\":\"");
    put_str(o, q->qtype);
    VG_SIM_PUT(o, "\",\"query_class\":\"IN\",\"rcode\":\"");
    put_str(o, q->rcode);
    VG_SIM_PUT(o, "\",\"answers\":[");
    for (unsigned k = 0; k < q->n_ans; k++) {
        if (k)
            VG_SIM_PUT(o, ",");
        VG_SIM_PUT(o, "{\"Rdata\":\"");
        put_str(o, q->ans[k].rdata);
        VG_SIM_PUT(o, "\",\"Type\":\"");
        put_str(o, q->ans[k].type);
        VG_SIM_PUT(o, "\",\"Class\":\"IN\"}");
    }
    vg_sim_put(o, h->tail, h->tail_len);
    vg_sim_put_u64(o, port);
    vg_sim_put(o, h->tail2, h->tail2_len);
    c->queries++;
}

static uint16_t ephemeral(struct vg_sim_rng *r)
{
    return (uint16_t)(32768 + vg_sim_below(r, 28232)); /* Linux's default range */
}

static int sched_add(struct vg_dns_sim *dn, uint32_t sec, uint32_t host, uint16_t row, uint32_t i)
{
    struct sched s = { .at.sec = sec, .host = host, .row = row, .i = i };
    return vg_sim_sched_add(&dn->w.sched, &s);
}

static bool row_on_day(const struct dacct *a, const struct scen *sc, int64_t day)
{
    if (sc->flags & BEACON)
        return day == a->beacon_day;
    return day == sc->day || (sc->flags & BOTH_DAYS && day < 2);
}

/* The boot bursts of instances starting in window w, and the scenario queries in it. */
static int schedule(struct wctx *c, unsigned w)
{
    struct dacct *a = c->a;
    int64_t abs0 = c->day * 86400 + (int64_t)w * VG_SIM_WINDOW_S;
    int rc = VG_OK;
    for (unsigned m = 0; m < c->v->m.n && rc == VG_OK; m++) {
        uint32_t hi = c->v->m.idx[m];
        const struct host *h = &a->h[hi];
        if (h->launch_s < abs0 || h->launch_s >= abs0 + VG_SIM_WINDOW_S)
            continue;
        /* one lookup every two seconds from launch, as services start */
        uint32_t sec = (uint32_t)(h->launch_s - c->day * 86400);
        unsigned nb = boot_count(h);
        for (unsigned i = 0; i < nb && rc == VG_OK; i++)
            rc = sched_add(c->dn, sec + i * 2, hi, N_SCENS, i);
    }
    if (!c->dn->opts->attacks)
        return rc;
    uint64_t t0 = (uint64_t)w * VG_SIM_WINDOW_S * 1000, t1 = t0 + VG_SIM_WINDOW_S * 1000;
    for (size_t row = 0; row < N_SCENS && rc == VG_OK; row++) {
        const struct scen *sc = &scens[row];
        const struct host *h = &a->h[a->row_host[row]];
        /* the beacon's lookups come two seconds before each of its connections */
        uint64_t start =
            sc->flags & BEACON ? (uint64_t)(a->beacon_start - 2) * 1000 : (uint64_t)sc->at * 1000;
        uint64_t lo, hi;
        if (&a->vpc[h->vpc] != c->v || !row_on_day(a, sc, c->day))
            continue;
        vg_sim_steps_in(start, sc->n, sc->step_ms, t0, t1, &lo, &hi);
        for (uint64_t i = lo; i < hi && rc == VG_OK; i++) {
            uint64_t t = start + i * sc->step_ms;
            rc = sched_add(c->dn, (uint32_t)(t / 1000), a->row_host[row], (uint16_t)row,
                           (uint32_t)i);
        }
    }
    return rc;
}

/* An everyday lookup of c->v's instances at second sec of the day. */
static void window_background(void *ctx, uint32_t sec)
{
    struct wctx *c = ctx;
    struct vg_sim_rng *r = &c->dn->rng;
    const struct host *h = &c->a->h[vg_sim_members_pick(&c->v->m, r)];
    if (h->launch_s > c->day * 86400 + sec)
        return;
    background(r, c->a, c->v, h, &c->q);
    put_query(c, h, sec, &c->q, ephemeral(r));
}

static void window_scheduled(void *ctx, const void *item)
{
    struct wctx *c = ctx;
    const struct sched *s = item;
    struct dacct *a = c->a;
    const struct host *h = &a->h[s->host];
    if (s->row == N_SCENS) {
        build_boot(a, h, s->i, &c->q);
        put_query(c, h, s->at.sec, &c->q, ephemeral(&c->dn->rng));
        return;
    }
    scenario(a, c->ai, s->row, s->i, &c->q);
    put_query(c, h, s->at.sec, &c->q, ephemeral(&a->srng));
    c->scenario_queries++;
}

/* Window w of VPC c->v: `n` background queries, the scheduled ones, and the object that holds
 * them (none if the window is empty, as the Resolver writes nothing then). */
static int write_window(struct wctx *c, struct vg_sim_pool *pool, unsigned w, uint64_t n,
                        struct vg_simulate_stats *st)
{
    struct vg_dns_sim *dn = c->dn;
    struct vg_sim_rng *r = &dn->rng;
    struct dvpc *v = c->v;
    uint32_t t0 = w * VG_SIM_WINDOW_S;
    int rc;

    vg_sim_vpc_writer_begin(&dn->w);
    c->queries = c->scenario_queries = 0;
    if ((rc = schedule(c, w)))
        return rc;
    vg_sim_sched_run(&dn->w.sched, r, t0, n, window_background, window_scheduled, c);
    if ((rc = dn->w.out.err))
        return rc;
    if (c->queries == 0)
        return VG_OK;

    st->dns_files++;
    st->dns_queries += c->queries;
    st->dns_attacks += c->scenario_queries;
    st->dns_bytes_uncompressed += dn->w.out.b.len;
    /* named for the end of the window, when S3 receives it */
    return vg_sim_vpc_writer_submit(&dn->w, pool, VG_SIM_DNS, c->a->src->id, "vpcdnsquerylogs",
                                    v->id, NULL, (int64_t)(c->day_s + t0 + VG_SIM_WINDOW_S) * 1000,
                                    (uint32_t)vg_sim_rng_next(r));
}

int vg_dns_sim_write_day(struct vg_dns_sim *dn, struct vg_sim_pool *pool, unsigned ai, int64_t day,
                         int64_t day_ms, struct vg_simulate_stats *st)
{
    struct dacct *a = &dn->acct[ai];
    uint64_t total_weight = a->vpc[0].m.weight + a->vpc[1].m.weight;
    int rc = VG_OK;
    for (unsigned v = 0; v < 2 && rc == VG_OK; v++) {
        struct wctx c = { .dn = dn,
                          .a = a,
                          .ai = ai,
                          .v = &a->vpc[v],
                          .day_s = (uint32_t)(day_ms / 1000),
                          .day = day };
        if (c.v->m.n == 0)
            continue;
        /* this VPC's queries of the day, exact per day, spread by the curve */
        uint64_t total =
            (uint64_t)((unsigned __int128)dn->opts->dns_per_day * c.v->m.weight / total_weight);
        for (unsigned w = 0; w < VG_SIM_WINDOWS_PER_DAY && rc == VG_OK; w++)
            rc = write_window(&c, pool, w, vg_sim_window_share(total, a->shape, w), st);
    }
    return rc;
}
