/**
 * @file ocpp_config_check.h
 * @brief Rejects impossible compile-time configurations (included by
 *        ocpp_config_defaults.h; do not include directly).
 */
#ifndef OCPP_CONFIG_CHECK_H
#define OCPP_CONFIG_CHECK_H

#if (OCPP_CONFIG_MAX_CONNECTORS < 1) || (OCPP_CONFIG_MAX_CONNECTORS > 32)
#error "OCPP_CONFIG_MAX_CONNECTORS must be in 1..32"
#endif

#if (OCPP_CONFIG_JSON_MAX_DEPTH < 1) || (OCPP_CONFIG_JSON_MAX_DEPTH > 255)
#error "OCPP_CONFIG_JSON_MAX_DEPTH must be in 1..255"
#endif

#if (OCPP_CONFIG_JSON_WRITER_MAX_DEPTH < 1) || (OCPP_CONFIG_JSON_WRITER_MAX_DEPTH > 32)
#error "OCPP_CONFIG_JSON_WRITER_MAX_DEPTH must be in 1..32"
#endif

#if (OCPP_CONFIG_LOG_LEVEL < 0) || (OCPP_CONFIG_LOG_LEVEL > 4)
#error "OCPP_CONFIG_LOG_LEVEL must be in 0..4"
#endif

#if (OCPP_CONFIG_MAX_VENDOR_KEYS < 0) || (OCPP_CONFIG_MAX_VENDOR_KEYS > 64)
#error "OCPP_CONFIG_MAX_VENDOR_KEYS must be in 0..64"
#endif

#define OCPP_CONFIG_BOOL_CHECK_(x) ((x) != 0 && (x) != 1)
#if OCPP_CONFIG_BOOL_CHECK_(OCPP_CONFIG_PROFILE_FIRMWARE) ||       \
    OCPP_CONFIG_BOOL_CHECK_(OCPP_CONFIG_PROFILE_LOCAL_AUTH) ||     \
    OCPP_CONFIG_BOOL_CHECK_(OCPP_CONFIG_PROFILE_RESERVATION) ||    \
    OCPP_CONFIG_BOOL_CHECK_(OCPP_CONFIG_PROFILE_SMART_CHARGING) || \
    OCPP_CONFIG_BOOL_CHECK_(OCPP_CONFIG_PROFILE_REMOTE_TRIGGER)
#error "OCPP_CONFIG_PROFILE_* must be 0 or 1"
#endif

#endif /* OCPP_CONFIG_CHECK_H */
