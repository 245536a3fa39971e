/* OCPP-J 1.6 RPC framing: error codes, parse, writers, ids, pending CALL,
 * actions, dispatch, field helpers, date-time. Clauses are from the OCPP-J 1.6
 * specification (§) unless another document is named; the OCPP-J 2.0.1
 * dialect (spellings, 2.0.1 actions, dispatch by name, parse_d) at the end,
 * from OCPP 2.0.1 edition 3 Part 4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_config_defaults.h"
#include "ocpp/ocpp_json.h"
#include "rpc/rpc.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

static ocpp_status_t parse(const char *s, ocpp_rpc_frame_t *f)
{
    return ocpp_rpc_parse(s, strlen(s), f);
}

/** Finish a writer and return its text (NUL-terminated in buf). */
static const char *finish(ocpp_jw_t *w, char *buf, size_t cap)
{
    size_t n = 0;
    assert_int_equal(ocpp_jw_finish(w, &n), OCPP_OK);
    assert_true(n < cap);
    buf[n] = '\0';
    return buf;
}

/** The CALLERROR the caller would send for a bad frame. */
static const char *answer_bad(const ocpp_rpc_frame_t *f, char *buf, size_t cap)
{
    ocpp_jw_t w;
    assert_true(f->has_id);
    ocpp_jw_init(&w, buf, cap);
    assert_int_equal(ocpp_rpc_write_error(&w, f->id, f->id_len, f->error, f->error_desc), OCPP_OK);
    return finish(&w, buf, cap);
}

/** Parse a message that must fail with OCPP_ERR_PARSE and be answerable. */
static void expect_answer(const char *msg, const char *frame)
{
    ocpp_rpc_frame_t f;
    char buf[512];
    assert_int_equal(parse(msg, &f), OCPP_ERR_PARSE);
    assert_string_equal(answer_bad(&f, buf, sizeof buf), frame);
}

/** Parse a message that must fail and can not be answered. */
static void expect_drop(const char *msg, ocpp_status_t st)
{
    ocpp_rpc_frame_t f;
    assert_int_equal(parse(msg, &f), st);
    assert_false(f.has_id);
    assert_int_equal(f.id_len, 0);
}

/* ---- A small handler table ---- */

typedef struct {
    int calls;
    size_t pad; /* bytes of filler the "big" handler writes */
} ctx_t;

static const char *const reset_types[] = {"Hard", "Soft"};

/* Reset: {"type": "Hard"|"Soft"} -> {"status":"Accepted"} */
static ocpp_rpc_err_t on_reset(void *vctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                               const char **desc)
{
    ctx_t *ctx = vctx;
    size_t type = 0;
    ctx->calls++;
    ocpp_rpc_err_t e = ocpp_rpc_get_enum(payload, "type", true, reset_types, 2, &type, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "status", "Accepted");
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

/* UnlockConnector: {"connectorId": 1..2} */
static ocpp_rpc_err_t on_unlock(void *vctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                                const char **desc)
{
    int64_t id = 0;
    (void)vctx;
    ocpp_rpc_err_t e = ocpp_rpc_get_int(payload, "connectorId", true, 1, 2, &id, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "status", "Unlocked");
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

/* GetConfiguration: writes ctx->pad bytes of filler (overflow tests). */
static ocpp_rpc_err_t on_big(void *vctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                             const char **desc)
{
    const ctx_t *ctx = vctx;
    char filler[600];
    (void)payload;
    (void)desc;
    memset(filler, 'x', sizeof filler);
    ocpp_jw_obj_open(w);
    ocpp_jw_key(w, "k");
    ocpp_jw_strn(w, filler, ctx->pad < sizeof filler ? ctx->pad : sizeof filler);
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

/* DataTransfer: returns the error code named by "messageId" ("0".."10"). */
static ocpp_rpc_err_t on_data(void *vctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                              const char **desc)
{
    int64_t code = 0;
    (void)vctx;
    (void)ocpp_rpc_get_int(payload, "code", true, 0, 10, &code, desc);
    if (code == 0) {
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_str(w, "status", "Accepted");
        ocpp_jw_obj_close(w);
        return OCPP_RPC_OK;
    }
    ocpp_jw_obj_open(w); /* partial output that must be discarded */
    *desc = "handler says no";
    return (ocpp_rpc_err_t)code;
}

/* ClearCache: misbehaving handlers, by the "mode" field. */
static ocpp_rpc_err_t on_bad(void *vctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                             const char **desc)
{
    int64_t mode = 0;
    (void)vctx;
    (void)desc;
    (void)ocpp_rpc_get_int(payload, "mode", false, 0, 9, &mode, NULL);
    if (mode == 1) { /* two values */
        ocpp_jw_obj_open(w);
        ocpp_jw_obj_close(w);
        ocpp_jw_int(w, 5);
    } else if (mode == 2) { /* an array */
        ocpp_jw_arr_open(w);
        ocpp_jw_arr_close(w);
    } else if (mode == 3) { /* unclosed */
        ocpp_jw_obj_open(w);
    } else if (mode == 4) { /* an error after 40 bytes of answer */
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_str(w, "k", "0123456789012345678901234567890123456789");
        return OCPP_RPC_ERR_INTERNAL;
    }
    return OCPP_RPC_OK; /* mode 0: nothing written */
}

static const ocpp_rpc_handler_entry_t table[] = {
    {OCPP_ACTION_RESET, on_reset},           {OCPP_ACTION_UNLOCK_CONNECTOR, on_unlock},
    {OCPP_ACTION_GET_CONFIGURATION, on_big}, {OCPP_ACTION_DATA_TRANSFER, on_data},
    {OCPP_ACTION_CLEAR_CACHE, on_bad},
};
#define TABLE_N (sizeof table / sizeof table[0])

/** Parse msg (a valid CALL), dispatch into a cap-byte buffer, return the text. */
static const char *dispatch_cap(const char *msg, ctx_t *ctx, char *buf, size_t cap)
{
    ocpp_rpc_frame_t f;
    ocpp_jw_t w;
    static char text[1024];
    assert_int_equal(parse(msg, &f), OCPP_OK);
    assert_int_equal(f.type, OCPP_RPC_CALL);
    ocpp_jw_init(&w, buf, cap);
    assert_int_equal(ocpp_rpc_dispatch(table, TABLE_N, ctx, &f, &w), OCPP_OK);
    size_t n = 0;
    assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
    assert_true(n < sizeof text);
    memcpy(text, buf, n);
    text[n] = '\0';
    return text;
}

static const char *dispatch(const char *msg)
{
    static char buf[1024];
    ctx_t ctx = {0, 0};
    return dispatch_cap(msg, &ctx, buf, sizeof buf);
}

/* ------------------------------------------------------------------------ */
/* Error codes: one test per code, with the exact frame                      */
/* ------------------------------------------------------------------------ */

static void test_err_strings(void **state)
{
    (void)state;
    /* §4.2.3 Table 7 "Valid Error Codes"; errata §5.1/§5.2: the misspelled
     * OccurenceConstraintViolation and FormationViolation stay in 1.6. */
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_NOT_IMPLEMENTED), "NotImplemented");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_NOT_SUPPORTED), "NotSupported");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_INTERNAL), "InternalError");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_PROTOCOL), "ProtocolError");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_SECURITY), "SecurityError");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_FORMATION_VIOLATION), "FormationViolation");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_PROPERTY_CONSTRAINT),
                        "PropertyConstraintViolation");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_OCCURENCE_CONSTRAINT),
                        "OccurenceConstraintViolation");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_TYPE_CONSTRAINT), "TypeConstraintViolation");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_GENERIC), "GenericError");
    /* Never an invalid code on the wire. */
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_OK), "GenericError");
    assert_string_equal(ocpp_rpc_err_str((ocpp_rpc_err_t)99), "GenericError");
}

static void test_err_from_json(void **state)
{
    ocpp_rpc_frame_t f;
    (void)state;
    assert_int_equal(parse("[4,\"1\",\"OccurenceConstraintViolation\",\"\",{}]", &f), OCPP_OK);
    assert_int_equal(f.error, OCPP_RPC_ERR_OCCURENCE_CONSTRAINT);
    assert_int_equal(parse("[4,\"1\",\"NotSupported\",\"\",{}]", &f), OCPP_OK);
    assert_int_equal(f.error, OCPP_RPC_ERR_NOT_SUPPORTED);
    /* Unknown (e.g. 2.0.1's FormatViolation) -> GenericError. */
    assert_int_equal(parse("[4,\"1\",\"FormatViolation\",\"\",{}]", &f), OCPP_OK);
    assert_int_equal(f.error, OCPP_RPC_ERR_GENERIC);
    assert_int_equal(ocpp_rpc_err_from_json(NULL), OCPP_RPC_ERR_GENERIC);
}

static void test_code_not_implemented(void **state)
{
    (void)state;
    /* §4.2.3 NotImplemented: "Requested Action is not known by receiver" */
    assert_string_equal(dispatch("[2,\"n1\",\"FooBar\",{}]"),
                        "[4,\"n1\",\"NotImplemented\",\"unknown action\",{}]");
    /* Action names are case-sensitive (§4.2.1 Table 4: "case-sensitive string"). */
    assert_string_equal(dispatch("[2,\"n2\",\"reset\",{}]"),
                        "[4,\"n2\",\"NotImplemented\",\"unknown action\",{}]");
}

static void test_code_not_supported(void **state)
{
    (void)state;
    /* §4.2.3 NotSupported: "Requested Action is recognized but not supported
     * by the receiver" - a 1.6 action with no handler (profile compiled out). */
    assert_string_equal(dispatch("[2,\"s1\",\"SetChargingProfile\",{}]"),
                        "[4,\"s1\",\"NotSupported\",\"action not supported\",{}]");
    /* A CP-to-CS action sent to the charge point. */
    assert_string_equal(dispatch("[2,\"s2\",\"BootNotification\",{}]"),
                        "[4,\"s2\",\"NotSupported\",\"action not supported\",{}]");
}

static void test_code_internal_error(void **state)
{
    char buf[120];
    ctx_t ctx = {0, 200};
    (void)state;
    /* §4.2.3 InternalError: "An internal error occurred and the receiver was
     * not able to process the requested Action successfully" - the answer
     * does not fit; the writer is rewound so the CALLERROR does. */
    assert_string_equal(
        dispatch_cap("[2,\"i1\",\"GetConfiguration\",{}]", &ctx, buf, sizeof buf),
        "[4,\"i1\",\"InternalError\",\"answer does not fit the transmit buffer\",{}]");
}

static void test_code_protocol_error(void **state)
{
    (void)state;
    /* §4.2.3 ProtocolError: "Payload for Action is incomplete" - only
     * handlers send it; partial output of the handler is discarded. */
    assert_string_equal(dispatch("[2,\"p1\",\"DataTransfer\",{\"code\":4}]"),
                        "[4,\"p1\",\"ProtocolError\",\"handler says no\",{}]");
}

static void test_code_security_error(void **state)
{
    (void)state;
    /* §4.2.3 SecurityError: "During the processing of Action a security issue
     * occurred preventing receiver from completing the Action successfully" */
    assert_string_equal(dispatch("[2,\"x1\",\"DataTransfer\",{\"code\":5}]"),
                        "[4,\"x1\",\"SecurityError\",\"handler says no\",{}]");
}

static void test_code_formation_violation(void **state)
{
    (void)state;
    /* §4.2.3 FormationViolation: "Payload for Action is syntactically incorrect
     * or not conform the PDU structure for Action". */
    expect_answer("[2,\"abc\",5,{}]",
                  "[4,\"abc\",\"FormationViolation\",\"action is no string\",{}]");
    /* §4.2.1: "A Call always consists of 4 elements" */
    expect_answer("[2,\"abc\",\"Reset\"]",
                  "[4,\"abc\",\"FormationViolation\",\"a CALL has 4 elements\",{}]");
    expect_answer("[2,\"abc\",\"Reset\",{},{}]",
                  "[4,\"abc\",\"FormationViolation\",\"a CALL has 4 elements\",{}]");
    /* §4.2.1 Table 4: "Payload is a JSON object" (or null). */
    expect_answer("[2,\"abc\",\"Reset\",[]]",
                  "[4,\"abc\",\"FormationViolation\",\"payload is no object\",{}]");
    expect_answer("[2,\"abc\",\"Reset\",\"x\"]",
                  "[4,\"abc\",\"FormationViolation\",\"payload is no object\",{}]");
    /* §4.1.2: "MUST be valid JSON"; the id is taken from the CALL prefix. */
    expect_answer("[2,\"abc\",\"Reset\",{]",
                  "[4,\"abc\",\"FormationViolation\",\"invalid JSON\",{}]");
}

static void test_code_property_constraint(void **state)
{
    (void)state;
    /* §4.2.3 PropertyConstraintViolation: "Payload is syntactically correct
     * but at least one field contains an invalid value"; OCPP 1.6 errata: an
     * invalid enumeration value and an invalid connectorId "SHALL respond with
     * RPC Framework CALLERROR: PropertyConstraintViolation (JSON)". */
    assert_string_equal(
        dispatch("[2,\"c1\",\"Reset\",{\"type\":\"Medium\"}]"),
        "[4,\"c1\",\"PropertyConstraintViolation\",\"value not in enumeration\",{}]");
    assert_string_equal(
        dispatch("[2,\"c2\",\"UnlockConnector\",{\"connectorId\":3}]"),
        "[4,\"c2\",\"PropertyConstraintViolation\",\"field value out of range\",{}]");
}

