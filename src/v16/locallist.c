/**
 * @file locallist.c
 * @brief OCPP 1.6 Local Auth List Management profile: SendLocalList (§5.15),
 *        GetLocalListVersion (§5.10), and the list itself (§3.5.2), which
 *        the station asks before its cache (ocpp_station_set_list()).
 *
 * The list is in the storage port, never in RAM (the context keeps its
 * version, its length and which set of records is current):
 *  - record "locallist", 8 bytes: 'L', the current set (0/1), the number of
 *    entries (u16), listVersion (i32), little-endian;
 *  - records "ll<set>.<page, 4 hex digits>": the entries sorted by idTag (ASCII case
 *    folded: IdToken is a CiString), OCPP_CONFIG_LOCAL_LIST_PAGE to a
 *    record, each 45 bytes: idTag (20, NUL-padded), parentIdTag (20),
 *    status (u8, ocpp_auth_status_t), expiryDate (u32 unix s, 0: none).
 * A lookup is a binary search over the entries, reading one record at a
 * time into a stack buffer. An update writes the new list into the other set
 * (merging the request into the current list for a Differential update) and
 * becomes current with one atomic write of "locallist": a power cut before
 * it leaves the old list, after it the new one. The request's entries are
 * taken in tag order by scanning it again for each (n x n comparisons, no
 * memory; the first scan also checks every entry); the two page buffers of
 * the merge are borrowed from the end of the send buffer, where the answer
 * is written afterwards. Entries stay in their stored form throughout: a
 * request's entry is parsed into it, the current list's are copied as they
 * are, and only a lookup's result is unpacked.
 *
 * Compiled out (OCPP_CONFIG_PROFILE_LOCAL_AUTH 0), the module is not
 * registered; the Core module answers GetLocalListVersion with -1 (§5.10,
 * ops.c).
 */
#include <string.h>

#include "model/config.h"
#include "station/station.h"
#include "util/log.h"
#include "util/text.h"
#include "v16/v16.h"

#if OCPP_CONFIG_PROFILE_LOCAL_AUTH

#define INDEX_RECORD "locallist"
#define INDEX_LEN    8u
#define ENTRY \
    45u /**< A stored entry (file header); also the form a request's entry is parsed into. */
#define E_PARENT    20u /**<   offsets of parentIdTag, */
#define E_STATUS    40u /**<   status, */
#define E_EXPIRY    41u /**<   expiryDate. */
#define PAGE        ((uint32_t)OCPP_CONFIG_LOCAL_LIST_PAGE)
#define PAGE_BYTES  ((size_t)PAGE * ENTRY)
#define ANSWER_ROOM 64u   /**< Send-buffer bytes kept for the answer before the page buffers. */
#define NO_INFO     0xFFu /**< Status of a request's entry without idTagInfo: it removes its tag. */

static const char *const k_status[] = {"Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx"};

/* ------------------------------------------------------------------------ */
/* Records                                                                   */
/* ------------------------------------------------------------------------ */

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4u; i++) {
        p[i] = (uint8_t)(v >> (8u * i));
    }
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/** What page_io() does with a record. */
typedef enum { IO_READ, IO_WRITE, IO_REMOVE } io_t;

/** Read (into buf[0..len)), write (buf[0..len)) or remove record
 *  "ll<set>.<page, 4 hex digits>". @return the storage port's answer. */
static int32_t page_io(const ocpp_v16_t *a, io_t op, uint32_t set, uint32_t page, uint8_t *buf,
                       size_t len)
{
    char name[9] = "ll0.";
    void *ctx = a->st->storage->ctx;
    name[2] = (char)('0' + set);
    for (unsigned i = 0; i < 4u; i++) {
        unsigned d = (page >> (12u - 4u * i)) & 0xFu;
        name[4u + i] = (char)(d < 10u ? '0' + d : 'a' - 10u + d);
    }
    if (op == IO_READ) {
        return a->st->storage->read(ctx, name, buf, len);
    }
    return op == IO_WRITE ? a->st->storage->write(ctx, name, buf, len)
                          : a->st->storage->remove(ctx, name);
}

