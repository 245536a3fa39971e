/**
 * @file rpc_fields.c
 * @brief Payload field helpers: read one field of a CALL payload and map
 *        every problem to its OCPP-J 1.6 CALLERROR code (see rpc.h).
 */
#include <string.h>

#include "rpc/rpc.h"
#include "util/text.h"

/* Each way a field can be bad: its CALLERROR code (see rpc.h) and its
 * description (packed, see ocpp_text_nth()), in the same order. */
enum {
    BAD_PAYLOAD,  /* FormationViolation */
    BAD_MISSING,  /* OccurenceConstraintViolation: "at least one of the fields
                   * violates occurrence constraints" (a required field occurs
                   * 0 times) */
    BAD_TYPE,     /* TypeConstraintViolation: "violates data type constraints
                   * (e.g. "somestring": 12)". null is no value of any OCPP type. */
    BAD_NO_INT,   /* TypeConstraintViolation */
    BAD_RANGE,    /* PropertyConstraintViolation: "Payload is syntactically
                   * correct but at least one field contains an invalid value" */
    BAD_TOO_LONG, /* PropertyConstraintViolation */
    BAD_ENUM,     /* PropertyConstraintViolation */
    BAD_DATETIME, /* PropertyConstraintViolation */
    BAD_SCALE,    /* InternalError */
    BAD_BUFFER,   /* InternalError */
    BAD_COUNT_
};

static const uint8_t bad_code[BAD_COUNT_] = {
    OCPP_RPC_ERR_FORMATION_VIOLATION,
    OCPP_RPC_ERR_OCCURENCE_CONSTRAINT,
    OCPP_RPC_ERR_TYPE_CONSTRAINT,
    OCPP_RPC_ERR_TYPE_CONSTRAINT,
    OCPP_RPC_ERR_PROPERTY_CONSTRAINT,
    OCPP_RPC_ERR_PROPERTY_CONSTRAINT,
    OCPP_RPC_ERR_PROPERTY_CONSTRAINT,
    OCPP_RPC_ERR_PROPERTY_CONSTRAINT,
    OCPP_RPC_ERR_INTERNAL,
    OCPP_RPC_ERR_INTERNAL,
};

static const char bad_desc[] = "payload is no object\0"
                               "required field missing\0"
                               "field has the wrong type\0"
                               "field is no integer\0"
                               "field value out of range\0"
                               "string longer than allowed\0"
                               "value not in enumeration\0"
                               "invalid dateTime\0"
                               "bad decimal scale\0"
                               "string buffer too small";

/** The error `bad` (a BAD_ value), its description into *desc. */
static ocpp_rpc_err_t fail(const char **desc, unsigned bad)
{
    if (desc != NULL) {
        *desc = ocpp_text_nth(bad_desc, BAD_COUNT_, bad, bad_desc);
    }
    return (ocpp_rpc_err_t)bad_code[bad];
}

bool ocpp_rpc_has(const ocpp_json_value_t *payload, const char *key)
{
    ocpp_json_value_t v;
    return payload != NULL && key != NULL && ocpp_json_get(payload, key, &v) == OCPP_OK;
}

/**
 * Find `key` and check its JSON type.
 * @return OCPP_RPC_OK with v->ptr NULL if the field is absent and not
 *         required, else with *v the field; the error for a missing required
 *         field or a type mismatch.
 */
static ocpp_rpc_err_t lookup(const ocpp_json_value_t *payload, const char *key, bool required,
                             ocpp_json_type_t type, ocpp_json_value_t *v, const char **desc)
{
    if (payload == NULL || key == NULL || payload->type != OCPP_JSON_OBJECT) {
        return fail(desc, BAD_PAYLOAD);
    }
    if (ocpp_json_get(payload, key, v) != OCPP_OK) {
        v->ptr = NULL;
        return required ? fail(desc, BAD_MISSING) : OCPP_RPC_OK;
    }
    return v->type != type ? fail(desc, BAD_TYPE) : OCPP_RPC_OK;
}

/**
 * A number field: an integer (scale < 0, ocpp_json_as_int()) or a decimal
 * (ocpp_json_as_decimal()) in [min, max].
 */
static ocpp_rpc_err_t get_number(const ocpp_json_value_t *payload, const char *key, bool required,
                                 int scale, int64_t min, int64_t max, int64_t *out,
                                 const char **desc)
{
    ocpp_json_value_t v;
    int64_t x = 0;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_NUMBER, &v, desc);
    if (e != OCPP_RPC_OK || v.ptr == NULL) {
        return e;
    }
    ocpp_status_t st =
        scale < 0 ? ocpp_json_as_int(&v, &x) : ocpp_json_as_decimal(&v, (unsigned)scale, &x);
    if (st == (scale < 0 ? OCPP_ERR_TYPE : OCPP_ERR_PARAM)) {
        return fail(desc, scale < 0 ? BAD_NO_INT : BAD_SCALE);
    }
    if (st != OCPP_OK || x < min || x > max) {
        return fail(desc, BAD_RANGE);
    }
    if (out != NULL) {
        *out = x;
    }
    return OCPP_RPC_OK;
}

ocpp_rpc_err_t ocpp_rpc_get_int(const ocpp_json_value_t *payload, const char *key, bool required,
                                int64_t min, int64_t max, int64_t *out, const char **desc)
{
    return get_number(payload, key, required, -1, min, max, out, desc);
}

