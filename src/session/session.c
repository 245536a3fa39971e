/**
 * @file session.c
 * @brief The OCPP-J session (see session.h): connection life cycle with
 *        back-off, the one outstanding CALL, the receive loop.
 */
#include <string.h>

#include "session/session.h"
#include "util/log.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 30000u
#define DEFAULT_BACKOFF_MIN_MS     1000u
#define DEFAULT_BACKOFF_MAX_MS     60000u
/** Messages handled per poll at most, so one poll stays short. */
#define MAX_MSGS_PER_POLL 8
/** How often a message port without next_due is polled (its pings). */
#define SESSION_PORT_POLL_MS 1000u
/** Calls of the port's send_part for one piece that it takes only in part. */
#define SEND_PART_TRIES 8u

/* ------------------------------------------------------------------------ */
/* URL                                                                       */
/* ------------------------------------------------------------------------ */

/** RFC 3986 §2.3 unreserved: ALPHA, DIGIT, "-", ".", "_", "~". */
static bool is_unreserved(unsigned char c)
{
    return (unsigned)((c | 0x20u) - 'a') < 26u || (unsigned)(c - '0') < 10u ||
           (unsigned)(c - '-') < 2u || c == '_' || c == '~';
}

/** Append s to out[*n..cap) percent-encoding reserved characters (the runs
 *  of unreserved ones copied whole). */
static bool put_encoded(char *out, size_t cap, size_t *n, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = *n; /* (a local: a store to out[] could change *n) */
    for (;;) {
        const char *run = s;
        while (is_unreserved((unsigned char)*s)) {
            s++;
        }
        size_t len = (size_t)(s - run);
        unsigned char c = (unsigned char)*s;
        if (k + len + (c != 0u ? 3u : 0u) >= cap) {
            return false;
        }
        memcpy(out + k, run, len);
        k += len;
        if (c == 0u) {
            *n = k;
            return true;
        }
        out[k++] = '%';
        out[k++] = hex[c >> 4];
        out[k++] = hex[c & 0x0Fu];
        s++;
    }
}

/**
 * Parse "ws[s]://host[:port][/path]" into s->url ("host\0path/identity\0")
 * and s->open. IPv6 literals in brackets.
 */
static ocpp_status_t parse_url(ocpp_session_t *s, const char *url, const char *identity)
{
    const char *p = url;
    if (p[0] != 'w' || p[1] != 's') {
        return OCPP_ERR_PARAM;
    }
    bool tls = p[2] == 's';
    p += tls ? 3 : 2;
    if (p[0] != ':' || p[1] != '/' || p[2] != '/') {
        return OCPP_ERR_PARAM;
    }
    p += 3;
    const char *host = p;
    size_t hlen;
    if (*p == '[') {
        const char *close = strchr(++host, ']');
        if (close == NULL) {
            return OCPP_ERR_PARAM;
        }
        hlen = (size_t)(close - host);
        p = close + 1;
    } else {
        hlen = strcspn(p, ":/");
        p += hlen;
    }
    uint32_t port = tls ? 443u : 80u;
    if (*p == ':') {
        const char *digits = ++p;
        port = 0u;
        for (uint32_t d; (d = (uint32_t)(uint8_t)*p - '0') < 10u; p++) {
            port = port * 10u + d;
            if (port > 65535u) {
                return OCPP_ERR_PARAM;
            }
        }
        if (p == digits || port == 0u) {
            return OCPP_ERR_PARAM;
        }
    }
    if (*p != '\0' && *p != '/') {
        return OCPP_ERR_PARAM;
    }
    size_t plen = strlen(p);
    if (hlen == 0u || hlen + plen + 3u >= sizeof s->url) {
        return OCPP_ERR_PARAM;
    }
    memcpy(s->url, host, hlen);
    s->url[hlen] = '\0';
    size_t n = hlen + 1u;
    char *path = &s->url[n];
    /* NUL-terminated below, after the identity is appended. */
    memcpy(path, p, plen); // NOLINT(bugprone-not-null-terminated-result)
    n += plen;
    if (plen == 0u || s->url[n - 1u] != '/') {
        s->url[n++] = '/';
    }
    if (!put_encoded(s->url, sizeof s->url, &n, identity)) {
        return OCPP_ERR_PARAM;
    }
    s->url[n] = '\0';
    s->open.ep.host = s->url;
    s->open.ep.port = (uint16_t)port;
    s->open.ep.tls = tls;
    s->open.path = path;
    return OCPP_OK;
}

