/**
 * @file test_posix_net.c
 * @brief The POSIX network port against the ocpp_net_port_t contract, over
 *        loopback: plain TCP (IPv4, IPv6 when available) and TLS with a tiny
 *        mbedTLS server in the same process, driven by the same poll loop.
 *        The certificates are generated at test time with the mbedTLS API.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include "ocpp/ocpp_posix.h"

/** Upper bound of loop iterations; each waits on poll() for an event. */
#define MAX_ITER 400
/** poll() timeout per iteration: only reached if something is broken. */
#define POLL_MS 2000

/* ------------------------------------------------------------------------ */
/* Fixture: temp dir, PKI, client                                            */
/* ------------------------------------------------------------------------ */

typedef struct {
    char pem[4096];
} pem_t;

typedef struct {
    char root[64];
    char ca_file[128];
    char other_ca_file[128];
    char garbage_file[128];
    char client_crt_file[128];
    char client_key_file[128];
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_pk_context ca_key;
    mbedtls_pk_context other_ca_key;
    mbedtls_pk_context server_key;
    mbedtls_pk_context client_key;
    pem_t ca_crt;
    pem_t other_ca_crt;
    pem_t server_crt;     /* CN/SAN localhost, signed by ca */
    pem_t wrong_host_crt; /* CN/SAN wrong.example, signed by ca */
    pem_t client_crt;     /* CN CP-1, signed by ca */
    char log[2048];       /* everything the port logged */
} pki_t;

static void test_log(void *ctx, ocpp_log_level_t level, const char *fmt, va_list ap)
{
    pki_t *p = ctx;
    size_t used = strlen(p->log);
    if (used + 2u >= sizeof p->log) {
        return;
    }
    (void)level;
    (void)vsnprintf(p->log + used, sizeof p->log - used - 1u, fmt, ap);
    used = strlen(p->log);
    p->log[used] = '\n';
    p->log[used + 1u] = '\0';
}

static void gen_key(mbedtls_pk_context *k, mbedtls_ctr_drbg_context *drbg)
{
    mbedtls_pk_init(k);
    assert_int_equal(mbedtls_pk_setup(k, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
    assert_int_equal(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*k),
                                         mbedtls_ctr_drbg_random, drbg),
                     0);
}

typedef struct {
    mbedtls_pk_context *subject_key;
    mbedtls_pk_context *issuer_key;
    const char *subject;
    const char *issuer;
    const char *dns_name; /* subjectAltName dNSName, or NULL */
    bool is_ca;
    int serial;
} cert_spec_t;

/** subjectAltName ::= SEQUENCE { [2] IA5String dns } (short names only). */
static size_t san_der(unsigned char *der, const char *dns)
{
    size_t len = strlen(dns);
    der[0] = 0x30;
    der[1] = (unsigned char)(len + 2u);
    der[2] = 0x82;
    der[3] = (unsigned char)len;
    memcpy(der + 4, dns, len);
    return len + 4u;
}

static void gen_cert(pem_t *out, const cert_spec_t *s, mbedtls_ctr_drbg_context *drbg)
{
    mbedtls_x509write_cert crt;
    mbedtls_mpi serial;
    mbedtls_x509write_crt_init(&crt);
    mbedtls_mpi_init(&serial);
    assert_int_equal(mbedtls_mpi_lset(&serial, s->serial), 0);
    mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&crt, s->subject_key);
    mbedtls_x509write_crt_set_issuer_key(&crt, s->issuer_key);
    assert_int_equal(mbedtls_x509write_crt_set_subject_name(&crt, s->subject), 0);
    assert_int_equal(mbedtls_x509write_crt_set_issuer_name(&crt, s->issuer), 0);
    assert_int_equal(mbedtls_x509write_crt_set_serial(&crt, &serial), 0);
    assert_int_equal(mbedtls_x509write_crt_set_validity(&crt, "20200101000000", "20491231235959"),
                     0);
    assert_int_equal(mbedtls_x509write_crt_set_basic_constraints(&crt, s->is_ca ? 1 : 0, -1), 0);
    unsigned int usage = s->is_ca ? (MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN)
                                  : MBEDTLS_X509_KU_DIGITAL_SIGNATURE;
    assert_int_equal(mbedtls_x509write_crt_set_key_usage(&crt, usage), 0);
    if (s->dns_name != NULL) {
        unsigned char der[80];
        size_t len = san_der(der, s->dns_name);
        assert_int_equal(mbedtls_x509write_crt_set_extension(
                             &crt, MBEDTLS_OID_SUBJECT_ALT_NAME,
                             MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, der, len),
                         0);
    }
    assert_int_equal(mbedtls_x509write_crt_pem(&crt, (unsigned char *)out->pem, sizeof out->pem,
                                               mbedtls_ctr_drbg_random, drbg),
                     0);
    mbedtls_x509write_crt_free(&crt);
    mbedtls_mpi_free(&serial);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

