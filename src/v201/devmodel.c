/**
 * @file devmodel.c
 * @brief The OCPP 2.0.1 device model of the adapter: a small, fixed set of
 *        component variables, GetVariables (B06) and SetVariables (B05),
 *        local configuration (ocpp_v201_set_local()) and persistence.
 *
 * Variables (OCPP 2.0.1 Part 2 Appendices / Part 2 §2 "Referenced
 * Components and Variables"; Part 4 §8), each with the attribute Actual
 * only:
 *
 *   OCPPCommCtrlr.HeartbeatInterval            RW  integer s, minLimit 1 (2.1.5)
 *   OCPPCommCtrlr.MessageTimeout[Default]      RO  integer s (2.1.3: ReadOnly,
 *                                                  "configured in the network
 *                                                  connection profile"): settable
 *                                                  locally only
 *   OCPPCommCtrlr.WebSocketPingInterval        RW  integer s, >= 0 (Part 4 §8.4)
 *   DeviceDataCtrlr.ItemsPerMessage[GetVariables|SetVariables]   RO (2.1.17, 2.1.22)
 *   DeviceDataCtrlr.BytesPerMessage[GetVariables|SetVariables]   RO (2.1.19, 2.1.23):
 *                                                  the transmit buffer, which
 *                                                  bounds every answer
 *   ChargingStation.Model, ChargingStation.VendorName  RO (as in BootNotification)
 *   ClockCtrlr.DateTime                        RO  (2.1.24)
 *
 * Component and variable names are case-insensitive (ComponentType.name:
 * "Case Insensitive"). None of the components has an instance or an EVSE.
 *
 * Persistence: "All variables that are writable SHALL have ... persistence =
 * true" (Part 2 §2 "Referenced Components and Variables"): the writable
 * ones are kept in the storage record "v201vars", a JSON object
 * {"HeartbeatInterval":300,"MessageTimeout":30,"WebSocketPingInterval":60}
 * to which a Reset adds "bootReason":"RemoteReset" for the next boot
 * (B01.FR.09).
 */
#include <string.h>

#include "session/session.h"
#include "station/station.h"
#include "util/log.h"
#include "util/text.h"
#include "v201/v201_internal.h"

#if OCPP_CONFIG_OCPP201

#define VARS_RECORD "v201vars"
#define VARS_MAX    160u /**< Bytes of the record, at most. */
/** Longest int32 seconds we keep (ms must stay below 2^31 for the timers). */
#define SECONDS_MAX 2147483

/** Variables, indexed by the position in vars[]. */
enum {
    VAR_HEARTBEAT,
    VAR_MESSAGE_TIMEOUT,
    VAR_WS_PING,
    VAR_ITEMS_GET,
    VAR_ITEMS_SET,
    VAR_BYTES_GET,
    VAR_BYTES_SET,
    VAR_MODEL,
    VAR_VENDOR,
    VAR_DATETIME,
    VAR_COUNT
};

#define F_RW    1u /**< ReadWrite: the CSMS may set it. */
#define F_LOCAL 2u /**< ocpp_v201_set_local() may set it. */

typedef struct {
    const char *name; /**< "Component.Variable" or "Component.Variable[Instance]". */
    uint8_t flags;
} var_def_t;

static const var_def_t vars[VAR_COUNT] = {
    {"OCPPCommCtrlr.HeartbeatInterval", F_RW | F_LOCAL},
    {"OCPPCommCtrlr.MessageTimeout[Default]", F_LOCAL},
    {"OCPPCommCtrlr.WebSocketPingInterval", F_RW | F_LOCAL},
    {"DeviceDataCtrlr.ItemsPerMessage[GetVariables]", 0},
    {"DeviceDataCtrlr.ItemsPerMessage[SetVariables]", 0},
    {"DeviceDataCtrlr.BytesPerMessage[GetVariables]", 0},
    {"DeviceDataCtrlr.BytesPerMessage[SetVariables]", 0},
    {"ChargingStation.Model", 0},
    {"ChargingStation.VendorName", 0},
    {"ClockCtrlr.DateTime", 0},
};

