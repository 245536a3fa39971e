/* Configuration keys: defaults, access and ranges against the spec tables (OCPP 1.6 §9,
   errata v4.0, security whitepaper ed. 3 §7), ChangeConfiguration (§5.3), GetConfiguration
   (§5.8, §6.24), persistence, vendor keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/config.h"

#define ACC  OCPP_KEY_ACCEPTED
#define REJ  OCPP_KEY_REJECTED
#define NSUP OCPP_KEY_NOT_SUPPORTED

static ocpp_cfg_t fresh(void)
{
    ocpp_cfg_t c;
    ocpp_cfg_init(&c, 2);
    return c;
}

/** Value of key as text; fails the test if unknown. */
static const char *val(const ocpp_cfg_t *c, const char *key)
{
    static char buf[OCPP_CFG_VALUE_MAX + 1];
    bool ro;
    assert_true(ocpp_cfg_get(c, key, buf, sizeof buf, &ro));
    return buf;
}

/* ------------------------------------------------------------------------ */
/* The spec table                                                            */
/* ------------------------------------------------------------------------ */

/* The feature profiles compiled into this build (OCPP_CONFIG_PROFILE_*: CMake options
   OCPP_PROFILE_*); Core always is. A compiled-out profile's keys do not exist. */
#define BUILT_PROFILES OCPP_CFG_PROFILES_BUILT
#define CORE           OCPP_CFG_PROFILE_CORE
#define LA             OCPP_CFG_PROFILE_LOCAL_AUTH
#define RES            OCPP_CFG_PROFILE_RESERVATION
#define SC             OCPP_CFG_PROFILE_SMART_CHARGING
#define FW             OCPP_CFG_PROFILE_FIRMWARE

/** OCPP 1.6 §9.1.29 SupportedFeatureProfiles for the profiles in mask: the names of §3.1, in
    the order of the OCPP_CFG_PROFILE_* bits. */
static const char *profiles_text(unsigned mask)
{
    static const char *const names[] = {
        "Core",        "FirmwareManagement", "LocalAuthListManagement",
        "Reservation", "SmartCharging",      "RemoteTrigger"};
    static char buf[128];
    buf[0] = '\0';
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (mask & (1u << i)) {
            if (buf[0] != '\0') {
                strcat(buf, ",");
            }
            strcat(buf, names[i]);
        }
    }
    return buf;
}

typedef struct {
    const char *key;
    bool readonly;
    const char *def;
    unsigned profile; /**< OCPP_CFG_PROFILE_* of the key's feature profile */
} spec_key_t;

/** The key's profile is compiled in: the key exists. */
static bool built(const spec_key_t *k)
{
    return (BUILT_PROFILES & k->profile) != 0u;
}

/* Accessibility per the spec; defaults per config.c's documented choices. */
static const spec_key_t spec_keys[] = {
    /* OCPP 1.6 §9.1 Core Profile. §9.1.1 AllowOfflineTxForUnknownId "optional RW boolean";
       §9.1.2 AuthorizationCacheEnabled "optional RW boolean"; §9.1.3 AuthorizeRemoteTxRequests
       "R or RW. Choice is up to Charge Point implementation" (we chose RW). */
    {"AllowOfflineTxForUnknownId", false, "false", CORE},
#if OCPP_CONFIG_AUTH_CACHE_SIZE > 0 /* else the key does not exist: test_no_cache_key */
    {"AuthorizationCacheEnabled", false, "true", CORE},
#endif
    {"AuthorizeRemoteTxRequests", false, "false", CORE},
    /* §9.1.5 ClockAlignedDataInterval "required RW integer seconds" */
    {"ClockAlignedDataInterval", false, "900", CORE},
    /* §9.1.6 ConnectionTimeOut "required RW integer seconds" */
    {"ConnectionTimeOut", false, "60", CORE},
    /* §9.1.7 ConnectorPhaseRotation "required RW CSL"; §9.1.8 ...MaxLength "optional R" */
    {"ConnectorPhaseRotation", false, "1.Unknown,2.Unknown", CORE},
    {"ConnectorPhaseRotationMaxLength", true, "3", CORE},
    /* §9.1.9 GetConfigurationMaxKeys "required R integer" */
    {"GetConfigurationMaxKeys", true, NULL, CORE},
    /* §9.1.10 HeartbeatInterval "required RW integer seconds" */
    {"HeartbeatInterval", false, "300", CORE},
    /* §9.1.12 LocalAuthorizeOffline, §9.1.13 LocalPreAuthorize "required RW boolean" */
    {"LocalAuthorizeOffline", false, "true", CORE},
    {"LocalPreAuthorize", false, "false", CORE},
    /* §9.1.14 MaxEnergyOnInvalidId "optional RW integer Wh" */
    {"MaxEnergyOnInvalidId", false, "0", CORE},
    /* errata 3.83 MessageTimeout "optional RW integer" */
    {"MessageTimeout", false, "30", CORE},
    /* §9.1.15-18 MeterValues{Aligned,Sampled}Data "required RW CSL", *MaxLength "optional R";
       §9.1.17 "Default: Energy.Active.Import.Register" */
    {"MeterValuesAlignedData", false, "Energy.Active.Import.Register", CORE},
    {"MeterValuesAlignedDataMaxLength", true, "8", CORE},
    {"MeterValuesSampledData", false, "Energy.Active.Import.Register", CORE},
    {"MeterValuesSampledDataMaxLength", true, "8", CORE},
    /* §9.1.19 MeterValueSampleInterval "required RW integer seconds" */
    {"MeterValueSampleInterval", false, "60", CORE},
    /* §9.1.20 MinimumStatusDuration "optional RW integer seconds" */
    {"MinimumStatusDuration", false, "0", CORE},
    /* §9.1.21 NumberOfConnectors "required R integer" */
    {"NumberOfConnectors", true, "2", CORE},
    /* §9.1.22 ResetRetries "required RW integer times" */
    {"ResetRetries", false, "3", CORE},
    /* §9.1.23 StopTransactionOnEVSideDisconnect (errata 3.80: "R or RW"), §9.1.24
       StopTransactionOnInvalidId "required RW boolean" */
    {"StopTransactionOnEVSideDisconnect", false, "true", CORE},
    {"StopTransactionOnInvalidId", false, "true", CORE},
    /* §9.1.25-28 StopTxn{Aligned,Sampled}Data "required RW CSL", *MaxLength "optional R" */
    {"StopTxnAlignedData", false, "", CORE},
    {"StopTxnAlignedDataMaxLength", true, "8", CORE},
    {"StopTxnSampledData", false, "", CORE},
    {"StopTxnSampledDataMaxLength", true, "8", CORE},
    /* §9.1.29 SupportedFeatureProfiles "required R CSL" */
    {"SupportedFeatureProfiles", true,
     /* what is registered: see test_profiles_follow_registration */
     NULL, CORE},
    /* §9.1.31 TransactionMessageAttempts, §9.1.32 TransactionMessageRetryInterval "required
       RW integer" */
    {"TransactionMessageAttempts", false, "3", CORE},
    {"TransactionMessageRetryInterval", false, "60", CORE},
    /* §9.1.33 UnlockConnectorOnEVSideDisconnect "required RW boolean" (errata 3.84: R or RW) */
    {"UnlockConnectorOnEVSideDisconnect", false, "true", CORE},
    /* §9.1.34 WebSocketPingInterval "optional RW integer seconds" */
    {"WebSocketPingInterval", false, "60", CORE},
    /* §9.2.1 LocalAuthListEnabled "required RW boolean"; §9.2.2 LocalAuthListMaxLength,
       §9.2.3 SendLocalListMaxLength "required R integer" */
    {"LocalAuthListEnabled", false, "true", LA},
    {"LocalAuthListMaxLength", true, "32", LA},
    {"SendLocalListMaxLength", true, "32", LA},
    /* §9.3.1 ReserveConnectorZeroSupported "optional R boolean" */
    {"ReserveConnectorZeroSupported", true, "false", RES},
    /* §9.4.1-5: ChargeProfileMaxStackLevel, ChargingScheduleAllowedChargingRateUnit (CSL),
       ChargingScheduleMaxPeriods, ConnectorSwitch3to1PhaseSupported (optional),
       MaxChargingProfilesInstalled: all "R" */
    {"ChargeProfileMaxStackLevel", true, "8", SC},
    {"ChargingScheduleAllowedChargingRateUnit", true, "Current,Power", SC},
    {"ChargingScheduleMaxPeriods", true, "24", SC},
    {"ConnectorSwitch3to1PhaseSupported", true, "false", SC},
    {"MaxChargingProfilesInstalled", true, "4", SC}, /* OCPP_CONFIG_CHARGING_PROFILES_MAX */
    /* errata 3.90 §9.5.1 SupportedFileTransferProtocols "optional R CSL": the transfer
       port's list (none here: no port) */
    {"SupportedFileTransferProtocols", true, "", FW},
    /* Whitepaper §7.6 SecurityProfile "optional RW integer ... Default ...: 0" */
    {"SecurityProfile", false, "0", CORE},
};
#define N_SPEC (sizeof spec_keys / sizeof spec_keys[0])

/** How many keys of spec_keys exist in this build. */
static size_t n_built(void)
{
    size_t n = 0;
    for (size_t i = 0; i < N_SPEC; i++) {
        n += built(&spec_keys[i]) ? 1u : 0u;
    }
    return n;
}

/* OCPP 1.6 §3.1 / §9.1.29 SupportedFeatureProfiles: "A list of the feature
 * profiles supported by the Charge Point": the profiles registered, and
 * only their keys exist (§5.3: a key that "does not correspond to a
 * configuration setting supported by Charge Point" is NotSupported; §5.8:
 * unknown keys are listed in unknownKey). */