static void test_code_occurence_constraint(void **state)
{
    (void)state;
    /* §4.2.3 OccurenceConstraintViolation: "at least one of the fields
     * violates occurrence constraints" - OCPP 1.6 "CARD. 1..1 Required". */
    assert_string_equal(
        dispatch("[2,\"o1\",\"Reset\",{}]"),
        "[4,\"o1\",\"OccurenceConstraintViolation\",\"required field missing\",{}]");
    /* null payload means no payload (§4.2.1), so the field is missing. */
    assert_string_equal(
        dispatch("[2,\"o2\",\"UnlockConnector\",null]"),
        "[4,\"o2\",\"OccurenceConstraintViolation\",\"required field missing\",{}]");
}

static void test_code_type_constraint(void **state)
{
    (void)state;
    /* §4.2.3 TypeConstraintViolation: "at least one of the fields violates
     * data type constraints (e.g. "somestring": 12)" */
    assert_string_equal(dispatch("[2,\"t1\",\"UnlockConnector\",{\"connectorId\":\"1\"}]"),
                        "[4,\"t1\",\"TypeConstraintViolation\",\"field has the wrong type\",{}]");
    assert_string_equal(dispatch("[2,\"t2\",\"UnlockConnector\",{\"connectorId\":1.5}]"),
                        "[4,\"t2\",\"TypeConstraintViolation\",\"field is no integer\",{}]");
    assert_string_equal(dispatch("[2,\"t3\",\"Reset\",{\"type\":12}]"),
                        "[4,\"t3\",\"TypeConstraintViolation\",\"field has the wrong type\",{}]");
}

static void test_code_generic_error(void **state)
{
    (void)state;
    /* §4.2.3 GenericError: "Any other error not covered by the previous ones" */
    assert_string_equal(dispatch("[2,\"g1\",\"DataTransfer\",{\"code\":10}]"),
                        "[4,\"g1\",\"GenericError\",\"handler says no\",{}]");
}

/* ------------------------------------------------------------------------ */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------ */

static void test_parse_call(void **state)
{
    ocpp_rpc_frame_t f;
    (void)state;
    /* §4.2.1 example, with its whitespace. */
    const char *m = "[\n  2,\n  \"19223201\",\n  \"BootNotification\",\n"
                    "  { \"chargePointVendor\": \"VendorX\", \"chargePointModel\": "
                    "\"SingleSocketCharger\" }\n]";
    assert_int_equal(parse(m, &f), OCPP_OK);
    assert_int_equal(f.type, OCPP_RPC_CALL);
    assert_true(f.has_id);
    assert_string_equal(f.id, "19223201");
    assert_int_equal(f.id_len, 8);
    assert_int_equal(f.action, OCPP_ACTION_BOOT_NOTIFICATION);
    assert_true(ocpp_json_string_eq(&f.action_name, "BootNotification"));
    assert_int_equal(f.payload.type, OCPP_JSON_OBJECT);
    assert_int_equal(ocpp_json_count(&f.payload), 2);
    assert_int_equal(f.error, OCPP_RPC_OK);
    assert_null(f.error_desc);
}

static void test_parse_call_null_payload(void **state)
{
    ocpp_rpc_frame_t f;
    (void)state;
    /* §4.2.1 Table 4: "If there is no payload JSON allows for two different
     * notations: null or and empty object {}." */
    assert_int_equal(parse("[2,\"1\",\"Heartbeat\",null]", &f), OCPP_OK);
    assert_int_equal(f.payload.type, OCPP_JSON_OBJECT);
    assert_int_equal(f.payload.len, 2);
    assert_memory_equal(f.payload.ptr, "{}", 2);
    assert_int_equal(f.action, OCPP_ACTION_HEARTBEAT);
}

static void test_parse_call_unknown_action(void **state)
{
    ocpp_rpc_frame_t f;
    (void)state;
    /* Unknown names parse; dispatch answers NotImplemented. */
    assert_int_equal(parse("[2,\"1\",\"Heartbeatz\",{}]", &f), OCPP_OK);
    assert_int_equal(f.action, OCPP_ACTION_UNKNOWN);
    assert_int_equal(parse("[2,\"1\",\"\",{}]", &f), OCPP_OK);
    assert_int_equal(f.action, OCPP_ACTION_UNKNOWN);
    /* Escaped action names are decoded before lookup. */
    assert_int_equal(parse("[2,\"1\",\"Heart\\u0062eat\",{}]", &f), OCPP_OK);
    assert_int_equal(f.action, OCPP_ACTION_HEARTBEAT);
    /* A very long name is simply unknown. */
    assert_int_equal(parse("[2,\"1\",\"HeartbeatHeartbeatHeartbeatHeartbeatHeartbeat\",{}]", &f),
                     OCPP_OK);
    assert_int_equal(f.action, OCPP_ACTION_UNKNOWN);
}

static void test_parse_callresult(void **state)
{
    ocpp_rpc_frame_t f;
    ocpp_json_value_t v;
    (void)state;
    /* §4.2.2 example. */
    assert_int_equal(parse("[3,\"19223201\",{\"status\":\"Accepted\",\"currentTime\":"
                           "\"2013-02-01T20:53:32.486Z\",\"heartbeatInterval\":300}]",
                           &f),
                     OCPP_OK);
    assert_int_equal(f.type, OCPP_RPC_CALLRESULT);
    assert_string_equal(f.id, "19223201");
    assert_int_equal(ocpp_json_get(&f.payload, "heartbeatInterval", &v), OCPP_OK);
    assert_int_equal(parse("[3,\"1\",null]", &f), OCPP_OK);
    assert_int_equal(f.payload.type, OCPP_JSON_OBJECT);
}

static void test_parse_callerror(void **state)
{
    ocpp_rpc_frame_t f;
    (void)state;
    /* OCPP-J errata §3.9 example. */
    assert_int_equal(
        parse("[4, \"162376037\", \"NotSupported\", \"SendLocalList.req not implemented\", {}]",
              &f),
        OCPP_OK);
    assert_int_equal(f.type, OCPP_RPC_CALLERROR);
    assert_string_equal(f.id, "162376037");
    assert_int_equal(f.error, OCPP_RPC_ERR_NOT_SUPPORTED);
    assert_true(ocpp_json_string_eq(&f.error_code, "NotSupported"));
    assert_true(ocpp_json_string_eq(&f.error_description, "SendLocalList.req not implemented"));
    assert_int_equal(f.payload.type, OCPP_JSON_OBJECT);
    /* errorDetails of the wrong type is tolerated (seen from real servers):
     * the reply must still end our CALL. */
    assert_int_equal(parse("[4,\"1\",\"InternalError\",\"x\",\"SQL ...\"]", &f), OCPP_OK);
    assert_int_equal(f.payload.type, OCPP_JSON_STRING);
}

static void test_parse_ids(void **state)
{
    ocpp_rpc_frame_t f;
    (void)state;
    /* §4.1.4 Table 3: "Maximum of 36 characters" - exactly 36 is fine. */
    assert_int_equal(parse("[2,\"123456789012345678901234567890123456\",\"Heartbeat\",{}]", &f),
                     OCPP_OK);
    assert_int_equal(f.id_len, 36);
    /* 36 characters of 2 bytes each (é) count as 36 characters. */
    char m[200];
    strcpy(m, "[2,\"");
    for (int i = 0; i < 36; i++) {
        strcat(m, "\xc3\xa9");
    }
    strcat(m, "\",\"Heartbeat\",{}]");
    assert_int_equal(parse(m, &f), OCPP_OK);
    assert_int_equal(f.id_len, 72);
    /* Escapes are decoded: the id is compared and echoed in decoded form. */
    assert_int_equal(parse("[2,\"a\\\"b\\u0063\",\"Heartbeat\",{}]", &f), OCPP_OK);
    assert_string_equal(f.id, "a\"bc");
    /* An empty id is a string; it parses (has_id true, id_len 0). */
    assert_int_equal(parse("[2,\"\",\"Heartbeat\",{}]", &f), OCPP_OK);
    assert_true(f.has_id);
    assert_int_equal(f.id_len, 0);
}

static void test_parse_id_too_long(void **state)
{
    ocpp_rpc_frame_t f;
    char buf[256];
    (void)state;
    /* §4.2.3: the CallError cases include "unique identifier too long". */
    assert_int_equal(parse("[2,\"1234567890123456789012345678901234567\",\"Heartbeat\",{}]", &f),
                     OCPP_ERR_PARSE);
    assert_string_equal(answer_bad(&f, buf, sizeof buf),
                        "[4,\"1234567890123456789012345678901234567\",\"FormationViolation\","
                        "\"message id longer than 36 characters\",{}]");
    /* An id too long for the echo buffer cannot be answered. */
    char m[400];
    strcpy(m, "[2,\"");
    for (int i = 0; i < 200; i++) {
        strcat(m, "x");
    }
    strcat(m, "\",\"Heartbeat\",{}]");
    expect_drop(m, OCPP_ERR_PARSE);
    /* A reply with a too-long id cannot match our CALL: not answered. */
    expect_drop("[3,\"1234567890123456789012345678901234567\",{}]", OCPP_ERR_PROTOCOL);
}

static void test_parse_unanswerable(void **state)
{
    (void)state;
    /* No id can be recovered: log and drop. */
    expect_drop("not json", OCPP_ERR_PARSE);
    expect_drop("", OCPP_ERR_PARSE);
    expect_drop("{\"a\":1}", OCPP_ERR_PARSE);
    expect_drop("[]", OCPP_ERR_PARSE);
    expect_drop("[2]", OCPP_ERR_PARSE);
    expect_drop("[2,5,\"Heartbeat\",{}]", OCPP_ERR_PARSE);
    expect_drop("[2,null,\"Heartbeat\",{}]", OCPP_ERR_PARSE);
    expect_drop("\"[2,\\\"a\\\",\\\"Heartbeat\\\",{}]\"", OCPP_ERR_PARSE);
}

static void test_parse_invalid_json_recovers_call_id(void **state)
{
    ocpp_rpc_frame_t f;
    (void)state;
    /* Truncated JSON whose CALL prefix carries a complete id: answerable. */
    assert_int_equal(parse("[2,\"abc\",\"Heartbeat\"", &f), OCPP_ERR_PARSE);
    assert_true(f.has_id);
    assert_string_equal(f.id, "abc");
    assert_int_equal(f.error, OCPP_RPC_ERR_FORMATION_VIOLATION);
    /* Invalid UTF-8 in the payload. */
    assert_int_equal(parse("[2,\"u\",\"Heartbeat\",{\"a\":\"\xff\"}]", &f), OCPP_ERR_PARSE);
    assert_string_equal(f.id, "u");
    /* Invalid JSON in a reply: no CALL prefix, not answered. */
    expect_drop("[3,\"abc\",{]", OCPP_ERR_PARSE);
}

static void test_parse_unknown_type_ignored(void **state)
{
    (void)state;
    /* §4.1.3: "When a server receives a message with a Message Type Number
     * not in this list, it SHALL ignore the message payload." */
    expect_drop("[5,\"abc\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[6,\"abc\",\"Heartbeat\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[1,\"abc\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[-2,\"abc\",\"Heartbeat\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[\"2\",\"abc\",\"Heartbeat\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[2.0,\"abc\",\"Heartbeat\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[2e0,\"abc\",\"Heartbeat\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[99999999999999999999999,\"abc\",{}]", OCPP_ERR_PROTOCOL);
    /* Only the integers 2, 3 and 4 are MessageTypeNumbers (§4.1.3 Table 2). */
    expect_drop("[3.0,\"abc\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[4E0,\"abc\",\"GenericError\",\"\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[40,\"abc\",\"GenericError\",\"\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[-0,\"abc\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[0,\"abc\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[true,\"abc\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[[2],\"abc\",\"Heartbeat\",{}]", OCPP_ERR_PROTOCOL);
    ocpp_rpc_frame_t f;
    assert_int_equal(parse(" [ 3 , \"abc\" , { } ] ", &f), OCPP_OK);
    assert_int_equal(f.type, OCPP_RPC_CALLRESULT);
}

static void test_parse_bad_replies_not_answered(void **state)
{
    (void)state;
    /* §4.2.2: "A CallResult always consists of 3 elements"; a CallError is a
     * response to a CALL (§4.2.3), so a bad reply is never answered. */
    expect_drop("[3,\"a\"]", OCPP_ERR_PROTOCOL);
    expect_drop("[3,\"a\",{},{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[3,\"a\",[]]", OCPP_ERR_PROTOCOL);
    expect_drop("[3,\"a\",5]", OCPP_ERR_PROTOCOL);
    expect_drop("[3,5,{}]", OCPP_ERR_PROTOCOL);
    /* §4.2.3: "A CallError always consists of 5 elements" */
    expect_drop("[4,\"a\",\"GenericError\",\"\"]", OCPP_ERR_PROTOCOL);
    expect_drop("[4,\"a\",\"GenericError\",\"\",{},1]", OCPP_ERR_PROTOCOL);
    expect_drop("[4,\"a\",5,\"\",{}]", OCPP_ERR_PROTOCOL);
    expect_drop("[4,\"a\",\"GenericError\",null,{}]", OCPP_ERR_PROTOCOL);
}

