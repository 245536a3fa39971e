/**
 * @file firmware.c
 * @brief Minimal firmware for the size report (scripts/size.sh).
 *
 * main() calls every public entry point of the library, so that
 * --gc-sections keeps exactly what a user of the whole API pays for. The
 * inputs come from a volatile location so that no call is folded away; the
 * firmware is linked, never run. scripts/size.sh checks with nm that every
 * public function defined in the library is kept: when the API grows, add the
 * new calls to the use_<module>() block here (enabled by OCPP_SIZE_HAVE_<MODULE>,
 * set in bench/size/CMakeLists.txt when src/<module>/ has sources).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_status.h"
#if OCPP_SIZE_HAVE_JSON
#include "ocpp/ocpp_json.h"
#endif
#if OCPP_SIZE_HAVE_WS
#include "ocpp/ocpp_ws.h"
#endif
#if OCPP_SIZE_HAVE_CONFIG
#include "ocpp/ocpp_cp.h"
#endif
#if OCPP_SIZE_HAVE_CP
#include "ocpp/ocpp_cp.h"
#endif

int main(void);

/* Unknowable inputs and an observable output. */
static volatile uint32_t fw_in;
static volatile uintptr_t fw_out;
static char fw_text[512];
static uint8_t fw_rx[1024];

static void sink(uintptr_t v)
{
    fw_out = fw_out + v;
}

static size_t in_len(size_t cap)
{
    return (size_t)fw_in % cap;
}

static uint32_t fw_random(void *ctx)
{
    (void)ctx;
    return fw_in;
}

static void use_status(void)
{
    sink((uintptr_t)ocpp_status_str((ocpp_status_t)(int32_t)fw_in));
}

#if OCPP_SIZE_HAVE_JSON
static void use_json_reader(void)
{
    ocpp_json_value_t root, v, k;
    ocpp_json_iter_t it;
    int64_t i = 0;
    bool b = false;
    size_t n = 0;
    size_t len = in_len(sizeof fw_text);

    sink((uintptr_t)ocpp_json_validate(fw_text, len));
    sink((uintptr_t)ocpp_json_root(fw_text, len, &root));
    sink((uintptr_t)ocpp_json_get(&root, "key", &v));
    sink((uintptr_t)ocpp_json_find(&root, "a.b[1].c", &v));
    sink((uintptr_t)ocpp_json_iter_init(&it, &root));
    while (ocpp_json_iter_next(&it, &k, &v)) {
        sink(ocpp_json_count(&v));
    }
    sink((uintptr_t)ocpp_json_as_string(&v, fw_text, sizeof fw_text, &n));
    sink(ocpp_json_string_len(&v) + n);
    sink((uintptr_t)ocpp_json_string_eq(&v, "Accepted"));
    sink((uintptr_t)ocpp_json_as_int(&v, &i));
    sink((uintptr_t)ocpp_json_as_decimal(&v, 3, &i));
    sink((uintptr_t)ocpp_json_as_bool(&v, &b));
    sink((uintptr_t)i + (uintptr_t)b);
}

static void use_json_writer(void)
{
    ocpp_jw_t w;
    size_t n = 0;

    ocpp_jw_init(&w, fw_text, in_len(sizeof fw_text));
    ocpp_jw_arr_open(&w);
    ocpp_jw_int(&w, (int64_t)fw_in);
    ocpp_jw_str(&w, "id");
    ocpp_jw_obj_open(&w);
    ocpp_jw_key(&w, "k");
    ocpp_jw_strn(&w, fw_text, in_len(16));
    ocpp_jw_key(&w, "d");
    ocpp_jw_decimal(&w, (int64_t)fw_in, 1);
    ocpp_jw_key(&w, "b");
    ocpp_jw_bool(&w, fw_in != 0u);
    ocpp_jw_key(&w, "n");
    ocpp_jw_null(&w);
    ocpp_jw_key(&w, "r");
    ocpp_jw_raw(&w, "{}", 2);
    ocpp_jw_kv_str(&w, "s", "x");
    ocpp_jw_kv_int(&w, "i", 1);
    ocpp_jw_kv_bool(&w, "t", true);
    ocpp_jw_obj_close(&w);
    ocpp_jw_arr_close(&w);
    sink((uintptr_t)ocpp_jw_finish(&w, &n) + n);
}
#endif

#if OCPP_SIZE_HAVE_WS
static ocpp_status_t fw_net_connect(void *ctx, const ocpp_endpoint_t *ep)
{
    (void)ctx;
    (void)ep;
    return (ocpp_status_t)(int32_t)fw_in;
}

static int32_t fw_net_send(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    (void)data;
    return (int32_t)(fw_in % (len + 1u));
}

static int32_t fw_net_recv(void *ctx, uint8_t *buf, size_t cap)
{
    (void)ctx;
    if (cap > 0u) {
        buf[0] = (uint8_t)fw_in;
    }
    return (int32_t)(fw_in % (cap + 1u));
}

static void fw_net_close(void *ctx)
{
    (void)ctx;
}

static const ocpp_net_port_t fw_net = {NULL, fw_net_connect, fw_net_send, fw_net_recv,
                                       fw_net_close};

