/**
 * @file main.c
 * @brief ocpp-sim: one or many OCPP 1.6-J (or, with --ocpp 2.0.1, OCPP 2.0.1)
 *        charge points in one process, on the POSIX port, driven by a single
 *        event loop (loop.c: epoll and a timer heap).
 *
 * Usage: ocpp-sim --csms URL[,URL...] [--ocpp 1.6|2.0.1] [--id ID|PATTERN]
 *                 [--id-start N] [--password KEY] [--credentials FILE] [--ca FILE]
 *                 [--connectors N|LIST|SHARES] [--data-dir DIR] [--log-level LEVEL]
 *                 [--stations N] [--bind ADDR[,ADDR...]] [--ramp R]
 *                 [--config KEY=VALUE]... [--http HOST:PORT|off]
 *                 [--speed F] [--max-current A] [--crash-at POINT]
 * (the fleet options: fleet_opts.h)
 *
 * Every station is the EVSE application (app/) on the simulated board
 * (boards/sim/) around one library instance; the REST API and the dashboard
 * are served by libmicrohttpd from the same event loop.
 *
 * Persistence across a restart with the same --data-dir: the library's
 * records (configuration, availability, authorization cache, transaction
 * state), the simulated meter registers (record "sim.meter") and the
 * simulated board's physical state (record "sim.board", board.c: cable, EV,
 * faults, temperature), so the station comes back with its identity, its
 * storage, its meters and whatever was plugged in at the power cut.
 * Fault injection for the persistence tests: --crash-at (crash.h).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1 /* MAP_ANONYMOUS (glibc) */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/mman.h>
#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet_opts.h"
#include "sim.h"
#include "gen_fleet.h"

#define SIM_MAX_CONFIG   32
#define SIM_HTTP_DEFAULT "127.0.0.1:8080"

typedef struct sim_opts {
    const char *csms; /**< The --csms text; csms_list: its URLs. */
    const char *id;   /**< The --id text: an id or a pattern (ids). */
    const char *password;
    const char *ca;
    const char *data_dir;
    const char *http; /**< NULL: the default (not fatal if taken); "off": none. */
    unsigned stations;
    unsigned max_current_a;
    uint32_t speed_milli;
    ocpp_log_level_t log_level;
    const char *config[SIM_MAX_CONFIG];
    unsigned n_config;
    const char *crash_at;   /**< --crash-at POINT, or NULL. */
    const char *bind_text;  /**< --bind as given (bind: its addresses). */
    ocpp_version_t version; /**< --ocpp 1.6 (default) or 2.0.1. */
    unsigned send_buffer;   /**< --send-buffer: bytes of the library's send buffer. */
    unsigned sse_keepalive; /**< --sse-keepalive: seconds. */
    /* the fleet options (fleet_opts.h) */
    unsigned id_start;          /**< --id-start: the first station's number. */
    sim_fleet_ids_t ids;        /**< --id as a pattern, checked for --stations. */
    sim_conn_mix_t conn_mix;    /**< --connectors: per station by index. */
    sim_fleet_list_t csms_list; /**< --csms URL,URL...: round-robin. */
    sim_fleet_list_t bind;      /**< --bind ADDR,ADDR...: round-robin (empty: none). */
    const char *credentials;    /**< --credentials FILE, or NULL. */
    sim_creds_t creds;          /**< Its lines. */
    uint32_t ramp_milli;        /**< --ramp: stations per second x 1000 (0: all at once). */
    sim_stats_opts_t stats;     /**< --status-line, --report (report.c). */
    sim_faults_t faults;        /**< --fault, --fault-seed (faults.c). */
    sim_gen_profile_t gen;      /**< --gen PROFILE, --seed N (gen.c). */
    unsigned log_mb;            /**< --log-mb: the fleet's message log, MiB (0: by --stations). */
} sim_opts_t;

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ocpp-sim --csms URL [options]\n"
            "  --csms URL[,URL...] ws://host:port/path or wss://...; the id is "
            "appended;\n"
            "                      several: given to the stations round-robin\n"
            "  --ocpp VERSION      protocol: 1.6 (default) or 2.0.1%s\n"
            "  --id ID|PATTERN     charge point id (default CP-1); a pattern numbers the\n"
            "                      stations: {n} the number, {n:05} zero-padded, {{ }} braces\n"
            "                      (SITE{n:05}: SITE00001, ...); without {n}, --stations N\n"
            "                      gives ID-0001, ID-0002, ...\n"
            "  --id-start N        the first station's number (default 1)\n"
            "  --password KEY      AuthorizationKey: HTTP Basic auth (security "
            "profile 1/2)\n"
            "  --credentials FILE  CSV of id,password lines: each station's AuthorizationKey\n"
            "                      (--password: the default for ids not in the file)\n"
            "  --ca FILE           CA bundle to verify a wss:// server\n"
            "  --connectors N      connectors per charge point (default 2, max %d); or a\n"
            "                      cyclic list by station (1,2,2,4), or shares summing to\n"
            "                      100 (1:20%%,2:70%%,4:10%%)\n"
            "  --data-dir DIR      persistent state (default ./ocpp-data)\n"
            "  --log-level LEVEL   error|warn|info|debug (debug prints OCPP "
            "traffic)\n"
            "  --stations N        N charge points in this process (1..%u)\n"
            "  --bind ADDR[,ADDR]  local source addresses, round-robin (past the ephemeral\n"
            "                      ports of one address: 127.0.0.2,127.0.0.3)\n"
            "  --ramp R            boot ramp: R stations start per second, in order\n"
            "                      (0.1..100000; default: all at once)\n"
            "  --config KEY=VALUE  set a configuration key at startup (repeatable); with\n"
            "                      --ocpp 2.0.1 a device-model variable:\n"
            "                      Component.Variable[Instance]=VALUE\n"
            "  --http HOST:PORT    REST API and dashboard (default " SIM_HTTP_DEFAULT
            "; port 0: any free port; off: none)\n"
            "  --speed F           time-lapse factor of the EV physics and meters (default 1)\n"
            "  --max-current A     rating of every connector, 6..80 A (default 32)\n"
            "  --send-buffer N     the library's send buffer, 512..%u bytes (default %u);\n"
            "                      larger messages go out as WebSocket fragments (below\n"
            "                      about 1 KiB the configuration can no longer be saved)\n"
            "  --sse-keepalive S   seconds between keep-alive comments on idle event\n"
            "                      streams (default 15)\n"
            "  --fault SPEC@TIME   a fleet fault TIME after the start (repeatable), SPEC one of\n"
            "                      boot-storm[:P%%][:OUTAGE][:backoff], power-cut:P%%[:OUTAGE]\n"
            "                      [:backoff], flap:P%%:OUTAGE[:backoff], meter-burst:DURATION\n"
            "                      [:P%%]; times 500ms, 30s, 2m, 1h (docs/simulator.md)\n"
            "  --fault-seed N      which stations the faults take (default 0)\n"
            "  --gen PROFILE       transaction generator: key=value,... (idle, rate, length,\n"
            "                      cards, prefix, remote, timeout, soc, ev; docs/simulator.md)\n"
            "  --seed N            the generator's seed (default 1): same seed, same sessions\n"
            "  --log-mb N          the message log of all stations, 1..65536 MiB (default:\n"
            "                      2 KiB a station, at least 1, at most 64)\n"
            "%s%s",
            OCPP_CONFIG_OCPP201 ? "" : " (2.0.1 not in this build)", OCPP_CONFIG_MAX_CONNECTORS,
            SIM_FLEET_MAX_STATIONS, SIM_TX_CAP, SIM_TX_CAP, sim_crash_help, sim_stats_help);
}

