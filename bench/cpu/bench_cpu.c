/*
 * CPU cost of the library's operations, for bench/cpu/run.sh (callgrind) and
 * host throughput. Not a test: nothing is asserted beyond "it ran".
 *
 * Usage: bench_cpu <op> <n>      run op n times between
 *                                CALLGRIND_START/STOP_INSTRUMENTATION (run
 *                                under valgrind --tool=callgrind
 *                                --instr-atstart=no: the count is the ops only)
 *        bench_cpu throughput    host messages per second (wall clock)
 *        bench_cpu list          the ops, "name<TAB>available"
 * Ops: idle_poll, get_configuration, boot, heartbeat, meter_values, session.
 *
 * The charge point runs on a fake in-memory message port and a fake clock:
 * every CALL it sends is answered by a generic CSMS (Accepted, transaction
 * id 1) and the answer handled in the same op.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_json.h"
#include "rpc/rpc.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#define TX_CAP 4096u

/* ------------------------------------------------------------------------ */
/* Fake message port and generic CSMS                                        */
/* ------------------------------------------------------------------------ */

typedef struct {
    char in[TX_CAP]; /* one pending incoming message */
    size_t in_len;
    bool have_in;
    char call_id[OCPP_MSG_ID_MAX + 1]; /* last CALL the CP sent */
    char call_action[48];
    bool call_pending;
    unsigned sent;
    uint32_t rng;
} port_t;

static ocpp_status_t p_open(void *ctx, const ocpp_msg_open_t *p)
{
    (void)ctx;
    (void)p;
    return OCPP_OK;
}

static ocpp_status_t p_send(void *ctx, char *msg, size_t len)
{
    port_t *f = ctx;
    f->sent++;
    if (len > 4 && memcmp(msg, "[2,\"", 4) == 0) {
        const char *q = memchr(msg + 4, '"', len - 4);
        if (q != NULL && (size_t)(q - msg - 4) <= OCPP_MSG_ID_MAX) {
            size_t n = (size_t)(q - msg - 4);
            memcpy(f->call_id, msg + 4, n);
            f->call_id[n] = '\0';
            const char *a = q + 3; /* ","Action" */
            const char *ae = memchr(a, '"', len - (size_t)(a - msg));
            size_t an = ae != NULL ? (size_t)(ae - a) : 0;
            an = an < sizeof f->call_action ? an : sizeof f->call_action - 1;
            memcpy(f->call_action, a, an);
            f->call_action[an] = '\0';
            f->call_pending = true;
        }
    }
    return OCPP_OK;
}

static ocpp_status_t p_recv(void *ctx, uint32_t now, const char **msg, size_t *len)
{
    port_t *f = ctx;
    (void)now;
    if (!f->have_in) {
        return OCPP_PENDING;
    }
    f->have_in = false;
    *msg = f->in;
    *len = f->in_len;
    return OCPP_OK;
}

static void p_close(void *ctx)
{
    (void)ctx;
}

static uint32_t p_random(void *ctx)
{
    uint32_t *s = ctx;
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

static void push(port_t *f, const char *text)
{
    f->in_len = strlen(text);
    memcpy(f->in, text, f->in_len);
    f->have_in = true;
}

/* The CSMS's answer to the last CALL. */
static void answer(port_t *f)
{
    static const char *const payloads[][2] = {
        {"BootNotification", "{\"status\":\"Accepted\",\"currentTime\":\"2026-01-01T00:00:00Z\","
                             "\"interval\":300}"},
        {"Heartbeat", "{\"currentTime\":\"2026-01-01T00:00:00Z\"}"},
        {"Authorize", "{\"idTagInfo\":{\"status\":\"Accepted\"}}"},
        {"StartTransaction", "{\"transactionId\":1,\"idTagInfo\":{\"status\":\"Accepted\"}}"},
        {"StopTransaction", "{\"idTagInfo\":{\"status\":\"Accepted\"}}"},
    };
    const char *payload = "{}";
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        if (strcmp(f->call_action, payloads[i][0]) == 0) {
            payload = payloads[i][1];
        }
    }
    char buf[256];
    snprintf(buf, sizeof buf, "[3,\"%s\",%s]", f->call_id, payload);
    f->call_pending = false;
    push(f, buf);
}

/* ------------------------------------------------------------------------ */
/* Charge point fixture                                                      */
/* ------------------------------------------------------------------------ */

static port_t g_port;
static ocpp_msg_port_t g_msg = {&g_port, p_open, p_send, p_recv, p_close, NULL, NULL, NULL};
static ocpp_cp_t g_cp;
static char g_tx[TX_CAP];
static uint32_t g_now;

