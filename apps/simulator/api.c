/**
 * @file api.c
 * @brief ocpp-sim's REST API: routing, request validation (bodies parsed with
 *        the library's JSON reader), answers and events written with its
 *        writer. See docs/simulator.md for the reference.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ocpp/ocpp_json.h"
#include "sim.h"
#include "api_power.h"
#include "gen_fleet.h"

#define ANSWER_CAP 32768u

/* ------------------------------------------------------------------------ */
/* Answers                                                                   */
/* ------------------------------------------------------------------------ */

static void reply_raw(sim_reply_t *out, unsigned status, const char *text, size_t len)
{
    if (text == NULL) {
        len = 0;
    }
    out->status = status;
    out->body = malloc(len + 1);
    out->len = out->body != NULL ? len : 0;
    if (out->body != NULL) {
        if (len > 0u) {
            memcpy(out->body, text, len);
        }
        out->body[len] = '\0';
    }
}

static void reply_error(sim_reply_t *out, unsigned status, const char *fmt, ...)
{
    char msg[256];
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "error", msg);
    ocpp_jw_obj_close(&w);
    (void)ocpp_jw_finish(&w, &n);
    reply_raw(out, status, buf, n);
}

static void reply_jw(sim_reply_t *out, unsigned status, ocpp_jw_t *w, char *buf)
{
    size_t n = 0;
    if (ocpp_jw_finish(w, &n) != OCPP_OK) {
        reply_error(out, 500, "answer too large");
        return;
    }
    reply_raw(out, status, buf, n);
}

/* ------------------------------------------------------------------------ */
/* State                                                                     */
/* ------------------------------------------------------------------------ */

static const char *conn_name(ocpp_cp_conn_t c)
{
    return c == OCPP_CP_BOOTING ? "connecting" : ocpp_cp_conn_str(c);
}

static void write_connector(ocpp_jw_t *w, const sim_station_t *s, uint8_t c)
{
    evse_connector_t k;
    evse_sim_connector_t b;
    (void)evse_connector(&s->evse, c, &k);
    (void)evse_sim_connector(&s->board_sim, c, &b);
    ocpp_fault_t err = k.error;
    int32_t tx = -1;
    const char *tag = "";
    ocpp_cp_connector_info_t info;
    if (ocpp_cp_connector_info(&s->cp, c, &info) == OCPP_OK) {
        err = info.error;
        tx = info.in_transaction ? info.transaction_id : -1;
        tag = info.id_tag;
    }
    static const char pilots[] = "ABCDEF";
    char pilot[2] = {pilots[b.pilot], '\0'};
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "id", c);
    ocpp_jw_kv_str(w, "status", ocpp_connector_status_str(ocpp_cp_connector_status(&s->cp, c)));
    ocpp_jw_kv_str(w, "errorCode", ocpp_fault_str(err));
    ocpp_jw_kv_bool(w, "plugged", b.plugged);
    ocpp_jw_kv_bool(w, "evCharging", b.wants_energy);
    ocpp_jw_kv_bool(w, "relayClosed", b.relay_closed);
    ocpp_jw_key(w, "transactionId");
    if (tx >= 0) {
        ocpp_jw_int(w, tx);
    } else {
        ocpp_jw_null(w);
    }
    ocpp_jw_key(w, "idTag");
    if (tag[0] != '\0') {
        ocpp_jw_str(w, tag);
    } else {
        ocpp_jw_null(w);
    }
    ocpp_jw_kv_int(w, "powerW", b.power_w);
    ocpp_jw_kv_int(w, "energyWh", b.energy_wh);
    ocpp_jw_key(w, "limitA");
    if (k.limit_ma != EVSE_NO_LIMIT) {
        ocpp_jw_decimal(w, k.limit_ma, 3);
    } else {
        ocpp_jw_null(w);
    }
    ocpp_jw_key(w, "offeredCurrentA");
    ocpp_jw_decimal(w, k.offered_ma, 3);
    ocpp_jw_key(w, "socPercent");
    if (b.plugged) {
        ocpp_jw_decimal(w, b.soc_permille, 1);
    } else {
        ocpp_jw_null(w);
    }
    ocpp_jw_kv_str(w, "pilot", pilot);
    ocpp_jw_key(w, "currentA");
    ocpp_jw_decimal(w, b.current_ma, 3);
    ocpp_jw_key(w, "temperatureC");
    ocpp_jw_decimal(w, b.temp_dc, 1);
    ocpp_jw_kv_bool(w, "locked", b.locked);
    ocpp_jw_kv_str(w, "cable", b.fixed_cable ? "fixed" : "socket");
    sim_power_write_connector(w, s, c); /* api_power.c: led, limitReason, ... */
    ocpp_jw_obj_close(w);
}

static const char *dt_state_name(evse_dt_state_t st)
{
    static const char *const names[] = {"idle", "pending", "answered", "failed"};
    return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "?";
}

/** The last CP-initiated DataTransfer (evse_data_transfer_last()). */
static void write_data_transfer(ocpp_jw_t *w, const evse_dt_t *d)
{
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "state", dt_state_name(d->state));
    if (d->state != EVSE_DT_IDLE) {
        ocpp_jw_kv_str(w, "vendorId", d->vendor_id);
        if (d->has_message_id) {
            ocpp_jw_kv_str(w, "messageId", d->message_id);
        }
        if (d->has_data) {
            ocpp_jw_kv_str(w, "data", d->data);
        }
    }
    if (d->state == EVSE_DT_ANSWERED) {
        ocpp_jw_kv_str(w, "status", evse_dt_status_str(d->status));
        if (d->answer[0] != '\0') {
            ocpp_jw_key(w, "answerData"); /* the answer's "data" value as received */
            ocpp_jw_raw(w, d->answer, strlen(d->answer));
        }
        if (d->answer_truncated) {
            ocpp_jw_kv_bool(w, "answerDataTooLong", true);
        }
    }
    ocpp_jw_obj_close(w);
}

static const char *net_mode_name(sim_net_mode_t m)
{
    static const char *const names[] = {"online", "close", "drop", "blackhole", "refuse"};
    return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "?";
}

static void write_station(ocpp_jw_t *w, const sim_station_t *s)
{
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "id", s->id);
    ocpp_jw_kv_str(w, "csms", s->cp.config.csms_url);
    ocpp_jw_kv_str(w, "connection", conn_name(ocpp_cp_connection(&s->cp)));
    ocpp_jw_kv_bool(w, "networkOnline", s->network_online);
    ocpp_jw_kv_str(w, "networkMode", net_mode_name(s->net_mode));
    ocpp_jw_key(w, "connectors");
    ocpp_jw_arr_open(w);
    for (uint8_t c = 1; c <= s->evse.config.connectors; c++) {
        write_connector(w, s, c);
    }
    ocpp_jw_arr_close(w);
    ocpp_cp_queue_info_t q;
    if (ocpp_cp_queue_info(&s->cp, &q) == OCPP_OK) {
        ocpp_jw_key(w, "queue");
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_int(w, "entries", (int64_t)q.entries);
        ocpp_jw_kv_int(w, "usedBytes", (int64_t)q.used_bytes);
        ocpp_jw_kv_int(w, "capacityBytes", (int64_t)q.capacity_bytes);
        ocpp_jw_kv_int(w, "thinned", (int64_t)q.thinned);
        ocpp_jw_kv_int(w, "lost", (int64_t)q.lost);
        ocpp_jw_kv_int(w, "storeErrors", (int64_t)q.store_errors);
        ocpp_jw_obj_close(w);
    }
    sim_face_state(w, s);
    if (s->last_card.set) {
        ocpp_jw_key(w, "lastCard");
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_str(w, "idTag", s->last_card.tag);
        ocpp_jw_key(w, "connector");
        if (s->last_card.connector != 0u) {
            ocpp_jw_int(w, s->last_card.connector);
        } else {
            ocpp_jw_null(w);
        }
        ocpp_jw_kv_str(w, "result", s->last_card.result);
        if (s->last_card.status[0] != '\0') {
            ocpp_jw_kv_str(w, "status", s->last_card.status);
        }
        if (s->last_card.reason[0] != '\0') {
            ocpp_jw_kv_str(w, "reason", s->last_card.reason);
        }
        if (s->last_card.by[0] != '\0') {
            ocpp_jw_kv_str(w, "by", s->last_card.by);
        }
        ocpp_jw_obj_close(w);
    }
    const evse_dt_t *dt = evse_data_transfer_last(&s->evse);
    if (dt->state != EVSE_DT_IDLE) {
        ocpp_jw_key(w, "dataTransfer");
        write_data_transfer(w, dt);
    }
    ocpp_jw_obj_close(w);
}

