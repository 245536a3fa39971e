/**
 * @file test_simboard.c
 * @brief The simulated board's physics: pilot, relay, EV curve, meter
 *        integration, speed, thermal model, RFID queue, bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/evse.h"
#include "ocpp/evse_sim.h"

typedef struct {
    evse_sim_t sim;
    evse_board_t b;
} fx_t;

static fx_t *fx_new(uint8_t connectors)
{
    static fx_t fx; /* test fixture only */
    memset(&fx, 0, sizeof fx);
    assert_true(evse_sim_init(&fx.sim, connectors));
    evse_sim_board(&fx.sim, &fx.b);
    evse_sim_step(&fx.sim, 1000); /* sets the clock */
    return &fx;
}

static evse_sim_connector_t snap(const fx_t *f, uint8_t c)
{
    evse_sim_connector_t s;
    assert_true(evse_sim_connector(&f->sim, c, &s));
    return s;
}

static evse_pilot_t pilot(fx_t *f, uint8_t c)
{
    return f->b.pilot_read(f->b.ctx, c);
}

/* IEC 61851-1 Annex A table A.3: A = no EV, B = connected not ready, C = ready. */
static void test_pilot_states(void **state)
{
    (void)state;
    fx_t *f = fx_new(2);
    assert_int_equal(pilot(f, 1), EVSE_PILOT_A);
    assert_true(evse_sim_plug(&f->sim, 1, NULL));
    /* No PWM offered: the EV stays in B even though it wants energy. */
    assert_int_equal(pilot(f, 1), EVSE_PILOT_B);
    f->b.pilot_set_duty(f->b.ctx, 1, evse_duty_for_current(16000));
    assert_int_equal(pilot(f, 1), EVSE_PILOT_C);
    assert_true(evse_sim_ev_charging(&f->sim, 1, false));
    assert_int_equal(pilot(f, 1), EVSE_PILOT_B);
    assert_true(evse_sim_ev_charging(&f->sim, 1, true));
    assert_int_equal(pilot(f, 1), EVSE_PILOT_C);
    f->b.pilot_set_duty(f->b.ctx, 1, EVSE_DUTY_F);
    assert_int_equal(pilot(f, 1), EVSE_PILOT_F);
    f->b.pilot_set_duty(f->b.ctx, 1, evse_duty_for_current(16000));
    assert_true(evse_sim_unplug(&f->sim, 1));
    assert_int_equal(pilot(f, 1), EVSE_PILOT_A);
    assert_int_equal(pilot(f, 2), EVSE_PILOT_A); /* the other connector untouched */
}

/* No current without a closed relay AND state C. */
static void test_no_current_without_relay_and_c(void **state)
{
    (void)state;
    fx_t *f = fx_new(1);
    evse_sim_plug(&f->sim, 1, NULL);
    f->b.pilot_set_duty(f->b.ctx, 1, evse_duty_for_current(32000));
    evse_sim_step(&f->sim, 61000); /* relay open for a minute */
    assert_int_equal(snap(f, 1).energy_wh, 0);
    assert_int_equal(snap(f, 1).current_ma, 0);
    f->b.relay_set(f->b.ctx, 1, true);
    evse_sim_ev_charging(&f->sim, 1, false); /* state B, relay closed */
    evse_sim_step(&f->sim, 121000);
    assert_int_equal(snap(f, 1).energy_wh, 0);
    assert_int_equal(snap(f, 1).power_w, 0);
    evse_sim_ev_charging(&f->sim, 1, true);
    assert_int_equal(snap(f, 1).current_ma, 16000); /* the EV's default limit */
    assert_int_equal(snap(f, 1).power_w, 11040);    /* 3 x 230 V x 16 A */
}

