/**
 * @file sim.c
 * @brief The simulated board (see evse_sim.h): EV, relay, pilot, meter,
 *        thermal model, RFID queue, LEDs, display, buttons.
 */
#include <string.h>

#include "ocpp/evse.h"
#include "ocpp/evse_sim.h"

#define UJ_PER_WH  3600000000LL
#define UJ_PER_MWH 3600000LL

static evse_sim_conn_t *conn_of(evse_sim_t *s, uint8_t c)
{
    return s != NULL && c >= 1 && c <= s->connectors ? &s->conn[c] : NULL;
}

static const evse_sim_conn_t *cconn_of(const evse_sim_t *s, uint8_t c)
{
    return s != NULL && c >= 1 && c <= s->connectors ? &s->conn[c] : NULL;
}

bool evse_sim_init(evse_sim_t *s, uint8_t connectors)
{
    if (s == NULL || connectors == 0 || connectors > EVSE_SIM_MAX_CONNECTORS) {
        return false;
    }
    memset(s, 0, sizeof *s);
    s->connectors = connectors;
    s->speed_milli = 1000;
    s->ambient_dc = 250;
    for (uint8_t c = 1; c <= connectors; c++) {
        s->conn[c].duty = (uint16_t)EVSE_DUTY_OFF;
        s->conn[c].temp_dc = s->ambient_dc;
    }
    return true;
}

static int64_t capacity_uj(const evse_sim_conn_t *k)
{
    return (int64_t)k->ev.battery_wh * UJ_PER_WH;
}

static uint16_t soc_permille(const evse_sim_conn_t *k)
{
    int64_t cap = capacity_uj(k);
    if (cap <= 0) {
        return 0;
    }
    int64_t p = k->battery_uj * 1000 / cap;
    return (uint16_t)(p > 1000 ? 1000 : p);
}

static bool full(const evse_sim_conn_t *k)
{
    return k->battery_uj >= capacity_uj(k);
}

/** IEC 61851-1: the EV closes S2 (state C) only when it wants energy and sees a PWM. */
static bool asking(const evse_sim_conn_t *k)
{
    return k->plugged && k->wants && !full(k) && evse_current_for_duty(k->duty) > 0;
}

/** The current the EV draws now, per phase (mA). */
static uint32_t draw_ma(const evse_sim_conn_t *k)
{
    if (!k->relay || !asking(k)) {
        return 0;
    }
    uint32_t ma = evse_current_for_duty(k->duty);
    if (k->ev.max_current_ma < ma) {
        ma = k->ev.max_current_ma;
    }
    uint16_t soc = soc_permille(k);
    if (soc > EVSE_SIM_TAPER_PERMILLE) {
        /* Constant-voltage phase: linear taper to 1 A at 100 %. */
        uint32_t taper = (uint32_t)((uint64_t)k->ev.max_current_ma * (1000u - soc) /
                                    (1000u - EVSE_SIM_TAPER_PERMILLE));
        if (taper < 1000u) {
            taper = 1000u;
        }
        if (taper < ma) {
            ma = taper;
        }
    }
    return ma;
}

static int64_t power_mw(const evse_sim_conn_t *k, uint32_t ma)
{
    return (int64_t)EVSE_SIM_VOLTAGE_MV * ma * k->ev.phases / 1000;
}

/** Integrate one chunk of sim time for connector k. */
static void integrate(const evse_sim_t *s, evse_sim_conn_t *k, uint32_t ms)
{
    uint32_t ma = draw_ma(k);
    int64_t uj = power_mw(k, ma) * ms; /* mW * ms = µJ */
    k->current_ma = ma;
    if (uj > 0) {
        k->meter_uj += uj;
        k->battery_uj += uj; /* losses are not modelled */
        if (k->battery_uj > capacity_uj(k)) {
            k->battery_uj = capacity_uj(k);
        }
    }
    if (k->temp_held) {
        return; /* a temperature set from outside (evse_sim_set_temperature()) */
    }
    /* First-order thermal model: target = ambient + I² · 0.02 °C/A², tau 60 s. */
    int64_t i_da = ma / 100u;
    int32_t target = s->ambient_dc + (int32_t)(i_da * i_da / 500);
    int32_t delta = target - k->temp_dc;
    int32_t inc = (int32_t)((int64_t)delta * ms / 60000);
    if (inc == 0 && delta != 0) {
        inc = delta > 0 ? 1 : -1; /* no dead band from truncation */
    }
    k->temp_dc += inc;
}

