/**
 * @file gen_fleet.c
 * @brief The transaction generator's fleet side (gen.h, gen_fleet.h): each
 *        station's sessions, run from its own poll, through the simulated
 *        board and the EVSE application as a driver would use them.
 *
 * A station's session, one at a time:
 *   IDLE        its idle time runs (exponential); when it ends and the station
 *               is Accepted, the session's decisions are drawn. The connector
 *               must be Available with nothing plugged, else the driver leaves
 *               (refused).
 *   WAIT_START  local start: the EV is plugged and the card presented at the
 *               connector; the transaction must start within the timeout,
 *               else the driver unplugs and leaves (refused).
 *   WAIT_REMOTE remote start: the EV is plugged, the driver waits for the
 *               CSMS's RemoteStartTransaction (a transaction starting there)
 *               within the timeout, else unplugs and leaves (timed out).
 *   CHARGING    until the session's length is over (or a drain): then the
 *               transaction's idTag is presented again (a Local stop).
 *   STOPPING    until the transaction has ended, then unplug; after the
 *               timeout the EV is unplugged anyway (LEAVING: an EV-side
 *               disconnect ends it when StopTransactionOnEVSideDisconnect).
 * A transaction that ends while CHARGING (RemoteStop, a reset, a power cut)
 * is counted as stopped and the EV leaves. Every transaction seen at the
 * session's connector counts, also a second one that starts as the first
 * ends (a card still being authorized when a remote start won the race): it is
 * ended the same way, so every transaction started is stopped.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_fleet.h"
#include "ocpp/ocpp_json.h"

enum {
    GEN_IDLE = 0,
    GEN_WAIT_START,
    GEN_WAIT_REMOTE,
    GEN_CHARGING,
    GEN_STOPPING,
    GEN_LEAVING,
};

#define GEN_RETRY_MS 1000u /**< A due session waits this long for the station to be Accepted. */
#define GEN_CHECK_MS 1000u /**< Waiting for a start or a stop: a look at least this often. */

static bool due_now(uint32_t due, uint32_t now)
{
    return (int32_t)(due - now) <= 0;
}

static uint32_t until(uint32_t due, uint32_t now, uint32_t cap)
{
    int32_t d = (int32_t)(due - now);
    if (d <= 0) {
        return 0;
    }
    return (uint32_t)d < cap ? (uint32_t)d : cap;
}

static int64_t meter_wh(const sim_station_t *s, uint8_t c)
{
    evse_sim_connector_t b;
    return evse_sim_connector(&s->board_sim, c, &b) ? b.energy_wh : 0;
}

/** Back to idle: the next idle time is drawn now (or when the generator starts again). */
static void go_idle(sim_station_t *s, uint32_t now)
{
    sim_gen_t *g = &s->sim->gen;
    sim_gen_station_t *st = &s->gen;
    if (st->phase != GEN_IDLE && g->active > 0u) {
        g->active--;
    }
    st->phase = GEN_IDLE;
    st->epoch = g->epoch;
    st->due = now + sim_gen_draw_idle(&g->profile, &st->rng);
}

/** The EV leaves: unplugged if it still is, then idle. */
static void leave(sim_station_t *s, uint32_t now)
{
    (void)evse_sim_unplug(&s->board_sim, s->gen.connector);
    go_idle(s, now);
}

/** The idle time is over and the station is Accepted: a driver arrives. */
static void arrive(sim_station_t *s, uint32_t now)
{
    sim_gen_t *g = &s->sim->gen;
    sim_gen_station_t *st = &s->gen;
    const sim_gen_profile_t *p = &g->profile;
    sim_gen_session_t d;
    sim_gen_draw_session(p, &st->rng, s->board_sim.connectors, &d);
    evse_sim_connector_t b;
    if (ocpp_cp_connector_status(&s->cp, d.connector) != OCPP_CONNECTOR_AVAILABLE ||
        !evse_sim_connector(&s->board_sim, d.connector, &b) || b.plugged) {
        g->refused++; /* the connector is taken, reserved, unavailable or faulted */
        go_idle(s, now);
        return;
    }
    const sim_gen_ev_t *e = &p->ev[d.ev];
    evse_sim_ev_t ev = {.max_current_ma = e->max_current_ma,
                        .phases = e->phases,
                        .battery_wh = e->battery_wh,
                        .soc_permille = (uint16_t)(d.soc * 10u),
                        .soc_set = true};
    if (!evse_sim_plug(&s->board_sim, d.connector, &ev)) {
        g->refused++;
        go_idle(s, now);
        return;
    }
    g->active++;
    st->connector = d.connector;
    st->remote = d.remote ? 1u : 0u;
    st->len_ms = d.len_ms;
    st->due = now + p->timeout_ms;
    if (d.remote) {
        g->remote_requested++;
        st->phase = GEN_WAIT_REMOTE;
        return;
    }
    char tag[OCPP_ID_TAG_MAX + 1];
    sim_gen_card_tag(p, d.card, tag, sizeof tag);
    (void)evse_sim_rfid(&s->board_sim, tag, d.connector);
    st->phase = GEN_WAIT_START;
}

