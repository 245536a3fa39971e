/*
 * The measurand lists against what the application's meter supplies
 * (ocpp_cp_callbacks_t.meter_supply): OCPP 1.6 §3.16.4 (a measurand the
 * meter cannot supply: Rejected), §9.1.17 ("the Measurand is combined with
 * the optional phase; for instance: Voltage.L1"), §3.16.3 (a measurand
 * without phase: every phase), and the values going out with their phase.
 * A scripted message port; time is passed in, nothing sleeps.
 */
#include "cp_fixture.h"

/* A three-phase meter: the register, the current of each line, the voltage of each line to N. */
static const ocpp_meter_supply_t k_supply[] = {
    {OCPP_PHASE_BIT(OCPP_PHASE_NONE), OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER},
    {OCPP_PHASE_BIT(OCPP_PHASE_L1) | OCPP_PHASE_BIT(OCPP_PHASE_L2) | OCPP_PHASE_BIT(OCPP_PHASE_L3),
     OCPP_MEASURAND_CURRENT_IMPORT},
    {OCPP_PHASE_BIT(OCPP_PHASE_L1_N) | OCPP_PHASE_BIT(OCPP_PHASE_L2_N) |
         OCPP_PHASE_BIT(OCPP_PHASE_L3_N),
     OCPP_MEASURAND_VOLTAGE},
};

static size_t meter3(void *ctx, uint8_t c, ocpp_sample_t *out, size_t cap)
{
    fx_t *x = ctx;
    if (cap < 7u || c == 0u || c > 2u) {
        return 0;
    }
    out[0] = (ocpp_sample_t){.measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
                             .value = x->meter_wh[c]};
    for (unsigned p = 0; p < 3u; p++) {
        out[1u + p] = (ocpp_sample_t){.measurand = OCPP_MEASURAND_CURRENT_IMPORT,
                                      .phase = (ocpp_phase_t)(OCPP_PHASE_L1 + p),
                                      .value = 16001 + p,
                                      .scale = 3};
        out[4u + p] = (ocpp_sample_t){.measurand = OCPP_MEASURAND_VOLTAGE,
                                      .phase = (ocpp_phase_t)(OCPP_PHASE_L1_N + p),
                                      .value = 2301 + p,
                                      .scale = 1};
    }
    return 7;
}

static void three_phase(ocpp_cp_callbacks_t *cb)
{
    cb->read_meter = meter3;
    cb->meter_supply = k_supply;
    cb->meter_supply_count = 3;
}

/** fx_boot() with the three-phase meter, declared. */
static fx_t *boot3(void)
{
    return fx_boot_with(three_phase);
}

/** ChangeConfiguration key=value from the CSMS: the status answered. */
static const char *change(fx_t *x, const char *key, const char *value)
{
    char buf[MSG_CAP];
    snprintf(buf, sizeof buf,
             "[2,\"cc\",\"ChangeConfiguration\",{\"key\":\"%s\",\"value\":\"%s\"}]", key, value);
    push(x, buf);
    step(x, 0);
    assert_true(strncmp(last(x), "[3,\"cc\",{\"status\":\"", 19) == 0);
    return last(x) + 19;
}

static const char *get(fx_t *x, const char *key)
{
    static char v[512];
    assert_int_equal(ocpp_cp_key_get(&x->cp, key, v, sizeof v), OCPP_OK);
    return v;
}

/* §3.16.4 "If the comma separated list contains one or more measurands that
 * are not supported by this Charge Point, the Charge Point SHALL respond
 * with: ChangeConfiguration.conf with: status = Rejected. No changes SHALL be
 * made"; §9.1.17: "Voltage.L1". */
