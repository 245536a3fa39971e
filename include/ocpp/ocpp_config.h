/**
 * @file ocpp_config.h
 * @brief The OCPP 1.6 configuration keys (OCPP 1.6 §9, errata v4.0, security
 *        whitepaper ed. 3 §7) as one typed, caller-owned struct.
 *
 * The charge point embeds an ocpp_cfg_t and reads values straight from its
 * fields (`cfg.heartbeat_interval`). Changes go through ocpp_cfg_change()
 * (ChangeConfiguration.req, OCPP 1.6 §5.3) or ocpp_cfg_set_local() (the
 * application, a command line); GetConfiguration.conf (§5.8) is written by
 * ocpp_cfg_write_get_configuration(). The writable values persist as one
 * storage record ("config") through ocpp_cfg_save() / ocpp_cfg_load().
 *
 * Keys of feature profiles compiled out (OCPP_CONFIG_PROFILE_* = 0) are
 * compiled out too: they are neither in the struct nor known to the
 * functions (ChangeConfiguration answers NotSupported, GetConfiguration lists
 * them as unknown).
 *
 * Key names are matched case-insensitively (they are CiString50Type, OCPP 1.6
 * §6.23, §7.29). Values are plain text as on the wire:
 * - integers: optional '-', decimal digits only, nothing else (no spaces, no
 *   '+', no hex), within the key's range, else Rejected;
 * - booleans: "true" / "false", case-insensitive, else Rejected;
 * - lists (CSL): items separated by ',', blanks around an item are ignored;
 *   an empty string is the empty list.
 *
 * Not supported (an application may register them as vendor keys, see
 * ocpp_cfg_register()): BlinkRepeat, LightIntensity (optional, need lights),
 * SupportedFileTransferProtocols (errata 3.90, optional; the firmware
 * updater knows), StopTransactionMaxMeterValues (errata 3.91, optional).
 */
#ifndef OCPP_CONFIG_H
#define OCPP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp_config_defaults.h"
#include "ocpp_json.h"
#include "ocpp_port.h"
#include "ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Measurands and phase rotation                                             */
/* ------------------------------------------------------------------------ */

/** Measurand (OCPP 1.6 §7.31), in the order of the JSON schema. */
typedef enum {
    OCPP_MEASURAND_ENERGY_ACTIVE_EXPORT_REGISTER = 0,
    OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
    OCPP_MEASURAND_ENERGY_REACTIVE_EXPORT_REGISTER,
    OCPP_MEASURAND_ENERGY_REACTIVE_IMPORT_REGISTER,
    OCPP_MEASURAND_ENERGY_ACTIVE_EXPORT_INTERVAL,
    OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_INTERVAL,
    OCPP_MEASURAND_ENERGY_REACTIVE_EXPORT_INTERVAL,
    OCPP_MEASURAND_ENERGY_REACTIVE_IMPORT_INTERVAL,
    OCPP_MEASURAND_POWER_ACTIVE_EXPORT,
    OCPP_MEASURAND_POWER_ACTIVE_IMPORT,
    OCPP_MEASURAND_POWER_OFFERED,
    OCPP_MEASURAND_POWER_REACTIVE_EXPORT,
    OCPP_MEASURAND_POWER_REACTIVE_IMPORT,
    OCPP_MEASURAND_POWER_FACTOR,
    OCPP_MEASURAND_CURRENT_IMPORT,
    OCPP_MEASURAND_CURRENT_EXPORT,
    OCPP_MEASURAND_CURRENT_OFFERED,
    OCPP_MEASURAND_VOLTAGE,
    OCPP_MEASURAND_FREQUENCY,
    OCPP_MEASURAND_TEMPERATURE,
    OCPP_MEASURAND_SOC,
    OCPP_MEASURAND_RPM,
    OCPP_MEASURAND_COUNT /**< Number of measurands (22), not a measurand. */
} ocpp_measurand_t;

