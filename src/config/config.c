/*
 * The configuration loader: YAML events -> struct vg_config, driven by the option table below.
 *
 * libyaml's event parser is used, not its document loader: the events are walked once, depth
 * first, and only what the schema expects is kept, so memory stays proportional to the options
 * and lists, not to the size of the file.  Invariants:
 *  - aliases are refused.  An alias repeats a node by reference, and nested aliases multiply
 *    ("billion laughs"): nine levels of ten aliases each make 10^9 values out of a few hundred
 *    bytes.  A configuration file has no use for them, so an alias is a reported mistake
 *    wherever it appears; anchors alone are harmless and ignored;
 *  - nesting is capped (VG_CONFIG_MAX_DEPTH) and so is the file (VG_CONFIG_MAX_BYTES), so the
 *    walk's recursion and libyaml's stacks are bounded whatever the input;
 *  - every mistake is reported with the line it is on, and the walk goes on to the next key, so
 *    one run shows them all; only a YAML syntax error (after which libyaml cannot go on) or a
 *    limit ends the walk early;
 *  - a load either replaces the whole struct or leaves it untouched.
 */
#include "config/config.h"

#include <yaml.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "enrich/intel_format.h"

/* ---- the option table ------------------------------------------------------------------- */

static const char *const publish_frequencies[] = { "FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS",
                                                   NULL };
static const char *const log_levels[] = { "error", "warn", "info", "debug", NULL };
_Static_assert(VG_LOG_ERROR == 0 && VG_LOG_WARN == 1 && VG_LOG_INFO == 2 && VG_LOG_DEBUG == 3,
               "log_levels[] lists enum vg_log_level in order");

#define OFF(field) offsetof(struct vg_config, field)
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* Sections must be contiguous (options of one section one after the other): the sample file is
 * written in table order.  config_test.c checks it. */