/** A transaction's signature: its idTag and meterStart (a transaction id may not be known yet). */
static uint32_t tx_sig(const ocpp_cp_connector_info_t *info)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *p = info->id_tag; *p != '\0'; p++) {
        h = (h ^ (uint8_t)*p) * 16777619u;
    }
    return h ^ (uint32_t)info->meter_start_wh;
}

enum { TX_NONE, TX_SAME, TX_OTHER };

/** What runs at the session's connector: nothing, its transaction, or another one. */
static int observe(const sim_station_t *s, ocpp_cp_connector_info_t *info)
{
    if (ocpp_cp_connector_info(&s->cp, s->gen.connector, info) != OCPP_OK ||
        !info->in_transaction) {
        return TX_NONE;
    }
    return tx_sig(info) == s->gen.tx_sig ? TX_SAME : TX_OTHER;
}

static void started(sim_station_t *s, const ocpp_cp_connector_info_t *info)
{
    sim_gen_t *g = &s->sim->gen;
    sim_gen_station_t *st = &s->gen;
    g->started++;
    g->charging++;
    st->tx_sig = tx_sig(info);
    st->meter_wh = (uint32_t)meter_wh(s, st->connector);
}

/** The session's transaction ended (the EV still plugged). */
static void ended(sim_station_t *s)
{
    sim_gen_t *g = &s->sim->gen;
    sim_gen_station_t *st = &s->gen;
    int64_t wh = meter_wh(s, st->connector) - (int64_t)st->meter_wh;
    g->stopped++;
    g->energy_wh += wh > 0 ? (uint64_t)wh : 0u;
    if (g->charging > 0u) {
        g->charging--;
    }
}

/** End the transaction as its driver would: the card that started it, again (a Local stop). */
static void present_again(sim_station_t *s, const ocpp_cp_connector_info_t *info, uint32_t now)
{
    (void)evse_sim_rfid(&s->board_sim, info->id_tag, s->gen.connector);
    s->gen.phase = GEN_STOPPING;
    s->gen.due = now + s->sim->gen.profile.timeout_ms;
}

/** A waiting session (card presented, or for the CSMS). */
static uint32_t poll_wait(sim_station_t *s, uint32_t now)
{
    sim_gen_t *g = &s->sim->gen;
    sim_gen_station_t *st = &s->gen;
    ocpp_cp_connector_info_t info;
    if (observe(s, &info) != TX_NONE) {
        started(s, &info);
        if (st->remote != 0u) {
            g->remote_received++;
        }
        st->phase = GEN_CHARGING;
        st->due = now + st->len_ms;
        return g->draining ? 0u : until(st->due, now, UINT32_MAX);
    }
    if (g->draining || due_now(st->due, now)) {
        if (g->draining) {
            /* given up: nothing counted */
        } else if (st->phase == GEN_WAIT_REMOTE) {
            g->remote_timed_out++;
        } else {
            g->refused++;
        }
        leave(s, now);
        return UINT32_MAX;
    }
    return until(st->due, now, GEN_CHECK_MS);
}

/**
 * A session with a transaction. Another transaction at the connector (one that
 * started as the session's ended: e.g. the driver's card was still being
 * authorized when the CSMS's remote start won the race, and its authorization
 * started a second one with the EV still plugged) is counted as well and ended
 * the same way.
 */
