/**
 * @file ocpp_cp.h
 * @brief The charge point (OCPP 1.6-J, or OCPP 2.0.1 with
 *        OCPP_CONFIG_OCPP201): a caller-owned context driven by one
 *        non-blocking poll function. The one header a charger maker reads.
 *
 * The caller owns every byte: the context (ocpp_cp_t, sized at compile time
 * by OCPP_CONFIG_MAX_CONNECTORS; its layout is private, ocpp_cp_layout.h),
 * the send buffer, and the ports. The library keeps no global state, so a
 * process may run many charge points.
 *
 * Inputs from the hardware are calls (ocpp_cp_plugged(), ...); outputs to it
 * are the callbacks given at init (permit, read_meter, unlock, reset, ...).
 * Callbacks are called from within ocpp_cp_poll() and the input functions;
 * they may call back into the library (for example stop the transaction
 * from `permit` when a relay weld is detected): the library derives its
 * state afresh after every callback.
 *
 * Naming: "config" is how you set the library up (ocpp_cp_config_t);
 * "keys" are the OCPP configuration keys (1.6) or device-model variables
 * (2.0.1) the CSMS reads and writes (ocpp_cp_key_get() / _set()).
 *
 * @code
 * ocpp_cp_t cp;
 * static char send_buf[2048];
 * ocpp_cp_config_t cfg = { .identity = "CP-1", .csms_url = "ws://csms.example/ocpp",
 *                          .vendor = "Acme", .model = "Wallbox", .connectors = 2 };
 * ocpp_cp_ports_t ports = { .msg = &msg_port, .storage = &storage,
 *                           .random = my_random, .log = my_log };
 * ocpp_cp_callbacks_t cb = { .ctx = &board, .permit = relay, .read_meter = meter };
 * ocpp_cp_init(&cp, &cfg, &ports, &cb, send_buf, sizeof send_buf);
 * for (;;) {
 *     ocpp_cp_poll(&cp, now_ms());
 *     // sleep at most ocpp_cp_next_wakeup_ms(&cp, now_ms()) or until a socket is readable
 * }
 * @endcode
 */
#ifndef OCPP_CP_H
#define OCPP_CP_H

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

/** Longest charge point identity (security whitepaper: identity ≤ 48 chars). */
#define OCPP_CP_IDENTITY_MAX 48u
/** Longest OCPP-J message id (OCPP-J 1.6 §4.1.4: at most 36 characters). */
#define OCPP_MSG_ID_MAX 36u

/** The protocol a charge point speaks. */
typedef enum {
    OCPP_VERSION_16 = 0, /**< OCPP 1.6-J, subprotocol "ocpp1.6" (default). */
    OCPP_VERSION_201     /**< OCPP 2.0.1, subprotocol "ocpp2.0.1" (OCPP_CONFIG_OCPP201). */
} ocpp_version_t;

/** What the charge point is configured with. Strings must outlive the context. */
typedef struct {
    const char *identity; /**< Charge point id; appended to the URL path. Required. */
    const char *csms_url; /**< "ws://host[:port]/path" or "wss://...". Required. */
    /* BootNotification fields (OCPP 1.6 §6.2). vendor and model are required. */
    const char *vendor;            /**< chargePointVendor, ≤ 20 chars. */
    const char *model;             /**< chargePointModel, ≤ 20 chars. */
    const char *serial_number;     /**< chargePointSerialNumber, ≤ 25, or NULL. */
    const char *charge_box_serial; /**< chargeBoxSerialNumber, ≤ 25, or NULL. */
    const char *firmware_version;  /**< firmwareVersion, ≤ 50, or NULL. */
    const char *iccid;             /**< iccid, ≤ 20, or NULL. */
    const char *imsi;              /**< imsi, ≤ 20, or NULL. */
    const char *meter_type;        /**< meterType, ≤ 25, or NULL. */
    const char *meter_serial;      /**< meterSerialNumber, ≤ 25, or NULL. */
    uint8_t connectors;            /**< Number of connectors, 1..OCPP_CONFIG_MAX_CONNECTORS. */
    uint32_t call_timeout_ms;      /**< Wait for a CALLRESULT this long; 0: the
                                        MessageTimeout key (default 30 s). */
    uint32_t connect_timeout_ms;   /**< Give up a connection attempt after; 0: 30000. */
    uint32_t backoff_min_ms;       /**< First reconnect delay; 0: 1000. Doubles up to: */
    uint32_t backoff_max_ms;       /**< Longest reconnect delay; 0: 60000. */
    ocpp_version_t version;        /**< Protocol; 0: OCPP 1.6. */
    /** The transport presents a TLS client certificate (mutual TLS, e.g.
     *  ocpp_posix_net_config_t.client_cert_file), so OCPP 1.6 SecurityProfile
     *  3 may be set (security whitepaper A05.FR.04). The URL's scheme says
     *  the rest: with wss:// (a CSMS root certificate to verify the server
     *  with, A05.FR.03) 2 may be set, with ws:// only 0 and 1; a profile of
     *  2 or 3 never connects over ws://. */
    bool client_certificate;
    /* Smart Charging (OCPP 1.6 §3.13): what the connectors are wired for. */
    /** Nominal voltage per phase (line to neutral), V: converts limits between
     *  A and W (§7.12: "the set voltage for the area (hence, 230 of 110
     *  volt)"). 0: 230. */
    uint16_t supply_voltage;
    /** Phases each connector can use, 1..3; 0: 3. A period without
     *  numberPhases uses this many (§7.12 assumes 3), one with more is capped
     *  to it (errata 3.34: "use the limit as is given, for the amount of
     *  phases that are/can be used"). */
    uint8_t supply_phases;
    /** Rating of each connector per phase, mA: the limit of a time no
     *  charging profile limits (composite schedules, ocpp_limit_t with
     *  limited false). 0: 32000. */
    uint32_t max_current_ma;
} ocpp_cp_config_t;

