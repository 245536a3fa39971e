/**
 * @file cp.c
 * @brief The charge-point session engine: connection life cycle with
 *        back-off, the one outstanding CALL (OCPP-J 1.6 §4.1.1), the receive
 *        loop and dispatch of CS-initiated CALLs, the clock.
 */
#include <stdarg.h>
#include <string.h>

#include "cp/cp_internal.h"
#include "util/text.h"
#include "model/authcache.h"
#include "model/txqueue.h"
#include "store/txstore.h"

#define CP_DEFAULT_CONNECT_TIMEOUT_MS 30000u
#define CP_DEFAULT_BACKOFF_MIN_MS     1000u
#define CP_DEFAULT_BACKOFF_MAX_MS     60000u
/** Messages handled per poll at most, so one poll stays short. */
#define CP_MAX_MSGS_PER_POLL 8

/* ------------------------------------------------------------------------ */
/* URL                                                                       */
/* ------------------------------------------------------------------------ */

static bool is_unreserved(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/** Append s to out[*n..cap) percent-encoding reserved characters. */
static bool put_encoded(char *out, size_t cap, size_t *n, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        size_t need = is_unreserved(*s) ? 1u : 3u;
        if (*n + need >= cap) {
            return false;
        }
        if (need == 1u) {
            out[(*n)++] = *s;
        } else {
            out[(*n)++] = '%';
            out[(*n)++] = hex[c >> 4];
            out[(*n)++] = hex[c & 0x0Fu];
        }
    }
    return true;
}

static bool parse_port(const char *p, const char *end, uint16_t *port)
{
    uint32_t v = 0;
    if (p == end) {
        return false;
    }
    for (; p < end; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        v = v * 10u + (uint32_t)(*p - '0');
        if (v > 65535u) {
            return false;
        }
    }
    *port = (uint16_t)v;
    return v != 0u;
}

/**
 * Parse "ws[s]://host[:port][/path]" into cp->url ("host\0path/identity\0")
 * and cp->ep. IPv6 literals in brackets.
 */
