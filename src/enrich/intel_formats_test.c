/*
 * Unit tests for the threat-list loaders (intel_<format>.c), the format table
 * (intel_formats.c) and their shared record reader (csv.c).
 *
 * Each fixture is loaded through a real builder and frozen, then probed with
 * vg_intel_match_ip/vg_intel_match_domain: a probe names the threat name it must hit with, or
 * that it must miss.  The per-list counters and every diag message (in order, with its
 * "file:line:" prefix) are asserted too, so a bad line is reported where it is and its
 * neighbours still load.  Sniffing must pick the fixture's format from its bytes.
 *
 * The corpus test loads every file under $VIGIL_CORPUS/threat-lists (default
 * ../shared/corpus, relative to the repository root where the Makefile runs tests), checks
 * what the sniffer picks and that nothing is reported, except for the files listed with the
 * reason they are odd.
 */
#include "enrich/intel_format.h"

#include "core/buf.h"
#include "enrich/csv.h"

#include <setjmp.h>
#include <cmocka.h>

#define MAX_MESSAGES 16

/* ---- loading a fixture ---- */

struct run {
    struct vg_diag diag;
    char messages[MAX_MESSAGES][256];
    size_t message_count;
    struct vg_intel *intel;
    const struct vg_intel_list *list;
};

static void on_diag(void *ctx, enum vg_diag_code code, const char *message)
{
    struct run *r = ctx;
    (void)code;
    if (r->message_count < MAX_MESSAGES)
        snprintf(r->messages[r->message_count++], sizeof(r->messages[0]), "%s", message);
}

/* Load text with the named format into a fresh one-list store.  The text is copied into a heap
 * block of exactly its size, so a read past the end is an ASan error. */
static struct run *run_load(const char *format, const char *source, const char *text, size_t len)
{
    struct run *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    vg_diag_init(&r->diag, 1000, on_diag, r);
    const struct vg_intel_format *f = vg_intel_format_find(format);
    assert_non_null(f);
    struct vg_intel_builder *b = vg_intel_builder_new();
    assert_non_null(b);
    uint32_t id;
    assert_int_equal(
        vg_intel_builder_list(b, "fixture", source, VG_INTEL_THREAT, VG_INTEL_FEED_CUSTOM, &id),
        VG_OK);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    struct vg_intel_load_ctx ctx = { b, id, source, &r->diag };
    assert_int_equal(f->load(&ctx, copy, len), VG_OK);
    free(copy);
    r->intel = vg_intel_freeze(b);
    assert_non_null(r->intel);
    r->list = vg_intel_list_at(r->intel, 0);
    return r;
}

static void run_free(struct run *r)
{
    vg_intel_free(r->intel);
    free(r);
}

/* ---- the fixtures ---- */

struct probe {
    const char *query;  /* an address or a domain */
    const char *threat; /* the threat name it must hit with; NULL: it must not match */
};

struct counts {
    uint64_t addresses, networks, domains, rejected, bad, skipped;
};

struct load_case {
    const char *format;
    const char *sniffed; /* what detection must pick; NULL: format */
    const char *text;
    struct counts want;
    const char *messages[8]; /* the start of every diag message, in order */
    struct probe probes[12];
};

