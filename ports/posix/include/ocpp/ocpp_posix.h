/**
 * @file ocpp_posix.h
 * @brief The POSIX port: TCP/TLS transport, file storage, clock, randomness
 *        and logging for Linux (and, by design, ESP-IDF's POSIX layer).
 *
 * Everything lives in contexts the caller owns; there is no global state, so
 * one process may run many charge points, each with its own ocpp_posix_net_t
 * and ocpp_posix_storage_t. Unlike the core library the port uses the C
 * library, the OS and mbedTLS freely (mbedTLS allocates its record buffers
 * from the heap during a TLS connection). None of the functions is
 * thread-safe for the same context; different contexts are independent.
 *
 * Only BSD sockets, poll(), getaddrinfo() and POSIX files are used, which
 * ESP-IDF also offers.
 */
#ifndef OCPP_POSIX_H
#define OCPP_POSIX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "ocpp/ocpp_port.h"
#include "ocpp/ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Network: non-blocking TCP and TLS (ocpp_net_port_t)                       */
/* ------------------------------------------------------------------------ */

#ifndef OCPP_POSIX_NET_MAX_ADDRS
/** How many resolved addresses of one host name connect() tries, in order. */
#define OCPP_POSIX_NET_MAX_ADDRS 8
#endif

/** Configuration of ocpp_posix_net_init(). All fields may be NULL / zero. */
typedef struct {
    /** PEM (or DER) file with the CA certificate(s) that sign the server's
        certificate, e.g. the CSMS's root, or the system bundle
        (/etc/ssl/certs/ca-certificates.crt). NULL: TLS is not possible and a
        connect() with ep->tls fails with OCPP_ERR_TLS. Read once, by init. */
    const char *ca_file;
    /** Client certificate chain (PEM) for mutual TLS (OCPP security profile
        3), or NULL. Needs client_key_file. Read once, by init. */
    const char *client_cert_file;
    /** Private key (PEM) of client_cert_file, or NULL. */
    const char *client_key_file;
    /** Password of client_key_file, or NULL if it is not encrypted. */
    const char *client_key_password;
    /** Where the port reports connection failures and their reasons (the
        mbedTLS verification result, errno texts). NULL: silent. */
    ocpp_log_fn log;
    /** Passed to `log` unchanged. */
    void *log_ctx;
    /** Local source address every connection's socket is bound to before
        connect(): a numeric IPv4 or IPv6 address ("127.0.0.2", "::1"), the
        port left to the kernel (chosen at connect(), per destination, with
        IP_BIND_ADDRESS_NO_PORT where the system has it). A program holding
        many connections to one server can so spread them over several source
        addresses, each with its own range of ephemeral ports. NULL: no bind,
        the system picks. Parsed by init (not kept): anything but a numeric
        address is OCPP_ERR_PARAM. A server address of the other family is
        skipped, and a bind() that fails (EADDRNOTAVAIL: not an address of
        this host) fails that address like a refused connect: both are
        logged, and connect() ends with OCPP_ERR_IO when no address is left
        (ocpp_posix_net_last_error(): the errno). */
    const char *bind_addr;
} ocpp_posix_net_config_t;

/**
 * One TCP or TLS connection and the TLS material it uses. The caller owns it
 * (it may be embedded in a larger struct); treat the fields as private. It is
 * about 4 KB on x86-64 (of which init writes only the first 1.1 KB when there
 * is no CA file: the mbedTLS structures are set up for TLS only) plus, while a
 * TLS connection is up, about 33 KB of mbedTLS heap (its record buffers).
 * Initialise it with ocpp_posix_net_init() before any other call.
 */
typedef struct {
    ocpp_log_fn log;
    void *log_ctx;
    int fd;            /* socket, or -1 */
    uint8_t state;     /* enum in posix_net.c */
    uint8_t n_addrs;   /* resolved addresses */
    uint8_t next_addr; /* next one to try */
    bool tls;          /* the current connection uses TLS */
    bool mbed_inited;  /* the mbedTLS structures below are initialised */
    bool tls_ready;    /* the CA chain and the DRBG are set up */
    bool ssl_active;   /* `ssl` is set up and must be freed */
    bool want_write;   /* TLS last asked to write */
    size_t tx_pending; /* bytes of a TLS record still being flushed */
    int last_error;    /* errno, EAI_* or mbedTLS code of the last failure */
    uint32_t verify_flags;
    uint8_t bind_family; /* 0: no bind; AF_INET or AF_INET6 (config bind_addr) */
    uint8_t bind_ip[16]; /* the source address, network order (4 bytes for IPv4) */
    struct sockaddr_storage addrs[OCPP_POSIX_NET_MAX_ADDRS];
    socklen_t addr_lens[OCPP_POSIX_NET_MAX_ADDRS];
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_x509_crt client_cert;
    mbedtls_pk_context client_key;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
} ocpp_posix_net_t;

