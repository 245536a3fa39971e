/**
 * @file sim.h
 * @brief ocpp-sim internals shared by main.c (stations, loop), http.c (the
 *        libmicrohttpd glue and routing), api.c (REST handlers, JSON) and
 *        dashboard.c (the embedded page).
 */
#ifndef SIM_H
#define SIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/evse.h"
#include "ocpp/evse_sim.h"
#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_posix.h"
#include "ocpp/ocpp_ws.h"

#include "crash.h"
#include "stats.h"
#include "faults.h"
#include "gen.h"
#include "logring.h"

#if OCPP_POSIX_HAVE_TRANSFER
#include "ocpp/ocpp_posix_transfer.h"
#endif
/** The firmware version of a station that never installed one (firmware.c). */
#define SIM_FIRMWARE_VERSION "0.1.0"

#define SIM_RX_CAP 8192u /**< Receive buffer: a SendLocalList of 120 entries (README). */
/** A memory page: a station (sim_station_t) and its receive buffer are whole pages of the
 *  fleet's arrays, so the pages of them that are never written are never resident. */
#define SIM_PAGE 4096u
_Static_assert(SIM_RX_CAP % SIM_PAGE == 0u, "receive buffers of whole pages");
#define SIM_TX_CAP      4096u /**< Send buffer: the largest --send-buffer (and with --crash-at). */
#define SIM_LOG_TEXT    1536u /**< Longer messages are cut in the log (flagged "truncated"). */
#define SIM_LOG_API_MAX 1000u /**< Messages a GET log answers at most (the newest). */
#define SIM_WATCH_RING  ((size_t)256u * 1024u) /**< A watched station's own log ring. */
#define SIM_WATCH_MAX   32u                    /**< Stations with a log ring of their own. */
#define SIM_WATCH_MS    (10u * 60u * 1000u)    /**< Watched for this long after its last look. */
#define SIM_SSE_ENTRIES 512u                   /**< Server-sent events kept for slow clients. */
#define SIM_SSE_TEXT    8192u  /**< A station with 8 connectors is ~4.5 KB of JSON. */
#define SIM_BODY_MAX    65536u /**< Request bodies above this get 413. */

/** The log of a station someone watches (api.c): a ring of its own. */
typedef struct sim_watch {
    sim_logring_t ring;
    uint64_t last;    /**< Position of the station's newest record in it. */
    uint32_t seen_ms; /**< Last looked at (GET log, a stream opened or closed), monotonic. */
} sim_watch_t;

/** POST /api/network modes (what the CSMS sees). */
typedef enum {
    SIM_NET_ONLINE = 0,
    SIM_NET_CLOSE,     /**< Clean WebSocket close (1000). */
    SIM_NET_DROP,      /**< TCP reset. */
    SIM_NET_BLACKHOLE, /**< Nothing read or written, the socket kept open. */
    SIM_NET_REFUSE     /**< Reset, new connections refused: the library backs off (faults.c). */
} sim_net_mode_t;

/** What became of a card presented through the REST API (main.c watches the library). */
typedef struct {
    bool watching;
    bool presented;       /**< The application called present_id. */
    ocpp_status_t status; /**< Its return. */
    uint8_t connector;    /**< From the library's events (0: unknown). */
    int auth;             /**< -1: no decision yet, else ocpp_auth_status_t. */
    bool authorized;      /**< The decision event was AUTHORIZED. */
    bool stopped;         /**< A transaction stopped during the call. */
} sim_card_watch_t;

/** A fault set through the REST API (OCPP_FAULT_NONE: none), kept across a power cut. */
typedef struct {
    ocpp_fault_t error;
    char info[51];
    char vendor[51];
} sim_fault_t;

/** One simulated charge point. */
struct sim_opts;