static uint32_t poll_tx(sim_station_t *s, uint32_t now)
{
    sim_gen_t *g = &s->sim->gen;
    sim_gen_station_t *st = &s->gen;
    ocpp_cp_connector_info_t info;
    int tx = observe(s, &info);
    if (tx == TX_NONE) {
        ended(s); /* by the card, or by someone else (RemoteStop, a reset, ...) */
        leave(s, now);
        return UINT32_MAX;
    }
    if (tx == TX_OTHER) {
        ended(s);
        started(s, &info);
        present_again(s, &info, now);
        return GEN_CHECK_MS;
    }
    if (st->phase == GEN_CHARGING) {
        if (g->draining || due_now(st->due, now)) {
            present_again(s, &info, now);
            return GEN_CHECK_MS;
        }
        return until(st->due, now, UINT32_MAX);
    }
    if (st->phase == GEN_STOPPING && due_now(st->due, now)) {
        (void)evse_sim_unplug(&s->board_sim, st->connector); /* the driver leaves anyway */
        st->phase = GEN_LEAVING;
    }
    return GEN_CHECK_MS;
}

static uint32_t poll_session(sim_station_t *s, uint32_t now)
{
    if (s->gen.phase == GEN_WAIT_START || s->gen.phase == GEN_WAIT_REMOTE) {
        return poll_wait(s, now);
    }
    return poll_tx(s, now);
}

uint32_t sim_gen_poll(sim_station_t *s, uint32_t now)
{
    sim_gen_t *g = &s->sim->gen;
    sim_gen_station_t *st = &s->gen;
    if (st->phase != GEN_IDLE) {
        uint32_t w = poll_session(s, now);
        if (st->phase != GEN_IDLE || !g->running) {
            return w;
        }
    }
    if (!g->running) {
        return UINT32_MAX;
    }
    if (st->epoch != g->epoch) {
        go_idle(s, now); /* the generator (re)started: a fresh idle time from now */
    }
    if (!due_now(st->due, now)) {
        return until(st->due, now, UINT32_MAX);
    }
    if (ocpp_cp_connection(&s->cp) != OCPP_CP_ACCEPTED) {
        return GEN_RETRY_MS; /* the driver comes when the station is up */
    }
    arrive(s, now);
    return st->phase == GEN_IDLE ? until(st->due, now, UINT32_MAX) : GEN_CHECK_MS;
}

void sim_gen_init(sim_t *sim, const sim_gen_profile_t *profile)
{
    sim_gen_t *g = &sim->gen;
    *g = (sim_gen_t){.profile = *profile};
    for (unsigned i = 0; i < sim->n; i++) {
        sim->st[i].gen = (sim_gen_station_t){.rng = sim_gen_seed_station(profile->seed, i)};
    }
    if (profile->given) {
        g->running = true;
        g->epoch = 1u;
    }
}

/* ------------------------------------------------------------------------ */
/* REST: /api/fleet/generator                                                */
/* ------------------------------------------------------------------------ */

#define GEN_PATH "/api/fleet/generator"

static void reply_text(sim_reply_t *out, unsigned status, const char *text, size_t len)
{
    out->status = status;
    out->body = malloc(len + 1u);
    out->len = out->body != NULL ? len : 0u;
    if (out->body != NULL) {
        memcpy(out->body, text, len);
        out->body[len] = '\0';
    }
}

static void reply_err(sim_reply_t *out, unsigned status, const char *msg)
{
    char buf[320];
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "error", msg);
    ocpp_jw_obj_close(&w);
    (void)ocpp_jw_finish(&w, &n);
    reply_text(out, status, buf, n);
}

static void write_ms(ocpp_jw_t *w, const char *key, uint32_t ms)
{
    ocpp_jw_key(w, key);
    ocpp_jw_decimal(w, ms, 3);
}