void evse_sim_step(evse_sim_t *s, uint32_t now_ms)
{
    if (s == NULL) {
        return;
    }
    if (!s->started) {
        s->started = true;
        s->now_ms = now_ms;
        return;
    }
    uint32_t dt = now_ms - s->now_ms; /* wraps correctly */
    if (dt > 0x7FFFFFFFu) {
        return; /* an earlier reading of the clock than the last one: time never runs back */
    }
    s->now_ms = now_ms;
    uint64_t scaled = (uint64_t)dt * s->speed_milli + s->frac;
    s->frac = (uint32_t)(scaled % 1000u);
    uint64_t sim_ms = scaled / 1000u;
    while (sim_ms > 0) {
        uint32_t chunk = sim_ms > EVSE_SIM_STEP_MS ? EVSE_SIM_STEP_MS : (uint32_t)sim_ms;
        for (uint8_t c = 1; c <= s->connectors; c++) {
            integrate(s, &s->conn[c], chunk);
        }
        sim_ms -= chunk;
    }
    for (uint8_t c = 1; c <= s->connectors; c++) {
        s->conn[c].current_ma = draw_ma(&s->conn[c]); /* reflect the relay/pilot now */
    }
}

void evse_sim_set_speed(evse_sim_t *s, uint32_t speed_milli)
{
    if (s != NULL && speed_milli >= 1 && speed_milli <= 1000000u) {
        s->speed_milli = speed_milli;
    }
}

bool evse_sim_plug(evse_sim_t *s, uint8_t connector, const evse_sim_ev_t *ev)
{
    evse_sim_conn_t *k = conn_of(s, connector);
    if (k == NULL || k->plugged) {
        return false;
    }
    evse_sim_ev_t e = ev != NULL ? *ev : (evse_sim_ev_t){0};
    if (e.max_current_ma == 0) {
        e.max_current_ma = 16000;
    }
    if (e.phases == 0 || e.phases > 3) {
        e.phases = 3;
    }
    if (e.battery_wh == 0) {
        e.battery_wh = 60000;
    }
    if (!e.soc_set) {
        e.soc_permille = 200;
    }
    if (e.soc_permille > 1000) {
        e.soc_permille = 1000;
    }
    e.soc_set = true;
    k->ev = e;
    k->battery_uj = capacity_uj(k) / 1000 * e.soc_permille;
    k->plugged = true;
    k->wants = true;
    return true;
}

bool evse_sim_unplug(evse_sim_t *s, uint8_t connector)
{
    evse_sim_conn_t *k = conn_of(s, connector);
    if (k == NULL || !k->plugged) {
        return false;
    }
    k->plugged = false;
    k->wants = false;
    k->current_ma = 0;
    return true;
}

bool evse_sim_set_cable(evse_sim_t *s, uint8_t connector, bool fixed)
{
    evse_sim_conn_t *k = conn_of(s, connector);
    if (k == NULL) {
        return false;
    }
    k->fixed_cable = fixed;
    if (fixed) {
        k->locked = false; /* nothing to lock on the charger side */
    }
    return true;
}

bool evse_sim_ev_charging(evse_sim_t *s, uint8_t connector, bool charging)
{
    evse_sim_conn_t *k = conn_of(s, connector);
    if (k == NULL || !k->plugged) {
        return false;
    }
    k->wants = charging;
    k->current_ma = draw_ma(k);
    return true;
}

bool evse_sim_rfid(evse_sim_t *s, const char *uid, uint8_t connector)
{
    if (s == NULL || uid == NULL || uid[0] == '\0' || strlen(uid) >= sizeof s->rfid[0] ||
        connector > s->connectors || s->rfid_count >= EVSE_SIM_RFID_QUEUE) {
        return false;
    }
    unsigned i = (s->rfid_head + s->rfid_count) % EVSE_SIM_RFID_QUEUE;
    memcpy(s->rfid[i], uid, strlen(uid) + 1);
    s->rfid_at[i] = connector;
    s->rfid_count++;
    return true;
}