static void make_pki(pki_t *p)
{
    mbedtls_entropy_init(&p->entropy);
    mbedtls_ctr_drbg_init(&p->drbg);
    static const unsigned char pers[] = "test_posix_net";
    assert_int_equal(
        mbedtls_ctr_drbg_seed(&p->drbg, mbedtls_entropy_func, &p->entropy, pers, sizeof pers - 1u),
        0);
    gen_key(&p->ca_key, &p->drbg);
    gen_key(&p->other_ca_key, &p->drbg);
    gen_key(&p->server_key, &p->drbg);
    gen_key(&p->client_key, &p->drbg);
    const char *ca = "CN=ocpp-c test CA,O=ocpp-c";
    const char *other = "CN=ocpp-c other CA,O=ocpp-c";
    cert_spec_t s = {&p->ca_key, &p->ca_key, ca, ca, NULL, true, 1};
    gen_cert(&p->ca_crt, &s, &p->drbg);
    s = (cert_spec_t){&p->other_ca_key, &p->other_ca_key, other, other, NULL, true, 2};
    gen_cert(&p->other_ca_crt, &s, &p->drbg);
    s = (cert_spec_t){&p->server_key, &p->ca_key, "CN=localhost,O=ocpp-c", ca, "localhost",
                      false,          3};
    gen_cert(&p->server_crt, &s, &p->drbg);
    s = (cert_spec_t){&p->server_key, &p->ca_key, "CN=wrong.example,O=ocpp-c", ca, "wrong.example",
                      false,          4};
    gen_cert(&p->wrong_host_crt, &s, &p->drbg);
    s = (cert_spec_t){&p->client_key, &p->ca_key, "CN=CP-1,O=ocpp-c", ca, NULL, false, 5};
    gen_cert(&p->client_crt, &s, &p->drbg);

    (void)snprintf(p->ca_file, sizeof p->ca_file, "%s/ca.pem", p->root);
    (void)snprintf(p->other_ca_file, sizeof p->other_ca_file, "%s/other_ca.pem", p->root);
    (void)snprintf(p->garbage_file, sizeof p->garbage_file, "%s/garbage.pem", p->root);
    (void)snprintf(p->client_crt_file, sizeof p->client_crt_file, "%s/cp.pem", p->root);
    (void)snprintf(p->client_key_file, sizeof p->client_key_file, "%s/cp.key", p->root);
    write_file(p->ca_file, p->ca_crt.pem);
    write_file(p->other_ca_file, p->other_ca_crt.pem);
    write_file(p->garbage_file, "-----BEGIN CERTIFICATE-----\nnot base64 !!\n"
                                "-----END CERTIFICATE-----\n");
    write_file(p->client_crt_file, p->client_crt.pem);
    char key_pem[1024];
    assert_int_equal(
        mbedtls_pk_write_key_pem(&p->client_key, (unsigned char *)key_pem, sizeof key_pem), 0);
    write_file(p->client_key_file, key_pem);
}

static int group_setup(void **state)
{
    pki_t *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return -1;
    }
    strcpy(p->root, "/tmp/ocpp_posix_net_XXXXXX");
    if (mkdtemp(p->root) == NULL) {
        free(p);
        return -1;
    }
    make_pki(p);
    *state = p; /* cmocka hands the group state to every test */
    return 0;
}

static int group_teardown(void **state)
{
    pki_t *p = *state;
    (void)unlink(p->ca_file);
    (void)unlink(p->other_ca_file);
    (void)unlink(p->garbage_file);
    (void)unlink(p->client_crt_file);
    (void)unlink(p->client_key_file);
    (void)rmdir(p->root);
    mbedtls_pk_free(&p->ca_key);
    mbedtls_pk_free(&p->other_ca_key);
    mbedtls_pk_free(&p->server_key);
    mbedtls_pk_free(&p->client_key);
    mbedtls_ctr_drbg_free(&p->drbg);
    mbedtls_entropy_free(&p->entropy);
    free(p);
    return 0;
}

/** Per-test: a client context (heap, as it is big) with the PKI's log. */
typedef struct {
    ocpp_posix_net_t net;
    ocpp_net_port_t port;
} client_t;

static client_t *client_new(pki_t *P, const char *ca_file)
{
    client_t *c = calloc(1, sizeof *c);
    assert_non_null(c);
    P->log[0] = '\0';
    ocpp_posix_net_config_t cfg = {ca_file, NULL, NULL, NULL, test_log, P, NULL};
    assert_int_equal(ocpp_posix_net_init(&c->net, &cfg), OCPP_OK);
    ocpp_posix_net_port(&c->net, &c->port);
    return c;
}

static void client_free(client_t *c)
{
    ocpp_posix_net_free(&c->net);
    free(c);
}

/* ------------------------------------------------------------------------ */
/* Loopback listener and poll helpers                                        */
/* ------------------------------------------------------------------------ */

static void set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL, 0);
    assert_true(flags >= 0);
    assert_int_equal(fcntl(fd, F_SETFL, flags | O_NONBLOCK), 0);
}

/** Listen on 127.0.0.1 or ::1, port 0. @return fd, or -1 if unavailable. */
static int listener_open(int family, uint16_t *port)
{
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                    : ((struct sockaddr_in6 *)&ss)->sin6_port);
    set_nonblock(fd);
    return fd;
}

/** Wait until one of up to three fds has one of its events (or timeout). */
static void wait_any(int fd1, short ev1, int fd2, short ev2, int fd3, short ev3)
{
    struct pollfd p[3] = {{fd1, ev1, 0}, {fd2, ev2, 0}, {fd3, ev3, 0}};
    (void)poll(p, 3, POLL_MS);
}

