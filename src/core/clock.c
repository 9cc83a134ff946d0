#include "core/clock.h"

static int64_t read_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t vg_wall_ms(void)
{
    return read_ms(CLOCK_REALTIME);
}

int64_t vg_mono_ms(void)
{
    return read_ms(CLOCK_MONOTONIC);
}

void vg_sleep_ms(int64_t ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void vg_backoff_sleep(struct vg_backoff *b)
{
    vg_sleep_ms(b->wait_ms);
    b->waited_ms += b->wait_ms;
    b->wait_ms = b->wait_ms * 2 > b->max_ms ? b->max_ms : b->wait_ms * 2;
}