static const struct load_case load_cases[] = {
    {
        "txt",
        NULL,
        "# Example list\r\n"
        "45.33.32.156\r\n"
        "  185.220.101.0/24   ; trailing comment\r\n"
        "\r\n"
        "evil.example.org # c2\r\n"
        "*.c2.example.net\r\n"
        "45.33.40.0-45.33.40.255 2024-03-01 noted\r\n"
        "10.0.0.1\r\n"
        "not a domain\r\n"
        "2600:3c01::/32\n"
        "45.33.42.0 - 45.33.42.15 spaced range\n",
        { 1, 4, 2, 1, 1, 0 },
        { "fixture:8: '10.0.0.1' is or covers a private", "fixture:9: 'not' is not an IP" },
        { { "45.33.32.156", "" },
          { "185.220.101.77", "" },
          { "evil.example.org", "" },
          { "x.c2.example.net", "" },
          { "c2.example.net", NULL },
          { "45.33.40.9", "" },
          { "45.33.41.1", NULL },
          { "10.0.0.1", NULL },
          { "2600:3c01::5", "" },
          { "45.33.42.15", "" },
          { "45.33.42.16", NULL } },
    },
    {
        "stix1",
        NULL,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!-- a comment with <tags> inside -->\n"
        "<stix:STIX_Package xmlns:stix=\"http://stix.mitre.org/stix-1\" id=\"p1\">\n"
        "  <stix:STIX_Header><stix:Title>Package &amp; co</stix:Title></stix:STIX_Header>\n"
        "  <stix:Indicators>\n"
        "    <stix:Indicator xsi:type=\"indicator:IndicatorType\" id=\"i1\">\n"
        "      <indicator:Title>&#69;motet&#x20;C2&#0;&bogus;</indicator:Title>\n"
        "      <indicator:Observable><cybox:Object>\n"
        "        <cybox:Properties xsi:type=\"AddressObj:AddressObjectType\" "
        "category=\"ipv4-addr\">\n"
        "          <AddressObj:Address_Value condition=\"Equals\" apply_condition=\"ANY\">"
        "45.33.32.156##comma##45.33.32.157</AddressObj:Address_Value>\n"
        "        </cybox:Properties></cybox:Object></indicator:Observable>\n"
        "    </stix:Indicator>\n"
        "    <stix:Indicator id=\"i2\">\n"
        "      <indicator:Title><![CDATA[Tor <range>]]></indicator:Title>\n"
        "      <cybox:Properties xsi:type='AddressObj:AddressObjectType' category='ipv4-addr'>\n"
        "        <AddressObj:Address_Value condition=\"InclusiveBetween\">"
        "185.220.101.0##comma##185.220.101.255</AddressObj:Address_Value>\n"
        "      </cybox:Properties>\n"
        "    </stix:Indicator>\n"
        "    <stix:Indicator id=\"i3\">\n"
        "      <cybox:Properties xsi:type=\"DomainNameObj:DomainNameObjectType\" type=\"FQDN\">\n"
        "        <DomainNameObj:Value condition=\"Equals\"> evil.example.org "
        "</DomainNameObj:Value>\n"
        "        <DomainNameObj:Value condition=\"Contains\">example</DomainNameObj:Value>\n"
        "      </cybox:Properties>\n"
        "      <cybox:Properties xsi:type=\"URIObj:URIObjectType\" type=\"URL\">\n"
        "        <URIObj:Value condition=\"Equals\">http://phish.example.com/a?b=1&amp;c=2"
        "</URIObj:Value>\n"
        "      </cybox:Properties>\n"
        "      <cybox:Properties xsi:type=\"FileObj:FileObjectType\"><FileObj:Size>1"
        "</FileObj:Size></cybox:Properties>\n"
        "      <cybox:Properties xsi:type=\"AddressObj:AddressObjectType\" category=\"e-mail\">\n"
        "        <AddressObj:Address_Value>bad@example.org</AddressObj:Address_Value>\n"
        "      </cybox:Properties>\n"
        "      <cybox:Properties xsi:type=\"AddressObj:AddressObjectType\" "
        "category=\"ipv6-addr\">\n"
        "        <AddressObj:Address_Value>2600:3c01::1</AddressObj:Address_Value>\n"
        "        <AddressObj:Address_Value></AddressObj:Address_Value>\n"
        "      </cybox:Properties>\n"
        "    </stix:Indicator>\n"
        "  </stix:Indicators>\n"
        "  <stix:Observables cybox_major_version=\"2\">\n"
        "    <cybox:Observable><cybox:Object>\n"
        "      <cybox:Properties xsi:type=\"AddressObj:AddressObjectType\">\n"
        "        <AddressObj:Address_Value>45.33.50.1</AddressObj:Address_Value>\n"
        "      </cybox:Properties>\n"
        "    </cybox:Object></cybox:Observable>\n"
        "  </stix:Observables>\n"
        "</stix:STIX_Package>\n",
        { 4, 1, 2, 0, 1, 3 },
        { "fixture:33: object value is empty" },
        { { "45.33.32.156", "Emotet C2&#0;&bogus;" },
          { "45.33.32.157", "Emotet C2&#0;&bogus;" },
          { "185.220.101.255", "Tor <range>" },
          { "185.220.102.0", NULL },
          { "evil.example.org", "Package & co" },
          { "phish.example.com", "Package & co" },
          { "2600:3c01::1", "Package & co" },
          { "example.org", NULL },
          { "45.33.50.1", "Package & co" } },
    },
    {
        "stix1",
        NULL,
        "<stix:STIX_Package>\n"
        "<stix:Indicator><cybox:Properties xsi:type=\"AddressObj:AddressObjectType\">\n"
        "<AddressObj:Address_Value condition=\"InclusiveBetween\">45.33.1.1</AddressObj:"
        "Address_Value>\n"
        "<AddressObj:Address_Value>45.33.1.2</AddressObj:Address_Value>\n"
        "<AddressObj:Address_Value attr=\"never closed>45.33.1.3",
        { 1, 0, 0, 0, 2, 0 },
        { "fixture:3: 'InclusiveBetween' range has not exactly two ends",
          "fixture:5: file ends inside a tag" },
        { { "45.33.1.2", "" }, { "45.33.1.1", NULL }, { "45.33.1.3", NULL } },
    },
    {
        "stix2",
        NULL,
        "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": [\n"
        " {\"type\": \"indicator\", \"name\": \"Emotet C2\", \"pattern_type\": \"stix\",\n"
        "  \"pattern\": \"[ipv4-addr:value = '45.33.32.156' OR "
        "ipv4-addr:value ISSUBSET '185.220.101.0/24']\"},\n"
        " {\"type\": \"indicator\", \"name\": \"Phish\", \"pattern\": "
        "\"[url:value = 'http://phish.example.com/x'] OR [domain-name:value = "
        "'evil.example.org']\"},\n"
        " {\"type\": \"indicator\", \"name\": \"v6\", \"pattern\": "
        "\"([ipv6-addr:value IN ('2600:3c01::1', '2600:3c01::2')]) WITHIN 300 SECONDS\"},\n"
        " {\"type\": \"indicator\", \"name\": \"narrow\", \"pattern\": "
        "\"[ipv4-addr:value = '45.33.60.1' AND network-traffic:dst_port = 443]\"},\n"
        " {\"type\": \"indicator\", \"name\": \"hash\", \"pattern\": "
        "\"[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97']\"},\n"
        " {\"type\": \"indicator\", \"name\": \"snort\", \"pattern_type\": \"snort\", "
        "\"pattern\": \"alert tcp any any\"},\n"
        " {\"type\": \"malware\", \"name\": \"Emotet\", \"is_family\": true},\n"
        " {\"type\": \"indicator\", \"name\": \"broken\", \"pattern\": "
        "\"[ipv4-addr:value = '45.33.70.1]\"},\n"
        " {\"type\": \"indicator\", \"name\": \"escaped\", \"pattern\": "
        "\"[url:value = 'http://esc.example.org/it\\\\'s' OR ipv4-addr:value != '45.33.80.1']"
        " START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'\"},\n"
        " {\"type\": \"indicator\", \"pattern\": \"[domain-name:value = 'unnamed.example.org']\"}\n"
        "]}\n",
        { 3, 1, 4, 0, 1, 3 },
        { "fixture:10: 'pattern' is not a STIX pattern: string literal is not closed" },
        { { "45.33.32.156", "Emotet C2" },
          { "185.220.101.9", "Emotet C2" },
          { "phish.example.com", "Phish" },
          { "evil.example.org", "Phish" },
          { "2600:3c01::2", "v6" },
          { "45.33.60.1", NULL },
          { "45.33.70.1", NULL },
          { "esc.example.org", "escaped" },
          { "45.33.80.1", NULL },
          { "unnamed.example.org", "" } },
    },
    {
        "stix2",
        NULL,
        "[{\"type\": \"indicator\", \"name\": \"first\", \"pattern\": "
        "\"[ipv4-addr:value = '45.33.32.156']\"},\n"
        " {\"type\": \"indicator\", \"name\": \"cut\", \"pattern\": \"[ipv4-addr:",
        { 0, 0, 0, 0, 1, 0 },
        { "fixture:2: file is not valid JSON: " },
        { { "45.33.32.156", NULL } },
    },
    {
        "otx-csv",
        NULL,
        "\xEF\xBB\xBFIndicator type, Indicator, Description\n"
        "IPv4,45.33.32.156,\"Scanner, seen on port 22\"\n"
        "CIDR,185.220.101.0/24,\"Tor \"\"exit\"\" range\"\n"
        "domain,evil.example.org,Phishing kit\n"
        "hostname,host.c2.example.net,C2\n"
        "URL,http://phish.example.com/login,Phish\n"
        "FileHash-SHA256,0f3c,Dropper\n"
        "email,bad@example.org,Spam\n"
        "IPv4,,missing\n"
        "URL,mailto:x@example.org,no host\n"
        "IPv6,2600:3c01::1,\"line one\n"
        "line two\"\n"
        "Domain name,after.example.org,after a long field\n"
        "\"IPv4,45.33.32.200,unterminated\n",
        { 2, 1, 4, 0, 2, 3 },
        { "fixture:9: line has no 'Indicator'",
          "fixture:14: quoted field is not closed, or has text after its closing quote" },
        { { "45.33.32.156", "Scanner, seen on port 22" },
          { "185.220.101.1", "Tor \"exit\" range" },
          { "evil.example.org", "Phishing kit" },
          { "host.c2.example.net", "C2" },
          { "phish.example.com", "Phish" },
          { "2600:3c01::1", "line one\nline two" },
          { "after.example.org", "after a long field" },
          { "45.33.32.200", NULL },
          { "example.org", NULL } },
    },
    {
        "fireeye",
        NULL,
        "reportId,title,ThreatScape,md5,cidr,domain,ip,port,url,malwareFamily,actor\r\n"
        "15-00001,APT report,Espionage,,,evil.example.org,45.33.32.156,443,,Backdoor.X,APT1\r\n"
        "15-00002,\"Crimeware, weekly\",Cyber Crime,,185.220.101.0/24,,,,,,\r\n"
        "15-00003,Hash only,Cyber Crime,d41d8cd98f00b204e9800998ecf8427e,,,,,,Trojan.Y,\r\n"
        "15-00004,Bad row,x,,,\"unterminated\r\n"
        "15-00005,Last,x,,,,45.33.32.157,,,,\r\n",
        { 2, 1, 1, 0, 1, 1 },
        { "fixture:5: quoted field is not closed" },
        { { "45.33.32.156", "Backdoor.X" },
          { "evil.example.org", "Backdoor.X" },
          { "185.220.101.3", "Crimeware, weekly" },
          { "45.33.32.157", "Last" } },
    },
    {
        "fireeye",
        "txt",
        "just,some,columns\n1,2,3\n",
        { 0, 0, 0, 0, 1, 0 },
        { "fixture:1: header has no 'ip', 'cidr' or 'domain' column; file skipped" },
        { { "45.33.32.156", NULL } },
    },
    {
        "proofpoint",
        NULL,
        "ip,category,score,first_seen,last_seen,ports (|)\n"
        "45.33.32.156,CnC,127,2024-01-01,2024-03-01,22|80\n"
        "185.220.101.0/24,Tor,100,2024-01-01,2024-03-01,\n"
        "evil.example.org,Phishing,90,2024-01-01,2024-03-01,\n"
        "lonely-field\n"
        ",Spam,1,2024-01-01,2024-03-01,\n",
        { 1, 1, 1, 0, 2, 0 },
        { "fixture:5: line has no 'category' column",
          "fixture:6: line has no indicator in its first column" },
        { { "45.33.32.156", "CnC" },
          { "185.220.101.200", "Tor" },
          { "evil.example.org", "Phishing" } },
    },
    {
        "proofpoint",
        NULL,
        "45.33.32.156,1,127,2024-01-01,2024-03-01,\n",
        { 1, 0, 0, 0, 0, 0 },
        { NULL },
        { { "45.33.32.156", "1" } },
    },
    {
        "alienvault",
        NULL,
        "45.33.32.156#4#2#Malicious Host#US#Fremont#37.5483,-121.9886#11\n"
        "185.220.101.7#3#2#Scanning Host;Malicious Host#DE##51.2993,9.491#3\n"
        "# comment\n"
        "evil.example.org#2#2#Spamming#RU#Moscow#55.7386,37.6068#5\n"
        "45.33.32.200#4\n",
        { 2, 0, 1, 0, 1, 0 },
        { "fixture:5: too few '#'-separated fields (2); expected at least "
          "'addr#reliability#risk#activity'" },
        { { "45.33.32.156", "Malicious Host" },
          { "185.220.101.7", "Scanning Host;Malicious Host" },
          { "evil.example.org", "Spamming" },
          { "45.33.32.200", NULL } },
    },
    {
        "tor-exit",
        NULL,
        "@type tordnsel 1.0\n"
        "Downloaded 2024-03-12 14:02:01\n"
        "ExitNode FE39F07EBE7870DCE124AB30DF3ABD0700A43F75\n"
        "Published 2024-03-11 13:07:19\n"
        "LastStatus 2024-03-12 08:00:00\n"
        "ExitAddress 185.241.208.232 2024-03-12 08:10:51\n"
        "ExitAddress 2a0b:f4c2::1 2024-03-12 08:10:51\n"
        "ExitNode 23B49521BDC4588C7CCF3C38E552504118326B66\n"
        "ExitAddress\n"
        "Bogus line here\n",
        { 2, 0, 0, 0, 2, 0 },
        { "fixture:9: 'ExitAddress' has no address",
          "fixture:10: unknown keyword 'Bogus'; expected 'ExitNode', 'Published', 'LastStatus' "
          "or 'ExitAddress'" },
        { { "185.241.208.232", "Tor exit node" }, { "2a0b:f4c2::1", "Tor exit node" } },
    },
    {
        /* The bulk exit list: plain txt to the sniffer, Tor-named when the list says tor-exit. */
        "tor-exit",
        "txt",
        "185.220.101.4\n45.33.32.156\n",
        { 2, 0, 0, 0, 0, 0 },
        { NULL },
        { { "185.220.101.4", "Tor exit node" }, { "45.33.32.156", "Tor exit node" } },
    },
    {
        "spamhaus",
        NULL,
        "; Spamhaus DROP List 2024/03/12 - (c) 2024 The Spamhaus Project\n"
        "; https://www.spamhaus.org/drop/drop.txt\n"
        "; Last-Modified: Tue, 12 Mar 2024 16:07:14 GMT\n"
        "1.10.16.0/20 ; SBL256894\n"
        "2a12:2640::/29 ; SBL552215\n"
        "45.33.0.0/16;SBL1\n"
        "garbage ; SBL2\n",
        { 0, 3, 0, 0, 1, 0 },
        { "fixture:7: 'garbage' is not an IP" },
        { { "1.10.17.1", "SBL256894" }, { "2a12:2640::1", "SBL552215" }, { "45.33.9.9", "SBL1" } },
    },
    {
        "spamhaus",
        NULL,
        "{\"cidr\":\"1.10.16.0/20\",\"sblid\":\"SBL256894\",\"rir\":\"apnic\"}\n"
        "{\"asn\":6134,\"rir\":\"arin\",\"domain\":\"xn.net\",\"cc\":\"US\",\"asname\":\"XNNET\"}\n"
        "{\"cidr\":\"45.33.0.0/16\",\"sblid\":\"SBL1\"} trailing\n"
        "{\"foo\":1}\n"
        "{\"type\":\"metadata\",\"timestamp\":1710230400,\"size\":1,\"records\":2}\n",
        { 0, 1, 0, 0, 2, 1 },
        { "fixture:3: record is not valid JSON: text after the JSON value",
          "fixture:4: record has no string 'cidr' or 'asn'" },
        { { "1.10.17.1", "SBL256894" }, { "45.33.9.9", NULL } },
    },
    {
        "zeek-intel",
        NULL,
        "#separator \\x09\n"
        "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n"
        "45.33.32.156\tIntel::ADDR\tfeodo\tEmotet C2\n"
        "185.220.101.0/24\tIntel::SUBNET\ttor\t-\n"
        "evil.example.org\tIntel::DOMAIN\tphishtank\t(empty)\n"
        "phish.example.com:8080/login\tIntel::URL\turlhaus\tPhish page\n"
        "d41d8cd98f00b204e9800998ecf8427e\tIntel::FILE_HASH\tmb\tDropper\n"
        "bad@example.org\tIntel::EMAIL\tspam\t-\n"
        "lonely\n",
        { 1, 1, 2, 0, 1, 2 },
        { "fixture:9: line has no tab-separated 'indicator_type'" },
        { { "45.33.32.156", "Emotet C2" },
          { "185.220.101.1", "tor" },
          { "evil.example.org", "phishtank" },
          { "phish.example.com", "Phish page" } },
    },
    {
        "misp-csv",
        NULL,
        "uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag\n"
        "5f1c-01,42,Network activity,ip-dst|port,45.33.32.156|8443,C2 of the loader,1,"
        "1710230400,,\n"
        "5f1c-02,42,Network activity,domain|ip,evil.example.org|185.220.101.7,,1,1710230400,,\n"
        "5f1c-03,42,Network activity,url,http://phish.example.com/x,\"Phish, stage 1\",1,0,,\n"
        "5f1c-04,42,Payload delivery,sha256,abc,,1,1710230400,,\n"
        "5f1c-05,42,Network activity,domain,microsoft.com,context only,0,1710230400,,\n"
        "5f1c-06,42,Network activity,ip-src,,empty,1,1710230400,,\n"
        "5f1c-07,42,Network activity,domain|ip,nodelimiter.example.org,,1,1710230400,,\n"
        "5f1c-08,42,Network activity,hostname,host.example.net,,True,1710230400,,\n",
        { 2, 0, 3, 0, 2, 2 },
        { "fixture:7: attribute has an empty 'value'",
          "fixture:8: value lacks a part of its type 'domain|ip'" },
        { { "45.33.32.156", "C2 of the loader" },
          { "evil.example.org", "Network activity" },
          { "185.220.101.7", "Network activity" },
          { "phish.example.com", "Phish, stage 1" },
          { "microsoft.com", NULL },
          { "host.example.net", "Network activity" } },
    },
};

static bool match(const struct vg_intel *in, const char *query, struct vg_intel_match *m)
{
    struct vg_ip ip;
    if (vg_ip_parse(vg_str_from(query), &ip))
        return vg_intel_match_ip(in, &ip, m);
    return vg_intel_match_domain(in, vg_str_from(query), m);
}

static void check_case(size_t n, const struct load_case *c)
{
    struct run *r = run_load(c->format, "fixture", c->text, strlen(c->text));
    const struct vg_intel_list *l = r->list;
    print_message("case %zu (%s): %" PRIu64 " addresses, %" PRIu64 " networks, %" PRIu64
                  " domains, %" PRIu64 " rejected, %" PRIu64 " bad, %" PRIu64 " skipped\n",
                  n, c->format, l->addresses, l->networks, l->domains, l->rejected, l->bad_lines,
                  l->skipped);
    for (size_t i = 0; i < r->message_count; i++)
        print_message("  %s\n", r->messages[i]);
    assert_int_equal(l->addresses, c->want.addresses);
    assert_int_equal(l->networks, c->want.networks);
    assert_int_equal(l->domains, c->want.domains);
    assert_int_equal(l->rejected, c->want.rejected);
    assert_int_equal(l->bad_lines, c->want.bad);
    assert_int_equal(l->skipped, c->want.skipped);

    size_t want_messages = 0;
    while (want_messages < VG_ARRAY_LEN(c->messages) && c->messages[want_messages])
        want_messages++;
    assert_int_equal(r->diag.total, want_messages);
    assert_int_equal(r->message_count, want_messages);
    for (size_t i = 0; i < want_messages; i++) {
        if (strncmp(r->messages[i], c->messages[i], strlen(c->messages[i])) != 0)
            fail_msg("case %zu: message %zu is '%s', expected it to start '%s'", n, i,
                     r->messages[i], c->messages[i]);
    }
    if (want_messages)
        assert_string_equal(r->diag.last, r->messages[want_messages - 1]);

    for (size_t i = 0; i < VG_ARRAY_LEN(c->probes) && c->probes[i].query; i++) {
        const struct probe *p = &c->probes[i];
        struct vg_intel_match m;
        bool hit = match(r->intel, p->query, &m);
        if (hit != (p->threat != NULL))
            fail_msg("case %zu: '%s' %s", n, p->query, hit ? "matched" : "did not match");
        if (!hit)
            continue;
        if (m.count != 1)
            fail_msg("case %zu: '%s' has %u hits, expected 1", n, p->query, m.count);
        assert_string_equal(m.hits[0].list->name, "fixture");
        if (!vg_str_eq(m.hits[0].threat_name, vg_str_from(p->threat)))
            fail_msg("case %zu: '%s' has threat name '%.*s', expected '%s'", n, p->query,
                     (int)m.hits[0].threat_name.len, m.hits[0].threat_name.ptr, p->threat);
    }
    run_free(r);

    const struct vg_intel_format *f = vg_intel_format_detect(c->text, strlen(c->text));
    assert_non_null(f);
    assert_string_equal(f->name, c->sniffed ? c->sniffed : c->format);
}

static void test_intel_formats_load_fixtures(void **state)
{
    (void)state;
    for (size_t i = 0; i < VG_ARRAY_LEN(load_cases); i++)
        check_case(i, &load_cases[i]);
}

/* Every format in the table has a fixture above, and the table ends with txt. */
static void test_intel_formats_table(void **state)
{
    (void)state;
    size_t n = 0;
    for (; vg_intel_formats[n]; n++) {
        const struct vg_intel_format *f = vg_intel_formats[n];
        assert_ptr_equal(vg_intel_format_find(f->name), f);
        bool covered = false;
        for (size_t i = 0; i < VG_ARRAY_LEN(load_cases); i++)
            covered |= strcmp(load_cases[i].format, f->name) == 0;
        if (!covered)
            fail_msg("format '%s' has no fixture", f->name);
    }
    assert_int_equal(n, 11);
    assert_string_equal(vg_intel_formats[n - 1]->name, "txt");
    assert_null(vg_intel_format_find("stix"));
    assert_null(vg_intel_format_find(NULL));
    /* txt takes whatever nothing else claims, even nothing */
    assert_string_equal(vg_intel_format_detect("", 0)->name, "txt");
    assert_string_equal(vg_intel_format_detect("\x01\x02", 2)->name, "txt");
}

/* Empty input, a lone BOM, only comments, NUL bytes: every loader copes and finds nothing. */
static void test_intel_formats_degenerate_inputs(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t len;
    } inputs[] = {
        { "", 0 },       { "\xEF\xBB\xBF", 3 }, { "\n\n\r\n", 4 }, { "#\n;\n", 4 },
        { "\0\0\0", 3 }, { "\"", 1 },           { "<", 1 },        { "{", 1 },
        { "[[[[", 4 },
    };
    for (size_t f = 0; vg_intel_formats[f]; f++) {
        for (size_t i = 0; i < VG_ARRAY_LEN(inputs); i++) {
            struct run *r =
                run_load(vg_intel_formats[f]->name, "fixture", inputs[i].text, inputs[i].len);
            assert_int_equal(vg_intel_indicator_count(r->intel), 0);
            run_free(r);
        }
    }
}

