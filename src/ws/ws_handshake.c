/* The HTTP/1.1 upgrade of RFC 6455 §4.1 (client side): building the request
 * and checking the server's response. */
#include <string.h>

#include "util/text.h"
#include "ws/ws_internal.h"

/* ---- Request ---------------------------------------------------------- */

/* Bounded writer into rx_buf: len counts every byte put, those past cap are
 * dropped, so len > cap after the end means the request did not fit. */
typedef struct {
    uint8_t *p;
    size_t cap;
    size_t len;
    ocpp_b64_t b64; /* for put_b64 */
} hs_writer_t;

static void put(hs_writer_t *w, const char *s)
{
    for (; *s != '\0'; s++) {
        if (w->len < w->cap) {
            w->p[w->len] = (uint8_t)*s;
        }
        w->len++;
    }
}

/* Base64 of n bytes (RFC 4648 §4); reads no further once the buffer is full
 * (nothing at all if n bytes cannot fit). */
static void put_b64(hs_writer_t *w, const uint8_t *in, size_t n)
{
    char t[3];
    if (n > w->cap) {
        w->len = w->cap + 1u;
    }
    for (size_t i = 0; i < n && w->len <= w->cap; i++) {
        t[ocpp_b64_update(&w->b64, in + i, 1, t)] = '\0';
        put(w, t);
    }
}

/* s is empty or has a control character, SP, DEL or `stop` (NULL: false).
 * Keeps CR/LF and spaces out of the request line and the header values. */
static bool text_bad(const char *s, char stop)
{
    if (s == NULL) {
        return false;
    }
    do {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20u || c == 0x7Fu || *s == stop) {
            return true;
        }
    } while (*++s != '\0');
    return false;
}

ocpp_status_t ocpp_ws_hs_check_params(const ocpp_msg_open_t *p)
{
    const char *path = p->path;
    const char *user = p->basic_user;
    /* an empty path means "/"; RFC 7617 §2: the user-id must not contain a
     * colon; a password of basic_pass_len bytes */
    bool bad = p->ep.host == NULL || text_bad(p->ep.host, 0) ||
               (path != NULL && *path != '\0' && text_bad(path, 0)) ||
               text_bad(p->subprotocol, 0) ||
               (user != NULL &&
                (text_bad(user, ':') || (p->basic_pass == NULL && p->basic_pass_len != 0u)));
    return bad ? OCPP_ERR_PARAM : OCPP_OK;
}