static int parse_level(const char *s, ocpp_log_level_t *out)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (ocpp_log_level_t)(i + 1);
            return 0;
        }
    }
    return -1;
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi) {
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/** --ocpp: "1.6" or "2.0.1" (the latter if this build has OCPP 2.0.1). */
static int parse_version(const char *s, ocpp_version_t *out)
{
    if (strcmp(s, "1.6") == 0) {
        *out = OCPP_VERSION_16;
        return 0;
    }
    if (OCPP_CONFIG_OCPP201 && strcmp(s, "2.0.1") == 0) {
        *out = OCPP_VERSION_201;
        return 0;
    }
    return -1;
}

/** "F" with up to 3 decimals, 0.001..1000, in thousandths. */
static int parse_speed(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || *s == '\0' || *end != '\0' || !(v >= 0.001 && v <= 1000.0)) {
        return -1;
    }
    *out = (uint32_t)(v * 1000.0 + 0.5);
    return 0;
}

/** The fleet options that depend on others (--id on --stations), and the
 *  lists and files: after the command line was read. */
static int fleet_args(sim_opts_t *o)
{
    char err[300];
    int bad = sim_fleet_ids_parse(&o->ids, o->id, o->id_start, o->stations, OCPP_CP_IDENTITY_MAX,
                                  err, sizeof err);
    if (bad == 0) {
        bad = sim_fleet_list_parse(&o->csms_list, o->csms, SIM_LIST_URL, "--csms", err, sizeof err);
    }
    if (bad == 0 && o->bind_text != NULL) {
        bad =
            sim_fleet_list_parse(&o->bind, o->bind_text, SIM_LIST_ADDR, "--bind", err, sizeof err);
    }
    if (bad == 0 && o->credentials != NULL) {
        bad = sim_creds_load(&o->creds, o->credentials, OCPP_CP_IDENTITY_MAX, err, sizeof err);
    }
    if (bad != 0) {
        fprintf(stderr, "ocpp-sim: %s\n", err);
        return -1;
    }
    if (o->credentials == NULL || o->password != NULL) {
        return 0;
    }
    /* every station needs its line (--password would be the default) */
    unsigned missing = 0;
    char first[OCPP_CP_IDENTITY_MAX + 1] = "";
    for (unsigned i = 0; i < o->stations; i++) {
        char id[OCPP_CP_IDENTITY_MAX + 1];
        (void)sim_fleet_id(&o->ids, i, id, sizeof id);
        if (sim_creds_find(&o->creds, id) == NULL && missing++ == 0u) {
            memcpy(first, id, sizeof first);
        }
    }
    if (missing > 0u) {
        fprintf(stderr,
                "ocpp-sim: --credentials %s has no line for %u of the %u stations (the first: "
                "%s); add them, or give --password as the default for the others\n",
                o->credentials, missing, o->stations, first);
        return -1;
    }
    return 0;
}

static void opts_free(sim_opts_t *o)
{
    sim_fleet_list_free(&o->csms_list);
    sim_fleet_list_free(&o->bind);
    sim_creds_free(&o->creds);
}

/**
 * The options of a fleet (load-test mode): stations, ids, connectors, lists,
 * ramp, log, faults, generator, figures. @return 1 taken, 0 not one of them,
 * -1 a bad value (printed).
 */
static int fleet_arg(sim_opts_t *o, const char *a, const char *v)
{
    char err[300];
    int st = sim_stats_option(&o->stats, a, v);
    if (st != 0) {
        return st;
    }
    if (strcmp(a, "--connectors") == 0) {
        st = sim_conn_mix_parse(&o->conn_mix, v, OCPP_CONFIG_MAX_CONNECTORS, err, sizeof err);
    } else if (strcmp(a, "--ramp") == 0) {
        st = sim_fleet_ramp_parse(v, &o->ramp_milli, err, sizeof err);
    } else if (strcmp(a, "--gen") == 0 || strcmp(a, "--seed") == 0) {
        if (sim_gen_option(&o->gen, a, v, err, sizeof err) != 0) {
            fprintf(stderr, "ocpp-sim: %s: %s\n", a, err);
            return -1;
        }
    } else if (strncmp(a, "--fault", 7) == 0) {
        return sim_faults_option(&o->faults, a, v) != 0 ? -1 : 1; /* (printed) */
    } else if (strcmp(a, "--credentials") == 0) {
        o->credentials = v;
    } else if (strcmp(a, "--bind") == 0) {
        o->bind_text = v;
    } else {
        if (strcmp(a, "--id-start") == 0) {
            st = parse_uint(v, 0, 999999999u, &o->id_start);
        } else if (strcmp(a, "--stations") == 0) {
            st = parse_uint(v, 1, SIM_FLEET_MAX_STATIONS, &o->stations);
        } else if (strcmp(a, "--log-mb") == 0) {
            st = parse_uint(v, 1, 65536, &o->log_mb);
        } else {
            return 0;
        }
        if (st != 0) {
            fprintf(stderr, "ocpp-sim: bad value for %s: %s\n", a, v);
            return -1;
        }
        return 1;
    }
    if (st != 0) {
        fprintf(stderr, "ocpp-sim: %s\n", err);
        return -1;
    }
    return 1;
}