/** AttributeEnumType; only Actual exists here. */
static const char *const attr_names[] = {"Actual", "Target", "MinSet", "MaxSet"};

/** A name of vars[] split into its parts (slices of the name). */
typedef struct {
    const char *comp, *var, *inst;
    size_t comp_n, var_n, inst_n;
} var_parts_t;

static void split(const char *name, var_parts_t *p)
{
    const char *dot = strchr(name, '.');
    const char *br = strchr(dot + 1, '[');
    p->comp = name;
    p->comp_n = (size_t)(dot - name);
    p->var = dot + 1;
    p->var_n = br != NULL ? (size_t)(br - p->var) : strlen(p->var);
    p->inst = br != NULL ? br + 1 : "";
    p->inst_n = br != NULL ? strlen(p->inst) - 1u : 0u;
}

/** s[0..n) and t[0..m) are equal ignoring ASCII case. */
static bool ieq2(const char *s, size_t n, const char *t, size_t m)
{
    if (n != m) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (ocpp_ascii_lower(s[i]) != ocpp_ascii_lower(t[i])) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Values                                                                    */
/* ------------------------------------------------------------------------ */

/** Decimal text of v into buf (at least 12 bytes). */
static const char *int_text(int32_t v, char *buf)
{
    char tmp[12];
    size_t n = 0, i = 0;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10u));
        u /= 10u;
    } while (u != 0u);
    if (v < 0) {
        buf[i++] = '-';
    }
    while (n > 0u) {
        buf[i++] = tmp[--n];
    }
    buf[i] = '\0';
    return buf;
}

/** An integer as on the wire: optional '-', 1..10 digits, nothing else. */
static bool parse_int(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    int64_t v = 0;
    size_t n = 0;
    for (s += neg ? 1 : 0; *s >= '0' && *s <= '9' && n < 10u; s++, n++) {
        v = v * 10 + (*s - '0');
    }
    *out = neg ? -v : v;
    return n > 0u && *s == '\0';
}

/** The MessageTimeout in force: the application's call_timeout_ms wins. */
static int32_t message_timeout(const ocpp_v201_t *a)
{
    uint32_t ms = a->config->call_timeout_ms;
    return ms != 0u ? (int32_t)((ms + 999u) / 1000u) : a->message_timeout;
}

/** The Actual value of variable `id`; buf: at least OCPP_RPC_DATETIME_LEN + 1. */
static const char *value_of(const ocpp_v201_t *a, unsigned id, char *buf)
{
    size_t send_cap =
        a->ss->send_cap > OCPP_MSG_HEADROOM ? a->ss->send_cap - OCPP_MSG_HEADROOM : 0u;
    switch (id) {
    case VAR_HEARTBEAT: return int_text(a->heartbeat_interval, buf);
    case VAR_MESSAGE_TIMEOUT: return int_text(message_timeout(a), buf);
    case VAR_WS_PING: return int_text(a->ws_ping_interval, buf);
    case VAR_ITEMS_GET:
    case VAR_ITEMS_SET: return int_text(OCPP_CONFIG_V201_ITEMS_PER_MESSAGE, buf);
    case VAR_BYTES_GET:
    case VAR_BYTES_SET:
        return int_text((int32_t)(send_cap < INT32_MAX ? send_cap : INT32_MAX), buf);
    case VAR_MODEL: return a->config->model != NULL ? a->config->model : "";
    case VAR_VENDOR: return a->config->vendor != NULL ? a->config->vendor : "";
    default: break;
    }
    /* ClockCtrlr.DateTime; B06.FR.13: "" while the clock is not set. */
    int64_t t = ocpp_station_time(a->st);
    buf[0] = '\0';
    if (t > 0) {
        ocpp_rpc_format_datetime(t, 0, buf);
    }
    return buf;
}

/** Set writable variable `id` from its wire text. @return false: bad format
 *  or out of range (B05.FR.07, B05.FR.08). */