/** The ports the charge point uses. Pointed-to structs must outlive the context. */
typedef struct {
    const ocpp_msg_port_t *msg;         /**< Message transport. Required. */
    const ocpp_storage_port_t *storage; /**< Persistence; NULL: nothing persisted. */
    ocpp_random_fn random;              /**< Required. */
    void *random_ctx;
    ocpp_log_fn log; /**< Optional. Lines do not name the charge point: */
    void *log_ctx;   /**< give each one its own context that does (e.g. an
                          ocpp_posix_log_t with .prefix = the identity). */
    /** File transfer for Firmware Management (UpdateFirmware, GetDiagnostics);
     *  NULL: every download and upload fails (DownloadFailed, no diagnostics
     *  file). Unused when OCPP_CONFIG_PROFILE_FIRMWARE is 0. */
    const ocpp_transfer_port_t *transfer;
} ocpp_cp_ports_t;

/** State of the link to the central system, as shown to users. */
typedef enum {
    OCPP_CP_OFFLINE = 0, /**< Not connected (waiting to reconnect, or network off). */
    OCPP_CP_CONNECTING,  /**< Connecting / WebSocket handshake. */
    OCPP_CP_BOOTING,     /**< Connected, BootNotification not answered yet. */
    OCPP_CP_PENDING,     /**< Registration Pending (OCPP 1.6 §4.2). */
    OCPP_CP_ACCEPTED,    /**< Registration Accepted: normal operation. */
    OCPP_CP_REJECTED     /**< Registration Rejected: silent until the retry interval. */
} ocpp_cp_conn_t;

/** @brief "offline", "connecting", "booting", "pending", "accepted", "rejected". */
const char *ocpp_cp_conn_str(ocpp_cp_conn_t c);

/** ChargePointStatus (OCPP 1.6 §7.7). */
typedef enum {
    OCPP_CONNECTOR_AVAILABLE = 0,
    OCPP_CONNECTOR_PREPARING,
    OCPP_CONNECTOR_CHARGING,
    OCPP_CONNECTOR_SUSPENDED_EVSE,
    OCPP_CONNECTOR_SUSPENDED_EV,
    OCPP_CONNECTOR_FINISHING,
    OCPP_CONNECTOR_RESERVED,
    OCPP_CONNECTOR_UNAVAILABLE,
    OCPP_CONNECTOR_FAULTED
} ocpp_connector_status_t;

/** @brief The wire name of a ChargePointStatus ("Available", ...). */
const char *ocpp_connector_status_str(ocpp_connector_status_t s);

/** ChargePointErrorCode (OCPP 1.6 §7.6). */
typedef enum {
    OCPP_FAULT_NONE = 0,
    OCPP_FAULT_CONNECTOR_LOCK_FAILURE,
    OCPP_FAULT_EV_COMMUNICATION_ERROR,
    OCPP_FAULT_GROUND_FAILURE,
    OCPP_FAULT_HIGH_TEMPERATURE,
    OCPP_FAULT_INTERNAL_ERROR,
    OCPP_FAULT_LOCAL_LIST_CONFLICT,
    OCPP_FAULT_OTHER_ERROR,
    OCPP_FAULT_OVER_CURRENT_FAILURE,
    OCPP_FAULT_OVER_VOLTAGE,
    OCPP_FAULT_POWER_METER_FAILURE,
    OCPP_FAULT_POWER_SWITCH_FAILURE,
    OCPP_FAULT_READER_FAILURE,
    OCPP_FAULT_RESET_FAILURE,
    OCPP_FAULT_UNDER_VOLTAGE,
    OCPP_FAULT_WEAK_SIGNAL
} ocpp_fault_t;

/** @brief The wire name of a ChargePointErrorCode ("NoError", ...). */
const char *ocpp_fault_str(ocpp_fault_t e);

/** Reason of a StopTransaction (OCPP 1.6 §7.41). */
typedef enum {
    OCPP_STOP_LOCAL = 0,       /**< "Local": stopped at the charge point (card, button). */
    OCPP_STOP_DEAUTHORIZED,    /**< "DeAuthorized" */
    OCPP_STOP_EMERGENCY_STOP,  /**< "EmergencyStop" */
    OCPP_STOP_EV_DISCONNECTED, /**< "EVDisconnected" */
    OCPP_STOP_HARD_RESET,      /**< "HardReset" */
    OCPP_STOP_OTHER,           /**< "Other" */
    OCPP_STOP_POWER_LOSS,      /**< "PowerLoss" */
    OCPP_STOP_REBOOT,          /**< "Reboot" */
    OCPP_STOP_REMOTE,          /**< "Remote" */
    OCPP_STOP_SOFT_RESET,      /**< "SoftReset" */
    OCPP_STOP_UNLOCK_COMMAND   /**< "UnlockCommand" */
} ocpp_stop_reason_t;

