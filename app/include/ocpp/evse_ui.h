/**
 * @file evse_ui.h
 * @brief The charger's face: the screens of its 128x64 display (what a
 *        driver sees: booting, available, authorizing, card accepted or
 *        refused, charging, suspended, finished with a summary, faulted,
 *        unavailable, reserved, firmware update, information pages cycled by
 *        the menu button) and their state in the EVSE application.
 *
 * Two parts:
 * - evse_ui_render() draws one screen from a view (evse_ui_view_t: plain
 *   values, no pointers) into a framebuffer. Pure: the same view gives the
 *   same pixels (the unit tests compare them with reference bitmaps).
 * - The application (evse.h) keeps an evse_ui_t in its evse_t: from the
 *   charge point's events, its own connector state and the board's meter it
 *   builds the view of the connector on display at every evse_poll(); when
 *   the view changed it renders it and the SSD1306 driver (evse_ssd1306.h)
 *   sends the pages that changed through the board's i2c_write
 *   (evse_board.h; NULL: no display, nothing is drawn).
 *
 * The menu button (EVSE_BUTTON_MENU) is debounced by evse_poll() as the
 * stop button (evse_buttons_pressed()). Each press shows the next
 * information page (network, ids, firmware, meter totals), then the normal
 * screen again; EVSE_UI_MENU_MS after the last press the normal screen
 * comes back by itself.
 */
#ifndef EVSE_UI_H
#define EVSE_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/evse_board.h"
#include "ocpp/evse_gfx.h"
#include "ocpp/evse_ssd1306.h"
#include "ocpp/ocpp_cp.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The menu button (the board's EVSE_BUTTON_SELECT bit). */
#define EVSE_BUTTON_MENU EVSE_BUTTON_SELECT

/** A final firmware status (OCPP_CP_EV_FIRMWARE_STATUS: DownloadFailed, Installed,
 *  InstallationFailed) stays on screen this long (s), then the screen goes back. */
#define EVSE_UI_FIRMWARE_S 30u
/** A DataTransfer DisplayMessage (evse_message()) stays on screen this long (s). */
#define EVSE_UI_MESSAGE_S 30u
/** The information pages go back to the normal screen this long after the last press. */
#define EVSE_UI_MENU_MS 30000u
/** A card's result (accepted / refused) stays on screen this long. */
#define EVSE_UI_CARD_MS 5000u
/** "Authorizing" gives up after this long without an answer. */
#define EVSE_UI_AUTH_MS 30000u
/** The session summary stays this long once the vehicle is unplugged. */
#define EVSE_UI_SUMMARY_MS 20000u
/** Without a CSMS the boot screen gives way to the normal screens after this long. */
#define EVSE_UI_BOOT_MS 60000u

/** The screens. */
typedef enum {
    EVSE_SCREEN_BOOT = 0,       /**< Booting / connecting, with the connection state. */
    EVSE_SCREEN_AVAILABLE,      /**< Present card / plug in (also: plugged, waiting for a card;
                                     card accepted, waiting for the plug). */
    EVSE_SCREEN_AUTHORIZING,    /**< A card is being checked. */
    EVSE_SCREEN_ACCEPTED,       /**< The card was accepted. */
    EVSE_SCREEN_REFUSED,        /**< The card was refused, with the reason. */
    EVSE_SCREEN_CHARGING,       /**< Power, energy, duration, current, state of charge. */
    EVSE_SCREEN_SUSPENDED_EV,   /**< The vehicle paused. */
    EVSE_SCREEN_SUSPENDED_EVSE, /**< The charger paused (limit, temperature). */
    EVSE_SCREEN_FINISHED,       /**< The session summary. */
    EVSE_SCREEN_FAULTED,        /**< Out of order, with the error code. */
    EVSE_SCREEN_UNAVAILABLE,    /**< Taken out of service. */
    EVSE_SCREEN_RESERVED,       /**< Reserved. */
    EVSE_SCREEN_FIRMWARE,       /**< Firmware update progress. */
    EVSE_SCREEN_MESSAGE,        /**< A text for the driver (evse_display_message()). */
    EVSE_SCREEN_INFO_NETWORK,   /**< Menu page 1: the connection to the CSMS. */
    EVSE_SCREEN_INFO_IDS,       /**< Menu page 2: identity, vendor, model, serial. */
    EVSE_SCREEN_INFO_FIRMWARE,  /**< Menu page 3: firmware version and update state. */
    EVSE_SCREEN_INFO_METER,     /**< Menu page 4: the meter registers. */
    EVSE_SCREEN_COUNT
} evse_screen_t;