bool evse_sim_inject(evse_sim_t *s, uint8_t connector, bool welded, bool pilot_fault)
{
    evse_sim_conn_t *k = conn_of(s, connector);
    if (k == NULL) {
        return false;
    }
    k->welded = welded;
    k->pilot_fault = pilot_fault;
    return true;
}

bool evse_sim_physical(const evse_sim_t *s, uint8_t connector, evse_sim_physical_t *out)
{
    const evse_sim_conn_t *k = cconn_of(s, connector);
    if (k == NULL || out == NULL) {
        return false;
    }
    *out = (evse_sim_physical_t){.fixed_cable = k->fixed_cable,
                                 .plugged = k->plugged,
                                 .temp_dc = k->temp_dc,
                                 .welded = k->welded,
                                 .pilot_fault = k->pilot_fault};
    if (k->plugged) {
        out->wants_energy = k->wants;
        out->ev = k->ev;
        out->battery_uj = k->battery_uj;
    }
    return true;
}

/** The ranges of evse_sim_set_physical() (those of the REST API for the EV). */
static bool physical_ok(const evse_sim_physical_t *p)
{
    if (p->temp_dc < -1000 || p->temp_dc > 2000) {
        return false;
    }
    if (!p->plugged) {
        return true;
    }
    const evse_sim_ev_t *e = &p->ev;
    return e->phases >= 1u && e->phases <= 3u && e->max_current_ma >= 1000u &&
           e->max_current_ma <= 80000u && e->battery_wh >= 1u && e->battery_wh <= 1000000u &&
           p->battery_uj >= 0 && p->battery_uj <= (int64_t)e->battery_wh * UJ_PER_WH;
}

bool evse_sim_set_physical(evse_sim_t *s, uint8_t connector, const evse_sim_physical_t *in)
{
    evse_sim_conn_t *k = conn_of(s, connector);
    if (k == NULL || in == NULL || !physical_ok(in)) {
        return false;
    }
    (void)evse_sim_set_cable(s, connector, in->fixed_cable);
    k->plugged = in->plugged;
    k->wants = in->plugged && in->wants_energy;
    k->ev = in->plugged ? in->ev : (evse_sim_ev_t){0};
    k->battery_uj = in->plugged ? in->battery_uj : 0;
    k->ev.soc_permille = in->plugged ? soc_permille(k) : 0;
    k->ev.soc_set = in->plugged;
    k->temp_dc = in->temp_dc;
    k->welded = in->welded;
    k->pilot_fault = in->pilot_fault;
    k->current_ma = draw_ma(k);
    return true;
}

bool evse_sim_set_temperature(evse_sim_t *s, uint8_t connector, bool held, int32_t deci_celsius)
{
    evse_sim_conn_t *k = conn_of(s, connector);
    if (k == NULL || (held && (deci_celsius < -1000 || deci_celsius > 2000))) {
        return false;
    }
    k->temp_held = held;
    if (held) {
        k->temp_dc = deci_celsius;
    }
    return true;
}

void evse_sim_set_ambient(evse_sim_t *s, int32_t deci_celsius)
{
    if (s != NULL) {
        s->ambient_dc = deci_celsius;
    }
}

void evse_sim_set_buttons(evse_sim_t *s, uint32_t mask)
{
    if (s != NULL) {
        s->buttons = mask;
    }
}

bool evse_sim_press(evse_sim_t *s, uint32_t mask, uint32_t hold_ms)
{
    if (s == NULL || mask == 0u || hold_ms < 1u || hold_ms > 10000u) {
        return false;
    }
    int32_t left = (int32_t)(s->press_at[0] + s->press_ms[0] - s->now_ms);
    if (left <= 0 && s->press_mask[1] != 0u) { /* the first is over: the next is first */
        s->press_mask[0] = s->press_mask[1];
        s->press_at[0] = s->press_at[1];
        s->press_ms[0] = s->press_ms[1];
        s->press_mask[1] = 0;
        left = (int32_t)(s->press_at[0] + s->press_ms[0] - s->now_ms);
    }
    unsigned k = 0;
    uint32_t start = s->now_ms;
    if (s->press_mask[0] != 0u && left > -(int32_t)EVSE_SIM_PRESS_GAP_MS) {
        k = 1; /* the next one, after the one held */
        start = s->press_at[0] + s->press_ms[0] + EVSE_SIM_PRESS_GAP_MS;
    } else {
        s->press_mask[1] = 0;
    }
    s->press_mask[k] = mask;
    s->press_at[k] = start;
    s->press_ms[k] = hold_ms;
    return true;
}

