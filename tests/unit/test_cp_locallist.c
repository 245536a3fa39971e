/*
 * The Local Auth List Management profile (src/v16/locallist.c): SendLocalList
 * (§5.15, §6.41, §7.1, §7.47), GetLocalListVersion (§5.10), the list in the
 * authorization order (§3.5, §3.5.2, §3.5.3, §3.5.4), its storage (in records
 * of the storage port, crash-safe, never in RAM) and bad input.
 */
#include "cp_fixture.h"

#include <stdlib.h>

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

#if OCPP_CONFIG_PROFILE_LOCAL_AUTH

static void send_list(fx_t *x, const char *payload, const char *status)
{
    char want[80];
    snprintf(want, sizeof want, "[3,\"sl\",{\"status\":\"%s\"}]", status);
    assert_string_equal(csms(x, "sl", "SendLocalList", payload), want);
}

static int list_version(fx_t *x)
{
    const char *a = csms(x, "gv", "GetLocalListVersion", "{}");
    int v = -99;
    assert_int_equal(sscanf(a, "[3,\"gv\",{\"listVersion\":%d}]", &v), 1);
    return v;
}

#define ACC "{\"status\":\"Accepted\"}"

/** The list entry of tag (through the station's hook), or NULL. */
static const ocpp_auth_entry_t *listed(fx_t *x, const char *tag)
{
    static ocpp_auth_entry_t e;
    ocpp_station_t *st = &x->cp.st;
    return st->list_find(st->list_ctx, tag, &e) ? &e : NULL;
}

/* §5.10: "A version number of 0 (zero) SHALL be used to indicate that the
 * local authorization list is empty"; §5.15 Full then Differential: "the
 * version number that the Charge Point MUST associate with the local
 * authorization list after it has been updated"; §7.1: an entry without
 * idTagInfo in a Differential update "SHALL be deleted"; §7.47
 * VersionMismatch "Version number in the request for a differential update
 * is less or equal then version number of current list". */
static void test_full_then_differential(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    assert_int_equal(list_version(x), 0);
    send_list(x,
              "{\"listVersion\":3,\"updateType\":\"Full\",\"localAuthorizationList\":["
              "{\"idTag\":\"CARD-B\",\"idTagInfo\":" ACC "},"
              "{\"idTag\":\"CARD-A\",\"idTagInfo\":{\"status\":\"Blocked\"}},"
              "{\"idTag\":\"CARD-C\",\"idTagInfo\":{\"status\":\"Accepted\","
              "\"parentIdTag\":\"GROUP\",\"expiryDate\":\"2030-01-01T00:00:00Z\"}}]}",
              "Accepted");
    assert_int_equal(list_version(x), 3);
    assert_int_equal(listed(x, "card-a")->status, OCPP_AUTH_BLOCKED); /* CiString */
    assert_string_equal(listed(x, "CARD-C")->parent, "GROUP");
    assert_int_equal(listed(x, "CARD-C")->expiry, 1893456000);
    send_list(x,
              "{\"listVersion\":4,\"updateType\":\"Differential\",\"localAuthorizationList\":["
              "{\"idTag\":\"CARD-D\",\"idTagInfo\":" ACC "},"
              "{\"idTag\":\"CARD-B\"},"
              "{\"idTag\":\"CARD-A\",\"idTagInfo\":" ACC "},"
              "{\"idTag\":\"NOT-THERE\"}]}",
              "Accepted");
    assert_int_equal(list_version(x), 4);
    assert_null(listed(x, "CARD-B"));
    assert_null(listed(x, "NOT-THERE"));
    assert_int_equal(listed(x, "CARD-A")->status, OCPP_AUTH_ACCEPTED);
    assert_non_null(listed(x, "CARD-C"));
    assert_non_null(listed(x, "CARD-D"));
    assert_int_equal(x->cp.proto.v16.list.count, 3);
    send_list(x, "{\"listVersion\":4,\"updateType\":\"Differential\"}", "VersionMismatch");
    send_list(x,
              "{\"listVersion\":2,\"updateType\":\"Differential\",\"localAuthorizationList\":["
              "{\"idTag\":\"CARD-C\"}]}",
              "VersionMismatch");
    assert_non_null(listed(x, "CARD-C"));
    /* §6.41: "Requesting a Differential update without (empty)
     * localAuthorizationList will have no effect on the list." */
    send_list(x, "{\"listVersion\":5,\"updateType\":\"Differential\"}", "Accepted");
    assert_int_equal(list_version(x), 5);
    assert_int_equal(x->cp.proto.v16.list.count, 3);
    /* §6.41: "If no (empty) localAuthorizationList is given and the
     * updateType is Full, all identifications are removed from the list." */
    send_list(x, "{\"listVersion\":6,\"updateType\":\"Full\"}", "Accepted");
    assert_int_equal(list_version(x), 0);
    assert_null(listed(x, "CARD-A"));
    assert_int_equal(ms_count(&ms_store, "ll"), 0); /* no records left behind */
}

