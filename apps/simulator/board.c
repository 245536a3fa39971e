/**
 * @file board.c
 * @brief ocpp-sim: the simulated board's physical state survives a restart.
 *
 * A power cut of a charger does not unplug the EV, clear a tripped fault,
 * change the cable or empty the EV's battery. Record "sim.board" in the
 * station's data dir holds, per connector, what evse_sim_physical_t holds
 * (cable type, EV plugged in and asking for energy, the EV's parameters and
 * battery, temperature, injected relay/pilot faults) and the fault set
 * through the REST API; it is JSON, replaced atomically through the POSIX
 * storage port (temporary file, fsync, rename, fsync of the directory):
 *
 *   {"format": "ocpp-sim board", "version": 1, "connectors": [
 *     {"id": 1, "cable": "socket", "plugged": true, "evCharging": true,
 *      "evMaxCurrentMa": 16000, "phases": 3, "batteryWh": 60000,
 *      "batteryUj": 86400000000000, "temperatureDc": 301,
 *      "relayWelded": false, "pilotFault": false,
 *      "fault": null | {"errorCode", "info", "vendorErrorCode"}}, ...]}
 *
 * (the EV's fields only while plugged). It is written at once when a
 * discrete value changes (the REST API's plug, unplug, ev, cable, fault), and
 * while only the temperature or the battery moves, once one of them moved by
 * 0.5 °C or 10 Wh since the last save, at most every SIM_BOARD_SLOW_MS (a
 * charging fleet writes a record per station every few seconds, not every
 * two); on a clean exit too. After a SIGKILL they are restored within that
 * step of where they were. It is read before the application starts; a
 * missing, unreadable or invalid record leaves a fresh board (nothing
 * plugged in) and says so on stderr. The outputs the application drives
 * (relay, pilot PWM, lock, LEDs) are not in it: they start as after power-on.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp/ocpp_json.h"
#include "sim.h"

#define SIM_BOARD_RECORD  "sim.board"
#define SIM_BOARD_FORMAT  "ocpp-sim board"
#define SIM_BOARD_VERSION 1
/** Temperature and battery alone are saved at most this often (ms)... */
#define SIM_BOARD_SLOW_MS 2000u
/** ...and once one of them moved this far since the last save: 0.5 °C, 10 Wh. */
#define SIM_BOARD_TEMP_STEP_DC    5
#define SIM_BOARD_BATTERY_STEP_UJ (10 * 3600000000LL)
/** Room for one connector's JSON, texts fully escaped. */
#define SIM_BOARD_CONN_CAP 1024u
#define SIM_BOARD_CAP      (256u + SIM_BOARD_CONN_CAP * (EVSE_SIM_MAX_CONNECTORS + 1u))
#define SIM_UJ_PER_WH      3600000000LL

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
board_log(const sim_station_t *s, ocpp_log_level_t level, const char *fmt, ...)
{
    if ((int)s->log.min_level < (int)level) {
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", s->id, msg);
}

static bool same_fault(const sim_fault_t *a, const sim_fault_t *b)
{
    return a->error == b->error && strcmp(a->info, b->info) == 0 &&
           strcmp(a->vendor, b->vendor) == 0;
}

/** Everything but the slowly moving temperature and battery. */
static bool same_discrete(const evse_sim_physical_t *a, const evse_sim_physical_t *b)
{
    return a->fixed_cable == b->fixed_cable && a->plugged == b->plugged &&
           a->wants_energy == b->wants_energy && a->welded == b->welded &&
           a->pilot_fault == b->pilot_fault && a->ev.max_current_ma == b->ev.max_current_ma &&
           a->ev.phases == b->ev.phases && a->ev.battery_wh == b->ev.battery_wh;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */
/* ------------------------------------------------------------------------ */

static void write_connector(ocpp_jw_t *w, uint8_t c, const evse_sim_physical_t *p,
                            const sim_fault_t *f)
{
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "id", c);
    ocpp_jw_kv_str(w, "cable", p->fixed_cable ? "fixed" : "socket");
    ocpp_jw_kv_bool(w, "plugged", p->plugged);
    if (p->plugged) {
        ocpp_jw_kv_bool(w, "evCharging", p->wants_energy);
        ocpp_jw_kv_int(w, "evMaxCurrentMa", p->ev.max_current_ma);
        ocpp_jw_kv_int(w, "phases", p->ev.phases);
        ocpp_jw_kv_int(w, "batteryWh", p->ev.battery_wh);
        ocpp_jw_kv_int(w, "batteryUj", p->battery_uj);
    }
    ocpp_jw_kv_int(w, "temperatureDc", p->temp_dc);
    ocpp_jw_kv_bool(w, "relayWelded", p->welded);
    ocpp_jw_kv_bool(w, "pilotFault", p->pilot_fault);
    ocpp_jw_key(w, "fault");
    if (f->error == OCPP_FAULT_NONE) {
        ocpp_jw_null(w);
    } else {
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_str(w, "errorCode", ocpp_fault_str(f->error));
        ocpp_jw_kv_str(w, "info", f->info);
        ocpp_jw_kv_str(w, "vendorErrorCode", f->vendor);
        ocpp_jw_obj_close(w);
    }
    ocpp_jw_obj_close(w);
}

void sim_board_save(sim_station_t *s, uint32_t now_ms)
{
    uint8_t n_conn = s->board_sim.connectors;
    evse_sim_physical_t p[EVSE_SIM_MAX_CONNECTORS + 1];
    char *buf = malloc(SIM_BOARD_CAP);
    ocpp_status_t st = OCPP_ERR_NOMEM;
    if (buf != NULL) {
        ocpp_jw_t w;
        ocpp_jw_init(&w, buf, SIM_BOARD_CAP - 1u);
        ocpp_jw_obj_open(&w);
        ocpp_jw_kv_str(&w, "format", SIM_BOARD_FORMAT);
        ocpp_jw_kv_int(&w, "version", SIM_BOARD_VERSION);
        ocpp_jw_key(&w, "connectors");
        ocpp_jw_arr_open(&w);
        for (uint8_t c = 1; c <= n_conn; c++) {
            (void)evse_sim_physical(&s->board_sim, c, &p[c]);
            write_connector(&w, c, &p[c], &s->faults[c]);
        }
        ocpp_jw_arr_close(&w);
        ocpp_jw_obj_close(&w);
        size_t n = 0;
        st = ocpp_jw_finish(&w, &n);
        if (st == OCPP_OK) {
            buf[n++] = '\n';
            st = s->store_port.write(s->store_port.ctx, SIM_BOARD_RECORD, (const uint8_t *)buf, n);
        }
        free(buf);
    }
    s->board_saved_ms = now_ms;
    if (st != OCPP_OK) {
        if (!s->board_save_failed) {
            board_log(s, OCPP_LOG_ERROR, "cannot save the board state in %s/%s (%s)", s->dir,
                      SIM_BOARD_RECORD, ocpp_status_str(st));
        }
        s->board_save_failed = true; /* retried every SIM_BOARD_SLOW_MS */
        return;
    }
    s->board_save_failed = false;
    for (uint8_t c = 1; c <= n_conn; c++) {
        s->board_saved[c] = p[c];
    }
    s->faults_unsaved = false;
}

void sim_board_poll(sim_station_t *s, uint32_t now_ms)
{
    bool changed = false;
    bool moved = false;
    for (uint8_t c = 1; c <= s->board_sim.connectors && !changed; c++) {
        evse_sim_physical_t p;
        (void)evse_sim_physical(&s->board_sim, c, &p);
        const evse_sim_physical_t *q = &s->board_saved[c];
        changed = s->faults_unsaved || !same_discrete(&p, q);
        int32_t dt = p.temp_dc - q->temp_dc;
        int64_t db = p.battery_uj - q->battery_uj;
        moved = moved || dt >= SIM_BOARD_TEMP_STEP_DC || dt <= -SIM_BOARD_TEMP_STEP_DC ||
                db >= SIM_BOARD_BATTERY_STEP_UJ || db <= -SIM_BOARD_BATTERY_STEP_UJ;
    }
    bool due = now_ms - s->board_saved_ms >= SIM_BOARD_SLOW_MS;
    if ((changed && !s->board_save_failed) || ((changed || moved) && due)) {
        sim_board_save(s, now_ms);
    }
}

/* ------------------------------------------------------------------------ */
/* Faults set through the REST API                                           */
/* ------------------------------------------------------------------------ */

static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = src != NULL ? strlen(src) : 0u;
    if (n >= cap) {
        n = cap - 1u;
    }
    if (n > 0u) {
        memcpy(dst, src, n);
    }
    dst[n] = '\0';
}