static const struct vg_config_option options[] = {
    { "scan.max_findings", VG_CONFIG_INT, OFF(scan_max_findings), "100000", 1, 10000000, NULL,
      false,
      "findings kept in memory during a scan; when the table is full the least recently updated "
      "one is printed early and dropped (each finding holds a few KiB)" },
    { "scan.max_errors", VG_CONFIG_INT, OFF(scan_max_errors), "20", 0, 1000000, NULL, true,
      "bad-input messages printed per scan; the rest are only counted in the summary" },
    { "scan.read_ahead", VG_CONFIG_BOOL, OFF(scan_read_ahead), "true", 0, 0, NULL, false,
      "read and decompress the next files on a second thread, which also parses the text flow "
      "logs among them when it has time, while this one is scanned; detection stays on the "
      "scan's thread, in input order, so findings are the same either way.  On a machine with a "
      "core to spare this about doubles a flow log scan's speed" },
    { "intel.trusted_max_public_prefix", VG_CONFIG_INT, OFF(intel_trusted_max_public_prefix), "16",
      0, 32, NULL, true,
      "a trusted list covering a public IPv4 network wider than this prefix length (a /8 is "
      "wider than a /16) gives a DefenseEvasion:Vigil/TrustedListTooWide finding, since it "
      "silences list findings for a large part of the internet" },
    { "intel.state_dir", VG_CONFIG_STRING, OFF(intel_state_dir), "", 0, 4096, NULL, false,
      "directory where vigil remembers each trusted list (sha256, counts, widest public network) "
      "between runs and logs every change to one in lists-audit.log; empty for none; a relative "
      "path is read from this file's directory" },
    { "intel.test_indicators", VG_CONFIG_BOOL, OFF(intel_test_indicators), "true", 0, 0, NULL,
      false,
      "load vigil's built-in lists of the amazon-guardduty-tester domains (vigil-test-indicators, "
      "vigil-test-reputation), so a tester run gives the findings GuardDuty gives it with no list "
      "of your own; findings name the list, so they read as tests; false to leave them out" },
    { "enrich.ip_data", VG_CONFIG_STRING, OFF(enrich_ip_data), "", 0, 65536, NULL, false,
      "address-owner data, files or folders separated by ':': MaxMind-format .mmdb databases "
      "(country, city, ASN), ASN range CSV files (first,last,asn,organization, as "
      "ip-location-db publishes them) and AWS's ip-ranges.json; remote addresses in findings "
      "then carry their AS, country and AWS Region and service ('make enrich-data' fetches the "
      "free ip-location-db files into data/enrich); empty for none; relative paths are read "
      "from this file's directory" },
    { "rules.paths", VG_CONFIG_STRING, OFF(rules_paths), "", 0, 65536, NULL, false,
      "your detection rules (docs/rules.md): rule files or folders of them (*.yml, *.yaml), "
      "separated by ':', loaded besides the rules shipped with vigil; a bad rule is reported "
      "with its file and line and left out, the others still run; relative paths are read "
      "from this file's directory" },
    { "rules.enable_opt_in", VG_CONFIG_STRING, OFF(rules_enable_opt_in), "", 0, 4096, NULL, false,
      "opt-in rules to switch on, separated by ',': all, a group (iam, ec2, s3, rds, lambda, "
      "ses, organizations, ...), a rule id or a finding type; the opt-in rules are GuardDuty's "
      "rule-library types, off by default as they are there ('vigil rules list' shows them)" },
    { "flow.state_memory", VG_CONFIG_SIZE, OFF(flow.state_memory), "256MiB", 1 << 20, 1ll << 40,
      NULL, false,
      "memory for all flow detector state (windows, distinct counters, baselines, learned "
      "addresses); at the cap the least recently active entries are evicted and counted in the "
      "scan summary" },
    { "flow.log_format", VG_CONFIG_STRING, OFF(flow_log_format), "", 0, 4096, NULL, false,
      "the fields of header-less flow log files, as the flow log was created with (\"${version} "
      "${account-id} ...\" or bare names); empty means AWS's default version-2 order (a file with "
      "a header line follows its header)" },
    { "flow.inventory", VG_CONFIG_STRING, OFF(flow_inventory), "", 0, 4096, NULL, false,
      "an asset inventory: a file, or a folder of files, holding the JSON output of aws ec2 "
      "describe-instances and describe-network-interfaces; network findings then describe the "
      "instance (type, image, tags, interfaces, security groups) and traffic between two "
      "instances gets its direction right; empty for none; a relative path is read from this "
      "file's directory" },
    { "flow.probe_max_packets", VG_CONFIG_INT, OFF(flow.probe_max_packets), "4", 1, 1000000, NULL,
      true,
      "a connection of at most this many packets from its initiator counts as a probe for the "
      "scan and sweep detectors: a SYN, or nmap's connect scan (SYN, ACK, RST), while real "
      "sessions carry data" },
    { "flow.portscan.ports", VG_CONFIG_INT, OFF(flow.portscan_ports), "25", 2, 1000, NULL, true,
      "distinct remote ports probed on one host within the window that make a port scan; "
      "clients use a handful of ports per server, nmap's default scan 1,000 (counted by a "
      "512-bit linear-counting estimate, standard error under 5% up to the maximum)" },
    { "flow.portscan.window", VG_CONFIG_DURATION, OFF(flow.portscan_window), "10m", 1000, 86400000,
      NULL, true,
      "event-time window of the port scan count, kept as two half-window panes: probes reaching "
      "the threshold within half the window always fire, fewer than the threshold per window "
      "never do" },
    { "flow.portsweep.hosts", VG_CONFIG_INT, OFF(flow.portsweep_hosts), "50", 2, 4000, NULL, true,
      "distinct public hosts probed on one port within the window that make a sweep; real "
      "clients open data-carrying sessions, worms probe hundreds of hosts a minute (counted by a "
      "1,984-bit linear-counting estimate, standard error under 5% up to the maximum)" },
    { "flow.portsweep.window", VG_CONFIG_DURATION, OFF(flow.portsweep_window), "10m", 1000,
      86400000, NULL, true, "event-time window of the sweep count" },
    { "flow.bruteforce.attempts", VG_CONFIG_INT, OFF(flow.bruteforce_attempts), "20", 2, 10000000,
      NULL, true,
      "short connections between one peer and one instance on SSH (22), RDP (3389) or WinRM "
      "(5985/5986) within the window that make a brute force; a person logs in a few times an "
      "hour, password-guessing tools dozens of times a minute" },
    { "flow.bruteforce.window", VG_CONFIG_DURATION, OFF(flow.bruteforce_window), "10m", 1000,
      86400000, NULL, true, "event-time window of the brute-force count" },
    { "flow.bruteforce.max_packets", VG_CONFIG_INT, OFF(flow.bruteforce_max_packets), "60", 1,
      1000000, NULL, true,
      "a connection of at most this many packets from the client is a login attempt (a failed "
      "SSH password exchange is 20-40 packets); longer ones are working sessions and not "
      "counted" },
    { "flow.dos.packets", VG_CONFIG_INT, OFF(flow.dos_packets), "50000", 100, 1ll << 40, NULL, true,
      "small packets sent by one instance to one public address within the window that make a "
      "denial of service (amazon-guardduty-tester sends about 400,000 to trigger GuardDuty)" },
    { "flow.dos.window", VG_CONFIG_DURATION, OFF(flow.dos_window), "1m", 1000, 3600000, NULL, true,
      "event-time window of the denial-of-service count" },
    { "flow.dos.max_avg_packet", VG_CONFIG_SIZE, OFF(flow.dos_max_avg_packet), "512B", 40, 65535,
      NULL, true,
      "only flows whose average packet is at most this size count towards a flood, so bulk "
      "uploads (full 1,500-byte packets) to one server are not mistaken for one" },
    { "flow.dos.tcp_connections", VG_CONFIG_INT, OFF(flow.dos_tcp_connections), "256", 1, 10000000,
      NULL, true,
      "a TCP flood must also spread over this many connections within the window: SYN and ACK "
      "floods rotate source ports (hping3 counts them up, bots pick them at random), while the "
      "acknowledgements of a large download, as many small packets, ride on a handful" },
    { "flow.tor_relay.nodes", VG_CONFIG_INT, OFF(flow.tor_relay_nodes), "5", 2, 1000, NULL, true,
      "distinct Tor nodes an instance must both receive connections from and open connections "
      "to within the window to look like a relay (a client talks to one guard; a relay to "
      "hundreds; counted by a 512-bit linear-counting estimate, standard error under 5% up to "
      "the maximum)" },
    { "flow.tor_relay.window", VG_CONFIG_DURATION, OFF(flow.tor_relay_window), "1h", 1000,
      604800000, NULL, true, "event-time window of the Tor relay count" },
    { "flow.spambot.hosts", VG_CONFIG_INT, OFF(flow.spambot_hosts), "10", 1, 10000000, NULL, true,
      "distinct public mail servers (TCP 25) an instance with no mail history contacts within "
      "the window that make it a spambot" },
    { "flow.spambot.window", VG_CONFIG_DURATION, OFF(flow.spambot_window), "1h", 1000, 604800000,
      NULL, true, "event-time window of the spambot count" },
    { "flow.baseline.learning", VG_CONFIG_DURATION, OFF(flow.baseline_learning), "1d", 0,
      31536000000ll, NULL, true,
      "how long (event time from its first flow) an instance is watched before its baselines "
      "(ports, resolvers, volume, mail) may fire: a day covers daily jobs" },
    { "flow.volume.min_bytes", VG_CONFIG_SIZE, OFF(flow.volume_min_bytes), "1GiB", 1, 1ll << 50,
      NULL, true,
      "bytes sent to one remote host within the volume window below which unusual volume "
      "never fires" },
    { "flow.volume.factor", VG_CONFIG_INT, OFF(flow.volume_factor), "10", 2, 1000000, NULL, true,
      "how many times the instance's largest earlier per-host volume a window must reach to be "
      "unusual" },
    { "flow.volume.window", VG_CONFIG_DURATION, OFF(flow.volume_window), "1h", 60000, 604800000,
      NULL, true, "event-time window of the volume baseline" },
    { "dns.state_memory", VG_CONFIG_SIZE, OFF(dns.state_memory), "64MiB", 1 << 20, 1ll << 40, NULL,
      false,
      "memory for all DNS detector state (per-zone windows, names already seen); at the cap the "
      "least recently active entries are evicted and counted in the scan summary" },
    { "dns.reputation.threshold", VG_CONFIG_INT, OFF(dns.reputation_threshold), "50", 1, 100, NULL,
      true,
      "domain reputation score (0-100, the sum of the feature points below) at which a query "
      "gives an Impact:EC2/*DomainRequest.Reputation finding; 50 is set so that no single weak "
      "feature (abused namespace, newly observed, a random-looking label, a listed parent) "
      "fires alone, any two of them corroborating each other do, and a reputation-list entry "
      "or a sinkhole answer does" },
    { "dns.reputation.learning", VG_CONFIG_DURATION, OFF(dns.reputation_learning), "7d", 0,
      31536000000ll, NULL, true,
      "event time from an account's first DNS query during which the zones it queries are "
      "learned, never scored as newly observed: a week covers weekly jobs and patch days" },
    { "dns.reputation.new_window", VG_CONFIG_DURATION, OFF(dns.reputation_new_window), "1d", 1000,
      31536000000ll, NULL, true,
      "after learning, a zone counts as newly observed for this long from its first query in the "
      "account: malware domains are used within hours of registration, while a day of queries "
      "makes a zone part of the account's routine" },
    { "dns.reputation.points.list", VG_CONFIG_INT, OFF(dns.reputation_points_list), "50", 0, 100,
      NULL, true,
      "points for a name on a reputation list (feed reputation, or category abused or "
      "suspicious); the list's verdict reaches the threshold alone, lower it to make such "
      "feeds need corroboration" },
    { "dns.reputation.points.proximity", VG_CONFIG_INT, OFF(dns.reputation_points_proximity), "35",
      0, 100, NULL, true,
      "points when the name is not listed but its parent or zone is (a sibling of a C2 name, a "
      "host under a listed apex): strong but not alone, as listed zones host benign names too" },
    { "dns.reputation.points.abused_namespace", VG_CONFIG_INT, OFF(dns.reputation_points_abused),
      "30", 0, 100, NULL, true,
      "points for a name under a dynamic DNS or free subdomain service or a free TLD (duckdns.org, "
      "no-ip, ngrok, .tk, ...): where malware hides, but also where home labs live" },
    { "dns.reputation.points.newly_observed", VG_CONFIG_INT, OFF(dns.reputation_points_new), "20",
      0, 100, NULL, true,
      "points for a zone the account first queried within dns.reputation.new_window, after "
      "learning: new zones are common, so this only tips other evidence over the threshold" },
    { "dns.reputation.points.listed_answer", VG_CONFIG_INT, OFF(dns.reputation_points_answer), "35",
      0, 100, NULL, true,
      "points when an answer is an address on a threat list: shared hosting puts benign names "
      "on listed addresses, so it needs one more feature" },
    { "dns.reputation.points.sinkhole_answer", VG_CONFIG_INT, OFF(dns.reputation_points_sinkhole),
      "50", 0, 100, NULL, true,
      "points when an answer is a listed sinkhole or black-hole address: only names seized from "
      "malware resolve there, so it fires alone" },
    { "dns.reputation.points.dga", VG_CONFIG_INT, OFF(dns.reputation_points_dga), "40", 0, 100,
      NULL, true,
      "points for a zone label that looks machine-generated, scaled by its DGA score (counted "
      "from the model's threshold 0.7, detect/dga.h); below the threshold alone, since "
      "random-looking CDN and bucket "
      "labels are common, and Trojan:EC2/DGADomainRequest.B judges bursts of them" },
    { "dns.dga.min_score", VG_CONFIG_INT, OFF(dns.dga_min_score), "70", 1, 100, NULL, true,
      "the DGA score in percent (detect/dga.h) at which a zone label looks machine-generated; at "
      "70 "
      "about 0.4% of popular sites' labels pass and 78-99% of random-letter and hex DGA labels "
      "do (docs/dga-model.md, make dga-eval)" },
    { "dns.dga.names", VG_CONFIG_INT, OFF(dns.dga_names), "10", 2, 100000, NULL, true,
      "distinct generated-looking zones one instance queries within dns.dga.window that give a "
      "Trojan:EC2/DGADomainRequest.B finding: DGA malware tries dozens to hundreds of names until "
      "one resolves, while an instance meets a few odd brand names at a 0.4% rate per zone, so "
      "ten within a window is not chance" },
    { "dns.dga.nxdomain_names", VG_CONFIG_INT, OFF(dns.dga_nxdomain), "5", 2, 100000, NULL, true,
      "fire earlier when this many of those zones answered NXDOMAIN: a generated name that does "
      "not exist is what a DGA produces (the botmaster registers few of them) and what a benign "
      "odd-looking brand never is" },
    { "dns.dga.window", VG_CONFIG_DURATION, OFF(dns.dga_window), "1h", 60000, 604800000, NULL, true,
      "event-time window over which generated-looking zones are counted per instance" },
    { "dns.exfil.names", VG_CONFIG_INT, OFF(dns.exfil_names), "100", 2, 1000000, NULL, true,
      "distinct subdomains of one zone that one instance queries within dns.exfil.window that "
      "give a Trojan:EC2/DNSDataExfiltration finding, when enough of them carry data: 100 names "
      "of 20+ encoded bytes move 2 KB, a file's worth, while a host's own services use a handful "
      "of names per zone (amazon-guardduty-tester sends 929)" },
    { "dns.exfil.label_length", VG_CONFIG_INT, OFF(dns.exfil_label_len), "20", 8, 255, NULL, true,
      "bytes a label below the zone needs to count as carrying data (with a DGA score of at "
      "least dns.dga.min_score): 20 base32 characters hold 12 bytes; CDN and load-balancer "
      "host labels are shorter or word-like" },
    { "dns.exfil.encoded_percent", VG_CONFIG_INT, OFF(dns.exfil_encoded_pct), "50", 1, 100, NULL,
      true,
      "percent of the distinct subdomains that must carry data: a tunnel encodes in every query, "
      "a crawler of many word-like hosts of one zone in none" },
    { "dns.exfil.window", VG_CONFIG_DURATION, OFF(dns.exfil_window), "1h", 60000, 604800000, NULL,
      true, "event-time window over which subdomains are counted per instance and zone" },
    { "dns.passive_memory", VG_CONFIG_SIZE, OFF(dns_passive_memory), "64MiB", 1 << 20, 1ll << 40,
      NULL, false,
      "memory for the passive DNS table (which names each address was an answer for, shown in "
      "network and API findings); 64MiB keeps at least the 32,768 most recently answered "
      "addresses with their names; at the cap older ones are evicted and counted" },
    { "iam.state_memory", VG_CONFIG_SIZE, OFF(iam.state_memory), "64MiB", 1 << 20, 1ll << 40, NULL,
      false,
      "memory for the IAM behaviour detectors (principal profiles, open anomaly findings, "
      "learned networks of role credentials, console sign-ins, attack sequences); a profile takes "
      "a 528-byte slot and tables keep half their slots free in two generations, so 64MiB keeps "
      "at least 16,000 principals (bench/bench_baseline.c); at the cap the least recently "
      "active are evicted (they learn again, silent) and counted in the scan summary" },
    { "iam.baseline.learning", VG_CONFIG_DURATION, OFF(iam.learning), "7d", 0, 31536000000ll, NULL,
      true,
      "how long (event time from its first call) a principal is watched before its unusual calls "
      "may give AnomalousBehavior findings: a week covers weekly jobs" },
    { "iam.baseline.learning_days", VG_CONFIG_INT, OFF(iam.learning_days), "3", 1, 365, NULL, true,
      "days with activity a principal needs besides the learning period: one call a week ago "
      "is no habit" },
    { "iam.baseline.half_life", VG_CONFIG_DURATION, OFF(iam.half_life), "30d", 86400000,
      31536000000ll, NULL, true,
      "event time in which the weight of an API, network or user agent in a profile halves, so "
      "profiles follow gradual change: a habit dropped for four half-lives is unseen again" },
    { "iam.anomaly.window", VG_CONFIG_DURATION, OFF(iam.bundle_window), "1h", 60000, 86400000, NULL,
      true,
      "unusual calls by one principal this close to the previous one join its open finding "
      "instead of opening another" },
    { "iam.exfil.learn_days", VG_CONFIG_INT, OFF(iam.exfil_learn_days), "3", 1, 365, NULL, true,
      "days on which a role's instance or workload credentials must be used from one outside "
      "network before that network is routine for the role and stops the "
      "CredentialExfiltration findings (the first ones are kept)" },
    { "iam.console.travel_window", VG_CONFIG_DURATION, OFF(iam.travel_window), "30m", 60000,
      86400000, NULL, true,
      "two successful console sign-ins of one IAM user this close together from places too far "
      "apart (with geo data: over 900 km/h; without: different /16 networks) give "
      "ConsoleLoginSuccess.B" },
    { "iam.sequence.window", VG_CONFIG_DURATION, OFF(iam.sequence_window), "1d", 60000, 604800000,
      NULL, true,
      "findings and signals of one credential this close together are steps of one attack "
      "sequence" },
    { "service.watch", VG_CONFIG_STRING, OFF(service_watch), "", 0, 65536, NULL, false,
      "the folders vigild follows, recursively, separated by ':' (where CloudTrail, flow and "
      "Route 53 Resolver logs land: an S3 sync target, a mounted bucket, a shipper's output); "
      "relative paths are read from this file's directory" },
    { "service.state_dir", VG_CONFIG_STRING, OFF(service_state_dir), "", 0, 4096, NULL, false,
      "the folder of vigild's store (vigil.db: findings, filters, the ingest ledger); "
      "relative to this file's directory" },
    { "service.store", VG_CONFIG_STRING, OFF(service_store), "", 0, 4096, NULL, false,
      "vigild's store instead of STATE_DIR/vigil.db: a SQLite path ('sqlite:PATH') or a "
      "PostgreSQL URI ('postgresql://USER@HOST/DB'), which several vigilds may share (one "
      "following folders, the others serving the API)" },
    { "service.listen", VG_CONFIG_STRING, OFF(service_listen), "127.0.0.1:8470", 0, 256, NULL,
      false,
      "address and port of vigild's HTTP API; an address other than loopback needs "
      "service.tokens_file; empty for no API" },
    { "service.tokens_file", VG_CONFIG_STRING, OFF(service_tokens_file), "", 0, 4096, NULL, false,
      "vigild's API tokens, one 'NAME SCOPE TOKEN' line each (scope read or admin); the file must "
      "not be readable by others" },
    { "service.jsonl", VG_CONFIG_STRING, OFF(service_jsonl), "", 0, 4096, NULL, false,
      "a file where vigild also writes every new or updated finding, exactly "
      "once even across crashes (as one JSON line each; suppressed findings are not written); "
      "empty for none" },
    { "service.webhook", VG_CONFIG_STRING, OFF(service_webhook), "", 0, 1024, NULL, false,
      "an http:// URL that receives each finding as an EventBridge event (source aws.guardduty, "
      "detail-type GuardDuty Finding), kept in the store until the receiver accepts it; empty "
      "for none" },
    { "service.publish_frequency", VG_CONFIG_ENUM, OFF(service_publish_frequency),
      "FIFTEEN_MINUTES", 0, 0, publish_frequencies, false,
      "how often the webhook sends updates of findings it already sent (GuardDuty's "
      "findingPublishingFrequency); a new finding goes out at once" },
    { "service.rescan", VG_CONFIG_DURATION, OFF(service_rescan_ms), "30s", 100, 86400000ll, NULL,
      false,
      "vigild makes a full pass over the folders this often even when inotify said nothing "
      "(network "
      "filesystems do not tell)" },
    { "service.settle", VG_CONFIG_DURATION, OFF(service_settle_ms), "500ms", 0, 3600000, NULL,
      false,
      "a gzip object or JSON document unchanged this long is complete and vigild reads it; growing "
      "line files are read up to their last complete line without waiting" },
    { "service.order_wait", VG_CONFIG_DURATION, OFF(service_order_wait_ms), "200ms", 0, 600000,
      NULL, false,
      "a new file waits this long for files of other sources arriving with it, so that "
      "they are read in the event-time order their names say" },
    { "service.lateness", VG_CONFIG_DURATION, OFF(service_lateness_ms), "1h", 0, 86400000ll * 30,
      NULL, false,
      "a file whose name time is this much older than the newest file vigild read is late; it "
      "is still read, and counted in vigil_files_late_total" },
    { "service.retention", VG_CONFIG_DURATION, OFF(service_retention_ms), "90d", 0,
      86400000ll * 3650, NULL, false,
      "vigild deletes findings not updated for this long (GuardDuty keeps 90 days); 0s "
      "keeps them forever" },
    { "cluster.nats", VG_CONFIG_STRING, OFF(cluster_nats), "", 0, 4096, NULL, false,
      "the NATS servers of a vigil cluster (docs/cluster.md), comma-separated nats:// URLs: vigild "
      "then reads logs from the JetStream stream VIGIL_LOGS instead of folders, as one of "
      "several workers sharing its partitions, and `vigil publish` writes to it; empty for a "
      "single vigild" },
    { "cluster.partitions", VG_CONFIG_INT, OFF(cluster_partitions), "16", 1, 4096, NULL, false,
      "partitions of the log stream when the cluster is first set up (each account's logs go to "
      "one; a worker owns whole partitions), fixed from then on; more partitions than workers "
      "lets the work spread evenly" },
    { "cluster.replicas", VG_CONFIG_INT, OFF(cluster_replicas), "1", 1, 5, NULL, false,
      "copies JetStream keeps of the stream and the lease buckets when the cluster is first set "
      "up: 3 survives the loss of one NATS server" },
    { "cluster.lease", VG_CONFIG_DURATION, OFF(cluster_lease_ms), "10s", 1000, 600000, NULL, false,
      "a worker that has not renewed its partitions for this long has lost them, and other "
      "workers take them over (set when the cluster is first set up)" },
    { "cluster.retention", VG_CONFIG_DURATION, OFF(cluster_retention_ms), "7d", 0,
      86400000ll * 3650, NULL, false,
      "how long JetStream keeps logs (set when the cluster is first set up); a worker taking a "
      "partition over rebuilds its detectors' state from them, so keep at least the longest "
      "detection window; 0s keeps them until the servers' limits" },
    { "cluster.worker", VG_CONFIG_STRING, OFF(cluster_worker), "", 0, 64, NULL, false,
      "this worker's name in the cluster (letters, digits, '-' and '_'); empty for host name "
      "and process id" },
    { "log.level", VG_CONFIG_ENUM, OFF(log_level), "warn", 0, 0, log_levels, true,
      "operational messages of this level and the more severe ones are logged" },
};
_Static_assert(VG_ARRAY_LEN(options) <= VG_CONFIG_MAX_OPTIONS, "raise VG_CONFIG_MAX_OPTIONS");

