/**
 * @file evse_sim.h
 * @brief The simulated board: an evse_board_t with physics good enough to
 *        test against. Per connector an EV (battery capacity, state of
 *        charge, maximum current, phases, a charging curve that tapers above
 *        80 % SoC), a socket outlet with a cable lock or a fixed cable, a
 *        relay and a control pilot that behave as on hardware, a
 *        meter that integrates the power actually delivered, a first-order
 *        thermal model; one RFID reader (a small queue of cards), LEDs, a
 *        text display, an SSD1306 OLED on its I2C bus (address 0x3C,
 *        evse_ssd1306_emu.h) and buttons.
 *
 * Time is explicit and deterministic: evse_sim_step() advances the physics
 * from the previous call's monotonic time, multiplied by a speed factor.
 * Integer arithmetic only: energy is integrated in microjoules.
 */
#ifndef EVSE_SIM_H
#define EVSE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/evse_board.h"
#include "ocpp/evse_ssd1306_emu.h"
#include "ocpp/ocpp_config_defaults.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EVSE_SIM_MAX_CONNECTORS OCPP_CONFIG_MAX_CONNECTORS
#define EVSE_SIM_RFID_QUEUE     4u
#define EVSE_SIM_DISPLAY_ROWS   4u
#define EVSE_SIM_DISPLAY_COLS   21u
/** Grid voltage per phase, mV. */
#define EVSE_SIM_VOLTAGE_MV 230000
/** Above this SoC (permille) the EV's current tapers linearly to 1 A at 100 %. */
#define EVSE_SIM_TAPER_PERMILLE 800u
/** Physics step: the curve and thermal model are integrated in steps of this (sim) time. */
#define EVSE_SIM_STEP_MS 1000u

/** An EV (evse_sim_plug()). Zero fields take the defaults in brackets. */
typedef struct {
    uint32_t max_current_ma; /**< Onboard charger limit per phase [16000]. */
    uint8_t phases;          /**< Phases it draws on, 1..3 [3]. */
    uint32_t battery_wh;     /**< Capacity [60000]. */
    uint16_t soc_permille;   /**< Initial state of charge, 0..1000 [200]; see soc_set. */
    bool soc_set;            /**< soc_permille is given (also when 0). */
} evse_sim_ev_t;

/** Snapshot of a simulated connector. */
typedef struct {
    bool plugged;
    bool wants_energy;  /**< The EV wants to charge (not paused, not full). */
    evse_pilot_t pilot; /**< What the EVSE reads now. */
    bool relay_closed;
    bool locked;
    uint16_t duty_permille;
    uint32_t current_ma; /**< Per phase, now. */
    int32_t power_w;
    int64_t energy_wh; /**< Meter register. */
    uint16_t energy_mwh;
    uint16_t soc_permille;
    evse_sim_ev_t ev; /**< The plugged EV's parameters. */
    int32_t temp_dc;  /**< Connector temperature, tenths of °C. */
    bool temp_held;   /**< temp_dc is held (evse_sim_set_temperature()). */
    evse_led_t led;
    bool fixed_cable; /**< A cable fixed to the charger (no lock), else a socket outlet. */
} evse_sim_connector_t;

/**
 * What of a connector outlives a power cut of the charger (evse_sim_physical(),
 * evse_sim_set_physical()): the world around it, as real hardware finds it
 * when the power comes back. Not the outputs the application drives (relay,
 * pilot PWM, cable lock, LEDs: they start in their power-on state) nor the
 * meter register (the caller persists that on its own schedule).
 */
typedef struct {
    bool fixed_cable;   /**< The cable type (evse_sim_set_cable()). */
    bool plugged;       /**< An EV is connected. */
    bool wants_energy;  /**< The EV asks for energy (evse_sim_ev_charging()); plugged only. */
    evse_sim_ev_t ev;   /**< The plugged EV's parameters; plugged only (else zero). */
    int64_t battery_uj; /**< Energy in the EV's battery, 0..capacity; plugged only. */
    int32_t temp_dc;    /**< Connector temperature, tenths of °C. */
    bool welded;        /**< Injected: the relay contacts are welded (evse_sim_inject()). */
    bool pilot_fault;   /**< Injected: the pilot reads E. */
} evse_sim_physical_t;

