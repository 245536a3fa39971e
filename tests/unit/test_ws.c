/* RFC 6455 WebSocket client (src/ws/) against a scripted fake byte stream.
 * The fake feeds chosen bytes in chosen chunk sizes, records what the client
 * sends, and can accept only k bytes per send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_ws.h"
#include "ws/ws_internal.h"

/* ------------------------------------------------------------------------ */
/* Fake net port                                                            */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint8_t *in;
    size_t in_len, in_cap, in_pos;
    size_t avail;     /* recv delivers input only up to this offset */
    size_t chunk;     /* max bytes per recv call (0: any) */
    int32_t recv_err; /* returned once input is exhausted (0: return 0) */
    uint8_t *out;
    size_t out_len, out_cap, out_rd;
    size_t send_k;      /* max bytes per send call (0: any) */
    size_t send_budget; /* bytes accepted before send returns 0 */
    int32_t send_err;
    int connect_pending;
    ocpp_status_t connect_result;
    int connects, closes;
    ocpp_endpoint_t ep;
} fake_net_t;

static ocpp_status_t fn_connect(void *ctx, const ocpp_endpoint_t *ep)
{
    fake_net_t *f = ctx;
    f->connects++;
    f->ep = *ep;
    if (f->connect_pending > 0) {
        f->connect_pending--;
        return OCPP_PENDING;
    }
    return f->connect_result;
}

static int32_t fn_send(void *ctx, const uint8_t *data, size_t len)
{
    fake_net_t *f = ctx;
    if (f->send_err != 0) {
        return f->send_err;
    }
    size_t n = len;
    if (f->send_k != 0 && n > f->send_k) {
        n = f->send_k;
    }
    if (n > f->send_budget) {
        n = f->send_budget;
    }
    f->send_budget -= n;
    if (f->out_len + n > f->out_cap) {
        f->out_cap = (f->out_len + n) * 2 + 64;
        f->out = realloc(f->out, f->out_cap);
        assert_non_null(f->out);
    }
    memcpy(f->out + f->out_len, data, n);
    f->out_len += n;
    return (int32_t)n;
}

static int32_t fn_recv(void *ctx, uint8_t *buf, size_t cap)
{
    fake_net_t *f = ctx;
    size_t end = f->avail < f->in_len ? f->avail : f->in_len;
    if (f->in_pos >= end) {
        return f->in_pos >= f->in_len ? f->recv_err : 0;
    }
    size_t n = end - f->in_pos;
    if (n > cap) {
        n = cap;
    }
    if (f->chunk != 0 && n > f->chunk) {
        n = f->chunk;
    }
    assert_true(n > 0);
    memcpy(buf, f->in + f->in_pos, n);
    f->in_pos += n;
    return (int32_t)n;
}

static void fn_close(void *ctx)
{
    ((fake_net_t *)ctx)->closes++;
}

static void push(fake_net_t *f, const void *p, size_t n)
{
    if (f->in_len + n > f->in_cap) {
        f->in_cap = (f->in_len + n) * 2 + 64;
        f->in = realloc(f->in, f->in_cap);
        assert_non_null(f->in);
    }
    memcpy(f->in + f->in_len, p, n);
    f->in_len += n;
}

static void push_str(fake_net_t *f, const char *s)
{
    push(f, s, strlen(s));
}

/* A server frame: b0 = FIN|RSV|opcode; mask: set the MASK bit (illegal from a server). */
static void push_frame_x(fake_net_t *f, uint8_t b0, const void *payload, uint64_t len, bool mask)
{
    uint8_t h[14];
    size_t hl = 2;
    uint8_t m = mask ? 0x80u : 0u;
    h[0] = b0;
    if (len < 126) {
        h[1] = (uint8_t)(m | len);
    } else if (len <= 0xFFFF) {
        h[1] = m | 126u;
        h[2] = (uint8_t)(len >> 8);
        h[3] = (uint8_t)len;
        hl = 4;
    } else {
        h[1] = m | 127u;
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (uint8_t)(len >> (56 - 8 * i));
        }
        hl = 10;
    }
    push(f, h, hl);
    if (mask) {
        static const uint8_t zero_key[4] = {0, 0, 0, 0};
        push(f, zero_key, 4);
    }
    if (payload != NULL && len > 0) {
        push(f, payload, (size_t)len);
    }
}

static void push_frame(fake_net_t *f, uint8_t b0, const void *payload, size_t len)
{
    push_frame_x(f, b0, payload, len, false);
}

static void push_text(fake_net_t *f, const char *s)
{
    push_frame(f, 0x81, s, strlen(s));
}

/* Decode the next frame the client sent. Checks the MASK bit (RFC 6455 §5.3:
 * a client MUST mask every frame). Returns false if there is none. */
static bool next_sent(fake_net_t *f, uint8_t *b0, uint8_t *payload, size_t cap, size_t *plen)
{
    const uint8_t *p = f->out + f->out_rd;
    size_t n = f->out_len - f->out_rd;
    if (n < 2) {
        return false;
    }
    assert_true((p[1] & 0x80u) != 0); /* masked */
    uint64_t len = p[1] & 0x7Fu;
    size_t hl = 2;
    if (len == 126) {
        len = ((uint64_t)p[2] << 8) | p[3];
        hl = 4;
    } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) {
            len = (len << 8) | p[2 + i];
        }
        hl = 10;
    }
    assert_true(n >= hl + 4 + len);
    assert_true(len <= cap);
    const uint8_t *key = p + hl;
    for (size_t i = 0; i < len; i++) {
        payload[i] = (uint8_t)(p[hl + 4 + i] ^ key[i & 3]);
    }
    *b0 = p[0];
    *plen = (size_t)len;
    f->out_rd += hl + 4 + (size_t)len;
    return true;
}

/* Expect the next sent frame to be a close with `code`. */
static void expect_close_sent(fake_net_t *f, uint16_t code)
{
    uint8_t b0, pl[125];
    size_t n;
    assert_true(next_sent(f, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x88);
    if (code == 0) {
        assert_int_equal(n, 0);
    } else {
        assert_true(n >= 2);
        assert_int_equal((pl[0] << 8) | pl[1], code);
    }
}

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
    fake_net_t net;
    ocpp_net_port_t port;
    ocpp_ws_t ws;
    uint8_t *rx;
    uint32_t rng;
    char key[25];
} fx_t;

static uint32_t xorshift(void *ctx)
{
    uint32_t *s = ctx;
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static const ocpp_msg_open_t OPEN_PARAMS = {
    {"example.com", 8080, false}, "/ocpp/CP-1", "ocpp1.6", NULL, NULL, 0};

static fx_t *fx_new_cfg(size_t rx_cap, uint32_t ping_s, uint32_t max_msg)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->rx = malloc(rx_cap);
    assert_non_null(f->rx);
    f->rng = 0x12345678u;
    f->net.avail = SIZE_MAX;
    f->net.send_budget = SIZE_MAX;
    f->net.connect_result = OCPP_OK;
    f->port = (ocpp_net_port_t){&f->net, fn_connect, fn_send, fn_recv, fn_close};
    ocpp_ws_config_t c = {&f->port, f->rx, rx_cap, xorshift, &f->rng, ping_s, max_msg};
    assert_int_equal(ocpp_ws_init(&f->ws, &c), OCPP_OK);
    return f;
}

static fx_t *fx_new(size_t rx_cap)
{
    return fx_new_cfg(rx_cap, 0, 0);
}

static void fx_free(fx_t *f)
{
    free(f->net.in);
    free(f->net.out);
    free(f->rx);
    free(f);
}

static char *sent_text(fx_t *f)
{
    static char buf[4096];
    size_t n = f->net.out_len < sizeof buf - 1 ? f->net.out_len : sizeof buf - 1;
    memcpy(buf, f->net.out, n);
    buf[n] = '\0';
    return buf;
}

/* The Sec-WebSocket-Key the client sent. */
static void fx_read_key(fx_t *f)
{
    const char *s = strstr(sent_text(f), "\r\nSec-WebSocket-Key: ");
    assert_non_null(s);
    memcpy(f->key, s + 21, 24);
    f->key[24] = '\0';
    assert_string_equal(f->key + 22, "=="); /* 16 bytes in base64 */
}

/* A 101 response for the client's key; proto NULL: no Sec-WebSocket-Protocol. */
static size_t make_response(fx_t *f, char *buf, size_t cap, const char *proto, const char *extra)
{
    char accept[29];
    ocpp_ws_accept_for_key(f->key, strlen(f->key), accept);
    int n = snprintf(buf, cap,
                     "HTTP/1.1 101 Switching Protocols\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: %s\r\n"
                     "%s%s%s"
                     "%s"
                     "\r\n",
                     accept, proto ? "Sec-WebSocket-Protocol: " : "", proto ? proto : "",
                     proto ? "\r\n" : "", extra ? extra : "");
    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

/* Start opening: the request goes out, no response yet. */
static void fx_start(fx_t *f, const ocpp_msg_open_t *p)
{
    assert_int_equal(ocpp_ws_open(&f->ws, p), OCPP_PENDING);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_UPGRADING);
    fx_read_key(f);
}

/* Open with a valid response; then forget what was sent. */
static void fx_open(fx_t *f)
{
    char resp[512];
    fx_start(f, &OPEN_PARAMS);
    push(&f->net, resp, make_response(f, resp, sizeof resp, "ocpp1.6", NULL));
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_OK);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_OPEN);
    f->net.out_rd = f->net.out_len;
}

/* Open with this response after a valid start; returns open's result. */
static ocpp_status_t fx_try(fx_t *f, const char *proto, const char *extra)
{
    char resp[1024];
    fx_start(f, &OPEN_PARAMS);
    push(&f->net, resp, make_response(f, resp, sizeof resp, proto, extra));
    return ocpp_ws_open(&f->ws, &OPEN_PARAMS);
}

static ocpp_status_t fx_recv(fx_t *f, uint32_t now, const char **m, size_t *n)
{
    *m = NULL;
    *n = 0;
    return ocpp_ws_recv(&f->ws, now, m, n);
}