/* §3.5: "The LocalAuthorizationOffline configuration key controls whether a
 * Charge Point will authorize a user when offline using the Authorization
 * Cache and/or the Local Authorization List"; §3.5.4: "Identifiers that are
 * present in a Local Authorization List that have a status other than
 * "Accepted" ... MUST be rejected"; a removed card is unknown again. */
static void test_offline_from_list(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    send_list(x,
              "{\"listVersion\":1,\"updateType\":\"Full\",\"localAuthorizationList\":["
              "{\"idTag\":\"GOOD\",\"idTagInfo\":" ACC "},"
              "{\"idTag\":\"OLD\",\"idTagInfo\":{\"status\":\"Accepted\","
              "\"expiryDate\":\"2026-11-22T05:00:00Z\"}},"
              "{\"idTag\":\"LATER\",\"idTagInfo\":" ACC "},"
              "{\"idTag\":\"BAD\",\"idTagInfo\":{\"status\":\"Blocked\"}}]}",
              "Accepted");
    send_list(x,
              "{\"listVersion\":2,\"updateType\":\"Differential\",\"localAuthorizationList\":["
              "{\"idTag\":\"LATER\"}]}",
              "Accepted");
    ocpp_cp_set_network(&x->cp, false);
    step(x, 0);
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "BAD"), OCPP_OK);
    assert_int_equal(ocpp_cp_last_auth(&x->cp), OCPP_AUTH_BLOCKED);
    ocpp_cp_key_set(&x->cp, "AllowOfflineTxForUnknownId", "true");
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "BAD"), OCPP_OK);
    assert_int_equal(ocpp_cp_last_auth(&x->cp), OCPP_AUTH_BLOCKED); /* listed: no "unknown" */
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "OLD"), OCPP_OK);
    assert_int_equal(ocpp_cp_last_auth(&x->cp), OCPP_AUTH_EXPIRED); /* its expiryDate passed */
    ocpp_cp_key_set(&x->cp, "AllowOfflineTxForUnknownId", "false");
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "LATER"), OCPP_OK);
    assert_int_equal(ocpp_cp_last_auth(&x->cp), OCPP_AUTH_INVALID); /* removed: unknown */
    assert_int_equal(x->events[OCPP_CP_EV_AUTHORIZED], 0);
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "good"), OCPP_OK);
    assert_int_equal(ocpp_cp_last_auth(&x->cp), OCPP_AUTH_ACCEPTED);
    assert_int_equal(x->events[OCPP_CP_EV_AUTHORIZED], 1);
    ocpp_cp_plugged(&x->cp, 1, true);
    assert_true(x->cp.st.conns[1].tx);
    /* §9.2.1 LocalAuthListEnabled false: the list is not used. */
    ocpp_cp_key_set(&x->cp, "LocalAuthListEnabled", "false");
    assert_int_equal(ocpp_cp_present_id(&x->cp, 2, "GOOD"), OCPP_OK);
    assert_int_equal(ocpp_cp_last_auth(&x->cp), OCPP_AUTH_INVALID);
}

/* §3.5: "The LocalPreauthorize configuration key controls whether a Charge
 * Point will use the Authorization Cache and/or the Local Authorization List
 * to start a transaction without waiting for an authorization response";
 * §3.5.3: "Identifiers known in the Local Authorization List SHALL NOT be
 * added to the Authorization Cache" and the list has "priority over
 * Authorization Cache entries for the same identifiers". */
