/**
 * @file test_evse.c
 * @brief The EVSE application against a fake board and a fake charge point:
 *        pilot -> OCPP inputs, permission x state C -> relay, PWM duty,
 *        faults, limits, RFID, buttons, meter samples, unlock, bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/evse.h"

#define NC 2

/* ----------------------------------------------------------- fake board */
typedef struct {
    evse_pilot_t pilot[NC + 1];
    uint16_t duty[NC + 1];
    bool relay[NC + 1];
    bool welded[NC + 1];
    bool locked[NC + 1];
    bool lock_fails;
    bool fixed[NC + 1];
    int lock_writes;
    int relay_writes;
    evse_led_t led[NC + 1];
    int32_t temp[NC + 1];
    bool meter_ok;
    char card[24];
    uint8_t card_at;
    uint32_t buttons;
    uint32_t now;
    int led_writes;
    uint32_t cable_ma[NC + 1];
} board_t;

static uint32_t f_now(void *ctx)
{
    return ((board_t *)ctx)->now;
}
static uint32_t f_cable(void *ctx, uint8_t c)
{
    return ((board_t *)ctx)->cable_ma[c];
}
static evse_pilot_t f_pilot(void *ctx, uint8_t c)
{
    return ((board_t *)ctx)->pilot[c];
}
static void f_duty(void *ctx, uint8_t c, uint16_t d)
{
    ((board_t *)ctx)->duty[c] = d;
}
static void f_relay(void *ctx, uint8_t c, bool v)
{
    board_t *b = ctx;
    b->relay[c] = v;
    b->relay_writes++;
}
static bool f_relay_read(void *ctx, uint8_t c)
{
    board_t *b = ctx;
    return b->relay[c] || b->welded[c];
}
static bool f_lock(void *ctx, uint8_t c, bool v)
{
    board_t *b = ctx;
    if (b->lock_fails) {
        return false;
    }
    b->locked[c] = v;
    b->lock_writes++;
    return true;
}
static bool f_fixed(void *ctx, uint8_t c)
{
    return ((board_t *)ctx)->fixed[c];
}
static bool f_rfid(void *ctx, char *uid, size_t cap, uint8_t *at)
{
    board_t *b = ctx;
    if (b->card[0] == '\0') {
        return false;
    }
    strncpy(uid, b->card, cap - 1);
    uid[cap - 1] = '\0';
    *at = b->card_at;
    b->card[0] = '\0';
    return true;
}
static bool f_meter(void *ctx, uint8_t c, evse_meter_reading_t *r)
{
    board_t *b = ctx;
    if (!b->meter_ok) {
        return false;
    }
    *r = (evse_meter_reading_t){.energy_wh = 1234 + c,
                                .energy_mwh = 500,
                                .power_w = 7360,
                                .current_ma = {32000, 0, 0},
                                .voltage_mv = {230000, 0, 0},
                                .phases = 1,
                                .signed_data = "OCMF|{}"};
    return true;
}
static bool f_temp(void *ctx, uint8_t s, int32_t *out)
{
    *out = ((board_t *)ctx)->temp[s];
    return true;
}
static void f_led(void *ctx, uint8_t c, const evse_led_t *p)
{
    ((board_t *)ctx)->led[c] = *p;
    ((board_t *)ctx)->led_writes++;
}
static uint32_t f_buttons(void *ctx)
{
    return ((board_t *)ctx)->buttons;
}

/* ----------------------------------------------------------- fake charge point */
typedef struct {
    int plugged[NC + 1], ev_ready[NC + 1]; /* last value + 1 (0: never called) */
    int plugged_calls, ready_calls;
    char tag[24];
    uint8_t tag_at;
    int stops;
    ocpp_fault_t err[NC + 1];
    char info[64];
    int fault_calls;
    int dt_calls;
    const char *dt_vendor, *dt_msg, *dt_data; /* what the charge point keeps pointers to */
    ocpp_status_t dt_answer;
    int suspended[NC + 1]; /* last value + 1 */
    int suspended_calls;
    const ocpp_vendor_key_t *keys[8];
    int n_keys;
} cp_t;

static ocpp_status_t c_plugged(void *cp, uint8_t c, bool v)
{
    cp_t *p = cp;
    p->plugged[c] = v ? 2 : 1;
    p->plugged_calls++;
    return OCPP_OK;
}
static ocpp_status_t c_ready(void *cp, uint8_t c, bool v)
{
    cp_t *p = cp;
    p->ev_ready[c] = v ? 2 : 1;
    p->ready_calls++;
    return OCPP_OK;
}
static ocpp_status_t c_present(void *cp, uint8_t c, const char *tag)
{
    cp_t *p = cp;
    strcpy(p->tag, tag);
    p->tag_at = c;
    return OCPP_OK;
}
static ocpp_status_t c_stop(void *cp, uint8_t c, ocpp_stop_reason_t r)
{
    (void)c;
    assert_int_equal(r, OCPP_STOP_LOCAL);
    ((cp_t *)cp)->stops++;
    return OCPP_OK;
}
static ocpp_status_t c_fault(void *cp, uint8_t c, ocpp_fault_t e, const char *info,
                             const char *vendor)
{
    cp_t *p = cp;
    (void)vendor;
    p->err[c] = e;
    strcpy(p->info, info != NULL ? info : "");
    p->fault_calls++;
    return OCPP_OK;
}
static ocpp_status_t c_dt(void *cp, const char *vendor, const char *msg, const char *data)
{
    cp_t *p = cp;
    p->dt_calls++;
    p->dt_vendor = vendor;
    p->dt_msg = msg;
    p->dt_data = data;
    return p->dt_answer;
}
static ocpp_status_t c_suspended(void *cp, uint8_t c, bool v)
{
    cp_t *p = cp;
    p->suspended[c] = v ? 2 : 1;
    p->suspended_calls++;
    return OCPP_OK;
}
static ocpp_status_t c_key_register(void *cp, const ocpp_vendor_key_t *k)
{
    cp_t *p = cp;
    if (p->n_keys >= 8) {
        return OCPP_ERR_NOMEM;
    }
    p->keys[p->n_keys++] = k;
    return OCPP_OK;
}
static const evse_cp_ops_t ops = {c_plugged, c_ready, c_present,   c_stop,
                                  c_fault,   c_dt,    c_suspended, c_key_register};

typedef struct {
    board_t hw;
    evse_board_t b;
    cp_t cp;
    evse_t e;
    ocpp_cp_callbacks_t cb;
    int user_events;
} fx_t;

static void user_event(void *ctx, const ocpp_cp_event_t *ev)
{
    (void)ev;
    ((fx_t *)ctx)->user_events++;
}

static fx_t *fx_new(void)
{
    static fx_t fx; /* test fixture only */
    memset(&fx, 0, sizeof fx);
    fx.hw.meter_ok = true;
    fx.hw.temp[0] = fx.hw.temp[1] = fx.hw.temp[2] = 250;
    fx.b = (evse_board_t){.ctx = &fx.hw,
                          .now_ms = f_now,
                          .pilot_read = f_pilot,
                          .pilot_set_duty = f_duty,
                          .relay_set = f_relay,
                          .relay_read = f_relay_read,
                          .lock_set = f_lock,
                          .cable_fixed = f_fixed,
                          .rfid_read = f_rfid,
                          .meter_read = f_meter,
                          .temperature_read = f_temp,
                          .led_set = f_led,
                          .buttons_read = f_buttons,
                          .cable_max_ma = f_cable};
    evse_config_t cfg = {.connectors = NC, .max_current_ma = 32000};
    ocpp_cp_callbacks_t user = {.ctx = &fx, .on_event = user_event};
    assert_int_equal(evse_init(&fx.e, &cfg, &fx.b, &ops, &fx.cp, &user), OCPP_OK);
    evse_callbacks(&fx.e, &fx.cb);
    return &fx;
}

static void permit(fx_t *f, uint8_t c, bool v)
{
    f->cb.permit(f->cb.ctx, c, v);
}