/* ---- the record reader ---- */

static void test_intel_csv_records(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        unsigned flags;
        char sep;
        size_t record; /* which record (0-based) to look at */
        uint64_t line, offset;
        bool bad_quote;
        const char *fields[5]; /* NULL-terminated */
    } cases[] = {
        { "a,b,c\n", VG_CSV_QUOTES, ',', 0, 1, 0, false, { "a", "b", "c" } },
        { "\xEF\xBB\xBF"
          "a, b ,c\r\n",
          VG_CSV_QUOTES,
          ',',
          0,
          1,
          3,
          false,
          { "a", "b", "c" } },
        { "x\n\"a,1\",\"say \"\"hi\"\"\",\n",
          VG_CSV_QUOTES,
          ',',
          1,
          2,
          2,
          false,
          { "a,1", "say \"hi\"", "" } },
        { "\"two\nlines\",x\nnext\n", VG_CSV_QUOTES, ',', 1, 3, 14, false, { "next" } },
        { "\"open,x\nnext\n", VG_CSV_QUOTES, ',', 0, 1, 0, true, { "\"open", "x" } },
        { "\"open,x\nnext\n", VG_CSV_QUOTES, ',', 1, 2, 8, false, { "next" } },
        { "\"a\"junk,b\n", VG_CSV_QUOTES, ',', 0, 1, 0, true, { "a", "b" } },
        { "\"a\" ,b\r\n", VG_CSV_QUOTES, ',', 0, 1, 0, false, { "a", "b" } },
        { "a\"b,c\n", VG_CSV_QUOTES, ',', 0, 1, 0, false, { "a\"b", "c" } },
        { "\"a\",b", 0, ',', 0, 1, 0, false, { "\"a\"", "b" } },
        { "a\t b\t\tc", 0, '\t', 0, 1, 0, false, { "a", "b", "", "c" } },
        { "  whole line  \r\n", 0, '\0', 0, 1, 0, false, { "whole line" } },
        { "\n\nthird", 0, '\0', 2, 3, 2, false, { "third" } },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        char scratch[64];
        struct vg_csv c;
        vg_csv_init(&c, cases[i].text, strlen(cases[i].text), cases[i].sep, cases[i].flags, scratch,
                    sizeof(scratch));
        for (size_t k = 0; k <= cases[i].record; k++)
            assert_true(vg_csv_next(&c));
        assert_int_equal(c.line, cases[i].line);
        assert_int_equal(c.offset, cases[i].offset);
        assert_int_equal(c.bad_quote, cases[i].bad_quote);
        size_t n = 0;
        while (n < VG_ARRAY_LEN(cases[i].fields) && cases[i].fields[n])
            n++;
        if (c.count != n)
            fail_msg("case %zu: %zu fields, expected %zu", i, c.count, n);
        for (size_t k = 0; k < n; k++)
            if (!vg_str_eq(c.field[k], vg_str_from(cases[i].fields[k])))
                fail_msg("case %zu: field %zu is '%.*s', expected '%s'", i, k, (int)c.field[k].len,
                         c.field[k].ptr, cases[i].fields[k]);
    }
}

