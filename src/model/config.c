/**
 * @file config.c
 * @brief The configuration keys: one static table of key descriptors (name,
 *        type, access, range, field offset), typed parsing and formatting,
 *        GetConfiguration.conf, persistence as one JSON record.
 *
 * Defaults (set by ocpp_cfg_init(), see `k_defaults` below) and why:
 * - HeartbeatInterval 300: only used until BootNotification.conf sets the
 *   interval (OCPP 1.6 §4.2); 5 minutes is a common vendor default.
 * - ConnectionTimeOut 60: a minute to plug in after authorizing is what
 *   chargers in the field ship with (long enough to unroll a cable).
 * - MeterValueSampleInterval 60: errata 3.13 calls sampled data "frequent
 *   (e.g. 1-5 minute interval)".
 * - ClockAlignedDataInterval 900: the spec's own example (§9.1.5) and the
 *   usual 15-minute billing/settlement period.
 * - MinimumStatusDuration 0: report status changes at once (CSMS and OCTT
 *   expect prompt StatusNotifications).
 * - WebSocketPingInterval 60: below the idle timeout of common NATs and
 *   mobile carriers' firewalls.
 * - TransactionMessageAttempts 3, TransactionMessageRetryInterval 60: a few
 *   tries, a minute apart (§4.10 suggests retries with growing intervals).
 * - ResetRetries 3. MaxEnergyOnInvalidId 0: no free energy.
 * - MessageTimeout 30: the charge point's default CALL timeout (30000 ms).
 * - AuthorizationCacheEnabled true, LocalAuthorizeOffline true: keep known
 *   drivers charging when the network is down. (With the cache compiled out,
 *   OCPP_CONFIG_AUTH_CACHE_SIZE 0, the key does not exist and the field is
 *   false.)
 * - AuthorizeRemoteTxRequests false: the CSMS has already decided when it
 *   sends RemoteStartTransaction; no extra Authorize round trip.
 * - LocalPreAuthorize false, AllowOfflineTxForUnknownId false: no start
 *   without the CSMS's word while online, no charging for unknown ids.
 * - StopTransactionOnEVSideDisconnect true, StopTransactionOnInvalidId true,
 *   UnlockConnectorOnEVSideDisconnect true: the usual socket charger.
 * - MeterValuesSampledData, MeterValuesAlignedData
 *   "Energy.Active.Import.Register" (§9.1.17's default); StopTxnSampledData,
 *   StopTxnAlignedData "" (no meter values in StopTransaction.req, §3.16.5:
 *   keeps it small; the meter start/stop values carry the energy).
 * - ConnectorPhaseRotation: "Unknown" for every connector.
 * - LocalAuthListEnabled true; LocalAuthListMaxLength, SendLocalListMaxLength
 *   32: placeholders until the module that owns that storage sets its real
 *   capacity with ocpp_cfg_set_local(). ChargeProfileMaxStackLevel 8, rate
 *   units Current and Power; ChargingScheduleMaxPeriods and
 *   MaxChargingProfilesInstalled are the room of the Smart Charging module
 *   (OCPP_CONFIG_CHARGING_PERIODS_MAX, OCPP_CONFIG_CHARGING_PROFILES_MAX;
 *   set lower locally, they are enforced as set).
 * - SecurityProfile 0 (whitepaper §7.6: "Default, when no security profile
 *   is yet configured: 0"), no AuthorizationKey.
 */
#include <string.h>

#include "model/config.h"
#include "util/text.h"

/* ------------------------------------------------------------------------ */
/* The key table                                                             */
/* ------------------------------------------------------------------------ */

/** Value types. */
enum {
    T_I32,      /**< int32_t field, range checked. */
    T_U16,      /**< uint16_t field, range checked. */
    T_BOOL,     /**< bool field. */
    T_MEAS,     /**< ocpp_cfg_meas_t measurand list. */
    T_PHASE,    /**< ConnectorPhaseRotation nibbles. */
    T_AUTH_KEY, /**< AuthorizationKey bytes + length. */
    T_SEC_PROF, /**< SecurityProfile (uint8_t, may only be raised remotely). */
    T_STR,      /**< CpoName: char array, NUL-terminated. */
    T_RATE,     /**< uint8_t mask of OCPP_CFG_RATE_UNIT_*. */
    T_U8,       /**< uint8_t, never settable (NumberOfConnectors). */
    T_PROFILES, /**< SupportedFeatureProfiles, computed. */
    T_MEAS_MAX, /**< *MaxLength of a measurand list, computed. */
    T_FTP,      /**< SupportedFileTransferProtocols: the transfer port's list. */
    T_PHASE_MAX /**< ConnectorPhaseRotationMaxLength, computed. */
};

/** Access flags (low nibble of key_def_t.attr); the range index is the high nibble. */
#define F_RO               0x1u /**< Read-only to the Central System. */
#define F_LOCAL            0x2u /**< ...but the application may set it (capability keys). */
#define F_WO               0x4u /**< Write-only: never reported. */
#define F_PERSIST          0x8u /**< Saved in the "config" record. */
#define ATTR(flags, range) ((uint8_t)((flags) | ((range) << 4)))

/** Ranges of numeric keys (index in the high nibble of attr). */
enum { R_NONE, R_SECONDS, R_DAY, R_COUNT, R_NONNEG, R_TIMEOUT, R_KEYS, R_U16, R_CHAIN, R_PROF };

typedef struct {
    int32_t min;
    int32_t max;
} range_t;

static const range_t k_ranges[] = {
    [R_NONE] = {0, 0},
    [R_SECONDS] = {0, 604800}, /* one week: in ms it still fits an int32_t */
    [R_DAY] = {0, 86400},      /* a clock-aligned interval longer than a day means nothing */
    [R_COUNT] = {0, 255},
    [R_NONNEG] = {0, INT32_MAX},
    [R_TIMEOUT] = {1, 3600},
    [R_KEYS] = {1, 1000},
    [R_U16] = {0, 65535},
    [R_CHAIN] = {0, 10000}, /* whitepaper §7.3: at most 10.000 characters */
    [R_PROF] = {0, 3},
};

/** One key. 8 bytes on 32-bit targets. */
typedef struct {
    const char *name;
    uint16_t off; /**< offsetof the field in ocpp_cfg_t (unused for computed types). */
    uint8_t type; /**< T_* | feature profile << 4 (the bit number of its OCPP_CFG_PROFILE_*) */
    uint8_t attr; /**< F_* | range << 4 */
} key_def_t;

/** The value type of a key, and the profile whose key it is (0: Core). */
#define KTYPE(k)          ((uint8_t)((k)->type & 0x0Fu))
#define KPROFILE(k)       ((unsigned)((k)->type >> 4))
#define PROF_TYPE(t, bit) ((uint8_t)((t) | ((bit) << 4)))
#define P_FW              1u /* OCPP_CFG_PROFILE_FIRMWARE */
#define P_LA              2u /* OCPP_CFG_PROFILE_LOCAL_AUTH */
#define P_RES             3u /* OCPP_CFG_PROFILE_RESERVATION */
#define P_SC              4u /* OCPP_CFG_PROFILE_SMART_CHARGING */

#define OFF(f) ((uint16_t)offsetof(ocpp_cfg_t, f))
#define RW_P   F_PERSIST
#define RO_L   (F_RO | F_LOCAL)