static int parse_args(int argc, char **argv, sim_opts_t *o)
{
    *o = (sim_opts_t){.id = "CP-1",
                      .data_dir = "./ocpp-data",
                      .stations = 1,
                      .max_current_a = 32,
                      .speed_milli = 1000,
                      .log_level = OCPP_LOG_INFO,
                      .send_buffer = SIM_TX_CAP,
                      .sse_keepalive = 15,
                      .id_start = 1,
                      .stats = {.status_period_s = -1}};
    (void)sim_conn_mix_parse(&o->conn_mix, "2", OCPP_CONFIG_MAX_CONNECTORS, NULL, 0);
    sim_gen_defaults(&o->gen);
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (v == NULL) {
            fprintf(stderr, "ocpp-sim: %s needs a value\n", a);
            return -1;
        } else if ((bad = fleet_arg(o, a, v)) != 0) {
            if (bad < 0) {
                return -1; /* (printed) */
            }
            bad = 0;
        } else if (strcmp(a, "--csms") == 0) {
            o->csms = v;
        } else if (strcmp(a, "--ocpp") == 0) {
            if (parse_version(v, &o->version) != 0) {
                fprintf(stderr, "ocpp-sim: --ocpp must be 1.6%s, got %s\n",
                        OCPP_CONFIG_OCPP201 ? " or 2.0.1" : " (this build has no OCPP 2.0.1)", v);
                return -1;
            }
        } else if (strcmp(a, "--id") == 0) {
            if (v[0] == '\0') {
                fprintf(stderr, "ocpp-sim: --id must not be empty (the charge point id is "
                                "appended to the CSMS URL)\n");
                return -1;
            }
            o->id = v;
        } else if (strcmp(a, "--password") == 0) {
            o->password = v;
        } else if (strcmp(a, "--ca") == 0) {
            o->ca = v;
        } else if (strcmp(a, "--data-dir") == 0) {
            o->data_dir = v;
        } else if (strcmp(a, "--sse-keepalive") == 0) {
            bad = parse_uint(v, 1, 3600, &o->sse_keepalive);
        } else if (strcmp(a, "--http") == 0) {
            o->http = v;
        } else if (strcmp(a, "--speed") == 0) {
            bad = parse_speed(v, &o->speed_milli);
        } else if (strcmp(a, "--max-current") == 0) {
            bad = parse_uint(v, 6, 80, &o->max_current_a);
        } else if (strcmp(a, "--send-buffer") == 0) {
            bad = parse_uint(v, 512, SIM_TX_CAP, &o->send_buffer);
        } else if (strcmp(a, "--crash-at") == 0) {
            o->crash_at = v;
        } else if (strcmp(a, "--log-level") == 0) {
            bad = parse_level(v, &o->log_level);
        } else if (strcmp(a, "--config") == 0) {
            if (strchr(v, '=') == NULL || v[0] == '=') {
                fprintf(stderr, "ocpp-sim: --config needs KEY=VALUE, got %s\n", v);
                return -1;
            }
            if (o->n_config >= SIM_MAX_CONFIG) {
                fprintf(stderr, "ocpp-sim: at most %d --config options\n", SIM_MAX_CONFIG);
                return -1;
            }
            o->config[o->n_config++] = v;
        } else {
            fprintf(stderr, "ocpp-sim: bad option %s %s\n", a, v);
            return -1;
        }
        if (bad) {
            fprintf(stderr, "ocpp-sim: bad value for %s: %s\n", a, v);
            return -1;
        }
    }
    if (o->csms == NULL) {
        fprintf(stderr, "ocpp-sim: --csms URL is required\n");
        return -1;
    }
    if (o->version == OCPP_VERSION_201 && (o->password != NULL || o->credentials != NULL)) {
        fprintf(stderr, "ocpp-sim: --%s is not supported with --ocpp 2.0.1\n",
                o->password != NULL ? "password" : "credentials");
        return -1;
    }
    return fleet_args(o);
}

/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Charge point inputs                                                       */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Cards: what became of them                                                */
/* ------------------------------------------------------------------------ */

static sim_station_t *station_of_cp(void *cp)
{
    return (sim_station_t *)(void *)((char *)cp - offsetof(sim_station_t, cp));
}

/** The application's present_id, watched: the REST API reports the outcome. */
static ocpp_status_t watched_present_id(void *cp, uint8_t connector, const char *id_tag)
{
    sim_station_t *s = station_of_cp(cp);
    ocpp_status_t st = evse_cp_ops_library()->present_id(cp, connector, id_tag);
    if (s->card.watching) {
        s->card.presented = true;
        s->card.status = st;
    }
    return st;
}

/** The library's decisions about a card: during POST /api/rfid (s->card), or
 *  later, the CSMS's answer to the Authorize.req of a card (card_pending). */
static void card_event(sim_station_t *s, const ocpp_cp_event_t *ev)
{
    bool decided = ev->kind == OCPP_CP_EV_AUTHORIZED || ev->kind == OCPP_CP_EV_AUTH_REJECTED;
    if (s->card.watching) {
        if (decided) {
            s->card.auth =
                ev->kind == OCPP_CP_EV_AUTHORIZED ? (int)OCPP_AUTH_ACCEPTED : (int)ev->value;
            s->card.authorized = ev->kind == OCPP_CP_EV_AUTHORIZED;
            s->card.connector = ev->connector;
        } else if (ev->kind == OCPP_CP_EV_TX_STOPPED) {
            s->card.stopped = true;
            s->card.connector = ev->connector;
        }
        return;
    }
    if (decided && s->card_pending[0] != '\0' && ev->text != NULL &&
        strncmp(ev->text, s->card_pending, sizeof s->card_pending) == 0) {
        ocpp_auth_status_t a =
            ev->kind == OCPP_CP_EV_AUTHORIZED ? OCPP_AUTH_ACCEPTED : (ocpp_auth_status_t)ev->value;
        const char *result = ev->kind == OCPP_CP_EV_AUTHORIZED ? "accepted" : "rejected";
        fprintf(stderr, "%s: card %s at connector %u: %s (%s, by the CSMS)\n", s->id,
                s->card_pending, ev->connector, result, ocpp_auth_status_str(a));
        sim_emit_card(s, s->card_pending, ev->connector, result, ocpp_auth_status_str(a), NULL,
                      "csms");
        s->card_pending[0] = '\0';
    }
}

/** An outgoing message larger than the send buffer comes in pieces (value:
 *  offset, status OCPP_PENDING while more follow): logged once it is whole.
 *  The pieces are put together in a buffer that exists only meanwhile. */