void sim_write_station_json(char *buf, size_t cap, const sim_station_t *s, size_t *len)
{
    ocpp_jw_t w;
    *len = 0;
    ocpp_jw_init(&w, buf, cap);
    write_station(&w, s);
    if (ocpp_jw_finish(&w, len) != OCPP_OK) {
        ocpp_jw_init(&w, buf, cap); /* too many connectors for one event: say which station */
        ocpp_jw_obj_open(&w);
        ocpp_jw_kv_str(&w, "id", s->id);
        ocpp_jw_obj_close(&w);
        (void)ocpp_jw_finish(&w, len);
    }
}

/* ------------------------------------------------------------------------ */
/* Events and the message log                                                */
/* ------------------------------------------------------------------------ */

static sim_sse_t *sse_next(sim_t *sim, unsigned station)
{
    sim_sse_t *e = &sim->sse[sim->sse_seq % SIM_SSE_ENTRIES];
    e->seq = sim->sse_seq;
    e->station = station;
    e->len = 0;
    return e;
}

static void sse_commit(sim_t *sim, sim_sse_t *e, const char *type, ocpp_jw_t *w)
{
    size_t n = 0;
    if (ocpp_jw_finish(w, &n) != OCPP_OK) {
        return;
    }
    /* Shift the JSON right to put the "event:" line in front of it. */
    char head[48];
    int h = snprintf(head, sizeof head, "event: %s\ndata: ", type);
    if (h < 0 || (size_t)h + n + 2 > sizeof e->text) {
        return;
    }
    memmove(e->text + h, e->text, n);
    memcpy(e->text, head, (size_t)h);
    memcpy(e->text + (size_t)h + n, "\n\n", 2);
    e->len = (uint16_t)((size_t)h + n + 2);
    sim->sse_seq++;
}

/** Would an event about s reach anyone? If not, it is not built (CPU per message), and a
 *  client resuming from before this point gets a snapshot instead (sse_skip_end). */
static bool sse_wanted(sim_station_t *s)
{
    sim_t *sim = s->sim;
    if (sim->sse_all > 0u || s->sse_watchers > 0u) {
        return true;
    }
    sim->sse_skip_end = sim->sse_seq + 1u;
    return false;
}

void sim_emit_state(sim_station_t *s)
{
    sim_t *sim = s->sim;
    if (!sse_wanted(s)) { /* the snapshot of a client that comes later has it */
        s->dirty = false;
        s->last_state_ms = sim->now_ms;
        return;
    }
    sim_sse_t *e = sse_next(sim, s->index);
    ocpp_jw_t w;
    ocpp_jw_init(&w, e->text, sizeof e->text - 64);
    write_station(&w, s);
    if (ocpp_jw_status(&w) != OCPP_OK) { /* many connectors: just say which station */
        ocpp_jw_init(&w, e->text, sizeof e->text - 64);
        ocpp_jw_obj_open(&w);
        ocpp_jw_kv_str(&w, "id", s->id);
        ocpp_jw_obj_close(&w);
    }
    sse_commit(sim, e, "state", &w);
    s->dirty = false;
    s->last_state_ms = sim->now_ms;
}

static void iso_time(int64_t unix_ms, char *out, size_t cap)
{
    time_t t = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, cap - n, ".%03dZ", (int)(unix_ms % 1000));
}

static void write_log_entry(ocpp_jw_t *w, const sim_station_t *s, const sim_log_rec_t *e,
                            bool with_text)
{
    char t[40];
    iso_time(e->unix_ms, t, sizeof t);
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "station", s->id);
    ocpp_jw_kv_int(w, "seq", e->seq);
    ocpp_jw_kv_str(w, "time", t);
    ocpp_jw_kv_str(w, "dir", e->out ? "out" : "in");
    if (e->type >= 2u && e->type <= 4u) {
        static const char *const types[] = {"CALL", "CALLRESULT", "CALLERROR"};
        ocpp_jw_kv_str(w, "type", types[e->type - 2u]);
        ocpp_jw_kv_str(w, "messageId", e->msg_id);
        if (e->action[0] != '\0') {
            ocpp_jw_kv_str(w, "action", e->action);
        }
        if (e->answer_to >= 0) {
            ocpp_jw_kv_int(w, "answerTo", e->answer_to);
        }
        if (e->type == 4u) {
            ocpp_jw_kv_str(w, "errorCode", e->error_code);
        }
    }
    if (e->frame_ok) {
        ocpp_jw_key(w, "frame");
        ocpp_jw_raw(w, e->text, e->len);
    }
    if (with_text || !e->frame_ok) {
        ocpp_jw_key(w, "text");
        ocpp_jw_strn(w, e->text, e->len);
    }
    if (e->truncated) {
        ocpp_jw_kv_bool(w, "truncated", true);
    }
    ocpp_jw_obj_close(w);
}

void sim_emit_message(sim_station_t *s, const sim_log_rec_t *e)
{
    if (!sse_wanted(s)) {
        return;
    }
    sim_sse_t *ev = sse_next(s->sim, s->index);
    ocpp_jw_t w;
    ocpp_jw_init(&w, ev->text, sizeof ev->text - 64);
    write_log_entry(&w, s, e, true);
    if (ocpp_jw_status(&w) != OCPP_OK) { /* escapes made it too long: the frame alone */
        ocpp_jw_init(&w, ev->text, sizeof ev->text - 64);
        write_log_entry(&w, s, e, false);
    }
    sse_commit(s->sim, ev, "message", &w);
}

/* ------------------------------------------------------------------------ */
/* The message log: the fleet's ring (logring.c), and a ring of its own for  */
/* a station someone watches                                                 */
/* ------------------------------------------------------------------------ */

/** Stations not watched: their records in the fleet ring only. */
static const sim_logring_t *log_ring(const sim_station_t *s, uint64_t *last)
{
    *last = s->log_last;
    return &s->sim->log;
}

/**
 * Positions of the station's newest records in ring r (newest first), at most
 * max; they are contiguous in seq (the ring evicts oldest first).
 */
static size_t log_walk(const sim_logring_t *r, const sim_station_t *s, uint64_t last, uint64_t *pos,
                       size_t max)
{
    size_t n = 0;
    sim_log_rec_t e;
    uint64_t p = last;
    while (n < max) {
        uint64_t at = p;
        if (!sim_logring_get(r, at, s->index, &e, &p)) {
            break;
        }
        pos[n++] = at;
    }
    return n;
}

/** The station's log, newest first, from whichever ring holds more of it. */
static size_t log_collect(const sim_station_t *s, uint64_t *pos, size_t max,
                          const sim_logring_t **ring)
{
    uint64_t last;
    *ring = log_ring(s, &last);
    size_t n = log_walk(*ring, s, last, pos, max);
    const sim_watch_t *wt = s->watch;
    if (wt != NULL && n < max) {
        uint64_t *mine = malloc(max * sizeof *mine);
        size_t m = mine != NULL ? log_walk(&wt->ring, s, wt->last, mine, max) : 0u;
        if (m > n) {
            memcpy(pos, mine, m * sizeof *pos);
            n = m;
            *ring = &wt->ring;
        }
        free(mine);
    }
    return n;
}

void sim_log_each(const sim_station_t *s, void (*fn)(void *ctx, const sim_log_rec_t *e), void *ctx)
{
    uint64_t *pos = malloc(SIM_LOG_API_MAX * sizeof *pos);
    if (pos == NULL) {
        return;
    }
    const sim_logring_t *r;
    size_t n = log_collect(s, pos, SIM_LOG_API_MAX, &r);
    for (size_t i = n; i-- > 0;) {
        sim_log_rec_t e;
        if (sim_logring_get(r, pos[i], s->index, &e, NULL)) {
            fn(ctx, &e);
        }
    }
    free(pos);
}

static void watch_release(sim_t *sim, unsigned slot)
{
    sim_station_t *s = sim->watched[slot];
    if (s != NULL && s->watch != NULL) {
        sim_logring_free(&s->watch->ring);
        free(s->watch);
        s->watch = NULL;
    }
    sim->watched[slot] = NULL;
}

/**
 * Someone watches s (its event stream, a GET of its log): from now on its
 * messages also go to a ring of its own (SIM_WATCH_RING bytes), which the
 * rest of the fleet cannot evict; it starts with what the fleet's ring holds
 * of the station. At most SIM_WATCH_MAX stations: beyond, the one watched
 * least recently without an event stream gives its ring up. One station in
 * the process: the fleet's ring is its own already.
 */