/** Every standard key, in the order of the spec; GetConfiguration lists them so. */
static const key_def_t k_keys[] = {
    /* OCPP 1.6 §9.1 Core profile */
    {"AllowOfflineTxForUnknownId", OFF(allow_offline_tx_for_unknown_id), T_BOOL, ATTR(RW_P, 0)},
#if OCPP_CONFIG_AUTH_CACHE_SIZE > 0
    /* §9.1.2: "If this key exists, the Charge Point supports an Authorization
       Cache": without one (OCPP_CONFIG_AUTH_CACHE_SIZE 0) the key does not
       exist, so ChangeConfiguration answers NotSupported (§5.3: "If key does
       not correspond to a configuration setting supported by Charge Point")
       and GetConfiguration lists it as unknown. */
    {"AuthorizationCacheEnabled", OFF(authorization_cache_enabled), T_BOOL, ATTR(RW_P, 0)},
#endif
    {"AuthorizeRemoteTxRequests", OFF(authorize_remote_tx_requests), T_BOOL, ATTR(RW_P, 0)},
    {"ClockAlignedDataInterval", OFF(clock_aligned_data_interval), T_I32, ATTR(RW_P, R_DAY)},
    {"ConnectionTimeOut", OFF(connection_time_out), T_I32, ATTR(RW_P, R_SECONDS)},
    {"ConnectorPhaseRotation", OFF(connector_phase_rotation), T_PHASE, ATTR(RW_P, 0)},
    {"ConnectorPhaseRotationMaxLength", 0, T_PHASE_MAX, ATTR(F_RO, 0)},
    {"GetConfigurationMaxKeys", OFF(get_configuration_max_keys), T_I32, ATTR(RO_L, R_KEYS)},
    {"HeartbeatInterval", OFF(heartbeat_interval), T_I32, ATTR(RW_P, R_SECONDS)},
    {"LocalAuthorizeOffline", OFF(local_authorize_offline), T_BOOL, ATTR(RW_P, 0)},
    {"LocalPreAuthorize", OFF(local_pre_authorize), T_BOOL, ATTR(RW_P, 0)},
    {"MaxEnergyOnInvalidId", OFF(max_energy_on_invalid_id), T_I32, ATTR(RW_P, R_NONNEG)},
    {"MessageTimeout", OFF(message_timeout), T_I32, ATTR(RW_P, R_TIMEOUT)},
    {"MeterValuesAlignedData", OFF(meter_values_aligned_data), T_MEAS, ATTR(RW_P, 0)},
    {"MeterValuesAlignedDataMaxLength", 0, T_MEAS_MAX, ATTR(F_RO, 0)},
    {"MeterValuesSampledData", OFF(meter_values_sampled_data), T_MEAS, ATTR(RW_P, 0)},
    {"MeterValuesSampledDataMaxLength", 0, T_MEAS_MAX, ATTR(F_RO, 0)},
    {"MeterValueSampleInterval", OFF(meter_value_sample_interval), T_I32, ATTR(RW_P, R_SECONDS)},
    {"MinimumStatusDuration", OFF(minimum_status_duration), T_I32, ATTR(RW_P, R_SECONDS)},
    {"NumberOfConnectors", OFF(number_of_connectors), T_U8, ATTR(F_RO, 0)},
    {"ResetRetries", OFF(reset_retries), T_I32, ATTR(RW_P, R_COUNT)},
    {"StopTransactionOnEVSideDisconnect", OFF(stop_transaction_on_ev_side_disconnect), T_BOOL,
     ATTR(RW_P, 0)},
    {"StopTransactionOnInvalidId", OFF(stop_transaction_on_invalid_id), T_BOOL, ATTR(RW_P, 0)},
    {"StopTxnAlignedData", OFF(stop_txn_aligned_data), T_MEAS, ATTR(RW_P, 0)},
    {"StopTxnAlignedDataMaxLength", 0, T_MEAS_MAX, ATTR(F_RO, 0)},
    {"StopTxnSampledData", OFF(stop_txn_sampled_data), T_MEAS, ATTR(RW_P, 0)},
    {"StopTxnSampledDataMaxLength", 0, T_MEAS_MAX, ATTR(F_RO, 0)},
    {"SupportedFeatureProfiles", 0, T_PROFILES, ATTR(F_RO, 0)},
    {"TransactionMessageAttempts", OFF(transaction_message_attempts), T_I32, ATTR(RW_P, R_COUNT)},
    {"TransactionMessageRetryInterval", OFF(transaction_message_retry_interval), T_I32,
     ATTR(RW_P, R_SECONDS)},
    {"UnlockConnectorOnEVSideDisconnect", OFF(unlock_connector_on_ev_side_disconnect), T_BOOL,
     ATTR(RW_P, 0)},
    {"WebSocketPingInterval", OFF(web_socket_ping_interval), T_I32, ATTR(RW_P, R_SECONDS)},
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    /* §9.2 Local Auth List Management profile */
    {"LocalAuthListEnabled", OFF(local_auth_list_enabled), PROF_TYPE(T_BOOL, P_LA), ATTR(RW_P, 0)},
    {"LocalAuthListMaxLength", OFF(local_auth_list_max_length), PROF_TYPE(T_U16, P_LA),
     ATTR(RO_L, R_U16)},
    {"SendLocalListMaxLength", OFF(send_local_list_max_length), PROF_TYPE(T_U16, P_LA),
     ATTR(RO_L, R_U16)},
#endif
#if OCPP_CONFIG_PROFILE_RESERVATION
    /* §9.3 Reservation profile */
    {"ReserveConnectorZeroSupported", OFF(reserve_connector_zero_supported),
     PROF_TYPE(T_BOOL, P_RES), ATTR(RO_L, 0)},
#endif
#if OCPP_CONFIG_PROFILE_SMART_CHARGING
    /* §9.4 Smart Charging profile */
    {"ChargeProfileMaxStackLevel", OFF(charge_profile_max_stack_level), PROF_TYPE(T_U16, P_SC),
     ATTR(RO_L, R_U16)},
    {"ChargingScheduleAllowedChargingRateUnit", OFF(charging_schedule_allowed_charging_rate_unit),
     PROF_TYPE(T_RATE, P_SC), ATTR(RO_L, 0)},
    {"ChargingScheduleMaxPeriods", OFF(charging_schedule_max_periods), PROF_TYPE(T_U16, P_SC),
     ATTR(RO_L, R_U16)},
    {"ConnectorSwitch3to1PhaseSupported", OFF(connector_switch_3to1_phase_supported),
     PROF_TYPE(T_BOOL, P_SC), ATTR(RO_L, 0)},
    {"MaxChargingProfilesInstalled", OFF(max_charging_profiles_installed), PROF_TYPE(T_U16, P_SC),
     ATTR(RO_L, R_U16)},
#endif
#if OCPP_CONFIG_PROFILE_FIRMWARE
    /* §9.5 Firmware Management profile (errata 3.90) */
    {"SupportedFileTransferProtocols", 0, PROF_TYPE(T_FTP, P_FW), ATTR(F_RO, 0)},
#endif
/* Security whitepaper ed. 3 §7 */
#if OCPP_CONFIG_SECURITY_CERTS
    {"AdditionalRootCertificateCheck", OFF(additional_root_certificate_check), T_BOOL,
     ATTR(RO_L, 0)},
#endif
    {"AuthorizationKey", OFF(authorization_key_len), T_AUTH_KEY, ATTR(F_WO | F_PERSIST, 0)},
#if OCPP_CONFIG_SECURITY_CERTS
    {"CertificateSignedMaxChainSize", OFF(certificate_signed_max_chain_size), T_U16,
     ATTR(RO_L, R_CHAIN)},
    {"CertificateStoreMaxLength", OFF(certificate_store_max_length), T_U16, ATTR(RO_L, R_U16)},
    {"CpoName", OFF(cpo_name), T_STR, ATTR(RW_P, 0)},
#endif
    {"SecurityProfile", OFF(security_profile), T_SEC_PROF, ATTR(RW_P, R_PROF)},
};