static void test_parse_null_args(void **state)
{
    ocpp_rpc_frame_t f;
    (void)state;
    assert_int_equal(ocpp_rpc_parse(NULL, 0, &f), OCPP_ERR_PARAM);
    assert_false(f.has_id);
    assert_int_equal(ocpp_rpc_parse("[]", 2, NULL), OCPP_ERR_PARAM);
    /* Length is honoured: no NUL needed, nothing read past len. */
    const char m[] = "[2,\"1\",\"Heartbeat\",{}]GARBAGE";
    assert_int_equal(ocpp_rpc_parse(m, sizeof m - 8, &f), OCPP_OK);
}

/* ------------------------------------------------------------------------ */
/* Id recovery from a truncated prefix                                       */
/* ------------------------------------------------------------------------ */

static ocpp_status_t recover(const char *s, ocpp_rpc_frame_t *f)
{
    return ocpp_rpc_recover_id(s, strlen(s), f);
}

static void test_recover_id(void **state)
{
    ocpp_rpc_frame_t f;
    char buf[256];
    (void)state;
    /* A CALL too large for the receive buffer: InternalError (rpc.h). */
    assert_int_equal(recover("[2,\"big1\",\"SendLocalList\",{\"listVersion\":1,\"local", &f),
                     OCPP_OK);
    assert_string_equal(answer_bad(&f, buf, sizeof buf),
                        "[4,\"big1\",\"InternalError\",\"message too large\",{}]");
    /* Whitespace, and a prefix ending right after the id. */
    assert_int_equal(recover(" [ 2 ,\n\t\"abc\" ", &f), OCPP_OK);
    assert_string_equal(f.id, "abc");
    assert_int_equal(recover("[2,\"abc\"", &f), OCPP_OK);
    /* Escapes in the id. */
    assert_int_equal(recover("[2,\"a\\\"b\\\\\",\"X", &f), OCPP_OK);
    assert_string_equal(f.id, "a\"b\\");
}

static void test_recover_id_fails(void **state)
{
    ocpp_rpc_frame_t f;
    (void)state;
    assert_int_equal(recover("", &f), OCPP_ERR_PARSE);
    assert_false(f.has_id);
    assert_int_equal(recover("[2,\"ab", &f), OCPP_ERR_PARSE);     /* id incomplete */
    assert_int_equal(recover("[2,\"ab\\\"", &f), OCPP_ERR_PARSE); /* escaped quote */
    assert_int_equal(recover("[3,\"abc\",{", &f), OCPP_ERR_PARSE);
    assert_int_equal(recover("[4,\"abc\",\"", &f), OCPP_ERR_PARSE);
    assert_int_equal(recover("[20,\"abc\",", &f), OCPP_ERR_PARSE);
    assert_int_equal(recover("[2.0,\"abc\",", &f), OCPP_ERR_PARSE);
    assert_int_equal(recover("[2,abc,", &f), OCPP_ERR_PARSE);
    assert_int_equal(recover("[2,\"abc\"x", &f), OCPP_ERR_PARSE);
    assert_int_equal(recover("{2,\"abc\",", &f), OCPP_ERR_PARSE);
    assert_int_equal(recover("[2,\"a\\xb\",", &f), OCPP_ERR_PARSE); /* bad escape */
    assert_int_equal(recover("[2,\"a\x01\",", &f), OCPP_ERR_PARSE); /* control char */
    assert_int_equal(recover("[2,\"a\xff\",", &f), OCPP_ERR_PARSE); /* bad UTF-8 */
    assert_int_equal(recover("[2,\"1234567890123456789012345678901234567\",", &f),
                     OCPP_ERR_PARSE); /* §4.1.4: over 36 characters */
    assert_int_equal(ocpp_rpc_recover_id(NULL, 0, &f), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_rpc_recover_id("[", 1, NULL), OCPP_ERR_PARAM);
}

/* ------------------------------------------------------------------------ */
/* Writers                                                                   */
/* ------------------------------------------------------------------------ */

static void test_write_call(void **state)
{
    char buf[128];
    ocpp_jw_t w;
    (void)state;
    /* §4.2.1: [<MessageTypeId>, "<UniqueId>", "<Action>", {<Payload>}] */
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_rpc_write_call_open(&w, "19223201", OCPP_ACTION_BOOT_NOTIFICATION);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "chargePointVendor", "VendorX");
    ocpp_jw_obj_close(&w);
    ocpp_rpc_write_close(&w);
    assert_string_equal(
        finish(&w, buf, sizeof buf),
        "[2,\"19223201\",\"BootNotification\",{\"chargePointVendor\":\"VendorX\"}]");
}

static void test_write_result(void **state)
{
    char buf[128];
    ocpp_jw_t w;
    (void)state;
    /* §4.2.2: [<MessageTypeId>, "<UniqueId>", {<Payload>}]; the id is
     * re-escaped from its decoded form. */
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_rpc_write_result_open(&w, "a\"b", 3);
    ocpp_jw_obj_open(&w);
    ocpp_jw_obj_close(&w);
    ocpp_rpc_write_close(&w);
    assert_string_equal(finish(&w, buf, sizeof buf), "[3,\"a\\\"b\",{}]");
}

static void test_write_error_fallback(void **state)
{
    char buf[64];
    ocpp_jw_t w;
    (void)state;
    /* §4.2.3 Table 6: Description "Should be filled in if possible, otherwise
     * a clear empty string"; ErrorDetails "If there are no error details you
     * MUST fill in an empty object {}". */
    ocpp_jw_init(&w, buf, 40);
    assert_int_equal(ocpp_rpc_write_error(&w, "id", 2, OCPP_RPC_ERR_INTERNAL,
                                          "a description that is far too long to fit"),
                     OCPP_OK);
    assert_string_equal(finish(&w, buf, sizeof buf), "[4,\"id\",\"InternalError\",\"\",{}]");
    /* Not even that fits: NOMEM, nothing usable. */
    ocpp_jw_init(&w, buf, 20);
    assert_int_equal(ocpp_rpc_write_error(&w, "id", 2, OCPP_RPC_ERR_INTERNAL, "x"), OCPP_ERR_NOMEM);
    ocpp_jw_init(&w, buf, sizeof buf);
    assert_int_equal(ocpp_rpc_write_error(&w, "id", 2, OCPP_RPC_ERR_GENERIC, NULL), OCPP_OK);
    assert_string_equal(finish(&w, buf, sizeof buf), "[4,\"id\",\"GenericError\",\"\",{}]");
    assert_int_equal(ocpp_rpc_write_error(NULL, "id", 2, OCPP_RPC_ERR_GENERIC, NULL),
                     OCPP_ERR_PARAM);
}

static void test_write_error_min_cap(void **state)
{
    char buf[OCPP_RPC_ERROR_MIN_CAP];
    char id[OCPP_RPC_ID_MAX + 1];
    ocpp_jw_t w;
    (void)state;
    /* Worst case id: 36 control characters, each escaped as \u00XX. */
    memset(id, 0x01, OCPP_RPC_ID_MAX);
    id[OCPP_RPC_ID_MAX] = '\0';
    for (int e = OCPP_RPC_ERR_NOT_IMPLEMENTED; e <= OCPP_RPC_ERR_GENERIC; e++) {
        ocpp_jw_init(&w, buf, sizeof buf);
        assert_int_equal(
            ocpp_rpc_write_error(&w, id, OCPP_RPC_ID_MAX, (ocpp_rpc_err_t)e, "some text"), OCPP_OK);
        assert_int_equal(ocpp_jw_finish(&w, NULL), OCPP_OK);
    }
}

/* ------------------------------------------------------------------------ */
/* Message ids                                                               */
/* ------------------------------------------------------------------------ */

static void test_ids_format(void **state)
{
    ocpp_rpc_ids_t ids;
    char id[OCPP_RPC_ID_MAX + 1];
    (void)state;
    ocpp_rpc_ids_init(&ids, 0xDEADBEEFu);
    ocpp_rpc_next_id(&ids, id);
    assert_string_equal(id, "deadbeef-00000000");
    ocpp_rpc_next_id(&ids, id);
    assert_string_equal(id, "deadbeef-00000001");
    /* §4.1.4 Table 3: at most 36 characters. */
    assert_true(strlen(id) <= OCPP_RPC_ID_MAX);
    ids.counter = 0xFFFFFFFFu;
    ocpp_rpc_next_id(&ids, id);
    assert_string_equal(id, "deadbeef-ffffffff");
    ocpp_rpc_next_id(NULL, id); /* no crash */
    ocpp_rpc_ids_init(NULL, 1);
}

static void test_ids_unique(void **state)
{
    ocpp_rpc_ids_t a, b;
    char prev[OCPP_RPC_ID_MAX + 1] = "";
    char id[OCPP_RPC_ID_MAX + 1];
    char other[OCPP_RPC_ID_MAX + 1];
    (void)state;
    /* §4.1.4 (errata §3.1, 2025-04): a CALL id "MUST be different from all
     * message IDs previously used by the same sender for CALL messages on any
     * WebSocket connection" - within a boot the counter never repeats (ids
     * are fixed width, so strictly increasing strings are all different)... */
    ocpp_rpc_ids_init(&a, 12345u);
    for (int i = 0; i < 100000; i++) {
        ocpp_rpc_next_id(&a, id);
        assert_true(strcmp(id, prev) > 0);
        strcpy(prev, id);
    }
    /* ...and two boots with different random seeds share no id. */
    ocpp_rpc_ids_init(&a, 1u);
    ocpp_rpc_ids_init(&b, 2u);
    ocpp_rpc_next_id(&a, id);
    ocpp_rpc_next_id(&b, other);
    assert_string_not_equal(id, other);
}

/* ------------------------------------------------------------------------ */
/* Outstanding CALL                                                          */
/* ------------------------------------------------------------------------ */

static void test_pending(void **state)
{
    ocpp_rpc_pending_t p;
    (void)state;
    memset(&p, 0, sizeof p);
    assert_false(ocpp_rpc_pending_match(&p, "a", 1));
    assert_false(ocpp_rpc_pending_expired(&p, 1000000u, 1u));
    assert_int_equal(ocpp_rpc_pending_start(&p, "abc", OCPP_ACTION_HEARTBEAT, 100u), OCPP_OK);
    /* §4.1.1: "SHOULD NOT send a CALL message to the other party unless all
     * the CALL messages it sent before have been responded to or have timed
     * out." */
    assert_int_equal(ocpp_rpc_pending_start(&p, "abd", OCPP_ACTION_HEARTBEAT, 100u), OCPP_ERR_BUSY);
    /* "A CALL message has been responded to when a CALLERROR or CALLRESULT
     * message has been received with the message ID of the CALL message." */
    assert_true(ocpp_rpc_pending_match(&p, "abc", 3));
    assert_false(ocpp_rpc_pending_match(&p, "abcd", 4));
    assert_false(ocpp_rpc_pending_match(&p, "ab", 2));
    assert_false(ocpp_rpc_pending_match(&p, "abd", 3));
    assert_false(ocpp_rpc_pending_match(&p, NULL, 0));
    assert_int_equal(p.action, OCPP_ACTION_HEARTBEAT);
    ocpp_rpc_pending_clear(&p);
    assert_false(ocpp_rpc_pending_match(&p, "abc", 3));
    assert_int_equal(ocpp_rpc_pending_start(&p, "1234567890123456789012345678901234567",
                                            OCPP_ACTION_HEARTBEAT, 0),
                     OCPP_ERR_PARAM);
    assert_int_equal(ocpp_rpc_pending_start(NULL, "a", OCPP_ACTION_HEARTBEAT, 0), OCPP_ERR_PARAM);
}

