/**
 * @file firmware_app.c
 * @brief The application firmware of the size report: the EVSE application
 *        (app/) and the library on a bare-metal board, as a charger maker
 *        writes it.
 *
 * The board's inputs and outputs are volatile registers (pilot ADC, relay
 * feedback, meter, RFID reader, temperature, buttons, LEDs, display), so
 * --gc-sections keeps what a real charger links. The transport is chosen at
 * run time, as a real charger might: the library's WebSocket client (over a
 * network port on volatile registers) or the loopback CSMS of loopback.c,
 * which answers every CALL like a CSMS. No storage port: persistence code is
 * in the library either way (a charger adds its flash store, ports/flash).
 *
 * Built for the cross targets (scripts/size.sh: flash/RAM of the library,
 * the application and the rest) and, with FW_HOST_RUN, for the host as the
 * test unit.size_firmware_app: a scripted board (plug, card, charge, unplug)
 * on the loopback CSMS, main() returns 0 only if a whole session went
 * through (boot, status, start, meter values, stop, a CSMS CALL answered).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "loopback.h"
#include "ocpp/evse.h"
#include "ocpp/evse_board.h"
#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_ws.h"

int main(void);

#define FW_CONNECTORS 2u

/* ---- Board registers (written by interrupts / DMA on a real board) ------- */

static volatile uint32_t fw_tick_ms;
static volatile uint8_t fw_pilot[FW_CONNECTORS + 1];
static volatile uint16_t fw_duty[FW_CONNECTORS + 1];
static volatile bool fw_relay[FW_CONNECTORS + 1];
static volatile bool fw_relay_fb[FW_CONNECTORS + 1];
static volatile bool fw_lock[FW_CONNECTORS + 1];
static volatile int32_t fw_energy_wh[FW_CONNECTORS + 1];
static volatile int32_t fw_power_w[FW_CONNECTORS + 1];
static volatile int32_t fw_temp_dc;
static volatile uint32_t fw_buttons;
static volatile uint8_t fw_leds[FW_CONNECTORS + 1];
static volatile uint32_t fw_display;
static volatile uint32_t fw_use_ws; /* transport selection (boot strap / config) */
static char fw_card[21];            /* filled by the RFID reader's driver */
static volatile uint8_t fw_card_connector;

static uint32_t b_now(void *ctx)
{
    (void)ctx;
    return fw_tick_ms;
}

static evse_pilot_t b_pilot_read(void *ctx, uint8_t c)
{
    (void)ctx;
    return (evse_pilot_t)fw_pilot[c % (FW_CONNECTORS + 1u)];
}

static void b_pilot_set_duty(void *ctx, uint8_t c, uint16_t duty)
{
    (void)ctx;
    fw_duty[c % (FW_CONNECTORS + 1u)] = duty;
}

static void b_relay_set(void *ctx, uint8_t c, bool closed)
{
    (void)ctx;
    fw_relay[c % (FW_CONNECTORS + 1u)] = closed;
}

static bool b_relay_read(void *ctx, uint8_t c)
{
    (void)ctx;
    return fw_relay_fb[c % (FW_CONNECTORS + 1u)];
}

static bool b_lock_set(void *ctx, uint8_t c, bool locked)
{
    (void)ctx;
    fw_lock[c % (FW_CONNECTORS + 1u)] = locked;
    return true;
}

static bool b_cable_fixed(void *ctx, uint8_t c)
{
    (void)ctx;
    (void)c;
    return false;
}

static bool b_rfid_read(void *ctx, char *uid, size_t cap, uint8_t *connector)
{
    (void)ctx;
    size_t n = strlen(fw_card);
    if (n == 0u || n >= cap) {
        return false;
    }
    memcpy(uid, fw_card, n + 1u);
    *connector = fw_card_connector;
    fw_card[0] = '\0';
    return true;
}