/* ------------------------------------------------------------------------ */
/* SHA-1, base64, UTF-8                                                     */
/* ------------------------------------------------------------------------ */

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

static void sha1_hex(const void *p, size_t n, size_t repeat, char out[41])
{
    ocpp_sha1_t s;
    uint8_t d[20];
    ocpp_sha1_init(&s);
    for (size_t i = 0; i < repeat; i++) {
        ocpp_sha1_update(&s, p, n);
    }
    ocpp_sha1_final(&s, d);
    hex(d, 20, out);
}

/* RFC 3174 §7.3 test vectors TEST1..TEST4 (and the empty message). */
static void test_sha1_rfc3174_vectors(void **state)
{
    (void)state;
    char h[41];
    sha1_hex("abc", 3, 1, h);
    assert_string_equal(h, "a9993e364706816aba3e25717850c26c9cd0d89d");
    const char *t2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha1_hex(t2, strlen(t2), 1, h);
    assert_string_equal(h, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    sha1_hex("a", 1, 1000000, h);
    assert_string_equal(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    const char *t4 = "0123456701234567012345670123456701234567012345670123456701234567";
    sha1_hex(t4, 64, 10, h);
    assert_string_equal(h, "dea356a2cddd90c7a7ecedc5ebb563934f460452");
    sha1_hex("", 0, 1, h);
    assert_string_equal(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

/* Padding edge cases: 55, 56, 63, 64 bytes in arbitrary update pieces give the same digest. */
static void test_sha1_split_updates(void **state)
{
    (void)state;
    uint8_t data[200];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 7 + 3);
    }
    size_t lens[] = {55, 56, 63, 64, 65, 119, 120, 200};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        uint8_t a[20], b[20];
        ocpp_sha1_t s;
        ocpp_sha1_init(&s);
        ocpp_sha1_update(&s, data, lens[k]);
        ocpp_sha1_final(&s, a);
        ocpp_sha1_init(&s);
        for (size_t i = 0; i < lens[k]; i += 3) {
            ocpp_sha1_update(&s, data + i, lens[k] - i < 3 ? lens[k] - i : 3);
        }
        ocpp_sha1_final(&s, b);
        assert_memory_equal(a, b, 20);
    }
}

/* RFC 4648 §10 test vectors. */
static void test_base64_rfc4648_vectors(void **state)
{
    (void)state;
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const out[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                      "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char buf[16];
    for (size_t i = 0; i < 7; i++) {
        size_t n = ocpp_b64_encode((const uint8_t *)in[i], strlen(in[i]), buf);
        assert_int_equal(n, OCPP_B64_LEN(strlen(in[i])));
        assert_string_equal(buf, out[i]);
    }
    /* all 64 characters and binary input */
    const uint8_t bin[] = {0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b, 0x30, 0xd3, 0x8f,
                           0x41, 0x14, 0x93, 0x51, 0x55, 0x97, 0x61, 0x96, 0x9b, 0x71, 0xd7, 0x9f,
                           0x82, 0x18, 0xa3, 0x92, 0x59, 0xa7, 0xa2, 0x9a, 0xab, 0xb2, 0xdb, 0xaf,
                           0xc3, 0x1c, 0xb3, 0xd3, 0x5d, 0xb7, 0xe3, 0x9e, 0xbb, 0xf3, 0xdf, 0xbf};
    char all[70];
    ocpp_b64_encode(bin, sizeof bin, all);
    assert_string_equal(all, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

/* RFC 6455 §1.3 (and §4.2.2 item 5.4): the example key and its accept value. */
static void test_accept_rfc6455_example(void **state)
{
    (void)state;
    char a[29];
    ocpp_ws_accept_for_key("dGhlIHNhbXBsZSBub25jZQ==", 24, a);
    assert_string_equal(a, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static bool utf8_ok(const char *s, size_t n, size_t split)
{
    ocpp_ws_utf8_t u;
    ocpp_utf8_init(&u);
    return ocpp_utf8_feed(&u, (const uint8_t *)s, split) &&
           ocpp_utf8_feed(&u, (const uint8_t *)s + split, n - split) && ocpp_utf8_complete(&u);
}

/* RFC 3629 §3/§4 (for RFC 6455 §8.1): well-formed sequences only; split anywhere. */
static void test_utf8_validator(void **state)
{
    (void)state;
    static const char *const good[] = {"",
                                       "abc",
                                       "\xc3\xa9",
                                       "\xe2\x82\xac",
                                       "\xf0\x9f\x98\x80",
                                       "\xed\x9f\xbf",
                                       "\xee\x80\x80",
                                       "\xf4\x8f\xbf\xbf",
                                       "\xef\xbf\xbf"};
    static const char *const bad[] = {"\x80",
                                      "\xbf",
                                      "\xc0\x80",
                                      "\xc1\xbf",
                                      "\xe0\x80\x80",
                                      "\xe0\x9f\xbf",
                                      "\xed\xa0\x80",
                                      "\xed\xbf\xbf",
                                      "\xf0\x80\x80\x80",
                                      "\xf0\x8f\xbf\xbf",
                                      "\xf4\x90\x80\x80",
                                      "\xf5\x80\x80\x80",
                                      "\xff",
                                      "\xfe",
                                      "\xc3",
                                      "\xe2\x82",
                                      "\xf0\x9f\x98",
                                      "\xc3\x28",
                                      "a\xe2\x28\xa1"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        for (size_t s = 0; s <= strlen(good[i]); s++) {
            assert_true(utf8_ok(good[i], strlen(good[i]), s));
        }
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (size_t s = 0; s <= strlen(bad[i]); s++) {
            assert_false(utf8_ok(bad[i], strlen(bad[i]), s));
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Init and handshake                                                       */
/* ------------------------------------------------------------------------ */

static void test_init_rejects_bad_config(void **state)
{
    (void)state;
    uint8_t rx[512];
    uint32_t rng = 1;
    fake_net_t fn = {0};
    ocpp_net_port_t port = {&fn, fn_connect, fn_send, fn_recv, fn_close};
    ocpp_ws_t ws;
    ocpp_ws_config_t c = {&port, rx, sizeof rx, xorshift, &rng, 0, 0};
    assert_int_equal(ocpp_ws_init(&ws, &c), OCPP_OK);
    assert_int_equal(ocpp_ws_state(&ws), OCPP_WS_CLOSED);
    assert_int_equal(ocpp_ws_init(NULL, &c), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_ws_init(&ws, NULL), OCPP_ERR_PARAM);
    c.rx_cap = 511;
    assert_int_equal(ocpp_ws_init(&ws, &c), OCPP_ERR_PARAM);
    c.rx_cap = sizeof rx;
    c.random = NULL;
    assert_int_equal(ocpp_ws_init(&ws, &c), OCPP_ERR_PARAM);
    c.random = xorshift;
    c.rx_buf = NULL;
    assert_int_equal(ocpp_ws_init(&ws, &c), OCPP_ERR_PARAM);
    c.rx_buf = rx;
    port.recv = NULL;
    assert_int_equal(ocpp_ws_init(&ws, &c), OCPP_ERR_PARAM);
    c.net = NULL;
    assert_int_equal(ocpp_ws_init(&ws, &c), OCPP_ERR_PARAM);

    ocpp_msg_port_t mp;
    ocpp_ws_msg_port(&ws, &mp);
    assert_ptr_equal(mp.ctx, &ws);
    assert_ptr_equal(mp.open, ocpp_ws_open);
    assert_ptr_equal(mp.send, ocpp_ws_send);
    assert_ptr_equal(mp.recv, ocpp_ws_recv);
    assert_ptr_equal(mp.close, ocpp_ws_close);
}

/* RFC 6455 §4.1: the client's opening handshake request, and a valid 101 response. */
static void test_handshake_ok(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    f->net.connect_pending = 2;
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_PENDING);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CONNECTING);
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_PENDING);
    fx_start(f, &OPEN_PARAMS);
    assert_int_equal(f->net.connects, 3);
    assert_string_equal(f->net.ep.host, "example.com");
    char expect[512];
    snprintf(expect, sizeof expect,
             "GET /ocpp/CP-1 HTTP/1.1\r\n"
             "Host: example.com:8080\r\n"
             "Upgrade: websocket\r\n"
             "Connection: Upgrade\r\n"
             "Sec-WebSocket-Key: %s\r\n"
             "Sec-WebSocket-Version: 13\r\n"
             "Sec-WebSocket-Protocol: ocpp1.6\r\n"
             "\r\n",
             f->key);
    assert_string_equal(sent_text(f), expect);
    char resp[512];
    push(&f->net, resp, make_response(f, resp, sizeof resp, "ocpp1.6", NULL));
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_OK);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_OPEN);
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_OK); /* idempotent */
    assert_int_equal(f->net.closes, 0);
    fx_free(f);
}

/* RFC 6455 §4.1 item 7 / §10.3: the key is 16 fresh random bytes per connection. */
static void test_handshake_key_fresh(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_start(f, &OPEN_PARAMS);
    char k1[25];
    memcpy(k1, f->key, sizeof k1);
    ocpp_ws_close(&f->ws);
    f->net.out_len = 0;
    fx_start(f, &OPEN_PARAMS);
    assert_string_not_equal(k1, f->key);
    fx_free(f);
}

/* RFC 6455 §4.1 item 4 / RFC 7230 §5.4: Host with the port unless it is the
 * scheme default (80 for ws, 443 for wss); IPv6 literals in brackets (RFC 3986 §3.2.2). */
static void test_handshake_host_header(void **state)
{
    (void)state;
    struct {
        const char *host;
        uint16_t port;
        bool tls;
        const char *line;
    } cases[] = {
        {"csms.example", 80, false, "\r\nHost: csms.example\r\n"},
        {"csms.example", 443, true, "\r\nHost: csms.example\r\n"},
        {"csms.example", 80, true, "\r\nHost: csms.example:80\r\n"},
        {"csms.example", 443, false, "\r\nHost: csms.example:443\r\n"},
        {"10.0.0.1", 65535, false, "\r\nHost: 10.0.0.1:65535\r\n"},
        {"::1", 9000, false, "\r\nHost: [::1]:9000\r\n"},
        {"fe80::1", 443, true, "\r\nHost: [fe80::1]\r\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx_t *f = fx_new(1024);
        ocpp_msg_open_t p = OPEN_PARAMS;
        p.ep.host = cases[i].host;
        p.ep.port = cases[i].port;
        p.ep.tls = cases[i].tls;
        fx_start(f, &p);
        assert_non_null(strstr(sent_text(f), cases[i].line));
        fx_free(f);
    }
}

/* RFC 6455 §4.1 items 2-3: "GET <path> HTTP/1.1"; the path is "/" when empty. */
static void test_handshake_default_path(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    ocpp_msg_open_t p = OPEN_PARAMS;
    p.path = NULL;
    fx_start(f, &p);
    assert_memory_equal(sent_text(f), "GET / HTTP/1.1\r\n", 16);
    fx_free(f);
}

/* RFC 7230 §3.1/§3.2: the response may arrive split at any byte; the request
 * may be accepted a few bytes at a time. */
static void test_handshake_split_every_byte(void **state)
{
    (void)state;
    fx_t *f0 = fx_new(1024);
    fx_start(f0, &OPEN_PARAMS);
    char resp[512];
    size_t rn = make_response(f0, resp, sizeof resp, "ocpp1.6", NULL);
    fx_free(f0);
    for (size_t split = 0; split <= rn; split++) {
        fx_t *f = fx_new(1024); /* same seed: same key, same response */
        f->net.send_k = 1 + split % 7;
        f->net.chunk = split % 3; /* 0 (any), 1, 2 bytes per read */
        f->net.avail = split;
        push(&f->net, resp, rn);
        push_text(&f->net, "[2,\"1\",\"Heartbeat\",{}]");
        ocpp_status_t st;
        int calls = 0;
        while ((st = ocpp_ws_open(&f->ws, &OPEN_PARAMS)) == OCPP_PENDING) {
            assert_true(++calls < 100000);
            if (f->net.in_pos == split) {
                f->net.avail = SIZE_MAX;
            }
        }
        assert_int_equal(st, OCPP_OK);
        fx_read_key(f);
        f->net.avail = SIZE_MAX;
        const char *m;
        size_t n;
        assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
        assert_int_equal(n, strlen("[2,\"1\",\"Heartbeat\",{}]"));
        assert_memory_equal(m, "[2,\"1\",\"Heartbeat\",{}]", n);
        fx_free(f);
    }
}

/* RFC 6455 §4.1 item 4 (client): a wrong Sec-WebSocket-Accept fails the connection. */
static void test_handshake_wrong_accept(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_start(f, &OPEN_PARAMS);
    push_str(&f->net,
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
             "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n");
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_ERR_PROTOCOL);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    assert_int_equal(f->net.closes, 1);
    fx_free(f);
}

/* OCPP-J 1.6 §3.1.2/§3.2 (and RFC 6455 §4.1 item 6): the server answers with the
 * subprotocol we asked for, or without one when it does not agree; then the
 * charge point drops the connection. */
static void test_handshake_subprotocol(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    assert_int_equal(fx_try(f, NULL, NULL), OCPP_ERR_PROTOCOL); /* missing */
    fx_free(f);
    f = fx_new(1024);
    assert_int_equal(fx_try(f, "ocpp2.0.1", NULL), OCPP_ERR_PROTOCOL); /* wrong */
    fx_free(f);
    f = fx_new(1024);
    assert_int_equal(fx_try(f, "ocpp1.6, ocpp2.0.1", NULL), OCPP_ERR_PROTOCOL); /* a list */
    fx_free(f);
    f = fx_new(1024);
    assert_int_equal(fx_try(f, "ocpp1.6", "Sec-WebSocket-Protocol: ocpp1.6\r\n"),
                     OCPP_ERR_PROTOCOL); /* repeated */
    fx_free(f);
    f = fx_new(1024);
    assert_int_equal(fx_try(f, "  ocpp1.6 ", NULL), OCPP_OK); /* OWS around the value */
    fx_free(f);
}

/* RFC 6455 §4.1 items 1-5 (client): 101 required, Upgrade: websocket and a
 * Connection containing the "upgrade" token (case-insensitive), no extensions. */
static void test_handshake_header_checks(void **state)
{
    (void)state;
    char accept_line[80];
    struct {
        const char *resp; /* %s: the Sec-WebSocket-Accept line */
        ocpp_status_t st;
    } cases[] = {
        {"HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, UPGRADE\r\n%s"
         "sec-websocket-protocol: ocpp1.6\r\n\r\n",
         OCPP_OK},
        {"HTTP/1.1 101\r\nUpgrade:websocket\r\nConnection:Upgrade\r\n%s"
         "Sec-WebSocket-Protocol:ocpp1.6\r\nX-Other: 1\r\n\r\n",
         OCPP_OK},
        {"HTTP/1.1 101 OK\r\nConnection: keep-alive\r\nConnection: upgrade\r\n"
         "Upgrade: websocket\r\n%sSec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_OK},
        {"HTTP/1.1 101 OK\r\nConnection: Upgrade\r\n%sSec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* no Upgrade */
        {"HTTP/1.1 101 OK\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n%s"
         "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL},
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n%s"
         "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL},
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: upgrades\r\n%s"
         "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL},
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n%s",
         OCPP_ERR_PROTOCOL}, /* no accept (the line comes after the head) */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n%s%s"
         "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* accept twice */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n%s"
         "Sec-WebSocket-Protocol: ocpp1.6\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
         OCPP_ERR_PROTOCOL},
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n%s"
         "Sec-WebSocket-Protocol: ocpp1.6\r\nno colon here\r\n\r\n",
         OCPP_ERR_PROTOCOL},
        {"HTTP/1.1 200 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n%s"
         "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL},
        {"HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n%s", OCPP_ERR_PROTOCOL},
        {"HTTP/1.1 1011 OK\r\n\r\n%s", OCPP_ERR_PROTOCOL},
        {"HTTP/2 101 OK\r\n\r\n%s", OCPP_ERR_PROTOCOL},
        {"garbage\r\n\r\n%s", OCPP_ERR_PROTOCOL},
        {"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n\r\n%s",
         OCPP_ERR_AUTH},
        {"HTTP/1.1 403 Forbidden\r\n\r\n%s", OCPP_ERR_AUTH},
        {"HTTP/1.0 401 Unauthorized\r\n\r\n%s", OCPP_ERR_AUTH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx_t *f = fx_new(1024);
        fx_start(f, &OPEN_PARAMS);
        char acc[29], resp[1024];
        ocpp_ws_accept_for_key(f->key, 24, acc);
        snprintf(accept_line, sizeof accept_line, "Sec-WebSocket-Accept: %s\r\n", acc);
        snprintf(resp, sizeof resp, cases[i].resp, accept_line, accept_line);
        push_str(&f->net, resp);
        ocpp_status_t st = ocpp_ws_open(&f->ws, &OPEN_PARAMS);
        if (st != cases[i].st) {
            print_error("case %zu: %s\n", i, ocpp_status_str(st));
        }
        assert_int_equal(st, cases[i].st);
        assert_int_equal(ocpp_ws_state(&f->ws), st == OCPP_OK ? OCPP_WS_OPEN : OCPP_WS_CLOSED);
        assert_int_equal(f->net.closes, st == OCPP_OK ? 0 : 1);
        fx_free(f);
    }
}

/* The whole response head must fit the receive buffer; else OCPP_ERR_PROTOCOL.
 * A head that exactly fits is fine. */
static void test_handshake_response_too_large(void **state)
{
    (void)state;
    fx_t *f = fx_new(512);
    fx_start(f, &OPEN_PARAMS);
    push_str(&f->net, "HTTP/1.1 101 Switching Protocols\r\nX-Pad: ");
    while (f->net.in_len < 600) {
        push_str(&f->net, "aaaaaaaaaa");
    }
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_ERR_PROTOCOL);
    assert_int_equal(f->net.closes, 1);
    fx_free(f);

    f = fx_new(512);
    fx_start(f, &OPEN_PARAMS);
    char resp[600], pad[400];
    size_t base = make_response(f, resp, sizeof resp, "ocpp1.6", "X-Pad: \r\n");
    size_t padn = 512 - base;
    memset(pad, 'p', padn);
    pad[padn] = '\0';
    char extra[420];
    snprintf(extra, sizeof extra, "X-Pad: %s\r\n", pad);
    size_t n = make_response(f, resp, sizeof resp, "ocpp1.6", extra);
    assert_int_equal(n, 512);
    push(&f->net, resp, n);
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_OK);
    fx_free(f);
}

/* The peer may close during the upgrade; errors from connect/send/recv propagate. */
static void test_handshake_net_errors(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    f->net.connect_result = OCPP_ERR_DNS;
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_ERR_DNS);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    f->net.connect_result = OCPP_OK;
    f->net.send_err = OCPP_ERR_IO;
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_ERR_IO);
    assert_int_equal(f->net.closes, 1);
    f->net.send_err = 0;
    f->net.recv_err = OCPP_ERR_CLOSED;
    push_str(&f->net, "HTTP/1.1 101 Swi");
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_ERR_CLOSED);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    fx_free(f);
}

