/**
 * @file faults.c
 * @brief Fleet faults (faults.h), acting on the stations: boot storms and power cuts
 *        (sim_power_cut, main.c), network outages (sim_net_set), meter-value bursts
 *        (MeterValueSampleInterval set to 1 s through ocpp_cp_key_set), and the REST
 *        routes GET and POST /api/fleet/faults (docs/simulator.md, "Fleet faults").
 *
 * A fault walks the fleet only when it starts or ends: the stations it takes are drawn
 * again from its seed at the end (sim_pick_t), so nothing per fault is kept per station;
 * a station counts the outages and bursts running on it (sim_fault_station_t), for
 * faults that overlap.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocpp/ocpp_json.h"
#include "sim.h"

/** The OCPP 1.6 key of the periodic samples during a transaction (§9.1.19, seconds). */
#define INTERVAL_KEY "MeterValueSampleInterval"
/** Station ids listed per fault in GET /api/fleet/faults (the count is always there). */
#define LIST_IDS 20u

static int64_t wall_ms(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool due(uint32_t now, uint32_t at)
{
    return (int32_t)(now - at) >= 0;
}

/** Transactions running on the station now. */
static unsigned running_tx(const sim_station_t *s)
{
    unsigned n = 0;
    for (uint8_t c = 1; c <= s->evse.config.connectors; c++) {
        ocpp_cp_connector_info_t ci;
        if (ocpp_cp_connector_info(&s->cp, c, &ci) == OCPP_OK && ci.in_transaction) {
            n++;
        }
    }
    return n;
}

/**
 * The station's network goes away. Without back-off it does not try to connect (and the
 * connection is reset: the CSMS sees a TCP RST); with back-off its connections are refused
 * and the library retries on its back-off. The first of overlapping outages sets the mode.
 */
static void outage_begin(sim_station_t *s, bool backoff)
{
    if (s->fleet_fault.outages == UINT8_MAX) {
        return;
    }
    if (s->fleet_fault.outages++ == 0u) {
        sim_net_set(s, false, backoff ? SIM_NET_REFUSE : SIM_NET_DROP);
    }
}

/** The last outage of the station is over: online again (sim_net_set). */
static void outage_end(sim_station_t *s)
{
    if (s->fleet_fault.outages > 0u && --s->fleet_fault.outages == 0u) {
        sim_net_set(s, true, SIM_NET_ONLINE);
    }
}

/** Samples every second: @return false if the station refused the interval. */
static bool burst_begin(sim_station_t *s)
{
    if (s->fleet_fault.bursts == 0u) {
        char v[16];
        if (ocpp_cp_key_get(&s->cp, INTERVAL_KEY, v, sizeof v) != OCPP_OK ||
            ocpp_cp_key_set(&s->cp, INTERVAL_KEY, "1") != OCPP_KEY_ACCEPTED) {
            return false;
        }
        s->fleet_fault.interval_saved = (int32_t)strtol(v, NULL, 10);
    }
    if (s->fleet_fault.bursts < UINT8_MAX) {
        s->fleet_fault.bursts++;
    }
    return true;
}

/** The last burst of the station is over: its interval back. */
static void burst_end(sim_station_t *s)
{
    if (s->fleet_fault.bursts > 0u && --s->fleet_fault.bursts == 0u) {
        char v[16];
        (void)snprintf(v, sizeof v, "%ld", (long)s->fleet_fault.interval_saved);
        if (ocpp_cp_key_set(&s->cp, INTERVAL_KEY, v) != OCPP_KEY_ACCEPTED) {
            fprintf(stderr, "%s: cannot set %s back to %s\n", s->id, INTERVAL_KEY, v);
        }
    }
}

static void act_start(sim_fleet_fault_t *f, sim_station_t *s)
{
    f->transactions += running_tx(s);
    switch (f->spec.kind) {
    case SIM_FAULT_BOOT_STORM:
    case SIM_FAULT_POWER_CUT:
        /* A restart: BootNotification on the new connection (OCPP 1.6 §4.2 "each time it
         * boots or reboots"), a running transaction stopped with PowerLoss (§7.36). */
        sim_power_cut(s);
        if (s->net_mode == SIM_NET_REFUSE) {
            ocpp_cp_set_network(&s->cp, true); /* in an outage with back-off: it keeps trying */
        }
        if (f->spec.duration_ms != 0u) {
            outage_begin(s, f->spec.backoff);
        }
        break;
    case SIM_FAULT_FLAP: outage_begin(s, f->spec.backoff); break;
    case SIM_FAULT_METER_BURST:
        if (!burst_begin(s)) {
            f->refused++;
        }
        break;
    }
}

static void act_end(const sim_fleet_fault_t *f, sim_station_t *s)
{
    if (f->spec.kind == SIM_FAULT_METER_BURST) {
        burst_end(s);
    } else if (f->spec.duration_ms != 0u) {
        outage_end(s);
    }
}

/** Walk the stations the fault takes (from its seed): start or end it on each. */
static void walk(sim_t *sim, sim_fleet_fault_t *f, bool start)
{
    sim_pick_t p;
    sim_pick_init(&p, f->seed, sim->n, sim_fault_share_count(f->spec.share_bp, sim->n));
    for (unsigned i = 0; i < sim->n && p.left_k > 0u; i++) {
        if (!sim_pick_next(&p)) {
            continue;
        }
        sim_station_t *s = &sim->st[i];
        if (start) {
            act_start(f, s);
            f->stations++;
        } else {
            act_end(f, s);
        }
        sim_station_changed(s);
    }
}

static void fault_start(sim_t *sim, sim_fleet_fault_t *f, uint32_t now)
{
    char text[SIM_FAULT_TEXT];
    sim_fault_format(&f->spec, text, sizeof text);
    f->started_unix_ms = wall_ms();
    walk(sim, f, true);
    bool lasts = f->spec.duration_ms != 0u;
    f->state = lasts ? SIM_FAULT_RUNNING : SIM_FAULT_DONE;
    f->end_at = now + f->spec.duration_ms;
    if (!lasts) {
        f->ended_unix_ms = f->started_unix_ms;
    }
    fprintf(stderr, "ocpp-sim: fault %u %s: %u station(s), %u transaction(s)%s\n", f->id, text,
            f->stations, f->transactions, lasts ? "" : "; done");
}

static void fault_end(sim_t *sim, sim_fleet_fault_t *f)
{
    char text[SIM_FAULT_TEXT];
    sim_fault_format(&f->spec, text, sizeof text);
    walk(sim, f, false);
    f->state = SIM_FAULT_DONE;
    f->ended_unix_ms = wall_ms();
    fprintf(stderr, "ocpp-sim: fault %u %s: over\n", f->id, text);
}

uint32_t sim_faults_poll(sim_t *sim, uint32_t now)
{
    sim_faults_t *fl = &sim->faults;
    if (!fl->started) {
        sim_faults_start(fl, now);
    }
    if (!fl->pending) {
        return UINT32_MAX;
    }
    if (!due(now, fl->next_at)) {
        return fl->next_at - now;
    }
    for (unsigned i = 0; i < fl->count; i++) {
        sim_fleet_fault_t *f = &fl->f[i];
        if (f->state == SIM_FAULT_SCHEDULED && due(now, f->start_at)) {
            fault_start(sim, f, now);
        } else if (f->state == SIM_FAULT_RUNNING && due(now, f->end_at)) {
            fault_end(sim, f);
        }
    }
    sim_faults_schedule(fl);
    if (!fl->pending) {
        return UINT32_MAX;
    }
    return due(now, fl->next_at) ? 0u : fl->next_at - now;
}

void sim_faults_stop(sim_t *sim)
{
    sim_faults_t *fl = &sim->faults;
    for (unsigned i = 0; i < fl->count; i++) {
        if (fl->f[i].state == SIM_FAULT_RUNNING) {
            fault_end(sim, &fl->f[i]);
        }
    }
    sim_faults_schedule(fl);
}

/* ------------------------------------------------------------------------ */
/* REST: GET and POST /api/fleet/faults                                      */
/* ------------------------------------------------------------------------ */

static void answer(sim_reply_t *out, unsigned status, char *buf, size_t n)
{
    out->status = status;
    out->body = buf;
    out->len = buf != NULL ? n : 0u;
}

static void fail(sim_reply_t *out, unsigned status, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t cap = sizeof msg * 6u + 32u; /* every byte escaped as \u00XX at worst */
    char *buf = malloc(cap);
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, buf != NULL ? cap : 0u);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "error", msg);
    ocpp_jw_obj_close(&w);
    (void)ocpp_jw_finish(&w, &n);
    answer(out, status, buf, n);
}

