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
 * memory); the two page buffers of the merge are borrowed from the end of the
 * send buffer, where the answer is written afterwards.
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
#define ENTRY        45u
#define PAGE         ((uint32_t)OCPP_CONFIG_LOCAL_LIST_PAGE)
#define PAGE_BYTES   ((size_t)PAGE * ENTRY)
#define ANSWER_ROOM  64u /**< Send-buffer bytes kept for the answer before the page buffers. */

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

/** "ll<set>.<page, 4 hex digits>" */
static void page_name(char name[16], uint8_t set, uint32_t page)
{
    static const char hex[] = "0123456789abcdef";
    name[0] = 'l';
    name[1] = 'l';
    name[2] = (char)('0' + set);
    name[3] = '.';
    for (unsigned i = 0; i < 4u; i++) {
        name[4u + i] = hex[(page >> (12u - 4u * i)) & 0xFu];
    }
    name[8] = '\0';
}

static int fold(char c)
{
    return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : (int)(unsigned char)c;
}

/** Order of two idTags, ASCII case-insensitive. */
static int tag_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = fold(*a), y = fold(*b);
        if (x != y || x == 0) {
            return x - y;
        }
    }
}

static void put_entry(uint8_t *p, const ocpp_auth_entry_t *e)
{
    memset(p, 0, ENTRY);
    memcpy(p, e->tag, strlen(e->tag));
    memcpy(p + 20, e->parent, strlen(e->parent));
    p[40] = e->status;
    int64_t x = e->expiry;
    put32(p + 41, x <= 0 ? 0u : (x > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)x));
}

static void get_entry(const uint8_t *p, ocpp_auth_entry_t *e)
{
    memset(e, 0, sizeof *e);
    memcpy(e->tag, p, 20);
    memcpy(e->parent, p + 20, 20);
    e->status = p[40];
    e->expiry = (int64_t)get32(p + 41);
}

/** A record of the current list in a buffer. */
typedef struct {
    uint8_t *buf;  /**< PAGE_BYTES. */
    uint32_t page; /**< The record in buf (UINT32_MAX: none), */
    int32_t have;  /**<   its entries (-1: unreadable). */
} cursor_t;

/** Entry i of the current list into *e, reading its record if needed.
 *  @return false if it cannot be read. */
