/**
 * @file http.c
 * @brief ocpp-sim's HTTP server: libmicrohttpd in external epoll mode, run
 *        from the one event loop (no threads). Collects request bodies up
 *        to SIM_BODY_MAX (413 beyond), hands requests to sim_api(), streams
 *        server-sent events from the shared ring.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "sim.h"

typedef struct {
    char *body;
    size_t len;
    bool too_large;
} req_t;

/** An event-stream client; suspended (no polling) while it has nothing to send. */
typedef struct sse_client {
    sim_t *sim;
    struct MHD_Connection *conn;
    struct sse_client *next_client;
    uint64_t next;
    int station;
    unsigned snap; /**< Next station of the snapshot on connect (sim->n: done). */
    bool hello;
    bool suspended;
    bool active; /**< Sent something since the last keep-alive round. */
    bool ka_due; /**< A keep-alive comment is to go. */
} sse_client_t;

/** A body announced larger than SIM_BODY_MAX but up to this is read and dropped
 *  before the 413; a larger one is answered at once. */
#define SIM_BODY_DRAIN_MAX (16u << 20)

#define SSE_BLOCK (2u * SIM_SSE_TEXT + 64u) /**< Any one event fits a read. */

static bool pending(const sse_client_t *c)
{
    const sim_t *sim = c->sim;
    if (c->ka_due || c->snap < sim->n) {
        return true;
    }
    for (uint64_t q = c->next; q < sim->sse_seq; q++) {
        if (c->station < 0 || sim->sse[q % SIM_SSE_ENTRIES].station == (unsigned)c->station) {
            return true;
        }
    }
    return false;
}

void sim_http_keepalive(sim_t *sim)
{
    for (sse_client_t *c = sim->sse_clients; c != NULL; c = c->next_client) {
        if (!c->active) {
            c->ka_due = true;
        }
        c->active = false;
    }
    sim_http_wake(sim);
}

/** One event "id: N\nevent: ...\ndata: ...\n\n" at buf (id < 0: none); 0 if it does not fit. */
static size_t put_event(char *buf, size_t max, int64_t id, const char *type, const char *data,
                        size_t len)
{
    char head[64];
    int h = id >= 0
                ? snprintf(head, sizeof head, "id: %lld\nevent: %s\ndata: ", (long long)id, type)
                : snprintf(head, sizeof head, "event: %s\ndata: ", type);
    if (h < 0 || (size_t)h + len + 2u > max) {
        return 0;
    }
    memcpy(buf, head, (size_t)h);
    memcpy(buf + h, data, len);
    buf[(size_t)h + len] = '\n';
    buf[(size_t)h + len + 1u] = '\n';
    return (size_t)h + len + 2u;
}

/** The snapshot on connect: a `state` event of every station (of the one streamed). */
static size_t sse_snapshot(sse_client_t *c, char *buf, size_t max)
{
    sim_t *sim = c->sim;
    size_t n = 0;
    char *json = malloc(SIM_SSE_TEXT);
    if (json == NULL) {
        return 0;
    }
    while (c->snap < sim->n) {
        if (c->station >= 0 && c->snap != (unsigned)c->station) {
            c->snap++;
            continue;
        }
        size_t len = 0;
        sim_write_station_json(json, SIM_SSE_TEXT, &sim->st[c->snap], &len);
        size_t k = put_event(buf + n, max - n, (int64_t)c->next - 1, "state", json, len);
        if (k == 0) {
            break;
        }
        n += k;
        c->snap++;
    }
    free(json);
    return n;
}

void sim_http_wake(sim_t *sim)
{
    for (sse_client_t *c = sim->sse_clients; c != NULL; c = c->next_client) {
        if (c->suspended && pending(c)) {
            c->suspended = false;
            MHD_resume_connection(c->conn);
        }
    }
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    sse_client_t *c = cls;
    sim_t *sim = c->sim;
    size_t n = 0;
    (void)pos;
    if (sim->httpd_stopping) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    if (!c->hello) {
        static const char hello[] = ": ocpp-sim events\n\n";
        c->hello = true;
        memcpy(buf, hello, sizeof hello - 1);
        return (ssize_t)(sizeof hello - 1);
    }
    if (c->snap < sim->n) {
        n = sse_snapshot(c, buf, max);
        if (n > 0) {
            c->active = true;
            return (ssize_t)n;
        }
    }
    if (sim->sse_seq > SIM_SSE_ENTRIES && c->next < sim->sse_seq - SIM_SSE_ENTRIES) {
        c->next = sim->sse_seq - SIM_SSE_ENTRIES; /* too slow: skip what was overwritten */
    }
    while (c->next < sim->sse_seq) {
        const sim_sse_t *e = &sim->sse[c->next % SIM_SSE_ENTRIES];
        if (c->station >= 0 && e->station != (unsigned)c->station) {
            c->next++;
            continue;
        }
        char idl[32];
        int h = snprintf(idl, sizeof idl, "id: %llu\n", (unsigned long long)c->next);
        if (n + (size_t)h + e->len > max) {
            break;
        }
        memcpy(buf + n, idl, (size_t)h);
        memcpy(buf + n + (size_t)h, e->text, e->len);
        n += (size_t)h + e->len;
        c->next++;
    }
    if (n == 0 && c->ka_due) {
        static const char ka[] = ": keep-alive\n\n";
        memcpy(buf, ka, sizeof ka - 1);
        n = sizeof ka - 1;
    }
    c->ka_due = false;
    c->active = c->active || n > 0;
    if (n == 0) {
        c->suspended = true; /* sim_http_wake() resumes it when an event comes */
        MHD_suspend_connection(c->conn);
    }
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    sse_client_t *c = cls;
    for (sse_client_t **p = (sse_client_t **)&c->sim->sse_clients; *p != NULL;
         p = &(*p)->next_client) {
        if (*p == c) {
            *p = c->next_client;
            break;
        }
    }
    sim_sse_attach(c->sim, c->station, false);
    free(c);
}

