/*
 * The OCPP 1.6 §4.9 StatusNotification transition table, one test per cell
 * that applies to a charge point without reservations. Each test drives the
 * hardware inputs and CSMS messages, answers every CALL (pump()), and checks
 * the last two StatusNotifications of the connector: exactly what the CSMS
 * sees. The fixture is the one of test_cp_core.c.
 *
 * B6 and F2 are in this file too.
 * Covered in test_cp_core.c: A2, B1, B3, C1, C4, C5, C6, D3, F1, A8, A9, I1.
 * The Reserved cells (A7, G1, G2, G8, G9, I7) need the Reservation profile
 * (src/v16/reservation.c). Not reachable by design, see the comment at the
 * end of this file: A3, A5, B5, H3, H4, H5.
 */
#include "cp_fixture.h"
/** The id of a CALL or CALLRESULT. */
static void msg_id(const char *m, char id[40])
{
    const char *p = strchr(m, '"');
    const char *e = strchr(p + 1, '"');
    assert_true(e - p - 1 < 40);
    memcpy(id, p + 1, (size_t)(e - p - 1));
    id[e - p - 1] = '\0';
}

static void log_status(fx_t *x, const char *m)
{
    const char *c = strstr(m, "\"connectorId\":");
    const char *st = strstr(m, "\"status\":\"");
    assert_non_null(c);
    assert_non_null(st);
    int k = c[14] - '0';
    assert_true(k >= 0 && k < 3);
    st += 10;
    size_t n = (size_t)(strchr(st, '"') - st);
    assert_true(n < 16u);
    memcpy(x->prev[k], x->cur[k], sizeof x->cur[k]);
    memcpy(x->cur[k], st, n);
    x->cur[k][n] = '\0';
}

/** The CSMS's answer to a CALL of the charge point. */
static void answer(fx_t *x, const char *call)
{
    char id[40], buf[MSG_CAP];
    const char *payload = "{}";
    char tx[96];
    msg_id(call, id);
    if (is_call(call, "Authorize")) {
        payload = "{\"idTagInfo\":{\"status\":\"Accepted\",\"parentIdTag\":\"P\"}}";
    } else if (is_call(call, "StartTransaction")) {
        snprintf(tx, sizeof tx, "{\"transactionId\":%d,\"idTagInfo\":{\"status\":\"Accepted\"}}",
                 ++x->next_txid);
        payload = tx;
    } else if (is_call(call, "StatusNotification")) {
        log_status(x, call);
    }
    snprintf(buf, sizeof buf, "[3,\"%s\",%s]", id, payload);
    push(x, buf);
}

/** Poll and answer every CALL until the charge point has nothing to send. */
static void pump(fx_t *x)
{
    for (int guard = 0; guard < 64; guard++) {
        step(x, 0);
        const char *call = NULL;
        for (int i = x->seen; i < x->f.n_sent; i++) {
            if (strncmp(x->f.sent[i], "[2,", 3) == 0) {
                call = x->f.sent[i];
            }
        }
        x->seen = x->f.n_sent;
        if (call == NULL) {
            return;
        }
        answer(x, call);
    }
    fail_msg("the charge point keeps sending");
}

/** The CSMS saw connector c go from `from` to `to` (and the library agrees). */
static void assert_transition(fx_t *x, uint8_t c, const char *from, const char *to)
{
    pump(x);
    assert_string_equal(x->prev[c], from);
    assert_string_equal(x->cur[c], to);
    assert_string_equal(ocpp_connector_status_str(ocpp_cp_connector_status(&x->cp, c)), to);
}

/**
 * The last StatusNotification of connector c went out after the last
 * StopTransaction.req: a status brought about by the end of a transaction
 * does not overtake that transaction's StopTransaction (§4.9: "The
 * StatusNotification.req messages MUST be sent in the order in which the
 * events that they describe occurred"; §3.7 lets only messages that are
 * not about the transaction overtake the queue).
 */