static const char *const kind_names[] = { "threat", "trusted", NULL };
static const char *const feed_names[] = { "custom", "curated", "reputation", NULL };
_Static_assert(VG_INTEL_THREAT == 0 && VG_INTEL_TRUSTED == 1, "kind_names[] follows the enum");
_Static_assert(VG_INTEL_FEED_CUSTOM == 0 && VG_INTEL_FEED_CURATED == 1 &&
                   VG_INTEL_FEED_REPUTATION == 2,
               "feed_names[] too");

const struct vg_config_option *vg_config_options(size_t *count)
{
    *count = VG_ARRAY_LEN(options);
    return options;
}

static const struct vg_config_option *find_option(const char *name, size_t len)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(options); i++)
        if (strlen(options[i].name) == len && memcmp(options[i].name, name, len) == 0)
            return &options[i];
    return NULL;
}

const struct vg_config_option *vg_config_option_find(const char *name)
{
    return name ? find_option(name, strlen(name)) : NULL;
}

bool vg_config_option_set(const struct vg_config *c, const char *name)
{
    const struct vg_config_option *o = vg_config_option_find(name);
    return o && c->lines[o - options] != 0;
}

/* True if some option's name starts with name + ".", i.e. name is a section. */
static bool is_section(const char *name, size_t len)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(options); i++)
        if (strncmp(options[i].name, name, len) == 0 && options[i].name[len] == '.')
            return true;
    return false;
}