int32_t evse_sim_press_left(const evse_sim_t *s)
{
    unsigned k = s->press_mask[1] != 0u ? 1u : 0u;
    if (s->press_mask[k] == 0u) {
        return INT32_MIN;
    }
    return (int32_t)(s->press_at[k] + s->press_ms[k] - s->now_ms);
}

const evse_ssd1306_emu_t *evse_sim_oled(const evse_sim_t *s)
{
    return s != NULL ? &s->oled : NULL;
}

/* ------------------------------------------------------------------------ */
/* The board interface                                                      */
/* ------------------------------------------------------------------------ */

static uint32_t b_now(void *ctx)
{
    const evse_sim_t *s = ctx;
    return s->now_ms;
}

static evse_pilot_t pilot_of(const evse_sim_conn_t *k)
{
    if (k->pilot_fault) {
        return EVSE_PILOT_E;
    }
    if (k->duty == EVSE_DUTY_F) {
        return EVSE_PILOT_F;
    }
    if (!k->plugged) {
        return EVSE_PILOT_A;
    }
    return asking(k) ? EVSE_PILOT_C : EVSE_PILOT_B;
}

static evse_pilot_t b_pilot_read(void *ctx, uint8_t c)
{
    const evse_sim_conn_t *k = cconn_of(ctx, c);
    return k != NULL ? pilot_of(k) : EVSE_PILOT_F;
}

static void b_pilot_set(void *ctx, uint8_t c, uint16_t duty)
{
    evse_sim_conn_t *k = conn_of(ctx, c);
    if (k != NULL) {
        k->duty = duty;
        k->current_ma = draw_ma(k);
    }
}

static void b_relay_set(void *ctx, uint8_t c, bool closed)
{
    evse_sim_conn_t *k = conn_of(ctx, c);
    if (k != NULL) {
        k->relay = closed;
        k->current_ma = draw_ma(k);
    }
}

static bool b_relay_read(void *ctx, uint8_t c)
{
    const evse_sim_conn_t *k = cconn_of(ctx, c);
    return k != NULL && (k->relay || k->welded);
}

static bool b_lock_set(void *ctx, uint8_t c, bool locked)
{
    evse_sim_conn_t *k = conn_of(ctx, c);
    if (k == NULL || k->fixed_cable) {
        return false; /* a fixed cable has no lock */
    }
    k->locked = locked;
    return true;
}

static bool b_cable_fixed(void *ctx, uint8_t c)
{
    const evse_sim_conn_t *k = cconn_of(ctx, c);
    return k != NULL && k->fixed_cable;
}

static bool b_rfid_read(void *ctx, char *uid, size_t cap, uint8_t *connector)
{
    evse_sim_t *s = ctx;
    if (s->rfid_count == 0 || uid == NULL || cap == 0) {
        return false;
    }
    const char *t = s->rfid[s->rfid_head];
    size_t n = strlen(t);
    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(uid, t, n);
    uid[n] = '\0';
    if (connector != NULL) {
        *connector = s->rfid_at[s->rfid_head];
    }
    s->rfid_head = (uint8_t)((s->rfid_head + 1u) % EVSE_SIM_RFID_QUEUE);
    s->rfid_count--;
    return true;
}

static bool b_meter_read(void *ctx, uint8_t c, evse_meter_reading_t *out)
{
    const evse_sim_conn_t *k = cconn_of(ctx, c);
    if (k == NULL || out == NULL) {
        return false;
    }
    memset(out, 0, sizeof *out);
    out->energy_wh = k->meter_uj / UJ_PER_WH;
    out->energy_mwh = (uint16_t)(k->meter_uj % UJ_PER_WH / UJ_PER_MWH);
    out->power_w = (int32_t)(power_mw(k, k->current_ma) / 1000);
    out->phases = 3;
    for (uint8_t p = 0; p < 3; p++) {
        out->current_ma[p] = p < k->ev.phases ? (int32_t)k->current_ma : 0;
        out->voltage_mv[p] = EVSE_SIM_VOLTAGE_MV;
    }
    return true;
}