static void watch_start(sim_station_t *s)
{
    sim_t *sim = s->sim;
    uint32_t now = ocpp_posix_now_ms();
    if (s->watch != NULL) {
        s->watch->seen_ms = now;
        return;
    }
    if (sim->n <= 1u) {
        return;
    }
    unsigned slot = SIM_WATCH_MAX;
    uint32_t oldest = 0;
    for (unsigned i = 0; i < SIM_WATCH_MAX; i++) {
        const sim_station_t *o = sim->watched[i];
        if (o == NULL) {
            slot = i;
            break;
        }
        if (o->sse_watchers == 0u && now - o->watch->seen_ms >= oldest) {
            oldest = now - o->watch->seen_ms;
            slot = i;
        }
    }
    if (slot == SIM_WATCH_MAX) {
        return; /* every ring is watched through a stream */
    }
    watch_release(sim, slot);
    sim_watch_t *wt = calloc(1, sizeof *wt);
    if (wt == NULL || sim_logring_init(&wt->ring, SIM_WATCH_RING) != 0) {
        free(wt);
        return;
    }
    wt->last = SIM_LOGRING_NONE;
    wt->seen_ms = now;
    uint64_t *pos = malloc(SIM_LOG_API_MAX * sizeof *pos);
    uint64_t last;
    const sim_logring_t *r = log_ring(s, &last);
    size_t n = pos != NULL ? log_walk(r, s, last, pos, SIM_LOG_API_MAX) : 0u;
    for (size_t i = n; i-- > 0;) {
        sim_log_rec_t e;
        if (sim_logring_get(r, pos[i], s->index, &e, NULL)) {
            (void)sim_logring_put(&wt->ring, s->index, &wt->last, &e);
        }
    }
    free(pos);
    s->watch = wt;
    sim->watched[slot] = s;
}

/** A watched station nobody looked at for SIM_WATCH_MS and without a stream: unwatched. */
static void watch_expire(sim_station_t *s, uint32_t now)
{
    if (s->sse_watchers == 0u && now - s->watch->seen_ms > SIM_WATCH_MS) {
        for (unsigned i = 0; i < SIM_WATCH_MAX; i++) {
            if (s->sim->watched[i] == s) {
                watch_release(s->sim, i);
            }
        }
    }
}

void sim_sse_attach(sim_t *sim, int station, bool attach)
{
    if (station < 0 || (unsigned)station >= sim->n) {
        sim->sse_all = attach ? sim->sse_all + 1u : sim->sse_all - 1u;
        return;
    }
    sim_station_t *s = &sim->st[station];
    s->sse_watchers = attach ? (uint16_t)(s->sse_watchers + 1u) : (uint16_t)(s->sse_watchers - 1u);
    if (attach) {
        watch_start(s);
    } else if (s->watch != NULL) {
        s->watch->seen_ms = ocpp_posix_now_ms(); /* watched SIM_WATCH_MS more */
    }
}

int sim_log_init(sim_t *sim, unsigned log_mb)
{
    size_t cap = (size_t)log_mb << 20;
    if (log_mb == 0u) { /* 2 KiB a station, from 1 to 64 MiB */
        cap = (size_t)sim->n * 2048u;
        cap = cap < ((size_t)1 << 20) ? (size_t)1 << 20 : cap;
        cap = cap > ((size_t)64 << 20) ? (size_t)64 << 20 : cap;
    }
    for (unsigned i = 0; i < sim->n; i++) {
        sim->st[i].log_last = SIM_LOGRING_NONE;
    }
    return sim_logring_init(&sim->log, cap);
}

void sim_log_free(sim_t *sim)
{
    for (unsigned i = 0; i < SIM_WATCH_MAX; i++) {
        watch_release(sim, i);
    }
    sim_logring_free(&sim->log);
}

/** String element `v` into out[cap] (cut; "" if not a string). */
static void elem_str(const ocpp_json_value_t *v, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    if (v->type != OCPP_JSON_STRING || ocpp_json_as_string(v, out, cap, &n) != OCPP_OK) {
        out[0] = '\0';
    }
}

/** What parse_frame finds (the record's strings point here). */
typedef struct {
    char msg_id[37];     /**< OCPP-J message id (≤ 36). */
    char action[48];     /**< The CALL's action (a result: of the CALL it answers). */
    char error_code[32]; /**< CALLERROR: its errorCode. */
} frame_fields_t;

/** Records searched back for the CALL a result answers. */
#define SIM_ANSWER_SEARCH 128u

/** The CALL a result answers: the latest one from the other side with this id. */
static void find_call(const sim_station_t *s, sim_log_rec_t *e, frame_fields_t *f)
{
    uint64_t p;
    const sim_logring_t *r = log_ring(s, &p);
    if (s->watch != NULL) {
        r = &s->watch->ring;
        p = s->watch->last;
    }
    sim_log_rec_t c;
    for (unsigned k = 0; k < SIM_ANSWER_SEARCH && sim_logring_get(r, p, s->index, &c, &p); k++) {
        if (c.type == 2u && c.out != e->out && strcmp(c.msg_id, f->msg_id) == 0) {
            snprintf(f->action, sizeof f->action, "%s", c.action);
            e->answer_to = c.seq;
            return;
        }
    }
}

/** A plain JSON string (no escapes) at *p, after blanks, into out[cap]; then past it. */
static bool head_str(const char **p, const char *end, char *out, size_t cap)
{
    const char *q = *p;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) {
        q++;
    }
    if (q >= end || *q != '"') {
        return false;
    }
    const char *v = ++q;
    while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20u) {
        q++;
    }
    if (q >= end || *q != '"' || (size_t)(q - v) >= cap) {
        return false;
    }
    memcpy(out, v, (size_t)(q - v));
    out[q - v] = '\0';
    *p = q + 1;
    return true;
}

/** A "," after blanks at *p; then past it. */
static bool head_comma(const char **p, const char *end)
{
    const char *q = *p;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) {
        q++;
    }
    *p = q + 1;
    return q < end && *q == ',';
}

/**
 * The head of a message cut by the log: `[type, "id", "action"|"errorCode"` read from its
 * first bytes (what the whole frame would give, for the log's fields and the statistics;
 * an id or action with escapes is left unknown).
 */
static uint8_t parse_head(const char *text, size_t len, frame_fields_t *f)
{
    const char *p = text, *end = text + len;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
        p++;
    }
    if (p >= end || *p != '[') {
        return 0;
    }
    p++;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
        p++;
    }
    uint8_t type = p < end && *p >= '2' && *p <= '4' ? (uint8_t)(*p - '0') : 0u;
    p++;
    if (type == 0u || !head_comma(&p, end) || !head_str(&p, end, f->msg_id, sizeof f->msg_id)) {
        f->msg_id[0] = '\0';
        return 0;
    }
    char *third = type == 2u ? f->action : type == 4u ? f->error_code : NULL;
    size_t cap = type == 2u ? sizeof f->action : sizeof f->error_code;
    if (third != NULL && (!head_comma(&p, end) || !head_str(&p, end, third, cap))) {
        third[0] = '\0';
    }
    return type;
}

/** Type, id, action (for a result: the CALL it answers, in the log) of an OCPP-J frame. */
static void parse_frame(const sim_station_t *s, sim_log_rec_t *e, frame_fields_t *f)
{
    ocpp_json_value_t root, v;
    ocpp_json_iter_t it;
    int64_t type = 0;
    e->type = 0;
    e->answer_to = -1;
    f->msg_id[0] = f->action[0] = f->error_code[0] = '\0';
    e->msg_id = f->msg_id;
    e->action = f->action;
    e->error_code = f->error_code;
    e->frame_ok = !e->truncated && ocpp_json_validate(e->text, e->len) == OCPP_OK;
    if (e->truncated) { /* no frame, but its head */
        e->type = parse_head(e->text, e->len, f);
        if (e->type == 3u || e->type == 4u) {
            find_call(s, e, f);
        }
        return;
    }
    if (!e->frame_ok || ocpp_json_root(e->text, e->len, &root) != OCPP_OK ||
        root.type != OCPP_JSON_ARRAY || ocpp_json_iter_init(&it, &root) != OCPP_OK ||
        !ocpp_json_iter_next(&it, NULL, &v) || v.type != OCPP_JSON_NUMBER ||
        ocpp_json_as_int(&v, &type) != OCPP_OK || type < 2 || type > 4 ||
        !ocpp_json_iter_next(&it, NULL, &v) || v.type != OCPP_JSON_STRING) {
        return;
    }
    e->type = (uint8_t)type;
    elem_str(&v, f->msg_id, sizeof f->msg_id);
    if (type == 2) {
        if (ocpp_json_iter_next(&it, NULL, &v)) {
            elem_str(&v, f->action, sizeof f->action);
        }
        return;
    }
    if (type == 4 && ocpp_json_iter_next(&it, NULL, &v)) {
        elem_str(&v, f->error_code, sizeof f->error_code);
    }
    find_call(s, e, f);
}