/**
 * @brief The wire name of a stop reason ("Local", ...).
 *
 * OCPP 1.6 §4.10: "If a transaction is ended in a normal way (e.g. EV-driver
 * presented his identification to stop the transaction), the Reason element
 * MAY be omitted and the Reason SHOULD be assumed 'Local'." The library
 * omits `reason` for OCPP_STOP_LOCAL and sends it for every other reason.
 */
const char *ocpp_stop_reason_str(ocpp_stop_reason_t r);

/** AuthorizationStatus of an idTagInfo (OCPP 1.6 §7.2). */
typedef enum {
    OCPP_AUTH_ACCEPTED = 0,
    OCPP_AUTH_BLOCKED,
    OCPP_AUTH_EXPIRED,
    OCPP_AUTH_INVALID,
    OCPP_AUTH_CONCURRENT_TX
} ocpp_auth_status_t;

/** @brief The wire name of an AuthorizationStatus ("Accepted", ...). */
const char *ocpp_auth_status_str(ocpp_auth_status_t s);

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

/** Bit of measurand m in a measurand mask (for applications; the library keeps lists). */
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

/** Result of a change, as ConfigurationStatus (OCPP 1.6 §7.22). */
typedef enum {
    OCPP_KEY_ACCEPTED = 0,    /**< Applied, effective now. */
    OCPP_KEY_REJECTED,        /**< Not applied: read-only, bad format, out of range. */
    OCPP_KEY_REBOOT_REQUIRED, /**< Applied, effective after a reboot. */
    OCPP_KEY_NOT_SUPPORTED    /**< Unknown key. */
} ocpp_key_result_t;

/** @brief "Accepted", "Rejected", "RebootRequired", "NotSupported". */
const char *ocpp_key_result_str(ocpp_key_result_t r);

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
     * Called for ChangeConfiguration (only if !readonly) and ocpp_cp_key_set().
     * @return the ConfigurationStatus to answer (Accepted, Rejected,
     *         RebootRequired).
     */
    ocpp_key_result_t (*set)(void *ctx, const char *value);
    /**
     * Write the value as NUL-terminated text into out[0..cap).
     * @return its length without the NUL; a return >= cap means it did not
     *         fit, and the key is then reported without a value.
     */
    size_t (*get)(void *ctx, char *out, size_t cap);
    void *ctx; /**< Passed to set() and get(). */
} ocpp_vendor_key_t;

/** Phase of a sampled value (OCPP 1.6 §7.30). */
typedef enum {
    OCPP_PHASE_NONE = 0, /**< No phase field. */
    OCPP_PHASE_L1,
    OCPP_PHASE_L2,
    OCPP_PHASE_L3,
    OCPP_PHASE_N,
    OCPP_PHASE_L1_N,
    OCPP_PHASE_L2_N,
    OCPP_PHASE_L3_N,
    OCPP_PHASE_L1_L2,
    OCPP_PHASE_L2_L3,
    OCPP_PHASE_L3_L1
} ocpp_phase_t;

/** Bit of phase p in a phase mask (ocpp_meter_supply_t.phases). */
#define OCPP_PHASE_BIT(p) ((uint16_t)(1u << (unsigned)(p)))

/**
 * A measurand the application's meter supplies (read_meter()), and the
 * phases it reads it on: see ocpp_cp_callbacks_t.meter_supply.
 */
typedef struct {
    uint16_t phases;   /**< OCPP_PHASE_BIT() of every phase read_meter() gives it for;
                            OCPP_PHASE_BIT(OCPP_PHASE_NONE) for a value without phase
                            (a total). */
    uint8_t measurand; /**< ocpp_measurand_t; each measurand once in a declaration. */
} ocpp_meter_supply_t;

/** Location of a sampled value (OCPP 1.6 §7.28). */
typedef enum {
    OCPP_LOCATION_OUTLET = 0, /**< Default; omitted on the wire. */
    OCPP_LOCATION_INLET,
    OCPP_LOCATION_BODY,
    OCPP_LOCATION_CABLE,
    OCPP_LOCATION_EV
} ocpp_location_t;

/**
 * One value from the application's meter or sensors. The value is fixed
 * point, value / 10^scale, in the measurand's default unit (§7.45: Wh, varh,
 * W, var, A, V, Celsius, Percent, Hz; RPM for RPM; Power.Factor unitless).
 */
typedef struct {
    int64_t value;           /**< Fixed point: value / 10^scale. */
    const char *signed_data; /**< Non-NULL: a signed reading of this value (e.g. an
                                  OCMF string from a calibration-law meter), sent
                                  untouched as format SignedData. Valid during the
                                  read_meter() callback's caller only. */
    ocpp_measurand_t measurand;
    ocpp_phase_t phase;
    ocpp_location_t location;
    uint8_t scale; /**< Decimals, 0..9. */
} ocpp_sample_t;   /* Initialise with designated initializers: fields may be reordered. */

/** Result of an unlock request (UnlockConnector, §5.18). */
typedef enum {
    OCPP_UNLOCK_UNLOCKED = 0,
    OCPP_UNLOCK_FAILED,
    OCPP_UNLOCK_NOT_SUPPORTED
} ocpp_unlock_result_t;