/* IEC 61851-1 Annex A table A.8: duty % = A / 0.6 (6..51 A), A / 2.5 + 64 (51..80 A). */
static void test_duty_mapping(void **state)
{
    (void)state;
    assert_int_equal(evse_duty_for_current(5999), EVSE_DUTY_OFF);
    assert_int_equal(evse_duty_for_current(6000), 100);
    assert_int_equal(evse_duty_for_current(16000), 266);
    assert_int_equal(evse_duty_for_current(32000), 533);
    assert_int_equal(evse_duty_for_current(51000), 850);
    assert_int_equal(evse_duty_for_current(60000), 880);
    assert_int_equal(evse_duty_for_current(80000), 960);
    assert_int_equal(evse_duty_for_current(100000), 960);
    assert_int_equal(evse_current_for_duty(100), 6000);
    assert_int_equal(evse_current_for_duty(850), 51000);
    assert_int_equal(evse_current_for_duty(880), 60000);
    assert_int_equal(evse_current_for_duty(960), 80000);
    assert_int_equal(evse_current_for_duty(50), 0);  /* 5 %: digital communication */
    assert_int_equal(evse_current_for_duty(99), 0);  /* below 8 %: not allowed */
    assert_int_equal(evse_current_for_duty(970), 0); /* above 97 %: not allowed */
    assert_int_equal(evse_current_for_duty(EVSE_DUTY_OFF), 0);
    /* Rounding never offers more than asked. */
    for (uint32_t ma = 6000; ma <= 80000; ma += 137) {
        assert_true(evse_current_for_duty(evse_duty_for_current(ma)) <= ma);
    }
}

static void test_init_bad_input(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    evse_t e;
    evse_config_t cfg = {.connectors = 1, .max_current_ma = 16000};
    assert_int_equal(evse_init(NULL, &cfg, &f->b, &ops, NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(evse_init(&e, NULL, &f->b, &ops, NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(evse_init(&e, &cfg, NULL, &ops, NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(evse_init(&e, &cfg, &f->b, NULL, NULL, NULL), OCPP_ERR_PARAM);
    evse_board_t nb = f->b;
    nb.meter_read = NULL;
    assert_int_equal(evse_init(&e, &cfg, &nb, &ops, NULL, NULL), OCPP_ERR_PARAM);
    cfg.connectors = 0;
    assert_int_equal(evse_init(&e, &cfg, &f->b, &ops, NULL, NULL), OCPP_ERR_PARAM);
    cfg.connectors = OCPP_CONFIG_MAX_CONNECTORS + 1;
    assert_int_equal(evse_init(&e, &cfg, &f->b, &ops, NULL, NULL), OCPP_ERR_PARAM);
    cfg = (evse_config_t){.connectors = 1, .max_current_ma = 5000};
    assert_int_equal(evse_init(&e, &cfg, &f->b, &ops, NULL, NULL), OCPP_ERR_PARAM);
    /* Init drives safe outputs: PWM off, relays open. */
    assert_int_equal(f->hw.duty[1], EVSE_DUTY_OFF);
    assert_false(f->hw.relay[1]);
    evse_connector_t k;
    assert_int_equal(evse_connector(&f->e, 0, &k), OCPP_ERR_PARAM);
    assert_int_equal(evse_connector(&f->e, NC + 1, &k), OCPP_ERR_PARAM);
    assert_int_equal(evse_set_limit(&f->e, 0, 1), OCPP_ERR_PARAM);
    assert_int_equal(evse_fault(&f->e, 3, OCPP_FAULT_OTHER_ERROR, NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(evse_fault(&f->e, 1, (ocpp_fault_t)99, NULL, NULL), OCPP_ERR_PARAM);
    evse_poll(NULL);
    f->cb.permit(f->cb.ctx, 9, true); /* ignored */
}

/* Pilot A/B/C -> plugged / EV ready; the first poll reports the initial state. */
static void test_pilot_to_inputs(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    evse_poll(&f->e);
    assert_int_equal(f->cp.plugged[1], 1);
    assert_int_equal(f->cp.ev_ready[1], 1);
    int calls = f->cp.plugged_calls;
    evse_poll(&f->e);
    assert_int_equal(f->cp.plugged_calls, calls); /* only changes afterwards */
    f->hw.pilot[1] = EVSE_PILOT_B;
    evse_poll(&f->e);
    assert_int_equal(f->cp.plugged[1], 2);
    assert_int_equal(f->cp.plugged[2], 1);
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    assert_int_equal(f->cp.ev_ready[1], 2);
    /* Not permitted: no PWM, no relay, whatever the EV asks. */
    assert_false(f->hw.relay[1]);
    assert_int_equal(f->hw.duty[1], EVSE_DUTY_OFF);
    /* D (ventilation) counts as ready. */
    f->hw.pilot[1] = EVSE_PILOT_D;
    evse_poll(&f->e);
    assert_int_equal(f->cp.ev_ready[1], 2);
    /* Straight from C to A: not ready, then unplugged. */
    f->hw.pilot[1] = EVSE_PILOT_A;
    evse_poll(&f->e);
    assert_int_equal(f->cp.ev_ready[1], 1);
    assert_int_equal(f->cp.plugged[1], 1);
}

/* ocpp_cp.h permit(): the relay closes only while permitted AND the EV asks (state C). */
static void test_relay_permit_and_c(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    f->hw.pilot[1] = EVSE_PILOT_B;
    evse_poll(&f->e);
    permit(f, 1, true);
    assert_int_equal(f->hw.duty[1], 533); /* 32 A offered */
    assert_false(f->hw.relay[1]);         /* state B */
    assert_true(f->hw.locked[1]);
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    assert_true(f->hw.relay[1]);
    assert_int_equal(f->hw.led[1].color, EVSE_LED_BLUE);
    assert_int_equal(f->hw.led[1].pattern, EVSE_LED_PULSE);
    assert_false(f->hw.relay[2]);
    evse_connector_t k;
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_true(k.relay_closed && k.permitted && k.ev_ready && k.plugged);
    assert_int_equal(k.offered_ma, 32000);
    /* EV pauses (state B): relay opens, the PWM stays. */
    f->hw.pilot[1] = EVSE_PILOT_B;
    evse_poll(&f->e);
    assert_false(f->hw.relay[1]);
    assert_int_equal(f->hw.duty[1], 533);
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    assert_true(f->hw.relay[1]);
    /* Permission withdrawn: the relay opens at once, inside the callback.
     * The transaction may go on (SuspendedEVSE): the cable stays locked. */
    permit(f, 1, false);
    assert_false(f->hw.relay[1]);
    assert_int_equal(f->hw.duty[1], EVSE_DUTY_OFF);
    assert_true(f->hw.locked[1]);
}

/* Smart-charging limit input: offered = min(rating, limit); < 6 A offers nothing. */
static void test_limit(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    f->hw.pilot[2] = EVSE_PILOT_C;
    evse_poll(&f->e);
    permit(f, 2, true);
    assert_true(f->hw.relay[2]);
    assert_int_equal(evse_set_limit(&f->e, 2, 10000), OCPP_OK);
    assert_int_equal(f->hw.duty[2], 166);
    assert_true(f->hw.relay[2]);
    assert_int_equal(evse_set_limit(&f->e, 2, 5000), OCPP_OK);
    assert_int_equal(f->hw.duty[2], EVSE_DUTY_OFF);
    assert_false(f->hw.relay[2]);
    assert_int_equal(evse_set_limit(&f->e, 2, EVSE_NO_LIMIT), OCPP_OK);
    assert_int_equal(f->hw.duty[2], 533);
    assert_true(f->hw.relay[2]);
    assert_int_equal(evse_set_limit(&f->e, 2, 100000), OCPP_OK); /* above the rating */
    assert_int_equal(f->hw.duty[2], 533);
}

/* ocpp_cp_fault(): a fault opens the relay and is reported with its code; clearing restores. */
static void test_external_fault(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    permit(f, 1, true);
    assert_true(f->hw.relay[1]);
    assert_int_equal(evse_fault(&f->e, 1, OCPP_FAULT_GROUND_FAILURE, "RCD tripped", "V1"), OCPP_OK);
    assert_false(f->hw.relay[1]);
    assert_int_equal(f->hw.duty[1], EVSE_DUTY_OFF);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_GROUND_FAILURE);
    assert_string_equal(f->cp.info, "RCD tripped");
    assert_int_equal(f->hw.led[1].color, EVSE_LED_RED);
    assert_int_equal(f->hw.led[1].pattern, EVSE_LED_BLINK);
    evse_poll(&f->e);
    assert_false(f->hw.relay[1]); /* stays open while the fault lasts */
    int calls = f->cp.fault_calls;
    evse_poll(&f->e);
    assert_int_equal(f->cp.fault_calls, calls); /* reported once */
    assert_int_equal(evse_fault(&f->e, 1, OCPP_FAULT_NONE, NULL, NULL), OCPP_OK);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_NONE);
    assert_true(f->hw.relay[1]);
    /* An over-long info is cut to 50 characters (ocpp_cp_fault limit). */
    char longinfo[80];
    memset(longinfo, 'x', sizeof longinfo - 1);
    longinfo[79] = '\0';
    evse_fault(&f->e, 2, OCPP_FAULT_OTHER_ERROR, longinfo, longinfo);
    assert_int_equal(strlen(f->cp.info), 50);
}

/* IEC 61851-1 Annex A: state E (CP shorted) / F -> EVCommunicationError, relay open. */
static void test_pilot_fault(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    permit(f, 1, true);
    f->hw.pilot[1] = EVSE_PILOT_E;
    evse_poll(&f->e);
    assert_false(f->hw.relay[1]);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_EV_COMMUNICATION_ERROR);
    assert_int_equal(f->cp.plugged[1], 2); /* keeps the last plugged state */
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_NONE);
    assert_true(f->hw.relay[1]);
}

/* Issue 15: "At the limit the relay opens and the connector is Faulted with
 * HighTemperature: default 85 °C, with 10 °C of hysteresis before it
 * recovers by itself." */
static void test_temperature(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    permit(f, 1, true);
    f->hw.temp[1] = 849;
    evse_poll(&f->e);
    assert_true(f->hw.relay[1]); /* derated to 6 A, still charging */
    assert_int_equal(f->hw.duty[1], 100);
    f->hw.temp[1] = 850;
    evse_poll(&f->e);
    assert_false(f->hw.relay[1]);
    assert_int_equal(f->hw.duty[1], EVSE_DUTY_OFF);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_HIGH_TEMPERATURE);
    assert_int_equal(f->cp.err[2], OCPP_FAULT_NONE);
    f->hw.temp[1] = 751; /* inside the hysteresis: still faulted */
    evse_poll(&f->e);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_HIGH_TEMPERATURE);
    assert_false(f->hw.relay[1]);
    f->hw.temp[1] = 750; /* 10 °C below: recovers by itself */
    evse_poll(&f->e);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_NONE);
    assert_true(f->hw.relay[1]);
    /* The enclosure sensor (0) affects every connector. */
    f->hw.temp[0] = 900;
    evse_poll(&f->e);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_HIGH_TEMPERATURE);
    assert_int_equal(f->cp.err[2], OCPP_FAULT_HIGH_TEMPERATURE);
}

