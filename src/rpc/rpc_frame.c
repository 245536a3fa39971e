/**
 * @file rpc_frame.c
 * @brief OCPP-J frames: error code strings, parsing of incoming messages
 *        (OCPP-J 1.6, and 2.0.1 with ocpp_rpc_parse_d()), recovery of the id
 *        of a too-large CALL, and the frame writers.
 */
#include <string.h>

#include "json/json_internal.h"
#include "ocpp/ocpp_config_defaults.h"
#include "rpc/rpc.h"
#include "util/text.h"

/* OCPP-J 1.6 §4.2.3 Table 7, spelled as the 1.6 wire format has them
 * (errata §5.1 and §5.2: "Do not fix"). Indexed by ocpp_rpc_err_t, packed
 * (see ocpp_text_nth()); OCPP_RPC_OK is never sent: be safe if it is, and
 * OCPP_RPC_ERR_GENERIC and unknown codes are the first name as well. */
static const char err_names[] = "GenericError\0NotImplemented\0NotSupported\0InternalError\0"
                                "ProtocolError\0SecurityError\0FormationViolation\0"
                                "PropertyConstraintViolation\0OccurenceConstraintViolation\0"
                                "TypeConstraintViolation";

#define ERR_COUNT ((unsigned)OCPP_RPC_ERR_GENERIC)

/** A payload `null` stands for "no payload" (§4.2.1), i.e. an empty object. */
static const char empty_object[] = "{}";

/* Descriptions that ocpp_rpc_parse_d() tells apart (by address). */
static const char desc_bad_payload[] = "payload is no object";
static const char desc_unknown_type[] = "unknown MessageTypeId";
static const char desc_id_too_long[] = "message id longer than 36 characters";

const char *ocpp_rpc_err_str(ocpp_rpc_err_t err)
{
    return ocpp_text_nth(err_names, ERR_COUNT, (unsigned)err, err_names);
}

const char *ocpp_rpc_err_name(ocpp_rpc_err_t err, ocpp_rpc_dialect_t dialect)
{
    if (!OCPP_CONFIG_OCPP201 || dialect != OCPP_RPC_DIALECT_201) {
        return ocpp_rpc_err_str(err); /* a build without 2.0.1 keeps none of it */
    }
    /* OCPP-J 2.0.1 §4.3 Table 8 fixed the two spellings that 1.6 keeps and
     * added two codes. */
    switch (err) {
    case OCPP_RPC_ERR_FORMATION_VIOLATION: return "FormatViolation";
    case OCPP_RPC_ERR_OCCURENCE_CONSTRAINT: return "OccurrenceConstraintViolation";
    case OCPP_RPC_ERR_RPC_FRAMEWORK: return "RpcFrameworkError";
    case OCPP_RPC_ERR_MESSAGE_TYPE_NOT_SUPPORTED: return "MessageTypeNotSupported";
    default: return ocpp_rpc_err_str(err);
    }
}

ocpp_rpc_err_t ocpp_rpc_err_from_json(const ocpp_json_value_t *v)
{
    const char *name = err_names;
    for (unsigned i = 0; v != NULL && i < ERR_COUNT; i++, name += strlen(name) + 1u) {
        if (i > 0u && ocpp_json_string_eq(v, name)) {
            return (ocpp_rpc_err_t)i;
        }
    }
    return OCPP_RPC_ERR_GENERIC;
}

/* ------------------------------------------------------------------------ */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------ */

/** Number of UTF-8 characters in s[0..n) (bytes that are no continuation). */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (((uint8_t)s[i] & 0xC0u) != 0x80u) {
            c++;
        }
    }
    return c;
}

/**
 * Decode the id value into out->id. @return false if it is no string or does
 * not fit the buffer (it cannot be echoed then).
 */
static bool take_id(ocpp_rpc_frame_t *out, const ocpp_json_value_t *v)
{
    size_t n = 0;
    if (ocpp_json_as_string(v, out->id, sizeof out->id, &n) != OCPP_OK) {
        out->id[0] = '\0';
        return false;
    }
    out->id_len = n;
    out->has_id = true;
    return true;
}

/** An object, or null taken as the empty object. False for anything else. */
static bool take_payload(ocpp_json_value_t *dst, const ocpp_json_value_t *v)
{
    if (v->type == OCPP_JSON_OBJECT) {
        *dst = *v;
        return true;
    }
    if (v->type == OCPP_JSON_NULL) {
        dst->ptr = empty_object;
        dst->len = 2;
        dst->type = OCPP_JSON_OBJECT;
        return true;
    }
    return false;
}

