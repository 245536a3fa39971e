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

/**
 * Firmware Management: the longest location (URL) of an UpdateFirmware or a
 * GetDiagnostics, in bytes with the file name appended to a directory
 * location. ocpp_cp_t holds two such buffers. A longer location is refused
 * (UpdateFirmware: DownloadFailed; GetDiagnostics: no fileName). Default: 256.
 */
#ifndef OCPP_CONFIG_TRANSFER_URL_MAX
#define OCPP_CONFIG_TRANSFER_URL_MAX 256
#endif

/** Firmware Management: the longest diagnostics file name (bytes). Default: 64. */
#ifndef OCPP_CONFIG_DIAG_NAME_MAX
#define OCPP_CONFIG_DIAG_NAME_MAX 64
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

/**
 * OCPP 2.0.1 (src/v201/): a charge point can be started with
 * ocpp_cp_config_t.version = OCPP_VERSION_201. Possible values: 0, 1.
 * Default: 0 (a build without it links no 2.0.1 code; the CMake option
 * OCPP_OCPP201, ON for host builds, sets 1).
 */
#ifndef OCPP_CONFIG_OCPP201
#define OCPP_CONFIG_OCPP201 0
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
 * ocpp_cp_key_register(). Each slot is one pointer. Default: 8.
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

/**
 * Local Authorization List (OCPP 1.6 §3.5.2, profile LocalAuthListManagement):
 * the most entries it holds, reported as LocalAuthListMaxLength. The list
 * lives in the storage port, never in RAM: sorted fixed-size entries of 45
 * bytes, OCPP_CONFIG_LOCAL_LIST_PAGE to a record, two sets of records (the
 * current list and the one an update writes; the update becomes current in
 * one atomic write of the index record). Storage: 2 x 45 bytes per entry
 * plus the records' overhead. Possible values: 1..65535. Default: 1000.
 */
#ifndef OCPP_CONFIG_LOCAL_LIST_MAX
#define OCPP_CONFIG_LOCAL_LIST_MAX 1000
#endif

/**
 * Entries per storage record of the Local Authorization List. A lookup reads
 * one record at a time into a stack buffer of 45 x this many bytes (about
 * log2(entries) reads, fewer when they fall into one record); an update
 * needs two such buffers at the end of the send buffer (else it answers
 * Failed). Larger: fewer records (suits a flash store), more stack.
 * Possible values: 1..64. Default: 8 (360 bytes).
 */
#ifndef OCPP_CONFIG_LOCAL_LIST_PAGE
#define OCPP_CONFIG_LOCAL_LIST_PAGE 8
#endif

/**
 * The most entries one SendLocalList.req may carry (SendLocalListMaxLength).
 * An update of n entries costs n x n idTag comparisons (it sorts them
 * without memory), and the message must fit the receive buffer: about 60
 * bytes per entry with a status only, up to 150 with expiryDate and
 * parentIdTag (docs/architecture.md). Possible values: 1..65535. Default: 100.
 */
#ifndef OCPP_CONFIG_SEND_LOCAL_LIST_MAX
#define OCPP_CONFIG_SEND_LOCAL_LIST_MAX 100
#endif

/**
 * Entries of the Authorization Cache (OCPP 1.6 §3.5.1). Each costs about 52
 * bytes of context. When a new idTag must be stored and the cache is full,
 * the entry evicted is (1) the least recently updated NOT-valid entry (status
 * other than Accepted, or expired), else (2) the least recently updated valid
 * entry, as §3.5.1 prescribes. 0 disables the cache (AuthorizationCacheEnabled
 * then stays false and ClearCache answers Rejected). Possible values: 0..255.
 * Default: 4.
 */
#ifndef OCPP_CONFIG_AUTH_CACHE_SIZE
#define OCPP_CONFIG_AUTH_CACHE_SIZE 4
#endif