/** @brief "boot", "available", ... "info-meter"; "?" for a bad value. */
const char *evse_ui_screen_name(evse_screen_t s);

/** Why less current is offered than the connector's rating. */
typedef enum {
    EVSE_UI_LIMIT_NONE = 0,
    EVSE_UI_LIMIT_SMART,   /**< A limit from smart charging / load management (evse_set_limit()). */
    EVSE_UI_LIMIT_DERATING /**< Temperature derating. */
} evse_ui_limit_t;

/** Firmware update state (the FirmwareStatus values of OCPP 1.6 §7.25). */
typedef enum {
    EVSE_FW_IDLE = 0,
    EVSE_FW_DOWNLOADING,
    EVSE_FW_DOWNLOADED,
    EVSE_FW_DOWNLOAD_FAILED,
    EVSE_FW_INSTALLING,
    EVSE_FW_INSTALLED,
    EVSE_FW_INSTALLATION_FAILED
} evse_fw_state_t;

/** Characters of a text line on the display (21 of the small font fit 128 pixels). */
#define EVSE_UI_LINE 21u
/** Text lines of the information and message screens. */
#define EVSE_UI_LINES 4u

/**
 * What one screen shows. Plain values only and no padding, so that two
 * views compare with memcmp (build it on a zeroed struct). Units: W, Wh, s, mA, permille,
 * tenths of °C.
 */
typedef struct {
    uint32_t duration_s; /**< Length of the session. */
    uint32_t offered_ma; /**< Current offered now (0: none). */
    uint32_t max_ma;     /**< The connector's rating. */
    int32_t energy_wh;   /**< Energy of the session (so far, or in total when finished). */
    int32_t power_w;
    int32_t temp_dc;    /**< The hottest connector sensor (derating). */
    int16_t soc;        /**< State of charge in permille, -1: unknown. */
    uint8_t screen;     /**< evse_screen_t */
    uint8_t connector;  /**< The connector shown, 1..connectors. */
    uint8_t connectors; /**< How many the charger has (> 1: the number is shown). */
    uint8_t conn;       /**< ocpp_cp_conn_t: the link to the CSMS (header icon, boot screen). */
    bool has_clock;     /**< The time is known: hour, minute (UTC). */
    uint8_t hour, minute;
    bool plugged;        /**< A vehicle is connected. */
    bool authorized;     /**< A card was accepted for this connector (waiting for the plug). */
    uint8_t limit;       /**< evse_ui_limit_t */
    uint8_t auth;        /**< ocpp_auth_status_t of a refused card. */
    uint8_t stop_reason; /**< ocpp_stop_reason_t of the finished session. */
    uint8_t fault;       /**< ocpp_fault_t */
    uint8_t fw;          /**< evse_fw_state_t */
    uint8_t fw_percent;  /**< 0..100, or 255: unknown. */
    char id_tag[OCPP_ID_TAG_MAX + 1];
    char lines[EVSE_UI_LINES][EVSE_UI_LINE + 1]; /**< Information / message text. */
    uint8_t spare[2]; /**< Zero: no padding anywhere (views compare with memcmp). */
} evse_ui_view_t;

/**
 * @brief Draw the screen of `v` into `fb` (cleared first).
 *        Texts longer than a line are cut.
 */
void evse_ui_render(const evse_ui_view_t *v, evse_gfx_t *fb);

/** What the information pages tell about the charger. The strings must outlive the evse_t. */
typedef struct {
    const char *identity; /**< Charge point id. */
    const char *csms_url; /**< ws:// or wss:// URL. */
    const char *vendor;
    const char *model;
    const char *serial;
    const char *firmware_version;
} evse_ui_info_t;