static ocpp_rpc_action_t action_of(const ocpp_json_value_t *v)
{
    char name[40];
    size_t n = 0;
    if (ocpp_json_as_string(v, name, sizeof name, &n) != OCPP_OK) {
        return OCPP_ACTION_UNKNOWN; /* longer than any 1.6 action name */
    }
    return ocpp_rpc_action_lookup(name, n);
}

/* Each parse step returns NULL when it went well, else the description of
 * what is wrong; ocpp_rpc_parse() makes it the answer (see fail()). */

static const char *parse_call(ocpp_rpc_frame_t *out, const ocpp_json_value_t *el, size_t n)
{
    /* §4.2.1: "A Call always consists of 4 elements" */
    if (n != 4u) {
        return "a CALL has 4 elements";
    }
    if (el[2].type != OCPP_JSON_STRING) {
        return "action is no string";
    }
    out->action_name = el[2];
    out->action = action_of(&el[2]);
    return take_payload(&out->payload, &el[3]) ? NULL : desc_bad_payload;
}

static const char *parse_reply(ocpp_rpc_frame_t *out, const ocpp_json_value_t *el, size_t n)
{
    if (out->type == OCPP_RPC_CALLRESULT) {
        /* §4.2.2: "A CallResult always consists of 3 elements" */
        return (n == 3u && take_payload(&out->payload, &el[2])) ? NULL : "malformed CALLRESULT";
    }
    /* §4.2.3: "A CallError always consists of 5 elements" */
    if (n != 5u || el[2].type != OCPP_JSON_STRING || el[3].type != OCPP_JSON_STRING) {
        return "malformed CALLERROR";
    }
    out->error_code = el[2];
    out->error_description = el[3];
    out->payload = el[4];
    out->error = ocpp_rpc_err_from_json(&el[2]);
    return NULL;
}

/**
 * MessageTypeNumber of v, or 0 if it is none of 2, 3, 4. A number value of
 * a validated document is its exact token (no sign, fraction or exponent
 * makes an integer 2..4 of more than one character: "2.0", "2e0" are no
 * integers to ocpp_json_as_int() either, and "02" is no JSON).
 */
static int type_of(const ocpp_json_value_t *v)
{
    int t = v->ptr[0] - '0';
    return (v->type == OCPP_JSON_NUMBER && v->len == 1u && t >= OCPP_RPC_CALL &&
            t <= OCPP_RPC_CALLERROR)
               ? t
               : 0;
}

/** Parse a validated document. el[] holds up to 5 elements; n is the count. */
static const char *parse_elements(ocpp_rpc_frame_t *out, const ocpp_json_value_t *el, size_t n)
{
    int t = type_of(&el[0]);
    if (t == 0) {
        /* §4.1.3: "it SHALL ignore the message payload" */
        return desc_unknown_type;
    }
    out->type = (ocpp_rpc_type_t)t;
    if (!take_id(out, &el[1])) {
        return "message id is no string of at most 36 characters";
    }
    if (utf8_chars(out->id, out->id_len) > OCPP_RPC_ID_MAX) {
        /* §4.1.4 Table 3 "Maximum of 36 characters"; §4.2.3 names
         * "unique identifier too long" as a case for a CallError. */
        return desc_id_too_long;
    }
    return t == OCPP_RPC_CALL ? parse_call(out, el, n) : parse_reply(out, el, n);
}

static void frame_reset(ocpp_rpc_frame_t *out)
{
    memset(out, 0, sizeof *out);
    out->type = OCPP_RPC_CALL;
    out->error = OCPP_RPC_OK;
}

