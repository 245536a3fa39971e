/**
 * @file evse_board.h
 * @brief The board interface: what the EVSE application (evse.h) needs from
 *        the hardware of a charger. One implementation per board
 *        (boards/sim/ for the simulator; real boards later).
 *
 * The interface is a struct of function pointers plus an opaque context that
 * the application passes back unchanged, like the ports in ocpp_port.h. No
 * function may block: the application calls them from its poll function.
 * Every function is called from the thread that calls evse_poll().
 * Connectors are numbered 1..N; 0 is never passed unless stated.
 *
 * Units are integers: currents in milliamperes, voltages in millivolts,
 * power in watts, energy in watt-hours (plus a milliwatt-hour fraction),
 * temperatures in tenths of a degree Celsius, time in milliseconds.
 */
#ifndef EVSE_BOARD_H
#define EVSE_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Control pilot state as measured by the EVSE (IEC 61851-1 Annex A, table A.3,
 * positive pilot voltage).
 */
typedef enum {
    EVSE_PILOT_A = 0, /**< +12 V: no vehicle connected. */
    EVSE_PILOT_B,     /**< +9 V: vehicle connected, not ready to accept energy. */
    EVSE_PILOT_C,     /**< +6 V: vehicle connected, ready (energy requested). */
    EVSE_PILOT_D,     /**< +3 V: ready, ventilation required. */
    EVSE_PILOT_E,     /**< 0 V: short of CP to PE, or the EVSE has no supply. */
    EVSE_PILOT_F      /**< -12 V: EVSE not available / pilot fault. */
} evse_pilot_t;

/** Pilot duty cycle meaning "+12 V steady, no PWM" (charging not offered), in permille. */
#define EVSE_DUTY_OFF 1000u
/** Pilot duty cycle meaning "-12 V steady" (state F, EVSE not available), in permille. */
#define EVSE_DUTY_F 0u

/** One reading of a connector's energy meter. */
typedef struct {
    int64_t energy_wh;       /**< Energy.Active.Import.Register, whole Wh (monotonic). */
    uint16_t energy_mwh;     /**< Fraction below energy_wh, 0..999 mWh. */
    int32_t power_w;         /**< Active power imported, W. */
    int32_t current_ma[3];   /**< Current per phase L1..L3, mA (0 for unused phases). */
    int32_t voltage_mv[3];   /**< Voltage per phase to N, mV (0 when not measured). */
    uint8_t phases;          /**< Phases measured, 1..3. */
    const char *signed_data; /**< A signed reading of energy_wh (e.g. OCMF) or NULL;
                                  valid until the next meter_read of this connector. */
} evse_meter_reading_t;

/** LED colours (a board maps them to an RGB LED or to one LED per colour). */
typedef enum {
    EVSE_LED_OFF = 0,
    EVSE_LED_GREEN,
    EVSE_LED_BLUE,
    EVSE_LED_YELLOW,
    EVSE_LED_RED,
    EVSE_LED_WHITE
} evse_led_color_t;

/** How an LED lights. */
typedef enum {
    EVSE_LED_STEADY = 0, /**< On, at intensity_pct. */
    EVSE_LED_PULSE,      /**< Breathing between dark and intensity_pct, faster with rate_pct. */
    EVSE_LED_BLINK       /**< On/off, EVSE_LED_BLINK_MS per blink; see blinks. */
} evse_led_pattern_t;

/** One blink of EVSE_LED_BLINK: half of it on, half off. */
#define EVSE_LED_BLINK_MS 500u

/** What an LED shows (evse_board_t.led_set()). */
typedef struct {
    evse_led_color_t color;
    evse_led_pattern_t pattern;
    uint8_t intensity_pct; /**< Brightness at its brightest, 0..100 (OCPP LightIntensity). */
    uint8_t blinks;        /**< EVSE_LED_BLINK: blink this many times, then stay dark until the
                                next led_set() (OCPP BlinkRepeat); 0: blink until then. */
    uint8_t rate_pct;      /**< EVSE_LED_PULSE: speed, 1..100 (the share of the connector's
                                rated current offered); 0 otherwise. */
} evse_led_t;

/** Buttons, as a bit mask returned by buttons_read(). */
#define EVSE_BUTTON_STOP   0x01u /**< Stop the transaction on the display's connector. */
#define EVSE_BUTTON_SELECT 0x02u /**< Next display page / connector. */