void sim_log_message(sim_station_t *s, bool out, const char *text, size_t len)
{
    struct timespec now;
    (void)clock_gettime(CLOCK_REALTIME, &now);
    sim_log_rec_t e = {.seq = s->log_seq,
                       .unix_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
                       .out = out,
                       .truncated = len > SIM_LOG_TEXT,
                       .text = text};
    e.len = (uint16_t)(e.truncated ? SIM_LOG_TEXT : len);
    frame_fields_t f;
    parse_frame(s, &e, &f);
    sim_stats_message(s, out, e.type, e.msg_id, e.action, e.error_code, ocpp_posix_now_ms());
    (void)sim_logring_put(&s->sim->log, s->index, &s->log_last, &e);
    if (s->watch != NULL) {
        (void)sim_logring_put(&s->watch->ring, s->index, &s->watch->last, &e);
        watch_expire(s, ocpp_posix_now_ms());
    }
    s->log_seq++;
    sim_emit_message(s, &e);
}

void sim_emit_card(sim_station_t *s, const char *tag, uint8_t connector, const char *result,
                   const char *status, const char *reason, const char *by)
{
    s->last_card.set = true;
    s->last_card.connector = connector;
    snprintf(s->last_card.tag, sizeof s->last_card.tag, "%s", tag);
    snprintf(s->last_card.result, sizeof s->last_card.result, "%s", result);
    snprintf(s->last_card.status, sizeof s->last_card.status, "%s", status != NULL ? status : "");
    snprintf(s->last_card.by, sizeof s->last_card.by, "%s", by != NULL ? by : "");
    snprintf(s->last_card.reason, sizeof s->last_card.reason, "%s", reason != NULL ? reason : "");
    s->dirty = true;
    sim_sse_t *ev = sse_next(s->sim, s->index);
    ocpp_jw_t w;
    ocpp_jw_init(&w, ev->text, sizeof ev->text - 64);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "station", s->id);
    ocpp_jw_kv_str(&w, "idTag", tag);
    ocpp_jw_key(&w, "connector");
    if (connector != 0u) {
        ocpp_jw_int(&w, connector);
    } else {
        ocpp_jw_null(&w);
    }
    ocpp_jw_kv_str(&w, "result", result);
    if (status != NULL) {
        ocpp_jw_kv_str(&w, "status", status);
    }
    if (reason != NULL) {
        ocpp_jw_kv_str(&w, "reason", reason);
    }
    if (by != NULL) {
        ocpp_jw_kv_str(&w, "by", by);
    }
    ocpp_jw_obj_close(&w);
    sse_commit(s->sim, ev, "card", &w);
}

void sim_station_changed(sim_station_t *s)
{
    s->dirty = true;
    sim_loop_wake(s); /* polled in this turn of the loop: the state event goes out */
}

/* ------------------------------------------------------------------------ */
/* Request bodies                                                            */
/* ------------------------------------------------------------------------ */

/** Parse the body: 1 = object in *root, 0 = empty body, -1 = answered with 400. */
static int parse_body(const char *b, size_t n, ocpp_json_value_t *root, sim_reply_t *out)
{
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
        i++;
    }
    if (i == n) {
        return 0;
    }
    ocpp_status_t st = ocpp_json_validate(b, n);
    if (st != OCPP_OK) {
        reply_error(out, 400, "malformed JSON body (%s)", ocpp_status_str(st));
        return -1;
    }
    if (ocpp_json_root(b, n, root) != OCPP_OK || root->type != OCPP_JSON_OBJECT) {
        reply_error(out, 400, "the body must be a JSON object");
        return -1;
    }
    return 1;
}

typedef struct {
    const char *body;
    size_t len;
} req_body_t;

/** Parse the body once the route and method are known: false if answered with 400. */
static bool load(const req_body_t *rb, ocpp_json_value_t *root, const ocpp_json_value_t **b,
                 sim_reply_t *out)
{
    int r = parse_body(rb->body, rb->len, root, out);
    *b = r == 1 ? root : NULL;
    return r >= 0;
}

/** A member of the body: 1 found with the type, 0 absent (or null), -1 answered 400. */
static int field(const ocpp_json_value_t *root, const char *key, ocpp_json_type_t type,
                 const char *type_name, ocpp_json_value_t *v, sim_reply_t *out)
{
    if (root == NULL || ocpp_json_get(root, key, v) != OCPP_OK || v->type == OCPP_JSON_NULL) {
        return 0;
    }
    if (v->type != type) {
        reply_error(out, 400, "field \"%s\" must be %s", key, type_name);
        return -1;
    }
    return 1;
}

/** A number field as fixed point in [lo, hi]: 1, 0 absent, -1 answered 400. */
static int num_field(const ocpp_json_value_t *root, const char *key, unsigned scale, int64_t lo,
                     int64_t hi, int64_t *out_v, sim_reply_t *out)
{
    ocpp_json_value_t v;
    int r = field(root, key, OCPP_JSON_NUMBER, "a number", &v, out);
    if (r != 1) {
        return r;
    }
    if (ocpp_json_as_decimal(&v, scale, out_v) != OCPP_OK || *out_v < lo || *out_v > hi) {
        reply_error(out, 400, "field \"%s\" is out of range", key);
        return -1;
    }
    return 1;
}

/** An integer field in [lo, hi] (1.5 or 1e0.5 are not integers): 1, 0 absent, -1 answered 400. */
static int int_field(const ocpp_json_value_t *root, const char *key, int64_t lo, int64_t hi,
                     int64_t *out_v, sim_reply_t *out)
{
    ocpp_json_value_t v;
    int r = field(root, key, OCPP_JSON_NUMBER, "a number", &v, out);
    if (r != 1) {
        return r;
    }
    if (ocpp_json_as_int(&v, out_v) != OCPP_OK) {
        reply_error(out, 400, "field \"%s\" must be an integer", key);
        return -1;
    }
    if (*out_v < lo || *out_v > hi) {
        reply_error(out, 400, "field \"%s\" is out of range (%lld..%lld)", key, (long long)lo,
                    (long long)hi);
        return -1;
    }
    return 1;
}