/** Private per-connector state. */
typedef struct {
    bool plugged;
    bool wants;
    bool relay;
    bool locked;
    bool welded;      /**< Injected fault: relay feedback stays closed. */
    bool pilot_fault; /**< Injected fault: the pilot reads E. */
    bool fixed_cable; /**< Cable type (evse_sim_set_cable()). */
    uint16_t duty;
    evse_sim_ev_t ev;
    int64_t battery_uj; /**< Energy stored in the EV battery. */
    int64_t meter_uj;   /**< Meter register. */
    uint32_t current_ma;
    int32_t temp_dc;
    bool temp_held; /**< evse_sim_set_temperature(): the thermal model is off. */
    evse_led_t led;
} evse_sim_conn_t;

/** The simulated board. All fields are private. */
typedef struct {
    uint8_t connectors;
    uint32_t speed_milli; /**< 1000 = real time. */
    uint32_t now_ms;      /**< Monotonic time of the last step. */
    bool started;
    uint32_t frac; /**< Sub-ms remainder of speed scaling (milli-ms). */
    int32_t ambient_dc;
    evse_sim_conn_t conn[EVSE_SIM_MAX_CONNECTORS + 1];
    char rfid[EVSE_SIM_RFID_QUEUE][24];
    uint8_t rfid_at[EVSE_SIM_RFID_QUEUE];
    uint8_t rfid_head, rfid_count;
    char display[EVSE_SIM_DISPLAY_ROWS][EVSE_SIM_DISPLAY_COLS + 1];
    uint32_t buttons;
    evse_led_t status_led;
    uint32_t press_mask[2];  /**< evse_sim_press(): buttons held (the press, the next) ... */
    uint32_t press_at[2];    /**< ... from this board time ... */
    uint32_t press_ms[2];    /**< ... for this long. */
    evse_ssd1306_emu_t oled; /**< The OLED on the I2C bus. */
} evse_sim_t;

/**
 * @brief Initialise: `connectors` (1..EVSE_SIM_MAX_CONNECTORS), nothing
 *        plugged, relays open, 25 °C ambient, speed 1.
 * @return false for a bad connector count or NULL.
 */
bool evse_sim_init(evse_sim_t *s, uint8_t connectors);

/** @brief The board interface over this simulation. */
void evse_sim_board(evse_sim_t *s, evse_board_t *out);

/** @brief Time-lapse factor for the physics, in thousandths (1000 = real time; 1..1000000). */
void evse_sim_set_speed(evse_sim_t *s, uint32_t speed_milli);

/**
 * @brief Advance the physics to monotonic time `now_ms` (may wrap): the EV
 *        draws min(PWM offer, its limit, its curve) while the relay is closed
 *        and it asks for energy (pilot C); the meter integrates that power.
 *        The first call only sets the clock; a time before the last one
 *        (callers that read the clock at different places) is ignored.
 */
void evse_sim_step(evse_sim_t *s, uint32_t now_ms);

/** @brief Plug an EV in (ev NULL: defaults); it wants energy. @return false if bad/plugged. */
bool evse_sim_plug(evse_sim_t *s, uint8_t connector, const evse_sim_ev_t *ev);

/**
 * @brief Unplug the EV. With a socket outlet this is the EV side: the
 *        driver's cable stays in the charger's socket, held by the lock
 *        while it is closed. With a fixed cable, the cable is pulled out of
 *        the EV. @return false if bad or not plugged.
 */
bool evse_sim_unplug(evse_sim_t *s, uint8_t connector);