#define N_KEYS (sizeof k_keys / sizeof k_keys[0])

static uint8_t key_flags(const key_def_t *k)
{
    return (uint8_t)(k->attr & 0x0Fu);
}

static const range_t *key_range(const key_def_t *k)
{
    return &k_ranges[k->attr >> 4];
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

/* Packed string tables (see ocpp_text_nth()): 4 bytes an entry less than
 * pointer tables. */
/* Measurand names (packed), and where each starts: ocpp_measurand_name() is
 * called for every sampled value, so it does not walk the table. */
#define M0  "Energy.Active.Export.Register"
#define M1  "Energy.Active.Import.Register"
#define M2  "Energy.Reactive.Export.Register"
#define M3  "Energy.Reactive.Import.Register"
#define M4  "Energy.Active.Export.Interval"
#define M5  "Energy.Active.Import.Interval"
#define M6  "Energy.Reactive.Export.Interval"
#define M7  "Energy.Reactive.Import.Interval"
#define M8  "Power.Active.Export"
#define M9  "Power.Active.Import"
#define M10 "Power.Offered"
#define M11 "Power.Reactive.Export"
#define M12 "Power.Reactive.Import"
#define M13 "Power.Factor"
#define M14 "Current.Import"
#define M15 "Current.Export"
#define M16 "Current.Offered"
#define M17 "Voltage"
#define M18 "Frequency"
#define M19 "Temperature"
#define M20 "SoC"
#define M21 "RPM"
static const char k_measurands[] =
    M0 "\0" M1 "\0" M2 "\0" M3 "\0" M4 "\0" M5 "\0" M6 "\0" M7 "\0" M8 "\0" M9 "\0" M10 "\0" M11
       "\0" M12 "\0" M13 "\0" M14 "\0" M15 "\0" M16 "\0" M17 "\0" M18 "\0" M19 "\0" M20 "\0" M21;
enum {
    MO0 = 0,
    MO1 = MO0 + sizeof M0,
    MO2 = MO1 + sizeof M1,
    MO3 = MO2 + sizeof M2,
    MO4 = MO3 + sizeof M3,
    MO5 = MO4 + sizeof M4,
    MO6 = MO5 + sizeof M5,
    MO7 = MO6 + sizeof M6,
    MO8 = MO7 + sizeof M7,
    MO9 = MO8 + sizeof M8,
    MO10 = MO9 + sizeof M9,
    MO11 = MO10 + sizeof M10,
    MO12 = MO11 + sizeof M11,
    MO13 = MO12 + sizeof M12,
    MO14 = MO13 + sizeof M13,
    MO15 = MO14 + sizeof M14,
    MO16 = MO15 + sizeof M15,
    MO17 = MO16 + sizeof M16,
    MO18 = MO17 + sizeof M17,
    MO19 = MO18 + sizeof M18,
    MO20 = MO19 + sizeof M19,
    MO21 = MO20 + sizeof M20,
};
static const uint16_t k_measurand_at[OCPP_MEASURAND_COUNT] = {
    MO0,  MO1,  MO2,  MO3,  MO4,  MO5,  MO6,  MO7,  MO8,  MO9,  MO10,
    MO11, MO12, MO13, MO14, MO15, MO16, MO17, MO18, MO19, MO20, MO21};

/** Phase names (OCPP 1.6 §7.30), by ocpp_phase_t - 1 (NONE has none). */
static const char k_phases[] = "L1\0L2\0L3\0N\0L1-N\0L2-N\0L3-N\0L1-L2\0L2-L3\0L3-L1";
_Static_assert(OCPP_PHASE_L3_L1 + 1 == OCPP_CFG_PHASES, "OCPP_CFG_PHASES");

const char *ocpp_cfg_phase_name(ocpp_phase_t p)
{
    return ocpp_text_nth(k_phases, OCPP_CFG_PHASES - 1u, (unsigned)p - 1u, NULL);
}

/** Indexed by ocpp_phase_rotation_t (UNSET has no name). */
static const char k_rotations[] = "\0NotApplicable\0Unknown\0RST\0RTS\0SRT\0STR\0TRS\0TSR";
#define N_ROTATIONS 9u

static const char k_rate_units[] = "Current\0Power";

static const char *const k_results[] = {"Accepted", "Rejected", "RebootRequired", "NotSupported"};

const char *ocpp_measurand_name(ocpp_measurand_t m)
{
    return ((unsigned)m < OCPP_MEASURAND_COUNT) ? k_measurands + k_measurand_at[m] : NULL;
}

const char *ocpp_key_result_str(ocpp_key_result_t r)
{
    return ((unsigned)r < 4u) ? k_results[r] : "?";
}

/* ------------------------------------------------------------------------ */
/* Text helpers (slices: pointer + length)                                   */
/* ------------------------------------------------------------------------ */

/** s[0..n) equals the C string z exactly. */
static bool eq(const char *s, size_t n, const char *z)
{
    return strlen(z) == n && memcmp(s, z, n) == 0;
}

/** Index of s[0..n) in the packed table names[0..count), case-insensitive
 *  if `ci`, or -1. */
static int find_name(const char *names, size_t count, const char *s, size_t n, bool ci)
{
    for (size_t i = 0; i < count; i++, names += strlen(names) + 1u) {
        if (ci ? ocpp_ascii_ieqn(s, n, names) : eq(s, n, names)) {
            return (int)i;
        }
    }
    return -1;
}

bool ocpp_measurand_parse(const char *s, size_t n, ocpp_measurand_t *out)
{
    int i = (s == NULL) ? -1 : find_name(k_measurands, OCPP_MEASURAND_COUNT, s, n, false);
    if (i < 0) {
        return false;
    }
    if (out != NULL) {
        *out = (ocpp_measurand_t)i;
    }
    return true;
}

/**
 * Decimal integer: optional '-', 1..10 digits, nothing else, within r. In 32
 * bits (no 64-bit arithmetic on 32-bit targets): every range is within
 * 0..INT32_MAX, so a value above INT32_MAX is out of range before it could
 * overflow, and a negative one is too unless it is -0.
 */
static bool parse_int(const char *s, size_t n, const range_t *r, int32_t *out)
{
    size_t i = 0;
    bool neg = (n > 0 && s[0] == '-');
    uint32_t v = 0;
    if (neg) {
        i = 1;
    }
    if (i == n || n - i > 10u) {
        return false;
    }
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9u || v > (uint32_t)INT32_MAX / 10u) {
            return false; /* not a digit, or v * 10 > INT32_MAX >= r->max */
        }
        v = v * 10u + d;
    }
    if ((neg && v != 0u) || v < (uint32_t)r->min || v > (uint32_t)r->max) {
        return false;
    }
    *out = (int32_t)v;
    return true;
}