static void assert_status_after_stop(fx_t *x, uint8_t c)
{
    char pat[24];
    int stop = -1, status = -1;
    snprintf(pat, sizeof pat, "\"connectorId\":%u,", (unsigned)c);
    for (int i = 0; i < x->f.n_sent; i++) {
        if (is_call(x->f.sent[i], "StopTransaction")) {
            stop = i;
        } else if (is_call(x->f.sent[i], "StatusNotification") && strstr(x->f.sent[i], pat)) {
            status = i;
        }
    }
    assert_true(stop >= 0);
    assert_true(status > stop);
}

static fx_t *fx_ready(void)
{
    fx_t *x = fx_boot();
    x->seen = x->f.n_sent;
    strcpy(x->cur[1], "Available");
    strcpy(x->cur[2], "Available");
    strcpy(x->cur[0], "Available");
    return x;
}

static void csms_call(fx_t *x, const char *text)
{
    push(x, text);
    pump(x);
}

/** Connector 1: plugged, authorized by TAG1, transaction running. */
static fx_t *fx_in_tx(bool ev_ready)
{
    fx_t *x = fx_ready();
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "TAG1");
    pump(x);
    if (ev_ready) {
        ocpp_cp_ev_ready(&x->cp, 1, true);
        pump(x);
    }
    assert_true(x->cp.st.conns[1].tx);
    return x;
}

/** Connector 1 in a transaction suspended by the EVSE (charge point fault). */
static fx_t *fx_suspended_evse(bool ev_ready)
{
    fx_t *x = fx_in_tx(ev_ready);
    ocpp_cp_fault(&x->cp, 0, OCPP_FAULT_POWER_SWITCH_FAILURE, NULL, NULL);
    assert_transition(x, 1, ev_ready ? "Charging" : "SuspendedEV", "SuspendedEVSE");
    assert_false(x->permit[1]);
    return x;
}

static void schedule_inoperative(fx_t *x)
{
    csms_call(x, "[2,\"ca\",\"ChangeAvailability\",{\"connectorId\":1,\"type\":\"Inoperative\"}]");
    int found = 0;
    for (int i = 0; i < x->f.n_sent; i++) {
        found += strcmp(x->f.sent[i], "[3,\"ca\",{\"status\":\"Scheduled\"}]") == 0;
    }
    assert_int_equal(found, 1); /* §5.2: a transaction is in progress */
}

/* ------------------------------------------------------------------------ */
/* From Available                                                            */
/* ------------------------------------------------------------------------ */

/* §4.9 A4 "Similar to A3 but the EV does not start charging" (A3 "Can be
 * possible in a Charge Point without an authorization means"): a card was
 * presented for any connector before any cable; connector 2 is plugged in
 * and starts the transaction at once, the EV not asking for energy. */
static void test_a4(void **s)
{
    (void)s;
    fx_t *x = fx_ready();
    assert_int_equal(ocpp_cp_present_id(&x->cp, 0, "ANY"), OCPP_OK);
    pump(x);
    ocpp_cp_plugged(&x->cp, 2, true);
    assert_transition(x, 2, "Available", "SuspendedEV");
    assert_true(x->cp.st.conns[2].tx);
}

/* ------------------------------------------------------------------------ */
/* From Preparing                                                            */
/* ------------------------------------------------------------------------ */

/* §4.9 B4 "All prerequisites for charging are met but EV does not start
 * charging". */
static void test_b4(void **s)
{
    (void)s;
    fx_t *x = fx_ready();
    ocpp_cp_plugged(&x->cp, 1, true);
    assert_transition(x, 1, "Available", "Preparing");
    ocpp_cp_present_id(&x->cp, 1, "TAG1");
    assert_transition(x, 1, "Preparing", "SuspendedEV");
    assert_true(x->permit[1]);
}

/* §4.9 B6 "Timed out. Usage was initiated (e.g. insert plug, bay occupancy
 * detection), but idTag not presented within timeout." (Preparing ->
 * Finishing; §9.1.6 ConnectionTimeOut, default 60 s.) Then F1 on unplug. */
