/*
 * The Reservation profile (src/v16/reservation.c and the station's
 * reservations): ReserveNow (§5.13, §6.37, §7.40), CancelReservation (§5.1),
 * expiry, use by idTag or parentIdTag, reservationId in StartTransaction
 * (§4.8, §6.45), connector 0 (ReserveConnectorZeroSupported, §9.3.1), the
 * reservations across a power cut, and bad input. The §4.9 cells A7, G1, G2,
 * G8, G9 and I7 are in test_cp_states.c.
 */
#include "cp_fixture.h"

#if OCPP_CONFIG_PROFILE_RESERVATION

#include "mem_storage.h"

/** A booted charge point on the in-memory storage (fresh: emptied first). */
static fx_t *boot_storage(bool fresh)
{
    if (fresh) {
        memset(&ms_store, 0, sizeof ms_store);
    }
    return fx_boot_on(&ms_port, NULL);
}

/** Send a CALL of the CSMS; return the charge point's answer to it. */
static const char *csms(fx_t *x, const char *id, const char *action, const char *payload)
{
    return fx_csms(x, id, action, payload);
}

/** ReserveNow; assert the status it is answered with. */
static void reserve(fx_t *x, int c, const char *tag, const char *parent, int id, const char *until,
                    const char *status)
{
    char p[256], want[64], parent_kv[64] = "";
    if (parent != NULL) {
        snprintf(parent_kv, sizeof parent_kv, "\"parentIdTag\":\"%s\",", parent);
    }
    snprintf(p, sizeof p,
             "{\"connectorId\":%d,\"expiryDate\":\"%s\",\"idTag\":\"%s\",%s\"reservationId\":%d}",
             c, until, tag, parent_kv, id);
    snprintf(want, sizeof want, "[3,\"rn\",{\"status\":\"%s\"}]", status);
    assert_string_equal(csms(x, "rn", "ReserveNow", p), want);
    ack_status(x);
}

static void cancel(fx_t *x, int id, const char *status)
{
    char p[64], want[64];
    snprintf(p, sizeof p, "{\"reservationId\":%d}", id);
    snprintf(want, sizeof want, "[3,\"cr\",{\"status\":\"%s\"}]", status);
    assert_string_equal(csms(x, "cr", "CancelReservation", p), want);
    ack_status(x);
}

#define UNTIL "2026-11-22T07:00:00Z"

static ocpp_connector_status_t status(fx_t *x, uint8_t c)
{
    return ocpp_cp_connector_status(&x->cp, c);
}

/** The StartTransaction.req sent last, or NULL. */
static const char *start_tx(fx_t *x)
{
    for (int i = x->f.n_sent - 1; i >= 0; i--) {
        if (is_call(x->f.sent[i], "StartTransaction")) {
            return x->f.sent[i];
        }
    }
    return NULL;
}

/* §5.13: "it SHALL refuse charging for all incoming idTags on the reserved
 * connector, except when the incoming idTag or the parent idTag match the
 * idTag or parent idTag of the reservation"; "If a transaction for the
 * reserved idTag is started, then Charge Point SHALL send the reservationId
 * in the StartTransaction.req"; the reservation then ends. */
static void test_use_by_idtag(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    reserve(x, 1, "OWNER", NULL, 11, UNTIL, "Accepted");
    assert_int_equal(status(x, 1), OCPP_CONNECTOR_RESERVED);
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "STRANGER");
    step(x, 0);
    ack_status(x);
    assert_true(is_call(last(x), "Authorize"));
    reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\",\"parentIdTag\":\"OTHER\"}}");
    ack_status(x);
    assert_int_equal(x->events[OCPP_CP_EV_AUTH_REJECTED], 1);
    assert_false(x->cp.st.conns[1].tx);
    assert_null(start_tx(x));
    /* A remote start for another tag is refused too. */
    assert_string_equal(
        csms(x, "rs", "RemoteStartTransaction", "{\"connectorId\":1,\"idTag\":\"STRANGER\"}"),
        "[3,\"rs\",{\"status\":\"Rejected\"}]");
    ocpp_cp_present_id(&x->cp, 1, "owner"); /* CiString */
    step(x, 0);
    ack_status(x);
    assert_true(is_call(last(x), "Authorize"));
    reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
    ack_status(x);
    assert_true(x->cp.st.conns[1].tx);
    assert_non_null(start_tx(x));
    assert_non_null(strstr(start_tx(x), "\"reservationId\":11"));
    cancel(x, 11, "Rejected"); /* it ended with the start */
}