static int str_field(const ocpp_json_value_t *root, const char *key, size_t max, char *buf,
                     sim_reply_t *out)
{
    ocpp_json_value_t v;
    int r = field(root, key, OCPP_JSON_STRING, "a string", &v, out);
    if (r != 1) {
        return r;
    }
    size_t n = 0;
    if (ocpp_json_as_string(&v, buf, max + 1, &n) != OCPP_OK || strlen(buf) != n) {
        reply_error(out, 400, "field \"%s\" must be a string of at most %zu characters", key, max);
        return -1;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                   */
/* ------------------------------------------------------------------------ */

static void reply_connector(sim_reply_t *out, sim_station_t *s, uint8_t c)
{
    evse_poll(&s->evse);                    /* the library learns of the change now */
    sim_board_poll(s, ocpp_posix_now_ms()); /* a physical change is saved before the answer */
    sim_station_changed(s);
    char *buf = malloc(ANSWER_CAP);
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, buf != NULL ? ANSWER_CAP : 0);
    write_connector(&w, s, c);
    reply_jw(out, 200, &w, buf);
    free(buf);
}

static void act_plug(sim_station_t *s, uint8_t c, const ocpp_json_value_t *root, sim_reply_t *out)
{
    int64_t amps = 0, wh = 0, soc = 0;
    evse_sim_ev_t ev = {0};
    int r1 = num_field(root, "evMaxCurrentA", 3, 1000, 80000, &amps, out);
    int r2 = r1 < 0 ? -1 : int_field(root, "batteryWh", 1, 1000000, &wh, out);
    int r3 = r2 < 0 ? -1 : num_field(root, "socPercent", 1, 0, 1000, &soc, out);
    if (r3 < 0) {
        return;
    }
    ev.max_current_ma = (uint32_t)amps;
    ev.battery_wh = (uint32_t)wh;
    ev.soc_permille = (uint16_t)soc;
    ev.soc_set = r3 == 1;
    int64_t phases = 0;
    if (int_field(root, "phases", 1, 3, &phases, out) < 0) {
        return;
    }
    ev.phases = (uint8_t)phases;
    if (!evse_sim_plug(&s->board_sim, c, &ev)) {
        reply_error(out, 409, "connector %u is already plugged", c);
        return;
    }
    reply_connector(out, s, c);
}

static void act_ev(sim_station_t *s, uint8_t c, const ocpp_json_value_t *root, sim_reply_t *out)
{
    ocpp_json_value_t v;
    bool on = false;
    int r = field(root, "charging", OCPP_JSON_BOOL, "true or false", &v, out);
    if (r == 0) {
        reply_error(out, 400, "field \"charging\" (true or false) is required");
    }
    if (r != 1) {
        return;
    }
    (void)ocpp_json_as_bool(&v, &on);
    if (!evse_sim_ev_charging(&s->board_sim, c, on)) {
        reply_error(out, 409, "no EV is plugged in at connector %u", c);
        return;
    }
    reply_connector(out, s, c);
}

/** POST .../cable {"type": "socket" | "fixed"}: the connector's cable type. */
static void act_cable(sim_station_t *s, uint8_t c, const ocpp_json_value_t *root, sim_reply_t *out)
{
    ocpp_json_value_t v;
    int r = field(root, "type", OCPP_JSON_STRING, "a string, \"socket\" or \"fixed\"", &v, out);
    if (r == 0) {
        reply_error(out, 400, "field \"type\" (\"socket\" or \"fixed\") is required");
    }
    if (r != 1) {
        return;
    }
    bool fixed = ocpp_json_string_eq(&v, "fixed");
    if (!fixed && !ocpp_json_string_eq(&v, "socket")) {
        reply_error(out, 400,
                    "field \"type\" must be \"socket\" (the driver brings the cable) or "
                    "\"fixed\" (a tethered cable)");
        return;
    }
    evse_sim_connector_t b;
    ocpp_cp_connector_info_t info;
    (void)evse_sim_connector(&s->board_sim, c, &b);
    if (b.plugged || (ocpp_cp_connector_info(&s->cp, c, &info) == OCPP_OK && info.in_transaction)) {
        reply_error(out, 409, "connector %u is in use: unplug it and end its transaction first", c);
        return;
    }
    (void)evse_sim_set_cable(&s->board_sim, c, fixed);
    reply_connector(out, s, c);
}

static bool parse_error_code(const char *s, ocpp_fault_t *out)
{
    for (int e = OCPP_FAULT_NONE; e <= OCPP_FAULT_WEAK_SIGNAL; e++) {
        if (strcmp(s, ocpp_fault_str((ocpp_fault_t)e)) == 0) {
            *out = (ocpp_fault_t)e;
            return true;
        }
    }
    return false;
}

static void act_fault(sim_station_t *s, uint8_t c, const ocpp_json_value_t *root, sim_reply_t *out)
{
    char code[40] = "", info[51] = "", vendor[51] = "";
    int r = str_field(root, "errorCode", sizeof code - 1, code, out);
    if (r == 0) {
        reply_error(out, 400, "field \"errorCode\" (a ChargePointErrorCode) is required");
    }
    if (r != 1 || str_field(root, "info", 50, info, out) < 0 ||
        str_field(root, "vendorErrorCode", 50, vendor, out) < 0) {
        return;
    }
    ocpp_fault_t err;
    if (!parse_error_code(code, &err) || err == OCPP_FAULT_NONE) {
        reply_error(out, 400, "\"%s\" is no ChargePointErrorCode for a fault (OCPP 1.6 §7.6)",
                    code);
        return;
    }
    (void)evse_fault(&s->evse, c, err, info, vendor);
    sim_board_set_fault(s, c, err, info, vendor);
    reply_connector(out, s, c);
}

/** Why no connector takes a card (ocpp_cp_present_id() said OCPP_ERR_STATE). */
static void card_refused_reason(const sim_station_t *s, uint8_t only, char *out, size_t cap)
{
    uint8_t lo = only != 0u ? only : 1u;
    uint8_t hi = only != 0u ? only : s->evse.config.connectors;
    size_t n = only != 0u ? (size_t)snprintf(out, cap, "connector %u cannot take it: ", only)
                          : (size_t)snprintf(out, cap, "no connector can take it (");
    for (uint8_t c = lo; c <= hi && n < cap; c++) {
        ocpp_cp_connector_info_t k;
        char buf[96] = "it cannot start a transaction now";
        if (ocpp_cp_connector_info(&s->cp, c, &k) != OCPP_OK) {
            continue;
        }
        if (k.status == OCPP_CONNECTOR_UNAVAILABLE) {
            snprintf(buf, sizeof buf, "Unavailable");
        } else if (k.status == OCPP_CONNECTOR_FAULTED) {
            snprintf(buf, sizeof buf, "Faulted (%s)", ocpp_fault_str(k.error));
        } else if (k.in_transaction) {
            snprintf(buf, sizeof buf, "in a transaction");
        } else if (k.id_tag[0] != '\0') {
            snprintf(buf, sizeof buf, "authorized for %s, waiting for the EV", k.id_tag);
        } else if (k.status == OCPP_CONNECTOR_FINISHING) {
            snprintf(buf, sizeof buf, "Finishing: unplug first");
        }
        if (only != 0u) {
            n += (size_t)snprintf(out + n, cap - n, "%s", buf);
        } else {
            n += (size_t)snprintf(out + n, cap - n, "%s%u: %s", c > lo ? "; " : "", c, buf);
        }
    }
    if (only == 0u && n < cap) {
        snprintf(out + n, cap - n, ")");
    }
}

static void reply_card(sim_reply_t *out, unsigned status, const char *tag, uint8_t connector,
                       const char *result, const char *auth, const char *reason, const char *by)
{
    char buf[1024];
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    if (reason != NULL && status >= 400u) {
        ocpp_jw_kv_str(&w, "error", reason);
    }
    ocpp_jw_kv_str(&w, "idTag", tag);
    ocpp_jw_key(&w, "connector");
    if (connector != 0u) {
        ocpp_jw_int(&w, connector);
    } else {
        ocpp_jw_null(&w);
    }
    ocpp_jw_kv_str(&w, "result", result);
    if (auth != NULL) {
        ocpp_jw_kv_str(&w, "status", auth);
    }
    if (reason != NULL) {
        ocpp_jw_kv_str(&w, "reason", reason);
    }
    if (by != NULL) {
        ocpp_jw_kv_str(&w, "by", by);
    }
    ocpp_jw_obj_close(&w);
    reply_jw(out, status, &w, buf);
}

/** The idTag of a card: OCPP 1.6 §7.28 IdToken is a CiString20Type, and §2
 *  "CiString: Case Insensitive String. Only printable ASCII allowed." */
static int tag_field(const ocpp_json_value_t *root, char *tag, size_t cap, sim_reply_t *out)
{
    char raw[128];
    ocpp_json_value_t v;
    size_t n = 0;
    int r = field(root, "idTag", OCPP_JSON_STRING, "a string", &v, out);
    if (r == 0) {
        reply_error(out, 400, "field \"idTag\" (1..20 printable ASCII characters) is required");
    }
    if (r != 1) {
        return -1;
    }
    bool ok = ocpp_json_as_string(&v, raw, sizeof raw, &n) == OCPP_OK && n >= 1u &&
              n <= OCPP_ID_TAG_MAX && strlen(raw) == n;
    for (size_t i = 0; ok && i < n; i++) {
        ok = (unsigned char)raw[i] >= 0x20u && (unsigned char)raw[i] <= 0x7Eu;
    }
    if (!ok) {
        reply_error(out, 400,
                    "field \"idTag\" must be 1..20 printable ASCII characters (OCPP 1.6 "
                    "IdToken is a CiString20Type: \"Only printable ASCII allowed\"; no "
                    "control characters, nothing beyond ASCII)");
        return -1;
    }
    memcpy(tag, raw, n + 1u < cap ? n + 1u : cap);
    return 1;
}

static void card_done(sim_station_t *s, const char *tag, uint8_t c, const char *result,
                      const char *auth, const char *reason)
{
    char where[24] = "any connector";
    if (c != 0u) {
        snprintf(where, sizeof where, "connector %u", (unsigned)c);
    }
    fprintf(stderr, "%s: card %s at %s: %s%s%s%s%s%s\n", s->id, tag, where, result,
            auth != NULL ? " (" : "", auth != NULL ? auth : "", auth != NULL ? ")" : "",
            reason != NULL ? ": " : "", reason != NULL ? reason : "");
    sim_emit_card(s, tag, c, result, auth, reason, auth != NULL ? "local" : NULL);
}

static void act_rfid(sim_station_t *s, const ocpp_json_value_t *root, sim_reply_t *out)
{
    char tag[OCPP_ID_TAG_MAX + 1] = "";
    int64_t c = 0;
    if (tag_field(root, tag, sizeof tag, out) < 0 ||
        int_field(root, "connector", 0, 255, &c, out) < 0) {
        return;
    }
    if (c > s->evse.config.connectors) {
        reply_error(out, 404, "no connector %u (this station has %u)", (unsigned)c,
                    s->evse.config.connectors);
        return;
    }
    evse_poll(&s->evse); /* the card comes after what happened before it */
    if (!evse_sim_rfid(&s->board_sim, tag, (uint8_t)c)) {
        reply_error(out, 409, "the card reader is busy (queue full)");
        return;
    }
    s->card = (sim_card_watch_t){.watching = true, .auth = -1};
    evse_poll(&s->evse);
    sim_card_watch_t w = s->card;
    s->card.watching = false;
    sim_station_changed(s);
    uint8_t k = w.connector != 0u ? w.connector : (uint8_t)c;
    const char *auth = w.auth >= 0 ? ocpp_auth_status_str((ocpp_auth_status_t)w.auth) : NULL;
    char reason[512];
    if (!w.presented) {
        card_done(s, tag, k, "released", NULL, NULL);
        reply_card(out, 200, tag, k, "released", NULL, NULL, NULL);
    } else if (w.status == OCPP_OK && w.stopped) {
        card_done(s, tag, k, "stopping", auth, NULL);
        reply_card(out, 200, tag, k, "stopping", auth, NULL, auth != NULL ? "local" : NULL);
    } else if (w.status == OCPP_OK && w.auth >= 0) {
        const char *result = w.authorized ? "accepted" : "rejected";
        card_done(s, tag, k, result, auth, NULL);
        reply_card(out, 200, tag, k, result, auth, NULL, "local");
    } else if (w.status == OCPP_OK) {
        snprintf(s->card_pending, sizeof s->card_pending, "%s", tag);
        card_done(s, tag, k, "authorizing", NULL, NULL);
        reply_card(out, 200, tag, k, "authorizing", NULL, NULL, NULL);
    } else {
        if (w.status == OCPP_ERR_BUSY) {
            snprintf(reason, sizeof reason,
                     "an authorization is already under way (the card before waits for the "
                     "CSMS's answer)");
        } else if (w.status == OCPP_ERR_STATE) {
            card_refused_reason(s, (uint8_t)c, reason, sizeof reason);
        } else {
            snprintf(reason, sizeof reason, "the charge point refused the card (%s)",
                     ocpp_status_str(w.status));
        }
        card_done(s, tag, k, "ignored", NULL, reason);
        reply_card(out, 409, tag, k, "ignored", NULL, reason, NULL);
    }
}

static void act_network(sim_station_t *s, const ocpp_json_value_t *root, sim_reply_t *out)
{
    ocpp_json_value_t v, m;
    bool on = false;
    int r = field(root, "online", OCPP_JSON_BOOL, "true or false", &v, out);
    if (r == 0) {
        reply_error(out, 400, "field \"online\" (true or false) is required");
    }
    if (r != 1) {
        return;
    }
    (void)ocpp_json_as_bool(&v, &on);
    sim_net_mode_t mode = SIM_NET_CLOSE;
    int rm = field(root, "mode", OCPP_JSON_STRING, "a string", &m, out);
    if (rm < 0) {
        return;
    }
    if (rm == 1) {
        static const char *const names[] = {"close", "drop", "blackhole"};
        unsigned i = 0;
        while (i < 3u && !ocpp_json_string_eq(&m, names[i])) {
            i++;
        }
        if (i == 3u) {
            reply_error(out, 400,
                        "field \"mode\" must be \"close\" (a clean WebSocket close), \"drop\" "
                        "(a TCP reset) or \"blackhole\" (a silent half-open link)");
            return;
        }
        if (on) {
            reply_error(out, 400, "field \"mode\" goes with \"online\": false only");
            return;
        }
        mode = (sim_net_mode_t)(SIM_NET_CLOSE + i);
    }
    sim_net_set(s, on, mode);
    sim_station_changed(s);
    char buf[64];
    int n = snprintf(buf, sizeof buf, "{\"online\":%s,\"mode\":\"%s\"}", on ? "true" : "false",
                     net_mode_name(s->net_mode));
    reply_raw(out, 200, buf, (size_t)n);
}

/* ------------------------------------------------------------------------ */
/* Configuration (OCPP 1.6 keys)                                             */
/* ------------------------------------------------------------------------ */

#define CONFIG_LIST_CAP 16384u

/** GetConfiguration's list of every key (ocpp_cp_key_list) into buf: its root, or 409. */
static bool config_list(sim_station_t *s, char *buf, ocpp_json_value_t *keys, sim_reply_t *out)
{
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_json_value_t root;
    ocpp_jw_init(&w, buf, CONFIG_LIST_CAP);
    ocpp_status_t st = ocpp_cp_key_list(&s->cp, &w);
    if (st == OCPP_ERR_STATE) {
        reply_error(out, 409,
                    "OCPP 2.0.1: the device model is not listed here (use --config "
                    "Component.Variable=VALUE)");
        return false;
    }
    if (st != OCPP_OK || ocpp_jw_finish(&w, &n) != OCPP_OK ||
        ocpp_json_root(buf, n, &root) != OCPP_OK ||
        ocpp_json_get(&root, "configurationKey", keys) != OCPP_OK) {
        reply_error(out, 500, "the configuration does not fit the answer");
        return false;
    }
    return true;
}

/** GET .../config: {"keys": [{"key", "value", "readonly"}]}. */
static void get_config(sim_station_t *s, sim_reply_t *out)
{
    char *list = malloc(CONFIG_LIST_CAP);
    char *buf = malloc(CONFIG_LIST_CAP + 256u);
    ocpp_json_value_t keys, k;
    ocpp_json_iter_t it;
    if (list == NULL || buf == NULL) {
        reply_error(out, 500, "out of memory");
    } else if (config_list(s, list, &keys, out)) {
        ocpp_jw_t w;
        ocpp_jw_init(&w, buf, CONFIG_LIST_CAP + 256u);
        ocpp_jw_obj_open(&w);
        ocpp_jw_key(&w, "keys");
        ocpp_jw_arr_open(&w);
        (void)ocpp_json_iter_init(&it, &keys);
        while (ocpp_json_iter_next(&it, NULL, &k)) {
            ocpp_json_value_t name, value, ro;
            char text[512];
            size_t n = 0;
            bool readonly = false;
            if (ocpp_json_get(&k, "key", &name) != OCPP_OK ||
                ocpp_json_as_string(&name, text, sizeof text, &n) != OCPP_OK) {
                continue;
            }
            ocpp_jw_obj_open(&w);
            ocpp_jw_kv_str(&w, "key", text);
            if (ocpp_json_get(&k, "value", &value) == OCPP_OK &&
                ocpp_json_as_string(&value, text, sizeof text, &n) == OCPP_OK) {
                ocpp_jw_key(&w, "value");
                ocpp_jw_strn(&w, text, n);
            }
            (void)(ocpp_json_get(&k, "readonly", &ro) == OCPP_OK &&
                   ocpp_json_as_bool(&ro, &readonly));
            ocpp_jw_kv_bool(&w, "readonly", readonly);
            ocpp_jw_obj_close(&w);
        }
        ocpp_jw_arr_close(&w);
        ocpp_jw_obj_close(&w);
        reply_jw(out, 200, &w, buf);
    }
    free(list);
    free(buf);
}

static void reply_key(sim_reply_t *out, unsigned status, const char *key, const char *result,
                      const char *value, const char *error)
{
    char buf[1400];
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    if (error != NULL) {
        ocpp_jw_kv_str(&w, "error", error);
    }
    ocpp_jw_kv_str(&w, "key", key);
    ocpp_jw_kv_str(&w, "status", result);
    if (value != NULL) {
        ocpp_jw_kv_str(&w, "value", value);
    }
    ocpp_jw_obj_close(&w);
    reply_jw(out, status, &w, buf);
}

/**
 * PUT .../config/{key} {"value"}: as a ChangeConfiguration.req (OCPP 1.6
 * §5.3: Accepted, RebootRequired, NotSupported "If "key" does not correspond
 * to a configuration setting supported by Charge Point", Rejected "If the
 * Charge Point did not set the configuration"). A read-only key (GetConfiguration's
 * readonly) is Rejected, as the library answers a ChangeConfiguration of it;
 * anything else takes the charge point's own path, ocpp_cp_key_set()
 * (validated, applied and persisted as from the CSMS).
 */
static void put_config(sim_station_t *s, const char *key, const ocpp_json_value_t *root,
                       sim_reply_t *out)
{
    char value[501] = "";
    char name[64] = "";
    size_t kn = strlen(key);
    if (kn == 0u || kn > 50u) {
        reply_error(out, 404, "no configuration key \"%.60s\" (a key is 1..50 characters)", key);
        return;
    }
    memcpy(name, key, kn + 1u);
    int r = str_field(root, "value", 500, value, out);
    if (r == 0) {
        reply_error(out, 400, "field \"value\" (a string, ≤ 500 characters) is required");
    }
    if (r != 1) {
        return;
    }
    char *list = malloc(CONFIG_LIST_CAP);
    ocpp_json_value_t keys, k;
    ocpp_json_iter_t it;
    bool found = false, readonly = false;
    if (list == NULL) {
        reply_error(out, 500, "out of memory");
        return;
    }
    if (!config_list(s, list, &keys, out)) {
        free(list);
        return;
    }
    (void)ocpp_json_iter_init(&it, &keys);
    while (!found && ocpp_json_iter_next(&it, NULL, &k)) {
        ocpp_json_value_t n, ro;
        char text[64];
        size_t len = 0;
        if (ocpp_json_get(&k, "key", &n) == OCPP_OK &&
            ocpp_json_as_string(&n, text, sizeof text, &len) == OCPP_OK &&
            strcasecmp(text, name) == 0) {
            found = true;
            memcpy(name, text, len + 1u); /* the key's own spelling */
            (void)(ocpp_json_get(&k, "readonly", &ro) == OCPP_OK &&
                   ocpp_json_as_bool(&ro, &readonly));
        }
    }
    free(list);
    if (readonly) {
        reply_key(out, 400, name, "Rejected", NULL,
                  "the key is read-only: a ChangeConfiguration is Rejected");
        return;
    }
    ocpp_key_result_t res = ocpp_cp_key_set(&s->cp, name, value);
    const char *rs = ocpp_key_result_str(res);
    sim_station_changed(s);
    if (res == OCPP_KEY_ACCEPTED || res == OCPP_KEY_REBOOT_REQUIRED) {
        char now[512];
        bool readable = ocpp_cp_key_get(&s->cp, name, now, sizeof now) == OCPP_OK;
        fprintf(stderr, "%s: configuration %s set through the REST API: %s\n", s->id, name, rs);
        reply_key(out, 200, name, rs, readable ? now : NULL, NULL);
    } else if (res == OCPP_KEY_NOT_SUPPORTED) {
        reply_key(out, 404, name, "NotSupported", NULL, "no such configuration key");
    } else {
        reply_key(out, 400, name, rs, NULL,
                  "the charge point rejected the value (not of the key's type, out of its "
                  "range, or not allowed now)");
    }
}

static void reply_data_transfer(sim_station_t *s, unsigned status, sim_reply_t *out)
{
    char buf[2 * EVSE_DT_DATA_MAX + 1024];
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, sizeof buf);
    write_data_transfer(&w, evse_data_transfer_last(&s->evse));
    reply_jw(out, status, &w, buf);
}

