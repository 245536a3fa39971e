/**
 * @file ocpp_config_layout.h
 * @brief The layout of the OCPP 1.6 configuration keys (ocpp_cfg_t), part of
 *        ocpp_cp_t. PRIVATE, like ocpp_cp_layout.h, which includes it: read
 *        and set keys with ocpp_cp_key_get() / ocpp_cp_key_set(); the
 *        functions are src/model/config.h. Included by ocpp_cp_layout.h
 *        (after the public types of ocpp_cp.h, which it uses).
 */
#ifndef OCPP_CONFIG_LAYOUT_H
#define OCPP_CONFIG_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp_config_defaults.h"

#ifdef __cplusplus
extern "C" {
#endif

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
/** The OCPP_CFG_PROFILE_* bits of the profiles compiled in (OCPP_CONFIG_PROFILE_*), Core always. */
#define OCPP_CFG_PROFILES_BUILT                                                                \
    (OCPP_CFG_PROFILE_CORE | (OCPP_CONFIG_PROFILE_FIRMWARE ? OCPP_CFG_PROFILE_FIRMWARE : 0u) | \
     (OCPP_CONFIG_PROFILE_LOCAL_AUTH ? OCPP_CFG_PROFILE_LOCAL_AUTH : 0u) |                     \
     (OCPP_CONFIG_PROFILE_RESERVATION ? OCPP_CFG_PROFILE_RESERVATION : 0u) |                   \
     (OCPP_CONFIG_PROFILE_SMART_CHARGING ? OCPP_CFG_PROFILE_SMART_CHARGING : 0u) |             \
     (OCPP_CONFIG_PROFILE_REMOTE_TRIGGER ? OCPP_CFG_PROFILE_REMOTE_TRIGGER : 0u))

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
 * connectors, 8 measurands) it is 296 (8 list items of up to 36 characters,
 * "Energy.Reactive.Import.Register.L1-N", and their commas), below the 500
 * characters of KeyValue.value (CiString500Type); ConnectorPhaseRotation of
 * more than 28 connectors all "NotApplicable", or OCPP_CONFIG_MEASURANDS_MAX
 * > 13, can exceed 500.
 */
#define OCPP_CFG_VALUE_MAX                                                          \
    OCPP_CFG_MAX_(OCPP_CFG_MAX_(37u * OCPP_CONFIG_MEASURANDS_MAX,                   \
                                17u * ((unsigned)OCPP_CONFIG_MAX_CONNECTORS + 1u)), \
                  OCPP_CFG_MAX_(100u, (unsigned)OCPP_CONFIG_CPO_NAME_MAX))

/** Values of ocpp_phase_t (OCPP_PHASE_NONE..OCPP_PHASE_L3_L1). */
#define OCPP_CFG_PHASES 11u
/** An item of a measurand list: measurand m on phase p (OCPP_PHASE_NONE: on every phase). */
#define OCPP_CFG_MEAS_ITEM(m, p) ((uint8_t)((unsigned)(m)*OCPP_CFG_PHASES + (unsigned)(p)))

/** A measurand list (MeterValuesSampledData, ...): its items in ascending order
 *  (measurand as in the enum, then phase), no item twice; the bytes after
 *  item[n - 1] are 0. */
typedef struct {
    uint8_t n;
    uint8_t item[OCPP_CONFIG_MEASURANDS_MAX]; /**< OCPP_CFG_MEAS_ITEM() */
} ocpp_cfg_meas_t;

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
    /** What the meter supplies (ocpp_cp_callbacks_t.meter_supply; NULL: not
        declared), which the measurand lists are checked against. */
    const ocpp_meter_supply_t *meter_supply;
    /* Measurand lists: at most OCPP_CONFIG_MEASURANDS_MAX items, each a
       measurand the meter supplies, alone or with one of its phases
       ("Voltage.L1-N", §9.1.17); reported in enum order. */
    ocpp_cfg_meas_t meter_values_sampled_data; /**< MeterValuesSampledData, RW. */
    ocpp_cfg_meas_t meter_values_aligned_data; /**< MeterValuesAlignedData, RW. */
    ocpp_cfg_meas_t stop_txn_sampled_data;     /**< StopTxnSampledData, RW. */
    ocpp_cfg_meas_t stop_txn_aligned_data;     /**< StopTxnAlignedData, RW. */
    /** Vendor keys (private; see ocpp_cfg_register()). */
    const ocpp_vendor_key_t
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
#if OCPP_CONFIG_PROFILE_FIRMWARE
    /** SupportedFileTransferProtocols (errata 3.90, §9.5.1), R: the transfer
     *  port's `protocols` (NULL: none, the key reads ""). */
    const char *file_transfer_protocols;
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
                                        (whitepaper A05.FR.03/04), default 1; the charge point
                                        sets it from its URL (wss://: 2) and
                                        ocpp_cp_config_t.client_certificate (3). */
    uint8_t authorization_key_len; /**< 0: no AuthorizationKey set. */
    uint8_t authorization_key[OCPP_CFG_AUTH_KEY_MAX]; /**< AuthorizationKey, W: the HTTP Basic
                                                           password bytes (already hex-decoded).
                                                           Never reported, never logged. */
    uint8_t vendor_count;                             /**< (private) */
    uint8_t meter_supply_count;                       /**< Entries of meter_supply. */
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

#ifdef __cplusplus
}
#endif

#endif /* OCPP_CONFIG_LAYOUT_H */