static bool assign(ocpp_v201_t *a, unsigned id, const char *text)
{
    int64_t v;
    int64_t min = id == VAR_WS_PING ? 0 : 1; /* Part 4 §8.4: negative not allowed */
    if (!parse_int(text, &v) || v < min || v > SECONDS_MAX) {
        return false;
    }
    if (id == VAR_HEARTBEAT) {
        a->heartbeat_interval = (int32_t)v;
    } else if (id == VAR_MESSAGE_TIMEOUT) {
        a->message_timeout = (int32_t)v;
    } else {
        a->ws_ping_interval = (int32_t)v;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Persistence                                                               */
/* ------------------------------------------------------------------------ */

void ocpp_v201_vars_apply(ocpp_v201_t *a)
{
    uint32_t ms = a->config->call_timeout_ms;
    a->ss->call_timeout_ms = ms != 0u ? ms : (uint32_t)a->message_timeout * 1000u;
    ocpp_session_set_keepalive(a->ss, (uint32_t)a->ws_ping_interval);
}

ocpp_status_t ocpp_v201_vars_save(ocpp_v201_t *a, bool reset_next)
{
    char buf[VARS_MAX];
    ocpp_jw_t w;
    size_t n = 0;
    if (a->storage == NULL) {
        return OCPP_OK;
    }
    ocpp_jw_init(&w, buf, sizeof buf);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_int(&w, "HeartbeatInterval", a->heartbeat_interval);
    ocpp_jw_kv_int(&w, "MessageTimeout", a->message_timeout);
    ocpp_jw_kv_int(&w, "WebSocketPingInterval", a->ws_ping_interval);
    if (reset_next) {
        ocpp_jw_kv_str(&w, "bootReason", "RemoteReset");
    }
    ocpp_jw_obj_close(&w);
    ocpp_status_t st = ocpp_jw_finish(&w, &n);
    if (st == OCPP_OK) {
        st = a->storage->write(a->storage->ctx, VARS_RECORD, (const uint8_t *)buf, n);
    }
    if (st != OCPP_OK) {
        LOGE(&a->log, "saving %s failed: %s", VARS_RECORD, ocpp_status_str(st));
    }
    return st;
}

/** A stored seconds value into *dst if present and in range. */
static void load_int(const ocpp_json_value_t *root, const char *key, int64_t min, int32_t *dst)
{
    ocpp_json_value_t v;
    int64_t x;
    if (ocpp_json_get(root, key, &v) == OCPP_OK && ocpp_json_as_int(&v, &x) == OCPP_OK &&
        x >= min && x <= SECONDS_MAX) {
        *dst = (int32_t)x;
    }
}

void ocpp_v201_vars_init(ocpp_v201_t *a)
{
    uint8_t buf[VARS_MAX];
    ocpp_json_value_t root, v;
    a->heartbeat_interval = 300;
    a->message_timeout = 30;
    a->ws_ping_interval = 60;
    a->boot_reason = V201_BOOT_POWER_UP;
    int32_t n = a->storage != NULL ? a->storage->read(a->storage->ctx, VARS_RECORD, buf, sizeof buf)
                                   : OCPP_ERR_NOT_FOUND;
    if (n < 0) {
        return; /* first start (or unreadable: the defaults) */
    }
    if (ocpp_json_validate((const char *)buf, (size_t)n) != OCPP_OK ||
        ocpp_json_root((const char *)buf, (size_t)n, &root) != OCPP_OK ||
        root.type != OCPP_JSON_OBJECT) {
        LOGW(&a->log, "stored %s unusable", VARS_RECORD);
        return;
    }
    load_int(&root, "HeartbeatInterval", 1, &a->heartbeat_interval);
    load_int(&root, "MessageTimeout", 1, &a->message_timeout);
    load_int(&root, "WebSocketPingInterval", 0, &a->ws_ping_interval);
    if (ocpp_json_get(&root, "bootReason", &v) == OCPP_OK &&
        ocpp_json_string_eq(&v, "RemoteReset")) {
        /* B01.FR.09: this boot follows a Reset; the next one does not. */
        a->boot_reason = V201_BOOT_REMOTE_RESET;
        (void)ocpp_v201_vars_save(a, false);
    }
}

/** A variable changed: the session follows, it is persisted, the
 *  application is told (OCPP_CP_EV_CONFIG_CHANGED with its name). */
static void changed(ocpp_v201_t *a, unsigned id)
{
    ocpp_v201_vars_apply(a);
    (void)ocpp_v201_vars_save(a, false);
    ocpp_station_app_event(a->st, OCPP_CP_EV_CONFIG_CHANGED, 0, 0, vars[id].name,
                           strlen(vars[id].name));
}

void ocpp_v201_set_heartbeat(ocpp_v201_t *a, int32_t interval_s)
{
    if (interval_s > 0 && interval_s <= SECONDS_MAX && interval_s != a->heartbeat_interval) {
        a->heartbeat_interval = interval_s;
        changed(a, VAR_HEARTBEAT);
    }
}

ocpp_key_result_t ocpp_v201_set_local(ocpp_v201_t *a, const char *name, const char *value)
{
    for (unsigned id = 0; name != NULL && value != NULL && id < VAR_COUNT; id++) {
        if (!ocpp_ascii_ieq(name, vars[id].name)) {
            continue;
        }
        if ((vars[id].flags & F_LOCAL) == 0u || !assign(a, id, value)) {
            return OCPP_KEY_REJECTED;
        }
        changed(a, id);
        return OCPP_KEY_ACCEPTED;
    }
    return OCPP_KEY_NOT_SUPPORTED;
}

ocpp_status_t ocpp_v201_get_local(const ocpp_v201_t *a, const char *name, char *out, size_t cap)
{
    for (unsigned id = 0; name != NULL && id < VAR_COUNT; id++) {
        if (ocpp_ascii_ieq(name, vars[id].name)) {
            char buf[OCPP_RPC_DATETIME_LEN + 1];
            const char *v = value_of(a, id, buf);
            size_t n = strlen(v);
            if (n >= cap) {
                return OCPP_ERR_NOMEM;
            }
            memcpy(out, v, n + 1u);
            return OCPP_OK;
        }
    }
    return OCPP_ERR_NOT_FOUND;
}

/* ------------------------------------------------------------------------ */
/* One GetVariableData / SetVariableData element                             */
/* ------------------------------------------------------------------------ */

/** A name as received: its JSON string (echoed as is) and its text, if it
 *  fits `s` (longer names match nothing here). */
typedef struct {
    ocpp_json_value_t raw; /**< type OCPP_JSON_INVALID when absent. */
    char s[48];
    bool fits;
} name_t;

/** One element of getVariableData / setVariableData. */
typedef struct {
    name_t comp, comp_inst, var, var_inst;
    int64_t evse_id, evse_conn;
    bool has_evse, has_evse_conn;
    size_t attr;    /**< Index in attr_names (Actual when absent: B05.FR.12, B06.FR.11). */
    char value[16]; /**< SetVariables: attributeValue (longer ones: value_fits false). */
    bool value_fits;
} item_t;

/** A string member of `obj` (maxLength 50, ComponentType/VariableType). */
static ocpp_rpc_err_t get_name(const ocpp_json_value_t *obj, const char *key, bool required,
                               name_t *n, const char **desc)
{
    n->raw.type = OCPP_JSON_INVALID;
    n->s[0] = '\0';
    n->fits = true;
    ocpp_rpc_err_t e = ocpp_rpc_get_string(obj, key, required, 50u, n->s, sizeof n->s, desc);
    if (e == OCPP_RPC_ERR_INTERNAL) {
        n->fits = false; /* valid, but longer than every name here */
        e = OCPP_RPC_OK;
    }
    if (e == OCPP_RPC_OK) {
        (void)ocpp_json_get(obj, key, &n->raw);
    }
    return e;
}

/** ComponentType: name, instance?, evse {id, connectorId?}? */
static ocpp_rpc_err_t get_component(const ocpp_json_value_t *data, item_t *it, const char **desc)
{
    ocpp_json_value_t c, evse;
    ocpp_rpc_err_t e = ocpp_rpc_get_container(data, "component", true, OCPP_JSON_OBJECT, &c, desc);
    if (e == OCPP_RPC_OK) {
        e = get_name(&c, "name", true, &it->comp, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = get_name(&c, "instance", false, &it->comp_inst, desc);
    }
    if (e == OCPP_RPC_OK) {
        it->has_evse = ocpp_rpc_has(&c, "evse");
        e = ocpp_rpc_get_container(&c, "evse", false, OCPP_JSON_OBJECT, &evse, desc);
    }
    if (e == OCPP_RPC_OK && it->has_evse) {
        e = ocpp_rpc_get_int(&evse, "id", true, INT32_MIN, INT32_MAX, &it->evse_id, desc);
        it->has_evse_conn = ocpp_rpc_has(&evse, "connectorId");
    }
    if (e == OCPP_RPC_OK && it->has_evse_conn) {
        e = ocpp_rpc_get_int(&evse, "connectorId", true, INT32_MIN, INT32_MAX, &it->evse_conn,
                             desc);
    }
    return e;
}

/** The common part of both elements: component, variable, attributeType. */
static ocpp_rpc_err_t get_item(const ocpp_json_value_t *data, item_t *it, const char **desc)
{
    ocpp_json_value_t var;
    memset(it, 0, sizeof *it);
    if (data->type != OCPP_JSON_OBJECT) {
        *desc = "element is no object";
        return OCPP_RPC_ERR_TYPE_CONSTRAINT;
    }
    ocpp_rpc_err_t e = get_component(data, it, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_container(data, "variable", true, OCPP_JSON_OBJECT, &var, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = get_name(&var, "name", true, &it->var, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = get_name(&var, "instance", false, &it->var_inst, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_enum(data, "attributeType", false, attr_names, 4u, &it->attr, desc);
    }
    return e;
}

/** Result of looking an element up: a variable (>= 0) or a status. */
enum { LOOKUP_UNKNOWN_COMPONENT = -2, LOOKUP_UNKNOWN_VARIABLE = -1 };

static bool name_is(const name_t *n, const char *s, size_t len)
{
    return n->fits && ieq2(n->s, strlen(n->s), s, len);
}

/**
 * B05.FR.04/05, B06.FR.06/07/14/15: the variable addressed, or
 * LOOKUP_UNKNOWN_COMPONENT (no such component; an instance or an EVSE that
 * none of ours has) or LOOKUP_UNKNOWN_VARIABLE (the component has no such
 * variable, or not with that instance; an empty instance counts as none).
 */
static int lookup(const item_t *it)
{
    bool component = false;
    if (it->has_evse || it->comp_inst.s[0] != '\0' || !it->comp_inst.fits) {
        return LOOKUP_UNKNOWN_COMPONENT;
    }
    for (unsigned id = 0; id < VAR_COUNT; id++) {
        var_parts_t p;
        split(vars[id].name, &p);
        if (!name_is(&it->comp, p.comp, p.comp_n)) {
            continue;
        }
        component = true;
        if (name_is(&it->var, p.var, p.var_n) && name_is(&it->var_inst, p.inst, p.inst_n)) {
            return (int)id;
        }
    }
    return component ? LOOKUP_UNKNOWN_VARIABLE : LOOKUP_UNKNOWN_COMPONENT;
}

/** `"key":<the received JSON string>` */
static void kv_raw(ocpp_jw_t *w, const char *key, const ocpp_json_value_t *raw)
{
    if (raw->type == OCPP_JSON_STRING) {
        ocpp_jw_key(w, key);
        ocpp_jw_raw(w, raw->ptr, raw->len);
    }
}

/** B05.FR.02/03, B06.FR.02/03/11: attributeType, component and variable as
 *  requested (attributeType Actual if it was absent). */
static void write_echo(ocpp_jw_t *w, const item_t *it)
{
    ocpp_jw_kv_str(w, "attributeType", attr_names[it->attr]);
    ocpp_jw_key(w, "component");
    ocpp_jw_obj_open(w);
    kv_raw(w, "name", &it->comp.raw);
    kv_raw(w, "instance", &it->comp_inst.raw);
    if (it->has_evse) {
        ocpp_jw_key(w, "evse");
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_int(w, "id", it->evse_id);
        if (it->has_evse_conn) {
            ocpp_jw_kv_int(w, "connectorId", it->evse_conn);
        }
        ocpp_jw_obj_close(w);
    }
    ocpp_jw_obj_close(w);
    ocpp_jw_key(w, "variable");
    ocpp_jw_obj_open(w);
    kv_raw(w, "name", &it->var.raw);
    kv_raw(w, "instance", &it->var_inst.raw);
    ocpp_jw_obj_close(w);
}

/** The status of a lookup that found no variable. */
static const char *unknown_status(int id)
{
    return id == LOOKUP_UNKNOWN_COMPONENT ? "UnknownComponent" : "UnknownVariable";
}

/* ------------------------------------------------------------------------ */
/* GetVariables, SetVariables                                                */
/* ------------------------------------------------------------------------ */

/**
 * The request's array `key`: 1..ItemsPerMessage elements. More than
 * ItemsPerMessage: CALLERROR OccurrenceConstraintViolation (B06.FR.16 "MAY
 * respond with a CALLERROR(OccurrenceConstraintViolation)"; SetVariables the
 * same, B05.FR.11 forbids the CSMS to send more). Fewer than one: the
 * schema's minItems 1 is an occurrence constraint too.
 */
static ocpp_rpc_err_t get_list(const ocpp_json_value_t *payload, const char *key,
                               ocpp_json_value_t *list, const char **desc)
{
    ocpp_rpc_err_t e = ocpp_rpc_get_container(payload, key, true, OCPP_JSON_ARRAY, list, desc);
    size_t n = e == OCPP_RPC_OK ? ocpp_json_count(list) : 0u;
    if (e == OCPP_RPC_OK && (n < 1u || n > (size_t)OCPP_CONFIG_V201_ITEMS_PER_MESSAGE)) {
        *desc = n < 1u ? "no element" : "more elements than ItemsPerMessage";
        e = OCPP_RPC_ERR_OCCURENCE_CONSTRAINT;
    }
    return e;
}

/** One GetVariableResult (B06.FR.04, 06-08, 10). */
static void get_result(ocpp_v201_t *a, const item_t *it, ocpp_jw_t *w)
{
    char buf[OCPP_RPC_DATETIME_LEN + 1];
    int id = lookup(it);
    ocpp_jw_obj_open(w);
    if (id < 0) {
        /* B06.FR.06/07: "SHALL omit the attributeValue" */
        ocpp_jw_kv_str(w, "attributeStatus", unknown_status(id));
    } else if (it->attr != 0u) {
        /* B06.FR.08: only Actual exists here. */
        ocpp_jw_kv_str(w, "attributeStatus", "NotSupportedAttributeType");
    } else {
        /* B06.FR.10: Accepted and the value. */
        ocpp_jw_kv_str(w, "attributeStatus", "Accepted");
        ocpp_jw_kv_str(w, "attributeValue", value_of(a, (unsigned)id, buf));
    }
    write_echo(w, it);
    ocpp_jw_obj_close(w);
}

ocpp_rpc_err_t ocpp_v201_get_variables(void *ctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                                       const char **desc)
{
    ocpp_json_value_t list, data;
    ocpp_json_iter_t iter;
    item_t it;
    ocpp_rpc_err_t e = get_list(payload, "getVariableData", &list, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    ocpp_jw_obj_open(w);
    ocpp_jw_key(w, "getVariableResult");
    ocpp_jw_arr_open(w);
    (void)ocpp_json_iter_init(&iter, &list);
    while (ocpp_json_iter_next(&iter, NULL, &data)) {
        e = get_item(&data, &it, desc);
        if (e != OCPP_RPC_OK) {
            return e;
        }
        get_result(ctx, &it, w); /* B06.FR.01: one result per element */
    }
    ocpp_jw_arr_close(w);
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

/** One element of setVariableData: get_item() and attributeValue. */
static ocpp_rpc_err_t get_set_item(const ocpp_json_value_t *data, item_t *it, const char **desc)
{
    ocpp_rpc_err_t e = get_item(data, it, desc);
    if (e == OCPP_RPC_OK) {
        /* attributeValue: string[1000], required. */
        e = ocpp_rpc_get_string(data, "attributeValue", true, 1000u, it->value, sizeof it->value,
                                desc);
        it->value_fits = e == OCPP_RPC_OK;
        e = e == OCPP_RPC_ERR_INTERNAL ? OCPP_RPC_OK : e; /* too long for any value here */
    }
    return e;
}

/** Set one element (B05.FR.04-10). @return the attributeStatus; *set_id:
 *  the variable set, -1 if none. */
static const char *set_one(ocpp_v201_t *a, const item_t *it, int *set_id)
{
    int id = lookup(it);
    *set_id = -1;
    if (id < 0) {
        return unknown_status(id); /* B05.FR.04, B05.FR.05 */
    }
    if (it->attr != 0u) {
        return "NotSupportedAttributeType"; /* B05.FR.06 */
    }
    /* B05.FR.07/08: bad format or out of range; B05.FR.09: ReadOnly. */
    if (!it->value_fits || (vars[id].flags & F_RW) == 0u || !assign(a, (unsigned)id, it->value)) {
        return "Rejected";
    }
    *set_id = id;
    return "Accepted"; /* B05.FR.10 */
}

/** Set every element and write its result. @return bit id: variable id set. */
static uint32_t set_all(ocpp_v201_t *a, const ocpp_json_value_t *list, ocpp_jw_t *w)
{
    ocpp_json_value_t data;
    ocpp_json_iter_t iter;
    item_t it;
    const char *desc;
    uint32_t set = 0;
    (void)ocpp_json_iter_init(&iter, list);
    while (ocpp_json_iter_next(&iter, NULL, &data)) {
        int id;
        (void)get_set_item(&data, &it, &desc); /* checked before */
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_str(w, "attributeStatus", set_one(a, &it, &id));
        write_echo(w, &it);
        ocpp_jw_obj_close(w);
        set |= id >= 0 ? 1u << (unsigned)id : 0u; /* B05.FR.01: one result each */
    }
    return set;
}

/** Every element is checked before any is set: a request answered with a
 *  CALLERROR changes nothing. */
static ocpp_rpc_err_t check_set_items(const ocpp_json_value_t *list, const char **desc)
{
    ocpp_json_value_t data;
    ocpp_json_iter_t iter;
    item_t it;
    ocpp_rpc_err_t e = OCPP_RPC_OK;
    (void)ocpp_json_iter_init(&iter, list);
    while (e == OCPP_RPC_OK && ocpp_json_iter_next(&iter, NULL, &data)) {
        e = get_set_item(&data, &it, desc);
    }
    return e;
}

ocpp_rpc_err_t ocpp_v201_set_variables(void *ctx, const ocpp_json_value_t *payload, ocpp_jw_t *w,
                                       const char **desc)
{
    ocpp_v201_t *a = ctx;
    ocpp_json_value_t list;
    ocpp_rpc_err_t e = get_list(payload, "setVariableData", &list, desc);
    if (e == OCPP_RPC_OK) {
        e = check_set_items(&list, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    ocpp_jw_obj_open(w);
    ocpp_jw_key(w, "setVariableResult");
    ocpp_jw_arr_open(w);
    uint32_t set = set_all(a, &list, w);
    ocpp_jw_arr_close(w);
    ocpp_jw_obj_close(w);
    if (set != 0u) {
        /* Persisted at once (a later InternalError for an answer that does
         * not fit the transmit buffer does not undo them). */
        ocpp_v201_vars_apply(a);
        (void)ocpp_v201_vars_save(a, false);
    }
    for (unsigned id = 0; id < VAR_COUNT; id++) {
        if ((set & (1u << id)) != 0u) {
            ocpp_station_app_event(a->st, OCPP_CP_EV_CONFIG_CHANGED, 0, 0, vars[id].name,
                                   strlen(vars[id].name));
        }
    }
    return OCPP_RPC_OK;
}

#endif /* OCPP_CONFIG_OCPP201 */
