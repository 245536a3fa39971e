/**
 * @file json_writer.c
 * @brief JSON writer into a fixed caller buffer.
 *
 * Every public call is atomic: it writes its whole output (separator, token,
 * colon) or, when that does not fit, nothing that counts. After the first
 * overflow nothing more is written, but the structure is still tracked so that
 * ocpp_jw_finish() can tell misuse (OCPP_ERR_STATE) from overflow. A writer
 * with a flush sink (set by the library: the session streams a message larger
 * than its transmit buffer as WebSocket fragments) does not overflow while the
 * sink takes every full buffer.
 */
#include <string.h>

#include "ocpp/ocpp_json.h"
#include "json/json_internal.h"
#include "util/text.h"

/** The part of put() past the buffer's end: with a flush sink, hand the full
 *  buffer over and go on at buf[0]; without one (or when it fails), set the
 *  sticky overflow flag (what was copied past the call's start is dropped by
 *  commit()). Never writes past cap. */
static void put_flush(ocpp_jw_t *w, const char *s, size_t n)
{
    while (n > 0u && !w->overflow) {
        if (w->len == w->cap) {
            if (w->flush == NULL || w->cap == 0u || !w->flush(w)) {
                w->overflow = true;
                return;
            }
            w->flushed += w->cap;
            w->len = 0;
        }
        size_t k = w->cap - w->len < n ? w->cap - w->len : n;
        memcpy(w->buf + w->len, s, k);
        w->len += k;
        s += k;
        n -= k;
    }
}

/** Append n bytes (the usual case, what fits, inline; the rest put_flush()). */
static inline void put(ocpp_jw_t *w, const char *s, size_t n)
{
    if (n <= w->cap - w->len && !w->overflow) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
        return;
    }
    put_flush(w, s, n);
}

/** End of a public call: on overflow, drop the partial output of this call. */
static void commit(ocpp_jw_t *w, size_t mark)
{
    if (w->overflow) {
        w->len = mark;
    }
}

static uint32_t top_bit(const ocpp_jw_t *w)
{
    return UINT32_C(1) << (w->depth - 1u);
}

/** Separator and state checks before a member. False on (sticky) misuse. */
static bool begin_value(ocpp_jw_t *w, size_t *mark)
{
    if (w == NULL || w->error) {
        return false;
    }
    *mark = w->len;
    if (w->depth == 0) {
        w->error = w->done;
    } else if (w->is_obj & top_bit(w)) {
        w->error = !w->after_key;
        w->after_key = false;
    } else {
        if (!(w->first & top_bit(w))) {
            put(w, ",", 1);
        }
        w->first &= ~top_bit(w);
    }
    return !w->error;
}

static void end_value(ocpp_jw_t *w, size_t mark)
{
    commit(w, mark);
    if (w->depth == 0) {
        w->done = true;
    }
}

void ocpp_jw_init(ocpp_jw_t *w, char *buf, size_t cap)
{
    if (w == NULL) {
        return;
    }
    memset(w, 0, sizeof(*w));
    w->buf = buf;
    w->cap = buf == NULL ? 0 : cap;
}

static void open_container(ocpp_jw_t *w, bool obj)
{
    size_t mark;
    if (!begin_value(w, &mark)) {
        return;
    }
    if (w->depth >= OCPP_CONFIG_JSON_WRITER_MAX_DEPTH) {
        w->error = true;
        return;
    }
    put(w, obj ? "{" : "[", 1);
    commit(w, mark);
    w->depth++;
    w->first |= top_bit(w);
    if (obj) {
        w->is_obj |= top_bit(w);
    } else {
        w->is_obj &= ~top_bit(w);
    }
}

static void close_container(ocpp_jw_t *w, bool obj)
{
    size_t mark;
    if (w == NULL || w->error) {
        return;
    }
    if (w->depth == 0 || w->after_key || ((w->is_obj & top_bit(w)) != 0) != obj) {
        w->error = true;
        return;
    }
    mark = w->len;
    put(w, obj ? "}" : "]", 1);
    w->depth--;
    end_value(w, mark);
}

void ocpp_jw_obj_open(ocpp_jw_t *w)
{
    open_container(w, true);
}

void ocpp_jw_obj_close(ocpp_jw_t *w)
{
    close_container(w, true);
}

void ocpp_jw_arr_open(ocpp_jw_t *w)
{
    open_container(w, false);
}

void ocpp_jw_arr_close(ocpp_jw_t *w)
{
    close_container(w, false);
}

/** The escape sequence for byte c (a quote, backslash or control character). */
static size_t escape_of(uint8_t c, char *e)
{
    static const char hex[] = "0123456789abcdef";
    e[0] = '\\';
    switch (c) {
    case '"': e[1] = '"'; return 2;
    case '\\': e[1] = '\\'; return 2;
    case '\b': e[1] = 'b'; return 2;
    case '\f': e[1] = 'f'; return 2;
    case '\n': e[1] = 'n'; return 2;
    case '\r': e[1] = 'r'; return 2;
    case '\t': e[1] = 't'; return 2;
    default:
        e[1] = 'u';
        e[2] = '0';
        e[3] = '0';
        e[4] = hex[c >> 4];
        e[5] = hex[c & 0xFu];
        return 6;
    }
}