static void kv_ms_or_null(ocpp_jw_t *w, const char *key, bool set, int64_t v)
{
    ocpp_jw_key(w, key);
    if (set) {
        ocpp_jw_int(w, v);
    } else {
        ocpp_jw_null(w);
    }
}

static void write_fault(ocpp_jw_t *w, const sim_t *sim, const sim_fleet_fault_t *f, uint32_t now)
{
    const sim_faults_t *fl = &sim->faults;
    char text[SIM_FAULT_TEXT];
    static const char *const states[] = {"scheduled", "running", "done"};
    sim_fault_format(&f->spec, text, sizeof text);
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "id", f->id);
    ocpp_jw_kv_str(w, "fault", text);
    ocpp_jw_kv_str(w, "kind", sim_fault_kind_name(f->spec.kind));
    ocpp_jw_kv_str(w, "source", f->from_rest ? "rest" : "option");
    ocpp_jw_kv_str(w, "state", f->state <= SIM_FAULT_DONE ? states[f->state] : "?");
    ocpp_jw_key(w, "sharePercent");
    ocpp_jw_decimal(w, f->spec.share_bp, 2);
    ocpp_jw_kv_int(w, "durationMs", f->spec.duration_ms);
    ocpp_jw_kv_bool(w, "backoff", f->spec.backoff);
    ocpp_jw_kv_int(w, "seed", f->seed);
    bool sched = f->state == SIM_FAULT_SCHEDULED && fl->started;
    kv_ms_or_null(w, "startsInMs", sched,
                  sched && !due(now, f->start_at) ? (int64_t)(f->start_at - now) : 0);
    bool run = f->state == SIM_FAULT_RUNNING;
    kv_ms_or_null(w, "endsInMs", run, run && !due(now, f->end_at) ? (int64_t)(f->end_at - now) : 0);
    kv_ms_or_null(w, "startedAt", f->started_unix_ms != 0, f->started_unix_ms);
    kv_ms_or_null(w, "endedAt", f->ended_unix_ms != 0, f->ended_unix_ms);
    ocpp_jw_kv_int(w, "stations", f->stations);
    ocpp_jw_kv_int(w, "transactions", f->transactions);
    if (f->spec.kind == SIM_FAULT_METER_BURST) {
        ocpp_jw_kv_int(w, "refused", f->refused);
    }
    /* which stations it takes (the same draw as when it acts) */
    unsigned k = sim_fault_share_count(f->spec.share_bp, sim->n);
    sim_pick_t p;
    sim_pick_init(&p, f->seed, sim->n, k);
    ocpp_jw_key(w, "stationIds");
    ocpp_jw_arr_open(w);
    unsigned listed = 0;
    for (unsigned i = 0; i < sim->n && p.left_k > 0u && listed < LIST_IDS; i++) {
        if (sim_pick_next(&p)) {
            ocpp_jw_str(w, sim->st[i].id);
            listed++;
        }
    }
    ocpp_jw_arr_close(w);
    ocpp_jw_kv_int(w, "moreStations", k - listed);
    ocpp_jw_obj_close(w);
}

