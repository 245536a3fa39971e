/**
 * @file ocpp_json.h
 * @brief Bounded JSON reader over the caller's buffer, and a JSON writer into
 *        a fixed buffer. No heap, no recursion, no NUL termination needed.
 *
 * Reader: validate a document once with ocpp_json_validate() (strict RFC 8259,
 * nesting bounded by OCPP_CONFIG_JSON_MAX_DEPTH), then navigate it with
 * ocpp_json_root(), ocpp_json_get(), ocpp_json_find() and the iterator. A
 * value is a slice of the caller's buffer; nothing is copied until the caller
 * decodes a string or number. Navigation functions are bounds-safe on any
 * input, but only give meaningful results on a validated document.
 *
 * Writer: ocpp_jw_* append to a caller buffer. Overflow is sticky: once a write
 * does not fit, every later write is ignored and ocpp_jw_finish() returns
 * OCPP_ERR_NOMEM. Output is never silently truncated.
 */
#ifndef OCPP_JSON_H
#define OCPP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp_config_defaults.h"
#include "ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Type of a JSON value. */
typedef enum {
    OCPP_JSON_INVALID = 0,
    OCPP_JSON_NULL,
    OCPP_JSON_BOOL,
    OCPP_JSON_NUMBER,
    OCPP_JSON_STRING,
    OCPP_JSON_ARRAY,
    OCPP_JSON_OBJECT
} ocpp_json_type_t;

/**
 * A JSON value: a slice of the document. For strings, `ptr` points at the
 * opening quote and `len` includes both quotes; for containers, from the
 * opening to the closing bracket.
 */
typedef struct {
    const char *ptr;
    size_t len;
    ocpp_json_type_t type;
} ocpp_json_value_t;

/** Iterator over the members of an object or the elements of an array. */
typedef struct {
    const char *ptr; /**< Container text (private). */
    size_t len;      /**< Container length (private). */
    size_t pos;      /**< Offset of the next member (private). */
    bool is_object;  /**< (private) */
} ocpp_json_iter_t;

/**
 * @brief Check that buf[0..len) is exactly one JSON value (RFC 8259), with
 *        optional surrounding whitespace.
 * Strings must be valid UTF-8 (no overlongs, no UTF-8-encoded surrogates,
 * nothing above U+10FFFF); a \\u escape of a high surrogate must be followed
 * by one of a low surrogate, and a lone low surrogate is rejected.
 *
 * @return OCPP_OK; OCPP_ERR_PARSE for any syntax error (incl. invalid UTF-8,
 *         unescaped control characters, bad escapes, leading zeros, lone
 *         surrogate escapes, trailing data); OCPP_ERR_PARTIAL when the input
 *         ends inside a value, i.e. when it is a proper prefix of some valid
 *         document (this includes empty or whitespace-only input, "1." and a
 *         UTF-8 sequence cut at the end); OCPP_ERR_DEPTH when nesting exceeds
 *         OCPP_CONFIG_JSON_MAX_DEPTH; OCPP_ERR_PARAM for buf == NULL.
 */
ocpp_status_t ocpp_json_validate(const char *buf, size_t len);

/**
 * @brief The top-level value of a validated document (what follows it is
 *        not looked at).
 * @return OCPP_OK; OCPP_ERR_PARSE if buf holds no (complete) value;
 *         OCPP_ERR_PARAM for NULL pointers.
 */
ocpp_status_t ocpp_json_root(const char *buf, size_t len, ocpp_json_value_t *out);

/**
 * @brief Member `key` of object `obj` (one level; the key is compared after
 *        unescaping, so "a\u0062" matches "ab"). If a key occurs twice, the
 *        first wins.
 * @return OCPP_OK; OCPP_ERR_NOT_FOUND; OCPP_ERR_TYPE if obj is no object;
 *         OCPP_ERR_PARAM for NULL pointers.
 */
ocpp_status_t ocpp_json_get(const ocpp_json_value_t *obj, const char *key, ocpp_json_value_t *out);

/**
 * @brief Value at a path below `root`: keys separated by '.', array indexes
 *        in brackets, e.g. "idTagInfo.status", "[3]", "periods[0].limit",
 *        "m[1][0]". The empty path is `root` itself. Keys containing '.',
 *        '[' or ']' cannot be addressed (use ocpp_json_get()).
 * @return OCPP_OK; OCPP_ERR_NOT_FOUND; OCPP_ERR_TYPE when the path indexes a
 *         non-container, or uses a key on an array or an index on an object;
 *         OCPP_ERR_PARAM for a malformed path (checked before the walk:
 *         ".a", "a.", "a..b", "[]", "[x]", "a[0", "[0]x", "a]") or NULL
 *         pointers.
 */