static size_t meter(void *ctx, uint8_t connector, ocpp_sample_t *out, size_t cap)
{
    (void)ctx;
    (void)connector;
    size_t n = 0;
    static const ocpp_sample_t s[] = {
        {.measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
         .phase = OCPP_PHASE_NONE,
         .location = OCPP_LOCATION_OUTLET,
         .value = 1234567},
        {.measurand = OCPP_MEASURAND_POWER_ACTIVE_IMPORT,
         .phase = OCPP_PHASE_NONE,
         .location = OCPP_LOCATION_OUTLET,
         .value = 11000},
        {.measurand = OCPP_MEASURAND_CURRENT_IMPORT,
         .phase = OCPP_PHASE_L1,
         .location = OCPP_LOCATION_OUTLET,
         .value = 16000,
         .scale = 3},
    };
    for (; n < cap && n < sizeof s / sizeof s[0]; n++) {
        out[n] = s[n];
    }
    return n;
}

static void cp_init(void)
{
    static const ocpp_cp_callbacks_t cb = {.read_meter = meter};
    ocpp_cp_config_t c = {.identity = "BENCH-1",
                          .csms_url = "ws://127.0.0.1:9000/ocpp",
                          .vendor = "Bench",
                          .model = "CPU",
                          .connectors = 2};
    ocpp_cp_ports_t p = {.msg = &g_msg, .random = p_random, .random_ctx = &g_port.rng};
    if (ocpp_cp_init(&g_cp, &c, &p, &cb, g_tx, sizeof g_tx) != OCPP_OK) {
        fprintf(stderr, "bench_cpu: init failed\n");
        exit(1);
    }
}

static void poll_ms(uint32_t ms)
{
    g_now += ms;
    (void)ocpp_cp_poll(&g_cp, g_now);
}

/* Poll, answering every CALL, until the charge point is quiet. */
static void pump(void)
{
    for (int i = 0; i < 32; i++) {
        poll_ms(10);
        if (!g_port.call_pending) {
            return;
        }
        answer(&g_port);
    }
}

static void boot(void)
{
    memset(&g_port, 0, sizeof g_port);
    g_port.rng = 7;
    g_now = 1000;
    cp_init();
    pump();
}

/* ------------------------------------------------------------------------ */
/* Operations                                                                */
/* ------------------------------------------------------------------------ */

static void op_idle_poll(unsigned n)
{
    boot();
    CALLGRIND_START_INSTRUMENTATION;
    for (unsigned i = 0; i < n; i++) {
        poll_ms(10);
    }
    CALLGRIND_STOP_INSTRUMENTATION;
}

static void op_get_configuration(unsigned n)
{
    boot();
    CALLGRIND_START_INSTRUMENTATION;
    for (unsigned i = 0; i < n; i++) {
        push(&g_port, "[2,\"gc\",\"GetConfiguration\",{}]");
        poll_ms(10);
    }
    CALLGRIND_STOP_INSTRUMENTATION;
}

/* init + the first poll (which sends BootNotification); run.sh subtracts init. */
static void op_boot(unsigned n, bool send)
{
    g_now = 1000;
    CALLGRIND_START_INSTRUMENTATION;
    for (unsigned i = 0; i < n; i++) {
        cp_init();
        if (send) {
            poll_ms(0);
        }
    }
    CALLGRIND_STOP_INSTRUMENTATION;
}

static void op_heartbeat(unsigned n)
{
    boot();
    CALLGRIND_START_INSTRUMENTATION;
    for (unsigned i = 0; i < n; i++) {
        poll_ms(300000); /* HeartbeatInterval 300 s: Heartbeat sent */
        answer(&g_port);
        poll_ms(10); /* its CALLRESULT handled */
    }
    CALLGRIND_STOP_INSTRUMENTATION;
}

static void start_session(void)
{
    (void)ocpp_cp_plugged(&g_cp, 1, true);
    pump();
    (void)ocpp_cp_present_id(&g_cp, 1, "BENCHTAG");
    pump();
    (void)ocpp_cp_ev_ready(&g_cp, 1, true);
    pump();
}

static void stop_session(void)
{
    (void)ocpp_cp_stop(&g_cp, 1, OCPP_STOP_LOCAL);
    pump();
    (void)ocpp_cp_plugged(&g_cp, 1, false);
    pump();
}

