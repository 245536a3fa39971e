/**
 * @file evse_cb.c
 * @brief The charge point callbacks of the EVSE application: permit, meter
 *        readings, unlock, and forwarding of the rest to the user.
 */
#include <string.h>

#include "evse_internal.h"

static void cb_event(void *ctx, const ocpp_cp_event_t *ev)
{
    evse_t *e = ctx;
    evse_power_event(e, ev);
    evse_lock_event(e, ev);
    evse_dt_event(e, ev);
    evse_ui_event(e, ev);
    if (e->user.on_event != NULL) {
        e->user.on_event(e->user.ctx, ev);
    }
}

static void cb_reset(void *ctx, bool hard)
{
    const evse_t *e = ctx;
    if (e->user.reset != NULL) {
        e->user.reset(e->user.ctx, hard);
    }
}

static ocpp_dt_status_t cb_data_transfer(void *ctx, const char *vendor_id, const char *message_id,
                                         const char *data, ocpp_jw_t *resp_data)
{
    evse_t *e = ctx;
    if (e->config.vendor_id != NULL && vendor_id != NULL &&
        strcmp(vendor_id, e->config.vendor_id) == 0) {
        return evse_dt_handle(e, message_id, data, resp_data);
    }
    if (e->user.data_transfer == NULL) {
        return OCPP_DT_UNKNOWN_VENDOR_ID;
    }
    return e->user.data_transfer(e->user.ctx, vendor_id, message_id, data, resp_data);
}

/* Library -> relay: IEC 61851-1 — energy only while permitted and in state C. */
static void cb_permit(void *ctx, uint8_t connector, bool permitted)
{
    evse_t *e = ctx;
    if (connector == 0 || connector > e->config.connectors) {
        return;
    }
    e->conn[connector].permitted = permitted;
    /* evse_set_limit() re-applies the outputs at once (the relay opens now). */
    (void)evse_set_limit(e, connector, e->conn[connector].limit_ma);
}

/* Library -> pilot: the Smart Charging limit (per phase) caps the offered
 * current; evse_set_limit() maps it to the PWM duty (below 6 A: no energy). */
static void cb_set_limit(void *ctx, uint8_t connector, const ocpp_limit_t *limit)
{
    (void)evse_set_limit(ctx, connector, limit->limited ? limit->current_ma : EVSE_NO_LIMIT);
}

static size_t put(ocpp_sample_t *out, size_t cap, size_t n, ocpp_measurand_t m, ocpp_phase_t ph,
                  int64_t value, uint8_t scale)
{
    if (n >= cap) {
        return n;
    }
    out[n] = (ocpp_sample_t){.measurand = m, .phase = ph, .value = value, .scale = scale};
    return n + 1;
}

static uint32_t supply_phases(const evse_t *e)
{
    uint8_t p = e->config.supply_phases != 0u ? e->config.supply_phases : e->board->meter_phases;
    return p >= 1u && p <= 3u ? p : 3u;
}

static uint32_t supply_volts(const evse_t *e)
{
    return e->config.supply_voltage_v != 0u ? e->config.supply_voltage_v : 230u;
}

