/*
 * What the generators behind `vigil simulate` share (simulate.c writes CloudTrail, flows.c VPC
 * Flow Logs, dns.c Route 53 Resolver query logs): the deterministic random stream, an output buffer
 * that remembers its first failure, the pool of writer threads that gzips finished objects into the
 * output folder, the daily traffic curve, the weighted members of a VPC, the merging of a window's
 * background with its scheduled items, and small file and formatting helpers.
 *
 * Determinism: nothing here reads the clock or depends on thread timing.  A generator hands a
 * finished object (its path and bytes) to the pool; the bytes written are a function of that
 * object alone, so only the order in which files appear on disk depends on the threads.
 */
#ifndef VG_SIMULATE_SIM_UTIL_H
#define VG_SIMULATE_SIM_UTIL_H

#include "core/compat.h"
#include "core/buf.h"

#define VG_SIM_DAY_MS 86400000LL
#define VG_SIM_WINDOW_S 300 /* S3 delivery objects cover five minutes */
#define VG_SIM_WINDOWS_PER_DAY (86400 / VG_SIM_WINDOW_S)

/* ---- deterministic randomness: xoshiro256** seeded through splitmix64 -------------------- */

struct vg_sim_rng {
    uint64_t s[4];
};

/* One step of splitmix64: also a good way to derive independent seeds from one. */
static inline uint64_t vg_sim_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void vg_sim_rng_seed(struct vg_sim_rng *r, uint64_t seed);

static inline uint64_t vg_sim_rng_next(struct vg_sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t out = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return out;
}

/* Uniform in [0, n); the multiply-shift bias is below 2^-32 for every n we use. */
static inline uint64_t vg_sim_below(struct vg_sim_rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)vg_sim_rng_next(r) * n) >> 64);
}

static inline bool vg_sim_per_mille(struct vg_sim_rng *r, unsigned n)
{
    return vg_sim_below(r, 1000) < n;
}

#define VG_SIM_PICK(r, arr) ((arr)[vg_sim_below((r), VG_ARRAY_LEN(arr))])

/* n random characters of `set` (setlen of them) into out, NUL-terminated. */
void vg_sim_rand_chars(struct vg_sim_rng *r, char *out, size_t n, const char *set, size_t setlen);
#define VG_SIM_RAND_CHARS(r, out, n, set) vg_sim_rand_chars((r), (out), (n), (set), sizeof(set) - 1)

/* An AWS resource id ("i-", "vpc-"...): prefix, then 17 hex digits of which the first is 0. */
#define VG_SIM_ID_CAP 32 /* "subnet-" and 17 hex digits, the longest of them */
void vg_sim_hex_id(struct vg_sim_rng *r, char out[VG_SIM_ID_CAP], const char *prefix);

/* ---- who talks: the weighted members of a VPC ---------------------------------------------- */

/* The instances of a VPC with their cumulative traffic weights: picking who talks next is a
 * binary search, and nothing is allocated once the account is built. */
struct vg_sim_members {
    uint32_t *idx; /* the generator's instance indexes, in the order they were added */
    uint64_t *cum; /* cum[k]: the weights of idx[0..k] together */
    unsigned n;
    uint64_t weight; /* of all of them */
};

/* Room for cap members.  VG_OK or VG_ENOMEM; release m either way. */
int vg_sim_members_init(struct vg_sim_members *m, unsigned cap);
void vg_sim_members_release(struct vg_sim_members *m);

static inline void vg_sim_members_add(struct vg_sim_members *m, uint32_t i, uint64_t w)
{
    m->idx[m->n] = i;
    m->weight += w;
    m->cum[m->n++] = m->weight;
}

/* A member's instance index, with odds in proportion to its weight; m must not be empty. */
uint32_t vg_sim_members_pick(const struct vg_sim_members *m, struct vg_sim_rng *r);

/* ---- output buffers ------------------------------------------------------------------------ */

/* A buffer that remembers its first failure, so rendering code can write field after field and
 * the caller checks once per file. */
struct vg_sim_sink {
    struct vg_buf b;
    int err;
};