/* The EV draws min(PWM offer, its own limit): IEC 61851-1 Annex A.2.3. */
static void test_current_is_min_of_offer_and_ev(void **state)
{
    (void)state;
    fx_t *f = fx_new(1);
    evse_sim_ev_t ev = {.max_current_ma = 32000, .phases = 1};
    evse_sim_plug(&f->sim, 1, &ev);
    f->b.relay_set(f->b.ctx, 1, true);
    f->b.pilot_set_duty(f->b.ctx, 1, evse_duty_for_current(10000)); /* 166 permille */
    assert_int_equal(snap(f, 1).current_ma, 9960); /* PWM resolution: 16.6 % x 0.6 */
    f->b.pilot_set_duty(f->b.ctx, 1, evse_duty_for_current(63000));
    assert_int_equal(snap(f, 1).current_ma, 32000);
    f->b.pilot_set_duty(f->b.ctx, 1, EVSE_DUTY_OFF); /* no PWM: the EV stops asking */
    assert_int_equal(snap(f, 1).current_ma, 0);
    assert_int_equal(pilot(f, 1), EVSE_PILOT_B);
}

static void start_charging(fx_t *f, uint8_t c, const evse_sim_ev_t *ev)
{
    assert_true(evse_sim_plug(&f->sim, c, ev));
    /* 32 A offered (533 permille = 31.98 A): the EV's own 16 A limit applies. */
    f->b.pilot_set_duty(f->b.ctx, c, evse_duty_for_current(32000));
    f->b.relay_set(f->b.ctx, c, true);
}

/* The meter integrates the power delivered: 11.04 kW for one hour = 11040 Wh exactly. */
static void test_meter_integrates_energy(void **state)
{
    (void)state;
    fx_t *f = fx_new(1);
    start_charging(f, 1, NULL); /* 60 kWh at 20 %: stays below the taper */
    evse_sim_step(&f->sim, 1000 + 3600000u);
    evse_sim_connector_t s = snap(f, 1);
    assert_int_equal(s.energy_wh, 11040);
    assert_int_equal(s.energy_mwh, 0);
    assert_int_equal(s.soc_permille, 200 + 184); /* 11.04 / 60 kWh */
    evse_meter_reading_t r;
    assert_true(f->b.meter_read(f->b.ctx, 1, &r));
    assert_int_equal(r.energy_wh, 11040);
    assert_int_equal(r.power_w, 11040);
    assert_int_equal(r.current_ma[0], 16000);
    assert_int_equal(r.current_ma[2], 16000);
    assert_int_equal(r.voltage_mv[1], 230000);
    /* Many small steps give the same as one big one (integer, deterministic). */
    fx_t *g = fx_new(1);
    start_charging(g, 1, NULL);
    for (uint32_t t = 1000; t <= 1000 + 3600000u; t += 7) {
        evse_sim_step(&g->sim, t);
    }
    evse_sim_step(&g->sim, 1000 + 3600000u);
    assert_int_equal(snap(g, 1).energy_wh, 11040);
}

/* Fractions: 1 s at 11.04 kW = 3.066 Wh -> 3 Wh + 66 mWh. */
static void test_meter_fraction(void **state)
{
    (void)state;
    fx_t *f = fx_new(1);
    start_charging(f, 1, NULL);
    evse_sim_step(&f->sim, 2000);
    assert_int_equal(snap(f, 1).energy_wh, 3);
    assert_int_equal(snap(f, 1).energy_mwh, 66);
}

/* Charging curve: above 80 % the current tapers; at 100 % the EV stops asking (B). */
static void test_taper_and_full(void **state)
{
    (void)state;
    fx_t *f = fx_new(1);
    evse_sim_ev_t ev = {.battery_wh = 10000, .soc_permille = 900, .soc_set = true};
    start_charging(f, 1, &ev);
    assert_int_equal(snap(f, 1).current_ma, 8000); /* 16 A x (100-90)/20 */
    evse_sim_step(&f->sim, 1000 + 4u * 3600000u);
    evse_sim_connector_t s = snap(f, 1);
    assert_int_equal(s.soc_permille, 1000);
    assert_int_equal(s.current_ma, 0);
    assert_false(s.wants_energy);
    assert_int_equal(pilot(f, 1), EVSE_PILOT_B);
    /* Energy delivered equals what the battery took (no losses modelled): 1 kWh. */
    assert_int_equal(s.energy_wh, 1000);
}

