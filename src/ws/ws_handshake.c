/* The HTTP/1.1 upgrade of RFC 6455 §4.1 (client side): building the request
 * and checking the server's response. */
#include <string.h>

#include "util/text.h"
#include "ws/ws_internal.h"

/* ---- Request ---------------------------------------------------------- */

/* Bounded writer into rx_buf; remembers overflow instead of truncating. */
typedef struct {
    uint8_t *p;
    size_t cap;
    size_t len;
    bool overflow;
} hs_writer_t;

static void put_n(hs_writer_t *w, const char *s, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = true;
        return;
    }
    memcpy(w->p + w->len, s, n);
    w->len += n;
}

static void put(hs_writer_t *w, const char *s)
{
    put_n(w, s, strlen(s));
}

static void put_u16(hs_writer_t *w, uint16_t value)
{
    char d[5];
    size_t i = sizeof d;
    uint32_t v = value;
    do {
        d[--i] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    put_n(w, d + i, sizeof d - i);
}

/* A header value or request target: visible ASCII or UTF-8, no SP/CTL. */
static bool token_ok(const char *s, bool allow_colon)
{
    if (s == NULL || *s == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20u || c == 0x7Fu || (!allow_colon && c == ':')) {
            return false;
        }
    }
    return true;
}

ocpp_status_t ocpp_ws_hs_check_params(const ocpp_msg_open_t *p)
{
    bool ok = token_ok(p->ep.host, true);
    if (p->path != NULL && *p->path != '\0') {
        ok = ok && token_ok(p->path, true);
    }
    if (p->subprotocol != NULL) {
        ok = ok && token_ok(p->subprotocol, true);
    }
    if (p->basic_user != NULL) {
        /* RFC 7617 §2: the user-id must not contain a colon. */
        ok = ok && token_ok(p->basic_user, false);
        ok = ok && (p->basic_pass != NULL || p->basic_pass_len == 0u);
    }
    return ok ? OCPP_OK : OCPP_ERR_PARAM;
}

/* Host header (RFC 7230 §5.4, RFC 6455 §4.1 item 4): IPv6 literal in brackets,
 * the port only when it is not the scheme's default. */
static void put_host(hs_writer_t *w, const ocpp_endpoint_t *ep)
{
    bool v6 = strchr(ep->host, ':') != NULL;
    put(w, "Host: ");
    if (v6) {
        put(w, "[");
    }
    put(w, ep->host);
    if (v6) {
        put(w, "]");
    }
    if (ep->port != (ep->tls ? 443u : 80u)) {
        put(w, ":");
        put_u16(w, ep->port);
    }
    put(w, "\r\n");
}

/* Authorization: Basic base64(user ":" pass) (RFC 7617 §2). */
static void put_basic(hs_writer_t *w, const ocpp_msg_open_t *p)
{
    size_t ulen = strlen(p->basic_user);
    size_t plen = p->basic_pass_len;
    put(w, "Authorization: Basic ");
    if (w->overflow || ulen > w->cap || plen > w->cap ||
        OCPP_B64_LEN(ulen + 1u + plen) + 2u > w->cap - w->len) {
        w->overflow = true;
        return;
    }
    ocpp_b64_t b = {0, 0};
    char *out = (char *)(w->p + w->len);
    size_t n = ocpp_b64_update(&b, (const uint8_t *)p->basic_user, ulen, out);
    n += ocpp_b64_update(&b, (const uint8_t *)":", 1, out + n);
    if (plen > 0u) {
        n += ocpp_b64_update(&b, (const uint8_t *)p->basic_pass, plen, out + n);
    }
    n += ocpp_b64_final(&b, out + n);
    w->len += n;
    put(w, "\r\n");
}

/* Sec-WebSocket-Key: 16 random bytes, base64 (RFC 6455 §4.1 item 7). */
static void make_key(ocpp_ws_t *ws)
{
    uint8_t raw[16];
    for (unsigned i = 0; i < 16u; i += 4u) {
        uint32_t r = ws->cfg.random(ws->cfg.random_ctx);
        raw[i] = (uint8_t)(r >> 24);
        raw[i + 1u] = (uint8_t)(r >> 16);
        raw[i + 2u] = (uint8_t)(r >> 8);
        raw[i + 3u] = (uint8_t)r;
    }
    (void)ocpp_b64_encode(raw, sizeof raw, ws->key);
}