static void test_profiles_follow_registration(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    char buf[OCPP_CFG_VALUE_MAX + 1];
    /* Before the adapter registers its modules: the profiles compiled in (the CMake options
       OCPP_PROFILE_*), Core always. */
    assert_true(ocpp_cfg_get(&c, "SupportedFeatureProfiles", buf, sizeof buf, NULL));
    assert_string_equal(buf, profiles_text(BUILT_PROFILES));
#if OCPP_CONFIG_PROFILE_FIRMWARE && OCPP_CONFIG_PROFILE_LOCAL_AUTH &&        \
    OCPP_CONFIG_PROFILE_RESERVATION && OCPP_CONFIG_PROFILE_SMART_CHARGING && \
    OCPP_CONFIG_PROFILE_REMOTE_TRIGGER
    assert_string_equal(buf, "Core,FirmwareManagement,LocalAuthListManagement,Reservation,"
                             "SmartCharging,RemoteTrigger");
#elif OCPP_CONFIG_PROFILE_REMOTE_TRIGGER
    assert_string_equal(buf + strlen(buf) - strlen(",RemoteTrigger"), ",RemoteTrigger");
#else
    assert_null(strstr(buf, "RemoteTrigger"));
#endif
    /* Only Remote Trigger registered (if compiled in) */
    ocpp_cfg_set_profiles(&c, OCPP_CFG_PROFILE_REMOTE_TRIGGER & BUILT_PROFILES);
    assert_true(ocpp_cfg_get(&c, "SupportedFeatureProfiles", buf, sizeof buf, NULL));
    assert_string_equal(buf, OCPP_CONFIG_PROFILE_REMOTE_TRIGGER ? "Core,RemoteTrigger" : "Core");
    /* the keys of the others do not exist, compiled in or not */
    assert_false(ocpp_cfg_get(&c, "LocalAuthListEnabled", buf, sizeof buf, NULL));
    assert_int_equal(ocpp_cfg_change(&c, "LocalAuthListEnabled", "false"), OCPP_KEY_NOT_SUPPORTED);
    assert_false(ocpp_cfg_get(&c, "ChargeProfileMaxStackLevel", buf, sizeof buf, NULL));
    /* GetConfiguration of all keys does not list them either. */
    char out[4096];
    ocpp_jw_t w;
    size_t len = 0;
    ocpp_jw_init(&w, out, sizeof out);
    assert_int_equal(ocpp_cfg_write_get_configuration(&c, NULL, &w), OCPP_OK);
    assert_int_equal(ocpp_jw_finish(&w, &len), OCPP_OK);
    out[len] = '\0';
    assert_null(strstr(out, "LocalAuthList"));
    assert_null(strstr(out, "ReserveConnectorZeroSupported"));
    assert_null(strstr(out, "ChargingSchedule"));
    assert_non_null(strstr(out, "\"HeartbeatInterval\""));
    /* Registering a profile makes its keys exist (Core is always there); the adapter
       registers only the profiles compiled in. */
    const unsigned reg =
        (OCPP_CFG_PROFILE_LOCAL_AUTH | OCPP_CFG_PROFILE_RESERVATION) & BUILT_PROFILES;
    ocpp_cfg_set_profiles(&c, (uint8_t)reg);
    assert_true(ocpp_cfg_get(&c, "SupportedFeatureProfiles", buf, sizeof buf, NULL));
    assert_string_equal(buf, profiles_text(OCPP_CFG_PROFILE_CORE | reg));
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH && OCPP_CONFIG_PROFILE_RESERVATION
    assert_string_equal(buf, "Core,LocalAuthListManagement,Reservation");
#endif
    assert_int_equal(ocpp_cfg_get(&c, "LocalAuthListEnabled", buf, sizeof buf, NULL),
                     OCPP_CONFIG_PROFILE_LOCAL_AUTH != 0);
    assert_int_equal(ocpp_cfg_get(&c, "ReserveConnectorZeroSupported", buf, sizeof buf, NULL),
                     OCPP_CONFIG_PROFILE_RESERVATION != 0);
    /* Every bit asked for: only the profiles compiled in appear, so a key whose profile (and
       field) is compiled out never does (§9.1.29: what the charge point supports). */
    ocpp_cfg_set_profiles(&c, 0xFFu);
    assert_true(ocpp_cfg_get(&c, "SupportedFeatureProfiles", buf, sizeof buf, NULL));
    assert_string_equal(buf, profiles_text(BUILT_PROFILES));
    assert_int_equal(ocpp_cfg_get(&c, "LocalAuthListEnabled", buf, sizeof buf, NULL),
                     OCPP_CONFIG_PROFILE_LOCAL_AUTH != 0);
    assert_int_equal(ocpp_cfg_change(&c, "ChargeProfileMaxStackLevel", "3"),
                     OCPP_CONFIG_PROFILE_SMART_CHARGING ? OCPP_KEY_REJECTED
                                                        : OCPP_KEY_NOT_SUPPORTED);
}

static void test_defaults_and_access(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    for (size_t i = 0; i < N_SPEC; i++) {
        char buf[OCPP_CFG_VALUE_MAX + 1];
        bool ro = !spec_keys[i].readonly;
        if (!built(&spec_keys[i])) {
            /* its profile is compiled out: the key does not exist (§5.3 NotSupported) */
            assert_false(ocpp_cfg_get(&c, spec_keys[i].key, buf, sizeof buf, &ro));
            assert_int_equal(ocpp_cfg_change(&c, spec_keys[i].key, "1"), NSUP);
            assert_int_equal(ocpp_cfg_set_local(&c, spec_keys[i].key, "1"), NSUP);
            continue;
        }
        assert_true(ocpp_cfg_get(&c, spec_keys[i].key, buf, sizeof buf, &ro));
        assert_int_equal(ro, spec_keys[i].readonly);
        if (spec_keys[i].def != NULL) {
            assert_string_equal(buf, spec_keys[i].def);
        }
        /* §9 "In case the key is read-only, the Central System can read the value ... but
           not write it": ChangeConfiguration of an R key is Rejected. */
        if (spec_keys[i].readonly) {
            assert_int_equal(ocpp_cfg_change(&c, spec_keys[i].key, buf), REJ);
        }
    }
    assert_false(c.dirty);
}

static void test_struct_defaults(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    assert_int_equal(c.heartbeat_interval, 300);
    assert_int_equal(c.connection_time_out, 60);
    assert_int_equal(c.meter_value_sample_interval, 60);
    assert_int_equal(c.clock_aligned_data_interval, 900);
    assert_int_equal(c.minimum_status_duration, 0);
    assert_int_equal(c.web_socket_ping_interval, 60);
    assert_int_equal(c.transaction_message_attempts, 3);
    assert_int_equal(c.transaction_message_retry_interval, 60);
    assert_int_equal(c.reset_retries, 3);
    assert_int_equal(c.max_energy_on_invalid_id, 0);
    assert_int_equal(c.message_timeout, 30);
    assert_true(c.get_configuration_max_keys >= (int32_t)n_built());
    assert_string_equal(val(&c, "MeterValuesSampledData"), "Energy.Active.Import.Register");
    assert_string_equal(val(&c, "StopTxnSampledData"), "");
    assert_int_equal(c.authorization_cache_enabled, OCPP_CONFIG_AUTH_CACHE_SIZE > 0);
    assert_false(c.authorize_remote_tx_requests);
    assert_true(c.local_authorize_offline);
    assert_false(c.local_pre_authorize);
    assert_false(c.allow_offline_tx_for_unknown_id);
    assert_true(c.stop_transaction_on_ev_side_disconnect);
    assert_true(c.stop_transaction_on_invalid_id);
    assert_true(c.unlock_connector_on_ev_side_disconnect);
    assert_int_equal(c.number_of_connectors, 2);
    assert_int_equal(c.security_profile, 0);
    assert_int_equal(c.authorization_key_len, 0);
    assert_int_equal(ocpp_cfg_phase_rotation(&c, 0), OCPP_PHASE_ROT_UNSET);
    assert_int_equal(ocpp_cfg_phase_rotation(&c, 1), OCPP_PHASE_ROT_UNKNOWN);
    assert_int_equal(ocpp_cfg_phase_rotation(&c, 2), OCPP_PHASE_ROT_UNKNOWN);
    assert_int_equal(ocpp_cfg_phase_rotation(&c, 3), OCPP_PHASE_ROT_UNSET);
    assert_false(c.dirty);
    /* number_of_connectors is clamped to 1..OCPP_CONFIG_MAX_CONNECTORS */
    ocpp_cfg_init(&c, 0);
    assert_int_equal(c.number_of_connectors, 1);
    ocpp_cfg_init(&c, 200);
    assert_int_equal(c.number_of_connectors, OCPP_CONFIG_MAX_CONNECTORS);
}

/* ------------------------------------------------------------------------ */
/* ChangeConfiguration                                                       */
/* ------------------------------------------------------------------------ */

static const struct {
    const char *key;
    long min;
    long max;
} int_ranges[] = {
    {"HeartbeatInterval", 0, 604800},
    {"ConnectionTimeOut", 0, 604800},
    {"MeterValueSampleInterval", 0, 604800},
    {"ClockAlignedDataInterval", 0, 86400},
    {"MinimumStatusDuration", 0, 604800},
    /* §9.1.34: "Negative values are not allowed. ChangeConfiguration is expected to return a
       REJECTED result." */
    {"WebSocketPingInterval", 0, 604800},
    {"TransactionMessageAttempts", 0, 255},
    {"TransactionMessageRetryInterval", 0, 604800},
    {"ResetRetries", 0, 255},
    {"MaxEnergyOnInvalidId", 0, 2147483647L},
    {"MessageTimeout", 1, 3600},
};

static void test_int_ranges(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof int_ranges / sizeof int_ranges[0]; i++) {
        ocpp_cfg_t c = fresh();
        char v[24];
        const char *k = int_ranges[i].key;
        snprintf(v, sizeof v, "%ld", int_ranges[i].min);
        assert_int_equal(ocpp_cfg_change(&c, k, v), ACC);
        assert_string_equal(val(&c, k), v);
        snprintf(v, sizeof v, "%ld", int_ranges[i].max);
        assert_int_equal(ocpp_cfg_change(&c, k, v), ACC);
        assert_string_equal(val(&c, k), v);
        /* §5.3: "requests with out-of-range values" are Rejected, value unchanged */
        snprintf(v, sizeof v, "%ld", int_ranges[i].min - 1);
        assert_int_equal(ocpp_cfg_change(&c, k, v), REJ);
        snprintf(v, sizeof v, "%lld", (long long)int_ranges[i].max + 1);
        assert_int_equal(ocpp_cfg_change(&c, k, v), REJ);
        snprintf(v, sizeof v, "%ld", int_ranges[i].max);
        assert_string_equal(val(&c, k), v);
    }
}