/** Bit of measurand m in a measurand mask (ocpp_cfg_t.meter_values_sampled_data...). */
#define OCPP_MEASURAND_BIT(m) ((uint32_t)1u << (unsigned)(m))

/**
 * @brief The wire name of a measurand ("Energy.Active.Import.Register").
 * @return NULL for values outside the enum.
 */
const char *ocpp_measurand_name(ocpp_measurand_t m);

/**
 * @brief Look up a measurand by its wire name s[0..n) (exact, case-sensitive
 *        as in the schema's enum).
 * @return true and *out set if known.
 */
bool ocpp_measurand_parse(const char *s, size_t n, ocpp_measurand_t *out);

/** Phase rotation of a connector (OCPP 1.6 §9.1.7). */
typedef enum {
    OCPP_PHASE_ROT_UNSET = 0, /**< Not reported (no entry in the list). */
    OCPP_PHASE_ROT_NOT_APPLICABLE,
    OCPP_PHASE_ROT_UNKNOWN,
    OCPP_PHASE_ROT_RST,
    OCPP_PHASE_ROT_RTS,
    OCPP_PHASE_ROT_SRT,
    OCPP_PHASE_ROT_STR,
    OCPP_PHASE_ROT_TRS,
    OCPP_PHASE_ROT_TSR
} ocpp_phase_rotation_t;

/** ChargingScheduleAllowedChargingRateUnit bits (OCPP 1.6 §9.4.2). */
/** Feature profiles (OCPP 1.6 §3.1), bits of ocpp_cfg_t.profiles. */
#define OCPP_CFG_PROFILE_CORE           0x01u
#define OCPP_CFG_PROFILE_FIRMWARE       0x02u
#define OCPP_CFG_PROFILE_LOCAL_AUTH     0x04u
#define OCPP_CFG_PROFILE_RESERVATION    0x08u
#define OCPP_CFG_PROFILE_SMART_CHARGING 0x10u
#define OCPP_CFG_PROFILE_REMOTE_TRIGGER 0x20u

#define OCPP_CFG_RATE_UNIT_CURRENT 0x01u /**< "Current": schedules in A. */
#define OCPP_CFG_RATE_UNIT_POWER   0x02u /**< "Power": schedules in W. */

/** Bytes of AuthorizationKey (whitepaper §7.2: 16..20 bytes). */
#define OCPP_CFG_AUTH_KEY_MIN 16u
#define OCPP_CFG_AUTH_KEY_MAX 20u

/** Longest key name (CiString50Type). */
#define OCPP_CFG_KEY_MAX 50u

#define OCPP_CFG_MAX_(a, b) ((a) > (b) ? (a) : (b))
/**
 * Longest value text of any key, without NUL: a buffer of
 * OCPP_CFG_VALUE_MAX + 1 bytes holds any value ocpp_cfg_get() returns. Vendor
 * key getters are given this much room too. With the default sizing (2
 * connectors, 8 measurands) it is 256, below the 500 characters of
 * KeyValue.value (CiString500Type); ConnectorPhaseRotation of more than 28
 * connectors all "NotApplicable", or OCPP_CONFIG_MEASURANDS_MAX > 15, can
 * exceed 500.
 */
#define OCPP_CFG_VALUE_MAX                                                          \
    OCPP_CFG_MAX_(OCPP_CFG_MAX_(32u * OCPP_CONFIG_MEASURANDS_MAX,                   \
                                17u * ((unsigned)OCPP_CONFIG_MAX_CONNECTORS + 1u)), \
                  OCPP_CFG_MAX_(100u, (unsigned)OCPP_CONFIG_CPO_NAME_MAX))

/* ------------------------------------------------------------------------ */
/* Results and vendor keys                                                   */
/* ------------------------------------------------------------------------ */

