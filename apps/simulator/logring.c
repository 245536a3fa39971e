/**
 * @file logring.c
 * @brief The shared message log ring of ocpp-sim (logring.h).
 *
 * Record layout at a position p (p % 8 == 0, buf + p % cap):
 *   hdr_t, then msg_id, action, error_code (each NUL-terminated), then the
 *   text, padded to a multiple of 8. A padding record (station PAD) fills the
 *   end of the buffer when the next record does not fit before it; it holds
 *   only the first two fields of the header.
 */
#include "logring.h"

#include <stdlib.h>
#include <string.h>

#define PAD UINT32_MAX

typedef struct {
    uint32_t size;    /* whole record, a multiple of 8 */
    uint32_t station; /* PAD: padding */
    uint64_t prev;    /* the station's record before, or SIM_LOGRING_NONE */
    int64_t unix_ms;
    uint32_t seq;
    uint32_t answer_to; /* seq + 1 of the CALL answered, 0: unknown */
    uint16_t len;
    uint8_t type;
    uint8_t flags; /* FL_* */
    uint8_t id_len, action_len, err_len;
    uint8_t spare;
} hdr_t;

#define FL_OUT       1u
#define FL_TRUNCATED 2u
#define FL_FRAME_OK  4u

_Static_assert(sizeof(hdr_t) == 40, "record header");

static size_t cut(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0u;
    return n > SIM_LOGRING_STR_MAX ? SIM_LOGRING_STR_MAX : n;
}

int sim_logring_init(sim_logring_t *r, size_t cap)
{
    memset(r, 0, sizeof *r);
    cap &= ~(size_t)7u;
    if (cap < SIM_LOGRING_MIN) {
        return -1;
    }
    r->buf = malloc(cap);
    if (r->buf == NULL) {
        return -1;
    }
    r->cap = cap;
    return 0;
}

void sim_logring_free(sim_logring_t *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

size_t sim_logring_size(const sim_log_rec_t *e)
{
    size_t n = sizeof(hdr_t) + cut(e->msg_id) + cut(e->action) + cut(e->error_code) + 3u + e->len;
    return (n + 7u) & ~(size_t)7u;
}

static hdr_t *at(const sim_logring_t *r, uint64_t pos)
{
    return (hdr_t *)(void *)(r->buf + (size_t)(pos % r->cap));
}

/** Evict the oldest records until n more bytes fit. */
static void make_room(sim_logring_t *r, size_t n)
{
    while (r->head + n - r->tail > r->cap) {
        const hdr_t *h = at(r, r->tail);
        r->evicted += h->station != PAD;
        r->tail += h->size;
    }
}

static char *put_str(char *p, const char *s, uint8_t *len)
{
    size_t n = cut(s);
    if (n > 0u) {
        memcpy(p, s, n);
    }
    p[n] = '\0';
    *len = (uint8_t)n;
    return p + n + 1;
}

bool sim_logring_put(sim_logring_t *r, uint32_t station, uint64_t *last, const sim_log_rec_t *e)
{
    size_t size = sim_logring_size(e);
    if (r->buf == NULL || size > r->cap || station == PAD) {
        return false;
    }
    size_t off = (size_t)(r->head % r->cap);
    if (r->cap - off < size) { /* pad to the end: records are never split */
        size_t pad = r->cap - off;
        make_room(r, pad);
        hdr_t *h = at(r, r->head);
        h->size = (uint32_t)pad;
        h->station = PAD;
        r->head += pad;
    }
    make_room(r, size);
    hdr_t *h = at(r, r->head);
    h->size = (uint32_t)size;
    h->station = station;
    /* a predecessor already evicted is as good as none */
    h->prev = *last != SIM_LOGRING_NONE && *last >= r->tail ? *last : SIM_LOGRING_NONE;
    h->unix_ms = e->unix_ms;
    h->seq = e->seq;
    h->answer_to = e->answer_to >= 0 ? (uint32_t)e->answer_to + 1u : 0u;
    h->len = e->len;
    h->type = e->type;
    h->flags = (uint8_t)((e->out ? FL_OUT : 0u) | (e->truncated ? FL_TRUNCATED : 0u) |
                         (e->frame_ok ? FL_FRAME_OK : 0u));
    h->spare = 0;
    char *p = (char *)(h + 1);
    p = put_str(p, e->msg_id, &h->id_len);
    p = put_str(p, e->action, &h->action_len);
    p = put_str(p, e->error_code, &h->err_len);
    if (e->len > 0u) {
        memcpy(p, e->text, e->len);
    }
    *last = r->head;
    r->head += size;
    return true;
}

bool sim_logring_get(const sim_logring_t *r, uint64_t pos, uint32_t station, sim_log_rec_t *out,
                     uint64_t *prev)
{
    if (r->buf == NULL || pos == SIM_LOGRING_NONE || pos < r->tail || pos >= r->head ||
        pos % 8u != 0u) {
        return false;
    }
    const hdr_t *h = at(r, pos);
    if (h->station != station || station == PAD) {
        return false;
    }
    const char *p = (const char *)(h + 1);
    out->seq = h->seq;
    out->unix_ms = h->unix_ms;
    out->out = (h->flags & FL_OUT) != 0u;
    out->truncated = (h->flags & FL_TRUNCATED) != 0u;
    out->frame_ok = (h->flags & FL_FRAME_OK) != 0u;
    out->type = h->type;
    out->answer_to = h->answer_to != 0u ? (int64_t)h->answer_to - 1 : -1;
    out->msg_id = p;
    p += h->id_len + 1u;
    out->action = p;
    p += h->action_len + 1u;
    out->error_code = p;
    p += h->err_len + 1u;
    out->text = p;
    out->len = h->len;
    if (prev != NULL) {
        *prev = h->prev != SIM_LOGRING_NONE && h->prev >= r->tail ? h->prev : SIM_LOGRING_NONE;
    }
    return true;
}