static void test_pending_timeout_wrap(void **state)
{
    ocpp_rpc_pending_t p;
    (void)state;
    memset(&p, 0, sizeof p);
    /* §4.1.1: timed out when "an implementation-dependent timeout interval
     * has elapsed since the message was sent". */
    assert_int_equal(ocpp_rpc_pending_start(&p, "x", OCPP_ACTION_AUTHORIZE, 1000u), OCPP_OK);
    assert_false(ocpp_rpc_pending_expired(&p, 1000u, 30000u));
    assert_false(ocpp_rpc_pending_expired(&p, 30999u, 30000u));
    assert_true(ocpp_rpc_pending_expired(&p, 31000u, 30000u));
    ocpp_rpc_pending_clear(&p);
    /* Sent 0x100 ms before the uint32 wrap; 0x200 ms elapsed after it. */
    assert_int_equal(ocpp_rpc_pending_start(&p, "y", OCPP_ACTION_AUTHORIZE, 0xFFFFFF00u), OCPP_OK);
    assert_false(ocpp_rpc_pending_expired(&p, 0xFFFFFFFFu, 0x200u));
    assert_false(ocpp_rpc_pending_expired(&p, 0x000000FFu, 0x200u));
    assert_true(ocpp_rpc_pending_expired(&p, 0x00000100u, 0x200u));
    assert_true(ocpp_rpc_pending_expired(&p, 0x00001000u, 0x200u));
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                   */
/* ------------------------------------------------------------------------ */

static void test_actions(void **state)
{
    (void)state;
    /* The lookup is a binary search: the table must be sorted. */
    for (int a = OCPP_ACTION_AUTHORIZE + 1; a < OCPP_ACTION_COUNT_; a++) {
        assert_true(strcmp(ocpp_rpc_action_name((ocpp_rpc_action_t)(a - 1)),
                           ocpp_rpc_action_name((ocpp_rpc_action_t)a)) < 0);
    }
    for (int a = OCPP_ACTION_AUTHORIZE; a < OCPP_ACTION_COUNT_; a++) {
        const char *n = ocpp_rpc_action_name((ocpp_rpc_action_t)a);
        assert_true(strlen(n) > 0);
        assert_int_equal(ocpp_rpc_action_lookup(n, strlen(n)), a);
        /* Prefixes and extensions of a name are no names. */
        assert_int_equal(ocpp_rpc_action_lookup(n, strlen(n) - 1), OCPP_ACTION_UNKNOWN);
    }
    /* 28 OCPP 1.6 actions + 11 of the security whitepaper. */
    assert_int_equal(OCPP_ACTION_COUNT_ - 1, 39);
    assert_string_equal(ocpp_rpc_action_name(OCPP_ACTION_SIGNED_UPDATE_FIRMWARE),
                        "SignedUpdateFirmware");
    assert_string_equal(ocpp_rpc_action_name(OCPP_ACTION_UNKNOWN), "");
    assert_string_equal(ocpp_rpc_action_name(OCPP_ACTION_COUNT_), "");
    assert_int_equal(ocpp_rpc_action_lookup("HeartbeatX", 10), OCPP_ACTION_UNKNOWN);
    assert_int_equal(ocpp_rpc_action_lookup("heartbeat", 9), OCPP_ACTION_UNKNOWN);
    assert_int_equal(ocpp_rpc_action_lookup("A", 1), OCPP_ACTION_UNKNOWN);
    assert_int_equal(ocpp_rpc_action_lookup("Z", 1), OCPP_ACTION_UNKNOWN);
    assert_int_equal(ocpp_rpc_action_lookup(NULL, 3), OCPP_ACTION_UNKNOWN);
    assert_int_equal(ocpp_rpc_action_lookup("Reset", 0), OCPP_ACTION_UNKNOWN);
}

/* OCPP-J 1.6 §4.2.1 Table 4: Action is "The name of the remote procedure or
 * action. This will be a case-sensitive string containing the same value as
 * the Action-field in the request from the client." Exact match only. */
static void test_action_names_exact(void **state)
{
    (void)state;
    /* Every name, as OCPP 1.6 and the security whitepaper spell it. */
    static const struct {
        ocpp_rpc_action_t a;
        const char *name;
    } known[] = {
        {OCPP_ACTION_AUTHORIZE, "Authorize"},
        {OCPP_ACTION_BOOT_NOTIFICATION, "BootNotification"},
        {OCPP_ACTION_CANCEL_RESERVATION, "CancelReservation"},
        {OCPP_ACTION_CERTIFICATE_SIGNED, "CertificateSigned"},
        {OCPP_ACTION_CHANGE_AVAILABILITY, "ChangeAvailability"},
        {OCPP_ACTION_CHANGE_CONFIGURATION, "ChangeConfiguration"},
        {OCPP_ACTION_CLEAR_CACHE, "ClearCache"},
        {OCPP_ACTION_CLEAR_CHARGING_PROFILE, "ClearChargingProfile"},
        {OCPP_ACTION_DATA_TRANSFER, "DataTransfer"},
        {OCPP_ACTION_DELETE_CERTIFICATE, "DeleteCertificate"},
        {OCPP_ACTION_DIAGNOSTICS_STATUS_NOTIFICATION, "DiagnosticsStatusNotification"},
        {OCPP_ACTION_EXTENDED_TRIGGER_MESSAGE, "ExtendedTriggerMessage"},
        {OCPP_ACTION_FIRMWARE_STATUS_NOTIFICATION, "FirmwareStatusNotification"},
        {OCPP_ACTION_GET_COMPOSITE_SCHEDULE, "GetCompositeSchedule"},
        {OCPP_ACTION_GET_CONFIGURATION, "GetConfiguration"},
        {OCPP_ACTION_GET_DIAGNOSTICS, "GetDiagnostics"},
        {OCPP_ACTION_GET_INSTALLED_CERTIFICATE_IDS, "GetInstalledCertificateIds"},
        {OCPP_ACTION_GET_LOCAL_LIST_VERSION, "GetLocalListVersion"},
        {OCPP_ACTION_GET_LOG, "GetLog"},
        {OCPP_ACTION_HEARTBEAT, "Heartbeat"},
        {OCPP_ACTION_INSTALL_CERTIFICATE, "InstallCertificate"},
        {OCPP_ACTION_LOG_STATUS_NOTIFICATION, "LogStatusNotification"},
        {OCPP_ACTION_METER_VALUES, "MeterValues"},
        {OCPP_ACTION_REMOTE_START_TRANSACTION, "RemoteStartTransaction"},
        {OCPP_ACTION_REMOTE_STOP_TRANSACTION, "RemoteStopTransaction"},
        {OCPP_ACTION_RESERVE_NOW, "ReserveNow"},
        {OCPP_ACTION_RESET, "Reset"},
        {OCPP_ACTION_SECURITY_EVENT_NOTIFICATION, "SecurityEventNotification"},
        {OCPP_ACTION_SEND_LOCAL_LIST, "SendLocalList"},
        {OCPP_ACTION_SET_CHARGING_PROFILE, "SetChargingProfile"},
        {OCPP_ACTION_SIGN_CERTIFICATE, "SignCertificate"},
        {OCPP_ACTION_SIGNED_FIRMWARE_STATUS_NOTIFICATION, "SignedFirmwareStatusNotification"},
        {OCPP_ACTION_SIGNED_UPDATE_FIRMWARE, "SignedUpdateFirmware"},
        {OCPP_ACTION_START_TRANSACTION, "StartTransaction"},
        {OCPP_ACTION_STATUS_NOTIFICATION, "StatusNotification"},
        {OCPP_ACTION_STOP_TRANSACTION, "StopTransaction"},
        {OCPP_ACTION_TRIGGER_MESSAGE, "TriggerMessage"},
        {OCPP_ACTION_UNLOCK_CONNECTOR, "UnlockConnector"},
        {OCPP_ACTION_UPDATE_FIRMWARE, "UpdateFirmware"},
    };
    assert_int_equal(sizeof known / sizeof known[0], OCPP_ACTION_COUNT_ - 1);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        assert_string_equal(ocpp_rpc_action_name(known[i].a), known[i].name);
        assert_int_equal(ocpp_rpc_action_lookup(known[i].name, strlen(known[i].name)), known[i].a);
    }
    for (int a = OCPP_ACTION_AUTHORIZE; a < OCPP_ACTION_COUNT_; a++) {
        char buf[48];
        const char *n = ocpp_rpc_action_name((ocpp_rpc_action_t)a);
        size_t len = strlen(n);
        assert_true(len < sizeof buf - 1u);
        memcpy(buf, n, len + 1u);
        /* The name with its last letter changed, or its first: same length. */
        buf[len - 1u] = (char)(buf[len - 1u] ^ 0x20);
        assert_int_equal(ocpp_rpc_action_lookup(buf, len), OCPP_ACTION_UNKNOWN);
        buf[len - 1u] = n[len - 1u];
        buf[0] = (char)(buf[0] ^ 0x20);
        assert_int_equal(ocpp_rpc_action_lookup(buf, len), OCPP_ACTION_UNKNOWN);
        buf[0] = n[0];
        /* The name with its NUL, or one more letter, counted. */
        assert_int_equal(ocpp_rpc_action_lookup(buf, len + 1u), OCPP_ACTION_UNKNOWN);
        buf[len] = 'x';
        buf[len + 1u] = '\0';
        assert_int_equal(ocpp_rpc_action_lookup(buf, len + 1u), OCPP_ACTION_UNKNOWN);
    }
    assert_int_equal(ocpp_rpc_action_lookup("Reset\0", 6), OCPP_ACTION_UNKNOWN);
    assert_int_equal(ocpp_rpc_action_lookup("Resetx", 5), OCPP_ACTION_RESET);
    assert_string_equal(ocpp_rpc_action_name((ocpp_rpc_action_t)1000), "");
    assert_string_equal(ocpp_rpc_action_name((ocpp_rpc_action_t)-1), "");
}

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                  */
/* ------------------------------------------------------------------------ */

static void test_dispatch_handled(void **state)
{
    char buf[256];
    ctx_t ctx = {0, 0};
    (void)state;
    /* §4.2.2: "This must be the exact same ID that is in the call request" */
    assert_string_equal(
        dispatch_cap("[2,\"r1\",\"Reset\",{\"type\":\"Soft\"}]", &ctx, buf, sizeof buf),
        "[3,\"r1\",{\"status\":\"Accepted\"}]");
    assert_int_equal(ctx.calls, 1);
    assert_string_equal(dispatch("[2,\"q\\\"\",\"UnlockConnector\",{\"connectorId\":2}]"),
                        "[3,\"q\\\"\",{\"status\":\"Unlocked\"}]");
    assert_string_equal(dispatch("[2,\"d\",\"DataTransfer\",{\"code\":0}]"),
                        "[3,\"d\",{\"status\":\"Accepted\"}]");
}

static void test_dispatch_overflow_every_cap(void **state)
{
    char buf[300];
    ctx_t ctx = {0, 100};
    const char *ok = "[3,\"big\",{\"k\":\"";
    (void)state;
    /* For every buffer size: a complete CALLRESULT, or an InternalError
     * CALLERROR (possibly without description), or nothing at all - never a
     * truncated frame. */
    for (size_t cap = 0; cap < sizeof buf; cap++) {
        ocpp_rpc_frame_t f;
        ocpp_jw_t w;
        size_t n = 0;
        assert_int_equal(parse("[2,\"big\",\"GetConfiguration\",{}]", &f), OCPP_OK);
        ocpp_jw_init(&w, buf, cap);
        ocpp_status_t st = ocpp_rpc_dispatch(table, TABLE_N, &ctx, &f, &w);
        ocpp_status_t fin = ocpp_jw_finish(&w, &n);
        if (st == OCPP_ERR_NOMEM) {
            assert_true(cap < 31u); /* [4,"big","InternalError","",{}] */
            continue;
        }
        assert_int_equal(st, OCPP_OK);
        assert_int_equal(fin, OCPP_OK);
        assert_int_equal(ocpp_json_validate(buf, n), OCPP_OK);
        if (cap >= strlen(ok) + 100u + 3u) { /* [3,"big",{"k":"xx..."}] */
            assert_memory_equal(buf, ok, strlen(ok));
        } else {
            assert_memory_equal(buf, "[4,\"big\",\"InternalError\",", 25);
        }
    }
}

static void test_dispatch_bad_handler_output(void **state)
{
    (void)state;
    /* A handler that writes no payload, two values, an array or an unclosed
     * object is our bug: InternalError, never a malformed frame. */
    assert_string_equal(dispatch("[2,\"b0\",\"ClearCache\",{}]"),
                        "[4,\"b0\",\"InternalError\",\"handler wrote no valid payload\",{}]");
    assert_string_equal(dispatch("[2,\"b1\",\"ClearCache\",{\"mode\":1}]"),
                        "[4,\"b1\",\"InternalError\",\"handler wrote no valid payload\",{}]");
    assert_string_equal(dispatch("[2,\"b2\",\"ClearCache\",{\"mode\":2}]"),
                        "[4,\"b2\",\"InternalError\",\"handler wrote no valid payload\",{}]");
    assert_string_equal(dispatch("[2,\"b3\",\"ClearCache\",{\"mode\":3}]"),
                        "[4,\"b3\",\"InternalError\",\"handler wrote no valid payload\",{}]");
}

/* Collects what a streaming writer hands over. */
static char g_streamed[1024];
static size_t g_streamed_len;

static bool collect(ocpp_jw_t *w)
{
    assert_true(g_streamed_len + w->len <= sizeof g_streamed);
    memcpy(g_streamed + g_streamed_len, w->buf, w->len);
    g_streamed_len += w->len;
    return true;
}

/* A writer that streams through a small buffer (the session's, for messages
 * larger than its send buffer: RFC 6455 §5.4 fragments): the answer is
 * whole; a handler error before anything went out is still a CALLERROR; an
 * error after part of the answer went out cannot be taken back:
 * OCPP_ERR_STATE, the writer in error (the session then drops the message
 * with the connection). */
static void test_dispatch_streamed(void **state)
{
    (void)state;
    static const struct {
        const char *msg;
        ocpp_status_t st;
        const char *want;
    } cases[] = {
        {"[2,\"s1\",\"GetConfiguration\",{}]", OCPP_OK, NULL},
        {"[2,\"s2\",\"DataTransfer\",{\"code\":3}]", OCPP_OK,
         "[4,\"s2\",\"InternalError\",\"handler says no\",{}]"},
        {"[2,\"s3\",\"ClearCache\",{\"mode\":4}]", OCPP_ERR_STATE, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[16];
        ctx_t ctx = {0, 100};
        ocpp_rpc_frame_t f;
        ocpp_jw_t w;
        size_t n = 0;
        g_streamed_len = 0;
        assert_int_equal(parse(cases[i].msg, &f), OCPP_OK);
        ocpp_jw_init(&w, buf, sizeof buf);
        w.flush = collect;
        assert_int_equal(ocpp_rpc_dispatch(table, TABLE_N, &ctx, &f, &w), cases[i].st);
        if (cases[i].st != OCPP_OK) {
            assert_true(w.flushed > 0u);
            assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_ERR_STATE);
            continue;
        }
        assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
        assert_true(g_streamed_len > 0u);
        memcpy(g_streamed + g_streamed_len, buf, n);
        g_streamed[g_streamed_len + n] = '\0';
        if (cases[i].want != NULL) {
            assert_string_equal(g_streamed, cases[i].want);
        } else {
            assert_int_equal(ocpp_json_validate(g_streamed, g_streamed_len + n), OCPP_OK);
            assert_int_equal(g_streamed_len + n, strlen("[3,\"s1\",{\"k\":\"\"}]") + 100u);
        }
    }
}