/** Status of a DataTransfer (§5.6 / §6.12). */
typedef enum {
    OCPP_DT_ACCEPTED = 0,
    OCPP_DT_REJECTED,
    OCPP_DT_UNKNOWN_MESSAGE_ID,
    OCPP_DT_UNKNOWN_VENDOR_ID
} ocpp_dt_status_t;

/** Kinds of event reported to the application. */
typedef enum {
    OCPP_CP_EV_CONNECTION,           /**< conn changed (see ocpp_cp_event_t.conn). */
    OCPP_CP_EV_MSG_OUT,              /**< A message is being sent (text, len). One
                                          larger than the send buffer comes in pieces,
                                          as it goes out: value = the offset of text
                                          in the message (0: a new message), status =
                                          OCPP_PENDING while more pieces follow,
                                          OCPP_OK for the last (or only) one. */
    OCPP_CP_EV_MSG_IN,               /**< A message was received (text, len). */
    OCPP_CP_EV_TIME_SET,             /**< The clock was set from the CSMS (unix_time). */
    OCPP_CP_EV_CONFIG_CHANGED,       /**< A configuration key changed (text = key name). */
    OCPP_CP_EV_CONNECT_FAILED,       /**< A connection attempt failed (status). */
    OCPP_CP_EV_STATUS,               /**< A connector's status changed (connector). */
    OCPP_CP_EV_AUTHORIZED,           /**< An id tag was accepted (connector, text = idTag). */
    OCPP_CP_EV_AUTH_REJECTED,        /**< An id tag was refused (connector, text = idTag,
                                          value = the idTagInfo status as ocpp_auth_status_t). */
    OCPP_CP_EV_TX_STARTED,           /**< A transaction started (connector, value = transactionId
                                          or -1 while the CSMS has not answered). */
    OCPP_CP_EV_TX_STOPPED,           /**< A transaction ended (connector, value = reason as
                                          ocpp_stop_reason_t). */
    OCPP_CP_EV_DATA_TRANSFER_RESULT, /**< The answer to ocpp_cp_data_transfer() (value =
                                         ocpp_dt_status_t, or -1 when the CALL failed:
                                         CALLERROR, timeout, connection lost; text/len =
                                         the answer's "data" string, raw JSON, or NULL). */
    OCPP_CP_EV_FIRMWARE_STATUS,      /**< Firmware Management: the update's status changed
                                         (value = ocpp_fw_status_t), as it is reported in a
                                         FirmwareStatusNotification; e.g. for a display. */
    OCPP_CP_EV_CALL_TIMEOUT          /**< Our outstanding CALL got no answer within the call
                                         timeout (call_timeout_ms / MessageTimeout) and is
                                         given up (text/len = its message id); an answer
                                         that comes later is ignored. */
} ocpp_cp_event_kind_t;

/** A firmware update's status (OCPP 1.6 §7.25 FirmwareStatus), OCPP_CP_EV_FIRMWARE_STATUS. */
typedef enum {
    OCPP_FW_IDLE = 0,
    OCPP_FW_DOWNLOADING,
    OCPP_FW_DOWNLOADED,
    OCPP_FW_DOWNLOAD_FAILED,
    OCPP_FW_INSTALLING,
    OCPP_FW_INSTALLED,
    OCPP_FW_INSTALLATION_FAILED
} ocpp_fw_status_t;

/** An event. Pointers are valid only during the callback. */
typedef struct {
    ocpp_cp_event_kind_t kind;
    ocpp_cp_conn_t conn;
    ocpp_status_t status;
    uint8_t connector;
    int32_t value;
    const char *text;
    size_t len;
    int64_t unix_time;
} ocpp_cp_event_t;

/**
 * The effective charging limit of a connector (Smart Charging, OCPP 1.6
 * §3.13.3: the minimum of the ChargePointMaxProfile, shared by the connectors
 * in a transaction, and the TxProfile, else the TxDefaultProfile, at this
 * moment), given by ocpp_cp_callbacks_t.set_limit.
 */
typedef struct {
    bool limited;        /**< false: no profile limits it (the values are the rating,
                              ocpp_cp_config_t.max_current_ma). */
    uint32_t current_ma; /**< Per phase, mA (a limit in W divided by voltage and phases). */
    uint32_t power_w;    /**< In total, W: current_ma x supply_voltage x phases. */
    uint8_t phases;      /**< Phases it may use, 1..3. */
} ocpp_limit_t;

/**
 * Application callbacks: the outputs of the charge point to its hardware.
 * All optional unless stated. Called from within ocpp_cp_poll() or the input
 * functions, never from another thread.
 */