/* The members proto .. send_cap of ocpp_session_t are those of
 * ocpp_session_init_t, in the same places: init copies them whole. */
#define SESSION_SAME(m)                                               \
    (offsetof(ocpp_session_t, m) - offsetof(ocpp_session_t, proto) == \
     offsetof(ocpp_session_init_t, m))
_Static_assert(SESSION_SAME(proto_ctx) && SESSION_SAME(notify) && SESSION_SAME(notify_ctx) &&
                   SESSION_SAME(ports) && SESSION_SAME(config) && SESSION_SAME(log) &&
                   SESSION_SAME(send_buf) && SESSION_SAME(send_cap),
               "the session's wiring is laid out as ocpp_session_init_t");
#define SESSION_WIRING (offsetof(ocpp_session_init_t, send_cap) + sizeof(size_t))

/** The first reconnect delay (ocpp_cp_config_t.backoff_min_ms; 0: the default). */
static uint32_t backoff_min(const ocpp_session_t *s)
{
    uint32_t v = s->config->backoff_min_ms;
    return v != 0u ? v : DEFAULT_BACKOFF_MIN_MS;
}

/** Reconnect with the first delay; now: at once. */
static void backoff_reset(ocpp_session_t *s, bool now)
{
    s->backoff_ms = backoff_min(s);
    if (now) {
        s->retry_at_ms = s->now_ms;
    }
}

/* ------------------------------------------------------------------------ */
/* Init, events                                                              */
/* ------------------------------------------------------------------------ */

ocpp_status_t ocpp_session_init(ocpp_session_t *s, const ocpp_session_init_t *in)
{
    memcpy(&s->proto, in, SESSION_WIRING);
    s->msg_events = in->msg_events; /* (notify() checks for a notify) */
    if (parse_url(s, in->config->csms_url, in->config->identity) != OCPP_OK) {
        return OCPP_ERR_PARAM;
    }
    s->open.subprotocol = in->proto->subprotocol;
    s->open.basic_user = NULL;
    s->open.basic_pass = NULL;
    s->open.basic_pass_len = 0u;
    ocpp_rpc_ids_t ids;
    ocpp_rpc_ids_init(&ids, in->ports->random(in->ports->random_ctx));
    s->id_prefix = ids.prefix;
    s->id_counter = ids.counter;
    s->call_timeout_ms = 30000u;
    s->network_enabled = true;
    backoff_reset(s, false);
    s->conn = OCPP_CP_OFFLINE;
    return OCPP_OK;
}

void ocpp_session_start(ocpp_session_t *s, uint32_t now_ms)
{
    s->now_ms = now_ms;
    s->retry_at_ms = now_ms;
    s->last_call_ms = now_ms;
    s->conn_since_ms = now_ms;
}

static void notify(ocpp_session_t *s, ocpp_cp_event_t *ev)
{
    if (s->notify != NULL) {
        ev->conn = s->conn;
        s->notify(s->notify_ctx, ev);
    }
}

/** An event for the application: kind, and what goes with it (every member
 *  given: no zeroing call, a small frame; a message piece's event is on the
 *  deepest stack path). */
static void emit(ocpp_session_t *s, ocpp_cp_event_kind_t kind, ocpp_status_t status,
                 const char *text, size_t len, int32_t value)
{
    ocpp_cp_event_t ev = {.kind = kind,
                          .conn = s->conn,
                          .status = status,
                          .connector = 0u,
                          .value = value,
                          .text = text,
                          .len = len,
                          .unix_time = 0};
    notify(s, &ev);
}

static void set_conn(ocpp_session_t *s, ocpp_cp_conn_t conn)
{
    if (s->conn == conn) {
        return;
    }
    s->conn = conn;
    s->conn_since_ms = s->now_ms;
    if (s->log->fn != NULL) { /* (the name is not looked up for no logger) */
        LOGI(s->log, "connection %s", ocpp_cp_conn_str(conn));
    }
    s->proto->on_conn(s->proto_ctx, conn);
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_CONNECTION};
    notify(s, &ev);
}

void ocpp_session_set_conn(ocpp_session_t *s, ocpp_cp_conn_t conn)
{
    if (conn == OCPP_CP_ACCEPTED) {
        s->registered = true;
        backoff_reset(s, false);
    }
    set_conn(s, conn);
}

