/*
 * libFuzzer target for the whole charge point: an ocpp_cp_t on a fake
 * message port that boots (BootNotification Accepted, the initial
 * StatusNotifications confirmed) and then receives the fuzz input, so every
 * handler of the dispatch table sees random payloads -- handlers added to the
 * library later are covered without changing this file.
 *
 * Input: lines separated by '\n'. Each line is one event:
 *   a line not starting with '#'  one message received from the "CSMS"; every
 *                                 "$ID" in it is replaced by the id of the last
 *                                 CALL the charge point sent (so answers match);
 *   #t<ms>        time advances by <ms> (max 10^7), polling every 250 ms or
 *                 every ms/32 if longer;
 *   #x            the transport reports the connection closed;
 *   #T<text>      recv() says OCPP_ERR_TOO_LARGE with <text> as the prefix;
 *   #o<d>         result of the next open(): 0 OK, 1 AUTH, 2 PENDING, 3 PROTOCOL;
 *   #s<d>         the next send(): 0 OK, 1 PENDING once, 2 CLOSED;
 *   #n<0|1>       ocpp_cp_set_network();
 *   #c<k><e>      ocpp_cp_fault(connector k, error code e) (digits; was set_status);
 *   #k<key>=<v>   ocpp_cp_key_set();
 *   #z<unix>      ocpp_cp_set_time();
 *   #P<k><0|1>, #E<k><0|1>, #I<k><idTag>, #S<k><reason>, #F<k><error>
 *                 plugged, EV ready, present id, stop, fault.
 * A first line "#B" skips the automatic boot (the input then answers it).
 * After every event the charge point is polled (time +100 ms).
 *
 * Invariants (abort() on violation): every message the charge point sends
 * is one valid JSON array that fits the transmit buffer; the connection
 * state and the connector statuses stay within their enums.
 *
 * Build and run: see scripts/fuzz.sh (clang: tests/fuzz/fuzz_cp in the build dir).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp/ocpp_cp.h"
#include "ocpp/ocpp_json.h"

/*
 * Id tags are passed as raw fuzz bytes: the library must refuse those that
 * are not valid UTF-8 or hold control characters (it once sent them as
 * invalid JSON: tests/fuzz/regressions/cp/cp-idtag-invalid-utf8). 0 limits
 * them to printable ASCII.
 */
#ifndef FZ_IDTAG_ANY_BYTES
#define FZ_IDTAG_ANY_BYTES 1
#endif

#define FZ_TX_CAP   4096u
#define FZ_LINE_CAP 4096u
#define FZ_CONNS    2u

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

typedef struct {
    ocpp_status_t open_next; /* result of the next open() */
    int send_mode;           /* 0 OK, 1 PENDING once, 2 CLOSED once */
    bool have_msg;           /* msg/len/status are to be delivered */
    const char *msg;
    size_t len;
    ocpp_status_t msg_status;
    bool closed_next;
    char last_call_id[OCPP_MSG_ID_MAX + 1];
    uint32_t rng;
} fz_port_t;

static ocpp_status_t fz_open(void *ctx, const ocpp_msg_open_t *p)
{
    fz_port_t *f = ctx;
    ocpp_status_t r = f->open_next;
    check(p != NULL);
    f->open_next = OCPP_OK;
    return r;
}

/* Remember the id of a CALL ([2,"id",...]). */
static void note_call_id(fz_port_t *f, const char *msg, size_t len)
{
    if (len < 5 || memcmp(msg, "[2,\"", 4) != 0) {
        return;
    }
    const char *end = memchr(msg + 4, '"', len - 4);
    if (end != NULL && (size_t)(end - (msg + 4)) <= OCPP_MSG_ID_MAX) {
        size_t n = (size_t)(end - (msg + 4));
        memcpy(f->last_call_id, msg + 4, n);
        f->last_call_id[n] = '\0';
    }
}