static void test_int_fields_follow(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    assert_int_equal(ocpp_cfg_change(&c, "HeartbeatInterval", "42"), ACC);
    assert_int_equal(c.heartbeat_interval, 42);
    assert_true(c.dirty);
    assert_int_equal(ocpp_cfg_change(&c, "ConnectionTimeOut", "007"), ACC); /* decimal */
    assert_int_equal(c.connection_time_out, 7);
    assert_int_equal(ocpp_cfg_change(&c, "MinimumStatusDuration", "-0"), ACC);
    assert_int_equal(c.minimum_status_duration, 0);
    assert_int_equal(ocpp_cfg_change(&c, "WebSocketPingInterval", "-1"), REJ);
    assert_int_equal(c.web_socket_ping_interval, 60);
}

static void test_int_junk(void **state)
{
    (void)state;
    /* §5.3: "requests with values that do not conform to an expected format" are Rejected */
    static const char *const junk[] = {"12abc",      "",     " 5", "5 ",  "+5", "0x10",
                                       "1.5",        "1e3",  "-",  "--1", "５", "99999999999",
                                       "4294967596", "true", "5\n"};
    ocpp_cfg_t c = fresh();
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        assert_int_equal(ocpp_cfg_change(&c, "HeartbeatInterval", junk[i]), REJ);
        assert_int_equal(ocpp_cfg_change(&c, "ResetRetries", junk[i]), REJ);
    }
    assert_int_equal(c.heartbeat_interval, 300);
    assert_int_equal(c.reset_retries, 3);
    assert_false(c.dirty);
}

static void test_bool(void **state)
{
    (void)state;
    static const char *const bool_keys[] = {
        "AllowOfflineTxForUnknownId",
#if OCPP_CONFIG_AUTH_CACHE_SIZE > 0
        "AuthorizationCacheEnabled",
#endif
        "AuthorizeRemoteTxRequests",
        "LocalAuthorizeOffline",
        "LocalPreAuthorize",
        "StopTransactionOnEVSideDisconnect",
        "StopTransactionOnInvalidId",
        "UnlockConnectorOnEVSideDisconnect",
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
        "LocalAuthListEnabled",
#endif
    };
    static const char *const bad[] = {"1", "0", "yes", "", " true", "true ", "tru", "falsee"};
    for (size_t i = 0; i < sizeof bool_keys / sizeof bool_keys[0]; i++) {
        ocpp_cfg_t c = fresh();
        const char *k = bool_keys[i];
        assert_int_equal(ocpp_cfg_change(&c, k, "true"), ACC);
        assert_string_equal(val(&c, k), "true");
        assert_int_equal(ocpp_cfg_change(&c, k, "FALSE"), ACC); /* case-insensitive */
        assert_string_equal(val(&c, k), "false");
        assert_int_equal(ocpp_cfg_change(&c, k, "True"), ACC);
        assert_string_equal(val(&c, k), "true");
        for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++) {
            assert_int_equal(ocpp_cfg_change(&c, k, bad[j]), REJ);
        }
        assert_string_equal(val(&c, k), "true");
    }
    ocpp_cfg_t c = fresh();
    assert_int_equal(ocpp_cfg_change(&c, "LocalPreAuthorize", "true"), ACC);
    assert_true(c.local_pre_authorize);
}

static void test_not_supported_and_names(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    char buf[8];
    /* §5.3: "If key does not correspond to a configuration setting supported by Charge
       Point, it SHALL respond with a status NotSupported." */
    assert_int_equal(ocpp_cfg_change(&c, "Foo", "1"), NSUP);
    assert_int_equal(ocpp_cfg_change(&c, "", "1"), NSUP);
    assert_int_equal(ocpp_cfg_change(&c, "BlinkRepeat", "1"), NSUP);
    assert_int_equal(ocpp_cfg_change(&c, "HeartbeatIntervalX", "1"), NSUP);
    assert_int_equal(ocpp_cfg_change(&c, "HeartbeatInterva", "1"), NSUP);
    assert_int_equal(ocpp_cfg_set_local(&c, "Foo", "1"), NSUP);
    assert_false(ocpp_cfg_get(&c, "Foo", buf, sizeof buf, NULL));
    /* §6.9/§7.29: key is CiString50Type, case insensitive */
    assert_int_equal(ocpp_cfg_change(&c, "heartbeatINTERVAL", "10"), ACC);
    assert_int_equal(c.heartbeat_interval, 10);
    /* NULL arguments */
    assert_int_equal(ocpp_cfg_change(NULL, "HeartbeatInterval", "1"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, NULL, "1"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "HeartbeatInterval", NULL), REJ);
    assert_false(ocpp_cfg_get(NULL, "HeartbeatInterval", buf, sizeof buf, NULL));
    assert_false(ocpp_cfg_get(&c, "HeartbeatInterval", buf, 0, NULL));
    /* a value that does not fit the caller's buffer */
    assert_false(ocpp_cfg_get(&c, "MeterValuesSampledData", buf, sizeof buf, NULL));
    assert_string_equal(buf, "");
    assert_string_equal(ocpp_key_result_str(OCPP_KEY_REBOOT_REQUIRED), "RebootRequired");
    assert_string_equal(ocpp_key_result_str(OCPP_KEY_NOT_SUPPORTED), "NotSupported");
    assert_string_equal(ocpp_key_result_str((ocpp_key_result_t)9), "?");
}

static void test_dirty(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    assert_int_equal(ocpp_cfg_change(&c, "HeartbeatInterval", "300"), ACC);
    assert_false(c.dirty); /* same value: nothing to persist */
    assert_int_equal(ocpp_cfg_change(&c, "HeartbeatInterval", "x"), REJ);
    assert_false(c.dirty);
    assert_int_equal(ocpp_cfg_change(&c, "NumberOfConnectors", "3"), REJ);
    assert_false(c.dirty);
    assert_int_equal(ocpp_cfg_set_local(&c, "GetConfigurationMaxKeys", "100"), ACC);
    assert_false(c.dirty); /* capability keys are not persisted */
    assert_int_equal(ocpp_cfg_set_local(&c, "LocalAuthListMaxLength", "100"),
                     OCPP_CONFIG_PROFILE_LOCAL_AUTH ? ACC : NSUP);
    assert_false(c.dirty);
    assert_int_equal(ocpp_cfg_change(&c, "StopTxnSampledData", "Voltage"), ACC);
    assert_true(c.dirty);
}

/* §5.3: Rejected for "values that do not conform to an expected format" and
 * "out-of-range values"; the edges of the integer parser (10 digits at most,
 * no overflow into range). */
static void test_int_edges(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    assert_int_equal(ocpp_cfg_change(&c, "MaxEnergyOnInvalidId", "2147483647"), ACC);
    assert_int_equal(c.max_energy_on_invalid_id, INT32_MAX);
    assert_int_equal(ocpp_cfg_change(&c, "MaxEnergyOnInvalidId", "2147483648"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "MaxEnergyOnInvalidId", "4294967295"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "MaxEnergyOnInvalidId", "4294967296"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "MaxEnergyOnInvalidId", "9999999999"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "MaxEnergyOnInvalidId", "-2147483648"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "MaxEnergyOnInvalidId", "0000000001"), ACC);
    assert_int_equal(c.max_energy_on_invalid_id, 1);
    assert_int_equal(ocpp_cfg_change(&c, "MaxEnergyOnInvalidId", "00000000001"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "MaxEnergyOnInvalidId", "-0000000000"), ACC);
    assert_int_equal(c.max_energy_on_invalid_id, 0);
    /* MessageTimeout is 1..3600: "-0" is 0, out of range */
    assert_int_equal(ocpp_cfg_change(&c, "MessageTimeout", "-0"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "MessageTimeout", "-1"), REJ);
    assert_int_equal(c.message_timeout, 30);
    /* ConnectorPhaseRotation's connector numbers go through the same parser */
    assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", "-0.RST"), ACC);
    assert_string_equal(val(&c, "ConnectorPhaseRotation"), "0.RST");
    assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", "-1.RST"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", "4294967297.RST"), REJ);
}

/* dirty (what ocpp_cfg_save() must persist) follows the stored value of every
 * persisted type: the same value again leaves it clear. */
static void test_dirty_per_type(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        const char *a;
        const char *b;
    } cases[] = {
        {"LocalPreAuthorize", "true", "TRUE"},
        {"StopTxnSampledData", "Voltage,SoC", " SoC , Voltage,SoC"},
        {"ConnectorPhaseRotation", "0.RST,1.RTS", "1.rts,0.rst"},
        {"AuthorizationKey", "0123456789abcdef0123456789abcdef01234567",
         "0123456789ABCDEF0123456789ABCDEF01234567"},
        {"AuthorizationKey", "0123456789abcdef", "0123456789abcdef"},
#if OCPP_CONFIG_SECURITY_CERTS
        {"CpoName", "Operator-A", "Operator-A"},
        {"CpoName", "Op", "Op"},
        {"CpoName", "", ""},
#endif
        {"SecurityProfile", "2", "2"},
    };
    ocpp_cfg_t c = fresh();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c.dirty = false;
        assert_int_equal(ocpp_cfg_set_local(&c, cases[i].key, cases[i].a), ACC);
        assert_true(c.dirty);
        c.dirty = false;
        assert_int_equal(ocpp_cfg_set_local(&c, cases[i].key, cases[i].b), ACC);
        assert_false(c.dirty);
    }
    /* a shorter AuthorizationKey that is a prefix of the stored one is a change */
    assert_int_equal(ocpp_cfg_set_local(&c, "AuthorizationKey", "0123456789abcdefXYZ"), ACC);
    c.dirty = false;
    assert_int_equal(ocpp_cfg_set_local(&c, "AuthorizationKey", "0123456789abcdefXY"), ACC);
    assert_true(c.dirty);
