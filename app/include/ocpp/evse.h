/**
 * @file evse.h
 * @brief The EVSE application: the firmware between a charger's hardware
 *        (evse_board.h) and the OCPP charge point (ocpp_cp.h).
 *
 * It maps the control pilot to OCPP inputs (state B/C: plugged, C/D: the EV
 * requests energy), presents RFID cards, drives the pilot PWM from the current
 * it may offer, closes the relay only while the charge point permits charging
 * AND the EV requests energy, opens it on any fault, and answers the charge
 * point's read_meter callback from the board's meter.
 *
 * The current a connector offers is one pipeline: the minimum of its rating
 * (evse_config_t.max_current_ma), the plugged cable's rating
 * (evse_board_t.cable_max_ma), evse_set_limit() (smart charging, load
 * management) and the temperature derating (evse_settings_t); the PWM duty
 * follows (evse_duty_for_current()), and evse_connector_t.limit_reason says
 * which one holds it down. Below 6 A the PWM offers nothing: the relay opens
 * and the charge point is told (ocpp_cp_evse_suspended(): SuspendedEVSE
 * during a transaction) until the limit rises again.
 *
 * The face: one status light per connector (evse_board_t.led_set): Available
 * green steady, Preparing blue steady, energy flowing blue pulse (faster
 * with more current offered), SuspendedEV/EVSE yellow steady, Finishing
 * green pulse, Reserved yellow pulse, Unavailable red steady, Faulted red
 * blink; a card accepted / refused blinks green / red BlinkRepeat times;
 * brightness LightIntensity. Light 0 (the charger's) shows those signals
 * for cards without a connector.
 * the stop button (debounced, EVSE_DEBOUNCE_MS) ends the transactions as a
 * card would (reason Local), DataTransfer DisplayMessage leaves a text for
 * the display (evse_message()).
 *
 * The cable lock (socket outlets; a fixed cable has none, see
 * evse_board_t.cable_fixed) closes when a transaction permits energy with the
 * EV plugged in (before any current is offered) and stays closed while the
 * transaction runs, also when the EV side is unplugged (OCPP 1.6 §4.10:
 * "cables always remain locked when the cable is disconnected at EV side when
 * StopTransactionOnEVSideDisconnect is false"). It opens when the charge
 * point asks (its unlock callback: the normal end of a transaction, an
 * UnlockConnector, an EV-side disconnect with
 * UnlockConnectorOnEVSideDisconnect true) and when a transaction ends for
 * any other reason except two: ended by an EV-side disconnect (with
 * UnlockConnectorOnEVSideDisconnect false) or DeAuthorized (§3.5.4: "keep the
 * Charging Cable locked until the owner presents his identifier"). Then it
 * stays closed until the owner's card is presented at that connector while
 * no EV is plugged in there (the card opens the lock and goes no further),
 * an UnlockConnector, or a new transaction. evse_init() opens every lock.
 *
 * Portable C, no heap, no globals: the caller owns the evse_t. The charge
 * point is reached through an evse_cp_ops_t (evse_cp_ops_library() binds the
 * real library; tests bind a fake).
 *
 * @code
 * evse_t evse;
 * evse_config_t ec = { .connectors = 2, .max_current_ma = 32000 };
 * evse_init(&evse, &ec, &board, evse_cp_ops_library(), &cp, &my_callbacks);
 * ocpp_cp_callbacks_t cb;
 * evse_callbacks(&evse, &cb);
 * ocpp_cp_init(&cp, &cp_config, &ports, &cb, send_buf, sizeof send_buf);
 * for (;;) { evse_poll(&evse); ocpp_cp_poll(&cp, now); ... }
 * @endcode
 */
#ifndef EVSE_H
#define EVSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/evse_board.h"
#include "ocpp/evse_ui.h"
#include "ocpp/ocpp_cp.h"