/** A quoted string, RFC 8259 §7: quote, backslash and U+0000..U+001F escaped. */
static void put_string(ocpp_jw_t *w, const char *s, size_t n)
{
    char e[6];
    put(w, "\"", 1);
    while (n > 0) {
        size_t run = ocpp_json_plain_len_(s, n); /* copied as it is */
        put(w, s, run);
        if (run < n) {
            uint8_t c = (uint8_t)s[run];
            if (c >= 0x80) {
                put(w, s + run, 1); /* UTF-8 is written as it is */
            } else {
                put(w, e, escape_of(c, e));
            }
            run++;
        }
        s += run;
        n -= run;
    }
    put(w, "\"", 1);
}

void ocpp_jw_key(ocpp_jw_t *w, const char *key)
{
    size_t mark;
    if (w == NULL || w->error) {
        return;
    }
    if (key == NULL || w->depth == 0 || !(w->is_obj & top_bit(w)) || w->after_key) {
        w->error = true;
        return;
    }
    mark = w->len;
    if (!(w->first & top_bit(w))) {
        put(w, ",", 1);
    }
    w->first &= ~top_bit(w);
    put_string(w, key, strlen(key));
    put(w, ":", 1);
    commit(w, mark);
    w->after_key = true;
}

void ocpp_jw_strn(ocpp_jw_t *w, const char *s, size_t n)
{
    size_t mark;
    if (w != NULL && s == NULL && n > 0) {
        w->error = true;
    }
    if (!begin_value(w, &mark)) {
        return;
    }
    put_string(w, s, n);
    end_value(w, mark);
}

void ocpp_jw_str(ocpp_jw_t *w, const char *s)
{
    if (w != NULL && s == NULL) {
        w->error = true;
        return;
    }
    ocpp_jw_strn(w, s, s == NULL ? 0 : strlen(s));
}

void ocpp_jw_decimal(ocpp_jw_t *w, int64_t v, unsigned scale)
{
    char tmp[32];
    size_t i = sizeof(tmp), mark;
    uint64_t mag = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    if (w != NULL && scale > 9) {
        w->error = true;
    }
    if (!begin_value(w, &mark)) {
        return;
    }
    /* Digits from the last: `scale` of them, the point, then at least one. */
    unsigned k = 0;
    do {
        tmp[--i] = (char)('0' + ocpp_u64_divmod(&mag, 10u));
        if (++k == scale) {
            tmp[--i] = '.';
        }
    } while (mag != 0 || k <= scale);
    if (v < 0) {
        tmp[--i] = '-';
    }
    put(w, tmp + i, sizeof(tmp) - i);
    end_value(w, mark);
}

void ocpp_jw_int(ocpp_jw_t *w, int64_t v)
{
    ocpp_jw_decimal(w, v, 0);
}

void ocpp_jw_raw(ocpp_jw_t *w, const char *json, size_t n)
{
    size_t mark;
    if (w != NULL && (json == NULL || n == 0)) {
        w->error = true;
    }
    if (!begin_value(w, &mark)) {
        return;
    }
    put(w, json, n);
    end_value(w, mark);
}

void ocpp_jw_bool(ocpp_jw_t *w, bool v)
{
    ocpp_jw_raw(w, v ? "true" : "false", v ? 4u : 5u);
}

void ocpp_jw_null(ocpp_jw_t *w)
{
    ocpp_jw_raw(w, "null", 4);
}

void ocpp_jw_kv_str(ocpp_jw_t *w, const char *key, const char *s)
{
    ocpp_jw_key(w, key);
    ocpp_jw_str(w, s);
}

void ocpp_jw_kv_int(ocpp_jw_t *w, const char *key, int64_t v)
{
    ocpp_jw_key(w, key);
    ocpp_jw_int(w, v);
}

void ocpp_jw_kv_bool(ocpp_jw_t *w, const char *key, bool v)
{
    ocpp_jw_key(w, key);
    ocpp_jw_bool(w, v);
}

ocpp_status_t ocpp_jw_status(const ocpp_jw_t *w)
{
    if (w == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (w->error) {
        return OCPP_ERR_STATE;
    }
    return w->overflow ? OCPP_ERR_NOMEM : OCPP_OK;
}

ocpp_status_t ocpp_jw_finish(ocpp_jw_t *w, size_t *out_len)
{
    if (w == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (out_len != NULL) {
        *out_len = w->len;
    }
    if (w->len < w->cap) {
        w->buf[w->len] = '\0';
    }
    if (w->error || w->depth != 0 || !w->done) {
        return OCPP_ERR_STATE;
    }
    return w->overflow ? OCPP_ERR_NOMEM : OCPP_OK;
}