static void test_dispatch_params(void **state)
{
    ocpp_rpc_frame_t f;
    ocpp_jw_t w;
    char buf[128];
    (void)state;
    ocpp_jw_init(&w, buf, sizeof buf);
    assert_int_equal(parse("[3,\"1\",{}]", &f), OCPP_OK);
    assert_int_equal(ocpp_rpc_dispatch(table, TABLE_N, NULL, &f, &w), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_rpc_dispatch(table, TABLE_N, NULL, NULL, &w), OCPP_ERR_PARAM);
    assert_int_equal(parse("[2,\"1\",\"Reset\",{}]", &f), OCPP_OK);
    assert_int_equal(ocpp_rpc_dispatch(table, TABLE_N, NULL, &f, NULL), OCPP_ERR_PARAM);
    /* An empty table: every known action is NotSupported. */
    assert_int_equal(ocpp_rpc_dispatch(NULL, 0, NULL, &f, &w), OCPP_OK);
    size_t n = 0;
    assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
    buf[n] = '\0';
    assert_string_equal(buf, "[4,\"1\",\"NotSupported\",\"action not supported\",{}]");
}

/* ------------------------------------------------------------------------ */
/* Field helpers                                                             */
/* ------------------------------------------------------------------------ */

static ocpp_json_value_t obj(const char *s)
{
    ocpp_json_value_t v;
    assert_int_equal(ocpp_json_validate(s, strlen(s)), OCPP_OK);
    assert_int_equal(ocpp_json_root(s, strlen(s), &v), OCPP_OK);
    return v;
}

static void test_get_int(void **state)
{
    ocpp_json_value_t p = obj("{\"a\":5,\"b\":-3,\"c\":\"5\",\"d\":5.5,\"e\":null,"
                              "\"f\":99999999999999999999,\"g\":1e2,\"h\":-0}");
    int64_t x = 42;
    const char *d = NULL;
    (void)state;
    assert_int_equal(ocpp_rpc_get_int(&p, "a", true, 0, 10, &x, &d), OCPP_RPC_OK);
    assert_int_equal(x, 5);
    assert_int_equal(ocpp_rpc_get_int(&p, "b", true, -3, -3, &x, &d), OCPP_RPC_OK);
    assert_int_equal(x, -3);
    assert_int_equal(ocpp_rpc_get_int(&p, "h", true, 0, 0, &x, &d), OCPP_RPC_OK);
    /* Range: PropertyConstraintViolation. */
    assert_int_equal(ocpp_rpc_get_int(&p, "a", true, 0, 4, &x, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_int(&p, "a", true, 6, 10, &x, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_int(&p, "f", true, INT64_MIN, INT64_MAX, &x, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    /* Type: TypeConstraintViolation. */
    assert_int_equal(ocpp_rpc_get_int(&p, "c", true, 0, 10, &x, &d), OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_int(&p, "d", true, 0, 10, &x, &d), OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_int(&p, "e", false, 0, 10, &x, &d), OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_int(&p, "g", true, 0, 1000, &x, &d),
                     OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_string_equal(d, "field is no integer");
    /* Presence. */
    x = 42;
    assert_int_equal(ocpp_rpc_get_int(&p, "z", false, 0, 10, &x, &d), OCPP_RPC_OK);
    assert_int_equal(x, 42);
    assert_int_equal(ocpp_rpc_get_int(&p, "z", true, 0, 10, &x, &d),
                     OCPP_RPC_ERR_OCCURENCE_CONSTRAINT);
    assert_string_equal(d, "required field missing");
    assert_int_equal(ocpp_rpc_get_int(NULL, "a", true, 0, 10, &x, NULL),
                     OCPP_RPC_ERR_FORMATION_VIOLATION);
    ocpp_json_value_t arr = obj("[1]");
    assert_int_equal(ocpp_rpc_get_int(&arr, "a", true, 0, 10, &x, NULL),
                     OCPP_RPC_ERR_FORMATION_VIOLATION);
}

static void test_get_decimal(void **state)
{
    ocpp_json_value_t p = obj("{\"limit\":12.5,\"i\":16,\"s\":\"1\",\"big\":1e300}");
    int64_t x = 0;
    (void)state;
    assert_int_equal(ocpp_rpc_get_decimal(&p, "limit", true, 1, 0, 1000, &x, NULL), OCPP_RPC_OK);
    assert_int_equal(x, 125);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "i", true, 1, 0, 1000, &x, NULL), OCPP_RPC_OK);
    assert_int_equal(x, 160);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "i", true, 1, 0, 100, &x, NULL),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "big", true, 1, 0, 100, &x, NULL),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "s", true, 1, 0, 100, &x, NULL),
                     OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "i", true, 10, 0, 100, &x, NULL),
                     OCPP_RPC_ERR_INTERNAL);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "no", true, 1, 0, 100, &x, NULL),
                     OCPP_RPC_ERR_OCCURENCE_CONSTRAINT);
}