/** Accept one connection, waiting on the listener. */
static int accept_wait(int lfd)
{
    for (int i = 0; i < MAX_ITER; i++) {
        int fd = accept(lfd, NULL, NULL);
        if (fd >= 0) {
            set_nonblock(fd);
            return fd;
        }
        assert_true(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
        wait_any(lfd, POLLIN, -1, 0, -1, 0);
    }
    fail_msg("no connection to accept");
    return -1;
}

/** Drive a plain connect() to its end. */
static ocpp_status_t connect_plain(client_t *c, const ocpp_endpoint_t *ep)
{
    ocpp_status_t st = OCPP_PENDING;
    for (int i = 0; i < MAX_ITER && st == OCPP_PENDING; i++) {
        st = c->port.connect(c->port.ctx, ep);
        if (st == OCPP_PENDING) {
            assert_true(ocpp_posix_net_fd(&c->net) >= 0);
            wait_any(ocpp_posix_net_fd(&c->net), ocpp_posix_net_events(&c->net), -1, 0, -1, 0);
        }
    }
    return st;
}

/** Read exactly `len` bytes through the port, `chunk` at most per recv(). */
static void client_recv_all(client_t *c, uint8_t *buf, size_t len, size_t chunk)
{
    size_t got = 0;
    for (int i = 0; i < MAX_ITER * 16 && got < len; i++) {
        size_t want = len - got < chunk ? len - got : chunk;
        int32_t n = c->port.recv(c->port.ctx, buf + got, want);
        assert_true(n >= 0);
        assert_true((size_t)n <= want);
        got += (size_t)n;
        if (n == 0 && !ocpp_posix_net_pending(&c->net)) {
            wait_any(ocpp_posix_net_fd(&c->net), POLLIN, -1, 0, -1, 0);
        }
    }
    assert_int_equal(got, len);
}

/** recv() until it reports something other than 0; returns that. */
static int32_t client_recv_until_event(client_t *c, uint8_t *buf, size_t cap)
{
    int32_t n = 0;
    for (int i = 0; i < MAX_ITER && n == 0; i++) {
        n = c->port.recv(c->port.ctx, buf, cap);
        if (n == 0) {
            wait_any(ocpp_posix_net_fd(&c->net), POLLIN, -1, 0, -1, 0);
        }
    }
    return n;
}

/** Plain-socket send of all bytes from the test server side. */
static void raw_send_all(int fd, const void *data, size_t len)
{
    size_t done = 0;
    for (int i = 0; i < MAX_ITER && done < len; i++) {
        ssize_t w = send(fd, (const uint8_t *)data + done, len - done, MSG_NOSIGNAL);
        if (w > 0) {
            done += (size_t)w;
        } else {
            wait_any(fd, POLLOUT, -1, 0, -1, 0);
        }
    }
    assert_int_equal(done, len);
}

static void raw_recv_all(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;
    for (int i = 0; i < MAX_ITER && got < len; i++) {
        ssize_t r = recv(fd, buf + got, len - got, 0);
        if (r > 0) {
            got += (size_t)r;
        } else {
            assert_true(r < 0);
            wait_any(fd, POLLIN, -1, 0, -1, 0);
        }
    }
    assert_int_equal(got, len);
}

/** A free port: bind to port 0 and close again (nobody listens there). */
static uint16_t closed_port(void)
{
    uint16_t port = 0;
    int fd = listener_open(AF_INET, &port);
    assert_true(fd >= 0);
    close(fd);
    return port;
}

/* ------------------------------------------------------------------------ */
/* Plain TCP                                                                 */
/* ------------------------------------------------------------------------ */

/** Connect, exchange, partial reads, orderly close: the whole contract. */
static void tcp_roundtrip(pki_t *P, int family, const char *host)
{
    uint16_t port = 0;
    int lfd = listener_open(family, &port);
    if (lfd < 0) {
        skip(); /* no IPv6 loopback here */
    }
    client_t *c = client_new(P, NULL);
    ocpp_endpoint_t ep = {host, port, false};
    /* ocpp_port.h: connect() "Called repeatedly with the same ep until it
       returns something other than OCPP_PENDING". */
    assert_int_equal(connect_plain(c, &ep), OCPP_OK);
    assert_int_equal(c->port.connect(c->port.ctx, &ep), OCPP_OK); /* stays OK */
    int sfd = accept_wait(lfd);

    /* send(): "number of bytes accepted (1..len)". */
    const char msg[] = "hello, server";
    int32_t n = c->port.send(c->port.ctx, (const uint8_t *)msg, sizeof msg);
    assert_int_equal(n, (int32_t)sizeof msg);
    uint8_t got[256];
    raw_recv_all(sfd, got, sizeof msg);
    assert_memory_equal(got, msg, sizeof msg);

    /* recv(): "0 if none are available now". */
    assert_int_equal(c->port.recv(c->port.ctx, got, sizeof got), 0);
    assert_int_equal(c->port.recv(c->port.ctx, got, 0), 0);
    assert_int_equal(c->port.send(c->port.ctx, got, 0), 0);

    /* Partial reads: 200 bytes through a 7-byte window. */
    uint8_t data[200];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 7u + 1u);
    }
    raw_send_all(sfd, data, sizeof data);
    client_recv_all(c, got, sizeof data, 7);
    assert_memory_equal(got, data, sizeof data);

    /* recv(): "OCPP_ERR_CLOSED when the peer closed the stream". */
    close(sfd);
    assert_int_equal(client_recv_until_event(c, got, sizeof got), OCPP_ERR_CLOSED);

    /* Sending into a closed connection fails without SIGPIPE killing us. */
    int32_t s = 0;
    for (int i = 0; i < MAX_ITER && s >= 0; i++) {
        s = c->port.send(c->port.ctx, data, sizeof data);
        if (s >= 0) {
            wait_any(ocpp_posix_net_fd(&c->net), POLLIN, -1, 0, -1, 0);
        }
    }
    assert_true(s == OCPP_ERR_CLOSED || s == OCPP_ERR_IO);

    /* close(): "Idempotent." */
    c->port.close(c->port.ctx);
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    c->port.close(c->port.ctx);
    assert_int_equal(c->port.send(c->port.ctx, data, 1), OCPP_ERR_CLOSED);
    assert_int_equal(c->port.recv(c->port.ctx, got, 1), OCPP_ERR_CLOSED);
    client_free(c);
    close(lfd);
}

static void test_tcp_ipv4_roundtrip(void **state)
{
    pki_t *P = *state;
    tcp_roundtrip(P, AF_INET, "127.0.0.1");
}

static void test_tcp_ipv6_roundtrip(void **state)
{
    pki_t *P = *state;
    tcp_roundtrip(P, AF_INET6, "::1");
}

static void test_tcp_localhost_name(void **state)
{
    pki_t *P = *state;
    uint16_t port = 0;
    int lfd = listener_open(AF_INET, &port);
    assert_true(lfd >= 0);
    client_t *c = client_new(P, NULL);
    ocpp_endpoint_t ep = {"localhost", port, false};
    /* "localhost" may also resolve to ::1, where nobody listens: the port
       must then go on to the next address. */
    assert_int_equal(connect_plain(c, &ep), OCPP_OK);
    int sfd = accept_wait(lfd);
    close(sfd);
    client_free(c);
    close(lfd);
}

static void test_tcp_reconnect_after_close(void **state)
{
    pki_t *P = *state;
    uint16_t port = 0;
    int lfd = listener_open(AF_INET, &port);
    assert_true(lfd >= 0);
    client_t *c = client_new(P, NULL);
    ocpp_endpoint_t ep = {"127.0.0.1", port, false};
    for (int round = 0; round < 3; round++) {
        assert_int_equal(connect_plain(c, &ep), OCPP_OK);
        int sfd = accept_wait(lfd);
        assert_int_equal(c->port.send(c->port.ctx, (const uint8_t *)"x", 1), 1);
        uint8_t b;
        raw_recv_all(sfd, &b, 1);
        c->port.close(c->port.ctx);
        close(sfd);
    }
    client_free(c);
    close(lfd);
}