/**
 * Initialise `n`: no connection; with cfg->ca_file, load the CA chain and
 * seed a CTR-DRBG from the OS entropy, and set up a TLS client configuration
 * (TLS 1.2 or newer, MBEDTLS_SSL_VERIFY_REQUIRED).
 *
 * A CA file in which some certificates fail to parse (common with system
 * bundles) is accepted if at least one certificate was loaded; the failures
 * are logged as a warning.
 *
 * @param n   the context to initialise (not NULL).
 * @param cfg the configuration, or NULL for plain TCP without logging. The
 *            file names are not kept; `log` and `log_ctx` are.
 * @return OCPP_OK; OCPP_ERR_PARAM if n is NULL or a client certificate comes
 *         without its key; OCPP_ERR_TLS if a file cannot be read or parsed or
 *         the DRBG cannot be seeded (reason logged). On error `n` holds
 *         nothing that needs ocpp_posix_net_free(), though calling it is
 *         harmless.
 */
ocpp_status_t ocpp_posix_net_init(ocpp_posix_net_t *n, const ocpp_posix_net_config_t *cfg);

/**
 * Fill `out` with the functions of the port and `n` as their context.
 *
 * The functions follow ocpp_net_port_t, with these specifics:
 * - connect(): the first call resolves ep->host with getaddrinfo(), which
 *   MAY BLOCK for as long as the system resolver takes (IP literals do not
 *   block). It then tries each resolved address (IPv4 and IPv6, at most
 *   OCPP_POSIX_NET_MAX_ADDRS) in order until one accepts the TCP connection.
 *   OCPP_PENDING while a TCP connect or the TLS handshake is in progress;
 *   there is no timeout in the port: the caller gives up by calling close().
 *   OCPP_ERR_DNS: the name did not resolve. OCPP_ERR_IO: no address
 *   accepted the connection. OCPP_ERR_TLS: TLS asked for but no CA file,
 *   handshake failed, or the server certificate did not verify against the
 *   CA file or does not name ep->host (its dNSName subjectAltNames, or the
 *   CN if it has none; mbedTLS 2.28 does not match iPAddress names, so a
 *   server reached by IP literal needs that literal as a dNSName or CN).
 *   After an error the connection is released; the next connect() starts
 *   over. Once connected, connect() returns OCPP_OK again.
 * - send(): never raises SIGPIPE. With TLS, after send() returned 0 the
 *   next send() must offer the same bytes again (at least as many), as
 *   mbedTLS has already encrypted them into a record that it is flushing.
 *   Returns OCPP_ERR_CLOSED when not connected or the peer has gone.
 * - recv(): with TLS, decrypted bytes may remain buffered in the port after
 *   a recv() that filled `cap`: see ocpp_posix_net_pending() before waiting
 *   on the socket.
 * - close(): sends a TLS close_notify if it can without blocking.
 */
void ocpp_posix_net_port(ocpp_posix_net_t *n, ocpp_net_port_t *out);

/** Close any connection and release the TLS material. Idempotent. */
void ocpp_posix_net_free(ocpp_posix_net_t *n);

/**
 * The connection's socket, so a program can poll() many connections, or -1
 * when there is none. Valid until the next connect() or close().
 */
int ocpp_posix_net_fd(const ocpp_posix_net_t *n);

/**
 * The poll() events worth waiting for on ocpp_posix_net_fd(): POLLOUT while
 * a TCP connect is in progress or TLS wants to write, POLLIN otherwise; 0
 * when there is no socket.
 */
short ocpp_posix_net_events(const ocpp_posix_net_t *n);

/**
 * Whether recv() would return data without the socket being readable
 * (decrypted TLS bytes kept by mbedTLS). A poll loop must not wait on the
 * socket while this is true.
 */
bool ocpp_posix_net_pending(const ocpp_posix_net_t *n);

/**
 * The mbedTLS certificate verification flags (MBEDTLS_X509_BADCERT_*) of the
 * last TLS handshake, 0 if it verified or none was done. E.g.
 * MBEDTLS_X509_BADCERT_NOT_TRUSTED (unknown CA), ..._CN_MISMATCH (name).
 */
uint32_t ocpp_posix_net_verify_flags(const ocpp_posix_net_t *n);

/**
 * The raw cause of the last failure: an errno value (> 0), a getaddrinfo()
 * EAI_* code or an mbedTLS error code (both < 0, told apart by the status
 * that was returned), or 0.
 */
int ocpp_posix_net_last_error(const ocpp_posix_net_t *n);

/* ------------------------------------------------------------------------ */
/* Storage: one file per key (ocpp_storage_port_t)                          */
/* ------------------------------------------------------------------------ */

#ifndef OCPP_POSIX_STORAGE_DIR_MAX
/** Longest storage directory path, in bytes, including the NUL. */
#define OCPP_POSIX_STORAGE_DIR_MAX 224
#endif