typedef struct sim_station {
    /* Whole pages (the fleet's array is page-aligned, main.c): what every station writes
     * first, what is written rarely or never last, so the last pages stay out of memory. */
    _Alignas(SIM_PAGE) struct sim *sim;
    const struct sim_opts *opts; /**< The command line, for a reboot. */
    uint8_t reset_pending;       /**< 0, or a Reset was accepted: 1 soft, 2 hard. */
    unsigned index;
    char id[OCPP_CP_IDENTITY_MAX + 1];
    char *dir; /**< <data-dir>/<id> (malloc'd). */
    ocpp_net_port_t net_port;
    ocpp_ws_t ws;
    ocpp_msg_port_t msg_port;
    ocpp_posix_storage_t store;
    ocpp_storage_port_t store_port;
    ocpp_posix_log_t log;
    sim_crash_ports_t crash_ports; /**< Fault injection around the two ports below. */
    ocpp_storage_port_t lib_store; /**< The storage port the library gets. */
    ocpp_msg_port_t lib_msg;       /**< The message port the library gets. */
    ocpp_cp_t cp;
    evse_sim_t board_sim;
    evse_board_t board;
    evse_t evse;
    /** The board's own meter_read (the station's wrapper persists first). */
    bool (*board_meter_read)(void *ctx, uint8_t connector, evse_meter_reading_t *out);
    int64_t meter_saved_uj[EVSE_SIM_MAX_CONNECTORS + 1]; /**< Meter registers persisted. */
    uint32_t meter_saved_ms;                             /**< When, monotonic. */
    bool meter_save_failed;                              /**< Logged once. */
    /** Faults set through the REST API (board.c gives them to the application). */
    sim_fault_t faults[EVSE_SIM_MAX_CONNECTORS + 1];
    /** What record "sim.board" holds (board.c): physical state and faults. */
    evse_sim_physical_t board_saved[EVSE_SIM_MAX_CONNECTORS + 1];
    bool faults_unsaved;     /**< faults changed since the record was last written. */
    uint32_t board_saved_ms; /**< When, monotonic. */
    bool board_save_failed;  /**< Logged once. */
    bool network_online;
    sim_net_mode_t net_mode;  /**< POST /api/network. */
    ocpp_net_port_t real_net; /**< The POSIX port; net_port wraps it for the modes. */
    int held_fd;              /**< Blackhole: a socket the station let go of, kept open. */
    sim_card_watch_t card;    /**< The card being presented now. */
    char card_pending[OCPP_ID_TAG_MAX + 1]; /**< A card waiting for the CSMS's answer. */
    bool dirty;                             /**< Something changed: send a state event. */
    uint32_t last_state_ms;
    uint32_t log_seq;         /**< Next sequence number. */
    uint64_t log_last;        /**< Position of its newest record in the fleet's log ring. */
    sim_watch_t *watch;       /**< Someone watches it: its own log ring too (api.c), or NULL. */
    uint16_t sse_watchers;    /**< Event streams of this station alone. */
    char *out_msg;            /**< An outgoing message in pieces: its start (malloc'd meanwhile). */
    size_t out_len;           /**< Its length so far (only SIM_LOG_TEXT + 1 bytes are kept). */
    evse_ui_info_t face_info; /**< What the display's information pages show (api_face.c). */
    uint32_t face_rev;        /**< The OLED's revision last announced in a state event. */
    /* firmware.c: Firmware Management (transfers, installation, diagnostics) */
#if OCPP_POSIX_HAVE_TRANSFER
    ocpp_posix_transfer_t *transfer; /**< The transfer port's state (malloc'd, firmware.c). */
#endif
    ocpp_transfer_port_t transfer_port;
    bool has_transfer;   /**< The transfer port is built and set up. */
    char fw_version[51]; /**< Installed firmware (record "sim.firmware"). */
    char *fw_image;      /**< The firmware slot (malloc'd with diag_file, NULL if that failed). */
    char *diag_file;     /**< The diagnostics slot. */
    struct {
        uint32_t at;  /**< Monotonic ms of its turn. */
        bool waiting; /**< Not polled, network off, until then. */
    } ramp;           /**< --ramp (main.c station_ramp()). */
    /** report.c: its outstanding CALL, what it counts for in the fleet's figures. */
    sim_stats_station_t stats;
    /** Fleet faults running on it (faults.c). */
    sim_fault_station_t fleet_fault;

    /** The transaction generator's session (gen_fleet.c). */
    sim_gen_station_t gen;
    uint8_t *rx; /**< The library's receive buffer: SIM_RX_CAP bytes of sim->rx_bufs. */
    char *tx;    /**< The library's send buffer: --send-buffer bytes of sim->tx_bufs. */

    /* Last, what is written rarely or never: the mbedTLS part of net (TLS only), then a
     * card's outcome. With 8 connectors, everything before net's mbedTLS part fits in
     * 5 pages (20 KB) and the 6th page stays out of memory (bench/fleet/README.md). */
    ocpp_posix_net_t net;
    /** The last card's outcome (the `card` event), for the station object ("lastCard"). */
    struct {
        bool set;
        uint8_t connector;
        char tag[OCPP_ID_TAG_MAX + 1];
        char result[16];
        char status[16];
        char by[8];
        char reason[256];
    } last_card;
} sim_station_t;