static void test_tcp_send_until_would_block(void **state)
{
    pki_t *P = *state;
    uint16_t port = 0;
    int lfd = listener_open(AF_INET, &port);
    assert_true(lfd >= 0);
    client_t *c = client_new(P, NULL);
    ocpp_endpoint_t ep = {"127.0.0.1", port, false};
    assert_int_equal(connect_plain(c, &ep), OCPP_OK);
    int sfd = accept_wait(lfd);
    /* The server does not read: send() must eventually return 0 ("none can
       be accepted now") instead of blocking. */
    static uint8_t chunk[65536];
    size_t sent = 0;
    int32_t n = 1;
    for (int i = 0; i < 4096 && n > 0; i++) {
        n = c->port.send(c->port.ctx, chunk, sizeof chunk);
        assert_true(n >= 0);
        sent += (size_t)n;
    }
    assert_int_equal(n, 0);
    assert_true(sent > 0u);
    /* Drain on the server: everything arrives. */
    static uint8_t sink[65536];
    size_t got = 0;
    for (int i = 0; i < MAX_ITER * 16 && got < sent; i++) {
        ssize_t r = recv(sfd, sink, sizeof sink, 0);
        if (r > 0) {
            got += (size_t)r;
        } else {
            wait_any(sfd, POLLIN, -1, 0, -1, 0);
        }
    }
    assert_int_equal(got, sent);
    close(sfd);
    client_free(c);
    close(lfd);
}

static void test_tcp_connect_refused(void **state)
{
    pki_t *P = *state;
    client_t *c = client_new(P, NULL);
    ocpp_endpoint_t ep = {"127.0.0.1", closed_port(), false};
    /* ocpp_port.h: "OCPP_ERR_IO ... on failure, after which the port has
       released the connection". */
    assert_int_equal(connect_plain(c, &ep), OCPP_ERR_IO);
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    assert_int_equal(ocpp_posix_net_last_error(&c->net), ECONNREFUSED);
    assert_non_null(strstr(P->log, "127.0.0.1"));
    assert_int_equal(c->port.send(c->port.ctx, (const uint8_t *)"x", 1), OCPP_ERR_CLOSED);
    client_free(c);
}

/** A client whose connections go out from source address `bind_addr`. */
static client_t *client_bound(pki_t *P, const char *bind_addr)
{
    client_t *c = calloc(1, sizeof *c);
    assert_non_null(c);
    P->log[0] = '\0';
    ocpp_posix_net_config_t cfg = {.log = test_log, .log_ctx = P, .bind_addr = bind_addr};
    assert_int_equal(ocpp_posix_net_init(&c->net, &cfg), OCPP_OK);
    ocpp_posix_net_port(&c->net, &c->port);
    return c;
}