static void test_b6(void **s)
{
    (void)s;
    fx_t *x = fx_ready();
    ocpp_cp_plugged(&x->cp, 1, true);
    assert_transition(x, 1, "Available", "Preparing");
    step(x, 59999);
    pump(x);
    assert_string_equal(x->cur[1], "Preparing");
    step(x, 1);
    assert_transition(x, 1, "Preparing", "Finishing");
    assert_false(x->permit[1]);
    step(x, 120000);
    pump(x);
    assert_string_equal(x->cur[1], "Finishing");
    ocpp_cp_plugged(&x->cp, 1, false);
    assert_transition(x, 1, "Finishing", "Available");
}

/* B6 is about an idTag "not presented": while its Authorize is still
 * unanswered the connector stays Preparing; ConnectionTimeOut 0 disables
 * the timeout. */
static void test_b6_not_while_authorizing(void **s)
{
    (void)s;
    fx_t *x = fx_ready();
    ocpp_cp_plugged(&x->cp, 1, true);
    pump(x);
    ocpp_cp_present_id(&x->cp, 1, "SLOW");
    step(x, 0);
    assert_true(is_call(last(x), "Authorize"));
    x->seen = x->f.n_sent; /* left unanswered */
    step(x, 61000);
    assert_int_equal(ocpp_cp_connector_status(&x->cp, 1), OCPP_CONNECTOR_PREPARING);

    x = fx_ready();
    ocpp_cp_key_set(&x->cp, "ConnectionTimeOut", "0");
    ocpp_cp_plugged(&x->cp, 1, true);
    pump(x);
    step(x, 3600000);
    pump(x);
    assert_string_equal(x->cur[1], "Preparing");
}

/* §4.9 B9 "A fault is detected that prevents further charging operations". */
static void test_b9(void **s)
{
    (void)s;
    fx_t *x = fx_ready();
    ocpp_cp_plugged(&x->cp, 1, true);
    pump(x);
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_OVER_VOLTAGE, NULL, NULL);
    assert_transition(x, 1, "Preparing", "Faulted");
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "TAG1"), OCPP_ERR_STATE);
}

/* ------------------------------------------------------------------------ */
/* From Charging                                                             */
/* ------------------------------------------------------------------------ */

/* §4.9 C8 "Charging session ends, no user action is required and the
 * connector is scheduled to become Unavailable" (§5.2 Scheduled). */
static void test_c8(void **s)
{
    (void)s;
    fx_t *x = fx_in_tx(true);
    schedule_inoperative(x);
    assert_string_equal(x->cur[1], "Charging");
    ocpp_cp_plugged(&x->cp, 1, false); /* StopTransactionOnEVSideDisconnect */
    assert_transition(x, 1, "Charging", "Unavailable");
    assert_status_after_stop(x, 1);
}

/* §4.9 C9 "A fault is detected that prevents further charging operations". */
static void test_c9(void **s)
{
    (void)s;
    fx_t *x = fx_in_tx(true);
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_OVER_CURRENT_FAILURE, NULL, NULL);
    assert_transition(x, 1, "Charging", "Faulted");
    assert_false(x->permit[1]);
}

/* ------------------------------------------------------------------------ */
/* From SuspendedEV                                                          */
/* ------------------------------------------------------------------------ */

/* §4.9 D1 "Charging session ends while no user action is required". */
static void test_d1(void **s)
{
    (void)s;
    fx_t *x = fx_in_tx(false);
    ocpp_cp_plugged(&x->cp, 1, false);
    assert_transition(x, 1, "SuspendedEV", "Available");
    assert_status_after_stop(x, 1);
}

/* §4.9 D5 "Charging is suspended by EVSE". */
static void test_d5(void **s)
{
    (void)s;
    fx_t *x = fx_suspended_evse(false);
    assert_string_equal(x->prev[1], "SuspendedEV");
}

/* §4.9 D6 "Transaction is stopped and further user action is required". */
static void test_d6(void **s)
{
    (void)s;
    fx_t *x = fx_in_tx(false);
    ocpp_cp_present_id(&x->cp, 1, "TAG1");
    assert_transition(x, 1, "SuspendedEV", "Finishing");
    assert_status_after_stop(x, 1);
}