ocpp_status_t ocpp_json_find(const ocpp_json_value_t *root, const char *path,
                             ocpp_json_value_t *out);

/**
 * @brief Start iterating `container` (an object or an array).
 * @return OCPP_OK or OCPP_ERR_TYPE.
 */
ocpp_status_t ocpp_json_iter_init(ocpp_json_iter_t *it, const ocpp_json_value_t *container);

/**
 * @brief Next member. For objects `key` receives the key (a string value);
 *        for arrays, or when `key` is NULL, it is left untouched. `val` may
 *        be NULL. On garbage the iteration stops early, never reads outside
 *        the container.
 * @return true if a member was returned, false at the end.
 */
bool ocpp_json_iter_next(ocpp_json_iter_t *it, ocpp_json_value_t *key, ocpp_json_value_t *val);

/** @brief Number of members/elements of a container (0 for scalars). */
size_t ocpp_json_count(const ocpp_json_value_t *container);

/**
 * @brief Decode a string value (unescaping, incl. \\uXXXX and surrogate
 *        pairs, to UTF-8) into out[0..cap), NUL-terminated.
 *        Bytes other than escapes are copied as they are. A "\\u0000"
 *        escape decodes to a NUL inside the text (see out_len).
 * @param out_len may be NULL; receives the decoded length without the NUL.
 * @return OCPP_OK; OCPP_ERR_TYPE if v is no string; OCPP_ERR_NOMEM if the
 *         decoded string and its NUL do not fit (out is then an empty string
 *         if cap > 0); OCPP_ERR_PARSE for a bad escape (only possible on an
 *         unvalidated document; out is then empty); OCPP_ERR_PARAM for
 *         out == NULL with cap > 0.
 */
ocpp_status_t ocpp_json_as_string(const ocpp_json_value_t *v, char *out, size_t cap,
                                  size_t *out_len);

/** @brief Decoded length of a string value, without NUL (0 for non-strings
 *         and for strings with a bad escape). */
size_t ocpp_json_string_len(const ocpp_json_value_t *v);

/** @brief True if v is a string whose decoded text equals the C string s
 *         (compared without a buffer; a decoded NUL never matches). */
bool ocpp_json_string_eq(const ocpp_json_value_t *v, const char *s);

/**
 * @brief An integer number (no fraction, no exponent; "-0" is 0).
 * @return OCPP_OK; OCPP_ERR_TYPE if v is no number or has a fraction or an
 *         exponent; OCPP_ERR_RANGE on int64 overflow (INT64_MIN is fine);
 *         OCPP_ERR_PARSE if the token is no JSON number (unvalidated input);
 *         OCPP_ERR_PARAM for out == NULL.
 */
ocpp_status_t ocpp_json_as_int(const ocpp_json_value_t *v, int64_t *out);

/**
 * @brief A number as fixed point: *out = round-half-away(value * 10^scale).
 *        "12.5" with scale 1 gives 125; "1e2" with scale 0 gives 100. Digits
 *        beyond the scale are rounded.
 * @param scale 0..9.
 * @return OCPP_OK; OCPP_ERR_TYPE if v is no number; OCPP_ERR_RANGE on int64
 *         overflow (also when rounding overflows); OCPP_ERR_PARSE if the token
 *         is no JSON number (unvalidated input); OCPP_ERR_PARAM for scale > 9
 *         or out == NULL.
 */
ocpp_status_t ocpp_json_as_decimal(const ocpp_json_value_t *v, unsigned scale, int64_t *out);

/** @brief A boolean. @return OCPP_OK; OCPP_ERR_TYPE; OCPP_ERR_PARAM for out == NULL. */
ocpp_status_t ocpp_json_as_bool(const ocpp_json_value_t *v, bool *out);

/* ------------------------------------------------------------------------ */
/* Writer                                                                    */
/* ------------------------------------------------------------------------ */