#if OCPP_CONFIG_PROFILE_SMART_CHARGING
    /* capability keys are not persisted */
    c.dirty = false;
    assert_int_equal(ocpp_cfg_set_local(&c, "ChargingScheduleAllowedChargingRateUnit", "Power"),
                     ACC);
    assert_string_equal(val(&c, "ChargingScheduleAllowedChargingRateUnit"), "Power");
    assert_false(c.dirty);
#endif
}

/* ------------------------------------------------------------------------ */
/* Lists                                                                     */
/* ------------------------------------------------------------------------ */

static void test_measurand_names(void **state)
{
    (void)state;
    /* §7.31: 22 measurands; name <-> enum round trip */
    for (int m = 0; m < OCPP_MEASURAND_COUNT; m++) {
        const char *n = ocpp_measurand_name((ocpp_measurand_t)m);
        ocpp_measurand_t back;
        assert_non_null(n);
        assert_true(ocpp_measurand_parse(n, strlen(n), &back));
        assert_int_equal(back, m);
    }
    assert_int_equal(OCPP_MEASURAND_COUNT, 22);
    assert_null(ocpp_measurand_name(OCPP_MEASURAND_COUNT));
    assert_string_equal(ocpp_measurand_name(OCPP_MEASURAND_SOC), "SoC");
    assert_false(ocpp_measurand_parse("Voltag", 6, NULL));
    assert_false(ocpp_measurand_parse("voltage", 7, NULL)); /* schema enums are exact */
    assert_false(ocpp_measurand_parse(NULL, 0, NULL));
    assert_true(ocpp_measurand_parse("Voltage.L1", 7, NULL)); /* a slice */
}

static void test_measurand_lists(void **state)
{
    (void)state;
    static const char *const keys[] = {"MeterValuesSampledData", "MeterValuesAlignedData",
                                       "StopTxnSampledData", "StopTxnAlignedData"};
    for (size_t i = 0; i < 4; i++) {
        ocpp_cfg_t c = fresh();
        const char *k = keys[i];
        assert_int_equal(ocpp_cfg_change(&c, k, "Voltage, Current.Import ,SoC"), ACC);
        /* reported in enum order, without blanks */
        assert_string_equal(val(&c, k), "Current.Import,Voltage,SoC");
        char before[OCPP_CFG_VALUE_MAX + 1];
        strcpy(before, val(&c, k));
        /* §3.16.4: "If the comma separated list contains one or more measurands that are not
           supported by this Charge Point, the Charge Point SHALL respond with: ... Rejected.
           No changes SHALL be made to the currently configuration." */
        assert_int_equal(ocpp_cfg_change(&c, k, "Voltage,Bogus"), REJ);
        assert_int_equal(ocpp_cfg_change(&c, k, "voltage"), REJ);
        assert_int_equal(ocpp_cfg_change(&c, k, "Voltage.L1"), REJ); /* phases unsupported */
        assert_int_equal(ocpp_cfg_change(&c, k, "Voltage,"), REJ);
        assert_int_equal(ocpp_cfg_change(&c, k, ",Voltage"), REJ);
        assert_int_equal(ocpp_cfg_change(&c, k, "Voltage,,SoC"), REJ);
        assert_int_equal(ocpp_cfg_change(&c, k, ","), REJ);
        assert_int_equal(ocpp_cfg_change(&c, k, "Voltage;SoC"), REJ);
        /* §5.3: a CSL "MAY be accompanied with a [KeyName]MaxLength key, indicating the max
           length of the CSL in items": one more than that is Rejected */
        assert_int_equal(ocpp_cfg_change(&c, k,
                                         "Voltage,SoC,RPM,Frequency,Temperature,Power.Offered,"
                                         "Current.Offered,Power.Factor,Current.Export"),
                         REJ);
        assert_string_equal(val(&c, k), before);
        assert_int_equal(ocpp_cfg_change(&c, k,
                                         "Voltage,SoC,RPM,Frequency,Temperature,Power.Offered,"
                                         "Current.Offered,Power.Factor"),
                         ACC);
        /* §3.16.5: the empty string is the empty list */
        assert_int_equal(ocpp_cfg_change(&c, k, ""), ACC);
        assert_string_equal(val(&c, k), "");
        assert_int_equal(ocpp_cfg_change(&c, k, "  "), ACC);
        assert_string_equal(val(&c, k), "");
    }
    ocpp_cfg_t c = fresh();
    assert_int_equal(ocpp_cfg_change(&c, "StopTxnAlignedData", "Energy.Active.Import.Interval"),
                     ACC);
    assert_string_equal(val(&c, "StopTxnAlignedData"), "Energy.Active.Import.Interval");
}

static void test_phase_rotation(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    /* §9.1.7: "Values are reported in CSL, formatted: 0.RST, 1.RST, 2.RTS" */
    assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", "0.RST, 1.RST, 2.RTS"), ACC);
    assert_string_equal(val(&c, "ConnectorPhaseRotation"), "0.RST,1.RST,2.RTS");
    assert_int_equal(ocpp_cfg_phase_rotation(&c, 0), OCPP_PHASE_ROT_RST);
    assert_int_equal(ocpp_cfg_phase_rotation(&c, 2), OCPP_PHASE_ROT_RTS);
    assert_true(c.dirty);
    /* every possible value */
    assert_int_equal(
        ocpp_cfg_change(&c, "ConnectorPhaseRotation", "1.NotApplicable,2.Unknown,0.TSR"), ACC);
    assert_string_equal(val(&c, "ConnectorPhaseRotation"), "0.TSR,1.NotApplicable,2.Unknown");
    assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", "1.SRT,2.STR"), ACC);
    assert_int_equal(ocpp_cfg_phase_rotation(&c, 0), OCPP_PHASE_ROT_UNSET);
    assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", "1.TRS"), ACC);
    assert_string_equal(val(&c, "ConnectorPhaseRotation"), "1.TRS");
    /* a bare value applies to every connector */
    assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", "NotApplicable"), ACC);
    assert_string_equal(val(&c, "ConnectorPhaseRotation"), "1.NotApplicable,2.NotApplicable");
    /* bad values: unknown connector, unknown rotation, junk, too many items
       (§9.1.8 ConnectorPhaseRotationMaxLength = 3 here) */
    static const char *const bad[] = {"3.RST",        "1.XYZ",       "1.",
                                      ".RST",         "x.RST",       "1.RST,",
                                      "-1.RST",       "1.RST.2",     "0.RST,1.RST,2.RST,1.RST",
                                      "1.RST,,2.RST", "01234567.RST"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", bad[i]), REJ);
    }
    assert_string_equal(val(&c, "ConnectorPhaseRotation"), "1.NotApplicable,2.NotApplicable");
    assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", ""), ACC);
    assert_string_equal(val(&c, "ConnectorPhaseRotation"), "");
}

/* ------------------------------------------------------------------------ */
/* Security whitepaper keys                                                  */
/* ------------------------------------------------------------------------ */

static void test_authorization_key(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    char buf[OCPP_CFG_VALUE_MAX + 1];
    /* whitepaper §7.2: "minimal length: 16 bytes ... Hexadecimal represented (20 bytes
       maximum, represented as a string of up to 40 hexadecimal digits)". OCTT TC_085_CS uses
       the non-hex representation as the Basic password: hex is decoded. */
    assert_int_equal(
        ocpp_cfg_change(&c, "AuthorizationKey", "000102030405060708090a0B0c0d0e0f10111213"), ACC);
    assert_int_equal(c.authorization_key_len, 20);
    assert_int_equal(c.authorization_key[0], 0x00);
    assert_int_equal(c.authorization_key[11], 0x0b);
    assert_int_equal(c.authorization_key[19], 0x13);
    assert_true(c.dirty);
    assert_int_equal(ocpp_cfg_change(&c, "AuthorizationKey", "4f43505054657374506173737764313233"),
                     ACC); /* 34 hex digits = 17 bytes */
    assert_int_equal(c.authorization_key_len, 17);
    assert_int_equal(ocpp_cfg_change(&c, "AuthorizationKey", "4f435050546573745061737377643132"),
                     ACC);
    assert_int_equal(c.authorization_key_len, 16);
    assert_memory_equal(c.authorization_key, "OCPPTestPasswd12", 16);
    /* a plain password of 16..20 characters is taken as it is */
    assert_int_equal(ocpp_cfg_change(&c, "AuthorizationKey", "plain:password!!"), ACC);
    assert_int_equal(c.authorization_key_len, 16);
    assert_memory_equal(c.authorization_key, "plain:password!!", 16);
    assert_int_equal(ocpp_cfg_change(&c, "AuthorizationKey", "0123456789abcdef0123"), ACC);
    assert_int_equal(c.authorization_key_len, 20); /* 20 chars: too short for hex, plain */
    /* too short, too long, hex with a non-hex digit, odd hex */
    static const char *const bad[] = {"",
                                      "short",
                                      "fifteen-chars!!",
                                      "twenty-one-chars-long",
                                      "000102030405060708090a0b0c0d0e0f1011121314",
                                      "000102030405060708090a0b0c0d0e0g",
                                      "000102030405060708090a0b0c0d0e0f1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ocpp_cfg_change(&c, "AuthorizationKey", bad[i]), REJ);
    }
    assert_memory_equal(c.authorization_key, "0123456789abcdef0123", 20);
    /* §7.2: "This configuration key is write-only" */
    assert_false(ocpp_cfg_get(&c, "AuthorizationKey", buf, sizeof buf, NULL));
    assert_false(ocpp_cfg_get(&c, "authorizationkey", buf, sizeof buf, NULL));
}