/* §4.9 D8 "Charging session ends, no user action is required and the
 * connector is scheduled to become Unavailable". */
static void test_d8(void **s)
{
    (void)s;
    fx_t *x = fx_in_tx(false);
    schedule_inoperative(x);
    ocpp_cp_plugged(&x->cp, 1, false);
    assert_transition(x, 1, "SuspendedEV", "Unavailable");
    assert_status_after_stop(x, 1);
}

/* §4.9 D9 "A fault is detected that prevents further charging operations". */
static void test_d9(void **s)
{
    (void)s;
    fx_t *x = fx_in_tx(false);
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_HIGH_TEMPERATURE, NULL, NULL);
    assert_transition(x, 1, "SuspendedEV", "Faulted");
}

/* ------------------------------------------------------------------------ */
/* From SuspendedEVSE                                                        */
/* ------------------------------------------------------------------------ */

/* §4.9 E1 "Charging session ends while no user action is required". */
static void test_e1(void **s)
{
    (void)s;
    fx_t *x = fx_suspended_evse(false);
    ocpp_cp_plugged(&x->cp, 1, false);
    assert_transition(x, 1, "SuspendedEVSE", "Available");
    assert_status_after_stop(x, 1);
}

/* §4.9 E3 "Charging resumes because the EVSE restriction is lifted". */
static void test_e3(void **s)
{
    (void)s;
    fx_t *x = fx_suspended_evse(true);
    ocpp_cp_fault(&x->cp, 0, OCPP_FAULT_NONE, NULL, NULL);
    assert_transition(x, 1, "SuspendedEVSE", "Charging");
    assert_true(x->permit[1]);
}

/* §4.9 E4 "The EVSE restriction is lifted but the EV does not start
 * charging". */
static void test_e4(void **s)
{
    (void)s;
    fx_t *x = fx_suspended_evse(false);
    ocpp_cp_fault(&x->cp, 0, OCPP_FAULT_NONE, NULL, NULL);
    assert_transition(x, 1, "SuspendedEVSE", "SuspendedEV");
    assert_true(x->permit[1]);
}

/* §4.9 E6 "Transaction is stopped and further user action is required". */
static void test_e6(void **s)
{
    (void)s;
    fx_t *x = fx_suspended_evse(false);
    ocpp_cp_stop(&x->cp, 1, OCPP_STOP_LOCAL);
    assert_transition(x, 1, "SuspendedEVSE", "Finishing");
    assert_status_after_stop(x, 1);
}

/* §4.9 E8 "Charging session ends, no user action is required and the
 * connector is scheduled to become Unavailable". */
static void test_e8(void **s)
{
    (void)s;
    fx_t *x = fx_suspended_evse(false);
    schedule_inoperative(x);
    ocpp_cp_plugged(&x->cp, 1, false);
    assert_transition(x, 1, "SuspendedEVSE", "Unavailable");
    assert_status_after_stop(x, 1);
}

/* §4.9 E9 "A fault is detected that prevents further charging operations". */
static void test_e9(void **s)
{
    (void)s;
    fx_t *x = fx_suspended_evse(false);
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_GROUND_FAILURE, NULL, NULL);
    assert_transition(x, 1, "SuspendedEVSE", "Faulted");
}

/* ------------------------------------------------------------------------ */
/* From Finishing                                                            */
/* ------------------------------------------------------------------------ */

static fx_t *fx_finishing(void)
{
    fx_t *x = fx_in_tx(false);
    ocpp_cp_stop(&x->cp, 1, OCPP_STOP_LOCAL);
    assert_transition(x, 1, "SuspendedEV", "Finishing");
    return x;
}

/* §4.9 F2 "User restart charging session (e.g. reconnects cable, presents
 * idTag again), thereby creating a new Transaction" (then B4). */