/* §5.13: "except when ... the parent idTag match the idTag or parent idTag
 * of the reservation"; "The Authorized.conf response MAY contain the
 * parent-id." */
static void test_use_by_parent(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    reserve(x, 2, "OWNER", "FLEET", 12, UNTIL, "Accepted");
    ocpp_cp_present_id(&x->cp, 2, "DRIVER");
    step(x, 0);
    ack_status(x);
    reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\",\"parentIdTag\":\"FLEET\"}}");
    ack_status(x);
    assert_int_equal(status(x, 2), OCPP_CONNECTOR_PREPARING); /* G2 */
    ocpp_cp_plugged(&x->cp, 2, true);
    step(x, 0);
    ack_status(x);
    assert_non_null(strstr(start_tx(x), "\"connectorId\":2,\"idTag\":\"DRIVER\""));
    assert_non_null(strstr(start_tx(x), "\"reservationId\":12"));
}

/* §5.13: "When a reservation expires, the Charge Point SHALL terminate the
 * reservation and make the connector available. The Charge Point SHALL send
 * a status notification"; the wake-up comes in time (next_wakeup). §5.1:
 * Accepted for a known id, "Otherwise it SHALL return 'Rejected'". */
static void test_expiry_and_cancel(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    reserve(x, 1, "A", NULL, 1, "2026-11-22T06:00:30Z", "Accepted");
    reserve(x, 2, "B", NULL, 2, UNTIL, "Accepted");
    assert_true(ocpp_cp_next_wakeup_ms(&x->cp, x->now) <= 30000u);
    step(x, 29000);
    assert_int_equal(status(x, 1), OCPP_CONNECTOR_RESERVED);
    step(x, 1500);
    assert_int_equal(status(x, 1), OCPP_CONNECTOR_AVAILABLE);
    assert_true(is_call(last(x), "StatusNotification"));
    assert_non_null(strstr(last(x), "\"connectorId\":1,\"errorCode\":\"NoError\","
                                    "\"status\":\"Available\""));
    ack_status(x);
    cancel(x, 1, "Rejected");
    cancel(x, 3, "Rejected");
    cancel(x, 2, "Accepted");
    assert_int_equal(status(x, 2), OCPP_CONNECTOR_AVAILABLE);
}

/* §5.13: "'Occupied' if the Charge Point or the specified connector are
 * occupied ... also ... when the Charge Point or connector has been reserved
 * for the same or another idTag ... 'Faulted' if the Charge Point or the
 * connector are in the Faulted state ... 'Unavailable' if the Charge Point
 * or connector are in the Unavailable state"; "If the reservationId in the
 * request matches a reservation in the Charge Point, then the Charge Point
 * SHALL replace that reservation with the new reservation". */