static void test_lists_follow_the_meter(void **s)
{
    (void)s;
    fx_t *x = boot3();
    static const char *const keys[] = {"MeterValuesSampledData", "MeterValuesAlignedData",
                                       "StopTxnSampledData", "StopTxnAlignedData"};
    for (size_t i = 0; i < 4; i++) {
        const char *k = keys[i];
        assert_string_equal(change(x, k, "Current.Import.L2,Voltage.L1"), "Accepted\"}]");
        assert_string_equal(get(x, k), "Current.Import.L2,Voltage.L1");
        static const char *const bad[] = {
            "SoC",                              /* not supplied */
            "Power.Active.Import",              /* not supplied */
            "Voltage,SoC",                      /* one bad item rejects all */
            "Current.Import.N",                 /* a phase it does not read */
            "Current.Import.L1-N",              /* nor this one */
            "Voltage.L1-L2",                    /* nor this one */
            "Energy.Active.Import.Register.L1", /* a total only */
            "Voltage.L4",                       /* no phase */
            "Voltage.l1",                       /* case-sensitive, as the enums */
            "Voltage.",
            "Voltage.L1.L2",
            ".L1",
            "L1",
        };
        for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++) {
            assert_string_equal(change(x, k, bad[j]), "Rejected\"}]");
        }
        assert_string_equal(get(x, k), "Current.Import.L2,Voltage.L1");
        assert_string_equal(change(x, k, "Voltage.L3-N,Current.Import,Voltage,Current.Import.L2"),
                            "Accepted\"}]");
        assert_string_equal(get(x, k), "Current.Import,Current.Import.L2,Voltage,Voltage.L3-N");
    }
    /* Without a declaration (meter_supply NULL) every measurand without a
     * phase is taken, as before; a phase-qualified item is Rejected. */
    x = fx_boot();
    assert_string_equal(change(x, "MeterValuesSampledData", "SoC,Voltage"), "Accepted\"}]");
    assert_string_equal(change(x, "MeterValuesSampledData", "Voltage.L1"), "Rejected\"}]");
    assert_string_equal(get(x, "MeterValuesSampledData"), "Voltage,SoC");
}

/* §3.16.3 "When a Charge Point can measure the same measurand on multiple
 * locations or phases, all possible locations and/or phases SHALL be
 * reported when configured"; a phase-qualified item takes that phase only,
 * and every value goes out with its phase (§7.43 SampledValue.phase). */
static void test_phase_values_sent(void **s)
{
    (void)s;
    fx_t *x = boot3();
    assert_string_equal(change(x, "MeterValuesSampledData", "Current.Import.L2,Voltage.L1"),
                        "Accepted\"}]");
    assert_string_equal(change(x, "StopTxnSampledData", "Current.Import"), "Accepted\"}]");
    assert_string_equal(change(x, "MeterValueSampleInterval", "10"), "Accepted\"}]");
    assert_int_equal(ocpp_cp_plugged(&x->cp, 1, true), OCPP_OK);
    assert_int_equal(ocpp_cp_present_id(&x->cp, 1, "TAG1"), OCPP_OK);
    step(x, 0);
    ack_status(x);
    reply(x, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
    ack_status(x);
    assert_true(is_call(last(x), "StartTransaction"));
    reply(x, "{\"transactionId\":7,\"idTagInfo\":{\"status\":\"Accepted\"}}");
    ack_status(x);
    step(x, 10000);
    assert_true(is_call(last(x), "MeterValues"));
    assert_non_null(
        strstr(last(x), "\"sampledValue\":[{\"value\":\"16.002\",\"context\":\"Sample.Periodic\","
                        "\"measurand\":\"Current.Import\",\"phase\":\"L2\",\"unit\":\"A\"},"
                        "{\"value\":\"230.1\",\"context\":\"Sample.Periodic\",\"measurand\":"
                        "\"Voltage\",\"phase\":\"L1-N\",\"unit\":\"V\"}]"));
    reply(x, "{}");
    ocpp_cp_stop(&x->cp, 1, OCPP_STOP_LOCAL);
    step(x, 0);
    ack_status(x);
    assert_true(is_call(last(x), "StopTransaction"));
    assert_non_null(strstr(last(x), "\"phase\":\"L1\""));
    assert_non_null(strstr(last(x), "\"phase\":\"L2\""));
    assert_non_null(strstr(last(x), "\"phase\":\"L3\""));
    assert_null(strstr(last(x), "Voltage"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists_follow_the_meter),
        cmocka_unit_test(test_phase_values_sent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