static ocpp_status_t fz_send(void *ctx, char *msg, size_t len)
{
    fz_port_t *f = ctx;
    check(len > 0 && len <= FZ_TX_CAP - OCPP_MSG_HEADROOM);
    msg[-1] = (char)msg[-(int)OCPP_MSG_HEADROOM]; /* the headroom is writable */
    check(ocpp_json_validate(msg, len) == OCPP_OK && msg[0] == '[');
    if (f->send_mode == 1) {
        f->send_mode = 0;
        return OCPP_PENDING;
    }
    if (f->send_mode == 2) {
        f->send_mode = 0;
        return OCPP_ERR_CLOSED;
    }
    note_call_id(f, msg, len);
    return OCPP_OK;
}

static ocpp_status_t fz_recv(void *ctx, uint32_t now, const char **msg, size_t *len)
{
    fz_port_t *f = ctx;
    (void)now;
    if (f->closed_next) {
        f->closed_next = false;
        return OCPP_ERR_CLOSED;
    }
    if (!f->have_msg) {
        return OCPP_PENDING;
    }
    f->have_msg = false;
    *msg = f->msg;
    *len = f->len;
    return f->msg_status;
}

static void fz_close(void *ctx)
{
    (void)ctx;
}

static void fz_keepalive(void *ctx, uint32_t seconds)
{
    (void)ctx;
    (void)seconds;
}

static uint32_t fz_random(void *ctx)
{
    uint32_t *s = ctx;
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

/* Application callbacks: plausible hardware. */
static void cb_event(void *ctx, const ocpp_cp_event_t *ev)
{
    (void)ctx;
    if (ev->text != NULL && ev->len > 0) {
        volatile char touch = ev->text[ev->len - 1]; /* ASan: the range is readable */
        (void)touch;
    }
}

static void cb_permit(void *ctx, uint8_t connector, bool permitted)
{
    (void)ctx;
    (void)permitted;
    check(connector <= FZ_CONNS);
}

static size_t cb_meter(void *ctx, uint8_t connector, ocpp_sample_t *out, size_t cap)
{
    (void)ctx;
    check(connector <= FZ_CONNS);
    size_t n = 0;
    if (n < cap) {
        out[n++] = (ocpp_sample_t){.measurand = OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER,
                                   .value = 123456};
    }
    if (n < cap) {
        out[n++] = (ocpp_sample_t){.measurand = OCPP_MEASURAND_CURRENT_IMPORT,
                                   .phase = OCPP_PHASE_L1,
                                   .value = 16012,
                                   .scale = 3};
    }
    if (n < cap) {
        out[n++] = (ocpp_sample_t){.measurand = OCPP_MEASURAND_SOC,
                                   .location = OCPP_LOCATION_EV,
                                   .value = 57,
                                   .signed_data = "OCMF|{}|{\"SA\":\"ECDSA\"}"};
    }
    return n;
}

static ocpp_unlock_result_t cb_unlock(void *ctx, uint8_t connector)
{
    (void)ctx;
    check(connector >= 1 && connector <= FZ_CONNS);
    return connector == 1 ? OCPP_UNLOCK_UNLOCKED : OCPP_UNLOCK_FAILED;
}

static void cb_reset(void *ctx, bool hard)
{
    (void)ctx;
    (void)hard;
}

static ocpp_dt_status_t cb_data_transfer(void *ctx, const char *vendor_id, const char *message_id,
                                         const char *data, ocpp_jw_t *resp_data)
{
    (void)ctx;
    check(vendor_id != NULL);
    if (strcmp(vendor_id, "fuzz") != 0) {
        return OCPP_DT_UNKNOWN_VENDOR_ID;
    }
    if (message_id != NULL && strcmp(message_id, "echo") == 0 && data != NULL) {
        ocpp_jw_str(resp_data, data);
        return OCPP_DT_ACCEPTED;
    }
    return message_id == NULL ? OCPP_DT_REJECTED : OCPP_DT_UNKNOWN_MESSAGE_ID;
}

/* Process-wide state (the target is single-threaded; big buffers off the stack). */
static ocpp_cp_t g_cp;
static fz_port_t g_port;
static char g_tx[FZ_TX_CAP];
static char g_line[FZ_LINE_CAP];
static uint32_t g_now;

static void poll_cp(uint32_t advance_ms)
{
    g_now += advance_ms;
    check(ocpp_cp_poll(&g_cp, g_now) == OCPP_OK);
    check((int)ocpp_cp_connection(&g_cp) >= 0 && ocpp_cp_conn_str(ocpp_cp_connection(&g_cp)));
    for (uint8_t c = 0; c <= FZ_CONNS; c++) {
        check(ocpp_connector_status_str(ocpp_cp_connector_status(&g_cp, c)) != NULL);
    }
}

/* Deliver one message (status st), then poll. */
static void deliver(const char *msg, size_t len, ocpp_status_t st)
{
    g_port.have_msg = true;
    g_port.msg = msg;
    g_port.len = len;
    g_port.msg_status = st;
    poll_cp(100);
    g_port.have_msg = false;
}

/* Copy in[0..len) to g_line, replacing "$ID" with the last CALL id. */
static size_t expand(const uint8_t *in, size_t len)
{
    size_t o = 0, idn = strlen(g_port.last_call_id);
    for (size_t i = 0; i < len && o < FZ_LINE_CAP; i++) {
        if (i + 3 <= len && memcmp(in + i, "$ID", 3) == 0 && o + idn <= FZ_LINE_CAP) {
            memcpy(g_line + o, g_port.last_call_id, idn);
            o += idn;
            i += 2;
        } else {
            g_line[o++] = (char)in[i];
        }
    }
    return o;
}

static uint32_t num(const uint8_t *p, size_t n, uint32_t max)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        v = v * 10u + (uint32_t)(p[i] - '0');
        if (v > max) {
            return max;
        }
    }
    return v;
}