/* --speed: 10x time lapse; and a wrapping monotonic clock. */
static void test_speed_and_wrap(void **state)
{
    (void)state;
    fx_t *f = fx_new(1);
    evse_sim_set_speed(&f->sim, 10000);
    start_charging(f, 1, NULL);
    evse_sim_step(&f->sim, 1000 + 360000u);
    assert_int_equal(snap(f, 1).energy_wh, 11040);

    fx_t *g = fx_new(1);
    for (uint32_t t = 1000u + 0x40000000u; t > 1000u; t += 0x40000000u) {
        evse_sim_step(&g->sim, t); /* idle, in steps of 12 days, until near the wrap */
    }
    evse_sim_step(&g->sim, UINT32_MAX - 499u);
    start_charging(g, 1, NULL);
    evse_sim_step(&g->sim, 500u); /* 1000 ms across the wrap */
    assert_int_equal(snap(g, 1).energy_wh, 3);
    assert_int_equal(snap(g, 1).energy_mwh, 66);

    /* A stale (earlier) time is ignored, not taken as a 49-day jump forward. */
    fx_t *k = fx_new(1);
    start_charging(k, 1, NULL);
    evse_sim_step(&k->sim, 2000);
    evse_sim_step(&k->sim, 1999);
    assert_int_equal(snap(k, 1).energy_wh, 3);
    evse_sim_step(&k->sim, 3000);
    assert_int_equal(snap(k, 1).energy_wh, 6);
}

/* Thermal model: the connector warms with I^2 towards its target, cools back. */
static void test_thermal(void **state)
{
    (void)state;
    fx_t *f = fx_new(1);
    evse_sim_ev_t ev = {.max_current_ma = 32000};
    assert_true(evse_sim_plug(&f->sim, 1, &ev));
    f->b.pilot_set_duty(f->b.ctx, 1, evse_duty_for_current(32000));
    f->b.relay_set(f->b.ctx, 1, true);
    evse_sim_step(&f->sim, 1000 + 600000u); /* 10 tau */
    int32_t t;
    assert_true(f->b.temperature_read(f->b.ctx, 1, &t));
    assert_in_range(t, 250 + 190, 250 + 204); /* -> 25 + 0.02 x 32^2 = 45.4 °C */
    assert_true(f->b.temperature_read(f->b.ctx, 0, &t));
    assert_int_equal(t, 250);
    f->b.relay_set(f->b.ctx, 1, false);
    evse_sim_step(&f->sim, 1000 + 1200000u);
    assert_true(f->b.temperature_read(f->b.ctx, 1, &t));
    assert_in_range(t, 250, 260);
    assert_false(f->b.temperature_read(f->b.ctx, 2, &t));
    /* Held from outside (the REST temperature): the model leaves it alone
     * until released, then it cools from there. Bad input changes nothing. */
    assert_true(evse_sim_set_temperature(&f->sim, 1, true, 900));
    assert_false(evse_sim_set_temperature(&f->sim, 2, true, 300));
    assert_false(evse_sim_set_temperature(&f->sim, 1, true, 2001));
    assert_false(evse_sim_set_temperature(&f->sim, 1, true, -1001));
    evse_sim_step(&f->sim, 1000 + 1800000u);
    assert_true(f->b.temperature_read(f->b.ctx, 1, &t));
    assert_int_equal(t, 900);
    assert_true(snap(f, 1).temp_held);
    assert_true(evse_sim_set_temperature(&f->sim, 1, false, 0));
    assert_false(snap(f, 1).temp_held);
    evse_sim_step(&f->sim, 1000 + 1860000u); /* one tau: 63 % of the way back */
    assert_true(f->b.temperature_read(f->b.ctx, 1, &t));
    assert_in_range(t, 250 + 200, 250 + 280);
}