/* A welded relay (feedback closed while commanded open) -> PowerSwitchFailure, latched. */
static void test_welded_relay(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    f->hw.welded[2] = true;
    evse_poll(&f->e);
    assert_int_equal(f->cp.err[2], OCPP_FAULT_POWER_SWITCH_FAILURE);
    f->hw.welded[2] = false;
    evse_poll(&f->e);
    assert_int_equal(f->cp.err[2], OCPP_FAULT_POWER_SWITCH_FAILURE);
    f->hw.pilot[2] = EVSE_PILOT_C;
    permit(f, 2, true);
    evse_poll(&f->e);
    assert_false(f->hw.relay[2]);
}

static void test_rfid_and_buttons(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    strcpy(f->hw.card, "04A1B2C3");
    f->hw.card_at = 2;
    evse_poll(&f->e);
    assert_string_equal(f->cp.tag, "04A1B2C3");
    assert_int_equal(f->cp.tag_at, 2);
    strcpy(f->hw.card, "X");
    f->hw.card_at = 9; /* the board names a connector that does not exist */
    evse_poll(&f->e);
    assert_int_equal(f->cp.tag_at, 0);
    /* Stop button: an edge (debounced), for the connectors with permission. */
    permit(f, 1, true);
    f->hw.buttons = EVSE_BUTTON_STOP;
    evse_poll(&f->e);
    f->hw.now += EVSE_DEBOUNCE_MS;
    evse_poll(&f->e);
    evse_poll(&f->e);
    assert_int_equal(f->cp.stops, 1);
    f->hw.buttons = 0;
    evse_poll(&f->e);
    f->hw.now += EVSE_DEBOUNCE_MS;
    evse_poll(&f->e);
    f->hw.buttons = EVSE_BUTTON_STOP;
    evse_poll(&f->e);
    f->hw.now += EVSE_DEBOUNCE_MS;
    evse_poll(&f->e);
    assert_int_equal(f->cp.stops, 2);
}

/* read_meter(): Energy.Active.Import.Register (Wh) first, with the signed data. */
static void test_read_meter(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    ocpp_sample_t s[16];
    size_t n = f->cb.read_meter(f->cb.ctx, 1, s, 16);
    assert_int_equal(n, 7);
    assert_int_equal(s[0].measurand, OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER);
    assert_int_equal(s[0].value, 1235);
    assert_int_equal(s[0].scale, 0);
    assert_string_equal(s[0].signed_data, "OCMF|{}");
    assert_int_equal(s[1].measurand, OCPP_MEASURAND_POWER_ACTIVE_IMPORT);
    assert_int_equal(s[1].value, 7360);
    assert_int_equal(s[2].measurand, OCPP_MEASURAND_CURRENT_IMPORT);
    assert_int_equal(s[2].phase, OCPP_PHASE_L1);
    assert_int_equal(s[2].value, 32000);
    assert_int_equal(s[2].scale, 3);
    assert_int_equal(s[3].measurand, OCPP_MEASURAND_VOLTAGE);
    assert_int_equal(s[3].phase, OCPP_PHASE_L1_N);
    assert_int_equal(s[4].measurand, OCPP_MEASURAND_CURRENT_OFFERED);
    assert_int_equal(s[5].measurand, OCPP_MEASURAND_POWER_OFFERED);
    assert_int_equal(s[6].measurand, OCPP_MEASURAND_TEMPERATURE);
    assert_int_equal(s[6].location, OCPP_LOCATION_BODY);
    assert_int_equal(s[6].value, 250);
    assert_int_equal(s[6].scale, 1);
    /* Capacity respected; connector 0 (no grid meter) and bad ones give nothing. */
    assert_int_equal(f->cb.read_meter(f->cb.ctx, 1, s, 2), 2);
    assert_int_equal(f->cb.read_meter(f->cb.ctx, 1, s, 0), 0);
    assert_int_equal(f->cb.read_meter(f->cb.ctx, 0, s, 16), 0);
    assert_int_equal(f->cb.read_meter(f->cb.ctx, 3, s, 16), 0);
    f->hw.meter_ok = false;
    assert_int_equal(f->cb.read_meter(f->cb.ctx, 1, s, 16), 0);
}

/* The callbacks declare what read_meter() supplies (OCPP 1.6 §3.16.4: the
 * measurand lists take nothing else), from the board's meter: every value
 * read_meter() gives is declared, with its phase. */
static void test_meter_declared(void **state)
{
    (void)state;
    fx_t *f = fx_new(); /* meter_phases 0 (3), no voltage, a temperature sensor */
    const ocpp_meter_supply_t *d = f->cb.meter_supply;
    assert_non_null(d);
    assert_int_equal(f->cb.meter_supply_count, 6);
    assert_int_equal(d[0].measurand, OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER);
    assert_int_equal(d[0].phases, OCPP_PHASE_BIT(OCPP_PHASE_NONE));
    assert_int_equal(d[1].measurand, OCPP_MEASURAND_POWER_ACTIVE_IMPORT);
    assert_int_equal(d[2].measurand, OCPP_MEASURAND_CURRENT_IMPORT);
    assert_int_equal(d[2].phases, OCPP_PHASE_BIT(OCPP_PHASE_L1) | OCPP_PHASE_BIT(OCPP_PHASE_L2) |
                                      OCPP_PHASE_BIT(OCPP_PHASE_L3));
    assert_int_equal(d[3].measurand, OCPP_MEASURAND_CURRENT_OFFERED);
    assert_int_equal(d[4].measurand, OCPP_MEASURAND_POWER_OFFERED);
    assert_int_equal(d[5].measurand, OCPP_MEASURAND_TEMPERATURE);
    /* one phase with its voltage, no temperature sensor */
    f->b.meter_phases = 1;
    f->b.meter_voltage = true;
    f->b.temperature_read = NULL;
    evse_callbacks(&f->e, &f->cb);
    d = f->cb.meter_supply;
    assert_int_equal(f->cb.meter_supply_count, 6);
    assert_int_equal(d[2].phases, OCPP_PHASE_BIT(OCPP_PHASE_L1));
    assert_int_equal(d[3].measurand, OCPP_MEASURAND_VOLTAGE);
    assert_int_equal(d[3].phases, OCPP_PHASE_BIT(OCPP_PHASE_L1_N));
    assert_int_equal(d[4].measurand, OCPP_MEASURAND_CURRENT_OFFERED);
    /* what read_meter() gives is declared */
    ocpp_sample_t s[16];
    size_t n = f->cb.read_meter(f->cb.ctx, 1, s, 16);
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < f->cb.meter_supply_count && d[j].measurand != (uint8_t)s[i].measurand) {
            j++;
        }
        assert_true(j < f->cb.meter_supply_count);
        assert_true((d[j].phases & OCPP_PHASE_BIT(s[i].phase)) != 0u);
    }
}