/** One server-sent event in the shared ring. */
typedef struct {
    uint64_t seq;
    unsigned station; /**< Index of the station it is about. */
    uint16_t len;
    char text[SIM_SSE_TEXT]; /**< "event: ...\ndata: ...\n\n" */
} sim_sse_t;

/** The event loop's state (loop.c). */
typedef struct sim_loop sim_loop_t;

/** The process: all stations, the HTTP server, the event ring. */
typedef struct sim {
    sim_station_t *st;
    unsigned n;
    unsigned connectors; /**< The most connectors of any station (--connectors). */
    struct MHD_Daemon *httpd;
    struct sse_client *sse_clients;
    bool httpd_stopping;
    uint64_t sse_seq; /**< Next event sequence number. */
    sim_sse_t *sse;   /**< SIM_SSE_ENTRIES */
    uint32_t now_ms;
    uint32_t keepalive_ms; /**< --sse-keepalive, in ms. */
    uint32_t keepalive_at; /**< When the last keep-alive round went. */
    evse_cp_ops_t cp_ops;  /**< The library's ops, present_id watched (main.c). */
    sim_crash_t crash;     /**< --crash-at / OCPP_SIM_CRASH_AT (kind NONE: off). */
    const char *accept;    /**< The request's Accept header during sim_api() (http.c), or NULL. */
    sim_stats_t *stats;    /**< report.c: the fleet's live figures (NULL: not started). */
    /** Fleet faults: --fault, /api/fleet/faults (faults.c). */
    sim_faults_t faults;

    /** The transaction generator (gen_fleet.c). */
    sim_gen_t gen;
    sim_loop_t *loop;  /**< The event loop (loop.c) while it runs, else NULL. */
    sim_logring_t log; /**< The fleet's message log (api.c, logring.c). */
    size_t st_bytes;   /**< The mapping of st (main.c station_array()). */
    uint8_t *rx_bufs;  /**< The stations' receive buffers, SIM_RX_CAP bytes each (page-aligned). */
    size_t rx_bytes;   /**< The mapping of rx_bufs. */
    char *tx_bufs;     /**< The stations' send buffers, --send-buffer bytes each. */
    sim_station_t *watched[SIM_WATCH_MAX]; /**< Stations with a log ring of their own. */
    unsigned sse_all;                      /**< Event streams of all stations. */
    uint64_t sse_skip_end; /**< An event nobody listened to was not built before this seq. */
} sim_t;

/* api.c */
/** A finished API answer: status, JSON body (malloc'd), optional Allow header. */
typedef struct {
    unsigned status;
    char *body;
    size_t len;
    const char *allow;
    const char *content_type;
    bool sse;        /**< Start an event stream instead (station filter below). */
    int sse_station; /**< -1: all stations. */
} sim_reply_t;

void sim_api(sim_t *sim, const char *method, const char *url, const char *query_since,
             const char *body, size_t body_len, bool body_too_large, sim_reply_t *out);
void sim_station_changed(sim_station_t *s);
void sim_emit_state(sim_station_t *s);
void sim_emit_message(sim_station_t *s, const sim_log_rec_t *e);
void sim_log_message(sim_station_t *s, bool out, const char *text, size_t len);
/** The fleet's log ring: log_mb MiB, 0: 2 KiB a station within 1..64 MiB. @return 0, -1. */
int sim_log_init(sim_t *sim, unsigned log_mb);
void sim_log_free(sim_t *sim);
/** fn on the station's logged messages, oldest first (at most SIM_LOG_API_MAX). */
void sim_log_each(const sim_station_t *s, void (*fn)(void *ctx, const sim_log_rec_t *e), void *ctx);
/** An event stream of one station (or of all: station -1) opens (attach) or closes (http.c). */
void sim_sse_attach(sim_t *sim, int station, bool attach);
/** A card's outcome as an `event: card` (api.c); `result` "accepted"..., status/reason/by or NULL.
 */