/** Per connector, what the screens need beyond the application's state. */
typedef struct {
    uint8_t status; /**< ocpp_connector_status_t from the charge point's events. */
    bool status_known;
    bool tx;         /**< A transaction runs. */
    bool authorized; /**< A card was accepted here and no transaction runs yet. */
    bool summary;    /**< A finished session's summary is to be shown. */
    uint8_t stop_reason;
    uint32_t tx_ms;    /**< When the transaction started (board ms). */
    uint32_t sum_ms;   /**< The summary shows until EVSE_UI_SUMMARY_MS after this. */
    uint32_t meter_ms; /**< When meter_wh was read. */
    bool meter_ok;
    int64_t start_wh; /**< Meter register at the start. */
    int64_t meter_wh; /**< Last register read. */
    int32_t power_w;  /**< Last power read. */
    int64_t sum_wh;   /**< Energy of the finished session. */
    uint32_t sum_s;   /**< Its duration. */
    char id_tag[OCPP_ID_TAG_MAX + 1];
} evse_ui_conn_t;

/** The display's state in the application (evse_t.ui). All fields are private. */
typedef struct {
    evse_gfx_t fb;
    evse_ssd1306_t oled;
    evse_ui_view_t shown; /**< The view on the panel. */
    bool drawn;           /**< shown is valid. */
    bool present;         /**< The board has a display. */
    uint32_t retry_ms;    /**< When a transfer to the display last failed. */
    uint8_t conn;         /**< ocpp_cp_conn_t */
    bool accepted_once;   /**< The CSMS accepted the charge point since init. */
    bool active;          /**< A vehicle or a card was seen (the boot screen gives way). */
    bool started;         /**< init_ms is set (the first evse_poll()). */
    uint32_t init_ms;
    uint8_t focus;   /**< Connector on display. */
    int64_t unix_at; /**< Wall clock (unix s) seen at board time unix_ms; 0: unknown. */
    uint32_t unix_ms;
    uint8_t card; /**< 0 none, 1 authorizing, 2 accepted, 3 refused. */
    uint8_t card_conn;
    uint8_t card_auth;
    uint32_t card_ms;
    char card_tag[OCPP_ID_TAG_MAX + 1];
    uint8_t menu; /**< 0: normal screens, 1..4: information page. */
    uint32_t menu_ms;
    uint32_t msg_seq; /**< evse_message()'s count shown. */
    uint32_t fw_ms;   /**< When a final firmware status (failed, installed) came. */
    uint8_t fw;
    uint8_t fw_percent;
    bool msg_on;
    uint32_t msg_ms, msg_for_ms;
    char msg[EVSE_UI_LINES][EVSE_UI_LINE + 1];
    const evse_ui_info_t *info;
    evse_ui_conn_t c[OCPP_CONFIG_MAX_CONNECTORS + 1];
} evse_ui_t;

struct evse_s; /* evse_t (evse.h) */

/**
 * @brief What the information pages show (identity, CSMS URL, vendor,
 *        model, serial, firmware version). `info` and its strings must
 *        outlive `e`; NULL fields show as "-".
 */
void evse_display_info(struct evse_s *e, const evse_ui_info_t *info);

/**
 * @brief The firmware update's progress, for its screen (call it from the
 *        firmware install / download hooks). percent 0..100 or 255
 *        (unknown). EVSE_FW_IDLE ends the screen.
 * @return OCPP_OK or OCPP_ERR_PARAM.
 */
ocpp_status_t evse_display_firmware(struct evse_s *e, evse_fw_state_t state, uint8_t percent);

/**
 * @brief Show a text to the driver for `seconds` (1..3600), e.g. from a
 *        DataTransfer of the CSMS. It is cut into lines of 21 characters at
 *        spaces ('\n' starts a new line), 4 lines at most; printable ASCII
 *        only (others show as '?'). NULL or "" removes it.
 * @return OCPP_OK or OCPP_ERR_PARAM (seconds out of range).
 */
ocpp_status_t evse_display_message(struct evse_s *e, const char *text, uint32_t seconds);

/** @brief The view on the display (its screen: evse_ui_screen_name()); NULL if none yet. */
const evse_ui_view_t *evse_display_view(const struct evse_s *e);

#ifdef __cplusplus
}
#endif

#endif /* EVSE_UI_H */