static ocpp_status_t parse_url(ocpp_cp_t *cp, const char *url, const char *identity)
{
    const char *p = url;
    bool tls;
    if (strncmp(p, "ws://", 5) == 0) {
        tls = false;
        p += 5;
    } else if (strncmp(p, "wss://", 6) == 0) {
        tls = true;
        p += 6;
    } else {
        return OCPP_ERR_PARAM;
    }
    const char *host = p;
    const char *host_end;
    if (*p == '[') {
        host = ++p;
        while (*p != '\0' && *p != ']') {
            p++;
        }
        if (*p != ']') {
            return OCPP_ERR_PARAM;
        }
        host_end = p++;
    } else {
        while (*p != '\0' && *p != ':' && *p != '/') {
            p++;
        }
        host_end = p;
    }
    uint16_t port = tls ? 443u : 80u;
    if (*p == ':') {
        const char *ps = ++p;
        while (*p != '\0' && *p != '/') {
            p++;
        }
        if (!parse_port(ps, p, &port)) {
            return OCPP_ERR_PARAM;
        }
    } else if (*p != '\0' && *p != '/') {
        return OCPP_ERR_PARAM;
    }
    size_t hlen = (size_t)(host_end - host);
    size_t plen = strlen(p);
    if (hlen == 0u || hlen + plen + 3u >= sizeof cp->url) {
        return OCPP_ERR_PARAM;
    }
    memcpy(cp->url, host, hlen);
    cp->url[hlen] = '\0';
    size_t n = hlen + 1u;
    char *path = &cp->url[n];
    if (plen == 0u) {
        cp->url[n++] = '/';
    } else {
        /* NUL-terminated below, after the identity is appended. */
        memcpy(path, p, plen); // NOLINT(bugprone-not-null-terminated-result)
        n += plen;
        if (cp->url[n - 1u] != '/') {
            cp->url[n++] = '/';
        }
    }
    if (!put_encoded(cp->url, sizeof cp->url, &n, identity)) {
        return OCPP_ERR_PARAM;
    }
    cp->url[n] = '\0';
    cp->ep.host = cp->url;
    cp->ep.port = port;
    cp->ep.tls = tls;
    cp->open.ep = cp->ep;
    cp->open.path = path;
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Init                                                                      */
/* ------------------------------------------------------------------------ */

static bool config_valid(const ocpp_cp_config_t *c)
{
    return c->identity != NULL && c->identity[0] != '\0' &&
           strlen(c->identity) <= OCPP_CP_IDENTITY_MAX && c->csms_url != NULL &&
           c->vendor != NULL && c->model != NULL && c->connectors >= 1u &&
           c->connectors <= OCPP_CONFIG_MAX_CONNECTORS;
}

static void apply_credentials(ocpp_cp_t *cp)
{
    if (cp->cfg.authorization_key_len > 0u) {
        cp->open.basic_user = cp->config.identity;
        cp->open.basic_pass = (const char *)cp->cfg.authorization_key;
        cp->open.basic_pass_len = cp->cfg.authorization_key_len;
    } else {
        cp->open.basic_user = NULL;
        cp->open.basic_pass = NULL;
        cp->open.basic_pass_len = 0u;
    }
}

ocpp_status_t ocpp_cp_init(ocpp_cp_t *cp, const ocpp_cp_config_t *config,
                           const ocpp_cp_ports_t *ports, char *tx, size_t tx_cap)
{
    if (cp == NULL || config == NULL || ports == NULL || tx == NULL || tx_cap < 512u ||
        ports->msg == NULL || ports->random == NULL || !config_valid(config)) {
        return OCPP_ERR_PARAM;
    }
    memset(cp, 0, sizeof *cp);
    cp->config = *config;
    cp->ports = *ports;
    cp->tx = tx;
    cp->tx_cap = tx_cap;
    if (cp->config.connect_timeout_ms == 0u) {
        cp->config.connect_timeout_ms = CP_DEFAULT_CONNECT_TIMEOUT_MS;
    }
    if (cp->config.backoff_min_ms == 0u) {
        cp->config.backoff_min_ms = CP_DEFAULT_BACKOFF_MIN_MS;
    }
    if (cp->config.backoff_max_ms < cp->config.backoff_min_ms) {
        cp->config.backoff_max_ms = CP_DEFAULT_BACKOFF_MAX_MS;
    }
    if (parse_url(cp, config->csms_url, config->identity) != OCPP_OK) {
        return OCPP_ERR_PARAM;
    }
    cp->open.subprotocol = "ocpp1.6";
    ocpp_cfg_init(&cp->cfg, config->connectors);
    if (ports->storage != NULL) {
        ocpp_status_t st = ocpp_cfg_load(&cp->cfg, ports->storage, tx, tx_cap);
        if (st != OCPP_OK && st != OCPP_ERR_NOT_FOUND) {
            CP_LOGW(cp, "%s: stored configuration unusable (%s), using defaults", config->identity,
                    ocpp_status_str(st));
        }
    }
    apply_credentials(cp);
    ocpp_rpc_ids_t ids;
    ocpp_rpc_ids_init(&ids, ports->random(ports->random_ctx));
    cp->id_prefix = ids.prefix;
    cp->id_counter = ids.counter;
    ocpp_txq_init(&cp->txq);
    ocpp_cp_connectors_init(cp);
    ocpp_txs_load(cp);
    if (ports->storage != NULL &&
        ocpp_auth_cache_load(&cp->cache, ports->storage, tx, tx_cap) == OCPP_ERR_PARSE) {
        CP_LOGW(cp, "%s: stored authorization cache unusable", config->identity);
    }
    if (OCPP_CONFIG_AUTH_CACHE_SIZE == 0) {
        cp->cfg.authorization_cache_enabled = false;
    }
    cp->last_auth = OCPP_AUTH_INVALID;
    cp->network_enabled = true;
    cp->backoff_ms = cp->config.backoff_min_ms;
    cp->conn = OCPP_CP_OFFLINE;
    return OCPP_OK;
}

void ocpp_cp_set_callbacks(ocpp_cp_t *cp, const ocpp_cp_callbacks_t *cb)
{
    if (cp != NULL && cb != NULL) {
        cp->cb = *cb;
    }
}

/* ------------------------------------------------------------------------ */
/* Events, clock                                                             */
/* ------------------------------------------------------------------------ */

static void emit_ev(ocpp_cp_t *cp, ocpp_cp_event_t *ev)
{
    if (cp->cb.on_event != NULL) {
        ev->conn = cp->conn;
        cp->cb.on_event(cp->cb.ctx, ev);
    }
}

void ocpp_cp_log(const ocpp_cp_t *cp, ocpp_log_level_t level, const char *fmt, ...)
{
    if (cp->ports.log == NULL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    cp->ports.log(cp->ports.log_ctx, level, fmt, ap);
    va_end(ap);
}

void ocpp_cp_emit(ocpp_cp_t *cp, ocpp_cp_event_kind_t kind, const char *text, size_t len)
{
    ocpp_cp_event_t ev = {.kind = kind, .text = text, .len = len};
    ev.unix_time = ocpp_cp_time(cp);
    emit_ev(cp, &ev);
}

void ocpp_cp_emit_conn(ocpp_cp_t *cp, ocpp_cp_event_kind_t kind, uint8_t connector, int32_t value,
                       const char *text)
{
    ocpp_cp_event_t ev = {.kind = kind, .connector = connector, .value = value, .text = text};
    ev.len = text != NULL ? strlen(text) : 0u;
    ev.unix_time = ocpp_cp_time(cp);
    emit_ev(cp, &ev);
}

void ocpp_cp_set_conn(ocpp_cp_t *cp, ocpp_cp_conn_t conn)
{
    if (cp->conn == conn) {
        return;
    }
    cp->conn = conn;
    cp->conn_since_ms = cp->now_ms;
    CP_LOGI(cp, "%s: connection %s", cp->config.identity, ocpp_cp_conn_str(conn));
    ocpp_cp_emit(cp, OCPP_CP_EV_CONNECTION, NULL, 0u);
}

/** Keep clock_ms recent so that uint32 wrap never matters. */
static void clock_advance(ocpp_cp_t *cp)
{
    if (cp->clock_unix == 0) {
        return;
    }
    uint32_t elapsed = cp->now_ms - cp->clock_ms;
    if (elapsed >= 1000u) {
        uint32_t s = elapsed / 1000u;
        cp->clock_unix += (int64_t)s;
        cp->clock_ms += s * 1000u;
    }
}

void ocpp_cp_clock_set(ocpp_cp_t *cp, int64_t unix_s)
{
    if (unix_s <= 0) {
        return;
    }
    cp->clock_unix = unix_s;
    cp->clock_ms = cp->now_ms;
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_TIME_SET, .unix_time = unix_s};
    emit_ev(cp, &ev);
}

int64_t ocpp_cp_time(const ocpp_cp_t *cp)
{
    if (cp == NULL || cp->clock_unix == 0) {
        return 0;
    }
    return cp->clock_unix + (int64_t)((cp->now_ms - cp->clock_ms) / 1000u);
}

void ocpp_cp_set_time(ocpp_cp_t *cp, int64_t unix_s)
{
    if (cp != NULL && unix_s > 0) {
        cp->clock_unix = unix_s;
        cp->clock_ms = cp->now_ms;
    }
}

/* ------------------------------------------------------------------------ */
/* Connection life cycle                                                     */
/* ------------------------------------------------------------------------ */

/** Drop the connection and schedule a reconnect with back-off and jitter. */
static void connection_lost(ocpp_cp_t *cp, ocpp_status_t why)
{
    if (cp->transport_open || cp->conn == OCPP_CP_CONNECTING) {
        cp->ports.msg->close(cp->ports.msg->ctx);
    }
    cp->transport_open = false;
    cp->tx_busy = false;
    if (cp->call != OCPP_CP_CALL_NONE) {
        ocpp_v16_on_call_failed(cp, why);
        cp->call = OCPP_CP_CALL_NONE;
    }
    /* The wait after a failed CALL is for a peer that answered badly or not at
     * all; a new connection may send at once (it has its own back-off). */
    cp->call_fail_at_ms = cp->now_ms;
    /* Jitter: wait between 1/2 and 1 of the back-off, so that many charge
     * points cut off together do not come back in lockstep. */
    uint32_t half = cp->backoff_ms / 2u;
    uint32_t jitter = half > 0u ? cp->ports.random(cp->ports.random_ctx) % (half + 1u) : 0u;
    cp->retry_at_ms = cp->now_ms + half + jitter;
    cp->backoff_ms = cp->backoff_ms > cp->config.backoff_max_ms / 2u ? cp->config.backoff_max_ms
                                                                     : cp->backoff_ms * 2u;
    ocpp_cp_set_conn(cp, OCPP_CP_OFFLINE);
}

static void connect_failed(ocpp_cp_t *cp, ocpp_status_t why)
{
    CP_LOGW(cp, "%s: connect failed: %s", cp->config.identity, ocpp_status_str(why));
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_CONNECT_FAILED, .status = why};
    emit_ev(cp, &ev);
    connection_lost(cp, why);
}

