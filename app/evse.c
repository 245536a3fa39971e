/**
 * @file evse.c
 * @brief EVSE application: pilot -> OCPP inputs, permission -> relay/PWM,
 *        faults, RFID, meter readings (see evse.h).
 */
#include <string.h>

#include "evse_internal.h"

uint16_t evse_duty_for_current(uint32_t current_ma)
{
    if (current_ma < EVSE_MIN_CURRENT_MA) {
        return (uint16_t)EVSE_DUTY_OFF;
    }
    if (current_ma > EVSE_MAX_CURRENT_MA) {
        current_ma = EVSE_MAX_CURRENT_MA;
    }
    if (current_ma <= 51000u) {
        return (uint16_t)(current_ma / 60u); /* % = A / 0.6 -> permille = mA / 60 */
    }
    return (uint16_t)(current_ma / 250u + 640u); /* % = A / 2.5 + 64 */
}

uint32_t evse_current_for_duty(uint16_t duty_permille)
{
    if (duty_permille >= 100u && duty_permille <= 850u) {
        return (uint32_t)duty_permille * 60u;
    }
    if (duty_permille > 850u && duty_permille <= 960u) {
        return ((uint32_t)duty_permille - 640u) * 250u;
    }
    return 0;
}

static bool board_ok(const evse_board_t *b)
{
    return b != NULL && b->now_ms != NULL && b->pilot_read != NULL && b->pilot_set_duty != NULL &&
           b->relay_set != NULL && b->meter_read != NULL;
}