/** Result of a change, as ConfigurationStatus (OCPP 1.6 §7.22). */
typedef enum {
    OCPP_CFG_ACCEPTED = 0,    /**< Applied, effective now. */
    OCPP_CFG_REJECTED,        /**< Not applied: read-only, bad format, out of range. */
    OCPP_CFG_REBOOT_REQUIRED, /**< Applied, effective after a reboot. */
    OCPP_CFG_NOT_SUPPORTED    /**< Unknown key. */
} ocpp_cfg_result_t;

/** @brief "Accepted", "Rejected", "RebootRequired", "NotSupported". */
const char *ocpp_cfg_result_str(ocpp_cfg_result_t r);

/**
 * A configuration key defined by the application. The descriptor (and the
 * name) are owned by the application and must outlive the ocpp_cfg_t; the
 * library keeps a pointer. The library neither stores nor persists vendor
 * values: the callbacks do.
 */
typedef struct {
    const char *name; /**< Key name, 1..50 characters, not a standard key. */
    bool readonly;    /**< true: ChangeConfiguration answers Rejected. */
    /**
     * Parse and apply `value` (NUL-terminated). NULL for a key nobody can set.
     * Called by ocpp_cfg_change() (only if !readonly) and ocpp_cfg_set_local().
     * @return the ConfigurationStatus to answer (Accepted, Rejected,
     *         RebootRequired).
     */
    ocpp_cfg_result_t (*set)(void *ctx, const char *value);
    /**
     * Write the value as NUL-terminated text into out[0..cap).
     * @return its length without the NUL; a return >= cap means it did not
     *         fit, and the key is then reported without a value.
     */
    size_t (*get)(void *ctx, char *out, size_t cap);
    void *ctx; /**< Passed to set() and get(). */
} ocpp_cfg_vendor_key_t;

/* ------------------------------------------------------------------------ */
/* The configuration                                                         */
/* ------------------------------------------------------------------------ */

/**
 * The configuration keys. Read the fields directly; change them only with
 * ocpp_cfg_change() / ocpp_cfg_set_local() (which validate, and mark the
 * configuration dirty). R = read-only to the Central System, RW = read-write,
 * W = write-only. Defaults are those set by ocpp_cfg_init().
 */