static bool assemble_out(sim_station_t *s, const ocpp_cp_event_t *ev, const char **text,
                         size_t *len)
{
    if (ev->value == 0 && ev->status != OCPP_PENDING) {
        return true; /* a whole message */
    }
    if (ev->value == 0) {
        s->out_len = 0;
    }
    size_t n = ev->len < SIM_RX_CAP - s->out_len ? ev->len : SIM_RX_CAP - s->out_len;
    char *b = n > 0u ? realloc(s->out_msg, s->out_len + n) : s->out_msg;
    if (b != NULL) {
        s->out_msg = b;
        memcpy(s->out_msg + s->out_len, ev->text, n);
        s->out_len += n;
    }
    *text = s->out_msg;
    *len = s->out_len;
    return ev->status != OCPP_PENDING && s->out_msg != NULL;
}

static void on_event(void *ctx, const ocpp_cp_event_t *ev)
{
    sim_station_t *s = ctx;
    if (ev->kind == OCPP_CP_EV_MSG_OUT || ev->kind == OCPP_CP_EV_MSG_IN) {
        bool out = ev->kind == OCPP_CP_EV_MSG_OUT;
        const char *text = ev->text;
        size_t len = ev->len;
        if (out && !assemble_out(s, ev, &text, &len)) {
            return;
        }
        sim_log_message(s, out, text, len);
        if (s->log.min_level >= OCPP_LOG_DEBUG) {
            fprintf(stderr, "%s %s %.*s\n", s->id, out ? "TX" : "RX", (int)len, text);
        }
        if (text == s->out_msg) { /* the pieces' buffer is given back */
            free(s->out_msg);
            s->out_msg = NULL;
            s->out_len = 0;
        }
        return;
    }
    sim_stats_event(s, ev); /* connected, booted, charging; timeouts */
    card_event(s, ev);
    sim_station_changed(s);
}

static int mkdirs(const char *path)
{
    char tmp[512];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp) {
        return -1;
    }
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char c = tmp[i];
            tmp[i] = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                return -1;
            }
            tmp[i] = c;
        }
    }
    return 0;
}

