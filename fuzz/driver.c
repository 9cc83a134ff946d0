/*
 * Replays fuzz inputs without libFuzzer, so `make check` runs every committed seed and crash
 * reproducer through the same LLVMFuzzerTestOneInput the fuzzer uses (plain cc, optionally under
 * ASan+UBSan).
 *
 *   replay_<target> PATH...    PATH is a file or a directory (walked recursively, by name order)
 *
 * Each input is handed over in a heap block of exactly its size, so a read one byte past the end
 * is an ASan error here just as it is under libFuzzer.  A missing PATH is an error (exit 1): a
 * corpus that silently vanished must not pass as "replayed 0 inputs".
 */
#include "core/compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int read_file(const char *path, uint8_t **out, size_t *len_out)
{
    int rc = -1;
    uint8_t *data = NULL;
    size_t len = 0, cap = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        goto out;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            uint8_t *p = realloc(data, ncap);
            if (!p)
                goto out;
            data = p;
            cap = ncap;
        }
        ssize_t n = read(fd, data + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto out;
        if (n == 0)
            break;
        len += (size_t)n;
    }
    /* exact-size copy: the fuzz target must not read past the end */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact)
        goto out;
    if (len)
        memcpy(exact, data, len);
    *out = exact;
    *len_out = len;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(data);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay `path` (file or directory tree); adds to *count.  Returns 0, or -1 after a message. */
static int replay(const char *path, unsigned depth, uint64_t *count)
{
    struct stat st;
    char **names = NULL;
    size_t n = 0, cap = 0;
    DIR *dir = NULL;
    int rc = -1;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISREG(st.st_mode)) {
        uint8_t *data;
        size_t len;
        if (read_file(path, &data, &len) != 0) {
            fprintf(stderr, "replay: cannot read '%s': %s\n", path, strerror(errno));
            return -1;
        }
        LLVMFuzzerTestOneInput(data, len);
        free(data);
        (*count)++;
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return 0;
    if (depth > 16) {
        fprintf(stderr, "replay: '%s' is nested too deep\n", path);
        return -1;
    }
    if (!(dir = opendir(path))) {
        fprintf(stderr, "replay: cannot open directory '%s': %s\n", path, strerror(errno));
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **p = realloc(names, ncap * sizeof(*p));
            if (!p)
                goto oom;
            names = p;
            cap = ncap;
        }
        size_t plen = strlen(path) + strlen(de->d_name) + 2;
        if (!(names[n] = malloc(plen)))
            goto oom;
        snprintf(names[n], plen, "%s/%s", path, de->d_name);
        n++;
    }
    qsort(names, n, sizeof(*names), cmp_names);
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = replay(names[i], depth + 1, count);
    goto out;
oom:
    fprintf(stderr, "replay: out of memory\n");
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (dir)
        closedir(dir);
    return rc;
}

int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        uint64_t count = 0;
        if (replay(argv[i], 0, &count) != 0) {
            status = 1;
            continue;
        }
        printf("replayed %" PRIu64 " inputs from %s\n", count, argv[i]);
    }
    return status;
}