static enum MHD_Result queue(struct MHD_Connection *conn, sim_t *sim, const sim_reply_t *r)
{
    struct MHD_Response *resp;
    if (r->sse) {
        sse_client_t *c = calloc(1, sizeof *c);
        if (c == NULL) {
            return MHD_NO;
        }
        *c = (sse_client_t){.sim = sim,
                            .conn = conn,
                            .next_client = sim->sse_clients,
                            .next = sim->sse_seq,
                            .station = r->sse_station};
        /* A reconnect with Last-Event-ID: the events after it, if the ring still
         * has them all (and none was left unbuilt for want of a listener, api.c);
         * otherwise (and on a first connect) the snapshot. */
        const char *last = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Last-Event-ID");
        char *end = NULL;
        unsigned long long id = last != NULL ? strtoull(last, &end, 10) : 0;
        uint64_t oldest = sim->sse_seq > SIM_SSE_ENTRIES ? sim->sse_seq - SIM_SSE_ENTRIES : 0;
        if (last != NULL && last[0] >= '0' && last[0] <= '9' && *end == '\0' && id < sim->sse_seq &&
            id + 1u >= oldest && id + 1u >= sim->sse_skip_end) {
            c->next = id + 1u;
            c->snap = sim->n; /* resumed: no snapshot */
        }
        sim->sse_clients = c;
        sim_sse_attach(sim, c->station, true);
        resp =
            MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK, sse_read, c, sse_free);
        MHD_add_response_header(resp, "Content-Type", "text/event-stream");
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
    } else {
        resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(resp, "Content-Type",
                                r->content_type ? r->content_type : "application/json");
        if (r->allow != NULL) {
            MHD_add_response_header(resp, "Allow", r->allow);
        }
    }
    if (resp == NULL) {
        return MHD_NO;
    }
    enum MHD_Result ret = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    sim_t *sim = cls;
    req_t *rq = *con_cls;
    (void)version;
    if (rq == NULL) {
        rq = calloc(1, sizeof *rq);
        if (rq == NULL) {
            return MHD_NO;
        }
        *con_cls = rq;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
        unsigned long long announced = cl != NULL ? strtoull(cl, NULL, 10) : 0u;
        if (announced > SIM_BODY_MAX) {
            rq->too_large = true;
            /* A client waiting for "100 Continue", or one announcing more than we
             * would read to drop it: 413 at once, without the body, and the
             * connection closes. Smaller bodies are read and dropped first, so
             * that a client busy sending sees the answer (no reset under it). */
            if (announced > SIM_BODY_DRAIN_MAX ||
                (expect != NULL && strcasecmp(expect, "100-continue") == 0)) {
                sim_reply_t r = {0};
                sim_api(sim, method, url, NULL, NULL, 0, true, &r);
                enum MHD_Result ret = queue(conn, sim, &r);
                free(r.body);
                return ret;
            }
        }
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (!rq->too_large && rq->len + *upload_size <= SIM_BODY_MAX) {
            char *nb = realloc(rq->body, rq->len + *upload_size + 1);
            if (nb == NULL) {
                return MHD_NO;
            }
            rq->body = nb;
            memcpy(rq->body + rq->len, upload_data, *upload_size);
            rq->len += *upload_size;
        } else {
            rq->too_large = true;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    const char *since = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "since");
    sim_reply_t r = {0};
    sim->accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
    sim_api(sim, method, url, since, rq->body, rq->len, rq->too_large, &r);
    enum MHD_Result ret = queue(conn, sim, &r);
    free(r.body);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    req_t *rq = *con_cls;
    (void)cls;
    (void)conn;
    (void)toe;
    if (rq != NULL) {
        free(rq->body);
        free(rq);
        *con_cls = NULL;
    }
}