/* Doubled quotes need scratch space; without enough of it the record falls back to its line. */
static void test_intel_csv_scratch_and_limits(void **state)
{
    (void)state;
    struct vg_csv c;
    const char *text = "\"a\"\"b\",c\n";
    vg_csv_init(&c, text, strlen(text), ',', VG_CSV_QUOTES, NULL, 0);
    assert_true(vg_csv_next(&c));
    assert_true(c.bad_quote);

    /* more fields than VG_CSV_MAX_FIELDS: the rest are dropped and flagged */
    struct vg_buf b = VG_BUF_INIT;
    for (int i = 0; i < VG_CSV_MAX_FIELDS + 5; i++)
        assert_int_equal(vg_buf_adds(&b, "x,"), VG_OK);
    vg_csv_init(&c, b.data, b.len, ',', 0, NULL, 0);
    assert_true(vg_csv_next(&c));
    assert_int_equal(c.count, VG_CSV_MAX_FIELDS);
    assert_true(c.truncated);

    /* a quote that never closes within the record limit gives up and resumes next line */
    vg_buf_reset(&b);
    assert_int_equal(vg_buf_adds(&b, "\"x"), VG_OK);
    for (unsigned i = 0; i < VG_CSV_MAX_RECORD_BYTES / 8 + 2; i++)
        assert_int_equal(vg_buf_adds(&b, "aaaaaaa\n"), VG_OK);
    char *scratch = malloc(VG_CSV_MAX_RECORD_BYTES);
    assert_non_null(scratch);
    vg_csv_init(&c, b.data, b.len, ',', VG_CSV_QUOTES, scratch, VG_CSV_MAX_RECORD_BYTES);
    assert_true(vg_csv_next(&c));
    assert_true(c.bad_quote);
    assert_true(vg_csv_next(&c));
    assert_int_equal(c.line, 2);
    assert_false(c.bad_quote);
    free(scratch);
    vg_buf_release(&b);
}