static void test_answers_and_replace(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_GROUND_FAILURE, NULL, NULL);
    step(x, 0);
    ack_status(x);
    reserve(x, 1, "A", NULL, 1, UNTIL, "Faulted");
    ocpp_cp_fault(&x->cp, 1, OCPP_FAULT_NONE, NULL, NULL);
    step(x, 0);
    ack_status(x);
    csms(x, "ca", "ChangeAvailability", "{\"connectorId\":2,\"type\":\"Inoperative\"}");
    ack_status(x);
    reserve(x, 2, "A", NULL, 1, UNTIL, "Unavailable");
    csms(x, "ca", "ChangeAvailability", "{\"connectorId\":2,\"type\":\"Operative\"}");
    ack_status(x);
    ocpp_cp_plugged(&x->cp, 2, true);
    step(x, 0);
    ack_status(x);
    reserve(x, 2, "A", NULL, 1, UNTIL, "Occupied");
    ocpp_cp_plugged(&x->cp, 2, false);
    step(x, 0);
    ack_status(x);
    reserve(x, 1, "A", NULL, 1, UNTIL, "Accepted");
    reserve(x, 1, "B", NULL, 2, UNTIL, "Occupied");
    reserve(x, 3, "A", NULL, 5, UNTIL, "Rejected");                  /* no connector 3 */
    reserve(x, 2, "A", NULL, 5, "2026-11-22T05:00:00Z", "Rejected"); /* expired already */
    /* The same id: replaced (here on the other connector, for another tag). */
    reserve(x, 2, "C", NULL, 1, UNTIL, "Accepted");
    assert_int_equal(status(x, 1), OCPP_CONNECTOR_AVAILABLE);
    assert_int_equal(status(x, 2), OCPP_CONNECTOR_RESERVED);
    assert_string_equal(x->cp.st.conns[2].resv_tag, "C");
    reserve(x, 2, "D", NULL, 1, UNTIL, "Accepted"); /* same connector */
    assert_string_equal(x->cp.st.conns[2].resv_tag, "D");
    /* A charge point fault: Faulted for any connector. */
    ocpp_cp_fault(&x->cp, 0, OCPP_FAULT_POWER_METER_FAILURE, NULL, NULL);
    step(x, 0);
    ack_status(x);
    reserve(x, 1, "E", NULL, 9, UNTIL, "Faulted");
}

/* §5.13: "If the configuration key: ReserveConnectorZeroSupported is not set
 * or set to false, the Charge Point SHALL return 'Rejected'"; with it, "the
 * Charge Point SHALL NOT reserve a specific connector, but SHALL make sure
 * that at any time during the validity of the reservation, one connector
 * remains available for the reserved idTag"; the transaction that ends it
 * carries its id. */
static void test_connector_zero(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    reserve(x, 0, "ZERO", NULL, 40, UNTIL, "Rejected");
    assert_int_equal(ocpp_cp_key_set(&x->cp, "ReserveConnectorZeroSupported", "true"),
                     OCPP_KEY_ACCEPTED);
    reserve(x, 0, "ZERO", NULL, 40, UNTIL, "Accepted");
    assert_int_equal(status(x, 0), OCPP_CONNECTOR_AVAILABLE);
    assert_int_equal(status(x, 1), OCPP_CONNECTOR_AVAILABLE);
    reserve(x, 0, "ANOTHER", NULL, 41, UNTIL, "Occupied");
    /* One connector may go to someone else... */
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "FIRST");
    step(x, 0);
    ack_status(x);
    reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
    ack_status(x);
    reply(x, "{\"transactionId\":1,\"idTagInfo\":{\"status\":\"Accepted\"}}");
    ack_status(x);
    assert_true(x->cp.st.conns[1].tx);
    assert_null(strstr(start_tx(x), "reservationId"));
    /* ...not the last one. */
    ocpp_cp_plugged(&x->cp, 2, true);
    ocpp_cp_present_id(&x->cp, 2, "SECOND");
    step(x, 0);
    ack_status(x);
    reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
    ack_status(x);
    assert_false(x->cp.st.conns[2].tx);
    assert_int_equal(x->events[OCPP_CP_EV_AUTH_REJECTED], 1);
    ocpp_cp_present_id(&x->cp, 2, "ZERO");
    step(x, 0);
    ack_status(x);
    reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
    ack_status(x);
    assert_true(x->cp.st.conns[2].tx);
    assert_non_null(strstr(start_tx(x), "\"connectorId\":2,\"idTag\":\"ZERO\""));
    assert_non_null(strstr(start_tx(x), "\"reservationId\":40"));
    cancel(x, 40, "Rejected");
}

/* §5.13: "If connectorId in the reservation request is 0, then the Charge
 * Point SHALL NOT reserve a specific connector, but SHALL make sure that at
 * any time during the validity of the reservation, one connector remains
 * available for the reserved idTag": a busy connector 1 does not stop it
 * while connector 2 is free. With none free, the answer is the others'
 * refusal, "Occupied" before "Unavailable" before "Faulted". */
