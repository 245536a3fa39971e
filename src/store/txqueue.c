/**
 * @file txqueue.c
 * @brief The queue of transaction-related messages (see txqueue.h), inside
 *        the image of the persisted transaction-state record.
 */
#include <string.h>

#include "store/txqueue.h"

#define HDR         12u
#define Q0          ((size_t)OCPP_TXS_HEAD_SIZE)
#define QEND        (sizeof(((ocpp_txq_t *)0)->buf))
#define TXID_KEY    "\"transactionId\":-1"
#define TXID_KEYLEN (sizeof TXID_KEY - 1u)

typedef struct {
    uint16_t len;
    uint8_t kind;
    uint8_t flags; /**< OCPP_TXQ_F_* */
    uint16_t ref;
    uint16_t txid_off; /**< Offset of the number "-1..." in the payload. */
    uint32_t time;     /**< Unix seconds. */
} hdr_t;

_Static_assert(sizeof(hdr_t) == HDR, "hdr_t is the record's header");

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The header's fields lie in the record as in hdr_t on a little-endian target. */
static hdr_t hdr_at(const ocpp_txq_t *q, size_t off)
{
    hdr_t h;
    memcpy(&h, &q->buf[off], HDR);
    return h;
}

static void hdr_put(ocpp_txq_t *q, size_t off, const hdr_t *h)
{
    memcpy(&q->buf[off], h, HDR);
}
#else
static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

static hdr_t hdr_at(const ocpp_txq_t *q, size_t off)
{
    const uint8_t *p = &q->buf[off];
    hdr_t h = {rd16(p),     p[2],        p[3],
               rd16(p + 4), rd16(p + 6), (uint32_t)rd16(p + 8) | ((uint32_t)rd16(p + 10) << 16)};
    return h;
}

static void hdr_put(ocpp_txq_t *q, size_t off, const hdr_t *h)
{
    uint8_t *p = &q->buf[off];
    wr16(p, h->len);
    p[2] = h->kind;
    p[3] = h->flags;
    wr16(p + 4, h->ref);
    wr16(p + 6, h->txid_off);
    wr16(p + 8, (uint16_t)(h->time & 0xFFFFu));
    wr16(p + 10, (uint16_t)(h->time >> 16));
}
#endif

void ocpp_txq_init(ocpp_txq_t *q)
{
    memset(q->buf, 0, Q0);
    q->used = 0;
    q->count = 0;
    q->thinned = 0;
    q->lost = 0;
    q->store_errors = 0;
}

size_t ocpp_txq_count(const ocpp_txq_t *q)
{
    return q->count;
}

size_t ocpp_txq_used(const ocpp_txq_t *q)
{
    return q->used;
}

size_t ocpp_txq_room(const ocpp_txq_t *q)
{
    return QEND - Q0 - q->used;
}

void ocpp_txq_begin(ocpp_txq_t *q, ocpp_jw_t *w)
{
    size_t at = Q0 + q->used + HDR;
    at = at < QEND ? at : QEND; /* no room: a writer of none */
    ocpp_jw_init(w, (char *)&q->buf[at], QEND - at);
}

/** Offset of the number in the first "transactionId":-1, or OCPP_TXQ_NO_TXID:
 *  found by its '-' (few in a payload: the dates' and the negative numbers'). */
static uint16_t find_txid(const char *s, size_t len)
{
    for (size_t i = TXID_KEYLEN - 2u; i + 2u <= len; i++) {
        const char *p = memchr(&s[i], '-', len - i);
        if (p == NULL) {
            break;
        }
        i = (size_t)(p - s);
        if (i + 2u <= len && memcmp(p - (TXID_KEYLEN - 2u), TXID_KEY, TXID_KEYLEN) == 0) {
            return (uint16_t)i;
        }
    }
    return OCPP_TXQ_NO_TXID;
}