ocpp_status_t ocpp_rpc_parse(const char *msg, size_t len, ocpp_rpc_frame_t *out)
{
    ocpp_json_value_t root;
    ocpp_json_value_t el[5];
    ocpp_json_iter_t it;
    size_t n = 0;
    const char *desc;
    if (out == NULL) {
        return OCPP_ERR_PARAM;
    }
    frame_reset(out);
    if (msg == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (ocpp_json_validate(msg, len) != OCPP_OK) {
        /* §4.1.2: "MUST be valid JSON". Answer if it starts like a CALL. */
        (void)ocpp_rpc_recover_id(msg, len, out);
        desc = "invalid JSON";
    } else if (ocpp_json_root(msg, len, &root) != OCPP_OK || root.type != OCPP_JSON_ARRAY) {
        desc = "message is no JSON array";
    } else {
        (void)ocpp_json_iter_init(&it, &root);
        while (ocpp_json_iter_next(&it, NULL, n < 5u ? &el[n] : NULL)) {
            n++;
        }
        desc = n < 2u ? "message has no id" : parse_elements(out, el, n);
        if (desc == NULL) {
            return OCPP_OK;
        }
    }
    /* A CALL (or what is no frame yet) is answered; a reply, or an unknown
     * MessageTypeId, never: then no id either. */
    out->error = OCPP_RPC_ERR_FORMATION_VIOLATION;
    out->error_desc = desc;
    if (out->type != OCPP_RPC_CALL || desc == desc_unknown_type) {
        out->has_id = false; /* never answered */
        out->id_len = 0;
        out->id[0] = '\0';
        return OCPP_ERR_PROTOCOL;
    }
    return OCPP_ERR_PARSE;
}

/* ------------------------------------------------------------------------ */
/* OCPP-J 2.0.1                                                              */
/* ------------------------------------------------------------------------ */

/** OCPP-J 2.0.1 §4.2.3: "When also the MessageId cannot be read, the
 *  CALLERROR SHALL contain "-1" as MessageId". */
static void id_unreadable(ocpp_rpc_frame_t *out)
{
    memcpy(out->id, "-1", 3);
    out->id_len = 2;
    out->has_id = true;
}

/**
 * A MessageTypeId that is a number other than 2, 3, 4 (a validated array of
 * at least two elements): OCPP-J 2.0.1 §4.4, MessageTypeNotSupported, to
 * the message's id if it is a readable one.
 */
static ocpp_status_t unsupported_type(const char *msg, size_t len, ocpp_rpc_frame_t *out)
{
    ocpp_json_value_t root, el[2];
    ocpp_json_iter_t it;
    size_t n = 0;
    (void)ocpp_json_root(msg, len, &root);
    (void)ocpp_json_iter_init(&it, &root);
    while (n < 2u && ocpp_json_iter_next(&it, NULL, &el[n])) {
        n++;
    }
    if (el[0].type != OCPP_JSON_NUMBER) {
        /* Not even a type number: no valid RPC frame. */
        out->error = OCPP_RPC_ERR_RPC_FRAMEWORK;
        out->error_desc = "MessageTypeId is no number";
    } else {
        out->error = OCPP_RPC_ERR_MESSAGE_TYPE_NOT_SUPPORTED;
        out->error_desc = "MessageTypeId not supported";
    }
    if (!take_id(out, &el[1]) || utf8_chars(out->id, out->id_len) > OCPP_RPC_ID_MAX) {
        id_unreadable(out);
    }
    return OCPP_ERR_PARSE;
}

ocpp_status_t ocpp_rpc_parse_d(const char *msg, size_t len, ocpp_rpc_dialect_t dialect,
                               ocpp_rpc_frame_t *out)
{
    ocpp_status_t st = ocpp_rpc_parse(msg, len, out);
    if (!OCPP_CONFIG_OCPP201 || dialect != OCPP_RPC_DIALECT_201 || st == OCPP_OK ||
        st == OCPP_ERR_PARAM) {
        return st;
    }
    if (st == OCPP_ERR_PROTOCOL) {
        /* A malformed CALLRESULT/CALLERROR stays unanswered. */
        return out->error_desc == desc_unknown_type ? unsupported_type(msg, len, out) : st;
    }
    if (out->error_desc != desc_bad_payload) {
        out->error = OCPP_RPC_ERR_RPC_FRAMEWORK; /* §4.3: "not a valid RPC Request" */
    }
    if (!out->has_id || out->error_desc == desc_id_too_long) {
        id_unreadable(out); /* a longer id would make our CALLERROR invalid */
    }
    return OCPP_ERR_PARSE;
}

/* ------------------------------------------------------------------------ */
/* Id recovery from a prefix                                                 */
/* ------------------------------------------------------------------------ */

/** Offset of the id string in a CALL prefix `[2,"`, or 0 if none. */
static size_t call_id_start(const char *p, size_t len)
{
    static const char lead[] = "[2,\""; /* with JSON whitespace around each */
    size_t i = 0;
    for (unsigned k = 0;; k++, i++) {
        i = ocpp_json_skip_ws_(p, len, i);
        if (i >= len || p[i] != lead[k]) {
            return 0; /* also rejects "20", "2.0", "2e0" */
        }
        if (k == sizeof lead - 2u) {
            return i;
        }
    }
}

ocpp_status_t ocpp_rpc_recover_id(const char *prefix, size_t len, ocpp_rpc_frame_t *out)
{
    if (out == NULL) {
        return OCPP_ERR_PARAM;
    }
    frame_reset(out);
    if (prefix == NULL) {
        return OCPP_ERR_PARAM;
    }
    size_t b = call_id_start(prefix, len);
    size_t e = b == 0 ? 0 : ocpp_json_string_end_(prefix, len, b);
    if (e == 0) {
        return OCPP_ERR_PARSE;
    }
    size_t after = ocpp_json_skip_ws_(prefix, len, e);
    ocpp_json_value_t v = {prefix + b, e - b, OCPP_JSON_STRING};
    if ((after < len && prefix[after] != ',') || ocpp_json_validate(v.ptr, v.len) != OCPP_OK ||
        !take_id(out, &v) || utf8_chars(out->id, out->id_len) > OCPP_RPC_ID_MAX) {
        frame_reset(out);
        return OCPP_ERR_PARSE;
    }
    out->error = OCPP_RPC_ERR_INTERNAL;
    out->error_desc = "message too large";
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Writers                                                                   */
/* ------------------------------------------------------------------------ */

void ocpp_rpc_write_call_open_name(ocpp_jw_t *jw, const char *id, const char *action)
{
    ocpp_jw_arr_open(jw);
    ocpp_jw_int(jw, OCPP_RPC_CALL);
    ocpp_jw_str(jw, id != NULL ? id : "");
    ocpp_jw_str(jw, action);
}

void ocpp_rpc_write_call_open(ocpp_jw_t *jw, const char *id, ocpp_rpc_action_t action)
{
    ocpp_rpc_write_call_open_name(jw, id, ocpp_rpc_action_name(action));
}

void ocpp_rpc_write_result_open(ocpp_jw_t *jw, const char *id, size_t id_len)
{
    ocpp_jw_arr_open(jw);
    ocpp_jw_int(jw, OCPP_RPC_CALLRESULT);
    ocpp_jw_strn(jw, id != NULL ? id : "", id != NULL ? id_len : 0u);
}

void ocpp_rpc_write_close(ocpp_jw_t *jw)
{
    ocpp_jw_arr_close(jw);
}

static void write_error_once(ocpp_jw_t *jw, const char *id, size_t id_len, ocpp_rpc_err_t err,
                             const char *description, ocpp_rpc_dialect_t dialect)
{
    ocpp_jw_arr_open(jw);
    ocpp_jw_int(jw, OCPP_RPC_CALLERROR);
    ocpp_jw_strn(jw, id != NULL ? id : "", id != NULL ? id_len : 0u);
    ocpp_jw_str(jw, ocpp_rpc_err_name(err, dialect));
    /* §4.2.3 Table 6: "Should be filled in if possible, otherwise a clear
     * empty string" ... "If there are no error details you MUST fill in an
     * empty object {}." */
    ocpp_jw_str(jw, description != NULL ? description : "");
    ocpp_jw_obj_open(jw);
    ocpp_jw_obj_close(jw);
    ocpp_jw_arr_close(jw);
}

ocpp_status_t ocpp_rpc_write_error_d(ocpp_jw_t *jw, const char *id, size_t id_len,
                                     ocpp_rpc_err_t err, const char *description,
                                     ocpp_rpc_dialect_t dialect)
{
    if (jw == NULL) {
        return OCPP_ERR_PARAM;
    }
    /* The writer state is ours to copy; restoring it rewinds the output. */
    const ocpp_jw_t mark = *jw;
    write_error_once(jw, id, id_len, err, description, dialect);
    if (jw->overflow && description != NULL && description[0] != '\0') {
        *jw = mark;
        write_error_once(jw, id, id_len, err, "", dialect);
    }
    return jw->overflow ? OCPP_ERR_NOMEM : OCPP_OK;
}

ocpp_status_t ocpp_rpc_write_error(ocpp_jw_t *jw, const char *id, size_t id_len, ocpp_rpc_err_t err,
                                   const char *description)
{
    return ocpp_rpc_write_error_d(jw, id, id_len, err, description, OCPP_RPC_DIALECT_16);
}
