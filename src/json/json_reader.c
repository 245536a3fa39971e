/**
 * @file json_reader.c
 * @brief Strict RFC 8259 validator, bounds-safe navigation and decoders.
 *
 * Nothing here recurses: the validator is one loop over a small state
 * machine that keeps one bit per nesting level (object or array) in a local
 * array, and navigation skips nested values by counting brackets outside
 * strings. Every access is checked against the slice it belongs to, so
 * garbage input cannot make us read out of bounds.
 *
 * The validator and the decoders share their pieces: one \\u escape reader
 * (surrogate pairs included), one table of the short escapes, one number
 * scanner (the validator adds the no-leading-zero rule on top of it).
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
 * ASCII). A byte is not plain if it is < 0x20 or >= 0x80 (w - 0x20 borrows,
 * or its top bit is set) or equals '"' or '\\' (w ^ c is zero: minus one
 * borrows). Plain bytes neither set a top bit nor borrow, so the lowest
 * flagged byte is exactly the first one that is not plain (the flags above
 * it may be false).
 */
#define ONES  UINT32_C(0x01010101)
#define HIGHS UINT32_C(0x80808080)

static uint32_t word_bad(uint32_t w)
{
    return ((w - ONES * 0x20u) | w | ((w ^ (ONES * '"')) - ONES) | ((w ^ (ONES * '\\')) - ONES)) &
           HIGHS;
}

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PLAIN_LE 1
/** Index of the lowest flagged byte of a non-zero word_bad() (little endian). */
static size_t first_bad(uint32_t bad)
{
    /* (bad & -bad) >> 7 is 1 << 8k for byte k; times 0x00010203, k lands in the top byte. */
    return (((bad & (0u - bad)) >> 7) * UINT32_C(0x00010203)) >> 24;
}
#endif

size_t ocpp_json_plain_len_(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t w, bad;
    for (; n - i >= sizeof w; i += sizeof w) {
        memcpy(&w, s + i, sizeof w);
        bad = word_bad(w);
        if (bad != 0) {
#ifdef PLAIN_LE
            return i + first_bad(bad);
#else
            break;
#endif
        }
    }
    while (i < n && is_plain((uint8_t)s[i])) {
        i++;
    }
    return i;
}

/* ------------------------------------------------------------------------ */
/* Pieces shared by the validator and the decoders                           */
/* ------------------------------------------------------------------------ */

static bool is_ws(uint8_t c)
{
    return c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
}

size_t ocpp_json_skip_ws_(const char *p, size_t len, size_t i)
{
    while (i < len && is_ws((uint8_t)p[i])) {
        i++;
    }
    return i;
}

/** OK if p[i] is `c`, PARTIAL if p[0..len) ends before, PARSE otherwise. */
static ocpp_status_t expect(const uint8_t *p, size_t len, size_t i, uint8_t c)
{
    if (i >= len) {
        return OCPP_ERR_PARTIAL;
    }
    return p[i] == c ? OCPP_OK : OCPP_ERR_PARSE;
}

/**
 * The \\u escape at p[*i] (its backslash; p[*i + 1] is 'u'), with the low
 * half of a surrogate pair: its code point, or PARSE (bad hex digit, lone
 * or unpaired surrogate) or PARTIAL (p[0..end) ends first). Advances *i.
 */