/** POST .../datatransfer {"vendorId", "messageId"?, "data"?}: DataTransfer.req to the CSMS. */
static void act_data_transfer(sim_station_t *s, const ocpp_json_value_t *root, sim_reply_t *out)
{
    char vendor[256] = "", msg[51] = "", data[EVSE_DT_DATA_MAX + 1] = "";
    int rv = str_field(root, "vendorId", sizeof vendor - 1, vendor, out);
    if (rv == 0 || (rv == 1 && vendor[0] == '\0')) {
        reply_error(out, 400, "field \"vendorId\" (1..255 characters) is required");
        return;
    }
    int rm = rv < 0 ? -1 : str_field(root, "messageId", sizeof msg - 1, msg, out);
    int rd = rm < 0 ? -1 : str_field(root, "data", sizeof data - 1, data, out);
    if (rd < 0) {
        return;
    }
    ocpp_status_t st =
        evse_data_transfer(&s->evse, vendor, rm == 1 ? msg : NULL, rd == 1 ? data : NULL);
    if (st == OCPP_ERR_BUSY) {
        reply_error(out, 409, "a DataTransfer is under way (GET datatransfer shows it)");
    } else if (st == OCPP_ERR_STATE) {
        reply_error(out, 409, "the charge point is not accepted by the CSMS (connection: %s)",
                    conn_name(ocpp_cp_connection(&s->cp)));
    } else if (st != OCPP_OK) {
        reply_error(out, 400, "vendorId, messageId or data is not valid text for OCPP");
    } else {
        sim_station_changed(s);
        reply_data_transfer(s, 202, out);
    }
}