ocpp_status_t ocpp_txq_commit(ocpp_txq_t *q, ocpp_jw_t *w, uint8_t kind, uint8_t flags,
                              uint16_t ref, int64_t unix_time, size_t keep_free)
{
    size_t len = 0;
    ocpp_status_t st = ocpp_jw_finish(w, &len);
    if (st != OCPP_OK) {
        return st;
    }
    if (ocpp_txq_room(q) < HDR + len + keep_free) { /* (so len fits its u16: TXQ_SIZE < 64 KiB) */
        return OCPP_ERR_NOMEM;
    }
    size_t at = Q0 + q->used;
    hdr_t h = {(uint16_t)len,
               kind,
               flags,
               ref,
               find_txid((const char *)&q->buf[at + HDR], len),
               (uint64_t)unix_time <= UINT32_MAX ? (uint32_t)unix_time : 0u};
    hdr_put(q, at, &h);
    q->used = (uint16_t)(q->used + HDR + len);
    q->count++;
    return OCPP_OK;
}

bool ocpp_txq_peek(const ocpp_txq_t *q, ocpp_txq_entry_t *out)
{
    if (q->count == 0u) {
        return false;
    }
    hdr_t h = hdr_at(q, Q0);
    out->kind = h.kind;
    out->flags = h.flags;
    out->ref = h.ref;
    out->payload = (const char *)&q->buf[Q0 + HDR];
    out->len = h.len;
    return true;
}

/** Remove the bytes of the entry at `off` (the caller counts it). */
static void remove_at(ocpp_txq_t *q, size_t off)
{
    hdr_t h = hdr_at(q, off);
    size_t n = HDR + h.len;
    memmove(&q->buf[off], &q->buf[off + n], Q0 + q->used - off - n);
    q->used = (uint16_t)(q->used - n);
}

void ocpp_txq_pop(ocpp_txq_t *q)
{
    if (q->count > 0u) {
        remove_at(q, Q0);
        q->count--;
    }
}

void ocpp_txq_set_txid(ocpp_txq_t *q, uint16_t ref, int32_t txid)
{
    char num[16];
    size_t n = 0;
    ocpp_jw_t t;
    ocpp_jw_init(&t, num, sizeof num);
    ocpp_jw_int(&t, txid);
    (void)ocpp_jw_finish(&t, &n);
    size_t off = Q0;
    for (uint16_t i = 0; i < q->count; i++) {
        hdr_t h = hdr_at(q, off);
        size_t next = off + HDR + h.len;
        if (h.ref == ref && h.txid_off + 2u <= h.len && /* (false for OCPP_TXQ_NO_TXID) */
            q->buf[off + HDR + h.txid_off] == '-' && q->buf[off + HDR + h.txid_off + 1u] == '1' &&
            Q0 + q->used + n - 2u <= QEND) {
            size_t at = off + HDR + h.txid_off;
            memmove(&q->buf[at + n], &q->buf[at + 2u], Q0 + q->used - at - 2u);
            memcpy(&q->buf[at], num, n);
            q->used = (uint16_t)(q->used + n - 2u);
            h.len = (uint16_t)(h.len + n - 2u);
            h.txid_off = OCPP_TXQ_NO_TXID;
            hdr_put(q, off, &h);
            next = off + HDR + h.len;
        }
        off = next;
    }
}

/**
 * The gap that removing entry i (of reference `ref`, time `t`) would leave
 * between its neighbours of the same reference: the time of the first one
 * after it (`now` if none) less that of the last one before it (`t` if none).
 */
static int64_t gap_without(const ocpp_txq_t *q, uint16_t i, uint16_t ref, int64_t t, int64_t now)
{
    int64_t before = t, after = now;
    size_t off = Q0;
    for (uint16_t j = 0; j < q->count; j++) {
        hdr_t h = hdr_at(q, off);
        if (h.ref == ref && j != i) {
            if (j > i) {
                after = h.time; /* the first after i */
                break;
            }
            before = h.time; /* the last before i, so far */
        }
        off += HDR + h.len;
    }
    return after - before;
}