const char *vg_config_kind_name(enum vg_intel_list_kind kind)
{
    return kind == VG_INTEL_TRUSTED ? "trusted" : "threat";
}

const char *vg_config_feed_name(enum vg_intel_feed feed)
{
    return feed == VG_INTEL_FEED_CURATED      ? "curated"
           : feed == VG_INTEL_FEED_REPUTATION ? "reputation"
           : feed == VG_INTEL_FEED_TOR        ? "tor"
                                              : "custom";
}

/* ---- values ----------------------------------------------------------------------------- */

struct unit {
    const char *name;
    int64_t scale;
};

/* Largest first: formatting picks the first unit that divides the value exactly. */
static const struct unit size_units[] = {
    { "TiB", 1ll << 40 }, { "GiB", 1ll << 30 }, { "MiB", 1ll << 20 },
    { "KiB", 1ll << 10 }, { "B", 1 },           { "", 1 },
    { NULL, 0 },
};
static const struct unit duration_units[] = {
    { "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 }, { "ms", 1 }, { NULL, 0 },
};

union value {
    int64_t i;
    bool b;
    int e;
    struct vg_str s;
};

/* An optional sign and decimal digits, nothing else. */
static bool parse_int(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == len)
        return false;
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        int d = s[i] - '0';
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, neg ? -d : d, &v))
            return false;
    }
    *out = v;
    return true;
}

/* Digits, optional blanks, a unit from the table; the unit "" (if the table has it) means the
 * number alone is accepted.  Negative values are not. */
static bool parse_scaled(const char *s, size_t len, const struct unit *units, int64_t *out)
{
    size_t digits = 0;
    while (digits < len && s[digits] >= '0' && s[digits] <= '9')
        digits++;
    int64_t n;
    if (digits == 0 || !parse_int(s, digits, &n))
        return false;
    size_t u = digits;
    while (u < len && s[u] == ' ')
        u++;
    for (size_t i = 0; units[i].name; i++) {
        if (strlen(units[i].name) == len - u && memcmp(units[i].name, s + u, len - u) == 0) {
            if (units[i].name[0] == '\0' && u != digits)
                return false; /* "5 " */
            return !__builtin_mul_overflow(n, units[i].scale, out);
        }
    }
    return false;
}

static bool parse_bool(const char *s, size_t len, bool *out)
{
    static const struct {
        const char *name;
        bool value;
    } names[] = {
        { "true", true },   { "yes", true }, { "on", true },
        { "false", false }, { "no", false }, { "off", false },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(names); i++)
        if (strlen(names[i].name) == len && strncasecmp(names[i].name, s, len) == 0) {
            *out = names[i].value;
            return true;
        }
    return false;
}

static bool parse_enum(const char *s, size_t len, const char *const *values, int *out)
{
    for (int i = 0; values[i]; i++)
        if (strlen(values[i]) == len && memcmp(values[i], s, len) == 0) {
            *out = i;
            return true;
        }
    return false;
}

/* Parse text as o's type and check its range.  NULL on success, else why not (a phrase that
 * follows "invalid value 'X' for 'NAME': "). */
static const char *parse_value(const struct vg_config_option *o, const char *s, size_t len,
                               union value *out)
{
    int64_t v = 0;
    switch (o->type) {
    case VG_CONFIG_INT:
        if (!parse_int(s, len, &v))
            return "not an integer";
        break;
    case VG_CONFIG_SIZE:
        if (!parse_scaled(s, len, size_units, &v))
            return "not a size (e.g. 4096, 64KiB, 16MiB, 2GiB)";
        break;
    case VG_CONFIG_DURATION:
        if (!parse_scaled(s, len, duration_units, &v))
            return "not a duration (e.g. 250ms, 30s, 5m, 2h, 7d)";
        break;
    case VG_CONFIG_BOOL: return parse_bool(s, len, &out->b) ? NULL : "expected true or false";
    case VG_CONFIG_ENUM: return parse_enum(s, len, o->values, &out->e) ? NULL : "expected";
    case VG_CONFIG_STRING:
        if (memchr(s, '\0', len))
            return "contains a NUL byte";
        v = (int64_t)len;
        break;
    }
    if (v < o->min || v > o->max)
        return o->type == VG_CONFIG_STRING ? "length out of range" : "out of range";
    if (o->type == VG_CONFIG_STRING)
        out->s = (struct vg_str){ s, len };
    else
        out->i = v;
    return NULL;
}

static void *field_of(struct vg_config *c, const struct vg_config_option *o)
{
    return (char *)c + o->offset;
}

static const void *cfield_of(const struct vg_config *c, const struct vg_config_option *o)
{
    return (const char *)c + o->offset;
}

/* Store v into c.  A string is copied, except the default, which points at the table. */
static int store_value(struct vg_config *c, const struct vg_config_option *o, const union value *v)
{
    void *f = field_of(c, o);
    switch (o->type) {
    case VG_CONFIG_INT:
    case VG_CONFIG_SIZE:
    case VG_CONFIG_DURATION: memcpy(f, &v->i, sizeof(v->i)); break;
    case VG_CONFIG_BOOL: memcpy(f, &v->b, sizeof(v->b)); break;
    case VG_CONFIG_ENUM: memcpy(f, &v->e, sizeof(v->e)); break;
    case VG_CONFIG_STRING: {
        char *old, *copy;
        memcpy(&old, f, sizeof(old));
        if (v->s.ptr == o->def) {
            copy = (char *)o->def;
        } else {
            if (!(copy = malloc(v->s.len + 1)))
                return VG_ENOMEM;
            memcpy(copy, v->s.ptr, v->s.len);
            copy[v->s.len] = '\0';
        }
        if (old != o->def)
            free(old);
        memcpy(f, &copy, sizeof(copy));
        break;
    }
    }
    return VG_OK;
}

int vg_config_set(struct vg_config *c, const struct vg_config_option *o, const char *text,
                  const char **why_out)
{
    union value v;
    const char *why = parse_value(o, text, strlen(text), &v);
    if (why_out)
        *why_out = why;
    if (why)
        return VG_ECONFIG;
    return store_value(c, o, &v);
}