/**
 * Bytes of RAM for the queue of transaction-related messages (StartTransaction,
 * StopTransaction, periodic and clock-aligned MeterValues; OCPP 1.6 §3.7),
 * kept while offline or while another CALL is outstanding, and persisted with
 * the running transactions in the storage record "txstate" (one write of
 * about 60 bytes + the bytes in use per change, see src/store/txstore.h).
 * Each entry takes its JSON payload plus 12 bytes. When full, MeterValues are
 * thinned to an even spread; room for the StopTransaction of every running
 * transaction is reserved, and no transaction starts without room for its
 * StartTransaction and StopTransaction (see ocpp_cp_queue_info_t).
 * Possible values: 512..65535. Default: 1024.
 */
#ifndef OCPP_CONFIG_TXQ_SIZE
#define OCPP_CONFIG_TXQ_SIZE 1024
#endif

/**
 * While a transaction runs, its meter reading is persisted with every sampled
 * MeterValues and, when it changed, at least every this many seconds: after a
 * power cut the transaction is stopped (reason PowerLoss) with the last
 * persisted reading. Each save is one write of the "txstate" record (mind the
 * flash wear on a flash store). 0: only with the sampled MeterValues.
 * Default: 60.
 */
#ifndef OCPP_CONFIG_TX_METER_SAVE_S
#define OCPP_CONFIG_TX_METER_SAVE_S 60
#endif

/**
 * Samples read per read_meter() call (the array lives on the stack, about 32
 * bytes per sample). Samples beyond it are not reported, so size it for your
 * meter (§3.16.3: "all phases SHALL be reported"): a three-phase meter with
 * energy, power, current and voltage per phase, offered current and
 * temperature gives 10. Possible values: 1..64. Default: 12.
 */
#ifndef OCPP_CONFIG_METER_SAMPLES_MAX
#define OCPP_CONFIG_METER_SAMPLES_MAX 12
#endif

/**
 * Clock-aligned readings kept per connector for the transactionData of
 * StopTransaction (StopTxnAlignedData, §9.1.25: "Clock-aligned periodic
 * measurand(s) to be included in the TransactionData element of
 * StopTransaction.req ... for every ClockAlignedDataInterval of the
 * Transaction"). A transaction longer than this many intervals reports its
 * last ones only (errata 3.91 lets a charge point drop intermediate values).
 * RAM: about 16 + 16 * OCPP_CONFIG_STOP_ALIGNED_SAMPLES bytes per reading and
 * connector. Possible values: 0..16 (0: StopTxnAlignedData is not reported).
 * Default: 2.
 */
#ifndef OCPP_CONFIG_STOP_ALIGNED_READINGS
#define OCPP_CONFIG_STOP_ALIGNED_READINGS 2
#endif

/**
 * Values kept per clock-aligned reading for StopTransaction (the first ones
 * whose measurand is in StopTxnAlignedData; a SignedData value is kept as its
 * plain value). Possible values: 1..16. Default: 2.
 */
#ifndef OCPP_CONFIG_STOP_ALIGNED_SAMPLES
#define OCPP_CONFIG_STOP_ALIGNED_SAMPLES 2
#endif

/**
 * Longest `info` and `vendorErrorCode` of a fault kept per connector for
 * StatusNotification (the wire allows 50; longer texts are cut at this
 * length). Possible values: 0..50. Default: 20.
 */
#ifndef OCPP_CONFIG_STATUS_INFO_MAX
#define OCPP_CONFIG_STATUS_INFO_MAX 20
#endif

/**
 * Charging profiles the Smart Charging profile keeps (MaxChargingProfilesInstalled,
 * OCPP 1.6 §9.4.5). Each takes about 56 + 8 * OCPP_CONFIG_CHARGING_PERIODS_MAX
 * bytes of context, and all of them are persisted as one record
 * ("smartcharging") on every change. Possible values: 1..32. Default: 4 (a
 * ChargePointMaxProfile, two TxDefaultProfiles, a TxProfile).
 */
#ifndef OCPP_CONFIG_CHARGING_PROFILES_MAX
#define OCPP_CONFIG_CHARGING_PROFILES_MAX 4
#endif

/**
 * Periods per charging schedule (ChargingScheduleMaxPeriods, OCPP 1.6
 * §9.4.3), 8 bytes each. Possible values: 1..255. Default: 24 (one per hour
 * of a day).
 */
#ifndef OCPP_CONFIG_CHARGING_PERIODS_MAX
#define OCPP_CONFIG_CHARGING_PERIODS_MAX 24
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