static void test_online_preauthorize_and_no_cache(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    /* In the cache as Blocked before the list says Accepted. */
    ocpp_cp_present_id(&x->cp, 1, "LISTED");
    step(x, 0);
    ack_status(x);
    assert_true(is_call(last(x), "Authorize"));
    reply(x, "{\"idTagInfo\":{\"status\":\"Blocked\"}}");
    assert_non_null(ocpp_auth_cache_lookup(&x->cp.st.cache, "LISTED", 0));
    send_list(x,
              "{\"listVersion\":1,\"updateType\":\"Full\",\"localAuthorizationList\":["
              "{\"idTag\":\"LISTED\",\"idTagInfo\":" ACC "}]}",
              "Accepted");
    ocpp_cp_key_set(&x->cp, "LocalPreAuthorize", "true");
    int sent = x->f.n_sent;
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "LISTED"), OCPP_OK);
    assert_int_equal(ocpp_cp_last_auth(&x->cp), OCPP_AUTH_ACCEPTED);
    step(x, 0);
    for (int i = sent; i < x->f.n_sent; i++) {
        assert_false(is_call(x->f.sent[i], "Authorize")); /* no waiting for the CSMS */
    }
    /* Without LocalPreAuthorize the CSMS is asked; its answer for a listed
     * tag does not go into the cache (test_cp_core.c: an unlisted tag's
     * does). */
    ocpp_cp_key_set(&x->cp, "LocalPreAuthorize", "false");
    ocpp_cp_key_set(&x->cp, "AuthorizationCacheEnabled", "true");
    ocpp_cp_present_id(&x->cp, 2, "LISTED");
    step(x, 0);
    ack_status(x);
    assert_true(is_call(last(x), "Authorize"));
    reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\",\"expiryDate\":\"2031-01-01T00:00:00Z\"}}");
    const ocpp_auth_entry_t *e = ocpp_auth_cache_lookup(&x->cp.st.cache, "LISTED", 0);
    assert_true(e == NULL || e->expiry != 1924992000); /* not updated from the answer */
}

/* §9.2.2 LocalAuthListMaxLength "Maximum number of identifications that can
 * be stored"; §9.2.3 SendLocalListMaxLength "Maximum number of
 * identifications that can be send in a single SendLocalList.req": over
 * either, Failed, and the list stays as it was. */
static void test_max_lengths(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    char v[8];
    ocpp_cp_key_get(&x->cp, "LocalAuthListMaxLength", v, sizeof v);
    assert_int_equal(atoi(v), OCPP_CONFIG_LOCAL_LIST_MAX);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "LocalAuthListMaxLength", "3"), OCPP_KEY_ACCEPTED);
    assert_int_equal(ocpp_cp_key_set(&x->cp, "SendLocalListMaxLength", "2"), OCPP_KEY_ACCEPTED);
    send_list(x,
              "{\"listVersion\":1,\"updateType\":\"Full\",\"localAuthorizationList\":["
              "{\"idTag\":\"A\",\"idTagInfo\":" ACC "},{\"idTag\":\"B\",\"idTagInfo\":" ACC "}]}",
              "Accepted");
    send_list(x,
              "{\"listVersion\":2,\"updateType\":\"Differential\",\"localAuthorizationList\":["
              "{\"idTag\":\"C\",\"idTagInfo\":" ACC "},{\"idTag\":\"D\",\"idTagInfo\":" ACC "},"
              "{\"idTag\":\"E\",\"idTagInfo\":" ACC "}]}",
              "Failed");
    send_list(x,
              "{\"listVersion\":2,\"updateType\":\"Differential\",\"localAuthorizationList\":["
              "{\"idTag\":\"C\",\"idTagInfo\":" ACC "},{\"idTag\":\"D\",\"idTagInfo\":" ACC "}]}",
              "Failed");
    assert_int_equal(list_version(x), 1);
    assert_null(listed(x, "C"));
    assert_int_equal(x->cp.proto.v16.list.count, 2);
    send_list(x,
              "{\"listVersion\":2,\"updateType\":\"Differential\",\"localAuthorizationList\":["
              "{\"idTag\":\"C\",\"idTagInfo\":" ACC "},{\"idTag\":\"A\"}]}",
              "Accepted");
    assert_int_equal(x->cp.proto.v16.list.count, 2);
}