/** The address the server sees for the connection accepted as `sfd`. */
static void peer_text(int sfd, char *out, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    assert_int_equal(getpeername(sfd, (struct sockaddr *)&ss, &len), 0);
    const void *a = ss.ss_family == AF_INET
                        ? (const void *)&((struct sockaddr_in *)&ss)->sin_addr
                        : (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
    assert_non_null(inet_ntop(ss.ss_family, a, out, (socklen_t)cap));
}

/* bind_addr (ocpp_posix.h): "Local source address every connection's socket
   is bound to before connect()". On Linux all of 127.0.0.0/8 is the loopback
   interface's, so 127.0.0.2 and 127.0.0.3 are local addresses. */
static void test_tcp_bind_source(void **state)
{
    pki_t *P = *state;
    uint16_t port = 0;
    int lfd = listener_open(AF_INET, &port);
    assert_true(lfd >= 0);
    const char *const sources[] = {"127.0.0.2", "127.0.0.3"};
    for (size_t k = 0; k < 2u; k++) {
        client_t *c = client_bound(P, sources[k]);
        ocpp_endpoint_t ep = {"127.0.0.1", port, false};
        for (int round = 0; round < 2; round++) { /* and again after a close */
            assert_int_equal(connect_plain(c, &ep), OCPP_OK);
            int sfd = accept_wait(lfd);
            char peer[INET6_ADDRSTRLEN];
            peer_text(sfd, peer, sizeof peer);
            assert_string_equal(peer, sources[k]);
            assert_int_equal(c->port.send(c->port.ctx, (const uint8_t *)"x", 1), 1);
            uint8_t b;
            raw_recv_all(sfd, &b, 1);
            c->port.close(c->port.ctx);
            close(sfd);
        }
        client_free(c);
    }
    close(lfd);
}

/* "a bind() that fails (EADDRNOTAVAIL: not an address of this host) fails
   that address like a refused connect ... connect() ends with OCPP_ERR_IO";
   "A server address of the other family is skipped"; "anything but a
   numeric address is OCPP_ERR_PARAM". */
static void test_tcp_bind_bad_source(void **state)
{
    pki_t *P = *state;
    uint16_t port = 0;
    int lfd = listener_open(AF_INET, &port);
    assert_true(lfd >= 0);
    ocpp_endpoint_t ep = {"127.0.0.1", port, false};
    /* RFC 5737 TEST-NET-1: no address of this host */
    client_t *c = client_bound(P, "192.0.2.1");
    assert_int_equal(connect_plain(c, &ep), OCPP_ERR_IO);
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    assert_int_equal(ocpp_posix_net_last_error(&c->net), EADDRNOTAVAIL);
    assert_non_null(strstr(P->log, "cannot bind to source address 192.0.2.1"));
    assert_non_null(strstr(P->log, "cannot connect to 127.0.0.1"));
    client_free(c);
    /* an IPv6 source cannot reach an IPv4 server */
    c = client_bound(P, "::1");
    assert_int_equal(connect_plain(c, &ep), OCPP_ERR_IO);
    assert_int_equal(ocpp_posix_net_last_error(&c->net), EAFNOSUPPORT);
    assert_non_null(strstr(P->log, "source address ::1 is IPv6"));
    client_free(c);
    /* not numeric: refused by init */
    const char *const bad[] = {"localhost", "127.0.0.256", "", "127.0.0.2:80", " 127.0.0.2"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ocpp_posix_net_t n;
        P->log[0] = '\0';
        ocpp_posix_net_config_t cfg = {.log = test_log, .log_ctx = P, .bind_addr = bad[k]};
        assert_int_equal(ocpp_posix_net_init(&n, &cfg), OCPP_ERR_PARAM);
        assert_non_null(strstr(P->log, "no numeric IPv4 or IPv6 address"));
        ocpp_posix_net_free(&n);
    }
    close(lfd);
}

static void test_dns_failure(void **state)
{
    pki_t *P = *state;
    client_t *c = client_new(P, NULL);
    /* RFC 6761 §6.4: ".invalid" names never resolve. */
    ocpp_endpoint_t ep = {"nonexistent.invalid", 80, false};
    assert_int_equal(c->port.connect(c->port.ctx, &ep), OCPP_ERR_DNS);
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    assert_non_null(strstr(P->log, "nonexistent.invalid"));
    /* A malformed literal is a name that does not resolve either. */
    ocpp_endpoint_t bad = {"300.1.1.1.", 80, false};
    assert_int_equal(c->port.connect(c->port.ctx, &bad), OCPP_ERR_DNS);
    client_free(c);
}

static void test_bad_params(void **state)
{
    pki_t *P = *state;
    client_t *c = client_new(P, NULL);
    ocpp_endpoint_t ep = {"127.0.0.1", 80, false};
    assert_int_equal(c->port.connect(c->port.ctx, NULL), OCPP_ERR_PARAM);
    assert_int_equal(c->port.connect(NULL, &ep), OCPP_ERR_PARAM);
    ep.host = NULL;
    assert_int_equal(c->port.connect(c->port.ctx, &ep), OCPP_ERR_PARAM);
    ep.host = "";
    assert_int_equal(c->port.connect(c->port.ctx, &ep), OCPP_ERR_PARAM);
    ep.host = "127.0.0.1";
    ep.port = 0;
    assert_int_equal(c->port.connect(c->port.ctx, &ep), OCPP_ERR_PARAM);
    uint8_t b[4];
    assert_int_equal(c->port.send(c->port.ctx, NULL, 1), OCPP_ERR_PARAM);
    assert_int_equal(c->port.recv(c->port.ctx, NULL, 1), OCPP_ERR_PARAM);
    assert_int_equal(c->port.send(NULL, b, 1), OCPP_ERR_PARAM);
    assert_int_equal(c->port.recv(NULL, b, 1), OCPP_ERR_PARAM);
    /* Not connected. */
    assert_int_equal(c->port.send(c->port.ctx, b, 1), OCPP_ERR_CLOSED);
    assert_int_equal(c->port.recv(c->port.ctx, b, sizeof b), OCPP_ERR_CLOSED);
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    assert_int_equal(ocpp_posix_net_events(&c->net), 0);
    assert_false(ocpp_posix_net_pending(&c->net));
    c->port.close(NULL); /* harmless */
    assert_int_equal(ocpp_posix_net_init(NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_posix_net_fd(NULL), -1);
    assert_int_equal(ocpp_posix_net_verify_flags(NULL), 0);
    assert_int_equal(ocpp_posix_net_last_error(NULL), 0);
    ocpp_posix_net_free(NULL);
    ocpp_posix_net_port(&c->net, NULL);
    client_free(c);
}

/* ------------------------------------------------------------------------ */
/* A tiny mbedTLS server                                                     */
/* ------------------------------------------------------------------------ */

typedef struct {
    int lfd;
    int fd;
    bool setup_done;
    bool done; /* handshake finished */
    int error; /* handshake error, 0 if none */
    mbedtls_x509_crt chain;
    mbedtls_x509_crt ca; /* to verify clients */
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
} server_t;

static int srv_send(void *ctx, const unsigned char *buf, size_t len)
{
    const server_t *s = ctx;
    ssize_t w = send(s->fd, buf, len, MSG_NOSIGNAL);
    if (w < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? MBEDTLS_ERR_SSL_WANT_WRITE
                                                         : MBEDTLS_ERR_NET_SEND_FAILED;
    }
    return (int)w;
}

static int srv_recv(void *ctx, unsigned char *buf, size_t len)
{
    const server_t *s = ctx;
    ssize_t r = recv(s->fd, buf, len, 0);
    if (r < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? MBEDTLS_ERR_SSL_WANT_READ
                                                         : MBEDTLS_ERR_NET_RECV_FAILED;
    }
    return (int)r;
}

typedef struct {
    const pem_t *crt;
    bool require_client_cert;
    int max_minor; /* 0: default; MBEDTLS_SSL_MINOR_VERSION_2 for TLS 1.1 only */
} server_opts_t;

static server_t *server_new(pki_t *P, const server_opts_t *o)
{
    server_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->fd = -1;
    uint16_t port = 0;
    s->lfd = listener_open(AF_INET, &port);
    assert_true(s->lfd >= 0);
    mbedtls_x509_crt_init(&s->chain);
    mbedtls_x509_crt_init(&s->ca);
    mbedtls_ssl_config_init(&s->conf);
    mbedtls_ssl_init(&s->ssl);
    assert_int_equal(mbedtls_x509_crt_parse(&s->chain, (const unsigned char *)o->crt->pem,
                                            strlen(o->crt->pem) + 1u),
                     0);
    assert_int_equal(mbedtls_x509_crt_parse(&s->ca, (const unsigned char *)P->ca_crt.pem,
                                            strlen(P->ca_crt.pem) + 1u),
                     0);
    assert_int_equal(mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
                                                 MBEDTLS_SSL_TRANSPORT_STREAM,
                                                 MBEDTLS_SSL_PRESET_DEFAULT),
                     0);
    mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &P->drbg);
    assert_int_equal(mbedtls_ssl_conf_own_cert(&s->conf, &s->chain, &P->server_key), 0);
    mbedtls_ssl_conf_ca_chain(&s->conf, &s->ca, NULL);
    mbedtls_ssl_conf_authmode(&s->conf, o->require_client_cert ? MBEDTLS_SSL_VERIFY_REQUIRED
                                                               : MBEDTLS_SSL_VERIFY_NONE);
    if (o->max_minor != 0) {
        mbedtls_ssl_conf_min_version(&s->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                     MBEDTLS_SSL_MINOR_VERSION_1);
        mbedtls_ssl_conf_max_version(&s->conf, MBEDTLS_SSL_MAJOR_VERSION_3, o->max_minor);
    }
    return s;
}