static void test_intel_csv_url_host(void **state)
{
    (void)state;
    static const struct {
        const char *url, *host;
    } cases[] = {
        { "http://evil.example.org/x", "evil.example.org" },
        { "HTTPS://user:pw@evil.example.org:8443/a?b#c", "evil.example.org" },
        { "http://[2600:3c01::1]:80/", "2600:3c01::1" },
        { "evil.example.org/path", "evil.example.org" },
        { "evil.example.org:8080", "evil.example.org" },
        { "45.33.32.156:443/x", "45.33.32.156" },
        { "  evil.example.org  ", "evil.example.org" },
        { "file:///etc/passwd", "" },
        { "mailto:bad@example.org", "" },
        { "urn:isbn:123", "" },
        { "/relative/path", "" },
        { "http://[unclosed/", "" },
        { "", "" },
    };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_str h = vg_csv_url_host(vg_str_from(cases[i].url));
        if (!vg_str_eq(h, vg_str_from(cases[i].host)))
            fail_msg("'%s' gave host '%.*s', expected '%s'", cases[i].url, (int)h.len, h.ptr,
                     cases[i].host);
    }
}

static void test_intel_csv_line_at(void **state)
{
    (void)state;
    const char *text = "a\nbb\n\nccc";
    struct vg_csv_lines l;
    vg_csv_lines_init(&l, text, strlen(text));
    static const struct {
        size_t offset;
        uint64_t line;
    } cases[] = { { 0, 1 }, { 2, 2 }, { 5, 3 }, { 6, 4 }, { 1, 1 }, { 9, 4 }, { 100, 4 } };
    for (size_t i = 0; i < VG_ARRAY_LEN(cases); i++)
        assert_int_equal(vg_csv_line_at(&l, cases[i].offset), cases[i].line);
}