static void test_rfid_queue(void **state)
{
    (void)state;
    fx_t *f = fx_new(2);
    char uid[24];
    uint8_t at = 9;
    assert_false(f->b.rfid_read(f->b.ctx, uid, sizeof uid, &at));
    assert_true(evse_sim_rfid(&f->sim, "AA", 2));
    assert_true(evse_sim_rfid(&f->sim, "BB", 0));
    assert_true(evse_sim_rfid(&f->sim, "CC", 1));
    assert_true(evse_sim_rfid(&f->sim, "DD", 1));
    assert_false(evse_sim_rfid(&f->sim, "EE", 1)); /* full */
    assert_true(f->b.rfid_read(f->b.ctx, uid, sizeof uid, &at));
    assert_string_equal(uid, "AA");
    assert_int_equal(at, 2);
    assert_true(f->b.rfid_read(f->b.ctx, uid, sizeof uid, &at));
    assert_string_equal(uid, "BB");
    assert_int_equal(at, 0);
    assert_true(evse_sim_rfid(&f->sim, "EE", 1)); /* room again; wraps the ring */
    char small[2];
    assert_true(f->b.rfid_read(f->b.ctx, small, sizeof small, &at));
    assert_string_equal(small, "C"); /* truncated, terminated */
    assert_true(f->b.rfid_read(f->b.ctx, uid, sizeof uid, &at));
    assert_string_equal(uid, "DD");
    assert_true(f->b.rfid_read(f->b.ctx, uid, sizeof uid, &at));
    assert_string_equal(uid, "EE");
    assert_false(f->b.rfid_read(f->b.ctx, uid, sizeof uid, &at));
    /* Bad cards. */
    assert_false(evse_sim_rfid(&f->sim, "", 1));
    assert_false(evse_sim_rfid(&f->sim, NULL, 1));
    assert_false(evse_sim_rfid(&f->sim, "AA", 3));
    assert_false(evse_sim_rfid(&f->sim, "0123456789012345678901234", 1));
}

static void test_bad_input(void **state)
{
    (void)state;
    evse_sim_t s;
    assert_false(evse_sim_init(&s, 0));
    assert_false(evse_sim_init(&s, EVSE_SIM_MAX_CONNECTORS + 1));
    assert_false(evse_sim_init(NULL, 1));
    fx_t *f = fx_new(1);
    assert_false(evse_sim_plug(&f->sim, 0, NULL));
    assert_false(evse_sim_plug(&f->sim, 2, NULL));
    assert_false(evse_sim_unplug(&f->sim, 1)); /* not plugged */
    assert_false(evse_sim_ev_charging(&f->sim, 1, true));
    assert_true(evse_sim_plug(&f->sim, 1, NULL));
    assert_false(evse_sim_plug(&f->sim, 1, NULL)); /* twice */
    evse_sim_connector_t c;
    assert_false(evse_sim_connector(&f->sim, 2, &c));
    evse_meter_reading_t r;
    assert_false(f->b.meter_read(f->b.ctx, 0, &r));
    assert_int_equal(f->b.pilot_read(f->b.ctx, 5), EVSE_PILOT_F);
    f->b.relay_set(f->b.ctx, 7, true); /* ignored */
    assert_false(f->b.relay_read(f->b.ctx, 7));
    /* Out-of-range EV parameters are clamped to sane values. */
    assert_true(evse_sim_unplug(&f->sim, 1));
    evse_sim_ev_t ev = {.phases = 9, .soc_permille = 5000, .soc_set = true};
    assert_true(evse_sim_plug(&f->sim, 1, &ev));
    c = snap(f, 1);
    assert_int_equal(c.ev.phases, 3);
    assert_int_equal(c.soc_permille, 1000);
    assert_false(c.wants_energy);
    evse_sim_set_speed(&f->sim, 0); /* refused: stays 1000 */
    assert_int_equal(f->sim.speed_milli, 1000);
    assert_null(evse_sim_display_row(&f->sim, EVSE_SIM_DISPLAY_ROWS));
}