static void test_connector_zero_one_free(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "ReserveConnectorZeroSupported", "true"),
                     OCPP_KEY_ACCEPTED);
    ocpp_cp_plugged(&x->cp, 1, true);
    step(x, 0);
    ack_status(x);
    reserve(x, 0, "ZERO", NULL, 50, UNTIL, "Accepted");
    cancel(x, 50, "Accepted");
    ocpp_cp_fault(&x->cp, 2, OCPP_FAULT_GROUND_FAILURE, NULL, NULL);
    step(x, 0);
    ack_status(x);
    reserve(x, 0, "ZERO", NULL, 51, UNTIL, "Occupied");
    ocpp_cp_plugged(&x->cp, 1, false);
    step(x, 0);
    ack_status(x);
    csms(x, "ca", "ChangeAvailability", "{\"connectorId\":1,\"type\":\"Inoperative\"}");
    ack_status(x);
    reserve(x, 0, "ZERO", NULL, 52, UNTIL, "Unavailable");
    assert_false(x->cp.st.conns[0].reserved);
}

/* §5.13 (persisted across a power cut, like §5.2's "Persistent states"): a
 * reservation outlives a restart, with its expiry; the record follows every
 * change. */
static void test_persisted(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    reserve(x, 2, "KEEP", "PARENT", 77, "2026-11-22T06:10:00Z", "Accepted");
    step(x, 0);
    x = boot_storage(false);
    assert_int_equal(status(x, 2), OCPP_CONNECTOR_RESERVED);
    assert_string_equal(x->cp.st.conns[2].resv_parent, "PARENT");
    assert_int_equal(x->cp.st.conns[2].resv_id, 77);
    step(x, 601000);
    assert_int_equal(status(x, 2), OCPP_CONNECTOR_AVAILABLE); /* expired at 06:10 */
    x = boot_storage(false);
    assert_int_equal(status(x, 2), OCPP_CONNECTOR_AVAILABLE);
    reserve(x, 1, "AGAIN", NULL, 78, UNTIL, "Accepted");
    cancel(x, 78, "Accepted");
    x = boot_storage(false);
    assert_int_equal(status(x, 1), OCPP_CONNECTOR_AVAILABLE);
}

/* Bad input gets the spec's answer and changes nothing (OCPP-J §4.2.3):
 * a missing required field, a negative connectorId, a malformed
 * expiryDate, an idTag of 21 characters. */
static void test_bad_input(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    int writes = ms_store.writes;
    assert_non_null(strstr(
        csms(x, "b1", "ReserveNow", "{\"connectorId\":1,\"idTag\":\"A\",\"reservationId\":1}"),
        "OccurenceConstraintViolation"));
    assert_non_null(strstr(csms(x, "b2", "ReserveNow",
                                "{\"connectorId\":-1,\"expiryDate\":\"" UNTIL
                                "\",\"idTag\":\"A\",\"reservationId\":1}"),
                           "PropertyConstraintViolation"));
    assert_non_null(strstr(csms(x, "b3", "ReserveNow",
                                "{\"connectorId\":1,\"expiryDate\":\"tomorrow\",\"idTag\":\"A\","
                                "\"reservationId\":1}"),
                           "PropertyConstraintViolation"));
    assert_non_null(strstr(csms(x, "b4", "ReserveNow",
                                "{\"connectorId\":1,\"expiryDate\":\"" UNTIL
                                "\",\"idTag\":\"TWENTY-ONE-CHARACTERS\",\"reservationId\":1}"),
                           "PropertyConstraintViolation"));
    assert_non_null(strstr(csms(x, "b5", "CancelReservation", "{\"reservationId\":\"1\"}"),
                           "TypeConstraintViolation"));
    assert_int_equal(status(x, 1), OCPP_CONNECTOR_AVAILABLE);
    assert_int_equal(ms_store.writes, writes);
    char v[128];
    ocpp_cp_key_get(&x->cp, "SupportedFeatureProfiles", v, sizeof v);
    assert_non_null(strstr(v, "Reservation"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_use_by_idtag),      cmocka_unit_test(test_use_by_parent),
        cmocka_unit_test(test_expiry_and_cancel), cmocka_unit_test(test_answers_and_replace),
        cmocka_unit_test(test_connector_zero),    cmocka_unit_test(test_connector_zero_one_free),
        cmocka_unit_test(test_persisted),         cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
int main(void)
{
    return 0;
}
#endif