typedef struct {
    void *ctx; /**< Passed to every callback. */

    /** Something happened (for logs, LEDs, displays). */
    void (*on_event)(void *ctx, const ocpp_cp_event_t *ev);

    /**
     * Energy may flow on `connector` (true), or must stop now (false). The
     * application closes its relay only while permitted AND the EV asks for
     * energy, and opens it at once when permission ends. Needed to charge.
     */
    void (*permit)(void *ctx, uint8_t connector, bool permitted);

    /**
     * Read the meter and sensors of `connector` (0: the grid meter, if any)
     * into out[0..cap). Must include Energy.Active.Import.Register (Wh) for
     * connectors that charge: it is meterStart/meterStop.
     * @return number of samples written.
     */
    size_t (*read_meter)(void *ctx, uint8_t connector, ocpp_sample_t *out, size_t cap);

    /** Unlock the connector (UnlockConnector, §5.18). NULL: NotSupported. */
    ocpp_unlock_result_t (*unlock)(void *ctx, uint8_t connector);

    /**
     * Reset (§5.14): called once running transactions were stopped and the
     * answer was sent. Hard: reboot now; soft: restart the application. The
     * library needs ocpp_cp_init() again afterwards.
     */
    void (*reset)(void *ctx, bool hard);

    /**
     * A DataTransfer from the CSMS (§5.6). `data` is the "data" string (NULL
     * if absent), decoded into the send buffer: it must fit there beside
     * vendor_id and message_id, else the CALL is answered InternalError.
     * The handler may write one response data string with
     * ocpp_jw_str(resp_data, ...) (or nothing): it goes straight into the
     * answer, of any length (streamed out when it is larger than the send
     * buffer); anything else written there is misuse (InternalError). NULL
     * callback: every vendor id is unknown (UnknownVendorId).
     */
    ocpp_dt_status_t (*data_transfer)(void *ctx, const char *vendor_id, const char *message_id,
                                      const char *data, ocpp_jw_t *resp_data);

    /**
     * What read_meter() supplies: meter_supply[0..meter_supply_count), each
     * measurand once, with its phases. The measurand lists
     * (MeterValuesSampledData, MeterValuesAlignedData, StopTxnSampledData,
     * StopTxnAlignedData) accept only these, anything else is Rejected (OCPP
     * 1.6 §3.16.4): a measurand ("Current.Import": every phase it is read
     * on, §3.16.3) or a measurand on one phase ("Current.Import.L2",
     * "Voltage.L1-N"; §9.1.17 "Where applicable, the Measurand is combined
     * with the optional phase; for instance: Voltage.L1"). A phase L1, L2 or
     * L3 in a list also takes the value read between that line and N (the
     * voltage "on L1" that a meter reports as L1-N). The values go out with
     * their `phase` field. Stored lists are checked again at init: an item
     * the meter no longer supplies drops the key back to its default.
     * NULL (the default): not declared; every measurand without a phase is
     * accepted, a phase-qualified one is Rejected. The array must outlive
     * the context.
     */
    const ocpp_meter_supply_t *meter_supply;
    uint8_t meter_supply_count;

    /**
     * The effective limit of `connector` (1..n) changed (OCPP 1.6 Smart
     * Charging, OCPP_CONFIG_PROFILE_SMART_CHARGING): a profile was set or cleared, a
     * period or a profile began or ended (validFrom, validTo), a transaction
     * started or stopped, the clock was set. Called once per connector after
     * the first poll that knows the time, then only on a change, before the
     * permission of a transaction that starts. Set the pilot's PWM duty from
     * current_ma (IEC 61851-1; below 6 A pause: SuspendedEVSE). `limit` is
     * valid during the call. NULL: the limit is not used.
     */
    void (*set_limit)(void *ctx, uint8_t connector, const ocpp_limit_t *limit);

    /**
     * Firmware Management (OCPP 1.6 §5.19): install the image that the
     * transfer port downloaded into its firmware slot. Called once the image
     * is Downloaded and no transaction runs (the FirmwareStatusNotification
     * Installing sent first when online), then again on every poll while it
     * returns OCPP_PENDING: it must not block for long.
     * @return OCPP_OK installed: the library persists that, reboots through
     *         reset(ctx, true) (the reboot hook; without one it reports
     *         Installed at once) and, after the new firmware's
     *         BootNotification (with its ocpp_cp_config_t.firmware_version),
     *         reports Installed; OCPP_PENDING still installing; anything
     *         else: the image is refused, InstallationFailed.
     * NULL: every image is InstallationFailed.
     */
    ocpp_status_t (*firmware_install)(void *ctx);

    /**
     * GetDiagnostics (OCPP 1.6 §5.9): write the diagnostics file for the
     * period [start_unix, stop_unix] (0: open end) into the transfer port's
     * diagnostics slot and its name (at least 1 character, no '/',
     * NUL-terminated; cap is at most OCPP_CONFIG_DIAG_NAME_MAX + 1, less when
     * the location is long: a longer name is cut) into name[0..cap). Called
     * while the request is answered: it must not block for long.
     * @return true: the file is ready (the answer carries its fileName and
     *         it is uploaded); false: no diagnostics available (no fileName).
     * NULL: no diagnostics are ever available.
     */
    bool (*diagnostics)(void *ctx, int64_t start_unix, int64_t stop_unix, char *name, size_t cap);
} ocpp_cp_callbacks_t;

/** Longest idTag (IdToken is CiString20Type, OCPP 1.6 §7.28). */
#define OCPP_ID_TAG_MAX 20u

/* The layout of ocpp_cp_t: private (not API, may change in any release); in
 * a header of its own so that this one stays the contract. */
#include "ocpp_cp_layout.h"

