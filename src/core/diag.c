/* Counting, rate-limited sink for bad-input reports; message wording follows STYLE.md §5. */
#include "core/diag.h"

void vg_diag_init(struct vg_diag *d, unsigned keep, vg_diag_fn emit, void *ctx)
{
    memset(d, 0, sizeof(*d));
    d->keep = keep;
    d->emit = emit;
    d->emit_ctx = ctx;
}

void vg_diag_report(struct vg_diag *d, enum vg_diag_code code, const struct vg_diag_loc *loc,
                    const char *fmt, ...)
{
    if (!d)
        return;
    d->counts[code]++;
    d->total++;
    if (d->total > d->keep && d->total > 1)
        return;
    char msg[sizeof(d->last)];
    int n;
    if (loc && loc->line)
        n = snprintf(msg, sizeof(msg), "%s:%" PRIu64 ": ", loc->source, loc->line);
    else if (loc)
        n = snprintf(msg, sizeof(msg), "%s:@%" PRIu64 ": ", loc->source, loc->offset);
    else
        n = 0;
    if (n < 0 || (size_t)n >= sizeof(msg))
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    memcpy(d->last, msg, sizeof(msg));
    if (d->emit && d->total <= d->keep)
        d->emit(d->emit_ctx, code, msg);
}

void vg_diag_forward(struct vg_diag *d, enum vg_diag_code code, const char *message)
{
    d->counts[code]++;
    d->total++;
    if (d->total > d->keep && d->total > 1)
        return;
    snprintf(d->last, sizeof(d->last), "%s", message);
    if (d->emit && d->total <= d->keep)
        d->emit(d->emit_ctx, code, d->last);
}

const char *vg_diag_code_name(enum vg_diag_code code)
{
    static const char *const names[VG_DIAG_COUNT] = {
        [VG_DIAG_IO] = "io",
        [VG_DIAG_GZIP] = "gzip",
        [VG_DIAG_JSON] = "json",
        [VG_DIAG_TOO_DEEP] = "too-deep",
        [VG_DIAG_TOO_BIG] = "too-big",
        [VG_DIAG_FIELD] = "field",
        [VG_DIAG_NOT_LOG] = "not-a-log",
    };
    return (unsigned)code < VG_DIAG_COUNT ? names[code] : "unknown";
}

static void tape_record(void *ctx, enum vg_diag_code code, const char *message)
{
    struct vg_diag_tape *t = ctx;
    /* out of memory: the report is still counted, only its text is lost */
    if (vg_buf_addc(&t->kept, (char)code) == VG_OK &&
        vg_buf_add(&t->kept, message, strlen(message) + 1) != VG_OK)
        t->kept.len--;
}

void vg_diag_tape_init(struct vg_diag_tape *t, unsigned keep)
{
    vg_buf_init(&t->kept, 0);
    vg_diag_init(&t->diag, keep, tape_record, t);
}

void vg_diag_tape_release(struct vg_diag_tape *t)
{
    vg_buf_release(&t->kept);
}

void vg_diag_tape_clear(struct vg_diag_tape *t)
{
    vg_buf_reset(&t->kept);
    vg_diag_init(&t->diag, t->diag.keep, tape_record, t);
}

void vg_diag_tape_replay(struct vg_diag_tape *t, struct vg_diag *into)
{
    uint64_t shown[VG_DIAG_COUNT] = { 0 };
    for (size_t at = 0; at < t->kept.len;) {
        enum vg_diag_code code = (enum vg_diag_code)(unsigned char)t->kept.data[at];
        const char *message = t->kept.data + at + 1;
        vg_diag_forward(into, code, message);
        shown[code]++;
        at += 2 + strlen(message);
    }
    for (int c = 0; c < VG_DIAG_COUNT; c++) {
        uint64_t rest = t->diag.counts[c] - shown[c];
        into->counts[c] += rest;
        into->total += rest;
    }
    vg_diag_tape_clear(t);
}
