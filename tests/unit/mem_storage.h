/*
 * An in-memory storage port for the unit tests of the Local Auth List and
 * Reservation modules (test_cp_locallist.c, test_cp_reservation.c): atomic
 * records, counted writes, and a power cut (every write from the N-th on is
 * lost) to check what survives. Static inline, one instance per test file.
 */
#ifndef OCPP_TEST_MEM_STORAGE_H
#define OCPP_TEST_MEM_STORAGE_H

#include <string.h>

#include "ocpp/ocpp_port.h"

#define MS_RECORDS 320
#define MS_CAP     2048

typedef struct {
    char key[32];
    size_t len;
    uint8_t data[MS_CAP];
    bool used;
} ms_record_t;

typedef struct {
    ms_record_t r[MS_RECORDS];
    int writes;    /* writes so far */
    int cut_after; /* 0: none; else writes after this many are lost */
} mem_storage_t;

static mem_storage_t ms_store;

static inline ms_record_t *ms_find(mem_storage_t *m, const char *key)
{
    for (int i = 0; i < MS_RECORDS; i++) {
        if (m->r[i].used && strcmp(m->r[i].key, key) == 0) {
            return &m->r[i];
        }
    }
    return NULL;
}

static inline int32_t ms_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    mem_storage_t *m = ctx;
    ms_record_t *r = ms_find(m, key);
    if (r == NULL) {
        return OCPP_ERR_NOT_FOUND;
    }
    if (r->len > cap) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(buf, r->data, r->len);
    return (int32_t)r->len;
}

static inline ocpp_status_t ms_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    mem_storage_t *m = ctx;
    m->writes++;
    if (m->cut_after > 0 && m->writes > m->cut_after) {
        return OCPP_OK; /* the power is gone: the write never happened */
    }
    ms_record_t *r = ms_find(m, key);
    for (int i = 0; r == NULL && i < MS_RECORDS; i++) {
        if (!m->r[i].used) {
            r = &m->r[i];
            r->used = true;
            snprintf(r->key, sizeof r->key, "%s", key);
        }
    }
    if (r == NULL || len > MS_CAP) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(r->data, data, len);
    r->len = len;
    return OCPP_OK;
}

static inline ocpp_status_t ms_remove(void *ctx, const char *key)
{
    mem_storage_t *m = ctx;
    if (m->cut_after > 0 && m->writes >= m->cut_after) {
        return OCPP_OK;
    }
    ms_record_t *r = ms_find(m, key);
    if (r != NULL) {
        r->used = false;
    }
    return OCPP_OK;
}

static inline int ms_count(const mem_storage_t *m, const char *prefix)
{
    int n = 0;
    for (int i = 0; i < MS_RECORDS; i++) {
        n += m->r[i].used && strncmp(m->r[i].key, prefix, strlen(prefix)) == 0;
    }
    return n;
}

static ocpp_storage_port_t ms_port = {&ms_store, ms_read, ms_write, ms_remove};

#endif /* OCPP_TEST_MEM_STORAGE_H */