/**
 * @brief The connector's cable type: a socket outlet with a cable lock
 *        (fixed false, the default) or a cable fixed to the charger (no
 *        lock: lock_set() fails). Switching to a fixed cable opens the lock.
 * @return false for a bad connector.
 */
bool evse_sim_set_cable(evse_sim_t *s, uint8_t connector, bool fixed);

/** @brief The EV asks for energy (true) or pauses (false). @return false if not plugged. */
bool evse_sim_ev_charging(evse_sim_t *s, uint8_t connector, bool charging);

/** @brief Queue a card at the reader (connector 0: unknown). @return false if full/bad. */
bool evse_sim_rfid(evse_sim_t *s, const char *uid, uint8_t connector);

/** @brief Inject faults: a welded relay, a pilot reading E. @return false for a bad connector. */
bool evse_sim_inject(evse_sim_t *s, uint8_t connector, bool welded, bool pilot_fault);

/**
 * @brief The physical state of a connector (see evse_sim_physical_t).
 * @return false for a bad connector or NULL.
 */
bool evse_sim_physical(const evse_sim_t *s, uint8_t connector, evse_sim_physical_t *out);

/**
 * @brief Put a connector into a physical state, as after a power cut (call it
 *        before the application starts). Checked first: when plugged, phases
 *        1..3, max_current_ma 1000..80000, battery_wh 1..1000000, battery_uj
 *        0..capacity; temp_dc -1000..2000. Nothing changes when a check fails.
 *        The outputs (relay, PWM, lock) are left alone; a fixed cable opens
 *        the lock, as evse_sim_set_cable().
 * @return false for a bad connector, NULL or a value out of range.
 */
bool evse_sim_set_physical(evse_sim_t *s, uint8_t connector, const evse_sim_physical_t *in);

/**
 * @brief Hold a connector's temperature at `deci_celsius` (held true: as a
 *        heat gun on the sensor; the thermal model stops for it), or let the
 *        thermal model run again from the present value (held false).
 * @return false for a bad connector, or a held value outside -1000..2000.
 */
bool evse_sim_set_temperature(evse_sim_t *s, uint8_t connector, bool held, int32_t deci_celsius);

/** @brief Ambient temperature in tenths of °C. */
void evse_sim_set_ambient(evse_sim_t *s, int32_t deci_celsius);

/** @brief Buttons pressed (EVSE_BUTTON_* mask). */
void evse_sim_set_buttons(evse_sim_t *s, uint32_t mask);

/** Pause between two presses of evse_sim_press() given while the first is held. */
#define EVSE_SIM_PRESS_GAP_MS 100u

/**
 * @brief Press buttons (EVSE_BUTTON_* mask) for `hold_ms` of board time
 *        (1..10000), then release them, as a finger does; they read pressed
 *        together with those of evse_sim_set_buttons(). A press given while
 *        the last one is still held (or released less than
 *        EVSE_SIM_PRESS_GAP_MS ago) starts EVSE_SIM_PRESS_GAP_MS after that
 *        one ends: two presses, not one long one (it replaces a press still
 *        waiting for its turn). @return false for a bad mask or time.
 */
bool evse_sim_press(evse_sim_t *s, uint32_t mask, uint32_t hold_ms);

/** @brief Board ms until the presses of evse_sim_press() are over (negative: since;
 *         INT32_MIN: none). */
int32_t evse_sim_press_left(const evse_sim_t *s);

/** @brief The OLED on the board's I2C bus (what the application drew). */
const evse_ssd1306_emu_t *evse_sim_oled(const evse_sim_t *s);

/** @brief Snapshot of a connector. @return false for a bad connector. */
bool evse_sim_connector(const evse_sim_t *s, uint8_t connector, evse_sim_connector_t *out);

/** @brief A display row's text ("" if never written), or NULL for a bad row. */
const char *evse_sim_display_row(const evse_sim_t *s, uint8_t row);

#ifdef __cplusplus
}
#endif

#endif /* EVSE_SIM_H */