ocpp_status_t ocpp_ws_hs_request(ocpp_ws_t *ws, const ocpp_msg_open_t *p)
{
    hs_writer_t w = {ws->cfg.rx_buf, ws->cfg.rx_cap, 0, {0, 0}};
    const char *host = p->ep.host;
    uint8_t raw[16];
    uint32_t r = 0;
    /* Sec-WebSocket-Key: 16 random bytes, base64 (RFC 6455 §4.1 item 7) */
    for (unsigned i = 0; i < sizeof raw; i++) {
        if (i % 4u == 0u) {
            r = ws->cfg.random(ws->cfg.random_ctx);
        }
        raw[i] = (uint8_t)(r >> 24);
        r <<= 8;
    }
    (void)ocpp_b64_encode(raw, sizeof raw, ws->key);

    put(&w, "GET ");
    put(&w, (p->path != NULL && *p->path != '\0') ? p->path : "/");
    /* Host (RFC 7230 §5.4, RFC 6455 §4.1 item 4): an IPv6 literal in
     * brackets, the port only when it is not the scheme's default */
    bool v6 = strchr(host, ':') != NULL;
    put(&w, " HTTP/1.1\r\nHost: ");
    put(&w, &"["[!v6]); /* "[" or "" */
    put(&w, host);
    put(&w, &"]"[!v6]);
    if (p->ep.port != (p->ep.tls ? 443u : 80u)) {
        char d[7];
        char *q = d + sizeof d - 1u;
        uint32_t v = p->ep.port;
        *q = '\0';
        do {
            *--q = (char)('0' + (int)(v % 10u));
            v /= 10u;
        } while (v != 0u);
        *--q = ':';
        put(&w, q);
    }
    put(&w, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
    put(&w, ws->key);
    put(&w, "\r\nSec-WebSocket-Version: 13");
    if (p->subprotocol != NULL) {
        put(&w, "\r\nSec-WebSocket-Protocol: ");
        put(&w, p->subprotocol);
    }
    if (p->basic_user != NULL) {
        /* Authorization: Basic base64(user ":" pass) (RFC 7617 §2) */
        char t[4];
        put(&w, "\r\nAuthorization: Basic ");
        put_b64(&w, (const uint8_t *)p->basic_user, strlen(p->basic_user));
        put_b64(&w, (const uint8_t *)":", 1);
        put_b64(&w, (const uint8_t *)p->basic_pass, p->basic_pass_len);
        t[ocpp_b64_final(&w.b64, t)] = '\0';
        put(&w, t);
    }
    put(&w, "\r\n\r\n");
    if (w.len > w.cap) {
        return OCPP_ERR_NOMEM;
    }
    ws->io_len = w.len;
    ws->io_off = 0;
    return OCPP_OK;
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

/* Strip optional white space (SP, HTAB) at both ends (RFC 7230 §3.2.3). */
static void trim(hs_slice_t *s)
{
    while (s->n > 0u && (s->p[0] == ' ' || s->p[0] == '\t')) {
        s->p++;
        s->n--;
    }
    while (s->n > 0u && (s->p[s->n - 1u] == ' ' || s->p[s->n - 1u] == '\t')) {
        s->n--;
    }
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

/* "HTTP/1.x SP 3DIGIT [SP reason]" (RFC 7230 §3.1.2): the status code, or 0
 * if the line is malformed. */
static unsigned status_code(const uint8_t *l, size_t n)
{
    if (n < 12u || memcmp(l, "HTTP/1.", 7) != 0 || l[7] - (unsigned)'0' > 9u || l[8] != ' ' ||
        (n > 12u && l[12] != ' ')) {
        return 0;
    }
    unsigned code = 0;
    for (size_t i = 9; i < 12u; i++) {
        unsigned d = l[i] - (unsigned)'0';
        if (d > 9u) {
            return 0;
        }
        code = code * 10u + d;
    }
    return code;
}

/* The header fields the client checks (RFC 6455 §4.1, client items 2-6), in
 * the order of their HS_* bits; matched case-insensitively. */
static const char hs_names[] = "upgrade\0connection\0sec-websocket-accept\0sec-websocket-protocol\0"
                               "sec-websocket-extensions";
#define HS_UPGRADE    0u
#define HS_CONNECTION 1u
#define HS_ACCEPT     2u
#define HS_PROTOCOL   3u
#define HS_EXTENSIONS 4u
#define HS_NONE       5u

ocpp_status_t ocpp_ws_hs_response(const uint8_t *buf, size_t len, const char *key,
                                  const char *subprotocol)
{
    char accept[29];
    unsigned seen = 0; /* 1 << HS_* */
    ocpp_ws_accept_for_key(key, strlen(key), accept);
    for (size_t pos = 0, n; (n = line_len(buf, pos, len)) != 0u; pos += n + 2u) {
        const uint8_t *l = buf + pos;
        if (pos == 0u) {
            unsigned code = status_code(l, n);
            if (code != 101u) {
                /* §4.1 item 1; 401/403: the server refused our credentials */
                return (code == 401u || code == 403u) ? OCPP_ERR_AUTH : OCPP_ERR_PROTOCOL;
            }
            continue;
        }
        /* "name: value"; a line without a colon or with an empty name is an error */
        const uint8_t *colon = memchr(l, ':', n);
        if (colon == NULL || colon == l) {
            return OCPP_ERR_PROTOCOL;
        }
        size_t name_n = (size_t)(colon - l);
        unsigned f = 0;
        for (const char *h = hs_names; f < HS_NONE && !ocpp_ascii_ieqn((const char *)l, name_n, h);
             h += strlen(h) + 1u) {
            f++;
        }
        /* the value must be (item 2) "websocket" in any case, (item 3) a
         * comma-separated list with the token "upgrade" in any case, (item 4)
         * the accept value for our key, (item 6) the subprotocol we offered */
        const char *want = f == HS_UPGRADE      ? "websocket"
                           : f == HS_CONNECTION ? hs_names
                           : f == HS_ACCEPT     ? accept
                                                : subprotocol;
        bool ok = false;
        hs_slice_t item = {colon + 1, 0};
        for (const uint8_t *q = item.p; f < HS_EXTENSIONS && want != NULL; q++) {
            bool end = q == l + n;
            if (end || (f == HS_CONNECTION && *q == ',')) {
                item.n = (size_t)(q - item.p);
                trim(&item); /* RFC 7230 §3.2.3, §7 */
                ok = ok || (ocpp_ascii_ieqn((const char *)item.p, item.n, want) &&
                            (f <= HS_CONNECTION || memcmp(item.p, want, item.n) == 0));
                item.p = q + 1;
            }
            if (end) {
                break;
            }
        }
        if (f == HS_CONNECTION) {
            /* §4.1 item 3; the field may be repeated (RFC 7230 §3.2.2) */
            seen |= ok ? 1u << f : 0u;
        } else if (f < HS_NONE) {
            /* item 5: extensions refused, we offered none; the other fields
             * are single-valued, a repeated one is an error */
            if (!ok || (seen & 1u << f) != 0u) {
                return OCPP_ERR_PROTOCOL;
            }
            seen |= 1u << f;
        }
    }
    unsigned need = 1u << HS_UPGRADE | 1u << HS_CONNECTION | 1u << HS_ACCEPT |
                    (subprotocol != NULL ? 1u << HS_PROTOCOL : 0u);
    return (seen & need) == need ? OCPP_OK : OCPP_ERR_PROTOCOL;
}