typedef struct {
    /* --- Core profile (§9.1), integers; all times in seconds ------------- */
    int32_t heartbeat_interval;           /**< HeartbeatInterval, RW, 0..604800. */
    int32_t connection_time_out;          /**< ConnectionTimeOut, RW, 0..604800 (0: none). */
    int32_t meter_value_sample_interval;  /**< MeterValueSampleInterval, RW, 0..604800 (0: off). */
    int32_t clock_aligned_data_interval;  /**< ClockAlignedDataInterval, RW, 0..86400 (0: off). */
    int32_t minimum_status_duration;      /**< MinimumStatusDuration, RW, 0..604800. */
    int32_t web_socket_ping_interval;     /**< WebSocketPingInterval, RW, 0..604800 (0: off). */
    int32_t transaction_message_attempts; /**< TransactionMessageAttempts, RW, 0..255. */
    int32_t transaction_message_retry_interval; /**< TransactionMessageRetryInterval, RW,
                                                     0..604800. */
    int32_t reset_retries;                      /**< ResetRetries, RW, 0..255. */
    int32_t max_energy_on_invalid_id;           /**< MaxEnergyOnInvalidId, RW, Wh, >= 0. */
    int32_t get_configuration_max_keys;         /**< GetConfigurationMaxKeys, R. */
    int32_t message_timeout;                    /**< MessageTimeout (errata 3.83), RW, 1..3600. */
    /* Measurand lists: masks of OCPP_MEASURAND_BIT(); at most
       OCPP_CONFIG_MEASURANDS_MAX items. Reported in enum order. Items with a
       phase ("Voltage.L1", §9.1.17) are not supported: Rejected. */
    uint32_t meter_values_sampled_data; /**< MeterValuesSampledData, RW. */
    uint32_t meter_values_aligned_data; /**< MeterValuesAlignedData, RW. */
    uint32_t stop_txn_sampled_data;     /**< StopTxnSampledData, RW. */
    uint32_t stop_txn_aligned_data;     /**< StopTxnAlignedData, RW. */
    /** Vendor keys (private; see ocpp_cfg_register()). */
    const ocpp_cfg_vendor_key_t
        *vendor[OCPP_CONFIG_MAX_VENDOR_KEYS > 0 ? OCPP_CONFIG_MAX_VENDOR_KEYS : 1];
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    uint16_t local_auth_list_max_length; /**< LocalAuthListMaxLength (§9.2.2), R. */
    uint16_t send_local_list_max_length; /**< SendLocalListMaxLength (§9.2.3), R. */
#endif
#if OCPP_CONFIG_PROFILE_SMART_CHARGING
    uint16_t charge_profile_max_stack_level;  /**< ChargeProfileMaxStackLevel (§9.4.1), R. */
    uint16_t charging_schedule_max_periods;   /**< ChargingScheduleMaxPeriods (§9.4.3), R. */
    uint16_t max_charging_profiles_installed; /**< MaxChargingProfilesInstalled (§9.4.5), R. */
    /** ChargingScheduleAllowedChargingRateUnit (§9.4.2), R: OCPP_CFG_RATE_UNIT_* bits. */
    uint8_t charging_schedule_allowed_charging_rate_unit;
    bool connector_switch_3to1_phase_supported; /**< ConnectorSwitch3to1PhaseSupported, R. */
#endif
#if OCPP_CONFIG_SECURITY_CERTS
    uint16_t certificate_store_max_length;       /**< CertificateStoreMaxLength (wp §7.4), R. */
    uint16_t certificate_signed_max_chain_size;  /**< CertificateSignedMaxChainSize (§7.3), R,
                                                      <= 10000. */
    bool additional_root_certificate_check;      /**< AdditionalRootCertificateCheck (§7.1), R. */
    char cpo_name[OCPP_CONFIG_CPO_NAME_MAX + 1]; /**< CpoName (wp §7.5), RW, NUL-terminated. */
#endif
    /* --- Core profile, others -------------------------------------------- */
    uint8_t number_of_connectors; /**< NumberOfConnectors, R (fixed at init). */
    /** OCPP_CFG_PROFILE_* bits of the profiles that are implemented: what
     *  SupportedFeatureProfiles lists, and whose keys exist (the others are
     *  unknown: NotSupported, unknownKey). ocpp_cfg_init() sets every profile
     *  compiled in; the charge point sets what its adapter registered. */
    uint8_t profiles;
    /** ConnectorPhaseRotation, RW: one ocpp_phase_rotation_t per nibble, connector c
        (0 = grid connection) in byte c/2, low nibble for even c. Use
        ocpp_cfg_phase_rotation(). */
    uint8_t connector_phase_rotation[(OCPP_CONFIG_MAX_CONNECTORS + 2) / 2];
    /* --- Security whitepaper ed. 3 §7 ------------------------------------ */
    uint8_t security_profile;      /**< SecurityProfile, RW, 0..3; ChangeConfiguration may
                                        only raise it. */
    uint8_t security_profile_max;  /**< Not a key: highest profile whose prerequisites are met
                                        (whitepaper A05.FR.03/04), default 1; see
                                        ocpp_cfg_set_security_profile_max(). */
    uint8_t authorization_key_len; /**< 0: no AuthorizationKey set. */
    uint8_t authorization_key[OCPP_CFG_AUTH_KEY_MAX]; /**< AuthorizationKey, W: the HTTP Basic
                                                           password bytes (already hex-decoded).
                                                           Never reported, never logged. */
    uint8_t vendor_count;                             /**< (private) */
    /* --- Core profile, booleans ------------------------------------------ */
    bool allow_offline_tx_for_unknown_id;        /**< AllowOfflineTxForUnknownId, RW. */
    bool authorization_cache_enabled;            /**< AuthorizationCacheEnabled, RW. */
    bool authorize_remote_tx_requests;           /**< AuthorizeRemoteTxRequests, RW. */
    bool local_authorize_offline;                /**< LocalAuthorizeOffline, RW. */
    bool local_pre_authorize;                    /**< LocalPreAuthorize, RW. */
    bool stop_transaction_on_ev_side_disconnect; /**< StopTransactionOnEVSideDisconnect, RW. */
    bool stop_transaction_on_invalid_id;         /**< StopTransactionOnInvalidId, RW. */
    bool unlock_connector_on_ev_side_disconnect; /**< UnlockConnectorOnEVSideDisconnect, RW. */
#if OCPP_CONFIG_PROFILE_LOCAL_AUTH
    bool local_auth_list_enabled; /**< LocalAuthListEnabled (§9.2.1), RW. */
#endif
#if OCPP_CONFIG_PROFILE_RESERVATION
    bool reserve_connector_zero_supported; /**< ReserveConnectorZeroSupported (§9.3.1), R. */
#endif
    bool dirty; /**< A persisted value changed since the last ocpp_cfg_save()/load(). */
} ocpp_cfg_t;