bool ocpp_session_online(const ocpp_session_t *s)
{
    return s->conn == OCPP_CP_ACCEPTED && s->transport_open;
}

bool ocpp_session_busy(const ocpp_session_t *s)
{
    return s->send_busy || s->call_active;
}

char *ocpp_session_scratch(ocpp_session_t *s, size_t *cap)
{
    *cap = s->send_cap;
    return s->send_busy ? NULL : s->send_buf;
}

/* ------------------------------------------------------------------------ */
/* Connection life cycle                                                     */
/* ------------------------------------------------------------------------ */

/** The outstanding CALL is over without an answer. */
static void call_failed(ocpp_session_t *s, ocpp_status_t why)
{
    if (s->call_active) {
        s->call_active = false;
        s->proto->on_failed(s->proto_ctx, s->call_owner, s->call_kind, why);
    }
}

/** Drop the connection and schedule a reconnect with back-off and jitter. */
static void connection_lost(ocpp_session_t *s, ocpp_status_t why)
{
    if (s->transport_open || s->conn == OCPP_CP_CONNECTING) {
        s->ports->msg->close(s->ports->msg->ctx);
    }
    s->transport_open = false;
    s->send_busy = false;
    call_failed(s, why);
    /* Jitter: wait between 1/2 and 1 of the back-off, so that many charge
     * points cut off together do not come back in lockstep. */
    uint32_t half = s->backoff_ms / 2u;
    uint32_t jitter = half > 0u ? s->ports->random(s->ports->random_ctx) % (half + 1u) : 0u;
    s->retry_at_ms = s->now_ms + half + jitter;
    /* (the longest: ocpp_cp_config_t.backoff_max_ms; below the first, the default) */
    uint32_t max = s->config->backoff_max_ms;
    max = max >= backoff_min(s) ? max : DEFAULT_BACKOFF_MAX_MS;
    s->backoff_ms = s->backoff_ms > max / 2u ? max : s->backoff_ms * 2u;
    set_conn(s, OCPP_CP_OFFLINE);
}

static void connect_failed(ocpp_session_t *s, ocpp_status_t why)
{
    LOGW(s->log, "connect failed: %s", ocpp_status_str(why));
    emit(s, OCPP_CP_EV_CONNECT_FAILED, why, NULL, 0u, 0);
    connection_lost(s, why);
}

static void apply_keepalive(ocpp_session_t *s)
{
    if (s->ports->msg->set_keepalive != NULL) {
        s->ports->msg->set_keepalive(s->ports->msg->ctx, s->keepalive_s);
    }
}

void ocpp_session_set_keepalive(ocpp_session_t *s, uint32_t interval_s)
{
    s->keepalive_s = interval_s;
    if (s->transport_open) {
        apply_keepalive(s);
    }
}

void ocpp_session_set_credentials(ocpp_session_t *s, const char *user, const char *pass,
                                  size_t pass_len)
{
    s->open.basic_user = user;
    s->open.basic_pass = user != NULL ? pass : NULL;
    s->open.basic_pass_len = user != NULL ? pass_len : 0u;
}

static void on_open(ocpp_session_t *s)
{
    s->transport_open = true;
    apply_keepalive(s);
    s->last_call_ms = s->now_ms;
    /* A reconnect is no reboot: no new boot notification (OCPP 1.6 §4.2
     * sends one "each time it boots or reboots"). */
    set_conn(s, s->registered ? OCPP_CP_ACCEPTED : OCPP_CP_BOOTING);
}

static void drive_connect(ocpp_session_t *s)
{
    if (s->conn == OCPP_CP_OFFLINE) {
        if (!s->network_enabled || !ocpp_due(s->now_ms, s->retry_at_ms)) {
            return;
        }
        set_conn(s, OCPP_CP_CONNECTING);
    }
    /* Security profiles 2 and 3 (whitepaper §2.4, §2.5) use TLS: never ws://. */
    ocpp_status_t st = (s->tls_required && !s->open.ep.tls)
                           ? OCPP_ERR_TLS
                           : s->ports->msg->open(s->ports->msg->ctx, &s->open);
    if (st == OCPP_OK) {
        on_open(s);
    } else if (st == OCPP_PENDING) {
        uint32_t timeout = s->config->connect_timeout_ms;
        if (s->now_ms - s->conn_since_ms >=
            (timeout != 0u ? timeout : DEFAULT_CONNECT_TIMEOUT_MS)) {
            connect_failed(s, OCPP_ERR_TIMEOUT);
        }
    } else {
        connect_failed(s, st);
    }
}