static void apply_keepalive(ocpp_cp_t *cp)
{
    if (cp->ports.msg->set_keepalive != NULL) {
        cp->ports.msg->set_keepalive(cp->ports.msg->ctx,
                                     (uint32_t)cp->cfg.web_socket_ping_interval);
    }
}

static void on_open(ocpp_cp_t *cp)
{
    cp->transport_open = true;
    apply_keepalive(cp);
    cp->last_call_ms = cp->now_ms;
    if (cp->booted) {
        /* A reconnect is no reboot: no new BootNotification (OCPP 1.6 §4.2
         * sends one "each time it boots or reboots"). Statuses that changed
         * while offline are still flagged and go out now. */
        ocpp_cp_set_conn(cp, OCPP_CP_ACCEPTED);
    } else {
        cp->retry_at_ms = cp->now_ms;
        ocpp_cp_set_conn(cp, OCPP_CP_BOOTING);
    }
}

static void drive_connect(ocpp_cp_t *cp)
{
    if (cp->conn == OCPP_CP_OFFLINE) {
        if (!cp->network_enabled || !ocpp_cp_due(cp->now_ms, cp->retry_at_ms)) {
            return;
        }
        apply_credentials(cp);
        ocpp_cp_set_conn(cp, OCPP_CP_CONNECTING);
    }
    ocpp_status_t st = cp->ports.msg->open(cp->ports.msg->ctx, &cp->open);
    if (st == OCPP_OK) {
        on_open(cp);
    } else if (st == OCPP_PENDING) {
        if (cp->now_ms - cp->conn_since_ms >= cp->config.connect_timeout_ms) {
            connect_failed(cp, OCPP_ERR_TIMEOUT);
        }
    } else {
        connect_failed(cp, st);
    }
}