static void test_f2(void **s)
{
    (void)s;
    fx_t *x = fx_finishing();
    int32_t first = x->cp.st.conns[1].tx_id;
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "TAG2"), OCPP_OK);
    assert_int_equal(ocpp_cp_connector_status(&x->cp, 1), OCPP_CONNECTOR_PREPARING);
    step(x, 0);
    assert_true(is_call(last(x), "StatusNotification"));
    assert_non_null(strstr(last(x), "\"status\":\"Preparing\""));
    pump(x);
    assert_string_equal(x->prev[1], "Preparing");
    assert_string_equal(x->cur[1], "SuspendedEV");
    assert_int_not_equal(x->cp.st.conns[1].tx_id, first);
}

/* §4.9 F8 "All user actions completed and the connector is scheduled to
 * become Unavailable": no transaction runs any more, so ChangeAvailability
 * applies at once (§5.2). */
static void test_f8(void **s)
{
    (void)s;
    fx_t *x = fx_finishing();
    csms_call(x, "[2,\"ca\",\"ChangeAvailability\",{\"connectorId\":1,\"type\":\"Inoperative\"}]");
    assert_transition(x, 1, "Finishing", "Unavailable");
}

/* §4.9 F9 "A fault is detected that prevents further charging operations". */
static void test_f9(void **s)
{
    (void)s;
    fx_t *x = fx_finishing();
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_CONNECTOR_LOCK_FAILURE, NULL, NULL);
    assert_transition(x, 1, "Finishing", "Faulted");
}

/* ------------------------------------------------------------------------ */
/* From Unavailable                                                          */
/* ------------------------------------------------------------------------ */

static fx_t *fx_unavailable(void)
{
    fx_t *x = fx_ready();
    csms_call(x, "[2,\"ca\",\"ChangeAvailability\",{\"connectorId\":1,\"type\":\"Inoperative\"}]");
    assert_transition(x, 1, "Available", "Unavailable");
    return x;
}

/* §4.9 H1 "Connector is set Available by a Change Availability message". */
static void test_h1(void **s)
{
    (void)s;
    fx_t *x = fx_unavailable();
    csms_call(x, "[2,\"co\",\"ChangeAvailability\",{\"connectorId\":1,\"type\":\"Operative\"}]");
    assert_transition(x, 1, "Unavailable", "Available");
}

/* §4.9 H2 "Connector is set Available after a user had interacted with the
 * Charge Point" (the cable was plugged in while Unavailable). */
static void test_h2(void **s)
{
    (void)s;
    fx_t *x = fx_unavailable();
    ocpp_cp_plugged(&x->cp, 1, true);
    pump(x);
    assert_string_equal(x->cur[1], "Unavailable");
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "TAG1"), OCPP_ERR_STATE);
    csms_call(x, "[2,\"co\",\"ChangeAvailability\",{\"connectorId\":0,\"type\":\"Operative\"}]");
    assert_transition(x, 1, "Unavailable", "Preparing");
}

/* §4.9 H9 "A fault is detected that prevents further charging operations". */
static void test_h9(void **s)
{
    (void)s;
    fx_t *x = fx_unavailable();
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_INTERNAL_ERROR, NULL, NULL);
    assert_transition(x, 1, "Unavailable", "Faulted");
}

/* ------------------------------------------------------------------------ */
/* From Faulted                                                              */
/* ------------------------------------------------------------------------ */

static void fault_and_clear(fx_t *x, uint8_t c, const char *before)
{
    ocpp_cp_fault(&x->cp, c, OCPP_FAULT_OTHER_ERROR, NULL, NULL);
    assert_transition(x, c, before, "Faulted");
    ocpp_cp_fault(&x->cp, c, OCPP_FAULT_NONE, NULL, NULL);
}

/* §4.9 I2..I8 "Fault is resolved and status returns to the pre-fault
 * state": I2 Preparing. */
static void test_i2(void **s)
{
    (void)s;
    fx_t *x = fx_ready();
    ocpp_cp_plugged(&x->cp, 1, true);
    pump(x);
    fault_and_clear(x, 1, "Preparing");
    assert_transition(x, 1, "Faulted", "Preparing");
}

/* §4.9 I3 "Fault is resolved and status returns to the pre-fault state":
 * Charging, energy permitted again. */