/* RFC 7617 §2: Authorization: Basic base64(user-id ":" password); the example
 * "Aladdin"/"open sesame". The password may hold any byte (basic_pass_len). */
static void test_handshake_basic_auth(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    ocpp_msg_open_t p = OPEN_PARAMS;
    p.basic_user = "Aladdin";
    p.basic_pass = "open sesame";
    p.basic_pass_len = 11;
    fx_start(f, &p);
    assert_non_null(
        strstr(sent_text(f), "\r\nAuthorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"));
    fx_free(f);

    /* OCPP-J 1.6 §6.2.2: the password is the 20-byte authorization key */
    static const uint8_t key[20] = {0x00, 0xff, 0x0d, 0x0a, 0x3a, 0x80, 1,  2,  3, 4,
                                    5,    6,    7,    8,    9,    10,   11, 12, 0, 0xfe};
    uint8_t raw[40];
    char want[80], line[120];
    memcpy(raw, "CP-1:", 5);
    memcpy(raw + 5, key, 20);
    ocpp_b64_encode(raw, 25, want);
    snprintf(line, sizeof line, "\r\nAuthorization: Basic %s\r\n", want);
    f = fx_new(1024);
    p.basic_user = "CP-1";
    p.basic_pass = (const char *)key;
    p.basic_pass_len = sizeof key;
    fx_start(f, &p);
    assert_non_null(strstr(sent_text(f), line));
    fx_free(f);

    /* user only, empty password: "CP-1:" */
    f = fx_new(1024);
    p.basic_pass = NULL;
    p.basic_pass_len = 0;
    fx_start(f, &p);
    assert_non_null(strstr(sent_text(f), "\r\nAuthorization: Basic Q1AtMTo=\r\n"));
    fx_free(f);

    /* no user: no Authorization header */
    f = fx_new(1024);
    fx_start(f, &OPEN_PARAMS);
    assert_null(strstr(sent_text(f), "Authorization"));
    fx_free(f);
}