static void use_ws(void)
{
    static ocpp_ws_t ws;
    ocpp_ws_config_t wc = {0};
    ocpp_msg_port_t port;
    ocpp_msg_open_t open = {0};
    const char *msg = NULL;
    size_t len = 0;

    wc.net = &fw_net;
    wc.rx_buf = fw_rx;
    wc.rx_cap = sizeof fw_rx;
    wc.random = fw_random;
    wc.ping_interval_s = fw_in;
    sink((uintptr_t)ocpp_ws_init(&ws, &wc));
    ocpp_ws_msg_port(&ws, &port);
    ocpp_ws_set_ping_interval(&ws, fw_in);
    sink((uintptr_t)ocpp_ws_state(&ws));
    open.ep.host = "csms.example";
    open.ep.port = 80;
    open.path = "/ocpp/CP-1";
    open.subprotocol = "ocpp1.6";
    sink((uintptr_t)ocpp_ws_open(&ws, &open));
    sink((uintptr_t)ocpp_ws_send(&ws, fw_text + OCPP_MSG_HEADROOM, in_len(64)));
    sink((uintptr_t)ocpp_ws_recv(&ws, fw_in, &msg, &len));
    sink((uintptr_t)msg + len);
    ocpp_ws_close(&ws);
}
#endif

#if OCPP_SIZE_HAVE_CONFIG
/* The configuration keys' public functions (their table, parsing and
 * GetConfiguration are reached through the charge point below). */
static void use_config(void)
{
    ocpp_measurand_t m = (ocpp_measurand_t)fw_in;
    sink((uintptr_t)ocpp_key_result_str((ocpp_key_result_t)fw_in));
    sink((uintptr_t)ocpp_measurand_name(m));
    sink((uintptr_t)ocpp_measurand_parse(fw_text, in_len(32), &m) + (uintptr_t)m);
}
#endif

#if OCPP_SIZE_HAVE_CP
static void use_cp(void)
{
    static ocpp_cp_t cp;
    static char tx[2048];
    ocpp_cp_config_t cfg = {0};
    ocpp_cp_ports_t ports = {0};
    ocpp_cp_callbacks_t cb = {0};
#if OCPP_SIZE_HAVE_WS
    static ocpp_ws_t ws;
    static ocpp_msg_port_t msg;
    ocpp_ws_msg_port(&ws, &msg);
    ports.msg = &msg;
#endif

    cfg.identity = "CP-1";
    cfg.csms_url = "ws://csms.example/ocpp";
    cfg.vendor = "ocpp-c";
    cfg.model = "size";
    cfg.connectors = 2;
    ports.random = fw_random;
    sink((uintptr_t)ocpp_cp_init(&cp, &cfg, &ports, &cb, tx, sizeof tx));
    ocpp_cp_set_network(&cp, fw_in != 0u);
    ocpp_cp_set_time(&cp, (int64_t)fw_in);
    sink((uintptr_t)ocpp_cp_key_set(&cp, "HeartbeatInterval", "60"));
    sink((uintptr_t)ocpp_cp_plugged(&cp, (uint8_t)fw_in, fw_in != 1u));
    sink((uintptr_t)ocpp_cp_ev_ready(&cp, (uint8_t)fw_in, fw_in != 2u));
    sink((uintptr_t)ocpp_cp_evse_suspended(&cp, (uint8_t)fw_in, fw_in == 3u));
    sink((uintptr_t)ocpp_cp_present_id(&cp, (uint8_t)fw_in, fw_text));
    sink((uintptr_t)ocpp_cp_stop(&cp, (uint8_t)fw_in, (ocpp_stop_reason_t)fw_in));
    sink((uintptr_t)ocpp_cp_fault(&cp, (uint8_t)fw_in, (ocpp_fault_t)fw_in, fw_text, NULL));
    sink((uintptr_t)ocpp_cp_data_transfer(&cp, "vendor", NULL, fw_text));
    {
        ocpp_cp_connector_info_t info;
        sink((uintptr_t)ocpp_cp_connector_info(&cp, (uint8_t)fw_in, &info) + info.plugged);
        ocpp_cp_queue_info_t qi;
        sink((uintptr_t)ocpp_cp_queue_info(&cp, &qi) + qi.entries);
    }
    sink((uintptr_t)ocpp_cp_key_register(&cp, NULL));
    {
        ocpp_jw_t kw;
        ocpp_jw_init(&kw, fw_text, sizeof fw_text);
        sink((uintptr_t)ocpp_cp_key_list(&cp, &kw));
    }
    for (;;) {
        sink((uintptr_t)ocpp_cp_poll(&cp, fw_in));
        sink(ocpp_cp_next_wakeup_ms(&cp, fw_in));
        ocpp_cp_set_now(&cp, fw_in);
        sink((uintptr_t)ocpp_cp_connector_status(&cp, 1));
        sink((uintptr_t)ocpp_cp_time(&cp));
        sink((uintptr_t)ocpp_cp_key_get(&cp, fw_text, fw_text, sizeof fw_text));
        sink((uintptr_t)ocpp_cp_conn_str(ocpp_cp_connection(&cp)));
        sink((uintptr_t)ocpp_connector_status_str((ocpp_connector_status_t)fw_in));
        sink((uintptr_t)ocpp_fault_str((ocpp_fault_t)fw_in));
        sink((uintptr_t)ocpp_stop_reason_str((ocpp_stop_reason_t)fw_in));
        sink((uintptr_t)ocpp_auth_status_str(ocpp_cp_last_auth(&cp)));
        if (fw_in == 0u) {
            break;
        }
    }
}
#endif

int main(void)
{
    use_status();
#if OCPP_SIZE_HAVE_JSON
    use_json_reader();
    use_json_writer();
#endif
#if OCPP_SIZE_HAVE_WS
    use_ws();
#endif
#if OCPP_SIZE_HAVE_CONFIG
    use_config();
#endif
#if OCPP_SIZE_HAVE_CP
    use_cp();
#endif
    return (int)fw_out;
}
