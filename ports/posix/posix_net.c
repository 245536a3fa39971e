/**
 * @file posix_net.c
 * @brief Non-blocking TCP (IPv4/IPv6) and TLS (mbedTLS) client behind
 *        ocpp_net_port_t.
 *
 * State machine of one connection:
 *   IDLE --connect()--> resolve, try address k --EINPROGRESS--> TCP
 *   TCP --writable, SO_ERROR == 0--> (plain) OPEN | (tls) TLS
 *   TCP --SO_ERROR != 0--> try address k+1 ... --none left--> IDLE (IO)
 *   TLS --handshake done--> OPEN;  --handshake error--> IDLE (TLS)
 * close() returns to IDLE from anywhere.
 */
#define _POSIX_C_SOURCE 200809L

#include "ocpp/ocpp_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>

enum { NET_IDLE = 0, NET_TCP, NET_TLS, NET_OPEN };

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* SO_NOSIGPIPE is set on the socket instead */
#endif

/** Largest count a send/recv may return (int32_t and mbedTLS's int). */
#define IO_MAX ((size_t)INT32_MAX < (size_t)INT_MAX ? (size_t)INT32_MAX : (size_t)INT_MAX)

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
net_log(const ocpp_posix_net_t *n, ocpp_log_level_t level, const char *fmt, ...)
{
    if (n->log == NULL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    n->log(n->log_ctx, level, fmt, ap);
    va_end(ap);
}

/** Log an mbedTLS error code with its text. */
static void log_mbed(const ocpp_posix_net_t *n, ocpp_log_level_t level, const char *what, int rc)
{
    char text[128] = "";
#if defined(MBEDTLS_ERROR_C)
    mbedtls_strerror(rc, text, sizeof text);
#endif
    net_log(n, level, "tls: %s failed: -0x%04x %s", what, (unsigned)-rc, text);
}

static bool would_block(int err)
{
    return err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == ENOBUFS;
}

/* ------------------------------------------------------------------------ */
/* Init / free of the TLS material                                           */
/* ------------------------------------------------------------------------ */

static void mbed_free(ocpp_posix_net_t *n)
{
    if (!n->mbed_inited) {
        return;
    }
    mbedtls_ssl_free(&n->ssl);
    mbedtls_ssl_config_free(&n->conf);
    mbedtls_pk_free(&n->client_key);
    mbedtls_x509_crt_free(&n->client_cert);
    mbedtls_x509_crt_free(&n->ca);
    mbedtls_ctr_drbg_free(&n->drbg);
    n->mbed_inited = false;
    n->tls_ready = false;
    n->ssl_active = false;
}

static void mbed_init(ocpp_posix_net_t *n)
{
    mbedtls_ctr_drbg_init(&n->drbg);
    mbedtls_x509_crt_init(&n->ca);
    mbedtls_x509_crt_init(&n->client_cert);
    mbedtls_pk_init(&n->client_key);
    mbedtls_ssl_config_init(&n->conf);
    mbedtls_ssl_init(&n->ssl);
    n->mbed_inited = true;
}

/** Load the CA file: at least one certificate must parse. */
static int load_ca(ocpp_posix_net_t *n, const char *file)
{
    int rc = mbedtls_x509_crt_parse_file(&n->ca, file);
    if (rc < 0) {
        log_mbed(n, OCPP_LOG_ERROR, "loading the CA file", rc);
        return rc;
    }
    if (rc > 0) {
        if (n->ca.version == 0) {
            net_log(n, OCPP_LOG_ERROR, "tls: no certificate of %s could be parsed", file);
            return MBEDTLS_ERR_X509_INVALID_FORMAT;
        }
        net_log(n, OCPP_LOG_WARN, "tls: %d certificate(s) of %s skipped (unparsable)", rc, file);
    }
    return 0;
}

static int load_client_cert(ocpp_posix_net_t *n, const ocpp_posix_net_config_t *cfg)
{
    int rc = mbedtls_x509_crt_parse_file(&n->client_cert, cfg->client_cert_file);
    if (rc != 0) {
        log_mbed(n, OCPP_LOG_ERROR, "loading the client certificate", rc);
        return rc < 0 ? rc : MBEDTLS_ERR_X509_INVALID_FORMAT;
    }
    rc = mbedtls_pk_parse_keyfile(&n->client_key, cfg->client_key_file, cfg->client_key_password);
    if (rc != 0) {
        log_mbed(n, OCPP_LOG_ERROR, "loading the client key", rc);
        return rc;
    }
    rc = mbedtls_ssl_conf_own_cert(&n->conf, &n->client_cert, &n->client_key);
    if (rc != 0) {
        log_mbed(n, OCPP_LOG_ERROR, "setting the client certificate", rc);
    }
    return rc;
}

/** mbedTLS entropy callback: the OS generator. A fixed-size source keeps
    the context small (mbedtls_entropy_context is ~37 KB with HAVEGE). */
static int os_entropy(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    return ocpp_posix_random_bytes(out, len) ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

/** Seed the DRBG, load the files, set up the client configuration. */
static int tls_setup(ocpp_posix_net_t *n, const ocpp_posix_net_config_t *cfg)
{
    static const unsigned char pers[] = "ocpp-c posix net";
    int rc = mbedtls_ctr_drbg_seed(&n->drbg, os_entropy, NULL, pers, sizeof pers - 1u);
    if (rc != 0) {
        log_mbed(n, OCPP_LOG_ERROR, "seeding the DRBG", rc);
        return rc;
    }
    rc = load_ca(n, cfg->ca_file);
    if (rc != 0) {
        return rc;
    }
    rc = mbedtls_ssl_config_defaults(&n->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                     MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) {
        log_mbed(n, OCPP_LOG_ERROR, "configuring TLS", rc);
        return rc;
    }
    /* TLS 1.2 (version 3.3) or newer. */
    mbedtls_ssl_conf_min_version(&n->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_authmode(&n->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&n->conf, &n->ca, NULL);
    mbedtls_ssl_conf_rng(&n->conf, mbedtls_ctr_drbg_random, &n->drbg);
    if (cfg->client_cert_file != NULL) {
        rc = load_client_cert(n, cfg);
    }
    return rc;
}

ocpp_status_t ocpp_posix_net_init(ocpp_posix_net_t *n, const ocpp_posix_net_config_t *cfg)
{
    if (n == NULL) {
        return OCPP_ERR_PARAM;
    }
    /* The mbedTLS part (most of it) is left alone until TLS sets it up: untouched
     * memory costs nothing in a fleet of plain-TCP stations. */
    memset(n, 0, offsetof(ocpp_posix_net_t, drbg));
    n->fd = -1;
    if (cfg == NULL) {
        return OCPP_OK;
    }
    n->log = cfg->log;
    n->log_ctx = cfg->log_ctx;
    if (cfg->bind_addr != NULL) {
        if (inet_pton(AF_INET, cfg->bind_addr, n->bind_ip) == 1) {
            n->bind_family = AF_INET;
        } else if (inet_pton(AF_INET6, cfg->bind_addr, n->bind_ip) == 1) {
            n->bind_family = AF_INET6;
        } else {
            net_log(n, OCPP_LOG_ERROR,
                    "net: source address \"%s\" is no numeric IPv4 or IPv6 address",
                    cfg->bind_addr);
            return OCPP_ERR_PARAM;
        }
    }
    if ((cfg->client_cert_file == NULL) != (cfg->client_key_file == NULL)) {
        net_log(n, OCPP_LOG_ERROR, "tls: a client certificate needs its key and vice versa");
        return OCPP_ERR_PARAM;
    }
    if (cfg->ca_file == NULL) {
        return OCPP_OK;
    }
    mbed_init(n);
    if (tls_setup(n, cfg) != 0) {
        mbed_free(n);
        return OCPP_ERR_TLS;
    }
    n->tls_ready = true;
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Connection release                                                        */
/* ------------------------------------------------------------------------ */

static void net_release(ocpp_posix_net_t *n, bool notify)
{
    if (n->ssl_active) {
        if (notify && n->state == NET_OPEN) {
            (void)mbedtls_ssl_close_notify(&n->ssl); /* best effort, non-blocking */
        }
        mbedtls_ssl_free(&n->ssl);
        n->ssl_active = false;
    }
    if (n->fd >= 0) {
        (void)close(n->fd);
        n->fd = -1;
    }
    n->state = NET_IDLE;
    n->tx_pending = 0;
    n->want_write = false;
    n->n_addrs = 0;
    n->next_addr = 0;
}

static void net_close(void *ctx)
{
    ocpp_posix_net_t *n = ctx;
    if (n != NULL) {
        net_release(n, true);
    }
}

void ocpp_posix_net_free(ocpp_posix_net_t *n)
{
    if (n == NULL) {
        return;
    }
    net_release(n, true);
    mbed_free(n);
}

/* ------------------------------------------------------------------------ */
/* Resolution and TCP connect                                                */
/* ------------------------------------------------------------------------ */

/** Resolve ep into n->addrs (getaddrinfo may block). */
static ocpp_status_t resolve(ocpp_posix_net_t *n, const ocpp_endpoint_t *ep)
{
    char port[8];
    (void)snprintf(port, sizeof port, "%u", (unsigned)ep->port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV;
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(ep->host, port, &hints, &res);
    if (rc != 0) {
        n->last_error = rc;
#if defined(ESP_PLATFORM)
        net_log(n, OCPP_LOG_ERROR, "net: cannot resolve %s: error %d", ep->host, rc);
#else
        net_log(n, OCPP_LOG_ERROR, "net: cannot resolve %s: %s", ep->host, gai_strerror(rc));
#endif
        return OCPP_ERR_DNS;
    }
    n->n_addrs = 0;
    for (const struct addrinfo *ai = res; ai != NULL && n->n_addrs < OCPP_POSIX_NET_MAX_ADDRS;
         ai = ai->ai_next) {
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            (size_t)ai->ai_addrlen > sizeof n->addrs[0]) {
            continue;
        }
        memcpy(&n->addrs[n->n_addrs], ai->ai_addr, (size_t)ai->ai_addrlen);
        n->addr_lens[n->n_addrs] = ai->ai_addrlen;
        n->n_addrs++;
    }
    freeaddrinfo(res);
    n->next_addr = 0;
    if (n->n_addrs == 0) {
        net_log(n, OCPP_LOG_ERROR, "net: %s has no IPv4/IPv6 address", ep->host);
        return OCPP_ERR_DNS;
    }
    return OCPP_OK;
}

/** A non-blocking stream socket without SIGPIPE, or -1 (errno set). */
static int open_socket(int family)
{
    int fd = socket(family, SOCK_STREAM, IPPROTO_TCP);
    if (fd < 0) {
        return -1;
    }
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        int err = errno;
        (void)close(fd);
        errno = err;
        return -1;
    }
#if defined(FD_CLOEXEC)
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
    int one = 1;
#if defined(SO_NOSIGPIPE)
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    /* WebSocket frames are small and latency matters more than packing. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void log_addr_error(const ocpp_posix_net_t *n, uint8_t idx, int err)
{
    /* inet_ntop rather than getnameinfo: lwIP (ESP-IDF) has only the former. */
    char host[INET6_ADDRSTRLEN] = "?";
    const struct sockaddr_storage *ss = &n->addrs[idx];
    if (ss->ss_family == AF_INET) {
        (void)inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, host, sizeof host);
    } else {
        (void)inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, host, sizeof host);
    }
    net_log(n, OCPP_LOG_WARN, "net: connect to %s failed: %s", host, strerror(err));
}

#if defined(__linux__) && !defined(IP_BIND_ADDRESS_NO_PORT)
#define IP_BIND_ADDRESS_NO_PORT 24 /* linux/in.h, Linux 4.2 */
#endif

/**
 * Bind the new socket n->fd (of `family`) to the configured source address,
 * if any. @return 0, or -1 with errno set (logged): EAFNOSUPPORT when the
 * source address is of the other family, else bind()'s errno.
 */
static int bind_source(ocpp_posix_net_t *n, int family)
{
    if (n->bind_family == 0u) {
        return 0;
    }
    char text[INET6_ADDRSTRLEN] = "?";
    (void)inet_ntop(n->bind_family, n->bind_ip, text, sizeof text);
    if (family != n->bind_family) {
        net_log(n, OCPP_LOG_WARN, "net: source address %s is IPv%c, the server address IPv%c", text,
                n->bind_family == AF_INET ? '4' : '6', family == AF_INET ? '4' : '6');
        errno = EAFNOSUPPORT;
        return -1;
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        memcpy(&a->sin_addr, n->bind_ip, 4);
        len = (socklen_t)sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        memcpy(&a->sin6_addr, n->bind_ip, 16);
        len = (socklen_t)sizeof *a;
    }
#if defined(IP_BIND_ADDRESS_NO_PORT)
    /* The port is chosen at connect(), unique per destination only: without
       this a bound socket takes a port of its own for good, and one source
       address runs out after ip_local_port_range connections in all. */
    int one = 1;
    (void)setsockopt(n->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
    if (bind(n->fd, (const struct sockaddr *)&ss, len) != 0) {
        int err = errno;
        net_log(n, OCPP_LOG_ERROR, "net: cannot bind to source address %s: %s", text,
                strerror(err));
        errno = err;
        return -1;
    }
    return 0;
}

static ocpp_status_t tcp_done(ocpp_posix_net_t *n, const ocpp_endpoint_t *ep);

/** Try the remaining addresses in order. */
static ocpp_status_t try_next(ocpp_posix_net_t *n, const ocpp_endpoint_t *ep)
{
    while (n->next_addr < n->n_addrs) {
        uint8_t idx = n->next_addr++;
        const struct sockaddr *sa = (const struct sockaddr *)&n->addrs[idx];
        n->fd = open_socket(sa->sa_family);
        if (n->fd < 0) {
            n->last_error = errno;
            log_addr_error(n, idx, errno);
            continue;
        }
        if (bind_source(n, sa->sa_family) != 0) {
            n->last_error = errno;
            (void)close(n->fd);
            n->fd = -1;
            continue;
        }
        if (connect(n->fd, sa, n->addr_lens[idx]) == 0) {
            return tcp_done(n, ep);
        }
        if (errno == EINPROGRESS || errno == EINTR) {
            n->state = NET_TCP;
            return OCPP_PENDING;
        }
        n->last_error = errno;
        log_addr_error(n, idx, errno);
        (void)close(n->fd);
        n->fd = -1;
    }
    net_log(n, OCPP_LOG_ERROR, "net: cannot connect to %s port %u", ep->host, (unsigned)ep->port);
    net_release(n, false);
    return OCPP_ERR_IO;
}

/** A TCP connect is in progress: done, failed (next address) or pending. */
static ocpp_status_t tcp_progress(ocpp_posix_net_t *n, const ocpp_endpoint_t *ep)
{
    struct pollfd p = {.fd = n->fd, .events = POLLOUT, .revents = 0};
    int r = poll(&p, 1, 0);
    if (r == 0 || (r < 0 && errno == EINTR)) {
        return OCPP_PENDING;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (r < 0 || getsockopt(n->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
    } else if (err == 0 && (p.revents & POLLOUT) == 0) {
        err = ECONNREFUSED; /* POLLERR/POLLHUP without a pending error */
    }
    if (err == 0) {
        return tcp_done(n, ep);
    }
    n->last_error = err;
    log_addr_error(n, (uint8_t)(n->next_addr - 1u), err);
    (void)close(n->fd);
    n->fd = -1;
    return try_next(n, ep);
}

/* ------------------------------------------------------------------------ */
/* TLS                                                                       */
/* ------------------------------------------------------------------------ */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    ocpp_posix_net_t *n = ctx;
    ssize_t w = send(n->fd, buf, len > IO_MAX ? IO_MAX : len, MSG_NOSIGNAL);
    if (w >= 0) {
        n->want_write = false;
        return (int)w;
    }
    if (would_block(errno)) {
        n->want_write = true;
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    n->last_error = errno;
    return (errno == EPIPE || errno == ECONNRESET) ? MBEDTLS_ERR_NET_CONN_RESET
                                                   : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    ocpp_posix_net_t *n = ctx;
    ssize_t r = recv(n->fd, buf, len > IO_MAX ? IO_MAX : len, 0);
    if (r >= 0) {
        return (int)r; /* 0: end of stream */
    }
    if (would_block(errno)) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    n->last_error = errno;
    return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}

/** Log why the server certificate was refused. */
static void log_verify(ocpp_posix_net_t *n, const char *host)
{
    char info[256];
    int len = mbedtls_x509_crt_verify_info(info, sizeof info, "", n->verify_flags);
    for (int i = 0; i < len && info[i] != '\0'; i++) {
        if (info[i] == '\n') {
            info[i] = (i + 1 < len) ? ';' : '\0';
        }
    }
    net_log(n, OCPP_LOG_ERROR, "tls: certificate of %s refused (flags 0x%lx): %s", host,
            (unsigned long)n->verify_flags, len > 0 ? info : "?");
}

static ocpp_status_t tls_progress(ocpp_posix_net_t *n, const ocpp_endpoint_t *ep)
{
    int rc = mbedtls_ssl_handshake(&n->ssl);
    if (rc == 0) {
        n->state = NET_OPEN;
        return OCPP_OK;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        n->want_write = (rc == MBEDTLS_ERR_SSL_WANT_WRITE);
        return OCPP_PENDING;
    }
    uint32_t flags = mbedtls_ssl_get_verify_result(&n->ssl);
    n->verify_flags = (flags == UINT32_MAX) ? 0u : flags;
    if (n->verify_flags != 0u) {
        log_verify(n, ep->host);
    }
    log_mbed(n, OCPP_LOG_ERROR, "handshake", rc);
    n->last_error = rc;
    net_release(n, false);
    return OCPP_ERR_TLS;
}

static ocpp_status_t tls_start(ocpp_posix_net_t *n, const ocpp_endpoint_t *ep)
{
    mbedtls_ssl_init(&n->ssl);
    n->ssl_active = true;
    int rc = mbedtls_ssl_setup(&n->ssl, &n->conf);
    if (rc == 0) {
        /* Server name for SNI and for matching the certificate. */
        rc = mbedtls_ssl_set_hostname(&n->ssl, ep->host);
    }
    if (rc != 0) {
        log_mbed(n, OCPP_LOG_ERROR, "setup", rc);
        n->last_error = rc;
        net_release(n, false);
        return OCPP_ERR_TLS;
    }
    mbedtls_ssl_set_bio(&n->ssl, n, bio_send, bio_recv, NULL);
    n->state = NET_TLS;
    return tls_progress(n, ep);
}

static ocpp_status_t tcp_done(ocpp_posix_net_t *n, const ocpp_endpoint_t *ep)
{
    if (!n->tls) {
        n->state = NET_OPEN;
        return OCPP_OK;
    }
    return tls_start(n, ep);
}

/* ------------------------------------------------------------------------ */
/* The port functions                                                        */
/* ------------------------------------------------------------------------ */

static ocpp_status_t net_start(ocpp_posix_net_t *n, const ocpp_endpoint_t *ep)
{
    n->verify_flags = 0;
    n->last_error = 0;
    if (ep->tls && !n->tls_ready) {
        net_log(n, OCPP_LOG_ERROR, "tls: no CA file configured, cannot connect to %s", ep->host);
        return OCPP_ERR_TLS;
    }
    ocpp_status_t st = resolve(n, ep);
    if (st != OCPP_OK) {
        net_release(n, false);
        return st;
    }
    n->tls = ep->tls;
    return try_next(n, ep);
}

static ocpp_status_t net_connect(void *ctx, const ocpp_endpoint_t *ep)
{
    ocpp_posix_net_t *n = ctx;
    if (n == NULL || ep == NULL || ep->host == NULL || ep->host[0] == '\0' || ep->port == 0u) {
        return OCPP_ERR_PARAM;
    }
    switch (n->state) {
    case NET_IDLE: return net_start(n, ep);
    case NET_TCP: return tcp_progress(n, ep);
    case NET_TLS: return tls_progress(n, ep);
    default: return OCPP_OK;
    }
}

/** Map a failed mbedTLS read/write to a status, logging it. */
static int32_t tls_io_error(ocpp_posix_net_t *n, int rc, const char *what)
{
    if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_SSL_CONN_EOF) {
        return OCPP_ERR_CLOSED;
    }
    log_mbed(n, OCPP_LOG_WARN, what, rc);
    if (rc == MBEDTLS_ERR_NET_CONN_RESET) {
        return n->last_error == EPIPE ? OCPP_ERR_CLOSED : OCPP_ERR_IO;
    }
    if (rc == MBEDTLS_ERR_NET_SEND_FAILED || rc == MBEDTLS_ERR_NET_RECV_FAILED) {
        return OCPP_ERR_IO;
    }
    n->last_error = rc;
    return OCPP_ERR_TLS;
}

static int32_t tls_send(ocpp_posix_net_t *n, const uint8_t *data, size_t len)
{
    size_t chunk = len;
    if (n->tx_pending != 0u) {
        /* mbedTLS is flushing a record made from the first tx_pending bytes
           of the previous call: it must see the same length again. */
        if (len < n->tx_pending) {
            net_log(n, OCPP_LOG_ERROR, "tls: send() after 0 must offer the same bytes again");
            return OCPP_ERR_PARAM;
        }
        chunk = n->tx_pending;
    } else {
        int max = mbedtls_ssl_get_max_out_record_payload(&n->ssl);
        if (max > 0 && chunk > (size_t)max) {
            chunk = (size_t)max;
        }
    }
    int rc = mbedtls_ssl_write(&n->ssl, data, chunk);
    if (rc > 0) {
        n->tx_pending = 0;
        return (int32_t)rc;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE || rc == MBEDTLS_ERR_SSL_WANT_READ) {
        n->tx_pending = chunk;
        return 0;
    }
    return tls_io_error(n, rc, "write");
}

static int32_t plain_send(ocpp_posix_net_t *n, const uint8_t *data, size_t len)
{
    ssize_t w = send(n->fd, data, len > IO_MAX ? IO_MAX : len, MSG_NOSIGNAL);
    if (w >= 0) {
        return (int32_t)w;
    }
    if (would_block(errno)) {
        return 0;
    }
    n->last_error = errno;
    net_log(n, OCPP_LOG_WARN, "net: send failed: %s", strerror(errno));
    return errno == EPIPE ? OCPP_ERR_CLOSED : OCPP_ERR_IO;
}

static int32_t net_send(void *ctx, const uint8_t *data, size_t len)
{
    ocpp_posix_net_t *n = ctx;
    if (n == NULL || (data == NULL && len > 0u)) {
        return OCPP_ERR_PARAM;
    }
    if (n->state != NET_OPEN) {
        return OCPP_ERR_CLOSED;
    }
    if (len == 0u) {
        return 0;
    }
    return n->tls ? tls_send(n, data, len) : plain_send(n, data, len);
}

static int32_t tls_recv(ocpp_posix_net_t *n, uint8_t *buf, size_t cap)
{
    int rc = mbedtls_ssl_read(&n->ssl, buf, cap > IO_MAX ? IO_MAX : cap);
    if (rc > 0) {
        return (int32_t)rc;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        return 0;
    }
    if (rc == 0) {
        net_log(n, OCPP_LOG_WARN, "tls: peer closed without close_notify");
        return OCPP_ERR_CLOSED;
    }
    return tls_io_error(n, rc, "read");
}

static int32_t plain_recv(ocpp_posix_net_t *n, uint8_t *buf, size_t cap)
{
    ssize_t r = recv(n->fd, buf, cap > IO_MAX ? IO_MAX : cap, 0);
    if (r > 0) {
        return (int32_t)r;
    }
    if (r == 0) {
        return OCPP_ERR_CLOSED;
    }
    if (would_block(errno)) {
        return 0;
    }
    n->last_error = errno;
    net_log(n, OCPP_LOG_WARN, "net: recv failed: %s", strerror(errno));
    return OCPP_ERR_IO;
}

static int32_t net_recv(void *ctx, uint8_t *buf, size_t cap)
{
    ocpp_posix_net_t *n = ctx;
    if (n == NULL || (buf == NULL && cap > 0u)) {
        return OCPP_ERR_PARAM;
    }
    if (n->state != NET_OPEN) {
        return OCPP_ERR_CLOSED;
    }
    if (cap == 0u) {
        return 0;
    }
    return n->tls ? tls_recv(n, buf, cap) : plain_recv(n, buf, cap);
}

void ocpp_posix_net_port(ocpp_posix_net_t *n, ocpp_net_port_t *out)
{
    if (out == NULL) {
        return;
    }
    out->ctx = n;
    out->connect = net_connect;
    out->send = net_send;
    out->recv = net_recv;
    out->close = net_close;
}

/* ------------------------------------------------------------------------ */
/* Introspection for poll loops and diagnostics                              */
/* ------------------------------------------------------------------------ */

int ocpp_posix_net_fd(const ocpp_posix_net_t *n)
{
    return n != NULL ? n->fd : -1;
}

short ocpp_posix_net_events(const ocpp_posix_net_t *n)
{
    if (n == NULL || n->fd < 0) {
        return 0;
    }
    if (n->state == NET_TCP || n->want_write || n->tx_pending != 0u) {
        return POLLOUT;
    }
    return POLLIN;
}

bool ocpp_posix_net_pending(const ocpp_posix_net_t *n)
{
    if (n == NULL || !n->ssl_active || n->state != NET_OPEN) {
        return false;
    }
    return mbedtls_ssl_get_bytes_avail(&n->ssl) > 0u || mbedtls_ssl_check_pending(&n->ssl) != 0;
}

uint32_t ocpp_posix_net_verify_flags(const ocpp_posix_net_t *n)
{
    return n != NULL ? n->verify_flags : 0u;
}

int ocpp_posix_net_last_error(const ocpp_posix_net_t *n)
{
    return n != NULL ? n->last_error : 0;
}