/* ---- the shared corpus ---- */

/* What each corpus file is.  Files not listed here must still load without a report. */
static const struct {
    const char *path; /* under threat-lists/ */
    const char *format;
    uint64_t bad, rejected;
    const char *why;    /* for every file that is not simply "format, no reports" */
    struct probe probe; /* one indicator the file must yield, where that says something */
} corpus_expect[] = {
    { "guardduty-docs/plaintext-txt-example.txt", "txt", 0, 0, NULL, { "205.1.2.3", "" } },
    { "spamhaus/asn_drop.jsonl",
      "spamhaus",
      0,
      0,
      "ASN-DROP names autonomous systems, not addresses: every line counts as skipped",
      { NULL, NULL } },
    { "spamhaus/drop.txt",
      "txt",
      0,
      0,
      "the mirror stripped the '; SBL' comments and header, so nothing marks it as Spamhaus",
      { "1.10.17.1", "" } },
    { "spamhaus/drop_ipv6.txt", "txt", 0, 0, "stripped like drop.txt", { "2a12:2640::1", "" } },
    { "spamhaus/edrop.txt", "txt", 0, 0, "stripped like drop.txt", { NULL, NULL } },
    { "stix2/apt1.json", "stix2", 0, 0, NULL, { "hugesoft.org", "FQDN hugesoft.org" } },
    { "stix2/indicator-for-malicious-url.json",
      "stix2",
      0,
      0,
      NULL,
      { "x4z9arb.cn", "Malicious site hosting downloader" } },
    { "stix2/malware-indicator-for-file-hash.json",
      "stix2",
      0,
      0,
      "its one indicator is a file hash: skipped, no network indicator",
      { NULL, NULL } },
    { "stix2/poisonivy.json",
      "stix2",
      1,
      0,
      "one pattern reads domain-name:value = 'domain autuo.xicp.net' (a space inside the value, "
      "upstream's typo): the store refuses it as no domain name",
      { "219.76.208.163", "IP address: 219.76.208.163" } },
    { "tor/exit-addresses-2024-03-12.txt",
      "tor-exit",
      0,
      0,
      NULL,
      { "185.241.208.232", "Tor exit node" } },
    { "tor/torbulkexitlist-2024-03.txt",
      "txt",
      0,
      0,
      "the bulk list is one address per line: txt to the sniffer (tor-exit if named)",
      { NULL, NULL } },
    { "txt/abuse-ch-sslbl-ipblocklist.txt", "txt", 0, 0, NULL, { NULL, NULL } },
    { "txt/alienvault-reputation-ips.txt",
      "txt",
      0,
      0,
      "despite the name an IP-per-line list, not the '#'-separated reputation format",
      { NULL, NULL } },
    { "txt/binarydefense-banlist.txt", "txt", 0, 0, NULL, { NULL, NULL } },
    { "txt/cobaltstrike-domains.txt", "txt", 0, 0, NULL, { NULL, NULL } },
    { "txt/emergingthreats-compromised-ips.txt", "txt", 0, 0, NULL, { NULL, NULL } },
    { "txt/threatfox-mixed.txt",
      "txt",
      0,
      1,
      "line 1294 is 100.82.195.65, inside CGNAT space (100.64.0.0/10): refused as not public",
      { NULL, NULL } },
};