/* UnlockConnector (§5.18) through the board's lock; forwarding of events. */
static void test_unlock_and_forwarding(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    f->hw.locked[1] = true;
    assert_int_equal(f->cb.unlock(f->cb.ctx, 1), OCPP_UNLOCK_UNLOCKED);
    assert_false(f->hw.locked[1]);
    f->hw.lock_fails = true;
    assert_int_equal(f->cb.unlock(f->cb.ctx, 1), OCPP_UNLOCK_FAILED);
    assert_int_equal(f->cb.unlock(f->cb.ctx, 7), OCPP_UNLOCK_FAILED);
    f->b.lock_set = NULL;
    assert_int_equal(f->cb.unlock(f->cb.ctx, 1), OCPP_UNLOCK_NOT_SUPPORTED);
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_STATUS};
    f->cb.on_event(f->cb.ctx, &ev);
    assert_int_equal(f->user_events, 1);
    f->cb.reset(f->cb.ctx, true); /* no user reset: ignored */
    assert_int_equal(f->cb.data_transfer(f->cb.ctx, "v", NULL, NULL, NULL),
                     OCPP_DT_UNKNOWN_VENDOR_ID);
}

/* The charge point's transaction events, as the library emits them. */
static void tx_event(fx_t *f, uint8_t c, bool started, ocpp_stop_reason_t why, const char *tag)
{
    ocpp_cp_event_t ev = {.kind = started ? OCPP_CP_EV_TX_STARTED : OCPP_CP_EV_TX_STOPPED,
                          .connector = c,
                          .value = started ? -1 : (int32_t)why,
                          .text = tag,
                          .len = strlen(tag)};
    f->cb.on_event(f->cb.ctx, &ev);
}

/** Connector c: EV plugged (B), transaction started with `tag`, permitted: locked. */
static void session(fx_t *f, uint8_t c, const char *tag)
{
    f->hw.pilot[c] = EVSE_PILOT_B;
    evse_poll(&f->e);
    tx_event(f, c, true, OCPP_STOP_LOCAL, tag);
    permit(f, c, true);
    assert_true(f->hw.locked[c]);
}

static void unplug(fx_t *f, uint8_t c)
{
    f->hw.pilot[c] = EVSE_PILOT_A;
    evse_poll(&f->e);
}

/* OCPP 1.6 §4.10, socket outlet: "If StopTransactionOnEVSideDisconnect is
 * set to false, this SHALL have priority over UnlockConnectorOnEVSideDisconnect.
 * In other words: cables always remain locked when the cable is disconnected
 * at EV side when StopTransactionOnEVSideDisconnect is false"; the normal end
 * of the transaction unlocks ("As part of the normal transaction
 * termination, the Charge Point SHALL unlock the cable (if not permanently
 * attached)", the charge point calls unlock). Lock writes on changes only. */
static void test_lock_ev_side_disconnect_transaction_goes_on(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    assert_false(f->hw.locked[1]); /* evse_init() opened it */
    session(f, 1, "OWNER");
    int writes = f->hw.lock_writes;
    unplug(f, 1); /* the transaction goes on (SuspendedEV) */
    permit(f, 1, true);
    evse_poll(&f->e);
    assert_true(f->hw.locked[1]);
    assert_int_equal(f->hw.lock_writes, writes);
    evse_connector_t k;
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_true(k.locked && k.in_transaction && !k.plugged && !k.fixed_cable);
    /* The owner's card stops it (Local): the charge point unlocks. */
    tx_event(f, 1, false, OCPP_STOP_LOCAL, "OWNER");
    assert_int_equal(f->cb.unlock(f->cb.ctx, 1), OCPP_UNLOCK_UNLOCKED);
    assert_false(f->hw.locked[1]);
    evse_poll(&f->e);
    assert_false(f->hw.locked[1]);
    /* A stop for another reason (e.g. a reset) unlocks as well. */
    session(f, 1, "OWNER");
    tx_event(f, 1, false, OCPP_STOP_SOFT_RESET, "OWNER");
    assert_false(f->hw.locked[1]);
    assert_false(f->hw.relay[1]);
}

/* §4.10 StopTransactionOnEVSideDisconnect true: the transaction ends
 * (EVDisconnected); with UnlockConnectorOnEVSideDisconnect false the cable
 * stays locked until its owner presents the identifier (§4.10 "the Connector
 * SHALL remain locked at the Charge Point until the user presents the
 * identifier"); the same after a DeAuthorized stop (§3.5.4: "it SHOULD keep
 * the Charging Cable locked until the owner presents his identifier"). The
 * owner's card opens the lock and goes no further; another card goes to the
 * charge point as usual. */
static void test_lock_kept_for_owner(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    session(f, 1, "Owner-1");
    unplug(f, 1);
    tx_event(f, 1, false, OCPP_STOP_EV_DISCONNECTED, "Owner-1");
    permit(f, 1, false);
    evse_poll(&f->e);
    assert_true(f->hw.locked[1]);
    strcpy(f->hw.card, "STRANGER");
    f->hw.card_at = 1;
    evse_poll(&f->e);
    assert_string_equal(f->cp.tag, "STRANGER"); /* an ordinary card */
    assert_true(f->hw.locked[1]);
    f->cp.tag[0] = '\0';
    strcpy(f->hw.card, "OWNER-1"); /* CiString: any case */
    f->hw.card_at = 0;
    evse_poll(&f->e);
    assert_string_equal(f->cp.tag, ""); /* used to open the lock only */
    assert_false(f->hw.locked[1]);
    strcpy(f->hw.card, "OWNER-1"); /* once open, the card is a card again */
    evse_poll(&f->e);
    assert_string_equal(f->cp.tag, "OWNER-1");

    /* With UnlockConnectorOnEVSideDisconnect true the charge point unlocks
     * right after the stop event. */
    f = fx_new();
    session(f, 2, "A");
    unplug(f, 2);
    tx_event(f, 2, false, OCPP_STOP_EV_DISCONNECTED, "A");
    assert_true(f->hw.locked[2]);
    assert_int_equal(f->cb.unlock(f->cb.ctx, 2), OCPP_UNLOCK_UNLOCKED);
    assert_false(f->hw.locked[2]);

    /* DeAuthorized with the EV still plugged in: the owner's card starts a
     * new session instead (it is not taken while an EV is plugged in);
     * UnlockConnector opens the lock. */
    f = fx_new();
    session(f, 1, "B");
    tx_event(f, 1, false, OCPP_STOP_DEAUTHORIZED, "B");
    assert_true(f->hw.locked[1]);
    strcpy(f->hw.card, "B");
    f->hw.card_at = 1;
    evse_poll(&f->e);
    assert_string_equal(f->cp.tag, "B");
    assert_true(f->hw.locked[1]);
    assert_int_equal(f->cb.unlock(f->cb.ctx, 1), OCPP_UNLOCK_UNLOCKED);
    assert_false(f->hw.locked[1]);
    /* A new transaction forgets the old owner. */
    session(f, 1, "C");
    tx_event(f, 1, false, OCPP_STOP_DEAUTHORIZED, "C");
    unplug(f, 1);
    strcpy(f->hw.card, "B");
    evse_poll(&f->e);
    assert_true(f->hw.locked[1]);
}

/* A fixed cable (evse_board_t.cable_fixed) has no lock on the charger side:
 * never locked, UnlockConnector answers NotSupported (errata 3.87: "Charge
 * Point has no connector lock"). A socket turned into a fixed cable at run
 * time lets go of its lock. */
static void test_fixed_cable_no_lock(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    f->hw.fixed[1] = true;
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    int writes = f->hw.lock_writes;
    tx_event(f, 1, true, OCPP_STOP_LOCAL, "T");
    permit(f, 1, true);
    evse_poll(&f->e);
    assert_true(f->hw.relay[1]);
    assert_false(f->hw.locked[1]);
    assert_int_equal(f->hw.lock_writes, writes);
    assert_int_equal(f->cb.unlock(f->cb.ctx, 1), OCPP_UNLOCK_NOT_SUPPORTED);
    evse_connector_t k;
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_true(k.fixed_cable && !k.locked);
    session(f, 2, "S");
    f->hw.fixed[2] = true;
    evse_poll(&f->e);
    assert_false(f->hw.locked[2]);
}