static bool b_meter_read(void *ctx, uint8_t c, evse_meter_reading_t *out)
{
    (void)ctx;
    c = (uint8_t)(c % (FW_CONNECTORS + 1u));
    memset(out, 0, sizeof *out);
    out->energy_wh = fw_energy_wh[c];
    out->power_w = fw_power_w[c];
    out->current_ma[0] = fw_power_w[c] / 230 * 1000;
    out->voltage_mv[0] = 230000;
    out->phases = 1;
    return true;
}

static bool b_temperature_read(void *ctx, uint8_t sensor, int32_t *deci_celsius)
{
    (void)ctx;
    (void)sensor;
    *deci_celsius = fw_temp_dc;
    return true;
}

static void b_led_set(void *ctx, uint8_t c, const evse_led_t *led)
{
    (void)ctx;
    fw_leds[c % (FW_CONNECTORS + 1u)] = (uint8_t)(led->color * 4u + led->pattern);
}

static void b_display_text(void *ctx, uint8_t row, const char *text)
{
    (void)ctx;
    fw_display = fw_display + row + (uint32_t)strlen(text);
}

static uint32_t b_buttons_read(void *ctx)
{
    (void)ctx;
    return fw_buttons;
}

static const evse_board_t k_board = {
    .now_ms = b_now,
    .pilot_read = b_pilot_read,
    .pilot_set_duty = b_pilot_set_duty,
    .relay_set = b_relay_set,
    .relay_read = b_relay_read,
    .lock_set = b_lock_set,
    .cable_fixed = b_cable_fixed,
    .rfid_read = b_rfid_read,
    .meter_read = b_meter_read,
    .temperature_read = b_temperature_read,
    .led_set = b_led_set,
    .display_text = b_display_text,
    .buttons_read = b_buttons_read,
};

/* ---- Network port for the WebSocket client (a TCP/TLS driver) ------------ */

static volatile int32_t fw_net_status;

static ocpp_status_t n_connect(void *ctx, const ocpp_endpoint_t *ep)
{
    (void)ctx;
    (void)ep;
    return (ocpp_status_t)fw_net_status;
}

static int32_t n_send(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    (void)data;
    return fw_net_status < 0 ? fw_net_status : (int32_t)len;
}

static int32_t n_recv(void *ctx, uint8_t *buf, size_t cap)
{
    (void)ctx;
    (void)buf;
    (void)cap;
    return fw_net_status;
}

static void n_close(void *ctx)
{
    (void)ctx;
}