static void test_security_profile(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    /* A05.FR.02: raising to 1 or 2 without an AuthorizationKey is Rejected */
    assert_int_equal(ocpp_cfg_change(&c, "SecurityProfile", "1"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "AuthorizationKey", "0123456789abcdef"), ACC);
    assert_int_equal(ocpp_cfg_change(&c, "SecurityProfile", "1"), ACC);
    assert_int_equal(c.security_profile, 1);
    /* A05.FR.01: "a value lower or equal to the current value" -> Rejected */
    assert_int_equal(ocpp_cfg_change(&c, "SecurityProfile", "1"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "SecurityProfile", "0"), REJ);
    /* A05.FR.03/04: 2 and 3 need certificates (security_profile_max, default 1) */
    assert_int_equal(ocpp_cfg_change(&c, "SecurityProfile", "2"), REJ);
    ocpp_cfg_set_security_profile_max(&c, 3);
    assert_int_equal(ocpp_cfg_change(&c, "SecurityProfile", "4"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "SecurityProfile", "x"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "SecurityProfile", "3"), ACC);
    assert_int_equal(ocpp_cfg_change(&c, "SecurityProfile", "2"), REJ);
    assert_int_equal(c.security_profile, 3);
    /* the installer (local) may lower it */
    assert_int_equal(ocpp_cfg_set_local(&c, "SecurityProfile", "0"), ACC);
    assert_int_equal(c.security_profile, 0);
    assert_int_equal(ocpp_cfg_set_local(&c, "SecurityProfile", "4"), REJ);
    ocpp_cfg_set_security_profile_max(&c, 9);
    assert_int_equal(c.security_profile_max, 3);
    ocpp_cfg_set_security_profile_max(NULL, 1);
}

/* ------------------------------------------------------------------------ */
/* Local setting                                                             */
/* ------------------------------------------------------------------------ */

static void test_set_local(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    /* capability keys: R to the CSMS, settable by the application */
    static const struct {
        const char *key;
        const char *value;
        unsigned profile;
    } caps[] = {{"GetConfigurationMaxKeys", "20", CORE},
                {"LocalAuthListMaxLength", "500", LA},
                {"SendLocalListMaxLength", "50", LA},
                {"ReserveConnectorZeroSupported", "true", RES},
                {"ChargeProfileMaxStackLevel", "3", SC},
                {"ChargingScheduleAllowedChargingRateUnit", "Current", SC},
                {"ChargingScheduleMaxPeriods", "10", SC},
                {"ConnectorSwitch3to1PhaseSupported", "true", SC},
                {"MaxChargingProfilesInstalled", "5", SC}};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        if ((BUILT_PROFILES & caps[i].profile) == 0u) {
            /* a key of a compiled-out profile: not even the application can set it */
            assert_int_equal(ocpp_cfg_change(&c, caps[i].key, caps[i].value), NSUP);
            assert_int_equal(ocpp_cfg_set_local(&c, caps[i].key, caps[i].value), NSUP);
            continue;
        }
        assert_int_equal(ocpp_cfg_change(&c, caps[i].key, caps[i].value), REJ);
        assert_int_equal(ocpp_cfg_set_local(&c, caps[i].key, caps[i].value), ACC);
        assert_string_equal(val(&c, caps[i].key), caps[i].value);
    }
    assert_int_equal(c.get_configuration_max_keys, 20);
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    assert_int_equal(c.local_auth_list_max_length, 500);
#endif
#if OCPP_CONFIG_PROFILE_RESERVATION
    assert_true(c.reserve_connector_zero_supported);
#endif
#if OCPP_CONFIG_PROFILE_SMART_CHARGING
    assert_int_equal(c.charging_schedule_allowed_charging_rate_unit, OCPP_CFG_RATE_UNIT_CURRENT);
    assert_int_equal(
        ocpp_cfg_set_local(&c, "ChargingScheduleAllowedChargingRateUnit", "Power, current"), ACC);
    assert_string_equal(val(&c, "ChargingScheduleAllowedChargingRateUnit"), "Current,Power");
    assert_int_equal(ocpp_cfg_set_local(&c, "ChargingScheduleAllowedChargingRateUnit", ""), REJ);
    assert_int_equal(ocpp_cfg_set_local(&c, "ChargingScheduleAllowedChargingRateUnit", "A"), REJ);
#endif
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    assert_int_equal(ocpp_cfg_set_local(&c, "LocalAuthListMaxLength", "65536"), REJ);
#endif
    assert_int_equal(ocpp_cfg_set_local(&c, "GetConfigurationMaxKeys", "0"), REJ);
    /* never settable, not even locally */
    assert_int_equal(ocpp_cfg_set_local(&c, "NumberOfConnectors", "1"), REJ);
    assert_int_equal(ocpp_cfg_set_local(&c, "SupportedFeatureProfiles", "Core"), REJ);
    assert_int_equal(ocpp_cfg_set_local(&c, "MeterValuesSampledDataMaxLength", "3"), REJ);
    assert_int_equal(ocpp_cfg_set_local(&c, "ConnectorPhaseRotationMaxLength", "3"), REJ);
    assert_int_equal(c.number_of_connectors, 2);
    /* RW keys work locally with the same validation */
    assert_int_equal(ocpp_cfg_set_local(&c, "HeartbeatInterval", "12"), ACC);
    assert_int_equal(ocpp_cfg_set_local(&c, "HeartbeatInterval", "-12"), REJ);
    assert_int_equal(c.heartbeat_interval, 12);
    assert_true(c.dirty);
}

/* ------------------------------------------------------------------------ */
/* GetConfiguration                                                          */
/* ------------------------------------------------------------------------ */

static char out[8192];

/** Run GetConfiguration with the request's key array given as JSON text (NULL: none). */
static ocpp_status_t getconf(const ocpp_cfg_t *c, const char *keys_json, size_t cap)
{
    ocpp_jw_t jw;
    ocpp_json_value_t keys;
    memset(out, 0, sizeof out);
    if (keys_json != NULL) {
        assert_int_equal(ocpp_json_validate(keys_json, strlen(keys_json)), OCPP_OK);
        assert_int_equal(ocpp_json_root(keys_json, strlen(keys_json), &keys), OCPP_OK);
    }
    ocpp_jw_init(&jw, out, cap);
    ocpp_status_t s = ocpp_cfg_write_get_configuration(c, keys_json ? &keys : NULL, &jw);
    if (s == OCPP_OK) {
        size_t n;
        assert_int_equal(ocpp_jw_finish(&jw, &n), OCPP_OK);
        assert_int_equal(ocpp_json_validate(out, n), OCPP_OK);
    }
    return s;
}

static ocpp_json_value_t out_root(void)
{
    ocpp_json_value_t r;
    assert_int_equal(ocpp_json_root(out, strlen(out), &r), OCPP_OK);
    assert_int_equal(r.type, OCPP_JSON_OBJECT);
    return r;
}

/** Check every KeyValue of the reply against ocpp_cfg_get(); return how many. */
static size_t check_key_values(const ocpp_cfg_t *c)
{
    ocpp_json_value_t r = out_root(), arr, item, f;
    ocpp_json_iter_t it;
    size_t n = 0;
    if (ocpp_json_get(&r, "configurationKey", &arr) != OCPP_OK) {
        return 0;
    }
    assert_int_equal(ocpp_json_iter_init(&it, &arr), OCPP_OK);
    while (ocpp_json_iter_next(&it, NULL, &item)) {
        char key[64], value[OCPP_CFG_VALUE_MAX + 1], expect[OCPP_CFG_VALUE_MAX + 1];
        bool ro, ro_expect;
        assert_int_equal(ocpp_json_get(&item, "key", &f), OCPP_OK);
        assert_int_equal(ocpp_json_as_string(&f, key, sizeof key, NULL), OCPP_OK);
        assert_int_equal(ocpp_json_get(&item, "readonly", &f), OCPP_OK);
        assert_int_equal(ocpp_json_as_bool(&f, &ro), OCPP_OK);
        assert_true(ocpp_cfg_get(c, key, expect, sizeof expect, &ro_expect));
        assert_int_equal(ro, ro_expect);
        assert_int_equal(ocpp_json_get(&item, "value", &f), OCPP_OK);
        assert_int_equal(ocpp_json_as_string(&f, value, sizeof value, NULL), OCPP_OK);
        assert_string_equal(value, expect);
        assert_int_equal(ocpp_json_count(&item), 3);
        n++;
    }
    return n;
}

static void test_getconf_all(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    assert_int_equal(ocpp_cfg_change(&c, "AuthorizationKey", "000102030405060708090a0b0c0d0e0f"),
                     ACC);
    /* §5.8: "If the list of keys in the request PDU is empty or missing (it is optional), the
       Charge Point SHALL return a list of all configuration settings" */
    assert_int_equal(getconf(&c, NULL, sizeof out), OCPP_OK);
    /* every key of the profiles compiled in, none of the others */
    assert_int_equal(check_key_values(&c), n_built());
    for (size_t i = 0; i < N_SPEC; i++) {
        char q[80];
        snprintf(q, sizeof q, "\"key\":\"%s\"", spec_keys[i].key);
        if (built(&spec_keys[i])) {
            assert_non_null(strstr(out, q));
        } else {
            assert_null(strstr(out, q));
        }
    }
    /* whitepaper §7.2: AuthorizationKey is write-only: neither key nor value is listed */
    assert_null(strstr(out, "AuthorizationKey"));
    assert_null(strstr(out, "000102030405"));
    assert_null(strstr(out, "unknownKey")); /* empty arrays are omitted */
    size_t all_len = strlen(out);
    assert_int_equal(getconf(&c, "[]", sizeof out), OCPP_OK);
    assert_int_equal(strlen(out), all_len);
    /* the whole answer with every profile in: ~2.9 KB (a tx buffer of 3 KB + headroom) */
    assert_true(all_len < 3072);
}

/* §5.8 with every key of the spec table asked for: the keys of the profiles compiled in are
 * answered, those of a compiled-out profile are "Unrecognized keys", in the unknownKey list
 * (and §5.3: ChangeConfiguration answers NotSupported, test_defaults_and_access). */