static int fold(char c)
{
    return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : (int)(unsigned char)c;
}

/** Order of two idTags, ASCII case-insensitive; each ends at a NUL or after
 *  OCPP_ID_TAG_MAX characters (a stored one is not terminated). */
static int tag_cmp(const char *a, const void *b)
{
    const char *c = b;
    for (unsigned i = 0; i < OCPP_ID_TAG_MAX; i++) {
        int d = fold(a[i]) - fold(c[i]);
        if (d != 0 || a[i] == '\0') {
            return d;
        }
    }
    return 0;
}

/** A record of the current list in a buffer. */
typedef struct {
    uint8_t *buf;  /**< PAGE_BYTES. */
    uint32_t page; /**< The record in buf (UINT32_MAX: none), */
    int32_t have;  /**<   its entries (-1: unreadable). */
} cursor_t;

/** Entry i of the current list, reading its record if needed. @return NULL
 *  if it cannot be read. */
static const uint8_t *entry_at(const ocpp_v16_t *a, cursor_t *k, uint32_t i)
{
    uint32_t p = i / PAGE;
    if (p != k->page) {
        int32_t n = page_io(a, IO_READ, a->list.gen, p, k->buf, PAGE_BYTES);
        k->have = (n < 0 || (uint32_t)n % ENTRY != 0u) ? -1 : (int32_t)((uint32_t)n / ENTRY);
        k->page = p;
    }
    i %= PAGE;
    return k->have > (int32_t)i ? &k->buf[(size_t)i * ENTRY] : NULL;
}

/* ------------------------------------------------------------------------ */
/* Lookup (the station's hook)                                               */
/* ------------------------------------------------------------------------ */

/** §3.5.2: the entry of `tag`, if the list is enabled (LocalAuthListEnabled)
 *  and has it. A binary search reading one record at a time. */