static void get_log(sim_station_t *s, const char *since_s, sim_reply_t *out)
{
    uint32_t since = 0;
    if (since_s != NULL) {
        char *end;
        unsigned long v = strtoul(since_s, &end, 10);
        if (since_s[0] < '0' || since_s[0] > '9' || *end != '\0' || v > UINT32_MAX) {
            reply_error(out, 400, "since must be a sequence number");
            return;
        }
        since = (uint32_t)v;
    }
    watch_start(s); /* someone looks at this station: keep its log */
    uint64_t *pos = malloc(SIM_LOG_API_MAX * sizeof *pos);
    if (pos == NULL) {
        reply_error(out, 500, "out of memory");
        return;
    }
    const sim_logring_t *r;
    size_t n = log_collect(s, pos, SIM_LOG_API_MAX, &r);
    sim_log_rec_t e;
    uint32_t first =
        n > 0u && sim_logring_get(r, pos[n - 1u], s->index, &e, NULL) ? e.seq : s->log_seq;
    /* per entry: the frame, the text escaped (\u00XX: 6 bytes a byte at worst), the fields */
    size_t cap = 256;
    for (size_t i = 0; i < n; i++) {
        if (sim_logring_get(r, pos[i], s->index, &e, NULL)) {
            cap += (size_t)e.len * 7u + 6u * (strlen(e.msg_id) + strlen(e.action)) + 600u;
        }
    }
    char *buf = malloc(cap);
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, buf != NULL ? cap : 0);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_int(&w, "next", s->log_seq);
    ocpp_jw_kv_int(&w, "first", first);
    ocpp_jw_key(&w, "entries");
    ocpp_jw_arr_open(&w);
    for (size_t i = n; i-- > 0;) {
        if (sim_logring_get(r, pos[i], s->index, &e, NULL) && e.seq >= since) {
            write_log_entry(&w, s, &e, true);
        }
    }
    ocpp_jw_arr_close(&w);
    ocpp_jw_obj_close(&w);
    reply_jw(out, 200, &w, buf);
    free(buf);
    free(pos);
}

/* ------------------------------------------------------------------------ */
/* Routing                                                                   */
/* ------------------------------------------------------------------------ */

/** Method check: true if `method` is one of `allow` ("GET", "POST, DELETE"...). */
static bool method_ok(const char *method, const char *allow, sim_reply_t *out)
{
    size_t n = strlen(method);
    for (const char *p = allow; (p = strstr(p, method)) != NULL; p += n) {
        if ((p == allow || p[-1] == ' ') && (p[n] == '\0' || p[n] == ',')) {
            return true;
        }
    }
    reply_error(out, 405, "method %s not allowed here (allowed: %s)", method, allow);
    out->allow = allow;
    return false;
}

static void route_connector(sim_station_t *s, const char *method, const char *rest,
                            const req_body_t *rb, sim_reply_t *out)
{
    char *end;
    unsigned long c = strtoul(rest, &end, 10);
    if (rest[0] < '0' || rest[0] > '9' || c < 1 || c > s->evse.config.connectors ||
        (*end != '/' && *end != '\0')) {
        reply_error(out, 404, "no connector %.*s (this station has %u)", (int)strcspn(rest, "/"),
                    rest, s->evse.config.connectors);
        return;
    }
    const char *act = *end == '/' ? end + 1 : "";
    uint8_t k = (uint8_t)c;
    ocpp_json_value_t root;
    const ocpp_json_value_t *b = NULL;
    if (strcmp(act, "plug") == 0) {
        if (method_ok(method, "POST", out) && load(rb, &root, &b, out)) {
            act_plug(s, k, b, out);
        }
    } else if (strcmp(act, "unplug") == 0) {
        if (method_ok(method, "POST", out)) {
            if (!evse_sim_unplug(&s->board_sim, k)) {
                reply_error(out, 409, "connector %u is not plugged", k);
            } else {
                reply_connector(out, s, k);
            }
        }
    } else if (strcmp(act, "cable") == 0) {
        if (method_ok(method, "POST", out) && load(rb, &root, &b, out)) {
            act_cable(s, k, b, out);
        }
    } else if (strcmp(act, "ev") == 0) {
        if (method_ok(method, "POST", out) && load(rb, &root, &b, out)) {
            act_ev(s, k, b, out);
        }
    } else if (strcmp(act, "fault") == 0) {
        if (method_ok(method, "POST, DELETE", out)) {
            if (!load(rb, &root, &b, out)) {
                return;
            }
            if (strcmp(method, "DELETE") == 0) {
                (void)evse_fault(&s->evse, k, OCPP_FAULT_NONE, NULL, NULL);
                sim_board_set_fault(s, k, OCPP_FAULT_NONE, NULL, NULL);
                reply_connector(out, s, k);
            } else {
                act_fault(s, k, b, out);
            }
        }
    } else if (act[0] == '\0') {
        if (method_ok(method, "GET", out)) {
            reply_connector(out, s, k);
        }
    } else if (sim_api_power(s, k, act, method, rb->body, rb->len, out)) { /* api_power.c */
    } else {
        reply_error(out, 404, "unknown path");
    }
}