static bool parse_bool(const char *s, size_t n, bool *out)
{
    int i = find_name("false\0true", 2u, s, n, true);
    *out = i > 0;
    return i >= 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/** Comma-separated list cursor. */
typedef struct {
    const char *p;
    const char *end;
    bool done;
} csl_t;

/** Start a list; a value of only blanks is the empty list. */
static void csl_init(csl_t *c, const char *s, size_t n)
{
    c->p = s;
    c->end = s + n;
    while (c->p < c->end && is_blank(*c->p)) {
        c->p++;
    }
    c->done = (c->p == c->end);
}

/** Next item, blanks trimmed (may be empty: "a,,b"). False at the end. */
static bool csl_next(csl_t *c, const char **item, size_t *len)
{
    if (c->done) {
        return false;
    }
    const char *e = c->p;
    while (e < c->end && *e != ',') {
        e++;
    }
    const char *b = c->p;
    const char *t = e;
    while (b < t && is_blank(*b)) {
        b++;
    }
    while (t > b && is_blank(t[-1])) {
        t--;
    }
    *item = b;
    *len = (size_t)(t - b);
    c->done = (e == c->end);
    c->p = e + (c->done ? 0 : 1);
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    int l = ocpp_ascii_lower(c);
    return (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
}

/* ------------------------------------------------------------------------ */
/* Parsers of the value types: validate fully, then store. Each returns      */
/* REJECTED or ACCEPTED and sets *changed when the stored value changed.     */
/* ------------------------------------------------------------------------ */

/** The meter supplies measurand m on phase p (p NONE: on any phase; L1..L3 also
 *  means L1-N..L3-N). Not declared: any measurand, without phase. */
static bool supplied(const ocpp_cfg_t *cfg, unsigned m, unsigned p)
{
    if (cfg->meter_supply == NULL) {
        return p == OCPP_PHASE_NONE;
    }
    for (unsigned i = 0; i < cfg->meter_supply_count; i++) {
        const ocpp_meter_supply_t *e = &cfg->meter_supply[i];
        if (e->measurand == m) {
            unsigned want = p == OCPP_PHASE_NONE ? 0xFFFFu : 1u << p;
            if (p >= OCPP_PHASE_L1 && p <= OCPP_PHASE_L3) {
                want |= 1u << (p + OCPP_PHASE_L1_N - OCPP_PHASE_L1);
            }
            return (e->phases & want) != 0u;
        }
    }
    return false;
}

/** One item: "<Measurand>" or "<Measurand>.<Phase>" (§9.1.17). */
static bool meas_item(const ocpp_cfg_t *cfg, const char *s, size_t n, uint8_t *out)
{
    ocpp_measurand_t m;
    int p = 0;
    if (!ocpp_measurand_parse(s, n, &m)) {
        size_t d = n; /* after the last '.' */
        while (d > 0u && s[d - 1u] != '.') {
            d--;
        }
        p = d > 1u && ocpp_measurand_parse(s, d - 1u, &m)
                ? find_name(k_phases, OCPP_CFG_PHASES - 1u, s + d, n - d, false) + 1
                : 0;
        if (p == 0) {
            return false;
        }
    }
    *out = OCPP_CFG_MEAS_ITEM(m, p);
    return supplied(cfg, (unsigned)m, (unsigned)p);
}

static bool parse_meas(const ocpp_cfg_t *cfg, const char *s, size_t n, ocpp_cfg_meas_t *l)
{
    csl_t c;
    const char *item;
    size_t len;
    unsigned count = 0;
    csl_init(&c, s, n);
    while (csl_next(&c, &item, &len)) {
        uint8_t it;
        /* OCPP 1.6 §3.16.4: a measurand the meter does not supply rejects the
           whole list ("No changes SHALL be made"). */
        if (++count > OCPP_CONFIG_MEASURANDS_MAX || !meas_item(cfg, item, len, &it)) {
            return false;
        }
        size_t j = l->n; /* kept in order: measurand, then phase */
        while (j > 0u && l->item[j - 1u] > it) {
            j--;
        }
        if (j == 0u || l->item[j - 1u] != it) {
            memmove(&l->item[j + 1u], &l->item[j], l->n - j);
            l->item[j] = it;
            l->n++;
        }
    }
    return true;
}

bool ocpp_cfg_meas_selects(const ocpp_cfg_meas_t *l, ocpp_measurand_t m, ocpp_phase_t p)
{
    unsigned all = OCPP_CFG_MEAS_ITEM(m, OCPP_PHASE_NONE);
    unsigned line = (p >= OCPP_PHASE_L1_N && p <= OCPP_PHASE_L3_N)
                        ? all + (unsigned)p - (OCPP_PHASE_L1_N - OCPP_PHASE_L1)
                        : all + (unsigned)p;
    for (unsigned i = 0; i < l->n; i++) {
        unsigned it = l->item[i];
        if (it == all || it == all + (unsigned)p || it == line) {
            return true;
        }
    }
    return false;
}

static void rot_put(uint8_t *nib, unsigned c, unsigned v)
{
    unsigned shift = (c & 1u) * 4u;
    nib[c / 2u] = (uint8_t)((nib[c / 2u] & ~(0x0Fu << shift)) | (v << shift));
}

static unsigned rot_at(const uint8_t *nib, unsigned c)
{
    return (nib[c / 2u] >> ((c & 1u) * 4u)) & 0x0Fu;
}

/** One "c.ROT" item (or a bare "ROT" for connectors 1..n) into nib. */
static bool phase_item(uint8_t *nib, unsigned n_conn, const char *s, size_t len)
{
    const char *dot = memchr(s, '.', len);
    int32_t c = -1;
    static const range_t conn_range = {0, OCPP_CONFIG_MAX_CONNECTORS};
    if (dot != NULL && !parse_int(s, (size_t)(dot - s), &conn_range, &c)) {
        return false;
    }
    size_t off = (dot == NULL) ? 0 : (size_t)(dot - s) + 1u;
    int r = find_name(k_rotations + 1, N_ROTATIONS - 1u, s + off, len - off, true);
    if (r < 0 || c > (int32_t)n_conn) {
        return false;
    }
    unsigned first = (c < 0) ? 1u : (unsigned)c;
    unsigned last = (c < 0) ? n_conn : (unsigned)c;
    for (unsigned i = first; i <= last; i++) {
        rot_put(nib, i, (unsigned)r + 1u);
    }
    return true;
}

static bool parse_phase(const ocpp_cfg_t *cfg, const char *s, size_t n, uint8_t *nib)
{
    csl_t c;
    const char *item;
    size_t len;
    unsigned count = 0;
    csl_init(&c, s, n);
    while (csl_next(&c, &item, &len)) {
        /* §9.1.8: at most ConnectorPhaseRotationMaxLength (= connectors + 1) items */
        if (++count > cfg->number_of_connectors + 1u ||
            !phase_item(nib, cfg->number_of_connectors, item, len)) {
            return false;
        }
    }
    return true;
}

/**
 * AuthorizationKey (whitepaper §7.2, A00.FR.205): 16..20 bytes, "hexadecimal
 * represented (... up to 40 hexadecimal digits)". 32..40 hex digits (even) are
 * decoded; the OCTT (TC_085_CS) expects the decoded bytes as the Basic
 * password. Many Central Systems send the password itself: 16..20 characters
 * are taken as they are. Anything else is Rejected.
 */
static bool parse_auth_key(const char *s, size_t n, uint8_t *out)
{
    uint8_t *key = out + 1; /* out[0]: the length */
    size_t len = 0;
    bool hex = (n >= (size_t)2u * OCPP_CFG_AUTH_KEY_MIN &&
                n <= (size_t)2u * OCPP_CFG_AUTH_KEY_MAX && n % 2u == 0);
    for (size_t i = 0; hex && i < n; i += 2u) {
        int hi = hex_digit(s[i]);
        int lo = hex_digit(s[i + 1u]);
        hex = (hi >= 0 && lo >= 0);
        if (hex) {
            key[len++] = (uint8_t)(((unsigned)hi << 4) | (unsigned)lo);
        }
    }
    if (!hex) {
        if (n < OCPP_CFG_AUTH_KEY_MIN || n > OCPP_CFG_AUTH_KEY_MAX) {
            return false;
        }
        memcpy(key, s, n);
        len = n;
    }
    out[0] = (uint8_t)len;
    return true;
}

/** Whitepaper §7.6 and A05.FR.01-04; `local` skips the rules (an installer's choice). */
static bool parse_sec_prof(const ocpp_cfg_t *cfg, const char *s, size_t n, bool local, uint8_t *out)
{
    int32_t v;
    if (!parse_int(s, n, &k_ranges[R_PROF], &v)) {
        return false;
    }
    if (!local && (v <= cfg->security_profile || v > cfg->security_profile_max ||
                   ((v == 1 || v == 2) && cfg->authorization_key_len == 0))) {
        return false;
    }
    *out = (uint8_t)v;
    return true;
}

static bool parse_rate(const char *s, size_t n, uint8_t *out)
{
    csl_t c;
    const char *item;
    size_t len;
    uint8_t mask = 0;
    csl_init(&c, s, n);
    while (csl_next(&c, &item, &len)) {
        int i = find_name(k_rate_units, 2u, item, len, true);
        if (i < 0) {
            return false;
        }
        mask = (uint8_t)(mask | (1u << (unsigned)i));
    }
    *out = mask;
    return mask != 0; /* §9.4.2: at least one unit */
}

/** Bytes of the field of each settable type (0: computed, never set). */
static const uint8_t k_field_size[] = {
    [T_I32] = sizeof(int32_t),
    [T_U16] = sizeof(uint16_t),
    [T_BOOL] = sizeof(bool),
    [T_MEAS] = sizeof(ocpp_cfg_meas_t),
    [T_PHASE] = sizeof((ocpp_cfg_t *)0)->connector_phase_rotation,
    /* authorization_key_len, then authorization_key[] */
    [T_AUTH_KEY] = 1u + OCPP_CFG_AUTH_KEY_MAX,
    [T_SEC_PROF] = sizeof(uint8_t),
#if OCPP_CONFIG_SECURITY_CERTS
    [T_STR] = sizeof((ocpp_cfg_t *)0)->cpo_name,
#endif
    [T_RATE] = sizeof(uint8_t),
    [T_PHASE_MAX] = 0,
};
_Static_assert(offsetof(ocpp_cfg_t, authorization_key) ==
                   offsetof(ocpp_cfg_t, authorization_key_len) + 1u,
               "AuthorizationKey is stored as its length, then its bytes");
#if OCPP_CONFIG_SECURITY_CERTS
_Static_assert(OCPP_CONFIG_CPO_NAME_MAX < 255, "k_field_size");
#endif

/** A new value of any type, built whole before it replaces the field. */
typedef union {
    int32_t i32;
    uint16_t u16;
    uint8_t u8;
    bool b;
    ocpp_cfg_meas_t meas;
    uint8_t bytes[1u + OCPP_CFG_AUTH_KEY_MAX];
    uint8_t rot[sizeof((ocpp_cfg_t *)0)->connector_phase_rotation];
#if OCPP_CONFIG_SECURITY_CERTS
    char str[OCPP_CONFIG_CPO_NAME_MAX + 1];
#endif
} value_t;

/**
 * Parse s[0..n) as the type of k and store it into cfg: the value is built
 * whole (zero-filled: a field's bytes past its value -- a shorter list, key
 * or name -- are always 0), then compared with the field and copied over it.
 */
static ocpp_key_result_t set_value(ocpp_cfg_t *cfg, const key_def_t *k, const char *s, size_t n,
                                   bool local, bool *changed)
{
    uint8_t *f = (uint8_t *)cfg + k->off;
    value_t v;
    int32_t i = 0;
    bool ok;
    memset(&v, 0, sizeof v);
    switch (KTYPE(k)) {
    case T_I32: ok = parse_int(s, n, key_range(k), &v.i32); break;
    case T_U16:
        ok = parse_int(s, n, key_range(k), &i);
        v.u16 = (uint16_t)i;
        break;
    case T_BOOL: ok = parse_bool(s, n, &v.b); break;
    case T_MEAS: ok = parse_meas(cfg, s, n, &v.meas); break;
    case T_PHASE: ok = parse_phase(cfg, s, n, v.rot); break;
    case T_AUTH_KEY: ok = parse_auth_key(s, n, v.bytes); break;
    case T_SEC_PROF: ok = parse_sec_prof(cfg, s, n, local, &v.u8); break;
    case T_RATE: ok = parse_rate(s, n, &v.u8); break;
#if OCPP_CONFIG_SECURITY_CERTS
    case T_STR:
        ok = n <= OCPP_CONFIG_CPO_NAME_MAX && memchr(s, '\0', n) == NULL;
        if (ok) {
            memcpy(v.str, s, n);
        }
        break;
#endif
    default: ok = false; break; /* computed keys */
    }
    if (ok) {
        size_t size = k_field_size[KTYPE(k)];
        *changed = memcmp(f, &v, size) != 0;
        memcpy(f, &v, size);
    }
    memset(&v, 0, sizeof v); /* it may hold the AuthorizationKey */
    return ok ? OCPP_KEY_ACCEPTED : OCPP_KEY_REJECTED;
}

/* ------------------------------------------------------------------------ */
/* Formatting                                                                */
/* ------------------------------------------------------------------------ */

/** Bounded text output; `over` is sticky. */
typedef struct {
    char *buf;
    size_t cap;
    size_t len;
    bool over;
} sink_t;

static void sink_put(sink_t *o, const char *s, size_t n)
{
    if (o->over || n >= o->cap - o->len) { /* keep room for the NUL */
        o->over = true;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void sink_str(sink_t *o, const char *s)
{
    sink_put(o, s, strlen(s));
}

/** A list separator before every item but the first. */
static void sink_item(sink_t *o, const char *s)
{
    if (o->len > 0) {
        sink_put(o, ",", 1);
    }
    sink_str(o, s);
}

static void sink_int(sink_t *o, int32_t v)
{
    char d[12];
    size_t i = sizeof d;
    uint32_t u = (v < 0) ? (uint32_t)0 - (uint32_t)v : (uint32_t)v;
    do {
        d[--i] = (char)('0' + (u % 10u));
        u /= 10u;
    } while (u != 0);
    if (v < 0) {
        d[--i] = '-';
    }
    sink_put(o, d + i, sizeof d - i);
}

static void fmt_phase(const ocpp_cfg_t *cfg, sink_t *o)
{
    for (unsigned c = 0; c <= cfg->number_of_connectors; c++) {
        unsigned r = rot_at(cfg->connector_phase_rotation, c);
        if (r != OCPP_PHASE_ROT_UNSET && r < N_ROTATIONS) {
            if (o->len > 0) {
                sink_put(o, ",", 1);
            }
            sink_int(o, (int32_t)c);
            sink_put(o, ".", 1);
            sink_str(o, ocpp_text_nth(k_rotations, N_ROTATIONS, r, ""));
        }
    }
}

/* SupportedFeatureProfiles: what the protocol adapter registered
 * (ocpp_cfg_set_profiles(); OCPP 1.6 §3.1: the CSMS relies on it), in the
 * order of the OCPP_CFG_PROFILE_* bits. */
static const char k_profiles[] = "Core\0FirmwareManagement\0LocalAuthListManagement\0"
                                 "Reservation\0SmartCharging\0RemoteTrigger";
#define N_PROFILES 6u

/** The key exists: its feature profile is registered (Core always is). */
static bool key_visible(const ocpp_cfg_t *cfg, const key_def_t *k)
{
    return ((cfg->profiles >> KPROFILE(k)) & 1u) != 0u;
}

/** A measurand list as text: "Voltage,Current.Import.L2". */
static void fmt_meas(sink_t *o, const ocpp_cfg_meas_t *l)
{
    for (unsigned i = 0; i < l->n; i++) {
        unsigned p = l->item[i] % OCPP_CFG_PHASES;
        sink_item(o, ocpp_measurand_name((ocpp_measurand_t)(l->item[i] / OCPP_CFG_PHASES)));
        if (p != OCPP_PHASE_NONE) {
            sink_put(o, ".", 1);
            sink_str(o, ocpp_cfg_phase_name((ocpp_phase_t)p));
        }
    }
}

/** The names (packed table) of the bits set in mask. */
static void fmt_mask(sink_t *o, uint32_t mask, const char *names, unsigned count)
{
    for (unsigned i = 0; i < count; i++, names += strlen(names) + 1u) {
        if (mask & (1UL << i)) {
            sink_item(o, names);
        }
    }
}

static void fmt_hex(sink_t *o, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char h[2] = {digits[p[i] >> 4], digits[p[i] & 0x0Fu]};
        sink_put(o, h, 2);
    }
}

/** The value of k as text (AuthorizationKey as hex: only save() asks for it). */
static void fmt_value(const ocpp_cfg_t *cfg, const key_def_t *k, sink_t *o)
{
    const void *f = (const uint8_t *)cfg + k->off;
    switch (KTYPE(k)) {
    case T_I32: sink_int(o, *(const int32_t *)f); break;
    case T_U16: sink_int(o, *(const uint16_t *)f); break;
    case T_U8:
    case T_SEC_PROF: sink_int(o, *(const uint8_t *)f); break;
    case T_BOOL: sink_str(o, *(const bool *)f ? "true" : "false"); break;
    case T_MEAS: fmt_meas(o, (const ocpp_cfg_meas_t *)f); break;
    case T_PHASE: fmt_phase(cfg, o); break;
    case T_AUTH_KEY: fmt_hex(o, cfg->authorization_key, cfg->authorization_key_len); break;
    case T_STR: sink_str(o, (const char *)f); break;
    case T_RATE: fmt_mask(o, *(const uint8_t *)f, k_rate_units, 2u); break;
    case T_PROFILES: fmt_mask(o, cfg->profiles, k_profiles, N_PROFILES); break;
    case T_MEAS_MAX: sink_int(o, OCPP_CONFIG_MEASURANDS_MAX); break;
    case T_PHASE_MAX: sink_int(o, (int32_t)cfg->number_of_connectors + 1); break;
#if OCPP_CONFIG_PROFILE_FIRMWARE
    case T_FTP:
        sink_str(o, cfg->file_transfer_protocols != NULL ? cfg->file_transfer_protocols : "");
        break;
#endif
    default: o->over = true; break;
    }
}

/* ------------------------------------------------------------------------ */
/* Lookup                                                                    */
/* ------------------------------------------------------------------------ */

/** A key: standard (std != NULL) or vendor (vendor != NULL), or neither. */
typedef struct {
    const key_def_t *std;
    const ocpp_vendor_key_t *vendor;
} ref_t;

static ref_t lookup(const ocpp_cfg_t *cfg, const char *s, size_t n)
{
    ref_t r = {NULL, NULL};
    int first = n > 0 ? ocpp_ascii_lower(s[0]) : 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        /* Keys are case-insensitive; the first letter (every name starts
           with an upper-case one: | 0x20 lowers it) rules out most. */
        if ((k_keys[i].name[0] | 0x20) == first && ocpp_ascii_ieqn(s, n, k_keys[i].name)) {
            r.std = key_visible(cfg, &k_keys[i]) ? &k_keys[i] : NULL;
            return r;
        }
    }
    for (unsigned i = 0; i < cfg->vendor_count; i++) {
        if (ocpp_ascii_ieqn(s, n, cfg->vendor[i]->name)) {
            r.vendor = cfg->vendor[i];
            break;
        }
    }
    return r;
}

/** Write the value of r as text; false if it does not fit (or is write-only). */
static bool ref_text(const ocpp_cfg_t *cfg, ref_t r, char *out, size_t cap)
{
    if (cap == 0) {
        return false;
    }
    out[0] = '\0';
    if (r.vendor != NULL) {
        size_t n = r.vendor->get(r.vendor->ctx, out, cap);
        if (n >= cap) {
            out[0] = '\0';
            return false;
        }
        out[n] = '\0';
        return true;
    }
    if (r.std == NULL || (key_flags(r.std) & F_WO)) {
        return false;
    }
    sink_t o = {out, cap, 0, false};
    fmt_value(cfg, r.std, &o);
    if (o.over) {
        out[0] = '\0';
    }
    return !o.over;
}

static bool ref_readonly(ref_t r)
{
    return (r.vendor != NULL) ? r.vendor->readonly : (key_flags(r.std) & F_RO) != 0;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */
/* ------------------------------------------------------------------------ */

/** Defaults; see the file comment for the reasons. */
static const ocpp_cfg_t k_defaults = {
    .heartbeat_interval = 300,
    .connection_time_out = 60,
    .meter_value_sample_interval = 60,
    .clock_aligned_data_interval = 900,
    .minimum_status_duration = 0,
    .web_socket_ping_interval = 60,
    .transaction_message_attempts = 3,
    .transaction_message_retry_interval = 60,
    .reset_retries = 3,
    .max_energy_on_invalid_id = 0,
    .message_timeout = 30,
    .meter_values_sampled_data = {1,
                                  {OCPP_CFG_MEAS_ITEM(OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
                                                      OCPP_PHASE_NONE)}},
    .meter_values_aligned_data = {1,
                                  {OCPP_CFG_MEAS_ITEM(OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
                                                      OCPP_PHASE_NONE)}},
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    .local_auth_list_max_length = 32,
    .send_local_list_max_length = 32,
    .local_auth_list_enabled = true,
#endif
#if OCPP_CONFIG_PROFILE_SMART_CHARGING
    .charge_profile_max_stack_level = 8,
    .charging_schedule_max_periods = OCPP_CONFIG_CHARGING_PERIODS_MAX,
    .max_charging_profiles_installed = OCPP_CONFIG_CHARGING_PROFILES_MAX,
    .charging_schedule_allowed_charging_rate_unit =
        OCPP_CFG_RATE_UNIT_CURRENT | OCPP_CFG_RATE_UNIT_POWER,
    .connector_switch_3to1_phase_supported = false,
#endif
#if OCPP_CONFIG_SECURITY_CERTS
    .certificate_store_max_length = 4,
    .certificate_signed_max_chain_size = 10000,
    .additional_root_certificate_check = false,
#endif
    .security_profile = 0,
    .security_profile_max = 1,
    .allow_offline_tx_for_unknown_id = false,
    .authorization_cache_enabled = OCPP_CONFIG_AUTH_CACHE_SIZE > 0,
    .authorize_remote_tx_requests = false,
    .local_authorize_offline = true,
    .local_pre_authorize = false,
    .stop_transaction_on_ev_side_disconnect = true,
    .stop_transaction_on_invalid_id = true,
    .unlock_connector_on_ev_side_disconnect = true,
#if OCPP_CONFIG_PROFILE_RESERVATION
    .reserve_connector_zero_supported = false,
#endif
};

/** Reset the persisted (writable) keys to their defaults; keep the rest. */
static void reset_persisted(ocpp_cfg_t *cfg)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        const key_def_t *k = &k_keys[i];
        if (key_flags(k) & F_PERSIST) {
            memcpy((uint8_t *)cfg + k->off, (const uint8_t *)&k_defaults + k->off,
                   k_field_size[KTYPE(k)]);
        }
    }
    for (unsigned c = 1; c <= cfg->number_of_connectors; c++) {
        rot_put(cfg->connector_phase_rotation, c, OCPP_PHASE_ROT_UNKNOWN);
    }
}

void ocpp_cfg_init(ocpp_cfg_t *cfg, uint8_t number_of_connectors)
{
    if (cfg == NULL) {
        return;
    }
    uint8_t n = number_of_connectors;
    n = (n < 1u) ? 1u : (n > OCPP_CONFIG_MAX_CONNECTORS) ? OCPP_CONFIG_MAX_CONNECTORS : n;
    *cfg = k_defaults;
    cfg->number_of_connectors = n;
    cfg->profiles = (uint8_t)OCPP_CFG_PROFILES_BUILT;
    cfg->get_configuration_max_keys = (int32_t)(N_KEYS + OCPP_CONFIG_MAX_VENDOR_KEYS);
    for (unsigned c = 1; c <= n; c++) {
        rot_put(cfg->connector_phase_rotation, c, OCPP_PHASE_ROT_UNKNOWN);
    }
}

void ocpp_cfg_set_profiles(ocpp_cfg_t *cfg, uint8_t profiles)
{
    if (cfg != NULL) {
        /* a compiled-out profile has no keys to show (their fields may not exist) */
        cfg->profiles = (uint8_t)((profiles | OCPP_CFG_PROFILE_CORE) & OCPP_CFG_PROFILES_BUILT);
    }
}

void ocpp_cfg_set_meter(ocpp_cfg_t *cfg, const ocpp_meter_supply_t *supply, uint8_t count)
{
    if (cfg != NULL) {
        cfg->meter_supply = supply;
        cfg->meter_supply_count = supply != NULL ? count : 0u;
    }
}

void ocpp_cfg_set_security_profile_max(ocpp_cfg_t *cfg, uint8_t max)
{
    if (cfg != NULL) {
        cfg->security_profile_max = (max > 3u) ? 3u : max;
    }
}

ocpp_phase_rotation_t ocpp_cfg_phase_rotation(const ocpp_cfg_t *cfg, uint8_t connector)
{
    if (cfg == NULL || connector > cfg->number_of_connectors) {
        return OCPP_PHASE_ROT_UNSET;
    }
    return (ocpp_phase_rotation_t)rot_at(cfg->connector_phase_rotation, connector);
}

/** Change key[..] = value through the rules of `local` (application) or remote. */
static ocpp_key_result_t change(ocpp_cfg_t *cfg, const char *key, const char *value, bool local)
{
    if (cfg == NULL || key == NULL || value == NULL) {
        return OCPP_KEY_REJECTED;
    }
    ref_t r = lookup(cfg, key, strlen(key));
    if (r.vendor != NULL) {
        if ((r.vendor->readonly && !local) || r.vendor->set == NULL) {
            return OCPP_KEY_REJECTED;
        }
        return r.vendor->set(r.vendor->ctx, value);
    }
    if (r.std == NULL) {
        return OCPP_KEY_NOT_SUPPORTED;
    }
    uint8_t fl = key_flags(r.std);
    if ((fl & F_RO) && !(local && (fl & F_LOCAL))) {
        return OCPP_KEY_REJECTED;
    }
    bool changed = false;
    ocpp_key_result_t res = set_value(cfg, r.std, value, strlen(value), local, &changed);
    if (res == OCPP_KEY_ACCEPTED && changed && (fl & F_PERSIST)) {
        cfg->dirty = true;
    }
    return res;
}

ocpp_key_result_t ocpp_cfg_change(ocpp_cfg_t *cfg, const char *key, const char *value)
{
    return change(cfg, key, value, false);
}

ocpp_key_result_t ocpp_cfg_set_local(ocpp_cfg_t *cfg, const char *key, const char *value)
{
    return change(cfg, key, value, true);
}

bool ocpp_cfg_get(const ocpp_cfg_t *cfg, const char *key, char *out, size_t cap, bool *readonly)
{
    if (cfg == NULL || key == NULL || out == NULL) {
        return false;
    }
    ref_t r = lookup(cfg, key, strlen(key));
    if (!ref_text(cfg, r, out, cap)) {
        return false;
    }
    if (readonly != NULL) {
        *readonly = ref_readonly(r);
    }
    return true;
}

ocpp_status_t ocpp_cfg_register(ocpp_cfg_t *cfg, const ocpp_vendor_key_t *key)
{
    if (cfg == NULL || key == NULL || key->name == NULL || key->get == NULL ||
        (!key->readonly && key->set == NULL)) {
        return OCPP_ERR_PARAM;
    }
    size_t n = strlen(key->name);
    ref_t r = lookup(cfg, key->name, n);
    if (n == 0 || n > OCPP_CFG_KEY_MAX || r.std != NULL || r.vendor != NULL) {
        return OCPP_ERR_PARAM;
    }
    if ((int)cfg->vendor_count + 1 > OCPP_CONFIG_MAX_VENDOR_KEYS) {
        return OCPP_ERR_NOMEM;
    }
    cfg->vendor[cfg->vendor_count++] = key;
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* GetConfiguration.conf                                                     */
/* ------------------------------------------------------------------------ */

/** One KeyValue (§7.29); the value is left out if it does not fit our buffer. */
static void write_key_value(const ocpp_cfg_t *cfg, ref_t r, ocpp_jw_t *jw)
{
    char text[OCPP_CFG_VALUE_MAX + 1];
    ocpp_jw_obj_open(jw);
    ocpp_jw_kv_str(jw, "key", r.std != NULL ? r.std->name : r.vendor->name);
    ocpp_jw_kv_bool(jw, "readonly", ref_readonly(r));
    if (ref_text(cfg, r, text, sizeof text)) {
        ocpp_jw_kv_str(jw, "value", text);
    }
    ocpp_jw_obj_close(jw);
}

static void write_all(const ocpp_cfg_t *cfg, ocpp_jw_t *jw)
{
    ocpp_jw_key(jw, "configurationKey");
    ocpp_jw_arr_open(jw);
    for (size_t i = 0; i < N_KEYS; i++) {
        if (!(key_flags(&k_keys[i]) & F_WO) && key_visible(cfg, &k_keys[i])) {
            ref_t r = {&k_keys[i], NULL};
            write_key_value(cfg, r, jw);
        }
    }
    for (unsigned i = 0; i < cfg->vendor_count; i++) {
        ref_t r = {NULL, cfg->vendor[i]};
        write_key_value(cfg, r, jw);
    }
    ocpp_jw_arr_close(jw);
}

/** A requested key, decoded; false for non-strings and names over 50 characters. */
static bool request_key(const ocpp_json_value_t *v, char *name, size_t *len)
{
    return v->type == OCPP_JSON_STRING &&
           ocpp_json_as_string(v, name, OCPP_CFG_KEY_MAX + 1u, len) == OCPP_OK;
}

/** A known, readable key? (Write-only keys count as unknown.) */
static bool readable(ref_t r)
{
    return r.vendor != NULL || (r.std != NULL && !(key_flags(r.std) & F_WO));
}

/**
 * Pass over the requested keys: write the known ones (want_known) or the
 * unknown ones. With jw == NULL, only count them.
 */
static size_t write_requested(const ocpp_cfg_t *cfg, const ocpp_json_value_t *keys, bool want_known,
                              ocpp_jw_t *jw)
{
    ocpp_json_iter_t it;
    ocpp_json_value_t v;
    char name[OCPP_CFG_KEY_MAX + 1];
    size_t len;
    size_t count = 0;
    (void)ocpp_json_iter_init(&it, keys);
    while (ocpp_json_iter_next(&it, NULL, &v)) {
        if (!request_key(&v, name, &len)) {
            continue;
        }
        ref_t r = lookup(cfg, name, len);
        if (readable(r) != want_known) {
            continue;
        }
        count++;
        if (jw != NULL && want_known) {
            write_key_value(cfg, r, jw);
        } else if (jw != NULL) {
            ocpp_jw_strn(jw, name, len);
        }
    }
    return count;
}

static void write_selected(const ocpp_cfg_t *cfg, const ocpp_json_value_t *keys, ocpp_jw_t *jw)
{
    static const char *const arrays[2] = {"unknownKey", "configurationKey"};
    for (int known = 1; known >= 0; known--) {
        if (write_requested(cfg, keys, known != 0, NULL) > 0) {
            ocpp_jw_key(jw, arrays[known]);
            ocpp_jw_arr_open(jw);
            (void)write_requested(cfg, keys, known != 0, jw);
            ocpp_jw_arr_close(jw);
        }
    }
}

ocpp_status_t ocpp_cfg_write_get_configuration(const ocpp_cfg_t *cfg, const ocpp_json_value_t *keys,
                                               ocpp_jw_t *jw)
{
    if (cfg == NULL || jw == NULL) {
        return OCPP_ERR_PARAM;
    }
    ocpp_jw_obj_open(jw);
    /* OCPP 1.6 §5.8: an empty or missing list of keys asks for all of them. */
    if (keys == NULL || keys->type != OCPP_JSON_ARRAY || ocpp_json_count(keys) == 0) {
        write_all(cfg, jw);
    } else {
        write_selected(cfg, keys, jw);
    }
    ocpp_jw_obj_close(jw);
    /* The payload is usually nested in an OCPP-J frame, so ocpp_jw_finish()
       is the caller's; report the writer's sticky state. */
    return ocpp_jw_status(jw);
}

/* ------------------------------------------------------------------------ */
/* Persistence                                                               */
/* ------------------------------------------------------------------------ */

static const char k_record[] = "config";

ocpp_status_t ocpp_cfg_save(ocpp_cfg_t *cfg, const ocpp_storage_port_t *st, char *scratch,
                            size_t cap)
{
    if (cfg == NULL || st == NULL || st->write == NULL || scratch == NULL) {
        return OCPP_ERR_PARAM;
    }
    ocpp_jw_t jw;
    char text[OCPP_CFG_VALUE_MAX + 1];
    size_t len = 0;
    ocpp_jw_init(&jw, scratch, cap);
    ocpp_jw_obj_open(&jw);
    for (size_t i = 0; i < N_KEYS; i++) {
        const key_def_t *k = &k_keys[i];
        sink_t o = {text, sizeof text, 0, false};
        if (!(key_flags(k) & F_PERSIST)) {
            continue;
        }
        fmt_value(cfg, k, &o);
        ocpp_jw_key(&jw, k->name);
        /* numbers and booleans bare: their text is JSON already */
        if (KTYPE(k) == T_BOOL || KTYPE(k) == T_I32 || KTYPE(k) == T_SEC_PROF) {
            ocpp_jw_raw(&jw, text, o.len);
        } else {
            ocpp_jw_strn(&jw, text, o.len);
        }
    }
    memset(text, 0, sizeof text); /* it held the AuthorizationKey */
    ocpp_jw_obj_close(&jw);
    ocpp_status_t s = ocpp_jw_finish(&jw, &len);
    if (s == OCPP_OK) {
        s = st->write(st->ctx, k_record, (const uint8_t *)scratch, len);
    }
    if (s == OCPP_OK) {
        cfg->dirty = false;
    }
    return s;
}

/** Apply one member of the record: a persisted key with a valid value. */
static void load_member(ocpp_cfg_t *cfg, const ocpp_json_value_t *kv, const ocpp_json_value_t *v,
                        char *tail, size_t tail_cap)
{
    char name[OCPP_CFG_KEY_MAX + 1];
    size_t len = 0;
    const char *s = v->ptr;
    size_t n = v->len;
    bool changed;
    if (ocpp_json_as_string(kv, name, sizeof name, &len) != OCPP_OK) {
        return;
    }
    ref_t r = lookup(cfg, name, len);
    if (r.std == NULL || !(key_flags(r.std) & F_PERSIST)) {
        return; /* a key of another firmware version */
    }
    if (v->type == OCPP_JSON_STRING && memchr(v->ptr, '\\', v->len) == NULL) {
        s = v->ptr + 1;
        n = v->len - 2u;
    } else if (v->type == OCPP_JSON_STRING) {
        if (ocpp_json_as_string(v, tail, tail_cap, &n) != OCPP_OK) {
            return;
        }
        s = tail;
    } else if (v->type != OCPP_JSON_NUMBER && v->type != OCPP_JSON_BOOL) {
        return;
    }
    (void)set_value(cfg, r.std, s, n, true, &changed);
}

ocpp_status_t ocpp_cfg_load(ocpp_cfg_t *cfg, const ocpp_storage_port_t *st, char *scratch,
                            size_t cap)
{
    if (cfg == NULL || st == NULL || st->read == NULL || scratch == NULL) {
        return OCPP_ERR_PARAM;
    }
    int32_t n = st->read(st->ctx, k_record, (uint8_t *)scratch, cap);
    if (n < 0) {
        return (ocpp_status_t)n;
    }
    ocpp_json_value_t root, kv, v;
    ocpp_json_iter_t it;
    if (ocpp_json_validate(scratch, (size_t)n) != OCPP_OK ||
        ocpp_json_root(scratch, (size_t)n, &root) != OCPP_OK || root.type != OCPP_JSON_OBJECT) {
        reset_persisted(cfg);
        cfg->dirty = false;
        return OCPP_ERR_PARSE;
    }
    (void)ocpp_json_iter_init(&it, &root);
    while (ocpp_json_iter_next(&it, &kv, &v)) {
        load_member(cfg, &kv, &v, scratch + n, cap - (size_t)n);
    }
    cfg->dirty = false;
    return OCPP_OK;
}