/* Bad input gets the spec's answer and changes nothing: a malformed entry is
 * a CALLERROR (OCPP-J §4.2.3 TypeConstraintViolation,
 * PropertyConstraintViolation, OccurenceConstraintViolation); §7.1 an entry of
 * a Full list without idTagInfo ("Required when UpdateType is Full"),
 * §6.41 duplicate idTags ("MUST be unique"), errata 3.52 a listVersion of 0
 * or -1: Failed. */
static void test_bad_input(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    send_list(x,
              "{\"listVersion\":1,\"updateType\":\"Full\",\"localAuthorizationList\":["
              "{\"idTag\":\"KEEP\",\"idTagInfo\":" ACC "}]}",
              "Accepted");
    int writes = ms_store.writes;
    assert_non_null(strstr(csms(x, "b1", "SendLocalList",
                                "{\"listVersion\":2,\"updateType\":\"Full\","
                                "\"localAuthorizationList\":[{\"idTag\":7}]}"),
                           "TypeConstraintViolation"));
    assert_non_null(strstr(csms(x, "b2", "SendLocalList",
                                "{\"listVersion\":2,\"updateType\":\"Full\","
                                "\"localAuthorizationList\":[{\"idTag\":\"X\",\"idTagInfo\":"
                                "{\"status\":\"Great\"}}]}"),
                           "PropertyConstraintViolation"));
    assert_non_null(strstr(csms(x, "b3", "SendLocalList",
                                "{\"listVersion\":2,\"updateType\":\"Full\","
                                "\"localAuthorizationList\":[{\"idTagInfo\":" ACC "}]}"),
                           "OccurenceConstraintViolation"));
    assert_non_null(strstr(csms(x, "b4", "SendLocalList",
                                "{\"listVersion\":2,\"updateType\":\"Full\","
                                "\"localAuthorizationList\":[{\"idTag\":"
                                "\"TWENTY-ONE-CHARACTERS\",\"idTagInfo\":" ACC "}]}"),
                           "PropertyConstraintViolation"));
    assert_non_null(
        strstr(csms(x, "b5", "SendLocalList", "{\"listVersion\":2,\"updateType\":\"Some\"}"),
               "PropertyConstraintViolation"));
    assert_non_null(strstr(csms(x, "b6", "SendLocalList",
                                "{\"listVersion\":2,\"updateType\":\"Full\","
                                "\"localAuthorizationList\":[[]]}"),
                           "TypeConstraintViolation"));
    assert_int_equal(ms_store.writes, writes);
    send_list(x,
              "{\"listVersion\":2,\"updateType\":\"Full\",\"localAuthorizationList\":["
              "{\"idTag\":\"Y\"}]}",
              "Failed");
    send_list(x,
              "{\"listVersion\":2,\"updateType\":\"Full\",\"localAuthorizationList\":["
              "{\"idTag\":\"DUP\",\"idTagInfo\":" ACC "},{\"idTag\":\"Z\",\"idTagInfo\":" ACC
              "},{\"idTag\":\"dup\",\"idTagInfo\":" ACC "}]}",
              "Failed");
    send_list(x, "{\"listVersion\":0,\"updateType\":\"Full\"}", "Failed");
    send_list(x, "{\"listVersion\":-1,\"updateType\":\"Full\"}", "Failed");
    assert_int_equal(list_version(x), 1);
    assert_non_null(listed(x, "KEEP"));
    assert_null(listed(x, "DUP"));
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
}

/* §3.5.2: "The Local Authorization List SHOULD be maintained by the Charge
 * Point in non-volatile memory, and SHOULD be persisted across reboots and
 * power outages." A power cut during an update leaves the old list whole
 * (the new one becomes current in one atomic write). */
