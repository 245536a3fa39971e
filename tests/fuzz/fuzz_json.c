/*
 * libFuzzer target for the JSON reader (and, through re-encoding, the writer).
 *
 * Build and run (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     tests/fuzz/fuzz_json.c src/json/\*.c src/util/status.c -o /tmp/fj
 *   /tmp/fj -max_total_time=60 tests/fuzz/corpus/json
 *
 * On any input: navigation and decoders stay inside the buffer (ASan) and
 * terminate. On valid input, additionally:
 *   - every proper prefix validates as OK or OCPP_ERR_PARTIAL;
 *   - decoding every string and re-encoding the whole document with the
 *     writer gives a document that validates again.
 * The input is copied into an exact-size heap buffer so that any read past
 * its end is caught.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp/ocpp_json.h"

#define FUZZ_MAX_WALK_DEPTH 40 /* also walks garbage, deeper than the validator allows */

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

static char g_str[4096];

/* Decode v into g_str and write it. @return 1 if g_str is exactly the string. */
static int emit_string(ocpp_jw_t *w, const ocpp_json_value_t *v, int is_key)
{
    int exact = 0;
    size_t n = 0;
    ocpp_status_t st = ocpp_json_as_string(v, g_str, sizeof(g_str), &n);
    if (st != OCPP_OK) {
        n = 0;
        g_str[0] = '\0';
    } else {
        check(n == ocpp_json_string_len(v));
        check(n < sizeof(g_str) && g_str[n] == '\0');
        exact = memchr(g_str, 0, n) == NULL;
        if (exact) {
            check(ocpp_json_string_eq(v, g_str));
        }
    }
    if (is_key) {
        ocpp_jw_key(w, g_str); /* a C string: stops at an embedded NUL */
    } else {
        ocpp_jw_strn(w, g_str, n);
    }
    return exact;
}

static void emit_scalar(ocpp_jw_t *w, const ocpp_json_value_t *v)
{
    int64_t i;
    bool b;
    switch (v->type) {
    case OCPP_JSON_STRING: (void)emit_string(w, v, 0); return;
    case OCPP_JSON_NUMBER:
        (void)ocpp_json_as_int(v, &i);
        for (unsigned s = 0; s <= 10; s++) {
            (void)ocpp_json_as_decimal(v, s, &i);
        }
        ocpp_jw_raw(w, v->ptr, v->len);
        return;
    case OCPP_JSON_BOOL:
        if (ocpp_json_as_bool(v, &b) == OCPP_OK) {
            ocpp_jw_bool(w, b);
        } else {
            ocpp_jw_null(w);
        }
        return;
    default: ocpp_jw_null(w); return;
    }
}

/* Test code may recurse; the depth is bounded. */
static void walk(ocpp_jw_t *w, const ocpp_json_value_t *v, int depth)
{
    ocpp_json_iter_t it;
    ocpp_json_value_t k, e;
    ocpp_json_value_t found;
    if (depth > FUZZ_MAX_WALK_DEPTH || ocpp_json_iter_init(&it, v) != OCPP_OK) {
        emit_scalar(w, v);
        return;
    }
    size_t count = 0, n = ocpp_json_count(v);
    int obj = v->type == OCPP_JSON_OBJECT;
    if (obj) {
        ocpp_jw_obj_open(w);
    } else {
        ocpp_jw_arr_open(w);
    }
    while (ocpp_json_iter_next(&it, &k, &e)) {
        check(e.ptr > v->ptr && e.ptr + e.len < v->ptr + v->len);
        if (obj) {
            if (emit_string(w, &k, 1)) {
                /* The first member with this key exists (it may be an earlier one). */
                check(ocpp_json_get(v, g_str, &found) == OCPP_OK);
                check(found.ptr <= e.ptr);
            }
        }
        walk(w, &e, depth + 1);
        count++;
    }
    check(count == n);
    if (obj) {
        ocpp_jw_obj_close(w);
    } else {
        ocpp_jw_arr_close(w);
    }
}

static const char *const paths[] = {"", "a", "[0]", "a.b", "a[1].b", "[0][0]", "x.y.z[2]"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char out[1 << 16];
    char *buf = calloc(size ? size : 1, 1); /* exact size: ASan sees overreads */
    ocpp_json_value_t root, v;
    ocpp_jw_t w;
    size_t n;
    if (buf == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(buf, data, size);
    }
    ocpp_status_t st = ocpp_json_validate(buf, size);
    check(st == OCPP_OK || st == OCPP_ERR_PARSE || st == OCPP_ERR_PARTIAL || st == OCPP_ERR_DEPTH);
    if (st == OCPP_OK && size > 0) {
        ocpp_status_t pst = ocpp_json_validate(buf, size - 1);
        check(pst == OCPP_OK || pst == OCPP_ERR_PARTIAL);
        pst = ocpp_json_validate(buf, size / 2);
        check(pst == OCPP_OK || pst == OCPP_ERR_PARTIAL);
    }
    if (ocpp_json_root(buf, size, &root) == OCPP_OK) {
        check(root.ptr >= buf && root.ptr + root.len <= buf + size);
        for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
            if (ocpp_json_find(&root, paths[p], &v) == OCPP_OK) {
                check(v.ptr >= root.ptr && v.ptr + v.len <= root.ptr + root.len);
            }
        }
        ocpp_jw_init(&w, out, sizeof(out));
        walk(&w, &root, 0);
        st = ocpp_jw_finish(&w, &n);
        if (ocpp_json_validate(buf, size) == OCPP_OK) {
            /* A valid document re-encodes to a valid document. */
            check(st == OCPP_OK || st == OCPP_ERR_NOMEM);
            if (st == OCPP_OK) {
                check(ocpp_json_validate(out, n) == OCPP_OK);
            }
        }
    }
    free(buf);
    return 0;
}