/* Header injection and RFC 7617 §2 (no ':' in the user-id) are refused. */
static void test_handshake_bad_params(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    ocpp_msg_open_t p = OPEN_PARAMS;
    p.basic_user = "a:b";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.path = "/ocpp/CP-1\r\nX-Evil: 1";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.path = "/with space";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.ep.host = "";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.ep.host = NULL;
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.subprotocol = "ocpp1.6\n";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.basic_user = "u";
    p.basic_pass_len = 3; /* NULL password with a length */
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_ws_open(&f->ws, NULL), OCPP_ERR_PARAM);
    assert_int_equal(f->net.connects, 0);
    fx_free(f);
}

/* A request that does not fit rx_buf: OCPP_ERR_NOMEM, connection released. */
static void test_handshake_request_too_large(void **state)
{
    (void)state;
    fx_t *f = fx_new(512);
    char path[600];
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    ocpp_msg_open_t p = OPEN_PARAMS;
    p.path = path;
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_NOMEM);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    assert_int_equal(f->net.closes, 1);
    fx_free(f);
}

/* The length of the request for p (rx_buf large enough). */
static size_t request_len(const ocpp_msg_open_t *p)
{
    fx_t *f = fx_new(2048);
    fx_start(f, p);
    size_t n = f->net.out_len;
    fx_free(f);
    return n;
}

/* The request may fill rx_buf exactly; one byte more is OCPP_ERR_NOMEM, also
 * when the overflow falls in the Authorization value (RFC 7617 §2). */
static void test_handshake_request_fits_exactly(void **state)
{
    (void)state;
    static const uint8_t key[20] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                    11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    for (int auth = 0; auth < 2; auth++) {
        ocpp_msg_open_t p = OPEN_PARAMS;
        if (auth) {
            p.basic_user = "CP-1";
            p.basic_pass = (const char *)key;
            p.basic_pass_len = sizeof key;
        }
        size_t base = request_len(&p); /* with the path "/ocpp/CP-1" */
        assert_true(base < 512);
        for (size_t extra = 0; extra < 2; extra++) {
            char path[600];
            size_t plen = strlen(OPEN_PARAMS.path) + (512 - base) + extra;
            memset(path, 'a', plen);
            path[0] = '/';
            path[plen] = '\0';
            p.path = path;
            fx_t *f = fx_new(512);
            if (extra == 0) {
                fx_start(f, &p);
                assert_int_equal(f->net.out_len, 512);
                assert_memory_equal(f->net.out + 508, "\r\n\r\n", 4);
            } else {
                assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_NOMEM);
                assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
                assert_int_equal(f->net.out_len, 0);
            }
            fx_free(f);
        }
    }

    /* the base64 of user:password alone does not fit */
    static uint8_t big[400];
    memset(big, 0xA5, sizeof big);
    ocpp_msg_open_t p = OPEN_PARAMS;
    p.basic_user = "CP-1";
    p.basic_pass = (const char *)big;
    p.basic_pass_len = sizeof big;
    fx_t *f = fx_new(512);
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_NOMEM);
    assert_int_equal(f->net.out_len, 0);
    fx_free(f);

    /* a password length that cannot fit is refused before the password is
     * read (sanitizer builds: no read past the one byte) */
    static const char one[1] = {'x'};
    p.basic_pass = one;
    p.basic_pass_len = SIZE_MAX;
    f = fx_new(512);
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_NOMEM);
    fx_free(f);
}

/* Open parameters that would make a malformed request are refused: an empty
 * subprotocol (RFC 6455 §4.1 item 10: a non-empty token), an empty user-id or
 * host, DEL and other control characters; an empty path means "/" (RFC 6455
 * §3: the resource name is "/" when the path component is empty). */
static void test_handshake_params_edges(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    ocpp_msg_open_t p = OPEN_PARAMS;
    p.subprotocol = "";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.basic_user = "";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.ep.host = "example.com\x7f";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.subprotocol = "ocpp1.6\t";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    p = OPEN_PARAMS;
    p.basic_user = "CP\x01";
    assert_int_equal(ocpp_ws_open(&f->ws, &p), OCPP_ERR_PARAM);
    assert_int_equal(f->net.connects, 0);
    fx_free(f);

    /* UTF-8 and ':' in the path and the host are fine; no subprotocol: no header */
    f = fx_new(1024);
    p = OPEN_PARAMS;
    p.path = "";
    p.subprotocol = NULL;
    p.ep.host = "h\xc3\xa9.example";
    p.basic_user = "CP-\xc3\xa9";
    fx_start(f, &p);
    assert_memory_equal(sent_text(f), "GET / HTTP/1.1\r\nHost: h\xc3\xa9.example:8080\r\n", 40);
    assert_null(strstr(sent_text(f), "Sec-WebSocket-Protocol"));
    assert_non_null(strstr(sent_text(f), "\r\nAuthorization: Basic Q1Atw6k6\r\n\r\n"));
    fx_free(f);
}

/* Edges of the response checks of RFC 6455 §4.1 (client items 1-6) with the
 * field syntax of RFC 7230 §3.2: OWS is SP or HTAB (§3.2.3) and is not part of
 * a value; the field name is case-insensitive, the Upgrade value and the
 * Connection tokens too (items 2, 3), Sec-WebSocket-Accept and the subprotocol
 * are compared as they are (items 4, 6). */
static void test_handshake_header_edges(void **state)
{
    (void)state;
    struct {
        const char *resp; /* %s: the accept value; the subprotocol offered: ocpp1.6 */
        ocpp_status_t st;
    } cases[] = {
        {"HTTP/1.1 101 OK\r\nUpgrade:\twebsocket\t\r\nConnection: \t Upgrade \t\r\n"
         "Sec-WebSocket-Accept:\t%s \r\nSec-WebSocket-Protocol:\tocpp1.6\t\r\n\r\n",
         OCPP_OK},
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: close,\t,upgrade\t,keep-alive\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_OK}, /* empty list items (RFC 7230 §7) */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: ocpp1.6\r\nX-Empty:\r\n"
         "Sec-WebSocket-Version: 13\r\n\r\n",
         OCPP_OK}, /* other fields are ignored */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket, h2c\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* item 2: the value is "websocket", not a list holding it */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* Upgrade twice */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: OCPP1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* item 6: not the subprotocol offered, byte for byte */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol:\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* an empty subprotocol was not offered */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: ocpp1.6\r\n: no name\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* RFC 7230 §3.2: field-name is a non-empty token */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: ocpp1.6\r\n"
         "Sec-WebSocket-Extensions: x\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* item 5, after all the other fields */
        {"HTTP/1.1 101\tSwitching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* RFC 7230 §3.1.2: SP before the reason phrase */
        {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: ocpp1.6\r\n"
         "Upgrade: websocket\r\n\r\n",
         OCPP_ERR_PROTOCOL}, /* a repeat after everything was seen */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx_t *f = fx_new(1024);
        fx_start(f, &OPEN_PARAMS);
        char acc[29], resp[1024];
        ocpp_ws_accept_for_key(f->key, 24, acc);
        snprintf(resp, sizeof resp, cases[i].resp, acc);
        push_str(&f->net, resp);
        ocpp_status_t st = ocpp_ws_open(&f->ws, &OPEN_PARAMS);
        if (st != cases[i].st) {
            print_error("case %zu: %s\n", i, ocpp_status_str(st));
        }
        assert_int_equal(st, cases[i].st);
        fx_free(f);
    }

    /* item 4: the accept value is base64, compared case-sensitively */
    fx_t *f = fx_new(1024);
    fx_start(f, &OPEN_PARAMS);
    char acc[29], resp[512];
    ocpp_ws_accept_for_key(f->key, 24, acc);
    size_t k = 0;
    while (!((acc[k] >= 'a' && acc[k] <= 'z') || (acc[k] >= 'A' && acc[k] <= 'Z'))) {
        k++;
    }
    acc[k] ^= 0x20;
    snprintf(resp, sizeof resp,
             "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
             acc);
    push_str(&f->net, resp);
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_ERR_PROTOCOL);
    fx_free(f);

    /* no subprotocol offered: none may come back, and none has to */
    ocpp_msg_open_t p = OPEN_PARAMS;
    p.subprotocol = NULL;
    for (int with = 0; with < 2; with++) {
        f = fx_new(1024);
        fx_start(f, &p);
        ocpp_ws_accept_for_key(f->key, 24, acc);
        snprintf(resp, sizeof resp,
                 "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: %s\r\n%s\r\n",
                 acc, with ? "Sec-WebSocket-Protocol: ocpp1.6\r\n" : "");
        push_str(&f->net, resp);
        assert_int_equal(ocpp_ws_open(&f->ws, &p), with ? OCPP_ERR_PROTOCOL : OCPP_OK);
        fx_free(f);
    }
}