/**
 * @brief Initialise a charge point. Does no network I/O. With a storage port
 *        it loads what was persisted: configuration, availability,
 *        authorization cache, and the transaction state (record "txstate",
 *        src/store/txstore.h): queued transaction messages are restored for
 *        delivery in order, and a transaction that was running when the power
 *        went is stopped with reason PowerLoss, meterStop its last persisted
 *        reading (OCPP_CONFIG_TX_METER_SAVE_S), at that reading's time.
 *        Events of that (the PowerLoss stops) already reach `callbacks`.
 * @param callbacks the outputs to the hardware (copied); NULL: none.
 * @param send_buf the send buffer, owned by the library until the context
 *            is dropped. Messages are written into it behind
 *            OCPP_MSG_HEADROOM bytes; one larger than send_cap -
 *            OCPP_MSG_HEADROOM goes out in pieces as the buffer fills
 *            (WebSocket fragments, RFC 6455 §5.4) when the message port
 *            takes pieces (ocpp_msg_port_t.send_part: the built-in client
 *            does), so 512 bytes carry every message, a GetConfiguration of
 *            all keys (about 2.3 KB, 2.9 KB with every profile compiled in)
 *            and DataTransfer of any length included. A port without
 *            send_part needs the largest message to fit (a CALL that does not
 *            is not sent, an answer that does not becomes a CALLERROR
 *            InternalError). With a storage port the buffer is also where
 *            the configuration record is built when it is saved: about 0.9 KB,
 *            up to 1.6 KB with every measurand list at its longest; when it
 *            does not fit, saving fails (logged, counted in
 *            ocpp_cp_queue_info().store_errors). 2048 covers that.
 * @return OCPP_OK; OCPP_ERR_PARAM for a missing field, a bad URL, too many
 *         connectors, an OCPP version not compiled in, send_cap < 512, or a
 *         BootNotification field that is not what its OCPP type allows
 *         (empty, too long or not printable ASCII: the vendor and model
 *         CiString20, serial numbers CiString25, ...; see the fields
 *         above); that one is also logged (error level) by its name.
 */
ocpp_status_t ocpp_cp_init(ocpp_cp_t *cp, const ocpp_cp_config_t *config,
                           const ocpp_cp_ports_t *ports, const ocpp_cp_callbacks_t *callbacks,
                           char *send_buf, size_t send_cap);

/**
 * @brief Do all pending work without blocking: connect, read and answer
 *        messages, send due messages, run timers.
 * @param now_ms monotonic milliseconds; may wrap. Call again when
 *        ocpp_cp_next_wakeup_ms() says, when the transport has data, and
 *        after an input (ocpp_cp_plugged(), ocpp_cp_present_id(), ...).
 * @return OCPP_OK, or a negative status for a fatal misuse (NULL context).
 *         Network trouble is not an error: it is handled by reconnecting.
 */
ocpp_status_t ocpp_cp_poll(ocpp_cp_t *cp, uint32_t now_ms);

/**
 * @brief How long the caller may sleep before the next poll is needed, if
 *        nothing arrives on the transport and no input is given (0: poll
 *        again now). It is the first deadline of everything the poll does on
 *        time: connecting and the reconnect back-off, the outstanding CALL's
 *        timeout, what is due to be sent (BootNotification, Heartbeat,
 *        StatusNotification, queued messages and their retries), the
 *        transport's keep-alive ping and pong timeout (a message port with
 *        next_due; one without is polled every second), sampled and
 *        clock-aligned meter values, ConnectionTimeOut, reservation expiry,
 *        charging-profile boundaries, firmware and diagnostics transfers, a
 *        pending reset, retried writes. At most 60000 ms. Ask again after
 *        every poll and input: an idle charge point sleeps until its next
 *        deadline, not a fixed period.
 */
uint32_t ocpp_cp_next_wakeup_ms(const ocpp_cp_t *cp, uint32_t now_ms);

/**
 * @brief Set the time of the inputs that follow (monotonic ms, as for
 *        ocpp_cp_poll()), without polling. An input (ocpp_cp_plugged(),
 *        ocpp_cp_present_id(), ...) is stamped with the library's time: that
 *        of the last poll unless this is called. Since an idle charge point
 *        sleeps up to ocpp_cp_next_wakeup_ms() (up to a minute), an
 *        application that gives inputs after a sleep calls this first, so
 *        that a status change, a ConnectionTimeOut or a transaction starts at
 *        the input's time. No effect before the first poll.
 */
void ocpp_cp_set_now(ocpp_cp_t *cp, uint32_t now_ms);

/** @brief Connection state. */
ocpp_cp_conn_t ocpp_cp_connection(const ocpp_cp_t *cp);

/**
 * @brief Allow or forbid the network link (e.g. a modem switched off, or a
 *        simulated network cut). Forbidding closes the connection at once.
 */
void ocpp_cp_set_network(ocpp_cp_t *cp, bool enabled);

/** @brief A connector's current status (connector 0 = the charge point). */
ocpp_connector_status_t ocpp_cp_connector_status(const ocpp_cp_t *cp, uint8_t connector);

/* ------------------------------------------------------------------------ */
/* Inputs from the hardware                                                  */
/* ------------------------------------------------------------------------ */

/**
 * @brief The cable is plugged in at the EV side (pilot state B/C) or not
 *        (state A). Unplugging ends a transaction when
 *        StopTransactionOnEVSideDisconnect is true (§4.10).
 * @return OCPP_OK or OCPP_ERR_PARAM.
 */