static uint16_t server_port(const server_t *s)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &len), 0);
    return ntohs(a.sin_port);
}

/** One non-blocking step: accept, then handshake. */
static void server_step(server_t *s)
{
    if (s->fd < 0 && s->error == 0) {
        s->fd = accept(s->lfd, NULL, NULL);
        if (s->fd < 0) {
            return;
        }
        set_nonblock(s->fd);
    }
    if (!s->setup_done) {
        assert_int_equal(mbedtls_ssl_setup(&s->ssl, &s->conf), 0);
        mbedtls_ssl_set_bio(&s->ssl, s, srv_send, srv_recv, NULL);
        s->setup_done = true;
    }
    if (s->done || s->error != 0) {
        return;
    }
    int rc = mbedtls_ssl_handshake(&s->ssl);
    if (rc == 0) {
        s->done = true;
    } else if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) {
        s->error = rc; /* and hang up, as a real server does */
        close(s->fd);
        s->fd = -1;
    }
}

static void server_free(server_t *s)
{
    if (s->fd >= 0) {
        close(s->fd);
    }
    close(s->lfd);
    mbedtls_ssl_free(&s->ssl);
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_x509_crt_free(&s->chain);
    mbedtls_x509_crt_free(&s->ca);
    free(s);
}

/** Run client connect() and the server until the client is done. */
static ocpp_status_t tls_connect(client_t *c, server_t *s, const char *host)
{
    ocpp_endpoint_t ep = {host, server_port(s), true};
    ocpp_status_t st = OCPP_PENDING;
    for (int i = 0; i < MAX_ITER; i++) {
        if (st == OCPP_PENDING) {
            st = c->port.connect(c->port.ctx, &ep);
        }
        server_step(s);
        if (st != OCPP_PENDING && (st != OCPP_OK || s->done || s->error != 0)) {
            break;
        }
        int cfd = ocpp_posix_net_fd(&c->net);
        bool srv_busy = !s->done && s->error == 0;
        wait_any(cfd, ocpp_posix_net_events(&c->net), srv_busy && s->fd < 0 ? s->lfd : -1, POLLIN,
                 srv_busy ? s->fd : -1, POLLIN);
    }
    return st;
}

/** Server writes all bytes over TLS, pumping the client's reads meanwhile. */
static void server_write_all(server_t *s, const uint8_t *data, size_t len)
{
    size_t done = 0;
    for (int i = 0; i < MAX_ITER && done < len; i++) {
        int rc = mbedtls_ssl_write(&s->ssl, data + done, len - done);
        if (rc > 0) {
            done += (size_t)rc;
        } else {
            assert_true(rc == MBEDTLS_ERR_SSL_WANT_WRITE || rc == MBEDTLS_ERR_SSL_WANT_READ);
            wait_any(s->fd, POLLOUT, -1, 0, -1, 0);
        }
    }
    assert_int_equal(done, len);
}

static size_t server_read_some(server_t *s, uint8_t *buf, size_t cap)
{
    int rc = mbedtls_ssl_read(&s->ssl, buf, cap);
    if (rc > 0) {
        return (size_t)rc;
    }
    assert_true(rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* TLS                                                                       */
/* ------------------------------------------------------------------------ */

static void test_tls_handshake_and_roundtrip(void **state)
{
    pki_t *P = *state;
    server_opts_t o = {&P->server_crt, false, 0};
    server_t *s = server_new(P, &o);
    client_t *c = client_new(P, P->ca_file);
    /* Security whitepaper A00.FR.307: "The Charge Point SHALL verify the
       certification path of the Central System's certificate"; here it is
       signed by the configured CA, so the handshake succeeds. */
    assert_int_equal(tls_connect(c, s, "localhost"), OCPP_OK);
    assert_true(s->done);
    assert_int_equal(ocpp_posix_net_verify_flags(&c->net), 0);
    /* A00.FR.312: "SHALL only use TLS v1.2 or above". */
    assert_string_equal(mbedtls_ssl_get_version(&c->net.ssl), "TLSv1.2");

    /* Client -> server. */
    const char msg[] = "GET /ocpp/CP-1 HTTP/1.1";
    assert_int_equal(c->port.send(c->port.ctx, (const uint8_t *)msg, sizeof msg),
                     (int32_t)sizeof msg);
    uint8_t got[4096];
    size_t n = 0;
    for (int i = 0; i < MAX_ITER && n < sizeof msg; i++) {
        n += server_read_some(s, got + n, sizeof got - n);
        if (n < sizeof msg) {
            wait_any(s->fd, POLLIN, -1, 0, -1, 0);
        }
    }
    assert_int_equal(n, sizeof msg);
    assert_memory_equal(got, msg, sizeof msg);

    /* Server -> client, read 7 bytes at a time: decrypted bytes wait in the
       port, which ocpp_posix_net_pending() reports. */
    uint8_t data[3000];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 13u + 5u);
    }
    server_write_all(s, data, sizeof data);
    assert_int_equal(client_recv_until_event(c, got, 7), 7);
    assert_true(ocpp_posix_net_pending(&c->net));
    client_recv_all(c, got + 7, sizeof data - 7u, 7);
    assert_memory_equal(got, data, sizeof data);
    assert_int_equal(c->port.recv(c->port.ctx, got, sizeof got), 0);

    /* Orderly close: close_notify -> OCPP_ERR_CLOSED. */
    int rc = mbedtls_ssl_close_notify(&s->ssl);
    assert_true(rc == 0 || rc == MBEDTLS_ERR_SSL_WANT_WRITE);
    assert_int_equal(client_recv_until_event(c, got, sizeof got), OCPP_ERR_CLOSED);
    c->port.close(c->port.ctx);
    c->port.close(c->port.ctx);
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    client_free(c);
    server_free(s);
}