/**
 * @brief Set every key to its default (documented in config.c's key table)
 *        and forget vendor keys. dirty is false afterwards.
 * @param number_of_connectors 1..OCPP_CONFIG_MAX_CONNECTORS (clamped).
 */
void ocpp_cfg_init(ocpp_cfg_t *cfg, uint8_t number_of_connectors);

/**
 * @brief The implemented feature profiles (OCPP_CFG_PROFILE_* bits; Core is
 *        always added): SupportedFeatureProfiles lists them, and only their
 *        keys exist.
 */
void ocpp_cfg_set_profiles(ocpp_cfg_t *cfg, uint8_t profiles);

/**
 * @brief ChangeConfiguration.req (OCPP 1.6 §5.3): validate and apply.
 * @param key,value NUL-terminated, as received (value already unescaped).
 * @return NOT_SUPPORTED for an unknown key (incl. keys of compiled-out
 *         profiles); REJECTED for a read-only key, a value that does not
 *         parse, is out of range or breaks a rule (SecurityProfile not
 *         higher than now, or above security_profile_max, or 1/2 without an
 *         AuthorizationKey: whitepaper A05.FR.01-04); ACCEPTED when applied
 *         (dirty set if the key is persisted); REBOOT_REQUIRED only from
 *         vendor keys. NULL arguments: REJECTED.
 */
ocpp_cfg_result_t ocpp_cfg_change(ocpp_cfg_t *cfg, const char *key, const char *value);

/**
 * @brief Set a key from the application or a command line. Like
 *        ocpp_cfg_change(), but it may also set read-only keys that describe
 *        the charge point's capabilities (GetConfigurationMaxKeys,
 *        LocalAuthListMaxLength, SendLocalListMaxLength,
 *        ReserveConnectorZeroSupported, the smart charging and certificate
 *        keys), read-only vendor keys that have a setter, and lower
 *        SecurityProfile (an installer's decision). It may NOT set
 *        NumberOfConnectors (fixed at init), SupportedFeatureProfiles
 *        (compile-time) or the *MaxLength keys of the lists (compile-time).
 *        Capability keys are not persisted: the application sets them at
 *        every start.
 */
ocpp_cfg_result_t ocpp_cfg_set_local(ocpp_cfg_t *cfg, const char *key, const char *value);

/**
 * @brief Declare the highest security profile whose prerequisites are met
 *        (whitepaper A05.FR.03/04: 2 needs a Central System root
 *        certificate, 3 also a Charge Point certificate). Default 1.
 */
void ocpp_cfg_set_security_profile_max(ocpp_cfg_t *cfg, uint8_t max);