void sim_emit_card(sim_station_t *s, const char *tag, uint8_t connector, const char *result,
                   const char *status, const char *reason, const char *by);
/** The station object (api.c) into w: for the SSE snapshot (http.c). */
void sim_write_station_json(char *buf, size_t cap, const sim_station_t *s, size_t *len);

/* loop.c: the event loop (epoll + a timer heap of the stations' wake-ups) */
/** Set up the loop (sim->loop) before the stations: its epoll descriptor comes first.
 *  @return 0, or -1 (said on stderr). */
int sim_loop_init(sim_t *sim);
/** Run until *stop: poll the stations when due or when their socket has I/O, serve HTTP;
 *  then release the loop. */
void sim_loop_run(sim_t *sim, const volatile sig_atomic_t *stop);
/** Release the loop without running it (an exit before the loop; idempotent). */
void sim_loop_free(sim_t *sim);
/** Poll this station in the current turn (something changed it from outside its poll). */
void sim_loop_wake(sim_station_t *s);
/** Drop the station's socket registration: call before its socket is closed or replaced. */
void sim_loop_forget(sim_station_t *s);
/** Whether a recv() may find something: an event came, or TLS holds decrypted bytes. */
bool sim_loop_may_read(const sim_station_t *s);
/** A recv() found nothing: wait for the socket's next event before trying again. */
void sim_loop_read_empty(sim_station_t *s);

/* main.c: one station's poll (physics, application, library); @return ms until it is due */
uint32_t sim_station_poll(sim_station_t *s, uint32_t now);

/* main.c: network modes */
void sim_net_set(sim_station_t *s, bool online, sim_net_mode_t mode);
/** POST /api/reboot (main.c). @return the connectors whose transaction was stopped (bit c). */
uint32_t sim_reboot(sim_station_t *s);
/** POST /api/power-cut (main.c). */
void sim_power_cut(sim_station_t *s);

/* board.c: the simulated board's physical state survives a restart */
void sim_board_restore(sim_station_t *s);
void sim_board_apply_faults(sim_station_t *s);
void sim_board_set_fault(sim_station_t *s, uint8_t connector, ocpp_fault_t error, const char *info,
                         const char *vendor);
void sim_board_poll(sim_station_t *s, uint32_t now_ms);
void sim_board_save(sim_station_t *s, uint32_t now_ms);

/* api_face.c: the display and the buttons */
bool sim_face_route(sim_station_t *s, const char *method, const char *rest, const char *body,
                    size_t len, sim_reply_t *out);
void sim_face_state(ocpp_jw_t *w, const sim_station_t *s);
/** After the station's poll: keeps the display's information up to date, announces a new
 *  picture; @return how soon to poll again (ms): short while a button is held. */
uint32_t sim_face_poll(sim_station_t *s);
/* firmware.c: the application of the Firmware Management profile */
void sim_firmware_init(sim_station_t *s, const char *ca_file);
void sim_firmware_attach(sim_station_t *s, ocpp_cp_ports_t *ports, ocpp_cp_callbacks_t *cb);
void sim_firmware_free(sim_station_t *s);

/* faults.c: GET and POST /api/fleet/faults */
void sim_faults_api(sim_t *sim, const char *method, const char *body, size_t len, sim_reply_t *out);

/* http.c */
int sim_http_start(sim_t *sim, const char *hostport);
void sim_http_run(sim_t *sim);
void sim_http_wake(sim_t *sim);
int sim_http_fd(const sim_t *sim);
uint32_t sim_http_timeout(const sim_t *sim, uint32_t max_ms);
void sim_http_stop(sim_t *sim);
void sim_http_keepalive(sim_t *sim);

/* report.c: the fleet's figures (stats.h) */
/** The library's events of a station (on_event in main.c), messages aside. */
void sim_stats_event(sim_station_t *s, const ocpp_cp_event_t *ev);
/** REST /api/fleet/{stats,stats/series,report,report.html} (`rest`: after /api/fleet/);
 *  false: not one of these. */
bool sim_stats_route(sim_t *sim, const char *method, const char *rest, const char *since,
                     const char *body, size_t len, sim_reply_t *out);

/* dashboard.c */
extern const char sim_dashboard_html[];

#endif /* SIM_H */