/** Split "HOST:PORT" / "[V6]:PORT" and resolve numerically or by name. */
static int resolve(const char *hostport, struct sockaddr_storage *ss, socklen_t *sl)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    if (colon == NULL || colon == hostport || (size_t)(colon - hostport) >= sizeof host) {
        return -1;
    }
    size_t hl = (size_t)(colon - hostport);
    memcpy(host, hostport, hl);
    host[hl] = '\0';
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port > 65535) {
        return -1;
    }
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0 || ai == NULL) {
        return -1;
    }
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *sl = (socklen_t)ai->ai_addrlen;
    freeaddrinfo(ai);
    return 0;
}

/** libmicrohttpd's error log, without the lines about a client that went
 *  away (an event stream whose browser tab closed: not an error). */
static void http_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    if (strncmp(fmt, "Failed to send", 14) == 0 || strstr(fmt, "onnection reset") != NULL ||
        strstr(fmt, "roken pipe") != NULL) {
        return;
    }
    fputs("ocpp-sim: http: ", stderr);
    vfprintf(stderr, fmt, ap);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/** %XX decoding of the path and arguments; %00 stays as it is, so a NUL
 *  cannot cut a path short ("/api/connectors/1%00" is no connector 1). */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    size_t w = 0;
    (void)cls;
    (void)conn;
    for (size_t r = 0; s[r] != '\0'; r++) {
        int hi = s[r] == '%' ? hexval(s[r + 1]) : -1;
        int lo = hi >= 0 ? hexval(s[r + 2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            s[w++] = (char)(hi * 16 + lo);
            r += 2;
        } else {
            s[w++] = s[r];
        }
    }
    s[w] = '\0';
    return w;
}

int sim_http_start(sim_t *sim, const char *hostport)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    if (resolve(hostport, &ss, &sl) != 0) {
        fprintf(stderr, "ocpp-sim: bad --http address %s (HOST:PORT)\n", hostport);
        return -1;
    }
    /* Our own listening socket: a port in use is reported as it is. */
    int fd = socket(ss.ss_family, SOCK_STREAM, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 64) != 0) {
        fprintf(stderr, "ocpp-sim: cannot listen on %s: %s\n", hostport, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    struct sockaddr_storage bound;
    socklen_t bl = sizeof bound;
    unsigned port = 0;
    if (getsockname(fd, (struct sockaddr *)&bound, &bl) == 0) {
        port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                 : ((struct sockaddr_in *)&bound)->sin_port);
    }
    unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    sim->httpd = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, sim, MHD_OPTION_EXTERNAL_LOGGER, http_log,
        NULL, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, sim, MHD_OPTION_CONNECTION_LIMIT, 256u,
        MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_END);
    if (sim->httpd == NULL) {
        fprintf(stderr, "ocpp-sim: cannot serve HTTP on %s\n", hostport);
        close(fd);
        return -1;
    }
    char host[INET6_ADDRSTRLEN] = "127.0.0.1";
    const void *a = ss.ss_family == AF_INET6
                        ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
                        : (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
    inet_ntop(ss.ss_family, a, host, sizeof host);
    printf(ss.ss_family == AF_INET6 ? "dashboard: http://[%s]:%u/\n" : "dashboard: http://%s:%u/\n",
           host, port);
    fflush(stdout);
    return 0;
}

void sim_http_run(sim_t *sim)
{
    if (sim->httpd != NULL) {
        MHD_run(sim->httpd);
    }
}

int sim_http_fd(const sim_t *sim)
{
    if (sim->httpd == NULL) {
        return -1;
    }
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(sim->httpd, MHD_DAEMON_INFO_EPOLL_FD);
    return i != NULL ? i->epoll_fd : -1;
}

uint32_t sim_http_timeout(const sim_t *sim, uint32_t max_ms)
{
    MHD_UNSIGNED_LONG_LONG t;
    if (sim->httpd != NULL && MHD_get_timeout(sim->httpd, &t) == MHD_YES && t < max_ms) {
        return (uint32_t)t;
    }
    return max_ms;
}

void sim_http_stop(sim_t *sim)
{
    if (sim->httpd != NULL) {
        /* MHD aborts when stopped with suspended connections: end the streams first. */
        sim->httpd_stopping = true;
        for (sse_client_t *c = sim->sse_clients; c != NULL; c = c->next_client) {
            if (c->suspended) {
                c->suspended = false;
                MHD_resume_connection(c->conn);
            }
        }
        MHD_run(sim->httpd);
        MHD_stop_daemon(sim->httpd);
        sim->httpd = NULL;
    }
}