/** JSON writer state. All fields are private. */
typedef struct ocpp_jw {
    char *buf;
    size_t cap;
    size_t len;
    uint32_t first;  /**< Bit d set: the container at depth d+1 has no member yet. */
    uint32_t is_obj; /**< Bit d set: the container at depth d+1 is an object. */
    uint8_t depth;   /**< Number of open containers. */
    bool after_key;  /**< A key was written; a value must follow. */
    bool overflow;   /**< Sticky: something did not fit. */
    bool error;      /**< Sticky: misuse (unbalanced, value without key...). */
    bool done;       /**< The top-level value is complete. */
    /**
     * Optional sink for output larger than the buffer (NULL: none, overflow
     * as described above). Called when a write does not fit: buf[0..len) is
     * full and must be taken away whole; true: it was, and the writer goes on
     * at buf[0] (a token may be split across two calls); false: overflow.
     * `flushed` counts the bytes handed over so far. Set by the library.
     */
    bool (*flush)(struct ocpp_jw *w);
    void *flush_ctx;
    size_t flushed;
} ocpp_jw_t;

/**
 * @brief Start writing into buf[0..cap). buf == NULL acts as cap == 0 (every
 *        write overflows). Each later call is all-or-nothing: if its output
 *        (separator, token, colon) does not fit, none of it is counted.
 *        Misuse is sticky too: calls after it are ignored. Nesting deeper
 *        than OCPP_CONFIG_JSON_WRITER_MAX_DEPTH is misuse.
 */
void ocpp_jw_init(ocpp_jw_t *w, char *buf, size_t cap);
void ocpp_jw_obj_open(ocpp_jw_t *w);
void ocpp_jw_obj_close(ocpp_jw_t *w);
void ocpp_jw_arr_open(ocpp_jw_t *w);
void ocpp_jw_arr_close(ocpp_jw_t *w);
/** @brief An object key (escaped as needed); the next call writes its value. */
void ocpp_jw_key(ocpp_jw_t *w, const char *key);
/**
 * @brief A string value from a C string, escaped per RFC 8259 §7: '"', '\\'
 *        and U+0000..U+001F (as \\b \\f \\n \\r \\t or \\u00XX); all other
 *        bytes, incl. UTF-8, are copied as they are (the caller vouches for
 *        valid UTF-8). s == NULL is misuse.
 */
void ocpp_jw_str(ocpp_jw_t *w, const char *s);
/** @brief A string value from n bytes (may contain NUL, escaped as \\u0000). */
void ocpp_jw_strn(ocpp_jw_t *w, const char *s, size_t n);
void ocpp_jw_int(ocpp_jw_t *w, int64_t v);
/** @brief Fixed point: writes v / 10^scale with exactly `scale` decimals
 *         ("12.5" for v=125, scale=1; "-0.5" for v=-5, scale=1). scale 0..9;
 *         a larger scale is misuse. */
void ocpp_jw_decimal(ocpp_jw_t *w, int64_t v, unsigned scale);
void ocpp_jw_bool(ocpp_jw_t *w, bool v);
void ocpp_jw_null(ocpp_jw_t *w);
/** @brief Pre-encoded JSON value copied as is (the caller vouches for it).
 *         json == NULL or n == 0 is misuse. */
void ocpp_jw_raw(ocpp_jw_t *w, const char *json, size_t n);

/** Shorthands: key then value. */
void ocpp_jw_kv_str(ocpp_jw_t *w, const char *key, const char *s);
void ocpp_jw_kv_int(ocpp_jw_t *w, const char *key, int64_t v);
void ocpp_jw_kv_bool(ocpp_jw_t *w, const char *key, bool v);

/**
 * @brief Status of a writer so far, without finishing it (for code that
 *        writes part of a larger document): OCPP_OK, OCPP_ERR_STATE after
 *        misuse, OCPP_ERR_NOMEM after an overflow.
 */
ocpp_status_t ocpp_jw_status(const ocpp_jw_t *w);

/**
 * @brief Finish: checks that every container is closed.
 * @param out_len may be NULL; receives the length written (on overflow:
 *        the length of the calls that fit completely).
 * @return OCPP_OK; OCPP_ERR_STATE on misuse (unclosed container, key without
 *         value, value without key, key in an array, two top-level values,
 *         nothing written...), which wins over OCPP_ERR_NOMEM on overflow;
 *         OCPP_ERR_PARAM for w == NULL.
 *         The buffer is not NUL-terminated unless there is room, in which
 *         case a NUL is placed after the text (not counted in out_len).
 */
ocpp_status_t ocpp_jw_finish(ocpp_jw_t *w, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_JSON_H */