static bool entry_at(const ocpp_v16_t *a, cursor_t *k, uint32_t i, ocpp_auth_entry_t *e)
{
    uint32_t p = i / PAGE;
    if (p != k->page) {
        char name[16];
        page_name(name, a->list.gen, p);
        int32_t n = a->st->storage->read(a->st->storage->ctx, name, k->buf, PAGE_BYTES);
        k->have = (n < 0 || (uint32_t)n % ENTRY != 0u) ? -1 : (int32_t)((uint32_t)n / ENTRY);
        k->page = p;
    }
    i %= PAGE;
    if (k->have <= (int32_t)i) {
        return false;
    }
    get_entry(&k->buf[(size_t)i * ENTRY], e);
    return true;
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
        uint32_t mid = lo + (hi - lo) / 2u;
        if (!entry_at(a, &l.k, mid, out)) {
            LOGE(&a->st->log, "local list unreadable");
            return false;
        }
        int d = tag_cmp(tag, out->tag);
        if (d == 0) {
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

/** No idTagInfo: the entry removes its tag (ocpp_auth_entry_t.status). */
#define NO_INFO 0xFFu

/** One AuthorizationData (§7.1) into *e, checked as the schema says;
 *  without idTagInfo e->status is NO_INFO. */
static ocpp_rpc_err_t parse_entry(const ocpp_json_value_t *item, ocpp_auth_entry_t *e,
                                  const char **desc)
{
    ocpp_json_value_t info;
    size_t idx = 0;
    memset(e, 0, sizeof *e);
    e->status = NO_INFO;
    if (item->type != OCPP_JSON_OBJECT) {
        *desc = "localAuthorizationList item is no object";
        return OCPP_RPC_ERR_TYPE_CONSTRAINT;
    }
    ocpp_rpc_err_t r =
        ocpp_rpc_get_string(item, "idTag", true, OCPP_ID_TAG_MAX, e->tag, sizeof e->tag, desc);
    if (r == OCPP_RPC_OK) {
        r = ocpp_rpc_get_container(item, "idTagInfo", false, OCPP_JSON_OBJECT, &info, desc);
    }
    if (r != OCPP_RPC_OK || !ocpp_rpc_has(item, "idTagInfo")) {
        return r;
    }
    r = ocpp_rpc_get_enum(&info, "status", true, k_status, 5u, &idx, desc);
    if (r == OCPP_RPC_OK) {
        r = ocpp_rpc_get_string(&info, "parentIdTag", false, OCPP_ID_TAG_MAX, e->parent,
                                sizeof e->parent, desc);
    }
    if (r == OCPP_RPC_OK) {
        r = ocpp_rpc_get_datetime(&info, "expiryDate", false, &e->expiry, desc);
    }
    if (ocpp_rpc_has(&info, "expiryDate") && e->expiry <= 0) {
        e->expiry = 1; /* before 1970: expired, not "no expiry" */
    }
    e->status = (uint8_t)idx;
    return r;
}

/** The merge of an update into the other set of records. */
typedef struct {
    ocpp_v16_t *a;
    ocpp_json_value_t list; /**< The request's localAuthorizationList (type NULL: none). */
    cursor_t in;            /**< A record of the current list. */
    uint8_t *out;           /**< The record being written. */
    uint32_t old_i, old_n;  /**< Next entry of the current list, and its length (0: Full). */
    uint32_t out_n, max;    /**< Entries written; LocalAuthListMaxLength. */
    uint8_t set;            /**< The set written. */
    bool has_last;          /**< last: the request's entry taken last. */
    char last[OCPP_ID_TAG_MAX + 1];
} merge_t;

/** The request's next entry in tag order. @return 1 (item, tag), 0 none
 *  left, -1 a duplicate idTag ("All idTags in the localAuthorizationList MUST
 *  be unique"). */
static int req_next(const merge_t *m, ocpp_json_value_t *item, char tag[OCPP_ID_TAG_MAX + 1])
{
    ocpp_json_iter_t it;
    ocpp_json_value_t v;
    char t[OCPP_ID_TAG_MAX + 1];
    bool found = false;
    if (m->list.type != OCPP_JSON_ARRAY || ocpp_json_iter_init(&it, &m->list) != OCPP_OK) {
        return 0;
    }
    while (ocpp_json_iter_next(&it, NULL, &v)) {
        if (ocpp_rpc_get_string(&v, "idTag", true, OCPP_ID_TAG_MAX, t, sizeof t, NULL) !=
                OCPP_RPC_OK ||
            (m->has_last && tag_cmp(t, m->last) <= 0)) {
            continue;
        }
        int d = found ? tag_cmp(t, tag) : -1;
        if (d == 0) {
            return -1;
        }
        if (d < 0) {
            found = true;
            memcpy(tag, t, sizeof t);
            *item = v;
        }
    }
    return found ? 1 : 0;
}

/** The current list's next entry. @return 1, 0 none left, -1 unreadable. */
static int old_peek(merge_t *m, ocpp_auth_entry_t *e)
{
    if (m->old_i >= m->old_n) {
        return 0;
    }
    return entry_at(m->a, &m->in, m->old_i, e) ? 1 : -1;
}

static bool write_page(const merge_t *m, uint32_t page, uint32_t n)
{
    char name[16];
    page_name(name, m->set, page);
    return m->a->st->storage->write(m->a->st->storage->ctx, name, m->out, (size_t)n * ENTRY) ==
           OCPP_OK;
}

/** Append an entry to the new list. @return false: full, or a write failed. */
static bool emit(merge_t *m, const ocpp_auth_entry_t *e)
{
    if (m->out_n >= m->max) {
        return false; /* over LocalAuthListMaxLength */
    }
    put_entry(&m->out[(size_t)(m->out_n % PAGE) * ENTRY], e);
    m->out_n++;
    return m->out_n % PAGE != 0u || write_page(m, m->out_n / PAGE - 1u, PAGE);
}

/** Merge: request entries replace (or, without idTagInfo, remove) the
 *  current ones of the same tag. @return false if the update failed. */
static bool merge(merge_t *m)
{
    ocpp_json_value_t item;
    ocpp_auth_entry_t o, r;
    char rt[OCPP_ID_TAG_MAX + 1];
    const char *desc = NULL;
    int rq = req_next(m, &item, rt);
    int ol = old_peek(m, &o);
    bool ok = true;
    while (ok && rq >= 0 && ol >= 0 && (rq > 0 || ol > 0)) {
        int d = rq == 0 ? 1 : (ol == 0 ? -1 : tag_cmp(rt, o.tag));
        if (d > 0) {
            ok = emit(m, &o);
            m->old_i++;
        } else {
            m->old_i += d == 0 ? 1u : 0u;
            (void)parse_entry(&item, &r, &desc);
            ok = r.status == NO_INFO || emit(m, &r);
            memcpy(m->last, rt, sizeof rt);
            m->has_last = true;
            rq = req_next(m, &item, rt);
        }
        ol = old_peek(m, &o);
    }
    return ok && rq >= 0 && ol >= 0 &&
           (m->out_n % PAGE == 0u || write_page(m, m->out_n / PAGE, m->out_n % PAGE));
}

static uint32_t pages(uint32_t n)
{
    return (n + PAGE - 1u) / PAGE;
}

/** Remove the first n page records of set `set`. */
static void drop(const ocpp_v16_t *a, uint8_t set, uint32_t n)
{
    for (uint32_t p = 0; p < n; p++) {
        char name[16];
        page_name(name, set, p);
        (void)a->st->storage->remove(a->st->storage->ctx, name);
    }
}

/** Write the new list into the other set, then make it current. */
static bool apply(ocpp_v16_t *a, ocpp_jw_t *w, const ocpp_json_value_t *list, bool full,
                  int32_t version)
{
    if (a->st->storage == NULL || w->cap - w->len < 2u * PAGE_BYTES + ANSWER_ROOM) {
        return false; /* no storage, or a send buffer too small */
    }
    uint32_t max = a->cfg->local_auth_list_max_length;
    merge_t m = {.a = a,
                 .list = *list,
                 .in = {(uint8_t *)w->buf + w->len + ANSWER_ROOM, UINT32_MAX, 0},
                 .old_n = full ? 0u : a->list.count,
                 .max = max < OCPP_CONFIG_LOCAL_LIST_MAX ? max : OCPP_CONFIG_LOCAL_LIST_MAX,
                 .set = (uint8_t)(a->list.gen ^ 1u)};
    m.out = m.in.buf + PAGE_BYTES;
    if (!merge(&m)) {
        drop(a, m.set, pages(m.out_n + 1u));
        return false; /* the current list stays as it is */
    }
    uint8_t idx[INDEX_LEN] = {'L', m.set, (uint8_t)(m.out_n & 0xFFu), (uint8_t)(m.out_n >> 8)};
    put32(&idx[4], (uint32_t)version);
    if (a->st->storage->write(a->st->storage->ctx, INDEX_RECORD, idx, sizeof idx) != OCPP_OK) {
        drop(a, m.set, pages(m.out_n));
        return false;
    }
    drop(a, a->list.gen, pages(a->list.count)); /* the old set is garbage now */
    if (a->st->conns[0].error == OCPP_FAULT_LOCAL_LIST_CONFLICT) {
        ocpp_station_fault(a->st, 0, OCPP_FAULT_NONE, NULL, NULL); /* the list is new */
    }
    a->list.gen = m.set;
    a->list.count = (uint16_t)m.out_n;
    a->list.version = version;
    return true;
}

static ocpp_rpc_err_t on_send_local_list(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                         const char **desc)
{
    static const char *const types[] = {"Differential", "Full"};
    ocpp_v16_t *a = ctx;
    int64_t version = 0;
    size_t type = 0;
    ocpp_json_value_t list = {0};
    bool bad = false;
    uint32_t n = 0;
    ocpp_rpc_err_t e =
        ocpp_rpc_get_int(p, "listVersion", true, INT32_MIN, INT32_MAX, &version, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_enum(p, "updateType", true, types, 2u, &type, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_container(p, "localAuthorizationList", false, OCPP_JSON_ARRAY, &list,
                                   desc);
    }
    ocpp_json_iter_t it;
    ocpp_json_value_t item;
    if (e == OCPP_RPC_OK && list.type == OCPP_JSON_ARRAY &&
        ocpp_json_iter_init(&it, &list) == OCPP_OK) {
        ocpp_auth_entry_t x;
        while (e == OCPP_RPC_OK && ocpp_json_iter_next(&it, NULL, &item)) {
            e = parse_entry(&item, &x, desc);
            /* §7.1 idTagInfo: "Required when UpdateType is Full" */
            bad = bad || (type == 1u && x.status == NO_INFO);
            n++;
        }
    }
    if (e != OCPP_RPC_OK) {
        return e; /* bad input changes nothing */
    }
    /* errata 3.52: listVersion "SHALL NOT be -1 or 0"; §6.41: at most
     * SendLocalListMaxLength entries; §7.47 VersionMismatch: "Version number
     * in the request for a differential update is less or equal then
     * version number of current list." */
    const char *status = "Failed";
    if (bad || version <= 0 || n > a->cfg->send_local_list_max_length) {
        LOGW(&a->st->log, "SendLocalList: bad list"); /* Failed, nothing changed */
    } else if (type == 0u && version <= a->list.version) {
        status = "VersionMismatch";
    } else if (apply(a, w, &list, type == 1u, (int32_t)version)) {
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
/* GetLocalListVersion (§5.10)                                               */
/* ------------------------------------------------------------------------ */

static ocpp_rpc_err_t on_get_local_list_version(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                                const char **desc)
{
    const ocpp_v16_t *a = ctx;
    (void)p;
    (void)desc;
    /* §5.10: "A version number of 0 (zero) SHALL be used to indicate that the
     * local authorization list is empty" */
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "listVersion", a->list.count > 0u ? a->list.version : 0);
    ocpp_jw_obj_close(w);
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

static const ocpp_rpc_handler_entry_t k_handlers[] = {
    {OCPP_ACTION_GET_LOCAL_LIST_VERSION, on_get_local_list_version},
    {OCPP_ACTION_SEND_LOCAL_LIST, on_send_local_list},
};

const ocpp_v16_profile_t ocpp_v16_locallist = {
    .profile = OCPP_CFG_PROFILE_LOCAL_AUTH,
    .handlers = k_handlers,
    .n_handlers = (uint8_t)(sizeof k_handlers / sizeof k_handlers[0]),
    .init = ll_init,
};

#endif /* OCPP_CONFIG_PROFILE_LOCAL_AUTH */