static bool b_temperature(void *ctx, uint8_t sensor, int32_t *out)
{
    const evse_sim_t *s = ctx;
    if (out == NULL || sensor > s->connectors) {
        return false;
    }
    *out = sensor == 0 ? s->ambient_dc : s->conn[sensor].temp_dc;
    return true;
}

static void b_led_set(void *ctx, uint8_t c, const evse_led_t *led)
{
    evse_sim_t *s = ctx;
    if (c == 0) {
        s->status_led = *led;
    } else if (c <= s->connectors) {
        s->conn[c].led = *led;
    }
}

static void b_display_text(void *ctx, uint8_t row, const char *text)
{
    evse_sim_t *s = ctx;
    if (row >= EVSE_SIM_DISPLAY_ROWS || text == NULL) {
        return;
    }
    size_t n = strlen(text);
    if (n > EVSE_SIM_DISPLAY_COLS) {
        n = EVSE_SIM_DISPLAY_COLS;
    }
    memcpy(s->display[row], text, n);
    s->display[row][n] = '\0';
}

static uint32_t b_buttons(void *ctx)
{
    const evse_sim_t *s = ctx;
    uint32_t mask = s->buttons;
    for (unsigned k = 0; k < 2u; k++) {
        if (s->now_ms - s->press_at[k] < s->press_ms[k]) { /* not yet: wraps to a large value */
            mask |= s->press_mask[k];
        }
    }
    return mask;
}

/** The I2C bus: the OLED answers at 0x3C, nothing else. */
static bool b_i2c_write(void *ctx, uint8_t addr, const uint8_t *data, size_t len)
{
    evse_sim_t *s = ctx;
    return addr == EVSE_SSD1306_ADDR && evse_ssd1306_emu_write(&s->oled, data, len);
}

/** The EV tells its state of charge (as over ISO 15118). */
static bool b_ev_soc(void *ctx, uint8_t c, uint16_t *permille)
{
    const evse_sim_conn_t *k = cconn_of(ctx, c);
    if (k == NULL || !k->plugged || permille == NULL) {
        return false;
    }
    *permille = soc_permille(k);
    return true;
}

void evse_sim_board(evse_sim_t *s, evse_board_t *out)
{
    if (out == NULL) {
        return;
    }
    *out = (evse_board_t){.ctx = s,
                          .now_ms = b_now,
                          .pilot_read = b_pilot_read,
                          .pilot_set_duty = b_pilot_set,
                          .relay_set = b_relay_set,
                          .relay_read = b_relay_read,
                          .lock_set = b_lock_set,
                          .cable_fixed = b_cable_fixed,
                          .rfid_read = b_rfid_read,
                          .meter_read = b_meter_read,
                          .temperature_read = b_temperature,
                          .led_set = b_led_set,
                          .display_text = b_display_text,
                          .buttons_read = b_buttons,
                          .i2c_write = b_i2c_write,
                          .ev_soc_read = b_ev_soc,
                          .meter_phases = 3,
                          .meter_voltage = true};
}

bool evse_sim_connector(const evse_sim_t *s, uint8_t connector, evse_sim_connector_t *out)
{
    const evse_sim_conn_t *k = cconn_of(s, connector);
    if (k == NULL || out == NULL) {
        return false;
    }
    *out = (evse_sim_connector_t){.plugged = k->plugged,
                                  .wants_energy = k->plugged && k->wants && !full(k),
                                  .pilot = pilot_of(k),
                                  .relay_closed = k->relay,
                                  .locked = k->locked,
                                  .duty_permille = k->duty,
                                  .current_ma = k->current_ma,
                                  .power_w = (int32_t)(power_mw(k, k->current_ma) / 1000),
                                  .energy_wh = k->meter_uj / UJ_PER_WH,
                                  .energy_mwh = (uint16_t)(k->meter_uj % UJ_PER_WH / UJ_PER_MWH),
                                  .soc_permille = soc_permille(k),
                                  .ev = k->ev,
                                  .temp_dc = k->temp_dc,
                                  .temp_held = k->temp_held,
                                  .led = k->led,
                                  .fixed_cable = k->fixed_cable};
    return true;
}

const char *evse_sim_display_row(const evse_sim_t *s, uint8_t row)
{
    return s != NULL && row < EVSE_SIM_DISPLAY_ROWS ? s->display[row] : NULL;
}