/**
 * @brief The value of a key as text (as GetConfiguration reports it).
 * @param readonly may be NULL; receives the key's accessibility.
 * @return false for an unknown or write-only key (AuthorizationKey), or if
 *         the value and its NUL do not fit out[0..cap) (out is then "").
 */
bool ocpp_cfg_get(const ocpp_cfg_t *cfg, const char *key, char *out, size_t cap, bool *readonly);

/**
 * @brief Write the GetConfiguration.conf payload (OCPP 1.6 §5.8, §6.24): the
 *        object {"configurationKey":[{"key","readonly","value"}...],
 *        "unknownKey":[...]}, each array omitted when empty (both optional in
 *        the schema). Write-only keys are never listed in configurationKey;
 *        requested explicitly, they are reported in unknownKey. Keys of the
 *        request are matched case-insensitively; longer than 50 characters or
 *        not strings, they are skipped. GetConfigurationMaxKeys is not
 *        enforced here (the caller decides what to do with longer requests).
 *        Uses about OCPP_CFG_VALUE_MAX + 60 bytes of stack.
 * @param keys the request's "key" array, or NULL (or an empty array) for all.
 * @return the writer's status after closing the object: OCPP_OK, or
 *         OCPP_ERR_NOMEM if it did not fit (nothing truncated: the writer is
 *         sticky), OCPP_ERR_PARAM for NULL cfg/jw.
 */
ocpp_status_t ocpp_cfg_write_get_configuration(const ocpp_cfg_t *cfg, const ocpp_json_value_t *keys,
                                               ocpp_jw_t *jw);

/** @brief Phase rotation of connector c (0..number_of_connectors); UNSET if out of range. */
ocpp_phase_rotation_t ocpp_cfg_phase_rotation(const ocpp_cfg_t *cfg, uint8_t connector);

/**
 * @brief Persist the writable values as record "config": a JSON object of
 *        key names and values (AuthorizationKey as hex). Clears dirty on success.
 * @param scratch,cap work buffer for the record (1 KB is plenty with every
 *        profile in).
 * @return OCPP_OK; OCPP_ERR_NOMEM if the record does not fit; the storage
 *         port's error; OCPP_ERR_PARAM for NULL arguments.
 */
ocpp_status_t ocpp_cfg_save(ocpp_cfg_t *cfg, const ocpp_storage_port_t *st, char *scratch,
                            size_t cap);

/**
 * @brief Load record "config" over the current values (call after
 *        ocpp_cfg_init()). Keys in the record that this firmware does not
 *        know, or whose value is invalid, are ignored; keys missing from it
 *        keep their current value. Clears dirty.
 * @param scratch,cap work buffer: the record plus room to decode its longest
 *        value (record size + OCPP_CFG_VALUE_MAX + 1 is always enough).
 * @return OCPP_OK; OCPP_ERR_NOT_FOUND if there is no record (values
 *         unchanged); OCPP_ERR_PARSE if the record is not a JSON object
 *         (every persisted key -- the writable ones --
 *         is reset to its default; capability keys set by the application
 *         and vendor keys are kept); OCPP_ERR_NOMEM if it does not
 *         fit in scratch (values unchanged); OCPP_ERR_IO from storage.
 */
ocpp_status_t ocpp_cfg_load(ocpp_cfg_t *cfg, const ocpp_storage_port_t *st, char *scratch,
                            size_t cap);

/**
 * @brief Register an application key. It then appears in GetConfiguration
 *        and can be changed by ChangeConfiguration (unless readonly).
 * @return OCPP_OK; OCPP_ERR_PARAM for a NULL/empty/too long name, a missing
 *         get(), a writable key without set(), or a name that is already a
 *         key; OCPP_ERR_NOMEM when OCPP_CONFIG_MAX_VENDOR_KEYS are registered.
 */
ocpp_status_t ocpp_cfg_register(ocpp_cfg_t *cfg, const ocpp_cfg_vendor_key_t *key);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_CONFIG_H */
