/**
 * @file posix-minimal.c
 * @brief The smallest program that embeds ocpp-c: one charge point with two
 *        connectors, on the POSIX port, in a superloop.
 *
 * Build (from the repository): cmake -S . -B build && cmake --build build
 * Run:   ./build/posix-minimal ws://127.0.0.1:9000/ocpp CP-1
 *
 * Everything the library uses is owned here: the context, the buffers, the
 * ports. The library itself never allocates and keeps no global state.
 */
#define _POSIX_C_SOURCE 200809L

#include <poll.h>
#include <signal.h>
#include <stdio.h>

#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_posix.h"
#include "ocpp/ocpp_ws.h"

static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
    (void)sig;
    stop = 1;
}

/* Print every message in and out: the library reports them as events. */
static void on_event(void *ctx, const ocpp_cp_event_t *ev)
{
    (void)ctx;
    if (ev->kind == OCPP_CP_EV_MSG_OUT || ev->kind == OCPP_CP_EV_MSG_IN) {
        printf("%s %.*s\n", ev->kind == OCPP_CP_EV_MSG_OUT ? ">>" : "<<", (int)ev->len, ev->text);
    } else if (ev->kind == OCPP_CP_EV_CONNECTION) {
        printf("-- connection: %s\n", ocpp_cp_conn_str(ev->conn));
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s ws://host:port/path CHARGE_POINT_ID\n", argv[0]);
        return 2;
    }

    /* 1. The byte stream: TCP (and TLS for wss://, given a CA file). */
    static ocpp_posix_net_t net;
    ocpp_posix_net_config_t net_cfg = {.ca_file = NULL};
    if (ocpp_posix_net_init(&net, &net_cfg) != OCPP_OK) {
        return 1;
    }
    ocpp_net_port_t net_port;
    ocpp_posix_net_port(&net, &net_port);

    /* 2. The WebSocket client over it, with a 4 KiB receive buffer. */
    static uint8_t rx[4096];
    static ocpp_ws_t ws;
    ocpp_ws_config_t ws_cfg = {
        .net = &net_port, .rx_buf = rx, .rx_cap = sizeof rx, .random = ocpp_posix_random};
    ocpp_ws_init(&ws, &ws_cfg);
    ocpp_msg_port_t msg_port;
    ocpp_ws_msg_port(&ws, &msg_port);

    /* 3. Storage for the configuration keys (files with atomic replace). */
    static ocpp_posix_storage_t store;
    ocpp_storage_port_t store_port;
    if (ocpp_posix_storage_init(&store, "./ocpp-data/minimal") != OCPP_OK) {
        return 1;
    }
    ocpp_posix_storage_port(&store, &store_port);

    /* 4. The charge point, with a 4 KiB transmit buffer. */
    static ocpp_cp_t cp;
    static char send_buf[4096];
    ocpp_cp_config_t cfg = {.identity = argv[2],
                            .csms_url = argv[1],
                            .vendor = "Example",
                            .model = "Minimal",
                            .connectors = 2};
    ocpp_posix_log_t log = {.min_level = OCPP_LOG_INFO, .prefix = argv[2]};
    ocpp_cp_ports_t ports = {.msg = &msg_port,
                             .storage = &store_port,
                             .random = ocpp_posix_random,
                             .log = ocpp_posix_log,
                             .log_ctx = &log};
    ocpp_cp_callbacks_t cb = {.on_event = on_event};
    if (ocpp_cp_init(&cp, &cfg, &ports, &cb, send_buf, sizeof send_buf) != OCPP_OK) {
        fprintf(stderr, "bad configuration\n");
        return 1;
    }
    signal(SIGINT, on_sigint);

    /* 5. The superloop: poll the charge point, sleep until the socket has
     *    data or the library's next timer is due. */
    while (!stop) {
        uint32_t now = ocpp_posix_now_ms();
        ocpp_cp_poll(&cp, now);
        struct pollfd pfd = {.fd = ocpp_posix_net_fd(&net), .events = ocpp_posix_net_events(&net)};
        int wait = ocpp_posix_net_pending(&net) ? 0 : (int)ocpp_cp_next_wakeup_ms(&cp, now);
        (void)poll(&pfd, 1, wait);
    }
    ocpp_ws_close(&ws);
    ocpp_posix_net_free(&net);
    return 0;
}