static void test_getconf_compiled_out(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    char req[2048] = "[", unknown[2048] = "{\"unknownKey\":[";
    size_t n_unknown = 0;
    for (size_t i = 0; i < N_SPEC; i++) {
        char q[64];
        snprintf(q, sizeof q, "%s\"%s\"", i > 0 ? "," : "", spec_keys[i].key);
        strcat(req, q);
        if (!built(&spec_keys[i])) {
            snprintf(q, sizeof q, "%s\"%s\"", n_unknown > 0 ? "," : "", spec_keys[i].key);
            strcat(unknown, q);
            n_unknown++;
        }
    }
    strcat(req, "]");
    strcat(unknown, "]}");
    assert_int_equal(getconf(&c, req, sizeof out), OCPP_OK);
    assert_int_equal(check_key_values(&c), n_built());
    if (n_unknown == 0) {
        assert_null(strstr(out, "unknownKey"));
    } else {
        assert_non_null(strstr(out, unknown + 1)); /* the tail of the answer */
    }
    assert_int_equal(n_built() + n_unknown, N_SPEC);
}

static void test_getconf_selected(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    /* §5.8: "Otherwise Charge Point SHALL return a list of recognized keys and their
       corresponding values and read-only state. Unrecognized keys SHALL be placed in the
       response PDU as part of the optional unknown key list element" */
    assert_int_equal(
        getconf(&c, "[\"HeartbeatInterval\",\"Nope\",\"numberofconnectors\"]", sizeof out),
        OCPP_OK);
    assert_string_equal(out, "{\"configurationKey\":["
                             "{\"key\":\"HeartbeatInterval\",\"readonly\":false,\"value\":\"300\"},"
                             "{\"key\":\"NumberOfConnectors\",\"readonly\":true,\"value\":\"2\"}],"
                             "\"unknownKey\":[\"Nope\"]}");
    assert_int_equal(check_key_values(&c), 2);
    /* only unknown keys: no configurationKey array; the write-only key counts as unknown */
    assert_int_equal(getconf(&c, "[\"AuthorizationKey\",\"x\\\"y\"]", sizeof out), OCPP_OK);
    assert_string_equal(out, "{\"unknownKey\":[\"AuthorizationKey\",\"x\\\"y\"]}");
    /* only known keys: no unknownKey array */
    assert_int_equal(getconf(&c, "[\"SecurityProfile\"]", sizeof out), OCPP_OK);
    assert_string_equal(out, "{\"configurationKey\":[{\"key\":\"SecurityProfile\",\"readonly\":"
                             "false,\"value\":\"0\"}]}");
    /* keys over CiString50 and non-strings are skipped; escapes are decoded */
    assert_int_equal(getconf(&c,
                             "[\"123456789012345678901234567890123456789012345678901\",7,null,"
                             "\"Heartbeat\\u0049nterval\"]",
                             sizeof out),
                     OCPP_OK);
    assert_string_equal(out, "{\"configurationKey\":[{\"key\":\"HeartbeatInterval\","
                             "\"readonly\":false,\"value\":\"300\"}]}");
    assert_int_equal(getconf(&c, "[1]", sizeof out), OCPP_OK);
    assert_string_equal(out, "{}");
    /* duplicates are answered as asked */
    assert_int_equal(getconf(&c, "[\"ResetRetries\",\"ResetRetries\"]", sizeof out), OCPP_OK);
    assert_int_equal(check_key_values(&c), 2);
    /* a 50-character unknown key is still echoed */
    assert_int_equal(
        getconf(&c, "[\"12345678901234567890123456789012345678901234567890\"]", sizeof out),
        OCPP_OK);
    assert_string_equal(
        out, "{\"unknownKey\":[\"12345678901234567890123456789012345678901234567890\"]}");
}

/*
 * §9.1.2 AuthorizationCacheEnabled: "If this key exists, the Charge Point
 * supports an Authorization Cache." With the cache compiled out
 * (OCPP_CONFIG_AUTH_CACHE_SIZE 0: the test_config_nocache build) the key does
 * not exist: §5.3 "If key does not correspond to a configuration setting
 * supported by Charge Point, it SHALL respond with a status 'NotSupported'"
 * (not Rejected, which is for a supported key that could not be set), and
 * §5.8 lists it among the unknown keys. With the cache, it is a RW boolean.
 */
static void test_cache_key(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    char v[8];
#if OCPP_CONFIG_AUTH_CACHE_SIZE == 0
    assert_false(c.authorization_cache_enabled);
    assert_int_equal(ocpp_cfg_change(&c, "AuthorizationCacheEnabled", "true"), NSUP);
    assert_int_equal(ocpp_cfg_change(&c, "authorizationcacheenabled", "false"), NSUP);
    assert_int_equal(ocpp_cfg_set_local(&c, "AuthorizationCacheEnabled", "true"), NSUP);
    assert_false(c.authorization_cache_enabled);
    assert_false(c.dirty);
    assert_false(ocpp_cfg_get(&c, "AuthorizationCacheEnabled", v, sizeof v, NULL));
    assert_int_equal(getconf(&c, "[\"AuthorizationCacheEnabled\"]", sizeof out), OCPP_OK);
    assert_string_equal(out, "{\"unknownKey\":[\"AuthorizationCacheEnabled\"]}");
    assert_int_equal(getconf(&c, NULL, sizeof out), OCPP_OK);
    assert_null(strstr(out, "AuthorizationCache"));
#else
    assert_true(c.authorization_cache_enabled);
    assert_int_equal(ocpp_cfg_change(&c, "AuthorizationCacheEnabled", "false"), ACC);
    assert_false(c.authorization_cache_enabled);
    assert_true(ocpp_cfg_get(&c, "AuthorizationCacheEnabled", v, sizeof v, NULL));
    assert_string_equal(v, "false");
    assert_int_equal(getconf(&c, NULL, sizeof out), OCPP_OK);
    assert_non_null(strstr(out, "\"key\":\"AuthorizationCacheEnabled\""));
#endif
}

static void test_getconf_nomem(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    assert_int_equal(getconf(&c, NULL, sizeof out), OCPP_OK);
    size_t full = strlen(out);
    /* every too-small buffer: OCPP_ERR_NOMEM, never a truncated answer */
    for (size_t cap = 0; cap < full; cap++) {
        assert_int_equal(getconf(&c, NULL, cap), OCPP_ERR_NOMEM);
    }
    assert_int_equal(getconf(&c, NULL, full), OCPP_OK);
    assert_int_equal(getconf(&c, "[\"HeartbeatInterval\",\"Nope\"]", 20), OCPP_ERR_NOMEM);
    ocpp_jw_t jw;
    ocpp_jw_init(&jw, out, sizeof out);
    assert_int_equal(ocpp_cfg_write_get_configuration(NULL, NULL, &jw), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_write_get_configuration(&c, NULL, NULL), OCPP_ERR_PARAM);
    /* misuse of the writer (a value where a key is due) is reported too */
    ocpp_jw_init(&jw, out, sizeof out);
    ocpp_jw_obj_open(&jw);
    assert_int_equal(ocpp_cfg_write_get_configuration(&c, NULL, &jw), OCPP_ERR_STATE);
}

/* ------------------------------------------------------------------------ */
/* Persistence                                                               */
/* ------------------------------------------------------------------------ */

typedef struct {
    char data[4096];
    int32_t len; /* < 0: no record */
    int writes;
    bool fail;
    char key[32];
} fake_store_t;

static int32_t fs_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    fake_store_t *f = ctx;
    if (f->fail) {
        return OCPP_ERR_IO;
    }
    if (f->len < 0 || strcmp(key, f->key) != 0) {
        return OCPP_ERR_NOT_FOUND;
    }
    if ((size_t)f->len > cap) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(buf, f->data, (size_t)f->len);
    return f->len;
}

static ocpp_status_t fs_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    fake_store_t *f = ctx;
    if (f->fail) {
        return OCPP_ERR_IO;
    }
    assert_true(len <= sizeof f->data);
    strcpy(f->key, key);
    memcpy(f->data, data, len);
    f->len = (int32_t)len;
    f->writes++;
    return OCPP_OK;
}

static ocpp_status_t fs_remove(void *ctx, const char *key)
{
    fake_store_t *f = ctx;
    (void)key;
    f->len = -1;
    return OCPP_OK;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        if (memcmp(hay + i, needle, m) == 0) {
            return true;
        }
    }
    return false;
}

static fake_store_t store;
static const ocpp_storage_port_t port = {&store, fs_read, fs_write, fs_remove};
static char scratch[2048];

static void put_record(const char *json)
{
    strcpy(store.key, "config");
    store.len = (int32_t)strlen(json);
    memcpy(store.data, json, strlen(json));
}

static int reset_store(void **state)
{
    (void)state;
    memset(&store, 0, sizeof store);
    store.len = -1;
    return 0;
}