struct corpus_walk {
    size_t root_len;
    unsigned files, listed;
};

static void load_corpus_file(struct corpus_walk *w, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    size_t len = (size_t)st.st_size;
    char *data = malloc(len ? len : 1);
    assert_non_null(data);
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, data + got, len - got);
        assert_true(n > 0);
        got += (size_t)n;
    }
    close(fd);

    const char *rel = path + w->root_len + 1;
    const struct vg_intel_format *f = vg_intel_format_detect(data, len);
    size_t k = 0;
    while (k < VG_ARRAY_LEN(corpus_expect) && strcmp(corpus_expect[k].path, rel) != 0)
        k++;
    bool listed = k < VG_ARRAY_LEN(corpus_expect);
    struct run *r = run_load(f->name, rel, data, len);
    const struct vg_intel_list *l = r->list;
    print_message("corpus %-48s %-10s %6" PRIu64 " addr %5" PRIu64 " net %5" PRIu64 " dom %3" PRIu64
                  " rejected %3" PRIu64 " bad %4" PRIu64 " skipped\n",
                  rel, f->name, l->addresses, l->networks, l->domains, l->rejected, l->bad_lines,
                  l->skipped);
    for (size_t i = 0; i < r->message_count; i++)
        print_message("  %s\n", r->messages[i]);
    if (listed) {
        w->listed++;
        assert_string_equal(f->name, corpus_expect[k].format);
        assert_int_equal(l->bad_lines, corpus_expect[k].bad);
        assert_int_equal(l->rejected, corpus_expect[k].rejected);
        const struct probe *p = &corpus_expect[k].probe;
        struct vg_intel_match m;
        if (p->query) {
            assert_true(match(r->intel, p->query, &m));
            assert_true(vg_str_eq(m.hits[0].threat_name, vg_str_from(p->threat)));
        }
    } else {
        print_message("  (not in corpus_expect: add it with what it is)\n");
        assert_int_equal(l->bad_lines, 0);
    }
    assert_int_equal(r->diag.total, l->bad_lines + l->rejected);
    run_free(r);
    /* Every other loader must survive the file too (and find what it finds). */
    for (size_t i = 0; vg_intel_formats[i]; i++)
        if (vg_intel_formats[i] != f)
            run_free(run_load(vg_intel_formats[i]->name, rel, data, len));
    free(data);
    w->files++;
}

