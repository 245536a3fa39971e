/**
 * @file json_reader.c
 * @brief Strict RFC 8259 validator, bounds-safe navigation and decoders.
 *
 * Nothing here recurses: the validator keeps one bit per nesting level
 * (object or array) in a local array, and navigation skips nested values by
 * counting brackets outside strings. Every access is checked against the
 * slice it belongs to, so garbage input cannot make us read out of bounds.
 */
#include <string.h>

#include "ocpp/ocpp_json.h"
#include "json/json_internal.h"

/* ------------------------------------------------------------------------ */
/* Plain runs (shared with the writer)                                       */
/* ------------------------------------------------------------------------ */

static bool is_plain(uint8_t c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/*
 * Four bytes per step (the strings of OCPP messages are long runs of plain
 * ASCII): a word has a byte that is not plain if a byte is < 0x20 or >= 0x80,
 * or equals '"' or '\\' (the classic "has a zero byte" test on w ^ c).
 */
#define ONES  UINT32_C(0x01010101)
#define HIGHS UINT32_C(0x80808080)

static bool word_plain(uint32_t w)
{
    uint32_t q = w ^ (ONES * '"');
    uint32_t b = w ^ (ONES * '\\');
    uint32_t bad = ((w - ONES * 0x20u) | w | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS;
    return bad == 0;
}

size_t ocpp_json_plain_len_(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t w;
    while (n - i >= sizeof w) {
        memcpy(&w, s + i, sizeof w);
        if (!word_plain(w)) {
            break;
        }
        i += sizeof w;
    }
    while (i < n && is_plain((uint8_t)s[i])) {
        i++;
    }
    return i;
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                */
/* ------------------------------------------------------------------------ */

/** Validator state: the input and the nesting bit stack (1 = object). */
typedef struct {
    const uint8_t *p;
    size_t len;
    size_t pos;
    unsigned depth;
    uint8_t stack[(OCPP_CONFIG_JSON_MAX_DEPTH + 7) / 8];
} jv_t;

static void jv_skip_ws(jv_t *r)
{
    while (r->pos < r->len && ocpp_json_is_ws_(r->p[r->pos])) {
        r->pos++;
    }
}

/** OK if p[at] is `c`, PARTIAL if the input ends before, PARSE otherwise. */
static ocpp_status_t jv_expect(const jv_t *r, size_t at, uint8_t c)
{
    if (at >= r->len) {
        return OCPP_ERR_PARTIAL;
    }
    return r->p[at] == c ? OCPP_OK : OCPP_ERR_PARSE;
}

static bool jv_top_is_object(const jv_t *r)
{
    unsigned d = r->depth - 1u;
    return (r->stack[d / 8u] >> (d % 8u)) & 1u;
}

static int hex_val(uint8_t c)
{
    if (ocpp_json_is_digit_(c)) {
        return c - '0';
    }
    c = (uint8_t)(c | 0x20u);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/** Four hex digits at p[i..i+4) (bounded by end): the value, -1 if bad, -2 if cut short. */
static int32_t hex4_at(const uint8_t *p, size_t end, size_t i)
{
    int32_t cp = 0;
    for (size_t k = 0; k < 4; k++) {
        if (i + k >= end) {
            return -2;
        }
        int h = hex_val(p[i + k]);
        if (h < 0) {
            return -1;
        }
        cp = (cp << 4) | h;
    }
    return cp;
}

/** Four hex digits at p[at..at+4) into *cp. */
static ocpp_status_t jv_hex4(const jv_t *r, size_t at, int32_t *cp)
{
    *cp = hex4_at(r->p, r->len, at);
    return *cp >= 0 ? OCPP_OK : *cp == -2 ? OCPP_ERR_PARTIAL : OCPP_ERR_PARSE;
}

/** A \\uXXXX escape at pos (after the backslash and 'u' check), incl. pairs. */
static ocpp_status_t jv_unicode(jv_t *r)
{
    int32_t cp;
    ocpp_status_t st = jv_hex4(r, r->pos + 2, &cp);
    if (st != OCPP_OK) {
        return st;
    }
    r->pos += 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return OCPP_ERR_PARSE; /* lone low surrogate */
    }
    if (cp < 0xD800 || cp > 0xDBFF) {
        return OCPP_OK;
    }
    st = jv_expect(r, r->pos, '\\');
    if (st == OCPP_OK) {
        st = jv_expect(r, r->pos + 1, 'u');
    }
    if (st == OCPP_OK) {
        st = jv_hex4(r, r->pos + 2, &cp);
    }
    if (st == OCPP_OK && (cp < 0xDC00 || cp > 0xDFFF)) {
        st = OCPP_ERR_PARSE; /* high surrogate not followed by a low one */
    }
    r->pos += 6;
    return st;
}

/** An escape sequence at pos (the backslash). */
static ocpp_status_t jv_escape(jv_t *r)
{
    if (r->pos + 1 >= r->len) {
        return OCPP_ERR_PARTIAL;
    }
    switch (r->p[r->pos + 1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': r->pos += 2; return OCPP_OK;
    case 'u': return jv_unicode(r);
    default: return OCPP_ERR_PARSE;
    }
}

/**
 * A multi-byte UTF-8 sequence at pos, per Unicode Table 3-7 (no overlongs,
 * no surrogates, nothing above U+10FFFF).
 */
static ocpp_status_t jv_utf8(jv_t *r)
{
    uint8_t c = r->p[r->pos];
    uint8_t lo = 0x80, hi = 0xBF;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return OCPP_ERR_PARSE;
    }
    for (size_t i = 1; i <= n; i++) {
        if (r->pos + i >= r->len) {
            return OCPP_ERR_PARTIAL;
        }
        c = r->p[r->pos + i];
        if (c < lo || c > hi) {
            return OCPP_ERR_PARSE;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    r->pos += n + 1;
    return OCPP_OK;
}

/** A string starting at pos (the opening quote). */
static ocpp_status_t jv_string(jv_t *r)
{
    ocpp_status_t st = OCPP_OK;
    r->pos++;
    while (st == OCPP_OK) {
        /* Fast path: a run of printable ASCII without quote or backslash. */
        size_t i = r->pos + ocpp_json_plain_len_((const char *)r->p + r->pos, r->len - r->pos);
        r->pos = i;
        if (i >= r->len) {
            return OCPP_ERR_PARTIAL;
        }
        uint8_t c = r->p[i];
        if (c == '"') {
            r->pos++;
            return OCPP_OK;
        }
        if (c < 0x20) {
            return OCPP_ERR_PARSE;
        }
        st = (c == '\\') ? jv_escape(r) : jv_utf8(r);
    }
    return st;
}

/** One or more digits; PARTIAL at end of input, PARSE if none. */
static ocpp_status_t jv_digits(jv_t *r)
{
    size_t start = r->pos;
    while (r->pos < r->len && ocpp_json_is_digit_(r->p[r->pos])) {
        r->pos++;
    }
    if (r->pos > start) {
        return OCPP_OK;
    }
    return r->pos >= r->len ? OCPP_ERR_PARTIAL : OCPP_ERR_PARSE;
}

static bool jv_peek(const jv_t *r, uint8_t a, uint8_t b)
{
    return r->pos < r->len && (r->p[r->pos] == a || r->p[r->pos] == b);
}

/** RFC 8259 §6: [ minus ] int [ frac ] [ exp ]; int has no leading zero. */
static ocpp_status_t jv_number(jv_t *r)
{
    ocpp_status_t st;
    if (r->p[r->pos] == '-') {
        r->pos++;
    }
    st = jv_expect(r, r->pos, '0');
    if (st == OCPP_OK) {
        r->pos++; /* a leading 0 stands alone; a following digit is trailing junk */
    } else if (st == OCPP_ERR_PARSE) {
        st = jv_digits(r);
    }
    if (st == OCPP_OK && jv_peek(r, '.', '.')) {
        r->pos++;
        st = jv_digits(r);
    }
    if (st == OCPP_OK && jv_peek(r, 'e', 'E')) {
        r->pos++;
        if (jv_peek(r, '+', '-')) {
            r->pos++;
        }
        st = jv_digits(r);
    }
    return st;
}

static ocpp_status_t jv_literal(jv_t *r, const char *lit)
{
    for (; *lit != '\0'; lit++, r->pos++) {
        ocpp_status_t st = jv_expect(r, r->pos, (uint8_t)*lit);
        if (st != OCPP_OK) {
            return st;
        }
    }
    return OCPP_OK;
}

/**
 * The start of a value at pos (after whitespace). Scalars are consumed
 * entirely (OCPP_OK); an opened container returns OCPP_PENDING.
 */
static ocpp_status_t jv_value(jv_t *r)
{
    jv_skip_ws(r);
    if (r->pos >= r->len) {
        return OCPP_ERR_PARTIAL;
    }
    uint8_t c = r->p[r->pos];
    switch (c) {
    case '{':
    case '[':
        if (r->depth >= OCPP_CONFIG_JSON_MAX_DEPTH) {
            return OCPP_ERR_DEPTH;
        }
        if (c == '{') {
            r->stack[r->depth / 8u] |= (uint8_t)(1u << (r->depth % 8u));
        } else {
            r->stack[r->depth / 8u] &= (uint8_t) ~(1u << (r->depth % 8u));
        }
        r->depth++;
        r->pos++;
        return OCPP_PENDING;
    case '"': return jv_string(r);
    case 't': return jv_literal(r, "true");
    case 'f': return jv_literal(r, "false");
    case 'n': return jv_literal(r, "null");
    default:
        if (c == '-' || ocpp_json_is_digit_(c)) {
            return jv_number(r);
        }
        return OCPP_ERR_PARSE;
    }
}

/** An object key and its colon. */
static ocpp_status_t jv_key(jv_t *r)
{
    ocpp_status_t st;
    jv_skip_ws(r);
    st = jv_expect(r, r->pos, '"');
    if (st == OCPP_OK) {
        st = jv_string(r);
    }
    if (st == OCPP_OK) {
        jv_skip_ws(r);
        st = jv_expect(r, r->pos, ':');
        r->pos++;
    }
    return st;
}

/**
 * What may follow a value: ',' (then a member), a closing bracket, or the end
 * of the input at depth 0 (OCPP_OK). OCPP_PENDING: go on.
 */
static ocpp_status_t jv_after_value(jv_t *r, bool *want_value)
{
    jv_skip_ws(r);
    if (r->depth == 0) {
        return r->pos == r->len ? OCPP_OK : OCPP_ERR_PARSE;
    }
    if (r->pos >= r->len) {
        return OCPP_ERR_PARTIAL;
    }
    uint8_t c = r->p[r->pos++];
    bool obj = jv_top_is_object(r);
    if (c == ',') {
        ocpp_status_t st = obj ? jv_key(r) : OCPP_OK;
        *want_value = true;
        return st == OCPP_OK ? OCPP_PENDING : st;
    }
    if (c == (obj ? '}' : ']')) {
        r->depth--;
        return OCPP_PENDING;
    }
    return OCPP_ERR_PARSE;
}

/** Right after an opening bracket: an immediate close, or the first member. */
static ocpp_status_t jv_after_open(jv_t *r, bool *want_value)
{
    bool obj = jv_top_is_object(r);
    jv_skip_ws(r);
    if (r->pos >= r->len) {
        return OCPP_ERR_PARTIAL;
    }
    if (r->p[r->pos] == (obj ? '}' : ']')) {
        r->pos++;
        r->depth--;
        *want_value = false;
        return OCPP_OK;
    }
    return obj ? jv_key(r) : OCPP_OK;
}

ocpp_status_t ocpp_json_validate(const char *buf, size_t len)
{
    jv_t r;
    ocpp_status_t st = OCPP_OK;
    bool want_value = true;
    if (buf == NULL) {
        return OCPP_ERR_PARAM;
    }
    memset(&r, 0, sizeof(r));
    r.p = (const uint8_t *)buf;
    r.len = len;
    while (st >= OCPP_OK) {
        if (!want_value) {
            st = jv_after_value(&r, &want_value);
            if (st == OCPP_OK) {
                return OCPP_OK; /* depth 0 and nothing left */
            }
            continue;
        }
        st = jv_value(&r);
        if (st == OCPP_PENDING) {
            st = jv_after_open(&r, &want_value);
        } else {
            want_value = false;
        }
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Navigation: bounds-safe extents of values inside [p, p + len)             */
/* ------------------------------------------------------------------------ */

size_t ocpp_json_skip_ws_(const char *p, size_t len, size_t i)
{
    while (i < len && ocpp_json_is_ws_((uint8_t)p[i])) {
        i++;
    }
    return i;
}

/** Index after the closing quote of the string at p[i], or 0 if none. */
size_t ocpp_json_string_end_(const char *p, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        i += ocpp_json_plain_len_(p + i, len - i);
        if (i >= len) {
            break;
        }
        if (p[i] == '"') {
            return i + 1;
        }
        if (p[i] == '\\') {
            i++;
        }
    }
    return 0;
}

/** Index after the bracket closing the container at p[i], or 0 if none. */
static size_t container_end(const char *p, size_t len, size_t i)
{
    size_t depth = 0;
    while (i < len) {
        char c = p[i];
        if (c == '"') {
            i = ocpp_json_string_end_(p, len, i);
            if (i == 0) {
                return 0;
            }
            continue;
        }
        if (c == '[' || c == '{') {
            depth++;
        } else if ((c == ']' || c == '}') && --depth == 0) {
            return i + 1;
        }
        i++;
    }
    return 0;
}

/** Index after a run of characters from `set` starting at p[i]. */
static size_t span_of(const char *p, size_t len, size_t i, const char *set)
{
    while (i < len && p[i] != '\0' && strchr(set, p[i]) != NULL) {
        i++;
    }
    return i;
}

/** The value starting at p[i] (no leading whitespace). False if none. */
static bool value_at(const char *p, size_t len, size_t i, ocpp_json_value_t *v)
{
    size_t end = 0;
    ocpp_json_type_t t = OCPP_JSON_INVALID;
    if (i >= len) {
        return false;
    }
    switch (p[i]) {
    case '"':
        t = OCPP_JSON_STRING;
        end = ocpp_json_string_end_(p, len, i);
        break;
    case '[':
        t = OCPP_JSON_ARRAY;
        end = container_end(p, len, i);
        break;
    case '{':
        t = OCPP_JSON_OBJECT;
        end = container_end(p, len, i);
        break;
    case 't':
    case 'f':
        t = OCPP_JSON_BOOL;
        end = span_of(p, len, i, "truefals");
        break;
    case 'n':
        t = OCPP_JSON_NULL;
        end = span_of(p, len, i, "nul");
        break;
    default:
        if (p[i] == '-' || ocpp_json_is_digit_((uint8_t)p[i])) {
            t = OCPP_JSON_NUMBER;
            end = span_of(p, len, i, "0123456789+-.eE");
        }
        break;
    }
    if (end <= i) {
        return false;
    }
    v->ptr = p + i;
    v->len = end - i;
    v->type = t;
    return true;
}

ocpp_status_t ocpp_json_root(const char *buf, size_t len, ocpp_json_value_t *out)
{
    if (buf == NULL || out == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (!value_at(buf, len, ocpp_json_skip_ws_(buf, len, 0), out)) {
        return OCPP_ERR_PARSE;
    }
    return OCPP_OK;
}

ocpp_status_t ocpp_json_iter_init(ocpp_json_iter_t *it, const ocpp_json_value_t *container)
{
    if (it == NULL || container == NULL) {
        return OCPP_ERR_PARAM;
    }
    if ((container->type != OCPP_JSON_OBJECT && container->type != OCPP_JSON_ARRAY) ||
        container->ptr == NULL || container->len < 2) {
        return OCPP_ERR_TYPE;
    }
    it->ptr = container->ptr;
    it->len = container->len - 1; /* up to, not including, the closing bracket */
    it->pos = 1;
    it->is_object = container->type == OCPP_JSON_OBJECT;
    return OCPP_OK;
}

/** The key and colon of an object member at it->pos. */
static bool iter_key(ocpp_json_iter_t *it, ocpp_json_value_t *key)
{
    if (!value_at(it->ptr, it->len, it->pos, key) || key->type != OCPP_JSON_STRING) {
        return false;
    }
    it->pos = ocpp_json_skip_ws_(it->ptr, it->len, it->pos + key->len);
    if (it->pos >= it->len || it->ptr[it->pos] != ':') {
        return false;
    }
    it->pos = ocpp_json_skip_ws_(it->ptr, it->len, it->pos + 1);
    return true;
}

bool ocpp_json_iter_next(ocpp_json_iter_t *it, ocpp_json_value_t *key, ocpp_json_value_t *val)
{
    ocpp_json_value_t k, v;
    if (it == NULL || it->ptr == NULL) {
        return false;
    }
    it->pos = ocpp_json_skip_ws_(it->ptr, it->len, it->pos);
    if ((it->is_object && !iter_key(it, &k)) || !value_at(it->ptr, it->len, it->pos, &v)) {
        it->pos = it->len; /* end, or garbage: stop for good */
        return false;
    }
    it->pos = ocpp_json_skip_ws_(it->ptr, it->len, it->pos + v.len);
    if (it->pos < it->len && it->ptr[it->pos] == ',') {
        it->pos++;
    }
    if (key != NULL && it->is_object) {
        *key = k;
    }
    if (val != NULL) {
        *val = v;
    }
    return true;
}

size_t ocpp_json_count(const ocpp_json_value_t *container)
{
    ocpp_json_iter_t it;
    size_t n = 0;
    if (ocpp_json_iter_init(&it, container) != OCPP_OK) {
        return 0;
    }
    while (ocpp_json_iter_next(&it, NULL, NULL)) {
        n++;
    }
    return n;
}

/* ------------------------------------------------------------------------ */
/* String decoding                                                           */
/* ------------------------------------------------------------------------ */

static size_t utf8_encode(uint32_t cp, uint8_t *o)
{
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (uint8_t)(0xC0u | (cp >> 6));
        o[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (uint8_t)(0xE0u | (cp >> 12));
        o[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        o[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    o[0] = (uint8_t)(0xF0u | (cp >> 18));
    o[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
    o[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
    o[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
    return 4;
}

/** The code point of a \\u escape (and its pair) at p[*i], advancing *i. */
static int32_t decode_u(const char *p, size_t end, size_t *i)
{
    const uint8_t *u = (const uint8_t *)p;
    int32_t cp = hex4_at(u, end, *i + 2), lo;
    *i += 6;
    if (cp < 0xD800 || cp > 0xDFFF) {
        return cp;
    }
    if (cp > 0xDBFF || *i + 1 >= end || p[*i] != '\\' || p[*i + 1] != 'u') {
        return -1;
    }
    lo = hex4_at(u, end, *i + 2);
    *i += 6;
    if (lo < 0xDC00 || lo > 0xDFFF) {
        return -1;
    }
    return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
}

/**
 * Decode one character of string content at p[*i] (bounded by end) into
 * o[0..4). @return its number of bytes, 0 for a bad escape.
 */
static size_t decode_char(const char *p, size_t end, size_t *i, uint8_t *o)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    const char *e;
    if (p[*i] != '\\') {
        o[0] = (uint8_t)p[(*i)++];
        return 1;
    }
    if (*i + 1 >= end) {
        return 0;
    }
    if (p[*i + 1] == 'u') {
        int32_t cp = decode_u(p, end, i);
        return cp < 0 ? 0 : utf8_encode((uint32_t)cp, o);
    }
    e = p[*i + 1] == '\0' ? NULL : strchr(from, p[*i + 1]);
    if (e == NULL) {
        return 0;
    }
    o[0] = (uint8_t)to[e - from];
    *i += 2;
    return 1;
}

/** Content bounds of a string value: [*b, *e). False if v is no string. */
static bool string_bounds(const ocpp_json_value_t *v, size_t *b, size_t *e)
{
    if (v == NULL || v->type != OCPP_JSON_STRING || v->ptr == NULL || v->len < 2 ||
        v->ptr[0] != '"' || v->ptr[v->len - 1] != '"') {
        return false;
    }
    *b = 1;
    *e = v->len - 1;
    return true;
}

/** Decode into out (NULL: just count). @return length, or SIZE_MAX if bad. */
static size_t decode_string(const ocpp_json_value_t *v, char *out, size_t cap)
{
    size_t i, end, n = 0;
    uint8_t o[4];
    if (!string_bounds(v, &i, &end)) {
        return SIZE_MAX;
    }
    if (memchr(v->ptr + i, '\\', end - i) == NULL) {
        n = end - i; /* no escape (the usual case): one copy */
        if (out != NULL && n <= cap) {
            memcpy(out, v->ptr + i, n);
        }
        return n;
    }
    while (i < end) {
        size_t k = decode_char(v->ptr, end, &i, o);
        if (k == 0) {
            return SIZE_MAX;
        }
        if (out != NULL && k <= cap && n <= cap - k) {
            memcpy(out + n, o, k);
        }
        n += k;
    }
    return n;
}

ocpp_status_t ocpp_json_as_string(const ocpp_json_value_t *v, char *out, size_t cap,
                                  size_t *out_len)
{
    size_t n;
    if (out == NULL && cap > 0) {
        return OCPP_ERR_PARAM;
    }
    if (v == NULL || v->type != OCPP_JSON_STRING) {
        return OCPP_ERR_TYPE;
    }
    n = decode_string(v, out, cap);
    if (n == SIZE_MAX || n >= cap) {
        if (cap > 0) {
            out[0] = '\0';
        }
        return n == SIZE_MAX ? OCPP_ERR_PARSE : OCPP_ERR_NOMEM;
    }
    out[n] = '\0';
    if (out_len != NULL) {
        *out_len = n;
    }
    return OCPP_OK;
}

size_t ocpp_json_string_len(const ocpp_json_value_t *v)
{
    size_t n = decode_string(v, NULL, 0);
    return n == SIZE_MAX ? 0 : n;
}

/** Decoded string equals s[0..n). */
static bool string_eq_n(const ocpp_json_value_t *v, const char *s, size_t n)
{
    size_t i, end, pos = 0;
    uint8_t o[4];
    if (!string_bounds(v, &i, &end)) {
        return false;
    }
    while (i < end) {
        size_t k = decode_char(v->ptr, end, &i, o);
        if (k == 0 || k > n - pos || memcmp(o, s + pos, k) != 0) {
            return false;
        }
        pos += k;
    }
    return pos == n;
}

bool ocpp_json_string_eq(const ocpp_json_value_t *v, const char *s)
{
    return s != NULL && string_eq_n(v, s, strlen(s));
}

/* ------------------------------------------------------------------------ */
/* Lookup                                                                    */
/* ------------------------------------------------------------------------ */

static ocpp_status_t get_n(const ocpp_json_value_t *obj, const char *key, size_t n,
                           ocpp_json_value_t *out)
{
    ocpp_json_iter_t it;
    ocpp_json_value_t k, v;
    if (obj->type != OCPP_JSON_OBJECT || ocpp_json_iter_init(&it, obj) != OCPP_OK) {
        return OCPP_ERR_TYPE;
    }
    while (ocpp_json_iter_next(&it, &k, &v)) {
        if (string_eq_n(&k, key, n)) {
            *out = v;
            return OCPP_OK;
        }
    }
    return OCPP_ERR_NOT_FOUND;
}

ocpp_status_t ocpp_json_get(const ocpp_json_value_t *obj, const char *key, ocpp_json_value_t *out)
{
    if (obj == NULL || key == NULL || out == NULL) {
        return OCPP_ERR_PARAM;
    }
    return get_n(obj, key, strlen(key), out);
}

static ocpp_status_t index_n(const ocpp_json_value_t *arr, size_t idx, ocpp_json_value_t *out)
{
    ocpp_json_iter_t it;
    ocpp_json_value_t v;
    if (arr->type != OCPP_JSON_ARRAY || ocpp_json_iter_init(&it, arr) != OCPP_OK) {
        return OCPP_ERR_TYPE;
    }
    while (ocpp_json_iter_next(&it, NULL, &v)) {
        if (idx-- == 0) {
            *out = v;
            return OCPP_OK;
        }
    }
    return OCPP_ERR_NOT_FOUND;
}

/** One path segment: a key (key != NULL) or an index. */
typedef struct {
    const char *key;
    size_t klen;
    size_t idx;
} path_seg_t;

/** Parse the segment at path[*i] (non-empty), advancing *i. */
static ocpp_status_t path_next(const char *path, size_t *i, path_seg_t *s)
{
    const char *p = path + *i;
    s->key = NULL;
    s->idx = 0;
    if (*p == '[') {
        if (!ocpp_json_is_digit_((uint8_t) * ++p)) {
            return OCPP_ERR_PARAM;
        }
        for (; ocpp_json_is_digit_((uint8_t)*p); p++) {
            size_t d = (size_t)(*p - '0');
            s->idx = s->idx > (SIZE_MAX - d) / 10 ? SIZE_MAX : s->idx * 10 + d;
        }
        if (*p++ != ']') {
            return OCPP_ERR_PARAM;
        }
    } else {
        if (*i > 0 && *p++ != '.') {
            return OCPP_ERR_PARAM;
        }
        s->key = p;
        while (*p != '\0' && *p != '.' && *p != '[' && *p != ']') {
            p++;
        }
        s->klen = (size_t)(p - s->key);
        if (s->klen == 0) {
            return OCPP_ERR_PARAM;
        }
    }
    *i = (size_t)(p - path);
    return OCPP_OK;
}

ocpp_status_t ocpp_json_find(const ocpp_json_value_t *root, const char *path,
                             ocpp_json_value_t *out)
{
    path_seg_t s;
    ocpp_json_value_t cur;
    ocpp_status_t st = OCPP_OK;
    size_t i = 0;
    if (root == NULL || path == NULL || out == NULL) {
        return OCPP_ERR_PARAM;
    }
    while (st == OCPP_OK && path[i] != '\0') { /* syntax first */
        st = path_next(path, &i, &s);
    }
    cur = *root;
    for (i = 0; st == OCPP_OK && path[i] != '\0';) {
        (void)path_next(path, &i, &s);
        st = s.key != NULL ? get_n(&cur, s.key, s.klen, &cur) : index_n(&cur, s.idx, &cur);
    }
    if (st == OCPP_OK) {
        *out = cur;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Numbers and booleans                                                      */
/* ------------------------------------------------------------------------ */

/** A number token split into its parts. */
typedef struct {
    const char *digits; /**< Integer digits, then (after frac_at) fraction digits. */
    size_t n_int;
    size_t n_frac;
    size_t frac_at; /**< Offset of the first fraction digit from `digits`. */
    int32_t exp;    /**< Saturated to +-1e9. */
    bool neg;
    bool has_frac;
    bool has_exp;
} num_t;

static size_t count_digits(const char *p, size_t len, size_t i)
{
    size_t n = 0;
    while (i + n < len && ocpp_json_is_digit_((uint8_t)p[i + n])) {
        n++;
    }
    return n;
}

/** The exponent part at p[i] ('e' or 'E'). @return index after it, or 0. */
static size_t split_exp(const char *p, size_t len, size_t i, num_t *n)
{
    bool eneg = false;
    size_t k;
    n->has_exp = true;
    if (++i < len && (p[i] == '+' || p[i] == '-')) {
        eneg = p[i++] == '-';
    }
    k = count_digits(p, len, i);
    if (k == 0) {
        return 0;
    }
    for (; k > 0; k--, i++) {
        if (n->exp < 100000000) { /* saturate below 1e9: far beyond int64 */
            n->exp = n->exp * 10 + (p[i] - '0');
        }
    }
    if (eneg) {
        n->exp = -n->exp;
    }
    return i;
}

/** Split a number value. @return OK, TYPE (no number) or PARSE (garbage). */
static ocpp_status_t split_number(const ocpp_json_value_t *v, num_t *n)
{
    const char *p;
    size_t i = 0, len;
    if (v == NULL || v->type != OCPP_JSON_NUMBER || v->ptr == NULL) {
        return OCPP_ERR_TYPE;
    }
    p = v->ptr;
    len = v->len;
    memset(n, 0, sizeof(*n));
    n->neg = len > 0 && p[0] == '-';
    i = n->neg ? 1u : 0u;
    n->digits = p + i;
    n->n_int = count_digits(p, len, i);
    i += n->n_int;
    n->frac_at = n->n_int + 1;
    if (i < len && p[i] == '.') {
        n->has_frac = true;
        n->n_frac = count_digits(p, len, ++i);
        i = n->n_frac == 0 ? len + 1 : i + n->n_frac;
    }
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        i = split_exp(p, len, i, n);
    }
    return (n->n_int == 0 || i != len) ? OCPP_ERR_PARSE : OCPP_OK;
}

static ocpp_status_t to_signed(uint64_t mag, bool neg, int64_t *out)
{
    if (neg) {
        *out = mag == (UINT64_C(1) << 63) ? INT64_MIN : -(int64_t)mag;
    } else {
        *out = (int64_t)mag;
    }
    return OCPP_OK;
}

/** acc = acc * 10 + d, bounded by lim. */
static bool mul10_add(uint64_t *acc, unsigned d, uint64_t lim)
{
    /* acc * 10 + d > lim, without a 64-bit division (a library call on
     * 32-bit targets): lim / 10 is the same for both limits (2^63 - 1, 2^63),
     * and below it acc * 10 + d cannot wrap. */
    if (*acc > (uint64_t)INT64_MAX / 10u || *acc * 10u + d > lim) {
        return false;
    }
    *acc = *acc * 10u + d;
    return true;
}

/** Digit k of the concatenated integer and fraction digits. */
static unsigned num_digit(const num_t *n, size_t k)
{
    char c = n->digits[k < n->n_int ? k : k - n->n_int + n->frac_at];
    return (unsigned)(c - '0');
}

ocpp_status_t ocpp_json_as_decimal(const ocpp_json_value_t *v, unsigned scale, int64_t *out)
{
    num_t n;
    uint64_t acc = 0, lim;
    int64_t n_whole; /* how many leading digits land left of the point */
    size_t k, total;
    bool up = false;
    ocpp_status_t st;
    if (out == NULL || scale > 9) {
        return OCPP_ERR_PARAM;
    }
    st = split_number(v, &n);
    if (st != OCPP_OK) {
        return st;
    }
    lim = n.neg ? (UINT64_C(1) << 63) : (uint64_t)INT64_MAX;
    total = n.n_int + n.n_frac;
    n_whole = (int64_t)(n.n_int > INT32_MAX ? INT32_MAX : n.n_int) + n.exp + (int64_t)scale;
    for (k = 0; k < total; k++) {
        unsigned d = num_digit(&n, k);
        if ((int64_t)k >= n_whole) {
            up = (int64_t)k == n_whole && d >= 5; /* round half away from zero */
            break;
        }
        if (!mul10_add(&acc, d, lim)) {
            return OCPP_ERR_RANGE;
        }
    }
    for (; acc != 0 && n_whole > (int64_t)total; n_whole--) {
        if (!mul10_add(&acc, 0, lim)) {
            return OCPP_ERR_RANGE;
        }
    }
    if (up) {
        if (acc == lim) {
            return OCPP_ERR_RANGE;
        }
        acc++;
    }
    return to_signed(acc, n.neg, out);
}

ocpp_status_t ocpp_json_as_int(const ocpp_json_value_t *v, int64_t *out)
{
    num_t n;
    ocpp_status_t st = out == NULL ? OCPP_ERR_PARAM : split_number(v, &n);
    if (st == OCPP_OK && (n.has_frac || n.has_exp)) {
        st = OCPP_ERR_TYPE;
    }
    return st == OCPP_OK ? ocpp_json_as_decimal(v, 0, out) : st;
}

ocpp_status_t ocpp_json_as_bool(const ocpp_json_value_t *v, bool *out)
{
    if (out == NULL) {
        return OCPP_ERR_PARAM;
    }
    if (v == NULL || v->type != OCPP_JSON_BOOL || v->ptr == NULL) {
        return OCPP_ERR_TYPE;
    }
    if (v->len == 4 && memcmp(v->ptr, "true", 4) == 0) {
        *out = true;
    } else if (v->len == 5 && memcmp(v->ptr, "false", 5) == 0) {
        *out = false;
    } else {
        return OCPP_ERR_TYPE;
    }
    return OCPP_OK;
}
