/* Chunked bump allocator; see arena.h for the lifetime rules. */
#include "core/arena.h"

struct vg_arena_chunk {
    struct vg_arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

void vg_arena_init(struct vg_arena *a, size_t chunk_size, size_t cap_bytes)
{
    a->head = NULL;
    a->free = NULL;
    a->chunk_size = chunk_size ? chunk_size : (1u << 20);
    a->used_bytes = 0;
    a->cap_bytes = cap_bytes ? cap_bytes : SIZE_MAX;
}

static void free_list(struct vg_arena_chunk *c)
{
    while (c) {
        struct vg_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
}

void vg_arena_release(struct vg_arena *a)
{
    free_list(a->head);
    free_list(a->free);
    a->head = a->free = NULL;
    a->used_bytes = 0;
}

void vg_arena_reset(struct vg_arena *a)
{
#ifdef VG_ARENA_DEBUG
    free_list(a->head);
    a->head = NULL;
#else
    /* Keep one standard chunk for reuse; drop oversized ones so one huge batch does not pin memory.
     */
    while (a->head) {
        struct vg_arena_chunk *c = a->head;
        a->head = c->next;
        if (c->size == a->chunk_size && !a->free) {
            c->next = NULL;
            c->used = 0;
            a->free = c;
        } else {
            free(c);
        }
    }
#endif
    a->used_bytes = 0;
}

void *vg_arena_alloc(struct vg_arena *a, size_t len)
{
    size_t need = (len + 15) & ~(size_t)15;
    if (need < len || a->used_bytes + need > a->cap_bytes || a->used_bytes + need < need)
        return NULL;
#ifdef VG_ARENA_DEBUG
    struct vg_arena_chunk *d = malloc(sizeof(*d) + (len ? len : 1));
    if (!d)
        return NULL;
    d->size = d->used = len;
    d->next = a->head;
    a->head = d;
    a->used_bytes += need;
    return d->data;
#else
    struct vg_arena_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        if (need <= a->chunk_size && a->free) {
            c = a->free;
            a->free = NULL;
        } else {
            size_t size = need > a->chunk_size ? need : a->chunk_size;
            c = malloc(sizeof(*c) + size);
            if (!c)
                return NULL;
            c->size = size;
        }
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->used_bytes += need;
    return p;
#endif
}

char *vg_arena_strndup(struct vg_arena *a, const char *s, size_t len)
{
    char *p = vg_arena_alloc(a, len + 1);
    if (p) {
        if (len)
            memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}