static void reply_faults(sim_t *sim, unsigned status, const sim_fleet_fault_t *one,
                         sim_reply_t *out)
{
    const sim_faults_t *fl = &sim->faults;
    uint32_t now = ocpp_posix_now_ms();
    size_t cap = 1024u + (size_t)(one != NULL ? 1u : fl->count) *
                             (768u + LIST_IDS * (OCPP_CP_IDENTITY_MAX + 4u));
    char *buf = malloc(cap);
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, buf != NULL ? cap : 0u);
    if (one != NULL) {
        write_fault(&w, sim, one, now);
    } else {
        ocpp_jw_obj_open(&w);
        ocpp_jw_kv_int(&w, "stations", sim->n);
        ocpp_jw_kv_int(&w, "seed", fl->seed);
        ocpp_jw_key(&w, "faults");
        ocpp_jw_arr_open(&w);
        for (unsigned i = 0; i < fl->count; i++) {
            write_fault(&w, sim, &fl->f[i], now);
        }
        ocpp_jw_arr_close(&w);
        ocpp_jw_obj_close(&w);
    }
    if (ocpp_jw_finish(&w, &n) != OCPP_OK) {
        free(buf);
        fail(out, 500, "answer too large");
        return;
    }
    answer(out, status, buf, n);
}