/** The board. Required members are marked; the others may be NULL. */
typedef struct {
    void *ctx; /**< Passed to every function. */

    /** Monotonic milliseconds (may wrap). Required. */
    uint32_t (*now_ms)(void *ctx);

    /** Current pilot state of a connector, as measured on the CP line. Required. */
    evse_pilot_t (*pilot_read)(void *ctx, uint8_t connector);

    /**
     * Set the pilot signal: a 1 kHz PWM with `duty_permille` (IEC 61851-1
     * Annex A: 100..850 permille offer 6..51 A, 850..960 up to 80 A),
     * EVSE_DUTY_OFF (+12 V steady: no current offered) or EVSE_DUTY_F
     * (-12 V: state F). Required.
     */
    void (*pilot_set_duty)(void *ctx, uint8_t connector, uint16_t duty_permille);

    /** Close (true) or open (false) the relay/contactor of a connector. Required. */
    void (*relay_set)(void *ctx, uint8_t connector, bool closed);

    /**
     * Relay feedback (auxiliary contact): true if it is closed. NULL: the
     * board has no feedback; the commanded state is assumed.
     */
    bool (*relay_read)(void *ctx, uint8_t connector);

    /**
     * Lock (true) or unlock the cable in a socket outlet (see cable_fixed).
     * Called on changes only (and once per connector at evse_init() to
     * unlock). NULL: the board has no cable lock.
     * @return false if the motor failed.
     */
    bool (*lock_set)(void *ctx, uint8_t connector, bool locked);

    /**
     * The connector's cable type: true for a cable permanently attached to
     * the charger ("fixed cable": nothing to lock on the charger side, so
     * lock_set is never called for it and UnlockConnector answers
     * NotSupported), false for a socket outlet that takes the EV driver's
     * cable and holds it with lock_set (OCPP 1.6 §4.10: "unlock the cable
     * (if not permanently attached)"). May change at run time, then it is
     * read again at the next evse_poll(). NULL: every connector is a socket
     * outlet.
     */
    bool (*cable_fixed)(void *ctx, uint8_t connector);

    /**
     * Read one RFID card, if one was presented since the last call: copy its
     * UID as text (e.g. hex, ≤ 20 chars) into uid[0..cap) NUL-terminated and
     * the connector it was presented at (0: the board cannot tell).
     * @return true if a card was read.
     */
    bool (*rfid_read)(void *ctx, char *uid, size_t cap, uint8_t *connector);

    /** Read a connector's meter. @return false if the meter did not answer. Required. */
    bool (*meter_read)(void *ctx, uint8_t connector, evse_meter_reading_t *out);

    /**
     * Temperature of sensor `sensor` (0: the enclosure / power electronics of
     * the charger, 1..N: connector N) in tenths of °C.
     * @return false if there is no such sensor or it failed.
     */
    bool (*temperature_read)(void *ctx, uint8_t sensor, int32_t *deci_celsius);

    /**
     * Show a colour and pattern on a connector's status light (0: the
     * charger's own). Called on changes only; the board animates the
     * pattern by itself. `led` is valid during the call only.
     */
    void (*led_set)(void *ctx, uint8_t connector, const evse_led_t *led);

    /**
     * The current the cable plugged into a socket outlet is rated for (IEC
     * 61851-1 Annex B proximity contact / IEC 62196 resistor coding: 13, 20,
     * 32 or 63 A), in mA; 0: unknown or no cable. NULL: the board cannot
     * tell (fixed cables are covered by the connector's rating).
     */
    uint32_t (*cable_max_ma)(void *ctx, uint8_t connector);

    /**
     * Show text on the display: `row` 0..rows-1, `text` NUL-terminated,
     * truncated by the board to its width. A row not written keeps its text.
     */
    void (*display_text)(void *ctx, uint8_t row, const char *text);

    /** Buttons currently pressed (EVSE_BUTTON_* mask). */
    uint32_t (*buttons_read)(void *ctx);

    /**
     * One I2C write transfer (start, 7-bit `addr`, `len` bytes, stop) on the
     * bus of the graphic display, an SSD1306 128x64 OLED at display_addr
     * (evse_ui.h draws on it). May take the bus time of the transfer
     * (~3 ms for a page at 400 kHz). NULL: no graphic display.
     * @return false on a NACK or a bus error.
     */
    bool (*i2c_write)(void *ctx, uint8_t addr, const uint8_t *data, size_t len);

    /**
     * The plugged vehicle's state of charge in permille, when the EV tells
     * it (ISO 15118, or a DC charger's EV communication). NULL or false:
     * unknown (IEC 61851-1 PWM alone does not carry it).
     */
    bool (*ev_soc_read)(void *ctx, uint8_t connector, uint16_t *permille);

    /* What the meter measures besides energy and power (the application
     * declares it to the charge point: ocpp_cp_callbacks_t.meter_supply). */
    uint8_t meter_phases; /**< Phases it measures the current of, 1..3 (0: 3). */
    bool meter_voltage;   /**< It measures the voltage of those phases to N. */
    uint8_t display_addr; /**< 7-bit I2C address of the display; 0: 0x3C. */
} evse_board_t;

#ifdef __cplusplus
}
#endif

#endif /* EVSE_BOARD_H */
