/**
 * @file main.c
 * @brief ocpp-sim: one or many OCPP 1.6-J charge points in one process, on
 *        the POSIX port, driven by a single poll() loop.
 *
 * Usage: ocpp-sim --csms URL [--id ID] [--password KEY] [--ca FILE]
 *                 [--connectors N] [--data-dir DIR] [--log-level LEVEL]
 *                 [--stations N] [--config KEY=VALUE]...
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_posix.h"
#include "ocpp/ocpp_ws.h"

#define SIM_RX_CAP     8192u
#define SIM_TX_CAP     4096u
#define SIM_MAX_CONFIG 32

typedef struct {
    const char *csms;
    const char *id;
    const char *password;
    const char *ca;
    const char *data_dir;
    unsigned connectors;
    unsigned stations;
    ocpp_log_level_t log_level;
    const char *config[SIM_MAX_CONFIG];
    unsigned n_config;
} sim_opts_t;

typedef struct {
    char id[OCPP_CP_IDENTITY_MAX + 1];
    char dir[512];
    ocpp_posix_net_t net;
    ocpp_net_port_t net_port;
    ocpp_ws_t ws;
    ocpp_msg_port_t msg_port;
    ocpp_posix_storage_t store;
    ocpp_storage_port_t store_port;
    ocpp_posix_log_t log;
    ocpp_cp_t cp;
    uint8_t rx[SIM_RX_CAP];
    char tx[SIM_TX_CAP];
} station_t;

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
            "  --csms URL          ws://host:port/path or wss://...; the id is "
            "appended\n"
            "  --id ID             charge point id (default CP-1)\n"
            "  --password KEY      AuthorizationKey: HTTP Basic auth (security "
            "profile 1/2)\n"
            "  --ca FILE           CA bundle to verify a wss:// server\n"
            "  --connectors N      connectors per charge point (default 2, max %d)\n"
            "  --data-dir DIR      persistent state (default ./ocpp-data)\n"
            "  --log-level LEVEL   error|warn|info|debug (debug prints OCPP "
            "traffic)\n"
            "  --stations N        N charge points in this process: ID-0001, "
            "ID-0002, ...\n"
            "  --config KEY=VALUE  set a configuration key at startup (repeatable)\n",
            OCPP_CONFIG_MAX_CONNECTORS);
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

static int parse_args(int argc, char **argv, sim_opts_t *o)
{
    *o = (sim_opts_t){.id = "CP-1",
                      .data_dir = "./ocpp-data",
                      .connectors = 2,
                      .stations = 1,
                      .log_level = OCPP_LOG_INFO};
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
        } else if (strcmp(a, "--csms") == 0) {
            o->csms = v;
        } else if (strcmp(a, "--id") == 0) {
            o->id = v;
        } else if (strcmp(a, "--password") == 0) {
            o->password = v;
        } else if (strcmp(a, "--ca") == 0) {
            o->ca = v;
        } else if (strcmp(a, "--data-dir") == 0) {
            o->data_dir = v;
        } else if (strcmp(a, "--connectors") == 0) {
            bad = parse_uint(v, 1, OCPP_CONFIG_MAX_CONNECTORS, &o->connectors);
        } else if (strcmp(a, "--stations") == 0) {
            bad = parse_uint(v, 1, 10000, &o->stations);
        } else if (strcmp(a, "--log-level") == 0) {
            bad = parse_level(v, &o->log_level);
        } else if (strcmp(a, "--config") == 0 && o->n_config < SIM_MAX_CONFIG &&
                   strchr(v, '=') != NULL) {
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
    return 0;
}

/* ------------------------------------------------------------------------ */