static void hardware(uint8_t cmd, uint8_t k, const uint8_t *arg, size_t n)
{
    uint32_t a = n > 0 ? (uint32_t)(arg[0] - '0') : 0;
    (void)k;
    (void)a;
    switch (cmd) {
    case 'P': (void)ocpp_cp_plugged(&g_cp, k, a == 1); break;
    case 'E': (void)ocpp_cp_ev_ready(&g_cp, k, a == 1); break;
    case 'I': {
        size_t m = n < 64 ? n : 64;
        memcpy(g_line, arg, m);
        g_line[m] = '\0';
#if !FZ_IDTAG_ANY_BYTES
        for (size_t i = 0; i < m; i++) { /* see FZ_IDTAG_ANY_BYTES */
            g_line[i] = (char)(g_line[i] >= 0x20 && g_line[i] < 0x7f ? g_line[i] : 'X');
        }
#endif
        (void)ocpp_cp_present_id(&g_cp, k, g_line);
        break;
    }
    case 'S': (void)ocpp_cp_stop(&g_cp, k, (ocpp_stop_reason_t)(a % 11u)); break;
    case 'F': (void)ocpp_cp_fault(&g_cp, k, (ocpp_fault_t)(a % 16u), NULL, NULL); break;
    default: break;
    }
}

static const ocpp_status_t open_results[] = {OCPP_OK, OCPP_ERR_AUTH, OCPP_PENDING,
                                             OCPP_ERR_PROTOCOL};