static void test_persisted_and_crash_safe(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    char list[4096];
    int n = snprintf(list, sizeof list,
                     "{\"listVersion\":1,\"updateType\":\"Full\","
                     "\"localAuthorizationList\":[");
    for (int i = 0; i < 30; i++) {
        n += snprintf(list + n, sizeof list - (size_t)n, "%s{\"idTag\":\"T%02d\",\"idTagInfo\":%s}",
                      i > 0 ? "," : "", i, ACC);
    }
    snprintf(list + n, sizeof list - (size_t)n, "]}");
    send_list(x, list, "Accepted");
    x = boot_storage(false); /* a restart */
    assert_int_equal(list_version(x), 1);
    assert_non_null(listed(x, "T17"));
    bool done = false;
    int old_seen = 0;
    for (int cut = 1; !done; cut++) {
        x = boot_storage(false);
        ms_store.cut_after = ms_store.writes + cut;
        send_list(x,
                  "{\"listVersion\":2,\"updateType\":\"Differential\",\"localAuthorizationList\":["
                  "{\"idTag\":\"T17\"},{\"idTag\":\"NEW\",\"idTagInfo\":" ACC "}]}",
                  "Accepted");
        ms_store.cut_after = 0;
        x = boot_storage(false); /* power back: the writes after the cut never happened */
        done = list_version(x) == 2;
        /* the old list whole, or the new one whole */
        assert_non_null(listed(x, "T00"));
        assert_non_null(listed(x, "T29"));
        assert_true(done ? listed(x, "T17") == NULL : listed(x, "T17") != NULL);
        assert_true(done ? listed(x, "NEW") != NULL : listed(x, "NEW") == NULL);
        old_seen += done ? 0 : 1;
    }
    assert_true(old_seen >= 4); /* cut before each of the 4 page writes and the index */
}

/* The bound: a 1,000-entry list lives in storage, not in RAM (the
 * context keeps 8 bytes of it); built from a Full list and Differential
 * updates within SendLocalListMaxLength, every entry found. */
static void test_thousand_entries(void **s)
{
    (void)s;
    assert_true(sizeof(ocpp_v16_list_t) <= 8u);
    fx_t *x = boot_storage(true);
    char list[MSG_CAP - 64];
    int version = 1;
    for (int base = 0; base < 1000; version++) {
        int n = snprintf(list, sizeof list,
                         "{\"listVersion\":%d,\"updateType\":\"%s\","
                         "\"localAuthorizationList\":[",
                         version, base == 0 ? "Full" : "Differential");
        for (int i = 0; i < 25 && base < 1000; i++, base++) {
            /* the tags arrive out of order */
            int t = (base * 7919) % 1000;
            n += snprintf(list + n, sizeof list - (size_t)n,
                          "%s{\"idTag\":\"C%04d\",\"idTagInfo\":{\"status\":\"%s\"}}",
                          i > 0 ? "," : "", t, t % 3 == 0 ? "Blocked" : "Accepted");
        }
        snprintf(list + n, sizeof list - (size_t)n, "]}");
        send_list(x, list, "Accepted");
    }
    assert_int_equal(x->cp.proto.v16.list.count, 1000);
    send_list(x,
              "{\"listVersion\":999,\"updateType\":\"Differential\",\"localAuthorizationList\":["
              "{\"idTag\":\"C9999\",\"idTagInfo\":" ACC "}]}",
              "Failed"); /* the 1,001st */
    for (int t = 0; t < 1000; t += 37) {
        char tag[8];
        snprintf(tag, sizeof tag, "C%04d", t);
        const ocpp_auth_entry_t *e = listed(x, tag);
        assert_non_null(e);
        assert_int_equal(e->status, t % 3 == 0 ? OCPP_AUTH_BLOCKED : OCPP_AUTH_ACCEPTED);
    }
    assert_null(listed(x, "C1000"));
    assert_null(listed(x, "B"));
    assert_null(listed(x, "D"));
    assert_int_equal(ms_count(&ms_store, "ll"),
                     (1000 + OCPP_CONFIG_LOCAL_LIST_PAGE - 1) / OCPP_CONFIG_LOCAL_LIST_PAGE);
}

