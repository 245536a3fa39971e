/*
 * libFuzzer target for the configuration keys (src/model/config.c):
 * ocpp_cfg_change(), ocpp_cfg_set_local(), ocpp_cfg_get(),
 * ocpp_cfg_write_get_configuration(), ocpp_cfg_save() and ocpp_cfg_load().
 *
 * Input: byte 0 selects the mode (its value modulo 3; the seeds use the
 * letters), the rest is:
 *   'c' (0) lines "Key=Value" (split at the first '='), each given to
 *           ocpp_cfg_change() as ChangeConfiguration.req;
 *   'l' (1) the same lines given to ocpp_cfg_set_local();
 *   'r' (2) the stored "config" record, loaded with ocpp_cfg_load().
 * Connectors: 1 + (input length % OCPP_CONFIG_MAX_CONNECTORS).
 *
 * Invariants (abort() on violation):
 *   - a key that was Accepted can be read back (unless write-only);
 *   - GetConfiguration of all keys fits 4 KB and is one valid JSON document;
 *   - ocpp_cfg_save() fits 1 KB (the documented "plenty") and succeeds;
 *   - loading what was saved into a fresh configuration and saving that
 *     gives the same record byte for byte (the record holds every persisted
 *     key, AuthorizationKey included; the others cannot differ);
 *   - ocpp_cfg_load() with the documented scratch size never says NOMEM.
 * Speed (the target should run >= 10 k inputs/s): one GetConfiguration per
 * input, the round trip compares records, no per-input clearing of buffers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "ocpp/ocpp_json.h"

#define FZ_RECORD_MAX 8192u
#define FZ_GETCONF    4096u

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

typedef struct {
    uint8_t rec[FZ_RECORD_MAX];
    size_t len;
    bool present;
} fz_store_t;

static int32_t st_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    fz_store_t *s = ctx;
    check(key != NULL);
    if (!s->present || strcmp(key, "config") != 0) {
        return OCPP_ERR_NOT_FOUND;
    }
    if (s->len > cap) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(buf, s->rec, s->len);
    return (int32_t)s->len;
}

static ocpp_status_t st_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    fz_store_t *s = ctx;
    check(strcmp(key, "config") == 0);
    if (len > sizeof s->rec) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(s->rec, data, len);
    s->len = len;
    s->present = true;
    return OCPP_OK;
}

static ocpp_status_t st_remove(void *ctx, const char *key)
{
    fz_store_t *s = ctx;
    (void)key;
    s->present = false;
    return OCPP_OK;
}

/* Process-wide buffers: the target runs single-threaded, and large. */
static fz_store_t g_store, g_store_b;
static char g_scratch[FZ_RECORD_MAX + OCPP_CFG_VALUE_MAX + 1];
static char g_conf[FZ_GETCONF];
static char g_key[512], g_value[2048], g_out[OCPP_CFG_VALUE_MAX + 1];

/* GetConfiguration (all keys); checks it is one valid JSON document. */
static void get_all(const ocpp_cfg_t *cfg)
{
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, g_conf, sizeof g_conf);
    check(ocpp_cfg_write_get_configuration(cfg, NULL, &w) == OCPP_OK);
    check(ocpp_jw_finish(&w, &n) == OCPP_OK);
    check(ocpp_json_validate(g_conf, n) == OCPP_OK);
}

static bool same_ci(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = (char)(*a >= 'A' && *a <= 'Z' ? *a + 32 : *a);
        char y = (char)(*b >= 'A' && *b <= 'Z' ? *b + 32 : *b);
        if (x != y) {
            return false;
        }
    }
    return *a == *b;
}

/* Apply the "Key=Value" lines of in[0..len). */
static void apply_lines(ocpp_cfg_t *cfg, const uint8_t *in, size_t len, bool local)
{
    size_t pos = 0;
    while (pos < len) {
        const uint8_t *nl = memchr(in + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - in) : len;
        const uint8_t *eq = memchr(in + pos, '=', end - pos);
        size_t klen = eq != NULL ? (size_t)(eq - (in + pos)) : end - pos;
        size_t vlen = eq != NULL ? end - pos - klen - 1 : 0;
        if (klen < sizeof g_key && vlen < sizeof g_value) {
            memcpy(g_key, in + pos, klen);
            g_key[klen] = '\0';
            memcpy(g_value, eq != NULL ? eq + 1 : in + pos, vlen);
            g_value[vlen] = '\0';
            ocpp_key_result_t r = local ? ocpp_cfg_set_local(cfg, g_key, g_value)
                                        : ocpp_cfg_change(cfg, g_key, g_value);
            check(ocpp_key_result_str(r) != NULL);
            bool ro = false;
            bool got = ocpp_cfg_get(cfg, g_key, g_out, sizeof g_out, &ro);
            if (r == OCPP_KEY_ACCEPTED && strlen(g_key) == klen) {
                /* Accepted keys read back, except the write-only one. */
                check(got || same_ci(g_key, "AuthorizationKey"));
            }
            if (got) {
                check(strlen(g_out) < sizeof g_out);
            }
        }
        pos = end + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ocpp_cfg_t cfg, fresh;
    if (size < 1 || size > FZ_RECORD_MAX) {
        return 0;
    }
    uint8_t conns = (uint8_t)(1u + size % OCPP_CONFIG_MAX_CONNECTORS);
    unsigned mode = (unsigned)data[0] % 3u;
    const uint8_t *in = data + 1;
    size_t len = size - 1;
    ocpp_storage_port_t st = {&g_store, st_read, st_write, st_remove};
    ocpp_storage_port_t st_b = {&g_store_b, st_read, st_write, st_remove};

    ocpp_cfg_init(&cfg, conns);
    g_store.len = 0;
    g_store.present = false;
    if (mode == 2) {
        memcpy(g_store.rec, in, len);
        g_store.len = len;
        g_store.present = true;
        /* A scratch too small for some records: any status, values consistent. */
        (void)ocpp_cfg_load(&cfg, &st, g_scratch, 64);
        ocpp_status_t s = ocpp_cfg_load(&cfg, &st, g_scratch, len + OCPP_CFG_VALUE_MAX + 1);
        check(s == OCPP_OK || s == OCPP_ERR_PARSE);
    } else {
        apply_lines(&cfg, in, len, mode == 1);
    }
    get_all(&cfg);

    /* Save, load into a fresh configuration, save that: the same record. */
    check(ocpp_cfg_save(&cfg, &st, g_scratch, 1024) == OCPP_OK);
    check(!cfg.dirty);
    ocpp_cfg_init(&fresh, conns);
    check(ocpp_cfg_load(&fresh, &st, g_scratch, sizeof g_scratch) == OCPP_OK);
    check(ocpp_cfg_save(&fresh, &st_b, g_scratch, 1024) == OCPP_OK);
    check(g_store_b.len == g_store.len && memcmp(g_store_b.rec, g_store.rec, g_store.len) == 0);
    return 0;
}