static void test_tls_eof_without_close_notify_is_closed(void **state)
{
    pki_t *P = *state;
    server_opts_t o = {&P->server_crt, false, 0};
    server_t *s = server_new(P, &o);
    client_t *c = client_new(P, P->ca_file);
    assert_int_equal(tls_connect(c, s, "localhost"), OCPP_OK);
    close(s->fd); /* TCP FIN without TLS close_notify */
    s->fd = -1;
    uint8_t got[16];
    assert_int_equal(client_recv_until_event(c, got, sizeof got), OCPP_ERR_CLOSED);
    client_free(c);
    server_free(s);
}

static void test_tls_send_until_would_block(void **state)
{
    pki_t *P = *state;
    server_opts_t o = {&P->server_crt, false, 0};
    server_t *s = server_new(P, &o);
    client_t *c = client_new(P, P->ca_file);
    assert_int_equal(tls_connect(c, s, "localhost"), OCPP_OK);
    /* A stream of 8 MB max; the server does not read until send() says 0. */
    const size_t total = 8u * 1024u * 1024u;
    uint8_t *src = malloc(total);
    uint8_t *dst = malloc(total);
    assert_non_null(src);
    assert_non_null(dst);
    ocpp_posix_rng_t rng;
    ocpp_posix_rng_seed(&rng, 1);
    for (size_t i = 0; i < total; i++) {
        src[i] = (uint8_t)ocpp_posix_rng_next(&rng);
    }
    size_t sent = 0;
    size_t recvd = 0;
    bool blocked = false;
    for (int i = 0; i < 100000 && recvd < total; i++) {
        int32_t n = (sent < total) ? c->port.send(c->port.ctx, src + sent, total - sent) : 0;
        assert_true(n >= 0);
        sent += (size_t)n;
        if (n == 0 && sent < total && !blocked) {
            blocked = true; /* only now does the server start reading */
            /* mbedTLS holds an encrypted record of these bytes: the port
               waits for the socket to become writable, and a retry that
               offers fewer bytes than that record is refused. */
            assert_int_equal(ocpp_posix_net_events(&c->net), POLLOUT);
            assert_int_equal(c->port.send(c->port.ctx, src + sent, 1), OCPP_ERR_PARAM);
        }
        if (blocked || sent == total) {
            size_t r = server_read_some(s, dst + recvd, total - recvd);
            recvd += r;
            if (r == 0) {
                wait_any(s->fd, POLLIN, ocpp_posix_net_fd(&c->net), ocpp_posix_net_events(&c->net),
                         -1, 0);
            }
        }
    }
    assert_true(blocked);
    assert_int_equal(sent, total);
    assert_int_equal(recvd, total);
    assert_memory_equal(src, dst, total);
    free(src);
    free(dst);
    client_free(c);
    server_free(s);
}