void ocpp_session_set_network(ocpp_session_t *s, bool enabled)
{
    if (s->network_enabled == enabled) {
        return;
    }
    s->network_enabled = enabled;
    if (!enabled && s->conn != OCPP_CP_OFFLINE) {
        connection_lost(s, OCPP_ERR_CLOSED);
    }
    if (enabled) {
        backoff_reset(s, true);
    }
}

void ocpp_session_reconnect_later(ocpp_session_t *s)
{
    s->reconnect_pending = s->transport_open;
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                   */
/* ------------------------------------------------------------------------ */

/** The application sees each piece (value: its offset in the message;
 *  status OCPP_PENDING while more follow). */
static void notify_out(ocpp_session_t *s, const ocpp_jw_t *w, size_t len, ocpp_status_t more)
{
    if (s->msg_events) {
        emit(s, OCPP_CP_EV_MSG_OUT, more, w->buf, len, (int32_t)w->flushed);
    }
}

/**
 * The writer's flush sink: the transmit buffer is full, so what it holds goes
 * out as a piece of the message (RFC 6455 §5.4: a fragment; the message ends
 * with send_submit()). It must be taken whole before the writer goes on, so
 * the port is asked again a few times; if it still cannot, the message is cut
 * (the writer overflows) and send_submit() gives it up with the connection.
 */
static bool send_piece(ocpp_jw_t *w)
{
    ocpp_session_t *s = w->flush_ctx;
    ocpp_status_t st = OCPP_PENDING;
    if (s->ports->msg->send_part == NULL) {
        return false; /* the port takes whole messages only: it must fit */
    }
    notify_out(s, w, w->len, OCPP_PENDING);
    for (unsigned i = 0; i < SEND_PART_TRIES && st == OCPP_PENDING; i++) {
        st = s->ports->msg->send_part(s->ports->msg->ctx, w->buf, w->len);
    }
    s->piece_failed = st != OCPP_OK;
    return !s->piece_failed;
}

/** Start a writer on the transmit buffer, behind the transport's headroom;
 *  with a port that takes pieces, a message may be larger than the buffer. */
static void send_writer(ocpp_session_t *s, ocpp_jw_t *w)
{
    ocpp_jw_init(w, s->send_buf + OCPP_MSG_HEADROOM, s->send_cap - OCPP_MSG_HEADROOM);
    w->flush = send_piece;
    w->flush_ctx = s;
    s->piece_failed = false;
}

/** Push the pending message out. @return true when send_buf is free again. */
static bool send_flush(ocpp_session_t *s)
{
    if (!s->send_busy) {
        return true;
    }
    ocpp_status_t st =
        s->ports->msg->send(s->ports->msg->ctx, s->send_buf + OCPP_MSG_HEADROOM, s->send_len);
    if (st == OCPP_PENDING) {
        return false;
    }
    s->send_busy = false;
    if (st != OCPP_OK) {
        connection_lost(s, st);
        return false;
    }
    return true;
}

/** Queue the finished message in `w` (or its last piece) for sending. */
static ocpp_status_t send_submit(ocpp_session_t *s, ocpp_jw_t *w)
{
    size_t len;
    ocpp_status_t st = ocpp_jw_finish(w, &len);
    if (s->piece_failed || (st != OCPP_OK && w->flushed != 0u)) {
        /* The port did not take a piece, or pieces are out and the rest
         * cannot follow: a message cannot be withdrawn half sent. Like any
         * failed send: reconnect (a CALL fails and is sent again). */
        LOGW(s->log, "message cut; reconnecting");
        connection_lost(s, OCPP_ERR_IO);
        return OCPP_OK;
    }
    if (st != OCPP_OK) {
        return st;
    }
    notify_out(s, w, len, OCPP_OK);
    s->send_len = len;
    s->send_busy = true;
    (void)send_flush(s);
    return OCPP_OK;
}

/** The message id of the last CALL begun into out: the outstanding one
 *  while call_active (no CALL begins while one is outstanding). */
static void last_call_id(const ocpp_session_t *s, char out[OCPP_RPC_ID_MAX + 1])
{
    ocpp_rpc_ids_t ids = {s->id_prefix, s->id_counter - 1u};
    ocpp_rpc_next_id(&ids, out);
}

void ocpp_session_call_begin(ocpp_session_t *s, ocpp_jw_t *w, const char *action)
{
    char id[OCPP_RPC_ID_MAX + 1];
    s->id_counter++;
    last_call_id(s, id);
    send_writer(s, w);
    ocpp_rpc_write_call_open_name(w, id, action);
}

ocpp_status_t ocpp_session_call_end(ocpp_session_t *s, ocpp_jw_t *w, uint8_t owner, uint8_t kind)
{
    ocpp_rpc_write_close(w);
    ocpp_status_t st = send_submit(s, w);
    if (st != OCPP_OK) {
        LOGE(s->log, "CALL does not fit the transmit buffer");
        return st;
    }
    s->call_active = true;
    s->call_owner = owner;
    s->call_kind = kind;
    s->call_sent_ms = s->now_ms;
    s->last_call_ms = s->now_ms;
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Receiving                                                                 */
/* ------------------------------------------------------------------------ */

/** The adapter's OCPP-J dialect. A build without OCPP 2.0.1 speaks 1.6 only,
 *  and links none of the 2.0.1 framing rules (ocpp_rpc_parse_d()). */
#if OCPP_CONFIG_OCPP201
#define DIALECT(s) ((ocpp_rpc_dialect_t)(s)->proto->dialect)
#else
#define DIALECT(s) ((void)(s), OCPP_RPC_DIALECT_16)
#endif

/** OCPP 1.6 §4.2: "While Rejected, the Charge Point SHALL NOT respond to
 *  any Central System initiated message." (2.0.1 answers them instead, with
 *  CALLERROR SecurityError, B03.FR.08: the adapter does.) */
static bool silent(const ocpp_session_t *s)
{
    return s->conn == OCPP_CP_REJECTED && DIALECT(s) == OCPP_RPC_DIALECT_16;
}

static void answer_call(ocpp_session_t *s, const ocpp_rpc_frame_t *f)
{
    if (silent(s)) {
        LOGW(s->log, "ignoring a CALL while Rejected");
        return;
    }
    ocpp_jw_t w;
    send_writer(s, &w);
    s->proto->answer(s->proto_ctx, f, &w);
    if (send_submit(s, &w) != OCPP_OK) {
        LOGE(s->log, "answer does not fit the transmit buffer");
    }
}

static void answer_bad_frame(ocpp_session_t *s, const ocpp_rpc_frame_t *f)
{
    if (!f->has_id || silent(s)) {
        LOGW(s->log, "malformed message without an id dropped");
        return;
    }
    ocpp_jw_t w;
    send_writer(s, &w);
    ocpp_rpc_write_error_d(&w, f->id, f->id_len, f->error, f->error_desc, DIALECT(s));
    (void)send_submit(s, &w);
}

/** f answers the outstanding CALL. */
static bool answers_call(const ocpp_session_t *s, const ocpp_rpc_frame_t *f)
{
    if (!s->call_active) {
        return false;
    }
    char id[OCPP_RPC_ID_MAX + 1];
    last_call_id(s, id);
    return f->id_len == strlen(id) && memcmp(f->id, id, f->id_len) == 0;
}

static void on_reply(ocpp_session_t *s, const ocpp_rpc_frame_t *f)
{
    if (!answers_call(s, f)) {
        /* OCPP-J: a reply to no outstanding CALL is logged and ignored. */
        LOGW(s->log, "ignoring a reply with unknown message id");
        return;
    }
    s->call_active = false;
    if (f->type == OCPP_RPC_CALLRESULT) {
        s->proto->on_result(s->proto_ctx, s->call_owner, s->call_kind, &f->payload);
    } else {
        LOGW(s->log, "CALL answered with CALLERROR");
        s->proto->on_failed(s->proto_ctx, s->call_owner, s->call_kind, OCPP_ERR_PROTOCOL);
    }
}

static void handle_message(ocpp_session_t *s, const char *msg, size_t len)
{
    ocpp_rpc_frame_t f;
#if OCPP_CONFIG_OCPP201
    ocpp_status_t st = ocpp_rpc_parse_d(msg, len, DIALECT(s), &f);
#else
    ocpp_status_t st = ocpp_rpc_parse(msg, len, &f);
#endif
    /* Shown with an AuthorizationKey masked (whitepaper A01.FR.12): the copy
     * goes to the transmit buffer, free while receiving. */
    if (s->msg_events) {
        size_t n =
            ocpp_rpc_mask_secret(msg, len, st == OCPP_OK ? &f : NULL, s->send_buf, s->send_cap);
        if (n > 0u) {
            msg = s->send_buf;
            len = n;
        }
        emit(s, OCPP_CP_EV_MSG_IN, OCPP_OK, msg, len, 0);
    }
    if (st != OCPP_OK) {
        answer_bad_frame(s, &f);
    } else if (f.type == OCPP_RPC_CALL) {
        answer_call(s, &f);
    } else {
        on_reply(s, &f);
    }
}

static void handle_too_large(ocpp_session_t *s, const char *prefix, size_t len)
{
    ocpp_rpc_frame_t f;
    LOGW(s->log, "refused a message larger than the receive buffer");
    if (ocpp_rpc_recover_id(prefix, len, &f) == OCPP_OK) {
        answer_bad_frame(s, &f);
    }
}

static void receive(ocpp_session_t *s)
{
    for (int i = 0; i < MAX_MSGS_PER_POLL && s->transport_open; i++) {
        if (!send_flush(s)) {
            return; /* an answer must go out before we read the next CALL */
        }
        const char *msg = NULL;
        size_t len = 0;
        ocpp_status_t st = s->ports->msg->recv(s->ports->msg->ctx, s->now_ms, &msg, &len);
        if (st == OCPP_PENDING) {
            return;
        }
        if (st == OCPP_OK) {
            handle_message(s, msg, len);
        } else if (st == OCPP_ERR_TOO_LARGE) {
            handle_too_large(s, msg, len);
        } else {
            LOGW(s->log, "connection lost: %s", ocpp_status_str(st));
            connection_lost(s, st);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Poll                                                                      */
/* ------------------------------------------------------------------------ */

/* Not inlined: its event stays off ocpp_session_poll()'s frame, which is on the
 * deepest stack path (receive). */
#if defined(__GNUC__)
#define SESSION_NOINLINE __attribute__((noinline))
#else
#define SESSION_NOINLINE
#endif

/** The outstanding CALL got no answer in time. */
static SESSION_NOINLINE void call_timed_out(ocpp_session_t *s)
{
    char id[OCPP_RPC_ID_MAX + 1];
    last_call_id(s, id);
    LOGW(s->log, "CALL %s timed out", id);
    emit(s, OCPP_CP_EV_CALL_TIMEOUT, OCPP_OK, id, strlen(id), 0);
    call_failed(s, OCPP_ERR_TIMEOUT);
}

void ocpp_session_poll(ocpp_session_t *s, uint32_t now_ms)
{
    s->now_ms = now_ms;
    if (!s->transport_open) {
        drive_connect(s);
    }
    if (!s->transport_open) {
        return;
    }
    receive(s);
    if (!s->transport_open || !send_flush(s)) {
        return;
    }
    s->proto->idle(s->proto_ctx);
    if (s->reconnect_pending) {
        s->reconnect_pending = false;
        LOGI(s->log, "reconnecting with the new credentials");
        connection_lost(s, OCPP_ERR_CLOSED);
        backoff_reset(s, true);
        return;
    }
    if (s->call_active && s->now_ms - s->call_sent_ms >= s->call_timeout_ms) {
        call_timed_out(s);
    }
    if (!s->call_active && !s->send_busy) {
        s->proto->send_due(s->proto_ctx);
    }
}

uint32_t ocpp_session_next_wakeup_ms(const ocpp_session_t *s, uint32_t now_ms)
{
    if (s->send_busy || s->conn == OCPP_CP_CONNECTING) {
        return 0u;
    }
    if (!s->transport_open) {
        if (!s->network_enabled) {
            return UINT32_MAX; /* nothing until ocpp_session_set_network() */
        }
        int32_t d = (int32_t)(s->retry_at_ms - now_ms);
        return d > 0 ? (uint32_t)d : 0u;
    }
    uint32_t wake = s->proto->next_due(s->proto_ctx, now_ms);
    if (s->call_active) {
        uint32_t since = now_ms - s->call_sent_ms;
        if (since >= s->call_timeout_ms) {
            return 0u;
        }
        uint32_t left = s->call_timeout_ms - since;
        wake = left < wake ? left : wake;
    }
    /* The transport's housekeeping (its pings); one that does not say when
     * it is due is polled every second. */
    uint32_t t = s->ports->msg->next_due != NULL
                     ? s->ports->msg->next_due(s->ports->msg->ctx, now_ms)
                     : SESSION_PORT_POLL_MS;
    return t < wake ? t : wake;
}