static bool ll_find(void *ctx, const char *tag, ocpp_auth_entry_t *out)
{
    const ocpp_v16_t *a = ctx;
    struct {
        uint8_t page[PAGE_BYTES]; /* one record at a time, on the stack */
        cursor_t k;
    } l;
    l.k = (cursor_t){l.page, UINT32_MAX, 0};
    uint32_t lo = 0, hi = a->list.count;
    if (!a->cfg->local_auth_list_enabled || a->st->storage == NULL || tag == NULL) {
        return false;
    }
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2u; /* (hi <= 65535) */
        const uint8_t *e = entry_at(a, &l.k, mid);
        if (e == NULL) {
            LOGE(&a->st->log, "local list unreadable");
            return false;
        }
        int d = tag_cmp(tag, e);
        if (d == 0) {
            memset(out, 0, sizeof *out);
            memcpy(out->tag, e, OCPP_ID_TAG_MAX);
            memcpy(out->parent, e + E_PARENT, OCPP_ID_TAG_MAX);
            out->status = e[E_STATUS];
            out->expiry = (int64_t)get32(e + E_EXPIRY);
            return true;
        }
        if (d < 0) {
            hi = mid;
        } else {
            lo = mid + 1u;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* SendLocalList (§5.15)                                                     */
/* ------------------------------------------------------------------------ */

/** One AuthorizationData (§7.1), checked as the schema says, into a stored
 *  entry e (status NO_INFO without idTagInfo). */
static ocpp_rpc_err_t parse_entry(const ocpp_json_value_t *item, uint8_t e[ENTRY],
                                  const char **desc)
{
    ocpp_json_value_t info = {0};
    size_t idx = NO_INFO;
    int64_t t = INT64_MIN; /* (no expiryDate: no datetime gives this) */
    memset(e, 0, ENTRY);
    if (item->type != OCPP_JSON_OBJECT) {
        *desc = "list entry is no object";
        return OCPP_RPC_ERR_TYPE_CONSTRAINT;
    }
    /* (idTag, then parentIdTag: each NUL lands on the next field) */
    ocpp_rpc_err_t r = ocpp_rpc_get_string(item, "idTag", true, OCPP_ID_TAG_MAX, (char *)e,
                                           OCPP_ID_TAG_MAX + 1u, desc);
    if (r == OCPP_RPC_OK) {
        r = ocpp_rpc_get_container(item, "idTagInfo", false, OCPP_JSON_OBJECT, &info, desc);
    }
    if (r == OCPP_RPC_OK && info.type == OCPP_JSON_OBJECT) {
        r = ocpp_rpc_get_enum(&info, "status", true, k_status, 5u, &idx, desc);
        if (r == OCPP_RPC_OK) {
            r = ocpp_rpc_get_string(&info, "parentIdTag", false, OCPP_ID_TAG_MAX,
                                    (char *)e + E_PARENT, OCPP_ID_TAG_MAX + 1u, desc);
        }
        if (r == OCPP_RPC_OK) {
            r = ocpp_rpc_get_datetime(&info, "expiryDate", false, &t, desc);
        }
    }
    e[E_STATUS] = (uint8_t)idx;
    /* 0: none; before 1970: 1, expired, not "no expiry"; after 2106: the last second */
    put32(e + E_EXPIRY, t == INT64_MIN ? 0u
                        : t <= 0       ? 1u
                                       : (t > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)t));
    return r;
}

/** A SendLocalList request and its merge into the other set of records. */
typedef struct {
    ocpp_v16_t *a;
    ocpp_json_value_t list;    /**< The request's localAuthorizationList (type 0: none). */
    ocpp_json_value_t item;    /**< Its entry to take next (scan()), */
    char tag[OCPP_ID_TAG_MAX]; /**<   that entry's idTag; */
    int rq;                    /**<   1: there is one, 0: none left, -1: a duplicate idTag. */
    uint32_t n;                /**< The request's entries, */
    bool bad;                  /**<   one without idTagInfo in a Full update. */
    bool full;                 /**< updateType Full. */
    uint8_t set;               /**< The set written. */
    cursor_t in;               /**< A record of the current list. */
    uint8_t *out;              /**< The record being written. */
    uint32_t old_i, old_n;     /**< Next entry of the current list, and its length (0: Full). */
    uint32_t out_n, max;       /**< Entries written; LocalAuthListMaxLength. */
} merge_t;

/** The request's entry with the least idTag after `last` into m->item,
 *  m->tag and m->rq ("All idTags in the localAuthorizationList MUST be
 *  unique": -1 if two are equal). The first scan (last NULL) also checks
 *  every entry, counts them and finds an entry of a Full update without
 *  idTagInfo. @return the first malformed entry's error. */
static ocpp_rpc_err_t scan(merge_t *m, const void *last, const char **desc)
{
    ocpp_json_iter_t it;
    ocpp_json_value_t v;
    uint8_t e[ENTRY];
    ocpp_rpc_err_t r = OCPP_RPC_OK;
    bool dup = false;
    m->rq = 0;
    if (ocpp_json_iter_init(&it, &m->list) != OCPP_OK) {
        return r; /* no list */
    }
    while (r == OCPP_RPC_OK && ocpp_json_iter_next(&it, NULL, &v)) {
        if (last == NULL) {
            r = parse_entry(&v, e, desc);
            m->n++;
            if (m->full && e[E_STATUS] == NO_INFO) {
                m->bad = true;
            }
        } else if (ocpp_rpc_get_string(&v, "idTag", true, OCPP_ID_TAG_MAX, (char *)e,
                                       OCPP_ID_TAG_MAX + 1u, NULL) != OCPP_RPC_OK ||
                   tag_cmp((const char *)e, last) <= 0) {
            continue;
        }
        int d = m->rq != 0 ? tag_cmp((const char *)e, m->tag) : -1;
        if (d == 0) {
            dup = true;
        } else if (d < 0) {
            m->rq = 1;
            memcpy(m->tag, e, sizeof m->tag);
            m->item = v;
        }
    }
    if (dup) {
        m->rq = -1;
    }
    return r;
}

/** Write the record of the new list that holds its last entry. */
static bool flush(const merge_t *m)
{
    uint32_t last = m->out_n - 1u;
    return page_io(m->a, IO_WRITE, m->set, last / PAGE, m->out,
                   (size_t)(last % PAGE + 1u) * ENTRY) == OCPP_OK;
}

/** Append an entry to the new list. @return false: full, or a write failed. */
static bool emit(merge_t *m, const uint8_t *e)
{
    if (m->out_n >= m->max) {
        return false; /* over LocalAuthListMaxLength */
    }
    memcpy(&m->out[(size_t)(m->out_n % PAGE) * ENTRY], e, ENTRY);
    m->out_n++;
    return m->out_n % PAGE != 0u || flush(m);
}

/** Merge: request entries replace (or, without idTagInfo, remove) the
 *  current ones of the same tag. @return false if the update failed. */
static bool merge(merge_t *m)
{
    uint8_t r[ENTRY];
    const char *desc = NULL;
    bool ok = true;
    while (ok && m->rq >= 0) {
        const uint8_t *o = NULL;
        if (m->old_i < m->old_n) {
            o = entry_at(m->a, &m->in, m->old_i);
            if (o == NULL) {
                return false; /* unreadable */
            }
        }
        if (o == NULL && m->rq == 0) {
            break;
        }
        int d = m->rq == 0 ? 1 : (o == NULL ? -1 : tag_cmp(m->tag, o));
        if (d >= 0) {
            m->old_i++; /* taken, or replaced by the request's entry */
        }
        if (d > 0) {
            ok = emit(m, o);
        } else {
            (void)parse_entry(&m->item, r, &desc);
            ok = r[E_STATUS] == NO_INFO || emit(m, r);
            (void)scan(m, r, &desc);
        }
    }
    return ok && m->rq >= 0 && (m->out_n % PAGE == 0u || flush(m));
}

/** Remove the records of set `set` that hold entries 0..n (one more than
 *  needed when n is a multiple of the page: removing none is no error). */
static void drop(const ocpp_v16_t *a, uint32_t set, uint32_t n)
{
    for (uint32_t p = 0; p <= n / PAGE; p++) {
        (void)page_io(a, IO_REMOVE, set, p, NULL, 0u);
    }
}

/** Write the new list into the other set, then make it current. */
static bool apply(merge_t *m, ocpp_jw_t *w, int32_t version)
{
    ocpp_v16_t *a = m->a;
    if (a->st->storage == NULL || w->cap - w->len < 2u * PAGE_BYTES + ANSWER_ROOM) {
        return false; /* no storage, or a send buffer too small */
    }
    uint32_t max = a->cfg->local_auth_list_max_length;
    m->in = (cursor_t){(uint8_t *)w->buf + w->len + ANSWER_ROOM, UINT32_MAX, 0};
    m->out = m->in.buf + PAGE_BYTES;
    m->old_n = m->full ? 0u : a->list.count;
    m->max = max < OCPP_CONFIG_LOCAL_LIST_MAX ? max : OCPP_CONFIG_LOCAL_LIST_MAX;
    m->set = (uint8_t)(a->list.gen ^ 1u);
    bool ok = merge(m);
    uint8_t idx[INDEX_LEN] = {'L', m->set, (uint8_t)m->out_n, (uint8_t)(m->out_n >> 8)};
    put32(&idx[4], (uint32_t)version);
    ok = ok && a->st->storage->write(a->st->storage->ctx, INDEX_RECORD, idx, sizeof idx) == OCPP_OK;
    /* failed: the current list stays as it is; else the old set is garbage */
    drop(a, ok ? a->list.gen : m->set, ok ? a->list.count : m->out_n);
    if (ok) {
        if (a->st->conns[0].error == OCPP_FAULT_LOCAL_LIST_CONFLICT) {
            ocpp_station_fault(a->st, 0, OCPP_FAULT_NONE, NULL, NULL); /* the list is new */
        }
        a->list.gen = m->set;
        a->list.count = (uint16_t)m->out_n;
        a->list.version = version;
    }
    return ok;
}

static ocpp_rpc_err_t on_send_local_list(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                         const char **desc)
{
    static const char *const types[] = {"Differential", "Full"};
    ocpp_v16_t *a = ctx;
    int32_t v = 0;
    size_t type = 0;
    merge_t m = {.a = a};
    ocpp_rpc_err_t e = ocpp_v16_get_int(p, "listVersion", true, INT32_MIN, &v, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_enum(p, "updateType", true, types, 2u, &type, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_container(p, "localAuthorizationList", false, OCPP_JSON_ARRAY, &m.list,
                                   desc);
    }
    m.full = type == 1u;
    if (e == OCPP_RPC_OK) {
        e = scan(&m, NULL, desc); /* every entry checked, and the first one found */
    }
    if (e != OCPP_RPC_OK) {
        return e; /* bad input changes nothing */
    }
    /* §7.1 idTagInfo: "Required when UpdateType is Full"; errata 3.52:
     * listVersion "SHALL NOT be -1 or 0"; §6.41: at most
     * SendLocalListMaxLength entries; §7.47 VersionMismatch: "Version number
     * in the request for a differential update is less or equal then
     * version number of current list." */
    const char *status = "Failed";
    if (m.bad || v <= 0 || m.n > a->cfg->send_local_list_max_length) {
        LOGW(&a->st->log, "SendLocalList: bad list"); /* Failed, nothing changed */
    } else if (!m.full && v <= a->list.version) {
        status = "VersionMismatch";
    } else if (apply(&m, w, v)) {
        status = "Accepted";
    } else {
        /* a duplicate idTag, over LocalAuthListMaxLength, no storage (or a
         * send buffer too small), a storage error: nothing changed */
        LOGW(&a->st->log, "SendLocalList: not applied");
    }
    ocpp_v16_answer_status(w, status);
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* Module                                                                    */
/* ------------------------------------------------------------------------ */

static void ll_init(ocpp_v16_t *a)
{
    uint8_t b[INDEX_LEN];
    /* §9.2.2, §9.2.3: what this build holds (read-only keys). */
    a->cfg->local_auth_list_max_length = (uint16_t)OCPP_CONFIG_LOCAL_LIST_MAX;
    a->cfg->send_local_list_max_length = (uint16_t)OCPP_CONFIG_SEND_LOCAL_LIST_MAX;
    ocpp_station_set_list(a->st, ll_find, a);
    if (a->st->storage != NULL &&
        a->st->storage->read(a->st->storage->ctx, INDEX_RECORD, b, sizeof b) ==
            (int32_t)INDEX_LEN &&
        b[0] == (uint8_t)'L' && b[1] <= 1u) {
        a->list.gen = b[1];
        a->list.count = (uint16_t)(b[2] | (b[3] << 8));
        a->list.version = (int32_t)get32(&b[4]);
    }
}

/* ------------------------------------------------------------------------ */
/* GetLocalListVersion (§5.10)                                               */
/* ------------------------------------------------------------------------ */

static ocpp_rpc_err_t on_get_local_list_version(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                                const char **desc)
{
    const ocpp_v16_t *a = ctx;
    (void)p;
    (void)desc;
    /* §5.10: "A version number of 0 (zero) SHALL be used to indicate that the
     * local authorization list is empty" (-1 without the profile: ops.c). */
    int32_t version = a->list.count > 0u ? a->list.version : 0;
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "listVersion", version);
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

static const ocpp_rpc_handler_entry_t k_handlers[] = {
    {OCPP_ACTION_GET_LOCAL_LIST_VERSION, on_get_local_list_version},
    {OCPP_ACTION_SEND_LOCAL_LIST, on_send_local_list},
};

const ocpp_v16_profile_t ocpp_v16_locallist = {
    .profile = OCPP_CFG_PROFILE_LOCAL_AUTH,
    .init = ll_init,
    .handlers = k_handlers,
    .n_handlers = (uint8_t)(sizeof k_handlers / sizeof k_handlers[0]),
};

#endif /* OCPP_CONFIG_PROFILE_LOCAL_AUTH */
