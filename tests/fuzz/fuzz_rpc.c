/*
 * libFuzzer target for the OCPP-J framing: ocpp_rpc_parse() and
 * ocpp_rpc_dispatch() into a small handler table that uses the field helpers,
 * ocpp_rpc_recover_id() on the same bytes as a truncated prefix, and the
 * date-time parser.
 *
 * Build and run (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *     tests/fuzz/fuzz_rpc.c src/rpc/\*.c src/json/\*.c src/util/status.c -o /tmp/frpc
 *   /tmp/frpc -max_total_time=60 tests/fuzz/corpus/rpc
 *
 * Invariants checked on every input (abort() on violation):
 *   - every answer (CALLRESULT or CALLERROR) that is written, at several
 *     buffer sizes, is one complete valid JSON document, or nothing at all
 *     (OCPP_ERR_NOMEM), never a truncated frame;
 *   - re-parsing an answer gives a CALLRESULT/CALLERROR with the same id;
 *   - a recovered id is at most 36 characters and echoes back unchanged;
 *   - a parsed date-time formats and parses back to the same second.
 * The input is copied into an exact-size heap buffer so that any read past
 * its end is caught.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp/ocpp_json.h"
#include "rpc/rpc.h"

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

static const char *const kinds[] = {"Hard", "Soft"};

static ocpp_rpc_err_t on_reset(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                               const char **desc)
{
    size_t k = 0;
    (void)ctx;
    ocpp_rpc_err_t e = ocpp_rpc_get_enum(p, "type", true, kinds, 2, &k, desc);
    if (e == OCPP_RPC_OK) {
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_str(w, "status", kinds[k]);
        ocpp_jw_obj_close(w);
    }
    return e;
}

/* Echoes fields back, so the answer size depends on the input. */
static ocpp_rpc_err_t on_data(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                              const char **desc)
{
    char vendor[256] = "";
    char data[512] = "";
    int64_t n = 0, t = 0, dec = 0;
    bool b = false;
    ocpp_json_value_t arr;
    (void)ctx;
    ocpp_rpc_err_t e = ocpp_rpc_get_string(p, "vendorId", true, 255, vendor, sizeof vendor, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_string(p, "data", false, 500, data, sizeof data, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_int(p, "n", false, -1000, 1000, &n, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_datetime(p, "t", false, &t, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_decimal(p, "d", false, 3, INT64_MIN, INT64_MAX, &dec, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_bool(p, "b", false, &b, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_container(p, "a", false, OCPP_JSON_ARRAY, &arr, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "status", vendor);
    ocpp_jw_kv_str(w, "data", data);
    ocpp_jw_kv_int(w, "n", n);
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

static const ocpp_rpc_handler_entry_t table[] = {
    {OCPP_ACTION_RESET, on_reset},
    {OCPP_ACTION_DATA_TRANSFER, on_data},
};

/* An answer: one valid frame of the given type with the given id, or none. */
static void check_answer(ocpp_status_t st, ocpp_jw_t *w, const ocpp_rpc_frame_t *req)
{
    size_t n = 0;
    ocpp_status_t fin = ocpp_jw_finish(w, &n);
    ocpp_rpc_frame_t back;
    if (st == OCPP_ERR_NOMEM) {
        return;
    }
    check(st == OCPP_OK && fin == OCPP_OK);
    check(ocpp_json_validate(w->buf, n) == OCPP_OK);
    ocpp_status_t pst = ocpp_rpc_parse(w->buf, n, &back);
    if (pst == OCPP_OK) {
        check(back.type == OCPP_RPC_CALLRESULT || back.type == OCPP_RPC_CALLERROR);
        check(back.id_len == req->id_len && memcmp(back.id, req->id, req->id_len) == 0);
    } else {
        /* Only an id over 36 characters makes our own answer unparseable. */
        check(pst == OCPP_ERR_PROTOCOL && req->id_len > OCPP_RPC_ID_MAX);
    }
}

static void run_dispatch(const ocpp_rpc_frame_t *f)
{
    static const size_t caps[] = {0, 16, 40, 64, 128, 256, 1500};
    char *buf = malloc(1500);
    check(buf != NULL);
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        ocpp_jw_t w;
        ocpp_jw_init(&w, buf, caps[i]);
        check_answer(ocpp_rpc_dispatch(table, 2, NULL, f, &w), &w, f);
    }
    free(buf);
}

static void run_error(const ocpp_rpc_frame_t *f)
{
    char buf[512];
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, sizeof buf);
    check_answer(ocpp_rpc_write_error(&w, f->id, f->id_len, f->error, f->error_desc), &w, f);
}

static void run_datetime(const char *s, size_t n)
{
    int64_t t = 0, back = 0;
    uint16_t ms = 0, ms2 = 0;
    char out[OCPP_RPC_DATETIME_LEN + 1];
    if (ocpp_rpc_parse_datetime_text(s, n, &t, &ms) != OCPP_OK) {
        return;
    }
    check(ms <= 999u);
    if (t >= 0 && t <= INT64_C(253402300799)) {
        ocpp_rpc_format_datetime(t, ms, out);
        check(ocpp_rpc_parse_datetime_text(out, OCPP_RPC_DATETIME_LEN, &back, &ms2) == OCPP_OK);
        check(back == t && ms2 == ms);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *msg = malloc(size ? size : 1);
    ocpp_rpc_frame_t f;
    check(msg != NULL);
    memcpy(msg, data, size);

    ocpp_status_t st = ocpp_rpc_parse(msg, size, &f);
    if (st == OCPP_OK) {
        check(f.has_id || f.type != OCPP_RPC_CALL);
        if (f.type == OCPP_RPC_CALL) {
            run_dispatch(&f);
        }
    } else if (st == OCPP_ERR_PARSE && f.has_id) {
        check(f.error != OCPP_RPC_OK && f.error_desc != NULL);
        run_error(&f);
    } else {
        check(!f.has_id && f.id_len == 0);
    }

    if (ocpp_rpc_recover_id(msg, size, &f) == OCPP_OK) {
        check(f.has_id && f.id_len <= 4u * OCPP_RPC_ID_MAX);
        run_error(&f);
    }
    run_datetime(msg, size);
    free(msg);
    return 0;
}