static void test_tls_wrong_ca_refused(void **state)
{
    pki_t *P = *state;
    server_opts_t o = {&P->server_crt, false, 0};
    server_t *s = server_new(P, &o);
    client_t *c = client_new(P, P->other_ca_file);
    /* A00.FR.309/310: certification path invalid -> "The Charge Point SHALL
       terminate the connection." */
    assert_int_equal(tls_connect(c, s, "localhost"), OCPP_ERR_TLS);
    assert_true(ocpp_posix_net_verify_flags(&c->net) & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    assert_non_null(strstr(P->log, "not correctly signed by the trusted CA"));
    client_free(c);
    server_free(s);
}

static void test_tls_host_mismatch_refused(void **state)
{
    pki_t *P = *state;
    server_opts_t o = {&P->wrong_host_crt, false, 0};
    server_t *s = server_new(P, &o);
    client_t *c = client_new(P, P->ca_file);
    /* A00.FR.308: "The Charge Point SHALL verify that the commonName includes
       the Central System's Fully Qualified Domain Name (FQDN)." The
       certificate names wrong.example, we connect to localhost. */
    assert_int_equal(tls_connect(c, s, "localhost"), OCPP_ERR_TLS);
    uint32_t flags = ocpp_posix_net_verify_flags(&c->net);
    assert_true(flags & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    assert_false(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED); /* only the name is wrong */
    assert_non_null(strstr(P->log, "Common Name (CN) does not match"));
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    client_free(c);
    server_free(s);
}

static void test_tls_ip_literal_does_not_match_dns_name(void **state)
{
    pki_t *P = *state;
    server_opts_t o = {&P->server_crt, false, 0};
    server_t *s = server_new(P, &o);
    client_t *c = client_new(P, P->ca_file);
    /* The certificate names "localhost", not "127.0.0.1". */
    assert_int_equal(tls_connect(c, s, "127.0.0.1"), OCPP_ERR_TLS);
    assert_true(ocpp_posix_net_verify_flags(&c->net) & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    client_free(c);
    server_free(s);
}

static void test_tls_old_version_refused(void **state)
{
    pki_t *P = *state;
    /* A00.FR.312: "The Charge Point and Central System SHALL only use TLS
       v1.2 or above" -- a server that stops at TLS 1.1 is refused. */
    server_opts_t o = {&P->server_crt, false, MBEDTLS_SSL_MINOR_VERSION_2};
    server_t *s = server_new(P, &o);
    client_t *c = client_new(P, P->ca_file);
    assert_int_equal(tls_connect(c, s, "localhost"), OCPP_ERR_TLS);
    assert_int_equal(ocpp_posix_net_verify_flags(&c->net), 0);
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    client_free(c);
    server_free(s);
}

static void test_tls_server_speaks_plain_http(void **state)
{
    pki_t *P = *state;
    uint16_t port = 0;
    int lfd = listener_open(AF_INET, &port);
    assert_true(lfd >= 0);
    client_t *c = client_new(P, P->ca_file);
    ocpp_endpoint_t ep = {"localhost", port, true};
    ocpp_status_t st = OCPP_PENDING;
    int sfd = -1;
    for (int i = 0; i < MAX_ITER && st == OCPP_PENDING; i++) {
        st = c->port.connect(c->port.ctx, &ep);
        if (sfd < 0) {
            sfd = accept(lfd, NULL, NULL);
            if (sfd >= 0) {
                const char resp[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
                assert_int_equal(send(sfd, resp, sizeof resp - 1u, MSG_NOSIGNAL),
                                 (ssize_t)(sizeof resp - 1u));
            }
        }
        if (st == OCPP_PENDING) {
            wait_any(ocpp_posix_net_fd(&c->net), ocpp_posix_net_events(&c->net), lfd, POLLIN, -1,
                     0);
        }
    }
    assert_int_equal(st, OCPP_ERR_TLS);
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    if (sfd >= 0) {
        close(sfd);
    }
    client_free(c);
    close(lfd);
}

static void test_tls_without_ca_file(void **state)
{
    pki_t *P = *state;
    client_t *c = client_new(P, NULL);
    ocpp_endpoint_t ep = {"localhost", 443, true};
    assert_int_equal(c->port.connect(c->port.ctx, &ep), OCPP_ERR_TLS);
    assert_non_null(strstr(P->log, "no CA file"));
    assert_int_equal(ocpp_posix_net_fd(&c->net), -1);
    client_free(c);
}

static void test_tls_init_bad_files(void **state)
{
    pki_t *P = *state;
    ocpp_posix_net_t *n = calloc(1, sizeof *n);
    assert_non_null(n);
    ocpp_posix_net_config_t cfg = {"/nonexistent/ca.pem", NULL, NULL, NULL, test_log, P, NULL};
    assert_int_equal(ocpp_posix_net_init(n, &cfg), OCPP_ERR_TLS);
    ocpp_posix_net_free(n); /* harmless after a failed init */
    cfg.ca_file = P->garbage_file;
    assert_int_equal(ocpp_posix_net_init(n, &cfg), OCPP_ERR_TLS);
    cfg.ca_file = P->ca_file;
    cfg.client_cert_file = P->client_crt_file; /* without its key */
    assert_int_equal(ocpp_posix_net_init(n, &cfg), OCPP_ERR_PARAM);
    cfg.client_key_file = P->garbage_file; /* not a key */
    assert_int_equal(ocpp_posix_net_init(n, &cfg), OCPP_ERR_TLS);
    cfg.client_cert_file = P->garbage_file;
    cfg.client_key_file = P->client_key_file;
    assert_int_equal(ocpp_posix_net_init(n, &cfg), OCPP_ERR_TLS);
    ocpp_posix_net_free(n);
    free(n);
}

static void test_tls_client_certificate(void **state)
{
    pki_t *P = *state;
    /* A00.FR.402: "The Charge Point certificate SHALL be used as a TLS client
       side certificate" (security profile 3). */
    server_opts_t o = {&P->server_crt, true, 0};
    server_t *s = server_new(P, &o);
    client_t *c = calloc(1, sizeof *c);
    assert_non_null(c);
    ocpp_posix_net_config_t cfg = {
        P->ca_file, P->client_crt_file, P->client_key_file, NULL, test_log, P, NULL};
    assert_int_equal(ocpp_posix_net_init(&c->net, &cfg), OCPP_OK);
    ocpp_posix_net_port(&c->net, &c->port);
    assert_int_equal(tls_connect(c, s, "localhost"), OCPP_OK);
    assert_true(s->done);
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&s->ssl);
    assert_non_null(peer);
    char dn[128];
    assert_true(mbedtls_x509_dn_gets(dn, sizeof dn, &peer->subject) > 0);
    assert_non_null(strstr(dn, "CN=CP-1"));
    client_free(c);
    server_free(s);

    /* The same server refuses a client without a certificate. */
    s = server_new(P, &o);
    c = client_new(P, P->ca_file);
    ocpp_status_t st = tls_connect(c, s, "localhost");
    /* TLS 1.2: the client may finish its side before the server's alert
       arrives; the server refuses in any case, and the client sees it. */
    for (int i = 0; i < MAX_ITER && s->error == 0 && !s->done; i++) {
        server_step(s);
        if (s->error == 0 && !s->done) {
            wait_any(s->fd, POLLIN, -1, 0, -1, 0);
        }
    }
    assert_int_not_equal(s->error, 0);
    if (st == OCPP_OK) {
        uint8_t b[8];
        int32_t r = client_recv_until_event(c, b, sizeof b);
        assert_true(r < 0);
    } else {
        assert_int_equal(st, OCPP_ERR_TLS);
    }
    client_free(c);
    server_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_ipv4_roundtrip),
        cmocka_unit_test(test_tcp_ipv6_roundtrip),
        cmocka_unit_test(test_tcp_localhost_name),
        cmocka_unit_test(test_tcp_reconnect_after_close),
        cmocka_unit_test(test_tcp_send_until_would_block),
        cmocka_unit_test(test_tcp_connect_refused),
        cmocka_unit_test(test_tcp_bind_source),
        cmocka_unit_test(test_tcp_bind_bad_source),
        cmocka_unit_test(test_dns_failure),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_tls_handshake_and_roundtrip),
        cmocka_unit_test(test_tls_eof_without_close_notify_is_closed),
        cmocka_unit_test(test_tls_send_until_would_block),
        cmocka_unit_test(test_tls_wrong_ca_refused),
        cmocka_unit_test(test_tls_host_mismatch_refused),
        cmocka_unit_test(test_tls_ip_literal_does_not_match_dns_name),
        cmocka_unit_test(test_tls_old_version_refused),
        cmocka_unit_test(test_tls_server_speaks_plain_http),
        cmocka_unit_test(test_tls_without_ca_file),
        cmocka_unit_test(test_tls_init_bad_files),
        cmocka_unit_test(test_tls_client_certificate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