void vg_config_init(struct vg_config *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < VG_ARRAY_LEN(options); i++) {
        const struct vg_config_option *o = &options[i];
        union value v;
        if (o->type == VG_CONFIG_STRING) {
            char *def = (char *)o->def;
            memcpy(field_of(c, o), &def, sizeof(def));
            continue;
        }
        if (parse_value(o, o->def, strlen(o->def), &v))
            VG_BUG("default '%s' of option '%s' does not parse", o->def, o->name);
        store_value(c, o, &v); /* cannot fail: only strings allocate */
    }
}

void vg_config_release(struct vg_config *c)
{
    for (size_t i = 0; i < VG_ARRAY_LEN(options); i++) {
        if (options[i].type != VG_CONFIG_STRING)
            continue;
        char *s;
        memcpy(&s, field_of(c, &options[i]), sizeof(s));
        if (s != options[i].def)
            free(s);
    }
    for (size_t i = 0; i < c->list_count; i++) {
        free(c->lists[i].name);
        free(c->lists[i].path);
        free(c->lists[i].format);
    }
    free(c->lists);
    vg_config_init(c);
}

static int format_scaled(struct vg_buf *out, int64_t v, const struct unit *units)
{
    for (size_t i = 0; units[i].name; i++)
        if (v != 0 && v % units[i].scale == 0)
            return vg_buf_printf(out, "%" PRId64 "%s", v / units[i].scale, units[i].name);
    return vg_buf_printf(out, "0%s", units == duration_units ? "s" : "");
}

int vg_config_format_value(struct vg_buf *out, const struct vg_config *c,
                           const struct vg_config_option *o)
{
    const void *f = cfield_of(c, o);
    int64_t i;
    bool b;
    int e;
    const char *s;
    switch (o->type) {
    case VG_CONFIG_INT: memcpy(&i, f, sizeof(i)); return vg_buf_printf(out, "%" PRId64, i);
    case VG_CONFIG_SIZE: memcpy(&i, f, sizeof(i)); return format_scaled(out, i, size_units);
    case VG_CONFIG_DURATION: memcpy(&i, f, sizeof(i)); return format_scaled(out, i, duration_units);
    case VG_CONFIG_BOOL: memcpy(&b, f, sizeof(b)); return vg_buf_adds(out, b ? "true" : "false");
    case VG_CONFIG_ENUM: memcpy(&e, f, sizeof(e)); return vg_buf_adds(out, o->values[e]);
    case VG_CONFIG_STRING: memcpy(&s, f, sizeof(s)); return vg_buf_adds(out, s ? s : "");
    }
    return VG_OK;
}

static int format_bound(struct vg_buf *out, const struct vg_config_option *o, int64_t v)
{
    if (o->type == VG_CONFIG_SIZE)
        return format_scaled(out, v, size_units);
    if (o->type == VG_CONFIG_DURATION)
        return format_scaled(out, v, duration_units);
    return vg_buf_printf(out, "%" PRId64, v);
}

int vg_config_format_range(struct vg_buf *out, const struct vg_config_option *o)
{
    int rc = VG_OK;
    switch (o->type) {
    case VG_CONFIG_BOOL: break;
    case VG_CONFIG_ENUM:
        for (size_t i = 0; o->values[i] && rc == VG_OK; i++)
            rc = vg_buf_printf(out, "%s%s", i ? "|" : "", o->values[i]);
        break;
    case VG_CONFIG_STRING:
        rc = vg_buf_printf(out, "%" PRId64 " to %" PRId64 " bytes", o->min, o->max);
        break;
    default:
        rc = format_bound(out, o, o->min);
        if (rc == VG_OK)
            rc = vg_buf_adds(out, o->max == INT64_MAX ? " or more" : " to ");
        if (rc == VG_OK && o->max != INT64_MAX)
            rc = format_bound(out, o, o->max);
        break;
    }
    return rc;
}

/* ---- the loader ------------------------------------------------------------------------- */

struct loader {
    yaml_parser_t parser;
    const char *source; /* name in messages */
    const char *data;   /* the whole input, for line numbers of reader errors */
    size_t len;
    size_t dir_len; /* source[0..dir_len) is its directory, "/" included */
    struct vg_diag *diag;
    struct vg_config *c;
    uint64_t errors;
    int rc;              /* VG_ENOMEM when memory ran out */
    bool stop;           /* no more events: syntax error, limit, or out of memory */
    unsigned depth;      /* open mappings and sequences */
    uint32_t lists_line; /* where `lists:` was, 0 if not yet seen */
};

static uint32_t line_of(const yaml_event_t *ev)
{
    return ev->start_mark.line >= UINT32_MAX ? UINT32_MAX : (uint32_t)ev->start_mark.line + 1;
}

static void report(struct loader *ld, enum vg_diag_code code, uint32_t line, const char *fmt, ...)
    VG_PRINTF(4, 5);
static void report(struct loader *ld, enum vg_diag_code code, uint32_t line, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct vg_diag_loc loc = { ld->source, line ? line : 1, 0 };
    ld->errors++;
    vg_diag_report(ld->diag, code, &loc, "%s", msg);
}

/* s as it may appear in a message: at most 60 bytes, control bytes and quotes as '?', "..."
 * when cut.  Configuration text is the user's, but messages must stay one readable line. */
static const char *shown(char buf[72], const char *s, size_t len)
{
    size_t n = len > 60 ? 60 : len, i;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        buf[i] = ch < 0x20 || ch == 0x7f || ch == '\'' ? '?' : (char)ch;
    }
    if (len > n) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

static const char *event_noun(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_MAPPING_START_EVENT: return "a mapping";
    case YAML_SEQUENCE_START_EVENT: return "a sequence";
    case YAML_ALIAS_EVENT: return "an alias";
    default: return "a scalar";
    }
}

static const char *type_noun(const struct vg_config_option *o)
{
    static const char *const nouns[] = {
        [VG_CONFIG_INT] = "an integer", [VG_CONFIG_SIZE] = "a size",
        [VG_CONFIG_BOOL] = "a boolean", [VG_CONFIG_STRING] = "a string",
        [VG_CONFIG_ENUM] = "a name",    [VG_CONFIG_DURATION] = "a duration",
    };
    return nouns[o->type];
}

static void syntax_error(struct loader *ld)
{
    const yaml_parser_t *p = &ld->parser;
    if (p->error == YAML_MEMORY_ERROR) {
        ld->rc = VG_ENOMEM;
        return;
    }
    uint64_t line = p->problem_mark.line + 1;
    if (p->error == YAML_READER_ERROR) { /* the reader gives an offset, not a mark */
        line = 1;
        for (size_t i = 0; i < p->problem_offset && i < ld->len; i++)
            line += ld->data[i] == '\n';
    }
    char ctx[72] = "";
    if (p->context)
        snprintf(ctx, sizeof(ctx), " (%s)", p->context);
    report(ld, VG_DIAG_FIELD, line > UINT32_MAX ? UINT32_MAX : (uint32_t)line, "invalid YAML: %s%s",
           p->problem ? p->problem : "syntax error", ctx);
}

/* The next event, counting nesting.  False when there is none (after a syntax error, a limit or
 * running out of memory); ev then needs no deletion. */
static bool next(struct loader *ld, yaml_event_t *ev)
{
    if (ld->stop)
        return false;
    if (!yaml_parser_parse(&ld->parser, ev)) {
        syntax_error(ld);
        ld->stop = true;
        return false;
    }
    if (ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT) {
        if (++ld->depth > VG_CONFIG_MAX_DEPTH) {
            report(ld, VG_DIAG_TOO_DEEP, line_of(ev), "nesting deeper than %d levels",
                   VG_CONFIG_MAX_DEPTH);
            yaml_event_delete(ev);
            ld->stop = true;
            return false;
        }
    } else if (ev->type == YAML_MAPPING_END_EVENT || ev->type == YAML_SEQUENCE_END_EVENT) {
        ld->depth--;
    }
    return true;
}

static void refuse_alias(struct loader *ld, const yaml_event_t *ev)
{
    char b[72];
    const char *a = (const char *)ev->data.alias.anchor;
    report(ld, VG_DIAG_FIELD, line_of(ev), "alias '*%s' not allowed; write the value out",
           shown(b, a ? a : "", a ? strlen(a) : 0));
}

/* Consume the node that starts with ev (deleted here), reporting the aliases in it. */
static void skip(struct loader *ld, yaml_event_t *ev)
{
    bool open = ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT;
    unsigned base = ld->depth - (open ? 1 : 0);
    if (ev->type == YAML_ALIAS_EVENT)
        refuse_alias(ld, ev);
    yaml_event_delete(ev);
    yaml_event_t e;
    while (open && ld->depth > base && next(ld, &e)) {
        if (e.type == YAML_ALIAS_EVENT)
            refuse_alias(ld, &e);
        yaml_event_delete(&e);
    }
}