/** POST reboot: {"result":"rebooting","stopped":[connectors whose transaction was stopped]}. */
static void act_reboot(sim_station_t *s, sim_reply_t *out)
{
    uint32_t stopped = sim_reboot(s);
    char buf[160];
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "result", "rebooting");
    ocpp_jw_key(&w, "stopped");
    ocpp_jw_arr_open(&w);
    for (unsigned c = 1; c < 32u; c++) {
        if ((stopped >> c) & 1u) {
            ocpp_jw_int(&w, c);
        }
    }
    ocpp_jw_arr_close(&w);
    ocpp_jw_obj_close(&w);
    reply_jw(out, 200, &w, buf);
}

static void route_station(sim_station_t *s, const char *method, const char *rest, const char *since,
                          const char *body, size_t len, sim_reply_t *out)
{
    ocpp_json_value_t root;
    const ocpp_json_value_t *b = NULL;
    const req_body_t rb = {body, len};
    /* Bring the physics up to now: energy up to this instant is metered before a change;
     * and the library's clock, so that what the request causes is stamped with its time. */
    uint32_t now = ocpp_posix_now_ms();
    evse_sim_step(&s->board_sim, now);
    (void)ocpp_cp_poll(&s->cp, now);
    sim_loop_wake(s); /* and the loop's poll, for what the request changes */
    if (strcmp(rest, "state") == 0 || rest[0] == '\0') {
        if (method_ok(method, "GET", out)) {
            char *buf = malloc(ANSWER_CAP);
            ocpp_jw_t w;
            ocpp_jw_init(&w, buf, buf != NULL ? ANSWER_CAP : 0);
            write_station(&w, s);
            reply_jw(out, 200, &w, buf);
            free(buf);
        }
    } else if (strcmp(rest, "events") == 0) {
        if (method_ok(method, "GET", out)) {
            out->sse = true;
            out->sse_station = (int)s->index;
            out->status = 200;
        }
    } else if (strcmp(rest, "log") == 0) {
        if (method_ok(method, "GET", out)) {
            get_log(s, since, out);
        }
    } else if (strcmp(rest, "rfid") == 0) {
        if (method_ok(method, "POST", out) && load(&rb, &root, &b, out)) {
            act_rfid(s, b, out);
        }
    } else if (strcmp(rest, "datatransfer") == 0) {
        if (method_ok(method, "GET, POST", out)) {
            if (strcmp(method, "GET") == 0) {
                reply_data_transfer(s, 200, out);
            } else if (load(&rb, &root, &b, out)) {
                act_data_transfer(s, b, out);
            }
        }
    } else if (strcmp(rest, "network") == 0) {
        if (method_ok(method, "POST", out) && load(&rb, &root, &b, out)) {
            act_network(s, b, out);
        }
    } else if (strcmp(rest, "reboot") == 0) {
        if (method_ok(method, "POST", out)) {
            act_reboot(s, out);
        }
    } else if (strcmp(rest, "power-cut") == 0) {
        if (method_ok(method, "POST", out)) {
            static const char k_restarted[] = "{\"result\":\"restarted\"}";
            sim_power_cut(s);
            reply_raw(out, 200, k_restarted, sizeof k_restarted - 1u);
        }
    } else if (strcmp(rest, "config") == 0) {
        if (method_ok(method, "GET", out)) {
            get_config(s, out);
        }
    } else if (strncmp(rest, "config/", 7) == 0) {
        if (method_ok(method, "PUT", out) && load(&rb, &root, &b, out)) {
            put_config(s, rest + 7, b, out);
        }
    } else if (strncmp(rest, "connectors/", 11) == 0) {
        route_connector(s, method, rest + 11, &rb, out);
    } else if (sim_face_route(s, method, rest, body, len, out)) { /* display, buttons */
    } else {
        reply_error(out, 404, "unknown path");
    }
}

static void list_stations(sim_t *sim, sim_reply_t *out)
{
    size_t cap = 256 + (size_t)sim->n * 160;
    char *buf = malloc(cap);
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, buf != NULL ? cap : 0);
    ocpp_jw_obj_open(&w);
    ocpp_jw_key(&w, "stations");
    ocpp_jw_arr_open(&w);
    for (unsigned i = 0; i < sim->n; i++) {
        ocpp_jw_obj_open(&w);
        ocpp_jw_kv_str(&w, "id", sim->st[i].id);
        ocpp_jw_kv_str(&w, "connection", conn_name(ocpp_cp_connection(&sim->st[i].cp)));
        ocpp_jw_kv_int(&w, "connectors", sim->st[i].evse.config.connectors);
        ocpp_jw_obj_close(&w);
    }
    ocpp_jw_arr_close(&w);
    ocpp_jw_obj_close(&w);
    reply_jw(out, 200, &w, buf);
    free(buf);
}

static void route(sim_t *sim, const char *method, const char *url, const char *since,
                  const char *body, size_t len, sim_reply_t *out)
{
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0) {
        if (method_ok(method, "GET", out)) {
            reply_raw(out, 200, sim_dashboard_html, strlen(sim_dashboard_html));
            out->content_type = "text/html; charset=utf-8";
        }
        return;
    }
    if (strcmp(url, "/api/stations") == 0) {
        if (method_ok(method, "GET", out)) {
            list_stations(sim, out);
        }
        return;
    }
    if (strncmp(url, "/api/stations/", 14) == 0) {
        const char *id = url + 14;
        size_t n = strcspn(id, "/");
        for (unsigned i = 0; i < sim->n; i++) {
            if (strlen(sim->st[i].id) == n && strncmp(sim->st[i].id, id, n) == 0) {
                route_station(&sim->st[i], method, id[n] == '/' ? id + n + 1 : "", since, body, len,
                              out);
                return;
            }
        }
        reply_error(out, 404, "no station %.*s", (int)(n > 60 ? 60 : n), id);
        return;
    }
    if (strcmp(url, "/api/fleet/faults") == 0) {
        sim_faults_api(sim, method, body, len, out); /* faults.c */
        return;
    }
    if (strncmp(url, "/api/fleet/", 11) == 0 &&
        sim_stats_route(sim, method, url + 11, since, body, len, out)) {
        return; /* the fleet's figures and reports (report.c) */
    }
    if (strcmp(url, "/api/events") == 0) {
        if (method_ok(method, "GET", out)) {
            out->sse = true;
            out->sse_station = -1;
            out->status = 200;
        }
        return;
    }
    if (sim_gen_route(sim, method, url, out)) { /* /api/fleet/generator (gen_fleet.c) */
        return;
    }
    if (strcmp(url, "/api") == 0) {
        url = "/api/"; /* the station, as /api/ */
    }
    if (strncmp(url, "/api/", 5) == 0) {
        if (sim->n != 1) {
            reply_error(out, 404, "%u stations: use /api/stations/{id}%s", sim->n, url + 4);
            return;
        }
        route_station(&sim->st[0], method, url + 5, since, body, len, out);
        return;
    }
    reply_error(out, 404, "unknown path");
}

void sim_api(sim_t *sim, const char *method, const char *url, const char *since, const char *body,
             size_t len, bool too_large, sim_reply_t *out)
{
    memset(out, 0, sizeof *out);
    if (too_large) {
        reply_error(out, 413, "request body over %u bytes", SIM_BODY_MAX);
        return;
    }
    /* HEAD: GET's status and headers; libmicrohttpd leaves the body out. */
    bool head = strcmp(method, "HEAD") == 0;
    route(sim, head ? "GET" : method, url, since, body, len, out);
    if (head && out->sse) {
        out->sse = false; /* no stream for HEAD: the headers only */
        reply_raw(out, 200, "", 0);
        out->content_type = "text/event-stream";
    }
}
