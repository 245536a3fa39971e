/**
 * @file config.h
 * @brief (Private to the library, layer "model".) The OCPP 1.6 configuration keys (OCPP 1.6 §9,
 * errata v4.0, security whitepaper ed. 3 §7) as one typed, caller-owned struct.
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
 * StopTransactionMaxMeterValues (errata 3.91, optional).
 * SupportedFileTransferProtocols (errata 3.90) reads the transfer port's
 * list (ocpp_cfg_t.file_transfer_protocols, set by the Firmware Management
 * module).
 */
#ifndef OCPP_MODEL_CONFIG_H
#define OCPP_MODEL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_cp.h"

/**
 * @brief Set every key to its default (documented in config.c's key table)
 *        and forget vendor keys. dirty is false afterwards.
 * @param number_of_connectors 1..OCPP_CONFIG_MAX_CONNECTORS (clamped).
 */
void ocpp_cfg_init(ocpp_cfg_t *cfg, uint8_t number_of_connectors);

/**
 * @brief The implemented feature profiles (OCPP_CFG_PROFILE_* bits; Core is
 *        always added, the bits of profiles not compiled in are dropped):
 *        SupportedFeatureProfiles lists them, and only their keys exist.
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
ocpp_key_result_t ocpp_cfg_change(ocpp_cfg_t *cfg, const char *key, const char *value);

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
ocpp_key_result_t ocpp_cfg_set_local(ocpp_cfg_t *cfg, const char *key, const char *value);

/**
 * @brief What the meter supplies (ocpp_cp_callbacks_t.meter_supply; kept by
 *        pointer): the measurand lists accept only these measurands and
 *        phases (OCPP 1.6 §3.16.4). NULL: not declared, every measurand
 *        without a phase. Call after ocpp_cfg_init(), before ocpp_cfg_load().
 */
void ocpp_cfg_set_meter(ocpp_cfg_t *cfg, const ocpp_meter_supply_t *supply, uint8_t count);

/**
 * @brief A measurand list selects a value of measurand m read on phase p: an
 *        item of m without phase (every phase, §3.16.3), or of m on p; an item
 *        on L1, L2 or L3 also selects the value on L1-N, L2-N or L3-N.
 */
bool ocpp_cfg_meas_selects(const ocpp_cfg_meas_t *l, ocpp_measurand_t m, ocpp_phase_t p);

/** @brief The wire name of a phase ("L1", "L1-N"; §7.30), NULL for OCPP_PHASE_NONE. */
const char *ocpp_cfg_phase_name(ocpp_phase_t p);

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
ocpp_status_t ocpp_cfg_register(ocpp_cfg_t *cfg, const ocpp_vendor_key_t *key);

#endif /* OCPP_MODEL_CONFIG_H */
