/**
 * @file authcache.c
 * @brief The Authorization Cache (see authcache.h).
 */
#include <string.h>

#include "model/authcache.h"
#include "util/text.h"

#define N_ENTRIES (sizeof(((ocpp_auth_cache_t *)0)->e) / sizeof(ocpp_auth_entry_t))

bool ocpp_id_tag_eq(const char *a, const char *b)
{
    return ocpp_ascii_ieq(a, b);
}

static void copy_tag(char dst[OCPP_ID_TAG_MAX + 1], const char *src)
{
    size_t n = 0;
    if (src != NULL) {
        while (n < OCPP_ID_TAG_MAX && src[n] != '\0') {
            dst[n] = src[n];
            n++;
        }
    }
    dst[n] = '\0';
}

void ocpp_auth_cache_clear(ocpp_auth_cache_t *c)
{
    memset(c->e, 0, sizeof c->e);
    c->stamp = 0;
    c->dirty = true;
}

static bool valid(const ocpp_auth_entry_t *e, int64_t now)
{
    return e->status == (uint8_t)OCPP_AUTH_ACCEPTED && !(e->expiry > 0 && now > e->expiry);
}

const ocpp_auth_entry_t *ocpp_auth_cache_lookup(ocpp_auth_cache_t *c, const char *tag,
                                                int64_t now_unix)
{
    if (OCPP_CONFIG_AUTH_CACHE_SIZE == 0) {
        return NULL;
    }
    for (size_t i = 0; i < N_ENTRIES; i++) {
        ocpp_auth_entry_t *e = &c->e[i];
        if (e->tag[0] != '\0' && ocpp_id_tag_eq(e->tag, tag)) {
            /* (now_unix > expiry > 0 implies now_unix > 0: 0, unknown, expires nothing) */
            if (e->status == (uint8_t)OCPP_AUTH_ACCEPTED && e->expiry > 0 && now_unix > e->expiry) {
                e->status = (uint8_t)OCPP_AUTH_EXPIRED;
                c->dirty = true;
            }
            return e;
        }
    }
    return NULL;
}

/** The slot for a new entry: free, else oldest not-valid, else oldest. */
static ocpp_auth_entry_t *victim(ocpp_auth_cache_t *c, int64_t now)
{
    ocpp_auth_entry_t *old_bad = NULL, *old_any = &c->e[0];
    for (size_t i = 0; i < N_ENTRIES; i++) {
        ocpp_auth_entry_t *e = &c->e[i];
        if (e->tag[0] == '\0') {
            return e;
        }
        if (!valid(e, now) && (old_bad == NULL || e->stamp < old_bad->stamp)) {
            old_bad = e;
        }
        if (e->stamp < old_any->stamp) {
            old_any = e;
        }
    }
    return old_bad != NULL ? old_bad : old_any;
}

void ocpp_auth_cache_update(ocpp_auth_cache_t *c, const char *tag, ocpp_auth_status_t status,
                            const char *parent, int64_t expiry)
{
    if (OCPP_CONFIG_AUTH_CACHE_SIZE == 0 || tag == NULL || tag[0] == '\0') {
        return;
    }
    ocpp_auth_entry_t *e = (ocpp_auth_entry_t *)ocpp_auth_cache_lookup(c, tag, 0);
    if (e == NULL) {
        e = victim(c, 0);
        copy_tag(e->tag, tag);
    }
    copy_tag(e->parent, parent);
    e->status = (uint8_t)status;
    e->expiry = expiry;
    e->stamp = ++c->stamp;
    c->dirty = true;
}

ocpp_status_t ocpp_auth_cache_save(ocpp_auth_cache_t *c, const ocpp_storage_port_t *st,
                                   char *scratch, size_t cap)
{
    ocpp_jw_t w;
    size_t len = 0;
    ocpp_jw_init(&w, scratch, cap);
    ocpp_jw_arr_open(&w);
    /* Oldest first, so that load() restores the order of the stamps. */
    for (uint32_t s = 0, done = 0; done < N_ENTRIES; done++) {
        const ocpp_auth_entry_t *next = NULL;
        for (size_t i = 0; i < N_ENTRIES; i++) {
            const ocpp_auth_entry_t *e = &c->e[i];
            if (e->tag[0] != '\0' && e->stamp > s && (next == NULL || e->stamp < next->stamp)) {
                next = e;
            }
        }
        if (next == NULL) {
            break;
        }
        s = next->stamp;
        ocpp_jw_arr_open(&w);
        ocpp_jw_str(&w, next->tag);
        ocpp_jw_int(&w, next->status);
        ocpp_jw_int(&w, next->expiry);
        ocpp_jw_str(&w, next->parent);
        ocpp_jw_arr_close(&w);
    }
    ocpp_jw_arr_close(&w);
    ocpp_status_t r = ocpp_jw_finish(&w, &len);
    if (r == OCPP_OK) {
        r = st->write(st->ctx, OCPP_AUTH_CACHE_RECORD, (const uint8_t *)scratch, len);
    }
    if (r == OCPP_OK) {
        c->dirty = false;
    }
    return r;
}

/** One [tag, status, expiry, parent] item. */
static void load_item(ocpp_auth_cache_t *c, const ocpp_json_value_t *item)
{
    ocpp_json_iter_t it;
    ocpp_json_value_t v[4];
    size_t n = 0;
    if (ocpp_json_iter_init(&it, item) != OCPP_OK) {
        return;
    }
    while (n < 4u && ocpp_json_iter_next(&it, NULL, &v[n])) {
        n++;
    }
    char tag[OCPP_ID_TAG_MAX + 1], parent[OCPP_ID_TAG_MAX + 1];
    int64_t status = 0, expiry = 0;
    size_t tl = 0, pl = 0;
    if (n == 4u && ocpp_json_as_string(&v[0], tag, sizeof tag, &tl) == OCPP_OK && tl > 0u &&
        ocpp_json_as_int(&v[1], &status) == OCPP_OK && status >= 0 &&
        status <= (int64_t)OCPP_AUTH_CONCURRENT_TX && ocpp_json_as_int(&v[2], &expiry) == OCPP_OK &&
        ocpp_json_as_string(&v[3], parent, sizeof parent, &pl) == OCPP_OK) {
        ocpp_auth_cache_update(c, tag, (ocpp_auth_status_t)status, parent, expiry);
    }
}

ocpp_status_t ocpp_auth_cache_load(ocpp_auth_cache_t *c, const ocpp_storage_port_t *st,
                                   char *scratch, size_t cap)
{
    int32_t n = st->read(st->ctx, OCPP_AUTH_CACHE_RECORD, (uint8_t *)scratch, cap);
    if (n < 0) {
        return (ocpp_status_t)n;
    }
    ocpp_json_value_t root, item;
    ocpp_json_iter_t it;
    ocpp_status_t r = OCPP_ERR_PARSE;
    ocpp_auth_cache_clear(c);
    if (ocpp_json_root(scratch, (size_t)n, &root) == OCPP_OK &&
        ocpp_json_iter_init(&it, &root) == OCPP_OK && root.type == OCPP_JSON_ARRAY) {
        while (ocpp_json_iter_next(&it, NULL, &item)) {
            load_item(c, &item);
        }
        r = OCPP_OK;
    }
    c->dirty = false; /* what was loaded is what is stored */
    return r;
}