static void op_meter_values(unsigned n)
{
    boot();
    (void)ocpp_cp_key_set(&g_cp, "MeterValueSampleInterval", "60");
    (void)ocpp_cp_key_set(&g_cp, "MeterValuesSampledData",
                          "Energy.Active.Import.Register,Power.Active.Import,Current.Import");
    start_session();
    unsigned before = g_port.sent;
    CALLGRIND_START_INSTRUMENTATION;
    for (unsigned i = 0; i < n; i++) {
        poll_ms(60000); /* one sample interval: MeterValues sent */
        if (g_port.call_pending) {
            answer(&g_port);
        }
        poll_ms(10);
    }
    CALLGRIND_STOP_INSTRUMENTATION;
    fprintf(stderr, "meter_values: %u messages sent for %u intervals\n", g_port.sent - before, n);
}

static void op_session(unsigned n)
{
    boot();
    unsigned before = g_port.sent;
    CALLGRIND_START_INSTRUMENTATION;
    for (unsigned i = 0; i < n; i++) {
        start_session();
        poll_ms(60000);
        pump();
        stop_session();
    }
    CALLGRIND_STOP_INSTRUMENTATION;
    fprintf(stderr, "session: %u messages sent for %u sessions\n", g_port.sent - before, n);
}

/* ------------------------------------------------------------------------ */
/* Host throughput                                                           */
/* ------------------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char k_msg[] =
    "[2,\"19223201\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"04E3A5B2C1\","
    "\"meterStart\":1234567,\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"reservationId\":42}]";

static volatile size_t g_sink;

static unsigned tp_json_read(void)
{
    ocpp_json_value_t root, v;
    int64_t x = 0;
    if (ocpp_json_validate(k_msg, sizeof k_msg - 1) != OCPP_OK ||
        ocpp_json_root(k_msg, sizeof k_msg - 1, &root) != OCPP_OK ||
        ocpp_json_find(&root, "[3].meterStart", &v) != OCPP_OK ||
        ocpp_json_as_int(&v, &x) != OCPP_OK) {
        exit(1);
    }
    g_sink += (size_t)x;
    return 1;
}

static unsigned tp_json_write(void)
{
    char buf[512];
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_arr_open(&w);
    ocpp_jw_int(&w, 2);
    ocpp_jw_str(&w, "19223201");
    ocpp_jw_str(&w, "StartTransaction");
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_int(&w, "connectorId", 1);
    ocpp_jw_kv_str(&w, "idTag", "04E3A5B2C1");
    ocpp_jw_kv_int(&w, "meterStart", 1234567);
    ocpp_jw_kv_str(&w, "timestamp", "2026-01-01T00:00:00.000Z");
    ocpp_jw_kv_int(&w, "reservationId", 42);
    ocpp_jw_obj_close(&w);
    ocpp_jw_arr_close(&w);
    if (ocpp_jw_finish(&w, &n) != OCPP_OK) {
        exit(1);
    }
    g_sink += n;
    return 1;
}

static unsigned tp_rpc_parse(void)
{
    ocpp_rpc_frame_t f;
    if (ocpp_rpc_parse(k_msg, sizeof k_msg - 1, &f) != OCPP_OK) {
        exit(1);
    }
    g_sink += f.payload.len;
    return 1;
}

static void throughput(const char *name, unsigned (*fn)(void))
{
    unsigned long count = 0;
    double t0 = now_s(), t;
    do {
        for (int i = 0; i < 1000; i++) {
            count += fn();
        }
        t = now_s() - t0;
    } while (t < 0.5);
    printf("%s\t%.0f\t%zu\n", name, (double)count / t, sizeof k_msg - 1);
}

int main(int argc, char **argv)
{
    const char *op = argc > 1 ? argv[1] : "list";
    unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 100u;
    if (strcmp(op, "list") == 0) {
        printf("idle_poll\t1\nget_configuration\t1\nboot\t1\nheartbeat\t1\n");
        printf("meter_values\t1\nsession\t1\n");
    } else if (strcmp(op, "throughput") == 0) {
        throughput("json_read", tp_json_read);
        throughput("json_write", tp_json_write);
        throughput("rpc_parse", tp_rpc_parse);
    } else if (strcmp(op, "idle_poll") == 0) {
        op_idle_poll(n);
    } else if (strcmp(op, "get_configuration") == 0) {
        op_get_configuration(n);
    } else if (strcmp(op, "init") == 0) {
        op_boot(n, false);
    } else if (strcmp(op, "boot") == 0) {
        op_boot(n, true);
    } else if (strcmp(op, "heartbeat") == 0) {
        op_heartbeat(n);
    } else if (strcmp(op, "meter_values") == 0) {
        op_meter_values(n);
    } else if (strcmp(op, "session") == 0) {
        op_session(n);
    } else {
        fprintf(stderr, "bench_cpu: unknown op %s\n", op);
        return 2;
    }
    if (strcmp(op, "list") != 0 && strcmp(op, "throughput") != 0) {
        fprintf(stderr, "%s: %u sent\n", op, g_port.sent);
    }
    return 0;
}