static int32_t unicode_at(const uint8_t *p, size_t end, size_t *i)
{
    int32_t hi = 0;
    for (;;) {
        int32_t cp = 0;
        for (size_t k = *i + 2u; k < *i + 6u; k++) {
            uint8_t c;
            if (k >= end) {
                return OCPP_ERR_PARTIAL;
            }
            c = p[k];
            if (ocpp_json_is_digit_(c)) {
                c = (uint8_t)(c - '0');
            } else {
                c = (uint8_t)((c | 0x20u) - 'a');
                if (c > 5u) {
                    return OCPP_ERR_PARSE;
                }
                c = (uint8_t)(c + 10u);
            }
            cp = (cp << 4) | c;
        }
        *i += 6u;
        if (hi != 0) { /* the low half of a pair */
            if (cp < 0xDC00 || cp > 0xDFFF) {
                return OCPP_ERR_PARSE;
            }
            return 0x10000 + ((hi - 0xD800) << 10) + (cp - 0xDC00);
        }
        if (cp < 0xD800 || cp > 0xDFFF) {
            return cp;
        }
        if (cp > 0xDBFF) {
            return OCPP_ERR_PARSE; /* lone low surrogate */
        }
        hi = cp; /* must be followed by a low one */
        ocpp_status_t st = expect(p, end, *i, '\\');
        if (st == OCPP_OK) {
            st = expect(p, end, *i + 1u, 'u');
        }
        if (st != OCPP_OK) {
            return st;
        }
    }
}

/**
 * The escape at p[*i] (its backslash): the code point it stands for (one
 * for a surrogate pair), or PARSE (bad escape) or PARTIAL (p[0..end) ends
 * first). Advances *i past it.
 */
static int32_t escape_at(const uint8_t *p, size_t end, size_t *i)
{
    static const char map[] = "\"\"\\\\//b\bf\fn\nr\rt\t"; /* escape, character */
    uint8_t c;
    if (*i + 1u >= end) {
        return OCPP_ERR_PARTIAL;
    }
    c = p[*i + 1u];
    if (c == 'u') {
        return unicode_at(p, end, i);
    }
    *i += 2u;
    for (const char *m = map; *m != '\0'; m += 2) {
        if ((uint8_t)*m == c) {
            return (uint8_t)m[1];
        }
    }
    return OCPP_ERR_PARSE;
}

/** A number token split into its parts. */
typedef struct {
    size_t n[3]; /**< Digits of the integer (from the start + neg), fraction, exponent. */
    int32_t exp; /**< Saturated below +-1e9. */
    bool neg;
} num_t;

/**
 * RFC 8259 §6 number at p[*at]: [ minus ] int [ frac ] [ exp ], except that
 * int may have leading zeros (the validator rejects them). *at ends after
 * it. PARTIAL if p[0..len) ends where a digit is due, PARSE for another byte.
 */