ocpp_rpc_err_t ocpp_rpc_get_decimal(const ocpp_json_value_t *payload, const char *key,
                                    bool required, unsigned scale, int64_t min, int64_t max,
                                    int64_t *out, const char **desc)
{
    /* Any scale above 9 is refused by ocpp_json_as_decimal(). */
    return get_number(payload, key, required, scale > 255u ? 255 : (int)scale, min, max, out, desc);
}

/** Number of UTF-8 characters of a decoded string. */
static size_t chars_of(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c += (((uint8_t)s[i] & 0xC0u) != 0x80u) ? 1u : 0u;
    }
    return c;
}

/** A \\u escape at p (6 bytes) of a UTF-16 high surrogate, D800..DBFF. */
static bool high_surrogate(const char *p)
{
    return p[1] == 'u' && (p[2] == 'd' || p[2] == 'D') &&
           ((p[3] >= '8' && p[3] <= '9') || (p[3] >= 'a' && p[3] <= 'b') ||
            (p[3] >= 'A' && p[3] <= 'B'));
}

/**
 * Characters of a JSON string value (from a validated document) as they
 * are once decoded, without decoding it: a UTF-8 sequence, an escape, and a
 * \\u escape pair of surrogates are one character each.
 */
static size_t json_chars(const ocpp_json_value_t *v)
{
    const char *p = v->ptr + 1;
    const char *end = v->ptr + v->len - 1u; /* the closing quote */
    size_t c = 0;
    while (p < end) {
        if (*p == '\\') {
            p += p[1] != 'u' ? 2 : (high_surrogate(p) ? 12 : 6);
            c++;
        } else {
            c += (((uint8_t)*p & 0xC0u) != 0x80u) ? 1u : 0u;
            p++;
        }
    }
    return c;
}

ocpp_rpc_err_t ocpp_rpc_get_string(const ocpp_json_value_t *payload, const char *key, bool required,
                                   size_t maxlen, char *buf, size_t cap, const char **desc)
{
    ocpp_json_value_t v;
    size_t n = 0;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_STRING, &v, desc);
    if (e != OCPP_RPC_OK || v.ptr == NULL) {
        return e;
    }
    if (buf == NULL || ocpp_json_as_string(&v, buf, cap, &n) != OCPP_OK) {
        /* Longer than the buffer: too long for maxlen, or a caller bug. */
        return fail(desc, json_chars(&v) > maxlen ? BAD_TOO_LONG : BAD_BUFFER);
    }
    /* CiStringNType: "case insensitive string of N characters" (OCPP 1.6 §7). */
    if (chars_of(buf, n) > maxlen) {
        buf[0] = '\0';
        return fail(desc, BAD_TOO_LONG);
    }
    return OCPP_RPC_OK;
}

ocpp_rpc_err_t ocpp_rpc_get_enum(const ocpp_json_value_t *payload, const char *key, bool required,
                                 const char *const names[], size_t n, size_t *index,
                                 const char **desc)
{
    ocpp_json_value_t v;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_STRING, &v, desc);
    if (e != OCPP_RPC_OK || v.ptr == NULL) {
        return e;
    }
    for (size_t i = 0; names != NULL && i < n; i++) {
        if (names[i] != NULL && ocpp_json_string_eq(&v, names[i])) {
            if (index != NULL) {
                *index = i;
            }
            return OCPP_RPC_OK;
        }
    }
    /* OCPP 1.6 errata: an invalid enumeration value "SHALL respond with RPC
     * Framework CALLERROR: PropertyConstraintViolation (JSON)". */
    return fail(desc, BAD_ENUM);
}

ocpp_rpc_err_t ocpp_rpc_get_bool(const ocpp_json_value_t *payload, const char *key, bool required,
                                 bool *out, const char **desc)
{
    ocpp_json_value_t v;
    bool b = false;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_BOOL, &v, desc);
    if (e == OCPP_RPC_OK && v.ptr != NULL && ocpp_json_as_bool(&v, &b) == OCPP_OK && out != NULL) {
        *out = b;
    }
    return e;
}

ocpp_rpc_err_t ocpp_rpc_get_datetime(const ocpp_json_value_t *payload, const char *key,
                                     bool required, int64_t *out, const char **desc)
{
    ocpp_json_value_t v;
    int64_t t = 0;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_STRING, &v, desc);
    if (e != OCPP_RPC_OK || v.ptr == NULL) {
        return e;
    }
    if (ocpp_rpc_parse_datetime(&v, &t) != OCPP_OK) {
        /* The JSON type (string) is right; the value is no date-time. */
        return fail(desc, BAD_DATETIME);
    }
    if (out != NULL) {
        *out = t;
    }
    return OCPP_RPC_OK;
}

ocpp_rpc_err_t ocpp_rpc_get_container(const ocpp_json_value_t *payload, const char *key,
                                      bool required, ocpp_json_type_t type, ocpp_json_value_t *out,
                                      const char **desc)
{
    ocpp_json_value_t v;
    ocpp_rpc_err_t e = lookup(payload, key, required, type, &v, desc);
    if (e == OCPP_RPC_OK && v.ptr != NULL && out != NULL) {
        *out = v;
    }
    return e;
}