/* OCPP 1.6 §4.3 DataTransfer from the application: the strings are copied
 * into the application (the charge point keeps pointers until the answer),
 * checked (CiString255 vendorId, CiString50 messageId, valid UTF-8 for the
 * JSON strings, RFC 8259 §8.1), one at a time; the answer (§6.16: status and
 * data) is kept from the charge point's result event. */
static void test_data_transfer(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    const evse_dt_t *d = evse_data_transfer_last(&f->e);
    assert_int_equal(d->state, EVSE_DT_IDLE);
    char vendor[300];
    memset(vendor, 'v', sizeof vendor);
    vendor[255] = '\0';
    assert_int_equal(evse_data_transfer(&f->e, vendor, NULL, NULL), OCPP_OK);
    assert_ptr_equal(f->cp.dt_vendor, d->vendor_id); /* the application's copy */
    assert_null(f->cp.dt_msg);
    assert_null(f->cp.dt_data);
    assert_int_equal(d->state, EVSE_DT_PENDING);
    assert_int_equal(evse_data_transfer(&f->e, "x", NULL, NULL), OCPP_ERR_BUSY);
    /* The answer: status UnknownMessageId with data "\"ok\"". */
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_DATA_TRANSFER_RESULT,
                          .value = OCPP_DT_UNKNOWN_MESSAGE_ID,
                          .text = "\"ok\"",
                          .len = 4};
    f->cb.on_event(f->cb.ctx, &ev);
    assert_int_equal(f->user_events, 1); /* forwarded too */
    assert_int_equal(d->state, EVSE_DT_ANSWERED);
    assert_int_equal(d->status, OCPP_DT_UNKNOWN_MESSAGE_ID);
    assert_string_equal(d->answer, "\"ok\"");
    assert_string_equal(evse_dt_status_str(d->status), "UnknownMessageId");
    assert_string_equal(evse_dt_status_str((ocpp_dt_status_t)9), "?");
    /* A result nobody waits for changes nothing. */
    ev.value = OCPP_DT_ACCEPTED;
    f->cb.on_event(f->cb.ctx, &ev);
    assert_int_equal(d->status, OCPP_DT_UNKNOWN_MESSAGE_ID);

    assert_int_equal(evse_data_transfer(&f->e, "com.example", "Msg", "d\xc3\xa4ta\n"), OCPP_OK);
    assert_string_equal(f->cp.dt_msg, "Msg");
    assert_string_equal(f->cp.dt_data, "d\xc3\xa4ta\n");
    ev = (ocpp_cp_event_t){.kind = OCPP_CP_EV_DATA_TRANSFER_RESULT, .value = -1};
    f->cb.on_event(f->cb.ctx, &ev); /* no answer: CALLERROR, timeout, connection lost */
    assert_int_equal(d->state, EVSE_DT_FAILED);
    /* An answer's data longer than EVSE_DT_DATA_MAX is not kept (raw JSON cut is no JSON). */
    assert_int_equal(evse_data_transfer(&f->e, "v", NULL, ""), OCPP_OK);
    static char big[EVSE_DT_DATA_MAX + 2];
    memset(big, 'a', sizeof big - 1u);
    ev = (ocpp_cp_event_t){.kind = OCPP_CP_EV_DATA_TRANSFER_RESULT,
                           .value = OCPP_DT_ACCEPTED,
                           .text = big,
                           .len = sizeof big - 1u};
    f->cb.on_event(f->cb.ctx, &ev);
    assert_true(d->answer_truncated);
    assert_string_equal(d->answer, "");
    assert_string_equal(f->cp.dt_data, "");

    /* Refused before the charge point sees it. */
    int calls = f->cp.dt_calls;
    vendor[255] = 'v';
    vendor[256] = '\0';
    assert_int_equal(evse_data_transfer(&f->e, vendor, NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(&f->e, "", NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(&f->e, NULL, NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(NULL, "v", NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(
        evse_data_transfer(&f->e, "v", "123456789012345678901234567890123456789012345678901", NULL),
        OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(&f->e, "v\n", NULL, NULL), OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(&f->e, "v", NULL, "\xff"), OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(&f->e, "v", NULL, "\xc0\xaf"), OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(&f->e, "v", NULL, "\xed\xa0\x80"), OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(&f->e, "v", NULL, "\xe2\x82"), OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(&f->e, "v", NULL, "\x01"), OCPP_ERR_PARAM);
    assert_int_equal(evse_data_transfer(&f->e, "v", NULL, big), OCPP_ERR_PARAM);
    assert_int_equal(f->cp.dt_calls, calls);
    /* The charge point's refusal (e.g. not Accepted by the CSMS) leaves no pending state. */
    f->cp.dt_answer = OCPP_ERR_STATE;
    assert_int_equal(evse_data_transfer(&f->e, "v", NULL, NULL), OCPP_ERR_STATE);
    assert_int_not_equal(d->state, EVSE_DT_PENDING);
    evse_cp_ops_t none = ops;
    none.data_transfer = NULL;
    f->e.ops = &none;
    assert_int_equal(evse_data_transfer(&f->e, "v", NULL, NULL), OCPP_ERR_STATE);
    f->e.ops = &ops;
    assert_null(evse_data_transfer_last(NULL));
}

/* ------------------------------------------------------------ power, face, settings */

/* The offered current is min(rating, cable, evse_set_limit, derating), each
 * named as the reason; the PWM duty follows IEC 61851-1 Annex A table A.8
 * (duty % = A / 0.6 for 6..51 A). */
static void test_pipeline_reasons(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    evse_connector_t k;
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    permit(f, 1, true);
    assert_int_equal(f->hw.duty[1], 533); /* 32 A: 53.3 % */
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.limit_reason, EVSE_LIMIT_NONE);
    f->hw.cable_ma[1] = 20000; /* a 20 A cable (IEC 62196 coding) */
    evse_poll(&f->e);
    assert_int_equal(f->hw.duty[1], 333);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.limit_reason, EVSE_LIMIT_CABLE);
    assert_int_equal(k.cable_ma, 20000);
    assert_int_equal(evse_set_limit(&f->e, 1, 16000), OCPP_OK);
    assert_int_equal(f->hw.duty[1], 266);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.limit_reason, EVSE_LIMIT_SMART);
    f->hw.temp[1] = 750; /* 32 - 26 x 15 / 20 = 12.5 -> 12 A */
    evse_poll(&f->e);
    assert_int_equal(f->hw.duty[1], 200);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.limit_reason, EVSE_LIMIT_DERATING);
    assert_int_equal(k.offered_ma, 12000);
    assert_int_equal(k.derate_ma, 12000);
    assert_int_equal(k.temp_dc, 750);
    assert_true(k.relay_closed);
    assert_string_equal(evse_limit_reason_str(k.limit_reason), "derating");
    assert_string_equal(evse_limit_reason_str((evse_limit_reason_t)9), "?");
    /* Back up only 1 °C below a step: 73.9 °C would be 13.93 A, but 74.9 °C
     * is 12.63 A: still 12; 73.7 °C (74.7: 12.89 A) too; 73.5 °C (74.5 °C:
     * 13.15 A) gives 13 A. Down again at once. */
    f->hw.temp[1] = 739;
    evse_poll(&f->e);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.derate_ma, 12000);
    f->hw.temp[1] = 737;
    evse_poll(&f->e);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.derate_ma, 12000);
    f->hw.temp[1] = 735;
    evse_poll(&f->e);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.derate_ma, 13000);
    f->hw.temp[1] = 741; /* 13.67 A: 13 */
    evse_poll(&f->e);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.derate_ma, 13000);
    f->hw.temp[1] = 750;
    evse_poll(&f->e);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.derate_ma, 12000);
    f->hw.temp[1] = 595; /* 1 °C above the start would still derate: 31.35 A -> 31 */
    evse_poll(&f->e);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.derate_ma, 31000);
    /* A fixed cable has no proximity coding: the cable limit goes. */
    f->hw.temp[1] = 250;
    f->hw.fixed[1] = true;
    evse_poll(&f->e);
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_int_equal(k.cable_ma, EVSE_NO_LIMIT);
    assert_int_equal(k.offered_ma, 16000);
}

/* Issue 15: "Derating from a warning threshold: default 60 °C, falling
 * linearly to 6 A at 80 °C" (whole amperes, rounded down). */