/* RFC 6455 §4.1: frames may follow the 101 response in the same read; they are kept. */
static void test_bytes_after_handshake_kept(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_start(f, &OPEN_PARAMS);
    char resp[512];
    push(&f->net, resp, make_response(f, resp, sizeof resp, "ocpp1.6", NULL));
    push_text(&f->net, "first");
    push_frame(&f->net, 0x01, "sec", 3);
    push_frame(&f->net, 0x80, "ond", 3);
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_OK);
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_int_equal(n, 5);
    assert_memory_equal(m, "first", 5);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_int_equal(n, 6);
    assert_memory_equal(m, "second", 6);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    fx_free(f);
}

/* ------------------------------------------------------------------------ */
/* Frames                                                                   */
/* ------------------------------------------------------------------------ */

/* RFC 6455 §5.2: payload lengths in 7 bits (0..125), 16 bits (126..65535) and
 * 64 bits (65536..); received in one read and byte by byte. */
static void test_recv_frame_lengths(void **state)
{
    (void)state;
    static const size_t lens[] = {0, 1, 125, 126, 127, 65535, 65536, 70000};
    for (size_t chunk = 0; chunk < 2; chunk++) {
        fx_t *f = fx_new(70000);
        fx_open(f);
        f->net.chunk = chunk == 0 ? 0 : 1;
        uint8_t *pl = malloc(70000);
        for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
            for (size_t j = 0; j < lens[i]; j++) {
                pl[j] = (uint8_t)('a' + (i + j) % 26);
            }
            push_frame(&f->net, 0x81, pl, lens[i]);
            const char *m;
            size_t n;
            ocpp_status_t st;
            int guard = 0;
            while ((st = fx_recv(f, 0, &m, &n)) == OCPP_PENDING) {
                assert_true(++guard < 10);
            }
            assert_int_equal(st, OCPP_OK);
            assert_int_equal(n, lens[i]);
            assert_memory_equal(m, pl, lens[i]);
        }
        free(pl);
        fx_free(f);
    }
}

/* RFC 6455 §5.2: a 16-bit length in the long form is still accepted (we are lenient). */
static void test_recv_non_minimal_length(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    const uint8_t fr[] = {0x81, 126, 0, 2, 'h', 'i', 0x81, 127, 0, 0, 0, 0, 0, 0, 0, 1, '!'};
    push(&f->net, fr, sizeof fr);
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_memory_equal(m, "hi", 2);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_memory_equal(m, "!", 1);
    fx_free(f);
}

/* RFC 6455 §5.2/§5.3: client frames use the 7/16/64-bit length forms, are
 * masked with a fresh key each, and the header sits in OCPP_MSG_HEADROOM. */
static void test_send_frame_lengths(void **state)
{
    (void)state;
    static const size_t lens[] = {0, 1, 125, 126, 65535, 65536};
    fx_t *f = fx_new(1024);
    fx_open(f);
    char *buf = malloc(OCPP_MSG_HEADROOM + 65536);
    uint8_t *got = malloc(65536);
    uint8_t last_key[4] = {0};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        char *msg = buf + OCPP_MSG_HEADROOM;
        for (size_t j = 0; j < lens[i]; j++) {
            msg[j] = (char)('A' + j % 26);
        }
        size_t start = f->net.out_len;
        assert_int_equal(ocpp_ws_send(&f->ws, msg, lens[i]), OCPP_OK);
        size_t hl = lens[i] < 126 ? 6 : (lens[i] < 65536 ? 8 : 14);
        assert_int_equal(f->net.out_len - start, hl + lens[i]);
        const uint8_t *key = f->net.out + start + hl - 4;
        assert_memory_not_equal(key, last_key, 4);
        memcpy(last_key, key, 4);
        uint8_t b0;
        size_t n;
        assert_true(next_sent(&f->net, &b0, got, 65536, &n));
        assert_int_equal(b0, 0x81); /* FIN, text */
        assert_int_equal(n, lens[i]);
        for (size_t j = 0; j < n; j++) {
            assert_int_equal(got[j], 'A' + j % 26);
        }
    }
    free(got);
    free(buf);
    fx_free(f);
}

/* Run one bad frame sequence; expect OCPP_ERR_PROTOCOL and a close with `code`. */
static void expect_refused(const uint8_t *bytes, size_t n, uint16_t code)
{
    fx_t *f = fx_new(1024);
    fx_open(f);
    push(&f->net, bytes, n);
    const char *m;
    size_t len;
    ocpp_status_t st;
    while ((st = fx_recv(f, 0, &m, &len)) == OCPP_OK) {
    }
    assert_int_equal(st, OCPP_ERR_PROTOCOL);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    assert_int_equal(f->net.closes, 1);
    uint8_t b0, pl[125];
    size_t pn;
    while (next_sent(&f->net, &b0, pl, sizeof pl, &pn) && b0 != 0x88) {
    }
    assert_int_equal(b0, 0x88);
    assert_int_equal(pn, 2);
    assert_int_equal((pl[0] << 8) | pl[1], code);
    assert_int_equal(fx_recv(f, 0, &m, &len), OCPP_ERR_CLOSED);
    fx_free(f);
}

/* RFC 6455 §5.1: "A client MUST close a connection if it detects a masked frame." */
static void test_masked_server_frame_refused(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    push_frame_x(&f->net, 0x81, "hi", 2, true);
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_PROTOCOL);
    expect_close_sent(&f->net, 1002);
    assert_int_equal(f->net.closes, 1);
    fx_free(f);
}

/* RFC 6455 §5.2 (RSV1-3 without an extension, unknown opcodes, 64-bit length
 * with the top bit), §5.5 (control frames: <= 125 bytes, not fragmented),
 * §5.4 (continuation only inside a message; no new data frame inside one):
 * each fails the connection with 1002 (§7.4.1). */
static void test_bad_frames_refused(void **state)
{
    (void)state;
    const uint8_t rsv1[] = {0xC1, 0x00};
    const uint8_t rsv2[] = {0xA1, 0x00};
    const uint8_t rsv3[] = {0x91, 0x00};
    const uint8_t op3[] = {0x83, 0x00};
    const uint8_t op7[] = {0x87, 0x00};
    const uint8_t opB[] = {0x8B, 0x00};
    const uint8_t opF[] = {0x8F, 0x00};
    const uint8_t big_ping[] = {0x89, 126, 0, 126};
    const uint8_t frag_ping[] = {0x09, 0x00};
    const uint8_t frag_close[] = {0x08, 0x00};
    const uint8_t top_bit[] = {0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 1};
    const uint8_t cont_alone[] = {0x80, 0x01, 'x'};
    const uint8_t text_in_text[] = {0x01, 0x01, 'a', 0x81, 0x01, 'b'};
    const uint8_t close_1byte[] = {0x88, 0x01, 0x03};
    const uint8_t close_1005[] = {0x88, 0x02, 0x03, 0xED};
    const uint8_t close_999[] = {0x88, 0x02, 0x03, 0xE7};
    const uint8_t close_2000[] = {0x88, 0x02, 0x07, 0xD0};
    const uint8_t close_5000[] = {0x88, 0x02, 0x13, 0x88};
    struct {
        const uint8_t *b;
        size_t n;
    } c[] = {{rsv1, sizeof rsv1},
             {rsv2, sizeof rsv2},
             {rsv3, sizeof rsv3},
             {op3, sizeof op3},
             {op7, sizeof op7},
             {opB, sizeof opB},
             {opF, sizeof opF},
             {big_ping, sizeof big_ping},
             {frag_ping, sizeof frag_ping},
             {frag_close, sizeof frag_close},
             {top_bit, sizeof top_bit},
             {cont_alone, sizeof cont_alone},
             {text_in_text, sizeof text_in_text},
             {close_1byte, sizeof close_1byte},
             {close_1005, sizeof close_1005},
             {close_999, sizeof close_999},
             {close_2000, sizeof close_2000},
             {close_5000, sizeof close_5000}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        expect_refused(c[i].b, c[i].n, 1002);
    }
}

/* OCPP-J 1.6 §4.1.2: messages are UTF-8 JSON text, so a binary message is
 * refused with 1003 (RFC 6455 §7.4.1 "unsupported data"). */
static void test_binary_refused(void **state)
{
    (void)state;
    const uint8_t bin[] = {0x82, 0x02, 0x01, 0x02};
    expect_refused(bin, sizeof bin, 1003);
    const uint8_t bin_frag[] = {0x02, 0x01, 0x01, 0x80, 0x01, 0x02};
    expect_refused(bin_frag, sizeof bin_frag, 1003);
}

/* RFC 6455 §8.1: a text message that is not valid UTF-8 fails the connection
 * with 1007; a close reason too (§5.5.1). UTF-8 split across fragments is fine. */
static void test_invalid_utf8(void **state)
{
    (void)state;
    const uint8_t overlong[] = {0x81, 0x02, 0xC0, 0x80};
    expect_refused(overlong, sizeof overlong, 1007);
    const uint8_t truncated[] = {0x81, 0x02, 'a', 0xE2};
    expect_refused(truncated, sizeof truncated, 1007);
    const uint8_t surrogate_frag[] = {0x01, 0x01, 0xED, 0x80, 0x02, 0xA0, 0x80};
    expect_refused(surrogate_frag, sizeof surrogate_frag, 1007);
    const uint8_t bad_reason[] = {0x88, 0x04, 0x03, 0xE8, 0xFF, 'x'};
    expect_refused(bad_reason, sizeof bad_reason, 1007);

    fx_t *f = fx_new(1024);
    fx_open(f);
    const uint8_t euro_split[] = {0x01, 0x02, 'a', 0xE2, 0x00, 0x01, 0x82, 0x80, 0x01, 0xAC};
    push(&f->net, euro_split, sizeof euro_split);
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(m, "a\xe2\x82\xac", 4);
    fx_free(f);
}

/* RFC 6455 §5.4: fragments are reassembled; control frames may be injected in
 * the middle (§5.5) and a ping is answered at once with its payload (§5.5.2). */