ocpp_status_t evse_init(evse_t *e, const evse_config_t *cfg, const evse_board_t *board,
                        const evse_cp_ops_t *ops, void *cp, const ocpp_cp_callbacks_t *user)
{
    if (e == NULL || cfg == NULL || !board_ok(board) || ops == NULL || cfg->connectors == 0 ||
        cfg->connectors > OCPP_CONFIG_MAX_CONNECTORS || cfg->max_current_ma < EVSE_MIN_CURRENT_MA) {
        return OCPP_ERR_PARAM;
    }
    memset(e, 0, sizeof *e);
    e->config = *cfg;
    e->board = board;
    e->ops = ops;
    e->cp = cp;
    if (user != NULL) {
        e->user = *user;
    }
    evse_power_init(e);
    for (uint8_t c = 1; c <= cfg->connectors; c++) {
        e->conn[c].limit_ma = EVSE_NO_LIMIT;
        e->conn[c].derate_ma = EVSE_NO_LIMIT;
        e->conn[c].cable_ma = EVSE_NO_LIMIT;
        e->conn[c].duty_permille = (uint16_t)EVSE_DUTY_OFF;
        board->relay_set(board->ctx, c, false);
        board->pilot_set_duty(board->ctx, c, (uint16_t)EVSE_DUTY_OFF);
        e->conn[c].fixed_cable = board->cable_fixed != NULL && board->cable_fixed(board->ctx, c);
        if (board->lock_set != NULL && !e->conn[c].fixed_cable) {
            (void)board->lock_set(board->ctx, c, false); /* a known state */
        }
    }
    evse_ui_init(e);
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Outputs                                                                   */
/* ------------------------------------------------------------------------ */

/** The error code for a fault mask (most specific first). */
static ocpp_fault_t fault_error(const evse_t *e, uint8_t c, uint32_t faults)
{
    if (faults & EVSE_FAULT_EXTERNAL) {
        return e->ext_error[c];
    }
    if (faults & EVSE_FAULT_WELDED) {
        return OCPP_FAULT_POWER_SWITCH_FAILURE;
    }
    if (faults & EVSE_FAULT_TEMP) {
        return OCPP_FAULT_HIGH_TEMPERATURE;
    }
    if (faults & EVSE_FAULT_PILOT) {
        return OCPP_FAULT_EV_COMMUNICATION_ERROR;
    }
    if (faults & EVSE_FAULT_METER) {
        return OCPP_FAULT_POWER_METER_FAILURE;
    }
    return OCPP_FAULT_NONE;
}

/** Apply relay, PWM, lock and LED for connector c from the current state. */
static void apply_outputs(evse_t *e, uint8_t c)
{
    const evse_board_t *b = e->board;
    evse_connector_t *k = &e->conn[c];
    bool healthy = k->faults == 0;
    evse_limit_reason_t why = EVSE_LIMIT_NONE;
    uint32_t ma = evse_power_offer(e, k, &why);
    /* Below 6 A the PWM cannot offer anything (IEC 61851-1 Annex A): the
     * EVSE suspends, and the charge point shows SuspendedEVSE. */
    bool suspended = healthy && k->permitted && ma == 0u;
    ma = healthy && k->permitted ? ma : 0u;
    k->limit_reason = why;
    uint16_t duty = evse_duty_for_current(ma);
    bool relay = healthy && k->permitted && k->ev_ready && ma > 0;
    /* Open first, then change the PWM; close only after the PWM is set. */
    if (!relay && k->relay_closed) {
        b->relay_set(b->ctx, c, false);
        k->relay_closed = false;
    }
    if (duty != k->duty_permille) {
        b->pilot_set_duty(b->ctx, c, duty);
        k->duty_permille = duty;
    }
    k->offered_ma = duty == EVSE_DUTY_OFF ? 0 : ma;
    if (relay && !k->relay_closed) {
        b->relay_set(b->ctx, c, true);
        k->relay_closed = true;
        k->relay_cycles++;
    }
    if (suspended != k->suspended) {
        k->suspended = suspended;
        if (e->ops->evse_suspended != NULL) {
            (void)e->ops->evse_suspended(e->cp, c, suspended);
        }
    }
    if (b->lock_set != NULL && !k->fixed_cable && !k->locked && k->plugged && k->permitted) {
        /* IEC 61851-1: the cable is locked before energy flows; it opens
         * only by evse_lock_open() / the transaction's end (evse.h). */
        k->locked = b->lock_set(b->ctx, c, true);
    }
    evse_power_led(e, c);
}

/** Report the fault state to the charge point if its error code changed. */
static void update_fault(evse_t *e, uint8_t c, uint32_t faults)
{
    evse_connector_t *k = &e->conn[c];
    ocpp_fault_t err = fault_error(e, c, faults);
    k->faults = faults;
    if (err != k->error) {
        bool ext = (faults & EVSE_FAULT_EXTERNAL) != 0;
        k->error = err;
        (void)e->ops->fault(e->cp, c, err, ext && e->ext_info[c][0] ? e->ext_info[c] : NULL,
                            ext && e->ext_vendor[c][0] ? e->ext_vendor[c] : NULL);
    }
    apply_outputs(e, c);
}

/* ------------------------------------------------------------------------ */
/* Cable lock (socket outlets)                                               */
/* ------------------------------------------------------------------------ */

ocpp_unlock_result_t evse_lock_open(evse_t *e, uint8_t c)
{
    const evse_board_t *b = e->board;
    evse_connector_t *k = &e->conn[c];
    if (b->lock_set == NULL || k->fixed_cable) {
        /* errata 3.87: NotSupported: "Charge Point has no connector lock" */
        return OCPP_UNLOCK_NOT_SUPPORTED;
    }
    if (!b->lock_set(b->ctx, c, false)) {
        return OCPP_UNLOCK_FAILED;
    }
    k->locked = false;
    e->lock_owner[c][0] = '\0';
    return OCPP_UNLOCK_UNLOCKED;
}

void evse_lock_event(evse_t *e, const ocpp_cp_event_t *ev)
{
    uint8_t c = ev->connector;
    if (c == 0u || c > e->config.connectors) {
        return;
    }
    evse_connector_t *k = &e->conn[c];
    if (ev->kind == OCPP_CP_EV_TX_STARTED) {
        if (!k->in_transaction) {
            k->sessions++;
        }
        k->in_transaction = true;
        e->lock_owner[c][0] = '\0';
        return;
    }
    if (ev->kind != OCPP_CP_EV_TX_STOPPED) {
        return;
    }
    k->in_transaction = false;
    k->permitted = false; /* the charge point withdraws it next: open the relay now */
    apply_outputs(e, c);
    ocpp_stop_reason_t why = (ocpp_stop_reason_t)ev->value;
    if (k->locked && (why == OCPP_STOP_EV_DISCONNECTED || why == OCPP_STOP_DEAUTHORIZED)) {
        /* §4.10 / §3.5.4: stays locked for its owner (an EV-side disconnect
         * with UnlockConnectorOnEVSideDisconnect true is unlocked by the
         * charge point right after this event). */
        size_t n = ev->text != NULL ? ev->len : 0u;
        n = n > OCPP_ID_TAG_MAX ? OCPP_ID_TAG_MAX : n;
        if (n > 0u) {
            memcpy(e->lock_owner[c], ev->text, n);
        }
        e->lock_owner[c][n] = '\0';
        return;
    }
    if (k->locked) {
        (void)evse_lock_open(e, c); /* §4.10: "the Charge Point SHALL unlock the cable" */
    }
}

static int fold(char c)
{
    return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
}

/** ASCII case-insensitive equality (idTags are CiString20, OCPP 1.6 §7.15). */
static bool tag_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        if (fold(*a) != fold(*b)) {
            return false;
        }
        if (*a == '\0') {
            return true;
        }
    }
}