void sim_board_set_fault(sim_station_t *s, uint8_t connector, ocpp_fault_t error, const char *info,
                         const char *vendor)
{
    if (connector == 0u || connector > s->board_sim.connectors) {
        return;
    }
    sim_fault_t *f = &s->faults[connector];
    sim_fault_t was = *f;
    f->error = error;
    copy_text(f->info, sizeof f->info, error != OCPP_FAULT_NONE ? info : NULL);
    copy_text(f->vendor, sizeof f->vendor, error != OCPP_FAULT_NONE ? vendor : NULL);
    s->faults_unsaved = s->faults_unsaved || !same_fault(&was, f);
}

void sim_board_apply_faults(sim_station_t *s)
{
    for (uint8_t c = 1; c <= s->board_sim.connectors; c++) {
        const sim_fault_t *f = &s->faults[c];
        if (f->error != OCPP_FAULT_NONE) {
            (void)evse_fault(&s->evse, c, f->error, f->info, f->vendor);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                   */
/* ------------------------------------------------------------------------ */

/** A connector of the record, checked. */
typedef struct {
    evse_sim_physical_t p;
    sim_fault_t f;
    bool seen;
} board_conn_t;

typedef struct {
    char why[160]; /**< What was wrong, for the log. */
} board_err_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static bool
bad(board_err_t *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(e->why, sizeof e->why, fmt, ap);
    va_end(ap);
    return false;
}

static bool get_int(const ocpp_json_value_t *o, const char *key, int64_t lo, int64_t hi,
                    int64_t *out)
{
    ocpp_json_value_t v;
    return ocpp_json_get(o, key, &v) == OCPP_OK && ocpp_json_as_int(&v, out) == OCPP_OK &&
           *out >= lo && *out <= hi;
}

static bool get_bool(const ocpp_json_value_t *o, const char *key, bool *out)
{
    ocpp_json_value_t v;
    return ocpp_json_get(o, key, &v) == OCPP_OK && ocpp_json_as_bool(&v, out) == OCPP_OK;
}

/** A string member of at most cap - 1 bytes without NUL inside. */
static bool get_str(const ocpp_json_value_t *o, const char *key, char *out, size_t cap)
{
    ocpp_json_value_t v;
    size_t n = 0;
    return ocpp_json_get(o, key, &v) == OCPP_OK &&
           ocpp_json_as_string(&v, out, cap, &n) == OCPP_OK && strlen(out) == n;
}

static bool parse_fault(const ocpp_json_value_t *o, sim_fault_t *f, unsigned id, board_err_t *e)
{
    ocpp_json_value_t v;
    *f = (sim_fault_t){.error = OCPP_FAULT_NONE};
    if (ocpp_json_get(o, "fault", &v) != OCPP_OK) {
        return bad(e, "connector %u: \"fault\" missing", id);
    }
    if (v.type == OCPP_JSON_NULL) {
        return true;
    }
    char code[40];
    if (v.type != OCPP_JSON_OBJECT || !get_str(&v, "errorCode", code, sizeof code)) {
        return bad(e, "connector %u: \"fault\" is neither null nor {\"errorCode\", ...}", id);
    }
    for (int k = OCPP_FAULT_NONE + 1; k <= OCPP_FAULT_WEAK_SIGNAL; k++) {
        if (strcmp(code, ocpp_fault_str((ocpp_fault_t)k)) == 0) {
            f->error = (ocpp_fault_t)k;
        }
    }
    if (f->error == OCPP_FAULT_NONE) {
        return bad(e, "connector %u: \"%s\" is no ChargePointErrorCode of a fault", id, code);
    }
    if (!get_str(&v, "info", f->info, sizeof f->info) ||
        !get_str(&v, "vendorErrorCode", f->vendor, sizeof f->vendor)) {
        return bad(e, "connector %u: fault \"info\"/\"vendorErrorCode\" missing or over 50 bytes",
                   id);
    }
    return true;
}

/** The EV of a plugged connector. */
static bool parse_ev(const ocpp_json_value_t *o, evse_sim_physical_t *p, unsigned id,
                     board_err_t *e)
{
    int64_t ma = 0;
    int64_t phases = 0;
    int64_t wh = 0;
    int64_t uj = 0;
    if (!get_bool(o, "evCharging", &p->wants_energy) ||
        !get_int(o, "evMaxCurrentMa", 1000, 80000, &ma) || !get_int(o, "phases", 1, 3, &phases) ||
        !get_int(o, "batteryWh", 1, 1000000, &wh) ||
        !get_int(o, "batteryUj", 0, wh * SIM_UJ_PER_WH, &uj)) {
        return bad(e,
                   "connector %u: the EV (evCharging, evMaxCurrentMa 1000..80000, phases 1..3, "
                   "batteryWh 1..1000000, batteryUj 0..capacity) is missing or out of range",
                   id);
    }
    p->ev = (evse_sim_ev_t){.max_current_ma = (uint32_t)ma,
                            .phases = (uint8_t)phases,
                            .battery_wh = (uint32_t)wh,
                            .soc_set = true};
    p->battery_uj = uj;
    return true;
}

static bool parse_connector(const ocpp_json_value_t *o, board_conn_t *out, unsigned *id_out,
                            board_err_t *e)
{
    int64_t id = 0;
    int64_t temp = 0;
    char cable[8];
    if (o->type != OCPP_JSON_OBJECT || !get_int(o, "id", 1, 255, &id)) {
        return bad(e, "a connector without an \"id\" 1..255");
    }
    unsigned c = (unsigned)id;
    *id_out = c;
    evse_sim_physical_t *p = &out->p;
    *p = (evse_sim_physical_t){0};
    if (!get_str(o, "cable", cable, sizeof cable) ||
        (strcmp(cable, "socket") != 0 && strcmp(cable, "fixed") != 0)) {
        return bad(e, "connector %u: \"cable\" is not \"socket\" or \"fixed\"", c);
    }
    p->fixed_cable = strcmp(cable, "fixed") == 0;
    if (!get_bool(o, "plugged", &p->plugged) || !get_bool(o, "relayWelded", &p->welded) ||
        !get_bool(o, "pilotFault", &p->pilot_fault)) {
        return bad(e, "connector %u: \"plugged\", \"relayWelded\" or \"pilotFault\" is no boolean",
                   c);
    }
    if (!get_int(o, "temperatureDc", -1000, 2000, &temp)) {
        return bad(e, "connector %u: \"temperatureDc\" missing or out of -1000..2000", c);
    }
    p->temp_dc = (int32_t)temp;
    if (p->plugged && !parse_ev(o, p, c, e)) {
        return false;
    }
    return parse_fault(o, &out->f, c, e);
}

/** The whole record into conns[1..]; false (e->why) if anything is wrong. */
static bool parse_board(const char *buf, size_t len, uint8_t n_conn, board_conn_t *conns,
                        unsigned *ignored, board_err_t *e)
{
    ocpp_json_value_t root;
    ocpp_json_value_t v;
    ocpp_status_t st = ocpp_json_validate(buf, len);
    if (st != OCPP_OK) {
        return bad(e, "not JSON (%s)", ocpp_status_str(st));
    }
    int64_t version = 0;
    if (ocpp_json_root(buf, len, &root) != OCPP_OK || root.type != OCPP_JSON_OBJECT ||
        ocpp_json_get(&root, "format", &v) != OCPP_OK ||
        !ocpp_json_string_eq(&v, SIM_BOARD_FORMAT)) {
        return bad(e, "not an object with \"format\": \"%s\"", SIM_BOARD_FORMAT);
    }
    if (!get_int(&root, "version", SIM_BOARD_VERSION, SIM_BOARD_VERSION, &version)) {
        return bad(e, "\"version\" is not %d", SIM_BOARD_VERSION);
    }
    ocpp_json_iter_t it;
    if (ocpp_json_get(&root, "connectors", &v) != OCPP_OK || v.type != OCPP_JSON_ARRAY ||
        ocpp_json_iter_init(&it, &v) != OCPP_OK) {
        return bad(e, "\"connectors\" is no array");
    }
    ocpp_json_value_t el;
    while (ocpp_json_iter_next(&it, NULL, &el)) {
        board_conn_t k;
        unsigned id = 0;
        if (!parse_connector(&el, &k, &id, e)) {
            return false;
        }
        if (id > n_conn) {
            (*ignored)++; /* started with fewer connectors than before */
            continue;
        }
        if (conns[id].seen) {
            return bad(e, "connector %u twice", id);
        }
        conns[id] = k;
        conns[id].seen = true;
    }
    return true;
}

void sim_board_restore(sim_station_t *s)
{
    uint8_t n_conn = s->board_sim.connectors;
    for (uint8_t c = 1; c <= n_conn; c++) {
        (void)evse_sim_physical(&s->board_sim, c, &s->board_saved[c]); /* fresh */
        s->faults[c] = (sim_fault_t){.error = OCPP_FAULT_NONE};
    }
    s->faults_unsaved = false;
    s->board_saved_ms = ocpp_posix_now_ms();
    char *buf = malloc(SIM_BOARD_CAP);
    board_conn_t *conns = calloc(EVSE_SIM_MAX_CONNECTORS + 1u, sizeof *conns);
    int32_t n =
        buf != NULL && conns != NULL
            ? s->store_port.read(s->store_port.ctx, SIM_BOARD_RECORD, (uint8_t *)buf, SIM_BOARD_CAP)
            : OCPP_ERR_NOMEM;
    board_err_t e = {.why = ""};
    unsigned ignored = 0;
    if (n == OCPP_ERR_NOT_FOUND) {
        board_log(s, OCPP_LOG_INFO,
                  "no board state in %s/%s yet: a fresh board, nothing plugged in", s->dir,
                  SIM_BOARD_RECORD);
    } else if (n == OCPP_ERR_NOMEM && buf != NULL && conns != NULL) {
        board_log(s, OCPP_LOG_WARN,
                  "board state %s/%s unreadable (larger than %u bytes): starting with nothing "
                  "plugged in",
                  s->dir, SIM_BOARD_RECORD, (unsigned)SIM_BOARD_CAP);
    } else if (n < 0) {
        board_log(s, OCPP_LOG_WARN,
                  "board state %s/%s unreadable (%s): starting with nothing plugged in", s->dir,
                  SIM_BOARD_RECORD, ocpp_status_str((ocpp_status_t)n));
    } else if (!parse_board(buf, (size_t)n, n_conn, conns, &ignored, &e)) {
        board_log(s, OCPP_LOG_WARN,
                  "board state %s/%s not valid (%s): starting with nothing plugged in", s->dir,
                  SIM_BOARD_RECORD, e.why);
    } else {
        unsigned plugged = 0;
        unsigned faults = 0;
        for (uint8_t c = 1; c <= n_conn; c++) {
            if (!conns[c].seen) {
                continue; /* more connectors than before: a fresh one */
            }
            if (!evse_sim_set_physical(&s->board_sim, c, &conns[c].p)) {
                continue; /* parse_board checked the same ranges */
            }
            s->faults[c] = conns[c].f;
            (void)evse_sim_physical(&s->board_sim, c, &s->board_saved[c]);
            plugged += conns[c].p.plugged ? 1u : 0u;
            faults += conns[c].f.error != OCPP_FAULT_NONE ? 1u : 0u;
        }
        board_log(s, OCPP_LOG_INFO,
                  "board state restored from %s/%s: %u of %u connector(s) plugged in, %u "
                  "fault(s)%s",
                  s->dir, SIM_BOARD_RECORD, plugged, (unsigned)n_conn, faults,
                  ignored > 0u ? " (connectors beyond --connectors ignored)" : "");
    }
    free(buf);
    free(conns);
}