static size_t cb_read_meter(void *ctx, uint8_t connector, ocpp_sample_t *out, size_t cap)
{
    evse_t *e = ctx;
    const evse_board_t *b = e->board;
    evse_meter_reading_t r = {0};
    size_t n = 0;
    if (connector == 0 || connector > e->config.connectors || out == NULL) {
        return 0;
    }
    if (!b->meter_read(b->ctx, connector, &r)) {
        return 0;
    }
    n = put(out, cap, n, OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER, OCPP_PHASE_NONE, r.energy_wh,
            0);
    if (n > 0) {
        out[0].signed_data = r.signed_data;
    }
    n = put(out, cap, n, OCPP_MEASURAND_POWER_ACTIVE_IMPORT, OCPP_PHASE_NONE, r.power_w, 0);
    uint8_t phases = r.phases >= 1 && r.phases <= 3 ? r.phases : 1;
    for (uint8_t p = 0; p < phases; p++) {
        n = put(out, cap, n, OCPP_MEASURAND_CURRENT_IMPORT, (ocpp_phase_t)(OCPP_PHASE_L1 + p),
                r.current_ma[p], 3);
    }
    for (uint8_t p = 0; p < phases; p++) {
        if (r.voltage_mv[p] != 0) {
            n = put(out, cap, n, OCPP_MEASURAND_VOLTAGE, (ocpp_phase_t)(OCPP_PHASE_L1_N + p),
                    r.voltage_mv[p], 3);
        }
    }
    n = put(out, cap, n, OCPP_MEASURAND_CURRENT_OFFERED, OCPP_PHASE_NONE,
            e->conn[connector].offered_ma, 3);
    /* Power.Offered = offered A per phase x phases x nominal voltage. */
    n = put(out, cap, n, OCPP_MEASURAND_POWER_OFFERED, OCPP_PHASE_NONE,
            (int64_t)e->conn[connector].offered_ma * supply_phases(e) * supply_volts(e) / 1000, 0);
    int32_t t;
    if (b->temperature_read != NULL && b->temperature_read(b->ctx, connector, &t) && n < cap) {
        n = put(out, cap, n, OCPP_MEASURAND_TEMPERATURE, OCPP_PHASE_NONE, t, 1);
        out[n - 1].location = OCPP_LOCATION_BODY;
    }
    return n;
}

static ocpp_unlock_result_t cb_unlock(void *ctx, uint8_t connector)
{
    evse_t *e = ctx;
    if (connector == 0 || connector > e->config.connectors) {
        return OCPP_UNLOCK_FAILED;
    }
    return evse_lock_open(e, connector);
}

/** What cb_read_meter() supplies on this board (OCPP 1.6 §3.16.4: nothing else is
 *  accepted in the measurand lists). */
static uint8_t declare_meter(evse_t *e)
{
    const evse_board_t *b = e->board;
    unsigned ph = b->meter_phases >= 1u && b->meter_phases <= 3u ? b->meter_phases : 3u;
    uint16_t lines = (uint16_t)(((1u << ph) - 1u) << OCPP_PHASE_L1);
    uint8_t n = 0;
    ocpp_meter_supply_t *s = e->supply;
    const uint16_t none = OCPP_PHASE_BIT(OCPP_PHASE_NONE);
    s[n++] = (ocpp_meter_supply_t){none, OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER};
    s[n++] = (ocpp_meter_supply_t){none, OCPP_MEASURAND_POWER_ACTIVE_IMPORT};
    s[n++] = (ocpp_meter_supply_t){lines, OCPP_MEASURAND_CURRENT_IMPORT};
    if (b->meter_voltage) {
        s[n++] = (ocpp_meter_supply_t){(uint16_t)(lines << (OCPP_PHASE_L1_N - OCPP_PHASE_L1)),
                                       OCPP_MEASURAND_VOLTAGE};
    }
    s[n++] = (ocpp_meter_supply_t){none, OCPP_MEASURAND_CURRENT_OFFERED};
    s[n++] = (ocpp_meter_supply_t){none, OCPP_MEASURAND_POWER_OFFERED};
    if (b->temperature_read != NULL) {
        s[n++] = (ocpp_meter_supply_t){none, OCPP_MEASURAND_TEMPERATURE};
    }
    return n;
}

void evse_callbacks(evse_t *e, ocpp_cp_callbacks_t *out)
{
    if (out == NULL) {
        return;
    }
    uint8_t n = declare_meter(e);
    *out = (ocpp_cp_callbacks_t){.ctx = e,
                                 .on_event = cb_event,
                                 .permit = cb_permit,
                                 .read_meter = cb_read_meter,
                                 .unlock = cb_unlock,
                                 .set_limit = cb_set_limit,
                                 .reset = cb_reset,
                                 .data_transfer = cb_data_transfer,
                                 .meter_supply = e->supply,
                                 .meter_supply_count = n};
}