/* §3.5.2: "Conflicts between the local authorization list and the validity
 * reported in, for instance, a StartTransaction.conf message might occur.
 * When this happens the Charge Point SHALL inform the Central System by
 * sending a StatusNotification with ConnectorId set to 0, and ErrorCode set
 * to 'LocalListConflict'." Cleared by the next list update; the list entry
 * itself is not changed (§3.5.2: "SHALL NOT modify the contents of the
 * Authorization List by any other means than upon a the receipt of a
 * SendLocalList PDU"). */
static void test_local_list_conflict(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    send_list(x,
              "{\"listVersion\":1,\"updateType\":\"Full\",\"localAuthorizationList\":["
              "{\"idTag\":\"SAME\",\"idTagInfo\":" ACC "},{\"idTag\":\"DIFF\",\"idTagInfo\":" ACC
              "}]}",
              "Accepted");
    ocpp_cp_present_id(&x->cp, 1, "SAME");
    step(x, 0);
    ack_status(x);
    reply(x, "{\"idTagInfo\":" ACC "}"); /* agrees */
    ack_status(x);
    assert_int_equal(x->cp.st.conns[0].error, OCPP_FAULT_NONE);
    ocpp_cp_present_id(&x->cp, 2, "DIFF");
    step(x, 0);
    ack_status(x);
    assert_true(is_call(last(x), "Authorize"));
    reply(x, "{\"idTagInfo\":{\"status\":\"Blocked\"}}");
    assert_true(is_call(last(x), "StatusNotification"));
    assert_non_null(strstr(last(x), "\"connectorId\":0,\"errorCode\":\"LocalListConflict\","
                                    "\"status\":\"Available\""));
    ack_status(x);
    assert_int_equal(listed(x, "DIFF")->status, OCPP_AUTH_ACCEPTED);
    assert_int_equal(ocpp_cp_connector_status(&x->cp, 2), OCPP_CONNECTOR_AVAILABLE);
    send_list(x,
              "{\"listVersion\":2,\"updateType\":\"Differential\",\"localAuthorizationList\":["
              "{\"idTag\":\"DIFF\",\"idTagInfo\":{\"status\":\"Blocked\"}}]}",
              "Accepted");
    step(x, 0);
    assert_non_null(strstr(last(x), "\"connectorId\":0,\"errorCode\":\"NoError\""));
}

/* §3.1: "SupportedFeatureProfiles" lists what is compiled in. */
static void test_supported_profiles(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    char v[128];
    ocpp_cp_key_get(&x->cp, "SupportedFeatureProfiles", v, sizeof v);
    assert_non_null(strstr(v, "LocalAuthListManagement"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_then_differential),
        cmocka_unit_test(test_offline_from_list),
        cmocka_unit_test(test_online_preauthorize_and_no_cache),
        cmocka_unit_test(test_max_lengths),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_persisted_and_crash_safe),
        cmocka_unit_test(test_thousand_entries),
        cmocka_unit_test(test_local_list_conflict),
        cmocka_unit_test(test_supported_profiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
/* Built with the profile compiled out (test_cp_locallist_off, and any build
 * with OCPP_PROFILE_LOCAL_AUTH=OFF). §5.10: "Upon receipt of a
 * GetLocalListVersion.req PDU Charge Point SHALL respond with a
 * GetLocalListVersion.conf PDU ... a version number of -1 SHALL be used to
 * indicate that the Charge Point does not support Local Authorization
 * Lists." The rest of the profile is not there: SendLocalList is a CALLERROR
 * NotSupported, and SupportedFeatureProfiles (§3.1) does not list it. */
static void test_compiled_out(void **s)
{
    (void)s;
    fx_t *x = boot_storage(true);
    char v[128];
    assert_string_equal(csms(x, "gv", "GetLocalListVersion", "{}"),
                        "[3,\"gv\",{\"listVersion\":-1}]");
    assert_non_null(
        strstr(csms(x, "sl", "SendLocalList", "{\"listVersion\":1,\"updateType\":\"Full\"}"),
               "\"NotSupported\""));
    ocpp_cp_key_get(&x->cp, "SupportedFeatureProfiles", v, sizeof v);
    assert_null(strstr(v, "LocalAuthListManagement"));
    assert_int_equal(ocpp_cp_key_get(&x->cp, "LocalAuthListEnabled", v, sizeof v),
                     OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compiled_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