static void test_fragmented_with_ping(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    f->net.chunk = 1;
    push_frame(&f->net, 0x01, "[2,", 3);
    push_frame(&f->net, 0x89, "p1", 2);
    push_frame(&f->net, 0x00, "", 0);
    push_frame(&f->net, 0x8A, "unsolicited", 11); /* §5.5.3: ignored */
    push_frame(&f->net, 0x80, "\"x\"]", 4);
    const char *m;
    size_t n;
    ocpp_status_t st;
    while ((st = fx_recv(f, 0, &m, &n)) == OCPP_PENDING) {
    }
    assert_int_equal(st, OCPP_OK);
    assert_int_equal(n, 7);
    assert_memory_equal(m, "[2,\"x\"]", 7);
    uint8_t b0, pl[125];
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A);
    assert_int_equal(n, 2);
    assert_memory_equal(pl, "p1", 2);
    assert_false(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    fx_free(f);
}

/* RFC 6455 §5.2: "If 127, the following 8 bytes interpreted as a 64-bit
 * unsigned integer (the most significant bit MUST be 0) are the payload
 * length." Lengths of 2^32 and more are whole 64-bit values: against the hard
 * cap they are refused with 1009 (§7.4.1) even when their low 32 bits are
 * small; without a cap such a frame is read and discarded like any message
 * larger than rx_cap, and the connection stays open. */
static void test_64bit_lengths(void **state)
{
    (void)state;
    static const uint8_t hi_small_lo[] = {0x81, 127, 0, 0, 0, 1, 0, 0, 0, 5, 'a'};
    static const uint8_t two_pow_32[] = {0x81, 127, 0, 0, 0, 1, 0, 0, 0, 0, 'a'};
    static const uint32_t caps[] = {1000u, 0xFFFFFFFFu};
    const char *m;
    size_t n;
    for (size_t c = 0; c < 2; c++) {
        for (size_t k = 0; k < 2; k++) {
            fx_t *f = fx_new_cfg(512, 0, caps[c]);
            fx_open(f);
            push(&f->net, k == 0 ? hi_small_lo : two_pow_32, sizeof hi_small_lo);
            assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_PROTOCOL);
            expect_close_sent(&f->net, 1009);
            assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
            fx_free(f);
        }
    }
    /* a fragment of 2^32 - 1 bytes after one of 1: one past a cap of 2^32 - 1 */
    fx_t *f = fx_new_cfg(512, 0, 0xFFFFFFFFu);
    fx_open(f);
    static const uint8_t frag[] = {0x01, 0x01, 'a', 0x80, 127, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF};
    push(&f->net, frag, sizeof frag);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_PROTOCOL);
    expect_close_sent(&f->net, 1009);
    fx_free(f);
    /* no cap: 2^32 + 5 bytes announced, the prefix comes back, still open */
    f = fx_new(512);
    fx_open(f);
    uint8_t body[600];
    memset(body, 'z', sizeof body);
    push(&f->net, hi_small_lo, 10);
    push(&f->net, body, sizeof body);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_TOO_LARGE);
    assert_int_equal(n, 512);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    assert_int_equal(f->net.in_pos, f->net.in_len);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_OPEN);
    fx_free(f);
}

/* RFC 6455 §5.5.1: a close body is a 2-byte code and a UTF-8 reason, the
 * whole at most 125 bytes (§5.5); a 123-byte reason with multi-byte
 * characters is accepted and the code echoed; a reason cut inside a
 * character is invalid UTF-8 and fails with 1007 (§8.1). */
static void test_close_reason_edges(void **state)
{
    (void)state;
    uint8_t body[125];
    body[0] = 0x0F; /* 4000 */
    body[1] = 0xA0;
    for (size_t i = 2; i < 125; i += 3) {
        body[i] = 0xE2; /* U+20AC, 41 of them */
        body[i + 1] = 0x82;
        body[i + 2] = 0xAC;
    }
    fx_t *f = fx_new(1024);
    fx_open(f);
    f->net.chunk = 1;
    push_frame(&f->net, 0x88, body, sizeof body);
    const char *m;
    size_t n;
    ocpp_status_t st;
    while ((st = fx_recv(f, 0, &m, &n)) == OCPP_PENDING) {
    }
    assert_int_equal(st, OCPP_ERR_CLOSED);
    expect_close_sent(&f->net, 4000);
    fx_free(f);

    uint8_t cut[] = {0x88, 0x04, 0x0F, 0xA0, 0xE2, 0x82};
    expect_refused(cut, sizeof cut, 1007);
}

/* RFC 6455 §5.5.2: a ping with the maximum 125-byte payload, and an empty one. */
static void test_ping_payload_echoed(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    uint8_t big[125];
    for (int i = 0; i < 125; i++) {
        big[i] = (uint8_t)(i * 3);
    }
    push_frame(&f->net, 0x89, big, 125);
    push_frame(&f->net, 0x89, NULL, 0);
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    uint8_t b0, pl[125];
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A);
    assert_int_equal(n, 125);
    assert_memory_equal(pl, big, 125);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A);
    assert_int_equal(n, 0);
    fx_free(f);
}

/* RFC 6455 §5.5.1: a close may arrive between fragments; it is echoed with the
 * same status code, the stream closed, and recv reports OCPP_ERR_CLOSED. */
static void test_close_mid_fragment(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    push_frame(&f->net, 0x01, "part", 4);
    push_frame(&f->net, 0x88,
               "\x03\xe8"
               "bye",
               5);
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);
    expect_close_sent(&f->net, 1000);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    assert_int_equal(f->net.closes, 1);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);
    char msg[OCPP_MSG_HEADROOM + 4];
    assert_int_equal(ocpp_ws_send(&f->ws, msg + OCPP_MSG_HEADROOM, 4), OCPP_ERR_CLOSED);
    fx_free(f);
}

/* RFC 6455 §5.5.1/§7.4: the server's close code is echoed (1001, 4000), an
 * empty close gets an empty close; §7.1.1 the client then closes TCP. */
static void test_server_close_echoed(void **state)
{
    (void)state;
    static const uint16_t codes[] = {1000, 1001, 1011, 3000, 4999, 0};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        fx_t *f = fx_new(1024);
        fx_open(f);
        uint8_t body[2] = {(uint8_t)(codes[i] >> 8), (uint8_t)codes[i]};
        push_frame(&f->net, 0x88, body, codes[i] ? 2 : 0);
        const char *m;
        size_t n;
        assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);
        expect_close_sent(&f->net, codes[i]);
        assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
        assert_int_equal(f->net.closes, 1);
        fx_free(f);
    }
}

/* §5.5.1 with back-pressure: the echo is sent over several calls (state
 * CLOSING); close() then finishes what it can and releases the stream. */
static void test_server_close_partial_echo(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    f->net.send_budget = 3;
    push_frame(&f->net, 0x88, "\x03\xe9", 2);
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSING);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSING);
    f->net.send_budget = SIZE_MAX;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    expect_close_sent(&f->net, 1001);
    assert_int_equal(f->net.closes, 1);
    fx_free(f);
}

/* A message larger than rx_cap: its prefix comes back once with
 * OCPP_ERR_TOO_LARGE, the rest (later fragments too) is discarded, and the
 * connection keeps working. */
static void test_too_large_then_normal(void **state)
{
    (void)state;
    fx_t *f = fx_new(512);
    fx_open(f);
    char big[900];
    for (size_t i = 0; i < sizeof big; i++) {
        big[i] = (char)('0' + i % 10);
    }
    push_frame(&f->net, 0x81, big, 600);
    push_text(&f->net, "next");
    push_frame(&f->net, 0x01, big, 300); /* fragmented: 300 + ping + 300 + 300 */
    push_frame(&f->net, 0x89, "p", 1);
    push_frame(&f->net, 0x00, big + 300, 300);
    push_frame(&f->net, 0x80, big + 600, 300);
    push_text(&f->net, "after");
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_TOO_LARGE);
    assert_int_equal(n, 512);
    assert_memory_equal(m, big, 512);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(m, "next", 4);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_TOO_LARGE);
    assert_int_equal(n, 512);
    assert_memory_equal(m, big, 512);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_int_equal(n, 5);
    assert_memory_equal(m, "after", 5);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    uint8_t b0, pl[8];
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n)); /* the ping was answered */
    assert_int_equal(b0, 0x8A);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_OPEN);
    fx_free(f);
}

/* A message of exactly rx_cap bytes fits (also as fragments ending in an empty one). */
static void test_message_exactly_rx_cap(void **state)
{
    (void)state;
    fx_t *f = fx_new(512);
    fx_open(f);
    char b[512];
    memset(b, 'x', sizeof b);
    push_frame(&f->net, 0x81, b, 512);
    push_frame(&f->net, 0x01, b, 512);
    push_frame(&f->net, 0x80, NULL, 0);
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_int_equal(n, 512);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_int_equal(n, 512);
    fx_free(f);
}

/* 1 MiB message against a 4 KiB buffer, in one frame and in 64 KiB fragments:
 * TOO_LARGE exactly once each, then the next message. */
static void test_1mib_against_4kib(void **state)
{
    (void)state;
    const size_t total = 1u << 20;
    uint8_t *big = malloc(total);
    for (size_t i = 0; i < total; i++) {
        big[i] = (uint8_t)('a' + i % 26);
    }
    for (int frag = 0; frag < 2; frag++) {
        fx_t *f = fx_new(4096);
        fx_open(f);
        f->net.chunk = 1500;
        if (frag == 0) {
            push_frame(&f->net, 0x81, big, total);
        } else {
            for (size_t off = 0; off < total; off += 65536) {
                uint8_t b0 =
                    (uint8_t)((off == 0 ? 0x01 : 0x00) | (off + 65536 == total ? 0x80 : 0));
                push_frame(&f->net, b0, big + off, 65536);
            }
        }
        push_text(&f->net, "ok");
        int too_large = 0, calls = 0;
        const char *m;
        size_t n;
        ocpp_status_t st;
        while ((st = fx_recv(f, 0, &m, &n)) != OCPP_OK) {
            assert_true(st == OCPP_ERR_TOO_LARGE || st == OCPP_PENDING);
            if (st == OCPP_ERR_TOO_LARGE) {
                too_large++;
                assert_int_equal(n, 4096);
                assert_memory_equal(m, big, 4096);
            }
            assert_true(++calls < 10);
        }
        assert_int_equal(too_large, 1);
        assert_int_equal(n, 2);
        assert_memory_equal(m, "ok", 2);
        fx_free(f);
    }
    free(big);
}