void ocpp_cp_set_network(ocpp_cp_t *cp, bool enabled)
{
    if (cp == NULL || cp->network_enabled == enabled) {
        return;
    }
    cp->network_enabled = enabled;
    if (!enabled && cp->conn != OCPP_CP_OFFLINE) {
        connection_lost(cp, OCPP_ERR_CLOSED);
    }
    if (enabled) {
        cp->backoff_ms = cp->config.backoff_min_ms;
        cp->retry_at_ms = cp->now_ms;
    }
}

ocpp_cp_conn_t ocpp_cp_connection(const ocpp_cp_t *cp)
{
    return cp != NULL ? cp->conn : OCPP_CP_OFFLINE;
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                   */
/* ------------------------------------------------------------------------ */

/** Start a writer on the transmit buffer, behind the transport's headroom. */
static void tx_writer(ocpp_cp_t *cp, ocpp_jw_t *w)
{
    ocpp_jw_init(w, cp->tx + OCPP_MSG_HEADROOM, cp->tx_cap - OCPP_MSG_HEADROOM);
}

/** Push the pending message out. @return true when tx is free again. */
static bool tx_flush(ocpp_cp_t *cp)
{
    if (!cp->tx_busy) {
        return true;
    }
    ocpp_status_t st =
        cp->ports.msg->send(cp->ports.msg->ctx, cp->tx + OCPP_MSG_HEADROOM, cp->tx_len);
    if (st == OCPP_PENDING) {
        return false;
    }
    cp->tx_busy = false;
    if (st != OCPP_OK) {
        connection_lost(cp, st);
        return false;
    }
    return true;
}

/** Queue the finished message in `w` for sending. */
static ocpp_status_t tx_submit(ocpp_cp_t *cp, ocpp_jw_t *w)
{
    size_t len;
    ocpp_status_t st = ocpp_jw_finish(w, &len);
    if (st != OCPP_OK) {
        return st;
    }
    ocpp_cp_emit(cp, OCPP_CP_EV_MSG_OUT, cp->tx + OCPP_MSG_HEADROOM, len);
    cp->tx_len = len;
    cp->tx_busy = true;
    (void)tx_flush(cp);
    return OCPP_OK;
}

void ocpp_cp_call_begin(ocpp_cp_t *cp, ocpp_jw_t *w, ocpp_rpc_action_t action)
{
    ocpp_rpc_ids_t ids = {cp->id_prefix, cp->id_counter};
    ocpp_rpc_next_id(&ids, cp->call_id);
    cp->id_counter = ids.counter;
    tx_writer(cp, w);
    ocpp_rpc_write_call_open(w, cp->call_id, action);
}

ocpp_status_t ocpp_cp_call_end(ocpp_cp_t *cp, ocpp_jw_t *w, ocpp_cp_call_t kind)
{
    ocpp_rpc_write_close(w);
    ocpp_status_t st = tx_submit(cp, w);
    if (st != OCPP_OK) {
        CP_LOGE(cp, "%s: outgoing CALL does not fit the transmit buffer", cp->config.identity);
        return st;
    }
    cp->call = kind;
    cp->call_sent_ms = cp->now_ms;
    cp->last_call_ms = cp->now_ms;
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Receiving                                                                 */
/* ------------------------------------------------------------------------ */

static void answer_call(ocpp_cp_t *cp, const ocpp_rpc_frame_t *f)
{
    if (cp->conn == OCPP_CP_REJECTED) {
        /* OCPP 1.6 §4.2: "While Rejected, the Charge Point SHALL NOT respond
         * to any Central System initiated message." */
        CP_LOGW(cp, "%s: ignoring a CALL while Rejected", cp->config.identity);
        return;
    }
    ocpp_jw_t w;
    tx_writer(cp, &w);
    ocpp_rpc_dispatch(ocpp_v16_handlers, ocpp_v16_handler_count, cp, f, &w);
    if (tx_submit(cp, &w) != OCPP_OK) {
        CP_LOGE(cp, "%s: answer does not fit the transmit buffer", cp->config.identity);
    }
}

static void answer_bad_frame(ocpp_cp_t *cp, const ocpp_rpc_frame_t *f)
{
    if (!f->has_id || cp->conn == OCPP_CP_REJECTED) {
        CP_LOGW(cp, "%s: dropped a malformed message (no id to answer)", cp->config.identity);
        return;
    }
    ocpp_jw_t w;
    tx_writer(cp, &w);
    ocpp_rpc_write_error(&w, f->id, f->id_len, f->error, f->error_desc);
    (void)tx_submit(cp, &w);
}

static void on_reply(ocpp_cp_t *cp, const ocpp_rpc_frame_t *f)
{
    if (cp->call == OCPP_CP_CALL_NONE || f->id_len != strlen(cp->call_id) ||
        memcmp(f->id, cp->call_id, f->id_len) != 0) {
        /* OCPP-J: a reply to no outstanding CALL is logged and ignored. */
        CP_LOGW(cp, "%s: ignoring a reply with unknown message id", cp->config.identity);
        return;
    }
    if (f->type == OCPP_RPC_CALLRESULT) {
        ocpp_v16_on_result(cp, &f->payload);
    } else {
        CP_LOGW(cp, "%s: CALL answered with CALLERROR", cp->config.identity);
        ocpp_v16_on_call_failed(cp, OCPP_ERR_PROTOCOL);
    }
    cp->call = OCPP_CP_CALL_NONE;
}

static void handle_message(ocpp_cp_t *cp, const char *msg, size_t len)
{
    ocpp_cp_emit(cp, OCPP_CP_EV_MSG_IN, msg, len);
    ocpp_rpc_frame_t f;
    if (ocpp_rpc_parse(msg, len, &f) != OCPP_OK) {
        answer_bad_frame(cp, &f);
    } else if (f.type == OCPP_RPC_CALL) {
        answer_call(cp, &f);
    } else {
        on_reply(cp, &f);
    }
}

static void handle_too_large(ocpp_cp_t *cp, const char *prefix, size_t len)
{
    ocpp_rpc_frame_t f;
    CP_LOGW(cp, "%s: refused a message larger than the receive buffer", cp->config.identity);
    if (ocpp_rpc_recover_id(prefix, len, &f) == OCPP_OK) {
        answer_bad_frame(cp, &f);
    }
}

static void receive(ocpp_cp_t *cp)
{
    for (int i = 0; i < CP_MAX_MSGS_PER_POLL && cp->transport_open; i++) {
        if (!tx_flush(cp)) {
            return; /* an answer must go out before we read the next CALL */
        }
        const char *msg = NULL;
        size_t len = 0;
        ocpp_status_t st = cp->ports.msg->recv(cp->ports.msg->ctx, cp->now_ms, &msg, &len);
        if (st == OCPP_PENDING) {
            return;
        }
        if (st == OCPP_OK) {
            handle_message(cp, msg, len);
        } else if (st == OCPP_ERR_TOO_LARGE) {
            handle_too_large(cp, msg, len);
        } else {
            CP_LOGW(cp, "%s: connection lost: %s", cp->config.identity, ocpp_status_str(st));
            connection_lost(cp, st);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Poll                                                                      */
/* ------------------------------------------------------------------------ */

/** config.call_timeout_ms if set, else the MessageTimeout key (errata 3.83). */
static uint32_t call_timeout_ms(const ocpp_cp_t *cp)
{
    if (cp->config.call_timeout_ms != 0u) {
        return cp->config.call_timeout_ms;
    }
    return (uint32_t)cp->cfg.message_timeout * 1000u;
}

static void check_call_timeout(ocpp_cp_t *cp)
{
    if (cp->call != OCPP_CP_CALL_NONE && cp->now_ms - cp->call_sent_ms >= call_timeout_ms(cp)) {
        CP_LOGW(cp, "%s: CALL %s timed out", cp->config.identity, cp->call_id);
        ocpp_v16_on_call_failed(cp, OCPP_ERR_TIMEOUT);
        cp->call = OCPP_CP_CALL_NONE;
    }
}

static void save_config(ocpp_cp_t *cp)
{
    if (!cp->cfg.dirty || cp->tx_busy) {
        return;
    }
    if (cp->ports.storage == NULL) {
        cp->cfg.dirty = false;
        return;
    }
    /* The transmit buffer is free here: use it as scratch. */
    ocpp_status_t st = ocpp_cfg_save(&cp->cfg, cp->ports.storage, cp->tx, cp->tx_cap);
    if (st != OCPP_OK) {
        CP_LOGE(cp, "%s: saving configuration failed: %s", cp->config.identity,
                ocpp_status_str(st));
        cp->cfg.dirty = false; /* do not retry on every poll */
    }
}

ocpp_status_t ocpp_cp_poll(ocpp_cp_t *cp, uint32_t now_ms)
{
    if (cp == NULL) {
        return OCPP_ERR_PARAM;
    }
    cp->now_ms = now_ms;
    if (!cp->started) {
        /* Deadlines are compared wrap-safely (ocpp_cp_due), so a deadline of
         * 0 lies in the future whenever now_ms >= 2^31 (after 24.8 days of
         * uptime): anchor them to the first poll's clock instead. */
        cp->started = true;
        cp->retry_at_ms = now_ms;
        cp->call_fail_at_ms = now_ms;
        cp->txq_retry_at_ms = now_ms;
        cp->last_call_ms = now_ms;
        cp->conn_since_ms = now_ms;
    }
    clock_advance(cp);
    ocpp_cp_tick(cp);
    if (!cp->transport_open) {
        drive_connect(cp);
    }
    if (!cp->transport_open) {
        return OCPP_OK;
    }
    receive(cp);
    if (!cp->transport_open || !tx_flush(cp)) {
        return OCPP_OK;
    }
    save_config(cp);
    if (cp->reconnect_pending) {
        cp->reconnect_pending = false;
        CP_LOGI(cp, "%s: reconnecting with the new credentials", cp->config.identity);
        connection_lost(cp, OCPP_ERR_CLOSED);
        cp->backoff_ms = cp->config.backoff_min_ms;
        cp->retry_at_ms = cp->now_ms;
        return OCPP_OK;
    }
    check_call_timeout(cp);
    if (cp->call == OCPP_CP_CALL_NONE && !cp->tx_busy) {
        ocpp_v16_send_due(cp);
    }
    return OCPP_OK;
}

uint32_t ocpp_cp_next_wakeup_ms(const ocpp_cp_t *cp, uint32_t now_ms)
{
    if (cp == NULL || cp->tx_busy || cp->conn == OCPP_CP_CONNECTING) {
        return 0u;
    }
    if (!cp->transport_open) {
        if (!cp->network_enabled) {
            return 1000u;
        }
        int32_t d = (int32_t)(cp->retry_at_ms - now_ms);
        return d > 0 ? (uint32_t)d : 0u;
    }
    uint32_t wake = ocpp_v16_next_due_ms(cp, now_ms);
    if (cp->call != OCPP_CP_CALL_NONE) {
        uint32_t since = now_ms - cp->call_sent_ms;
        if (since >= call_timeout_ms(cp)) {
            return 0u;
        }
        uint32_t left = call_timeout_ms(cp) - since;
        wake = left < wake ? left : wake;
    }
    /* The transport needs regular calls for its pings. */
    return wake < 1000u ? wake : 1000u;
}

/* ------------------------------------------------------------------------ */
/* Configuration passthrough                                                 */
/* ------------------------------------------------------------------------ */

const ocpp_cfg_t *ocpp_cp_cfg(const ocpp_cp_t *cp)
{
    return cp != NULL ? &cp->cfg : NULL;
}

void ocpp_cp_config_applied(ocpp_cp_t *cp, const char *key)
{
    ocpp_cp_emit(cp, OCPP_CP_EV_CONFIG_CHANGED, key, strlen(key));
    if (ocpp_ascii_ieq(key, "WebSocketPingInterval") && cp->transport_open) {
        apply_keepalive(cp);
    } else if (ocpp_ascii_ieq(key, "AuthorizationKey") || ocpp_ascii_ieq(key, "SecurityProfile")) {
        /* New credentials are used from the next connection on: reconnect
         * once the answer is out (security whitepaper A01 practice). */
        cp->reconnect_pending = cp->transport_open;
    }
}

ocpp_cfg_result_t ocpp_cp_config_set(ocpp_cp_t *cp, const char *key, const char *value)
{
    if (cp == NULL || key == NULL || value == NULL) {
        return OCPP_CFG_REJECTED;
    }
    ocpp_cfg_result_t r = ocpp_cfg_set_local(&cp->cfg, key, value);
    if (r == OCPP_CFG_ACCEPTED || r == OCPP_CFG_REBOOT_REQUIRED) {
        ocpp_cp_config_applied(cp, key);
        save_config(cp);
    }
    return r;
}

ocpp_status_t ocpp_cp_config_register(ocpp_cp_t *cp, const ocpp_cfg_vendor_key_t *key)
{
    if (cp == NULL) {
        return OCPP_ERR_PARAM;
    }
    return ocpp_cfg_register(&cp->cfg, key);
}