/**
 * File storage. Record `key` is the file `<dir>/<key>`. write() writes
 * `<dir>/<key>.tmp~` (a name that no valid key can have), fsync()s it,
 * rename()s it over `<dir>/<key>` and fsync()s the directory, so after a
 * power cut read() finds the old or the new record, never a mix; a leftover
 * temporary file is ignored by read() and replaced by the next write().
 *
 * Keys must match [A-Za-z0-9_.-]{1,31} and not be "." or "..": anything
 * else makes read/write/remove return OCPP_ERR_PARAM. Other files in the
 * directory are left alone. One context (one process) per directory.
 *
 * The atomicity rests on rename() replacing an existing target atomically,
 * as POSIX requires. On ESP-IDF that holds for LittleFS, not for FAT (FatFs
 * refuses to rename over an existing file): use LittleFS there.
 */
typedef struct {
    char dir[OCPP_POSIX_STORAGE_DIR_MAX];
} ocpp_posix_storage_t;

/**
 * Initialise `s` on directory `dir`, creating it and its parents (mode 0700)
 * if missing.
 * @return OCPP_OK; OCPP_ERR_PARAM if s or dir is NULL, dir is empty or
 *         longer than OCPP_POSIX_STORAGE_DIR_MAX - 1; OCPP_ERR_IO if it
 *         cannot be created or is not a directory.
 */
ocpp_status_t ocpp_posix_storage_init(ocpp_posix_storage_t *s, const char *dir);

/**
 * Fill `out` with the storage functions and `s` as their context.
 * - read(): the record length, OCPP_ERR_NOT_FOUND, OCPP_ERR_NOMEM (record
 *   larger than cap), OCPP_ERR_PARAM (bad key, or buf NULL with cap > 0),
 *   OCPP_ERR_IO.
 * - write(): OCPP_OK; OCPP_ERR_NOMEM when the file system is full
 *   (ENOSPC/EDQUOT; the old record is kept); OCPP_ERR_PARAM (bad key, or
 *   data NULL with len > 0, or len > INT32_MAX); OCPP_ERR_IO.
 * - remove(): OCPP_OK (also if absent); OCPP_ERR_PARAM; OCPP_ERR_IO.
 */
void ocpp_posix_storage_port(ocpp_posix_storage_t *s, ocpp_storage_port_t *out);

/* ------------------------------------------------------------------------ */
/* Clock                                                                     */
/* ------------------------------------------------------------------------ */

/** Monotonic milliseconds (CLOCK_MONOTONIC), wrapping modulo 2^32. */
uint32_t ocpp_posix_now_ms(void);

/** Wall-clock seconds since 1970-01-01T00:00:00Z (CLOCK_REALTIME). */
int64_t ocpp_posix_unix_time(void);

/* ------------------------------------------------------------------------ */
/* Randomness                                                                */
/* ------------------------------------------------------------------------ */

/**
 * 32 unpredictable bits from the OS (getrandom(), else /dev/urandom); an
 * ocpp_random_fn. `ctx` is unused. Should both fail (not seen on Linux),
 * it degrades to a clock-derived mix and is then NOT unpredictable.
 */
uint32_t ocpp_posix_random(void *ctx);

/**
 * Fill buf[0..len) with unpredictable bytes from the OS (getrandom(), else
 * /dev/urandom). Also seeds the TLS DRBG.
 * @return true on success; false if no OS source works (buf is then
 *         unusable).
 */
bool ocpp_posix_random_bytes(void *buf, size_t len);

/** State of the deterministic generator, for tests and reproducible runs. */
typedef struct {
    uint64_t state;
} ocpp_posix_rng_t;

/** Seed `r` (any seed, 0 included, gives a full-period sequence). */
void ocpp_posix_rng_seed(ocpp_posix_rng_t *r, uint64_t seed);

/**
 * Next 32 bits of the xorshift64* sequence of `ctx` (an ocpp_posix_rng_t *);
 * an ocpp_random_fn. Deterministic: the same seed gives the same sequence.
 * NOT unpredictable: never use it where RFC 6455 §10.3 applies in
 * production.
 */
uint32_t ocpp_posix_rng_next(void *ctx);

/* ------------------------------------------------------------------------ */
/* Logging                                                                   */
/* ------------------------------------------------------------------------ */

/** Optional context of ocpp_posix_log(). */
typedef struct {
    ocpp_log_level_t min_level; /**< Drop messages less severe than this
                                     (e.g. OCPP_LOG_INFO drops DEBUG). */
    const char *prefix;         /**< Printed after the level tag (e.g. the
                                     charge point id), or NULL. */
} ocpp_posix_log_t;

/**
 * An ocpp_log_fn that writes one line to stderr:
 * `[  12.345] W prefix: message`, the time being CLOCK_MONOTONIC seconds.
 * The line is formatted first (at most 511 bytes, longer ones end in "...")
 * and written with one call, so lines of concurrent writers do not mix.
 * @param ctx an ocpp_posix_log_t *, or NULL (all levels, no prefix).
 */
void ocpp_posix_log(void *ctx, ocpp_log_level_t level, const char *fmt, va_list ap);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_POSIX_H */