static void test_derating_numbers(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    const evse_settings_t *s = evse_settings(&f->e);
    assert_int_equal(s->derate_start_c, 60);
    assert_int_equal(s->derate_end_c, 80);
    assert_int_equal(s->shutdown_c, 85);
    assert_int_equal(s->hysteresis_c, 10);
    assert_int_equal(evse_derate_ma(s, 32000, 600), EVSE_NO_LIMIT);
    assert_int_equal(evse_derate_ma(s, 32000, 601), 31000); /* 31.87 A */
    assert_int_equal(evse_derate_ma(s, 32000, 650), 25000); /* 25.5 A */
    assert_int_equal(evse_derate_ma(s, 32000, 700), 19000);
    assert_int_equal(evse_derate_ma(s, 32000, 799), 6000); /* 6.13 A */
    assert_int_equal(evse_derate_ma(s, 32000, 800), 6000);
    assert_int_equal(evse_derate_ma(s, 32000, 1200), 6000);
    assert_int_equal(evse_derate_ma(s, 16000, 700), 11000);
    assert_int_equal(evse_derate_ma(s, 6000, 700), 6000);
    assert_int_equal(evse_derate_ma(s, 32000, -400), EVSE_NO_LIMIT);
}

/* Below 6 A the PWM offers nothing (IEC 61851-1 Annex A): the EVSE suspends
 * and tells the charge point (SuspendedEVSE, OCPP 1.6 §7.7), once per change. */
static void test_suspended_below_6a(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    assert_int_equal(evse_set_limit(&f->e, 1, 5999), OCPP_OK);
    assert_int_equal(f->cp.suspended_calls, 0); /* not permitted: nothing to suspend */
    permit(f, 1, true);
    assert_int_equal(f->cp.suspended[1], 2);
    assert_int_equal(f->hw.duty[1], EVSE_DUTY_OFF);
    assert_false(f->hw.relay[1]);
    evse_connector_t k;
    assert_int_equal(evse_connector(&f->e, 1, &k), OCPP_OK);
    assert_true(k.suspended);
    assert_int_equal(k.offered_ma, 0);
    evse_poll(&f->e);
    assert_int_equal(f->cp.suspended_calls, 1);
    assert_int_equal(evse_set_limit(&f->e, 1, 6000), OCPP_OK);
    assert_int_equal(f->cp.suspended[1], 1);
    assert_int_equal(f->hw.duty[1], 100);
    assert_true(f->hw.relay[1]);
    assert_int_equal(evse_set_limit(&f->e, 1, 0), OCPP_OK);
    assert_int_equal(f->cp.suspended[1], 2);
    permit(f, 1, false); /* no permission: not suspended by the EVSE any more */
    assert_int_equal(f->cp.suspended[1], 1);
    assert_int_equal(evse_set_limit(&f->e, 0, 0), OCPP_ERR_PARAM);
    assert_int_equal(evse_set_limit(&f->e, 3, 0), OCPP_ERR_PARAM);
}

static void status_event(fx_t *f, uint8_t c, ocpp_connector_status_t st)
{
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_STATUS, .connector = c, .value = (int32_t)st};
    f->cb.on_event(f->cb.ctx, &ev);
}

static void assert_led(const evse_led_t *l, evse_led_color_t color, evse_led_pattern_t pattern)
{
    assert_int_equal(l->color, color);
    assert_int_equal(l->pattern, pattern);
}

/* Issue 15 LEDs: "green steady when available, blue pulsing with power while
 * charging, yellow when suspended, red blinking when faulted"; intensity is
 * LightIntensity (OCPP 1.6 §9.1.11 "Percentage of maximum intensity"), a
 * card's outcome blinks BlinkRepeat times (§9.1.4 "Number of times to blink
 * Charge Point lighting when signalling"). Written on changes only. */
static void test_leds(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    evse_poll(&f->e);
    assert_led(&f->hw.led[1], EVSE_LED_GREEN, EVSE_LED_STEADY);
    assert_int_equal(f->hw.led[1].intensity_pct, 100);
    int writes = f->hw.led_writes;
    evse_poll(&f->e);
    assert_int_equal(f->hw.led_writes, writes);
    f->hw.pilot[1] = EVSE_PILOT_B;
    status_event(f, 1, OCPP_CONNECTOR_PREPARING);
    evse_poll(&f->e);
    assert_led(&f->hw.led[1], EVSE_LED_BLUE, EVSE_LED_STEADY);
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    permit(f, 1, true);
    status_event(f, 1, OCPP_CONNECTOR_CHARGING);
    assert_led(&f->hw.led[1], EVSE_LED_BLUE, EVSE_LED_PULSE);
    assert_int_equal(f->hw.led[1].rate_pct, 100);
    assert_int_equal(evse_set_limit(&f->e, 1, 16000), OCPP_OK);
    assert_int_equal(f->hw.led[1].rate_pct, 50); /* pulses with the power offered */
    f->hw.pilot[1] = EVSE_PILOT_B;
    status_event(f, 1, OCPP_CONNECTOR_SUSPENDED_EV);
    evse_poll(&f->e);
    assert_led(&f->hw.led[1], EVSE_LED_YELLOW, EVSE_LED_STEADY);
    status_event(f, 1, OCPP_CONNECTOR_FINISHING);
    assert_led(&f->hw.led[1], EVSE_LED_GREEN, EVSE_LED_PULSE);
    status_event(f, 1, OCPP_CONNECTOR_RESERVED);
    assert_led(&f->hw.led[1], EVSE_LED_YELLOW, EVSE_LED_PULSE);
    status_event(f, 1, OCPP_CONNECTOR_UNAVAILABLE);
    assert_led(&f->hw.led[1], EVSE_LED_RED, EVSE_LED_STEADY);
    status_event(f, 1, OCPP_CONNECTOR_FAULTED);
    assert_led(&f->hw.led[1], EVSE_LED_RED, EVSE_LED_BLINK);
    assert_int_equal(f->hw.led[1].blinks, 0); /* until it changes */
    status_event(f, 1, OCPP_CONNECTOR_AVAILABLE);
    assert_led(&f->hw.led[1], EVSE_LED_GREEN, EVSE_LED_STEADY);
    /* LightIntensity */
    assert_int_equal(evse_setting_set(&f->e, "LightIntensity", "30"), OCPP_KEY_ACCEPTED);
    evse_poll(&f->e);
    assert_int_equal(f->hw.led[1].intensity_pct, 30);
    assert_int_equal(f->hw.led[2].intensity_pct, 30);
    /* BlinkRepeat: a refused card blinks red twice, then the state comes back. */
    assert_int_equal(evse_setting_set(&f->e, "BlinkRepeat", "2"), OCPP_KEY_ACCEPTED);
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_AUTH_REJECTED, .connector = 2, .text = "X", .len = 1};
    f->cb.on_event(f->cb.ctx, &ev);
    assert_led(&f->hw.led[2], EVSE_LED_RED, EVSE_LED_BLINK);
    assert_int_equal(f->hw.led[2].blinks, 2);
    f->hw.now += 2 * EVSE_LED_BLINK_MS - 1;
    evse_poll(&f->e);
    assert_led(&f->hw.led[2], EVSE_LED_RED, EVSE_LED_BLINK);
    f->hw.now += 1;
    evse_poll(&f->e);
    assert_led(&f->hw.led[2], EVSE_LED_GREEN, EVSE_LED_STEADY);
    /* Accepted without a connector: the charger's own light (0), dark after. */
    ev = (ocpp_cp_event_t){.kind = OCPP_CP_EV_AUTHORIZED, .connector = 0, .text = "X", .len = 1};
    f->cb.on_event(f->cb.ctx, &ev);
    assert_led(&f->hw.led[0], EVSE_LED_GREEN, EVSE_LED_BLINK);
    f->hw.now += 2 * EVSE_LED_BLINK_MS;
    evse_poll(&f->e);
    assert_int_equal(f->hw.led[0].color, EVSE_LED_OFF);
    /* An application fault wins over the charge point's status. */
    assert_int_equal(evse_fault(&f->e, 2, OCPP_FAULT_GROUND_FAILURE, NULL, NULL), OCPP_OK);
    assert_led(&f->hw.led[2], EVSE_LED_RED, EVSE_LED_BLINK);
    assert_string_equal(evse_led_color_str(EVSE_LED_YELLOW), "yellow");
    assert_string_equal(evse_led_color_str((evse_led_color_t)9), "?");
    assert_string_equal(evse_led_pattern_str(EVSE_LED_PULSE), "pulse");
    assert_string_equal(evse_led_pattern_str((evse_led_pattern_t)9), "?");
}

/* Issue 15: "Debounced in the application": a bounce shorter than
 * EVSE_DEBOUNCE_MS is not a press; a press held counts once. */