static void test_save_load_round_trip(void **state)
{
    (void)state;
    ocpp_cfg_t a = fresh();
    ocpp_cfg_set_security_profile_max(&a, 3);
    assert_int_equal(ocpp_cfg_change(&a, "HeartbeatInterval", "77"), ACC);
    assert_int_equal(ocpp_cfg_change(&a, "LocalPreAuthorize", "true"), ACC);
    assert_int_equal(ocpp_cfg_change(&a, "AuthorizationCacheEnabled", "false"),
                     OCPP_CONFIG_AUTH_CACHE_SIZE > 0 ? ACC : NSUP);
    assert_int_equal(ocpp_cfg_change(&a, "StopTxnSampledData", "Voltage,SoC"), ACC);
    assert_int_equal(ocpp_cfg_change(&a, "MeterValuesAlignedData", ""), ACC);
    assert_int_equal(ocpp_cfg_change(&a, "ConnectorPhaseRotation", "0.RST,2.TSR"), ACC);
    assert_int_equal(ocpp_cfg_change(&a, "AuthorizationKey", "plain:password!!"), ACC);
    assert_int_equal(ocpp_cfg_change(&a, "SecurityProfile", "2"), ACC);
    assert_int_equal(ocpp_cfg_change(&a, "MessageTimeout", "45"), ACC);
    assert_int_equal(ocpp_cfg_change(&a, "LocalAuthListEnabled", "false"),
                     OCPP_CONFIG_PROFILE_LOCAL_AUTH ? ACC : NSUP);
    assert_true(a.dirty);
    assert_int_equal(ocpp_cfg_save(&a, &port, scratch, sizeof scratch), OCPP_OK);
    assert_false(a.dirty);
    assert_int_equal(store.writes, 1);
    assert_string_equal(store.key, "config");
    /* the record is JSON; the key is stored as hex, not in clear text */
    assert_int_equal(ocpp_json_validate(store.data, (size_t)store.len), OCPP_OK);
    assert_false(contains(store.data, (size_t)store.len, "plain:password"));

    ocpp_cfg_t b = fresh();
    b.dirty = true;
    assert_int_equal(ocpp_cfg_load(&b, &port, scratch, sizeof scratch), OCPP_OK);
    assert_false(b.dirty);
    assert_int_equal(b.heartbeat_interval, 77);
    assert_true(b.local_pre_authorize);
    assert_false(b.authorization_cache_enabled);
    assert_string_equal(val(&b, "StopTxnSampledData"), "Voltage,SoC");
    assert_string_equal(val(&b, "MeterValuesAlignedData"), "");
    assert_string_equal(val(&b, "ConnectorPhaseRotation"), "0.RST,2.TSR");
    assert_int_equal(b.authorization_key_len, 16);
    assert_memory_equal(b.authorization_key, "plain:password!!", 16);
    assert_int_equal(b.security_profile, 2); /* restored, although b's max is 1 */
    assert_int_equal(b.message_timeout, 45);
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    assert_false(b.local_auth_list_enabled);
#endif
    /* every persisted value equal: saving b gives the same record */
    size_t len1 = (size_t)store.len;
    char rec1[4096];
    memcpy(rec1, store.data, len1);
    assert_int_equal(ocpp_cfg_save(&b, &port, scratch, sizeof scratch), OCPP_OK);
    assert_int_equal((size_t)store.len, len1);
    assert_memory_equal(store.data, rec1, len1);
}

static void test_load_errors(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    /* no record: values unchanged */
    assert_int_equal(ocpp_cfg_load(&c, &port, scratch, sizeof scratch), OCPP_ERR_NOT_FOUND);
    store.fail = true;
    assert_int_equal(ocpp_cfg_load(&c, &port, scratch, sizeof scratch), OCPP_ERR_IO);
    assert_int_equal(ocpp_cfg_save(&c, &port, scratch, sizeof scratch), OCPP_ERR_IO);
    store.fail = false;
    /* record larger than scratch */
    put_record("{\"HeartbeatInterval\":5}");
    assert_int_equal(ocpp_cfg_load(&c, &port, scratch, 10), OCPP_ERR_NOMEM);
    assert_int_equal(c.heartbeat_interval, 300);
    /* save into a too small scratch: nothing written */
    store.writes = 0;
    assert_int_equal(ocpp_cfg_save(&c, &port, scratch, 100), OCPP_ERR_NOMEM);
    assert_int_equal(store.writes, 0);
    /* NULL arguments */
    assert_int_equal(ocpp_cfg_load(NULL, &port, scratch, sizeof scratch), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_load(&c, NULL, scratch, sizeof scratch), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_save(&c, &port, NULL, sizeof scratch), OCPP_ERR_PARAM);
}

static void test_load_corrupt(void **state)
{
    (void)state;
    static const char *const corrupt[] = {"{\"HeartbeatInterval\":5",   "[1,2]", "", "\"x\"",
                                          "{\"HeartbeatInterval\":5}}", "\xff"};
    for (size_t i = 0; i < sizeof corrupt / sizeof corrupt[0]; i++) {
        ocpp_cfg_t c = fresh();
        assert_int_equal(ocpp_cfg_change(&c, "HeartbeatInterval", "9"), ACC);
        assert_int_equal(ocpp_cfg_change(&c, "ConnectorPhaseRotation", "0.RST"), ACC);
        assert_int_equal(ocpp_cfg_change(&c, "AuthorizationKey", "0123456789abcdef"), ACC);
        assert_int_equal(ocpp_cfg_set_local(&c, "LocalAuthListMaxLength", "99"),
                         OCPP_CONFIG_PROFILE_LOCAL_AUTH ? ACC : NSUP);
        put_record(corrupt[i]);
        /* a corrupt record: defaults for the persisted keys and OCPP_ERR_PARSE */
        assert_int_equal(ocpp_cfg_load(&c, &port, scratch, sizeof scratch), OCPP_ERR_PARSE);
        assert_int_equal(c.heartbeat_interval, 300);
        assert_string_equal(val(&c, "ConnectorPhaseRotation"), "1.Unknown,2.Unknown");
        assert_int_equal(c.authorization_key_len, 0);
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
        assert_int_equal(c.local_auth_list_max_length, 99); /* not persisted: kept */
#endif
        assert_false(c.dirty);
    }
}

static void test_load_tolerant(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    /* keys of another firmware version are ignored, invalid values too; missing keys keep
       their value; capability (R) keys in a record are not applied */
    put_record("{\"SomeFutureKey\":{\"a\":[1,2]},\"HeartbeatInterval\":120,"
               "\"ResetRetries\":\"7\",\"ConnectionTimeOut\":-5,\"MessageTimeout\":1.5,"
               "\"LocalPreAuthorize\":1,\"StopTransactionOnInvalidId\":false,"
               "\"MeterValuesSampledData\":\"Voltage,Bogus\","
               "\"StopTxnAlignedData\":\"Energy.Active.Import.Interval\\u002cSoC\","
               "\"NumberOfConnectors\":9,\"LocalAuthListMaxLength\":7,"
               "\"AuthorizationKey\":\"zz\",\"SecurityProfile\":null,"
               "\"heartbeatinterval\":121}");
    assert_int_equal(ocpp_cfg_load(&c, &port, scratch, sizeof scratch), OCPP_OK);
    assert_int_equal(c.heartbeat_interval, 121); /* later duplicate (any case) wins */
    assert_int_equal(c.reset_retries, 7);
    assert_int_equal(c.connection_time_out, 60);
    assert_int_equal(c.message_timeout, 30);
    assert_false(c.local_pre_authorize);
    assert_false(c.stop_transaction_on_invalid_id);
    assert_string_equal(val(&c, "MeterValuesSampledData"), "Energy.Active.Import.Register");
    assert_string_equal(val(&c, "StopTxnAlignedData"), "Energy.Active.Import.Interval,SoC");
    assert_int_equal(c.number_of_connectors, 2);
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    assert_int_equal(c.local_auth_list_max_length, 32);
#endif
    assert_int_equal(c.authorization_key_len, 0);
    assert_int_equal(c.security_profile, 0);
    /* an escaped string with no room left to decode it is skipped, not misread */
    put_record("{\"StopTxnSampledData\":\"So\\u0043\"}");
    assert_int_equal(ocpp_cfg_load(&c, &port, scratch, (size_t)store.len), OCPP_OK);
    assert_string_equal(val(&c, "StopTxnSampledData"), "");
    assert_int_equal(ocpp_cfg_load(&c, &port, scratch, (size_t)store.len + 4u), OCPP_OK);
    assert_string_equal(val(&c, "StopTxnSampledData"), "SoC");
    /* an empty object changes nothing */
    put_record(" {} ");
    assert_int_equal(ocpp_cfg_load(&c, &port, scratch, sizeof scratch), OCPP_OK);
    assert_int_equal(c.heartbeat_interval, 121);
}

/* ------------------------------------------------------------------------ */
/* Vendor keys                                                               */
/* ------------------------------------------------------------------------ */

typedef struct {
    int value;
    int sets;
    ocpp_key_result_t answer;
} vendor_ctx_t;

static ocpp_key_result_t v_set(void *ctx, const char *value)
{
    vendor_ctx_t *v = ctx;
    v->sets++;
    if (v->answer != ACC) {
        return v->answer;
    }
    if (value[0] < '0' || value[0] > '9' || value[1] != '\0') {
        return REJ;
    }
    v->value = value[0] - '0';
    return ACC;
}

static size_t v_get(void *ctx, char *o, size_t cap)
{
    const vendor_ctx_t *v = ctx;
    return (size_t)snprintf(o, cap, "%d", v->value);
}

static size_t v_get_huge(void *ctx, char *o, size_t cap)
{
    (void)ctx;
    memset(o, 'x', cap - 1);
    o[cap - 1] = '\0';
    return cap + 10u;
}