#ifdef __cplusplus
extern "C" {
#endif

/** No limit (evse_set_limit()). */
#define EVSE_NO_LIMIT UINT32_MAX

/** Lowest current a PWM may offer (IEC 61851-1 Annex A: 6 A). */
#define EVSE_MIN_CURRENT_MA 6000u
/** Highest current a PWM may offer (IEC 61851-1 Annex A: 80 A). */
#define EVSE_MAX_CURRENT_MA 80000u

/**
 * @brief Pilot duty for an offered current (IEC 61851-1 Annex A, table A.8):
 *        6..51 A: duty % = A / 0.6; 51..80 A: duty % = A / 2.5 + 64. Rounded
 *        down (never offers more than asked); above 80 A: 80 A.
 * @return duty in permille (100..960), or EVSE_DUTY_OFF below 6 A.
 */
uint16_t evse_duty_for_current(uint32_t current_ma);

/**
 * @brief The current an EV may draw for a pilot duty (the inverse, as the EV
 *        reads it): 100..850 permille: duty % * 0.6 A; 850..960: (duty % - 64)
 *        * 2.5 A. @return mA, 0 for any other duty (no PWM, 5 % digital mode).
 */
uint32_t evse_current_for_duty(uint16_t duty_permille);

/** How the application reaches the charge point (ocpp_cp_* signatures, `cp` opaque). */
typedef struct {
    ocpp_status_t (*plugged)(void *cp, uint8_t connector, bool plugged);
    ocpp_status_t (*ev_ready)(void *cp, uint8_t connector, bool ready);
    ocpp_status_t (*present_id)(void *cp, uint8_t connector, const char *id_tag);
    ocpp_status_t (*stop)(void *cp, uint8_t connector, ocpp_stop_reason_t reason);
    ocpp_status_t (*fault)(void *cp, uint8_t connector, ocpp_fault_t error, const char *info,
                           const char *vendor_error_code);
    /** ocpp_cp_data_transfer(); NULL: evse_data_transfer() is not available. */
    ocpp_status_t (*data_transfer)(void *cp, const char *vendor_id, const char *message_id,
                                   const char *data);
    /** ocpp_cp_evse_suspended(); NULL: the charge point is not told (status stays). */
    ocpp_status_t (*evse_suspended)(void *cp, uint8_t connector, bool suspended);
    /** ocpp_cp_key_register(); NULL: evse_keys_register() registers nothing. */
    ocpp_status_t (*key_register)(void *cp, const ocpp_vendor_key_t *key);
} evse_cp_ops_t;

/** @brief The ops bound to the library (ocpp_cp_plugged() ...; `cp` is an ocpp_cp_t *). */
const evse_cp_ops_t *evse_cp_ops_library(void);

/**
 * The application's settings, each an OCPP configuration key of the
 * application (evse_keys_register(); integers as text, range-checked,
 * persisted through evse_config_t.storage). Temperatures in whole °C, of
 * the hottest of the charger's sensor (0) and the connector's.
 *
 * Derating (issue 15): above TemperatureDeratingStart the offered current
 * falls linearly from the rating (max_current_ma) to 6 A at
 * TemperatureDeratingEnd, in whole amperes, rounded down; it steps down at
 * once and back up only when 1 °C cooler than the step (no flapping on a
 * noisy sensor). From
 * TemperatureShutdown the relay opens and the connector is Faulted with
 * HighTemperature, until the temperature is TemperatureHysteresis below it.
 */
typedef struct {
    int16_t derate_start_c; /**< TemperatureDeratingStart, 0..150 [60]. */
    int16_t derate_end_c;   /**< TemperatureDeratingEnd, above the start, ≤ 150 [80]. */
    int16_t shutdown_c;     /**< TemperatureShutdown, ≥ the derating end, ≤ 150 [85]. */
    int16_t hysteresis_c;   /**< TemperatureHysteresis, 1..50 [10]. */
    /** LightIntensity (OCPP 1.6 §9.1.11, optional: "Percentage of maximum intensity at
     *  which to illuminate Charge Point lighting"), 0..100 [100]. */
    uint8_t light_intensity;
    /** BlinkRepeat (§9.1.4, optional: "Number of times to blink Charge Point lighting
     *  when signalling"): a card accepted (green) or refused (red), 1..20 [3]. */
    uint8_t blink_repeat;
} evse_settings_t;

/**
 * @brief The derated current at a temperature (see evse_settings_t):
 *        EVSE_NO_LIMIT up to derate_start_c; then linear from rating_ma down
 *        to 6 A at derate_end_c, in whole amperes rounded down; 6 A from
 *        there on.
 */
uint32_t evse_derate_ma(const evse_settings_t *s, uint32_t rating_ma, int32_t temp_dc);

/** Longest text shown by the DataTransfer "DisplayMessage" (bytes). */
#define EVSE_MESSAGE_MAX 64u

/** Configuration. */
typedef struct {
    uint8_t connectors;      /**< 1..OCPP_CONFIG_MAX_CONNECTORS. */
    uint32_t max_current_ma; /**< Rating of each connector (cable, contactor), ≥ 6000. */
    /** Where the settings persist (record "evse.settings"); NULL: not persisted. Must
     *  outlive the context. */
    const ocpp_storage_port_t *storage;
    /** The charger's vendorId (its BootNotification chargePointVendor): DataTransfer
     *  requests of the CSMS to it are the application's (evse_callbacks()); NULL: none.
     *  Must outlive the context. */
    const char *vendor_id;
    uint16_t supply_voltage_v; /**< Nominal voltage per phase for Power.Offered; 0: 230. */
    uint8_t supply_phases;     /**< Phases supplied, 1..3; 0: the board's meter_phases (or 3). */
} evse_config_t;

/** Why a connector offers less than its rating (evse_connector_t.limit_reason). */
typedef enum {
    EVSE_LIMIT_NONE = 0, /**< It offers its rating (or nothing: not permitted, a fault). */
    EVSE_LIMIT_CABLE,    /**< The plugged cable's rating (evse_board_t.cable_max_ma). */
    EVSE_LIMIT_SMART,    /**< evse_set_limit() (smart charging, load management). */
    EVSE_LIMIT_DERATING  /**< Temperature derating (evse_settings_t). */
} evse_limit_reason_t;

/** @brief "none", "cable", "smart", "derating"; "?" else. */
const char *evse_limit_reason_str(evse_limit_reason_t r);
/** @brief "off", "green", "blue", "yellow", "red", "white"; "?" else. */
const char *evse_led_color_str(evse_led_color_t c);
/** @brief "steady", "pulse", "blink"; "?" else. */
const char *evse_led_pattern_str(evse_led_pattern_t p);

#ifndef EVSE_DT_DATA_MAX
/** Longest "data" (bytes) of a DataTransfer the application sends, and of
 *  the answer's "data" it keeps (evse_data_transfer()). */
#define EVSE_DT_DATA_MAX 512u
#endif

/** Where the last evse_data_transfer() is. */
typedef enum {
    EVSE_DT_IDLE = 0, /**< None sent since evse_init(). */
    EVSE_DT_PENDING,  /**< Queued or sent, no answer yet. */
    EVSE_DT_ANSWERED, /**< The CSMS answered: status (and answer data). */
    EVSE_DT_FAILED    /**< No answer: CALLERROR, timeout, connection lost, not sendable. */
} evse_dt_state_t;

/** The last CP-initiated DataTransfer (OCPP 1.6 §4.3): request and answer. */
typedef struct {
    evse_dt_state_t state;
    ocpp_dt_status_t status; /**< The answer's status (EVSE_DT_ANSWERED). */
    char vendor_id[256];     /**< CiString255 */
    char message_id[51];     /**< CiString50, "" if none. */
    char data[EVSE_DT_DATA_MAX + 1];
    bool has_message_id;
    bool has_data;
    /** The answer's "data" as raw JSON (e.g. "\"text\"", with its quotes), ""
     *  if it had none or it was longer than EVSE_DT_DATA_MAX (then truncated). */
    char answer[EVSE_DT_DATA_MAX + 1];
    bool answer_truncated;
} evse_dt_t;

/** Faults the application tracks per connector (bit mask). */
#define EVSE_FAULT_EXTERNAL 0x01u /**< evse_fault(). */
#define EVSE_FAULT_PILOT    0x02u /**< Pilot state E or F seen (EVCommunicationError). */
#define EVSE_FAULT_TEMP     0x04u /**< Over temperature (HighTemperature). */
#define EVSE_FAULT_WELDED                                                      \
    0x08u                      /**< Relay feedback closed while commanded open \
                                    (PowerSwitchFailure). */
#define EVSE_FAULT_METER 0x10u /**< The meter did not answer (PowerMeterFailure). */

/** What the application knows about a connector (a snapshot, evse_connector()). */
typedef struct {
    evse_pilot_t pilot;               /**< Last pilot state read. */
    bool plugged;                     /**< Pilot B, C or D. */
    bool ev_ready;                    /**< Pilot C or D. */
    bool permitted;                   /**< The charge point permits energy. */
    bool relay_closed;                /**< Commanded relay state. */
    uint16_t duty_permille;           /**< Pilot duty set. */
    uint32_t offered_ma;              /**< Current offered by the PWM (0: none). */
    uint32_t limit_ma;                /**< evse_set_limit(), EVSE_NO_LIMIT if none. */
    uint32_t derate_ma;               /**< Temperature derating, EVSE_NO_LIMIT if none. */
    uint32_t cable_ma;                /**< The plugged cable's rating, EVSE_NO_LIMIT if unknown. */
    evse_limit_reason_t limit_reason; /**< Why offered_ma is below the rating. */
    bool suspended;                   /**< Permitted, healthy, but the limit is below 6 A: no energy
                                           offered (the charge point shows SuspendedEVSE). */
    bool temp_valid;                  /**< temp_dc was read. */
    int32_t temp_dc;      /**< Hottest of sensor 0 and the connector's, tenths of °C. */
    int32_t conn_temp_dc; /**< The connector's own sensor (valid if conn_temp_valid). */
    bool conn_temp_valid;
    ocpp_connector_status_t status; /**< The charge point's last status (its events). */
    evse_led_t led;                 /**< What its light shows. */
    uint32_t relay_cycles;          /**< Relay closings since evse_init(). */
    uint32_t sessions;              /**< Transactions started since evse_init(). */
    bool led_shown;                 /**< led was given to the board. */
    uint32_t faults;                /**< EVSE_FAULT_* mask. */
    ocpp_fault_t error;             /**< The error code reported for the faults. */
    bool fixed_cable;               /**< The board's cable_fixed(): no cable lock. */
    bool locked;         /**< The cable lock is closed (as last commanded successfully). */
    bool in_transaction; /**< A transaction runs (the charge point's TX events). */
} evse_connector_t;

/** The application context. All fields are private. */
typedef struct evse_s {
    evse_config_t config;
    const evse_board_t *board;
    const evse_cp_ops_t *ops;
    void *cp;
    ocpp_cp_callbacks_t user; /**< Forwarded callbacks (on_event, reset, data_transfer). */
    evse_connector_t conn[OCPP_CONFIG_MAX_CONNECTORS + 1];
    bool reported[OCPP_CONFIG_MAX_CONNECTORS + 1]; /**< Pilot inputs sent once. */
    ocpp_fault_t ext_error[OCPP_CONFIG_MAX_CONNECTORS + 1];
    char ext_info[OCPP_CONFIG_MAX_CONNECTORS + 1][51];
    char ext_vendor[OCPP_CONFIG_MAX_CONNECTORS + 1][51];
    /** idTag of the transaction whose cable stays locked after its end, "" if none. */
    char lock_owner[OCPP_CONFIG_MAX_CONNECTORS + 1][OCPP_ID_TAG_MAX + 1];
    uint32_t buttons;         /**< Debounced button mask. */
    uint32_t buttons_raw;     /**< Last raw mask read, */
    uint32_t buttons_raw_ms;  /**<   since when (monotonic). */
    uint32_t buttons_pressed; /**< Buttons pressed (debounced edges) in the last evse_poll(). */
    evse_settings_t settings;
    ocpp_vendor_key_t keys[6]; /**< The settings as keys (evse_keys_register()). */
    /** A light signal (a card accepted or refused) until signal_until[c] (monotonic). */
    evse_led_t signal[OCPP_CONFIG_MAX_CONNECTORS + 1];
    uint32_t signal_until[OCPP_CONFIG_MAX_CONNECTORS + 1];
    char message[EVSE_MESSAGE_MAX + 1]; /**< Text of the last DisplayMessage, "" if none. */
    uint32_t message_seq;               /**< Counts DisplayMessage texts. */
    evse_dt_t dt; /**< The last evse_data_transfer() (its strings must outlive it). */
    /** What the read_meter callback supplies (evse_callbacks()). */
    ocpp_meter_supply_t supply[8];
    evse_ui_t ui; /**< The display (evse_ui.h). */
} evse_t;

/**
 * @brief Initialise. Drives every pilot to EVSE_DUTY_OFF and opens every relay.
 * @param ops  how to reach the charge point (required), `cp` passed back.
 * @param user callbacks of the caller that the application forwards
 *             (on_event, reset, data_transfer; permit/read_meter/unlock are
 *             the application's own and ignored here). May be NULL.
 * @return OCPP_OK; OCPP_ERR_PARAM for NULL pointers, a board without a
 *         required function, a bad connector count or max_current_ma < 6000.
 */
ocpp_status_t evse_init(evse_t *e, const evse_config_t *cfg, const evse_board_t *board,
                        const evse_cp_ops_t *ops, void *cp, const ocpp_cp_callbacks_t *user);

/**
 * @brief The charge point callbacks to give ocpp_cp_init() (evse_init() only
 *        keeps the cp pointer, so it comes first):
 *        permit, read_meter and unlock are the application's; on_event
 *        (after the application has seen the transaction events it needs
 *        for the cable lock), reset and data_transfer forward to the user
 *        callbacks. meter_supply declares what read_meter gives, from the
 *        board: Energy.Active.Import.Register, Power.Active.Import,
 *        Current.Import on L1..Ln (evse_board_t.meter_phases),
 *        Voltage on L1-N..Ln-N (if evse_board_t.meter_voltage),
 *        Current.Offered, Power.Offered (offered A x supply phases x
 *        supply voltage), Temperature (if the board reads temperatures: the
 *        connector's sensor, location Body).
 *        data_transfer answers the requests to config.vendor_id (see
 *        evse_dt.c: DisplayMessage, GetTemperatures, GetCounters) and
 *        forwards the others to the user.
 */
void evse_callbacks(evse_t *e, ocpp_cp_callbacks_t *out);

/**
 * @brief Read the board (pilot, RFID, temperature, relay feedback, buttons),
 *        report changes to the charge point and update the outputs (PWM,
 *        relay, lock, LEDs). Call it on every loop iteration.
 */
void evse_poll(evse_t *e);

/**
 * @brief Register the settings (evse_settings_t) as configuration keys of
 *        the charge point: TemperatureDeratingStart, TemperatureDeratingEnd,
 *        TemperatureShutdown, TemperatureHysteresis, LightIntensity,
 *        BlinkRepeat. Call it after ocpp_cp_init() (which forgets the keys
 *        of an earlier run). A change (ChangeConfiguration, ocpp_cp_key_set())
 *        is checked (Rejected out of range or out of order), applied at the
 *        next evse_poll() and persisted (config.storage).
 * @return OCPP_OK; OCPP_ERR_STATE without ops->key_register; an error of
 *         the charge point (OCPP_ERR_NOMEM: OCPP_CONFIG_MAX_VENDOR_KEYS is
 *         below 6 plus the keys registered by others).
 */
ocpp_status_t evse_keys_register(evse_t *e);

/** @brief The settings in force. */
const evse_settings_t *evse_settings(const evse_t *e);

/**
 * @brief Change a setting as its key would (name as the key, value as text).
 * @return OCPP_KEY_ACCEPTED, _REJECTED (bad value, range or order),
 *         _NOT_SUPPORTED (no such key).
 */
ocpp_key_result_t evse_setting_set(evse_t *e, const char *key, const char *value);

/**
 * @brief The text of the last DataTransfer DisplayMessage (for the display),
 *        "" if none; *seq (if not NULL) counts them, so a display sees a new
 *        one even with the same text.
 */
const char *evse_message(const evse_t *e, uint32_t *seq);

/** @brief The buttons pressed in the last evse_poll() (debounced edges, EVSE_BUTTON_*). */
uint32_t evse_buttons_pressed(const evse_t *e);

/** Buttons are debounced: a change counts when stable this long (ms). */
#define EVSE_DEBOUNCE_MS 50u

/**
 * @brief Limit a connector's current (smart charging, load management): one
 *        input of the offered current (see the top of this file); the PWM
 *        changes at once.
 * @param limit_ma EVSE_NO_LIMIT for none; below 6000 stops offering energy
 *        (the relay opens; SuspendedEVSE while a transaction runs).
 * @return OCPP_OK or OCPP_ERR_PARAM.
 */
ocpp_status_t evse_set_limit(evse_t *e, uint8_t connector, uint32_t limit_ma);

/**
 * @brief Report an external fault (e.g. a residual-current monitor or a
 *        test button) or clear it with OCPP_FAULT_NONE. The relay opens
 *        at once while a fault is present. `info`/`vendor` (≤ 50) may be NULL.
 * @return OCPP_OK or OCPP_ERR_PARAM.
 */
ocpp_status_t evse_fault(evse_t *e, uint8_t connector, ocpp_fault_t error, const char *info,
                         const char *vendor);

/** @brief Snapshot of a connector (1..connectors). @return OCPP_OK or OCPP_ERR_PARAM. */
ocpp_status_t evse_connector(const evse_t *e, uint8_t connector, evse_connector_t *out);

/**
 * @brief Send a DataTransfer.req to the CSMS (OCPP 1.6 §4.3) with copies of
 *        the strings (the charge point keeps pointers to them until the
 *        answer: the application owns that storage). The answer lands in
 *        evse_data_transfer_last() (and the user's on_event gets
 *        OCPP_CP_EV_DATA_TRANSFER_RESULT as usual).
 * @param vendor_id  1..255 bytes, required.
 * @param message_id ≤ 50 bytes, or NULL.
 * @param data       ≤ EVSE_DT_DATA_MAX bytes, or NULL.
 * The texts must be valid UTF-8 without control characters other than
 * tab, CR and LF in data (they go into JSON strings).
 * @return OCPP_OK (queued); OCPP_ERR_PARAM (NULL e, bad or too long text);
 *         OCPP_ERR_BUSY (one is under way); OCPP_ERR_STATE (not Accepted
 *         by the CSMS, or the ops have no data_transfer).
 */
ocpp_status_t evse_data_transfer(evse_t *e, const char *vendor_id, const char *message_id,
                                 const char *data);

/** @brief The last DataTransfer of evse_data_transfer() (state EVSE_DT_IDLE if none). */
const evse_dt_t *evse_data_transfer_last(const evse_t *e);

/** @brief "Accepted", "Rejected", "UnknownMessageId", "UnknownVendorId" (§7.23), "?" else. */
const char *evse_dt_status_str(ocpp_dt_status_t s);

#ifdef __cplusplus
}
#endif

#endif /* EVSE_H */