static int apply_config(sim_station_t *s, const sim_opts_t *o)
{
    for (unsigned i = 0; i < o->n_config; i++) {
        char kv[600];
        snprintf(kv, sizeof kv, "%s", o->config[i]);
        char *eq = strchr(kv, '=');
        *eq = '\0';
        ocpp_key_result_t r = ocpp_cp_key_set(&s->cp, kv, eq + 1);
        if (r == OCPP_KEY_NOT_SUPPORTED) {
            fprintf(stderr, "ocpp-sim: --config %s=...: no such key (NotSupported)%s\n", kv,
                    s->opts->version == OCPP_VERSION_201
                        ? "; with --ocpp 2.0.1 a key is Component.Variable[Instance]"
                        : "");
            return -1;
        }
        if (r != OCPP_KEY_ACCEPTED && r != OCPP_KEY_REBOOT_REQUIRED) {
            /* the key only: the value may be an AuthorizationKey (A01.FR.12) */
            fprintf(stderr,
                    "ocpp-sim: --config %s=...: the value was Rejected (not of the key's "
                    "type, out of its range, or not allowed now)\n",
                    kv);
            return -1;
        }
    }
    const sim_cred_t *cred = sim_creds_find(&o->creds, s->id);
    const char *password = cred != NULL ? cred->password : o->password;
    if (password != NULL &&
        ocpp_cp_key_set(&s->cp, "AuthorizationKey", password) != OCPP_KEY_ACCEPTED) {
        if (cred != NULL) {
            fprintf(stderr,
                    "ocpp-sim: --credentials %s line %u: the password of %s refused (see "
                    "AuthorizationKey rules)\n",
                    o->credentials, cred->line, s->id);
        } else {
            fprintf(stderr, "ocpp-sim: --password refused (see AuthorizationKey rules)\n");
        }
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Network modes (POST /api/network): the net port the WebSocket uses wraps  */
/* the POSIX one                                                             */
/* ------------------------------------------------------------------------ */

/** Replace the socket behind fd by an unconnected one: whatever the port
 *  still writes there fails, and closing it sends nothing. With `reset`,
 *  the real socket goes with SO_LINGER 0 (a TCP RST); without, it is kept
 *  open in *held (blackhole). */
static void detach_socket(sim_station_t *s, bool reset)
{
    int fd = ocpp_posix_net_fd(&s->net);
    if (fd < 0) {
        return;
    }
    sim_loop_forget(s); /* the registration is of the socket going away */
    if (!reset && s->held_fd < 0) {
        s->held_fd = dup(fd);
    }
    if (reset) {
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    int dead = socket(AF_INET, SOCK_STREAM, 0);
    if (dead >= 0) {
        (void)dup2(dead, fd); /* the last reference to a reset socket: RST */
        (void)close(dead);
    }
}

static void release_held(sim_station_t *s)
{
    if (s->held_fd >= 0) {
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        (void)setsockopt(s->held_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        (void)close(s->held_fd);
        s->held_fd = -1;
    }
}

static ocpp_status_t net_connect(void *ctx, const ocpp_endpoint_t *ep)
{
    sim_station_t *s = ctx;
    if (s->net_mode == SIM_NET_BLACKHOLE) {
        return OCPP_PENDING; /* the SYN goes nowhere: the library's connect timeout ends it */
    }
    if (s->net_mode == SIM_NET_REFUSE) {
        return OCPP_ERR_IO; /* connection refused: the library backs off */
    }
    sim_loop_forget(s); /* a failed attempt closes the socket, the next may get its number */
    return s->real_net.connect(s->real_net.ctx, ep);
}

static int32_t net_send(void *ctx, const uint8_t *data, size_t len)
{
    sim_station_t *s = ctx;
    return s->net_mode == SIM_NET_BLACKHOLE ? 0 : s->real_net.send(s->real_net.ctx, data, len);
}

static int32_t net_recv(void *ctx, uint8_t *buf, size_t cap)
{
    sim_station_t *s = ctx;
    if (s->net_mode == SIM_NET_BLACKHOLE || !sim_loop_may_read(s)) {
        return 0; /* no event since the last recv() found nothing: no system call */
    }
    int32_t r = s->real_net.recv(s->real_net.ctx, buf, cap);
    if (r == 0) {
        sim_loop_read_empty(s);
    }
    return r;
}

static void net_close(void *ctx)
{
    sim_station_t *s = ctx;
    if (s->net_mode == SIM_NET_BLACKHOLE) {
        detach_socket(s, false);
    }
    sim_loop_forget(s);
    s->real_net.close(s->real_net.ctx);
}

void sim_net_set(sim_station_t *s, bool online, sim_net_mode_t mode)
{
    sim_net_mode_t was = s->net_mode;
    if (online) {
        s->net_mode = SIM_NET_ONLINE;
        release_held(s); /* a connection given up while blackholed: reset now */
        s->network_online = true;
        ocpp_cp_set_network(&s->cp, true);
        return;
    }
    if (was == SIM_NET_BLACKHOLE && mode != SIM_NET_BLACKHOLE) {
        release_held(s);
    }
    s->net_mode = mode;
    s->network_online = false;
    if (mode == SIM_NET_DROP || mode == SIM_NET_REFUSE) {
        detach_socket(s, true);
    }
    /* close: the library closes cleanly (1000); drop: its close frame goes to
     * the dead socket; blackhole: the station does not know (network on);
     * refuse: the library finds its socket dead and reconnects with back-off. */
    ocpp_cp_set_network(&s->cp, mode == SIM_NET_BLACKHOLE || mode == SIM_NET_REFUSE);
}

static int station_net(sim_station_t *s, const sim_opts_t *o)
{
    s->log = (ocpp_posix_log_t){.min_level = o->log_level, .prefix = s->id};
    ocpp_posix_net_config_t nc = {.ca_file = o->ca,
                                  .log = ocpp_posix_log,
                                  .log_ctx = &s->log,
                                  .bind_addr = sim_fleet_list_at(&o->bind, s->index)};
    if (ocpp_posix_net_init(&s->net, &nc) != OCPP_OK) {
        fprintf(stderr, "ocpp-sim: network/TLS setup failed (CA file %s)\n", o->ca ? o->ca : "-");
        return -1;
    }
    ocpp_posix_net_port(&s->net, &s->real_net);
    s->net_port = (ocpp_net_port_t){
        .ctx = s, .connect = net_connect, .send = net_send, .recv = net_recv, .close = net_close};
    s->held_fd = -1;
    ocpp_ws_config_t wc = {
        .net = &s->net_port, .rx_buf = s->rx, .rx_cap = SIM_RX_CAP, .random = ocpp_posix_random};
    if (ocpp_ws_init(&s->ws, &wc) != OCPP_OK) {
        return -1;
    }
    ocpp_ws_msg_port(&s->ws, &s->msg_port);
    if (ocpp_posix_storage_init(&s->store, s->dir) != OCPP_OK) {
        return -1;
    }
    ocpp_posix_storage_port(&s->store, &s->store_port);
    if (s->sim->crash.kind != SIM_CRASH_NONE) {
        sim_crash_wrap(&s->crash_ports, &s->sim->crash, s->id, &s->store_port, &s->lib_store,
                       &s->msg_port, &s->lib_msg);
    } else {
        s->lib_store = s->store_port;
        s->lib_msg = s->msg_port;
    }
    return 0;
}

/** The library asked for a reset (§5.14), after its answer and the
 *  StopTransactions went out: reboot the station on the next poll. */
static void on_reset(void *ctx, bool hard)
{
    sim_station_t *s = ctx;
    s->reset_pending = hard ? 2u : 1u;
}

/** chargePointVendor, and the vendorId of the application's DataTransfer handlers. */
#define SIM_VENDOR "ocpp-c"

/** The EVSE application and the library on the (already initialised) board. */
static int station_app(sim_station_t *s, const sim_opts_t *o)
{
    evse_config_t ec = {.connectors = s->board_sim.connectors, /* --connectors, by station */
                        .max_current_ma = o->max_current_a * 1000u,
                        .storage = &s->store_port,
                        .vendor_id = SIM_VENDOR};
    ocpp_cp_callbacks_t user = {.ctx = s, .on_event = on_event, .reset = on_reset};
    if (evse_init(&s->evse, &ec, &s->board, &s->sim->cp_ops, &s->cp, &user) != OCPP_OK) {
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The meter registers survive a restart                                     */
/* ------------------------------------------------------------------------ */

/*
 * Like a real meter's non-volatile register: record SIM_METER_RECORD in the
 * station's data dir holds every connector's register in microjoules, one
 * line "<connector> <uj>" each, replaced atomically (the POSIX storage port:
 * temp file, fsync, rename, fsync of the directory). It is written
 *   - before a reading goes to the library that the saved register would not
 *     cover, so a reading the library has seen (and may have persisted) is
 *     never above the register after a power cut;
 *   - while energy flows, once a connector's register is SIM_METER_STEP_WH
 *     past its saved value (as a real meter writes its non-volatile register
 *     every few Wh), at most once a second; at once when the flow stops;
 *   - on a clean exit.
 * After a SIGKILL the register may therefore lag the energy really delivered
 * by what no one has read yet: under 10 Wh, or under a second of flow when
 * that is more.
 */
#define SIM_METER_RECORD  "sim.meter"
#define SIM_UJ_PER_WH     3600000000LL
#define SIM_METER_STEP_WH 10

static void meter_save(sim_station_t *s, uint32_t now)
{
    char buf[64 + 24 * (EVSE_SIM_MAX_CONNECTORS + 1)];
    size_t n = (size_t)snprintf(buf, sizeof buf, "ocpp-sim meter v1\n");
    for (uint8_t c = 1; c <= s->board_sim.connectors; c++) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%u %lld\n", (unsigned)c,
                              (long long)s->board_sim.conn[c].meter_uj);
    }
    if (s->store_port.write(s->store_port.ctx, SIM_METER_RECORD, (const uint8_t *)buf, n) !=
        OCPP_OK) {
        if (!s->meter_save_failed) {
            fprintf(stderr, "%s: cannot save the meter registers in %s\n", s->id, s->dir);
        }
        s->meter_save_failed = true;
        return;
    }
    for (uint8_t c = 1; c <= s->board_sim.connectors; c++) {
        s->meter_saved_uj[c] = s->board_sim.conn[c].meter_uj;
    }
    s->meter_saved_ms = now;
}

static void meter_restore(sim_station_t *s)
{
    char buf[64 + 24 * (EVSE_SIM_MAX_CONNECTORS + 1)];
    int32_t n =
        s->store_port.read(s->store_port.ctx, SIM_METER_RECORD, (uint8_t *)buf, sizeof buf - 1);
    if (n < 0) {
        return; /* a new meter */
    }
    buf[n] = '\0';
    const char *p = strchr(buf, '\n');
    while (p != NULL) {
        char *end = NULL;
        unsigned long c = strtoul(p + 1, &end, 10);
        long long uj = end != p + 1 && *end == ' ' ? strtoll(end + 1, &end, 10) : -1;
        if (c >= 1 && c <= s->board_sim.connectors && uj >= 0 && (*end == '\n' || *end == '\0')) {
            s->board_sim.conn[c].meter_uj = uj;
            s->meter_saved_uj[c] = uj;
        }
        p = strchr(p + 1, '\n');
    }
}

/** While energy flows: every SIM_METER_STEP_WH, at most once a second; and when it stops. */
static void meter_poll(sim_station_t *s, uint32_t now, bool flowing)
{
    bool changed = false;
    bool step = false;
    for (uint8_t c = 1; c <= s->board_sim.connectors; c++) {
        int64_t d = s->board_sim.conn[c].meter_uj - s->meter_saved_uj[c];
        changed = changed || d != 0;
        step = step || d >= SIM_METER_STEP_WH * SIM_UJ_PER_WH;
    }
    if (changed && (!flowing || (step && now - s->meter_saved_ms >= 1000u))) {
        meter_save(s, now);
    }
}

/** The board's meter_read, persisting first what the saved register does not cover. */
static bool station_meter_read(void *ctx, uint8_t connector, evse_meter_reading_t *out)
{
    sim_station_t *s = (sim_station_t *)(void *)((char *)ctx - offsetof(sim_station_t, board_sim));
    if (!s->board_meter_read(ctx, connector, out)) {
        return false;
    }
    if (connector <= s->board_sim.connectors &&
        out->energy_wh > s->meter_saved_uj[connector] / SIM_UJ_PER_WH) {
        meter_save(s, ocpp_posix_now_ms());
    }
    return true;
}

static int station_evse(sim_station_t *s, const sim_opts_t *o)
{
    if (!evse_sim_init(&s->board_sim, sim_conn_mix_of(&o->conn_mix, s->index))) {
        return -1;
    }
    evse_sim_set_speed(&s->board_sim, o->speed_milli);
    meter_restore(s);
    sim_board_restore(s); /* before the application reads the board */
    evse_sim_board(&s->board_sim, &s->board);
    s->board_meter_read = s->board.meter_read;
    s->board.meter_read = station_meter_read;
    if (o->http != NULL && strcmp(o->http, "off") == 0) {
        /* Nobody can see the display (the REST API and the dashboard are its only window):
         * a board without one, and the application draws nothing (evse_ui.h). */
        s->board.i2c_write = NULL;
    }
    return station_app(s, o);
}

static int station_cp(sim_station_t *s, const sim_opts_t *o);

static int station_init(sim_t *sim, sim_station_t *s, const sim_opts_t *o, unsigned index)
{
    s->sim = sim;
    s->index = index;
    s->network_online = true;
    (void)sim_fleet_id(&o->ids, index, s->id, sizeof s->id); /* checked by fleet_args() */
    size_t dn = strlen(o->data_dir) + strlen(s->id) + 2u;
    s->dir = malloc(dn);
    if (s->dir == NULL) {
        fprintf(stderr, "ocpp-sim: out of memory\n");
        return -1;
    }
    snprintf(s->dir, dn, "%s/%s", o->data_dir, s->id);
    if (mkdirs(s->dir) != 0) {
        fprintf(stderr, "ocpp-sim: cannot create %s: %s\n", s->dir, strerror(errno));
        return -1;
    }
    if (station_net(s, o) != 0) {
        return -1;
    }
    s->opts = o;
    sim_firmware_init(s, o->ca);
    if (station_evse(s, o) != 0) {
        return -1;
    }
    if (station_cp(s, o) != 0) {
        return -1;
    }
    sim_board_apply_faults(s); /* a fault of the hardware is still there */
    if (o->ramp_milli != 0u && index > 0u) {
        s->ramp.waiting = true; /* no connection before its turn (station_ramp()) */
        ocpp_cp_set_network(&s->cp, false);
    }
    return apply_config(s, o);
}

/** --ramp: the waiting stations' turns, from now (just before the loop). */
static void ramp_start(sim_t *sim, const sim_opts_t *o)
{
    uint32_t now = ocpp_posix_now_ms();
    for (unsigned i = 0; o->ramp_milli != 0u && i < sim->n; i++) {
        sim->st[i].ramp.at = now + sim_fleet_ramp_offset_ms(o->ramp_milli, i);
    }
}

/**
 * --ramp: a station waiting for its turn is not polled at all. @return the ms
 * until its turn, or 0 once it may run: then its network comes on (as the
 * REST API left it: POST /api/network may have switched it meanwhile).
 */
static uint32_t station_ramp(sim_station_t *s, uint32_t now)
{
    if (!s->ramp.waiting) {
        return 0;
    }
    int32_t left = (int32_t)(s->ramp.at - now);
    if (left > 0) {
        return (uint32_t)left;
    }
    s->ramp.waiting = false;
    ocpp_cp_set_network(&s->cp, s->network_online || s->net_mode == SIM_NET_BLACKHOLE);
    return 0;
}

/** The id as chargeBoxSerialNumber: 1..25 printable ASCII (CiString25Type). */
static bool serial_fits(const char *id)
{
    size_t n = 0;
    for (; id[n] != '\0'; n++) {
        if ((unsigned char)id[n] < 0x20u || (unsigned char)id[n] > 0x7Eu) {
            return false;
        }
    }
    return n >= 1u && n <= 25u;
}

/** The library instance of a station (a fresh boot: BootNotification), with
 *  the EVSE application's callbacks (station_app() before). */
static int station_cp(sim_station_t *s, const sim_opts_t *o)
{
    ocpp_cp_config_t cc = {.identity = s->id,
                           .csms_url = sim_fleet_list_at(&o->csms_list, s->index),
                           .vendor = SIM_VENDOR,
                           .model = "ocpp-sim",
                           .firmware_version = s->fw_version,
                           /* chargeBoxSerialNumber is a CiString25Type (§6.2):
                              the id when it is one, else none (optional) */
                           .charge_box_serial = serial_fits(s->id) ? s->id : NULL,
                           .meter_type = "ocpp-sim meter",
                           .connectors = s->board_sim.connectors,
                           .max_current_ma = o->max_current_a * 1000u,
                           .version = o->version};
    ocpp_cp_ports_t ports = {.msg = &s->lib_msg,
                             .storage = &s->lib_store,
                             .random = ocpp_posix_random,
                             .log = ocpp_posix_log,
                             .log_ctx = &s->log};
    ocpp_cp_callbacks_t cb;
    evse_callbacks(&s->evse, &cb);
    sim_firmware_attach(s, &ports, &cb);
    ocpp_status_t st = ocpp_cp_init(&s->cp, &cc, &ports, &cb, s->tx, o->send_buffer);
    if (st != OCPP_OK) {
        fprintf(stderr,
                "ocpp-sim: the library refused the charge point configuration (%s): check "
                "the lines above, the --csms URL (%s: ws:// or wss://, host, port) and --id "
                "(%zu characters, at most %u)\n",
                ocpp_status_str(st), cc.csms_url, strlen(s->id), OCPP_CP_IDENTITY_MAX);
        return -1;
    }
    if (evse_keys_register(&s->evse) != OCPP_OK) { /* the application's configuration keys */
        fprintf(stderr, "ocpp-sim: cannot register the application's keys\n");
        return -1;
    }
    return 0;
}

/**
 * Reset (§5.14): the firmware restarts. The library and the EVSE application
 * start afresh (a new connection and BootNotification, §4.2 "each time it
 * boots or reboots"); the simulated hardware (EV, meter, faults) carries on.
 */
static void station_reboot(sim_station_t *s)
{
    bool hard = s->reset_pending == 2u;
    s->reset_pending = 0;
    fprintf(stderr, "%s: %s reset: rebooting\n", s->id, hard ? "hard" : "soft");
    ocpp_ws_close(&s->ws);
    if (station_app(s, s->opts) != 0 || station_cp(s, s->opts) != 0 ||
        apply_config(s, s->opts) != 0) {
        fprintf(stderr, "%s: reboot failed\n", s->id);
    }
    sim_board_apply_faults(s); /* the hardware's faults outlive the firmware's restart */
    ocpp_cp_set_network(&s->cp, s->network_online);
    s->dirty = true;
}

/**
 * POST /api/reboot: a local reboot (the charger's own reset, not the
 * CSMS's): every running transaction is stopped with reason Reboot (OCPP 1.6
 * §7.38: "Local reset/reboot"), its StopTransaction queued and persisted,
 * then the firmware restarts as after a hard Reset. @return the connectors
 * whose transaction was stopped (bit c).
 */
uint32_t sim_reboot(sim_station_t *s)
{
    uint32_t stopped = 0;
    for (uint8_t c = 1; c <= s->evse.config.connectors; c++) {
        if (ocpp_cp_stop(&s->cp, c, OCPP_STOP_REBOOT) == OCPP_OK) {
            stopped |= 1u << c;
        }
    }
    s->reset_pending = 2u; /* the next station_poll() reboots */
    sim_loop_wake(s);
    return stopped;
}

/**
 * POST /api/power-cut: the station's electronics lose power and it comes
 * back at once. Nothing is sent any more (the TCP connection is reset, no
 * close frame), everything in RAM is lost: the library and the EVSE
 * application start again from what they had persisted, as after a kill -9
 * of a one-station ocpp-sim; a transaction that ran is stopped with reason
 * PowerLoss after the restart (§4.10). The simulated hardware (EV, cable,
 * meter) carries on.
 */
void sim_power_cut(sim_station_t *s)
{
    fprintf(stderr, "%s: power cut: restarting from storage\n", s->id);
    detach_socket(s, true); /* RST */
    release_held(s);
    ocpp_ws_close(&s->ws); /* what it still writes goes to the dead socket */
    if (station_app(s, s->opts) != 0 || station_cp(s, s->opts) != 0 ||
        apply_config(s, s->opts) != 0) {
        fprintf(stderr, "%s: restart after the power cut failed\n", s->id);
    }
    sim_board_apply_faults(s);
    ocpp_cp_set_network(&s->cp, s->network_online);
    sim_station_changed(s);
}

/** A station whose physics or lights move on their own (an EV plugged, current, a
 *  connector cooling down, a card at the reader, a light signal) is polled at least
 *  this often; an idle one when the library asks (at least every second while
 *  connected) or when something happens. */
#define SIM_BUSY_MS 200u
/** While connecting the library asks for a poll at once, every time; but only the socket
 *  moves the connection on (connect, TLS, upgrade), or the library's connect timeout:
 *  with a socket to wait on (or none to come: blackhole), wait for it, this long at most. */
#define SIM_CONNECT_MS 100u

static bool station_busy(const sim_station_t *s)
{
    const evse_sim_t *b = &s->board_sim;
    if (b->rfid_count != 0u || b->buttons != 0u) {
        return true;
    }
    for (uint8_t c = 1; c <= b->connectors; c++) {
        const evse_sim_conn_t *k = &b->conn[c];
        if (k->plugged || k->relay || k->current_ma > 0u ||
            (!k->temp_held && k->temp_dc != b->ambient_dc) ||
            s->evse.signal[c].pattern == EVSE_LED_BLINK) {
            return true;
        }
    }
    return s->evse.signal[0].pattern == EVSE_LED_BLINK;
}

/** Physics, application and library of one station; state events. @return the ms until
 *  it is due again (0: at once), if nothing arrives on its socket before. */
uint32_t sim_station_poll(sim_station_t *s, uint32_t now)
{
    uint32_t ramp = station_ramp(s, now); /* --ramp: not its turn yet */
    if (ramp != 0u) {
        return ramp;
    }
    evse_sim_step(&s->board_sim, now);
    uint32_t gen_wait = sim_gen_poll(s, now); /* the generator's driver acts on the board */
    ocpp_cp_set_now(&s->cp, now); /* the inputs below: stamped now, not at the last poll */
    evse_poll(&s->evse);
    ocpp_cp_poll(&s->cp, now);
    uint32_t face_wait = sim_face_poll(s); /* short while a button is held (its debounce) */
    if (s->reset_pending != 0u) {
        station_reboot(s);
    }
    bool flowing = false;
    for (uint8_t c = 1; c <= s->evse.config.connectors; c++) {
        flowing = flowing || s->board_sim.conn[c].current_ma > 0;
    }
    meter_poll(s, now, flowing);
    sim_board_poll(s, now);
    if (s->dirty || (flowing && now - s->last_state_ms >= 1000u)) {
        sim_emit_state(s);
    }
    uint32_t w = ocpp_cp_next_wakeup_ms(&s->cp, now);
    w = face_wait < w ? face_wait : w;
    w = gen_wait < w ? gen_wait : w;
    if (station_busy(s)) {
        w = SIM_BUSY_MS < w ? SIM_BUSY_MS : w;
    }
    if (w == 0u && ocpp_cp_connection(&s->cp) == OCPP_CP_CONNECTING &&
        (s->net_mode == SIM_NET_BLACKHOLE || ocpp_posix_net_events(&s->net) != 0)) {
        w = SIM_CONNECT_MS;
    }
    bool pending = s->net_mode != SIM_NET_BLACKHOLE && ocpp_posix_net_pending(&s->net);
    /* TLS holds decrypted bytes; a reset asked for during the poll; a change after the
     * state event: again at once */
    return pending || s->reset_pending != 0u || s->dirty ? 0 : w;
}

/**
 * Zeroed pages for n items of size bytes (a multiple of SIM_PAGE), NULL if there is no
 * room: pages nobody writes take no memory (calloc gives no alignment beyond 16 bytes).
 */
static void *page_array(size_t n, size_t size)
{
    if (n == 0u || size > SIZE_MAX / n) {
        return NULL;
    }
    void *p = mmap(NULL, n * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/** An exit before the loop: release what the first n stations set up (their transfer
 *  ports hold libcurl handles), then the arrays. */
static void abandon(sim_t *sim, unsigned n)
{
    for (unsigned j = 0; j < n; j++) {
        sim_firmware_free(&sim->st[j]);
        free(sim->st[j].dir);
    }
    sim_loop_free(sim);
    sim_log_free(sim);
    if (sim->st != NULL) {
        (void)munmap(sim->st, sim->st_bytes);
    }
    if (sim->rx_bufs != NULL) {
        (void)munmap(sim->rx_bufs, sim->rx_bytes);
    }
    free(sim->sse);
    free(sim->tx_bufs);
    sim_stats_free(sim);
}

/**
 * A socket per station: raise the soft open-files limit towards the hard one
 * (an unprivileged process may), and say in one line when even the hard limit
 * leaves some stations without a socket (they fail to connect and retry).
 */
static void raise_nofile(unsigned stations)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        return;
    }
    uint64_t hard = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_max;
    uint64_t soft = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
    uint64_t want = soft;
    unsigned fit = sim_fleet_nofile_plan(soft, hard, stations, &want);
    if (want > soft) {
        rl.rlim_cur = (rlim_t)want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            fit = soft > SIM_FLEET_FD_RESERVE ? (unsigned)(soft - SIM_FLEET_FD_RESERVE) : 0u;
            fit = fit < stations ? fit : stations;
        }
    }
    if (fit < stations) {
        fprintf(stderr,
                "ocpp-sim: open files limited to %llu (hard limit %llu): only %u of the %u "
                "stations can hold a connection; raise the hard limit (ulimit -Hn as root, "
                "LimitNOFILE=, /etc/security/limits.conf)\n",
                (unsigned long long)(want < soft ? soft : want), (unsigned long long)hard, fit,
                stations);
    }
}

int main(int argc, char **argv)
{
    sim_opts_t o;
    if (parse_args(argc, argv, &o) != 0) {
        usage(stderr);
        opts_free(&o);
        return 2;
    }
    raise_nofile(o.stations);
    sim_t sim = {.n = o.stations,
                 .connectors = o.conn_mix.max, /* the most of any station */
                 .keepalive_ms = o.sse_keepalive * 1000u,
                 .keepalive_at = ocpp_posix_now_ms(),
                 .cp_ops = *evse_cp_ops_library(),
                 .faults = o.faults};
    sim.cp_ops.present_id = watched_present_id;
    const char *crash_at = o.crash_at != NULL ? o.crash_at : getenv("OCPP_SIM_CRASH_AT");
    if (crash_at != NULL && crash_at[0] != '\0') {
        char err[160];
        if (sim_crash_parse(crash_at, &sim.crash, err, sizeof err) != 0) {
            fprintf(stderr, "ocpp-sim: %s%s\n", err,
                    o.crash_at != NULL ? "" : " (from OCPP_SIM_CRASH_AT)");
            opts_free(&o);
            return 2;
        }
        fprintf(stderr, "ocpp-sim: crash point %s\n", sim.crash.text);
    }
    sim.tx_bufs = calloc(o.stations, o.send_buffer);
    sim.st = page_array(o.stations, sizeof *sim.st);
    sim.st_bytes = (size_t)o.stations * sizeof *sim.st;
    sim.rx_bufs = page_array(o.stations, SIM_RX_CAP);
    sim.rx_bytes = (size_t)o.stations * SIM_RX_CAP;
    sim.sse = calloc(SIM_SSE_ENTRIES, sizeof *sim.sse);
    if (sim.st == NULL || sim.rx_bufs == NULL || sim.sse == NULL || sim.tx_bufs == NULL ||
        sim_log_init(&sim, o.log_mb) != 0) {
        fprintf(stderr, "ocpp-sim: out of memory\n");
        abandon(&sim, 0);
        opts_free(&o);
        return 1;
    }
    int stats_rc = sim_stats_start(&sim, &o.stats); /* before the stations: their first events */
    if (stats_rc != 0) {
        abandon(&sim, 0);
        opts_free(&o);
        return stats_rc;
    }
    if (sim_loop_init(&sim) != 0) {
        abandon(&sim, 0);
        opts_free(&o);
        return 1;
    }
    for (unsigned i = 0; i < o.stations; i++) {
        sim.st[i].tx = sim.tx_bufs + (size_t)i * o.send_buffer;
        sim.st[i].rx = sim.rx_bufs + (size_t)i * SIM_RX_CAP;
        if (station_init(&sim, &sim.st[i], &o, i) != 0) {
            abandon(&sim, i + 1u);
            opts_free(&o);
            return 2;
        }
    }
    if (o.http == NULL) {
        if (sim_http_start(&sim, SIM_HTTP_DEFAULT) != 0) {
            fprintf(stderr, "ocpp-sim: running without the REST API (use --http HOST:PORT)\n");
        }
    } else if (strcmp(o.http, "off") != 0 && sim_http_start(&sim, o.http) != 0) {
        abandon(&sim, o.stations);
        opts_free(&o);
        return 2;
    }
    sim_gen_init(&sim, &o.gen);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "ocpp-sim: %u charge point(s), CSMS %s\n", o.stations, o.csms);
    ramp_start(&sim, &o);
    sim_loop_run(&sim, &g_stop);
    sim_stats_finish(&sim); /* the last figures, --report */
    sim_http_stop(&sim);
    sim_faults_stop(&sim); /* a meter burst's interval back */
    for (unsigned i = 0; i < o.stations; i++) {
        evse_sim_step(&sim.st[i].board_sim, ocpp_posix_now_ms());
        meter_save(&sim.st[i], ocpp_posix_now_ms());
        sim_board_save(&sim.st[i], ocpp_posix_now_ms());
        ocpp_ws_close(&sim.st[i].ws);
        release_held(&sim.st[i]);
        ocpp_posix_net_free(&sim.st[i].net);
        sim_firmware_free(&sim.st[i]);
        free(sim.st[i].out_msg);
        free(sim.st[i].dir);
    }
    abandon(&sim, 0);
    opts_free(&o);
    fprintf(stderr, "ocpp-sim: stopped\n");
    return 0;
}