/* The hard cap (max_msg_len): a larger message is refused with 1009
 * (RFC 6455 §7.4.1 "message too big") before its payload is read. */
static void test_hard_cap_1009(void **state)
{
    (void)state;
    fx_t *f = fx_new_cfg(512, 0, 1000);
    fx_open(f);
    char b[1000];
    memset(b, 'y', sizeof b);
    push_frame(&f->net, 0x81, b, 1000); /* at the cap: TOO_LARGE (rx 512), kept open */
    push_frame(&f->net, 0x01, b, 400);
    push_frame_x(&f->net, 0x80, NULL, 601, false); /* 1001 in total */
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_TOO_LARGE);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_PROTOCOL);
    assert_int_equal(f->net.in_pos, f->net.in_len); /* the payload was not waited for */
    expect_close_sent(&f->net, 1009);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    fx_free(f);
}

/* Partial sends: ocpp_ws_send returns OCPP_PENDING until the whole frame is
 * out, the caller repeats the same call; the bytes on the wire form one frame. */
static void test_partial_sends(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    char buf[OCPP_MSG_HEADROOM + 300];
    char *msg = buf + OCPP_MSG_HEADROOM;
    for (int i = 0; i < 300; i++) {
        msg[i] = (char)('a' + i % 26);
    }
    f->net.send_k = 7;
    f->net.send_budget = 0;
    assert_int_equal(ocpp_ws_send(&f->ws, msg, 300), OCPP_PENDING);
    assert_int_equal(ocpp_ws_send(&f->ws, msg, 299), OCPP_ERR_PARAM); /* not the same call */
    int calls = 1;
    ocpp_status_t st;
    do {
        f->net.send_budget = 10;
        st = ocpp_ws_send(&f->ws, msg, 300);
        calls++;
    } while (st == OCPP_PENDING);
    assert_int_equal(st, OCPP_OK);
    assert_int_equal(calls, 1 + (300 + 8 + 9) / 10);
    uint8_t b0, pl[300];
    size_t n;
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(n, 300);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(pl[i], 'a' + i % 26);
    }
    /* send error: connection gone */
    f->net.send_err = OCPP_ERR_IO;
    assert_int_equal(ocpp_ws_send(&f->ws, msg, 3), OCPP_ERR_IO);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    fx_free(f);
}

/* RFC 6455 §5.4/§5.5: a pong is never sent inside a data frame; it waits for
 * the frame to complete, and a data frame waits for a queued pong. */
static void test_pong_not_interleaved(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    char buf[OCPP_MSG_HEADROOM + 50];
    char *msg = buf + OCPP_MSG_HEADROOM;
    memset(msg, 'd', 50);
    f->net.send_budget = 20;
    assert_int_equal(ocpp_ws_send(&f->ws, msg, 50), OCPP_PENDING);
    push_frame(&f->net, 0x89, "A", 1);
    push_frame(&f->net, 0x89, "B", 1); /* §5.5.3: may answer only the latest */
    const char *m;
    size_t n;
    f->net.send_budget = SIZE_MAX;
    /* reading while the data frame is mid-send */
    f->ws.tx_busy = true; /* (it is; assert our view) */
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    assert_int_equal(f->net.out_len - f->net.out_rd, 20); /* nothing more went out */
    assert_int_equal(ocpp_ws_send(&f->ws, msg, 50), OCPP_OK);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    uint8_t b0, pl[64];
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x81);
    assert_int_equal(n, 50);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A);
    assert_int_equal(n, 1);
    assert_int_equal(pl[0], 'B');
    assert_false(next_sent(&f->net, &b0, pl, sizeof pl, &n));

    /* a pong partly sent blocks the next data frame until it is out */
    f->net.send_budget = 2;
    push_frame(&f->net, 0x89, "C", 1);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    assert_int_equal(ocpp_ws_send(&f->ws, msg, 50), OCPP_PENDING);
    f->net.send_budget = SIZE_MAX;
    assert_int_equal(ocpp_ws_send(&f->ws, msg, 50), OCPP_OK);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x81);
    fx_free(f);
}

/* RFC 6455 §5.4: a message sent in pieces (the message port's send_part,
 * then send) is "a single frame with the FIN bit clear and an opcode other
 * than 0, followed by zero or more frames with the FIN bit clear and the
 * opcode set to 0, and terminated by a single frame with the FIN bit set and
 * an opcode of 0"; each frame masked with its own key (§5.3). Control frames
 * "MAY be injected in the middle of a fragmented message": a pong queued
 * while a piece was half sent goes after that frame, before the next piece;
 * the next message starts with opcode text again. */
static void test_send_in_pieces(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    ocpp_msg_port_t mp = {0};
    ocpp_ws_msg_port(&f->ws, &mp);
    assert_non_null(mp.send_part);
    fx_open(f);
    char buf[OCPP_MSG_HEADROOM + 200];
    char *msg = buf + OCPP_MSG_HEADROOM;
    uint8_t b0, pl[256], keys[4][4];
    size_t n;
    const char *m;
    /* piece 1: text, FIN clear */
    memset(msg, '1', 200);
    assert_int_equal(mp.send_part(mp.ctx, msg, 200), OCPP_OK);
    memcpy(keys[0], f->net.out + f->net.out_rd + 4, 4);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x01);
    assert_int_equal(n, 200);
    assert_int_equal(pl[199], '1');
    /* piece 2, taken in part; a ping arrives meanwhile */
    memset(msg, '2', 130);
    f->net.send_budget = 10;
    assert_int_equal(mp.send_part(mp.ctx, msg, 130), OCPP_PENDING);
    push_frame(&f->net, 0x89, "P", 1);
    f->net.send_budget = SIZE_MAX;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING); /* no pong inside the frame */
    assert_int_equal(f->net.out_len - f->net.out_rd, 10);
    assert_int_equal(mp.send_part(mp.ctx, msg, 130), OCPP_OK);
    memcpy(keys[1], f->net.out + f->net.out_rd + 4, 4);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x00); /* continuation, FIN clear */
    assert_int_equal(n, 130);
    assert_int_equal(pl[0], '2');
    /* the pong waited for the frame, and goes at the next recv */
    assert_false(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A); /* between two fragments */
    /* the last piece: continuation, FIN set */
    memset(msg, '3', 5);
    assert_int_equal(ocpp_ws_send(&f->ws, msg, 5), OCPP_OK);
    memcpy(keys[2], f->net.out + f->net.out_rd + 2, 4);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x80);
    assert_int_equal(n, 5);
    assert_int_equal(pl[4], '3');
    /* the next message is a text frame again */
    memset(msg, '4', 3);
    assert_int_equal(ocpp_ws_send(&f->ws, msg, 3), OCPP_OK);
    memcpy(keys[3], f->net.out + f->net.out_rd + 2, 4);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x81);
    for (int i = 1; i < 4; i++) {
        assert_memory_not_equal(keys[i], keys[i - 1], 4);
    }
    /* a closed connection takes no piece */
    ocpp_ws_close(&f->ws);
    assert_int_equal(mp.send_part(mp.ctx, msg, 3), OCPP_ERR_CLOSED);
    fx_free(f);
}

/* RFC 6455 §5.5.2: every ping gets its pong even under back-pressure; a pong
 * partly on the wire is finished first (frames never interleave), and our
 * keep-alive ping waits while a control frame is queued. */
/* RFC 6455 §5.5.3: an unsolicited pong is ignored. Its payload (up to 125
 * bytes) is read and dropped without the control buffer, so it is read even
 * while our own pong is half sent, and the message after it is intact. */
static void test_long_pong_dropped(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    uint8_t big[125];
    for (int i = 0; i < 125; i++) {
        big[i] = (uint8_t)('a' + i % 26);
    }
    f->net.send_budget = 3;
    push_frame(&f->net, 0x89, "P", 1);
    push_frame(&f->net, 0x8A, (const char *)big, sizeof big);
    push_frame(&f->net, 0x81, "[2]", 3);
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(m, "[2]", 3);
    f->net.send_budget = SIZE_MAX;
    assert_int_equal(fx_recv(f, 1, &m, &n), OCPP_PENDING);
    uint8_t b0, pl[125];
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A);
    assert_int_equal(n, 1);
    assert_int_equal(pl[0], 'P');
    assert_false(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    fx_free(f);
}

static void test_control_backpressure(void **state)
{
    (void)state;
    fx_t *f = fx_new_cfg(1024, 1, 0);
    fx_open(f);
    const char *m;
    size_t n;
    uint8_t b0, pl[8];
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING); /* timer starts */
    f->net.send_budget = 3;
    push_frame(&f->net, 0x89, "A", 1);
    push_frame(&f->net, 0x89, "B", 1);
    assert_int_equal(fx_recv(f, 10, &m, &n), OCPP_PENDING);
    /* A's pong is half sent: B's header is read, its payload waits in the
       socket (one control buffer holds A's pong, then B's data and pong). */
    assert_int_equal(f->net.in_pos, f->net.in_len - 1u);
    f->net.send_budget = 0;
    assert_int_equal(fx_recv(f, 1000, &m, &n), OCPP_PENDING); /* ping due, deferred */
    f->net.send_budget = SIZE_MAX;
    assert_int_equal(fx_recv(f, 1100, &m, &n), OCPP_PENDING);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A);
    assert_int_equal(pl[0], 'A');
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A);
    assert_int_equal(pl[0], 'B');
    assert_false(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(fx_recv(f, 1101, &m, &n), OCPP_PENDING);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x89); /* the keep-alive ping, after them */
    assert_false(next_sent(&f->net, &b0, pl, sizeof pl, &n));

    /* a server close while our pong is half sent: the pong is finished first */
    f->net.send_budget = 2;
    push_frame(&f->net, 0x89, "C", 1);
    push_frame(&f->net, 0x88, "\x03\xe8", 2);
    assert_int_equal(fx_recv(f, 1200, &m, &n), OCPP_PENDING);
    f->net.send_budget = SIZE_MAX;
    assert_int_equal(fx_recv(f, 1300, &m, &n), OCPP_ERR_CLOSED);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x8A);
    expect_close_sent(&f->net, 1000);
    fx_free(f);

    /* close() while the close echo is still going out: finish what fits, release */
    f = fx_new(1024);
    fx_open(f);
    f->net.send_budget = 3;
    push_frame(&f->net, 0x88, "\x03\xe8", 2);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSING);
    f->net.send_budget = SIZE_MAX;
    ocpp_ws_close(&f->ws);
    expect_close_sent(&f->net, 1000);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    assert_int_equal(f->net.closes, 1);
    fx_free(f);
}

