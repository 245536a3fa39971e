/**
 * @file ocpp_config_defaults.h
 * @brief Compile-time configuration of ocpp-c, with documented defaults.
 *
 * To change a value, write your own config header and build the library with
 * `-DOCPP_CONFIG_FILE="\"my_ocpp_config.h\""` (CMake: `-DOCPP_CONFIG_FILE=path`).
 * That header is included first; every macro it leaves undefined gets the
 * default below. ocpp_config_check.h then rejects impossible combinations.
 *
 * All sizes are in bytes unless stated otherwise.
 */
#ifndef OCPP_CONFIG_DEFAULTS_H
#define OCPP_CONFIG_DEFAULTS_H

#if defined(OCPP_CONFIG_FILE)
#include OCPP_CONFIG_FILE
#endif

/* ------------------------------------------------------------------------ */
/* Feature profiles (OCPP 1.6 §3.1). 1 = compiled in, 0 = compiled out.      */
/* Core cannot be compiled out.                                              */
/* ------------------------------------------------------------------------ */

/** Firmware Management profile. Possible values: 0, 1. Default: 1. */
#ifndef OCPP_CONFIG_PROFILE_FIRMWARE
#define OCPP_CONFIG_PROFILE_FIRMWARE 1
#endif

/** Local Auth List Management profile. Possible values: 0, 1. Default: 1. */
#ifndef OCPP_CONFIG_PROFILE_LOCAL_AUTH
#define OCPP_CONFIG_PROFILE_LOCAL_AUTH 1
#endif

/** Reservation profile. Possible values: 0, 1. Default: 1. */
#ifndef OCPP_CONFIG_PROFILE_RESERVATION
#define OCPP_CONFIG_PROFILE_RESERVATION 1
#endif

/** Smart Charging profile. Possible values: 0, 1. Default: 1. */
#ifndef OCPP_CONFIG_PROFILE_SMART_CHARGING
#define OCPP_CONFIG_PROFILE_SMART_CHARGING 1
#endif

/** Remote Trigger profile. Possible values: 0, 1. Default: 1. */
#ifndef OCPP_CONFIG_PROFILE_REMOTE_TRIGGER
#define OCPP_CONFIG_PROFILE_REMOTE_TRIGGER 1
#endif

/* ------------------------------------------------------------------------ */
/* Sizing                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Maximum number of connectors (connector 0, the charge point itself, is not
 * counted). The context is sized for this; the number actually used is set at
 * run time. Possible values: 1..32. Default: 2.
 */
#ifndef OCPP_CONFIG_MAX_CONNECTORS
#define OCPP_CONFIG_MAX_CONNECTORS 2
#endif

/**
 * Maximum nesting of JSON arrays/objects accepted by the reader. The reader
 * keeps one bit per level on the stack; deeper input is rejected with
 * OCPP_ERR_DEPTH. The deepest OCPP 1.6 message (SetChargingProfile inside its
 * OCPP-J frame) needs 6. Possible values: 1..255. Default: 16.
 */
#ifndef OCPP_CONFIG_JSON_MAX_DEPTH
#define OCPP_CONFIG_JSON_MAX_DEPTH 16
#endif

/**
 * Maximum nesting of the JSON writer (one bit per level in the writer
 * struct). Possible values: 1..32. Default: 16.
 */
#ifndef OCPP_CONFIG_JSON_WRITER_MAX_DEPTH
#define OCPP_CONFIG_JSON_WRITER_MAX_DEPTH 16
#endif

/**
 * Number of vendor configuration keys the application may register with
 * ocpp_cfg_register(). Each slot is one pointer. Default: 8.
 */
#ifndef OCPP_CONFIG_MAX_VENDOR_KEYS
#define OCPP_CONFIG_MAX_VENDOR_KEYS 8
#endif

/**
 * Maximum number of measurands in each of MeterValuesSampledData,
 * MeterValuesAlignedData, StopTxnSampledData and StopTxnAlignedData; reported
 * as the *MaxLength keys (OCPP 1.6 §9.1). It bounds the size of
 * MeterValues.req and StopTransaction.req. Possible values: 1..22. Default: 8.
 */
#ifndef OCPP_CONFIG_MEASURANDS_MAX
#define OCPP_CONFIG_MEASURANDS_MAX 8
#endif

/**
 * Certificate management keys of the security whitepaper (CpoName,
 * CertificateStoreMaxLength, AdditionalRootCertificateCheck,
 * CertificateSignedMaxChainSize). Only meaningful with security profiles 2/3
 * and the certificate messages. Possible values: 0, 1. Default: 0.
 */
#ifndef OCPP_CONFIG_SECURITY_CERTS
#define OCPP_CONFIG_SECURITY_CERTS 0
#endif

/** Longest CpoName (X.509 ub-organization-name is 64). Default: 64. */
#ifndef OCPP_CONFIG_CPO_NAME_MAX
#define OCPP_CONFIG_CPO_NAME_MAX 64
#endif

/**
 * Room for the CSMS host name and request path (incl. the percent-encoded
 * charge point id), both NUL-terminated, inside the context. Default: 256.
 */
#ifndef OCPP_CONFIG_URL_MAX
#define OCPP_CONFIG_URL_MAX 256u
#endif

/* ------------------------------------------------------------------------ */
/* Logging                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Highest level of log messages compiled in: 0 none, 1 error, 2 warning,
 * 3 info, 4 debug. Messages above it cost no code. Default: 3.
 */
#ifndef OCPP_CONFIG_LOG_LEVEL
#define OCPP_CONFIG_LOG_LEVEL 3
#endif

#include "ocpp_config_check.h"

#endif /* OCPP_CONFIG_DEFAULTS_H */