static uint32_t fw_random(void *ctx)
{
    uint32_t *s = ctx; /* xorshift32: a real board uses its TRNG */
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* ---- The firmware --------------------------------------------------------- */

/* What the firmware owns: the library's context and buffers, the transport,
 * the application. Static: no heap, counted as the firmware's RAM. */
static ocpp_cp_t fw_cp;
static char fw_tx[2048];    /* send buffer */
static uint8_t fw_rx[4096]; /* receive buffer (WebSocket) */
static ocpp_ws_t fw_ws;
static fw_loop_t fw_loop;
static evse_t fw_evse;

#ifdef FW_HOST_RUN
#include <stdio.h>

/* The scripted board of the host test: time advances 100 ms per loop. */
static const char k_csms_call[] =
    "[2,\"cs-1\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\"]}]";

static void script(uint32_t t)
{
    if (t == 1000u) {
        fw_pilot[1] = EVSE_PILOT_B; /* plug */
    } else if (t == 2000u) {
        memcpy(fw_card, "CARD-1", 7);
        fw_card_connector = 1;
    } else if (t == 3000u) {
        fw_pilot[1] = EVSE_PILOT_C; /* the EV asks for energy */
    } else if (t == 60000u) {
        fw_pilot[1] = EVSE_PILOT_A; /* unplugged: the transaction stops */
    } else if (t == 65000u) {
        fw_loop_call(&fw_loop, k_csms_call);
    }
    for (uint32_t c = 1; c <= FW_CONNECTORS; c++) {
        fw_relay_fb[c] = fw_relay[c];
        fw_power_w[c] = fw_relay[c] ? 7200 : 0;
        if (fw_relay[c] && t % 500u == 0u) {
            fw_energy_wh[c] = fw_energy_wh[c] + 1; /* 7.2 kW: 1 Wh per 0.5 s */
        }
    }
}
#endif

int main(void)
{
    static uint32_t rnd = 0x2545F491u;
    ocpp_net_port_t net = {.connect = n_connect, .send = n_send, .recv = n_recv, .close = n_close};
    ocpp_ws_config_t wc = {.net = &net,
                           .rx_buf = fw_rx,
                           .rx_cap = sizeof fw_rx,
                           .random = fw_random,
                           .random_ctx = &rnd};
    ocpp_msg_port_t ws_port, loop_port;
    (void)ocpp_ws_init(&fw_ws, &wc);
    ocpp_ws_msg_port(&fw_ws, &ws_port);
    fw_loop_init(&fw_loop);
    fw_loop_port(&fw_loop, &loop_port);

    ocpp_cp_config_t cfg = {.identity = "CP-1",
                            .csms_url = "ws://csms.example:8180/ocpp",
                            .vendor = "ocpp-c",
                            .model = "size-fw",
                            .firmware_version = "1.0.0",
                            .connectors = FW_CONNECTORS};
    ocpp_cp_ports_t ports = {
        .msg = fw_use_ws != 0u ? &ws_port : &loop_port, .random = fw_random, .random_ctx = &rnd};
    evse_config_t ec = {.connectors = FW_CONNECTORS, .max_current_ma = 32000u};
    if (evse_init(&fw_evse, &ec, &k_board, evse_cp_ops_library(), &fw_cp, NULL) != OCPP_OK) {
        return 1;
    }
    ocpp_cp_callbacks_t cb;
    evse_callbacks(&fw_evse, &cb);
    if (ocpp_cp_init(&fw_cp, &cfg, &ports, &cb, fw_tx, sizeof fw_tx) != OCPP_OK) {
        return 1;
    }
    (void)ocpp_cp_key_set(&fw_cp, "MeterValueSampleInterval", "10");
    for (uint32_t c = 0; c <= FW_CONNECTORS; c++) {
        fw_pilot[c] = EVSE_PILOT_A;
    }
    fw_temp_dc = 250;

#ifdef FW_HOST_RUN
    for (uint32_t t = 0; t <= 90000u; t += 100u) {
        fw_tick_ms = t;
        script(t);
        evse_poll(&fw_evse);
        (void)ocpp_cp_poll(&fw_cp, t);
    }
    const fw_loop_t *l = &fw_loop;
    bool ok = l->seen[FW_BOOT] == 1u && l->seen[FW_STATUS] >= 3u && l->seen[FW_AUTHORIZE] == 1u &&
              l->seen[FW_START] == 1u && l->seen[FW_METER] >= 1u && l->seen[FW_STOP] == 1u &&
              l->results == 1u && l->errors == 0u && l->seen[FW_OTHER] == 0u &&
              fw_energy_wh[1] > 50;
    static const char *const names[FW_ACTIONS] = {"Boot",        "Heartbeat",    "Status",
                                                  "Authorize",   "Start",        "Stop",
                                                  "MeterValues", "DataTransfer", "other"};
    for (int a = 0; a < FW_ACTIONS; a++) {
        printf("%s %u\n", names[a], (unsigned)l->seen[a]);
    }
    printf("results %u errors %u energy %d Wh: %s\n", (unsigned)l->results, (unsigned)l->errors,
           (int)fw_energy_wh[1], ok ? "a whole session went through" : "FAILED");
    return ok ? 0 : 2;
#else
    for (;;) {
        evse_poll(&fw_evse);
        (void)ocpp_cp_poll(&fw_cp, fw_tick_ms);
    }
#endif
}