static inline void vg_sim_put(struct vg_sim_sink *o, const void *p, size_t n)
{
    int rc = vg_buf_add(&o->b, p, n);
    if (VG_UNLIKELY(rc) && !o->err)
        o->err = rc;
}

#define VG_SIM_PUT(o, lit) vg_sim_put((o), "" lit, sizeof(lit) - 1)

void vg_sim_put_u64(struct vg_sim_sink *o, uint64_t v);
/* Formatted text; every argument comes from our own tables or generators, so a result longer
 * than 255 bytes is a bug (VG_BUG), not an input error. */
void vg_sim_putf(struct vg_sim_sink *o, const char *fmt, ...) VG_PRINTF(2, 3);

/* ---- formatting ------------------------------------------------------------------------------ */

/* "YYYY-MM-DDTHH:MM:SSZ" (second precision) into out[21]. */
void vg_sim_fmt_time(int64_t ms, char out[21]);
/* Dotted quad of a host-order IPv4 address into out[16]. */
void vg_sim_fmt_ip4(uint32_t ip, char out[16]);

/* ---- the day's traffic curve ------------------------------------------------------------------
 */

/* Cumulative weights of the day's windows for a business whose local time is UTC plus
 * tz_windows windows: busy in working hours, machines and stragglers at night.  cum[0] is 0 and
 * cum[w + 1] - cum[w] is window w's weight. */
void vg_sim_day_shape(int tz_windows, uint64_t cum[VG_SIM_WINDOWS_PER_DAY + 1]);
/* Window w's exact share of total under that curve: the shares of a day add up to total. */
static inline uint64_t vg_sim_window_share(uint64_t total, const uint64_t *cum, unsigned w)
{
    uint64_t all = cum[VG_SIM_WINDOWS_PER_DAY];
    uint64_t lo = (uint64_t)((unsigned __int128)total * cum[w] / all);
    uint64_t hi = (uint64_t)((unsigned __int128)total * cum[w + 1] / all);
    return hi - lo;
}

/* ---- a window's scheduled items ------------------------------------------------------------ */

/* When a scheduled item is written: the first member of every generator's item, so that one
 * ordering serves them all (by second, then in the order they were scheduled). */
struct vg_sim_when {
    uint32_t sec; /* second of the day */
    uint32_t seq; /* set by vg_sim_sched_add */
};

/* What a window writes at given seconds (boot bursts, nightly jobs, scenarios), merged into its
 * background in order of time.  Items are copied in; the array grows to the busiest window's
 * need and is reused, so nothing is allocated per item after the first windows. */
struct vg_sim_sched {
    void *items;
    size_t size; /* bytes of one item, which starts with a struct vg_sim_when */
    size_t n, cap;
    uint32_t hist[VG_SIM_WINDOW_S]; /* background items per second of the window */
};

/* An empty schedule of items of size bytes. */
void vg_sim_sched_init(struct vg_sim_sched *s, size_t size);
void vg_sim_sched_release(struct vg_sim_sched *s);
/* Copy item in.  VG_OK or VG_ENOMEM. */
int vg_sim_sched_add(struct vg_sim_sched *s, const void *item);

/* The steps of a scenario row that start in [t0_ms, t1_ms), as indexes [*lo, *hi) (empty when
 * *lo >= *hi): n steps, one every step_ms from start_ms. */
void vg_sim_steps_in(uint64_t start_ms, uint64_t n, uint64_t step_ms, uint64_t t0_ms,
                     uint64_t t1_ms, uint64_t *lo, uint64_t *hi);

/* Writes one background item at second sec of the day. */
typedef void (*vg_sim_background_fn)(void *ctx, uint32_t sec);
/* Writes one scheduled item. */
typedef void (*vg_sim_scheduled_fn)(void *ctx, const void *item);

/* The window that starts at second t0 of the day, in order of time: n background items spread
 * over its seconds by a histogram drawn from r, and the scheduled items, each after the
 * background of its second (those past the window's end last).  Empties the schedule. */
void vg_sim_sched_run(struct vg_sim_sched *s, struct vg_sim_rng *r, uint32_t t0, uint64_t n,
                      vg_sim_background_fn background, vg_sim_scheduled_fn scheduled, void *ctx);