ocpp_status_t ocpp_ws_hs_request(ocpp_ws_t *ws, const ocpp_msg_open_t *p)
{
    hs_writer_t w = {ws->cfg.rx_buf, ws->cfg.rx_cap, 0, false};
    make_key(ws);
    put(&w, "GET ");
    put(&w, (p->path != NULL && *p->path != '\0') ? p->path : "/");
    put(&w, " HTTP/1.1\r\n");
    put_host(&w, &p->ep);
    put(&w, "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
    put(&w, ws->key);
    put(&w, "\r\nSec-WebSocket-Version: 13\r\n");
    if (p->subprotocol != NULL) {
        put(&w, "Sec-WebSocket-Protocol: ");
        put(&w, p->subprotocol);
        put(&w, "\r\n");
    }
    if (p->basic_user != NULL) {
        put_basic(&w, p);
    }
    put(&w, "\r\n");
    ws->io_len = w.len;
    ws->io_off = 0;
    return w.overflow ? OCPP_ERR_NOMEM : OCPP_OK;
}

void ocpp_ws_accept_for_key(const char *key, size_t key_len, char out[29])
{
    ocpp_sha1_t s;
    uint8_t d[OCPP_SHA1_LEN];
    ocpp_sha1_init(&s);
    ocpp_sha1_update(&s, (const uint8_t *)key, key_len);
    ocpp_sha1_update(&s, (const uint8_t *)OCPP_WS_GUID, sizeof OCPP_WS_GUID - 1u);
    ocpp_sha1_final(&s, d);
    (void)ocpp_b64_encode(d, sizeof d, out);
}

/* ---- Response --------------------------------------------------------- */

size_t ocpp_ws_hs_find_end(const uint8_t *buf, size_t from, size_t len)
{
    for (size_t i = from; i + 4u <= len; i++) {
        if (buf[i] == '\r' && buf[i + 1u] == '\n' && buf[i + 2u] == '\r' && buf[i + 3u] == '\n') {
            return i + 4u;
        }
    }
    return 0;
}

/* A slice of the response. */
typedef struct {
    const uint8_t *p;
    size_t n;
} hs_slice_t;

/* ASCII case-insensitive comparison with a literal. */
static bool ieq(hs_slice_t s, const char *lit)
{
    return ocpp_ascii_ieqn((const char *)s.p, s.n, lit);
}

static bool eq(hs_slice_t s, const char *lit)
{
    return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* Strip optional white space (SP, HTAB) at both ends (RFC 7230 §3.2.3). */
static hs_slice_t trim(hs_slice_t s)
{
    while (s.n > 0u && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.n--;
    }
    while (s.n > 0u && (s.p[s.n - 1u] == ' ' || s.p[s.n - 1u] == '\t')) {
        s.n--;
    }
    return s;
}

/* Does the comma-separated list contain `tok` (case-insensitive)? */
static bool has_token(hs_slice_t v, const char *tok)
{
    size_t start = 0;
    for (size_t i = 0; i <= v.n; i++) {
        if (i == v.n || v.p[i] == ',') {
            hs_slice_t item = {v.p + start, i - start};
            if (ieq(trim(item), tok)) {
                return true;
            }
            start = i + 1u;
        }
    }
    return false;
}

/* Length of the line at buf[pos..len) up to (not including) CRLF. The head
 * ends in CRLFCRLF, so every line is terminated. */
static size_t line_len(const uint8_t *buf, size_t pos, size_t len)
{
    size_t i = pos;
    while (i + 1u < len && !(buf[i] == '\r' && buf[i + 1u] == '\n')) {
        i++;
    }
    return i - pos;
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* "HTTP/1.x SP 3DIGIT [SP reason]" (RFC 7230 §3.1.2); 0 if malformed. */
static unsigned status_code(hs_slice_t l)
{
    if (l.n < 12u || memcmp(l.p, "HTTP/1.", 7) != 0 || !is_digit(l.p[7]) || l.p[8] != ' ' ||
        !is_digit(l.p[9]) || !is_digit(l.p[10]) || !is_digit(l.p[11]) ||
        (l.n > 12u && l.p[12] != ' ')) {
        return 0;
    }
    return (unsigned)(l.p[9] - '0') * 100u + (unsigned)(l.p[10] - '0') * 10u +
           (unsigned)(l.p[11] - '0');
}

/* What the header fields of the response said. */
typedef struct {
    const char *key;
    const char *subprotocol;
    unsigned seen; /* HS_* bits */
    bool bad;
} hs_check_t;

#define HS_UPGRADE    1u
#define HS_CONNECTION 2u
#define HS_ACCEPT     4u
#define HS_PROTOCOL   8u

/* Mark `bit` seen; a repeated single-valued field is an error. */
static void seen_once(hs_check_t *c, unsigned bit)
{
    if ((c->seen & bit) != 0u) {
        c->bad = true;
    }
    c->seen |= bit;
}

static void check_field(hs_check_t *c, hs_slice_t name, hs_slice_t value)
{
    if (ieq(name, "upgrade")) {
        /* RFC 6455 §4.1 client item 2 */
        seen_once(c, HS_UPGRADE);
        c->bad = c->bad || !ieq(value, "websocket");
    } else if (ieq(name, "connection")) {
        /* §4.1 item 3; the field may be repeated (RFC 7230 §3.2.2) */
        if (has_token(value, "upgrade")) {
            c->seen |= HS_CONNECTION;
        }
    } else if (ieq(name, "sec-websocket-accept")) {
        /* §4.1 item 4 */
        char want[29];
        ocpp_ws_accept_for_key(c->key, strlen(c->key), want);
        seen_once(c, HS_ACCEPT);
        c->bad = c->bad || !eq(value, want);
    } else if (ieq(name, "sec-websocket-protocol")) {
        /* §4.1 item 6: only a subprotocol we offered */
        seen_once(c, HS_PROTOCOL);
        c->bad = c->bad || c->subprotocol == NULL || !eq(value, c->subprotocol);
    } else if (ieq(name, "sec-websocket-extensions")) {
        c->bad = true; /* §4.1 item 5: we offered none */
    }
}

/* Split "name: value"; false if there is no colon or the name is empty. */
static bool split_field(hs_slice_t l, hs_slice_t *name, hs_slice_t *value)
{
    const uint8_t *colon = memchr(l.p, ':', l.n);
    if (colon == NULL || colon == l.p) {
        return false;
    }
    name->p = l.p;
    name->n = (size_t)(colon - l.p);
    value->p = colon + 1;
    value->n = l.n - name->n - 1u;
    *value = trim(*value);
    return true;
}

ocpp_status_t ocpp_ws_hs_response(const uint8_t *buf, size_t len, const char *key,
                                  const char *subprotocol)
{
    hs_slice_t l = {buf, line_len(buf, 0, len)};
    unsigned code = status_code(l);
    if (code != 101u) {
        /* §4.1 item 1; 401/403: the server refused our credentials */
        return (code == 401u || code == 403u) ? OCPP_ERR_AUTH : OCPP_ERR_PROTOCOL;
    }
    hs_check_t c = {key, subprotocol, 0, false};
    for (size_t pos = l.n + 2u; pos < len && !c.bad; pos += l.n + 2u) {
        hs_slice_t name, value;
        l.p = buf + pos;
        l.n = line_len(buf, pos, len);
        if (l.n == 0u) {
            break;
        }
        if (!split_field(l, &name, &value)) {
            return OCPP_ERR_PROTOCOL;
        }
        check_field(&c, name, value);
    }
    unsigned need = HS_UPGRADE | HS_CONNECTION | HS_ACCEPT | (subprotocol ? HS_PROTOCOL : 0u);
    return (!c.bad && (c.seen & need) == need) ? OCPP_OK : OCPP_ERR_PROTOCOL;
}