static void test_get_string(void **state)
{
    ocpp_json_value_t p =
        obj("{\"tag\":\"12345678901234567890\",\"long\":\"123456789012345678901\","
            "\"utf\":\"\xc3\xa9\xc3\xa9\xc3\xa9\",\"n\":1,\"esc\":\"a\\u0041\"}");
    char buf[21];
    char small[4];
    const char *d = NULL;
    (void)state;
    /* CiString20Type: "case insensitive string of 20 characters" (1.6 §7.15). */
    assert_int_equal(ocpp_rpc_get_string(&p, "tag", true, 20, buf, sizeof buf, &d), OCPP_RPC_OK);
    assert_string_equal(buf, "12345678901234567890");
    assert_int_equal(ocpp_rpc_get_string(&p, "long", true, 20, buf, sizeof buf, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_string_equal(d, "string longer than allowed");
    /* Characters, not bytes: 3 characters in 6 bytes fit maxlen 3. */
    assert_int_equal(ocpp_rpc_get_string(&p, "utf", true, 3, buf, sizeof buf, &d), OCPP_RPC_OK);
    assert_int_equal(ocpp_rpc_get_string(&p, "utf", true, 2, buf, sizeof buf, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_string(&p, "esc", true, 2, buf, sizeof buf, &d), OCPP_RPC_OK);
    assert_string_equal(buf, "aA");
    /* Within maxlen but the caller's buffer is too small: our bug. */
    assert_int_equal(ocpp_rpc_get_string(&p, "tag", true, 20, small, sizeof small, &d),
                     OCPP_RPC_ERR_INTERNAL);
    /* Longer than maxlen and than the buffer: the peer's fault. */
    assert_int_equal(ocpp_rpc_get_string(&p, "long", true, 20, small, sizeof small, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    /* The same in characters: 3 "é" (6 bytes) and "aA" (written "a\u0041",
     * 7 bytes) are within maxlen 3 and 2; the buffer is the problem. */
    assert_int_equal(ocpp_rpc_get_string(&p, "utf", true, 3, small, sizeof small, &d),
                     OCPP_RPC_ERR_INTERNAL);
    assert_int_equal(ocpp_rpc_get_string(&p, "utf", true, 2, small, sizeof small, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_string(&p, "esc", true, 2, small, 2, &d), OCPP_RPC_ERR_INTERNAL);
    ocpp_json_value_t q = obj("{\"pair\":\"\\ud83d\\ude00x\\n\",\"emoji\":\"\xf0\x9f\x98\x80y\"}");
    assert_int_equal(ocpp_rpc_get_string(&q, "pair", true, 3, small, 2, &d),
                     OCPP_RPC_ERR_INTERNAL); /* U+1F600 x LF: 3 characters */
    assert_int_equal(ocpp_rpc_get_string(&q, "pair", true, 2, small, 2, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_string(&q, "emoji", true, 2, small, 2, &d),
                     OCPP_RPC_ERR_INTERNAL);
    assert_int_equal(ocpp_rpc_get_string(&p, "n", true, 20, buf, sizeof buf, &d),
                     OCPP_RPC_ERR_TYPE_CONSTRAINT);
    strcpy(buf, "keep");
    assert_int_equal(ocpp_rpc_get_string(&p, "x", false, 20, buf, sizeof buf, &d), OCPP_RPC_OK);
    assert_string_equal(buf, "keep");
    assert_int_equal(ocpp_rpc_get_string(&p, "x", true, 20, buf, sizeof buf, &d),
                     OCPP_RPC_ERR_OCCURENCE_CONSTRAINT);
}

static void test_get_enum_bool_container(void **state)
{
    ocpp_json_value_t p =
        obj("{\"type\":\"Soft\",\"bad\":\"soft\",\"b\":true,\"nb\":\"true\",\"o\":{},\"a\":[1]}");
    size_t idx = 9;
    bool b = false;
    ocpp_json_value_t v;
    (void)state;
    assert_int_equal(ocpp_rpc_get_enum(&p, "type", true, reset_types, 2, &idx, NULL), OCPP_RPC_OK);
    assert_int_equal(idx, 1);
    /* Enumerations are case-sensitive in the JSON schemas. */
    assert_int_equal(ocpp_rpc_get_enum(&p, "bad", true, reset_types, 2, &idx, NULL),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_enum(&p, "b", true, reset_types, 2, &idx, NULL),
                     OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_enum(&p, "no", true, reset_types, 2, &idx, NULL),
                     OCPP_RPC_ERR_OCCURENCE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_bool(&p, "b", true, &b, NULL), OCPP_RPC_OK);
    assert_true(b);
    assert_int_equal(ocpp_rpc_get_bool(&p, "nb", true, &b, NULL), OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_bool(&p, "no", true, &b, NULL),
                     OCPP_RPC_ERR_OCCURENCE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_container(&p, "o", true, OCPP_JSON_OBJECT, &v, NULL),
                     OCPP_RPC_OK);
    assert_int_equal(v.type, OCPP_JSON_OBJECT);
    assert_int_equal(ocpp_rpc_get_container(&p, "a", true, OCPP_JSON_OBJECT, &v, NULL),
                     OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_container(&p, "a", true, OCPP_JSON_ARRAY, &v, NULL), OCPP_RPC_OK);
    assert_true(ocpp_rpc_has(&p, "a"));
    assert_false(ocpp_rpc_has(&p, "zz"));
    assert_false(ocpp_rpc_has(NULL, "a"));
}

/* The common contract of the field helpers (rpc.h): each error's code and
 * description; OCPP_RPC_OK leaves *desc alone, and an error leaves the
 * output alone. OCPP-J 1.6 §4.2.3 Table 7: TypeConstraintViolation "at
 * least one of the fields violates data type constraints (e.g.
 * "somestring": 12)", OccurenceConstraintViolation "... violates
 * occurrence constraints", PropertyConstraintViolation "Payload is
 * syntactically correct but at least one field contains an invalid value",
 * FormationViolation "Payload for Action is syntactically incorrect". */
static void test_get_errors_and_outputs(void **state)
{
    ocpp_json_value_t p = obj("{\"i\":7,\"f\":1.5,\"s\":\"abc\",\"b\":false,\"n\":null,"
                              "\"o\":{\"x\":1},\"a\":[],\"t\":\"2013-02-01T20:53:32Z\"}");
    ocpp_json_value_t arr = obj("[1]");
    int64_t x = 42;
    size_t idx = 9;
    bool b = true;
    char buf[8] = "keep";
    ocpp_json_value_t v = {NULL, 0, OCPP_JSON_NULL};
    const char *d = "unset";
    (void)state;
    /* Success leaves *desc alone. */
    assert_int_equal(ocpp_rpc_get_int(&p, "i", true, 0, 9, &x, &d), OCPP_RPC_OK);
    assert_int_equal(x, 7);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "f", true, 2, 0, 999, &x, &d), OCPP_RPC_OK);
    assert_int_equal(x, 150);
    assert_int_equal(ocpp_rpc_get_string(&p, "s", true, 3, buf, sizeof buf, &d), OCPP_RPC_OK);
    assert_string_equal(buf, "abc");
    assert_int_equal(ocpp_rpc_get_enum(&p, "s", true, reset_types, 2, &idx, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_string_equal(d, "value not in enumeration");
    assert_int_equal(idx, 9);
    d = "unset";
    assert_int_equal(ocpp_rpc_get_bool(&p, "b", true, &b, &d), OCPP_RPC_OK);
    assert_false(b);
    assert_int_equal(ocpp_rpc_get_container(&p, "o", true, OCPP_JSON_OBJECT, &v, &d), OCPP_RPC_OK);
    assert_int_equal(v.type, OCPP_JSON_OBJECT);
    assert_int_equal(v.len, 7);
    assert_int_equal(ocpp_rpc_get_datetime(&p, "t", true, &x, &d), OCPP_RPC_OK);
    assert_int_equal(x, 1359752012);
    assert_string_equal(d, "unset");
    /* Absent and optional: OK, output and *desc untouched, for every type. */
    x = 42;
    b = true;
    assert_int_equal(ocpp_rpc_get_int(&p, "z", false, 0, 9, &x, &d), OCPP_RPC_OK);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "z", false, 1, 0, 9, &x, &d), OCPP_RPC_OK);
    assert_int_equal(ocpp_rpc_get_datetime(&p, "z", false, &x, &d), OCPP_RPC_OK);
    assert_int_equal(x, 42);
    assert_int_equal(ocpp_rpc_get_string(&p, "z", false, 3, buf, sizeof buf, &d), OCPP_RPC_OK);
    assert_string_equal(buf, "abc");
    assert_int_equal(ocpp_rpc_get_enum(&p, "z", false, reset_types, 2, &idx, &d), OCPP_RPC_OK);
    assert_int_equal(idx, 9);
    assert_int_equal(ocpp_rpc_get_bool(&p, "z", false, &b, &d), OCPP_RPC_OK);
    assert_true(b);
    assert_int_equal(ocpp_rpc_get_container(&p, "z", false, OCPP_JSON_ARRAY, &v, &d), OCPP_RPC_OK);
    assert_int_equal(v.type, OCPP_JSON_OBJECT);
    assert_string_equal(d, "unset");
    /* NULL outputs are allowed. */
    assert_int_equal(ocpp_rpc_get_int(&p, "i", true, 0, 9, NULL, NULL), OCPP_RPC_OK);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "f", true, 1, 0, 99, NULL, NULL), OCPP_RPC_OK);
    assert_int_equal(ocpp_rpc_get_enum(&p, "s", true, NULL, 2, NULL, NULL),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_bool(&p, "b", true, NULL, NULL), OCPP_RPC_OK);
    assert_int_equal(ocpp_rpc_get_container(&p, "a", true, OCPP_JSON_ARRAY, NULL, NULL),
                     OCPP_RPC_OK);
    assert_int_equal(ocpp_rpc_get_datetime(&p, "t", true, NULL, NULL), OCPP_RPC_OK);
    /* No payload object, or no key: FormationViolation. */
    assert_int_equal(ocpp_rpc_get_string(&arr, "s", false, 3, buf, sizeof buf, &d),
                     OCPP_RPC_ERR_FORMATION_VIOLATION);
    assert_string_equal(d, "payload is no object");
    d = NULL;
    assert_int_equal(ocpp_rpc_get_bool(&p, NULL, false, &b, &d), OCPP_RPC_ERR_FORMATION_VIOLATION);
    assert_string_equal(d, "payload is no object");
    /* Missing, wrong type (null included), out of range: each description. */
    assert_int_equal(ocpp_rpc_get_container(&p, "z", true, OCPP_JSON_OBJECT, &v, &d),
                     OCPP_RPC_ERR_OCCURENCE_CONSTRAINT);
    assert_string_equal(d, "required field missing");
    assert_int_equal(ocpp_rpc_get_datetime(&p, "n", false, &x, &d), OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_string_equal(d, "field has the wrong type");
    d = NULL;
    assert_int_equal(ocpp_rpc_get_decimal(&p, "b", true, 1, 0, 9, &x, &d),
                     OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_string_equal(d, "field has the wrong type");
    assert_int_equal(ocpp_rpc_get_int(&p, "f", true, 0, 9, &x, &d), OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_string_equal(d, "field is no integer");
    assert_int_equal(ocpp_rpc_get_int(&p, "i", true, 8, 9, &x, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_string_equal(d, "field value out of range");
    d = NULL;
    assert_int_equal(ocpp_rpc_get_decimal(&p, "f", true, 1, 16, 99, &x, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_string_equal(d, "field value out of range");
    assert_int_equal(x, 42);
    assert_int_equal(ocpp_rpc_get_decimal(&p, "f", true, 10, 0, 99, &x, &d), OCPP_RPC_ERR_INTERNAL);
    assert_string_equal(d, "bad decimal scale");
    d = NULL;
    assert_int_equal(ocpp_rpc_get_decimal(&p, "f", true, (unsigned)-1, 0, 99, &x, &d),
                     OCPP_RPC_ERR_INTERNAL);
    assert_string_equal(d, "bad decimal scale");
    /* A string too long: cleared buffer after decoding; one that does not
     * fit the buffer (or no buffer) but is within maxlen: InternalError. */
    assert_int_equal(ocpp_rpc_get_string(&p, "s", true, 2, buf, sizeof buf, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_string_equal(d, "string longer than allowed");
    assert_string_equal(buf, "");
    assert_int_equal(ocpp_rpc_get_string(&p, "s", true, 3, NULL, 8, &d), OCPP_RPC_ERR_INTERNAL);
    assert_string_equal(d, "string buffer too small");
    d = NULL;
    assert_int_equal(ocpp_rpc_get_string(&p, "s", true, 2, NULL, 8, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_string_equal(d, "string longer than allowed");
    assert_int_equal(ocpp_rpc_get_datetime(&p, "s", true, &x, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_string_equal(d, "invalid dateTime");
    assert_int_equal(x, 42);
    /* A NULL entry of an enumeration is skipped. */
    static const char *const names[] = {NULL, "abc"};
    assert_int_equal(ocpp_rpc_get_enum(&p, "s", true, names, 2, &idx, &d), OCPP_RPC_OK);
    assert_int_equal(idx, 1);
}

static void test_get_datetime(void **state)
{
    ocpp_json_value_t p =
        obj("{\"t\":\"2013-02-01T20:53:32.486Z\",\"bad\":\"2013-02-30T00:00:00Z\","
            "\"n\":1359752012}");
    int64_t t = 0;
    const char *d = NULL;
    (void)state;
    assert_int_equal(ocpp_rpc_get_datetime(&p, "t", true, &t, &d), OCPP_RPC_OK);
    assert_int_equal(t, 1359752012);
    /* A string that is no date-time: an invalid value of the right type. */
    assert_int_equal(ocpp_rpc_get_datetime(&p, "bad", true, &t, &d),
                     OCPP_RPC_ERR_PROPERTY_CONSTRAINT);
    assert_string_equal(d, "invalid dateTime");
    assert_int_equal(ocpp_rpc_get_datetime(&p, "n", true, &t, &d), OCPP_RPC_ERR_TYPE_CONSTRAINT);
    assert_int_equal(ocpp_rpc_get_datetime(&p, "no", true, &t, &d),
                     OCPP_RPC_ERR_OCCURENCE_CONSTRAINT);
}

/* ------------------------------------------------------------------------ */
/* Date-time                                                                 */
/* ------------------------------------------------------------------------ */

static ocpp_status_t dt(const char *s, int64_t *t, uint16_t *ms)
{
    return ocpp_rpc_parse_datetime_text(s, strlen(s), t, ms);
}

static void test_datetime_parse(void **state)
{
    int64_t t = 0;
    uint16_t ms = 0;
    (void)state;
    /* OCPP-J §4.2.2 example. */
    assert_int_equal(dt("2013-02-01T20:53:32.486Z", &t, &ms), OCPP_OK);
    assert_int_equal(t, 1359752012);
    assert_int_equal(ms, 486);
    /* OCPP 1.6 §3.14: "Message receivers must be able to handle fractional
     * seconds and time zone offsets". */
    assert_int_equal(dt("2013-02-01T21:53:32+01:00", &t, NULL), OCPP_OK);
    assert_int_equal(t, 1359752012);
    assert_int_equal(dt("2013-02-01T15:23:32-05:30", &t, NULL), OCPP_OK);
    assert_int_equal(t, 1359752012);
    assert_int_equal(dt("2013-02-01T21:53:32+0100", &t, NULL), OCPP_OK);
    assert_int_equal(t, 1359752012);
    assert_int_equal(dt("2013-02-01T21:53:32+01", &t, NULL), OCPP_OK);
    assert_int_equal(t, 1359752012);
    assert_int_equal(dt("2013-02-02T00:53:32.1+04:00", &t, &ms), OCPP_OK);
    assert_int_equal(t, 1359752012);
    assert_int_equal(ms, 100);
    assert_int_equal(dt("2013-02-01T20:53:32.123456789Z", &t, &ms), OCPP_OK);
    assert_int_equal(ms, 123);
    /* RFC 3339 §5.6 NOTE: 't' and 'z' may be lower case. */
    assert_int_equal(dt("2013-02-01t20:53:32z", &t, NULL), OCPP_OK);
    assert_int_equal(t, 1359752012);
    /* No offset: taken as UTC. */
    assert_int_equal(dt("2013-02-01T20:53:32", &t, NULL), OCPP_OK);
    assert_int_equal(t, 1359752012);
    assert_int_equal(dt("1970-01-01T00:00:00Z", &t, NULL), OCPP_OK);
    assert_int_equal(t, 0);
    assert_int_equal(dt("1969-12-31T23:59:59Z", &t, NULL), OCPP_OK);
    assert_int_equal(t, -1);
    assert_int_equal(dt("2038-01-19T03:14:08Z", &t, NULL), OCPP_OK); /* past int32 */
    assert_int_equal(t, INT64_C(2147483648));
    assert_int_equal(dt("9999-12-31T23:59:59Z", &t, NULL), OCPP_OK);
    assert_int_equal(t, INT64_C(253402300799));
    assert_int_equal(dt("0000-01-01T00:00:00Z", &t, NULL), OCPP_OK);
    assert_int_equal(t, INT64_C(-62167219200));
    /* RFC 3339 §5.7: a leap second 23:59:60 is valid; taken as :59. */
    assert_int_equal(dt("2016-12-31T23:59:60Z", &t, NULL), OCPP_OK);
    assert_int_equal(t, INT64_C(1483228799));
}

static void test_datetime_leap_years(void **state)
{
    int64_t t = 0;
    (void)state;
    /* RFC 3339 §5.7 / Appendix C: Feb 29 only in leap years (divisible by 4,
     * except centuries not divisible by 400). */
    assert_int_equal(dt("2000-02-29T00:00:00Z", &t, NULL), OCPP_OK);
    assert_int_equal(t, 951782400);
    assert_int_equal(dt("2024-02-29T12:00:00Z", &t, NULL), OCPP_OK);
    assert_int_equal(dt("2023-02-29T00:00:00Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("1900-02-29T00:00:00Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2100-02-29T00:00:00Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2400-02-29T00:00:00Z", &t, NULL), OCPP_OK);
    assert_int_equal(dt("2013-02-30T00:00:00Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2013-04-31T00:00:00Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2013-12-31T00:00:00Z", &t, NULL), OCPP_OK);
    assert_int_equal(dt("2013-12-32T00:00:00Z", &t, NULL), OCPP_ERR_RANGE);
}

static void test_datetime_invalid(void **state)
{
    int64_t t = 77;
    (void)state;
    /* RFC 3339 §5.6/§5.7: time-hour 00-23, minute 00-59, second 00-60. */
    assert_int_equal(dt("2013-02-01T24:00:00Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2013-02-01T23:60:00Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2013-02-01T23:59:61Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2013-00-01T00:00:00Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2013-13-01T00:00:00Z", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2013-01-00T00:00:00Z", &t, NULL), OCPP_ERR_RANGE);
    static const char *const bad[] = {
        "",
        "2013",
        "2013-02-01",
        "2013-02-01T20:53Z",
        "2013-02-01 20:53:32Z",
        "2013-02-01T20:53:32.Z",
        "2013-02-01T20:53:32ZZ",
        "2013-02-01T20:53:32+1:00",
        "2013-02-01T20:53:32+01:",
        "2013-02-01T20:53:32+24:00",
        "2013-02-01T20:53:32+01:60",
        "2013-02-01T20:53:32+01:00x",
        "2013-2-01T20:53:32Z",
        "13-02-01T20:53:32Z",
        "+2013-02-01T20:53:32Z",
        "2013-02-01T20:53:3aZ",
        "2013/02/01T20:53:32Z",
        "2013-02-01T20:53:32 Z",
        " 2013-02-01T20:53:32Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dt(bad[i], &t, NULL), OCPP_ERR_PARSE);
    }
    assert_int_equal(t, 77); /* untouched on failure */
    assert_int_equal(ocpp_rpc_parse_datetime_text(NULL, 0, &t, NULL), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_rpc_parse_datetime_text("x", 1, NULL, NULL), OCPP_ERR_PARAM);
    ocpp_json_value_t n = obj("5");
    assert_int_equal(ocpp_rpc_parse_datetime(&n, &t), OCPP_ERR_TYPE);
    ocpp_json_value_t longs = obj("\"2013-02-01T20:53:32.0000000000000000000000000000Z\"");
    assert_int_equal(ocpp_rpc_parse_datetime(&longs, &t), OCPP_ERR_PARSE);
}

static void test_datetime_format(void **state)
{
    char out[OCPP_RPC_DATETIME_LEN + 1];
    (void)state;
    ocpp_rpc_format_datetime(1795326728, 0, out);
    assert_string_equal(out, "2026-11-22T05:52:08.000Z");
    ocpp_rpc_format_datetime(1359752012, 486, out);
    assert_string_equal(out, "2013-02-01T20:53:32.486Z");
    ocpp_rpc_format_datetime(0, 0, out);
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
    ocpp_rpc_format_datetime(951782400, 999, out);
    assert_string_equal(out, "2000-02-29T00:00:00.999Z");
    /* Clamped to what the format can show. */
    ocpp_rpc_format_datetime(-5, 1000, out);
    assert_string_equal(out, "1970-01-01T00:00:00.999Z");
    ocpp_rpc_format_datetime(INT64_MAX, 0, out);
    assert_string_equal(out, "9999-12-31T23:59:59.000Z");
    assert_int_equal(strlen(out), OCPP_RPC_DATETIME_LEN);
}

static void test_datetime_round_trip(void **state)
{
    char out[OCPP_RPC_DATETIME_LEN + 1];
    (void)state;
    /* Every day of 400 years (a full Gregorian cycle), at a varying time. */
    for (int64_t day = 0; day < 146097; day++) {
        int64_t t = day * 86400 + (day * 7919) % 86400;
        int64_t back = -1;
        uint16_t ms = 0;
        ocpp_rpc_format_datetime(t, (uint16_t)(day % 1000), out);
        assert_int_equal(ocpp_rpc_parse_datetime_text(out, strlen(out), &back, &ms), OCPP_OK);
        assert_int_equal(back, t);
        assert_int_equal(ms, day % 1000);
    }
}

/* Known vectors, computed apart (Python's datetime; year 0000 by hand). */
static void test_datetime_vectors(void **state)
{
    int64_t t = 0;
    uint16_t ms = 0;
    char out[OCPP_RPC_DATETIME_LEN + 1];
    (void)state;
    /* OCPP 1.6 §3.14: "Message receivers must be able to handle fractional
     * seconds and time zone offsets"; RFC 3339 §5.6: time-offset "Z" /
     * time-numoffset, an offset across the day, year and range limits. */
    static const struct {
        const char *s;
        int64_t t;
        uint16_t ms;
    } ok[] = {
        {"1970-01-01T00:00:00+01:00", -3600, 0},
        {"1969-12-31T19:00:00-05:00", 0, 0},
        {"9999-12-31T23:59:59-23:59", INT64_C(253402387139), 0},
        {"0000-01-01T00:00:00+23:59", INT64_C(-62167305540), 0},
        {"0001-01-01T00:00:00Z", INT64_C(-62135596800), 0},
        {"1600-02-29T12:00:00Z", INT64_C(-11670955200), 0},
        {"2000-03-01T00:00:00.0005Z", 951868800, 0},
        {"2000-03-01T00:00:00.001Z", 951868800, 1},
        {"2000-03-01T00:00:00.05Z", 951868800, 50},
        {"2000-03-01T00:00:00.9999999z", 951868800, 999},
        {"2024-02-29T23:59:60.999+00:00", 1709251199, 999}, /* RFC 3339 §5.7 leap second */
        {"2016-12-31T23:59:59+1400", 1483178399, 0},
        {"2100-01-01T00:00:00Z", INT64_C(4102444800), 0},
        {"2100-03-01T00:00:00-00", INT64_C(4107542400), 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        ms = 1000;
        assert_int_equal(dt(ok[i].s, &t, &ms), OCPP_OK);
        assert_int_equal(t, ok[i].t);
        assert_int_equal(ms, ok[i].ms);
    }
    /* Malformed text is a parse error even where a field is also out of
     * range; a range error only for well-formed text. */
    assert_int_equal(dt("2013-13-01T00:00:00ZZ", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-30T24:00:00+24:00", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-30T24:00:00.Z", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-30T24:00:00+23:59", &t, NULL), OCPP_ERR_RANGE);
    assert_int_equal(dt("2013-02-01T20:53:32+01:0", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-01T20:53:32+010", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-01T20:53:32+01-00", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-01T20:53:32Z+01", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-01T20:53:32-", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-01T20:53:32.5.5Z", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-01T20:53:32*01:00", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-01T20:53:32,5Z", &t, NULL), OCPP_ERR_PARSE);
    assert_int_equal(dt("2013-02-01T20:53:32.5", &t, &ms), OCPP_OK); /* no offset: UTC */
    assert_int_equal(ms, 500);
    /* Only the given length is read. */
    assert_int_equal(ocpp_rpc_parse_datetime_text("2013-02-01T20:53:32Zjunk", 20, &t, NULL),
                     OCPP_OK);
    assert_int_equal(t, 1359752012);
    assert_int_equal(ocpp_rpc_parse_datetime_text("2013-02-01T20:53:32+01:00", 22, &t, NULL),
                     OCPP_OK); /* "+01" */
    assert_int_equal(t, 1359752012 - 3600);
    /* Formatting: January and February belong to the year before in the
     * day arithmetic; the century turns with them. */
    ocpp_rpc_format_datetime(INT64_C(4102444799), 65535, out);
    assert_string_equal(out, "2099-12-31T23:59:59.999Z");
    ocpp_rpc_format_datetime(INT64_C(4102444800), 7, out);
    assert_string_equal(out, "2100-01-01T00:00:00.007Z");
    ocpp_rpc_format_datetime(INT64_C(253402300800), 0, out);
    assert_string_equal(out, "9999-12-31T23:59:59.000Z");
    ocpp_rpc_format_datetime(INT64_MIN, 0, out);
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
}

/* The proleptic Gregorian calendar of RFC 3339 Appendix C, one day at a time:
 * the independent oracle of test_datetime_every_day(). */
static unsigned month_days(unsigned y, unsigned m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4u == 0u && y % 100u != 0u) || y % 400u == 0u;
    return m == 2u && leap ? 29u : days[m - 1u];
}

static void test_datetime_every_day(void **state)
{
    char out[OCPP_RPC_DATETIME_LEN + 1], text[48];
    unsigned y = 0, m = 1, d = 1, checked = 0;
    int64_t day = INT64_C(-719528); /* 0000-01-01, days before 1970-01-01 */
    (void)state;
    /* OCPP 1.6 §3.14: "Implementations MUST use ISO 8601 date time
     * notation"; RFC 3339 §5.6 date-time, §5.7 (date-mday by month and
     * leap year). Every day from 1900-01-01 to 2199-12-31, and from
     * 0000-01-01 to 9999-12-31 every 97th day and the days around the end of
     * February and of the year: the text of the walked calendar, at a time
     * of day and with an offset that vary, parses to the walked day; from
     * 1970 on, that instant formats to the same text in UTC. */
    for (; y <= 9999u; day++) {
        bool edge = (m == 2u && d >= 28u) || (m == 3u && d == 1u) || (m == 12u && d == 31u) ||
                    (m == 1u && d == 1u);
        if ((y >= 1900u && y < 2200u) || day % 97 == 0 || edge) {
            unsigned sod = (unsigned)((day * 7919 % 86400 + 86400) % 86400);
            unsigned ms = (unsigned)((day % 1000 + 1000) % 1000);
            int64_t t = day * 86400 + sod, back = 0;
            uint16_t ms_back = 0;
            int n = snprintf(text, sizeof text, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", y, m, d,
                             sod / 3600u, sod / 60u % 60u, sod % 60u, ms);
            assert_int_equal(n, OCPP_RPC_DATETIME_LEN);
            assert_int_equal(dt(text, &back, &ms_back), OCPP_OK);
            assert_int_equal(back, t);
            assert_int_equal(ms_back, ms);
            if (day >= 0) {
                ocpp_rpc_format_datetime(t, (uint16_t)ms, out);
                assert_string_equal(out, text);
            }
            /* The same wall-clock text with an offset: "+hh:mm", "-hhmm", "+hh". */
            static const char *const spell[] = {"+%02u:%02u", "-%02u%02u", "+%02u"};
            unsigned k = (unsigned)((day % 3 + 3) % 3);
            unsigned oh = (unsigned)((day % 24 + 24) % 24);
            unsigned om = k == 2u ? 0u : (unsigned)((day % 60 + 60) % 60);
            int64_t off = (int64_t)(oh * 3600u + om * 60u);
            int sign = k == 1u ? -1 : 1;
            snprintf(text + 19, sizeof text - 19, spell[k], oh, om);
            assert_int_equal(dt(text, &back, NULL), OCPP_OK);
            assert_int_equal(back, day * 86400 + sod - sign * off);
            checked++;
        }
        if (++d > month_days(y, m)) {
            d = 1;
            if (++m > 12u) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(day, INT64_C(2932897)); /* 10000-01-01 */
    assert_true(checked > 100000u);
}

/* Every day number 00..99 of every month number 00..99, in a common, a leap,
 * a century and a 400th year: accepted exactly for the days of the calendar. */
static void test_datetime_days_of_months(void **state)
{
    static const unsigned years[] = {0, 1900, 1970, 2000, 2023, 2024, 2100, 9999};
    char text[32];
    int64_t t = 0;
    (void)state;
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        for (unsigned m = 0; m < 100u; m++) {
            for (unsigned d = 0; d < 100u; d++) {
                bool valid = m >= 1u && m <= 12u && d >= 1u && d <= month_days(years[i], m);
                snprintf(text, sizeof text, "%04u-%02u-%02uT12:00:00Z", years[i], m, d);
                assert_int_equal(dt(text, &t, NULL), valid ? OCPP_OK : OCPP_ERR_RANGE);
            }
        }
    }
}

/* ------------------------------------------------------------------------ */
/* OCPP-J 2.0.1 dialect                                                      */
/* ------------------------------------------------------------------------ */

#if OCPP_CONFIG_OCPP201 /* a build without 2.0.1 spells every code as 1.6 does */
static void test_err_names_201(void **state)
{
    (void)state;
    /* OCPP-J 2.0.1 §4.3 Table 8 spellings; 1.6 keeps its own. */
    const ocpp_rpc_dialect_t d = OCPP_RPC_DIALECT_201;
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_ERR_FORMATION_VIOLATION, d), "FormatViolation");
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_ERR_OCCURENCE_CONSTRAINT, d),
                        "OccurrenceConstraintViolation");
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_ERR_RPC_FRAMEWORK, d), "RpcFrameworkError");
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_ERR_MESSAGE_TYPE_NOT_SUPPORTED, d),
                        "MessageTypeNotSupported");
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_ERR_SECURITY, d), "SecurityError");
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_ERR_NOT_IMPLEMENTED, d), "NotImplemented");
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_OK, d), "GenericError");
    /* 1.6 has no RpcFrameworkError or MessageTypeNotSupported. */
    const ocpp_rpc_dialect_t o = OCPP_RPC_DIALECT_16;
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_ERR_FORMATION_VIOLATION, o),
                        "FormationViolation");
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_ERR_OCCURENCE_CONSTRAINT, o),
                        "OccurenceConstraintViolation");
    assert_string_equal(ocpp_rpc_err_name(OCPP_RPC_ERR_RPC_FRAMEWORK, o), "GenericError");
    assert_string_equal(ocpp_rpc_err_str(OCPP_RPC_ERR_MESSAGE_TYPE_NOT_SUPPORTED), "GenericError");
}
#endif

/* The 64 messages of OCPP 2.0.1 Part 2 (request schemas of Part 3). */
static const char *const actions201[] = {"Authorize",
                                         "BootNotification",
                                         "CancelReservation",
                                         "CertificateSigned",
                                         "ChangeAvailability",
                                         "ClearCache",
                                         "ClearChargingProfile",
                                         "ClearDisplayMessage",
                                         "ClearVariableMonitoring",
                                         "ClearedChargingLimit",
                                         "CostUpdated",
                                         "CustomerInformation",
                                         "DataTransfer",
                                         "DeleteCertificate",
                                         "FirmwareStatusNotification",
                                         "Get15118EVCertificate",
                                         "GetBaseReport",
                                         "GetCertificateStatus",
                                         "GetChargingProfiles",
                                         "GetCompositeSchedule",
                                         "GetDisplayMessages",
                                         "GetInstalledCertificateIds",
                                         "GetLocalListVersion",
                                         "GetLog",
                                         "GetMonitoringReport",
                                         "GetReport",
                                         "GetTransactionStatus",
                                         "GetVariables",
                                         "Heartbeat",
                                         "InstallCertificate",
                                         "LogStatusNotification",
                                         "MeterValues",
                                         "NotifyChargingLimit",
                                         "NotifyCustomerInformation",
                                         "NotifyDisplayMessages",
                                         "NotifyEVChargingNeeds",
                                         "NotifyEVChargingSchedule",
                                         "NotifyEvent",
                                         "NotifyMonitoringReport",
                                         "NotifyReport",
                                         "PublishFirmware",
                                         "PublishFirmwareStatusNotification",
                                         "ReportChargingProfiles",
                                         "RequestStartTransaction",
                                         "RequestStopTransaction",
                                         "ReservationStatusUpdate",
                                         "ReserveNow",
                                         "Reset",
                                         "SecurityEventNotification",
                                         "SendLocalList",
                                         "SetChargingProfile",
                                         "SetDisplayMessage",
                                         "SetMonitoringBase",
                                         "SetMonitoringLevel",
                                         "SetNetworkProfile",
                                         "SetVariableMonitoring",
                                         "SetVariables",
                                         "SignCertificate",
                                         "StatusNotification",
                                         "TransactionEvent",
                                         "TriggerMessage",
                                         "UnlockConnector",
                                         "UnpublishFirmware",
                                         "UpdateFirmware"};

static void test_actions_201(void **state)
{
    (void)state;
    size_t n = sizeof actions201 / sizeof actions201[0];
    assert_int_equal(n, 64);
    for (size_t i = 0; i < n; i++) {
        const char *a = actions201[i];
        assert_true(ocpp_rpc_action201_known(a, strlen(a)));
        assert_true(strlen(a) <= OCPP_RPC_ACTION201_MAX);
        /* OCPP-J 2.0.1 §4.2.1 Table 5: case-sensitive; prefixes are no names. */
        assert_false(ocpp_rpc_action201_known(a, strlen(a) - 1));
        char lower[64];
        snprintf(lower, sizeof lower, "%s", a);
        lower[0] = (char)(lower[0] - 'A' + 'a');
        assert_false(ocpp_rpc_action201_known(lower, strlen(lower)));
    }
    /* 1.6 names that 2.0.1 does not have. */
    static const char *const not201[] = {"ChangeConfiguration",
                                         "GetConfiguration",
                                         "RemoteStartTransaction",
                                         "StartTransaction",
                                         "StopTransaction",
                                         "GetDiagnostics",
                                         "BootNotificationRequest",
                                         "",
                                         "A",
                                         "Z"};
    for (size_t i = 0; i < sizeof not201 / sizeof not201[0]; i++) {
        assert_false(ocpp_rpc_action201_known(not201[i], strlen(not201[i])));
    }
    assert_false(ocpp_rpc_action201_known(NULL, 5));
}

static const ocpp_rpc_named_handler_t named[] = {
    {"Reset", on_reset},
    {"DataTransfer", on_data},
    {"StartTransaction", on_reset}, /* a 1.6 name: never dispatched in 2.0.1 */
};

/** Dispatch msg by name in `dialect`; the answer's text. */
static const char *dispatch_named(const char *msg, ocpp_rpc_dialect_t dialect)
{
    static char buf[512];
    ocpp_rpc_frame_t f;
    ocpp_jw_t w;
    ctx_t ctx = {0, 0};
    size_t n = 0;
    assert_int_equal(ocpp_rpc_parse_d(msg, strlen(msg), dialect, &f), OCPP_OK);
    ocpp_jw_init(&w, buf, sizeof buf - 1u);
    assert_int_equal(ocpp_rpc_dispatch_named(named, 3, &ctx, &f, &w, dialect), OCPP_OK);
    assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
    buf[n] = '\0';
    return buf;
}

static void test_dispatch_named(void **state)
{
    const ocpp_rpc_dialect_t d = OCPP_RPC_DIALECT_201;
    (void)state;
    assert_string_equal(dispatch_named("[2,\"a\",\"Reset\",{\"type\":\"Soft\"}]", d),
                        "[3,\"a\",{\"status\":\"Accepted\"}]");
    /* OCPP-J 2.0.1 §4.3: NotImplemented "Requested Action is not known by
     * receiver"; NotSupported "recognized but not supported". */
    assert_string_equal(dispatch_named("[2,\"b\",\"Foo\",{}]", d),
                        "[4,\"b\",\"NotImplemented\",\"unknown action\",{}]");
    assert_string_equal(dispatch_named("[2,\"c\",\"StartTransaction\",{}]", d),
                        "[4,\"c\",\"NotImplemented\",\"unknown action\",{}]");
    assert_string_equal(dispatch_named("[2,\"d\",\"GetVariables\",{}]", d),
                        "[4,\"d\",\"NotSupported\",\"action not supported\",{}]");
    assert_string_equal(
        dispatch_named("[2,\"e\",\"AVeryLongActionNameThatIsLongerThanAnyOcppActionName\",{}]", d),
        "[4,\"e\",\"NotImplemented\",\"unknown action\",{}]");
#if OCPP_CONFIG_OCPP201
    /* A handler's error in the dialect's spelling. */
    assert_string_equal(
        dispatch_named("[2,\"f\",\"Reset\",{}]", d),
        "[4,\"f\",\"OccurrenceConstraintViolation\",\"required field missing\",{}]");
    assert_string_equal(dispatch_named("[2,\"g\",\"DataTransfer\",{\"code\":6}]", d),
                        "[4,\"g\",\"FormatViolation\",\"handler says no\",{}]");
#endif
    /* The 1.6 dialect: 1.6 names, 1.6 spellings. */
    const ocpp_rpc_dialect_t o = OCPP_RPC_DIALECT_16;
    assert_string_equal(dispatch_named("[2,\"h\",\"StartTransaction\",{\"type\":\"Hard\"}]", o),
                        "[3,\"h\",{\"status\":\"Accepted\"}]");
    assert_string_equal(dispatch_named("[2,\"i\",\"GetVariables\",{}]", o),
                        "[4,\"i\",\"NotImplemented\",\"unknown action\",{}]");
    assert_string_equal(dispatch_named("[2,\"j\",\"Heartbeat\",{}]", o),
                        "[4,\"j\",\"NotSupported\",\"action not supported\",{}]");
    assert_string_equal(dispatch_named("[2,\"k\",\"Reset\",{}]", o),
                        "[4,\"k\",\"OccurenceConstraintViolation\",\"required field missing\",{}]");
    ocpp_jw_t w;
    char buf[64];
    ocpp_jw_init(&w, buf, sizeof buf);
    assert_int_equal(ocpp_rpc_dispatch_named(named, 3, NULL, NULL, &w, d), OCPP_ERR_PARAM);
}

#if OCPP_CONFIG_OCPP201
/** Parse in the 2.0.1 dialect a message to be answered; the CALLERROR. */
static const char *expect_answer_201(const char *msg)
{
    static char buf[512];
    ocpp_rpc_frame_t f;
    ocpp_jw_t w;
    size_t n = 0;
    assert_int_equal(ocpp_rpc_parse_d(msg, strlen(msg), OCPP_RPC_DIALECT_201, &f), OCPP_ERR_PARSE);
    assert_true(f.has_id);
    ocpp_jw_init(&w, buf, sizeof buf - 1u);
    assert_int_equal(ocpp_rpc_write_error_d(&w, f.id, f.id_len, f.error, "", OCPP_RPC_DIALECT_201),
                     OCPP_OK);
    assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
    buf[n] = '\0';
    return buf;
}

static void test_parse_d_201(void **state)
{
    ocpp_rpc_frame_t f;
    const ocpp_rpc_dialect_t d = OCPP_RPC_DIALECT_201;
    (void)state;
    /* Valid frames parse as in 1.6. */
    const char *ok = "[2,\"a\",\"Heartbeat\",{}]";
    assert_int_equal(ocpp_rpc_parse_d(ok, strlen(ok), d, &f), OCPP_OK);
    assert_int_equal(f.type, OCPP_RPC_CALL);
    /* §4.3 RpcFrameworkError "Content of the call is not a valid RPC Request";
     * §4.2.3: "When also the MessageId cannot be read, the CALLERROR SHALL
     * contain "-1" as MessageId". */
    assert_string_equal(expect_answer_201("[2,\"abc\",\"Heartbeat\",{"),
                        "[4,\"abc\",\"RpcFrameworkError\",\"\",{}]");
    assert_string_equal(expect_answer_201("{\"a\":1}"), "[4,\"-1\",\"RpcFrameworkError\",\"\",{}]");
    assert_string_equal(expect_answer_201("not json"), "[4,\"-1\",\"RpcFrameworkError\",\"\",{}]");
    assert_string_equal(expect_answer_201("[2]"), "[4,\"-1\",\"RpcFrameworkError\",\"\",{}]");
    assert_string_equal(expect_answer_201("[2,7,\"Heartbeat\",{}]"),
                        "[4,\"-1\",\"RpcFrameworkError\",\"\",{}]");
    assert_string_equal(expect_answer_201("[2,\"1234567890123456789012345678901234567\","
                                          "\"Heartbeat\",{}]"),
                        "[4,\"-1\",\"RpcFrameworkError\",\"\",{}]");
    assert_string_equal(expect_answer_201("[2,\"b\",\"Heartbeat\"]"),
                        "[4,\"b\",\"RpcFrameworkError\",\"\",{}]");
    assert_string_equal(expect_answer_201("[2,\"c\",5,{}]"),
                        "[4,\"c\",\"RpcFrameworkError\",\"\",{}]");
    /* FormatViolation "Payload for Action is syntactically incorrect". */
    assert_string_equal(expect_answer_201("[2,\"d\",\"Heartbeat\",[]]"),
                        "[4,\"d\",\"FormatViolation\",\"\",{}]");
    /* §4.4: an unknown message type -> MessageTypeNotSupported. */
    assert_string_equal(expect_answer_201("[5,\"e\",{}]"),
                        "[4,\"e\",\"MessageTypeNotSupported\",\"\",{}]");
    assert_string_equal(expect_answer_201("[6,\"f\",\"Heartbeat\",{}]"),
                        "[4,\"f\",\"MessageTypeNotSupported\",\"\",{}]");
    assert_string_equal(expect_answer_201("[7,{}]"),
                        "[4,\"-1\",\"MessageTypeNotSupported\",\"\",{}]");
    assert_string_equal(expect_answer_201("[\"2\",\"g\",\"Heartbeat\",{}]"),
                        "[4,\"g\",\"RpcFrameworkError\",\"\",{}]");
    /* A malformed reply is not answered in 2.0.1 either. */
    const char *bad = "[3,\"h\"]";
    assert_int_equal(ocpp_rpc_parse_d(bad, strlen(bad), d, &f), OCPP_ERR_PROTOCOL);
    assert_false(f.has_id);
    bad = "[4,\"h\",5,\"\",{}]";
    assert_int_equal(ocpp_rpc_parse_d(bad, strlen(bad), d, &f), OCPP_ERR_PROTOCOL);
    /* The 1.6 dialect is ocpp_rpc_parse(): §4.1.3 ignores an unknown type. */
    bad = "[5,\"e\",{}]";
    assert_int_equal(ocpp_rpc_parse_d(bad, strlen(bad), OCPP_RPC_DIALECT_16, &f),
                     OCPP_ERR_PROTOCOL);
    assert_false(f.has_id);
    assert_int_equal(ocpp_rpc_parse_d(NULL, 0, d, &f), OCPP_ERR_PARAM);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_strings),
        cmocka_unit_test(test_err_from_json),
        cmocka_unit_test(test_code_not_implemented),
        cmocka_unit_test(test_code_not_supported),
        cmocka_unit_test(test_code_internal_error),
        cmocka_unit_test(test_code_protocol_error),
        cmocka_unit_test(test_code_security_error),
        cmocka_unit_test(test_code_formation_violation),
        cmocka_unit_test(test_code_property_constraint),
        cmocka_unit_test(test_code_occurence_constraint),
        cmocka_unit_test(test_code_type_constraint),
        cmocka_unit_test(test_code_generic_error),
        cmocka_unit_test(test_parse_call),
        cmocka_unit_test(test_parse_call_null_payload),
        cmocka_unit_test(test_parse_call_unknown_action),
        cmocka_unit_test(test_parse_callresult),
        cmocka_unit_test(test_parse_callerror),
        cmocka_unit_test(test_parse_ids),
        cmocka_unit_test(test_parse_id_too_long),
        cmocka_unit_test(test_parse_unanswerable),
        cmocka_unit_test(test_parse_invalid_json_recovers_call_id),
        cmocka_unit_test(test_parse_unknown_type_ignored),
        cmocka_unit_test(test_parse_bad_replies_not_answered),
        cmocka_unit_test(test_parse_null_args),
        cmocka_unit_test(test_recover_id),
        cmocka_unit_test(test_recover_id_fails),
        cmocka_unit_test(test_write_call),
        cmocka_unit_test(test_write_result),
        cmocka_unit_test(test_write_error_fallback),
        cmocka_unit_test(test_write_error_min_cap),
        cmocka_unit_test(test_ids_format),
        cmocka_unit_test(test_ids_unique),
        cmocka_unit_test(test_pending),
        cmocka_unit_test(test_pending_timeout_wrap),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_action_names_exact),
        cmocka_unit_test(test_dispatch_handled),
        cmocka_unit_test(test_dispatch_overflow_every_cap),
        cmocka_unit_test(test_dispatch_bad_handler_output),
        cmocka_unit_test(test_dispatch_streamed),
        cmocka_unit_test(test_dispatch_params),
        cmocka_unit_test(test_get_int),
        cmocka_unit_test(test_get_decimal),
        cmocka_unit_test(test_get_string),
        cmocka_unit_test(test_get_enum_bool_container),
        cmocka_unit_test(test_get_datetime),
        cmocka_unit_test(test_get_errors_and_outputs),
        cmocka_unit_test(test_datetime_parse),
        cmocka_unit_test(test_datetime_leap_years),
        cmocka_unit_test(test_datetime_invalid),
        cmocka_unit_test(test_datetime_format),
        cmocka_unit_test(test_datetime_round_trip),
        cmocka_unit_test(test_datetime_vectors),
        cmocka_unit_test(test_datetime_every_day),
        cmocka_unit_test(test_datetime_days_of_months),
#if OCPP_CONFIG_OCPP201
        cmocka_unit_test(test_err_names_201),
#endif
        cmocka_unit_test(test_actions_201),
        cmocka_unit_test(test_dispatch_named),
#if OCPP_CONFIG_OCPP201
        cmocka_unit_test(test_parse_d_201),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