static void on_event(void *ctx, const ocpp_cp_event_t *ev)
{
    station_t *s = ctx;
    if (s->log.min_level < OCPP_LOG_DEBUG) {
        return;
    }
    if (ev->kind == OCPP_CP_EV_MSG_OUT || ev->kind == OCPP_CP_EV_MSG_IN) {
        fprintf(stderr, "%s %s %.*s\n", s->id, ev->kind == OCPP_CP_EV_MSG_OUT ? "TX" : "RX",
                (int)ev->len, ev->text);
    }
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

static int apply_config(station_t *s, const sim_opts_t *o)
{
    for (unsigned i = 0; i < o->n_config; i++) {
        char kv[600];
        snprintf(kv, sizeof kv, "%s", o->config[i]);
        char *eq = strchr(kv, '=');
        *eq = '\0';
        ocpp_cfg_result_t r = ocpp_cp_config_set(&s->cp, kv, eq + 1);
        if (r != OCPP_CFG_ACCEPTED && r != OCPP_CFG_REBOOT_REQUIRED) {
            fprintf(stderr, "ocpp-sim: --config %s refused\n", o->config[i]);
            return -1;
        }
    }
    if (o->password != NULL &&
        ocpp_cp_config_set(&s->cp, "AuthorizationKey", o->password) != OCPP_CFG_ACCEPTED) {
        fprintf(stderr, "ocpp-sim: --password refused (see AuthorizationKey rules)\n");
        return -1;
    }
    return 0;
}

static int station_init(station_t *s, const sim_opts_t *o, unsigned index)
{
    if (o->stations > 1) {
        snprintf(s->id, sizeof s->id, "%s-%04u", o->id, index + 1);
    } else {
        snprintf(s->id, sizeof s->id, "%s", o->id);
    }
    snprintf(s->dir, sizeof s->dir, "%s/%s", o->data_dir, s->id);
    if (mkdirs(s->dir) != 0) {
        fprintf(stderr, "ocpp-sim: cannot create %s: %s\n", s->dir, strerror(errno));
        return -1;
    }
    s->log = (ocpp_posix_log_t){.min_level = o->log_level, .prefix = NULL};
    ocpp_posix_net_config_t nc = {.ca_file = o->ca, .log = ocpp_posix_log, .log_ctx = &s->log};
    if (ocpp_posix_net_init(&s->net, &nc) != OCPP_OK) {
        fprintf(stderr, "ocpp-sim: network/TLS setup failed (CA file %s)\n", o->ca ? o->ca : "-");
        return -1;
    }
    ocpp_posix_net_port(&s->net, &s->net_port);
    ocpp_ws_config_t wc = {
        .net = &s->net_port, .rx_buf = s->rx, .rx_cap = sizeof s->rx, .random = ocpp_posix_random};
    if (ocpp_ws_init(&s->ws, &wc) != OCPP_OK) {
        return -1;
    }
    ocpp_ws_msg_port(&s->ws, &s->msg_port);
    if (ocpp_posix_storage_init(&s->store, s->dir) != OCPP_OK) {
        return -1;
    }
    ocpp_posix_storage_port(&s->store, &s->store_port);
    ocpp_cp_config_t cc = {.identity = s->id,
                           .csms_url = o->csms,
                           .vendor = "ocpp-c",
                           .model = "ocpp-sim",
                           .firmware_version = "0.1.0",
                           .charge_box_serial = s->id,
                           .connectors = (uint8_t)o->connectors};
    ocpp_cp_ports_t ports = {.msg = &s->msg_port,
                             .storage = &s->store_port,
                             .random = ocpp_posix_random,
                             .log = ocpp_posix_log,
                             .log_ctx = &s->log};
    if (ocpp_cp_init(&s->cp, &cc, &ports, s->tx, sizeof s->tx) != OCPP_OK) {
        fprintf(stderr, "ocpp-sim: bad charge point configuration (URL %s)\n", o->csms);
        return -1;
    }
    ocpp_cp_callbacks_t cb = {.on_event = on_event, .ctx = s};
    ocpp_cp_set_callbacks(&s->cp, &cb);
    return apply_config(s, o);
}

static void run(station_t *st, unsigned n)
{
    struct pollfd *fds = calloc(n, sizeof *fds);
    if (fds == NULL) {
        return;
    }
    while (!g_stop) {
        uint32_t now = ocpp_posix_now_ms();
        uint32_t wait = 200;
        for (unsigned i = 0; i < n; i++) {
            ocpp_cp_poll(&st[i].cp, now);
            uint32_t w = ocpp_cp_next_wakeup_ms(&st[i].cp, now);
            wait = w < wait ? w : wait;
            fds[i].fd = ocpp_posix_net_fd(&st[i].net);
            fds[i].events = ocpp_posix_net_events(&st[i].net);
            if (ocpp_posix_net_pending(&st[i].net)) {
                wait = 0; /* TLS holds decrypted bytes: do not sleep */
            }
        }
        if (wait > 0) {
            (void)poll(fds, n, (int)wait);
        }
    }
    free(fds);
}

int main(int argc, char **argv)
{
    sim_opts_t o;
    if (parse_args(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    station_t *st = calloc(o.stations, sizeof *st);
    if (st == NULL) {
        fprintf(stderr, "ocpp-sim: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < o.stations; i++) {
        if (station_init(&st[i], &o, i) != 0) {
            return 2;
        }
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "ocpp-sim: %u charge point(s), CSMS %s\n", o.stations, o.csms);
    run(st, o.stations);
    for (unsigned i = 0; i < o.stations; i++) {
        ocpp_ws_close(&st[i].ws);
        ocpp_posix_net_free(&st[i].net);
    }
    free(st);
    fprintf(stderr, "ocpp-sim: stopped\n");
    return 0;
}