/* One "#..." command line (without the '#'). */
static void command(const uint8_t *p, size_t n)
{
    if (n == 0) {
        return;
    }
    uint8_t k = n > 1 ? (uint8_t)(p[1] - '0') : 0;
    switch (p[0]) {
    case 't': {
        uint32_t ms = num(p + 1, n - 1, 10000000u);
        uint32_t stepms = ms / 32u > 250u ? ms / 32u : 250u; /* at most ~32 polls */
        for (; ms > stepms; ms -= stepms) {
            poll_cp(stepms);
        }
        poll_cp(ms);
        break;
    }
    case 'x':
        g_port.closed_next = true;
        poll_cp(100);
        break;
    case 'T': deliver((const char *)p + 1, n - 1, OCPP_ERR_TOO_LARGE); break;
    case 'o': g_port.open_next = open_results[k % 4u]; break;
    case 's': g_port.send_mode = (int)(k % 3u); break;
    case 'n': ocpp_cp_set_network(&g_cp, k == 1); break;
    case 'c':
        (void)ocpp_cp_fault(&g_cp, k, (ocpp_fault_t)(n > 2 ? (p[2] - '0') % 10 : 0), NULL, NULL);
        break;
    case 'k': {
        size_t m = n - 1 < FZ_LINE_CAP - 1 ? n - 1 : FZ_LINE_CAP - 1;
        memcpy(g_line, p + 1, m);
        g_line[m] = '\0';
        char *eq = strchr(g_line, '=');
        if (eq != NULL) {
            *eq = '\0';
            (void)ocpp_cp_key_set(&g_cp, g_line, eq + 1);
        }
        break;
    }
    case 'z': ocpp_cp_set_time(&g_cp, (int64_t)num(p + 1, n - 1, 4000000000u)); break;
    default: hardware(p[0], k, n > 2 ? p + 2 : p + n, n > 2 ? n - 2 : 0); break;
    }
    poll_cp(100);
}

/* Boot Accepted, then confirm the StatusNotifications of connectors 0..N. */
static void auto_boot(void)
{
    static const char boot[] = "[3,\"$ID\",{\"status\":\"Accepted\",\"currentTime\":"
                               "\"2026-01-01T00:00:00Z\",\"interval\":300}]";
    static const char empty[] = "[3,\"$ID\",{}]";
    poll_cp(0);
    deliver(g_line, expand((const uint8_t *)boot, sizeof boot - 1), OCPP_OK);
    for (unsigned i = 0; i <= FZ_CONNS; i++) {
        deliver(g_line, expand((const uint8_t *)empty, sizeof empty - 1), OCPP_OK);
    }
}

static void setup(void)
{
    static const ocpp_msg_port_t port = {&g_port,  fz_open,      fz_send, fz_recv,
                                         fz_close, fz_keepalive, NULL,    NULL};
    static const ocpp_cp_callbacks_t cb = {.on_event = cb_event,
                                           .permit = cb_permit,
                                           .read_meter = cb_meter,
                                           .unlock = cb_unlock,
                                           .reset = cb_reset,
                                           .data_transfer = cb_data_transfer};
    ocpp_cp_config_t c = {.identity = "FUZZ-1",
                          .csms_url = "ws://127.0.0.1:9000/ocpp",
                          .vendor = "Fuzz",
                          .model = "CP",
                          .serial_number = "S1",
                          .firmware_version = "1.0",
                          .connectors = FZ_CONNS};
    memset(&g_port, 0, sizeof g_port);
    g_port.rng = 42;
    ocpp_cp_ports_t p = {.msg = &port, .random = fz_random, .random_ctx = &g_port.rng};
    check(ocpp_cp_init(&g_cp, &c, &p, &cb, g_tx, sizeof g_tx) == OCPP_OK);
    g_now = 1000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) {
        return 0;
    }
    setup();
    size_t pos = 0;
    if (size >= 2 && memcmp(data, "#B", 2) == 0) {
        pos = 2;
    } else {
        auto_boot();
    }
    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl != NULL ? (size_t)(nl - data) : size;
        if (end > pos && data[pos] == '#') {
            command(data + pos + 1, end - pos - 1);
        } else if (end > pos) {
            /* An exact-size heap copy: reads past the message are caught. */
            size_t n = expand(data + pos, end - pos);
            char *msg = malloc(n > 0 ? n : 1);
            check(msg != NULL);
            memcpy(msg, g_line, n);
            deliver(msg, n, OCPP_OK);
            free(msg);
        }
        pos = end + 1;
    }
    poll_cp(60000);
    return 0;
}
