/*
 * Stealth:IAMUser/PasswordPolicyChange: the account password policy got weaker.
 *
 * "Weaker" is measured against the last policy seen for the account (learned from successful
 * UpdateAccountPasswordPolicy calls), or, before one is seen, against the policy IAM applies when
 * a parameter is omitted (8 characters, nothing required, no expiry, no reuse limit).  Severity
 * follows how much weaker: one relaxed rule is Low, two or three Medium, four or more or a
 * deleted policy High.  Failed attempts count too, at Low: someone tried.
 *
 * State: one policy per account, capped at POLICIES_CAP accounts with FIFO eviction (counted).
 */
#include "detect/password_policy.h"

#include "detect/ct_util.h"
#include "parse/json.h"

#define POLICIES_CAP 8192 /* accounts; an organisation rarely has more, and each entry is small */
#define ACCOUNT_ID_MAX 24

struct policy {
    int64_t min_length;
    bool require[4];          /* symbols, numbers, upper, lower */
    int64_t max_age_days;     /* 0 = passwords never expire */
    int64_t reuse_prevention; /* 0 = reuse allowed */
};

struct account_policy {
    char account[ACCOUNT_ID_MAX];
    struct policy policy;
};

struct state {
    struct account_policy slots[POLICIES_CAP];
    size_t count, next;
    uint64_t evictions;
};

/* What an account without a custom policy enforces. */
static const struct policy IAM_DEFAULT = { 8, { false, false, false, false }, 0, 0 };
/* What UpdateAccountPasswordPolicy sets for a parameter the call leaves out: the minimum length
 * falls to 6, every other rule is off. */
static const struct policy OMITTED = { 6, { false, false, false, false }, 0, 0 };
static const char *const REQUIRE_KEYS[4] = { "requireSymbols", "requireNumbers",
                                             "requireUppercaseCharacters",
                                             "requireLowercaseCharacters" };
static const char *const REQUIRE_NAMES[4] = { "symbols", "numbers", "uppercase letters",
                                              "lowercase letters" };

static struct account_policy *find(struct state *s, struct vg_str account)
{
    if (account.len == 0 || account.len >= ACCOUNT_ID_MAX)
        return NULL; /* no account id: nothing to compare with or to remember */
    for (size_t i = 0; i < s->count; i++)
        if (strlen(s->slots[i].account) == account.len &&
            memcmp(s->slots[i].account, account.ptr, account.len) == 0)
            return &s->slots[i];
    return NULL;
}

static void remember(struct state *s, struct vg_str account, const struct policy *p)
{
    struct account_policy *slot = find(s, account);
    if (!slot) {
        if (account.len == 0 || account.len >= ACCOUNT_ID_MAX)
            return;
        if (s->count == POLICIES_CAP)
            s->evictions++;
        else
            s->count++;
        slot = &s->slots[s->next];
        s->next = (s->next + 1) % POLICIES_CAP;
        memcpy(slot->account, account.ptr, account.len);
        slot->account[account.len] = '\0';
    }
    slot->policy = *p;
}

static struct policy from_request(const struct vg_json_value *rp)
{
    struct policy p = OMITTED;
    int64_t v;
    bool b;
    if (vg_json_i64(vg_json_get(rp, "minimumPasswordLength"), &v))
        p.min_length = v;
    for (int i = 0; i < 4; i++)
        if (vg_json_bool(vg_json_get(rp, REQUIRE_KEYS[i]), &b))
            p.require[i] = b;
    if (vg_json_i64(vg_json_get(rp, "maxPasswordAge"), &v))
        p.max_age_days = v;
    if (vg_json_i64(vg_json_get(rp, "passwordReusePrevention"), &v))
        p.reuse_prevention = v;
    return p;
}