ocpp_status_t ocpp_cp_plugged(ocpp_cp_t *cp, uint8_t connector, bool plugged);

/**
 * @brief The EV asks for energy (pilot state C) or not (state B: suspended
 *        by the EV, SuspendedEV while a transaction runs).
 */
ocpp_status_t ocpp_cp_ev_ready(ocpp_cp_t *cp, uint8_t connector, bool ready);

/**
 * @brief The EVSE offers no energy on `connector` (true) or offers it again
 *        (false), for a reason of its own: a current limit below what the
 *        pilot can offer (IEC 61851-1: 6 A; a smart charging limit, load
 *        management), a derating. While a transaction runs the connector is
 *        SuspendedEVSE (OCPP 1.6 §7.7: "the EVSE is not offering energy to
 *        the EV, e.g. due to a smart charging restriction, local supply power
 *        constraints"), with precedence over SuspendedEV (§4.9). Permission
 *        (the permit callback) is not withdrawn: the application that
 *        suspends resumes on its own. Kept until changed (also across
 *        transactions); false after ocpp_cp_init().
 * @return OCPP_OK or OCPP_ERR_PARAM (bad connector).
 */
ocpp_status_t ocpp_cp_evse_suspended(ocpp_cp_t *cp, uint8_t connector, bool suspended);

/**
 * @brief An id tag was presented (RFID card, app): authorize it (cache,
 *        local list, Authorize.req) and start or stop a transaction.
 * @param connector the connector it is meant for; 0: the library chooses
 *        (the one with a transaction of this tag, else the one plugged in
 *        without a transaction, else the first free one).
 * @return OCPP_OK (processing; the outcome is reported by events),
 *         OCPP_ERR_PARAM (bad connector, empty tag, or not 1..20 printable
 *         ASCII characters: IdToken is a CiString20Type, OCPP 1.6 §7.28,
 *         and §2 "CiString: Case Insensitive String. Only printable ASCII
 *         allowed."),
 *         OCPP_ERR_BUSY (an authorization is already in progress),
 *         OCPP_ERR_STATE (no connector can take it).
 */
ocpp_status_t ocpp_cp_present_id(ocpp_cp_t *cp, uint8_t connector, const char *id_tag);

/**
 * @brief Stop the transaction on `connector` for a local reason (stop button:
 *        OCPP_STOP_LOCAL; emergency stop: OCPP_STOP_EMERGENCY_STOP, ...).
 * @return OCPP_OK, OCPP_ERR_PARAM, or OCPP_ERR_STATE if none runs.
 */
ocpp_status_t ocpp_cp_stop(ocpp_cp_t *cp, uint8_t connector, ocpp_stop_reason_t reason);

/**
 * @brief Report a fault (error != OCPP_FAULT_NONE) or its end
 *        (OCPP_FAULT_NONE). A fault that prevents charging makes the
 *        connector Faulted and withdraws permission; `info` (≤ 50) and
 *        `vendor_error_code` (≤ 50 characters, valid UTF-8 without control
 *        characters) may be NULL; they are sent in StatusNotification (cut
 *        to OCPP_CONFIG_STATUS_INFO_MAX bytes at a character boundary).
 *
 * Warnings, which keep the status and charging going (OCPP 1.6 §4.9: "When
 * the 'status' field is not Faulted, the condition should be considered a
 * warning"): EVCommunicationError (§4.9: "SHALL only be used with status
 * Preparing, SuspendedEV, SuspendedEVSE and Finishing and be treated as
 * warning"), LocalListConflict, ReaderFailure, ResetFailure, WeakSignal.
 * Every other code is a fault. Connector 0 is the whole charge point: a
 * fault there makes connector 0 Faulted and withdraws permission everywhere.
 * A running transaction is not stopped by a fault (the application may call
 * ocpp_cp_stop()); it resumes when the fault ends.
 * @return OCPP_OK, or OCPP_ERR_PARAM (bad connector or error code, or text
 *         that is too long, not valid UTF-8, or has control characters).
 */
ocpp_status_t ocpp_cp_fault(ocpp_cp_t *cp, uint8_t connector, ocpp_fault_t error, const char *info,
                            const char *vendor_error_code);

/**
 * @brief Send a DataTransfer.req to the CSMS (OCPP 1.6 §4.3). The answer
 *        comes as event OCPP_CP_EV_DATA_TRANSFER_RESULT.
 * @param vendor_id  1..255 characters, required.
 * @param message_id ≤ 50 characters, or NULL.
 * @param data       any UTF-8 text, or NULL; larger than the send buffer
 *                   too, when the message port takes pieces (send_part).
 * vendor_id and message_id must be UTF-8 without control characters.
 * The strings are NOT copied: they must stay valid until the result event.
 * @return OCPP_OK (queued); OCPP_ERR_PARAM; OCPP_ERR_BUSY (one is already
 *         under way); OCPP_ERR_STATE (not Accepted by the CSMS).
 */
ocpp_status_t ocpp_cp_data_transfer(ocpp_cp_t *cp, const char *vendor_id, const char *message_id,
                                    const char *data);

/**
 * @brief Outcome of the last authorization (ocpp_cp_present_id(), remote
 *        start): the idTagInfo status that decided it.
 */
ocpp_auth_status_t ocpp_cp_last_auth(const ocpp_cp_t *cp);