static void test_i3(void **s)
{
    (void)s;
    fx_t *x = fx_in_tx(true);
    fault_and_clear(x, 1, "Charging");
    assert_transition(x, 1, "Faulted", "Charging");
    assert_true(x->permit[1]);
}

/* §4.9 I4 "Fault is resolved and status returns to the pre-fault state":
 * SuspendedEV. */
static void test_i4(void **s)
{
    (void)s;
    fx_t *x = fx_in_tx(false);
    fault_and_clear(x, 1, "SuspendedEV");
    assert_transition(x, 1, "Faulted", "SuspendedEV");
}

/* §4.9 I5 "Fault is resolved and status returns to the pre-fault state":
 * SuspendedEVSE (the charge point's own fault still suspends charging). */
static void test_i5(void **s)
{
    (void)s;
    fx_t *x = fx_suspended_evse(false);
    fault_and_clear(x, 1, "SuspendedEVSE");
    assert_transition(x, 1, "Faulted", "SuspendedEVSE");
    assert_false(x->permit[1]);
}

/* §4.9 I6 "Fault is resolved and status returns to the pre-fault state":
 * Finishing (the cable is still in). */
static void test_i6(void **s)
{
    (void)s;
    fx_t *x = fx_finishing();
    fault_and_clear(x, 1, "Finishing");
    assert_transition(x, 1, "Faulted", "Finishing");
}

/* §4.9 I8 "Fault is resolved and status returns to the pre-fault state":
 * Unavailable. */
static void test_i8(void **s)
{
    (void)s;
    fx_t *x = fx_unavailable();
    fault_and_clear(x, 1, "Unavailable");
    assert_transition(x, 1, "Faulted", "Unavailable");
}

/* §4.9: "For ConnectorId 0, only a limited set is applicable, namely:
 * Available, Unavailable and Faulted." (A8, H1, A9, I1, H9, I8 on 0). */
static void test_connector0(void **s)
{
    (void)s;
    fx_t *x = fx_ready();
    csms_call(x, "[2,\"c0\",\"ChangeAvailability\",{\"connectorId\":0,\"type\":\"Inoperative\"}]");
    assert_transition(x, 0, "Available", "Unavailable");
    assert_string_equal(x->cur[1], "Unavailable");
    ocpp_cp_fault(&x->cp, 0, OCPP_FAULT_POWER_METER_FAILURE, NULL, NULL);
    assert_transition(x, 0, "Unavailable", "Faulted");
    ocpp_cp_fault(&x->cp, 0, OCPP_FAULT_NONE, NULL, NULL);
    assert_transition(x, 0, "Faulted", "Unavailable");
    csms_call(x, "[2,\"c1\",\"ChangeAvailability\",{\"connectorId\":0,\"type\":\"Operative\"}]");
    assert_transition(x, 0, "Unavailable", "Available");
    ocpp_cp_plugged(&x->cp, 1, true);
    pump(x);
    assert_string_equal(ocpp_connector_status_str(ocpp_cp_connector_status(&x->cp, 0)),
                        "Available");
}

/* ------------------------------------------------------------------------ */
/* Reserved (Reservation profile)                                            */
/* ------------------------------------------------------------------------ */

#if OCPP_CONFIG_PROFILE_RESERVATION
/* §4.9 A7 "A Reserve Now message is received that reserves the connector". */
static fx_t *fx_reserved(void)
{
    fx_t *x = fx_ready();
    csms_call(x, "[2,\"rn\",\"ReserveNow\",{\"connectorId\":1,\"expiryDate\":"
                 "\"2026-11-22T07:00:00Z\",\"idTag\":\"TAG1\",\"reservationId\":7}]");
    assert_transition(x, 1, "Available", "Reserved");
    return x;
}

static void test_a7(void **s)
{
    (void)s;
    fx_t *x = fx_reserved();
    assert_string_equal(x->cur[2], "Available");
}