/* Count relaxed rules and describe them in `out`. */
static int weakening(const struct policy *old, const struct policy *new, char *out, size_t cap)
{
    int score = 0;
    size_t n = 0;
    out[0] = '\0';
#define SAY(...) n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__)
    if (new->min_length < old->min_length) {
        score += old->min_length - new->min_length >= 4 || new->min_length < 8 ? 2 : 1;
        SAY("Minimum length went from %" PRId64 " to %" PRId64 ". ", old->min_length,
            new->min_length);
    }
    for (int i = 0; i < 4; i++) {
        if (old->require[i] && !new->require[i]) {
            score++;
            SAY("%c%s no longer required. ", toupper((unsigned char)REQUIRE_NAMES[i][0]),
                REQUIRE_NAMES[i] + 1);
        }
    }
    bool old_expires = old->max_age_days > 0, new_expires = new->max_age_days > 0;
    if (old_expires && (!new_expires || new->max_age_days > old->max_age_days)) {
        score++;
        if (new_expires)
            SAY("Maximum password age went from %" PRId64 " to %" PRId64 " days. ",
                old->max_age_days, new->max_age_days);
        else
            SAY("Passwords no longer expire. ");
    }
    if (new->reuse_prevention < old->reuse_prevention) {
        score++;
        SAY("Reuse prevention went from %" PRId64 " to %" PRId64 " previous passwords. ",
            old->reuse_prevention, new->reuse_prevention);
    }
#undef SAY
    /* drop the last sentence's ". " so the caller can append its own clause */
    if (n >= 2 && n < cap && out[n - 1] == ' ' && out[n - 2] == '.')
        out[n - 2] = '\0';
    return score;
}

static int state_new(void **out, const struct vg_detect_env *env)
{
    (void)env;
    *out = calloc(1, sizeof(struct state));
    return *out ? VG_OK : VG_ENOMEM;
}

static uint64_t state_evictions(const void *state)
{
    return ((const struct state *)state)->evictions;
}

static void on_event(void *state, const struct vg_event *ev, const struct vg_emit *emit)
{
    struct state *s = state;
    bool update = vg_ct_is(ev, "iam.amazonaws.com", "UpdateAccountPasswordPolicy");
    bool remove = !update && vg_ct_is(ev, "iam.amazonaws.com", "DeleteAccountPasswordPolicy");
    if ((!update && !remove) || vg_ct_by_aws_service(ev))
        return;
    char detail[512];
    struct vg_finding_draft d = vg_ct_draft(VG_FT_STEALTH_IAMUSER_PASSWORDPOLICYCHANGE, ev);
    const struct account_policy *known = find(s, ev->account_id);
    const struct policy *old = known ? &known->policy : &IAM_DEFAULT;
    if (remove) {
        snprintf(detail, sizeof(detail),
                 "The account password policy was deleted; IAM users can "
                 "now set any password of 8 or more characters.");
        d.severity = 8;
    } else {
        struct policy new = from_request(ev->ct.request_parameters);
        char what[400];
        int score = weakening(old, &new, what, sizeof(what));
        if (vg_ct_succeeded(ev))
            remember(s, ev->account_id, &new);
        if (score == 0)
            return;
        snprintf(detail, sizeof(detail), "%s (compared with %s).", what,
                 known ? "the previous policy seen for this account" : "IAM's default policy");
        d.severity = score >= 4 ? 8 : score >= 2 ? 5 : 2;
    }
    if (!vg_ct_succeeded(ev)) {
        size_t n = strlen(detail);
        snprintf(detail + n, sizeof(detail) - n,
                 " The call failed (%.*s), so the policy did not change, but someone tried.",
                 (int)(ev->ct.error_code.len > 60 ? 60 : ev->ct.error_code.len),
                 ev->ct.error_code.ptr);
        d.severity = 2;
    } else if (remove) {
        remember(s, ev->account_id, &IAM_DEFAULT);
    }
    d.detail = vg_str_from(detail);
    vg_emit_finding(emit, &d);
}

static const enum vg_finding_type types[] = { VG_FT_STEALTH_IAMUSER_PASSWORDPOLICYCHANGE };

const struct vg_detector vg_detector_password_policy = {
    .name = "password-policy",
    .sources = VG_SOURCE_CLOUDTRAIL,
    .types = types,
    .type_count = VG_ARRAY_LEN(types),
    .state_new = state_new,
    .state_free = free,
    .state_evictions = state_evictions,
    .on_event = on_event,
};