static void walk(struct corpus_walk *w, const char *path, unsigned depth)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    if (S_ISREG(st.st_mode)) {
        load_corpus_file(w, path);
        return;
    }
    assert_true(depth < 8);
    DIR *dir = opendir(path);
    assert_non_null(dir);
    char *names[256];
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "SOURCES.md") == 0)
            continue;
        assert_true(count < VG_ARRAY_LEN(names));
        assert_true(asprintf(&names[count], "%s/%s", path, de->d_name) > 0);
        count++;
    }
    closedir(dir);
    /* name order: the output reads the same on every machine */
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (size_t i = 0; i < count; i++) {
        walk(w, names[i], depth + 1);
        free(names[i]);
    }
}

static void test_intel_formats_corpus(void **state)
{
    (void)state;
    const char *dir = getenv("VIGIL_CORPUS");
    char *root = NULL;
    if (!dir || !*dir)
        dir = "../shared/corpus";
    assert_true(asprintf(&root, "%s/threat-lists", dir) > 0);
    struct stat st;
    if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
        fail_msg("corpus '%s' is missing (set VIGIL_CORPUS; the Makefile runs tests from the "
                 "repository root)",
                 root);
    struct corpus_walk w = { strlen(root), 0, 0 };
    walk(&w, root, 0);
    /* every listed file was there: a vanished file means the corpus moved */
    assert_int_equal(w.listed, VG_ARRAY_LEN(corpus_expect));
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intel_formats_load_fixtures),
        cmocka_unit_test(test_intel_formats_table),
        cmocka_unit_test(test_intel_formats_degenerate_inputs),
        cmocka_unit_test(test_intel_csv_records),
        cmocka_unit_test(test_intel_csv_scratch_and_limits),
        cmocka_unit_test(test_intel_csv_url_host),
        cmocka_unit_test(test_intel_csv_line_at),
        cmocka_unit_test(test_intel_formats_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
