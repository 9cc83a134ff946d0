/* Unit tests for pipeline/webhook: the envelope, retry with backoff while the receiver is down,
 * new findings at once and updates at the cadence (only the newest), nothing lost. */
#include "pipeline/webhook.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "store/store.h"

/* A one-connection-at-a-time HTTP receiver answering `status`, keeping the bodies it got. */
struct receiver {
    int fd;
    uint16_t port;
    int status;
    char bodies[4][4096];
    int count;
    pthread_t thread;
    volatile bool stop;
};

static void *serve(void *arg)
{
    struct receiver *r = arg;
    while (!r->stop) {
        int c = accept(r->fd, NULL, NULL);
        if (c < 0)
            continue;
        char req[8192];
        size_t got = 0;
        ssize_t n;
        const char *body = NULL;
        size_t want = 0;
        while ((n = recv(c, req + got, sizeof(req) - 1 - got, 0)) > 0) {
            got += (size_t)n;
            req[got] = '\0';
            const char *end = strstr(req, "\r\n\r\n");
            const char *cl = strstr(req, "Content-Length: ");
            if (end && cl) {
                body = end + 4;
                want = strtoul(cl + 16, NULL, 10);
                if (got - (size_t)(body - req) >= want)
                    break;
            }
        }
        if (body && r->count < 4)
            snprintf(r->bodies[r->count++], sizeof(r->bodies[0]), "%.*s", (int)want, body);
        char answer[64];
        int len = snprintf(answer, sizeof(answer), "HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n",
                           r->status);
        assert_true(send(c, answer, (size_t)len, MSG_NOSIGNAL) == len);
        close(c);
    }
    return NULL;
}

static void receiver_start(struct receiver *r)
{
    memset(r, 0, sizeof(*r));
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof(a);
    assert_int_equal(bind(r->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(r->fd, 8), 0);
    assert_int_equal(getsockname(r->fd, (struct sockaddr *)&a, &al), 0);
    r->port = ntohs(a.sin_port);
    r->status = 503;
    assert_int_equal(pthread_create(&r->thread, NULL, serve, r), 0);
}

static void receiver_stop(struct receiver *r)
{
    r->stop = true;
    shutdown(r->fd, SHUT_RDWR);
    close(r->fd);
    pthread_join(r->thread, NULL);
}

static int count_rows(void *ctx, const struct vg_outbox_row *row)
{
    (void)row;
    ++*(int *)ctx;
    return 0;
}

static int pending(struct vg_store *s)
{
    int n = 0;
    assert_int_equal(vg_store_outbox_each(s, "webhook", 100, false, count_rows, &n), VG_OK);
    return n;
}

static void test_webhook_retries_and_holds_updates(void **state)
{
    (void)state;
    char dir[] = "/tmp/vigil-webhook-test-XXXXXX", path[96], url[64], why[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/vigil.db", dir);
    struct vg_store *s;
    const char *swhy;
    assert_int_equal(vg_store_open(&s, path, &swhy), VG_OK);
    static const char f1[] =
        "{\"accountId\":\"111122223333\",\"id\":\"f1\",\"region\":\"eu-west-1\"}";
    /* an update held back sits before a new finding: the new one must not wait behind it */
    assert_int_equal(vg_store_outbox_add(s, "webhook", "f2", false, "{\"id\":\"f2\",\"v\":1}"),
                     VG_OK);
    assert_int_equal(vg_store_outbox_add(s, "webhook", "f1", true, f1), VG_OK);
    assert_int_equal(vg_store_outbox_add(s, "webhook", "f2", false, "{\"id\":\"f2\",\"v\":2}"),
                     VG_OK);

    struct receiver r;
    receiver_start(&r);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/hook", (unsigned)r.port);
    struct vg_webhook_opts o = { url, path, 60000, 2000 };
    struct vg_webhook *w;
    assert_int_equal(vg_webhook_new(&o, &w, why, sizeof(why)), VG_OK);
    size_t sent, failed;

    /* the receiver is down: nothing leaves the outbox, and the next try waits */
    assert_int_equal(vg_webhook_round(w, 1000, &sent, &failed), VG_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(failed, 1);
    assert_int_equal(pending(s), 3);
    assert_int_equal(vg_webhook_round(w, 1500, &sent, &failed), VG_OK);
    assert_int_equal(failed, 0); /* still backing off: not even tried */
    assert_int_equal(r.count, 1);

    /* it is back: the new finding goes at once, updates wait for the cadence */
    r.status = 204;
    assert_int_equal(vg_webhook_round(w, 3000, &sent, &failed), VG_OK);
    assert_int_equal(sent, 1);
    assert_int_equal(pending(s), 1); /* f2's older version was superseded */
    assert_int_equal(vg_webhook_round(w, 62000, &sent, &failed), VG_OK);
    assert_int_equal(sent, 1);
    assert_int_equal(pending(s), 0);

    assert_int_equal(r.count, 3);
    assert_non_null(strstr(r.bodies[1], "\"detail-type\":\"GuardDuty Finding\","
                                        "\"source\":\"aws.guardduty\",\"account\":"
                                        "\"111122223333\""));
    assert_non_null(strstr(r.bodies[1], "\"region\":\"eu-west-1\",\"resources\":[],"
                                        "\"detail\":{\"accountId\""));
    assert_non_null(strstr(r.bodies[2], "\"detail\":{\"id\":\"f2\",\"v\":2}}"));
    vg_webhook_free(w);
    receiver_stop(&r);
    vg_store_close(s);
    char cmd[96];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_webhook_refuses_bad_urls(void **state)
{
    (void)state;
    static const char *const bad[] = { "https://siem.example/hook", "http://",
                                       "http://host:99999999/x", "http://host/a b",
                                       "http://host/a\r\nX-Injected: 1" };
    for (size_t i = 0; i < VG_ARRAY_LEN(bad); i++) {
        struct vg_webhook_opts o = { bad[i], "/nonexistent/vigil.db", 1000, 0 };
        struct vg_webhook *w = NULL;
        char why[256];
        assert_int_equal(vg_webhook_new(&o, &w, why, sizeof(why)), VG_EUSAGE);
        assert_null(w);
        assert_non_null(strstr(why, "not an http://"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_webhook_retries_and_holds_updates),
        cmocka_unit_test(test_webhook_refuses_bad_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