/* §4.9 G1 "Reservation expires or a Cancel Reservation message is received". */
static void test_g1(void **s)
{
    (void)s;
    fx_t *x = fx_reserved();
    csms_call(x, "[2,\"cr\",\"CancelReservation\",{\"reservationId\":7}]");
    assert_transition(x, 1, "Reserved", "Available");
    x = fx_reserved();
    step(x, 3599000); /* 06:59:59 plus the boot's second */
    pump(x);
    assert_string_equal(x->cur[1], "Reserved");
    step(x, 2000);
    assert_transition(x, 1, "Reserved", "Available");
}

/* §4.9 G2 "Reservation identity is presented". */
static void test_g2(void **s)
{
    (void)s;
    fx_t *x = fx_reserved();
    ocpp_cp_present_id(&x->cp, 1, "TAG1");
    assert_transition(x, 1, "Reserved", "Preparing");
}

/* §4.9 G8 "Reservation expires or a Cancel Reservation message is received
 * and the connector is scheduled to become Unavailable". */
static void test_g8(void **s)
{
    (void)s;
    fx_t *x = fx_reserved();
    schedule_inoperative(x);
    assert_string_equal(x->cur[1], "Reserved");
    csms_call(x, "[2,\"cr\",\"CancelReservation\",{\"reservationId\":7}]");
    assert_transition(x, 1, "Reserved", "Unavailable");
}

/* §4.9 G9 "A fault is detected that prevents further charging operations";
 * I7 "Fault is resolved and status returns to the pre-fault state":
 * Reserved (the reservation outlives the fault, see reservation.c). */
static void test_g9_i7(void **s)
{
    (void)s;
    fx_t *x = fx_reserved();
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_GROUND_FAILURE, NULL, NULL);
    assert_transition(x, 1, "Reserved", "Faulted");
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_NONE, NULL, NULL);
    assert_transition(x, 1, "Faulted", "Reserved");
}
#endif

/*
 * Not reachable by design:
 * - A3/A5 (Available -> Charging / SuspendedEVSE): every transaction needs an
 *   authorization, and a connector is Preparing while it waits for one; the
 *   EV can ask for energy only once plugged in (Preparing). A4 happens only
 *   for a card presented before any cable (test_a4).
 * - B5 (Preparing -> SuspendedEVSE): a transaction starts only when energy
 *   may flow (no fault, operative); SuspendedEVSE follows later (C5, D5).
 * - H3/H4/H5 (Unavailable -> Charging / SuspendedEV / SuspendedEVSE): an
 *   Unavailable connector takes no authorization and a running transaction
 *   turns a ChangeAvailability into Scheduled (§5.2), so no transaction is
 *   ever waiting behind Unavailable.
 */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a4),
        cmocka_unit_test(test_b4),
        cmocka_unit_test(test_b6),
        cmocka_unit_test(test_b6_not_while_authorizing),
        cmocka_unit_test(test_b9),
        cmocka_unit_test(test_c8),
        cmocka_unit_test(test_c9),
        cmocka_unit_test(test_d1),
        cmocka_unit_test(test_d5),
        cmocka_unit_test(test_d6),
        cmocka_unit_test(test_d8),
        cmocka_unit_test(test_d9),
        cmocka_unit_test(test_e1),
        cmocka_unit_test(test_e3),
        cmocka_unit_test(test_e4),
        cmocka_unit_test(test_e6),
        cmocka_unit_test(test_e8),
        cmocka_unit_test(test_e9),
        cmocka_unit_test(test_f2),
        cmocka_unit_test(test_f8),
        cmocka_unit_test(test_f9),
        cmocka_unit_test(test_h1),
        cmocka_unit_test(test_h2),
        cmocka_unit_test(test_h9),
        cmocka_unit_test(test_i2),
        cmocka_unit_test(test_i3),
        cmocka_unit_test(test_i4),
        cmocka_unit_test(test_i5),
        cmocka_unit_test(test_i6),
        cmocka_unit_test(test_i8),
        cmocka_unit_test(test_connector0),
#if OCPP_CONFIG_PROFILE_RESERVATION
        cmocka_unit_test(test_a7),
        cmocka_unit_test(test_g1),
        cmocka_unit_test(test_g2),
        cmocka_unit_test(test_g8),
        cmocka_unit_test(test_g9_i7),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