static void test_stop_button_debounce(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    permit(f, 2, true);
    for (int i = 0; i < 5; i++) { /* contact bounce: 10 ms on, 10 ms off */
        f->hw.buttons = (i % 2 == 0) ? EVSE_BUTTON_STOP : 0u;
        evse_poll(&f->e);
        f->hw.now += 10;
    }
    f->hw.buttons = 0;
    evse_poll(&f->e);
    assert_int_equal(f->cp.stops, 0);
    f->hw.buttons = EVSE_BUTTON_STOP;
    evse_poll(&f->e);
    f->hw.now += EVSE_DEBOUNCE_MS - 1;
    evse_poll(&f->e);
    assert_int_equal(f->cp.stops, 0);
    f->hw.now += 1;
    evse_poll(&f->e);
    assert_int_equal(f->cp.stops, 1); /* reason Local: checked in c_stop */
    assert_int_equal(evse_buttons_pressed(&f->e), EVSE_BUTTON_STOP);
    f->hw.now += 5000; /* held: once */
    evse_poll(&f->e);
    assert_int_equal(f->cp.stops, 1);
    assert_int_equal(evse_buttons_pressed(&f->e), 0);
    assert_int_equal(evse_buttons_pressed(NULL), 0);
    /* SELECT is the display's: reported, no stop. */
    f->hw.buttons = EVSE_BUTTON_STOP | EVSE_BUTTON_SELECT;
    evse_poll(&f->e);
    f->hw.now += EVSE_DEBOUNCE_MS;
    evse_poll(&f->e);
    assert_int_equal(evse_buttons_pressed(&f->e), EVSE_BUTTON_SELECT);
    assert_int_equal(f->cp.stops, 1);
}

/* ------------------------------------------------ settings as keys, persisted */
typedef struct {
    char data[128];
    int32_t len; /* -1: none */
    int writes;
} store_t;

static int32_t s_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    store_t *s = ctx;
    assert_string_equal(key, "evse.settings");
    if (s->len < 0) {
        return OCPP_ERR_NOT_FOUND;
    }
    if ((size_t)s->len > cap) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(buf, s->data, (size_t)s->len);
    return s->len;
}
static ocpp_status_t s_write(void *ctx, const char *key, const uint8_t *d, size_t n)
{
    store_t *s = ctx;
    assert_string_equal(key, "evse.settings");
    assert_true(n <= sizeof s->data);
    memcpy(s->data, d, n);
    s->len = (int32_t)n;
    s->writes++;
    return OCPP_OK;
}

static const ocpp_vendor_key_t *key_of(fx_t *f, const char *name)
{
    for (int i = 0; i < f->cp.n_keys; i++) {
        if (strcmp(f->cp.keys[i]->name, name) == 0) {
            return f->cp.keys[i];
        }
    }
    fail_msg("key %s not registered", name);
    return NULL;
}

static const char *key_value(fx_t *f, const char *name)
{
    static char buf[16];
    const ocpp_vendor_key_t *k = key_of(f, name);
    assert_true(k->get(k->ctx, buf, sizeof buf) < sizeof buf);
    return buf;
}

/* Issue 15: "Thresholds are vendor configuration keys: readable and
 * changeable over OCPP, persisted, range-checked" (OCPP 1.6 §5.3: Rejected
 * for a value that is not valid). */
static void test_settings_keys(void **state)
{
    (void)state;
    static store_t st;
    st = (store_t){.len = -1};
    ocpp_storage_port_t port = {.ctx = &st, .read = s_read, .write = s_write};
    fx_t *f = fx_new();
    evse_config_t cfg = {.connectors = NC, .max_current_ma = 32000, .storage = &port};
    assert_int_equal(evse_init(&f->e, &cfg, &f->b, &ops, &f->cp, NULL), OCPP_OK);
    assert_int_equal(evse_keys_register(NULL), OCPP_ERR_PARAM);
    assert_int_equal(evse_keys_register(&f->e), OCPP_OK);
    assert_int_equal(f->cp.n_keys, 6);
    assert_string_equal(key_value(f, "TemperatureDeratingStart"), "60");
    assert_string_equal(key_value(f, "TemperatureDeratingEnd"), "80");
    assert_string_equal(key_value(f, "TemperatureShutdown"), "85");
    assert_string_equal(key_value(f, "TemperatureHysteresis"), "10");
    assert_string_equal(key_value(f, "LightIntensity"), "100");
    assert_string_equal(key_value(f, "BlinkRepeat"), "3");
    const ocpp_vendor_key_t *k = key_of(f, "TemperatureShutdown");
    assert_false(k->readonly);
    /* range and order */
    static const char *const bad[][2] = {{"TemperatureShutdown", "79"},
                                         {"TemperatureShutdown", "151"},
                                         {"TemperatureShutdown", ""},
                                         {"TemperatureShutdown", "85 "},
                                         {"TemperatureShutdown", "+90"},
                                         {"TemperatureShutdown", "8.5e1"},
                                         {"TemperatureDeratingStart", "80"},
                                         {"TemperatureDeratingStart", "-1"},
                                         {"TemperatureDeratingEnd", "60"},
                                         {"TemperatureHysteresis", "0"},
                                         {"TemperatureHysteresis", "51"},
                                         {"LightIntensity", "101"},
                                         {"BlinkRepeat", "0"},
                                         {"BlinkRepeat", "21"},
                                         {"BlinkRepeat", "1234567"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        k = key_of(f, bad[i][0]);
        assert_int_equal(k->set(k->ctx, bad[i][1]), OCPP_KEY_REJECTED);
    }
    assert_int_equal(st.writes, 0); /* nothing changed */
    assert_string_equal(key_value(f, "TemperatureShutdown"), "85");
    k = key_of(f, "TemperatureShutdown");
    assert_int_equal(k->set(k->ctx, "80"), OCPP_KEY_ACCEPTED); /* = the derating end: allowed */
    k = key_of(f, "TemperatureDeratingStart");
    assert_int_equal(k->set(k->ctx, "40"), OCPP_KEY_ACCEPTED);
    assert_int_equal(evse_setting_set(&f->e, "temperaturehysteresis", "5"), OCPP_KEY_ACCEPTED);
    assert_int_equal(evse_setting_set(&f->e, "NoSuchKey", "5"), OCPP_KEY_NOT_SUPPORTED);
    /* a name longer than a key by a blank: no read past the key (ASan build) */
    assert_int_equal(evse_setting_set(&f->e, "BlinkRepeat ", "5"), OCPP_KEY_NOT_SUPPORTED);
    assert_int_equal(evse_setting_set(&f->e, "BlinkRepea", "5"), OCPP_KEY_NOT_SUPPORTED);
    assert_int_equal(evse_setting_set(&f->e, NULL, "5"), OCPP_KEY_NOT_SUPPORTED);
    assert_int_equal(evse_setting_set(NULL, "BlinkRepeat", "5"), OCPP_KEY_NOT_SUPPORTED);
    assert_int_equal(evse_setting_set(&f->e, "BlinkRepeat", NULL), OCPP_KEY_REJECTED);
    assert_int_equal(st.writes, 3);
    /* in force: 80 °C trips now, 75 °C recovers */
    f->hw.temp[1] = 800;
    evse_poll(&f->e);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_HIGH_TEMPERATURE);
    f->hw.temp[1] = 751;
    evse_poll(&f->e);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_HIGH_TEMPERATURE);
    f->hw.temp[1] = 750;
    evse_poll(&f->e);
    assert_int_equal(f->cp.err[1], OCPP_FAULT_NONE);
    /* persisted: a new start reads them back */
    memset(&f->e, 0, sizeof f->e);
    assert_int_equal(evse_init(&f->e, &cfg, &f->b, &ops, &f->cp, NULL), OCPP_OK);
    assert_int_equal(evse_settings(&f->e)->derate_start_c, 40);
    assert_int_equal(evse_settings(&f->e)->shutdown_c, 80);
    assert_int_equal(evse_settings(&f->e)->hysteresis_c, 5);
    /* a damaged or out-of-range record: the defaults */
    static const char *const damaged[] = {
        "evse settings v1\n60 80 85 10 100\n", "evse settings v1\n90 80 85 10 100 3\n",
        "evse settings v2\n60 80 85 10 100 3\n", "evse settings v1\n60 80 85 10 100 3x\n", ""};
    for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
        st.len = (int32_t)strlen(damaged[i]);
        memcpy(st.data, damaged[i], (size_t)st.len);
        assert_int_equal(evse_init(&f->e, &cfg, &f->b, &ops, &f->cp, NULL), OCPP_OK);
        assert_int_equal(evse_settings(&f->e)->derate_start_c, 60);
        assert_int_equal(evse_settings(&f->e)->blink_repeat, 3);
    }
    /* no registration without the op; the charge point's refusal is passed on */
    static const evse_cp_ops_t no_keys = {c_plugged, c_ready, c_present, c_stop,
                                          c_fault,   c_dt,    NULL,      NULL};
    assert_int_equal(evse_init(&f->e, &cfg, &f->b, &no_keys, &f->cp, NULL), OCPP_OK);
    assert_int_equal(evse_keys_register(&f->e), OCPP_ERR_STATE);
    assert_int_equal(evse_init(&f->e, &cfg, &f->b, &ops, &f->cp, NULL), OCPP_OK);
    assert_int_equal(evse_keys_register(&f->e), OCPP_ERR_NOMEM); /* 6 + 6 > 8 slots */
}