static void write_profile(ocpp_jw_t *w, const sim_gen_profile_t *p)
{
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)p->seed);
    ocpp_jw_key(w, "profile");
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "seed", seed); /* a string: 64 bits do not fit a JSON number exactly */
    write_ms(w, "idleMeanS", p->idle_mean_ms);
    write_ms(w, "lengthMeanS", p->len_mean_ms);
    write_ms(w, "lengthMinS", p->len_min_ms);
    write_ms(w, "lengthMaxS", p->len_max_ms);
    ocpp_jw_kv_int(w, "cards", p->cards);
    ocpp_jw_kv_str(w, "prefix", p->prefix);
    ocpp_jw_key(w, "remote");
    ocpp_jw_decimal(w, p->remote_permille, 3);
    write_ms(w, "timeoutS", p->timeout_ms);
    ocpp_jw_kv_int(w, "socMin", p->soc_min);
    ocpp_jw_kv_int(w, "socMax", p->soc_max);
    ocpp_jw_key(w, "ev");
    ocpp_jw_arr_open(w);
    for (unsigned i = 0; i < p->n_ev; i++) {
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_int(w, "batteryWh", p->ev[i].battery_wh);
        ocpp_jw_key(w, "maxCurrentA");
        ocpp_jw_decimal(w, p->ev[i].max_current_ma, 3);
        ocpp_jw_kv_int(w, "phases", p->ev[i].phases);
        ocpp_jw_obj_close(w);
    }
    ocpp_jw_arr_close(w);
    ocpp_jw_obj_close(w);
}

static void reply_state(sim_t *sim, sim_reply_t *out)
{
    const sim_gen_t *g = &sim->gen;
    char buf[2048];
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "state",
                   g->running    ? "running"
                   : g->draining ? (g->active > 0u ? "draining" : "drained")
                                 : "stopped");
    ocpp_jw_kv_int(&w, "stations", sim->n);
    ocpp_jw_kv_int(&w, "active", g->active);
    ocpp_jw_kv_int(&w, "charging", g->charging);
    ocpp_jw_kv_int(&w, "sessionsStarted", (int64_t)g->started);
    ocpp_jw_kv_int(&w, "sessionsStopped", (int64_t)g->stopped);
    ocpp_jw_kv_int(&w, "sessionsRefused", (int64_t)g->refused);
    ocpp_jw_kv_int(&w, "remoteRequested", (int64_t)g->remote_requested);
    ocpp_jw_kv_int(&w, "remoteReceived", (int64_t)g->remote_received);
    ocpp_jw_kv_int(&w, "remoteTimedOut", (int64_t)g->remote_timed_out);
    ocpp_jw_kv_int(&w, "energyWh", (int64_t)g->energy_wh);
    write_profile(&w, &g->profile);
    ocpp_jw_obj_close(&w);
    if (ocpp_jw_finish(&w, &n) != OCPP_OK) {
        reply_err(out, 500, "answer too large");
        return;
    }
    reply_text(out, 200, buf, n);
}

/** Every station with something to do now gets its poll (sim_station_changed). */
static void wake(sim_t *sim, bool idle_too)
{
    for (unsigned i = 0; i < sim->n; i++) {
        if (idle_too || sim->st[i].gen.phase != GEN_IDLE) {
            sim_station_changed(&sim->st[i]);
        }
    }
}

bool sim_gen_route(sim_t *sim, const char *method, const char *url, sim_reply_t *out)
{
    size_t n = sizeof GEN_PATH - 1u;
    if (strncmp(url, GEN_PATH, n) != 0 || (url[n] != '\0' && url[n] != '/')) {
        return false;
    }
    const char *act = url[n] == '/' ? url + n + 1 : "";
    sim_gen_t *g = &sim->gen;
    bool get = act[0] == '\0';
    if (!get && strcmp(act, "start") != 0 && strcmp(act, "stop") != 0 &&
        strcmp(act, "drain") != 0) {
        reply_err(out, 404, "unknown path: " GEN_PATH "/start, /stop or /drain");
        return true;
    }
    if (strcmp(method, get ? "GET" : "POST") != 0) {
        reply_err(out, 405,
                  get ? "method not allowed here (allowed: GET)"
                      : "method not allowed here (allowed: POST)");
        out->allow = get ? "GET" : "POST";
        return true;
    }
    if (strcmp(act, "start") == 0 && !g->running) {
        g->running = true;
        g->draining = false;
        g->epoch++;
        wake(sim, true);
    } else if (strcmp(act, "stop") == 0) {
        g->running = false;
    } else if (strcmp(act, "drain") == 0) {
        g->running = false;
        g->draining = true;
        wake(sim, false);
    }
    reply_state(sim, out);
    return true;
}