/**
 * A card at connector `at` (0: unknown) is the owner's of a cable left
 * locked after its transaction, and no EV is plugged in there: open the
 * lock. @return true if the card was used for that.
 */
static bool owner_takes_cable(evse_t *e, uint8_t at, const char *uid)
{
    for (uint8_t c = 1; c <= e->config.connectors; c++) {
        const evse_connector_t *k = &e->conn[c];
        if ((at == 0u || at == c) && k->locked && !k->in_transaction && !k->plugged &&
            e->lock_owner[c][0] != '\0' && tag_eq(e->lock_owner[c], uid)) {
            return evse_lock_open(e, c) == OCPP_UNLOCK_UNLOCKED;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------ */

static void poll_connector(evse_t *e, uint8_t c)
{
    const evse_board_t *b = e->board;
    evse_connector_t *k = &e->conn[c];
    evse_pilot_t p = b->pilot_read(b->ctx, c);
    uint32_t faults = k->faults & ~EVSE_FAULT_PILOT;
    k->pilot = p;
    bool fixed = b->cable_fixed != NULL && b->cable_fixed(b->ctx, c);
    if (fixed && !k->fixed_cable && k->locked) {
        (void)evse_lock_open(e, c); /* a socket became a fixed cable: nothing to hold */
    }
    k->fixed_cable = fixed;
    if (p == EVSE_PILOT_E || p == EVSE_PILOT_F) {
        faults |= EVSE_FAULT_PILOT; /* plugged/ready keep their last value */
    } else {
        bool plugged = p != EVSE_PILOT_A;
        bool ready = p == EVSE_PILOT_C || p == EVSE_PILOT_D;
        if (!ready && (k->ev_ready || !e->reported[c])) {
            k->ev_ready = false; /* stop asking first, then unplug */
            apply_outputs(e, c);
            (void)e->ops->ev_ready(e->cp, c, false);
        }
        if (plugged != k->plugged || !e->reported[c]) {
            k->plugged = plugged;
            (void)e->ops->plugged(e->cp, c, plugged);
        }
        if (ready && !k->ev_ready) {
            k->ev_ready = true;
            (void)e->ops->ev_ready(e->cp, c, true);
        }
        e->reported[c] = true;
    }
    faults = evse_power_temperature(e, c, faults);
    uint32_t cable = b->cable_max_ma != NULL && !fixed ? b->cable_max_ma(b->ctx, c) : 0u;
    k->cable_ma = cable != 0u ? cable : EVSE_NO_LIMIT;
    if (b->relay_read != NULL && !k->relay_closed && b->relay_read(b->ctx, c)) {
        faults |= EVSE_FAULT_WELDED; /* latched until reset */
    }
    update_fault(e, c, faults);
}

static void poll_rfid_buttons(evse_t *e)
{
    const evse_board_t *b = e->board;
    char uid[24];
    uint8_t at = 0;
    if (b->rfid_read != NULL && b->rfid_read(b->ctx, uid, sizeof uid, &at) && uid[0] != '\0') {
        uid[sizeof uid - 1u] = '\0';
        at = at <= e->config.connectors ? at : 0u;
        if (!owner_takes_cable(e, at, uid)) {
            evse_ui_card(e, at, uid);
            (void)e->ops->present_id(e->cp, at, uid);
        }
    }
    e->buttons_pressed = 0;
    if (b->buttons_read != NULL) {
        /* Debounced: a change of the raw mask counts once it held for
         * EVSE_DEBOUNCE_MS (contact bounce lasts a few ms). */
        uint32_t raw = b->buttons_read(b->ctx);
        uint32_t now = b->now_ms(b->ctx);
        if (raw != e->buttons_raw) {
            e->buttons_raw = raw;
            e->buttons_raw_ms = now;
        } else if (raw != e->buttons && now - e->buttons_raw_ms >= EVSE_DEBOUNCE_MS) {
            e->buttons_pressed = raw & ~e->buttons;
            e->buttons = raw;
        }
        if ((e->buttons_pressed & EVSE_BUTTON_STOP) && e->ops->stop != NULL) {
            /* Ends the local session as a card would (OCPP 1.6 §4.10 reason Local). */
            for (uint8_t c = 1; c <= e->config.connectors; c++) {
                if (e->conn[c].in_transaction || e->conn[c].permitted) {
                    (void)e->ops->stop(e->cp, c, OCPP_STOP_LOCAL);
                }
            }
        }
    }
}

uint32_t evse_buttons_pressed(const evse_t *e)
{
    return e != NULL ? e->buttons_pressed : 0u;
}

void evse_poll(evse_t *e)
{
    if (e == NULL || e->board == NULL) {
        return;
    }
    evse_power_led(e, 0); /* the charger's light: signals only */
    for (uint8_t c = 1; c <= e->config.connectors; c++) {
        poll_connector(e, c);
    }
    poll_rfid_buttons(e);
    evse_ui_poll(e);
}

ocpp_status_t evse_set_limit(evse_t *e, uint8_t connector, uint32_t limit_ma)
{
    if (e == NULL || connector == 0 || connector > e->config.connectors) {
        return OCPP_ERR_PARAM;
    }
    e->conn[connector].limit_ma = limit_ma;
    apply_outputs(e, connector);
    return OCPP_OK;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = src != NULL ? strlen(src) : 0;
    if (n >= cap) {
        n = cap - 1;
    }
    if (n > 0) {
        memcpy(dst, src, n);
    }
    dst[n] = '\0';
}

ocpp_status_t evse_fault(evse_t *e, uint8_t connector, ocpp_fault_t error, const char *info,
                         const char *vendor)
{
    if (e == NULL || connector == 0 || connector > e->config.connectors ||
        (unsigned)error > (unsigned)OCPP_FAULT_WEAK_SIGNAL) {
        return OCPP_ERR_PARAM;
    }
    evse_connector_t *k = &e->conn[connector];
    e->ext_error[connector] = error;
    copy_text(e->ext_info[connector], sizeof e->ext_info[connector], info);
    copy_text(e->ext_vendor[connector], sizeof e->ext_vendor[connector], vendor);
    uint32_t faults = k->faults & ~EVSE_FAULT_EXTERNAL;
    if (error != OCPP_FAULT_NONE) {
        faults |= EVSE_FAULT_EXTERNAL;
        k->error = OCPP_FAULT_NONE; /* re-report even if the code is the same */
    }
    update_fault(e, connector, faults);
    return OCPP_OK;
}

ocpp_status_t evse_connector(const evse_t *e, uint8_t connector, evse_connector_t *out)
{
    if (e == NULL || out == NULL || connector == 0 || connector > e->config.connectors) {
        return OCPP_ERR_PARAM;
    }
    *out = e->conn[connector];
    return OCPP_OK;
}
