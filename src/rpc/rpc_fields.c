/**
 * @file rpc_fields.c
 * @brief Payload field helpers: read one field of a CALL payload and map
 *        every problem to its OCPP-J 1.6 CALLERROR code (see rpc.h).
 */
#include <string.h>

#include "rpc/rpc.h"

static void set_desc(const char **desc, const char *text)
{
    if (desc != NULL) {
        *desc = text;
    }
}

bool ocpp_rpc_has(const ocpp_json_value_t *payload, const char *key)
{
    ocpp_json_value_t v;
    return payload != NULL && key != NULL && ocpp_json_get(payload, key, &v) == OCPP_OK;
}

/**
 * Find `key` and check its JSON type.
 * @return OCPP_RPC_OK with *found set; the error for a missing required field
 *         or a type mismatch.
 */
static ocpp_rpc_err_t lookup(const ocpp_json_value_t *payload, const char *key, bool required,
                             ocpp_json_type_t type, ocpp_json_value_t *v, bool *found,
                             const char **desc)
{
    *found = false;
    if (payload == NULL || key == NULL || payload->type != OCPP_JSON_OBJECT) {
        set_desc(desc, "payload is no object");
        return OCPP_RPC_ERR_FORMATION_VIOLATION;
    }
    if (ocpp_json_get(payload, key, v) != OCPP_OK) {
        if (!required) {
            return OCPP_RPC_OK;
        }
        /* OccurenceConstraintViolation: "at least one of the fields violates
         * occurrence constraints" (a required field occurs 0 times). */
        set_desc(desc, "required field missing");
        return OCPP_RPC_ERR_OCCURENCE_CONSTRAINT;
    }
    if (v->type != type) {
        /* TypeConstraintViolation: "violates data type constraints
         * (e.g. "somestring": 12)". null is no value of any OCPP type. */
        set_desc(desc, "field has the wrong type");
        return OCPP_RPC_ERR_TYPE_CONSTRAINT;
    }
    *found = true;
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t out_of_range(const char **desc)
{
    /* PropertyConstraintViolation: "Payload is syntactically correct but at
     * least one field contains an invalid value". */
    set_desc(desc, "field value out of range");
    return OCPP_RPC_ERR_PROPERTY_CONSTRAINT;
}

ocpp_rpc_err_t ocpp_rpc_get_int(const ocpp_json_value_t *payload, const char *key, bool required,
                                int64_t min, int64_t max, int64_t *out, const char **desc)
{
    ocpp_json_value_t v;
    bool found;
    int64_t x = 0;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_NUMBER, &v, &found, desc);
    if (e != OCPP_RPC_OK || !found) {
        return e;
    }
    ocpp_status_t st = ocpp_json_as_int(&v, &x);
    if (st == OCPP_ERR_TYPE) {
        set_desc(desc, "field is no integer");
        return OCPP_RPC_ERR_TYPE_CONSTRAINT;
    }
    if (st != OCPP_OK || x < min || x > max) {
        return out_of_range(desc);
    }
    if (out != NULL) {
        *out = x;
    }
    return OCPP_RPC_OK;
}

ocpp_rpc_err_t ocpp_rpc_get_decimal(const ocpp_json_value_t *payload, const char *key,
                                    bool required, unsigned scale, int64_t min, int64_t max,
                                    int64_t *out, const char **desc)
{
    ocpp_json_value_t v;
    bool found;
    int64_t x = 0;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_NUMBER, &v, &found, desc);
    if (e != OCPP_RPC_OK || !found) {
        return e;
    }
    ocpp_status_t st = ocpp_json_as_decimal(&v, scale, &x);
    if (st == OCPP_ERR_PARAM) {
        set_desc(desc, "bad decimal scale");
        return OCPP_RPC_ERR_INTERNAL;
    }
    if (st != OCPP_OK || x < min || x > max) {
        return out_of_range(desc);
    }
    if (out != NULL) {
        *out = x;
    }
    return OCPP_RPC_OK;
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
    bool found;
    size_t n = 0;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_STRING, &v, &found, desc);
    if (e != OCPP_RPC_OK || !found) {
        return e;
    }
    if (buf == NULL || ocpp_json_as_string(&v, buf, cap, &n) != OCPP_OK) {
        /* Longer than the buffer: too long for maxlen, or a caller bug. */
        if (json_chars(&v) > maxlen) {
            set_desc(desc, "string longer than allowed");
            return OCPP_RPC_ERR_PROPERTY_CONSTRAINT;
        }
        set_desc(desc, "string buffer too small");
        return OCPP_RPC_ERR_INTERNAL;
    }
    /* CiStringNType: "case insensitive string of N characters" (OCPP 1.6 §7). */
    if (chars_of(buf, n) > maxlen) {
        buf[0] = '\0';
        set_desc(desc, "string longer than allowed");
        return OCPP_RPC_ERR_PROPERTY_CONSTRAINT;
    }
    return OCPP_RPC_OK;
}

ocpp_rpc_err_t ocpp_rpc_get_enum(const ocpp_json_value_t *payload, const char *key, bool required,
                                 const char *const names[], size_t n, size_t *index,
                                 const char **desc)
{
    ocpp_json_value_t v;
    bool found;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_STRING, &v, &found, desc);
    if (e != OCPP_RPC_OK || !found) {
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
    set_desc(desc, "value not in enumeration");
    return OCPP_RPC_ERR_PROPERTY_CONSTRAINT;
}

ocpp_rpc_err_t ocpp_rpc_get_bool(const ocpp_json_value_t *payload, const char *key, bool required,
                                 bool *out, const char **desc)
{
    ocpp_json_value_t v;
    bool found;
    bool b = false;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_BOOL, &v, &found, desc);
    if (e == OCPP_RPC_OK && found && ocpp_json_as_bool(&v, &b) == OCPP_OK && out != NULL) {
        *out = b;
    }
    return e;
}

ocpp_rpc_err_t ocpp_rpc_get_datetime(const ocpp_json_value_t *payload, const char *key,
                                     bool required, int64_t *out, const char **desc)
{
    ocpp_json_value_t v;
    bool found;
    int64_t t = 0;
    ocpp_rpc_err_t e = lookup(payload, key, required, OCPP_JSON_STRING, &v, &found, desc);
    if (e != OCPP_RPC_OK || !found) {
        return e;
    }
    if (ocpp_rpc_parse_datetime(&v, &t) != OCPP_OK) {
        /* The JSON type (string) is right; the value is no date-time. */
        set_desc(desc, "invalid dateTime");
        return OCPP_RPC_ERR_PROPERTY_CONSTRAINT;
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
    bool found;
    ocpp_rpc_err_t e = lookup(payload, key, required, type, &v, &found, desc);
    if (e == OCPP_RPC_OK && found && out != NULL) {
        *out = v;
    }
    return e;
}