/* Issue 14: "MeterValues can report Current.Offered and Power.Offered":
 * Power.Offered = offered A x supply phases x nominal voltage. */
static void test_power_offered(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    ocpp_sample_t s[16];
    f->hw.pilot[1] = EVSE_PILOT_C;
    evse_poll(&f->e);
    permit(f, 1, true);
    assert_int_equal(evse_set_limit(&f->e, 1, 16000), OCPP_OK);
    size_t n = f->cb.read_meter(f->cb.ctx, 1, s, 16);
    assert_int_equal(n, 7);
    assert_int_equal(s[4].measurand, OCPP_MEASURAND_CURRENT_OFFERED);
    assert_int_equal(s[4].value, 16000);
    assert_int_equal(s[4].scale, 3);
    assert_int_equal(s[5].measurand, OCPP_MEASURAND_POWER_OFFERED);
    assert_int_equal(s[5].value, 16 * 3 * 230); /* meter_phases 0: 3 phases, 230 V */
    assert_int_equal(s[5].scale, 0);
    evse_config_t cfg = {
        .connectors = NC, .max_current_ma = 32000, .supply_phases = 1, .supply_voltage_v = 240};
    assert_int_equal(evse_init(&f->e, &cfg, &f->b, &ops, &f->cp, NULL), OCPP_OK);
    evse_callbacks(&f->e, &f->cb);
    evse_poll(&f->e);
    permit(f, 1, true);
    n = f->cb.read_meter(f->cb.ctx, 1, s, 16);
    assert_int_equal(s[5].value, 32 * 240);
    permit(f, 1, false);
    n = f->cb.read_meter(f->cb.ctx, 1, s, 16);
    assert_int_equal(n, 7);
    assert_int_equal(s[4].value, 0);
    assert_int_equal(s[5].value, 0);
}

static ocpp_dt_status_t call_dt(fx_t *f, const char *vendor, const char *msg, const char *data,
                                char *answer, size_t cap)
{
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, answer, cap);
    ocpp_dt_status_t st = f->cb.data_transfer(f->cb.ctx, vendor, msg, data, &w);
    if (!w.done) { /* no answer data written: nothing to finish */
        assert_false(w.error || w.overflow);
        answer[0] = '\0';
        return st;
    }
    assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
    answer[n] = '\0';
    return st;
}

/* Issue 15: "DataTransfer handlers under the charger's vendorId, for example
 * to show a message on the display or to read the temperatures and
 * counters" (OCPP 1.6 §5.6: UnknownMessageId / Rejected / Accepted). */
static void test_vendor_data_transfer(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    char a[512];
    evse_config_t cfg = {.connectors = NC, .max_current_ma = 32000, .vendor_id = "Acme"};
    assert_int_equal(evse_init(&f->e, &cfg, &f->b, &ops, &f->cp, NULL), OCPP_OK);
    evse_callbacks(&f->e, &f->cb);
    uint32_t seq = 7;
    assert_string_equal(evse_message(&f->e, &seq), "");
    assert_int_equal(seq, 0);
    assert_int_equal(call_dt(f, "Acme", "DisplayMessage", "Hello \xc3\xa9", a, sizeof a),
                     OCPP_DT_ACCEPTED);
    assert_string_equal(a, "");
    assert_string_equal(evse_message(&f->e, &seq), "Hello \xc3\xa9");
    assert_int_equal(seq, 1);
    char longer[EVSE_MESSAGE_MAX + 2];
    memset(longer, 'x', sizeof longer);
    longer[EVSE_MESSAGE_MAX + 1] = '\0';
    assert_int_equal(call_dt(f, "Acme", "DisplayMessage", longer, a, sizeof a), OCPP_DT_REJECTED);
    assert_int_equal(call_dt(f, "Acme", "DisplayMessage", "a\nb", a, sizeof a), OCPP_DT_REJECTED);
    assert_int_equal(call_dt(f, "Acme", "DisplayMessage", NULL, a, sizeof a), OCPP_DT_REJECTED);
    assert_string_equal(evse_message(&f->e, NULL), "Hello \xc3\xa9"); /* unchanged */
    longer[EVSE_MESSAGE_MAX] = '\0';
    assert_int_equal(call_dt(f, "Acme", "DisplayMessage", longer, a, sizeof a), OCPP_DT_ACCEPTED);
    assert_int_equal(call_dt(f, "Acme", "DisplayMessage", "", a, sizeof a), OCPP_DT_ACCEPTED);
    assert_string_equal(evse_message(&f->e, &seq), "");
    assert_int_equal(seq, 3);
    f->hw.temp[0] = 312;
    f->hw.temp[2] = -55;
    assert_int_equal(call_dt(f, "Acme", "GetTemperatures", NULL, a, sizeof a), OCPP_DT_ACCEPTED);
    assert_string_equal(a, "\"{\\\"charger\\\":31.2,\\\"connectors\\\":[25.0,-5.5]}\"");
    f->hw.pilot[2] = EVSE_PILOT_C;
    evse_poll(&f->e);
    permit(f, 2, true);
    ocpp_cp_event_t ev = {.kind = OCPP_CP_EV_TX_STARTED, .connector = 2, .value = -1};
    f->cb.on_event(f->cb.ctx, &ev);
    assert_int_equal(call_dt(f, "Acme", "GetCounters", "2", a, sizeof a), OCPP_DT_ACCEPTED);
    assert_string_equal(a, "\"{\\\"connectorId\\\":2,\\\"energyWh\\\":1236,\\\"sessions\\\":1,"
                           "\\\"relayCycles\\\":1,\\\"offeredCurrentMa\\\":32000,"
                           "\\\"limitReason\\\":\\\"none\\\"}\"");
    static const char *const bad_ids[] = {"0", "3", "", "1x", "-1", "01a", "256", NULL};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        assert_int_equal(call_dt(f, "Acme", "GetCounters", bad_ids[i], a, sizeof a),
                         OCPP_DT_REJECTED);
        assert_string_equal(a, "");
    }
    assert_int_equal(call_dt(f, "Acme", "Reboot", NULL, a, sizeof a), OCPP_DT_UNKNOWN_MESSAGE_ID);
    assert_int_equal(call_dt(f, "Acme", NULL, NULL, a, sizeof a), OCPP_DT_UNKNOWN_MESSAGE_ID);
    assert_int_equal(call_dt(f, "acme", "GetTemperatures", NULL, a, sizeof a),
                     OCPP_DT_UNKNOWN_VENDOR_ID); /* another vendor, no user handler */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duty_mapping),
        cmocka_unit_test(test_init_bad_input),
        cmocka_unit_test(test_pilot_to_inputs),
        cmocka_unit_test(test_relay_permit_and_c),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_external_fault),
        cmocka_unit_test(test_pilot_fault),
        cmocka_unit_test(test_temperature),
        cmocka_unit_test(test_welded_relay),
        cmocka_unit_test(test_rfid_and_buttons),
        cmocka_unit_test(test_read_meter),
        cmocka_unit_test(test_meter_declared),
        cmocka_unit_test(test_unlock_and_forwarding),
        cmocka_unit_test(test_lock_ev_side_disconnect_transaction_goes_on),
        cmocka_unit_test(test_lock_kept_for_owner),
        cmocka_unit_test(test_fixed_cable_no_lock),
        cmocka_unit_test(test_data_transfer),
        cmocka_unit_test(test_pipeline_reasons),
        cmocka_unit_test(test_derating_numbers),
        cmocka_unit_test(test_suspended_below_6a),
        cmocka_unit_test(test_leds),
        cmocka_unit_test(test_stop_button_debounce),
        cmocka_unit_test(test_settings_keys),
        cmocka_unit_test(test_power_offered),
        cmocka_unit_test(test_vendor_data_transfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