static bool is_null(const yaml_event_t *ev)
{
    if (ev->type != YAML_SCALAR_EVENT || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    return n == 0 || (n == 1 && s[0] == '~') ||
           (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

#define SCALAR_TEXT(ev) ((const char *)(ev)->data.scalar.value), ((ev)->data.scalar.length)

/* An option's value: v is deleted here. */
static void set_option(struct loader *ld, const struct vg_config_option *o, uint32_t key_line,
                       yaml_event_t *v)
{
    size_t idx = (size_t)(o - options);
    char b[72];
    union value val;
    const char *why;
    if (v->type != YAML_SCALAR_EVENT) {
        if (v->type != YAML_ALIAS_EVENT)
            report(ld, VG_DIAG_FIELD, line_of(v), "invalid value for '%s': %s, expected %s",
                   o->name, event_noun(v), type_noun(o));
        skip(ld, v);
        return;
    }
    if (ld->c->lines[idx]) {
        report(ld, VG_DIAG_FIELD, key_line, "duplicate key '%s' (first set at line %" PRIu32 ")",
               o->name, ld->c->lines[idx]);
    } else if (is_null(v)) {
        report(ld, VG_DIAG_FIELD, line_of(v), "missing value for '%s'", o->name);
    } else if ((why = parse_value(o, SCALAR_TEXT(v), &val))) {
        /* "expected a|b|c" for names, "out of range (0 to 32)" for numbers */
        bool enumerated = o->type == VG_CONFIG_ENUM, ranged = strstr(why, "range") != NULL;
        struct vg_buf range = VG_BUF_INIT;
        if ((enumerated || ranged) && vg_config_format_range(&range, o) != VG_OK)
            ld->rc = VG_ENOMEM;
        report(ld, VG_DIAG_FIELD, line_of(v), "invalid value '%s' for '%s': %s%s%s%s",
               shown(b, SCALAR_TEXT(v)), o->name, why,
               ranged       ? " ("
               : enumerated ? " "
                            : "",
               range.data ? range.data : "", ranged ? ")" : "");
        vg_buf_release(&range);
    } else if (store_value(ld->c, o, &val) != VG_OK) {
        ld->rc = VG_ENOMEM;
        ld->stop = true;
    } else {
        ld->c->lines[idx] = key_line;
    }
    yaml_event_delete(v);
}

/* ---- lists: ---- */

enum list_key { LK_NAME, LK_PATH, LK_KIND, LK_FEED, LK_FORMAT, LK_ENABLED, LK_CATEGORY, LK_COUNT };
static const char *const list_keys[] = { "name",   "path",    "kind",    "feed",
                                         "format", "enabled", "category" };

struct list_entry {
    struct vg_config_list l;
    uint32_t key_line[LK_COUNT];
    bool bad;
};

static char *dup_text(struct loader *ld, const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (!p) {
        ld->rc = VG_ENOMEM;
        ld->stop = true;
        return NULL;
    }
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* The path as loaded: relative to the configuration file's directory. */
static char *resolve_path(struct loader *ld, const char *s, size_t len)
{
    size_t dir = s[0] == '/' ? 0 : ld->dir_len;
    char *p = malloc(dir + len + 1);
    if (!p) {
        ld->rc = VG_ENOMEM;
        ld->stop = true;
        return NULL;
    }
    memcpy(p, ld->source, dir);
    memcpy(p + dir, s, len);
    p[dir + len] = '\0';
    return p;
}

static void list_value(struct loader *ld, struct list_entry *e, enum list_key k, yaml_event_t *v)
{
    const char *s = (const char *)v->data.scalar.value;
    size_t len = v->data.scalar.length;
    char b[72];
    const char *why = NULL, *expected = NULL;
    int x;
    switch (k) {
    case LK_NAME:
        for (size_t i = 0; i < len && !why; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                why = "control characters are not allowed";
        if (len == 0)
            why = "empty";
        else if (len > VG_CONFIG_MAX_LIST_NAME)
            why = "longer than " STRINGIFY(VG_CONFIG_MAX_LIST_NAME) " bytes";
        else if (!why && !(e->l.name = dup_text(ld, s, len)))
            return;
        break;
    case LK_PATH:
        if (len == 0)
            why = "empty";
        else if (memchr(s, '\0', len))
            why = "contains a NUL byte";
        else if (len >= PATH_MAX)
            why = "too long";
        else if (!(e->l.path = resolve_path(ld, s, len)))
            return;
        break;
    case LK_KIND:
        if (parse_enum(s, len, kind_names, &x))
            e->l.kind = (enum vg_intel_list_kind)x;
        else
            expected = "threat|trusted";
        break;
    case LK_FEED:
        if (parse_enum(s, len, feed_names, &x))
            e->l.feed = (enum vg_intel_feed)x;
        else
            expected = "custom|curated|reputation";
        break;
    case LK_FORMAT: {
        char name[32];
        if (len == 4 && memcmp(s, "auto", 4) == 0)
            break;
        if (len < sizeof(name) && !memchr(s, '\0', len)) {
            memcpy(name, s, len);
            name[len] = '\0';
            if (vg_intel_format_find(name)) {
                e->l.format = dup_text(ld, s, len);
                break;
            }
        }
        expected = "auto or a format 'vigil lists formats' names";
        break;
    }
    case LK_ENABLED:
        if (!parse_bool(s, len, &e->l.enabled))
            expected = "true or false";
        break;
    case LK_CATEGORY:
        if (!vg_intel_category_parse((struct vg_str){ s, len }, &e->l.category))
            expected = "auto|c2|cryptocurrency|blackhole|droppoint|scanner|tor|other";
        break;
    case LK_COUNT: break;
    }
    if (why || expected) {
        report(ld, VG_DIAG_FIELD, line_of(v), "invalid value '%s' for list key '%s': %s%s",
               shown(b, s, len), list_keys[k], why ? why : "expected ", why ? "" : expected);
        e->bad = true;
    }
}

static void add_list(struct loader *ld, struct list_entry *e)
{
    struct vg_config *c = ld->c;
    char b[72];
    for (size_t i = 0; i < c->list_count; i++)
        if (strcmp(c->lists[i].name, e->l.name) == 0) {
            report(ld, VG_DIAG_FIELD, e->key_line[LK_NAME],
                   "duplicate list name '%s' (first at line %" PRIu32 ")",
                   shown(b, e->l.name, strlen(e->l.name)), c->lists[i].line);
            return;
        }
    if (c->list_count == VG_CONFIG_MAX_LISTS) {
        report(ld, VG_DIAG_TOO_BIG, e->l.line, "more than %d lists", VG_CONFIG_MAX_LISTS);
        ld->stop = true; /* one report, not one per further entry */
        return;
    }
    if ((c->list_count & (c->list_count - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
        size_t cap = c->list_count ? c->list_count * 2 : 4;
        struct vg_config_list *p = realloc(c->lists, cap * sizeof(*p));
        if (!p) {
            ld->rc = VG_ENOMEM;
            ld->stop = true;
            return;
        }
        c->lists = p;
    }
    c->lists[c->list_count++] = e->l;
    memset(&e->l, 0, sizeof(e->l)); /* moved */
}

/* One entry of `lists:`, after its MAPPING_START (start). */
static void list_entry(struct loader *ld, const yaml_event_t *start)
{
    struct list_entry e = { .l = { .kind = VG_INTEL_THREAT,
                                   .feed = VG_INTEL_FEED_CUSTOM,
                                   .enabled = true,
                                   .line = line_of(start) } };
    char b[72];
    yaml_event_t k, v;
    while (next(ld, &k)) {
        if (k.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&k);
            break;
        }
        uint32_t kline = line_of(&k);
        int key = -1;
        if (k.type == YAML_SCALAR_EVENT) {
            for (int i = 0; i < LK_COUNT; i++)
                if (strlen(list_keys[i]) == k.data.scalar.length &&
                    memcmp(list_keys[i], k.data.scalar.value, k.data.scalar.length) == 0)
                    key = i;
            if (key < 0)
                report(ld, VG_DIAG_FIELD, kline, "unknown list key '%s'",
                       shown(b, SCALAR_TEXT(&k)));
        } else if (k.type != YAML_ALIAS_EVENT) {
            report(ld, VG_DIAG_FIELD, kline, "invalid key: %s, expected a name", event_noun(&k));
        }
        skip(ld, &k);
        if (!next(ld, &v))
            break;
        if (key < 0) {
            e.bad = true;
            skip(ld, &v);
        } else if (e.key_line[key]) {
            report(ld, VG_DIAG_FIELD, kline,
                   "duplicate list key '%s' (first set at line %" PRIu32 ")", list_keys[key],
                   e.key_line[key]);
            e.bad = true;
            skip(ld, &v);
        } else if (v.type != YAML_SCALAR_EVENT || is_null(&v)) {
            e.key_line[key] = kline;
            if (v.type != YAML_ALIAS_EVENT)
                report(ld, VG_DIAG_FIELD, line_of(&v),
                       "invalid value for list key '%s': %s, "
                       "expected %s",
                       list_keys[key], is_null(&v) ? "null" : event_noun(&v),
                       key == LK_ENABLED ? "true or false" : "text");
            e.bad = true;
            skip(ld, &v);
        } else {
            e.key_line[key] = kline;
            list_value(ld, &e, (enum list_key)key, &v);
            yaml_event_delete(&v);
        }
    }
    if (!ld->stop) {
        if (!e.key_line[LK_NAME]) {
            report(ld, VG_DIAG_FIELD, e.l.line, "missing 'name' in list entry");
            e.bad = true;
        }
        if (!e.key_line[LK_PATH]) {
            report(ld, VG_DIAG_FIELD, e.l.line, "missing 'path' in list '%s'",
                   e.l.name ? shown(b, e.l.name, strlen(e.l.name)) : "?");
            e.bad = true;
        }
        if (e.key_line[LK_FEED] && e.l.kind == VG_INTEL_TRUSTED &&
            e.l.feed != VG_INTEL_FEED_CUSTOM) {
            report(ld, VG_DIAG_FIELD, e.key_line[LK_FEED],
                   "invalid value '%s' for list key 'feed': a trusted list has no feed",
                   vg_config_feed_name(e.l.feed));
            e.bad = true;
        }
        if (e.key_line[LK_CATEGORY] && e.l.kind == VG_INTEL_TRUSTED &&
            e.l.category != VG_INTEL_CAT_AUTO) {
            report(ld, VG_DIAG_FIELD, e.key_line[LK_CATEGORY],
                   "invalid value '%s' for list key 'category': a trusted list has no category",
                   vg_intel_category_name(e.l.category));
            e.bad = true;
        }
        if (!e.bad && e.l.name && e.l.path)
            add_list(ld, &e);
    }
    free(e.l.name);
    free(e.l.path);
    free(e.l.format);
}

/* The value of `lists:` (v, deleted here). */
static void lists(struct loader *ld, uint32_t key_line, yaml_event_t *v)
{
    if (ld->lists_line) {
        report(ld, VG_DIAG_FIELD, key_line, "duplicate key 'lists' (first set at line %" PRIu32 ")",
               ld->lists_line);
        skip(ld, v);
        return;
    }
    ld->lists_line = key_line;
    if (is_null(v)) {
        yaml_event_delete(v);
        return;
    }
    if (v->type != YAML_SEQUENCE_START_EVENT) {
        if (v->type != YAML_ALIAS_EVENT)
            report(ld, VG_DIAG_FIELD, line_of(v),
                   "invalid value for 'lists': %s, expected a "
                   "sequence of mappings",
                   event_noun(v));
        skip(ld, v);
        return;
    }
    yaml_event_delete(v);
    yaml_event_t e;
    while (next(ld, &e)) {
        if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            return;
        }
        if (e.type == YAML_MAPPING_START_EVENT) {
            list_entry(ld, &e);
            yaml_event_delete(&e);
        } else {
            if (e.type != YAML_ALIAS_EVENT)
                report(ld, VG_DIAG_FIELD, line_of(&e), "invalid list entry: %s, expected a mapping",
                       event_noun(&e));
            skip(ld, &e);
        }
    }
}

/* A mapping of options (after its MAPPING_START); prefix is its dotted path ("" at the top). */
static void options_mapping(struct loader *ld, const char *prefix)
{
    size_t plen = strlen(prefix);
    yaml_event_t k, v;
    char b[72];
    while (next(ld, &k)) {
        if (k.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&k);
            return;
        }
        uint32_t kline = line_of(&k);
        char full[128];
        size_t flen = 0;
        bool named = false;
        if (k.type == YAML_SCALAR_EVENT && plen + 1 + k.data.scalar.length < sizeof(full)) {
            if (plen) {
                memcpy(full, prefix, plen);
                full[plen] = '.';
                flen = plen + 1;
            }
            memcpy(full + flen, k.data.scalar.value, k.data.scalar.length);
            flen += k.data.scalar.length;
            full[flen] = '\0';
            named = !memchr(full, '\0', flen);
        }
        if (k.type != YAML_SCALAR_EVENT && k.type != YAML_ALIAS_EVENT)
            report(ld, VG_DIAG_FIELD, kline, "invalid key: %s, expected a name", event_noun(&k));
        else if (k.type == YAML_SCALAR_EVENT && !named)
            report(ld, VG_DIAG_FIELD, kline, "unknown key '%s'", shown(b, SCALAR_TEXT(&k)));
        skip(ld, &k);
        if (!next(ld, &v))
            return;
        const struct vg_config_option *o = named ? find_option(full, flen) : NULL;
        if (!named) {
            skip(ld, &v);
        } else if (plen == 0 && strcmp(full, "lists") == 0) {
            lists(ld, kline, &v);
        } else if (o) {
            set_option(ld, o, kline, &v);
        } else if (is_section(full, flen)) {
            if (v.type == YAML_MAPPING_START_EVENT) {
                yaml_event_delete(&v);
                options_mapping(ld, full);
            } else {
                if (!is_null(&v) && v.type != YAML_ALIAS_EVENT)
                    report(ld, VG_DIAG_FIELD, line_of(&v),
                           "invalid value for '%s': %s, "
                           "expected a mapping of options",
                           full, event_noun(&v));
                skip(ld, &v);
            }
        } else {
            report(ld, VG_DIAG_FIELD, kline, "unknown key '%s'", shown(b, full, flen));
            skip(ld, &v);
        }
    }
}

static void document(struct loader *ld)
{
    yaml_event_t ev;
    if (!next(ld, &ev))
        return;
    if (ev.type == YAML_MAPPING_START_EVENT) {
        yaml_event_delete(&ev);
        options_mapping(ld, "");
    } else {
        if (!is_null(&ev) && ev.type != YAML_ALIAS_EVENT)
            report(ld, VG_DIAG_FIELD, line_of(&ev),
                   "invalid document: %s, expected a mapping "
                   "of options",
                   event_noun(&ev));
        skip(ld, &ev);
    }
}

static void stream(struct loader *ld)
{
    yaml_event_t ev;
    unsigned docs = 0;
    while (next(ld, &ev)) {
        yaml_event_type_t t = ev.type;
        uint32_t line = line_of(&ev);
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            return;
        if (t != YAML_DOCUMENT_START_EVENT)
            continue; /* STREAM_START, DOCUMENT_END */
        if (++docs > 1) {
            report(ld, VG_DIAG_FIELD, line, "more than one YAML document");
            return;
        }
        document(ld);
    }
}

int vg_config_load_buffer(struct vg_config *c, const char *name, const char *data, size_t len,
                          struct vg_diag *diag)
{
    struct vg_config tmp;
    struct loader ld = { .source = name, .data = data, .len = len, .diag = diag, .c = &tmp };
    const char *slash = strrchr(name, '/');
    ld.dir_len = slash ? (size_t)(slash - name) + 1 : 0;
    vg_config_init(&tmp);
    if (len > VG_CONFIG_MAX_BYTES) {
        report(&ld, VG_DIAG_TOO_BIG, 1, "file larger than %u KiB", VG_CONFIG_MAX_BYTES >> 10);
        return VG_ECONFIG;
    }
    if (!yaml_parser_initialize(&ld.parser))
        return VG_ENOMEM;
    yaml_parser_set_input_string(&ld.parser, (const unsigned char *)(data ? data : ""), len);
    stream(&ld);
    yaml_parser_delete(&ld.parser);
    if (ld.rc == VG_OK && ld.errors == 0) {
        vg_config_release(c);
        *c = tmp;
        return VG_OK;
    }
    vg_config_release(&tmp);
    return ld.rc ? ld.rc : VG_ECONFIG;
}

int vg_config_read(const char *path, struct vg_buf *out, struct vg_diag *diag)
{
    struct vg_diag_loc loc = { path, 1, 0 };
    int rc = VG_EIO, fd = open(path, O_RDONLY | O_CLOEXEC);
    vg_buf_reset(out);
    if (fd < 0) {
        vg_diag_report(diag, VG_DIAG_IO, NULL, "cannot open '%s': %s", path, strerror(errno));
        return VG_EIO;
    }
    for (;;) {
        if ((rc = vg_buf_reserve(out, 65536)) != VG_OK)
            break;
        ssize_t n = read(fd, out->data + out->len, out->alloc - out->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vg_diag_report(diag, VG_DIAG_IO, NULL, "cannot read '%s': %s", path, strerror(errno));
            rc = VG_EIO;
            break;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
        if (out->len > VG_CONFIG_MAX_BYTES) {
            vg_diag_report(diag, VG_DIAG_TOO_BIG, &loc, "file larger than %u KiB",
                           VG_CONFIG_MAX_BYTES >> 10);
            rc = VG_ELIMIT;
            break;
        }
    }
    close(fd);
    return rc;
}

int vg_config_load(struct vg_config *c, const char *path, struct vg_diag *diag)
{
    struct vg_buf b = VG_BUF_INIT;
    int rc = vg_config_read(path, &b, diag);
    if (rc == VG_ELIMIT)
        rc = VG_ECONFIG;
    if (rc == VG_OK)
        rc = vg_config_load_buffer(c, path, b.data, b.len, diag);
    vg_buf_release(&b);
    return rc;
}

void vg_config_list_source(const struct vg_config_list *l, struct vg_intel_source *src)
{
    src->name = l->name;
    src->path = l->path;
    src->kind = l->kind;
    src->feed = l->feed;
    src->format = l->format;
    src->category = l->category;
}

/* ---- the sample file -------------------------------------------------------------------- */

/* Append text as '#' comment lines indented by `indent`, wrapped before column 100. */
static int add_comment(struct vg_buf *out, unsigned indent, const char *text)
{
    int rc = VG_OK;
    const size_t width = 99 - indent - 2;
    while (*text && rc == VG_OK) {
        size_t n = strlen(text), cut = n;
        if (n > width) {
            cut = width;
            while (cut > 0 && text[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = width;
        }
        rc = vg_buf_printf(out, "%*s# %.*s\n", (int)indent, "", (int)cut, text);
        text += cut;
        while (*text == ' ')
            text++;
    }
    return rc;
}

static const char sample_head[] =
    "vigil configuration.  Every option is set to its default here, so this file changes "
    "nothing until you edit it.  'vigil config options' lists the options with their ranges, "
    "'vigil config check FILE' checks a file, and 'vigil scan --config FILE' uses one (options "
    "given on the command line win).  Keys may be nested, as below, or dotted "
    "(\"scan.max_findings: 500\"); an unknown key is an error, and so is a YAML alias.";

static const char *const sample_lists[] = {
    "",
    "# Threat and trusted lists: 'vigil scan --config' loads the enabled ones, 'vigil lists ls'",
    "# shows them all, and 'vigil lists add' appends entries (keeping these comments).  A",
    "# relative path is read from this file's directory.",
    "#   name      the list's name in findings (threatListName); unique",
    "#   path      the list file, plain or gzip",
    "#   kind      threat (default) or trusted: addresses and domains that never give a list "
    "finding",
    "#   feed      custom (default: the .Custom finding types), curated (a list you vouch for:",
    "#             the plain MaliciousIPCaller types) or reputation (low confidence: its domains",
    "#             only add to a domain's reputation score, the .Reputation types); a Tor",
    "#             exit-addresses file feeds the Tor types",
    "#   format    auto (default: detected from the content) or a name from 'vigil lists formats'",
    "#   category  threat lists: what the addresses are, which picks a curated list's EC2 type:",
    "#             c2, cryptocurrency, blackhole, droppoint, scanner (port probes), tor (feeds the",
    "#             Tor types), dga, driveby, phishing (domain types), abused and suspicious (low",
    "#             confidence: reputation score only), other",
    "#             (UnauthorizedAccess:EC2/MaliciousIPCaller.Custom), or auto",
    "#             (default: each entry's threat name says, e.g. \"Cobalt Strike C&C\" is c2)",
    "#   enabled   true (default) or false",
    "#",
    "# lists:",
    "#   - name: tor-exits",
    "#     path: intel/tor-exit-addresses.txt",
    "#   - name: soc-blocklist",
    "#     path: intel/malicious-ips.txt",
    "#     feed: curated",
    "#   - name: mining-pools",
    "#     path: intel/mining-pools.txt",
    "#     feed: curated",
    "#     category: cryptocurrency",
    "#   - name: partner-feed",
    "#     path: /var/lib/vigil/partner.stix.xml",
    "#     format: stix1",
    "#     enabled: false",
    "#   - name: office-egress",
    "#     path: intel/trusted-ips.txt",
    "#     kind: trusted",
};

/* How many leading components the section paths a and b (no trailing dot) share. */
static size_t shared_components(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = 0, i = 0;
    while (i < alen && i < blen) {
        size_t ea = i, eb = i;
        while (ea < alen && a[ea] != '.')
            ea++;
        while (eb < blen && b[eb] != '.')
            eb++;
        if (ea != eb || memcmp(a + i, b + i, ea - i) != 0)
            break;
        n++;
        i = ea + 1;
    }
    return n;
}

int vg_config_write_sample(struct vg_buf *out)
{
    struct vg_config def;
    struct vg_buf help = VG_BUF_INIT;
    vg_config_init(&def);
    int rc = add_comment(out, 0, sample_head);
    const char *prev = "";
    size_t prev_sect = 0; /* length of prev's section path */
    for (size_t i = 0; i < VG_ARRAY_LEN(options) && rc == VG_OK; i++) {
        const struct vg_config_option *o = &options[i];
        const char *last = strrchr(o->name, '.');
        size_t sect = last ? (size_t)(last - o->name) : 0;
        /* sections shared with the previous option stay open; the others are opened here */
        size_t depth = shared_components(o->name, sect, prev, prev_sect), pos = 0;
        for (size_t d = 0; d < depth; d++)
            pos = (size_t)((const char *)memchr(o->name + pos, '.', sect + 1 - pos) - o->name) + 1;
        while (pos < sect && rc == VG_OK) {
            const char *dot = memchr(o->name + pos, '.', sect - pos);
            size_t end = dot ? (size_t)(dot - o->name) : sect;
            rc = vg_buf_printf(out, "\n%*s%.*s:\n", (int)(2 * depth), "", (int)(end - pos),
                               o->name + pos);
            depth++;
            pos = end + 1;
        }
        vg_buf_reset(&help);
        if (rc == VG_OK)
            rc = vg_buf_printf(&help, "%c%s.", toupper((unsigned char)o->help[0]), o->help + 1);
        if (rc == VG_OK && o->type != VG_CONFIG_BOOL) {
            rc = vg_buf_adds(&help, o->type == VG_CONFIG_ENUM ? " One of " : " Range: ");
            if (rc == VG_OK)
                rc = vg_config_format_range(&help, o);
            if (rc == VG_OK)
                rc = vg_buf_adds(&help, ".");
        }
        if (rc == VG_OK && o->reloadable)
            rc = vg_buf_adds(&help, " Reloadable.");
        if (rc == VG_OK)
            rc = add_comment(out, (unsigned)(2 * depth), help.data);
        if (rc == VG_OK)
            rc = vg_buf_printf(out, "%*s%s: ", (int)(2 * depth), "", last ? last + 1 : o->name);
        if (rc == VG_OK && o->type == VG_CONFIG_STRING) {
            const char *v;
            memcpy(&v, cfield_of(&def, o), sizeof(v));
            rc = vg_config_add_quoted(out, vg_str_from(v));
        } else if (rc == VG_OK) {
            rc = vg_config_format_value(out, &def, o);
        }
        if (rc == VG_OK)
            rc = vg_buf_addc(out, '\n');
        prev = o->name;
        prev_sect = sect;
    }
    for (size_t i = 0; i < VG_ARRAY_LEN(sample_lists) && rc == VG_OK; i++)
        rc = vg_buf_printf(out, "%s\n", sample_lists[i]);
    vg_buf_release(&help);
    vg_config_release(&def);
    return rc;
}

int vg_config_add_quoted(struct vg_buf *out, struct vg_str s)
{
    int rc = vg_buf_addc(out, '"');
    for (size_t i = 0; i < s.len && rc == VG_OK; i++) {
        unsigned char ch = (unsigned char)s.ptr[i];
        if (ch == '"' || ch == '\\')
            rc = vg_buf_printf(out, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            rc = vg_buf_printf(out, "\\x%02x", ch);
        else
            rc = vg_buf_addc(out, (char)ch);
    }
    if (rc == VG_OK)
        rc = vg_buf_addc(out, '"');
    return rc;
}
