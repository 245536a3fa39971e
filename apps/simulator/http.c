/**
 * @file http.c
 * @brief ocpp-sim's HTTP server: libmicrohttpd in external epoll mode, run
 *        from the one poll() loop (no threads). Collects request bodies up
 *        to SIM_BODY_MAX (413 beyond), hands requests to sim_api(), streams
 *        server-sent events from the shared ring.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    bool hello;
    bool suspended;
} sse_client_t;

static bool pending(const sse_client_t *c)
{
    const sim_t *sim = c->sim;
    for (uint64_t q = c->next; q < sim->sse_seq; q++) {
        if (c->station < 0 || sim->sse[q % SIM_SSE_ENTRIES].station == (unsigned)c->station) {
            return true;
        }
    }
    return false;
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
    if (sim->sse_seq > SIM_SSE_ENTRIES && c->next < sim->sse_seq - SIM_SSE_ENTRIES) {
        c->next = sim->sse_seq - SIM_SSE_ENTRIES; /* too slow: skip what was overwritten */
    }
    while (c->next < sim->sse_seq) {
        const sim_sse_t *e = &sim->sse[c->next % SIM_SSE_ENTRIES];
        if (c->station >= 0 && e->station != (unsigned)c->station) {
            c->next++;
            continue;
        }
        if (n + e->len > max) {
            break;
        }
        memcpy(buf + n, e->text, e->len);
        n += e->len;
        c->next++;
    }
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
        sim->sse_clients = c;
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, c, sse_free);
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
        if (cl != NULL && strtoull(cl, NULL, 10) > SIM_BODY_MAX) {
            rq->too_large = true; /* still read (and drop) the body, then answer 413 */
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

int sim_http_start(sim_t *sim, const char *hostport)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    if (resolve(hostport, &ss, &sl) != 0) {
        fprintf(stderr, "ocpp-sim: bad --http address %s (HOST:PORT)\n", hostport);
        return -1;
    }
    unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    sim->httpd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, sim, MHD_OPTION_SOCK_ADDR,
                                  (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
                                  sim, MHD_OPTION_CONNECTION_LIMIT, 256u,
                                  MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_END);
    if (sim->httpd == NULL) {
        fprintf(stderr, "ocpp-sim: cannot listen on %s\n", hostport);
        return -1;
    }
    const union MHD_DaemonInfo *pi = MHD_get_daemon_info(sim->httpd, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET6_ADDRSTRLEN] = "127.0.0.1";
    const void *a = ss.ss_family == AF_INET6
                        ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
                        : (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
    inet_ntop(ss.ss_family, a, host, sizeof host);
    printf(ss.ss_family == AF_INET6 ? "dashboard: http://[%s]:%u/\n" : "dashboard: http://%s:%u/\n",
           host, pi != NULL ? (unsigned)pi->port : 0u);
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