static void test_vendor_keys(void **state)
{
    (void)state;
    ocpp_cfg_t c = fresh();
    vendor_ctx_t vc = {4, 0, ACC};
    const ocpp_vendor_key_t k1 = {"AcmeLedBrightness", false, v_set, v_get, &vc};
    const ocpp_vendor_key_t k_ro = {"AcmeSerial", true, NULL, v_get, &vc};
    const ocpp_vendor_key_t k_ro_set = {"AcmeRoSettable", true, v_set, v_get, &vc};
    const ocpp_vendor_key_t k_huge = {"AcmeHuge", true, NULL, v_get_huge, NULL};
    assert_int_equal(ocpp_cfg_register(&c, &k1), OCPP_OK);
    assert_int_equal(ocpp_cfg_register(&c, &k_ro), OCPP_OK);
    assert_int_equal(ocpp_cfg_register(&c, &k_ro_set), OCPP_OK);
    assert_int_equal(ocpp_cfg_register(&c, &k_huge), OCPP_OK);
    /* get and change */
    assert_string_equal(val(&c, "acmeledbrightness"), "4");
    assert_int_equal(ocpp_cfg_change(&c, "AcmeLedBrightness", "7"), ACC);
    assert_int_equal(vc.value, 7);
    assert_int_equal(ocpp_cfg_change(&c, "AcmeLedBrightness", "77"), REJ);
    vc.answer = OCPP_KEY_REBOOT_REQUIRED;
    assert_int_equal(ocpp_cfg_change(&c, "AcmeLedBrightness", "1"), OCPP_KEY_REBOOT_REQUIRED);
    vc.answer = ACC;
    assert_false(c.dirty); /* the application persists its own keys */
    /* read-only: Rejected remotely; locally only with a setter */
    int sets = vc.sets;
    assert_int_equal(ocpp_cfg_change(&c, "AcmeSerial", "1"), REJ);
    assert_int_equal(ocpp_cfg_set_local(&c, "AcmeSerial", "1"), REJ);
    assert_int_equal(ocpp_cfg_change(&c, "AcmeRoSettable", "1"), REJ);
    assert_int_equal(vc.sets, sets);
    assert_int_equal(ocpp_cfg_set_local(&c, "AcmeRoSettable", "2"), ACC);
    assert_int_equal(vc.value, 2);
    /* listed in GetConfiguration after the standard keys */
    assert_int_equal(getconf(&c, "[\"AcmeSerial\",\"AcmeHuge\"]", sizeof out), OCPP_OK);
    /* a value that does not fit is left out (§7.29: value is optional) */
    assert_string_equal(out, "{\"configurationKey\":["
                             "{\"key\":\"AcmeSerial\",\"readonly\":true,\"value\":\"2\"},"
                             "{\"key\":\"AcmeHuge\",\"readonly\":true}]}");
    assert_int_equal(getconf(&c, NULL, sizeof out), OCPP_OK);
    assert_non_null(
        strstr(out, "{\"key\":\"AcmeLedBrightness\",\"readonly\":false,\"value\":\"2\"}"));
    /* bad registrations */
    const ocpp_vendor_key_t dup = {"ACMESERIAL", true, NULL, v_get, &vc};
    const ocpp_vendor_key_t std = {"HeartbeatInterval", true, NULL, v_get, &vc};
    const ocpp_vendor_key_t no_get = {"AcmeX", true, NULL, NULL, &vc};
    const ocpp_vendor_key_t rw_no_set = {"AcmeY", false, NULL, v_get, &vc};
    const ocpp_vendor_key_t empty = {"", true, NULL, v_get, &vc};
    const ocpp_vendor_key_t noname = {NULL, true, NULL, v_get, &vc};
    const ocpp_vendor_key_t longname = {"A12345678901234567890123456789012345678901234567890", true,
                                        NULL, v_get, &vc};
    assert_int_equal(ocpp_cfg_register(&c, &dup), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_register(&c, &std), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_register(&c, &no_get), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_register(&c, &rw_no_set), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_register(&c, &empty), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_register(&c, &noname), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_register(&c, &longname), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_register(NULL, &k1), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_cfg_register(&c, NULL), OCPP_ERR_PARAM);
    /* too many */
    static ocpp_vendor_key_t more[OCPP_CONFIG_MAX_VENDOR_KEYS];
    static char names[OCPP_CONFIG_MAX_VENDOR_KEYS][16];
    int ok = 4;
    for (int i = 0; i < OCPP_CONFIG_MAX_VENDOR_KEYS; i++) {
        snprintf(names[i], sizeof names[i], "AcmeMore%d", i);
        more[i] = (ocpp_vendor_key_t){names[i], true, NULL, v_get, &vc};
        ocpp_status_t s = ocpp_cfg_register(&c, &more[i]);
        if (ok < OCPP_CONFIG_MAX_VENDOR_KEYS) {
            assert_int_equal(s, OCPP_OK);
            ok++;
        } else {
            assert_int_equal(s, OCPP_ERR_NOMEM);
        }
    }
    assert_int_equal(c.vendor_count, OCPP_CONFIG_MAX_VENDOR_KEYS);
}

/* The measurand lists against a declared meter (ocpp_cfg_set_meter()): OCPP 1.6 §3.16.4 ("one
 * or more measurands that are not supported by this Charge Point ... Rejected"), §9.1.17
 * ("the Measurand is combined with the optional phase; for instance: Voltage.L1"). */
static void test_measurands_declared(void **state)
{
    (void)state;
    static const ocpp_meter_supply_t meter[] = {
        {OCPP_PHASE_BIT(OCPP_PHASE_NONE), OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER},
        {OCPP_PHASE_BIT(OCPP_PHASE_NONE) | OCPP_PHASE_BIT(OCPP_PHASE_L1) |
             OCPP_PHASE_BIT(OCPP_PHASE_L2) | OCPP_PHASE_BIT(OCPP_PHASE_L3) |
             OCPP_PHASE_BIT(OCPP_PHASE_N),
         OCPP_MEASURAND_CURRENT_IMPORT},
        {OCPP_PHASE_BIT(OCPP_PHASE_L1_N) | OCPP_PHASE_BIT(OCPP_PHASE_L2_N), OCPP_MEASURAND_VOLTAGE},
        {0xFFFEu, OCPP_MEASURAND_ENERGY_REACTIVE_IMPORT_REGISTER}, /* every phase, no total */
    };
    ocpp_cfg_t c = fresh();
    ocpp_cfg_set_meter(&c, meter, 4);
    const char *k = "MeterValuesSampledData";
    assert_int_equal(ocpp_cfg_change(&c, k, "Voltage.L1,Current.Import.N"), ACC);
    assert_string_equal(val(&c, k), "Current.Import.N,Voltage.L1");
    /* L1 is also the L1-N value; a list item on a phase takes that phase only */
    assert_true(ocpp_cfg_meas_selects(&c.meter_values_sampled_data, OCPP_MEASURAND_VOLTAGE,
                                      OCPP_PHASE_L1_N));
    assert_true(
        ocpp_cfg_meas_selects(&c.meter_values_sampled_data, OCPP_MEASURAND_VOLTAGE, OCPP_PHASE_L1));
    assert_false(ocpp_cfg_meas_selects(&c.meter_values_sampled_data, OCPP_MEASURAND_VOLTAGE,
                                       OCPP_PHASE_L2_N));
    assert_false(ocpp_cfg_meas_selects(&c.meter_values_sampled_data, OCPP_MEASURAND_VOLTAGE,
                                       OCPP_PHASE_NONE));
    assert_false(ocpp_cfg_meas_selects(&c.meter_values_sampled_data, OCPP_MEASURAND_CURRENT_IMPORT,
                                       OCPP_PHASE_L1));
    static const char *const bad[] = {
        "SoC",          "Voltage,SoC",       "Voltage.L3",
        "Voltage.L3-N", "Voltage.N",         "Energy.Active.Import.Register.L1",
        "Voltage.L1,",  "Voltage.L1 .L2",    "Bogus.L1",
        "Voltage.L1-",  "Current.Import.l1", "Voltage..L1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ocpp_cfg_change(&c, k, bad[i]), REJ);
    }
    assert_string_equal(val(&c, k), "Current.Import.N,Voltage.L1");
    /* a measurand alone: every phase (§3.16.3), also without a total */
    assert_int_equal(ocpp_cfg_change(&c, k, "Energy.Reactive.Import.Register, Voltage"), ACC);
    assert_true(ocpp_cfg_meas_selects(&c.meter_values_sampled_data, OCPP_MEASURAND_VOLTAGE,
                                      OCPP_PHASE_L2_N));
    /* the longest items fit (OCPP_CFG_VALUE_MAX): 8 of 36 characters */
    const char *longest =
        "Energy.Reactive.Import.Register.L1-N,Energy.Reactive.Import.Register.L2-N,"
        "Energy.Reactive.Import.Register.L3-N,Energy.Reactive.Import.Register.L1-L2,"
        "Energy.Reactive.Import.Register.L2-L3,Energy.Reactive.Import.Register.L3-L1,"
        "Energy.Reactive.Import.Register.L1,Energy.Reactive.Import.Register.L2";
    assert_int_equal(ocpp_cfg_change(&c, "StopTxnSampledData", longest), ACC);
    assert_int_equal(strlen(val(&c, "StopTxnSampledData")), strlen(longest));
    /* a stored list is checked against the meter again: an item it no longer supplies
       leaves the key at its default */
    put_record("{\"MeterValuesAlignedData\":\"Voltage.L2,SoC\","
               "\"StopTxnAlignedData\":\"Current.Import.L3,Voltage.L2\"}");
    ocpp_cfg_t d = fresh();
    ocpp_cfg_set_meter(&d, meter, 4);
    assert_int_equal(ocpp_cfg_load(&d, &port, scratch, sizeof scratch), OCPP_OK);
    assert_string_equal(val(&d, "MeterValuesAlignedData"), "Energy.Active.Import.Register");
    assert_string_equal(val(&d, "StopTxnAlignedData"), "Current.Import.L3,Voltage.L2");
    ocpp_cfg_set_meter(NULL, meter, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_access),
        cmocka_unit_test(test_profiles_follow_registration),
        cmocka_unit_test(test_struct_defaults),
        cmocka_unit_test(test_int_ranges),
        cmocka_unit_test(test_int_fields_follow),
        cmocka_unit_test(test_int_junk),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_not_supported_and_names),
        cmocka_unit_test(test_dirty),
        cmocka_unit_test(test_int_edges),
        cmocka_unit_test(test_dirty_per_type),
        cmocka_unit_test(test_measurand_names),
        cmocka_unit_test(test_measurand_lists),
        cmocka_unit_test(test_measurands_declared),
        cmocka_unit_test(test_phase_rotation),
        cmocka_unit_test(test_authorization_key),
        cmocka_unit_test(test_security_profile),
        cmocka_unit_test(test_set_local),
        cmocka_unit_test(test_getconf_all),
        cmocka_unit_test(test_getconf_selected),
        cmocka_unit_test(test_getconf_compiled_out),
        cmocka_unit_test(test_getconf_nomem),
        cmocka_unit_test(test_cache_key),
        cmocka_unit_test_setup(test_save_load_round_trip, reset_store),
        cmocka_unit_test_setup(test_load_errors, reset_store),
        cmocka_unit_test_setup(test_load_corrupt, reset_store),
        cmocka_unit_test_setup(test_load_tolerant, reset_store),
        cmocka_unit_test(test_vendor_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