/* ---- files ---------------------------------------------------------------------------------- */

/* Log "cannot <what> '<path>': <errno text>" and return VG_EIO with errno preserved. */
int vg_sim_io_error(const char *what, const char *path);
/* Create or replace path with len bytes of data.  VG_OK or VG_EIO (errno set, logged). */
int vg_sim_write_file(const char *path, const void *data, size_t len);
/* o's text as <out_dir>/intel/<file>, unless o failed; path is scratch.  VG_OK, o's failure,
 * VG_ENOMEM or VG_EIO (errno set, logged). */
int vg_sim_write_intel(const struct vg_sim_sink *o, struct vg_buf *path, const char *out_dir,
                       const char *file);
/* mkdir -p.  VG_OK, VG_ENOMEM or VG_EIO (errno set, logged). */
int vg_sim_mkdir_p(const char *dir);

/*
 * The writer pool: gzip costs several times what generating the text does, so worker threads
 * (one per CPU, at most 8) compress and write while the caller generates.  Each kind of output
 * is a stream with its own compression level and byte count.  Buffers circulate: a submit hands
 * the caller's key and data buffers to a writer and gives back an empty pair, so nothing is
 * allocated per file once the buffers have grown.  Not thread-safe: one generating thread.
 */
enum vg_sim_stream { VG_SIM_CLOUDTRAIL, VG_SIM_FLOWS, VG_SIM_DNS, VG_SIM_STREAM_COUNT };

struct vg_sim_pool;

/* Start the writers for files below out_dir (borrowed for the pool's life), gzipping stream s
 * at levels[s].  VG_OK or VG_ENOMEM; on failure *out is still set and must be finished. */
int vg_sim_pool_start(struct vg_sim_pool **out, const char *out_dir,
                      const int levels[VG_SIM_STREAM_COUNT]);
/* Queue <out_dir>/<key> with the bytes of data, gzipped; key and data are swapped with empty
 * buffers (reset, with memory to reuse).  Blocks while every writer is busy.  VG_OK, or the
 * first failure of any writer (then nothing more is written). */
int vg_sim_pool_submit(struct vg_sim_pool *pl, enum vg_sim_stream s, struct vg_buf *key,
                       struct vg_buf *data);
/* Write what is queued, stop the writers and free the pool (NULL: nothing to do).  Adds the
 * gzipped bytes written per stream to bytes_compressed[].  Returns the first writer failure
 * with its errno restored, or VG_OK. */
int vg_sim_pool_finish(struct vg_sim_pool *pl, uint64_t bytes_compressed[VG_SIM_STREAM_COUNT]);

/* ---- VPC log objects --------------------------------------------------------------------------
 */

/* How a VPC log generator (flow logs, query logs) builds its five-minute objects: the window's
 * schedule, the object's text and its key, all reused from window to window. */
struct vg_sim_vpc_writer {
    struct vg_sim_sched sched;
    struct vg_sim_sink out;
    struct vg_buf key;
};

/* Scheduled items of item_size bytes (see struct vg_sim_sched). */
void vg_sim_vpc_writer_init(struct vg_sim_vpc_writer *w, size_t item_size);
void vg_sim_vpc_writer_release(struct vg_sim_vpc_writer *w);

/* An empty object, for the next window. */
void vg_sim_vpc_writer_begin(struct vg_sim_vpc_writer *w);

/* Queue the object, named as S3 delivery names it for the end of its window (end_ms):
 * AWSLogs/<account>/<service>/<dir>/YYYY/MM/DD/<account>_<service>_<dir>[_<log_id>]_
 * YYYYMMDDTHHMMZ_<hash>.log.gz.  VG_OK, VG_ENOMEM or a writer failure (vg_sim_pool_submit). */
int vg_sim_vpc_writer_submit(struct vg_sim_vpc_writer *w, struct vg_sim_pool *pool,
                             enum vg_sim_stream stream, const char *account, const char *service,
                             const char *dir, const char *log_id, int64_t end_ms, uint32_t hash);

#endif