static void test_injected_faults_and_outputs(void **state)
{
    (void)state;
    fx_t *f = fx_new(1);
    assert_true(evse_sim_inject(&f->sim, 1, true, false));
    assert_true(f->b.relay_read(f->b.ctx, 1)); /* welded: feedback closed */
    assert_true(evse_sim_inject(&f->sim, 1, false, true));
    assert_int_equal(pilot(f, 1), EVSE_PILOT_E);
    assert_false(evse_sim_inject(&f->sim, 2, false, false));
    assert_true(f->b.lock_set(f->b.ctx, 1, true));
    assert_true(snap(f, 1).locked);
    evse_led_t led = {.color = EVSE_LED_BLUE, .pattern = EVSE_LED_PULSE, .intensity_pct = 40};
    f->b.led_set(f->b.ctx, 1, &led);
    assert_int_equal(snap(f, 1).led.color, EVSE_LED_BLUE);
    assert_int_equal(snap(f, 1).led.pattern, EVSE_LED_PULSE);
    assert_int_equal(snap(f, 1).led.intensity_pct, 40);
    f->b.display_text(f->b.ctx, 0, "a very long line that does not fit");
    assert_int_equal(strlen(evse_sim_display_row(&f->sim, 0)), EVSE_SIM_DISPLAY_COLS);
    evse_sim_set_buttons(&f->sim, EVSE_BUTTON_STOP);
    assert_int_equal(f->b.buttons_read(f->b.ctx), EVSE_BUTTON_STOP);
    assert_int_equal(f->b.now_ms(f->b.ctx), 1000);
}

/* The cable type: a socket outlet with a lock by default; the lock holds the
 * driver's cable also when the EV side is unplugged; a fixed cable has no
 * lock (OCPP 1.6 §4.10 "unlock the cable (if not permanently attached)"). */
static void test_cable_type_and_lock(void **state)
{
    (void)state;
    fx_t *f = fx_new(2);
    assert_false(f->b.cable_fixed(f->b.ctx, 1));
    assert_false(snap(f, 1).fixed_cable);
    assert_true(evse_sim_plug(&f->sim, 1, NULL));
    assert_true(f->b.lock_set(f->b.ctx, 1, true));
    assert_true(evse_sim_unplug(&f->sim, 1));
    assert_true(snap(f, 1).locked); /* the EV side only */
    assert_true(evse_sim_set_cable(&f->sim, 1, true));
    assert_true(f->b.cable_fixed(f->b.ctx, 1));
    assert_true(snap(f, 1).fixed_cable);
    assert_false(snap(f, 1).locked);
    assert_false(f->b.lock_set(f->b.ctx, 1, true));
    assert_false(snap(f, 1).locked);
    assert_false(f->b.cable_fixed(f->b.ctx, 2));
    assert_true(evse_sim_set_cable(&f->sim, 1, false));
    assert_true(f->b.lock_set(f->b.ctx, 1, true));
    assert_false(evse_sim_set_cable(&f->sim, 3, true));
    assert_false(evse_sim_set_cable(NULL, 1, true));
    assert_false(f->b.cable_fixed(f->b.ctx, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pilot_states),
        cmocka_unit_test(test_no_current_without_relay_and_c),
        cmocka_unit_test(test_current_is_min_of_offer_and_ev),
        cmocka_unit_test(test_meter_integrates_energy),
        cmocka_unit_test(test_meter_fraction),
        cmocka_unit_test(test_taper_and_full),
        cmocka_unit_test(test_speed_and_wrap),
        cmocka_unit_test(test_thermal),
        cmocka_unit_test(test_rfid_queue),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_injected_faults_and_outputs),
        cmocka_unit_test(test_cable_type_and_lock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