static void post_fault(sim_t *sim, const char *body, size_t len, sim_reply_t *out)
{
    ocpp_json_value_t root, v, key;
    if (len == 0u || ocpp_json_validate(body, len) != OCPP_OK ||
        ocpp_json_root(body, len, &root) != OCPP_OK || root.type != OCPP_JSON_OBJECT) {
        fail(out, 400, "the body must be a JSON object {\"fault\": \"flap:25%%:30s\"}");
        return;
    }
    ocpp_json_iter_t it;
    (void)ocpp_json_iter_init(&it, &root);
    while (ocpp_json_iter_next(&it, &key, NULL)) {
        if (!ocpp_json_string_eq(&key, "fault")) {
            char k[40];
            (void)ocpp_json_as_string(&key, k, sizeof k, NULL);
            fail(out, 400, "unknown field \"%s\" (the body is {\"fault\": SPEC})", k);
            return;
        }
    }
    char text[SIM_FAULT_TEXT];
    if (ocpp_json_get(&root, "fault", &v) != OCPP_OK) {
        fail(out, 400, "field \"fault\" is required: a fault spec such as \"flap:25%%:30s\"");
        return;
    }
    if (v.type != OCPP_JSON_STRING) {
        fail(out, 400, "field \"fault\" must be a string such as \"flap:25%%:30s\"");
        return;
    }
    size_t text_len = 0;
    if (ocpp_json_as_string(&v, text, sizeof text, &text_len) != OCPP_OK) {
        fail(out, 400, "field \"fault\" is longer than %u characters", SIM_FAULT_TEXT - 1u);
        return;
    }
    if (strlen(text) != text_len) {
        fail(out, 400, "field \"fault\" must not contain a NUL character");
        return;
    }
    sim_fault_spec_t spec;
    char err[200];
    if (sim_fault_parse(text, &spec, err, sizeof err) != 0) {
        fail(out, 400, "fault \"%s\": %s", text, err);
        return;
    }
    uint32_t now = ocpp_posix_now_ms();
    if (!sim->faults.started) {
        sim_faults_start(&sim->faults, now);
    }
    sim_fleet_fault_t *f = sim_faults_add(&sim->faults, &spec, true, now);
    if (f == NULL) {
        fail(out, 409, "%u faults are scheduled or running: wait until one is over",
             SIM_FAULTS_MAX);
        return;
    }
    (void)sim_faults_poll(sim, now); /* without @TIME it fires now: the answer says what it did */
    reply_faults(sim, 201, f, out);
}

void sim_faults_api(sim_t *sim, const char *method, const char *body, size_t len, sim_reply_t *out)
{
    if (strcmp(method, "GET") == 0) {
        reply_faults(sim, 200, NULL, out);
    } else if (strcmp(method, "POST") == 0) {
        post_fault(sim, body, len, out);
    } else {
        fail(out, 405, "method %s not allowed here (allowed: GET, POST)", method);
        out->allow = "GET, POST";
    }
}