bool ocpp_txq_thin(ocpp_txq_t *q, bool keep_head, int64_t now, uint16_t *ref, int64_t *when)
{
    size_t off = Q0, best_off = 0;
    int64_t best_gap = INT64_MAX;
    for (uint16_t i = 0; i < q->count; i++) {
        hdr_t h = hdr_at(q, off);
        if ((h.flags & OCPP_TXQ_F_THIN) != 0u && !(keep_head && i == 0u)) {
            int64_t gap = gap_without(q, i, h.ref, (int64_t)h.time, now);
            if (gap < best_gap) {
                best_gap = gap;
                best_off = off;
            }
        }
        off += HDR + h.len;
    }
    if (best_off == 0u) {
        return false;
    }
    hdr_t h = hdr_at(q, best_off);
    *ref = h.ref;
    *when = h.time;
    remove_at(q, best_off);
    q->count--;
    q->thinned++;
    return true;
}

size_t ocpp_txq_thin_bytes(const ocpp_txq_t *q)
{
    size_t off = Q0, n = 0;
    for (uint16_t i = 0; i < q->count; i++) {
        hdr_t h = hdr_at(q, off);
        if ((h.flags & OCPP_TXQ_F_THIN) != 0u && i > 0u) {
            n += HDR + h.len;
        }
        off += HDR + h.len;
    }
    return n;
}

/** True if an entry of `ref` is queued with `flag` set (`flag` 0: of `kind`). */
static bool has(const ocpp_txq_t *q, uint16_t ref, uint8_t kind, uint8_t flag)
{
    size_t off = Q0;
    for (uint16_t i = 0; i < q->count; i++) {
        hdr_t h = hdr_at(q, off);
        if (h.ref == ref && (flag != 0u ? (h.flags & flag) != 0u : h.kind == kind)) {
            return true;
        }
        off += HDR + h.len;
    }
    return false;
}

bool ocpp_txq_has_end(const ocpp_txq_t *q, uint16_t ref)
{
    return has(q, ref, 0u, OCPP_TXQ_F_END);
}

bool ocpp_txq_has_kind(const ocpp_txq_t *q, uint16_t ref, uint8_t kind)
{
    return has(q, ref, kind, 0u);
}

bool ocpp_txq_tx_room(const ocpp_txq_t *q, size_t running)
{
    return ocpp_txq_room(q) + ocpp_txq_thin_bytes(q) >=
           (running + 1u) * OCPP_TXQ_STOP_ROOM + OCPP_TXQ_START_ROOM;
}

ocpp_status_t ocpp_txq_adopt(ocpp_txq_t *q, size_t len, uint8_t (*classify)(uint8_t kind))
{
    ocpp_status_t st = OCPP_OK;
    size_t off = Q0;
    q->count = 0;
    q->used = 0;
    if (len > QEND - Q0) {
        return OCPP_ERR_PARSE;
    }
    q->used = (uint16_t)len;
    while (off < Q0 + q->used) {
        size_t rest = Q0 + q->used - off;
        hdr_t h = hdr_at(q, off);
        if (rest < HDR || h.len > rest - HDR) {
            q->used = (uint16_t)(off - Q0); /* cut off: keep what came before */
            return OCPP_ERR_PARSE;
        }
        const char *p = (const char *)&q->buf[off + HDR];
        uint8_t flags = classify(h.kind);
        bool ok = (flags & OCPP_TXQ_F_VALID) != 0u && h.len >= 2u && p[0] == '{' &&
                  (h.txid_off == OCPP_TXQ_NO_TXID || (uint32_t)h.txid_off + 2u <= h.len) &&
                  ocpp_json_validate(p, h.len) == OCPP_OK;
        if (!ok) { /* damaged: it could not be sent anyway; the others can */
            remove_at(q, off);
            st = OCPP_ERR_PARSE;
            continue;
        }
        q->buf[off + 3u] = flags; /* a record of version 1 had none */
        off += HDR + h.len;
        q->count++;
    }
    return st;
}