/* RFC 6455 §5.5.2/§5.5.3 keep-alive (OCPP-J 1.6 §5.3, §7 WebSocketPingInterval):
 * a ping every interval of now_ms; no pong by the next one -> OCPP_ERR_TIMEOUT.
 * Wrap-safe across 2^32 ms. */
static void test_ping_timer_and_timeout(void **state)
{
    (void)state;
    const uint32_t t0 = 0xFFFFF000u; /* wraps during the test */
    fx_t *f = fx_new_cfg(1024, 10, 0);
    fx_open(f);
    const char *m;
    size_t n;
    uint8_t b0, pl[8];
    assert_int_equal(fx_recv(f, t0, &m, &n), OCPP_PENDING);
    assert_int_equal(fx_recv(f, t0 + 9999u, &m, &n), OCPP_PENDING);
    assert_false(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(fx_recv(f, t0 + 10000u, &m, &n), OCPP_PENDING);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x89);
    push_frame(&f->net, 0x8A, NULL, 0);
    assert_int_equal(fx_recv(f, t0 + 15000u, &m, &n), OCPP_PENDING);
    assert_int_equal(fx_recv(f, t0 + 20000u, &m, &n), OCPP_PENDING);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x89);
    assert_int_equal(fx_recv(f, t0 + 29999u, &m, &n), OCPP_PENDING);
    assert_int_equal(fx_recv(f, t0 + 30000u, &m, &n), OCPP_ERR_TIMEOUT);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    assert_int_equal(f->net.closes, 1);
    fx_free(f);

    /* interval 0: no pings; changing the interval restarts the timer */
    f = fx_new(1024);
    fx_open(f);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    assert_int_equal(fx_recv(f, 1000000u, &m, &n), OCPP_PENDING);
    assert_false(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    ocpp_ws_set_ping_interval(&f->ws, 1);
    assert_int_equal(fx_recv(f, 2000000u, &m, &n), OCPP_PENDING);
    assert_false(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(fx_recv(f, 2001000u, &m, &n), OCPP_PENDING);
    assert_true(next_sent(&f->net, &b0, pl, sizeof pl, &n));
    assert_int_equal(b0, 0x89);
    fx_free(f);
}

/* RFC 6455 §7.1.2: close() sends a close frame (1000) without blocking and
 * releases the stream; the same ocpp_ws_t opens again. */
static void test_client_close_and_reopen(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    fx_open(f);
    push_frame(&f->net, 0x01, "half", 4); /* a half message is forgotten */
    const char *m;
    size_t n;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_PENDING);
    ocpp_ws_close(&f->ws);
    expect_close_sent(&f->net, 1000);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    assert_int_equal(f->net.closes, 1);
    ocpp_ws_close(&f->ws); /* idempotent */
    assert_int_equal(f->net.closes, 1);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);

    f->net.out_len = f->net.out_rd = 0;
    fx_open(f);
    push_text(&f->net, "again");
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_OK);
    assert_memory_equal(m, "again", 5);

    /* close while a data frame is mid-send: no close frame inside it */
    char buf[OCPP_MSG_HEADROOM + 40];
    f->net.send_budget = 10;
    assert_int_equal(ocpp_ws_send(&f->ws, buf + OCPP_MSG_HEADROOM, 40), OCPP_PENDING);
    ocpp_ws_close(&f->ws);
    assert_int_equal(f->net.out_len - f->net.out_rd, 10);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    assert_int_equal(ocpp_ws_send(&f->ws, buf + OCPP_MSG_HEADROOM, 40), OCPP_ERR_CLOSED);
    fx_free(f);
}

/* The peer drops TCP without a close frame: OCPP_ERR_CLOSED; also calls in the wrong state. */
static void test_peer_drops_tcp(void **state)
{
    (void)state;
    fx_t *f = fx_new(1024);
    const char *m;
    size_t n;
    char buf[OCPP_MSG_HEADROOM + 4];
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);
    assert_int_equal(ocpp_ws_send(&f->ws, buf + OCPP_MSG_HEADROOM, 4), OCPP_ERR_CLOSED);
    f->net.connect_pending = 1;
    assert_int_equal(ocpp_ws_open(&f->ws, &OPEN_PARAMS), OCPP_PENDING);
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_STATE);
    assert_int_equal(ocpp_ws_send(&f->ws, buf + OCPP_MSG_HEADROOM, 4), OCPP_ERR_STATE);
    fx_open(f);
    push_frame(&f->net, 0x01, "pa", 2);
    f->net.recv_err = OCPP_ERR_CLOSED;
    assert_int_equal(fx_recv(f, 0, &m, &n), OCPP_ERR_CLOSED);
    assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
    assert_int_equal(f->net.closes, 1);
    assert_int_equal(ocpp_ws_recv(&f->ws, 0, NULL, &n), OCPP_ERR_PARAM);
    fx_free(f);
}

/* Robustness: random bytes (and random frames) after the handshake never
 * crash, never return a message outside rx_buf, and every status is one the
 * message-port contract allows (ocpp_port.h). Fixed seed. */
static void test_random_bytes_never_crash(void **state)
{
    (void)state;
    uint32_t seed = 0xC0FFEEu;
    for (int it = 0; it < 3000; it++) {
        fx_t *f = fx_new(512 + xorshift(&seed) % 600);
        fx_open(f);
        f->net.chunk = xorshift(&seed) % 5;
        size_t n = xorshift(&seed) % 2000;
        for (size_t i = 0; i < n; i++) {
            uint32_t r = xorshift(&seed);
            uint8_t b = (uint8_t)r;
            if (it % 2 == 1 && (r >> 8) % 16 == 0) {
                /* a plausible header now and then to get past the first checks */
                static const uint8_t hdrs[] = {0x81, 0x01, 0x00, 0x80, 0x89, 0x8A, 0x88};
                b = hdrs[(r >> 12) % sizeof hdrs];
            }
            push(&f->net, &b, 1);
        }
        f->net.recv_err = (it % 3 == 0) ? OCPP_ERR_CLOSED : 0;
        const char *m;
        size_t len;
        for (int k = 0; k < 4000; k++) {
            ocpp_status_t st = fx_recv(f, (uint32_t)k * 997u, &m, &len);
            if (st == OCPP_OK || st == OCPP_ERR_TOO_LARGE) {
                assert_ptr_equal(m, f->rx);
                assert_true(len <= f->ws.cfg.rx_cap);
                continue;
            }
            assert_true(st == OCPP_PENDING || st == OCPP_ERR_PROTOCOL || st == OCPP_ERR_CLOSED);
            if (st != OCPP_PENDING || f->net.in_pos == f->net.in_len) {
                break;
            }
        }
        ocpp_ws_close(&f->ws);
        assert_int_equal(ocpp_ws_state(&f->ws), OCPP_WS_CLOSED);
        fx_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1_rfc3174_vectors),
        cmocka_unit_test(test_sha1_split_updates),
        cmocka_unit_test(test_base64_rfc4648_vectors),
        cmocka_unit_test(test_accept_rfc6455_example),
        cmocka_unit_test(test_utf8_validator),
        cmocka_unit_test(test_init_rejects_bad_config),
        cmocka_unit_test(test_handshake_ok),
        cmocka_unit_test(test_handshake_key_fresh),
        cmocka_unit_test(test_handshake_host_header),
        cmocka_unit_test(test_handshake_default_path),
        cmocka_unit_test(test_handshake_split_every_byte),
        cmocka_unit_test(test_handshake_wrong_accept),
        cmocka_unit_test(test_handshake_subprotocol),
        cmocka_unit_test(test_handshake_header_checks),
        cmocka_unit_test(test_handshake_response_too_large),
        cmocka_unit_test(test_handshake_net_errors),
        cmocka_unit_test(test_handshake_basic_auth),
        cmocka_unit_test(test_handshake_bad_params),
        cmocka_unit_test(test_handshake_request_too_large),
        cmocka_unit_test(test_handshake_request_fits_exactly),
        cmocka_unit_test(test_handshake_params_edges),
        cmocka_unit_test(test_handshake_header_edges),
        cmocka_unit_test(test_bytes_after_handshake_kept),
        cmocka_unit_test(test_recv_frame_lengths),
        cmocka_unit_test(test_recv_non_minimal_length),
        cmocka_unit_test(test_send_frame_lengths),
        cmocka_unit_test(test_masked_server_frame_refused),
        cmocka_unit_test(test_bad_frames_refused),
        cmocka_unit_test(test_binary_refused),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_fragmented_with_ping),
        cmocka_unit_test(test_64bit_lengths),
        cmocka_unit_test(test_close_reason_edges),
        cmocka_unit_test(test_ping_payload_echoed),
        cmocka_unit_test(test_close_mid_fragment),
        cmocka_unit_test(test_server_close_echoed),
        cmocka_unit_test(test_server_close_partial_echo),
        cmocka_unit_test(test_too_large_then_normal),
        cmocka_unit_test(test_message_exactly_rx_cap),
        cmocka_unit_test(test_1mib_against_4kib),
        cmocka_unit_test(test_hard_cap_1009),
        cmocka_unit_test(test_partial_sends),
        cmocka_unit_test(test_pong_not_interleaved),
        cmocka_unit_test(test_send_in_pieces),
        cmocka_unit_test(test_long_pong_dropped),
        cmocka_unit_test(test_control_backpressure),
        cmocka_unit_test(test_ping_timer_and_timeout),
        cmocka_unit_test(test_client_close_and_reopen),
        cmocka_unit_test(test_peer_drops_tcp),
        cmocka_unit_test(test_random_bytes_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