/** What the application may show about a connector. */
typedef struct {
    ocpp_connector_status_t status;
    ocpp_fault_t error;
    bool plugged;
    bool ev_ready;
    bool permitted; /**< Energy may flow. */
    bool in_transaction;
    int32_t transaction_id; /**< -1 while unknown (not started, or not confirmed yet). */
    char id_tag[21];        /**< Tag of the transaction or authorization, "" if none. */
    int64_t meter_start_wh; /**< Meter at the start of the transaction. */
} ocpp_cp_connector_info_t;

/** @brief Snapshot of a connector (0..connectors). @return OCPP_OK or OCPP_ERR_PARAM. */
ocpp_status_t ocpp_cp_connector_info(const ocpp_cp_t *cp, uint8_t connector,
                                     ocpp_cp_connector_info_t *out);

/**
 * Fill level of the transaction message queue (OCPP 1.6 §3.7), see
 * ocpp_cp_queue_info(). Policy when it fills (OCPP_CONFIG_TXQ_SIZE):
 * MeterValues are thinned, the one whose neighbours (same transaction) are
 * closest in time goes first, so what remains is an even spread between the
 * transaction's StartTransaction and StopTransaction (which carry the
 * Transaction.Begin/End values). StartTransaction and StopTransaction are
 * never thinned: room for the StopTransaction of every running transaction
 * is reserved, and a new transaction cannot start (ocpp_cp_present_id()
 * and RemoteStartTransaction refuse it) while the queue cannot hold its
 * StartTransaction and StopTransaction.
 */
typedef struct {
    size_t entries;        /**< Messages queued (the one on the wire included). */
    size_t used_bytes;     /**< Bytes they take (payload + 12 per entry). */
    size_t capacity_bytes; /**< OCPP_CONFIG_TXQ_SIZE. */
    uint32_t thinned;      /**< MeterValues removed to make room since init. */
    uint32_t lost;         /**< Messages refused for lack of room since init (0 by design). */
    uint32_t store_errors; /**< Failed writes of the persisted state since init. */
} ocpp_cp_queue_info_t;

/** @brief Fill level of the transaction message queue. @return OCPP_OK or OCPP_ERR_PARAM. */
ocpp_status_t ocpp_cp_queue_info(const ocpp_cp_t *cp, ocpp_cp_queue_info_t *out);

/**
 * @brief Current wall-clock time in unix seconds, as set from the CSMS
 *        (BootNotification/Heartbeat currentTime) or ocpp_cp_set_time().
 * @return 0 if the clock has not been set.
 */
int64_t ocpp_cp_time(const ocpp_cp_t *cp);

/** @brief Set the wall clock (e.g. from an RTC) until the CSMS sets it. */
void ocpp_cp_set_time(ocpp_cp_t *cp, int64_t unix_s);

/**
 * @brief Read a key: an OCPP 1.6 configuration key ("HeartbeatInterval",
 *        case-insensitive), or in 2.0.1 a device-model variable
 *        ("OCPPCommCtrlr.HeartbeatInterval"), as text as on the wire.
 *        Write-only keys (AuthorizationKey) cannot be read.
 * @return OCPP_OK; OCPP_ERR_NOT_FOUND (no such key, or write-only);
 *         OCPP_ERR_NOMEM (the value and its NUL do not fit cap; out is "");
 *         OCPP_ERR_PARAM.
 */
ocpp_status_t ocpp_cp_key_get(const ocpp_cp_t *cp, const char *key, char *out, size_t cap);

/**
 * @brief Set a key locally (from the application or a command line), then
 *        persist it. Unlike a change from the CSMS, read-only capability keys
 *        the application owns may be set (e.g. LocalAuthListMaxLength).
 * @return OCPP_KEY_ACCEPTED, _REBOOT_REQUIRED, _REJECTED (bad value, or
 *         read-only), _NOT_SUPPORTED (no such key).
 */
ocpp_key_result_t ocpp_cp_key_set(ocpp_cp_t *cp, const char *key, const char *value);

/**
 * @brief Every configuration key as GetConfiguration.conf lists it (OCPP 1.6
 *        §5.8 with no key given): writes the JSON object
 *        {"configurationKey": [{"key", "readonly", "value"}, ...]} into `w`
 *        (write-only keys are left out; a value that does not fit the
 *        library's value buffer has no "value"). For tools and displays.
 * @return OCPP_OK; the writer's status when it ran out of room
 *         (OCPP_ERR_NOMEM); OCPP_ERR_STATE with OCPP 2.0.1 (no list);
 *         OCPP_ERR_PARAM.
 */
ocpp_status_t ocpp_cp_key_list(const ocpp_cp_t *cp, ocpp_jw_t *w);

/**
 * @brief Register an application (vendor) configuration key (OCPP 1.6): it
 *        is listed by GetConfiguration and changed by ChangeConfiguration
 *        through its callbacks. The descriptor must outlive the context.
 * @return OCPP_OK; OCPP_ERR_PARAM (a NULL, empty or too long name, no get(), a writable key
 *         without set(), or the name of a standard key);
 *         OCPP_ERR_NOMEM (OCPP_CONFIG_MAX_VENDOR_KEYS reached).
 */
ocpp_status_t ocpp_cp_key_register(ocpp_cp_t *cp, const ocpp_vendor_key_t *key);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_CP_H */