static ocpp_status_t scan_number(const uint8_t *p, size_t len, size_t *at, num_t *n)
{
    size_t i = *at;
    unsigned part = 0; /* 0: integer, 1: fraction, 2: exponent */
    bool eneg = false;
    n->n[0] = 0;
    n->n[1] = 0;
    n->exp = 0;
    n->neg = i < len && p[i] == '-';
    i += n->neg;
    for (;;) {
        size_t start = i;
        while (i < len && ocpp_json_is_digit_(p[i])) {
            if (part == 2u && n->exp < 100000000) { /* saturate below 1e9: far beyond int64 */
                n->exp = n->exp * 10 + (p[i] - '0');
            }
            i++;
        }
        if (i == start) {
            return i >= len ? OCPP_ERR_PARTIAL : OCPP_ERR_PARSE;
        }
        n->n[part] = i - start;
        if (i < len && part == 0u && p[i] == '.') {
            part = 1;
            i++;
        } else if (i < len && part < 2u && (p[i] | 0x20u) == 'e') {
            part = 2;
            if (++i < len && (p[i] == '+' || p[i] == '-')) {
                eneg = p[i++] == '-';
            }
        } else {
            break;
        }
    }
    n->exp = eneg ? -n->exp : n->exp;
    *at = i;
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                */
/* ------------------------------------------------------------------------ */

/**
 * A multi-byte UTF-8 sequence at p[*i] (a byte >= 0x80), per Unicode Table
 * 3-7 (no overlongs, no surrogates, nothing above U+10FFFF). Advances *i.
 */
static ocpp_status_t check_utf8(const uint8_t *p, size_t len, size_t *i)
{
    uint8_t c = p[*i], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c < 0xC2 || c > 0xF4) {
        return OCPP_ERR_PARSE;
    }
    if (c < 0xE0) {
        n = 1;
    } else if (c < 0xF0) {
        n = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else {
        n = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    }
    for (size_t k = *i + 1u; k <= *i + n; k++) {
        if (k >= len) {
            return OCPP_ERR_PARTIAL;
        }
        c = p[k];
        if (c < lo || c > hi) {
            return OCPP_ERR_PARSE;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    *i += n + 1u;
    return OCPP_OK;
}

/** The string at p[*i] (its opening quote), checked; *i ends after it. */
static ocpp_status_t check_string(const uint8_t *p, size_t len, size_t *i)
{
    ocpp_status_t st = OCPP_OK;
    (*i)++;
    while (st == OCPP_OK) {
        /* Fast path: a run of printable ASCII without quote or backslash. */
        *i += ocpp_json_plain_len_((const char *)p + *i, len - *i);
        if (*i >= len) {
            return OCPP_ERR_PARTIAL;
        }
        uint8_t c = p[*i];
        if (c == '"') {
            (*i)++;
            return OCPP_OK;
        }
        if (c < 0x20) {
            return OCPP_ERR_PARSE;
        }
        if (c != '\\') {
            st = check_utf8(p, len, i);
        } else {
            int32_t cp = escape_at(p, len, i);
            st = cp < 0 ? (ocpp_status_t)cp : OCPP_OK;
        }
    }
    return st;
}

/** Validator states: what the next token may be. */
enum {
    V_VALUE, /* a value */
    V_KEY,   /* an object key (and its colon) */
    V_FIRST, /* after '[' or '{': a closing bracket, or the first member */
    V_AFTER  /* after a value: ',', a closing bracket, or the end at depth 0 */
};

ocpp_status_t ocpp_json_validate(const char *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;
    uint8_t stack[(OCPP_CONFIG_JSON_MAX_DEPTH + 7) / 8] = {0}; /* bit per level: 1 = object */
    unsigned depth = 0, obj = 0, state = V_VALUE;
    size_t i = 0;
    ocpp_status_t st = OCPP_OK;
    uint8_t c;
    if (buf == NULL) {
        return OCPP_ERR_PARAM;
    }
    while (st == OCPP_OK) {
        i = ocpp_json_skip_ws_(buf, len, i);
        if (state >= V_FIRST) {
            if (state == V_AFTER && depth == 0) {
                return i == len ? OCPP_OK : OCPP_ERR_PARSE;
            }
            if (i >= len) {
                return OCPP_ERR_PARTIAL;
            }
            c = p[i++];
            if (c == (']' | (obj << 5))) { /* ']' or '}' */
                if (--depth > 0) {
                    unsigned d = depth - 1u;
                    obj = (stack[d / 8u] >> (d % 8u)) & 1u;
                }
                state = V_AFTER;
                continue;
            }
            if (state == V_AFTER) {
                if (c != ',') {
                    return OCPP_ERR_PARSE;
                }
                i = ocpp_json_skip_ws_(buf, len, i);
            } else {
                i--; /* the first member */
            }
            state = obj ? V_KEY : V_VALUE;
        }
        /* A value, or a key, at p[i]. */
        if (i >= len) {
            return OCPP_ERR_PARTIAL;
        }
        c = p[i];
        if (c == '"') {
            st = check_string(p, len, &i);
            if (state == V_KEY && st == OCPP_OK) {
                i = ocpp_json_skip_ws_(buf, len, i);
                st = expect(p, len, i++, ':');
                state = V_VALUE;
                continue;
            }
        } else if (state == V_KEY) {
            return OCPP_ERR_PARSE;
        } else if ((c | 0x20u) == '{') { /* '[' or '{' */
            if (depth >= OCPP_CONFIG_JSON_MAX_DEPTH) {
                return OCPP_ERR_DEPTH;
            }
            obj = (c >> 5) & 1u;
            stack[depth / 8u] =
                (uint8_t)((stack[depth / 8u] & ~(1u << (depth % 8u))) | (obj << (depth % 8u)));
            depth++;
            i++;
            state = V_FIRST;
            continue;
        } else if (c == 't' || c == 'f' || c == 'n') {
            const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
            for (; st == OCPP_OK && *lit != '\0'; lit++, i++) {
                st = expect(p, len, i, (uint8_t)*lit);
            }
        } else if (c == '-' || ocpp_json_is_digit_(c)) {
            num_t n;
            size_t first = i + (c == '-');
            st = scan_number(p, len, &i, &n);
            if (n.n[0] > 1u && p[first] == '0') {
                st = OCPP_ERR_PARSE; /* a leading 0 stands alone */
            }
        } else {
            st = OCPP_ERR_PARSE;
        }
        state = V_AFTER;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Navigation: bounds-safe extents of values inside [p, p + len)             */
/* ------------------------------------------------------------------------ */

/** Index after the closing quote of the string at p[i], or 0 if none. */
size_t ocpp_json_string_end_(const char *p, size_t len, size_t i)
{
    size_t start = i + 1u, k;
    for (i = start; i < len; i++) {
        const char *q = memchr(p + i, '"', len - i);
        if (q == NULL) {
            break;
        }
        /* The quote is escaped if an odd run of backslashes precedes it. */
        i = (size_t)(q - p);
        for (k = i; k > start && p[k - 1u] == '\\'; k--) {
        }
        if ((i - k) % 2u == 0u) {
            return i + 1u;
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
        if ((c | 0x20) == '{') {
            depth++;
        } else if ((c | 0x20) == '}' && --depth == 0) {
            return i + 1;
        }
        i++;
    }
    return 0;
}

/** The value starting at p[i] (no leading whitespace). False if none. */
static bool value_at(const char *p, size_t len, size_t i, ocpp_json_value_t *v)
{
    size_t end = i;
    ocpp_json_type_t t = OCPP_JSON_NUMBER;
    const char *set = "0123456789+-.eE"; /* a scalar: the run of these bytes */
    char c;
    if (i >= len) {
        return false;
    }
    c = p[i];
    if (c == '"') {
        t = OCPP_JSON_STRING;
        end = ocpp_json_string_end_(p, len, i);
    } else if ((c | 0x20) == '{') {
        t = c == '{' ? OCPP_JSON_OBJECT : OCPP_JSON_ARRAY;
        end = container_end(p, len, i);
    } else {
        if (c == 't' || c == 'f') {
            t = OCPP_JSON_BOOL;
            set = "truefals";
        } else if (c == 'n') {
            t = OCPP_JSON_NULL;
            set = "nul";
        } else if (c != '-' && !ocpp_json_is_digit_((uint8_t)c)) {
            return false;
        }
        while (end < len && p[end] != '\0' && strchr(set, p[end]) != NULL) {
            end++;
        }
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

bool ocpp_json_iter_next(ocpp_json_iter_t *it, ocpp_json_value_t *key, ocpp_json_value_t *val)
{
    ocpp_json_value_t k, v;
    const char *p;
    size_t len, i;
    if (it == NULL || it->ptr == NULL) {
        return false;
    }
    p = it->ptr;
    len = it->len;
    i = ocpp_json_skip_ws_(p, len, it->pos);
    if (it->is_object) { /* the key and its colon */
        if (!value_at(p, len, i, &k) || k.type != OCPP_JSON_STRING) {
            i = len;
        } else {
            i = ocpp_json_skip_ws_(p, len, i + k.len);
            i = (i < len && p[i] == ':') ? ocpp_json_skip_ws_(p, len, i + 1) : len;
        }
    }
    if (!value_at(p, len, i, &v)) {
        it->pos = len; /* end, or garbage: stop for good */
        return false;
    }
    i = ocpp_json_skip_ws_(p, len, i + v.len);
    it->pos = i + (i < len && p[i] == ',');
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
    size_t n, k;
    if (cp < 0x80) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    n = cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u;
    for (k = n - 1u; k > 0u; k--) {
        o[k] = (uint8_t)(0x80u | (cp & 0x3Fu));
        cp >>= 6;
    }
    o[0] = (uint8_t)((0xF00u >> n) | cp); /* 0xC0, 0xE0 or 0xF0 */
    return n;
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

/**
 * The decoded text of string v: copied into out[0..cap) (each character only
 * if it fits whole; out may be NULL: just counted), or, with cmp != NULL,
 * compared with cmp[0..cap). @return its length; SIZE_MAX for a bad escape
 * or, comparing, a difference.
 */
static size_t decode(const ocpp_json_value_t *v, char *out, size_t cap, const char *cmp)
{
    const uint8_t *p;
    size_t i, end, n = 0;
    uint8_t o[4];
    if (!string_bounds(v, &i, &end)) {
        return SIZE_MAX;
    }
    p = (const uint8_t *)v->ptr;
    if (memchr(p + i, '\\', end - i) == NULL) {
        n = end - i; /* no escape (the usual case): the text as it is */
        if (cmp != NULL) {
            return n == cap && memcmp(p + i, cmp, n) == 0 ? n : SIZE_MAX;
        }
        if (out != NULL && n <= cap) {
            memcpy(out, p + i, n);
        }
        return n;
    }
    while (i < end) {
        size_t k = 1;
        o[0] = p[i];
        if (o[0] != '\\') {
            i++;
        } else {
            int32_t cp = escape_at(p, end, &i);
            if (cp < 0) {
                return SIZE_MAX;
            }
            k = utf8_encode((uint32_t)cp, o);
        }
        if (n <= cap && k <= cap - n) {
            if (cmp != NULL && memcmp(cmp + n, o, k) != 0) {
                return SIZE_MAX;
            }
            if (cmp == NULL && out != NULL) {
                memcpy(out + n, o, k);
            }
        } else if (cmp != NULL) {
            return SIZE_MAX;
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
    n = decode(v, out, cap, NULL);
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
    size_t n = decode(v, NULL, 0, NULL);
    return n == SIZE_MAX ? 0 : n;
}

/** Decoded string equals s[0..n). */
static bool string_eq_n(const ocpp_json_value_t *v, const char *s, size_t n)
{
    return decode(v, NULL, n, s) == n;
}

bool ocpp_json_string_eq(const ocpp_json_value_t *v, const char *s)
{
    return s != NULL && string_eq_n(v, s, strlen(s));
}

/* ------------------------------------------------------------------------ */
/* Lookup                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Member `key` (n bytes) of an object, or (key == NULL) element n of an
 * array. TYPE if c is not of that kind.
 */
static ocpp_status_t member(const ocpp_json_value_t *c, const char *key, size_t n,
                            ocpp_json_value_t *out)
{
    ocpp_json_iter_t it;
    ocpp_json_value_t k, v;
    if (c->type != (key != NULL ? OCPP_JSON_OBJECT : OCPP_JSON_ARRAY) ||
        ocpp_json_iter_init(&it, c) != OCPP_OK) {
        return OCPP_ERR_TYPE;
    }
    while (ocpp_json_iter_next(&it, &k, &v)) {
        if (key != NULL ? string_eq_n(&k, key, n) : n-- == 0) {
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
    return member(obj, key, strlen(key), out);
}

/**
 * The segment at path[*i] (not at its end), advancing *i: a key (*key, *n
 * bytes) or an index (*key = NULL, *n). PARAM if malformed.
 */
static ocpp_status_t path_next(const char *path, size_t *i, const char **key, size_t *n)
{
    const char *p = path + *i;
    *key = NULL;
    *n = 0;
    if (*p == '[') {
        if (!ocpp_json_is_digit_((uint8_t) * ++p)) {
            return OCPP_ERR_PARAM;
        }
        for (; ocpp_json_is_digit_((uint8_t)*p); p++) {
            size_t d = (size_t)(*p - '0');
            *n = *n > (SIZE_MAX - d) / 10 ? SIZE_MAX : *n * 10 + d;
        }
        if (*p++ != ']') {
            return OCPP_ERR_PARAM;
        }
    } else {
        if (*i > 0 && *p++ != '.') {
            return OCPP_ERR_PARAM;
        }
        *key = p;
        while (*p != '\0' && *p != '.' && *p != '[' && *p != ']') {
            p++;
        }
        *n = (size_t)(p - *key);
        if (*n == 0) {
            return OCPP_ERR_PARAM;
        }
    }
    *i = (size_t)(p - path);
    return OCPP_OK;
}

ocpp_status_t ocpp_json_find(const ocpp_json_value_t *root, const char *path,
                             ocpp_json_value_t *out)
{
    ocpp_json_value_t cur;
    ocpp_status_t st = OCPP_OK;
    const char *key;
    size_t i, n;
    if (root == NULL || path == NULL || out == NULL) {
        return OCPP_ERR_PARAM;
    }
    cur = *root;
    /* Pass 0 checks the syntax of the whole path, pass 1 walks it. */
    for (int pass = 0; pass < 2; pass++) {
        for (i = 0; st == OCPP_OK && path[i] != '\0';) {
            st = path_next(path, &i, &key, &n);
            if (pass > 0) {
                st = member(&cur, key, n, &cur);
            }
        }
    }
    if (st == OCPP_OK) {
        *out = cur;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Numbers and booleans                                                      */
/* ------------------------------------------------------------------------ */

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

/** As ocpp_json_as_decimal(); int_only: TYPE for a fraction or an exponent. */
static ocpp_status_t decimal(const ocpp_json_value_t *v, unsigned scale, bool int_only,
                             int64_t *out)
{
    num_t n;
    const char *d;
    uint64_t acc = 0, lim;
    size_t i = 0, k, total, whole, n_int;
    int32_t e;
    if (v == NULL || v->type != OCPP_JSON_NUMBER || v->ptr == NULL) {
        return OCPP_ERR_TYPE;
    }
    if (scan_number((const uint8_t *)v->ptr, v->len, &i, &n) != OCPP_OK || i != v->len) {
        return OCPP_ERR_PARSE;
    }
    if (int_only && v->len != n.neg + n.n[0]) {
        return OCPP_ERR_TYPE;
    }
    d = v->ptr + n.neg; /* the next digit, or the point before it */
    lim = (uint64_t)INT64_MAX + n.neg;
    total = n.n[0] + n.n[1];
    /* whole: how many leading digits land left of the point (0 digits, and
     * nothing to round, when that is negative) */
    n_int = n.n[0] > INT32_MAX ? (size_t)INT32_MAX : n.n[0];
    e = n.exp + (int32_t)scale;
    whole = n_int + (size_t)e;    /* modulo: n_int - |e| for e < 0 */
    if (e < 0 && whole > n_int) { /* wrapped: -e > n_int */
        total = 0;
    }
    for (k = 0; k < whole; k++) {
        unsigned c = 0;
        if (k < total) {
            d += *d == '.';
            c = (unsigned)(*d++ - '0');
        } else if (acc == 0) {
            break; /* 0 * 10^x */
        }
        if (!mul10_add(&acc, c, lim)) {
            return OCPP_ERR_RANGE;
        }
    }
    /* round half away from zero */
    if (whole < total && d[*d == '.'] >= '5' && acc++ == lim) {
        return OCPP_ERR_RANGE;
    }
    if (n.neg) {
        *out = acc > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)acc;
    } else {
        *out = (int64_t)acc;
    }
    return OCPP_OK;
}

ocpp_status_t ocpp_json_as_decimal(const ocpp_json_value_t *v, unsigned scale, int64_t *out)
{
    if (out == NULL || scale > 9) {
        return OCPP_ERR_PARAM;
    }
    return decimal(v, scale, false, out);
}

ocpp_status_t ocpp_json_as_int(const ocpp_json_value_t *v, int64_t *out)
{
    if (out == NULL) {
        return OCPP_ERR_PARAM;
    }
    return decimal(v, 0, true, out);
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
